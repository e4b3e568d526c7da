package ocds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

// TestUpgradePyDNCP compares our upgrade of the DNCP 1.0 release package
// with ocdskit's 1.1 output of the same package. Two differences are by
// design: ocdskit names transaction payers/payees by an MD5 hash and does
// not add them to parties (a bug in its upgrade_transactions); we name them
// "{scheme}-{id}" from their identifier and list them in parties with the
// payer/payee role.
func TestUpgradePyDNCP(t *testing.T) {
	r10, _, _, err := readAll(t, sharedFile(t, "py-dncp", "release-package_1.0.json"), "1.0")
	if err != nil || len(r10) != 1 {
		t.Fatal(err, len(r10))
	}
	r11, _, _, err := readAll(t, sharedFile(t, "py-dncp", "release-package_1.1.json"), "1.1")
	if err != nil || len(r11) != 1 {
		t.Fatal(err, len(r11))
	}
	if r10[0].Version != "1.0" || r11[0].Version != "1.1" {
		t.Errorf("versions %q %q", r10[0].Version, r11[0].Version)
	}
	got := decodeJSON(t, r10[0].Raw).(map[string]any)
	want := decodeJSON(t, r11[0].Raw).(map[string]any)

	tr := got["contracts"].([]any)[0].(map[string]any)["implementation"].(map[string]any)["transactions"].([]any)[0].(map[string]any)
	payer := tr["payer"].(map[string]any)
	payee := tr["payee"].(map[string]any)
	if payer["id"] != "PY-PGN-12-8-1000000" || payer["name"] != "1000000-DIRECCION GENERAL DE ADMINISTRACION Y FINANZAS" {
		t.Errorf("payer %v", payer)
	}
	if payee["id"] != "PY-PGN-PY-RUC-80017437-2" || payee["name"] != "NUCLEO S.A." {
		t.Errorf("payee %v", payee)
	}
	if _, ok := tr["amount"]; ok {
		t.Error("transaction amount not renamed to value")
	}
	parties := got["parties"].([]any)
	if len(parties) != 2 {
		t.Fatalf("parties %v", parties)
	}
	roles := map[string]string{}
	for _, p := range parties {
		pm := p.(map[string]any)
		roles[pm["id"].(string)] = short(pm["roles"])
		if pm["identifier"] == nil {
			t.Errorf("party without identifier %v", pm)
		}
	}
	if roles["PY-PGN-12-8-1000000"] != `["payer"]` || roles["PY-PGN-PY-RUC-80017437-2"] != `["payee"]` {
		t.Errorf("roles %v", roles)
	}
	// Apart from those ids and parties, the releases are identical.
	delete(got, "parties")
	wtr := want["contracts"].([]any)[0].(map[string]any)["implementation"].(map[string]any)["transactions"].([]any)[0].(map[string]any)
	wtr["payer"].(map[string]any)["id"] = payer["id"]
	wtr["payee"].(map[string]any)["id"] = payee["id"]
	if d := jsonDiff(got, want); len(d) > 0 {
		t.Errorf("upgraded 1.0 differs from ocdskit's 1.1:\n%s", joinLines(d))
	}
}

