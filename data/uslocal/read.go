package uslocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Problem codes (procure.Problem.Code) reported by Read and ReadVendors.
const (
	CodeHeaderNotFound  = "csv-header-not-found"    // fatal: the mapping's columns are not in the file
	CodePreamble        = "csv-preamble-skipped"    // info: lines before the header row
	CodeUnbalancedQuote = "csv-unbalanced-quote"    // error: a quote never closed; that line is dropped
	CodeQuotesRepaired  = "csv-quotes-repaired"     // warning: malformed quotes read leniently
	CodeFieldCount      = "csv-field-count"         // warning: more or fewer cells than the header
	CodeRepeatedHeader  = "csv-repeated-header"     // warning: the header row again (concatenated files); skipped
	CodeEncoding        = "csv-encoding"            // warning: cells that are not UTF-8, read as Windows-1252
	CodeAmountMissing   = "amount-missing"          // error
	CodeAmountInvalid   = "amount-invalid"          // error
	CodeAmountRounded   = "amount-rounded"          // warning: more than 4 decimals
	CodeDateMissing     = "date-missing"            // error
	CodeDateInvalid     = "date-invalid"            // error
	CodeCurrency        = "currency-invalid"        // error
	CodeBuyerMissing    = "buyer-missing"           // error
	CodeDeptMissing     = "department-missing"      // warning
	CodeVendorMissing   = "vendor-missing"          // warning: the vendor cell is empty
	CodeVendorFromText  = "vendor-from-description" // info: per file, how many vendors came from descriptions
	CodeRecordIDMissing = "record-id-missing"       // warning: the ocid falls back to a content hash
	CodeRecordIDRepeat  = "record-id-repeated"      // warning: a record id seen before in the file
	CodeVendorRegister  = "vendor-register"         // info: a vendor register was read; nothing stored
)

// headerSearchRows is how many rows may come before the header row.
const headerSearchRows = 50

// Options are the provenance stamped on every release.
type Options struct {
	Source      string    // configured source name
	URL         string    // where the file came from (path or URL); also Location.File
	RetrievedAt time.Time // when it was fetched
}

// Stats count what one file held. Every data record (after the header) is
// exactly one of Releases (or Vendors for a register), Rejected, Blank or
// RepeatedHeaders.
type Stats struct {
	Records         int // data records after the header row, blank ones included
	Releases        int // payments emitted (payments mappings)
	Vendors         int // vendors read (vendor registers)
	Rejected        int // records with an error, not imported
	Blank           int // records with no value in any cell (",,,," padding), skipped
	RepeatedHeaders int // the header row again, skipped
	Preamble        int // records before the header row, skipped
}

// Vendor is one row of a vendor register.
type Vendor struct {
	ID      string          // the register's vendor ID ("" when missing)
	Name    string          // as published, spaces collapsed
	Payee   Payee           // resolved: portal ID and grouping key
	Address procure.Address // street (both address lines), city, state, postal code
	Line    int             // the line the row starts on
}

// Read reads one CSV file with a payments mapping and emits one OCDS 1.1
// release per payment row, in file order; every problem is reported with
// the line the record starts on. Rows with an error are reported and
// skipped; the rest import. It returns an error only when the file as a
// whole cannot be read (its header row is not found, the reader fails) or
// emit fails. A vendor-register mapping reads and checks the rows, emits
// nothing and reports how many vendors it read.
func Read(ctx context.Context, r io.Reader, m *Mapping, opt Options, emit func(procure.SourceRelease) error, report func(procure.Problem)) (Stats, error) {
	if report == nil {
		report = func(procure.Problem) {}
	}
	if m.Kind == KindVendors {
		_, st, err := ReadVendors(ctx, r, m, opt, report)
		if err == nil {
			report(procure.Problem{Severity: procure.SevInfo, Code: CodeVendorRegister,
				Message: fmt.Sprintf("%s is a vendor register: %d vendors read and checked; a register holds no payments, so nothing is stored (see README: Importing city spending from CSV)",
					m.Name, st.Vendors), Location: procure.Location{File: opt.URL}})
		}
		return st, err
	}
	f := newFileReader(m, opt, report)
	dp, err := newDateParser(m.DateLayouts, m.Timezone)
	if err != nil {
		return f.st, fmt.Errorf("%w: mapping %s: %w", procure.ErrInvalid, m.Name, err)
	}
	p := &payments{fileReader: f, dates: dp, emit: emit, seen: map[string]int{}, ids: map[string]int{},
		payees: map[[2]string]Payee{}, slugs: map[string]string{}}
	err = f.scan(ctx, r, p.row)
	if p.fromText > 0 || p.unknown > 0 {
		report(procure.Problem{Severity: procure.SevInfo, Code: CodeVendorFromText, Location: procure.Location{File: opt.URL},
			Message: fmt.Sprintf("%d payments name their vendor only in the description (matched by the mapping's rules); %d have no vendor and go to %q",
				p.fromText, p.unknown, m.unknownLabel())})
	}
	return f.st, err
}

