package procure

import (
	"bytes"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Buyer classification.
//
// Every name and hint is folded (lower case, Latin diacritics removed with a
// small table, fullwidth ASCII narrowed, Cyrillic/Armenian/Han kept as they
// are), split into word tokens, and matched against precompiled terms:
//
//   - "police"    the whole token must be the word (so "policy" and
//     "Schoolcraft" never match);
//   - "поліці*"   the token starts with the stem (inflected languages:
//     поліції, поліцейський);
//   - "*schule"   the token ends with it (German compounds: Grundschule);
//   - "*klinik*"  the token contains it (Universitätsklinikum);
//   - a rule in Han or Hangul script is a substring of a run of such
//     characters (臺北市政府警察局 contains 警察).
//
// A rule of several words is a phrase of consecutive tokens ("public
// safety", "охорони здоров*"). Each rule gives evidence; each string is
// decided on its own:
//
//  1. a veto (pension board, retirement system, credit union, fraternal
//     order, sheriff court) means the string names no buyer of any type:
//     "Police Pension Board" is other;
//  2. police evidence wins ("School District Police Department",
//     "Department of Education Police");
//  3. a health institution (hospital, clinic, medical center, 醫院, лікарня)
//     beats education: a university hospital is a hospital
//     ("國立臺灣大學醫學院附設醫院", "University Hospital");
//  4. then education, then other health evidence ("health department").
//
// Across names and hints the highest-priority result wins: police >
// education > health. Two kinds of weak evidence only count when nothing
// else matched: the abbreviations ISD/USD/CISD/CUSD/UFSD (Independent /
// Unified School District; "USD" is also a currency) need a school or
// district word somewhere in the names or hints, and the Ukrainian legal
// form КНП (комунальне некомерційне підприємство, municipal non-profit
// enterprise, used mostly by hospitals) alone means health.
//
// Decisions on borderline names (each has a test): "Fire and Police
// Commission" and "Department of Public Safety" are police (they run a
// police force); prisons, jails, corrections and border guards are police;
// "Police Pension Board", "Police Federation" (a staff association) and
// "Schools Federal Credit Union" are other; a fire department, a court, a
// prosecutor, a library and a water district are other; "Medical School"
// is education but "University Hospital" and "Universitätsklinikum" are
// health; hints such as "Department: Police" or an OCDS classification
// description count like names.
//
// The tables below are built once at start and never modified; a call
// allocates nothing.

// evidence is a bit set of what one rule says about a text.
type evidence uint8

const (
	evPolice      evidence = 1 << iota
	evEducation            // schools, universities, education authorities
	evHealthPlace          // hospitals and clinics: beat education in the same text
	evHealth               // health departments, ministries, insurers
	evVeto                 // pension funds and the like: the text names no typed buyer
	evEduAbbrev            // ISD, USD: education only with a school/district word
	evEduContext           // school, district, education: makes ISD/USD credible
	evWeakHealth           // КНП alone: health when nothing else matched
)

// buyerRules lists the rules per kind of evidence. Patterns are written
// folded (lower case, no Latin diacritics).
var buyerRules = []struct {
	ev    evidence
	rules []string
}{
	{evPolice, []string{
		// English
		"police", "policing", "sheriff", "sheriffs", "constabulary", "constabularies",
		"state patrol", "highway patrol", "border patrol", "border guard", "border force",
		"public safety", "law enforcement", "corrections", "correctional", "prison", "prisons",
		"jail", "jails", "penitentiary", "detention center", "detention centre", "troopers",
		"marshals service",
		// Spanish, Portuguese, French, Italian, German
		"policia", "policias", "policial", "policiaca", "seguridad publica", "seguridad ciudadana",
		"secretaria de seguridad", "carabineros", "gendarmeria", "gendarmerie", "guardia civil",
		"guardia nacional", "penitenciari*", "readaptacion social", "reinsercion social",
		"seguranca publica", "penitentiaire", "polizia", "carabinieri", "*polizei*", "justizvollzug*",
		"gefangnis",
		// Romanian
		"politia", "politiei", "politie", "politiilor", "jandarmeri*", "penitenciar*",
		// Ukrainian, Russian
		"поліці*", "полици*", "міліці*", "милици*", "мвс", "мвд", "гунп", "умвс", "гувс", "гувд",
		"нпу", "внутрішніх справ", "внутренних дел", "прикордонн*", "пограничн*", "пенітенціарн*",
		"виконання покарань", "исполнения наказаний", "фсин", "уфсин", "исправительн*",
		// Armenian, Chinese, Japanese, Korean
		"ոստիկան*", "警察", "警政", "公安", "監獄", "监狱", "看守所", "矯正署", "경찰", "교도소",
	}},
	{evEducation | evEduContext, []string{
		// English
		"school", "schools", "preschool", "preschools", "schoolhouse", "college", "colleges",
		"university", "universities", "academy", "academies", "kindergarten", "kindergartens",
		"education", "educational", "boces", "polytechnic", "institute of technology", "elementary",
		"gymnasium", "lyceum", "board of regents", "head start",
		// Spanish, Portuguese, Italian, French, German, Polish
		"escuela", "escuelas", "colegio", "colegios", "universidad", "universidades", "liceo",
		"liceos", "educacion", "educativa", "educativo", "educativas", "educativos",
		"instituto tecnologico", "instituto politecnico", "preparatoria", "secundaria",
		"jardin de ninos", "telesecundaria", "escola", "escolas", "universidade", "educacao",
		"scuola", "scuole", "universita", "istruzione", "ecole", "ecoles", "lycee", "lycees",
		"universite", "academie", "*schule", "*schulen", "universitat", "*universitat",
		"bildung*", "szkola", "szkoly", "uniwersytet*",
		// Romanian
		"scoala", "scolii", "scoli", "scolile", "scolar", "scolara", "scolare", "liceu", "liceul",
		"liceului", "universitatea", "universitate", "universitatii", "colegiul", "colegiu",
		"gradinita", "gradinitei", "gimnaziala", "gimnaziu", "gimnaziul", "educatie*", "invatamant*",
		// Ukrainian, Russian
		"школ*", "шкільн*", "ліцей*", "лицей", "лицея", "лицею", "гімназі*", "гимнази*",
		"університет*", "университет*", "коледж*", "колледж*", "технікум*", "техникум*",
		"училищ*", "академі*", "академия", "академии", "освіти", "освіта", "освітн*",
		"образовани*", "образовательн*", "навчальн*", "учебн*", "садок", "садка", "детск* сад*",
		"дошкільн*", "дошкольн*", "зош", "здо", "нвк", "днз", "ззсо", "знз", "зво",
		// Armenian
		"դպրոց*", "համալսարան*", "քոլեջ*", "մանկապարտեզ*", "կրթ*",
		// Chinese, Japanese, Korean
		"學校", "学校", "大學", "大学", "學院", "学院", "國小", "国小", "國中", "国中", "高中",
		"小學", "小学", "中學", "中学", "幼兒園", "幼儿园", "幼稚園", "教育", "학교", "대학",
		"교육", "유치원", "어린이집",
	}},
	{evHealthPlace, []string{
		"hospital", "hospitals", "infirmary", "clinic", "clinics", "polyclinic", "medical center",
		"medical centers", "medical centre", "medical centres", "health center", "health centre",
		"sanatorium", "hospice",
		"hospitales", "clinica", "clinicas", "sanatorio", "policlinica", "hopital", "hopitaux",
		"hospitalier", "hospitaliere", "hospitaliers", "chu", "clinique", "cliniques",
		"*krankenhaus*", "*klinik*", "ospedale", "ospedaliera",
		"spital*", "policlinic*", "imsp", "i m s p",
		"лікарн*", "поліклінік*", "клінік*", "клиник*", "поликлиник*", "больниц*", "госпітал*",
		"госпиталь*", "шпитал*", "клінічн*", "клиническ*", "амбулатор*", "пологов*", "диспансер*", "санатор*",
		"հիվանդանոց*", "պոլիկլինիկ*",
		"醫院", "医院", "病院", "診所", "诊所", "병원", "의료원",
	}},
	{evHealth, []string{
		"health", "healthcare", "nhs", "ambulance", "public health",
		"salud", "imss", "issste", "insabi", "seguro social", "sanitaria", "sanitario",
		"sante", "saude", "*gesundheit*", "sanatat*", "ambulanta", "azienda sanitaria",
		"medico sanitara", "medico sanitare",
		"охорони здоров*", "здравоохранени*", "медичн*", "медико*", "медицинск*", "стоматологі*",
		"стоматологи*", "онкологі*", "онкологи*", "діагностичн*", "диагностическ*", "моз", "цпмсд",
		"առողջապահ*", "բժշկական*",
		"衛生局", "卫生局", "衛生所", "卫生所", "衛生署", "卫生署", "衛生福利部", "衛福部",
		"卫生健康", "卫健委", "疾病管制", "疾控", "醫療", "医疗", "보건",
	}},
	{evVeto, []string{
		"pension", "pensions", "retirement", "annuity", "credit union", "benevolent", "fraternal",
		"sheriff court", "sheriff courts", "police federation", "pensiones", "jubilacion*",
		"пенсійн*", "пенсионн*",
	}},
	{evEduAbbrev, []string{"isd", "usd", "cisd", "cusd", "ufsd"}},
	{evEduContext, []string{"district", "districts", "distrito"}},
	{evWeakHealth, []string{"кнп", "некомерційне підприємство"}},
}

// Term kinds.
const (
	termExact = iota
	termPrefix
	termSuffix
	termInfix
)

// maxTokenTerms caps the terms one token can match; more are ignored (no
// rule set comes close).
const maxTokenTerms = 6

// maxTokenBytes is the longest folded word matched; longer tokens are
// skipped (no name has words that long).
const maxTokenBytes = 120

type affix struct {
	s     []byte
	pairs uint64 // bigrams(s)
	id    int32
}

type phrase struct {
	terms []int32 // in order
	ev    evidence
}

type cjkRule struct {
	runes []rune // the whole rule, last rune included
	ev    evidence
}

type tokenTerms struct {
	n   int
	ids [maxTokenTerms]int32
}

func (t *tokenTerms) add(id int32) {
	for i := 0; i < t.n; i++ {
		if t.ids[i] == id {
			return
		}
	}
	if t.n < maxTokenTerms {
		t.ids[t.n] = id
		t.n++
	}
}

func (t *tokenTerms) has(id int32) bool {
	for i := 0; i < t.n; i++ {
		if t.ids[i] == id {
			return true
		}
	}
	return false
}

// FNV-1a, computed byte by byte over a token, so that every prefix of the
// token has its hash ready for the term tables.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnvString(s string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

// bigram returns the bit of the byte pair (a, b) in a 64-bit Bloom filter of
// a token's byte pairs: affix rules are only tried on tokens holding all of
// their pairs.
func bigram(a, b byte) uint64 { return 1 << ((uint(a)*31 + uint(b)) & 63) }

func bigrams(s []byte) uint64 {
	var f uint64
	for i := 1; i < len(s); i++ {
		f |= bigram(s[i-1], s[i])
	}
	return f
}

// termTable is an open-addressing hash table from a folded word (or
// prefix) to its term id: cheaper than a map because the hash is already
// known.
type termTable struct {
	mask  uint32
	slots []termSlot
}

type termSlot struct {
	h   uint32
	key string
	id  int32 // -1 when empty
}

func newTermTable(terms map[string]int32) termTable {
	size := 16
	for size < 4*len(terms) {
		size *= 2
	}
	t := termTable{mask: uint32(size - 1), slots: make([]termSlot, size)}
	for i := range t.slots {
		t.slots[i].id = -1
	}
	for k, id := range terms {
		h := fnvString(k)
		i := h & t.mask
		for t.slots[i].id >= 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = termSlot{h: h, key: k, id: id}
	}
	return t
}

func (t *termTable) lookup(h uint32, key []byte) (int32, bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.id < 0 {
			return 0, false
		}
		if sl.h == h && sl.key == string(key) {
			return sl.id, true
		}
	}
}

