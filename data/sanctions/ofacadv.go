package sanctions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// The advanced OFAC XML schema (sdn_advanced.xml). Only the parts
// Tenderlens uses are declared.

type advValue struct {
	ID   string `xml:"ID,attr"`
	Name string `xml:",chardata"`
}

type advRefSets struct {
	AliasTypes []advValue `xml:"AliasTypeValues>AliasType"`
	Countries  []struct {
		ID   string `xml:"ID,attr"`
		ISO2 string `xml:"ISO2,attr"`
		Name string `xml:",chardata"`
	} `xml:"CountryValues>Country"`
	FeatureTypes  []advValue `xml:"FeatureTypeValues>FeatureType"`
	IDRegDocTypes []advValue `xml:"IDRegDocTypeValues>IDRegDocType"`
	Lists         []advValue `xml:"ListValues>List"`
	PartySubTypes []struct {
		ID          string `xml:"ID,attr"`
		PartyTypeID string `xml:"PartyTypeID,attr"`
		Name        string `xml:",chardata"`
	} `xml:"PartySubTypeValues>PartySubType"`
	PartyTypes     []advValue `xml:"PartyTypeValues>PartyType"`
	RelationTypes  []advValue `xml:"RelationTypeValues>RelationType"`
	SanctionsTypes []advValue `xml:"SanctionsTypeValues>SanctionsType"`
	LegalBases     []advValue `xml:"LegalBasisValues>LegalBasis"`
	NamePartTypes  []advValue `xml:"NamePartTypeValues>NamePartType"`
	Scripts        []struct {
		ID   string `xml:"ID,attr"`
		Code string `xml:"ScriptCode,attr"`
		Name string `xml:",chardata"`
	} `xml:"ScriptValues>Script"`
	LocPartTypes []advValue `xml:"LocPartTypeValues>LocPartType"`
}

type advDate struct {
	Year  string `xml:"Year"`
	Month string `xml:"Month"`
	Day   string `xml:"Day"`
}

func (d advDate) iso() string {
	y := clean(d.Year)
	if y == "" {
		return ""
	}
	if m := atoi(clean(d.Month)); m >= 1 && m <= 12 {
		if dd := atoi(clean(d.Day)); dd >= 1 && dd <= 31 {
			return fmt.Sprintf("%s-%02d-%02d", y, m, dd)
		}
		return fmt.Sprintf("%s-%02d", y, m)
	}
	return y
}

type advLocation struct {
	ID      string `xml:"ID,attr"`
	Country struct {
		ID string `xml:"CountryID,attr"`
	} `xml:"LocationCountry"`
	Parts []struct {
		TypeID string `xml:"LocPartTypeID,attr"`
		Values []struct {
			Primary bool   `xml:"Primary,attr"`
			Value   string `xml:"Value"`
		} `xml:"LocationPartValue"`
	} `xml:"LocationPart"`
}

type advIDRegDoc struct {
	ID         string `xml:"ID,attr"`
	TypeID     string `xml:"IDRegDocTypeID,attr"`
	IdentityID string `xml:"IdentityID,attr"`
	CountryID  string `xml:"IssuedBy-CountryID,attr"`
	Number     string `xml:"IDRegistrationNo"`
}

type advParty struct {
	FixedRef string       `xml:"FixedRef,attr"`
	Comment  string       `xml:"Comment"`
	Profiles []advProfile `xml:"Profile"`
}

