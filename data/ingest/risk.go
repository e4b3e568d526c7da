package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tenderlens/tenderlens/data/match"
	"github.com/tenderlens/tenderlens/data/owner"
	"github.com/tenderlens/tenderlens/data/procure"
)

// The risk job: after every import (and at start) it resolves procurement
// suppliers to register and list entities and recomputes the ownership-risk
// dossiers of the suppliers the import affected. Everything it writes is
// derived; a failed or cancelled update leaves the previous results, and
// the next update starts again from the same point.
//
// What is recomputed: every supplier when the entity data (ownership
// registers, sanctions lists) changed, when the day changed (verdicts "as
// of today" move with the date) or when the analysis itself changed
// (riskVersion); otherwise only the suppliers of contracts changed since the
// last update. An Update that finds nothing changed costs two small reads,
// so it can also run on a short cron schedule.
//
// The job writes only its own tables (supplier_links, risk_dossiers,
// risk_exposure) and one meta key; its transactions are short (BatchSize
// dossiers each), so it may run while an import is running.

// riskVersion is bumped whenever the analysis changes, so that stored
// dossiers are recomputed once by the new binary.
const riskVersion = 1

// riskStateKey is the store meta key holding RiskState.
const riskStateKey = "risk-state"

// RiskStore is what the risk job needs from the system of record: the
// graph the owner analysis reads, the supplier side (parties and awards),
// change marks and the result tables. Declared here, by its consumer, so
// that ingest does not depend on data/store; *store.Store satisfies it
// as is.
type RiskStore interface {
	owner.Graph
	EntitiesByIdentifier(ctx context.Context, qualified string) ([]procure.Entity, error)
	EntityCandidates(ctx context.Context, name string, limit int) ([]procure.Entity, error)

	EachSupplier(ctx context.Context, fn func(procure.Party) error) error
	SupplierParty(ctx context.Context, id string) (procure.Party, error)
	SuppliersChangedSince(ctx context.Context, since int64) ([]string, error)
	SupplierAwards(ctx context.Context, id string) ([]procure.RiskAward, error)
	RiskMarks(ctx context.Context) (contracts, entities int64, err error)

	SaveRisk(ctx context.Context, recs []procure.RiskRecord) error
	PruneRisk(ctx context.Context) (int, error)
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
}

// RiskConfig configures a RiskJob.
type RiskConfig struct {
	Store RiskStore
	// Owner tunes the ownership analysis (depth, secrecy jurisdictions,
	// list rules). Its Match is set from Match when nil.
	Owner owner.Config
	// Match scores a supplier (as an entity) against a register or list
	// entity by name, country, address and identifiers, with explanation.
	// Nil means MatchEntities(match.DefaultThreshold), data/match's scorer.
	Match func(a, b procure.Entity) procure.MatchResult
	// IdentifiersOnly turns name matching off: suppliers are linked only
	// through their qualified identifiers.
	IdentifiersOnly bool
	// Candidates is how many name candidates are scored per supplier
	// (default 20); MaxNameLinks how many name matches are kept (default 5).
	Candidates   int
	MaxNameLinks int
	// Workers analyse suppliers in parallel (default GOMAXPROCS).
	Workers int
	// BatchSize is how many dossiers are saved per transaction (default 100).
	BatchSize int
	Clock     func() time.Time
	Logger    *slog.Logger
}

// RiskJob keeps the suppliers' risk dossiers up to date. Its methods are
// safe to call from several goroutines: updates are serialized.
type RiskJob struct {
	cfg RiskConfig
	mu  sync.Mutex
}

// RiskReport says what one update did.
type RiskReport struct {
	Full      bool          `json:"full"`      // every supplier was recomputed
	Reason    string        `json:"reason"`    // why (full) or "" when nothing changed
	Suppliers int           `json:"suppliers"` // dossiers computed
	Linked    int           `json:"linked"`    // suppliers linked to at least one entity
	Flagged   int           `json:"flagged"`   // dossiers with a level above none
	Pruned    int           `json:"pruned"`    // dossiers of former suppliers removed
	Duration  time.Duration `json:"duration"`
}

