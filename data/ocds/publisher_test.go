package ocds

import (
	"encoding/json"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

// publisherCompiled returns the compiledRelease of every record in a record
// package or JSON Lines of records, decoded with encoding/json (not our
// reader), each run through Read alone so that it gets the same repairs as
// the releases (trimming, upgrade, scheme mapping).
func publisherCompiled(t *testing.T, data []byte, jsonl bool) map[string]any {
	t.Helper()
	var records []map[string]json.RawMessage
	if jsonl {
		for _, line := range splitLines(data) {
			var r map[string]json.RawMessage
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatal(err)
			}
			records = append(records, r)
		}
	} else {
		var pkg struct{ Records []map[string]json.RawMessage }
		if err := json.Unmarshal(data, &pkg); err != nil {
			t.Fatal(err)
		}
		records = pkg.Records
	}
	out := map[string]any{}
	for _, r := range records {
		rels, probs, _, err := readAll(t, r["compiledRelease"], "compiled")
		if err != nil || len(rels) != 1 {
			t.Fatalf("publisher compiledRelease: %v %d %v", err, len(rels), probs)
		}
		out[rels[0].OCID] = decodeJSON(t, rels[0].Raw)
	}
	return out
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if line := b[:i]; len(trimSpace(line)) > 0 {
			out = append(out, line)
		}
		if i < len(b) {
			i++
		}
		b = b[i:]
	}
	return out
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\r' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// TestCompileMatchesPublisher compiles each record's releases and compares
// the result with the publisher's own compiledRelease, as JSON ignoring key
// order.
func TestCompileMatchesPublisher(t *testing.T) {
	cases := []struct {
		name     string
		releases []string // files holding the releases
		records  []string // file holding the publisher's compiled releases
		jsonl    bool
	}{
		{"mx-cdmx record package", []string{"mx-cdmx", "record-package_with-versioned-release.json"}, []string{"mx-cdmx", "record-package_with-versioned-release.json"}, false},
		{"mx-cdmx records.jsonl", []string{"mx-cdmx", "records.jsonl"}, []string{"mx-cdmx", "records.jsonl"}, true},
		{"fictional example 1.1", []string{"fictional-example", "1.1", "release-package.json"}, []string{"fictional-example", "1.1", "record-package.json"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rels, _, _, err := readAll(t, sharedFile(t, tc.releases...), tc.releases[len(tc.releases)-1])
			if err != nil {
				t.Fatal(err)
			}
			var ind []procure.SourceRelease
			for _, r := range rels {
				if !r.Compiled {
					ind = append(ind, r)
				}
			}
			want := publisherCompiled(t, sharedFile(t, tc.records...), tc.jsonl)
			groups := byOCID(ind)
			if len(groups) != len(want) {
				t.Fatalf("%d ocids in releases, %d compiled releases", len(groups), len(want))
			}
			for ocid, rs := range groups {
				c, err := Compile(ocid, rs)
				if err != nil {
					t.Fatal(err)
				}
				got := decodeJSON(t, c.Release)
				w, ok := want[ocid]
				if !ok {
					t.Fatalf("no publisher compiled release for %s", ocid)
				}
				if d := jsonDiff(got, w); len(d) > 0 {
					t.Errorf("%s: compiled release differs from the publisher's:\n%s", ocid, joinLines(d))
				}
				// Negative control: the comparison must see a difference
				// when a release is left out.
				if len(rs) > 1 {
					partial, err := Compile(ocid, rs[:len(rs)-1])
					if err != nil {
						t.Fatal(err)
					}
					if len(jsonDiff(decodeJSON(t, partial.Release), w)) == 0 {
						t.Errorf("%s: compiling without the last release still matches; the comparison is blind", ocid)
					}
				}
			}
		})
	}
}

func joinLines(s []string) string {
	out := ""
	for _, x := range s {
		out += "  " + x + "\n"
	}
	return out
}
