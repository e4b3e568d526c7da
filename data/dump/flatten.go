package dump

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jnode is a parsed JSON value that keeps the order of object keys (the
// column order of the flattened tables follows it, so it must not depend
// on map iteration).
type jnode struct {
	kind byte   // 'o' object, 'a' array, 's' string, 'n' number, 't' true, 'f' false, 'z' null
	text string // string value or number text
	keys []string
	vals []*jnode
}

func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// scalarText returns the text of a string or number value ("" otherwise).
func (n *jnode) scalarText() string {
	if n == nil || (n.kind != 's' && n.kind != 'n') {
		return ""
	}
	return n.text
}

// parseJSON parses one JSON value. It accepts what encoding/json accepts
// (the compiled releases were produced by it).
func parseJSON(b []byte) (*jnode, error) {
	p := &jparser{b: b}
	p.ws()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, fmt.Errorf("json: trailing data at offset %d", p.i)
	}
	return n, nil
}

type jparser struct {
	b []byte
	i int
}

const maxDepth = 200

func (p *jparser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) errf(format string, args ...any) error {
	return fmt.Errorf("json: offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

// closes skips white space and, when the next byte is end (an empty object
// or array), consumes it.
func (p *jparser) closes(end byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == end {
		p.i++
		return true
	}
	return false
}

// more reads what follows a member or element: a comma (more follow) or
// end (consumed; none follow).
func (p *jparser) more(end byte) (bool, error) {
	p.ws()
	if p.i >= len(p.b) {
		return false, p.errf("unexpected end")
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		return true, nil
	case end:
		p.i++
		return false, nil
	}
	return false, p.errf("expected ',' or '%c'", end)
}

func (p *jparser) value(depth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, p.errf("nested too deeply")
	}
	if p.i >= len(p.b) {
		return nil, p.errf("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		n := &jnode{kind: 'o'}
		if p.closes('}') {
			return n, nil
		}
		for {
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return nil, p.errf("expected a key")
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return nil, p.errf("expected ':'")
			}
			p.i++
			p.ws()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, v)
			more, err := p.more('}')
			if err != nil {
				return nil, err
			}
			if !more {
				return n, nil
			}
		}
	case c == '[':
		p.i++
		n := &jnode{kind: 'a'}
		if p.closes(']') {
			return n, nil
		}
		for {
			p.ws()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
			more, err := p.more(']')
			if err != nil {
				return nil, err
			}
			if !more {
				return n, nil
			}
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: 's', text: s}, nil
	case c == 't' && bytes.HasPrefix(p.b[p.i:], []byte("true")):
		p.i += 4
		return &jnode{kind: 't', text: "true"}, nil
	case c == 'f' && bytes.HasPrefix(p.b[p.i:], []byte("false")):
		p.i += 5
		return &jnode{kind: 'f', text: "false"}, nil
	case c == 'n' && bytes.HasPrefix(p.b[p.i:], []byte("null")):
		p.i += 4
		return &jnode{kind: 'z'}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		p.i++
		for p.i < len(p.b) {
			d := p.b[p.i]
			if (d >= '0' && d <= '9') || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-' {
				p.i++
				continue
			}
			break
		}
		return &jnode{kind: 'n', text: string(p.b[start:p.i])}, nil
	}
	return nil, p.errf("unexpected character %q", p.b[p.i])
}

// str reads a JSON string starting at the opening quote.
func (p *jparser) str() (string, error) {
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\\':
			escaped = true
			p.i += 2
			continue
		case '"':
			p.i++
			raw := p.b[start:p.i]
			if !escaped {
				s := string(raw[1 : len(raw)-1])
				if !utf8.ValidString(s) {
					s = strings.ToValidUTF8(s, "\uFFFD")
				}
				return s, nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", p.errf("bad string: %v", err)
			}
			return s, nil
		}
		p.i++
	}
	return "", p.errf("unterminated string")
}

