package bods

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func parse(t testing.TB, files ...string) *testenv.EntitySink {
	t.Helper()
	p := New(Options{})
	return testenv.ReadEntityFiles(t, func(ctx context.Context, r io.Reader, path string, s *testenv.EntitySink) error {
		return p.Document(ctx, r, Doc{Source: "test", URL: path, RetrievedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, s)
	}, func(ctx context.Context, s *testenv.EntitySink) error { return p.Finish(ctx, s) }, files...)
}

// naive counts statements by kind with a plain decode.
func naive(t *testing.T, path string) (entities, relationships int, records map[string]bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sts []map[string]any
	if err := json.Unmarshal(b, &sts); err != nil {
		t.Fatal(err)
	}
	records = map[string]bool{}
	for _, s := range sts {
		switch {
		case s["statementType"] == "entityStatement", s["statementType"] == "personStatement":
			entities++
			records[s["statementID"].(string)] = true
		case s["statementType"] == "ownershipOrControlStatement":
			relationships++
		case s["recordType"] == "entity", s["recordType"] == "person":
			entities++
			records[s["recordId"].(string)] = true
		case s["recordType"] == "relationship":
			relationships++
		}
	}
	return entities, relationships, records
}

func sharedFiles(t *testing.T) []string {
	root := testenv.SharedData(t, "bods")
	var files []string
	for _, dir := range []string{"standard-examples-0.4", "oo-register-0.2", "gleif-0.2"} {
		m, _ := filepath.Glob(filepath.Join(root, dir, "*.json"))
		files = append(files, m...)
	}
	if len(files) != 15 {
		t.Fatalf("found %d BODS files; want 15", len(files))
	}
	return files
}

func TestSharedFiles(t *testing.T) {
	for _, f := range sharedFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			statements, wantR, records := naive(t, f)
			c := parse(t, f)
			// One entity per record: the 0.4 versions of a record are one
			// entity (its latest version).
			if len(c.Entities) != len(records) || len(c.Relationships) != wantR || statements < len(records) {
				t.Errorf("%d entities, %d relationships; want %d, %d", len(c.Entities), len(c.Relationships), len(records), wantR)
			}
			ids := map[string]bool{}
			for _, e := range c.Entities {
				ids[e.ID] = true
				if e.Provenance.SHA256 == "" || e.Provenance.RecordID == "" || e.Provenance.Location.Line == 0 {
					t.Errorf("%s: provenance %+v", e.ID, e.Provenance)
				}
			}
			if len(ids) != len(records) {
				t.Errorf("%d distinct entity IDs; want %d records", len(ids), len(records))
			}
			relIDs := map[string]bool{}
			for _, r := range c.Relationships {
				if relIDs[r.ID] {
					t.Errorf("relationship ID %s emitted twice", r.ID)
				}
				relIDs[r.ID] = true
				if r.Share.Min < 0 || r.Share.Max > 100 || r.Share.Min > r.Share.Max || r.Asset == "" || (r.Owner == "") == (r.UnspecifiedOwner == "") {
					t.Errorf("bad relationship %+v", r)
				}
			}
			for _, p := range c.Problems {
				if p.Severity == procure.SevError {
					t.Errorf("error: %+v", p)
				}
			}
		})
	}
}

func TestOORegister(t *testing.T) {
	c := parse(t, testenv.SharedData(t, "bods", "oo-register-0.2", "oo-register-uk-psc-sample.json"))
	aimia := c.FindEntity(t, "bods:openownership-register-6986942533025490740")
	var coh []string
	for _, id := range aimia.Identifiers {
		if id.Scheme == "GB-COH" {
			coh = append(coh, id.ID)
		}
	}
	// "06436883" ×5, "6436883" ×2 and the OpenCorporates URL are one identifier.
	if len(coh) != 1 || coh[0] != "06436883" || aimia.Jurisdiction != "GB" || aimia.FoundingDate != "2007-11-26" {
		t.Errorf("AIMIA HOLDINGS UK: %+v", aimia)
	}
	inc := c.FindEntity(t, "bods:openownership-register-4464213138928640503")
	want := map[string]bool{"GB-PSC-064368837VAYKYU9FXBBLKAUH4YVIKDAAY": true, "XI-OC-CA-9967109": true}
	for _, id := range inc.Identifiers {
		delete(want, id.Qualified())
	}
	if len(want) != 0 {
		t.Errorf("AIMIA INC identifiers %v lack %v", inc.Identifiers, want)
	}
	r := c.FindRelationship(t, "bods:openownership-register-7999312513141141486")
	if r.Kind != procure.RelOwnership || r.Share != (procure.Interval{Min: 75, Max: 100}) || !r.Control || r.StartDate != "2017-01-01" ||
		r.Owner != inc.ID || r.Asset != aimia.ID {
		t.Errorf("75-100 %% shareholding %+v", r)
	}
	u := c.FindRelationship(t, "bods:openownership-register-15426418147908013244")
	if u.Owner != "" || u.UnspecifiedOwner != "unknown: Unknown person(s)" || u.Share != procure.Unknown {
		t.Errorf("unspecified owner %+v", u)
	}
	if c.Codes()["bods-identifier-without-scheme"] == 0 {
		t.Error("OpenOwnership Register URLs not reported as unused")
	}
}

