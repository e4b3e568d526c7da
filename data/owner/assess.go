package owner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// assessment is every rule evaluated on one day.
type assessment struct {
	day    day
	today  bool
	seeds  map[string]map[procure.Regime]*seed
	listed map[string]tri // per node: on any list that day
	runs   map[procure.Regime]*ruleRun
}

// assess evaluates the three rules on day d. Links not in force that day
// (ended before it, or started after it) are ignored; listings are taken
// as in force from their listing date (see listingAt).
func (sg *Subgraph) assess(d day, today bool) *assessment {
	a := &assessment{day: d, today: today, seeds: map[string]map[procure.Regime]*seed{}, listed: map[string]tri{}, runs: map[procure.Regime]*ruleRun{}}
	for _, id := range sg.order {
		s, l := sg.seedsAt(sg.nodes[id], d, today)
		a.seeds[id], a.listed[id] = s, l
	}
	pLo, pHi := sg.pairsAt(d, lo), sg.pairsAt(d, hi)
	for _, r := range procure.Regimes {
		certain, any := map[string]bool{}, map[string]bool{}
		for id, ss := range a.seeds {
			if s := ss[r]; s != nil {
				any[id] = true
				if s.certain {
					certain[id] = true
				}
			}
		}
		rr := &ruleRun{regime: r, pLo: pLo, pHi: pHi, seeds: a.seeds, certainSet: certain, anySet: any}
		rr.lo = sg.derive(r, pLo, certain, lo)
		rr.hi = sg.derive(r, pHi, any, hi)
		a.runs[r] = rr
	}
	return a
}

// rootSet says how a root node was linked to the supplier.
type rootSet struct {
	certain  []string // by a shared identifier: the supplier itself
	possible []string // by name only: maybe the supplier
}

func (rs rootSet) all() []string { return append(append([]string(nil), rs.certain...), rs.possible...) }

func (rs rootSet) isCertain(id string) bool { return hasString(rs.certain, id) }

// verdict is the supplier's verdict under one regime: the most serious over
// its linked entities, a name-only link capping it at "possible".
func (a *assessment) verdict(r procure.Regime, rs rootSet) (procure.Verdict, string) {
	best, at := procure.VerdictNo, ""
	for _, id := range rs.all() {
		v := a.runs[r].status(id)
		if !rs.isCertain(id) {
			v = v.Cap(procure.VerdictPossible)
		}
		if at == "" || v.Rank() > best.Rank() {
			best, at = v, id
		}
	}
	return best, at
}

// toProcure renders the assessment: verdicts with traces and summaries.
func (sg *Subgraph) toProcure(a *assessment, rs rootSet, withTrace bool) procure.RiskAssessment {
	out := procure.RiskAssessment{AsOf: a.day.String()}
	for _, r := range procure.Regimes {
		rr := a.runs[r]
		v, root := a.verdict(r, rs)
		rv := procure.RegimeVerdict{Regime: r, Verdict: v}
		var steps []procure.RuleStep
		if withTrace {
			for _, id := range rr.hi.order {
				if hasString(rs.all(), id) {
					continue
				}
				steps = append(steps, sg.step(rr, id))
			}
			for _, id := range rs.all() {
				steps = append(steps, sg.step(rr, id))
			}
			// a trace that is only "nobody designated holds anything" adds nothing
			if len(rr.hi.order) == 0 && len(rr.anySet) == 0 {
				steps = nil
			}
			rv.Trace = steps
		}
		rv.Summary = sg.summary(a, r, v, root, rs)
		out.Verdicts = append(out.Verdicts, rv)
	}
	out.Level = sg.levelAt(a, rs, out.Verdicts)
	return out
}

