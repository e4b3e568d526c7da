package match

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Record is one side of a comparison: a procurement supplier, a register
// entity or a list entry.
type Record struct {
	Kind        procure.EntityKind   // company, person, ... ("" = unknown)
	Names       []string             // primary first; aliases after
	WeakNames   []string             // low-quality aliases
	Identifiers []procure.Identifier // qualified
	Countries   []string             // ISO alpha-2
	Addresses   []string
	BirthDate   string // partial allowed ("1964", "1964-08"); alternatives separated by ";"
}

// Options configure Compare.
type Options struct {
	// Threshold is the score from which a comparison is a match
	// (DefaultThreshold when zero).
	Threshold float64
}

// DefaultThreshold is the default match threshold (logic-v2's default).
// Measured at 0.7 on the shared name-matching data (see quality_test.go):
// 153 of the 155 UN DPRK entries match their OFAC SDN counterpart, with
// 97% pair precision (the false pairs come from the lists' own
// cross-aliases and from Taesong/Daesong, a spelling the romanisations
// cannot tell apart); of 3,254 people who are on no sanctions list (2,000
// synthetic yente negatives, 1,254 US Congress members) at most 0.2% get a
// name-only hit against the OFAC and UN individuals and none once birth
// date and nationality are compared. Name-only pairs at 0.6 / 0.7 / 0.8:
// UN–OFAC DPRK precision 0.82 / 0.97 / 0.98 (recall 1.0 throughout); on
// nomenklatura's OFAC fixtures recall 0.50 / 0.33 / 0.18 at precision
// 0.90 / 0.89 / 0.90. 0.8 would drop full names against fuller list names
// ("VLADIMIR PUTIN" ~ "PUTIN, Vladimir Vladimirovich" scores 0.77).
const DefaultThreshold = 0.7

// Scores and weights (logic-v2-like; see compare_test.go for the cases
// they are tuned against).
const (
	scoreStrongID   = 0.95 // same qualified strong identifier (LEI, INN, OGRN, UEI, ...)
	scoreOtherID    = 0.85 // same qualified identifier of another scheme
	weakAliasFactor = 0.8  // a match through a weak alias counts this much

	penaltyIDConflict    = -0.2  // both have a strong identifier of one scheme and they differ (see idConflictCap)
	idConflictCap        = 0.4   // the highest score of two records with conflicting strong identifiers
	penaltyCountry       = -0.2  // both have countries and none is shared
	bonusAddress         = 0.1   // addresses share most of their words
	penaltyBirthYear     = -0.35 // born in different years (same-name persons are common on lists)
	penaltyBirthDay      = -0.1  // same year, different day
	penaltyBirthNear     = -0.15 // birth years one apart
	penaltyKind          = -0.4  // a person against an organisation (both kinds given)
	penaltyKindInferred  = -0.15 // the same when one kind is inferred from the name
	penaltyNumber        = 0.3   // both names carry numbers and they differ
	capNoEvidence        = 0.35  // no word or number in common, only legal forms / generic words
	weightLegalUnmatched = 0.3   // a legal form only one name has ("Siemens AG" / "Siemens")
	capShortName         = 0.65  // a one-word name of ≤ 4 letters against a longer name
	candidateExtraFactor = 0.6   // words only the second name (the candidate) has weigh this much
	weakPinyinFactor     = 0.6   // a Han token matched through pinyin counts this much
)

// tokenWeight is the weight of a token of each kind in the name score.
func tokenWeight(t *Token) float64 {
	var w float64
	switch t.Kind {
	case TokenWord:
		w = 1
	case TokenNumber:
		w = 1.3
	case TokenLegalForm:
		w = 0.6
	case TokenInitial:
		w = 0.5
	case TokenStopword:
		w = 0.1
	case TokenGeneric:
		w = 0.4
	case TokenLocation:
		w = 0.5
	}
	return w
}

// unmatchedWeight is the weight of a token only one name has.
func unmatchedWeight(t *Token) float64 {
	if t.Kind == TokenLegalForm {
		return weightLegalUnmatched
	}
	return tokenWeight(t)
}

