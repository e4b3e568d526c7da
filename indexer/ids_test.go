package indexer

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/tenderlens/tenderlens/data/procure"
)

// idTestIndex is an index of 400 contracts in several segments, with
// updated and deleted contracts (documents their segments still hold).
func idTestIndex(t *testing.T) *Index {
	t.Helper()
	cs := smallCorpus(400)
	ix := openTest(t, nil)
	for i := 0; i < len(cs); i += 40 {
		if err := storeAndIndex(context.Background(), ix, cs[i:i+40]); err != nil {
			t.Fatal(err)
		}
	}
	upd := slices.Clone(cs[10:30])
	for i := range upd {
		upd[i].Title += " (amended)"
	}
	if err := storeAndIndex(context.Background(), ix, upd); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(context.Background(), []string{cs[50].OCID, cs[399].OCID}); err != nil {
		t.Fatal(err)
	}
	return ix
}

// snapshot returns the current snapshot of ix's generation.
func snapshot(t *testing.T, ix *Index) (*generation, *scorch.IndexSnapshot) {
	t.Helper()
	g := ix.cur.Load()
	return g, indexReader(t, g).(*scorch.IndexSnapshot)
}

// waitIDs asks for the ID column of every segment of snap until all are
// built.
func waitIDs(t *testing.T, g *generation, snap *scorch.IndexSnapshot) *colView {
	t.Helper()
	v, err := g.cols.view(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		built := 0
		for _, c := range v.cols {
			if c.ids.get(c.seg, c.n, snap) != nil {
				built++
			}
		}
		if built == len(v.cols) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("ID columns of %d of %d segments built after 10 s", built, len(v.cols))
		}
	}
}

// TestIDColumn: every document's ID in the column is the ID bleve reads
// from the segment, including documents updated or deleted since.
func TestIDColumn(t *testing.T) {
	ix := idTestIndex(t)
	g, snap := snapshot(t, ix)
	v := waitIDs(t, g, snap)
	if len(v.cols) < 2 {
		t.Fatalf("%d segments; the test wants several", len(v.cols))
	}
	n := 0
	for s, c := range v.cols {
		ids := c.ids.col.Load()
		for d := 0; d < c.n; d++ {
			want, err := snap.ExternalID(index.NewIndexInternalID(nil, v.base[s]+uint64(d)))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids.id(d); got != want {
				t.Fatalf("segment %d document %d: ID %q, want %q", s, d, got, want)
			}
			n++
		}
		if got := ids.id(c.n); got != "" {
			t.Errorf("segment %d: ID %q beyond its documents", s, got)
		}
	}
	if n < 420 {
		t.Errorf("%d documents checked, want the 400 contracts and the 20 replaced versions", n)
	}
}

// TestIDSearcher: once the columns are built, every match of a sorted
// search has its ID before bleve's collector sees it, and it is the ID
// bleve would read.
func TestIDSearcher(t *testing.T) {
	ix := idTestIndex(t)
	g, snap := snapshot(t, ix)
	waitIDs(t, g, snap)
	q := &idQuery{inner: bleve.NewMatchAllQuery(), cols: g.cols}
	s, err := q.Searcher(context.Background(), snap, g.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	n := 0
	for {
		d, err := s.Next(sctx)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			break
		}
		want, err := snap.ExternalID(d.IndexInternalID)
		if err != nil {
			t.Fatal(err)
		}
		if d.ID == "" || d.ID != want {
			t.Fatalf("match %d: ID %q, want %q", n, d.ID, want)
		}
		sctx.DocumentMatchPool.Put(d)
		n++
	}
	if n != 398 {
		t.Errorf("%d matches, want 398", n)
	}
}

// TestSortsWithIDColumn: every sort, paged with cursors to the end, gives
// the order of bleve's own sort (which reads the IDs itself), before and
// after the ID columns are built.
func TestSortsWithIDColumn(t *testing.T) {
	ix := idTestIndex(t)
	g, snap := snapshot(t, ix)
	reqs := []procure.SearchRequest{
		{Q: "zebra*", Sort: procure.SortRelevance},
		{Q: "zebra*", Sort: procure.SortAmountAsc},
		{Sort: procure.SortDateAsc},
		{Sort: procure.SortDateDesc},
		{Sort: procure.SortAmountAsc},
		{Sort: procure.SortAmountDesc},
		{Q: "zebrafish", Sort: procure.SortDateDesc},
	}
	paged := func(req procure.SearchRequest) []string {
		var out []string
		req.Limit = 7
		for {
			res, err := ix.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ocids(res)...)
			if res.NextCursor == "" {
				return out
			}
			req.Cursor = res.NextCursor
		}
	}
	for round, built := range []string{"before", "after"} {
		if round == 1 {
			waitIDs(t, g, snap)
		}
		for _, req := range reqs {
			want := exactOrder(t, ix, req, 1000)
			if len(want) < 20 {
				t.Fatalf("%+v: %d matches; the test wants more", req, len(want))
			}
			if got := paged(req); !slices.Equal(got, want) {
				t.Errorf("%s the ID columns, %+v: paged order\n%v\nwant\n%v", built, req, got, want)
			}
		}
	}
}
