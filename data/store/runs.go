package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Run statuses (procure.ImportRun.Status).
const (
	StatusRunning     = "running"
	StatusOK          = "ok"
	StatusPartial     = "partial"
	StatusFailed      = "failed"
	StatusNotModified = "not-modified"
)

// maxProblemMessage caps a stored problem message (bytes); longer ones are
// cut at a rune boundary and end with "…".
const maxProblemMessage = 2000

// StartRun records the start of an import run of source and returns its ID.
// Writer only.
func (s *Store) StartRun(ctx context.Context, source string, started time.Time) (int64, error) {
	w, err := s.writer()
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(source) == "" {
		return 0, fmt.Errorf("start run: %w: empty source name", procure.ErrInvalid)
	}
	if started.IsZero() {
		started = time.Now()
	}
	res, err := w.ExecContext(ctx, "INSERT INTO import_runs (source, started, status) VALUES (?, ?, 'running')",
		source, started.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", source, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", source, err)
	}
	return id, nil
}

// AddProblems records problems of a run. Every problem is counted (the run's
// warning and error counts stay exact) but only the first MaxProblemsPerRun
// of a run are kept. Writer only.
func (s *Store) AddProblems(ctx context.Context, runID int64, ps []procure.Problem) error {
	if len(ps) == 0 {
		return nil
	}
	w, err := s.writer()
	if err != nil {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add problems to run %d: %w", runID, err)
	}
	defer tx.Rollback()
	var kept int
	if err := tx.QueryRowContext(ctx, "SELECT problems_kept FROM import_runs WHERE id = ?", runID).Scan(&kept); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("add problems: run %d: %w", runID, procure.ErrNotFound)
		}
		return fmt.Errorf("add problems to run %d: %w", runID, err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO run_problems
		(run_id, seq, severity, code, message, file, line, idx, path, ocid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("add problems to run %d: %w", runID, err)
	}
	defer ins.Close()
	var warnings, errs int
	for _, p := range ps {
		if p.Severity == procure.SevError {
			errs++
		} else {
			warnings++
		}
		if kept >= MaxProblemsPerRun {
			continue
		}
		sev := p.Severity
		if sev == "" {
			sev = procure.SevWarning
		}
		if _, err := ins.ExecContext(ctx, runID, kept, string(sev), p.Code, clip(p.Message, maxProblemMessage),
			p.Location.File, p.Location.Line, p.Location.Index, p.Location.Path, p.OCID); err != nil {
			return fmt.Errorf("add problems to run %d: %w", runID, err)
		}
		kept++
	}
	if _, err := tx.ExecContext(ctx, `UPDATE import_runs SET problems_kept = ?,
		problem_warnings = problem_warnings + ?, problem_errors = problem_errors + ? WHERE id = ?`,
		kept, warnings, errs, runID); err != nil {
		return fmt.Errorf("add problems to run %d: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add problems to run %d: %w", runID, err)
	}
	return nil
}

// clip cuts s to at most n bytes at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func validStatus(s string) bool {
	switch s {
	case StatusRunning, StatusOK, StatusPartial, StatusFailed, StatusNotModified:
		return true
	}
	return false
}

// FinishRun records the outcome of run r (by r.ID): status, finish time
// (now when zero), counts and message. The stored warning and error counts
// are never lower than the problems recorded with AddProblems. r.Problems is
// ignored (use AddProblems). Writer only.
func (s *Store) FinishRun(ctx context.Context, r procure.ImportRun) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	if r.Status == "" {
		r.Status = StatusOK
	}
	if !validStatus(r.Status) {
		return fmt.Errorf("finish run %d: %w: unknown status %q", r.ID, procure.ErrInvalid, r.Status)
	}
	fin := r.Finished
	if fin.IsZero() && r.Status != StatusRunning {
		fin = time.Now()
	}
	res, err := w.ExecContext(ctx, `UPDATE import_runs SET status = ?, finished = ?, read_count = ?, stored = ?,
		unchanged = ?, warnings = max(?, problem_warnings), errors = max(?, problem_errors), message = ?
		WHERE id = ?`,
		r.Status, dbTime(fin), r.Read, r.Stored, r.Unchanged, r.Warnings, r.Errors, r.Message, r.ID)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("finish run %d: %w", r.ID, procure.ErrNotFound)
	}
	// Keep the query planner's statistics current as the data grows (cheap
	// when nothing changed much; bounded by analysis_limit).
	if _, err := w.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("finish run %d: optimize: %w", r.ID, err)
	}
	return nil
}

