package owner

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Input is what the analysis of one supplier starts from.
type Input struct {
	Supplier procure.PartyRef
	// Links are the register and list records the supplier was resolved to
	// (certain: same identifier; otherwise a name match).
	Links []procure.SupplierLink
	// Awards are the supplier's awards; Analyze fills AsOf and Level.
	Awards []procure.RiskAward
	// Today is the date of the "as of today" verdicts.
	Today time.Time
}

// maxTracedAwardDays is how many award dates (the most recent) keep their
// full rule trace; older ones keep verdicts and summaries.
const maxTracedAwardDays = 50

// maxUnknowns caps the "what is unknown" list.
const maxUnknowns = 40

// Analyze builds the risk dossier of one supplier: it loads the ownership
// neighbourhood of the linked records from g, evaluates the OFAC, EU and UK
// rules as of today and as of every award date, finds the paths to listed
// parties, computes the effective ownership of listed parties, and collects
// soft-link evidence and what is unknown. It does no I/O beyond g.
func Analyze(ctx context.Context, g Graph, in Input, cfg Config) (procure.RiskDossier, error) {
	cfg = cfg.withDefaults()
	d := procure.RiskDossier{
		Supplier: in.Supplier, Checked: true, ComputedAt: in.Today.UTC(), MaxDepth: cfg.MaxDepth,
		Level: procure.RiskNone, Links: []procure.RiskLink{}, Entities: []procure.RiskEntity{}, Edges: []procure.RiskEdge{},
		Paths: []procure.RiskPath{}, AtAwards: []procure.RiskAssessment{}, Awards: []procure.RiskAward{},
		Exposure: []procure.Money{}, Owners: []procure.EffectiveOwner{}, SoftLinks: []procure.RiskSoftLink{}, Unknowns: []string{},
	}
	tot := procure.Totals{}
	for _, a := range in.Awards {
		if a.Counted && a.HasValue {
			if err := tot.Add(a.Value); err != nil {
				return d, fmt.Errorf("exposure of %s: %w", in.Supplier.ID, err)
			}
		}
	}
	d.Exposure = tot.List()
	today := dayOf(in.Today)
	d.Today = procure.RiskAssessment{AsOf: today.String(), Level: procure.RiskNone, Verdicts: noVerdicts("No register or list record is linked to this supplier, so no rule could be applied.")}

	var ids []string
	for _, l := range in.Links {
		ids = append(ids, l.EntityID)
	}
	if len(ids) == 0 {
		for _, a := range in.Awards {
			a.Level = procure.RiskNone
			d.Awards = append(d.Awards, a)
		}
		d.Unknowns = append(d.Unknowns, "No ownership register or sanctions list record was matched to this supplier, so its owners are unknown to this portal.")
		d.Headline = "Not found in the ownership registers and sanctions lists held: its owners are unknown to this portal."
		return d, nil
	}
	sg, err := Load(ctx, g, ids, cfg)
	if err != nil {
		return d, fmt.Errorf("ownership of %s: %w", in.Supplier.ID, err)
	}
	var rs rootSet
	for _, l := range in.Links {
		id := sg.canon[l.EntityID]
		if id == "" {
			continue
		}
		if l.Certain && !hasString(rs.certain, id) {
			rs.certain = append(rs.certain, id)
		}
	}
	for _, l := range in.Links {
		id := sg.canon[l.EntityID]
		if id != "" && !rs.isCertain(id) && !hasString(rs.possible, id) {
			rs.possible = append(rs.possible, id)
		}
	}
	b := builder{sg: sg, d: &d, rs: rs, today: today, entities: map[string]bool{}, edges: map[string]bool{}}
	for _, l := range in.Links {
		id := sg.canon[l.EntityID]
		if l.Match.Features == nil {
			l.Match.Features = []procure.MatchFeature{}
		}
		d.Links = append(d.Links, procure.RiskLink{SupplierLink: l, Entity: id, Name: sg.nodes[id].name()})
		b.addEntity(id)
	}

	// today
	at := sg.assess(today, true)
	d.Today = sg.toProcure(at, rs, true)
	b.addTrace(d.Today)

	// award dates, most recent first for the trace budget
	days := map[day]bool{}
	var order []day
	for _, a := range in.Awards {
		if a.Date.IsZero() {
			continue
		}
		if dd := dayOf(a.Date); !days[dd] {
			days[dd] = true
			order = append(order, dd)
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] > order[j] })
	byDay := map[day]procure.RiskAssessment{}
	for i, dd := range order {
		pa := sg.toProcure(sg.assess(dd, false), rs, i < maxTracedAwardDays)
		byDay[dd] = pa
		b.addTrace(pa)
	}
	for i := len(order) - 1; i >= 0; i-- {
		d.AtAwards = append(d.AtAwards, byDay[order[i]])
	}
	for _, a := range in.Awards {
		a.Level = procure.RiskNone
		if !a.Date.IsZero() {
			pa := byDay[dayOf(a.Date)]
			a.AsOf, a.Level = pa.AsOf, pa.Level
		}
		d.Awards = append(d.Awards, a)
	}

	// paths to listed parties
	ps, truncated := sg.findPaths(rs.all())
	rendered := make([]procure.RiskPath, len(ps))
	for i, p := range ps {
		rendered[i] = sg.render(p, today)
	}
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, c := rendered[idx[i]], rendered[idx[j]]
		if a.Current != c.Current {
			return a.Current
		}
		if len(a.Nodes) != len(c.Nodes) {
			return len(a.Nodes) < len(c.Nodes)
		}
		if a.Share.Max != c.Share.Max {
			return a.Share.Max > c.Share.Max
		}
		return strings.Join(a.Nodes, "\x00") < strings.Join(c.Nodes, "\x00")
	})
	if len(idx) > cfg.MaxPaths {
		truncated = true
		idx = idx[:cfg.MaxPaths]
	}
	for _, i := range idx {
		d.Paths = append(d.Paths, rendered[i])
		for _, h := range ps[i].hops {
			for _, e := range h.edges {
				b.addEdge(e)
			}
		}
		for _, id := range ps[i].nodes {
			b.addEntity(id)
		}
	}
	if truncated {
		sg.notes = append(sg.notes, fmt.Sprintf("There are more paths to listed parties than the %d shown.", cfg.MaxPaths))
	}
	// the supplier's own owners, findings or not
	for _, id := range rs.all() {
		for _, e := range sg.nodes[id].in {
			b.addEdge(e)
			b.addEntity(e.owner)
		}
		for _, e := range sg.nodes[id].indirect {
			b.addEdge(e)
			b.addEntity(e.owner)
		}
	}
	// undisclosed owners of every node shown
	for _, id := range b.entityOrder {
		for _, e := range sg.nodes[id].undisclosed {
			b.addEdge(e)
		}
	}

	// soft links
	for _, s := range sg.soft {
		d.SoftLinks = append(d.SoftLinks, procure.RiskSoftLink{From: s.from, To: s.to, Kind: s.rel.Kind, Role: s.rel.Role,
			StartDate: s.rel.StartDate, EndDate: s.rel.EndDate, Source: s.rel.Provenance})
		b.addEntity(s.from)
		b.addEntity(s.to)
	}

	// effective ownership of listed and blocked parties, today
	b.owners(at)

	// entities, in depth order
	for _, id := range sg.sortedNodes(b.entityOrder) {
		d.Entities = append(d.Entities, b.entity(id, at))
	}

	// level: the most serious of today and every award date
	d.Level = d.Today.Level
	for _, pa := range d.AtAwards {
		if pa.Level.Rank() > d.Level.Rank() {
			d.Level = pa.Level
		}
	}
	if d.Level == procure.RiskNone && (len(d.Paths) > 0 || len(d.SoftLinks) > 0) {
		d.Level = procure.RiskLinked
	}
	d.Unknowns = b.unknowns(in)
	d.Headline = b.headline()
	return d, nil
}

