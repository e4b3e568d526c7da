package sanctions

import (
	"context"
	"io"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// EU reads the EU Financial Sanctions Files XML 1.1
// (xmlFullSanctionsList_1_1: export/sanctionEntity, namespaced), streaming.
//
// Each sanctionEntity becomes an entity "eu:{logicalId}" (subjectType
// "person" → person, "enterprise" → organisation) with: names from
// nameAlias (wholeName, else first, middle and last name; the first strong
// alias is the primary name, strong="false" aliases are weak;
// nameLanguage as the language); citizenships, birth countries and address
// countries as countries; addresses; the first birth date; identifiers from
// identification (identificationTypeCode regnumber, fiscalcode, swiftbic,
// imo, … through regid.Qualify with the identification's country;
// passports and ID cards are not entity identifiers); XI-UNSC-{unitedNationId}
// when the entry is also on the UN list; the topic "sanction"; and a
// Listing: list "EU Financial Sanctions Files", authority "European Union",
// programmes from the regulations, reference euReferenceNumber (else
// logicalId), listing date designationDate (else the earliest regulation
// publication date), remarks, the first regulation's publication URL.
//
// No EU file is in the shared data: the parser is tested on a small
// hand-made fixture that follows the published schema
// (testdata/eu_fsf_sample.xml).
type EU struct {
	index int
}

// NewEU returns an EU list parser.
func NewEU() *EU { return &EU{} }

type euEntity struct {
	LogicalID   string   `xml:"logicalId,attr"`
	Designation string   `xml:"designationDate,attr"`
	UNID        string   `xml:"unitedNationId,attr"`
	EUReference string   `xml:"euReferenceNumber,attr"`
	Remarks     []string `xml:"remark"`
	SubjectType struct {
		Code string `xml:"code,attr"`
	} `xml:"subjectType"`
	Regulations []struct {
		Programme   string `xml:"programme,attr"`
		NumberTitle string `xml:"numberTitle,attr"`
		Published   string `xml:"publicationDate,attr"`
		URL         string `xml:"publicationUrl"`
	} `xml:"regulation"`
	Names []struct {
		Whole    string `xml:"wholeName,attr"`
		First    string `xml:"firstName,attr"`
		Middle   string `xml:"middleName,attr"`
		Last     string `xml:"lastName,attr"`
		Language string `xml:"nameLanguage,attr"`
		Strong   string `xml:"strong,attr"`
		Function string `xml:"function,attr"`
	} `xml:"nameAlias"`
	Citizenships []struct {
		Country string `xml:"countryIso2Code,attr"`
	} `xml:"citizenship"`
	Births []struct {
		Date    string `xml:"birthdate,attr"`
		Year    string `xml:"year,attr"`
		Country string `xml:"countryIso2Code,attr"`
	} `xml:"birthdate"`
	IDs []struct {
		Code        string `xml:"identificationTypeCode,attr"`
		Description string `xml:"identificationTypeDescription,attr"`
		Number      string `xml:"number,attr"`
		LatinNumber string `xml:"latinNumber,attr"`
		Country     string `xml:"countryIso2Code,attr"`
	} `xml:"identification"`
	Addresses []struct {
		Street  string `xml:"street,attr"`
		City    string `xml:"city,attr"`
		Zip     string `xml:"zipCode,attr"`
		POBox   string `xml:"poBox,attr"`
		Place   string `xml:"place,attr"`
		Region  string `xml:"region,attr"`
		Country string `xml:"countryIso2Code,attr"`
		Desc    string `xml:"countryDescription,attr"`
	} `xml:"address"`
}

// euIDKinds maps identificationTypeCode to regid kinds.
var euIDKinds = map[string]string{
	"regnumber":  "registration number",
	"fiscalcode": "tax",
	"swiftbic":   "SWIFT/BIC",
	"imo":        "IMO",
	"tin":        "tax",
	"vat":        "tax",
	"lei":        "LEI",
	"ogrn":       "OGRN",
	"inn":        "INN",
}

// Document reads one EU list.
func (p *EU) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	depth := 0
	return eachElement(ctx, newXMLScanner(r), &depth, names("sanctionEntity"), func(el xmlElement, v euEntity, raw []byte) error {
		loc := procure.Location{File: doc.URL, Line: el.line, Index: p.index}
		p.index++
		e, ok := p.entity(v, raw, doc, loc, sink)
		if !ok {
			return nil
		}
		return sink.Entity(e)
	})
}