// compactText is the JSON text of a value (for arrays nested in arrays,
// which the flat layout cannot split further).
func compactText(n *jnode) string {
	var b strings.Builder
	writeJSON(&b, n)
	return b.String()
}

func writeJSON(b *strings.Builder, n *jnode) {
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			writeJSON(b, n.vals[i])
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, v)
		}
		b.WriteByte(']')
	case 's':
		q, _ := json.Marshal(n.text)
		b.Write(q)
	case 'z':
		b.WriteString("null")
	default:
		b.WriteString(n.text)
	}
}

// kindOf returns the cell kind and text of a scalar JSON value.
func kindOf(n *jnode) (byte, string) {
	switch n.kind {
	case 's':
		return kString, n.text
	case 'n':
		if _, err := strconv.ParseInt(n.text, 10, 64); err == nil {
			return kInt, n.text
		}
		return kNumber, n.text
	case 't', 'f':
		return kBool, n.text
	}
	return kNull, ""
}

// keyCell is a key column copied into child rows: ocid, the release id and
// the ids of the enclosing array elements (flatten-tool's "awards/0/id").
type keyCell struct{ name, val string }

// flattenRelease writes one compiled release into the OCDS tables in the
// flatten-tool layout: the release's non-array fields in "releases"
// (columns named by JSON path: "tender/value/amount"), every array of
// objects in its own table named by its path ("awards", "awards_suppliers",
// "tender_items"), each row carrying ocid, the release id and the ids of
// its enclosing elements, with columns named like "awards/0/suppliers/0/name".
// Arrays of strings or numbers are joined with ";" in one cell, as
// flatten-tool does.
func (b *build) flattenRelease(ocid string, year int, rel *jnode) error {
	root := b.ocdsTable([]string{"releases"}, nil)
	r := &row{t: root, year: year}
	keys := []keyCell{{"ocid", ocid}, {"id", rel.get("id").scalarText()}}
	// ocid and id lead the main table, as in flatten-tool.
	for _, k := range keys {
		if v := rel.get(k.name); v != nil && (v.kind == 's' || v.kind == 'n') {
			kind, text := kindOf(v)
			r.set(k.name, kind, text)
		}
	}
	if err := b.flattenObject(r, rel, "", nil, keys, year); err != nil {
		return err
	}
	return root.write(r)
}

func (b *build) flattenObject(r *row, o *jnode, prefix string, tpath []string, keys []keyCell, year int) error {
	for i, k := range o.keys {
		v := o.vals[i]
		p := prefix + k
		if prefix == "" && r.t.name == "releases" && (k == "ocid" || k == "id") && (v.kind == 's' || v.kind == 'n') {
			continue // written first by flattenRelease
		}
		switch v.kind {
		case 'o':
			if err := b.flattenObject(r, v, p+"/", append(tpath[:len(tpath):len(tpath)], k), keys, year); err != nil {
				return err
			}
		case 'a':
			var scalars []string
			cpath := append(tpath[:len(tpath):len(tpath)], k)
			for _, el := range v.vals {
				switch el.kind {
				case 'o':
					ct := b.ocdsTable(cpath, keys)
					cr := &row{t: ct, year: year}
					for _, kc := range keys {
						cr.str(kc.name, kc.val)
					}
					elPrefix := p + "/0/"
					childKeys := keys
					if id := el.get("id").scalarText(); id != "" {
						childKeys = append(keys[:len(keys):len(keys)], keyCell{elPrefix + "id", id})
					}
					if err := b.flattenObject(cr, el, elPrefix, cpath, childKeys, year); err != nil {
						return err
					}
					if err := ct.write(cr); err != nil {
						return err
					}
				case 'a':
					scalars = append(scalars, compactText(el))
				case 'z':
				default:
					scalars = append(scalars, el.text)
				}
			}
			if len(scalars) > 0 {
				r.set(p, kString, strings.Join(scalars, ";"))
			}
		default:
			kind, text := kindOf(v)
			r.set(p, kind, text)
		}
	}
	return nil
}
