package dump

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // the pure-Go "sqlite" driver

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// ftsTables are the full-text indexes of the SQLite file: external-content
// FTS5 tables (Datasette finds them and shows a search box).
var ftsTables = []struct {
	table, fts string
	cols       []string
}{
	{"portal_contracts", "portal_contracts_fts", []string{"title", "description", "buyer_name", "supplier_names"}},
	{"portal_organisations", "portal_organisations_fts", []string{"name", "legal_name", "identifier"}},
}

// indexed columns of the SQLite file, when the table has them.
var sqliteIndexes = []string{"ocid", "buyer_id", "supplier_id", "year"}

// writeSQLite writes every table into one SQLite file with full-text
// search on names and titles, and a Datasette metadata.json beside it.
func (b *build) writeSQLite(ctx context.Context, tables []*table) error {
	p := filepath.Join(b.dir, fileSQLite)
	os.Remove(p)
	q := url.Values{}
	for _, pr := range []string{"page_size(4096)", "journal_mode(off)", "synchronous(off)", "temp_store(memory)", "foreign_keys(0)"} {
		q.Add("_pragma", pr)
	}
	db, err := sql.Open("sqlite", "file://"+filepath.ToSlash(p)+"?"+q.Encode())
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	exec := func(query string, args ...any) error {
		if _, err := db.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("%s: %w", firstLine(query), err)
		}
		return nil
	}
	// An application ID lets tools recognise the file ("TLDB").
	if err := exec("PRAGMA application_id = 0x544c4442"); err != nil {
		return err
	}
	if err := exec("PRAGMA user_version = " + strconv.Itoa(manifest.FormatVersion)); err != nil {
		return err
	}
	var total int64
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(t.cols) == 0 {
			continue
		}
		defs := make([]string, len(t.cols))
		marks := make([]string, len(t.cols))
		types := make([]string, len(t.cols))
		for i, c := range t.cols {
			types[i] = c.typeOf()
			sqlType := "TEXT"
			switch types[i] {
			case tInteger, tBoolean:
				sqlType = "INTEGER"
			case tNumber:
				sqlType = "REAL"
			}
			defs[i] = quoteIdent(c.name) + " " + sqlType
			marks[i] = "?"
		}
		if err := exec("CREATE TABLE " + quoteIdent(t.name) + " (" + strings.Join(defs, ", ") + ")"); err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+quoteIdent(t.name)+" VALUES ("+strings.Join(marks, ", ")+")")
		if err != nil {
			tx.Rollback()
			return err
		}
		args := make([]any, len(t.cols))
		err = t.sp.each(len(t.cols), func(_ int, vals []cell) error {
			for i, v := range vals {
				args[i] = sqliteValue(v, types[i])
			}
			_, err := stmt.ExecContext(ctx, args...)
			return err
		})
		stmt.Close()
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("table %s: %w", t.name, err)
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		for _, col := range sqliteIndexes {
			if _, ok := t.byName[col]; ok && (t.group != "ocds" || col == "ocid") {
				if err := exec("CREATE INDEX " + quoteIdent(t.name+"_"+col) + " ON " + quoteIdent(t.name) + " (" + quoteIdent(col) + ")"); err != nil {
					return err
				}
			}
		}
		total += t.rows
	}
	for _, f := range ftsTables {
		if _, ok := b.byName[f.table]; !ok {
			continue
		}
		cols := make([]string, len(f.cols))
		for i, c := range f.cols {
			cols[i] = quoteIdent(c)
		}
		list := strings.Join(cols, ", ")
		// content="table" exactly: how Datasette detects the index.
		if err := exec(fmt.Sprintf(`CREATE VIRTUAL TABLE %s USING fts5(%s, content="%s")`, quoteIdent(f.fts), list, f.table)); err != nil {
			return err
		}
		if err := exec(fmt.Sprintf("INSERT INTO %s (rowid, %s) SELECT rowid, %s FROM %s", quoteIdent(f.fts), list, list, quoteIdent(f.table))); err != nil {
			return err
		}
	}
	if err := exec("VACUUM"); err != nil {
		return err
	}
	closed = true
	if err := db.Close(); err != nil {
		return err
	}
	e, err := hashFile(b.dir, manifest.File{Name: fileSQLite, Title: "All tables in one SQLite database with full-text search (open it with Datasette)",
		Format: "sqlite", Kind: "database"})
	if err != nil {
		return err
	}
	e.Rows = total
	b.add(e)
	return b.writeDatasetteMetadata(tables)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// sqliteValue converts a cell to the column's SQL type.
func sqliteValue(c cell, typ string) any {
	if c.kind == kNull {
		return nil
	}
	switch typ {
	case tInteger:
		if n, err := strconv.ParseInt(c.text, 10, 64); err == nil {
			return n
		}
	case tNumber:
		if f, err := strconv.ParseFloat(c.text, 64); err == nil {
			return f
		}
	case tBoolean:
		if c.text == "true" {
			return int64(1)
		}
		return int64(0)
	}
	return c.text
}

