package owner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Graph is what the analysis reads: entities, the clusters of records that
// share a qualified identifier, and the links between them. It is declared
// here, by its consumer, so that data/owner stays free of I/O and of the
// store; data/store satisfies it and tests use an in-memory map.
type Graph interface {
	// Entity returns one record (procure.ErrNotFound when unknown).
	Entity(ctx context.Context, id string) (procure.Entity, error)
	// Cluster returns the IDs of every record sharing a qualified
	// identifier with id, id included.
	Cluster(ctx context.Context, id string) ([]string, error)
	// OwnersOf returns the ownership and control links whose asset is any
	// record of id's cluster.
	OwnersOf(ctx context.Context, id string) ([]procure.Relationship, error)
	// SoftLinksOf returns the soft links (every other kind) touching any
	// record of id's cluster, in either direction.
	SoftLinksOf(ctx context.Context, id string) ([]procure.Relationship, error)
}

// CandidateFinder is optionally implemented by a Graph. When it is (and
// Config.Match is set), chain entities that carry no listing are compared
// by name with list entries, so an owner published without an identifier
// can still be recognised as "possibly the same as" a listed party.
type CandidateFinder interface {
	EntityCandidates(ctx context.Context, name string, limit int) ([]procure.Entity, error)
}

// Config tunes the analysis. The zero value uses the defaults.
type Config struct {
	// MaxDepth is how many ownership hops are followed upwards from the
	// supplier (default 6).
	MaxDepth int
	// MaxNodes caps the entities loaded for one supplier (default 500).
	MaxNodes int
	// MaxPaths caps the paths listed in a dossier (default 30).
	MaxPaths int
	// MaxSoftLinks caps the soft links read per entity (default 200).
	MaxSoftLinks int
	// SecrecyJurisdictions are ISO alpha-2 codes of jurisdictions that do
	// not publish who owns their companies (default
	// DefaultSecrecyJurisdictions). Entities registered there are marked
	// opaque: their owners may be incomplete. Opacity is never a finding
	// by itself.
	SecrecyJurisdictions []string
	// ListRules classify listings into regimes (default DefaultListRules).
	ListRules []ListRule
	// Match compares a chain entity with a list entry by name, country and
	// identifiers (data/match.Compare). Nil disables name matching of chain
	// entities against the lists.
	Match func(a, b procure.Entity) procure.MatchResult
	// Candidates is how many list candidates are compared per entity
	// (default 10).
	Candidates int
}

// DefaultSecrecyJurisdictions are jurisdictions whose company registers do
// not publish shareholders or beneficial owners and that recur in
// sanctions-evasion networks (UN Panel of Experts reports on the DPRK cite
// front companies in several of them): United Arab Emirates, Bahamas,
// Belize, Hong Kong, North Korea, Cayman Islands, Marshall Islands, Panama,
// Seychelles, British Virgin Islands and Samoa. It is a starting point:
// configure your own.
var DefaultSecrecyJurisdictions = []string{"AE", "BS", "BZ", "HK", "KP", "KY", "MH", "PA", "SC", "VG", "WS"}

func (c Config) withDefaults() Config {
	if c.MaxDepth <= 0 {
		c.MaxDepth = 6
	}
	if c.MaxNodes <= 0 {
		c.MaxNodes = 500
	}
	if c.MaxPaths <= 0 {
		c.MaxPaths = 30
	}
	if c.MaxSoftLinks <= 0 {
		c.MaxSoftLinks = 200
	}
	if c.SecrecyJurisdictions == nil {
		c.SecrecyJurisdictions = DefaultSecrecyJurisdictions
	}
	if c.ListRules == nil {
		c.ListRules = DefaultListRules
	}
	if c.Candidates <= 0 {
		c.Candidates = 10
	}
	return c
}

// node is one entity of the subgraph: a cluster of records.
type node struct {
	id      string // the smallest member ID
	members []string
	ents    []procure.Entity
	missing bool // no record found (a dangling reference)
	depth   int
	// in are the ownership and control links into this node (owner known,
	// direct or unknown directness).
	in []*edge
	// undisclosed are links from owners the record does not name.
	undisclosed []*edge
	// indirect are declared indirect interests (BODS summaries): shown, but
	// never used by the rules (their components are the direct links).
	indirect []*edge
	// truncated: the node has owners that were not followed.
	truncated   bool
	queued      bool
	listMatches []procure.RiskListMatch
	// caches
	dprkDone   bool
	dprkWhy    string
	classified []classified
	index      int // position in Subgraph.order
}