// buyerMatcher holds the compiled rules. It is built once and read-only.
type buyerMatcher struct {
	exact   map[string]int32 // while building
	prefix  map[string]int32 // while building
	exactT  termTable
	prefixT termTable
	// exactLens[b] and prefixLens[b] have bit n set when some exact or
	// prefix term starting with byte b is n bytes long, so a token is only
	// hashed and probed at lengths that can match.
	exactLens     [256]uint64
	prefixLens    [256]uint64
	suffixes      []affix
	infixes       []affix
	termEv        []evidence // single-token evidence per term id
	phrasesByLast [][]phrase // multi-token rules by the id of their last term
	cjkByLast     map[rune][]cjkRule
	minAffix      int // shortest suffix or infix rule, in bytes
}

var buyerTypes = newBuyerMatcher()

func newBuyerMatcher() *buyerMatcher {
	m := &buyerMatcher{
		exact:     map[string]int32{},
		prefix:    map[string]int32{},
		cjkByLast: map[rune][]cjkRule{},
	}
	for _, group := range buyerRules {
		for _, rule := range group.rules {
			m.addRule(rule, group.ev)
		}
	}
	m.exactT, m.prefixT = newTermTable(m.exact), newTermTable(m.prefix)
	m.exact, m.prefix = nil, nil
	return m
}

