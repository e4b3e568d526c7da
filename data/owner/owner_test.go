package owner

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

var testToday = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func certainLink(id string) procure.SupplierLink {
	return procure.SupplierLink{SupplierID: "SUP", EntityID: id, Method: "identifier", Certain: true, Match: procure.MatchResult{Score: 1, Match: true}}
}

func analyze(t *testing.T, g Graph, awards []procure.RiskAward, links ...procure.SupplierLink) procure.RiskDossier {
	t.Helper()
	if len(links) == 0 {
		links = []procure.SupplierLink{certainLink("S")}
	}
	d, err := Analyze(context.Background(), g, Input{Supplier: procure.PartyRef{ID: "SUP", Name: "Supplier Ltd"}, Links: links, Awards: awards, Today: testToday}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func verdicts(a procure.RiskAssessment) map[procure.Regime]procure.Verdict {
	out := map[procure.Regime]procure.Verdict{}
	for _, v := range a.Verdicts {
		out[v.Regime] = v.Verdict
	}
	return out
}

type want struct{ ofac, eu, uk procure.Verdict }

const (
	Y = procure.VerdictYes
	P = procure.VerdictPossible
	N = procure.VerdictNo
)

// TestRules covers the OFAC guidance examples and the EU/UK differences.
func TestRules(t *testing.T) {
	allLists := func(e procure.Entity) procure.Entity {
		e = listed(e, "OFAC SDN", "2010-01-01")
		e = listed(e, "EU Financial Sanctions Files", "2010-01-01")
		return listed(e, "UK Sanctions List (OFSI)", "2010-01-01")
	}
	tests := []struct {
		name  string
		graph *memGraph
		want  want
		level procure.RiskLevel
	}{
		{"FAQ 401 chain 50 % of 50 % is blocked although 25 % effective",
			newGraph().add(company("S", "Supplier"), company("A", "Alpha"), allLists(company("X", "Xeno"))).
				link(owns("X", "A", 50, 50), owns("A", "S", 50, 50)),
			want{Y, N, N}, procure.RiskOwned},
		{"two blocked owners 25 % each are aggregated",
			newGraph().add(company("S", "Supplier"), allLists(company("X1", "Xeno One")), allLists(company("X2", "Xeno Two"))).
				link(owns("X1", "S", 25, 25), owns("X2", "S", 25, 25)),
			want{Y, N, N}, procure.RiskOwned},
		{"two listed owners 30 % each: EU aggregates, UK does not",
			newGraph().add(company("S", "Supplier"), allLists(company("X1", "Xeno One")), allLists(company("X2", "Xeno Two"))).
				link(owns("X1", "S", 30, 30), owns("X2", "S", 30, 30)),
			want{Y, Y, N}, procure.RiskOwned},
		{"49 % is not blocked",
			newGraph().add(company("S", "Supplier"), allLists(company("X", "Xeno"))).link(owns("X", "S", 49, 49)),
			want{N, N, N}, procure.RiskLinked},
		{"exactly 50 %: OFAC yes, EU and UK need more than half",
			newGraph().add(company("S", "Supplier"), allLists(company("X", "Xeno"))).link(owns("X", "S", 50, 50)),
			want{Y, N, N}, procure.RiskOwned},
		{"PSC band 25-50 % from a blocked owner is possible",
			newGraph().add(company("S", "Supplier"), allLists(company("X", "Xeno"))).link(owns("X", "S", 25, 50)),
			want{P, N, N}, procure.RiskPossible},
		{"PSC band 50-75 %: OFAC yes, EU/UK possible",
			newGraph().add(company("S", "Supplier"), allLists(company("X", "Xeno"))).link(owns("X", "S", 50, 75)),
			want{Y, P, P}, procure.RiskOwned},
		{"unknown share from a sanctions list (subsidiary of) is possible",
			newGraph().add(company("S", "Supplier"), allLists(company("X", "Xeno"))).link(owns("X", "S", 0, 100)),
			want{P, P, P}, procure.RiskPossible},
		{"control without ownership: not OFAC, yes EU and UK",
			newGraph().add(company("S", "Supplier"), allLists(company("X", "Xeno"))).link(controls("X", "S")),
			want{N, Y, Y}, procure.RiskOwned},
		{"UK attributes one person's direct and indirect holdings together",
			newGraph().add(company("S", "Supplier"), company("A", "Alpha"), allLists(company("X", "Xeno"))).
				link(owns("X", "A", 100, 100), owns("X", "S", 30, 30), owns("A", "S", 30, 30)),
			want{Y, Y, Y}, procure.RiskOwned},
		{"a list that only OFAC uses leaves EU and UK at no",
			newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).link(owns("X", "S", 80, 80)),
			want{Y, N, N}, procure.RiskOwned},
		{"a debarment is not a designation",
			newGraph().add(company("S", "Supplier"), listed(company("X", "Xeno"), "us_sam_exclusions (debarment)", "2010-01-01")).link(owns("X", "S", 80, 80)),
			want{N, N, N}, procure.RiskLinked},
		{"the supplier itself listed",
			newGraph().add(allLists(company("S", "Supplier"))),
			want{Y, Y, Y}, procure.RiskListed},
		{"DPRK Workers' Party is blocked without designation (EO 13722)",
			newGraph().add(company("S", "Supplier"), procure.Entity{ID: "W", Kind: procure.EntityOrganization, Name: "Workers' Party of Korea"}).
				link(owns("W", "S", 100, 100)),
			want{Y, N, N}, procure.RiskOwned},
		{"nothing listed",
			newGraph().add(company("S", "Supplier"), company("A", "Alpha")).link(owns("A", "S", 100, 100)),
			want{N, N, N}, procure.RiskNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := analyze(t, tc.graph, nil)
			got := verdicts(d.Today)
			if got[procure.RegimeOFAC] != tc.want.ofac || got[procure.RegimeEU] != tc.want.eu || got[procure.RegimeUK] != tc.want.uk {
				t.Errorf("verdicts OFAC %s EU %s UK %s, want %s %s %s", got[procure.RegimeOFAC], got[procure.RegimeEU], got[procure.RegimeUK], tc.want.ofac, tc.want.eu, tc.want.uk)
				dump(t, d)
			}
			if d.Level != tc.level {
				t.Errorf("level %s, want %s (headline %q)", d.Level, tc.level, d.Headline)
			}
			for _, v := range d.Today.Verdicts {
				if v.Summary == "" {
					t.Errorf("%s: empty summary", v.Regime)
				}
			}
		})
	}
}

