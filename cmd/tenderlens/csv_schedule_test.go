package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestScheduledCSVSources: CSV sources in a configuration file, one
// fetched over HTTP with a built-in profile and one read from a file with a
// mapping file, named under [source.parser], run by the scheduler into the
// real store and index.
func TestScheduledCSVSources(t *testing.T) {
	root := testenv.ModuleRoot()
	example := filepath.Join(root, "data", "uslocal", "testdata", "example")
	checks, err := os.ReadFile(testenv.SharedData(t, "us-local", "chicago-pd-1505-forfeiture-checks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Write(checks)
	}))
	defer srv.Close()

	dir := t.TempDir()
	conf := filepath.Join(dir, "tenderlens.toml")
	if err := os.WriteFile(conf, []byte(`data = "`+filepath.ToSlash(filepath.Join(dir, "data"))+`"
allow_private_sources = true

[[source]]
name     = "chicago-police-checks"
format   = "csv"
location = "`+srv.URL+`/checks.csv"
schedule = "@every 24h"
  [source.parser]
  profile = "chicago-police-forfeiture"

[[source]]
name     = "springfield-schools"
format   = "csv"
location = "`+filepath.ToSlash(filepath.Join(example, "springfield-schools.csv"))+`"
  [source.parser]
  mapping = "`+filepath.ToSlash(filepath.Join(example, "springfield-schools.toml"))+`"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(conf, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := build(ctx, cfg, buildOptions{Purpose: "test", Web: true, Schedule: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.sched.Start(ctx)
	defer a.sched.Stop()
	for _, tc := range []struct {
		name   string
		stored int
	}{{"chicago-police-checks", 606}, {"springfield-schools", 7}} {
		run, err := a.sched.RunNow(ctx, tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if run.Status != "ok" || run.Stored != tc.stored || run.Errors != 0 {
			t.Errorf("%s: %+v", tc.name, run)
		}
	}
	var r apiSearchAnswer
	getJSON(t, a, apiPath("/api/v1/search", "q", "stingray"), &r)
	if r.Total != 1 || !strings.Contains(r.Hits[0].Title, "Chicago Police Department") || r.Hits[0].BuyerType != "police" {
		t.Errorf("stingray: %+v", r)
	}
	// A second run finds nothing new.
	run, err := a.sched.RunNow(ctx, "chicago-police-checks")
	if err != nil || run.Stored != 0 {
		t.Errorf("second run: %+v, %v", run, err)
	}
}

// TestImportCSVFlags: the CLI refuses a csv import without a mapping, a
// mapping for another format, and an unknown profile, before opening
// anything.
func TestImportCSVFlags(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "csv", "x.csv"}, "needs --profile"},
		{[]string{"--format", "csv", "--profile", "nope", "x.csv"}, `no CSV profile "nope"`},
		{[]string{"--format", "csv", "--profile", "phoenix-checkbook", "--mapping", "m.toml", "x.csv"}, "not both"},
		{[]string{"--format", "csv", "--mapping", filepath.Join(data, "missing.toml"), "x.csv"}, "read mapping"},
		{[]string{"--format", "ocds", "--profile", "phoenix-checkbook", "x.json"}, "for --format csv only"},
	} {
		code, _, stderr := runCLI(t, nil, append([]string{"import", "--data", data}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(data); err == nil {
		t.Error("a refused import created the data directory")
	}
	// A file that does not fit the mapping fails with the columns it lacks.
	code, stdout, stderr := runCLI(t, nil, "import", "--data", data, "--format", "csv", "--profile", "phoenix-checkbook", "--quiet",
		filepath.Join(testenv.ModuleRoot(), "data", "uslocal", "testdata", "example", "springfield-schools.csv"))
	if code != 1 || !strings.Contains(stdout+stderr, `"Vendor Name"`) || !strings.Contains(stdout+stderr, "header row was not found") {
		t.Errorf("wrong file: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
