package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

func TestOpenFreshAndReopen(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t)
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	for pragma, want := range map[string]int{"synchronous": 2, "foreign_keys": 1} {
		var v int
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&v); err != nil || v != want {
			t.Errorf("writer %s = %d, %v; want %d", pragma, v, err, want)
		}
	}
	var busy int
	if err := s.r.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil || busy != 10000 {
		t.Errorf("reader busy_timeout = %d, %v", busy, err)
	}
	if _, err := s.r.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('x', 'y')"); err == nil {
		t.Error("reader connection accepted a write")
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var n, v int
	if err := s2.r.QueryRowContext(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != SchemaVersion() || v != SchemaVersion() {
		t.Errorf("schema_migrations has %d rows up to %d; want %d", n, v, SchemaVersion())
	}
	if got, _ := s2.Meta(ctx, "k"); got != "v" {
		t.Errorf("meta after reopen = %q", got)
	}
}

func TestOpenAwkwardPath(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new dir", "a?b#c%20d é.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, s, src(t, tRelease{OCID: "ocds-1", ID: "1", Date: day(2020, 1, 1)}, "f"))
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the path given: %v", err)
	}
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if n, _ := ro.ContractCount(ctx); n != 1 {
		t.Errorf("count = %d", n)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t)
	if _, err := s.w.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, ro := range []bool{false, true} {
		_, err := Open(ctx, path, Options{ReadOnly: ro})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("read-only=%v: err = %v; want ErrSchemaTooNew", ro, err)
		}
		if !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "newer Tenderlens") {
			t.Errorf("message does not explain: %v", err)
		}
	}
}

func TestOpenRefusesForeignDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE customers (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, path, Options{}); !errors.Is(err, ErrNotTenderlens) {
		t.Fatalf("err = %v; want ErrNotTenderlens", err)
	}
	// The foreign database is untouched.
	db, _ = sql.Open("sqlite", path)
	defer db.Close()
	var n int
	db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&n)
	if n != 1 {
		t.Errorf("foreign database now has %d tables", n)
	}
}

