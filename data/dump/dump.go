// Package dump writes the open-data dumps of Tenderlens: every compiled
// release as OCDS JSON Lines (whole, per year, per agency, and as deltas
// from the previous generation), the flattened tables (flatten-tool
// layout plus the portal's own summary tables and any derived tables such
// as risk verdicts) as zipped CSV, XLSX, Parquet and a Datasette-ready
// SQLite file, and a manifest with sizes, row counts, SHA-256 sums, source
// dates and licences (manifest.json, datapackage.json, SHA256SUMS).
//
// # Generations and atomic publishing
//
// A dump is written into a temporary directory beside the published ones
// and renamed into place only when every file is written, synced and
// reconciled; then the CURRENT pointer is replaced by rename. A crash or a
// cancelled context at any moment leaves the previous generation served
// intact (the temporary directory is removed by the next run). Readers use
// package manifest.
//
// # Determinism
//
// The same data gives byte-identical files: rows come in a stable order
// (ocid, then document order), columns in first-seen order over that
// stable walk, gzip headers carry no name or time, zip entries and the
// XLSX parts carry the data-as-of time, nothing iterates a map without
// sorting, and nothing reads the clock. The generation name is the
// data-as-of time plus a hash of the content, so dumping unchanged data
// again publishes nothing new.
//
// The package does not serve HTTP (the server does, through package
// manifest) and does not import the store: it reads a Snapshot, a small
// interface the store satisfies through an adapter in cmd/tenderlens.
package dump

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/procure"
)

// Source opens consistent snapshots of the data to dump. Declared here,
// where it is used, so that the dump does not depend on the store.
type Source interface {
	Snapshot(ctx context.Context) (Snapshot, error)
}

// Snapshot is one consistent view of the data. Its methods are called one
// at a time, and callbacks never call back into it.
type Snapshot interface {
	// Fingerprint changes whenever the data may have changed, including
	// the rows of the optional tables matching patterns.
	Fingerprint(ctx context.Context, patterns []string) (string, error)
	// Info describes the data set.
	Info(ctx context.Context) (Info, error)
	// EachContract calls fn with every compiled contract in ocid order
	// (byte order).
	EachContract(ctx context.Context, fn func(Contract) error) error
	// EachContractByBuyer calls fn with every contract that has a buyer,
	// in (buyer ID, ocid) order.
	EachContractByBuyer(ctx context.Context, fn func(Contract) error) error
	// EachOrganisation calls fn with every organisation in ID order.
	EachOrganisation(ctx context.Context, fn func(Organisation) error) error
	// AwardTotals returns the store's own spending totals (what the pages
	// and the API show), to reconcile the dump against.
	AwardTotals(ctx context.Context) ([]Total, error)
	// Tables returns the optional tables matching patterns that exist.
	Tables(ctx context.Context, patterns []string) ([]ExtraTable, error)
	// EachRow calls fn with every row of an optional table in a stable
	// order; values are int64, float64, string, []byte or nil.
	EachRow(ctx context.Context, t ExtraTable, fn func([]any) error) error
	Close() error
}

// Info describes the data set as a whole.
type Info struct {
	Demo bool
	// DataAsOf depends on the data only (never on the clock).
	DataAsOf    time.Time
	StoreSchema int
	Sources     []SourceInfo
}

// SourceInfo is one import source's share of the data.
type SourceInfo struct {
	Name          string
	Publishers    []string
	Licences      []string
	Contracts     int64
	Releases      int64
	NewestRelease time.Time
	Retrieved     time.Time
}

// Contract is one compiled contracting process.
type Contract struct {
	OCID     string
	Compiled json.RawMessage // the compiled release exactly as merged
	Summary  procure.Contract
}

// Organisation is a party with its role counters.
type Organisation struct {
	Party          procure.Party
	BuyerContracts int64
	BuyerAwards    int64
	SupplierAwards int64
}