// RiskState is what the job remembers between updates (store meta).
type RiskState struct {
	Version   int    `json:"version"`
	Day       string `json:"day"`
	Contracts int64  `json:"contracts"`
	Entities  int64  `json:"entities"`
}

// NewRiskJob checks the configuration and applies defaults.
func NewRiskJob(cfg RiskConfig) (*RiskJob, error) {
	if cfg.Store == nil {
		return nil, errors.New("risk job: RiskConfig.Store is required")
	}
	if cfg.Candidates <= 0 {
		cfg.Candidates = 20
	}
	if cfg.MaxNameLinks <= 0 {
		cfg.MaxNameLinks = 5
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.IdentifiersOnly {
		cfg.Match = nil
	} else if cfg.Match == nil {
		cfg.Match = MatchEntities(match.DefaultThreshold)
	}
	if cfg.Owner.Match == nil {
		cfg.Owner.Match = cfg.Match
	}
	return &RiskJob{cfg: cfg}, nil
}

// Update brings the dossiers up to date after imports: everything when the
// entity data, the day or the analysis changed, else the suppliers of the
// contracts changed since the last update. Call it at start and after every
// import run (release or entity import).
func (j *RiskJob) Update(ctx context.Context) (RiskReport, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	start := time.Now()
	s := j.cfg.Store
	contracts, entities, err := s.RiskMarks(ctx)
	if err != nil {
		return RiskReport{}, fmt.Errorf("risk update: %w", err)
	}
	var st RiskState
	if raw, err := s.Meta(ctx, riskStateKey); err != nil {
		return RiskReport{}, fmt.Errorf("risk update: %w", err)
	} else if raw != "" {
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			st = RiskState{} // unreadable state: start over
		}
	}
	now := j.cfg.Clock()
	next := RiskState{Version: riskVersion, Day: now.UTC().Format("2006-01-02"), Contracts: contracts, Entities: entities}
	var rep RiskReport
	switch {
	case st.Version != riskVersion:
		rep.Full, rep.Reason = true, "the analysis changed (or never ran)"
	case st.Entities != entities:
		rep.Full, rep.Reason = true, "ownership or sanctions data changed"
	case st.Day != next.Day:
		rep.Full, rep.Reason = true, "a new day: verdicts as of today are recomputed"
	}
	if rep.Full {
		rep, err = j.all(ctx, now, rep)
	} else if st.Contracts != contracts {
		rep.Reason = "contracts changed"
		var ids []string
		if ids, err = s.SuppliersChangedSince(ctx, st.Contracts); err == nil {
			rep, err = j.some(ctx, now, ids, rep)
		}
	}
	if err != nil {
		return rep, fmt.Errorf("risk update: %w", err)
	}
	b, _ := json.Marshal(next)
	if err := s.SetMeta(ctx, riskStateKey, string(b)); err != nil {
		return rep, fmt.Errorf("risk update: %w", err)
	}
	rep.Duration = time.Since(start)
	if rep.Reason != "" {
		j.cfg.Logger.Info("risk dossiers updated", "full", rep.Full, "reason", rep.Reason, "suppliers", rep.Suppliers,
			"linked", rep.Linked, "flagged", rep.Flagged, "pruned", rep.Pruned, "duration", rep.Duration.Round(time.Millisecond))
	}
	return rep, nil
}

// RecomputeAll recomputes every supplier's dossier now.
func (j *RiskJob) RecomputeAll(ctx context.Context) (RiskReport, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	start := time.Now()
	rep, err := j.all(ctx, j.cfg.Clock(), RiskReport{Full: true, Reason: "recompute requested"})
	rep.Duration = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("risk recompute: %w", err)
	}
	return rep, nil
}

// UpdateSuppliers recomputes the dossiers of the given suppliers now.
func (j *RiskJob) UpdateSuppliers(ctx context.Context, ids []string) (RiskReport, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	start := time.Now()
	rep, err := j.some(ctx, j.cfg.Clock(), ids, RiskReport{Reason: "suppliers requested"})
	rep.Duration = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("risk update: %w", err)
	}
	return rep, nil
}

