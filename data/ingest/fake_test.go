package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// fakeStore is an in-memory Store that records every call.
type fakeStore struct {
	mu        sync.Mutex
	releases  map[string]procure.SourceRelease // key ocid|id → current version
	sha       map[string]string
	contracts map[string]procure.Contract
	dirty     map[string]bool
	runs      map[int64]procure.ImportRun
	problems  map[int64][]procure.Problem
	state     map[string][]byte
	nextID    int64
	applied   map[int64][]string // run → ocid|id of every release handed to ApplyBatch
	batches   int
	setStates int
	readBack  int // contracts returned by DirtyContracts

	inBatch  atomic.Int32 // concurrent ApplyBatch detector
	overlaps atomic.Int32

	// failures
	failBatch   int // ApplyBatch number (1-based) that fails
	markIgnored bool
	applyDelay  time.Duration
}

func newFakeStore() *fakeStore {
	return &fakeStore{
		releases: map[string]procure.SourceRelease{}, sha: map[string]string{},
		contracts: map[string]procure.Contract{}, dirty: map[string]bool{},
		runs: map[int64]procure.ImportRun{}, problems: map[int64][]procure.Problem{},
		state: map[string][]byte{}, applied: map[int64][]string{},
	}
}

func (s *fakeStore) StartRun(ctx context.Context, src string, started time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.runs[s.nextID] = procure.ImportRun{ID: s.nextID, Source: src, Started: started, Status: StatusRunning}
	return s.nextID, nil
}

func (s *fakeStore) AddProblems(ctx context.Context, runID int64, ps []procure.Problem) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems[runID] = append(s.problems[runID], ps...)
	return nil
}

func (s *fakeStore) FinishRun(ctx context.Context, run procure.ImportRun) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	run.Problems = nil
	s.runs[run.ID] = run
	return nil
}

func (s *fakeStore) ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, compile CompileFunc) (BatchResult, error) {
	if s.inBatch.Add(1) > 1 {
		s.overlaps.Add(1)
	}
	defer s.inBatch.Add(-1)
	if s.applyDelay > 0 {
		time.Sleep(s.applyDelay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	if s.batches == s.failBatch {
		return BatchResult{}, errors.New("disk full")
	}
	var res BatchResult
	touched := map[string]bool{}
	for _, r := range rels {
		k := r.OCID + "|" + r.ID
		s.applied[runID] = append(s.applied[runID], k)
		if s.sha[k] == r.SHA256 {
			res.Unchanged++
			continue
		}
		s.sha[k] = r.SHA256
		s.releases[k] = r
		res.Stored++
		touched[r.OCID] = true
	}
	for _, ocid := range slices.Sorted(maps.Keys(touched)) {
		var all []procure.SourceRelease
		for k, r := range s.releases {
			if r.OCID == ocid {
				_ = k
				all = append(all, r)
			}
		}
		c, err := compile(ocid, all)
		if err != nil {
			res.Problems = append(res.Problems, procure.Problem{Severity: procure.SevError, Code: "compile-failed", Message: err.Error(), OCID: ocid})
			continue
		}
		s.contracts[ocid] = c.Contract
		s.dirty[ocid] = true
		res.Changed = append(res.Changed, ocid)
		res.Contracts = append(res.Contracts, c.Contract)
	}
	return res, nil
}

func (s *fakeStore) DirtyContracts(ctx context.Context, limit int) ([]procure.Contract, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []procure.Contract
	for _, k := range slices.Sorted(maps.Keys(s.dirty)) {
		if len(out) == limit {
			break
		}
		out = append(out, s.contracts[k])
	}
	s.readBack += len(out)
	return out, nil
}

func (s *fakeStore) MarkIndexed(ctx context.Context, ocids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.markIgnored {
		return nil
	}
	for _, o := range ocids {
		delete(s.dirty, o)
	}
	return nil
}

func (s *fakeStore) State(ctx context.Context, src string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.state[src]
	if !ok {
		return nil, fmt.Errorf("state of %s: %w", src, procure.ErrNotFound)
	}
	return b, nil
}

func (s *fakeStore) SetState(ctx context.Context, src string, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[src] = bytes.Clone(b)
	s.setStates++
	return nil
}

func (s *fakeStore) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.releases))
}

