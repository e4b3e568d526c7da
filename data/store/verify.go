package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// aggTable describes a table (or the counter columns of one) that is
// derived from the base tables and can be recomputed.
type aggTable struct {
	name string
	keys []string
	vals []string // a column ending in "whole" is followed by its "frac"
}

var aggTables = []aggTable{
	{"buyer_year", []string{"buyer_id", "currency", "year"}, []string{"whole", "frac", "cnt", "refund_whole", "refund_frac", "refund_cnt"}},
	{"buyer_category", []string{"buyer_id", "currency", "category"}, []string{"whole", "frac", "cnt"}},
	{"buyer_department", []string{"buyer_id", "currency", "department"}, []string{"whole", "frac", "cnt", "refund_whole", "refund_frac", "refund_cnt"}},
	{"buyer_supplier", []string{"buyer_id", "currency", "supplier_id"}, []string{"whole", "frac", "cnt"}},
	{"supplier_total", []string{"supplier_id", "currency"}, []string{"whole", "frac", "cnt"}},
	{"supplier_market", []string{"supplier_id", "country", "buyer_type"}, []string{"cnt"}},
	{"currency_total", []string{"currency"}, []string{"whole", "frac", "cnt"}},
	{"buyer_type_total", []string{"buyer_type"}, []string{"contracts"}},
	{"source_total", []string{"source"}, []string{"contracts", "releases"}},
	{"party_names", []string{"party_id", "name"}, []string{"contracts"}},
	{"counters", []string{"name"}, []string{"value"}},
	// parties: only the counter columns are derived; rows with all zero
	// counters are ignored.
	{"parties", []string{"id"}, []string{"buyer_contracts", "buyer_awards", "supplier_awards"}},
}

type aggRow struct {
	keys []any
	vals []int64
}

// aggSet holds the rows of every derived table by table and key.
type aggSet map[string]map[string]*aggRow

func rowKey(keys []any) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprint(k)
	}
	return strings.Join(parts, "\x1f")
}

func tableSpec(name string) aggTable {
	for _, t := range aggTables {
		if t.name == name {
			return t
		}
	}
	panic("unknown derived table " + name)
}

// add adds vals to the row of table at keys (sums carried exactly).
func (a aggSet) add(table string, keys []any, vals ...int64) {
	spec := tableSpec(table)
	m := a[table]
	if m == nil {
		m = map[string]*aggRow{}
		a[table] = m
	}
	k := rowKey(keys)
	r := m[k]
	if r == nil {
		r = &aggRow{keys: keys, vals: make([]int64, len(spec.vals))}
		m[k] = r
	}
	for i := 0; i < len(vals); i++ {
		if strings.HasSuffix(spec.vals[i], "whole") {
			s := sum{r.vals[i], r.vals[i+1]}.add(sum{vals[i], vals[i+1]})
			r.vals[i], r.vals[i+1] = s.whole, s.frac
			i++
			continue
		}
		r.vals[i] += vals[i]
	}
}

