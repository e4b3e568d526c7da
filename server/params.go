package server

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// queryValues copies the query string of a request into url.Values (the
// copy is safe to keep after the handler returns). It refuses more than
// maxQueryArgs parameters.
func queryValues(c *fiber.Ctx) (url.Values, error) {
	v := url.Values{}
	n := 0
	for k, val := range c.Request().URI().QueryArgs().All() {
		n++
		if n <= maxQueryArgs {
			v.Add(string(k), string(val))
		}
	}
	if n > maxQueryArgs {
		return nil, invalidParam("", "The address has too many parameters (at most %d).", maxQueryArgs)
	}
	return v, nil
}

// Search parameters in canonical order. Multi-value filters repeat:
// ?buyer=A&buyer=B.
const (
	pQ         = "q"
	pBuyer     = "buyer"
	pSupplier  = "supplier"
	pBuyerType = "buyer_type"
	pCountry   = "country"
	pYear      = "year"
	pDateFrom  = "date_from"
	pDateTo    = "date_to"
	pMinAmount = "min_amount"
	pMaxAmount = "max_amount"
	pCurrency  = "currency"
	pMethod    = "method"
	pCategory  = "category"
	pRisk      = "risk"
	pSort      = "sort"
	pLimit     = "limit"
	pCursor    = "cursor"
)

var searchParamOrder = []string{pQ, pBuyer, pSupplier, pBuyerType, pCountry, pYear, pDateFrom, pDateTo,
	pMinAmount, pMaxAmount, pCurrency, pMethod, pCategory, pRisk, pSort, pLimit, pCursor}

var multiParams = map[string]bool{pBuyer: true, pSupplier: true, pBuyerType: true, pCountry: true,
	pYear: true, pCurrency: true, pMethod: true, pCategory: true, pRisk: true}

// filterParams are the parameters that narrow a search (not q, sort,
// limit or cursor).
var filterParams = []string{pBuyer, pSupplier, pBuyerType, pCountry, pYear, pDateFrom, pDateTo,
	pMinAmount, pMaxAmount, pCurrency, pMethod, pCategory, pRisk}

// query is a normalised, validated set of list parameters. It is a value:
// with and without return modified copies, so a page can build many links.
type query struct {
	order []string
	vals  map[string][]string
}

func newQuery(order []string) query { return query{order: order, vals: map[string][]string{}} }

func (q query) clone() query {
	out := query{order: q.order, vals: make(map[string][]string, len(q.vals))}
	for k, v := range q.vals {
		out.vals[k] = append([]string(nil), v...)
	}
	return out
}

