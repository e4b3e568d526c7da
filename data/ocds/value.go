package ocds

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is the JSON type of a value.
type kind uint8

const (
	kNull kind = iota
	kFalse
	kTrue
	kNumber // s holds the literal text exactly as published
	kString
	kArray  // kids holds the elements (Key unused)
	kObject // kids holds the members, sorted by Key (byte order), keys unique
)

// value is a small JSON tree. It is used instead of map[string]any so that
// numbers stay exact (their literal text), objects serialise in one
// deterministic order without sorting maps, and a release costs a handful of
// allocations rather than one per field.
type value struct {
	k    kind
	s    string
	kids []member
}

// member is an object member or an array element.
type member struct {
	Key string
	Val value
}

var errDepth = errors.New("nesting too deep")

func (v *value) isObject() bool { return v != nil && v.k == kObject }
func (v *value) isArray() bool  { return v != nil && v.k == kArray }
func (v *value) isNull() bool   { return v == nil || v.k == kNull }

// str returns the string value, or the literal text of a number ("" for
// anything else).
func (v *value) str() string {
	if v == nil || (v.k != kString && v.k != kNumber) {
		return ""
	}
	return v.s
}

// get returns the member value for key in an object, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.k != kObject {
		return nil
	}
	i, ok := v.find(key)
	if !ok {
		return nil
	}
	return &v.kids[i].Val
}

// path follows object keys.
func (v *value) path(keys ...string) *value {
	for _, k := range keys {
		v = v.get(k)
		if v == nil {
			return nil
		}
	}
	return v
}

// getStr returns the string (or number text) at key, trimmed.
func (v *value) getStr(key string) string { return strings.TrimSpace(v.get(key).str()) }

func (v *value) find(key string) (int, bool) {
	kids := v.kids
	if len(kids) < 9 {
		for i := range kids {
			if kids[i].Key >= key {
				return i, kids[i].Key == key
			}
		}
		return len(kids), false
	}
	return slices.BinarySearchFunc(kids, key, func(m member, k string) int { return strings.Compare(m.Key, k) })
}

// set puts key=val into an object, keeping members sorted, and returns a
// pointer to the stored value (valid until the object is next modified).
func (v *value) set(key string, val value) *value {
	i, ok := v.find(key)
	if ok {
		v.kids[i].Val = val
		return &v.kids[i].Val
	}
	v.kids = slices.Insert(v.kids, i, member{Key: key, Val: val})
	return &v.kids[i].Val
}

// del removes key from an object and reports whether it was there.
func (v *value) del(key string) bool {
	if v == nil || v.k != kObject {
		return false
	}
	i, ok := v.find(key)
	if ok {
		v.kids = slices.Delete(v.kids, i, i+1)
	}
	return ok
}

func strValue(s string) value { return value{k: kString, s: s} }

func newObject(n int) value { return value{k: kObject, kids: make([]member, 0, n)} }

// clone deep-copies v.
func (v *value) clone() value {
	out := value{k: v.k, s: v.s}
	if v.kids != nil {
		out.kids = make([]member, len(v.kids))
		for i := range v.kids {
			out.kids[i].Key = v.kids[i].Key
			out.kids[i].Val = v.kids[i].Val.clone()
		}
	}
	return out
}

// equal reports deep equality; numbers compare by numeric value when both
// are plain decimals ("10000.0" == "10000").
func (v *value) equal(w *value) bool {
	if v.k != w.k {
		return false
	}
	switch v.k {
	case kNumber:
		return v.s == w.s || canonNumber(v.s) == canonNumber(w.s)
	case kString:
		return v.s == w.s
	case kArray, kObject:
		if len(v.kids) != len(w.kids) {
			return false
		}
		for i := range v.kids {
			if v.kids[i].Key != w.kids[i].Key || !v.kids[i].Val.equal(&w.kids[i].Val) {
				return false
			}
		}
	}
	return true
}

