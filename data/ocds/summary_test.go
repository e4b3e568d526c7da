package ocds

import (
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

func compileFile(t *testing.T, elem ...string) map[string]procure.Compiled {
	t.Helper()
	rels, _, _, err := readAll(t, sharedFile(t, elem...), elem[len(elem)-1])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]procure.Compiled{}
	for ocid, rs := range byOCID(rels) {
		c, err := Compile(ocid, rs)
		if err != nil {
			t.Fatal(err)
		}
		out[ocid] = c
	}
	return out
}

func TestSummaryReal(t *testing.T) {
	ua := compileFile(t, "ua-prozorro", "releases", "ocds-be6bcu-UA-2017-01-31-001299-b-3d6d6c5cb1834b8c99d086a82ed41ada.json")["ocds-be6bcu-UA-2017-01-31-001299-b"].Contract
	if ua.Buyer.ID != "UA-EDR-03071271" || ua.Country != "UA" || ua.Language != "uk" {
		t.Errorf("ua buyer %+v country %q lang %q", ua.Buyer, ua.Country, ua.Language)
	}
	if len(ua.Suppliers) != 1 || ua.Suppliers[0].ID != "UA-EDR-31411114" {
		t.Errorf("ua suppliers %+v (XM-EORI must become UA-EDR)", ua.Suppliers)
	}
	if ua.Amount.Currency != "UAH" || ua.Amount.Amount.String() == "0.00" {
		t.Errorf("ua amount %v", ua.Amount)
	}

	tw := compileFile(t, "tw-pcc", "releases", "ocid-6as3t2-51190195-ocid-6as3t2-51190195.json")["ocid-6as3t2-51190195"].Contract
	if tw.Title != "官田區大崎里大井往暗坑道路改善工程" || tw.Amount.String() != "1250000.00 TWD" || tw.Date.Format("2006-01-02") != "2014-02-18" {
		t.Errorf("tw %q %v %v", tw.Title, tw.Amount, tw.Date)
	}
	if tw.Buyer.ID != "ocid-6as3t2~臺南市官田區公所" || len(tw.Suppliers) != 1 || tw.Suppliers[0].Name != "聯豐土木包工業" {
		t.Errorf("tw parties %+v %+v", tw.Buyer, tw.Suppliers)
	}

	md := compileFile(t, "md-mtender", "releases", "ocds-ngfbwp-17180016-17180016.json")["ocds-ngfbwp-17180016"].Contract
	if md.Language != "ro" || !strings.HasPrefix(md.Buyer.ID, "ocds-ngfbwp~") {
		t.Errorf("md %q %+v", md.Language, md.Buyer)
	}

	apf := compileFile(t, "mx-apf", "record-package.json")
	for _, c := range apf {
		for _, s := range c.Contract.Suppliers {
			if !strings.HasPrefix(s.ID, "MX-RFC-") {
				t.Errorf("mx supplier %+v should have an MX-RFC id", s)
			}
		}
	}

	gb := compileFile(t, "fictional-example", "1.1", "release-package.json")["ocds-213czf-000-00001"]
	k := gb.Contract
	if k.Buyer.ID != "GB-LAC-E09000003" || k.Country != "GB" || k.ReleaseCount != 6 || k.TenderValue.Currency != "GBP" {
		t.Errorf("fictional %+v %q %d %v", k.Buyer, k.Country, k.ReleaseCount, k.TenderValue)
	}
	if len(gb.Changes) == 0 || k.FirstRelease.After(k.LastRelease) {
		t.Errorf("changes %d", len(gb.Changes))
	}
}

func TestSummaryAmounts(t *testing.T) {
	body := `"parties":[{"id":"b","name":"City School District","roles":["buyer"],"address":{"countryName":"United States"}},` +
		`{"id":"s1","name":"Acme","identifier":{"scheme":"gb-coh","id":"1234567"}},{"id":"s2","name":"Beta"}],` +
		`"buyer":{"id":"b","name":"City School District"},` +
		`"awards":[{"id":"1","status":"active","date":"2020-03-01T00:00:00Z","value":{"amount":100.105,"currency":"usd"},"suppliers":[{"id":"s1","name":"Acme"}]},` +
		`{"id":"2","status":"active","date":"2020-02-01T00:00:00Z","value":{"amount":0.2,"currency":"USD"},"suppliers":[{"id":"s2","name":"Beta"}]},` +
		`{"id":"3","status":"cancelled","value":{"amount":999,"currency":"USD"},"suppliers":[{"id":"x","name":"Gamma Ltd"}]},` +
		`{"id":"4","status":"active","value":{"amount":5,"currency":"EUR"},"suppliers":[{"id":"s1"}]},` +
		`{"id":"5","status":"active","value":{"amount":"1e999","currency":"USD"}}]`
	c, err := Compile("ocds-abc123-1", []procure.SourceRelease{rel(t, "a", "2020-01-01T00:00:00Z", body)})
	if err != nil {
		t.Fatal(err)
	}
	k := c.Contract
	// 100.105 + 0.2 USD: EUR is the smaller group, the cancelled award is not
	// counted, and the unreadable 1e999 is left out with a warning.
	if k.Amount.Currency != "USD" || k.Amount.Amount.Units() != 1003050 {
		t.Errorf("amount %v", k.Amount)
	}
	if k.Date.Format("2006-01-02") != "2020-02-01" {
		t.Errorf("date %v (first counted award)", k.Date)
	}
	if k.Country != "US" || k.Buyer.ID != "ocds-abc123~city-school-district" {
		t.Errorf("buyer %+v %q", k.Buyer, k.Country)
	}
	var ids []string
	for _, s := range k.Suppliers {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, ",") != "GB-COH-01234567,ocds-abc123~beta" {
		t.Errorf("suppliers %v", ids)
	}
	if !k.Awards[2].HasValue || k.Awards[2].Counted || k.Awards[4].HasValue {
		t.Errorf("awards %+v", k.Awards)
	}
	if !strings.Contains(codes(c.Problems), CodeAmount) {
		t.Errorf("no amount warning: %v", c.Problems)
	}
}

func TestCountryCodes(t *testing.T) {
	for in, want := range map[string]string{
		"Україна": "UA", " United Kingdom": "GB", "México": "MX", "Republica Moldova": "MD", "Հայաստան": "AM",
		"臺灣": "TW", "台灣": "TW", "Paraguay": "PY", "United States": "US", "usa": "US", "GBR": "GB", "ua": "UA", "Atlantis": "",
	} {
		if got := countryCode(in); got != want {
			t.Errorf("countryCode(%q) = %q, want %q", in, got, want)
		}
	}
	// No folded name may stand for two countries.
	seen := map[string]string{}
	for code, names := range countryTable {
		for _, n := range names {
			f := foldName(n)
			if prev, ok := seen[f]; ok && prev != code {
				t.Errorf("%q is both %s and %s", n, prev, code)
			}
			seen[f] = code
		}
	}
}

func TestPrimaryLanguage(t *testing.T) {
	for in, want := range map[string]string{"en-GB": "en", "md": "ro", "ES": "es", "zh_TW": "zh", "x1": "", "": ""} {
		if got := primaryLanguage(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}
