package indexer

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Columns: facets and date/amount filters read per-document values from
// in-memory columns instead of bleve's doc values.
//
// bleve counts a terms facet by visiting the doc values of every match,
// field by field (a chunk lookup, a decompression per chunk of 1,024
// documents and a map update per value), and filters an amount range by
// doc values too: on broad searches that was most of the time of a
// faceted page. Segments of a bleve index never change once written, so
// each segment's values are turned, once, into plain arrays indexed by the
// segment's document number — ordinals into the segment's term list for
// the keyword fields (from the postings, so those fields need no doc
// values), the calendar day and the amount from the date and amount sort
// keys — and every search reads them as it visits its matches: a few
// array reads per match.
//
// A search resolves the snapshot it runs on (the segments and their
// offsets in bleve's document numbering) to a view of the segments'
// columns; columns of a segment are built by the first search that needs
// them and dropped when the segment has left the index (merged away).
// Building costs about as much as visiting the segment's documents once;
// warmSoon builds them ahead of searches after an index is opened or
// written, and a rebuilt generation gets them before it serves.
// Memory: about 40 bytes per document.

// Keyword fields kept as ordinal columns, in this order.
const (
	colBuyerType = iota
	colCountry
	colCurrency
	colMethod
	colCategory
	numSmallCols
)

// The term tables of the colCache: one per small column, then the buyer
// and supplier columns.
const (
	tabBuyer = numSmallCols + iota
	tabSupplier
	numTables
)

var smallColFields = [numSmallCols]string{fBuyerType, fCountry, fCurrency, fMethod, fCategory}

// smallColFacets are the facet names of the small columns.
var smallColFacets = [numSmallCols]string{procure.FacetBuyerType, procure.FacetCountry, procure.FacetCurrency, procure.FacetMethod, procure.FacetCategory}

// noAmount marks a document without an amount in the amount column.
const noAmount = math.MinInt64

// ordCol is a single-valued keyword column: ords[doc] is 1 + the number
// of the document's term in the column's termTable, 0 when it has none.
type ordCol struct {
	ords []uint32
}

// multiCol is a multi-valued keyword column in compressed-row form: the
// terms of document d are numbered ords[off[d]:off[d+1]] in the column's
// termTable.
type multiCol struct {
	off  []uint32
	ords []uint32
}

// termTable numbers the terms of one keyword column across all the
// segments of an index, in the order segments bring them. Columns hold
// these numbers rather than per-segment ordinals, so a facet over many
// segments is counted into one array and its top values are read off
// that array: no per-segment term lists to merge, no term comparisons.
// (Merging per-segment counts by term took about 55 ms of a 130 ms
// faceted search over 450,000 matches at 1,000,000 contracts, most of it
// comparing supplier IDs.) Terms are never removed: a table holds every
// term its generation has indexed (the distinct buyers, suppliers and
// small-column values), and a rebuilt generation starts afresh.
type termTable struct {
	mu    sync.Mutex
	ids   map[string]uint32
	terms []string
}

// number returns the number of term, adding it when new.
func (t *termTable) number(term string) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.ids[term]
	if !ok {
		if t.ids == nil {
			t.ids = map[string]uint32{}
		}
		id = uint32(len(t.terms))
		t.terms = append(t.terms, term)
		t.ids[term] = id
	}
	return id
}

// list returns the terms numbered so far; the table only appends, so the
// slice stays valid for every number below its length.
func (t *termTable) list() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.terms
}

// segCols are the columns of one segment.
type segCols struct {
	n      int
	day    []int32 // calendar day as yyyymmdd; 0 = no date
	amount []int64 // amount in units; noAmount = none
	small  [numSmallCols]ordCol
	buyer  ordCol
	supp   multiCol

	// seg is the segment the columns were read from, for the ID column,
	// which the first search that needs it builds (ids.go). It is only
	// read while a snapshot containing seg is referenced.
	seg segment.Segment
	ids segIDs
}

// colCache holds the columns of the segments of one bleve index and the
// term tables their keyword columns are numbered in.
type colCache struct {
	mu     sync.Mutex
	segs   map[segment.Segment]*colEntry
	tables [numTables]termTable
}

type colEntry struct {
	ready chan struct{}
	cols  *segCols
	err   error
}

