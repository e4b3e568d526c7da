package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

func ent(id, name string, ids ...string) procure.Entity {
	e := procure.Entity{ID: id, Kind: procure.EntityCompany, Name: name,
		Provenance: procure.Provenance{Source: "test", Dataset: "t", RecordID: id, SHA256: "x", RetrievedAt: time.Now()}}
	for _, q := range ids {
		s, v, _ := splitQualified(q)
		e.Identifiers = append(e.Identifiers, procure.Identifier{Scheme: s, ID: v})
	}
	return e
}

func rel(id string, kind procure.RelationKind, owner, asset string, lo, hi float64) procure.Relationship {
	return procure.Relationship{ID: id, Kind: kind, Owner: owner, Asset: asset, Share: procure.Interval{Min: lo, Max: hi},
		Provenance: procure.Provenance{Source: "test", RecordID: id, RetrievedAt: time.Now()}}
}

func applyE(t *testing.T, s *Store, es []procure.Entity, rs []procure.Relationship) EntityBatchResult {
	t.Helper()
	res, err := s.ApplyEntities(context.Background(), 0, es, rs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func clusterOf(t *testing.T, s *Store, id string) []string {
	t.Helper()
	c, err := s.Cluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func relIDs(rs []procure.Relationship) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestApplyEntitiesIdempotent(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	es := []procure.Entity{ent("a:1", "Acme Ltd", "GB-COH-123"), ent("b:1", "Beta LLC")}
	rs := []procure.Relationship{rel("r:1", procure.RelOwnership, "b:1", "a:1", 25, 50)}
	res := applyE(t, s, es, rs)
	if res.EntitiesStored != 2 || res.RelationshipsStored != 1 || res.Stored != 3 || res.Unchanged != 0 {
		t.Fatalf("first import %+v", res)
	}
	// The same records again, read later from another file: unchanged.
	es2 := append([]procure.Entity(nil), es...)
	for i := range es2 {
		es2[i].Provenance.RetrievedAt = time.Now().Add(time.Hour)
		es2[i].Provenance.URL = "/elsewhere.json"
		es2[i].Provenance.Location.Line = 99
	}
	res = applyE(t, s, es2, rs)
	if res.Stored != 0 || res.Unchanged != 3 {
		t.Fatalf("re-import %+v", res)
	}
	// A changed record replaces the current version; both versions are kept.
	es2[0].Name = "Acme Limited"
	es2[0].Provenance.SHA256 = "y"
	res = applyE(t, s, es2[:1], nil)
	if res.EntitiesStored != 1 {
		t.Fatalf("change %+v", res)
	}
	e, err := s.Entity(ctx, "a:1")
	if err != nil || e.Name != "Acme Limited" {
		t.Fatalf("Entity = %+v, %v", e, err)
	}
	var versions int
	s.r.QueryRow("SELECT count(*) FROM entity_versions WHERE id = 'a:1'").Scan(&versions)
	if versions != 2 {
		t.Errorf("%d versions kept; want 2", versions)
	}
	if _, err := s.Entity(ctx, "nope"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("missing entity: %v", err)
	}
	n, m, err := s.EntityCounts(ctx)
	if err != nil || n != 2 || m != 1 {
		t.Errorf("EntityCounts = %d, %d, %v", n, m, err)
	}
}

func TestApplyEntitiesRefusesInvalid(t *testing.T) {
	s, _ := openTest(t)
	bad := []procure.Relationship{
		rel("", procure.RelOwnership, "a", "b", 0, 100),
		rel("r1", procure.RelOwnership, "a", "", 0, 100),
		rel("r2", "owns", "a", "b", 0, 100),
		rel("r3", procure.RelOwnership, "a", "b", 60, 50),
		rel("r4", procure.RelOwnership, "a", "b", -1, 50),
		rel("r5", procure.RelOwnership, "", "b", 0, 100),
	}
	res := applyE(t, s, []procure.Entity{{ID: "", Kind: "company"}, {ID: "x", Name: "no kind"}}, bad)
	if res.Stored != 0 || len(res.Problems) != 8 {
		t.Fatalf("%+v", res)
	}
	for _, p := range res.Problems {
		if p.Severity != procure.SevError {
			t.Errorf("problem %+v is not an error", p)
		}
	}
	ok := rel("r6", procure.RelOwnership, "", "b", 0, 100)
	ok.UnspecifiedOwner = "unknown"
	if res := applyE(t, s, nil, []procure.Relationship{ok}); res.Stored != 1 {
		t.Errorf("unspecified owner refused: %+v", res)
	}
}

func TestClusters(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	applyE(t, s, []procure.Entity{
		ent("ftm:kal", "JSC Kalashnikov Concern", "RU-OGRN-1111832003018", "RU-INN-1832090230"),
		ent("ofac:16911", "KALASHNIKOV CONCERN", "RU-OGRN-1111832003018"),
		ent("eu:8174", "Kalashnikov", "RU-INN-1832090230"),
		ent("x:other", "Other", "RU-REG-1111832003018"), // weak: never clusters
	}, nil)
	want := []string{"eu:8174", "ftm:kal", "ofac:16911"}
	for _, id := range want {
		if got := clusterOf(t, s, id); !reflect.DeepEqual(got, want) {
			t.Errorf("Cluster(%s) = %v; want %v", id, got, want)
		}
	}
	if got := clusterOf(t, s, "x:other"); !reflect.DeepEqual(got, []string{"x:other"}) {
		t.Errorf("weak identifier clustered: %v", got)
	}
	// Removing the shared INN splits eu:8174 off; the others stay together.
	e := ent("eu:8174", "Kalashnikov")
	applyE(t, s, []procure.Entity{e}, nil)
	if got := clusterOf(t, s, "eu:8174"); !reflect.DeepEqual(got, []string{"eu:8174"}) {
		t.Errorf("after split: %v", got)
	}
	if got := clusterOf(t, s, "ofac:16911"); !reflect.DeepEqual(got, []string{"ftm:kal", "ofac:16911"}) {
		t.Errorf("after split: %v", got)
	}
	// Removing the link between the last two splits them too.
	applyE(t, s, []procure.Entity{ent("ftm:kal", "JSC Kalashnikov Concern", "RU-INN-1832090230")}, nil)
	if got := clusterOf(t, s, "ofac:16911"); !reflect.DeepEqual(got, []string{"ofac:16911"}) {
		t.Errorf("after second split: %v", got)
	}
	if _, err := s.Cluster(ctx, "nope"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("Cluster of a missing entity: %v", err)
	}
	// A chain through several identifiers is one cluster, whatever the order.
	applyE(t, s, []procure.Entity{ent("c:3", "C", "XI-LEI-X3", "US-UEI-U1")}, nil)
	applyE(t, s, []procure.Entity{ent("c:1", "A", "XI-LEI-X1")}, nil)
	applyE(t, s, []procure.Entity{ent("c:2", "B", "XI-LEI-X1", "US-SAM-U1")}, nil) // US-SAM is US-UEI
	if got := clusterOf(t, s, "c:3"); !reflect.DeepEqual(got, []string{"c:1", "c:2", "c:3"}) {
		t.Errorf("chain: %v", got)
	}
}

func TestIdentifierTooCommon(t *testing.T) {
	s, _ := openTest(t)
	var es []procure.Entity
	for i := 0; i <= maxIdentifierHolders; i++ {
		es = append(es, ent(fmt.Sprintf("p:%03d", i), "Placeholder", "XI-LEI-0000"))
	}
	res := applyE(t, s, es, nil)
	warned := false
	for _, p := range res.Problems {
		warned = warned || p.Code == "identifier-too-common"
	}
	if !warned {
		t.Error("no warning for an identifier held by too many records")
	}
	if got := clusterOf(t, s, "p:000"); len(got) != 1 {
		t.Errorf("placeholder identifier clustered %d records", len(got))
	}
}

func TestEntitiesByIdentifier(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	applyE(t, s, []procure.Entity{
		ent("a", "AIMIA HOLDINGS UK LIMITED", "GB-COH-06436883"),
		ent("b", "Sam", "US-SAM-M52TNV23BGX4"),
		ent("c", "Reg", "DE-REG-HRB1234"),
		ent("d", "OC", "XI-OC-US-DE-12345"),
	}, nil)
	for q, want := range map[string]string{
		"GB-COH-6436883": "a", "gb-coh-06436883": "a", "US-UEI-M52TNV23BGX4": "b", "US-SAM-M52TNV23BGX4": "b",
		"DE-REG-HRB 1234": "c", "XI-OC-US-DE-12345": "d",
	} {
		es, err := s.EntitiesByIdentifier(ctx, q)
		if err != nil || len(es) != 1 || es[0].ID != want {
			t.Errorf("EntitiesByIdentifier(%q) = %v, %v; want %s", q, es, err, want)
		}
	}
	if es, err := s.EntitiesByIdentifier(ctx, "RU-INN-1"); err != nil || len(es) != 0 {
		t.Errorf("unknown identifier: %v, %v", es, err)
	}
	if _, err := s.EntitiesByIdentifier(ctx, "nonsense"); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("not an identifier: %v", err)
	}
}

func TestGraphReads(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	unspec := rel("r:unspec", procure.RelOwnership, "", "co:1", 0, 100)
	unspec.UnspecifiedOwner = "unknown"
	applyE(t, s, []procure.Entity{
		ent("co:1", "Supplier Ltd", "GB-COH-1"), ent("co:1b", "Supplier Limited", "GB-COH-1"),
		ent("p:1", "Owner Person"), ent("h:1", "Holding", "RU-INN-5920040846"), ent("h:2", "Holding too", "RU-INN-5920040846"),
	}, []procure.Relationship{
		rel("r:1", procure.RelOwnership, "h:1", "co:1", 50, 50),
		rel("r:2", procure.RelControl, "p:1", "co:1b", 0, 100),
		rel("r:3", procure.RelOwnership, "h:2", "other", 10, 10),
		rel("r:4", procure.RelLinkedTo, "co:1", "x", 0, 100),
		rel("r:5", procure.RelDirectorship, "p:1", "co:1b", 0, 100),
		rel("r:6", procure.RelOwnership, "p:1", "dangling:1", 100, 100),
		unspec,
	})
	owners, err := s.OwnersOf(ctx, "co:1b")
	if err != nil || !reflect.DeepEqual(relIDs(owners), []string{"r:1", "r:2", "r:unspec"}) {
		t.Errorf("OwnersOf = %v, %v", relIDs(owners), err)
	}
	hold, err := s.HoldingsOf(ctx, "h:1")
	if err != nil || !reflect.DeepEqual(relIDs(hold), []string{"r:1", "r:3"}) {
		t.Errorf("HoldingsOf = %v, %v", relIDs(hold), err)
	}
	soft, err := s.SoftLinksOf(ctx, "co:1")
	if err != nil || !reflect.DeepEqual(relIDs(soft), []string{"r:4", "r:5"}) {
		t.Errorf("SoftLinksOf = %v, %v", relIDs(soft), err)
	}
	// A dangling ID is its own cluster.
	owners, err = s.OwnersOf(ctx, "dangling:1")
	if err != nil || !reflect.DeepEqual(relIDs(owners), []string{"r:6"}) {
		t.Errorf("OwnersOf(dangling) = %v, %v", relIDs(owners), err)
	}
	if owners[0].Share != (procure.Interval{Min: 100, Max: 100}) || owners[0].Provenance.RecordID != "r:6" {
		t.Errorf("decoded relationship %+v", owners[0])
	}
}

func TestNameTokens(t *testing.T) {
	for in, want := range map[string][]string{
		"ООО \"ЦСТ\"":                {"ooo", "tsst", "cst"},
		"Захаров Александр":          {"zakharov", "aleksandr", "zaharov"},
		"A-B-C Company S.A. de C.V.": {"abc", "company", "sa", "de", "cv"},
		"Société Générale":           {"societe", "generale"},
		"北京科技有限公司":                   {"北京", "京科", "科技", "技有", "有限", "限公", "公司"},
		"O'Brien & Sons":             {"obrien", "sons"},
		"YUN HO-JIN":                 {"yun", "ho", "jin"},
	} {
		if got := NameTokens(in); !reflect.DeepEqual(got, want) {
			t.Errorf("NameTokens(%q) = %v; want %v", in, got, want)
		}
	}
}

func TestEntityCandidates(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	var es []procure.Entity
	for i := 0; i < 50; i++ {
		es = append(es, ent(fmt.Sprintf("filler:%02d", i), fmt.Sprintf("Generic Trading LLC %d", i)))
	}
	z := ent("os:zakharov", "Alexander Vyacheslavovich ZAKHAROV")
	z.Names = []procure.EntityName{{Name: "Захаров Александр Вячеславович", Kind: "alias"}}
	es = append(es, z, ent("ofac:16911", "KALASHNIKOV CONCERN"), ent("os:kal", "JSC Kalashnikov Concern"), ent("x:cst", "LLC CST"))
	applyE(t, s, es, nil)
	names := func(es []procure.Entity) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	got, err := s.EntityCandidates(ctx, "Kalashnikov Concern JSC", 5)
	if err != nil || len(got) < 2 {
		t.Fatalf("candidates %v, %v", names(got), err)
	}
	top := names(got[:2])
	sort.Strings(top)
	if !reflect.DeepEqual(top, []string{"ofac:16911", "os:kal"}) {
		t.Errorf("Kalashnikov candidates %v", names(got))
	}
	if got, _ := s.EntityCandidates(ctx, "ЗАХАРОВ", 5); len(got) != 1 || got[0].ID != "os:zakharov" {
		t.Errorf("Cyrillic query %v", names(got))
	}
	if got, _ := s.EntityCandidates(ctx, "ООО ЦСТ", 5); len(got) != 1 || got[0].ID != "x:cst" {
		t.Errorf("ООО ЦСТ → %v", names(got))
	}
	// Only common tokens: still bounded by the limit.
	if got, _ := s.EntityCandidates(ctx, "Generic Trading", 7); len(got) != 7 {
		t.Errorf("common tokens gave %d candidates; want 7", len(got))
	}
	if got, _ := s.EntityCandidates(ctx, "   ", 7); len(got) != 0 {
		t.Errorf("empty query gave %v", names(got))
	}
}

func TestEachEntity(t *testing.T) {
	s, _ := openTest(t)
	var es []procure.Entity
	for i := 0; i < entityPage*2+3; i++ {
		es = append(es, ent(fmt.Sprintf("e:%04d", i), "Name"))
	}
	applyE(t, s, es, nil)
	var seen []string
	err := s.EachEntity(context.Background(), func(e procure.Entity) error {
		seen = append(seen, e.ID)
		return nil
	})
	if err != nil || len(seen) != len(es) || !sort.StringsAreSorted(seen) {
		t.Errorf("EachEntity saw %d (sorted %v), %v", len(seen), sort.StringsAreSorted(seen), err)
	}
	stop := errors.New("stop")
	if err := s.EachEntity(context.Background(), func(procure.Entity) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachEntity error: %v", err)
	}
}

func TestApplyEntitiesReadOnly(t *testing.T) {
	s, path := openTest(t)
	applyE(t, s, []procure.Entity{ent("a", "A")}, nil)
	ro, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.ApplyEntities(context.Background(), 0, []procure.Entity{ent("b", "B")}, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only ApplyEntities: %v", err)
	}
	if e, err := ro.Entity(context.Background(), "a"); err != nil || e.Name != "A" {
		t.Errorf("read-only Entity: %+v, %v", e, err)
	}
}
