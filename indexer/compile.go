package indexer

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/tenderlens/tenderlens/data/procure"
)

// maxPrefixExpansion is the number of distinct index words a prefix may
// stand for; beyond it the prefix is refused as too broad.
const maxPrefixExpansion = 20000

// prefixCounter counts the index words under a prefix, stopping at limit.
// The search side passes the served generation; nil skips the check.
type prefixCounter func(field, prefix string, limit int) (int, error)

// compiler turns a parsed query into a bleve query and collects what the
// highlighter needs.
type compiler struct {
	keepStop bool // search stop words too (when nothing else is left)
	// escape lets documents of the languages that drop a word lack it
	// (see stop.go): set when the query has a term with other words.
	escape    bool
	count     prefixCounter
	hl        *hlSet
	expensive bool // prefixes or phrases
	scored    bool // words that rank (not only prefixes and codes)
}

func newCompiler(count prefixCounter) *compiler {
	return &compiler{count: count, hl: newHLSet()}
}

// compile returns the query for the tree; nil means "everything".
func (c *compiler) compile(q *Query) (query.Query, error) {
	if q.Empty() {
		return nil, nil
	}
	c.escape = hasContent(q.Root)
	out, err := c.node(q.Root, false)
	if err == nil && out == nil {
		// Only stop words: search them after all.
		c.keepStop = true
		c.hl = newHLSet()
		out, err = c.node(q.Root, false)
	}
	return out, err
}

// hasContent reports whether a term of the tree has more than stop words
// of some language (or is not a word search: a field value, a prefix).
func hasContent(n Node) bool {
	if n.Kind != NodeTerm {
		for _, ch := range n.Children {
			if !ch.Exclude && hasContent(ch) {
				return true
			}
		}
		return false
	}
	if n.Term.Prefix || (n.Term.Field != "" && n.Term.Field != "title") {
		return true
	}
	for _, u := range units(n.Term.Text) {
		if u.cjk != nil || (!u.stop && len(u.soft) == 0) {
			return true
		}
	}
	return false
}

func (c *compiler) node(n Node, excluded bool) (query.Query, error) {
	switch n.Kind {
	case NodeTerm:
		return c.term(n.Term, excluded)
	case NodeOr:
		qs := make([]query.Query, 0, len(n.Children))
		for _, ch := range n.Children {
			q, err := c.node(ch, excluded)
			if err != nil {
				return nil, err
			}
			if q == nil {
				return nil, nil // one alternative matches everything
			}
			qs = append(qs, q)
		}
		return disj(qs), nil
	case NodeAnd:
		var must, not []query.Query
		for _, ch := range n.Children {
			q, err := c.node(ch, excluded || ch.Exclude)
			if err != nil {
				return nil, err
			}
			if q == nil {
				continue
			}
			if ch.Exclude {
				not = append(not, q)
			} else {
				must = append(must, q)
			}
		}
		if len(not) == 0 {
			return conj(must), nil
		}
		b := query.NewBooleanQuery(nil, nil, nil)
		if len(must) == 0 {
			b.AddMust(query.NewMatchAllQuery())
		} else {
			b.AddMust(must...)
		}
		b.AddMustNot(not...)
		return b, nil
	}
	return nil, nil
}

func conj(qs []query.Query) query.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func disj(qs []query.Query) query.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func termQ(field, term string) query.Query {
	q := query.NewTermQuery(term)
	q.SetField(field)
	return q
}

// termsQ matches the documents that have one of terms in field.
func termsQ(field string, terms []string) query.Query {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return termQ(field, terms[0])
	}
	return &formsQuery{field: field, terms: terms}
}

// formsQuery is the disjunction of the term queries of terms in field,
// leaving out, in the index snapshot searched, the terms no document has.
//
// A query word stands for its forms under every analyzer (alternatives),
// and most of them occur nowhere: on the peerbench corpus "maintenance" is
// indexed as its English stem "mainten", and its Romanian stem and the
// word itself are in no document. Each empty term was a branch of the
// disjunction that every candidate advanced, and bleve's disjunction
// score multiplies by the share of branches that match, so a word's
// weight against the other words of a query depended on how many forms it
// had rather than on the documents. The match set is the same either way.
type formsQuery struct {
	field string
	terms []string
}

