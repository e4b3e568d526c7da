package indexer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Limits of the public query language.
const (
	MaxQueryTerms    = 32 // words (phrase words included; a CJK run counts its bigrams)
	MaxQueryBranches = 16 // prefix searches plus ORs
	MinPrefixLength  = 3  // letters or digits before a trailing *
)

// Fields lists the fields a query may name (field:value), in the order the
// help text shows them.
var Fields = []string{"title", "buyer", "supplier", "ocid", "cpv", "country", "year", "currency", "method", "category", "buyer_type"}

// NodeKind is the kind of a query tree node.
type NodeKind uint8

// Node kinds.
const (
	NodeAnd  NodeKind = iota + 1 // all children must match (except Exclude children, which must not)
	NodeOr                       // at least one child must match
	NodeTerm                     // one term
)

// Query is a parsed public search query. Its Root is an AND node; a query
// without terms (empty, or only punctuation) has no children and matches
// everything.
type Query struct {
	Root Node
}

// Node is a node of the query tree. The tree is at most AND → OR → AND → OR
// → term deep (one level of parentheses).
type Node struct {
	Kind NodeKind
	// Exclude marks a child of an AND node that documents must not match.
	Exclude  bool
	Children []Node // NodeAnd, NodeOr
	Term     Term   // NodeTerm
}

// Term is one search term.
type Term struct {
	// Field is "" for the full text, or one of Fields.
	Field string
	// Text is the word or the phrase as typed, without quotes, the trailing
	// * of a prefix, or wildcard characters.
	Text   string
	Phrase bool // typed in quotes: the words must be adjacent, in order
	Prefix bool // typed with a trailing *: the (last) word is a beginning
	// Offset is the byte offset of the term in the query.
	Offset int
}

// Empty reports whether the query has no terms.
func (q *Query) Empty() bool { return q == nil || len(q.Root.Children) == 0 }

// String returns the query in canonical form: what it means, with
// everything that was ignored left out. Equal strings mean equal searches.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	var b strings.Builder
	writeNode(&b, q.Root, true)
	return b.String()
}

func writeNode(b *strings.Builder, n Node, top bool) {
	if n.Exclude {
		b.WriteByte('-')
	}
	switch n.Kind {
	case NodeTerm:
		t := n.Term
		if t.Field != "" {
			b.WriteString(t.Field)
			b.WriteByte(':')
		}
		if t.Phrase {
			b.WriteByte('"')
			b.WriteString(t.Text)
			b.WriteByte('"')
		} else {
			b.WriteString(t.Text)
		}
		if t.Prefix {
			b.WriteByte('*')
		}
	case NodeAnd:
		if !top {
			b.WriteByte('(')
		}
		for i, c := range n.Children {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeNode(b, c, false)
		}
		if !top {
			b.WriteByte(')')
		}
	case NodeOr:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" OR ")
			}
			writeNode(b, c, false)
		}
	}
}

// Walk calls fn for every term of the query with whether it is excluded.
func (q *Query) Walk(fn func(t Term, excluded bool)) {
	if q == nil {
		return
	}
	var walk func(n Node, ex bool)
	walk = func(n Node, ex bool) {
		ex = ex || n.Exclude
		if n.Kind == NodeTerm {
			fn(n.Term, ex)
			return
		}
		for _, c := range n.Children {
			walk(c, ex)
		}
	}
	walk(q.Root, false)
}

var allowedField = func() map[string]bool {
	m := make(map[string]bool, len(Fields))
	for _, f := range Fields {
		m[f] = true
	}
	return m
}()

// prefixFields may take a trailing * in their value.
var prefixFields = map[string]bool{"": true, "title": true, "buyer": true, "supplier": true, "ocid": true, "cpv": true}

func refuse(kind error, off int, format string, args ...any) *procure.QueryError {
	return &procure.QueryError{Kind: kind, Message: fmt.Sprintf(format, args...), Offset: off}
}

