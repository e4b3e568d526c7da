package source

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestFindString(t *testing.T) {
	path := []string{"links", "next"}
	tests := []struct {
		doc, want string
		err       bool
	}{
		{`{"links":{"next":"https://x/?p=2"}}`, "https://x/?p=2", false},
		{"\ufeff" + `{"links":{"next":"a"}}`, "a", false},
		{`{"releases":[{"links":{"next":"decoy"}},"}{[\"\\"],"links":{"prev":"p","next":"b\u0026c"}}`, "b&c", false},
		{`{"uri":"x","releases":[],"links":{"next":null}}`, "", false},
		{`{"links":{"next":""}}`, "", false},
		{`{"links":"none","next":"x"}`, "", false},
		{`{"links":{"next":12}}`, "", true},
		{`[{"links":{"next":"x"}}]`, "", false},
		{`{"ocid":"a"}` + "\n" + `{"links":{"next":"x"}}`, "", false}, // JSON Lines: only the first value counts
		{``, "", false},
		{`   `, "", false},
		{`{"releases":[1,2,3],"links":{"next":"late"}}`, "late", false},
		{`{"releases":[1,2,3`, "", true},
		{`{"a":{"b":[}]}}`, "", true},
		{`{"a" 1}`, "", true},
		{`{"links":{"next":"x`, "", true},
		{`{"links":{"deep":{"next":"no"}},"links":{"next":"second"}}`, "second", false},
	}
	for _, tt := range tests {
		got, err := findString(strings.NewReader(tt.doc), path)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("findString(%q) = %q, %v; want %q, err=%v", tt.doc, got, err, tt.want, tt.err)
		}
	}
	got, err := findString(strings.NewReader(`{"next_page":{"uri":"https://p/?offset=1"}}`), []string{"next_page", "uri"})
	if err != nil || got != "https://p/?offset=1" {
		t.Errorf("next_page.uri = %q, %v", got, err)
	}
}

func TestCountItems(t *testing.T) {
	tests := []struct {
		doc  string
		path []string
		want int
		err  bool
	}{
		{`{"releases":[{"a":[1,2]},{},{}]}`, nil, 3, false},
		{`{"records":[]}`, nil, 0, false},
		{`{"uri":"u","releases":[]}`, nil, 0, false},
		{`{"releases":[{}],"records":[{},{}]}`, nil, 3, false},
		{`[{"ocid":"a"},{"ocid":"b"}]`, nil, 2, false},
		{`[]`, nil, 0, false},
		{"{\"ocid\":\"a\"}\n{\"ocid\":\"b\"}\n{\"ocid\":\"c\"}\n", nil, 3, false},
		{`{"data":[1,2]}`, nil, 0, false},
		{`{"data":[1,2],"next_page":{}}`, []string{"data"}, 2, false},
		{`{"result":{"items":[1,"]",3]}}`, []string{"result", "items"}, 3, false},
		{`{"data":{}}`, []string{"data"}, 0, true},
		{``, nil, 0, false},
		{`"text"`, nil, 0, true},
		{`{"releases":[{},{}`, nil, 0, true},
	}
	for _, tt := range tests {
		got, err := countItems(strings.NewReader(tt.doc), tt.path)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("countItems(%q, %v) = %d, %v; want %d, err=%v", tt.doc, tt.path, got, err, tt.want, tt.err)
		}
	}
}

// FuzzFindString: on valid JSON objects, the light walk agrees with
// encoding/json; on anything it never panics.
func FuzzFindString(f *testing.F) {
	for _, s := range []string{
		`{"links":{"next":"https://x/?p=2"}}`,
		`{"releases":[{"ocid":"a","tag":["tender"]}],"links":{"next":null}}`,
		`{"a":"\"}","links":{"next":"\u00e9"}}`,
		`[1,2,{"links":{}}]`,
		`{"links":{"next":"x"},"links":{"next":"y"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := findString(bytes.NewReader(b), []string{"links", "next"})
		_, _ = countItems(bytes.NewReader(b), nil)
		var v struct {
			Links json.RawMessage `json:"links"`
		}
		if !json.Valid(b) || bytes.Count(b, []byte(`"links"`)) > 1 || json.Unmarshal(b, &v) != nil {
			return
		}
		var links map[string]json.RawMessage
		want := ""
		if json.Unmarshal(v.Links, &links) == nil && bytes.Count(v.Links, []byte(`"next"`)) == 1 {
			var s string
			if json.Unmarshal(links["next"], &s) == nil {
				want = s
			} else if len(links["next"]) > 0 && string(links["next"]) != "null" {
				if err == nil {
					t.Fatalf("non-string next accepted: %q", b)
				}
				return
			}
			if err != nil || got != want {
				t.Fatalf("findString(%q) = %q, %v; encoding/json says %q", b, got, err, want)
			}
		}
	})
}

func BenchmarkFindString(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"uri":"x","releases":[`)
	for i := range 20000 {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"ocid":"ocds-213czf-000-00001","id":"1","date":"2024-01-01T00:00:00Z","tag":["award"],"buyer":{"name":"Ministerio de \"Salud\""},"awards":[{"id":"1","value":{"amount":1234.5,"currency":"PYG"}}]}`)
	}
	buf.WriteString(`],"links":{"next":"https://example.org/?page=2"}}`)
	doc := buf.Bytes()
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for range b.N {
		if s, err := findString(bytes.NewReader(doc), []string{"links", "next"}); err != nil || s == "" {
			b.Fatal(s, err)
		}
	}
}
