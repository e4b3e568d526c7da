package store

import (
	"context"
	"maps"
	"slices"
	"testing"
)

// schemaIndexes returns the store's indexes, name → definition.
func schemaIndexes(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.w.Query("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'index'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, def string
		if err := rows.Scan(&n, &def); err != nil {
			t.Fatal(err)
		}
		out[n] = def
	}
	return out
}

func deferredMeta(t *testing.T, s *Store) bool {
	t.Helper()
	var n int
	if err := s.w.QueryRow("SELECT count(*) FROM meta WHERE key = ?", metaDeferred).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestDeferredIndexes: an empty store drops exactly the deferrable indexes,
// a batch stored meanwhile is complete once they are built again (Verify,
// query plans by index), and a store that already holds contracts, or has
// them deferred already, is left alone.
func TestDeferredIndexes(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	before := schemaIndexes(t, s)
	for _, n := range deferrable {
		if before[n] == "" {
			t.Fatalf("index %s is not in the schema", n)
		}
	}
	if err := s.RestoreIndexes(ctx); err != nil { // nothing deferred: no-op
		t.Fatal(err)
	}
	ok, err := s.DeferIndexes(ctx)
	if err != nil || !ok {
		t.Fatalf("DeferIndexes on an empty store = %v, %v; want true", ok, err)
	}
	during := schemaIndexes(t, s)
	for n := range before {
		_, kept := during[n]
		if dropped, want := !kept, slices.Contains(deferrable, n); dropped != want {
			t.Errorf("index %s dropped = %v, want %v", n, dropped, want)
		}
	}
	if !deferredMeta(t, s) {
		t.Fatal("no meta record of the deferred indexes")
	}
	if ok, err := s.DeferIndexes(ctx); err != nil || ok {
		t.Fatalf("second DeferIndexes = %v, %v; want false", ok, err)
	}
	g := newBenchGen(5, 10, 40)
	rels, comp, _ := g.batchOf(0, 200, 0)
	if _, err := s.ApplyBatch(ctx, 0, rels, comp); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if after := schemaIndexes(t, s); !maps.Equal(after, before) {
		t.Errorf("indexes after RestoreIndexes differ:\n got %v\nwant %v", after, before)
	}
	if deferredMeta(t, s) {
		t.Error("the meta record of the deferred indexes is still there")
	}
	verify(t, s)
	var n int
	if err := s.r.QueryRow("SELECT count(*) FROM award_suppliers INDEXED BY award_suppliers_supplier WHERE supplier_id > ''").Scan(&n); err != nil || n == 0 {
		t.Errorf("award_suppliers_supplier holds %d entries (%v), want the stored awards'", n, err)
	}
	if ok, err := s.DeferIndexes(ctx); err != nil || ok {
		t.Fatalf("DeferIndexes on a store with contracts = %v, %v; want false", ok, err)
	}
	if got := schemaIndexes(t, s); !maps.Equal(got, before) {
		t.Error("DeferIndexes on a store with contracts changed its indexes")
	}
}

// TestDeferredIndexesAfterCrash: a process that dies between DeferIndexes
// and the end of RestoreIndexes leaves a store that the next Open completes.
func TestDeferredIndexesAfterCrash(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t)
	before := schemaIndexes(t, s)
	if ok, err := s.DeferIndexes(ctx); err != nil || !ok {
		t.Fatalf("DeferIndexes = %v, %v", ok, err)
	}
	g := newBenchGen(6, 10, 40)
	rels, comp, _ := g.batchOf(0, 100, 0)
	if _, err := s.ApplyBatch(ctx, 0, rels, comp); err != nil {
		t.Fatal(err)
	}
	// The crash came after the first index was built again.
	if _, err := s.w.Exec(before[deferrable[0]]); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := schemaIndexes(t, s2); !maps.Equal(got, before) {
		t.Errorf("indexes after reopening differ:\n got %v\nwant %v", got, before)
	}
	if deferredMeta(t, s2) {
		t.Error("the meta record of the deferred indexes survived the reopen")
	}
	verify(t, s2)
}
