package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads migrations/NNNN_name.sql from fsys in version order
// and checks they are numbered 1, 2, 3, ... without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, rest, ok := strings.Cut(strings.TrimSuffix(base, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: rest, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations: expected version %d, found %d (%s)", i+1, m.version, m.name)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary writes (its newest
// migration).
func SchemaVersion() int {
	ms, err := loadMigrations(migrationFS)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// dbVersion returns the highest applied migration, 0 for a fresh file, or
// ErrNotTenderlens when the file holds other tables but no schema_migrations.
func dbVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var hasTable, others int
	err := q.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE name = 'schema_migrations'),
		count(*) FILTER (WHERE name <> 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).Scan(&hasTable, &others)
	if err != nil {
		return 0, fmt.Errorf("read schema: %w", err)
	}
	if hasTable == 0 {
		if others > 0 {
			return 0, ErrNotTenderlens
		}
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

func tooNew(have, know int) error {
	return fmt.Errorf("%w: the database has schema version %d but this program knows only up to %d; use a newer Tenderlens (the data was not changed)", ErrSchemaTooNew, have, know)
}

// migrate applies the embedded migrations that the database lacks.
func (s *Store) migrate(ctx context.Context) error {
	return applyMigrations(ctx, s.w, migrationFS)
}

func applyMigrations(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	know := ms[len(ms)-1].version
	have, err := dbVersion(ctx, db)
	if err != nil {
		return err
	}
	if have > know {
		return tooNew(have, know)
	}
	if have == know {
		return nil
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		if err := applyOne(ctx, db, m, know); err != nil {
			return err
		}
	}
	return nil
}

// applyOne applies m in its own transaction unless it is already applied
// (checked inside the transaction, so two processes racing are safe).
func applyOne(ctx context.Context, db *sql.DB, m migration, know int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
	}
	defer tx.Rollback()
	have, err := dbVersion(ctx, tx)
	if err != nil {
		return err
	}
	if have > know {
		return tooNew(have, know)
	}
	if have >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("migration %04d_%s: record: %w", m.version, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %04d_%s: commit: %w", m.version, m.name, err)
	}
	return nil
}

// checkSchema is the read-only open's check: the schema must be exactly the
// one this binary knows.
func (s *Store) checkSchema(ctx context.Context) error {
	know := SchemaVersion()
	have, err := dbVersion(ctx, s.r)
	if err != nil {
		return err
	}
	switch {
	case have > know:
		return tooNew(have, know)
	case have < know:
		return fmt.Errorf("%w: the database has schema version %d, this program needs %d; open it once for writing (for example with tenderlens import or serve) to migrate it", ErrSchemaTooOld, have, know)
	}
	return nil
}
