package sanctions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// OFACXMLOptions configure the OFAC XML parser.
type OFACXMLOptions struct {
	// List says which OFAC list an sdnList document holds: "sdn",
	// "consolidated", or "" to decide by the file name (a name containing
	// "cons" or "non-sdn" is the consolidated list). The advanced schema
	// names its lists itself.
	List string
}

// OFACXML reads OFAC lists in XML: the sdnList schema (sdn.xml and
// consolidated.xml: sdnEntry with uid, names, sdnType, programList, idList,
// akaList, addressList, nationality, citizenship, dates of birth,
// vesselInfo, remarks) and the advanced schema (sdn_advanced.xml:
// ReferenceValueSets, Locations, IDRegDocuments, DistinctParties,
// ProfileRelationships, SanctionsEntries). The schema is detected from the
// root element.
//
// sdnList entries map like the CSV set (see OFACCSV): "ofac:{uid}",
// US-OFAC-{uid}, programmes, aliases (category "weak" → weak aliases),
// addresses, identifiers from idList (idType + idNumber + idCountry through
// regid.Qualify; "Additional Sanctions Information -", directive notes and
// the like go into the listing's remarks), "Linked To:" remarks as
// RelLinkedTo relationships resolved by name among every entry of the run.
//
// Advanced entries ("ofac:{profile ID}", which equals the legacy uid) take
// their kind from the party sub-type, names from the identities' aliases
// (the primary alias → primary name, LowQuality → weak, "F.K.A." → former,
// non-Latin scripts → original-script), birth dates, addresses, countries
// (nationality, citizenship, vessel flag) from the features, identifiers
// from the ID/registration documents, programmes and the earliest entry
// date from the sanctions entries. ProfileRelationships become
// relationships "ofac:rel:{ID}" by relation type (the research note's
// mapping): 15003 Owned or Controlled By and 92122 Property in the interest
// of → ownership from To to From; 92019 Owns, controls, or operates →
// ownership from From to To (all with unknown share [0,100], never
// control: OFAC does not say which); 15002 Acting for or on behalf of →
// representation; 91725 Leader or official of and 91900 Principal Executive
// Officer → directorship; 91422 playing a significant role in →
// membership; 1555 Associate Of → associate; 15001 Providing support to →
// unknown link; 15004 Family member of → family. Unknown types are kept as
// unknown links with a warning. A relationship marked Former ends at the
// list's issue date.
//
// Entries are emitted by Finish so that "Linked To:" names resolve across
// every document of the run (sdn.xml and consolidated.xml together).
// Only a sample in the sdnList schema is in the shared data; the advanced
// parser is tested on a small hand-made fixture that follows the published
// schema (testdata/sdn_advanced_sample.xml).
type OFACXML struct {
	opt     OFACXMLOptions
	entries []ofacXMLEntry
	rels    []procure.Relationship
	index   int
}

type ofacXMLEntry struct {
	b      *regid.Builder
	uid    string
	links  []string // Linked To names
	owner  string   // vessel owner
	loc    procure.Location
	prov   procure.Provenance
	sdnXML bool
}

// NewOFACXML returns an OFAC XML parser for one run.
func NewOFACXML(opt OFACXMLOptions) *OFACXML { return &OFACXML{opt: opt} }

// Document reads one XML document (either schema).
func (p *OFACXML) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	s := newXMLScanner(r)
	depth := 0
	root, err := s.next(names("sdnList", "Sanctions"), &depth)
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s holds no OFAC list (no sdnList or Sanctions element)", path.Base(doc.URL))
	}
	if err != nil {
		return err
	}
	if root.depth != 1 {
		sink.Report(warn(procure.Location{File: doc.URL, Line: root.line}, "ofac-xml-nested-root", "the %s element is not the document's root element", root.Name.Local))
	}
	if root.Name.Local == "Sanctions" {
		return p.advanced(ctx, s, &depth, doc, sink)
	}
	return p.sdnList(ctx, s, &depth, doc, sink)
}

