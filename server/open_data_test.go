package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/net/html"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/procure"
)

const testGen = "20240501T120000Z-0123456789ab"

// publishTestDump lays out a small published generation.
func publishTestDump(t *testing.T) (*manifest.Library, []byte) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dumps")
	g := filepath.Join(dir, testGen)
	if err := os.MkdirAll(filepath.Join(g, "parquet"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789"), 1000)
	sum := sha256.Sum256(data)
	m := &manifest.Manifest{Format: manifest.FormatVersion, Generation: testGen, Title: "T", Description: "D",
		DataAsOf: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), OCDSVersion: "1.1", StoreSchema: 2,
		ContentSHA256: strings.Repeat("ab", 32), Contracts: 3, Awards: 2, Organisations: 4,
		Licences: []manifest.Licence{{Name: "CC-BY-4.0", URL: "https://creativecommons.org/licenses/by/4.0/", Scope: "portal"},
			{Name: "CC-BY-NC-4.0", Scope: "risk_verdicts", NonCommercial: true, ThirdParty: true}},
		Sources: []manifest.Source{{Name: "src", Contracts: 3, Releases: 5}},
		Tables: []manifest.Table{{Name: "portal_awards", Title: "Awards", Description: "d", Group: "portal", Rows: 2,
			Columns: []manifest.Column{{Name: "ocid", Type: "string"}}}},
		Files: []manifest.File{
			{Name: "releases.jsonl.gz", Title: "All", Format: "jsonl", MediaType: "application/gzip", Compression: "gzip", Bytes: int64(len(data)), Rows: 3, SHA256: hex.EncodeToString(sum[:]), Kind: "full"},
			{Name: "parquet/portal_awards.parquet", Title: "P", Format: "parquet", MediaType: "application/vnd.apache.parquet", Bytes: int64(len(data)), Rows: 2, SHA256: hex.EncodeToString(sum[:]), Kind: "table", Table: "portal_awards"},
		},
		Reconciliation: manifest.Reconciliation{Checked: 4, Equal: true},
	}
	b, _ := m.Marshal()
	for name, body := range map[string][]byte{manifest.ManifestFile: b, "releases.jsonl.gz": data, "parquet/portal_awards.parquet": data,
		manifest.ChecksumsFile: []byte(hex.EncodeToString(sum[:]) + "  releases.jsonl.gz\n"), manifest.DataPackageFile: []byte("{}\n")} {
		if err := os.WriteFile(filepath.Join(g, filepath.FromSlash(name)), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, manifest.CurrentFile), []byte(testGen+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return manifest.NewLibrary(dir), data
}

func withDownloads(lib *manifest.Library) func(*Config, *Deps) {
	return func(_ *Config, d *Deps) { d.Downloads = lib }
}

func doHeaders(t *testing.T, app *fiber.App, target string, h map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: buf.String()}
}

// TestDownloadFiles: ETag, Range (resumable), content types, 404s for
// anything not listed, and the page and its JSON twin.
func TestDownloadFiles(t *testing.T) {
	lib, data := publishTestDump(t)
	app := newTestApp(t, newFakeData(plainText), withDownloads(lib))
	sum := sha256.Sum256(data)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	for _, target := range []string{"/downloads/latest/releases.jsonl.gz", "/downloads/" + testGen + "/releases.jsonl.gz"} {
		r := do(t, app, http.MethodGet, target)
		if r.status != 200 || r.body != string(data) || r.header.Get("ETag") != etag || r.header.Get("Content-Type") != "application/gzip" ||
			r.header.Get("Accept-Ranges") != "bytes" || r.header.Get("Content-Encoding") != "" {
			t.Fatalf("%s: %d %v (%d bytes)", target, r.status, r.header, len(r.body))
		}
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS", target)
		}
		// resume
		r = doHeaders(t, app, target, map[string]string{"Range": "bytes=9000-", "If-Range": etag})
		if r.status != 206 || r.body != string(data[9000:]) || r.header.Get("Content-Range") != "bytes 9000-9999/10000" {
			t.Fatalf("%s resumed: %d %q %v", target, r.status, r.header.Get("Content-Range"), len(r.body))
		}
		r = doHeaders(t, app, target, map[string]string{"Range": "bytes=-10"})
		if r.status != 206 || r.body != string(data[9990:]) {
			t.Fatalf("%s suffix range: %d %q", target, r.status, r.body)
		}
		r = doHeaders(t, app, target, map[string]string{"Range": "bytes=10-19", "If-Range": `"other"`})
		if r.status != 200 || len(r.body) != len(data) {
			t.Fatalf("%s with a stale If-Range: %d", target, r.status)
		}
		r = doHeaders(t, app, target, map[string]string{"Range": "bytes=20000-"})
		if r.status != 416 || r.header.Get("Content-Range") != "bytes */10000" {
			t.Fatalf("%s unsatisfiable: %d %v", target, r.status, r.header)
		}
		r = doHeaders(t, app, target, map[string]string{"If-None-Match": etag})
		if r.status != 304 {
			t.Fatalf("%s If-None-Match: %d", target, r.status)
		}
	}
	if r := do(t, app, http.MethodGet, "/downloads/"+testGen+"/releases.jsonl.gz"); !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("generation URLs are not immutable: %q", r.header.Get("Cache-Control"))
	}
	for _, target := range []string{"/downloads/latest/nothing.csv", "/downloads/latest/..%2f..%2fetc%2fpasswd", "/downloads/latest/.fingerprint",
		"/downloads/20990101T000000Z-0123456789ab/releases.jsonl.gz", "/downloads/latest/%2e%2e/CURRENT", "/downloads/not-a-gen/releases.jsonl.gz"} {
		if r := do(t, app, http.MethodGet, target); r.status != 404 && r.status != 400 {
			t.Errorf("%s: %d", target, r.status)
		}
	}
	r := do(t, app, http.MethodGet, "/downloads/manifest.json")
	var m manifest.Manifest
	if r.status != 200 || json.Unmarshal([]byte(r.body), &m) != nil || m.Generation != testGen {
		t.Fatalf("manifest.json: %d %.100s", r.status, r.body)
	}
	r = do(t, app, http.MethodGet, "/downloads")
	doc := parseHTML(t, r.body)
	var ld map[string]any
	for _, n := range find(doc, func(n *html.Node) bool { return n.Data == "script" }) {
		if v, _ := attr(n, "type"); v == "application/ld+json" {
			if err := json.Unmarshal([]byte(textOf(n)), &ld); err != nil {
				t.Fatalf("JSON-LD: %v", err)
			}
		}
	}
	if r.status != 200 || ld["@type"] != "Dataset" || !strings.Contains(r.body, "non-commercial") {
		t.Fatalf("/downloads: %d, JSON-LD %v", r.status, ld)
	}
	// Without a dump the page says so and the API answers 404.
	app2 := newTestApp(t, newFakeData(plainText))
	if r := do(t, app2, http.MethodGet, "/downloads"); r.status != 200 || !strings.Contains(r.body, "No bulk download has been published yet") {
		t.Errorf("/downloads without a dump: %d", r.status)
	}
	if r := do(t, app2, http.MethodGet, "/api/v1/downloads"); r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("/api/v1/downloads without a dump: %d %s", r.status, r.header.Get("Content-Type"))
	}
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
	} `xml:"entry"`
}