// Prepared is a Record analysed once for many comparisons (NormalizeName
// of every name, parsed dates and identifiers).
type Prepared struct {
	rec       Record
	names     []Name
	weak      []Name
	kind      procure.EntityKind
	inferred  bool // kind guessed from the names
	countries []string
	ids       []normID
	addrs     [][]string
	dobs      []string
	korean    bool
}

type normID struct {
	scheme, id string
	strong     bool
}

// Prepare analyses a record for ComparePrepared.
func Prepare(r Record) *Prepared {
	p := &Prepared{rec: r, kind: r.Kind}
	for _, s := range r.Names {
		if n := NormalizeName(s); len(n.Tokens) > 0 {
			p.names = append(p.names, n)
		}
	}
	for _, s := range r.WeakNames {
		if n := NormalizeName(s); len(n.Tokens) > 0 {
			p.weak = append(p.weak, n)
		}
	}
	if p.kind == "" || p.kind == procure.EntityUnknown {
		p.kind, p.inferred = inferKind(p.names), true
	}
	for _, c := range r.Countries {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" {
			p.countries = appendUnique(p.countries, c)
			if c == "KP" || c == "KR" {
				p.korean = true
			}
		}
	}
	for _, id := range r.Identifiers {
		if n, ok := normalizeID(id); ok {
			p.ids = append(p.ids, n)
		}
	}
	for _, a := range r.Addresses {
		if toks := addressTokens(a); len(toks) > 0 {
			p.addrs = append(p.addrs, toks)
		}
	}
	for _, d := range strings.FieldsFunc(r.BirthDate, func(r rune) bool { return r == ';' || r == '|' || r == ',' }) {
		if d = normalizeDate(d); d != "" {
			p.dobs = append(p.dobs, d)
		}
	}
	return p
}

// inferKind guesses a company from a legal form and an organisation from
// generic organisation words; "" when the names say nothing.
func inferKind(names []Name) procure.EntityKind {
	org := false
	for _, n := range names {
		for _, t := range n.Tokens {
			if t.Kind == TokenLegalForm {
				return procure.EntityCompany
			}
			if t.Kind == TokenGeneric {
				org = true
			}
			switch t.Canon {
			case "university", "ministry", "institute", "department", "laboratory":
				org = true
			}
		}
	}
	if org {
		return procure.EntityOrganization
	}
	return ""
}

func isOrgKind(k procure.EntityKind) bool {
	switch k {
	case procure.EntityCompany, procure.EntityOrganization, procure.EntityState, procure.EntityArrangement:
		return true
	}
	return false
}

// Compare scores whether a (the query, e.g. a procurement supplier) and b
// (the candidate, e.g. a list entity) are the same, with a per-feature
// explanation. Words that only b has weigh less than words only a has
// (list entries carry fuller names), so Compare is not symmetric.
func Compare(a, b Record, opt Options) procure.MatchResult {
	return ComparePrepared(Prepare(a), Prepare(b), opt)
}

