package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runCLI runs one tenderlens command in-process.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the tenderlens binary once per test process.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tenderlens-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "tenderlens")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("go build: %s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("build binary: %v", binErr)
	}
	return binPath
}

// openWeb assembles the serving App over an existing data directory, with
// the index caught up, and returns it (closed at the end of the test).
func openWeb(t *testing.T, data string) *App {
	t.Helper()
	cfg := defaultConfig()
	cfg.Data = data
	cfg.BaseURL = "http://tenderlens.test"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, buildOptions{Purpose: "test", Web: true, Schedule: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.prepare(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	a.bg.Wait() // a rebuild, if any, has finished
	return a
}

// get requests path from the app and returns the status, body and elapsed
// time.
func get(t *testing.T, a *App, path string) (int, []byte, time.Duration) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	start := time.Now()
	resp, err := a.web.Test(req, 30_000)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, elapsed
}

// getJSON requests path and decodes the JSON answer into v; it fails the
// test unless the status is 200.
func getJSON(t *testing.T, a *App, path string, v any) {
	t.Helper()
	code, body, _ := get(t, a, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, code, truncate(string(body), 400))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// checkGolden compares got with testdata/name, rewriting it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", name, diffLines(string(want), got))
	}
}

// diffLines lists the lines only in want (-) or only in got (+).
func diffLines(want, got string) string {
	w := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		w[l]++
	}
	var b strings.Builder
	for _, l := range strings.Split(got, "\n") {
		if w[l] > 0 {
			w[l]--
			continue
		}
		b.WriteString("+ " + l + "\n")
	}
	for l, n := range w {
		for ; n > 0; n-- {
			b.WriteString("- " + l + "\n")
		}
	}
	return b.String()
}
