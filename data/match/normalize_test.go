package match

import (
	"strings"
	"testing"
)

func kinds(n Name) string {
	var b strings.Builder
	for i, t := range n.Tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text + ":" + t.Kind.String())
	}
	return b.String()
}

func TestNormalizeName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"THE AARONS COMPANY, LLC", "the:stopword aarons:word company:generic llc:legal-form"},
		{"A & B SUPPLY", "ab:word supply:generic"},
		{"A AND B SUPPLY", "ab:word supply:generic"},
		{"A&B SUPPLY", "ab:word supply:generic"},
		{"A-B-C Company", "abc:word company:generic"},
		{"J.P. Morgan", "jp:word morgan:word"},
		{"AT&T Inc.", "att:word inc:legal-form"},
		{"O'Brien", "obrien:word"},
		{"John F. Kennedy", "john:word f:initial kennedy:word"},
		{"11420 CORP.", "11420:number corp:generic"},
		{"PE Fund No. 2", "pe:word fund:word no:stopword 2:number"},
		{"Müller GmbH", "muller:word gmbh:legal-form"},
		{"ＡＣＭＥ　Ｌｔｄ", "acme:word ltd:legal-form"},            // full width
		{"сompany Нолдинг", "company:generic нолдинг:word"}, // Cyrillic с folded into the Latin word
		{"ОБЩEСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «ЦСТ»", "общество с ограниченной ответственностью:legal-form цст:word"}, // Latin E in a Cyrillic word
		{"ACME LTD LTD LTD", "acme:word ltd:legal-form"}, // repeated tokens counted once
		{"KOREA KWANGSON BANKING CORP", "korea:location kwangson:word banking:word corp:generic"},
		{"SHANGHAI DONGFENG SHPG CO LTD", "shanghai:location dongfeng:word shpg:word co ltd:legal-form"},
		{"LEADER (HONG KONG) INTERNATIONAL", "leader:word hong kong:location international:generic"},
		{"华为技术有限公司", "华为:word 技术:generic 有限公司:legal-form"},
		{"김정은", "김:word 정은:word"},
		{"", ""},
	} {
		if got := kinds(NormalizeName(c.in)); got != c.want {
			t.Errorf("NormalizeName(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	n := NormalizeName("LEADER (HONG KONG) INTERNATIONAL")
	if !n.Tokens[1].Paren {
		t.Errorf("parenthesised token not marked: %+v", n.Tokens[1])
	}
	n = NormalizeName("PUTIN, Vladimir")
	if !n.Tokens[0].Surname || n.Tokens[1].Surname {
		t.Errorf("inverted name: surname flags %v", n.Tokens)
	}
	n = NormalizeName("Путин")
	if n.Script != ScriptCyrillic || len(n.Tokens[0].Latin) < 2 || n.Tokens[0].Latin[0] != "putin" {
		t.Errorf("Cyrillic token: %+v", n.Tokens[0])
	}
	n = NormalizeName("华为")
	if !n.Tokens[0].Weak {
		t.Errorf("Han pinyin not weak: %+v", n.Tokens[0])
	}
}

// TestVendorKey: the grouping cases of the CSV importers.
func TestVendorKey(t *testing.T) {
	same := [][2]string{
		{"AARONS COMPANY LLC THE", "THE AARONS COMPANY, LLC"},
		{"A & B SUPPLY", "A AND B SUPPLY"},
		{"A&B SUPPLY", "A-B SUPPLY"},
		{"ACME SUPPLIES INC", "ACME SUPPLY INC."},
		{"ARIZONA PUBLIC SERVICE CO", "ARIZONA PUBLIC SERVICE COMPANY"},
		{"A FOREIGN LANGUAGE SERVICE CORP", "A FOREIGN LANGUAGE SERVICES CORPORATION"},
		{"ABSOLUTE INK PROMOTIONAL PRODUCTS I", "ABSOLUTE INK PROMOTIONAL PRODUCTS INC"},
		{"ACME INTL LTD", "Acme International Limited"},
		{"Müller Bau GmbH", "MULLER BAU GMBH"},
		{"O'REILLY AUTO PARTS", "OREILLY AUTO PARTS"},
		{"AT&T MOBILITY", "AT & T Mobility"},
		{"20-20 TECHNOLOGIES", "20/20 Technologies"},
	}
	for _, p := range same {
		ka, _ := VendorKey(p[0])
		kb, _ := VendorKey(p[1])
		if ka != kb {
			t.Errorf("VendorKey(%q) = %q, VendorKey(%q) = %q; want equal", p[0], ka, p[1], kb)
		}
	}
	different := [][2]string{
		{"A & B SUPPLY", "A & C SUPPLY"},
		{"3M COMPANY", "4M COMPANY"},
		{"ACME SUPPLY", "ACME SERVICE"},
		{"PHASE 1 CONSTRUCTION", "PHASE 2 CONSTRUCTION"},
		{"ABSOLUTE INK PROMOTIONAL PRODUCT", "ABSOLUTE INK PROMOTIONAL"},
		{"20-20 TECHNOLOGIES", "20 TECHNOLOGIES"},
		{"JOHNSON & JOHNSON", "JOHNSON"},
		{"AT&T MOBILITY", "T MOBILITY"},
	}
	for _, p := range different {
		ka, _ := VendorKey(p[0])
		kb, _ := VendorKey(p[1])
		if ka == kb {
			t.Errorf("VendorKey(%q) = VendorKey(%q) = %q; want different", p[0], p[1], ka)
		}
	}
	for _, c := range []struct{ in, key, lf string }{
		{"AARONS COMPANY LLC THE", "AARON COMPANY", "LLC"},
		{"3M COMPANY", "3M COMPANY", ""},
		{"ООО «Ромашка»", "РОМАШКА", "ООО"},
		{"Siemens AG", "SIEMEN", "AG"},
		{"LLC", "LLC", ""},
	} {
		k, lf := VendorKey(c.in)
		if k != c.key || lf != c.lf {
			t.Errorf("VendorKey(%q) = %q, %q; want %q, %q", c.in, k, lf, c.key, c.lf)
		}
	}
}

func TestVendorKeysTruncation(t *testing.T) {
	names := []string{
		"ABSOLUTE INK PROMOTIONAL PRODUCTS I",     // 35 characters: cut
		"ABSOLUTE INK PROMOTIONAL PRODUCTS INC",   //
		"ARIZONA COMMERCIAL TRUCK AND EQUIPM",     // cut inside a word
		"ARIZONA COMMERCIAL TRUCK AND EQUIPMENT",  // the only longer name it begins
		"AMERICAN ASSOCIATION OF STATE HIGHW",     // cut; two longer names begin with it
		"AMERICAN ASSOCIATION OF STATE HIGHWAY A", //
		"AMERICAN ASSOCIATION OF STATE HIGHWAYS",  //
	}
	keys := VendorKeys(names, TruncatedNameLength)
	if keys[0] != keys[1] {
		t.Errorf("truncated legal form: %q vs %q", keys[0], keys[1])
	}
	if keys[2] != keys[3] {
		t.Errorf("truncated word: %q vs %q", keys[2], keys[3])
	}
	if keys[4] == keys[5] || keys[4] == keys[6] {
		t.Errorf("ambiguous truncation resolved: %q", keys[4])
	}
	if len([]rune(names[2])) != TruncatedNameLength {
		t.Fatalf("test name has %d characters", len([]rune(names[2])))
	}
}

func TestKey(t *testing.T) {
	for _, p := range [][2]string{
		{"Общество с ограниченной ответственностью «Ромашка»", "Romashka OOO"},
		{"YUN HO-JIN", "YUN, Ho-jin"},
		{"THE AARONS COMPANY, LLC", "Aarons Company"},
		{"Acme Corp", "ACME CORPORATION"},
	} {
		if a, b := Key(p[0]), Key(p[1]); a != b {
			t.Errorf("Key(%q) = %q, Key(%q) = %q", p[0], a, p[1], b)
		}
	}
}

func TestBlockKeys(t *testing.T) {
	keys := NormalizeName("Bin Laden").BlockKeys()
	if !containsString(keys, "laden") || !containsString(keys, "binladen") {
		t.Errorf("BlockKeys(Bin Laden) = %q", keys)
	}
	keys = NormalizeName("Путин").BlockKeys()
	if !containsString(keys, "putin") {
		t.Errorf("BlockKeys(Путин) = %q", keys)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestKoreanRomanisation(t *testing.T) {
	for _, c := range []struct{ hangul, rr, mr, dprk string }{
		{"정은", "jeongeun", "chongun", "jongun"},
		{"영호", "yeongho", "yongho", "yongho"},
		{"봉주", "bongju", "pongju", "pongju"},
		{"철", "cheol", "chol", "chol"},
	} {
		if got := romanizeHangul(c.hangul, sysRR); got != c.rr {
			t.Errorf("RR(%s) = %q, want %q", c.hangul, got, c.rr)
		}
		if got := romanizeHangul(c.hangul, sysMR); got != c.mr {
			t.Errorf("MR(%s) = %q, want %q", c.hangul, got, c.mr)
		}
		if got := romanizeHangul(c.hangul, sysDPRK); got != c.dprk {
			t.Errorf("DPRK(%s) = %q, want %q", c.hangul, got, c.dprk)
		}
	}
	for _, g := range [][]string{
		{"ri", "lee", "yi", "rhee", "i"},
		{"pak", "park", "bak"},
		{"choe", "choi"},
		{"jong", "jeong", "chung"},
		{"kim", "gim"},
		{"kang", "gang"},
		{"jo", "cho"},
		{"yun", "yoon"},
		{"jang", "chang"},
		{"o", "oh"},
		{"ryu", "yu"},
		{"ho", "heo"},
	} {
		for _, x := range g[1:] {
			if !sameKoreanSurname(g[0], x) {
				t.Errorf("%s and %s should be one surname", g[0], x)
			}
		}
	}
	if sameKoreanSurname("kim", "park") {
		t.Error("kim = park")
	}
	for _, s := range [][2]string{{"chol", "cheol"}, {"chol", "chul"}, {"jongun", "chongun"}, {"yongho", "yeongho"}} {
		if koreanSkeleton(s[0]) != koreanSkeleton(s[1]) {
			t.Errorf("skeleton(%s) = %s, skeleton(%s) = %s", s[0], koreanSkeleton(s[0]), s[1], koreanSkeleton(s[1]))
		}
	}
	for _, w := range []string{"jongun", "ho", "kyongchol", "pyong", "ri", "lee"} {
		if !parsesAsKorean(w) {
			t.Errorf("%q should parse as romanised Korean", w)
		}
	}
	for _, w := range []string{"vladimir", "smith", "zakharov", "fund"} {
		if parsesAsKorean(w) {
			t.Errorf("%q should not parse as romanised Korean", w)
		}
	}
}
