// Package web holds the portal's presentation files: the HTML page templates,
// the static assets (CSS, icon) and the OpenAPI description of the JSON API,
// all embedded in the binary. It parses the templates once (fail fast), gives
// every static file a content fingerprint for cache-busting URLs and offers
// the few template functions the pages use.
//
// It imports only the standard library: the server package builds view
// models and calls Pages.Execute; nothing here knows about HTTP or the data.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed api/openapi.json
var openAPI []byte

// Names of the shared template files. Every other file in templates/ is a
// page, named after its file without the ".html" extension.
const (
	baseFile     = "base.html"
	partialsFile = "partials.html"
	// BaseTemplate is the template a page is executed through: the layout
	// that calls the page's "content" block.
	BaseTemplate = "base"
)

// OpenAPI returns a copy of the OpenAPI 3.1 description of the JSON API.
func OpenAPI() []byte { return bytes.Clone(openAPI) }

// Pages is the set of parsed page templates. It is immutable after
// ParsePages and safe for concurrent use.
type Pages struct {
	pages map[string]*template.Template
}

// ParsePages parses every page template with the base layout and the shared
// partials. It fails when a template does not parse, so a broken template
// stops the server at start instead of on a user's request.
func ParsePages(assets *Assets) (*Pages, error) {
	if assets == nil {
		return nil, fmt.Errorf("parse templates: no assets")
	}
	base, err := template.New(BaseTemplate).Funcs(Funcs(assets)).ParseFS(templateFS,
		"templates/"+baseFile, "templates/"+partialsFile)
	if err != nil {
		return nil, fmt.Errorf("parse layout templates: %w", err)
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	p := &Pages{pages: make(map[string]*template.Template)}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == baseFile || name == partialsFile || !strings.HasSuffix(name, ".html") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if _, err := t.ParseFS(templateFS, "templates/"+name); err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("template %s defines no \"content\" block", name)
		}
		p.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return p, nil
}

// Names returns the page names, sorted.
func (p *Pages) Names() []string {
	out := make([]string, 0, len(p.pages))
	for n := range p.pages {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Has reports whether a page of that name exists.
func (p *Pages) Has(name string) bool { _, ok := p.pages[name]; return ok }

// Execute renders the named page with its view model into w. Callers render
// into a buffer and write it only when Execute succeeds.
func (p *Pages) Execute(w io.Writer, name string, data any) error {
	t, ok := p.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	if err := t.ExecuteTemplate(w, BaseTemplate, data); err != nil {
		return fmt.Errorf("execute page %s: %w", name, err)
	}
	return nil
}

// Asset is one embedded static file.
type Asset struct {
	// Name is the file name as stored ("style.css").
	Name string
	// File is the fingerprinted file name ("style.3fa9c1d2e4b5.css").
	File string
	// URL is the path the page links to (prefix + File).
	URL string
	// Body is the file content. Callers must not modify it.
	Body []byte
	// ContentType is the media type to send.
	ContentType string
	// ETag is a strong entity tag derived from the content, quoted.
	ETag string
}

// Assets are the static files, addressable by plain or fingerprinted name.
// It is immutable after LoadAssets and safe for concurrent use.
type Assets struct {
	byName map[string]*Asset
	byFile map[string]*Asset
}

var contentTypes = map[string]string{
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
	".json": "application/json",
	".ico":  "image/x-icon",
	".png":  "image/png",
}

// LoadAssets reads the embedded static files and fingerprints them. prefix
// is the URL path they are served under, e.g. "/static/".
func LoadAssets(prefix string) (*Assets, error) {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	a := &Assets{byName: map[string]*Asset{}, byFile: map[string]*Asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		ct, ok := contentTypes[ext]
		if !ok {
			return fmt.Errorf("static file %s: no content type for %q", name, ext)
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		file := strings.TrimSuffix(name, ext) + "." + h[:12] + ext
		as := &Asset{Name: name, File: file, URL: prefix + file, Body: body, ContentType: ct, ETag: `"` + h[:32] + `"`}
		a.byName[name] = as
		a.byFile[file] = as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	return a, nil
}

// URL returns the fingerprinted URL of a static file.
func (a *Assets) URL(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return as.URL, nil
}

// Lookup finds a static file by its fingerprinted file name. immutable is
// true then: the content behind that name never changes and may be cached
// for a long time. A plain name ("style.css") is found too, with immutable
// false.
func (a *Assets) Lookup(file string) (as *Asset, immutable, ok bool) {
	if as, ok := a.byFile[file]; ok {
		return as, true, true
	}
	if as, ok := a.byName[file]; ok {
		return as, false, true
	}
	return nil, false, false
}

// Funcs returns the template functions the pages use:
//
//	asset NAME    fingerprinted URL of a static file
//	inc N         N+1 (1-based numbering)
func Funcs(a *Assets) template.FuncMap {
	return template.FuncMap{
		"asset": a.URL,
		"inc":   func(n int) int { return n + 1 },
	}
}
