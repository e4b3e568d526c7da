package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

func releaseRows(t *testing.T, s *Store, ocid string) (current, all int) {
	t.Helper()
	err := s.r.QueryRow(`SELECT count(*) FILTER (WHERE superseded_by IS NULL), count(*) FROM releases WHERE ocid = ?`, ocid).Scan(&current, &all)
	if err != nil {
		t.Fatal(err)
	}
	return current, all
}

func TestApplyBatchVersions(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	v1 := tRelease{OCID: "ocds-a-1", ID: "r1", Date: day(2021, 3, 1), Title: "School chairs",
		Buyer: &tParty{"GB-LAC-E1", "Town School"}, BuyerType: "education", Country: "GB", Category: "goods",
		Awards: []tAward{{ID: "1", Status: "active", Date: day(2021, 3, 2), Amount: "1200.50", Currency: "GBP", Suppliers: []tParty{{"GB-COH-01", "Acme Ltd"}}}}}

	// New.
	res := apply(t, s, src(t, v1, "feed"))
	if res.Stored != 1 || res.Unchanged != 0 || !slices.Equal(res.Changed, []string{"ocds-a-1"}) || len(res.Problems) != 0 {
		t.Fatalf("first import: %+v", res)
	}
	cd, err := s.Contract(ctx, "ocds-a-1")
	if err != nil {
		t.Fatal(err)
	}
	if cd.Contract.Title != "School chairs" || cd.Contract.Source != "feed" || cd.Contract.ReleaseCount != 1 ||
		!cd.Contract.LastRelease.Equal(day(2021, 3, 1)) || len(cd.Releases) != 1 || cd.Releases[0].ID != "r1" {
		t.Errorf("contract = %+v", cd)
	}
	if ri := cd.Releases[0]; ri.Source != "feed" || ri.URL != "https://example.org/feed/page1" || len(ri.SHA256) != 64 ||
		ri.Version != "1.1" || !slices.Equal(ri.Tag, []string{"award"}) || ri.RetrievedAt.IsZero() {
		t.Errorf("release info = %+v", ri)
	}
	var compiled tRelease
	if err := json.Unmarshal(cd.CompiledRelease, &compiled); err != nil || compiled.Title != "School chairs" {
		t.Errorf("compiled release = %s (%v)", cd.CompiledRelease, err)
	}

	// Identical re-import (even from another source): unchanged, not duplicated, not recompiled.
	res = apply(t, s, src(t, v1, "feed"), src(t, v1, "mirror"))
	if res.Stored != 0 || res.Unchanged != 2 || len(res.Changed) != 0 {
		t.Fatalf("re-import: %+v", res)
	}
	if cur, all := releaseRows(t, s, "ocds-a-1"); cur != 1 || all != 1 {
		t.Errorf("after re-import: %d current of %d rows", cur, all)
	}

	// Changed content for the same release id: new version, old one superseded.
	v2 := v1
	v2.Title = "School chairs and desks"
	res = apply(t, s, src(t, v2, "feed"))
	if res.Stored != 1 || !slices.Equal(res.Changed, []string{"ocds-a-1"}) {
		t.Fatalf("changed: %+v", res)
	}
	if cur, all := releaseRows(t, s, "ocds-a-1"); cur != 1 || all != 2 {
		t.Errorf("after change: %d current of %d rows", cur, all)
	}
	rel, err := s.Release(ctx, "ocds-a-1", "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := src(t, v2, "feed")
	if string(rel.Raw) != string(want.Raw) || rel.SHA256 != want.SHA256 || rel.Package != want.Package ||
		!rel.RetrievedAt.Equal(want.RetrievedAt) || rel.Location != want.Location || !rel.Date.Equal(want.Date) {
		t.Errorf("Release = %+v\nwant %+v", rel, want)
	}
	cd, _ = s.Contract(ctx, "ocds-a-1")
	if cd.Contract.Title != "School chairs and desks" {
		t.Errorf("not recompiled: %q", cd.Contract.Title)
	}

	// The older version received again becomes current again; nothing is duplicated.
	res = apply(t, s, src(t, v1, "feed"))
	if res.Stored != 1 || res.Unchanged != 0 {
		t.Fatalf("reverted: %+v", res)
	}
	if cur, all := releaseRows(t, s, "ocds-a-1"); cur != 1 || all != 2 {
		t.Errorf("after revert: %d current of %d rows", cur, all)
	}
	cd, _ = s.Contract(ctx, "ocds-a-1")
	if cd.Contract.Title != "School chairs" {
		t.Errorf("revert not compiled: %q", cd.Contract.Title)
	}
	if st, _ := s.Stats(ctx); st.Releases != 1 || st.Contracts != 1 {
		t.Errorf("stats %+v", st)
	}
	if _, err := s.Release(ctx, "ocds-a-1", "nope"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("missing release err = %v", err)
	}
	if _, err := s.Contract(ctx, "ocds-nope"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("missing contract err = %v", err)
	}
	verify(t, s)
}

func TestApplyBatchRecompilesFromAllCurrentReleases(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	buyer := &tParty{"B", "City Police"}
	tender := tRelease{OCID: "ocds-m", ID: "tender", Date: day(2020, 1, 1), Title: "Radios", Buyer: buyer, BuyerType: "police"}
	award1 := tRelease{OCID: "ocds-m", ID: "award-1", Date: day(2020, 2, 1),
		Awards: []tAward{{ID: "1", Status: "active", Date: day(2020, 2, 1), Amount: "100", Currency: "USD", Suppliers: []tParty{{"S1", "Radio Co"}}}}}
	award2 := tRelease{OCID: "ocds-m", ID: "award-2", Date: day(2021, 2, 1),
		Awards: []tAward{{ID: "2", Status: "active", Date: day(2021, 2, 1), Amount: "50", Currency: "USD", Suppliers: []tParty{{"S2", "Battery Co"}}}}}
	apply(t, s, src(t, tender, "f"))
	apply(t, s, src(t, award1, "f"))
	// The releases of one ocid arrive in different batches and out of date order.
	res := apply(t, s, src(t, award2, "f"), src(t, award1, "f"))
	if res.Stored != 1 || res.Unchanged != 1 {
		t.Fatalf("%+v", res)
	}
	cd, err := s.Contract(ctx, "ocds-m")
	if err != nil {
		t.Fatal(err)
	}
	c := cd.Contract
	if c.Title != "Radios" || c.Buyer.ID != "B" || len(c.Awards) != 2 || c.ReleaseCount != 3 {
		t.Fatalf("compiled from all releases: %+v", c)
	}
	var ids []string
	for _, r := range cd.Releases {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"award-2", "award-1", "tender"}) {
		t.Errorf("releases newest first = %v", ids)
	}
	ag, err := s.Agency(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	if ag.AwardCount != 2 || ag.ContractCount != 1 || !reflect.DeepEqual(ag.Totals, []procure.Money{money("150", "USD")}) {
		t.Errorf("agency %+v", ag)
	}
	// A changed award replaces the old one in every aggregate.
	award1b := award1
	award1b.Awards = []tAward{{ID: "1", Status: "cancelled", Date: day(2020, 2, 1), Amount: "100", Currency: "USD", Suppliers: []tParty{{"S1", "Radio Co"}}}}
	apply(t, s, src(t, award1b, "f"))
	ag, _ = s.Agency(ctx, "B")
	if !reflect.DeepEqual(ag.Totals, []procure.Money{money("50", "USD")}) || ag.AwardCount != 2 {
		t.Errorf("after cancellation: totals %v awards %d", ag.Totals, ag.AwardCount)
	}
	if len(ag.TopSuppliers) != 1 || ag.TopSuppliers[0].Party.ID != "S2" {
		t.Errorf("top suppliers after cancellation %+v", ag.TopSuppliers)
	}
	sup, err := s.Supplier(ctx, "S1")
	if err != nil {
		t.Fatal(err)
	}
	if len(sup.Totals) != 0 || sup.AwardCount != 1 || len(sup.Awards) != 1 || sup.Awards[0].Counted {
		t.Errorf("supplier with only a cancelled award: %+v", sup)
	}
	verify(t, s)
}

func TestApplyBatchCompileErrorKeepsBatch(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	good := tRelease{OCID: "ocds-g", ID: "1", Date: day(2020, 1, 1), Title: "Good", Buyer: &tParty{"B", "Buyer"}}
	first := tRelease{OCID: "ocds-x", ID: "1", Date: day(2020, 1, 1), Title: "First version", Buyer: &tParty{"B", "Buyer"},
		Awards: []tAward{{ID: "a", Amount: "5", Currency: "EUR", Status: "active", Suppliers: []tParty{{"S", "Sup"}}}}}
	apply(t, s, src(t, first, "f"))

	bad := tRelease{OCID: "ocds-x", ID: "2", Date: day(2020, 2, 1), Title: "Broken", Fail: true}
	panicky := tRelease{OCID: "ocds-p", ID: "1", Date: day(2020, 2, 1), Title: "Panics", Panic: true}
	srBad := src(t, bad, "f")
	srBad.Location = procure.Location{File: "page7.json", Line: 42, Index: 3}
	res := apply(t, s, srBad, src(t, good, "f"), src(t, panicky, "f"))
	if res.Stored != 3 || !slices.Equal(res.Changed, []string{"ocds-g"}) {
		t.Fatalf("result %+v", res)
	}
	if len(res.Problems) != 2 {
		t.Fatalf("problems %+v", res.Problems)
	}
	p := res.Problems[0]
	if p.Severity != procure.SevError || p.Code != CodeCompileFailed || p.OCID != "ocds-x" ||
		p.Location.File != "page7.json" || p.Location.Line != 42 || !strings.Contains(p.Message, errTestCompile.Error()) {
		t.Errorf("problem %+v", p)
	}
	if p := res.Problems[1]; p.OCID != "ocds-p" || !strings.Contains(p.Message, "panic") {
		t.Errorf("panic problem %+v", p)
	}
	// The releases are stored; the previous compiled version stays.
	if cur, _ := releaseRows(t, s, "ocds-x"); cur != 2 {
		t.Errorf("ocds-x has %d current releases; want 2", cur)
	}
	cd, err := s.Contract(ctx, "ocds-x")
	if err != nil || cd.Contract.Title != "First version" || len(cd.Releases) != 2 {
		t.Errorf("previous version not kept: %+v %v", cd.Contract, err)
	}
	if _, err := s.Contract(ctx, "ocds-p"); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("a never-compiled ocid: %v", err)
	}
	if _, err := s.Contract(ctx, "ocds-g"); err != nil {
		t.Error(err)
	}
	if st, _ := s.Stats(ctx); st.Contracts != 2 || st.Releases != 4 {
		t.Errorf("stats %+v", st)
	}
	verify(t, s)

	// A fixed compiler recompiles every process, including one that never compiled.
	var all []string
	if err := s.EachOCID(ctx, func(o string) error { all = append(all, o); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(all, []string{"ocds-g", "ocds-p", "ocds-x"}) {
		t.Fatalf("EachOCID = %v", all)
	}
	fixed := func(ocid string, rels []procure.SourceRelease) (procure.Compiled, error) {
		var clean []procure.SourceRelease
		for _, r := range rels {
			var tr tRelease
			json.Unmarshal(r.Raw, &tr)
			tr.Fail, tr.Panic = false, false
			clean = append(clean, src(t, tr, r.Source))
		}
		return fakeCompile(ocid, clean)
	}
	res, err = s.Recompile(ctx, append(all, "ocds-unknown"), fixed)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Changed, all) || len(res.Problems) != 0 || res.Stored != 0 {
		t.Errorf("recompile: %+v", res)
	}
	if cd, _ := s.Contract(ctx, "ocds-x"); cd.Contract.Title != "Broken" || cd.Contract.ReleaseCount != 2 {
		t.Errorf("recompiled ocds-x: %+v", cd.Contract)
	}
	if _, err := s.Contract(ctx, "ocds-p"); err != nil {
		t.Error(err)
	}
	if st, _ := s.Stats(ctx); st.Contracts != 3 {
		t.Errorf("stats after recompile %+v", st)
	}
	verify(t, s)
}

func TestApplyBatchInvalidReleases(t *testing.T) {
	s, _ := openTest(t)
	ok := src(t, tRelease{OCID: "ocds-1", ID: "1", Date: day(2020, 1, 1)}, "f")
	noOCID := ok
	noOCID.OCID = ""
	noID := ok
	noID.ID = " "
	badJSON := ok
	badJSON.ID = "2"
	badJSON.Raw = []byte(`{"ocid":`)
	wrongSHA := src(t, tRelease{OCID: "ocds-1", ID: "3", Date: day(2020, 1, 2)}, "f")
	wrongSHA.SHA256 = strings.Repeat("0", 64)
	res := apply(t, s, noOCID, noID, badJSON, ok, wrongSHA)
	if res.Stored != 2 || len(res.Problems) != 4 {
		t.Fatalf("%+v", res)
	}
	for _, p := range res.Problems[:3] {
		if p.Severity != procure.SevError || p.Code != CodeInvalidRelease {
			t.Errorf("%+v", p)
		}
	}
	if p := res.Problems[3]; p.Severity != procure.SevWarning || p.Code != CodeSHA256Mismatch {
		t.Errorf("%+v", p)
	}
	rel, err := s.Release(context.Background(), "ocds-1", "3")
	if err != nil || rel.SHA256 == wrongSHA.SHA256 {
		t.Errorf("sha not recomputed: %v %v", rel.SHA256, err)
	}
	if _, err := s.ApplyBatch(context.Background(), 0, nil, nil); !errors.Is(err, procure.ErrInvalid) {
		t.Errorf("nil compile: %v", err)
	}
	if _, err := s.ApplyBatch(context.Background(), 42, []procure.SourceRelease{ok}, fakeCompile); !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("unknown run: %v", err)
	}
}

