package sanctions

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func runFtM(t testing.TB, files ...string) *testenv.EntitySink {
	p := NewFtM(FtMOptions{})
	return run(t, p.Document, p.Finish, files...)
}

// naiveFtM counts the records of an FtM file by schema with a plain decode.
func naiveFtM(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := map[string]int{}
	distinct := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r struct {
			Schema     string
			Properties json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		n[r.Schema]++
		if r.Schema == "Sanction" {
			// Identical sanction records (two ids, same properties) make one
			// listing.
			var props map[string][]string
			json.Unmarshal(r.Properties, &props)
			b, _ := json.Marshal(props)
			if !distinct[string(b)] {
				distinct[string(b)] = true
				n["distinct Sanction"]++
			}
		}
	}
	return n
}

func TestFtMSharedFiles(t *testing.T) {
	for _, name := range []string{"zala_aero_cluster.ftm.jsonl", "eu_fsf_sample.ftm.jsonl"} {
		t.Run(name, func(t *testing.T) {
			path := testenv.SharedData(t, "sanctions", "opensanctions-ftm", name)
			n := naiveFtM(t, path)
			wantE := n["Company"] + n["Organization"] + n["LegalEntity"] + n["PublicBody"] + n["Person"] + n["Vessel"]
			wantR := n["Ownership"] + n["Directorship"] + n["Family"] + n["Associate"] + n["UnknownLink"] + n["Representation"] + n["Membership"]
			c := runFtM(t, path)
			if len(c.Entities) != wantE || len(c.Relationships) != wantR {
				t.Errorf("%d entities, %d relationships; want %d, %d (counts %v)", len(c.Entities), len(c.Relationships), wantE, wantR, n)
			}
			if errs := c.Errors(); len(errs) > 0 {
				t.Errorf("errors: %v", errs)
			}
			listings := 0
			for _, e := range c.Entities {
				listings += len(e.Listings)
				if e.Provenance.License != LicenseOpenSanctions || e.Provenance.SHA256 == "" || e.Provenance.Location.Line == 0 {
					t.Errorf("%s: provenance %+v", e.ID, e.Provenance)
				}
			}
			if listings != n["distinct Sanction"] {
				t.Errorf("%d listings; want one per distinct Sanction record (%d)", listings, n["distinct Sanction"])
			}
		})
	}
}

func TestFtMZala(t *testing.T) {
	c := runFtM(t, testenv.SharedData(t, "sanctions", "opensanctions-ftm", "zala_aero_cluster.ftm.jsonl"))
	codes := c.Codes()
	if codes["ftm-dangling-address"] != 16 {
		t.Errorf("%d dangling address warnings; want 16 (SOURCES.md)", codes["ftm-dangling-address"])
	}
	if codes["ftm-dangling-reference"] != 0 {
		t.Errorf("%d dangling edge references; want 0", codes["ftm-dangling-reference"])
	}
	cst := c.FindEntity(t, "opensanctions:ru-inn-5920040846")
	if !hasIdentifier(cst, "RU-INN-5920040846") || !hasIdentifier(cst, "RU-OGRN-1135920001260") || cst.Jurisdiction != "RU" {
		t.Errorf("ООО ЦСТ: %+v", cst)
	}
	if cst.Sanctioned() {
		t.Error("ООО ЦСТ is not itself sanctioned")
	}
	kal := c.FindEntity(t, "opensanctions:NK-nR5AXM9AVPq4pQaSPSaVam")
	for _, q := range []string{"RU-OGRN-1111832003018", "RU-INN-1832090230", "US-OFAC-16911"} {
		if !hasIdentifier(kal, q) {
			t.Errorf("Kalashnikov lacks %s: %v", q, kal.Identifiers)
		}
	}
	if !kal.Sanctioned() {
		t.Errorf("Kalashnikov is not sanctioned: topics %v", kal.Topics)
	}
	if z := c.FindEntity(t, "opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"); len(z.Listings) != 13 {
		t.Errorf("Zakharov has %d listings; want 13", len(z.Listings))
	}
	zakharov := "opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"
	want := map[string]procure.Interval{
		"opensanctions:ru-inn-5920040846":         {Min: 100, Max: 100},
		"opensanctions:NK-9Xa4Kg7Y7nfccE7VcZt6Q6": {Min: 75, Max: 75},
	}
	found := 0
	for _, r := range c.Relationships {
		if r.Kind != procure.RelOwnership {
			continue
		}
		if iv, ok := want[r.Asset]; ok && r.Owner == zakharov {
			found++
			if r.Share != iv || r.Provenance.RecordID == "" || r.StartDate == "" {
				t.Errorf("%s: %+v", r.ID, r)
			}
		}
		if r.Owner == "opensanctions:NK-nR5AXM9AVPq4pQaSPSaVam" && r.Asset == "opensanctions:NK-abdzbEBkqyT29GyREbiURZ" && r.Share.Min == 49 {
			found++
		}
	}
	if found != 3 {
		t.Errorf("found %d of the 3 ownership edges (100 %%, 75 %%, Kalashnikov 49 %%)", found)
	}
}

func TestParseShare(t *testing.T) {
	iv := func(lo, hi float64) procure.Interval { return procure.Interval{Min: lo, Max: hi} }
	for in, want := range map[string]procure.Interval{
		"100": iv(100, 100), "49.5%": iv(49.5, 49.5), "25-50": iv(25, 50), "25–50%": iv(25, 50), "25 to 50": iv(25, 50),
		"more than 50": iv(50, 100), ">25%": iv(25, 100), "less than 25": iv(0, 25), "0": iv(0, 0),
	} {
		got, ok := ParseShare(in)
		if !ok || got != want {
			t.Errorf("ParseShare(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "150", "50-25", "-5"} {
		if got, ok := ParseShare(in); ok {
			t.Errorf("ParseShare(%q) = %v; want failure", in, got)
		}
	}
}

func TestFtMBadInput(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/bad.jsonl"
	os.WriteFile(path, []byte(`{"id":"a","schema":"Company","properties":{"name":["A"],"innCode":["1234"],"leiCode":["XYZ"]}}
not json
{"schema":"Person"}
{"id":"o","schema":"Ownership","properties":{"owner":["x"],"asset":["a"],"percentage":["lots"]}}
{"id":"s","schema":"Sanction","properties":{"entity":["missing"]}}
{"id":"n","schema":"Note","properties":{}}
`), 0o644)
	c := runFtM(t, path)
	codes := c.Codes()
	for _, code := range []string{"ftm-bad-json", "ftm-no-id", "ftm-bad-percentage", "ftm-dangling-reference", "ftm-sanction-dangling", "ftm-schema-not-imported", "ftm-bad-identifier", "ftm-identifier-check"} {
		if codes[code] == 0 {
			t.Errorf("no %s problem: %v", code, c.Problems)
		}
	}
	if len(c.Entities) != 1 || len(c.Relationships) != 1 || c.Relationships[0].Share != procure.Unknown {
		t.Errorf("entities %v, relationships %v", c.Entities, c.Relationships)
	}
}
