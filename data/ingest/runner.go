package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

const (
	// DefaultBatchSize is the number of releases stored per transaction.
	// Every transaction rewrites the pages of the indexes and aggregate
	// rows it touches and is synced to disk: 2,000 releases per commit
	// take half the commit cost of 500, for about 10 MB more memory.
	DefaultBatchSize = 2000
	// DefaultIndexBatchSize is the number of contracts handed to the search
	// index at once while a run stores more. Building an index segment has
	// a fixed cost per call (dictionaries, persisting, and merging small
	// segments later), so large calls index several times faster than one
	// per store batch; the contracts of a run are searchable at most a few
	// store batches after they were stored, and all of them when the run
	// ends.
	DefaultIndexBatchSize = 4000
	// maxBatchBytes flushes a batch early when its raw JSON grows past this.
	maxBatchBytes = 64 << 20
	// maxRunProblems is how many problems the returned ImportRun lists (the
	// store keeps its own cap; counts are always exact).
	maxRunProblems = 1000
	// pendingProblems is how many problems are buffered before they are
	// written even without releases to go with them.
	pendingProblems = 1000
	// progressEvery is the minimum interval between two progress calls.
	progressEvery = 250 * time.Millisecond
	// PhaseStoreIndexes is Progress.Phase while a run into an empty store
	// builds the store's secondary indexes.
	PhaseStoreIndexes = "building the store's indexes"
	// restoreTimeout bounds building the store's deferred indexes at the end
	// of a run into an empty store (seconds per million contracts).
	restoreTimeout = 30 * time.Minute
	// bookkeepingTimeout bounds the writes that record a run's outcome, which
	// run even when the run's context was cancelled.
	bookkeepingTimeout = time.Minute
)

// FetchFunc fetches the documents of one source (source.Fetch).
type FetchFunc func(ctx context.Context, cfg source.Config, st source.State, fn func(source.Doc) error) (source.State, error)

// RunnerConfig wires a Runner.
type RunnerConfig struct {
	Store Store
	// Index receives changed contracts after each batch. Nil: contracts stay
	// dirty until IndexDirty runs on a Runner that has an index.
	Index Index
	// Parsers by format name ("ocds": ocds.Read).
	Parsers map[string]ParseFunc
	// Compile is handed to Store.ApplyBatch (ocds.Compile).
	Compile CompileFunc
	Logger  *slog.Logger
	// BatchSize is the number of releases per store transaction (default
	// DefaultBatchSize).
	BatchSize int
	// IndexBatchSize is the number of contracts per Index call while a run
	// stores more (default DefaultIndexBatchSize).
	IndexBatchSize int
	// Clock returns the current time (default time.Now).
	Clock func() time.Time
	// PathDefaults is the template for ImportPaths inputs: AllowPrivate,
	// Timeout, MaxBytes and Options (applied to URL inputs).
	PathDefaults SourceConfig
	// Fetch replaces source.Fetch (tests).
	Fetch FetchFunc
}

// Runner runs imports, one at a time.
type Runner struct {
	cfg  RunnerConfig
	log  *slog.Logger
	lock chan struct{} // the single-writer lock: one run (or IndexDirty) at a time

	mu      sync.Mutex
	running map[string]bool
	skipped atomic.Int64
}