// ParseQuery parses the public query language:
//
//	words            all must match (AND is the default; "AND" is accepted)
//	"a phrase"       the words adjacent and in order; an unclosed quote runs to the end
//	-word, -"a b"    exclusion (also NOT word)
//	a OR b           either (binds tighter than AND: a OR b c = (a OR b) AND c)
//	(a b) OR c       one level of parentheses
//	field:value      field:"a phrase", field:pre*  — fields: see Fields
//	hosp*            prefix, at least MinPrefixLength letters before the *
//
// It refuses, with a *procure.QueryError saying what to do instead, leading
// and inner wildcards, ? wildcards, /regular expressions/, fuzziness (~),
// boosts (^), ranges (>, <, [a TO b]), unknown fields, nested parentheses,
// more than MaxQueryTerms words, more than MaxQueryBranches prefixes plus
// ORs and queries longer than procure.MaxQueryLength bytes. Parsing does no
// index work; refusals take microseconds.
func ParseQuery(q string) (*Query, error) {
	if len(q) > procure.MaxQueryLength {
		return nil, refuse(procure.ErrTooExpensive, procure.MaxQueryLength,
			"The search is %d bytes long; the limit is %d. Shorten it to its most distinctive words.", len(q), procure.MaxQueryLength)
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	p := &parser{src: q}
	root, err := p.parseSeq(false)
	if err != nil {
		return nil, err
	}
	branches := 0
	var count func(n Node)
	count = func(n Node) {
		switch n.Kind {
		case NodeOr:
			branches += len(n.Children) - 1
		case NodeTerm:
			if n.Term.Prefix {
				branches++
			}
		}
		for _, c := range n.Children {
			count(c)
		}
	}
	count(root)
	if p.terms > MaxQueryTerms {
		return nil, refuse(procure.ErrTooExpensive, -1,
			"The search has %d words; the limit is %d. Remove some words or use filters instead.", p.terms, MaxQueryTerms)
	}
	if branches > MaxQueryBranches {
		return nil, refuse(procure.ErrTooExpensive, -1,
			"The search has %d prefix searches (word*) and ORs together; the limit is %d. Remove some of them.", branches, MaxQueryBranches)
	}
	return &Query{Root: root}, nil
}

type parser struct {
	src   string
	pos   int
	terms int
}

type item struct {
	node    Node
	exclude bool
	or      bool // an OR keyword
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»', '＂':
		return true
	}
	return false
}

func (p *parser) peekRune() (rune, int) {
	if p.pos >= len(p.src) {
		return 0, 0
	}
	return utf8.DecodeRuneInString(p.src[p.pos:])
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		r, n := p.peekRune()
		if !isSpace(r) {
			return
		}
		p.pos += n
	}
}

// parseSeq parses a sequence of clauses up to the end (or a closing
// parenthesis when inGroup) and returns an AND node.
func (p *parser) parseSeq(inGroup bool) (Node, error) {
	var items []item
	negateNext := false
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			break
		}
		r, n := p.peekRune()
		switch {
		case r == ')':
			p.pos += n
			if inGroup {
				return p.combine(items)
			}
			continue // stray closing parenthesis: ignored
		case r == '(':
			if inGroup {
				return Node{}, refuse(procure.ErrInvalid, p.pos,
					"Groups in parentheses cannot be nested. Use one level, like hospital (Kyiv OR Lviv).")
			}
			p.pos += n
			g, err := p.parseSeq(true)
			if err != nil {
				return Node{}, err
			}
			if len(g.Children) == 0 {
				negateNext = false
				continue
			}
			if len(g.Children) == 1 && !g.Children[0].Exclude {
				g = g.Children[0]
			}
			items = append(items, item{node: g, exclude: negateNext})
			negateNext = false
			continue
		}
		start := p.pos
		exclude := negateNext
		negateNext = false
		if r == '-' || r == '+' {
			// -word excludes; +word is the default (required) and accepted.
			p.pos += n
			r2, _ := p.peekRune()
			if p.pos >= len(p.src) || isSpace(r2) {
				continue // a lone - or +
			}
			if r == '-' {
				exclude = true
			}
			if r2 == '(' {
				negateNext = exclude
				continue
			}
		}
		node, kw, err := p.parseTerm()
		if err != nil {
			return Node{}, err
		}
		switch kw {
		case "OR":
			if exclude {
				return Node{}, refuse(procure.ErrInvalid, start, "An excluded term (-word) cannot be part of an OR.")
			}
			items = append(items, item{or: true})
			continue
		case "AND":
			continue
		case "NOT":
			negateNext = true
			continue
		}
		if node.Kind == 0 {
			continue // nothing searchable (punctuation)
		}
		items = append(items, item{node: node, exclude: exclude})
	}
	return p.combine(items)
}

