// Package psc reads the UK Companies House "persons with significant
// control" snapshot (JSON Lines of {"company_number", "data": {...}}; the
// shared test files wrap the lines in a JSON array and add a ContentDate
// field — both accepted) and the Companies House basic company data (the
// CSV columns as JSON objects: CompanyNumber, CompanyName, ...) into procure
// entities and relationships. It does no I/O beyond reading the documents
// it is given.
//
// # Records
//
// Each person with significant control (PSC) becomes an entity
// "gb-psc:{company number}/{PSC id}" (the PSC id is the last part of its
// links.self path) carrying the identifier GB-PSC-{number}{id} (regid.
// PSCIdentifier: BODS files of the Open Ownership register carry the same
// identifier for the same PSC, so the store clusters them):
//
//   - individual-person-with-significant-control and
//     individual-beneficial-owner: a person; the name from name_elements
//     (forename, middle name, surname; the title is left out), the name as
//     published as an alias, nationality and country of residence as
//     countries, date_of_birth as "YYYY-MM";
//   - corporate-entity-person-with-significant-control and
//     corporate-entity-beneficial-owner: a company; identification.
//     registration_number qualified by country_registered (else
//     place_registered, else legal_authority): a UK register gives GB-COH,
//     other countries the regid scheme or the weak {CC}-REG;
//   - legal-person-person-with-significant-control and
//     legal-person-beneficial-owner: a state body when its legal form says
//     government or state, otherwise an organisation;
//   - super-secure-person-with-significant-control (and
//     super-secure-beneficial-owner): no entity; the relationship has no
//     Owner and UnspecifiedOwner says the details are protected.
//
// is_sanctioned true (Register of Overseas Entities) adds the topic
// "sanction" and a listing "UK sanctions (flagged by Companies House)".
//
// Each PSC also gives one relationship "gb-psc:{number}/{PSC id}/control"
// to the company, with notified_on as StartDate and ceased_on as EndDate,
// natures_of_control verbatim as Interests, and:
//
//   - Kind ownership when a nature is about shares or surplus assets
//     ("ownership-of-shares-25-to-50-percent", "right-to-share-surplus-
//     assets-…", "…-more-than-25-percent-registered-overseas-entity", with
//     or without "-as-trust" / "-as-firm"), else control;
//   - Share from the band: the register's bands mean "more than 25 % but
//     not more than 50 %", so 25-to-50 → (25, 50], 50-to-75 → (50, 75],
//     75-to-100 → (75, 100], more-than-25 → (25, 100]. The exclusive lower
//     bound is encoded as the nearest float64 above it (math.Nextafter), so
//     50-to-75 satisfies both "50 % or more" (OFAC) and "more than 50 %"
//     (EU, UK). For control-only PSCs the voting band is the share;
//   - Control when the PSC has the right to appoint and remove directors
//     (or members), significant influence or control, or more than 50 % of
//     the votes or shares.
//
// PSC statements (persons-with-significant-control-statement, e.g.
// "no-individual-or-entity-with-signficant-control", "psc-exists-but-not-
// identified") and exemptions become relationships without Owner
// (UnspecifiedOwner = the statement, in words) and, while not ceased, make
// the company Opaque. The company itself is an entity
// "gb-psc:company/{number}" with the identifier GB-COH-{number} (so it
// clusters with the basic company data and with OCDS suppliers carrying
// GB-COH identifiers); it is emitted once per run, after the last line of
// that company (lines of one company are contiguous in the snapshot; a
// company whose lines come back later is emitted again with every reason
// gathered so far, which the store then keeps as the current version).
//
// Basic company data records become entities "gb-coh:{number}" with the
// name, previous names, registered address, incorporation and dissolution
// dates and the identifier GB-COH-{number}.
//
// The snapshot's totals record ("totals#persons-of-significant-control-
// snapshot") is read for nothing and skipped.
package psc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// License of Companies House data.
const License = "OGL-UK-3.0 (Companies House)"

// Dataset stamped on Provenance.Dataset.
const Dataset = "gb_coh_psc"

// Doc describes one input document of a run.
type Doc = procure.DocOrigin

// Sink receives what the parser reads. Entity and Relationship return an
// error when the run must stop; the parser then returns it.
type Sink interface {
	Entity(procure.Entity) error
	Relationship(procure.Relationship) error
	Report(procure.Problem)
}

