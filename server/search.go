package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// searchPage is the view model of /search.
type searchPage struct {
	Meta   pageMeta
	Status int // HTTP status: 200, or 400 for a refused query or bad filter
	Q      string
	Box    searchBox
	// Refused explains why the query or a parameter was refused.
	Refused string
	Summary string // "About 10,000 contracts", "1 contract"
	Browse  bool   // no words: every contract matching the filters, newest first
	Hits    []hitView
	Empty   bool // searched, nothing found
	Facets  []facetView
	// FacetsPartial is true when counting was cut short.
	FacetsPartial bool
	Active        []activeFilter
	ClearURL      string // same words, no filters
	SortOptions   []option
	QueryHidden   []hiddenField // state kept by the search box
	SortHidden    []hiddenField // state kept by the sort form
	RangeHidden   []hiddenField // state kept by the dates-and-amounts form
	DateFrom      string
	DateTo        string
	MinAmount     string
	MaxAmount     string
	NextURL       string
	FirstURL      string // on pages after the first
	Examples      []queryExample
}

// hitView is one search result.
type hitView struct {
	OCID          string
	Title         string
	URL           string
	Lang          string
	Buyer         partyView
	BuyerType     string
	Suppliers     []partyView
	MoreSuppliers string
	Amount        string
	Date          dateView
	Snippet       []procure.Fragment
}

// facetView is one facet of the filter panel.
type facetView struct {
	Name   string
	Title  string
	Values []facetValue
}

// facetValue is one value of a facet: a link that adds or removes it.
type facetValue struct {
	Label  string
	Count  string // "1,234"
	Words  string // "1,234 contracts", for screen readers
	URL    string // "" when the value cannot be used as a filter
	Active bool
}

// activeFilter is one applied filter with a link that removes it.
type activeFilter struct {
	Label     string
	Value     string
	RemoveURL string
}

// option is one <option> of a select.
type option struct {
	Value    string
	Label    string
	Selected bool
}

// queryExample shows the search language on refusals, empty results and
// the methodology page.
type queryExample struct {
	Query   string
	Explain string
	URL     string
}

var queryExamples = func() []queryExample {
	ex := []queryExample{
		{Query: "school buses", Explain: "contracts that mention both words"},
		{Query: `"body armour"`, Explain: "the exact phrase"},
		{Query: "laptops -rental", Explain: "laptops, but not rentals"},
		{Query: "police OR sheriff", Explain: "either word"},
		{Query: "comput*", Explain: "words starting with “comput” (at least 3 letters before the *)"},
		{Query: "supplier:acme", Explain: "a word in a supplier's name"},
		{Query: "title:ambulance", Explain: "a word in the title only"},
		{Query: "year:2021 country:UA", Explain: "contracts of 2021 by Ukrainian buyers"},
		{Query: "cpv:33100000", Explain: "items with this CPV classification code"},
	}
	for i := range ex {
		ex[i].URL = searchPath(pQ, ex[i].Query)
	}
	return ex
}()

var facetTitles = map[string]string{
	procure.FacetBuyerType: "Buyer type",
	procure.FacetYear:      "Year",
	procure.FacetBuyer:     "Buyer",
	procure.FacetSupplier:  "Supplier",
	procure.FacetCountry:   "Buyer country",
	procure.FacetCurrency:  "Currency",
	procure.FacetMethod:    "Procurement method",
	procure.FacetCategory:  "Category",
	procure.FacetAmount:    "Amount",
}

var sortLabels = []option{
	{Value: procure.SortRelevance, Label: "Best match"},
	{Value: procure.SortDateDesc, Label: "Newest first"},
	{Value: procure.SortDateAsc, Label: "Oldest first"},
	{Value: procure.SortAmountDesc, Label: "Largest amount first"},
	{Value: procure.SortAmountAsc, Label: "Smallest amount first"},
}

