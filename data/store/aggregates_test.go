package store

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// model is the test's own account of what was imported: the current
// version of every release, from which it computes the expected totals
// without using any store code.
type model struct {
	rels map[string]map[string]tRelease // ocid -> release id -> current
}

// mAward is one award of a compiled contract as the model sees it.
type mAward struct {
	ocid, id, buyer, buyerType, country, category, currency string
	year                                                    int
	date                                                    time.Time
	counted, hasValue                                       bool
	units                                                   int64
	suppliers                                               []string
}

type mContract struct {
	ocid, buyer, buyerType string
	awards                 []mAward
}

// compiled merges the current releases of every ocid the way the fake
// compiler documents it: date order, later top-level values win, awards by id.
func (m *model) compiled() []mContract {
	var out []mContract
	for ocid, rs := range m.rels {
		var list []tRelease
		for _, r := range rs {
			list = append(list, r)
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].Date.Before(list[j].Date) })
		// Stable sort of a map's values: make ties deterministic by id.
		sort.SliceStable(list, func(i, j int) bool {
			return list[i].Date.Before(list[j].Date) || (list[i].Date.Equal(list[j].Date) && list[i].ID < list[j].ID)
		})
		c := mContract{ocid: ocid}
		var country, category string
		var order []string
		awards := map[string]tAward{}
		for _, r := range list {
			if r.Buyer != nil {
				c.buyer = r.Buyer.ID
			}
			if r.BuyerType != "" {
				c.buyerType = r.BuyerType
			}
			if r.Country != "" {
				country = r.Country
			}
			if r.Category != "" {
				category = r.Category
			}
			for _, a := range r.Awards {
				if _, ok := awards[a.ID]; !ok {
					order = append(order, a.ID)
				}
				awards[a.ID] = a
			}
		}
		var contractDate time.Time
		for _, id := range order {
			if d := awards[id].Date; !d.IsZero() {
				contractDate = d
				break
			}
		}
		if c.buyerType == "" {
			c.buyerType = "other"
		}
		for _, id := range order {
			a := awards[id]
			ma := mAward{ocid: ocid, id: id, buyer: c.buyer, buyerType: c.buyerType, country: country, category: category,
				date: a.Date, counted: a.Status != "cancelled" && a.Status != "unsuccessful", hasValue: a.Amount != ""}
			switch {
			case !a.Date.IsZero():
				ma.year = a.Date.Year()
			case !contractDate.IsZero():
				ma.year = contractDate.Year()
			}
			if ma.hasValue {
				d, err := procure.ParseDecimal(a.Amount)
				if err != nil {
					panic(err)
				}
				ma.units, ma.currency = d.Units(), a.Currency
			}
			seen := map[string]bool{}
			for _, s := range a.Suppliers {
				if !seen[s.ID] {
					seen[s.ID] = true
					ma.suppliers = append(ma.suppliers, s.ID)
				}
			}
			c.awards = append(c.awards, ma)
		}
		out = append(out, c)
	}
	return out
}

// bigTotals sums units per key with math/big.
type bigTotals map[string]*big.Int

func (b bigTotals) add(k string, units int64) {
	if b[k] == nil {
		b[k] = new(big.Int)
	}
	b[k].Add(b[k], big.NewInt(units))
}

func (b bigTotals) money(k, cur string) procure.Money {
	v := b[k]
	if v == nil {
		v = new(big.Int)
	}
	if !v.IsInt64() {
		panic("test totals exceed int64 units")
	}
	return procure.Money{Amount: procure.DecimalFromUnits(v.Int64()), Currency: cur}
}

var (
	tCurrencies = []string{"EUR", "USD", "UAH", ""}
	tStatuses   = []string{"active", "active", "pending", "", "cancelled", "unsuccessful"}
	tTypes      = []string{"education", "police", "health", "other"}
	tCategories = []string{"goods", "works", "services", ""}
)

func randUnits(rng *rand.Rand) int64 {
	switch rng.IntN(20) {
	case 0, 1:
		return -rng.Int64N(5_000_0000) // refunds up to 5,000
	case 2:
		return rng.Int64N(1e15) + 1e14 // 10–110 billion
	case 3:
		return 0
	}
	return rng.Int64N(2_000_000_0000) // up to 2 million, 4 decimals
}