func (s *fakeStore) run(id int64) procure.ImportRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[id]
}

func (s *fakeStore) savedState(t *testing.T, src string) persisted {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var p persisted
	if b, ok := s.state[src]; ok {
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// fakeIndex records indexed contracts.
type fakeIndex struct {
	mu    sync.Mutex
	ocids []string
	fail  bool
}

func (x *fakeIndex) Index(ctx context.Context, cs []procure.Contract) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fail {
		return errors.New("index is locked")
	}
	for _, c := range cs {
		x.ocids = append(x.ocids, c.OCID)
	}
	return nil
}

func (x *fakeIndex) got() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := slices.Clone(x.ocids)
	sort.Strings(out)
	return slices.Compact(out)
}

// fakeCompile summarises an ocid from its releases.
func fakeCompile(ocid string, rels []procure.SourceRelease) (procure.Compiled, error) {
	if ocid == "ocds-bad" {
		return procure.Compiled{}, errors.New("cannot merge")
	}
	c := procure.Contract{OCID: ocid, Title: ocid, ReleaseCount: len(rels)}
	for _, r := range rels {
		if r.Date.After(c.LastRelease) {
			c.LastRelease = r.Date
		}
	}
	return procure.Compiled{OCID: ocid, Contract: c}, nil
}

// parsePackage is the tiny local parser of the tests: a release package
// (or JSON Lines of bare releases), one release per emit. A release whose
// ocid is "invalid" is reported as an error and not emitted; a document that
// is not JSON fails as a whole.
func parsePackage(ctx context.Context, r io.Reader, opt ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	index := 0
	for {
		var doc struct {
			Releases []json.RawMessage `json:"releases"`
			OCID     string            `json:"ocid"`
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return err
		}
		rels := doc.Releases
		if doc.OCID != "" {
			rels = []json.RawMessage{raw}
		}
		for _, b := range rels {
			var rel struct {
				OCID string    `json:"ocid"`
				ID   string    `json:"id"`
				Date time.Time `json:"date"`
			}
			if err := json.Unmarshal(b, &rel); err != nil {
				return err
			}
			loc := procure.Location{File: opt.URL, Index: index}
			index++
			if rel.OCID == "invalid" {
				report(procure.Problem{Severity: procure.SevError, Code: "missing-ocid", Message: "no ocid", Location: loc})
				continue
			}
			if rel.OCID == "panic" {
				panic("parser bug")
			}
			sum := sha256.Sum256(b)
			if err := emit(procure.SourceRelease{OCID: rel.OCID, ID: rel.ID, Date: rel.Date, Raw: b, SHA256: hex.EncodeToString(sum[:]),
				Source: opt.Source, URL: opt.URL, RetrievedAt: opt.RetrievedAt, Location: loc}); err != nil {
				return err
			}
		}
	}
}

func newTestRunner(t *testing.T, st *fakeStore, ix Index, mod func(*RunnerConfig)) *Runner {
	t.Helper()
	cfg := RunnerConfig{
		Store:   st,
		Index:   ix,
		Parsers: map[string]ParseFunc{"ocds": parsePackage},
		Compile: fakeCompile,
		Logger:  slog.New(slog.NewTextHandler(newTestWriter(t), &slog.HandlerOptions{Level: slog.LevelDebug})),
		Clock:   func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	if mod != nil {
		mod(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testWriter sends log lines to t.Log until the test ends; later lines
// (cron's goroutine logs "stop" after Stop returned) are dropped, since
// t.Log panics once the test has completed.
type testWriter struct{ w *testLog }

type testLog struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func newTestWriter(t *testing.T) testWriter {
	l := &testLog{t: t}
	t.Cleanup(func() {
		l.mu.Lock()
		l.done = true
		l.mu.Unlock()
	})
	return testWriter{l}
}

func (w testWriter) Write(b []byte) (int, error) {
	w.w.mu.Lock()
	defer w.w.mu.Unlock()
	if !w.w.done {
		w.w.t.Log(string(bytes.TrimRight(b, "\n")))
	}
	return len(b), nil
}
