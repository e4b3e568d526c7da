package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/tenderlens/tenderlens/data/procure"
)

func dec(s string) procure.Decimal {
	d, err := procure.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func money(amount, currency string) procure.Money {
	return procure.Money{Amount: dec(amount), Currency: currency}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ref(id, name string) procure.PartyRef { return procure.PartyRef{ID: id, Name: name} }

// fixture is a small hand-made multilingual corpus.
func fixture() []procure.Contract {
	return []procure.Contract{
		{OCID: "ocds-t-01", Language: "en", Title: "Supply of hospital beds",
			Description: "Hospital beds and pressure mattresses for the regional hospital wards.",
			Buyer:       ref("GB-NHS-RR8", "Leeds Teaching Hospitals NHS Trust"), BuyerType: procure.BuyerHealth, Country: "GB",
			Suppliers: []procure.PartyRef{ref("GB-COH-00000001", "Medical Supplies Ltd")},
			Amount:    money("50000", "GBP"), Date: day("2021-03-04"), Method: "open", Category: "goods",
			Classifications: []string{"CPV:33192000-2"}, Items: []string{"Electric hospital bed", "Pressure mattress"}},
		{OCID: "ocds-t-02", Language: "es", Title: "Contrato de servicios de limpieza hospitalaria",
			Description: "Servicios de limpieza para el Hospital Regional de Talca.",
			Buyer:       ref("CL-MINSAL", "Ministerio de Salud"), BuyerType: procure.BuyerHealth, Country: "CL",
			Suppliers: []procure.PartyRef{ref("CL-RUT-7654321", "Limpiezas del Sur S.A.")},
			Amount:    money("12500000", "CLP"), Date: day("2020-01-15"), Method: "selective", Category: "services"},
		{OCID: "ocds-t-03", Language: "uk", Title: "Закупівля зерна пшениці",
			Description: "Поставка пшениці для державних потреб.",
			Buyer:       ref("UA-EDR-00000001", "Відділ освіти Шевченківської районної ради"), BuyerType: procure.BuyerEducation, Country: "UA",
			Suppliers: []procure.PartyRef{ref("UA-EDR-32855961", `СТОВ "Степ-Агро"`)},
			Amount:    money("250000", "UAH"), Date: day("2019-07-01"), Method: "open", Category: "goods"},
		{OCID: "ocds-t-04", Language: "zh", Title: "臺北市立聯合醫院醫療設備採購案",
			Description: "本案採購醫療設備一批。",
			Buyer:       ref("TW-PCC-3.80.21", "臺北市立聯合醫院"), BuyerType: procure.BuyerHealth, Country: "TW",
			Suppliers: []procure.PartyRef{ref("TW-BAN-11111111", "大同股份有限公司")},
			Amount:    money("3000000", "TWD"), Date: day("2022-05-10"), Method: "open", Category: "goods"},
		{OCID: "ocds-t-05", Language: "ro", Title: "Achiziționarea dispozitivelor medicale",
			Description: "Dispozitive medicale pentru spitalul raional.",
			Buyer:       ref("MD-CNS", "Centrul Național de Sănătate"), BuyerType: procure.BuyerHealth, Country: "MD",
			Suppliers: []procure.PartyRef{ref("MD-IDNO-1003600000000", "Î.C.S. EYECON MEDICAL S.R.L.")},
			Amount:    money("80000", "MDL"), Date: day("2021-11-30"), Method: "open", Category: "goods"},
		{OCID: "ocds-t-06", Language: "en", Title: "Police patrol vehicles",
			Description: "Twelve patrol vehicles with emergency lighting.",
			Buyer:       ref("US-CHI-PD", "Chicago Police Department"), BuyerType: procure.BuyerPolice, Country: "US",
			Suppliers: []procure.PartyRef{ref("US-EIN-38-0549190", "Ford Motor Company")},
			Amount:    money("1200000", "USD"), Date: day("2018-02-01"), Method: "limited", Category: "goods"},
		{OCID: "ocds-t-07", Language: "uk", Title: "Послуги з ремонту доріг",
			Description: "Поточний ремонт доріг. Виконавець: Шевченко О. І. <script>alert(1)</script>",
			Buyer:       ref("UA-EDR-00000002", "Київська міська рада"), BuyerType: procure.BuyerOther, Country: "UA",
			Suppliers: []procure.PartyRef{ref("UA-EDR-2222222222", "ФОП Шевченко Олександр Іванович")},
			Amount:    money("99999.99", "UAH"), Date: day("2020-06-01"), Method: "open", Category: "works"},
		{OCID: "ocds-t-08", Language: "es", Title: "Adquisición de medicamentos",
			Description: "Compra consolidada mediante contratos marco vigentes.",
			Buyer:       ref("MX-SSJ", "Secretaría de Salud de Jalisco"), BuyerType: procure.BuyerHealth, Country: "MX",
			Suppliers: []procure.PartyRef{ref("MX-RFC-FGU830930PD3", "Farmacias Guadalajara S.A. de C.V.")},
			Amount:    money("45000", "MXN"), Date: day("2017-09-09"), Method: "direct", Category: "goods"},
		{OCID: "ocds-t-09", Language: "en", Title: "Framework agreement for legal services",
			Buyer: ref("GB-GOR-MOJ", "Ministry of Justice"), BuyerType: procure.BuyerOther, Country: "GB",
			Suppliers: []procure.PartyRef{ref("GB-COH-00000002", "Smith & Partners LLP")}},
		{OCID: "ocds-t-10", Language: "ru", Title: "Поставка медицинского оборудования для больницы",
			Description: "Оборудование для городской больницы.",
			Buyer:       ref("UA-EDR-00000003", "Киевская городская больница №1"), BuyerType: procure.BuyerHealth, Country: "UA",
			Suppliers: []procure.PartyRef{ref("UA-EDR-33333333", "ООО «Медтехника»")},
			Amount:    money("500000", "UAH"), Date: day("2023-01-01"), Method: "open", Category: "goods"},
		{OCID: "ocds-t-11", Language: "en", Title: "Hospital catering services",
			Description: "Patient meals. The previous tender was cancelled.",
			Buyer:       ref("GB-NHS-RR8", "Leeds Teaching Hospitals NHS Trust"), BuyerType: procure.BuyerHealth, Country: "GB",
			Suppliers: []procure.PartyRef{ref("GB-COH-00000003", "Catering Partners Ltd")},
			Amount:    money("50000", "GBP"), Date: day("2021-03-04"), Method: "open", Category: "services"},
		{OCID: "ocds-t-12", Language: "es", Title: "Mantenimiento de equipos",
			Description: "Convenio con el Ministerio de Salud para mantenimiento de equipos médicos.",
			Buyer:       ref("PY-DNCP-1", "Hospital de Clínicas"), BuyerType: procure.BuyerHealth, Country: "PY",
			Suppliers: []procure.PartyRef{ref("PY-RUC-800", "Data Lab S.A.")},
			Amount:    money("10000", "PYG"), Date: day("2019-12-31"), Method: "open", Category: "services"},
	}
}

func openTest(t testing.TB, cs []procure.Contract) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Config{Dir: t.TempDir(), BoltTimeout: 2 * time.Second, Contracts: contractsOf(cs...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if len(cs) > 0 {
		if err := storeAndIndex(context.Background(), ix, cs); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

func ocids(res procure.SearchResults) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.OCID
	}
	return out
}

func ids(nums ...int) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = fmt.Sprintf("ocds-t-%02d", n)
	}
	sort.Strings(out)
	return out
}

func TestSearchMultilingual(t *testing.T) {
	ix := openTest(t, fixture())
	tests := []struct {
		q    string
		want []string
	}{
		{"hospital", ids(1, 2, 11, 12)},
		{"hospitals", ids(1, 11)}, // English plural: English documents
		{"HOSPITAL BEDS", ids(1)},
		{`"hospital beds"`, ids(1)},
		{`"beds hospital"`, nil},
		{"contratos", ids(2, 8)},
		{"contrato", ids(2, 8)},
		{"limpieza", ids(2)},
		{"step-agro", ids(3)},
		{"Step Agro", ids(3)},
		{"stepagro", nil},
		{"Степ-Агро", ids(3)},
		{`supplier:"step agro"`, ids(3)},
		{"Shevchenko", ids(7)},
		{"Ševčenko", ids(7)},
		{"Шевченко", ids(7)},
		{"zerna", ids(3)}, // a Latin query finds a Cyrillic title
		{"пшениці", ids(3)},
		{"醫院", ids(4)},
		{"醫療設備", ids(4)},
		{"設備", ids(4)},
		{"ics eyecon", ids(5)},
		{"eyecon medical", ids(5)},
		{"Î.C.S.", ids(5)},
		{"medicale", ids(1, 5, 12)}, // Romanian, and its stems in English (medical) and Spanish (médicos)
		{`"ministerio de salud"`, ids(2, 12)},
		{"ministerio salud", ids(2, 12)},
		{"medical -eyecon", ids(1, 12)},
		{"hospital -cancelled", ids(1, 2, 12)},
		{"beds OR больницы", ids(1, 10)},
		{"(beds mattresses) OR vehicles", ids(1, 6)},
		{"hosp*", ids(1, 2, 11, 12)},
		{"больниц*", ids(10)},
		{"32855961", ids(3)},
		{"ocds-t-03", ids(3)},
		{"ocid:ocds-t-03", ids(3)},
		{"ocid:ocds-t-1*", ids(10, 11, 12)},
		{"buyer:CL-MINSAL", ids(2)},
		{"buyer:cl-minsal", ids(2)},
		{"buyer:ministerio", ids(2)},
		{"buyer:minist*", ids(2, 9)},
		{"supplier:eyecon", ids(5)},
		{"title:hospital", ids(1, 11)},
		{`title:"hospital beds"`, ids(1)},
		{"country:ua", ids(3, 7, 10)},
		{"year:2021", ids(1, 5, 11)},
		{"currency:gbp", ids(1, 11)},
		{"method:limited", ids(6)},
		{"category:works", ids(7)},
		{"buyer_type:police", ids(6)},
		{"cpv:33192000", ids(1)},
		{"cpv:33192000-2", ids(1)},
		{"cpv:331*", ids(1)},
		{"de", nil}, // a stop word where it is one; searched literally elsewhere
		{"the hospital", ids(1, 2, 11, 12)},
		{"nothingmatchesthis", nil},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), procure.SearchRequest{Q: tt.q, Limit: 100})
		if err != nil {
			t.Errorf("Search(%q): %v", tt.q, err)
			continue
		}
		got := ocids(res)
		sort.Strings(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
		if res.Total != len(tt.want) || !res.TotalExact {
			t.Errorf("Search(%q) total = %d (exact %v), want %d", tt.q, res.Total, res.TotalExact, len(tt.want))
		}
	}
}

