package server

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Atom feeds (RFC 4287): every search has one with the same parameters
// (/feeds/search.atom?…), and so has every agency, every supplier and the
// list of new awards to flagged suppliers. Entries are the newest matching
// contracts first; IDs are the contracts' canonical URLs, so a feed reader
// shows each contract once.

// feedSize is how many entries a feed holds.
const feedSize = 50

// feedLink is an Atom feed linked from a page head.
type feedLink struct {
	URL   string
	Title string
}

// feedsFor returns the feeds of the page at pathAndQuery.
func (s site) feedsFor(pathAndQuery string) []feedLink {
	p, rawQuery, _ := strings.Cut(pathAndQuery, "?")
	switch {
	case p == "/search" || p == "/":
		v, _ := url.ParseQuery(rawQuery)
		for _, k := range []string{pCursor, pSort, pLimit} {
			v.Del(k)
		}
		u := "/feeds/search.atom"
		if e := v.Encode(); e != "" {
			u += "?" + e
		}
		title := "Newest contracts"
		if len(v) > 0 {
			title = "Newest contracts matching this search"
		}
		return []feedLink{{URL: s.abs(u), Title: title}}
	case strings.HasPrefix(p, "/agencies/") && len(p) > len("/agencies/"):
		return []feedLink{{URL: s.abs("/feeds" + p + ".atom"), Title: "Newest contracts of this buyer"}}
	case strings.HasPrefix(p, "/suppliers/") && len(p) > len("/suppliers/"):
		return []feedLink{{URL: s.abs("/feeds" + p + ".atom"), Title: "Newest contracts won by this supplier"}}
	case p == "/risk":
		return []feedLink{{URL: s.abs("/feeds/flagged.atom"), Title: "New awards to flagged suppliers"}}
	}
	return nil
}

// Atom document types.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	Title      atomText       `xml:"title"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Summary    atomText       `xml:"summary"`
	Categories []atomCategory `xml:"category"`
}

// atomTime formats a time for Atom; zero times give the epoch (Atom needs
// a date, and the clock must not make feeds differ).
func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

// iri makes an absolute IRI for Atom IDs: the canonical URL when the site
// knows its base URL, else a tag URI.
func (s site) iri(p string) string {
	if s.baseURL != "" {
		return s.baseURL + p
	}
	return "tag:tenderlens,2024:" + p
}

// buildFeed runs a search for a feed: newest first, no facets.
func (s site) buildFeed(ctx context.Context, search Searcher, req procure.SearchRequest, title, selfPath, alternatePath string) (atomFeed, error) {
	req.Sort = procure.SortDateDesc
	req.Limit = feedSize
	req.Cursor = ""
	req.Facets = false
	req.Highlight = false
	res, err := search.Search(ctx, req)
	if err != nil {
		return atomFeed{}, err
	}
	f := atomFeed{
		Title:  title + " – Tenderlens",
		ID:     s.iri(selfPath),
		Author: atomPerson{Name: "Tenderlens"},
		Gen:    "Tenderlens",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.abs(selfPath)},
			{Rel: "alternate", Type: "text/html", Href: s.abs(alternatePath)},
		},
	}
	if s.demo {
		f.Subtitle = "Demo data: generated for demonstration, not real procurement data."
	}
	var newest time.Time
	for _, h := range res.Hits {
		f.Entries = append(f.Entries, s.feedEntry(h))
		if h.Date.After(newest) {
			newest = h.Date
		}
	}
	f.Updated = atomTime(newest)
	return f, nil
}

func (s site) feedEntry(h procure.Hit) atomEntry {
	v := hitToView(h)
	e := atomEntry{
		Title:   atomText{Type: "text", Lang: v.Lang, Body: v.Title},
		ID:      s.iri(contractPath(h.OCID)),
		Updated: atomTime(h.Date),
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: s.abs(contractPath(h.OCID))},
			{Rel: "alternate", Type: "application/json", Href: s.abs("/api/v1" + contractPath(h.OCID))},
		},
	}
	var sum []string
	if h.Buyer.Name != "" || h.Buyer.ID != "" {
		sum = append(sum, "Buyer: "+partyName(h.Buyer)+".")
	}
	if len(h.Suppliers) > 0 {
		names := make([]string, 0, len(h.Suppliers))
		for _, sp := range h.Suppliers {
			names = append(names, partyName(sp))
		}
		sum = append(sum, "Suppliers: "+strings.Join(names, "; ")+".")
	}
	if v.Amount != "" {
		sum = append(sum, "Amount: "+v.Amount+".")
	}
	if v.Date.Text != "" {
		sum = append(sum, "Date: "+v.Date.Text+".")
	}
	e.Summary = atomText{Type: "text", Body: strings.Join(sum, " ")}
	if h.BuyerType != "" {
		e.Categories = append(e.Categories, atomCategory{Term: string(h.BuyerType), Label: h.BuyerType.Label()})
	}
	return e
}

