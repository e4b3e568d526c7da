package sanctions

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// maxOFACFile caps one file of the CSV set (the real sdn.csv is 1.5 MB).
const maxOFACFile = 256 << 20

// OFACCSV reads the OFAC legacy CSV set: sdn.csv (ent_num, SDN_Name,
// SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
// Vess_owner, Remarks), add.csv (ent_num, Add_num, Address,
// City/State/Province/Postal Code, Country, Add_remarks), alt.csv (ent_num,
// alt_num, alt_type, alt_name, alt_remarks) and sdn_comments.csv (ent_num,
// Remarks_extended: the continuation of a Remarks field cut at its maximum
// length). The consolidated (non-SDN) list's cons_prim.csv, cons_add.csv,
// cons_alt.csv and cons_comments.csv have the same columns and are read the
// same way (dataset us_ofac_cons).
//
// The files of one set are given to Document one by one, recognised by
// their base name (case-insensitive); the entries are emitted by Finish,
// once every file is read, because aliases, addresses and remark
// continuations live in the other files. A set without sdn.csv is an error;
// a set without add.csv, alt.csv or sdn_comments.csv is imported with a
// warning. Other files are skipped with a warning.
//
// Quirks repaired (each with a located warning): no header row; nulls
// written "-0- " (trailing space) — and "-0" in the real add.csv's last row,
// whose trailing "- " was lost; several programs in one field ("NPWMD] [DPRK2");
// a trailing 0x1A (DOS end-of-file) byte; Windows-1252 text that is not
// UTF-8; rows with missing columns; add/alt/comment rows for entries not in
// sdn.csv.
//
// Each entry becomes an entity "ofac:{ent_num}" (person, vessel, or
// organisation for "entity" rows; aircraft as unknown) with a Listing (list
// "OFAC SDN", programmes, ent_num as reference, the full remarks), the
// topic "sanction", the identifier US-OFAC-{ent_num}, its aliases (aka and
// nka as aliases, fka as former names, remark a.k.a. in quotes as weak),
// addresses, countries (addresses, nationality, citizenship, vessel flag),
// birth date and register identifiers parsed from the remarks (see
// remarks). Each "Linked To: NAME" remark becomes a RelLinkedTo
// relationship "ofac:{ent_num}:linked:{n}" from the named entry (Owner) to
// this one (Asset); the name is resolved to an entry whose primary name —
// else, failing that, exactly one alias — equals it after normalisation
// (case and punctuation ignored). An unresolved name is kept: Owner is then
// procure.SlugID("ofac", name), an ID no entity has, and Role holds the name
// as published. A vessel's Vess_owner becomes a RelLinkedTo relationship in
// the same way, with Role "vessel owner: NAME".
//
// Provenance.SHA256 is the hash of the entry's raw rows from every file
// (sdn row, then its add, alt and comment rows), so a change in any of them
// is a new version.
type OFACCSV struct {
	files map[string]*ofacFile // by role: sdn, add, alt, comments
	order []string
	cons  bool
}

type ofacRow struct {
	f    []string
	raw  []byte
	loc  procure.Location
	file *ofacFile
}

type ofacFile struct {
	role string
	doc  Doc
	rows []ofacRow
}

// NewOFACCSV returns a parser for one OFAC CSV set.
func NewOFACCSV() *OFACCSV { return &OFACCSV{files: map[string]*ofacFile{}} }

// ofacRole maps a file's base name to its role in the set.
func ofacRole(name string) (role string, cons bool) {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	if i := strings.IndexAny(base, "?#"); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "sdn.csv", "sdn.csv.txt":
		return "sdn", false
	case "add.csv":
		return "add", false
	case "alt.csv":
		return "alt", false
	case "sdn_comments.csv", "sdn_comments.txt":
		return "comments", false
	case "cons_prim.csv":
		return "sdn", true
	case "cons_add.csv":
		return "add", true
	case "cons_alt.csv":
		return "alt", true
	case "cons_comments.csv":
		return "comments", true
	}
	return "", false
}

var ofacColumns = map[string]int{"sdn": 12, "add": 6, "alt": 5, "comments": 2}