func dump(t *testing.T, d procure.RiskDossier) {
	t.Helper()
	b, _ := json.MarshalIndent(d, "", "  ")
	t.Logf("%s", b)
}

func TestTraceShowsWhatSummed(t *testing.T) {
	g := newGraph().add(company("S", "Supplier"), ofac(company("X1", "Xeno One")), ofac(company("X2", "Xeno Two")), company("Y", "Bystander")).
		link(owns("X1", "S", 25, 25), owns("X2", "S", 25, 25), owns("Y", "S", 50, 50))
	d := analyze(t, g, nil)
	v := d.Today.Verdicts[0]
	if v.Regime != procure.RegimeOFAC || v.Verdict != Y {
		t.Fatalf("OFAC verdict %+v", v)
	}
	last := v.Trace[len(v.Trace)-1]
	if last.Entity != "S" || last.Sum.Min != 50 || last.Sum.Max != 50 || len(last.Owners) != 2 || last.Threshold != "≥ 50 %" {
		t.Errorf("supplier step %+v", last)
	}
	for _, o := range last.Owners {
		if o.Entity == "Y" || !strings.Contains(o.Basis, "OFAC SDN") {
			t.Errorf("owner %+v", o)
		}
	}
}

func TestChainTraceOrder(t *testing.T) {
	g := newGraph().add(company("S", "Supplier"), company("A", "Alpha"), company("B", "Beta"), ofac(company("X", "Xeno"))).
		link(owns("X", "B", 50, 50), owns("B", "A", 50, 50), owns("A", "S", 50, 50))
	d := analyze(t, g, nil)
	var ids []string
	for _, s := range d.Today.Verdicts[0].Trace {
		ids = append(ids, s.Entity+":"+string(s.Result))
	}
	if got := strings.Join(ids, " "); got != "B:yes A:yes S:yes" {
		t.Errorf("trace %s", got)
	}
	if len(d.Paths) != 1 || strings.Join(d.Paths[0].Nodes, ">") != "S>A>B>X" {
		t.Fatalf("paths %+v", d.Paths)
	}
	if p := d.Paths[0]; p.Share.Min != 12.5 || p.Share.Max != 12.5 || !p.Current {
		t.Errorf("path share %+v", p)
	}
	if len(d.Owners) == 0 || d.Owners[0].Entity != "X" || d.Owners[0].Share.Min != 12.5 {
		t.Errorf("owners %+v", d.Owners)
	}
}

