// Package bods reads Beneficial Ownership Data Standard statements — BODS
// 0.2/0.3 (statementID, statementType: entityStatement, personStatement,
// ownershipOrControlStatement) and 0.4 (statementId, recordId, recordType:
// entity, person, relationship, recordDetails) — into procure entities and
// relationships. It does no I/O beyond reading the documents it is given.
//
// # Documents
//
// A document is a JSON array of statements (a BODS package) or a sequence
// of statements (JSON Lines). All documents of an import run are given to
// one Parser: 0.2/0.3 entities are emitted as they are read; relationships
// and 0.4 records are held until Finish, because they are resolved against
// every statement of the run (replacements, record versions, dangling
// references). Memory: about 1 KB per held statement.
//
// # IDs
//
// Entities are "{namespace}:{statementID}" (0.2/0.3) or
// "{namespace}:{recordId}" (0.4); the namespace is "bods" unless the
// parser option namespace says otherwise (use one per publisher when two
// publishers' record IDs could collide). Every 0.2/0.3 entity and person
// also carries the identifier XI-BODS-{statementID}, and a statement that
// replaces others carries XI-BODS-{replaced ID} for each, so the store
// clusters the versions of one entity whatever order they are imported in.
//
// # Relationships
//
// One relationship per ownership-or-control statement (0.2/0.3) or per
// version of a relationship record (0.4), from the interested party (Owner)
// to the subject (Asset). Its interests decide the kind:
//
//   - ownership when any interest is a proprietary one: shareholding,
//     beneficiaryOfLegalArrangement, rightsToSurplusAssetsOnDissolution,
//     rightsToProfitOrIncome, rightToProfitOrIncomeFromAssets,
//     enjoymentAndUseOfAssets, or unknownInterest/unpublishedInterest (the
//     share of which is unknown). Share comes from the shareholding interest
//     (else the first proprietary one with a share);
//   - else control when any interest is votingRights, appointmentOfBoard,
//     otherInfluenceOrControl, controlViaCompanyRulesOrArticles,
//     controlByLegalFramework, rightsGrantedByContract,
//     conditionalRightsGrantedByContract, settlor, trustee or protector.
//     Share is the voting share when given;
//   - else a soft link: directorship for boardMember, boardChair and
//     seniorManagingOfficial (a senior managing official is named when no
//     beneficial owner is found: an officer, not an owner), representation
//     for nominee and nominator;
//   - a statement without interests is an ownership of unknown share.
//
// Control (Relationship.Control) is set by appointmentOfBoard,
// otherInfluenceOrControl, controlViaCompanyRulesOrArticles,
// controlByLegalFramework, rightsGrantedByContract, trustee and protector,
// and by votingRights or shareholding whose share is known to exceed 50 %.
//
// Shares become intervals: exact → [x,x]; minimum/maximum → [min,max];
// missing → [0,100]. An exclusive bound (0.4 exclusiveMinimum /
// exclusiveMaximum numbers, or 0.2 exclusiveMinimum/exclusiveMaximum true
// beside minimum/maximum) is encoded as the nearest float64 inside the
// interval (math.Nextafter), so "more than 50 %" is 50.000000000000007:
// comparisons with > and ≥ stay exact and the value prints as 50.
//
// Direct is "direct" or "indirect" from interestLevel (0.2) or
// directOrIndirect (0.3, 0.4). A declared indirect relationship (isComponent
// false, directOrIndirect indirect, usually with componentRecords) is kept
// with Direct "indirect" and its component records named in Role: it
// summarises a chain whose direct hops are separate relationships, so the
// ownership graph must not add it to those hops (data/owner: use an
// indirect edge only to cross-check, or when no direct path explains it).
//
// Start and end dates come from the interests (earliest start, latest end
// when every interest has ended). In 0.2/0.3 a statement replaced by
// another statement of the run (replacesStatements) ends at the replacing
// statement's date. In 0.4 the versions of one relationship record
// (recordStatus new, updated, closed) become one relationship per version:
// the latest is "{namespace}:{recordId}", earlier ones
// "{namespace}:{recordId}@{statementId}" ending where the next version
// starts; a closed record ends at its statement date.
//
// Unspecified interested parties (0.2/0.3 interestedParty.unspecified, 0.4
// an UnspecifiedRecord instead of a record ID) become relationships without
// Owner and with UnspecifiedOwner "reason: description". Unknown or
// anonymous entities and persons (unknownEntity, anonymousEntity,
// unknownPerson, anonymousPerson) are entities with Opaque set.
//
// # Identifiers
//
// identifiers[].scheme is qualified through regid (GB-COH pads "6436883" to
// "06436883"; US-SAM becomes US-UEI). Without a scheme: OpenCorporates URLs
// (https://opencorporates.com/companies/{jurisdiction}/{number}) become
// GB-COH, UA-EDR or RU-OGRN for those jurisdictions, else
// XI-OC-{JURISDICTION}-{number}; Companies House PSC paths
// (/company/{number}/persons-with-significant-control/{kind}/{id}) become
// GB-PSC-{number}{id}, the identifier the psc package gives the same
// person of significant control. Other identifiers without a scheme (a
// register's name only) are not used; a warning at the end of the run
// counts them.
//
// # Quirks repaired (with warnings)
//
// BODS 0.1 kebab-case codes (other-influence-or-control,
// interested-party-exempt-from-disclosure); date-times where a date is due
// (2012-11-29T00:00:00.000Z); repeated identifiers; references to
// statements not in the run (kept, reported: GLEIF files point at entity
// statements they do not carry); a share with minimum above maximum
// (unknown instead); statements of unknown type (skipped, as errors).
package bods

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
	"unicode"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// Doc describes one input document of a run.
