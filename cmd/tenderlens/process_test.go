package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/store"
)

// writeCorpus writes n OCDS releases as JSON Lines, one contracting process
// each, with a few words of text, and returns the path.
func writeCorpus(t *testing.T, dir string, n int) string {
	t.Helper()
	p := filepath.Join(dir, "corpus.jsonl")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	words := []string{"laptops", "patrol", "vehicles", "school", "buses", "radios", "fingerprint", "scanners", "cafeteria", "furniture", "cameras", "software"}
	r := rand.New(rand.NewSource(7))
	for i := 0; i < n; i++ {
		ocid := fmt.Sprintf("ocds-test00-%07d", i)
		title := words[r.Intn(len(words))] + " " + words[r.Intn(len(words))]
		buyer := fmt.Sprintf("Test School District %d", i%50)
		rel := map[string]any{
			"ocid": ocid, "id": ocid + "-1", "date": fmt.Sprintf("2024-%02d-%02dT10:00:00Z", 1+i%12, 1+i%28),
			"tag": []string{"award"}, "initiationType": "tender", "language": "en",
			"buyer":   map[string]any{"id": "B" + strconv.Itoa(i%50), "name": buyer},
			"parties": []any{map[string]any{"id": "B" + strconv.Itoa(i%50), "name": buyer, "roles": []string{"buyer"}}, map[string]any{"id": "S" + strconv.Itoa(i%300), "name": "Supplier " + strconv.Itoa(i%300) + " Inc.", "roles": []string{"supplier"}}},
			"tender":  map[string]any{"id": ocid + "-t", "title": title, "description": strings.Repeat(title+" for the district. ", 5)},
			"awards":  []any{map[string]any{"id": "1", "status": "active", "date": "2024-01-01T00:00:00Z", "value": map[string]any{"amount": 1000 + i, "currency": "USD"}, "suppliers": []any{map[string]any{"id": "S" + strconv.Itoa(i%300), "name": "Supplier " + strconv.Itoa(i%300) + " Inc."}}}},
		}
		b, _ := json.Marshal(rel)
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// corpusSize is large enough that the import runs for several seconds.
const corpusSize = 30000

var storedRE = regexp.MustCompile(`msg="import progress".* stored=(\d+)`)

// TestKillDuringImport kills the importer with SIGKILL while it runs, then
// restarts: the data directory opens, serves, and holds every release the
// import had reported stored; the index catches up with the store.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	bin := binary(t)
	tmp := t.TempDir()
	corpus := writeCorpus(t, tmp, corpusSize)
	data := filepath.Join(tmp, "data")
	for trial := 0; trial < 2; trial++ {
		cmd := exec.Command(bin, "import", "--data", data, "--format", "ocds", "--source", "big", corpus)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		reported := 0
		sc := bufio.NewScanner(stderr)
		lines := 0
		for sc.Scan() {
			if m := storedRE.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[1])
				if n > reported {
					reported = n
				}
				lines++
				if lines == 2+trial && reported > 0 {
					break
				}
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if reported == 0 {
			t.Fatalf("trial %d: the import reported nothing stored before it was killed", trial)
		}
		st, err := store.Open(context.Background(), filepath.Join(data, "tenderlens.db"), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("trial %d: store does not open after kill -9: %v", trial, err)
		}
		held, err := st.ContractCount(context.Background())
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Each release is its own process, so contracts = releases stored
		// over all runs so far.
		if held < reported {
			t.Fatalf("trial %d: the import reported %d releases stored, the store holds %d", trial, reported, held)
		}
		t.Logf("trial %d: killed after %d reported stored; store holds %d", trial, reported, held)
	}
	// Restart: serve opens the directory, catches the index up and answers.
	a := openWeb(t, data)
	n, err := a.store.ContractCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ans searchAnswer
	getJSON(t, a, "/api/v1/search?limit=1", &ans)
	if ans.Total != n {
		t.Errorf("after restart the index holds %d contracts, the store %d", ans.Total, n)
	}
	if code, _, _ := get(t, a, "/readyz"); code != 200 {
		t.Errorf("/readyz: %d", code)
	}
	a.Close()
	// Finishing the import after the crashes stores everything once.
	code, out, errOut := runCLI(t, nil, "import", "--data", data, "--format", "ocds", "--source", "big", "--quiet", corpus)
	if code != 0 {
		t.Fatalf("final import: %d\n%s\n%s", code, out, errOut)
	}
	st, err := store.Open(context.Background(), filepath.Join(data, "tenderlens.db"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.ContractCount(context.Background()); n != corpusSize {
		t.Errorf("after completing the import: %d contracts, want %d", n, corpusSize)
	}
}

// freeAddr returns a free loopback address.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServe starts `tenderlens serve` as a process and waits until it
// answers /livez.
func startServe(t *testing.T, data string, extra ...string) (addr string, cmd *exec.Cmd) {
	t.Helper()
	addr = freeAddr(t)
	args := append([]string{"serve", "--data", data, "--addr", addr}, extra...)
	cmd = exec.Command(binary(t), args...)
	logf, _ := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("serve did not stop within 20s of SIGTERM")
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/livez")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return addr, cmd
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(logf.Name())
	t.Fatalf("serve did not come up:\n%s", b)
	return "", nil
}

// TestReadmeServeCommandServesDemo: `serve` with nothing configured fills an
// empty data directory with demo data, labelled on every page, and a second
// writer on the same directory fails within seconds with a clear message.
func TestReadmeServeCommandServesDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	data := filepath.Join(t.TempDir(), "data")
	addr, _ := startServe(t, data)
	for _, path := range []string{"/", "/search?q=laptops", "/agencies", "/sources", "/methodology"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		bufio.NewReader(resp.Body).WriteTo(&b)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
		if !strings.Contains(b.String(), "Demo data") {
			t.Errorf("%s: no demo label", path)
		}
	}
	var stats struct {
		Contracts int  `json:"contracts"`
		Demo      bool `json:"demo"`
	}
	resp, err := http.Get("http://" + addr + "/api/v1/stats")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&stats)
	resp.Body.Close()
	if stats.Contracts < 100 {
		t.Errorf("demo portal holds %d contracts", stats.Contracts)
	}

	// A second writer fails fast and says why.
	start := time.Now()
	code, _, errOut := runCLI(t, nil, "import", "--data", data, "--format", "ocds", "--quiet", os.DevNull)
	if code == 0 || !strings.Contains(errOut, "in use") {
		t.Errorf("second writer: exit %d, %q", code, errOut)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second writer took %v to fail", d)
	}
}

// TestExpensiveQueriesRefused: leading wildcards, regexps and huge queries get
// a 400 with an explanation, fast.
func TestExpensiveQueriesRefused(t *testing.T) {
	a := openWeb(t, filepath.Join(t.TempDir(), "data"))
	huge := strings.Repeat("word ", 100)
	for _, q := range []string{"*pital", "ho*al", "/.*a.*/", "laptop~2", huge, "nosuchfield:x", strings.Repeat("a", 600)} {
		code, body, took := get(t, a, "/api/v1/search?q="+url.QueryEscape(q))
		if code != 400 {
			t.Errorf("q=%.40q: status %d, want 400", q, code)
			continue
		}
		var prob struct{ Title, Detail string }
		if err := json.Unmarshal(body, &prob); err != nil || prob.Detail == "" {
			t.Errorf("q=%.40q: no explanation: %s", q, body)
		}
		if took > 100*time.Millisecond {
			t.Errorf("q=%.40q: refused in %v", q, took)
		}
		// The HTML page explains it too.
		code, page, _ := get(t, a, "/search?q="+url.QueryEscape(q))
		if code != 400 || !strings.Contains(html.UnescapeString(string(page)), prob.Detail) {
			t.Errorf("q=%.40q: HTML page %d does not show the explanation", q, code)
		}
	}
}