func (j *RiskJob) all(ctx context.Context, now time.Time, rep RiskReport) (RiskReport, error) {
	p := j.newPipeline(ctx, now, &rep)
	err := j.cfg.Store.EachSupplier(ctx, p.add)
	if err = p.close(err); err != nil {
		return rep, err
	}
	n, err := j.cfg.Store.PruneRisk(ctx)
	rep.Pruned = n
	return rep, err
}

func (j *RiskJob) some(ctx context.Context, now time.Time, ids []string, rep RiskReport) (RiskReport, error) {
	p := j.newPipeline(ctx, now, &rep)
	var err error
	for _, id := range ids {
		party, e := j.cfg.Store.SupplierParty(ctx, id)
		if errors.Is(e, procure.ErrNotFound) {
			continue // no longer a supplier; PruneRisk removes it on the next full update
		}
		if e != nil {
			err = e
			break
		}
		if err = p.add(party); err != nil {
			break
		}
	}
	return rep, p.close(err)
}

// pipeline analyses suppliers on several workers and saves the results in
// batches from one goroutine.
type pipeline struct {
	j      *RiskJob
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
	now    time.Time
	rep    *RiskReport
	graph  *cachedGraph
	in     chan procure.Party
	out    chan procure.RiskRecord
	wg     sync.WaitGroup
	done   chan struct{}
	mu     sync.Mutex
	err    error
}

func (j *RiskJob) newPipeline(parent context.Context, now time.Time, rep *RiskReport) *pipeline {
	ctx, cancel := context.WithCancel(parent)
	p := &pipeline{j: j, parent: parent, ctx: ctx, cancel: cancel, now: now, rep: rep, graph: newCachedGraph(j.cfg.Store),
		in: make(chan procure.Party), out: make(chan procure.RiskRecord, j.cfg.BatchSize), done: make(chan struct{})}
	for i := 0; i < j.cfg.Workers; i++ {
		p.wg.Add(1)
		go p.work()
	}
	go p.save()
	return p
}

func (p *pipeline) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	p.cancel()
}

func (p *pipeline) add(party procure.Party) error {
	select {
	case p.in <- party:
		return nil
	case <-p.ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.err != nil {
			return p.err
		}
		return p.ctx.Err()
	}
}

func (p *pipeline) work() {
	defer p.wg.Done()
	for party := range p.in {
		if p.ctx.Err() != nil {
			continue
		}
		rec, err := p.j.analyze(p.ctx, p.graph, party, p.now)
		if err != nil {
			p.fail(fmt.Errorf("supplier %s: %w", party.ID, err))
			continue
		}
		select {
		case p.out <- rec:
		case <-p.ctx.Done():
		}
	}
}

func (p *pipeline) save() {
	defer close(p.done)
	var batch []procure.RiskRecord
	flush := func() {
		if len(batch) == 0 || p.ctx.Err() != nil {
			return
		}
		if err := p.j.cfg.Store.SaveRisk(p.ctx, batch); err != nil {
			p.fail(err)
			return
		}
		for _, r := range batch {
			p.rep.Suppliers++
			if len(r.Dossier.Links) > 0 {
				p.rep.Linked++
			}
			if r.Dossier.Level != procure.RiskNone {
				p.rep.Flagged++
			}
		}
		batch = batch[:0]
	}
	for r := range p.out {
		batch = append(batch, r)
		if len(batch) >= p.j.cfg.BatchSize {
			flush()
		}
	}
	flush()
}

// close waits for the workers and the saver; err is the producer's error.
// It reports the first failure, or the cancellation of the caller's
// context (an update cut short must not be recorded as done).
func (p *pipeline) close(err error) error {
	if err != nil {
		p.fail(err)
	}
	close(p.in)
	p.wg.Wait()
	close(p.out)
	<-p.done
	p.cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	return p.parent.Err()
}