func (q *formsQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	kept, err := presentTermSearchers(ctx, i, q.field, q.terms, options)
	if err != nil {
		return nil, err
	}
	switch len(kept) {
	case 0:
		return searcher.NewMatchNoneSearcher(i)
	case 1:
		return kept[0], nil
	}
	return searcher.NewDisjunctionSearcher(ctx, i, kept, 1, options)
}

// presentTermSearchers returns the term searchers of the terms that some
// document of i has in field.
func presentTermSearchers(ctx context.Context, i index.IndexReader, field string, terms []string, options search.SearcherOptions) ([]search.Searcher, error) {
	var kept []search.Searcher
	for _, t := range terms {
		if t == "" {
			continue
		}
		s, err := searcher.NewTermSearcher(ctx, i, t, field, 1.0, options)
		if err != nil {
			for _, k := range kept {
				_ = k.Close()
			}
			return nil, err
		}
		if s.Count() == 0 {
			_ = s.Close()
			continue
		}
		kept = append(kept, s)
	}
	return kept, nil
}

// unit is one analysed query word (its views), or a run of CJK characters.
type unit struct {
	v    [numViews]string
	cjk  []string // folded CJK characters of a run
	stop bool     // an English stop word: a gap (see stop.go)
	// soft lists the other languages that drop the word (not an English
	// stop word): required in documents of any other language.
	soft []langID
}

// units analyses a term's text into words and CJK runs.
func units(text string) []unit {
	var out []unit
	lastEnd := -1
	cut(text, func(p piece) {
		if p.cjk {
			ch := fold(p.text)
			if n := len(out); n > 0 && out[n-1].cjk != nil && lastEnd == p.start {
				out[n-1].cjk = append(out[n-1].cjk, ch)
			} else {
				out = append(out, unit{cjk: []string{ch}})
			}
			lastEnd = p.end
			return
		}
		v := views(p.text)
		u := unit{v: v, stop: stopWords[langEnglish][v[viewFold]]}
		if !u.stop {
			u.soft = stopLangs[v[viewFold]]
		}
		out = append(out, u)
		lastEnd = p.end
	})
	return out
}

// cjkTerms returns the terms that cover a CJK run: the character itself,
// or non-overlapping bigrams plus the last one.
func cjkTerms(run []string) []string {
	if len(run) == 1 {
		return run
	}
	var out []string
	for i := 0; i+1 < len(run); i += 2 {
		out = append(out, cjkBigram(run[i], run[i+1]))
	}
	if len(run)%2 == 1 {
		out = append(out, cjkBigram(run[len(run)-2], run[len(run)-1]))
	}
	return out
}

func (c *compiler) note(field string, terms []string, positive bool) {
	if !positive {
		return
	}
	for _, t := range terms {
		c.hl.words[t] = true
	}
}

// wordsQuery matches the units in field: all of them, and with phrase
// adjacent and in order (checked on the text field, the only one with
// positions; for other fields the words must also be in the field). Stop
// words are left out (gaps in phrases) unless c.keepStop. It returns nil
// when nothing constrains the match.
func (c *compiler) wordsQuery(field string, us []unit, phrase, positive bool) query.Query {
	var must []query.Query
	var seg []phraseSlot // the current phrase segment
	flush := func() {
		for len(seg) > 0 && seg[len(seg)-1].gap() {
			seg = seg[:len(seg)-1]
		}
		switch {
		case len(seg) == 1:
			must = append(must, seg[0].query(field))
		case len(seg) >= 2:
			must = append(must, newPhraseQuery(seg, fText))
			c.expensive = true
			if field != fText {
				for _, sl := range seg {
					if !sl.gap() {
						must = append(must, sl.query(field))
					}
				}
			}
		}
		seg = nil
	}
	c.scored = true
	for _, u := range us {
		if u.cjk != nil {
			flush()
			ts := cjkTerms(u.cjk)
			for _, t := range ts {
				must = append(must, termQ(field, t))
			}
			c.note(field, ts, positive)
			continue
		}
		if u.stop && !c.keepStop {
			if len(seg) > 0 {
				seg = append(seg, phraseSlot{}) // a gap
			}
			continue
		}
		sl := phraseSlot{alts: alternatives(u.v)}
		if c.escape && !c.keepStop && positive { // an excluded word excludes only documents that have it
			sl.langs = u.soft
		}
		c.note(field, sl.alts, positive)
		if phrase {
			seg = append(seg, sl)
			continue
		}
		must = append(must, sl.query(field))
	}
	flush()
	return conj(must)
}

