package sanctions

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func runUN(t testing.TB, files ...string) *testenv.EntitySink {
	p := NewUN()
	return run(t, p.Document, p.Finish, files...)
}

func runOFACXML(t testing.TB, files ...string) *testenv.EntitySink {
	p := NewOFACXML(OFACXMLOptions{})
	return run(t, p.Document, p.Finish, files...)
}

func runEU(t testing.TB, files ...string) *testenv.EntitySink {
	p := NewEU()
	return run(t, p.Document, p.Finish, files...)
}

func count(t *testing.T, path, re string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(regexp.MustCompile(re).FindAll(b, -1))
}

func TestUNShared(t *testing.T) {
	path := testenv.SharedData(t, "sanctions", "un-sc", "UN_consolidated_2026-02-27.xml")
	ind, ent := count(t, path, `<INDIVIDUAL>`), count(t, path, `<ENTITY>`)
	if ind != 730 || ent != 273 {
		t.Fatalf("naive count %d individuals, %d entities; SOURCES.md says 730 + 273", ind, ent)
	}
	c := runUN(t, path)
	if len(c.Entities) != ind+ent || len(c.Relationships) != 0 {
		t.Errorf("%d entities, %d relationships; want %d, 0", len(c.Entities), len(c.Relationships), ind+ent)
	}
	if errs := c.Errors(); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
	persons, dprk := 0, 0
	for _, e := range c.Entities {
		if e.Kind == procure.EntityPerson {
			persons++
		}
		if e.Listings[0].Programs[0] == "DPRK" {
			dprk++
			if !strings.HasPrefix(e.Listings[0].Reference, "KP") {
				t.Errorf("DPRK entry %s has reference %s", e.ID, e.Listings[0].Reference)
			}
		}
		if e.Provenance.SHA256 == "" || e.Provenance.Location.Line == 0 || e.Provenance.RecordID == "" {
			t.Errorf("%s: provenance %+v", e.ID, e.Provenance)
		}
	}
	if persons != ind || dprk != 155 {
		t.Errorf("%d persons, %d DPRK entries; want %d, 155", persons, dprk, ind)
	}
	komid := c.FindEntity(t, "un:KPe.001")
	if komid.Name != "KOREA MINING DEVELOPMENT TRADING CORPORATION" || komid.Listings[0].ListedOn != "2009-04-24" ||
		!hasIdentifier(komid, "XI-UNSC-KPE001") || len(komid.Names) != 5 || komid.Countries[0] != "KP" {
		t.Errorf("KPe.001 %+v", komid)
	}
	// Every NAME_ORIGINAL_SCRIPT (Arabic and Cyrillic in this file) is kept
	// as an original-script name (one Latin one equals the primary name).
	orig := 0
	for _, e := range c.Entities {
		for _, n := range e.Names {
			if n.Kind == "original-script" {
				orig++
			}
		}
	}
	if want := count(t, path, `<NAME_ORIGINAL_SCRIPT>[^<]+</`); orig < want-1 || orig > want {
		t.Errorf("%d original-script names; want %d", orig, want)
	}
	first := c.FindEntity(t, "un:CDi.001")
	if first.Name != "ERIC BADEGE" || first.BirthDate != "1971" || first.Provenance.RecordID != "6907993" {
		t.Errorf("CDi.001 %+v", first)
	}
}

func TestOFACXMLShared(t *testing.T) {
	path := testenv.SharedData(t, "sanctions", "ofac-xml", "ofac-consolidated-non-sdn_2018-04-06.xml")
	n := count(t, path, `<sdnEntry>`)
	links := count(t, path, `Linked To: `)
	c := runOFACXML(t, path)
	if n != 639 || len(c.Entities) != n {
		t.Errorf("%d entities from %d sdnEntry elements; want 639", len(c.Entities), n)
	}
	owners := count(t, path, `<vesselOwner>`)
	if len(c.Relationships) != links+owners {
		t.Errorf("%d relationships; want %d Linked To + %d vessel owners", len(c.Relationships), links, owners)
	}
	if errs := c.Errors(); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
	kinds := map[procure.EntityKind]int{}
	for _, e := range c.Entities {
		kinds[e.Kind]++
		if e.Listings[0].List != "OFAC Consolidated (non-SDN)" || e.Provenance.Dataset != DatasetOFACCons {
			t.Fatalf("%s listed as %s / %s", e.ID, e.Listings[0].List, e.Provenance.Dataset)
		}
	}
	if kinds[procure.EntityOrganization] != 471 || kinds[procure.EntityPerson] != 94 || kinds[procure.EntityVessel] != 74 {
		t.Errorf("kinds %v; want 471 entities, 94 individuals, 74 vessels", kinds)
	}
	ids := map[string]int{}
	for _, e := range c.Entities {
		for _, id := range e.Identifiers {
			ids[id.Scheme]++
		}
	}
	if ids["RU-OGRN"] == 0 || ids["RU-INN"] == 0 || ids["XI-IMO"] == 0 {
		t.Errorf("identifier schemes %v", ids)
	}
	resolved := 0
	for _, r := range c.Relationships {
		if strings.HasPrefix(r.Owner, "ofac:") {
			resolved++
		}
	}
	if resolved == 0 {
		t.Error("no Linked To: name resolved")
	}
}

