package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/procure"
)

// downloadsPage is the view model of /downloads.
type downloadsPage struct {
	Meta          pageMeta
	Published     bool
	Generation    string
	DataAsOf      dateView
	Demo          bool
	Contracts     string
	Awards        string
	Organisations string
	Licences      []licenceView
	NonCommercial bool
	Main          []fileView
	Tables        []tableView
	Years         []fileView
	Agencies      []fileView
	Mirror        []fileView
	Sources       []sourceDates
	Notes         []string
	Reconciled    string
	ManifestURL   string
	PackageURL    string
	ChecksumsURL  string
	PinnedPrefix  string // permanent URL prefix of this generation
	PreviousURL   string
}

type licenceView struct {
	Name, Title, URL, Scope string
	NonCommercial           bool
	ThirdParty              bool
}

type fileView struct {
	Name, Title, URL, Format, Size, Rows, SHA256, Short string
	HumanSafe                                           bool
}

type tableView struct {
	Name, Title, Description, Rows, Group string
	ParquetURL, ParquetSize               string
	Columns                               int
}

type sourceDates struct {
	Name, Publishers, Licences, Releases string
	Newest, Retrieved                    dateView
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64) + " " + string("KMGTPE"[exp]) + "B"
}

func (s site) fileView(f manifest.File) fileView {
	v := fileView{Name: f.Name, Title: f.Title, URL: "/downloads/latest/" + f.Name, Format: strings.ToUpper(f.Format),
		Size: formatBytes(f.Bytes), Rows: formatInt(int(f.Rows)), SHA256: f.SHA256, HumanSafe: f.HumanSafe}
	if len(f.SHA256) >= 12 {
		v.Short = f.SHA256[:12]
	}
	if f.Compression == "gzip" {
		v.Format += " (gzip)"
	}
	if f.Format == "zip" {
		v.Format = "CSV (zip)"
	}
	return v
}

// buildDownloads builds the downloads page from the current manifest
// (nil when nothing is published yet).
func (s site) buildDownloads(m *manifest.Manifest) downloadsPage {
	p := downloadsPage{Meta: s.meta("Download the data", "/downloads", "/api/v1/downloads", "downloads")}
	p.Meta.Description = "Bulk downloads of every public contract in the portal: OCDS JSON Lines, CSV, Excel, Parquet and a SQLite database for Datasette, with checksums and deltas."
	if m == nil {
		return p
	}
	p.Published = true
	p.Generation = m.Generation
	p.DataAsOf = formatDateTime(m.DataAsOf)
	p.Demo = m.Demo
	p.Contracts, p.Awards, p.Organisations = formatInt(int(m.Contracts)), formatInt(int(m.Awards)), formatInt(int(m.Organisations))
	p.ManifestURL, p.PackageURL, p.ChecksumsURL = "/downloads/"+manifest.ManifestFile, "/downloads/"+manifest.DataPackageFile, "/downloads/"+manifest.ChecksumsFile
	p.PinnedPrefix = s.abs("/downloads/" + m.Generation + "/")
	p.Notes = m.Notes
	if m.Reconciliation.Equal {
		p.Reconciled = "Before publishing, " + plural(m.Reconciliation.Checked, "total was", "totals were") +
			" checked: the award totals per buyer and year, per supplier and per currency in these files equal the portal's to the smallest unit."
	}
	for _, l := range m.Licences {
		p.Licences = append(p.Licences, licenceView{Name: l.Name, Title: l.Title, URL: safeHref(l.URL), Scope: l.Scope, NonCommercial: l.NonCommercial, ThirdParty: l.ThirdParty})
		p.NonCommercial = p.NonCommercial || l.NonCommercial
	}
	parquet := map[string]manifest.File{}
	for _, f := range m.Files {
		switch f.Kind {
		case "full", "database", "metadata", "tables":
			p.Main = append(p.Main, s.fileView(f))
		case "year":
			p.Years = append(p.Years, s.fileView(f))
		case "agency":
			v := s.fileView(f)
			if f.AgencyName != "" {
				v.Title = f.AgencyName
			}
			p.Agencies = append(p.Agencies, v)
		case "delta", "deletions", "index":
			p.Mirror = append(p.Mirror, s.fileView(f))
		case "table":
			parquet[f.Table] = f
		}
	}
	sort.SliceStable(p.Agencies, func(i, j int) bool {
		return strings.ToLower(p.Agencies[i].Title) < strings.ToLower(p.Agencies[j].Title)
	})
	for _, t := range m.Tables {
		tv := tableView{Name: t.Name, Title: t.Title, Description: t.Description, Rows: formatInt(int(t.Rows)), Group: t.Group, Columns: len(t.Columns)}
		if f, ok := parquet[t.Name]; ok {
			tv.ParquetURL, tv.ParquetSize = "/downloads/latest/"+f.Name, formatBytes(f.Bytes)
		}
		p.Tables = append(p.Tables, tv)
	}
	for _, src := range m.Sources {
		p.Sources = append(p.Sources, sourceDates{Name: src.Name, Publishers: strings.Join(src.Publishers, ", "), Licences: strings.Join(src.Licences, ", "),
			Releases: formatInt(int(src.Releases)), Newest: formatDate(src.NewestRelease), Retrieved: formatDateTime(src.Retrieved)})
	}
	if m.Previous != "" {
		p.PreviousURL = "/downloads/" + m.Previous + "/" + manifest.ManifestFile
	}
	p.Meta.JSONLD = s.datasetLD(m)
	return p
}

