package match

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestLegalFormsCoverRigour measures Tenderlens' hand-made legal-form
// table against rigour's org_types (the reference list; not copied): the
// share of rigour's aliases of the generic company types that our table
// recognises, and how often we give them the same generic type. rigour
// includes many misspellings ("Public Limitted Company") on purpose; we do
// not chase those.
func TestLegalFormsCoverRigour(t *testing.T) {
	p := testenv.SharedData(t, "reference", "rigour", "json", "org_types.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var types []struct {
		Display string   `json:"display"`
		Compare string   `json:"compare"`
		Generic string   `json:"generic"`
		Aliases []string `json:"aliases"`
	}
	if err := json.Unmarshal(data, &types); err != nil {
		t.Fatal(err)
	}
	floors := map[string]float64{"LLC": 0.75, "JSC": 0.75, "LP": 0.85, "LLP": 0.9, "GP": 0.8, "COOP": 0.75, "SP": 0.75}
	type stat struct{ total, found, sameGeneric int }
	stats := map[string]*stat{}
	var missed []string
	for _, ty := range types {
		st := stats[ty.Generic]
		if _, ok := floors[ty.Generic]; !ok {
			continue
		}
		if st == nil {
			st = &stat{}
			stats[ty.Generic] = st
		}
		seen := map[string]bool{}
		for _, a := range append(append([]string{}, ty.Aliases...), ty.Display) {
			k := strings.Join(rawTokens(a), " ")
			if a == "" || seen[k] {
				continue
			}
			seen[k] = true
			st.total++
			if lf, ok := LookupLegalForm(a); ok {
				st.found++
				if lf.Generic == ty.Generic {
					st.sameGeneric++
				}
			} else if testing.Verbose() {
				missed = append(missed, ty.Generic+": "+a)
			}
		}
	}
	var keys []string
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, g := range keys {
		st := stats[g]
		rate := float64(st.found) / float64(st.total)
		agree := float64(st.sameGeneric) / float64(max(st.found, 1))
		t.Logf("%-4s rigour aliases %4d, recognised %4d (%.0f%%), same generic type %.0f%%", g, st.total, st.found, 100*rate, 100*agree)
		if rate < floors[g] {
			t.Errorf("%s: recognised %.0f%% of rigour's aliases, floor %.0f%%", g, 100*rate, 100*floors[g])
		}
		if agree < 0.85 {
			t.Errorf("%s: only %.0f%% of the recognised aliases get rigour's generic type", g, 100*agree)
		}
	}
	if testing.Verbose() {
		t.Logf("not recognised:\n%s", strings.Join(missed, "\n"))
	}
}

func TestLegalFormTagging(t *testing.T) {
	for _, c := range []struct {
		name, display, generic string
	}{
		{"ACME LLC", "LLC", "LLC"},
		{"ACME, L.L.C.", "LLC", "LLC"},
		{"Acme Inc.", "Inc", "LLC"},
		{"ACME CORP LTD", "Co Ltd", "LLC"},
		{"Acme Co., Ltd.", "Co Ltd", "LLC"},
		{"Acme PLC", "PLC", "JSC"},
		{"Acme GmbH", "GmbH", "LLC"},
		{"Acme GmbH & Co. KG", "GmbH & Co KG", "LP"},
		{"Siemens AG", "AG", "JSC"},
		{"Grupo Acme S.A. de C.V.", "SA de CV", "JSC"},
		{"Acme S.R.L.", "SRL", "LLC"},
		{"Acme Sdn. Bhd.", "Sdn Bhd", "LLC"},
		{"Acme Pte. Ltd.", "Pte Ltd", "LLC"},
		{"Acme JSC", "JSC", "JSC"},
		{"PJSC Gazprom", "PJSC", "JSC"},
		{"OJSC Acme", "OJSC", "JSC"},
		{"CJSC Acme", "CJSC", "JSC"},
		{"Acme LLP", "LLP", "LLP"},
		{"ООО «Ромашка»", "ООО", "LLC"},
		{"ТОВ «Ромашка»", "ТОВ", "LLC"},
		{"ПАТ Укрнафта", "ПАТ", "JSC"},
		{"АТ Укрзалізниця", "АТ", "JSC"},
		{"ЗАО Ромашка", "ЗАО", "JSC"},
		{"ОАО Ромашка", "ОАО", "JSC"},
		{"Акционерное общество «Концерн Калашников»", "АО", "JSC"},
		{"华为技术有限公司", "有限公司", "LLC"},
		{"中国石油天然气股份有限公司", "股份有限公司", "JSC"},
		{"トヨタ自動車株式会社", "株式会社", "JSC"},
		{"삼성전자 주식회사", "주식회사", "JSC"},
		{"삼성전자주식회사", "주식회사", "JSC"},
		{"조선무역 유한회사", "유한회사", "LLC"},
		{"PT Bank Mandiri Tbk", "PT", "LLC"},
		{"Acme Sp. z o.o.", "Sp z o.o.", "LLC"},
		{"Acme s.r.o.", "s.r.o.", "LLC"},
		{"Acme Kft.", "Kft.", "LLC"},
		{"Acme A.Ş.", "AS", "JSC"},
		{"Acme B.V.", "BV", "LLC"},
		{"Acme N.V.", "NV", "JSC"},
		{"Acme AB", "AB", "JSC"},
		{"Acme A/S", "AS", "JSC"},
		{"Acme Oy", "Oy", "LLC"},
		{"Acme SARL", "SARL", "LLC"},
		{"Acme S.A.S.", "SAS", "LLC"},
		{"Acme S.p.A.", "SpA", "JSC"},
		{"Acme Ltda.", "Ltda", "LLC"},
		{"Acme Pty Ltd", "Pty Ltd", "LLC"},
		{"Acme FZE", "FZE", "LLC"},
		{"Acme Co-operative", "Co-op", "COOP"},
	} {
		n := NormalizeName(c.name)
		lfs := n.LegalForms()
		if len(lfs) == 0 {
			t.Errorf("%q: no legal form in %v", c.name, n)
			continue
		}
		if lfs[0].Display != c.display || lfs[0].Generic != c.generic {
			t.Errorf("%q: legal form %+v, want %s/%s (%v)", c.name, lfs[0], c.display, c.generic, n)
		}
	}
	// Ambiguous short forms are not legal forms inside or at the start of
	// a name, and a name is never only a legal form.
	for _, name := range []string{"AS YOU LIKE IT", "AG SUPPLY", "SA INTERNATIONAL", "AB SMITH PLUMBING", "LLC", "Limited", "SPA DAY RESORT", "AD SYSTEMS INC"} {
		n := NormalizeName(name)
		for _, t0 := range n.Tokens[:1] {
			if t0.Kind == TokenLegalForm {
				t.Errorf("%q: first token tagged as legal form: %v", name, n)
			}
		}
	}
}