// TestUpgradeFictional10 checks the 1.0 fictional example's compiled
// release after the upgrade: inline organisations became references into
// parties with roles, amendment became amendments.
func TestUpgradeFictional10(t *testing.T) {
	rels, probs, _, err := readAll(t, sharedFile(t, "fictional-example", "1.0", "record-package.json"), "f")
	if err != nil || len(rels) != 1 || !rels[0].Compiled {
		t.Fatal(err, len(rels), probs)
	}
	if rels[0].Version != "1.0" {
		t.Errorf("version %q", rels[0].Version)
	}
	r := decodeJSON(t, rels[0].Raw).(map[string]any)
	if b := short(r["buyer"]); b != `{"id":"GB-LAC-E09000003","name":"London Borough of Barnet"}` {
		t.Errorf("buyer %s", b)
	}
	parties := map[string]map[string]any{}
	for _, p := range r["parties"].([]any) {
		pm := p.(map[string]any)
		parties[pm["id"].(string)] = pm
	}
	if got := short(parties["GB-LAC-E09000003"]["roles"]); got != `["buyer","procuringEntity","payer"]` {
		t.Errorf("buyer roles %s", got)
	}
	if got := short(parties["GB-COH-1234567844"]["roles"]); !strings.Contains(got, "supplier") || !strings.Contains(got, "payee") {
		t.Errorf("supplier roles %s", got)
	}
	for _, p := range parties {
		if p["identifier"] == nil || p["name"] == nil {
			t.Errorf("party lacks identifier or name: %s", short(p))
		}
	}
	tender := r["tender"].(map[string]any)
	if _, ok := tender["amendment"]; ok {
		t.Error("tender.amendment not upgraded")
	}
	for _, aw := range r["awards"].([]any) {
		for _, s := range aw.(map[string]any)["suppliers"].([]any) {
			if len(s.(map[string]any)) != 2 {
				t.Errorf("supplier is not a reference: %s", short(s))
			}
		}
	}
	want := []string{CodeLinkedNotFetched, CodeTrimmed, CodePartyCopiesDiffer, CodeUpgraded}
	if codes(probs) != strings.Join(want, ",") {
		t.Errorf("problems %s", codes(probs))
	}
}

func TestISO88591(t *testing.T) {
	data := sharedFile(t, "mx-cdmx", "release-package_iso-8859-1.json")
	if !bytes.Contains(data, []byte("AUTORIZACI\xd3N")) {
		t.Fatal("fixture is not Latin-1")
	}
	rels, probs, _, err := readAll(t, data, "latin1")
	if err != nil || len(rels) != 3 {
		t.Fatal(err, len(rels))
	}
	if !bytes.Contains(rels[0].Raw, []byte("AUTORIZACIÓN PRESUPUESTAL")) {
		t.Errorf("Ó not decoded: %.300s", rels[0].Raw)
	}
	n := 0
	for _, p := range probs {
		if p.Code == CodeEncoding {
			n++
		}
	}
	if n != 1 {
		t.Errorf("want one encoding warning, got %d (%s)", n, codes(probs))
	}
}

// TestEquivalentForms reads one release package as plain JSON, gzip,
// with a BOM, as JSON Lines, as concatenated JSON and inside a top-level
// array: the releases must be byte-identical.
func TestEquivalentForms(t *testing.T) {
	base := sharedFile(t, "fictional-example", "1.1", "release-package.json")
	want, _, st, err := readAll(t, base, "x")
	if err != nil || len(want) != 6 || st.Shape != "release-package" {
		t.Fatal(err, len(want), st.Shape)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(base)
	zw.Close()
	var compact bytes.Buffer
	compactJSON(t, &compact, base)
	line := compact.Bytes()
	cases := []struct {
		name, shape string
		data        []byte
		copies      int
	}{
		{"gzip", "release-package", gz.Bytes(), 1},
		{"bom", "release-package", append([]byte("\xef\xbb\xbf"), base...), 1},
		{"jsonl", "json-lines/release-package", bytes.Join([][]byte{line, line, line}, []byte("\n")), 3},
		{"concatenated", "concatenated/release-package", bytes.Join([][]byte{base, base}, nil), 2},
		{"array", "array/release-package", []byte("[" + string(base) + "," + string(line) + "]"), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, probs, st, err := readAll(t, tc.data, "x")
			if err != nil {
				t.Fatal(err)
			}
			if st.Shape != tc.shape {
				t.Errorf("shape %q, want %q", st.Shape, tc.shape)
			}
			if len(got) != len(want)*tc.copies {
				t.Fatalf("%d releases, want %d (%v)", len(got), len(want)*tc.copies, probs)
			}
			for i := range got {
				if !bytes.Equal(got[i].Raw, want[i%len(want)].Raw) {
					t.Errorf("release %d differs", i)
				}
			}
		})
	}
}

func compactJSON(t *testing.T, buf *bytes.Buffer, b []byte) {
	v, _, err := parseValue(string(b), 64)
	if err != nil {
		t.Fatal(err)
	}
	buf.Write(appendJSON(nil, &v))
}

