package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Page builders are tested here without HTTP, over the fake data.

var testSite = site{baseURL: "https://t.example"}

func TestParseSearch(t *testing.T) {
	good := []struct {
		query string
		check func(procure.SearchRequest) bool
		canon string
	}{
		{"", func(r procure.SearchRequest) bool { return r.Q == "" && r.Facets && r.Highlight && r.Limit == 0 }, ""},
		{"q=+school++buses+", func(r procure.SearchRequest) bool { return r.Q == "school  buses" }, "q=school++buses"},
		{"q=a&q=b", func(r procure.SearchRequest) bool { return r.Q == "a b" }, "q=a+b"},
		{"buyer_type=POLICE&buyer_type=health&buyer_type=police", func(r procure.SearchRequest) bool {
			return len(r.BuyerType) == 2 && r.BuyerType[0] == procure.BuyerPolice
		}, "buyer_type=police&buyer_type=health"},
		{"country=ua&currency=usd&year=2021&year=2022", func(r procure.SearchRequest) bool {
			return r.Country[0] == "UA" && r.Currency[0] == "USD" && len(r.Year) == 2 && r.Year[1] == 2022
		}, "country=UA&year=2021&year=2022&currency=USD"},
		{"date_from=2021-01-01&date_to=2021-12-31", func(r procure.SearchRequest) bool {
			return r.DateFrom.Equal(day(2021, 1, 1)) && r.DateTo.Equal(day(2022, 1, 1))
		}, "date_from=2021-01-01&date_to=2021-12-31"},
		{"min_amount=1,000.5&max_amount=2e6", func(r procure.SearchRequest) bool {
			return r.MinAmount.String() == "1000.50" && r.MaxAmount.String() == "2000000.00"
		}, "min_amount=1000.50&max_amount=2000000.00"},
		{"sort=amount_asc&limit=100&cursor=abc_DEF-1=", func(r procure.SearchRequest) bool {
			return r.Sort == procure.SortAmountAsc && r.Limit == 100 && r.Cursor == "abc_DEF-1=" && !r.Facets
		}, "sort=amount_asc&limit=100&cursor=abc_DEF-1%3D"},
		{"risk=possible&method=open&category=goods&utm_source=x", func(r procure.SearchRequest) bool {
			return r.Risk[0] == "possible" && r.Method[0] == "open" && r.Category[0] == "goods"
		}, "method=open&category=goods&risk=possible"},
		{"buyer=&supplier=+&q=", func(r procure.SearchRequest) bool { return len(r.Buyer) == 0 && len(r.Supplier) == 0 }, ""},
	}
	for _, tc := range good {
		v, _ := url.ParseQuery(tc.query)
		req, q, err := parseSearch(v)
		if err != nil {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		if !tc.check(req) {
			t.Errorf("%q: request %+v", tc.query, req)
		}
		if got := q.encode(); got != tc.canon {
			t.Errorf("%q: canonical %q, want %q", tc.query, got, tc.canon)
		}
	}
	bad := []struct{ query, param, msg string }{
		{"q=" + strings.Repeat("x", procure.MaxQueryLength+1), "q", "too long"},
		{"q=a%00b", "q", "not allowed"},
		{"buyer_type=schools", "buyer_type", "education, police, health or other"},
		{"country=USA", "country", "two-letter"},
		{"year=21", "year", "a year such as 2021"},
		{"currency=dollars", "currency", "three-letter"},
		{"date_from=01/02/2021", "date_from", "YYYY-MM-DD"},
		{"date_from=2021-05-01&date_to=2021-04-01", "date_to", "before the start"},
		{"min_amount=lots", "min_amount", "not an amount"},
		{"min_amount=10&max_amount=5", "max_amount", "smaller than"},
		{"sort=popular", "sort", "not a sort order"},
		{"sort=date_asc&sort=date_desc", "sort", "only once"},
		{"limit=0", "limit", "1 to 100"},
		{"limit=1000", "limit", "1 to 100"},
		{"cursor=a%20b", "cursor", "damaged"},
		{"buyer=" + strings.Repeat("b", maxIDLength+1), "buyer", "too long"},
	}
	for _, tc := range bad {
		v, _ := url.ParseQuery(tc.query)
		_, _, err := parseSearch(v)
		var pe *publicError
		if !errors.As(err, &pe) || !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("%.40q: error %v, want a public ErrInvalid", tc.query, err)
			continue
		}
		if pe.Param != tc.param || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%.40q: param %q msg %q, want %q containing %q", tc.query, pe.Param, pe.Msg, tc.param, tc.msg)
		}
	}
}