func TestCycles(t *testing.T) {
	t.Run("cross-holding converges", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), company("A", "Alpha"), company("B", "Beta"), ofac(company("X", "Xeno"))).
			link(owns("X", "A", 60, 60), owns("A", "B", 50, 50), owns("B", "A", 50, 50), owns("A", "S", 100, 100))
		d := analyze(t, g, nil)
		// v(A) = 0.6 + 0.5·v(B), v(B) = 0.5·v(A) → v(A) = 0.8
		var x *procure.EffectiveOwner
		for i := range d.Owners {
			if d.Owners[i].Entity == "X" {
				x = &d.Owners[i]
			}
		}
		if x == nil || math.Abs(x.Share.Min-80) > 0.01 || math.Abs(x.Share.Max-80) > 0.01 {
			t.Fatalf("effective %+v", d.Owners)
		}
		if verdicts(d.Today)[procure.RegimeOFAC] != Y {
			t.Errorf("OFAC %v", verdicts(d.Today))
		}
	})
	t.Run("cycle through the supplier terminates", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), company("A", "Alpha"), ofac(company("X", "Xeno"))).
			link(owns("S", "A", 50, 50), owns("A", "S", 50, 50), owns("X", "A", 50, 50))
		d := analyze(t, g, nil)
		if verdicts(d.Today)[procure.RegimeOFAC] != Y {
			t.Errorf("OFAC %v", verdicts(d.Today))
		}
		if g.calls > 10 {
			t.Errorf("OwnersOf called %d times", g.calls)
		}
	})
	t.Run("unknown shares on a cycle stay within 100 %", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), company("A", "Alpha"), company("B", "Beta"), ofac(company("X", "Xeno"))).
			link(owns("A", "B", 0, 100), owns("B", "A", 0, 100), owns("X", "A", 0, 100), owns("A", "S", 0, 100))
		d := analyze(t, g, nil)
		for _, o := range d.Owners {
			if o.Share.Max > 100 || o.Share.Min < 0 {
				t.Errorf("owner %+v", o)
			}
		}
		if verdicts(d.Today)[procure.RegimeOFAC] != P {
			t.Errorf("OFAC %v", verdicts(d.Today))
		}
	})
}

func TestSoftLinksNeverChangeVerdicts(t *testing.T) {
	base := func() *memGraph {
		return newGraph().add(company("S", "Supplier"), company("A", "Alpha"), ofac(company("X", "Xeno"))).
			link(owns("A", "S", 100, 100), owns("X", "A", 20, 20))
	}
	plain := analyze(t, base(), nil)
	g := base().link(
		procure.Relationship{Kind: procure.RelDirectorship, Owner: "X", Asset: "S", Role: "director"},
		procure.Relationship{Kind: procure.RelLinkedTo, Owner: "A", Asset: "X", Role: "Linked To: XENO"},
		procure.Relationship{Kind: procure.RelUnknownLink, Owner: "S", Asset: "X"},
		procure.Relationship{Kind: procure.RelSharedAddress, Owner: "A", Asset: "X"},
	)
	soft := analyze(t, g, nil)
	if a, b := verdicts(plain.Today), verdicts(soft.Today); a[procure.RegimeOFAC] != b[procure.RegimeOFAC] || a[procure.RegimeEU] != b[procure.RegimeEU] || a[procure.RegimeUK] != b[procure.RegimeUK] {
		t.Errorf("verdicts changed: %v → %v", a, b)
	}
	if len(soft.SoftLinks) != 4 {
		t.Errorf("soft links %+v", soft.SoftLinks)
	}
	for _, s := range soft.SoftLinks {
		if s.To != "X" {
			t.Errorf("soft link %+v", s)
		}
	}
	if soft.Level != procure.RiskLinked {
		t.Errorf("level %s", soft.Level)
	}
	for _, e := range soft.Edges {
		if e.Kind.Soft() {
			t.Errorf("soft link among ownership edges: %+v", e)
		}
	}
}

