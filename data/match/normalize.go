package match

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TokenKind is the role of a token in a name.
type TokenKind uint8

// Token kinds. Only words and numbers are evidence on their own; the other
// kinds are weighted down but never deleted.
const (
	TokenWord      TokenKind = iota // an ordinary name word
	TokenLegalForm                  // a legal form (LLC, ООО, 주식회사), tagged with its generic type
	TokenNumber                     // digits: strong evidence ("PE Fund 1" is not "PE Fund 2")
	TokenInitial                    // a single letter ("J." in "John J. Smith")
	TokenStopword                   // no evidence ("the", "of", "и")
	TokenGeneric                    // generic organisation word (company, group, holding, international)
	TokenLocation                   // a place or nationality (Korea, Beijing): weak evidence
)

var kindNames = [...]string{"word", "legal-form", "number", "initial", "stopword", "generic", "location"}

// String returns the kind's name.
func (k TokenKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// evidence reports whether the kind identifies a name on its own.
func (k TokenKind) evidence() bool { return k == TokenWord || k == TokenNumber }

// Token is one analysed part of a name.
type Token struct {
	// Text is the comparable form: case-folded, Latin diacritics removed,
	// homoglyphs folded, in its own script ("ооо", "putin", "김").
	Text string
	// Canon is the form compared for equality: the canonical symbol of an
	// abbreviation ("corporation" for "corp"), the key of a legal form
	// ("llc"), otherwise Text.
	Canon string
	Kind  TokenKind
	// Script of the token.
	Script Script
	// LegalForm and Generic are set for legal forms: the display form
	// ("GmbH") and the generic type ("LLC", "JSC", ...).
	LegalForm, Generic string
	// Latin holds ASCII transliterations of a non-Latin token (several
	// systems); Weak is set when they are weak evidence (Han pinyin).
	Latin []string
	Weak  bool
	// Paren marks a token inside parentheses (acronyms, places).
	Paren bool
	// Surname marks a family name: the part before the comma of an
	// inverted "LAST, First" name, or a Hangul surname.
	Surname bool

	korean []string // Korean skeletons when the token can be romanised Korean
	forms  []string // spellings compared across scripts (see tokenForms)
}

// Name is the analysed, comparable form of one name.
type Name struct {
	Original string
	Tokens   []Token
	// Script is the script of the name's letters (ScriptMixed when several).
	Script Script
	// korean: the name looks like a Korean personal name.
	korean     bool
	comparable string // Comparable(), computed once
}

// LegalForms returns the legal forms tagged in the name.
func (n Name) LegalForms() []LegalFormInfo {
	var out []LegalFormInfo
	for _, t := range n.Tokens {
		if t.Kind == TokenLegalForm {
			out = append(out, LegalFormInfo{Display: t.LegalForm, Generic: t.Generic})
		}
	}
	return out
}

// Comparable returns the token-order-independent comparable form: canonical
// tokens sorted and joined by spaces (legal forms included). Two names with
// equal comparable forms are a literal match.
func (n Name) Comparable() string {
	if n.comparable != "" || len(n.Tokens) == 0 {
		return n.comparable
	}
	return n.computeComparable()
}

func (n *Name) computeComparable() string {
	parts := make([]string, 0, len(n.Tokens))
	for _, t := range n.Tokens {
		parts = append(parts, t.Canon)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// String shows the analysis, e.g. "zala[word] aero[word] group[generic]".
func (n Name) String() string {
	var b strings.Builder
	for i, t := range n.Tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
		b.WriteByte('[')
		b.WriteString(t.Kind.String())
		if t.Generic != "" {
			b.WriteByte(':')
			b.WriteString(t.Generic)
		}
		b.WriteByte(']')
	}
	return b.String()
}

// rawTok is one token from the tokenizer, before tagging.
type rawTok struct {
	text   string
	script Script
	paren  bool
	group  int  // index of the comma-separated group (top level)
	sep    byte // separator before the token: ' ', '.', '-', '/', '&', ','
	amp    bool // a standalone "&"
}

func isJoinerQuote(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '`', '´', '‘', 'ʻ', '"', '·', '״', '׳':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokenize splits a name into folded tokens. Apostrophes inside words join
// ("O'Brien" → "obrien"); "&" inside a word joins ("AT&T" → "att"), alone it
// is "and"; runs of single letters join into one token ("J.P." → "jp",
// "A-B-C" → "abc", "L L C" → "llc", "A & B" → "ab").
func tokenize(s string, buf []rawTok) []rawTok {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	toks := buf[:0]
	rs := []rune(s)
	var cur []rune
	depth, group := 0, 0
	sep := byte(' ')
	flush := func() {
		if len(cur) == 0 {
			return
		}
		cur = foldHomoglyphs(cur)
		folded := make([]rune, 0, len(cur)+2)
		var counts [ScriptMixed + 1]int
		for _, r := range cur {
			if r >= 0x300 && r <= 0x36F {
				continue // combining accents (stress marks on Cyrillic)
			}
			counts[runeScript(r)]++
			folded = foldRune(folded, r)
		}
		sc, best := ScriptNone, 0
		for k := ScriptLatin; k <= ScriptMixed; k++ {
			if counts[k] > best {
				sc, best = k, counts[k]
			}
		}
		if len(folded) > 0 {
			toks = append(toks, rawTok{text: string(folded), script: sc, paren: depth > 0, group: group, sep: sep})
		}
		cur = cur[:0]
		sep = ' '
	}
	setSep := func(c byte) {
		// The strongest separator since the last token wins: ',' > '-' ...
		if sep == ' ' || c == ',' {
			sep = c
		}
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isWordRune(r) {
			cur = append(cur, r)
			continue
		}
		prevWord := i > 0 && isWordRune(rs[i-1])
		nextWord := i+1 < len(rs) && isWordRune(rs[i+1])
		switch {
		case isJoinerQuote(r) && prevWord && nextWord && len(cur) > 0:
			continue // O'Brien, So'ng, בע"מ
		case r == '&' && prevWord && nextWord:
			continue // AT&T, A&B
		}
		flush()
		switch r {
		case '(', '[', '{', '（', '【':
			depth++
		case ')', ']', '}', '）', '】':
			if depth > 0 {
				depth--
			}
		case ',', '，', ';', '、':
			if depth == 0 {
				group++
			}
			setSep(',')
		case '.', '。':
			setSep('.')
		case '-', '‐', '‑', '‒', '–', '—', '―', '_':
			setSep('-')
		case '/', '\\':
			setSep('/')
		case '&', '+':
			toks = append(toks, rawTok{text: "and", script: ScriptLatin, paren: depth > 0, group: group, sep: sep, amp: true})
			sep = ' '
		}
	}
	flush()
	return joinInitials(toks)
}

func isSingleLetter(t rawTok) bool {
	if t.script != ScriptLatin && t.script != ScriptCyrillic && t.script != ScriptGreek {
		return false
	}
	n := 0
	for range t.text {
		n++
	}
	return n == 1
}

// isShortLetters: one or two letters, nothing else.
func isShortLetters(t rawTok) bool {
	if t.script != ScriptLatin && t.script != ScriptCyrillic {
		return false
	}
	n := 0
	for _, r := range t.text {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 2
}

var initialJoiners = map[string]bool{"and": true, "und": true, "et": true, "и": true}

// joinInitials merges runs of single letters into one token.
func joinInitials(toks []rawTok) []rawTok {
	// "AT & T", "H & R": a short word and a letter around a standalone "&"
	// are one name ("AT&T"), not a stopword, a connector and an initial.
	for i := 0; i+2 < len(toks); i++ {
		a, amp, b := toks[i], toks[i+1], toks[i+2]
		if amp.amp && isShortLetters(a) && isShortLetters(b) && (isSingleLetter(a) || isSingleLetter(b)) &&
			!(isSingleLetter(a) && isSingleLetter(b)) && b.sep != ',' && a.paren == b.paren {
			a.text += b.text
			toks = append(append(toks[:i:i], a), toks[i+3:]...)
		}
	}
	out := toks[:0]
	for i := 0; i < len(toks); {
		if !isSingleLetter(toks[i]) {
			out = append(out, toks[i])
			i++
			continue
		}
		j := i + 1
		text := toks[i].text
		for j < len(toks) {
			t := toks[j]
			if t.sep == ',' || t.paren != toks[i].paren {
				break
			}
			if isSingleLetter(t) {
				text += t.text
				j++
				continue
			}
			// "A & B", "A and B": a connector between two single letters.
			if (t.amp || initialJoiners[t.text]) && j+1 < len(toks) && isSingleLetter(toks[j+1]) && toks[j+1].sep != ',' {
				j++
				continue
			}
			break
		}
		t := toks[i]
		t.text = text
		out = append(out, t)
		i = j
	}
	return out
}

// NormalizeName analyses a name: tokens with kinds (word, legal form with
// its generic type, number, initial, stopword, generic word, location),
// scripts and Latin transliterations. It never deletes a legal form or a
// number; it drops repeated tokens ("LTD LTD").
func NormalizeName(s string) Name {
	var buf [16]rawTok
	raw := tokenize(s, buf[:0])
	n := Name{Original: s}
	if len(raw) == 0 {
		return n
	}
	inverted := false // "LAST, First" (one top-level comma, both sides non-empty)
	if raw[len(raw)-1].group == 1 && raw[0].group == 0 {
		inverted = true
	}
	toks := make([]Token, 0, len(raw)+2)
	for i := 0; i < len(raw); i++ {
		r := raw[i]
		// Legal-form phrases (longest first).
		if lf, l := matchLegal(raw, i); lf != nil {
			t := Token{Text: joinRaw(raw[i : i+l]), Canon: lf.key, Kind: TokenLegalForm, Script: r.script,
				LegalForm: lf.display, Generic: lf.generic, Paren: r.paren}
			toks = append(toks, t)
			i += l - 1
			continue
		}
		// Multi-token symbols ("hong kong", "trading house").
		if canon, l := matchSymbolPhrase(raw, i); l > 0 {
			info := symbols[canon]
			t := Token{Text: joinRaw(raw[i : i+l]), Canon: canon, Kind: classKind(info.class), Script: r.script, Paren: r.paren}
			toks = append(toks, t)
			i += l - 1
			continue
		}
		if r.script.isCJK() {
			toks = appendCJK(toks, r)
			continue
		}
		t := Token{Text: r.text, Canon: r.text, Script: r.script, Paren: r.paren}
		switch {
		case r.script == ScriptNone && isDigits(r.text):
			t.Kind = TokenNumber
			t.Canon = strings.TrimLeft(r.text, "0")
			if t.Canon == "" {
				t.Canon = "0"
			}
		case stopwords[r.text]:
			t.Kind = TokenStopword
		case isSingleLetter(r):
			t.Kind = TokenInitial
		default:
			if info, ok := symbols[r.text]; ok {
				t.Canon = info.canon
				t.Kind = classKind(info.class)
			}
		}
		if inverted && r.group == 0 {
			t.Surname = true
		}
		toks = append(toks, t)
	}
	// Edge-only legal forms that ended up alone are words after all.
	toks = dedupeTokens(toks)
	n.Tokens = toks
	n.finish()
	return n
}

func classKind(c byte) TokenKind {
	switch c {
	case 'g':
		return TokenGeneric
	case 'l':
		return TokenLocation
	}
	return TokenWord
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func joinRaw(raw []rawTok) string {
	if len(raw) == 1 {
		return raw[0].text
	}
	parts := make([]string, len(raw))
	for i, r := range raw {
		parts[i] = r.text
	}
	return strings.Join(parts, " ")
}

// matchLegal finds the longest legal-form alias starting at raw[i]. A
// legal form never makes up a whole name.
func matchLegal(raw []rawTok, i int) (*legalForm, int) {
	return matchLegalAt(raw, i, false)
}

// matchLegalAt is matchLegal; whole allows the alias to be the whole input
// (LookupLegalForm).
func matchLegalAt(raw []rawTok, i int, whole bool) (*legalForm, int) {
	first := legalCanonical(raw[i].text)
	try := func(list []legalAlias, fuzzy bool) (*legalForm, int) {
		for _, a := range list {
			l := len(a.toks)
			if i+l > len(raw) || (!whole && l == len(raw)) {
				continue
			}
			if fuzzy && !legalTokenEq(first, a.toks[0], true) {
				continue
			}
			ok := true
			for k := 1; k < l; k++ {
				if !legalTokenEq(legalCanonical(raw[i+k].text), a.toks[k], fuzzy) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if a.form.edge && !whole {
				// Ambiguous short forms only at the end of a longer name (or
				// at the start when the form is written first, like "PT").
				atEnd := i+l == len(raw) || (i+l < len(raw) && raw[i+l].paren)
				atStart := i == 0 && a.form.start
				if !(atEnd || atStart) {
					continue
				}
			}
			return a.form, l
		}
		return nil, 0
	}
	if f, l := try(legalIndex[first], false); f != nil {
		return f, l
	}
	// Long aliases tolerate spelling mistakes in their words
	// ("ОБЩЕСТВО С ОГРАНИЕННОЙ ОТВЕТСТВЕННОСТЬЮ").
	if k := prefix2(first); k != "" {
		return try(legalFuzzyIndex[k], true)
	}
	return nil, 0
}

// legalTokenEq compares a name token with an alias token (both
// canonical); fuzzy allows small spelling mistakes in long words.
func legalTokenEq(tok, alias string, fuzzy bool) bool {
	if tok == alias {
		return true
	}
	return fuzzy && len(alias) >= 8 && fuzzyScore(tok, alias) >= 0.8
}

func matchSymbolPhrase(raw []rawTok, i int) (string, int) {
	for _, p := range symbolPhrases[raw[i].text] {
		toks, canon := p[:len(p)-1], p[len(p)-1][1:]
		if i+len(toks) > len(raw) {
			continue
		}
		ok := true
		for k := 1; k < len(toks); k++ {
			if raw[i+k].text != toks[k] {
				ok = false
				break
			}
		}
		if ok {
			return canon, len(toks)
		}
	}
	return "", 0
}

// appendCJK splits a token in a script without spaces: legal forms and
// generic words are cut off its ends ("华为技术有限公司" → 华为 技术 有限公司).
func appendCJK(toks []Token, r rawTok) []Token {
	text := r.text
	var tail []Token
	var head []Token
	for changed := true; changed && text != ""; {
		changed = false
		for _, c := range cjkLegalSuffixes {
			if strings.HasSuffix(text, c.text) && len(text) > len(c.text) {
				tail = append([]Token{{Text: c.text, Canon: c.form.key, Kind: TokenLegalForm, Script: r.script,
					LegalForm: c.form.display, Generic: c.form.generic, Paren: r.paren}}, tail...)
				text = strings.TrimSuffix(text, c.text)
				changed = true
				break
			}
			if strings.HasPrefix(text, c.text) && len(text) > len(c.text) {
				head = append(head, Token{Text: c.text, Canon: c.form.key, Kind: TokenLegalForm, Script: r.script,
					LegalForm: c.form.display, Generic: c.form.generic, Paren: r.paren})
				text = strings.TrimPrefix(text, c.text)
				changed = true
				break
			}
		}
		if changed {
			continue
		}
		for _, w := range cjkWords {
			if len(text) <= len(w) {
				continue
			}
			info := symbols[w]
			// Words cut out of a CJK name are industry or generic words
			// around the trade name (北京…科技有限公司): never evidence.
			kind := classKind(info.class)
			if kind == TokenWord {
				kind = TokenGeneric
			}
			if strings.HasSuffix(text, w) {
				tail = append([]Token{{Text: w, Canon: info.canon, Kind: kind, Script: r.script, Paren: r.paren}}, tail...)
				text = strings.TrimSuffix(text, w)
				changed = true
				break
			}
			if strings.HasPrefix(text, w) {
				head = append(head, Token{Text: w, Canon: info.canon, Kind: kind, Script: r.script, Paren: r.paren})
				text = strings.TrimPrefix(text, w)
				changed = true
				break
			}
		}
	}
	toks = append(toks, head...)
	if text != "" {
		t := Token{Text: text, Canon: text, Script: r.script, Paren: r.paren}
		if info, ok := symbols[text]; ok {
			t.Canon, t.Kind = info.canon, classKind(info.class)
		} else if lf, ok := LookupLegalForm(text); ok && text != r.text {
			t.Kind, t.LegalForm, t.Generic = TokenLegalForm, lf.Display, lf.Generic
			t.Canon = strings.Join(rawTokens(lf.Display), "")
		}
		toks = append(toks, t)
	}
	return append(toks, tail...)
}

// dedupeTokens drops repeated legal forms, generic words, places and
// stopwords ("LTD LTD LTD" counts once). Repeated words and numbers stay:
// they are part of the name ("20-20 TECHNOLOGIES", "JOHNSON & JOHNSON").
func dedupeTokens(toks []Token) []Token {
	if len(toks) < 2 {
		return toks
	}
	out := toks[:0]
	for i, t := range toks {
		if t.Kind.evidence() {
			out = append(out, t)
			continue
		}
		dup := false
		for _, p := range toks[:i] {
			if p.Kind == t.Kind && p.Canon == t.Canon {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

// finish computes scripts, transliterations and Korean analysis.
func (n *Name) finish() {
	sc := ScriptNone
	hangulWords := 0
	words := 0
	for _, t := range n.Tokens {
		if t.Script == ScriptNone {
			continue
		}
		if sc == ScriptNone {
			sc = t.Script
		} else if sc != t.Script {
			sc = ScriptMixed
		}
		if t.Kind == TokenWord {
			words++
			if t.Script == ScriptHangul {
				hangulWords++
			}
		}
	}
	n.Script = sc
	// Hangul personal names: "김정은" → 김 + 정은.
	if hangulWords > 0 && hangulWords == words && words <= 2 && len(n.LegalForms()) == 0 {
		var out []Token
		for _, t := range n.Tokens {
			if t.Kind == TokenWord && t.Script == ScriptHangul {
				if sur, given, ok := splitHangulPersonName(t.Text); ok {
					out = append(out,
						Token{Text: sur, Canon: sur, Kind: TokenWord, Script: ScriptHangul, Surname: true, Paren: t.Paren},
						Token{Text: given, Canon: given, Kind: TokenWord, Script: ScriptHangul, Paren: t.Paren})
					n.korean = true
					continue
				}
			}
			out = append(out, t)
		}
		n.Tokens = out
	}
	latinWords, krWords, krSurname := 0, 0, false
	for i := range n.Tokens {
		t := &n.Tokens[i]
		switch t.Script {
		case ScriptCyrillic:
			if t.Kind != TokenLegalForm {
				t.Latin = cyrillicVariants(t.Text)
			}
		case ScriptGreek:
			if t.Kind != TokenLegalForm {
				t.Latin = []string{asciiFold(greekTranslit(t.Text))}
			}
		case ScriptHangul:
			if t.Kind == TokenWord || t.Kind == TokenInitial {
				t.Latin = hangulNameVariants(t.Text, t.Surname)
				for _, v := range t.Latin {
					t.korean = appendUnique(t.korean, koreanSkeleton(v))
				}
			}
		case ScriptHan:
			if t.Kind == TokenWord {
				if syl := hanPinyinSyllables(t.Text); syl != nil {
					t.Latin = []string{strings.Join(syl, "")}
					t.Weak = true
				}
			}
		case ScriptLatin:
			if t.Kind == TokenWord || t.Kind == TokenInitial || t.Kind == TokenGeneric {
				latinWords++
				if parsesAsKorean(t.Text) {
					krWords++
					t.korean = []string{koreanSkeleton(t.Text)}
					if _, ok := surnameGroups[t.Text]; ok {
						krSurname = true
					}
				}
			}
		}
	}
	if !n.korean && latinWords > 0 && latinWords <= 5 && krWords == latinWords && krSurname && len(n.LegalForms()) == 0 {
		n.korean = true
	}
	for i := range n.Tokens {
		t := &n.Tokens[i]
		if t.Script == ScriptLatin || t.Script == ScriptNone || len(t.Latin) == 0 {
			t.forms = []string{t.Canon}
		} else {
			t.forms = t.Latin
		}
	}
	n.comparable = n.computeComparable()
}

// Transliterate returns Latin spellings of a name written in Cyrillic
// (Russian: BGN/PCGN, ICAO Doc 9303, Wikipedia practice, GOST 7.79 B,
// scholarly, MVD 782, GOST 52535; Ukrainian: KMU 2010 and DSTU 9112 B),
// Hangul (conventional surname spellings, Revised Romanization,
// McCune–Reischauer and DPRK practice), Greek, and Han (pinyin, weak,
// only for characters in Tenderlens' compact table). Each variant is one
// system applied to the whole name; duplicates are removed. A name with no
// such letters gives nil.
func Transliterate(s string) []string {
	hasCyr, hasHangul, hasHan, hasGreek := false, false, false, false
	for _, r := range s {
		switch runeScript(r) {
		case ScriptCyrillic:
			hasCyr = true
		case ScriptHangul:
			hasHangul = true
		case ScriptHan:
			hasHan = true
		case ScriptGreek:
			hasGreek = true
		}
	}
	var out []string
	add := func(v string) {
		v = strings.Join(strings.Fields(v), " ")
		out = appendUnique(out, v)
	}
	if hasCyr {
		lang := cyrillicLanguage(s)
		if lang != 'u' {
			for _, sys := range ruSystems {
				add(sys.translate(s))
			}
		}
		if lang != 'r' {
			add(ukKMU(s))
			add(ukDSTU9112B(s))
		}
	}
	if hasHangul {
		n := NormalizeName(s)
		for _, sys := range []int{-1, sysRR, sysMR, sysDPRK} {
			var parts []string
			for _, t := range n.Tokens {
				if t.Script != ScriptHangul {
					parts = append(parts, t.Text)
					continue
				}
				if t.Surname {
					if g, ok := hangulSurnames[t.Text]; ok && sys == -1 {
						parts = append(parts, titleCase(surnameSpellings[g][0]))
						continue
					}
				}
				s := sys
				if s == -1 {
					s = sysDPRK
				}
				parts = append(parts, titleCase(strings.Join(hangulSyllables(t.Text, s), "-")))
			}
			add(strings.Join(parts, " "))
		}
	}
	if hasGreek {
		add(greekTranslit(s))
	}
	if hasHan {
		var b strings.Builder
		for _, r := range s {
			if p, ok := hanPinyin[r]; ok {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(titleCase(p))
			} else if !unicode.Is(unicode.Han, r) {
				b.WriteRune(r)
			}
		}
		add(b.String())
	}
	return out
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
