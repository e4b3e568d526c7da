package owner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// memGraph is an in-memory Graph: records clustered by qualified
// identifier, as the store does.
type memGraph struct {
	ents map[string]procure.Entity
	rels []procure.Relationship
	// calls counts OwnersOf calls (cycle tests).
	calls int
}

func newGraph() *memGraph { return &memGraph{ents: map[string]procure.Entity{}} }

func (g *memGraph) add(es ...procure.Entity) *memGraph {
	for _, e := range es {
		g.ents[e.ID] = e
	}
	return g
}

func (g *memGraph) link(rs ...procure.Relationship) *memGraph {
	for _, r := range rs {
		if r.ID == "" {
			r.ID = fmt.Sprintf("r%d", len(g.rels)+1)
		}
		g.rels = append(g.rels, r)
	}
	return g
}

func (g *memGraph) Entity(_ context.Context, id string) (procure.Entity, error) {
	e, ok := g.ents[id]
	if !ok {
		return e, fmt.Errorf("entity %s: %w", id, procure.ErrNotFound)
	}
	return e, nil
}

func (g *memGraph) Cluster(_ context.Context, id string) ([]string, error) {
	e, ok := g.ents[id]
	if !ok {
		return []string{id}, nil
	}
	out := map[string]bool{id: true}
	for changed := true; changed; {
		changed = false
		for oid, o := range g.ents {
			if out[oid] {
				continue
			}
			for m := range out {
				if shareID(g.ents[m], o) {
					out[oid], changed = true, true
					break
				}
			}
		}
	}
	_ = e
	var ids []string
	for k := range out {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return ids, nil
}

func shareID(a, b procure.Entity) bool {
	for _, x := range a.Identifiers {
		for _, y := range b.Identifiers {
			if x.Qualified() != "" && x.Qualified() == y.Qualified() {
				return true
			}
		}
	}
	return false
}

func (g *memGraph) OwnersOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	g.calls++
	members, _ := g.Cluster(ctx, id)
	var out []procure.Relationship
	for _, r := range g.rels {
		if !r.Kind.Soft() && hasString(members, r.Asset) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (g *memGraph) SoftLinksOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	members, _ := g.Cluster(ctx, id)
	var out []procure.Relationship
	for _, r := range g.rels {
		if r.Kind.Soft() && (hasString(members, r.Asset) || hasString(members, r.Owner)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// candGraph adds name candidates (every listed record whose name shares a
// word with the query).
type candGraph struct{ *memGraph }

func (g candGraph) EntityCandidates(_ context.Context, name string, limit int) ([]procure.Entity, error) {
	var out []procure.Entity
	words := strings.Fields(strings.ToLower(name))
	var ids []string
	for id := range g.ents {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := g.ents[id]
		for _, w := range words {
			if strings.Contains(strings.ToLower(e.Name), w) {
				out = append(out, e)
				break
			}
		}
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

// Helpers to build test records.

func company(id, name string) procure.Entity {
	return procure.Entity{ID: id, Kind: procure.EntityCompany, Name: name}
}

func listed(e procure.Entity, list, listedOn string) procure.Entity {
	e.Listings = append(e.Listings, procure.Listing{List: list, ListedOn: listedOn, Reference: "T-" + e.ID})
	return e
}

func ofac(e procure.Entity) procure.Entity { return listed(e, "OFAC SDN", "2010-01-01") }

func owns(owner, asset string, lo, hi float64) procure.Relationship {
	return procure.Relationship{Kind: procure.RelOwnership, Owner: owner, Asset: asset, Share: procure.Interval{Min: lo, Max: hi},
		Provenance: procure.Provenance{Source: "test", RecordID: owner + ">" + asset}}
}

func controls(owner, asset string) procure.Relationship {
	return procure.Relationship{Kind: procure.RelControl, Owner: owner, Asset: asset, Control: true, Share: procure.Unknown}
}

func dated(r procure.Relationship, start, end string) procure.Relationship {
	r.StartDate, r.EndDate = start, end
	return r
}