type Doc = procure.DocOrigin

// Sink receives what the parser reads. Entity and Relationship return an
// error when the run must stop; the parser then returns it.
type Sink interface {
	Entity(procure.Entity) error
	Relationship(procure.Relationship) error
	Report(procure.Problem)
}

// Options configure a Parser.
type Options struct {
	// Namespace prefixes entity and relationship IDs (default "bods").
	Namespace string
	// Dataset is stamped on Provenance.Dataset (default "bods").
	Dataset string
}

// Parser reads the BODS documents of one import run.
type Parser struct {
	opt Options

	seen        map[string]bool   // statement IDs and record IDs of entities and persons read
	rels        []heldRel         // relationships, resolved at Finish
	replacedBy  map[string]repl   // statement ID → the statement replacing it (0.2/0.3)
	unknownIDs  map[string]int    // identifier schemeName → count not used
	entityVers  map[string]held04 // 0.4 entity and person records → latest version
	index       int
	relStmtSeen map[string]bool // relationship statement IDs (0.2/0.3)
}

// held04 is the latest version of a 0.4 entity or person record.
type held04 struct {
	date, kind, stmtID string
	d                  details04
	prov               procure.Provenance
}

type repl struct {
	by   string
	date string
}

type heldRel struct {
	rel        procure.Relationship
	stmtID     string
	recordID   string // 0.4
	date       string // statementDate
	closed     bool   // 0.4 recordStatus closed
	replaces   []string
	refs       []string // referenced IDs (without namespace) to check
	components []string
	loc        procure.Location
	order      int
}

// New returns a Parser for one run.
func New(opt Options) *Parser {
	if opt.Namespace == "" {
		opt.Namespace = "bods"
	}
	if opt.Dataset == "" {
		opt.Dataset = "bods"
	}
	return &Parser{opt: opt, seen: map[string]bool{}, replacedBy: map[string]repl{}, unknownIDs: map[string]int{},
		entityVers: map[string]held04{}, relStmtSeen: map[string]bool{}}
}

func (p *Parser) id(s string) string { return p.opt.Namespace + ":" + s }

// Document reads one document of statements.
func (p *Parser) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	return regid.ReadJSONRecords(ctx, r, func(rec regid.JSONRecord) error {
		loc := procure.Location{File: doc.URL, Line: rec.Line, Index: p.index}
		p.index++
		return p.Statement(rec.Raw, doc, loc, sink)
	})
}

// statement is a BODS statement of any version; only the fields used are
// declared.
type statement struct {
	// 0.2/0.3
	StatementID           string          `json:"statementID"`
	StatementType         string          `json:"statementType"`
	ReplacesStatements    []string        `json:"replacesStatements"`
	IsComponent           *bool           `json:"isComponent"`
	ComponentStatementIDs []string        `json:"componentStatementIDs"`
	Subject               json.RawMessage `json:"subject"`
	InterestedParty       json.RawMessage `json:"interestedParty"`
	Interests             []interest      `json:"interests"`
	// 0.4
	StatementID4  string          `json:"statementId"`
	RecordID      string          `json:"recordId"`
	RecordType    string          `json:"recordType"`
	RecordStatus  string          `json:"recordStatus"`
	RecordDetails json.RawMessage `json:"recordDetails"`
	// all
	StatementDate      string `json:"statementDate"`
	PublicationDetails *struct {
		License     string `json:"license"`
		BodsVersion string `json:"bodsVersion"`
	} `json:"publicationDetails"`
	entityFields
	personFields
}

type entityFields struct {
	EntityType                 json.RawMessage `json:"entityType"`
	Name                       string          `json:"name"`
	AlternateNames             []string        `json:"alternateNames"`
	IncorporatedInJurisdiction *jurisdiction   `json:"incorporatedInJurisdiction"`
	Jurisdiction               *jurisdiction   `json:"jurisdiction"`
	Identifiers                []identifier    `json:"identifiers"`
	FoundingDate               string          `json:"foundingDate"`
	DissolutionDate            string          `json:"dissolutionDate"`
	Addresses                  []address       `json:"addresses"`
	UnspecifiedEntityDetails   *unspecified    `json:"unspecifiedEntityDetails"`
}

type personFields struct {
	PersonType               string         `json:"personType"`
	Names                    []personName   `json:"names"`
	Nationalities            []jurisdiction `json:"nationalities"`
	BirthDate                string         `json:"birthDate"`
	UnspecifiedPersonDetails *unspecified   `json:"unspecifiedPersonDetails"`
}

