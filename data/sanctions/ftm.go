package sanctions

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// FtMOptions configure the FtM parser.
type FtMOptions struct {
	// Namespace prefixes entity and relationship IDs (default
	// "opensanctions"): "opensanctions:NK-2Tbri3s6GgNtAwsSXh4qpL".
	Namespace string
	// License stamped on every record (default LicenseOpenSanctions: the
	// OpenSanctions exports are CC BY-NC 4.0).
	License string
}

// FtM reads FollowTheMoney entity JSON lines ({"id", "schema",
// "properties": {name: [values]}, "datasets", "referents", ...}), the
// format of OpenSanctions' entities.ftm.json.
//
// Mapping:
//   - Company, Organization, LegalEntity, PublicBody, Person, Vessel (and
//     Airplane, Asset) become entities (company, organization, unknown,
//     state, person, vessel). Names: name (primary), alias, abbreviation
//     (alias), weakAlias (weak), previousName (former). Countries: country,
//     jurisdiction (also Jurisdiction), mainCountry, nationality,
//     citizenship. Identifiers (regid.Qualify): innCode → RU-INN, ogrnCode →
//     RU-OGRN, okpoCode → RU-OKPO, leiCode → XI-LEI, uniqueEntityId → US-UEI,
//     dunsCode → XI-DUNS, swiftBic → XI-BIC, imoNumber → XI-IMO,
//     registrationNumber and taxNumber qualified by the jurisdiction (first
//     jurisdiction, else the only country): RU 13/15 digits with a valid
//     check digit → RU-OGRN, GB → GB-COH, UA 8 digits → UA-EDR, CN 18
//     characters → CN-USCI, otherwise the weak {CC}-REG / {CC}-TAX (kept for
//     matching, never clustering); wikidataId → XI-WIKIDATA; referents
//     "ofac-{n}" → US-OFAC-{n}; a Sanction's unscId → XI-UNSC-{reference}
//     (the ID the UN and EU parsers give the same UN list entry).
//   - Sanction records become Listings of their entity: authority, program
//     and programId as programmes, authorityId or unscId as the reference,
//     listingDate (else startDate) as the listing date, endDate, reason,
//     summary and provisions as remarks, the source URL.
//   - Address records become address lines of the entities that refer to
//     them (addressEntity); a reference to a missing Address is a warning.
//   - Identification and Passport records add identifiers of their holder
//     when their type is a register identifier (passports are not).
//   - Ownership (owner → asset; percentage "100" → [100,100], "25-50" →
//     [25,50], "more than 50" → [50,100], missing → [0,100]; ownershipType
//     "direct"/"indirect"), Directorship (director → organization), Family
//     (person → relative), Associate, UnknownLink (subject → object),
//     Representation (agent → client), Membership (member → organization),
//     Employment (employee → employer, as associate) and Succession
//     (predecessor → successor, as unknown link) become relationships.
//   - Other schemata (Note, Position, Occupancy, Payment, ...) are counted
//     and reported once per schema as not imported.
//
// Entity records are held in memory until Finish (Sanction and Address
// records may come after the entity they belong to): about the size of the
// entity records of the input. Relationships are emitted as they are read.
type FtM struct {
	opt FtMOptions

	things      []ftmHeld
	sanctions   map[string][]ftmHeld // by entity id
	addresses   map[string]ftmRecord // by address id
	idents      map[string][]ftmHeld // by holder id
	ids         map[string]bool      // every record id read
	edgeRefs    []ftmRef             // edge endpoints to check
	unsupported map[string]int
	index       int
}

type ftmHeld struct {
	rec  ftmRecord
	raw  []byte
	loc  procure.Location
	doc  Doc
	hash string
}

type ftmRef struct {
	id, role, edge string
	loc            procure.Location
}

