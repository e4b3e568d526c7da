package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/tenderlens/tenderlens/data/datadir"
	"github.com/tenderlens/tenderlens/data/demo"
	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/ingest"
	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/uslocal"
	"github.com/tenderlens/tenderlens/indexer"
	"github.com/tenderlens/tenderlens/server"
)

// webApp is the part of the Fiber app the process lifecycle uses. Declared
// here so that only package server imports Fiber.
type webApp interface {
	Listen(addr string) error
	Listener(ln net.Listener) error
	ShutdownWithContext(ctx context.Context) error
	Test(req *http.Request, msTimeout ...int) (*http.Response, error)
}

// buildOptions are what differs between the commands that assemble an App.
type buildOptions struct {
	// Purpose is written into the data directory lock ("serve", "import").
	Purpose string
	// Web builds the HTTP server; Schedule builds the cron scheduler.
	Web, Schedule bool
	// Logger receives everything (default: a discarding logger).
	Logger *slog.Logger
	// Clock (tests).
	Clock func() time.Time
	// Demo fills an empty data directory with the generated demo data
	// before the web server is built.
	Demo bool
}

// App is an assembled Tenderlens: the data directory lock, the store, the
// index, the import runner and, for serve, the scheduler and web server.
type App struct {
	cfg    Config
	log    *slog.Logger
	dir    datadir.Dir
	lock   *datadir.Lock
	store  *store.Store
	index  *indexer.Index
	runner *ingest.Runner
	// entities imports ownership registers and sanctions lists.
	entities *ingest.EntityRunner
	// risk resolves suppliers to register/list entities and keeps their
	// ownership-risk dossiers up to date.
	risk  *ingest.RiskJob
	sched *ingest.Scheduler
	web   webApp

	bg sync.WaitGroup // background work (index rebuild) to wait for on Close
	// bgCancel stops background work.
	bgCancel context.CancelFunc
}