// details04 is recordDetails of any 0.4 record type.
type details04 struct {
	IsComponent      *bool           `json:"isComponent"`
	ComponentRecords []string        `json:"componentRecords"`
	Subject          json.RawMessage `json:"subject"`
	InterestedParty  json.RawMessage `json:"interestedParty"`
	Interests        []interest      `json:"interests"`
	entityFields
	personFields
}

type jurisdiction struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

type identifier struct {
	ID         string `json:"id"`
	Scheme     string `json:"scheme"`
	SchemeName string `json:"schemeName"`
	URI        string `json:"uri"`
}

type address struct {
	Type     string          `json:"type"`
	Address  string          `json:"address"`
	PostCode string          `json:"postCode"`
	Country  json.RawMessage `json:"country"` // "GB" (0.2/0.3) or {"name","code"} (0.4)
}

type unspecified struct {
	Reason      string `json:"reason"`
	Description string `json:"description"`
}

type personName struct {
	Type       string `json:"type"`
	FullName   string `json:"fullName"`
	FamilyName string `json:"familyName"`
	GivenName  string `json:"givenName"`
}

type interest struct {
	Type             string `json:"type"`
	InterestLevel    string `json:"interestLevel"`
	DirectOrIndirect string `json:"directOrIndirect"`
	Details          string `json:"details"`
	Share            *share `json:"share"`
	StartDate        string `json:"startDate"`
	EndDate          string `json:"endDate"`
}

type share struct {
	Exact            *float64        `json:"exact"`
	Minimum          *float64        `json:"minimum"`
	Maximum          *float64        `json:"maximum"`
	ExclusiveMinimum json.RawMessage `json:"exclusiveMinimum"` // 0.2: bool; 0.4: number
	ExclusiveMaximum json.RawMessage `json:"exclusiveMaximum"`
}

func warn(loc procure.Location, code, format string, args ...any) procure.Problem {
	return procure.Problem{Severity: procure.SevWarning, Code: code, Message: fmt.Sprintf(format, args...), Location: loc}
}

func fail(loc procure.Location, code, format string, args ...any) procure.Problem {
	return procure.Problem{Severity: procure.SevError, Code: code, Message: fmt.Sprintf(format, args...), Location: loc}
}

// Statement handles one statement (exported for the fuzz test and for
// callers that have statements one by one).
func (p *Parser) Statement(raw []byte, doc Doc, loc procure.Location, sink Sink) error {
	var st statement
	if err := json.Unmarshal(raw, &st); err != nil {
		sink.Report(fail(loc, "bods-bad-statement", "the record on line %d is not a BODS statement (a JSON object): %v; skipped", loc.Line, err))
		return nil
	}
	sum := sha256.Sum256(raw)
	prov := procure.Provenance{Source: doc.Source, Dataset: p.opt.Dataset, URL: doc.URL, RetrievedAt: doc.RetrievedAt,
		SHA256: hex.EncodeToString(sum[:]), Location: loc}
	if st.PublicationDetails != nil {
		prov.License = st.PublicationDetails.License
	}
	if st.RecordType != "" || st.RecordID != "" {
		return p.statement04(st, prov, sink)
	}
	prov.RecordID = strings.TrimSpace(st.StatementID)
	if prov.RecordID == "" && st.StatementType == "" {
		sink.Report(fail(loc, "bods-not-a-statement", "the record on line %d is not a BODS statement (it has neither statementType nor recordType); skipped", loc.Line))
		return nil
	}
	if prov.RecordID == "" {
		sink.Report(fail(loc, "bods-no-statement-id", "the %s on line %d has no statementID; skipped", st.StatementType, loc.Line))
		return nil
	}
	switch st.StatementType {
	case "entityStatement":
		return p.entity(st.entityFields, "", prov.RecordID, st.ReplacesStatements, prov, sink)
	case "personStatement":
		return p.person(st.personFields, prov.RecordID, true, st.ReplacesStatements, prov, sink)
	case "ownershipOrControlStatement":
		if p.relStmtSeen[prov.RecordID] {
			sink.Report(warn(loc, "bods-duplicate-statement", "statement %s appears twice; both are kept", prov.RecordID))
		}
		p.relStmtSeen[prov.RecordID] = true
		subj, _, okS := p.party(st.Subject, loc, sink, "subject")
		owner, unspec, okO := p.party(st.InterestedParty, loc, sink, "interested party")
		if !okS || subj == "" {
			sink.Report(fail(loc, "bods-no-subject", "ownership-or-control statement %s has no subject; skipped", prov.RecordID))
			return nil
		}
		if !okO {
			unspec = "interested party not given in the statement"
		}
		hr := heldRel{stmtID: prov.RecordID, date: dateOnly(st.StatementDate), replaces: st.ReplacesStatements, loc: loc,
			components: st.ComponentStatementIDs}
		hr.rel = p.relationship(prov.RecordID, subj, owner, unspec, st.Interests, isComponent(st.IsComponent), st.ComponentStatementIDs, prov, sink)
		hr.refs = nonEmptyStrings(subj, owner)
		p.hold(hr)
		for _, r := range st.ReplacesStatements {
			p.replacedBy[r] = repl{by: prov.RecordID, date: hr.date}
		}
		return nil
	case "":
		sink.Report(fail(loc, "bods-no-statement-type", "statement %s has no statementType; skipped", prov.RecordID))
	default:
		sink.Report(fail(loc, "bods-unknown-statement-type", "statement %s has the unknown statementType %q; skipped", prov.RecordID, st.StatementType))
	}
	return nil
}