func (m *buyerMatcher) term(kind int, s string) int32 {
	var id int32
	switch kind {
	case termExact:
		if v, ok := m.exact[s]; ok {
			return v
		}
		id = int32(len(m.termEv))
		m.exact[s] = id
		if len(s) >= 64 {
			panic("buyer rule word too long: " + s)
		}
		m.exactLens[s[0]] |= 1 << uint(len(s))
	case termPrefix:
		if v, ok := m.prefix[s]; ok {
			return v
		}
		id = int32(len(m.termEv))
		m.prefix[s] = id
		if len(s) >= 64 {
			panic("buyer rule prefix too long: " + s)
		}
		m.prefixLens[s[0]] |= 1 << uint(len(s))
	case termSuffix, termInfix:
		list := &m.suffixes
		if kind == termInfix {
			list = &m.infixes
		}
		for _, a := range *list {
			if string(a.s) == s {
				return a.id
			}
		}
		id = int32(len(m.termEv))
		*list = append(*list, affix{s: []byte(s), pairs: bigrams([]byte(s)), id: id})
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				panic("buyer affix rules must be ASCII: " + s)
			}
		}
		if m.minAffix == 0 || len(s) < m.minAffix {
			m.minAffix = len(s)
		}
	}
	m.termEv = append(m.termEv, 0)
	m.phrasesByLast = append(m.phrasesByLast, nil)
	return id
}

