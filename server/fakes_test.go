package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// fakeData is an in-memory Catalog, Searcher and SourceLister. Every text
// field is built by the text function, so the XSS test can put payloads
// everywhere the pages print data.
type fakeData struct {
	mu        sync.Mutex
	contracts map[string]procure.ContractDetail
	releases  map[string]procure.SourceRelease // ocid + "\x00" + id
	agencies  map[string]procure.AgencyDetail
	suppliers map[string]procure.SupplierDetail
	list      procure.AgencyList
	stats     procure.Stats
	results   procure.SearchResults
	sources   []procure.SourceStatus
	names     map[string]string

	// errors to return, by method name ("Search", "Contract", ...)
	errs map[string]error
	// lastSearch records the last SearchRequest.
	lastSearch procure.SearchRequest
	lastPage   procure.PageRequest
}

func (f *fakeData) err(method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errs[method]
}

func (f *fakeData) Search(ctx context.Context, req procure.SearchRequest) (procure.SearchResults, error) {
	f.mu.Lock()
	f.lastSearch = req
	f.mu.Unlock()
	if err := f.err("Search"); err != nil {
		return procure.SearchResults{}, err
	}
	res := f.results
	if !req.Facets {
		res.Facets = nil
	}
	return res, nil
}

func (f *fakeData) Contract(ctx context.Context, ocid string) (procure.ContractDetail, error) {
	if err := f.err("Contract"); err != nil {
		return procure.ContractDetail{}, err
	}
	d, ok := f.contracts[ocid]
	if !ok {
		return d, fmt.Errorf("contract %q: %w", ocid, procure.ErrNotFound)
	}
	return d, nil
}

func (f *fakeData) Release(ctx context.Context, ocid, id string) (procure.SourceRelease, error) {
	if err := f.err("Release"); err != nil {
		return procure.SourceRelease{}, err
	}
	r, ok := f.releases[ocid+"\x00"+id]
	if !ok {
		return r, fmt.Errorf("release %q %q: %w", ocid, id, procure.ErrNotFound)
	}
	return r, nil
}

func (f *fakeData) Agencies(ctx context.Context, req procure.PageRequest) (procure.AgencyList, error) {
	f.mu.Lock()
	f.lastPage = req
	f.mu.Unlock()
	if err := f.err("Agencies"); err != nil {
		return procure.AgencyList{}, err
	}
	return f.list, nil
}

func (f *fakeData) Agency(ctx context.Context, id string) (procure.AgencyDetail, error) {
	if err := f.err("Agency"); err != nil {
		return procure.AgencyDetail{}, err
	}
	d, ok := f.agencies[id]
	if !ok {
		return d, fmt.Errorf("agency %q: %w", id, procure.ErrNotFound)
	}
	return d, nil
}

func (f *fakeData) Supplier(ctx context.Context, id string) (procure.SupplierDetail, error) {
	if err := f.err("Supplier"); err != nil {
		return procure.SupplierDetail{}, err
	}
	d, ok := f.suppliers[id]
	if !ok {
		return d, fmt.Errorf("supplier %q: %w", id, procure.ErrNotFound)
	}
	return d, nil
}

func (f *fakeData) Stats(ctx context.Context) (procure.Stats, error) {
	if err := f.err("Stats"); err != nil {
		return procure.Stats{}, err
	}
	return f.stats, nil
}

func (f *fakeData) Sources(ctx context.Context) ([]procure.SourceStatus, error) {
	if err := f.err("Sources"); err != nil {
		return nil, err
	}
	return f.sources, nil
}

func (f *fakeData) Run(ctx context.Context, id int64) (procure.ImportRun, error) {
	for _, src := range f.sources {
		for _, r := range []*procure.ImportRun{src.LastRun, src.LastOK} {
			if r != nil && r.ID == id {
				return *r, nil
			}
		}
	}
	return procure.ImportRun{}, fmt.Errorf("run %d: %w", id, procure.ErrNotFound)
}

