package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

func newTestApp(t *testing.T, f *fakeData, mod ...func(*Config, *Deps)) *fiber.App {
	t.Helper()
	cfg := Config{Logger: discardLogger(), BaseURL: "https://tenderlens.example", OrganizationJSONLD: true}
	deps := Deps{Search: f, Catalog: f, Sources: f}
	for _, m := range mod {
		m(&cfg, &deps)
	}
	app, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return app
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, app *fiber.App, method, target string) response {
	t.Helper()
	req := httptest.NewRequest(method, "/", nil)
	req.URL = &url.URL{Opaque: target} // sent as is, even when malformed
	req.RequestURI = target
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

var (
	escOCID    = url.PathEscape(testOCID)
	escRelease = url.PathEscape(testReleaseID)
)

// htmlRoutes are every HTML page with data that exists.
var htmlRoutes = []string{
	"/",
	"/search",
	"/search?q=computadoras",
	"/search?q=x&buyer_type=education&year=2021&cursor=abc",
	"/contracts/" + escOCID,
	"/contracts/" + testOCID, // unescaped slash works too
	"/agencies",
	"/agencies?buyer_type=police&q=spring",
	"/agencies/" + testBuyerID,
	"/suppliers/" + testSupplier,
	"/sources",
	"/sources/" + url.PathEscape("sourcename text") + "/runs/7",
	"/methodology",
}

var apiRoutes = []string{
	"/api/v1/stats",
	"/api/v1/search?q=computadoras",
	"/api/v1/contracts/" + escOCID,
	"/api/v1/agencies",
	"/api/v1/agencies/" + testBuyerID,
	"/api/v1/suppliers/" + testSupplier,
	"/api/v1/sources",
	"/api/v1/sources/" + url.PathEscape("sourcename text") + "/runs/7",
	"/api/v1/openapi.json",
}

func TestEveryRouteAnswers(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	for _, target := range htmlRoutes {
		r := do(t, app, http.MethodGet, target)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: status %d, body %.300s", target, r.status, r.body)
			continue
		}
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", target, ct)
		}
		if !strings.Contains(r.body, `<html lang="en">`) || !strings.Contains(r.body, `rel="canonical"`) || !strings.Contains(r.body, `href="#main"`) {
			t.Errorf("GET %s: page lacks lang, canonical link or skip link", target)
		}
	}
	for _, target := range apiRoutes {
		r := do(t, app, http.MethodGet, target)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: status %d, body %.300s", target, r.status, r.body)
			continue
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: Content-Type %q", target, r.header.Get("Content-Type"))
		}
		if !json.Valid([]byte(r.body)) {
			t.Errorf("GET %s: invalid JSON", target)
		}
	}
	for _, target := range []string{"/livez", "/readyz", "/metrics", "/robots.txt"} {
		if r := do(t, app, http.MethodGet, target); r.status != http.StatusOK {
			t.Errorf("GET %s: status %d", target, r.status)
		}
	}
	// HEAD answers like GET, without a body.
	if r := do(t, app, http.MethodHead, "/agencies"); r.status != http.StatusOK || r.body != "" {
		t.Errorf("HEAD /agencies: %d, %d bytes", r.status, len(r.body))
	}
}

