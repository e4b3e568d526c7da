package indexer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Facet sizes: buyers and suppliers show their top entries; every other
// facet has few values and lists them all.
const (
	partyFacetSize = 20
	smallFacetSize = 1000
)

// Search runs a public search: the query language (see ParseQuery), the
// filters of req as non-scoring filters, one of the sorts (relevance by
// default with a query, newest first without) with the ocid as the final
// tiebreak, cursor pagination, optional facets (counted from the columns
// while the page is searched, see columns.go) and snippets. Every search
// has Config.SearchTimeout as deadline; expensive ones (prefixes, phrases)
// share a semaphore. Refused queries return a *procure.QueryError.
func (ix *Index) Search(ctx context.Context, req procure.SearchRequest) (procure.SearchResults, error) {
	start := time.Now()
	g, release, err := ix.acquire()
	if err != nil {
		return procure.SearchResults{}, err
	}
	defer release()
	ix.searched.Store(true)
	res, err := ix.searchGeneration(ctx, g, req, "", ix.cfg.Contracts)
	res.Took = time.Since(start)
	return res, err
}

// prepared is a search request compiled against a generation.
type prepared struct {
	kind      sortKind
	fp        [8]byte
	facetKey  [8]byte
	limit     int
	after     []string
	main      query.Query
	score     bool // rank by relevance
	scored    bool // some part of the query scores (not only prefixes)
	expensive bool
	hl        *hlSet
}

func (ix *Index) prepare(g *generation, req *procure.SearchRequest, onlyOCID string) (*prepared, error) {
	limit := req.Limit
	if limit == 0 {
		limit = procure.DefaultSearchLimit
	}
	if limit < 1 || limit > procure.MaxSearchLimit {
		return nil, fmt.Errorf("limit %d: must be between 1 and %d: %w", req.Limit, procure.MaxSearchLimit, procure.ErrInvalid)
	}
	q, err := ParseQuery(req.Q)
	if err != nil {
		return nil, err
	}
	kind, err := parseSort(req.Sort, !q.Empty())
	if err != nil {
		return nil, err
	}
	p := &prepared{kind: kind, limit: limit, fp: fingerprint(q, req, kind), facetKey: fingerprint(q, req, 0)}
	if req.Cursor != "" {
		c, err := decodeCursor(req.Cursor, kind, p.fp)
		if err != nil {
			return nil, err
		}
		p.after = c.values
	}
	comp := newCompiler(g.countPrefix)
	tq, err := comp.compile(q)
	if err != nil {
		return nil, err
	}
	p.hl = comp.hl
	p.expensive = comp.expensive
	p.scored = comp.scored
	fq, cf, err := filterQuery(req)
	if err != nil {
		return nil, err
	}
	if onlyOCID != "" {
		fq = conj(nonNil(fq, termQ(fOCID, onlyOCID)))
	}
	switch {
	case tq == nil && fq == nil:
		if cf == nil {
			p.main = query.NewMatchAllQuery()
		}
	case tq == nil:
		p.main = fq
	case fq == nil:
		p.main = tq
		p.score = kind == sortRelevance
	default:
		b := query.NewBooleanQuery(nil, nil, nil)
		b.AddMust(tq)
		b.AddFilter(fq)
		p.main = b
		p.score = kind == sortRelevance
	}
	if cf != nil {
		p.main = &filteredQuery{inner: p.main, filter: cf, cols: g.cols}
	}
	return p, nil
}

// searchGeneration searches g; the page's contracts are read from rd.
func (ix *Index) searchGeneration(ctx context.Context, g *generation, req procure.SearchRequest, onlyOCID string, rd ContractReader) (procure.SearchResults, error) {
	var out procure.SearchResults
	p, err := ix.prepare(g, &req, onlyOCID)
	if err != nil {
		return out, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, ix.cfg.SearchTimeout)
	defer cancel()

	// Facets are counted while the page is searched, unless cached.
	var (
		fc       *facetCounter
		facets   map[string][]procure.FacetCount
		facetKey string
	)
	if req.Facets {
		facetKey = fmt.Sprintf("%s/%d/%x", g.name, ix.writes.Load(), p.facetKey)
		if facets = ix.cachedFacets(facetKey); facets == nil {
			fc = newFacetCounter(g.cols)
		}
	}
	if p.expensive {
		if err := ix.acquireSlot(ctx); err != nil {
			return out, ix.searchError(parent, err)
		}
		defer ix.releaseSlot()
	}
	total, hits, err := ix.page(ctx, g, p, fc)
	if err != nil {
		return out, ix.searchError(parent, err)
	}
	if fc != nil {
		facets = ix.facetResults(g, fc)
		ix.cacheFacets(facetKey, facets)
	}
	out.Total = total
	out.TotalExact = true
	if len(hits) > p.limit {
		hits = hits[:p.limit]
		out.NextCursor = encodeCursor(cursor{kind: p.kind, fp: p.fp, values: cursorValues(p.kind, hits[len(hits)-1])})
	}
	if out.Hits, err = hitsOf(ctx, rd, hits, req.Highlight, p.hl); err != nil {
		return out, ix.searchError(parent, fmt.Errorf("search: %w", err))
	}
	if req.Facets {
		out.Facets = facets
	}
	return out, nil
}

