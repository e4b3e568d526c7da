package indexer

import (
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches documents where the words of a phrase follow each
// other in field: at each position one of the alternatives (the word's
// forms, see alternatives), a nil position standing for a stop word
// (any word, or none: stop words are not indexed but keep their
// position).
//
// It means exactly what bleve's MultiPhraseQuery means and scores the same
// (the conjunction of the positions' term searchers), but checks the
// positions of each candidate document on the flat list of its term
// locations instead of building bleve's per-document location maps and
// enumerating every path through them: on frequent words, where most
// documents hold all the words but few the phrase, that was about half of
// a phrase search.
type phraseQuery struct {
	slots []phraseSlot
	field string
}

// phraseSlot is one position of a phrase: the word's forms (none: a gap)
// and the languages whose documents may lack it (a stop word there, see
// stop.go). In a document of one of those languages that lacks every
// form, the slot is a gap.
type phraseSlot struct {
	alts  []string
	langs []langID
}

func (s phraseSlot) gap() bool { return len(s.alts) == 0 }

// query matches the documents that have one of the slot's forms in field,
// or are in one of its languages.
func (s phraseSlot) query(field string) query.Query {
	q := termsQ(field, s.alts)
	if len(s.langs) == 0 {
		return q
	}
	qs := []query.Query{q}
	for _, l := range s.langs {
		qs = append(qs, termQ(fLang, langKeys[l]))
	}
	return disj(qs)
}

func newPhraseQuery(slots []phraseSlot, field string) *phraseQuery {
	return &phraseQuery{slots: slots, field: field}
}

func (q *phraseQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	options.IncludeTermVectors = true
	var children []search.Searcher
	closeAll := func(ss []search.Searcher) {
		for _, c := range ss {
			_ = c.Close()
		}
	}
	for _, sl := range q.slots {
		if sl.gap() {
			continue
		}
		// The forms no document has are left out, as formsQuery does.
		ts, err := presentTermSearchers(ctx, i, q.field, sl.alts, options)
		if err == nil && len(ts) == 0 && len(sl.langs) == 0 {
			// A required word no document has: nothing matches.
			closeAll(children)
			return searcher.NewMatchNoneSearcher(i)
		}
		for _, l := range sl.langs {
			if err != nil {
				break
			}
			var s search.Searcher
			if s, err = searcher.NewTermSearcher(ctx, i, langKeys[l], fLang, 0, options); err == nil {
				ts = append(ts, s)
			}
		}
		if err == nil && len(ts) > 1 {
			var d search.Searcher
			if d, err = searcher.NewDisjunctionSearcher(ctx, i, ts, 1, options); err == nil {
				ts = []search.Searcher{d}
			}
		}
		if err != nil {
			closeAll(ts)
			closeAll(children)
			return nil, fmt.Errorf("phrase: %w", err)
		}
		children = append(children, ts...) // none for a gap
	}
	must, err := searcher.NewConjunctionSearcher(ctx, i, children, options)
	if err != nil {
		closeAll(children)
		return nil, fmt.Errorf("phrase: %w", err)
	}
	s := &phraseSearcher{must: must, field: q.field}
	s.slots = make([]map[string]bool, len(q.slots))
	for k, sl := range q.slots {
		for _, t := range sl.alts {
			if t == "" {
				continue
			}
			if s.slots[k] == nil {
				s.slots[k] = make(map[string]bool, len(sl.alts))
			}
			s.slots[k][t] = true
		}
		if s.slots[k] != nil && len(sl.langs) > 0 && k < 64 {
			s.soft |= 1 << k
		}
	}
	// As bleve's phrase searcher does: normalise the conjunction's weight.
	must.SetQueryNorm(1.0 / math.Sqrt(must.Weight()))
	return s, nil
}

// phraseSearcher filters the conjunction of a phrase's words by their
// positions.
type phraseSearcher struct {
	must  search.Searcher
	field string
	// slots holds the alternatives of each phrase position (nil: a gap);
	// soft marks the slots that are gaps in a document lacking all their
	// alternatives (the conjunction let it through by its language); bits
	// maps each alternative to the slots it fills (bit k: slot k).
	slots []map[string]bool
	soft  uint64
	bits  map[string]uint64
	// scratch: the positions of the phrase's words in the document
	locs []phraseLoc
}

type phraseLoc struct {
	pos  uint64
	bits uint64
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.must.Next(ctx)
		if err != nil || d == nil {
			return d, err
		}
		if s.matches(d) {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, ID index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.must.Advance(ctx, ID)
	if err != nil || d == nil {
		return d, err
	}
	if s.matches(d) {
		return d, nil
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}

// matches reports whether the document has the phrase: a position p with
// a word of slot k at p+k for every slot k that is required (not a gap,
// and for a soft slot, one of its words occurs in the document).
func (s *phraseSearcher) matches(d *search.DocumentMatch) bool {
	if len(s.slots) > 64 {
		return false // never built: queries have at most MaxQueryTerms words
	}
	if s.bits == nil {
		s.bits = make(map[string]uint64)
		for k, alts := range s.slots {
			for t := range alts {
				s.bits[t] |= 1 << k
			}
		}
	}
	locs := s.locs[:0]
	var present uint64
	// A term's locations come one after another: look it up once per run
	// (5 % of a phrase search over 900,000 candidates).
	var lastTerm string
	var lastBits uint64
	for _, ftl := range d.FieldTermLocations {
		if ftl.Field != s.field {
			continue
		}
		b := lastBits
		if ftl.Term != lastTerm {
			b = s.bits[ftl.Term]
			lastTerm, lastBits = ftl.Term, b
		}
		if b != 0 {
			locs = append(locs, phraseLoc{ftl.Location.Pos, b})
			present |= b
		}
	}
	s.locs = locs
	var required uint64
	anchor := -1
	for k, alts := range s.slots {
		if alts == nil || (s.soft&(1<<k) != 0 && present&(1<<k) == 0) {
			continue
		}
		required |= 1 << k
		if anchor < 0 {
			anchor = k
		}
	}
	if anchor < 0 {
		return true // only words this document's language does not index
	}
	a := uint64(anchor)
	for _, l := range locs {
		if l.bits&(1<<a) == 0 || l.pos < a {
			continue
		}
		start := l.pos - a
		ok := true
		for k := anchor + 1; k < len(s.slots) && ok; k++ {
			if required&(1<<k) == 0 {
				continue
			}
			ok = false
			for _, m := range locs {
				if m.pos == start+uint64(k) && m.bits&(1<<k) != 0 {
					ok = true
					break
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return 64 + s.must.Size() }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
func (s *phraseSearcher) Close() error               { return s.must.Close() }
