package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

// generationPattern is the form of a generation name.
var generationPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}$`)

// ValidGeneration reports whether s has the form of a generation name.
func ValidGeneration(s string) bool { return generationPattern.MatchString(s) }

// GenerationName returns the name of the generation of data as of asOf
// whose content hash is contentSHA256 (hex).
func GenerationName(asOf time.Time, contentSHA256 string) string {
	h := contentSHA256
	if len(h) > 12 {
		h = h[:12]
	}
	return asOf.UTC().Format("20060102T150405Z") + "-" + h
}

// Library reads the published generations of a dump directory. It is safe
// for concurrent use; manifests are parsed once per generation and kept
// (they never change once published).
type Library struct {
	dir string

	mu        sync.Mutex
	manifests map[string]*Manifest
}

// NewLibrary returns a Library over the dump directory dir (DIR/dumps).
// The directory need not exist yet: until a dump is published, Current
// reports procure.ErrNotFound.
func NewLibrary(dir string) *Library {
	return &Library{dir: dir, manifests: map[string]*Manifest{}}
}

// Dir returns the dump directory.
func (l *Library) Dir() string { return l.dir }

// CurrentName returns the name of the generation being served.
// procure.ErrNotFound when none was published yet.
func (l *Library) CurrentName() (string, error) {
	b, err := os.ReadFile(l.dir + string(os.PathSeparator) + CurrentFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no dump has been published yet: %w", procure.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read current dump generation: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if !ValidGeneration(name) {
		return "", fmt.Errorf("current dump generation %q: %w", name, procure.ErrCorrupt)
	}
	return name, nil
}

// Current returns the manifest of the generation being served.
func (l *Library) Current() (*Manifest, error) {
	name, err := l.CurrentName()
	if err != nil {
		return nil, err
	}
	return l.Manifest(name)
}

// Manifest returns the manifest of a published generation (the current one
// or an older one still kept). procure.ErrNotFound when there is none.
func (l *Library) Manifest(gen string) (*Manifest, error) {
	if !ValidGeneration(gen) {
		return nil, fmt.Errorf("dump generation %q: %w", gen, procure.ErrNotFound)
	}
	l.mu.Lock()
	m, ok := l.manifests[gen]
	l.mu.Unlock()
	if ok {
		return m, nil
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("dump generation %s: %w", gen, procure.ErrNotFound)
		}
		return nil, fmt.Errorf("open dump directory: %w", err)
	}
	defer root.Close()
	b, err := root.ReadFile(gen + "/" + ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("dump generation %s: %w", gen, procure.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest of %s: %w", gen, err)
	}
	m = &Manifest{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(m); err != nil {
		return nil, fmt.Errorf("manifest of %s: %w: %w", gen, procure.ErrCorrupt, err)
	}
	if m.Generation != gen {
		return nil, fmt.Errorf("manifest of %s names generation %q: %w", gen, m.Generation, procure.ErrCorrupt)
	}
	l.mu.Lock()
	if len(l.manifests) > 64 { // generations are few; never grow without bound
		clear(l.manifests)
	}
	l.manifests[gen] = m
	l.mu.Unlock()
	return m, nil
}

// Generations lists the published generations in the directory, newest
// data first (then by name). Temporary directories are not listed.
func (l *Library) Generations() ([]string, error) {
	entries, err := os.ReadDir(l.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list dump generations: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && ValidGeneration(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

// metaFiles are served from every generation besides its listed files.
var metaFiles = map[string]string{
	ManifestFile:    "json",
	DataPackageFile: "json",
	ChecksumsFile:   "txt",
}

// CleanName checks a file name asked for over HTTP: a relative slash path
// without empty, "." or ".." elements, backslashes, NUL or control
// characters, at most 255 bytes. It does not check that the file exists.
func CleanName(name string) (string, bool) {
	if name == "" || len(name) > 255 || !utf8.ValidString(name) || strings.HasPrefix(name, "/") ||
		strings.ContainsAny(name, "\\\x00") {
		return "", false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", false
		}
	}
	for _, el := range strings.Split(name, "/") {
		if el == "" || el == "." || el == ".." || strings.HasPrefix(el, ".") {
			return "", false
		}
	}
	if path.Clean(name) != name {
		return "", false
	}
	return name, true
}

// Served is an open published file.
type Served struct {
	*os.File
	Entry File      // the manifest entry (for meta files: name, format, media type)
	Size  int64     // bytes on disk
	Mod   time.Time // modification time on disk
}

// Open opens a file of a published generation for reading. Only names the
// generation's manifest lists (and its manifest, datapackage.json and
// SHA256SUMS) are opened, through an os.Root on the dump directory, so no
// name — "..", an absolute path, a symbolic link pointing out — reaches a
// file outside it. procure.ErrNotFound for anything else.
func (l *Library) Open(gen, name string) (*Served, error) {
	clean, ok := CleanName(name)
	if !ok {
		return nil, fmt.Errorf("dump file %q: %w", name, procure.ErrNotFound)
	}
	m, err := l.Manifest(gen)
	if err != nil {
		return nil, err
	}
	var entry File
	if format, meta := metaFiles[clean]; meta {
		entry = File{Name: clean, Format: format, MediaType: MediaTypes[format], Kind: "metadata"}
		if clean == ChecksumsFile {
			entry.MediaType = MediaTypes["txt"]
		}
	} else if entry, ok = m.Lookup(clean); !ok {
		return nil, fmt.Errorf("dump file %q of %s: %w", name, gen, procure.ErrNotFound)
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return nil, fmt.Errorf("open dump directory: %w", err)
	}
	defer root.Close()
	f, err := root.Open(gen + "/" + clean)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("dump file %q of %s: %w", name, gen, procure.ErrNotFound)
	}
	if err != nil {
		// os.Root refuses paths escaping the root with an error that is
		// not ErrNotExist: to the public it is simply not there.
		return nil, fmt.Errorf("dump file %q of %s: %w: %w", name, gen, procure.ErrNotFound, err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("dump file %q of %s is not a regular file: %w", name, gen, procure.ErrNotFound)
	}
	return &Served{File: f, Entry: entry, Size: st.Size(), Mod: st.ModTime()}, nil
}