type advProfile struct {
	ID         string `xml:"ID,attr"`
	SubTypeID  string `xml:"PartySubTypeID,attr"`
	Identities []struct {
		ID      string `xml:"ID,attr"`
		Primary bool   `xml:"Primary,attr"`
		Aliases []struct {
			TypeID     string `xml:"AliasTypeID,attr"`
			Primary    bool   `xml:"Primary,attr"`
			LowQuality bool   `xml:"LowQuality,attr"`
			Names      []struct {
				Parts []struct {
					Value struct {
						GroupID  string `xml:"NamePartGroupID,attr"`
						ScriptID string `xml:"ScriptID,attr"`
						Text     string `xml:",chardata"`
					} `xml:"NamePartValue"`
				} `xml:"DocumentedNamePart"`
			} `xml:"DocumentedName"`
		} `xml:"Alias"`
		Groups []struct {
			ID     string `xml:"ID,attr"`
			TypeID string `xml:"NamePartTypeID,attr"`
		} `xml:"NamePartGroups>MasterNamePartGroup>NamePartGroup"`
	} `xml:"Identity"`
	Features []struct {
		TypeID   string `xml:"FeatureTypeID,attr"`
		Versions []struct {
			Locations []struct {
				ID string `xml:"LocationID,attr"`
			} `xml:"VersionLocation"`
			Details []struct {
				Text string `xml:",chardata"`
			} `xml:"VersionDetail"`
			Periods []struct {
				Start struct {
					From advDate `xml:"From"`
					To   advDate `xml:"To"`
				} `xml:"Start"`
			} `xml:"DatePeriod"`
		} `xml:"FeatureVersion"`
	} `xml:"Feature"`
}

type advRelation struct {
	ID     string `xml:"ID,attr"`
	From   string `xml:"From-ProfileID,attr"`
	To     string `xml:"To-ProfileID,attr"`
	TypeID string `xml:"RelationTypeID,attr"`
	Former bool   `xml:"Former,attr"`
	Note   string `xml:"Comment"`
}

type advEntry struct {
	ID        string `xml:"ID,attr"`
	ProfileID string `xml:"ProfileID,attr"`
	ListID    string `xml:"ListID,attr"`
	Events    []struct {
		LegalBasisID string  `xml:"LegalBasisID,attr"`
		Date         advDate `xml:"Date"`
	} `xml:"EntryEvent"`
	Measures []struct {
		TypeID  string `xml:"SanctionsTypeID,attr"`
		Comment string `xml:"Comment"`
	} `xml:"SanctionsMeasure"`
}

// advRelationKinds maps the relation type IDs (research note §2.6).
// swap: the relationship's owner is the To profile.
var advRelationKinds = map[string]struct {
	kind procure.RelationKind
	swap bool
}{
	"15003": {procure.RelOwnership, true},  // Owned or Controlled By
	"92122": {procure.RelOwnership, true},  // Property in the interest of
	"92019": {procure.RelOwnership, false}, // Owns, controls, or operates
	"15002": {procure.RelRepresentation, false},
	"91725": {procure.RelDirectorship, false},
	"91900": {procure.RelDirectorship, false},
	"91422": {procure.RelMembership, false},
	"1555":  {procure.RelAssociate, false},
	"15001": {procure.RelUnknownLink, false},
	"15004": {procure.RelFamily, false},
}

type advDoc struct {
	ref       map[string]map[string]string // set → id → name
	iso2      map[string]string            // country id → ISO2
	subType   map[string]string            // party sub-type id → party type name
	groupType map[string]string            // name part group id → name part type name
	locations map[string]advLocation
	docs      map[string][]advIDRegDoc // by identity ID
	parties   []advHeld
	entries   map[string][]advEntry // by profile ID
	relations []advHeldRel
	issued    string
}

type advHeld struct {
	party advParty
	raw   []byte
	loc   procure.Location
}

type advHeldRel struct {
	rel advRelation
	raw []byte
	loc procure.Location
}

func (d *advDoc) name(set, id string) string { return clean(d.ref[set][id]) }

