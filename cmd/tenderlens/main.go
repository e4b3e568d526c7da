// Command tenderlens runs the Tenderlens procurement-transparency portal and
// its tools.
//
//	tenderlens serve   [--config FILE] [--data DIR] [--addr HOST:PORT] [--demo]
//	tenderlens import  [--config FILE] [--data DIR] --format F [--source NAME] PATH_OR_URL...
//	tenderlens dump | match | bench (see the usage text)
//	tenderlens reindex [--config FILE] [--data DIR]
//	tenderlens sources [--config FILE] [--data DIR]
//
// main only parses the command line and wires; the assembly lives in build
// so that tests can call it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Tenderlens: public-procurement transparency portal

Usage:
  tenderlens serve   [--config FILE] [--data DIR] [--addr HOST:PORT] [--demo]
  tenderlens import  [--config FILE] [--data DIR] --format F [--source NAME] PATH_OR_URL...
                     F: ocds; csv --profile NAME | --mapping FILE;
                        bods, psc, ofac-csv, ofac-xml, un-xml, eu-xml, ftm
  tenderlens reindex [--config FILE] [--data DIR]
  tenderlens sources [--config FILE] [--data DIR]
  tenderlens dump    [--config FILE] [--data DIR] [--out DIR]
  tenderlens match   --pairs FILE.csv [--threshold T] [--out FILE]
  tenderlens bench   --corpus FILE --queries FILE --data DIR
  tenderlens version

Run "tenderlens COMMAND --help" for the flags of a command.
Environment: TENDERLENS_CONFIG, TENDERLENS_DATA, TENDERLENS_ADDR, TENDERLENS_BASE_URL, TENDERLENS_DEMO,
TENDERLENS_DUMP_SCHEDULE.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr, env)
	case "import":
		err = cmdImport(ctx, args[1:], stdout, stderr, env)
	case "reindex":
		err = cmdReindex(ctx, args[1:], stdout, stderr, env)
	case "sources":
		err = cmdSources(ctx, args[1:], stdout, stderr, env)
	case "bench":
		err = cmdBench(ctx, args[1:], stdout, stderr, env)
	case "match":
		err = cmdMatch(ctx, args[1:], stdout, stderr, env)
	case "dump":
		err = cmdDump(ctx, args[1:], stdout, stderr, env)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "tenderlens", version)
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tenderlens: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "tenderlens:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "tenderlens:", err)
	return 1
}

// exitError carries a specific exit status (2 = usage).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }
