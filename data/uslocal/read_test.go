package uslocal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// robustLines is a hand-made export with the problems real ones have.
// Comments after "#|" are stripped; lines are joined with the line ending
// under test.
var robustLines = []string{
	"City of Springfield checkbook export,,,,,", // 1 preamble
	",,,,,", // 2 preamble (blank)
	"Payment Date,Department,Payee,Description,Category,Amount",                       // 3 header
	`1/2/2024,Police,ACME SUPPLY INC,"Body cameras, batteries",Equipment,"$1,000.00"`, // 4
	"2024-01-03,  Police  ,  ACME   SUPPLY INC  ,Refund,Equipment,(12.50)",            // 5 padded, refund
	`1/4/2024,Parks,"""BEST"" LAWN CARE",Mowing,no data,0.01`,                         // 6 one cent
	`1/4/2024,Parks,"""BEST"" LAWN CARE",Mowing,no data,0.01`,                         // 7 identical row
	`1/5/2024,Parks,"SMITH, JANE",Refund of deposit,??????,-25.00`,                    // 8 private person
	"1/6/2024,Library,,\"Books",                                                       // 9 no vendor; quoted newline
	"and periodicals\",redacted,250",                                                  // 10
	"1/7/2024,Library,BOOK BARN,Books,?,abc",                                          // 11 bad amount
	",Library,BOOK BARN,Books,?,10.00",                                                // 12 no date
	"1/9/2024,Library,BOOK BARN,Books,?,",                                             // 13 no amount
	`1/10/2024,Fire,RED TRUCK CO,Hose,Equipment,"1,38.12"`,                            // 14 bad separators
	",,,,,", // 15 blank
	"Payment Date,Department,Payee,Description,Category,Amount",         // 16 repeated header
	"1/11/2024,Fire,RED TRUCK CO,Hose,Equipment,500,surplus",            // 17 extra cell
	"1/12/2024,Fire,RED TRUCK CO,Hose",                                  // 18 short: no amount
	"13/13/2024,Fire,RED TRUCK CO,Hose,Equipment,5",                     // 19 bad date
	`1/14/2024,Fire,"RED TRUCK CO" ,"Hose "extra" end",Equipment,$7.00`, // 20 malformed quotes
	"\"1/15/2024,Fire,RED TRUCK CO,Hose,Equipment,9",                    // 21 unbalanced quote: only this line is lost
	"1/16/2024,Water,BLUE PIPES,Pipes,Equipment,USD 3.50",               // 22
}

const robustMapping = `
name = "springfield-test"
namespace = "us.xx.springfield"
dataset = "checkbook"
publisher = "City of Springfield"
timezone = "America/Chicago"
date_layouts = ["M/D/YYYY", "YYYY-MM-DD"]
[columns]
date = "payment date"
department = "Department"
vendor = "Payee"
description = "Description"
category = "Category"
amount = "Amount"
[constants]
buyer = "City of Springfield"
[vendor]
individuals = "last-first"
`

type readResult struct {
	st       Stats
	err      error
	rels     []procure.SourceRelease
	problems []procure.Problem
}

func readWith(t *testing.T, m *Mapping, data []byte, url string) readResult {
	t.Helper()
	var res readResult
	res.st, res.err = Read(context.Background(), bytes.NewReader(data), m, Options{Source: "test", URL: url},
		func(r procure.SourceRelease) error { res.rels = append(res.rels, r); return nil },
		func(p procure.Problem) { res.problems = append(res.problems, p) })
	return res
}

// relJSON is the part of a release the tests look at.
type relJSON struct {
	OCID    string `json:"ocid"`
	Date    string `json:"date"`
	Parties []struct {
		ID    string   `json:"id"`
		Name  string   `json:"name"`
		Roles []string `json:"roles"`
	} `json:"parties"`
	Tender struct {
		ProcuringEntity *struct{ Name string } `json:"procuringEntity"`
	} `json:"tender"`
	Awards []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Value       struct {
			Amount   json.Number `json:"amount"`
			Currency string      `json:"currency"`
		} `json:"value"`
		Suppliers []struct{ ID, Name string } `json:"suppliers"`
	} `json:"awards"`
	Contracts []struct {
		Implementation struct {
			Transactions []struct {
				Value struct {
					Amount json.Number `json:"amount"`
				} `json:"value"`
			} `json:"transactions"`
		} `json:"implementation"`
	} `json:"contracts"`
	CSV csvRowRecord `json:"tenderlensCSV"`
}