func (m *buyerMatcher) addRule(rule string, ev evidence) {
	if r, _ := utf8.DecodeRuneInString(rule); isCJK(r) {
		runes := []rune(rule)
		for _, c := range runes {
			if !isCJK(c) {
				panic("buyer rule mixes scripts: " + rule)
			}
		}
		last := runes[len(runes)-1]
		m.cjkByLast[last] = append(m.cjkByLast[last], cjkRule{runes: runes, ev: ev})
		if len(runes) > len(scan{}.cjk) {
			panic("buyer rule too long: " + rule)
		}
		return
	}
	words := strings.Fields(rule)
	ids := make([]int32, len(words))
	for i, w := range words {
		kind := termExact
		switch {
		case strings.HasPrefix(w, "*") && strings.HasSuffix(w, "*"):
			kind, w = termInfix, w[1:len(w)-1]
		case strings.HasPrefix(w, "*"):
			kind, w = termSuffix, w[1:]
		case strings.HasSuffix(w, "*"):
			kind, w = termPrefix, w[:len(w)-1]
		}
		if w == "" || foldString(w) != w {
			panic("buyer rule is not folded: " + rule)
		}
		ids[i] = m.term(kind, w)
	}
	if len(ids) == 1 {
		m.termEv[ids[0]] |= ev
		return
	}
	if len(ids) > maxPhraseWords {
		panic("buyer rule has too many words: " + rule)
	}
	last := ids[len(ids)-1]
	m.phrasesByLast[last] = append(m.phrasesByLast[last], phrase{terms: ids, ev: ev})
}

