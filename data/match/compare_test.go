package match

import (
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

func names(n ...string) Record { return Record{Names: n} }

// TestCompareNames covers the documented pitfalls of name matching and the
// cross-format cases Tenderlens must handle.
func TestCompareNames(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		match bool
		why   string
	}{
		// Same entity written differently.
		{"YUN HO-JIN", "YUN, Ho-jin", true, "UN vs OFAC format"},
		{"KIM JONG UN", "Kim Jong-un", true, "hyphenated syllables"},
		{"Kim Jongun", "KIM, Jong Un", true, "joined syllables"},
		{"김정은", "KIM, Jong Un", true, "Hangul vs DPRK spelling"},
		{"Ri Yong Ho", "Lee Yong Ho", true, "Korean surname Ri/Lee"},
		{"Pak Pong Ju", "Park Bong Ju", true, "Pak/Park, Pong/Bong"},
		{"Choe Ryong Hae", "Choi Ryong Hae", true, "Choe/Choi"},
		{"Ri Pyong Chol", "RI PYONG CHUL", true, "Chol/Chul"},
		{"Владимир Путин", "PUTIN, Vladimir", true, "Cyrillic vs Latin"},
		{"Захаров Александр Вячеславович", "ZAKHAROV, Aleksandr Vyacheslavovich", true, "BGN/PCGN"},
		{"Зеленський Володимир", "ZELENSKYY, Volodymyr", true, "Ukrainian KMU"},
		{"ООО «ЦСТ»", "CST LLC", true, "Cyrillic legal form vs Latin, same generic type"},
		{"THE AARONS COMPANY, LLC", "AARONS COMPANY LLC THE", true, "word order"},
		{"VLADIMR PUTIN", "PUTIN, Vladimir", true, "typo"},
		{"SHANGHAI DONGFENG SHIPPING CO LTD", "SHANGHAI DONGFENG SHPG CO LTD", true, "abbreviation symbol"},
		{"HESONG TRADING COMPANY", "HESONG TRADING CORPORATION", true, "company/corporation"},
		{"ZALA AERO", "ZALA AERO GROUP", true, "extra generic word"},
		{"Siemens AG", "Siemens", true, "legal form weighted, not decisive"},
		{"ACME LTD", "ACME LTD LTD LTD", true, "repeated token"},
		{"AL-QAEDA", "AL QAEDA", true, "hyphen"},
		{"BASHIR UD DIN", "BASHIRUDDIN", true, "split words"},
		{"ALQAEDA", "AL QAEDA", true, "joined words"},
		{"A-B-C Company", "ABC Co.", true, "initials run"},
		{"DAEDONG CREDIT BANK (DCB)", "DAEDONG CREDIT BANK", true, "parenthesised acronym"},
		// Different entities that naive matchers confuse.
		{"EMMA LLC", "emma daniels", false, "legal form alone (watchman#338)"},
		{"The Group", "Alpha Group", false, "generic word alone (watchman#375)"},
		{"INTERNATIONAL HOLDING COMPANY", "GLOBAL HOLDING COMPANY", false, "generic words only"},
		{"11420 CORP.", "11421 CORP.", false, "numbers kept and strong (watchman#483)"},
		{"GOLD STAR 3", "GOLD STAR 5", false, "different numbers"},
		{"A-B-C Company", "X-Y-Z Company", false, "initials are not dropped (nomenklatura#193)"},
		{"KIM JONG UN", "KIM, Jong Man", false, "one given-name syllable differs"},
		{"JO YONG CHOL", "JO, Kyong-Chol", false, "Korean syllables are not fuzzy-matched"},
		{"KOREA KUMSAN TRADING CORPORATION", "KOREA KUMRYONG TRADING CORPORATION", false, "only generic words and places shared"},
		{"PTI", "PUTIN", false, "short name"},
		{"JINDALLAE", "JUNDALLAH", false, "single approximate word"},
		{"PUTIN", "PUTIN, Vladimir", false, "one word of a fuller name"},
		{"沈忠國際海運有限公司", "SHEN ZHONG INTERNATIONAL SHPG", false, "pinyin is weak evidence only"},
		{"ООО «Ромашка»", "ООО «Василёк»", false, "legal form alone, Cyrillic"},
		{"ACME LLC", "ACME LP", false, "different legal form types: possible, not certain"},
	} {
		r := Compare(names(c.a), names(c.b), Options{})
		if r.Match != c.match {
			t.Errorf("%s: Compare(%q, %q) = %.3f match=%v, want %v\n  %v", c.why, c.a, c.b, r.Score, r.Match, c.match, r.Features)
		}
		if len(r.Features) == 0 || r.Features[0].Detail == "" {
			t.Errorf("%s: no explanation", c.why)
		}
	}
}

