package indexer

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
	"github.com/blevesearch/segment"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
	"golang.org/x/text/unicode/norm"
)

// langID selects the language-specific step of analysis (stemming).
type langID uint8

const (
	langGeneric   langID = iota // folding only: Ukrainian, Armenian, Chinese, unknown, …
	langEnglish                 // Porter stemmer
	langSpanish                 // light Spanish stemmer (plural and gender endings)
	langRomanian                // Snowball Romanian
	langRussian                 // Snowball Russian (Cyrillic words only)
	langUkrainian               // folding and Ukrainian stop words (no stemmer)
	numLangs
)

// langKeys are the lang field's values, per language.
var langKeys = [numLangs]string{langGeneric: "xx", langEnglish: "en", langSpanish: "es", langRomanian: "ro", langRussian: "ru", langUkrainian: "uk"}

// langOf maps a BCP 47 tag ("es", "es-CL", "ru_RU") to its analyzer.
func langOf(tag string) langID {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch strings.ToLower(strings.TrimSpace(tag)) {
	case "en", "eng":
		return langEnglish
	case "es", "spa":
		return langSpanish
	case "ro", "mo", "ron", "rum":
		return langRomanian
	case "ru", "rus":
		return langRussian
	case "uk", "ukr":
		return langUkrainian
	}
	return langGeneric
}

// maxWordBytes: longer "words" (hashes, base64, garbage) are not indexed.
const maxWordBytes = 64

// piece is one word cut from a text: the word as written and its byte span.
type piece struct {
	text       string
	start, end int
	cjk        bool // one CJK character (indexed as unigram + bigram)
}

// cut splits s into words with Unicode word segmentation (UAX #29) plus
// our rules for the punctuation inside words:
//   - apostrophes stay inside the word (fold removes them: "об'єкт",
//     "O'Brien"); an English possessive "'s" is dropped;
//   - abbreviations and numbers are joined: "Î.C.S" → "Î.C.S" as one word
//     whose fold is "ics", "S.R.L" → "srl", "1,234.56" → "123456";
//   - other compounds are split: "www.prozorro.gov.ua" → www prozorro gov ua;
//   - CJK text becomes one piece per character.
//
// fn is called for each piece in order.
//
// Most text is mostly plain ASCII words between spaces, and such a word is
// exactly one UAX #29 word (letters and digits never break from each other,
// and there is always a break between them and an ASCII space or control
// character), so those words are cut directly and only the stretches
// between them go through the segmenter (from the space before them, so
// that it sees the same context); TestCutFastPathSameAsSegmenter checks
// that the result is the segmenter's.
func cut(s string, fn func(p piece)) {
	if !utf8.ValidString(s) {
		// The segmenter stops at the first invalid byte; keep that.
		segmentWords(s, 0, fn)
		return
	}
	slow := -1 // start of the stretch waiting for the segmenter
	i := 0
	for i < len(s) {
		if asciiBreak(s[i]) {
			if slow < 0 {
				slow = i
			}
			i++
			continue
		}
		j, simple := i, true
		for j < len(s) && !asciiBreak(s[j]) {
			if c := s[j]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				simple = false
			}
			j++
		}
		if simple {
			if slow >= 0 {
				segmentWords(s[slow:i], slow, fn)
				slow = -1
			}
			cutWord(s[i:j], i, fn)
		} else if slow < 0 {
			slow = i
		}
		i = j
	}
	if slow >= 0 {
		segmentWords(s[slow:], slow, fn)
	}
}

// asciiBreak reports whether b is an ASCII space or control character:
// UAX #29 always breaks between one and an ASCII letter or digit.
func asciiBreak(b byte) bool { return b <= ' ' || b == 0x7f }

// segmentWords cuts s, which starts at byte off of the text, with the UAX
// #29 segmenter and our rules.
func segmentWords(s string, off int, fn func(p piece)) {
	if s == "" {
		return
	}
	sg := segment.NewWordSegmenterDirect([]byte(s))
	pos := 0
	for sg.Segment() {
		n := len(sg.Bytes())
		start := pos
		pos += n
		typ := sg.Type()
		if typ == segment.None {
			continue
		}
		seg := s[start : start+n]
		if typ == segment.Ideo || typ == segment.Kana {
			for i, r := range seg {
				if isCJK(r) {
					fn(piece{text: seg[i : i+utf8.RuneLen(r)], start: off + start + i, end: off + start + i + utf8.RuneLen(r), cjk: true})
				}
			}
			continue
		}
		cutWord(seg, off+start, fn)
	}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || isApostrophe(r)
}

// cutWord applies the inner-punctuation rules to one segment.
func cutWord(seg string, off int, fn func(p piece)) {
	// English possessive.
	if l := len(seg); l > 2 && (seg[l-1] == 's' || seg[l-1] == 'S') {
		if r, sz := utf8.DecodeLastRuneInString(seg[:l-1]); isApostrophe(r) && l-1-sz > 0 {
			seg = seg[:l-1-sz]
		}
	}
	simple := true
	for _, r := range seg {
		if !isWordRune(r) {
			simple = false
			break
		}
	}
	if simple {
		if len(seg) <= maxWordBytes {
			fn(piece{text: seg, start: off, end: off + len(seg)})
		}
		return
	}
	type part struct{ s, e int }
	var parts []part
	ps := -1
	for i, r := range seg {
		if isWordRune(r) {
			if ps < 0 {
				ps = i
			}
			continue
		}
		if ps >= 0 {
			parts = append(parts, part{ps, i})
			ps = -1
		}
	}
	if ps >= 0 {
		parts = append(parts, part{ps, len(seg)})
	}
	if len(parts) == 0 {
		return
	}
	short, digits := true, true
	for _, p := range parts {
		w := seg[p.s:p.e]
		if utf8.RuneCountInString(w) > 2 {
			short = false
		}
		for _, r := range w {
			if r < '0' || r > '9' {
				digits = false
				break
			}
		}
	}
	if short || digits {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(seg[p.s:p.e])
		}
		if b.Len() <= maxWordBytes {
			fn(piece{text: b.String(), start: off + parts[0].s, end: off + parts[len(parts)-1].e})
		}
		return
	}
	for _, p := range parts {
		if p.e-p.s <= maxWordBytes {
			fn(piece{text: seg[p.s:p.e], start: off + p.s, end: off + p.e})
		}
	}
}

