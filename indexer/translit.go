package indexer

import "unicode/utf8"

// Skeletons: how a Latin query meets a Cyrillic name.
//
// A skeleton is a deliberately lossy Latin key of a word. Cyrillic words are
// first spelt in Latin letters, then every Latin spelling (ours, and the
// common romanisation systems people actually use: Ukrainian national KMU
// 2010, BGN/PCGN, GOST 7.79 system B, the scholarly system with háčeks, and
// most of ISO 9) is reduced to one form:
//
//	digraphs  shch, shh → sc;  zgh → zg;  kh → x;  zh → z;  sh → s;  ch → c;
//	          ts, cz → c;  gh → g
//	letters   h → g;  y, j → i;  w → v   (diacritics are already folded:
//	          š → s, č → c, ž → z)
//	then      runs of one letter collapse ("ii" → "i"), an "i" before a
//	          vowel is dropped (ya/ja/ia → a, yu/ju/iu → u, ye/je/ie → e) and
//	          runs collapse again.
//
// So "Shevchenko", "Ševčenko" and "Шевченко" all become "sevcenko";
// "Step-Ahro", "Step-Agro" and "Степ-Агро" become "step" "agro"; "Kyiv",
// "Kyjiv" and "Київ" become "kiv". Skeletons are indexed beside the folded
// word (at the same position) for every Cyrillic word and for every word of a
// buyer or supplier name, and every query word is also looked up by its
// skeleton. They are one alternative among others, so their lossiness costs a
// few extra matches, never a missed exact match.

// cyrLatin spells a folded (lower-case, diacritics removed: й→и, ї→і, ё→е)
// Cyrillic letter in Latin. Letters absent from the table pass through.
func cyrLatin(r rune) (string, bool) {
	switch r {
	case 'а':
		return "a", true
	case 'б':
		return "b", true
	case 'в':
		return "v", true
	case 'г', 'ґ', 'ѓ':
		return "g", true
	case 'д':
		return "d", true
	case 'е', 'э', 'ё':
		return "e", true
	case 'є':
		return "ie", true
	case 'ж':
		return "zh", true
	case 'з':
		return "z", true
	case 'и', 'і', 'ї', 'й', 'ы':
		return "i", true
	case 'к', 'ќ':
		return "k", true
	case 'л':
		return "l", true
	case 'м':
		return "m", true
	case 'н':
		return "n", true
	case 'о':
		return "o", true
	case 'п':
		return "p", true
	case 'р':
		return "r", true
	case 'с':
		return "s", true
	case 'т':
		return "t", true
	case 'у', 'ў':
		return "u", true
	case 'ф':
		return "f", true
	case 'х':
		return "kh", true
	case 'ц':
		return "ts", true
	case 'ч':
		return "ch", true
	case 'ш':
		return "sh", true
	case 'щ':
		return "shch", true
	case 'ъ', 'ь':
		return "", true
	case 'ю':
		return "iu", true
	case 'я':
		return "ia", true
	case 'ј':
		return "j", true
	case 'љ':
		return "lj", true
	case 'њ':
		return "nj", true
	case 'ћ', 'џ':
		return "c", true
	case 'ђ':
		return "d", true
	case 'ѕ':
		return "dz", true
	}
	return "", false
}

// skeleton returns the transliteration key of a folded word (see above).
// It returns "" for words with no Latin or Cyrillic letter.
func skeleton(f string) string {
	if !hasLatinOrCyrillicLetter(f) {
		return ""
	}
	var stack [64]byte
	b := stack[:0]
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(f[i:])
		i += n
		if t, ok := cyrLatin(r); ok {
			b = append(b, t...)
			continue
		}
		if isApostrophe(r) {
			continue
		}
		b = utf8.AppendRune(b, r)
	}
	// Digraphs and letters.
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		var next, next2, next3 byte
		if i+1 < len(b) {
			next = b[i+1]
		}
		if i+2 < len(b) {
			next2 = b[i+2]
		}
		if i+3 < len(b) {
			next3 = b[i+3]
		}
		switch {
		case c == 's' && next == 'h' && next2 == 'c' && next3 == 'h':
			out = append(out, 's', 'c')
			i += 4
		case c == 's' && next == 'h' && next2 == 'h':
			out = append(out, 's', 'c')
			i += 3
		case c == 'z' && next == 'g' && next2 == 'h':
			out = append(out, 'z', 'g')
			i += 3
		case c == 'k' && next == 'h':
			out = append(out, 'x')
			i += 2
		case c == 'z' && next == 'h':
			out = append(out, 'z')
			i += 2
		case c == 's' && next == 'h':
			out = append(out, 's')
			i += 2
		case c == 'c' && next == 'h':
			out = append(out, 'c')
			i += 2
		case c == 't' && next == 's':
			out = append(out, 'c')
			i += 2
		case c == 'c' && next == 'z':
			out = append(out, 'c')
			i += 2
		case c == 'g' && next == 'h':
			out = append(out, 'g')
			i += 2
		case c == 'h':
			out = append(out, 'g')
			i++
		case c == 'y' || c == 'j':
			out = append(out, 'i')
			i++
		case c == 'w':
			out = append(out, 'v')
			i++
		default:
			out = append(out, c)
			i++
		}
	}
	out = collapseRuns(out)
	// Drop an "i" that stands before a vowel.
	w := 0
	for i := 0; i < len(out); i++ {
		if out[i] == 'i' && i+1 < len(out) && isSkelVowel(out[i+1]) {
			continue
		}
		out[w] = out[i]
		w++
	}
	out = collapseRuns(out[:w])
	return string(out)
}

func isSkelVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'o' || c == 'u'
}

// collapseRuns collapses runs of one ASCII letter into one letter; bytes of
// other characters are left alone.
func collapseRuns(b []byte) []byte {
	w := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if w > 0 && c == b[w-1] && 'a' <= c && c <= 'z' {
			continue
		}
		b[w] = c
		w++
	}
	return b[:w]
}