func newColCache() *colCache {
	return &colCache{segs: map[segment.Segment]*colEntry{}}
}

// colView is the columns of the segments of one index snapshot.
type colView struct {
	base []uint64 // first document number of each segment
	cols []*segCols
}

// view resolves the snapshot r to its segments' columns, building those
// not built yet. Building runs on its own goroutine, so that a search
// whose deadline passes stops waiting (the columns are finished for the
// next search).
func (c *colCache) view(ctx context.Context, r index.IndexReader) (*colView, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("columns: unsupported index reader %T", r)
	}
	ss := snap.Segments()
	v := &colView{base: make([]uint64, len(ss)), cols: make([]*segCols, len(ss))}
	entries := make([]*colEntry, len(ss))
	var build []segment.Segment
	var builds []*colEntry
	var running uint64
	c.mu.Lock()
	live := make(map[segment.Segment]bool, len(ss))
	for i, s := range ss {
		seg := s.Segment()
		v.base[i] = running
		running += seg.Count()
		live[seg] = true
		e := c.segs[seg]
		if e == nil {
			e = &colEntry{ready: make(chan struct{})}
			c.segs[seg] = e
			build = append(build, seg)
			builds = append(builds, e)
		}
		entries[i] = e
	}
	// Forget segments merged away (a search on an older snapshot that
	// still needs one builds it again).
	if len(c.segs) > len(ss) {
		for seg, e := range c.segs {
			if !live[seg] && isDone(e.ready) {
				delete(c.segs, seg)
			}
		}
	}
	c.mu.Unlock()
	if len(build) > 0 {
		// The segments stay open while the snapshot is referenced: take
		// a reference for the goroutine.
		snap.AddRef()
		go func() {
			defer snap.DecRef()
			for i, seg := range build {
				e := builds[i]
				e.cols, e.err = c.buildSegCols(seg)
				if e.err != nil {
					c.mu.Lock()
					if c.segs[seg] == e {
						delete(c.segs, seg)
					}
					c.mu.Unlock()
				}
				close(e.ready)
			}
		}()
	}
	for i, e := range entries {
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err != nil {
			return nil, fmt.Errorf("columns: %w", e.err)
		}
		v.cols[i] = e.cols
	}
	return v, nil
}

func isDone(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// size returns the number of segments with columns (tests).
func (c *colCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.segs)
}

// buildSegCols reads the columns of one segment.
func (c *colCache) buildSegCols(seg segment.Segment) (*segCols, error) {
	n := int(seg.Count())
	sc := &segCols{n: n, seg: seg}
	var err error
	for k, f := range smallColFields {
		if sc.small[k], err = buildOrdCol(seg, f, n, &c.tables[k]); err != nil {
			return nil, err
		}
	}
	if sc.buyer, err = buildOrdCol(seg, fBuyer, n, &c.tables[tabBuyer]); err != nil {
		return nil, err
	}
	if sc.supp, err = buildMultiCol(seg, fSupplier, n, &c.tables[tabSupplier]); err != nil {
		return nil, err
	}
	sc.day = make([]int32, n)
	sc.amount = make([]int64, n)
	for i := range sc.amount {
		sc.amount[i] = noAmount
	}
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		if n == 0 {
			return sc, nil
		}
		return nil, fmt.Errorf("segment %T has no doc values", seg)
	}
	fields := []string{fDate, fAmount}
	var state segment.DocVisitState
	for d := 0; d < n; d++ {
		state, err = dv.VisitDocValues(uint64(d), fields, func(field string, term []byte) {
			switch field {
			case fDate:
				if v, ok := parseDayKey(term); ok {
					sc.day[d] = v
				}
			case fAmount:
				if v, ok := parseAmountKey(string(term)); ok {
					sc.amount[d] = v
				}
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("doc values of document %d: %w", d, err)
		}
	}
	return sc, nil
}

// parseDayKey parses a day key "20190503" into 20190503.
func parseDayKey(b []byte) (int32, bool) {
	if len(b) != 8 {
		return 0, false
	}
	var v int32
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int32(c-'0')
	}
	return v, v != 0
}

