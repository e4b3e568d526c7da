package main

import (
	"context"
	"io"
)

// cmdBench measures import and search on a peerbench corpus (see issue 3).
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	return exitError{code: 2, msg: "bench is not built yet"}
}
