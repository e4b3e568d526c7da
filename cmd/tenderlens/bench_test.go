package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// benchCorpus writes n OCDS releases as JSON Lines in the shape of
// peerbench's corpus (../shared/tools/peerbench/README.md): one release per
// contracting process, buyer and supplier parties, a tender with items, one
// award with a value and a date, mostly a contract; some Cyrillic supplier
// names. It returns the file and a query file with every query kind.
func benchCorpus(t *testing.T, dir string, n int) (corpus, queries string) {
	t.Helper()
	r := rand.New(rand.NewPCG(42, 3))
	words := strings.Fields(`school buses police cameras hospital beds road maintenance snow removal paving asphalt
		software licences medical supplies laboratory equipment cleaning services catering meals textbooks uniforms
		fuel heating electricity water sewage treatment waste collection recycling bridges repairs consulting audit
		training security alarms furniture computers printers paper vehicles ambulances fire engines radios`)
	for i := 0; i < 300; i++ { // pseudo-words, as peerbench draws them
		syl := []string{"kor", "ven", "lum", "tas", "mi", "ber", "gal", "ros", "xan", "dom"}
		words = append(words, syl[r.IntN(10)]+syl[r.IntN(10)]+syl[r.IntN(10)])
	}
	word := func() string { // Zipf-ish: frequent words are frequent
		return words[min(len(words)-1, int(r.ExpFloat64()*40))]
	}
	text := func(lo, hi int) string {
		k := lo + r.IntN(hi-lo+1)
		ws := make([]string, 0, k)
		for i := 0; i < k; i++ {
			if r.IntN(20) == 0 {
				ws = append(ws, "road", "maintenance")
				continue
			}
			ws = append(ws, word())
		}
		return strings.Join(ws, " ")
	}
	currencies := []string{"USD", "UAH", "EUR", "GBP"}
	f, err := os.Create(filepath.Join(dir, "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		ocid := fmt.Sprintf("ocds-bench0-%08d", i)
		b := r.IntN(40)
		s := min(299, int(r.ExpFloat64()*60))
		buyerID, supplierID := fmt.Sprintf("US-B-%05d", b), fmt.Sprintf("S-%06d", s)
		buyerName := fmt.Sprintf("%s County School District", strings.ToUpper(words[b+60][:1])+words[b+60][1:])
		supplierName := fmt.Sprintf("%s Services Inc", strings.ToUpper(words[s%200+60][:1])+words[s%200+60][1:])
		if s%15 == 0 {
			supplierName = fmt.Sprintf("ТОВ «Келтри %d»", s)
		}
		cur := currencies[b%len(currencies)]
		date := time.Date(2015+r.IntN(11), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, 0, time.UTC)
		amount := float64(int64(1000*r.ExpFloat64()*100)) / 100
		items := []map[string]any{}
		for k := 0; k < 2+r.IntN(4); k++ {
			items = append(items, map[string]any{"id": fmt.Sprint(k + 1), "description": text(8, 20),
				"classification": map[string]any{"scheme": "CPV", "id": fmt.Sprintf("%08d", 30000000+r.IntN(100)*1000), "description": word()},
				"quantity":       1 + r.IntN(50), "unit": map[string]any{"name": "unit", "value": map[string]any{"amount": 10.5, "currency": cur}}})
		}
		rel := map[string]any{
			"ocid": ocid, "id": ocid + "-" + date.Format("2006-01-02"), "date": date.Format(time.RFC3339),
			"tag": []string{"tender", "award", "contract"}, "initiationType": "tender", "language": "en",
			"buyer": map[string]any{"id": buyerID, "name": buyerName},
			"parties": []map[string]any{
				{"id": buyerID, "name": buyerName, "identifier": map[string]any{"scheme": "US-GOV", "id": fmt.Sprintf("%05d", b), "legalName": buyerName},
					"address": map[string]any{"locality": "Town", "countryName": "United States"}, "roles": []string{"buyer", "procuringEntity"}},
				{"id": supplierID, "name": supplierName, "identifier": map[string]any{"scheme": "US-REG", "id": fmt.Sprintf("%08d", s), "legalName": supplierName},
					"address": map[string]any{"locality": "City", "countryName": "United States"}, "roles": []string{"supplier"}},
			},
			"tender": map[string]any{"id": ocid + "-tender", "title": text(3, 8), "description": text(30, 120), "status": "complete",
				"procurementMethod": "open", "mainProcurementCategory": "goods", "items": items,
				"value": map[string]any{"amount": amount * 1.1, "currency": cur}},
			"awards": []map[string]any{{"id": ocid + "-award-1", "title": text(2, 5), "description": text(10, 40), "status": "active",
				"date": date.Add(-48 * time.Hour).Format(time.RFC3339), "value": map[string]any{"amount": amount, "currency": cur},
				"suppliers": []map[string]any{{"id": supplierID, "name": supplierName}}}},
		}
		if r.IntN(10) != 0 {
			rel["contracts"] = []map[string]any{{"id": ocid + "-contract-1", "awardID": ocid + "-award-1", "status": "active",
				"value": map[string]any{"amount": amount, "currency": cur}, "dateSigned": date.Format(time.RFC3339)}}
		}
		b2, err := json.Marshal(rel)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b2)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	qs := []benchQuery{
		{Kind: "term", Terms: []string{"hospital"}},
		{Kind: "match2", Terms: []string{"school", "buses"}},
		{Kind: "phrase", Terms: []string{"road", "maintenance"}},
		{Kind: "prefix", Terms: []string{"mai"}},
		{Kind: "filtered", Terms: []string{"police"}, From: "2017-01-01T00:00:00Z", To: "2022-01-01T00:00:00Z", Min: 10, Max: 100000},
		{Kind: "filtered_facet", Terms: []string{"cameras"}, From: "2015-01-01T00:00:00Z", To: "2026-01-01T00:00:00Z", Min: 1, Facets: true},
		{Kind: "term_facet", Terms: []string{"Келтри"}, Facets: true},
		{Kind: "term", Terms: []string{"Schools"}}, // case and stemming
	}
	qb, err := json.Marshal(qs)
	if err != nil {
		t.Fatal(err)
	}
	queries = filepath.Join(dir, "queries.json")
	if err := os.WriteFile(queries, qb, 0o644); err != nil {
		t.Fatal(err)
	}
	return f.Name(), queries
}

// TestBenchSmoke runs tenderlens bench on a small generated corpus and
// checks the output lines (peerbench's format); it fails on errors only,
// never on timings.
func TestBenchSmoke(t *testing.T) {
	const n = 3000
	if testing.Short() {
		t.Skip("imports 3,000 contracts")
	}
	dir := t.TempDir()
	corpus, queries := benchCorpus(t, dir, n)
	data := filepath.Join(dir, "data")
	code, stdout, stderr := runCLI(t, map[string]string{}, "bench", "--corpus", corpus, "--queries", queries, "--data", data, "--passes", "2")
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("stdout line %q is not JSON: %v", l, err)
		}
		if m["engine"] != "tenderlens" {
			t.Errorf("engine %v", m["engine"])
		}
		lines = append(lines, m)
	}
	if len(lines) != 1+len(benchKinds)+1 {
		t.Fatalf("%d lines, want an import line, %d kinds and ALL:\n%s", len(lines), len(benchKinds), stdout)
	}
	imp := lines[0]
	if imp["phase"] != "import" || imp["docs"] != float64(n) || imp["index_docs"] != float64(n) ||
		imp["docs_per_s"].(float64) <= 0 || imp["seconds"].(float64) <= 0 || imp["peak_rss_mb"].(float64) <= 0 {
		t.Errorf("import line %v", imp)
	}
	for i, kind := range append(slices.Clone(benchKinds), "ALL") {
		l := lines[1+i]
		if l["phase"] != "query" || l["kind"] != kind {
			t.Errorf("line %d: %v, want kind %s", 1+i, l, kind)
			continue
		}
		wantN := 2
		switch kind {
		case "term":
			wantN = 4
		case "ALL":
			wantN = 16
		}
		p50, p90, p99 := l["p50_ms"].(float64), l["p90_ms"].(float64), l["p99_ms"].(float64)
		if l["n"] != float64(wantN) || p50 <= 0 || p50 > p90 || p90 > p99 {
			t.Errorf("%s: n %v, p50 %v p90 %v p99 %v", kind, l["n"], p50, p90, p99)
		}
		if kind != "ALL" {
			if h, ok := l["median_hits"].(float64); !ok || h < 1 {
				t.Errorf("%s: median hits %v: the query finds nothing", kind, l["median_hits"])
			}
			if l["stopped"] != nil || l["facets_partial"] != nil {
				t.Errorf("%s: stopped %v, facets partial %v", kind, l["stopped"], l["facets_partial"])
			}
		}
	}
	if !strings.Contains(stderr, "imported 3000 releases") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	// The ALL line keeps the lifetime peak (peerbench's meaning) although
	// the peak is reset for the query phase's own figure.
	if all := lines[len(lines)-1]; all["peak_rss_mb"].(float64) < imp["peak_rss_mb"].(float64) {
		t.Errorf("ALL line peak RSS %v below the import's %v", all["peak_rss_mb"], imp["peak_rss_mb"])
	}
	if runtime.GOOS == "linux" && !strings.Contains(stderr, "peak RSS of the query phase alone") {
		t.Errorf("no query-phase RSS on stderr:\n%s", stderr)
	}

	// The data directory must not be reused; --query-only reuses it.
	if code, _, stderr := runCLI(t, map[string]string{}, "bench", "--corpus", corpus, "--queries", queries, "--data", data); code == 0 || !strings.Contains(stderr, "not empty") {
		t.Errorf("bench into a used data directory: exit %d, %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, map[string]string{}, "bench", "--query-only", "--queries", queries, "--data", data, "--passes", "1", "--per-query", filepath.Join(dir, "q.tsv"))
	if code != 0 || strings.Count(stdout, "\n") != len(benchKinds)+1 {
		t.Fatalf("--query-only: exit %d\n%s\n%s", code, stdout, stderr)
	}
	tsv, err := os.ReadFile(filepath.Join(dir, "q.tsv"))
	if err != nil || bytes.Count(tsv, []byte("\n")) != 1+8 {
		t.Errorf("per-query file: %v\n%s", err, tsv)
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--corpus", "x"},
		{"bench", "--corpus", "x", "--queries", "y"},
		{"bench", "--corpus", "x", "--queries", "y", "--data", "z", "extra"},
	} {
		if code, _, _ := runCLI(t, map[string]string{}, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, map[string]string{}, "bench", "--corpus", filepath.Join(dir, "none.jsonl"), "--queries", filepath.Join(dir, "none.json"), "--data", filepath.Join(dir, "d")); code != 1 || stderr == "" {
		t.Errorf("missing files: exit %d, %s", code, stderr)
	}
}

// TestBenchRequests: each kind of peerbench query becomes the search the
// site would run.
func TestBenchRequests(t *testing.T) {
	dec := func(s string) *procure.Decimal { d, _ := procure.ParseDecimal(s); return &d }
	for _, tt := range []struct {
		q    benchQuery
		want procure.SearchRequest
	}{
		{benchQuery{Kind: "term", Terms: []string{"signals"}}, procure.SearchRequest{Q: "signals"}},
		{benchQuery{Kind: "match2", Terms: []string{"capacity", "youth"}}, procure.SearchRequest{Q: "capacity youth"}},
		{benchQuery{Kind: "phrase", Terms: []string{"municipal", "waste", "recycling"}}, procure.SearchRequest{Q: `"municipal waste recycling"`}},
		{benchQuery{Kind: "prefix", Terms: []string{"sup"}}, procure.SearchRequest{Q: "sup*"}},
		{benchQuery{Kind: "term", Terms: []string{"OR"}}, procure.SearchRequest{Q: `"OR"`}},
		{benchQuery{Kind: "term", Terms: []string{"co-op"}}, procure.SearchRequest{Q: `"co-op"`}},
		{benchQuery{Kind: "term_facet", Terms: []string{"Миист"}, Facets: true}, procure.SearchRequest{Q: "Миист", Facets: true}},
		{benchQuery{Kind: "filtered", Terms: []string{"paving"}, From: "2019-01-01T00:00:00Z", To: "2021-01-01T00:00:00Z", Min: 250000, Max: 10000000},
			procure.SearchRequest{Q: "paving", DateFrom: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), DateTo: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), MinAmount: dec("250000"), MaxAmount: dec("10000000")}},
		{benchQuery{Kind: "filtered_facet", Terms: []string{"quality"}, From: "2019-01-01T00:00:00Z", To: "2020-01-01T00:00:00Z", Min: 10000.5, Facets: true},
			procure.SearchRequest{Q: "quality", DateFrom: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), DateTo: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), MinAmount: dec("10000.5"), Facets: true}},
	} {
		got, err := tt.q.request()
		if err != nil {
			t.Errorf("%+v: %v", tt.q, err)
			continue
		}
		tt.want.Limit, tt.want.Highlight = benchPageSize, true
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
			t.Errorf("%+v:\n got %+v\nwant %+v", tt.q, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 90; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	// Nearest rank on the sorted samples: index round((n-1)*p/100).
	if p50, p90, p99 := percentile(d, 50), percentile(d, 90), percentile(d, 99); p50 != 46 || p90 != 81 || p99 != 89 {
		t.Errorf("p50 %v p90 %v p99 %v", p50, p90, p99)
	}
	if p := percentile(d[:1], 99); p != 1 {
		t.Errorf("one sample: %v", p)
	}
}

// The import paths (bench, import, reindex) share one GC setting; the
// environment wins over it.
func TestTuneGC(t *testing.T) {
	prevPct := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(prevPct); debug.SetMemoryLimit(prevLimit) })

	got := tuneGC(func(string) string { return "" })
	if !strings.HasPrefix(got, "GOGC=200 GOMEMLIMIT=640MiB") {
		t.Errorf("defaults: %q", got)
	}
	if pct := debug.SetGCPercent(-1); pct != importGOGC {
		t.Errorf("GC percent %d, want %d", pct, importGOGC)
	}
	if l := debug.SetMemoryLimit(-1); l != importMemLimit {
		t.Errorf("memory limit %d, want %d", l, importMemLimit)
	}

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	got = tuneGC(func(k string) string { return env[k] })
	if !strings.HasPrefix(got, "GOGC=50 GOMEMLIMIT=1GiB") {
		t.Errorf("from the environment: %q", got)
	}
	if pct := debug.SetGCPercent(-1); pct != 100 {
		t.Errorf("GOGC from the environment was overridden: %d", pct)
	}
}