// TestBrokenInput: truncated or invalid input gives located errors and the
// rest is read.
func TestBrokenInput(t *testing.T) {
	rel := func(id string) string {
		return `{"ocid":"ocds-abc123-1","id":"` + id + `","date":"2020-01-01T00:00:00Z","tag":["tender"]}`
	}
	cases := []struct {
		name    string
		in      string
		ids     string // emitted release ids
		errors  string // error codes with line
		wantErr bool
	}{
		{"jsonl bad line", rel("1") + "\n{\"ocid\": \"x\", \"id\": \n" + rel("3") + "\n", "1,3", "invalid-json@2", false},
		{"detected jsonl bad line", rel("1") + "\n" + rel("2") + "\n{\"ocid\": \"x\", \"id\": \n" + rel("4") + "\n", "1,2,4", "invalid-json@3", false},
		{"jsonl bad value inside line", rel("1") + "\n{\"ocid\":\"ocds-abc123-1\",\"id\":\"2\",\"date\":}\n" + rel("3") + "\n", "1,3", "invalid-json@2", false},
		{"truncated package", "{\"releases\": [\n" + rel("1") + ",\n" + rel("2") + ",\n{\"ocid\": \"ocds-abc123-1\", \"id\": \"3\"", "1,2", "invalid-json@4", false},
		{"bad release in package", "{\"releases\": [\n" + rel("1") + ",\n{\"ocid\": tru},\n" + rel("3") + "]}", "1,3", "invalid-json@3", false},
		{"not an object", "[" + rel("1") + ", 42, \"x\"]", "1", "not-an-object@1,not-an-object@1", false},
		{"missing ocid", `{"id":"1","date":"2020-01-01T00:00:00Z"}`, "", "missing-ocid@1", false},
		{"missing date", `{"ocid":"ocds-abc123-1","id":"1"}`, "", "missing-date@1", false},
		{"not json", "<html>oops</html>", "", "", true},
		{"empty", "  \n ", "", "", true},
		{"linked only", `{"records":[{"ocid":"ocds-abc123-1","releases":[{"url":"http://x#1","date":"2020-01-01T00:00:00Z","tag":["tender"]}]}]}`, "", "record-unusable@1", false},
		{"unknown object", `{"foo": 1}`, "", "unrecognised-object@1", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := "in.json"
			if strings.HasPrefix(tc.name, "jsonl") {
				url = "in.jsonl"
			}
			rels, probs, st, err := readAll(t, []byte(tc.in), url)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v", err)
			}
			if tc.wantErr && !errors.Is(err, procure.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			var ids, errs []string
			for _, r := range rels {
				ids = append(ids, r.ID)
			}
			for _, p := range probs {
				if p.Severity == procure.SevError {
					errs = append(errs, p.Code+"@"+itoa(p.Location.Line))
					if p.Location.File != url || p.Message == "" {
						t.Errorf("unlocated problem %+v", p)
					}
				}
			}
			if strings.Join(ids, ",") != tc.ids || strings.Join(errs, ",") != tc.errors {
				t.Errorf("ids %v errors %v; want %s / %s (%v)", ids, errs, tc.ids, tc.errors, probs)
			}
			if st.Errors != len(errs) {
				t.Errorf("stats errors %d", st.Errors)
			}
		})
	}
}

