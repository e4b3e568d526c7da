package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

func feed(cs []procure.Contract) func(fn func(procure.Contract) error) error {
	return func(fn func(procure.Contract) error) error {
		for _, c := range cs {
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}
}

func genDirs(t *testing.T, dir string) []string {
	t.Helper()
	names, err := listGenerations(dir)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestOpenFreshAndReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(ctx, Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if !ix.NeedsRebuild() {
		t.Error("a new index should ask for a rebuild from the store")
	}
	if n, _ := ix.DocCount(); n != 0 {
		t.Errorf("DocCount = %d", n)
	}
	gen := ix.Generation()
	if err := storeAndIndex(ctx, ix, fixture()); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, []string{"ocds-t-12", "no-such-ocid"}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ix.Search(ctx, procure.SearchRequest{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close = %v", err)
	}

	// Index() is durable: a reopened index has the writes.
	ix, err = Open(ctx, Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Generation() != gen {
		t.Errorf("reopened generation %s, want %s", ix.Generation(), gen)
	}
	if n, _ := ix.DocCount(); n != uint64(len(fixture())-1) {
		t.Errorf("DocCount after reopen = %d, want %d", n, len(fixture())-1)
	}
	if len(ix.Problems()) != 0 {
		t.Errorf("problems: %v", ix.Problems())
	}
}

func TestIndexUpsert(t *testing.T) {
	ix := openTest(t, fixture())
	c := fixture()[0]
	c.Title = "Replaced title about ventilators"
	c2 := c
	c2.Title = "Final title about ventilators"
	if err := storeAndIndex(context.Background(), ix, []procure.Contract{c, c2}); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), procure.SearchRequest{Q: "ventilators"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Title != "Final title about ventilators" {
		t.Errorf("upsert: %+v", res.Hits)
	}
	if res, _ := ix.Search(context.Background(), procure.SearchRequest{Q: "title:supply"}); res.Total != 0 {
		t.Errorf("old text still found: %v", ocids(res))
	}
	if n, _ := ix.DocCount(); n != uint64(len(fixture())) {
		t.Errorf("DocCount = %d", n)
	}
	bad := procure.Contract{Title: "no ocid"}
	if err := storeAndIndex(context.Background(), ix, []procure.Contract{bad}); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("contract without ocid: %v", err)
	}
}

// Rebuild swaps generations while searches keep running, without errors;
// writes made during the rebuild survive the swap.
func TestRebuildUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds three times under load")
	}
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(ctx, Config{Dir: dir, Contracts: testStore(dir), BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	base := append(fixture(), smallCorpus(600)...)
	if err := storeAndIndex(ctx, ix, base); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var searches, failures atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	queries := []procure.SearchRequest{
		{Q: "hospital", Highlight: true},
		{Q: `"hospital beds"`},
		{Q: "hosp*", Facets: true},
		{Country: []string{"UA"}, Sort: procure.SortAmountDesc},
		{Q: "zebrafish", Facets: true, Limit: 50},
	}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req := queries[(i+w)%len(queries)]
				res, err := ix.Search(ctx, req)
				searches.Add(1)
				if err != nil || (req.Q == "hospital" && res.Total == 0) {
					failures.Add(1)
					if err == nil {
						err = errors.New("hospital: no hits")
					}
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}(w)
	}

	late := fixture()[0]
	late.OCID = "ocds-t-late"
	late.Title = "Contract indexed during a rebuild: defibrillators"
	for round := 0; round < 3; round++ {
		before := ix.Generation()
		var rebuildErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			rebuildErr = ix.Rebuild(ctx, func(fn func(procure.Contract) error) error {
				for i, c := range base {
					if i == len(base)/2 && round == 1 {
						// A write during the rebuild.
						if err := storeAndIndex(ctx, ix, []procure.Contract{late}); err != nil {
							return err
						}
					}
					if err := fn(c); err != nil {
						return err
					}
				}
				return nil
			})
		}()
		<-done
		if rebuildErr != nil {
			t.Fatalf("rebuild %d: %v", round, rebuildErr)
		}
		if round == 1 {
			base = append(base, late) // the store now has it too
		}
		if ix.Generation() == before {
			t.Errorf("rebuild %d did not change the generation", round)
		}
		if got := genDirs(t, dir); len(got) != 1 || got[0] != ix.Generation() {
			t.Errorf("after rebuild %d generations on disk: %v", round, got)
		}
		ci, err := readCurrent(dir)
		if err != nil || ci.Generation != ix.Generation() {
			t.Errorf("CURRENT = %+v, %v", ci, err)
		}
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of %d searches failed during rebuilds; first: %v", failures.Load(), searches.Load(), firstErr.Load())
	}
	if searches.Load() < 10 {
		t.Errorf("only %d searches ran", searches.Load())
	}
	res, err := ix.Search(ctx, procure.SearchRequest{Q: "defibrillators"})
	if err != nil || res.Total != 1 {
		t.Errorf("write made during the rebuild lost: %v %v", ocids(res), err)
	}
	if n, _ := ix.DocCount(); n != uint64(len(base)) {
		t.Errorf("DocCount = %d, want %d", n, len(base))
	}
	if ix.NeedsRebuild() {
		t.Error("NeedsRebuild after a rebuild")
	}
}

func TestRebuildFailureKeepsServing(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(ctx, Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := storeAndIndex(ctx, ix, fixture()); err != nil {
		t.Fatal(err)
	}
	gen := ix.Generation()
	boom := errors.New("store went away")
	err = ix.Rebuild(ctx, func(fn func(procure.Contract) error) error {
		for _, c := range fixture()[:5] {
			if err := fn(c); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Rebuild = %v, want %v", err, boom)
	}
	// Every contract twice: verification refuses the generation.
	err = ix.Rebuild(ctx, feed(append(fixture(), fixture()...)))
	if err == nil || !strings.Contains(err.Error(), "documents") {
		t.Fatalf("Rebuild with duplicates = %v", err)
	}
	// A cancelled rebuild.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := ix.Rebuild(cctx, feed(fixture())); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Rebuild = %v", err)
	}
	if ix.Generation() != gen {
		t.Errorf("generation changed to %s", ix.Generation())
	}
	if got := genDirs(t, dir); len(got) != 1 || got[0] != gen {
		t.Errorf("partial generations left: %v", got)
	}
	res, err := ix.Search(ctx, procure.SearchRequest{Q: "hospital"})
	if err != nil || res.Total == 0 {
		t.Errorf("search after failed rebuilds: %v %v", res.Total, err)
	}
}

func TestConcurrentRebuildRefused(t *testing.T) {
	ix := openTest(t, nil)
	release := make(chan struct{})
	started := make(chan struct{})
	var err1 error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err1 = ix.Rebuild(context.Background(), func(fn func(procure.Contract) error) error {
			close(started)
			<-release
			return feed(fixture())(fn)
		})
	}()
	<-started
	if err := ix.Rebuild(context.Background(), feed(fixture())); !errors.Is(err, procure.ErrUnavailable) {
		t.Errorf("second Rebuild = %v, want ErrUnavailable", err)
	}
	close(release)
	wg.Wait()
	if err1 != nil {
		t.Fatal(err1)
	}
}

func TestMappingVersionMismatch(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(ctx, Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(ctx, feed(fixture())); err != nil {
		t.Fatal(err)
	}
	if ix.NeedsRebuild() {
		t.Fatal("NeedsRebuild right after Rebuild")
	}
	// Pretend the generation was built by an older version.
	g, release, _ := ix.acquire()
	if err := g.idx.SetInternal([]byte(keyMappingVersion), []byte("0")); err != nil {
		t.Fatal(err)
	}
	release()
	ix.Close()

	ix, err = Open(ctx, Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.NeedsRebuild() {
		t.Fatal("NeedsRebuild = false for an older mapping version")
	}
	// The old generation still serves while the caller rebuilds.
	if res, err := ix.Search(ctx, procure.SearchRequest{Q: "hospital"}); err != nil || res.Total == 0 {
		t.Errorf("old generation does not serve: %v", err)
	}
	if err := ix.Rebuild(ctx, feed(fixture())); err != nil {
		t.Fatal(err)
	}
	if ix.NeedsRebuild() {
		t.Error("NeedsRebuild after Rebuild")
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(ctx, Config{Dir: dir, Contracts: testStore(dir), BoltTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	_, err = Open(ctx, Config{Dir: dir, Contracts: testStore(dir), BoltTimeout: 300 * time.Millisecond})
	elapsed := time.Since(start)
	if !errors.Is(err, procure.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if errors.Is(err, procure.ErrCorrupt) || strings.Contains(err.Error(), "corrupt") {
		t.Errorf("a lock reported as corruption: %v", err)
	}
	if elapsed < 250*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("second Open failed after %s, want about 300ms", elapsed)
	}
	// The bolt lock of the served generation also holds (a process that
	// bypasses Dir/LOCK).
	start = time.Now()
	_, err = openGeneration(dir, ix.Generation(), 300*time.Millisecond)
	if !errors.Is(err, procure.ErrLocked) || time.Since(start) > 2*time.Second {
		t.Errorf("opening the served generation directly = %v after %s", err, time.Since(start))
	}
}

func TestOpenCorruptFallsBack(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(ctx, Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(ctx, feed(fixture())); err != nil {
		t.Fatal(err)
	}
	good := ix.Generation()
	ix.Close()

	// A newer generation (as if a crash happened between publishing it
	// and deleting the previous one), then damaged.
	bad := newGenerationName(dir, time.Now().Add(time.Hour))
	if err := os.CopyFS(filepath.Join(dir, bad), os.DirFS(filepath.Join(dir, good))); err != nil {
		t.Fatal(err)
	}
	if err := writeCurrent(dir, currentInfo{Generation: bad, MappingVersion: MappingVersion}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, bad, bleveDir, "store", "root.bolt"), []byte(strings.Repeat("garbage!", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	// And a partial build that never got READY.
	partial := newGenerationName(dir, time.Now().Add(2*time.Hour))
	if err := os.MkdirAll(filepath.Join(dir, partial, bleveDir), 0o755); err != nil {
		t.Fatal(err)
	}

	ix, err = Open(ctx, Config{Dir: dir, Contracts: testStore(dir), BoltTimeout: time.Second})
	if err != nil {
		t.Fatalf("Open with a corrupt current generation: %v", err)
	}
	if ix.Generation() != good {
		t.Errorf("serving %s, want the previous good %s", ix.Generation(), good)
	}
	if !ix.NeedsRebuild() {
		t.Error("NeedsRebuild = false after falling back")
	}
	var corrupt, locked bool
	for _, p := range ix.Problems() {
		corrupt = corrupt || (errors.Is(p, procure.ErrCorrupt) && strings.Contains(p.Error(), "corrupt"))
		locked = locked || errors.Is(p, procure.ErrLocked)
	}
	if !corrupt || locked {
		t.Errorf("problems %v: want corrupt, not locked", ix.Problems())
	}
	if n, _ := ix.DocCount(); n != uint64(len(fixture())) {
		t.Errorf("DocCount = %d", n)
	}
	if _, err := os.Stat(filepath.Join(dir, badPrefix+bad)); err != nil {
		t.Errorf("corrupt generation not set aside: %v", err)
	}
	if got := genDirs(t, dir); len(got) != 1 || got[0] != good {
		t.Errorf("generations after Open: %v", got)
	}
	if ci, _ := readCurrent(dir); ci.Generation != good {
		t.Errorf("CURRENT not repointed: %+v", ci)
	}
	ix.Close()

	// Nothing usable at all: an empty index that asks for a rebuild.
	if err := os.WriteFile(filepath.Join(dir, good, bleveDir, "store", "root.bolt"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, Config{Dir: dir, Contracts: testStore(dir), BoltTimeout: time.Second})
	if err != nil {
		t.Fatalf("Open with nothing usable: %v", err)
	}
	defer ix.Close()
	if n, _ := ix.DocCount(); n != 0 || !ix.NeedsRebuild() || len(ix.Problems()) == 0 {
		t.Errorf("empty fallback: docs %d, needs rebuild %v, problems %v", n, ix.NeedsRebuild(), ix.Problems())
	}
}

func TestSearchDeadline(t *testing.T) {
	ix := openTest(t, fixture())
	ix.cfg.SearchTimeout = time.Nanosecond
	_, err := ix.Search(context.Background(), procure.SearchRequest{Q: "hospital"})
	var qe *procure.QueryError
	if !errors.As(err, &qe) || !errors.Is(err, procure.ErrTooExpensive) {
		t.Errorf("Search past its deadline = %v", err)
	}
	ix.cfg.SearchTimeout = 2 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, procure.SearchRequest{Q: "hospital"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context = %v", err)
	}
}

func TestExpensiveSlots(t *testing.T) {
	ix := openTest(t, fixture())
	// Every expensive slot taken: a faceted word search is not expensive
	// (facets are counted from the columns while the page is searched) and
	// is served in full.
	for i := 0; i < cap(ix.sem); i++ {
		ix.sem <- struct{}{}
	}
	res, err := ix.Search(context.Background(), procure.SearchRequest{Q: "hospital", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.FacetsPartial || res.Total == 0 || len(res.Facets[procure.FacetYear]) == 0 {
		t.Errorf("partial %v, total %d, facets %v", res.FacetsPartial, res.Total, res.Facets)
	}
	// An expensive page search waits for a slot, then says busy.
	ix.cfg.SearchTimeout = 50 * time.Millisecond
	if _, err := ix.Search(context.Background(), procure.SearchRequest{Q: "hosp*"}); !errors.Is(err, procure.ErrUnavailable) {
		t.Errorf("expensive search without a slot = %v", err)
	}
	for i := 0; i < cap(ix.sem); i++ {
		<-ix.sem
	}
}
