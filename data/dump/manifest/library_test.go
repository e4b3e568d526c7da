package manifest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

const testGen = "20240501T120000Z-0123456789ab"

// publish lays out a tiny published generation and a canary file outside
// the dump directory.
func publish(t testing.TB) (*Library, string) {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "dumps")
	g := filepath.Join(dir, testGen)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(g, "agencies"), 0o755))
	m := &Manifest{Format: FormatVersion, Generation: testGen, Files: []File{
		{Name: "releases.jsonl.gz", Format: "jsonl"},
		{Name: "agencies/a.jsonl.gz", Format: "jsonl"},
		{Name: "agencies/link.jsonl.gz", Format: "jsonl"},
	}}
	b, err := m.Marshal()
	must(err)
	must(os.WriteFile(filepath.Join(g, ManifestFile), b, 0o644))
	must(os.WriteFile(filepath.Join(g, "releases.jsonl.gz"), []byte("data"), 0o644))
	must(os.WriteFile(filepath.Join(g, "agencies", "a.jsonl.gz"), []byte("agency"), 0o644))
	must(os.WriteFile(filepath.Join(g, "secret.txt"), []byte("unlisted"), 0o644))
	must(os.WriteFile(filepath.Join(root, "canary"), []byte("CANARY-7f3a"), 0o644))
	must(os.Symlink(filepath.Join(root, "canary"), filepath.Join(g, "agencies", "link.jsonl.gz")))
	must(os.WriteFile(filepath.Join(dir, CurrentFile), []byte(testGen+"\n"), 0o644))
	return NewLibrary(dir), root
}

func TestOpenServesListedFilesOnly(t *testing.T) {
	lib, _ := publish(t)
	for _, name := range []string{"releases.jsonl.gz", "agencies/a.jsonl.gz", ManifestFile} {
		f, err := lib.Open(testGen, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f.Close()
	}
	m, err := lib.Current()
	if err != nil || m.Generation != testGen {
		t.Fatalf("current: %v %v", m, err)
	}
}

// TestPathTraversal (S-5): crafted names never open anything outside the
// listed files, and never the canary outside the dump directory.
func TestPathTraversal(t *testing.T) {
	lib, _ := publish(t)
	names := []string{
		"../canary", "../../canary", "/etc/passwd", "..", ".", "", "secret.txt", "agencies/../secret.txt",
		"agencies/./a.jsonl.gz", "agencies//a.jsonl.gz", "./releases.jsonl.gz", "releases.jsonl.gz/",
		"..%2fcanary", "%2e%2e/canary", "..\\canary", "agencies\\..\\secret.txt", "releases.jsonl.gz\x00",
		"agencies/link.jsonl.gz", ".fingerprint", "\u2025/canary", "\uff0e\uff0e/canary", "\xc0\xae\xc0\xae/canary",
		strings.Repeat("a/", 200) + "x", "CURRENT", "../CURRENT", "LOCK",
	}
	for _, gen := range []string{testGen, "..", "../dumps/" + testGen, testGen + "/..", "", "x"} {
		for _, n := range names {
			f, err := lib.Open(gen, n)
			if err == nil {
				b, _ := io.ReadAll(f)
				f.Close()
				if strings.Contains(string(b), "CANARY") || n != "agencies/./a.jsonl.gz" {
					t.Errorf("Open(%q, %q) served %q", gen, n, b)
				}
				continue
			}
			if !errors.Is(err, procure.ErrNotFound) {
				t.Errorf("Open(%q, %q): %v, want a not-found error", gen, n, err)
			}
		}
	}
}

func FuzzDumpPath(f *testing.F) {
	for _, s := range []string{"../canary", "agencies/a.jsonl.gz", "releases.jsonl.gz", "a/../../canary", "%2e%2e"} {
		f.Add(s)
	}
	lib, _ := publish(f)
	allowed := map[string]bool{"releases.jsonl.gz": true, "agencies/a.jsonl.gz": true, ManifestFile: true}
	f.Fuzz(func(t *testing.T, name string) {
		file, err := lib.Open(testGen, name)
		if err != nil {
			return
		}
		defer file.Close()
		if !allowed[name] {
			t.Fatalf("served %q", name)
		}
		b, _ := io.ReadAll(file)
		if strings.Contains(string(b), "CANARY") {
			t.Fatalf("served the canary for %q", name)
		}
	})
}
