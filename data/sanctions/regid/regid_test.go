package regid

import (
	"context"
	"strings"
	"testing"
)

func TestCountry(t *testing.T) {
	for in, want := range map[string]string{
		"Russia": "RU", "Korea, North": "KP", "Democratic People's Republic of Korea": "KP", "England And Wales": "GB",
		"United Kingdom": "GB", "gb": "GB", "RUS": "RU", "Burma": "MM", "Region: Crimea": "UA", "Côte d'Ivoire": "CI",
		"Congo, Democratic Republic of the": "CD", "-0-": "", "": "", "Atlantis": "", "XK": "XK", "Russia (Udmurt Republic)": "RU",
	} {
		if got := Country(in); got != want {
			t.Errorf("Country(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestChecksums(t *testing.T) {
	for _, s := range []string{"1111832003018", "1135920001260", "1027700132195"} {
		if !ValidOGRN(s) {
			t.Errorf("ValidOGRN(%s) = false", s)
		}
	}
	for _, s := range []string{"1111832003017", "111183200301", "abc"} {
		if ValidOGRN(s) {
			t.Errorf("ValidOGRN(%s) = true", s)
		}
	}
	for _, s := range []string{"5920040846", "1832090230", "7707083893", "183111242406"} {
		if !ValidINN(s) {
			t.Errorf("ValidINN(%s) = false", s)
		}
	}
	if ValidINN("5920040847") || ValidINN("183111242407") {
		t.Error("bad INN accepted")
	}
	if !ValidLEI("5493001KJTIIGC8Y1R12") || ValidLEI("5493001KJTIIGC8Y1R13") {
		t.Error("LEI check")
	}
	if !ValidIMO("9079092") || ValidIMO("9079093") {
		t.Error("IMO check")
	}
}

func TestQualify(t *testing.T) {
	for _, c := range []struct{ kind, number, country, want string }{
		{"Registration ID", "1111832003018", "Russia", "RU-OGRN-1111832003018"},
		{"Registration ID", "1111832003017", "Russia", "RU-REG-1111832003017"}, // bad check digit: weak
		{"Registration ID", "1111832003018", "", ""},                           // no country: not qualifiable
		{"Tax ID No.", "7707083893", "Russia", "RU-INN-7707083893"},
		{"innCode", "5920040846", "", "RU-INN-5920040846"},
		{"ogrnCode", "1135920001260", "", "RU-OGRN-1135920001260"},
		{"registrationNumber", "6436883", "gb", "GB-COH-06436883"},
		{"UK Company Number", "4218020", "", "GB-COH-04218020"},
		{"GB-COH", "6436883", "", "GB-COH-06436883"},
		{"XI-LEI", "5493001KJTIIGC8Y1R12", "", "XI-LEI-5493001KJTIIGC8Y1R12"},
		{"US-SAM", "M52TNV23BGX4", "", "US-UEI-M52TNV23BGX4"},
		{"SWIFT/BIC", "BKCHCNBJ", "", "XI-BIC-BKCHCNBJ"},
		{"Vessel Registration Identification", "IMO 9079092", "", "XI-IMO-9079092"},
		{"Company Number IMO", "1234567", "", "XI-IMO-COMPANY-1234567"},
		{"Company Number", "27-0746046", "United States", "US-REG-270746046"},
		{"Passport", "717637093", "Russia", ""},
		{"Email Address", "a@b.c", "", ""},
		{"Additional Sanctions Information -", "Subject to Secondary Sanctions", "", ""},
		{"registrationNumber", "HRB 1234", "de", "DE-REG-HRB1234"},
		{"XX-FOO", "12", "", "XX-FOO-12"},
	} {
		res, ok := Qualify(c.kind, c.number, c.country)
		got := ""
		if ok {
			got = res.Qualified()
		}
		if got != c.want {
			t.Errorf("Qualify(%q, %q, %q) = %q (%v); want %q", c.kind, c.number, c.country, got, res.Note, c.want)
		}
	}
	if !Weak("RU-REG") || !Weak("de-tax") || Weak("RU-OGRN") {
		t.Error("Weak")
	}
}

func TestReadJSONRecords(t *testing.T) {
	for name, in := range map[string]string{
		"array": "\xef\xbb\xbf[\n{\"a\":1},\n  {\"a\":2}\n,{\"a\":\n3}]\n",
		"lines": "{\"a\":1}\n{\"a\":2}\n\n{\"a\":\n3}\n",
	} {
		var lines []int
		var raws []string
		err := ReadJSONRecords(context.Background(), strings.NewReader(in), func(r JSONRecord) error {
			lines = append(lines, r.Line)
			raws = append(raws, string(r.Raw))
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := []int{2, 3, 4}
		if name == "lines" {
			want = []int{1, 2, 4}
		}
		if len(lines) != 3 || lines[0] != want[0] || lines[1] != want[1] || lines[2] != want[2] || raws[2] != "{\"a\":\n3}" {
			t.Errorf("%s: lines %v raws %q", name, lines, raws)
		}
	}
	err := ReadJSONRecords(context.Background(), strings.NewReader("[{\"a\":1},\n{\"a\":"), func(JSONRecord) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("truncated: %v", err)
	}
	if err := ReadJSONRecords(context.Background(), strings.NewReader("  \n"), func(JSONRecord) error { return nil }); err != nil {
		t.Errorf("empty: %v", err)
	}
}

func TestBuilder(t *testing.T) {
	b := NewBuilder("x:1", "company")
	b.Name("Acme  Ltd", "alias", "")
	b.Name("ACME LTD", "primary", "")
	b.Name("Acme", "weak", "")
	b.Country("Russia")
	b.Country("RU")
	b.Address(" 1 Street ,")
	e := b.Entity("fallback")
	if e.Name != "Acme Ltd" || len(e.Names) != 2 || e.Names[0].Kind != "primary" || len(e.Countries) != 1 || e.Addresses[0] != "1 Street" {
		t.Errorf("%+v", e)
	}
	if NewBuilder("x:2", "person").Entity("fallback").Name != "fallback" {
		t.Error("fallback name")
	}
}
