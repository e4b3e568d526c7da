package ingest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/bods"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/psc"
	"github.com/tenderlens/tenderlens/data/sanctions"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// The entity import tests run the real parsers into the real store (the
// adapters below mirror cmd/tenderlens/formats_entities.go) and check the
// counts against an independent, naive reading of each shared file.

type realEntityStore struct {
	*store.Store
	failApply int // ApplyEntities call (1-based) that fails
	calls     int
}

func (s *realEntityStore) ApplyEntities(ctx context.Context, runID int64, es []procure.Entity, rs []procure.Relationship) (EntityBatchResult, error) {
	s.calls++
	if s.calls == s.failApply {
		return EntityBatchResult{}, errors.New("disk on fire")
	}
	res, err := s.Store.ApplyEntities(ctx, runID, es, rs)
	return EntityBatchResult{Stored: res.Stored, Unchanged: res.Unchanged, Problems: res.Problems}, err
}

// pkgParser adapts the parser packages in tests.
type pkgParser struct {
	doc    func(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error
	finish func(ctx context.Context, s EntitySink) error
}

func (p pkgParser) Document(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error {
	return p.doc(ctx, r, o, s)
}
func (p pkgParser) Finish(ctx context.Context, s EntitySink) error { return p.finish(ctx, s) }

func sdoc(o ParseOptions) sanctions.Doc {
	return sanctions.Doc{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}
}

type sanctionsParser interface {
	Document(ctx context.Context, r io.Reader, d sanctions.Doc, s sanctions.Sink) error
	Finish(ctx context.Context, s sanctions.Sink) error
}

func fromSanctions(p sanctionsParser) EntityParser {
	return pkgParser{
		doc: func(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error {
			return p.Document(ctx, r, sdoc(o), s)
		},
		finish: func(ctx context.Context, s EntitySink) error { return p.Finish(ctx, s) },
	}
}

func testEntityFormats() map[string]EntityFormat {
	return map[string]EntityFormat{
		"bods": func(string, map[string]string) (EntityParser, error) {
			p := bods.New(bods.Options{})
			return pkgParser{
				doc: func(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error {
					return p.Document(ctx, r, bods.Doc{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, s)
				},
				finish: func(ctx context.Context, s EntitySink) error { return p.Finish(ctx, s) },
			}, nil
		},
		"psc": func(string, map[string]string) (EntityParser, error) {
			p := psc.New()
			return pkgParser{
				doc: func(ctx context.Context, r io.Reader, o ParseOptions, s EntitySink) error {
					return p.Document(ctx, r, psc.Doc{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, s)
				},
				finish: func(ctx context.Context, s EntitySink) error { return p.Finish(ctx, s) },
			}, nil
		},
		"ofac-csv": func(string, map[string]string) (EntityParser, error) {
			return fromSanctions(sanctions.NewOFACCSV()), nil
		},
		"ofac-xml": func(string, map[string]string) (EntityParser, error) {
			return fromSanctions(sanctions.NewOFACXML(sanctions.OFACXMLOptions{})), nil
		},
		"un-xml": func(string, map[string]string) (EntityParser, error) { return fromSanctions(sanctions.NewUN()), nil },
		"eu-xml": func(string, map[string]string) (EntityParser, error) { return fromSanctions(sanctions.NewEU()), nil },
		"ftm": func(string, map[string]string) (EntityParser, error) {
			return fromSanctions(sanctions.NewFtM(sanctions.FtMOptions{})), nil
		},
	}
}

type entityEnv struct {
	st     *store.Store
	es     *realEntityStore
	runner *EntityRunner
}

func newEntityEnv(t *testing.T) *entityEnv { return newEntityEnvB(t) }

func newEntityEnvB(t testing.TB) *entityEnv {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "tenderlens.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	es := &realEntityStore{Store: st}
	r, err := New(RunnerConfig{Store: newFakeStore(), Parsers: map[string]ParseFunc{"ocds": parsePackage}, Compile: fakeCompile})
	if err != nil {
		t.Fatal(err)
	}
	er, err := NewEntityRunner(r, EntityRunnerConfig{Store: es, Formats: testEntityFormats()})
	if err != nil {
		t.Fatal(err)
	}
	return &entityEnv{st: st, es: es, runner: er}
}

func (env *entityEnv) importOK(t *testing.T, name, format string, paths ...string) procure.ImportRun {
	t.Helper()
	run, err := env.runner.ImportPaths(context.Background(), name, format, nil, paths, nil)
	if err != nil {
		t.Fatalf("import %s: %v", format, err)
	}
	return run
}

func (env *entityEnv) counts(t *testing.T) (int, int) {
	t.Helper()
	n, m, err := env.st.EntityCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n, m
}

// ---- independent counts ----

func naiveJSONArray(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// naiveBODS counts distinct entity and relationship records of a BODS file
// as the store keys them: 0.2 statements by statementID; 0.4 entities by
// recordId and relationships by (recordId, statementId), one per version.
func naiveBODS(t *testing.T, path string) (int, int) {
	ents, rels := map[string]bool{}, map[string]bool{}
	for _, s := range naiveJSONArray(t, path) {
		switch {
		case s["statementType"] == "entityStatement" || s["statementType"] == "personStatement":
			ents[s["statementID"].(string)] = true
		case s["statementType"] == "ownershipOrControlStatement":
			rels[s["statementID"].(string)] = true
		case s["recordType"] == "entity" || s["recordType"] == "person":
			ents[s["recordId"].(string)] = true
		case s["recordType"] == "relationship":
			rels[s["recordId"].(string)+"@"+s["statementId"].(string)] = true
		}
	}
	return len(ents), len(rels)
}

func naivePSC(t *testing.T, path string) (int, int) {
	ents, rels := 0, 0
	companies := map[string]bool{}
	for _, r := range naiveJSONArray(t, path) {
		if _, ok := r["CompanyName"]; ok {
			ents++
			continue
		}
		d, _ := r["data"].(map[string]any)
		kind, _ := d["kind"].(string)
		if strings.HasPrefix(kind, "totals#") {
			continue
		}
		rels++
		companies[r["company_number"].(string)] = true
		if strings.HasPrefix(kind, "individual") || strings.HasPrefix(kind, "corporate") || strings.HasPrefix(kind, "legal-person") {
			ents++
		}
	}
	return ents + len(companies), rels
}

func TestEntityImportSharedBODSAndPSC(t *testing.T) {
	root := testenv.SharedData(t, "bods")
	var files []string
	for _, dir := range []string{"standard-examples-0.4", "oo-register-0.2", "gleif-0.2"} {
		m, _ := filepath.Glob(filepath.Join(root, dir, "*.json"))
		files = append(files, m...)
	}
	pscFiles, _ := filepath.Glob(filepath.Join(testenv.SharedData(t, "psc", "companies-house-psc"), "*.json"))
	if len(files) != 15 || len(pscFiles) != 17 {
		t.Fatalf("%d BODS and %d PSC files; want 15 and 17", len(files), len(pscFiles))
	}
	for _, c := range []struct {
		format string
		files  []string
		naive  func(*testing.T, string) (int, int)
	}{{"bods", files, naiveBODS}, {"psc", pscFiles, naivePSC}} {
		for _, f := range c.files {
			t.Run(c.format+"/"+filepath.Base(f), func(t *testing.T) {
				env := newEntityEnv(t)
				run := env.importOK(t, "shared", c.format, f)
				wantE, wantR := c.naive(t, f)
				if n, m := env.counts(t); n != wantE || m != wantR {
					t.Errorf("store holds %d entities, %d relationships; want %d, %d", n, m, wantE, wantR)
				}
				if run.Status != StatusOK || run.Errors != 0 || run.Stored == 0 {
					t.Errorf("run %+v", run)
				}
				// Importing again changes nothing.
				again := env.importOK(t, "shared", c.format, f)
				if again.Stored != 0 || again.Unchanged != again.Read {
					t.Errorf("re-import stored %d, unchanged %d of %d", again.Stored, again.Unchanged, again.Read)
				}
			})
		}
	}
}

func TestEntityImportSharedSanctions(t *testing.T) {
	dir := testenv.SharedData(t, "sanctions")
	countRe := func(path, re string) int {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return len(regexp.MustCompile(re).FindAll(b, -1))
	}
	t.Run("ofac-xml", func(t *testing.T) {
		path := filepath.Join(dir, "ofac-xml", "ofac-consolidated-non-sdn_2018-04-06.xml")
		env := newEntityEnv(t)
		env.importOK(t, "ofac-cons", "ofac-xml", path)
		wantE := countRe(path, `<sdnEntry>`)
		wantR := countRe(path, `Linked To: `) + countRe(path, `<vesselOwner>`)
		if n, m := env.counts(t); n != wantE || m != wantR {
			t.Errorf("store holds %d entities, %d relationships; want %d, %d", n, m, wantE, wantR)
		}
	})
	t.Run("un-xml", func(t *testing.T) {
		path := filepath.Join(dir, "un-sc", "UN_consolidated_2026-02-27.xml")
		env := newEntityEnv(t)
		env.importOK(t, "un", "un-xml", path)
		ind, ents := countRe(path, `<INDIVIDUAL>`), countRe(path, `<ENTITY>`)
		if n, m := env.counts(t); ind != 730 || ents != 273 || n != ind+ents || m != 0 {
			t.Errorf("store holds %d entities, %d relationships; want 730 + 273, 0", n, m)
		}
	})
	t.Run("ftm", func(t *testing.T) {
		for _, name := range []string{"zala_aero_cluster.ftm.jsonl", "eu_fsf_sample.ftm.jsonl"} {
			path := filepath.Join(dir, "opensanctions-ftm", name)
			schemas := map[string]int{}
			b, _ := os.ReadFile(path)
			for _, line := range strings.Split(string(b), "\n") {
				var r struct{ Schema string }
				if json.Unmarshal([]byte(line), &r) == nil {
					schemas[r.Schema]++
				}
			}
			env := newEntityEnv(t)
			env.importOK(t, "os", "ftm", path)
			wantE := schemas["Company"] + schemas["Organization"] + schemas["Person"] + schemas["LegalEntity"]
			wantR := schemas["Ownership"] + schemas["Directorship"] + schemas["Family"]
			if n, m := env.counts(t); n != wantE || m != wantR {
				t.Errorf("%s: store holds %d entities, %d relationships; want %d, %d", name, n, m, wantE, wantR)
			}
			if name == "zala_aero_cluster.ftm.jsonl" && (schemas["Ownership"] != 14 || len(strings.Split(strings.TrimSpace(string(b)), "\n")) != 91) {
				t.Errorf("the zala cluster has %d records and %d Ownership; SOURCES.md says 91 and 14", len(strings.Split(strings.TrimSpace(string(b)), "\n")), schemas["Ownership"])
			}
		}
	})
}

// TestZalaCluster is the acceptance case: Zakharov's companies carry their
// INNs and ownership edges with sources, and Kalashnikov's OGRN in the FtM
// file and in OFAC's sdn.csv (ent_num 16911) make one cluster. It also
// checks the OFAC CSV set's counts through the store.
func TestZalaCluster(t *testing.T) {
	dir := testenv.SharedData(t, "sanctions")
	env := newEntityEnv(t)
	ctx := context.Background()
	readCSV := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, "ofac-sdn-csv", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord, r.LazyQuotes = -1, true
		rows, _ := r.ReadAll()
		return rows
	}
	{
		sdn := readCSV("sdn.csv")
		comments := map[string]string{}
		for _, r := range readCSV("sdn_comments.csv") {
			if len(r) == 2 {
				comments[r[0]] += r[1]
			}
		}
		links := 0
		for _, r := range sdn {
			links += strings.Count(r[11]+comments[r[0]], "Linked To: ")
			if strings.TrimSpace(r[10]) != "-0-" {
				links++
			}
		}
		run := env.importOK(t, "ofac", "ofac-csv", filepath.Join(dir, "ofac-sdn-csv")) // the directory: the set
		if n, m := env.counts(t); n != len(sdn) || n != 7379 || m != links {
			t.Errorf("store holds %d entities, %d relationships; want %d (7379), %d", n, m, len(sdn), links)
		}
		if run.Errors != 0 || run.Warnings == 0 {
			t.Errorf("run %+v", run)
		}
	}
	env.importOK(t, "opensanctions", "ftm", filepath.Join(dir, "opensanctions-ftm", "zala_aero_cluster.ftm.jsonl"))

	zakharov := "opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"
	kalashnikov := "opensanctions:NK-nR5AXM9AVPq4pQaSPSaVam"
	for inn, share := range map[string]float64{"5920040846": 100, "9715374145": 75} {
		es, err := env.st.EntitiesByIdentifier(ctx, "RU-INN-"+inn)
		if err != nil || len(es) != 1 {
			t.Fatalf("RU-INN-%s: %v, %v", inn, es, err)
		}
		owners, err := env.st.OwnersOf(ctx, es[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range owners {
			if r.Owner == zakharov && r.Kind == procure.RelOwnership && r.Share.Min == share && r.Share.Max == share {
				found = true
				if r.Provenance.RecordID == "" || r.Provenance.SHA256 == "" || r.Provenance.URL == "" || r.Provenance.RetrievedAt.IsZero() ||
					!strings.HasPrefix(r.Provenance.License, "CC-BY-NC-4.0") || r.StartDate == "" {
					t.Errorf("edge without full provenance: %+v", r)
				}
			}
		}
		if !found {
			t.Errorf("no %g %% ownership edge from Zakharov to INN %s: %v", share, inn, owners)
		}
	}
	// LLC CST is 49 % owned by Kalashnikov, found from the OFAC record of
	// Kalashnikov through the cluster.
	holdings, err := env.st.HoldingsOf(ctx, "ofac:16911")
	if err != nil {
		t.Fatal(err)
	}
	found49 := false
	for _, r := range holdings {
		if r.Owner == kalashnikov && r.Asset == "opensanctions:NK-abdzbEBkqyT29GyREbiURZ" && r.Share.Min == 49 {
			found49 = true
		}
	}
	if !found49 {
		t.Errorf("the 49 %% Kalashnikov → CST edge is not among the holdings of ofac:16911: %v", holdings)
	}
	cluster, err := env.st.Cluster(ctx, "ofac:16911")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cluster, ",") != "ofac:16911,"+kalashnikov {
		t.Errorf("Kalashnikov cluster %v", cluster)
	}
	byOGRN, _ := env.st.EntitiesByIdentifier(ctx, "RU-OGRN-1111832003018")
	if len(byOGRN) != 2 {
		t.Errorf("RU-OGRN-1111832003018 held by %d records; want 2 (FtM and OFAC)", len(byOGRN))
	}
	// The sanctioned owner is sanctioned; its companies are not.
	z, err := env.st.Entity(ctx, zakharov)
	if err != nil || !z.Sanctioned() {
		t.Errorf("Zakharov %+v, %v", z, err)
	}
	cands, err := env.st.EntityCandidates(ctx, "Калашников Концерн", 5)
	if err != nil || len(cands) == 0 {
		t.Fatalf("candidates %v, %v", cands, err)
	}
	ids := map[string]bool{}
	for _, c := range cands {
		ids[c.ID] = true
	}
	if !ids["ofac:16911"] {
		t.Errorf("a Cyrillic query does not find the OFAC record: %v", cands)
	}
}

func TestEntityRunFailures(t *testing.T) {
	dir := testenv.SharedData(t, "sanctions")
	env := newEntityEnv(t)
	ctx := context.Background()
	zala := filepath.Join(dir, "opensanctions-ftm", "zala_aero_cluster.ftm.jsonl")
	env.importOK(t, "opensanctions", "ftm", zala)
	before, beforeR := env.counts(t)

	// The store fails on the second batch of an OFAC import: the run fails,
	// the first batch stays committed, and nothing earlier is altered.
	env.runner.cfg.BatchSize = 300
	env.es.calls, env.es.failApply = 0, 2
	run, err := env.runner.ImportPaths(ctx, "ofac", "ofac-csv", nil, []string{filepath.Join(dir, "ofac-sdn-csv")}, nil)
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "disk on fire") {
		t.Fatalf("failing store: %+v, %v", run, err)
	}
	if n, m := env.counts(t); n+m != before+beforeR+300 {
		t.Errorf("after the failed run the store holds %d records; want %d (earlier data + the committed batch of 300)", n+m, before+beforeR+300)
	}
	if e, err := env.st.Entity(ctx, "opensanctions:ru-inn-5920040846"); err != nil || e.Name == "" {
		t.Errorf("earlier data altered: %+v, %v", e, err)
	}
	rec, err := env.st.Run(ctx, run.ID)
	if err != nil || rec.Status != StatusFailed {
		t.Errorf("recorded run %+v, %v", rec, err)
	}
	env.es.failApply = 0

	// A set without sdn.csv cannot be read: failed, nothing stored.
	n0, r0 := env.counts(t)
	run, err = env.runner.ImportPaths(ctx, "ofac2", "ofac-csv", nil, []string{filepath.Join(dir, "ofac-sdn-csv", "add.csv")}, nil)
	if err == nil || run.Status != StatusFailed {
		t.Errorf("add.csv alone: %+v, %v", run, err)
	}
	if n, m := env.counts(t); n != n0 || m != r0 {
		t.Errorf("a failed run changed the store: %d/%d → %d/%d", n0, r0, n, m)
	}

	// One missing input of two: partial, the other is imported.
	run, err = env.runner.ImportPaths(ctx, "un", "un-xml", nil, []string{filepath.Join(dir, "un-sc", "UN_consolidated_2026-02-27.xml"), "/nonexistent/list.xml"}, nil)
	if err == nil || run.Status != StatusPartial || run.Stored != 1003 {
		t.Errorf("one bad input: %+v, %v", run, err)
	}
	// Unknown format.
	if _, err := env.runner.ImportPaths(ctx, "x", "nope", nil, []string{zala}, nil); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
	// The located problems of a run are recorded.
	run = env.importOK(t, "opensanctions", "ftm", zala)
	rec, _ = env.st.Run(ctx, run.ID)
	dangling := 0
	for _, p := range rec.Problems {
		if p.Code == "ftm-dangling-address" && p.Location.File == zala && p.Location.Line > 0 {
			dangling++
		}
	}
	if dangling != 16 || run.Stored != 0 {
		t.Errorf("re-import: stored %d, %d located dangling-address warnings (want 0, 16)", run.Stored, dangling)
	}
}

func TestEntityRunnerLockAndProgress(t *testing.T) {
	env := newEntityEnv(t)
	// The entity runner shares the release runner's lock and running set.
	release, err := env.runner.r.acquire(context.Background(), "busy")
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.runner.ImportPaths(context.Background(), "busy", "ftm", nil, []string{"x"}, nil)
	release()
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("same source while running: %v", err)
	}
	path := testenv.SharedData(t, "sanctions", "opensanctions-ftm", "eu_fsf_sample.ftm.jsonl")
	var last Progress
	_, err = env.runner.ImportPaths(context.Background(), "os", "ftm", nil, []string{path}, func(p Progress) { last = p })
	if err != nil || last.Records == 0 || last.Bytes == 0 || last.Bytes != last.TotalBytes {
		t.Errorf("progress %+v, %v", last, err)
	}
	// A configured (scheduled) source.
	run, err := env.runner.Run(context.Background(), SourceConfig{Name: "eu-fsf-os", Format: "ftm", Location: path})
	if err != nil || run.Status != StatusOK || run.Unchanged != run.Read {
		t.Errorf("scheduled run %+v, %v", run, err)
	}
	if _, err := env.runner.Run(context.Background(), SourceConfig{Name: "none", Format: "ftm"}); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("source without location: %v", err)
	}
	if got := env.runner.Formats(); len(got) != 7 || !env.runner.HasFormat("ofac-csv") {
		t.Errorf("formats %v", got)
	}
	if got := splitLocations("https://a/sdn.csv https://a/add.csv"); len(got) != 2 {
		t.Errorf("splitLocations %v", got)
	}
	if got := splitLocations("/path with spaces/sdn.csv"); len(got) != 1 {
		t.Errorf("splitLocations %v", got)
	}
}

// BenchmarkEntityImportOFAC measures a whole OFAC CSV import (7,379
// entries and their links) into a fresh store.
func BenchmarkEntityImportOFAC(b *testing.B) {
	dir := testenv.SharedData(b, "sanctions", "ofac-sdn-csv")
	for b.Loop() {
		env := newEntityEnvB(b)
		if _, err := env.runner.ImportPaths(context.Background(), "ofac", "ofac-csv", nil, []string{dir}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