// combine folds "x OR y" runs into OR nodes and returns the AND of the rest.
func (p *parser) combine(items []item) (Node, error) {
	and := Node{Kind: NodeAnd}
	var run []Node
	pendingOr := false
	prevExcluded := false
	flush := func() {
		switch len(run) {
		case 0:
		case 1:
			if run[0].Kind == NodeAnd {
				// A group standing alone is part of the conjunction.
				and.Children = append(and.Children, run[0].Children...)
			} else {
				and.Children = append(and.Children, run[0])
			}
		default:
			and.Children = append(and.Children, Node{Kind: NodeOr, Children: run})
		}
		run = nil
	}
	for _, it := range items {
		if it.or {
			if prevExcluded {
				return Node{}, refuse(procure.ErrInvalid, -1, "An excluded term (-word) cannot be part of an OR.")
			}
			if len(run) > 0 {
				pendingOr = true
			}
			continue
		}
		n := it.node
		if it.exclude {
			if pendingOr {
				return Node{}, refuse(procure.ErrInvalid, termOffset(n), "An excluded term (-word) cannot be part of an OR.")
			}
			flush()
			n.Exclude = true
			and.Children = append(and.Children, n)
			prevExcluded = true
			continue
		}
		prevExcluded = false
		var alts []Node
		if n.Kind == NodeOr {
			alts = n.Children
		} else {
			alts = []Node{n}
		}
		if pendingOr {
			run = append(run, alts...)
			pendingOr = false
			continue
		}
		flush()
		run = append([]Node(nil), alts...)
	}
	flush()
	return and, nil
}

func termOffset(n Node) int {
	if n.Kind == NodeTerm {
		return n.Term.Offset
	}
	for _, c := range n.Children {
		return termOffset(c)
	}
	return -1
}

// parseTerm parses one word, phrase or field:value at p.pos. It returns a
// keyword ("OR", "AND", "NOT") instead of a node for those words.
func (p *parser) parseTerm() (Node, string, error) {
	start := p.pos
	r, n := p.peekRune()
	if isQuote(r) {
		p.pos += n
		text := p.readPhrase()
		return p.phraseNode("", text, start)
	}
	word := p.readWord()
	switch word {
	case "OR", "||", "|":
		return Node{}, "OR", nil
	case "AND", "&&":
		return Node{}, "AND", nil
	case "NOT":
		return Node{}, "NOT", nil
	}
	// field:value
	if i := strings.IndexByte(word, ':'); i > 0 {
		name := word[:i]
		value := word[i+1:]
		if isFieldName(name) && strings.HasPrefix(value, "/") && !strings.HasPrefix(value, "//") && strings.Count(value, "/") >= 2 {
			return Node{}, "", refuse(procure.ErrInvalid, start,
				"Regular expressions (/…/) are not supported. Type words, \"phrases\" or the beginning of a word followed by *, like hosp*.")
		}
		if isFieldName(name) && !strings.HasPrefix(value, "/") {
			fname := strings.ToLower(name)
			if value == "" {
				if r2, _ := p.peekRune(); p.pos >= len(p.src) || isSpace(r2) {
					// "Nota:" at the end of a sentence: an ordinary word.
					return p.wordNode("", name, start, start)
				}
			}
			if !allowedField[fname] {
				return Node{}, "", refuse(procure.ErrInvalid, start,
					"Unknown field %q in %q. You can search in: %s.", name, word, strings.Join(Fields, ", "))
			}
			if value == "" {
				// "field:" then a phrase, or a field name followed by a space.
				r2, n2 := p.peekRune()
				if isQuote(r2) {
					p.pos += n2
					return p.phraseNode(fname, p.readPhrase(), start)
				}
				// field:(…) — not supported
				return Node{}, "", refuse(procure.ErrInvalid, start,
					"%s: must be followed by a word, a \"phrase\" or a prefix*, like %s:example.", fname, fname)
			}
			if first, _ := utf8.DecodeRuneInString(value); isQuote(first) {
				inner := strings.TrimLeftFunc(value, isQuote)
				inner = strings.TrimRightFunc(inner, isQuote)
				if !strings.ContainsFunc(value[utf8.RuneLen(first):], isQuote) {
					// field:"two words" — the phrase continues past the space.
					p.pos = start + i + 1 + utf8.RuneLen(first)
					return p.phraseNode(fname, p.readPhrase(), start)
				}
				return p.phraseNode(fname, inner, start)
			}
			return p.fieldWordNode(fname, value, start, start+i+1)
		}
	}
	return p.wordNode("", word, start, start)
}

