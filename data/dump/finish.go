package dump

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

// knownLicences maps how publishers write common licences to SPDX names.
var knownLicences = []struct {
	match   string // lower-case substring of the published text
	lic     manifest.Licence
	matchID bool // match the SPDX name itself too
}{
	{"creativecommons.org/licenses/by-nc", manifest.Licence{Name: "CC-BY-NC-4.0", Title: "Creative Commons Attribution-NonCommercial 4.0", URL: "https://creativecommons.org/licenses/by-nc/4.0/", NonCommercial: true}, false},
	{"cc-by-nc", manifest.Licence{Name: "CC-BY-NC-4.0", Title: "Creative Commons Attribution-NonCommercial 4.0", URL: "https://creativecommons.org/licenses/by-nc/4.0/", NonCommercial: true}, false},
	{"opensanctions", manifest.Licence{Name: "CC-BY-NC-4.0", Title: "OpenSanctions data: Creative Commons Attribution-NonCommercial 4.0", URL: "https://www.opensanctions.org/licensing/", NonCommercial: true}, false},
	{"creativecommons.org/licenses/by-sa/4.0", manifest.Licence{Name: "CC-BY-SA-4.0", Title: "Creative Commons Attribution-ShareAlike 4.0", URL: "https://creativecommons.org/licenses/by-sa/4.0/"}, false},
	{"creativecommons.org/licenses/by/4.0", manifest.Licence{Name: "CC-BY-4.0", Title: "Creative Commons Attribution 4.0", URL: "https://creativecommons.org/licenses/by/4.0/"}, false},
	{"cc-by-4.0", manifest.Licence{Name: "CC-BY-4.0", Title: "Creative Commons Attribution 4.0", URL: "https://creativecommons.org/licenses/by/4.0/"}, false},
	{"creativecommons.org/publicdomain/zero", manifest.Licence{Name: "CC0-1.0", Title: "Creative Commons Zero 1.0", URL: "https://creativecommons.org/publicdomain/zero/1.0/"}, false},
	{"cc0", manifest.Licence{Name: "CC0-1.0", Title: "Creative Commons Zero 1.0", URL: "https://creativecommons.org/publicdomain/zero/1.0/"}, false},
	{"opendatacommons.org/licenses/pddl", manifest.Licence{Name: "PDDL-1.0", Title: "Open Data Commons Public Domain Dedication and Licence", URL: "https://opendatacommons.org/licenses/pddl/1-0/"}, false},
	{"pddl", manifest.Licence{Name: "PDDL-1.0", Title: "Open Data Commons Public Domain Dedication and Licence", URL: "https://opendatacommons.org/licenses/pddl/1-0/"}, false},
	{"opendatacommons.org/licenses/odbl", manifest.Licence{Name: "ODbL-1.0", Title: "Open Data Commons Open Database Licence", URL: "https://opendatacommons.org/licenses/odbl/1-0/"}, false},
	{"open-government-licence", manifest.Licence{Name: "OGL-UK-3.0", Title: "Open Government Licence v3.0", URL: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}, false},
	{"datos.gob.mx/libreusomx", manifest.Licence{Name: "LicenseRef-Libre-Uso-MX", Title: "Libre Uso MX", URL: "https://datos.gob.mx/libreusomx"}, false},
}

// licenceOf names a licence as published (a URL or a name).
func licenceOf(s string) manifest.Licence {
	low := strings.ToLower(strings.TrimSpace(s))
	for _, k := range knownLicences {
		if strings.Contains(low, k.match) {
			return k.lic
		}
	}
	l := manifest.Licence{Name: strings.TrimSpace(s)}
	if strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://") {
		l.URL = l.Name
	}
	return l
}