// Finish resolves "Linked To:" names and emits the entries.
func (p *OFACXML) Finish(ctx context.Context, sink Sink) error {
	names := newOFACNames()
	for _, en := range p.entries {
		e := en.b.Entity("")
		for _, n := range e.Names {
			names.add(n.Name, en.uid, n.Kind == "primary")
		}
	}
	for _, en := range p.entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := sink.Entity(en.b.Entity("OFAC entry " + en.uid)); err != nil {
			return err
		}
		n := 0
		link := func(target, role string) error {
			n++
			rel, ok := names.link(en.uid, n, target, role, en.prov)
			if !ok {
				return nil
			}
			return sink.Relationship(rel)
		}
		for _, t := range en.links {
			if err := link(t, "Linked To: "+t); err != nil {
				return err
			}
		}
		if en.owner != "" {
			if err := link(en.owner, "vessel owner: "+en.owner); err != nil {
				return err
			}
		}
	}
	for _, r := range p.rels {
		if err := sink.Relationship(r); err != nil {
			return err
		}
	}
	return nil
}

// ---- sdnList schema ----

type sdnEntry struct {
	UID       string   `xml:"uid"`
	FirstName string   `xml:"firstName"`
	LastName  string   `xml:"lastName"`
	Title     string   `xml:"title"`
	SDNType   string   `xml:"sdnType"`
	Remarks   string   `xml:"remarks"`
	Programs  []string `xml:"programList>program"`
	IDs       []struct {
		Type    string `xml:"idType"`
		Number  string `xml:"idNumber"`
		Country string `xml:"idCountry"`
	} `xml:"idList>id"`
	AKAs []struct {
		Type      string `xml:"type"`
		Category  string `xml:"category"`
		LastName  string `xml:"lastName"`
		FirstName string `xml:"firstName"`
	} `xml:"akaList>aka"`
	Addresses []struct {
		Address1 string `xml:"address1"`
		Address2 string `xml:"address2"`
		Address3 string `xml:"address3"`
		City     string `xml:"city"`
		State    string `xml:"stateOrProvince"`
		Postal   string `xml:"postalCode"`
		Country  string `xml:"country"`
	} `xml:"addressList>address"`
	Nationalities []string `xml:"nationalityList>nationality>country"`
	Citizenships  []string `xml:"citizenshipList>citizenship>country"`
	DOBs          []string `xml:"dateOfBirthList>dateOfBirthItem>dateOfBirth"`
	Vessel        struct {
		Flag  string `xml:"vesselFlag"`
		Owner string `xml:"vesselOwner"`
	} `xml:"vesselInfo"`
}

func sdnName(last, first string) string {
	last, first = clean(last), clean(first)
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return last + ", " + first
}

func (p *OFACXML) listOf(doc Doc) (string, string) {
	list := strings.ToLower(p.opt.List)
	if list == "" {
		base := strings.ToLower(path.Base(doc.URL))
		if strings.Contains(base, "cons") || strings.Contains(base, "non-sdn") || strings.Contains(base, "nonsdn") {
			list = "consolidated"
		}
	}
	if list == "consolidated" || list == "cons" {
		return "OFAC Consolidated (non-SDN)", DatasetOFACCons
	}
	return "OFAC SDN", DatasetOFACSDN
}