func TestAlternateJSONLinks(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	for _, target := range htmlRoutes {
		r := do(t, app, http.MethodGet, target)
		if target == "/methodology" {
			continue
		}
		i := strings.Index(r.body, `<link rel="alternate" type="application/json" href="`)
		if i < 0 {
			t.Errorf("GET %s: no JSON alternate link", target)
			continue
		}
		rest := r.body[i+len(`<link rel="alternate" type="application/json" href="`):]
		href := strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		jr := do(t, app, http.MethodGet, u.RequestURI())
		if jr.status != http.StatusOK || !json.Valid([]byte(jr.body)) {
			t.Errorf("GET %s: JSON twin %s answered %d", target, u.RequestURI(), jr.status)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	targets := append(append([]string{}, htmlRoutes...), apiRoutes...)
	targets = append(targets, "/no/such/page", "/api/v1/contracts/nope", "/livez", "/metrics", "/search?sort=bogus")
	for _, target := range targets {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := do(t, app, method, target)
			want := map[string]string{
				"Content-Security-Policy": contentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "strict-origin-when-cross-origin",
				"X-Frame-Options":         "DENY",
			}
			for k, v := range want {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s %s: %s = %q, want %q", method, target, k, got, v)
				}
			}
			if r.header.Get("X-Request-Id") == "" {
				t.Errorf("%s %s: no request ID", method, target)
			}
			if r.header.Get("Strict-Transport-Security") == "" {
				t.Errorf("%s %s: no HSTS with an https BaseURL", method, target)
			}
			api := strings.HasPrefix(target, "/api/")
			if got := r.header.Get("Access-Control-Allow-Origin"); api && got != "*" || !api && got != "" {
				t.Errorf("%s %s: Access-Control-Allow-Origin = %q", method, target, got)
			}
			if r.header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("%s %s: credentials allowed", method, target)
			}
		}
	}
	if !strings.Contains(contentSecurityPolicy, "frame-ancestors 'none'") || strings.Contains(contentSecurityPolicy, "unsafe") {
		t.Errorf("CSP too weak: %s", contentSecurityPolicy)
	}
}

func TestMethodsOtherThanGetAreRefused(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		for _, target := range []string{"/", "/search", "/api/v1/search", "/nowhere"} {
			r := do(t, app, method, target)
			if r.status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", method, target, r.status)
			}
			if r.header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: Allow = %q", method, target, r.header.Get("Allow"))
			}
		}
	}
	r := do(t, app, http.MethodPost, "/api/v1/search")
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("POST /api/v1/search: Content-Type %q", ct)
	}
}

func TestStatusPerErrorKind(t *testing.T) {
	cases := []struct {
		err    error
		status int
	}{
		{fmt.Errorf("x: %w", procure.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("x: %w", procure.ErrInvalid), http.StatusBadRequest},
		{fmt.Errorf("x: %w", procure.ErrTooExpensive), http.StatusBadRequest},
		{&procure.QueryError{Kind: procure.ErrInvalid, Message: "Leading wildcards are not allowed.", Offset: 3}, http.StatusBadRequest},
		{fmt.Errorf("x: %w", procure.ErrUnavailable), http.StatusServiceUnavailable},
		{context.DeadlineExceeded, http.StatusServiceUnavailable},
		{errors.New("disk on fire /var/secret"), http.StatusInternalServerError},
	}
	for _, tc := range cases {
		f := newFakeData(plainText)
		for _, m := range []string{"Search", "Contract", "Agencies", "Agency", "Supplier", "Stats", "Sources", "Release"} {
			f.setErr(m, tc.err)
		}
		app := newTestApp(t, f)
		for _, target := range []string{"/api/v1/search?q=x", "/api/v1/contracts/" + escOCID, "/api/v1/agencies", "/api/v1/agencies/" + testBuyerID, "/api/v1/suppliers/" + testSupplier, "/api/v1/stats", "/api/v1/sources"} {
			r := do(t, app, http.MethodGet, target)
			if r.status != tc.status {
				t.Errorf("%v: GET %s: status %d, want %d", tc.err, target, r.status, tc.status)
				continue
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%v: GET %s: Content-Type %q", tc.err, target, ct)
			}
			var p struct {
				Type   string `json:"type"`
				Title  string `json:"title"`
				Status int    `json:"status"`
				Detail string `json:"detail"`
				Offset *int   `json:"offset"`
			}
			if err := json.Unmarshal([]byte(r.body), &p); err != nil {
				t.Fatalf("problem JSON: %v: %s", err, r.body)
			}
			if p.Status != tc.status || p.Title == "" || p.Type == "" || p.Detail == "" {
				t.Errorf("%v: GET %s: problem %+v", tc.err, target, p)
			}
			if strings.Contains(r.body, "secret") {
				t.Errorf("%v: internal error text leaked: %s", tc.err, r.body)
			}
			var qe *procure.QueryError
			if errors.As(tc.err, &qe) && strings.Contains(target, "search") {
				if p.Detail != qe.Message || p.Offset == nil || *p.Offset != 3 {
					t.Errorf("query refusal: problem %+v", p)
				}
			}
		}
		for _, target := range []string{"/", "/contracts/" + escOCID, "/agencies", "/agencies/" + testBuyerID, "/suppliers/" + testSupplier, "/sources"} {
			r := do(t, app, http.MethodGet, target)
			if r.status != tc.status {
				t.Errorf("%v: GET %s: status %d, want %d", tc.err, target, r.status, tc.status)
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Errorf("%v: GET %s: error page Content-Type %q", tc.err, target, r.header.Get("Content-Type"))
			}
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%v: GET %s: error page cacheable", tc.err, target)
			}
			if strings.Contains(r.body, "secret") {
				t.Errorf("%v: internal error text leaked into the page", tc.err)
			}
		}
		if tc.status == http.StatusServiceUnavailable {
			if r := do(t, app, http.MethodGet, "/agencies"); r.header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
		}
	}
}