// analyze resolves one supplier and builds its dossier, summary and
// exposure.
func (j *RiskJob) analyze(ctx context.Context, g *cachedGraph, party procure.Party, now time.Time) (procure.RiskRecord, error) {
	links, err := j.resolve(ctx, g, party)
	if err != nil {
		return procure.RiskRecord{}, err
	}
	awards, err := j.cfg.Store.SupplierAwards(ctx, party.ID)
	if err != nil {
		return procure.RiskRecord{}, err
	}
	ref := procure.PartyRef{ID: party.ID, Name: party.Name}
	d, err := owner.Analyze(ctx, g, owner.Input{Supplier: ref, Links: links, Awards: awards, Today: now}, j.cfg.Owner)
	if err != nil {
		return procure.RiskRecord{}, err
	}
	return RiskRecordOf(d), nil
}

// RiskRecordOf derives the /risk list row and the exposure per buyer type and
// currency from a dossier.
func RiskRecordOf(d procure.RiskDossier) procure.RiskRecord {
	r := procure.RiskRecord{Dossier: d}
	sm := procure.RiskSummary{Supplier: d.Supplier, Level: d.Level, Headline: d.Headline, Exposure: d.Exposure,
		ComputedAt: d.ComputedAt, Listed: []string{}, BuyerTypes: []procure.BuyerType{}, Verdicts: []procure.RegimeVerdict{}}
	for _, v := range d.Today.Verdicts {
		v.Trace = nil
		sm.Verdicts = append(sm.Verdicts, v)
	}
	roots := map[string]bool{}
	for _, l := range d.Links {
		roots[l.Entity] = true
	}
	for _, e := range d.Entities {
		if e.Listed && roots[e.ID] && !hasStr(sm.Listed, e.Name) {
			sm.Listed = append(sm.Listed, e.Name)
		}
	}
	for _, n := range owner.PathTargets(d) {
		if !hasStr(sm.Listed, n) {
			sm.Listed = append(sm.Listed, n)
		}
	}
	type key struct {
		bt  procure.BuyerType
		cur string
	}
	byKey := map[key]*procure.RiskExposure{}
	var keys []key
	types := map[procure.BuyerType]bool{}
	for _, a := range d.Awards {
		if a.BuyerType != "" {
			types[a.BuyerType] = true
		}
		if !a.Counted || !a.HasValue {
			continue
		}
		k := key{a.BuyerType, a.Value.Currency}
		e := byKey[k]
		if e == nil {
			e = &procure.RiskExposure{BuyerType: a.BuyerType, Amount: procure.Money{Currency: a.Value.Currency}}
			byKey[k] = e
			keys = append(keys, k)
		}
		if sum, err := e.Amount.Amount.Add(a.Value.Amount); err == nil {
			e.Amount.Amount = sum
		}
		e.Count++
	}
	sort.Slice(keys, func(i, k int) bool {
		if keys[i].bt != keys[k].bt {
			return keys[i].bt < keys[k].bt
		}
		return keys[i].cur < keys[k].cur
	})
	for _, k := range keys {
		r.Exposure = append(r.Exposure, *byKey[k])
	}
	for _, bt := range procure.BuyerTypes {
		if types[bt] {
			sm.BuyerTypes = append(sm.BuyerTypes, bt)
		}
	}
	r.Summary = sm
	return r
}

