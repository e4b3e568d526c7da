package uslocal

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// BenchmarkReadPhoenix measures Read on the 2018 Phoenix file (5,000
// payments, bare CR line endings, quoted amounts): parsing, vendor
// resolution and release encoding, without the store.
//
//	go test ./data/uslocal -run '^$' -bench ReadPhoenix -benchmem
func BenchmarkReadPhoenix(b *testing.B) {
	data, err := os.ReadFile(testenv.SharedData(b, "us-local", "phoenix-checkbook_2018-06_first5000_CR.csv"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := Profile("phoenix-checkbook")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		st, err := Read(context.Background(), bytes.NewReader(data), m, Options{URL: "bench"},
			func(procure.SourceRelease) error { return nil }, func(procure.Problem) {})
		if err != nil {
			b.Fatal(err)
		}
		rows = st.Releases
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