func TestSearchRefusals(t *testing.T) {
	ix := openTest(t, fixture())
	for _, q := range []string{"*pital", "/.*/", "ho?pital", strings.Repeat("x", 600), "foo:bar"} {
		start := time.Now()
		_, err := ix.Search(context.Background(), procure.SearchRequest{Q: q})
		var qe *procure.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Search(%q) = %v, want a QueryError", short(q), err)
		}
		if d := time.Since(start); d > 5*time.Millisecond {
			t.Errorf("Search(%q) refused in %s", short(q), d)
		}
	}
	bad := []procure.SearchRequest{
		{Limit: 101}, {Limit: -1}, {Sort: "price"}, {Cursor: "garbage"},
		{DateFrom: day("2021-01-01"), DateTo: day("2020-01-01")},
		{MinAmount: ptr(dec("10")), MaxAmount: ptr(dec("5"))},
	}
	for _, req := range bad {
		if _, err := ix.Search(context.Background(), req); !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("Search(%+v) = %v, want ErrInvalid", req, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestSearchFilters(t *testing.T) {
	ix := openTest(t, fixture())
	tests := []struct {
		name string
		req  procure.SearchRequest
		want []string
	}{
		{"buyer", procure.SearchRequest{Buyer: []string{"GB-NHS-RR8"}}, ids(1, 11)},
		{"buyer with query", procure.SearchRequest{Q: "beds", Buyer: []string{"GB-NHS-RR8"}}, ids(1)},
		{"two buyers", procure.SearchRequest{Buyer: []string{"GB-NHS-RR8", "CL-MINSAL"}}, ids(1, 2, 11)},
		{"supplier", procure.SearchRequest{Supplier: []string{"UA-EDR-32855961"}}, ids(3)},
		{"buyer type", procure.SearchRequest{BuyerType: []procure.BuyerType{procure.BuyerPolice, procure.BuyerEducation}}, ids(3, 6)},
		{"country", procure.SearchRequest{Country: []string{"ua"}}, ids(3, 7, 10)},
		{"year", procure.SearchRequest{Year: []int{2019, 2020}}, ids(2, 3, 7, 12)},
		{"currency", procure.SearchRequest{Currency: []string{"UAH"}}, ids(3, 7, 10)},
		{"method", procure.SearchRequest{Method: []string{"Open"}, Country: []string{"UA"}}, ids(3, 7, 10)},
		{"category", procure.SearchRequest{Category: []string{"services"}}, ids(2, 11, 12)},
		{"date from (inclusive)", procure.SearchRequest{DateFrom: day("2021-11-30")}, ids(4, 5, 10)},
		{"date to (exclusive)", procure.SearchRequest{DateTo: day("2019-07-01")}, ids(6, 8)},
		{"date to inside a day keeps it", procure.SearchRequest{DateTo: day("2019-07-01").Add(time.Hour)}, ids(3, 6, 8)},
		{"date range", procure.SearchRequest{DateFrom: day("2019-12-31"), DateTo: day("2021-03-05")}, ids(1, 2, 7, 11, 12)},
		{"date range over years", procure.SearchRequest{DateFrom: day("2017-01-01"), DateTo: day("2023-01-01")}, ids(1, 2, 3, 4, 5, 6, 7, 8, 11, 12)},
		{"min amount (inclusive, exact)", procure.SearchRequest{MinAmount: ptr(dec("99999.99")), Currency: []string{"UAH"}}, ids(3, 7, 10)},
		{"min amount above", procure.SearchRequest{MinAmount: ptr(dec("99999.991")), Currency: []string{"UAH"}}, ids(3, 10)},
		{"max amount (inclusive)", procure.SearchRequest{MaxAmount: ptr(dec("50000"))}, ids(1, 8, 11, 12)},
		{"amount range", procure.SearchRequest{MinAmount: ptr(dec("45000")), MaxAmount: ptr(dec("80000"))}, ids(1, 5, 8, 11)},
		{"all filters", procure.SearchRequest{Q: "hospital", Country: []string{"GB"}, Year: []int{2021}, Currency: []string{"GBP"},
			BuyerType: []procure.BuyerType{procure.BuyerHealth}, MinAmount: ptr(dec("1")), DateFrom: day("2021-01-01")}, ids(1, 11)},
		{"no match", procure.SearchRequest{Country: []string{"ZZ"}}, nil},
	}
	for _, tt := range tests {
		tt.req.Limit = 100
		res, err := ix.Search(context.Background(), tt.req)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := ocids(res)
		sort.Strings(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSearchSorts(t *testing.T) {
	ix := openTest(t, fixture())
	tests := []struct {
		sort string
		q    string
		want []string
	}{
		// Newest first; ties (01 and 11 share a day) by ocid; no date last.
		{"", "", []string{"ocds-t-10", "ocds-t-04", "ocds-t-05", "ocds-t-01", "ocds-t-11", "ocds-t-07", "ocds-t-02", "ocds-t-12", "ocds-t-03", "ocds-t-06", "ocds-t-08", "ocds-t-09"}},
		{procure.SortDateAsc, "", []string{"ocds-t-08", "ocds-t-06", "ocds-t-03", "ocds-t-12", "ocds-t-02", "ocds-t-07", "ocds-t-01", "ocds-t-11", "ocds-t-05", "ocds-t-04", "ocds-t-10", "ocds-t-09"}},
		{procure.SortAmountDesc, "country:gb OR country:ua", []string{"ocds-t-10", "ocds-t-03", "ocds-t-07", "ocds-t-01", "ocds-t-11", "ocds-t-09"}},
		{procure.SortAmountAsc, "country:gb OR country:ua", []string{"ocds-t-01", "ocds-t-11", "ocds-t-07", "ocds-t-03", "ocds-t-10", "ocds-t-09"}},
		{procure.SortRelevance, "", []string{"ocds-t-10", "ocds-t-04", "ocds-t-05", "ocds-t-01", "ocds-t-11", "ocds-t-07", "ocds-t-02", "ocds-t-12", "ocds-t-03", "ocds-t-06", "ocds-t-08", "ocds-t-09"}},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), procure.SearchRequest{Q: tt.q, Sort: tt.sort, Limit: 100})
		if err != nil {
			t.Fatalf("sort %q: %v", tt.sort, err)
		}
		if got := ocids(res); !slices.Equal(got, tt.want) {
			t.Errorf("sort %q q %q:\n got %v\nwant %v", tt.sort, tt.q, got, tt.want)
		}
	}
	// Relevance: a title match ranks above a description-only match.
	res, err := ix.Search(context.Background(), procure.SearchRequest{Q: "hospital"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ocids(res); got[len(got)-1] != "ocds-t-12" && got[len(got)-1] != "ocds-t-02" {
		t.Errorf("relevance order %v: title matches should come first", got)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score {
			t.Errorf("relevance order not by score: %v", res.Hits)
		}
	}
}

func TestSearchHitFields(t *testing.T) {
	ix := openTest(t, fixture())
	res, err := ix.Search(context.Background(), procure.SearchRequest{Q: "ocid:ocds-t-07"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("Search: %v %v", res, err)
	}
	h := res.Hits[0]
	c := fixture()[6]
	if h.Title != c.Title || h.Buyer != c.Buyer || h.BuyerType != c.BuyerType || !slices.Equal(h.Suppliers, c.Suppliers) ||
		h.Amount != c.Amount || !h.Date.Equal(c.Date) || h.Language != "uk" {
		t.Errorf("hit = %+v\nwant from %+v", h, c)
	}
	if h.Amount.Amount.String() != "99999.99" {
		t.Errorf("amount = %s", h.Amount.Amount)
	}
}

func TestHighlights(t *testing.T) {
	ix := openTest(t, fixture())
	tests := []struct {
		q     string
		ocid  string
		marks []string
	}{
		{"hospital", "ocds-t-01", []string{"Hospital", "hospital", "hospital"}},
		{"Shevchenko", "ocds-t-07", []string{"Шевченко"}}, // Cyrillic marked for a Latin query
		{"contratos", "ocds-t-08", []string{"contratos"}},
		{"contrato marco", "ocds-t-08", []string{"contratos", "marco"}},
		{"hosp*", "ocds-t-02", []string{"Hospital"}},
		{"medicale", "ocds-t-05", []string{"medicale"}},
		{"醫療設備", "ocds-t-04", []string{"醫", "療", "設", "備"}},
		{"script", "ocds-t-07", []string{"script", "script"}},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), procure.SearchRequest{Q: tt.q, Highlight: true, Limit: 100})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.q, err)
		}
		var hit *procure.Hit
		for i := range res.Hits {
			if res.Hits[i].OCID == tt.ocid {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Errorf("Search(%q) did not find %s", tt.q, tt.ocid)
			continue
		}
		var marks []string
		var text strings.Builder
		for _, f := range hit.Snippet {
			if f.Mark {
				marks = append(marks, f.Text)
			}
			text.WriteString(f.Text)
		}
		if !slices.Equal(marks, tt.marks) {
			t.Errorf("Search(%q) %s marks = %q, want %q (snippet %+v)", tt.q, tt.ocid, marks, tt.marks, hit.Snippet)
		}
		// Fragments are the source text, cut; nothing is added but ellipses.
		src := snippetSource(&fixture()[ocidIndex(tt.ocid)])
		if plain := strings.Trim(text.String(), "…"); !strings.Contains(src, plain) {
			t.Errorf("snippet %q is not a piece of %q", plain, src)
		}
	}
	// Markup in the data stays text: the fragment with <script> is plain text.
	res, _ := ix.Search(context.Background(), procure.SearchRequest{Q: "ocid:ocds-t-07", Highlight: true})
	found := false
	for _, f := range res.Hits[0].Snippet {
		if strings.Contains(f.Text, "<script>") {
			found = true
		}
	}
	if !found {
		t.Errorf("snippet %+v lost the literal text", res.Hits[0].Snippet)
	}
}

func ocidIndex(ocid string) int {
	for i, c := range fixture() {
		if c.OCID == ocid {
			return i
		}
	}
	return -1
}

func TestSnippetLength(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor sit amet ", 40) + "hospital " + strings.Repeat("consectetur adipiscing elit ", 40)
	h := newHLSet()
	h.words["hospital"] = true
	frags := snippet(long, langEnglish, h)
	var n int
	var marked bool
	for _, f := range frags {
		n += len([]rune(f.Text))
		marked = marked || (f.Mark && f.Text == "hospital")
	}
	if n > SnippetLength+4 || n < SnippetLength/2 || !marked {
		t.Errorf("snippet of %d chars (marked %v): %+v", n, marked, frags)
	}
	if !strings.HasPrefix(frags[0].Text, "…") || !strings.HasSuffix(frags[len(frags)-1].Text, "…") {
		t.Errorf("snippet should start with an ellipsis: %+v", frags)
	}
	if got := snippet("", langEnglish, h); got != nil {
		t.Errorf("empty source: %+v", got)
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("Hospital beds <b>and</b> mattresses", "hospital")
	f.Add("Шевченко О. І. ремонт", "Shevchenko")
	f.Add("臺北市立聯合醫院醫療設備", "醫院")
	f.Fuzz(func(t *testing.T, text, q string) {
		pq, err := ParseQuery(q)
		if err != nil {
			return
		}
		c := newCompiler(nil)
		if _, err := c.compile(pq); err != nil {
			return
		}
		var b strings.Builder
		for _, fr := range snippet(text, langGeneric, c.hl) {
			if fr.Text == "" {
				t.Fatalf("empty fragment")
			}
			b.WriteString(fr.Text)
		}
		plain := strings.TrimSuffix(strings.TrimPrefix(b.String(), "…"), "…")
		if !strings.Contains(strings.ToValidUTF8(text, "\uFFFD"), plain) {
			t.Fatalf("snippet %q not a piece of %q", plain, text)
		}
	})
}

// Words that are stop words only in some languages ("face" and "care" in
// Romanian, "de" in Spanish) stay required in the documents of every
// other language: "face recognition" must not turn into "recognition".
func TestStopWordsOfOtherLanguages(t *testing.T) {
	c := func(n int, lang, title string) procure.Contract {
		return procure.Contract{OCID: fmt.Sprintf("ocds-t-%02d", n), Language: lang, Title: title,
			Buyer: ref("B-1", "Some Buyer"), Date: day("2021-03-04")}
	}
	ix := openTest(t, []procure.Contract{
		c(1, "en", "Face recognition software for school entrances"),
		c(2, "en", "Recognition awards; repainting the north face of the building"),
		c(3, "en", "Recognition plaques"),
		c(4, "en", "Social care services for older residents"),
		c(5, "en", "Social housing repairs and day care"),
		c(6, "ro", "Servicii de asistență socială care include transport"),
		c(7, "es", "Servicios de limpieza hospitalaria"),
		c(8, "en", "Servicios de limpieza (cleaning services)"),
		c(9, "en", "Servicios limpieza"),
	})
	tests := []struct {
		q    string
		want []string
	}{
		{`"face recognition"`, ids(1)},
		{`face recognition`, ids(1, 2)},
		{`"social care"`, ids(4, 6)}, // 6: "socială" (stemmed) then "care", a gap in Romanian text
		{`social care`, ids(4, 5, 6)},
		{`"socială care include"`, ids(6)},
		{`"social care include"`, ids(6)},
		{`care`, ids(4, 5)}, // alone, a word is searched literally
		{`"servicios de limpieza"`, ids(7, 8)},
		{`servicios de limpieza`, ids(7, 8)},
		{`"recognition face"`, nil},
		{`recognition -face`, ids(3)},
		{`asistență -care`, ids(6)}, // excluding a word does not exclude the languages that drop it
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), procure.SearchRequest{Q: tt.q, Limit: 100})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.q, err)
		}
		got := ocids(res)
		sort.Strings(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
		if res.Total != len(tt.want) {
			t.Errorf("Search(%q) total = %d, want %d", tt.q, res.Total, len(tt.want))
		}
	}
}

// memContracts is the store's ContractsByOCID over contracts in memory.
type memContracts struct {
	mu sync.Mutex
	m  map[string]procure.Contract
}

func contractsOf(cs ...procure.Contract) *memContracts {
	m := &memContracts{m: map[string]procure.Contract{}}
	m.put(cs...)
	return m
}

func (m *memContracts) put(cs ...procure.Contract) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range cs {
		m.m[c.OCID] = c
	}
}

