package match

// Tiny local readers of the shared sanctions and name-matching files, for
// the quality tests. The real parsers live in data/sanctions; these only
// take what the tests need (names, kinds, birth dates, nationalities).

import (
	"encoding/csv"
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// listEntry is one sanctions list entry.
type listEntry struct {
	ID       string // OFAC ent_num or UN reference
	Programs string
	Rec      Record
}

func openShared(t testing.TB, elem ...string) *os.File {
	t.Helper()
	p := testenv.SharedData(t, elem...)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readCSV(t testing.TB, r io.Reader, header bool) [][]string {
	t.Helper()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if header && len(rows) > 0 {
		rows = rows[1:]
	}
	return rows
}

func ofacNull(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

var (
	reDOB         = regexp.MustCompile(`DOB (?:circa |[0-9]{1,2} [A-Z][a-z]{2} )?([0-9]{4})(?: to ([0-9]{4}))?`)
	reNationality = regexp.MustCompile(`(?:nationality|citizen) ([A-Z][A-Za-z ,'.()-]+?)(?:;|\.$|$)`)
)

var (
	countryOnce sync.Once
	countryMap  map[string]string
)

// countryCode maps a country name ("Korea, North", "Iraq", "Democratic
// People's Republic of Korea") to ISO alpha-2 with the shared
// country-codes file plus OFAC's own spellings.
func countryCode(t testing.TB, name string) string {
	countryOnce.Do(func() {
		countryMap = map[string]string{
			"korea, north": "KP", "korea, south": "KR", "north korea": "KP", "south korea": "KR",
			"democratic people's republic of korea": "KP", "republic of korea": "KR", "burma": "MM",
			"russia": "RU", "russian federation": "RU", "iran": "IR", "syria": "SY", "venezuela": "VE",
			"bolivia": "BO", "tanzania": "TZ", "vietnam": "VN", "laos": "LA", "moldova": "MD",
			"macedonia": "MK", "the gambia": "GM", "gambia": "GM", "palestinian": "PS", "west bank": "PS",
			"taiwan": "TW", "united states": "US", "united kingdom": "GB", "czech republic": "CZ",
			"congo, democratic republic of the": "CD", "turkey": "TR", "united arab emirates": "AE",
		}
		f := openShared(t, "reference", "countries", "country-codes.csv")
		rows := readCSV(t, f, false)
		if len(rows) == 0 {
			return
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, r := range rows[1:] {
			code := r[col["ISO3166-1-Alpha-2"]]
			for _, c := range []string{"CLDR display name", "official_name_en", "UNTERM English Short"} {
				n := strings.ToLower(strings.TrimSpace(r[col[c]]))
				n = strings.TrimSuffix(strings.TrimPrefix(n, "the "), " (the)")
				if n != "" {
					if _, ok := countryMap[n]; !ok {
						countryMap[n] = code
					}
				}
			}
		}
	})
	return countryMap[strings.ToLower(strings.TrimSpace(name))]
}

var (
	ofacOnce    sync.Once
	ofacEntries []listEntry
)

// loadOFAC reads sdn.csv and alt.csv.
func loadOFAC(t testing.TB) []listEntry {
	t.Helper()
	testenv.SharedData(t, "sanctions", "ofac-sdn-csv")
	ofacOnce.Do(func() {
		byID := map[string]int{}
		for _, r := range readCSV(t, openShared(t, "sanctions", "ofac-sdn-csv", "sdn.csv"), false) {
			if len(r) < 12 {
				continue
			}
			e := listEntry{ID: strings.TrimSpace(r[0]), Programs: ofacNull(r[3])}
			switch ofacNull(r[2]) {
			case "individual":
				e.Rec.Kind = procure.EntityPerson
			case "vessel":
				e.Rec.Kind = procure.EntityVessel
			case "aircraft":
				e.Rec.Kind = procure.EntityUnknown
			default:
				e.Rec.Kind = procure.EntityOrganization
			}
			e.Rec.Names = []string{ofacNull(r[1])}
			remarks := ofacNull(r[11])
			var dobs []string
			for _, m := range reDOB.FindAllStringSubmatch(remarks, -1) {
				dobs = append(dobs, m[1])
				if m[2] != "" {
					dobs = append(dobs, m[2])
				}
			}
			e.Rec.BirthDate = strings.Join(dobs, ";")
			for _, m := range reNationality.FindAllStringSubmatch(remarks, -1) {
				if c := countryCode(t, m[1]); c != "" {
					e.Rec.Countries = append(e.Rec.Countries, c)
				}
			}
			byID[e.ID] = len(ofacEntries)
			ofacEntries = append(ofacEntries, e)
		}
		for _, r := range readCSV(t, openShared(t, "sanctions", "ofac-sdn-csv", "alt.csv"), false) {
			if len(r) < 4 {
				continue
			}
			if i, ok := byID[strings.TrimSpace(r[0])]; ok {
				name := ofacNull(r[3])
				if name == "" {
					continue
				}
				if ofacNull(r[2]) == "fka" || ofacNull(r[2]) == "aka" || ofacNull(r[2]) == "nka" {
					ofacEntries[i].Rec.Names = append(ofacEntries[i].Rec.Names, name)
				} else {
					ofacEntries[i].Rec.WeakNames = append(ofacEntries[i].Rec.WeakNames, name)
				}
			}
		}
	})
	if len(ofacEntries) == 0 {
		t.Fatal("no OFAC entries read")
	}
	return ofacEntries
}

type unValues struct {
	Values []string `xml:"VALUE"`
}

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unDate struct {
	Type     string `xml:"TYPE_OF_DATE"`
	Date     string `xml:"DATE"`
	Year     string `xml:"YEAR"`
	FromYear string `xml:"FROM_YEAR"`
	ToYear   string `xml:"TO_YEAR"`
}

type unRecord struct {
	ListType     string    `xml:"UN_LIST_TYPE"`
	Reference    string    `xml:"REFERENCE_NUMBER"`
	Original     string    `xml:"NAME_ORIGINAL_SCRIPT"`
	Nationality  unValues  `xml:"NATIONALITY"`
	IndAliases   []unAlias `xml:"INDIVIDUAL_ALIAS"`
	EntAliases   []unAlias `xml:"ENTITY_ALIAS"`
	DOBs         []unDate  `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	IndAddresses []unAddr  `xml:"INDIVIDUAL_ADDRESS"`
	EntAddresses []unAddr  `xml:"ENTITY_ADDRESS"`
}

type unAddr struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	Country string `xml:"COUNTRY"`
}

type unList struct {
	Individuals []struct {
		unRecord
		F1 string `xml:"FIRST_NAME"`
		F2 string `xml:"SECOND_NAME"`
		F3 string `xml:"THIRD_NAME"`
		F4 string `xml:"FOURTH_NAME"`
	} `xml:"INDIVIDUALS>INDIVIDUAL"`
	Entities []struct {
		unRecord
		F1 string `xml:"FIRST_NAME"`
	} `xml:"ENTITIES>ENTITY"`
}

var (
	unOnce    sync.Once
	unEntries []listEntry
)

// loadUN reads the UN consolidated list (all programmes).
func loadUN(t testing.TB) []listEntry {
	t.Helper()
	f := openShared(t, "sanctions", "un-sc", "UN_consolidated_2026-02-27.xml")
	unOnce.Do(func() {
		var l unList
		if err := xml.NewDecoder(f).Decode(&l); err != nil {
			t.Fatal(err)
		}
		add := func(kind procure.EntityKind, name string, r unRecord, aliases []unAlias) {
			e := listEntry{ID: strings.TrimSpace(r.Reference), Programs: r.ListType}
			e.Rec.Kind = kind
			e.Rec.Names = []string{name}
			for _, a := range aliases {
				n := strings.TrimSpace(a.Name)
				if n == "" {
					continue
				}
				if a.Quality == "Low" {
					e.Rec.WeakNames = append(e.Rec.WeakNames, n)
				} else {
					e.Rec.Names = append(e.Rec.Names, n)
				}
			}
			if o := strings.TrimSpace(r.Original); o != "" {
				e.Rec.Names = append(e.Rec.Names, o)
			}
			for _, n := range r.Nationality.Values {
				if c := countryCode(t, n); c != "" {
					e.Rec.Countries = append(e.Rec.Countries, c)
				}
			}
			for _, a := range append(append([]unAddr(nil), r.IndAddresses...), r.EntAddresses...) {
				if c := countryCode(t, a.Country); c != "" {
					e.Rec.Countries = append(e.Rec.Countries, c)
				}
				if line := strings.Join(strings.Fields(a.Street+" "+a.City+" "+a.Country), " "); line != "" {
					e.Rec.Addresses = append(e.Rec.Addresses, line)
				}
			}
			var dobs []string
			for _, d := range r.DOBs {
				for _, v := range []string{d.Date, d.Year, d.FromYear, d.ToYear} {
					if v = strings.TrimSpace(v); v != "" {
						dobs = append(dobs, v)
					}
				}
			}
			e.Rec.BirthDate = strings.Join(dobs, ";")
			unEntries = append(unEntries, e)
		}
		for _, i := range l.Individuals {
			name := strings.Join(strings.Fields(strings.Join([]string{i.F1, i.F2, i.F3, i.F4}, " ")), " ")
			add(procure.EntityPerson, name, i.unRecord, i.IndAliases)
		}
		for _, e := range l.Entities {
			add(procure.EntityOrganization, strings.TrimSpace(e.F1), e.unRecord, e.EntAliases)
		}
	})
	if len(unEntries) == 0 {
		t.Fatal("no UN entries read")
	}
	return unEntries
}

// personRow is one row of the yente person fixtures.
type personRow struct {
	FullName, DOB, Nationality string
}

func loadPersons(t testing.TB, file string) []personRow {
	t.Helper()
	rows := readCSV(t, openShared(t, "name-matching", file), true)
	out := make([]personRow, 0, len(rows))
	for _, r := range rows {
		if len(r) < 8 {
			continue
		}
		out = append(out, personRow{FullName: r[0], DOB: r[5], Nationality: r[7]})
	}
	return out
}

// blockIndex is a small inverted index over list entries for candidate
// generation: every BlockKey of every name, and the first three letters of
// every word (so that misspelt words still meet).
type blockIndex struct {
	entries  []listEntry
	prepared []*Prepared
	names    []*Prepared // names and kind only
	post     map[string][]int
}

// nameOnly returns entry i prepared without dates, countries or addresses.
func (ix *blockIndex) nameOnly(i int) *Prepared {
	if ix.names == nil {
		ix.names = make([]*Prepared, len(ix.entries))
	}
	if ix.names[i] == nil {
		p := *ix.prepared[i]
		p.dobs, p.countries, p.addrs, p.korean = nil, nil, nil, false
		ix.names[i] = &p
	}
	return ix.names[i]
}

func newBlockIndex(entries []listEntry) *blockIndex {
	ix := &blockIndex{entries: entries, post: map[string][]int{}}
	for i, e := range entries {
		p := Prepare(e.Rec)
		ix.prepared = append(ix.prepared, p)
		seen := map[string]bool{}
		for _, n := range append(append([]Name(nil), p.names...), p.weak...) {
			for _, k := range blockingKeys(n) {
				if !seen[k] {
					seen[k] = true
					ix.post[k] = append(ix.post[k], i)
				}
			}
		}
	}
	return ix
}

func blockingKeys(n Name) []string {
	keys := n.BlockKeys()
	for _, t := range n.Tokens {
		for _, f := range tokenForms(&t) {
			if t.Kind == TokenWord && len(f) >= 4 {
				keys = append(keys, "p3:"+f[:3])
			}
		}
	}
	return keys
}

// candidates returns the entries sharing a key with any name of p.
func (ix *blockIndex) candidates(p *Prepared) []int {
	seen := map[int]bool{}
	var out []int
	for _, n := range append(append([]Name(nil), p.names...), p.weak...) {
		for _, k := range blockingKeys(n) {
			for _, i := range ix.post[k] {
				if !seen[i] {
					seen[i] = true
					out = append(out, i)
				}
			}
		}
	}
	return out
}
