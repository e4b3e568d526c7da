package ocds

import "strings"

// mergeRule is how a field merges (see internal/mergegen).
type mergeRule uint8

const (
	ruleNone       mergeRule = iota // objects merge field by field, literals replace
	ruleOmit                        // omitWhenMerged: dropped from the compiled release
	ruleWholeList                   // the array is replaced whole
	ruleIdentifier                  // array of objects merged by "id"
)

// itemsKind says what an array field holds according to the schema.
type itemsKind uint8

const (
	itemsNone    itemsKind = iota // not an array
	itemsObject                   // array of objects
	itemsLiteral                  // array of strings/numbers
)

// mergeRuleRow is one row of the generated mergeRuleTable.
type mergeRuleRow struct {
	path  string
	merge mergeRule
	items itemsKind
}

// ruleNode is a node of the rule tree: the rule of one field path and the
// rules of its children. A nil *ruleNode means "not in the schema".
type ruleNode struct {
	merge mergeRule
	items itemsKind
	kids  map[string]*ruleNode
}

// child returns the rules of field key below n (nil when unknown).
func (n *ruleNode) child(key string) *ruleNode {
	if n == nil {
		return nil
	}
	return n.kids[key]
}

func (n *ruleNode) rule() mergeRule {
	if n == nil {
		return ruleNone
	}
	return n.merge
}

func (n *ruleNode) itemKind() itemsKind {
	if n == nil {
		return itemsNone
	}
	return n.items
}

// releaseRules is the immutable rule tree of a release, built once from the
// generated table.
var releaseRules = buildRules(mergeRuleTable)

func buildRules(rows []mergeRuleRow) *ruleNode {
	root := &ruleNode{kids: map[string]*ruleNode{}}
	for _, r := range rows {
		n := root
		for _, seg := range strings.Split(r.path, ".") {
			c := n.kids[seg]
			if c == nil {
				c = &ruleNode{kids: map[string]*ruleNode{}}
				n.kids[seg] = c
			}
			n = c
		}
		n.merge, n.items = r.merge, r.items
	}
	// Intermediate objects (tender, planning.budget, ...) have no row of
	// their own; they merge field by field (ruleNone), which is the zero
	// value.
	return root
}
