package dump_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenderlens/tenderlens/data/dump"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestReleasesValidate checks every compiled release of the JSON Lines dump
// against the OCDS 1.1 release schema. Publishers' own schema errors are
// passed through untouched: an error is accepted only when the same kind of
// error (keyword, schema place, instance path with array positions
// ignored) is in one of the process's source releases as stored; the test
// lists them.
func TestReleasesValidate(t *testing.T) {
	schemaPath := testenv.SharedData(t, "schema", "ocds-1.1", "release-schema.json")
	st := sharedStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := newWriter(t, dir, func(c *dump.Config) { c.Disable = []string{"xlsx", "parquet", "sqlite", "csv", "agencies"} }).
		Write(ctx, src(st), fixedTime); err != nil {
		t.Fatal(err)
	}
	_, g := current(t, dir)
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("release-schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("release-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	indexRe := regexp.MustCompile(`/[0-9]+(/|$)`)
	signatures := func(v any) map[string]bool {
		out := map[string]bool{}
		err := sch.Validate(v)
		if err == nil {
			return out
		}
		var walk func(e *jsonschema.ValidationError)
		walk = func(e *jsonschema.ValidationError) {
			if len(e.Causes) == 0 {
				kw := strings.Join(e.ErrorKind.KeywordPath(), "/")
				loc := indexRe.ReplaceAllString("/"+strings.Join(e.InstanceLocation, "/"), "/*$1")
				loc = indexRe.ReplaceAllString(loc, "/*$1")
				schemaLoc := e.SchemaURL
				if i := strings.Index(schemaLoc, "#"); i >= 0 {
					schemaLoc = schemaLoc[i:]
				}
				out[kw+" "+indexRe.ReplaceAllString(schemaLoc, "/*$1")+" @"+loc] = true
			}
			for _, c := range e.Causes {
				walk(c)
			}
		}
		walk(err.(*jsonschema.ValidationError))
		return out
	}
	lines := readLines(t, filepath.Join(g, "releases.jsonl.gz"))
	valid, passed := 0, map[string]int{}
	for _, line := range lines {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatal(err)
		}
		got := signatures(inst)
		if len(got) == 0 {
			valid++
			continue
		}
		var head struct{ OCID string }
		json.Unmarshal(line, &head)
		cd, err := st.Contract(ctx, head.OCID)
		if err != nil {
			t.Fatal(err)
		}
		published := map[string]bool{}
		for _, ri := range cd.Releases {
			r, err := st.Release(ctx, head.OCID, ri.ID)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(r.Raw))
			for s := range signatures(v) {
				published[s] = true
			}
		}
		for s := range got {
			if !published[s] {
				t.Errorf("%s: schema error not in any source release (introduced by the portal?): %s", head.OCID, s)
			}
			passed[s]++
		}
	}
	keys := make([]string, 0, len(passed))
	for k := range passed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d of %d compiled releases are valid; publishers' own schema errors passed through (%d kinds):", valid, len(lines), len(keys))
	for _, k := range keys {
		t.Logf("  %4d× %s", passed[k], k)
	}
	if valid == 0 {
		t.Fatal("no compiled release validates: the schema check itself is broken")
	}
}

