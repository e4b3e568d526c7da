package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// The read side of the open-data dumps (data/dump). Everything here reads
// one consistent snapshot: a dump must not mix the state before and after
// an import that commits while it runs, or its totals would not reconcile.

// DumpSnapshot is a read-only snapshot of the store for writing a dump.
// Every method reads the same committed state (one SQLite read transaction,
// which in WAL mode never blocks imports; it only delays the checkpoint
// from trimming the WAL file until Close). Methods must be called one at a
// time, and a callback must not call back into the snapshot.
type DumpSnapshot struct {
	s  *Store
	tx *sql.Tx
}

// DumpSnapshot opens a snapshot. Close it when done.
func (s *Store) DumpSnapshot(ctx context.Context) (*DumpSnapshot, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, fmt.Errorf("dump snapshot: %w", err)
	}
	// Pin the snapshot now: SQLite starts a read transaction at its first read.
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("dump snapshot: %w", err)
	}
	return &DumpSnapshot{s: s, tx: tx}, nil
}

// Close ends the snapshot.
func (d *DumpSnapshot) Close() error {
	if d.tx == nil {
		return nil
	}
	err := d.tx.Rollback()
	d.tx = nil
	return err
}

// DumpInfo describes the data set as a whole.
type DumpInfo struct {
	Demo bool
	// DataAsOf is the "data-as-of" meta value when set, else the newest
	// retrieval time of a current release, else the newest release date.
	// It depends on the stored data only, never on the clock.
	DataAsOf    time.Time
	StoreSchema int
	Sources     []DumpSource
}

// DumpSource is what the store knows about one import source's data.
type DumpSource struct {
	Name          string
	Publishers    []string // package publishers, sorted
	Licences      []string // package licences as declared, sorted
	Contracts     int64
	Releases      int64 // current releases
	NewestRelease time.Time
	Retrieved     time.Time
}

