package indexer

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

// smallCorpus is n generated contracts with short texts (fast to index);
// every third one mentions "zebrafish".
func smallCorpus(n int) []procure.Contract {
	g := newCorpus(7)
	cs := make([]procure.Contract, n)
	for i := range cs {
		c := g.next()
		c.Description = truncateUTF8(c.Description, 200)
		if len(c.Items) > 2 {
			c.Items = c.Items[:2]
		}
		if i%3 == 0 {
			c.Description += " zebrafish"
		}
		if i%10 == 3 && i > 10 {
			c.Date = cs[i-1].Date // shared dates exercise the ocid tiebreak
			c.Amount = cs[i-1].Amount
		}
		cs[i] = c
	}
	return cs
}

func walk(t *testing.T, ix *Index, req procure.SearchRequest) ([]procure.Hit, int) {
	t.Helper()
	var all []procure.Hit
	total := -1
	for page := 0; ; page++ {
		res, err := ix.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if total >= 0 && res.Total != total {
			t.Fatalf("page %d: total changed %d -> %d", page, total, res.Total)
		}
		total = res.Total
		all = append(all, res.Hits...)
		if res.NextCursor == "" {
			if len(res.Hits) > req.Limit {
				t.Fatalf("page %d has %d hits", page, len(res.Hits))
			}
			break
		}
		if len(res.Hits) != req.Limit {
			t.Fatalf("page %d has %d hits and a cursor", page, len(res.Hits))
		}
		req.Cursor = res.NextCursor
		if page > 10000 {
			t.Fatal("endless walk")
		}
	}
	return all, total
}

func TestCursorWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 1,200 contracts")
	}
	cs := smallCorpus(1200)
	ix := openTest(t, cs)
	byID := map[string]procure.Contract{}
	for _, c := range cs {
		byID[c.OCID] = c
	}
	type key struct {
		missing bool
		v       int64
	}
	dateKey := func(c procure.Contract) key {
		if c.Date.IsZero() {
			return key{missing: true}
		}
		return key{v: calendarDay(c.Date).Unix()}
	}
	amountKeyOf := func(c procure.Contract) key {
		if !hasAmount(&c) {
			return key{missing: true}
		}
		return key{v: c.Amount.Amount.Units()}
	}
	expect := func(keyOf func(procure.Contract) key, desc bool) []string {
		list := slices.Clone(cs)
		sort.Slice(list, func(i, j int) bool {
			a, b := keyOf(list[i]), keyOf(list[j])
			if a.missing != b.missing {
				return b.missing
			}
			if a.v != b.v {
				if desc {
					return a.v > b.v
				}
				return a.v < b.v
			}
			return list[i].OCID < list[j].OCID
		})
		out := make([]string, len(list))
		for i, c := range list {
			out[i] = c.OCID
		}
		return out
	}
	tests := []struct {
		sort string
		want []string
	}{
		{procure.SortDateDesc, expect(dateKey, true)},
		{procure.SortDateAsc, expect(dateKey, false)},
		{procure.SortAmountDesc, expect(amountKeyOf, true)},
		{procure.SortAmountAsc, expect(amountKeyOf, false)},
	}
	for _, windowed := range []bool{false, true} {
		ix.windowMin = windowMin
		if windowed {
			ix.windowMin = 1 // date sorts search year windows
		}
		for _, tt := range tests {
			hits, total := walk(t, ix, procure.SearchRequest{Sort: tt.sort, Limit: 7})
			got := make([]string, len(hits))
			for i, h := range hits {
				got[i] = h.OCID
			}
			if total != len(cs) || !slices.Equal(got, tt.want) {
				t.Errorf("walk %s (windowed %v): %d hits (total %d), order differs at %d", tt.sort, windowed, len(got), total, firstDiff(got, tt.want))
			}
		}
		// With a query and a filter too.
		req := procure.SearchRequest{Q: "zebrafish", Country: []string{"UA", "CL"}, Sort: procure.SortDateDesc, Limit: 7}
		hits, total := walk(t, ix, req)
		var want []string
		for _, id := range tests[0].want {
			c := byID[id]
			if strings.Contains(c.Description, "zebrafish") && (c.Country == "UA" || c.Country == "CL") {
				want = append(want, id)
			}
		}
		got := make([]string, len(hits))
		for i, h := range hits {
			got[i] = h.OCID
		}
		if total != len(want) || !slices.Equal(got, want) {
			t.Errorf("filtered walk (windowed %v): %d hits (total %d, want %d), order differs at %d", windowed, len(got), total, len(want), firstDiff(got, want))
		}
	}
	ix.windowMin = windowMin

	// Relevance with a query and a filter: every match exactly once, scores
	// never increase.
	req := procure.SearchRequest{Q: "zebrafish", Method: []string{"open", "limited"}, Limit: 7}
	hits, total := walk(t, ix, req)
	seen := map[string]bool{}
	for i, h := range hits {
		if seen[h.OCID] {
			t.Fatalf("relevance walk: %s twice", h.OCID)
		}
		seen[h.OCID] = true
		if i > 0 && h.Score > hits[i-1].Score {
			t.Fatalf("relevance walk: score rises at %d", i)
		}
	}
	want := 0
	for _, c := range cs {
		if (c.Method == "open" || c.Method == "limited") && strings.Contains(c.Description, "zebrafish") {
			want++
		}
	}
	if len(hits) != total || total != want {
		t.Errorf("relevance walk: %d hits, total %d, want %d", len(hits), total, want)
	}

	// A cursor belongs to its search.
	res, err := ix.Search(context.Background(), procure.SearchRequest{Sort: procure.SortDateDesc, Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []procure.SearchRequest{
		{Sort: procure.SortDateAsc, Limit: 7, Cursor: res.NextCursor},
		{Sort: procure.SortDateDesc, Limit: 7, Country: []string{"UA"}, Cursor: res.NextCursor},
		{Sort: procure.SortDateDesc, Limit: 7, Cursor: res.NextCursor[:len(res.NextCursor)-2] + "AA"},
	} {
		if _, err := ix.Search(context.Background(), other); err == nil || !strings.Contains(err.Error(), "page link") {
			t.Errorf("foreign or damaged cursor accepted: %v", err)
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return len(a)
	}
	return -1
}

func TestFacetCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 1,200 contracts")
	}
	cs := smallCorpus(1200)
	ix := openTest(t, cs)
	years := map[int]bool{2016: true, 2018: true, 2019: true, 2022: true}
	req := procure.SearchRequest{Q: "zebrafish", Year: []int{2016, 2018, 2019, 2022}, Facets: true, Limit: 5}
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.FacetsPartial {
		t.Fatal("facets partial")
	}
	// Count independently.
	counts := map[string]map[string]int{}
	labels := map[string]string{}
	inc := func(facet, value string) {
		if counts[facet] == nil {
			counts[facet] = map[string]int{}
		}
		counts[facet][value]++
	}
	matched := 0
	for _, c := range cs {
		if !strings.Contains(c.Description, "zebrafish") || c.Date.IsZero() || !years[c.Date.Year()] {
			continue
		}
		matched++
		inc(procure.FacetBuyer, c.Buyer.ID)
		labels[c.Buyer.ID] = c.Buyer.Name
		seen := map[string]bool{}
		for _, s := range c.Suppliers {
			if !seen[s.ID] {
				inc(procure.FacetSupplier, s.ID)
				seen[s.ID] = true
			}
			labels[s.ID] = s.Name
		}
		inc(procure.FacetBuyerType, string(c.BuyerType))
		inc(procure.FacetCountry, c.Country)
		inc(procure.FacetYear, fmt.Sprint(c.Date.Year()))
		inc(procure.FacetMethod, c.Method)
		inc(procure.FacetCategory, c.Category)
		if hasAmount(&c) {
			inc(procure.FacetCurrency, c.Amount.Currency)
			inc(procure.FacetAmount, amountBand(c.Amount.Amount.Float64()))
		}
	}
	if res.Total != matched {
		t.Fatalf("total %d, independently %d", res.Total, matched)
	}
	for _, facet := range procure.Facets {
		got := res.Facets[facet]
		want := counts[facet]
		limit := len(want)
		if facet == procure.FacetBuyer || facet == procure.FacetSupplier {
			limit = min(limit, partyFacetSize)
		}
		if len(got) != limit {
			t.Errorf("facet %s: %d values, want %d", facet, len(got), limit)
		}
		for i, fc := range got {
			if want[fc.Value] != fc.Count {
				t.Errorf("facet %s %q: count %d, want %d", facet, fc.Value, fc.Count, want[fc.Value])
			}
			if (facet == procure.FacetBuyer || facet == procure.FacetSupplier) && fc.Label != labels[fc.Value] {
				t.Errorf("facet %s %q: label %q, want %q", facet, fc.Value, fc.Label, labels[fc.Value])
			}
			if facet == procure.FacetBuyer || facet == procure.FacetSupplier {
				// Top entries: nothing left out counts more.
				if i == len(got)-1 {
					for v, n := range want {
						if n > fc.Count && !slices.ContainsFunc(got, func(f procure.FacetCount) bool { return f.Value == v }) {
							t.Errorf("facet %s: %q (%d) missing from the top", facet, v, n)
						}
					}
				}
			}
		}
	}
	// Facets only when asked.
	res, err = ix.Search(context.Background(), procure.SearchRequest{Q: "zebrafish"})
	if err != nil || res.Facets != nil {
		t.Errorf("facets without asking: %v %v", res.Facets, err)
	}
}