func genRelease(rng *rand.Rand, ocid string, n int, buyers, suppliers int) tRelease {
	b := rng.IntN(buyers)
	r := tRelease{
		OCID: ocid, ID: fmt.Sprintf("r%d", n), Date: time.Date(2018+rng.IntN(6), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), n, 0, 0, time.UTC),
		Title: fmt.Sprintf("Process %s release %d", ocid, n), Buyer: &tParty{fmt.Sprintf("B%02d", b), fmt.Sprintf("Buyer %02d v%d", b, rng.IntN(2))},
		BuyerType: tTypes[b%len(tTypes)], Country: []string{"GB", "UA", "MX"}[b%3], Category: tCategories[rng.IntN(len(tCategories))],
	}
	for k := range rng.IntN(4) {
		a := tAward{ID: fmt.Sprintf("%d", rng.IntN(3)+k), Status: tStatuses[rng.IntN(len(tStatuses))]}
		if rng.IntN(8) != 0 {
			a.Date = r.Date.Add(time.Duration(rng.IntN(1000)) * time.Hour)
		}
		if rng.IntN(10) != 0 {
			a.Amount = procure.DecimalFromUnits(randUnits(rng)).String()
			a.Currency = tCurrencies[rng.IntN(len(tCurrencies))]
		}
		for range rng.IntN(3) {
			s := rng.IntN(suppliers)
			a.Suppliers = append(a.Suppliers, tParty{fmt.Sprintf("S%02d", s), fmt.Sprintf("Supplier %02d", s)})
		}
		r.Awards = append(r.Awards, a)
	}
	return r
}

