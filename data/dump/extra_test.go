package dump_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenderlens/tenderlens/data/dump"
)

// TestDerivedTables: optional store tables (risk verdicts and the like)
// are dumped when present, with the licences their rows declare; without
// them the dump still works (the other tests).
func TestDerivedTables(t *testing.T) {
	st := openStore(t)
	importDemo(t, st)
	db, err := sql.Open("sqlite", "file://"+st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE risk_verdicts (supplier_id TEXT NOT NULL, rule TEXT NOT NULL, verdict TEXT, share_min REAL, license TEXT, detail BLOB, PRIMARY KEY (supplier_id, rule)) WITHOUT ROWID`,
		`INSERT INTO risk_verdicts VALUES ('s2', 'ofac50', 'possible', 25.5, 'OpenSanctions CC BY-NC 4.0', '{"path":["a","b"]}'),
			('s1', 'ofac50', 'yes', 50, 'OpenSanctions CC BY-NC 4.0', NULL)`,
		`CREATE TABLE internal_cache (k TEXT)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if _, err := newWriter(t, dir, func(c *dump.Config) { c.Disable = []string{"xlsx", "agencies", "years"} }).
		Write(context.Background(), src(st), fixedTime); err != nil {
		t.Fatal(err)
	}
	m, g := current(t, dir)
	var found bool
	for _, tb := range m.Tables {
		if tb.Name == "internal_cache" {
			t.Error("a table no pattern selects was dumped")
		}
		if tb.Name == "risk_verdicts" {
			found = true
			if tb.Rows != 2 || tb.Group != "derived" || len(tb.Licences) != 1 || tb.Licences[0] != "CC-BY-NC-4.0" {
				t.Errorf("risk_verdicts described as %+v", tb)
			}
		}
	}
	if !found {
		t.Fatal("risk_verdicts not dumped")
	}
	nc := false
	for _, l := range m.Licences {
		if l.Scope == "risk_verdicts" && l.NonCommercial && l.ThirdParty {
			nc = true
		}
	}
	if !nc {
		t.Errorf("the non-commercial licence of the derived table is not in the manifest: %+v", m.Licences)
	}
	if _, err := os.Stat(filepath.Join(g, "parquet", "risk_verdicts.parquet")); err != nil {
		t.Error(err)
	}
	out, err := sql.Open("sqlite", "file://"+filepath.Join(g, "tenderlens.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var first, detail string
	if err := out.QueryRow(`SELECT supplier_id, detail FROM risk_verdicts WHERE rule = 'ofac50' AND verdict = 'possible'`).Scan(&first, &detail); err != nil {
		t.Fatal(err)
	}
	if first != "s2" || detail != `{"path":["a","b"]}` {
		t.Errorf("row = %q %q", first, detail)
	}
}
