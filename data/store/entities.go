package store

// Entities and relationships from ownership registers and sanctions lists
// (issue 5): storage, identifier clusters, candidate generation by name
// tokens, and the graph reads data/owner uses.
//
// # Clusters
//
// Same strong qualified identifier = same entity. Every entity belongs to one
// cluster: the connected component of the graph whose edges are shared strong
// identifiers (A shares an INN with B, B an OGRN with C: A, B and C are one
// cluster). A cluster's ID is the smallest entity ID in it. Records are never
// merged: the cluster is a column, recomputed for the affected components
// whenever identifiers change, and every source record keeps its own row.
// Weak identifiers (regid.Weak: {CC}-REG, {CC}-TAX, XI-MMSI) are indexed for
// EntitiesByIdentifier but never join a cluster. An identifier held by more
// than maxIdentifierHolders records is treated as too common to identify one
// entity (a publisher's placeholder such as "0000000000") and does not
// cluster either; the batch reports a warning.
//
// # Graph reads
//
// OwnersOf, HoldingsOf and SoftLinksOf take any entity ID and answer for its
// whole cluster: the edges of every record of the same entity. An ID that is
// not a stored entity (a dangling reference in a register) is its own
// one-member cluster.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

const (
	// maxIdentifierHolders is the number of records above which one
	// qualified identifier no longer clusters (see the package comment).
	maxIdentifierHolders = 200
	// maxClusterSize bounds one cluster computation; a component that grows
	// beyond it is cut (with a warning) rather than walked without end.
	maxClusterSize = 5000
	// maxTokenBucket: tokens carried by more entities than this are too
	// common to generate candidates from, unless nothing rarer exists.
	maxTokenBucket = 2000
	// maxCandidateTokens is how many of the rarest query tokens are used.
	maxCandidateTokens = 6
	// maxEntityCandidates caps EntityCandidates' limit.
	maxEntityCandidates = 500
	// entityPage is the page size of EachEntity.
	entityPage = 500
)

// EntityBatchResult is what ApplyEntities reports for one committed batch.
type EntityBatchResult struct {
	// Stored and Unchanged count entities and relationships together.
	Stored, Unchanged int
	// EntitiesStored etc. split them.
	EntitiesStored, EntitiesUnchanged           int
	RelationshipsStored, RelationshipsUnchanged int
	// Problems are records refused (errors: not stored) and identifiers
	// too common to cluster (warnings).
	Problems []procure.Problem
}

// ApplyEntities stores entities and relationships in one transaction: new
// records are inserted, changed ones replace the current version (every
// version is kept in entity_versions), identical ones are counted as
// unchanged. Clusters of the entities whose identifiers changed are
// recomputed before the commit. A record that is invalid (no ID, unknown
// relationship kind, share outside [0,100], ...) is not stored and is
// reported as an error problem; the rest of the batch is stored. runID may
// be 0 (no run recorded). Writer only.
func (s *Store) ApplyEntities(ctx context.Context, runID int64, es []procure.Entity, rs []procure.Relationship) (EntityBatchResult, error) {
	var res EntityBatchResult
	w, err := s.writer()
	if err != nil {
		return res, err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("store entities: %w", err)
	}
	defer tx.Rollback()
	a, err := s.newEntityApplier(ctx, tx, runID)
	if err != nil {
		return res, fmt.Errorf("store entities: %w", err)
	}
	defer a.close()
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return EntityBatchResult{}, err
		}
		if err := a.entity(e, &res); err != nil {
			return EntityBatchResult{}, fmt.Errorf("store entity %s: %w", e.ID, err)
		}
	}
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return EntityBatchResult{}, err
		}
		if err := a.relationship(r, &res); err != nil {
			return EntityBatchResult{}, fmt.Errorf("store relationship %s: %w", r.ID, err)
		}
	}
	if err := a.recluster(&res); err != nil {
		return EntityBatchResult{}, fmt.Errorf("store entities: compute clusters: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return EntityBatchResult{}, fmt.Errorf("store entities: commit: %w", err)
	}
	res.Stored = res.EntitiesStored + res.RelationshipsStored
	res.Unchanged = res.EntitiesUnchanged + res.RelationshipsUnchanged
	return res, nil
}

// entityApplier holds the prepared statements of one ApplyEntities.
type entityApplier struct {
	s     *Store
	ctx   context.Context
	tx    *sql.Tx
	run   any // runID or NULL
	now   int64
	stmts map[string]*sql.Stmt

	seeds       map[int64]bool  // entities whose cluster must be recomputed
	oldClusters map[string]bool // clusters an entity left (may split)
	hubs        map[string]bool // identifiers found too common (reported once)
}