func (p *OFACXML) sdnList(ctx context.Context, s *xmlScanner, depth *int, doc Doc, sink Sink) error {
	list, dataset := p.listOf(doc)
	return eachElement(ctx, s, depth, names("sdnEntry"), func(el xmlElement, se sdnEntry, raw []byte) error {
		loc := procure.Location{File: doc.URL, Line: el.line, Index: p.index}
		p.index++
		uid := clean(se.UID)
		if uid == "" || atoi(uid) < 0 {
			sink.Report(fail(loc, "ofac-xml-no-uid", "an sdnEntry without a numeric uid (%q, %s); skipped", uid, sdnName(se.LastName, se.FirstName)))
			return nil
		}
		kind, ok := ofacKind(clean(se.SDNType))
		if !ok {
			sink.Report(warn(loc, "ofac-xml-unknown-type", "entry %s has the type %q; imported as an organisation", uid, se.SDNType))
		}
		b := regid.NewBuilder("ofac:"+uid, kind)
		b.Name(sdnName(se.LastName, se.FirstName), "primary", "")
		b.Identifier(procure.Identifier{Scheme: "US-OFAC", ID: uid})
		b.Topic("sanction")
		for _, a := range se.AKAs {
			k := "alias"
			switch {
			case strings.EqualFold(clean(a.Category), "weak"):
				k = "weak"
			case strings.EqualFold(clean(a.Type), "f.k.a."):
				k = "former"
			}
			b.Name(sdnName(a.LastName, a.FirstName), k, "")
		}
		addrCountries := map[string]bool{}
		for _, a := range se.Addresses {
			b.Address(regid.JoinAddress(a.Address1, a.Address2, a.Address3, a.City, a.State, a.Postal, a.Country))
			if c := clean(a.Country); c != "" {
				if cc := b.Country(c); cc != "" {
					addrCountries[cc] = true
				} else {
					sink.Report(warn(loc, "ofac-xml-unknown-country", "entry %s has an address in %q, which is not a known country", uid, c))
				}
			}
		}
		for _, c := range append(se.Nationalities, se.Citizenships...) {
			b.Country(c)
		}
		if se.Vessel.Flag != "" {
			b.Country(se.Vessel.Flag)
		}
		remarks := []string{}
		if r := clean(se.Remarks); r != "" {
			remarks = append(remarks, r)
		}
		qc := soleCountry(addrCountries)
		for _, id := range se.IDs {
			t, n := clean(id.Type), clean(id.Number)
			if n == "" {
				continue
			}
			if !regid.IsIdentifierKind(t) {
				if !strings.EqualFold(t, "Website") && !strings.EqualFold(t, "Email Address") {
					remarks = append(remarks, strings.TrimSpace(strings.TrimSuffix(t, "-")+" "+n))
				}
				continue
			}
			country := id.Country
			if clean(country) == "" {
				country = qc
			}
			res, ok := regid.Qualify(t, n, country)
			if !ok {
				continue
			}
			if res.Note != "" {
				sink.Report(warn(loc, "ofac-xml-identifier-check", "entry %s: %s", uid, res.Note))
			}
			b.Identifier(res.Identifier)
		}
		rm := parseRemarks(clean(se.Remarks))
		rm.addNamesAndCountries(b)
		rm.addIdentifiers(b, qc, nil)
		var programs []string
		for _, pr := range se.Programs {
			programs = append(programs, splitPrograms(pr)...)
		}
		b.Listing(procure.Listing{List: list, Authority: "US Treasury OFAC", Programs: programs, Reference: uid,
			Remarks: strings.Join(remarks, "; "), URL: "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=" + uid})
		prov := procure.Provenance{Source: doc.Source, Dataset: dataset, RecordID: uid, URL: doc.URL, RetrievedAt: doc.RetrievedAt,
			SHA256: sha(raw), License: LicenseOFAC, Location: loc}
		b.Set(func(e *procure.Entity) {
			for _, d := range se.DOBs {
				if v := remarkDate(d); v != "" {
					e.BirthDate = v
					break
				}
			}
			if e.BirthDate == "" && len(rm.birthDates) > 0 {
				e.BirthDate = rm.birthDates[0]
			}
			e.Provenance = prov
		})
		p.entries = append(p.entries, ofacXMLEntry{b: b, uid: uid, links: rm.linkedTo, owner: clean(se.Vessel.Owner), loc: loc, prov: prov, sdnXML: true})
		return nil
	})
}
