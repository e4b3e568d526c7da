package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/tenderlens/tenderlens/data/datadir"
	"github.com/tenderlens/tenderlens/data/ingest"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/uslocal"
)

// commonFlags are the flags every command shares.
type commonFlags struct {
	config, data string
}

func (c *commonFlags) register(fs *flag.FlagSet, env func(string) string) {
	fs.StringVar(&c.config, "config", env("TENDERLENS_CONFIG"), "configuration file (TOML)")
	fs.StringVar(&c.data, "data", "", "data directory (default from the config file, $TENDERLENS_DATA or ./tenderlens-data)")
}

// load resolves the configuration: file, environment, then flags.
func (c *commonFlags) load(env func(string) string) (Config, error) {
	cfg, err := loadConfig(c.config, env)
	if err != nil {
		return cfg, err
	}
	if c.data != "" {
		cfg.Data = c.data
	}
	return cfg, nil
}

// parse parses the command line (see parseFlags), then resolves the
// configuration (see load).
func (c *commonFlags) parse(fs *flag.FlagSet, args []string, stderr io.Writer, env func(string) string) (Config, error) {
	if err := parseFlags(fs, args, stderr); err != nil {
		return Config{}, err
	}
	return c.load(env)
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitError{code: 0}
		}
		return exitError{code: 2}
	}
	return nil
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// cmdServe runs the portal and the scheduled importers until ctx ends.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cf commonFlags
	cf.register(fs, env)
	addr := fs.String("addr", "", "listen address HOST:PORT (default 127.0.0.1:8080)")
	demoFlag := fs.Bool("demo", false, "fill an empty data directory with generated demo data")
	cfg, err := cf.parse(fs, args, stderr, env)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
		if env("TENDERLENS_BASE_URL") == "" && !strings.HasPrefix(cfg.BaseURL, "https://") {
			cfg.BaseURL = "http://" + cfg.Addr
		}
	}
	log := newLogger(stderr)
	// With nothing configured, a newcomer gets a working portal: demo data.
	useDemo := cfg.Demo || *demoFlag || (cf.config == "" && len(cfg.Sources) == 0 && datadir.Dir{Path: cfg.Data}.IsEmpty())
	if useDemo && !(datadir.Dir{Path: cfg.Data}).IsEmpty() && (cfg.Demo || *demoFlag) {
		log.Info("--demo: the data directory is not empty; demo data is only loaded into an empty one", "data", cfg.Data)
	}
	a, err := build(ctx, cfg, buildOptions{Purpose: "serve", Web: true, Schedule: true, Logger: log, Demo: useDemo})
	if err != nil {
		return err
	}
	return a.serve(ctx, log)
}

// serve listens, catches the index up, starts the schedule and, when ctx
// ends, shuts down in order: scheduler (waiting for running imports), HTTP,
// index, store, lock.
func (a *App) serve(ctx context.Context, log *slog.Logger) error {
	defer a.Close()
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- a.web.Listener(ln) }()
	log.Info("Tenderlens is serving", "url", "http://"+ln.Addr().String(), "data", a.cfg.Data)
	if err := a.prepare(ctx, true); err != nil {
		log.Error("catching the index up failed; it will be retried by the next import", "err", err)
	}
	a.sched.Start(ctx)
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil {
			return fmt.Errorf("http server: %w", err)
		}
	}
	log.Info("shutting down: waiting for running imports")
	select {
	case <-a.sched.Stop().Done():
	case <-time.After(30 * time.Second):
		log.Warn("an import is still running after 30s; stopping anyway (its committed batches are kept)")
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.web.ShutdownWithContext(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	return nil
}

// cmdImport imports files, directories or URLs once.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var cf commonFlags
	cf.register(fs, env)
	format := fs.String("format", "", "input format: "+strings.Join(formatNames(), ", "))
	name := fs.String("source", "manual", "source name recorded with every release (csv: default the profile or mapping name)")
	profile := fs.String("profile", "", "csv: built-in mapping profile ("+strings.Join(uslocal.Profiles(), ", ")+")")
	mapping := fs.String("mapping", "", "csv: mapping file (TOML) describing the columns")
	allowPrivate := fs.Bool("allow-private", false, "allow URLs on loopback or private networks")
	quiet := fs.Bool("quiet", false, "no progress output")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *format == "" || fs.NArg() == 0 {
		return exitError{code: 2, msg: "import needs --format and at least one PATH_OR_URL (formats: " + strings.Join(formatNames(), ", ") + ")"}
	}
	_, isRelease := parsers()[*format]
	_, isEntity := entityFormats()[*format]
	if !isRelease && !isEntity {
		return exitError{code: 2, msg: fmt.Sprintf("unknown format %q (formats: %s)", *format, strings.Join(formatNames(), ", "))}
	}
	parserOpts, source, err := csvParserOptions(*format, *profile, *mapping)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	sourceSet := false
	fs.Visit(func(f *flag.Flag) { sourceSet = sourceSet || f.Name == "source" })
	if !sourceSet && source != "" {
		*name = source
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	cfg.AllowPrivateSources = cfg.AllowPrivateSources || *allowPrivate
	tuneGC(env)
	log := newLogger(io.Discard)
	if !*quiet {
		log = newLogger(stderr)
	}
	a, err := build(ctx, cfg, buildOptions{Purpose: "import", Logger: log})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.prepare(ctx, false); err != nil {
		return err
	}
	progress := newProgress(stderr, *quiet, log)
	var run procure.ImportRun
	var ierr error
	if isEntity {
		run, ierr = a.entities.ImportPaths(ctx, *name, *format, parserOpts, fs.Args(), progress.update)
	} else {
		run, ierr = a.runner.ImportPathsWith(ctx, *name, *format, parserOpts, fs.Args(), progress.update)
	}
	progress.finish()
	if _, err := a.risk.Update(ctx); err != nil {
		log.Error("updating the ownership-risk dossiers failed; serve retries at start", "err", err)
	}
	if run.ID != 0 {
		if full, err := a.store.Run(ctx, run.ID); err == nil {
			run = full
		}
	}
	printSummary(stdout, run)
	if ierr != nil {
		return exitError{code: 1, msg: ierr.Error()}
	}
	if run.Errors > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%d records could not be imported (see the errors above); everything else was stored", run.Errors)}
	}
	return nil
}

