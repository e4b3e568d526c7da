package ocds

import (
	"bytes"
	"context"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

// BenchmarkRead measures decode + repair + serialise + hash on a real
// 100-release package (am-armeps, ~10 KB per release). Reports releases/s.
func BenchmarkRead(b *testing.B) {
	data := sharedFile(b, "am-armeps", "releases", "6.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		_, err := Read(context.Background(), bytes.NewReader(data), Options{}, func(procure.SourceRelease) error { n++; return nil }, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "releases/s")
}

// BenchmarkReadUpgrade measures a 1.0 package that needs the full upgrade.
func BenchmarkReadUpgrade(b *testing.B) {
	data := sharedFile(b, "mx-cdmx", "release-packages.jsonl")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := Read(context.Background(), bytes.NewReader(data), Options{}, func(procure.SourceRelease) error { n++; return nil }, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "releases/s")
}

// BenchmarkCompile merges the six releases of the fictional example
// (planning to implementation) and summarises them. Reports releases/s
// merged.
func BenchmarkCompile(b *testing.B) {
	rels, _, _, err := readAll(b, sharedFile(b, "fictional-example", "1.1", "release-package.json"), "x")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := Compile(rels[0].OCID, rels); err != nil {
			b.Fatal(err)
		}
		n += len(rels)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "releases/s")
}

// BenchmarkCompileSingle compiles one am-armeps release (the common case
// of an ocid with one release).
func BenchmarkCompileSingle(b *testing.B) {
	rels, _, _, err := readAll(b, sharedFile(b, "am-armeps", "releases", "6.json"), "x")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := rels[i%len(rels)]
		if _, err := Compile(r.OCID, rels[i%len(rels):i%len(rels)+1]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "releases/s")
}