func TestDates(t *testing.T) {
	award := func(day string) procure.RiskAward {
		d, _ := time.Parse("2006-01-02", day)
		return procure.RiskAward{OCID: "o-" + day, AwardID: "1", Date: d, Value: procure.Money{Amount: procure.DecimalFromInt(100), Currency: "USD"}, HasValue: true, Counted: true}
	}
	t.Run("ended links do not propagate", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).link(dated(owns("X", "S", 60, 60), "2015-01-01", "2020-06-30"))
		d := analyze(t, g, []procure.RiskAward{award("2019-05-01"), award("2021-05-01")})
		if v := verdicts(d.Today)[procure.RegimeOFAC]; v != N {
			t.Errorf("today %s", v)
		}
		if v := verdicts(d.AtAwards[0])[procure.RegimeOFAC]; v != Y || d.AtAwards[0].AsOf != "2019-05-01" {
			t.Errorf("2019 %s %s", d.AtAwards[0].AsOf, v)
		}
		if v := verdicts(d.AtAwards[1])[procure.RegimeOFAC]; v != N {
			t.Errorf("2021 %s", v)
		}
		if d.Level != procure.RiskOwned || d.Today.Level != procure.RiskNone {
			t.Errorf("level %s today %s", d.Level, d.Today.Level)
		}
		if len(d.Paths) != 1 || d.Paths[0].Current {
			t.Errorf("paths %+v", d.Paths)
		}
		if d.Awards[0].Level != procure.RiskOwned || d.Awards[1].Level != procure.RiskNone {
			t.Errorf("award levels %s %s", d.Awards[0].Level, d.Awards[1].Level)
		}
		if !strings.Contains(d.Headline, "not today") {
			t.Errorf("headline %q", d.Headline)
		}
		if len(d.Exposure) != 1 || d.Exposure[0].Amount.String() != "200.00" {
			t.Errorf("exposure %+v", d.Exposure)
		}
	})
	t.Run("a listing after the award is a risk today, not at award time", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), listed(company("X", "Xeno"), "OFAC SDN", "2022-02-24")).link(owns("X", "S", 60, 60))
		d := analyze(t, g, []procure.RiskAward{award("2021-01-10"), award("2022-02-24")})
		if v := verdicts(d.Today)[procure.RegimeOFAC]; v != Y {
			t.Errorf("today %s", v)
		}
		if v := verdicts(d.AtAwards[0])[procure.RegimeOFAC]; v != N {
			t.Errorf("before listing %s", v)
		}
		if v := verdicts(d.AtAwards[1])[procure.RegimeOFAC]; v != Y {
			t.Errorf("listing day %s", v)
		}
	})
	t.Run("an unknown listing date is possible at award dates", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), listed(company("X", "Xeno"), "OFAC SDN", "")).link(owns("X", "S", 60, 60))
		d := analyze(t, g, []procure.RiskAward{award("2021-01-10")})
		if v := verdicts(d.Today)[procure.RegimeOFAC]; v != Y {
			t.Errorf("today %s", v)
		}
		if v := verdicts(d.AtAwards[0])[procure.RegimeOFAC]; v != P {
			t.Errorf("award %s", v)
		}
		if !containsAny(d.Unknowns, "not published") {
			t.Errorf("unknowns %q", d.Unknowns)
		}
	})
	t.Run("a link starting after the date does not count", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).link(dated(owns("X", "S", 60, 60), "2024-01-01", ""))
		d := analyze(t, g, []procure.RiskAward{award("2023-01-10")})
		if v := verdicts(d.AtAwards[0])[procure.RegimeOFAC]; v != N {
			t.Errorf("award %s", v)
		}
	})
	t.Run("a partial end date straddling the day is possible", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).link(dated(owns("X", "S", 60, 60), "2015", "2023"))
		d := analyze(t, g, []procure.RiskAward{award("2023-06-10")})
		if v := verdicts(d.AtAwards[0])[procure.RegimeOFAC]; v != P {
			t.Errorf("award %s", v)
		}
	})
	t.Run("successive filings of one holding are not added", func(t *testing.T) {
		g := newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).
			link(dated(owns("X", "S", 30, 30), "2015-01-01", ""), dated(owns("X", "S", 30, 30), "2016-01-01", ""))
		d := analyze(t, g, nil)
		if v := verdicts(d.Today)[procure.RegimeOFAC]; v != N {
			t.Errorf("today %s (30 %% filed twice is still 30 %%)", v)
		}
	})
}