func isFieldName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

// readWord reads up to the next space, parenthesis or opening quote that
// follows a space.
func (p *parser) readWord() string {
	start := p.pos
	for p.pos < len(p.src) {
		r, n := p.peekRune()
		if isSpace(r) || r == '(' || r == ')' {
			break
		}
		p.pos += n
	}
	return p.src[start:p.pos]
}

// readPhrase reads after an opening quote up to the closing one (or the end
// of the query: an unclosed quote runs to the end).
func (p *parser) readPhrase() string {
	start := p.pos
	for p.pos < len(p.src) {
		r, n := p.peekRune()
		if isQuote(r) {
			text := p.src[start:p.pos]
			p.pos += n
			return text
		}
		p.pos += n
	}
	return p.src[start:]
}

func (p *parser) phraseNode(fieldName, text string, off int) (Node, string, error) {
	text = strings.Map(func(r rune) rune {
		if r == '*' || r == '?' || isQuote(r) {
			return ' '
		}
		return r
	}, text)
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return Node{}, "", nil
	}
	words := countTerms(text)
	if words == 0 {
		return Node{}, "", nil
	}
	p.terms += words
	return Node{Kind: NodeTerm, Term: Term{Field: fieldName, Text: text, Phrase: true, Offset: off}}, "", nil
}

func (p *parser) fieldWordNode(fieldName, value string, termOff, off int) (Node, string, error) {
	if strings.HasSuffix(value, "*") && !prefixFields[fieldName] {
		return Node{}, "", refuse(procure.ErrInvalid, off,
			"%s: does not take a prefix (*). Type the whole value, like %s:%s.", fieldName, fieldName, fieldExample(fieldName))
	}
	node, kw, err := p.wordNode(fieldName, value, termOff, off)
	if err != nil || node.Kind == 0 {
		return node, kw, err
	}
	t := node.Term
	if fieldName == "year" {
		if len(t.Text) != 4 || strings.Trim(t.Text, "0123456789") != "" {
			return Node{}, "", refuse(procure.ErrInvalid, off, "year: takes a four-digit year, like year:2021.")
		}
	}
	return node, kw, nil
}

func fieldExample(f string) string {
	switch f {
	case "country":
		return "UA"
	case "currency":
		return "EUR"
	case "year":
		return "2021"
	case "method":
		return "open"
	case "category":
		return "works"
	case "buyer_type":
		return "health"
	}
	return "example"
}

