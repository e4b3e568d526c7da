package indexer

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Cursors (search-after pagination).
//
// A cursor is the sort key of the last hit of a page: its sort values (the
// score as a decimal, the prefix-coded day or amount exactly as the index
// holds them, and the ocid, which makes every order total) plus the sort
// kind and a fingerprint of the search it belongs to, with a checksum,
// base64url-encoded. Cursors are validated, not trusted: a cursor that does
// not decode, belongs to another search or sort, or holds values no index
// could have produced is refused with ErrInvalid. Walking costs the same on
// every page, so there is no limit on how far one can go.

const (
	cursorVersion  = 1
	maxCursorBytes = 2048
	maxOCIDBytes   = 512
)

// sortKind is the effective sort of a search.
type sortKind byte

const (
	sortRelevance sortKind = iota + 1
	sortDateDesc
	sortDateAsc
	sortAmountDesc
	sortAmountAsc
)

func parseSort(s string, hasQuery bool) (sortKind, error) {
	switch s {
	case "":
		if hasQuery {
			return sortRelevance, nil
		}
		return sortDateDesc, nil
	case procure.SortRelevance:
		if !hasQuery {
			return sortDateDesc, nil // nothing to rank: newest first
		}
		return sortRelevance, nil
	case procure.SortDateDesc:
		return sortDateDesc, nil
	case procure.SortDateAsc:
		return sortDateAsc, nil
	case procure.SortAmountDesc:
		return sortAmountDesc, nil
	case procure.SortAmountAsc:
		return sortAmountAsc, nil
	}
	return 0, &procure.QueryError{Kind: procure.ErrInvalid, Offset: -1,
		Message: "Unknown sort " + strconv.Quote(s) + ". Use one of: relevance, date_desc, date_asc, amount_desc, amount_asc."}
}

// order returns the bleve sort order of a sort kind. Missing dates and
// amounts sort last in both directions; the ocid breaks every tie.
func (k sortKind) order() search.SortOrder {
	field := func(name string, desc bool) *search.SortField {
		return &search.SortField{Field: name, Desc: desc, Type: search.SortFieldAuto, Mode: search.SortFieldDefault, Missing: search.SortFieldMissingLast}
	}
	// The ocid (the document ID) breaks ties; searches set it on each
	// match from the ID columns (ids.go), so bleve need not read it.
	ocid := &search.SortDocID{}
	switch k {
	case sortRelevance:
		return search.SortOrder{&search.SortScore{Desc: true}, ocid}
	case sortDateAsc:
		return search.SortOrder{field(fDate, false), ocid}
	case sortAmountDesc:
		return search.SortOrder{field(fAmount, true), ocid}
	case sortAmountAsc:
		return search.SortOrder{field(fAmount, false), ocid}
	}
	return search.SortOrder{field(fDate, true), ocid}
}

// slots describes each sort value of a kind, for validation.
func (k sortKind) slots() []byte {
	switch k {
	case sortRelevance:
		return []byte{'s', 'o'}
	case sortAmountAsc, sortAmountDesc:
		return []byte{'a', 'o'}
	default:
		return []byte{'d', 'o'}
	}
}

type cursor struct {
	kind   sortKind
	fp     [8]byte
	values []string
}

func encodeCursor(c cursor) string {
	b := make([]byte, 0, 64)
	b = append(b, cursorVersion, byte(c.kind))
	b = append(b, c.fp[:]...)
	b = binary.AppendUvarint(b, uint64(len(c.values)))
	for _, v := range c.values {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

func badCursor(why string) error {
	return &procure.QueryError{Kind: procure.ErrInvalid, Offset: -1,
		Message: "The page link is not valid (" + why + "). Start again from the first page of results."}
}

// decodeCursor decodes and validates a cursor for a search of kind k with
// fingerprint fp.
func decodeCursor(s string, k sortKind, fp [8]byte) (cursor, error) {
	var c cursor
	if len(s) > maxCursorBytes {
		return c, badCursor("too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2+8+1+4 {
		return c, badCursor("cannot be read")
	}
	body, sum := b[:len(b)-4], b[len(b)-4:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return c, badCursor("damaged")
	}
	if body[0] != cursorVersion {
		return c, badCursor("from another version")
	}
	c.kind = sortKind(body[1])
	copy(c.fp[:], body[2:10])
	if c.kind != k {
		return c, badCursor("made for another sort order")
	}
	if c.fp != fp {
		return c, badCursor("made for another search")
	}
	rest := body[10:]
	n, w := binary.Uvarint(rest)
	slots := k.slots()
	if w <= 0 || n != uint64(len(slots)) {
		return c, badCursor("damaged")
	}
	rest = rest[w:]
	for i := 0; i < len(slots); i++ {
		l, w := binary.Uvarint(rest)
		if w <= 0 || l > uint64(len(rest)-w) {
			return c, badCursor("damaged")
		}
		v := string(rest[w : w+int(l)])
		rest = rest[w+int(l):]
		if !validSortValue(slots[i], v) {
			return c, badCursor("damaged")
		}
		c.values = append(c.values, v)
	}
	if len(rest) != 0 {
		return c, badCursor("damaged")
	}
	return c, nil
}

func validSortValue(slot byte, v string) bool {
	switch slot {
	case 's':
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	case 'd':
		if v == search.HighTerm || v == search.LowTerm {
			return true
		}
		_, err := time.Parse("20060102", v)
		return err == nil
	case 'a':
		if v == search.HighTerm || v == search.LowTerm {
			return true
		}
		_, ok := parseAmountKey(v)
		return ok
	case 'o':
		return v != "" && len(v) <= maxOCIDBytes && utf8.ValidString(v)
	}
	return false
}

// cursorValues returns the search-after values of a hit.
func cursorValues(k sortKind, hit *search.DocumentMatch) []string {
	vals := make([]string, len(hit.Sort))
	copy(vals, hit.Sort)
	if k == sortRelevance && len(vals) > 0 {
		vals[0] = strconv.FormatFloat(hit.Score, 'g', -1, 64)
	}
	return vals
}

// fingerprint identifies a search (query, filters and sort) for cursors.
func fingerprint(q *Query, req *procure.SearchRequest, k sortKind) [8]byte {
	h := sha256.New()
	w := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
	}
	w("q", q.String())
	w("buyer", strings.Join(req.Buyer, "\x1f"))
	w("supplier", strings.Join(req.Supplier, "\x1f"))
	bts := make([]string, len(req.BuyerType))
	for i, b := range req.BuyerType {
		bts[i] = string(b)
	}
	w("buyer_type", strings.Join(bts, "\x1f"))
	w("country", strings.Join(req.Country, "\x1f"))
	years := make([]string, len(req.Year))
	for i, y := range req.Year {
		years[i] = strconv.Itoa(y)
	}
	w("year", strings.Join(years, "\x1f"))
	w("currency", strings.Join(req.Currency, "\x1f"))
	w("method", strings.Join(req.Method, "\x1f"))
	w("category", strings.Join(req.Category, "\x1f"))
	if !req.DateFrom.IsZero() {
		w("from", req.DateFrom.UTC().String())
	}
	if !req.DateTo.IsZero() {
		w("to", req.DateTo.UTC().String())
	}
	if req.MinAmount != nil {
		w("min", req.MinAmount.String())
	}
	if req.MaxAmount != nil {
		w("max", req.MaxAmount.String())
	}
	w("sort", strconv.Itoa(int(k)))
	var fp [8]byte
	copy(fp[:], h.Sum(nil))
	return fp
}