// ReadVendors reads a vendor register (or any mapping with a vendor
// column) and returns its vendors, each resolved as a payee would be.
func ReadVendors(ctx context.Context, r io.Reader, m *Mapping, opt Options, report func(procure.Problem)) ([]Vendor, Stats, error) {
	f := newFileReader(m, opt, report)
	var out []Vendor
	err := f.scan(ctx, r, func(row *row) error {
		name := row.get(m.Columns.Vendor, "")
		if name == "" {
			f.problem(procure.SevError, CodeVendorMissing, row, "the vendor name is empty; the row is skipped")
			f.st.Rejected++
			return nil
		}
		v := Vendor{ID: row.get(m.Columns.VendorID, ""), Name: collapseSpaces(name), Line: row.rec.Line}
		v.Payee = m.organisation(v.Name)
		v.Address = procure.Address{
			Street:     joinNonEmpty(", ", row.get(m.Columns.Address, ""), row.get(m.Columns.Address2, "")),
			Locality:   row.get(m.Columns.City, ""),
			Region:     row.get(m.Columns.State, ""),
			PostalCode: row.get(m.Columns.PostalCode, ""),
		}
		out = append(out, v)
		f.st.Vendors++
		return nil
	})
	return out, f.st, err
}

// fileReader holds what reading one file needs.
type fileReader struct {
	m          *Mapping
	opt        Options
	report     func(procure.Problem)
	st         Stats
	missing    map[string]bool
	missingLen int // length of the longest placeholder
	header     []string
	headerKey  []string // normalised header cells
	cols       map[string]int
	index      int  // 0-based index of the next data record
	warnedEnc  bool // the encoding warning is given once per file
}

// row is one data record being read.
type row struct {
	f       *fileReader
	rec     csvRecord
	index   int
	decoded bool // a cell had to be decoded as Windows-1252
}

func newFileReader(m *Mapping, opt Options, report func(procure.Problem)) *fileReader {
	if report == nil {
		report = func(procure.Problem) {}
	}
	f := &fileReader{m: m, opt: opt, report: report, missing: m.missingSet()}
	for v := range f.missing {
		// Compared after normalising, which can only shorten a value; add
		// room for case changes that lengthen UTF-8.
		f.missingLen = max(f.missingLen, 2*len(v))
	}
	return f
}

func (f *fileReader) problem(sev procure.Severity, code string, r *row, msg string) {
	loc := procure.Location{File: f.opt.URL}
	if r != nil {
		loc.Line, loc.Index = r.rec.Line, r.index
	}
	f.report(procure.Problem{Severity: sev, Code: code, Message: msg, Location: loc})
}

// scan finds the header and calls fn for every data record that is not
// blank or a repeated header.
func (f *fileReader) scan(ctx context.Context, r io.Reader, fn func(*row) error) error {
	in, err := decodeInput(r, f.m.Encoding)
	if err != nil {
		return err
	}
	cr := newCSVReader(in, f.m.Delimiter[0])
	var firstRow []string
	if f.m.NoHeader {
		f.cols = map[string]int{}
	}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ub *errUnbalanced
		if errors.As(err, &ub) {
			if f.cols != nil {
				f.st.Records++
				f.st.Rejected++
			}
			f.report(procure.Problem{Severity: procure.SevError, Code: CodeUnbalancedQuote,
				Message:  "the record is not imported: " + ub.Reason + "; reading goes on with the next line",
				Location: procure.Location{File: f.opt.URL, Line: ub.Line, Index: f.index}})
			if f.cols != nil {
				f.index++
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", f.opt.URL, err)
		}
		if f.cols == nil { // still looking for the header
			if isBlank(rec.Fields) {
				f.st.Preamble++
				continue
			}
			if firstRow == nil {
				firstRow = rec.Fields
			}
			if f.tryHeader(rec.Fields) {
				if f.st.Preamble > 0 {
					f.report(procure.Problem{Severity: procure.SevInfo, Code: CodePreamble, Location: procure.Location{File: f.opt.URL, Line: rec.Line},
						Message: fmt.Sprintf("%d rows before the header row (line %d) were skipped", f.st.Preamble, rec.Line)})
				}
				continue
			}
			f.st.Preamble++
			if f.st.Preamble >= headerSearchRows {
				return f.noHeader(firstRow)
			}
			continue
		}
		rw := &row{f: f, rec: rec, index: f.index}
		f.index++
		f.st.Records++
		if isBlank(rec.Fields) {
			f.st.Blank++
			continue
		}
		if f.header != nil && f.isHeader(rec.Fields) {
			f.st.RepeatedHeaders++
			f.problem(procure.SevWarning, CodeRepeatedHeader, rw, "the header row appears again (files joined together?); skipped")
			continue
		}
		f.checkShape(rw)
		if err := fn(rw); err != nil {
			return err
		}
	}
	if f.cols == nil {
		return f.noHeader(firstRow)
	}
	return nil
}

