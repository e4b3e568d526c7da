package owner

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// eps absorbs floating-point noise in share sums (25 + 25 must reach 50).
const eps = 1e-9

// bound selects the low or the high end of every interval.
type bound int

const (
	lo bound = iota
	hi
)

func (b bound) of(iv procure.Interval) float64 {
	if b == lo {
		return iv.Min
	}
	return iv.Max
}

// pair is every link from one owner to one asset in force on a day, merged.
type pair struct {
	owner    string
	share    procure.Interval // merged share of the ownership links
	owns     bool             // at least one ownership link
	control  bool             // at least one link conferring control
	conflict bool             // the ownership links disagree (no common value)
	edges    []*edge
}

// pairsAt groups the links in force on day d by owner, for each asset. For
// the low bound only links certainly in force count; for the high bound
// also those that may be (partial or unreadable dates). Several links
// between the same two parties describe one holding (successive or
// concurrent filings), so they are never added: their shares are
// intersected, or, when they have no value in common, spanned.
func (sg *Subgraph) pairsAt(d day, b bound) map[string][]*pair {
	out := map[string][]*pair{}
	for _, id := range sg.order {
		n := sg.nodes[id]
		byOwner := map[string]*pair{}
		var owners []string
		for _, e := range n.in {
			st := e.inForceAt(d)
			if st == triNo || (b == lo && st == triMaybe) {
				continue
			}
			p := byOwner[e.owner]
			if p == nil {
				p = &pair{owner: e.owner}
				byOwner[e.owner] = p
				owners = append(owners, e.owner)
			}
			p.edges = append(p.edges, e)
			if e.control() {
				p.control = true
			}
			if !e.owns() {
				continue
			}
			if !p.owns {
				p.owns, p.share = true, e.share
				continue
			}
			ilo, ihi := math.Max(p.share.Min, e.share.Min), math.Min(p.share.Max, e.share.Max)
			if ilo <= ihi+eps {
				p.share = procure.Interval{Min: ilo, Max: math.Max(ilo, ihi)}
			} else {
				p.conflict = true
				p.share = procure.Interval{Min: math.Min(p.share.Min, e.share.Min), Max: math.Max(p.share.Max, e.share.Max)}
			}
		}
		sort.Strings(owners)
		for _, o := range owners {
			out[id] = append(out[id], byOwner[o])
		}
	}
	return out
}

// derivation is the fixed point of one rule on one bound.
type derivation struct {
	owned map[string]bool
	order []string // derived nodes in the order the rule reached them
	// persons (UK) are the designated persons each node is attributed to.
	persons map[string]map[string]bool
}

// derive runs one regime's rule to its fixed point. The rule is monotone
// (adding an owned owner never removes an owned asset), so iterating until
// nothing changes terminates, whatever cycles the graph holds.
func (sg *Subgraph) derive(r procure.Regime, pairs map[string][]*pair, seeds map[string]bool, b bound) derivation {
	dv := derivation{owned: map[string]bool{}, persons: map[string]map[string]bool{}}
	for id := range seeds {
		dv.owned[id] = true
		dv.persons[id] = map[string]bool{id: true}
	}
	for changed := true; changed; {
		changed = false
		for _, id := range sg.order {
			switch r {
			case procure.RegimeUK:
				// One designated person at a time: holdings attributed to the
				// same person (directly or through entities that person
				// owns) are added; different persons' holdings are not.
				sums := map[string]float64{}
				ctrl := map[string]bool{}
				for _, p := range pairs[id] {
					for person := range dv.persons[p.owner] {
						if p.owns {
							sums[person] += b.of(p.share)
						}
						if p.control {
							ctrl[person] = true
						}
					}
				}
				for person := range unionKeys(sums, ctrl) {
					if dv.persons[id][person] || !(sums[person] > 50+eps || ctrl[person]) {
						continue
					}
					if dv.persons[id] == nil {
						dv.persons[id] = map[string]bool{}
					}
					dv.persons[id][person] = true
					if !dv.owned[id] {
						dv.owned[id] = true
						dv.order = append(dv.order, id)
					}
					changed = true
				}
			default:
				if dv.owned[id] {
					continue
				}
				sum, ctrl := 0.0, false
				for _, p := range pairs[id] {
					if !dv.owned[p.owner] {
						continue
					}
					if p.owns {
						sum += b.of(p.share)
					}
					ctrl = ctrl || p.control
				}
				hit := sum >= 50-eps
				if r == procure.RegimeEU {
					hit = sum > 50+eps || ctrl
				}
				if hit {
					dv.owned[id] = true
					dv.order = append(dv.order, id)
					changed = true
				}
			}
		}
	}
	return dv
}

