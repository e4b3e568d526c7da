package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

// site holds what every page builder needs to know about the deployment.
type site struct {
	baseURL string // absolute, no trailing slash; "" = relative links
	demo    bool
	orgLD   bool // schema.org Organization on agency and supplier pages
}

// pageMeta is what the layout shows around every page.
type pageMeta struct {
	// Title is the document title (plain text; the layout appends the site name).
	Title string
	// Description is the meta description.
	Description string
	// Canonical is the canonical URL of the page.
	Canonical string
	// JSON is the URL of the page's JSON twin, "" when it has none.
	JSON string
	// Next is the URL of the next page of a list, for <link rel="next">.
	Next string
	// Demo shows the demo-data banner.
	Demo bool
	// Section marks the current navigation entry: "search", "agencies",
	// "sources" or "methodology".
	Section string
	// NoIndex asks search engines not to index the page (error pages).
	NoIndex bool
	// Feeds are the Atom feeds of the page, linked from its head.
	Feeds []feedLink
	// JSONLD is schema.org data for the page head (encoded by the template
	// as JSON inside <script type="application/ld+json">).
	JSONLD any
}

func (s site) meta(title, pathAndQuery, jsonPath, section string) pageMeta {
	m := pageMeta{
		Title:     plainTitle(title),
		Canonical: s.abs(pathAndQuery),
		Demo:      s.demo,
		Section:   section,
	}
	if jsonPath != "" {
		m.JSON = s.abs(jsonPath)
	}
	m.Feeds = s.feedsFor(pathAndQuery) // feeds.go
	return m
}

// abs makes a site path absolute with BaseURL (or leaves it relative).
func (s site) abs(p string) string { return s.baseURL + p }

// URL builders. Identifiers are path-escaped, so an ocid containing a slash
// stays one path segment.
func contractPath(ocid string) string { return "/contracts/" + url.PathEscape(ocid) }
func releasePath(ocid, id string) string {
	return contractPath(ocid) + "/releases/" + url.PathEscape(id)
}
func agencyPath(id string) string   { return "/agencies/" + url.PathEscape(id) }
func supplierPath(id string) string { return "/suppliers/" + url.PathEscape(id) }

// searchPath returns /search with the given parameters (name, value pairs).
func searchPath(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return "/search?" + v.Encode()
}

// pathID decodes an identifier taken from the rest of a URL path. Both
// escaped ("a%2Fb") and plain ("a/b") slashes are accepted.
func pathID(raw, what string) (string, error) {
	id, err := url.PathUnescape(raw)
	if err != nil {
		return "", &publicError{Kind: procure.ErrInvalid, Msg: "The " + what + " in the address is not correctly URL-encoded.", Err: err}
	}
	id = strings.TrimSuffix(id, "/")
	if id == "" {
		return "", &publicError{Kind: procure.ErrNotFound, Msg: "The address names no " + what + "."}
	}
	if len(id) > maxIDLength || !utf8.ValidString(id) || !validText(id) || strings.ContainsAny(id, "\t\n\r") {
		return "", &publicError{Kind: procure.ErrInvalid, Msg: "The " + what + " in the address is not a valid identifier."}
	}
	return id, nil
}

// partyView is a link to an organisation page.
type partyView struct {
	ID   string
	Name string
	URL  string
	Lang string
}

func agencyLink(p procure.PartyRef) partyView {
	return partyView{ID: p.ID, Name: partyName(p), URL: agencyPath(p.ID)}
}

func supplierLink(p procure.PartyRef) partyView {
	return partyView{ID: p.ID, Name: partyName(p), URL: supplierPath(p.ID)}
}

func partyName(p procure.PartyRef) string {
	if strings.TrimSpace(p.Name) != "" {
		return p.Name
	}
	if p.ID != "" {
		return p.ID
	}
	return "Unnamed organisation"
}

// labelledValue is one fact in a definition list.
type labelledValue struct {
	Label string
	Value string
	Lang  string
	Date  dateView // set instead of Value for dates
	URL   string   // optional link for the value
}

// errorPage is the view model of the error page.
type errorPage struct {
	Meta      pageMeta
	Status    int
	Heading   string
	Message   string
	RequestID string
	ShowHelp  bool // links to search and home (404s)
}

func (s site) errorPage(status int, msg, rid string) errorPage {
	heading := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		heading = "Page not found"
	case http.StatusBadRequest:
		heading = "The request could not be understood"
	case http.StatusInternalServerError:
		heading = "Something went wrong"
	case http.StatusServiceUnavailable:
		heading = "Temporarily unavailable"
	}
	m := pageMeta{Title: heading, Demo: s.demo, NoIndex: true}
	return errorPage{Meta: m, Status: status, Heading: heading, Message: msg, RequestID: rid,
		ShowHelp: status == http.StatusNotFound || status == http.StatusBadRequest}
}

// searchBox is the search form: the words and the state it keeps.
type searchBox struct {
	Q      string
	Hidden []hiddenField
}