func (f *fileReader) noHeader(first []string) error {
	var want []string
	for _, c := range f.m.columnFields() {
		want = append(want, strconv.Quote(c.col))
	}
	got := "an empty file"
	if first != nil {
		got = "a first row of " + quoteList(first, 12)
	}
	return fmt.Errorf("%w: %s: the header row was not found in the first %d rows: mapping %s names the columns %s, but the file has %s",
		procure.ErrInvalid, f.opt.URL, headerSearchRows, f.m.Name, strings.Join(want, ", "), got)
}

// tryHeader makes fields the header when it holds every mapped column.
func (f *fileReader) tryHeader(fields []string) bool {
	keys := make([]string, len(fields))
	pos := map[string]int{}
	for i, c := range fields {
		c, _ = fixUTF8(c)
		keys[i] = normHeader(c)
		if _, dup := pos[keys[i]]; !dup {
			pos[keys[i]] = i
		}
	}
	cols := map[string]int{}
	for _, c := range f.m.columnFields() {
		i, ok := pos[normHeader(c.col)]
		if !ok {
			return false
		}
		cols[normHeader(c.col)] = i
	}
	f.cols = cols
	f.header = make([]string, len(fields))
	for i, c := range fields {
		f.header[i], _ = fixUTF8(c)
	}
	f.headerKey = keys
	return true
}

func (f *fileReader) isHeader(fields []string) bool {
	if len(fields) < len(f.headerKey) {
		return false
	}
	for i, k := range f.headerKey {
		c, _ := fixUTF8(fields[i])
		if normHeader(c) != k {
			return false
		}
	}
	return true
}

// checkShape reports records with more or fewer cells than the header and
// records whose quotes were repaired.
func (f *fileReader) checkShape(r *row) {
	if r.rec.Repaired {
		f.problem(procure.SevWarning, CodeQuotesRepaired, r, "the quotes in this record are malformed (a quote followed by text inside a quoted cell); they were read as literal quote marks")
	}
	if f.header == nil {
		return
	}
	n, want := len(r.rec.Fields), len(f.header)
	switch {
	case n > want:
		extra := r.rec.Fields[want:]
		if !isBlank(extra) {
			f.problem(procure.SevWarning, CodeFieldCount, r, fmt.Sprintf("the record has %d cells but the header has %d; the extra cells (%s) are ignored", n, want, quoteList(extra, 5)))
		}
	case n < want:
		f.problem(procure.SevWarning, CodeFieldCount, r, fmt.Sprintf("the record has %d cells but the header has %d; the missing cells are read as empty", n, want))
	}
}

// raw returns the cell of column col as published ("" when the record is
// short or col is not mapped).
func (r *row) raw(col string) string {
	if col == "" {
		return ""
	}
	var i int
	if r.f.m.NoHeader {
		i, _ = strconv.Atoi(strings.TrimPrefix(col, "#"))
		i--
	} else {
		var ok bool
		if i, ok = r.f.cols[normHeader(col)]; !ok {
			return ""
		}
	}
	if i < 0 || i >= len(r.rec.Fields) {
		return ""
	}
	return r.rec.Fields[i]
}

