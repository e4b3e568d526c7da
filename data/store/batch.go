package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// CompileFunc compiles all current releases of one ocid (in practice
// ocds.Compile). ApplyBatch calls it from several goroutines at once, so it
// must be safe for concurrent use (a pure function is); it must not keep
// the slice or its Raw bytes.
type CompileFunc func(ocid string, releases []procure.SourceRelease) (procure.Compiled, error)

// BatchResult reports what ApplyBatch committed.
type BatchResult struct {
	// Stored counts releases that were new or changed (a new version of a
	// known release, or an older version received again and made current).
	Stored int
	// Unchanged counts releases identical to the current stored version.
	Unchanged int
	// Changed lists the ocids recompiled in this batch, in first-seen order.
	// Their contracts are dirty until MarkIndexed.
	Changed []string
	// Contracts are the contract summaries of Changed, in the same order:
	// what DirtyContracts would return for them right after the commit, so
	// that an import can index them without reading them back.
	Contracts []procure.Contract
	// Problems are located problems found while storing: releases that could
	// not be stored (errors), compile failures (errors; the releases are
	// stored and the previous compiled version stays) and the warnings the
	// compiler reported. ApplyBatch does not add them to the run: pass them
	// to AddProblems.
	Problems []procure.Problem
}

// Problem codes ApplyBatch reports.
const (
	CodeInvalidRelease = "invalid-release" // missing ocid, id or JSON: not stored
	CodeSHA256Mismatch = "sha256-mismatch" // the given SHA-256 did not match the bytes; recomputed
	CodeCompileFailed  = "compile-failed"  // releases stored, previous compiled version kept
)

// ApplyBatch stores a batch of source releases and recompiles every process
// they touch, in ONE transaction that is committed before it returns:
//
//   - a release identical (same ocid, id and SHA-256) to the current stored
//     version is counted Unchanged and not stored again;
//   - a new release, or a new version of a known one, is stored and the
//     previous version is marked superseded (every version is kept); an
//     older version received again becomes current again;
//   - for every ocid with a stored change, all its current releases are
//     loaded and compile is called; the compiled release, its summary,
//     changes, awards, parties and roles replace the previous ones, the
//     spending aggregates are adjusted by the exact difference, and the
//     contract is marked dirty for the search index.
//
// A compile error (or panic) for one ocid is recorded as an error problem
// and does not lose the batch: its releases stay stored and its previous
// compiled version stays in place. Any other error rolls the whole batch
// back and nothing of it is stored. runID is the run the releases are
// recorded under (0 = none; an unknown run is ErrNotFound). Writer only.
func (s *Store) ApplyBatch(ctx context.Context, runID int64, rels []procure.SourceRelease, compile CompileFunc) (BatchResult, error) {
	var res BatchResult
	w, err := s.writer()
	if err != nil {
		return res, err
	}
	if compile == nil {
		return res, fmt.Errorf("apply batch: %w: no compile function", procure.ErrInvalid)
	}
	// CPU-bound work first, in parallel and outside the transaction.
	preps := s.prepare(ctx, rels)
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("apply batch: begin: %w", err)
	}
	b := newBatch(ctx, s, tx, runID)
	defer b.close()
	defer tx.Rollback()
	if runID != 0 {
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM import_runs WHERE id = ?", runID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return res, fmt.Errorf("apply batch: run %d: %w", runID, procure.ErrNotFound)
		} else if err != nil {
			return res, fmt.Errorf("apply batch: %w", err)
		}
	}

	if err := b.loadCurrentVersions(rels, preps); err != nil {
		return BatchResult{}, fmt.Errorf("apply batch: current versions: %w", err)
	}
	for i := range rels {
		p := &preps[i]
		if p.problem != nil {
			res.Problems = append(res.Problems, *p.problem)
			continue
		}
		if p.warning != nil {
			res.Problems = append(res.Problems, *p.warning)
		}
		if err := b.storeRelease(&rels[i], p, &res); err != nil {
			return BatchResult{}, fmt.Errorf("apply batch: store release %q of %s: %w", rels[i].ID, rels[i].OCID, err)
		}
	}
	if err := b.recompileAll(compile, &res); err != nil {
		return BatchResult{}, fmt.Errorf("apply batch: %w", err)
	}
	if err := b.flush(); err != nil {
		return BatchResult{}, fmt.Errorf("apply batch: aggregates: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return BatchResult{}, fmt.Errorf("apply batch: commit: %w", err)
	}
	return res, nil
}

