// Package manifest describes a published open-data dump generation (the
// manifest.json every generation carries) and reads published generations
// back for serving. It is the read side of data/dump and uses only the
// standard library, so the web server can import it without pulling in the
// writers (SQLite, Parquet).
//
// Layout of a dump directory (DIR/dumps):
//
//	CURRENT                      name of the generation being served, written by rename
//	LOCK                         flock held by the process writing a generation
//	<generation>/manifest.json   this package's Manifest
//	<generation>/datapackage.json, SHA256SUMS, and the files the manifest lists
//	.tmp-*                       a generation being written (never served)
//
// A generation name is the data-as-of time and a content hash,
// "20240501T120000Z-3fa9c1d2e4b5": the same data gives the same name.
package manifest

import (
	"encoding/json"
	"time"
)

// FormatVersion is the version of the manifest format and of the dump
// layout. It changes when a file's layout changes incompatibly.
const FormatVersion = 1

// Names of the files every generation has besides its data files. They are
// not listed in Manifest.Files (the manifest cannot hold its own hash);
// SHA256SUMS lists the data files and datapackage.json.
const (
	ManifestFile    = "manifest.json"
	DataPackageFile = "datapackage.json"
	ChecksumsFile   = "SHA256SUMS"
	CurrentFile     = "CURRENT"
	LockFile        = "LOCK"
)

// Manifest describes one dump generation: what it holds, where the data
// came from, under which licences, and how to verify every file.
type Manifest struct {
	Format      int    `json:"format"`
	Generation  string `json:"generation"`
	Previous    string `json:"previous,omitempty"` // the generation the deltas start from
	Title       string `json:"title"`
	Description string `json:"description"`
	// DataAsOf is the newest retrieval time of the data (not the time the
	// dump was written: the same data always gives the same manifest).
	DataAsOf time.Time `json:"dataAsOf,omitzero"`
	// Demo is true when the data is generated demonstration data.
	Demo bool `json:"demo,omitempty"`
	// Schema versions of what the files hold.
	OCDSVersion   string `json:"ocdsVersion"`   // of the compiled releases ("1.1")
	StoreSchema   int    `json:"storeSchema"`   // the store's schema version the data was read from
	ContentSHA256 string `json:"contentSha256"` // hash over the data files (excluding deltas); the generation name's suffix
	// Counts of the whole data set.
	Contracts     int64 `json:"contracts"`
	Awards        int64 `json:"awards"`
	Organisations int64 `json:"organisations"`
	// Licences that apply to some or all of the data, the portal's own first.
	Licences []Licence `json:"licences"`
	Sources  []Source  `json:"sources"`
	Tables   []Table   `json:"tables"`
	Files    []File    `json:"files"`
	// Reconciliation records the check run before publishing: the award
	// totals in the files equal the store's to the smallest unit.
	Reconciliation Reconciliation `json:"reconciliation"`
	// Notes are plain-English remarks (limits applied, files omitted).
	Notes []string `json:"notes,omitempty"`
}

// Licence is one licence that applies to (part of) the data.
type Licence struct {
	// Name is an SPDX identifier when one exists ("CC-BY-4.0",
	// "CC-BY-NC-4.0", "OGL-UK-3.0"), else the licence as published.
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
	// Scope says what it covers: "portal" (the compilation), a source name,
	// or a table.
	Scope string `json:"scope"`
	// NonCommercial is true when commercial reuse is not allowed (e.g.
	// OpenSanctions data under CC BY-NC 4.0).
	NonCommercial bool `json:"nonCommercial,omitempty"`
	// ThirdParty is true for data from a third party other than the
	// publishers of the procurement data (sanctions lists, registers).
	ThirdParty bool `json:"thirdParty,omitempty"`
}

// Source is one import source the data came from.
type Source struct {
	Name       string   `json:"name"`
	Publishers []string `json:"publishers,omitempty"`
	Licences   []string `json:"licences,omitempty"` // as declared by the packages
	Contracts  int64    `json:"contracts"`          // processes last changed by this source
	Releases   int64    `json:"releases"`           // current releases from this source
	// NewestRelease is the latest release date; Retrieved the latest
	// retrieval time: together, the source's "data as of".
	NewestRelease time.Time `json:"newestRelease,omitzero"`
	Retrieved     time.Time `json:"retrieved,omitzero"`
}

// Table describes one table of the flattened files (CSV, XLSX, Parquet,
// SQLite all hold the same tables and columns).
type Table struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Group       string   `json:"group"` // "ocds" (flatten-tool layout), "portal" (summaries), "derived" (risk, ownership)
	Rows        int64    `json:"rows"`
	Columns     []Column `json:"columns"`
	// Licence names (see Manifest.Licences) that apply to this table beyond
	// the sources' licences.
	Licences []string `json:"licences,omitempty"`
}

// Column is one column of a table.
type Column struct {
	Name string `json:"name"`
	// Type is "string", "integer", "number" or "boolean" (Frictionless
	// Table Schema types).
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// File is one published file of a generation.
type File struct {
	// Name is the path inside the generation, with "/" separators
	// ("releases.jsonl.gz", "agencies/GB-COH-01234567.jsonl.gz").
	Name      string `json:"name"`
	Title     string `json:"title"`
	Format    string `json:"format"`    // of the content: "jsonl", "zip", "xlsx", "parquet", "sqlite", "json", "tsv", "txt"
	MediaType string `json:"mediatype"` // the Content-Type it is served with ("application/gzip" for .gz files)
	// Encoding of the bytes on disk: "gzip" for .gz files, "zip" for
	// archives, "" otherwise.
	Compression string `json:"compression,omitempty"`
	Bytes       int64  `json:"bytes"`
	// Rows counts records: lines of a JSON Lines file, rows of a table (or
	// of all tables of an archive, workbook or database).
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
	// Kind groups files for people: "full", "year", "agency", "delta",
	// "deletions", "index", "tables", "table", "database", "metadata".
	Kind   string `json:"kind"`
	Year   int    `json:"year,omitempty"`   // per-year files
	Agency string `json:"agency,omitempty"` // per-agency files: the buyer's portal ID
	// AgencyName is the buyer's name for per-agency files.
	AgencyName string `json:"agencyName,omitempty"`
	Table      string `json:"table,omitempty"` // per-table files
	// HumanSafe is true for spreadsheet files (CSV, XLSX) whose text cells
	// beginning with =, +, -, @, tab or carriage return are prefixed with '
	// so that spreadsheet programs do not run them as formulas.
	HumanSafe bool `json:"humanSafe,omitempty"`
}

// Reconciliation is the outcome of the check that the published award
// totals equal the store's.
type Reconciliation struct {
	// Checked counts the totals compared (buyer × year × currency, supplier
	// × currency, currency).
	Checked int `json:"checked"`
	// Equal is true when every total and count matched exactly.
	Equal bool `json:"equal"`
}

// MediaTypes by file format, as served.
var MediaTypes = map[string]string{
	"jsonl":   "application/jsonl",
	"csv":     "text/csv; charset=utf-8",
	"zip":     "application/zip",
	"xlsx":    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"parquet": "application/vnd.apache.parquet",
	"sqlite":  "application/vnd.sqlite3",
	"json":    "application/json",
	"tsv":     "text/tab-separated-values; charset=utf-8",
	"txt":     "text/plain; charset=utf-8",
}

// Lookup returns the file entry of name, or false.
func (m *Manifest) Lookup(name string) (File, bool) {
	for _, f := range m.Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// Marshal encodes the manifest as indented JSON with a final newline, the
// form it is published in.
func (m *Manifest) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
