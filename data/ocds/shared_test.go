package ocds

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// sharedFiles lists every file under the shared OCDS data, relative paths.
func sharedFiles(t *testing.T) (string, []string) {
	root := testenv.SharedData(t, "ocds")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 40 {
		t.Fatalf("only %d shared OCDS files found", len(files))
	}
	return root, files
}

// naiveOCIDs computes the set of ocids of a file independently of Read: a
// full encoding/json decode (after a plain Latin-1 fallback and line split
// for JSON Lines) and a walk over the known shapes.
func naiveOCIDs(t *testing.T, data []byte, jsonl bool) map[string]bool {
	if !utf8.Valid(data) {
		r := make([]rune, len(data))
		for i, b := range data {
			r[i] = rune(b)
		}
		data = []byte(string(r))
	}
	var docs []any
	if jsonl {
		for _, line := range splitLines(data) {
			var v any
			if err := json.Unmarshal(line, &v); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, v)
		}
	} else {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, v)
	}
	out := map[string]bool{}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return strings.TrimSpace(s) }
	record := func(r map[string]any) {
		if s := str(r, "ocid"); s != "" {
			out[s] = true
			return
		}
		if c, ok := r["compiledRelease"].(map[string]any); ok && str(c, "ocid") != "" {
			out[str(c, "ocid")] = true
			return
		}
		if rs, ok := r["releases"].([]any); ok {
			for _, x := range rs {
				if m, ok := x.(map[string]any); ok && str(m, "ocid") != "" {
					out[str(m, "ocid")] = true
					return
				}
			}
		}
	}
	var doc func(v any)
	doc = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				doc(e)
			}
		case map[string]any:
			switch {
			case x["records"] != nil:
				for _, r := range x["records"].([]any) {
					record(r.(map[string]any))
				}
			case x["compiledRelease"] != nil || x["versionedRelease"] != nil:
				record(x)
			case x["releases"] != nil:
				for _, r := range x["releases"].([]any) {
					if s := str(r.(map[string]any), "ocid"); s != "" {
						out[s] = true
					}
				}
			default:
				if s := str(x, "ocid"); s != "" {
					out[s] = true
				}
			}
		}
	}
	for _, d := range docs {
		doc(d)
	}
	return out
}

// TestSharedData reads every shared OCDS file: Read must succeed, emit the
// same set of ocids as an independent decode, and report exactly the
// problems in testdata/warnings.golden (reviewed by hand against
// shared/data/SOURCES.md; regenerate with -update and review the diff).
func TestSharedData(t *testing.T) {
	root, files := sharedFiles(t)
	var golden strings.Builder
	golden.WriteString("# Problems Read reports for every file under shared/data/ocds.\n")
	golden.WriteString("# file | severity code | line:index path\n")
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		rels, probs, st, err := readAll(t, data, f)
		if err != nil {
			t.Errorf("%s: Read: %v", f, err)
			continue
		}
		if st.Errors > 0 {
			t.Errorf("%s: %d errors: %v", f, st.Errors, probs)
		}
		got := map[string]bool{}
		for _, r := range rels {
			got[r.OCID] = true
			if r.Source != "test" || r.URL != f || r.SHA256 == "" || r.Date.IsZero() || r.ID == "" {
				t.Errorf("%s: incomplete provenance %+v", f, r.Location)
			}
			if r.Location.Line < 1 {
				t.Errorf("%s: release %s has no line", f, r.ID)
			}
		}
		want := naiveOCIDs(t, data, strings.HasSuffix(f, ".jsonl"))
		if fmt.Sprint(sortedKeys(got)) != fmt.Sprint(sortedKeys(want)) {
			t.Errorf("%s: ocids\n got %v\nwant %v", f, sortedKeys(got), sortedKeys(want))
		}
		fmt.Fprintf(&golden, "\n%s: %d releases, shape %s\n", f, st.Releases, st.Shape)
		for _, p := range probs {
			fmt.Fprintf(&golden, "  %s %s | %d:%d %s | %s\n", p.Severity, p.Code, p.Location.Line, p.Location.Index, p.Location.Path, p.OCID)
		}
	}
	checkGolden(t, "warnings.golden", golden.String())
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("testdata/%s differs at line %d:\n got: %s\nwant: %s\n(run go test -update and review the diff)", name, i+1, g, w)
			}
		}
	}
}