func (f *fakeData) PartyNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if n, ok := f.names[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

func (f *fakeData) setErr(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.errs == nil {
		f.errs = map[string]error{}
	}
	f.errs[method] = err
}

// Test identifiers. The ocid has a slash to test path escaping.
const (
	testOCID      = "ocds-abc123-2021/0042"
	testReleaseID = "ocds-abc123-2021/0042-award-1"
	testBuyerID   = "US-EIN-123456789"
	testSupplier  = "GB-COH-01234567"
	testSupplier2 = "demo~acme-supplies"
)

func dec(s string) procure.Decimal {
	d, err := procure.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func money(amount, cur string) procure.Money {
	return procure.Money{Amount: dec(amount), Currency: cur}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// newFakeData builds a complete, realistic data set. text(kind) returns the
// text printed for a kind of field; plain data uses plainText.
func newFakeData(text func(kind string) string) *fakeData {
	buyer := procure.PartyRef{ID: testBuyerID, Name: text("buyer")}
	sup1 := procure.PartyRef{ID: testSupplier, Name: text("supplier")}
	sup2 := procure.PartyRef{ID: testSupplier2, Name: text("supplier2")}
	awards := []procure.Award{
		{ID: "award-1", Title: text("award"), Status: "active", Date: day(2021, 3, 4), Value: money("125000.50", "USD"), HasValue: true, Suppliers: []procure.PartyRef{sup1}, Counted: true},
		{ID: "award-2", Title: text("award"), Status: "cancelled", Date: day(2021, 5, 1), Value: money("9000", "USD"), HasValue: true, Suppliers: []procure.PartyRef{sup2}, Counted: false},
	}
	contract := procure.Contract{
		OCID: testOCID, Title: text("title"), Description: text("description"), Language: "es",
		Source: "demo-source", Publisher: text("publisher"), Buyer: buyer, BuyerType: procure.BuyerEducation,
		Country: "US", Suppliers: []procure.PartyRef{sup1, sup2}, Amount: money("125000.50", "USD"),
		TenderValue: money("130000", "USD"), Date: day(2021, 3, 4), Status: "complete", Method: "open",
		Category: "goods", Items: []string{text("item")}, Classifications: []string{"CPV:30200000"},
		Awards: awards,
		Parties: []procure.Party{
			{ID: testBuyerID, Name: text("buyer"), Scheme: "US-EIN", Identifier: "123456789", Country: "US", BuyerType: procure.BuyerEducation, Language: "en",
				Address: procure.Address{Street: text("street"), Locality: "Springfield", CountryName: "United States"}},
			{ID: testSupplier, Name: text("supplier"), Scheme: "GB-COH", Identifier: "01234567", Country: "GB"},
		},
		ReleaseCount: 2, FirstRelease: day(2021, 1, 10), LastRelease: day(2021, 5, 1),
	}
	compiled := map[string]any{
		"ocid": testOCID, "id": "compiled", "date": "2021-05-01T00:00:00Z",
		"tender": map[string]any{
			"title": text("title"), "status": "complete", "procurementMethod": "open",
			"procurementMethodDetails": text("details"),
			"value":                    map[string]any{"amount": 130000, "currency": "USD"},
			"tenderPeriod":             map[string]any{"startDate": "2021-01-10T00:00:00Z", "endDate": "2021-02-10T00:00:00Z"},
			"items": []any{map[string]any{"id": "1", "description": text("item"), "quantity": 30,
				"unit":           map[string]any{"name": text("unit")},
				"classification": map[string]any{"scheme": "CPV", "id": "30200000", "description": text("classification")}}},
			"documents": []any{
				map[string]any{"id": "d1", "title": text("document"), "documentType": "tenderNotice", "url": text("docurl"), "datePublished": "2021-01-10"},
				map[string]any{"id": "d2", "title": text("document"), "url": "https://example.org/notice.pdf"},
			},
		},
		"parties": []any{
			map[string]any{"id": "p1", "name": text("buyer"), "roles": []any{"buyer", "procuringEntity"}},
			map[string]any{"id": "p2", "name": text("supplier"), "roles": []any{"supplier"}},
		},
		"awards": []any{map[string]any{"id": "award-1", "documents": []any{map[string]any{"id": "ad", "title": text("document"), "url": "javascript:alert(1)"}}}},
		"contracts": []any{map[string]any{"id": "c1", "awardID": "award-1", "title": text("contract"), "status": "active",
			"value": map[string]any{"amount": "125000.50", "currency": "USD"}, "dateSigned": "2021-03-20T00:00:00Z",
			"period": map[string]any{"startDate": "2021-04-01", "endDate": "2022-03-31"}}},
	}
	raw, _ := json.Marshal(compiled)
	rel1 := procure.SourceRelease{OCID: testOCID, ID: testReleaseID, Date: day(2021, 5, 1), Tag: []string{"award"},
		Raw:    json.RawMessage(`{"ocid":"` + testOCID + `","id":"` + testReleaseID + `","tag":["award"],"note":"<b>as stored</b>"}`),
		SHA256: strings.Repeat("ab", 32), Source: "demo-source", URL: text("srcurl"), RetrievedAt: day(2021, 5, 2)}
	detail := procure.ContractDetail{
		Contract: contract, CompiledRelease: raw,
		Releases: []procure.ReleaseInfo{
			{ID: testReleaseID, Date: rel1.Date, Tag: rel1.Tag, Source: "demo-source", URL: text("srcurl"), RetrievedAt: rel1.RetrievedAt, SHA256: rel1.SHA256, Version: "1.1"},
			{ID: "tender-1", Date: day(2021, 1, 10), Tag: []string{"tender"}, Source: "demo-source", URL: "/srv/data/secret/path/file.json", RetrievedAt: day(2021, 1, 11), SHA256: strings.Repeat("cd", 32), Version: "1.1"},
		},
		Changes: []procure.Change{
			{Path: "/tender/status", ReleaseID: testReleaseID, Date: day(2021, 5, 1), Old: json.RawMessage(`"active"`), New: json.RawMessage(`"complete"`)},
			{Path: "/awards/0/value/amount", ReleaseID: testReleaseID, Date: day(2021, 5, 1), New: json.RawMessage(`125000.5`)},
			{Path: "/tender/title", ReleaseID: testReleaseID, Date: day(2021, 5, 1), Old: mustJSON(text("title")), New: mustJSON(text("title"))},
		},
	}
	awardRows := []procure.AwardRow{
		{OCID: testOCID, AwardID: "award-1", Title: text("award"), Buyer: buyer, Suppliers: []procure.PartyRef{sup1}, Date: day(2021, 3, 4), Value: money("125000.50", "USD"), HasValue: true, Status: "active", Counted: true},
		{OCID: testOCID, AwardID: "award-2", Title: text("award"), Buyer: buyer, Suppliers: []procure.PartyRef{sup2}, Date: day(2021, 5, 1), Value: money("9000", "USD"), HasValue: true, Status: "cancelled", Counted: false},
	}
	agency := procure.AgencyDetail{
		Party:         contract.Parties[0],
		ContractCount: 3, AwardCount: 4,
		Totals:  []procure.Money{money("1500.25", "EUR"), money("125000.50", "USD")},
		Refunds: []procure.Money{money("-200", "USD")},
		ByYear: []procure.YearTotal{
			{Year: 2019, Amount: money("1500.25", "EUR"), Count: 1},
			{Year: 2018, Amount: money("100000", "USD"), Count: 2},
			{Year: 2021, Amount: money("25200.50", "USD"), Count: 1},
			{Year: 2022, Amount: money("-200", "USD"), Count: 1},
		},
		TopSuppliers: []procure.PartyTotal{{Party: sup1, Amount: money("125000.50", "USD"), Count: 1}, {Party: sup2, Amount: money("1500.25", "EUR"), Count: 1}},
		Categories:   []procure.CategoryTotal{{Category: "goods", Amount: money("125000.50", "USD"), Count: 1}, {Category: text("category"), Amount: money("1500.25", "EUR"), Count: 1}},
		Departments:  []procure.CategoryTotal{{Category: text("department"), Amount: money("10", "USD"), Count: 1}},
		RecentAwards: awardRows,
	}
	supplier := procure.SupplierDetail{
		Party: contract.Parties[1], AwardCount: 2, Totals: []procure.Money{money("125000.50", "USD")},
		ByBuyer:   []procure.PartyTotal{{Party: buyer, Amount: money("125000.50", "USD"), Count: 1}},
		Countries: []string{"US"}, BuyerTypes: []procure.BuyerType{procure.BuyerEducation, procure.BuyerPolice},
		Awards: awardRows,
	}
	hit := procure.Hit{OCID: testOCID, Title: text("title"), Buyer: buyer, BuyerType: procure.BuyerEducation,
		Suppliers: []procure.PartyRef{sup1, sup2}, Amount: money("125000.50", "USD"), Date: day(2021, 3, 4), Language: "es",
		Snippet: []procure.Fragment{{Text: text("snippet")}, {Text: text("match"), Mark: true}, {Text: " tail"}}}
	noAmount := procure.Hit{OCID: "ocds-abc123-2", Title: "", Buyer: buyer, Suppliers: nil}
	results := procure.SearchResults{
		Total: 1234, TotalExact: false, Hits: []procure.Hit{hit, noAmount}, NextCursor: "c2-AbC_123=",
		Facets: map[string][]procure.FacetCount{
			procure.FacetBuyerType: {{Value: "education", Count: 10}, {Value: "police", Count: 3}},
			procure.FacetYear:      {{Value: "2021", Label: "2021", Count: 8}},
			procure.FacetBuyer:     {{Value: testBuyerID, Label: text("buyer"), Count: 8}},
			procure.FacetSupplier:  {{Value: testSupplier, Label: text("supplier"), Count: 5}},
			procure.FacetCurrency:  {{Value: "USD", Count: 9}},
			procure.FacetMethod:    {{Value: "open", Count: 9}},
			procure.FacetCategory:  {{Value: text("category"), Count: 2}},
			procure.FacetAmount:    {{Value: "10k-100k", Label: "10k–100k", Count: 4}, {Value: "1000000..", Count: 1}, {Value: text("amountfacet"), Count: 1}},
		},
	}
	run := &procure.ImportRun{ID: 7, Source: text("sourcename"), Started: day(2024, 1, 2), Finished: day(2024, 1, 2).Add(time.Minute), Status: "partial",
		Read: 100, Stored: 90, Unchanged: 5, Warnings: 3, Errors: 2, Message: text("runmessage"),
		Problems: []procure.Problem{{Severity: procure.SevError, Code: "missing-ocid", Message: text("problem"), Location: procure.Location{File: "/home/op/data/x.json", Line: 3, Index: 2, Path: "/ocid"}, OCID: testOCID}}}
	ok := &procure.ImportRun{ID: 6, Source: text("sourcename"), Started: day(2024, 1, 1), Status: "ok", Read: 10, Stored: 10}
	return &fakeData{
		contracts: map[string]procure.ContractDetail{testOCID: detail},
		releases:  map[string]procure.SourceRelease{testOCID + "\x00" + testReleaseID: rel1},
		agencies:  map[string]procure.AgencyDetail{testBuyerID: agency},
		suppliers: map[string]procure.SupplierDetail{testSupplier: supplier},
		list: procure.AgencyList{Total: 2, NextCursor: "next-agencies", Agencies: []procure.AgencySummary{
			{Party: contract.Parties[0], ContractCount: 3, AwardCount: 4, Totals: agency.Totals},
			{Party: procure.Party{ID: "x~police", Name: text("buyer2"), BuyerType: procure.BuyerPolice}, ContractCount: 1},
		}},
		stats: procure.Stats{Contracts: 1200, Awards: 3400, Buyers: 50, Suppliers: 700, Releases: 5000,
			Totals:      []procure.Money{money("1500.25", "EUR"), money("125000.50", "USD")},
			ByBuyerType: []procure.BuyerTypeCount{{BuyerType: procure.BuyerEducation, Contracts: 600}, {BuyerType: procure.BuyerPolice, Contracts: 1}},
			DataAsOf:    day(2024, 1, 2)},
		results: results,
		sources: []procure.SourceStatus{
			{Name: text("sourcename"), Format: "ocds", Location: "https://user:pw@example.org/api/releases?page=1&api_key=SECRET", Schedule: "@daily",
				NextRun: day(2024, 1, 3), LastRun: run, LastOK: ok, Contracts: 1200, Releases: 5000},
			{Name: "local", Format: "ocds", Location: "/srv/secret/dir/dump.jsonl"},
		},
		names: map[string]string{"GB-COH-99999999": "Named By Lookup Ltd"},
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// plainText gives ordinary, multilingual field values.
func plainText(kind string) string {
	switch kind {
	case "buyer":
		return "Springfield Unified School District"
	case "buyer2":
		return "Springfield Police Department"
	case "supplier":
		return "Acme Supplies Ltd"
	case "supplier2":
		return "СТОВ \"Степ-Агро\""
	case "title":
		return "Suministro de computadoras portátiles"
	case "description":
		return "Compra de 30 computadoras portátiles para las escuelas."
	case "docurl":
		return "https://example.org/docs/tender.pdf"
	case "srcurl":
		return "https://example.org/api/releases?page=2"
	case "match":
		return "computadoras"
	case "amountfacet":
		return "unparseable"
	}
	return kind + " text"
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
