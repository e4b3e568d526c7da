package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// The aggregate tables are maintained by differences: ApplyBatch subtracts a
// contract's previous facts and adds its new ones, accumulates the
// differences of the whole batch in memory (so a buyer appearing in 300
// contracts of a batch is written once), and writes them at the end.

type yearKey struct {
	buyer, currency string
	year            int
}

type catKey struct{ buyer, currency, category string }

type deptKey struct{ buyer, currency, department string }

type bsKey struct{ buyer, currency, supplier string }

type stKey struct{ supplier, currency string }

type mkKey struct{ supplier, country, buyerType string }

type agg struct {
	s   sum
	cnt int64
}

type yearAgg struct {
	s, r      sum
	cnt, rcnt int64
}

type partyDelta struct{ buyerContracts, buyerAwards, supplierAwards int64 }

type srcDelta struct{ contracts, releases int64 }

type nameDelta struct{ cnt, last int64 }

type deltas struct {
	year     map[yearKey]*yearAgg
	dept     map[deptKey]*yearAgg // refunds apart, like years
	cat      map[catKey]*agg
	bs       map[bsKey]*agg
	st       map[stKey]*agg
	mk       map[mkKey]int64
	cur      map[string]*agg
	btype    map[string]int64
	src      map[string]*srcDelta
	party    map[string]*partyDelta
	names    map[[2]string]*nameDelta
	counters map[string]int64
}

func newDeltas() *deltas {
	return &deltas{
		year: map[yearKey]*yearAgg{}, dept: map[deptKey]*yearAgg{}, cat: map[catKey]*agg{}, bs: map[bsKey]*agg{}, st: map[stKey]*agg{},
		mk: map[mkKey]int64{}, cur: map[string]*agg{}, btype: map[string]int64{}, src: map[string]*srcDelta{},
		party: map[string]*partyDelta{}, names: map[[2]string]*nameDelta{}, counters: map[string]int64{},
	}
}

func (d *deltas) source(s string) *srcDelta {
	x := d.src[s]
	if x == nil {
		x = &srcDelta{}
		d.src[s] = x
	}
	return x
}

func (d *deltas) partyD(id string) *partyDelta {
	x := d.party[id]
	if x == nil {
		x = &partyDelta{}
		d.party[id] = x
	}
	return x
}

func addAgg[K comparable](m map[K]*agg, k K, v sum, n int64) {
	x := m[k]
	if x == nil {
		x = &agg{}
		m[k] = x
	}
	x.s = x.s.add(v)
	x.cnt += n
}

// contract adds (sign +1) or removes (sign -1) the contribution of facts f.
func (d *deltas) contract(f *facts, sign int64) {
	d.counters["contracts"] += sign
	d.counters["awards"] += sign * int64(len(f.Awards))
	d.btype[f.BuyerType] += sign
	d.source(f.Source).contracts += sign
	if f.Buyer != "" {
		p := d.partyD(f.Buyer)
		p.buyerContracts += sign
		p.buyerAwards += sign * int64(len(f.Awards))
	}
	for _, a := range f.Awards {
		for _, sp := range a.Suppliers {
			d.partyD(sp).supplierAwards += sign
			d.mk[mkKey{sp, f.Country, f.BuyerType}] += sign
		}
		if !a.Counted || !a.HasValue {
			continue
		}
		v := sumOf(a.Units)
		if sign < 0 {
			v = v.neg()
		}
		addAgg(d.cur, a.Currency, v, sign)
		for _, sp := range a.Suppliers {
			addAgg(d.st, stKey{sp, a.Currency}, v, sign)
		}
		if f.Buyer == "" {
			continue
		}
		yk := yearKey{f.Buyer, a.Currency, a.Year}
		y := d.year[yk]
		if y == nil {
			y = &yearAgg{}
			d.year[yk] = y
		}
		y.s = y.s.add(v)
		y.cnt += sign
		if a.Units < 0 {
			y.r = y.r.add(v)
			y.rcnt += sign
		}
		if dept := departmentOf(f); dept != "" {
			dk := deptKey{f.Buyer, a.Currency, dept}
			da := d.dept[dk]
			if da == nil {
				da = &yearAgg{}
				d.dept[dk] = da
			}
			da.s = da.s.add(v)
			da.cnt += sign
			if a.Units < 0 {
				da.r = da.r.add(v)
				da.rcnt += sign
			}
		}
		addAgg(d.cat, catKey{f.Buyer, a.Currency, f.Category}, v, sign)
		for _, sp := range a.Suppliers {
			addAgg(d.bs, bsKey{f.Buyer, a.Currency, sp}, v, sign)
		}
	}
	for _, n := range f.Names {
		x := d.names[n]
		if x == nil {
			x = &nameDelta{}
			d.names[n] = x
		}
		x.cnt += sign
		if sign > 0 && f.SeenAt > x.last {
			x.last = f.SeenAt
		}
	}
}

