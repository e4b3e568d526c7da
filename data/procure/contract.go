package procure

import (
	"encoding/json"
	"time"
)

// Contract is one contracting process (one OCDS ocid) as the portal indexes
// and lists it: a summary of its compiled release.
type Contract struct {
	OCID        string    `json:"ocid"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Language    string    `json:"language,omitempty"` // BCP 47 primary language of the texts ("es", "uk", "zh")
	Source      string    `json:"source"`             // configured source name that last changed it
	Publisher   string    `json:"publisher,omitempty"`
	Buyer       PartyRef  `json:"buyer"`
	BuyerType   BuyerType `json:"buyerType"`
	// Department is the unit of the buyer that made the purchase (a city's
	// "Police"): tender.procuringEntity when it is not the buyer itself; ""
	// when the data names none. City checkbooks (data/uslocal) set it.
	Department string     `json:"department,omitempty"`
	Country    string     `json:"country,omitempty"` // buyer's ISO alpha-2 country when known
	Suppliers  []PartyRef `json:"suppliers"`
	// Amount is the sum of the counted awards' values when they share one
	// currency; otherwise the value of the largest group. Zero Money when no
	// award has a value (then the tender value, if any, is in TenderValue).
	Amount      Money `json:"amount"`
	TenderValue Money `json:"tenderValue"`
	// Date is the date the list shows: the first counted award's date, else
	// the first contract's dateSigned, else the tender period start, else the
	// latest release date.
	Date     time.Time `json:"date,omitzero"`
	Status   string    `json:"status,omitempty"`   // tender.status
	Method   string    `json:"method,omitempty"`   // tender.procurementMethod
	Category string    `json:"category,omitempty"` // tender.mainProcurementCategory
	// Items are item descriptions (tender, award and contract items).
	Items []string `json:"items,omitempty"`
	// Classifications are item classification codes as "SCHEME:ID" ("CPV:30200000").
	Classifications []string `json:"classifications,omitempty"`
	Awards          []Award  `json:"awards,omitempty"`
	Parties         []Party  `json:"parties,omitempty"`
	// Release bookkeeping.
	ReleaseCount int       `json:"releaseCount"`
	FirstRelease time.Time `json:"firstRelease,omitzero"`
	LastRelease  time.Time `json:"lastRelease,omitzero"`
	// Demo marks generated demonstration data.
	Demo bool `json:"demo,omitempty"`
}

// Award is one award of a contracting process, with the values the spending
// aggregates add up.
type Award struct {
	ID          string     `json:"id"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Status      string     `json:"status,omitempty"`
	Date        time.Time  `json:"date,omitzero"`
	Value       Money      `json:"value"`
	HasValue    bool       `json:"hasValue"`
	Suppliers   []PartyRef `json:"suppliers"`
	// Counted is false for cancelled and unsuccessful awards: they are shown
	// but never added to spending totals.
	Counted bool `json:"counted"`
}

// CountedAward reports whether an award with this OCDS status is added to
// spending totals: every status except "cancelled" and "unsuccessful".
func CountedAward(status string) bool {
	return status != "cancelled" && status != "unsuccessful"
}

// Location says where in an input a record was found.
type Location struct {
	File  string `json:"file,omitempty"` // path or URL of the input
	Line  int    `json:"line,omitempty"` // 1-based line of the record's start, when known
	Index int    `json:"index"`          // 0-based index of the record in its array or stream
	Path  string `json:"path,omitempty"` // JSON pointer inside the record, for field-level problems
}

// Severity of an import problem.
type Severity string

const (
	// SevWarning: the record was repaired or partly used; it was stored.
	SevWarning Severity = "warning"
	// SevError: the record could not be used and was not stored.
	SevError Severity = "error"
	// SevInfo: a note about the input as a whole (e.g. non-standard fields
	// seen), counted apart from warnings.
	SevInfo Severity = "info"
)

// Problem is one located import problem. Problems are never silent: every
// repaired quirk is a warning and every unusable record an error.
type Problem struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"` // stable machine code, e.g. "missing-ocid", "tag-not-array"
	Message  string   `json:"message"`
	Location Location `json:"location"`
	OCID     string   `json:"ocid,omitempty"`
}

// SourceRelease is one OCDS release as read from a source, upgraded to 1.1
// and repaired, with its provenance. Raw is the release JSON as stored and
// merged; Original is the bytes as published when they differ.
type SourceRelease struct {
	OCID        string          `json:"ocid"`
	ID          string          `json:"id"`
	Date        time.Time       `json:"date,omitzero"`
	Tag         []string        `json:"tag"`
	Raw         json.RawMessage `json:"raw"`
	SHA256      string          `json:"sha256"` // hex SHA-256 of Raw
	Source      string          `json:"source"`
	URL         string          `json:"url"` // where it was fetched from (URL or file path)
	RetrievedAt time.Time       `json:"retrievedAt,omitzero"`
	Location    Location        `json:"location"`
	// Version is the OCDS version declared by the package ("1.0" when absent).
	Version string `json:"version"`
	// Package holds package metadata: publisher, license, uri, publishedDate.
	Package PackageMeta `json:"package"`
	// Compiled is true for a publisher's compiled release used because the
	// record carried no embedded releases.
	Compiled bool `json:"compiled,omitempty"`
}

// PackageMeta is the metadata of the package a release came in.
type PackageMeta struct {
	URI               string `json:"uri,omitempty"`
	Publisher         string `json:"publisher,omitempty"`
	PublishedDate     string `json:"publishedDate,omitempty"`
	License           string `json:"license,omitempty"`
	PublicationPolicy string `json:"publicationPolicy,omitempty"`
}

// Change is one field change between two consecutive releases of a process,
// as shown under "what changed".
type Change struct {
	Path      string          `json:"path"` // JSON pointer in the compiled release, e.g. /awards/0/value/amount (index after merge)
	ReleaseID string          `json:"releaseID"`
	Date      time.Time       `json:"date,omitzero"`
	Old       json.RawMessage `json:"old,omitempty"` // absent when added
	New       json.RawMessage `json:"new,omitempty"` // absent when removed
}

// Compiled is what compiling one ocid produces: the compiled release, its
// summary and the change history.
type Compiled struct {
	OCID     string          `json:"ocid"`
	Release  json.RawMessage `json:"compiledRelease"`
	Contract Contract        `json:"contract"`
	Changes  []Change        `json:"changes,omitempty"`
	Problems []Problem       `json:"problems,omitempty"`
}
