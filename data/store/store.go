// Package store is the SQLite system of record of Tenderlens: raw source
// releases with their provenance (every version ever received), compiled
// contracts with their awards and parties, import runs and their problems,
// per-source fetch state, and precomputed spending aggregates for the agency
// and supplier pages.
//
// # Connections and concurrency
//
// A Store opened for writing holds one writer connection and a separate pool
// of reader connections on the same WAL-mode database file. Reads (the web
// pages) therefore never wait for an import transaction, and always see the
// last committed state.
//
// The write methods (StartRun, AddProblems, FinishRun, ApplyBatch,
// Recompile, MarkIndexed, MarkAllDirty, SetState, SetMeta,
// RebuildAggregates, DeferIndexes, RestoreIndexes) must be called by a
// single writer: the
// caller holds the process-wide import lock (data/ingest serializes all runs
// with one mutex, and the data directory's LOCK file keeps other processes
// out). The store serializes concurrent calls on its one writer connection, so
// they are safe, but sequences such as ApplyBatch → DirtyContracts → Index →
// MarkIndexed assume no other writer interleaves. Read methods are safe for
// concurrent use by any number of goroutines.
//
// # Durability
//
// The database runs with synchronous=FULL: when ApplyBatch returns without
// error its transaction is on disk and survives kill -9 (tested) or a power
// cut (given storage that honours fsync).
//
// # Storage
//
// Money is stored as integer procure.Decimal units, never floating point.
// Release, compiled-release and summary JSON is compressed with zstd (its
// fastest level, one frame per blob): on the real OCDS samples in
// ../shared/data it saves 3.2x, and it makes the whole database about 2.2x
// smaller than storing plain JSON (see codec.go, compress_test.go and
// BenchmarkApplyBatch). Pages are 16 KiB so that contract documents pack
// well.
//
// # First loads
//
// An import into an empty store drops six secondary indexes that every
// batch would otherwise update at random places, and builds them once when
// the run ends (DeferIndexes, RestoreIndexes; deferred.go). Open builds them
// if a process died in between.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/tenderlens/tenderlens/data/procure"
)

// Errors returned by Open besides wrapped driver errors.
var (
	// ErrSchemaTooNew: the database was written by a newer Tenderlens whose
	// schema this binary does not know. Upgrade the binary.
	ErrSchemaTooNew = errors.New("database schema is newer than this program")
	// ErrSchemaTooOld: a read-only open found no schema or an older one;
	// open it once for writing to migrate.
	ErrSchemaTooOld = errors.New("database schema is missing or older than this program")
	// ErrNotTenderlens: the file is an SQLite database of something else.
	ErrNotTenderlens = errors.New("not a Tenderlens database")
	// ErrReadOnly: a write method was called on a store opened read-only.
	ErrReadOnly = errors.New("store is open read-only")
)

// pageSize of new database files. A contract's documents take 2–3 KB
// compressed: with 4 KiB pages one fits per page and 40 % of the file is
// slack. Measured on 20,000 synthetic contracts: 4 KiB pages 128 MB,
// 8 KiB 100 MB, 16 KiB 94 MB.
const pageSize = 16384

// MaxProblemsPerRun is how many problems of one run are kept; the counts of
// warnings and errors stay exact beyond it.
const MaxProblemsPerRun = 10000

// Options configure Open. The zero value opens for reading and writing with
// sensible defaults.
type Options struct {
	// ReadOnly opens the database without a writer connection and without
	// applying migrations. Open fails with ErrSchemaTooOld when the file has
	// no schema or an older one. Write methods return ErrReadOnly.
	ReadOnly bool
	// ReadConns caps the reader pool (0 = max(4, GOMAXPROCS)).
	ReadConns int
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection or process before failing (0 = 10 s).
	BusyTimeout time.Duration
	// CacheKiB is the page cache of each reader connection in KiB
	// (0 = 16384, i.e. 16 MiB); the writer's is four times as large.
	CacheKiB int
	// Workers is how many goroutines ApplyBatch uses for hashing,
	// compressing and compiling (0 = GOMAXPROCS; 1 = none in parallel).
	Workers int
	// compression is for tests and benchmarks: 0 = zstd (default), 1 = none.
	compression int
}

// Store is the SQLite system of record. Create it with Open; it is safe for
// concurrent use (see the package documentation for the single-writer rule).
type Store struct {
	path    string
	w       *sql.DB // the single writer connection; nil when read-only
	r       *sql.DB // reader pool
	codec   *codec
	workers int
}