// Recompile compiles the given ocids again from their current releases, in
// one transaction, exactly as ApplyBatch does for changed ones (use it after
// upgrading the compiler, or for processes whose compilation failed before;
// EachOCID lists them all). Unknown ocids are ignored. Writer only.
func (s *Store) Recompile(ctx context.Context, ocids []string, compile CompileFunc) (BatchResult, error) {
	var res BatchResult
	w, err := s.writer()
	if err != nil {
		return res, err
	}
	if compile == nil {
		return res, fmt.Errorf("recompile: %w: no compile function", procure.ErrInvalid)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("recompile: begin: %w", err)
	}
	b := newBatch(ctx, s, tx, 0)
	defer b.close()
	defer tx.Rollback()
	for _, ocid := range ocids {
		if _, ok := b.affected[ocid]; !ok {
			b.order = append(b.order, ocid)
			b.affected[ocid] = nil
		}
	}
	if err := b.recompileAll(compile, &res); err != nil {
		return BatchResult{}, fmt.Errorf("recompile: %w", err)
	}
	if err := b.flush(); err != nil {
		return BatchResult{}, fmt.Errorf("recompile: aggregates: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return BatchResult{}, fmt.Errorf("recompile: commit: %w", err)
	}
	return res, nil
}

// parallel calls f(0..n-1) on up to workers goroutines.
func parallel(n, workers int, f func(i int)) {
	if workers <= 1 || n < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// prepared is the transaction-free groundwork for one release.
type prepared struct {
	problem *procure.Problem // the release cannot be stored
	warning *procure.Problem
	sha     []byte
	blob    []byte // the packed raw JSON; nil when the version is already stored
}

// prepare validates, hashes and compresses the releases in parallel. It asks
// the reader pool (in one query) which versions are stored already so that
// re-imports of unchanged data skip the compression.
func (s *Store) prepare(ctx context.Context, rels []procure.SourceRelease) []prepared {
	out := make([]prepared, len(rels))
	parallel(len(rels), s.workers, func(i int) {
		r, p := &rels[i], &out[i]
		bad := func(msg string) {
			pr := releaseProblem(r, procure.SevError, CodeInvalidRelease, msg)
			p.problem = &pr
		}
		switch {
		case strings.TrimSpace(r.OCID) == "":
			bad("release has no ocid; it was not stored")
			return
		case strings.TrimSpace(r.ID) == "":
			bad("release has no id; it was not stored")
			return
		case len(bytes.TrimSpace(r.Raw)) == 0 || !json.Valid(r.Raw):
			bad("release JSON is empty or invalid; it was not stored")
			return
		}
		sum := sha256.Sum256(r.Raw)
		p.sha = sum[:]
		if r.SHA256 != "" && !strings.EqualFold(r.SHA256, hex.EncodeToString(p.sha)) {
			pr := releaseProblem(r, procure.SevWarning, CodeSHA256Mismatch,
				"the release's recorded SHA-256 did not match its bytes; the store recomputed it")
			p.warning = &pr
		}
	})
	held := s.heldVersions(ctx, rels, out)
	parallel(len(rels), s.workers, func(i int) {
		p := &out[i]
		if p.problem != nil || held[versionKey(rels[i].OCID, rels[i].ID, p.sha)] {
			return // stored already (storeRelease compresses if that changed meanwhile)
		}
		p.blob = s.codec.pack(rels[i].Raw)
	})
	return out
}

func versionKey(ocid, id string, sha []byte) string {
	return ocid + "\x00" + id + "\x00" + string(sha)
}

// preparedOCIDs lists, once each, the ocids of the releases that prepared
// without a problem.
func preparedOCIDs(rels []procure.SourceRelease, preps []prepared) []string {
	var ocids []string
	seen := map[string]bool{}
	for i := range rels {
		if preps[i].problem == nil && !seen[rels[i].OCID] {
			seen[rels[i].OCID] = true
			ocids = append(ocids, rels[i].OCID)
		}
	}
	return ocids
}

// heldVersions returns the stored versions (versionKey) among rels, read
// in one query; nil when the query fails (everything is then compressed,
// as for new releases).
func (s *Store) heldVersions(ctx context.Context, rels []procure.SourceRelease, preps []prepared) map[string]bool {
	ocids := preparedOCIDs(rels, preps)
	if len(ocids) == 0 {
		return nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT ocid, release_id, sha256 FROM releases
		WHERE ocid IN (SELECT value FROM json_each(?))`, jsonList(ocids))
	if err != nil {
		return nil
	}
	defer rows.Close()
	held := map[string]bool{}
	for rows.Next() {
		var ocid, id string
		var sha []byte
		if err := rows.Scan(&ocid, &id, &sha); err != nil {
			return nil
		}
		held[versionKey(ocid, id, sha)] = true
	}
	if rows.Err() != nil {
		return nil
	}
	return held
}

// batch is the state of one ApplyBatch transaction.
type batch struct {
	ctx context.Context
	// sctx is ctx without its cancellation, for single statements: the
	// driver starts a watcher goroutine per statement run under a
	// cancellable context, which costs more than most of our statements.
	// Cancellation is checked before each statement instead (and the
	// transaction is rolled back when ctx ends).
	sctx    context.Context
	s       *Store
	tx      *sql.Tx
	runID   any // int64 or nil
	now     int64
	stmts   map[string]*sql.Stmt
	origins map[originKey]int64
	// affected ocids in first-seen order, with the last changed release.
	order    []string
	affected map[string]*procure.SourceRelease
	d        *deltas
	parties  map[string]*partyRow
	// raws holds the JSON of release rows written by this batch, so that
	// compiling does not decompress what it has in memory.
	raws map[int64][]byte
	// current holds the current version of each (ocid, release id) of the
	// batch's releases, loaded in one query and kept up to date as the
	// batch stores releases (loadCurrentVersions).
	current map[relKey]currentVersion
	// contracts holds the existing contract rows of the affected ocids,
	// loaded in one query before they are written (loadContracts).
	contracts map[string]contractRow
}

type relKey struct{ ocid, id string }

type currentVersion struct {
	id     int64
	sha    []byte
	source string
}

type contractRow struct {
	id    int64
	facts []byte
}

func newBatch(ctx context.Context, s *Store, tx *sql.Tx, runID int64) *batch {
	b := &batch{
		ctx: ctx, sctx: context.WithoutCancel(ctx), s: s, tx: tx, now: time.Now().UnixMicro(),
		stmts:    map[string]*sql.Stmt{},
		origins:  map[originKey]int64{},
		affected: map[string]*procure.SourceRelease{},
		d:        newDeltas(),
		parties:  map[string]*partyRow{},
		raws:     map[int64][]byte{},
	}
	if runID != 0 {
		b.runID = runID
	}
	return b
}

func (b *batch) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// stmt returns the statement for query, prepared once per batch.
func (b *batch) stmt(query string) (*sql.Stmt, error) {
	if st, ok := b.stmts[query]; ok {
		return st, nil
	}
	st, err := b.tx.PrepareContext(b.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", strings.Join(strings.Fields(query), " "), err)
	}
	b.stmts[query] = st
	return st, nil
}

func (b *batch) exec(query string, args ...any) (sql.Result, error) {
	st, err := b.live(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(b.sctx, args...)
}

func (b *batch) queryRow(query string, args ...any) (*sql.Row, error) {
	st, err := b.live(query)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(b.sctx, args...), nil
}

func (b *batch) query(query string, args ...any) (*sql.Rows, error) {
	st, err := b.live(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(b.sctx, args...)
}

// live returns the statement for query unless the batch's context has
// ended.
func (b *batch) live(query string) (*sql.Stmt, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, context.Cause(b.ctx)
	}
	return b.stmt(query)
}

// originKey identifies a release_origins row.
type originKey struct {
	source, url string
	retrieved   int64
	file        string
	version     string
	pkg         string
}

func (b *batch) origin(r *procure.SourceRelease) (int64, error) {
	pkg, err := json.Marshal(r.Package)
	if err != nil {
		return 0, err
	}
	k := originKey{r.Source, r.URL, dbTimeInt(r.RetrievedAt), r.Location.File, r.Version, string(pkg)}
	if id, ok := b.origins[k]; ok {
		return id, nil
	}
	var retrieved any
	if k.retrieved != 0 {
		retrieved = k.retrieved
	}
	row, err := b.queryRow(`SELECT id FROM release_origins WHERE source = ? AND url = ? AND retrieved_at IS ?
		AND file = ? AND version = ? AND package = ?`, k.source, k.url, retrieved, k.file, k.version, k.pkg)
	if err != nil {
		return 0, err
	}
	var id int64
	switch err := row.Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		res, err := b.exec(`INSERT INTO release_origins (source, url, retrieved_at, file, version, package)
			VALUES (?, ?, ?, ?, ?, ?)`, k.source, k.url, retrieved, k.file, k.version, k.pkg)
		if err != nil {
			return 0, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, err
	}
	b.origins[k] = id
	return id, nil
}

func releaseProblem(r *procure.SourceRelease, sev procure.Severity, code, msg string) procure.Problem {
	return procure.Problem{Severity: sev, Code: code, Message: msg, Location: r.Location, OCID: r.OCID}
}

// loadCurrentVersions reads the current version of every (ocid, release
// id) of rels in one query.
func (b *batch) loadCurrentVersions(rels []procure.SourceRelease, preps []prepared) error {
	b.current = map[relKey]currentVersion{}
	ocids := preparedOCIDs(rels, preps)
	if len(ocids) == 0 {
		return nil
	}
	rows, err := b.query(`SELECT r.ocid, r.release_id, r.id, r.sha256, o.source FROM releases r
		JOIN release_origins o ON o.id = r.origin_id
		WHERE r.ocid IN (SELECT value FROM json_each(?)) AND r.superseded_by IS NULL`, jsonList(ocids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k relKey
		var v currentVersion
		if err := rows.Scan(&k.ocid, &k.id, &v.id, &v.sha, &v.source); err != nil {
			return err
		}
		b.current[k] = v
	}
	return rows.Err()
}

// storeRelease stores one release version unless it is the current one.
// b.current must hold the current versions (loadCurrentVersions).
func (b *batch) storeRelease(r *procure.SourceRelease, p *prepared, res *BatchResult) error {
	sha := p.sha
	key := relKey{r.OCID, r.ID}
	cur, hasCur := b.current[key]
	curID, curSHA, curSource := cur.id, cur.sha, cur.source
	if hasCur && bytes.Equal(curSHA, sha) {
		res.Unchanged++
		return nil
	}

	// An older version with these exact bytes becomes current again. (Every
	// stored (ocid, release id) has exactly one current version, so without
	// a current one nothing is stored for it.)
	var newID int64
	var newSource string
	found := false
	if hasCur {
		row, err := b.queryRow(`SELECT r.id, o.source FROM releases r JOIN release_origins o ON o.id = r.origin_id
			WHERE r.ocid = ? AND r.release_id = ? AND r.sha256 = ?`, r.OCID, r.ID, sha)
		if err != nil {
			return err
		}
		switch err := row.Scan(&newID, &newSource); {
		case err == nil:
			found = true
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	if found {
		if _, err := b.exec("UPDATE releases SET superseded_by = NULL WHERE id = ?", newID); err != nil {
			return err
		}
		b.raws[newID] = r.Raw
	} else {
		oid, err := b.origin(r)
		if err != nil {
			return fmt.Errorf("origin: %w", err)
		}
		tags, err := json.Marshal(nonNil(r.Tag))
		if err != nil {
			return err
		}
		blob := p.blob
		if blob == nil {
			blob = b.s.codec.pack(r.Raw)
		}
		res, err := b.exec(`INSERT INTO releases (ocid, release_id, sha256, date, tag, origin_id, line, idx, compiled, run_id, raw)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.OCID, r.ID, sha, dbTime(r.Date), string(tags), oid, r.Location.Line, r.Location.Index, r.Compiled,
			b.runID, blob)
		if err != nil {
			return err
		}
		if newID, err = res.LastInsertId(); err != nil {
			return err
		}
		b.raws[newID] = r.Raw
		newSource = r.Source
	}
	if hasCur {
		if _, err := b.exec("UPDATE releases SET superseded_by = ? WHERE id = ?", newID, curID); err != nil {
			return err
		}
		if curSource != newSource {
			b.d.source(curSource).releases--
			b.d.source(newSource).releases++
		}
	} else {
		b.d.counters["releases"]++
		b.d.source(newSource).releases++
	}
	b.current[key] = currentVersion{id: newID, sha: sha, source: newSource}
	res.Stored++
	if _, ok := b.affected[r.OCID]; !ok {
		b.order = append(b.order, r.OCID)
	}
	b.affected[r.OCID] = r
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// loadCurrentAll returns every current release of each of ocids, oldest
// first, read in one query. The raw JSON of rows this batch wrote comes
// from memory.
func (b *batch) loadCurrentAll(ocids []string) (map[string][]procure.SourceRelease, error) {
	out := make(map[string][]procure.SourceRelease, len(ocids))
	if len(ocids) == 0 {
		return out, nil
	}
	rows, err := b.query(`SELECT r.ocid, r.id, r.release_id, r.sha256, r.date, r.tag, r.line, r.idx, r.compiled,
		o.source, o.url, o.retrieved_at, o.file, o.version, o.package
		FROM releases r JOIN release_origins o ON o.id = r.origin_id
		WHERE r.ocid IN (SELECT value FROM json_each(?)) AND r.superseded_by IS NULL
		ORDER BY r.ocid, r.date, r.id`, jsonList(ocids))
	if err != nil {
		return nil, err
	}
	type ref struct {
		ocid string
		i    int
		id   int64
	}
	var missing []ref
	for rows.Next() {
		var ocid string
		var id int64
		rel, err := scanReleaseMeta(prefixScanner{rows, &ocid}, &id)
		if err != nil {
			rows.Close()
			return nil, err
		}
		rel.OCID = ocid
		if raw, ok := b.raws[id]; ok {
			rel.Raw = raw
		} else {
			missing = append(missing, ref{ocid, len(out[ocid]), id})
		}
		out[ocid] = append(out[ocid], rel)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	for _, m := range missing {
		row, err := b.queryRow("SELECT raw FROM releases WHERE id = ?", m.id)
		if err != nil {
			return nil, err
		}
		var blob []byte
		if err := row.Scan(&blob); err != nil {
			return nil, err
		}
		rel := &out[m.ocid][m.i]
		if rel.Raw, err = b.s.codec.unpack(blob); err != nil {
			return nil, fmt.Errorf("release %s: %w", rel.ID, err)
		}
	}
	return out, nil
}

// prefixScanner scans a first column into ocid, then the rest as Scan
// would.
type prefixScanner struct {
	rows interface{ Scan(...any) error }
	ocid *string
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.ocid}, dest...)...)
}

