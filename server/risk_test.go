package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/tenderlens/tenderlens/data/bods"
	"github.com/tenderlens/tenderlens/data/demo"
	"github.com/tenderlens/tenderlens/data/owner"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// riskData adds dossiers to the fake catalog (it then implements
// RiskReader, as the store does).
type riskData struct {
	*fakeData
	dossiers map[string]procure.RiskDossier
	list     procure.RiskList
	lastReq  procure.RiskListRequest
}

func (r *riskData) SupplierRisk(_ context.Context, id string) (procure.RiskDossier, error) {
	d, ok := r.dossiers[id]
	if !ok {
		return d, fmt.Errorf("risk %s: %w", id, procure.ErrNotFound)
	}
	return d, nil
}

func (r *riskData) RiskList(_ context.Context, req procure.RiskListRequest) (procure.RiskList, error) {
	r.lastReq = req
	return r.list, nil
}

// memGraph is an in-memory owner.Graph: records clustered by qualified
// identifier.
type memGraph struct {
	ents map[string]procure.Entity
	rels []procure.Relationship
}

func (g *memGraph) Entity(_ context.Context, id string) (procure.Entity, error) {
	e, ok := g.ents[id]
	if !ok {
		return e, procure.ErrNotFound
	}
	return e, nil
}

func (g *memGraph) Cluster(_ context.Context, id string) ([]string, error) {
	out := []string{id}
	for changed := true; changed; {
		changed = false
		for oid, o := range g.ents {
			if contains(out, oid) {
				continue
			}
			for _, m := range out {
				for _, a := range g.ents[m].Identifiers {
					for _, b := range o.Identifiers {
						if a.Qualified() != "" && a.Qualified() == b.Qualified() && !contains(out, oid) {
							out, changed = append(out, oid), true
						}
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func (g *memGraph) OwnersOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	ms, _ := g.Cluster(ctx, id)
	var out []procure.Relationship
	for _, r := range g.rels {
		if !r.Kind.Soft() && contains(ms, r.Asset) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (g *memGraph) SoftLinksOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	ms, _ := g.Cluster(ctx, id)
	var out []procure.Relationship
	for _, r := range g.rels {
		if r.Kind.Soft() && (contains(ms, r.Asset) || contains(ms, r.Owner)) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (g *memGraph) byIdentifier(q string) []string {
	var out []string
	for id, e := range g.ents {
		for _, i := range e.Identifiers {
			if i.Qualified() == q {
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}

var riskToday = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// demoChain is the shape of the demo case, with names from text (so the
// XSS test can put payloads in them).
func demoChain(text func(string) string) *memGraph {
	prov := procure.Provenance{Source: "demo", Dataset: text("dataset"), RecordID: text("record"), URL: "demo-ownership.bods.json",
		RetrievedAt: riskToday.AddDate(0, 0, -30)}
	g := &memGraph{ents: map[string]procure.Entity{
		"bods:aprok": {ID: "bods:aprok", Kind: procure.EntityCompany, Name: text("supplier"), Jurisdiction: "GB",
			Identifiers: []procure.Identifier{{Scheme: "GB-COH", ID: "01234567"}}, Provenance: prov},
		"bods:kestrel": {ID: "bods:kestrel", Kind: procure.EntityCompany, Name: text("holding"), Jurisdiction: "HK", Provenance: prov},
		"bods:orrinsk": {ID: "bods:orrinsk", Kind: procure.EntityCompany, Name: text("intermediary"), Jurisdiction: "RU",
			Identifiers: []procure.Identifier{{Scheme: "RU-INN", ID: "0099417721"}}, Provenance: prov},
		"demo:orrinsk": {ID: "demo:orrinsk", Kind: procure.EntityCompany, Name: text("intermediary"),
			Identifiers: []procure.Identifier{{Scheme: "RU-INN", ID: "0099417721"}}, Provenance: prov},
		"demo:pyolbit": {ID: "demo:pyolbit", Kind: procure.EntityCompany, Name: text("listed"), Jurisdiction: "KP", Provenance: prov,
			Listings: []procure.Listing{{List: "Tenderlens demo sanctions list (fictional)", Programs: []string{text("program")}, Reference: "KPe.D01",
				ListedOn: riskToday.AddDate(0, 0, -900).Format("2006-01-02"), URL: "javascript:alert(1)"}}},
		"demo:pyolbit-hk": {ID: "demo:pyolbit-hk", Kind: procure.EntityCompany, Name: text("listed2"), Provenance: prov,
			Listings: []procure.Listing{{List: "Tenderlens demo sanctions list (fictional)", Reference: "KPe.D02", ListedOn: "2023-01-01"}}},
	}}
	ago := func(d int) string { return riskToday.AddDate(0, 0, -d).Format("2006-01-02") }
	g.rels = []procure.Relationship{
		{ID: "r1", Kind: procure.RelOwnership, Owner: "bods:kestrel", Asset: "bods:aprok", Share: procure.Interval{Min: 75, Max: 100}, Control: true,
			Interests: []string{"shareholding", "votingRights"}, StartDate: ago(1900), Provenance: prov},
		{ID: "r2", Kind: procure.RelOwnership, Owner: "bods:orrinsk", Asset: "bods:kestrel", Share: procure.Interval{Min: 60, Max: 60}, StartDate: ago(2000), Provenance: prov},
		{ID: "r3", Kind: procure.RelOwnership, Asset: "bods:kestrel", Share: procure.Interval{Min: 40, Max: 40}, UnspecifiedOwner: "interestedPartyHasNotProvidedInformation", Provenance: prov},
		{ID: "r4", Kind: procure.RelOwnership, Owner: "demo:pyolbit", Asset: "demo:orrinsk", Share: procure.Interval{Min: 51, Max: 51}, StartDate: ago(2300), Provenance: prov},
		{ID: "r5", Kind: procure.RelUnknownLink, Owner: "demo:orrinsk", Asset: "demo:pyolbit-hk", Role: text("role"), Provenance: prov},
	}
	return g
}

func demoDossier(t *testing.T, text func(string) string) procure.RiskDossier {
	t.Helper()
	g := demoChain(text)
	awards := []procure.RiskAward{
		{OCID: testOCID, AwardID: "award-1", Title: text("award"), Buyer: procure.PartyRef{ID: testBuyerID, Name: text("buyer")}, BuyerType: procure.BuyerPolice,
			Date: riskToday.AddDate(0, 0, -1500), Value: money("98000", "USD"), HasValue: true, Counted: true},
		{OCID: testOCID, AwardID: "award-2", Title: text("award"), Buyer: procure.PartyRef{ID: testBuyerID, Name: text("buyer")}, BuyerType: procure.BuyerEducation,
			Date: riskToday.AddDate(0, 0, -200), Value: money("109200", "USD"), HasValue: true, Counted: true},
	}
	links := []procure.SupplierLink{{SupplierID: testSupplier, EntityID: "bods:aprok", Method: "identifier", Certain: true,
		Match: procure.MatchResult{Score: 1, Match: true, Features: []procure.MatchFeature{{Feature: "identifier", Score: 1, Detail: text("detail")}}}}}
	d, err := owner.Analyze(context.Background(), g, owner.Input{Supplier: procure.PartyRef{ID: testSupplier, Name: text("supplier")},
		Links: links, Awards: awards, Today: riskToday}, owner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newRiskData(t *testing.T, text func(string) string) *riskData {
	t.Helper()
	f := newFakeData(text)
	d := demoDossier(t, text)
	rd := &riskData{fakeData: f, dossiers: map[string]procure.RiskDossier{testSupplier: d}}
	sum := procure.RiskSummary{Supplier: d.Supplier, Level: d.Level, Headline: d.Headline, Listed: []string{text("listed")},
		Exposure: []procure.Money{money("207200", "USD"), money("5", "GBP")}, BuyerTypes: []procure.BuyerType{procure.BuyerEducation, procure.BuyerPolice},
		ComputedAt: riskToday}
	for _, v := range d.Today.Verdicts {
		v.Trace = nil
		sum.Verdicts = append(sum.Verdicts, v)
	}
	rd.list = procure.RiskList{Rows: []procure.RiskSummary{sum}, Total: 1, Currency: "USD",
		Currencies: []procure.CurrencyCount{{Currency: "USD", Suppliers: 1}, {Currency: "GBP", Suppliers: 1}}, NextCursor: "abc123"}
	return rd
}

func riskApp(t *testing.T, rd *riskData) func(string) response {
	app := newTestApp(t, rd.fakeData, func(c *Config, d *Deps) { d.Catalog = rd; c.CacheTTL = -1 })
	return func(target string) response { return do(t, app, "GET", target) }
}

func TestRiskDossierOfDemoShape(t *testing.T) {
	d := demoDossier(t, plainText)
	if d.Level != procure.RiskOwned || d.Today.Level != procure.RiskOwned {
		t.Fatalf("level %s today %s", d.Level, d.Today.Level)
	}
	if d.Awards[0].Level != procure.RiskNone || d.Awards[1].Level != procure.RiskOwned {
		t.Errorf("award levels %s %s: the listing came between them", d.Awards[0].Level, d.Awards[1].Level)
	}
	for _, v := range d.Today.Verdicts {
		if v.Verdict != procure.VerdictYes {
			t.Errorf("%s %s", v.Regime, v.Verdict)
		}
	}
	if len(d.Owners) == 0 || d.Owners[0].Share != (procure.Interval{Min: 22.95, Max: 30.6}) {
		t.Errorf("effective ownership %+v", d.Owners)
	}
	if len(d.SoftLinks) != 1 {
		t.Errorf("soft links %+v", d.SoftLinks)
	}
}

func TestRiskSupplierSection(t *testing.T) {
	rd := newRiskData(t, plainText)
	get := riskApp(t, rd)
	r := get("/suppliers/" + testSupplier)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if strings.Contains(r.body, " style=") {
		t.Error("a style attribute (CSP style-src 'self' forbids them)")
	}
	doc := parseHTML(t, r.body)
	sec := find(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return n.Data == "section" && v == "risk" })
	if len(sec) != 1 {
		t.Fatal("no risk section")
	}
	svgs := find(sec[0], func(n *html.Node) bool { return n.Data == "svg" })
	if len(svgs) != 1 {
		t.Fatalf("%d svg graphs", len(svgs))
	}
	svg := svgs[0]
	if role, _ := attr(svg, "role"); role != "img" {
		t.Errorf("svg role %q", role)
	}
	lb, _ := attr(svg, "aria-labelledby")
	for _, id := range strings.Fields(lb) {
		if len(find(svg, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })) != 1 {
			t.Errorf("aria-labelledby %q not inside the svg", id)
		}
	}
	if n := len(find(svg, func(n *html.Node) bool { return n.Data == "rect" && hasParentClass(n, "risk-node") })); n != 5 {
		t.Errorf("%d entity boxes; want 5 (supplier, holding, undisclosed owner, intermediary, listed)", n)
	}
	txt := textOf(svg)
	for _, want := range []string{"Acme Supplies Ltd", "holding text", "Undisclosed owner", "75–100\u00a0%", "51\u00a0%", "LISTED"} {
		if !strings.Contains(txt, want) {
			t.Errorf("graph lacks %q: %s", want, txt)
		}
	}
	// the same chain as a list, with sources
	paths := find(sec[0], func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "risk-path") })
	if len(paths) != 1 {
		t.Fatalf("%d paths", len(paths))
	}
	items := find(paths[0], func(n *html.Node) bool { return n.Data == "li" && n.Parent.Data == "ol" })
	if len(items) != 4 {
		t.Errorf("%d list items; want the supplier and 3 hops", len(items))
	}
	ptxt := textOf(paths[0])
	for _, want := range []string{"owned 75–100\u00a0% and controlled by", "owned 60\u00a0% by", "owned 51\u00a0% by the listed party", "listed text",
		"record text", "KPe.D01", "Opaque", "not disclosed"} {
		if !strings.Contains(ptxt, want) && !strings.Contains(textOf(sec[0]), want) {
			t.Errorf("path list lacks %q", want)
		}
	}
	stxt := textOf(sec[0])
	for _, want := range []string{"US (OFAC 50 % rule)", "Effective ownership", "22.95–30.6", "Linked to (not ownership)", "role text",
		"What is unknown", "detail text", "Public money involved", "How each rule was applied"} {
		if !strings.Contains(stxt, want) {
			t.Errorf("section lacks %q", want)
		}
	}
	// the javascript: list URL is not a link
	for _, a := range find(sec[0], func(n *html.Node) bool { return n.Data == "a" }) {
		if h, _ := attr(a, "href"); strings.HasPrefix(strings.ToLower(h), "javascript") {
			t.Errorf("unsafe link %q", h)
		}
	}
	if n := len(find(sec[0], func(n *html.Node) bool { v, _ := attr(n, "data-regime"); return n.Data == "tr" && v != "" })); n != 3 {
		t.Errorf("%d verdict rows", n)
	}
}

func hasParentClass(n *html.Node, class string) bool {
	return n.Parent != nil && strings.Contains(func() string { v, _ := attr(n.Parent, "class"); return v }(), class)
}

func TestRiskSectionEscapes(t *testing.T) {
	payload := func(kind string) string {
		return `<script>alert("` + kind + `")</script>"><img src=x onerror=alert(1)>`
	}
	rd := newRiskData(t, func(kind string) string {
		switch kind {
		case "supplier", "holding", "listed", "listed2", "intermediary", "role", "detail", "record", "dataset", "program", "award", "buyer":
			return payload(kind)
		}
		return plainText(kind)
	})
	get := riskApp(t, rd)
	for _, target := range []string{"/suppliers/" + testSupplier, "/risk"} {
		r := get(target)
		if r.status != 200 {
			t.Fatalf("%s: status %d", target, r.status)
		}
		doc := parseHTML(t, r.body)
		injected := func(n *html.Node) bool {
			typ, _ := attr(n, "type")
			return (n.Data == "script" && typ != "application/ld+json") || n.Data == "img"
		}
		if n := len(find(doc, injected)); n != 0 {
			t.Errorf("%s: %d injected elements", target, n)
		}
		if strings.Contains(r.body, "ZgotmplZ") {
			t.Errorf("%s: ZgotmplZ", target)
		}
	}
}

func TestRiskListPage(t *testing.T) {
	rd := newRiskData(t, plainText)
	get := riskApp(t, rd)
	r := get("/risk?buyer_type=police&verdict=owned&currency=usd")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if rd.lastReq.BuyerType != procure.BuyerPolice || rd.lastReq.Level != procure.RiskOwned || rd.lastReq.Currency != "USD" || rd.lastReq.Limit != defaultListLimit {
		t.Errorf("request %+v", rd.lastReq)
	}
	doc := parseHTML(t, r.body)
	rows := find(doc, func(n *html.Node) bool { v, _ := attr(n, "data-level"); return n.Data == "tr" && v != "" })
	if len(rows) != 1 || !strings.Contains(textOf(rows[0]), "207,200.00") || !strings.Contains(textOf(rows[0]), "5.00\u00a0GBP") {
		t.Errorf("rows: %v", len(rows))
	}
	next := find(doc, func(n *html.Node) bool { v, _ := attr(n, "rel"); return n.Data == "a" && v == "next" })
	if len(next) != 1 {
		t.Fatal("no next link")
	}
	href, _ := attr(next[0], "href")
	u, _ := url.Parse(href)
	if u.Query().Get("cursor") != "abc123" || u.Query().Get("currency") != "USD" {
		t.Errorf("next %s", href)
	}
	// without a currency, the next page pins the ranking currency
	r = get("/risk")
	doc = parseHTML(t, r.body)
	next = find(doc, func(n *html.Node) bool { v, _ := attr(n, "rel"); return n.Data == "a" && v == "next" })
	if href, _ := attr(next[0], "href"); !strings.Contains(href, "currency=USD") {
		t.Errorf("next %s", href)
	}
	for _, bad := range []string{"/risk?verdict=bad", "/risk?buyer_type=army", "/risk?currency=dollars", "/risk?limit=9999", "/api/v1/risk?verdict=none"} {
		if r := get(bad); r.status != 400 {
			t.Errorf("%s: status %d", bad, r.status)
		}
	}
}

func TestRiskAPI(t *testing.T) {
	rd := newRiskData(t, plainText)
	get := riskApp(t, rd)
	r := get("/api/v1/risk")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	var list map[string]any
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rows", "total", "currency", "currencies", "ranking", "next_cursor", "next"} {
		if _, ok := list[k]; !ok {
			t.Errorf("list lacks %q", k)
		}
	}
	row := list["rows"].([]any)[0].(map[string]any)
	if row["url"] != "https://tenderlens.example/suppliers/"+testSupplier+"#risk" || row["api"] != "https://tenderlens.example/api/v1/suppliers/"+testSupplier+"/risk" {
		t.Errorf("row links %v %v", row["url"], row["api"])
	}

	r = get("/api/v1/suppliers/" + testSupplier + "/risk")
	if r.status != 200 {
		t.Fatalf("dossier status %d: %s", r.status, r.body)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"supplier", "level", "links", "entities", "edges", "paths", "today", "atAwards", "awards", "exposure", "owners", "softLinks", "unknowns", "url"} {
		if _, ok := d[k]; !ok {
			t.Errorf("dossier lacks %q", k)
		}
	}
	if d["level"] != "owned" || len(d["paths"].([]any)) != 1 {
		t.Errorf("level %v paths %v", d["level"], d["paths"])
	}
	// the supplier's own JSON still answers
	if r := get("/api/v1/suppliers/" + testSupplier); r.status != 200 || strings.Contains(r.body, `"paths"`) {
		t.Errorf("supplier JSON: %d", r.status)
	}
	// a supplier without a dossier yet, and one that does not exist
	rd.suppliers[testSupplier2] = procure.SupplierDetail{Party: procure.Party{ID: testSupplier2, Name: plainText("supplier2")}}
	if r := get("/api/v1/suppliers/" + testSupplier2 + "/risk"); r.status != 200 || !strings.Contains(r.body, `"checked":false`) {
		t.Errorf("unchecked supplier: %d %s", r.status, r.body)
	}
	if r := get("/api/v1/suppliers/nobody/risk"); r.status != 404 || !strings.Contains(r.header.Get("Content-Type"), "problem+json") {
		t.Errorf("unknown supplier: %d %s", r.status, r.header.Get("Content-Type"))
	}
}

func TestRiskWithoutReader(t *testing.T) {
	f := newFakeData(plainText)
	app := newTestApp(t, f)
	r := do(t, app, "GET", "/suppliers/"+testSupplier)
	if r.status != 200 || strings.Contains(r.body, `id="risk"`) {
		t.Errorf("supplier page: %d, risk section shown without data", r.status)
	}
	r = do(t, app, "GET", "/risk")
	if r.status != 200 || !strings.Contains(r.body, "not available") {
		t.Errorf("/risk: %d", r.status)
	}
	r = do(t, app, "GET", "/api/v1/risk")
	if r.status != 200 || !strings.Contains(r.body, `"rows":[]`) {
		t.Errorf("/api/v1/risk: %d %s", r.status, r.body)
	}
	r = do(t, app, "GET", "/api/v1/suppliers/"+testSupplier+"/risk")
	if r.status != 200 || !strings.Contains(r.body, `"checked":false`) {
		t.Errorf("dossier: %d %s", r.status, r.body)
	}
}

func TestRiskGraphLayout(t *testing.T) {
	d := demoDossier(t, plainText)
	ents := map[string]procure.RiskEntity{}
	for _, e := range d.Entities {
		ents[e.ID] = e
	}
	g := graphOf(d, ents)
	if g == nil {
		t.Fatal("no graph")
	}
	boxes := map[string]graphNode{}
	for _, n := range g.Nodes {
		boxes[n.Full] = n
		if n.X < 0 || n.Y < 0 || n.X+n.W > g.Width || n.Y+n.H > g.Height {
			t.Errorf("box %q outside the canvas", n.Full)
		}
	}
	// owners above what they own
	sup := plainText("supplier")
	if !(boxes["listed text"].Y < boxes["intermediary text"].Y && boxes["intermediary text"].Y < boxes["holding text"].Y && boxes["holding text"].Y < boxes[sup].Y) {
		t.Errorf("rows %+v", boxes)
	}
	if !boxes[sup].Supplier || !boxes["listed text"].Listed {
		t.Error("supplier or listed marker missing")
	}
	if len(g.Edges) != 4 {
		t.Errorf("%d edges", len(g.Edges))
	}
}

// ftmSink collects what the FtM parser reads.
type ftmSink struct{ g *memGraph }

func (s ftmSink) Entity(e procure.Entity) error { s.g.ents[e.ID] = e; return nil }
func (s ftmSink) Relationship(r procure.Relationship) error {
	s.g.rels = append(s.g.rels, r)
	return nil
}
func (s ftmSink) Report(procure.Problem) {}

// TestRiskZalaPage renders the dossier of a supplier carrying the INN of
// one of Zakharov's companies (OOO "SPS", owned 75 % by him from 2020 to
// 2022), built from the real OpenSanctions export with the real parser:
// the page shows the path to the sanctioned owner with its source record,
// as SVG and as a list, and the JSON has the same.
func TestRiskZalaPage(t *testing.T) {
	path := testenv.SharedData(t, "sanctions", "opensanctions-ftm", "zala_aero_cluster.ftm.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := &memGraph{ents: map[string]procure.Entity{}}
	p := sanctions.NewFtM(sanctions.FtMOptions{})
	ctx := context.Background()
	if err := p.Document(ctx, f, sanctions.Doc{Source: "opensanctions", URL: path, RetrievedAt: riskToday}, ftmSink{g}); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, ftmSink{g}); err != nil {
		t.Fatal(err)
	}
	const sup = "RU-INN-9715374145"
	var links []procure.SupplierLink
	for _, id := range g.byIdentifier(sup) {
		links = append(links, procure.SupplierLink{SupplierID: sup, EntityID: id, Method: "identifier", Certain: true, Match: procure.MatchResult{Score: 1, Match: true}})
	}
	if len(links) != 1 {
		t.Fatalf("records with %s: %v", sup, links)
	}
	d, err := owner.Analyze(ctx, g, owner.Input{Supplier: procure.PartyRef{ID: sup, Name: "ООО \"СПС\""}, Links: links, Today: riskToday,
		Awards: []procure.RiskAward{{OCID: "ocds-test00-zala", AwardID: "1", Title: "Drone parts", Buyer: procure.PartyRef{ID: "XX-TEST-police", Name: "Test City Police"},
			BuyerType: procure.BuyerPolice, Date: time.Date(2021, 6, 15, 10, 0, 0, 0, time.UTC), Value: money("1500000", "RUB"), HasValue: true, Counted: true}}},
		owner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	fd := newFakeData(plainText)
	fd.suppliers[sup] = procure.SupplierDetail{Party: procure.Party{ID: sup, Name: "ООО \"СПС\"", Scheme: "RU-INN", Identifier: "9715374145"}, AwardCount: 1}
	rd := &riskData{fakeData: fd, dossiers: map[string]procure.RiskDossier{sup: d}}
	get := riskApp(t, rd)

	r := get("/suppliers/" + sup)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	doc := parseHTML(t, r.body)
	sec := find(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return n.Data == "section" && v == "risk" })
	if len(sec) != 1 {
		t.Fatal("no risk section")
	}
	svg := find(sec[0], func(n *html.Node) bool { return n.Data == "svg" })
	if len(svg) != 1 || !strings.Contains(strings.ToUpper(textOf(svg[0])), "ZAKHAROV") || !strings.Contains(textOf(svg[0]), "75\u00a0% (ended)") {
		t.Errorf("graph: %s", textOf(svg[0]))
	}
	paths := find(sec[0], func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "risk-path") })
	if len(paths) != 1 {
		t.Fatalf("%d paths", len(paths))
	}
	txt := textOf(paths[0])
	for _, want := range []string{"owned 75\u00a0% by the listed party", "2020-01-10 to 2022-11-22", "ext_ru_egrul", "record ", "retrieved 2026-03-01", "OFAC SDN", "45937"} {
		if !strings.Contains(txt, want) {
			t.Errorf("path lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(textOf(sec[0]), "Possibly owned or controlled") {
		t.Errorf("headline: %s", d.Headline)
	}

	r = get("/api/v1/suppliers/" + sup + "/risk")
	var js procure.RiskDossier
	if err := json.Unmarshal([]byte(r.body), &js); err != nil || r.status != 200 {
		t.Fatalf("JSON %d %v", r.status, err)
	}
	if len(js.Paths) == 0 || len(js.Paths[0].Nodes) != 2 || js.Paths[0].Nodes[1] != "opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw" {
		t.Fatalf("JSON paths %+v", js.Paths)
	}
	found := false
	for _, e := range js.Edges {
		if e.ID == js.Paths[0].Edges[0] && e.Share.Min == 75 && e.Source.RecordID != "" && e.Source.URL == path {
			found = true
		}
	}
	if !found {
		t.Errorf("JSON edges %+v", js.Edges)
	}
}

// TestRiskDemoCasePages renders the demo ownership case, read from the
// files demo.OwnershipFiles makes with the real BODS and FtM parsers: the
// vendor shows on /risk, and its page draws the chain as SVG and lists it.
func TestRiskDemoCasePages(t *testing.T) {
	ctx := context.Background()
	files, err := demo.OwnershipFiles(demo.Options{Seed: 1, Now: riskToday})
	if err != nil {
		t.Fatal(err)
	}
	g := &memGraph{ents: map[string]procure.Entity{}}
	for _, f := range files {
		doc := sanctions.Doc{Source: "demo", URL: f.Name, RetrievedAt: riskToday}
		switch f.Format {
		case demo.FormatFtM:
			p := sanctions.NewFtM(sanctions.FtMOptions{Namespace: "demo", License: demo.License})
			if err := p.Document(ctx, bytes.NewReader(f.Data), doc, ftmSink{g}); err != nil {
				t.Fatal(err)
			}
			if err := p.Finish(ctx, ftmSink{g}); err != nil {
				t.Fatal(err)
			}
		case demo.FormatBODS:
			p := bods.New(bods.Options{Namespace: "demo-bods"})
			if err := p.Document(ctx, bytes.NewReader(f.Data), bods.Doc(doc), ftmSink{g}); err != nil {
				t.Fatal(err)
			}
			if err := p.Finish(ctx, ftmSink{g}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var links []procure.SupplierLink
	for _, id := range g.byIdentifier(demo.CaseSupplierID) {
		links = append(links, procure.SupplierLink{SupplierID: demo.CaseSupplierID, EntityID: id, Method: "identifier", Certain: true, Match: procure.MatchResult{Score: 1, Match: true}})
	}
	d, err := owner.Analyze(ctx, g, owner.Input{Supplier: procure.PartyRef{ID: demo.CaseSupplierID, Name: demo.CaseSupplierName}, Links: links, Today: riskToday,
		Awards: []procure.RiskAward{{OCID: "ocds-demo00-PAPD-2024-001", AwardID: "1", Buyer: procure.PartyRef{ID: "demo-papd", Name: "Port Alder Police Department"},
			BuyerType: procure.BuyerPolice, Date: riskToday.AddDate(0, 0, -750), Value: money("36000", "USD"), HasValue: true, Counted: true}}}, owner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Level != procure.RiskOwned || len(d.Paths) != 1 {
		t.Fatalf("level %s, %d paths: %s", d.Level, len(d.Paths), d.Headline)
	}
	fd := newFakeData(plainText)
	fd.suppliers[demo.CaseSupplierID] = procure.SupplierDetail{Party: procure.Party{ID: demo.CaseSupplierID, Name: demo.CaseSupplierName}, AwardCount: 1}
	sum := procure.RiskSummary{Supplier: d.Supplier, Level: d.Level, Headline: d.Headline, Exposure: d.Exposure, Listed: owner.PathTargets(d)}
	rd := &riskData{fakeData: fd, dossiers: map[string]procure.RiskDossier{demo.CaseSupplierID: d},
		list: procure.RiskList{Rows: []procure.RiskSummary{sum}, Total: 1, Currency: "USD"}}
	get := riskApp(t, rd)

	r := get("/risk")
	if r.status != 200 || !strings.Contains(r.body, demo.CaseSupplierName) || !strings.Contains(r.body, "/suppliers/"+demo.CaseSupplierID+"#risk") {
		t.Errorf("/risk: %d", r.status)
	}
	r = get("/suppliers/" + demo.CaseSupplierID)
	doc := parseHTML(t, r.body)
	svg := find(doc, func(n *html.Node) bool {
		return n.Data == "svg" && ancestorWith(n, func(p *html.Node) bool { v, _ := attr(p, "id"); return v == "risk" })
	})
	if len(svg) != 1 {
		t.Fatalf("%d risk graphs", len(svg))
	}
	for _, name := range []string{demo.CaseHoldingName, demo.CaseIntermediaryName, "Undisclosed owner", "LISTED"} {
		if !strings.Contains(textOf(svg[0]), name) {
			t.Errorf("graph lacks %q", name)
		}
	}
	list := find(doc, func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "risk-path") })
	if len(list) != 1 {
		t.Fatal("no path list")
	}
	for _, name := range []string{demo.CaseHoldingName, demo.CaseIntermediaryName, demo.CaseListedName, demo.CaseListedReference} {
		if !strings.Contains(textOf(list[0]), name) {
			t.Errorf("list lacks %q", name)
		}
	}
}
