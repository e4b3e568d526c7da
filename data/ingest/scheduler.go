package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

// Scheduler runs configured sources on their cron schedules (robfig/cron v3,
// explicit location). The cron closure only calls runScheduled, a plain
// method, so the logic is testable without waiting for cron. Jobs are
// wrapped in cron.Recover (a panic never kills the scheduler) and
// cron.SkipIfStillRunning (a tick while the same source still runs is
// skipped and logged, never queued); the Runner also skips a source that is
// already running (RunNow vs. a tick) and its lock serializes different
// sources.
type Scheduler struct {
	runner   *Runner
	entities *EntityRunner // nil: no entity formats
	log      *slog.Logger
	loc      *time.Location
	names    []string
	sources  map[string]SourceConfig
	specs    map[string]cron.Schedule
	cron     *cron.Cron
	entries  map[string]cron.EntryID

	mu      sync.Mutex
	ctx     context.Context // base context of scheduled runs, set by Start
	cancel  context.CancelFunc
	started bool
	stopped bool
	wg      sync.WaitGroup // runs in flight (cron ticks and RunNow)
}

// ErrStopped: the scheduler was stopped.
var ErrStopped = errors.New("the import scheduler is stopped")

// scheduleParser accepts standard 5-field specs and descriptors (@every 1h,
// @daily, ...), optionally prefixed with CRON_TZ=Area/City.
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule validates a cron spec and returns its schedule. An empty
// spec is valid and means "never scheduled" (nil schedule).
func ParseSchedule(spec string) (s cron.Schedule, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	// robfig/cron v3.0.1 panics on "CRON_TZ=X" without a following spec.
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%v", p)
		}
	}()
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return nil, errors.New("a time zone prefix must be followed by a schedule")
	}
	if rest, ok := strings.CutPrefix(spec, "@every "); ok {
		// cron silently turns zero or negative durations into 1s.
		if d, err := time.ParseDuration(strings.TrimSpace(rest)); err == nil && d < time.Second {
			return nil, fmt.Errorf("@every needs a duration of at least 1s, not %s", d)
		}
	}
	return scheduleParser.Parse(spec)
}

// CheckSource validates one source configuration against the known
// formats: name, format, location and options (source.CheckConfig), since
// format and schedule.
func CheckSource(src SourceConfig, parsers map[string]ParseFunc, extraFormats ...string) error {
	if strings.TrimSpace(src.Name) == "" {
		return fmt.Errorf("a source has no name: %w", procure.ErrInvalid)
	}
	if _, ok := parsers[src.Format]; !ok && !slices.Contains(extraFormats, src.Format) {
		known := make([]string, 0, len(parsers)+len(extraFormats))
		for k := range parsers {
			known = append(known, k)
		}
		known = append(known, extraFormats...)
		sort.Strings(known)
		return fmt.Errorf("source %s: unknown format %q (known: %s): %w", src.Name, src.Format, strings.Join(known, ", "), procure.ErrInvalid)
	}
	cfg, _, err := sourceConfig(src)
	if err != nil {
		return err
	}
	if err := source.CheckConfig(cfg); err != nil {
		return err
	}
	if _, err := ParseSchedule(src.Schedule); err != nil {
		return fmt.Errorf("source %s: invalid schedule %q: %v (use five fields \"minute hour day-of-month month day-of-week\", e.g. \"0 3 * * *\", or @every 1h, @hourly, @daily, @weekly): %w",
			src.Name, src.Schedule, err, procure.ErrInvalid)
	}
	return nil
}

// NewScheduler validates every source (see CheckSource; names must be
// unique) and prepares the schedule in loc (nil means UTC). Nothing runs
// until Start.
func NewScheduler(runner *Runner, sources []SourceConfig, logger *slog.Logger, loc *time.Location) (*Scheduler, error) {
	return NewSchedulerWith(runner, nil, sources, logger, loc)
}