// buildSearch runs a search for the HTML page. Refused queries and invalid
// parameters give a page with Status 400 and the reason; only failures of
// the Searcher itself (unavailable, internal) are returned as errors.
func (s site) buildSearch(ctx context.Context, search Searcher, namer PartyNamer, v url.Values) (searchPage, error) {
	req, q, perr := parseSearch(v)
	p := searchPage{Status: http.StatusOK, Q: req.Q, Examples: queryExamples}
	p.Meta = s.meta(searchTitle(req.Q), q.url("/search"), q.url("/api/v1/search"), "search")
	p.Meta.Description = "Search public contracts and awards by words, buyer, supplier, year, amount and more."
	if perr != nil {
		// keep what was typed in the box, even though it was refused
		p.Q = strings.TrimSpace(v.Get(pQ))
		if len(p.Q) > 2*procure.MaxQueryLength {
			p.Q = truncate(p.Q, procure.MaxQueryLength)
		}
		return s.refusedSearch(p, q, perr)
	}
	p.Browse = req.Q == ""
	s.fillSearchForms(&p, q, req)

	res, err := search.Search(ctx, req)
	if err != nil {
		var qe *procure.QueryError
		if errors.As(err, &qe) || errors.Is(err, procure.ErrInvalid) || errors.Is(err, procure.ErrTooExpensive) {
			return s.refusedSearch(p, q, err)
		}
		return searchPage{}, err
	}

	p.Summary = resultSummary(res.Total, res.TotalExact)
	names := map[string]string{}
	for _, h := range res.Hits {
		p.Hits = append(p.Hits, hitToView(h))
		names[pBuyer+"\x00"+h.Buyer.ID] = h.Buyer.Name
		for _, sp := range h.Suppliers {
			names[pSupplier+"\x00"+sp.ID] = sp.Name
		}
	}
	p.Empty = len(res.Hits) == 0 && req.Cursor == ""
	if res.Facets != nil {
		p.Facets = buildFacets(res.Facets, q, names)
		p.FacetsPartial = res.FacetsPartial
	}
	lookupPartyNames(ctx, namer, q, names)
	p.Active = activeFilters(q, names)
	if res.NextCursor != "" {
		p.NextURL = q.set(pCursor, res.NextCursor).url("/search")
		p.Meta.Next = s.abs(p.NextURL)
	}
	if req.Cursor != "" {
		p.FirstURL = q.without(pCursor, "").url("/search")
	}
	return p, nil
}

func searchTitle(q string) string {
	if q == "" {
		return "Search contracts"
	}
	return "Search: " + q
}

// refusedSearch turns a refusal into a 400 page that keeps the form and
// explains what to change.
func (s site) refusedSearch(p searchPage, q query, err error) (searchPage, error) {
	status, msg, _, _ := classify(err)
	if status != http.StatusBadRequest {
		return searchPage{}, err
	}
	p.Status = status
	p.Refused = msg
	p.Hits = nil
	p.Meta.NoIndex = true
	p.Meta.JSON = ""
	p.Active = activeFilters(q, map[string]string{})
	s.fillSearchForms(&p, q, procure.SearchRequest{Q: p.Q})
	return p, nil
}

func (s site) fillSearchForms(p *searchPage, q query, req procure.SearchRequest) {
	first := q.without(pCursor, "")
	p.QueryHidden = first.hidden(pQ, pCursor)
	p.Box = searchBox{Q: p.Q, Hidden: p.QueryHidden}
	p.SortHidden = first.hidden(pSort, pCursor)
	p.RangeHidden = first.hidden(pDateFrom, pDateTo, pMinAmount, pMaxAmount, pCursor)
	p.DateFrom, p.DateTo = q.get(pDateFrom), q.get(pDateTo)
	p.MinAmount, p.MaxAmount = q.get(pMinAmount), q.get(pMaxAmount)
	clear := newQuery(searchParamOrder)
	if req.Q != "" {
		clear = clear.set(pQ, req.Q)
	}
	for _, k := range []string{pSort, pLimit} {
		if v := q.get(k); v != "" {
			clear = clear.set(k, v)
		}
	}
	p.ClearURL = clear.url("/search")
	current := q.get(pSort)
	if current == "" {
		current = procure.SortDateDesc
		if req.Q != "" {
			current = procure.SortRelevance
		}
	}
	p.SortOptions = nil
	for _, o := range sortLabels {
		if o.Value == procure.SortRelevance && req.Q == "" {
			continue
		}
		o.Selected = o.Value == current
		p.SortOptions = append(p.SortOptions, o)
	}
}