// Upserts add a normalised difference (0 <= frac < 10000) to a normalised
// total: the fractional parts sum to less than 20000, so the carry is 0 or 1.
const (
	upYear = `INSERT INTO buyer_year (buyer_id, currency, year, whole, frac, cnt, refund_whole, refund_frac, refund_cnt)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (buyer_id, currency, year) DO UPDATE SET
		whole = whole + excluded.whole + (frac + excluded.frac >= 10000), frac = (frac + excluded.frac) % 10000,
		cnt = cnt + excluded.cnt,
		refund_whole = refund_whole + excluded.refund_whole + (refund_frac + excluded.refund_frac >= 10000),
		refund_frac = (refund_frac + excluded.refund_frac) % 10000, refund_cnt = refund_cnt + excluded.refund_cnt`
	delYear = `DELETE FROM buyer_year WHERE buyer_id = ? AND currency = ? AND year = ? AND cnt = 0`
	upDept  = `INSERT INTO buyer_department (buyer_id, currency, department, whole, frac, cnt, refund_whole, refund_frac, refund_cnt)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (buyer_id, currency, department) DO UPDATE SET
		whole = whole + excluded.whole + (frac + excluded.frac >= 10000), frac = (frac + excluded.frac) % 10000,
		cnt = cnt + excluded.cnt,
		refund_whole = refund_whole + excluded.refund_whole + (refund_frac + excluded.refund_frac >= 10000),
		refund_frac = (refund_frac + excluded.refund_frac) % 10000, refund_cnt = refund_cnt + excluded.refund_cnt`
	delDept = `DELETE FROM buyer_department WHERE buyer_id = ? AND currency = ? AND department = ? AND cnt = 0`
	upCat   = `INSERT INTO buyer_category (buyer_id, currency, category, whole, frac, cnt) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (buyer_id, currency, category) DO UPDATE SET
		whole = whole + excluded.whole + (frac + excluded.frac >= 10000), frac = (frac + excluded.frac) % 10000,
		cnt = cnt + excluded.cnt`
	delCat = `DELETE FROM buyer_category WHERE buyer_id = ? AND currency = ? AND category = ? AND cnt = 0`
	upBS   = `INSERT INTO buyer_supplier (buyer_id, currency, supplier_id, whole, frac, cnt) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (buyer_id, currency, supplier_id) DO UPDATE SET
		whole = whole + excluded.whole + (frac + excluded.frac >= 10000), frac = (frac + excluded.frac) % 10000,
		cnt = cnt + excluded.cnt`
	delBS = `DELETE FROM buyer_supplier WHERE buyer_id = ? AND currency = ? AND supplier_id = ? AND cnt = 0`
	upST  = `INSERT INTO supplier_total (supplier_id, currency, whole, frac, cnt) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (supplier_id, currency) DO UPDATE SET
		whole = whole + excluded.whole + (frac + excluded.frac >= 10000), frac = (frac + excluded.frac) % 10000,
		cnt = cnt + excluded.cnt`
	delST = `DELETE FROM supplier_total WHERE supplier_id = ? AND currency = ? AND cnt = 0`
	upMK  = `INSERT INTO supplier_market (supplier_id, country, buyer_type, cnt) VALUES (?, ?, ?, ?)
		ON CONFLICT (supplier_id, country, buyer_type) DO UPDATE SET cnt = cnt + excluded.cnt`
	delMK = `DELETE FROM supplier_market WHERE supplier_id = ? AND country = ? AND buyer_type = ? AND cnt = 0`
	upCur = `INSERT INTO currency_total (currency, whole, frac, cnt) VALUES (?, ?, ?, ?)
		ON CONFLICT (currency) DO UPDATE SET
		whole = whole + excluded.whole + (frac + excluded.frac >= 10000), frac = (frac + excluded.frac) % 10000,
		cnt = cnt + excluded.cnt`
	delCur = `DELETE FROM currency_total WHERE currency = ? AND cnt = 0`
	upBT   = `INSERT INTO buyer_type_total (buyer_type, contracts) VALUES (?, ?)
		ON CONFLICT (buyer_type) DO UPDATE SET contracts = contracts + excluded.contracts`
	delBT = `DELETE FROM buyer_type_total WHERE buyer_type = ? AND contracts = 0`
	upSrc = `INSERT INTO source_total (source, contracts, releases) VALUES (?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET contracts = contracts + excluded.contracts, releases = releases + excluded.releases`
	delSrc = `DELETE FROM source_total WHERE source = ? AND contracts = 0 AND releases = 0`
	upName = `INSERT INTO party_names (party_id, name, contracts, last_seen) VALUES (?, ?, ?, ?)
		ON CONFLICT (party_id, name) DO UPDATE SET contracts = contracts + excluded.contracts,
		last_seen = max(last_seen, excluded.last_seen)`
	delName = `DELETE FROM party_names WHERE party_id = ? AND name = ? AND contracts = 0`
)

