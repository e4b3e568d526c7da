package sanctions

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// collector is a Sink that keeps everything.
type collector struct {
	es       []procure.Entity
	rs       []procure.Relationship
	problems []procure.Problem
}

func (c *collector) Entity(e procure.Entity) error             { c.es = append(c.es, e); return nil }
func (c *collector) Relationship(r procure.Relationship) error { c.rs = append(c.rs, r); return nil }
func (c *collector) Report(p procure.Problem)                  { c.problems = append(c.problems, p) }

func (c *collector) entity(t testing.TB, id string) procure.Entity {
	t.Helper()
	for _, e := range c.es {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entity %s", id)
	return procure.Entity{}
}

func (c *collector) codes() map[string]int {
	m := map[string]int{}
	for _, p := range c.problems {
		m[p.Code]++
	}
	return m
}

func (c *collector) errors() []procure.Problem {
	var out []procure.Problem
	for _, p := range c.problems {
		if p.Severity == procure.SevError {
			out = append(out, p)
		}
	}
	return out
}

var retrieved = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// run feeds files to a parser's Document and Finish.
func run(t testing.TB, doc func(ctx context.Context, f *os.File, d Doc, s Sink) error, finish func(ctx context.Context, s Sink) error, files ...string) *collector {
	t.Helper()
	c := &collector{}
	ctx := context.Background()
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		err = doc(ctx, f, Doc{Source: "test", URL: name, RetrievedAt: retrieved}, c)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
	}
	if err := finish(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func hasIdentifier(e procure.Entity, q string) bool {
	for _, id := range e.Identifiers {
		if id.Qualified() == q {
			return true
		}
	}
	return false
}
