package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

// Entity imports: ownership registers and sanctions lists (BODS, UK PSC,
// OFAC, UN, EU, FtM). They run under the same single-writer lock as release
// imports and give the same guarantees: the run is recorded with its counts
// and located problems; records are stored in batches of one transaction
// each; a failed run never deletes or alters what earlier runs stored (the
// batches it committed are complete records, and re-importing them later
// counts them as unchanged).
//
// Entity formats differ from release formats in one way: a format may need
// several documents before it can emit anything (the OFAC CSV set is four
// files that are joined by entry number; BODS relationships are resolved
// against every statement of the run). So a parser receives the run's
// documents one by one and is then finished once.

// DefaultEntityBatchSize is the number of records (entities plus
// relationships) stored per transaction.
const DefaultEntityBatchSize = 1000

// EntitySink receives what an entity parser reads. Entity and Relationship
// return an error when the run must stop (the store failed or the run was
// cancelled); the parser then returns that error.
type EntitySink interface {
	Entity(procure.Entity) error
	Relationship(procure.Relationship) error
	Report(procure.Problem)
}

// EntityParser parses the documents of one entity import run. Document is
// called for each fetched document in order; Finish once after the last one
// (also when an input failed, so that what was read is stored; not when the
// run was cancelled). Both return an error only when the run must stop;
// problems with records are reported to the sink.
type EntityParser interface {
	Document(ctx context.Context, r io.Reader, opt ParseOptions, sink EntitySink) error
	Finish(ctx context.Context, sink EntitySink) error
}

// EntityFormat makes the parser of one run. options are the format's own
// settings (SourceConfig.ParserOptions); an error means they are invalid.
type EntityFormat func(source string, options map[string]string) (EntityParser, error)

// EntityBatchResult is what the store reports for one committed batch of
// entities and relationships.
type EntityBatchResult struct {
	Stored    int // new or changed records
	Unchanged int // records already held, identical
	Problems  []procure.Problem
}

// EntityStore is what an entity import needs from the system of record.
// Declared here, by its consumer, like Store; data/store satisfies it
// through a thin adapter (its batch result has more fields).
type EntityStore interface {
	StartRun(ctx context.Context, source string, started time.Time) (int64, error)
	AddProblems(ctx context.Context, runID int64, ps []procure.Problem) error
	FinishRun(ctx context.Context, run procure.ImportRun) error
	// ApplyEntities stores one batch in one transaction.
	ApplyEntities(ctx context.Context, runID int64, es []procure.Entity, rs []procure.Relationship) (EntityBatchResult, error)
}

// EntityRunnerConfig wires an EntityRunner.
type EntityRunnerConfig struct {
	Store EntityStore
	// Formats by name ("bods", "psc", "ofac-csv", ...).
	Formats map[string]EntityFormat
	// BatchSize is the number of records per transaction (default 1000).
	BatchSize int
}

// EntityRunner imports entity formats. It shares the Runner's
// single-writer lock, clock, fetcher, logger and CLI input defaults, so
// entity and release imports never write at the same time and a source that
// is already running is skipped.
type EntityRunner struct {
	r   *Runner
	cfg EntityRunnerConfig
}

// NewEntityRunner returns an EntityRunner on top of r.
func NewEntityRunner(r *Runner, cfg EntityRunnerConfig) (*EntityRunner, error) {
	if r == nil || cfg.Store == nil || len(cfg.Formats) == 0 {
		return nil, fmt.Errorf("ingest: NewEntityRunner needs a Runner, a Store and at least one format: %w", procure.ErrInvalid)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultEntityBatchSize
	}
	return &EntityRunner{r: r, cfg: cfg}, nil
}

