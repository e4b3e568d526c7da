package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/datadir"
	"github.com/tenderlens/tenderlens/data/dump"
	"github.com/tenderlens/tenderlens/data/dump/storesource"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
)

// dumpOptions are the settings of one dump run beyond the Config.
type dumpOptions struct {
	Out     string // dump directory; default DATA/dumps
	Keep    int
	Force   bool
	Disable []string
}

// newDumpWriter builds the dump writer for a configuration. serve's
// scheduled job and the dump command share it.
func newDumpWriter(cfg Config, opt dumpOptions, log *slog.Logger) (*dump.Writer, error) {
	dir := opt.Out
	if dir == "" {
		dir = datadir.Dir{Path: cfg.Data}.DumpsPath()
	}
	return dump.NewWriter(dump.Config{
		Dir:     dir,
		Keep:    opt.Keep,
		BaseURL: cfg.BaseURL,
		Force:   opt.Force,
		Disable: opt.Disable,
		Logger:  log,
	})
}

// writeDump is the scheduled dump job of serve: a plain method the cron
// closure calls (wiring: see the dump_schedule notes in the issue report).
// It reads a snapshot of the store, so imports may run meanwhile.
func (a *App) writeDump(ctx context.Context, now time.Time) (dump.Result, error) {
	w, err := newDumpWriter(a.cfg, dumpOptions{}, a.log)
	if err != nil {
		return dump.Result{}, err
	}
	return w.Write(ctx, storesource.New(a.store), now)
}

// cmdDump writes the open-data dumps from the store. It opens the store
// read-only, so it works while serve runs; two dumps into one directory at
// once are refused.
func cmdDump(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	var cf commonFlags
	cf.register(fs, env)
	out := fs.String("out", "", "dump directory (default DATA/dumps); the portal serves DATA/dumps")
	keep := fs.Int("keep", 3, "generations to keep, the new one included")
	force := fs.Bool("force", false, "write even when the data looks unchanged (unchanged content is still not published twice)")
	skip := fs.String("skip", "", "comma-separated formats to leave out: xlsx, parquet, sqlite, csv, agencies, years")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: 2, msg: "dump takes no arguments (use --out DIR)"}
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	dir := datadir.Dir{Path: cfg.Data}
	if dir.IsEmpty() {
		return exitError{code: 1, msg: fmt.Sprintf("there is no data in %s yet: import some first (tenderlens import) or run serve --demo", cfg.Data)}
	}
	log := newLogger(stderr)
	if *quiet {
		log = newLogger(io.Discard)
	}
	st, err := store.Open(ctx, dir.StorePath(), store.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	var disable []string
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			disable = append(disable, s)
		}
	}
	w, err := newDumpWriter(cfg, dumpOptions{Out: *out, Keep: *keep, Force: *force, Disable: disable}, log)
	if err != nil {
		return err
	}
	res, err := w.Write(ctx, storesource.New(st), time.Now())
	if err != nil {
		if errors.Is(err, procure.ErrLocked) {
			return exitError{code: 1, msg: "another dump is being written into " + w.Dir() + "; try again when it has finished"}
		}
		return err
	}
	if res.Published {
		fmt.Fprintf(stdout, "Published dump generation %s in %s: %d files, %s, in %s\n",
			res.Generation, w.Dir(), res.Files, humanBytes(res.Bytes), res.Took.Round(time.Millisecond))
		if res.Previous != "" {
			fmt.Fprintf(stdout, "  deltas from the previous generation %s are included\n", res.Previous)
		}
		for _, g := range res.Removed {
			fmt.Fprintf(stdout, "  removed old generation %s\n", g)
		}
		return nil
	}
	fmt.Fprintf(stdout, "The data has not changed since dump generation %s in %s: nothing new to publish.\n", res.Generation, w.Dir())
	return nil
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
