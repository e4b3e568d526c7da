package main

// tenderlens bench: the project's side of ../shared/tools/peerbench (issue 3).
//
//	tenderlens bench --corpus FILE --queries FILE --data DIR [--passes 3]
//	                 [--query-only] [--cached-facets] [--pages=false]
//	                 [--slowest N] [--per-query FILE]
//	                 [--cpuprofile PREFIX] [--memprofile FILE]
//
// It imports a JSON Lines corpus of OCDS releases into an empty data
// directory through the real import path (build → ingest.Runner → ocds.Read
// → store.ApplyBatch → indexer.Index), then runs a peerbench query file
// through the real search path (indexer.Search with the SearchRequest the
// site builds), and prints peerbench's JSON result lines on stdout, with a
// few extra fields (index size, CPU time, searches stopped, Go heap) that
// consumers ignore. Progress, the slowest queries and the agency and
// supplier page figures go to stderr. It exits non-zero on any failure.
//
// What is timed:
//
//   - import: from the start of the import run (the corpus file is opened by
//     it) until the run returns: every batch committed to SQLite
//     (synchronous=FULL) and every contract in the search index (bleve
//     returns once the batch is persisted), i.e. stored durably and
//     searchable;
//   - queries: one untimed warm-up pass, then --passes timed passes, one
//     request at a time, in-process, on the index reopened as serve opens
//     it. Each request is a first results page: top 10 by relevance with
//     the display fields, highlights, the exact total, and for faceted
//     kinds all of the site's facets (buyers — the top entries — and years
//     among them). A search stopped at the deadline (2 s) counts with its
//     latency and is reported on stderr and in the line's "stopped" field.
//
// Facets are measured at their full cost: the site serves a repeated
// search's facets from a cache (per index generation and write), the
// benchmark disables it, because peerbench's peers compute both facets on
// every request (--cached-facets measures with the cache).
//
// Garbage collector: unless GOGC or GOMEMLIMIT are set in the environment,
// bench (like import and reindex, see tuneGC) runs with GOGC=200 and a
// 640 MiB soft memory limit, which halve the collector's share of an
// import's CPU without letting the heap grow past the limit. The query
// phase runs with the runtime's defaults, as serve does (serveGC), so its
// Go heap figure is the serving heap's.
//
// The full measurement (issue 3) is, from the project checkout on an
// otherwise idle machine with about 15 GB free in $TMPDIR:
//
//	../shared/tools/peerbench/compare -n 1000000
//
// (hours: the peers import too). To look into the project alone, generate
// the corpus once and run bench directly:
//
//	go build -o /tmp/pb ../shared/tools/peerbench
//	/tmp/pb gen -n 1000000 -seed 42 -out /tmp/c1m.jsonl
//	/tmp/pb queries -corpus /tmp/c1m.jsonl -n 210 -seed 7 -out /tmp/q1m.json
//	go build -o /tmp/tl ./cmd/tenderlens
//	/usr/bin/time -v /tmp/tl bench --corpus /tmp/c1m.jsonl --queries /tmp/q1m.json \
//	    --data /tmp/tl-data --per-query /tmp/q1m.tsv --cpuprofile /tmp/tl1m
//	/tmp/tl bench --query-only --queries /tmp/q1m.json --data /tmp/tl-data   # queries again
//	go tool pprof -top /tmp/tl /tmp/tl1m-import.pprof

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/tenderlens/tenderlens/data/ingest"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/indexer"
)

// benchQuery is one entry of a peerbench query file.
type benchQuery struct {
	Kind   string   `json:"kind"`
	Terms  []string `json:"terms"`
	From   string   `json:"from,omitempty"`
	To     string   `json:"to,omitempty"`
	Min    float64  `json:"min,omitempty"`
	Max    float64  `json:"max,omitempty"`
	Facets bool     `json:"facets"`
}

