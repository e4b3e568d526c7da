package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Benchmarks use synthetic OCDS-like releases of realistic size (about
// 4–6 KB of JSON: parties with addresses, a tender with a long description
// and items, awards) with Zipf-distributed buyers and suppliers, and a
// compile callback that returns a precomputed result, so that they measure
// the store alone.
//
//	go test -run '^$' -bench . -benchtime 20x ./data/store/
//
// TENDERLENS_BENCH_AWARDS sets the size of the read benchmarks' database
// (default 100000 awards).

var benchWords = strings.Fields(`supply delivery maintenance services school police hospital equipment
	road repair construction cleaning catering software licence vehicles fuel medical laboratory furniture
	computers network security uniforms training consultancy printing water electricity heating building
	renovation transport bus insurance legal audit framework agreement lot works goods district county city
	municipal department public health education safety emergency radio communication camera surveillance`)

type benchGen struct {
	rng       *rand.Rand
	buyers    *rand.Zipf
	suppliers *rand.Zipf
	nBuyers   int
}

func newBenchGen(seed uint64, nBuyers, nSuppliers int) *benchGen {
	r := rand.New(rand.NewPCG(seed, 99))
	return &benchGen{rng: r, nBuyers: nBuyers,
		buyers:    rand.NewZipf(r, 1.1, 2, uint64(nBuyers-1)),
		suppliers: rand.NewZipf(r, 1.1, 2, uint64(nSuppliers-1))}
}

func (g *benchGen) text(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[g.rng.IntN(len(benchWords))]
	}
	return strings.Join(w, " ")
}

// release returns one release of process i with its compiled result.
func (g *benchGen) release(i, version int) (procure.SourceRelease, procure.Compiled) {
	ocid := fmt.Sprintf("ocds-bench-%07d", i)
	b := int(g.buyers.Uint64())
	buyer := procure.Party{ID: fmt.Sprintf("XX-BUY-%05d", b), Name: fmt.Sprintf("%s %s authority %d", strings.ToUpper(g.text(1)), g.text(2), b),
		Country: []string{"GB", "UA", "MX", "PY"}[b%4], BuyerType: procure.BuyerTypes[b%4],
		Address: procure.Address{Street: g.text(3), Locality: g.text(1), PostalCode: "AB1 2CD"}}
	date := time.Date(2015+g.rng.IntN(10), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), g.rng.IntN(24), 0, 0, 0, time.UTC)
	c := procure.Contract{OCID: ocid, Title: g.text(6), Description: g.text(40 + g.rng.IntN(120)), Buyer: procure.PartyRef{ID: buyer.ID, Name: buyer.Name},
		BuyerType: buyer.BuyerType, Country: buyer.Country, Date: date, Category: []string{"goods", "works", "services"}[g.rng.IntN(3)],
		Status: "complete", Method: "open", Parties: []procure.Party{buyer}, Suppliers: []procure.PartyRef{}}
	cur := []string{"GBP", "UAH", "MXN", "PYG", "EUR"}[b%5]
	nAwards := 1
	if g.rng.IntN(2) == 0 {
		nAwards = 1 + g.rng.IntN(2)
	}
	for k := range nAwards {
		s := int(g.suppliers.Uint64())
		sup := procure.Party{ID: fmt.Sprintf("XX-SUP-%06d", s), Name: fmt.Sprintf("%s %s ltd %d", strings.ToUpper(g.text(1)), g.text(1), s),
			Address: procure.Address{Street: g.text(3), Locality: g.text(1)}}
		units := g.rng.Int64N(5_000_000_0000)
		if g.rng.IntN(30) == 0 {
			units = -units / 100
		}
		status := "active"
		if g.rng.IntN(20) == 0 {
			status = "cancelled"
		}
		a := procure.Award{ID: strconv.Itoa(k + 1), Title: g.text(5), Status: status, Date: date.Add(time.Duration(k) * time.Hour),
			Value: procure.Money{Amount: procure.DecimalFromUnits(units), Currency: cur}, HasValue: true,
			Suppliers: []procure.PartyRef{{ID: sup.ID, Name: sup.Name}}, Counted: procure.CountedAward(status)}
		c.Awards = append(c.Awards, a)
		c.Parties = append(c.Parties, sup)
		c.Suppliers = append(c.Suppliers, a.Suppliers...)
		if a.Counted {
			c.Amount = a.Value
		}
	}
	for range 2 + g.rng.IntN(4) {
		c.Items = append(c.Items, g.text(8+g.rng.IntN(20)))
	}
	raw, _ := json.Marshal(map[string]any{"ocid": ocid, "id": fmt.Sprintf("%s-%d", ocid, version), "date": date, "tag": []string{"award"},
		"parties": c.Parties, "buyer": c.Buyer, "tender": map[string]any{"title": c.Title, "description": c.Description, "items": c.Items},
		"awards": c.Awards, "language": "en"})
	rel := procure.SourceRelease{OCID: ocid, ID: fmt.Sprintf("%s-award", ocid), Date: date, Tag: []string{"award"}, Raw: raw,
		Source: "bench", URL: "https://example.org/api/releases?page=" + strconv.Itoa(i/100), RetrievedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Location: procure.Location{File: "https://example.org/api/releases?page=" + strconv.Itoa(i/100), Index: i % 100}, Version: "1.1",
		Package: procure.PackageMeta{Publisher: "Bench publisher", License: "CC-BY-4.0", URI: "https://example.org/api/releases"}}
	return rel, procure.Compiled{OCID: ocid, Release: raw, Contract: c}
}

