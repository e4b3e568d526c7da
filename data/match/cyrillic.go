package match

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Russian romanisation systems, written by hand from the published
// standards (tests check them against the iuliia sample sentences). Each is
// a letter table plus optional context rules in the iuliia model:
//
//	prev:   key "xy" = letter y after letter x; key "y" = y at word start
//	next:   key "yz" = letter y before letter z
//	ending: a two-letter word ending replaced as a whole
type ruSystem struct {
	name    string
	letters map[rune]string
	prev    map[string]string
	next    map[string]string
	ending  map[string]string

	prevR, nextR map[[2]rune]string // prev/next keyed by rune pairs (0 = word start)
}

// compile builds the rune-pair context tables once.
func (s *ruSystem) compile() *ruSystem {
	conv := func(m map[string]string, start bool) map[[2]rune]string {
		if m == nil {
			return nil
		}
		out := make(map[[2]rune]string, len(m))
		for k, v := range m {
			rs := []rune(k)
			switch {
			case len(rs) == 1 && start:
				out[[2]rune{0, rs[0]}] = v
			case len(rs) == 2:
				out[[2]rune{rs[0], rs[1]}] = v
			}
		}
		return out
	}
	s.prevR, s.nextR = conv(s.prev, true), conv(s.next, false)
	return s
}