func TestSearchPageRefusals(t *testing.T) {
	f := newFakeData(plainText)
	f.setErr("Search", &procure.QueryError{Kind: procure.ErrInvalid, Message: "A wildcard (*) cannot start a word: write at least 3 letters before it.", Offset: 0})
	app := newTestApp(t, f)
	r := do(t, app, http.MethodGet, "/search?q=*pital&buyer_type=education")
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d", r.status)
	}
	for _, want := range []string{"A wildcard (*) cannot start a word", "How to search", `value="*pital"`, "police OR sheriff", "Buyer type"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("refusal page lacks %q", want)
		}
	}
	// invalid parameters are explained on the page too, before any search
	r = do(t, app, http.MethodGet, "/search?year=twenty&q=buses")
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "a year such as 2021") || !strings.Contains(r.body, `value="buses"`) {
		t.Errorf("bad year: status %d", r.status)
	}
	r = do(t, app, http.MethodGet, "/api/v1/search?year=twenty")
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"param":"year"`) {
		t.Errorf("API bad year: %d %s", r.status, r.body)
	}
}

func TestNotFound(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	for _, target := range []string{"/nope", "/sources/other/runs/7", "/sources/demo-source/runs/x", "/api/v1/sources/demo-source/runs/999", "/contracts/unknown-ocid", "/agencies/unknown", "/suppliers/unknown", "/static/nope.css", "/contracts/" + escOCID + "/releases/nope"} {
		r := do(t, app, http.MethodGet, target)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", target, r.status)
		}
	}
	r := do(t, app, http.MethodGet, "/contracts/unknown-ocid")
	if !strings.Contains(r.body, "unknown-ocid") || !strings.Contains(r.body, `name="robots" content="noindex"`) {
		t.Errorf("404 page does not name the ocid or is indexable")
	}
	r = do(t, app, http.MethodGet, "/contracts/%zz")
	if r.status != http.StatusBadRequest {
		t.Errorf("bad escape: %d", r.status)
	}
}

// JSON shapes, decoded into the documented structures.

func TestAPISearchShape(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f)
	r := do(t, app, http.MethodGet, "/api/v1/search?q=computadoras&buyer=A&buyer=B&year=2021&min_amount=1%2C000&date_to=2021-12-31&sort=amount_desc&limit=7")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var got struct {
		Total      *int  `json:"total"`
		TotalExact *bool `json:"total_exact"`
		Hits       []struct {
			OCID      string          `json:"ocid"`
			Title     string          `json:"title"`
			Buyer     *apiParty       `json:"buyer"`
			BuyerType string          `json:"buyer_type"`
			Suppliers []apiParty      `json:"suppliers"`
			Amount    json.RawMessage `json:"amount"`
			Date      json.RawMessage `json:"date"`
			URL       string          `json:"url"`
			Snippet   []procure.Fragment
		} `json:"hits"`
		Facets     map[string][]procure.FacetCount `json:"facets"`
		NextCursor json.RawMessage                 `json:"next_cursor"`
		Next       string                          `json:"next"`
	}
	dec := json.NewDecoder(strings.NewReader(r.body))
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(r.body), &raw)
	for _, k := range []string{"total", "hits", "facets", "next_cursor", "total_exact"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("search JSON lacks %q", k)
		}
	}
	if *got.Total != 1234 || *got.TotalExact || len(got.Hits) != 2 {
		t.Fatalf("got %+v", got)
	}
	h := got.Hits[0]
	if h.OCID != testOCID || h.Buyer.ID != testBuyerID || len(h.Suppliers) != 2 || h.BuyerType != "education" ||
		string(h.Amount) != `{"amount":125000.50,"currency":"USD"}` || string(h.Date) != `"2021-03-04T00:00:00Z"` ||
		h.URL != "https://tenderlens.example/contracts/"+escOCID || len(h.Snippet) != 3 || !h.Snippet[1].Mark {
		t.Errorf("hit 0 = %+v", h)
	}
	if string(got.Hits[1].Amount) != "null" || string(got.Hits[1].Date) != "null" || got.Hits[1].Suppliers == nil {
		t.Errorf("hit without amount/date/suppliers: %+v", got.Hits[1])
	}
	if string(got.NextCursor) != `"c2-AbC_123="` || !strings.Contains(got.Next, "cursor=c2-AbC_123%3D") {
		t.Errorf("next_cursor %s, next %s", got.NextCursor, got.Next)
	}
	if len(got.Facets[procure.FacetBuyerType]) != 2 {
		t.Errorf("facets: %v", got.Facets)
	}
	// the request reached the Searcher as validated values
	req := f.lastSearch
	if req.Q != "computadoras" || len(req.Buyer) != 2 || req.Year[0] != 2021 || req.MinAmount == nil || req.MinAmount.String() != "1000.00" ||
		!req.DateTo.Equal(day(2022, 1, 1)) || req.Sort != procure.SortAmountDesc || req.Limit != 7 || !req.Facets {
		t.Errorf("search request = %+v", req)
	}
	// later pages: no facets, empty object
	r = do(t, app, http.MethodGet, "/api/v1/search?cursor=abc")
	if !strings.Contains(r.body, `"facets":{}`) || f.lastSearch.Facets {
		t.Errorf("later page computes facets: %s", r.body[:200])
	}
}

func TestAPIContractShape(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f)
	r := do(t, app, http.MethodGet, "/api/v1/contracts/"+escOCID)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var got struct {
		OCID            string          `json:"ocid"`
		CompiledRelease json.RawMessage `json:"compiledRelease"`
		Releases        []struct {
			ID     string   `json:"id"`
			Date   string   `json:"date"`
			Tag    []string `json:"tag"`
			Source string   `json:"source"`
			URL    string   `json:"url"`
			SHA256 string   `json:"sha256"`
			RawURL string   `json:"raw_url"`
		} `json:"releases"`
		Summary procure.Contract `json:"summary"`
		Changes []procure.Change `json:"changes"`
		Links   struct {
			Buyer     *apiLink  `json:"buyer"`
			Suppliers []apiLink `json:"suppliers"`
		} `json:"links"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	want := f.contracts[testOCID]
	if got.OCID != testOCID || string(got.CompiledRelease) != string(want.CompiledRelease) {
		t.Errorf("compiledRelease not passed through exactly:\n got %s\nwant %s", got.CompiledRelease, want.CompiledRelease)
	}
	if len(got.Releases) != 2 || got.Releases[0].ID != testReleaseID || got.Releases[0].Tag[0] != "award" || got.Releases[0].Source != "demo-source" ||
		got.Releases[0].RawURL != "https://tenderlens.example/contracts/"+escOCID+"/releases/"+escRelease {
		t.Errorf("releases = %+v", got.Releases)
	}
	if got.Releases[1].URL != "file.json" {
		t.Errorf("local source path leaked: %q", got.Releases[1].URL)
	}
	if len(got.Summary.Awards) != 2 || len(got.Summary.Parties) != 2 || len(got.Changes) != 3 {
		t.Errorf("summary/changes incomplete")
	}
	if got.Links.Buyer == nil || got.Links.Buyer.URL != "https://tenderlens.example/agencies/"+testBuyerID || len(got.Links.Suppliers) != 2 {
		t.Errorf("links = %+v", got.Links)
	}
}

