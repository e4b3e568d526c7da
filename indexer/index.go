package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/tenderlens/tenderlens/data/procure"
)

// maxClauses caps bleve's disjunctions (it is unlimited by default). Our
// own disjunctions are small; prefix expansions beyond it are batched by
// bleve, and refused by us beyond maxPrefixExpansion.
const maxClauses = 1024

func init() {
	// bleve reads this package-level setting; set once, never changed.
	searcher.DisjunctionMaxClauseCount = maxClauses
}

// Config configures an Index.
type Config struct {
	// Dir is the index root, e.g. DATA/index; generations live under it.
	Dir string
	// SearchTimeout is the deadline of every search; default 2s.
	SearchTimeout time.Duration
	// MaxConcurrentExpensive bounds concurrent expensive searches (prefix,
	// phrase); default runtime.NumCPU().
	MaxConcurrentExpensive int
	// BoltTimeout is how long Open waits for a lock held by another process
	// before failing with procure.ErrLocked; default 5s.
	BoltTimeout time.Duration
	// BatchSize is the number of documents per bleve batch; default 1000
	// (each batch becomes a segment; Index builds two at a time).
	BatchSize int
	// FacetCacheSize is how many searches' facet counts are kept per
	// generation and write; default 256, negative: none (every faceted
	// search counts afresh, as benchmarks need).
	FacetCacheSize int
	// Contracts gives the current version of the contracts a results page
	// shows (the index stores nothing but search terms). Needed by Search
	// when a search has hits; an index that is only written may go without.
	Contracts ContractReader
}

// ContractReader reads contract summaries by ocid (the store). Ocids it
// does not hold are absent from the map.
type ContractReader interface {
	ContractsByOCID(ctx context.Context, ocids []string) (map[string]procure.Contract, error)
}

// errNoContracts: Search found hits but Config.Contracts is not set.
var errNoContracts = errors.New("indexer: no contract reader configured (Config.Contracts)")

func (c Config) withDefaults() Config {
	if c.SearchTimeout <= 0 {
		c.SearchTimeout = 2 * time.Second
	}
	if c.MaxConcurrentExpensive <= 0 {
		c.MaxConcurrentExpensive = runtime.NumCPU()
	}
	if c.BoltTimeout <= 0 {
		c.BoltTimeout = 5 * time.Second
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 1000
	}
	if c.FacetCacheSize == 0 {
		c.FacetCacheSize = defaultFacetCacheSize
	}
	return c
}

// Index is the search index: one served generation, written by Index and
// Delete, replaced as a whole by Rebuild. It is safe for concurrent use.
type Index struct {
	cfg  Config
	lock *dirLock
	cur  atomic.Pointer[generation]
	sem  chan struct{}

	// writeMu serializes Index, Delete and the publish step of Rebuild.
	writeMu sync.Mutex
	// journal records writes made while a rebuild runs (under writeMu).
	journal map[string]*procure.Contract // nil value = deleted
	// rebuildMu admits one Rebuild at a time.
	rebuildMu sync.Mutex
	// cancelRebuild stops a running rebuild (Close).
	cancelMu      sync.Mutex
	cancelRebuild context.CancelFunc

	// windowMin: see page (a field so that tests can lower it).
	windowMin int
	// writes counts writes; facet counts are cached per generation and
	// write count.
	writes     atomic.Uint64
	facetMu    sync.Mutex
	facetCache map[string]map[string][]procure.FacetCount
	facetOrder []string
	// bg is cancelled by Close: it stops background work (warming).
	bg       context.Context
	bgCancel context.CancelFunc

	// searched is set by the first search: from then on writes warm the
	// columns in the background (see warmSoon); warming is true while
	// that runs.
	searched atomic.Bool
	warming  atomic.Bool

	needsRebuild atomic.Bool
	problemsMu   sync.Mutex
	problems     []error
	closed       atomic.Bool
	closeOnce    sync.Once
}

// ErrClosed is returned by methods called after Close.
var ErrClosed = fmt.Errorf("index is closed: %w", procure.ErrUnavailable)