// scanReleaseMeta scans release columns (row id, release_id, sha256, date,
// tag, line, idx, compiled, then the origin's source, url, retrieved_at,
// file, version, package) without the raw JSON.
func scanReleaseMeta(rows interface{ Scan(...any) error }, rowID *int64) (procure.SourceRelease, error) {
	var r procure.SourceRelease
	var sha []byte
	var date, retrieved sql.NullInt64
	var tag, pkg string
	if err := rows.Scan(rowID, &r.ID, &sha, &date, &tag, &r.Location.Line, &r.Location.Index, &r.Compiled,
		&r.Source, &r.URL, &retrieved, &r.Location.File, &r.Version, &pkg); err != nil {
		return r, err
	}
	r.SHA256 = hex.EncodeToString(sha)
	r.Date = fromDBTime(date)
	r.RetrievedAt = fromDBTime(retrieved)
	if err := json.Unmarshal([]byte(tag), &r.Tag); err != nil {
		return r, fmt.Errorf("release %s tag: %w: %w", r.ID, procure.ErrCorrupt, err)
	}
	if err := json.Unmarshal([]byte(pkg), &r.Package); err != nil {
		return r, fmt.Errorf("release %s package: %w: %w", r.ID, procure.ErrCorrupt, err)
	}
	return r, nil
}