// benchKinds is the order of the query lines (peerbench README).
var benchKinds = []string{"term", "match2", "phrase", "prefix", "filtered", "filtered_facet", "term_facet"}

// benchEngine is the engine name on every result line.
const benchEngine = "tenderlens"

// benchPageSize is the number of hits per request: peerbench's top 10.
const benchPageSize = 10

type benchImportLine struct {
	Engine    string  `json:"engine"`
	Phase     string  `json:"phase"`
	Docs      int     `json:"docs"`
	Seconds   float64 `json:"seconds"`
	DocsPerS  float64 `json:"docs_per_s"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// Extra figures (consumers ignore fields they do not know).
	IndexMB        float64 `json:"index_mb"`
	IndexKBPerDoc  float64 `json:"index_kb_per_doc"`
	StoreMB        float64 `json:"store_mb"`
	CPUSeconds     float64 `json:"cpu_s"`
	GCCPUFraction  float64 `json:"gc_cpu_fraction"`
	IndexDocuments uint64  `json:"index_docs"`
}

type benchQueryLine struct {
	Engine     string   `json:"engine"`
	Phase      string   `json:"phase"`
	Kind       string   `json:"kind"`
	N          int      `json:"n"`
	P50        float64  `json:"p50_ms"`
	P90        float64  `json:"p90_ms"`
	P99        float64  `json:"p99_ms"`
	MedianHits *int64   `json:"median_hits,omitempty"`
	PeakRSSMB  *float64 `json:"peak_rss_mb,omitempty"`
	// Extra figures.
	Max           float64 `json:"max_ms"`
	Stopped       int     `json:"stopped,omitempty"`        // searches stopped at the deadline
	FacetsPartial int     `json:"facets_partial,omitempty"` // pages answered without complete facets
	HeapMB        float64 `json:"go_heap_mb,omitempty"`     // Go heap in use at the end (ALL line)
}

// benchOptions are the flags of the bench command.
type benchOptions struct {
	corpus, queries, data string
	passes                int
	cachedFacets          bool
	cpuProfile            string // prefix: PREFIX-import.pprof, PREFIX-query.pprof
	memProfile            string // heap profile at the end of the import
	keep                  bool
	queryOnly             bool          // skip the import: query a data directory an earlier bench filled
	slowest               int           // list this many slowest queries on stderr
	perQuery              string        // write each query's hits and median latency here (TSV)
	pages                 bool          // also measure the agency and supplier pages
	serveGC               func() string // sets the query phase's GC as serve has it
}

// cmdBench measures import and search on a peerbench corpus (see issue 3).
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o benchOptions
	fs.StringVar(&o.corpus, "corpus", "", "JSON Lines file of OCDS releases (peerbench gen)")
	fs.StringVar(&o.queries, "queries", "", "query file (peerbench queries)")
	fs.StringVar(&o.data, "data", "", "empty or new data directory to import into")
	fs.IntVar(&o.passes, "passes", 3, "timed passes over the queries (after one untimed warm-up pass)")
	fs.BoolVar(&o.cachedFacets, "cached-facets", false, "let repeated searches use the facet cache, as the site does (default: count the facets of every request)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write CPU profiles to PREFIX-import.pprof and PREFIX-query.pprof")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile taken at the end of the import to this file")
	fs.BoolVar(&o.keep, "keep", true, "keep the data directory afterwards (false: remove what bench created)")
	fs.BoolVar(&o.queryOnly, "query-only", false, "skip the import and only run the queries, on a data directory an earlier bench filled")
	fs.IntVar(&o.slowest, "slowest", 10, "list the N slowest queries (median of the timed passes) on stderr")
	fs.BoolVar(&o.pages, "pages", true, "also measure the agency and supplier pages' store reads (figures on stderr)")
	fs.StringVar(&o.perQuery, "per-query", "", "write every query's kind, hits, median latency and search text to this file (TSV, in query file order)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if o.queryOnly && o.queries != "" && o.data != "" && fs.NArg() == 0 && o.passes >= 1 {
		o.keep = true
	} else if o.corpus == "" || o.queries == "" || o.data == "" || fs.NArg() > 0 || o.passes < 1 {
		return exitError{code: 2, msg: "usage: tenderlens bench --corpus FILE --queries FILE --data DIR [--passes N]"}
	}
	fmt.Fprintln(stderr, "bench:", tuneGC(env))
	o.serveGC = func() string { return serveGC(env) }
	return runBench(ctx, o, stdout, stderr)
}

// GC tuning of the long import paths (bench, import, reindex). Indexing
// allocates heavily and keeps little: with the default GOGC=100 the
// collector runs every few megabytes of allocation and takes about a tenth
// of the CPU. GOGC=200 lets the heap grow to three times the live data
// between collections; the soft limit (GOMEMLIMIT) makes the collector run
// earlier whenever the heap approaches it, so memory stays bounded on a
// small machine. A large import keeps about 400–500 MiB live (batches in
// flight, bleve's segments being built): at a 512 MiB limit the collector
// took 8–9 % of the CPU of a 400,000-contract import, at 640 MiB 5 %
// (436–483 against 398 CPU s), for about 100 MiB more peak RSS. The
// process's other memory (SQLite's page caches, the memory-mapped index)
// is outside the Go heap and not governed by it.
const (
	importGOGC     = 200
	importMemLimit = 640 << 20
)

// tuneGC applies importGOGC and importMemLimit unless GOGC or GOMEMLIMIT is
// set in the environment (the runtime has applied those already), and
// describes the settings in effect. bench, import and reindex call it (the
// same indexing); serve does not.
func tuneGC(env func(string) string) string {
	gogc, limit := env("GOGC"), env("GOMEMLIMIT")
	if gogc == "" {
		debug.SetGCPercent(importGOGC)
		gogc = strconv.Itoa(importGOGC)
	}
	if limit == "" {
		debug.SetMemoryLimit(importMemLimit)
		limit = fmt.Sprintf("%dMiB", importMemLimit>>20)
	}
	return fmt.Sprintf("GOGC=%s GOMEMLIMIT=%s GOMAXPROCS=%d", gogc, limit, runtime.GOMAXPROCS(0))
}

// serveGC puts the collector back to the runtime's defaults (GOGC=100, no
// memory limit), as serve runs, unless GOGC or GOMEMLIMIT is set in the
// environment, and describes the settings in effect. The query phase of
// bench calls it: its Go heap figure is the serving heap, and under the
// import's GOGC=200 the heap in use may grow to three times what is live
// rather than two.
func serveGC(env func(string) string) string {
	gogc, limit := env("GOGC"), env("GOMEMLIMIT")
	if gogc == "" {
		debug.SetGCPercent(100)
		gogc = "100"
	}
	if limit == "" {
		debug.SetMemoryLimit(math.MaxInt64)
		limit = "off"
	}
	return fmt.Sprintf("GOGC=%s GOMEMLIMIT=%s", gogc, limit)
}

func runBench(ctx context.Context, o benchOptions, stdout, stderr io.Writer) (err error) {
	queries, err := loadBenchQueries(o.queries)
	if err != nil {
		return err
	}
	if o.queryOnly {
		if _, err := os.Stat(filepath.Join(o.data, "tenderlens.db")); err != nil {
			return fmt.Errorf("bench: --query-only needs a data directory filled by an earlier bench: %w", err)
		}
	} else if fi, err := os.Stat(o.corpus); err != nil {
		return fmt.Errorf("bench: corpus: %w", err)
	} else if fi.IsDir() {
		return fmt.Errorf("bench: corpus %s is a directory, not a JSON Lines file", o.corpus)
	}
	if ents, err := os.ReadDir(o.data); o.queryOnly {
	} else if err == nil && len(ents) > 0 {
		return fmt.Errorf("bench: the data directory %s is not empty; bench imports into a new or empty directory", o.data)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("bench: data directory: %w", err)
	}
	created := false
	if _, err := os.Stat(o.data); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	if !o.keep {
		defer func() {
			if created {
				os.RemoveAll(o.data)
			} else {
				ents, _ := os.ReadDir(o.data)
				for _, e := range ents {
					os.RemoveAll(filepath.Join(o.data, e.Name()))
				}
			}
		}()
	}
	say := func(format string, args ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", args...) }

	cfg := defaultConfig()
	cfg.Data = o.data
	if err := cfg.validate(); err != nil {
		return err
	}
	a, err := build(ctx, cfg, buildOptions{Purpose: "bench", Logger: newLogger(io.Discard)})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer func() {
		if cerr := a.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("bench: close: %w", cerr)
		}
	}()

	if !o.queryOnly {
		if err := benchImport(ctx, a, o, stdout, say); err != nil {
			return err
		}
	}
	return benchQueries(ctx, a, o, cfg, queries, stdout, say)
}

// benchImport imports the corpus and prints the import line.
func benchImport(ctx context.Context, a *App, o benchOptions, stdout io.Writer, say func(string, ...any)) error {
	stopProfile, err := startCPUProfile(o.cpuProfile, "import")
	if err != nil {
		return err
	}
	var lastLog time.Time
	progress := func(p ingest.Progress) {
		if p.Phase != "" {
			say("importing: %d read, %d stored, %s", p.Records, p.Stored, p.Phase)
			return
		}
		if time.Since(lastLog) >= 5*time.Second {
			lastLog = time.Now()
			say("importing: %d read, %d stored, %.0f%% of the file", p.Records, p.Stored, 100*float64(p.Bytes)/math.Max(1, float64(p.TotalBytes)))
		}
	}
	cpu0 := cpuTime()
	start := time.Now()
	run, ierr := a.runner.ImportPaths(ctx, "bench", "ocds", []string{o.corpus}, progress)
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	stopProfile()
	if ierr != nil {
		return fmt.Errorf("bench: import: %w", ierr)
	}
	if run.Errors > 0 {
		return fmt.Errorf("bench: import: %d records could not be imported (first problems: %s)", run.Errors, firstProblems(run.Problems, 3))
	}
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}
	contracts, err := a.store.ContractCount(ctx)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	docs, err := a.index.DocCount()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if docs != uint64(contracts) {
		return fmt.Errorf("bench: after the import the index holds %d contracts and the store %d", docs, contracts)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	indexBytes := dirSize(a.dir.IndexPath())
	storeBytes := dirSize(a.dir.StorePath()) + dirSize(a.dir.StorePath()+"-wal")
	il := benchImportLine{
		Engine: benchEngine, Phase: "import", Docs: run.Stored,
		Seconds:        round3(elapsed.Seconds()),
		DocsPerS:       math.Round(float64(run.Stored)/math.Max(elapsed.Seconds(), 1e-9)*10) / 10,
		PeakRSSMB:      peakRSSMB(),
		IndexMB:        round1(float64(indexBytes) / (1 << 20)),
		StoreMB:        round1(float64(storeBytes) / (1 << 20)),
		CPUSeconds:     round1(cpu.Seconds()),
		GCCPUFraction:  round3(ms.GCCPUFraction),
		IndexDocuments: docs,
	}
	if docs > 0 {
		il.IndexKBPerDoc = round3(float64(indexBytes) / 1024 / float64(docs))
	}
	if err := writeJSONLine(stdout, il); err != nil {
		return err
	}
	say("imported %d releases (%d contracts) in %s: %.0f/s, %.1f CPU s, index %.0f MB (%.2f KB per contract), store %.0f MB",
		run.Stored, contracts, elapsed.Round(time.Millisecond), il.DocsPerS, cpu.Seconds(), il.IndexMB, il.IndexKBPerDoc, il.StoreMB)

	return nil
}

// benchQueries runs the queries on an index opened as serve opens it, with
// the facet settings of the measurement (see the comment at the top), and
// prints the query lines.
func benchQueries(ctx context.Context, a *App, o benchOptions, cfg Config, queries []benchQuery, stdout io.Writer, say func(string, ...any)) (err error) {
	if err := a.index.Close(); err != nil {
		return fmt.Errorf("bench: close the index after the import: %w", err)
	}
	a.index = nil
	// The ALL line reports the process's lifetime peak RSS, as peerbench
	// asks. What the queries alone need (a serving process does not carry
	// the import's memory) goes to stderr: the import's freed heap is
	// returned to the OS and the peak is reset first (Linux only).
	peakRSSMB() // remembered: the lifetime peak survives the reset
	if o.serveGC != nil {
		say("queries: garbage collector as serve runs it: %s", o.serveGC())
	}
	debug.FreeOSMemory()
	phaseOnly := resetPeakRSS()
	icfg := indexer.Config{Dir: a.dir.IndexPath(), SearchTimeout: cfg.SearchTimeout.Duration, Contracts: a.store}
	if !o.cachedFacets {
		icfg.FacetCacheSize = -1
	}
	if a.index, err = indexer.Open(ctx, icfg); err != nil {
		return fmt.Errorf("bench: reopen the index: %w", err)
	}
	reqs := make([]procure.SearchRequest, len(queries))
	for i, q := range queries {
		if reqs[i], err = q.request(); err != nil {
			return fmt.Errorf("bench: query %d (%s %q): %w", i+1, q.Kind, q.Terms, err)
		}
	}
	stopProfile, err := startCPUProfile(o.cpuProfile, "query")
	if err != nil {
		return err
	}
	lines, err := runBenchQueries(ctx, a.index, queries, reqs, o, say)
	stopProfile()
	if err != nil {
		return err
	}
	if phaseOnly {
		say("queries: peak RSS of the query phase alone %.0f MiB (%.0f MiB of it file-backed now: the memory-mapped index)",
			float64(procStatusKB("VmHWM"))/1024, float64(procStatusKB("RssFile"))/1024)
	}
	for _, l := range lines {
		if err := writeJSONLine(stdout, l); err != nil {
			return err
		}
	}
	if o.pages {
		if err := benchPages(ctx, a, o.passes, say); err != nil {
			return err
		}
	}
	return nil
}

// benchPages measures the agency and supplier pages' data (the store
// reads behind them: precomputed aggregates and lists): the busiest
// parties (largest pages) and others seen in search results, one warm-up
// read and passes timed reads each. The figures go to stderr.
func benchPages(ctx context.Context, a *App, passes int, say func(string, ...any)) error {
	buyers, suppliers := map[string]bool{}, map[string]bool{}
	var bl, sl []string
	add := func(set map[string]bool, list *[]string, id string) {
		if id != "" && !set[id] && len(*list) < 60 {
			set[id] = true
			*list = append(*list, id)
		}
	}
	res, err := a.index.Search(ctx, procure.SearchRequest{Facets: true, Limit: procure.MaxSearchLimit})
	if err != nil {
		return fmt.Errorf("bench: pages: %w", err)
	}
	for _, f := range res.Facets[procure.FacetBuyer] {
		add(buyers, &bl, f.Value)
	}
	for _, f := range res.Facets[procure.FacetSupplier] {
		add(suppliers, &sl, f.Value)
	}
	for _, h := range res.Hits {
		add(buyers, &bl, h.Buyer.ID)
		for _, sp := range h.Suppliers {
			add(suppliers, &sl, sp.ID)
		}
	}
	measure := func(what string, ids []string, read func(string) error) error {
		if len(ids) == 0 {
			return nil
		}
		var ds []time.Duration
		for p := 0; p <= passes; p++ {
			for _, id := range ids {
				t := time.Now()
				if err := read(id); err != nil {
					return fmt.Errorf("bench: %s page %s: %w", what, id, err)
				}
				if p > 0 {
					ds = append(ds, time.Since(t))
				}
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		say("pages: %s pages (%d parties, the busiest first): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
			what, len(ids), percentile(ds, 50), percentile(ds, 90), percentile(ds, 99), round3(float64(ds[len(ds)-1].Nanoseconds())/1e6))
		return nil
	}
	if err := measure("agency", bl, func(id string) error { _, err := a.store.Agency(ctx, id); return err }); err != nil {
		return err
	}
	return measure("supplier", sl, func(id string) error { _, err := a.store.Supplier(ctx, id); return err })
}

// runBenchQueries runs the warm-up pass and the timed passes and returns
// the per-kind lines and the ALL line.
func runBenchQueries(ctx context.Context, ix *indexer.Index, queries []benchQuery, reqs []procure.SearchRequest, o benchOptions, say func(string, ...any)) ([]benchQueryLine, error) {
	passes := o.passes
	type sample struct {
		d       time.Duration
		stopped bool
		partial bool
	}
	one := func(i int) (sample, int64, error) {
		t := time.Now()
		res, err := ix.Search(ctx, reqs[i])
		d := time.Since(t)
		var qe *procure.QueryError
		if err != nil && errors.As(err, &qe) && errors.Is(qe.Kind, procure.ErrTooExpensive) && ctx.Err() == nil {
			// Stopped at the deadline (or refused as too broad): the
			// designed answer, kept as a sample of its latency.
			return sample{d: d, stopped: true}, -1, nil
		}
		if err != nil {
			return sample{}, 0, fmt.Errorf("bench: query %d (%s %q): %w", i+1, queries[i].Kind, queries[i].Terms, err)
		}
		return sample{d: d, partial: reqs[i].Facets && (res.FacetsPartial || !hasBenchFacets(res))}, int64(res.Total), nil
	}
	warm := time.Now()
	var first time.Duration
	for i := range queries {
		s, _, err := one(i)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = s.d
		}
	}
	say("queries: warm-up pass over %d queries took %s (the first one %s)", len(queries), time.Since(warm).Round(time.Millisecond), first.Round(time.Microsecond))
	lat := map[string][]sample{}
	hits := map[string][]int64{}
	var all []sample
	perQuery := make([][]time.Duration, len(queries))
	total := make([]int64, len(queries))
	for p := 0; p < passes; p++ {
		say("queries: timed pass %d of %d", p+1, passes)
		for i, q := range queries {
			s, n, err := one(i)
			if err != nil {
				return nil, err
			}
			lat[q.Kind] = append(lat[q.Kind], s)
			all = append(all, s)
			perQuery[i] = append(perQuery[i], s.d)
			if p == 0 && n >= 0 {
				hits[q.Kind] = append(hits[q.Kind], n)
			}
			if p == 0 {
				total[i] = n
			}
		}
	}
	type slow struct {
		i int
		d time.Duration
	}
	var list []slow
	for i, ds := range perQuery {
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		list = append(list, slow{i, ds[len(ds)/2]})
	}
	if o.perQuery != "" {
		var b strings.Builder
		b.WriteString("kind\thits\tmedian_ms\tq\tfrom\tto\tmin\tmax\n")
		for _, s := range list {
			q := queries[s.i]
			fmt.Fprintf(&b, "%s\t%d\t%.3f\t%s\t%s\t%s\t%g\t%g\n", q.Kind, total[s.i], float64(s.d.Microseconds())/1000, reqs[s.i].Q, q.From, q.To, q.Min, q.Max)
		}
		if err := os.WriteFile(o.perQuery, []byte(b.String()), 0o644); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	sort.Slice(list, func(a, b int) bool { return list[a].d > list[b].d })
	for _, s := range list[:min(o.slowest, len(list))] {
		say("slow: %8.2f ms  %-14s %7d hits  %s", float64(s.d.Microseconds())/1000, queries[s.i].Kind, total[s.i], reqs[s.i].Q)
	}
	kinds := append([]string(nil), benchKinds...)
	var extra []string
	for k := range lat {
		if !containsString(benchKinds, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	kinds = append(kinds, extra...)
	line := func(kind string, ss []sample) benchQueryLine {
		ds := make([]time.Duration, len(ss))
		l := benchQueryLine{Engine: benchEngine, Phase: "query", Kind: kind, N: len(ss)}
		for i, s := range ss {
			ds[i] = s.d
			if s.stopped {
				l.Stopped++
			}
			if s.partial {
				l.FacetsPartial++
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		l.P50, l.P90, l.P99 = percentile(ds, 50), percentile(ds, 90), percentile(ds, 99)
		l.Max = round3(float64(ds[len(ds)-1].Nanoseconds()) / 1e6)
		return l
	}
	var out []benchQueryLine
	for _, k := range kinds {
		if len(lat[k]) == 0 {
			continue
		}
		l := line(k, lat[k])
		if h := hits[k]; len(h) > 0 {
			sort.Slice(h, func(i, j int) bool { return h[i] < h[j] })
			mh := h[len(h)/2]
			l.MedianHits = &mh
		}
		if l.Stopped > 0 || l.FacetsPartial > 0 {
			say("queries: %s: %d of %d searches stopped at the deadline, %d pages without complete facets", k, l.Stopped, l.N, l.FacetsPartial)
		}
		out = append(out, l)
	}
	if len(all) > 0 {
		l := line("ALL", all)
		rss := peakRSSMB()
		l.PeakRSSMB = &rss
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		l.HeapMB = round1(float64(ms.HeapInuse) / (1 << 20))
		out = append(out, l)
	}
	return out, nil
}

// hasBenchFacets reports whether the two facets peerbench asks for (buyers
// and years) are in the results.
func hasBenchFacets(res procure.SearchResults) bool {
	if res.Total == 0 {
		return true
	}
	_, b := res.Facets[procure.FacetBuyer]
	_, y := res.Facets[procure.FacetYear]
	return b && y
}

func loadBenchQueries(path string) ([]benchQuery, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: queries: %w", err)
	}
	var qs []benchQuery
	if err := json.Unmarshal(b, &qs); err != nil {
		return nil, fmt.Errorf("bench: queries %s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("bench: queries %s: no queries", path)
	}
	for i, q := range qs {
		if len(q.Terms) == 0 || (q.Kind == "match2" && len(q.Terms) < 2) {
			return nil, fmt.Errorf("bench: queries %s: query %d (%s): not enough terms", path, i+1, q.Kind)
		}
	}
	return qs, nil
}

// request builds the SearchRequest the site would send for q: the words in
// the public query language (a phrase quoted, a prefix with a trailing *),
// the date and amount filters, top 10 by relevance with highlights, and
// facets when asked.
func (q benchQuery) request() (procure.SearchRequest, error) {
	req := procure.SearchRequest{Limit: benchPageSize, Highlight: true, Facets: q.Facets}
	switch q.Kind {
	case "phrase":
		req.Q = `"` + strings.Join(cleanWords(q.Terms), " ") + `"`
	case "prefix":
		w := cleanWords(q.Terms[:1])
		if len(w) == 0 {
			return req, fmt.Errorf("empty prefix")
		}
		req.Q = w[0] + "*"
	default:
		ws := q.Terms
		parts := make([]string, 0, len(ws))
		for _, w := range ws {
			parts = append(parts, queryWord(w))
		}
		req.Q = strings.Join(parts, " ")
	}
	if q.From != "" {
		t, err := time.Parse(time.RFC3339, q.From)
		if err != nil {
			return req, fmt.Errorf("from: %w", err)
		}
		req.DateFrom = t.UTC()
	}
	if q.To != "" {
		t, err := time.Parse(time.RFC3339, q.To)
		if err != nil {
			return req, fmt.Errorf("to: %w", err)
		}
		req.DateTo = t.UTC()
	}
	if q.Min != 0 {
		d, err := procure.ParseDecimal(strconv.FormatFloat(q.Min, 'f', -1, 64))
		if err != nil {
			return req, fmt.Errorf("min: %w", err)
		}
		req.MinAmount = &d
	}
	if q.Max != 0 {
		d, err := procure.ParseDecimal(strconv.FormatFloat(q.Max, 'f', -1, 64))
		if err != nil {
			return req, fmt.Errorf("max: %w", err)
		}
		req.MaxAmount = &d
	}
	return req, nil
}

// queryWord writes one word for the query language: as it is when it is a
// plain word, quoted otherwise (so that characters with a meaning in the
// language — quotes, -, *, :, parentheses, OR — are taken literally).
func queryWord(w string) string {
	plain := w != "" && w != "OR" && w != "AND" && w != "NOT"
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			plain = false
			break
		}
	}
	if plain {
		return w
	}
	return `"` + strings.Join(cleanWords([]string{w}), " ") + `"`
}

// cleanWords drops characters that would end a quoted phrase or a prefix.
func cleanWords(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		w = strings.Map(func(r rune) rune {
			if r == '"' || r == '*' || unicode.IsControl(r) {
				return ' '
			}
			return r
		}, w)
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// percentile is peerbench's nearest-rank percentile of sorted samples, in
// milliseconds: the sample at index round((n-1)*p/100).
func percentile(sorted []time.Duration, p float64) float64 {
	i := int(math.Round(float64(len(sorted)-1) * p / 100))
	return round3(float64(sorted[i].Nanoseconds()) / 1e6)
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func firstProblems(ps []procure.Problem, n int) string {
	var parts []string
	for _, p := range ps {
		if p.Severity != procure.SevError {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s line %d: %s", p.Location.File, p.Location.Line, p.Message))
		if len(parts) == n {
			break
		}
	}
	return strings.Join(parts, "; ")
}

// peakSeenKB is the largest VmHWM read so far: VmHWM is not monotonic
// across reads (the kernel updates its high-water mark lazily, and the
// query phase resets it), the process's peak is.
var peakSeenKB atomic.Int64

// peakRSSMB is the process's peak resident set size in MiB (VmHWM, which
// is what getrusage's ru_maxrss reports on Linux, and never less than an
// earlier reading); 0 where /proc is missing.
func peakRSSMB() float64 {
	kb := procStatusKB("VmHWM")
	for {
		seen := peakSeenKB.Load()
		if kb <= seen {
			kb = seen
			break
		}
		if peakSeenKB.CompareAndSwap(seen, kb) {
			break
		}
	}
	return round1(float64(kb) / 1024)
}

// resetPeakRSS resets the process's peak RSS (VmHWM) to its current RSS;
// false where that is not possible (not Linux, or a kernel before 4.0).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// procStatusKB reads a "kB" field of /proc/self/status.
func procStatusKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == field+":" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the CPU time (user + system) the process used so far, from
// /proc/self/stat; 0 where /proc is missing.
func cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	// After the command: state is field 3 of stat(5); utime and stime are
	// fields 14 and 15, i.e. f[11] and f[12] here.
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticks
}

func dirSize(p string) int64 {
	var n int64
	filepath.Walk(p, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func startCPUProfile(prefix, phase string) (func(), error) {
	if prefix == "" {
		return func() {}, nil
	}
	f, err := os.Create(prefix + "-" + phase + ".pprof")
	if err != nil {
		return nil, fmt.Errorf("bench: cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: heap profile: %w", err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return fmt.Errorf("bench: heap profile: %w", err)
	}
	return nil
}
