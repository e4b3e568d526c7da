package ingest

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

// nullStore accepts everything instantly, to measure the Runner's own
// overhead per release (batching, the writer goroutine, bookkeeping).
type nullStore struct{ fakeStore }

func (n *nullStore) ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, compile CompileFunc) (BatchResult, error) {
	return BatchResult{Stored: len(rels)}, nil
}
func (n *nullStore) DirtyContracts(ctx context.Context, limit int) ([]procure.Contract, error) {
	return nil, nil
}

// BenchmarkRunnerOverhead pushes releases through Run with a parser that
// emits prebuilt releases and a store that does nothing.
func BenchmarkRunnerOverhead(b *testing.B) {
	rel := procure.SourceRelease{OCID: "ocds-1", ID: "1", Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Raw: []byte(`{"ocid":"ocds-1"}`)}
	const perDoc = 100000
	st := &nullStore{fakeStore: *newFakeStore()}
	r, err := New(RunnerConfig{
		Store:   st,
		Compile: fakeCompile,
		Parsers: map[string]ParseFunc{"x": func(ctx context.Context, _ io.Reader, _ ParseOptions, emit func(procure.SourceRelease) error, _ func(procure.Problem)) error {
			for range perDoc {
				if err := emit(rel); err != nil {
					return err
				}
			}
			return nil
		}},
		Fetch: func(ctx context.Context, cfg source.Config, s source.State, fn func(source.Doc) error) (source.State, error) {
			return s, fn(source.Doc{Body: strings.NewReader(""), URL: "mem", Size: -1})
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		run, err := r.Run(context.Background(), SourceConfig{Name: "bench", Format: "x", Location: "/mem"})
		if err != nil || run.Stored != perDoc {
			b.Fatal(run, err)
		}
	}
	b.ReportMetric(float64(b.N*perDoc)/b.Elapsed().Seconds(), "releases/s")
}