// datasetLD is the schema.org Dataset of the downloads page (Google Dataset
// Search reads it).
func (s site) datasetLD(m *manifest.Manifest) map[string]any {
	ld := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Dataset",
		"name":                m.Title,
		"description":         m.Description,
		"url":                 s.abs("/downloads"),
		"version":             m.Generation,
		"isAccessibleForFree": true,
		"keywords":            []string{"public procurement", "contracts", "OCDS", "open contracting", "public spending"},
		"creator":             map[string]any{"@type": "Organization", "name": "Tenderlens"},
	}
	if !m.DataAsOf.IsZero() {
		ld["dateModified"] = m.DataAsOf.UTC().Format(time.RFC3339)
	}
	var lics []string
	for _, l := range m.Licences {
		if l.URL != "" {
			lics = append(lics, l.URL)
		}
	}
	if len(lics) > 0 {
		ld["license"] = lics
	}
	var dist []map[string]any
	for _, f := range m.Files {
		switch f.Kind {
		case "full", "database", "tables", "metadata":
			dist = append(dist, map[string]any{"@type": "DataDownload", "name": f.Title, "encodingFormat": f.MediaType,
				"contentUrl": s.abs("/downloads/" + m.Generation + "/" + f.Name), "contentSize": strconv.FormatInt(f.Bytes, 10) + " B"})
		}
	}
	ld["distribution"] = dist
	return ld
}

func (s *server) currentManifest() (*manifest.Manifest, error) {
	if s.deps.Downloads == nil {
		return nil, fmt.Errorf("no dump has been published yet: %w", procure.ErrNotFound)
	}
	return s.deps.Downloads.Current()
}

func (s *server) serveDownloads(c *fiber.Ctx) error {
	m, err := s.currentManifest()
	if err != nil && !errors.Is(err, procure.ErrNotFound) {
		return fmt.Errorf("downloads: %w", err)
	}
	return s.render(c, http.StatusOK, pageDownloads, s.site.buildDownloads(m))
}

// apiDownloads answers the current manifest (404 problem when none).
func (s *server) apiDownloads(c *fiber.Ctx) error {
	m, err := s.currentManifest()
	if err != nil {
		if errors.Is(err, procure.ErrNotFound) {
			return notFound(err, "No dump has been published yet. Run \"tenderlens dump\" or wait for the scheduled one.")
		}
		return fmt.Errorf("downloads: %w", err)
	}
	return s.writeJSON(c, m)
}

