package ingest

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

func TestScheduleValidation(t *testing.T) {
	r := newTestRunner(t, newFakeStore(), nil, nil)
	src := func(name, spec string) SourceConfig {
		return SourceConfig{Name: name, Format: "ocds", Location: "https://example.org/api", Schedule: spec}
	}
	for _, spec := range []string{"0 3 * * *", "*/15 * * * 1-5", "@every 1h", "@daily", "@hourly", "CRON_TZ=UTC 0 3 * * *", ""} {
		if _, err := NewScheduler(r, []SourceConfig{src("ok", spec)}, nil, nil); err != nil {
			t.Errorf("spec %q refused: %v", spec, err)
		}
	}
	for _, spec := range []string{"61 * * * *", "* * * *", "0 0 * * * *", "@every", "@every -1h", "@every 0s", "@sometimes", "CRON_TZ=UTC", "CRON_TZ=Mars/Base 0 3 * * *", "every hour"} {
		_, err := NewScheduler(r, []SourceConfig{src("feed", spec)}, nil, nil)
		if err == nil || !errors.Is(err, procure.ErrInvalid) || !strings.Contains(err.Error(), "source feed: invalid schedule") {
			t.Errorf("spec %q: err = %v", spec, err)
		}
	}
	bad := [][]SourceConfig{
		{src("a", "@daily"), src("a", "@hourly")},
		{{Name: "x", Format: "csv", Location: "/tmp/x"}},
		{{Name: "", Format: "ocds", Location: "/tmp/x"}},
		{{Name: "y", Format: "ocds", Location: "https://example.org", Options: map[string]string{"pagesize": "10"}}},
		{{Name: "z", Format: "ocds", Location: "http://10.0.0.1/api"}},
	}
	for _, b := range bad {
		if _, err := NewScheduler(r, b, nil, nil); err == nil {
			t.Errorf("NewScheduler(%+v) accepted", b)
		}
	}
}

func TestNextRun(t *testing.T) {
	r := newTestRunner(t, newFakeStore(), nil, func(c *RunnerConfig) {
		c.Clock = func() time.Time { return time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC) }
	})
	loc := time.FixedZone("UTC+3", 3*3600)
	s, err := NewScheduler(r, []SourceConfig{
		{Name: "nightly", Format: "ocds", Location: "https://example.org/a", Schedule: "0 3 * * *"},
		{Name: "hourly", Format: "ocds", Location: "https://example.org/b", Schedule: "@every 1h"},
		{Name: "manual", Format: "ocds", Location: "https://example.org/c"},
	}, nil, loc)
	if err != nil {
		t.Fatal(err)
	}
	// 12:00 UTC is 15:00 in UTC+3: the next 03:00 there is tomorrow.
	if got, want := s.NextRun("nightly"), time.Date(2030, 1, 2, 3, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("NextRun(nightly) = %v, want %v", got, want)
	}
	if got := s.NextRun("hourly"); !got.Equal(time.Date(2030, 1, 1, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("NextRun(hourly) = %v", got)
	}
	if !s.NextRun("manual").IsZero() || !s.NextRun("unknown").IsZero() {
		t.Error("unscheduled sources have a next run")
	}
	if got := len(s.Sources()); got != 3 {
		t.Errorf("Sources() = %d", got)
	}
	// Once started, cron's own clock decides.
	s.Start(context.Background())
	now := time.Now()
	if got := s.NextRun("hourly"); got.Before(now.Add(59*time.Minute)) || got.After(now.Add(61*time.Minute)) {
		t.Errorf("started NextRun(hourly) = %v (now %v)", got, now)
	}
	<-s.Stop().Done()
	if !s.NextRun("hourly").IsZero() {
		t.Error("a stopped scheduler reports a next run")
	}
}

// blockingRunner returns a runner whose fetch blocks until release is
// closed, counting entries.
func blockingRunner(t *testing.T, st *fakeStore, entered chan<- string, release <-chan struct{}, calls *atomic.Int64) *Runner {
	return newTestRunner(t, st, nil, func(c *RunnerConfig) {
		c.Fetch = func(ctx context.Context, cfg source.Config, s source.State, fn func(source.Doc) error) (source.State, error) {
			calls.Add(1)
			entered <- cfg.Name
			select {
			case <-release:
			case <-ctx.Done():
				return s, ctx.Err()
			}
			return s, fn(source.Doc{Body: strings.NewReader(`{"releases":[{"ocid":"o-` + cfg.Name + `","id":"1","date":"2024-01-01T00:00:00Z"}]}`), URL: cfg.Location, Size: -1})
		}
	})
}

// TestOverlappingTriggers is R-8: a tick (or an admin RunNow) while the same
// source runs is skipped and logged, not queued.
func TestOverlappingTriggers(t *testing.T) {
	st := newFakeStore()
	entered := make(chan string, 8)
	release := make(chan struct{})
	var calls atomic.Int64
	r := blockingRunner(t, st, entered, release, &calls)
	s, err := NewScheduler(r, []SourceConfig{{Name: "feed", Format: "ocds", Location: "/data/feed", Schedule: "@daily"}}, nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.RunNow(context.Background(), "feed"); done <- err }()
	<-entered
	// An admin action while it runs.
	if _, err := s.RunNow(context.Background(), "feed"); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("overlapping RunNow: %v", err)
	}
	// A cron tick while it runs: the wrapped job returns at once.
	job := s.cron.Entry(s.entries["feed"]).WrappedJob
	tick := make(chan struct{})
	go func() { job.Run(); close(tick) }()
	select {
	case <-tick:
	case <-time.After(2 * time.Second):
		t.Fatal("an overlapping tick was queued instead of skipped")
	}
	if r.Skipped() != 2 || calls.Load() != 1 {
		t.Fatalf("skipped %d, fetches %d", r.Skipped(), calls.Load())
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Two cron ticks at once: SkipIfStillRunning lets only one through.
	release2 := make(chan struct{})
	r2 := blockingRunner(t, newFakeStore(), entered, release2, &calls)
	s2, _ := NewScheduler(r2, []SourceConfig{{Name: "feed", Format: "ocds", Location: "/data/feed", Schedule: "@daily"}}, nil, time.UTC)
	job2 := s2.cron.Entry(s2.entries["feed"]).WrappedJob
	first := make(chan struct{})
	go func() { job2.Run(); close(first) }()
	<-entered
	job2.Run() // returns immediately: skipped by the cron chain
	close(release2)
	<-first
	if calls.Load() != 2 {
		t.Fatalf("fetches = %d, want 2", calls.Load())
	}
}