// flush writes the parties and the accumulated differences.
func (b *batch) flush() error {
	if err := b.flushParties(); err != nil {
		return err
	}
	d := b.d
	// upsert runs an upsert with args and, when the count went down, deletes
	// the row if it became empty.
	// upsert adds vals to the row at key. When a count went down it asks
	// for the row's emptiness (an SQL condition) and deletes an empty row.
	upsert := func(up, del, empty string, shrink bool, key []any, vals ...any) error {
		args := append(append([]any{}, key...), vals...)
		if !shrink {
			_, err := b.exec(up, args...)
			return err
		}
		row, err := b.queryRow(up+" RETURNING "+empty, args...)
		if err != nil {
			return err
		}
		var isEmpty bool
		if err := row.Scan(&isEmpty); err != nil {
			return err
		}
		if isEmpty {
			_, err = b.exec(del, key...)
		}
		return err
	}
	for k, v := range d.year {
		if v.cnt == 0 && v.s.isZero() && v.rcnt == 0 && v.r.isZero() {
			continue
		}
		if err := upsert(upYear, delYear, "cnt = 0", v.cnt < 0, []any{k.buyer, k.currency, k.year},
			v.s.whole, v.s.frac, v.cnt, v.r.whole, v.r.frac, v.rcnt); err != nil {
			return err
		}
	}
	for k, v := range d.dept {
		if v.cnt == 0 && v.s.isZero() && v.rcnt == 0 && v.r.isZero() {
			continue
		}
		if err := upsert(upDept, delDept, "cnt = 0", v.cnt < 0, []any{k.buyer, k.currency, k.department},
			v.s.whole, v.s.frac, v.cnt, v.r.whole, v.r.frac, v.rcnt); err != nil {
			return err
		}
	}
	for k, v := range d.cat {
		if v.cnt == 0 && v.s.isZero() {
			continue
		}
		if err := upsert(upCat, delCat, "cnt = 0", v.cnt < 0, []any{k.buyer, k.currency, k.category}, v.s.whole, v.s.frac, v.cnt); err != nil {
			return err
		}
	}
	for k, v := range d.bs {
		if v.cnt == 0 && v.s.isZero() {
			continue
		}
		if err := upsert(upBS, delBS, "cnt = 0", v.cnt < 0, []any{k.buyer, k.currency, k.supplier}, v.s.whole, v.s.frac, v.cnt); err != nil {
			return err
		}
	}
	for k, v := range d.st {
		if v.cnt == 0 && v.s.isZero() {
			continue
		}
		if err := upsert(upST, delST, "cnt = 0", v.cnt < 0, []any{k.supplier, k.currency}, v.s.whole, v.s.frac, v.cnt); err != nil {
			return err
		}
	}
	for k, v := range d.mk {
		if v == 0 {
			continue
		}
		if err := upsert(upMK, delMK, "cnt = 0", v < 0, []any{k.supplier, k.country, k.buyerType}, v); err != nil {
			return err
		}
	}
	for k, v := range d.cur {
		if v.cnt == 0 && v.s.isZero() {
			continue
		}
		if err := upsert(upCur, delCur, "cnt = 0", v.cnt < 0, []any{k}, v.s.whole, v.s.frac, v.cnt); err != nil {
			return err
		}
	}
	for k, v := range d.btype {
		if v == 0 {
			continue
		}
		if err := upsert(upBT, delBT, "contracts = 0", v < 0, []any{k}, v); err != nil {
			return err
		}
	}
	for k, v := range d.src {
		if v.contracts == 0 && v.releases == 0 {
			continue
		}
		if err := upsert(upSrc, delSrc, "contracts = 0 AND releases = 0", v.contracts < 0 || v.releases < 0, []any{k}, v.contracts, v.releases); err != nil {
			return err
		}
	}
	for k, v := range d.names {
		if v.cnt == 0 && v.last == 0 {
			continue
		}
		if err := upsert(upName, delName, "contracts = 0", v.cnt < 0, []any{k[0], k[1]}, v.cnt, v.last); err != nil {
			return err
		}
	}
	for k, v := range d.counters {
		if v == 0 {
			continue
		}
		if _, err := b.exec("UPDATE counters SET value = value + ? WHERE name = ?", v, k); err != nil {
			return err
		}
	}
	return nil
}