// resolve links a supplier to entity records: first every record carrying
// one of its qualified identifiers (certain), then name matches scored by
// Match over the name candidates (possible), skipping records of an entity
// already linked by identifier.
func (j *RiskJob) resolve(ctx context.Context, g *cachedGraph, party procure.Party) ([]procure.SupplierLink, error) {
	var links []procure.SupplierLink
	linked := map[string]bool{}
	clusters := map[string]bool{}
	for _, q := range qualifiedIDs(party) {
		es, err := j.cfg.Store.EntitiesByIdentifier(ctx, q)
		if err != nil && !errors.Is(err, procure.ErrNotFound) {
			return nil, fmt.Errorf("entities with %s: %w", q, err)
		}
		for _, e := range es {
			if linked[e.ID] {
				continue
			}
			linked[e.ID] = true
			members, err := g.Cluster(ctx, e.ID)
			if err != nil {
				return nil, err
			}
			for _, m := range members {
				clusters[m] = true
			}
			links = append(links, procure.SupplierLink{SupplierID: party.ID, EntityID: e.ID, Method: "identifier", Certain: true,
				Match: procure.MatchResult{Score: 1, Match: true, Features: []procure.MatchFeature{{Feature: "identifier", Score: 1,
					Detail: fmt.Sprintf("the supplier's identifier %s is also held by %s (%s)", q, e.Name, sourceLabel(e.Provenance))}}}})
		}
	}
	if j.cfg.Match == nil || strings.TrimSpace(party.Name) == "" {
		return links, nil
	}
	me := partyEntity(party)
	seen := map[string]bool{}
	var named []procure.SupplierLink
	for _, name := range uniqueNames(party.Name, party.LegalName) {
		cands, err := g.EntityCandidates(ctx, name, j.cfg.Candidates)
		if err != nil {
			return nil, fmt.Errorf("name candidates for %s: %w", party.ID, err)
		}
		for _, c := range cands {
			if seen[c.ID] || linked[c.ID] || clusters[c.ID] {
				continue
			}
			seen[c.ID] = true
			if owner.IdentifiersConflict(me, c) {
				continue // a different register number: a different organisation
			}
			res := j.cfg.Match(me, c)
			if !res.Match {
				continue
			}
			named = append(named, procure.SupplierLink{SupplierID: party.ID, EntityID: c.ID, Method: "name", Match: res})
		}
	}
	sort.SliceStable(named, func(a, b int) bool {
		if named[a].Match.Score != named[b].Match.Score {
			return named[a].Match.Score > named[b].Match.Score
		}
		return named[a].EntityID < named[b].EntityID
	})
	if len(named) > j.cfg.MaxNameLinks {
		named = named[:j.cfg.MaxNameLinks]
	}
	return append(links, named...), nil
}

// MatchEntities returns a scorer of two entities built on data/match:
// names (weak aliases apart), qualified identifiers, countries, addresses,
// birth dates and kinds, with the per-feature explanation of match.Compare.
func MatchEntities(threshold float64) func(a, b procure.Entity) procure.MatchResult {
	opt := match.Options{Threshold: threshold}
	return func(a, b procure.Entity) procure.MatchResult {
		return match.Compare(matchRecord(a), matchRecord(b), opt)
	}
}

func matchRecord(e procure.Entity) match.Record {
	r := match.Record{Kind: e.Kind, Identifiers: e.Identifiers, Addresses: e.Addresses, BirthDate: e.BirthDate}
	if e.Kind == procure.EntityUnknown {
		r.Kind = ""
	}
	add := func(dst *[]string, n string) {
		if n = strings.TrimSpace(n); n != "" && !hasStr(*dst, n) {
			*dst = append(*dst, n)
		}
	}
	add(&r.Names, e.Name)
	for _, n := range e.Names {
		if n.Kind == "weak" {
			add(&r.WeakNames, n.Name)
		} else {
			add(&r.Names, n.Name)
		}
	}
	for _, c := range append([]string{e.Jurisdiction}, e.Countries...) {
		add(&r.Countries, strings.ToUpper(c))
	}
	return r
}

// qualifiedIDs are the supplier's qualified identifiers: its portal ID when
// it is one, its scheme and identifier, and its additional identifiers.
func qualifiedIDs(p procure.Party) []string {
	var out []string
	add := func(q string) {
		if q != "" && !hasStr(out, q) {
			out = append(out, q)
		}
	}
	if q, ok := procure.QualifiedID(p.Scheme, p.Identifier); ok {
		add(q)
	}
	if !strings.Contains(p.ID, "~") && p.Scheme != "" && strings.HasPrefix(p.ID, procure.NormalizeScheme(p.Scheme)+"-") {
		add(p.ID)
	}
	for _, a := range p.AdditionalIDs {
		add(strings.TrimSpace(a))
	}
	return out
}