// windowMin is the number of matches from which a date-sorted page is
// searched year by year instead of sorting every match.
const windowMin = 5000

// page returns the total number of matches and the hits of the page (up to
// limit+1, the extra one telling whether a next page exists). fc, when not
// nil, counts the facets of every match (the first search that visits all
// of them carries it).
//
// Sorting visits the sort keys of every match, which dominates broad
// searches ("everything, newest first" on the home page). A date-sorted
// page is therefore searched in windows of whole years, starting at the
// newest year (or the cursor's year) and growing: a window holding limit+1
// hits after the cursor holds exactly the page, because every match outside
// it is older (or newer, ascending). The total comes from a count without
// sorting.
//
// A first page by relevance is searched by score alone, which needs no
// document ID per match; the ocid only orders equal scores, so the exact
// order follows from the hits unless equal scores straddle the end of the
// page (then the page is searched again with the ocid tiebreak).
func (ix *Index) page(ctx context.Context, g *generation, p *prepared, fc *facetCounter) (int, search.DocumentMatchCollection, error) {
	run := func(q query.Query, fc *facetCounter) (*bleve.SearchResult, error) {
		// The sort ends with the ocid: the matches get it from memory.
		sr := bleve.NewSearchRequestOptions(&idQuery{inner: q, cols: g.cols}, p.limit+1, 0, false)
		sr.SortByCustom(p.kind.order())
		if p.after != nil {
			sr.SearchAfter = p.after
		}
		if !p.score {
			sr.Score = "none"
		}
		return g.idx.SearchInContext(withFacets(ctx, fc), sr)
	}
	if p.kind == sortRelevance && p.after == nil && p.score && p.scored {
		total, hits, ok, err := ix.pageByScore(ctx, g, p, fc)
		if err != nil || ok {
			return total, hits, err
		}
		fc = nil // counted already
	}
	if p.kind != sortDateDesc && p.kind != sortDateAsc {
		res, err := run(p.main, fc)
		if err != nil {
			return 0, nil, err
		}
		return int(res.Total), res.Hits, nil
	}
	total, err := g.count(ctx, p.main, fc)
	if err != nil {
		return 0, nil, err
	}
	if total >= ix.windowMin {
		years := g.years()
		from := len(years) - 1 // index of the window's first year
		if p.kind == sortDateAsc {
			from = 0
		}
		ok := len(years) > 0
		if ok && p.after != nil {
			v := p.after[0]
			if len(v) != 8 {
				ok = false // the cursor is past the dated matches
			} else {
				y, _ := strconv.Atoi(v[:4])
				from = -1
				for i, yy := range years {
					if (p.kind == sortDateDesc && yy <= y) || (p.kind == sortDateAsc && yy >= y && from < 0) {
						from = i
					}
				}
				ok = from >= 0
			}
		}
		for n := 1; ok; n *= 4 {
			lo, hi := from, from
			if p.kind == sortDateDesc {
				lo = max(0, from-n+1)
			} else {
				hi = min(len(years)-1, from+n-1)
			}
			window := make([]string, 0, hi-lo+1)
			for _, y := range years[lo : hi+1] {
				window = append(window, fmt.Sprintf("%04d", y))
			}
			res, err := run(query.NewConjunctionQuery([]query.Query{p.main, termsQ(fYear, window)}), nil)
			if err != nil {
				return 0, nil, err
			}
			if len(res.Hits) > p.limit {
				return total, res.Hits, nil
			}
			if (p.kind == sortDateDesc && lo == 0) || (p.kind == sortDateAsc && hi == len(years)-1) {
				break // all years seen: the tail (undated matches) needs the full search
			}
		}
	}
	res, err := run(p.main, nil)
	if err != nil {
		return 0, nil, err
	}
	return total, res.Hits, nil
}

