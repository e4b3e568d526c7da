package dump

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/procure"
)

// File names inside a generation.
const (
	fileFull     = "releases.jsonl.gz"
	fileIndex    = "releases-index.tsv.gz"
	fileCSV      = "tables.csv.zip"
	fileXLSX     = "tables.xlsx"
	fileSQLite   = "tenderlens.db"
	fileDatasett = "metadata.json"
)

// build is one generation being written.
type build struct {
	w     *Writer
	dir   string // the temporary generation directory
	work  string // spools, removed before publishing
	snap  Snapshot
	prev  string
	prevM *manifest.Manifest

	info  Info
	asOf  time.Time // data as of, never before 1980 (zip times)
	files []manifest.File
	notes []string

	tables []*table
	byName map[string]*table

	pContracts, pAwards, pAwardSuppliers, pOrganisations *table

	sums                             totals
	contracts, awards, organisations int64
	buyerNames                       map[string]string
	extraLicences                    []manifest.Licence
}

func newBuild(w *Writer, dir string, snap Snapshot, prev string, prevM *manifest.Manifest) *build {
	return &build{w: w, dir: dir, work: filepath.Join(dir, ".work"), snap: snap, prev: prev, prevM: prevM,
		byName: map[string]*table{}, sums: totals{}, buyerNames: map[string]string{}}
}

func (b *build) newTable(name, title, desc, group string) (*table, error) {
	if _, ok := b.byName[name]; ok {
		return nil, fmt.Errorf("two tables named %q", name)
	}
	sp, err := newSpool(b.work, fmt.Sprintf("%03d-%s", len(b.tables), name))
	if err != nil {
		return nil, err
	}
	t := &table{name: name, title: title, description: desc, group: group, byName: map[string]int{},
		maxCols: b.w.cfg.MaxColumns, sp: sp, first: len(b.tables)}
	b.tables = append(b.tables, t)
	b.byName[name] = t
	return t, nil
}

func (b *build) fixedTable(name, title, desc string, cols []colDef) (*table, error) {
	t, err := b.newTable(name, title, desc, "portal")
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		t.cols = append(t.cols, &column{name: c.name, typ: c.typ, desc: c.desc})
		t.byName[c.name] = len(t.cols) - 1
	}
	t.fixed = true
	return t, nil
}

// ocdsTable returns (creating) the flatten-tool table for an array path.
func (b *build) ocdsTable(p []string, keys []keyCell) *table {
	name := tableName(p)
	if t, ok := b.byName[name]; ok {
		return t
	}
	var title, desc string
	if name == "releases" {
		title = "Compiled releases (main table)"
		desc = "One row per contracting process: every field of its OCDS compiled release that is not in an array of objects, " +
			"columns named by JSON path (flatten-tool layout). Arrays of strings are joined with \";\"."
	} else {
		jp := strings.Join(p, "/")
		title = "OCDS " + jp
		var kn []string
		for _, k := range keys {
			kn = append(kn, k.name)
		}
		desc = "One row per element of " + jp + " in the compiled releases, keyed by " + strings.Join(kn, ", ") +
			" (flatten-tool layout: columns named like " + strings.Join(p, "/0/") + "/0/id)."
	}
	t, err := b.newTable(name, title, desc, "ocds")
	if err != nil {
		// two paths giving one name ("a_b" and "a/b"): keep them apart
		t, err = b.newTable(name+"_"+strconv.Itoa(len(b.tables)), title, desc, "ocds")
		if err != nil {
			panic(err) // only fails on disk errors creating the spool; surfaced below
		}
	}
	return t
}

func (b *build) add(f manifest.File) { b.files = append(b.files, f) }