func resultSummary(total int, exact bool) string {
	switch {
	case total == 0:
		return "No contracts found"
	case !exact:
		return "About " + plural(total, "contract", "contracts")
	}
	return plural(total, "contract", "contracts")
}

func hitToView(h procure.Hit) hitView {
	v := hitView{
		OCID:      h.OCID,
		Title:     h.Title,
		URL:       contractPath(h.OCID),
		Lang:      langTag(h.Language),
		Buyer:     agencyLink(h.Buyer),
		Date:      formatDate(h.Date),
		Snippet:   h.Snippet,
		BuyerType: buyerTypeLabel(h.BuyerType),
	}
	if strings.TrimSpace(v.Title) == "" {
		v.Title = "Untitled contracting process " + h.OCID
		v.Lang = ""
	}
	if h.Buyer.ID == "" {
		v.Buyer.URL = ""
	}
	const maxShown = 5
	for i, sp := range h.Suppliers {
		if i == maxShown {
			v.MoreSuppliers = "and " + plural(len(h.Suppliers)-maxShown, "other supplier", "other suppliers")
			break
		}
		v.Suppliers = append(v.Suppliers, supplierLink(sp))
	}
	if hasMoney(h.Amount) {
		v.Amount = formatMoney(h.Amount)
	}
	return v
}

// hasMoney reports whether a summary amount is set: a zero amount without a
// currency means "no value published".
func hasMoney(m procure.Money) bool { return !(m.Amount.IsZero() && m.Currency == "") }

func buyerTypeLabel(t procure.BuyerType) string {
	if t == "" {
		return ""
	}
	return t.Label()
}

// facetValueLabel names a facet value for people.
func facetValueLabel(facet string, fc procure.FacetCount) string {
	switch facet {
	case procure.FacetBuyerType:
		return procure.BuyerType(fc.Value).Label()
	case procure.FacetMethod, procure.FacetCategory:
		if fc.Label != "" && fc.Label != fc.Value {
			return fc.Label
		}
		return humanize(fc.Value)
	case procure.FacetCurrency:
		if fc.Value == "" {
			return "Not stated"
		}
	}
	if strings.TrimSpace(fc.Label) != "" {
		return fc.Label
	}
	if fc.Value == "" {
		return "Not stated"
	}
	return fc.Value
}

func buildFacets(facets map[string][]procure.FacetCount, q query, names map[string]string) []facetView {
	base := q.without(pCursor, "")
	var out []facetView
	seen := map[string]bool{}
	order := append(append([]string(nil), procure.Facets...), sortedKeys(facets)...)
	for _, name := range order {
		counts, ok := facets[name]
		if !ok || seen[name] || len(counts) == 0 {
			continue
		}
		seen[name] = true
		title := facetTitles[name]
		if title == "" {
			title = humanize(name)
		}
		fv := facetView{Name: name, Title: title}
		for _, fc := range counts {
			val := facetValue{Label: facetValueLabel(name, fc), Count: formatInt(fc.Count), Words: plural(fc.Count, "contract", "contracts")}
			switch {
			case name == procure.FacetAmount:
				min, max, ok := parseAmountRange(fc.Value)
				if ok {
					active := base.get(pMinAmount) == min && base.get(pMaxAmount) == max
					val.Active = active
					if active {
						val.URL = base.without(pMinAmount, "").without(pMaxAmount, "").url("/search")
					} else {
						val.URL = base.set(pMinAmount, min).set(pMaxAmount, max).url("/search")
					}
				}
				if fc.Label == "" {
					val.Label = amountRangeLabel(min, max, fc.Value)
				}
			case multiParams[name] && fc.Value != "":
				val.Active = base.has(name, fc.Value)
				if val.Active {
					val.URL = base.without(name, fc.Value).url("/search")
				} else {
					val.URL = base.with(name, fc.Value).url("/search")
				}
				if name == pBuyer || name == pSupplier {
					if fc.Label != "" {
						names[name+"\x00"+fc.Value] = fc.Label
					}
				}
			}
			fv.Values = append(fv.Values, val)
		}
		out = append(out, fv)
	}
	return out
}