// New returns a Runner. Store, Compile and at least one parser are required.
func New(cfg RunnerConfig) (*Runner, error) {
	if cfg.Store == nil || cfg.Compile == nil || len(cfg.Parsers) == 0 {
		return nil, fmt.Errorf("ingest: RunnerConfig needs a Store, a Compile function and at least one parser: %w", procure.ErrInvalid)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.IndexBatchSize <= 0 {
		cfg.IndexBatchSize = DefaultIndexBatchSize
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Fetch == nil {
		cfg.Fetch = source.Fetch
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{cfg: cfg, log: log, lock: make(chan struct{}, 1), running: map[string]bool{}}, nil
}

// Skipped returns how many runs were skipped because the same source was
// already running.
func (r *Runner) Skipped() int64 { return r.skipped.Load() }

// Running reports whether the named source is being imported now.
func (r *Runner) Running(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[name]
}

// acquire marks name running (or fails with ErrAlreadyRunning) and then
// takes the single-writer lock, waiting for another source's run to finish
// (bounded by ctx).
func (r *Runner) acquire(ctx context.Context, name string) (func(), error) {
	r.mu.Lock()
	if r.running[name] {
		r.mu.Unlock()
		r.skipped.Add(1)
		r.log.Warn("import skipped: the same source is still running", "source", name)
		return nil, fmt.Errorf("import %s: %w", name, ErrAlreadyRunning)
	}
	r.running[name] = true
	r.mu.Unlock()
	unmark := func() {
		r.mu.Lock()
		delete(r.running, name)
		r.mu.Unlock()
	}
	select {
	case r.lock <- struct{}{}:
	case <-ctx.Done():
		unmark()
		return nil, fmt.Errorf("import %s: waiting for another import to finish: %w", name, context.Cause(ctx))
	}
	return func() { <-r.lock; unmark() }, nil
}

// Run performs one run of a configured source: load its state, fetch
// (with the since cursor and validators), parse each document as it
// streams, store in batches, index changed contracts, record problems, and
// finish the run with its counts and status. The new state (since = newest
// release date seen, ETags) is saved only when the run succeeded.
//
// The returned ImportRun is also recorded in the store. The error is
// non-nil when the run failed or was skipped (ErrAlreadyRunning); a
// "not-modified" or "partial" run returns no error.
func (r *Runner) Run(ctx context.Context, src SourceConfig) (procure.ImportRun, error) {
	release, err := r.acquire(ctx, src.Name)
	if err != nil {
		return procure.ImportRun{Source: src.Name, Status: StatusSkipped, Message: err.Error()}, err
	}
	defer release()

	rn, err := r.startRun(ctx, src.Name, src.Format, nil)
	if err != nil {
		return rn.rec, err
	}
	rn.parserOptions = src.ParserOptions
	var newState source.State
	var sinceFormat string
	var old persisted
	rn.guard(func() error {
		cfg, sf, err := sourceConfigLog(src, r.log)
		if err != nil {
			return err
		}
		sinceFormat = sf
		old, err = r.loadState(ctx, rn, src.Name)
		if err != nil {
			return err
		}
		newState, err = r.cfg.Fetch(ctx, cfg, old.sourceState(), rn.doc)
		return err
	})
	rn.finishInputs()
	rec := rn.rec
	switch {
	case errors.Is(rn.fetchErr, source.ErrNotModified) && rn.writeErr == nil && rec.Read == 0:
		rec.Status = StatusNotModified
	case rn.failure() != nil:
		rec.Status = StatusFailed
		rec.Message = rn.failure().Error()
	case rec.Errors > 0:
		rec.Status = StatusPartial
	default:
		rec.Status = StatusOK
	}
	if rec.Status == StatusOK || rec.Status == StatusPartial {
		next := persisted{
			Version:      stateVersion,
			Since:        r.nextSince(old.Since, rn.maxDate, rn.rec.Started, sinceFormat, src.Name),
			ETag:         newState.ETag,
			LastModified: newState.LastModified,
			Run:          rn.rec.ID,
			Saved:        r.cfg.Clock().UTC(),
		}
		if err := r.saveState(ctx, src.Name, next); err != nil {
			rec.Status, rec.Message = StatusFailed, err.Error()
			return r.finishRun(ctx, rn, rec, err)
		}
	}
	return r.finishRun(ctx, rn, rec, rn.failure())
}

// ImportPaths imports files, directories or URLs once (the CLI's import
// command) as one run of source name, without since cursors or conditional
// requests. An input that fails is recorded as an error problem and the
// remaining inputs are still imported; the returned error is non-nil when
// any input failed (the CLI exits non-zero). progress, when not nil, is
// called at most a few times per second and once at the end.
func (r *Runner) ImportPaths(ctx context.Context, name, format string, paths []string, progress func(Progress)) (procure.ImportRun, error) {
	return r.ImportPathsWith(ctx, name, format, nil, paths, progress)
}

// ImportPathsWith is ImportPaths with options for the format's parser (for
// example the mapping of a CSV import).
func (r *Runner) ImportPathsWith(ctx context.Context, name, format string, parserOptions map[string]string, paths []string, progress func(Progress)) (procure.ImportRun, error) {
	if len(paths) == 0 {
		return procure.ImportRun{Source: name, Status: StatusFailed, Message: "nothing to import"},
			fmt.Errorf("import %s: no file, directory or URL given: %w", name, procure.ErrInvalid)
	}
	release, err := r.acquire(ctx, name)
	if err != nil {
		return procure.ImportRun{Source: name, Status: StatusSkipped, Message: err.Error()}, err
	}
	defer release()

	rn, err := r.startRun(ctx, name, format, progress)
	if err != nil {
		return rn.rec, err
	}
	rn.parserOptions = parserOptions
	for _, p := range paths {
		if n, err := source.LocalSize(p); err == nil && n > 0 {
			rn.totalBytes += n
		}
	}
	var failed []error
	for _, p := range paths {
		if rn.failure() != nil || ctx.Err() != nil {
			break // includes an unknown format, found by startRun
		}
		src := r.cfg.PathDefaults
		src.Name, src.Format, src.Location = name, format, p
		rn.fetchErr = nil
		rn.guard(func() error {
			cfg, _, err := sourceConfigLog(src, r.log)
			if err != nil {
				return err
			}
			cfg.Options = withoutLocalOnly(cfg.Options, p)
			_, err = r.cfg.Fetch(ctx, cfg, source.State{}, rn.doc)
			return err
		})
		if rn.fetchErr != nil && rn.writerErr() == nil && ctx.Err() == nil {
			// This input failed; record it and go on with the next one.
			failed = append(failed, rn.fetchErr)
			rn.report(procure.Problem{Severity: procure.SevError, Code: "input-failed", Message: rn.fetchErr.Error(), Location: procure.Location{File: p}})
			rn.fetchErr = nil
		}
	}
	if ctx.Err() != nil && rn.fetchErr == nil {
		rn.fetchErr = fmt.Errorf("import cancelled: %w", context.Cause(ctx))
	}
	rn.finishInputs()
	rec := rn.rec
	switch {
	case rn.failure() != nil:
		rec.Status, rec.Message = StatusFailed, rn.failure().Error()
	case len(failed) == len(paths):
		rec.Status = StatusFailed
		rec.Message = fmt.Sprintf("all %d inputs failed; first: %v", len(paths), failed[0])
	case len(failed) > 0:
		rec.Status = StatusPartial
		rec.Message = fmt.Sprintf("%d of %d inputs failed; first: %v", len(failed), len(paths), failed[0])
	case rec.Errors > 0:
		rec.Status = StatusPartial
	default:
		rec.Status = StatusOK
	}
	cause := rn.failure()
	if cause == nil && len(failed) > 0 {
		cause = errors.Join(failed...)
	}
	rec, err = r.finishRun(ctx, rn, rec, cause)
	if err == nil && len(failed) > 0 {
		err = fmt.Errorf("import %s: %d of %d inputs failed: %w", name, len(failed), len(paths), errors.Join(failed...))
	}
	return rec, err
}

// withoutLocalOnly drops URL-only options for local paths so one template
// serves both kinds of CLI input.
func withoutLocalOnly(opts map[string]string, location string) map[string]string {
	if n, err := source.LocalSize(location); err == nil && n < 0 {
		return opts // a URL
	}
	out := map[string]string{}
	if v, ok := opts["conditional"]; ok {
		out["conditional"] = v
	}
	return out
}

// IndexDirty indexes every contract the store marks dirty (catch-up after a
// crash or an indexing failure; run it at start). It returns how many were
// indexed.
func (r *Runner) IndexDirty(ctx context.Context) (int, error) {
	if r.cfg.Index == nil {
		return 0, fmt.Errorf("index dirty contracts: no search index configured: %w", procure.ErrInvalid)
	}
	select {
	case r.lock <- struct{}{}:
	case <-ctx.Done():
		return 0, context.Cause(ctx)
	}
	defer func() { <-r.lock }()
	n, err := r.indexDirty(ctx, nil)
	if n > 0 || err != nil {
		r.log.Info("indexed dirty contracts", "count", n, "err", err)
	}
	return n, err
}

// indexDirty indexes dirty contracts in batches of IndexBatchSize until
// none are left. The caller keeps other writers out: it holds the lock and
// no run's store stage is active, or, during a run, passes the run's
// tracker so that contracts a concurrent batch changes are not marked
// indexed (see tracker).
func (r *Runner) indexDirty(ctx context.Context, tr *tracker) (int, error) {
	if r.cfg.Index == nil {
		return 0, nil
	}
	total := 0
	done := map[string]bool{}
	for {
		n, fresh, err := r.indexChunk(ctx, tr, done)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
		if fresh == 0 && (tr == nil || !tr.changedSinceRead()) {
			return total, fmt.Errorf("index contracts: the store still reports %d contracts dirty after they were marked indexed", n)
		}
	}
}

// indexChunk indexes up to IndexBatchSize dirty contracts and marks them
// indexed. It returns how many it indexed and how many of those were not in
// done (which it updates).
func (r *Runner) indexChunk(ctx context.Context, tr *tracker, done map[string]bool) (n, fresh int, err error) {
	if tr != nil {
		tr.startRead()
	}
	cs, err := r.cfg.Store.DirtyContracts(ctx, r.cfg.IndexBatchSize)
	if err != nil {
		return 0, 0, fmt.Errorf("list contracts to index: %w", err)
	}
	if len(cs) == 0 {
		return 0, 0, nil
	}
	ocids := make([]string, len(cs))
	for i, c := range cs {
		ocids[i] = c.OCID
		if done != nil && !done[c.OCID] {
			fresh++
			done[c.OCID] = true
		}
	}
	if err := r.cfg.Index.Index(ctx, cs); err != nil {
		return 0, fresh, fmt.Errorf("index %d contracts: %w", len(cs), err)
	}
	mark := r.marker(ctx)
	if tr != nil {
		err = tr.mark(ocids, mark)
	} else {
		err = mark(ocids)
	}
	if err != nil {
		return 0, fresh, err
	}
	return len(cs), fresh, nil
}

// marker returns the function that clears the dirty flag of indexed
// contracts.
func (r *Runner) marker(ctx context.Context) func([]string) error {
	return func(ocids []string) error {
		if err := r.cfg.Store.MarkIndexed(ctx, ocids); err != nil {
			return fmt.Errorf("mark %d contracts indexed: %w", len(ocids), err)
		}
		return nil
	}
}

// tracker makes indexing safe while the run's store stage commits more
// batches: the index stage must not clear the dirty flag of a contract that
// a batch changed after the version it indexed (the index would hold the
// older version while the store says it is up to date). The store stage
// registers the ocids of a batch before applying it (inflight) and, once it
// is committed, records them as changed and numbers the versions it hands
// to the index stage (latest); marking holds the tracker's lock, so no
// batch can start between the check and the write.
//
// Two ways of indexing use it: contracts handed over by the store stage
// (markFresh: marked only if no later batch changed them) and contracts
// read back from the store (startRead, then mark: marked only if no batch
// changed them since the read).
type tracker struct {
	mu       sync.Mutex
	inflight map[string]bool   // ocids of the batch being applied
	changed  map[string]bool   // ocids committed since the last read (once reading)
	reading  bool              // startRead was called: record changed
	latest   map[string]uint64 // batch number of the newest version handed over, until marked
}

func newTracker() *tracker {
	return &tracker{changed: map[string]bool{}, latest: map[string]uint64{}}
}

// begin registers the ocids of a batch about to be applied.
func (t *tracker) begin(rels []procure.SourceRelease) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inflight = make(map[string]bool, len(rels))
	for i := range rels {
		t.inflight[rels[i].OCID] = true
	}
}

// end records the outcome of the batch registered by begin: seq numbers
// the versions of the changed contracts it hands over (0: none handed
// over).
func (t *tracker) end(changed []string, seq uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reading {
		// Only reads need it; while contracts are handed over, recording
		// every ocid of the run would hold them all in memory.
		for ocid := range t.inflight {
			t.changed[ocid] = true
		}
	}
	t.inflight = nil
	for _, o := range changed {
		if seq > 0 {
			t.latest[o] = seq
		} else {
			// Not handed over: an older version still queued must not be
			// marked; the read at the end indexes this one.
			delete(t.latest, o)
		}
	}
}

// startRead forgets the changes made before a read of dirty contracts.
func (t *tracker) startRead() {
	t.mu.Lock()
	clear(t.changed)
	t.reading = true
	t.mu.Unlock()
}

func (t *tracker) changedSinceRead() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.changed) > 0 || len(t.inflight) > 0
}