func (b *build) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// run writes every file of the generation and returns its manifest.
func (b *build) run(ctx context.Context) (*manifest.Manifest, error) {
	info, err := b.snap.Info(ctx)
	if err != nil {
		return nil, err
	}
	b.info = info
	b.asOf = info.DataAsOf.UTC()
	if min := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC); b.asOf.Before(min) {
		b.asOf = min
	}
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(b.work)

	if b.pContracts, err = b.fixedTable("portal_contracts", "Contracting processes (portal summary)",
		"One row per contracting process with the portal's buyer and supplier IDs, exact amounts and dates: the table to start with.", portalContractCols); err != nil {
		return nil, err
	}
	if b.pAwards, err = b.fixedTable("portal_awards", "Awards (portal summary)",
		"One row per award. Totals on the portal add the amount of awards with counted = true and has_value = true, per currency and year.", portalAwardCols); err != nil {
		return nil, err
	}
	if b.pAwardSuppliers, err = b.fixedTable("portal_award_suppliers", "Award suppliers (portal summary)",
		"One row per supplier of an award, with the award's value: sum amount per supplier_id and currency for what a supplier won.", portalAwardSupplierCols); err != nil {
		return nil, err
	}
	if b.pOrganisations, err = b.fixedTable("portal_organisations", "Organisations (portal summary)",
		"Every buyer and supplier with its portal ID, identifiers, address and counts.", portalOrganisationCols); err != nil {
		return nil, err
	}

	b.w.log.Info("dump: writing compiled releases")
	if err := b.passContracts(ctx); err != nil {
		return nil, err
	}
	if err := b.passOrganisations(ctx); err != nil {
		return nil, err
	}
	if b.w.enabled("agencies") {
		if err := b.passAgencies(ctx); err != nil {
			return nil, err
		}
	}
	if err := b.passExtraTables(ctx); err != nil {
		return nil, err
	}
	for _, t := range b.tables {
		if err := t.sp.finish(); err != nil {
			return nil, fmt.Errorf("spool %s: %w", t.name, err)
		}
		if len(t.dropped) > 0 {
			b.note("Table %s has more than %d columns; %d rarely used columns were left out of the tables (they are in the JSON Lines files).", t.name, b.w.cfg.MaxColumns, len(t.dropped))
		}
	}
	rec, err := b.reconcile(ctx)
	if err != nil {
		return nil, err
	}
	ordered := b.orderedTables()
	if b.w.enabled("csv") {
		b.w.log.Info("dump: writing CSV tables")
		if err := b.writeCSV(ctx, ordered); err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
	}
	if b.w.enabled("xlsx") {
		b.w.log.Info("dump: writing XLSX workbooks")
		if err := b.writeXLSX(ctx, ordered); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	}
	if b.w.enabled("parquet") {
		b.w.log.Info("dump: writing Parquet tables")
		if err := b.writeParquet(ctx, ordered); err != nil {
			return nil, fmt.Errorf("parquet: %w", err)
		}
	}
	if b.w.enabled("sqlite") {
		b.w.log.Info("dump: writing the SQLite database")
		if err := b.writeSQLite(ctx, ordered); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	for _, t := range b.tables {
		t.sp.remove()
	}
	return b.finish(ordered, rec)
}

// orderedTables: the OCDS tables (releases first), then the portal
// tables, then the derived ones, each group in creation order.
func (b *build) orderedTables() []*table {
	out := append([]*table(nil), b.tables...)
	rank := func(t *table) int {
		switch {
		case t.name == "releases" && t.group == "ocds":
			return 0
		case t.group == "ocds":
			return 1
		case t.group == "portal":
			return 2
		}
		return 3
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank(out[i]), rank(out[j]); ri != rj {
			return ri < rj
		}
		return out[i].first < out[j].first
	})
	return out
}

// yearOf buckets a process under its date's year; 0 for none or an
// implausible one.
func yearOf(t time.Time) int {
	if t.IsZero() || t.Year() < 1950 || t.Year() > 2100 {
		return 0
	}
	return t.Year()
}

func yearFile(y int) string {
	if y == 0 {
		return "years/undated.jsonl.gz"
	}
	return "years/" + strconv.Itoa(y) + ".jsonl.gz"
}

// compactLine returns the compiled release as one JSON line (no newline).
func compactLine(ocid string, raw json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("compiled release of %s is not valid JSON: %w: %w", ocid, procure.ErrCorrupt, err)
	}
	if buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return nil, fmt.Errorf("compiled release of %s is not a JSON object: %w", ocid, procure.ErrCorrupt)
	}
	return buf.Bytes(), nil
}

// indexReader reads a generation's releases-index.tsv.gz.
type indexReader struct {
	f        *os.File
	gz       *gzip.Reader
	sc       *bufio.Scanner
	ocid, h  string
	done     bool
	lastOCID string
}