func scanRelease(rows interface{ Scan(...any) error }, c *codec) (procure.SourceRelease, error) {
	var r procure.SourceRelease
	var sha, raw []byte
	var date, retrieved sql.NullInt64
	var tag, pkg string
	if err := rows.Scan(&r.ID, &sha, &date, &tag, &r.Location.Line, &r.Location.Index, &r.Compiled, &raw,
		&r.Source, &r.URL, &retrieved, &r.Location.File, &r.Version, &pkg); err != nil {
		return r, err
	}
	r.SHA256 = hex.EncodeToString(sha)
	r.Date = fromDBTime(date)
	r.RetrievedAt = fromDBTime(retrieved)
	if err := json.Unmarshal([]byte(tag), &r.Tag); err != nil {
		return r, fmt.Errorf("release %s tag: %w: %w", r.ID, procure.ErrCorrupt, err)
	}
	if err := json.Unmarshal([]byte(pkg), &r.Package); err != nil {
		return r, fmt.Errorf("release %s package: %w: %w", r.ID, procure.ErrCorrupt, err)
	}
	js, err := c.unpack(raw)
	if err != nil {
		return r, fmt.Errorf("release %s: %w", r.ID, err)
	}
	r.Raw = js
	return r, nil
}

// safeCompile calls compile, turning a panic into an error.
func safeCompile(compile CompileFunc, ocid string, rels []procure.SourceRelease) (c procure.Compiled, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("compiler panicked: %v", p)
		}
	}()
	return compile(ocid, rels)
}