// ruBase returns the 33-letter table shared by most systems, with the
// given overrides applied.
func ruBase(over map[rune]string) map[rune]string {
	m := map[rune]string{
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
		'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
		'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
		'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

func ctx(pairs ...string) map[string]string {
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// expand builds context keys for every letter of set followed (or preceded)
// by letter, e.g. expand("аеиоу", "е", "ye", true) = {"ае":"ye", ...}.
func expand(m map[string]string, set string, letter string, out string, before bool) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	for _, r := range set {
		if before {
			m[string(r)+letter] = out
		} else {
			m[letter+string(r)] = out
		}
	}
	return m
}

const ruVowelsSigns = "аеёиоуыэюяйъь" // letters after which BGN/PCGN writes "ye"

// Russian systems. The order is the order of Transliterate's variants.
var (
	// GOST 7.79-2000 system B (ISO 9 with ASCII digraphs), as in passports of
	// some institutions and many registry exports.
	ruGOST779B = &ruSystem{
		name: "GOST 7.79-2000 B",
		letters: ruBase(map[rune]string{'ё': "yo", 'й': "j", 'х': "x", 'ц': "cz", 'щ': "shh",
			'ъ': "``", 'ы': "y`", 'ь': "`", 'э': "e`"}),
		next: ctx("це", "c", "ци", "c", "цй", "c", "цы", "c"),
	}
	// BGN/PCGN 1947 (US and UK governments; the spelling of OFAC and UK lists).
	ruBGNPCGN = func() *ruSystem {
		prev := ctx("е", "ye", "ё", "yё")
		expand(prev, "аеёиоуыэюяйъь", "е", "ye", true)
		expand(prev, "аеёиоуыэюяйъь", "ё", "yё", true)
		expand(prev, "аеёиоуыэюя", "ы", "·y", true)
		expand(prev, "бвгджзклмнпрстфхцчшщ", "э", "·e", true)
		next := ctx("тс", "t·", "шч", "sh·")
		expand(next, "ауыэ", "й", "y·", false)
		expand(next, "ауыэ", "ы", "y·", false)
		return &ruSystem{
			name:    "BGN/PCGN",
			letters: ruBase(map[rune]string{'ё': "ё", 'ъ': "”", 'ь': "’"}),
			prev:    prev, next: next,
		}
	}()
	// ICAO Doc 9303 (Russian international passports since 2013).
	ruICAO = &ruSystem{
		name:    "ICAO Doc 9303",
		letters: ruBase(map[rune]string{'й': "i", 'ъ': "ie", 'ю': "iu", 'я': "ia"}),
	}
	// Scholarly (scientific) transliteration with diacritics; folded to
	// ASCII for matching ("Žukov" → "zukov").
	ruScholarly = &ruSystem{
		name: "scholarly",
		letters: ruBase(map[rune]string{'ё': "ё", 'ж': "ž", 'й': "j", 'х': "x", 'ц': "c", 'ч': "č",
			'ш': "š", 'щ': "šč", 'ъ': "ʺ", 'ь': "ʹ", 'э': "è", 'ю': "ju", 'я': "ja"}),
	}
	// The common press/Wikipedia practice ("Yeltsin", "Zakharov").
	ruWikipedia = func() *ruSystem {
		prev := ctx("е", "ye")
		expand(prev, "аиоуэюяьъ", "е", "ye", true)
		next := map[string]string{}
		expand(next, "аиоуыэ", "ъ", "y", false)
		expand(next, "аиоуыэ", "ь", "y", false)
		return &ruSystem{
			name:    "Wikipedia",
			letters: ruBase(map[rune]string{'ё': "yo"}),
			prev:    prev, next: next,
			ending: ctx("ий", "y", "ый", "y"),
		}
	}()
	// MVD 782-2000 (Russian passports 2000–2010: "Vyacheslavovich").
	ruMVD782 = func() *ruSystem {
		prev := map[string]string{}
		expand(prev, "аеёиоуъыьэюя", "е", "ye", true)
		expand(prev, "бвгдзклмнпрстфхц", "ё", "ye", true)
		expand(prev, "жчшщ", "ё", "e", true)
		prev["ьи"] = "yi"
		next := ctx("ъе", "", "ье", "", "ъё", "", "ьё", "", "ьи", "")
		return &ruSystem{
			name:    "MVD 782-2000",
			letters: ruBase(map[rune]string{'ё': "yo", 'ъ': "'", 'ь': "'"}),
			prev:    prev, next: next,
		}
	}()
	// GOST R 52535.1-2006 (Russian passports 2006–2013: "Iuliia", "tc").
	ruGOST52535 = &ruSystem{
		name:    "GOST R 52535.1-2006",
		letters: ruBase(map[rune]string{'й': "i", 'ц': "tc", 'ю': "iu", 'я': "ia"}),
	}
)

// ruSystems are applied to Russian (and unknown Cyrillic) names.
var ruSystems = func() []*ruSystem {
	all := []*ruSystem{ruBGNPCGN, ruICAO, ruWikipedia, ruGOST779B, ruScholarly, ruMVD782, ruGOST52535}
	for _, s := range all {
		s.compile()
	}
	return all
}()

// translate transliterates text word by word; non-letters pass through.
func (s *ruSystem) translate(text string) string {
	var b strings.Builder
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		s.word(&b, rs[i:j])
		i = j
	}
	return b.String()
}

func (s *ruSystem) word(b *strings.Builder, w []rune) {
	allUpper := len(w) > 1
	for _, r := range w {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			allUpper = false
			break
		}
	}
	if s.ending != nil && len(w) > 2 {
		end := strings.ToLower(string(w[len(w)-2:]))
		if e, ok := s.ending[end]; ok {
			s.translit(b, w[:len(w)-2], allUpper)
			b.WriteString(applyCase(e, unicode.IsUpper(w[len(w)-2]), allUpper))
			return
		}
	}
	s.translit(b, w, allUpper)
}

func (s *ruSystem) translit(b *strings.Builder, w []rune, allUpper bool) {
	for i, r := range w {
		cur := unicode.ToLower(r)
		var prev, next rune
		if i > 0 {
			prev = unicode.ToLower(w[i-1])
		}
		if i+1 < len(w) {
			next = unicode.ToLower(w[i+1])
		}
		out, ok := "", false
		if s.prevR != nil {
			out, ok = s.prevR[[2]rune{prev, cur}]
		}
		if !ok && s.nextR != nil && next != 0 {
			out, ok = s.nextR[[2]rune{cur, next}]
		}
		if !ok {
			out, ok = s.letters[cur]
			if !ok {
				out = string(cur)
			}
		}
		b.WriteString(applyCase(out, unicode.IsUpper(r), allUpper))
	}
}

