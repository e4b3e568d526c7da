package owner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// listing is a listing with the provenance of the record carrying it.
type listing struct {
	procure.Listing
	prov procure.Provenance
}

func (n *node) listings() []listing {
	var out []listing
	seen := map[string]bool{}
	for _, e := range n.ents {
		for _, l := range e.Listings {
			k := l.List + "|" + l.Authority + "|" + l.Reference + "|" + l.ListedOn + "|" + strings.Join(l.Programs, ",")
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, listing{Listing: l, prov: e.Provenance})
		}
	}
	return out
}

// sanctionTopic reports a record marked "sanction" without any listing
// (the source says sanctioned but not by whom).
func (n *node) sanctionTopic() bool {
	for _, e := range n.ents {
		if len(e.Listings) == 0 && hasString(e.Topics, "sanction") {
			return true
		}
	}
	return false
}

func (n *node) dprk() (string, bool) {
	if !n.dprkDone {
		n.dprkDone = true
		for _, e := range n.ents {
			if why, ok := dprkParty(e); ok {
				n.dprkWhy = why
				break
			}
		}
	}
	return n.dprkWhy, n.dprkWhy != ""
}

// classified is a listing with the regimes it feeds, computed once.
type classified struct {
	listing
	regimes []procure.Regime
	extra   string
}

func (sg *Subgraph) classifiedListings(n *node) []classified {
	if n.classified == nil {
		n.classified = []classified{}
		for _, l := range n.listings() {
			rs, extra := sg.cfg.classify(l.Listing, l.prov)
			n.classified = append(n.classified, classified{listing: l, regimes: rs, extra: extra})
		}
	}
	return n.classified
}

// target reports whether the node is a party paths should lead to: on any
// list at any time, marked sanctioned, a DPRK state party, or possibly the
// same as a listed party.
func (n *node) target() bool {
	if len(n.listMatches) > 0 || n.sanctionTopic() {
		return true
	}
	for _, e := range n.ents {
		if len(e.Listings) > 0 {
			return true
		}
	}
	_, ok := n.dprk()
	return ok
}

// seed is why a node counts as designated under one regime on one day.
type seed struct {
	certain bool
	basis   []string
}

// seedsAt returns the regimes under which the node counts as designated on
// day d, and whether it is on any list that day (listed: triYes/triMaybe).
// today says d is the computation day: a listing without a date is then
// certainly in force (the list is current); for a past day its date is
// unknown, so it only "maybe" applied.
func (sg *Subgraph) seedsAt(n *node, d day, today bool) (map[procure.Regime]*seed, tri) {
	out := map[procure.Regime]*seed{}
	add := func(r procure.Regime, certain bool, basis string) {
		s := out[r]
		if s == nil {
			s = &seed{}
			out[r] = s
		}
		s.certain = s.certain || certain
		if !hasString(s.basis, basis) {
			s.basis = append(s.basis, basis)
		}
	}
	listed := triNo
	for _, l := range sg.classifiedListings(n) {
		st := listingAt(l.Listing, d, today)
		if st == triNo {
			continue
		}
		listed = max(listed, st)
		regimes, extra := l.regimes, l.extra
		basis := "listed on " + listingLabel(l.Listing)
		if extra != "" {
			basis += " (" + extra + ")"
		}
		if st == triMaybe {
			if strings.TrimSpace(l.ListedOn) == "" {
				basis += "; listing date not published"
			} else {
				basis += "; not certain it applied on " + d.String()
			}
		}
		for _, r := range regimes {
			add(r, st == triYes, basis)
		}
	}
	if n.sanctionTopic() {
		if today {
			listed = triYes
		} else {
			listed = max(listed, triMaybe)
		}
		for _, r := range procure.Regimes {
			add(r, false, "marked as sanctioned by its source, which does not say by whom or since when")
		}
	}
	if why, ok := n.dprk(); ok && d >= eo13722.lo {
		add(procure.RegimeOFAC, true, why)
		listed = triYes
	}
	for _, m := range n.listMatches {
		for _, l := range m.Listings {
			st := listingAt(l, d, today)
			if st == triNo {
				continue
			}
			listed = max(listed, triMaybe)
			regimes, _ := sg.cfg.classify(l, procure.Provenance{})
			for _, r := range regimes {
				add(r, false, fmt.Sprintf("possibly the same as %s (name match %.2f), listed on %s", m.Name, m.Match.Score, listingLabel(l)))
			}
		}
	}
	return out, listed
}

// listingAt says whether a listing was in force on day d.
func listingAt(l procure.Listing, d day, today bool) tri {
	if strings.TrimSpace(l.ListedOn) == "" {
		st, _ := inForce("", l.EndedOn, d)
		if st == triYes && !today {
			return triMaybe
		}
		return st
	}
	st, _ := inForce(l.ListedOn, l.EndedOn, d)
	return st
}

// opaque lists the reasons the node's owners are hidden or incomplete.
func (sg *Subgraph) opaque(n *node) []string {
	var out []string
	for _, e := range n.ents {
		if e.Opaque != "" && !hasString(out, e.Opaque) {
			out = append(out, e.Opaque)
		}
		if e.Kind == procure.EntityUnknown && len(n.ents) == 1 {
			out = append(out, "the record does not identify this party")
		}
	}
	for _, e := range n.undisclosed {
		why := "an owner is not disclosed"
		if e.rel.UnspecifiedOwner != "" {
			why += " (" + procure.UnspecifiedOwnerText(e.rel.UnspecifiedOwner) + ")"
		}
		why += ", share " + shareText(e.share)
		if !hasString(out, why) {
			out = append(out, why)
		}
	}
	if j := n.jurisdiction(); j != "" {
		for _, s := range sg.cfg.SecrecyJurisdictions {
			if strings.EqualFold(s, j) {
				out = append(out, "registered in "+j+", which does not publish company owners: the owners shown may be incomplete")
				break
			}
		}
	}
	return out
}

