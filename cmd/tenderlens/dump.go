package main

import (
	"context"
	"io"
)

// cmdDump writes the open-data dumps (issue 6).
func cmdDump(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	return exitError{code: 2, msg: "dump is not built yet"}
}