// termPostings calls fn with each term of field in seg and the documents
// that have it.
func termPostings(seg segment.Segment, field string, fn func(term string, docs func(func(uint64))) error) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("dictionary of %s: %w", field, err)
	}
	if dict == nil {
		return nil
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("terms of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		term := e.Term
		if pl, err = dict.PostingsList([]byte(term), nil, pl); err != nil {
			return fmt.Errorf("postings of %s:%s: %w", field, term, err)
		}
		pi = pl.Iterator(false, false, false, pi)
		var perr error
		if err := fn(term, func(visit func(uint64)) {
			for {
				p, err := pi.Next()
				if err != nil {
					perr = err
					return
				}
				if p == nil {
					return
				}
				visit(p.Number())
			}
		}); err != nil {
			return err
		}
		if perr != nil {
			return fmt.Errorf("postings of %s:%s: %w", field, term, perr)
		}
	}
}

func buildOrdCol(seg segment.Segment, field string, n int, tab *termTable) (ordCol, error) {
	c := ordCol{ords: make([]uint32, n)}
	err := termPostings(seg, field, func(term string, docs func(func(uint64))) error {
		ord := tab.number(term) + 1
		docs(func(d uint64) {
			if d < uint64(n) {
				c.ords[d] = ord
			}
		})
		return nil
	})
	return c, err
}

func buildMultiCol(seg segment.Segment, field string, n int, tab *termTable) (multiCol, error) {
	c := multiCol{off: make([]uint32, n+1)}
	type pair struct{ doc, ord uint32 }
	var pairs []pair
	err := termPostings(seg, field, func(term string, docs func(func(uint64))) error {
		ord := tab.number(term)
		docs(func(d uint64) {
			if d < uint64(n) {
				pairs = append(pairs, pair{uint32(d), ord})
				c.off[d+1]++
			}
		})
		return nil
	})
	if err != nil {
		return c, err
	}
	for i := 1; i <= n; i++ {
		c.off[i] += c.off[i-1]
	}
	c.ords = make([]uint32, len(pairs))
	next := make([]uint32, n)
	copy(next, c.off[:n])
	for _, p := range pairs {
		c.ords[next[p.doc]] = p.ord
		next[p.doc]++
	}
	return c, nil
}

// locator maps bleve document numbers to (segment, local number); the
// matches of a search come in increasing order, so it remembers the last
// segment.
type locator struct {
	v   *colView
	seg int
}

// locate returns the columns of the document's segment and its number
// there (nil when the view does not cover it).
func (l *locator) locate(id index.IndexInternalID) (*segCols, int) {
	num := id.Value()
	v := l.v
	s := l.seg
	if s >= len(v.base) || num < v.base[s] || (s+1 < len(v.base) && num >= v.base[s+1]) {
		s = sort.Search(len(v.base), func(i int) bool { return v.base[i] > num }) - 1
		if s < 0 {
			return nil, 0
		}
		l.seg = s
	}
	local := int(num - v.base[s])
	c := v.cols[s]
	if local >= c.n {
		return nil, 0
	}
	return c, local
}

// ---- filters ----

// colFilter is the date and amount part of a search's filters, checked on
// the columns: calendar day within [dayLo, dayHi] (yyyymmdd, inclusive)
// and amount within [amtLo, amtHi] (units, inclusive; nil = open). A
// document without a date (amount) fails a date (amount) condition.
type colFilter struct {
	date         bool
	dayLo, dayHi int32
	amount       bool
	amtLo, amtHi *int64
}

func (f *colFilter) empty() bool { return f == nil || (!f.date && !f.amount) }

func (f *colFilter) match(c *segCols, d int) bool {
	if f.date {
		v := c.day[d]
		if v == 0 || v < f.dayLo || v > f.dayHi {
			return false
		}
	}
	if f.amount {
		v := c.amount[d]
		if v == noAmount || (f.amtLo != nil && v < *f.amtLo) || (f.amtHi != nil && v > *f.amtHi) {
			return false
		}
	}
	return true
}

// filteredQuery matches the documents of inner (every document when nil)
// that pass the column filter, with inner's scores.
type filteredQuery struct {
	inner  query.Query
	filter *colFilter
	cols   *colCache
}