// partyEntity presents a procurement party as an entity for matching.
func partyEntity(p procure.Party) procure.Entity {
	e := procure.Entity{ID: "party:" + p.ID, Kind: procure.EntityCompany, Name: p.Name}
	if p.LegalName != "" && p.LegalName != p.Name {
		e.Names = append(e.Names, procure.EntityName{Name: p.LegalName, Kind: "alias"})
	}
	if p.Country != "" {
		e.Countries = []string{p.Country}
		e.Jurisdiction = p.Country
	}
	if a := p.Address; a != (procure.Address{}) {
		var parts []string
		for _, s := range []string{a.Street, a.Locality, a.Region, a.PostalCode, a.CountryName} {
			if strings.TrimSpace(s) != "" {
				parts = append(parts, strings.TrimSpace(s))
			}
		}
		e.Addresses = []string{strings.Join(parts, ", ")}
	}
	for _, q := range qualifiedIDs(p) {
		if i := strings.LastIndexByte(q, '-'); i > 0 {
			e.Identifiers = append(e.Identifiers, procure.Identifier{Scheme: q[:i], ID: q[i+1:]})
		}
	}
	return e
}

func uniqueNames(names ...string) []string {
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && !hasStr(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func sourceLabel(p procure.Provenance) string {
	s := p.Dataset
	if s == "" {
		s = p.Source
	}
	if p.RecordID != "" {
		s += " record " + p.RecordID
	}
	return strings.TrimSpace(s)
}

func hasStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// cachedGraph memoises the store's graph reads for one update: the
// suppliers of one buyer, or the subsidiaries of one group, walk the same
// owners again and again. It is bounded: past maxCached entries it starts
// afresh.
type cachedGraph struct {
	s     RiskStore
	mu    sync.Mutex
	ents  map[string]cachedEntity
	lists map[string][]string
	rels  map[string][]procure.Relationship
	cands map[string][]procure.Entity
	n     int
}

type cachedEntity struct {
	e   procure.Entity
	err error
}

const maxCached = 200000

func newCachedGraph(s RiskStore) *cachedGraph {
	g := &cachedGraph{s: s}
	g.reset()
	return g
}

func (g *cachedGraph) reset() {
	g.ents, g.lists, g.rels, g.cands, g.n = map[string]cachedEntity{}, map[string][]string{}, map[string][]procure.Relationship{}, map[string][]procure.Entity{}, 0
}

func (g *cachedGraph) count() {
	g.n++
	if g.n > maxCached {
		g.reset()
	}
}

func (g *cachedGraph) Entity(ctx context.Context, id string) (procure.Entity, error) {
	g.mu.Lock()
	c, ok := g.ents[id]
	g.mu.Unlock()
	if ok {
		return c.e, c.err
	}
	e, err := g.s.Entity(ctx, id)
	if err != nil && !errors.Is(err, procure.ErrNotFound) {
		return e, err
	}
	g.mu.Lock()
	g.ents[id] = cachedEntity{e, err}
	g.count()
	g.mu.Unlock()
	return e, err
}

func (g *cachedGraph) Cluster(ctx context.Context, id string) ([]string, error) {
	g.mu.Lock()
	c, ok := g.lists[id]
	g.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := g.s.Cluster(ctx, id)
	if errors.Is(err, procure.ErrNotFound) {
		c, err = []string{id}, nil
	}
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.lists[id] = c
	g.count()
	g.mu.Unlock()
	return c, nil
}

func (g *cachedGraph) rel(ctx context.Context, key, id string, f func(context.Context, string) ([]procure.Relationship, error)) ([]procure.Relationship, error) {
	g.mu.Lock()
	c, ok := g.rels[key+id]
	g.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := f(ctx, id)
	if err != nil && !errors.Is(err, procure.ErrNotFound) {
		return nil, err
	}
	g.mu.Lock()
	g.rels[key+id] = c
	g.count()
	g.mu.Unlock()
	return c, nil
}

func (g *cachedGraph) OwnersOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	return g.rel(ctx, "o\x00", id, g.s.OwnersOf)
}

func (g *cachedGraph) SoftLinksOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	return g.rel(ctx, "s\x00", id, g.s.SoftLinksOf)
}

func (g *cachedGraph) EntityCandidates(ctx context.Context, name string, limit int) ([]procure.Entity, error) {
	key := fmt.Sprintf("%d\x00%s", limit, name)
	g.mu.Lock()
	c, ok := g.cands[key]
	g.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := g.s.EntityCandidates(ctx, name, limit)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.cands[key] = c
	g.count()
	g.mu.Unlock()
	return c, nil
}
