package ingest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// riskFake is an in-memory RiskStore: entities clustered by identifier,
// suppliers with awards, and the saved results.
type riskFake struct {
	mu        sync.Mutex
	ents      map[string]procure.Entity
	rels      []procure.Relationship
	parties   map[string]procure.Party
	awards    map[string][]procure.RiskAward
	changed   map[string]int64 // supplier → contracts mark when last changed
	contracts int64
	entities  int64
	meta      map[string]string
	saved     map[string]procure.RiskRecord
	saves     int
	failSave  error
}

func newRiskFake() *riskFake {
	return &riskFake{ents: map[string]procure.Entity{}, parties: map[string]procure.Party{}, awards: map[string][]procure.RiskAward{},
		changed: map[string]int64{}, meta: map[string]string{}, saved: map[string]procure.RiskRecord{}}
}

func (f *riskFake) supplier(p procure.Party, awards ...procure.RiskAward) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contracts++
	f.parties[p.ID] = p
	f.awards[p.ID] = awards
	f.changed[p.ID] = f.contracts
}

func (f *riskFake) entity(es ...procure.Entity) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entities++
	for _, e := range es {
		f.ents[e.ID] = e
	}
}

func (f *riskFake) link(rs ...procure.Relationship) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entities++
	for _, r := range rs {
		r.ID = fmt.Sprintf("rel%d", len(f.rels)+1)
		f.rels = append(f.rels, r)
	}
}

func (f *riskFake) Entity(_ context.Context, id string) (procure.Entity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.ents[id]
	if !ok {
		return e, procure.ErrNotFound
	}
	return e, nil
}

