package testenv

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

// EntitySink is the sink of the entity parsers' tests (data/bods, data/psc,
// data/sanctions, ...): it keeps every entity, relationship and problem it
// receives, in order. Its methods satisfy those packages' Sink interfaces.
type EntitySink struct {
	Entities      []procure.Entity
	Relationships []procure.Relationship
	Problems      []procure.Problem
}

// Entity keeps e.
func (s *EntitySink) Entity(e procure.Entity) error {
	s.Entities = append(s.Entities, e)
	return nil
}

// Relationship keeps r.
func (s *EntitySink) Relationship(r procure.Relationship) error {
	s.Relationships = append(s.Relationships, r)
	return nil
}

// Report keeps p.
func (s *EntitySink) Report(p procure.Problem) { s.Problems = append(s.Problems, p) }

// Codes counts the problems by code.
func (s *EntitySink) Codes() map[string]int {
	m := map[string]int{}
	for _, p := range s.Problems {
		m[p.Code]++
	}
	return m
}

// Errors returns the problems of severity error.
func (s *EntitySink) Errors() []procure.Problem {
	var out []procure.Problem
	for _, p := range s.Problems {
		if p.Severity == procure.SevError {
			out = append(out, p)
		}
	}
	return out
}

// FindEntity returns the entity with the given ID; when it was received
// more than once the last version wins, as in the store. The test fails
// when there is none.
func (s *EntitySink) FindEntity(t testing.TB, id string) procure.Entity {
	t.Helper()
	for i := len(s.Entities) - 1; i >= 0; i-- {
		if s.Entities[i].ID == id {
			return s.Entities[i]
		}
	}
	t.Fatalf("no entity %s", id)
	return procure.Entity{}
}

// FindRelationship returns the first relationship with the given ID. The
// test fails when there is none.
func (s *EntitySink) FindRelationship(t testing.TB, id string) procure.Relationship {
	t.Helper()
	for _, r := range s.Relationships {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no relationship %s", id)
	return procure.Relationship{}
}

// ReadEntityFiles opens each file in turn and passes it, with its path, to
// document, then calls finish, collecting everything both send to the
// returned sink. A file that cannot be opened or an error from document or
// finish fails the test.
func ReadEntityFiles(t testing.TB, document func(ctx context.Context, r io.Reader, path string, s *EntitySink) error,
	finish func(ctx context.Context, s *EntitySink) error, files ...string) *EntitySink {
	t.Helper()
	s := &EntitySink{}
	ctx := context.Background()
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		err = document(ctx, f, name, s)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := finish(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}