// Total scopes.
const (
	ScopeBuyerYear = "buyer-year"
	ScopeSupplier  = "supplier"
	ScopeCurrency  = "currency"
)

// Total is one of the store's spending totals of counted awards with a
// value, in procure.Decimal units.
type Total struct {
	Scope    string
	ID       string
	Year     int
	Currency string
	Units    *big.Int
	Count    int64
}

// ExtraTable is an optional table of the store (risk verdicts, ownership
// paths, ...).
type ExtraTable struct {
	Name    string
	Columns []ExtraColumn
	// Handle is the source's own description of the table, passed back to
	// EachRow unchanged.
	Handle any
}

// ExtraColumn is a column of an optional table with its declared SQL type.
type ExtraColumn struct {
	Name string
	Type string
}

// Config configures a Writer. Dir is required; the rest has defaults.
type Config struct {
	// Dir is the dump directory (DIR/dumps). Created when missing.
	Dir string
	// Keep is how many generations stay on disk, the current one included
	// (default 3). Older ones are removed after a publish; a mirror more
	// than Keep-1 generations behind downloads the full dump again.
	Keep int
	// BaseURL is the portal's public URL ("https://tenderlens.example.org"),
	// for links in the metadata. Empty gives relative links.
	BaseURL string
	// Title and Description of the data set (defaults name Tenderlens).
	Title       string
	Description string
	// Licence is the portal's licence for the compilation (its own
	// tables). Default: the sources' licences apply.
	Licence manifest.Licence
	// TablePatterns select the optional store tables (path.Match syntax)
	// dumped as derived tables when they exist. Nil means
	// DefaultTablePatterns.
	TablePatterns []string
	// TableLicences names extra licences of derived tables by pattern,
	// e.g. OpenSanctions data under CC BY-NC 4.0.
	TableLicences map[string]manifest.Licence
	// MaxXLSXRows is the row limit of one worksheet (default Excel's
	// 1,048,576 including the header row). Tests lower it.
	MaxXLSXRows int
	// MaxColumns caps the columns of one flattened table (default 1,900;
	// SQLite allows 2,000). Extra columns are left out and counted in the
	// manifest notes.
	MaxColumns int
	// Formats turns formats off (all on by default): "xlsx", "parquet",
	// "sqlite", "csv", "agencies", "years".
	Disable []string
	// Force writes a new generation even when the data's fingerprint is
	// unchanged (the content hash still decides whether it is published).
	Force bool
	// Logger receives progress (default: discard).
	Logger *slog.Logger
	// beforePublish is a test hook run after the files are written and
	// before the rename; an error aborts the publish.
	beforePublish func(tmpDir string) error
}

// DefaultTablePatterns are the optional tables dumped when present: risk
// verdicts and dossiers, supplier links, ownership paths and red flags.
var DefaultTablePatterns = []string{"risk_*", "supplier_risk*", "supplier_links", "ownership_*", "flags*", "red_flags*"}

// Writer writes dump generations into one directory. Its methods may be
// called from several goroutines or processes: a lock file serialises them.
type Writer struct {
	cfg Config
	log *slog.Logger
}

// NewWriter checks the configuration and returns a Writer.
func NewWriter(cfg Config) (*Writer, error) {
	if strings.TrimSpace(cfg.Dir) == "" {
		return nil, errors.New("dump: Config.Dir is required")
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("dump: %w", err)
	}
	cfg.Dir = abs
	if cfg.Keep <= 0 {
		cfg.Keep = 3
	}
	if cfg.MaxXLSXRows <= 1 {
		cfg.MaxXLSXRows = 1 << 20
	}
	if cfg.MaxColumns <= 0 || cfg.MaxColumns > 1900 {
		cfg.MaxColumns = 1900
	}
	if cfg.TablePatterns == nil {
		cfg.TablePatterns = DefaultTablePatterns
	}
	if cfg.Title == "" {
		cfg.Title = "Tenderlens public procurement data"
	}
	if cfg.Description == "" {
		cfg.Description = "Every contracting process in the portal as OCDS compiled releases (JSON Lines), " +
			"the same data flattened into tables (CSV, XLSX, Parquet, SQLite for Datasette) with the portal's own " +
			"summaries of awards, suppliers and buyers, and deltas for mirrors."
	}
	if cfg.Licence.Name == "" {
		cfg.Licence = manifest.Licence{Name: "other-open", Title: "The licences of the sources apply to their data; see the sources", Scope: "portal"}
	}
	cfg.Licence.Scope = "portal"
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Writer{cfg: cfg, log: log}, nil
}