// Document reads one file of the set.
func (p *OFACCSV) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	role, cons := ofacRole(doc.URL)
	fileLoc := procure.Location{File: doc.URL}
	if role == "" {
		sink.Report(warn(fileLoc, "ofac-csv-unknown-file", "%s is not a file of an OFAC CSV set (sdn.csv, add.csv, alt.csv, sdn_comments.csv or their cons_ equivalents); skipped", path.Base(doc.URL)))
		_, err := io.Copy(io.Discard, r)
		return err
	}
	if prev, ok := p.files[role]; ok {
		sink.Report(warn(fileLoc, "ofac-csv-duplicate-file", "a second %s file was given (first: %s); its rows are added to the first one's", role, prev.doc.URL))
	}
	if len(p.files) > 0 && p.cons != cons {
		sink.Report(warn(fileLoc, "ofac-csv-mixed-sets", "%s belongs to the %s while other files belong to the %s; they are read as one set", path.Base(doc.URL), ofacSetName(cons), ofacSetName(p.cons)))
	}
	p.cons = p.cons || cons
	data, err := io.ReadAll(io.LimitReader(r, maxOFACFile+1))
	if err != nil {
		return err
	}
	if len(data) > maxOFACFile {
		return fmt.Errorf("%s is larger than %d MiB, too large for an OFAC CSV file", doc.URL, maxOFACFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimRight(data, "\r\n\t "); bytes.HasSuffix(t, []byte{0x1a}) {
		data = bytes.TrimRight(t[:len(t)-1], "\r\n\t ")
		data = append(data, '\n')
		sink.Report(warn(fileLoc, "ofac-csv-eof-marker", "%s ends with the DOS end-of-file byte 0x1A; ignored", path.Base(doc.URL)))
	}
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err == nil {
			data = dec
			sink.Report(warn(fileLoc, "ofac-csv-encoding", "%s is not UTF-8; it was read as Windows-1252", path.Base(doc.URL)))
		}
	}
	f := p.files[role]
	if f == nil {
		f = &ofacFile{role: role, doc: doc}
		p.files[role] = f
		p.order = append(p.order, role)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	want := ofacColumns[role]
	idx := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		loc := procure.Location{File: doc.URL, Line: line, Index: idx}
		idx++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				loc.Line = pe.StartLine
			}
			sink.Report(fail(loc, "ofac-csv-bad-row", "row %d of %s cannot be read as CSV: %v; skipped", idx, path.Base(doc.URL), err))
			continue
		}
		raw := bytes.TrimRight(data[start:cr.InputOffset()], "\r\n")
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		switch {
		case len(rec) < 2 || (role == "sdn" && len(rec) < 4):
			sink.Report(fail(loc, "ofac-csv-short-row", "row %d of %s has %d columns, too few to use (want %d); skipped", idx, path.Base(doc.URL), len(rec), want))
			continue
		case len(rec) < want:
			sink.Report(warn(loc, "ofac-csv-short-row", "row %d of %s has %d columns instead of %d; the missing ones are taken as empty", idx, path.Base(doc.URL), len(rec), want))
			for len(rec) < want {
				rec = append(rec, "-0-")
			}
		case len(rec) > want:
			sink.Report(warn(loc, "ofac-csv-long-row", "row %d of %s has %d columns instead of %d; the extra ones are ignored", idx, path.Base(doc.URL), len(rec), want))
			rec = rec[:want]
		}
		for i, v := range rec {
			if strings.TrimSpace(v) == "-0" && i == len(rec)-1 {
				sink.Report(warn(loc, "ofac-csv-cut-null", "the last field of row %d of %s is \"-0\", a null marker (\"-0- \") cut short; taken as empty", idx, path.Base(doc.URL)))
				rec[i] = "-0-"
			}
		}
		if _, err := strconv.Atoi(strings.TrimSpace(rec[0])); err != nil {
			sink.Report(fail(loc, "ofac-csv-bad-ent-num", "row %d of %s has the entry number %q, which is not a number; skipped", idx, path.Base(doc.URL), rec[0]))
			continue
		}
		rec[0] = strings.TrimSpace(rec[0])
		f.rows = append(f.rows, ofacRow{f: rec, raw: append([]byte(nil), raw...), loc: loc, file: f})
	}
	return nil
}

func ofacSetName(cons bool) string {
	if cons {
		return "consolidated (non-SDN) list"
	}
	return "SDN list"
}

func field(r ofacRow, i int) string {
	if i >= len(r.f) || ofacNull(r.f[i]) {
		return ""
	}
	return clean(r.f[i])
}