func (n *node) jurisdiction() string {
	for _, e := range n.ents {
		if e.Jurisdiction != "" {
			return strings.ToUpper(e.Jurisdiction)
		}
	}
	return ""
}

// merged is one entity combining the names, identifiers, countries and
// addresses of every record of the node (for name matching).
func (n *node) merged() procure.Entity {
	var m procure.Entity
	for _, e := range n.ents {
		if m.ID == "" {
			m = e
			m.Names = append([]procure.EntityName(nil), e.Names...)
			m.Identifiers = append([]procure.Identifier(nil), e.Identifiers...)
			m.Countries = append([]string(nil), e.Countries...)
			m.Addresses = append([]string(nil), e.Addresses...)
			continue
		}
		m.Names = append(m.Names, procure.EntityName{Name: e.Name, Kind: "alias"})
		m.Names = append(m.Names, e.Names...)
		m.Identifiers = append(m.Identifiers, e.Identifiers...)
		m.Countries = append(m.Countries, e.Countries...)
		m.Addresses = append(m.Addresses, e.Addresses...)
	}
	return m
}

// loadSoft reads the soft links of every node loaded through ownership and
// keeps those that lead from an unlisted node to a listed party.
func (sg *Subgraph) loadSoft(ctx context.Context, g Graph) error {
	chain := append([]string(nil), sg.order...)
	seen := map[string]bool{}
	for _, id := range chain {
		n := sg.nodes[id]
		if n.missing || n.target() {
			continue
		}
		rels, err := g.SoftLinksOf(ctx, id)
		if err != nil && !errors.Is(err, procure.ErrNotFound) {
			return fmt.Errorf("soft links of %s: %w", id, err)
		}
		sort.SliceStable(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
		if len(rels) > sg.cfg.MaxSoftLinks {
			sg.notes = append(sg.notes, fmt.Sprintf("%s has %d other links (officers, associates, shared addresses); only the first %d were checked.", n.name(), len(rels), sg.cfg.MaxSoftLinks))
			rels = rels[:sg.cfg.MaxSoftLinks]
		}
		for _, r := range rels {
			if !r.Kind.Soft() {
				continue
			}
			other := r.Owner
			if hasString(n.members, r.Owner) {
				other = r.Asset
			}
			if other == "" || hasString(n.members, other) {
				continue
			}
			// the other end joins the subgraph only when it is listed
			o, known, err := sg.peek(ctx, g, other, n.depth+1)
			if err != nil {
				return err
			}
			if o.id == n.id || !o.target() {
				continue
			}
			if !known {
				sg.register(o, other)
			}
			k := r.ID + "|" + n.id + "|" + o.id
			if seen[k] {
				continue
			}
			seen[k] = true
			sg.soft = append(sg.soft, soft{rel: r, from: n.id, to: o.id})
		}
	}
	return nil
}

// matchLists compares every unlisted chain node with list entries by name.
func (sg *Subgraph) matchLists(ctx context.Context, g Graph) error {
	cf, ok := g.(CandidateFinder)
	if !ok || sg.cfg.Match == nil {
		return nil
	}
	for _, id := range append([]string(nil), sg.order...) {
		n := sg.nodes[id]
		if n.missing || n.target() {
			continue
		}
		me := n.merged()
		cands, err := cf.EntityCandidates(ctx, me.Name, sg.cfg.Candidates)
		if err != nil {
			return fmt.Errorf("list candidates for %s: %w", n.name(), err)
		}
		for _, c := range cands {
			if hasString(n.members, c.ID) || len(c.Listings) == 0 || IdentifiersConflict(me, c) {
				continue
			}
			res := sg.cfg.Match(me, c)
			if !res.Match {
				continue
			}
			n.listMatches = append(n.listMatches, procure.RiskListMatch{Entity: c.ID, Name: c.Name, Listings: c.Listings, Match: res})
		}
	}
	return nil
}

// IdentifiersConflict reports whether two records hold different
// identifiers in the same register and none in common there: two companies
// with different Russian INNs are different companies, however alike their
// names. Weak schemes ({CC}-REG, {CC}-TAX, XI-MMSI), which are not unique
// enough to identify, never conflict.
func IdentifiersConflict(a, b procure.Entity) bool {
	byScheme := func(e procure.Entity) map[string]map[string]bool {
		out := map[string]map[string]bool{}
		for _, i := range e.Identifiers {
			q := i.Qualified()
			s := procure.NormalizeScheme(i.Scheme)
			if q == "" || strings.HasSuffix(s, "-REG") || strings.HasSuffix(s, "-TAX") || s == "XI-MMSI" {
				continue
			}
			if out[s] == nil {
				out[s] = map[string]bool{}
			}
			out[s][q] = true
		}
		return out
	}
	as, bs := byScheme(a), byScheme(b)
	for s, aq := range as {
		bq, ok := bs[s]
		if !ok {
			continue
		}
		shared := false
		for q := range aq {
			if bq[q] {
				shared = true
				break
			}
		}
		if !shared {
			return true
		}
	}
	return false
}
