package sanctions

import (
	"context"
	"io"
	"strings"
	"unicode"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// UN reads the UN Security Council consolidated list XML
// (CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY), streaming.
//
// Each record becomes an entity "un:{REFERENCE_NUMBER}" (person or
// organisation) with: the name from FIRST_NAME … FOURTH_NAME joined with
// spaces (entities carry their whole name in FIRST_NAME);
// NAME_ORIGINAL_SCRIPT as an "original-script" name (lang "ko" when it is
// Hangul); aliases by QUALITY ("Good" and "a.k.a." as aliases, "Low" as weak
// aliases, "f.k.a." as former names); nationalities and address countries
// as countries; addresses; the first date of birth (EXACT dates as is, YEAR
// alone as the year, BETWEEN as "FROM/TO"); register identifiers among the
// individual documents (passports and national ID cards are not); the
// identifier XI-UNSC-{reference} (the EU list and FtM carry the same UN
// reference, so the store clusters their records with this one); the topic
// "sanction"; and a Listing: list "UN Security Council Consolidated List",
// programme UN_LIST_TYPE (e.g. "DPRK"), reference REFERENCE_NUMBER (KPe.001,
// KPi.033 …), LISTED_ON, COMMENTS1 as remarks. The UN list has no
// structured relationships (links are prose in COMMENTS1).
//
// Empty optional elements (<QUALITY/>, <ALIAS_NAME/>) are normal in this
// list and ignored without a warning.
type UN struct {
	index int
}

// NewUN returns a UN list parser.
func NewUN() *UN { return &UN{} }

type unRecord struct {
	DataID       string      `xml:"DATAID"`
	First        string      `xml:"FIRST_NAME"`
	Second       string      `xml:"SECOND_NAME"`
	Third        string      `xml:"THIRD_NAME"`
	Fourth       string      `xml:"FOURTH_NAME"`
	ListType     string      `xml:"UN_LIST_TYPE"`
	Reference    string      `xml:"REFERENCE_NUMBER"`
	ListedOn     string      `xml:"LISTED_ON"`
	Comments     string      `xml:"COMMENTS1"`
	Original     string      `xml:"NAME_ORIGINAL_SCRIPT"`
	Nationality  []string    `xml:"NATIONALITY>VALUE"`
	IndAliases   []unAlias   `xml:"INDIVIDUAL_ALIAS"`
	EntAliases   []unAlias   `xml:"ENTITY_ALIAS"`
	IndAddresses []unAddress `xml:"INDIVIDUAL_ADDRESS"`
	EntAddresses []unAddress `xml:"ENTITY_ADDRESS"`
	DOB          []unDate    `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	Documents    []unDoc     `xml:"INDIVIDUAL_DOCUMENT"`
}

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unAddress struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Zip     string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
	Note    string `xml:"NOTE"`
}

type unDate struct {
	Type string `xml:"TYPE_OF_DATE"`
	Date string `xml:"DATE"`
	Year string `xml:"YEAR"`
	From string `xml:"FROM_YEAR"`
	To   string `xml:"TO_YEAR"`
}

type unDoc struct {
	Type    string `xml:"TYPE_OF_DOCUMENT"`
	Type2   string `xml:"TYPE_OF_DOCUMENT2"`
	Number  string `xml:"NUMBER"`
	Issuing string `xml:"ISSUING_COUNTRY"`
	Country string `xml:"COUNTRY_OF_ISSUE"`
}

// Document reads one consolidated list.
func (p *UN) Document(ctx context.Context, r io.Reader, doc Doc, sink Sink) error {
	depth := 0
	return eachElement(ctx, newXMLScanner(r), &depth, names("INDIVIDUAL", "ENTITY"), func(el xmlElement, rec unRecord, raw []byte) error {
		loc := procure.Location{File: doc.URL, Line: el.line, Index: p.index}
		p.index++
		e, ok := p.entity(el.Name.Local == "INDIVIDUAL", rec, raw, doc, loc, sink)
		if !ok {
			return nil
		}
		return sink.Entity(e)
	})
}

// Finish does nothing: every record is emitted as it is read.
func (p *UN) Finish(ctx context.Context, sink Sink) error { return nil }

func (p *UN) entity(person bool, rec unRecord, raw []byte, doc Doc, loc procure.Location, sink Sink) (procure.Entity, bool) {
	ref := clean(rec.Reference)
	id := ref
	if id == "" {
		id = clean(rec.DataID)
		if id == "" {
			sink.Report(fail(loc, "un-no-reference", "a UN list record without REFERENCE_NUMBER and DATAID; skipped"))
			return procure.Entity{}, false
		}
		sink.Report(warn(loc, "un-no-reference", "the UN record %s has no REFERENCE_NUMBER; its DATAID is used as its ID", id))
	}
	kind := procure.EntityOrganization
	if person {
		kind = procure.EntityPerson
	}
	b := regid.NewBuilder("un:"+id, kind)
	name := clean(strings.Join([]string{rec.First, rec.Second, rec.Third, rec.Fourth}, " "))
	if name == "" {
		sink.Report(warn(loc, "un-no-name", "the UN record %s has no name", id))
	}
	b.Name(name, "primary", "")
	if o := clean(rec.Original); o != "" {
		lang := ""
		if hasScript(o, unicode.Hangul) {
			lang = "ko"
		}
		b.Name(o, "original-script", lang)
	}
	for _, a := range append(rec.IndAliases, rec.EntAliases...) {
		n := clean(a.Name)
		if n == "" {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(a.Quality)) {
		case "low":
			b.Name(n, "weak", "")
		case "f.k.a.", "fka":
			b.Name(n, "former", "")
		default:
			b.Name(n, "alias", "")
		}
	}
	for _, n := range rec.Nationality {
		if n = clean(n); n != "" && b.Country(n) == "" {
			sink.Report(warn(loc, "un-unknown-country", "the nationality %q of %s is not a known country", n, id))
		}
	}
	for _, a := range append(rec.IndAddresses, rec.EntAddresses...) {
		b.Address(regid.JoinAddress(a.Street, a.City, a.State, a.Zip, a.Country))
		if c := clean(a.Country); c != "" && b.Country(c) == "" {
			sink.Report(warn(loc, "un-unknown-country", "the address country %q of %s is not a known country", c, id))
		}
	}
	for _, d := range rec.Documents {
		for _, kind := range []string{d.Type, d.Type2} {
			if strings.TrimSpace(kind) == "" || strings.TrimSpace(d.Number) == "" {
				continue
			}
			country := d.Country
			if country == "" {
				country = d.Issuing
			}
			if res, ok := regid.Qualify(kind, d.Number, country); ok {
				b.Identifier(res.Identifier)
				break
			}
		}
	}
	if ref != "" {
		b.Identifier(procure.Identifier{Scheme: "XI-UNSC", ID: ref})
	}
	b.Topic("sanction")
	var programs []string
	if lt := clean(rec.ListType); lt != "" {
		programs = []string{lt}
	}
	b.Listing(procure.Listing{List: "UN Security Council Consolidated List", Authority: "UN Security Council",
		Programs: programs, Reference: ref, ListedOn: clean(rec.ListedOn), Remarks: clean(rec.Comments)})
	b.Set(func(e *procure.Entity) {
		for _, d := range rec.DOB {
			if v := unBirthDate(d); v != "" {
				e.BirthDate = v
				break
			}
		}
		e.Provenance = procure.Provenance{Source: doc.Source, Dataset: DatasetUN, RecordID: clean(rec.DataID), URL: doc.URL,
			RetrievedAt: doc.RetrievedAt, SHA256: sha(raw), License: LicenseUN, Location: loc}
	})
	return b.Entity("UN list entry " + id), true
}

func unBirthDate(d unDate) string {
	switch {
	case strings.TrimSpace(d.Date) != "":
		if v, ok := normDate(d.Date); ok {
			return v
		}
	case strings.TrimSpace(d.From) != "" && strings.TrimSpace(d.To) != "":
		return strings.TrimSpace(d.From) + "/" + strings.TrimSpace(d.To)
	case strings.TrimSpace(d.Year) != "":
		return strings.TrimSpace(d.Year)
	}
	return ""
}

func hasScript(s string, t *unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}
