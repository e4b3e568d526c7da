package owner

import (
	"sort"

	"github.com/tenderlens/tenderlens/data/procure"
)

// maxExpansions bounds the path search on dense graphs; the dossier says
// when it was reached.
const maxExpansions = 200000

// hop is one step of a path: every published link from owner to asset.
type hop struct {
	owner, asset string
	edges        []*edge
}

// path is a chain from a root (nodes[0]) up to a target (last node).
type path struct {
	nodes []string
	hops  []hop
}

// findPaths searches upwards from every root for chains to target nodes
// (listed parties), up to MaxDepth hops, over every link ever published
// (ended ones included, so former owners show; each hop says whether it
// is in force). A node is never visited twice on one path, so cycles end
// the branch instead of looping. Search continues past a target, since a
// listed owner may itself be owned by other listed parties.
func (sg *Subgraph) findPaths(roots []string) (paths []path, truncated bool) {
	expansions := 0
	limit := sg.cfg.MaxPaths * 20
	var walk func(cur path, onPath map[string]bool)
	walk = func(cur path, onPath map[string]bool) {
		id := cur.nodes[len(cur.nodes)-1]
		if len(cur.hops) >= sg.cfg.MaxDepth || len(paths) >= limit {
			return
		}
		expansions++
		if expansions > maxExpansions {
			truncated = true
			return
		}
		n := sg.nodes[id]
		byOwner := map[string]*hop{}
		var owners []string
		for _, e := range append(append([]*edge(nil), n.in...), n.indirect...) {
			h := byOwner[e.owner]
			if h == nil {
				h = &hop{owner: e.owner, asset: id}
				byOwner[e.owner] = h
				owners = append(owners, e.owner)
			}
			h.edges = append(h.edges, e)
		}
		sort.Strings(owners)
		for _, o := range owners {
			if onPath[o] {
				continue
			}
			next := path{nodes: append(append([]string(nil), cur.nodes...), o), hops: append(append([]hop(nil), cur.hops...), *byOwner[o])}
			if sg.nodes[o].target() {
				paths = append(paths, next)
			}
			onPath[o] = true
			walk(next, onPath)
			delete(onPath, o)
		}
	}
	for _, r := range roots {
		walk(path{nodes: []string{r}}, map[string]bool{r: true})
	}
	if len(paths) >= limit {
		truncated = true
	}
	return paths, truncated
}

// pick chooses the link a hop shows first: one in force on day d, then
// the largest share, then the ID.
func (h hop) pick(d day) *edge {
	best := h.edges[0]
	score := func(e *edge) (int, float64) {
		st := e.inForceAt(d)
		return int(st), e.share.Max
	}
	for _, e := range h.edges[1:] {
		s1, m1 := score(e)
		s0, m0 := score(best)
		if s1 > s0 || (s1 == s0 && (m1 > m0 || (m1 == m0 && e.rel.ID < best.rel.ID))) {
			best = e
		}
	}
	return best
}

// render turns a path into its published form, evaluated on day d.
func (sg *Subgraph) render(p path, d day) procure.RiskPath {
	out := procure.RiskPath{Nodes: p.nodes, Current: true, Share: procure.Interval{Min: 100, Max: 100}}
	for _, h := range p.hops {
		e := h.pick(d)
		out.Edges = append(out.Edges, e.rel.ID)
		if st := e.inForceAt(d); st != triYes {
			out.Current = false
		}
		share := e.share
		if !e.owns() {
			out.Control = true
			share = procure.Unknown
		}
		out.Share = procure.Interval{Min: out.Share.Min * share.Min / 100, Max: out.Share.Max * share.Max / 100}
	}
	out.Share = procure.Interval{Min: round2(out.Share.Min), Max: round2(out.Share.Max)}
	for _, id := range p.nodes {
		if len(sg.opaque(sg.nodes[id])) > 0 {
			out.Opaque = true
		}
	}
	return out
}