func (s *Store) newEntityApplier(ctx context.Context, tx *sql.Tx, runID int64) (*entityApplier, error) {
	a := &entityApplier{s: s, ctx: ctx, tx: tx, now: time.Now().UnixMicro(), stmts: map[string]*sql.Stmt{},
		seeds: map[int64]bool{}, oldClusters: map[string]bool{}, hubs: map[string]bool{}}
	if runID != 0 {
		a.run = runID
	}
	return a, nil
}

func (a *entityApplier) close() {
	for _, st := range a.stmts {
		st.Close()
	}
}

// stmt returns the prepared statement for q, preparing it once.
func (a *entityApplier) stmt(q string) (*sql.Stmt, error) {
	if st, ok := a.stmts[q]; ok {
		return st, nil
	}
	st, err := a.tx.PrepareContext(a.ctx, q)
	if err != nil {
		return nil, err
	}
	a.stmts[q] = st
	return st, nil
}

func (a *entityApplier) exec(q string, args ...any) (sql.Result, error) {
	st, err := a.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(a.ctx, args...)
}

func (a *entityApplier) queryRow(q string, args ...any) (*sql.Row, error) {
	st, err := a.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(a.ctx, args...), nil
}

func (a *entityApplier) strings(q string, args ...any) ([]string, error) {
	st, err := a.stmt(q)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(a.ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// contentHash is the SHA-256 of v's JSON (the caller clears volatile
// fields first), and that JSON.
func contentHash(v any) ([]byte, []byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], b, nil
}

// stableProvenance keeps the parts of a record's provenance that identify
// its content (dataset, record ID, hash of the raw bytes, licence) and drops
// where and when it was read (source name, URL, retrieval time, location):
// the same record read again, from another file, another configured source
// or another line, is unchanged. The stored version keeps the provenance of
// its first import.
func stableProvenance(p procure.Provenance) procure.Provenance {
	return procure.Provenance{Dataset: p.Dataset, RecordID: p.RecordID, SHA256: p.SHA256, License: p.License}
}

func refused(prov procure.Provenance, code, msg string) procure.Problem {
	return procure.Problem{Severity: procure.SevError, Code: code, Message: msg, Location: prov.Location}
}

// checkEntity validates e; the problem explains a refusal.
func checkEntity(e *procure.Entity) (procure.Problem, bool) {
	e.ID = strings.TrimSpace(e.ID)
	switch {
	case e.ID == "":
		return refused(e.Provenance, "entity-without-id", "an entity without an ID cannot be stored"), false
	case e.Kind == "":
		return refused(e.Provenance, "entity-without-kind", fmt.Sprintf("entity %s has no kind (company, person, ...); not stored", e.ID)), false
	}
	return procure.Problem{}, true
}

// checkRelationship validates r; the problem explains a refusal.
func checkRelationship(r *procure.Relationship) (procure.Problem, bool) {
	r.ID = strings.TrimSpace(r.ID)
	switch {
	case r.ID == "":
		return refused(r.Provenance, "relationship-without-id", "a relationship without an ID cannot be stored"), false
	case r.Asset == "":
		return refused(r.Provenance, "relationship-without-subject", fmt.Sprintf("relationship %s has no subject (asset); not stored", r.ID)), false
	case r.Owner == "" && r.UnspecifiedOwner == "":
		return refused(r.Provenance, "relationship-without-party", fmt.Sprintf("relationship %s has neither an interested party nor a reason why it is not disclosed; not stored", r.ID)), false
	case !knownRelationKind(r.Kind):
		return refused(r.Provenance, "relationship-unknown-kind", fmt.Sprintf("relationship %s has the unknown kind %q; not stored", r.ID, r.Kind)), false
	case math.IsNaN(r.Share.Min) || math.IsNaN(r.Share.Max) || r.Share.Min < 0 || r.Share.Max > 100 || r.Share.Min > r.Share.Max:
		return refused(r.Provenance, "relationship-bad-share", fmt.Sprintf("relationship %s has the share interval [%g, %g], which is not within [0, 100]; not stored", r.ID, r.Share.Min, r.Share.Max)), false
	}
	return procure.Problem{}, true
}

func knownRelationKind(k procure.RelationKind) bool {
	switch k {
	case procure.RelOwnership, procure.RelControl, procure.RelDirectorship, procure.RelFamily, procure.RelAssociate,
		procure.RelRepresentation, procure.RelMembership, procure.RelLinkedTo, procure.RelUnknownLink, procure.RelSharedAddress:
		return true
	}
	return false
}

// entity stores one entity.
func (a *entityApplier) entity(e procure.Entity, res *EntityBatchResult) error {
	if p, ok := checkEntity(&e); !ok {
		res.Problems = append(res.Problems, p)
		return nil
	}
	volatile := e
	volatile.Provenance = stableProvenance(e.Provenance)
	content, _, err := contentHash(volatile)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(e)
	if err != nil {
		return err
	}
	packed := a.s.codec.pack(doc)
	row, err := a.queryRow("SELECT pk, content, cluster FROM entities WHERE id = ?", e.ID)
	if err != nil {
		return err
	}
	var pk int64
	var old []byte
	var cluster string
	err = row.Scan(&pk, &old, &cluster)
	isNew := errors.Is(err, sql.ErrNoRows)
	switch {
	case isNew:
	case err != nil:
		return err
	case bytes.Equal(old, content):
		res.EntitiesUnchanged++
		_, err := a.exec("UPDATE entities SET seen_run = ? WHERE pk = ?", a.run, pk)
		return err
	}
	countries := strings.Join(e.Countries, " ")
	if isNew {
		r, err := a.exec(`INSERT INTO entities (id, kind, name, jurisdiction, countries, sanctioned, opaque, dataset, source,
			cluster, content, run_id, seen_run, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, string(e.Kind), e.Name, e.Jurisdiction, countries, e.Sanctioned(), e.Opaque != "", e.Provenance.Dataset,
			e.Provenance.Source, e.ID, content, a.run, a.run, a.now, packed)
		if err != nil {
			return err
		}
		if pk, err = r.LastInsertId(); err != nil {
			return err
		}
	} else {
		if _, err := a.exec(`UPDATE entities SET kind = ?, name = ?, jurisdiction = ?, countries = ?, sanctioned = ?, opaque = ?,
			dataset = ?, source = ?, content = ?, run_id = ?, seen_run = ?, updated_at = ?, doc = ? WHERE pk = ?`,
			string(e.Kind), e.Name, e.Jurisdiction, countries, e.Sanctioned(), e.Opaque != "", e.Provenance.Dataset,
			e.Provenance.Source, content, a.run, a.run, a.now, packed, pk); err != nil {
			return err
		}
	}
	if _, err := a.exec("INSERT OR IGNORE INTO entity_versions (kind, id, content, run_id, first_seen, doc) VALUES ('e', ?, ?, ?, ?, ?)",
		e.ID, content, a.run, a.now, packed); err != nil {
		return err
	}
	changed, err := a.setIdentifiers(pk, isNew, entityIdentifiers(e))
	if err != nil {
		return err
	}
	if isNew || changed {
		a.seeds[pk] = true
		if !isNew {
			a.oldClusters[cluster] = true
		}
	}
	if err := a.setTokens(pk, isNew, entityTokens(e)); err != nil {
		return err
	}
	res.EntitiesStored++
	return nil
}

// entityIdentifiers returns the indexed identifiers of e, deduplicated.
func entityIdentifiers(e procure.Entity) map[string]bool {
	out := map[string]bool{}
	for _, id := range e.Identifiers {
		q := canonicalQualified(id.Scheme, id.ID)
		if q == "" {
			continue
		}
		strong := !regid.Weak(id.Scheme)
		out[q] = out[q] || strong
	}
	return out
}

// schemeAliases maps schemes that name the same register differently.
var schemeAliases = map[string]string{
	"US-SAM":   "US-UEI",
	"LEI":      "XI-LEI",
	"XI-GLEIF": "XI-LEI",
}

// canonicalQualified returns the indexed form of an identifier ("" when
// incomplete).
func canonicalQualified(scheme, id string) string {
	s := procure.NormalizeScheme(scheme)
	if a, ok := schemeAliases[s]; ok {
		s = a
	}
	q, ok := procure.QualifiedID(s, id)
	if !ok {
		return ""
	}
	return q
}

// setIdentifiers replaces the identifiers of entity pk with ids and reports
// whether they changed.
func (a *entityApplier) setIdentifiers(pk int64, isNew bool, ids map[string]bool) (bool, error) {
	old := map[string]bool{}
	if !isNew {
		st, err := a.stmt("SELECT qualified, strong FROM entity_identifiers WHERE entity = ?")
		if err != nil {
			return false, err
		}
		rows, err := st.QueryContext(a.ctx, pk)
		if err != nil {
			return false, err
		}
		for rows.Next() {
			var q string
			var strong bool
			if err := rows.Scan(&q, &strong); err != nil {
				rows.Close()
				return false, err
			}
			old[q] = strong
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
	}
	changed := false
	for q, strong := range old {
		if ns, ok := ids[q]; ok && ns == strong {
			continue
		}
		changed = true
		if _, err := a.exec("DELETE FROM entity_identifiers WHERE qualified = ? AND entity = ?", q, pk); err != nil {
			return false, err
		}
	}
	for q, strong := range ids {
		if os, ok := old[q]; ok && os == strong {
			continue
		}
		changed = true
		if _, err := a.exec("INSERT INTO entity_identifiers (qualified, entity, strong) VALUES (?, ?, ?)", q, pk, strong); err != nil {
			return false, err
		}
	}
	return changed, nil
}

// setTokens replaces the name tokens of entity pk.
func (a *entityApplier) setTokens(pk int64, isNew bool, toks []string) error {
	want := map[string]bool{}
	for _, t := range toks {
		want[t] = true
	}
	if !isNew {
		old, err := a.strings("SELECT token FROM entity_tokens WHERE entity = ?", pk)
		if err != nil {
			return err
		}
		for _, t := range old {
			if want[t] {
				delete(want, t)
				continue
			}
			if _, err := a.exec("DELETE FROM entity_tokens WHERE token = ? AND entity = ?", t, pk); err != nil {
				return err
			}
		}
	}
	add := make([]string, 0, len(want))
	for t := range want {
		add = append(add, t)
	}
	sort.Strings(add)
	// Several rows per statement: one round trip instead of one per token.
	const perStmt = 16
	for len(add) > 0 {
		n := min(len(add), perStmt)
		q := "INSERT INTO entity_tokens (token, entity) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", ")
		args := make([]any, 0, 2*n)
		for _, t := range add[:n] {
			args = append(args, t, pk)
		}
		if _, err := a.exec(q, args...); err != nil {
			return err
		}
		add = add[n:]
	}
	return nil
}

// relationship stores one relationship.
func (a *entityApplier) relationship(r procure.Relationship, res *EntityBatchResult) error {
	if p, ok := checkRelationship(&r); !ok {
		res.Problems = append(res.Problems, p)
		return nil
	}
	volatile := r
	volatile.Provenance = stableProvenance(r.Provenance)
	content, _, err := contentHash(volatile)
	if err != nil {
		return err
	}
	row, err := a.queryRow("SELECT pk, content FROM entity_relationships WHERE id = ?", r.ID)
	if err != nil {
		return err
	}
	var pk int64
	var old []byte
	err = row.Scan(&pk, &old)
	isNew := errors.Is(err, sql.ErrNoRows)
	switch {
	case isNew:
	case err != nil:
		return err
	case bytes.Equal(old, content):
		res.RelationshipsUnchanged++
		_, err := a.exec("UPDATE entity_relationships SET seen_run = ? WHERE pk = ?", a.run, pk)
		return err
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	packed := a.s.codec.pack(doc)
	args := []any{string(r.Kind), r.Owner, r.Asset, r.Share.Min, r.Share.Max, r.Control, r.Direct, r.StartDate, r.EndDate,
		r.UnspecifiedOwner, r.Provenance.Dataset, r.Provenance.Source, content, a.run, a.run, a.now, packed}
	if isNew {
		_, err = a.exec(`INSERT INTO entity_relationships (kind, owner, asset, share_min, share_max, control, direct, start_date,
			end_date, unspecified, dataset, source, content, run_id, seen_run, updated_at, doc, id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, r.ID)...)
	} else {
		_, err = a.exec(`UPDATE entity_relationships SET kind = ?, owner = ?, asset = ?, share_min = ?, share_max = ?, control = ?,
			direct = ?, start_date = ?, end_date = ?, unspecified = ?, dataset = ?, source = ?, content = ?, run_id = ?,
			seen_run = ?, updated_at = ?, doc = ? WHERE pk = ?`, append(args, pk)...)
	}
	if err != nil {
		return err
	}
	if _, err := a.exec("INSERT OR IGNORE INTO entity_versions (kind, id, content, run_id, first_seen, doc) VALUES ('r', ?, ?, ?, ?, ?)",
		r.ID, content, a.run, a.now, packed); err != nil {
		return err
	}
	res.RelationshipsStored++
	return nil
}

// recluster recomputes the clusters of the seed entities and of every
// member of a cluster an entity left (it may have split).
func (a *entityApplier) recluster(res *EntityBatchResult) error {
	if len(a.seeds) == 0 && len(a.oldClusters) == 0 {
		return nil
	}
	seeds := make([]int64, 0, len(a.seeds))
	for pk := range a.seeds {
		seeds = append(seeds, pk)
	}
	olds := make([]string, 0, len(a.oldClusters))
	for c := range a.oldClusters {
		olds = append(olds, c)
	}
	sort.Strings(olds)
	for _, c := range olds {
		st, err := a.stmt("SELECT pk FROM entities WHERE cluster = ?")
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(a.ctx, c)
		if err != nil {
			return err
		}
		for rows.Next() {
			var pk int64
			if err := rows.Scan(&pk); err != nil {
				rows.Close()
				return err
			}
			seeds = append(seeds, pk)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	done := map[int64]bool{}
	for _, seed := range seeds {
		if done[seed] {
			continue
		}
		comp, err := a.component(seed, res)
		if err != nil {
			return err
		}
		type member struct {
			pk          int64
			id, cluster string
		}
		ms := make([]member, 0, len(comp))
		root := ""
		for _, pk := range comp {
			done[pk] = true
			row, err := a.queryRow("SELECT id, cluster FROM entities WHERE pk = ?", pk)
			if err != nil {
				return err
			}
			var m member
			m.pk = pk
			if err := row.Scan(&m.id, &m.cluster); err != nil {
				return err
			}
			if root == "" || m.id < root {
				root = m.id
			}
			ms = append(ms, m)
		}
		for _, m := range ms {
			if m.cluster == root {
				continue
			}
			if _, err := a.exec("UPDATE entities SET cluster = ? WHERE pk = ?", root, m.pk); err != nil {
				return err
			}
		}
	}
	return nil
}

// component returns the entities connected to seed through shared strong
// identifiers (seed included).
func (a *entityApplier) component(seed int64, res *EntityBatchResult) ([]int64, error) {
	seen := map[int64]bool{seed: true}
	comp := []int64{seed}
	seenID := map[string]bool{}
	for i := 0; i < len(comp); i++ {
		ids, err := a.strings("SELECT qualified FROM entity_identifiers WHERE entity = ? AND strong = 1", comp[i])
		if err != nil {
			return nil, err
		}
		for _, q := range ids {
			if seenID[q] || a.hubs[q] {
				continue
			}
			seenID[q] = true
			st, err := a.stmt("SELECT entity FROM entity_identifiers WHERE qualified = ? AND strong = 1 LIMIT ?")
			if err != nil {
				return nil, err
			}
			rows, err := st.QueryContext(a.ctx, q, maxIdentifierHolders+1)
			if err != nil {
				return nil, err
			}
			var holders []int64
			for rows.Next() {
				var pk int64
				if err := rows.Scan(&pk); err != nil {
					rows.Close()
					return nil, err
				}
				holders = append(holders, pk)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			if len(holders) > maxIdentifierHolders {
				a.hubs[q] = true
				res.Problems = append(res.Problems, procure.Problem{Severity: procure.SevWarning, Code: "identifier-too-common",
					Message: fmt.Sprintf("the identifier %s is held by more than %d records, too many for one entity (a placeholder?); it is kept but does not make them one entity", q, maxIdentifierHolders)})
				continue
			}
			for _, h := range holders {
				if seen[h] {
					continue
				}
				if len(comp) >= maxClusterSize {
					res.Problems = append(res.Problems, procure.Problem{Severity: procure.SevWarning, Code: "cluster-too-large",
						Message: fmt.Sprintf("more than %d records share identifiers with each other (through %s); the cluster was cut there", maxClusterSize, q)})
					return comp, nil
				}
				seen[h] = true
				comp = append(comp, h)
			}
		}
	}
	return comp, nil
}

// ---- reads ----

func (s *Store) decodeEntity(blob []byte) (procure.Entity, error) {
	return decodeRecord[procure.Entity](s, blob, "entity")
}

func (s *Store) decodeRelationship(blob []byte) (procure.Relationship, error) {
	return decodeRecord[procure.Relationship](s, blob, "relationship")
}

// decodeRecord unpacks and decodes a stored entity or relationship
// document; what names its kind in errors.
func decodeRecord[T any](s *Store, blob []byte, what string) (T, error) {
	var v T
	b, err := s.codec.unpack(blob)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("decode stored %s: %w: %w", what, procure.ErrCorrupt, err)
	}
	return v, nil
}

// queryer is a *sql.DB or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (s *Store) queryEntities(ctx context.Context, q queryer, query string, args ...any) ([]procure.Entity, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []procure.Entity{}
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return nil, err
		}
		e, err := s.decodeEntity(blob)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entity returns the current version of one entity record
// (procure.ErrNotFound when there is none).
func (s *Store) Entity(ctx context.Context, id string) (procure.Entity, error) {
	var blob []byte
	err := s.r.QueryRowContext(ctx, "SELECT doc FROM entities WHERE id = ?", id).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return procure.Entity{}, fmt.Errorf("entity %s: %w", id, procure.ErrNotFound)
	}
	if err != nil {
		return procure.Entity{}, fmt.Errorf("entity %s: %w", id, err)
	}
	e, err := s.decodeEntity(blob)
	if err != nil {
		return e, fmt.Errorf("entity %s: %w", id, err)
	}
	return e, nil
}

// knownSchemes are the multi-part schemes EntitiesByIdentifier recognises
// at the start of a qualified identifier; other identifiers are split after
// their second hyphen ("RU-INN-...").
var knownSchemes = []string{"XI-OC-"}

// splitQualified splits "RU-INN-5920040846" into scheme and id.
func splitQualified(q string) (string, string, bool) {
	q = strings.TrimSpace(q)
	u := strings.ToUpper(q)
	for _, p := range knownSchemes {
		if strings.HasPrefix(u, p) {
			// XI-OC-{jurisdiction}-{number}; a jurisdiction may itself have a
			// subdivision (XI-OC-US-DE-1234): take the longest alphabetic run.
			rest := q[len(p):]
			parts := strings.Split(rest, "-")
			n := 0
			for n < len(parts)-1 && isAlpha(parts[n]) {
				n++
			}
			if n == 0 {
				return "", "", false
			}
			return p + strings.Join(parts[:n], "-"), strings.Join(parts[n:], "-"), true
		}
	}
	first := strings.Index(q, "-")
	if first <= 0 {
		return "", "", false
	}
	second := strings.Index(q[first+1:], "-")
	if second <= 0 {
		return "", "", false
	}
	cut := first + 1 + second
	return q[:cut], q[cut+1:], true
}

func isAlpha(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// EntitiesByIdentifier returns the entities carrying a qualified identifier
// such as "RU-INN-5920040846" or "GB-COH-6436883" (normalised as stored:
// scheme aliases US-SAM → US-UEI, leading zeros of padded registers), by ID.
// Weak identifiers are found too. An identifier nobody carries gives an
// empty list, not an error.
func (s *Store) EntitiesByIdentifier(ctx context.Context, qualified string) ([]procure.Entity, error) {
	scheme, id, ok := splitQualified(qualified)
	if !ok {
		return nil, fmt.Errorf("entities by identifier: %w: %q is not a qualified identifier (SCHEME-ID such as RU-INN-5920040846)", procure.ErrInvalid, qualified)
	}
	q := canonicalQualified(scheme, id)
	if q == "" {
		return nil, fmt.Errorf("entities by identifier: %w: %q is not a qualified identifier", procure.ErrInvalid, qualified)
	}
	es, err := s.queryEntities(ctx, s.r, `SELECT e.doc FROM entity_identifiers i JOIN entities e ON e.pk = i.entity
		WHERE i.qualified = ? ORDER BY e.id`, q)
	if err != nil {
		return nil, fmt.Errorf("entities by identifier %s: %w", q, err)
	}
	return es, nil
}

// Cluster returns the IDs of the entity records of id's cluster (id
// included), sorted: the records sharing a strong qualified identifier with
// it, directly or through others. procure.ErrNotFound when id is not a
// stored entity.
func (s *Store) Cluster(ctx context.Context, id string) ([]string, error) {
	ids, err := s.cluster(ctx, s.r, id)
	if err != nil {
		return nil, fmt.Errorf("cluster of %s: %w", id, err)
	}
	if ids == nil {
		return nil, fmt.Errorf("cluster of %s: %w", id, procure.ErrNotFound)
	}
	return ids, nil
}

// cluster returns the members of id's cluster, nil when id is not stored.
func (s *Store) cluster(ctx context.Context, q queryer, id string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM entities WHERE cluster = (SELECT cluster FROM entities WHERE id = ?)
		ORDER BY id LIMIT ?`, id, maxClusterSize)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// edges returns the relationships matching where (with one "%s" for the
// cluster's ID list, used once or twice) over id's cluster.
func (s *Store) edges(ctx context.Context, what, id, where string, uses int) ([]procure.Relationship, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", what, id, err)
	}
	defer tx.Rollback()
	members, err := s.cluster(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", what, id, err)
	}
	if members == nil {
		members = []string{id}
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(members)), ", ")
	var args []any
	fill := make([]any, uses)
	for i := range fill {
		fill[i] = ph
		for _, m := range members {
			args = append(args, m)
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT doc FROM entity_relationships WHERE "+fmt.Sprintf(where, fill...)+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", what, id, err)
	}
	defer rows.Close()
	out := []procure.Relationship{}
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return nil, fmt.Errorf("%s of %s: %w", what, id, err)
		}
		r, err := s.decodeRelationship(blob)
		if err != nil {
			return nil, fmt.Errorf("%s of %s: %w", what, id, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s of %s: %w", what, id, err)
	}
	return out, nil
}

// OwnersOf returns the ownership and control relationships whose subject
// (Asset) is any record of entityID's cluster, by relationship ID. It
// includes ended relationships (EndDate set) and undisclosed owners
// (UnspecifiedOwner set, Owner ""): the caller decides by date.
// Relationships marked Direct "indirect" are declared summaries of a chain
// whose direct hops are usually also present; callers walking the graph
// should use them only when no direct path explains them.
func (s *Store) OwnersOf(ctx context.Context, entityID string) ([]procure.Relationship, error) {
	return s.edges(ctx, "owners", entityID, "asset IN (%s) AND kind IN ('ownership', 'control')", 1)
}

// HoldingsOf returns the ownership and control relationships whose
// interested party (Owner) is any record of entityID's cluster, by
// relationship ID.
func (s *Store) HoldingsOf(ctx context.Context, entityID string) ([]procure.Relationship, error) {
	return s.edges(ctx, "holdings", entityID, "owner IN (%s) AND kind IN ('ownership', 'control')", 1)
}

// SoftLinksOf returns the soft-link relationships (every kind but ownership
// and control: directorships, family, associates, "Linked To", ...) in
// either direction of any record of entityID's cluster, by relationship ID.
func (s *Store) SoftLinksOf(ctx context.Context, entityID string) ([]procure.Relationship, error) {
	return s.edges(ctx, "soft links", entityID, "(owner IN (%s) OR asset IN (%s)) AND kind NOT IN ('ownership', 'control')", 2)
}

// EntityCandidates returns up to limit entities (default 20, at most 500)
// whose names share rare tokens with name: the blocking step before scoring
// (data/match). Tokens are folded (case, diacritics), Cyrillic and Greek are
// transliterated to Latin in two spellings (BGN/PCGN "ts, kh, zh" and a
// compact "c, h, z"), CJK runs become character bigrams, and runs of single
// letters join ("A-B-C" → "abc"). The rarest query tokens are looked up
// first (at most 6, skipping tokens carried by more than 2,000 entities
// while rarer ones exist); entities are ranked by the summed inverse
// document frequency of the tokens they share (a frequency counted up to
// 2,001), then by ID. Cost is bounded by the bucket sizes, independent of
// the number of entities.
func (s *Store) EntityCandidates(ctx context.Context, name string, limit int) ([]procure.Entity, error) {
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, maxEntityCandidates)
	toks := NameTokens(name)
	if len(toks) == 0 {
		return []procure.Entity{}, nil
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("entity candidates: %w", err)
	}
	defer tx.Rollback()
	var total int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(pk), 0) FROM entities").Scan(&total); err != nil {
		return nil, fmt.Errorf("entity candidates: %w", err)
	}
	if total == 0 {
		return []procure.Entity{}, nil
	}
	type tok struct {
		t string
		n int64
	}
	var ts []tok
	for _, t := range toks {
		// Counting stops past the bucket limit: beyond it a token is too
		// common to matter, so its exact frequency is never needed.
		var n int64
		err := tx.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM entity_tokens WHERE token = ? LIMIT ?)", t, maxTokenBucket+1).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("entity candidates: %w", err)
		}
		if n > 0 {
			ts = append(ts, tok{t, n})
		}
	}
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].n != ts[j].n {
			return ts[i].n < ts[j].n
		}
		return ts[i].t < ts[j].t
	})
	// Keep the rarest tokens; common ones only when nothing rare exists.
	var use []tok
	for _, t := range ts {
		if len(use) >= maxCandidateTokens || (t.n > maxTokenBucket && len(use) > 0) {
			break
		}
		use = append(use, t)
	}
	score := map[int64]float64{}
	for _, t := range use {
		idf := math.Log(1 + float64(total)/float64(t.n))
		rows, err := tx.QueryContext(ctx, "SELECT entity FROM entity_tokens WHERE token = ? LIMIT ?", t.t, maxTokenBucket)
		if err != nil {
			return nil, fmt.Errorf("entity candidates: %w", err)
		}
		for rows.Next() {
			var pk int64
			if err := rows.Scan(&pk); err != nil {
				rows.Close()
				return nil, fmt.Errorf("entity candidates: %w", err)
			}
			score[pk] += idf
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("entity candidates: %w", err)
		}
	}
	type cand struct {
		pk    int64
		id    string
		score float64
		doc   []byte
	}
	cands := make([]cand, 0, len(score))
	for pk, sc := range score {
		cands = append(cands, cand{pk: pk, score: sc})
	}
	// Rank by score, then load the IDs of the best (ties need the ID).
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].pk < cands[j].pk
	})
	// Everything tied with the last kept score is loaded so the ID tie-break
	// is exact.
	cut := len(cands)
	if cut > limit {
		last := cands[limit-1].score
		cut = limit
		for cut < len(cands) && cands[cut].score == last {
			cut++
		}
	}
	cands = cands[:cut]
	for i := range cands {
		if err := tx.QueryRowContext(ctx, "SELECT id, doc FROM entities WHERE pk = ?", cands[i].pk).Scan(&cands[i].id, &cands[i].doc); err != nil {
			return nil, fmt.Errorf("entity candidates: %w", err)
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].id < cands[j].id
	})
	if len(cands) > limit {
		cands = cands[:limit]
	}
	out := make([]procure.Entity, 0, len(cands))
	for _, c := range cands {
		e, err := s.decodeEntity(c.doc)
		if err != nil {
			return nil, fmt.Errorf("entity candidates: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// EachEntity calls fn with every stored entity record (current versions) in
// ID order, reading in pages so that no read transaction stays open while
// fn runs. It stops at the first error fn returns.
func (s *Store) EachEntity(ctx context.Context, fn func(procure.Entity) error) error {
	return eachPage(ctx, s.r, "each entity", "SELECT id, doc FROM entities WHERE id > ? ORDER BY id LIMIT ?", entityPage,
		func(rows *sql.Rows) (procure.Entity, string, error) {
			var id string
			var blob []byte
			if err := rows.Scan(&id, &blob); err != nil {
				return procure.Entity{}, "", err
			}
			e, err := s.decodeEntity(blob)
			if err != nil {
				return procure.Entity{}, "", err
			}
			return e, id, nil
		}, fn)
}

// EntityCounts returns how many entity and relationship records are stored.
func (s *Store) EntityCounts(ctx context.Context) (entities, relationships int, err error) {
	if err := s.r.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM entity_relationships)").
		Scan(&entities, &relationships); err != nil {
		return 0, 0, fmt.Errorf("entity counts: %w", err)
	}
	return entities, relationships, nil
}

// ---- name tokens ----

// entityTokens returns the name tokens of every name of e.
func entityTokens(e procure.Entity) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		for _, t := range NameTokens(name) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	add(e.Name)
	for _, n := range e.Names {
		add(n.Name)
	}
	return out
}

// NameTokens returns the blocking tokens of a name, deduplicated, in order
// of appearance: see EntityCandidates for the rules. Exported so that
// callers and tests can see why two names do or do not block together.
func NameTokens(name string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, variant := range []int{0, 1} {
		var words []string
		var cur strings.Builder
		var cjk []rune
		flushCJK := func() {
			switch {
			case len(cjk) == 1:
				words = append(words, string(cjk))
			case len(cjk) > 1:
				for i := 0; i+1 < len(cjk); i++ {
					words = append(words, string(cjk[i:i+2]))
				}
			}
			cjk = cjk[:0]
		}
		flush := func() {
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		}
		hasTranslit := false
		for _, r := range norm.NFC.String(name) {
			if isCJK(r) {
				flush()
				cjk = append(cjk, r)
				continue
			}
			flushCJK()
			if r == '\'' || r == '’' || r == '`' || r == 'ʼ' {
				continue // O'Brien, Mar'ina: apostrophes join
			}
			if t, ok := translit(r, variant); ok {
				hasTranslit = true
				cur.WriteString(t)
				continue
			}
			for _, d := range norm.NFKD.String(string(r)) {
				switch {
				case unicode.Is(unicode.Mn, d):
				case unicode.IsLetter(d) || unicode.IsDigit(d):
					if t, ok := translit(d, variant); ok {
						hasTranslit = true
						cur.WriteString(t)
					} else {
						cur.WriteRune(unicode.ToLower(d))
					}
				default:
					flush()
				}
			}
		}
		flush()
		flushCJK()
		// Join runs of single letters: "A-B-C" → "abc", "S.A." → "sa".
		var joined []string
		var run strings.Builder
		for _, w := range words {
			if len([]rune(w)) == 1 && unicode.IsLetter([]rune(w)[0]) && !isCJK([]rune(w)[0]) {
				run.WriteString(w)
				continue
			}
			if run.Len() > 0 {
				joined = append(joined, run.String())
				run.Reset()
			}
			joined = append(joined, w)
		}
		if run.Len() > 0 {
			joined = append(joined, run.String())
		}
		for _, w := range joined {
			rs := []rune(w)
			if len(rs) < 2 && !(len(rs) == 1 && isCJK(rs[0])) {
				continue
			}
			add(w)
		}
		if !hasTranslit {
			break // the second spelling differs only for transliterated text
		}
	}
	return out
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// cyrillic is a BGN/PCGN-style romanisation (lower case), with Ukrainian,
// Belarusian and South Slavic letters; cyrillicCompact overrides it for the
// second spelling.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u", 'ј': "j", 'љ': "lj",
	'њ': "nj", 'ћ': "c", 'ђ': "dj", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
}

var cyrillicCompact = map[rune]string{
	'ж': "z", 'й': "j", 'х': "h", 'ц': "c", 'ч': "c", 'ш': "s", 'щ': "sc", 'ю': "ju", 'я': "ja", 'ї': "i", 'є': "e",
}

var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k",
	'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t",
	'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// translit returns the Latin spelling of a Cyrillic or Greek letter in the
// given variant (0 = BGN/PCGN, 1 = compact).
func translit(r rune, variant int) (string, bool) {
	l := unicode.ToLower(r)
	if variant == 1 {
		if t, ok := cyrillicCompact[l]; ok {
			return t, true
		}
	}
	if t, ok := cyrillic[l]; ok {
		return t, true
	}
	if t, ok := greek[l]; ok {
		return t, true
	}
	return "", false
}