// parseAmountRange turns an amount facet value into min_amount/max_amount
// parameter values. It reads the indexer's bands ("lt10k", "10k-100k",
// "ge10m": upper bounds exclusive, so the maximum is one unit below) and
// generic inclusive ranges "LOW..HIGH" (either side may be empty).
func parseAmountRange(v string) (min, max string, ok bool) {
	v = strings.TrimSpace(strings.ToLower(v))
	below := func(s string) (string, bool) {
		d, ok := parseSuffixed(s)
		if !ok {
			return "", false
		}
		d, err := d.Add(procure.DecimalFromUnits(-1))
		return d.String(), err == nil
	}
	at := func(s string) (string, bool) {
		d, ok := parseSuffixed(s)
		return d.String(), ok
	}
	switch {
	case strings.HasPrefix(v, "lt"):
		max, ok = below(v[2:])
		return "", max, ok
	case strings.HasPrefix(v, "ge"):
		min, ok = at(v[2:])
		return min, "", ok
	}
	if lo, hi, found := strings.Cut(v, ".."); found {
		if lo != "" {
			if min, ok = at(lo); !ok {
				return "", "", false
			}
		}
		if hi != "" {
			if max, ok = at(hi); !ok {
				return "", "", false
			}
		}
		return min, max, min != "" || max != ""
	}
	lo, hi, found := strings.Cut(v, "-")
	if !found || lo == "" || hi == "" {
		return "", "", false
	}
	if min, ok = at(lo); !ok {
		return "", "", false
	}
	max, ok = below(hi)
	return min, max, ok
}

// parseSuffixed parses a non-negative amount with an optional k, m or bn
// suffix: "10k" = 10000.
func parseSuffixed(s string) (procure.Decimal, bool) {
	s = strings.TrimSpace(s)
	exp := ""
	for _, suf := range []struct{ s, e string }{{"bn", "e9"}, {"k", "e3"}, {"m", "e6"}, {"b", "e9"}} {
		if strings.HasSuffix(s, suf.s) {
			s, exp = strings.TrimSuffix(s, suf.s), suf.e
			break
		}
	}
	if s == "" || strings.ContainsAny(s, "+-") || exp != "" && strings.ContainsAny(s, "eE") {
		return procure.Decimal{}, false
	}
	d, err := procure.ParseDecimal(s + exp)
	return d, err == nil
}

func amountRangeLabel(min, max, raw string) string {
	dec := func(s string) string {
		d, err := procure.ParseDecimal(s)
		if err != nil {
			return s
		}
		f := d.Float64()
		return compactNumber(f)
	}
	switch {
	case min != "" && max != "":
		return dec(min) + "–" + dec(max)
	case min != "":
		return dec(min) + " or more"
	case max != "":
		return "Up to " + dec(max)
	}
	return raw
}