// Finish joins the files and emits the entries.
func (p *OFACCSV) Finish(ctx context.Context, sink Sink) error {
	if len(p.files) == 0 {
		return nil
	}
	sdn := p.files["sdn"]
	if sdn == nil {
		return fmt.Errorf("the OFAC CSV set has no sdn.csv (or cons_prim.csv): the entries themselves are missing; give the directory or all four files")
	}
	for _, role := range []string{"add", "alt", "comments"} {
		if p.files[role] == nil {
			sink.Report(warn(procure.Location{File: sdn.doc.URL}, "ofac-csv-missing-file", "the OFAC CSV set has no %s file: the entries are imported without their %s", ofacFileName(role, p.cons), ofacWhat[role]))
		}
	}
	list, dataset := "OFAC SDN", DatasetOFACSDN
	if p.cons {
		list, dataset = "OFAC Consolidated (non-SDN)", DatasetOFACCons
	}
	by := map[string]map[string][]ofacRow{}
	known := map[string]bool{}
	last := map[string]int{}
	for i, r := range sdn.rows {
		last[r.f[0]] = i
		if known[r.f[0]] {
			sink.Report(warn(r.loc, "ofac-csv-duplicate-entry", "entry %s appears twice in %s; the later row replaces the earlier one", r.f[0], path.Base(sdn.doc.URL)))
		}
		known[r.f[0]] = true
	}
	for _, role := range []string{"add", "alt", "comments"} {
		by[role] = map[string][]ofacRow{}
		f := p.files[role]
		if f == nil {
			continue
		}
		for _, r := range f.rows {
			if !known[r.f[0]] {
				sink.Report(warn(r.loc, "ofac-csv-orphan-row", "%s has a row for entry %s, which is not in %s; ignored", path.Base(f.doc.URL), r.f[0], path.Base(sdn.doc.URL)))
				continue
			}
			by[role][r.f[0]] = append(by[role][r.f[0]], r)
		}
	}
	// Names for resolving "Linked To:" remarks.
	names := newOFACNames()
	for _, r := range sdn.rows {
		names.add(field(r, 1), r.f[0], true)
	}
	for ent, rows := range by["alt"] {
		for _, a := range rows {
			names.add(field(a, 3), ent, false)
		}
	}
	for i, r := range sdn.rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		ent := r.f[0]
		if last[ent] != i {
			continue // a duplicate: the later row wins
		}
		e, rels := p.entry(r, by, list, dataset, names, sink)
		if err := sink.Entity(e); err != nil {
			return err
		}
		for _, rel := range rels {
			if err := sink.Relationship(rel); err != nil {
				return err
			}
		}
	}
	return nil
}

var ofacWhat = map[string]string{"add": "addresses", "alt": "aliases", "comments": "remark continuations"}