func TestOFACAdvancedFixture(t *testing.T) {
	c := runOFACXML(t, "testdata/sdn_advanced_sample.xml")
	if len(c.Entities) != 3 || len(c.Relationships) != 5 {
		t.Fatalf("%d entities, %d relationships; want 3, 5 (4 profile relationships + 1 Linked To)", len(c.Entities), len(c.Relationships))
	}
	kal := c.FindEntity(t, "ofac:16911")
	if kal.Name != "KALASHNIKOV CONCERN" || !hasIdentifier(kal, "RU-OGRN-1111832003018") || !hasIdentifier(kal, "RU-INN-1832090230") {
		t.Errorf("Kalashnikov %+v", kal)
	}
	l := kal.Listings[0]
	if l.ListedOn != "2014-07-16" || strings.Join(l.Programs, ",") != "UKRAINE-EO13661,RUSSIA-EO14024" || l.Reason != "Executive Order 13661 (Ukraine)" {
		t.Errorf("Kalashnikov listing %+v", l)
	}
	if len(kal.Addresses) != 1 || kal.Addresses[0] != "3, Derjabin Pr., Izhevsk, 426006, Russia" {
		t.Errorf("address %v", kal.Addresses)
	}
	p := c.FindEntity(t, "ofac:90001")
	if p.Kind != procure.EntityPerson || p.Name != "TESTOV, Ivan" || p.BirthDate != "1970-05-06" || p.Countries[0] != "KP" {
		t.Errorf("person %+v", p)
	}
	kinds := map[string]string{}
	for _, n := range p.Names {
		kinds[n.Name] = n.Kind
	}
	if kinds["ТЕСТОВ, Иван"] != "original-script" || kinds["VANYA"] != "weak" {
		t.Errorf("names %v", p.Names)
	}
	if v := c.FindEntity(t, "ofac:90002"); v.Kind != procure.EntityVessel || !hasIdentifier(v, "XI-IMO-9079092") || v.Countries[0] != "PA" {
		t.Errorf("vessel %+v", v)
	}
	rels := map[string]procure.Relationship{}
	for _, r := range c.Relationships {
		rels[r.ID] = r
	}
	own := rels["ofac:rel:80001"]
	if own.Kind != procure.RelOwnership || own.Owner != "ofac:16911" || own.Asset != "ofac:90002" || own.Share != procure.Unknown || own.Control {
		t.Errorf("ownership %+v", own)
	}
	if d := rels["ofac:rel:80002"]; d.Kind != procure.RelDirectorship || d.Owner != "ofac:90001" || d.EndDate != "2026-02-27" {
		t.Errorf("former directorship %+v", d)
	}
	if u := rels["ofac:rel:80004"]; u.Kind != procure.RelUnknownLink {
		t.Errorf("unknown relation type %+v", u)
	}
	if lt := rels["ofac:90001:linked:1"]; lt.Owner != "ofac:16911" {
		t.Errorf("Linked To %+v", lt)
	}
	codes := c.Codes()
	if codes["ofac-adv-unknown-relation"] != 1 || codes["ofac-adv-dangling-relation"] != 1 {
		t.Errorf("problems %v", c.Problems)
	}
}

func TestEUFixture(t *testing.T) {
	c := runEU(t, "testdata/eu_fsf_sample.xml")
	if len(c.Entities) != 3 || c.Codes()["eu-no-id"] != 1 {
		t.Fatalf("%d entities, problems %v", len(c.Entities), c.Problems)
	}
	komid := c.FindEntity(t, "eu:13")
	if komid.Name != "Korea Mining Development Trading Corporation" || !hasIdentifier(komid, "XI-UNSC-KPE001") ||
		komid.Listings[0].Reference != "EU.1816.37" || komid.Listings[0].ListedOn != "2009-04-24" || komid.Listings[0].Programs[0] != "PRK" {
		t.Errorf("KOMID %+v", komid)
	}
	weak := 0
	for _, n := range komid.Names {
		if n.Kind == "weak" {
			weak++
		}
	}
	if weak != 1 {
		t.Errorf("names %v", komid.Names)
	}
	kal := c.FindEntity(t, "eu:8174")
	if !hasIdentifier(kal, "RU-OGRN-1111832003018") || !hasIdentifier(kal, "RU-INN-1832090230") || kal.Countries[0] != "RU" {
		t.Errorf("Kalashnikov %+v", kal)
	}
	p := c.FindEntity(t, "eu:90001")
	if p.Kind != procure.EntityPerson || p.Name != "Ivan Petrovich Testov" || p.BirthDate != "1970-05-06" || len(p.Identifiers) != 0 {
		t.Errorf("person %+v", p)
	}
}

func TestXMLBroken(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/bad.xml", []byte(`<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL><INDIVIDUAL><DATAID>2</DATA`), 0o644)
	p := NewUN()
	f, _ := os.Open(dir + "/bad.xml")
	defer f.Close()
	c := &testenv.EntitySink{}
	err := p.Document(context.Background(), f, Doc{URL: dir + "/bad.xml"}, c)
	if err == nil || len(c.Entities) != 1 {
		t.Errorf("truncated XML: err %v, %d entities", err, len(c.Entities))
	}
}
