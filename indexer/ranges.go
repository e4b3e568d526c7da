package indexer

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Dates and amounts are indexed lean (see MappingVersion): bleve's numeric
// fields index 16 prefix-coded terms per value, which cost more than all
// other keyword fields together. Instead:
//
//   - a date is three keyword terms, year "2019" (facet), month "201905" and
//     day "20190503" (doc values: the sort key); a date range becomes a
//     disjunction of at most ~100 whole years, whole months and days;
//   - an amount is its exact sort key (doc values), 16 hex digits of the
//     Decimal's units with the sign bit flipped, so byte order is numeric
//     order, plus its decimal magnitude; an amount range selects the
//     magnitudes it spans and checks the exact value from doc values.

// dayKey is the day term of t's calendar date (as published).
func dayKey(t time.Time) string { return t.Format("20060102") }

func monthKey(t time.Time) string { return t.Format("200601") }

func yearKey(t time.Time) string { return fmt.Sprintf("%04d", t.Year()) }

// calendarDay returns t's calendar date at 00:00 UTC.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateRangeQuery matches contracts whose calendar date is within [lo, hi]
// (inclusive days, UTC midnights).
func dateRangeQuery(lo, hi time.Time) query.Query {
	var qs []query.Query
	for d := lo; !d.After(hi); {
		switch {
		case d.YearDay() == 1 && !d.AddDate(1, 0, -1).After(hi):
			qs = append(qs, termQ(fYear, yearKey(d)))
			d = d.AddDate(1, 0, 0)
		case d.Day() == 1 && !d.AddDate(0, 1, -1).After(hi):
			qs = append(qs, termQ(fMonth, monthKey(d)))
			d = d.AddDate(0, 1, 0)
		default:
			qs = append(qs, termQ(fDate, dayKey(d)))
			d = d.AddDate(0, 0, 1)
		}
	}
	if len(qs) == 0 {
		return query.NewMatchNoneQuery()
	}
	return disj(qs)
}

// amountKey is the sort key of an amount in units (1/10000).
func amountKey(units int64) string {
	var b [8]byte
	u := uint64(units) ^ (1 << 63)
	for i := 7; i >= 0; i-- {
		b[i] = byte(u)
		u >>= 8
	}
	return hex.EncodeToString(b[:])
}

// parseAmountKey is the inverse of amountKey.
func parseAmountKey(s string) (int64, bool) {
	if len(s) != 16 {
		return 0, false
	}
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, false
	}
	return int64(u ^ (1 << 63)), true
}

// amountMag is the magnitude term of an amount: "n" for negative amounts,
// otherwise the number of digits of its whole part ("0" for amounts under 1).
func amountMag(units int64) string {
	if units < 0 {
		return "n"
	}
	whole := units / 10000
	n := 0
	for whole > 0 {
		n++
		whole /= 10
	}
	return strconv.Itoa(n)
}

// amountRangeQuery matches amounts in [lo, hi] (units, inclusive; nil =
// open).
type amountRangeQuery struct {
	lo, hi *int64
}

func newAmountRange(lo, hi *int64) query.Query {
	return &amountRangeQuery{lo: lo, hi: hi}
}

// magnitudes returns the magnitude terms an amount range can touch.
func (q *amountRangeQuery) magnitudes() []string {
	var out []string
	if q.lo == nil || *q.lo < 0 {
		out = append(out, "n")
	}
	from, to := 0, 19
	if q.lo != nil && *q.lo > 0 {
		from, _ = strconv.Atoi(amountMag(*q.lo))
	}
	if q.hi != nil {
		if *q.hi < 0 {
			return out
		}
		to, _ = strconv.Atoi(amountMag(*q.hi))
	}
	for m := from; m <= to; m++ {
		out = append(out, strconv.Itoa(m))
	}
	return out
}

// Searcher implements query.Query: the magnitude terms, filtered by the
// exact amount from doc values.
func (q *amountRangeQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	child := termsQ(fAmountMag, q.magnitudes())
	s, err := child.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	dvr, err := i.DocValueReader([]string{fAmount})
	if err != nil {
		s.Close()
		return nil, err
	}
	lo, hi := q.lo, q.hi
	return searcher.NewFilteringSearcher(ctx, s, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		ok := false
		_ = dvr.VisitDocValues(d.IndexInternalID, func(field string, term []byte) {
			v, valid := parseAmountKey(string(term))
			ok = valid && (lo == nil || v >= *lo) && (hi == nil || v <= *hi)
		})
		return ok
	}), nil
}