// Parser reads the PSC documents of one import run.
type Parser struct {
	index   int
	current *company            // the company whose lines are being read
	opaque  map[string][]string // opacity reasons of companies that have any
}

type company struct {
	number string
	loc    procure.Location
	doc    Doc
}

// New returns a Parser for one run.
func New() *Parser { return &Parser{opaque: map[string][]string{}} }

type line struct {
	CompanyNumber string          `json:"company_number"`
	Data          json.RawMessage `json:"data"`
	ContentDate   *string         `json:"ContentDate"`
	// basic company data
	CompanyName *string `json:"CompanyName"`
}

type pscData struct {
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	NameElements *struct {
		Title      string `json:"title"`
		Forename   string `json:"forename"`
		MiddleName string `json:"middle_name"`
		Surname    string `json:"surname"`
	} `json:"name_elements"`
	Nationality        string `json:"nationality"`
	CountryOfResidence string `json:"country_of_residence"`
	DateOfBirth        *struct {
		Month int `json:"month"`
		Year  int `json:"year"`
	} `json:"date_of_birth"`
	Address                *pscAddress `json:"address"`
	PrincipalOfficeAddress *pscAddress `json:"principal_office_address"`
	Identification         *struct {
		LegalAuthority     string `json:"legal_authority"`
		LegalForm          string `json:"legal_form"`
		PlaceRegistered    string `json:"place_registered"`
		RegistrationNumber string `json:"registration_number"`
		CountryRegistered  string `json:"country_registered"`
	} `json:"identification"`
	NaturesOfControl []string `json:"natures_of_control"`
	NotifiedOn       string   `json:"notified_on"`
	CeasedOn         string   `json:"ceased_on"`
	Ceased           *bool    `json:"ceased"`
	Links            struct {
		Self string `json:"self"`
	} `json:"links"`
	Etag         string          `json:"etag"`
	IsSanctioned *bool           `json:"is_sanctioned"`
	Statement    string          `json:"statement"`
	Description  string          `json:"description"`
	Exemptions   json.RawMessage `json:"exemptions"`
}

type pscAddress struct {
	CareOf       string `json:"care_of"`
	POBox        string `json:"po_box"`
	Premises     string `json:"premises"`
	AddressLine1 string `json:"address_line_1"`
	AddressLine2 string `json:"address_line_2"`
	Locality     string `json:"locality"`
	Region       string `json:"region"`
	PostalCode   string `json:"postal_code"`
	Country      string `json:"country"`
}

func (a *pscAddress) line() string {
	if a == nil {
		return ""
	}
	return regid.JoinAddress(a.CareOf, a.POBox, a.Premises, a.AddressLine1, a.AddressLine2, a.Locality, a.Region, a.PostalCode, a.Country)
}

func warn(loc procure.Location, code, format string, args ...any) procure.Problem {
	return procure.Problem{Severity: procure.SevWarning, Code: code, Message: fmt.Sprintf(format, args...), Location: loc}
}

func fail(loc procure.Location, code, format string, args ...any) procure.Problem {
	return procure.Problem{Severity: procure.SevError, Code: code, Message: fmt.Sprintf(format, args...), Location: loc}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Document reads one document.
func (p *Parser) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	docLoc := procure.Location{File: doc.URL}
	array, contentDate := false, false
	err := regid.ReadJSONRecords(ctx, r, func(rec regid.JSONRecord) error {
		loc := procure.Location{File: doc.URL, Line: rec.Line, Index: p.index}
		p.index++
		array = array || rec.Array
		var l line
		if err := json.Unmarshal(rec.Raw, &l); err != nil {
			sink.Report(fail(loc, "psc-bad-record", "record %d is not a JSON object: %v; skipped", rec.Index+1, err))
			return nil
		}
		if l.ContentDate != nil {
			contentDate = true
		}
		switch {
		case l.CompanyName != nil:
			return p.companyData(rec.Raw, doc, loc, sink)
		case len(l.Data) > 0:
			return p.pscLine(l, rec.Raw, doc, loc, sink)
		}
		sink.Report(fail(loc, "psc-unknown-record", "record %d is neither a PSC snapshot line (company_number, data) nor basic company data (CompanyNumber, CompanyName); skipped", rec.Index+1))
		return nil
	})
	if array {
		sink.Report(warn(docLoc, "psc-array", "the document is a JSON array; the Companies House snapshot is JSON Lines (read either way)"))
	}
	if contentDate {
		sink.Report(warn(docLoc, "psc-content-date", "the lines carry a ContentDate field, which is not part of the Companies House format; ignored"))
	}
	return err
}