// wordNode validates one bare word (or field value, at byte offset off of a
// term starting at termOff) and returns its term.
func (p *parser) wordNode(fieldName, w string, termOff, off int) (Node, string, error) {
	// Leading operator characters inside a word (after the operator) are
	// punctuation.
	w = strings.TrimLeftFunc(w, func(r rune) bool { return r == '-' || r == '+' || isQuote(r) })
	switch w {
	case "OR", "AND", "NOT", "||", "&&", "|":
		return Node{}, "", nil
	}
	// Operators that are not supported, in the order a user most likely meant them.
	if strings.HasPrefix(w, "/") && strings.Count(w, "/") >= 2 && len(w) > 2 {
		return Node{}, "", refuse(procure.ErrInvalid, off,
			"Regular expressions (/…/) are not supported. Type words, \"phrases\" or the beginning of a word followed by *, like hosp*.")
	}
	if r, _ := utf8.DecodeRuneInString(w); r == '>' || r == '<' || r == '[' || r == '{' || r == '=' {
		if len(w) > 1 {
			return Node{}, "", refuse(procure.ErrInvalid, off,
				"Ranges (%s) are not supported in the search box. Use the amount and date filters instead.", w)
		}
	}
	core := strings.TrimRight(w, "*")
	if i := strings.LastIndexByte(core, '~'); i > 0 && strings.Trim(core[i+1:], "0123456789.") == "" {
		return Node{}, "", refuse(procure.ErrInvalid, off+i,
			"%q: fuzzy matching (~) is not supported. Check the spelling, or type the beginning of the word followed by *, like %s*.",
			w, prefixHint(core[:i]))
	}
	if i := strings.LastIndexByte(core, '^'); i > 0 && i < len(core)-1 && strings.Trim(core[i+1:], "0123456789.") == "" {
		return Node{}, "", refuse(procure.ErrInvalid, off+i, "%q: boosts (^) are not supported. Remove the ^ and the number.", w)
	}
	if i := strings.IndexByte(w, '?'); i >= 0 {
		if strings.Trim(w, "?") == "" {
			return Node{}, "", nil // a lone question mark
		}
		return Node{}, "", refuse(procure.ErrInvalid, off+i,
			"%q: ? wildcards are not supported. Type the whole word, or its beginning followed by *, like %s*.", w, prefixHint(w))
	}
	prefix := false
	if strings.Contains(w, "*") {
		if strings.Trim(w, "*") == "" {
			return Node{}, "", nil // a lone *: everything, which an empty search already is
		}
		i := strings.IndexByte(w, '*')
		if i == 0 {
			return Node{}, "", refuse(procure.ErrTooExpensive, off,
				"%q starts with a wildcard. Wildcards can only end a word: type its beginning followed by *, like hosp*.", w)
		}
		if i != len(w)-1 {
			return Node{}, "", refuse(procure.ErrTooExpensive, off+i,
				"%q has a * inside the word. Use * only at the end of a word, like %s*.", w, prefixHint(w[:i]))
		}
		w = w[:i]
		if alnumCount(w) < MinPrefixLength {
			return Node{}, "", refuse(procure.ErrTooExpensive, off+i,
				"%q is too short for a prefix search: type at least %d letters before the *.", w+"*", MinPrefixLength)
		}
		prefix = true
	}
	words := countTerms(w)
	if words == 0 {
		return Node{}, "", nil
	}
	p.terms += words
	return Node{Kind: NodeTerm, Term: Term{Field: fieldName, Text: w, Prefix: prefix, Offset: termOff}}, "", nil
}

func prefixHint(w string) string {
	var b strings.Builder
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
		if b.Len() >= 4 {
			break
		}
	}
	if utf8.RuneCountInString(b.String()) < MinPrefixLength {
		return "hosp"
	}
	return b.String()
}

func alnumCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// countTerms returns how many index terms a text becomes: one per word, and
// for a run of n CJK characters the bigrams that cover it.
func countTerms(s string) int {
	n, run := 0, 0
	lastEnd := -1
	cut(s, func(p piece) {
		if p.cjk {
			if run > 0 && p.start != lastEnd {
				n += cjkCover(run)
				run = 0
			}
			run++
			lastEnd = p.end
			return
		}
		if run > 0 {
			n += cjkCover(run)
			run = 0
		}
		n++
	})
	if run > 0 {
		n += cjkCover(run)
	}
	return n
}

// cjkCover is the number of bigrams that cover a run of n CJK characters
// (1 for a single character).
func cjkCover(n int) int {
	if n <= 2 {
		return 1
	}
	return (n + 1) / 2
}