// The query phase of bench measures the serving heap: it runs with the
// runtime's GC defaults, as serve does, unless the environment says
// otherwise.
func TestServeGC(t *testing.T) {
	prevPct := debug.SetGCPercent(importGOGC)
	prevLimit := debug.SetMemoryLimit(importMemLimit)
	t.Cleanup(func() { debug.SetGCPercent(prevPct); debug.SetMemoryLimit(prevLimit) })

	if got := serveGC(func(string) string { return "" }); got != "GOGC=100 GOMEMLIMIT=off" {
		t.Errorf("defaults: %q", got)
	}
	if pct := debug.SetGCPercent(-1); pct != 100 {
		t.Errorf("GC percent %d, want 100", pct)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory limit %d, want none", l)
	}

	debug.SetGCPercent(importGOGC)
	debug.SetMemoryLimit(importMemLimit)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	if got := serveGC(func(k string) string { return env[k] }); got != "GOGC=50 GOMEMLIMIT=1GiB" {
		t.Errorf("from the environment: %q", got)
	}
	if pct := debug.SetGCPercent(-1); pct != importGOGC {
		t.Errorf("GOGC from the environment was overridden: %d", pct)
	}
	if l := debug.SetMemoryLimit(-1); l != importMemLimit {
		t.Errorf("GOMEMLIMIT from the environment was overridden: %d", l)
	}
}