// Open opens the generation named by Dir/CURRENT, or creates an empty one.
//
// Another process holding the index makes Open fail with an error wrapping
// procure.ErrLocked after cfg.BoltTimeout. A generation that fails to open
// for any other reason is corrupt: it is set aside (Dir/corrupt-…), the
// newest other verified generation is opened instead, or a new empty one is
// created, and the event is reported by Problems (errors wrapping
// procure.ErrCorrupt) and NeedsRebuild. Stale and partial generations are
// deleted.
func Open(ctx context.Context, cfg Config) (*Index, error) {
	cfg = cfg.withDefaults()
	if cfg.Dir == "" {
		return nil, fmt.Errorf("open index: no directory: %w", procure.ErrInvalid)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("open index %s: %w", cfg.Dir, err)
	}
	lock, err := acquireLock(ctx, filepath.Join(cfg.Dir, lockFile), cfg.BoltTimeout)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", cfg.Dir, err)
	}
	ix := &Index{cfg: cfg, lock: lock, sem: make(chan struct{}, cfg.MaxConcurrentExpensive), windowMin: windowMin}
	ix.bg, ix.bgCancel = context.WithCancel(context.Background())
	g, err := ix.openServed()
	if err != nil {
		ix.bgCancel()
		lock.release()
		return nil, fmt.Errorf("open index %s: %w", cfg.Dir, err)
	}
	if v := g.mappingVersion(); v != MappingVersion {
		ix.needsRebuild.Store(true)
	}
	ix.cur.Store(g)
	ix.problems = append(ix.problems, gc(cfg.Dir, g.name)...)
	ix.warmSoon(g)
	return ix, nil
}

// openServed finds, opens (or creates) the generation to serve.
func (ix *Index) openServed() (*generation, error) {
	dir := ix.cfg.Dir
	ci, err := readCurrent(dir)
	tried := ""
	if err == nil {
		tried = ci.Generation
		g, err := openGeneration(dir, ci.Generation, ix.cfg.BoltTimeout)
		if err == nil {
			return g, nil
		}
		if errors.Is(err, procure.ErrLocked) {
			return nil, err
		}
		ix.problems = append(ix.problems, err)
		quarantine(dir, ci.Generation)
	} else if !errors.Is(err, os.ErrNotExist) {
		ix.problems = append(ix.problems, err)
	}
	// Fall back to the newest other verified generation.
	names, _ := listGenerations(dir)
	for _, name := range names {
		if name == tried || !isReady(dir, name) {
			continue
		}
		g, err := openGeneration(dir, name, ix.cfg.BoltTimeout)
		if err != nil {
			if errors.Is(err, procure.ErrLocked) {
				return nil, err
			}
			ix.problems = append(ix.problems, err)
			quarantine(dir, name)
			continue
		}
		n, _ := g.idx.DocCount()
		if err := writeCurrent(dir, currentInfo{Generation: name, MappingVersion: g.mappingVersion(), Docs: n, Published: time.Now().UTC()}); err != nil {
			g.close()
			return nil, err
		}
		if tried != "" {
			ix.problems = append(ix.problems, fmt.Errorf("serving the previous generation %s instead of %s; it may lack recent changes, rebuild the index: %w", name, tried, procure.ErrCorrupt))
		}
		ix.needsRebuild.Store(true)
		return g, nil
	}
	// Nothing usable: start empty; the caller rebuilds from the store.
	name := newGenerationName(dir, time.Now())
	g, err := createGeneration(dir, name, ix.cfg.BoltTimeout)
	if err != nil {
		return nil, err
	}
	if err := markReady(g.dir, 0); err != nil {
		g.close()
		return nil, err
	}
	if err := writeCurrent(dir, currentInfo{Generation: name, MappingVersion: MappingVersion, Published: time.Now().UTC()}); err != nil {
		g.close()
		return nil, err
	}
	if tried != "" {
		ix.problems = append(ix.problems, fmt.Errorf("no usable generation; started an empty index %s, rebuild it: %w", name, procure.ErrCorrupt))
	}
	ix.needsRebuild.Store(true)
	return g, nil
}

// NeedsRebuild reports whether the served generation should be rebuilt from
// the system of record: it was built with another MappingVersion, or Open
// had to create it or fall back to an older one (no index existed, or the
// current one was corrupt). The caller runs Rebuild in the background; the
// old generation keeps serving meanwhile.
func (ix *Index) NeedsRebuild() bool { return ix.needsRebuild.Load() }

// Problems returns what Open had to repair (corrupt generations set aside,
// stale generations that could not be removed). Errors wrap
// procure.ErrCorrupt where data was damaged.
func (ix *Index) Problems() []error {
	ix.problemsMu.Lock()
	defer ix.problemsMu.Unlock()
	return append([]error(nil), ix.problems...)
}

func (ix *Index) addProblem(err error) {
	ix.problemsMu.Lock()
	ix.problems = append(ix.problems, err)
	ix.problemsMu.Unlock()
}