// TestPanicDoesNotKillScheduler: a panic inside a run is recovered and
// recorded as a failed run; a panic that escapes a job is caught by
// cron.Recover; the scheduler keeps working.
func TestPanicDoesNotKillScheduler(t *testing.T) {
	api := newOCDSAPI(t)
	api.add("panic", "r1", "2024-01-01T00:00:00Z")
	st := newFakeStore()
	r := newTestRunner(t, st, nil, nil)
	src := apiSource(api)
	s, err := NewScheduler(r, []SourceConfig{src}, nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer func() { <-s.Stop().Done() }()
	run, err := s.RunNow(context.Background(), src.Name)
	if err == nil || run.Status != StatusFailed || !strings.Contains(run.Message, "panic") {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if rec := st.run(run.ID); rec.Status != StatusFailed {
		t.Fatalf("recorded %+v", rec)
	}
	// A panic outside the Runner's own recovery (here: in the store's
	// StartRun) reaches cron.Recover through the wrapped job.
	ps := &panicStore{fakeStore: newFakeStore()}
	r2 := newTestRunner(t, nil, nil, func(c *RunnerConfig) { c.Store = ps })
	s2, err := NewScheduler(r2, []SourceConfig{src}, nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	s2.cron.Entry(s2.entries[src.Name]).WrappedJob.Run() // must not panic
	if r2.Running(src.Name) {
		t.Fatal("source still marked running after a panic")
	}
	// Both schedulers still work.
	api.releases = nil
	api.add("ocds-1", "r1", "2024-01-01T00:00:00Z")
	if run, err := s.RunNow(context.Background(), src.Name); err != nil || run.Status != StatusOK {
		t.Fatalf("run after panic = %+v, %v", run, err)
	}
	ps.ok = true
	if run, err := s2.RunNow(context.Background(), src.Name); err != nil || run.Status != StatusOK {
		t.Fatalf("run after escaped panic = %+v, %v", run, err)
	}
	if s.NextRun(src.Name).IsZero() {
		t.Fatal("schedule lost after a panic")
	}
}

type panicStore struct {
	*fakeStore
	ok bool
}

func (p *panicStore) StartRun(ctx context.Context, src string, started time.Time) (int64, error) {
	if !p.ok {
		panic("store bug")
	}
	return p.fakeStore.StartRun(ctx, src, started)
}

// TestStopWaits: Stop's context is done only after the running import
// finished; nothing runs after Stop.
func TestStopWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real cron tick (about 1s)")
	}
	st := newFakeStore()
	entered := make(chan string, 8)
	release := make(chan struct{})
	var calls atomic.Int64
	r := blockingRunner(t, st, entered, release, &calls)
	s, err := NewScheduler(r, []SourceConfig{{Name: "tick", Format: "ocds", Location: "/data/tick", Schedule: "@every 1s"}}, nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	select {
	case <-entered: // a real cron tick started a run
	case <-time.After(3 * time.Second):
		t.Fatal("cron never ran the job")
	}
	stopped := s.Stop()
	select {
	case <-stopped.Done():
		t.Fatal("Stop returned while an import was running")
	case <-time.After(150 * time.Millisecond):
	}
	close(release)
	select {
	case <-stopped.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("Stop never finished")
	}
	if n := len(st.ids()); n != 1 {
		t.Fatalf("the running import did not complete: %d releases", n)
	}
	if _, err := s.RunNow(context.Background(), "tick"); !errors.Is(err, ErrStopped) {
		t.Fatalf("RunNow after Stop: %v", err)
	}
	time.Sleep(1200 * time.Millisecond) // no tick after Stop
	if calls.Load() != 1 {
		t.Fatalf("%d runs, want 1", calls.Load())
	}
}

// TestStartContextCancelsRuns: cancelling Start's context aborts a running
// scheduled import, which is recorded as failed.
func TestStartContextCancelsRuns(t *testing.T) {
	st := newFakeStore()
	entered := make(chan string, 1)
	var calls atomic.Int64
	r := blockingRunner(t, st, entered, make(chan struct{}), &calls)
	s, err := NewScheduler(r, []SourceConfig{{Name: "feed", Format: "ocds", Location: "/data/feed", Schedule: "@daily"}}, nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.Start(ctx)
	done := make(chan struct{})
	go func() { s.cron.Entry(s.entries["feed"]).WrappedJob.Run(); close(done) }()
	<-entered
	cancel()
	<-done
	<-s.Stop().Done()
	if rec := st.run(1); rec.Status != StatusFailed || !strings.Contains(rec.Message, "cancel") {
		t.Fatalf("recorded %+v", rec)
	}
}