func TestRawRelease(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f)
	for _, target := range []string{
		"/contracts/" + escOCID + "/releases/" + escRelease,
		"/contracts/" + testOCID + "/releases/" + testReleaseID,
	} {
		r := do(t, app, http.MethodGet, target)
		want := string(f.releases[testOCID+"\x00"+testReleaseID].Raw)
		if r.status != http.StatusOK || r.body != want {
			t.Errorf("GET %s: %d %q", target, r.status, r.body)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("raw release headers %v", r.header)
		}
		if !strings.HasPrefix(r.header.Get("Repr-Digest"), "sha-256=:") {
			t.Errorf("no Repr-Digest")
		}
	}
	r := do(t, app, http.MethodGet, "/contracts/"+escOCID+"/releases/missing")
	if r.status != http.StatusNotFound || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("missing release: %d %s", r.status, r.header.Get("Content-Type"))
	}
}

func TestAPIListsAndDetails(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f)
	var list struct {
		Agencies []struct {
			Party struct {
				ID string `json:"id"`
			} `json:"party"`
			Totals []procure.Money `json:"totals"`
			URL    string          `json:"url"`
		} `json:"agencies"`
		Total      int     `json:"total"`
		NextCursor *string `json:"next_cursor"`
	}
	r := do(t, app, http.MethodGet, "/api/v1/agencies?buyer_type=EDUCATION&q=spring&limit=100&cursor=xyz")
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || len(list.Agencies) != 2 || list.NextCursor == nil || *list.NextCursor != "next-agencies" || list.Agencies[1].Totals == nil {
		t.Errorf("agencies = %+v", list)
	}
	if pr := f.lastPage; pr.BuyerType != procure.BuyerEducation || pr.Q != "spring" || pr.Limit != 100 || pr.Cursor != "xyz" {
		t.Errorf("page request = %+v", pr)
	}
	if r := do(t, app, http.MethodGet, "/api/v1/agencies?limit=101"); r.status != http.StatusBadRequest {
		t.Errorf("limit 101: %d", r.status)
	}

	var agency struct {
		Party  procure.Party       `json:"party"`
		Totals []procure.Money     `json:"totals"`
		ByYear []procure.YearTotal `json:"byYear"`
		URL    string              `json:"url"`
	}
	r = do(t, app, http.MethodGet, "/api/v1/agencies/"+testBuyerID)
	if err := json.Unmarshal([]byte(r.body), &agency); err != nil {
		t.Fatal(err)
	}
	if agency.Party.ID != testBuyerID || len(agency.ByYear) != 4 || len(agency.Totals) != 2 || agency.URL == "" {
		t.Errorf("agency = %+v", agency)
	}
	var sup struct {
		Party   procure.Party        `json:"party"`
		ByBuyer []procure.PartyTotal `json:"byBuyer"`
		Awards  []procure.AwardRow   `json:"awards"`
	}
	r = do(t, app, http.MethodGet, "/api/v1/suppliers/"+testSupplier)
	if err := json.Unmarshal([]byte(r.body), &sup); err != nil {
		t.Fatal(err)
	}
	if sup.Party.ID != testSupplier || len(sup.ByBuyer) != 1 || len(sup.Awards) != 2 {
		t.Errorf("supplier = %+v", sup)
	}
	var sources []procure.SourceStatus
	r = do(t, app, http.MethodGet, "/api/v1/sources")
	if err := json.Unmarshal([]byte(r.body), &sources); err != nil {
		t.Fatal(err)
	}
	if len(sources) != 2 || strings.Contains(r.body, "SECRET") || strings.Contains(r.body, "pw@") || strings.Contains(r.body, "/srv/") || strings.Contains(r.body, "/home/op") {
		t.Errorf("sources leak secrets or paths: %s", r.body)
	}
	var stats procure.Stats
	r = do(t, app, http.MethodGet, "/api/v1/stats")
	if err := json.Unmarshal([]byte(r.body), &stats); err != nil || stats.Contracts != 1200 {
		t.Errorf("stats = %+v, %v", stats, err)
	}
}

