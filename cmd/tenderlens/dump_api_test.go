package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/tenderlens/tenderlens/data/procure"
)

// TestDumpReconcilesWithAPI closes the reconciliation chain of issue 6 at the
// HTTP level: per agency, per agency and year, and per supplier, the totals
// and counts the JSON API serves equal, to the cent, the sums of the awards
// in the published SQLite dump (data/dump's own test checks the store, the
// JSON Lines, the CSV and the SQLite file against each other).
func TestDumpReconcilesWithAPI(t *testing.T) {
	root, _ := sharedOCDSFiles(t)
	cfg := defaultConfig()
	cfg.Data = filepath.Join(t.TempDir(), "data")
	cfg.BaseURL = "http://tenderlens.test"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := build(ctx, cfg, buildOptions{Purpose: "test", Web: true, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.runner.ImportPaths(ctx, "shared", "ocds", []string{root}, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.prepare(ctx, true); err != nil {
		t.Fatal(err)
	}
	res, err := a.writeDump(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dump: %+v", res)
	matches, _ := filepath.Glob(filepath.Join(a.dir.DumpsPath(), "*", "tenderlens.db"))
	if len(matches) != 1 {
		t.Fatalf("dump SQLite files: %v", matches)
	}
	db, err := sql.Open("sqlite", "file:"+matches[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	type key struct{ party, currency string }
	type agg struct {
		sum   *big.Rat
		count int
	}
	add := func(m map[key]*agg, k key, amount string) {
		r, ok := new(big.Rat).SetString(amount)
		if !ok {
			t.Fatalf("amount %q", amount)
		}
		if m[k] == nil {
			m[k] = &agg{sum: new(big.Rat)}
		}
		m[k].sum.Add(m[k].sum, r)
		m[k].count++
	}
	byAgency := map[key]*agg{}
	byAgencyYear := map[key]*agg{}
	rows, err := db.Query(`SELECT buyer_id, year, amount_exact, currency FROM portal_awards WHERE counted = 1 AND has_value = 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var buyer, amount, cur string
		var year sql.NullInt64
		if err := rows.Scan(&buyer, &year, &amount, &cur); err != nil {
			t.Fatal(err)
		}
		add(byAgency, key{buyer, cur}, amount)
		add(byAgencyYear, key{fmt.Sprintf("%s|%d", buyer, year.Int64), cur}, amount)
	}
	rows.Close()
	bySupplier := map[key]*agg{}
	rows, err = db.Query(`SELECT s.supplier_id, a.amount_exact, a.currency FROM portal_award_suppliers s
		JOIN portal_awards a ON a.ocid = s.ocid AND a.award_index = s.award_index
		WHERE a.counted = 1 AND a.has_value = 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sup, amount, cur string
		if err := rows.Scan(&sup, &amount, &cur); err != nil {
			t.Fatal(err)
		}
		add(bySupplier, key{sup, cur}, amount)
	}
	rows.Close()
	if len(byAgency) < 10 || len(bySupplier) < 10 {
		t.Fatalf("too little to reconcile: %d agency and %d supplier totals", len(byAgency), len(bySupplier))
	}

	equal := func(what string, m procure.Money, want *agg) {
		t.Helper()
		g, ok := new(big.Rat).SetString(m.Amount.String())
		if !ok || want == nil || g.Cmp(want.sum) != 0 {
			w := "none"
			if want != nil {
				w = want.sum.FloatString(2)
			}
			t.Errorf("%s: API %s, dump %s", what, m, w)
		}
	}
	agencies := map[string]bool{}
	for k := range byAgency {
		agencies[k.party] = true
	}
	for id := range agencies {
		var ag procure.AgencyDetail
		getJSON(t, a, "/api/v1/agencies/"+url.PathEscape(id), &ag)
		for _, m := range ag.Totals {
			equal("agency "+id+" total "+m.Currency, m, byAgency[key{id, m.Currency}])
		}
		n := 0
		for k := range byAgency {
			if k.party == id {
				n++
			}
		}
		if len(ag.Totals) != n {
			t.Errorf("agency %s: API totals in %d currencies, dump in %d", id, len(ag.Totals), n)
		}
		for _, y := range ag.ByYear {
			k := key{fmt.Sprintf("%s|%d", id, y.Year), y.Amount.Currency}
			equal(fmt.Sprintf("agency %s year %d", id, y.Year), y.Amount, byAgencyYear[k])
			if w := byAgencyYear[k]; w != nil && w.count != y.Count {
				t.Errorf("agency %s year %d %s: API %d awards, dump %d", id, y.Year, y.Amount.Currency, y.Count, w.count)
			}
		}
	}
	suppliers := map[string]bool{}
	for k := range bySupplier {
		suppliers[k.party] = true
	}
	for id := range suppliers {
		var sp procure.SupplierDetail
		getJSON(t, a, "/api/v1/suppliers/"+url.PathEscape(id), &sp)
		for _, m := range sp.Totals {
			equal("supplier "+id+" total "+m.Currency, m, bySupplier[key{id, m.Currency}])
		}
	}
}