// applyCase capitalises out when the source letter was upper case (the
// whole output when the word is in capitals).
func applyCase(out string, upper, allUpper bool) string {
	if !upper || out == "" {
		return out
	}
	if allUpper {
		return strings.ToUpper(out)
	}
	rs := []rune(out)
	for i, r := range rs {
		if unicode.IsLetter(r) {
			rs[i] = unicode.ToUpper(r)
			break
		}
	}
	return string(rs)
}

// Ukrainian systems: KMU 2010 (Cabinet of Ministers resolution No. 55, the
// passport standard; also BGN/PCGN since 2019) and DSTU 9112:2021 system B.
// They are context rules over the ICU rule sets of those standards,
// re-expressed without look-behind.

const ukLowerSet = "бвгґджзйклмнпрстфхцчшщьаеєиіїоуюя’"

func isUKLower(r rune) bool { return strings.ContainsRune(ukLowerSet, r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// ukKMU transliterates Ukrainian with the KMU 2010 rules.
func ukKMU(text string) string {
	src := []rune(norm.NFC.String(text))
	// Pass 1: apostrophes between letters are dropped.
	rs := src[:0:0]
	for i, r := range src {
		if isApostrophe(r) && i > 0 && i+1 < len(src) && unicode.IsLetter(src[i-1]) && unicode.IsLetter(src[i+1]) {
			continue
		}
		rs = append(rs, r)
	}
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		boundary := i == 0 || !(unicode.IsLetter(rs[i-1]) || unicode.IsMark(rs[i-1]) || unicode.IsNumber(rs[i-1]))
		// Title case when the next letter (after an optional acute) is a
		// lower-case Ukrainian letter.
		j := i + 1
		if j < len(rs) && rs[j] == '\u0301' {
			j++
		}
		title := j < len(rs) && isUKLower(rs[j])
		nextLower := i+1 < len(rs) && isUKLower(rs[i+1])
		switch r {
		case 'Є', 'Ї', 'Ю', 'Я':
			start := map[rune]string{'Є': "Ye", 'Ї': "Yi", 'Ю': "Yu", 'Я': "Ya"}[r]
			mid := map[rune]string{'Є': "Ie", 'Ї': "I", 'Ю': "Iu", 'Я': "Ia"}[r]
			out := mid
			if boundary {
				out = start
			}
			if !title && len(out) > 1 {
				out = strings.ToUpper(out)
			}
			b.WriteString(out)
			continue
		case 'є', 'ї', 'ю', 'я':
			start := map[rune]string{'є': "ye", 'ї': "yi", 'ю': "yu", 'я': "ya"}[r]
			mid := map[rune]string{'є': "ie", 'ї': "i", 'ю': "iu", 'я': "ia"}[r]
			if boundary {
				b.WriteString(start)
			} else {
				b.WriteString(mid)
			}
			continue
		case 'Й':
			if boundary {
				b.WriteString("Y")
			} else {
				b.WriteString("I")
			}
			continue
		case 'й':
			if boundary {
				b.WriteString("y")
			} else {
				b.WriteString("i")
			}
			continue
		case 'Г', 'г':
			if i > 0 && (rs[i-1] == 'з' || rs[i-1] == 'З') {
				switch {
				case r == 'г':
					b.WriteString("gh")
				case nextLower:
					b.WriteString("Gh")
				default:
					b.WriteString("GH")
				}
				continue
			}
		case 'Ь', 'ь':
			continue
		}
		if out, ok := ukKMULetters[unicode.ToLower(r)]; ok {
			if unicode.IsUpper(r) {
				if nextLower || len(out) == 1 {
					out = strings.ToUpper(out[:1]) + out[1:]
				} else {
					out = strings.ToUpper(out)
				}
			}
			b.WriteString(out)
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

var ukKMULetters = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z",
	'и': "y", 'і': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
}

// ukDSTU9112B transliterates Ukrainian with DSTU 9112:2021 system B.
func ukDSTU9112B(text string) string {
	rs := []rune(norm.NFC.String(text))
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		boundary := i == 0 || !(unicode.IsLetter(rs[i-1]) || unicode.IsMark(rs[i-1]) || unicode.IsNumber(rs[i-1]))
		j := i + 1
		if j < len(rs) && rs[j] == '\u0301' {
			j++
		}
		title := j < len(rs) && isUKLower(rs[j])
		lr := unicode.ToLower(r)
		upper := unicode.IsUpper(r)
		emit := func(s string) {
			if upper {
				if title || len([]rune(s)) == 1 {
					s = strings.ToUpper(s[:1]) + s[1:]
				} else {
					s = strings.ToUpper(s)
				}
			}
			b.WriteString(s)
		}
		// A consonant before й gets an apostrophe: "бй" → "b'j".
		if out, ok := ukDSTULetters[lr]; ok && strings.ContainsRune("бвгґджзклмнпрстфхцчшщ", lr) {
			emit(out)
			if i+1 < len(rs) && (rs[i+1] == 'й' || rs[i+1] == 'Й') {
				b.WriteByte('\'')
			}
			continue
		}
		switch lr {
		case 'ь':
			switch {
			case boundary:
				if upper {
					b.WriteString("Hj") // the standard's rule: never "HJ"
				} else {
					b.WriteString("hj")
				}
			case i+1 < len(rs) && strings.ContainsRune("АаЕеІіУу", rs[i+1]):
				emit("j")
				b.WriteByte('\'')
			default:
				emit("j")
			}
			continue
		case '’':
			b.WriteByte('\'')
			continue
		}
		if out, ok := ukDSTULetters[lr]; ok {
			emit(out)
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

var ukDSTULetters = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "gh", 'ґ': "g", 'д': "d", 'е': "e", 'є': "je", 'ж': "zh",
	'з': "z", 'и': "y", 'і': "i", 'ї': "ji", 'й': "j", 'к': "k", 'л': "l", 'м': "m", 'н': "n",
	'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "c",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ю': "ju", 'я': "ja",
	'ё': "jow", 'ў': "uh", 'ъ': "oh", 'ы': "yw", 'э': "ehw",
}

// greekLetters is a simple ELOT 743 style table for Greek names.
var greekLetters = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i",
	'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s",
	'τ': "t", 'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	'ά': "a", 'έ': "e", 'ή': "i", 'ί': "i", 'ό': "o", 'ύ': "y", 'ώ': "o", 'ϊ': "i", 'ϋ': "y", 'ΐ': "i", 'ΰ': "y",
}

func greekTranslit(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if out, ok := greekLetters[r]; ok {
			b.WriteString(out)
		} else if r == 'ς' {
			b.WriteByte('s')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cyrillicLanguage guesses whether a Cyrillic token is Ukrainian ('u'),
// Russian ('r') or unknown (0) from letters that only one alphabet has.
func cyrillicLanguage(s string) byte {
	for _, r := range s {
		switch r {
		case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
			return 'u'
		case 'ы', 'э', 'ъ', 'ё', 'Ы', 'Э', 'Ъ', 'Ё':
			return 'r'
		}
	}
	return 0
}

// cyrillicVariants returns the distinct ASCII forms of a (lower-case)
// Cyrillic token in every applicable system.
func cyrillicVariants(tok string) []string {
	lang := cyrillicLanguage(tok)
	out := make([]string, 0, 8)
	add := func(s string) {
		s = asciiFold(s)
		if s == "" {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	// Russian first unless the letters say Ukrainian: Russian spellings
	// are the most common on sanctions lists and in registers.
	if lang == 'u' {
		add(ukKMU(tok))
		add(ukDSTU9112B(tok))
		return out
	}
	for _, s := range ruSystems {
		add(s.translate(tok))
	}
	if lang == 0 {
		add(ukKMU(tok))
		add(ukDSTU9112B(tok))
	}
	return out
}