const runColumns = `id, source, started, finished, status, read_count, stored, unchanged,
	max(warnings, problem_warnings), max(errors, problem_errors), message`

func scanRun(sc interface{ Scan(...any) error }) (procure.ImportRun, error) {
	var r procure.ImportRun
	var started int64
	var fin sql.NullInt64
	err := sc.Scan(&r.ID, &r.Source, &started, &fin, &r.Status, &r.Read, &r.Stored, &r.Unchanged,
		&r.Warnings, &r.Errors, &r.Message)
	r.Started = time.UnixMicro(started).UTC()
	r.Finished = fromDBTime(fin)
	return r, err
}

// Runs lists the runs of source ("" = every source), newest first, at most
// limit (0 = 50), without their problems.
func (s *Store) Runs(ctx context.Context, source string, limit int) ([]procure.ImportRun, error) {
	if limit <= 0 {
		limit = 50
	}
	var rows *sql.Rows
	var err error
	if source == "" {
		rows, err = s.r.QueryContext(ctx, "SELECT "+runColumns+" FROM import_runs ORDER BY id DESC LIMIT ?", limit)
	} else {
		rows, err = s.r.QueryContext(ctx, "SELECT "+runColumns+" FROM import_runs WHERE source = ? ORDER BY id DESC LIMIT ?", source, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	out := []procure.ImportRun{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return out, nil
}

// Run returns one run with its kept problems (at most MaxProblemsPerRun, in
// the order reported; Warnings and Errors are the true counts).
func (s *Store) Run(ctx context.Context, id int64) (procure.ImportRun, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return procure.ImportRun{}, fmt.Errorf("run %d: %w", id, err)
	}
	defer tx.Rollback()
	r, err := scanRun(tx.QueryRowContext(ctx, "SELECT "+runColumns+" FROM import_runs WHERE id = ?", id))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, fmt.Errorf("run %d: %w", id, procure.ErrNotFound)
		}
		return r, fmt.Errorf("run %d: %w", id, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT severity, code, message, file, line, idx, path, ocid
		FROM run_problems WHERE run_id = ? ORDER BY seq`, id)
	if err != nil {
		return r, fmt.Errorf("run %d problems: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p procure.Problem
		var sev string
		if err := rows.Scan(&sev, &p.Code, &p.Message, &p.Location.File, &p.Location.Line, &p.Location.Index,
			&p.Location.Path, &p.OCID); err != nil {
			return r, fmt.Errorf("run %d problems: %w", id, err)
		}
		p.Severity = procure.Severity(sev)
		r.Problems = append(r.Problems, p)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("run %d problems: %w", id, err)
	}
	r.ProblemsKept = len(r.Problems)
	return r, nil
}

// SourceRuns is the latest run of a source and its latest successful run
// (status ok, partial or not-modified); LastOK is nil when none succeeded.
type SourceRuns struct {
	Last   procure.ImportRun
	LastOK *procure.ImportRun
}

// LastRuns returns, for every source that has run, its last run and last
// successful run.
func (s *Store) LastRuns(ctx context.Context) (map[string]SourceRuns, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+runColumns+`, 0 FROM import_runs
		WHERE id IN (SELECT max(id) FROM import_runs GROUP BY source)
		UNION ALL
		SELECT `+runColumns+`, 1 FROM import_runs
		WHERE id IN (SELECT max(id) FROM import_runs WHERE status IN ('ok', 'partial', 'not-modified') GROUP BY source)`)
	if err != nil {
		return nil, fmt.Errorf("last runs: %w", err)
	}
	defer rows.Close()
	out := map[string]SourceRuns{}
	for rows.Next() {
		var r procure.ImportRun
		var started int64
		var fin sql.NullInt64
		var ok bool
		if err := rows.Scan(&r.ID, &r.Source, &started, &fin, &r.Status, &r.Read, &r.Stored, &r.Unchanged,
			&r.Warnings, &r.Errors, &r.Message, &ok); err != nil {
			return nil, fmt.Errorf("last runs: %w", err)
		}
		r.Started = time.UnixMicro(started).UTC()
		r.Finished = fromDBTime(fin)
		sr := out[r.Source]
		if ok {
			sr.LastOK = &r
		} else {
			sr.Last = r
		}
		out[r.Source] = sr
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("last runs: %w", err)
	}
	return out, nil
}