// Formats returns the entity format names, sorted.
func (e *EntityRunner) Formats() []string {
	out := make([]string, 0, len(e.cfg.Formats))
	for k := range e.cfg.Formats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// HasFormat reports whether name is an entity format.
func (e *EntityRunner) HasFormat(name string) bool {
	_, ok := e.cfg.Formats[name]
	return ok
}

// ImportPaths imports files, directories or URLs once as one run of source
// name (the CLI's import command). All inputs go to one parser, so that a
// format made of several files (the OFAC CSV set) is joined: give the
// directory or the files. An input that fails is recorded as an error
// problem and the others are still imported; the error is non-nil when any
// input failed. progress, when not nil, is called at most a few times per
// second and once at the end.
func (e *EntityRunner) ImportPaths(ctx context.Context, name, format string, parserOptions map[string]string, paths []string, progress func(Progress)) (procure.ImportRun, error) {
	if len(paths) == 0 {
		return procure.ImportRun{Source: name, Status: StatusFailed, Message: "nothing to import"},
			fmt.Errorf("import %s: no file, directory or URL given: %w", name, procure.ErrInvalid)
	}
	inputs := make([]SourceConfig, len(paths))
	for i, p := range paths {
		src := e.r.cfg.PathDefaults
		src.Name, src.Format, src.Location, src.ParserOptions = name, format, p, parserOptions
		inputs[i] = src
	}
	return e.run(ctx, name, format, parserOptions, inputs, true, progress)
}

// Run performs one run of a configured entity source (for the scheduler).
// Location may list several URLs separated by white space (the four files
// of an OFAC CSV set); a directory or a single file or URL is one input.
// Entity sources are fetched in full every time (no since cursor): the
// store's de-duplication makes an unchanged list cost only reading it.
func (e *EntityRunner) Run(ctx context.Context, src SourceConfig) (procure.ImportRun, error) {
	var inputs []SourceConfig
	for _, loc := range splitLocations(src.Location) {
		in := src
		in.Location = loc
		inputs = append(inputs, in)
	}
	if len(inputs) == 0 {
		return procure.ImportRun{Source: src.Name, Status: StatusFailed, Message: "no location configured"},
			fmt.Errorf("import %s: no location configured: %w", src.Name, procure.ErrInvalid)
	}
	return e.run(ctx, src.Name, src.Format, src.ParserOptions, inputs, false, nil)
}

// splitLocations splits a Location holding several URLs separated by white
// space; anything else (a path may contain spaces) is one location.
func splitLocations(loc string) []string {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return nil
	}
	parts := strings.Fields(loc)
	if len(parts) > 1 {
		for _, p := range parts {
			if !strings.HasPrefix(p, "http://") && !strings.HasPrefix(p, "https://") {
				return []string{loc}
			}
		}
		return parts
	}
	return parts
}

// entityRun is the state of one entity import run. It runs on one
// goroutine: the parser emits, the sink batches and stores.
type entityRun struct {
	e        *EntityRunner
	ctx      context.Context
	rec      procure.ImportRun
	es       []procure.Entity
	rs       []procure.Relationship
	pending  []procure.Problem
	problems []procure.Problem
	storeErr error

	docMeter
}