func openIndex(p string) (*indexReader, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	r := &indexReader{f: f, gz: gz, sc: bufio.NewScanner(gz)}
	r.sc.Buffer(make([]byte, 64<<10), 1<<20)
	return r, r.next()
}

func (r *indexReader) next() error {
	if !r.sc.Scan() {
		r.done = true
		return r.sc.Err()
	}
	o, h, ok := strings.Cut(r.sc.Text(), "\t")
	if !ok || o <= r.lastOCID && r.lastOCID != "" {
		return fmt.Errorf("previous index: bad or unordered line %q", r.sc.Text())
	}
	r.ocid, r.h, r.lastOCID = o, h, o
	return nil
}

func (r *indexReader) close() {
	r.gz.Close()
	r.f.Close()
}

// passContracts writes everything that is read in ocid order.
func (b *build) passContracts(ctx context.Context) (err error) {
	full, err := create(b.dir, manifest.File{Name: fileFull, Title: "All contracting processes: OCDS 1.1 compiled releases, one per line",
		Format: "jsonl", Kind: "full"}, true)
	if err != nil {
		return err
	}
	idx, err := create(b.dir, manifest.File{Name: fileIndex, Title: "Index: ocid and SHA-256 of each line of " + fileFull + ", for mirrors",
		Format: "tsv", Kind: "index"}, true)
	if err != nil {
		full.abort()
		return err
	}
	open := []*outFile{full, idx}
	defer func() {
		if err != nil {
			for _, o := range open {
				o.abort()
			}
		}
	}()
	years := map[int]*outFile{}
	var delta, deleted *outFile
	var prevIdx *indexReader
	if b.prev != "" {
		if prevIdx, err = openIndex(filepath.Join(b.w.cfg.Dir, b.prev, fileIndex)); err != nil {
			b.note("No delta from %s: its index could not be read (%v).", b.prev, err)
			prevIdx = nil
			err = nil
		} else {
			defer prevIdx.close()
			if delta, err = create(b.dir, manifest.File{Name: "delta/from-" + b.prev + ".jsonl.gz",
				Title: "Compiled releases new or changed since generation " + b.prev, Format: "jsonl", Kind: "delta"}, true); err != nil {
				return err
			}
			open = append(open, delta)
			if deleted, err = create(b.dir, manifest.File{Name: "delta/from-" + b.prev + "-deleted.txt",
				Title: "ocids removed since generation " + b.prev + ", one per line", Format: "txt", Kind: "deletions"}, false); err != nil {
				return err
			}
			open = append(open, deleted)
		}
	}
	var rows, deltaRows, deletedRows int64
	yearRows := map[int]int64{}
	last := ""
	n := 0
	drainPrev := func(upTo string, all bool) error {
		for prevIdx != nil && !prevIdx.done && (all || prevIdx.ocid < upTo) {
			if _, err := io.WriteString(deleted, prevIdx.ocid+"\n"); err != nil {
				return err
			}
			deletedRows++
			if err := prevIdx.next(); err != nil {
				return err
			}
		}
		return nil
	}
	err = b.snap.EachContract(ctx, func(c Contract) error {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if c.OCID <= last && last != "" {
			return fmt.Errorf("contracts out of order: %q after %q", c.OCID, last)
		}
		last = c.OCID
		line, err := compactLine(c.OCID, c.Compiled)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(line)
		h := hex.EncodeToString(sum[:])
		line = append(line, '\n')
		if _, err := full.Write(line); err != nil {
			return err
		}
		if _, err := io.WriteString(idx, c.OCID+"\t"+h+"\n"); err != nil {
			return err
		}
		rows++
		year := yearOf(c.Summary.Date)
		if b.w.enabled("years") {
			yf := years[year]
			if yf == nil {
				title := "Contracting processes of " + strconv.Itoa(year) + " (by the date lists show)"
				if year == 0 {
					title = "Contracting processes without a (plausible) date"
				}
				if yf, err = create(b.dir, manifest.File{Name: yearFile(year), Title: title, Format: "jsonl", Kind: "year", Year: year}, true); err != nil {
					return err
				}
				years[year] = yf
				open = append(open, yf)
			}
			if _, err := yf.Write(line); err != nil {
				return err
			}
			yearRows[year]++
		}
		if prevIdx != nil {
			if err := drainPrev(c.OCID, false); err != nil {
				return err
			}
			changed := true
			if !prevIdx.done && prevIdx.ocid == c.OCID {
				changed = prevIdx.h != h
				if err := prevIdx.next(); err != nil {
					return err
				}
			}
			if changed {
				if _, err := delta.Write(line); err != nil {
					return err
				}
				deltaRows++
			}
		}
		rel, err := parseJSON(line)
		if err != nil {
			return fmt.Errorf("compiled release of %s: %w", c.OCID, err)
		}
		if err := b.flattenRelease(c.OCID, year, rel); err != nil {
			return err
		}
		s := c.Summary
		if s.OCID == "" {
			s.OCID = c.OCID
		}
		if err := b.portalContract(&s, year); err != nil {
			return err
		}
		b.contracts++
		return nil
	})
	if err != nil {
		return err
	}
	if err := drainPrev("", true); err != nil {
		return err
	}
	closeOne := func(o *outFile, rows int64) error {
		e, err := o.close()
		if err != nil {
			return err
		}
		e.Rows = rows
		b.add(e)
		return nil
	}
	if err := closeOne(full, rows); err != nil {
		return err
	}
	if err := closeOne(idx, rows); err != nil {
		return err
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	for _, y := range ys {
		if err := closeOne(years[y], yearRows[y]); err != nil {
			return err
		}
	}
	if delta != nil {
		if err := closeOne(delta, deltaRows); err != nil {
			return err
		}
		if err := closeOne(deleted, deletedRows); err != nil {
			return err
		}
	}
	open = nil
	return nil
}

func (b *build) passOrganisations(ctx context.Context) error {
	n := 0
	return b.snap.EachOrganisation(ctx, func(o Organisation) error {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if o.BuyerContracts > 0 {
			b.buyerNames[o.Party.ID] = o.Party.Name
		}
		return b.portalOrganisation(o)
	})
}

var unsafeFile = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// agencyFile returns a file name for a buyer ID, unique within used.
func agencyFile(id string, used map[string]bool) string {
	s := unsafeFile.ReplaceAllString(id, "_")
	s = strings.Trim(s, "._")
	if len(s) > 80 {
		s = s[:80]
	}
	if s == "" || s != id || used[strings.ToLower(s)] {
		sum := sha256.Sum256([]byte(id))
		if s == "" {
			s = "buyer"
		}
		s += "-" + hex.EncodeToString(sum[:4])
	}
	used[strings.ToLower(s)] = true
	return "agencies/" + s + ".jsonl.gz"
}

// passAgencies writes one JSON Lines file per buyer.
func (b *build) passAgencies(ctx context.Context) (err error) {
	used := map[string]bool{}
	var cur *outFile
	var curID string
	var rows int64
	n := 0
	defer func() {
		if err != nil && cur != nil {
			cur.abort()
		}
	}()
	flush := func() error {
		if cur == nil {
			return nil
		}
		e, err := cur.close()
		cur = nil
		if err != nil {
			return err
		}
		e.Rows = rows
		b.add(e)
		return nil
	}
	err = b.snap.EachContractByBuyer(ctx, func(c Contract) error {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		id := c.Summary.Buyer.ID
		if id == "" {
			return nil
		}
		if id != curID || cur == nil {
			if err := flush(); err != nil {
				return err
			}
			name := b.buyerNames[id]
			if name == "" {
				name = c.Summary.Buyer.Name
			}
			var err error
			cur, err = create(b.dir, manifest.File{Name: agencyFile(id, used), Title: "Contracting processes of " + name,
				Format: "jsonl", Kind: "agency", Agency: id, AgencyName: name}, true)
			if err != nil {
				return err
			}
			curID, rows = id, 0
		}
		line, err := compactLine(c.OCID, c.Compiled)
		if err != nil {
			return err
		}
		if _, err := cur.Write(append(line, '\n')); err != nil {
			return err
		}
		rows++
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// licenceColumn names hold a licence in derived tables.
var licenceColumn = map[string]bool{"license": true, "licence": true, "license_url": true}

func (b *build) passExtraTables(ctx context.Context) error {
	extras, err := b.snap.Tables(ctx, b.w.cfg.TablePatterns)
	if err != nil {
		return err
	}
	for _, et := range extras {
		name := tableName([]string{et.Name})
		if _, taken := b.byName[name]; taken {
			name = "derived_" + name
		}
		t, err := b.newTable(name, "Derived: "+et.Name, "The portal's "+strings.ReplaceAll(et.Name, "_", " ")+
			" table as computed at dump time (derived data; read the methodology page before drawing conclusions).", "derived")
		if err != nil {
			return err
		}
		for _, c := range et.Columns {
			t.col(c.Name)
		}
		lics := map[string]bool{}
		n := 0
		err = b.snap.EachRow(ctx, et, func(vals []any) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			r := &row{t: t}
			for i, v := range vals {
				if i >= len(et.Columns) {
					break
				}
				name := et.Columns[i].Name
				switch x := v.(type) {
				case nil:
				case int64:
					r.set(name, kInt, strconv.FormatInt(x, 10))
				case float64:
					r.set(name, kNumber, strconv.FormatFloat(x, 'g', -1, 64))
				case bool:
					r.boolean(name, x)
				case string:
					r.set(name, kString, x)
				case []byte:
					if utf8.Valid(x) {
						r.set(name, kString, string(x))
					} else {
						r.set(name, kString, base64.StdEncoding.EncodeToString(x))
					}
				default:
					r.set(name, kString, fmt.Sprint(x))
				}
				if s, ok := v.(string); ok && licenceColumn[strings.ToLower(name)] && strings.TrimSpace(s) != "" {
					lics[strings.TrimSpace(s)] = true
				}
			}
			return t.write(r)
		})
		if err != nil {
			return err
		}
		for _, l := range sortedKeys(lics) {
			lic := licenceOf(l)
			lic.Scope, lic.ThirdParty = t.name, true
			b.extraLicences = append(b.extraLicences, lic)
			t.licences = append(t.licences, lic.Name)
		}
		for _, pat := range sortedKeys(b.w.cfg.TableLicences) {
			if ok, _ := path.Match(pat, et.Name); ok {
				lic := b.w.cfg.TableLicences[pat]
				lic.Scope = t.name
				b.extraLicences = append(b.extraLicences, lic)
				t.licences = append(t.licences, lic.Name)
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrNotReconciled is returned when the totals in the files differ from
// the store's; the generation is not published.
var ErrNotReconciled = errors.New("the dump's award totals do not match the store's")

// reconcile compares the sums of the counted awards written to the portal
// tables with the store's own totals.
func (b *build) reconcile(ctx context.Context) (manifest.Reconciliation, error) {
	want, err := b.snap.AwardTotals(ctx)
	if err != nil {
		return manifest.Reconciliation{}, err
	}
	var diffs []string
	seen := map[totalKey]bool{}
	for _, t := range want {
		k := totalKey{t.Scope, t.ID, t.Year, t.Currency}
		seen[k] = true
		got := b.sums[k]
		switch {
		case got == nil:
			diffs = append(diffs, fmt.Sprintf("%s %q %d %s: store %s (%d awards), dump nothing", k.scope, k.id, k.year, k.currency, t.Units, t.Count))
		case got.units.Cmp(t.Units) != 0 || got.count != t.Count:
			diffs = append(diffs, fmt.Sprintf("%s %q %d %s: store %s (%d awards), dump %s (%d awards)", k.scope, k.id, k.year, k.currency, t.Units, t.Count, got.units, got.count))
		}
	}
	var extra []totalKey
	for k := range b.sums {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return fmt.Sprint(extra[i]) < fmt.Sprint(extra[j]) })
	for _, k := range extra {
		got := b.sums[k]
		diffs = append(diffs, fmt.Sprintf("%s %q %d %s: store nothing, dump %s (%d awards)", k.scope, k.id, k.year, k.currency, got.units, got.count))
	}
	if len(diffs) > 0 {
		if len(diffs) > 10 {
			diffs = append(diffs[:10], fmt.Sprintf("and %d more", len(diffs)-10))
		}
		return manifest.Reconciliation{}, fmt.Errorf("%w (%s): %w", ErrNotReconciled, strings.Join(diffs, "; "), procure.ErrCorrupt)
	}
	return manifest.Reconciliation{Checked: len(want), Equal: true}, nil
}