// Generation returns the name of the served generation.
func (ix *Index) Generation() string {
	if g := ix.cur.Load(); g != nil {
		return g.name
	}
	return ""
}

// acquire returns the served generation, held shared until release is
// called. It never returns a closed generation.
func (ix *Index) acquire() (*generation, func(), error) {
	for {
		if ix.closed.Load() {
			return nil, nil, ErrClosed
		}
		g := ix.cur.Load()
		if g == nil {
			return nil, nil, ErrClosed
		}
		if g.ref() {
			return g, g.unref, nil
		}
		// Swapped and closing meanwhile: take the new one.
	}
}

// DocCount returns the number of contracts in the served generation.
func (ix *Index) DocCount() (uint64, error) {
	g, release, err := ix.acquire()
	if err != nil {
		return 0, err
	}
	defer release()
	return g.idx.DocCount()
}

// Index adds or replaces contracts (the ocid is the document ID). The
// changes are durable (persisted) when it returns. Large inputs are split
// into batches written by two goroutines.
func (ix *Index) Index(ctx context.Context, cs []procure.Contract) error {
	if len(cs) == 0 {
		return nil
	}
	// Refuse the whole call before writing anything if a contract cannot
	// be a document; the last occurrence of an ocid wins.
	last := make(map[string]int, len(cs))
	for i := range cs {
		if err := validOCID(cs[i].OCID); err != nil {
			return fmt.Errorf("index contracts: %w", err)
		}
		last[cs[i].OCID] = i
	}
	ptrs := make([]*procure.Contract, 0, len(last))
	for i := range cs {
		if last[cs[i].OCID] == i {
			ptrs = append(ptrs, &cs[i])
		}
	}
	return ix.served(ctx, ptrs, nil, func() {
		for _, c := range ptrs {
			cc := *c
			ix.journal[c.OCID] = &cc
		}
	})
}

// served writes upserts and deletes to the served generation under the
// write lock, schedules the columns' warm-up, and when a rebuild is running
// lets journal record the change for replay into the new generation.
func (ix *Index) served(ctx context.Context, cs []*procure.Contract, deletes []string, journal func()) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	g, release, err := ix.acquire()
	if err != nil {
		return err
	}
	defer release()
	err = ix.write(ctx, g.idx, cs, deletes)
	ix.writes.Add(1)
	g.written()
	if ix.searched.Load() {
		ix.warmSoon(g)
	}
	if err != nil {
		if len(cs) > 0 {
			return fmt.Errorf("index %d contracts: %w", len(cs), err)
		}
		return fmt.Errorf("delete %d contracts: %w", len(deletes), err)
	}
	if ix.journal != nil {
		journal()
	}
	return nil
}

// Delete removes contracts by ocid; unknown ocids are ignored.
func (ix *Index) Delete(ctx context.Context, ocids []string) error {
	if len(ocids) == 0 {
		return nil
	}
	return ix.served(ctx, nil, ocids, func() {
		for _, id := range ocids {
			ix.journal[id] = nil
		}
	})
}

// write executes upserts and deletes in batches of at most cfg.BatchSize,
// two batches at a time (segment building inside a batch is serial, so one
// batch leaves a core idle).
func (ix *Index) write(ctx context.Context, idx bleve.Index, cs []*procure.Contract, deletes []string) error {
	size := ix.cfg.BatchSize
	if n := len(cs); n >= 64 && n < 2*size {
		size = (n + 1) / 2 // two batches, built by two goroutines
	}
	type job struct {
		cs  []*procure.Contract
		del []string
	}
	var jobs []job
	for i := 0; i < len(cs); i += size {
		jobs = append(jobs, job{cs: cs[i:min(i+size, len(cs))]})
	}
	for i := 0; i < len(deletes); i += size {
		jobs = append(jobs, job{del: deletes[i:min(i+size, len(deletes))]})
	}
	run := func(j job) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return ix.writeBatch(idx, j.cs, j.del)
	}
	if len(jobs) == 1 {
		return run(jobs[0])
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  atomic.Int64
	)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				mu.Lock()
				failed := first != nil
				mu.Unlock()
				if failed {
					return
				}
				if err := run(jobs[i]); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// writeBatch executes one bleve batch of upserts and deletes.
func (ix *Index) writeBatch(idx bleve.Index, cs []*procure.Contract, deletes []string) error {
	b := idx.NewBatch()
	for _, c := range cs {
		doc, err := buildDocument(c)
		if err != nil {
			return err
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("contract %s: %w", c.OCID, err)
		}
	}
	for _, id := range deletes {
		b.Delete(id)
	}
	return idx.Batch(b)
}

