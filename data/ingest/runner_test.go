package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

func TestNotModified(t *testing.T) {
	api := newOCDSAPI(t)
	api.etag = true
	api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
	st := newFakeStore()
	var parsed atomic.Int64
	r := newTestRunner(t, st, &fakeIndex{}, func(c *RunnerConfig) {
		c.Parsers["ocds"] = func(ctx context.Context, rd io.Reader, opt ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error {
			parsed.Add(1)
			return parsePackage(ctx, rd, opt, emit, report)
		}
	})
	src := apiSource(api)
	if _, err := r.Run(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	// Run 2 asks for releases after 2024-01-01: an empty page, with its ETag.
	if run, err := r.Run(context.Background(), src); err != nil || run.Status != StatusOK {
		t.Fatalf("run 2: %+v %v", run, err)
	}
	before := st.savedState(t, src.Name)
	if len(before.ETag) != 1 {
		t.Fatalf("no ETag saved: %+v", before)
	}
	api.requests()
	parsed.Store(0)
	sets := st.setStates
	run, err := r.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != StatusNotModified || run.Read != 0 {
		t.Fatalf("run 3 = %+v, want not-modified", run)
	}
	if parsed.Load() != 0 {
		t.Fatal("a 304 answer was parsed")
	}
	if st.run(run.ID).Status != StatusNotModified {
		t.Fatalf("recorded %+v", st.run(run.ID))
	}
	if st.setStates != sets || !slices.Equal(mapKeys(st.savedState(t, src.Name).ETag), mapKeys(before.ETag)) {
		t.Fatal("state changed on a not-modified run")
	}
	if reqs := api.requests(); len(reqs) != 1 {
		t.Fatalf("requests = %v", reqs)
	}
}

func mapKeys(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// TestFailedRunKeepsData: a run that fails (server errors beyond the retry
// budget, a broken page, a store failure) leaves earlier data and the since
// cursor untouched; batches it committed stay.
func TestFailedRunKeepsData(t *testing.T) {
	for _, tt := range []struct {
		name      string
		prepare   func(api *ocdsAPI, st *fakeStore)
		wantMsg   string
		committed int // releases of the failed run that stay stored
	}{
		{
			name: "retry budget exhausted",
			prepare: func(api *ocdsAPI, st *fakeStore) {
				api.fail[1], api.fail[2], api.fail[3], api.fail[4] = 503, 503, 503, 503
			},
			wantMsg: "gave up after 4 attempts",
		},
		{
			name:    "404 fails fast",
			prepare: func(api *ocdsAPI, st *fakeStore) { api.fail[1] = 404 },
			wantMsg: "404 Not Found",
		},
		{
			name: "second page fails",
			prepare: func(api *ocdsAPI, st *fakeStore) {
				api.fail[2], api.fail[3], api.fail[4], api.fail[5] = 500, 500, 500, 500
			},
			wantMsg:   "page 2",
			committed: 2,
		},
		{
			name:    "store fails",
			prepare: func(api *ocdsAPI, st *fakeStore) { st.failBatch = st.batches + 1 },
			wantMsg: "disk full",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := newOCDSAPI(t)
			api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
			st := newFakeStore()
			r := newTestRunner(t, st, &fakeIndex{}, func(c *RunnerConfig) { c.BatchSize = 2 })
			src := apiSource(api)
			if _, err := r.Run(context.Background(), src); err != nil {
				t.Fatal(err)
			}
			stateBefore := st.savedState(t, src.Name)
			for i := 2; i <= 6; i++ {
				api.add(fmt.Sprintf("ocds-%d", i), "r", fmt.Sprintf("2024-01-0%dT00:00:00Z", i))
			}
			api.requests()
			tt.prepare(api, st)
			run, err := r.Run(context.Background(), src)
			if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, tt.wantMsg) {
				t.Fatalf("run = %+v, err = %v; want failed with %q", run, err, tt.wantMsg)
			}
			if rec := st.run(run.ID); rec.Status != StatusFailed || rec.Message == "" {
				t.Fatalf("recorded run = %+v", rec)
			}
			if after := st.savedState(t, src.Name); after.Since != stateBefore.Since || after.Run != stateBefore.Run {
				t.Fatalf("state advanced by a failed run: %+v → %+v", stateBefore, after)
			}
			ids := st.ids()
			if !slices.Contains(ids, "ocds-1|r1") {
				t.Fatal("a failed run removed earlier data")
			}
			if len(ids) != 1+tt.committed {
				t.Fatalf("store holds %v, want the first release plus %d committed", ids, tt.committed)
			}
			// The next run succeeds from the same cursor and completes the data.
			clear(api.fail)
			st.failBatch = 0
			api.requests()
			run, err = r.Run(context.Background(), src)
			if err != nil || run.Status != StatusOK || run.Read != 5 || run.Unchanged != tt.committed {
				t.Fatalf("retry run = %+v, %v", run, err)
			}
			if reqs := api.requests(); !strings.Contains(reqs[0], "updatedFrom=2024-01-01T00%3A00%3A00Z") {
				t.Fatalf("retry did not restart from the saved cursor: %v", reqs)
			}
			if len(st.ids()) != 6 {
				t.Fatalf("store holds %v", st.ids())
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	api := newOCDSAPI(t)
	api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
	api.fail[1] = 500
	st := newFakeStore()
	r := newTestRunner(t, st, &fakeIndex{}, nil)
	run, err := r.Run(context.Background(), apiSource(api))
	if err != nil || run.Status != StatusOK || run.Stored != 1 {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if reqs := api.requests(); len(reqs) != 2 {
		t.Fatalf("requests = %v", reqs)
	}
}

func TestPartialRunAndProblems(t *testing.T) {
	api := newOCDSAPI(t)
	api.pageSize = 10
	api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
	api.add("invalid", "r2", "2024-01-02T00:00:00Z")
	api.add("ocds-bad", "r3", "2024-01-03T00:00:00Z") // compile fails
	st := newFakeStore()
	r := newTestRunner(t, st, &fakeIndex{}, nil)
	run, err := r.Run(context.Background(), apiSource(api))
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != StatusPartial || run.Errors != 2 || run.Read != 2 || run.Stored != 2 {
		t.Fatalf("run = %+v", run)
	}
	codes := []string{}
	for _, p := range st.problems[run.ID] {
		codes = append(codes, p.Code)
	}
	slices.Sort(codes)
	if !slices.Equal(codes, []string{"compile-failed", "missing-ocid"}) {
		t.Fatalf("recorded problems %v", codes)
	}
	if len(run.Problems) != 2 || run.Problems[0].Location.File == "" {
		t.Fatalf("returned problems %+v", run.Problems)
	}
	// A partial run still advances the cursor.
	if saved := st.savedState(t, "test-api"); saved.Since != "2024-01-03T00:00:00Z" {
		t.Fatalf("since = %q", saved.Since)
	}
}

func TestBatchingAndIndexing(t *testing.T) {
	api := newOCDSAPI(t)
	api.pageSize = 4
	for i := range 10 {
		api.add(fmt.Sprintf("ocds-%02d", i), "r", fmt.Sprintf("2024-02-%02dT00:00:00Z", i+1))
	}
	st, ix := newFakeStore(), &fakeIndex{}
	st.applyDelay = 2 * time.Millisecond
	r := newTestRunner(t, st, ix, func(c *RunnerConfig) { c.BatchSize = 3 })
	run, err := r.Run(context.Background(), apiSource(api))
	if err != nil || run.Stored != 10 {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if st.batches != 4 { // 3 + 3 + 3 + 1
		t.Fatalf("%d batches, want 4", st.batches)
	}
	if st.overlaps.Load() != 0 {
		t.Fatal("ApplyBatch ran concurrently with itself")
	}
	if got := ix.got(); len(got) != 10 || len(st.dirty) != 0 {
		t.Fatalf("indexed %d, %d still dirty", len(got), len(st.dirty))
	}
}

// TestIndexCatchUp: the index fails during a run; the data is stored and
// stays dirty; IndexDirty catches up later.
func TestIndexCatchUp(t *testing.T) {
	api := newOCDSAPI(t)
	api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
	api.add("ocds-2", "r2", "2024-01-02T00:00:00Z")
	st, ix := newFakeStore(), &fakeIndex{fail: true}
	r := newTestRunner(t, st, ix, nil)
	run, err := r.Run(context.Background(), apiSource(api))
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "will be indexed later") {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if len(st.ids()) != 2 || len(st.dirty) != 2 {
		t.Fatalf("stored %v, dirty %v", st.ids(), st.dirty)
	}
	ix.fail = false
	n, err := r.IndexDirty(context.Background())
	if err != nil || n != 2 || len(st.dirty) != 0 {
		t.Fatalf("IndexDirty = %d, %v; dirty %v", n, err, st.dirty)
	}
	// A store that never clears dirty flags is detected, not looped on.
	st.markIgnored = true
	st.dirty["ocds-1"] = true
	if _, err := r.IndexDirty(context.Background()); err == nil {
		t.Fatal("IndexDirty looped silently")
	}
	noIndex := newTestRunner(t, st, nil, nil)
	if _, err := noIndex.IndexDirty(context.Background()); !errors.Is(err, procure.ErrInvalid) {
		t.Fatalf("IndexDirty without an index: %v", err)
	}
}

func TestPanicRecorded(t *testing.T) {
	api := newOCDSAPI(t)
	api.add("panic", "r1", "2024-01-01T00:00:00Z")
	st := newFakeStore()
	r := newTestRunner(t, st, &fakeIndex{}, nil)
	run, err := r.Run(context.Background(), apiSource(api))
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "panic") {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if rec := st.run(run.ID); rec.Status != StatusFailed {
		t.Fatalf("recorded %+v", rec)
	}
	if r.Running("test-api") {
		t.Fatal("source still marked running after a panic")
	}
	// A panic in the compile callback (inside the store's writer goroutine).
	r2 := newTestRunner(t, st, &fakeIndex{}, func(c *RunnerConfig) {
		c.Compile = func(string, []procure.SourceRelease) (procure.Compiled, error) { panic("compile bug") }
	})
	api2 := newOCDSAPI(t)
	api2.add("ocds-x", "r1", "2024-01-01T00:00:00Z")
	run, err = r2.Run(context.Background(), apiSource(api2))
	if err == nil || !strings.Contains(run.Message, "compile bug") {
		t.Fatalf("run = %+v, %v", run, err)
	}
}

func TestUnknownFormatAndBadOptions(t *testing.T) {
	st := newFakeStore()
	r := newTestRunner(t, st, nil, nil)
	run, err := r.Run(context.Background(), SourceConfig{Name: "x", Format: "xml", Location: "/nonexistent"})
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, `unknown format "xml"`) {
		t.Fatalf("run = %+v, %v", run, err)
	}
	run, err = r.Run(context.Background(), SourceConfig{Name: "y", Format: "ocds", Location: "https://example.org/", Options: map[string]string{"since_format": "tomorrow"}})
	if err == nil || !strings.Contains(run.Message, "since_format") {
		t.Fatalf("run = %+v, %v", run, err)
	}
}

// TestOverlapAndSerialization: the same source twice → the second is
// skipped; two different sources never write at the same time.
func TestOverlapAndSerialization(t *testing.T) {
	st := newFakeStore()
	entered := make(chan string, 4)
	release := make(chan struct{})
	var active, maxActive atomic.Int32
	r := newTestRunner(t, st, nil, func(c *RunnerConfig) {
		c.Fetch = func(ctx context.Context, cfg source.Config, s source.State, fn func(source.Doc) error) (source.State, error) {
			n := active.Add(1)
			defer active.Add(-1)
			for {
				m := maxActive.Load()
				if n <= m || maxActive.CompareAndSwap(m, n) {
					break
				}
			}
			entered <- cfg.Name
			<-release
			return s, fn(source.Doc{Body: strings.NewReader(`{"releases":[{"ocid":"` + cfg.Name + `","id":"1"}]}`), URL: cfg.Location, Page: 1, Size: -1})
		}
	})
	var wg sync.WaitGroup
	results := make(chan error, 3)
	run := func(name string) {
		defer wg.Done()
		_, err := r.Run(context.Background(), SourceConfig{Name: name, Format: "ocds", Location: "/data/" + name})
		results <- err
	}
	wg.Add(1)
	go run("a")
	<-entered
	// Same source while running: skipped at once.
	if _, err := r.Run(context.Background(), SourceConfig{Name: "a", Format: "ocds", Location: "/data/a"}); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second run of a: %v", err)
	}
	if r.Skipped() != 1 {
		t.Fatalf("Skipped = %d", r.Skipped())
	}
	// Another source waits for the lock (bounded by its context).
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	if _, err := r.Run(ctx, SourceConfig{Name: "b", Format: "ocds", Location: "/data/b"}); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("b while a runs: %v", err)
	}
	cancel()
	wg.Add(1)
	go run("b")
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Fatal(err)
		}
	}
	if maxActive.Load() != 1 {
		t.Fatalf("%d runs were active at once", maxActive.Load())
	}
	if len(st.ids()) != 2 {
		t.Fatalf("stored %v", st.ids())
	}
}

func TestCancelledRun(t *testing.T) {
	st := newFakeStore()
	ctx, cancel := context.WithCancel(context.Background())
	r := newTestRunner(t, st, nil, func(c *RunnerConfig) {
		c.Fetch = func(ctx context.Context, cfg source.Config, s source.State, fn func(source.Doc) error) (source.State, error) {
			cancel()
			return s, fn(source.Doc{Body: strings.NewReader(`{"releases":[{"ocid":"o","id":"1"}]}`), URL: "u", Size: -1})
		}
	})
	run, err := r.Run(ctx, SourceConfig{Name: "c", Format: "ocds", Location: "/x"})
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "cancel") {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if rec := st.run(run.ID); rec.Status != StatusFailed {
		t.Fatalf("a cancelled run was not recorded: %+v", rec)
	}
}

func TestSinceCursor(t *testing.T) {
	started := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	r := newTestRunner(t, newFakeStore(), nil, nil)
	d := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	for _, tt := range []struct {
		old, format string
		max         time.Time
		want        string
	}{
		{"", "", d("2024-03-01T10:20:30.999Z"), "2024-03-01T10:20:30Z"}, // truncated, never rounded up
		{"", "", d("2024-03-01T10:20:30+02:00"), "2024-03-01T08:20:30Z"},
		{"2024-05-01T00:00:00Z", "", d("2024-03-01T00:00:00Z"), "2024-05-01T00:00:00Z"}, // never goes back
		{"2024-05-01T00:00:00Z", "", time.Time{}, "2024-05-01T00:00:00Z"},               // nothing new
		{"", "", d("2099-01-01T00:00:00Z"), "2030-01-01T00:00:00Z"},                     // future date capped
		{"", "date", d("2024-03-01T10:00:00Z"), "2024-03-01"},
		{"", "datetime", d("2024-03-01T10:00:00Z"), "2024-03-01T10:00:00"},
		{"", "unix", d("2024-03-01T00:00:00Z"), "1709251200"},
		{"1709251200", "unix", d("2024-02-01T00:00:00Z"), "1709251200"},
		{"", "02/01/2006", d("2024-03-01T00:00:00Z"), "01/03/2024"},
	} {
		if got := r.nextSince(tt.old, tt.max, started, tt.format, "s"); got != tt.want {
			t.Errorf("nextSince(%q, %v, %q) = %q, want %q", tt.old, tt.max, tt.format, got, tt.want)
		}
	}
}

func TestCorruptStateStartsOver(t *testing.T) {
	api := newOCDSAPI(t)
	api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
	st := newFakeStore()
	st.state["test-api"] = []byte("{not json")
	r := newTestRunner(t, st, nil, nil)
	run, err := r.Run(context.Background(), apiSource(api))
	if err != nil || run.Status != StatusOK || run.Warnings != 1 || run.Problems[0].Code != "state-unreadable" {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if reqs := api.requests(); reqs[0] != "/api/releases" {
		t.Fatalf("requests = %v", reqs)
	}
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestImportPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var big strings.Builder
	big.WriteString(`{"releases":[`)
	for i := range 2000 {
		if i > 0 {
			big.WriteByte(',')
		}
		fmt.Fprintf(&big, `{"ocid":"ocds-big-%d","id":"1","date":"2024-01-01T00:00:00Z","padding":"%s"}`, i, strings.Repeat("x", 100))
	}
	big.WriteString(`]}`)
	write("a/one.json", []byte(`{"releases":[{"ocid":"ocds-a","id":"1"}]}`))
	write("a/deep/two.jsonl.gz", gz(t, []byte("{\"ocid\":\"ocds-b\",\"id\":\"1\"}\n{\"ocid\":\"ocds-c\",\"id\":\"1\"}\n")))
	write("b/big.json", []byte(big.String()))
	write(".hidden/x.json", []byte(`{"releases":[{"ocid":"hidden","id":"1"}]}`))
	write("broken.json", []byte(`{"releases":[{"ocid":"ocds-d","id":"1"}`)) // truncated

	st := newFakeStore()
	var progress []Progress
	var slowParse = func(ctx context.Context, rd io.Reader, opt ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error {
		return parsePackage(ctx, rd, opt, func(r procure.SourceRelease) error {
			if strings.HasPrefix(r.OCID, "ocds-big-") && strings.HasSuffix(r.OCID, "00") {
				time.Sleep(15 * time.Millisecond) // long enough for a few progress ticks
			}
			return emit(r)
		}, report)
	}
	r := newTestRunner(t, st, &fakeIndex{}, func(c *RunnerConfig) { c.Parsers["ocds"] = slowParse })
	start := time.Now()
	run, err := r.ImportPaths(context.Background(), "cli", "ocds",
		[]string{filepath.Join(dir, "a"), filepath.Join(dir, "b", "big.json"), filepath.Join(dir, "broken.json"), filepath.Join(dir, "missing.json")},
		func(p Progress) { progress = append(progress, p) })
	elapsed := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "2 of 4 inputs failed") {
		t.Fatalf("err = %v", err)
	}
	if run.Status != StatusPartial || run.Read != 2003 || run.Stored != 2003 {
		t.Fatalf("run = %+v", run)
	}
	var failedInputs []string
	for _, p := range run.Problems {
		if p.Code == "input-failed" {
			failedInputs = append(failedInputs, filepath.Base(p.Location.File))
		}
	}
	if !slices.Equal(failedInputs, []string{"broken.json", "missing.json"}) {
		t.Fatalf("failed inputs = %v (%+v)", failedInputs, run.Problems)
	}
	if slices.Contains(st.ids(), "hidden|1") {
		t.Fatal("a dotfile was imported")
	}
	if _, ok := st.state["cli"]; ok {
		t.Fatal("ImportPaths saved a since state")
	}
	// Progress: throttled, monotonic, ends complete.
	if len(progress) < 2 || float64(len(progress)) > elapsed.Seconds()*4+6 {
		t.Fatalf("%d progress calls in %v", len(progress), elapsed)
	}
	for i := 1; i < len(progress); i++ {
		if progress[i].Bytes < progress[i-1].Bytes || progress[i].Records < progress[i-1].Records {
			t.Fatalf("progress went backwards: %+v then %+v", progress[i-1], progress[i])
		}
	}
	last := progress[len(progress)-1]
	if last.TotalBytes <= 0 || last.Records != 2003 || last.Stored != 2003 || last.Source != "cli" {
		t.Fatalf("last progress = %+v", last)
	}
}

func TestImportPathsAllFail(t *testing.T) {
	r := newTestRunner(t, newFakeStore(), nil, nil)
	run, err := r.ImportPaths(context.Background(), "cli", "ocds", []string{"/does/not/exist"}, nil)
	if err == nil || run.Status != StatusFailed || !errors.Is(err, procure.ErrNotFound) {
		t.Fatalf("run = %+v, err = %v", run, err)
	}
	run, err = r.ImportPaths(context.Background(), "cli", "nope", []string{"/does/not/exist"}, nil)
	if err == nil || !strings.Contains(run.Message, "unknown format") {
		t.Fatalf("unknown format: %+v %v", run, err)
	}
}

// deferringStore is a fakeStore that can defer its indexes, recording the
// order of the calls that matter.
type deferringStore struct {
	*fakeStore
	mu          sync.Mutex
	calls       []string
	restoreErr  error
	deferredNow bool
}

func (s *deferringStore) log(c string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.calls); n > 0 && s.calls[n-1] == c {
		return // one entry per run of equal calls
	}
	s.calls = append(s.calls, c)
}

func (s *deferringStore) DeferIndexes(ctx context.Context) (bool, error) {
	s.log("defer")
	if len(s.ids()) > 0 || s.deferredNow {
		return false, nil
	}
	s.deferredNow = true
	return true, nil
}

func (s *deferringStore) RestoreIndexes(ctx context.Context) error {
	s.log("restore")
	if s.restoreErr != nil {
		return s.restoreErr
	}
	s.deferredNow = false
	return nil
}

func (s *deferringStore) ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, compile CompileFunc) (BatchResult, error) {
	s.log("apply")
	return s.fakeStore.ApplyBatch(ctx, runID, rels, compile)
}

func (s *deferringStore) FinishRun(ctx context.Context, run procure.ImportRun) error {
	s.log("finish")
	return s.fakeStore.FinishRun(ctx, run)
}

func (s *deferringStore) takeCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	s.calls = nil
	return c
}