// datasetteFacets are the facets Datasette shows by default per table.
var datasetteFacets = map[string][]string{
	"portal_contracts":       {"buyer_type", "country", "year", "currency", "method", "category"},
	"portal_awards":          {"year", "currency", "status", "counted"},
	"portal_award_suppliers": {"year", "currency", "counted"},
	"portal_organisations":   {"country", "buyer_type"},
	"releases":               {"tender/status", "tender/procurementMethod", "tender/mainProcurementCategory", "language"},
	"awards":                 {"awards/0/status", "awards/0/value/currency"},
	"contracts":              {"contracts/0/status"},
}

var datasetteLabels = map[string]string{
	"portal_contracts": "title", "portal_organisations": "name", "releases": "tender/title",
}

// writeDatasetteMetadata writes metadata.json for `datasette tenderlens.db
// --metadata metadata.json`: titles, descriptions, licence, source and the
// default facets of each table.
func (b *build) writeDatasetteMetadata(tables []*table) error {
	type tableMeta struct {
		Title       string            `json:"title,omitempty"`
		Description string            `json:"description,omitempty"`
		Facets      []string          `json:"facets,omitempty"`
		LabelColumn string            `json:"label_column,omitempty"`
		SortDesc    string            `json:"sort_desc,omitempty"`
		FTSTable    string            `json:"fts_table,omitempty"`
		FTSPk       string            `json:"fts_pk,omitempty"`
		Columns     map[string]string `json:"columns,omitempty"`
		License     string            `json:"license,omitempty"`
	}
	type dbMeta struct {
		Description string                `json:"description"`
		Tables      map[string]*tableMeta `json:"tables"`
	}
	type meta struct {
		Title       string            `json:"title"`
		Description string            `json:"description"`
		License     string            `json:"license,omitempty"`
		LicenseURL  string            `json:"license_url,omitempty"`
		Source      string            `json:"source"`
		SourceURL   string            `json:"source_url,omitempty"`
		Databases   map[string]dbMeta `json:"databases"`
	}
	lics := b.licences()
	names := make([]string, 0, len(lics))
	for _, l := range lics {
		if l.Scope != "portal" {
			names = append(names, l.Name+" ("+l.Scope+")")
		}
	}
	desc := b.w.cfg.Description
	if !b.info.DataAsOf.IsZero() {
		desc += " Data as of " + b.info.DataAsOf.UTC().Format("2006-01-02") + "."
	}
	if b.info.Demo {
		desc = "DEMO DATA, generated for demonstration; not real procurement data. " + desc
	}
	if len(names) > 0 {
		desc += " Licences: " + strings.Join(names, "; ") + "."
	}
	m := meta{Title: b.w.cfg.Title, Description: desc, License: b.w.cfg.Licence.Title, LicenseURL: b.w.cfg.Licence.URL,
		Source: "Tenderlens", Databases: map[string]dbMeta{}}
	if m.License == "" {
		m.License = b.w.cfg.Licence.Name
	}
	if b.w.cfg.BaseURL != "" {
		m.SourceURL = b.w.cfg.BaseURL + "/downloads"
	}
	db := dbMeta{Description: "Procurement data flattened into tables; start with portal_contracts and portal_awards.", Tables: map[string]*tableMeta{}}
	for _, t := range tables {
		tm := &tableMeta{Title: t.title, Description: t.description, LabelColumn: datasetteLabels[t.name]}
		for _, f := range datasetteFacets[t.name] {
			if _, ok := t.byName[f]; ok {
				tm.Facets = append(tm.Facets, f)
			}
		}
		if _, ok := t.byName["date"]; ok && t.group == "portal" {
			tm.SortDesc = "date"
		}
		for _, f := range ftsTables {
			if f.table == t.name {
				tm.FTSTable, tm.FTSPk = f.fts, "rowid"
			}
		}
		if t.group == "portal" {
			tm.Columns = map[string]string{}
			for _, c := range t.cols {
				if c.desc != "" {
					tm.Columns[c.name] = c.desc
				}
			}
		}
		if len(t.licences) > 0 {
			tm.License = strings.Join(t.licences, ", ")
		}
		db.Tables[t.name] = tm
	}
	m.Databases[strings.TrimSuffix(fileSQLite, ".db")] = db
	js, err := json.MarshalIndent(m, "", "  ") // map keys are sorted: deterministic
	if err != nil {
		return err
	}
	out, err := create(b.dir, manifest.File{Name: fileDatasett, Title: "Datasette metadata for " + fileSQLite + " (datasette " + fileSQLite + " --metadata " + fileDatasett + ")",
		Format: "json", Kind: "metadata"}, false)
	if err != nil {
		return err
	}
	if _, err := out.Write(append(js, '\n')); err != nil {
		out.abort()
		return err
	}
	e, err := out.close()
	if err != nil {
		return err
	}
	b.add(e)
	return nil
}
