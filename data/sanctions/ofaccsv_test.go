package sanctions

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func runOFACCSV(t testing.TB, files ...string) *testenv.EntitySink {
	p := NewOFACCSV()
	return run(t, p.Document, p.Finish, files...)
}

func ofacSet(t testing.TB) []string {
	dir := testenv.SharedData(t, "sanctions", "ofac-sdn-csv")
	var out []string
	for _, n := range []string{"add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"} {
		out = append(out, filepath.Join(dir, n))
	}
	return out
}

func TestOFACCSVShared(t *testing.T) {
	files := ofacSet(t)
	// Independent counts: rows of sdn.csv, and "Linked To:" remarks of every
	// entry (remarks plus the continuation in sdn_comments.csv), plus vessel
	// owners.
	read := func(name string) [][]string {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		rows, _ := r.ReadAll()
		return rows
	}
	sdn := read(files[2])
	comments := map[string]string{}
	for _, row := range read(files[3]) {
		if len(row) == 2 {
			comments[row[0]] += row[1]
		}
	}
	links := 0
	linkRe := regexp.MustCompile(`Linked To: `)
	for _, row := range sdn {
		links += len(linkRe.FindAllString(row[11]+comments[row[0]], -1))
		if strings.TrimSpace(row[10]) != "-0-" {
			links++
		}
	}
	c := runOFACCSV(t, files...)
	if len(sdn) != 7379 || len(c.Entities) != len(sdn) {
		t.Errorf("%d entities from %d sdn.csv rows; want 7379", len(c.Entities), len(sdn))
	}
	if len(c.Relationships) != links {
		t.Errorf("%d relationships; want %d (Linked To: remarks and vessel owners)", len(c.Relationships), links)
	}
	if errs := c.Errors(); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
	codes := c.Codes()
	if codes["ofac-csv-eof-marker"] != 1 || codes["ofac-csv-cut-null"] != 1 {
		t.Errorf("quirk warnings %v; want one 0x1A marker (sdn_comments.csv) and one cut null (add.csv)", codes)
	}
	// sdn_comments.csv has 10 rows for entries not in this vintage of sdn.csv.
	if codes["ofac-csv-orphan-row"] != 10 {
		t.Errorf("%d orphan rows; want 10", codes["ofac-csv-orphan-row"])
	}
	kal := c.FindEntity(t, "ofac:16911")
	if !hasIdentifier(kal, "RU-OGRN-1111832003018") || !hasIdentifier(kal, "US-OFAC-16911") {
		t.Errorf("Kalashnikov identifiers %v", kal.Identifiers)
	}
	if len(kal.Listings) != 1 || kal.Listings[0].Programs[0] != "UKRAINE-EO13661" || kal.Listings[0].Reference != "16911" {
		t.Errorf("Kalashnikov listing %+v", kal.Listings)
	}
	if len(kal.Names) != 9 || kal.Kind != procure.EntityOrganization || kal.Countries[0] != "RU" {
		t.Errorf("Kalashnikov %+v", kal)
	}
	// Programs split; remarks continued from sdn_comments.csv.
	komid := c.FindEntity(t, "ofac:9345")
	if komid.Listings[0].Programs == nil || !strings.Contains(komid.Name, "KOREA MINING") {
		t.Errorf("KOMID %+v", komid)
	}
	e := c.FindEntity(t, "ofac:12300")
	if !strings.Contains(e.Listings[0].Remarks, "PROMO RAIZ S.A.S.") {
		t.Errorf("remarks of 12300 not continued: %q", e.Listings[0].Remarks)
	}
	// Linked To: resolved to the named entry.
	var malk procure.Relationship
	for _, r := range c.Relationships {
		if r.Asset == "ofac:26235" {
			malk = r
		}
	}
	if malk.Owner != "ofac:26234" || malk.Kind != procure.RelLinkedTo {
		t.Errorf("MALKEVICH link %+v", malk)
	}
	if p := c.FindEntity(t, "ofac:26235"); p.Kind != procure.EntityPerson || p.BirthDate != "1975-06-14" {
		t.Errorf("MALKEVICH %+v", p)
	}
	wantDPRK := 0
	for _, row := range sdn {
		if strings.Contains(row[3], "DPRK") {
			wantDPRK++
		}
	}
	dprk := 0
	for _, e := range c.Entities {
		for _, p := range e.Listings[0].Programs {
			if strings.HasPrefix(p, "DPRK") {
				dprk++
				break
			}
		}
	}
	if dprk != wantDPRK || dprk < 380 {
		t.Errorf("%d entries with DPRK programs; want %d", dprk, wantDPRK)
	}
}

func TestOFACCSVMissingFiles(t *testing.T) {
	files := ofacSet(t)
	c := runOFACCSV(t, files[2])
	if c.Codes()["ofac-csv-missing-file"] != 3 || len(c.Entities) != 7379 {
		t.Errorf("sdn.csv alone: %d entities, problems %v", len(c.Entities), c.Codes())
	}
	p := NewOFACCSV()
	f, _ := os.Open(files[0])
	defer f.Close()
	col := &testenv.EntitySink{}
	if err := p.Document(context.Background(), f, Doc{URL: files[0]}, col); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(context.Background(), col); err == nil {
		t.Error("a set without sdn.csv finished without error")
	}
}

func TestOFACCSVQuirks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	sdn := write("SDN.CSV", "1,\"ACME TRADING LLC\",-0- ,\"NPWMD] [DPRK2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Registration Number 1027700132195 (Russia); Tax ID No. 7707083893 (Russia); Linked To: NOBODY LTD.\"\n"+
		"x,\"BAD\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n9,\"SHORT\"\n2,\"\xe9COLE\",\"individual\",\"SDGT\"\n\x1a")
	add := write("ADD.CSV", "1,10,\"Street 1\",\"Moscow\",\"Russia\",-0\n3,11,-0- ,-0- ,\"Nowhere\",-0- \n")
	other := write("readme.txt", "hello")
	c := runOFACCSV(t, sdn, add, other)
	codes := c.Codes()
	for _, code := range []string{"ofac-csv-eof-marker", "ofac-csv-encoding", "ofac-csv-bad-ent-num", "ofac-csv-short-row", "ofac-csv-cut-null", "ofac-csv-orphan-row", "ofac-csv-unknown-file", "ofac-csv-missing-file"} {
		if codes[code] == 0 {
			t.Errorf("no %s: %v", code, c.Problems)
		}
	}
	acme := c.FindEntity(t, "ofac:1")
	if got := acme.Listings[0].Programs; len(got) != 2 || got[0] != "NPWMD" || got[1] != "DPRK2" {
		t.Errorf("programs %v", got)
	}
	if !hasIdentifier(acme, "RU-INN-7707083893") || !hasIdentifier(acme, "RU-OGRN-1027700132195") {
		t.Errorf("identifiers %v", acme.Identifiers)
	}
	if len(c.Relationships) != 1 || c.Relationships[0].Owner != procure.SlugID("ofac", "NOBODY LTD") || c.Relationships[0].Role != "Linked To: NOBODY LTD" {
		t.Errorf("unresolved link %+v", c.Relationships)
	}
	if p := c.FindEntity(t, "ofac:2"); p.Name != "éCOLE" || p.Kind != procure.EntityPerson {
		t.Errorf("windows-1252 entry %+v", p)
	}
}