// mark calls fn with the ocids that no batch changed since the read.
func (t *tracker) mark(ocids []string, fn func([]string) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := ocids[:0:0]
	for _, o := range ocids {
		if !t.changed[o] && !t.inflight[o] {
			keep = append(keep, o)
		}
	}
	if len(keep) == 0 || fn == nil {
		return nil
	}
	return fn(keep)
}

// markFresh calls fn with the ocids of the handed-over contracts that are
// still their newest version: no later batch changed them or is changing
// them. Those stay dirty and are indexed again in their newer version.
func (t *tracker) markFresh(items []freshContract, fn func([]string) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := make([]string, 0, len(items))
	for i := range items {
		o := items[i].c.OCID
		if t.latest[o] == items[i].seq && !t.inflight[o] {
			keep = append(keep, o)
			delete(t.latest, o)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return fn(keep)
}

// freshContract is a contract a committed batch changed, handed from the
// store stage to the index stage; seq numbers the batch.
type freshContract struct {
	c   procure.Contract
	seq uint64
}

// handoff is the queue of changed contracts from the store stage to the
// index stage, so that the index stage does not read back what the store
// stage has just compiled. It is bounded: the store stage waits while a
// full index chunk is queued (the index is the slower stage, and queued
// contracts are memory).
type handoff struct {
	mu      sync.Mutex
	cond    sync.Cond
	items   []freshContract
	limit   int
	idle    bool // the store stage waits for work: index what is queued
	closed  bool // the store stage has finished
	stopped bool // the index stage takes no more (failure or cancellation)

	release func() bool // unregisters the cancellation hook
}

func newHandoff(ctx context.Context, limit int) *handoff {
	h := &handoff{limit: max(limit, 1), idle: true}
	h.cond.L = &h.mu
	h.release = context.AfterFunc(ctx, h.stop)
	return h
}

// put queues the contracts of batch seq (possibly none: it also records
// whether the store stage is idle), waiting while the queue is full.
func (h *handoff) put(cs []procure.Contract, seq uint64, idle bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(cs) > 0 && len(h.items) >= h.limit && !h.stopped {
		h.cond.Wait()
	}
	h.idle = idle
	if !h.stopped {
		for i := range cs {
			h.items = append(h.items, freshContract{c: cs[i], seq: seq})
		}
	}
	h.cond.Broadcast()
}

// take waits for a full chunk of n contracts, or for fewer when the store
// stage is idle or finished, and returns them, each ocid once (its newest
// version). It returns nil when the store stage has finished and nothing
// is queued, or after stop.
func (h *handoff) take(n int) []freshContract {
	h.mu.Lock()
	defer h.mu.Unlock()
	for !h.stopped && len(h.items) < n && !(len(h.items) > 0 && h.idle) && !h.closed {
		h.cond.Wait()
	}
	if h.stopped || len(h.items) == 0 {
		return nil
	}
	k := min(n, len(h.items))
	out := make([]freshContract, 0, k)
	at := make(map[string]int, k)
	for _, it := range h.items[:k] {
		if i, ok := at[it.c.OCID]; ok {
			out[i] = it // a newer version of the same contract
			continue
		}
		at[it.c.OCID] = len(out)
		out = append(out, it)
	}
	h.items = append(h.items[:0:0], h.items[k:]...)
	h.cond.Broadcast()
	return out
}

// close tells the index stage that no more contracts come.
func (h *handoff) close() {
	h.mu.Lock()
	h.closed = true
	h.cond.Broadcast()
	h.mu.Unlock()
}

// stop drops what is queued and releases the store stage for good.
func (h *handoff) stop() {
	h.mu.Lock()
	h.stopped = true
	h.items = nil
	h.cond.Broadcast()
	h.mu.Unlock()
}

// startRun records the run's start and starts its writer.
func (r *Runner) startRun(ctx context.Context, name, format string, progress func(Progress)) (*run, error) {
	started := r.cfg.Clock().UTC()
	rn := &run{r: r, ctx: ctx, docMeter: docMeter{progress: progress},
		rec:        procure.ImportRun{Source: name, Started: started, Status: StatusRunning},
		work:       make(chan job, 1),
		writerDone: make(chan struct{}),
		indexDone:  make(chan struct{}),
		tr:         newTracker(),
	}
	if r.cfg.Index != nil {
		rn.fresh = newHandoff(ctx, r.cfg.IndexBatchSize)
	}
	id, err := r.cfg.Store.StartRun(ctx, name, started)
	if err != nil {
		rn.rec.Status, rn.rec.Message = StatusFailed, fmt.Sprintf("cannot record the run: %v", err)
		return rn, fmt.Errorf("import %s: start run: %w", name, err)
	}
	rn.rec.ID = id
	if d, ok := r.cfg.Store.(indexDeferrer); ok {
		deferred, err := d.DeferIndexes(ctx)
		switch {
		case err != nil:
			r.log.Warn("cannot defer the store's secondary indexes; importing with them", "source", name, "err", err)
		case deferred:
			rn.deferred = d
			r.log.Info("import into an empty store: its secondary indexes are built when the run ends", "source", name, "run", id)
		}
	}
	rn.parse = r.cfg.Parsers[format]
	if rn.parse == nil {
		known := make([]string, 0, len(r.cfg.Parsers))
		for k := range r.cfg.Parsers {
			known = append(known, k)
		}
		sort.Strings(known)
		rn.fetchErr = fmt.Errorf("unknown format %q (known: %s): %w", format, strings.Join(known, ", "), procure.ErrInvalid)
	}
	r.log.Info("import started", "source", name, "run", id)
	go rn.writer()
	go rn.indexer()
	return rn, nil
}

// finishRun records the outcome (even when ctx was cancelled).
// cause is the error behind a failed status (wrapped into the returned
// error so callers can test its kind with errors.Is).
func (r *Runner) finishRun(ctx context.Context, rn *run, rec procure.ImportRun, cause error) (procure.ImportRun, error) {
	bk, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancel()
	rec.Problems = rn.problems
	if rn.deferred != nil {
		// Also after a failed or cancelled run: what was stored stays, and
		// the pages need the indexes. Open builds them if this fails.
		rn.reportPhase(true, PhaseStoreIndexes)
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restoreTimeout)
		t0 := time.Now()
		err := rn.deferred.RestoreIndexes(rctx)
		cancel()
		if err != nil {
			r.log.Error("cannot build the store's secondary indexes; the next open of the store builds them", "source", rec.Source, "run", rec.ID, "err", err)
			if rec.Status != StatusFailed {
				rec.Status, rec.Message = StatusFailed, fmt.Sprintf("cannot build the store's indexes: %v", err)
				cause = err
			}
		} else {
			r.log.Info("built the store's secondary indexes", "source", rec.Source, "run", rec.ID, "duration", time.Since(t0).Round(time.Millisecond))
		}
	}
	return r.recordEnd(bk, "import", r.cfg.Store.FinishRun, func() { rn.reportProgress(true) }, rec, cause)
}

// recordEnd stamps the end of a run (what: "import", "entity import"),
// records it with finish (a failure to record fails the run), reports the
// final progress and logs the outcome. The error wraps cause, or the run's
// message when the run failed without one.
func (r *Runner) recordEnd(ctx context.Context, what string, finish func(context.Context, procure.ImportRun) error, report func(), rec procure.ImportRun, cause error) (procure.ImportRun, error) {
	rec.Finished = r.cfg.Clock().UTC()
	if err := finish(ctx, rec); err != nil {
		r.log.Error("cannot record the end of an "+what, "source", rec.Source, "run", rec.ID, "err", err)
		if rec.Status != StatusFailed {
			rec.Status, rec.Message = StatusFailed, fmt.Sprintf("cannot record the run: %v", err)
		}
	}
	report()
	attrs := []any{"source", rec.Source, "run", rec.ID, "status", rec.Status, "read", rec.Read, "stored", rec.Stored,
		"unchanged", rec.Unchanged, "warnings", rec.Warnings, "errors", rec.Errors, "duration", rec.Finished.Sub(rec.Started).Round(time.Millisecond)}
	if rec.Status == StatusFailed {
		r.log.Error(what+" failed", append(attrs, "message", rec.Message)...)
		if cause == nil {
			cause = errors.New(rec.Message)
		}
		return rec, fmt.Errorf("import %s: %w", rec.Source, cause)
	}
	r.log.Info(what+" finished", attrs...)
	return rec, nil
}

// run is the state of one import run. The fields above the line are used by
// the goroutine that fetches and parses; the writer goroutine owns the
// store calls and updates the counters under mu.
type run struct {
	r             *Runner
	ctx           context.Context
	parse         ParseFunc
	parserOptions map[string]string

	batch      []procure.SourceRelease
	batchBytes int
	pending    []procure.Problem
	maxDate    time.Time
	fetchErr   error

	docMeter

	// deferred is the store whose secondary indexes this run deferred
	// (nil: none were).
	deferred indexDeferrer

	work       chan job
	writerDone chan struct{}
	// The index stage (indexer) runs beside the store stage (writer),
	// which hands it the contracts it changed (nil without an index).
	fresh     *handoff
	batchSeq  uint64 // batches applied (writer only)
	indexDone chan struct{}
	tr        *tracker

	// ---- shared with the writer (under mu) ----
	mu       sync.Mutex
	rec      procure.ImportRun
	problems []procure.Problem
	writeErr error
}

type job struct {
	rels     []procure.SourceRelease
	problems []procure.Problem
}

// guard runs f, turning a panic into a run failure.
func (rn *run) guard(f func() error) {
	if rn.fetchErr != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			rn.r.log.Error("import panicked", "source", rn.rec.Source, "panic", p, "stack", string(debug.Stack()))
			rn.fetchErr = fmt.Errorf("internal error (panic): %v", p)
		}
	}()
	rn.fetchErr = f()
}