// ComparePrepared is Compare on prepared records.
func ComparePrepared(a, b *Prepared, opt Options) procure.MatchResult {
	th := opt.Threshold
	if th <= 0 {
		th = DefaultThreshold
	}
	korean := a.korean || b.korean
	var feats []procure.MatchFeature

	// Main features: the best name pair, weak aliases, identifiers.
	nameScore, bq, br := bestNamePair(a.names, b.names, korean)
	weakScore, wq, wr := 0.0, (*Name)(nil), (*Name)(nil)
	for _, pair := range [3][2][]Name{{a.weak, b.names}, {a.names, b.weak}, {a.weak, b.weak}} {
		if s, q, r := bestNamePair(pair[0], pair[1], korean); s*weakAliasFactor > weakScore {
			weakScore, wq, wr = s*weakAliasFactor, q, r
		}
	}
	idScore, idDetail, idPenalty, idPenaltyDetail := compareIDs(a.ids, b.ids)

	main := math.Max(nameScore, math.Max(weakScore, idScore))
	if bq != nil {
		var al alignment
		al.compare(bq, br, korean)
		feats = append(feats, procure.MatchFeature{Feature: "name", Score: round3(nameScore), Detail: al.explain()})
	}
	if weakScore > nameScore && wq != nil {
		var al alignment
		al.compare(wq, wr, korean)
		feats = append(feats, procure.MatchFeature{Feature: "weak-alias", Score: round3(weakScore), Detail: "weak alias " + al.explain()})
	}
	if idScore > 0 {
		feats = append(feats, procure.MatchFeature{Feature: "identifier", Score: idScore, Detail: idDetail})
	}
	score := main
	if main > 0 {
		add := func(f string, s float64, d string) {
			feats = append(feats, procure.MatchFeature{Feature: f, Score: s, Detail: d})
			score += s
		}
		if s, d := compareCountries(a.countries, b.countries); d != "" {
			add("country", s, d)
		}
		if s, d := compareAddresses(a.addrs, b.addrs); d != "" {
			add("address", s, d)
		}
		if s, d := compareDates(a.dobs, b.dobs); d != "" {
			add("birth-date", s, d)
		}
		if s, d := compareKinds(a, b); d != "" {
			add("kind", s, d)
		}
	}
	// Different numbers in one strong register (INN, OGRN, LEI, company
	// number) mean different entities whatever the names say: the conflict
	// is decisive and keeps the score below any sensible threshold.
	if idPenalty != 0 && main > 0 && score > idConflictCap {
		feats = append(feats, procure.MatchFeature{Feature: "identifier-conflict", Score: round3(idConflictCap - score),
			Detail: idPenaltyDetail + ": not the same entity"})
		score = idConflictCap
	}
	score = round3(math.Max(0, math.Min(1, score)))
	if feats == nil {
		feats = []procure.MatchFeature{{Feature: "name", Score: 0, Detail: "no names to compare"}}
	}
	return procure.MatchResult{Score: score, Match: score >= th, Features: feats}
}