// batchOf generates releases [from, from+n) and a compile callback that
// returns their precomputed results.
func (g *benchGen) batchOf(from, n, version int) ([]procure.SourceRelease, CompileFunc, int) {
	rels := make([]procure.SourceRelease, 0, n)
	comp := make(map[string]procure.Compiled, n)
	bytes := 0
	for i := from; i < from+n; i++ {
		r, c := g.release(i, version)
		rels = append(rels, r)
		comp[r.OCID] = c
		bytes += len(r.Raw)
	}
	return rels, func(ocid string, _ []procure.SourceRelease) (procure.Compiled, error) { return comp[ocid], nil }, bytes
}

func fileSize(path string) int64 {
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// BenchmarkApplyBatch imports batches of 500 new releases (new processes),
// and, in "update", new versions of already stored releases.
func BenchmarkApplyBatch(b *testing.B) {
	for _, mode := range []struct {
		name     string
		compress int
		update   bool
	}{{"new/zstd", 0, false}, {"new/plain", 1, false}, {"update/zstd", 0, true}} {
		b.Run(mode.name, func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "bench.db")
			s, err := Open(ctx, path, Options{compression: mode.compress})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			g := newBenchGen(1, 2000, 20000)
			const batch = 500
			if mode.update {
				for i := 0; i < 20; i++ {
					rels, comp, _ := g.batchOf(i*batch, batch, 0)
					if _, err := s.ApplyBatch(ctx, 0, rels, comp); err != nil {
						b.Fatal(err)
					}
				}
			}
			var releases, raw int
			var elapsed, cpu time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				from := i * batch
				if mode.update {
					from = (i % 20) * batch
				}
				rels, comp, n := g.batchOf(from, batch, i+1)
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				res, err := s.ApplyBatch(ctx, 0, rels, comp)
				elapsed += time.Since(start)
				cpu += cpuTime() - cpu0
				if err != nil {
					b.Fatal(err)
				}
				if res.Stored != batch {
					b.Fatalf("stored %d of %d", res.Stored, batch)
				}
				releases += batch
				raw += n
			}
			b.StopTimer()
			b.ReportMetric(float64(releases)/elapsed.Seconds(), "releases/s")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/float64(releases), "cpu-µs/release")
			}
			if !mode.update {
				if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(fileSize(path))/float64(releases), "dbB/release")
				b.ReportMetric(float64(raw)/float64(releases), "rawB/release")
			}
		})
	}
}

var (
	benchDBOnce sync.Once
	benchDBPath string
	benchDBErr  error
	benchDBDir  string
)

