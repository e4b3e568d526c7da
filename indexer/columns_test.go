package indexer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// exactPage is the first page of a relevance search the slow, exact way:
// bleve sorting by score, then document ID.
func exactPage(t *testing.T, ix *Index, req procure.SearchRequest) []string {
	t.Helper()
	return exactOrder(t, ix, req, 0)
}

// exactOrder is the first n matches of a search (n = 0: its limit) in
// bleve's own sort of the search's order, which reads each match's
// document ID itself.
func exactOrder(t *testing.T, ix *Index, req procure.SearchRequest, n int) []string {
	t.Helper()
	g, release, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	p, err := ix.prepare(g, &req, "")
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		n = p.limit
	}
	sr := bleve.NewSearchRequestOptions(p.main, n, 0, false)
	sr.SortByCustom(p.kind.order())
	if !p.score {
		sr.Score = "none"
	}
	res, err := g.idx.Search(sr)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// TestFirstPageByScore: the first page by relevance, searched by score
// alone, is the page the exact sort (score, then ocid) gives, also when
// many matches score the same.
func TestFirstPageByScore(t *testing.T) {
	cs := smallCorpus(300)
	// Forty identical contracts: equal scores across the end of the page.
	for i := 0; i < 40; i++ {
		c := cs[i]
		c.Title, c.Description, c.Items, c.Awards = "Quokka feed", "Quokka feed for the zoo", nil, nil
		cs[i] = c
	}
	ix := openTest(t, cs)
	for _, q := range []string{"quokka", "quokka feed", "zebrafish", "zebrafish quokka", `"feed for"`, "zebra*", "feed*"} {
		for _, limit := range []int{1, 7, 20, 39, 40, 41, 100} {
			req := procure.SearchRequest{Q: q, Limit: limit}
			res, err := ix.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			want := exactPage(t, ix, req)
			if got := ocids(res); !slices.Equal(got, want) {
				t.Errorf("%q limit %d: page %v, exact %v", q, limit, got, want)
			}
			if len(want) == limit && res.NextCursor == "" && res.Total > limit {
				t.Errorf("%q limit %d: no cursor with %d matches", q, limit, res.Total)
			}
			// The cursor continues exactly where the page ended.
			if res.NextCursor != "" {
				next, err := ix.Search(context.Background(), procure.SearchRequest{Q: q, Limit: limit, Cursor: res.NextCursor})
				if err != nil {
					t.Fatal(err)
				}
				both := exactPage(t, ix, procure.SearchRequest{Q: q, Limit: min(2*limit, procure.MaxSearchLimit)})
				if got := append(ocids(res), ocids(next)...); !slices.Equal(got[:len(both)], both) {
					t.Errorf("%q limit %d: two pages %v, exact %v", q, limit, got, both)
				}
			}
		}
	}
}

// TestColumnFilters: date and amount ranges select exactly the contracts
// an independent check selects, on an index of several segments with
// updated and deleted contracts.
func TestColumnFilters(t *testing.T) {
	cs := smallCorpus(600)
	ix := openTest(t, nil)
	for i := 0; i < len(cs); i += 150 { // several segments
		if err := storeAndIndex(context.Background(), ix, cs[i:i+150]); err != nil {
			t.Fatal(err)
		}
	}
	// Update some (new amounts and dates), delete others, remove the date
	// or the amount of a few.
	for i := 0; i < len(cs); i += 17 {
		cs[i].Amount.Amount = procure.DecimalFromInt(int64(1000 * i))
		cs[i].Date = cs[i].Date.AddDate(0, 2, 3)
		if i%3 == 0 {
			cs[i].Date = time.Time{}
		}
		if i%5 == 0 {
			cs[i].Amount = procure.Money{}
		}
	}
	var upd []procure.Contract
	for i := 0; i < len(cs); i += 17 {
		upd = append(upd, cs[i])
	}
	if err := storeAndIndex(context.Background(), ix, upd); err != nil {
		t.Fatal(err)
	}
	var del []string
	live := map[string]procure.Contract{}
	for i, c := range cs {
		if i%23 == 5 {
			del = append(del, c.OCID)
			continue
		}
		live[c.OCID] = c
	}
	if err := ix.Delete(context.Background(), del); err != nil {
		t.Fatal(err)
	}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	amt := func(v int64) *procure.Decimal { d := procure.DecimalFromInt(v); return &d }
	for _, tt := range []struct {
		name     string
		from, to time.Time
		min, max *procure.Decimal
		q        string
	}{
		{name: "years", from: day(2017, 1, 1), to: day(2020, 1, 1)},
		{name: "from only", from: day(2021, 3, 15)},
		{name: "to only", to: day(2016, 6, 1)},
		{name: "inside a day", from: time.Date(2019, 5, 3, 15, 0, 0, 0, time.UTC), to: time.Date(2019, 9, 3, 1, 0, 0, 0, time.UTC)},
		{name: "amounts", min: amt(10000), max: amt(450000)},
		{name: "min only", min: amt(1000000)},
		{name: "max only", max: amt(5000)},
		{name: "both", from: day(2018, 1, 1), to: day(2023, 1, 1), min: amt(20000), max: amt(9000000), q: "zebrafish"},
		{name: "empty", min: amt(7), max: amt(7)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for id, c := range live {
				if tt.q != "" && !strings.Contains(c.Description, tt.q) {
					continue
				}
				if !tt.from.IsZero() || !tt.to.IsZero() {
					if c.Date.IsZero() {
						continue
					}
					d := calendarDay(c.Date)
					if !tt.from.IsZero() && d.Before(calendarDay(tt.from)) {
						continue
					}
					if !tt.to.IsZero() {
						hi := calendarDay(tt.to)
						if tt.to.Equal(hi) {
							hi = hi.AddDate(0, 0, -1)
						}
						if d.After(hi) {
							continue
						}
					}
				}
				if tt.min != nil || tt.max != nil {
					if !hasAmount(&c) {
						continue
					}
					if tt.min != nil && c.Amount.Amount.Cmp(*tt.min) < 0 || tt.max != nil && c.Amount.Amount.Cmp(*tt.max) > 0 {
						continue
					}
				}
				want = append(want, id)
			}
			sort.Strings(want)
			hits, total := walk(t, ix, procure.SearchRequest{Q: tt.q, DateFrom: tt.from, DateTo: tt.to, MinAmount: tt.min, MaxAmount: tt.max, Limit: 100})
			var got []string
			for _, h := range hits {
				got = append(got, h.OCID)
			}
			sort.Strings(got)
			if total != len(want) || !slices.Equal(got, want) {
				t.Errorf("%d hits (total %d), want %d; first difference at %d", len(got), total, len(want), firstDiff(got, want))
			}
		})
	}
}