func (e *EntityRunner) run(ctx context.Context, name, format string, parserOptions map[string]string, inputs []SourceConfig, cli bool, progress func(Progress)) (procure.ImportRun, error) {
	release, err := e.r.acquire(ctx, name)
	if err != nil {
		return procure.ImportRun{Source: name, Status: StatusSkipped, Message: err.Error()}, err
	}
	defer release()
	started := e.r.cfg.Clock().UTC()
	rn := &entityRun{e: e, ctx: ctx, docMeter: docMeter{progress: progress},
		rec: procure.ImportRun{Source: name, Started: started, Status: StatusRunning}}
	id, err := e.cfg.Store.StartRun(ctx, name, started)
	if err != nil {
		rn.rec.Status, rn.rec.Message = StatusFailed, fmt.Sprintf("cannot record the run: %v", err)
		return rn.rec, fmt.Errorf("import %s: start run: %w", name, err)
	}
	rn.rec.ID = id
	e.r.log.Info("entity import started", "source", name, "format", format, "run", id)

	var fatal error
	var parser EntityParser
	if mk, ok := e.cfg.Formats[format]; !ok {
		fatal = fmt.Errorf("unknown entity format %q (known: %s): %w", format, strings.Join(e.Formats(), ", "), procure.ErrInvalid)
	} else if parser, err = guardParser(func() (EntityParser, error) { return mk(name, parserOptions) }); err != nil {
		fatal = fmt.Errorf("format %s: %w", format, err)
	}
	if cli {
		for _, in := range inputs {
			if n, err := source.LocalSize(in.Location); err == nil && n > 0 {
				rn.totalBytes += n
			}
		}
	}
	var failed []error
	for _, in := range inputs {
		if fatal != nil || ctx.Err() != nil {
			break
		}
		err := rn.guard(func() error {
			cfg, _, err := sourceConfigLog(in, e.r.log)
			if err != nil {
				return err
			}
			if cli {
				cfg.Options = withoutLocalOnly(cfg.Options, in.Location)
			}
			_, err = e.r.cfg.Fetch(ctx, cfg, source.State{}, func(d source.Doc) error {
				return rn.document(parser, d, parserOptions)
			})
			return err
		})
		switch {
		case err == nil:
		case rn.storeErr != nil || ctx.Err() != nil:
			fatal = err
		default:
			// This input failed; record it and go on with the next one.
			failed = append(failed, err)
			rn.Report(procure.Problem{Severity: procure.SevError, Code: "input-failed", Message: err.Error(), Location: procure.Location{File: in.Location}})
		}
	}
	if fatal == nil && ctx.Err() == nil && parser != nil {
		rn.file = ""
		if err := rn.guard(func() error { return parser.Finish(ctx, rn) }); err != nil {
			fatal = fmt.Errorf("finish reading: %w", err)
		}
	}
	if fatal == nil && ctx.Err() != nil {
		fatal = fmt.Errorf("import cancelled: %w", context.Cause(ctx))
	}
	if ctx.Err() == nil {
		if err := rn.flush(); err != nil && fatal == nil {
			fatal = err
		}
	}
	rec := rn.rec
	switch {
	case fatal != nil:
		rec.Status, rec.Message = StatusFailed, fatal.Error()
	case len(failed) == len(inputs):
		rec.Status = StatusFailed
		rec.Message = fmt.Sprintf("all %d inputs failed; first: %v", len(inputs), failed[0])
	case len(failed) > 0:
		rec.Status = StatusPartial
		rec.Message = fmt.Sprintf("%d of %d inputs failed; first: %v", len(failed), len(inputs), failed[0])
	case rec.Errors > 0:
		rec.Status = StatusPartial
	default:
		rec.Status = StatusOK
	}
	cause := fatal
	if cause == nil && len(failed) > 0 && rec.Status == StatusFailed {
		cause = errors.Join(failed...)
	}
	rec, err = rn.finish(rec, cause)
	if err == nil && len(failed) > 0 {
		err = fmt.Errorf("import %s: %d of %d inputs failed: %w", name, len(failed), len(inputs), errors.Join(failed...))
	}
	return rec, err
}

// guardParser runs f, turning a panic into an error.
func guardParser(f func() (EntityParser, error)) (p EntityParser, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error (panic): %v", v)
		}
	}()
	return f()
}

// guard runs f, turning a panic into an error.
func (rn *entityRun) guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			rn.e.r.log.Error("entity import panicked", "source", rn.rec.Source, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error (panic): %v", p)
		}
	}()
	return f()
}

// document parses one fetched document.
func (rn *entityRun) document(p EntityParser, d source.Doc, opts map[string]string) error {
	rn.begin(d)
	err := p.Document(rn.ctx, d.Body, ParseOptions{Source: rn.rec.Source, URL: d.URL, RetrievedAt: d.RetrievedAt, Options: opts}, rn)
	rn.end(d)
	if rn.storeErr != nil {
		return rn.storeErr
	}
	if err != nil {
		return readErr(rn.ctx, d.URL, err)
	}
	rn.reportProgress(false)
	return nil
}

