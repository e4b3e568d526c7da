package ingest

import (
	"context"
	"fmt"

	"github.com/robfig/cron/v3"

	"github.com/tenderlens/tenderlens/data/procure"
)

// AddJob schedules a maintenance job beside the imports (for example the
// open-data dump). Like imports, the cron closure only calls fn; a tick
// while the job still runs is skipped, a panic is recovered, and Stop waits
// for a running job. An empty spec adds nothing. Call it before Start.
func (s *Scheduler) AddJob(name, spec string, fn func(ctx context.Context) error) error {
	sched, err := ParseSchedule(spec)
	if err != nil {
		return fmt.Errorf("job %s: invalid schedule %q: %v: %w", name, spec, err, procure.ErrInvalid)
	}
	if sched == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopped {
		return fmt.Errorf("job %s: add jobs before Start: %w", name, procure.ErrInvalid)
	}
	job := cron.NewChain(cron.SkipIfStillRunning(cronLogger{l: s.log, source: name})).Then(cron.FuncJob(func() {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		defer s.wg.Done()
		if err := fn(s.baseContext()); err != nil {
			s.log.Error("scheduled job failed", "job", name, "err", err)
		}
	}))
	s.cron.Schedule(sched, job)
	s.log.Info("job scheduled", "job", name, "schedule", spec)
	return nil
}