// Finish does nothing: every record is emitted as it is read.
func (p *EU) Finish(ctx context.Context, sink Sink) error { return nil }

func (p *EU) entity(v euEntity, raw []byte, doc Doc, loc procure.Location, sink Sink) (procure.Entity, bool) {
	id := clean(v.LogicalID)
	if id == "" {
		sink.Report(fail(loc, "eu-no-id", "a sanctionEntity without logicalId (%s); skipped", v.EUReference))
		return procure.Entity{}, false
	}
	kind := procure.EntityOrganization
	switch strings.ToLower(clean(v.SubjectType.Code)) {
	case "person":
		kind = procure.EntityPerson
	case "enterprise", "":
	default:
		sink.Report(warn(loc, "eu-unknown-subject-type", "entry %s has the subject type %q; imported as an organisation", id, v.SubjectType.Code))
	}
	b := regid.NewBuilder("eu:"+id, kind)
	primary := false
	for _, n := range v.Names {
		name := clean(n.Whole)
		if name == "" {
			name = clean(strings.Join([]string{n.First, n.Middle, n.Last}, " "))
		}
		if name == "" {
			continue
		}
		k := "alias"
		switch {
		case strings.EqualFold(clean(n.Strong), "false"):
			k = "weak"
		case !primary:
			k, primary = "primary", true
		}
		b.Name(name, k, strings.ToLower(clean(n.Language)))
	}
	for _, c := range v.Citizenships {
		b.Country(c.Country)
	}
	for _, a := range v.Addresses {
		country := regid.CountryName(regid.Country(a.Country))
		if country == "" {
			country = clean(a.Desc)
		}
		b.Address(regid.JoinAddress(a.Street, a.POBox, a.City, a.Zip, a.Place, a.Region, country))
		if c := clean(a.Country); c != "" && c != "00" && b.Country(c) == "" {
			sink.Report(warn(loc, "eu-unknown-country", "entry %s has an address country %q, which is not a known code", id, c))
		}
	}
	for _, br := range v.Births {
		b.Country(br.Country)
	}
	for _, ident := range v.IDs {
		kindText := euIDKinds[strings.ToLower(clean(ident.Code))]
		if kindText == "" {
			kindText = clean(ident.Description)
		}
		num := clean(ident.LatinNumber)
		if num == "" {
			num = clean(ident.Number)
		}
		if !regid.IsIdentifierKind(kindText) || num == "" {
			continue
		}
		res, ok := regid.Qualify(kindText, num, ident.Country)
		if !ok {
			continue
		}
		if res.Note != "" {
			sink.Report(warn(loc, "eu-identifier-check", "entry %s: %s", id, res.Note))
		}
		b.Identifier(res.Identifier)
	}
	if un := clean(v.UNID); un != "" {
		b.Identifier(procure.Identifier{Scheme: "XI-UNSC", ID: un})
	}
	b.Topic("sanction")
	var programs []string
	listed := clean(v.Designation)
	url := ""
	for _, r := range v.Regulations {
		if pg := clean(r.Programme); pg != "" {
			programs = appendUnique(programs, pg)
		}
		if d, ok := normDate(r.Published); ok && (listed == "" || d < listed) && clean(v.Designation) == "" {
			listed = d
		}
		if url == "" {
			url = clean(r.URL)
		}
	}
	if d, ok := normDate(listed); ok {
		listed = d
	}
	ref := clean(v.EUReference)
	if ref == "" {
		ref = id
	}
	var remarks []string
	for _, r := range v.Remarks {
		if r = clean(r); r != "" {
			remarks = append(remarks, r)
		}
	}
	b.Listing(procure.Listing{List: "EU Financial Sanctions Files", Authority: "European Union", Programs: programs,
		Reference: ref, ListedOn: listed, Remarks: strings.Join(remarks, " "), URL: url})
	b.Set(func(e *procure.Entity) {
		for _, br := range v.Births {
			if d, ok := normDate(br.Date); ok {
				e.BirthDate = d
				break
			}
			if y := clean(br.Year); y != "" {
				e.BirthDate = y
				break
			}
		}
		e.Provenance = procure.Provenance{Source: doc.Source, Dataset: DatasetEU, RecordID: id, URL: doc.URL,
			RetrievedAt: doc.RetrievedAt, SHA256: sha(raw), License: LicenseEU, Location: loc}
	})
	return b.Entity("EU list entry " + id), true
}