// flushParties writes every party the batch touched: merged details and
// counter differences, in one read and one write per party.
func (b *batch) flushParties() error {
	ids := make(map[string]bool, len(b.parties)+len(b.d.party))
	for id := range b.parties {
		ids[id] = true
	}
	for id := range b.d.party {
		ids[id] = true
	}
	var buyers, suppliers int64
	for id := range ids {
		old, counts, found, err := b.loadParty(id)
		if err != nil {
			return fmt.Errorf("party %s: %w", id, err)
		}
		p := old
		if in := b.parties[id]; in != nil {
			if found {
				p.merge(in)
			} else {
				p = *in
			}
		}
		nc := counts
		if dd := b.d.party[id]; dd != nil {
			nc.buyerContracts += dd.buyerContracts
			nc.buyerAwards += dd.buyerAwards
			nc.supplierAwards += dd.supplierAwards
		}
		switch {
		case counts.buyerContracts <= 0 && nc.buyerContracts > 0:
			buyers++
		case counts.buyerContracts > 0 && nc.buyerContracts <= 0:
			buyers--
		}
		switch {
		case counts.supplierAwards <= 0 && nc.supplierAwards > 0:
			suppliers++
		case counts.supplierAwards > 0 && nc.supplierAwards <= 0:
			suppliers--
		}
		if found && p == old && nc == counts {
			continue
		}
		if _, err := b.exec(`INSERT INTO parties (id, name, sort_key, search_key, scheme, identifier, legal_name,
			country, address, buyer_type, language, additional_ids, seen_at, buyer_contracts, buyer_awards, supplier_awards)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort_key = excluded.sort_key,
			search_key = excluded.search_key, scheme = excluded.scheme, identifier = excluded.identifier,
			legal_name = excluded.legal_name, country = excluded.country, address = excluded.address,
			buyer_type = excluded.buyer_type, language = excluded.language, additional_ids = excluded.additional_ids,
			seen_at = excluded.seen_at, buyer_contracts = excluded.buyer_contracts,
			buyer_awards = excluded.buyer_awards, supplier_awards = excluded.supplier_awards`,
			id, p.name, sortKey(id, p.name), searchKey(id, p.name, p.legalName), p.scheme, p.identifier, p.legalName,
			p.country, p.address, p.buyerType, p.language, p.additionalIDs, p.seenAt,
			nc.buyerContracts, nc.buyerAwards, nc.supplierAwards); err != nil {
			return fmt.Errorf("party %s: %w", id, err)
		}
	}
	b.d.counters["buyers"] += buyers
	b.d.counters["suppliers"] += suppliers
	return nil
}

func (b *batch) loadParty(id string) (partyRow, partyDelta, bool, error) {
	var p partyRow
	var c partyDelta
	row, err := b.queryRow(`SELECT id, name, scheme, identifier, legal_name, country, address, buyer_type, language,
		additional_ids, seen_at, buyer_contracts, buyer_awards, supplier_awards FROM parties WHERE id = ?`, id)
	if err != nil {
		return p, c, false, err
	}
	err = row.Scan(&p.id, &p.name, &p.scheme, &p.identifier, &p.legalName, &p.country, &p.address, &p.buyerType,
		&p.language, &p.additionalIDs, &p.seenAt, &c.buyerContracts, &c.buyerAwards, &c.supplierAwards)
	if errors.Is(err, sql.ErrNoRows) {
		return partyRow{id: id}, c, false, nil
	}
	return p, c, err == nil, err
}

// departmentOf returns the department a contract's facts record (""
// when none): the key of its buyer_department rows.
func departmentOf(f *facts) string { return f.Department }