func (p *Parser) hold(hr heldRel) {
	hr.order = len(p.rels)
	p.rels = append(p.rels, hr)
}

func isComponent(b *bool) bool { return b != nil && *b }

func nonEmptyStrings(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// party resolves a 0.2/0.3 subject or interested party: the referenced
// statement ID, or the reason it is unspecified. ok is false when absent.
func (p *Parser) party(raw json.RawMessage, loc procure.Location, sink Sink, what string) (id, unspec string, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", false
	}
	var v struct {
		Entity      string       `json:"describedByEntityStatement"`
		Person      string       `json:"describedByPersonStatement"`
		Unspecified *unspecified `json:"unspecified"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		sink.Report(warn(loc, "bods-bad-party", "the %s is not an object: %v", what, err))
		return "", "", false
	}
	switch {
	case strings.TrimSpace(v.Entity) != "":
		return strings.TrimSpace(v.Entity), "", true
	case strings.TrimSpace(v.Person) != "":
		return strings.TrimSpace(v.Person), "", true
	case v.Unspecified != nil:
		return "", p.unspecifiedText(*v.Unspecified, loc, sink), true
	}
	return "", "", false
}

// unspecifiedText renders an unspecified reason.
func (p *Parser) unspecifiedText(u unspecified, loc procure.Location, sink Sink) string {
	reason := camel(u.Reason, loc, sink, "unspecified reason")
	if reason == "" {
		reason = "unknown"
	}
	if d := strings.TrimSpace(u.Description); d != "" {
		return reason + ": " + d
	}
	return reason
}

var kebab = regexp.MustCompile(`^[a-z]+(-[a-z]+)+$`)

// camel turns BODS 0.1 kebab-case codes into the camelCase of later
// versions, with a warning.
func camel(code string, loc procure.Location, sink Sink, what string) string {
	code = strings.TrimSpace(code)
	if !kebab.MatchString(code) {
		return code
	}
	parts := strings.Split(code, "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	out := strings.Join(parts, "")
	sink.Report(warn(loc, "bods-old-code", "the %s %q uses the BODS 0.1 spelling; read as %q", what, code, out))
	return out
}

// dateOnly cuts a date-time to its date.
func dateOnly(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		return s[:10]
	}
	return s
}

// fixDate returns s as a date, warning when a date-time was cut.
func fixDate(s string, loc procure.Location, sink Sink, what string) string {
	d := dateOnly(s)
	if d != strings.TrimSpace(s) {
		sink.Report(warn(loc, "bods-datetime", "the %s %q is a date-time where a date is due; read as %s", what, s, d))
	}
	return d
}

// ---- entities and persons ----

func (p *Parser) entity(f entityFields, recordID, stmtID string, replaces []string, prov procure.Provenance, sink Sink) error {
	loc := prov.Location
	key := stmtID
	if recordID != "" {
		key = recordID
	}
	p.seen[key] = true
	etype := entityType(f.EntityType)
	etype = camel(etype, loc, sink, "entity type")
	kind := procure.EntityCompany
	opaque := ""
	switch etype {
	case "registeredEntity", "legalEntity", "":
	case "arrangement":
		kind = procure.EntityArrangement
	case "state", "stateBody":
		kind = procure.EntityState
	case "anonymousEntity", "unknownEntity":
		kind = procure.EntityUnknown
		opaque = "the publisher does not identify this entity (" + etype + ")"
		if f.UnspecifiedEntityDetails != nil {
			opaque = p.unspecifiedText(*f.UnspecifiedEntityDetails, loc, sink)
		}
	default:
		sink.Report(warn(loc, "bods-unknown-entity-type", "statement %s has the entity type %q; read as a company", stmtID, etype))
	}
	b := regid.NewBuilder(p.id(key), kind)
	b.Name(f.Name, "primary", "")
	for _, n := range f.AlternateNames {
		b.Name(n, "alias", "")
	}
	for _, j := range []*jurisdiction{f.Jurisdiction, f.IncorporatedInJurisdiction} {
		if j == nil {
			continue
		}
		c := j.Code
		if len(c) > 2 && c[2] == '-' { // "US-MA": a subdivision
			c = c[:2]
		}
		if c == "" {
			c = j.Name
		}
		if b.Jurisdiction(c) == "" && strings.TrimSpace(c) != "" {
			sink.Report(warn(loc, "bods-unknown-country", "statement %s has the jurisdiction %q, which is not a known country", stmtID, c))
		}
	}
	p.addresses(b, f.Addresses, loc, sink, stmtID)
	p.identifiers(b, f.Identifiers, loc, sink, stmtID)
	if recordID == "" {
		b.Identifier(procure.Identifier{Scheme: "XI-BODS", ID: stmtID})
		for _, r := range replaces {
			if r = strings.TrimSpace(r); r != "" {
				b.Identifier(procure.Identifier{Scheme: "XI-BODS", ID: r})
			}
		}
	}
	b.Set(func(e *procure.Entity) {
		e.FoundingDate = fixDate(f.FoundingDate, loc, sink, "founding date")
		e.DissolutionDate = fixDate(f.DissolutionDate, loc, sink, "dissolution date")
		e.Opaque = opaque
		e.Provenance = prov
	})
	return sink.Entity(b.Entity(fallbackName(kind, key)))
}

func fallbackName(kind procure.EntityKind, id string) string {
	switch kind {
	case procure.EntityPerson:
		return "Unnamed person (" + id + ")"
	case procure.EntityUnknown:
		return "Unidentified party (" + id + ")"
	}
	return "Unnamed entity (" + id + ")"
}

func entityType(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.Type
	}
	return ""
}

// person emits a person; v02 is true for a 0.2/0.3 statement (key is its
// statement ID), false for a 0.4 record (key is its record ID).
func (p *Parser) person(f personFields, key string, v02 bool, replaces []string, prov procure.Provenance, sink Sink) error {
	loc := prov.Location
	p.seen[key] = true
	ptype := camel(f.PersonType, loc, sink, "person type")
	opaque := ""
	switch ptype {
	case "knownPerson", "":
	case "anonymousPerson", "unknownPerson":
		opaque = "the publisher does not identify this person (" + ptype + ")"
		if f.UnspecifiedPersonDetails != nil {
			opaque = p.unspecifiedText(*f.UnspecifiedPersonDetails, loc, sink)
		}
	default:
		sink.Report(warn(loc, "bods-unknown-person-type", "statement %s has the person type %q", key, ptype))
	}
	b := regid.NewBuilder(p.id(key), procure.EntityPerson)
	for _, n := range f.Names {
		name := strings.TrimSpace(n.FullName)
		if name == "" {
			name = strings.TrimSpace(n.GivenName + " " + n.FamilyName)
		}
		kind := "alias"
		switch camel(n.Type, loc, sink, "name type") {
		case "legal", "individual":
			kind = "primary"
		case "birth", "former":
			kind = "former"
		}
		b.Name(name, kind, "")
	}
	for _, n := range f.Nationalities {
		c := n.Code
		if c == "" {
			c = n.Name
		}
		b.Country(c)
	}
	if v02 {
		b.Identifier(procure.Identifier{Scheme: "XI-BODS", ID: key})
		for _, r := range replaces {
			if r = strings.TrimSpace(r); r != "" {
				b.Identifier(procure.Identifier{Scheme: "XI-BODS", ID: r})
			}
		}
	}
	b.Set(func(e *procure.Entity) {
		e.BirthDate = fixDate(f.BirthDate, loc, sink, "birth date")
		e.Opaque = opaque
		e.Provenance = prov
	})
	return sink.Entity(b.Entity(fallbackName(procure.EntityPerson, key)))
}

func (p *Parser) addresses(b *regid.Builder, as []address, loc procure.Location, sink Sink, id string) {
	for _, a := range as {
		country := ""
		if len(a.Country) > 0 {
			var s string
			if json.Unmarshal(a.Country, &s) == nil {
				country = s
			} else {
				var j jurisdiction
				if json.Unmarshal(a.Country, &j) == nil {
					country = j.Code
					if country == "" {
						country = j.Name
					}
				}
			}
		}
		line := regid.JoinAddress(a.Address, a.PostCode)
		cc := b.Country(country)
		if cc != "" && !strings.Contains(strings.ToLower(line), strings.ToLower(regid.CountryName(cc))) {
			line = regid.JoinAddress(line, regid.CountryName(cc))
		} else if cc == "" && strings.TrimSpace(country) != "" {
			sink.Report(warn(loc, "bods-unknown-country", "statement %s has an address in %q, which is not a known country", id, country))
		}
		b.Address(line)
	}
}

var (
	ocURL   = regexp.MustCompile(`(?i)^https?://(?:www\.)?opencorporates\.com/companies/([a-z_]+)/([^/?#]+)`)
	pscPath = regexp.MustCompile(`^(?:https?://[^/]+)?/company/([A-Za-z0-9]+)/persons-with-significant-control(?:-statements)?/(?:[a-z-]+/)?([A-Za-z0-9_-]+)$`)
)

func (p *Parser) identifiers(b *regid.Builder, ids []identifier, loc procure.Location, sink Sink, id string) {
	seen := map[string]bool{}
	for _, ident := range ids {
		v := strings.TrimSpace(ident.ID)
		if v == "" {
			v = strings.TrimSpace(ident.URI)
		}
		if v == "" {
			continue
		}
		var res procure.Identifier
		ok := false
		switch {
		case strings.TrimSpace(ident.Scheme) != "":
			r, good := regid.Qualify(procure.NormalizeScheme(ident.Scheme), v, "")
			if good && r.Note != "" {
				sink.Report(warn(loc, "bods-identifier-check", "statement %s: %s", id, r.Note))
			}
			res, ok = r.Identifier, good
		case ocURL.MatchString(v) || ocURL.MatchString(ident.URI):
			m := ocURL.FindStringSubmatch(v)
			if m == nil {
				m = ocURL.FindStringSubmatch(ident.URI)
			}
			res, ok = openCorporates(m[1], m[2])
		case pscPath.MatchString(v):
			m := pscPath.FindStringSubmatch(v)
			res, ok = regid.PSCIdentifier(m[1], m[2]), true
		}
		if !ok {
			name := ident.SchemeName
			if name == "" {
				name = "(no scheme name)"
			}
			p.unknownIDs[name]++
			continue
		}
		q := res.Qualified()
		if seen[q] {
			continue
		}
		seen[q] = true
		b.Identifier(res)
	}
}

// openCorporates qualifies an OpenCorporates company id.
func openCorporates(jur, num string) (procure.Identifier, bool) {
	jur = strings.ToLower(jur)
	switch jur {
	case "gb":
		r, ok := regid.Qualify("GB-COH", num, "")
		return r.Identifier, ok
	case "ua":
		r, ok := regid.Qualify("UA-EDR", num, "")
		return r.Identifier, ok
	case "ru":
		r, ok := regid.Qualify("ogrnCode", num, "")
		return r.Identifier, ok
	}
	scheme := "XI-OC-" + strings.ToUpper(strings.ReplaceAll(jur, "_", "-"))
	q, ok := procure.QualifiedID(scheme, num)
	if !ok {
		return procure.Identifier{}, false
	}
	return procure.Identifier{Scheme: procure.NormalizeScheme(scheme), ID: q[len(procure.NormalizeScheme(scheme))+1:], Raw: num}, true
}

// ---- relationships ----

var (
	proprietary = map[string]bool{"shareholding": true, "beneficiaryOfLegalArrangement": true, "rightsToSurplusAssetsOnDissolution": true,
		"rightsToProfitOrIncome": true, "rightToProfitOrIncomeFromAssets": true, "enjoymentAndUseOfAssets": true,
		"unknownInterest": true, "unpublishedInterest": true}
	controlling = map[string]bool{"votingRights": true, "appointmentOfBoard": true, "otherInfluenceOrControl": true,
		"controlViaCompanyRulesOrArticles": true, "controlByLegalFramework": true, "rightsGrantedByContract": true,
		"conditionalRightsGrantedByContract": true, "settlor": true, "trustee": true, "protector": true}
	givesControl = map[string]bool{"appointmentOfBoard": true, "otherInfluenceOrControl": true, "controlViaCompanyRulesOrArticles": true,
		"controlByLegalFramework": true, "rightsGrantedByContract": true, "trustee": true, "protector": true}
	directorLike = map[string]bool{"boardMember": true, "boardChair": true, "seniorManagingOfficial": true}
	nomineeLike  = map[string]bool{"nominee": true, "nominator": true}
)

// relationship builds the relationship of one statement or record version.
func (p *Parser) relationship(stmtID, subject, owner, unspec string, interests []interest, component bool, components []string,
	prov procure.Provenance, sink Sink) procure.Relationship {
	loc := prov.Location
	r := procure.Relationship{ID: p.id(stmtID), Asset: p.id(subject), Share: procure.Unknown, Provenance: prov}
	if owner != "" {
		r.Owner = p.id(owner)
	} else {
		r.UnspecifiedOwner = unspec
		if r.UnspecifiedOwner == "" {
			r.UnspecifiedOwner = "unknown"
		}
	}
	var types []string
	var hasOwn, hasCtl, hasDir, hasNom bool
	var shareFrom, voteFrom *interest
	var details []string
	allEnded := len(interests) > 0
	for i := range interests {
		in := &interests[i]
		t := camel(in.Type, loc, sink, "interest type")
		in.Type = t
		if t == "" {
			t = "unknownInterest"
		}
		types = append(types, t)
		switch {
		case proprietary[t]:
			hasOwn = true
			if in.Share != nil && (shareFrom == nil || (t == "shareholding" && shareFrom.Type != "shareholding")) {
				shareFrom = in
			}
		case controlling[t]:
			hasCtl = true
			if t == "votingRights" && in.Share != nil && voteFrom == nil {
				voteFrom = in
			}
		case directorLike[t]:
			hasDir = true
		case nomineeLike[t]:
			hasNom = true
		default:
			sink.Report(warn(loc, "bods-unknown-interest", "statement %s has the interest type %q; read as an interest of unknown nature", stmtID, t))
			hasOwn = true
		}
		if givesControl[t] {
			r.Control = true
		}
		if d := strings.TrimSpace(in.Details); d != "" {
			details = append(details, d)
		}
		start := fixDate(in.StartDate, loc, sink, "interest start date")
		if start != "" && (r.StartDate == "" || start < r.StartDate) {
			r.StartDate = start
		}
		end := fixDate(in.EndDate, loc, sink, "interest end date")
		if end == "" {
			allEnded = false
		} else if end > r.EndDate {
			r.EndDate = end
		}
	}
	if !allEnded {
		r.EndDate = ""
	}
	r.Interests = types
	switch {
	case hasOwn || len(interests) == 0:
		r.Kind = procure.RelOwnership
		if shareFrom != nil {
			r.Share = p.interval(shareFrom.Share, loc, sink, stmtID)
			r.Direct = level(*shareFrom, loc, sink)
		}
	case hasCtl:
		r.Kind = procure.RelControl
		if voteFrom != nil {
			r.Share = p.interval(voteFrom.Share, loc, sink, stmtID)
			r.Direct = level(*voteFrom, loc, sink)
		}
	case hasDir:
		r.Kind = procure.RelDirectorship
	case hasNom:
		r.Kind = procure.RelRepresentation
	}
	if r.Direct == "" {
		for _, in := range interests {
			if d := level(in, loc, sink); d != "" {
				r.Direct = d
				break
			}
		}
	}
	// A majority of votes or shares controls.
	if voteFrom != nil {
		if iv := p.interval(voteFrom.Share, procure.Location{}, nopSink{}, stmtID); iv.Min > 50 {
			r.Control = true
		}
	}
	if shareFrom != nil && shareFrom.Type == "shareholding" && r.Share.Min > 50 {
		r.Control = true
	}
	var role []string
	if len(details) > 0 {
		role = append(role, strings.Join(details, "; "))
	}
	if !component && r.Direct == "indirect" {
		role = append(role, "declared indirect interest")
		if len(components) > 0 {
			role = append(role, "via "+strings.Join(components, ", "))
		}
	}
	r.Role = strings.Join(role, "; ")
	return r
}

type nopSink struct{}

func (nopSink) Entity(procure.Entity) error             { return nil }
func (nopSink) Relationship(procure.Relationship) error { return nil }
func (nopSink) Report(procure.Problem)                  {}

func level(in interest, loc procure.Location, sink Sink) string {
	v := in.DirectOrIndirect
	if v == "" {
		v = in.InterestLevel
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "direct":
		return "direct"
	case "indirect":
		return "indirect"
	}
	return ""
}

// interval turns a BODS share into an interval (see the package comment).
func (p *Parser) interval(s *share, loc procure.Location, sink Sink, stmtID string) procure.Interval {
	if s == nil {
		return procure.Unknown
	}
	valid := func(v float64) bool { return !math.IsNaN(v) && v >= 0 && v <= 100 }
	if s.Exact != nil {
		if valid(*s.Exact) {
			return procure.Interval{Min: *s.Exact, Max: *s.Exact}
		}
		sink.Report(warn(loc, "bods-bad-share", "statement %s has the exact share %g, outside 0-100; the share is taken as unknown", stmtID, *s.Exact))
		return procure.Unknown
	}
	iv := procure.Unknown
	if s.Minimum != nil {
		iv.Min = *s.Minimum
		if exclusiveFlag(s.ExclusiveMinimum) {
			iv.Min = math.Nextafter(iv.Min, math.Inf(1))
		}
	}
	if s.Maximum != nil {
		iv.Max = *s.Maximum
		if exclusiveFlag(s.ExclusiveMaximum) {
			iv.Max = math.Nextafter(iv.Max, math.Inf(-1))
		}
	}
	if v, ok := exclusiveNumber(s.ExclusiveMinimum); ok && (s.Minimum == nil || v >= *s.Minimum) {
		iv.Min = math.Nextafter(v, math.Inf(1))
	}
	if v, ok := exclusiveNumber(s.ExclusiveMaximum); ok && (s.Maximum == nil || v <= *s.Maximum) {
		iv.Max = math.Nextafter(v, math.Inf(-1))
	}
	if !valid(iv.Min) || !valid(iv.Max) || iv.Min > iv.Max {
		sink.Report(warn(loc, "bods-bad-share", "statement %s has a share range that is empty or outside 0-100; the share is taken as unknown", stmtID))
		return procure.Unknown
	}
	return iv
}

func exclusiveFlag(raw json.RawMessage) bool {
	var b bool
	return len(raw) > 0 && json.Unmarshal(raw, &b) == nil && b
}

func exclusiveNumber(raw json.RawMessage) (float64, bool) {
	var f float64
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return 0, false
	}
	return f, true
}