// Dir returns the dump directory.
func (w *Writer) Dir() string { return w.cfg.Dir }

func (w *Writer) enabled(format string) bool { return !slices.Contains(w.cfg.Disable, format) }

// Result says what a Write did.
type Result struct {
	// Generation is the generation served after the call.
	Generation string
	// Published is true when a new generation was published; false when
	// the data was unchanged.
	Published bool
	// Previous is the generation served before ("" when none).
	Previous string
	Files    int
	Bytes    int64
	Removed  []string // old generations removed
	Took     time.Duration
}

// ErrBusy is returned when another dump is being written into the same
// directory (wrapped together with procure.ErrLocked).
var ErrBusy = errors.New("another dump is being written into this directory")

// Write writes a new generation from a snapshot of src and publishes it,
// unless the data is unchanged since the current generation. now is used
// only for logging and the returned duration: nothing the dump contains
// depends on the clock. It is the plain method the scheduler calls.
func (w *Writer) Write(ctx context.Context, src Source, now time.Time) (res Result, err error) {
	start := time.Now()
	defer func() { res.Took = time.Since(start) }()
	if err := os.MkdirAll(w.cfg.Dir, 0o755); err != nil {
		return res, fmt.Errorf("dump: create %s: %w", w.cfg.Dir, err)
	}
	unlock, err := w.lock()
	if err != nil {
		return res, err
	}
	defer unlock()
	w.removeStale()

	lib := manifest.NewLibrary(w.cfg.Dir)
	prev, err := lib.CurrentName()
	if err != nil && !errors.Is(err, procure.ErrNotFound) {
		w.log.Warn("dump: the current generation pointer is unreadable; writing a full generation", "err", err)
	}
	var prevManifest *manifest.Manifest
	if prev != "" {
		if prevManifest, err = lib.Manifest(prev); err != nil {
			w.log.Warn("dump: the current generation is unreadable; writing a full generation without deltas", "generation", prev, "err", err)
			prev, prevManifest = "", nil
		}
	}
	res.Previous, res.Generation = prev, prev

	snap, err := src.Snapshot(ctx)
	if err != nil {
		return res, fmt.Errorf("dump: open snapshot: %w", err)
	}
	defer snap.Close()
	fp, err := snap.Fingerprint(ctx, w.cfg.TablePatterns)
	if err != nil {
		return res, fmt.Errorf("dump: %w", err)
	}
	if prev != "" && !w.cfg.Force {
		if old, err := os.ReadFile(filepath.Join(w.cfg.Dir, prev, fingerprintFile)); err == nil && strings.TrimSpace(string(old)) == fp {
			w.log.Info("dump: data unchanged since the current generation", "generation", prev)
			return res, nil
		}
	}

	tmp, err := os.MkdirTemp(w.cfg.Dir, tmpPrefix)
	if err != nil {
		return res, fmt.Errorf("dump: %w", err)
	}
	published := false
	defer func() {
		if !published {
			if rerr := os.RemoveAll(tmp); rerr != nil {
				w.log.Warn("dump: remove temporary directory", "dir", tmp, "err", rerr)
			}
		}
	}()
	b := newBuild(w, tmp, snap, prev, prevManifest)
	m, err := b.run(ctx)
	if err != nil {
		return res, fmt.Errorf("dump: %w", err)
	}
	gen := m.Generation
	if gen == prev {
		// Same content as what is served: keep it, remember the fingerprint.
		_ = writeFileSync(filepath.Join(w.cfg.Dir, prev, fingerprintFile), []byte(fp+"\n"))
		w.log.Info("dump: content unchanged; the current generation stays", "generation", prev)
		return res, nil
	}
	if err := writeFileSync(filepath.Join(tmp, fingerprintFile), []byte(fp+"\n")); err != nil {
		return res, fmt.Errorf("dump: %w", err)
	}
	if w.cfg.beforePublish != nil {
		if err := w.cfg.beforePublish(tmp); err != nil {
			return res, fmt.Errorf("dump: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("dump: %w", err)
	}
	final := filepath.Join(w.cfg.Dir, gen)
	if _, err := os.Stat(final); err == nil {
		// The same content was published before but is not current (the
		// data went back to an earlier state): replace it, since its
		// deltas start from another generation.
		old := filepath.Join(w.cfg.Dir, tmpPrefix+"old-"+gen)
		if err := os.Rename(final, old); err != nil {
			return res, fmt.Errorf("dump: move aside %s: %w", gen, err)
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(tmp, final); err != nil {
		return res, fmt.Errorf("dump: publish %s: %w", gen, err)
	}
	published = true
	if err := syncDir(w.cfg.Dir); err != nil {
		return res, fmt.Errorf("dump: %w", err)
	}
	if err := w.setCurrent(gen); err != nil {
		return res, err
	}
	res.Generation, res.Published = gen, true
	for _, f := range m.Files {
		res.Files++
		res.Bytes += f.Bytes
	}
	res.Removed = w.prune(gen)
	w.log.Info("dump published", "generation", gen, "previous", prev, "files", res.Files, "bytes", res.Bytes,
		"contracts", m.Contracts, "took", time.Since(start).Round(time.Millisecond), "at", now.UTC().Format(time.RFC3339))
	return res, nil
}

const (
	tmpPrefix       = ".tmp-"
	fingerprintFile = ".fingerprint"
)

// lock takes the dump directory's lock without waiting.
func (w *Writer) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(w.cfg.Dir, manifest.LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("dump: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("dump: %s: %w: %w", w.cfg.Dir, ErrBusy, procure.ErrLocked)
		}
		return nil, fmt.Errorf("dump: lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// removeStale removes temporary directories left by interrupted runs (the
// lock is held, so none is being written).
func (w *Writer) removeStale() {
	entries, err := os.ReadDir(w.cfg.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := os.RemoveAll(filepath.Join(w.cfg.Dir, e.Name())); err != nil {
				w.log.Warn("dump: remove a temporary directory left by an interrupted dump", "dir", e.Name(), "err", err)
			}
		}
	}
}

// setCurrent points CURRENT at gen by writing a temporary file and renaming
// it over the old pointer.
func (w *Writer) setCurrent(gen string) error {
	tmp := filepath.Join(w.cfg.Dir, tmpPrefix+manifest.CurrentFile)
	if err := writeFileSync(tmp, []byte(gen+"\n")); err != nil {
		return fmt.Errorf("dump: write current pointer: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(w.cfg.Dir, manifest.CurrentFile)); err != nil {
		return fmt.Errorf("dump: switch current pointer: %w", err)
	}
	if err := syncDir(w.cfg.Dir); err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	return nil
}

// prune removes generations beyond Keep, never the current one.
func (w *Writer) prune(current string) []string {
	gens, err := manifest.NewLibrary(w.cfg.Dir).Generations()
	if err != nil {
		return nil
	}
	var removed []string
	kept := 1 // current
	for _, g := range gens {
		if g == current {
			continue
		}
		if kept < w.cfg.Keep {
			kept++
			continue
		}
		if err := os.RemoveAll(filepath.Join(w.cfg.Dir, g)); err != nil {
			w.log.Warn("dump: remove old generation", "generation", g, "err", err)
			continue
		}
		removed = append(removed, g)
	}
	return removed
}

func writeFileSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