func decodeRel(t testing.TB, r procure.SourceRelease) relJSON {
	t.Helper()
	var v relJSON
	dec := json.NewDecoder(bytes.NewReader(r.Raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("release %s: %v", r.OCID, err)
	}
	return v
}

func (r relJSON) dept() string {
	if r.Tender.ProcuringEntity == nil {
		return ""
	}
	return r.Tender.ProcuringEntity.Name
}

func TestReadRobustFile(t *testing.T) {
	m, err := ParseMapping([]byte(robustMapping), "x")
	if err != nil {
		t.Fatal(err)
	}
	var first []string // ocids of the LF variant
	for _, variant := range []struct {
		name, eol string
		bom       bool
	}{{"LF", "\n", false}, {"CRLF", "\r\n", false}, {"CR", "\r", false}, {"BOM+CRLF", "\r\n", true}} {
		t.Run(variant.name, func(t *testing.T) {
			data := strings.Join(robustLines, variant.eol) + variant.eol
			if variant.bom {
				data = "\ufeff" + data
			}
			res := readWith(t, m, []byte(data), "springfield.csv")
			if res.err != nil {
				t.Fatal(res.err)
			}
			// 18 data records after the header on line 3 (lines 9-10 are one).
			want := Stats{Records: 18, Releases: 9, Rejected: 7, Blank: 1, RepeatedHeaders: 1, Preamble: 2}
			if res.st != want {
				t.Errorf("stats = %+v, want %+v", res.st, want)
			}
			var got []string
			for _, p := range res.problems {
				got = append(got, fmt.Sprintf("%d %s %s", p.Location.Line, p.Severity, p.Code))
				if p.Location.File != "springfield.csv" {
					t.Errorf("problem without file: %+v", p)
				}
			}
			wantProblems := []string{
				"3 info csv-preamble-skipped",
				"9 warning vendor-missing",
				"11 error amount-invalid",
				"12 error date-missing",
				"13 error amount-missing",
				"14 error amount-invalid",
				"16 warning csv-repeated-header",
				"17 warning csv-field-count",
				"18 warning csv-field-count",
				"18 error amount-missing",
				"19 error date-invalid",
				"20 warning csv-quotes-repaired",
				"21 error csv-unbalanced-quote",
				"0 info vendor-from-description",
			}
			if strings.Join(got, "\n") != strings.Join(wantProblems, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantProblems, "\n"))
			}
			type row struct {
				line                       int
				amount, dept, vendor, desc string
			}
			var rows []row
			var ocids []string
			for _, r := range res.rels {
				v := decodeRel(t, r)
				rows = append(rows, row{r.Location.Line, string(v.Awards[0].Value.Amount), v.dept(), v.Awards[0].Suppliers[0].Name, v.Awards[0].Description})
				ocids = append(ocids, r.OCID)
				if tx := v.Contracts[0].Implementation.Transactions[0].Value.Amount; tx != v.Awards[0].Value.Amount {
					t.Errorf("line %d: transaction %s, award %s", r.Location.Line, tx, v.Awards[0].Value.Amount)
				}
				if strings.Contains(string(r.Raw), "SMITH") || strings.Contains(string(r.Raw), "JANE") {
					t.Errorf("line %d: a private person's name is stored: %s", r.Location.Line, r.Raw)
				}
				if v.CSV.Mapping != "springfield-test" || v.CSV.SHA256 == "" || len(v.CSV.Values) == 0 {
					t.Errorf("line %d: provenance %+v", r.Location.Line, v.CSV)
				}
			}
			wantRows := []row{
				{4, "1000.00", "Police", "ACME SUPPLY INC", "Body cameras, batteries"},
				{5, "-12.50", "Police", "ACME SUPPLY INC", "Refund"},
				{6, "0.01", "Parks", `"BEST" LAWN CARE`, "Mowing"},
				{7, "0.01", "Parks", `"BEST" LAWN CARE`, "Mowing"},
				{8, "-25.00", "Parks", IndividualPayeeName, "Refund of deposit"},
				{9, "250.00", "Library", UnknownVendorName, "Books and periodicals"},
				{17, "500.00", "Fire", "RED TRUCK CO", "Hose"},
				{20, "7.00", "Fire", "RED TRUCK CO", `Hose "extra" end`},
				{22, "3.50", "Water", "BLUE PIPES", "Pipes"},
			}
			if fmt.Sprint(rows) != fmt.Sprint(wantRows) {
				t.Errorf("releases:\n%v\nwant\n%v", rows, wantRows)
			}
			if len(ocids) < 4 || ocids[2] == ocids[3] || ocids[3] != ocids[2]+"~2" {
				t.Errorf("identical rows: ocids %v, want the second of lines 6-7 to be the first + \"~2\"", ocids)
			}
			// Withheld cells: the row is kept, the name is not.
			if v := decodeRel(t, res.rels[4]); v.CSV.Text != "" || strings.Join(v.CSV.Withheld, ",") != "Payee" || v.CSV.Values[2] != "[withheld]" {
				t.Errorf("private person's row: %+v", v.CSV)
			}
			if first == nil {
				first = ocids
			} else if strings.Join(first, " ") != strings.Join(ocids, " ") {
				t.Errorf("ocids differ between line-ending variants:\n%v\n%v", first, ocids)
			}
		})
	}
}

