package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
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
// tiebreak, cursor pagination, optional facets (time-boxed by
// Config.FacetTimeout) and snippets. Every search has Config.SearchTimeout
// as deadline; expensive ones (prefixes, phrases, facets) share a
// semaphore. Refused queries return a *procure.QueryError.
func (ix *Index) Search(ctx context.Context, req procure.SearchRequest) (procure.SearchResults, error) {
	start := time.Now()
	g, release, err := ix.acquire()
	if err != nil {
		return procure.SearchResults{}, err
	}
	defer release()
	res, err := ix.searchGeneration(ctx, g, req, "")
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
	score     bool
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
	fq, err := filterQuery(req, g.yearSpan())
	if err != nil {
		return nil, err
	}
	if onlyOCID != "" {
		fq = conj(nonNil(fq, termQ(fOCID, onlyOCID)))
	}
	switch {
	case tq == nil && fq == nil:
		p.main = query.NewMatchAllQuery()
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
	return p, nil
}

func (ix *Index) searchGeneration(ctx context.Context, g *generation, req procure.SearchRequest, onlyOCID string) (procure.SearchResults, error) {
	var out procure.SearchResults
	p, err := ix.prepare(g, &req, onlyOCID)
	if err != nil {
		return out, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, ix.cfg.SearchTimeout)
	defer cancel()

	// Facets run beside the page, in their own time box.
	var (
		facetWG  sync.WaitGroup
		facets   map[string][]procure.FacetCount
		partial  bool
		facetErr error
	)
	if req.Facets {
		facetWG.Add(1)
		go func() {
			defer facetWG.Done()
			facets, partial, facetErr = ix.facets(ctx, g, p)
		}()
	}

	if p.expensive {
		if err := ix.acquireSlot(ctx); err != nil {
			facetWG.Wait()
			return out, ix.searchError(parent, err)
		}
		defer ix.releaseSlot()
	}
	total, hits, err := ix.page(ctx, g, p)
	facetWG.Wait()
	if err != nil {
		return out, ix.searchError(parent, err)
	}
	if facetErr != nil {
		return out, facetErr
	}
	out.Total = total
	out.TotalExact = true
	if len(hits) > p.limit {
		hits = hits[:p.limit]
		out.NextCursor = encodeCursor(cursor{kind: p.kind, fp: p.fp, values: cursorValues(p.kind, hits[len(hits)-1])})
	}
	out.Hits = make([]procure.Hit, 0, len(hits))
	for _, h := range hits {
		hit, err := decodeHit(h)
		if err != nil {
			return out, fmt.Errorf("search: %w", err)
		}
		if req.Highlight {
			hit.Snippet = snippet(hit.snippetSource, langOf(hit.Language), p.hl)
		}
		out.Hits = append(out.Hits, hit.Hit)
	}
	if req.Facets {
		out.Facets = facets
		out.FacetsPartial = partial
	}
	return out, nil
}

// windowMin is the number of matches from which a date-sorted page is
// searched year by year instead of sorting every match.
const windowMin = 5000

// page returns the total number of matches and the hits of the page (up to
// limit+1, the extra one telling whether a next page exists).
//
// Sorting visits the sort keys of every match, which dominates broad
// searches ("everything, newest first" on the home page). A date-sorted
// page is therefore searched in windows of whole years, starting at the
// newest year (or the cursor's year) and growing: a window holding limit+1
// hits after the cursor holds exactly the page, because every match outside
// it is older (or newer, ascending). The total comes from a count without
// sorting.
func (ix *Index) page(ctx context.Context, g *generation, p *prepared) (int, search.DocumentMatchCollection, error) {
	search := func(q query.Query) (*bleve.SearchResult, error) {
		sr := bleve.NewSearchRequestOptions(q, p.limit+1, 0, false)
		sr.SortByCustom(p.kind.order())
		sr.Fields = []string{fHit}
		if p.after != nil {
			sr.SearchAfter = p.after
		}
		if !p.score {
			sr.Score = "none"
		}
		return g.idx.SearchInContext(ctx, sr)
	}
	if p.kind != sortDateDesc && p.kind != sortDateAsc {
		res, err := search(p.main)
		if err != nil {
			return 0, nil, err
		}
		return int(res.Total), res.Hits, nil
	}
	total, err := g.count(ctx, p.main)
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
			res, err := search(query.NewConjunctionQuery([]query.Query{p.main, termsQ(fYear, window)}))
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
	res, err := search(p.main)
	if err != nil {
		return 0, nil, err
	}
	return total, res.Hits, nil
}

// count returns the number of documents q matches, without sorting.
func (g *generation) count(ctx context.Context, q query.Query) (int, error) {
	if _, all := q.(*query.MatchAllQuery); all {
		n, err := g.idx.DocCount()
		return int(n), err
	}
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	sr.Score = "none"
	res, err := g.idx.SearchInContext(ctx, sr)
	if err != nil {
		return 0, err
	}
	return int(res.Total), nil
}

// years returns the years present in the generation, ascending.
func (g *generation) years() []int {
	d, err := g.idx.FieldDict(fYear)
	if err != nil {
		return nil
	}
	defer d.Close()
	var out []int
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
	return out
}

type decodedHit struct {
	procure.Hit
	snippetSource string
}

func decodeHit(h *search.DocumentMatch) (decodedHit, error) {
	raw, _ := h.Fields[fHit].(string)
	var sh storedHit
	if err := json.Unmarshal([]byte(raw), &sh); err != nil {
		return decodedHit{}, fmt.Errorf("stored record of %s: %w: %w", h.ID, err, procure.ErrCorrupt)
	}
	hit, err := sh.toHit(h.ID)
	if err != nil {
		return decodedHit{}, fmt.Errorf("%w: %w", err, procure.ErrCorrupt)
	}
	if h.Score > 0 {
		hit.Score = h.Score
	}
	return decodedHit{Hit: hit, snippetSource: sh.Snippet}, nil
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

// Facet counts are cached per (generation, write count, search) and
// computed in the background: a request waits FacetTimeout for them and
// otherwise returns FacetsPartial; the computation goes on (bounded by
// facetBudget) so that the next request, e.g. the same page reloaded, has
// them. At most maxFacetJobs computations run or wait at a time.
const (
	facetCacheSize = 256
	maxFacetJobs   = 8
)

type facetEntry struct {
	done   chan struct{}
	facets map[string][]procure.FacetCount
	err    error
}

// facets returns the facet counts of the search's matches, or partial=true
// when they are not ready within FacetTimeout.
func (ix *Index) facets(ctx context.Context, g *generation, p *prepared) (map[string][]procure.FacetCount, bool, error) {
	key := fmt.Sprintf("%s/%d/%x", g.name, ix.writes.Load(), p.facetKey)
	ix.facetMu.Lock()
	e := ix.facetCache[key]
	if e == nil {
		if ix.facetPending >= maxFacetJobs || !g.ref() {
			ix.facetMu.Unlock()
			return nil, true, nil
		}
		e = &facetEntry{done: make(chan struct{})}
		if ix.facetCache == nil {
			ix.facetCache = make(map[string]*facetEntry)
		}
		ix.facetCache[key] = e
		ix.facetOrder = append(ix.facetOrder, key)
		if len(ix.facetOrder) > facetCacheSize {
			delete(ix.facetCache, ix.facetOrder[0])
			ix.facetOrder = ix.facetOrder[1:]
		}
		ix.facetPending++
		budget := ix.facetBudget()
		go func() {
			defer g.unref()
			bctx, cancel := context.WithTimeout(ix.bg, budget)
			defer cancel()
			e.facets, e.err = ix.countFacets(bctx, g, p.main)
			ix.facetMu.Lock()
			ix.facetPending--
			if e.err != nil && ix.facetCache[key] == e {
				delete(ix.facetCache, key) // do not keep failures
			}
			ix.facetMu.Unlock()
			close(e.done)
		}()
	}
	ix.facetMu.Unlock()
	t := time.NewTimer(ix.cfg.FacetTimeout)
	defer t.Stop()
	select {
	case <-e.done:
		if e.err != nil {
			if errors.Is(e.err, context.DeadlineExceeded) || errors.Is(e.err, errBusy) {
				return nil, true, nil
			}
			return nil, false, e.err
		}
		return e.facets, false, nil
	case <-t.C:
		return nil, true, nil
	case <-ctx.Done():
		return nil, true, nil
	}
}

func (ix *Index) facetBudget() time.Duration { return 5 * ix.cfg.SearchTimeout }

// countFacets computes the facets of q's matches.
func (ix *Index) countFacets(ctx context.Context, g *generation, q query.Query) (map[string][]procure.FacetCount, error) {
	if err := ix.acquireSlot(ctx); err != nil {
		return nil, err
	}
	defer ix.releaseSlot()
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	sr.Score = "none"
	sr.AddFacet(procure.FacetBuyer, bleve.NewFacetRequest(fBuyer, partyFacetSize))
	sr.AddFacet(procure.FacetSupplier, bleve.NewFacetRequest(fSupplier, partyFacetSize))
	for _, f := range []string{procure.FacetBuyerType, procure.FacetCountry, procure.FacetYear, procure.FacetCurrency, procure.FacetMethod, procure.FacetCategory} {
		sr.AddFacet(f, bleve.NewFacetRequest(f, smallFacetSize))
	}
	sr.AddFacet(procure.FacetAmount, bleve.NewFacetRequest(fAmountBnd, len(amountBands)))
	res, err := g.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	out := make(map[string][]procure.FacetCount, len(res.Facets))
	for name, fr := range res.Facets {
		terms := fr.Terms.Terms()
		list := make([]procure.FacetCount, 0, len(terms))
		for _, t := range terms {
			list = append(list, procure.FacetCount{Value: t.Term, Label: t.Term, Count: t.Count})
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
	return out, nil
}

// partyLabel returns the name most documents give the party with this ID
// (from the term dictionary of the label field), or the ID itself.
func (g *generation) partyLabel(id string) string {
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
		return id
	}
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

// yearSpan returns the first and last day of the years in the generation.
func (g *generation) yearSpan() yearSpan {
	ys := g.years()
	if len(ys) == 0 {
		first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		return yearSpan{first: first, last: first.AddDate(0, 0, -1)}
	}
	return yearSpan{first: time.Date(ys[0], 1, 1, 0, 0, 0, 0, time.UTC), last: time.Date(ys[len(ys)-1], 12, 31, 0, 0, 0, 0, time.UTC)}
}