func unionKeys(a map[string]float64, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// counted returns the share counted for node id under a derivation: the
// sum of the owned owners' shares (OFAC, EU) or the largest sum attributed
// to one person (UK), and whether an owned owner controls it.
func counted(r procure.Regime, dv derivation, pairs []*pair, b bound) (float64, bool) {
	if r == procure.RegimeUK {
		sums := map[string]float64{}
		ctrl := false
		for _, p := range pairs {
			for person := range dv.persons[p.owner] {
				if p.owns {
					sums[person] += b.of(p.share)
				}
				ctrl = ctrl || p.control
			}
		}
		best := 0.0
		for _, v := range sums {
			best = math.Max(best, v)
		}
		return best, ctrl
	}
	sum, ctrl := 0.0, false
	for _, p := range pairs {
		if dv.owned[p.owner] {
			if p.owns {
				sum += b.of(p.share)
			}
			ctrl = ctrl || p.control
		}
	}
	return sum, ctrl
}

// ruleRun is one regime evaluated on both bounds on one day.
type ruleRun struct {
	regime     procure.Regime
	lo, hi     derivation
	pLo, pHi   map[string][]*pair
	seeds      map[string]map[procure.Regime]*seed
	certainSet map[string]bool
	anySet     map[string]bool
}

func threshold(r procure.Regime) string {
	if r == procure.RegimeOFAC {
		return "≥ 50 %"
	}
	return "> 50 %"
}

// status of a node under the run: yes (low bound), possible (high bound),
// no.
func (rr *ruleRun) status(id string) procure.Verdict {
	switch {
	case rr.lo.owned[id]:
		return procure.VerdictYes
	case rr.hi.owned[id]:
		return procure.VerdictPossible
	}
	return procure.VerdictNo
}

// step describes how the rule treated one node.
func (sg *Subgraph) step(rr *ruleRun, id string) procure.RuleStep {
	n := sg.nodes[id]
	st := procure.RuleStep{Entity: id, Name: n.name(), Threshold: threshold(rr.regime), Result: rr.status(id)}
	if s := rr.seeds[id][rr.regime]; s != nil {
		st.Reason = "Designated: " + strings.Join(s.basis, "; ") + "."
		if !s.certain {
			st.Reason = "Possibly designated: " + strings.Join(s.basis, "; ") + "."
		}
		return st
	}
	sumLo, ctrlLo := counted(rr.regime, rr.lo, rr.pLo[id], lo)
	sumHi, ctrlHi := counted(rr.regime, rr.hi, rr.pHi[id], hi)
	st.Sum = procure.Interval{Min: round2(sumLo), Max: round2(math.Max(sumHi, sumLo))}
	st.Control = ctrlLo || ctrlHi
	for _, p := range rr.pHi[id] {
		if !rr.hi.owned[p.owner] || (rr.regime == procure.RegimeOFAC && !p.owns) {
			continue
		}
		o := sg.nodes[p.owner]
		ow := procure.RuleOwner{Entity: p.owner, Name: o.name(), Share: p.share, Control: p.control && rr.regime != procure.RegimeOFAC}
		if !p.owns {
			ow.Share = procure.Interval{}
		}
		switch s := rr.seeds[p.owner][rr.regime]; {
		case s != nil && s.certain:
			ow.Basis = "designated: " + strings.Join(s.basis, "; ")
		case s != nil:
			ow.Basis = "possibly designated: " + strings.Join(s.basis, "; ")
		case rr.lo.owned[p.owner]:
			ow.Basis = "owned by designated parties under this rule (see its step)"
		default:
			ow.Basis = "possibly owned by designated parties under this rule (see its step)"
		}
		if rr.regime == procure.RegimeUK {
			var ps []string
			for person := range rr.hi.persons[p.owner] {
				ps = append(ps, sg.nodes[person].name())
			}
			sort.Strings(ps)
			ow.Person = strings.Join(ps, ", ")
		}
		st.Owners = append(st.Owners, ow)
	}
	st.Reason = sg.stepReason(rr, st)
	return st
}

func (sg *Subgraph) stepReason(rr *ruleRun, st procure.RuleStep) string {
	sum := shareText(st.Sum)
	what := "designated or blocked parties hold"
	switch rr.regime {
	case procure.RegimeEU:
		what = "listed parties (and entities they own or control) hold in aggregate"
	case procure.RegimeUK:
		what = "the largest holding attributed to one designated person is"
	}
	if len(st.Owners) == 0 {
		return "No designated party holds a share the rule counts."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (threshold %s)", upperFirst(what), sum, st.Threshold)
	if st.Control && rr.regime != procure.RegimeOFAC {
		b.WriteString("; a designated party has control, which this rule counts")
	}
	switch st.Result {
	case procure.VerdictYes:
		b.WriteString(": counts as owned or controlled by designated parties.")
	case procure.VerdictPossible:
		b.WriteString(": reaches the threshold only with the highest shares, or designations, the records allow.")
	default:
		b.WriteString(": below the threshold.")
		if rr.regime == procure.RegimeOFAC && st.Control {
			b.WriteString(" Control without ownership does not count under the OFAC rule.")
		}
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// shareText formats a share interval: "75 %", "25–50 %", "unknown (0–100 %)".
func shareText(iv procure.Interval) string {
	if iv.Min <= 0 && iv.Max >= 100 {
		return "an unknown share (0–100 %)"
	}
	if math.Abs(iv.Max-iv.Min) < 0.005 {
		return trimNum(iv.Min) + " %"
	}
	return trimNum(iv.Min) + "–" + trimNum(iv.Max) + " %"
}

func trimNum(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
