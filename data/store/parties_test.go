package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"École  Normale ":              "ecole normale",
		"ÎNTREPRINDEREA de Stat":       "intreprinderea de stat",
		"Київська міська рада":         "київська міська рада",
		"Йошкар-Ола":                   "йошкар-ола", // й keeps its breve
		"  Straße\tNORD ":              "straße nord",
		"がっこう":                         "がっこう",
		"Ωμέγα":                        "ωμεγα",
		"":                             "",
		"São Paulo — Secretaria Saúde": "sao paulo — secretaria saude",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestPartiesMostRecentNameAndNames(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	party := func(name, legal, street string) []procure.Party {
		return []procure.Party{{ID: "GB-COH-01", Name: name, Scheme: "GB-COH", Identifier: "01", LegalName: legal,
			Country: "GB", Address: procure.Address{Street: street}}}
	}
	aw := func(name string) []tAward {
		return []tAward{{ID: "1", Status: "active", Amount: "1", Currency: "GBP", Suppliers: []tParty{{"GB-COH-01", name}}}}
	}
	// Imported out of order: the 2022 contract is imported first.
	apply(t, s,
		src(t, tRelease{OCID: "o-2022", ID: "1", Date: day(2022, 1, 1), Buyer: &tParty{"B", "Council"}, Awards: aw("Acme Limited"),
			Parties: party("Acme Limited", "", "")}, "f"))
	apply(t, s,
		src(t, tRelease{OCID: "o-2019", ID: "1", Date: day(2019, 1, 1), Buyer: &tParty{"B", "Council"}, Awards: aw("ACME Ltd"),
			Parties: party("ACME Ltd", "Acme Holdings Limited", "1 Old Street")}, "f"),
		src(t, tRelease{OCID: "o-2020", ID: "1", Date: day(2020, 1, 1), Buyer: &tParty{"B", "Council"}, Awards: aw("ACME Ltd")}, "f"))
	sd, err := s.Supplier(ctx, "GB-COH-01")
	if err != nil {
		t.Fatal(err)
	}
	p := sd.Party
	// The newest contract's name wins; older contracts fill what it lacks.
	if p.Name != "Acme Limited" || p.LegalName != "Acme Holdings Limited" || p.Address.Street != "1 Old Street" ||
		p.Scheme != "GB-COH" || p.Country != "GB" {
		t.Errorf("party = %+v", p)
	}
	names, err := s.OtherNames(ctx, "GB-COH-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[0].Name != "ACME Ltd" || names[0].Contracts != 2 || names[1].Name != "Acme Limited" ||
		names[1].Contracts != 1 || !names[1].LastSeen.Equal(day(2022, 1, 1)) {
		t.Errorf("names = %+v", names)
	}
	// A newer contract renames it.
	apply(t, s, src(t, tRelease{OCID: "o-2023", ID: "1", Date: day(2023, 1, 1), Buyer: &tParty{"B", "Council"}, Awards: aw("Acme Group plc")}, "f"))
	got, err := s.PartyNames(ctx, []string{"GB-COH-01", "B", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]string{"GB-COH-01": "Acme Group plc", "B": "Council"}) {
		t.Errorf("PartyNames = %v", got)
	}
	// Changing the 2019 contract's supplier name moves its count.
	apply(t, s, src(t, tRelease{OCID: "o-2019", ID: "2", Date: day(2019, 2, 1), Awards: aw("Acme Group plc")}, "f"))
	names, _ = s.OtherNames(ctx, "GB-COH-01")
	counts := map[string]int{}
	for _, n := range names {
		counts[n.Name] = n.Contracts
	}
	// o-2019 still lists "ACME Ltd" in its parties array, and now "Acme Group plc" on the award.
	if !reflect.DeepEqual(counts, map[string]int{"ACME Ltd": 2, "Acme Limited": 1, "Acme Group plc": 2}) {
		t.Errorf("name counts = %v", counts)
	}
	verify(t, s)
}

func TestAgenciesPaginationAndFilters(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	names := []string{"École Saint-Exupéry", "Ecole Jules Ferry", "City Police Department", "County Sheriff",
		"General Hospital", "Київська міська рада", "Water Board", "Alpha School District", "alpha school district",
		"Zeta Health Trust", "Beta Police", "Гімназія №1", ""}
	types := []string{"education", "education", "police", "police", "health", "other", "other", "education", "education",
		"health", "police", "education", "other"}
	var rels []procure.SourceRelease
	for i, n := range names {
		rels = append(rels, src(t, tRelease{OCID: fmt.Sprintf("o%02d", i), ID: "1", Date: day(2020, 1, 1+i),
			Buyer: &tParty{fmt.Sprintf("ID-%02d", i), n}, BuyerType: types[i],
			Awards: []tAward{{ID: "1", Status: "active", Amount: "10", Currency: "EUR"}}}, "f"))
	}
	// A supplier-only party never shows as an agency.
	rels = append(rels, src(t, tRelease{OCID: "o-sup", ID: "1", Date: day(2020, 2, 1), Buyer: &tParty{"ID-00", names[0]},
		BuyerType: "education", Awards: []tAward{{ID: "1", Suppliers: []tParty{{"SUP", "A Supplier"}}}}}, "f"))
	apply(t, s, rels...)

	walk := func(req procure.PageRequest) ([]string, int) {
		t.Helper()
		var ids []string
		total := -1
		for pages := 0; ; pages++ {
			page, err := s.Agencies(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if total >= 0 && page.Total != total {
				t.Errorf("total changed between pages")
			}
			total = page.Total
			for _, a := range page.Agencies {
				ids = append(ids, a.Party.ID)
			}
			if page.NextCursor == "" {
				return ids, total
			}
			if pages > 100 {
				t.Fatal("pagination does not end")
			}
			req.Cursor = page.NextCursor
		}
	}
	all, total := walk(procure.PageRequest{Limit: 1000})
	if total != len(names) || len(all) != len(names) {
		t.Fatalf("all agencies: %d listed, total %d; want %d", len(all), total, len(names))
	}
	// Name order: folded (case and accents ignored), ties by ID; the nameless one sorts by its ID.
	wantOrder := []string{"ID-07", "ID-08", "ID-10", "ID-02", "ID-03", "ID-01", "ID-00", "ID-04", "ID-12", "ID-06", "ID-09", "ID-11", "ID-05"}
	if !slices.Equal(all, wantOrder) {
		t.Errorf("order = %v\nwant    %v", all, wantOrder)
	}
	for _, limit := range []int{1, 2, 5} {
		got, _ := walk(procure.PageRequest{Limit: limit})
		if !slices.Equal(got, all) {
			t.Errorf("limit %d pages = %v", limit, got)
		}
	}
	for q, want := range map[string][]string{
		"ecole":        {"ID-01", "ID-00"},
		"ÉCOLE SAINT":  {"ID-00"},
		"police":       {"ID-10", "ID-02"},
		"міська":       {"ID-05"},
		"id-1":         {"ID-10", "ID-12", "ID-11"}, // the ID is searchable too
		"no such name": nil,
	} {
		got, total := walk(procure.PageRequest{Q: q, Limit: 1})
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("Q=%q: %v (total %d); want %v", q, got, total, want)
		}
	}
	got, total := walk(procure.PageRequest{BuyerType: procure.BuyerPolice, Limit: 2})
	if !slices.Equal(got, []string{"ID-10", "ID-02", "ID-03"}) || total != 3 {
		t.Errorf("police: %v (%d)", got, total)
	}
	got, _ = walk(procure.PageRequest{BuyerType: procure.BuyerEducation, Q: "alpha"})
	if !slices.Equal(got, []string{"ID-07", "ID-08"}) {
		t.Errorf("education+alpha: %v", got)
	}
	if _, err := s.Agencies(ctx, procure.PageRequest{BuyerType: "army"}); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("bad buyer type: %v", err)
	}
	if _, err := s.Agencies(ctx, procure.PageRequest{Cursor: "not-a-cursor"}); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}
	page, _ := s.Agencies(ctx, procure.PageRequest{Limit: 100000})
	if len(page.Agencies) != len(names) {
		t.Errorf("huge limit: %d", len(page.Agencies))
	}
	if a := page.Agencies[0]; a.ContractCount != 1 || a.AwardCount != 1 || !reflect.DeepEqual(a.Totals, []procure.Money{money("10", "EUR")}) {
		t.Errorf("summary row %+v", a)
	}
	if _, err := s.Agency(ctx, "SUP"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("supplier as agency: %v", err)
	}
	if _, err := s.Agency(ctx, "nobody"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("unknown agency: %v", err)
	}
	if _, err := s.Supplier(ctx, "nobody"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("unknown supplier: %v", err)
	}

	// Stability: agencies added while a reader pages through neither repeat
	// nor hide the ones that were there.
	first, _ := s.Agencies(ctx, procure.PageRequest{Limit: 4})
	seen := map[string]int{}
	for _, a := range first.Agencies {
		seen[a.Party.ID]++
	}
	apply(t, s,
		src(t, tRelease{OCID: "new1", ID: "1", Date: day(2021, 1, 1), Buyer: &tParty{"NEW-1", "Aardvark Council"}}, "f"),
		src(t, tRelease{OCID: "new2", ID: "1", Date: day(2021, 1, 1), Buyer: &tParty{"NEW-2", "Zzz Council"}}, "f"))
	rest, _ := walk(procure.PageRequest{Limit: 3, Cursor: first.NextCursor})
	for _, id := range rest {
		seen[id]++
	}
	for _, id := range all {
		if seen[id] != 1 {
			t.Errorf("agency %s seen %d times across pages", id, seen[id])
		}
	}
	if seen["NEW-1"] != 0 || seen["NEW-2"] != 1 {
		t.Errorf("new agencies: before the cursor %d (want 0), after %d (want 1)", seen["NEW-1"], seen["NEW-2"])
	}
}