// get returns the cleaned value of column col: valid UTF-8, trimmed, inner
// runs of white space collapsed, "" for placeholders; def when missing.
func (r *row) get(col, def string) string {
	v := r.raw(col)
	if v == "" {
		return def
	}
	v, ok := fixUTF8(v)
	if !ok {
		r.decoded = true
		if !r.f.warnedEnc {
			r.f.warnedEnc = true
			r.f.problem(procure.SevWarning, CodeEncoding, r, "this record (and maybe others) is not valid UTF-8; its text was read as Windows-1252, the usual encoding of US spreadsheet exports (set encoding in the mapping to be explicit)")
		}
	}
	v = collapseSpaces(strings.ReplaceAll(v, "\u00a0", " "))
	if r.f.isMissing(v) {
		return def
	}
	return v
}

// isMissing reports whether a cleaned value is a placeholder for "no value".
func (f *fileReader) isMissing(v string) bool {
	if strings.Trim(v, "?") == "" {
		return true
	}
	if len(v) > f.missingLen {
		return false // longer than every placeholder
	}
	return f.missing[normHeader(v)]
}

func isBlank(fields []string) bool {
	for _, c := range fields {
		if strings.Trim(c, " \t\u00a0\x1a") != "" {
			return false
		}
	}
	return true
}

// payments turns rows into releases.
type payments struct {
	*fileReader
	dates    dateParser
	emit     func(procure.SourceRelease) error
	seen     map[string]int // occurrences per content hash or record id
	ids      map[string]int // record id -> first line
	payees   map[[2]string]Payee
	slugs    map[string]string // party name -> slug ID
	fromText int
	unknown  int
}

func (m *Mapping) unknownLabel() string {
	if m.Vendor.Unknown != "" {
		return m.Vendor.Unknown
	}
	return UnknownVendorName
}