func TestMigrationsIncremental(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v1 := fstest.MapFS{"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")}}
	if err := applyMigrations(ctx, db, v1); err != nil {
		t.Fatal(err)
	}
	v2 := fstest.MapFS{
		"migrations/0001_a.sql": v1["migrations/0001_a.sql"],
		"migrations/0002_b.sql": {Data: []byte("CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);")},
	}
	if err := applyMigrations(ctx, db, v2); err != nil {
		t.Fatal(err)
	}
	if err := applyMigrations(ctx, db, v2); err != nil { // idempotent
		t.Fatal(err)
	}
	var n int
	db.QueryRow("SELECT count(*) FROM a").Scan(&n)
	if n != 1 {
		t.Errorf("migration 2 ran %d times", n)
	}
	// Going back to a binary that only knows v1 is refused.
	if err := applyMigrations(ctx, db, v1); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("err = %v; want ErrSchemaTooNew", err)
	}
	// A failing migration is rolled back as a whole and leaves the version.
	v3 := fstest.MapFS{
		"migrations/0001_a.sql": v1["migrations/0001_a.sql"],
		"migrations/0002_b.sql": v2["migrations/0002_b.sql"],
		"migrations/0003_c.sql": {Data: []byte("CREATE TABLE c (z INTEGER); INSERT INTO nosuch VALUES (1);")},
	}
	if err := applyMigrations(ctx, db, v3); err == nil {
		t.Fatal("failing migration succeeded")
	}
	if v, _ := dbVersion(ctx, db); v != 2 {
		t.Errorf("version after failed migration = %d; want 2", v)
	}
	var c int
	db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'c'").Scan(&c)
	if c != 0 {
		t.Error("failed migration left table c behind")
	}
	// Numbering must be contiguous.
	gap := fstest.MapFS{"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}}
	if _, err := loadMigrations(gap); err == nil {
		t.Error("gap in migration numbers accepted")
	}
	if _, err := loadMigrations(fstest.MapFS{"migrations/init.sql": {}}); err == nil {
		t.Error("unnumbered migration accepted")
	}
}

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := loadMigrations(migrationFS)
	if err != nil || len(ms) == 0 {
		t.Fatalf("embedded migrations: %v (%d)", err, len(ms))
	}
	if SchemaVersion() != len(ms) {
		t.Errorf("SchemaVersion = %d; want %d", SchemaVersion(), len(ms))
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := Open(ctx, filepath.Join(dir, "missing.db"), Options{ReadOnly: true}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only open of a missing file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("read-only open created the file")
	}
	// An empty file has no schema.
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Open(ctx, empty, Options{ReadOnly: true}); !errors.Is(err, ErrSchemaTooOld) {
		t.Fatalf("read-only open of an empty file: %v; want ErrSchemaTooOld", err)
	}
	// An older schema.
	old := filepath.Join(dir, "old.db")
	db, _ := sql.Open("sqlite", old)
	applyMigrations(ctx, db, fstest.MapFS{"migrations/0001_init.sql": {Data: []byte("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);")}})
	db.Close()
	if SchemaVersion() > 1 {
		if _, err := Open(ctx, old, Options{ReadOnly: true}); !errors.Is(err, ErrSchemaTooOld) {
			t.Fatalf("read-only open of an old schema: %v", err)
		}
	}

	// Beside a live writer, and after it closed.
	path := filepath.Join(dir, "tenderlens.db")
	w, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, w, src(t, tRelease{OCID: "ocds-1", ID: "r1", Date: day(2020, 1, 1), Title: "Chairs",
		Buyer: &tParty{"B1", "Town"}, Awards: []tAward{{ID: "a1", Amount: "10", Currency: "EUR", Suppliers: []tParty{{"S1", "Acme"}}}}}, "src"))
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := ro.Contract(ctx, "ocds-1"); err != nil || c.Contract.Title != "Chairs" {
		t.Fatalf("read-only Contract = %+v, %v", c.Contract, err)
	}
	apply(t, w, src(t, tRelease{OCID: "ocds-2", ID: "r1", Date: day(2020, 1, 2), Title: "Desks"}, "src"))
	if n, _ := ro.ContractCount(ctx); n != 2 {
		t.Errorf("read-only store sees %d contracts after the writer committed; want 2", n)
	}
	for name, err := range map[string]error{
		"ApplyBatch":  func() error { _, err := ro.ApplyBatch(ctx, 0, nil, fakeCompile); return err }(),
		"StartRun":    func() error { _, err := ro.StartRun(ctx, "x", time.Now()); return err }(),
		"SetMeta":     ro.SetMeta(ctx, "a", "b"),
		"SetState":    ro.SetState(ctx, "a", []byte("{}")),
		"MarkIndexed": ro.MarkIndexed(ctx, []string{"ocds-1"}),
	} {
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s on a read-only store: %v; want ErrReadOnly", name, err)
		}
	}
	ro.Close()
	w.Close()
	ro, err = Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open after the writer closed: %v", err)
	}
	defer ro.Close()
	if err := ro.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := ro.ContractCount(ctx); n != 2 {
		t.Errorf("read-only count = %d", n)
	}
}

func TestRuns(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	id1, err := s.StartRun(ctx, "alpha", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddProblems(ctx, id1, []procure.Problem{
		{Severity: procure.SevWarning, Code: "tag-not-array", Message: "tag was a string", Location: procure.Location{File: "f.json", Line: 3, Index: 2, Path: "/tag"}, OCID: "ocds-1"},
		{Severity: procure.SevError, Code: "missing-ocid", Message: "no ocid"},
	}); err != nil {
		t.Fatal(err)
	}
	// The importer's own counts are lower than what it reported: the true counts win.
	if err := s.FinishRun(ctx, procure.ImportRun{ID: id1, Status: StatusPartial, Finished: t0.Add(time.Minute), Read: 10, Stored: 8, Unchanged: 1}); err != nil {
		t.Fatal(err)
	}
	id2, _ := s.StartRun(ctx, "alpha", t0.Add(time.Hour))
	if err := s.FinishRun(ctx, procure.ImportRun{ID: id2, Status: StatusFailed, Message: "HTTP 503 from the source", Finished: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	id3, _ := s.StartRun(ctx, "beta", t0.Add(3*time.Hour))

	r, err := s.Run(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusPartial || r.Read != 10 || r.Stored != 8 || r.Unchanged != 1 || r.Warnings != 1 || r.Errors != 1 || len(r.Problems) != 2 {
		t.Errorf("run = %+v", r)
	}
	if p := r.Problems[0]; p.Code != "tag-not-array" || p.Location.Line != 3 || p.Location.Index != 2 || p.Location.Path != "/tag" || p.OCID != "ocds-1" || p.Severity != procure.SevWarning {
		t.Errorf("problem = %+v", p)
	}
	if !r.Started.Equal(t0) || !r.Finished.Equal(t0.Add(time.Minute)) {
		t.Errorf("times %v %v", r.Started, r.Finished)
	}
	runs, _ := s.Runs(ctx, "alpha", 0)
	if len(runs) != 2 || runs[0].ID != id2 || runs[1].ID != id1 || runs[0].Problems != nil {
		t.Errorf("Runs(alpha) = %+v", runs)
	}
	all, _ := s.Runs(ctx, "", 2)
	if len(all) != 2 || all[0].ID != id3 {
		t.Errorf("Runs('', 2) = %+v", all)
	}
	last, err := s.LastRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a := last["alpha"]; a.Last.ID != id2 || a.LastOK == nil || a.LastOK.ID != id1 {
		t.Errorf("LastRuns[alpha] = %+v", a)
	}
	if b := last["beta"]; b.Last.ID != id3 || b.Last.Status != StatusRunning || b.LastOK != nil {
		t.Errorf("LastRuns[beta] = %+v", b)
	}
	if _, err := s.Run(ctx, 999); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("Run(999) err = %v", err)
	}
	if err := s.FinishRun(ctx, procure.ImportRun{ID: 999, Status: StatusOK}); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("FinishRun(999) err = %v", err)
	}
	if err := s.FinishRun(ctx, procure.ImportRun{ID: id3, Status: "great"}); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("bad status err = %v", err)
	}
	if _, err := s.StartRun(ctx, " ", t0); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("empty source err = %v", err)
	}
	st, _ := s.Stats(ctx)
	if !st.DataAsOf.Equal(t0.Add(time.Minute)) {
		t.Errorf("DataAsOf = %v; want the last successful run's end", st.DataAsOf)
	}

	// A run left running by a process that died is marked failed on reopen.
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	r3, _ := s2.Run(ctx, id3)
	if r3.Status != StatusFailed || !strings.Contains(r3.Message, "interrupted") || r3.Finished.IsZero() {
		t.Errorf("abandoned run = %+v", r3)
	}
}

