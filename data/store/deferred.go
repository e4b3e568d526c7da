package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Deferred indexes. A first import into an empty store (a country's
// contracts, a million or more) spends most of its store time and most of
// its disk writes on secondary indexes keyed by buyer, supplier or party:
// every batch inserts one entry per contract into each of them at a random
// place, so every commit rewrites a few thousand scattered index pages (and
// the checkpoint writes them again). Built once at the end, from sorted
// data, they cost a fraction of that. DeferIndexes drops them when the store
// holds no contract yet and RestoreIndexes builds them again; the import
// runner calls both around a run. No write path reads through them (their
// queries go by primary key), so only the public pages are slower while an
// import into an empty store runs, and they serve what is already stored.
//
// The dropped indexes' definitions are kept in meta (key metaDeferred) in the
// same transaction that drops them, so a process that dies between the two
// calls leaves a store that Open repairs: it builds them again before
// anything else can use the store.

// deferrable lists the secondary indexes an import into an empty store
// builds at the end. Unique indexes and those a write reads through
// (releases_version, contracts_dirty, the primary keys) are never deferred.
var deferrable = []string{
	"contracts_buyer",
	"awards_buyer_date",
	"award_suppliers_supplier",
	"contract_parties_party",
	"buyer_supplier_top",
	"buyer_supplier_by_supplier",
}

// metaDeferred is the meta key holding the definitions of the dropped
// indexes as a JSON array of CREATE INDEX statements.
const metaDeferred = "deferred_indexes"

// DeferIndexes drops the deferrable secondary indexes when the store holds
// no contract and nothing is deferred already, and reports whether it did.
// RestoreIndexes must follow (Open does it for a process that died first).
// Writer only.
func (s *Store) DeferIndexes(ctx context.Context) (bool, error) {
	w, err := s.writer()
	if err != nil {
		return false, err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	defer tx.Rollback()
	var empty, deferred bool
	if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM contracts),
		EXISTS (SELECT 1 FROM meta WHERE key = ?)`, metaDeferred).Scan(&empty, &deferred); err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	if !empty || deferred {
		return false, nil
	}
	stmts := make([]string, 0, len(deferrable))
	for _, name := range deferrable {
		var def string
		err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", name).Scan(&def)
		if errors.Is(err, sql.ErrNoRows) {
			continue // already gone (a schema without it)
		}
		if err != nil {
			return false, fmt.Errorf("defer indexes: read %s: %w", name, err)
		}
		stmts = append(stmts, def)
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+quoteIdent(name)); err != nil {
			return false, fmt.Errorf("defer indexes: drop %s: %w", name, err)
		}
	}
	js, err := json.Marshal(stmts)
	if err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?)", metaDeferred, string(js)); err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	return true, nil
}

// RestoreIndexes builds the indexes DeferIndexes dropped, one transaction
// each, and then forgets them (a crash in between leaves the rest to the
// next call, which skips the ones that exist); it does nothing when none are
// deferred. The sorts spill to temporary files rather than to memory as the
// store's other temporary data does, so building an index over millions of
// rows costs a bounded amount of memory. Writer only.
func (s *Store) RestoreIndexes(ctx context.Context) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	var js string
	err = w.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", metaDeferred).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore indexes: %w", err)
	}
	var stmts []string
	if err := json.Unmarshal([]byte(js), &stmts); err != nil {
		return fmt.Errorf("restore indexes: meta %s: %w", metaDeferred, err)
	}
	conn, err := w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("restore indexes: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
		return fmt.Errorf("restore indexes: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA temp_store = MEMORY")
	for _, def := range stmts {
		if !strings.HasPrefix(def, "CREATE INDEX ") {
			return fmt.Errorf("restore indexes: meta %s holds %q, not an index definition", metaDeferred, def)
		}
		def = "CREATE INDEX IF NOT EXISTS " + strings.TrimPrefix(def, "CREATE INDEX ")
		if _, err := conn.ExecContext(ctx, def); err != nil {
			// Where no temporary file can be written, sort in memory.
			if _, err2 := conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err2 != nil {
				return fmt.Errorf("restore indexes: %s: %w", def, err)
			}
			if _, err2 := conn.ExecContext(ctx, def); err2 != nil {
				return fmt.Errorf("restore indexes: %s: %w", def, err)
			}
		}
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", metaDeferred); err != nil {
		return fmt.Errorf("restore indexes: %w", err)
	}
	return nil
}