// formatNames lists the import formats, sorted.
func formatNames() []string {
	var out []string
	for k := range parsers() {
		out = append(out, k)
	}
	out = append(out, entityFormatNames()...)
	sort.Strings(out)
	return out
}

// csvParserOptions checks --profile and --mapping: a csv import needs
// exactly one of them (the mapping is loaded and checked now, so a mistake
// is reported before anything is opened), other formats take neither. It
// returns the parser options (a mapping path made absolute) and the
// mapping's name, the default source name of the import.
func csvParserOptions(format, profile, mapping string) (map[string]string, string, error) {
	if format != "csv" {
		if profile != "" || mapping != "" {
			return nil, "", fmt.Errorf("--profile and --mapping are for --format csv only")
		}
		return nil, "", nil
	}
	opts := map[string]string{}
	switch {
	case profile != "" && mapping != "":
		return nil, "", fmt.Errorf("give --profile or --mapping, not both")
	case profile != "":
		opts["profile"] = profile
	case mapping != "":
		abs, err := filepath.Abs(mapping)
		if err != nil {
			return nil, "", fmt.Errorf("--mapping %s: %w", mapping, err)
		}
		opts["mapping"] = abs
	default:
		return nil, "", fmt.Errorf("--format csv needs --profile NAME (%s) or --mapping FILE", strings.Join(uslocal.Profiles(), ", "))
	}
	m, err := uslocal.MappingFromOptions(opts)
	if err != nil {
		return nil, "", err
	}
	return opts, m.Name, nil
}

// progressReporter shows a bar on a terminal and a log line every 10 s
// otherwise.
type progressReporter struct {
	bar     *progressbar.ProgressBar
	log     *slog.Logger
	quiet   bool
	last    time.Time
	lastRec ingest.Progress
}

