package psc

import (
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
	p := New()
	return testenv.ReadEntityFiles(t, func(ctx context.Context, r io.Reader, path string, s *testenv.EntitySink) error {
		return p.Document(ctx, r, Doc{Source: "test", URL: path, RetrievedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, s)
	}, func(ctx context.Context, s *testenv.EntitySink) error { return p.Finish(ctx, s) }, files...)
}

// naive counts the records of a shared file with a plain decode.
func naive(t *testing.T, path string) (entities, relationships int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		CompanyNumber string `json:"company_number"`
		CompanyName   string
		Data          struct{ Kind string }
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	companies := map[string]bool{}
	for _, r := range recs {
		switch {
		case r.CompanyName != "":
			entities++
		case strings.HasPrefix(r.Data.Kind, "totals#"):
		default:
			relationships++
			companies[r.CompanyNumber] = true
			if strings.HasPrefix(r.Data.Kind, "individual") || strings.HasPrefix(r.Data.Kind, "corporate") || strings.HasPrefix(r.Data.Kind, "legal-person") {
				entities++
			}
		}
	}
	return entities + len(companies), relationships
}

func TestSharedFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.SharedData(t, "psc", "companies-house-psc"), "*.json"))
	if len(files) != 17 {
		t.Fatalf("%d files; want 17", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			wantE, wantR := naive(t, f)
			c := parse(t, f)
			if len(c.Entities) != wantE || len(c.Relationships) != wantR {
				t.Errorf("%d entities, %d relationships; want %d, %d", len(c.Entities), len(c.Relationships), wantE, wantR)
			}
			for _, p := range c.Problems {
				if p.Severity == procure.SevError {
					t.Errorf("error %+v", p)
				}
			}
			codes := c.Codes()
			if codes["psc-array"] != 1 {
				t.Errorf("array wrapping not reported: %v", codes)
			}
		})
	}
}

func TestPSCMapping(t *testing.T) {
	dir := testenv.SharedData(t, "psc", "companies-house-psc")
	c := parse(t, filepath.Join(dir, "psc-data-1.json"), filepath.Join(dir, "company-data-1.json"), filepath.Join(dir, "psc-data-8.json"),
		filepath.Join(dir, "psc-data-7.json"), filepath.Join(dir, "psc-data-6.json"), filepath.Join(dir, "psc-data-5.json"), filepath.Join(dir, "psc-data-10.json"))
	rels := map[string]procure.Relationship{}
	for _, r := range c.Relationships {
		rels[r.ID] = r
	}
	// Individual, 75-100 % of shares: (75, 100].
	r := rels["gb-psc:08209948/FReSTxwXcJbAHBrerDpmTylkW48/control"]
	if r.Kind != procure.RelOwnership || r.Share.Min != math.Nextafter(75, 100) || r.Share.Max != 100 || !r.Control ||
		r.StartDate != "2021-12-13" || r.Asset != "gb-psc:company/08209948" || r.Owner != "gb-psc:08209948/FReSTxwXcJbAHBrerDpmTylkW48" {
		t.Errorf("Feldman %+v", r)
	}
	p := c.FindEntity(t, "gb-psc:08209948/FReSTxwXcJbAHBrerDpmTylkW48")
	if p.Name != "Marc Anthony Feldman" || p.BirthDate != "1961-12" || p.Kind != procure.EntityPerson || p.Countries[0] != "GB" {
		t.Errorf("Feldman entity %+v", p)
	}
	// The ceased statement is kept as history and does not make the company opaque.
	st := rels["gb-psc:08209948/Z1EPZ-AyS_CpOQyqHfFzyRcbkdg/statement"]
	if st.Owner != "" || st.EndDate != "2021-12-13" || !strings.Contains(st.UnspecifiedOwner, "no individual or entity") {
		t.Errorf("statement %+v", st)
	}
	if co := c.FindEntity(t, "gb-psc:company/08209948"); co.Opaque != "" || co.Identifiers[0].Qualified() != "GB-COH-08209948" {
		t.Errorf("company stub %+v", co)
	}
	// Basic company data.
	bang := c.FindEntity(t, "gb-coh:08209948")
	if bang.Name != "! LTD" || bang.FoundingDate != "2012-09-11" || bang.Identifiers[0].Qualified() != "GB-COH-08209948" {
		t.Errorf("! LTD %+v", bang)
	}
	// Corporate PSC with a UK registration number → GB-COH; 25-50 % band.
	cl := c.FindEntity(t, "gb-psc:04120481/m5XNR_-nKtmMDh9BkcfpD7Pzkic")
	found := false
	for _, id := range cl.Identifiers {
		found = found || id.Qualified() == "GB-COH-03530981"
	}
	if !found || cl.Kind != procure.EntityCompany {
		t.Errorf("Clientlogic %+v", cl)
	}
	if r := rels["gb-psc:03136191/55y0_U-Q2wwTXDXh6mmo0BJPpM8/control"]; r.Share.Min <= 25 || r.Share.Max != 50 || r.Control {
		t.Errorf("25-50 band %+v", r)
	}
	// Super-secure: no owner, company opaque.
	ss := rels["gb-psc:02443921/NcZQQA0LMrXYV1u0fGRHLrGIL_I/control"]
	if ss.Owner != "" || !strings.Contains(ss.UnspecifiedOwner, "super-secure") {
		t.Errorf("super-secure %+v", ss)
	}
	if co := c.FindEntity(t, "gb-psc:company/02443921"); co.Opaque == "" {
		t.Error("company with a super-secure PSC is not opaque")
	}
	// Overseas entity owned by a government: a state body, more than 25 %.
	gov := c.FindEntity(t, "gb-psc:OE031044/28NaTOioatSpvI7hNY3qz_fKYoI")
	if gov.Kind != procure.EntityState || gov.Countries[0] != "CZ" {
		t.Errorf("Government of Czech Republic %+v", gov)
	}
	if r := rels["gb-psc:OE031044/28NaTOioatSpvI7hNY3qz_fKYoI/control"]; r.Share.Min <= 25 || r.Share.Max != 100 {
		t.Errorf("more than 25 %% %+v", r)
	}
	if safe := c.FindEntity(t, "gb-psc:07102351/I9Y9flc5ndlcZRtXPL03fjn2hDo"); safe.Kind != procure.EntityState {
		t.Errorf("SAFE %+v", safe)
	}
	// 75-100 % shares but only 25-50 % of the votes: ownership with control
	// (more than half of the shares).
	if r := rels["gb-psc:06452920/wvnck5c6qyZHeG02DZYH-0_dGYM/control"]; r.Kind != procure.RelOwnership || r.Share.Min <= 75 || !r.Control {
		t.Errorf("Wpp Rocky %+v", r)
	}
}