// writeAtom sends a feed.
func (s *server) writeAtom(c *fiber.Ctx, f atomFeed) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encode feed: %w", err)
	}
	buf.WriteByte('\n')
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, cachePages)
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return c.Send(buf.Bytes())
}

// serveSearchFeed: the Atom feed of a search, same parameters as /search.
func (s *server) serveSearchFeed(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	req, q, err := parseSearch(v)
	if err != nil {
		return err
	}
	q = q.without(pCursor, "").without(pSort, "").without(pLimit, "")
	title := "Newest contracts"
	if req.Q != "" {
		title = "Newest contracts matching “" + req.Q + "”"
	} else if len(q.vals) > 0 {
		title = "Newest contracts matching a search"
	}
	f, err := s.site.buildFeed(c.UserContext(), s.deps.Search, req, title, q.url("/feeds/search.atom"), q.url("/search"))
	if err != nil {
		return err
	}
	return s.writeAtom(c, f)
}

// servePartyFeed: /feeds/agencies/{id}.atom and /feeds/suppliers/{id}.atom.
func (s *server) servePartyFeed(c *fiber.Ctx, role string) error {
	raw := c.Params("*")
	if !strings.HasSuffix(raw, ".atom") {
		return notFound(nil, "Feeds end in .atom, e.g. /feeds/agencies/ID.atom.")
	}
	what := "buyer ID"
	if role == pSupplier {
		what = "supplier ID"
	}
	id, err := pathID(strings.TrimSuffix(raw, ".atom"), what)
	if err != nil {
		return err
	}
	name := id
	if n := s.namer(); n != nil {
		names, err := n.PartyNames(c.UserContext(), []string{id})
		if err == nil {
			if names[id] == "" {
				return notFound(nil, "There is no organisation with the ID %q in the portal.", id)
			}
			name = names[id]
		}
	}
	var req procure.SearchRequest
	var title, page string
	if role == pBuyer {
		req.Buyer = []string{id}
		title, page = "Newest contracts of "+name, agencyPath(id)
	} else {
		req.Supplier = []string{id}
		title, page = "Newest contracts won by "+name, supplierPath(id)
	}
	f, err := s.site.buildFeed(c.UserContext(), s.deps.Search, req, title, "/feeds"+page+".atom", page)
	if err != nil {
		return err
	}
	return s.writeAtom(c, f)
}

// maxFlagged bounds the suppliers the flagged feed filters on (the most
// exposed first).
const maxFlagged = 200

// serveFlaggedFeed: newest contracts won by flagged suppliers (the risk
// list of risk.go). Without ownership-risk data the feed is valid and
// empty.
func (s *server) serveFlaggedFeed(c *fiber.Ctx) error {
	title := "New awards to flagged suppliers"
	var ids []string
	if rr := s.riskReader(); rr != nil {
		list, err := rr.RiskList(c.UserContext(), procure.RiskListRequest{Limit: maxFlagged})
		if err != nil && !errors.Is(err, procure.ErrNotFound) {
			return fmt.Errorf("flagged suppliers: %w", err)
		}
		for _, r := range list.Rows {
			if r.Supplier.ID != "" && r.Level != procure.RiskNone {
				ids = append(ids, r.Supplier.ID)
			}
		}
	}
	if len(ids) == 0 {
		f := atomFeed{Title: title + " – Tenderlens", ID: s.site.iri("/feeds/flagged.atom"), Updated: atomTime(time.Time{}),
			Author: atomPerson{Name: "Tenderlens"}, Gen: "Tenderlens",
			Subtitle: "No supplier is flagged at the moment (or the ownership-risk data is not loaded).",
			Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: s.site.abs("/feeds/flagged.atom")},
				{Rel: "alternate", Type: "text/html", Href: s.site.abs("/risk")}}}
		return s.writeAtom(c, f)
	}
	f, err := s.site.buildFeed(c.UserContext(), s.deps.Search, procure.SearchRequest{Supplier: ids}, title, "/feeds/flagged.atom", "/risk")
	if err != nil {
		return err
	}
	return s.writeAtom(c, f)
}