func containsAny(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestNameOnlyLinkIsPossible(t *testing.T) {
	g := newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).link(owns("X", "S", 100, 100))
	d := analyze(t, g, nil, procure.SupplierLink{SupplierID: "SUP", EntityID: "S", Method: "name", Match: procure.MatchResult{Score: 0.8, Match: true}})
	if v := verdicts(d.Today)[procure.RegimeOFAC]; v != P {
		t.Errorf("OFAC %s", v)
	}
	if d.Level != procure.RiskPossible {
		t.Errorf("level %s", d.Level)
	}
	if !containsAny(d.Unknowns, "by name only") {
		t.Errorf("unknowns %q", d.Unknowns)
	}
}

func TestClustersMergeRecords(t *testing.T) {
	ogrn := procure.Identifier{Scheme: "RU-OGRN", ID: "1111832003018"}
	reg := company("ftm:K", "JSC Kalashnikov Concern")
	reg.Identifiers = []procure.Identifier{ogrn}
	list := ofac(company("ofac:16911", "KALASHNIKOV CONCERN"))
	list.Identifiers = []procure.Identifier{ogrn}
	g := newGraph().add(company("S", "Supplier"), reg, list).link(owns("ftm:K", "S", 51, 51))
	d := analyze(t, g, nil)
	if v := verdicts(d.Today)[procure.RegimeOFAC]; v != Y {
		t.Fatalf("OFAC %s", v)
	}
	var k *procure.RiskEntity
	for i := range d.Entities {
		if d.Entities[i].ID == "ftm:K" {
			k = &d.Entities[i]
		}
	}
	if k == nil || len(k.Members) != 2 || !k.Listed || len(k.Listings) != 1 {
		t.Errorf("entity %+v", k)
	}
}

func TestOpaqueAndUnknowns(t *testing.T) {
	hk := company("H", "Harbour Holdings Limited")
	hk.Jurisdiction = "HK"
	g := newGraph().add(company("S", "Supplier"), hk, ofac(company("X", "Xeno"))).link(
		owns("H", "S", 75, 100),
		owns("X", "H", 60, 60),
		procure.Relationship{Kind: procure.RelOwnership, Asset: "H", UnspecifiedOwner: "interestedPartyHasNotProvidedInformation", Share: procure.Interval{Min: 40, Max: 40}},
	)
	d := analyze(t, g, nil)
	if v := verdicts(d.Today); v[procure.RegimeOFAC] != Y || v[procure.RegimeEU] != N {
		t.Errorf("verdicts %v", v)
	}
	if !containsAny(d.Unknowns, "not disclosed") || !containsAny(d.Unknowns, "registered in HK") {
		t.Errorf("unknowns %q", d.Unknowns)
	}
	if len(d.Paths) != 1 || !d.Paths[0].Opaque {
		t.Errorf("paths %+v", d.Paths)
	}
	undisclosed := false
	for _, e := range d.Edges {
		if e.Owner == "" && e.UnspecifiedOwner != "" {
			undisclosed = true
		}
	}
	if !undisclosed {
		t.Errorf("the undisclosed owner is not among the edges: %+v", d.Edges)
	}
	// 0.6 × [0.75, 1] = [45, 60] %
	if len(d.Owners) == 0 || d.Owners[0].Share != (procure.Interval{Min: 45, Max: 60}) {
		t.Errorf("owners %+v", d.Owners)
	}
}