func TestOpenAPIDocumentsEveryAPIRoute(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	r := do(t, app, http.MethodGet, "/api/v1/openapi.json")
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi: %v %q", err, doc.OpenAPI)
	}
	for _, rt := range app.GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/") || rt.Method != http.MethodGet {
			continue
		}
		p := strings.Replace(rt.Path, "/*", "/{id}", 1)
		p = strings.NewReplacer(":name", "{name}", ":id", "{id}").Replace(p)
		p = strings.Replace(p, "contracts/{id}", "contracts/{ocid}", 1)
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("route %s is not in openapi.json", p)
		}
	}
}

func TestRunsNeedARunReader(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f, func(_ *Config, d *Deps) { d.Catalog = struct{ Catalog }{f} })
	if r := do(t, app, http.MethodGet, "/sources/"+url.PathEscape("sourcename text")+"/runs/7"); r.status != http.StatusNotFound {
		t.Errorf("run page without RunReader: %d", r.status)
	}
	if r := do(t, app, http.MethodGet, "/sources"); strings.Contains(r.body, "/runs/") {
		t.Errorf("sources page links run pages that cannot be shown")
	}
	if r := do(t, app, http.MethodGet, "/api/v1"); r.status != http.StatusFound || r.header.Get("Location") != "/api/v1/openapi.json" {
		t.Errorf("/api/v1: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestDemoBanner(t *testing.T) {
	f := newFakeData(plainText)
	demo := newTestApp(t, f, func(c *Config, _ *Deps) { c.Demo = true })
	plain := newTestApp(t, f)
	pages := append(append([]string{}, htmlRoutes...), "/no/such/page", "/contracts/missing", "/search?year=bad")
	for _, target := range pages {
		if r := do(t, demo, http.MethodGet, target); !strings.Contains(r.body, `class="demo-banner"`) || !strings.Contains(r.body, "Demo data") {
			t.Errorf("demo: GET %s (%d) has no demo banner", target, r.status)
		}
		if r := do(t, plain, http.MethodGet, target); strings.Contains(r.body, `class="demo-banner"`) {
			t.Errorf("non-demo: GET %s shows the demo banner", target)
		}
	}
	if r := do(t, demo, http.MethodGet, "/api/v1/stats"); !strings.Contains(r.body, `"demo":true`) || r.header.Get("X-Tenderlens-Demo") != "true" {
		t.Errorf("demo API answer not marked")
	}
}

func TestLimits(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	long := "/search?q=" + strings.Repeat("a", maxQueryString)
	if r := do(t, app, http.MethodGet, long); r.status != http.StatusRequestURITooLong {
		t.Errorf("long query string: %d", r.status)
	}
	tooLong := "/api/v1/search?q=" + strings.Repeat("a", procure.MaxQueryLength+1)
	if r := do(t, app, http.MethodGet, tooLong); r.status != http.StatusBadRequest || !strings.Contains(r.body, "too long") {
		t.Errorf("query over MaxQueryLength: %d %s", r.status, r.body)
	}
	many := "/api/v1/search?" + strings.Repeat("buyer=x&", 0)
	for i := 0; i <= maxRepeated; i++ {
		many += fmt.Sprintf("buyer=b%d&", i)
	}
	if r := do(t, app, http.MethodGet, many); r.status != http.StatusBadRequest || !strings.Contains(r.body, "At most 20") {
		t.Errorf("21 buyers: %d %s", r.status, r.body)
	}
	args := "/api/v1/search?"
	for i := 0; i <= maxQueryArgs; i++ {
		args += fmt.Sprintf("u%d=1&", i)
	}
	if r := do(t, app, http.MethodGet, args); r.status != http.StatusBadRequest {
		t.Errorf("101 args: %d", r.status)
	}
	if r := do(t, app, http.MethodGet, "/api/v1/search?cursor="+strings.Repeat("c", maxCursorLength+1)); r.status != http.StatusBadRequest {
		t.Errorf("long cursor: %d", r.status)
	}
	if r := do(t, app, http.MethodGet, "/api/v1/search?q=%ff%fe"); r.status != http.StatusBadRequest {
		t.Errorf("invalid UTF-8: %d", r.status)
	}
}

// TestLimitsOverTheWire checks the limits fasthttp enforces before any
// handler runs, on a real loopback listener.
func TestLimitsOverTheWire(t *testing.T) {
	app := newTestApp(t, newFakeData(plainText))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback listener: %v", err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() { _ = app.Shutdown() }()
	base := "http://" + ln.Addr().String()
	cl := &http.Client{Timeout: 5 * time.Second}

	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/stats", nil)
	req.Header.Set("X-Big", strings.Repeat("h", readBufferSize+1))
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("big header: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/search", strings.NewReader(strings.Repeat("b", bodyLimit+1)))
	resp, err = cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", resp.StatusCode)
	}
	resp, err = cl.Get(base + "/livez")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("livez after refusals: %v", err)
	}
	resp.Body.Close()
}