// benchDB builds (once per test process) a database with about
// TENDERLENS_BENCH_AWARDS awards.
func benchDB(b *testing.B) string {
	benchDBOnce.Do(func() {
		want := 100000
		if v, err := strconv.Atoi(os.Getenv("TENDERLENS_BENCH_AWARDS")); err == nil && v > 0 {
			want = v
		}
		benchDBDir, benchDBErr = os.MkdirTemp("", "tenderlens-store-bench-")
		if benchDBErr != nil {
			return
		}
		benchDBPath = filepath.Join(benchDBDir, "bench.db")
		ctx := context.Background()
		s, err := Open(ctx, benchDBPath, Options{})
		if err != nil {
			benchDBErr = err
			return
		}
		defer s.Close()
		// About 1.25 awards per process; 1 buyer per 50 processes, 1 supplier per 5.
		n := want * 4 / 5
		g := newBenchGen(2, max(50, n/50), max(500, n/5))
		start := time.Now()
		const batch = 1000
		for from := 0; from < n; from += batch {
			rels, comp, _ := g.batchOf(from, min(batch, n-from), 0)
			if _, err := s.ApplyBatch(ctx, 0, rels, comp); err != nil {
				benchDBErr = err
				return
			}
		}
		st, _ := s.Stats(ctx)
		s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		fmt.Fprintf(os.Stderr, "bench database: %d contracts, %d awards, %d buyers, %d suppliers in %v (%.0f releases/s), %d MB\n",
			st.Contracts, st.Awards, st.Buyers, st.Suppliers, time.Since(start).Round(time.Second),
			float64(n)/time.Since(start).Seconds(), fileSize(benchDBPath)>>20)
	})
	if benchDBErr != nil {
		b.Fatal(benchDBErr)
	}
	return benchDBPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDBDir != "" {
		os.RemoveAll(benchDBDir)
	}
	os.Exit(code)
}

// BenchmarkReads measures the page queries on the benchmark database, for
// the largest buyer and supplier (the worst case) and random ones, and
// reports p50/p99 latencies.
func BenchmarkReads(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	s, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var bigBuyer, bigSupplier string
	var buyers, suppliers []string
	rows, _ := s.r.Query("SELECT id, buyer_contracts, supplier_awards FROM parties ORDER BY id")
	maxB, maxS := 0, 0
	for rows.Next() {
		var id string
		var bc, sa int
		rows.Scan(&id, &bc, &sa)
		if bc > 0 {
			buyers = append(buyers, id)
		}
		if sa > 0 {
			suppliers = append(suppliers, id)
		}
		if bc > maxB {
			maxB, bigBuyer = bc, id
		}
		if sa > maxS {
			maxS, bigSupplier = sa, id
		}
	}
	rows.Close()
	var ag procure.AgencyDetail
	ag, _ = s.Agency(ctx, bigBuyer)
	b.Logf("largest buyer %s: %d contracts, %d awards; largest supplier %s: %d awards", bigBuyer, maxB, ag.AwardCount, bigSupplier, maxS)
	rng := rand.New(rand.NewPCG(5, 5))
	cases := []struct {
		name string
		f    func() error
	}{
		{"Agency/largest", func() error { _, err := s.Agency(ctx, bigBuyer); return err }},
		{"Agency/random", func() error { _, err := s.Agency(ctx, buyers[rng.IntN(len(buyers))]); return err }},
		{"Supplier/largest", func() error { _, err := s.Supplier(ctx, bigSupplier); return err }},
		{"Supplier/random", func() error { _, err := s.Supplier(ctx, suppliers[rng.IntN(len(suppliers))]); return err }},
		{"Agencies/first-page", func() error { _, err := s.Agencies(ctx, procure.PageRequest{}); return err }},
		{"Agencies/filtered", func() error {
			_, err := s.Agencies(ctx, procure.PageRequest{Q: "health", BuyerType: procure.BuyerHealth})
			return err
		}},
		{"Contract", func() error {
			_, err := s.Contract(ctx, fmt.Sprintf("ocds-bench-%07d", rng.IntN(len(buyers)*40)))
			if err != nil && strings.Contains(err.Error(), "not found") {
				return nil
			}
			return err
		}},
		{"Stats", func() error { _, err := s.Stats(ctx); return err }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if err := c.f(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
		})
	}
}