// tieWindow is how many matches beyond the page pageByScore collects, so
// that the matches scoring as much as the last one of the page are all at
// hand (equal scores are ordered by ocid). Groups of equal scores at the
// end of a first page are small (two to six matches on the peerbench
// corpus, one page in five), so this rarely needs the exact search.
const tieWindow = 8

// pageByScore searches a first page by score alone (see page). ok is false
// when equal scores straddle the end of the collected window; facets are
// counted all the same.
func (ix *Index) pageByScore(ctx context.Context, g *generation, p *prepared, fc *facetCounter) (total int, hits search.DocumentMatchCollection, ok bool, err error) {
	n := p.limit + 1 + tieWindow
	sr := bleve.NewSearchRequestOptions(p.main, n, 0, false)
	sr.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	res, err := g.idx.SearchInContext(withFacets(ctx, fc), sr)
	if err != nil {
		return 0, nil, false, err
	}
	hits = res.Hits
	if len(hits) == n && hits[n-1].Score == hits[p.limit].Score {
		return int(res.Total), nil, false, nil
	}
	// Every match scoring as much as the last one kept is here: order
	// equal scores by ocid, as the exact sort does.
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if len(hits) > p.limit+1 {
		hits = hits[:p.limit+1]
	}
	for _, h := range hits {
		h.Sort = []string{strconv.FormatFloat(h.Score, 'g', -1, 64), h.ID}
	}
	return int(res.Total), hits, true, nil
}

// count returns the number of documents q matches, without sorting; fc,
// when not nil, counts their facets.
func (g *generation) count(ctx context.Context, q query.Query, fc *facetCounter) (int, error) {
	if _, all := q.(*query.MatchAllQuery); all && fc == nil {
		n, err := g.idx.DocCount()
		return int(n), err
	}
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	sr.Score = "none"
	res, err := g.idx.SearchInContext(withFacets(ctx, fc), sr)
	if err != nil {
		return 0, err
	}
	return int(res.Total), nil
}

// years returns the years present in the generation, ascending (cached
// until its next write).
func (g *generation) years() []int {
	if ys := g.yearList.Load(); ys != nil {
		return *ys
	}
	d, err := g.idx.FieldDict(fYear)
	if err != nil {
		return nil
	}
	defer d.Close()
	out := []int{}
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		if y, err := strconv.Atoi(e.Term); err == nil {
			out = append(out, y)
		}
	}
	sort.Ints(out)
	g.yearList.Store(&out)
	return out
}

// hitsOf reads the contracts of a page's matches from the store and turns
// them into hits, in the matches' order, with snippets when highlight is
// set. A match the store no longer holds (deleted after the index was
// written, which the next index write catches up with) is left out.
func hitsOf(ctx context.Context, rd ContractReader, matches search.DocumentMatchCollection, highlight bool, hl *hlSet) ([]procure.Hit, error) {
	out := make([]procure.Hit, 0, len(matches))
	if len(matches) == 0 {
		return out, nil
	}
	if rd == nil {
		return nil, errNoContracts
	}
	ocids := make([]string, len(matches))
	for i, m := range matches {
		ocids[i] = m.ID
	}
	cs, err := rd.ContractsByOCID(ctx, ocids)
	if err != nil {
		return nil, fmt.Errorf("read the page's contracts: %w", err)
	}
	for _, m := range matches {
		c, ok := cs[m.ID]
		if !ok {
			continue
		}
		hit := hitOf(&c)
		if m.Score > 0 {
			hit.Score = m.Score
		}
		if highlight {
			hit.Snippet = snippet(snippetSource(&c), langOf(c.Language), hl)
		}
		out = append(out, hit)
	}
	return out, nil
}

// searchError turns a search failure into what the caller should see.
func (ix *Index) searchError(parent context.Context, err error) error {
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("search: %w", perr)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &procure.QueryError{Kind: procure.ErrTooExpensive, Offset: -1,
			Message: fmt.Sprintf("The search took longer than %s and was stopped. Add words or filters to narrow it.", ix.cfg.SearchTimeout)}
	}
	if errors.Is(err, errBusy) {
		return fmt.Errorf("search: %w", err)
	}
	if strings.Contains(err.Error(), "TooManyClauses") {
		return &procure.QueryError{Kind: procure.ErrTooExpensive, Offset: -1,
			Message: "The search expands to too many words. Type more letters before a *, or use fewer ORs."}
	}
	return fmt.Errorf("search: %w", err)
}

var errBusy = fmt.Errorf("too many expensive searches are running; try again in a moment: %w", procure.ErrUnavailable)