func TestCompareFeatures(t *testing.T) {
	inn := procure.Identifier{Scheme: "RU-INN", ID: "5920040846"}
	other := procure.Identifier{Scheme: "RU-INN", ID: "1835045074"}
	feature := func(r procure.MatchResult, name string) (procure.MatchFeature, bool) {
		for _, f := range r.Features {
			if f.Feature == name {
				return f, true
			}
		}
		return procure.MatchFeature{}, false
	}

	// Same qualified identifier: a match whatever the names.
	r := Compare(Record{Names: []string{"LLC CST"}, Identifiers: []procure.Identifier{inn}},
		Record{Names: []string{"ООО «Центр специальных технологий»"}, Identifiers: []procure.Identifier{inn}}, Options{})
	if f, ok := feature(r, "identifier"); !ok || f.Score != scoreStrongID || !r.Match {
		t.Errorf("shared INN: %+v", r)
	}
	// Same number in another scheme is not the same identifier.
	r = Compare(Record{Names: []string{"A"}, Identifiers: []procure.Identifier{{Scheme: "UA-EDR", ID: inn.ID}}},
		Record{Names: []string{"B"}, Identifiers: []procure.Identifier{inn}}, Options{})
	if _, ok := feature(r, "identifier"); ok || r.Match {
		t.Errorf("same number, different scheme: %+v", r)
	}
	// Conflicting strong identifiers: penalty.
	r = Compare(Record{Names: []string{"ZALA AERO"}, Identifiers: []procure.Identifier{inn}},
		Record{Names: []string{"ZALA AERO"}, Identifiers: []procure.Identifier{other}}, Options{})
	if f, ok := feature(r, "identifier-conflict"); !ok || f.Score >= 0 || r.Score >= 1 {
		t.Errorf("conflicting INN: %+v", r)
	}
	// Leading zeros of Companies House numbers.
	r = Compare(Record{Names: []string{"X"}, Identifiers: []procure.Identifier{{Scheme: "GB-COH", ID: "1234567"}}},
		Record{Names: []string{"Y"}, Identifiers: []procure.Identifier{{Scheme: "gb-coh", ID: "01234567"}}}, Options{})
	if !r.Match {
		t.Errorf("GB-COH leading zero: %+v", r)
	}
	// Country mismatch.
	r = Compare(Record{Names: []string{"ACME TRADING LTD"}, Countries: []string{"GB"}},
		Record{Names: []string{"ACME TRADING LIMITED"}, Countries: []string{"kp"}}, Options{})
	if f, ok := feature(r, "country"); !ok || f.Score != penaltyCountry {
		t.Errorf("country mismatch: %+v", r)
	}
	// Address bonus.
	r = Compare(Record{Names: []string{"ACME TRADING"}, Addresses: []string{"Suite 401, Potonggang Hotel, Pyongyang"}},
		Record{Names: []string{"ACME TRADING CO"}, Addresses: []string{"Potonggang Hotel, Suite 401, Pyongyang, DPRK"}}, Options{})
	if f, ok := feature(r, "address"); !ok || f.Score != bonusAddress {
		t.Errorf("address: %+v", r)
	}
	// Birth dates: disjoint years cost most; a year apart little.
	p := func(dob string) Record {
		return Record{Kind: procure.EntityPerson, Names: []string{"KIM, Yong Chol"}, BirthDate: dob}
	}
	if r := Compare(p("1950"), p("1964-08-28"), Options{}); r.Match {
		t.Errorf("different birth years still match: %+v", r)
	}
	if r := Compare(p("1969-08-21"), p("1968"), Options{}); !r.Match {
		t.Errorf("birth years one apart: %+v", r)
	}
	if r := Compare(p("1964"), p("1964-08-28;1962"), Options{}); !r.Match || r.Score != 1 {
		t.Errorf("compatible birth dates: %+v", r)
	}
	// Person against company.
	r = Compare(Record{Kind: procure.EntityPerson, Names: []string{"Emma Daniels"}},
		Record{Kind: procure.EntityCompany, Names: []string{"Emma Daniels"}}, Options{})
	if f, ok := feature(r, "kind"); !ok || f.Score != penaltyKind || r.Match {
		t.Errorf("kind mismatch: %+v", r)
	}
	// Weak aliases count less.
	r = Compare(Record{Names: []string{"The Doctor"}}, Record{Names: []string{"Abu Omar"}, WeakNames: []string{"The Doctor"}}, Options{})
	if f, ok := feature(r, "weak-alias"); !ok || f.Score != weakAliasFactor {
		t.Errorf("weak alias: %+v", r)
	}
	// Threshold option.
	r = Compare(names("ZALA AERO"), names("ZALA AERO GROUP"), Options{Threshold: 0.95})
	if r.Match {
		t.Errorf("threshold 0.95 ignored: %+v", r)
	}
	// Qualifiers never apply without a main feature.
	r = Compare(Record{Names: []string{"ALPHA"}, Countries: []string{"US"}}, Record{Names: []string{"OMEGA"}, Countries: []string{"KP"}}, Options{})
	if r.Score != 0 || len(r.Features) != 1 {
		t.Errorf("qualifiers without a main feature: %+v", r)
	}
	// Empty records.
	if r := Compare(Record{}, Record{}, Options{}); r.Match || r.Score != 0 || len(r.Features) == 0 {
		t.Errorf("empty records: %+v", r)
	}
}

