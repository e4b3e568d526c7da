package main

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/tenderlens/tenderlens/data/ingest"
	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func TestEntityFormats(t *testing.T) {
	want := []string{"bods", "eu-xml", "ftm", "ofac-csv", "ofac-xml", "psc", "un-xml"}
	got := entityFormatNames()
	if len(got) != len(want) {
		t.Fatalf("formats %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("formats %v; want %v", got, want)
		}
	}
	fs := entityFormats()
	for name, opts := range map[string]map[string]string{
		"psc": {"x": "1"}, "bods": {"profile": "y"}, "ofac-xml": {"list": "grey"}, "ftm": {"nope": ""},
	} {
		if _, err := fs[name]("s", opts); !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("%s with options %v: %v", name, opts, err)
		}
	}
	for name, opts := range map[string]map[string]string{
		"bods": {"namespace": "oo"}, "ofac-xml": {"list": "consolidated"}, "ftm": {"namespace": "os", "license": "x"}, "un-xml": nil,
	} {
		if _, err := fs[name]("s", opts); err != nil {
			t.Errorf("%s with options %v: %v", name, opts, err)
		}
	}
}

// TestEntityImportWiring imports the shared FtM cluster through the
// adapters main uses.
func TestEntityImportWiring(t *testing.T) {
	path := testenv.SharedData(t, "sanctions", "opensanctions-ftm", "zala_aero_cluster.ftm.jsonl")
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "tenderlens.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := ingest.New(ingest.RunnerConfig{Store: storeAdapter{st}, Parsers: parsers(), Compile: ocds.Compile})
	if err != nil {
		t.Fatal(err)
	}
	er, err := newEntityRunner(r, st)
	if err != nil {
		t.Fatal(err)
	}
	run, err := er.ImportPaths(ctx, "opensanctions", "ftm", nil, []string{path}, nil)
	if err != nil || run.Status != ingest.StatusOK {
		t.Fatalf("import: %+v, %v", run, err)
	}
	if n, m, _ := st.EntityCounts(ctx); n != 17 || m != 21 {
		t.Errorf("%d entities, %d relationships; want 17, 21", n, m)
	}
	if es, _ := st.EntitiesByIdentifier(ctx, "RU-INN-5920040846"); len(es) != 1 {
		t.Errorf("RU-INN-5920040846: %v", es)
	}
}