func TestDeclaredIndirectNotCounted(t *testing.T) {
	r := owns("X", "S", 60, 60)
	r.Direct = "indirect"
	g := newGraph().add(company("S", "Supplier"), ofac(company("X", "Xeno"))).link(r)
	d := analyze(t, g, nil)
	if v := verdicts(d.Today)[procure.RegimeOFAC]; v != N {
		t.Errorf("OFAC %s", v)
	}
	if d.Level != procure.RiskLinked || !containsAny(d.Unknowns, "indirect interest") {
		t.Errorf("level %s unknowns %q", d.Level, d.Unknowns)
	}
}

func TestDepthLimit(t *testing.T) {
	g := newGraph().add(company("S", "Supplier"))
	prev := "S"
	for i := 1; i <= 8; i++ {
		id := string(rune('A' + i))
		g.add(company(id, "Layer "+id))
		g.link(owns(id, prev, 100, 100))
		prev = id
	}
	g.add(ofac(company("X", "Xeno"))).link(owns("X", prev, 100, 100))
	d := analyze(t, g, nil)
	if d.Level != procure.RiskNone || len(d.Paths) != 0 {
		t.Errorf("level %s paths %d: the listed owner is 9 hops up", d.Level, len(d.Paths))
	}
	if !containsAny(d.Unknowns, "not followed") {
		t.Errorf("unknowns %q", d.Unknowns)
	}
	d2, err := Analyze(context.Background(), g, Input{Supplier: procure.PartyRef{ID: "SUP"}, Links: []procure.SupplierLink{certainLink("S")}, Today: testToday}, Config{MaxDepth: 10})
	if err != nil {
		t.Fatal(err)
	}
	if verdicts(d2.Today)[procure.RegimeOFAC] != Y {
		t.Errorf("depth 10: %v", verdicts(d2.Today))
	}
}