// failure is the error that makes the run fail, if any. ErrNotModified is
// not a failure.
func (rn *run) failure() error {
	rn.mu.Lock()
	werr := rn.writeErr
	rn.mu.Unlock()
	if werr != nil {
		return werr
	}
	if rn.fetchErr != nil && !errors.Is(rn.fetchErr, source.ErrNotModified) {
		return rn.fetchErr
	}
	return nil
}

func (rn *run) writerErr() error {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.writeErr
}

// doc parses one fetched document.
func (rn *run) doc(d source.Doc) error {
	rn.begin(d)
	err := rn.parse(rn.ctx, d.Body, ParseOptions{Source: rn.rec.Source, URL: d.URL, RetrievedAt: d.RetrievedAt, Options: rn.parserOptions}, rn.emit, rn.report)
	rn.end(d)
	if werr := rn.writerErr(); werr != nil {
		return werr
	}
	if err != nil {
		return readErr(rn.ctx, d.URL, err)
	}
	rn.reportProgress(false)
	return nil
}

// emit receives one parsed release.
func (rn *run) emit(rel procure.SourceRelease) error {
	if err := rn.writerErr(); err != nil {
		return err
	}
	if err := rn.ctx.Err(); err != nil {
		return context.Cause(rn.ctx)
	}
	rn.mu.Lock()
	rn.rec.Read++
	rn.mu.Unlock()
	if rel.Date.After(rn.maxDate) {
		rn.maxDate = rel.Date
	}
	rn.batch = append(rn.batch, rel)
	rn.batchBytes += len(rel.Raw)
	if len(rn.batch) >= rn.r.cfg.BatchSize || rn.batchBytes >= maxBatchBytes {
		if err := rn.send(); err != nil {
			return err
		}
	}
	rn.reportProgress(false)
	return nil
}