func TestApplyBatchRollsBackOnFailure(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	rels := []procure.SourceRelease{
		src(t, tRelease{OCID: "ocds-1", ID: "1", Date: day(2020, 1, 1)}, "f"),
		src(t, tRelease{OCID: "ocds-2", ID: "1", Date: day(2020, 1, 1)}, "f"),
	}
	var calls atomic.Int32 // compile runs on several goroutines
	compile := func(ocid string, r []procure.SourceRelease) (procure.Compiled, error) {
		if calls.Add(1) == 2 {
			cancel() // the context dies in the middle of the batch
		}
		return fakeCompile(ocid, r)
	}
	if _, err := s.ApplyBatch(ctx, 0, rels, compile); err == nil {
		t.Fatal("batch with a cancelled context succeeded")
	}
	var n int
	s.r.QueryRow("SELECT count(*) FROM releases").Scan(&n)
	if n != 0 {
		t.Errorf("%d releases of a failed batch were kept", n)
	}
	if st, _ := s.Stats(context.Background()); st.Contracts != 0 || st.Releases != 0 {
		t.Errorf("stats after rollback: %+v", st)
	}
}

func TestRunIDAndProvenanceOrigins(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	id, _ := s.StartRun(ctx, "f", time.Now())
	var rels []procure.SourceRelease
	for i := range 50 {
		r := src(t, tRelease{OCID: fmt.Sprintf("ocds-%d", i%7), ID: strconv.Itoa(i), Date: day(2020, 1, 1+i%28)}, "f")
		r.Location.Index = i
		r.Location.Line = 1 + i*10
		rels = append(rels, r)
	}
	if _, err := s.ApplyBatch(ctx, id, rels, fakeCompile); err != nil {
		t.Fatal(err)
	}
	var origins, withRun int
	s.r.QueryRow("SELECT count(*) FROM release_origins").Scan(&origins)
	s.r.QueryRow("SELECT count(*) FROM releases WHERE run_id = ?", id).Scan(&withRun)
	if origins != 1 || withRun != 50 {
		t.Errorf("origins %d (want 1 shared), releases with run %d", origins, withRun)
	}
	rel, _ := s.Release(ctx, rels[7].OCID, rels[7].ID)
	if rel.Location.Index != 7 || rel.Location.Line != 71 {
		t.Errorf("location %+v", rel.Location)
	}
}

