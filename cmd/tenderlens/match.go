package main

import (
	"context"
	"io"
)

// cmdMatch scores name pairs from a CSV file (issue 5).
func cmdMatch(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	return exitError{code: 2, msg: "match is not built yet"}
}