func (p *OFACXML) advanced(ctx context.Context, s *xmlScanner, depth *int, doc Doc, sink Sink) error {
	d := &advDoc{ref: map[string]map[string]string{}, iso2: map[string]string{}, subType: map[string]string{},
		groupType: map[string]string{}, locations: map[string]advLocation{}, docs: map[string][]advIDRegDoc{},
		entries: map[string][]advEntry{}}
	want := names("DateOfIssue", "ReferenceValueSets", "Location", "IDRegDocument", "DistinctParty", "ProfileRelationship", "SanctionsEntry")
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		el, err := s.next(want, depth)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		loc := procure.Location{File: doc.URL, Line: el.line, Index: p.index}
		switch el.Name.Local {
		case "DateOfIssue":
			var v advDate
			if _, err := s.decode(el, &v, depth); err != nil {
				return err
			}
			d.issued = v.iso()
		case "ReferenceValueSets":
			var v advRefSets
			if _, err := s.decode(el, &v, depth); err != nil {
				return err
			}
			d.setRefs(v)
		case "Location":
			var v advLocation
			if _, err := s.decode(el, &v, depth); err != nil {
				return err
			}
			d.locations[v.ID] = v
		case "IDRegDocument":
			var v advIDRegDoc
			if _, err := s.decode(el, &v, depth); err != nil {
				return err
			}
			d.docs[v.IdentityID] = append(d.docs[v.IdentityID], v)
		case "DistinctParty":
			var v advParty
			raw, err := s.decode(el, &v, depth)
			if err != nil {
				return err
			}
			p.index++
			d.parties = append(d.parties, advHeld{party: v, raw: append([]byte(nil), raw...), loc: loc})
		case "ProfileRelationship":
			var v advRelation
			raw, err := s.decode(el, &v, depth)
			if err != nil {
				return err
			}
			p.index++
			d.relations = append(d.relations, advHeldRel{rel: v, raw: append([]byte(nil), raw...), loc: loc})
		case "SanctionsEntry":
			var v advEntry
			if _, err := s.decode(el, &v, depth); err != nil {
				return err
			}
			d.entries[v.ProfileID] = append(d.entries[v.ProfileID], v)
		}
	}
	known := map[string]bool{}
	for _, h := range d.parties {
		for _, pr := range h.party.Profiles {
			en, ok := p.advEntity(d, h, pr, doc, sink)
			if ok {
				known[pr.ID] = true
				p.entries = append(p.entries, en)
			}
		}
	}
	for _, h := range d.relations {
		r := h.rel
		m, ok := advRelationKinds[clean(r.TypeID)]
		label := d.name("RelationType", r.TypeID)
		if !ok {
			m.kind = procure.RelUnknownLink
			sink.Report(warn(h.loc, "ofac-adv-unknown-relation", "relationship %s has the relation type %s (%q), which Tenderlens does not map; kept as an unknown link", r.ID, r.TypeID, label))
		}
		from, to := "ofac:"+clean(r.From), "ofac:"+clean(r.To)
		if clean(r.From) == "" || clean(r.To) == "" {
			sink.Report(fail(h.loc, "ofac-adv-relation-incomplete", "relationship %s lacks its From or To profile; skipped", r.ID))
			continue
		}
		for _, end := range []string{r.From, r.To} {
			if !known[clean(end)] {
				sink.Report(warn(h.loc, "ofac-adv-dangling-relation", "relationship %s refers to profile %s, which is not in this document; the link is kept", r.ID, end))
			}
		}
		owner, asset := from, to
		if m.swap {
			owner, asset = to, from
		}
		role := label
		if note := clean(r.Note); note != "" {
			role = strings.TrimSpace(role + " (" + note + ")")
		}
		rel := procure.Relationship{ID: "ofac:rel:" + clean(r.ID), Kind: m.kind, Owner: owner, Asset: asset,
			Share: procure.Unknown, Role: role,
			Provenance: procure.Provenance{Source: doc.Source, Dataset: DatasetOFACSDN, RecordID: "rel:" + clean(r.ID), URL: doc.URL,
				RetrievedAt: doc.RetrievedAt, SHA256: sha(h.raw), License: LicenseOFAC, Location: h.loc}}
		if m.kind == procure.RelOwnership {
			rel.Interests = []string{label}
		}
		if r.Former {
			rel.EndDate = d.issued
			rel.Role = strings.TrimSpace("former: " + rel.Role)
		}
		p.rels = append(p.rels, rel)
	}
	return nil
}