func (q *filteredQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	v, err := q.cols.view(ctx, i)
	if err != nil {
		return nil, err
	}
	var s search.Searcher
	if q.inner == nil {
		s, err = searcher.NewMatchAllSearcher(ctx, i, 1.0, options)
	} else {
		s, err = q.inner.Searcher(ctx, i, m, options)
	}
	if err != nil {
		return nil, err
	}
	loc := &locator{v: v}
	f := q.filter
	return searcher.NewFilteringSearcher(ctx, s, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		c, local := loc.locate(d.IndexInternalID)
		return c != nil && f.match(c, local)
	}), nil
}

// ---- facets ----

// facetCounter counts the facets of every match a search visits. It is
// attached to a search through its context (withFacets); each collector
// that runs (one per index searched) gets a part of its own.
type facetCounter struct {
	cols  *colCache
	mu    sync.Mutex
	parts []*facetPart
	err   error
}

func newFacetCounter(cols *colCache) *facetCounter { return &facetCounter{cols: cols} }

// withFacets returns ctx with fc attached: bleve calls the handler maker
// for each collection, and the handler counts each match before passing
// it to bleve's own top-N handler.
func withFacets(ctx context.Context, fc *facetCounter) context.Context {
	if fc == nil {
		return ctx
	}
	var maker search.MakeDocumentMatchHandler = func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil || next == nil {
			return next, loadID, err
		}
		v, err := fc.cols.view(ctx, sctx.IndexReader)
		if err != nil {
			return nil, false, err
		}
		part := fc.newPart(v)
		fc.mu.Lock()
		fc.parts = append(fc.parts, part)
		fc.mu.Unlock()
		return func(d *search.DocumentMatch) error {
			if d != nil {
				part.count(d.IndexInternalID)
			}
			return next(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, maker)
}

// facetPart holds the counts of one collection: for each term table, a
// count per term number.
type facetPart struct {
	loc        locator
	terms      [numTables]termCounter
	yearCounts [200]int      // years firstYear… by offset
	years      map[int32]int // other years
	bands      [6]int        // by amountBands index; the last slot is unused
}

// firstYear is the first year counted in facetPart.yearCounts.
const firstYear = 1950

// newPart returns the counts of a collection over the view v; every term
// number in v's columns is below its table's current size.
func (fc *facetCounter) newPart(v *colView) *facetPart {
	p := &facetPart{loc: locator{v: v}}
	for k := range p.terms {
		p.terms[k].size = len(fc.cols.tables[k].list())
	}
	return p
}

func (p *facetPart) count(id index.IndexInternalID) {
	c, d := p.loc.locate(id)
	if c == nil {
		return
	}
	for k := range c.small {
		if o := c.small[k].ords[d]; o != 0 {
			p.terms[k].add(o - 1)
		}
	}
	if o := c.buyer.ords[d]; o != 0 {
		p.terms[tabBuyer].add(o - 1)
	}
	for _, o := range c.supp.ords[c.supp.off[d]:c.supp.off[d+1]] {
		p.terms[tabSupplier].add(o)
	}
	if day := c.day[d]; day != 0 {
		if y := day/10000 - firstYear; y >= 0 && y < int32(len(p.yearCounts)) {
			p.yearCounts[y]++
		} else {
			if p.years == nil {
				p.years = make(map[int32]int, 4)
			}
			p.years[day/10000]++
		}
	}
	if a := c.amount[d]; a != noAmount {
		p.bands[amountBandIndex(a)]++
	}
}

// termCounter counts term numbers below size. It starts sparse, a map,
// and turns dense, an array of size counts, once more than size/32 terms
// have been counted (at once when size is small): a search with a few
// matches does not allocate an array as large as the supplier table, and
// one with many adds into an array.
type termCounter struct {
	size   int
	dense  []int32
	sparse map[uint32]int32
}

// denseSmall is the table size up to which a termCounter is dense from
// the start.
const denseSmall = 4096

func (t *termCounter) add(o uint32) {
	if int(o) < len(t.dense) {
		t.dense[o]++
		return
	}
	t.addSlow(o)
}

// addSlow counts o while the counter is sparse, or when o is beyond the
// size it was made for (never expected: the view's columns are numbered
// before the counter is made; growing is safer than a panic).
func (t *termCounter) addSlow(o uint32) {
	switch {
	case t.dense != nil:
		t.dense = append(t.dense, make([]int32, int(o)+1-len(t.dense))...)
		t.dense[o]++
	case t.size <= denseSmall:
		t.dense = make([]int32, max(t.size, int(o)+1))
		t.dense[o]++
	default:
		if t.sparse == nil {
			t.sparse = make(map[uint32]int32, 64)
		}
		t.sparse[o]++
		if len(t.sparse) > t.size/32 {
			n := t.size
			for k := range t.sparse {
				n = max(n, int(k)+1)
			}
			t.dense = make([]int32, n)
			for k, c := range t.sparse {
				t.dense[k] += c
			}
			t.sparse = nil
		}
	}
}

// each calls fn with every term number counted and its count.
func (t *termCounter) each(fn func(o uint32, n int)) {
	for o, n := range t.dense {
		if n > 0 {
			fn(uint32(o), int(n))
		}
	}
	for o, n := range t.sparse {
		fn(o, int(n))
	}
}

// amountBandIndex is the index in amountBands of an amount in units (the
// band of amountBand(units as a float)).
func amountBandIndex(units int64) int {
	f := float64(units) / 10000
	for i, b := range amountBands {
		if b.upTo == 0 || f < b.upTo {
			return i
		}
	}
	return len(amountBands) - 1
}

// termCount is a facet value with its count.
type termCount struct {
	term  string
	count int
}

// top returns, for each facet, the size(facet) values with the highest
// counts over every part, most frequent first (ties by value).
func (fc *facetCounter) top(size func(facet string) int) map[string][]termCount {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	out := make(map[string][]termCount, numTables+2)
	facetOf := func(k int) string {
		switch k {
		case tabBuyer:
			return procure.FacetBuyer
		case tabSupplier:
			return procure.FacetSupplier
		}
		return smallColFacets[k]
	}
	for k := range numTables {
		terms := fc.cols.tables[k].list()
		h := &topHeap{size: size(facetOf(k))}
		switch len(fc.parts) {
		case 0:
		case 1: // the usual case: one collection
			fc.parts[0].terms[k].each(func(o uint32, n int) { h.offer(termCount{terms[o], n}) })
		default:
			total := make([]int, len(terms))
			for _, p := range fc.parts {
				p.terms[k].each(func(o uint32, n int) { total[o] += n })
			}
			for o, n := range total {
				if n > 0 {
					h.offer(termCount{terms[o], n})
				}
			}
		}
		out[facetOf(k)] = h.sorted()
	}
	years := map[string]int{}
	bands := map[string]int{}
	for _, p := range fc.parts {
		for y, n := range p.years {
			years[fmt.Sprintf("%04d", y)] += n
		}
		for i, n := range p.yearCounts {
			if n > 0 {
				years[fmt.Sprintf("%04d", firstYear+i)] += n
			}
		}
		for i, n := range p.bands[:len(amountBands)] {
			if n > 0 {
				bands[amountBands[i].value] += n
			}
		}
	}
	for facet, m := range map[string]map[string]int{procure.FacetYear: years, procure.FacetAmount: bands} {
		h := &topHeap{size: size(facet)}
		for t, n := range m {
			h.offer(termCount{t, n})
		}
		out[facet] = h.sorted()
	}
	return out
}

// better orders facet values: higher count first, then by term.
func better(a, b termCount) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	return a.term < b.term
}

// topHeap keeps the size best values offered; its root is the worst kept.
type topHeap struct {
	size  int
	items []termCount
}

func (h *topHeap) Len() int           { return len(h.items) }
func (h *topHeap) Less(a, b int) bool { return better(h.items[b], h.items[a]) }
func (h *topHeap) Swap(a, b int)      { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *topHeap) Push(x any)         { h.items = append(h.items, x.(termCount)) }
func (h *topHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

func (h *topHeap) offer(tc termCount) {
	if h.size <= 0 {
		return
	}
	if len(h.items) < h.size {
		heap.Push(h, tc)
		return
	}
	if better(tc, h.items[0]) {
		h.items[0] = tc
		heap.Fix(h, 0)
	}
}

// sorted returns the values kept, best first.
func (h *topHeap) sorted() []termCount {
	sort.Slice(h.items, func(i, j int) bool { return better(h.items[i], h.items[j]) })
	return h.items
}