func TestProblemsCap(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	id, _ := s.StartRun(ctx, "big", time.Now())
	mk := func(n int, sev procure.Severity) []procure.Problem {
		ps := make([]procure.Problem, n)
		for i := range ps {
			ps[i] = procure.Problem{Severity: sev, Code: "c", Message: strings.Repeat("é", 3000), Location: procure.Location{Index: i}}
		}
		return ps
	}
	if err := s.AddProblems(ctx, id, mk(6000, procure.SevWarning)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddProblems(ctx, id, mk(6000, procure.SevError)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddProblems(ctx, id, mk(5, procure.SevError)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, procure.ImportRun{ID: id, Status: StatusPartial, Warnings: 1, Errors: 1}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != MaxProblemsPerRun {
		t.Errorf("kept %d problems; want %d", len(r.Problems), MaxProblemsPerRun)
	}
	if r.Warnings != 6000 || r.Errors != 6005 {
		t.Errorf("counts %d warnings, %d errors; want 6000, 6005", r.Warnings, r.Errors)
	}
	if p := r.Problems[0]; len(p.Message) > maxProblemMessage || !strings.HasSuffix(p.Message, "…") || !strings.HasPrefix(p.Message, "é") {
		t.Errorf("long message stored as %d bytes", len(p.Message))
	}
	if r.Problems[6000].Severity != procure.SevError || r.Problems[6000].Location.Index != 0 {
		t.Errorf("order not kept: %+v", r.Problems[6000])
	}
}

func TestStateAndMeta(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	if b, err := s.State(ctx, "feed"); err != nil || b != nil {
		t.Fatalf("State of unknown source = %q, %v", b, err)
	}
	st := []byte(`{"since":"2024-01-01T00:00:00Z","etag":"\"abc\""}`)
	if err := s.SetState(ctx, "feed", st); err != nil {
		t.Fatal(err)
	}
	if err := s.SetState(ctx, "feed", append(st[:len(st)-1:len(st)-1], `,"x":1}`...)); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.State(ctx, "feed"); string(b) != `{"since":"2024-01-01T00:00:00Z","etag":"\"abc\"","x":1}` {
		t.Errorf("State = %s", b)
	}
	if err := s.SetState(ctx, "feed", nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.State(ctx, "feed"); b != nil {
		t.Errorf("State after delete = %s", b)
	}
	if err := s.SetMeta(ctx, MetaDemo, "1"); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SetMeta(ctx, MetaDataAsOf, asOf.Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !stats.Demo || !stats.DataAsOf.Equal(asOf) {
		t.Errorf("stats demo=%v asOf=%v", stats.Demo, stats.DataAsOf)
	}
	if err := s.SetMeta(ctx, MetaDemo, ""); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Meta(ctx, MetaDemo); v != "" {
		t.Errorf("meta after delete = %q", v)
	}
}