// serveDumpFile sends a file of a generation ("" = the current one) with a
// strong ETag (its SHA-256), Range support for resumed downloads, and its
// content type. Names are checked against the generation's manifest and
// opened through an os.Root (manifest.Library), never joined into paths
// here.
func (s *server) serveDumpFile(c *fiber.Ctx, gen, rawName string) error {
	name, err := pathID(rawName, "file name")
	if err != nil {
		return err
	}
	pinned := gen != ""
	if !pinned {
		m, err := s.currentManifest()
		if err != nil {
			if errors.Is(err, procure.ErrNotFound) {
				return notFound(err, "No dump has been published yet.")
			}
			return err
		}
		gen = m.Generation
	} else if !manifest.ValidGeneration(gen) {
		return notFound(nil, "There is no dump generation %q. See /downloads for the current one.", truncate(gen, 40))
	}
	if s.deps.Downloads == nil {
		return notFound(nil, "No dump has been published yet.")
	}
	f, err := s.deps.Downloads.Open(gen, name)
	if err != nil {
		if errors.Is(err, procure.ErrNotFound) {
			return notFound(err, "There is no file %q in dump generation %s. See /downloads for the files.", truncate(name, 80), gen)
		}
		return fmt.Errorf("open dump file: %w", err)
	}
	e := f.Entry
	etag := `"` + e.SHA256 + `"`
	if e.SHA256 == "" { // manifest.json, datapackage.json, SHA256SUMS: fixed per generation
		etag = `"` + gen + "-" + strings.ReplaceAll(name, "/", "-") + `"`
	}
	ct := e.MediaType
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderLastModified, f.Mod.UTC().Format(http.TimeFormat))
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if e.SHA256 != "" {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+path.Base(name)+`"`)
	}
	if pinned {
		c.Set(fiber.HeaderCacheControl, cacheStatic)
	} else {
		c.Set(fiber.HeaderCacheControl, cacheShort)
	}
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && etagMatches(match, etag) {
		f.Close()
		return c.SendStatus(http.StatusNotModified)
	}
	start, length := int64(0), f.Size
	status := http.StatusOK
	if rh := c.Get(fiber.HeaderRange); rh != "" && (c.Get(fiber.HeaderIfRange) == "" || c.Get(fiber.HeaderIfRange) == etag) {
		st, ln, ok, satisfiable := parseRange(rh, f.Size)
		switch {
		case !satisfiable:
			f.Close()
			c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(f.Size, 10))
			c.Set(fiber.HeaderContentType, "application/problem+json")
			c.Status(http.StatusRequestedRangeNotSatisfiable)
			return c.SendString(`{"type":"about:blank","title":"Range Not Satisfiable","status":416,"detail":"The requested byte range is outside the file."}` + "\n")
		case ok:
			start, length, status = st, ln, http.StatusPartialContent
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", st, st+ln-1, f.Size))
		}
	}
	c.Status(status)
	if c.Method() == fiber.MethodHead {
		f.Close()
		c.Response().Header.SetContentLength(int(length))
		c.Response().SkipBody = true
		return nil
	}
	body := &fileStream{r: io.NewSectionReader(f.File, start, length), f: f, conn: c.Context().Conn(), timeout: s.cfg.WriteTimeout}
	c.Response().SetBodyStream(body, int(length))
	return nil
}

// fileStream streams a file section and closes the file when done. Each
// read pushes the connection's write deadline forward, so a large download
// is limited by progress (no progress for WriteTimeout ends it), not by
// its total duration.
type fileStream struct {
	r       io.Reader
	f       io.Closer
	conn    net.Conn
	timeout time.Duration
}

func (s *fileStream) Read(p []byte) (int, error) {
	if s.conn != nil && s.timeout > 0 {
		_ = s.conn.SetWriteDeadline(time.Now().Add(s.timeout))
	}
	return s.r.Read(p)
}

func (s *fileStream) Close() error { return s.f.Close() }

// parseRange parses a single-range "bytes=" header against a size. ok is
// false when the header should be ignored (malformed or several ranges:
// the whole file is sent); satisfiable is false for a range that starts
// beyond the end (416).
func parseRange(h string, size int64) (start, length int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, true
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, true
	}
	if a == "" { // suffix: the last b bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, true
		}
		if n == 0 {
			return 0, 0, false, false
		}
		n = min(n, size)
		return size - n, n, true, true
	}
	st, err := strconv.ParseInt(a, 10, 64)
	if err != nil || st < 0 {
		return 0, 0, false, true
	}
	if st >= size {
		return 0, 0, false, false
	}
	end := size - 1
	if b != "" {
		e, err := strconv.ParseInt(b, 10, 64)
		if err != nil || e < st {
			return 0, 0, false, true
		}
		end = min(e, size-1)
	}
	return st, end - st + 1, true, true
}