// lookupPartyNames asks the optional PartyNamer for names of filtered
// buyers and suppliers that the results did not name.
func lookupPartyNames(ctx context.Context, namer PartyNamer, q query, names map[string]string) {
	if namer == nil {
		return
	}
	var ids []string
	for _, name := range []string{pBuyer, pSupplier} {
		for _, id := range q.all(name) {
			if names[name+"\x00"+id] == "" {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	got, err := namer.PartyNames(ctx, ids)
	if err != nil {
		return // names are a nicety; IDs are shown instead
	}
	for _, name := range []string{pBuyer, pSupplier} {
		for _, id := range q.all(name) {
			if n := got[id]; n != "" && names[name+"\x00"+id] == "" {
				names[name+"\x00"+id] = n
			}
		}
	}
}

func activeFilters(q query, names map[string]string) []activeFilter {
	base := q.without(pCursor, "")
	var out []activeFilter
	for _, name := range filterParams {
		for _, v := range q.all(name) {
			f := activeFilter{Value: v, RemoveURL: base.without(name, v).url("/search")}
			switch name {
			case pBuyer, pSupplier:
				f.Label = humanize(name)
				if n := names[name+"\x00"+v]; n != "" {
					f.Value = n
				}
			case pBuyerType:
				f.Label = "Buyer type"
				f.Value = procure.BuyerType(v).Label()
			case pCountry:
				f.Label = "Buyer country"
			case pYear:
				f.Label = "Year"
			case pDateFrom:
				f.Label = "From"
			case pDateTo:
				f.Label = "Until"
			case pMinAmount:
				f.Label = "Amount at least"
				f.Value = amountText(v)
			case pMaxAmount:
				f.Label = "Amount at most"
				f.Value = amountText(v)
				if d, err := procure.ParseDecimal(v); err == nil && d.Sign() > 0 && d.Units()%10000 == 9999 {
					// an exclusive band bound ("under 100k") stored as 99999.9999
					next, _ := d.Add(procure.DecimalFromUnits(1))
					f.Label = "Amount below"
					f.Value = formatDecimal(next)
				}
			case pCurrency:
				f.Label = "Currency"
			case pMethod:
				f.Label = "Procurement method"
				f.Value = humanize(v)
			case pCategory:
				f.Label = "Category"
				f.Value = humanize(v)
			case pRisk:
				f.Label = "Risk"
			}
			out = append(out, f)
		}
	}
	return out
}

func amountText(s string) string {
	d, err := procure.ParseDecimal(s)
	if err != nil {
		return s
	}
	return formatDecimal(d)
}

// API answer of /api/v1/search.

type apiParty struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type apiHit struct {
	OCID      string             `json:"ocid"`
	Title     string             `json:"title"`
	Buyer     apiParty           `json:"buyer"`
	BuyerType string             `json:"buyer_type"`
	Suppliers []apiParty         `json:"suppliers"`
	Amount    *procure.Money     `json:"amount"` // null when no value was published
	Date      *string            `json:"date"`   // RFC 3339; null when unknown
	Language  string             `json:"language,omitempty"`
	URL       string             `json:"url"`
	Snippet   []procure.Fragment `json:"snippet,omitempty"`
}

type apiSearchResult struct {
	Total         int                             `json:"total"`
	TotalExact    bool                            `json:"total_exact"`
	Hits          []apiHit                        `json:"hits"`
	Facets        map[string][]procure.FacetCount `json:"facets"`
	FacetsPartial bool                            `json:"facets_partial,omitempty"`
	NextCursor    *string                         `json:"next_cursor"`
	Next          string                          `json:"next,omitempty"` // URL of the next page
}

func (s site) apiSearch(ctx context.Context, search Searcher, v url.Values) (apiSearchResult, error) {
	req, q, err := parseSearch(v)
	if err != nil {
		return apiSearchResult{}, err
	}
	res, err := search.Search(ctx, req)
	if err != nil {
		return apiSearchResult{}, err
	}
	out := apiSearchResult{
		Total:         res.Total,
		TotalExact:    res.TotalExact,
		Hits:          make([]apiHit, 0, len(res.Hits)),
		Facets:        res.Facets,
		FacetsPartial: res.FacetsPartial,
	}
	if out.Facets == nil {
		out.Facets = map[string][]procure.FacetCount{}
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, s.apiHit(h))
	}
	if res.NextCursor != "" {
		c := res.NextCursor
		out.NextCursor = &c
		out.Next = s.abs(q.set(pCursor, c).url("/api/v1/search"))
	}
	return out, nil
}

func (s site) apiHit(h procure.Hit) apiHit {
	a := apiHit{
		OCID:      h.OCID,
		Title:     h.Title,
		Buyer:     apiParty{ID: h.Buyer.ID, Name: h.Buyer.Name},
		BuyerType: string(h.BuyerType),
		Suppliers: make([]apiParty, 0, len(h.Suppliers)),
		Language:  h.Language,
		URL:       s.abs(contractPath(h.OCID)),
		Snippet:   h.Snippet,
	}
	for _, sp := range h.Suppliers {
		a.Suppliers = append(a.Suppliers, apiParty{ID: sp.ID, Name: sp.Name})
	}
	if hasMoney(h.Amount) {
		m := h.Amount
		a.Amount = &m
	}
	if !h.Date.IsZero() {
		d := h.Date.UTC().Format(time.RFC3339)
		a.Date = &d
	}
	return a
}