func (c *compiler) term(t Term, excluded bool) (query.Query, error) {
	positive := !excluded
	switch t.Field {
	case "", "title":
		field := fText
		if t.Field == "title" {
			field = fTitle
		}
		if t.Field == "" && !t.Phrase && looksLikeOCID(t.Text) {
			// A pasted ocid: the contract itself (or the words, if not an ocid).
			if t.Prefix {
				return c.prefix(fOCID, []string{t.Text}, positive)
			}
			return disj(nonNil(termQ(fOCID, t.Text), c.wordsQuery(field, units(t.Text), false, positive))), nil
		}
		us := units(t.Text)
		if len(us) == 0 {
			return nil, nil
		}
		if t.Prefix {
			last := us[len(us)-1]
			var head query.Query
			if len(us) > 1 {
				head = c.wordsQuery(field, us[:len(us)-1], true, positive)
			}
			if last.cjk != nil {
				return conj(nonNil(head, c.wordsQuery(field, []unit{last}, false, positive))), nil
			}
			pq, err := c.prefix(field, prefixForms(last), positive)
			if err != nil {
				return nil, err
			}
			return conj(nonNil(head, pq)), nil
		}
		return c.wordsQuery(field, us, t.Phrase || len(us) > 1, positive), nil
	case "buyer", "supplier":
		nameField := fBuyerName
		if t.Field == "supplier" {
			nameField = fSuppName
		}
		id := normID(t.Text)
		if t.Prefix {
			forms := []string{id}
			if us := units(t.Text); len(us) == 1 && us[0].cjk == nil {
				forms = append(forms, prefixForms(us[0])...)
			}
			return c.prefix(nameField, forms, positive)
		}
		qs := []query.Query{termQ(nameField, id)}
		if us := units(t.Text); len(us) > 0 {
			if wq := c.wordsQuery(nameField, us, t.Phrase || len(us) > 1, positive); wq != nil {
				qs = append(qs, wq)
			}
		}
		return disj(qs), nil
	case "ocid":
		if t.Prefix {
			return c.prefix(fOCID, []string{strings.TrimSpace(t.Text)}, positive)
		}
		return termQ(fOCID, strings.TrimSpace(t.Text)), nil
	case "cpv":
		code := normCode(t.Text)
		if t.Prefix {
			return c.prefix(fCPV, []string{code}, positive)
		}
		return termQ(fCPV, code), nil
	case "country", "currency":
		return termQ(t.Field, strings.ToUpper(strings.TrimSpace(t.Text))), nil
	case "year":
		return termQ(fYear, strings.TrimSpace(t.Text)), nil
	case "method", "category", "buyer_type":
		return termQ(t.Field, strings.ToLower(strings.TrimSpace(t.Text))), nil
	}
	return nil, fmt.Errorf("field %q: %w", t.Field, procure.ErrInvalid)
}

func nonNil(qs ...query.Query) []query.Query {
	out := qs[:0]
	for _, q := range qs {
		if q != nil {
			out = append(out, q)
		}
	}
	return out
}

// prefixForms are the prefixes a word beginning is looked up by: its folded
// form and, when long enough, its skeleton.
func prefixForms(u unit) []string {
	out := []string{u.v[viewFold]}
	if s := u.v[viewSkeleton]; s != "" && s != out[0] && utf8.RuneCountInString(s) >= MinPrefixLength {
		out = append(out, s)
	}
	return out
}

func (c *compiler) prefix(field string, forms []string, positive bool) (query.Query, error) {
	c.expensive = true
	qs := make([]query.Query, 0, len(forms))
	for _, f := range forms {
		if f == "" {
			continue
		}
		if c.count != nil {
			n, err := c.count(field, f, maxPrefixExpansion)
			if err != nil {
				return nil, err
			}
			if n > maxPrefixExpansion {
				return nil, &procure.QueryError{Kind: procure.ErrTooExpensive, Offset: -1,
					Message: fmt.Sprintf("%q matches more than %d different words. Type more letters before the *.", f+"*", maxPrefixExpansion)}
			}
		}
		qs = append(qs, &prefixQuery{field: field, prefix: f, limit: maxPrefixExpansion})
		if positive && field != fOCID {
			c.hl.prefixes = append(c.hl.prefixes, f)
		}
	}
	return disj(qs), nil
}

func looksLikeOCID(s string) bool {
	return len(s) > 6 && strings.HasPrefix(strings.ToLower(s), "ocds-")
}