// TestFeeds: every feed parses as Atom, lists the newest contracts first,
// uses the search's parameters, and pages link their feeds.
func TestFeeds(t *testing.T) {
	f := newFakeData(plainText)
	h := f.results.Hits[0]
	older, newer := h, h
	older.OCID, older.Date = "ocds-old", day(2019, 1, 1)
	newer.OCID, newer.Date = "ocds-new", day(2023, 6, 1)
	f.results.Hits = []procure.Hit{newer, h, older}
	f.names = map[string]string{testBuyerID: "buyer", testSupplier: "supplier"}
	app := newTestApp(t, f)
	for _, target := range []string{"/feeds/search.atom", "/feeds/search.atom?q=computadoras&year=2021&sort=amount_asc&cursor=x",
		"/feeds/agencies/" + testBuyerID + ".atom", "/feeds/suppliers/" + testSupplier + ".atom", "/feeds/flagged.atom"} {
		r := do(t, app, http.MethodGet, target)
		var feed atomDoc
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("%s: %d %s %s", target, r.status, r.header.Get("Content-Type"), r.body)
		}
		if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if target == "/feeds/flagged.atom" {
			if len(feed.Entries) != 0 {
				t.Errorf("flagged feed without risk data has entries")
			}
			continue
		}
		if got := f.lastSearch; got.Sort != procure.SortDateDesc || got.Cursor != "" || got.Limit != feedSize {
			t.Errorf("%s searched with %+v", target, got)
		}
		if len(feed.Entries) != 3 || !sort.SliceIsSorted(feed.Entries, func(i, j int) bool { return feed.Entries[i].Updated > feed.Entries[j].Updated }) ||
			feed.Entries[0].ID != "https://tenderlens.example/contracts/ocds-new" || feed.Updated != "2023-06-01T00:00:00Z" {
			t.Errorf("%s: entries %+v, updated %s", target, feed.Entries, feed.Updated)
		}
	}
	do(t, app, http.MethodGet, "/feeds/search.atom?q=computadoras&year=2021")
	if got := f.lastSearch; got.Q != "computadoras" || len(got.Year) != 1 || got.Year[0] != 2021 {
		t.Errorf("feed search lost the search parameters: %+v", got)
	}
	for target, want := range map[string]string{
		"/search?q=computadoras&year=2021&cursor=abc": "/feeds/search.atom?q=computadoras&year=2021",
		"/agencies/" + testBuyerID:                    "/feeds/agencies/" + testBuyerID + ".atom",
		"/suppliers/" + testSupplier:                  "/feeds/suppliers/" + testSupplier + ".atom",
		"/":                                           "/feeds/search.atom",
	} {
		r := do(t, app, http.MethodGet, target)
		found := false
		for _, n := range find(parseHTML(t, r.body), func(n *html.Node) bool { return n.Data == "link" }) {
			typ, _ := attr(n, "type")
			href, _ := attr(n, "href")
			if typ == "application/atom+xml" && href == "https://tenderlens.example"+want {
				found = true
			}
		}
		if !found {
			t.Errorf("%s does not link its feed %s", target, want)
		}
	}
	if r := do(t, app, http.MethodGet, "/feeds/agencies/nobody.atom"); r.status != 404 {
		t.Errorf("feed of an unknown agency: %d", r.status)
	}
	if r := do(t, app, http.MethodGet, "/feeds/search.atom?year=x"); r.status != 400 {
		t.Errorf("feed with a bad filter: %d", r.status)
	}
}

