package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold returns the search form of one word: compatibility-normalised (NFKC
// width and ligature folding), lower-cased, with the diacritics of Latin,
// Greek and Cyrillic letters removed ("Ševčenko" → "sevcenko", "Ĩ" → "i",
// "ё" → "е", "ＡＢＣ" → "abc") and apostrophes dropped ("об'єкт" → "обєкт").
// Marks on other scripts (Devanagari vowel signs, …) are kept. It is a pure
// function of its input.
func fold(s string) string {
	// Fast path: lower-case ASCII letters and digits only.
	simple := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') || c == '\'' || c == '`' {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	if isASCII(s) {
		b := make([]byte, 0, len(s))
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\'' || c == '`':
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		return string(b)
	}
	// Second fast path: Cyrillic (and ASCII) words without letters that
	// decompose (й ё ї ў …), the bulk of Ukrainian and Russian text.
	if out, ok := foldCyrillic(s); ok {
		return out
	}
	// Third: text that is already lower-case, has no apostrophes or special
	// letters and nothing to decompose (Armenian, CJK, …).
	if !needsFold(s) && norm.NFKD.IsNormalString(s) {
		return s
	}
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	foldableBase := false
	keptMark := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if foldableBase {
				continue
			}
			keptMark = true
			b.WriteRune(r)
			continue
		}
		if isApostrophe(r) {
			continue
		}
		if rep, ok := specialFold(r); ok {
			b.WriteString(rep)
			foldableBase = true
			continue
		}
		foldableBase = r < 0x250 || unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
		b.WriteRune(unicode.ToLower(r))
	}
	out := b.String()
	if keptMark {
		out = norm.NFC.String(out)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// needsFold reports whether s has upper-case letters, apostrophes or
// letters that specialFold rewrites.
func needsFold(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if ('A' <= r && r <= 'Z') || r == '\'' || r == '`' {
				return true
			}
			continue
		}
		if unicode.ToLower(r) != r {
			return true
		}
		if isApostrophe(r) {
			return true
		}
		if _, ok := specialFold(r); ok {
			return true
		}
	}
	return false
}

// isApostrophe reports apostrophe-like characters that are dropped from
// words: ASCII and typographic apostrophes, the Ukrainian modifier letter
// apostrophe and the transliteration primes for ь and ъ.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '´', '\u2018', '\u2019', '\u02bc', '\u02b9', '\u02ba', '\u02bb', '\u02bd', '\u2032':
		return true
	}
	return false
}

// specialFold maps letters that NFKD does not decompose to their plain
// Latin (or base) spelling.
func specialFold(r rune) (string, bool) {
	switch r {
	case 'ß', 'ẞ':
		return "ss", true
	case 'ø', 'Ø':
		return "o", true
	case 'ł', 'Ł':
		return "l", true
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d", true
	case 'æ', 'Æ':
		return "ae", true
	case 'œ', 'Œ':
		return "oe", true
	case 'þ', 'Þ':
		return "th", true
	case 'ı':
		return "i", true
	case 'ſ':
		return "s", true
	case 'ħ', 'Ħ':
		return "h", true
	case 'ŧ', 'Ŧ':
		return "t", true
	case 'ĸ':
		return "k", true
	case 'ŀ', 'Ŀ':
		return "l", true
	case 'ς':
		return "σ", true
	}
	return "", false
}

// isCJK reports ideographs and kana, which are indexed as character
// unigrams and bigrams because the scripts do not separate words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || (r >= 0x3400 && r <= 0x9fff) || r == 'ー'
}

func hasCyrillic(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if r >= 0x400 && r <= 0x52f {
					return true
				}
			}
			return false
		}
	}
	return false
}

// hasLatinOrCyrillicLetter reports whether a skeleton can say anything
// about s.
func hasLatinOrCyrillicLetter(s string) bool {
	for _, r := range s {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || (r >= 0x400 && r <= 0x52f) {
			return true
		}
	}
	return false
}

// foldCyrillic folds words made of ASCII letters and digits and the basic
// Cyrillic letters (which have no decomposition) without normalisation
// tables. ok is false when the word needs the general path.
func foldCyrillic(s string) (string, bool) {
	lower := true
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				lower = false
			} else if !('a' <= r && r <= 'z' || '0' <= r && r <= '9') {
				return "", false
			}
		case r >= 0x430 && r <= 0x44f && r != 0x439, r == 0x454 || r == 0x456 || r == 0x491:
		case r >= 0x410 && r <= 0x42f && r != 0x419, r == 0x404 || r == 0x406 || r == 0x490:
			lower = false
		default:
			return "", false
		}
	}
	if lower {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r >= 0x410 && r <= 0x42f:
			r += 0x20
		case r == 0x404 || r == 0x406:
			r += 0x50
		case r == 0x490:
			r = 0x491
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b), true
}