// ---- BODS 0.4 ----

func (p *Parser) statement04(st statement, prov procure.Provenance, sink Sink) error {
	loc := prov.Location
	stmtID := strings.TrimSpace(st.StatementID4)
	recID := strings.TrimSpace(st.RecordID)
	prov.RecordID = stmtID
	if stmtID == "" || recID == "" {
		sink.Report(fail(loc, "bods-no-statement-id", "the statement on line %d lacks its statementId or recordId; skipped", loc.Line))
		return nil
	}
	var d details04
	if len(st.RecordDetails) == 0 || json.Unmarshal(st.RecordDetails, &d) != nil {
		sink.Report(fail(loc, "bods-no-record-details", "statement %s has no usable recordDetails; skipped", stmtID))
		return nil
	}
	date := dateOnly(st.StatementDate)
	switch st.RecordType {
	case "entity", "person":
		// Only the latest version of a record is stored (by statement date,
		// then file order); it is emitted at Finish, so that importing the
		// same file again changes nothing.
		if prev, ok := p.entityVers[recID]; ok && date < prev.date {
			return nil
		}
		p.entityVers[recID] = held04{date: date, kind: st.RecordType, d: d, stmtID: stmtID, prov: prov}
		p.seen[recID] = true
		return nil
	case "relationship":
		subj, _ := p.ref04(d.Subject, loc, sink)
		owner, unspec := p.ref04(d.InterestedParty, loc, sink)
		if subj == "" {
			sink.Report(fail(loc, "bods-no-subject", "relationship statement %s has no subject record; skipped", stmtID))
			return nil
		}
		if owner == "" && unspec == "" {
			unspec = "interested party not given in the statement"
		}
		hr := heldRel{stmtID: stmtID, recordID: recID, date: date, closed: st.RecordStatus == "closed", loc: loc, components: d.ComponentRecords}
		hr.rel = p.relationship(recID, subj, owner, unspec, d.Interests, isComponent(d.IsComponent), d.ComponentRecords, prov, sink)
		hr.refs = nonEmptyStrings(subj, owner)
		p.hold(hr)
		return nil
	case "":
		sink.Report(fail(loc, "bods-no-record-type", "statement %s has no recordType; skipped", stmtID))
	default:
		sink.Report(fail(loc, "bods-unknown-record-type", "statement %s has the unknown recordType %q; skipped", stmtID, st.RecordType))
	}
	return nil
}