func TestSizeAndDepthCaps(t *testing.T) {
	big := `{"releases":[{"ocid":"ocds-abc123-1","id":"1","date":"2020-01-01T00:00:00Z","description":"` + strings.Repeat("x", 5000) + `"},` +
		`{"ocid":"ocds-abc123-1","id":"2","date":"2020-01-01T00:00:00Z"}]}`
	var rels []procure.SourceRelease
	var probs []procure.Problem
	_, err := Read(context.Background(), strings.NewReader(big), Options{MaxReleaseBytes: 1000},
		func(sr procure.SourceRelease) error { rels = append(rels, sr); return nil }, func(p procure.Problem) { probs = append(probs, p) })
	if err != nil || len(rels) != 1 || rels[0].ID != "2" || codes(probs) != CodeTooLarge {
		t.Errorf("size cap: %v %d %s", err, len(rels), codes(probs))
	}
	deep := `{"ocid":"ocds-abc123-1","id":"1","date":"2020-01-01T00:00:00Z","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}\n" +
		`{"ocid":"ocds-abc123-1","id":"2","date":"2020-01-01T00:00:00Z"}`
	rels, probs, _, err = readAll(t, []byte(deep), "deep")
	if err != nil || len(rels) != 1 || rels[0].ID != "2" || codes(probs) != CodeInvalidJSON || !strings.Contains(probs[0].Message, "deeper") {
		t.Errorf("depth cap: %v %d %v", err, len(rels), probs)
	}
}

func TestEmitAndContextErrors(t *testing.T) {
	data := sharedFile(t, "fictional-example", "1.1", "release-package.json")
	boom := errors.New("disk full")
	n := 0
	_, err := Read(context.Background(), bytes.NewReader(data), Options{}, func(procure.SourceRelease) error {
		n++
		if n == 2 {
			return boom
		}
		return nil
	}, nil)
	if !errors.Is(err, boom) || n != 2 {
		t.Errorf("emit error: %v after %d", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Read(ctx, bytes.NewReader(data), Options{}, func(procure.SourceRelease) error { return nil }, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("context: %v", err)
	}
}

// TestMetadataAfterReleases: package metadata written after the releases
// array still reaches the releases (am-armeps declares version and
// publishedDate last).
func TestMetadataAfterReleases(t *testing.T) {
	rels, _, _, err := readAll(t, sharedFile(t, "am-armeps", "releases", "6.json"), "am")
	if err != nil || len(rels) != 100 {
		t.Fatal(err, len(rels))
	}
	for _, r := range rels {
		if r.Version != "1.1" || r.Package.PublishedDate == "" || r.Package.Publisher != "Armeps/PPCM" || r.Package.URI == "" {
			t.Fatalf("release %s: version %q package %+v", r.ID, r.Version, r.Package)
		}
	}
	// Release without a date takes the package's publishedDate, even when
	// it comes after the releases.
	in := `{"releases":[{"ocid":"ocds-abc123-1","id":"1"}],"publishedDate":"2021-05-06T07:08:09Z","version":"1.1"}`
	rels, probs, _, err := readAll(t, []byte(in), "late")
	if err != nil || len(rels) != 1 || rels[0].Date.Format("2006-01-02") != "2021-05-06" || codes(probs) != CodeDateFromPublished {
		t.Errorf("%v %v %v", err, rels, probs)
	}
}

// TestDeterministicRaw: same input, byte-identical Raw and hash; key order
// of the input does not matter.
func TestDeterministicRaw(t *testing.T) {
	a := `{"ocid":"ocds-abc123-1","id":"1","date":"2020-01-01T00:00:00Z","tender":{"title":"A","value":{"amount":1.50,"currency":"EUR"}}}`
	b := `{"tender":{"value":{"currency":"EUR","amount":1.50},"title":"A"},"date":"2020-01-01T00:00:00Z","id":"1","ocid":"ocds-abc123-1"}`
	ra, _, _, _ := readAll(t, []byte(a), "a")
	rb, _, _, _ := readAll(t, []byte(b), "b")
	if string(ra[0].Raw) != string(rb[0].Raw) || ra[0].SHA256 != rb[0].SHA256 {
		t.Errorf("%s\n%s", ra[0].Raw, rb[0].Raw)
	}
	want := `{"date":"2020-01-01T00:00:00Z","id":"1","ocid":"ocds-abc123-1","tender":{"title":"A","value":{"amount":1.50,"currency":"EUR"}}}`
	if string(ra[0].Raw) != want {
		t.Errorf("Raw %s", ra[0].Raw)
	}
}

func TestDerivedID(t *testing.T) {
	in := `{"ocid":"ocds-abc123-1","date":"2020-01-01T00:00:00Z","tender":{"title":"A"}}`
	r1, p1, _, _ := readAll(t, []byte(in), "a")
	r2, _, _, _ := readAll(t, []byte(in), "a")
	if len(r1) != 1 || r1[0].ID != r2[0].ID || !strings.HasPrefix(r1[0].ID, "ocds-abc123-1-") || codes(p1) != CodeMissingID {
		t.Errorf("%v %v", r1, p1)
	}
}