// row builds and emits the release of one payment row.
func (p *payments) row(r *row) error {
	m := p.m
	c := m.Columns
	reject := func(code, msg string) error {
		p.st.Rejected++
		p.problem(procure.SevError, code, r, msg+"; the row is not imported")
		return nil
	}

	// Amount.
	amtText := r.get(c.Amount, "")
	if amtText == "" {
		return reject(CodeAmountMissing, fmt.Sprintf("the amount (column %q) is empty", c.Amount))
	}
	amount, symCur, err := ParseAmount(amtText, m.DecimalComma)
	if err != nil {
		return reject(CodeAmountInvalid, fmt.Sprintf("the amount (column %q) cannot be read: %v", c.Amount, err))
	}
	if decimals(amtText, m.DecimalComma) > procure.DecimalScale {
		p.problem(procure.SevWarning, CodeAmountRounded, r, fmt.Sprintf("the amount %q has more than %d decimals; it was rounded to %s", amtText, procure.DecimalScale, amount))
	}
	currency := strings.ToUpper(r.get(c.Currency, ""))
	if currency == "" {
		currency = symCur
	}
	if currency == "" {
		currency = m.Currency
	}
	if !reCurrency.MatchString(currency) {
		return reject(CodeCurrency, fmt.Sprintf("the currency %q is not an ISO 4217 code", currency))
	}
	if symCur != "" && symCur != currency {
		return reject(CodeCurrency, fmt.Sprintf("the amount is written in %s but the currency column says %s", symCur, currency))
	}

	// Date.
	dateText := r.get(c.Date, "")
	if dateText == "" {
		return reject(CodeDateMissing, fmt.Sprintf("the date (column %q) is empty", c.Date))
	}
	date, err := p.dates.parse(dateText)
	if err != nil {
		return reject(CodeDateInvalid, fmt.Sprintf("the date (column %q) cannot be read: %v", c.Date, err))
	}

	// Buyer and department.
	buyer := r.get(c.Buyer, strings.TrimSpace(m.Constants.Buyer))
	if buyer == "" {
		return reject(CodeBuyerMissing, fmt.Sprintf("the buyer (column %q) is empty", c.Buyer))
	}
	dept := r.get(c.Department, strings.TrimSpace(m.Constants.Department))
	if dept == "" && c.Department != "" {
		p.problem(procure.SevWarning, CodeDeptMissing, r, fmt.Sprintf("the department (column %q) is empty; the payment is listed under the buyer only", c.Department))
	}

	description := r.get(c.Description, strings.TrimSpace(m.Constants.Description))
	category := r.get(c.Category, strings.TrimSpace(m.Constants.Category))
	vendorID := r.get(c.VendorID, "")
	vendorText := r.get(c.Vendor, "")
	payee := p.resolve(vendorText, description)
	vendorFrom := ""
	switch {
	case payee.Rule != "":
		vendorFrom = "description"
		p.fromText++
	case payee.Kind == PayeeUnknown:
		vendorFrom = "none"
		p.unknown++
		if c.Vendor != "" {
			p.problem(procure.SevWarning, CodeVendorMissing, r, fmt.Sprintf("the vendor (column %q) is empty; the payment goes to %q", c.Vendor, payee.Name))
		}
	}

	// The ocid: record id, else a hash of the row's values; identical rows
	// are numbered by occurrence.
	recordID := r.get(c.RecordID, "")
	if c.RecordID != "" && recordID == "" {
		p.problem(procure.SevWarning, CodeRecordIDMissing, r, fmt.Sprintf("the record id (column %q) is empty; the payment is identified by its content instead", c.RecordID))
	}
	var key, part string
	if recordID != "" {
		part = sanitizeID(recordID)
		key = "id:" + part
		if first, ok := p.ids[part]; ok {
			p.problem(procure.SevWarning, CodeRecordIDRepeat, r, fmt.Sprintf("the record id %q was already used on line %d; this row is kept as a separate payment (occurrence %d)", recordID, first, p.seen[key]+1))
		} else {
			p.ids[part] = r.rec.Line
		}
	} else {
		// The date as written (wall clock, no zone): changing the mapping's
		// time zone must not change the ocids.
		part = contentHash(buyer, dept, vendorText, vendorID, amount.String(), currency, date.Format("2006-01-02T15:04:05"), description, category)
		key = part
	}
	p.seen[key]++
	occurrence := p.seen[key]
	if occurrence > 1 {
		part += "~" + strconv.Itoa(occurrence)
	}
	ocid := OCIDPrefix + "-" + m.Namespace + "-" + m.Dataset + "-" + part

	rel := p.build(r, ocid, part, date, amount, currency, buyer, dept, description, category, vendorID, payee, vendorFrom, occurrence)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "AT&T", not "AT\u0026T"
	if err := enc.Encode(rel); err != nil {
		return fmt.Errorf("encode release of line %d: %w", r.rec.Line, err)
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	sum := sha256.Sum256(raw)
	sr := procure.SourceRelease{
		OCID: ocid, ID: rel.ID, Date: date, Tag: rel.Tag, Raw: raw, SHA256: hex.EncodeToString(sum[:]),
		Source: p.opt.Source, URL: p.opt.URL, RetrievedAt: p.opt.RetrievedAt,
		Location: procure.Location{File: p.opt.URL, Line: r.rec.Line, Index: r.index},
		Version:  "1.1",
		Package:  procure.PackageMeta{Publisher: m.Publisher, URI: m.SourceURL, License: m.License},
	}
	if err := p.emit(sr); err != nil {
		return err
	}
	p.st.Releases++
	return nil
}

// resolve is ResolveVendor with a cache: a file names the same vendors
// over and over.
func (p *payments) resolve(vendor, description string) Payee {
	k := [2]string{vendor, ""}
	if vendor == "" {
		k[1] = description
	}
	if py, ok := p.payees[k]; ok {
		return py
	}
	py := p.m.ResolveVendor(vendor, description)
	if len(p.payees) < 1<<16 {
		p.payees[k] = py
	}
	return py
}

// slugID is procure.SlugID in the mapping's namespace, cached.
func (p *payments) slugID(name string) string {
	if id, ok := p.slugs[name]; ok {
		return id
	}
	id := procure.SlugID(p.m.PartyNamespace(), name)
	if len(p.slugs) < 1<<16 {
		p.slugs[name] = id
	}
	return id
}

// build assembles the release (see the package documentation for the
// shape and why).
func (p *payments) build(r *row, ocid, part string, date time.Time, amount procure.Decimal, currency, buyer, dept, description, category, vendorID string, payee Payee, vendorFrom string, occurrence int) release {
	m := p.m
	ds := date.Format(time.RFC3339)
	v := value{Amount: amount, Currency: currency}
	rel := release{
		OCID: ocid, ID: part, Date: ds, Tag: []string{"award", "contract", "implementation"},
		InitiationType: "tender", Language: m.Language,
	}
	parties := &partyList{}
	buyerRef := orgRef{ID: p.slugID(buyer), Name: buyer}
	parties.add(party{ID: buyerRef.ID, Name: buyer, Roles: []string{"buyer", "payer"},
		Address: &address{Locality: m.Buyer.Locality, Region: m.Buyer.Region, CountryName: countryName(m.Buyer.Country)}})
	rel.Buyer = &buyerRef
	rel.Tender = &tender{ID: part}
	if dept != "" && !strings.EqualFold(dept, buyer) {
		deptRef := orgRef{ID: p.slugID(buyer + " department " + dept), Name: dept}
		parties.add(party{ID: deptRef.ID, Name: dept, Roles: []string{"procuringEntity"}})
		rel.Tender.ProcuringEntity = &deptRef
	}
	payeeRef := orgRef{ID: payee.ID, Name: payee.Name}
	sp := party{ID: payee.ID, Name: payee.Name, Roles: []string{"supplier", "payee"}}
	switch payee.Kind {
	case PayeeOrganisation:
		if vendorID != "" {
			sp.Identifier = &identifier{ID: vendorID}
		}
	default:
		sp.Details = &details{PayeeKind: string(payee.Kind)}
	}
	parties.add(sp)
	rel.Parties = parties.list

	title := description
	if title == "" {
		title = category
	}
	if title == "" {
		title = "Payment"
	}
	if dept != "" && !strings.EqualFold(dept, buyer) {
		title += " (" + dept + ")"
	}
	aw := award{ID: "1", Title: title, Description: description, Status: "active", Date: ds, Value: v, Suppliers: []orgRef{payeeRef}}
	if description != "" || category != "" {
		it := item{ID: "1", Description: description}
		if category != "" {
			it.Classification = &classification{Scheme: "CATEGORY", ID: category, Description: "Category as published in " + m.Name}
		}
		aw.Items = []item{it}
	}
	rel.Awards = []award{aw}
	rel.Contracts = []contract{{ID: "1", AwardID: "1", Title: title, Value: v,
		Implementation: implementation{Transactions: []transaction{{ID: part, Date: ds, Value: v, Payer: &buyerRef, Payee: &payeeRef}}}}}

	prov := &csvRowRecord{Mapping: m.Name, Header: p.header, Occurrence: occurrence, VendorFrom: vendorFrom, VendorRule: payee.Rule}
	sum := sha256.Sum256(r.rec.Raw)
	prov.SHA256 = hex.EncodeToString(sum[:])
	prov.Values = make([]string, len(r.rec.Fields))
	for i, c := range r.rec.Fields {
		prov.Values[i], _ = fixUTF8(c)
	}
	if payee.Kind == PayeeIndividual {
		if i, ok := p.cols[normHeader(m.Columns.Vendor)]; ok && i < len(prov.Values) {
			prov.Values[i] = "[withheld]"
			prov.Withheld = []string{p.header[i]}
		}
	} else if !r.decoded {
		prov.Text = string(r.rec.Raw)
	}
	rel.Provenance = prov
	return rel
}

// partyList collects parties, merging the roles of entries with one id.
type partyList struct{ list []party }

func (l *partyList) add(p party) {
	for i := range l.list {
		if l.list[i].ID == p.ID {
			for _, r := range p.Roles {
				if !contains(l.list[i].Roles, r) {
					l.list[i].Roles = append(l.list[i].Roles, r)
				}
			}
			return
		}
	}
	l.list = append(l.list, p)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// contentHash identifies a row without a record id by its values (not its
// line, so it is stable when rows move): 16 base32 characters of SHA-256.
func contentHash(values ...string) string {
	h := sha256.New()
	for _, v := range values {
		io.WriteString(h, v)
		h.Write([]byte{0x1f})
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h.Sum(nil)[:10]))
}

// sanitizeID keeps a record id readable in an ocid and a URL: letters,
// digits, '.', '_' and '-' are kept, anything else becomes '_'.
func sanitizeID(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// decimals counts the digits after the decimal separator.
func decimals(s string, decimalComma bool) int {
	sep := "."
	if decimalComma {
		sep = ","
	}
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return 0
	}
	n := 0
	for _, r := range s[i+1:] {
		if r >= '0' && r <= '9' {
			n++
		} else {
			break
		}
	}
	return n
}

func quoteList(fields []string, max int) string {
	var q []string
	for i, f := range fields {
		if i == max {
			q = append(q, "…")
			break
		}
		f, _ = fixUTF8(f)
		q = append(q, strconv.Quote(f))
	}
	return strings.Join(q, ", ")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// countryName is the English name the OCDS summariser recognises.
func countryName(code string) string {
	switch code {
	case "US":
		return "United States"
	case "":
		return ""
	}
	return code // the summariser accepts ISO codes too
}