// stem returns the indexed form of a word in a document of language l; f is
// fold(w).
func stem(l langID, w, f string) string {
	switch l {
	case langEnglish, langRomanian, langRussian:
		key := f
		if l != langEnglish {
			key = w // the Snowball stemmers start from the word as written
		}
		return stems.get(l, key, func() string { return stemWord(l, w, f) })
	}
	return stemWord(l, w, f)
}

// stemWord is stem without the cache.
func stemWord(l langID, w, f string) string {
	switch l {
	case langEnglish:
		if len(f) > 2 && isLowerASCIILetters(f) {
			return string(porterstemmer.StemWithoutLowerCasing([]rune(f)))
		}
	case langSpanish:
		return stemSpanish(f)
	case langRomanian:
		return fold(snowball(romanian.Stem, romanianCedilla(strings.ToLower(norm.NFC.String(w)))))
	case langRussian:
		if hasCyrillic(w) {
			return fold(snowball(russian.Stem, strings.ToLower(norm.NFC.String(w))))
		}
	}
	return f
}

// stemCache remembers the stems of recently seen words. Stemming is a pure
// function of the language and the word, and contract texts repeat their
// words, so most lookups hit: at 100,000 contracts the Porter stemmer alone
// was 2 % of an import's CPU. Direct-mapped (a word's slot is fixed by its
// hash; a newer word replaces an older one), bounded, and safe for
// concurrent use without locks.
type stemCache struct {
	seed  maphash.Seed
	slots [1 << 14]atomic.Pointer[stemEntry]
}

type stemEntry struct {
	lang       langID
	word, stem string
}

var stems = &stemCache{seed: maphash.MakeSeed()}

// get returns the cached stem of word in language l, computing and
// remembering it with fn on a miss.
func (c *stemCache) get(l langID, word string, fn func() string) string {
	slot := &c.slots[maphash.String(c.seed, word)&(uint64(len(c.slots))-1)]
	if e := slot.Load(); e != nil && e.lang == l && e.word == word {
		return e.stem
	}
	st := fn()
	e := &stemEntry{lang: l, word: strings.Clone(word), stem: st}
	if st == word {
		e.stem = e.word // never keep a caller's larger string alive
	}
	slot.Store(e)
	return st
}

func snowball(fn func(*snowballstem.Env) bool, s string) string {
	env := snowballstem.NewEnv(s)
	fn(env)
	return env.Current()
}

var cedilla = strings.NewReplacer("ș", "ş", "ț", "ţ", "Ș", "ş", "Ț", "ţ")

// romanianCedilla writes ș and ț with the cedilla the Snowball stemmer knows.
func romanianCedilla(s string) string {
	if !strings.ContainsAny(s, "șțȘȚ") {
		return s
	}
	return cedilla.Replace(s)
}

func isLowerASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// stemSpanish is a light Spanish stemmer (after Savoy's light stemmer, as in
// Lucene's SpanishLightStemmer): it removes plural and gender endings of
// folded words of five letters or more, so "contratos", "contrato" and
// "contrata" meet at "contrat", and "licitaciones"/"licitacion" at
// "licitacion".
func stemSpanish(f string) string {
	n := len(f)
	if n < 5 || !isASCII(f) {
		return f
	}
	switch f[n-1] {
	case 'o', 'a', 'e':
		return f[:n-1]
	case 's':
		switch {
		case f[n-2] == 'e' && f[n-3] == 's' && f[n-4] == 'e':
			return f[:n-2]
		case f[n-2] == 'e' && f[n-3] == 'c':
			return f[:n-3] + "z"
		case f[n-2] == 'o' || f[n-2] == 'a' || f[n-2] == 'e':
			return f[:n-2]
		}
	}
	return f
}

// Query views: one query word is looked up under every analyzer a document
// may have been indexed with, plus its skeleton.
const (
	viewFold = iota
	viewEnglish
	viewSpanish
	viewRomanian
	viewRussian
	viewSkeleton
	numViews
)

// views returns the forms of a query word under every view ("" where a view
// has nothing to say). Duplicates are left in place so that views of
// adjacent words pair up for phrases.
func views(w string) [numViews]string {
	var v [numViews]string
	f := fold(w)
	v[viewFold] = f
	v[viewEnglish] = stem(langEnglish, w, f)
	v[viewSpanish] = stem(langSpanish, w, f)
	v[viewRomanian] = stem(langRomanian, w, f)
	v[viewRussian] = stem(langRussian, w, f)
	v[viewSkeleton] = skeleton(f)
	return v
}

// alternatives returns the distinct non-empty forms of a views array.
func alternatives(v [numViews]string) []string {
	out := make([]string, 0, numViews)
	for _, s := range v {
		if s == "" {
			continue
		}
		dup := false
		for _, o := range out {
			if o == s {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// cjkBigram is the token of two adjacent CJK characters.
func cjkBigram(a, b string) string { return a + b }