func TestGLEIF(t *testing.T) {
	dir := testenv.SharedData(t, "bods", "gleif-0.2")
	c := parse(t, filepath.Join(dir, "rr-data-out.json"))
	// All 16 distinct entity statements rr-data-out.json points to are missing.
	dangling := map[string]bool{}
	for _, p := range c.Problems {
		if p.Code == "bods-dangling-reference" {
			dangling[p.Message[strings.Index(p.Message, "refers to ")+10:][:36]] = true
		}
	}
	if len(dangling) != 16 {
		t.Errorf("%d distinct dangling references; want 16", len(dangling))
	}
	if c.Codes()["bods-old-code"] == 0 {
		t.Error("kebab-case interest types not reported")
	}
	for _, r := range c.Relationships {
		if !strings.Contains(strings.Join(r.Interests, ","), "otherInfluenceOrControl") && !strings.Contains(strings.Join(r.Interests, ","), "shareholding") {
			t.Errorf("interests %v", r.Interests)
		}
	}
	rx := parse(t, filepath.Join(dir, "repex-updates-data2-out.json"))
	opaque := 0
	for _, e := range rx.Entities {
		if e.Opaque != "" {
			opaque++
		}
	}
	if opaque != 7 {
		t.Errorf("%d opaque entities/persons from reporting exceptions; want 7", opaque)
	}
	lei := parse(t, filepath.Join(dir, "lei-data-out.json"))
	if e := lei.Entities[0]; e.Identifiers[0].Qualified() != "XI-LEI-001GPB6A9XPE8XJICC14" || e.FoundingDate != "2012-11-29" || e.Jurisdiction != "US" {
		t.Errorf("LEI entity %+v", e)
	}
}

func TestBODS04(t *testing.T) {
	dir := testenv.SharedData(t, "bods", "standard-examples-0.4")
	c := parse(t, filepath.Join(dir, "indirect-ownership.json"))
	ind := c.FindRelationship(t, "bods:d8d75ccf40e4")
	if ind.Direct != "indirect" || ind.Share != (procure.Interval{Min: 30, Max: 30}) || !strings.Contains(ind.Role, "declared indirect") {
		t.Errorf("declared indirect %+v", ind)
	}
	if d := c.FindRelationship(t, "bods:4cf2837bd01f"); d.Direct != "direct" || d.Share.Min != 60 || d.Owner != "bods:d4ab89ea169a" || d.Asset != "bods:ad3f6c2fcc9e" {
		t.Errorf("direct hop %+v", d)
	}
	// Exclusive bounds: [25, 50) with 50 excluded.
	pep := parse(t, filepath.Join(dir, "simple-pep-declaration.json"))
	for _, r := range pep.Relationships {
		if r.Share.Min != 25 || r.Share.Max >= 50 || r.Share.Max < 49.999999 {
			t.Errorf("exclusive maximum: %+v", r.Share)
		}
	}
	// Versions of one relationship record over time (tecido).
	tec := parse(t, filepath.Join(dir, "tecido.json"))
	var maria []procure.Relationship
	for _, r := range tec.Relationships {
		if strings.HasPrefix(r.ID, "bods:022EBEB66B") {
			maria = append(maria, r)
		}
	}
	if len(maria) != 4 {
		t.Fatalf("%d versions of 022EBEB66B; want 4", len(maria))
	}
	cur := tec.FindRelationship(t, "bods:022EBEB66B")
	if cur.EndDate != "2023-03-03" {
		t.Errorf("closed record %+v", cur)
	}
	for _, r := range maria {
		if r.ID != cur.ID && r.EndDate == "" {
			t.Errorf("earlier version %s has no end date", r.ID)
		}
	}
	ex := parse(t, filepath.Join(dir, "listed-company-exempt-from-disclosure.json"))
	if r := ex.Relationships[0]; r.Owner != "" || !strings.HasPrefix(r.UnspecifiedOwner, "subjectExemptFromDisclosure") {
		t.Errorf("exempt %+v", r)
	}
}

