package indexer

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

func TestParseQueryAccepted(t *testing.T) {
	tests := []struct {
		q    string
		want string // canonical form
	}{
		{"", ""},
		{"   ", ""},
		{"hospital", "hospital"},
		{"hospital beds", "hospital beds"},
		{"hospital AND beds", "hospital beds"},
		{`"hospital beds"`, `"hospital beds"`},
		{`“hospital beds”`, `"hospital beds"`},
		{`"hospital beds`, `"hospital beds"`}, // unclosed quote runs to the end
		{`hospital "`, "hospital"},            // a lone quote is ignored
		{`""`, ""},
		{"-cancelled", "-cancelled"},
		{"hospital -cancelled", "hospital -cancelled"},
		{`hospital -"general hospital"`, `hospital -"general hospital"`},
		{"hospital NOT cancelled", "hospital -cancelled"},
		{"+hospital", "hospital"},
		{"a OR b", "a OR b"},
		{"a OR b c", "a OR b c"},
		{"a b OR c", "a b OR c"},
		{"a OR b OR c", "a OR b OR c"},
		{"OR a", "a"},
		{"a OR", "a"},
		{"a OR OR b", "a OR b"},
		{"(a b) OR c", "(a b) OR c"},
		{"hospital (kyiv OR lviv)", "hospital kyiv OR lviv"},
		{"-(a b)", "-(a b)"},
		{"(a b", "a b"},
		{"a b)", "a b"},
		{"()", ""},
		{"hosp*", "hosp*"},
		{"Шевч*", "Шевч*"},
		{"title:hospital", "title:hospital"},
		{"Title:hospital", "title:hospital"},
		{`title:"hospital beds"`, `title:"hospital beds"`},
		{`supplier:"Step Agro" grain`, `supplier:"Step Agro" grain`},
		{"buyer:GB-COH-01234567", "buyer:GB-COH-01234567"},
		{"buyer:minist*", "buyer:minist*"},
		{"ocid:ocds-b5fd17-123", "ocid:ocds-b5fd17-123"},
		{"ocid:ocds-b5fd17*", "ocid:ocds-b5fd17*"},
		{"cpv:45000000-7", "cpv:45000000-7"},
		{"cpv:336*", "cpv:336*"},
		{"country:ua year:2019 currency:uah", "country:ua year:2019 currency:uah"},
		{"method:open category:works buyer_type:health", "method:open category:works buyer_type:health"},
		{"Nota: contrato", "Nota contrato"},              // a field name followed by a space is a word
		{"http://example.com/x", "http://example.com/x"}, // not a field
		{"10:30", "10:30"},
		{"step-agro", "step-agro"},
		{"Î.C.S. EYECON", "Î.C.S. EYECON"},
		{"醫院", "醫院"},
		{"?", ""},
		{"*", ""},
		{"- + ! ,", ""},
		{`5" pipe`, `5" pipe`},
		{"N/A", "N/A"},
		{"x~y", "x~y"}, // an inner tilde (slug IDs) is not fuzziness
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.q)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.q, err)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("ParseQuery(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestParseQueryRefused(t *testing.T) {
	long := strings.Repeat("a", procure.MaxQueryLength+1)
	many := strings.Repeat("word ", MaxQueryTerms+1)
	ors := "a" + strings.Repeat(" OR a", MaxQueryBranches+1)
	prefixes := strings.Repeat("hosp* ", MaxQueryBranches+1)
	tests := []struct {
		q       string
		kind    error
		message string // substring of the message
		offset  int    // -2: do not check
	}{
		{"*pital", procure.ErrTooExpensive, "starts with a wildcard", 0},
		{"hospital *pital", procure.ErrTooExpensive, "starts with a wildcard", 9},
		{"ho*al", procure.ErrTooExpensive, "inside the word", 2},
		{"ho*", procure.ErrTooExpensive, "at least 3 letters", -2},
		{"h**", procure.ErrTooExpensive, "inside the word", -2},
		{"ho?pital", procure.ErrInvalid, "? wildcards are not supported", 2},
		{"hospital?", procure.ErrInvalid, "? wildcards", -2},
		{"/hosp.*/", procure.ErrInvalid, "Regular expressions", 0},
		{"title:/x.*/", procure.ErrInvalid, "Regular expressions", -2},
		{"hospitl~", procure.ErrInvalid, "fuzzy matching", -2},
		{"hospitl~2", procure.ErrInvalid, "fuzzy matching", -2},
		{"hospital^3", procure.ErrInvalid, "boosts", -2},
		{"amount:>1000", procure.ErrInvalid, "Unknown field", -2},
		{"year:>2019", procure.ErrInvalid, "Ranges", -2},
		{"year:19", procure.ErrInvalid, "four-digit year", -2},
		{">1000", procure.ErrInvalid, "Ranges", 0},
		{"[2019 TO 2020]", procure.ErrInvalid, "Ranges", 0},
		{"foo:bar", procure.ErrInvalid, `Unknown field "foo"`, 0},
		{"hospital foo:bar", procure.ErrInvalid, "You can search in: title, buyer", 9},
		{"country:u*", procure.ErrInvalid, "does not take a prefix", -2},
		{"((a b))", procure.ErrInvalid, "cannot be nested", -2},
		{"a OR -b", procure.ErrInvalid, "cannot be part of an OR", -2},
		{"-a OR b", procure.ErrInvalid, "cannot be part of an OR", -2},
		{"title:(a b)", procure.ErrInvalid, "must be followed by a word", -2},
		{long, procure.ErrTooExpensive, "the limit is 512", -2},
		{many, procure.ErrTooExpensive, "the limit is 32", -1},
		{ors, procure.ErrTooExpensive, "the limit is 16", -1},
		{prefixes, procure.ErrTooExpensive, "the limit is 16", -1},
	}
	for _, tt := range tests {
		_, err := ParseQuery(tt.q)
		var qe *procure.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("ParseQuery(%q) = %v, want a *procure.QueryError", short(tt.q), err)
			continue
		}
		if !errors.Is(err, tt.kind) {
			t.Errorf("ParseQuery(%q) kind = %v, want %v", short(tt.q), qe.Kind, tt.kind)
		}
		if !strings.Contains(qe.Message, tt.message) {
			t.Errorf("ParseQuery(%q) message = %q, want it to contain %q", short(tt.q), qe.Message, tt.message)
		}
		if tt.offset != -2 && qe.Offset != tt.offset {
			t.Errorf("ParseQuery(%q) offset = %d, want %d", short(tt.q), qe.Offset, tt.offset)
		}
		if !strings.HasSuffix(qe.Message, ".") || qe.Message[0] < 'A' && qe.Message[0] != '"' {
			t.Errorf("ParseQuery(%q) message %q is not a sentence", short(tt.q), qe.Message)
		}
	}
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func TestParseQueryTree(t *testing.T) {
	q, err := ParseQuery(`"hospital beds" (Kyiv OR Lviv) -closed supplier:acme*`)
	if err != nil {
		t.Fatal(err)
	}
	root := q.Root
	if root.Kind != NodeAnd || len(root.Children) != 4 {
		t.Fatalf("root = %+v", root)
	}
	if c := root.Children[0]; c.Kind != NodeTerm || !c.Term.Phrase || c.Term.Text != "hospital beds" {
		t.Errorf("phrase = %+v", c)
	}
	if c := root.Children[1]; c.Kind != NodeOr || len(c.Children) != 2 || c.Children[1].Term.Text != "Lviv" {
		t.Errorf("or = %+v", c)
	}
	if c := root.Children[2]; !c.Exclude || c.Term.Text != "closed" {
		t.Errorf("exclusion = %+v", c)
	}
	if c := root.Children[3]; c.Term.Field != "supplier" || !c.Term.Prefix || c.Term.Text != "acme" || c.Term.Offset != 39 {
		t.Errorf("field prefix = %+v", c)
	}
	var n int
	q.Walk(func(t Term, excluded bool) { n++ })
	if n != 5 {
		t.Errorf("Walk visited %d terms, want 5", n)
	}
}

