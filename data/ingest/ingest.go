// Package ingest runs imports: fetch (data/source) → parse (a ParseFunc such
// as ocds.Read) → store in batches (Store.ApplyBatch) → index the contracts
// that changed (Index) → record the run and its problems. It also owns the
// cron schedule of configured sources (Scheduler).
//
// Storing and indexing run side by side: the store stage hands the
// contracts each committed batch compiled to the index stage through a
// bounded queue (nothing is read back from the store), and the index stage
// marks a contract indexed only if no later batch has changed it since.
//
// All runs of one process are serialized by one lock in the Runner, because
// the store and the search index each have a single writer. A run of a
// source that is already running is skipped, never queued.
//
// What a failed run leaves behind: nothing stored by earlier runs is ever
// deleted or altered by a failure. Batches the failed run already committed
// stay: they are valid, complete releases, and the store's
// de-duplication makes the retry count them as unchanged. The source's state
// (since cursor, ETags) is saved only after a run succeeded, so the next run
// starts again from the same point. Contracts committed but not yet indexed
// keep their dirty flag and are indexed by the next run or by IndexDirty at
// start.
package ingest

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// SourceConfig is one configured source.
type SourceConfig struct {
	Name     string
	Format   string // key into RunnerConfig.Parsers, e.g. "ocds"
	Location string // http(s) URL, file or directory
	// Schedule is a cron spec: five fields ("0 */6 * * *") or a descriptor
	// ("@every 1h", "@daily"); optionally prefixed "CRON_TZ=Area/City ".
	// Empty: never scheduled, run only on demand.
	Schedule string
	// Options go to data/source (see source.CheckConfig), except the ones
	// ingest itself reads:
	//
	//	since_format  how the since cursor is written: rfc3339 (default,
	//	              2006-01-02T15:04:05Z), date (2006-01-02), datetime
	//	              (2006-01-02T15:04:05, UTC, no zone), unix (seconds), or a
	//	              Go time layout.
	Options      map[string]string
	AllowPrivate bool          // tests only: allow loopback/private addresses
	Timeout      time.Duration // per HTTP request (0: source default)
	MaxBytes     int64         // per document after decompression (0: source default)
	// ParserOptions go to the format's parser (ParseOptions.Options), e.g.
	// profile or mapping for a CSV source.
	ParserOptions map[string]string
}

// ParseOptions is the provenance a parser stamps on every release.
type ParseOptions struct {
	Source      string
	URL         string
	RetrievedAt time.Time
	// Options are the format's own settings (SourceConfig.ParserOptions),
	// e.g. the mapping profile of a CSV source. Nil when none.
	Options map[string]string
}

// ParseFunc reads one document, calling emit for each release found (in
// order) and report for each problem. It returns an error only when the
// document as a whole cannot be read or emit failed. Emitted releases must
// not be modified by the parser afterwards: ingest keeps them until their
// batch is stored. For OCDS it is ocds.Read (wrapped to drop its Stats).
type ParseFunc func(ctx context.Context, r io.Reader, opt ParseOptions, emit func(procure.SourceRelease) error, report func(procure.Problem)) error

// CompileFunc compiles all current releases of one ocid (ocds.Compile). The
// store calls it inside ApplyBatch.
type CompileFunc func(ocid string, releases []procure.SourceRelease) (procure.Compiled, error)

// BatchResult is what the store reports for one committed batch.
type BatchResult struct {
	Stored    int                // new or changed releases stored
	Unchanged int                // releases already held, identical
	Changed   []string           // ocids recompiled (now dirty)
	Contracts []procure.Contract // their contracts, as DirtyContracts returns them
	Problems  []procure.Problem
}

// Store is what an import needs from the system of record. It is declared
// here, by its consumer, so that ingest does not depend on data/store (or
// SQLite) and tests can use an in-memory fake; data/store satisfies it
// (through a thin adapter where names differ). The Runner is the only
// writer: it calls these methods from one goroutine at a time.
type Store interface {
	StartRun(ctx context.Context, source string, started time.Time) (int64, error)
	AddProblems(ctx context.Context, runID int64, ps []procure.Problem) error
	FinishRun(ctx context.Context, run procure.ImportRun) error
	// ApplyBatch stores rels in one transaction, recompiling every affected
	// ocid with compile and marking those contracts dirty. Nothing is
	// reported stored unless committed.
	ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, compile CompileFunc) (BatchResult, error)
	// DirtyContracts returns up to limit contracts changed since they were
	// last indexed; MarkIndexed clears their flag.
	DirtyContracts(ctx context.Context, limit int) ([]procure.Contract, error)
	MarkIndexed(ctx context.Context, ocids []string) error
	// State returns the source's saved state (nil or procure.ErrNotFound
	// when none); SetState replaces it.
	State(ctx context.Context, source string) ([]byte, error)
	SetState(ctx context.Context, source string, b []byte) error
}

// indexDeferrer is implemented by a Store that can build its secondary
// indexes once at the end of a run into an empty store instead of updating
// them batch by batch (store.Store): DeferIndexes reports whether it did,
// RestoreIndexes builds them.
type indexDeferrer interface {
	DeferIndexes(ctx context.Context) (bool, error)
	RestoreIndexes(ctx context.Context) error
}

// Index is what an import needs from the search index (satisfied by
// indexer.Index): upsert contracts, durable when it returns. Declared here so
// data/ingest never imports the indexer (DESIGN.md: nothing under data/
// imports indexer).
type Index interface {
	Index(ctx context.Context, cs []procure.Contract) error
}

// Progress is reported to the CLI's progress bar, at most a few times per
// second and once at the end.
type Progress struct {
	Source string
	File   string // current input (path or URL)
	// Bytes read so far over all inputs, of TotalBytes (the local inputs'
	// total size; 0 when unknown, e.g. for URLs).
	Bytes, TotalBytes int64
	Records           int // releases read
	Stored            int // releases stored (new or changed)
	// Phase names a step after the inputs were read that can take a while
	// ("building the store's indexes"); "" while reading and storing.
	Phase string
}

// Run statuses (procure.ImportRun.Status).
const (
	StatusRunning     = "running"
	StatusOK          = "ok"
	StatusPartial     = "partial" // finished, but some records or inputs failed
	StatusFailed      = "failed"
	StatusNotModified = "not-modified"
	// StatusSkipped is returned (never recorded) for a run skipped because
	// the same source was already running.
	StatusSkipped = "skipped"
)

// ErrAlreadyRunning: the source is being imported right now; this run was
// skipped (not queued).
var ErrAlreadyRunning = errors.New("an import of this source is already running")
