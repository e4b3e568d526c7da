package ocds

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// MaxChanges is how many changes Compile lists per contracting process.
// Beyond it the list is cut and a "changes-truncated" warning says so.
const MaxChanges = 500

// merger merges releases into a compiled release following the OCDS 1.1
// merge routine (standard docs/schema/merging.md), with the reference
// implementation's (ocds-merge) treatment of corner cases:
//
//   - fields with omitWhenMerged (id, date, tag) are dropped;
//   - objects merge field by field; an empty object adds nothing;
//   - a null removes the field (and everything below it);
//   - literals and arrays of literals replace the old value;
//   - arrays marked wholeListMerge, and arrays of objects of which some have
//     no "id", replace the old array whole;
//   - other arrays of objects merge by "id" (compared as text, so "1" and 1
//     are the same object; the first-seen id value is kept); objects with a
//     new id are appended; an empty array adds nothing. Two objects with one
//     id in a single release are merged in order (the last wins field by
//     field) and reported as "duplicate-id".
//
// While merging it records what changed (see Change) from the second
// release on.
type merger struct {
	ocid      string
	track     bool // record changes (off for the first release and inside new subtrees)
	relID     string
	relDate   time.Time
	path      []string
	changes   []procure.Change
	truncated bool
	problems  []procure.Problem
	warned    map[string]bool // code+path already reported
}

func (m *merger) push(seg string) { m.path = append(m.path, seg) }
func (m *merger) pop()            { m.path = m.path[:len(m.path)-1] }

func (m *merger) pointer(extra ...string) string {
	var b strings.Builder
	for _, s := range m.path {
		b.WriteByte('/')
		b.WriteString(pointerEscape(s))
	}
	for _, s := range extra {
		b.WriteByte('/')
		b.WriteString(pointerEscape(s))
	}
	return b.String()
}

// change records one change at the current path (plus extra segments).
// old or new may be nil (added / removed).
func (m *merger) change(old, new *value, extra ...string) {
	if !m.track {
		return
	}
	if len(m.changes) >= MaxChanges {
		m.truncated = true
		return
	}
	c := procure.Change{Path: m.pointer(extra...), ReleaseID: m.relID, Date: m.relDate}
	if old != nil {
		c.Old = json.RawMessage(appendJSON(nil, old))
	}
	if new != nil {
		c.New = json.RawMessage(appendJSON(nil, new))
	}
	m.changes = append(m.changes, c)
}

// warnOnce adds a warning once per code and rule path.
func (m *merger) warnOnce(code, msg string, extra ...string) {
	p := m.pointer(extra...)
	key := code + "\x00" + genericPath(p)
	if m.warned == nil {
		m.warned = map[string]bool{}
	}
	if m.warned[key] {
		return
	}
	m.warned[key] = true
	m.problems = append(m.problems, procure.Problem{
		Severity: procure.SevWarning, Code: code, Message: msg,
		Location: procure.Location{Path: p}, OCID: m.ocid,
	})
}

// genericPath replaces array positions in a pointer by "*" so one warning
// covers every item of an array.
func genericPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s != "" && strings.Trim(s, "0123456789") == "" {
			segs[i] = "*"
		}
	}
	return strings.Join(segs, "/")
}

// mergeObject merges the object src into the object dst. The caller owns
// src; parts of it may be moved into dst. skipID is set for objects matched
// by identifier merge: their "id" stays as first seen.
func (m *merger) mergeObject(dst, src *value, rn *ruleNode, skipID bool) {
	for i := range src.kids {
		key := src.kids[i].Key
		sv := &src.kids[i].Val
		crn := rn.child(key)
		if crn.rule() == ruleOmit {
			continue
		}
		if skipID && key == "id" {
			if _, ok := dst.find("id"); ok {
				continue
			}
		}
		idx, ok := dst.find(key)
		if sv.k == kNull {
			if ok {
				m.change(&dst.kids[idx].Val, nil, key)
				dst.del(key)
			}
			continue
		}
		m.push(key)
		if ok {
			m.mergeInto(&dst.kids[idx].Val, sv, crn)
		} else if nv, keep := m.fresh(sv, crn); keep {
			m.change(nil, &nv)
			dst.set(key, nv)
		}
		m.pop()
	}
}

// fresh builds the value a field gets when it is new in the output: src
// merged into nothing (nested nulls, omitted fields, empty objects and
// empty identifier-merged arrays dropped). keep is false when nothing is
// left.
func (m *merger) fresh(src *value, rn *ruleNode) (value, bool) {
	track := m.track
	m.track = false
	defer func() { m.track = track }()
	switch src.k {
	case kNull:
		return value{}, false
	case kObject:
		if len(src.kids) == 0 {
			return value{}, false
		}
		out := newObject(len(src.kids))
		m.mergeObject(&out, src, rn, false)
		return out, true
	case kArray:
		mode := m.arrayMode(src, rn, false)
		switch mode {
		case arrayNothing:
			return value{}, false
		case arrayLiteral:
			return *src, true
		}
		out := value{k: kArray, kids: make([]member, 0, len(src.kids))}
		m.identifierMerge(&out, src, rn)
		return out, true
	}
	return *src, true
}