// The releases are valid OCDS 1.1 (release package schema, formats
// asserted), checked on the hand-made file and samples of every real file.
func TestReleasesValidateAgainstOCDSSchema(t *testing.T) {
	sch := testenv.OCDSReleasePackageSchema(t)
	m, _ := ParseMapping([]byte(robustMapping), "x")
	res := readWith(t, m, []byte(strings.Join(robustLines, "\n")), "springfield.csv")
	rels := res.rels
	for _, f := range usLocalFiles {
		if f.profile == "chicago-contractors" {
			continue
		}
		r := readShared(t, f)
		// Every payment in -short mode would take long: take the first 200,
		// every refund and every placeholder payee.
		for i, rel := range r.rels {
			if i < 200 || bytes.Contains(rel.Raw, []byte(`"amount":-`)) || bytes.Contains(rel.Raw, []byte("tenderlensPayeeKind")) || !testing.Short() {
				rels = append(rels, rel)
			}
		}
	}
	for i := 0; i < len(rels); i += 500 {
		j := min(i+500, len(rels))
		var pkg bytes.Buffer
		pkg.WriteString(`{"uri":"https://tenderlens.example/csv","publishedDate":"2024-01-01T00:00:00Z","version":"1.1","publisher":{"name":"Tenderlens"},"releases":[`)
		for k, r := range rels[i:j] {
			if k > 0 {
				pkg.WriteByte(',')
			}
			pkg.Write(r.Raw)
		}
		pkg.WriteString("]}")
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(pkg.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Fatalf("releases %d-%d are not valid OCDS 1.1:\n%v", i, j, err)
		}
	}
	t.Logf("%d releases validated", len(rels))
}