// Finish emits the company of the last lines read.
func (p *Parser) Finish(ctx context.Context, sink Sink) error { return p.flush(sink) }

// flush emits the current company.
func (p *Parser) flush(sink Sink) error {
	c := p.current
	if c == nil {
		return nil
	}
	p.current = nil
	b := regid.NewBuilder(CompanyID(c.number), procure.EntityCompany)
	b.Identifier(procure.Identifier{Scheme: "GB-COH", ID: procure.NormalizeIdentifier("GB-COH", c.number)})
	b.Jurisdiction("GB")
	reasons := p.opaque[c.number]
	content := "company " + c.number + "\n" + strings.Join(reasons, "\n")
	b.Set(func(e *procure.Entity) {
		e.Opaque = strings.Join(reasons, "; ")
		e.Provenance = procure.Provenance{Source: c.doc.Source, Dataset: Dataset, RecordID: "company/" + c.number, URL: c.doc.URL,
			RetrievedAt: c.doc.RetrievedAt, SHA256: sha([]byte(content)), License: License, Location: c.loc}
	})
	return sink.Entity(b.Entity("UK company " + c.number))
}

// CompanyID is the ID of the company entity the PSC lines of a company
// point at.
func CompanyID(number string) string {
	return "gb-psc:company/" + procure.NormalizeIdentifier("GB-COH", number)
}

// see notes the company of a line; the previous company is emitted when
// the company changes.
func (p *Parser) see(number string, doc Doc, loc procure.Location, sink Sink) error {
	if p.current != nil && p.current.number == number {
		return nil
	}
	if err := p.flush(sink); err != nil {
		return err
	}
	p.current = &company{number: number, loc: loc, doc: doc}
	return nil
}

var (
	bandRe     = regexp.MustCompile(`(\d+)-to-(\d+)-percent`)
	moreThanRe = regexp.MustCompile(`more-than-(\d+)-percent`)
)

// band parses the percentage band of a nature of control: "(lo, hi]".
func band(nature string) (procure.Interval, bool) {
	if m := bandRe.FindStringSubmatch(nature); m != nil {
		var lo, hi float64
		fmt.Sscan(m[1], &lo)
		fmt.Sscan(m[2], &hi)
		if lo < hi && hi <= 100 {
			return procure.Interval{Min: math.Nextafter(lo, math.Inf(1)), Max: hi}, true
		}
	}
	if m := moreThanRe.FindStringSubmatch(nature); m != nil {
		var lo float64
		fmt.Sscan(m[1], &lo)
		if lo < 100 {
			return procure.Interval{Min: math.Nextafter(lo, math.Inf(1)), Max: 100}, true
		}
	}
	return procure.Interval{}, false
}

var statementText = map[string]string{
	"no-individual-or-entity-with-signficant-control":            "the company states that no individual or entity has significant control",
	"no-individual-or-entity-with-significant-control":           "the company states that no individual or entity has significant control",
	"steps-to-find-psc-not-yet-completed":                        "the company has not yet completed its steps to find its persons with significant control",
	"psc-exists-but-not-identified":                              "the company knows it has a person with significant control but has not identified them",
	"psc-details-not-confirmed":                                  "the company has identified a person with significant control but their details are not confirmed",
	"psc-contacted-but-no-response":                              "a person with significant control was contacted but has not responded",
	"restrictions-notice-issued-to-psc":                          "the company has issued a restrictions notice to a person with significant control",
	"psc-has-failed-to-confirm-changed-details":                  "a person with significant control has failed to confirm changed details",
	"no-registrable-beneficial-owner-identified":                 "no registrable beneficial owner was identified",
	"all-beneficial-owners-not-identified":                       "not all beneficial owners were identified",
	"at-least-one-beneficial-owner-unidentified":                 "at least one beneficial owner is unidentified",
	"information-not-provided-for-at-least-one-beneficial-owner": "information was not provided for at least one beneficial owner",
	"at-least-one-beneficial-owner-information-not-provided":     "information was not provided for at least one beneficial owner",
}