func (q query) get(name string) string {
	if v := q.vals[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (q query) all(name string) []string { return q.vals[name] }

func (q query) has(name, value string) bool {
	for _, v := range q.vals[name] {
		if v == value {
			return true
		}
	}
	return false
}

// set replaces a parameter's values ("" removes it).
func (q query) set(name, value string) query {
	out := q.clone()
	if value == "" {
		delete(out.vals, name)
	} else {
		out.vals[name] = []string{value}
	}
	return out
}

// with adds a value of a multi-value parameter (or sets a single one).
func (q query) with(name, value string) query {
	if !multiParams[name] {
		return q.set(name, value)
	}
	if q.has(name, value) {
		return q.clone()
	}
	out := q.clone()
	out.vals[name] = append(out.vals[name], value)
	return out
}

// without removes one value of a parameter, or all of them when value is "".
func (q query) without(name, value string) query {
	out := q.clone()
	if value == "" {
		delete(out.vals, name)
		return out
	}
	var keep []string
	for _, v := range out.vals[name] {
		if v != value {
			keep = append(keep, v)
		}
	}
	if len(keep) == 0 {
		delete(out.vals, name)
	} else {
		out.vals[name] = keep
	}
	return out
}

// encode writes the parameters in canonical order.
func (q query) encode() string {
	var b strings.Builder
	for _, name := range q.order {
		for _, v := range q.vals[name] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// url returns path?query (or path alone).
func (q query) url(path string) string {
	if e := q.encode(); e != "" {
		return path + "?" + e
	}
	return path
}

// hiddenField is an <input type="hidden"> carrying state through a form.
type hiddenField struct {
	Name  string
	Value string
}

// hidden returns the parameters except the excluded ones as hidden fields.
func (q query) hidden(exclude ...string) []hiddenField {
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[e] = true
	}
	var out []hiddenField
	for _, name := range q.order {
		if skip[name] {
			continue
		}
		for _, v := range q.vals[name] {
			out = append(out, hiddenField{name, v})
		}
	}
	return out
}

// values returns the trimmed, non-empty, de-duplicated values of one
// parameter, refusing more than maxRepeated.
func values(v url.Values, name string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, s := range v[name] {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) > maxRepeated {
		return nil, invalidParam(name, "At most %d values of %q can be combined.", maxRepeated, name)
	}
	return out, nil
}

// single returns the one value of a single-value parameter.
func single(v url.Values, name string) (string, error) {
	vs, err := values(v, name)
	if err != nil {
		return "", err
	}
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", invalidParam(name, "The parameter %q can be given only once.", name)
}

func checkText(name, s string, max int) error {
	if !validText(s) {
		return invalidParam(name, "The value of %q contains characters that are not allowed.", name)
	}
	if len(s) > max {
		return invalidParam(name, "The value of %q is too long (at most %d bytes).", name, max)
	}
	return nil
}

// parseSearch validates the search parameters and returns the request for
// the Searcher and the normalised query for building links. Unknown
// parameters are ignored (so tracking parameters do not break links).
func parseSearch(v url.Values) (procure.SearchRequest, query, error) {
	var req procure.SearchRequest
	q := newQuery(searchParamOrder)

	// q
	qs, err := values(v, pQ)
	if err != nil {
		return req, q, err
	}
	text := strings.Join(qs, " ")
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
	if !validText(text) {
		return req, q, invalidParam(pQ, "The search query contains characters that are not allowed.")
	}
	if len(text) > procure.MaxQueryLength {
		return req, q, invalidParam(pQ, "The search query is too long: %d bytes, the limit is %d. Use fewer words.", len(text), procure.MaxQueryLength)
	}
	text = strings.TrimSpace(text)
	req.Q = text
	if text != "" {
		q.vals[pQ] = []string{text}
	}

	// identifier and code filters
	multi := []struct {
		name string
		max  int
		norm func(string) (string, bool)
		help string
	}{
		{pBuyer, maxIDLength, keep, ""},
		{pSupplier, maxIDLength, keep, ""},
		{pBuyerType, 16, normBuyerType, "one of education, police, health or other"},
		{pCountry, 2, normLetters(2), "a two-letter ISO country code such as US or UA"},
		{pYear, 4, normYear, "a year such as 2021"},
		{pCurrency, 3, normLetters(3), "a three-letter ISO currency code such as USD or EUR"},
		{pMethod, 64, keep, ""},
		{pCategory, 64, keep, ""},
		{pRisk, 64, keep, ""},
	}
	for _, f := range multi {
		vs, err := values(v, f.name)
		if err != nil {
			return req, q, err
		}
		for _, s := range vs {
			if err := checkText(f.name, s, max(f.max, 64)); err != nil {
				return req, q, err
			}
			n, ok := f.norm(s)
			if !ok || len(n) > f.max {
				if f.help != "" {
					return req, q, invalidParam(f.name, "%q is not a valid %s: use %s.", truncate(s, 40), f.name, f.help)
				}
				return req, q, invalidParam(f.name, "%q is not a valid value of %s.", truncate(s, 40), f.name)
			}
			if !q.has(f.name, n) {
				q.vals[f.name] = append(q.vals[f.name], n)
			}
		}
	}
	req.Buyer = q.all(pBuyer)
	req.Supplier = q.all(pSupplier)
	for _, s := range q.all(pBuyerType) {
		req.BuyerType = append(req.BuyerType, procure.BuyerType(s))
	}
	req.Country = q.all(pCountry)
	for _, s := range q.all(pYear) {
		y, _ := strconv.Atoi(s)
		req.Year = append(req.Year, y)
	}
	req.Currency = q.all(pCurrency)
	req.Method = q.all(pMethod)
	req.Category = q.all(pCategory)
	req.Risk = q.all(pRisk)

	// date range: date_to is inclusive for people, exclusive for the Searcher
	for _, name := range []string{pDateFrom, pDateTo} {
		s, err := single(v, name)
		if err != nil {
			return req, q, err
		}
		if s == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil || t.Year() < 1900 || t.Year() > 2200 {
			return req, q, invalidParam(name, "%q is not a date: write it as YYYY-MM-DD, e.g. 2021-03-31.", truncate(s, 40))
		}
		q.vals[name] = []string{t.Format("2006-01-02")}
		if name == pDateFrom {
			req.DateFrom = t
		} else {
			req.DateTo = t.AddDate(0, 0, 1)
		}
	}
	if !req.DateFrom.IsZero() && !req.DateTo.IsZero() && !req.DateFrom.Before(req.DateTo) {
		return req, q, invalidParam(pDateTo, "The end date is before the start date.")
	}

	// amount range
	for _, name := range []string{pMinAmount, pMaxAmount} {
		s, err := single(v, name)
		if err != nil {
			return req, q, err
		}
		if s == "" {
			continue
		}
		clean := strings.NewReplacer(",", "", "_", "", " ", "", nbsp, "").Replace(s)
		d, err := procure.ParseDecimal(clean)
		if err != nil || len(clean) > 40 {
			return req, q, invalidParam(name, "%q is not an amount: write a number such as 25000 or 1250.50.", truncate(s, 40))
		}
		q.vals[name] = []string{d.String()}
		if name == pMinAmount {
			req.MinAmount = &d
		} else {
			req.MaxAmount = &d
		}
	}
	if req.MinAmount != nil && req.MaxAmount != nil && req.MinAmount.Cmp(*req.MaxAmount) > 0 {
		return req, q, invalidParam(pMaxAmount, "The largest amount is smaller than the smallest amount.")
	}

	// sort, limit, cursor
	s, err := single(v, pSort)
	if err != nil {
		return req, q, err
	}
	switch s {
	case "", procure.SortRelevance, procure.SortDateDesc, procure.SortDateAsc, procure.SortAmountDesc, procure.SortAmountAsc:
		req.Sort = s
		if s != "" {
			q.vals[pSort] = []string{s}
		}
	default:
		return req, q, invalidParam(pSort, "%q is not a sort order: use relevance, date_desc, date_asc, amount_desc or amount_asc.", truncate(s, 40))
	}
	req.Limit, req.Cursor, err = parsePage(v, q, procure.MaxSearchLimit)
	if err != nil {
		return req, q, err
	}
	req.Facets = req.Cursor == ""
	req.Highlight = true
	return req, q, nil
}

// parsePage validates the limit (1 to max; 0 when absent) and the cursor,
// recording them in q. The limit is returned even when the cursor is
// refused.
func parsePage(v url.Values, q query, max int) (limit int, cursor string, err error) {
	limit, err = parseLimit(v, max)
	if err != nil {
		return 0, "", err
	}
	if limit > 0 {
		q.vals[pLimit] = []string{strconv.Itoa(limit)}
	}
	cursor, err = parseCursor(v)
	if err != nil {
		return limit, "", err
	}
	if cursor != "" {
		q.vals[pCursor] = []string{cursor}
	}
	return limit, cursor, nil
}

// parseListPage is parsePage for lists: an absent limit is
// defaultListLimit.
func parseListPage(v url.Values, q query, max int) (limit int, cursor string, err error) {
	limit, cursor, err = parsePage(v, q, max)
	if limit == 0 {
		limit = defaultListLimit
	}
	return limit, cursor, err
}

// parseBuyerType validates the single buyer_type parameter of a list and
// records it in q ("" when absent).
func parseBuyerType(v url.Values, q query) (procure.BuyerType, error) {
	bt, err := single(v, pBuyerType)
	if err != nil || bt == "" {
		return "", err
	}
	n, ok := normBuyerType(bt)
	if !ok {
		return "", invalidParam(pBuyerType, "%q is not a buyer type: use education, police, health or other.", truncate(bt, 40))
	}
	q.vals[pBuyerType] = []string{n}
	return procure.BuyerType(n), nil
}

func parseLimit(v url.Values, max int) (int, error) {
	s, err := single(v, pLimit)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, invalidParam(pLimit, "limit must be a whole number from 1 to %d.", max)
	}
	return n, nil
}

// parseCursor accepts an opaque cursor: printable ASCII without spaces,
// bounded in length. Its meaning is checked by whoever issued it.
func parseCursor(v url.Values) (string, error) {
	s, err := single(v, pCursor)
	if err != nil || s == "" {
		return "", err
	}
	if len(s) > maxCursorLength {
		return "", invalidParam(pCursor, "The page cursor is too long. Start again from the first page.")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return "", invalidParam(pCursor, "The page cursor is damaged. Start again from the first page.")
		}
	}
	return s, nil
}

func keep(s string) (string, bool) { return s, true }

func normBuyerType(s string) (string, bool) {
	t := procure.BuyerType(strings.ToLower(s))
	return string(t), t.Valid()
}

func normLetters(n int) func(string) (string, bool) {
	return func(s string) (string, bool) {
		s = strings.ToUpper(s)
		if len(s) != n {
			return "", false
		}
		for i := 0; i < n; i++ {
			if s[i] < 'A' || s[i] > 'Z' {
				return "", false
			}
		}
		return s, true
	}
}

func normYear(s string) (string, bool) {
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 1900 || y > 2200 {
		return "", false
	}
	return s, true
}

// agencyListParams are the parameters of /agencies in canonical order.
var agencyListOrder = []string{pQ, pBuyerType, pLimit, pCursor}

// parseAgencyList validates the agency list parameters.
func parseAgencyList(v url.Values) (procure.PageRequest, query, error) {
	var req procure.PageRequest
	q := newQuery(agencyListOrder)
	name, err := single(v, pQ)
	if err != nil {
		return req, q, err
	}
	if err := checkText(pQ, name, 200); err != nil {
		return req, q, err
	}
	if name != "" {
		req.Q = name
		q.vals[pQ] = []string{name}
	}
	bt, err := parseBuyerType(v, q)
	if err != nil {
		return req, q, err
	}
	req.BuyerType = bt
	req.Limit, req.Cursor, err = parseListPage(v, q, procure.MaxSearchLimit)
	return req, q, err
}

// sortedKeys returns the keys of a map in order (deterministic output).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