// NewSchedulerWith is NewScheduler for sources of release formats (runner)
// and of entity formats (entities: ownership registers and sanctions lists;
// may be nil).
func NewSchedulerWith(runner *Runner, entities *EntityRunner, sources []SourceConfig, logger *slog.Logger, loc *time.Location) (*Scheduler, error) {
	if runner == nil {
		return nil, fmt.Errorf("ingest: NewScheduler needs a Runner: %w", procure.ErrInvalid)
	}
	if logger == nil {
		logger = runner.log
	}
	if loc == nil {
		loc = time.UTC
	}
	var extra []string
	if entities != nil {
		extra = entities.Formats()
	}
	s := &Scheduler{runner: runner, entities: entities, log: logger, loc: loc,
		sources: map[string]SourceConfig{}, specs: map[string]cron.Schedule{}, entries: map[string]cron.EntryID{}}
	var errs []error
	for _, src := range sources {
		if _, dup := s.sources[src.Name]; dup {
			errs = append(errs, fmt.Errorf("source %s is configured twice: %w", src.Name, procure.ErrInvalid))
			continue
		}
		if err := CheckSource(src, runner.cfg.Parsers, extra...); err != nil {
			errs = append(errs, err)
			continue
		}
		sched, _ := ParseSchedule(src.Schedule)
		s.sources[src.Name] = src
		s.names = append(s.names, src.Name)
		if sched != nil {
			s.specs[src.Name] = sched
			if ev, ok := sched.(cron.ConstantDelaySchedule); ok && ev.Delay < time.Minute {
				logger.Warn("source scheduled more often than once a minute", "source", src.Name, "schedule", src.Schedule)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cl := cronLogger{l: logger}
	s.cron = cron.New(
		cron.WithLocation(loc),
		cron.WithParser(scheduleParser),
		cron.WithLogger(cl),
		// Recover is outermost: a panic anywhere in a job is logged and the
		// scheduler keeps going (the Runner also recovers and records the
		// run as failed).
		cron.WithChain(cron.Recover(cl)),
	)
	for _, name := range s.names {
		sched, ok := s.specs[name]
		if !ok {
			continue
		}
		// SkipIfStillRunning per entry, with a logger that names the source.
		job := cron.NewChain(cron.SkipIfStillRunning(cronLogger{l: logger, source: name})).Then(cron.FuncJob(func() {
			_, _ = s.runScheduled(s.baseContext(), name)
		}))
		s.entries[name] = s.cron.Schedule(sched, job)
	}
	return s, nil
}

// Start starts the schedule. ctx is the parent of every scheduled run:
// cancelling it aborts running imports (their committed batches stay).
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopped {
		return
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.started = true
	s.cron.Start()
	for _, name := range s.names {
		if _, ok := s.specs[name]; ok {
			s.log.Info("import scheduled", "source", name, "schedule", s.sources[name].Schedule, "next", s.nextRunLocked(name))
		}
	}
}

// Stop stops scheduling new runs and returns a context that is done when
// every running import (scheduled or RunNow) has finished. It does not
// interrupt them: bound the wait with your own deadline, and cancel the
// context given to Start to abort them.
func (s *Scheduler) Stop() context.Context {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	cronDone := s.cron.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-cronDone.Done()
		s.wg.Wait()
		cancel()
	}()
	return ctx
}

// NextRun returns when the named source runs next (zero when it has no
// schedule or is unknown).
func (s *Scheduler) NextRun(name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextRunLocked(name)
}

// nextRunLocked is NextRun for callers holding s.mu.
func (s *Scheduler) nextRunLocked(name string) time.Time {
	sched, ok := s.specs[name]
	if !ok || s.stopped {
		return time.Time{}
	}
	if s.started {
		if e := s.cron.Entry(s.entries[name]); e.Valid() && !e.Next.IsZero() {
			return e.Next
		}
	}
	return sched.Next(s.runner.cfg.Clock().In(s.loc))
}

// Sources returns the configured sources in configuration order.
func (s *Scheduler) Sources() []SourceConfig {
	out := make([]SourceConfig, 0, len(s.names))
	for _, n := range s.names {
		out = append(out, s.sources[n])
	}
	return out
}

// RunNow runs the named source at once (an admin action, tests). It is
// skipped with ErrAlreadyRunning when that source is running, and waits
// (bounded by ctx) while another source runs.
func (s *Scheduler) RunNow(ctx context.Context, name string) (procure.ImportRun, error) {
	return s.runScheduled(ctx, name)
}

func (s *Scheduler) baseContext() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// runScheduled is the scheduled job: one run of one source.
func (s *Scheduler) runScheduled(ctx context.Context, name string) (procure.ImportRun, error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return procure.ImportRun{Source: name, Status: StatusSkipped}, fmt.Errorf("import %s: %w", name, ErrStopped)
	}
	src, ok := s.sources[name]
	if !ok {
		s.mu.Unlock()
		return procure.ImportRun{}, fmt.Errorf("import %s: no such source: %w", name, procure.ErrNotFound)
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	if s.entities != nil && s.entities.HasFormat(src.Format) {
		return s.entities.Run(ctx, src)
	}
	return s.runner.Run(ctx, src)
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct {
	l      *slog.Logger
	source string
}

func (c cronLogger) Info(msg string, kv ...any) {
	if c.source != "" {
		kv = append(kv, "source", c.source)
	}
	if msg == "skip" {
		c.l.Warn("scheduled import skipped: the previous run of this source is still going", kv...)
		return
	}
	c.l.Debug("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	if c.source != "" {
		kv = append(kv, "source", c.source)
	}
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