func (f *riskFake) Cluster(_ context.Context, id string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []string{id}
	e := f.ents[id]
	for oid, o := range f.ents {
		if oid == id {
			continue
		}
		for _, a := range e.Identifiers {
			for _, b := range o.Identifiers {
				if a.Qualified() == b.Qualified() && !hasStr(out, oid) {
					out = append(out, oid)
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func (f *riskFake) OwnersOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	members, _ := f.Cluster(ctx, id)
	var out []procure.Relationship
	for _, r := range f.rels {
		if !r.Kind.Soft() && hasStr(members, r.Asset) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *riskFake) SoftLinksOf(ctx context.Context, id string) ([]procure.Relationship, error) {
	members, _ := f.Cluster(ctx, id)
	var out []procure.Relationship
	for _, r := range f.rels {
		if r.Kind.Soft() && (hasStr(members, r.Asset) || hasStr(members, r.Owner)) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *riskFake) EntitiesByIdentifier(_ context.Context, q string) ([]procure.Entity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []procure.Entity
	for _, e := range f.ents {
		for _, i := range e.Identifiers {
			if i.Qualified() == q {
				out = append(out, e)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (f *riskFake) EntityCandidates(_ context.Context, name string, limit int) ([]procure.Entity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []procure.Entity
	first := strings.ToLower(strings.Fields(name + " x")[0])
	for _, e := range f.ents {
		if strings.Contains(strings.ToLower(e.Name), first) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (f *riskFake) EachSupplier(ctx context.Context, fn func(procure.Party) error) error {
	f.mu.Lock()
	var ids []string
	for id := range f.parties {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	sort.Strings(ids)
	for _, id := range ids {
		if err := fn(f.parties[id]); err != nil {
			return err
		}
	}
	return nil
}

func (f *riskFake) SupplierParty(_ context.Context, id string) (procure.Party, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.parties[id]
	if !ok {
		return p, procure.ErrNotFound
	}
	return p, nil
}

func (f *riskFake) SuppliersChangedSince(_ context.Context, since int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for id, m := range f.changed {
		if m > since {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (f *riskFake) SupplierAwards(_ context.Context, id string) ([]procure.RiskAward, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]procure.RiskAward(nil), f.awards[id]...), nil
}

func (f *riskFake) RiskMarks(context.Context) (int64, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.contracts, f.entities, nil
}

func (f *riskFake) SaveRisk(_ context.Context, recs []procure.RiskRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSave != nil {
		return f.failSave
	}
	f.saves++
	for _, r := range recs {
		f.saved[r.Dossier.Supplier.ID] = r
	}
	return nil
}

func (f *riskFake) PruneRisk(context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for id := range f.saved {
		if _, ok := f.parties[id]; !ok {
			delete(f.saved, id)
			n++
		}
	}
	return n, nil
}

func (f *riskFake) Meta(_ context.Context, k string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.meta[k], nil
}

func (f *riskFake) SetMeta(_ context.Context, k, v string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meta[k] = v
	return nil
}

func usd(n int64) procure.Money {
	return procure.Money{Amount: procure.DecimalFromInt(n), Currency: "USD"}
}

func riskAward(ocid string, bt procure.BuyerType, date string, v procure.Money) procure.RiskAward {
	d, _ := time.Parse("2006-01-02", date)
	return procure.RiskAward{OCID: ocid, AwardID: "1", Buyer: procure.PartyRef{ID: "B-" + string(bt), Name: "Buyer " + string(bt)}, BuyerType: bt,
		Date: d, Value: v, HasValue: true, Counted: true}
}

// nameMatch is a stand-in for data/match: equal names (case-insensitive)
// score 0.9, others 0.1.
func nameMatch(a, b procure.Entity) procure.MatchResult {
	if strings.EqualFold(a.Name, b.Name) {
		return procure.MatchResult{Score: 0.9, Match: true, Features: []procure.MatchFeature{{Feature: "name", Score: 0.9, Detail: a.Name + " = " + b.Name}}}
	}
	return procure.MatchResult{Score: 0.1, Features: []procure.MatchFeature{{Feature: "name", Score: 0.1, Detail: "different"}}}
}

func riskWorld() *riskFake {
	f := newRiskFake()
	coh := procure.Identifier{Scheme: "GB-COH", ID: "99417723"}
	f.entity(
		procure.Entity{ID: "bods:aprok", Kind: procure.EntityCompany, Name: "APROK VISION SYSTEMS LIMITED", Identifiers: []procure.Identifier{coh}, Jurisdiction: "GB"},
		procure.Entity{ID: "bods:holding", Kind: procure.EntityCompany, Name: "Kestrelmoor Holdings Limited", Jurisdiction: "HK"},
		procure.Entity{ID: "list:top", Kind: procure.EntityCompany, Name: "Korea Pyolbit", Listings: []procure.Listing{{List: "OFAC SDN", ListedOn: "2020-01-01", Reference: "1"}}},
		procure.Entity{ID: "list:other", Kind: procure.EntityCompany, Name: "Harmless Widgets Ltd", Listings: []procure.Listing{{List: "OFAC SDN", ListedOn: "2020-01-01", Reference: "2"}}},
	)
	f.link(
		procure.Relationship{Kind: procure.RelOwnership, Owner: "bods:holding", Asset: "bods:aprok", Share: procure.Interval{Min: 75, Max: 100}},
		procure.Relationship{Kind: procure.RelOwnership, Owner: "list:top", Asset: "bods:holding", Share: procure.Interval{Min: 60, Max: 60}},
	)
	f.supplier(procure.Party{ID: "GB-COH-99417723", Name: "Aprok Vision Systems Ltd", Scheme: "GB-COH", Identifier: "99417723", Country: "GB"},
		riskAward("o1", procure.BuyerEducation, "2023-01-10", usd(1000)), riskAward("o2", procure.BuyerPolice, "2024-01-10", usd(500)))
	f.supplier(procure.Party{ID: "demo~harmless-widgets-ltd", Name: "Harmless Widgets Ltd", Country: "US"},
		riskAward("o3", procure.BuyerPolice, "2024-02-10", usd(70)))
	f.supplier(procure.Party{ID: "demo~clean-co", Name: "Clean Co"}, riskAward("o4", procure.BuyerHealth, "2024-03-10", usd(5)))
	return f
}

func newTestRiskJob(t *testing.T, f *riskFake, now *time.Time) *RiskJob {
	t.Helper()
	j, err := NewRiskJob(RiskConfig{Store: f, Match: nameMatch, Workers: 3, BatchSize: 2, Clock: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestRiskUpdate(t *testing.T) {
	ctx := context.Background()
	f := riskWorld()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	j := newTestRiskJob(t, f, &now)

	rep, err := j.Update(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Full || rep.Suppliers != 3 || rep.Linked != 2 || rep.Flagged != 2 {
		t.Fatalf("first update %+v", rep)
	}
	aprok := f.saved["GB-COH-99417723"]
	d := aprok.Dossier
	if d.Level != procure.RiskOwned || len(d.Links) != 1 || !d.Links[0].Certain || d.Links[0].Method != "identifier" {
		t.Fatalf("aprok dossier level %s links %+v", d.Level, d.Links)
	}
	if len(d.Paths) != 1 || strings.Join(d.Paths[0].Nodes, ">") != "bods:aprok>bods:holding>list:top" {
		t.Errorf("paths %+v", d.Paths)
	}
	if len(aprok.Exposure) != 2 || aprok.Exposure[0].BuyerType != procure.BuyerEducation || aprok.Exposure[0].Amount.Amount.String() != "1000.00" {
		t.Errorf("exposure %+v", aprok.Exposure)
	}
	if s := aprok.Summary; s.Level != procure.RiskOwned || len(s.Listed) != 1 || s.Listed[0] != "Korea Pyolbit" ||
		len(s.BuyerTypes) != 2 || len(s.Verdicts) != 3 || s.Verdicts[0].Trace != nil {
		t.Errorf("summary %+v", s)
	}
	harmless := f.saved["demo~harmless-widgets-ltd"].Dossier
	if harmless.Level != procure.RiskPossible || len(harmless.Links) != 1 || harmless.Links[0].Certain || harmless.Links[0].Match.Score != 0.9 {
		t.Errorf("name-matched supplier: level %s links %+v", harmless.Level, harmless.Links)
	}
	if clean := f.saved["demo~clean-co"].Dossier; clean.Level != procure.RiskNone || !clean.Checked {
		t.Errorf("clean %+v", clean)
	}

	// nothing changed
	f.saves = 0
	rep, err = j.Update(ctx)
	if err != nil || rep.Suppliers != 0 || rep.Reason != "" || f.saves != 0 {
		t.Fatalf("idle update %+v %v (saves %d)", rep, err, f.saves)
	}

	// one supplier's contracts changed
	f.supplier(procure.Party{ID: "demo~clean-co", Name: "Clean Co"}, riskAward("o4", procure.BuyerHealth, "2024-03-10", usd(5)), riskAward("o5", procure.BuyerHealth, "2024-04-10", usd(6)))
	rep, err = j.Update(ctx)
	if err != nil || rep.Full || rep.Suppliers != 1 {
		t.Fatalf("incremental update %+v %v", rep, err)
	}
	if e := f.saved["demo~clean-co"].Dossier.Exposure; len(e) != 1 || e[0].Amount.String() != "11.00" {
		t.Errorf("exposure after change %+v", e)
	}

	// entity data changed: everything
	f.entity(procure.Entity{ID: "list:clean", Kind: procure.EntityCompany, Name: "Clean Co", Listings: []procure.Listing{{List: "OFAC SDN", ListedOn: "2021-01-01"}}})
	rep, err = j.Update(ctx)
	if err != nil || !rep.Full || rep.Suppliers != 3 || rep.Flagged != 3 {
		t.Fatalf("entity update %+v %v", rep, err)
	}

	// a new day: everything
	now = now.Add(24 * time.Hour)
	rep, err = j.Update(ctx)
	if err != nil || !rep.Full || !strings.Contains(rep.Reason, "day") {
		t.Fatalf("next day %+v %v", rep, err)
	}
	if got := f.saved["GB-COH-99417723"].Dossier.Today.AsOf; got != "2026-03-02" {
		t.Errorf("as of %s", got)
	}

	// a former supplier is pruned on a full update
	f.mu.Lock()
	delete(f.parties, "demo~clean-co")
	f.mu.Unlock()
	rep, err = j.RecomputeAll(ctx)
	if err != nil || rep.Pruned != 1 || rep.Suppliers != 2 {
		t.Fatalf("recompute %+v %v", rep, err)
	}
}

func TestRiskUpdateFailureKeepsState(t *testing.T) {
	ctx := context.Background()
	f := riskWorld()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	j := newTestRiskJob(t, f, &now)
	f.failSave = errors.New("disk full")
	if _, err := j.Update(ctx); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("update with failing store: %v", err)
	}
	if f.meta[riskStateKey] != "" {
		t.Fatalf("state saved after a failure: %s", f.meta[riskStateKey])
	}
	f.failSave = nil
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := j.Update(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled update: %v", err)
	}
	if f.meta[riskStateKey] != "" {
		t.Fatalf("state saved after cancellation")
	}
	rep, err := j.Update(ctx)
	if err != nil || rep.Suppliers != 3 {
		t.Fatalf("retry %+v %v", rep, err)
	}
}

func TestRiskIdentifierOnlyWithoutMatcher(t *testing.T) {
	f := riskWorld()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	j, err := NewRiskJob(RiskConfig{Store: f, IdentifiersOnly: true, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := j.Update(context.Background())
	if err != nil || rep.Linked != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
}

func TestQualifiedIDs(t *testing.T) {
	for _, tc := range []struct {
		p    procure.Party
		want string
	}{
		{procure.Party{ID: "GB-COH-01234567", Scheme: "GB-COH", Identifier: "1234567"}, "GB-COH-01234567"},
		{procure.Party{ID: "RU-INN-9715374145", Scheme: "RU-INN", Identifier: "9715374145", AdditionalIDs: []string{"RU-OGRN-1207700002212"}}, "RU-INN-9715374145 RU-OGRN-1207700002212"},
		{procure.Party{ID: "pub~acme"}, ""},
	} {
		if got := strings.Join(qualifiedIDs(tc.p), " "); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}