// maxPhraseWords bounds the token history kept for phrases.
const maxPhraseWords = 4

// scan is the state of classifying one string.
type scan struct {
	m  *buyerMatcher
	ev evidence
	// current token
	tok     [maxTokenBytes]byte
	n       int
	tooLong bool
	// terms of the previous tokens, newest at hist[(pos-1)%maxPhraseWords]
	hist [maxPhraseWords]tokenTerms
	pos  int
	// recent CJK runes for substring rules
	cjk  [16]rune
	ncjk int
}

// latinFold maps a lower-case Latin letter with a diacritic (U+00C0..U+024F)
// to its base letters; "" when it has none.
var latinFold = func() (t [0x250]string) {
	for _, g := range []string{
		"aàáâãäåāăąǎǟǡǻȁȃȧ", "cçćĉċč", "dďđ", "eèéêëēĕėęěȅȇȩ", "gĝğġģǧǵ", "hĥħȟ", "iìíîïĩīĭįıǐȉȋ",
		"jĵǰ", "kķǩ", "lĺļľŀł", "nñńņňŉǹ", "oòóôõöøōŏőǒǫǭǿȍȏȫȭȯȱ", "rŕŗřȑȓ", "sśŝşšș",
		"tţťŧț", "uùúûüũūŭůűųǔǖǘǚǜȕȗ", "wŵ", "yýÿŷȳ", "zźżžƶ",
	} {
		base := string([]rune(g)[0])
		for _, r := range []rune(g)[1:] {
			t[r] = base
		}
	}
	t['ß'], t['æ'], t['œ'], t['þ'], t['ð'], t['ĳ'], t['ǆ'], t['ǉ'], t['ǌ'] =
		"ss", "ae", "oe", "th", "d", "ij", "dz", "lj", "nj"
	// Capitals fold like their small letters (À -> à -> a).
	for r := rune(0xC0); r < 0x250; r++ {
		if l := unicode.ToLower(r); l != r && l < 0x250 && t[r] == "" {
			t[r] = t[l]
		}
	}
	return t
}()

func isCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0xAC00 && r <= 0xD7A3, r >= 0x3040 && r <= 0x30FF:
		return true // common Han, Hangul syllables, kana
	}
	return (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) ||
		unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// foldString folds s the way the classifier sees it (used to check rules
// and in tests): separators become single spaces, '*' is kept.
func foldString(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '*' {
			b.WriteRune(r)
			continue
		}
		f, fr, ok := foldRune(r)
		switch {
		case !ok:
			b.WriteByte(' ')
		case f != "":
			b.WriteString(f)
		case fr != 0:
			b.WriteRune(fr)
		}
	}
	return b.String()
}