func TestQuirks(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "snap.jsonl")
	os.WriteFile(f, []byte(`{"company_number":"123","data":{"kind":"persons-with-significant-control-statement","statement":"psc-exists-but-not-identified","links":{"self":"/company/00000123/persons-with-significant-control-statements/abc"}}}
{"company_number":"123","data":{"kind":"individual-person-with-significant-control","name":"X","natures_of_control":["voting-rights-50-to-75-percent","mystery-right"],"links":{"self":"/company/00000123/persons-with-significant-control/individual/def"}}}
{"company_number":"123","data":{"kind":"alien-person-with-significant-control","links":{"self":"/x/y"}}}
{"data":{"kind":"individual-person-with-significant-control"}}
{"company_number":"123","data":{"kind":"exemptions","exemptions":{"psc_exempt_as_trading_on_regulated_market":{"items":[]}},"links":{"self":"/company/00000123/exemptions"}}}
not json
`), 0o644)
	p := New()
	c := &testenv.EntitySink{}
	fh, _ := os.Open(f)
	defer fh.Close()
	err := p.Document(context.Background(), fh, Doc{URL: f}, c)
	if err == nil {
		t.Error("a syntax error did not end the document")
	}
	p.Finish(context.Background(), c)
	codes := c.Codes()
	for _, code := range []string{"psc-unknown-kind", "psc-no-company", "psc-unknown-nature"} {
		if codes[code] == 0 {
			t.Errorf("no %s: %v", code, c.Problems)
		}
	}
	co := c.FindEntity(t, "gb-psc:company/00000123")
	if !strings.Contains(co.Opaque, "has not identified") || !strings.Contains(co.Opaque, "exempt") {
		t.Errorf("opaque %q", co.Opaque)
	}
	for _, r := range c.Relationships {
		if r.Owner == "gb-psc:00000123/def" && (r.Kind != procure.RelControl || !r.Control || r.Share.Min <= 50) {
			t.Errorf("voting 50-75 %+v", r)
		}
	}
}