func noVerdicts(summary string) []procure.RegimeVerdict {
	var out []procure.RegimeVerdict
	for _, r := range procure.Regimes {
		out = append(out, procure.RegimeVerdict{Regime: r, Verdict: procure.VerdictNo, Summary: summary})
	}
	return out
}

// builder collects what the dossier shows.
type builder struct {
	sg          *Subgraph
	d           *procure.RiskDossier
	rs          rootSet
	today       day
	entities    map[string]bool
	entityOrder []string
	edges       map[string]bool
	edgeList    []*edge
}

func (b *builder) addEntity(id string) {
	if id == "" || b.entities[id] || b.sg.nodes[id] == nil {
		return
	}
	b.entities[id] = true
	b.entityOrder = append(b.entityOrder, id)
}

func (b *builder) addEdge(e *edge) {
	if b.edges[e.rel.ID] {
		return
	}
	b.edges[e.rel.ID] = true
	b.edgeList = append(b.edgeList, e)
	r := e.rel
	b.d.Edges = append(b.d.Edges, procure.RiskEdge{ID: r.ID, Kind: r.Kind, Owner: e.owner, Asset: e.asset, Share: e.share,
		Interests: r.Interests, Control: r.Control, Direct: r.Direct, StartDate: r.StartDate, EndDate: r.EndDate, Role: r.Role,
		UnspecifiedOwner: r.UnspecifiedOwner, Ended: endedBefore(r.EndDate, b.today), Source: r.Provenance})
}