// Rebuild builds a new generation from all contracts: each must call fn
// once for every contract (streaming; fn's error must be returned). The new
// generation is verified (document count, sample searches), force-merged,
// published (CURRENT replaced by rename, directory fsynced) and swapped in
// while searches keep being served from the old one, which is closed when
// its last search ends and then removed. Writes made with Index and Delete
// during the rebuild go to the served generation and are replayed into the
// new one before the swap. A failure leaves the served generation untouched
// and deletes the partial one. One rebuild runs at a time.
func (ix *Index) Rebuild(ctx context.Context, each func(fn func(procure.Contract) error) error) (err error) {
	if ix.closed.Load() {
		return ErrClosed
	}
	if !ix.rebuildMu.TryLock() {
		return fmt.Errorf("rebuild index: a rebuild is already running: %w", procure.ErrUnavailable)
	}
	defer ix.rebuildMu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ix.cancelMu.Lock()
	ix.cancelRebuild = cancel
	ix.cancelMu.Unlock()
	defer func() {
		ix.cancelMu.Lock()
		ix.cancelRebuild = nil
		ix.cancelMu.Unlock()
	}()
	if ix.closed.Load() {
		return ErrClosed
	}

	ix.writeMu.Lock()
	ix.journal = make(map[string]*procure.Contract)
	ix.writeMu.Unlock()
	published := false
	defer func() {
		if !published {
			ix.writeMu.Lock()
			ix.journal = nil
			ix.writeMu.Unlock()
		}
	}()

	dir := ix.cfg.Dir
	name := newGenerationName(dir, time.Now())
	ng, err := createGeneration(dir, name, ix.cfg.BoltTimeout)
	if err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	defer func() {
		if !published {
			ng.close()
			os.RemoveAll(ng.dir)
		}
	}()

	count, samples, err := ix.bulkLoad(ctx, ng.idx, each)
	if err != nil {
		return fmt.Errorf("rebuild index %s: %w", name, err)
	}
	if err := ix.verify(ctx, ng, count, samples); err != nil {
		return fmt.Errorf("rebuild index %s: verify: %w", name, err)
	}
	if err := forceMerge(ctx, ng.idx); err != nil {
		return fmt.Errorf("rebuild index %s: merge: %w", name, err)
	}
	// Build the search columns before the generation serves.
	if err := ng.warm(); err != nil {
		return fmt.Errorf("rebuild index %s: %w", name, err)
	}

	// Publish: from here writes wait until the new generation serves.
	ix.writeMu.Lock()
	var ups []*procure.Contract
	var dels []string
	for id, c := range ix.journal {
		if c == nil {
			dels = append(dels, id)
		} else {
			ups = append(ups, c)
		}
	}
	if err := ix.write(ctx, ng.idx, ups, dels); err != nil {
		ix.writeMu.Unlock()
		return fmt.Errorf("rebuild index %s: replay %d changes made during the rebuild: %w", name, len(ups)+len(dels), err)
	}
	docs, err := ng.idx.DocCount()
	if err == nil {
		err = markReady(ng.dir, docs)
	}
	if err == nil {
		err = writeCurrent(dir, currentInfo{Generation: name, MappingVersion: MappingVersion, Docs: docs, Published: time.Now().UTC()})
	}
	if err != nil {
		ix.writeMu.Unlock()
		return fmt.Errorf("rebuild index %s: %w", name, err)
	}
	old := ix.cur.Swap(ng)
	published = true
	ix.journal = nil
	ix.needsRebuild.Store(false)
	ix.writeMu.Unlock()

	// The old generation closes when its last search ends.
	if old != nil {
		if err := old.close(); err != nil {
			ix.addProblem(fmt.Errorf("close old generation %s: %w", old.name, err))
		}
		if err := os.RemoveAll(old.dir); err != nil {
			return fmt.Errorf("rebuild index: remove old generation %s: %w", old.name, err)
		}
	}
	return nil
}

const numSamples = 8