func ofacFileName(role string, cons bool) string {
	if cons {
		return map[string]string{"add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"}[role]
	}
	return map[string]string{"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"}[role]
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// ofacKind maps the type of an OFAC SDN entry (individual, vessel,
// aircraft, entity or none, in any case) to an entity kind; ok is false for
// another type, which is imported as an organisation.
func ofacKind(sdnType string) (kind procure.EntityKind, ok bool) {
	switch strings.ToLower(sdnType) {
	case "individual":
		return procure.EntityPerson, true
	case "vessel":
		return procure.EntityVessel, true
	case "aircraft":
		return procure.EntityUnknown, true
	case "", "entity":
		return procure.EntityOrganization, true
	}
	return procure.EntityOrganization, false
}

// soleCountry returns the only country of a set of address countries (the
// country that qualifies register numbers), "" when it holds none or
// several.
func soleCountry(cs map[string]bool) string {
	if len(cs) != 1 {
		return ""
	}
	for c := range cs {
		return c
	}
	return ""
}

// ofacNames resolves the names of "Linked To:" remarks and vessel owners to
// the entries of a run (CSV or XML): the entry whose primary name equals
// the name after normalisation (normName), else, failing that, the only
// entry with such an alias.
type ofacNames struct{ primary, alias map[string][]string }

func newOFACNames() ofacNames {
	return ofacNames{primary: map[string][]string{}, alias: map[string][]string{}}
}

// add records a primary name or an alias of entry uid.
func (n ofacNames) add(name, uid string, primary bool) {
	k := normName(name)
	if primary {
		n.primary[k] = appendUnique(n.primary[k], uid)
	} else {
		n.alias[k] = appendUnique(n.alias[k], uid)
	}
}

// resolve returns the entry name stands for ("" when none or several).
func (n ofacNames) resolve(name string) string {
	k := normName(name)
	if ids := n.primary[k]; len(ids) == 1 {
		return ids[0]
	}
	if ids := n.alias[k]; len(ids) == 1 && len(n.primary[k]) == 0 {
		return ids[0]
	}
	return ""
}

// link is relationship number i of entry uid: a RelLinkedTo from the entry
// named target to uid, with the entry's provenance. An unresolved name
// becomes the Owner procure.SlugID("ofac", target). ok is false when the
// name resolves to the entry itself.
func (n ofacNames) link(uid string, i int, target, role string, prov procure.Provenance) (rel procure.Relationship, ok bool) {
	owner := n.resolve(target)
	if owner == uid {
		return procure.Relationship{}, false // a remark pointing at the entry itself
	}
	o := "ofac:" + owner
	if owner == "" {
		o = procure.SlugID("ofac", target)
	}
	prov.RecordID = fmt.Sprintf("%s:linked:%d", uid, i)
	return procure.Relationship{ID: "ofac:" + prov.RecordID, Kind: procure.RelLinkedTo, Owner: o,
		Asset: "ofac:" + uid, Share: procure.Unknown, Role: role, Provenance: prov}, true
}

// entry builds one entity and its relationships.
func (p *OFACCSV) entry(r ofacRow, by map[string]map[string][]ofacRow, list, dataset string, names ofacNames, sink Sink) (procure.Entity, []procure.Relationship) {
	ent := r.f[0]
	kind, ok := ofacKind(field(r, 2))
	if !ok {
		sink.Report(warn(r.loc, "ofac-csv-unknown-type", "entry %s has the type %q; imported as an organisation", ent, field(r, 2)))
	}
	b := regid.NewBuilder("ofac:"+ent, kind)
	name := field(r, 1)
	if name == "" {
		sink.Report(warn(r.loc, "ofac-csv-no-name", "entry %s has no name", ent))
	}
	b.Name(name, "primary", "")
	b.Identifier(procure.Identifier{Scheme: "US-OFAC", ID: ent})
	b.Topic("sanction")
	raw := [][]byte{r.raw}
	remarksText := ""
	if !ofacNull(r.f[11]) {
		remarksText = r.f[11]
	}
	for _, c := range by["comments"][ent] {
		raw = append(raw, c.raw)
		if !ofacNull(c.f[1]) {
			remarksText += c.f[1] // the continuation follows without a separator
		}
	}
	remarksText = clean(remarksText)
	addrCountries := map[string]bool{}
	for _, a := range by["add"][ent] {
		raw = append(raw, a.raw)
		country := field(a, 4)
		line := regid.JoinAddress(field(a, 2), field(a, 3), country)
		b.Address(line)
		if country != "" {
			if cc := b.Country(country); cc != "" {
				addrCountries[cc] = true
			} else {
				sink.Report(warn(a.loc, "ofac-csv-unknown-country", "entry %s has an address in %q, which is not a known country", ent, country))
			}
		}
	}
	for _, a := range by["alt"][ent] {
		raw = append(raw, a.raw)
		kind := "alias"
		switch strings.ToLower(strings.Trim(field(a, 2), ".")) {
		case "fka", "f.k.a":
			kind = "former"
		case "aka", "a.k.a", "nka", "n.k.a", "":
		default:
			sink.Report(warn(a.loc, "ofac-csv-unknown-alias-type", "entry %s has an alias of type %q; kept as an alias", ent, field(a, 2)))
		}
		b.Name(field(a, 3), kind, "")
	}
	if flag := field(r, 9); flag != "" {
		b.Country(flag)
	}
	rm := parseRemarks(remarksText)
	rm.addNamesAndCountries(b)
	rm.addIdentifiers(b, soleCountry(addrCountries), func(note string) {
		sink.Report(warn(r.loc, "ofac-csv-identifier-check", "entry %s: %s", ent, note))
	})
	programs := splitPrograms(r.f[3])
	b.Listing(procure.Listing{List: list, Authority: "US Treasury OFAC", Programs: programs, Reference: ent,
		Remarks: remarksText, URL: "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=" + ent})
	var sum bytes.Buffer
	for _, x := range raw {
		sum.Write(x)
		sum.WriteByte('\n')
	}
	prov := procure.Provenance{Source: r.file.doc.Source, Dataset: dataset, RecordID: ent, URL: r.file.doc.URL,
		RetrievedAt: r.file.doc.RetrievedAt, SHA256: sha(sum.Bytes()), License: LicenseOFAC, Location: r.loc}
	b.Set(func(e *procure.Entity) {
		if len(rm.birthDates) > 0 {
			e.BirthDate = rm.birthDates[0]
		}
		e.Provenance = prov
	})
	var rels []procure.Relationship
	link := func(n int, target, role string) {
		if rel, ok := names.link(ent, n, target, role, prov); ok {
			rels = append(rels, rel)
		}
	}
	n := 0
	for _, t := range rm.linkedTo {
		n++
		link(n, t, "Linked To: "+t)
	}
	if vo := field(r, 10); vo != "" {
		n++
		link(n, vo, "vessel owner: "+vo)
	}
	return b.Entity("OFAC entry " + ent), rels
}