// The schema must reject a broken release, or the test above proves
// nothing.
func TestSchemaRejectsBrokenRelease(t *testing.T) {
	sch := testenv.OCDSReleasePackageSchema(t)
	m, _ := ParseMapping([]byte(robustMapping), "x")
	res := readWith(t, m, []byte(strings.Join(robustLines, "\n")), "springfield.csv")
	good := string(res.rels[0].Raw)
	for name, bad := range map[string]string{
		"currency":  strings.Replace(good, `"currency":"USD"`, `"currency":"usd"`, 1),
		"date":      strings.Replace(good, `"date":"2024-01-02T00:00:00-06:00"`, `"date":"1/2/2024"`, 1),
		"no tag":    strings.Replace(good, `"tag":["award","contract","implementation"],`, "", 1),
		"bad tag":   strings.Replace(good, `"tag":["award"`, `"tag":["payment"`, 1),
		"no awards": strings.Replace(good, `"awardID":"1"`, `"awardID":{}`, 1),
	} {
		pkg := `{"uri":"https://x.example","publishedDate":"2024-01-01T00:00:00Z","version":"1.1","publisher":{"name":"x"},"releases":[` + bad + `]}`
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(pkg))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepted a broken release", name)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Cells that are not UTF-8 (a Windows-1252 export) are read as
// Windows-1252 with one warning; a semicolon-separated European export
// with decimal commas and no header row reads with the matching keys.
func TestReadEncodingsAndLayouts(t *testing.T) {
	m, err := ParseMapping([]byte(robustMapping), "x")
	if err != nil {
		t.Fatal(err)
	}
	latin1 := "Payment Date,Department,Payee,Description,Category,Amount\n" +
		"1/2/2024,Parks,CAF\xc9 \xc9LAN,Caf\xe9 supplies,,10.00\n" +
		"1/3/2024,Parks,CAF\xc9 \xc9LAN,Caf\xe9 supplies,,11.00\n"
	res := readWith(t, m, []byte(latin1), "latin1.csv")
	if res.err != nil || len(res.rels) != 2 {
		t.Fatalf("%v, %d releases", res.err, len(res.rels))
	}
	if v := decodeRel(t, res.rels[0]); v.Awards[0].Suppliers[0].Name != "CAFÉ ÉLAN" || v.Awards[0].Description != "Café supplies" {
		t.Errorf("decoded: %q %q", v.Awards[0].Suppliers[0].Name, v.Awards[0].Description)
	}
	if len(res.problems) != 1 || res.problems[0].Code != CodeEncoding || res.problems[0].Location.Line != 2 {
		t.Errorf("problems: %+v", res.problems)
	}

	eu, err := ParseMapping([]byte(`namespace = "eu.test"
dataset = "ledger"
currency = "EUR"
delimiter = ";"
decimal_comma = true
no_header = true
date_layouts = ["DD.MM.YYYY"]
[columns]
date = "#1"
vendor = "#2"
amount = "#3"
[constants]
buyer = "Testville"
`), "eu")
	if err != nil {
		t.Fatal(err)
	}
	res = readWith(t, eu, []byte("31.01.2024;Müller GmbH;1.234,56\n01.02.2024;\"Dupont; Fils\";-0,50\n"), "eu.csv")
	if res.err != nil || len(res.rels) != 2 || len(res.problems) != 0 {
		t.Fatalf("%v, %d releases, problems %+v", res.err, len(res.rels), res.problems)
	}
	v0, v1 := decodeRel(t, res.rels[0]), decodeRel(t, res.rels[1])
	if v0.Awards[0].Value.Amount != "1234.56" || v0.Awards[0].Value.Currency != "EUR" || v1.Awards[0].Suppliers[0].Name != "Dupont; Fils" || v1.Awards[0].Value.Amount != "-0.50" {
		t.Errorf("releases: %+v %+v", v0.Awards, v1.Awards)
	}
}

// A file that does not fit the mapping fails as a whole, naming the
// columns it lacks.
func TestReadHeaderNotFound(t *testing.T) {
	m, _ := ParseMapping([]byte(robustMapping), "x")
	res := readWith(t, m, []byte("Date,Vendor,Total\n1/2/2024,ACME,5\n"), "other.csv")
	if res.err == nil || !strings.Contains(res.err.Error(), `"payment date"`) || !strings.Contains(res.err.Error(), `"Total"`) || len(res.rels) != 0 {
		t.Errorf("err = %v", res.err)
	}
	if res := readWith(t, m, nil, "empty.csv"); res.err == nil || !strings.Contains(res.err.Error(), "an empty file") {
		t.Errorf("empty file: %v", res.err)
	}
}