// Refusing a query must cost no index work: microseconds.
func TestParseQueryRefusalIsFast(t *testing.T) {
	bad := []string{"*pital", "/.*a.*/", strings.Repeat("x", procure.MaxQueryLength+100), strings.Repeat("a* ", 100),
		strings.Repeat("hospital ", 60), "ho?pital", "foo:bar"}
	for _, q := range bad {
		start := time.Now()
		const n = 100
		for i := 0; i < n; i++ {
			if _, err := ParseQuery(q); err == nil {
				t.Fatalf("ParseQuery(%q) accepted", short(q))
			}
		}
		if per := time.Since(start) / n; per > time.Millisecond {
			t.Errorf("refusing %q took %s, want < 1ms", short(q), per)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"hospital", `"a b" -c OR d`, "*pital", "ho*al", "ho?", "/re/", "a~2", "title:x*",
		"(a OR b) c", `foo:bar`, "buyer:\"x y\"", "醫院 step-agro", "Î.C.S.", "((a))", "a OR -b", "year:2019", "cpv:336*",
		`"unclosed`, "x^2", "[1 TO 2]", strings.Repeat("a ", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			var qe *procure.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuery(%q) error %v is not a QueryError", s, err)
			}
			if !errors.Is(err, procure.ErrInvalid) && !errors.Is(err, procure.ErrTooExpensive) {
				t.Fatalf("ParseQuery(%q) kind %v", s, qe.Kind)
			}
			return
		}
		terms := 0
		var check func(n Node, depth int)
		check = func(n Node, depth int) {
			if depth > 4 {
				t.Fatalf("ParseQuery(%q): tree deeper than 4", s)
			}
			switch n.Kind {
			case NodeTerm:
				tm := n.Term
				if tm.Field != "" && !allowedField[tm.Field] {
					t.Fatalf("ParseQuery(%q): field %q not allowed", s, tm.Field)
				}
				if strings.ContainsAny(tm.Text, "*?") {
					t.Fatalf("ParseQuery(%q): wildcard in %q", s, tm.Text)
				}
				if !tm.Phrase && strings.HasPrefix(tm.Text, "/") && strings.Count(tm.Text, "/") >= 2 && len(tm.Text) > 2 {
					t.Fatalf("ParseQuery(%q): regexp %q", s, tm.Text)
				}
				if tm.Prefix && alnumCount(tm.Text) < MinPrefixLength {
					t.Fatalf("ParseQuery(%q): prefix %q shorter than %d", s, tm.Text, MinPrefixLength)
				}
				if i := strings.LastIndexByte(tm.Text, '~'); i > 0 && !tm.Phrase && strings.Trim(tm.Text[i+1:], "0123456789.") == "" {
					t.Fatalf("ParseQuery(%q): fuzziness in %q", s, tm.Text)
				}
				if !utf8.ValidString(tm.Text) {
					t.Fatalf("ParseQuery(%q): invalid UTF-8 term", s)
				}
				terms += countTerms(tm.Text)
			case NodeAnd, NodeOr:
				for _, c := range n.Children {
					check(c, depth+1)
				}
			default:
				t.Fatalf("ParseQuery(%q): node kind %d", s, n.Kind)
			}
		}
		check(q.Root, 0)
		if terms > MaxQueryTerms {
			t.Fatalf("ParseQuery(%q): %d terms", s, terms)
		}
		// The canonical form parses to itself.
		c := q.String()
		q2, err := ParseQuery(c)
		if err != nil {
			t.Fatalf("ParseQuery(%q).String() = %q does not parse: %v", s, c, err)
		}
		if q2.String() != c {
			t.Fatalf("canonical form of %q not stable: %q -> %q", s, c, q2.String())
		}
	})
}
