package indexer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hospital", "hospital"},
		{"Hospital", "hospital"},
		{"O'Brien", "obrien"},
		{"Ševčenko", "sevcenko"},
		{"ÎNTREPRINDERE", "intreprindere"},
		{"Achiziționarea", "achizitionarea"}, // ț with comma below
		{"Achiziţionarea", "achizitionarea"}, // ţ with cedilla
		{"licitación", "licitacion"},
		{"Straße", "strasse"},
		{"Øresund", "oresund"},
		{"Łódź", "lodz"},
		{"ＡＢＣ１２３", "abc123"},  // full width
		{"ﬁnance", "finance"}, // ligature
		{"Шевченко", "шевченко"},
		{"Київ", "киів"},         // ї → і
		{"Йосип", "иосип"},       // й → и
		{"Фёдор", "федор"},       // ё → е
		{"об'єкт", "обєкт"},      // apostrophe
		{"обʼєкт", "обєкт"},      // modifier letter apostrophe
		{"м’ясо", "мясо"},        // typographic apostrophe
		{"ΟΔΥΣΣΕΥΣ", "οδυσσευσ"}, // final sigma folded
		{"醫院", "醫院"},
		{"Հայաստան", "հայաստան"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Transliteration vectors: every spelling of a name in one group must meet
// at one skeleton. The groups mix Cyrillic, the Ukrainian national system
// (KMU 2010), BGN/PCGN, GOST 7.79 B, the scholarly system and ISO 9.
func TestSkeletonVectors(t *testing.T) {
	groups := [][]string{
		{"Шевченко", "Shevchenko", "Ševčenko"},
		{"Степ", "Step"},
		{"Агро", "Agro", "Ahro"},
		{"Київ", "Kyiv", "Kyjiv", "Kyïv"},
		{"Харків", "Kharkiv", "Xarkiv"},
		{"Житомир", "Zhytomyr", "Žytomyr", "Zhitomir"},
		{"Щербина", "Shcherbyna", "Ščerbyna", "Shherbina"},
		{"Юлія", "Yuliia", "Yulia", "Julija", "Iuliia"},
		{"Андрій", "Andrii", "Andriy", "Andrij"},
		{"Євген", "Yevhen", "Ievgen", "Jevhen"},
		{"Олександр", "Oleksandr"},
		{"Цой", "Tsoy", "Coj", "Tsoi"},
		{"Ярослав", "Yaroslav", "Jaroslav", "Iaroslav"},
		{"Дмитрий", "Dmitriy", "Dmitrij", "Dmitrii"},
		{"Ёлкин", "Elkin", "Ëlkin"},
		{"Зайцев", "Zaytsev", "Zajcev", "Zaitsev"},
		{"Чернігів", "Chernihiv", "Černihiv"},
		{"Запоріжжя", "Zaporizhzhia", "Zaporižžja", "Zaporizhzhya"},
	}
	for _, g := range groups {
		want := skeleton(fold(g[0]))
		if want == "" {
			t.Errorf("skeleton(%q) is empty", g[0])
		}
		for _, w := range g[1:] {
			if got := skeleton(fold(w)); got != want {
				t.Errorf("skeleton(%q) = %q, want %q (as %q)", w, got, want, g[0])
			}
		}
	}
	// Different names stay apart.
	apart := [][2]string{{"Шевченко", "Ševčuk"}, {"Kyiv", "Lviv"}, {"Степ", "Стоп"}}
	for _, p := range apart {
		if skeleton(fold(p[0])) == skeleton(fold(p[1])) {
			t.Errorf("skeleton(%q) == skeleton(%q)", p[0], p[1])
		}
	}
	if s := skeleton("醫院"); s != "" {
		t.Errorf("skeleton of CJK = %q, want empty", s)
	}
}

func TestSkeletonIdempotent(t *testing.T) {
	for _, w := range []string{"Шевченко", "Shchedryk", "Zgharta", "Yulia", "Mariia", "Tsvetkov", "Kuchma", "Hospital", "Wschód", "ocds"} {
		s := skeleton(fold(w))
		if s2 := skeleton(s); s2 != s {
			t.Errorf("skeleton(skeleton(%q)) = %q, want %q", w, s2, s)
		}
	}
}

func cutTexts(s string) []string {
	var out []string
	cut(s, func(p piece) {
		if s[p.start:p.end] == "" {
			panic("empty span")
		}
		out = append(out, p.text)
	})
	return out
}

func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"Î.C.S. EYECON MEDICAL S.R.L.", "Î.C.S|EYECON|MEDICAL|S.R.L"},
		{`СТОВ "Степ-Агро"`, "СТОВ|Степ|Агро"},
		{"об'єкт м’ясо", "об'єкт|м’ясо"},
		{"O'Brien's hospital", "O'Brien|hospital"},
		{"1,234.56 EUR", "123456|EUR"},
		{"www.prozorro.gov.ua", "www|prozorro|gov|ua"},
		{"CPV:30200000", "CPV|30200000"},
		{"公立醫院", "公|立|醫|院"},
		{"U.S.A. No.5", "USA|No|5"},
		{"3.5mm", "3|5mm"},
	}
	for _, tt := range tests {
		got := strings.Join(cutTexts(tt.in), "|")
		// Joined abbreviations come back without their dots.
		want := strings.NewReplacer("Î.C.S", "ÎCS", "S.R.L", "SRL").Replace(tt.want)
		if got != want {
			t.Errorf("cut(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

func TestStemSpanish(t *testing.T) {
	for _, g := range [][]string{{"contratos", "contrato", "contrata"}, {"licitaciones", "licitacion"}, {"servicios", "servicio"}, {"luces", "luz"}} {
		want := stemSpanish(fold(g[0]))
		for _, w := range g[1:] {
			if got := stemSpanish(fold(w)); got != want {
				t.Errorf("stemSpanish(%q) = %q, want %q", w, got, want)
			}
		}
	}
}

func TestQueryViewsMeetDocumentForms(t *testing.T) {
	// A query word must find a document word when both are forms of the
	// same word in the document's language.
	tests := []struct {
		lang       langID
		doc, query string
		skel       bool
	}{
		{langSpanish, "contrato", "contratos", false},
		{langSpanish, "licitaciones", "licitación", false},
		{langEnglish, "hospitals", "hospital", false},
		{langEnglish, "supplies", "supply", false},
		{langRussian, "больницы", "больница", false},
		{langRomanian, "spitalul", "spitalului", false},
		{langUkrainian, "Шевченко", "Shevchenko", true},
		{langGeneric, "Ševčenko", "Shevchenko", true},
		{langUkrainian, "Агро", "agro", true},
	}
	for _, tt := range tests {
		f := fold(tt.doc)
		forms := []string{stem(tt.lang, tt.doc, f)}
		if tt.skel {
			forms = append(forms, skeleton(f))
		}
		alts := alternatives(views(tt.query))
		found := false
		for _, a := range alts {
			for _, d := range forms {
				if a == d {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("query %q (%v) does not meet document word %q (%v)", tt.query, alts, tt.doc, forms)
		}
	}
}

// TestCutFastPathSameAsSegmenter: cut's shortcut for plain ASCII words must
// give exactly the pieces (text, span, kind) that running the UAX #29
// segmenter over the whole text gives, whatever surrounds those words.
func TestCutFastPathSameAsSegmenter(t *testing.T) {
	frags := []string{"abc", "ABC123", "42", "x", " ", "  ", "\t", "\n", "\r\n", "\x00", "\x7f", "\v",
		".", ",", ";", ":", "'", "’", "'s", "_", "-", "/", "@", "#", "(", ")", "\"", "«", "»",
		"é", "e\u0301", "\u0301", "\u200d", "\u00ad", "\u200b", "\u00a0", "\u3000", "\u2060",
		"СТОВ", "об'єкт", "公立", "ア", "ｶﾀ", "😀", "👩\u200d💻", "🇺🇦", "1,234.56", "3.5mm", "S.R.L.", "U.S.A.", "No.5",
		"www.prozorro.gov.ua", "O'Brien's", "Ševčenko", "ﬁ", "١٢٣", "hospital", "Hospital"}
	same := func(s string) { checkCutSameAsSegmenter(t, s) }
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(frags[rng.IntN(len(frags))])
		}
		same(b.String())
	}
	for _, s := range []string{"", " ", "abc", " abc ", "abc def", "Supply of road maintenance services for the city of Kyiv, 2024 (lot 3)",
		"Постачання 3.5 т палива", "公立醫院 supply 2024"} {
		same(s)
	}
}

func FuzzCutFastPath(f *testing.F) {
	f.Add("Î.C.S. EYECON MEDICAL S.R.L.")
	f.Add("abc \u0301def")
	f.Fuzz(checkCutSameAsSegmenter)
}

// checkCutSameAsSegmenter fails t unless cut gives exactly the pieces of
// the segmenter run over the whole of s.
func checkCutSameAsSegmenter(t *testing.T, s string) {
	t.Helper()
	var fast, full []piece
	cut(s, func(p piece) { fast = append(fast, p) })
	segmentWords(s, 0, func(p piece) { full = append(full, p) })
	if !slices.Equal(fast, full) {
		t.Fatalf("cut(%q):\n fast %+v\n full %+v", s, fast, full)
	}
}

// TestStemCache: cached stems equal the stemmers' own, first and second
// time, from several goroutines at once, and a word that shares its slot
// with another is never given the other's stem.
func TestStemCache(t *testing.T) {
	words := []struct {
		l    langID
		w, f string
	}{
		{langEnglish, "Hospitals", "hospitals"}, {langEnglish, "running", "running"}, {langEnglish, "x1", "x1"},
		{langRomanian, "Spitalele", "spitalele"}, {langRomanian, "școlilor", "scolilor"},
		{langRussian, "Поставки", "поставки"}, {langRussian, "road", "road"},
	}
	for i := range 3000 { // more words than slots, so slots are shared
		w := fmt.Sprintf("supplies%dconnections", i)
		words = append(words, struct {
			l    langID
			w, f string
		}{langEnglish, w, w})
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for pass := range 2 {
				for _, x := range words {
					if got, want := stem(x.l, x.w, x.f), stemWord(x.l, x.w, x.f); got != want {
						t.Errorf("pass %d: stem(%d, %q) = %q, want %q", pass, x.l, x.w, got, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