// ftmRecord is one FtM entity as published.
type ftmRecord struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Caption    string              `json:"caption"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	Referents  []string            `json:"referents"`
	LastChange string              `json:"last_change"`
}

func (r ftmRecord) first(prop string) string {
	for _, v := range r.Properties[prop] {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// NewFtM returns an FtM parser for one run.
func NewFtM(opt FtMOptions) *FtM {
	if opt.Namespace == "" {
		opt.Namespace = "opensanctions"
	}
	if opt.License == "" {
		opt.License = LicenseOpenSanctions
	}
	return &FtM{opt: opt, sanctions: map[string][]ftmHeld{}, addresses: map[string]ftmRecord{},
		idents: map[string][]ftmHeld{}, ids: map[string]bool{}, unsupported: map[string]int{}}
}

var ftmThing = map[string]procure.EntityKind{
	"Company":      procure.EntityCompany,
	"Organization": procure.EntityOrganization,
	"LegalEntity":  procure.EntityUnknown,
	"PublicBody":   procure.EntityState,
	"Person":       procure.EntityPerson,
	"Vessel":       procure.EntityVessel,
	"Airplane":     procure.EntityUnknown,
	"Asset":        procure.EntityUnknown,
}

// ftmEdge maps edge schemata to relation kinds and their owner/asset
// properties.
var ftmEdge = map[string]struct {
	kind         procure.RelationKind
	owner, asset string
	role         string // property holding the role, besides "role"
}{
	"Ownership":      {procure.RelOwnership, "owner", "asset", ""},
	"Directorship":   {procure.RelDirectorship, "director", "organization", ""},
	"Family":         {procure.RelFamily, "person", "relative", "relationship"},
	"Associate":      {procure.RelAssociate, "person", "associate", "relationship"},
	"UnknownLink":    {procure.RelUnknownLink, "subject", "object", ""},
	"Representation": {procure.RelRepresentation, "agent", "client", ""},
	"Membership":     {procure.RelMembership, "member", "organization", ""},
	"Employment":     {procure.RelAssociate, "employee", "employer", ""},
	"Succession":     {procure.RelUnknownLink, "predecessor", "successor", ""},
}

// Document reads one FtM JSON lines document.
func (p *FtM) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	br := bufio.NewReaderSize(r, 256<<10)
	line := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			line++
			if e := p.line(bytes.TrimSpace(b), doc, line, sink); e != nil {
				return e
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line+1, err)
		}
	}
}

// line handles one JSON line.
func (p *FtM) line(b []byte, doc Doc, line int, sink Sink) error {
	if len(b) == 0 {
		return nil
	}
	loc := procure.Location{File: doc.URL, Line: line, Index: p.index}
	if line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	var rec ftmRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		p.index++
		sink.Report(fail(loc, "ftm-bad-json", "line %d is not an FtM entity (JSON object): %v; skipped", line, err))
		return nil
	}
	p.index++
	rec.ID = strings.TrimSpace(rec.ID)
	if rec.ID == "" || rec.Schema == "" {
		sink.Report(fail(loc, "ftm-no-id", "an FtM record without id or schema (caption %q); skipped", rec.Caption))
		return nil
	}
	if p.ids[rec.ID] {
		sink.Report(warn(loc, "ftm-duplicate-id", "the FtM id %s appears again; the later record replaces the earlier one", rec.ID))
	}
	p.ids[rec.ID] = true
	held := ftmHeld{rec: rec, raw: append([]byte(nil), b...), loc: loc, doc: doc, hash: sha(b)}
	switch {
	case ftmThing[rec.Schema] != "":
		p.things = append(p.things, held)
	case rec.Schema == "Sanction":
		ent := rec.first("entity")
		if ent == "" {
			sink.Report(fail(loc, "ftm-sanction-without-entity", "the Sanction %s names no entity; skipped", rec.ID))
			return nil
		}
		held.raw = nil
		p.sanctions[ent] = append(p.sanctions[ent], held)
	case rec.Schema == "Address":
		p.addresses[rec.ID] = rec
	case rec.Schema == "Identification" || rec.Schema == "Passport":
		if h := rec.first("holder"); h != "" {
			held.raw = nil
			p.idents[h] = append(p.idents[h], held)
		}
	default:
		if _, ok := ftmEdge[rec.Schema]; ok {
			return p.edge(held, sink)
		}
		p.unsupported[rec.Schema]++
	}
	return nil
}

func (p *FtM) prov(h ftmHeld) procure.Provenance {
	return procure.Provenance{Source: h.doc.Source, Dataset: strings.Join(h.rec.Datasets, ","), RecordID: h.rec.ID,
		URL: h.doc.URL, RetrievedAt: h.doc.RetrievedAt, SHA256: h.hash, License: p.opt.License, Location: h.loc}
}

// edge emits one relationship record.
func (p *FtM) edge(h ftmHeld, sink Sink) error {
	rec := h.rec
	m := ftmEdge[rec.Schema]
	owners, assets := nonEmpty(rec.Properties[m.owner]), nonEmpty(rec.Properties[m.asset])
	if len(owners) == 0 || len(assets) == 0 {
		sink.Report(fail(h.loc, "ftm-edge-incomplete", "the %s %s lacks its %s or %s; skipped", rec.Schema, rec.ID, m.owner, m.asset))
		return nil
	}
	if len(owners) > 1 || len(assets) > 1 {
		sink.Report(warn(h.loc, "ftm-edge-several-ends", "the %s %s names %d %s and %d %s values; the first of each is used", rec.Schema, rec.ID, len(owners), m.owner, len(assets), m.asset))
	}
	r := procure.Relationship{
		ID: p.opt.Namespace + ":" + rec.ID, Kind: m.kind,
		Owner: p.opt.Namespace + ":" + owners[0], Asset: p.opt.Namespace + ":" + assets[0],
		Share: procure.Unknown, Provenance: p.prov(h),
	}
	var roles []string
	roles = append(roles, nonEmpty(rec.Properties["role"])...)
	if m.role != "" {
		roles = append(roles, nonEmpty(rec.Properties[m.role])...)
	}
	r.Role = strings.Join(roles, "; ")
	r.StartDate = minDate(rec.Properties["startDate"])
	r.EndDate = maxDate(rec.Properties["endDate"])
	if r.StartDate == "" && r.EndDate == "" && rec.Schema != "Ownership" {
		r.StartDate = minDate(rec.Properties["date"])
	}
	if rec.Schema == "Ownership" {
		if pcts := nonEmpty(rec.Properties["percentage"]); len(pcts) > 0 {
			iv, ok := ParseShare(pcts[0])
			if !ok {
				sink.Report(warn(h.loc, "ftm-bad-percentage", "the ownership %s has the percentage %q, which is not a number or a range; the share is taken as unknown (0-100 %%)", rec.ID, pcts[0]))
				iv = procure.Unknown
			}
			r.Share = iv
			if len(pcts) > 1 {
				sink.Report(warn(h.loc, "ftm-several-percentages", "the ownership %s has %d percentages; the first, %s, is used", rec.ID, len(pcts), pcts[0]))
			}
		}
		for _, t := range nonEmpty(rec.Properties["ownershipType"]) {
			r.Interests = append(r.Interests, t)
			switch strings.ToLower(t) {
			case "direct":
				r.Direct = "direct"
			case "indirect", "ultimate", "beneficial":
				if r.Direct == "" {
					r.Direct = "indirect"
				}
			}
		}
		r.Interests = append(r.Interests, nonEmpty(rec.Properties["sharesType"])...)
	}
	p.edgeRefs = append(p.edgeRefs, ftmRef{owners[0], m.owner, rec.ID, h.loc}, ftmRef{assets[0], m.asset, rec.ID, h.loc})
	return sink.Relationship(r)
}

// Finish emits the entities with their listings, addresses and extra
// identifiers, and reports dangling references and skipped schemata.
func (p *FtM) Finish(ctx context.Context, sink Sink) error {
	used := map[string]bool{}
	for _, h := range p.things {
		if err := ctx.Err(); err != nil {
			return err
		}
		e := p.entity(h, sink, used)
		if err := sink.Entity(e); err != nil {
			return err
		}
	}
	things := map[string]bool{}
	for _, h := range p.things {
		things[h.rec.ID] = true
	}
	for _, ref := range p.edgeRefs {
		if !things[ref.id] {
			what := "is not in this import"
			if p.ids[ref.id] {
				what = "is not an entity (its schema is not imported)"
			}
			sink.Report(warn(ref.loc, "ftm-dangling-reference", "the %s %s of %s %s; the link is kept and points to an entity that may come from another import", ref.role, ref.id, ref.edge, what))
		}
	}
	var orphan []string
	for ent := range p.sanctions {
		if !things[ent] {
			orphan = append(orphan, ent)
		}
	}
	sort.Strings(orphan)
	for _, ent := range orphan {
		for _, h := range p.sanctions[ent] {
			sink.Report(fail(h.loc, "ftm-sanction-dangling", "the Sanction %s belongs to %s, which is not in this import; the listing was not stored", h.rec.ID, ent))
		}
	}
	var schemas []string
	for s := range p.unsupported {
		schemas = append(schemas, s)
	}
	sort.Strings(schemas)
	for _, s := range schemas {
		sink.Report(procure.Problem{Severity: procure.SevWarning, Code: "ftm-schema-not-imported",
			Message: fmt.Sprintf("%d records of the FtM schema %s were not imported (Tenderlens keeps entities, sanctions, addresses, identifications and links)", p.unsupported[s], s)})
	}
	return nil
}

var ofacReferent = regexp.MustCompile(`^ofac-(\d+)$`)

// entity builds one entity from a held FtM record.
func (p *FtM) entity(h ftmHeld, sink Sink, used map[string]bool) procure.Entity {
	rec := h.rec
	b := regid.NewBuilder(p.opt.Namespace+":"+rec.ID, ftmThing[rec.Schema])
	props := rec.Properties
	// The caption is the display name OpenSanctions chose among the names
	// (usually the English or Latin one): it comes first.
	if rec.Caption != "" {
		b.Name(rec.Caption, "primary", "")
	}
	for _, n := range props["name"] {
		b.Name(n, "primary", "")
	}
	for _, n := range props["alias"] {
		b.Name(n, "alias", "")
	}
	for _, n := range props["abbreviation"] {
		b.Name(n, "alias", "")
	}
	for _, n := range props["previousName"] {
		b.Name(n, "former", "")
	}
	for _, n := range props["weakAlias"] {
		b.Name(n, "weak", "")
	}
	for _, c := range nonEmpty(props["jurisdiction"]) {
		if b.Jurisdiction(c) == "" {
			sink.Report(warn(h.loc, "ftm-unknown-country", "the jurisdiction %q of %s is not a known country code", c, rec.ID))
		}
	}
	for _, prop := range []string{"country", "mainCountry", "nationality", "citizenship"} {
		for _, c := range nonEmpty(props[prop]) {
			if b.Country(c) == "" && c != "zz" {
				sink.Report(warn(h.loc, "ftm-unknown-country", "the %s %q of %s is not a known country code", prop, c, rec.ID))
			}
		}
	}
	// The country that qualifies registration and tax numbers: the
	// jurisdiction, else the only country.
	qc := ""
	if js := nonEmpty(props["jurisdiction"]); len(js) > 0 {
		qc = regid.Country(js[0])
	} else if cs := nonEmpty(props["country"]); len(cs) == 1 {
		qc = regid.Country(cs[0])
	}
	for _, prop := range []string{"innCode", "ogrnCode", "okpoCode", "leiCode", "uniqueEntityId", "dunsCode", "swiftBic", "imoNumber", "registrationNumber", "taxNumber", "vatCode"} {
		for _, v := range nonEmpty(props[prop]) {
			res, ok := regid.Qualify(prop, v, qc)
			if !ok {
				if prop != "registrationNumber" && prop != "taxNumber" && prop != "vatCode" {
					sink.Report(warn(h.loc, "ftm-bad-identifier", "the %s %q of %s is not a valid identifier of its kind; not used as an identifier", prop, v, rec.ID))
				}
				continue
			}
			if res.Note != "" {
				sink.Report(warn(h.loc, "ftm-identifier-check", "%s: %s", rec.ID, res.Note))
			}
			b.Identifier(res.Identifier)
		}
	}
	for _, v := range nonEmpty(props["wikidataId"]) {
		b.Identifier(procure.Identifier{Scheme: "XI-WIKIDATA", ID: v})
	}
	for _, ref := range rec.Referents {
		if m := ofacReferent.FindStringSubmatch(ref); m != nil {
			b.Identifier(procure.Identifier{Scheme: "US-OFAC", ID: m[1]})
		}
	}
	for _, id := range p.idents[rec.ID] {
		kind := id.rec.first("type")
		if id.rec.Schema == "Passport" || kind == "" {
			continue
		}
		for _, num := range nonEmpty(id.rec.Properties["number"]) {
			if res, ok := regid.Qualify(kind, num, id.rec.first("country")); ok {
				b.Identifier(res.Identifier)
			}
		}
	}
	for _, a := range props["address"] {
		b.Address(a)
	}
	for _, aid := range nonEmpty(props["addressEntity"]) {
		a, ok := p.addresses[aid]
		if !ok {
			sink.Report(warn(h.loc, "ftm-dangling-address", "%s refers to the Address %s, which is not in this import; that address is missing", rec.ID, aid))
			continue
		}
		used[aid] = true
		full := a.first("full")
		if full == "" {
			full = regid.JoinAddress(a.first("street"), a.first("postOfficeBox"), a.first("city"), a.first("postalCode"), a.first("region"), a.first("state"))
			if c := regid.CountryName(regid.Country(a.first("country"))); c != "" {
				full = regid.JoinAddress(full, c)
			}
		}
		b.Address(full)
		for _, c := range nonEmpty(a.Properties["country"]) {
			b.Country(c)
		}
	}
	for _, t := range props["topics"] {
		b.Topic(t)
	}
	for _, s := range p.sanctions[rec.ID] {
		b.Listing(ftmListing(s.rec))
		if un := s.rec.first("unscId"); un != "" {
			b.Identifier(procure.Identifier{Scheme: "XI-UNSC", ID: un})
		}
	}
	b.Set(func(e *procure.Entity) {
		e.BirthDate = minDate(props["birthDate"])
		e.FoundingDate = minDate(props["incorporationDate"])
		e.DissolutionDate = maxDate(props["dissolutionDate"])
		e.Provenance = p.prov(h)
	})
	return b.Entity(rec.ID)
}

// ftmListings names the lists of the OpenSanctions datasets that carry
// sanctions most often; other datasets are named by their authority.
var ftmLists = map[string]string{
	"us_ofac_sdn":          "OFAC SDN",
	"us_ofac_cons":         "OFAC Consolidated (non-SDN)",
	"un_sc_sanctions":      "UN Security Council Consolidated List",
	"eu_fsf":               "EU Financial Sanctions Files",
	"gb_fcdo_sanctions":    "UK Sanctions List",
	"gb_hmt_sanctions":     "UK HM Treasury Consolidated List",
	"ch_seco_sanctions":    "Swiss SECO Sanctions",
	"ua_nsdc_sanctions":    "Ukraine NSDC Sanctions",
	"us_sam_exclusions":    "US SAM Exclusions (federal procurement debarment)",
	"us_trade_csl":         "US Trade Consolidated Screening List",
	"eu_journal_sanctions": "EU Official Journal Sanctions",
	// Travel bans restrict persons, not assets: a list name of their own so
	// the ownership rules never read them as an asset freeze.
	"eu_travel_bans":       "EU Travel Bans",
	"gb_coh_disqualified":  "UK Disqualified Directors",
	"fr_tresor_gels_avoir": "France Trésor Asset Freezes",
	"au_dfat_sanctions":    "Australia DFAT Sanctions",
	"jp_mof_sanctions":     "Japan MOF Sanctions",
	"nz_russia_sanctions":  "New Zealand Russia Sanctions",
	"be_fod_sanctions":     "Belgium FOD Sanctions",
	"mc_fund_freezes":      "Monaco Fund Freezes",
	"ua_war_sanctions":     "Ukraine War Sanctions",
}

func ftmListing(s ftmRecord) procure.Listing {
	props := s.Properties
	l := procure.Listing{Authority: s.first("authority")}
	for _, d := range s.Datasets {
		if name, ok := ftmLists[d]; ok {
			l.List = name
			break
		}
	}
	if l.List == "" {
		switch {
		case l.Authority != "":
			l.List = l.Authority
		case len(s.Datasets) > 0:
			l.List = s.Datasets[0]
		default:
			l.List = "OpenSanctions"
		}
	}
	seen := map[string]bool{}
	for _, prop := range []string{"program", "programId"} {
		for _, v := range nonEmpty(props[prop]) {
			if !seen[v] {
				seen[v] = true
				l.Programs = append(l.Programs, v)
			}
		}
	}
	l.Reference = s.first("unscId")
	if l.Reference == "" {
		l.Reference = s.first("authorityId")
	}
	l.ListedOn = minDate(props["listingDate"])
	if l.ListedOn == "" {
		l.ListedOn = minDate(props["startDate"])
	}
	l.EndedOn = maxDate(props["endDate"])
	l.Reason = strings.Join(nonEmpty(props["reason"]), "; ")
	var remarks []string
	remarks = append(remarks, nonEmpty(props["summary"])...)
	remarks = append(remarks, nonEmpty(props["provisions"])...)
	if st := s.first("status"); st != "" {
		remarks = append(remarks, "status: "+st)
	}
	l.Remarks = strings.Join(remarks, "; ")
	l.URL = s.first("sourceUrl")
	if l.URL == "" {
		l.URL = s.first("programUrl")
	}
	return l
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// minDate and maxDate pick the earliest/latest of ISO date strings
// (partial dates compare by prefix).
func minDate(vs []string) string {
	out := ""
	for _, v := range nonEmpty(vs) {
		if out == "" || v < out {
			out = v
		}
	}
	return out
}

func maxDate(vs []string) string {
	out := ""
	for _, v := range nonEmpty(vs) {
		if v > out {
			out = v
		}
	}
	return out
}

var (
	shareRange = regexp.MustCompile(`^(\d+(?:[.,]\d+)?)\s*%?\s*(?:-|–|—|to|до|bis)\s*(\d+(?:[.,]\d+)?)\s*%?$`)
	shareNum   = regexp.MustCompile(`^(\d+(?:[.,]\d+)?)\s*%?$`)
	shareMore  = regexp.MustCompile(`^(?:>|>=|≥|more than|over|above|at least|не менее|более)\s*(\d+(?:[.,]\d+)?)\s*%?$`)
	shareLess  = regexp.MustCompile(`^(?:<|<=|≤|less than|under|up to|below|не более|менее)\s*(\d+(?:[.,]\d+)?)\s*%?$`)
)

// ParseShare parses a published ownership share in percent: "100", "49.5%",
// "25-50", "25–50%", "25 to 50", "more than 50" (→ [50,100]), "less than 25"
// (→ [0,25]). ok is false for anything else or values outside 0–100.
func ParseShare(s string) (procure.Interval, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	num := func(v string) (float64, bool) {
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		return f, err == nil && f >= 0 && f <= 100
	}
	if m := shareNum.FindStringSubmatch(s); m != nil {
		if f, ok := num(m[1]); ok {
			return procure.Interval{Min: f, Max: f}, true
		}
		return procure.Interval{}, false
	}
	if m := shareRange.FindStringSubmatch(s); m != nil {
		lo, ok1 := num(m[1])
		hi, ok2 := num(m[2])
		if ok1 && ok2 && lo <= hi {
			return procure.Interval{Min: lo, Max: hi}, true
		}
		return procure.Interval{}, false
	}
	if m := shareMore.FindStringSubmatch(s); m != nil {
		if f, ok := num(m[1]); ok {
			return procure.Interval{Min: f, Max: 100}, true
		}
	}
	if m := shareLess.FindStringSubmatch(s); m != nil {
		if f, ok := num(m[1]); ok {
			return procure.Interval{Min: 0, Max: f}, true
		}
	}
	return procure.Interval{}, false
}