func (n *node) name() string {
	for _, e := range n.ents {
		if strings.TrimSpace(e.Name) != "" {
			return strings.TrimSpace(e.Name)
		}
	}
	return n.id
}

// edge is one published ownership or control link between two nodes.
type edge struct {
	rel   procure.Relationship
	owner string // node ID; "" when undisclosed
	asset string
	share procure.Interval
	// dates parsed once (see inForceAt)
	parsed           bool
	start, end       span
	startSet, endSet bool
	startBad, endBad bool
}

// inForceAt is inForce(e.rel.StartDate, e.rel.EndDate, d) with the dates
// parsed once.
func (e *edge) inForceAt(d day) tri {
	if !e.parsed {
		e.parsed = true
		if s := strings.TrimSpace(e.rel.StartDate); s != "" {
			e.startSet = true
			e.start, e.startBad = parseSpanOK(s)
		}
		if s := strings.TrimSpace(e.rel.EndDate); s != "" {
			e.endSet = true
			e.end, e.endBad = parseSpanOK(s)
		}
	}
	res := triYes
	if e.startSet {
		switch {
		case e.startBad:
			res = triMaybe
		case e.start.lo > d:
			return triNo
		case e.start.hi > d:
			res = triMaybe
		}
	}
	if e.endSet {
		switch {
		case e.endBad:
			res = triMaybe
		case e.end.hi < d:
			return triNo
		case e.end.lo < d:
			res = triMaybe
		}
	}
	return res
}

func parseSpanOK(s string) (span, bool) {
	sp, ok := parseSpan(s)
	return sp, !ok
}

func (e *edge) control() bool { return e.rel.Control || e.rel.Kind == procure.RelControl }
func (e *edge) owns() bool    { return e.rel.Kind == procure.RelOwnership }

// soft is a soft link from a subgraph node to another node.
type soft struct {
	rel  procure.Relationship
	from string // node in the subgraph
	to   string // the other node
}

// Subgraph is the upstream ownership and control neighbourhood of a
// supplier's entities, loaded once and evaluated for any date.
type Subgraph struct {
	cfg    Config
	nodes  map[string]*node
	order  []string // node IDs in load order (deterministic)
	roots  []string
	soft   []soft
	notes  []string
	canon  map[string]string // record ID → node ID
	nEdges int
}