// bestNamePair returns the best score over all pairs of names.
func bestNamePair(qs, rs []Name, korean bool) (float64, *Name, *Name) {
	best := -1.0
	var bq, br *Name
	var al alignment
	for i := range qs {
		for j := range rs {
			s := al.compare(&qs[i], &rs[j], korean)
			if s > best {
				best, bq, br = s, &qs[i], &rs[j]
			}
			if s >= 1 {
				return 1, bq, br
			}
		}
	}
	if best < 0 {
		best = 0
	}
	return best, bq, br
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// How two tokens matched (for explanations).
const (
	howNone uint8 = iota
	howExact
	howSymbol
	howLegal
	howLegalType
	howFuzzy
	howTranslit
	howTranslitFuzzy
	howKoreanSurname
	howKorean
	howInitial
	howOrgWord
	howPinyin
	howJoined
)

// tokenPair is one aligned pair: tokens a0..a0+an-1 of the first name
// with b0..b0+bn-1 of the second (groups when words are split
// differently, "jongun" = "jong un").
type tokenPair struct {
	a0, an, b0, bn int
	score          float64
	how            uint8
}

// alignment is the token alignment of two names; reused across
// comparisons to avoid allocations.
type alignment struct {
	q, r         *Name
	pairs        []tokenPair
	usedQ, usedR []bool
	cands        []cand
	score        float64
	notes        []string
}

type cand struct {
	i, j  int
	score float64
	how   uint8
	same  bool // same token kind
}

// compare aligns q with r and returns the name score in [0,1].
func (al *alignment) compare(q, r *Name, korean bool) float64 {
	al.q, al.r = q, r
	al.pairs, al.cands, al.notes = al.pairs[:0], al.cands[:0], al.notes[:0]
	al.score = 0
	if len(q.Tokens) == 0 || len(r.Tokens) == 0 {
		return 0
	}
	al.usedQ = resetBools(al.usedQ, len(q.Tokens))
	al.usedR = resetBools(al.usedR, len(r.Tokens))
	if q.comparable == r.comparable {
		for i := range q.Tokens {
			al.usedQ[i] = true
		}
		for j := range r.Tokens {
			al.usedR[j] = true
		}
		al.score = 1
		al.notes = append(al.notes, "same words")
		return 1
	}
	korean = korean || q.korean || r.korean
	// Score every token pair, then pair greedily from the best.
	for i := range q.Tokens {
		for j := range r.Tokens {
			if s, how := tokenSim(&q.Tokens[i], &r.Tokens[j], korean); s > 0 {
				al.cands = append(al.cands, cand{i, j, s, how, q.Tokens[i].Kind == r.Tokens[j].Kind})
			}
		}
	}
	c := al.cands
	for x := 1; x < len(c); x++ { // insertion sort: best score first, same kind first, stable
		for y := x; y > 0 && (c[y].score > c[y-1].score || c[y].score == c[y-1].score && c[y].same && !c[y-1].same); y-- {
			c[y], c[y-1] = c[y-1], c[y]
		}
	}
	for _, x := range c {
		if al.usedQ[x.i] || al.usedR[x.j] {
			continue
		}
		al.usedQ[x.i], al.usedR[x.j] = true, true
		al.pairs = append(al.pairs, tokenPair{a0: x.i, an: 1, b0: x.j, bn: 1, score: x.score, how: x.how})
	}
	// Words split differently: "jongun" = "jong un", "bashiruddin" =
	// "bashir ud din", "alqaeda" = "al qaeda".
	al.joinSplitWords(q, r, al.usedQ, al.usedR, false, korean)
	al.joinSplitWords(r, q, al.usedR, al.usedQ, true, korean)

	var num, den float64
	evidencePaired, evidenceAny := false, false
	evQ, evR, evPairScore := 0, 0, 1.0
	numQ, numR, numPaired := false, false, false
	for _, p := range al.pairs {
		wq, wr := 0.0, 0.0
		for i := p.a0; i < p.a0+p.an; i++ {
			wq += tokenWeight(&q.Tokens[i])
		}
		for j := p.b0; j < p.b0+p.bn; j++ {
			wr += tokenWeight(&r.Tokens[j])
		}
		w := (wq/float64(p.an) + wr/float64(p.bn)) / 2
		num += p.score * w
		den += w
		kq, kr := q.Tokens[p.a0].Kind, r.Tokens[p.b0].Kind
		if groupEvidence(q, p.a0, p.an) && groupEvidence(r, p.b0, p.bn) && p.score >= 0.7 {
			evidencePaired = true
			evPairScore = math.Min(evPairScore, p.score)
		}
		if kq == TokenNumber && kr == TokenNumber {
			numPaired = true
		}
	}
	// Extra words of the candidate are cheap (patronymics, fuller legal
	// names), except in Korean personal names, where a missing syllable
	// is a different person (Jo Chol, Jo Kyong Chol).
	extra := candidateExtraFactor
	if q.korean || r.korean {
		extra = 1
	}
	for i := range q.Tokens {
		t := &q.Tokens[i]
		if t.Kind.evidence() {
			evidenceAny = true
			evQ++
		}
		if t.Kind == TokenNumber {
			numQ = true
		}
		if !al.usedQ[i] {
			w := unmatchedWeight(t)
			if t.Paren {
				w *= 0.3
			}
			den += w
		}
	}
	for j := range r.Tokens {
		t := &r.Tokens[j]
		if t.Kind.evidence() {
			evidenceAny = true
			evR++
		}
		if t.Kind == TokenNumber {
			numR = true
		}
		if !al.usedR[j] {
			w := unmatchedWeight(t) * extra
			if t.Paren {
				w *= 0.3
			}
			den += w
		}
	}
	score := 0.0
	if den > 0 {
		score = num / den
	}
	if evidenceAny && !evidencePaired && score > capNoEvidence {
		score = capNoEvidence
		al.notes = append(al.notes, "no distinctive word in common (only legal forms, generic words or places)")
	}
	if evQ == 1 && evR == 1 && evPairScore < 1 {
		// A one-word name that only matches approximately ("Jindallae",
		// "Jundallah"): the approximation counts twice.
		score *= evPairScore
		al.notes = append(al.notes, "single distinctive word, approximate")
	}
	if short, extraWords := shortNameAgainstLonger(q, r, al.usedQ, al.usedR); short && extraWords && score > capShortName {
		// An acronym or other very short name against a longer name
		// ("DCB" / "DCB FINANCE LIMITED"): possible, never certain.
		score = capShortName
		al.notes = append(al.notes, "a very short name against a longer one")
	}
	if numQ && numR && !numPaired {
		score = math.Max(0, score-penaltyNumber)
		al.notes = append(al.notes, "different numbers")
	}
	al.score = score
	return score
}

// shortNameAgainstLonger reports whether one name's only distinctive
// word is at most four letters long while the other name has unmatched
// words besides legal forms and stopwords.
func shortNameAgainstLonger(q, r *Name, usedQ, usedR []bool) (short, extra bool) {
	check := func(x, y *Name, usedY []bool) (bool, bool) {
		ev, shortTok := 0, false
		for _, t := range x.Tokens {
			if t.Kind.evidence() {
				ev++
				shortTok = utf8.RuneCountInString(t.Canon) <= 4
			}
		}
		if ev != 1 || !shortTok {
			return false, false
		}
		for j, t := range y.Tokens {
			if !usedY[j] && t.Kind != TokenLegalForm && t.Kind != TokenStopword {
				return true, true
			}
		}
		return true, false
	}
	if s, e := check(q, r, usedR); s && e {
		return true, true
	}
	return check(r, q, usedQ)
}

// groupEvidence reports whether tokens from..from+n-1 include a word or
// number.
func groupEvidence(n *Name, from, l int) bool {
	for k := from; k < from+l; k++ {
		if n.Tokens[k].Kind.evidence() {
			return true
		}
	}
	return false
}

func resetBools(b []bool, n int) []bool {
	if cap(b) < n {
		b = make([]bool, n)
	}
	b = b[:n]
	for i := range b {
		b[i] = false
	}
	return b
}

// joinSplitWords pairs an unmatched word of x with 2 or 3 adjacent
// unmatched tokens of y whose concatenation spells it.
func (al *alignment) joinSplitWords(x, y *Name, usedX, usedY []bool, swapped, korean bool) {
	var buf [64]byte
	for i := range x.Tokens {
		if usedX[i] || x.Tokens[i].Kind != TokenWord {
			continue
		}
		tx := &x.Tokens[i]
		for j := 0; j < len(y.Tokens) && !usedX[i]; j++ {
			joined := buf[:0]
			for l := 1; l <= 3 && j+l <= len(y.Tokens); l++ {
				t := &y.Tokens[j+l-1]
				if usedY[j+l-1] || t.Kind == TokenLegalForm || t.Kind == TokenNumber {
					break
				}
				joined = append(joined, firstForm(t)...)
				if l == 1 {
					continue
				}
				best := joinScore(tx, string(joined), korean)
				if tx.Weak || y.Tokens[j].Weak {
					if best < 0.9 {
						continue
					}
					best *= weakPinyinFactor
				} else if best < 0.7 {
					continue
				}
				for k := j; k < j+l; k++ {
					usedY[k] = true
				}
				usedX[i] = true
				p := tokenPair{a0: i, an: 1, b0: j, bn: l, score: best * 0.98, how: howJoined}
				if swapped {
					p.a0, p.an, p.b0, p.bn = p.b0, p.bn, p.a0, p.an
				}
				al.pairs = append(al.pairs, p)
				break
			}
		}
	}
}

// joinScore compares a token with a concatenation of other tokens.
func joinScore(t *Token, joined string, korean bool) float64 {
	best := 0.0
	if korean && len(t.korean) > 0 {
		// Korean syllables: spelling variants only, no fuzzy.
		ks := koreanSkeleton(joined)
		for _, f := range tokenForms(t) {
			if f == joined {
				return 1
			}
		}
		for _, k := range t.korean {
			if k == ks {
				best = 0.9
			}
		}
		return best
	}
	for _, f := range tokenForms(t) {
		if f == joined {
			return 1
		}
		if s := fuzzyScore(f, joined); s > best {
			best = s
		}
	}
	return best
}

// tokenForms returns the Latin (or native) spellings of a token compared
// with other tokens: the text itself for Latin tokens, transliterations
// otherwise.
func tokenForms(t *Token) []string {
	if t.forms != nil {
		return t.forms
	}
	if t.Script == ScriptLatin || t.Script == ScriptNone || len(t.Latin) == 0 {
		return []string{t.Canon}
	}
	return t.Latin
}

func firstForm(t *Token) string {
	if t.Script == ScriptLatin || t.Script == ScriptNone || len(t.Latin) == 0 {
		return t.Canon
	}
	return t.Latin[0]
}

// tokenSim scores two tokens in [0,1] and says how they matched.
func tokenSim(a, b *Token, korean bool) (float64, uint8) {
	if a.Kind == TokenLegalForm || b.Kind == TokenLegalForm {
		if a.Kind != b.Kind {
			return 0, howNone
		}
		if a.Canon == b.Canon {
			return 1, howLegal
		}
		if a.Generic != "" && a.Generic == b.Generic {
			return 0.9, howLegalType
		}
		return 0, howNone
	}
	if a.Kind == TokenNumber || b.Kind == TokenNumber {
		if a.Kind == b.Kind && a.Canon == b.Canon {
			return 1, howExact
		}
		return 0, howNone
	}
	if a.Canon == b.Canon {
		if a.Text != b.Text {
			return 1, howSymbol
		}
		return 1, howExact
	}
	// Initials against words: "J" ≈ "John".
	if a.Kind == TokenInitial || b.Kind == TokenInitial {
		if a.Kind == b.Kind {
			return 0, howNone
		}
		ini, word := a, b
		if b.Kind == TokenInitial {
			ini, word = b, a
		}
		if word.Kind != TokenWord {
			return 0, howNone
		}
		for _, f := range tokenForms(word) {
			if strings.HasPrefix(f, firstForm(ini)) {
				return 0.6, howInitial
			}
		}
		return 0, howNone
	}
	if a.Kind == TokenStopword || b.Kind == TokenStopword {
		return 0, howNone
	}
	if a.Kind == TokenGeneric && b.Kind == TokenGeneric {
		if orgDesignators[a.Canon] && orgDesignators[b.Canon] {
			return 0.8, howOrgWord
		}
		return 0, howNone
	}
	// In a Korean context, romanised syllables that differ by a letter are
	// different syllables (Yong/Kyong, Daedong/Daesong): no fuzzy match,
	// only the spelling-variant rules below.
	noFuzzy := korean && len(a.korean) > 0 && len(b.korean) > 0
	best, how := 0.0, howNone
	if a.Script == b.Script && (a.Script == ScriptLatin || a.Script == ScriptNone || len(a.Latin) == 0 || len(b.Latin) == 0) {
		// Same script: compare natively.
		if !noFuzzy {
			if best = fuzzyScore(a.Canon, b.Canon); best > 0 {
				how = howFuzzy
			}
		}
	} else {
		// Different scripts (or both transliterated): through the Latin
		// forms.
		for _, x := range tokenForms(a) {
			for _, y := range tokenForms(b) {
				s := 0.0
				if x == y {
					s = 1
				} else if !noFuzzy {
					s = fuzzyScore(x, y)
				}
				if s > best {
					best = s
				}
			}
		}
		if best > 0 {
			how = howTranslitFuzzy
			if best == 1 {
				how = howTranslit
			}
			best *= 0.97
		}
	}
	// Korean spelling variants (Ri/Lee, Pak/Park, Jong/Chung, Chol/Cheol).
	if korean && len(a.korean) > 0 && len(b.korean) > 0 && best < 0.92 {
		if sameKoreanSurname(a.Text, b.Text) || surnameHangulMatch(a, b) {
			return 0.92, howKoreanSurname
		}
		for _, x := range a.korean {
			for _, y := range b.korean {
				if x == y {
					return 0.9, howKorean
				}
			}
		}
	}
	if a.Weak || b.Weak {
		// Pinyin is weak evidence: it can support a match, never make one.
		if best < 0.9 {
			return 0, howNone
		}
		return best * weakPinyinFactor, howPinyin
	}
	if best < 0.7 {
		return 0, howNone
	}
	return best, how
}

// orgDesignators are generic words that name the same thing in practice
// ("X Trading Company" = "X Trading Corporation").
var orgDesignators = map[string]bool{"company": true, "corporation": true, "enterprise": true}

// surnameHangulMatch: a Hangul surname token against a Latin spelling of
// it (김 ~ Kim/Gim).
func surnameHangulMatch(a, b *Token) bool {
	h, l := a, b
	if b.Script == ScriptHangul {
		h, l = b, a
	}
	if h.Script != ScriptHangul || !h.Surname {
		return false
	}
	g, ok := hangulSurnames[h.Text]
	if !ok {
		return false
	}
	for _, x := range surnameGroups[l.Text] {
		if x == g {
			return true
		}
	}
	return false
}

var howText = map[uint8]string{
	howSymbol: "same symbol", howLegal: "same legal form", howLegalType: "same legal form type",
	howFuzzy: "spelling", howTranslit: "transliterated", howTranslitFuzzy: "transliterated, spelling",
	howKoreanSurname: "Korean surname variant", howKorean: "Korean spelling variant", howInitial: "initial",
	howOrgWord: "similar organisation words", howPinyin: "pinyin, weak", howJoined: "words joined",
}

// explain writes the alignment, e.g. `"ZALA AERO" ~ "ZALA AERO GROUP":
// zala=zala, aero=aero, +group (generic, only in the second name) → 0.89`.
func (al *alignment) explain() string {
	q, r := al.q, al.r
	if len(al.notes) > 0 && al.notes[0] == "same words" {
		return fmt.Sprintf("%q = %q (the same words once case, punctuation, legal-form spelling and word order are ignored) → 1.00", q.Original, r.Original)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q ~ %q: ", q.Original, r.Original)
	pairs := append([]tokenPair(nil), al.pairs...)
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].a0 < pairs[j].a0 })
	var parts []string
	text := func(n *Name, from, l int) string {
		s := make([]string, 0, l)
		for k := from; k < from+l; k++ {
			s = append(s, n.Tokens[k].Text)
		}
		return strings.Join(s, "+")
	}
	for _, p := range pairs {
		sep := "="
		switch {
		case p.how == howLegal || p.how == howLegalType:
			sep = "~"
		case p.score < 1:
			sep = "≈"
		}
		s := text(q, p.a0, p.an) + sep + text(r, p.b0, p.bn)
		if h := howText[p.how]; h != "" {
			if p.how == howLegalType {
				h += " " + q.Tokens[p.a0].Generic
			}
			s += fmt.Sprintf(" (%s, %.2f)", h, p.score)
		}
		parts = append(parts, s)
	}
	for i, u := range al.usedQ {
		if !u {
			parts = append(parts, "-"+q.Tokens[i].Text+" ("+q.Tokens[i].Kind.String()+", only in the first name)")
		}
	}
	for j, u := range al.usedR {
		if !u {
			parts = append(parts, "+"+r.Tokens[j].Text+" ("+r.Tokens[j].Kind.String()+", only in the second name)")
		}
	}
	b.WriteString(strings.Join(parts, ", "))
	for _, n := range al.notes {
		b.WriteString("; ")
		b.WriteString(n)
	}
	fmt.Fprintf(&b, " → %.2f", al.score)
	return b.String()
}

