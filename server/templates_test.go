package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tenderlens/tenderlens/web"
)

// TestTemplatesExecute runs every page template against its view model with
// zero values and with full values, and checks that the template set has
// exactly the pages the server renders.
func TestTemplatesExecute(t *testing.T) {
	assets, err := web.LoadAssets(staticPrefix)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := web.ParsePages(assets)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string(nil), pageNames...)
	sort.Strings(want)
	if got := pages.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("page templates %v, server renders %v", got, want)
	}

	ctx := context.Background()
	f := newFakeData(plainText)
	s := site{baseURL: "https://t.example", demo: true}
	home, err := s.buildHome(ctx, f)
	must(t, err)
	search, err := s.buildSearch(ctx, f, f, url.Values{"q": {"computadoras"}, "year": {"2021"}})
	must(t, err)
	refused, err := s.buildSearch(ctx, f, f, url.Values{"year": {"x"}})
	must(t, err)
	later, err := s.buildSearch(ctx, f, f, url.Values{"cursor": {"x"}})
	must(t, err)
	contract, err := s.buildContract(ctx, f, testOCID)
	must(t, err)
	agencies, err := s.buildAgencies(ctx, f, url.Values{})
	must(t, err)
	agency, err := s.buildAgency(ctx, f, testBuyerID)
	must(t, err)
	supplier, err := s.buildSupplier(ctx, f, testSupplier)
	must(t, err)
	sources, err := s.buildSources(ctx, f, f)
	must(t, err)
	run, err := s.buildRun(ctx, f, plainText("sourcename"), 7)
	must(t, err)
	f.results.Hits = nil
	f.results.Total = 0
	empty, err := s.buildSearch(ctx, f, f, url.Values{"q": {"nothing"}, "buyer_type": {"police"}})
	must(t, err)

	cases := []struct {
		page string
		data any
	}{
		{pageHome, homePage{}}, {pageHome, home},
		{pageSearch, searchPage{}}, {pageSearch, search}, {pageSearch, refused}, {pageSearch, later}, {pageSearch, empty},
		{pageContract, contractPage{}}, {pageContract, contract},
		{pageAgencies, agenciesPage{}}, {pageAgencies, agencies},
		{pageAgency, agencyPage{}}, {pageAgency, agency},
		{pageSupplier, supplierPage{}}, {pageSupplier, supplier},
		{pageSources, sourcesPage{}}, {pageSources, sources}, {pageSources, sourcesPage{Sources: []sourceView{{Name: "x"}}}},
		{pageMethodology, methodologyPage{}}, {pageMethodology, s.buildMethodology()},
		{pageRun, runPage{}}, {pageRun, run},
		{pageError, errorPage{}}, {pageError, s.errorPage(http.StatusNotFound, "No such thing.", "rid")},
	}
	for _, tc := range cases {
		var buf bytes.Buffer
		if err := pages.Execute(&buf, tc.page, tc.data); err != nil {
			t.Errorf("%s with %T: %v", tc.page, tc.data, err)
			continue
		}
		doc := parseHTML(t, buf.String())
		if n := len(find(doc, func(n *html.Node) bool { return n.Data == "main" })); n != 1 {
			t.Errorf("%s: %d <main> elements", tc.page, n)
		}
		if n := len(find(doc, func(n *html.Node) bool { return n.Data == "h1" })); n != 1 {
			t.Errorf("%s with %T: %d <h1> elements", tc.page, tc.data, n)
		}
		// every table has a caption and its header cells a scope
		for _, tbl := range find(doc, func(n *html.Node) bool { return n.Data == "table" }) {
			if len(find(tbl, func(n *html.Node) bool { return n.Data == "caption" })) != 1 {
				t.Errorf("%s: table without caption", tc.page)
			}
			for _, th := range find(tbl, func(n *html.Node) bool { return n.Data == "th" }) {
				if _, ok := attr(th, "scope"); !ok {
					t.Errorf("%s: <th> without scope: %q", tc.page, textOf(th))
				}
			}
		}
		// every form control has a label
		for _, in := range find(doc, func(n *html.Node) bool {
			typ, _ := attr(n, "type")
			return (n.Data == "input" && typ != "hidden") || n.Data == "select"
		}) {
			id, _ := attr(in, "id")
			if id == "" || len(find(doc, func(n *html.Node) bool { v, _ := attr(n, "for"); return n.Data == "label" && v == id })) != 1 {
				t.Errorf("%s: form control %q without exactly one label", tc.page, id)
			}
		}
		// ids are unique
		seen := map[string]bool{}
		for _, n := range find(doc, func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
			id, _ := attr(n, "id")
			if seen[id] {
				t.Errorf("%s: duplicate id %q", tc.page, id)
			}
			seen[id] = true
		}
		if strings.Contains(buf.String(), "ZgotmplZ") {
			t.Errorf("%s: html/template rejected a value (ZgotmplZ)", tc.page)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
