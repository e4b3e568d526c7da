package indexer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
)

// Benchmarks on a generated corpus (corpus_test.go): about 4.3 KB of JSON and
// 2.7 KB of searchable text per contract, six languages.
//
//	go test ./indexer -run '^$' -bench 'Index|Rebuild' -benchtime 20000x
//	go test ./indexer -run '^$' -bench Search -benchtime 300x
//
// BENCH_DOCS sets the size of the search corpus (default 20000).

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func dirBytes(p string) int64 {
	var n int64
	filepath.Walk(p, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// indexBytesPerDoc closes ix, reopens the directory (which drops files no
// longer referenced) and returns the index size per document.
func indexBytesPerDoc(b *testing.B, ix *Index, dir string, docs int) float64 {
	ix.Close()
	ix2, err := Open(context.Background(), Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		b.Fatal(err)
	}
	ix2.Close()
	return float64(dirBytes(dir)) / float64(docs)
}

// BenchmarkIndex measures Index (the import path): b.N contracts in calls of
// 1,000.
func BenchmarkIndex(b *testing.B) {
	cs := newCorpus(1).take(b.N)
	dir := b.TempDir()
	ix, err := Open(context.Background(), Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < len(cs); i += 1000 {
		if err := storeAndIndex(context.Background(), ix, cs[i:min(i+1000, len(cs))]); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "contracts/s")
	b.ReportMetric(indexBytesPerDoc(b, ix, dir, b.N), "B/contract")
}

// BenchmarkRebuild measures Rebuild (reindex from the store): streaming,
// verification and the force-merge.
func BenchmarkRebuild(b *testing.B) {
	cs := newCorpus(1).take(b.N)
	dir := b.TempDir()
	ix, err := Open(context.Background(), Config{Dir: dir, Contracts: testStore(dir)})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if err := ix.Rebuild(context.Background(), feed(cs)); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "contracts/s")
	b.ReportMetric(indexBytesPerDoc(b, ix, dir, b.N), "B/contract")
}

var (
	benchOnce sync.Once
	benchDir  string
	benchIx   *Index
	benchCS   []procure.Contract
)

func benchIndex(b *testing.B) *Index {
	benchOnce.Do(func() {
		n := 20000
		if s := os.Getenv("BENCH_DOCS"); s != "" {
			fmt.Sscan(s, &n)
		}
		benchCS = newCorpus(1).take(n)
		var err error
		benchDir, err = os.MkdirTemp("", "indexer-bench-")
		if err != nil {
			b.Fatal(err)
		}
		// Generous time boxes: the benchmark measures the cost, not the cut.
		benchIx, err = Open(context.Background(), Config{Dir: benchDir, Contracts: testStore(benchDir), SearchTimeout: 30 * time.Second, FacetCacheSize: -1})
		if err != nil {
			b.Fatal(err)
		}
		if err := benchIx.Rebuild(context.Background(), feed(benchCS)); err != nil {
			b.Fatal(err)
		}
	})
	if benchIx == nil {
		b.Fatal("no bench index")
	}
	return benchIx
}

// benchQueries derives queries of one kind from the corpus, deterministically.
func benchQueries(kind string) []procure.SearchRequest {
	r := rand.New(rand.NewPCG(42, 7))
	var out []procure.SearchRequest
	word := func() (string, int) {
		for {
			li := r.IntN(len(corpusLangs))
			l := corpusLangs[li]
			w := l.words[r.IntN(min(len(l.words), 40))]
			if !anyStop[fold(w)] && len([]rune(w)) >= 2 && (kind != "prefix" || len([]rune(w)) >= 4) {
				return w, li
			}
		}
	}
	for i := 0; len(out) < 30; i++ {
		var req procure.SearchRequest
		switch kind {
		case "term":
			req.Q, _ = word()
		case "and":
			w1, li := word()
			w2 := corpusLangs[li].words[r.IntN(min(len(corpusLangs[li].words), 40))]
			if anyStop[fold(w2)] || w2 == w1 {
				continue
			}
			req.Q = w1 + " " + w2
		case "phrase":
			// Two adjacent words of a title.
			c := benchCS[r.IntN(len(benchCS))]
			var ws []string
			cut(c.Title, func(p piece) {
				if !p.cjk && !anyStop[fold(p.text)] {
					ws = append(ws, p.text)
				}
			})
			if len(ws) < 2 {
				continue
			}
			k := r.IntN(len(ws) - 1)
			req.Q = `"` + ws[k] + " " + ws[k+1] + `"`
		case "prefix":
			w, _ := word()
			rs := []rune(w)
			req.Q = string(rs[:min(len(rs), 3+r.IntN(2))]) + "*"
		case "filtered":
			req.Q, _ = word()
			y := 2015 + r.IntN(9)
			req.DateFrom = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			req.DateTo = req.DateFrom.AddDate(1+r.IntN(3), 0, 0)
			req.MinAmount = ptr(procure.DecimalFromInt(int64(10000 * (1 + r.IntN(5)))))
			req.MaxAmount = ptr(procure.DecimalFromInt(int64(1000000 * (1 + r.IntN(5)))))
		case "faceted":
			req.Q, _ = word()
			req.Facets = true
		case "filtered+facets":
			req.Q, _ = word()
			y := 2015 + r.IntN(9)
			req.DateFrom = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			req.DateTo = req.DateFrom.AddDate(1+r.IntN(3), 0, 0)
			req.MinAmount = ptr(procure.DecimalFromInt(10000))
			req.Facets = true
		case "browse":
			// No words: newest first, one filter, first page with facets.
			req.Country = []string{[]string{"UA", "CL", "GB", "MD", "TW"}[r.IntN(5)]}
			req.Facets = i%2 == 0
		case "browse-all":
			req.Facets = true
		}
		req.Highlight = true
		out = append(out, req)
	}
	return out
}

func BenchmarkSearch(b *testing.B) {
	for _, kind := range []string{"term", "and", "phrase", "prefix", "filtered", "faceted", "filtered+facets", "browse", "browse-all", "browse-all-cached"} {
		cached := kind == "browse-all-cached"
		kind := strings.TrimSuffix(kind, "-cached")
		b.Run(kind+map[bool]string{true: "-cached"}[cached], func(b *testing.B) {
			ix := benchIndex(b)
			qs := benchQueries(kind)
			// Warm up.
			for _, q := range qs {
				if _, err := ix.Search(context.Background(), q); err != nil {
					b.Fatalf("%+v: %v", q, err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			hits := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := qs[i%len(qs)]
				if !cached {
					ix.writes.Add(1) // a new facet cache key: measure the counting
				}
				start := time.Now()
				res, err := ix.Search(context.Background(), q)
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatalf("%+v: %v", q, err)
				}
				if q.Facets && res.FacetsPartial {
					b.Fatalf("%+v: facets partial", q)
				}
				hits += res.Total
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
			if testing.Verbose() {
				b.Logf("%s: %d docs, example %q", kind, len(benchCS), strings.TrimSpace(qs[0].Q))
			}
		})
	}
}

// BenchmarkIndexFile measures Index alone (no store) on the contracts of a
// file, in calls of BENCH_CALL contracts (default 500, the import's batch),
// as an import does. The file is BENCH_CONTRACTS, JSON lines of
// procure.Contract, or BENCH_CORPUS, OCDS releases (as peerbench's corpus),
// each read and compiled as the import does (data/ocds); skipped without
// either. The file is streamed, so memory stays bounded at any size.
// Reading it is timed in a pass of its own and reported as
// read-cpu-ms/contract; index-cpu-ms/contract is the process's CPU per
// contract during the indexing pass less that. Run it with -benchtime 1x:
//
//	BENCH_CORPUS=corpus.jsonl go test ./indexer -run '^$' -bench IndexFile -benchtime 1x -timeout 1h
func BenchmarkIndexFile(b *testing.B) {
	path, ocdsCorpus := os.Getenv("BENCH_CONTRACTS"), false
	if path == "" {
		path, ocdsCorpus = os.Getenv("BENCH_CORPUS"), true
	}
	if path == "" {
		b.Skip("neither BENCH_CONTRACTS nor BENCH_CORPUS is set")
	}
	call := 500
	if s := os.Getenv("BENCH_CALL"); s != "" {
		fmt.Sscan(s, &call)
	}
	batch := 0
	if s := os.Getenv("BENCH_BATCH"); s != "" {
		fmt.Sscan(s, &batch)
	}
	each := func(fn func([]procure.Contract)) int {
		if ocdsCorpus {
			return eachCompiled(b, path, call, fn)
		}
		return eachContract(b, path, call, fn)
	}
	cpu0 := processCPU()
	n := each(func([]procure.Contract) {})
	readCPU := processCPU() - cpu0
	for range b.N {
		dir := b.TempDir()
		ix, err := Open(context.Background(), Config{Dir: dir, BatchSize: batch})
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := processCPU()
		start := time.Now()
		each(func(cs []procure.Contract) {
			if err := ix.Index(context.Background(), cs); err != nil {
				b.Fatal(err)
			}
		})
		el := time.Since(start)
		cpu := processCPU() - cpu0
		perDoc := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(n) }
		b.ReportMetric(float64(n)/el.Seconds(), "contracts/s")
		b.ReportMetric(perDoc(cpu), "cpu-ms/contract")
		b.ReportMetric(perDoc(readCPU), "read-cpu-ms/contract")
		b.ReportMetric(perDoc(cpu-readCPU), "index-cpu-ms/contract")
		b.ReportMetric(indexBytesPerDoc(b, ix, dir, n), "B/contract")
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// chunker hands contracts to fn, call at a time.
type chunker struct {
	call int
	fn   func([]procure.Contract)
	cs   []procure.Contract
	n    int
}

func (k *chunker) add(c procure.Contract) {
	k.cs = append(k.cs, c)
	if len(k.cs) == k.call {
		k.flush()
	}
}

func (k *chunker) flush() int {
	if len(k.cs) > 0 {
		k.fn(k.cs)
		k.n += len(k.cs)
		k.cs = make([]procure.Contract, 0, k.call)
	}
	return k.n
}

// eachContract streams a JSON Lines file of procure.Contract to fn and
// returns the number of contracts.
func eachContract(tb testing.TB, path string, call int, fn func([]procure.Contract)) int {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	k := &chunker{call: call, fn: fn}
	for {
		var c procure.Contract
		if err := dec.Decode(&c); err == io.EOF {
			return k.flush()
		} else if err != nil {
			tb.Fatalf("%s: contract %d: %v", path, k.n+len(k.cs)+1, err)
		}
		k.add(c)
	}
}

// eachCompiled streams the releases of an OCDS file, each compiled on its
// own as the import compiles a new contract, to fn and returns the number
// of contracts. A release that cannot be read or compiled fails the
// benchmark.
func eachCompiled(tb testing.TB, path string, call int, fn func([]procure.Contract)) int {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	k := &chunker{call: call, fn: fn}
	_, err = ocds.Read(context.Background(), bufio.NewReaderSize(f, 1<<20), ocds.Options{URL: path}, func(r procure.SourceRelease) error {
		comp, err := ocds.Compile(r.OCID, []procure.SourceRelease{r})
		if err != nil {
			return fmt.Errorf("%s: %w", r.OCID, err)
		}
		comp.Contract.OCID = r.OCID
		k.add(comp.Contract)
		return nil
	}, func(p procure.Problem) {
		if p.Severity == procure.SevError { // a record that would not be indexed
			tb.Fatalf("%s: line %d: %s", path, p.Location.Line, p.Message)
		}
	})
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return k.flush()
}

// processCPU is the CPU time the process used so far (user + system).
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// BenchmarkAnalyze measures building and analysing the index document of a
// contract (what bleve's analysis workers run per document), without
// bleve's segment building.
//
//	go test ./indexer -run '^$' -bench Analyze -benchtime 20000x
func BenchmarkAnalyze(b *testing.B) {
	cs := newCorpus(1).take(min(b.N, 20000))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := buildDocument(&cs[i%len(cs)])
		if err != nil {
			b.Fatal(err)
		}
		doc.VisitFields(func(f index.Field) { f.Analyze() })
	}
}