// licences returns every licence that applies, the portal's first, then
// per source, then the derived tables'. No duplicates (name and scope).
func (b *build) licences() []manifest.Licence {
	out := []manifest.Licence{b.w.cfg.Licence}
	seen := map[string]bool{b.w.cfg.Licence.Name + "\x00portal": true}
	add := func(l manifest.Licence) {
		k := l.Name + "\x00" + l.Scope
		if !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	for _, s := range b.info.Sources {
		for _, raw := range s.Licences {
			l := licenceOf(raw)
			l.Scope = s.Name
			add(l)
		}
	}
	for _, l := range b.extraLicences {
		add(l)
	}
	return out
}

// finish names the generation after its content and writes the manifest,
// datapackage.json and SHA256SUMS.
func (b *build) finish(tables []*table, rec manifest.Reconciliation) (*manifest.Manifest, error) {
	files := append([]manifest.File(nil), b.files...)
	sort.Slice(files, func(i, j int) bool {
		return fileRank(files[i]) < fileRank(files[j]) ||
			fileRank(files[i]) == fileRank(files[j]) && files[i].Name < files[j].Name
	})
	content := sha256.New()
	fmt.Fprintf(content, "tenderlens dump format %d\n", manifest.FormatVersion)
	byName := append([]manifest.File(nil), files...)
	sort.Slice(byName, func(i, j int) bool { return byName[i].Name < byName[j].Name })
	for _, f := range byName {
		if f.Kind == "delta" || f.Kind == "deletions" {
			continue // they depend on the previous generation, not on the data
		}
		fmt.Fprintf(content, "%s  %s\n", f.SHA256, f.Name)
	}
	contentHash := hex.EncodeToString(content.Sum(nil))
	gen := manifest.GenerationName(b.info.DataAsOf, contentHash)

	m := &manifest.Manifest{
		Format:         manifest.FormatVersion,
		Generation:     gen,
		Previous:       b.prev,
		Title:          b.w.cfg.Title,
		Description:    b.w.cfg.Description,
		DataAsOf:       b.info.DataAsOf.UTC(),
		Demo:           b.info.Demo,
		OCDSVersion:    "1.1",
		StoreSchema:    b.info.StoreSchema,
		ContentSHA256:  contentHash,
		Contracts:      b.contracts,
		Awards:         b.awards,
		Organisations:  b.organisations,
		Licences:       b.licences(),
		Tables:         []manifest.Table{},
		Files:          files,
		Reconciliation: rec,
		Notes:          b.notes,
	}
	if b.info.DataAsOf.IsZero() {
		m.DataAsOf = b.info.DataAsOf
	}
	for _, s := range b.info.Sources {
		m.Sources = append(m.Sources, manifest.Source{Name: s.Name, Publishers: s.Publishers, Licences: s.Licences,
			Contracts: s.Contracts, Releases: s.Releases, NewestRelease: s.NewestRelease.UTC(), Retrieved: s.Retrieved.UTC()})
	}
	for _, t := range tables {
		m.Tables = append(m.Tables, t.describe())
	}
	js, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for _, f := range files {
		sums[f.Name] = f.SHA256
	}
	for _, meta := range []struct {
		name string
		body func() ([]byte, error)
	}{
		{manifest.ManifestFile, func() ([]byte, error) { return js, nil }},
		{manifest.DataPackageFile, func() ([]byte, error) { return b.dataPackage(m, tables) }},
	} {
		body, err := meta.body()
		if err != nil {
			return nil, err
		}
		out, err := create(b.dir, manifest.File{Name: meta.name, Format: "json"}, false)
		if err != nil {
			return nil, err
		}
		if _, err := out.Write(body); err != nil {
			out.abort()
			return nil, err
		}
		e, err := out.close()
		if err != nil {
			return nil, err
		}
		sums[meta.name] = e.SHA256
	}
	var s strings.Builder
	for _, name := range sortedKeys(sums) {
		fmt.Fprintf(&s, "%s  %s\n", sums[name], name)
	}
	out, err := create(b.dir, manifest.File{Name: manifest.ChecksumsFile, Format: "txt"}, false)
	if err != nil {
		return nil, err
	}
	if _, err := out.Write([]byte(s.String())); err != nil {
		out.abort()
		return nil, err
	}
	if _, err := out.close(); err != nil {
		return nil, err
	}
	return m, nil
}

// fileRank orders the manifest's files for people: the full dump, the
// tables, the database, per year, per agency, then mirrors' files.
func fileRank(f manifest.File) int {
	switch f.Kind {
	case "full":
		return 0
	case "database":
		return 1
	case "metadata":
		return 2
	case "tables":
		return 3
	case "table":
		return 4
	case "year":
		return 5
	case "agency":
		return 6
	case "delta":
		return 7
	case "deletions":
		return 8
	case "index":
		return 9
	}
	return 10
}

var resourceUnsafe = regexp.MustCompile(`[^a-z0-9._-]+`)

// dataPackage builds datapackage.json (Frictionless Data Package v1): every
// file as a resource with its size and hash, Parquet tables with their
// schema.
func (b *build) dataPackage(m *manifest.Manifest, tables []*table) ([]byte, error) {
	type field struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Description string `json:"description,omitempty"`
	}
	type schema struct {
		Fields []field `json:"fields"`
	}
	type resource struct {
		Name        string  `json:"name"`
		Path        string  `json:"path"`
		Title       string  `json:"title,omitempty"`
		Format      string  `json:"format"`
		MediaType   string  `json:"mediatype"`
		Encoding    string  `json:"encoding,omitempty"`
		Compression string  `json:"compression,omitempty"`
		Bytes       int64   `json:"bytes"`
		Hash        string  `json:"hash"`
		Schema      *schema `json:"schema,omitempty"`
	}
	type licence struct {
		Name  string `json:"name"`
		Path  string `json:"path,omitempty"`
		Title string `json:"title,omitempty"`
	}
	type source struct {
		Title string `json:"title"`
		Path  string `json:"path,omitempty"`
	}
	type pkg struct {
		Profile     string     `json:"profile"`
		Name        string     `json:"name"`
		ID          string     `json:"id"`
		Title       string     `json:"title"`
		Description string     `json:"description"`
		Version     string     `json:"version"`
		Homepage    string     `json:"homepage,omitempty"`
		Keywords    []string   `json:"keywords"`
		Licenses    []licence  `json:"licenses"`
		Sources     []source   `json:"sources,omitempty"`
		Resources   []resource `json:"resources"`
	}
	p := pkg{Profile: "data-package", Name: "tenderlens", ID: "tenderlens-" + m.Generation, Title: m.Title,
		Description: m.Description, Version: m.Generation, Keywords: []string{"procurement", "OCDS", "open contracting", "public spending"}}
	if !m.DataAsOf.IsZero() {
		p.Description += " Data as of " + m.DataAsOf.Format("2006-01-02T15:04:05Z07:00") + "."
	}
	if b.w.cfg.BaseURL != "" {
		p.Homepage = b.w.cfg.BaseURL + "/downloads"
	}
	for _, l := range m.Licences {
		title := l.Title
		if l.Scope != "portal" {
			title = strings.TrimSpace(title + " (applies to " + l.Scope + ")")
		}
		p.Licenses = append(p.Licenses, licence{Name: l.Name, Path: l.URL, Title: title})
	}
	for _, s := range m.Sources {
		p.Sources = append(p.Sources, source{Title: s.Name})
	}
	byTable := map[string]*table{}
	for _, t := range tables {
		byTable[t.name] = t
	}
	for _, f := range m.Files {
		r := resource{Name: resourceUnsafe.ReplaceAllString(strings.ToLower(f.Name), "-"), Path: f.Name, Title: f.Title,
			Format: f.Format, MediaType: f.MediaType, Bytes: f.Bytes, Hash: "sha256:" + f.SHA256}
		if f.Compression == "gzip" {
			r.Compression = "gz"
		}
		if f.Format == "jsonl" || f.Format == "tsv" || f.Format == "txt" || f.Format == "json" {
			r.Encoding = "utf-8"
		}
		if t := byTable[f.Table]; t != nil && f.Format == "parquet" {
			sc := &schema{}
			for _, c := range t.cols {
				sc.Fields = append(sc.Fields, field{Name: c.name, Type: c.typeOf(), Description: c.desc})
			}
			r.Schema = sc
		}
		p.Resources = append(p.Resources, r)
	}
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(js, '\n'), nil
}