// foldRune folds a rune: ok=false for a separator; otherwise the folded
// form is f when not empty, else fr when not 0, else nothing (combining
// marks continue the word without adding to it).
func foldRune(r rune) (f string, fr rune, ok bool) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return "", r, true
		case 'A' <= r && r <= 'Z':
			return "", r + 'a' - 'A', true
		}
		return "", 0, false
	case r >= 0x410 && r <= 0x42F: // Cyrillic А..Я
		return "", r + 0x20, true
	case r >= 0x430 && r <= 0x44F: // Cyrillic а..я
		return "", r, true
	case r >= 0x400 && r <= 0x40F: // Cyrillic Ѐ..Џ (Є, І, Ї, Ё...)
		if r == 'Ё' {
			return "", 'е', true
		}
		return "", r + 0x50, true
	case r >= 0x450 && r <= 0x45F: // Cyrillic ѐ..џ (є, і, ї, ё...)
		if r == 'ё' {
			return "", 'е', true
		}
		return "", r, true
	case r >= 0x490 && r <= 0x4BF: // Ґ ґ Ғ ғ ... in capital/small pairs
		return "", r | 1, true
	case r >= 0xC0 && r < 0x250:
		if f := latinFold[r]; f != "" {
			return f, 0, true
		}
		if r == 0xD7 || r == 0xF7 { // × ÷
			return "", 0, false
		}
	case r >= 0x531 && r <= 0x556: // Armenian capitals
		return "", r + 0x30, true
	case r >= 0x561 && r <= 0x587: // Armenian small letters
		return "", r, true
	case r >= 0xFF01 && r <= 0xFF5E: // fullwidth ASCII
		return foldRune(r - 0xFEE0)
	case r == 0x2019 || r == 0x02BC || r == 0x2018 || r == 0x02B9: // apostrophes
		return "", 0, false
	}
	switch {
	case unicode.Is(unicode.Mn, r):
		return "", 0, true
	case !unicode.IsLetter(r) && !unicode.IsDigit(r):
		return "", 0, false
	}
	r = unicode.ToLower(r)
	if r < 0x250 {
		if f := latinFold[r]; f != "" {
			return f, 0, true
		}
	}
	if r == 'ё' {
		r = 'е'
	}
	return "", r, true
}

func (s *scan) reset() {
	s.n, s.tooLong, s.pos, s.ncjk = 0, false, 0, 0
}

func (s *scan) text(str string) {
	s.reset()
	for i := 0; i < len(str); {
		c := str[i]
		if c < utf8.RuneSelf { // fast path for ASCII
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				s.ncjk = 0
				s.push(c)
				continue
			case 'A' <= c && c <= 'Z':
				s.ncjk = 0
				s.push(c + 'a' - 'A')
				continue
			}
			s.ncjk = 0
			s.endToken()
			continue
		}
		var r rune
		if c >= 0xC2 && c < 0xE0 && i+1 < len(str) && str[i+1]&0xC0 == 0x80 {
			// two-byte sequence (Latin extensions, Cyrillic, Armenian)
			r = rune(c&0x1F)<<6 | rune(str[i+1]&0x3F)
			i += 2
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(str[i:])
			i += size
		}
		if isCJK(r) {
			s.endToken()
			s.cjkRune(r)
			continue
		}
		s.ncjk = 0
		f, fr, ok := foldRune(r)
		switch {
		case !ok:
			s.endToken()
		case f != "":
			for j := 0; j < len(f); j++ {
				s.push(f[j])
			}
		case fr == 0: // combining mark: nothing to add
		case fr < utf8.RuneSelf: // fullwidth ASCII
			s.push(byte(fr))
		case fr < 0x800:
			s.push(byte(0xC0 | fr>>6))
			s.push(byte(0x80 | fr&0x3F))
		default:
			var enc [utf8.UTFMax]byte
			k := utf8.EncodeRune(enc[:], fr)
			for j := 0; j < k; j++ {
				s.push(enc[j])
			}
		}
	}
	s.endToken()
}

func (s *scan) push(b byte) {
	if s.n < maxTokenBytes {
		s.tok[s.n] = b
		s.n++
		return
	}
	s.tooLong = true
}

