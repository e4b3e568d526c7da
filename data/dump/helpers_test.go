package dump_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/demo"
	"github.com/tenderlens/tenderlens/data/dump"
	"github.com/tenderlens/tenderlens/data/dump/storesource"
	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// fixedTime is the retrieval time of every test import, so that the data
// (and its dumps) never depend on the clock.
var fixedTime = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "tenderlens.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// importData reads OCDS inputs into the store through the real reader and
// compiler, as an import run would.
func importData(t testing.TB, st *store.Store, source string, name string, data []byte) {
	t.Helper()
	ctx := context.Background()
	var rels []procure.SourceRelease
	_, err := ocds.Read(ctx, bytes.NewReader(data), ocds.Options{Source: source, URL: name, RetrievedAt: fixedTime},
		func(r procure.SourceRelease) error { rels = append(rels, r); return nil }, func(procure.Problem) {})
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	for i := 0; i < len(rels); i += 500 {
		if _, err := st.ApplyBatch(ctx, 0, rels[i:min(i+500, len(rels))], ocds.Compile); err != nil {
			t.Fatalf("store %s: %v", name, err)
		}
	}
}

// importShared imports every OCDS file of ../shared/data/ocds.
func importShared(t testing.TB, st *store.Store) int {
	t.Helper()
	dir := testenv.SharedData(t, "ocds")
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".jsonl")) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		src := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		importData(t, st, src, filepath.ToSlash(rel), b)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// importDemo imports the generated demo data (fixed seed and time).
func importDemo(t testing.TB, st *store.Store) {
	t.Helper()
	files, err := demo.Generate(demo.Options{Seed: 1, Now: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		importData(t, st, demo.SourceName, f.Name, f.Data)
	}
}

var (
	sharedOnce sync.Once
	sharedPath string
	sharedErr  string
)

// sharedStore returns a store holding the shared OCDS data and the demo
// data, built once per test binary and opened read-only by each test.
func sharedStore(t *testing.T) *store.Store {
	t.Helper()
	testenv.SharedData(t, "ocds") // skip or fail early when missing
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tenderlens-dump-test-")
		if err != nil {
			sharedErr = err.Error()
			return
		}
		p := filepath.Join(dir, "tenderlens.db")
		st, err := store.Open(context.Background(), p, store.Options{})
		if err != nil {
			sharedErr = err.Error()
			return
		}
		importShared(t, st)
		importDemo(t, st)
		st.Close()
		sharedPath = p
	})
	if sharedErr != "" {
		t.Fatal(sharedErr)
	}
	st, err := store.Open(context.Background(), sharedPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedPath != "" {
		os.RemoveAll(filepath.Dir(sharedPath))
	}
	os.Exit(code)
}

func newWriter(t testing.TB, dir string, mod func(*dump.Config)) *dump.Writer {
	t.Helper()
	cfg := dump.Config{Dir: dir, BaseURL: "https://tenderlens.example.org"}
	if mod != nil {
		mod(&cfg)
	}
	w, err := dump.NewWriter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func src(st *store.Store) dump.Source { return storesource.New(st) }

func csvReader(b []byte) *csv.Reader { return csv.NewReader(bytes.NewReader(b)) }