func (b *builder) addTrace(a procure.RiskAssessment) {
	for _, v := range a.Verdicts {
		for _, s := range v.Trace {
			b.addEntity(s.Entity)
			for _, o := range s.Owners {
				b.addEntity(o.Entity)
			}
		}
	}
}

// entity renders a node as of today.
func (b *builder) entity(id string, at *assessment) procure.RiskEntity {
	n := b.sg.nodes[id]
	e := procure.RiskEntity{ID: id, Members: n.members, Name: n.name(), Depth: n.depth, Kind: procure.EntityUnknown, ListMatches: n.listMatches}
	names := map[string]bool{e.Name: true}
	ids := map[string]bool{}
	countries := map[string]bool{}
	topics := map[string]bool{}
	for _, x := range n.ents {
		if e.Kind == procure.EntityUnknown && x.Kind != "" {
			e.Kind = x.Kind
		}
		if e.Jurisdiction == "" {
			e.Jurisdiction = x.Jurisdiction
		}
		for _, nm := range append([]procure.EntityName{{Name: x.Name}}, x.Names...) {
			if nm.Name != "" && !names[nm.Name] && len(e.Names) < 12 {
				names[nm.Name] = true
				e.Names = append(e.Names, nm.Name)
			}
		}
		for _, i := range x.Identifiers {
			if q := i.Qualified(); q != "" && !ids[q] {
				ids[q] = true
				e.Identifiers = append(e.Identifiers, i)
			}
		}
		for _, c := range append(append([]string(nil), x.Countries...), x.Jurisdiction) {
			if c != "" && !countries[strings.ToUpper(c)] {
				countries[strings.ToUpper(c)] = true
				e.Countries = append(e.Countries, strings.ToUpper(c))
			}
		}
		for _, t := range x.Topics {
			if !topics[t] {
				topics[t] = true
				e.Topics = append(e.Topics, t)
			}
		}
		e.Sources = append(e.Sources, x.Provenance)
	}
	for _, l := range n.listings() {
		e.Listings = append(e.Listings, l.Listing)
	}
	e.Listed = at.listed[id] != triNo
	for _, r := range procure.Regimes {
		if s := at.seeds[id][r]; s != nil {
			e.Seeds = append(e.Seeds, procure.RiskSeed{Regime: r, Certain: s.certain, Basis: strings.Join(s.basis, "; ")})
		}
	}
	e.Opaque = b.sg.opaque(n)
	return e
}