func (d *advDoc) setRefs(v advRefSets) {
	put := func(set string, vs []advValue) {
		m := map[string]string{}
		for _, x := range vs {
			m[x.ID] = clean(x.Name)
		}
		d.ref[set] = m
	}
	put("AliasType", v.AliasTypes)
	put("FeatureType", v.FeatureTypes)
	put("IDRegDocType", v.IDRegDocTypes)
	put("List", v.Lists)
	put("PartyType", v.PartyTypes)
	put("RelationType", v.RelationTypes)
	put("SanctionsType", v.SanctionsTypes)
	put("LegalBasis", v.LegalBases)
	put("NamePartType", v.NamePartTypes)
	put("LocPartType", v.LocPartTypes)
	scripts := map[string]string{}
	for _, s := range v.Scripts {
		scripts[s.ID] = s.Code
	}
	d.ref["Script"] = scripts
	for _, c := range v.Countries {
		iso := c.ISO2
		if iso == "" {
			iso = regid.Country(c.Name)
		}
		d.iso2[c.ID] = iso
	}
	for _, st := range v.PartySubTypes {
		d.subType[st.ID] = d.ref["PartyType"][st.PartyTypeID] + "/" + clean(st.Name)
	}
}

// address renders a location as one line and returns its country code.
func (d *advDoc) address(id string) (string, string) {
	l, ok := d.locations[id]
	if !ok {
		return "", ""
	}
	var parts []string
	for _, part := range l.Parts {
		for _, v := range part.Values {
			if v.Primary || len(part.Values) == 1 {
				parts = append(parts, v.Value)
				break
			}
		}
	}
	cc := d.iso2[l.Country.ID]
	if name := regid.CountryName(cc); name != "" {
		parts = append(parts, name)
	}
	return regid.JoinAddress(parts...), cc
}