func TestReplacesStatements(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "r.json")
	os.WriteFile(f, []byte(`[
{"statementID":"e1","statementType":"entityStatement","entityType":"registeredEntity","name":"Sub Ltd","identifiers":[{"scheme":"GB-COH","id":"123"}]},
{"statementID":"p1","statementType":"personStatement","personType":"knownPerson","names":[{"type":"individual","fullName":"A B"}]},
{"statementID":"o1","statementType":"ownershipOrControlStatement","statementDate":"2020-01-01","subject":{"describedByEntityStatement":"e1"},"interestedParty":{"describedByPersonStatement":"p1"},"interests":[{"type":"shareholding","share":{"minimum":50,"maximum":75,"exclusiveMinimum":true,"exclusiveMaximum":false}}]},
{"statementID":"o2","statementType":"ownershipOrControlStatement","statementDate":"2021-06-01","replacesStatements":["o1","o0"],"subject":{"describedByEntityStatement":"e1"},"interestedParty":{"describedByPersonStatement":"p1"},"interests":[{"type":"voting-rights","share":{"exact":100}},{"type":"appointment-of-board"}]},
{"statementID":"o3","statementType":"ownershipOrControlStatement","subject":{"describedByEntityStatement":"e9"},"interestedParty":{"describedByPersonStatement":"p1"},"interests":[{"type":"shareholding","share":{"minimum":80,"maximum":20}}]},
{"statementID":"x","statementType":"weirdStatement"},
{"statementType":"entityStatement"},
{"statementID":"p2","statementType":"personStatement","personType":"knownPerson","names":[{"type":"individual","fullName":"A B"}],"replacesStatements":["p1"]}
]`), 0o644)
	c := parse(t, f)
	o1 := c.FindRelationship(t, "bods:o1")
	if o1.EndDate != "2021-06-01" || !strings.Contains(o1.Role, "replaced by statement o2") {
		t.Errorf("replaced %+v", o1)
	}
	if o1.Share.Min <= 50 || o1.Share.Min > 50.0000001 || o1.Share.Max != 75 || !o1.Control {
		t.Errorf("exclusive minimum 50: %+v", o1.Share)
	}
	if math.Nextafter(50, 100) != o1.Share.Min {
		t.Errorf("exclusive bound encoding %v", o1.Share.Min)
	}
	o2 := c.FindRelationship(t, "bods:o2")
	if o2.Kind != procure.RelControl || o2.Share.Min != 100 || !o2.Control || o2.EndDate != "" {
		t.Errorf("control %+v", o2)
	}
	codes := c.Codes()
	for _, code := range []string{"bods-replaces-missing", "bods-dangling-reference", "bods-bad-share", "bods-unknown-statement-type", "bods-no-statement-id", "bods-old-code"} {
		if codes[code] == 0 {
			t.Errorf("no %s: %v", code, c.Problems)
		}
	}
	p2 := c.FindEntity(t, "bods:p2")
	found := false
	for _, id := range p2.Identifiers {
		if id.Qualified() == "XI-BODS-P1" {
			found = true
		}
	}
	if !found {
		t.Errorf("replacing person lacks the replaced statement's identifier: %v", p2.Identifiers)
	}
}

// FuzzBODSStatement feeds single statements through the parser: it must
// never panic, and every relationship it emits must be storable.
func FuzzBODSStatement(f *testing.F) {
	if dir := testenv.SharedDataDir(); dir != "" {
		m, _ := filepath.Glob(filepath.Join(dir, "bods", "*", "*.json"))
		for _, file := range m {
			b, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			var sts []json.RawMessage
			if json.Unmarshal(b, &sts) != nil {
				continue
			}
			for _, s := range sts {
				f.Add([]byte(s))
			}
		}
	}
	f.Add([]byte(`{"statementID":"o","statementType":"ownershipOrControlStatement","subject":{"describedByEntityStatement":"e"},"interestedParty":{"unspecified":{"reason":"unknown"}},"interests":[{"type":"shareholding","share":{"exclusiveMinimum":100}}]}`))
	f.Add([]byte(`{"statementId":"s","recordId":"r","recordType":"relationship","recordDetails":{"subject":"a","interestedParty":{"reason":"no-beneficial-owners"},"interests":[{"share":{"exclusiveMaximum":0}}]}}`))
	f.Fuzz(func(t *testing.T, stmt []byte) {
		p := New(Options{})
		c := &testenv.EntitySink{}
		doc := append(append([]byte("["), stmt...), ']')
		_ = p.Document(context.Background(), bytes.NewReader(doc), Doc{URL: "fuzz.json"}, c)
		if err := p.Finish(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		for _, r := range c.Relationships {
			if r.ID == "" || r.Asset == "" || (r.Owner == "" && r.UnspecifiedOwner == "") {
				t.Fatalf("incomplete relationship %+v", r)
			}
			if math.IsNaN(r.Share.Min) || r.Share.Min < 0 || r.Share.Max > 100 || r.Share.Min > r.Share.Max {
				t.Fatalf("bad share %+v", r.Share)
			}
		}
		for _, e := range c.Entities {
			if e.ID == "" || e.Kind == "" || e.Name == "" {
				t.Fatalf("incomplete entity %+v", e)
			}
		}
	})
}