func (s *scan) endToken() {
	if s.n == 0 {
		return
	}
	n, tooLong := s.n, s.tooLong
	s.n, s.tooLong = 0, false
	var tt tokenTerms
	if !tooLong {
		m := s.m
		tok := s.tok[:n]
		// Hash the token byte by byte (FNV-1a), probing the prefix table at
		// the lengths some prefix rule has, and the exact table at the end;
		// stop early when no rule can match.
		var emask uint64
		if n < 64 {
			emask = m.exactLens[tok[0]] & (1 << uint(n))
		}
		pmask := m.prefixLens[tok[0]]
		if n < 63 {
			pmask &= 1<<uint(n+1) - 1
		}
		if emask|pmask != 0 {
			limit := n
			if emask == 0 {
				limit = 63 - bits.LeadingZeros64(pmask)
			}
			h := uint32(fnvOffset)
			for l := 1; l <= limit; l++ {
				h = (h ^ uint32(tok[l-1])) * fnvPrime
				// A cut inside a multi-byte rune never equals a rule, which is
				// valid UTF-8, so no boundary check is needed.
				if pmask&(1<<uint(l)) != 0 {
					if id, ok := m.prefixT.lookup(h, tok[:l]); ok {
						tt.add(id)
					}
				}
			}
			if emask != 0 {
				if id, ok := m.exactT.lookup(h, tok); ok {
					tt.add(id)
				}
			}
		}
		if n >= m.minAffix && tok[0] < utf8.RuneSelf { // every affix rule is ASCII
			pairs := bigrams(tok)
			for _, a := range m.suffixes {
				if pairs&a.pairs == a.pairs && bytes.HasSuffix(tok, a.s) {
					tt.add(a.id)
				}
			}
			for _, a := range m.infixes {
				if pairs&a.pairs == a.pairs && bytes.Contains(tok, a.s) {
					tt.add(a.id)
				}
			}
		}
		for i := 0; i < tt.n; i++ {
			id := tt.ids[i]
			s.ev |= m.termEv[id]
			for _, p := range m.phrasesByLast[id] {
				if s.phraseEndsHere(p) {
					s.ev |= p.ev
				}
			}
		}
	}
	s.hist[s.pos%maxPhraseWords] = tt
	s.pos++
}

// phraseEndsHere reports whether the tokens before the current one match
// the phrase's earlier terms. The current token is not in hist yet.
func (s *scan) phraseEndsHere(p phrase) bool {
	k := len(p.terms) - 1 // earlier terms; k < maxPhraseWords (checked at build)
	if k > s.pos {
		return false
	}
	for j := 1; j <= k; j++ {
		if !s.hist[(s.pos-j)%maxPhraseWords].has(p.terms[k-j]) {
			return false
		}
	}
	return true
}

func (s *scan) cjkRune(r rune) {
	if s.ncjk == len(s.cjk) {
		copy(s.cjk[:], s.cjk[1:])
		s.ncjk--
	}
	s.cjk[s.ncjk] = r
	s.ncjk++
	for _, rule := range s.m.cjkByLast[r] {
		k := len(rule.runes)
		if k > s.ncjk {
			continue
		}
		match := true
		for j := 0; j < k; j++ {
			if s.cjk[s.ncjk-k+j] != rule.runes[j] {
				match = false
				break
			}
		}
		if match {
			s.ev |= rule.ev
		}
	}
}

// decide turns the evidence of one string into a type (BuyerOther when the
// string says nothing typed).
func decide(ev evidence) BuyerType {
	switch {
	case ev&evVeto != 0:
		return BuyerOther
	case ev&evPolice != 0:
		return BuyerPolice
	case ev&evHealthPlace != 0:
		return BuyerHealth
	case ev&evEducation != 0:
		return BuyerEducation
	case ev&evHealth != 0:
		return BuyerHealth
	}
	return BuyerOther
}

func buyerRank(t BuyerType) int {
	switch t {
	case BuyerPolice:
		return 3
	case BuyerEducation:
		return 2
	case BuyerHealth:
		return 1
	}
	return 0
}

func classifyBuyer(names []string, hints []string) BuyerType {
	var s scan
	s.m = buyerTypes
	best := BuyerOther
	var weak evidence // ISD/USD, context words, КНП across all strings
	for _, list := range [2][]string{names, hints} {
		for _, str := range list {
			s.ev = 0
			s.text(str)
			if s.ev&evVeto != 0 {
				continue
			}
			weak |= s.ev & (evEduAbbrev | evEduContext | evWeakHealth)
			if t := decide(s.ev); buyerRank(t) > buyerRank(best) {
				best = t
			}
		}
	}
	if best != BuyerOther {
		return best
	}
	switch {
	case weak&evEduAbbrev != 0 && weak&evEduContext != 0:
		return BuyerEducation
	case weak&evWeakHealth != 0:
		return BuyerHealth
	}
	return BuyerOther
}