// ref04 reads a 0.4 subject or interested party: a record ID, or an
// UnspecifiedRecord.
func (p *Parser) ref04(raw json.RawMessage, loc procure.Location, sink Sink) (id, unspec string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s), ""
	}
	var u unspecified
	if json.Unmarshal(raw, &u) == nil {
		return "", p.unspecifiedText(u, loc, sink)
	}
	return "", ""
}

// ---- Finish ----

// Finish resolves the relationships of the run and emits them: ends
// replaced 0.2/0.3 statements, splits 0.4 record versions, reports
// references to statements not in the run and identifiers that could not
// be used.
func (p *Parser) Finish(ctx context.Context, sink Sink) error {
	// 0.4 entities and persons, latest versions, in the order first read.
	var recs []string
	for id := range p.entityVers {
		recs = append(recs, id)
	}
	sort.Slice(recs, func(i, j int) bool {
		return p.entityVers[recs[i]].prov.Location.Index < p.entityVers[recs[j]].prov.Location.Index
	})
	for _, id := range recs {
		h := p.entityVers[id]
		var err error
		if h.kind == "entity" {
			err = p.entity(h.d.entityFields, id, h.stmtID, nil, h.prov, sink)
		} else {
			err = p.person(h.d.personFields, id, false, nil, h.prov, sink)
		}
		if err != nil {
			return err
		}
	}
	// 0.4 relationship versions by record.
	versions := map[string][]*heldRel{}
	for i := range p.rels {
		if h := &p.rels[i]; h.recordID != "" {
			versions[h.recordID] = append(versions[h.recordID], h)
		}
	}
	for _, vs := range versions {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].date < vs[j].date })
		for i, h := range vs {
			if i < len(vs)-1 {
				next := vs[i+1]
				h.rel.ID = p.id(h.recordID + "@" + h.stmtID)
				if h.rel.EndDate == "" {
					end := next.rel.StartDate
					if end == "" || end < h.rel.StartDate {
						end = next.date
					}
					h.rel.EndDate = end
				}
			} else if h.closed && h.rel.EndDate == "" {
				h.rel.EndDate = h.date
			}
		}
	}
	stmts := map[string]bool{}
	for _, h := range p.rels {
		if h.recordID == "" {
			stmts[h.stmtID] = true
		} else {
			stmts[h.recordID] = true
		}
	}
	for i := range p.rels {
		if err := ctx.Err(); err != nil {
			return err
		}
		h := &p.rels[i]
		if h.recordID == "" {
			if rp, ok := p.replacedBy[h.stmtID]; ok {
				if h.rel.EndDate == "" {
					if rp.date != "" {
						h.rel.EndDate = rp.date
					} else {
						sink.Report(warn(h.loc, "bods-replaced-undated", "statement %s is replaced by %s, which has no statementDate; it cannot be ended and stays current", h.stmtID, rp.by))
					}
				}
				h.rel.Role = strings.TrimPrefix(h.rel.Role+"; replaced by statement "+rp.by, "; ")
			}
			for _, r := range h.replaces {
				if !stmts[r] && !p.seen[r] {
					sink.Report(warn(h.loc, "bods-replaces-missing", "statement %s replaces %s, which is not in this import; if an earlier import stored it, it stays current there until the publisher's complete data is imported", h.stmtID, r))
				}
			}
		}
		for _, ref := range h.refs {
			if !p.seen[ref] {
				sink.Report(warn(h.loc, "bods-dangling-reference", "relationship %s refers to %s, which is not in this import; the relationship is kept and points to an entity that may come from another import", h.stmtID, ref))
			}
		}
		for _, c := range h.components {
			if !p.seen[c] && !stmts[c] {
				sink.Report(warn(h.loc, "bods-dangling-component", "relationship %s names the component %s, which is not in this import", h.stmtID, c))
			}
		}
		if err := sink.Relationship(h.rel); err != nil {
			return err
		}
	}
	var names []string
	for n := range p.unknownIDs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sink.Report(procure.Problem{Severity: procure.SevWarning, Code: "bods-identifier-without-scheme",
			Message: fmt.Sprintf("%d identifiers of %q have no scheme Tenderlens can qualify; they were not used", p.unknownIDs[n], printable(n))})
	}
	return nil
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
}