func TestQueryLinks(t *testing.T) {
	q := newQuery(searchParamOrder).set(pQ, "bus").with(pYear, "2021").with(pBuyer, "A")
	if got := q.url("/search"); got != "/search?q=bus&buyer=A&year=2021" {
		t.Errorf("url = %s", got)
	}
	q2 := q.with(pYear, "2022").without(pBuyer, "A")
	if got := q2.encode(); got != "q=bus&year=2021&year=2022" {
		t.Errorf("with/without = %s", got)
	}
	if got := q.encode(); got != "q=bus&buyer=A&year=2021" {
		t.Errorf("original changed: %s", got)
	}
	if h := q.hidden(pQ); len(h) != 2 || h[0].Name != pBuyer {
		t.Errorf("hidden = %+v", h)
	}
}

func TestBuildSearch(t *testing.T) {
	f := newFakeData(plainText)
	ctx := context.Background()
	v, _ := url.ParseQuery("q=computadoras&buyer=" + testBuyerID + "&year=2021")
	p, err := testSite.buildSearch(ctx, f, f, v)
	if err != nil || p.Status != http.StatusOK {
		t.Fatalf("buildSearch: %v %d", err, p.Status)
	}
	if p.Summary != "About 1,234 contracts" || len(p.Hits) != 2 || p.NextURL == "" || p.FirstURL != "" {
		t.Errorf("page = %+v", p)
	}
	if p.Hits[1].Amount != "" || !strings.HasPrefix(p.Hits[1].Title, "Untitled") {
		t.Errorf("hit without title/amount = %+v", p.Hits[1])
	}
	facet := func(name string) facetView {
		for _, fv := range p.Facets {
			if fv.Name == name {
				return fv
			}
		}
		t.Fatalf("no facet %s", name)
		return facetView{}
	}
	if fv := facet(procure.FacetYear); !fv.Values[0].Active || strings.Contains(fv.Values[0].URL, "year=") {
		t.Errorf("active year facet should link to the search without it: %+v", fv.Values[0])
	}
	if fv := facet(procure.FacetBuyerType); fv.Values[0].Active || !strings.Contains(fv.Values[0].URL, "buyer_type=education") || fv.Values[0].Label != "School / education" {
		t.Errorf("buyer type facet: %+v", fv.Values[0])
	}
	if fv := facet(procure.FacetAmount); !strings.Contains(fv.Values[0].URL, "min_amount=10000.00&max_amount=99999.9999") || fv.Values[2].URL != "" {
		t.Errorf("amount facet: %+v", fv.Values)
	}
	if got := facet(procure.FacetAmount).Values[1].Label; got != "1M or more" {
		t.Errorf("amount label %q", got)
	}
	if len(p.Active) != 2 || p.Active[0].Value != plainText("buyer") || p.Active[1].Label != "Year" {
		t.Errorf("active filters = %+v", p.Active)
	}
	for _, f := range p.Facets {
		for _, fv := range f.Values {
			if strings.Contains(fv.URL, "cursor=") {
				t.Errorf("facet link keeps the cursor: %s", fv.URL)
			}
		}
	}
	if p.SortOptions[0].Value != procure.SortRelevance || !p.SortOptions[0].Selected {
		t.Errorf("sort options = %+v", p.SortOptions)
	}

	// later page: no facets; the PartyNamer names a filtered supplier no hit mentions
	v, _ = url.ParseQuery("supplier=GB-COH-99999999&cursor=xyz")
	p, err = testSite.buildSearch(ctx, f, f, v)
	if err != nil {
		t.Fatal(err)
	}
	if p.Facets != nil || p.FirstURL != "/search?supplier=GB-COH-99999999" || p.Active[0].Value != "Named By Lookup Ltd" {
		t.Errorf("later page: facets %v first %q active %+v", p.Facets, p.FirstURL, p.Active)
	}
	for _, o := range p.SortOptions {
		if o.Value == procure.SortRelevance {
			t.Errorf("relevance offered without words")
		}
	}

	// empty results
	f.results = procure.SearchResults{TotalExact: true}
	v, _ = url.ParseQuery("q=zzz&buyer_type=police")
	p, _ = testSite.buildSearch(ctx, f, f, v)
	if !p.Empty || p.Summary != "No contracts found" || p.ClearURL != "/search?q=zzz" {
		t.Errorf("empty page = %+v", p)
	}

	// refused by the searcher: 400 page, not an error
	f.setErr("Search", &procure.QueryError{Kind: procure.ErrTooExpensive, Message: "Too many ORs.", Offset: -1})
	p, err = testSite.buildSearch(ctx, f, f, v)
	if err != nil || p.Status != http.StatusBadRequest || p.Refused != "Too many ORs." || p.Meta.JSON != "" || !p.Meta.NoIndex {
		t.Errorf("refused: %v %+v", err, p)
	}
	// unavailable: an error for the error handler
	f.setErr("Search", procure.ErrUnavailable)
	if _, err := testSite.buildSearch(ctx, f, f, v); !errors.Is(err, procure.ErrUnavailable) {
		t.Errorf("unavailable: %v", err)
	}
}