type arrayMode uint8

const (
	arrayNothing    arrayMode = iota // empty identifier-merged array: no effect
	arrayLiteral                     // replace whole
	arrayIdentifier                  // merge by id
)

func (m *merger) arrayMode(src *value, rn *ruleNode, existing bool) arrayMode {
	if rn.rule() == ruleWholeList {
		return arrayLiteral
	}
	if len(src.kids) == 0 {
		return arrayNothing
	}
	missing := false
	for i := range src.kids {
		it := &src.kids[i].Val
		if it.k != kObject {
			return arrayLiteral
		}
		if _, ok := idKey(it); !ok {
			missing = true
		}
	}
	if missing {
		if rn.rule() == ruleIdentifier && existing {
			m.warnOnce(CodeItemsWithoutID, "some objects in this array have no id, so the array was replaced whole rather than merged by id")
		}
		return arrayLiteral
	}
	return arrayIdentifier
}

// idKey returns the identity of an array item: its "id" as text (numbers in
// canonical form, so 1, 1.0 and "1" match).
func idKey(item *value) (string, bool) {
	id := item.get("id")
	if id == nil {
		return "", false
	}
	switch id.k {
	case kString:
		return id.s, true
	case kNumber:
		return canonNumber(id.s), true
	}
	return "", false
}

// mergeInto merges src into the existing value *dst.
func (m *merger) mergeInto(dst, src *value, rn *ruleNode) {
	switch src.k {
	case kObject:
		if len(src.kids) == 0 {
			return
		}
		if dst.k != kObject {
			nv, _ := m.fresh(src, rn)
			m.typeConflict(dst, &nv)
			*dst = nv
			return
		}
		m.mergeObject(dst, src, rn, false)
	case kArray:
		switch m.arrayMode(src, rn, dst.k == kArray) {
		case arrayNothing:
			return
		case arrayLiteral:
			if !dst.equal(src) {
				m.change(dst, src)
				*dst = *src
			}
			return
		}
		if dst.k != kArray {
			nv, _ := m.fresh(src, rn)
			m.typeConflict(dst, &nv)
			*dst = nv
			return
		}
		m.identifierMerge(dst, src, rn)
	default:
		if !dst.equal(src) {
			if dst.k == kObject || dst.k == kArray {
				m.typeConflict(dst, src)
			} else {
				m.change(dst, src)
			}
			*dst = *src
		}
	}
}

func (m *merger) typeConflict(old, new *value) {
	m.warnOnce(CodeTypeConflict, "a field changed type between releases (for example from an object to a text); the newer value was kept")
	m.change(old, new)
}

// identifierMerge merges an array of objects with ids into dst.
func (m *merger) identifierMerge(dst, src *value, rn *ruleNode) {
	var index map[string]int
	if len(dst.kids)+len(src.kids) > 16 {
		index = make(map[string]int, len(dst.kids)+len(src.kids))
		for i := range dst.kids {
			if k, ok := idKey(&dst.kids[i].Val); ok {
				if _, dup := index[k]; !dup {
					index[k] = i
				}
			}
		}
	}
	var seen map[string]bool
	if len(src.kids) > 1 {
		seen = make(map[string]bool, len(src.kids))
	}
	for i := range src.kids {
		item := &src.kids[i].Val
		k, _ := idKey(item)
		if seen != nil {
			if seen[k] {
				m.warnOnce(CodeDuplicateID, "two objects in one release share the id "+quote(k)+"; they were merged and the last one wins field by field")
			}
			seen[k] = true
		}
		at := -1
		if index != nil {
			if j, ok := index[k]; ok {
				at = j
			}
		} else {
			for j := range dst.kids {
				if dk, ok := idKey(&dst.kids[j].Val); ok && dk == k {
					at = j
					break
				}
			}
		}
		if at >= 0 {
			m.push(itoa(at))
			m.mergeObject(&dst.kids[at].Val, item, rn, true)
			m.pop()
			continue
		}
		nv, keep := m.fresh(item, rn)
		if !keep {
			continue
		}
		pos := len(dst.kids)
		m.change(nil, &nv, itoa(pos))
		dst.kids = append(dst.kids, member{Val: nv})
		if index != nil {
			index[k] = pos
		}
	}
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return `"` + s + `"`
}