// build assembles an App from the configuration. It takes the data
// directory's writer lock first, so a second writer fails at once.
func build(ctx context.Context, cfg Config, opt buildOptions) (_ *App, err error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a := &App{cfg: cfg, log: log, dir: datadir.Dir{Path: cfg.Data}}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.lock, err = a.dir.Lock(opt.Purpose); err != nil {
		return nil, err
	}
	if a.store, err = store.Open(ctx, a.dir.StorePath(), store.Options{}); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if a.index, err = indexer.Open(ctx, indexer.Config{
		Dir:           a.dir.IndexPath(),
		SearchTimeout: cfg.SearchTimeout.Duration,
		Contracts:     a.store,
	}); err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if err := a.initIndex(ctx); err != nil {
		return nil, err
	}
	a.runner, err = ingest.New(ingest.RunnerConfig{
		Store:   storeAdapter{a.store},
		Index:   a.index,
		Parsers: parsers(),
		Compile: ocds.Compile,
		Logger:  log,
		Clock:   opt.Clock,
		PathDefaults: ingest.SourceConfig{
			AllowPrivate: cfg.AllowPrivateSources,
		},
	})
	if err != nil {
		return nil, err
	}
	if a.entities, err = newEntityRunner(a.runner, a.store); err != nil {
		return nil, err
	}
	if a.risk, err = ingest.NewRiskJob(ingest.RiskConfig{Store: a.store, Logger: log, Clock: opt.Clock}); err != nil {
		return nil, err
	}
	if opt.Demo {
		now := time.Now()
		if opt.Clock != nil {
			now = opt.Clock()
		}
		if err := a.loadDemo(ctx, now); err != nil {
			return nil, err
		}
	}
	if opt.Schedule {
		loc, err := time.LoadLocation(cfg.Timezone)
		if err != nil {
			return nil, err
		}
		if a.sched, err = ingest.NewSchedulerWith(a.runner, a.entities, a.sourceConfigs(), log, loc); err != nil {
			return nil, err
		}
		err = a.sched.AddJob("dump", cfg.DumpSchedule, func(ctx context.Context) error {
			res, err := a.writeDump(ctx, time.Now())
			if err == nil {
				log.Info("open-data dump written", "result", fmt.Sprintf("%+v", res))
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		// Dossiers follow imports; an update with nothing to do costs two
		// small reads.
		err = a.sched.AddJob("risk", "@every 5m", func(ctx context.Context) error {
			_, err := a.risk.Update(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if opt.Web {
		demoMeta, _ := a.store.Meta(ctx, store.MetaDemo)
		app, err := server.New(server.Config{
			Addr:    cfg.Addr,
			BaseURL: cfg.BaseURL,
			Demo:    demoMeta == "1",
			Logger:  log,
			// schema.org Organization data on agency and supplier pages.
			OrganizationJSONLD: true,
		}, server.Deps{
			Search:  a.index,
			Catalog: a.store,
			Sources: sourceLister{a},
			Ready:   a.ready,
			// Published dump generations under DATA/dumps.
			Downloads: manifest.NewLibrary(a.dir.DumpsPath()),
		})
		if err != nil {
			return nil, err
		}
		a.web = app
	}
	return a, nil
}

// parsers are the import formats by name.
func parsers() map[string]ingest.ParseFunc {
	return map[string]ingest.ParseFunc{
		"ocds": func(ctx context.Context, r io.Reader, o ingest.ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error {
			_, err := ocds.Read(ctx, r, ocds.Options{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, emit, report)
			return err
		},
		// csv: mapped CSV (city checkbooks, vendor payments). The parser
		// options name a built-in profile (profile = "phoenix-checkbook") or
		// a mapping file (mapping = "my-city.toml"); see data/uslocal.
		"csv": func(ctx context.Context, r io.Reader, o ingest.ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error {
			m, err := uslocal.MappingFromOptions(o.Options)
			if err != nil {
				return err
			}
			_, err = uslocal.Read(ctx, r, m, uslocal.Options{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, emit, report)
			return err
		},
	}
}

func (a *App) sourceConfigs() []ingest.SourceConfig {
	out := make([]ingest.SourceConfig, len(a.cfg.Sources))
	for i, s := range a.cfg.Sources {
		out[i] = ingest.SourceConfig{
			Name:          s.Name,
			Format:        s.Format,
			Location:      s.Location,
			Schedule:      s.Schedule,
			Options:       s.Options,
			ParserOptions: s.Parser,
			AllowPrivate:  a.cfg.AllowPrivateSources,
			Timeout:       s.Timeout.Duration,
			MaxBytes:      s.MaxBytes,
		}
	}
	return out
}

// ready reports whether the portal can answer: the store answers and the
// index has a generation open.
func (a *App) ready(ctx context.Context) error {
	if err := a.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if _, err := a.index.DocCount(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// prepare brings the index up to date with the store: it indexes contracts
// left dirty by a crash and, when the index mapping changed, rebuilds the
// index — in the background while the old generation keeps serving when
// background is true (serve), or not at all otherwise (import: the next
// serve or reindex does it).
func (a *App) prepare(ctx context.Context, background bool) error {
	n, err := a.runner.IndexDirty(ctx)
	if err != nil {
		return fmt.Errorf("index contracts left from an earlier run: %w", err)
	}
	if n > 0 {
		a.log.Info("indexed contracts left from an earlier run", "contracts", n)
	}
	if _, err := a.risk.Update(ctx); err != nil {
		return fmt.Errorf("update ownership-risk dossiers: %w", err)
	}
	if !a.index.NeedsRebuild() {
		return nil
	}
	if !background {
		a.log.Warn("the search index was built by an older version and needs a rebuild: run `tenderlens reindex` or start `tenderlens serve` (it rebuilds while serving)")
		return nil
	}
	bctx, cancel := context.WithCancel(context.Background())
	a.bgCancel = cancel
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		a.log.Info("search index mapping changed; rebuilding from the store while the old index serves")
		if err := a.rebuild(bctx); err != nil {
			a.log.Error("index rebuild failed; the old index keeps serving", "err", err)
			return
		}
		a.log.Info("index rebuilt and swapped in")
	}()
	return nil
}

// initIndex marks a fresh index over an empty store as current (building an
// empty generation), so that the first import does not trigger a rebuild.
func (a *App) initIndex(ctx context.Context) error {
	if !a.index.NeedsRebuild() {
		return nil
	}
	n, err := a.store.ContractCount(ctx)
	if err != nil || n > 0 {
		return err
	}
	if err := a.rebuild(ctx); err != nil {
		return fmt.Errorf("initialise the search index: %w", err)
	}
	return nil
}

// rebuild builds a new index generation from every stored contract.
func (a *App) rebuild(ctx context.Context) error {
	return a.index.Rebuild(ctx, func(fn func(procure.Contract) error) error {
		return a.store.EachContract(ctx, fn)
	})
}

// loadDemo fills an empty store with the generated demo data through the
// real import path. It is a no-op when the store holds contracts.
func (a *App) loadDemo(ctx context.Context, now time.Time) error {
	n, err := a.store.ContractCount(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	files, err := demo.Generate(demo.Options{Seed: 1, Now: now})
	if err != nil {
		return fmt.Errorf("generate demo data: %w", err)
	}
	dir := filepath.Join(a.dir.Path, "demo-source")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("write demo data: %w", err)
		}
		paths = append(paths, p)
	}
	run, err := a.runner.ImportPaths(ctx, demo.SourceName, "ocds", paths, nil)
	if err != nil {
		return fmt.Errorf("import demo data: %w", err)
	}
	if run.Errors > 0 {
		return fmt.Errorf("import demo data: %d errors", run.Errors)
	}
	// The fictional ownership case: BODS statements and a demo sanctions
	// list in FtM JSON lines.
	of, err := demo.OwnershipFiles(demo.Options{Seed: 1, Now: now})
	if err != nil {
		return fmt.Errorf("generate demo ownership data: %w", err)
	}
	for _, f := range of {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("write demo data: %w", err)
		}
		opts := map[string]string{"namespace": "demo"}
		if f.Format == demo.FormatFtM {
			opts["license"] = demo.License
		}
		run, err := a.entities.ImportPaths(ctx, demo.SourceName+"-"+f.Format, f.Format, opts, []string{p}, nil)
		if err != nil {
			return fmt.Errorf("import demo ownership data: %w", err)
		}
		if run.Errors > 0 {
			return fmt.Errorf("import demo ownership data: %d errors", run.Errors)
		}
	}
	if _, err := a.risk.Update(ctx); err != nil {
		return fmt.Errorf("demo ownership-risk dossiers: %w", err)
	}
	return a.store.SetMeta(ctx, store.MetaDemo, "1")
}

// Close stops background work and releases everything in the reverse order
// of assembly: index, store, lock.
func (a *App) Close() error {
	if a.bgCancel != nil {
		a.bgCancel()
	}
	a.bg.Wait()
	var errs []error
	if a.index != nil {
		errs = append(errs, a.index.Close())
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
	}
	if a.lock != nil {
		errs = append(errs, a.lock.Release())
	}
	return errors.Join(errs...)
}

// storeAdapter fits *store.Store to ingest.Store (the batch types differ
// only by package).
type storeAdapter struct{ *store.Store }

func (s storeAdapter) ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, c ingest.CompileFunc) (ingest.BatchResult, error) {
	res, err := s.Store.ApplyBatch(ctx, runID, rels, store.CompileFunc(c))
	return ingest.BatchResult(res), err
}

// sourceLister combines the configured sources, the scheduler's next runs
// and the store's run history for the sources page.
type sourceLister struct{ a *App }

func (l sourceLister) Sources(ctx context.Context) ([]procure.SourceStatus, error) {
	runs, err := l.a.store.LastRuns(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := l.a.store.SourceCounts(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []procure.SourceStatus
	add := func(st procure.SourceStatus) {
		seen[st.Name] = true
		if r, ok := runs[st.Name]; ok {
			last := r.Last
			st.LastRun = &last
			st.LastOK = r.LastOK
		}
		c := counts[st.Name]
		st.Contracts, st.Releases = c.Contracts, c.Releases
		out = append(out, st)
	}
	for _, s := range l.a.cfg.Sources {
		st := procure.SourceStatus{Name: s.Name, Format: s.Format, Location: s.Location, Schedule: s.Schedule}
		if l.a.sched != nil {
			st.NextRun = l.a.sched.NextRun(s.Name)
		}
		add(st)
	}
	// Sources that were imported once from the command line (or the demo)
	// have runs but no schedule.
	var rest []string
	for name := range runs {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		add(procure.SourceStatus{Name: name, Format: "-", Location: "(imported from the command line)", Schedule: ""})
	}
	return out, nil
}