// bulkLoad streams all contracts into idx with two batch writers and
// returns how many were written and a few samples for verification.
func (ix *Index) bulkLoad(ctx context.Context, idx bleve.Index, each func(fn func(procure.Contract) error) error) (int, []procure.Contract, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []procure.Contract, 2)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cs := range batches {
				if ctx.Err() != nil {
					continue // drain
				}
				ptrs := make([]*procure.Contract, len(cs))
				for i := range cs {
					ptrs[i] = &cs[i]
				}
				if err := ix.writeBatch(idx, ptrs, nil); err != nil {
					cancel(err)
				}
			}
		}()
	}
	count := 0
	var samples []procure.Contract
	batch := make([]procure.Contract, 0, ix.cfg.BatchSize)
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		batch = make([]procure.Contract, 0, ix.cfg.BatchSize)
		return nil
	}
	err := each(func(c procure.Contract) error {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		count++
		// Samples: the first contracts and then every 997th.
		if len(samples) < numSamples && (count <= 2 || count%997 == 0) {
			samples = append(samples, c)
		}
		batch = append(batch, c)
		if len(batch) >= ix.cfg.BatchSize {
			return send()
		}
		return nil
	})
	if err == nil {
		err = send()
	}
	close(batches)
	wg.Wait()
	if err == nil {
		err = context.Cause(ctx)
	}
	if err != nil {
		return 0, nil, err
	}
	return count, samples, nil
}

// verify checks a freshly built generation: its document count and, for a
// few sample contracts, that a search for their title words restricted to
// their ocid finds them.
func (ix *Index) verify(ctx context.Context, g *generation, count int, samples []procure.Contract) error {
	n, err := g.idx.DocCount()
	if err != nil {
		return err
	}
	if n != uint64(count) {
		return fmt.Errorf("generation has %d documents, %d contracts were given (each must give every contract once): %w", n, count, procure.ErrCorrupt)
	}
	// The samples are the contracts the hits are read from: what is
	// verified is that the index finds them.
	rd := samplesReader(samples)
	for _, c := range samples {
		req := procure.SearchRequest{Q: sampleQuery(c), Limit: 1}
		res, err := ix.searchGeneration(ctx, g, req, c.OCID, rd)
		if err != nil {
			return fmt.Errorf("sample search for %s: %w", c.OCID, err)
		}
		if len(res.Hits) != 1 || res.Hits[0].OCID != c.OCID {
			return fmt.Errorf("sample search %q did not find contract %s: %w", req.Q, c.OCID, procure.ErrCorrupt)
		}
	}
	return nil
}

// samplesReader reads the contracts given to verify.
type samplesReader []procure.Contract

func (r samplesReader) ContractsByOCID(_ context.Context, ocids []string) (map[string]procure.Contract, error) {
	out := make(map[string]procure.Contract, len(ocids))
	for _, id := range ocids {
		for _, c := range r {
			if c.OCID == id {
				out[id] = c
			}
		}
	}
	return out, nil
}

// sampleQuery is a query made of up to three words of a contract's title
// (as phrases, so any punctuation in them is harmless).
func sampleQuery(c procure.Contract) string {
	var words []string
	cut(c.Title, func(p piece) {
		if len(words) < 3 && !p.cjk {
			words = append(words, `"`+p.text+`"`)
		}
	})
	q := ""
	for i, w := range words {
		if i > 0 {
			q += " "
		}
		q += w
	}
	if len(q) > 200 {
		q = ""
	}
	return q
}

func forceMerge(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	return s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions)
}

// warmSoon builds, in the background, the columns of g's segments that
// searches will need (columns.go), unless a warm-up is running already.
// Searches build what is missing themselves; this takes that cost off the
// first searches after the index was opened or written.
func (ix *Index) warmSoon(g *generation) {
	if !ix.warming.CompareAndSwap(false, true) {
		return
	}
	if ix.bg.Err() != nil || !g.ref() {
		ix.warming.Store(false)
		return
	}
	go func() {
		defer ix.warming.Store(false)
		defer g.unref()
		if err := g.warm(); err != nil && ix.bg.Err() == nil {
			ix.addProblem(fmt.Errorf("warm the search columns of %s: %w", g.name, err))
		}
	}()
}

// Close closes the index after in-flight searches and writes end. It is
// safe to call more than once.
func (ix *Index) Close() error {
	var err error
	ix.closeOnce.Do(func() {
		ix.cancelMu.Lock()
		if ix.cancelRebuild != nil {
			ix.cancelRebuild()
		}
		ix.cancelMu.Unlock()
		ix.bgCancel()
		ix.rebuildMu.Lock() // wait for a running rebuild to stop
		defer ix.rebuildMu.Unlock()
		ix.writeMu.Lock()
		ix.closed.Store(true)
		g := ix.cur.Swap(nil)
		ix.writeMu.Unlock()
		if g != nil {
			err = g.close()
		}
		if lerr := ix.lock.release(); err == nil {
			err = lerr
		}
	})
	return err
}