// canonNumber strips a plain decimal to a canonical text: no leading zeros,
// no trailing fractional zeros ("010.50" -> "10.5", "-0.0" -> "0"). Numbers
// with exponents are returned unchanged.
func canonNumber(s string) string {
	if strings.ContainsAny(s, "eE") {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	ip = strings.TrimLeft(ip, "0")
	fp = strings.TrimRight(fp, "0")
	if ip == "" {
		ip = "0"
	}
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

// ---------------------------------------------------------------------------
// Parsing

// parser decodes one JSON value from a string. Strings that are not valid
// UTF-8 are read as Windows-1252 (a superset of ISO-8859-1 in the printable
// range) and counted in latin1.
type parser struct {
	src      string
	pos      int
	maxDepth int
	latin1   int      // strings converted from Windows-1252
	dupKeys  int      // duplicate object keys dropped (last one kept)
	stack    []member // scratch for members under construction
}

// syntaxError is a JSON syntax error at a byte offset of the parsed text.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

func parseValue(src string, maxDepth int) (value, *parser, error) {
	p := &parser{src: src, maxDepth: maxDepth}
	v, err := p.parseTop()
	return v, p, err
}

func (p *parser) parseTop() (value, error) {
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return value{}, err
	}
	p.ws()
	if p.pos != len(p.src) {
		return value{}, p.errf("unexpected data after the JSON value")
	}
	return v, nil
}

func (p *parser) errf(format string, args ...any) error {
	return &syntaxError{off: p.pos, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) ws() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (value, error) {
	if p.pos >= len(p.src) {
		return value{}, p.errf("unexpected end of JSON")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		if depth >= p.maxDepth {
			return value{}, errDepth
		}
		return p.object(depth + 1)
	case c == '[':
		if depth >= p.maxDepth {
			return value{}, errDepth
		}
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return value{k: kString, s: s}, err
	case c == 't':
		return p.lit("true", value{k: kTrue})
	case c == 'f':
		return p.lit("false", value{k: kFalse})
	case c == 'n':
		return p.lit("null", value{k: kNull})
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return value{}, p.errf("invalid character %q", c)
	}
}

func (p *parser) lit(word string, v value) (value, error) {
	if strings.HasPrefix(p.src[p.pos:], word) {
		p.pos += len(word)
		return v, nil
	}
	return value{}, p.errf("invalid literal")
}

func (p *parser) number() (value, error) {
	start := p.pos
	s := p.src
	i := p.pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return value{}, p.errf("invalid number")
	}
	switch {
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		p.pos = i
		return value{}, p.errf("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.pos = i
			return value{}, p.errf("invalid number")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.pos = i
			return value{}, p.errf("invalid number")
		}
	}
	p.pos = i
	return value{k: kNumber, s: s[start:i]}, nil
}

// str parses a JSON string starting at the opening quote.
func (p *parser) str() (string, error) {
	s := p.src
	i := p.pos + 1
	start := i
	ascii := true
	for i < len(s) {
		c := s[i]
		if c == '"' {
			p.pos = i + 1
			out := s[start:i]
			if !ascii && !utf8.ValidString(out) {
				p.latin1++
				return fromWindows1252(out), nil
			}
			return out, nil
		}
		if c == '\\' {
			return p.strSlow(start)
		}
		if c < 0x20 {
			p.pos = i
			return "", p.errf("control character in string")
		}
		if c >= 0x80 {
			ascii = false
		}
		i++
	}
	p.pos = i
	return "", p.errf("unterminated string")
}

func (p *parser) strSlow(start int) (string, error) {
	s := p.src
	var b strings.Builder
	i := start
	valid := true
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			out := b.String()
			if !valid {
				p.latin1++
			}
			return out, nil
		case c == '\\':
			if i+1 >= len(s) {
				p.pos = i
				return "", p.errf("unterminated string")
			}
			e := s[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, n := hex4(s, i)
				if n < 0 {
					p.pos = i
					return "", p.errf("invalid \\u escape")
				}
				i += n
				if utf16IsSurrogate(r) {
					// A pair encodes one rune; a lone half becomes U+FFFD.
					if r < 0xDC00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2, n2 := hex4(s, i+2)
						if n2 > 0 && r2 >= 0xDC00 && r2 <= 0xDFFF {
							i += 2 + n2
							r = (r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b.WriteRune(r)
			default:
				p.pos = i - 1
				return "", p.errf("invalid escape")
			}
		case c < 0x20:
			p.pos = i
			return "", p.errf("control character in string")
		case c < 0x80:
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n <= 1 {
				valid = false
				b.WriteRune(win1252[c-0x80])
				i++
				continue
			}
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	p.pos = i
	return "", p.errf("unterminated string")
}

func utf16IsSurrogate(r rune) bool { return r >= 0xD800 && r <= 0xDFFF }

func hex4(s string, i int) (rune, int) {
	if i+4 > len(s) {
		return 0, -1
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, -1
		}
	}
	return r, 4
}

func (p *parser) array(depth int) (value, error) {
	p.pos++ // [
	base := len(p.stack)
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return value{k: kArray, kids: []member{}}, nil
	}
	for {
		p.ws()
		v, err := p.value(depth)
		if err != nil {
			p.stack = p.stack[:base]
			return value{}, err
		}
		p.stack = append(p.stack, member{Val: v})
		p.ws()
		if p.pos >= len(p.src) {
			p.stack = p.stack[:base]
			return value{}, p.errf("unexpected end of JSON in array")
		}
		c := p.src[p.pos]
		p.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			p.pos--
			p.stack = p.stack[:base]
			return value{}, p.errf("expected , or ] in array")
		}
	}
	kids := slices.Clone(p.stack[base:])
	p.stack = p.stack[:base]
	return value{k: kArray, kids: kids}, nil
}

func (p *parser) object(depth int) (value, error) {
	p.pos++ // {
	base := len(p.stack)
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return value{k: kObject, kids: []member{}}, nil
	}
	sorted := true
	for {
		p.ws()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			p.stack = p.stack[:base]
			return value{}, p.errf("expected object key")
		}
		key, err := p.str()
		if err != nil {
			p.stack = p.stack[:base]
			return value{}, err
		}
		p.ws()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			p.stack = p.stack[:base]
			return value{}, p.errf("expected : after object key")
		}
		p.pos++
		p.ws()
		v, err := p.value(depth)
		if err != nil {
			p.stack = p.stack[:base]
			return value{}, err
		}
		if n := len(p.stack); n > base && p.stack[n-1].Key >= key {
			sorted = false
		}
		p.stack = append(p.stack, member{Key: key, Val: v})
		p.ws()
		if p.pos >= len(p.src) {
			p.stack = p.stack[:base]
			return value{}, p.errf("unexpected end of JSON in object")
		}
		c := p.src[p.pos]
		p.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			p.pos--
			p.stack = p.stack[:base]
			return value{}, p.errf("expected , or } in object")
		}
	}
	kids := slices.Clone(p.stack[base:])
	p.stack = p.stack[:base]
	if !sorted {
		kids = p.sortMembers(kids)
	}
	return value{k: kObject, kids: kids}, nil
}