// strongSchemes are identifier schemes whose numbers are unique and
// checked, so one shared number is enough (logic-v2 weighs them 0.95).
var strongSchemes = map[string]bool{
	"XI-LEI": true, "LEI": true, "RU-INN": true, "RU-OGRN": true, "US-UEI": true, "UA-EDR": true,
	"GB-COH": true, "IMO": true, "XI-IMO": true, "BIC": true, "SWIFT": true, "XI-BIC": true,
	"ISIN": true, "CN-USCC": true, "KR-BRN": true, "US-EIN": true, "US-SAM": true, "UA-EDRPOU": true,
}

func normalizeID(id procure.Identifier) (normID, bool) {
	scheme := strings.ToUpper(strings.TrimSpace(id.Scheme))
	var b strings.Builder
	for _, r := range strings.ToUpper(id.ID) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	v := b.String()
	if scheme == "" || v == "" {
		return normID{}, false
	}
	if scheme == "GB-COH" && isDigits(v) && len(v) < 8 {
		v = strings.Repeat("0", 8-len(v)) + v
	}
	return normID{scheme: scheme, id: v, strong: strongSchemes[scheme]}, true
}

// compareIDs returns the identifier main feature and the conflict penalty.
func compareIDs(a, b []normID) (score float64, detail string, penalty float64, penaltyDetail string) {
	for _, x := range a {
		for _, y := range b {
			if x.scheme == y.scheme && x.id == y.id {
				s := scoreOtherID
				if x.strong {
					s = scoreStrongID
				}
				if s > score {
					score, detail = s, fmt.Sprintf("same identifier %s-%s", x.scheme, x.id)
				}
			}
		}
	}
	if score > 0 {
		return score, detail, 0, ""
	}
	for _, x := range a {
		if !x.strong {
			continue
		}
		for _, y := range b {
			if x.scheme == y.scheme && x.id != y.id {
				return 0, "", penaltyIDConflict, fmt.Sprintf("different %s identifiers (%s, %s)", x.scheme, x.id, y.id)
			}
		}
	}
	return 0, "", 0, ""
}