// summary is one hedged sentence about a verdict.
func (sg *Subgraph) summary(a *assessment, r procure.Regime, v procure.Verdict, root string, rs rootSet) string {
	if root == "" {
		return "No register or list record is linked to this supplier, so no rule could be applied."
	}
	n := sg.nodes[root]
	rr := a.runs[r]
	name := n.name()
	if s := a.seeds[root][r]; s != nil {
		pre := "Listed itself"
		if !s.certain {
			pre = "Possibly listed itself"
		}
		if !rs.isCertain(root) {
			pre += " (if the name match to " + name + " is right)"
		}
		return pre + ": " + strings.Join(s.basis, "; ") + "."
	}
	sumLo, ctrlLo := counted(r, rr.lo, rr.pLo[root], lo)
	sumHi, ctrlHi := counted(r, rr.hi, rr.pHi[root], hi)
	sum := shareText(procure.Interval{Min: round2(sumLo), Max: round2(max(sumLo, sumHi))})
	switch v {
	case procure.VerdictYes:
		how := fmt.Sprintf("designated or blocked parties hold %s of %s", sum, name)
		if (ctrlLo || ctrlHi) && r != procure.RegimeOFAC && sumLo <= 50 {
			how = fmt.Sprintf("a designated party (or an entity it owns) controls %s", name)
		}
		return fmt.Sprintf("According to the records, %s (rule: %s): %s would count as owned or controlled by designated parties.", how, ruleTest(r), name)
	case procure.VerdictPossible:
		if !rs.isCertain(root) {
			return fmt.Sprintf("Possibly, if the name match to %s is right: designated parties hold %s of it (rule: %s).", name, sum, ruleTest(r))
		}
		hiText := shareText(procure.Interval{Min: round2(max(sumLo, sumHi)), Max: round2(max(sumLo, sumHi))})
		msg := fmt.Sprintf("Possibly: on the most serious reading of the records (listing dates not published, share ranges, uncertain dates), designated parties hold %s of %s, which meets the rule (%s)", hiText, name, ruleTest(r))
		if sumLo > 0 {
			msg += fmt.Sprintf("; on the certain facts alone, %s", shareText(procure.Interval{Min: round2(sumLo), Max: round2(sumLo)}))
		}
		if ctrlHi && !ctrlLo && r != procure.RegimeOFAC {
			msg += "; a designated party may control it"
		}
		return msg + "."
	}
	if sumHi <= 0 && !ctrlHi {
		return "No designated party holds a share of this supplier that the rule counts, in the records held."
	}
	msg := fmt.Sprintf("Designated parties hold %s of %s, below the threshold (%s).", sum, name, threshold(r))
	if r == procure.RegimeOFAC && (ctrlHi || rr.hi.owned[root]) {
		msg += " Control without ownership does not count under the OFAC rule."
	}
	if r == procure.RegimeUK && sumHi <= 50 {
		if total, _ := counted(procure.RegimeEU, a.runs[procure.RegimeEU].hi, rr.pHi[root], hi); total > 50 {
			msg += " Together different designated persons hold more, but the UK rule does not add different persons' holdings."
		}
	}
	return msg
}

// ruleTest states a rule's test in a few words.
func ruleTest(r procure.Regime) string {
	if r == procure.RegimeOFAC {
		return "≥ 50 % owned, in aggregate, by blocked persons"
	}
	if r == procure.RegimeUK {
		return "> 50 % held by one designated person, or control"
	}
	return "> 50 % owned in aggregate by listed persons, or control"
}

// levelAt is the level of one assessment.
func (sg *Subgraph) levelAt(a *assessment, rs rootSet, vs []procure.RegimeVerdict) procure.RiskLevel {
	level := procure.RiskNone
	raise := func(l procure.RiskLevel) {
		if l.Rank() > level.Rank() {
			level = l
		}
	}
	for _, id := range rs.all() {
		switch a.listed[id] {
		case triYes:
			if rs.isCertain(id) {
				raise(procure.RiskListed)
			} else {
				raise(procure.RiskPossible)
			}
		case triMaybe:
			raise(procure.RiskPossible)
		}
	}
	for _, v := range vs {
		switch v.Verdict {
		case procure.VerdictYes:
			raise(procure.RiskOwned)
		case procure.VerdictPossible:
			raise(procure.RiskPossible)
		}
	}
	if level == procure.RiskNone && sg.linkedAt(a.day, rs) {
		raise(procure.RiskLinked)
	}
	return level
}

// linkedAt reports whether a chain in force on day d leads from a root to a
// party listed that day, or a soft link in force that day leads to one.
func (sg *Subgraph) linkedAt(d day, rs rootSet) bool {
	seen := map[string]bool{}
	var walk func(id string, depth int) bool
	walk = func(id string, depth int) bool {
		if seen[id] || depth > sg.cfg.MaxDepth {
			return false
		}
		seen[id] = true
		n := sg.nodes[id]
		if depth > 0 && n.target() {
			if _, l := sg.seedsAt(n, d, false); l != triNo {
				return true
			}
		}
		for _, e := range append(append([]*edge(nil), n.in...), n.indirect...) {
			if st := e.inForceAt(d); st != triNo && walk(e.owner, depth+1) {
				return true
			}
		}
		return false
	}
	for _, id := range rs.all() {
		if walk(id, 0) {
			return true
		}
	}
	for _, s := range sg.soft {
		if !seen[s.from] {
			continue
		}
		if st, _ := inForce(s.rel.StartDate, s.rel.EndDate, d); st != triNo {
			if _, l := sg.seedsAt(sg.nodes[s.to], d, false); l != triNo {
				return true
			}
		}
	}
	return false
}

// sortedNodes returns node IDs ordered by depth, then name, then ID.
func (sg *Subgraph) sortedNodes(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := sg.nodes[out[i]], sg.nodes[out[j]]
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		if a.name() != b.name() {
			return a.name() < b.name()
		}
		return a.id < b.id
	})
	return out
}
