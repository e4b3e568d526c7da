package web

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os/exec"
	"strings"
	"testing"
)

func TestParsePages(t *testing.T) {
	a, err := LoadAssets("/static/")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePages(a)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(p.Names()), len(entries)-2; got != want {
		t.Errorf("%d pages from %d template files", got, len(entries))
	}
	if err := p.Execute(&bytes.Buffer{}, "no-such-page", nil); err == nil {
		t.Error("unknown page executed")
	}
	if _, err := ParsePages(nil); err == nil {
		t.Error("ParsePages(nil) succeeded")
	}
}

func TestAssets(t *testing.T) {
	a, err := LoadAssets("/static")
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.URL("style.css")
	if err != nil || !strings.HasPrefix(u, "/static/style.") || !strings.HasSuffix(u, ".css") || u == "/static/style.css" {
		t.Fatalf("URL = %q, %v", u, err)
	}
	as, immutable, ok := a.Lookup(strings.TrimPrefix(u, "/static/"))
	if !ok || !immutable || as.ContentType != "text/css; charset=utf-8" || len(as.Body) == 0 || !strings.HasPrefix(as.ETag, `"`) {
		t.Errorf("Lookup fingerprinted = %+v %v %v", as, immutable, ok)
	}
	if _, immutable, ok := a.Lookup("style.css"); !ok || immutable {
		t.Errorf("Lookup plain name: ok %v immutable %v", ok, immutable)
	}
	if _, _, ok := a.Lookup("../web.go"); ok {
		t.Error("Lookup escaped the static directory")
	}
	if _, err := a.URL("missing.css"); err == nil {
		t.Error("URL of a missing file succeeded")
	}
	// the fingerprint follows the content
	b, _ := LoadAssets("/static/")
	if v, _ := b.URL("style.css"); v != u {
		t.Errorf("fingerprint not stable: %s vs %s", v, u)
	}
}

func TestStylesheetHasNoExternalResources(t *testing.T) {
	css, err := staticFS.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"@import", "url(", "http:", "https:", "expression("} {
		if bytes.Contains(css, []byte(bad)) {
			t.Errorf("style.css contains %q", bad)
		}
	}
}

func TestOpenAPI(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi version %v", doc["openapi"])
	}
	b := OpenAPI()
	b[0] = 'x'
	if OpenAPI()[0] == 'x' {
		t.Error("OpenAPI returns the shared slice")
	}
}

// TestStandardLibraryOnly enforces the layout rule: web imports nothing but
// the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/tenderlens/tenderlens/web" {
			t.Errorf("web depends on %s", dep)
		}
	}
}