func TestListMatchByName(t *testing.T) {
	g := newGraph().add(company("S", "Supplier"), company("A", "Pyolbit Trading Corporation"),
		listed(company("L", "PYOLBIT TRADING CORPORATION"), "UN Security Council Consolidated List", "2017-08-05")).
		link(owns("A", "S", 100, 100))
	cfg := Config{Match: func(a, b procure.Entity) procure.MatchResult {
		ok := strings.EqualFold(a.Name, b.Name)
		return procure.MatchResult{Score: map[bool]float64{true: 0.93, false: 0.1}[ok], Match: ok,
			Features: []procure.MatchFeature{{Feature: "name", Score: 0.93, Detail: a.Name + " ≈ " + b.Name}}}
	}}
	d, err := Analyze(context.Background(), candGraph{g}, Input{Supplier: procure.PartyRef{ID: "SUP"}, Links: []procure.SupplierLink{certainLink("S")}, Today: testToday}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := verdicts(d.Today)
	if v[procure.RegimeOFAC] != N || v[procure.RegimeEU] != P || v[procure.RegimeUK] != P {
		t.Errorf("verdicts %v (a name match is never certain; the UN list feeds EU and UK)", v)
	}
	found := false
	for _, e := range d.Entities {
		if e.ID == "A" && len(e.ListMatches) == 1 && e.ListMatches[0].Match.Score == 0.93 {
			found = true
		}
	}
	if !found {
		t.Errorf("entities %+v", d.Entities)
	}
}

func TestNoLinks(t *testing.T) {
	d, err := Analyze(context.Background(), newGraph(), Input{Supplier: procure.PartyRef{ID: "SUP", Name: "Nobody Ltd"}, Today: testToday,
		Awards: []procure.RiskAward{{OCID: "o", Value: procure.Money{Amount: procure.DecimalFromInt(5), Currency: "GBP"}, HasValue: true, Counted: true}}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Level != procure.RiskNone || !d.Checked || len(d.Unknowns) != 1 || len(d.Today.Verdicts) != 3 || len(d.Awards) != 1 {
		t.Errorf("%+v", d)
	}
}

func TestParseSpan(t *testing.T) {
	for _, tc := range []struct {
		in     string
		lo, hi string
		ok     bool
	}{
		{"2023", "2023-01-01", "2023-12-31", true},
		{"2024-02", "2024-02-01", "2024-02-29", true},
		{"2024-02-10", "2024-02-10", "2024-02-10", true},
		{"2024-02-10T13:00:00Z", "2024-02-10", "2024-02-10", true},
		{"10/02/2024", "", "", false},
		{"", "", "", false},
	} {
		sp, ok := parseSpan(tc.in)
		if ok != tc.ok || (ok && (sp.lo.String() != tc.lo || sp.hi.String() != tc.hi)) {
			t.Errorf("%q: %v %s %s", tc.in, ok, sp.lo, sp.hi)
		}
	}
}

func TestClassify(t *testing.T) {
	c := Config{}.withDefaults()
	for _, tc := range []struct {
		l    procure.Listing
		p    procure.Provenance
		want string
	}{
		{procure.Listing{List: "OFAC SDN", Programs: []string{"DPRK3"}}, procure.Provenance{}, "ofac"},
		{procure.Listing{Authority: "Office of Foreign Assets Control", Programs: []string{"RUSSIA-EO14024"}}, procure.Provenance{Dataset: "us_ofac_sdn"}, "ofac"},
		{procure.Listing{Authority: "OFAC", Programs: []string{"Reciprocal"}}, procure.Provenance{Dataset: "us_sam_exclusions"}, ""},
		{procure.Listing{List: "EU Financial Sanctions Files", Programs: []string{"UKR"}}, procure.Provenance{}, "eu"},
		{procure.Listing{Authority: "Direction Générale du Trésor", Programs: []string{"EU-UKR"}}, procure.Provenance{}, "eu"},
		{procure.Listing{Authority: "Foreign, Commonwealth & Development Office", Programs: []string{"GB-RUS"}}, procure.Provenance{}, "uk"},
		{procure.Listing{List: "UN Security Council Consolidated List", Reference: "KPe.001"}, procure.Provenance{}, "eu uk"},
		{procure.Listing{Reference: "KPi.033"}, procure.Provenance{}, "eu uk"},
		{procure.Listing{List: "Tenderlens demo sanctions list (fictional)"}, procure.Provenance{}, "ofac eu uk"},
		{procure.Listing{Authority: "National Security and Defense Council", Programs: []string{"UA-SA1644"}}, procure.Provenance{}, ""},
		{procure.Listing{Authority: "Council of the European Union"}, procure.Provenance{Dataset: "eu_travel_bans"}, ""},
	} {
		rs, _ := c.classify(tc.l, tc.p)
		var got []string
		for _, r := range rs {
			got = append(got, string(r))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%+v %+v: %v, want %q", tc.l, tc.p, got, tc.want)
		}
	}
}

func TestIdentifiersConflict(t *testing.T) {
	inn := func(ids ...string) procure.Entity {
		var e procure.Entity
		for _, id := range ids {
			scheme, num, _ := strings.Cut(id, ":")
			e.Identifiers = append(e.Identifiers, procure.Identifier{Scheme: scheme, ID: num})
		}
		return e
	}
	for _, tc := range []struct {
		a, b procure.Entity
		want bool
	}{
		{inn("RU-INN:5920040846"), inn("RU-INN:1841015504"), true},
		{inn("RU-INN:5920040846", "RU-INN:1841015504"), inn("RU-INN:1841015504"), false},
		{inn("RU-INN:5920040846"), inn("RU-OGRN:1101841007938"), false},
		{inn("RU-TAX:1"), inn("RU-TAX:2"), false},
		{inn(), inn("RU-INN:1841015504"), false},
	} {
		if got := IdentifiersConflict(tc.a, tc.b); got != tc.want {
			t.Errorf("%v vs %v: %v", tc.a.Identifiers, tc.b.Identifiers, got)
		}
	}
}