func newProgress(w io.Writer, quiet bool, log *slog.Logger) *progressReporter {
	p := &progressReporter{log: log, quiet: quiet}
	if f, ok := w.(*os.File); ok && !quiet && isatty.IsTerminal(f.Fd()) {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("importing"),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *progressReporter) update(pr ingest.Progress) {
	p.lastRec = pr
	if p.quiet {
		return
	}
	if p.bar != nil {
		if pr.TotalBytes > 0 && p.bar.GetMax64() != pr.TotalBytes {
			p.bar.ChangeMax64(pr.TotalBytes)
		}
		desc := fmt.Sprintf("%d read, %d stored", pr.Records, pr.Stored)
		if pr.Phase != "" {
			desc += ", " + pr.Phase
		}
		p.bar.Describe(desc)
		_ = p.bar.Set64(pr.Bytes)
		return
	}
	if pr.Phase != "" {
		p.log.Info("import progress: "+pr.Phase, "records", pr.Records, "stored", pr.Stored)
		return
	}
	if time.Since(p.last) >= progressLogEvery {
		p.last = time.Now()
		p.log.Info("import progress", "file", pr.File, "records", pr.Records, "stored", pr.Stored, "bytes", pr.Bytes, "total_bytes", pr.TotalBytes)
	}
}

// progressLogEvery is how often a non-terminal import logs its progress.
const progressLogEvery = 2 * time.Second

func (p *progressReporter) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// printSummary writes the end-of-import report.
func printSummary(w io.Writer, run procure.ImportRun) {
	fmt.Fprintf(w, "Import of %q: %s\n", run.Source, run.Status)
	// Notes (SevInfo) are counted with the warnings by the run; split them
	// out when every problem is at hand.
	notes := 0
	for _, p := range run.Problems {
		if p.Severity == procure.SevInfo {
			notes++
		}
	}
	warnings := run.Warnings
	if len(run.Problems) != run.Warnings+run.Errors {
		notes = 0
	}
	warnings -= notes
	fmt.Fprintf(w, "  records read          %d\n  stored (new/changed)  %d\n  already held          %d\n  warnings              %d\n  errors                %d\n",
		run.Read, run.Stored, run.Unchanged, warnings, run.Errors)
	if notes > 0 {
		fmt.Fprintf(w, "  notes                 %d\n", notes)
	}
	if run.Message != "" {
		fmt.Fprintf(w, "  %s\n", run.Message)
	}
	const maxShown = 50
	shown := 0
	for _, sev := range []procure.Severity{procure.SevError, procure.SevWarning, procure.SevInfo} {
		for _, p := range run.Problems {
			if p.Severity != sev {
				continue
			}
			if shown == maxShown {
				fmt.Fprintf(w, "  … more problems are listed on the sources page of the portal\n")
				return
			}
			shown++
			label := string(p.Severity)
			if p.Severity == procure.SevInfo {
				label = "note"
			}
			fmt.Fprintf(w, "  %-7s %s: %s [%s]\n", label, formatLocation(p.Location), p.Message, p.Code)
		}
	}
}

func formatLocation(l procure.Location) string {
	var b strings.Builder
	b.WriteString(l.File)
	if l.Line > 0 {
		fmt.Fprintf(&b, ":%d", l.Line)
	}
	fmt.Fprintf(&b, " #%d", l.Index)
	if l.Path != "" {
		b.WriteString(" " + l.Path)
	}
	return b.String()
}

// cmdReindex rebuilds the search index from the store.
func cmdReindex(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	var cf commonFlags
	cf.register(fs, env)
	cfg, err := cf.parse(fs, args, stderr, env)
	if err != nil {
		return err
	}
	tuneGC(env)
	a, err := build(ctx, cfg, buildOptions{Purpose: "reindex", Logger: newLogger(stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	if err := a.rebuild(ctx); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	n, _ := a.index.DocCount()
	fmt.Fprintf(stdout, "Reindexed %d contracts in %s (generation %s)\n", n, time.Since(start).Round(time.Millisecond), a.index.Generation())
	return nil
}

// cmdSources lists the configured sources and their last runs. It reads the
// store read-only and works while serve runs.
func cmdSources(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("sources", flag.ContinueOnError)
	var cf commonFlags
	cf.register(fs, env)
	cfg, err := cf.parse(fs, args, stderr, env)
	if err != nil {
		return err
	}
	dir := datadir.Dir{Path: cfg.Data}
	runs := map[string]store.SourceRuns{}
	if !dir.IsEmpty() {
		st, err := store.Open(ctx, dir.StorePath(), store.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer st.Close()
		if runs, err = st.LastRuns(ctx); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tFORMAT\tSCHEDULE\tNEXT RUN\tLAST RUN\tSTATUS\tSTORED\tWARNINGS\tERRORS\tLOCATION")
	loc, _ := time.LoadLocation(cfg.Timezone)
	seen := map[string]bool{}
	line := func(name, format, schedule, next, location string) {
		seen[name] = true
		last, status, stored, warns, errs := "never", "-", "-", "-", "-"
		if r, ok := runs[name]; ok {
			last = r.Last.Started.UTC().Format(time.RFC3339)
			status = r.Last.Status
			stored = fmt.Sprint(r.Last.Stored)
			warns = fmt.Sprint(r.Last.Warnings)
			errs = fmt.Sprint(r.Last.Errors)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, format, schedule, next, last, status, stored, warns, errs, location)
	}
	for _, s := range cfg.Sources {
		next, schedule := "-", s.Schedule
		if schedule == "" {
			schedule = "manual"
		} else if sch, err := ingest.ParseSchedule(s.Schedule); err == nil {
			next = sch.Next(time.Now().In(loc)).UTC().Format(time.RFC3339)
		} else {
			next = "invalid schedule: " + err.Error()
		}
		line(s.Name, s.Format, schedule, next, s.Location)
	}
	for name := range runs {
		if !seen[name] {
			line(name, "ocds", "manual", "-", "(command line)")
		}
	}
	return tw.Flush()
}

// cmdBench is implemented in bench.go.
