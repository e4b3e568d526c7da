package store

import (
	"context"
	"strings"
	"testing"
)

// TestQueryPlans guards the page queries against regressions that would
// make them scan tables or sort large results: every table access must be
// an index search, before and after the planner has statistics.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	g := newBenchGen(3, 20, 60)
	rels, comp, _ := g.batchOf(0, 300, 0)
	if _, err := s.ApplyBatch(ctx, 0, rels, comp); err != nil {
		t.Fatal(err)
	}
	queries := map[string]string{
		"recent awards":   `SELECT a.contract_id, a.seq, a.ocid FROM awards a WHERE a.buyer_id = 'x' ORDER BY a.date DESC, a.contract_id DESC, a.seq DESC LIMIT 50`,
		"supplier awards": `SELECT a.contract_id FROM award_suppliers s JOIN awards a ON a.contract_id = s.contract_id AND a.seq = s.seq LEFT JOIN parties p ON p.id = a.buyer_id WHERE s.supplier_id = 'x' ORDER BY s.date DESC, s.contract_id DESC, s.seq DESC LIMIT 200`,
		"top suppliers":   `SELECT bs.supplier_id, coalesce(p.name, '') FROM buyer_supplier bs LEFT JOIN parties p ON p.id = bs.supplier_id WHERE bs.buyer_id = 'x' AND bs.currency = 'y' ORDER BY bs.whole DESC, bs.frac DESC, bs.supplier_id LIMIT 20`,
		"top buyers":      `SELECT bs.buyer_id, coalesce(p.name, '') FROM buyer_supplier bs LEFT JOIN parties p ON p.id = bs.buyer_id WHERE bs.supplier_id = 'x' AND bs.currency = 'y' ORDER BY bs.whole DESC, bs.frac DESC, bs.buyer_id LIMIT 100`,
		"award suppliers": `SELECT s.contract_id, s.seq, s.supplier_id, coalesce(p.name, '') FROM award_suppliers s LEFT JOIN parties p ON p.id = s.supplier_id WHERE s.contract_id IN (SELECT value FROM json_each('[1,2]')) ORDER BY s.contract_id, s.seq, s.supplier_id`,
		"agencies page":   `SELECT id FROM parties WHERE buyer_contracts > 0 AND (sort_key, id) > ('a', 'b') ORDER BY sort_key, id LIMIT 51`,
		"agencies type":   `SELECT id FROM parties WHERE buyer_contracts > 0 AND buyer_type = 'police' AND (sort_key, id) > ('a', 'b') ORDER BY sort_key, id LIMIT 51`,
		"agency years":    `SELECT currency, year FROM buyer_year WHERE buyer_id = 'x' ORDER BY currency, year`,
		"agencies totals": `SELECT buyer_id, currency, whole, frac FROM buyer_year WHERE buyer_id IN (SELECT value FROM json_each('["a"]'))`,
		"dirty":           `SELECT d.summary FROM contracts c JOIN contract_docs d ON d.contract_id = c.id WHERE c.dirty = 1 ORDER BY c.ocid LIMIT 500`,
		"each contract":   `SELECT c.ocid, d.summary FROM contracts c JOIN contract_docs d ON d.contract_id = c.id WHERE c.ocid > 'x' ORDER BY c.ocid LIMIT 256`,
		"current release": `SELECT r.id FROM releases r JOIN release_origins o ON o.id = r.origin_id WHERE r.ocid = 'x' AND r.release_id = 'y' AND r.superseded_by IS NULL`,
		"contract":        `SELECT d.summary FROM contracts c JOIN contract_docs d ON d.contract_id = c.id WHERE c.ocid = 'x'`,
		"result hits":     `SELECT c.ocid, d.summary FROM contracts c JOIN contract_docs d ON d.contract_id = c.id WHERE c.ocid IN (SELECT value FROM json_each('["a","b"]'))`,
		"supplier market": `SELECT country, buyer_type FROM supplier_market WHERE supplier_id = 'x'`,
		"party names":     `SELECT name FROM party_names WHERE party_id = 'x' ORDER BY contracts DESC, last_seen DESC, name`,
	}
	check := func(when string) {
		for name, q := range queries {
			rows, err := s.r.Query("EXPLAIN QUERY PLAN " + q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var plan []string
			for rows.Next() {
				var a, b, c int
				var d string
				rows.Scan(&a, &b, &c, &d)
				plan = append(plan, d)
			}
			rows.Close()
			for _, step := range plan {
				bad := strings.HasPrefix(step, "SCAN") && !strings.HasPrefix(step, "SCAN json_each") &&
					!strings.Contains(step, "contracts_dirty") // the partial index holds only dirty rows
				if name != "party names" && strings.Contains(step, "TEMP B-TREE") {
					bad = true
				}
				if bad {
					t.Errorf("%s, %s: %q in plan %q", when, name, step, plan)
				}
			}
		}
	}
	check("without statistics")
	if _, err := s.w.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	// Readers load statistics when they next prepare a statement.
	check("with statistics")
}