func TestStaticAssets(t *testing.T) {
	f := newFakeData(plainText)
	s, err := newServer(Config{Logger: discardLogger()}, Deps{Search: f, Catalog: f})
	if err != nil {
		t.Fatal(err)
	}
	app := newTestApp(t, f)
	u, err := s.assets.URL("style.css")
	if err != nil {
		t.Fatal(err)
	}
	home := do(t, app, http.MethodGet, "/")
	if !strings.Contains(home.body, `href="`+u+`"`) {
		t.Fatalf("home page does not link %s", u)
	}
	r := do(t, app, http.MethodGet, u)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != cacheStatic || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") || r.header.Get("ETag") == "" {
		t.Errorf("GET %s: %d %v", u, r.status, r.header)
	}
	req := httptest.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("If-None-Match", r.header.Get("ETag"))
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d", resp.StatusCode)
	}
	if r := do(t, app, http.MethodGet, "/static/style.css"); r.status != http.StatusOK || r.header.Get("Cache-Control") != cacheShort {
		t.Errorf("plain name: %d %q", r.status, r.header.Get("Cache-Control"))
	}
}

func TestReadyzAndMetrics(t *testing.T) {
	f := newFakeData(plainText)
	ready := errors.New("index not open")
	app := newTestApp(t, f, func(_ *Config, d *Deps) { d.Ready = func(context.Context) error { return ready } })
	if r := do(t, app, http.MethodGet, "/readyz"); r.status != http.StatusServiceUnavailable {
		t.Errorf("readyz when not ready: %d", r.status)
	}
	if r := do(t, app, http.MethodGet, "/livez"); r.status != http.StatusOK {
		t.Errorf("livez: %d", r.status)
	}
	do(t, app, http.MethodGet, "/search?q=a")
	do(t, app, http.MethodGet, "/nope")
	r := do(t, app, http.MethodGet, "/metrics")
	for _, want := range []string{
		`tenderlens_http_requests_total{route="search",code="200"} 1`,
		`tenderlens_http_requests_total{route="other",code="404"} 1`,
		`tenderlens_http_requests_total{route="readyz",code="503"} 1`,
		`tenderlens_search_duration_seconds_count{outcome="ok"} 1`,
		`tenderlens_http_request_duration_seconds_bucket{route="search",le="+Inf"} 1`,
		"# TYPE tenderlens_search_duration_seconds histogram",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %q:\n%s", want, r.body)
		}
	}
}

func TestNewValidates(t *testing.T) {
	f := newFakeData(plainText)
	if _, err := New(Config{}, Deps{Search: f}); err == nil {
		t.Error("New without Catalog succeeded")
	}
	for _, bad := range []string{"ftp://x", "https://x/?a=1", "not a url", "https://user@x"} {
		if _, err := New(Config{BaseURL: bad}, Deps{Search: f, Catalog: f}); err == nil {
			t.Errorf("BaseURL %q accepted", bad)
		}
	}
	if _, err := New(Config{BaseURL: "https://x.example/"}, Deps{Search: f, Catalog: f}); err != nil {
		t.Errorf("good BaseURL refused: %v", err)
	}
}

func TestPanicIsA500(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f, func(_ *Config, d *Deps) { d.Catalog = panicCatalog{f} })
	r := do(t, app, http.MethodGet, "/agencies")
	if r.status != http.StatusInternalServerError || r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("panic: %d", r.status)
	}
}

type panicCatalog struct{ *fakeData }

func (panicCatalog) Agencies(context.Context, procure.PageRequest) (procure.AgencyList, error) {
	panic("boom")
}
