package match

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Script is the writing system of a token or name.
type Script uint8

// Scripts that the normaliser distinguishes. Tokens that mix Latin and
// Cyrillic look-alikes are folded to one script before they are classified.
const (
	ScriptNone       Script = iota // digits and symbols only
	ScriptLatin                    // Latin, after diacritics are removed
	ScriptCyrillic                 // Russian, Ukrainian, Belarusian, Bulgarian, ...
	ScriptGreek                    //
	ScriptHangul                   // Korean syllables
	ScriptHan                      // Chinese characters (also Japanese kanji)
	ScriptKana                     // Japanese hiragana and katakana
	ScriptArabic                   //
	ScriptHebrew                   //
	ScriptDevanagari               //
	ScriptArmenian                 //
	ScriptGeorgian                 //
	ScriptOther                    // any other letters
	ScriptMixed                    // a name with tokens in several scripts
)

var scriptNames = [...]string{"none", "latin", "cyrillic", "greek", "hangul", "han", "kana", "arabic", "hebrew", "devanagari", "armenian", "georgian", "other", "mixed"}

// String returns the lower-case name of the script ("latin", "cyrillic", ...).
func (s Script) String() string {
	if int(s) < len(scriptNames) {
		return scriptNames[s]
	}
	return "unknown"
}

// runeScript classifies one letter.
func runeScript(r rune) Script {
	switch {
	case r < 0x80:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return ScriptLatin
		}
		return ScriptNone
	case unicode.Is(unicode.Latin, r):
		return ScriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return ScriptCyrillic
	case unicode.Is(unicode.Hangul, r):
		return ScriptHangul
	case unicode.Is(unicode.Han, r):
		return ScriptHan
	case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return ScriptKana
	case unicode.Is(unicode.Greek, r):
		return ScriptGreek
	case unicode.Is(unicode.Arabic, r):
		return ScriptArabic
	case unicode.Is(unicode.Hebrew, r):
		return ScriptHebrew
	case unicode.Is(unicode.Devanagari, r):
		return ScriptDevanagari
	case unicode.Is(unicode.Armenian, r):
		return ScriptArmenian
	case unicode.Is(unicode.Georgian, r):
		return ScriptGeorgian
	case unicode.IsLetter(r):
		return ScriptOther
	}
	return ScriptNone
}

// isCJK reports whether a script is written without spaces between words.
func (s Script) isCJK() bool { return s == ScriptHan || s == ScriptKana || s == ScriptHangul }

// latinFold maps a lower-case Latin letter with diacritics (Latin-1,
// Extended-A/B, Extended Additional) to its ASCII base letters. Built once
// from Unicode decompositions plus the letters that do not decompose.
var latinFold = buildLatinFold()

func buildLatinFold() map[rune]string {
	m := make(map[rune]string, 700)
	special := map[rune]string{
		'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l",
		'ı': "i", 'þ': "th", 'ħ': "h", 'ŀ': "l", 'ŧ': "t", 'ŋ': "ng", 'ĸ': "k",
		'ƒ': "f", 'ǝ': "e", 'ə': "e", 'ɨ': "i", 'ʉ': "u", 'ȷ': "j", 'ſ': "s",
		'ĳ': "ij", 'ǆ': "dz", 'ǉ': "lj", 'ǌ': "nj", 'ǳ': "dz",
	}
	for r, s := range special {
		m[r] = s
	}
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			if !unicode.IsLetter(r) {
				continue
			}
			l := unicode.ToLower(r)
			if _, ok := m[l]; ok {
				continue
			}
			var out []rune
			for _, d := range norm.NFD.String(string(l)) {
				if unicode.Is(unicode.Mn, d) {
					continue
				}
				out = append(out, d)
			}
			if len(out) > 0 && string(out) != string(l) {
				ok := true
				for _, o := range out {
					if o >= 0x80 {
						ok = false
					}
				}
				if ok {
					m[l] = string(out)
				}
			}
		}
	}
	add(0xC0, 0x24F)
	add(0x1E00, 0x1EFF)
	return m
}

// homoglyphs pairs Cyrillic and Greek letters with the Latin letters they
// look like (both cases). Used only inside tokens that mix scripts, where
// the minority script is folded into the majority one ("сompany" with a
// Cyrillic с is "company"; "ОБЩEСТВО" with a Latin E is "ОБЩЕСТВО").
var cyrToLat = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'У': 'Y', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'ο': 'o',
}

var latToCyr = func() map[rune]rune {
	m := make(map[rune]rune, len(cyrToLat))
	for c, l := range cyrToLat {
		if unicode.Is(unicode.Cyrillic, c) {
			m[l] = c
		}
	}
	return m
}()

// foldHomoglyphs rewrites a raw (not yet lower-cased) token that mixes
// Latin with Cyrillic or Greek look-alikes into its majority script. Tokens
// in one script are returned unchanged.
func foldHomoglyphs(tok []rune) []rune {
	var lat, cyr, grk int
	for _, r := range tok {
		switch runeScript(r) {
		case ScriptLatin:
			lat++
		case ScriptCyrillic:
			cyr++
		case ScriptGreek:
			grk++
		}
	}
	if lat == 0 || cyr+grk == 0 {
		return tok
	}
	if lat >= cyr+grk {
		for i, r := range tok {
			if l, ok := cyrToLat[r]; ok {
				tok[i] = l
			}
		}
		return tok
	}
	if cyr > 0 {
		for i, r := range tok {
			if c, ok := latToCyr[r]; ok {
				tok[i] = c
			}
		}
	}
	return tok
}

// foldRune lower-cases a letter and strips Latin diacritics, appending the
// result to dst. Cyrillic, Hangul, Han and other scripts are only
// lower-cased: their letters carry meaning the transliterators need (й, ё).
func foldRune(dst []rune, r rune) []rune {
	if r < 0x80 {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, r)
	}
	l := unicode.ToLower(r)
	if s, ok := latinFold[l]; ok {
		for _, c := range s {
			dst = append(dst, c)
		}
		return dst
	}
	if l == 'ς' {
		l = 'σ'
	}
	return append(dst, l)
}

// isASCII reports whether s is plain ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiFold lower-cases s and strips diacritics and any character that is
// not a Latin letter or digit (used on transliteration outputs such as
// BGN/PCGN "Ozёrnyy" or scholarly "Žukov").
func asciiFold(s string) string {
	var out []rune
	for _, r := range s {
		if r == 'ё' || r == 'Ё' {
			out = append(out, 'e')
			continue
		}
		out = foldRune(out, r)
	}
	b := make([]byte, 0, len(out))
	for _, r := range out {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b = append(b, byte(r))
		}
	}
	return string(b)
}