func TestDirtyMarkIndexedEachContract(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	var rels []procure.SourceRelease
	var want []string
	for i := range 600 {
		ocid := fmt.Sprintf("ocds-%04d", i)
		want = append(want, ocid)
		rels = append(rels, src(t, tRelease{OCID: ocid, ID: "1", Date: day(2020, 1, 1), Title: "T" + strconv.Itoa(i)}, "f"))
	}
	apply(t, s, rels[:300]...)
	apply(t, s, rels[300:]...)
	dirty, err := s.DirtyContracts(ctx, 0)
	if err != nil || len(dirty) != 500 || dirty[0].OCID != "ocds-0000" {
		t.Fatalf("DirtyContracts: %d %v", len(dirty), err)
	}
	var ocids []string
	for _, c := range dirty {
		ocids = append(ocids, c.OCID)
	}
	if err := s.MarkIndexed(ctx, ocids); err != nil {
		t.Fatal(err)
	}
	dirty, _ = s.DirtyContracts(ctx, 1000)
	if len(dirty) != 100 || dirty[0].OCID != "ocds-0500" {
		t.Fatalf("after MarkIndexed: %d dirty", len(dirty))
	}
	// A recompile makes a contract dirty again.
	apply(t, s, src(t, tRelease{OCID: "ocds-0001", ID: "2", Date: day(2021, 1, 1)}, "f"))
	dirty, _ = s.DirtyContracts(ctx, 1000)
	if len(dirty) != 101 || dirty[0].OCID != "ocds-0001" || dirty[0].ReleaseCount != 2 {
		t.Fatalf("after recompile: %d dirty, first %+v", len(dirty), dirty[0])
	}
	var got []string
	if err := s.EachContract(ctx, func(c procure.Contract) error { got = append(got, c.OCID); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("EachContract returned %d contracts, first %v", len(got), got[:3])
	}
	stop := errors.New("stop")
	n := 0
	if err := s.EachContract(ctx, func(procure.Contract) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachContract did not stop: %v after %d", err, n)
	}
	if c, _ := s.ContractCount(ctx); c != 600 {
		t.Errorf("ContractCount = %d", c)
	}
	if err := s.MarkAllDirty(ctx); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.DirtyContracts(ctx, 1000); len(d) != 600 {
		t.Errorf("after MarkAllDirty: %d", len(d))
	}
}

func TestContractsByOCID(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	apply(t, s,
		src(t, tRelease{OCID: "ocds-a", ID: "1", Date: day(2020, 1, 1), Title: "First"}, "f"),
		src(t, tRelease{OCID: "ocds-b", ID: "1", Date: day(2020, 1, 2), Title: "Second"}, "f"),
		src(t, tRelease{OCID: "ocds-b", ID: "2", Date: day(2021, 1, 2), Title: "Second, amended"}, "f"))
	got, err := s.ContractsByOCID(ctx, []string{"ocds-b", "no-such", "ocds-a", "ocds-a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["ocds-a"].Title != "First" || got["ocds-b"].Title != "Second, amended" || got["ocds-b"].ReleaseCount != 2 {
		t.Errorf("ContractsByOCID = %+v", got)
	}
	// The summaries are the ones the index is fed.
	dirty, _ := s.DirtyContracts(ctx, 10)
	for _, c := range dirty {
		if !reflect.DeepEqual(c, got[c.OCID]) {
			t.Errorf("%s: ContractsByOCID and DirtyContracts differ:\n%+v\n%+v", c.OCID, got[c.OCID], c)
		}
	}
	if got, err := s.ContractsByOCID(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ocids: %v %v", got, err)
	}
	if _, err := s.ContractsByOCID(ctx, make([]string, MaxContractsByOCID+1)); err == nil {
		t.Error("an unbounded ContractsByOCID was accepted")
	}
}