// owners computes the effective ownership (today) of every listed party in
// the chain. Intermediaries a rule treats as owned by listed parties are
// not repeated here: their effect is in the listed parties' shares.
func (b *builder) owners(at *assessment) {
	sg := b.sg
	cand := map[string]bool{}
	for _, id := range sg.order {
		if sg.nodes[id].target() {
			cand[id] = true
		}
	}
	mLo, mHi := sg.matrix(sg.pairsAt(b.today, lo), lo), sg.matrix(sg.pairsAt(b.today, hi), hi)
	var out []procure.EffectiveOwner
	for _, id := range sg.order {
		if !cand[id] || hasString(b.rs.all(), id) {
			continue
		}
		iv := sg.effective(id, b.rs.all(), mLo, mHi)
		if iv.Max <= 0 {
			continue
		}
		out = append(out, procure.EffectiveOwner{Entity: id, Name: sg.nodes[id].name(), Share: iv, Listed: at.listed[id] != triNo})
		b.addEntity(id)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Share.Max != out[j].Share.Max {
			return out[i].Share.Max > out[j].Share.Max
		}
		if out[i].Share.Min != out[j].Share.Min {
			return out[i].Share.Min > out[j].Share.Min
		}
		return out[i].Name < out[j].Name
	})
	if out != nil {
		b.d.Owners = out
	}
}