// report receives one problem from the parser.
func (rn *run) report(p procure.Problem) {
	if p.Location.File == "" {
		p.Location.File = rn.file
	}
	rn.mu.Lock()
	rn.count(p)
	rn.mu.Unlock()
	rn.pending = append(rn.pending, p)
	if len(rn.pending) >= pendingProblems {
		_ = rn.send() // a failure is the writer's and is reported by it
	}
}

// count adds p to the counters and the returned list; rn.mu is held.
func (rn *run) count(p procure.Problem) {
	rn.problems = tally(&rn.rec, rn.problems, p)
}

// send hands the current batch and pending problems to the writer.
func (rn *run) send() error {
	if len(rn.batch) == 0 && len(rn.pending) == 0 {
		return nil
	}
	j := job{rels: rn.batch, problems: rn.pending}
	rn.batch, rn.batchBytes, rn.pending = nil, 0, nil
	select {
	case rn.work <- j:
		return nil
	case <-rn.writerDone:
		if err := rn.writerErr(); err != nil {
			return err
		}
		return errors.New("the store writer stopped")
	case <-rn.ctx.Done():
		return context.Cause(rn.ctx)
	}
}

// finishInputs flushes what was parsed (also after a failure: those
// releases are complete and valid; unless the run was cancelled) and waits
// for the writer.
func (rn *run) finishInputs() {
	if rn.ctx.Err() == nil {
		if err := rn.send(); err != nil && rn.fetchErr == nil {
			rn.fetchErr = err
		}
	} else if rn.fetchErr == nil {
		rn.fetchErr = fmt.Errorf("import cancelled: %w", context.Cause(rn.ctx))
	}
	close(rn.work)
	<-rn.writerDone
	<-rn.indexDone
	if rn.fresh != nil {
		rn.fresh.release()
	}
}

