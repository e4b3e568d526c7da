package uslocal

import (
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in, want, cur string
		comma         bool
	}{
		{in: "4001.92", want: "4001.92"},
		{in: "-316.92", want: "-316.92"},
		{in: "1,381.12", want: "1381.12"},
		{in: "12,320.00", want: "12320.00"},
		{in: "1,234,567.891", want: "1234567.891"},
		{in: "$1,000.00", want: "1000.00"},
		{in: "-$1,000.00", want: "-1000.00"},
		{in: "$-5.00", want: "-5.00"},
		{in: "(12.50)", want: "-12.50"},
		{in: "($12.50)", want: "-12.50"},
		{in: "$(12.50)", want: "-12.50"},
		{in: "12.50-", want: "-12.50"},
		{in: "12.50 CR", want: "-12.50"},
		{in: "\u221212.50", want: "-12.50"},
		{in: "0.01", want: "0.01"},
		{in: "-0.01", want: "-0.01"},
		{in: "  138.18  ", want: "138.18"},
		{in: "9423.8", want: "9423.80"},
		{in: "157300.0", want: "157300.00"},
		{in: ".5", want: "0.50"},
		{in: "12.", want: "12.00"},
		{in: "+7", want: "7.00"},
		{in: "USD 12.00", want: "12.00", cur: "USD"},
		{in: "12.00 USD", want: "12.00", cur: "USD"},
		{in: "€1.234,56", want: "1234.56", cur: "EUR", comma: true},
		{in: "1 234,56", want: "1234.56", comma: true},
		{in: "1'234.50", want: "1234.50"},
		{in: "1.23456", want: "1.2346"}, // rounded half to even at 4 decimals
	} {
		d, cur, err := ParseAmount(tc.in, tc.comma)
		if err != nil {
			t.Errorf("ParseAmount(%q): %v", tc.in, err)
			continue
		}
		if d.String() != tc.want || cur != tc.cur {
			t.Errorf("ParseAmount(%q) = %s %q, want %s %q", tc.in, d, cur, tc.want, tc.cur)
		}
	}
	for _, bad := range []string{"", "$", "abc", "1,38.12", "12,3456.00", "1.234.567", "12 apples", "--", "1e400", "1,2"} {
		if d, _, err := ParseAmount(bad, false); err == nil {
			t.Errorf("ParseAmount(%q) = %s, want an error", bad, d)
		}
	}
}

func TestDateLayouts(t *testing.T) {
	p, err := newDateParser([]string{"M/D/YYYY", "YYYY-MM-DD", "D MMM YYYY", "M/D/YY", "2006.01.02"}, "America/Phoenix")
	if err != nil {
		t.Fatal(err)
	}
	phx, _ := time.LoadLocation("America/Phoenix")
	for in, want := range map[string]time.Time{
		"12/13/2017":  time.Date(2017, 12, 13, 0, 0, 0, 0, phx),
		"6/4/2018":    time.Date(2018, 6, 4, 0, 0, 0, 0, phx),
		"06/04/2018":  time.Date(2018, 6, 4, 0, 0, 0, 0, phx),
		"2018-06-04":  time.Date(2018, 6, 4, 0, 0, 0, 0, phx),
		" 2018-06-04": time.Date(2018, 6, 4, 0, 0, 0, 0, phx),
		"4 Jun 2018":  time.Date(2018, 6, 4, 0, 0, 0, 0, phx),
		"10/31/15":    time.Date(2015, 10, 31, 0, 0, 0, 0, phx),
		"2018.06.04":  time.Date(2018, 6, 4, 0, 0, 0, 0, phx),
	} {
		got, err := p.parse(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"13/13/2017", "2017-12", "yesterday", "2/30/2018", "1/1/1066"} {
		if got, err := p.parse(bad); err == nil {
			t.Errorf("parse(%q) = %v, want an error", bad, got)
		}
	}
	// The defaults read Socrata's exports too.
	d, _ := newDateParser(nil, "")
	for _, in := range []string{"12/13/2017", "12/13/2017 12:00:00 AM", "2017-12-13", "2017-12-13T00:00:00.000", "2017-12-13T00:00:00"} {
		if got, err := d.parse(in); err != nil || got.Format("2006-01-02") != "2017-12-13" {
			t.Errorf("default layouts: parse(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"DD/MM", "YYYY-MM-DD 12"} {
		if _, err := GoLayout(bad); err == nil {
			t.Errorf("GoLayout(%q) accepted", bad)
		}
	}
}