// statementWords renders a PSC statement code in words.
func statementWords(code string) string {
	if t, ok := statementText[code]; ok {
		return t
	}
	return "the company states: " + strings.ReplaceAll(code, "-", " ")
}

func (p *Parser) pscLine(l line, raw []byte, doc Doc, loc procure.Location, sink Sink) error {
	var d pscData
	if err := json.Unmarshal(l.Data, &d); err != nil {
		sink.Report(fail(loc, "psc-bad-data", "the data of record %d is not a PSC object: %v; skipped", loc.Index+1, err))
		return nil
	}
	if strings.HasPrefix(d.Kind, "totals#") {
		return nil
	}
	number := procure.NormalizeIdentifier("GB-COH", l.CompanyNumber)
	if number == "" {
		sink.Report(fail(loc, "psc-no-company", "a PSC record (%s) without company_number; skipped", d.Kind))
		return nil
	}
	if err := p.see(number, doc, loc, sink); err != nil {
		return err
	}
	pscID := ""
	if self := strings.TrimRight(strings.TrimSpace(d.Links.Self), "/"); self != "" {
		pscID = self[strings.LastIndex(self, "/")+1:]
	}
	if pscID == "" {
		pscID = strings.TrimSpace(d.Etag)
		if pscID == "" {
			sink.Report(fail(loc, "psc-no-id", "a PSC record of company %s has neither links.self nor etag; skipped", number))
			return nil
		}
		sink.Report(warn(loc, "psc-no-self-link", "a PSC record of company %s has no links.self; its etag identifies it", number))
	}
	prov := procure.Provenance{Source: doc.Source, Dataset: Dataset, RecordID: strings.TrimSpace(d.Links.Self), URL: doc.URL,
		RetrievedAt: doc.RetrievedAt, SHA256: sha(raw), License: License, Location: loc}
	if prov.RecordID == "" {
		prov.RecordID = number + "/" + pscID
	}
	ownerID := "gb-psc:" + number + "/" + pscID
	rel := procure.Relationship{ID: ownerID + "/control", Asset: CompanyID(number), Share: procure.Unknown, Provenance: prov,
		StartDate: strings.TrimSpace(d.NotifiedOn), EndDate: strings.TrimSpace(d.CeasedOn), Interests: d.NaturesOfControl}
	ceased := rel.EndDate != "" || (d.Ceased != nil && *d.Ceased)
	kind := strings.TrimSpace(d.Kind)
	var b *regid.Builder
	switch kind {
	case "individual-person-with-significant-control", "individual-beneficial-owner":
		b = regid.NewBuilder(ownerID, procure.EntityPerson)
		if ne := d.NameElements; ne != nil {
			b.Name(strings.Join(strings.Fields(ne.Forename+" "+ne.MiddleName+" "+ne.Surname), " "), "primary", "")
		}
		b.Name(d.Name, "alias", "")
		for _, c := range []string{d.Nationality, d.CountryOfResidence} {
			for _, part := range strings.Split(c, ",") {
				if part = strings.TrimSpace(part); part != "" && b.Country(part) == "" {
					sink.Report(warn(loc, "psc-unknown-country", "the nationality or country %q of a PSC of %s is not a known country", part, number))
				}
			}
		}
		if dob := d.DateOfBirth; dob != nil && dob.Year > 0 {
			b.Set(func(e *procure.Entity) {
				e.BirthDate = fmt.Sprintf("%04d", dob.Year)
				if dob.Month >= 1 && dob.Month <= 12 {
					e.BirthDate += fmt.Sprintf("-%02d", dob.Month)
				}
			})
		}
	case "corporate-entity-person-with-significant-control", "corporate-entity-beneficial-owner",
		"legal-person-person-with-significant-control", "legal-person-beneficial-owner":
		ek := procure.EntityCompany
		if strings.HasPrefix(kind, "legal-person") {
			ek = procure.EntityOrganization
			if id := d.Identification; id != nil {
				f := strings.ToLower(id.LegalForm + " " + id.LegalAuthority)
				if strings.Contains(f, "government") || strings.Contains(f, "state") || strings.Contains(f, "ministry") || strings.Contains(f, "crown") {
					ek = procure.EntityState
				}
			}
		}
		b = regid.NewBuilder(ownerID, ek)
		b.Name(d.Name, "primary", "")
		if id := d.Identification; id != nil {
			country := ""
			for _, c := range []string{id.CountryRegistered, id.PlaceRegistered, id.LegalAuthority} {
				if cc := regid.Country(c); cc != "" {
					country = cc
					break
				}
				if strings.Contains(strings.ToLower(c), "companies house") || strings.Contains(strings.ToLower(c), "united kingdom") ||
					strings.Contains(strings.ToLower(c), "england") || strings.Contains(strings.ToLower(c), "companies act") {
					country = "GB"
					break
				}
			}
			if country != "" {
				b.Jurisdiction(country)
			}
			if num := strings.TrimSpace(id.RegistrationNumber); num != "" {
				res, ok := regid.Qualify("registrationNumber", num, country)
				switch {
				case !ok:
					sink.Report(warn(loc, "psc-unqualified-number", "the registration number %q of %s (a PSC of %s) has no known register (country %q); not used as an identifier", num, d.Name, number, id.CountryRegistered))
				default:
					if res.Note != "" {
						sink.Report(warn(loc, "psc-identifier-check", "%s: %s", d.Name, res.Note))
					}
					b.Identifier(res.Identifier)
				}
			}
		}
	case "super-secure-person-with-significant-control", "super-secure-beneficial-owner":
		rel.UnspecifiedOwner = "protected: the details of this person with significant control are withheld by Companies House (super-secure)"
		if !ceased {
			p.addOpaque(number, "a person with significant control is protected (super-secure); their identity is withheld")
		}
		rel.Kind = procure.RelControl
		return sink.Relationship(rel)
	case "persons-with-significant-control-statement", "beneficial-owner-statement", "persons-with-significant-control-statements":
		words := statementWords(strings.TrimSpace(d.Statement))
		rel.ID = ownerID + "/statement"
		rel.UnspecifiedOwner = words
		rel.Kind = procure.RelOwnership
		if !ceased {
			p.addOpaque(number, words)
		}
		return sink.Relationship(rel)
	case "exemptions":
		reason := "the company is exempt from keeping a register of persons with significant control"
		var ex map[string]json.RawMessage
		if json.Unmarshal(d.Exemptions, &ex) == nil && len(ex) > 0 {
			var keys []string
			for k := range ex {
				keys = append(keys, strings.ReplaceAll(k, "_", " "))
			}
			sort.Strings(keys)
			reason += " (" + strings.Join(keys, ", ") + ")"
		}
		rel.ID = ownerID + "/exemption"
		rel.UnspecifiedOwner = reason
		rel.Kind = procure.RelOwnership
		p.addOpaque(number, reason)
		return sink.Relationship(rel)
	default:
		sink.Report(fail(loc, "psc-unknown-kind", "a PSC record of company %s has the unknown kind %q; skipped", number, kind))
		return nil
	}
	// A PSC entity and its relationship to the company.
	b.Identifier(regid.PSCIdentifier(number, pscID))
	if a := d.Address.line(); a != "" {
		b.Address(a)
	}
	if a := d.PrincipalOfficeAddress.line(); a != "" {
		b.Address(a)
	}
	for _, a := range []*pscAddress{d.Address, d.PrincipalOfficeAddress} {
		if a != nil && strings.TrimSpace(a.Country) != "" {
			b.Country(a.Country)
		}
	}
	if d.IsSanctioned != nil && *d.IsSanctioned {
		b.Topic("sanction")
		b.Listing(procure.Listing{List: "UK sanctions (flagged by Companies House)", Authority: "Companies House",
			Remarks: "is_sanctioned is true in the Register of Overseas Entities"})
	}
	b.Set(func(e *procure.Entity) { e.Provenance = prov })
	if err := sink.Entity(b.Entity("Person with significant control of " + number)); err != nil {
		return err
	}
	rel.Owner = ownerID
	natures(&rel, loc, sink, number)
	return sink.Relationship(rel)
}