// writer is the store stage: it stores batches and records problems, and
// wakes the index stage. It is the only goroutine that applies batches
// during a run.
func (rn *run) writer() {
	defer close(rn.writerDone)
	if rn.fresh != nil {
		defer rn.fresh.close()
	}
	defer func() {
		if p := recover(); p != nil {
			rn.r.log.Error("import writer panicked", "source", rn.rec.Source, "panic", p, "stack", string(debug.Stack()))
			rn.setWriteErr(fmt.Errorf("internal error (panic while storing): %v", p))
		}
	}()
	for j := range rn.work {
		if rn.writerErr() != nil {
			continue // drain
		}
		if err := rn.apply(j); err != nil {
			rn.setWriteErr(err)
		}
	}
}

// indexer is the index stage: it indexes the contracts the store stage
// hands over, in chunks of IndexBatchSize while batches keep coming and
// whatever is queued when the store stage waits for work, so that searching
// the imported contracts never lags far behind storing them. When the store
// stage has finished it indexes whatever is still dirty (contracts of a
// failed step, or changed by an earlier run). Contracts it could not index
// stay dirty (IndexDirty catches up).
func (rn *run) indexer() {
	defer close(rn.indexDone)
	defer func() {
		if p := recover(); p != nil {
			rn.r.log.Error("import indexer panicked", "source", rn.rec.Source, "panic", p, "stack", string(debug.Stack()))
			rn.setWriteErr(fmt.Errorf("internal error (panic while indexing): %v", p))
			if rn.fresh != nil {
				rn.fresh.stop()
			}
		}
	}()
	if rn.r.cfg.Index == nil {
		<-rn.writerDone
		return
	}
	failed := false
	fail := func(err error) {
		failed = true
		rn.fresh.stop() // the store stage must not wait for us
		rn.setWriteErr(fmt.Errorf("update the search index (the stored data is safe and will be indexed later): %w", err))
	}
	mark := rn.r.marker(rn.ctx)
	for {
		items := rn.fresh.take(rn.r.cfg.IndexBatchSize)
		if items == nil {
			break
		}
		cs := make([]procure.Contract, len(items))
		for i := range items {
			cs[i] = items[i].c
		}
		if err := rn.r.cfg.Index.Index(rn.ctx, cs); err != nil {
			fail(fmt.Errorf("index %d contracts: %w", len(cs), err))
			break
		}
		if err := rn.tr.markFresh(items, mark); err != nil {
			fail(err)
			break
		}
	}
	<-rn.writerDone
	// Index what is left, also after a store failure: what the run
	// committed is valid and should be searchable.
	if !failed && rn.ctx.Err() == nil {
		if _, err := rn.r.indexDirty(rn.ctx, rn.tr); err != nil {
			if rn.writerErr() != nil {
				rn.r.log.Warn("indexing after a failed store step failed too; the contracts stay dirty and are indexed later", "source", rn.rec.Source, "err", err)
			} else {
				fail(err)
			}
		}
	}
}