// filterQuery returns the non-scoring conjunction of the request's keyword
// filters (nil when there are none) and its date and amount filters, which
// are checked on the columns (nil when there are none).
func filterQuery(req *procure.SearchRequest) (query.Query, *colFilter, error) {
	var qs []query.Query
	add := func(field string, values []string, norm func(string) string) {
		if len(values) == 0 {
			return
		}
		terms := make([]string, 0, len(values))
		for _, v := range values {
			if n := norm(v); n != "" {
				terms = append(terms, n)
			}
		}
		if len(terms) == 0 {
			return
		}
		qs = append(qs, termsQ(field, terms))
	}
	same := strings.TrimSpace
	upper := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	lower := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	add(fBuyer, req.Buyer, same)
	add(fSupplier, req.Supplier, same)
	bts := make([]string, 0, len(req.BuyerType))
	for _, bt := range req.BuyerType {
		bts = append(bts, string(bt))
	}
	add(fBuyerType, bts, lower)
	add(fCountry, req.Country, upper)
	years := make([]string, 0, len(req.Year))
	for _, y := range req.Year {
		years = append(years, fmt.Sprintf("%04d", y))
	}
	add(fYear, years, same)
	add(fCurrency, req.Currency, upper)
	add(fMethod, req.Method, lower)
	add(fCategory, req.Category, lower)

	var cf colFilter
	if !req.DateFrom.IsZero() || !req.DateTo.IsZero() {
		if !req.DateFrom.IsZero() && !req.DateTo.IsZero() && !req.DateFrom.Before(req.DateTo) {
			return nil, nil, fmt.Errorf("date_from %s is not before date_to %s: %w",
				req.DateFrom.Format(time.DateOnly), req.DateTo.Format(time.DateOnly), procure.ErrInvalid)
		}
		cf.date = true
		cf.dayLo, cf.dayHi = 0, math.MaxInt32
		if !req.DateFrom.IsZero() {
			// Day precision: a DateFrom inside a day keeps that day.
			cf.dayLo = dayNum(calendarDay(req.DateFrom))
		}
		if !req.DateTo.IsZero() {
			// DateTo is exclusive; a DateTo inside a day keeps that day.
			hi := calendarDay(req.DateTo)
			if h, m, s := req.DateTo.Clock(); h == 0 && m == 0 && s == 0 && req.DateTo.Nanosecond() == 0 {
				hi = hi.AddDate(0, 0, -1)
			}
			cf.dayHi = dayNum(hi)
		}
	}
	if req.MinAmount != nil || req.MaxAmount != nil {
		if req.MinAmount != nil && req.MaxAmount != nil && req.MinAmount.Cmp(*req.MaxAmount) > 0 {
			return nil, nil, fmt.Errorf("min_amount %s is greater than max_amount %s: %w", req.MinAmount, req.MaxAmount, procure.ErrInvalid)
		}
		cf.amount = true
		if req.MinAmount != nil {
			v := req.MinAmount.Units()
			cf.amtLo = &v
		}
		if req.MaxAmount != nil {
			v := req.MaxAmount.Units()
			cf.amtHi = &v
		}
	}
	if cf.empty() {
		return conj(qs), nil, nil
	}
	return conj(qs), &cf, nil
}

// prefixQuery matches the words of field that start with prefix. Unlike
// bleve's prefix query it does not fail beyond the clause cap: the
// expansion (at most limit words; the compiler refuses broader prefixes)
// is matched without scoring (a constant-score rewrite, as Lucene does), so
// bleve can union the postings in batches. Prefix terms thus rank nothing;
// other words of the query do, and equal scores (every match of a query of
// prefixes only) are ordered by ocid.
type prefixQuery struct {
	field, prefix string
	limit         int
}

func (q *prefixQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	d, err := i.FieldDictPrefix(q.field, []byte(q.prefix))
	if err != nil {
		return nil, err
	}
	var terms []string
	for {
		e, err := d.Next()
		if err != nil {
			d.Close()
			return nil, err
		}
		if e == nil {
			break
		}
		terms = append(terms, e.Term)
		if len(terms) > q.limit {
			d.Close()
			return nil, fmt.Errorf("prefix %s* expands to more than %d words: %w", q.prefix, q.limit, procure.ErrTooExpensive)
		}
	}
	d.Close()
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(i)
	}
	unscored := options
	unscored.Score = "none"
	unscored.IncludeTermVectors = false
	return searcher.NewMultiTermSearcher(ctx, i, terms, q.field, 1.0, unscored, false)
}