func TestExplanationReadable(t *testing.T) {
	r := Compare(names("ZALA AERO"), names("ZALA AERO GROUP"), Options{})
	d := r.Features[0].Detail
	for _, want := range []string{`"ZALA AERO" ~ "ZALA AERO GROUP"`, "zala=zala", "+group (generic, only in the second name)", "→ 0.89"} {
		if !strings.Contains(d, want) {
			t.Errorf("explanation %q lacks %q", d, want)
		}
	}
	r = Compare(names("Ri Yong Ho"), names("Lee Yong Ho"), Options{})
	if !strings.Contains(r.Features[0].Detail, "Korean surname variant") {
		t.Errorf("explanation %q", r.Features[0].Detail)
	}
}

func BenchmarkNormalizeName(b *testing.B) {
	for _, c := range []struct{ script, name string }{
		{"latin", "KOREA MINING DEVELOPMENT TRADING CORPORATION"},
		{"latin-person", "PUTIN, Vladimir Vladimirovich"},
		{"cyrillic", "Общество с ограниченной ответственностью «Центр специальных технологий»"},
		{"hangul", "김정은"},
		{"han", "华为技术有限公司"},
	} {
		b.Run(c.script, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				NormalizeName(c.name)
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	a := Record{Names: []string{"Zakharov Alexander Vyacheslavovich"}, Countries: []string{"RU"}}
	c := Record{Names: []string{"ЗАХАРОВ Александр Вячеславович", "ZAKHAROV, Aleksandr"}, Countries: []string{"RU"}, BirthDate: "1966"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Compare(a, c, Options{})
	}
}

func BenchmarkComparePrepared(b *testing.B) {
	a := Prepare(Record{Names: []string{"KOREA KUMRYONG TRADING CORPORATION"}, Countries: []string{"KP"}})
	c := Prepare(Record{Names: []string{"KOREA MINING DEVELOPMENT TRADING CORPORATION", "CHANGGWANG SINYONG CORPORATION", "KOREA KUMRYONG TRADING COMPANY"}})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ComparePrepared(a, c, Options{})
	}
}

// TestIdentifierConflictIsDecisive: two companies with the same name but
// different numbers in one strong register are different entities.
func TestIdentifierConflictIsDecisive(t *testing.T) {
	a := Record{Kind: procure.EntityCompany, Names: []string{`ООО "ЦСТ"`}, Countries: []string{"RU"},
		Identifiers: []procure.Identifier{{Scheme: "RU-INN", ID: "5920040846"}}}
	b := Record{Kind: procure.EntityCompany, Names: []string{"LLC CST"}, Countries: []string{"RU"},
		Identifiers: []procure.Identifier{{Scheme: "RU-INN", ID: "9715374145"}}}
	r := Compare(a, b, Options{})
	if r.Match || r.Score > idConflictCap {
		t.Fatalf("conflicting INNs matched: %+v", r)
	}
	found := false
	for _, f := range r.Features {
		found = found || f.Feature == "identifier-conflict"
	}
	if !found {
		t.Errorf("no identifier-conflict explanation: %+v", r.Features)
	}
	// The same names without identifiers still match.
	a.Identifiers, b.Identifiers = nil, nil
	if r := Compare(a, b, Options{}); !r.Match {
		t.Errorf("names alone no longer match: %+v", r)
	}
}
