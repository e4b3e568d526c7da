package indexer

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// realContract makes a Contract from a real (possibly quirky) OCDS release
// file with just enough tolerance for these tests; the real conversion is
// data/ocds's business.
func realContract(t *testing.T, path string) procure.Contract {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if rels, ok := r["releases"].([]any); ok && len(rels) > 0 {
		r, _ = rels[0].(map[string]any)
	}
	str := func(m any, keys ...string) string {
		for _, k := range keys {
			mm, ok := m.(map[string]any)
			if !ok {
				return ""
			}
			m = mm[k]
		}
		s, _ := m.(string)
		return s
	}
	c := procure.Contract{OCID: str(r, "ocid"), Language: str(r, "language"), Title: str(r, "tender", "title"), Description: str(r, "tender", "description")}
	if c.Title == "" {
		c.Title = str(r, "name") // tw-pcc
	}
	name := func(p any) string {
		if n := str(p, "name"); n != "" {
			return n
		}
		return str(p, "identifier", "legalName")
	}
	c.Buyer = procure.PartyRef{ID: "buyer", Name: name(r["buyer"])}
	var walk func(v any)
	walk = func(v any) { // every "suppliers" list anywhere
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "suppliers" {
					if list, ok := x.([]any); ok {
						for _, s := range list {
							c.Suppliers = append(c.Suppliers, procure.PartyRef{ID: str(s, "identifier", "id"), Name: name(s)})
						}
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(r)
	if parties, ok := r["parties"].([]any); ok {
		for _, p := range parties {
			c.Suppliers = append(c.Suppliers, procure.PartyRef{ID: str(p, "id"), Name: name(p)})
		}
	}
	return c
}

func TestRealData(t *testing.T) {
	files := map[string]string{
		"ua": testenv.SharedData(t, "ocds", "ua-prozorro", "releases", "ocds-be6bcu-UA-2017-01-31-001299-b-3d6d6c5cb1834b8c99d086a82ed41ada.json"),
		"md": testenv.SharedData(t, "ocds", "md-mtender", "releases", "ocds-ngfbwp-17180016-17180016.json"),
		"tw": testenv.SharedData(t, "ocds", "tw-pcc", "releases", "ocid-6as3t2-51185810-ocid-6as3t2-51185810.json"),
	}
	var cs []procure.Contract
	ocid := map[string]string{}
	for k, f := range files {
		c := realContract(t, f)
		if c.OCID == "" {
			t.Fatalf("%s: no ocid", f)
		}
		cs = append(cs, c)
		ocid[k] = c.OCID
	}
	ix := openTest(t, cs)
	tests := []struct {
		q    string
		want string
	}{
		{"step-agro", "ua"},
		{"Step Agro", "ua"},
		{"Степ-Агро", "ua"},
		{"хлібобулочні", "ua"},
		{"ics eyecon", "md"},
		{"eyecon medical", "md"},
		{"出生世代", "tw"},
		{"研究", "tw"},
		{"國民健康署", "tw"},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), procure.SearchRequest{Q: tt.q, Highlight: true})
		if err != nil {
			t.Errorf("Search(%q): %v", tt.q, err)
			continue
		}
		if got := ocids(res); !slices.Equal(got, []string{ocid[tt.want]}) {
			t.Errorf("Search(%q) = %v, want [%s]", tt.q, got, ocid[tt.want])
		}
	}
}