func (rn *run) setWriteErr(err error) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.writeErr == nil {
		rn.writeErr = err
	}
}

func (rn *run) apply(j job) error {
	ctx, store := rn.ctx, rn.r.cfg.Store
	if len(j.problems) > 0 {
		if err := store.AddProblems(ctx, rn.rec.ID, j.problems); err != nil {
			return fmt.Errorf("record %d problems: %w", len(j.problems), err)
		}
	}
	if len(j.rels) == 0 {
		return nil
	}
	rn.tr.begin(j.rels)
	res, err := store.ApplyBatch(ctx, rn.rec.ID, j.rels, rn.r.cfg.Compile)
	var seq uint64
	if err == nil && rn.fresh != nil && len(res.Contracts) == len(res.Changed) {
		rn.batchSeq++
		seq = rn.batchSeq
	}
	rn.tr.end(res.Changed, seq)
	if rn.fresh != nil {
		if seq > 0 {
			rn.fresh.put(res.Contracts, seq, len(rn.work) == 0)
		} else {
			rn.fresh.put(nil, 0, len(rn.work) == 0)
		}
	}
	if err != nil {
		return fmt.Errorf("store a batch of %d releases: %w", len(j.rels), err)
	}
	rn.mu.Lock()
	rn.rec.Stored += res.Stored
	rn.rec.Unchanged += res.Unchanged
	for _, p := range res.Problems {
		rn.count(p)
	}
	rn.mu.Unlock()
	if len(res.Problems) > 0 {
		if err := store.AddProblems(ctx, rn.rec.ID, res.Problems); err != nil {
			return fmt.Errorf("record %d problems: %w", len(res.Problems), err)
		}
	}
	return nil
}

// reportProgress calls the progress callback, throttled unless final.
func (rn *run) reportProgress(final bool) { rn.reportPhase(final, "") }

// reportPhase is reportProgress for a phase after the inputs were read
// (Progress.Phase).
func (rn *run) reportPhase(final bool, phase string) {
	rn.mu.Lock()
	p := Progress{Source: rn.rec.Source, Records: rn.rec.Read, Stored: rn.rec.Stored, Phase: phase}
	rn.mu.Unlock()
	if rn.due(final, &p) {
		rn.deliver(p, final, rn.failure() == nil)
	}
}