// TestSpreadsheetSafety: text that spreadsheet programs would run as a
// formula is prefixed with ' in the CSV and XLSX files only; Parquet,
// SQLite and JSON keep the raw value; numbers stay numbers.
func TestSpreadsheetSafety(t *testing.T) {
	st := openStore(t)
	payloads := []string{"=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"}
	var rels []string
	for i, p := range payloads {
		name, _ := json.Marshal(p)
		rels = append(rels, fmt.Sprintf(`{"ocid":"ocds-fi-%d","id":"1","date":"2024-01-0%dT00:00:00Z","tag":["award"],"initiationType":"tender",
			"buyer":{"id":"b%d","name":%s},"parties":[{"id":"b%d","name":%s,"roles":["buyer"]},{"id":"s%d","name":%s,"roles":["supplier"]}],
			"tender":{"id":"t","title":%s},
			"awards":[{"id":"a","status":"active","date":"2024-01-0%dT00:00:00Z","value":{"amount":-100.5,"currency":"USD"},"suppliers":[{"id":"s%d","name":%s}]}]}`,
			i, i+1, i, name, i, name, i, name, name, i+1, i, name))
	}
	pkg := `{"version":"1.1","uri":"u","publishedDate":"2024-01-01T00:00:00Z","publisher":{"name":"p"},"releases":[` + strings.Join(rels, ",") + `]}`
	importData(t, st, "fi", "fi.json", []byte(pkg))
	dir := t.TempDir()
	if _, err := newWriter(t, dir, nil).Write(context.Background(), src(st), fixedTime); err != nil {
		t.Fatal(err)
	}
	_, g := current(t, dir)
	unsafe := func(s string) bool {
		return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !regexp.MustCompile(`^[+-]?[0-9.]+$`).MatchString(s)
	}
	// CSV
	zr, err := zip.OpenReader(filepath.Join(g, "tables.csv.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	seenPrefixed := 0
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		recs, err := csvRecords(b)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, rec := range recs {
			for _, v := range rec {
				if unsafe(v) {
					t.Errorf("%s: unsafe cell %q", f.Name, v)
				}
				if strings.HasPrefix(v, "'") {
					seenPrefixed++
				}
			}
		}
		if f.Name == "portal_awards.csv" && !bytes.Contains(b, []byte(",-100.50,")) {
			t.Errorf("negative amount not kept as a plain number in %s", f.Name)
		}
	}
	if seenPrefixed < len(payloads)*3 {
		t.Errorf("only %d prefixed cells in the CSV files", seenPrefixed)
	}
	// XLSX: every inline string.
	xr, err := zip.OpenReader(filepath.Join(g, "tables.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer xr.Close()
	textRe := regexp.MustCompile(`<t xml:space="preserve">([^<]*)</t>`)
	for _, f := range xr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		for _, m := range textRe.FindAllSubmatch(b, -1) {
			v := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(string(m[1]))
			if unsafe(v) {
				t.Errorf("%s: unsafe cell %q", f.Name, v)
			}
		}
	}
	// SQLite keeps raw values.
	db, err := sql.Open("sqlite", "file://"+filepath.Join(g, "tenderlens.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := map[string]bool{}
	rows, err := db.Query(`SELECT "tender/title" FROM releases`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		raw[s] = true
	}
	rows.Close()
	// The raw values are those of the compiled releases (the OCDS reader
	// trims surrounding white space, so "\tTabbed" arrives as "Tabbed").
	want := map[string]bool{}
	for _, l := range readLines(t, filepath.Join(g, "releases.jsonl.gz")) {
		var r struct{ Tender struct{ Title string } }
		json.Unmarshal(l, &r)
		want[r.Tender.Title] = true
	}
	if len(want) != len(payloads) || !want[payloads[0]] || !want[payloads[2]] {
		t.Fatalf("compiled titles: %v", want)
	}
	for p := range want {
		if !raw[p] {
			t.Errorf("SQLite lost the raw value %q", p)
		}
	}
	// Parquet keeps raw values.
	pf, err := os.Open(filepath.Join(g, "parquet", "releases.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	st2, _ := pf.Stat()
	file, err := parquet.OpenFile(pf, st2.Size())
	if err != nil {
		t.Fatal(err)
	}
	if file.NumRows() != int64(len(payloads)) {
		t.Errorf("parquet rows = %d", file.NumRows())
	}
	type org struct {
		Name *string `parquet:"tender/title,optional"`
	}
	pr := parquet.NewGenericReader[org](pf)
	buf := make([]org, 100)
	n, _ := pr.Read(buf)
	got := map[string]bool{}
	for _, o := range buf[:n] {
		if o.Name != nil {
			got[*o.Name] = true
		}
	}
	for p := range want {
		if !got[p] {
			t.Errorf("Parquet lost the raw value %q", p)
		}
	}
}

func csvRecords(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	return csvReader(b).ReadAll()
}