func TestBuildContract(t *testing.T) {
	f := newFakeData(plainText)
	p, err := testSite.buildContract(context.Background(), f, testOCID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Meta.Canonical != "https://t.example/contracts/ocds-abc123-2021%2F0042" || p.Meta.JSON != "https://t.example/api/v1/contracts/ocds-abc123-2021%2F0042" {
		t.Errorf("meta = %+v", p.Meta)
	}
	if p.Uncounted != 1 || p.Awards[1].Counted || p.Amount != "125,000.50\u00a0USD" {
		t.Errorf("awards = %+v", p.Awards)
	}
	if len(p.Documents) != 3 || p.Documents[0].Href == "" || p.Documents[2].Href != "" || p.Documents[2].URL != "javascript:alert(1)" {
		t.Errorf("documents = %+v", p.Documents)
	}
	if p.Parties[0].Roles != "Buyer, Procuring entity" || p.Parties[0].Party.URL != agencyPath(testBuyerID) || p.Parties[1].Party.URL != supplierPath(testSupplier) {
		t.Errorf("parties = %+v", p.Parties)
	}
	if p.Releases[0].RawURL != "/contracts/ocds-abc123-2021%2F0042/releases/ocds-abc123-2021%2F0042-award-1" || p.Releases[1].SourceRef != "" || strings.Contains(p.Releases[1].SourceURL, "/srv/") {
		t.Errorf("releases = %+v", p.Releases)
	}
	if len(p.Changes) != 3 || p.Changes[0].Old != "active" || !p.Changes[1].Added {
		t.Errorf("changes = %+v", p.Changes)
	}
	if len(p.Items) != 1 || p.Items[0].Quantity != "30 unit text" || !strings.HasPrefix(p.Items[0].Classification, "CPV 30200000") {
		t.Errorf("items = %+v", p.Items)
	}
	if len(p.Contracts) != 1 || p.Contracts[0].Value != "125,000.50\u00a0USD" {
		t.Errorf("contracts = %+v", p.Contracts)
	}
	_, err = testSite.buildContract(context.Background(), f, "missing")
	if status, msg, _, _ := classify(err); status != http.StatusNotFound || !strings.Contains(msg, `"missing"`) {
		t.Errorf("missing: %d %q", status, msg)
	}
	// a broken compiled release never breaks the page
	d := f.contracts[testOCID]
	d.CompiledRelease = []byte(`{"tender": [1,2], "awards": "x", "contracts": [{"value": {"amount": "NaN"}}]}`)
	f.contracts[testOCID] = d
	if _, err := testSite.buildContract(context.Background(), f, testOCID); err != nil {
		t.Errorf("quirky release: %v", err)
	}
}

func TestBuildAgencyAndSupplier(t *testing.T) {
	f := newFakeData(plainText)
	a, err := testSite.buildAgency(context.Background(), f, testBuyerID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Charts) != 2 || a.Charts[0].Currency != "EUR" || a.Charts[1].Currency != "USD" {
		t.Errorf("charts = %+v", a.Charts)
	}
	if len(a.TopSuppliers) != 2 || a.TopSuppliers[0].Currency != "EUR" || len(a.Categories) != 2 || a.AllContractsURL != "/search?buyer="+testBuyerID {
		t.Errorf("agency = %+v", a)
	}
	if len(a.RecentAwards.Rows) != 2 || a.Refunds[0] != "-200.00\u00a0USD" {
		t.Errorf("awards/refunds = %+v %v", a.RecentAwards, a.Refunds)
	}
	s, err := testSite.buildSupplier(context.Background(), f, testSupplier)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.BuyerTypes) != 2 || !strings.Contains(s.BuyerTypes[1].URL, "buyer_type=police") || s.AllContractsURL != "/search?supplier="+testSupplier {
		t.Errorf("supplier = %+v", s)
	}
	l, err := testSite.buildAgencies(context.Background(), f, url.Values{"buyer_type": {"police"}, "cursor": {"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rows) != 2 || l.NextURL != "/agencies?buyer_type=police&cursor=next-agencies" || l.FirstURL != "/agencies?buyer_type=police" || !l.BuyerTypes[2].Selected {
		t.Errorf("agencies = %+v", l)
	}
}

func TestBuildSources(t *testing.T) {
	f := newFakeData(plainText)
	p, err := testSite.buildSources(context.Background(), f, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sources) != 2 {
		t.Fatalf("sources = %+v", p.Sources)
	}
	var remote, local sourceView
	for _, s := range p.Sources {
		if s.Name == "local" {
			local = s
		} else {
			remote = s
		}
	}
	if remote.LastRun.URL != "/sources/"+url.PathEscape(remote.Name)+"/runs/7" {
		t.Errorf("run link = %q", remote.LastRun.URL)
	}
	if remote.Location != "https://example.org/api/releases?page=1" || remote.LocationURL == "" || remote.Healthy {
		t.Errorf("remote = %+v", remote)
	}
	if local.Location != "local file dump.jsonl" || local.LocationURL != "" || local.Schedule != "Manual imports only" {
		t.Errorf("local = %+v", local)
	}
	pr := remote.LastRun.Problems[0]
	if !strings.Contains(pr.Where, "x.json, line 3, record 3, at /ocid") || strings.Contains(pr.Where, "/home") || pr.URL == "" {
		t.Errorf("problem = %+v", pr)
	}
	if p, err := testSite.buildSources(context.Background(), nil, nil); err != nil || len(p.Sources) != 0 {
		t.Errorf("nil lister: %v", err)
	}
}

func TestFormatting(t *testing.T) {
	eq := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	eq(formatInt(0), "0")
	eq(formatInt(999), "999")
	eq(formatInt(1000), "1,000")
	eq(formatInt(-1234567), "-1,234,567")
	eq(formatDecimal(dec("-123456.7")), "-123,456.70")
	eq(formatDecimal(dec("1234567.1234")), "1,234,567.1234")
	eq(formatDecimal(dec("-0.01")), "-0.01")
	eq(formatMoney(money("5", "")), "5.00\u00a0(currency not stated)")
	eq(compactNumber(1500), "1.5k")
	eq(compactNumber(-2.5e6), "-2.5M")
	eq(compactNumber(3e9), "3bn")
	eq(compactNumber(0), "0")
	eq(humanize("planningUpdate"), "Planning update")
	eq(humanize("in_progress"), "In progress")
	eq(humanize("open"), "Open")
	eq(langTag("ES"), "es")
	eq(langTag("zh-Hant"), "zh-Hant")
	eq(langTag("en\" onmouseover=x"), "")
	eq(langTag("1e"), "")
	eq(safeHref("https://a.example/x?y=1"), "https://a.example/x?y=1")
	eq(safeHref("JaVaScRiPt:alert(1)"), "")
	eq(safeHref("//evil.example/x"), "")
	eq(safeHref("data:text/html,<b>"), "")
	eq(safeHref("/relative"), "")
	eq(plainTitle("a\u202eb\tc\u200f"), "ab c")
	eq(truncate("ééééé", 3), "éé…")
	eq(publicLocation("https://u:p@h.example/p?page=2&apikey=S&token=T#f"), "https://h.example/p?page=2")
	eq(publicLocation(`C:\data\x.json`), "local file x.json")
	for _, tc := range []struct{ in, min, max string }{
		{"10000..100000", "10000.00", "100000.00"},
		{"..5000", "", "5000.00"},
		{"1e6..", "1000000.00", ""},
		{"10k-100k", "10000.00", "99999.9999"},
		{"100K-1M", "100000.00", "999999.9999"},
		{"lt10k", "", "9999.9999"},
		{"ge10m", "10000000.00", ""},
		{"0.5..2bn", "0.50", "2000000000.00"},
	} {
		min, max, ok := parseAmountRange(tc.in)
		if !ok || min != tc.min || max != tc.max {
			t.Errorf("parseAmountRange(%q) = %q %q %v", tc.in, min, max, ok)
		}
	}
	for _, bad := range []string{"", "..", "-5", "a..b", "5-", "ltx", "1e5k-2", "10q-20q"} {
		if _, _, ok := parseAmountRange(bad); ok {
			t.Errorf("parseAmountRange(%q) accepted", bad)
		}
	}
}

func TestPathID(t *testing.T) {
	for raw, want := range map[string]string{"a%2Fb": "a/b", "a/b": "a/b", "x%20y": "x y", "ocds-1/": "ocds-1"} {
		if got, err := pathID(raw, "id"); err != nil || got != want {
			t.Errorf("pathID(%q) = %q, %v", raw, got, err)
		}
	}
	for _, raw := range []string{"", "%zz", "a%00b", "a%0Ab", strings.Repeat("x", maxIDLength+1), "%ff"} {
		if _, err := pathID(raw, "id"); err == nil {
			t.Errorf("pathID(%q) accepted", raw)
		}
	}
	ocid, rel, ok := splitReleasePath("a%2Fb/releases/r%2F1")
	if !ok || ocid != "a%2Fb" || rel != "r%2F1" {
		t.Errorf("split = %q %q %v", ocid, rel, ok)
	}
	if _, _, ok := splitReleasePath("ocds-releases-1"); ok {
		t.Errorf("split matched without /releases/")
	}
}
