package owner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// benchGraph is a supplier under a tree of owners: fanout owners per
// entity, depth levels, every seventh owner listed, some links ended, and
// cross-holdings between siblings (cycles).
func benchGraph(fanout, depth int) *memGraph {
	g := newGraph().add(company("S", "Supplier"))
	level := []string{"S"}
	n := 0
	for d := 1; d <= depth; d++ {
		var next []string
		for _, asset := range level {
			for k := 0; k < fanout; k++ {
				n++
				id := fmt.Sprintf("E%d", n)
				e := company(id, fmt.Sprintf("Owner %d", n))
				if n%7 == 0 {
					e = ofac(e)
				}
				g.add(e)
				r := owns(id, asset, float64(100/fanout), float64(100/fanout))
				if n%11 == 0 {
					r.EndDate = "2020-01-01"
				}
				g.link(r)
				if k > 0 {
					g.link(owns(id, next[len(next)-1], 5, 10))
				}
				next = append(next, id)
			}
		}
		level = next
	}
	return g
}

// BenchmarkAnalyze measures one supplier's dossier on a 3-wide, 5-deep
// ownership tree (363 entities, about 600 links) with 20 award dates.
func BenchmarkAnalyze(b *testing.B) {
	g := indexGraph(benchGraph(3, 5))
	var awards []procure.RiskAward
	for i := 0; i < 20; i++ {
		awards = append(awards, procure.RiskAward{OCID: fmt.Sprint(i), Date: time.Date(2015+i/4, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC),
			Value: procure.Money{Amount: procure.DecimalFromInt(100), Currency: "USD"}, HasValue: true, Counted: true})
	}
	in := Input{Supplier: procure.PartyRef{ID: "SUP"}, Links: []procure.SupplierLink{certainLink("S")}, Awards: awards, Today: testToday}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Analyze(context.Background(), g, in, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// indexed is a Graph over maps (the store answers these from indexes), so
// the benchmark measures the analysis, not the fake.
type indexed struct {
	ents   map[string]procure.Entity
	owners map[string][]procure.Relationship
	soft   map[string][]procure.Relationship
}

func indexGraph(g *memGraph) *indexed {
	x := &indexed{ents: g.ents, owners: map[string][]procure.Relationship{}, soft: map[string][]procure.Relationship{}}
	for _, r := range g.rels {
		if r.Kind.Soft() {
			x.soft[r.Owner] = append(x.soft[r.Owner], r)
			x.soft[r.Asset] = append(x.soft[r.Asset], r)
		} else {
			x.owners[r.Asset] = append(x.owners[r.Asset], r)
		}
	}
	return x
}

func (x *indexed) Entity(_ context.Context, id string) (procure.Entity, error) {
	e, ok := x.ents[id]
	if !ok {
		return e, procure.ErrNotFound
	}
	return e, nil
}
func (x *indexed) Cluster(_ context.Context, id string) ([]string, error) { return []string{id}, nil }
func (x *indexed) OwnersOf(_ context.Context, id string) ([]procure.Relationship, error) {
	return x.owners[id], nil
}
func (x *indexed) SoftLinksOf(_ context.Context, id string) ([]procure.Relationship, error) {
	return x.soft[id], nil
}