// TestOpenAPIWalk walks the OpenAPI document: it compiles every schema
// (JSON Schema 2020-12, as OpenAPI 3.1 uses), checks every $ref resolves,
// calls every documented GET route against the real handlers and checks
// the status is documented and the body validates against the documented
// schema of its content type.
func TestOpenAPIWalk(t *testing.T) {
	lib, _ := publishTestDump(t)
	f := newFakeData(plainText)
	f.names = map[string]string{testBuyerID: "buyer", testSupplier: "supplier"}
	app := newTestApp(t, f, withDownloads(lib))
	spec := do(t, app, http.MethodGet, "/api/v1/openapi.json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(spec.body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	// every $ref resolves
	refRe := regexp.MustCompile(`"\$ref":\s*"#/([^"]+)"`)
	for _, m := range refRe.FindAllStringSubmatch(spec.body, -1) {
		var cur any = doc
		for _, part := range strings.Split(m[1], "/") {
			obj, ok := cur.(map[string]any)
			if !ok || obj[part] == nil {
				t.Fatalf("$ref #/%s does not resolve", m[1])
			}
			cur = obj[part]
		}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	specDoc, err := jsonschema.UnmarshalJSON(strings.NewReader(spec.body))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("https://tenderlens.example/openapi.json", specDoc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		if _, err := c.Compile("https://tenderlens.example/openapi.json#/components/schemas/" + name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
	registered := map[string]bool{}
	for _, rt := range app.GetRoutes(true) {
		registered[rt.Method+" "+rt.Path] = true
	}
	params := map[string]string{"ocid": escOCID, "id": testBuyerID, "name": url.PathEscape("sourcename text"),
		"releaseID": escRelease, "generation": testGen, "file": "releases.jsonl.gz"}
	supplierIDs := map[string]bool{"/api/v1/suppliers/{id}": true, "/feeds/suppliers/{id}.atom": true, "/api/v1/suppliers/{id}/risk": true}
	paramRe := regexp.MustCompile(`\{([^}]+)\}`)
	paths := doc["paths"].(map[string]any)
	called := 0
	for path, item := range paths {
		op, ok := item.(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		target := paramRe.ReplaceAllStringFunc(path, func(m string) string {
			name := m[1 : len(m)-1]
			if name == "id" && supplierIDs[path] {
				return testSupplier
			}
			if name == "id" && strings.HasSuffix(path, "runs/{id}") {
				return "7"
			}
			return params[name]
		})
		if strings.HasPrefix(path, "/api/v1/sources/{name}") {
			target = "/api/v1/sources/" + params["name"] + "/runs/7"
		}
		r := do(t, app, http.MethodGet, target)
		called++
		responses := op["responses"].(map[string]any)
		code := strconvItoa(r.status)
		resp, ok := responses[code].(map[string]any)
		if !ok {
			t.Errorf("GET %s (%s): status %d is not documented (%.200s)", path, target, r.status, r.body)
			continue
		}
		if ref, ok := resp["$ref"].(string); ok {
			resp = doc["components"].(map[string]any)["responses"].(map[string]any)[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
		}
		content, _ := resp["content"].(map[string]any)
		if len(content) == 0 {
			continue
		}
		ct := strings.TrimSpace(strings.SplitN(r.header.Get("Content-Type"), ";", 2)[0])
		media, ok := content[ct].(map[string]any)
		if !ok {
			if _, octet := content["application/octet-stream"]; octet {
				continue // files: any media type
			}
			t.Errorf("GET %s: content type %q is not documented for %d", path, ct, r.status)
			continue
		}
		if !strings.HasSuffix(ct, "json") {
			if ct == "application/atom+xml" || ct == "application/xml" {
				var v any
				if err := xml.Unmarshal([]byte(r.body), &v); err != nil && !strings.Contains(err.Error(), "unknown") {
					var x struct{ XMLName xml.Name }
					if err := xml.Unmarshal([]byte(r.body), &x); err != nil {
						t.Errorf("GET %s: not XML: %v", path, err)
					}
				}
			}
			continue
		}
		ptr := "#/paths/" + jsonPointerEscape(path) + "/get/responses/" + code + "/content/" + jsonPointerEscape(ct) + "/schema"
		if rr, ok := op["responses"].(map[string]any)[code].(map[string]any)["$ref"].(string); ok {
			ptr = rr + "/content/" + jsonPointerEscape(ct) + "/schema"
		}
		_ = media
		sch, err := c.Compile("https://tenderlens.example/openapi.json" + ptr)
		if err != nil {
			t.Errorf("GET %s: schema %s: %v", path, ptr, err)
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(r.body))
		if err != nil {
			t.Errorf("GET %s: body is not JSON: %v", path, err)
			continue
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("GET %s (%d): body does not validate against the documented schema: %v", path, r.status, err)
		}
		if !registered["GET "+strings.NewReplacer("{ocid}", "*", "{id}.atom", "*", "{id}", "*").Replace(path)] && r.status == 404 {
			t.Logf("GET %s: documented but answered 404", path)
		}
	}
	if called < 20 {
		t.Fatalf("only %d documented routes called", called)
	}
}

func jsonPointerEscape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func strconvItoa(n int) string { return strconv.Itoa(n) }
