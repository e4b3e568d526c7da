package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

const stateVersion = 1

// persisted is the JSON saved per source in the store.
type persisted struct {
	Version      int               `json:"version"`
	Since        string            `json:"since,omitempty"`
	ETag         map[string]string `json:"etag,omitempty"`
	LastModified map[string]string `json:"lastModified,omitempty"`
	Run          int64             `json:"run,omitempty"`  // the run that saved it
	Saved        time.Time         `json:"saved,omitzero"` // when
}

func (p persisted) sourceState() source.State {
	return source.State{Since: p.Since, ETag: maps.Clone(p.ETag), LastModified: maps.Clone(p.LastModified)}
}

// loadState reads the source's saved state. An unreadable state is reported
// as a warning and the run starts from scratch (the store's de-duplication
// makes that safe, only slower).
func (r *Runner) loadState(ctx context.Context, rn *run, name string) (persisted, error) {
	b, err := r.cfg.Store.State(ctx, name)
	if errors.Is(err, procure.ErrNotFound) || (err == nil && len(b) == 0) {
		return persisted{}, nil
	}
	if err != nil {
		return persisted{}, fmt.Errorf("load the state of source %s: %w", name, err)
	}
	var p persisted
	if err := json.Unmarshal(b, &p); err != nil || p.Version > stateVersion {
		msg := fmt.Sprintf("the saved state of this source cannot be read (%v); importing from the start", err)
		if err == nil {
			msg = fmt.Sprintf("the saved state was written by a newer version (%d); importing from the start", p.Version)
		}
		rn.report(procure.Problem{Severity: procure.SevWarning, Code: "state-unreadable", Message: msg})
		return persisted{}, nil
	}
	return p, nil
}

func (r *Runner) saveState(ctx context.Context, name string, p persisted) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode the state of source %s: %w", name, err)
	}
	bk, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancel()
	if err := r.cfg.Store.SetState(bk, name, b); err != nil {
		return fmt.Errorf("save the state of source %s (the next run will fetch the same data again): %w", name, err)
	}
	return nil
}

// nextSince returns the cursor for the next run: the newest release date
// seen in this run, but never later than the run's start (a release dated in
// the future must not make later runs skip everything up to that date), and
// never earlier than the old cursor.
func (r *Runner) nextSince(old string, maxDate, started time.Time, format, name string) string {
	if maxDate.IsZero() {
		return old
	}
	if maxDate.After(started) {
		r.log.Warn("a release is dated in the future; the since cursor is capped at the run's start", "source", name, "date", maxDate)
		maxDate = started
	}
	if t, ok := parseSince(old, format); ok && !maxDate.After(t) {
		return old
	}
	return formatSince(maxDate, format)
}

// Since formats (SourceConfig option since_format).
var sinceLayouts = map[string]string{
	"":         time.RFC3339,
	"rfc3339":  time.RFC3339,
	"date":     "2006-01-02",
	"datetime": "2006-01-02T15:04:05",
}

func checkSinceFormat(f string) error {
	if _, ok := sinceLayouts[f]; ok || f == "unix" {
		return nil
	}
	if !strings.Contains(f, "2006") {
		return fmt.Errorf("since_format %q: use rfc3339, date, datetime, unix or a Go time layout containing 2006", f)
	}
	return nil
}

func formatSince(t time.Time, f string) string {
	t = t.UTC()
	if f == "unix" {
		return strconv.FormatInt(t.Unix(), 10)
	}
	layout, ok := sinceLayouts[f]
	if !ok {
		layout = f
	}
	return t.Format(layout)
}

func parseSince(s, f string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if f == "unix" {
		n, err := strconv.ParseInt(s, 10, 64)
		return time.Unix(n, 0).UTC(), err == nil
	}
	layout, ok := sinceLayouts[f]
	if !ok {
		layout = f
	}
	t, err := time.Parse(layout, s)
	return t, err == nil
}

// sourceConfig maps a SourceConfig to the fetcher's Config and returns the
// since format.
func sourceConfig(src SourceConfig) (source.Config, string, error) {
	return sourceConfigLog(src, nil)
}

func sourceConfigLog(src SourceConfig, log *slog.Logger) (source.Config, string, error) {
	opts := map[string]string{}
	sinceFormat := ""
	for k, v := range src.Options {
		if k == "since_format" {
			sinceFormat = strings.TrimSpace(v)
			continue
		}
		opts[k] = v
	}
	if err := checkSinceFormat(sinceFormat); err != nil {
		return source.Config{}, "", fmt.Errorf("source %s: %v: %w", src.Name, err, procure.ErrInvalid)
	}
	cfg := source.Config{
		Name:         src.Name,
		Location:     src.Location,
		Options:      opts,
		AllowPrivate: src.AllowPrivate,
		Timeout:      src.Timeout,
		MaxBytes:     src.MaxBytes,
		Logger:       log,
	}
	return cfg, sinceFormat, nil
}