func (p *Parser) addOpaque(number, reason string) {
	for _, r := range p.opaque[number] {
		if r == reason {
			return
		}
	}
	p.opaque[number] = append(p.opaque[number], reason)
}

// natures sets kind, share and control from the natures of control.
func natures(rel *procure.Relationship, loc procure.Location, sink Sink, number string) {
	var own, vote *procure.Interval
	control, ownership := false, false
	for _, n := range rel.Interests {
		n = strings.TrimSpace(n)
		switch {
		case strings.HasPrefix(n, "ownership-of-shares"), strings.HasPrefix(n, "right-to-share-surplus-assets"),
			strings.HasPrefix(n, "part-right-to-share-surplus-assets"):
			ownership = true
			if iv, ok := band(n); ok {
				if own == nil || iv.Min > own.Min {
					own = &iv
				}
			} else {
				sink.Report(warn(loc, "psc-unknown-band", "the nature of control %q of a PSC of %s has no percentage band Tenderlens knows; the share is unknown", n, number))
			}
		case strings.HasPrefix(n, "voting-rights"):
			if iv, ok := band(n); ok && (vote == nil || iv.Min > vote.Min) {
				vote = &iv
			}
		case strings.HasPrefix(n, "right-to-appoint-and-remove"), strings.HasPrefix(n, "significant-influence-or-control"):
			control = true
		default:
			sink.Report(warn(loc, "psc-unknown-nature", "the nature of control %q of a PSC of %s is not known to Tenderlens; kept verbatim", n, number))
		}
	}
	switch {
	case ownership:
		rel.Kind = procure.RelOwnership
		if own != nil {
			rel.Share = *own
		}
	default:
		rel.Kind = procure.RelControl
		if vote != nil {
			rel.Share = *vote
		}
	}
	if control || (vote != nil && vote.Min > 50) || (own != nil && own.Min > 50) {
		rel.Control = true
	}
}