// recompute derives every aggregate from the base tables (awards,
// award_suppliers, contracts, releases, contract summaries) in one snapshot.
func (s *Store) recompute(ctx context.Context, tx *sql.Tx) (aggSet, error) {
	a := aggSet{}
	for _, n := range []string{"contracts", "awards", "releases", "buyers", "suppliers"} {
		a.add("counters", []any{n}, 0)
	}
	// Awards with their suppliers, grouped by award.
	rows, err := tx.QueryContext(ctx, `SELECT a.contract_id, a.seq, a.buyer_id, a.year, a.counted, a.has_value,
		a.value, a.currency, a.category, c.country, c.buyer_type, coalesce(s.supplier_id, '')
		FROM awards a JOIN contracts c ON c.id = a.contract_id
		LEFT JOIN award_suppliers s ON s.contract_id = a.contract_id AND s.seq = a.seq
		ORDER BY a.contract_id, a.seq`)
	if err != nil {
		return nil, fmt.Errorf("recompute awards: %w", err)
	}
	type award struct {
		cid                                       int64
		seq                                       int
		buyer, currency, category, country, btype string
		year                                      int
		counted, hasValue                         bool
		value                                     int64
		suppliers                                 []string
	}
	var cur *award
	emit := func(w *award) {
		a.add("counters", []any{"awards"}, 1)
		if w.buyer != "" {
			a.add("parties", []any{w.buyer}, 0, 1, 0)
		}
		for _, sp := range w.suppliers {
			a.add("parties", []any{sp}, 0, 0, 1)
			a.add("supplier_market", []any{sp, w.country, w.btype}, 1)
		}
		if !w.counted || !w.hasValue {
			return
		}
		v := sumOf(w.value)
		a.add("currency_total", []any{w.currency}, v.whole, v.frac, 1)
		for _, sp := range w.suppliers {
			a.add("supplier_total", []any{sp, w.currency}, v.whole, v.frac, 1)
		}
		if w.buyer == "" {
			return
		}
		if w.value < 0 {
			a.add("buyer_year", []any{w.buyer, w.currency, int64(w.year)}, v.whole, v.frac, 1, v.whole, v.frac, 1)
		} else {
			a.add("buyer_year", []any{w.buyer, w.currency, int64(w.year)}, v.whole, v.frac, 1, 0, 0, 0)
		}
		a.add("buyer_category", []any{w.buyer, w.currency, w.category}, v.whole, v.frac, 1)
		for _, sp := range w.suppliers {
			a.add("buyer_supplier", []any{w.buyer, w.currency, sp}, v.whole, v.frac, 1)
		}
	}
	for rows.Next() {
		var w award
		var sp string
		if err := rows.Scan(&w.cid, &w.seq, &w.buyer, &w.year, &w.counted, &w.hasValue, &w.value, &w.currency,
			&w.category, &w.country, &w.btype, &sp); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recompute awards: %w", err)
		}
		if cur == nil || cur.cid != w.cid || cur.seq != w.seq {
			if cur != nil {
				emit(cur)
			}
			cur = &w
		}
		if sp != "" {
			cur.suppliers = append(cur.suppliers, sp)
		}
	}
	if cur != nil {
		emit(cur)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("recompute awards: %w", err)
	}

	// Contracts.
	rows, err = tx.QueryContext(ctx, `SELECT c.buyer_id, c.buyer_type, c.source, d.summary
		FROM contracts c JOIN contract_docs d ON d.contract_id = c.id`)
	if err != nil {
		return nil, fmt.Errorf("recompute contracts: %w", err)
	}
	for rows.Next() {
		var buyer, btype, src string
		var summary []byte
		if err := rows.Scan(&buyer, &btype, &src, &summary); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recompute contracts: %w", err)
		}
		a.add("counters", []any{"contracts"}, 1)
		a.add("buyer_type_total", []any{btype}, 1)
		a.add("source_total", []any{src}, 1, 0)
		if buyer != "" {
			a.add("parties", []any{buyer}, 1, 0, 0)
		}
		c, err := s.decodeSummary(summary)
		if err != nil {
			rows.Close()
			return nil, err
		}
		for _, n := range factsOf(&c).Names {
			a.add("party_names", []any{n[0], n[1]}, 1)
		}
		if c.Department != "" && c.Buyer.ID != "" {
			for _, aw := range c.Awards {
				if !aw.Counted || !aw.HasValue {
					continue
				}
				v := sumOf(aw.Value.Amount.Units())
				keys := []any{c.Buyer.ID, aw.Value.Currency, c.Department}
				if aw.Value.Amount.Sign() < 0 {
					a.add("buyer_department", keys, v.whole, v.frac, 1, v.whole, v.frac, 1)
				} else {
					a.add("buyer_department", keys, v.whole, v.frac, 1, 0, 0, 0)
				}
			}
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("recompute contracts: %w", err)
	}

	// Current releases per source.
	rows, err = tx.QueryContext(ctx, `SELECT o.source, count(*) FROM releases r
		JOIN release_origins o ON o.id = r.origin_id WHERE r.superseded_by IS NULL GROUP BY o.source`)
	if err != nil {
		return nil, fmt.Errorf("recompute releases: %w", err)
	}
	for rows.Next() {
		var src string
		var n int64
		if err := rows.Scan(&src, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recompute releases: %w", err)
		}
		a.add("source_total", []any{src}, 0, n)
		a.add("counters", []any{"releases"}, n)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("recompute releases: %w", err)
	}
	for _, r := range a["parties"] {
		if r.vals[0] > 0 {
			a.add("counters", []any{"buyers"}, 1)
		}
		if r.vals[2] > 0 {
			a.add("counters", []any{"suppliers"}, 1)
		}
	}
	return a, nil
}

// stored reads every derived table as it is.
func stored(ctx context.Context, tx *sql.Tx) (aggSet, error) {
	a := aggSet{}
	for _, t := range aggTables {
		q := "SELECT " + strings.Join(append(append([]string{}, t.keys...), t.vals...), ", ") + " FROM " + t.name
		if t.name == "parties" {
			q += " WHERE buyer_contracts <> 0 OR buyer_awards <> 0 OR supplier_awards <> 0"
		}
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.name, err)
		}
		m := map[string]*aggRow{}
		for rows.Next() {
			r := &aggRow{keys: make([]any, len(t.keys)), vals: make([]int64, len(t.vals))}
			dst := make([]any, 0, len(t.keys)+len(t.vals))
			for i := range r.keys {
				dst = append(dst, &r.keys[i])
			}
			for i := range r.vals {
				dst = append(dst, &r.vals[i])
			}
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read %s: %w", t.name, err)
			}
			for i, k := range r.keys {
				if b, ok := k.([]byte); ok {
					r.keys[i] = string(b)
				}
			}
			m[rowKey(r.keys)] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.name, err)
		}
		a[t.name] = m
	}
	return a, nil
}