// normShare clamps a share to [0,100]; an empty or inverted interval
// becomes unknown.
func normShare(iv procure.Interval) procure.Interval {
	lo, hi := max(iv.Min, 0), min(iv.Max, 100)
	if hi <= 0 && lo <= 0 {
		return procure.Unknown
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	return procure.Interval{Min: lo, Max: hi}
}

// Load reads the ownership neighbourhood of the root records: every owner
// upwards to cfg.MaxDepth hops, cycle-safe (each cluster is loaded once),
// with the soft links of every loaded entity and, when configured, name
// matches of unlisted entities against list entries.
func Load(ctx context.Context, g Graph, roots []string, cfg Config) (*Subgraph, error) {
	cfg = cfg.withDefaults()
	sg := &Subgraph{cfg: cfg, nodes: map[string]*node{}, canon: map[string]string{}}
	var queue []string
	for _, r := range roots {
		n, err := sg.load(ctx, g, r, 0)
		if err != nil {
			return nil, err
		}
		if n == nil {
			continue
		}
		if !hasString(sg.roots, n.id) {
			sg.roots = append(sg.roots, n.id)
		}
		if !n.queued {
			n.queued = true
			queue = append(queue, n.id)
		}
	}
	seenRel := map[string]bool{}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := sg.nodes[queue[0]]
		queue = queue[1:]
		rels, err := g.OwnersOf(ctx, n.id)
		if err != nil && !errors.Is(err, procure.ErrNotFound) {
			return nil, fmt.Errorf("owners of %s: %w", n.id, err)
		}
		sort.SliceStable(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
		if n.depth >= cfg.MaxDepth {
			for _, r := range rels {
				if !r.Kind.Soft() {
					n.truncated = true
					break
				}
			}
			continue
		}
		for _, r := range rels {
			if r.Kind.Soft() {
				continue
			}
			key := r.ID
			if key == "" {
				key = r.Owner + ">" + r.Asset + ">" + string(r.Kind) + ">" + r.StartDate + ">" + r.EndDate
			}
			if seenRel[key] {
				continue
			}
			seenRel[key] = true
			if r.ID == "" {
				r.ID = "link:" + key
			}
			e := &edge{rel: r, asset: n.id, share: normShare(r.Share)}
			if r.Owner == "" {
				n.undisclosed = append(n.undisclosed, e)
				continue
			}
			if len(sg.nodes) >= cfg.MaxNodes {
				if _, ok := sg.canon[r.Owner]; !ok {
					n.truncated = true
					continue
				}
			}
			o, err := sg.load(ctx, g, r.Owner, n.depth+1)
			if err != nil {
				return nil, err
			}
			e.owner = o.id
			if o.id == n.id {
				continue // a record owning its own cluster (treasury shares)
			}
			sg.nEdges++
			if strings.EqualFold(r.Direct, "indirect") {
				n.indirect = append(n.indirect, e)
			} else {
				n.in = append(n.in, e)
			}
			if !o.queued {
				o.queued = true
				queue = append(queue, o.id)
			}
		}
	}
	if err := sg.loadSoft(ctx, g); err != nil {
		return nil, err
	}
	if err := sg.matchLists(ctx, g); err != nil {
		return nil, err
	}
	for _, id := range sg.order {
		if n := sg.nodes[id]; n.truncated {
			sg.notes = append(sg.notes, fmt.Sprintf("%s has further owners that were not followed (the search stops after %d hops or %d entities).", n.name(), cfg.MaxDepth, cfg.MaxNodes))
		}
	}
	return sg, nil
}

// load returns the node of record id, loading its cluster and records the
// first time.
func (sg *Subgraph) load(ctx context.Context, g Graph, id string, depth int) (*node, error) {
	n, known, err := sg.peek(ctx, g, id, depth)
	if err != nil || known {
		return n, err
	}
	sg.register(n, id)
	return n, nil
}

// peek returns the node of record id without adding it to the subgraph
// (known reports that it already is part of it).
func (sg *Subgraph) peek(ctx context.Context, g Graph, id string, depth int) (n *node, known bool, err error) {
	if cid, ok := sg.canon[id]; ok {
		n := sg.nodes[cid]
		if depth < n.depth {
			n.depth = depth
		}
		return n, true, nil
	}
	members, err := g.Cluster(ctx, id)
	if err != nil && !errors.Is(err, procure.ErrNotFound) {
		return nil, false, fmt.Errorf("cluster of %s: %w", id, err)
	}
	if !hasString(members, id) {
		members = append(members, id)
	}
	members = uniqSorted(members)
	cid := members[0]
	if n, ok := sg.nodes[cid]; ok { // reached through another member
		for _, m := range members {
			sg.canon[m] = cid
		}
		if depth < n.depth {
			n.depth = depth
		}
		return n, true, nil
	}
	n = &node{id: cid, members: members, depth: depth}
	for _, m := range members {
		e, err := g.Entity(ctx, m)
		if errors.Is(err, procure.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("entity %s: %w", m, err)
		}
		n.ents = append(n.ents, e)
	}
	n.missing = len(n.ents) == 0
	return n, false, nil
}

// register adds a peeked node to the subgraph.
func (sg *Subgraph) register(n *node, id string) {
	for _, m := range n.members {
		sg.canon[m] = n.id
	}
	if n.missing {
		sg.notes = append(sg.notes, fmt.Sprintf("A link refers to the record %q, which is not in the data; its name and listings are unknown.", id))
	}
	n.index = len(sg.order)
	sg.nodes[n.id] = n
	sg.order = append(sg.order, n.id)
}

func uniqSorted(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	w := 0
	for i, s := range out {
		if s == "" || (i > 0 && s == out[i-1]) {
			continue
		}
		out[w] = s
		w++
	}
	return out[:w]
}