func compareCountries(a, b []string) (float64, string) {
	if len(a) == 0 || len(b) == 0 {
		return 0, ""
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return 0, "both linked to " + x
			}
		}
	}
	return penaltyCountry, fmt.Sprintf("no country in common (%s; %s)", strings.Join(a, ", "), strings.Join(b, ", "))
}

// addressTokens folds an address into its distinctive words.
func addressTokens(s string) []string {
	var out []string
	for _, t := range tokenize(s, nil) {
		if stopwords[t.text] {
			continue
		}
		out = appendUnique(out, t.text)
	}
	return out
}

func compareAddresses(a, b [][]string) (float64, string) {
	best := 0.0
	for _, x := range a {
		for _, y := range b {
			small, big := x, y
			if len(y) < len(x) {
				small, big = y, x
			}
			if len(small) < 3 {
				continue
			}
			n := 0
			for _, t := range small {
				for _, u := range big {
					if t == u {
						n++
						break
					}
				}
			}
			if f := float64(n) / float64(len(small)); f > best {
				best = f
			}
		}
	}
	if best >= 0.8 {
		return bonusAddress, fmt.Sprintf("addresses agree (%.0f%% of the words)", best*100)
	}
	return 0, ""
}

// normalizeDate keeps a partial ISO date "YYYY", "YYYY-MM" or "YYYY-MM-DD"
// ("" when s has no year).
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 4 || !isDigits(s[:4]) {
		return ""
	}
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	if len(s) >= 7 && s[4] == '-' {
		return s[:7]
	}
	return s[:4]
}