// Entity receives one parsed entity (EntitySink).
func (rn *entityRun) Entity(e procure.Entity) error {
	if err := rn.check(); err != nil {
		return err
	}
	rn.rec.Read++
	rn.es = append(rn.es, e)
	return rn.maybeFlush()
}

// Relationship receives one parsed relationship (EntitySink).
func (rn *entityRun) Relationship(r procure.Relationship) error {
	if err := rn.check(); err != nil {
		return err
	}
	rn.rec.Read++
	rn.rs = append(rn.rs, r)
	return rn.maybeFlush()
}

// Report receives one problem (EntitySink).
func (rn *entityRun) Report(p procure.Problem) {
	if p.Location.File == "" {
		p.Location.File = rn.file
	}
	rn.count(p)
	rn.pending = append(rn.pending, p)
	if len(rn.pending) >= pendingProblems && rn.storeErr == nil {
		if err := rn.e.cfg.Store.AddProblems(rn.ctx, rn.rec.ID, rn.pending); err != nil {
			rn.storeErr = fmt.Errorf("record %d problems: %w", len(rn.pending), err)
		}
		rn.pending = nil
	}
}

func (rn *entityRun) count(p procure.Problem) {
	rn.problems = tally(&rn.rec, rn.problems, p)
}

func (rn *entityRun) check() error {
	if rn.storeErr != nil {
		return rn.storeErr
	}
	if err := rn.ctx.Err(); err != nil {
		return context.Cause(rn.ctx)
	}
	return nil
}

func (rn *entityRun) maybeFlush() error {
	if len(rn.es)+len(rn.rs) >= rn.e.cfg.BatchSize {
		if err := rn.flush(); err != nil {
			return err
		}
	}
	rn.reportProgress(false)
	return nil
}

// flush stores the pending batch and problems.
func (rn *entityRun) flush() error {
	if rn.storeErr != nil {
		return rn.storeErr
	}
	store := rn.e.cfg.Store
	if len(rn.es) > 0 || len(rn.rs) > 0 {
		res, err := store.ApplyEntities(rn.ctx, rn.rec.ID, rn.es, rn.rs)
		if err != nil {
			rn.storeErr = fmt.Errorf("store a batch of %d entities and %d relationships: %w", len(rn.es), len(rn.rs), err)
			return rn.storeErr
		}
		rn.es, rn.rs = nil, nil
		rn.rec.Stored += res.Stored
		rn.rec.Unchanged += res.Unchanged
		for _, p := range res.Problems {
			rn.count(p)
		}
		rn.pending = append(rn.pending, res.Problems...)
	}
	if len(rn.pending) > 0 {
		if err := store.AddProblems(rn.ctx, rn.rec.ID, rn.pending); err != nil {
			rn.storeErr = fmt.Errorf("record %d problems: %w", len(rn.pending), err)
			return rn.storeErr
		}
		rn.pending = nil
	}
	return nil
}

// finish records the outcome, even when the run's context was cancelled.
func (rn *entityRun) finish(rec procure.ImportRun, cause error) (procure.ImportRun, error) {
	r := rn.e.r
	bk, cancel := context.WithTimeout(context.WithoutCancel(rn.ctx), bookkeepingTimeout)
	defer cancel()
	if len(rn.pending) > 0 && rn.storeErr == nil {
		// Problems of a cancelled run are still worth keeping.
		if err := rn.e.cfg.Store.AddProblems(bk, rn.rec.ID, rn.pending); err != nil {
			r.log.Error("cannot record the problems of an entity import", "source", rec.Source, "run", rec.ID, "err", err)
		}
		rn.pending = nil
	}
	rec.Problems = rn.problems
	return r.recordEnd(bk, "entity import", rn.e.cfg.Store.FinishRun, func() { rn.reportProgress(true) }, rec, cause)
}

// reportProgress calls the progress callback, throttled unless final.
func (rn *entityRun) reportProgress(final bool) {
	p := Progress{Source: rn.rec.Source, Records: rn.rec.Read, Stored: rn.rec.Stored}
	if rn.due(final, &p) {
		rn.deliver(p, final, rn.storeErr == nil)
	}
}