// companyData reads one basic company data record.
func (p *Parser) companyData(raw []byte, doc Doc, loc procure.Location, sink Sink) error {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		sink.Report(fail(loc, "psc-bad-record", "record %d is not a JSON object: %v; skipped", loc.Index+1, err))
		return nil
	}
	get := func(k string) string {
		v, _ := m[k].(string)
		return strings.TrimSpace(v)
	}
	number := procure.NormalizeIdentifier("GB-COH", get("CompanyNumber"))
	if number == "" {
		sink.Report(fail(loc, "psc-no-company", "a basic company data record without CompanyNumber (%s); skipped", get("CompanyName")))
		return nil
	}
	b := regid.NewBuilder("gb-coh:"+number, procure.EntityCompany)
	b.Name(get("CompanyName"), "primary", "")
	for i := 1; i <= 10; i++ {
		b.Name(get(fmt.Sprintf("PreviousName_%d.CompanyName", i)), "former", "")
	}
	b.Identifier(procure.Identifier{Scheme: "GB-COH", ID: number})
	b.Jurisdiction("GB")
	if o := get("CountryOfOrigin"); o != "" {
		b.Country(o)
	}
	b.Address(regid.JoinAddress(get("RegAddress.CareOf"), get("RegAddress.POBox"), get("RegAddress.AddressLine1"), get("RegAddress.AddressLine2"),
		get("RegAddress.PostTown"), get("RegAddress.County"), get("RegAddress.PostCode"), get("RegAddress.Country")))
	date := func(k string) string {
		v := get(k)
		if v == "" {
			return ""
		}
		t, err := time.Parse("02/01/2006", v)
		if err != nil {
			sink.Report(warn(loc, "psc-bad-date", "%s %q of company %s is not a dd/mm/yyyy date; ignored", k, v, number))
			return ""
		}
		return t.Format("2006-01-02")
	}
	b.Set(func(e *procure.Entity) {
		e.FoundingDate = date("IncorporationDate")
		e.DissolutionDate = date("DissolutionDate")
		e.Provenance = procure.Provenance{Source: doc.Source, Dataset: "gb_coh_companies", RecordID: number, URL: doc.URL,
			RetrievedAt: doc.RetrievedAt, SHA256: sha(raw), License: License, Location: loc}
	})
	return sink.Entity(b.Entity("UK company " + number))
}