func compareDates(a, b []string) (float64, string) {
	if len(a) == 0 || len(b) == 0 {
		return 0, ""
	}
	best, why := penaltyBirthYear, "born in different years"
	for _, x := range a {
		for _, y := range b {
			if strings.HasPrefix(x, y) || strings.HasPrefix(y, x) {
				return 0, "birth dates agree (" + x + ", " + y + ")"
			}
			yx, _ := strconv.Atoi(x[:4])
			yy, _ := strconv.Atoi(y[:4])
			switch {
			case yx == yy && penaltyBirthDay > best:
				best, why = penaltyBirthDay, "born the same year on different days"
			case (yx-yy == 1 || yy-yx == 1) && penaltyBirthNear > best:
				// Lists often disagree by a year (age-based estimates).
				best, why = penaltyBirthNear, "birth years one apart"
			}
		}
	}
	return best, fmt.Sprintf("%s (%s; %s)", why, strings.Join(a, ", "), strings.Join(b, ", "))
}

func compareKinds(a, b *Prepared) (float64, string) {
	ka, kb := a.kind, b.kind
	if ka == "" || kb == "" {
		return 0, ""
	}
	mismatch := ka == procure.EntityPerson && isOrgKind(kb) || kb == procure.EntityPerson && isOrgKind(ka) ||
		(ka == procure.EntityVessel) != (kb == procure.EntityVessel)
	if !mismatch {
		return 0, ""
	}
	if a.inferred || b.inferred {
		return penaltyKindInferred, fmt.Sprintf("different kinds of entity (%s, %s; guessed from the name)", ka, kb)
	}
	return penaltyKind, fmt.Sprintf("different kinds of entity (%s, %s)", ka, kb)
}