func (ix *Index) acquireSlot(ctx context.Context) error {
	select {
	case ix.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return errBusy
		}
		return ctx.Err()
	}
}

func (ix *Index) releaseSlot() { <-ix.sem }

// countPrefix counts the index words of field starting with prefix, up to
// limit+1.
func (g *generation) countPrefix(field, prefix string, limit int) (int, error) {
	d, err := g.idx.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return 0, fmt.Errorf("expand %s*: %w", prefix, err)
	}
	defer d.Close()
	n := 0
	for n <= limit {
		e, err := d.Next()
		if err != nil {
			return 0, fmt.Errorf("expand %s*: %w", prefix, err)
		}
		if e == nil {
			break
		}
		n++
	}
	return n, nil
}

// Facet counts are cached per (generation, write count, search), so that
// the same page reloaded, or the same search on its way to the next page,
// does not count them again. Config.FacetCacheSize bounds the cache.
const defaultFacetCacheSize = 256

func (ix *Index) cachedFacets(key string) map[string][]procure.FacetCount {
	ix.facetMu.Lock()
	defer ix.facetMu.Unlock()
	return ix.facetCache[key]
}

func (ix *Index) cacheFacets(key string, f map[string][]procure.FacetCount) {
	if ix.cfg.FacetCacheSize < 0 {
		return
	}
	ix.facetMu.Lock()
	defer ix.facetMu.Unlock()
	if ix.facetCache == nil {
		ix.facetCache = make(map[string]map[string][]procure.FacetCount)
	}
	if _, ok := ix.facetCache[key]; !ok {
		ix.facetOrder = append(ix.facetOrder, key)
	}
	ix.facetCache[key] = f
	for len(ix.facetOrder) > ix.cfg.FacetCacheSize {
		delete(ix.facetCache, ix.facetOrder[0])
		ix.facetOrder = ix.facetOrder[1:]
	}
}

// facetResults turns the counts into the facets of the results, labelled.
func (ix *Index) facetResults(g *generation, fc *facetCounter) map[string][]procure.FacetCount {
	counts := fc.top(func(facet string) int {
		switch facet {
		case procure.FacetBuyer, procure.FacetSupplier:
			return partyFacetSize
		case procure.FacetAmount:
			return len(amountBands)
		}
		return smallFacetSize
	})
	out := make(map[string][]procure.FacetCount, len(procure.Facets))
	for _, name := range procure.Facets {
		list := make([]procure.FacetCount, len(counts[name]))
		for i, tc := range counts[name] {
			list[i] = procure.FacetCount{Value: tc.term, Label: tc.term, Count: tc.count}
		}
		switch name {
		case procure.FacetBuyer, procure.FacetSupplier:
			for i := range list {
				list[i].Label = g.partyLabel(list[i].Value)
			}
		case procure.FacetBuyerType:
			for i := range list {
				list[i].Label = procure.BuyerType(list[i].Value).Label()
			}
		case procure.FacetCountry:
			for i := range list {
				list[i].Label = countryName(list[i].Value)
			}
		case procure.FacetMethod, procure.FacetCategory:
			for i := range list {
				list[i].Label = capitalize(list[i].Value)
			}
		case procure.FacetYear:
			sort.Slice(list, func(i, j int) bool { return list[i].Value > list[j].Value })
		case procure.FacetAmount:
			pos := make(map[string]int, len(amountBands))
			for i, b := range amountBands {
				pos[b.value] = i
			}
			for i := range list {
				list[i].Label = amountBands[pos[list[i].Value]].label
			}
			sort.Slice(list, func(i, j int) bool { return pos[list[i].Value] < pos[list[j].Value] })
		}
		out[name] = list
	}
	return out
}

// partyLabel returns the name most documents give the party with this ID
// (from the term dictionary of the label field), or the ID itself. Labels
// are cached per generation until its next write.
func (g *generation) partyLabel(id string) string {
	if l, ok := g.labels.get(id); ok {
		return l
	}
	d, err := g.idx.FieldDictPrefix(fLabel, []byte(cleanID(id)+labelSep))
	if err != nil {
		return id
	}
	defer d.Close()
	best, bestCount := "", uint64(0)
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		name := e.Term[len(id)+len(labelSep):]
		if e.Count > bestCount || (e.Count == bestCount && name < best) {
			best, bestCount = name, e.Count
		}
	}
	if best == "" {
		best = id
	}
	g.labels.put(id, best)
	return best
}

func countryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.English.Regions().Name(r); n != "" {
		return n
	}
	return code
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