// job is the compilation of one affected ocid.
type job struct {
	ocid string
	rels []procure.SourceRelease
	last *procure.SourceRelease // the last release of the batch that changed it
	done chan struct{}
	// results
	err                               error
	c                                 procure.Contract
	problems                          []procure.Problem
	nf                                facts
	facts, summary, changes, compiled []byte // encoded for storage
}

// compileJob compiles and encodes one job; it touches no database.
func (s *Store) compileJob(j *job, compile CompileFunc) {
	defer close(j.done)
	comp, err := safeCompile(compile, j.ocid, j.rels)
	switch {
	case err != nil:
	case len(comp.Release) == 0:
		err = errors.New("the compiler returned no compiled release")
	case !json.Valid(comp.Release):
		err = errors.New("the compiler returned invalid JSON")
	}
	if err != nil {
		j.err = err
		return
	}
	j.problems = comp.Problems
	j.c = comp.Contract
	completeSummary(&j.c, j.ocid, j.rels, j.last.Source)
	j.nf = factsOf(&j.c)
	summary, err := json.Marshal(j.c)
	if err != nil {
		j.err = fmt.Errorf("encode summary: %w", err)
		return
	}
	if j.facts, err = json.Marshal(j.nf); err != nil {
		j.err = fmt.Errorf("encode facts: %w", err)
		return
	}
	if len(comp.Changes) > 0 {
		js, err := json.Marshal(comp.Changes)
		if err != nil {
			j.err = fmt.Errorf("encode changes: %w", err)
			return
		}
		j.changes = s.codec.pack(js)
	}
	j.summary = s.codec.pack(summary)
	j.compiled = s.codec.pack(comp.Release)
	j.rels = nil // free the raw JSON early
}