func (m *memContracts) ContractsByOCID(_ context.Context, ocids []string) (map[string]procure.Contract, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]procure.Contract, len(ocids))
	for _, id := range ocids {
		if c, ok := m.m[id]; ok {
			out[id] = c
		}
	}
	return out, nil
}

// testStores holds one memContracts per index directory, so that an index
// reopened on the same directory reads the same contracts.
var testStores sync.Map

func testStore(dir string) *memContracts {
	m, _ := testStores.LoadOrStore(dir, contractsOf())
	return m.(*memContracts)
}

// storeAndIndex stores cs where the index reads its hits (as the import
// stores contracts before indexing them) and indexes them.
func storeAndIndex(ctx context.Context, ix *Index, cs []procure.Contract) error {
	if m, ok := ix.cfg.Contracts.(*memContracts); ok {
		m.put(cs...)
	}
	return ix.Index(ctx, cs)
}

// The index stores nothing of a contract: hits are read from the store, so
// they show the store's current version, leave out what the store no
// longer holds, and a search with hits needs a reader.
func TestHitsComeFromTheStore(t *testing.T) {
	ctx := context.Background()
	for _, c := range fixture() {
		doc, err := buildDocument(&c)
		if err != nil {
			t.Fatal(err)
		}
		doc.VisitFields(func(f index.Field) {
			if f.Options().IsStored() {
				t.Errorf("%s: field %s is stored in the index", c.OCID, f.Name())
			}
		})
	}

	ix := openTest(t, fixture())
	mem := ix.cfg.Contracts.(*memContracts)
	want := fixture()[0] // "Supply of hospital beds", 50000 GBP
	res, err := ix.Search(ctx, procure.SearchRequest{Q: "hospital beds", Highlight: true})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].OCID != want.OCID {
		t.Fatalf("search: %v %+v", err, res.Hits)
	}
	h := res.Hits[0]
	if h.Title != want.Title || h.Buyer.Name != want.Buyer.Name || !h.HasAmount || h.Amount.Amount.Cmp(want.Amount.Amount) != 0 ||
		h.Amount.Currency != "GBP" || !h.Date.Equal(want.Date) || len(h.Suppliers) != 1 || h.Language != "en" || h.Score <= 0 {
		t.Errorf("hit %+v, contract %+v", h, want)
	}

	// The store's newer version is what the page shows.
	newer := want
	newer.Title = "Supply of hospital beds (amended)"
	newer.Description = "Amended: forty beds."
	mem.put(newer)
	res, _ = ix.Search(ctx, procure.SearchRequest{Q: "hospital beds", Highlight: true})
	if res.Hits[0].Title != newer.Title || !strings.Contains(fragmentsText(res.Hits[0].Snippet), "forty beds") {
		t.Errorf("hit %q snippet %q, want the store's version", res.Hits[0].Title, fragmentsText(res.Hits[0].Snippet))
	}

	// A contract the store no longer holds is left out of the page.
	mem.mu.Lock()
	delete(mem.m, want.OCID)
	mem.mu.Unlock()
	res, err = ix.Search(ctx, procure.SearchRequest{Q: "hospital beds"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.OCID == want.OCID {
			t.Errorf("a contract missing from the store was shown: %+v", h)
		}
	}

	// Without a reader: a clear error, never empty hits.
	ix.cfg.Contracts = nil
	if _, err := ix.Search(ctx, procure.SearchRequest{Q: "hospital"}); !errors.Is(err, errNoContracts) {
		t.Errorf("search without a contract reader: %v", err)
	}
}

func fragmentsText(fs []procure.Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}
