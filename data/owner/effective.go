package owner

import (
	"math"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Effective-ownership iteration limits. Each sweep is linear in the links;
// shares below 100 % make the iteration converge geometrically, and the
// values are clamped to 100 % so that high bounds on cycles of unknown
// shares cannot grow without end.
const (
	effMaxSweeps = 2000
	effTolerance = 1e-12
)

// holdings is the ownership matrix A of one day and bound, by node index:
// in[i] lists the owners of node i with their share (0..1).
type holdings struct {
	in [][]holding
}

type holding struct {
	owner int
	share float64
}

// matrix builds A from the merged links of a day (control links carry no
// share and add nothing).
func (sg *Subgraph) matrix(pairs map[string][]*pair, b bound) holdings {
	m := holdings{in: make([][]holding, len(sg.order))}
	for i, id := range sg.order {
		for _, p := range pairs[id] {
			if p.owns {
				m.in[i] = append(m.in[i], holding{owner: sg.nodes[p.owner].index, share: b.of(p.share) / 100})
			}
		}
	}
	return m
}

// effective returns the effective (integrated) share of owner x in the
// targets (the largest over them): the sum over every chain x → … → t of
// the product of the ownership shares, solved as the fixed point of
// e = A·e + d so that circular holdings count correctly. The low end uses
// the lowest shares of links certainly in force; the high end the highest
// shares of every link that may be in force.
func (sg *Subgraph) effective(x string, targets []string, mLo, mHi holdings) procure.Interval {
	xi := sg.nodes[x].index
	var ts []int
	for _, t := range targets {
		ts = append(ts, sg.nodes[t].index)
	}
	l := effectiveBound(xi, ts, mLo)
	h := effectiveBound(xi, ts, mHi)
	return procure.Interval{Min: round2(100 * l), Max: round2(100 * math.Max(l, h))}
}

func effectiveBound(x int, targets []int, m holdings) float64 {
	v := make([]float64, len(m.in))
	v[x] = 1
	for sweep := 0; sweep < effMaxSweeps; sweep++ {
		delta := 0.0
		// owners were loaded after their assets: sweeping from the top
		// settles an acyclic chain in one pass
		for i := len(m.in) - 1; i >= 0; i-- {
			if i == x {
				continue
			}
			s := 0.0
			for _, h := range m.in[i] {
				s += h.share * v[h.owner]
			}
			s = math.Min(s, 1)
			delta = math.Max(delta, math.Abs(s-v[i]))
			v[i] = s
		}
		if delta < effTolerance {
			break
		}
	}
	best := 0.0
	for _, t := range targets {
		best = math.Max(best, v[t])
	}
	return best
}