// recompileAll compiles every affected ocid: the releases are loaded in the
// transaction, compiled and encoded on parallel workers (compile must be
// safe for concurrent use), and written in first-seen order as they finish.
// A compile failure becomes a problem; a database error aborts.
func (b *batch) recompileAll(compile CompileFunc, res *BatchResult) error {
	jobs := make([]*job, 0, len(b.order))
	current, err := b.loadCurrentAll(b.order)
	if err != nil {
		return fmt.Errorf("load releases: %w", err)
	}
	if err := b.loadContracts(b.order); err != nil {
		return fmt.Errorf("load contracts: %w", err)
	}
	for _, ocid := range b.order {
		rels := current[ocid]
		last := b.affected[ocid]
		if last == nil { // Recompile: no release of this batch changed it
			if len(rels) == 0 {
				continue
			}
			last = &rels[len(rels)-1]
		}
		jobs = append(jobs, &job{ocid: ocid, rels: rels, last: last, done: make(chan struct{})})
	}
	var abort atomic.Bool
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		parallel(len(jobs), b.s.workers, func(i int) {
			if abort.Load() {
				close(jobs[i].done)
				return
			}
			b.s.compileJob(jobs[i], compile)
		})
	}()
	defer func() {
		abort.Store(true)
		<-finished
	}()
	for _, j := range jobs {
		select {
		case <-j.done:
		case <-b.ctx.Done():
			return b.ctx.Err()
		}
		if j.err != nil {
			p := releaseProblem(j.last, procure.SevError, CodeCompileFailed, fmt.Sprintf(
				"could not compile %s from its stored releases: %v; the releases are stored and the previous version of the contract stays in place",
				j.ocid, j.err))
			p.OCID = j.ocid
			res.Problems = append(res.Problems, p)
			continue
		}
		for _, p := range j.problems {
			if p.OCID == "" {
				p.OCID = j.ocid
			}
			res.Problems = append(res.Problems, p)
		}
		if err := b.writeContract(j); err != nil {
			return fmt.Errorf("write %s: %w", j.ocid, err)
		}
		res.Changed = append(res.Changed, j.ocid)
		res.Contracts = append(res.Contracts, j.c)
	}
	return nil
}

