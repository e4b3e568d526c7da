package ingest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

// versionIndex records the version (ReleaseCount) of each contract it was
// last given, slowly, so that batches are stored while it indexes.
type versionIndex struct {
	mu      sync.Mutex
	version map[string]int
	calls   []int
	delay   time.Duration
}

func (x *versionIndex) Index(ctx context.Context, cs []procure.Contract) error {
	time.Sleep(x.delay)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.calls = append(x.calls, len(cs))
	for _, c := range cs {
		x.version[c.OCID] = c.ReleaseCount
	}
	return nil
}

// emitParser returns a parser that emits rels, one at a time.
func emitParser(rels []procure.SourceRelease) ParseFunc {
	return func(ctx context.Context, _ io.Reader, opt ParseOptions, emit func(procure.SourceRelease) error, _ func(procure.Problem)) error {
		for _, r := range rels {
			r.Source, r.URL = opt.Source, opt.URL
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func memFetch(ctx context.Context, cfg source.Config, s source.State, fn func(source.Doc) error) (source.State, error) {
	return s, fn(source.Doc{Body: strings.NewReader(""), URL: "mem", Size: -1})
}

// TestPipelineNeverMarksStaleContracts: the index stage indexes while the
// store stage keeps changing the same contracts. At the end every contract
// is indexed in its final version and none is left dirty; in particular a
// contract changed by a batch committed while an older version of it was
// being indexed is not marked indexed after that older version.
func TestPipelineNeverMarksStaleContracts(t *testing.T) {
	const ocids, versions = 7, 6
	var rels []procure.SourceRelease
	for v := 1; v <= versions; v++ {
		for o := 1; o <= ocids; o++ {
			rels = append(rels, procure.SourceRelease{
				OCID: fmt.Sprintf("ocds-%d", o), ID: fmt.Sprintf("r%d", v),
				Date: time.Date(2024, 1, v, 0, 0, 0, 0, time.UTC),
				Raw:  []byte(`{}`), SHA256: fmt.Sprintf("%d-%d", o, v),
			})
		}
	}
	for _, tc := range []struct{ batch, chunk int }{{2, 3}, {3, 2}, {5, 100}, {1, 1}} {
		t.Run(fmt.Sprintf("batch%d-chunk%d", tc.batch, tc.chunk), func(t *testing.T) {
			st := newFakeStore()
			st.applyDelay = time.Millisecond
			ix := &versionIndex{version: map[string]int{}, delay: 3 * time.Millisecond}
			r := newTestRunner(t, st, ix, func(c *RunnerConfig) {
				c.BatchSize, c.IndexBatchSize = tc.batch, tc.chunk
				c.Parsers["mem"] = emitParser(rels)
				c.Fetch = memFetch
			})
			run, err := r.ImportPaths(context.Background(), "mem", "mem", []string{"/mem"}, nil)
			if err != nil || run.Stored != len(rels) {
				t.Fatalf("run = %+v, %v", run, err)
			}
			if len(st.dirty) != 0 {
				t.Fatalf("still dirty after the run: %v", st.dirty)
			}
			for o := 1; o <= ocids; o++ {
				ocid := fmt.Sprintf("ocds-%d", o)
				if got, want := ix.version[ocid], st.contracts[ocid].ReleaseCount; got != want || want != versions {
					t.Errorf("%s: index holds version %d, store %d (want %d)", ocid, got, want, versions)
				}
			}
			for _, n := range ix.calls {
				if n > tc.chunk {
					t.Errorf("an Index call got %d contracts, more than IndexBatchSize %d", n, tc.chunk)
				}
			}
		})
	}
}

// TestPipelineIndexesWhileStoring: with a slow index, the store stage does
// not wait for it (the run takes about as long as the slower stage, not
// the sum of both), large runs are indexed in chunks of IndexBatchSize, and
// the contracts indexed are the ones the store stage hands over (none is
// read back).
func TestPipelineIndexesWhileStoring(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	var rels []procure.SourceRelease
	for i := range 200 {
		rels = append(rels, procure.SourceRelease{OCID: fmt.Sprintf("ocds-%03d", i), ID: "r", Raw: []byte(`{}`), SHA256: fmt.Sprint(i)})
	}
	st := newFakeStore()
	st.applyDelay = 20 * time.Millisecond // 20 batches: 400 ms of storing
	ix := &versionIndex{version: map[string]int{}, delay: 80 * time.Millisecond}
	r := newTestRunner(t, st, ix, func(c *RunnerConfig) {
		c.BatchSize, c.IndexBatchSize = 10, 40 // 5 index calls: 400 ms of indexing
		c.Parsers["mem"] = emitParser(rels)
		c.Fetch = memFetch
	})
	start := time.Now()
	run, err := r.ImportPaths(context.Background(), "mem", "mem", []string{"/mem"}, nil)
	el := time.Since(start)
	if err != nil || run.Stored != len(rels) || len(ix.version) != len(rels) || len(st.dirty) != 0 {
		t.Fatalf("run = %+v, %v; indexed %d, dirty %d", run, err, len(ix.version), len(st.dirty))
	}
	if el > 700*time.Millisecond {
		t.Errorf("the run took %s: storing and indexing did not overlap (400 ms each)", el)
	}
	if len(ix.calls) > 8 {
		t.Errorf("%d Index calls for 200 contracts in chunks of 40: %v", len(ix.calls), ix.calls)
	}
	if st.readBack != 0 {
		t.Errorf("the index stage read %d contracts back from the store instead of taking them from the store stage", st.readBack)
	}
}

// TestPipelineIndexFailureDoesNotBlockStoring: when the index fails early
// in a long run, the store stage (which hands contracts to the index stage
// through a bounded queue) is not left waiting for it: the run ends,
// failed, and every contract it stored stays dirty for IndexDirty.
func TestPipelineIndexFailureDoesNotBlockStoring(t *testing.T) {
	var rels []procure.SourceRelease
	for i := range 300 {
		rels = append(rels, procure.SourceRelease{OCID: fmt.Sprintf("ocds-%03d", i), ID: "r", Raw: []byte(`{}`), SHA256: fmt.Sprint(i)})
	}
	st := newFakeStore()
	r := newTestRunner(t, st, &fakeIndex{fail: true}, func(c *RunnerConfig) {
		c.BatchSize, c.IndexBatchSize = 5, 10
		c.Parsers["mem"] = emitParser(rels)
		c.Fetch = memFetch
	})
	done := make(chan struct{})
	var run procure.ImportRun
	var err error
	go func() {
		defer close(done)
		run, err = r.ImportPaths(context.Background(), "mem", "mem", []string{"/mem"}, nil)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not end after the index failed")
	}
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "will be indexed later") {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if len(st.contracts) == 0 || len(st.dirty) != len(st.contracts) || run.Stored != len(st.contracts) {
		t.Fatalf("stored %d contracts (run says %d), %d dirty", len(st.contracts), run.Stored, len(st.dirty))
	}
}

// TestTrackerHoldsNoHistoryWhileHandingOver: while contracts are handed
// over (no read of dirty contracts yet), the tracker keeps nothing per
// stored batch beyond the hand-over numbers, which marking clears; a read
// then records what changes until its mark.
func TestTrackerHoldsNoHistoryWhileHandingOver(t *testing.T) {
	tr := newTracker()
	for i := range 1000 {
		ocid := fmt.Sprintf("ocds-%d", i)
		tr.begin([]procure.SourceRelease{{OCID: ocid}})
		tr.end([]string{ocid}, uint64(i+1))
		if err := tr.markFresh([]freshContract{{c: procure.Contract{OCID: ocid}, seq: uint64(i + 1)}}, func([]string) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(tr.changed) != 0 || len(tr.latest) != 0 {
		t.Fatalf("after 1000 handed-over batches the tracker holds %d changed and %d latest entries", len(tr.changed), len(tr.latest))
	}
	tr.startRead()
	tr.begin([]procure.SourceRelease{{OCID: "ocds-x"}})
	tr.end([]string{"ocds-x"}, 0)
	var marked []string
	if err := tr.mark([]string{"ocds-x", "ocds-y"}, func(o []string) error { marked = o; return nil }); err != nil {
		t.Fatal(err)
	}
	if !tr.changedSinceRead() || len(marked) != 1 || marked[0] != "ocds-y" {
		t.Fatalf("a change during a read: marked %v, changed since read %v", marked, tr.changedSinceRead())
	}
	// A version handed over and then changed by a batch that handed
	// nothing over is not marked (the store holds a newer version).
	tr.begin([]procure.SourceRelease{{OCID: "ocds-z"}})
	tr.end([]string{"ocds-z"}, 5000)
	tr.begin([]procure.SourceRelease{{OCID: "ocds-z"}})
	tr.end([]string{"ocds-z"}, 0)
	marked = nil
	if err := tr.markFresh([]freshContract{{c: procure.Contract{OCID: "ocds-z"}, seq: 5000}}, func(o []string) error { marked = o; return nil }); err != nil || marked != nil {
		t.Fatalf("an outdated handed-over version was marked: %v %v", marked, err)
	}
}
