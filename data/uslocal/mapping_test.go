package uslocal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

func TestProfilesLoad(t *testing.T) {
	names := Profiles()
	want := []string{"chicago-contractors", "chicago-police-forfeiture", "phoenix-checkbook"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("Profiles() = %v, want %v", names, want)
	}
	for _, n := range names {
		m, err := Profile(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if m.Name != n || m.Title == "" || m.Publisher == "" {
			t.Errorf("%s: name %q title %q publisher %q", n, m.Name, m.Title, m.Publisher)
		}
	}
	if _, err := Profile("nope"); !errors.Is(err, procure.ErrInvalid) || !strings.Contains(err.Error(), "phoenix-checkbook") {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := Profile("../profiles/phoenix-checkbook"); err == nil {
		t.Error("a path was accepted as a profile name")
	}
}

func TestParseMappingErrors(t *testing.T) {
	base := `namespace = "us.xx.town"
dataset = "payments"
[constants]
buyer = "Town"
[columns]
date = "Date"
amount = "Amount"
vendor = "Vendor"
`
	if _, err := ParseMapping([]byte(base), "town"); err != nil {
		t.Fatalf("base mapping: %v", err)
	}
	for name, tc := range map[string]struct{ toml, want string }{
		"unknown key":       {base + "vendr = \"x\"\n", "unknown keys: columns.vendr"},
		"bad namespace":     {strings.Replace(base, "us.xx.town", "US-XX", 1), "namespace"},
		"bad dataset":       {strings.Replace(base, `"payments"`, `"Pay ments"`, 1), "dataset"},
		"no amount":         {strings.Replace(base, `amount = "Amount"`, "", 1), "columns.amount is required"},
		"no date":           {strings.Replace(base, `date = "Date"`, "", 1), "columns.date is required"},
		"no buyer":          {strings.Replace(base, `buyer = "Town"`, "", 1), "buyer"},
		"no payee":          {strings.Replace(base, `vendor = "Vendor"`, "", 1), "payee"},
		"bad currency":      {"currency = \"usd\"\n" + base, "currency"},
		"bad timezone":      {"timezone = \"Mars/Olympus\"\n" + base, "timezone"},
		"bad layout":        {"date_layouts = [\"DD/MM\"]\n" + base, "no year"},
		"bad delimiter":     {"delimiter = \"::\"\n" + base, "delimiter"},
		"bad encoding":      {"encoding = \"ebcdic\"\n" + base, "encoding"},
		"bad individuals":   {base + "[vendor]\nindividuals = \"maybe\"\n", "vendor.individuals"},
		"bad kind":          {"kind = \"contracts\"\n" + base, "kind"},
		"numbers no header": {"no_header = true\n" + base, "numbered"},
		"syntax":            {base + "[columns\n", "expected"},
	} {
		_, err := ParseMapping([]byte(tc.toml), "town")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tc.want)
		}
	}
}

func TestMappingFromOptions(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "my-town.toml")
	os.WriteFile(file, []byte(`namespace = "us.xx.town"
dataset = "payments"
[constants]
buyer = "Town"
[columns]
date = "Date"
amount = "Amount"
vendor = "Vendor"
`), 0o644)
	m, err := MappingFromOptions(map[string]string{"mapping": file})
	if err != nil || m.Name != "my-town" {
		t.Fatalf("mapping file: %v %+v", err, m)
	}
	if m, err := MappingFromOptions(map[string]string{"profile": "phoenix-checkbook"}); err != nil || m.Namespace != "us.az.phoenix" {
		t.Fatalf("profile: %v", err)
	}
	for _, opts := range []map[string]string{
		nil,
		{"profile": "phoenix-checkbook", "mapping": file},
		{"profile": "nope"},
		{"mapping": filepath.Join(dir, "missing.toml")},
		{"mappings": file},
	} {
		if _, err := MappingFromOptions(opts); !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("%v: err = %v, want ErrInvalid", opts, err)
		}
	}
}