// loadContracts reads the existing contract rows of ocids in one query.
func (b *batch) loadContracts(ocids []string) error {
	b.contracts = make(map[string]contractRow, len(ocids))
	if len(ocids) == 0 {
		return nil
	}
	rows, err := b.query(`SELECT c.ocid, c.id, d.facts FROM contracts c JOIN contract_docs d ON d.contract_id = c.id
		WHERE c.ocid IN (SELECT value FROM json_each(?))`, jsonList(ocids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ocid string
		var c contractRow
		if err := rows.Scan(&ocid, &c.id, &c.facts); err != nil {
			return err
		}
		b.contracts[ocid] = c
	}
	return rows.Err()
}

// facts are the exact contribution of one contract to the aggregates. They
// are stored with the contract so that a recompile subtracts precisely what
// the previous version added.
type facts struct {
	Buyer      string      `json:"b,omitempty"`
	BuyerType  string      `json:"t,omitempty"`
	Country    string      `json:"c,omitempty"`
	Source     string      `json:"s,omitempty"`
	Category   string      `json:"g,omitempty"`
	Department string      `json:"p,omitempty"` // procure.Contract.Department
	SeenAt     int64       `json:"d,omitempty"`
	Awards     []factAward `json:"a,omitempty"`
	Names      [][2]string `json:"n,omitempty"` // distinct (party ID, name)
}

type factAward struct {
	Year      int      `json:"y,omitempty"`
	Counted   bool     `json:"k,omitempty"`
	HasValue  bool     `json:"h,omitempty"`
	Units     int64    `json:"u,omitempty"`
	Currency  string   `json:"c,omitempty"`
	Suppliers []string `json:"s,omitempty"` // distinct, non-empty
}

// buyerTypeOf returns the stored buyer type: one of procure.BuyerTypes.
func buyerTypeOf(t procure.BuyerType) string {
	if t.Valid() {
		return string(t)
	}
	return string(procure.BuyerOther)
}

// awardYear is the award date's year, else the contract date's, else 0.
func awardYear(a procure.Award, c *procure.Contract) int {
	if !a.Date.IsZero() {
		return a.Date.Year()
	}
	if !c.Date.IsZero() {
		return c.Date.Year()
	}
	return 0
}

func awardSuppliers(a procure.Award) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range a.Suppliers {
		if p.ID != "" && !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p.ID)
		}
	}
	return out
}

// completeSummary fills what the store knows better than the compiler when
// the compiler left it empty.
func completeSummary(c *procure.Contract, ocid string, rels []procure.SourceRelease, source string) {
	c.OCID = ocid
	if c.Source == "" {
		c.Source = source
	}
	if c.ReleaseCount == 0 {
		c.ReleaseCount = len(rels)
	}
	for _, r := range rels {
		if r.Date.IsZero() {
			continue
		}
		if c.FirstRelease.IsZero() || r.Date.Before(c.FirstRelease) {
			c.FirstRelease = r.Date
		}
		if c.LastRelease.IsZero() || r.Date.After(c.LastRelease) {
			c.LastRelease = r.Date
		}
	}
	if c.Suppliers == nil {
		c.Suppliers = []procure.PartyRef{}
	}
}

// seenAt is the date a contract's party details are as of.
func seenAt(c *procure.Contract) int64 {
	switch {
	case !c.LastRelease.IsZero():
		return c.LastRelease.UnixMicro()
	case !c.Date.IsZero():
		return c.Date.UnixMicro()
	}
	return 0
}

func factsOf(c *procure.Contract) facts {
	f := facts{
		Buyer:      c.Buyer.ID,
		BuyerType:  buyerTypeOf(c.BuyerType),
		Country:    c.Country,
		Source:     c.Source,
		Category:   c.Category,
		Department: c.Department,
		SeenAt:     seenAt(c),
	}
	for _, a := range c.Awards {
		fa := factAward{Year: awardYear(a, c), Counted: a.Counted, HasValue: a.HasValue, Suppliers: awardSuppliers(a)}
		if a.HasValue {
			fa.Units = a.Value.Amount.Units()
			fa.Currency = a.Value.Currency
		}
		f.Awards = append(f.Awards, fa)
	}
	seen := map[[2]string]bool{}
	addName := func(id, name string) {
		k := [2]string{id, name}
		if id == "" || strings.TrimSpace(name) == "" || seen[k] {
			return
		}
		seen[k] = true
		f.Names = append(f.Names, k)
	}
	addName(c.Buyer.ID, c.Buyer.Name)
	for _, p := range c.Parties {
		addName(p.ID, p.Name)
	}
	for _, a := range c.Awards {
		for _, p := range a.Suppliers {
			addName(p.ID, p.Name)
		}
	}
	for _, p := range c.Suppliers {
		addName(p.ID, p.Name)
	}
	return f
}