func (p *OFACXML) advEntity(d *advDoc, h advHeld, pr advProfile, doc Doc, sink Sink) (ofacXMLEntry, bool) {
	uid := clean(pr.ID)
	if uid == "" {
		uid = clean(h.party.FixedRef)
	}
	if uid == "" {
		sink.Report(fail(h.loc, "ofac-adv-no-id", "a DistinctParty profile without ID; skipped"))
		return ofacXMLEntry{}, false
	}
	sub := strings.ToLower(d.subType[pr.SubTypeID])
	kind := procure.EntityOrganization
	switch {
	case strings.HasPrefix(sub, "individual"):
		kind = procure.EntityPerson
	case strings.Contains(sub, "vessel"):
		kind = procure.EntityVessel
	case strings.Contains(sub, "aircraft"):
		kind = procure.EntityUnknown
	}
	b := regid.NewBuilder("ofac:"+uid, kind)
	b.Identifier(procure.Identifier{Scheme: "US-OFAC", ID: uid})
	b.Topic("sanction")
	addrCountries := map[string]bool{}
	ids := pr.Identities
	sort.SliceStable(ids, func(i, j int) bool { return ids[i].Primary && !ids[j].Primary })
	for _, ident := range ids {
		groups := map[string]string{}
		for _, g := range ident.Groups {
			groups[g.ID] = strings.ToLower(d.name("NamePartType", g.TypeID))
		}
		for _, a := range ident.Aliases {
			aliasType := strings.ToLower(d.name("AliasType", a.TypeID))
			for _, dn := range a.Names {
				var last, rest []string
				latin := true
				for _, part := range dn.Parts {
					v := clean(part.Value.Text)
					if v == "" {
						continue
					}
					if code := d.ref["Script"][part.Value.ScriptID]; code != "" && code != "Latn" {
						latin = false
					}
					if groups[part.Value.GroupID] == "last name" {
						last = append(last, v)
					} else {
						rest = append(rest, v)
					}
				}
				name := strings.Join(append(last, rest...), " ")
				if len(last) > 0 && len(rest) > 0 && kind == procure.EntityPerson {
					name = strings.Join(last, " ") + ", " + strings.Join(rest, " ")
				}
				k := "alias"
				switch {
				case !latin:
					k = "original-script"
				case a.Primary && ident.Primary:
					k = "primary"
				case a.LowQuality:
					k = "weak"
				case strings.Contains(aliasType, "f.k.a"):
					k = "former"
				}
				b.Name(name, k, "")
			}
		}
		for _, doc := range d.docs[ident.ID] {
			t := d.name("IDRegDocType", doc.TypeID)
			if !regid.IsIdentifierKind(t) {
				continue
			}
			if res, ok := regid.Qualify(t, doc.Number, d.iso2[doc.CountryID]); ok {
				b.Identifier(res.Identifier)
			}
		}
	}
	var birth string
	for _, f := range pr.Features {
		ft := strings.ToLower(d.name("FeatureType", f.TypeID))
		for _, v := range f.Versions {
			switch {
			case strings.Contains(ft, "birthdate") || strings.Contains(ft, "date of birth"):
				for _, per := range v.Periods {
					from, to := per.Start.From.iso(), per.Start.To.iso()
					if birth == "" && from != "" {
						birth = from
						if to != "" && to != from {
							birth = from + "/" + to
						}
					}
				}
			case ft == "location" || strings.Contains(ft, "address"):
				for _, l := range v.Locations {
					line, cc := d.address(l.ID)
					b.Address(line)
					if cc != "" {
						b.Country(cc)
						addrCountries[cc] = true
					}
				}
			case strings.Contains(ft, "nationality") || strings.Contains(ft, "citizenship") || strings.Contains(ft, "vessel flag"):
				for _, l := range v.Locations {
					if _, cc := d.address(l.ID); cc != "" {
						b.Country(cc)
					}
				}
				for _, det := range v.Details {
					b.Country(det.Text)
				}
			}
		}
	}
	list, dataset := "OFAC SDN", DatasetOFACSDN
	var programs []string
	listed := ""
	var reasons []string
	for _, en := range d.entries[pr.ID] {
		if ln := strings.ToLower(d.name("List", en.ListID)); ln != "" && !strings.Contains(ln, "sdn list") {
			list, dataset = "OFAC Consolidated (non-SDN)", DatasetOFACCons
		}
		for _, ev := range en.Events {
			if dt := ev.Date.iso(); dt != "" && (listed == "" || dt < listed) {
				listed = dt
			}
			if lb := d.name("LegalBasis", ev.LegalBasisID); lb != "" {
				reasons = appendUnique(reasons, lb)
			}
		}
		for _, m := range en.Measures {
			if strings.EqualFold(d.name("SanctionsType", m.TypeID), "program") {
				for _, pg := range splitPrograms(m.Comment) {
					programs = appendUnique(programs, pg)
				}
			}
		}
	}
	if len(d.entries[pr.ID]) == 0 {
		sink.Report(warn(h.loc, "ofac-adv-no-entry", "profile %s has no sanctions entry in this document; imported without programmes", uid))
	}
	rm := parseRemarks(clean(h.party.Comment))
	b.Listing(procure.Listing{List: list, Authority: "US Treasury OFAC", Programs: programs, Reference: uid, ListedOn: listed,
		Reason: strings.Join(reasons, "; "), Remarks: clean(h.party.Comment), URL: "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=" + uid})
	rm.addIdentifiers(b, soleCountry(addrCountries), nil)
	prov := procure.Provenance{Source: doc.Source, Dataset: dataset, RecordID: uid, URL: doc.URL, RetrievedAt: doc.RetrievedAt,
		SHA256: sha(h.raw), License: LicenseOFAC, Location: h.loc}
	b.Set(func(e *procure.Entity) {
		e.BirthDate = birth
		e.Provenance = prov
	})
	return ofacXMLEntry{b: b, uid: uid, links: rm.linkedTo, loc: h.loc, prov: prov}, true
}
