package ingest

// Acceptance tests of issue 5 through the real pieces: the OCDS reader and
// compiler, the FtM and BODS parsers, the entity and release import runs,
// the SQLite store (migrations 0002 and 0004 included), the owner analysis
// and the risk job.

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/bods"
	"github.com/tenderlens/tenderlens/data/demo"
	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// realStore fits *store.Store to the ingest interfaces whose batch result
// types differ by package (as cmd/tenderlens does).
type realStore struct{ *store.Store }

func (s realStore) ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, c CompileFunc) (BatchResult, error) {
	res, err := s.Store.ApplyBatch(ctx, runID, rels, store.CompileFunc(c))
	return BatchResult(res), err
}

func (s realStore) ApplyEntities(ctx context.Context, runID int64, es []procure.Entity, rs []procure.Relationship) (EntityBatchResult, error) {
	res, err := s.Store.ApplyEntities(ctx, runID, es, rs)
	return EntityBatchResult{Stored: res.Stored, Unchanged: res.Unchanged, Problems: res.Problems}, err
}

// ftmParser and bodsParser adapt the format parsers to EntityParser.
type ftmParser struct{ p *sanctions.FtM }

func (f ftmParser) Document(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error {
	return f.p.Document(ctx, r, sanctions.Doc{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, s)
}
func (f ftmParser) Finish(ctx context.Context, s EntitySink) error { return f.p.Finish(ctx, s) }

type bodsParser struct{ p *bods.Parser }

func (b bodsParser) Document(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error {
	return b.p.Document(ctx, r, bods.Doc{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, s)
}
func (b bodsParser) Finish(ctx context.Context, s EntitySink) error { return b.p.Finish(ctx, s) }

type world struct {
	store    *store.Store
	runner   *Runner
	entities *EntityRunner
	dir      string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, filepath.Join(dir, "tenderlens.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r, err := New(RunnerConfig{Store: realStore{s}, Compile: ocds.Compile, Parsers: map[string]ParseFunc{
		"ocds": func(ctx context.Context, rd io.Reader, o ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error {
			_, err := ocds.Read(ctx, rd, ocds.Options{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, emit, report)
			return err
		}}})
	if err != nil {
		t.Fatal(err)
	}
	er, err := NewEntityRunner(r, EntityRunnerConfig{Store: realStore{s}, Formats: map[string]EntityFormat{
		"ftm": func(source string, opt map[string]string) (EntityParser, error) {
			return ftmParser{sanctions.NewFtM(sanctions.FtMOptions{Namespace: opt["namespace"], License: opt["license"]})}, nil
		},
		"bods": func(source string, opt map[string]string) (EntityParser, error) {
			return bodsParser{bods.New(bods.Options{Namespace: opt["namespace"]})}, nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	return &world{store: s, runner: r, entities: er, dir: dir}
}

func (w *world) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) importEntities(t *testing.T, source, format string, opt map[string]string, paths ...string) {
	t.Helper()
	run, err := w.entities.ImportPaths(context.Background(), source, format, opt, paths, nil)
	if err != nil || run.Errors > 0 {
		t.Fatalf("import %s: %v (%d errors: %+v)", format, err, run.Errors, run.Problems)
	}
}

func (w *world) importOCDS(t *testing.T, source string, paths ...string) {
	t.Helper()
	run, err := w.runner.ImportPaths(context.Background(), source, "ocds", paths, nil)
	if err != nil || run.Errors > 0 {
		t.Fatalf("import ocds: %v (%d errors: %+v)", err, run.Errors, run.Problems)
	}
}

func (w *world) riskJob(t *testing.T, now time.Time) *RiskJob {
	t.Helper()
	j, err := NewRiskJob(RiskConfig{Store: w.store, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// zalaPackage is an OCDS release package with one award to a supplier that
// carries the INN of one of Zakharov's companies.
func zalaPackage(inn, name, awardDate string) []byte {
	pkg := map[string]any{
		"uri": "https://example.org/tests/zala", "version": "1.1", "publishedDate": "2026-03-01T00:00:00Z",
		"publisher": map[string]any{"name": "Test publisher"},
		"releases": []any{map[string]any{
			"ocid": "ocds-test00-zala-" + inn, "id": "award-1", "date": awardDate + "T10:00:00Z", "tag": []string{"award"},
			"initiationType": "tender",
			"buyer":          map[string]any{"id": "XX-TEST-police", "name": "Test City Police Department"},
			"parties": []any{
				map[string]any{"id": "XX-TEST-police", "name": "Test City Police Department", "roles": []string{"buyer"}},
				map[string]any{"id": "RU-INN-" + inn, "name": name, "roles": []string{"supplier"},
					"identifier": map[string]any{"scheme": "RU-INN", "id": inn}},
			},
			"awards": []any{map[string]any{"id": "1", "status": "active", "date": awardDate + "T10:00:00Z",
				"value":     map[string]any{"amount": 1500000, "currency": "RUB"},
				"suppliers": []any{map[string]any{"id": "RU-INN-" + inn, "name": name}}}},
		}},
	}
	b, _ := json.Marshal(pkg)
	return b
}

// TestRiskZalaCluster is the acceptance test on real data: awards to
// suppliers carrying the INNs of two of Alexander Zakharov's companies
// (OOO "SPS", 75 % from 2020-01-10 to 2022-11-22; OOO "TsST", 100 % from
// 2013-06-06 to 2019-08-02) reach him, a person on the OFAC, EU and UK
// lists, through the real ownership edges of the OpenSanctions export.
func TestRiskZalaCluster(t *testing.T) {
	path := testenv.SharedData(t, "sanctions", "opensanctions-ftm", "zala_aero_cluster.ftm.jsonl")
	ctx := context.Background()
	w := newWorld(t)
	w.importEntities(t, "opensanctions-zala", "ftm", nil, path)
	w.importOCDS(t, "test-awards",
		w.write(t, "sps.json", zalaPackage("9715374145", "ООО \"СПС\"", "2021-06-15")),
		w.write(t, "tsst.json", zalaPackage("5920040846", "ООО \"ЦСТ\"", "2018-04-02")))
	rep, err := w.riskJob(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)).Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Suppliers != 2 || rep.Linked != 2 || rep.Flagged != 2 {
		t.Fatalf("report %+v", rep)
	}
	const zakharov = "opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"
	for _, tc := range []struct {
		supplier, company, share, start, end, award string
	}{
		{"RU-INN-9715374145", "opensanctions:NK-9Xa4Kg7Y7nfccE7VcZt6Q6", "75", "2020-01-10", "2022-11-22", "2021-06-15"},
		{"RU-INN-5920040846", "opensanctions:ru-inn-5920040846", "100", "2013-06-06", "2019-08-02", "2018-04-02"},
	} {
		t.Run(tc.supplier, func(t *testing.T) {
			d, err := w.store.SupplierRisk(ctx, tc.supplier)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Links) != 1 || !d.Links[0].Certain || d.Links[0].EntityID != tc.company {
				t.Fatalf("links %+v", d.Links)
			}
			if len(d.Paths) == 0 {
				t.Fatalf("no path: %s", d.Headline)
			}
			p := d.Paths[0]
			if len(p.Nodes) != 2 || p.Nodes[1] != zakharov || p.Current {
				t.Fatalf("path %+v", p)
			}
			var hop procure.RiskEdge
			for _, e := range d.Edges {
				if e.ID == p.Edges[0] {
					hop = e
				}
			}
			if hop.Share.Min != mustFloat(tc.share) || hop.StartDate != tc.start || hop.EndDate != tc.end || !hop.Ended ||
				hop.Source.RecordID == "" || !strings.Contains(hop.Source.Dataset, "ext_ru_egrul") || hop.Source.RetrievedAt.IsZero() {
				t.Errorf("hop %+v", hop)
			}
			var z procure.RiskEntity
			for _, e := range d.Entities {
				if e.ID == zakharov {
					z = e
				}
			}
			ofacRef := false
			for _, l := range z.Listings {
				if l.List == "OFAC SDN" && l.Reference == "45937" {
					ofacRef = true
				}
			}
			if !z.Listed || !ofacRef {
				t.Errorf("Zakharov: listed %v, listings %+v", z.Listed, z.Listings)
			}
			// the ownership ended before today: nothing in force now, but at
			// the award date he owned the supplier; the OFAC listing date is
			// not published, so the OFAC rule says "possible" for that date
			if d.Today.Level != procure.RiskNone || d.Level != procure.RiskPossible {
				t.Errorf("levels today %s overall %s (%s)", d.Today.Level, d.Level, d.Headline)
			}
			if len(d.AtAwards) != 1 || d.AtAwards[0].AsOf != tc.award {
				t.Fatalf("award assessments %+v", d.AtAwards)
			}
			v := map[procure.Regime]procure.Verdict{}
			for _, x := range d.AtAwards[0].Verdicts {
				v[x.Regime] = x.Verdict
			}
			if v[procure.RegimeOFAC] != procure.VerdictPossible || v[procure.RegimeUK] != procure.VerdictNo {
				t.Errorf("verdicts at the award date %v", v)
			}
			if !strings.Contains(strings.ToUpper(d.Headline), "ZAKHAROV") {
				t.Errorf("headline %q", d.Headline)
			}
			if len(d.Exposure) != 1 || d.Exposure[0].Currency != "RUB" || d.Exposure[0].Amount.String() != "1500000.00" {
				t.Errorf("exposure %+v", d.Exposure)
			}
			b, err := json.Marshal(d)
			if err != nil || !strings.Contains(string(b), `"recordId"`) {
				t.Errorf("JSON %v", err)
			}
		})
	}
	list, err := w.store.RiskList(ctx, procure.RiskListRequest{})
	if err != nil || list.Total != 2 || list.Currency != "RUB" {
		t.Errorf("risk list %+v %v", list, err)
	}
}

func mustFloat(s string) float64 {
	var f float64
	_ = json.Unmarshal([]byte(s), &f)
	return f
}

// TestRiskDemoCase imports the demo data the way --demo does (OCDS
// releases, then the BODS statements and the demo sanctions list) and
// checks that the fictional vendor is flagged, alone, with its chain.
func TestRiskDemoCase(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo data set")
	}
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w := newWorld(t)
	files, err := demo.Generate(demo.Options{Seed: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, w.write(t, f.Name, f.Data))
	}
	w.importOCDS(t, demo.SourceName, paths...)
	of, err := demo.OwnershipFiles(demo.Options{Seed: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range of {
		// the options cmd/tenderlens's formats accept (see the wiring in the
		// report: bods takes no licence option)
		opts := map[string]string{"namespace": "demo"}
		if f.Format == demo.FormatFtM {
			opts["license"] = demo.License
		}
		w.importEntities(t, demo.SourceName+"-"+f.Format, f.Format, opts, w.write(t, f.Name, f.Data))
	}
	rep, err := w.riskJob(t, now).Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("risk update: %+v", rep)
	d, err := w.store.SupplierRisk(ctx, demo.CaseSupplierID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Level != procure.RiskOwned || d.Today.Level != procure.RiskOwned {
		t.Fatalf("level %s today %s: %s\nunknowns %q", d.Level, d.Today.Level, d.Headline, d.Unknowns)
	}
	for _, v := range d.Today.Verdicts {
		if v.Verdict != procure.VerdictYes {
			t.Errorf("%s: %s (%s)", v.Regime, v.Verdict, v.Summary)
		}
	}
	if len(d.Paths) == 0 || len(d.Paths[0].Nodes) != 4 || !d.Paths[0].Current {
		t.Fatalf("paths %+v", d.Paths)
	}
	names := map[string]string{}
	for _, e := range d.Entities {
		names[e.ID] = e.Name
	}
	var chain []string
	for _, n := range d.Paths[0].Nodes {
		chain = append(chain, names[n])
	}
	if got := strings.Join(chain, " ← "); !strings.Contains(got, demo.CaseHoldingName) || !strings.Contains(got, demo.CaseIntermediaryName) || !strings.Contains(got, demo.CaseListedName) {
		t.Errorf("chain %s", got)
	}
	levels := map[procure.RiskLevel]int{}
	for _, a := range d.Awards {
		levels[a.Level]++
	}
	if levels[procure.RiskOwned] != 2 || levels[procure.RiskNone] != 2 {
		t.Errorf("award levels %v: two awards before the listing, two after", levels)
	}
	if len(d.SoftLinks) != 1 || len(d.Owners) == 0 {
		t.Errorf("soft links %+v owners %+v", d.SoftLinks, d.Owners)
	}
	list, err := w.store.RiskList(ctx, procure.RiskListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Rows[0].Supplier.ID != demo.CaseSupplierID || list.Currency != "USD" {
		var got []string
		for _, r := range list.Rows {
			got = append(got, r.Supplier.ID+" "+string(r.Level)+" "+r.Headline)
		}
		t.Errorf("flagged: %d %s %q", list.Total, list.Currency, got)
	}
	police, err := w.store.RiskList(ctx, procure.RiskListRequest{BuyerType: procure.BuyerPolice})
	if err != nil || police.Total != 1 {
		t.Errorf("police filter %+v %v", police, err)
	}
	// a second update with nothing new does nothing
	rep, err = w.riskJob(t, now).Update(ctx)
	if err != nil || rep.Suppliers != 0 {
		t.Errorf("second update %+v %v", rep, err)
	}
}

// BenchmarkRiskRecomputeDemo measures a full recompute over the demo data
// (44 suppliers, the ownership case and the demo list) on the real store.
func BenchmarkRiskRecomputeDemo(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w := newWorld(b)
	files, err := demo.Generate(demo.Options{Seed: 1, Now: now})
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(w.dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, err := w.runner.ImportPaths(ctx, demo.SourceName, "ocds", paths, nil); err != nil {
		b.Fatal(err)
	}
	of, _ := demo.OwnershipFiles(demo.Options{Seed: 1, Now: now})
	for _, f := range of {
		p := filepath.Join(w.dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
		if _, err := w.entities.ImportPaths(ctx, "demo-"+f.Format, f.Format, nil, []string{p}, nil); err != nil {
			b.Fatal(err)
		}
	}
	j, err := NewRiskJob(RiskConfig{Store: w.store, Clock: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	var rep RiskReport
	for b.Loop() {
		if rep, err = j.RecomputeAll(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(rep.Suppliers), "µs/supplier")
}