// writeContract replaces the compiled state of j.ocid.
func (b *batch) writeContract(j *job) error {
	ocid, c, nf := j.ocid, &j.c, &j.nf
	// The previous version, if any.
	prev, exists := b.contracts[ocid]
	cid, oldFacts := prev.id, prev.facts
	if exists {
		var of facts
		if err := json.Unmarshal(oldFacts, &of); err != nil {
			return fmt.Errorf("previous facts of %s: %w: %w", ocid, procure.ErrCorrupt, err)
		}
		b.d.contract(&of, -1)
	}
	b.d.contract(nf, +1)
	args := []any{c.Title, c.Buyer.ID, buyerTypeOf(c.BuyerType), c.Country, dbTime(c.Date),
		c.Amount.Amount.Units(), c.Amount.Currency, c.Status, c.Method, c.Category, c.Source,
		c.ReleaseCount, dbTime(c.LastRelease), c.Demo, b.runID, b.now}
	if exists {
		if _, err := b.exec(`UPDATE contracts SET title = ?, buyer_id = ?, buyer_type = ?, country = ?, date = ?,
			amount = ?, currency = ?, status = ?, method = ?, category = ?, source = ?, release_count = ?,
			last_release = ?, demo = ?, updated_run = ?, updated_at = ?, dirty = 1 WHERE id = ?`,
			append(args, cid)...); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM awards WHERE contract_id = ?", "DELETE FROM contract_parties WHERE contract_id = ?"} {
			if _, err := b.exec(q, cid); err != nil {
				return err
			}
		}
	} else {
		res, err := b.exec(`INSERT INTO contracts (title, buyer_id, buyer_type, country, date, amount, currency,
			status, method, category, source, release_count, last_release, demo, updated_run, updated_at, dirty, ocid)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`, append(args, ocid)...)
		if err != nil {
			return err
		}
		if cid, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	b.contracts[ocid] = contractRow{id: cid, facts: j.facts}
	if _, err := b.exec(`INSERT INTO contract_docs (contract_id, facts, summary, changes, compiled) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (contract_id) DO UPDATE SET facts = excluded.facts, summary = excluded.summary,
		changes = excluded.changes, compiled = excluded.compiled`,
		cid, j.facts, j.summary, j.changes, j.compiled); err != nil {
		return err
	}

	// Awards and their suppliers.
	for i, a := range c.Awards {
		title := a.Title
		if title == "" {
			title = c.Title
		}
		fa := nf.Awards[i]
		if _, err := b.exec(`INSERT INTO awards (contract_id, seq, ocid, award_id, buyer_id, date, year, status,
			counted, value, currency, has_value, title, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			cid, i, ocid, a.ID, c.Buyer.ID, dbTime(a.Date), fa.Year, a.Status, a.Counted, fa.Units, fa.Currency,
			a.HasValue, title, c.Category); err != nil {
			return err
		}
		for _, sp := range fa.Suppliers {
			if _, err := b.exec(`INSERT INTO award_suppliers (contract_id, seq, supplier_id, date) VALUES (?, ?, ?, ?)`,
				cid, i, sp, dbTime(a.Date)); err != nil {
				return err
			}
		}
	}

	// Parties and roles.
	roles := map[[2]string]bool{}
	addRole := func(role, id string) error {
		k := [2]string{role, id}
		if id == "" || roles[k] {
			return nil
		}
		roles[k] = true
		_, err := b.exec("INSERT INTO contract_parties (contract_id, role, party_id) VALUES (?, ?, ?)", cid, role, id)
		return err
	}
	at := nf.SeenAt
	listed := map[string]bool{}
	for _, p := range c.Parties {
		if p.ID == "" {
			continue
		}
		listed[p.ID] = true
		pr := partyFrom(p, at)
		if p.ID == c.Buyer.ID {
			if pr.buyerType == "" {
				pr.buyerType = buyerTypeOf(c.BuyerType)
			}
			if pr.country == "" {
				pr.country = c.Country
			}
		}
		b.mergeParty(pr)
	}
	refs := []procure.PartyRef{c.Buyer}
	refs = append(refs, c.Suppliers...)
	for _, a := range c.Awards {
		refs = append(refs, a.Suppliers...)
	}
	for i, r := range refs {
		if r.ID == "" || listed[r.ID] {
			continue
		}
		pr := &partyRow{id: r.ID, name: r.Name, seenAt: at}
		if i == 0 {
			pr.buyerType = buyerTypeOf(c.BuyerType)
			pr.country = c.Country
		}
		b.mergeParty(pr)
	}
	if err := addRole("buyer", c.Buyer.ID); err != nil {
		return err
	}
	for _, fa := range nf.Awards {
		for _, sp := range fa.Suppliers {
			if err := addRole("supplier", sp); err != nil {
				return err
			}
		}
	}
	for _, p := range c.Suppliers {
		if err := addRole("supplier", p.ID); err != nil {
			return err
		}
	}
	for _, p := range c.Parties {
		if p.ID != c.Buyer.ID && !roles[[2]string{"supplier", p.ID}] {
			if err := addRole("party", p.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