// unknowns says what the records do not tell about the nodes shown.
func (b *builder) unknowns(in Input) []string {
	sg := b.sg
	var out []string
	add := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		if !hasString(out, s) {
			out = append(out, s)
		}
	}
	for _, l := range b.d.Links {
		if !l.Certain {
			add("%s was matched to the record of %s by name only (score %.2f): it may be a different organisation.", nameOr(in.Supplier), l.Name, l.Match.Score)
		}
	}
	for _, id := range b.rs.all() {
		n := sg.nodes[id]
		if len(n.in) == 0 && len(n.undisclosed) == 0 && len(n.indirect) == 0 && !n.truncated {
			add("No owners of %s are recorded in the ownership data held.", n.name())
		}
	}
	for _, e := range b.edgeList {
		if e.owner == "" {
			continue
		}
		if e.owns() && e.share.Min <= 0 && e.share.Max >= 100 {
			add("The share %s holds in %s is not published (0–100 %% is assumed).", sg.nodes[e.owner].name(), sg.nodes[e.asset].name())
		}
		for _, s := range []string{e.rel.StartDate, e.rel.EndDate} {
			if strings.TrimSpace(s) != "" {
				if _, ok := parseSpan(s); !ok {
					add("The date %q of the link from %s to %s could not be read; the link is treated as possibly in force.", s, sg.nodes[e.owner].name(), sg.nodes[e.asset].name())
				}
			}
		}
		if strings.EqualFold(e.rel.Direct, "indirect") {
			add("%s declares an indirect interest (%s) in %s. Declared indirect interests are shown but not used by the rules, which follow the direct links.", sg.nodes[e.owner].name(), shareText(e.share), sg.nodes[e.asset].name())
		}
	}
	pairs := sg.pairsAt(b.today, hi)
	for _, id := range b.entityOrder {
		n := sg.nodes[id]
		for _, why := range sg.opaque(n) {
			add("%s: %s.", n.name(), why)
		}
		for _, p := range pairs[id] {
			if p.conflict {
				add("Records disagree about the share %s holds in %s; the range they span (%s) is used.", sg.nodes[p.owner].name(), n.name(), shareText(p.share))
			}
		}
		if n.target() {
			for _, l := range n.listings() {
				if rs, _ := sg.cfg.classify(l.Listing, l.prov); len(rs) == 0 {
					continue // a list no rule uses: its date changes no verdict
				}
				if strings.TrimSpace(l.ListedOn) == "" && len(b.d.AtAwards) > 0 {
					add("The date %s was put on %s is not published, so at award dates before today it counts only as possibly listed.", n.name(), firstNonEmpty(l.List, l.Authority, "a list"))
				}
			}
		}
	}
	out = append(out, sg.notes...)
	if len(b.d.Paths) == 0 && len(b.d.SoftLinks) == 0 && b.d.Level == procure.RiskNone {
		add("A “no” means the records held show no such ownership or control; owners missing from these records are not covered.")
	}
	if len(out) > maxUnknowns {
		more := len(out) - maxUnknowns
		out = append(out[:maxUnknowns], fmt.Sprintf("…and %d more.", more))
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func nameOr(p procure.PartyRef) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// headline is one hedged sentence for lists and the top of the section.
func (b *builder) headline() string {
	d := b.d
	parties := strings.Join(capList(PathTargets(*d), 3), ", ")
	rules := func(a procure.RiskAssessment) string {
		var parts []string
		for _, v := range a.Verdicts {
			parts = append(parts, v.Regime.Short()+": "+string(v.Verdict))
		}
		return strings.Join(parts, ", ")
	}
	when := ""
	if d.Level.Rank() > d.Today.Level.Rank() {
		n := 0
		for _, a := range d.Awards {
			if a.Level == d.Level {
				n++
			}
		}
		when = fmt.Sprintf(" at the date of %d of its awards, not today", n)
	}
	switch d.Level {
	case procure.RiskListed:
		for _, e := range d.Entities {
			if hasString(b.rs.certain, e.ID) && e.Listed {
				// lists a rule uses first
				var ruled, other []string
				for _, l := range e.Listings {
					if rs, _ := b.sg.cfg.classify(l, procure.Provenance{}); len(rs) > 0 {
						ruled = append(ruled, firstNonEmpty(l.List, l.Authority))
					} else {
						other = append(other, firstNonEmpty(l.List, l.Authority))
					}
				}
				ls := append(ruled, other...)
				return fmt.Sprintf("The supplier's record %s appears on %s%s.", e.Name, strings.Join(capList(uniq(ls), 3), ", "), when)
			}
		}
	case procure.RiskOwned:
		return fmt.Sprintf("Listed owner in the ownership chain: %s. The records indicate ownership or control by designated parties%s (rules today — %s).", orSomething(parties), when, rules(d.Today))
	case procure.RiskPossible:
		if parties == "" {
			return fmt.Sprintf("Possibly linked to a sanctions listing%s; the link rests on a name match or uncertain dates (rules today — %s).", when, rules(d.Today))
		}
		return fmt.Sprintf("Possibly owned or controlled by listed parties (%s)%s (rules today — %s).", parties, when, rules(d.Today))
	case procure.RiskLinked:
		if parties == "" {
			return "Linked to listed parties through former links or softer evidence; no ownership rule is met on the records held."
		}
		return fmt.Sprintf("Linked to listed parties (%s) through minority or former stakes or softer evidence; no ownership rule is met on the records held.", parties)
	}
	return "No link to a listed party was found in the ownership and sanctions records held."
}

// PathTargets returns the names of the listed parties the dossier's paths
// lead to, those of paths in force today first, without repeats.
func PathTargets(d procure.RiskDossier) []string {
	names := map[string]string{}
	for _, e := range d.Entities {
		names[e.ID] = e.Name
	}
	var out []string
	for _, current := range []bool{true, false} {
		for _, p := range d.Paths {
			if p.Current != current || len(p.Nodes) == 0 {
				continue
			}
			if n := names[p.Nodes[len(p.Nodes)-1]]; n != "" && !hasString(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func orSomething(s string) string {
	if s == "" {
		return "a party the rules treat as designated"
	}
	return s
}

func capList(ss []string, n int) []string {
	if len(ss) <= n {
		return ss
	}
	return append(append([]string(nil), ss[:n]...), fmt.Sprintf("and %d more", len(ss)-n))
}

func uniq(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !hasString(out, s) {
			out = append(out, s)
		}
	}
	return out
}