// Open opens (creating if needed, unless opt.ReadOnly) the database at path,
// switches it to WAL mode with synchronous=FULL, foreign keys on and a busy
// timeout, and applies the embedded migrations not yet applied, each in its
// own transaction. It refuses a database whose schema is newer than this
// binary knows (ErrSchemaTooNew) and an SQLite file that is not a Tenderlens
// database (ErrNotTenderlens).
//
// Opening for writing assumes the caller is the only writer process (it holds
// the data directory lock): import runs still marked "running" by a process
// that died are marked "failed" with a message saying so.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	codec, err := newCodec(opt.compression == 0)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{path: abs, codec: codec, workers: opt.Workers}
	if s.workers <= 0 {
		s.workers = runtime.GOMAXPROCS(0)
	}
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	cache := opt.CacheKiB
	if cache <= 0 {
		cache = 16 << 10
	}
	nread := opt.ReadConns
	if nread <= 0 {
		nread = max(4, runtime.GOMAXPROCS(0))
	}

	if opt.ReadOnly {
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("open store %s read-only: %w", path, err)
		}
		s.r, err = openDB(abs, "mode=ro", busy, cache, nread)
		if err != nil {
			return nil, fmt.Errorf("open store %s read-only: %w", path, err)
		}
		if err := s.checkSchema(ctx); err != nil {
			s.r.Close()
			return nil, fmt.Errorf("open store %s read-only: %w", path, err)
		}
		return s, nil
	}

	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// One writer connection. synchronous=FULL: a committed batch survives a
	// crash. Checkpoints every 16,384 pages (256 MiB) rather than 1000: a
	// checkpoint copies each page once however many commits changed it
	// since the last one, and an import batch rewrites the same hot pages
	// (upper index levels, aggregates, parties) commit after commit. At
	// 32 MiB a checkpoint ran after nearly every batch of a large import and
	// took about 4 % of its CPU at 1,000,000 contracts. The WAL file is cut
	// back to 64 MiB after a checkpoint.
	s.w, err = openDB(abs, "_txlock=immediate&_pragma=synchronous(full)&_pragma=wal_autocheckpoint(16384)&_pragma=journal_size_limit(67108864)", busy, 4*cache, 1)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// The page size only takes effect on a new, empty file, and must come
	// before WAL mode (which is then persistent in the file).
	for _, p := range []string{fmt.Sprintf("PRAGMA page_size = %d", pageSize), "PRAGMA analysis_limit = 1000"} {
		if _, err := s.w.ExecContext(ctx, p); err != nil {
			s.w.Close()
			return nil, fmt.Errorf("open store %s: %s: %w", path, p, err)
		}
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		s.w.Close()
		if err == nil {
			err = fmt.Errorf("the database stays in %q journal mode; WAL needs a local file system with shared memory support", mode)
		}
		return nil, fmt.Errorf("open store %s: WAL mode: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.abandonRunning(ctx); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// A process that died during an import into an empty store left its
	// secondary indexes deferred (deferred.go): build them now.
	if err := s.RestoreIndexes(ctx); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.r, err = openDB(abs, "_pragma=query_only(1)", busy, cache, nread)
	if err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// openDB opens a database/sql pool on the file with the connection settings
// every Tenderlens connection uses plus extra DSN parameters.
func openDB(abs, extra string, busy time.Duration, cacheKiB, conns int) (*sql.DB, error) {
	// A file: URI so that SQLite's own parameters (mode=ro) apply; '?', '#'
	// and '%' in the path must be escaped.
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(abs))
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive letters
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	q.Add("_pragma", "temp_store(memory)")
	dsn := "file://" + p + "?" + q.Encode()
	if extra != "" {
		dsn += "&" + extra
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// Close closes both connection pools. The writer runs PRAGMA optimize first
// so the query planner's statistics stay current.
func (s *Store) Close() error {
	var errs []error
	if s.w != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := s.w.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			errs = append(errs, fmt.Errorf("optimize: %w", err))
		}
		cancel()
		if err := s.w.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.r != nil {
		if err := s.r.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.codec.close()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers a read. It uses the reader pool
// only, so it does not wait for an import transaction.
func (s *Store) Ping(ctx context.Context) error {
	var v int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&v); err != nil {
		return fmt.Errorf("ping store: %w: %w", procure.ErrUnavailable, err)
	}
	return nil
}

// writer returns the writer pool or ErrReadOnly.
func (s *Store) writer() (*sql.DB, error) {
	if s.w == nil {
		return nil, ErrReadOnly
	}
	return s.w, nil
}

// abandonRunning marks runs left "running" by a dead process as failed.
func (s *Store) abandonRunning(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, `UPDATE import_runs
		SET status = 'failed', finished = coalesce(finished, ?),
		    message = CASE WHEN message = '' THEN 'interrupted: the process stopped before the run finished' ELSE message END
		WHERE status = 'running'`, time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("mark interrupted runs: %w", err)
	}
	return nil
}