// diff lists the differences between want and have (at most max).
func diff(want, have aggSet, max int) []string {
	var out []string
	for _, t := range aggTables {
		w, h := want[t.name], have[t.name]
		var keys []string
		seen := map[string]bool{}
		for k := range w {
			keys, seen[k] = append(keys, k), true
		}
		for k := range h {
			if !seen[k] {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wr, hr := w[k], h[k]
			if wr != nil && hr != nil && fmt.Sprint(wr.vals) == fmt.Sprint(hr.vals) {
				continue
			}
			if hr == nil && t.name == "parties" && allZero(wr.vals) {
				continue // stored() skips parties whose counters are all zero
			}
			out = append(out, fmt.Sprintf("%s[%s]: stored %v, expected %v", t.name, strings.ReplaceAll(k, "\x1f", ", "),
				valsOf(hr), valsOf(wr)))
			if len(out) >= max {
				return out
			}
		}
	}
	return out
}

func allZero(v []int64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func valsOf(r *aggRow) any {
	if r == nil {
		return "nothing"
	}
	return r.vals
}

// Verify checks the store's invariants: exactly one current version per
// source release, a document row per contract, and every precomputed
// aggregate equal to its recomputation from the base tables. It reads one
// consistent snapshot (a full scan: seconds at a million contracts) and
// returns an error wrapping procure.ErrCorrupt that lists the first
// differences.
func (s *Store) Verify(ctx context.Context) error {
	tx, err := s.readTx(ctx)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer tx.Rollback()
	var problems []string
	rows, err := tx.QueryContext(ctx, `SELECT ocid, release_id, sum(superseded_by IS NULL) FROM releases
		GROUP BY ocid, release_id HAVING sum(superseded_by IS NULL) <> 1 LIMIT 10`)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	for rows.Next() {
		var ocid, id string
		var n int
		if err := rows.Scan(&ocid, &id, &n); err != nil {
			rows.Close()
			return fmt.Errorf("verify: %w", err)
		}
		problems = append(problems, fmt.Sprintf("release %s of %s has %d current versions", id, ocid, n))
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	var orphans int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM contracts c
		LEFT JOIN contract_docs d ON d.contract_id = c.id WHERE d.contract_id IS NULL`).Scan(&orphans); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if orphans > 0 {
		problems = append(problems, fmt.Sprintf("%d contracts have no documents", orphans))
	}
	want, err := s.recompute(ctx, tx)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	have, err := stored(ctx, tx)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	problems = append(problems, diff(want, have, 20)...)
	if len(problems) > 0 {
		return fmt.Errorf("verify: %w: %s", procure.ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// RebuildAggregates recomputes every precomputed aggregate from the base
// tables and replaces the stored ones, in one transaction (a repair tool;
// imports keep them current on their own). Writer only.
func (s *Store) RebuildAggregates(ctx context.Context) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild aggregates: %w", err)
	}
	defer tx.Rollback()
	a, err := s.recompute(ctx, tx)
	if err != nil {
		return fmt.Errorf("rebuild aggregates: %w", err)
	}
	for _, t := range aggTables {
		cols := append(append([]string{}, t.keys...), t.vals...)
		var ins string
		var reset, after string
		switch t.name {
		case "parties":
			reset = "UPDATE parties SET buyer_contracts = 0, buyer_awards = 0, supplier_awards = 0"
			ins = "UPDATE parties SET buyer_contracts = ?2, buyer_awards = ?3, supplier_awards = ?4 WHERE id = ?1"
		case "party_names":
			// last_seen is not derivable from the base tables: keep it.
			reset = "UPDATE party_names SET contracts = 0"
			ins = `INSERT INTO party_names (party_id, name, contracts, last_seen) VALUES (?, ?, ?, 0)
				ON CONFLICT (party_id, name) DO UPDATE SET contracts = excluded.contracts`
			after = "DELETE FROM party_names WHERE contracts = 0"
		default:
			reset = "DELETE FROM " + t.name
			ins = "INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES (" +
				strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		}
		if _, err := tx.ExecContext(ctx, reset); err != nil {
			return fmt.Errorf("rebuild aggregates %s: %w", t.name, err)
		}
		st, err := tx.PrepareContext(ctx, ins)
		if err != nil {
			return fmt.Errorf("rebuild aggregates: %w", err)
		}
		for _, r := range a[t.name] {
			args := append(append([]any{}, r.keys...), int64sToAny(r.vals)...)
			if _, err := st.ExecContext(ctx, args...); err != nil {
				st.Close()
				return fmt.Errorf("rebuild aggregates %s: %w", t.name, err)
			}
		}
		st.Close()
		if after != "" {
			if _, err := tx.ExecContext(ctx, after); err != nil {
				return fmt.Errorf("rebuild aggregates %s: %w", t.name, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rebuild aggregates: %w", err)
	}
	return nil
}

func int64sToAny(v []int64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}