// TestDeferredIndexesAroundRun: a run into an empty store asks the store to
// defer its secondary indexes and builds them before it records its end,
// also when it fails; a store that did not defer is not asked to build; a
// failure to build them fails the run.
func TestDeferredIndexesAroundRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`{"releases":[{"ocid":"ocds-a","id":"1"},{"ocid":"ocds-b","id":"1"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	st := &deferringStore{fakeStore: newFakeStore()}
	cfg := RunnerConfig{Store: st, Index: &fakeIndex{}, Parsers: map[string]ParseFunc{"ocds": parsePackage}, Compile: fakeCompile}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	st.failBatch = 1 // the first run into the empty store fails: indexes are built all the same
	run, err := r.ImportPaths(ctx, "files", "ocds", []string{good}, nil)
	if err == nil || run.Status != StatusFailed {
		t.Fatalf("run = %+v, %v; want failed", run, err)
	}
	if got, want := st.takeCalls(), []string{"defer", "apply", "restore", "finish"}; !slices.Equal(got, want) {
		t.Fatalf("failed run calls %v, want %v", got, want)
	}

	st.failBatch = 0
	var phases []string
	progress := func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	run, err = r.ImportPaths(ctx, "files", "ocds", []string{good}, progress)
	if err != nil || run.Status != StatusOK {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if got, want := st.takeCalls(), []string{"defer", "apply", "restore", "finish"}; !slices.Equal(got, want) {
		t.Fatalf("first run calls %v, want %v", got, want)
	}
	if want := []string{"", PhaseStoreIndexes, ""}; !slices.Equal(phases[max(0, len(phases)-3):], want) {
		t.Errorf("progress phases %q, want them to end with %q", phases, want)
	}

	phases = nil
	run, err = r.ImportPaths(ctx, "files", "ocds", []string{good}, progress) // the store holds contracts now
	if err != nil || run.Status != StatusOK {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if got, want := st.takeCalls(), []string{"defer", "apply", "finish"}; !slices.Equal(got, want) {
		t.Fatalf("run into a filled store calls %v, want %v", got, want)
	}
	if slices.Contains(phases, PhaseStoreIndexes) {
		t.Errorf("progress phases %q of a run that deferred nothing", phases)
	}

	st2 := &deferringStore{fakeStore: newFakeStore(), restoreErr: errors.New("disk full")}
	cfg.Store = st2
	r2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	run, err = r2.ImportPaths(ctx, "files", "ocds", []string{good}, nil)
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "cannot build the store's indexes: disk full") {
		t.Fatalf("run = %+v, %v; want failed for the indexes", run, err)
	}
	if rec := st2.run(run.ID); rec.Status != StatusFailed {
		t.Fatalf("recorded run = %+v", rec)
	}
}