// TestColumnsFollowMerges: columns are built per segment, used across
// segments, and dropped once a merge has replaced their segments; facets
// stay right throughout.
func TestColumnsFollowMerges(t *testing.T) {
	cs := smallCorpus(400)
	ix := openTest(t, nil)
	for i := 0; i < len(cs); i += 40 {
		if err := storeAndIndex(context.Background(), ix, cs[i:i+40]); err != nil {
			t.Fatal(err)
		}
	}
	count := func() map[string]int {
		res, err := ix.Search(context.Background(), procure.SearchRequest{Facets: true, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, f := range res.Facets[procure.FacetCountry] {
			out[f.Value] = f.Count
		}
		return out
	}
	want := map[string]int{}
	for _, c := range cs {
		want[c.Country]++
	}
	if got := count(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("country facet %v, want %v", got, want)
	}
	g := ix.cur.Load()
	before := g.cols.size()
	if before == 0 {
		t.Fatal("no columns built")
	}
	if err := forceMerge(context.Background(), g.idx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // each search resolves the current snapshot
		if got := count(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after the merge: country facet %v, want %v", got, want)
		}
	}
	ix.writes.Add(1)
	if got := count(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the merge: country facet %v, want %v", got, want)
	}
	if after := g.cols.size(); after > before {
		t.Errorf("columns of %d segments before the merge, %d after", before, after)
	}
}

// TestFacetTop: counting term numbers in one or more parts, sparse or
// dense, and keeping the top entries gives what counting everything and
// sorting gives.
func TestFacetTop(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		// Small tables are dense at once; the supplier table is large
		// enough to start sparse and, on some trials, turn dense.
		nterms := 1 + r.IntN(60)
		if trial%2 == 0 {
			nterms = denseSmall + 1 + r.IntN(4000)
		}
		fc := newFacetCounter(newColCache())
		tab := &fc.cols.tables[tabSupplier]
		for k := range nterms {
			tab.number(fmt.Sprintf("t%05d", (k*7919)%100000)) // numbers not in term order
		}
		terms := tab.list()
		all := map[string]int{}
		for range 1 + r.IntN(3) {
			p := fc.newPart(&colView{})
			adds := r.IntN(3 * nterms / 2)
			if trial%4 == 0 {
				adds = r.IntN(nterms / 40) // stays sparse
			}
			for range adds {
				o := uint32(r.IntN(nterms))
				p.terms[tabSupplier].add(o)
				all[terms[o]]++
			}
			fc.parts = append(fc.parts, p)
		}
		size := 1 + r.IntN(30)
		var want []termCount
		for term, n := range all {
			want = append(want, termCount{term, n})
		}
		sort.Slice(want, func(i, j int) bool { return better(want[i], want[j]) })
		if len(want) > size {
			want = want[:size]
		}
		got := fc.top(func(string) int { return size })[procure.FacetSupplier]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("trial %d, %d terms, size %d:\n got %v\nwant %v", trial, nterms, size, got, want)
		}
	}
}

// TestTermTableShared: the term numbers of a column are the same in every
// segment, whatever order segments are built in.
func TestTermTableShared(t *testing.T) {
	var tab termTable
	a, b := tab.number("b"), tab.number("a")
	if a == b || tab.number("b") != a || tab.number("a") != b {
		t.Fatalf("numbers a=%d b=%d not stable", b, a)
	}
	if got := tab.list(); len(got) != 2 || got[a] != "b" || got[b] != "a" {
		t.Fatalf("list %v", got)
	}
}

// TestTermCounterBeyondSize: a number beyond the size a counter was made
// for is counted, sparse or dense, rather than panicking.
func TestTermCounterBeyondSize(t *testing.T) {
	for _, size := range []int{0, 3, denseSmall + 100} {
		c := termCounter{size: size}
		c.add(0)
		c.add(uint32(size + 5))
		c.add(uint32(size + 5))
		for o := range uint32(size) {
			c.add(o) // turns the large counter dense
		}
		c.add(uint32(size + 9))
		got := map[uint32]int{}
		c.each(func(o uint32, n int) { got[o] += n })
		if got[uint32(size+5)] != 2 || got[uint32(size+9)] != 1 || (size > 0 && got[0] != 2) || (size == 0 && got[0] != 1) {
			t.Errorf("size %d: counts %v", size, got)
		}
	}
}