// TestAggregatesAgainstModel imports random processes in several batches,
// re-imports, changes and reverts some, and checks every read model against
// totals the test computes itself (math/big, to the unit, per currency).
func TestAggregatesAgainstModel(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	rng := rand.New(rand.NewPCG(7, 11))
	m := &model{rels: map[string]map[string]tRelease{}}
	const nOCID, nBuyers, nSuppliers = 250, 12, 40
	var all []tRelease
	for i := range nOCID {
		ocid := fmt.Sprintf("ocds-t-%03d", i)
		for n := range 1 + rng.IntN(3) {
			all = append(all, genRelease(rng, ocid, n, nBuyers, nSuppliers))
		}
	}
	record := func(r tRelease) {
		if m.rels[r.OCID] == nil {
			m.rels[r.OCID] = map[string]tRelease{}
		}
		m.rels[r.OCID][r.ID] = r
	}
	importAll := func(rs []tRelease) {
		for len(rs) > 0 {
			n := min(len(rs), 1+rng.IntN(120))
			var batch []procure.SourceRelease
			for _, r := range rs[:n] {
				batch = append(batch, src(t, r, []string{"alpha", "beta"}[rng.IntN(2)]))
				record(r)
			}
			apply(t, s, batch...)
			rs = rs[n:]
		}
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	importAll(all)
	check(t, s, m, "after first import")

	// Identical re-import: nothing changes.
	res, err := s.ApplyBatch(ctx, 0, func() (b []procure.SourceRelease) {
		for _, r := range all[:100] {
			b = append(b, src(t, r, "alpha"))
		}
		return b
	}(), fakeCompile)
	if err != nil || res.Stored != 0 || res.Unchanged != 100 {
		t.Fatalf("re-import: %+v %v", res, err)
	}

	// New versions of a third of the releases (other amounts, statuses,
	// buyers, suppliers), then some reverted to their first version.
	var changed, reverted []tRelease
	for i, r := range all {
		if i%3 != 0 {
			continue
		}
		n := genRelease(rng, r.OCID, 0, nBuyers, nSuppliers)
		n.ID, n.Date = r.ID, r.Date
		changed = append(changed, n)
		if i%9 == 0 {
			reverted = append(reverted, r)
		}
	}
	importAll(changed)
	check(t, s, m, "after changes")
	importAll(reverted)
	check(t, s, m, "after reverts")

	// The incremental aggregates equal a full rebuild.
	before, err := func() (aggSet, error) {
		tx, _ := s.readTx(ctx)
		defer tx.Rollback()
		return stored(ctx, tx)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	tx, _ := s.readTx(ctx)
	after, err := stored(ctx, tx)
	tx.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(before, after, 10); len(d) > 0 {
		t.Errorf("rebuild differs from incremental: %v", d)
	}
	check(t, s, m, "after rebuild")
}

func check(t *testing.T, s *Store, m *model, when string) {
	t.Helper()
	ctx := context.Background()
	verify(t, s)
	contracts := m.compiled()

	type partyKey struct{ id, cur string }
	buyerTotals, buyerRefunds, supplierTotals, curTotals := bigTotals{}, bigTotals{}, bigTotals{}, bigTotals{}
	byYear := bigTotals{}
	byYearCount := map[string]int{}
	byCat, byCatCount := bigTotals{}, map[string]int{}
	pair, pairCount := bigTotals{}, map[string]int{}
	buyerContracts, buyerAwards, supplierAwards := map[string]int{}, map[string]int{}, map[string]int{}
	buyerAwardDates := map[string][]time.Time{}
	supplierDates := map[string][]time.Time{}
	supplierCountries, supplierTypes := map[string]map[string]bool{}, map[string]map[string]bool{}
	byType := map[string]int{}
	awards := 0
	for _, c := range contracts {
		byType[c.buyerType]++
		if c.buyer != "" {
			buyerContracts[c.buyer]++
			buyerAwards[c.buyer] += len(c.awards)
		}
		for _, a := range c.awards {
			awards++
			buyerAwardDates[a.buyer] = append(buyerAwardDates[a.buyer], a.date)
			for _, sp := range a.suppliers {
				supplierAwards[sp]++
				supplierDates[sp] = append(supplierDates[sp], a.date)
				if supplierCountries[sp] == nil {
					supplierCountries[sp], supplierTypes[sp] = map[string]bool{}, map[string]bool{}
				}
				if a.country != "" {
					supplierCountries[sp][a.country] = true
				}
				supplierTypes[sp][a.buyerType] = true
			}
			if !a.counted || !a.hasValue {
				continue
			}
			curTotals.add(a.currency, a.units)
			bk := a.buyer + "|" + a.currency
			buyerTotals.add(bk, a.units)
			if a.units < 0 {
				buyerRefunds.add(bk, a.units)
			}
			yk := fmt.Sprintf("%s|%s|%d", a.buyer, a.currency, a.year)
			byYear.add(yk, a.units)
			byYearCount[yk]++
			ck := a.buyer + "|" + a.currency + "|" + a.category
			byCat.add(ck, a.units)
			byCatCount[ck]++
			for _, sp := range a.suppliers {
				supplierTotals.add(sp+"|"+a.currency, a.units)
				pk := a.buyer + "|" + a.currency + "|" + sp
				pair.add(pk, a.units)
				pairCount[pk]++
			}
		}
	}

	// Stats.
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wantTotals []procure.Money
	for _, cur := range sortedKeys(curTotals) {
		wantTotals = append(wantTotals, curTotals.money(cur, cur))
	}
	releases := 0
	for _, rs := range m.rels {
		releases += len(rs)
	}
	if st.Contracts != len(contracts) || st.Awards != awards || st.Buyers != len(buyerContracts) ||
		st.Suppliers != len(supplierAwards) || st.Releases != releases || !reflect.DeepEqual(st.Totals, wantTotals) {
		t.Errorf("%s: stats %+v\nwant contracts %d awards %d buyers %d suppliers %d releases %d totals %v",
			when, st, len(contracts), awards, len(buyerContracts), len(supplierAwards), releases, wantTotals)
	}
	for _, bt := range st.ByBuyerType {
		if bt.Contracts != byType[string(bt.BuyerType)] {
			t.Errorf("%s: %s contracts %d; want %d", when, bt.BuyerType, bt.Contracts, byType[string(bt.BuyerType)])
		}
	}

	// Agencies list: every buyer once, in order, with its totals.
	var listed []procure.AgencySummary
	cursor := ""
	for {
		page, err := s.Agencies(ctx, procure.PageRequest{Limit: 5, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != len(buyerContracts) {
			t.Errorf("%s: agencies total %d; want %d", when, page.Total, len(buyerContracts))
		}
		listed = append(listed, page.Agencies...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(listed) != len(buyerContracts) {
		t.Errorf("%s: listed %d agencies; want %d", when, len(listed), len(buyerContracts))
	}
	for _, a := range listed {
		id := a.Party.ID
		var want []procure.Money
		for _, cur := range tCurrenciesSorted() {
			if _, ok := buyerTotals[id+"|"+cur]; ok {
				want = append(want, buyerTotals.money(id+"|"+cur, cur))
			}
		}
		if a.ContractCount != buyerContracts[id] || a.AwardCount != buyerAwards[id] || !reflect.DeepEqual(nz(a.Totals), nz(want)) {
			t.Errorf("%s: agency row %s = %d contracts %d awards %v; want %d %d %v", when, id, a.ContractCount, a.AwardCount,
				a.Totals, buyerContracts[id], buyerAwards[id], want)
		}
	}

	// Agency pages.
	for id := range buyerContracts {
		ag, err := s.Agency(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var totals, refunds []procure.Money
		var years []procure.YearTotal
		var top []procure.PartyTotal
		var cats []procure.CategoryTotal
		for _, cur := range tCurrenciesSorted() {
			bk := id + "|" + cur
			if _, ok := buyerTotals[bk]; !ok {
				continue
			}
			totals = append(totals, buyerTotals.money(bk, cur))
			if _, ok := buyerRefunds[bk]; ok {
				refunds = append(refunds, buyerRefunds.money(bk, cur))
			}
			for y := 0; y < 2100; y++ {
				yk := fmt.Sprintf("%s|%s|%d", id, cur, y)
				if n, ok := byYearCount[yk]; ok {
					years = append(years, procure.YearTotal{Year: y, Amount: byYear.money(yk, cur), Count: n})
				}
			}
			var sups []procure.PartyTotal
			for sp := range supplierAwards {
				pk := id + "|" + cur + "|" + sp
				if n, ok := pairCount[pk]; ok {
					sups = append(sups, procure.PartyTotal{Party: procure.PartyRef{ID: sp, Name: "Supplier " + sp[1:]}, Amount: pair.money(pk, cur), Count: n})
				}
			}
			sort.Slice(sups, func(i, j int) bool {
				if c := sups[i].Amount.Amount.Cmp(sups[j].Amount.Amount); c != 0 {
					return c > 0
				}
				return sups[i].Party.ID < sups[j].Party.ID
			})
			top = append(top, sups[:min(len(sups), TopSuppliers)]...)
			var cs []procure.CategoryTotal
			for _, cat := range tCategories {
				ck := id + "|" + cur + "|" + cat
				if n, ok := byCatCount[ck]; ok {
					cs = append(cs, procure.CategoryTotal{Category: cat, Amount: byCat.money(ck, cur), Count: n})
				}
			}
			sort.Slice(cs, func(i, j int) bool {
				if c := cs[i].Amount.Amount.Cmp(cs[j].Amount.Amount); c != 0 {
					return c > 0
				}
				return cs[i].Category < cs[j].Category
			})
			cats = append(cats, cs...)
		}
		if !reflect.DeepEqual(nz(ag.Totals), nz(totals)) || !reflect.DeepEqual(nz(ag.Refunds), nz(refunds)) {
			t.Errorf("%s: agency %s totals %v refunds %v; want %v %v", when, id, ag.Totals, ag.Refunds, totals, refunds)
		}
		if !reflect.DeepEqual(nzY(ag.ByYear), nzY(years)) {
			t.Errorf("%s: agency %s by year\n%v\nwant\n%v", when, id, ag.ByYear, years)
		}
		if !reflect.DeepEqual(nzP(ag.TopSuppliers), nzP(top)) {
			t.Errorf("%s: agency %s top suppliers\n%v\nwant\n%v", when, id, ag.TopSuppliers, top)
		}
		if !reflect.DeepEqual(nzC(ag.Categories), nzC(cats)) {
			t.Errorf("%s: agency %s categories\n%v\nwant\n%v", when, id, ag.Categories, cats)
		}
		checkRecent(t, when, "agency "+id, ag.RecentAwards, buyerAwardDates[id], RecentAwards)
		for _, ar := range ag.RecentAwards {
			if ar.Buyer.ID != id || ar.OCID == "" || ar.AwardID == "" || ar.Title == "" {
				t.Errorf("%s: award row %+v", when, ar)
			}
		}
		if ag.ContractCount != buyerContracts[id] || ag.AwardCount != buyerAwards[id] {
			t.Errorf("%s: agency %s counts %d/%d", when, id, ag.ContractCount, ag.AwardCount)
		}
	}

	// Supplier pages.
	for sp := range supplierAwards {
		sd, err := s.Supplier(ctx, sp)
		if err != nil {
			t.Fatal(err)
		}
		var totals []procure.Money
		var buyers []procure.PartyTotal
		for _, cur := range tCurrenciesSorted() {
			if _, ok := supplierTotals[sp+"|"+cur]; ok {
				totals = append(totals, supplierTotals.money(sp+"|"+cur, cur))
			}
			var bs []procure.PartyTotal
			for b := range buyerContracts {
				pk := b + "|" + cur + "|" + sp
				if n, ok := pairCount[pk]; ok {
					bs = append(bs, procure.PartyTotal{Party: procure.PartyRef{ID: b}, Amount: pair.money(pk, cur), Count: n})
				}
			}
			sort.Slice(bs, func(i, j int) bool {
				if c := bs[i].Amount.Amount.Cmp(bs[j].Amount.Amount); c != 0 {
					return c > 0
				}
				return bs[i].Party.ID < bs[j].Party.ID
			})
			buyers = append(buyers, bs...)
		}
		for i := range sd.ByBuyer {
			sd.ByBuyer[i].Party.Name = "" // names are checked elsewhere
		}
		if !reflect.DeepEqual(nz(sd.Totals), nz(totals)) || !reflect.DeepEqual(nzP(sd.ByBuyer), nzP(buyers)) {
			t.Errorf("%s: supplier %s totals %v by buyer %v; want %v %v", when, sp, sd.Totals, sd.ByBuyer, totals, buyers)
		}
		if sd.AwardCount != supplierAwards[sp] {
			t.Errorf("%s: supplier %s awards %d; want %d", when, sp, sd.AwardCount, supplierAwards[sp])
		}
		countries := sortedKeysB(supplierCountries[sp])
		var types []procure.BuyerType
		for _, bt := range procure.BuyerTypes {
			if supplierTypes[sp][string(bt)] {
				types = append(types, bt)
			}
		}
		if !slices.Equal(sd.Countries, countries) || !slices.Equal(sd.BuyerTypes, types) {
			t.Errorf("%s: supplier %s countries %v types %v; want %v %v", when, sp, sd.Countries, sd.BuyerTypes, countries, types)
		}
		checkRecent(t, when, "supplier "+sp, sd.Awards, supplierDates[sp], SupplierAwards)
		for _, ar := range sd.Awards {
			if !slices.ContainsFunc(ar.Suppliers, func(p procure.PartyRef) bool { return p.ID == sp && p.Name != "" }) {
				t.Errorf("%s: supplier %s award row lacks it: %+v", when, sp, ar)
			}
		}
	}
	if _, err := s.Supplier(ctx, "B00"); err == nil {
		t.Errorf("a buyer that never supplied has a supplier page")
	}
}

// checkRecent checks that rows are the most recent awards: newest first, as
// many as there are (up to max), with exactly the expected dates.
func checkRecent(t *testing.T, when, what string, rows []procure.AwardRow, dates []time.Time, max int) {
	t.Helper()
	want := slices.Clone(dates)
	sort.Slice(want, func(i, j int) bool { return later(want[i], want[j]) })
	want = want[:min(len(want), max)]
	var got []time.Time
	for _, r := range rows {
		got = append(got, r.Date)
	}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("%s: %s recent award dates\n%v\nwant\n%v", when, what, got, want)
	}
}

// later orders dates newest first with unknown dates last.
func later(a, b time.Time) bool {
	if a.IsZero() != b.IsZero() {
		return b.IsZero()
	}
	return a.After(b)
}

func tCurrenciesSorted() []string {
	c := slices.Clone(tCurrencies)
	sort.Strings(c)
	return c
}

func sortedKeys(m bigTotals) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

func sortedKeysB(m map[string]bool) []string {
	k := []string{}
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// nz* normalise nil and empty slices for comparison.
func nz(m []procure.Money) []procure.Money {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nzY(m []procure.YearTotal) []procure.YearTotal {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nzP(m []procure.PartyTotal) []procure.PartyTotal {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nzC(m []procure.CategoryTotal) []procure.CategoryTotal {
	if len(m) == 0 {
		return nil
	}
	return m
}

// TestRefundsAndBigTotals checks by hand: refunds are netted and listed,
// totals beyond one int64 of units stay exact in storage, and currencies
// never mix.
func TestRefundsAndBigTotals(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	buyer := &tParty{"B", "Ministry"}
	mk := func(ocid, amount, cur string) procure.SourceRelease {
		return src(t, tRelease{OCID: ocid, ID: "1", Date: day(2022, 5, 1), Buyer: buyer,
			Awards: []tAward{{ID: "1", Status: "active", Date: day(2022, 5, 1), Amount: amount, Currency: cur, Suppliers: []tParty{{"S", "Sup"}}}}}, "f")
	}
	apply(t, s, mk("o1", "1000.0001", "EUR"), mk("o2", "-0.0002", "EUR"), mk("o3", "-250.5", "EUR"),
		mk("o4", "99.99", "USD"), mk("o5", "0.0001", "USD"))
	ag, err := s.Agency(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	wantT := []procure.Money{money("749.4999", "EUR"), money("99.9901", "USD")}
	wantR := []procure.Money{money("-250.5002", "EUR")}
	if !reflect.DeepEqual(ag.Totals, wantT) || !reflect.DeepEqual(ag.Refunds, wantR) {
		t.Errorf("totals %v refunds %v; want %v %v", ag.Totals, ag.Refunds, wantT, wantR)
	}
	if len(ag.ByYear) != 2 || ag.ByYear[0].Count != 3 || ag.ByYear[0].Year != 2022 {
		t.Errorf("by year %+v", ag.ByYear)
	}

	// Two awards near the Decimal limit: their sum is kept exactly in the
	// aggregate tables and clamped only when converted to procure.Decimal.
	maxAmount := procure.DecimalFromUnits(math.MaxInt64 - 5).String()
	apply(t, s, mk("big1", maxAmount, "IDR"), mk("big2", maxAmount, "IDR"))
	var whole, frac int64
	if err := s.r.QueryRow("SELECT whole, frac FROM currency_total WHERE currency = 'IDR'").Scan(&whole, &frac); err != nil {
		t.Fatal(err)
	}
	exact := new(big.Int).Mul(big.NewInt(math.MaxInt64-5), big.NewInt(2))
	gotExact := new(big.Int).Add(new(big.Int).Mul(big.NewInt(whole), big.NewInt(10000)), big.NewInt(frac))
	if exact.Cmp(gotExact) != 0 {
		t.Errorf("stored total %s; want %s", gotExact, exact)
	}
	st, _ := s.Stats(ctx)
	for _, m := range st.Totals {
		if m.Currency == "IDR" && m.Amount.Units() != math.MaxInt64 {
			t.Errorf("overflowing total shown as %v; want the clamped maximum", m)
		}
	}
	// Removing one brings it back to an exact, representable value.
	apply(t, s, src(t, tRelease{OCID: "big2", ID: "1", Date: day(2022, 5, 1), Buyer: buyer,
		Awards: []tAward{{ID: "1", Status: "cancelled", Amount: maxAmount, Currency: "IDR", Suppliers: []tParty{{"S", "Sup"}}}}}, "f"))
	ag, _ = s.Agency(ctx, "B")
	if ag.Totals[1].Currency != "IDR" || ag.Totals[1].Amount.Units() != math.MaxInt64-5 {
		t.Errorf("after cancelling one: %v", ag.Totals)
	}
	verify(t, s)
}

func TestSumArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		a, b := rng.Int64N(1<<62)-(1<<61), rng.Int64N(1<<62)-(1<<61)
		if rng.IntN(4) == 0 {
			a, b = rng.Int64N(40000)-20000, rng.Int64N(40000)-20000
		}
		s := sumOf(a).add(sumOf(b))
		if s.frac < 0 || s.frac >= unitsPerWhole {
			t.Fatalf("not normalised: %+v", s)
		}
		if got := s.decimal().Units(); got != a+b {
			t.Fatalf("%d + %d = %d via sums", a, b, got)
		}
		if got := sumOf(a).neg().decimal().Units(); got != -a {
			t.Fatalf("neg(%d) = %d", a, got)
		}
		if sumOf(a).less(sumOf(b)) != (a < b) {
			t.Fatalf("less(%d, %d) wrong", a, b)
		}
	}
	if sumOf(math.MinInt64).decimal().Units() != math.MinInt64 || sumOf(math.MaxInt64).decimal().Units() != math.MaxInt64 {
		t.Error("extremes do not round-trip")
	}
	over := sumOf(math.MaxInt64).add(sumOf(1))
	if over.decimal().Units() != math.MaxInt64 {
		t.Error("overflow not clamped")
	}
	under := sumOf(math.MinInt64).add(sumOf(-1))
	if under.decimal().Units() != math.MinInt64 {
		t.Error("underflow not clamped")
	}
}