// sortMembers sorts by key; for duplicate keys the last one wins (as in
// encoding/json).
func (p *parser) sortMembers(kids []member) []member {
	if len(kids) <= 24 {
		// Insertion sort (stable): objects are small.
		for i := 1; i < len(kids); i++ {
			for j := i; j > 0 && kids[j].Key < kids[j-1].Key; j-- {
				kids[j], kids[j-1] = kids[j-1], kids[j]
			}
		}
	} else {
		slices.SortStableFunc(kids, func(a, b member) int { return strings.Compare(a.Key, b.Key) })
	}
	out := kids[:0]
	for i := range kids {
		if len(out) > 0 && out[len(out)-1].Key == kids[i].Key {
			out[len(out)-1] = kids[i]
			p.dupKeys++
			continue
		}
		out = append(out, kids[i])
	}
	return out
}

// win1252 maps bytes 0x80..0xFF of Windows-1252 to runes (0x80..0x9F differ
// from ISO-8859-1; undefined bytes map to the C1 control of the same value,
// as browsers do).
var win1252 = func() [128]rune {
	var t [128]rune
	for i := range t {
		t[i] = rune(0x80 + i)
	}
	c1 := []rune{0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
		0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178}
	copy(t[:], c1)
	return t
}()

// fromWindows1252 converts a string that is not valid UTF-8: valid UTF-8
// sequences are kept, other bytes are read as Windows-1252.
func fromWindows1252(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			b.WriteRune(win1252[c-0x80])
			i++
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Serialisation

// appendJSON appends the canonical serialisation of v: no insignificant
// whitespace, object members in byte order of their keys (they are kept
// sorted), numbers as their published literal text, strings as UTF-8 with
// only ", \, control characters and U+2028/U+2029 escaped.
func appendJSON(b []byte, v *value) []byte {
	switch v.k {
	case kNull:
		return append(b, "null"...)
	case kFalse:
		return append(b, "false"...)
	case kTrue:
		return append(b, "true"...)
	case kNumber:
		return append(b, v.s...)
	case kString:
		return appendString(b, v.s)
	case kArray:
		b = append(b, '[')
		for i := range v.kids {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, &v.kids[i].Val)
		}
		return append(b, ']')
	case kObject:
		b = append(b, '{')
		for i := range v.kids {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v.kids[i].Key)
			b = append(b, ':')
			b = appendJSON(b, &v.kids[i].Val)
		}
		return append(b, '}')
	}
	return b
}

const hexDigits = "0123456789abcdef"

// needsEscape marks bytes appendString must look at: ASCII control
// characters, quote, backslash, and 0xE2 (the lead byte of U+2028/U+2029).
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'], t[0xE2] = true, true, true
	return t
}()

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !needsEscape[c] {
			continue
		}
		if c == 0xE2 {
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				b = append(b, s[start:i]...)
				b = append(b, `\u202`...)
				b = append(b, hexDigits[s[i+2]&0xF]) // 8 or 9
				i += 2
				start = i + 1
			}
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonText returns the canonical serialisation of v as a string.
func jsonText(v *value) string { return string(appendJSON(nil, v)) }

// pointerEscape escapes one JSON pointer segment (RFC 6901).
func pointerEscape(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// ptr builds a JSON pointer from segments.
func ptr(segs ...string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(pointerEscape(s))
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