// Info returns the data set's description and its sources.
func (d *DumpSnapshot) Info(ctx context.Context) (DumpInfo, error) {
	var info DumpInfo
	ver, err := dbVersion(ctx, d.tx)
	if err != nil {
		return info, fmt.Errorf("dump info: %w", err)
	}
	info.StoreSchema = ver
	meta := map[string]string{}
	rows, err := d.tx.QueryContext(ctx, "SELECT key, value FROM meta WHERE key IN (?, ?)", MetaDemo, MetaDataAsOf)
	if err != nil {
		return info, fmt.Errorf("dump info: meta: %w", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return info, fmt.Errorf("dump info: meta: %w", err)
		}
		meta[k] = v
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return info, fmt.Errorf("dump info: meta: %w", err)
	}
	info.Demo = meta[MetaDemo] == "1"

	type srcAcc struct {
		DumpSource
		pubs, lics map[string]bool
	}
	srcs := map[string]*srcAcc{}
	get := func(name string) *srcAcc {
		a := srcs[name]
		if a == nil {
			a = &srcAcc{DumpSource: DumpSource{Name: name}, pubs: map[string]bool{}, lics: map[string]bool{}}
			srcs[name] = a
		}
		return a
	}
	rows, err = d.tx.QueryContext(ctx, `SELECT o.source, o.package, count(*), max(r.date), max(o.retrieved_at)
		FROM releases r JOIN release_origins o ON o.id = r.origin_id
		WHERE r.superseded_by IS NULL GROUP BY o.source, o.package`)
	if err != nil {
		return info, fmt.Errorf("dump info: sources: %w", err)
	}
	var newestRetrieved, newestRelease time.Time
	for rows.Next() {
		var name, pkg string
		var n int64
		var date, retrieved sql.NullInt64
		if err := rows.Scan(&name, &pkg, &n, &date, &retrieved); err != nil {
			rows.Close()
			return info, fmt.Errorf("dump info: sources: %w", err)
		}
		a := get(name)
		a.Releases += n
		var pm procure.PackageMeta
		if json.Unmarshal([]byte(pkg), &pm) == nil {
			if p := strings.TrimSpace(pm.Publisher); p != "" {
				a.pubs[p] = true
			}
			if l := strings.TrimSpace(pm.License); l != "" {
				a.lics[l] = true
			}
		}
		if t := fromDBTime(date); t.After(a.NewestRelease) {
			a.NewestRelease = t
		}
		if t := fromDBTime(retrieved); t.After(a.Retrieved) {
			a.Retrieved = t
		}
		if a.NewestRelease.After(newestRelease) {
			newestRelease = a.NewestRelease
		}
		if a.Retrieved.After(newestRetrieved) {
			newestRetrieved = a.Retrieved
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return info, fmt.Errorf("dump info: sources: %w", err)
	}
	rows, err = d.tx.QueryContext(ctx, "SELECT source, contracts FROM source_total")
	if err != nil {
		return info, fmt.Errorf("dump info: source totals: %w", err)
	}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			rows.Close()
			return info, fmt.Errorf("dump info: source totals: %w", err)
		}
		if n > 0 {
			get(name).Contracts = n
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return info, fmt.Errorf("dump info: source totals: %w", err)
	}
	for _, name := range sortedKeysOf(srcs) {
		a := srcs[name]
		a.Publishers = sortedKeysOf(a.pubs)
		a.Licences = sortedKeysOf(a.lics)
		info.Sources = append(info.Sources, a.DumpSource)
	}
	switch t, err := time.Parse(time.RFC3339Nano, meta[MetaDataAsOf]); {
	case err == nil:
		info.DataAsOf = t.UTC()
	case !newestRetrieved.IsZero():
		info.DataAsOf = newestRetrieved
	default:
		info.DataAsOf = newestRelease
	}
	return info, nil
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Fingerprint returns a short hash that changes whenever the data a dump
// holds may have changed: contracts recompiled, releases stored, meta
// values, or the rows of the optional tables matching patterns. Equal
// fingerprints let a scheduled dump skip work; they are not a content hash.
func (d *DumpSnapshot) Fingerprint(ctx context.Context, patterns []string) (string, error) {
	h := sha256.New()
	var a, b, c, e int64
	if err := d.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM contracts),
		(SELECT coalesce(max(updated_at), 0) FROM contracts), (SELECT coalesce(max(id), 0) FROM releases),
		(SELECT count(*) FROM parties)`).Scan(&a, &b, &c, &e); err != nil {
		return "", fmt.Errorf("dump fingerprint: %w", err)
	}
	ver, err := dbVersion(ctx, d.tx)
	if err != nil {
		return "", fmt.Errorf("dump fingerprint: %w", err)
	}
	fmt.Fprintf(h, "v%d %d %d %d %d\n", ver, a, b, c, e)
	rows, err := d.tx.QueryContext(ctx, "SELECT key, value FROM meta ORDER BY key")
	if err != nil {
		return "", fmt.Errorf("dump fingerprint: %w", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return "", fmt.Errorf("dump fingerprint: %w", err)
		}
		fmt.Fprintf(h, "%q=%q\n", k, v)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return "", fmt.Errorf("dump fingerprint: %w", err)
	}
	tables, err := d.DumpTables(ctx, patterns)
	if err != nil {
		return "", err
	}
	for _, t := range tables {
		var n int64
		if err := d.tx.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(t.Name)).Scan(&n); err != nil {
			return "", fmt.Errorf("dump fingerprint: %s: %w", t.Name, err)
		}
		fmt.Fprintf(h, "%s %d\n", t.Name, n)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// DumpContract is one compiled contracting process.
type DumpContract struct {
	OCID string
	// Compiled is the compiled release exactly as merged.
	Compiled json.RawMessage
	Summary  procure.Contract
}

// dumpChunk is how many contracts are read per query.
const dumpChunk = 256

// EachContract calls fn with every compiled contract in ocid order.
func (d *DumpSnapshot) EachContract(ctx context.Context, fn func(DumpContract) error) error {
	after := ""
	for {
		chunk, err := d.contracts(ctx, `SELECT c.ocid, d.summary, d.compiled FROM contracts c
			JOIN contract_docs d ON d.contract_id = c.id WHERE c.ocid > ? ORDER BY c.ocid LIMIT ?`, after, dumpChunk)
		if err != nil {
			return fmt.Errorf("each contract: %w", err)
		}
		for _, c := range chunk {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(chunk) < dumpChunk {
			return nil
		}
		after = chunk[len(chunk)-1].OCID
	}
}

// EachContractByBuyer calls fn with every compiled contract that has a
// buyer, in (buyer ID, ocid) order.
func (d *DumpSnapshot) EachContractByBuyer(ctx context.Context, fn func(DumpContract) error) error {
	var buyers []string
	rows, err := d.tx.QueryContext(ctx, "SELECT DISTINCT buyer_id FROM contracts WHERE buyer_id != '' ORDER BY buyer_id")
	if err != nil {
		return fmt.Errorf("each contract by buyer: %w", err)
	}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return fmt.Errorf("each contract by buyer: %w", err)
		}
		buyers = append(buyers, b)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("each contract by buyer: %w", err)
	}
	for _, b := range buyers {
		var ocids []string
		rows, err := d.tx.QueryContext(ctx, "SELECT ocid FROM contracts WHERE buyer_id = ? ORDER BY ocid", b)
		if err != nil {
			return fmt.Errorf("contracts of buyer %s: %w", b, err)
		}
		for rows.Next() {
			var o string
			if err := rows.Scan(&o); err != nil {
				rows.Close()
				return fmt.Errorf("contracts of buyer %s: %w", b, err)
			}
			ocids = append(ocids, o)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("contracts of buyer %s: %w", b, err)
		}
		for i := 0; i < len(ocids); i += dumpChunk {
			part := ocids[i:min(i+dumpChunk, len(ocids))]
			chunk, err := d.contracts(ctx, `SELECT c.ocid, d.summary, d.compiled FROM contracts c
				JOIN contract_docs d ON d.contract_id = c.id
				WHERE c.ocid IN (SELECT value FROM json_each(?)) ORDER BY c.ocid`, jsonList(part))
			if err != nil {
				return fmt.Errorf("contracts of buyer %s: %w", b, err)
			}
			for _, c := range chunk {
				if err := fn(c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (d *DumpSnapshot) contracts(ctx context.Context, query string, args ...any) ([]DumpContract, error) {
	rows, err := d.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DumpContract
	for rows.Next() {
		var c DumpContract
		var summary, compiled []byte
		if err := rows.Scan(&c.OCID, &summary, &compiled); err != nil {
			return nil, err
		}
		if c.Summary, err = d.s.decodeSummary(summary); err != nil {
			return nil, fmt.Errorf("%s: %w", c.OCID, err)
		}
		js, err := d.s.codec.unpack(compiled)
		if err != nil {
			return nil, fmt.Errorf("%s compiled release: %w", c.OCID, err)
		}
		c.Compiled = js
		out = append(out, c)
	}
	return out, rows.Err()
}

// DumpParty is an organisation with its role counters.
type DumpParty struct {
	Party          procure.Party
	BuyerContracts int64
	BuyerAwards    int64
	SupplierAwards int64
}

// EachParty calls fn with every organisation in ID order.
func (d *DumpSnapshot) EachParty(ctx context.Context, fn func(DumpParty) error) error {
	return eachPage(ctx, d.tx, "each party", "SELECT "+partyCols+`, buyer_contracts, buyer_awards, supplier_awards
			FROM parties WHERE id > ? ORDER BY id LIMIT ?`, 1000,
		func(rows *sql.Rows) (DumpParty, string, error) {
			var p partyRow
			var dp DumpParty
			if err := rows.Scan(&p.id, &p.name, &p.scheme, &p.identifier, &p.legalName, &p.country, &p.address, &p.buyerType,
				&p.language, &p.additionalIDs, &p.seenAt, &dp.BuyerContracts, &dp.BuyerAwards, &dp.SupplierAwards); err != nil {
				return DumpParty{}, "", err
			}
			dp.Party = p.toParty()
			return dp, dp.Party.ID, nil
		}, fn)
}

// Scopes of DumpTotal.
const (
	TotalBuyerYear = "buyer-year" // ID = buyer, Year set
	TotalSupplier  = "supplier"   // ID = supplier, Year 0
	TotalCurrency  = "currency"   // ID "", Year 0
)

// DumpTotal is one precomputed spending total of counted awards with a
// value: what the agency and supplier pages and the API show.
type DumpTotal struct {
	Scope    string
	ID       string
	Year     int
	Currency string
	Units    *big.Int // in procure.Decimal units (1/10000)
	Count    int64
}

// AwardTotals returns the store's aggregate tables (buyer × currency ×
// year, supplier × currency, currency) for reconciling a dump against them.
func (d *DumpSnapshot) AwardTotals(ctx context.Context) ([]DumpTotal, error) {
	var out []DumpTotal
	for _, q := range []struct{ scope, sql string }{
		{TotalBuyerYear, "SELECT buyer_id, year, currency, whole, frac, cnt FROM buyer_year ORDER BY buyer_id, currency, year"},
		{TotalSupplier, "SELECT supplier_id, 0, currency, whole, frac, cnt FROM supplier_total ORDER BY supplier_id, currency"},
		{TotalCurrency, "SELECT '', 0, currency, whole, frac, cnt FROM currency_total ORDER BY currency"},
	} {
		rows, err := d.tx.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("award totals: %w", err)
		}
		for rows.Next() {
			t := DumpTotal{Scope: q.scope}
			var whole, frac int64
			if err := rows.Scan(&t.ID, &t.Year, &t.Currency, &whole, &frac, &t.Count); err != nil {
				rows.Close()
				return nil, fmt.Errorf("award totals: %w", err)
			}
			if t.Count == 0 && whole == 0 && frac == 0 {
				continue
			}
			t.Units = new(big.Int).Mul(big.NewInt(whole), big.NewInt(unitsPerWhole))
			t.Units.Add(t.Units, big.NewInt(frac))
			out = append(out, t)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("award totals: %w", err)
		}
	}
	return out, nil
}

// DumpTable is an optional table of the store (risk verdicts, ownership
// paths, ... written by later features) that a dump includes when present.
type DumpTable struct {
	Name    string
	Columns []DumpColumn
	// Order is the ORDER BY clause EachRow uses: the primary key, else the
	// rowid, so that rows come out in a stable order without sorting.
	order string
}

// DumpColumn is a column with its declared SQLite type (upper case).
type DumpColumn struct {
	Name string
	Type string
}

// coreTables are never dumped as optional tables: the dump has its own
// views of them.
var coreTables = map[string]bool{
	"import_runs": true, "run_problems": true, "source_state": true, "meta": true, "release_origins": true,
	"releases": true, "contracts": true, "contract_docs": true, "awards": true, "award_suppliers": true,
	"parties": true, "party_names": true, "contract_parties": true, "buyer_year": true, "buyer_category": true,
	"buyer_supplier": true, "supplier_total": true, "supplier_market": true, "currency_total": true,
	"buyer_type_total": true, "source_total": true, "counters": true, "schema_migrations": true,
}

// DumpTables returns the tables whose names match one of the patterns
// (path.Match syntax, e.g. "risk_*"), in name order. Tables that do not
// exist are simply absent: features that add them may not be installed.
func (d *DumpSnapshot) DumpTables(ctx context.Context, patterns []string) ([]DumpTable, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	rows, err := d.tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("dump tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dump tables: %w", err)
		}
		if coreTables[n] {
			continue
		}
		for _, p := range patterns {
			if ok, _ := path.Match(p, n); ok {
				names = append(names, n)
				break
			}
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("dump tables: %w", err)
	}
	var out []DumpTable
	for _, n := range names {
		t := DumpTable{Name: n}
		rows, err := d.tx.QueryContext(ctx, "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", n)
		if err != nil {
			return nil, fmt.Errorf("dump table %s: %w", n, err)
		}
		pks := map[int]string{}
		for rows.Next() {
			var c DumpColumn
			var pk int
			if err := rows.Scan(&c.Name, &c.Type, &pk); err != nil {
				rows.Close()
				return nil, fmt.Errorf("dump table %s: %w", n, err)
			}
			c.Type = strings.ToUpper(c.Type)
			t.Columns = append(t.Columns, c)
			if pk > 0 {
				pks[pk] = quoteIdent(c.Name)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("dump table %s: %w", n, err)
		}
		if len(t.Columns) == 0 {
			continue // a virtual table or view
		}
		var sqlText string
		_ = d.tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE name = ?", n).Scan(&sqlText)
		withoutRowid := strings.Contains(strings.ToUpper(sqlText), "WITHOUT ROWID")
		switch {
		case len(pks) > 0:
			order := make([]string, 0, len(pks))
			for i := 1; i <= len(pks); i++ {
				order = append(order, pks[i])
			}
			t.order = strings.Join(order, ", ")
		case !withoutRowid:
			t.order = "rowid"
		default:
			all := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				all[i] = quoteIdent(c.Name)
			}
			t.order = strings.Join(all, ", ")
		}
		if strings.Contains(strings.ToUpper(sqlText), "VIRTUAL TABLE") {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// EachRow calls fn with every row of an optional table, in primary-key (or
// rowid) order. Values are int64, float64, string, []byte or nil; blobs
// holding the store's compressed JSON are returned decompressed.
func (d *DumpSnapshot) EachRow(ctx context.Context, t DumpTable, fn func([]any) error) error {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name)
	}
	order := t.order
	if order == "" {
		order = "rowid"
	}
	rows, err := d.tx.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteIdent(t.Name)+" ORDER BY "+order)
	if err != nil {
		return fmt.Errorf("dump table %s: %w", t.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("dump table %s: %w", t.Name, err)
		}
		out := make([]any, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				if u, err := d.s.codec.unpack(b); err == nil {
					b = u
				}
				v = append([]byte(nil), b...)
			}
			out[i] = v
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dump table %s: %w", t.Name, err)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// SitemapIDs returns one page of the IDs the sitemaps list, in ID order:
// kind "contracts" (ocids), "agencies" (buyers) or "suppliers".
func (s *Store) SitemapIDs(ctx context.Context, kind string, offset, limit int) ([]string, error) {
	var q string
	switch kind {
	case "contracts":
		q = "SELECT ocid FROM contracts ORDER BY ocid LIMIT ? OFFSET ?"
	case "agencies":
		q = "SELECT id FROM parties WHERE buyer_contracts > 0 ORDER BY id LIMIT ? OFFSET ?"
	case "suppliers":
		q = "SELECT id FROM parties WHERE supplier_awards > 0 ORDER BY id LIMIT ? OFFSET ?"
	default:
		return nil, fmt.Errorf("sitemap %q: %w", kind, procure.ErrNotFound)
	}
	rows, err := s.r.QueryContext(ctx, q, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: %w", kind, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sitemap %s: %w", kind, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
