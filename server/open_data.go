package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/procure"
)

// Open data: bulk downloads (downloads.go), Atom feeds (feeds.go),
// sitemaps (sitemap.go), the API documentation page (apidocs.go) and the
// schema.org data of the pages.

// Downloads reads the published dump generations. Declared here, where it
// is used; *manifest.Library satisfies it.
type Downloads interface {
	Current() (*manifest.Manifest, error)
	Manifest(gen string) (*manifest.Manifest, error)
	Open(gen, name string) (*manifest.Served, error)
}

// SitemapLister is optionally implemented by the Catalog: one page of the
// IDs of a kind ("contracts", "agencies", "suppliers") in a stable order.
// Without it the sitemaps list only the fixed pages.
type SitemapLister interface {
	SitemapIDs(ctx context.Context, kind string, offset, limit int) ([]string, error)
}

const (
	routeDownloads    = "downloads"
	routeDownloadFile = "download_file"
	routeAPIDownloads = "api_downloads"
	routeFeed         = "feed"
	routeSitemap      = "sitemap"
	routeAPIDocs      = "api_docs"
	pageDownloads     = "downloads"
	pageAPIDocs       = "apidocs"
)

// openDataRoutes registers the open-data routes (called from routes).
func (s *server) openDataRoutes(get, getCached func(path, name string, h fiber.Handler)) {
	getCached("/downloads", routeDownloads, s.serveDownloads)
	getCached("/api/v1/downloads", routeAPIDownloads, s.apiDownloads)
	for _, meta := range []string{manifest.ManifestFile, manifest.DataPackageFile, manifest.ChecksumsFile} {
		name := meta
		get("/downloads/"+name, routeDownloadFile, func(c *fiber.Ctx) error { return s.serveDumpFile(c, "", name) })
	}
	get("/downloads/latest/*", routeDownloadFile, func(c *fiber.Ctx) error { return s.serveDumpFile(c, "", c.Params("*")) })
	get("/downloads/:gen/*", routeDownloadFile, func(c *fiber.Ctx) error { return s.serveDumpFile(c, c.Params("gen"), c.Params("*")) })
	getCached("/feeds/search.atom", routeFeed, s.serveSearchFeed)
	getCached("/feeds/flagged.atom", routeFeed, s.serveFlaggedFeed)
	getCached("/feeds/agencies/*", routeFeed, func(c *fiber.Ctx) error { return s.servePartyFeed(c, pBuyer) })
	getCached("/feeds/suppliers/*", routeFeed, func(c *fiber.Ctx) error { return s.servePartyFeed(c, pSupplier) })
	getCached("/sitemap.xml", routeSitemap, s.serveSitemapIndex)
	getCached("/sitemaps/:file", routeSitemap, s.serveSitemap)
	getCached("/api/docs", routeAPIDocs, s.serveAPIDocs)
}

// isDownloadFile reports whether a request is for a dump file, which the
// compression and etag middleware must leave alone (streamed, ranged,
// already compressed, own strong ETag).
func isDownloadFile(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/downloads/") }

// organizationLD is the schema.org Organization (a GovernmentOrganization
// for buyers) of an agency or supplier page.
func (s site) organizationLD(p procure.Party, canonical string, buyer bool) any {
	if !s.orgLD {
		return nil
	}
	typ := "Organization"
	if buyer {
		typ = "GovernmentOrganization"
	}
	ld := map[string]any{"@context": "https://schema.org", "@type": typ, "name": partyName(procure.PartyRef{ID: p.ID, Name: p.Name})}
	if canonical != "" {
		ld["url"] = canonical
	}
	if p.LegalName != "" {
		ld["legalName"] = p.LegalName
	}
	var ids []map[string]any
	if p.Scheme != "" && p.Identifier != "" {
		ids = append(ids, map[string]any{"@type": "PropertyValue", "propertyID": p.Scheme, "value": p.Identifier})
	}
	for _, o := range p.AdditionalIDs {
		ids = append(ids, map[string]any{"@type": "PropertyValue", "propertyID": "org-id", "value": o})
	}
	if len(ids) > 0 {
		ld["identifier"] = ids
	}
	a := p.Address
	if a != (procure.Address{}) || p.Country != "" {
		addr := map[string]any{"@type": "PostalAddress"}
		for k, v := range map[string]string{"streetAddress": a.Street, "addressLocality": a.Locality, "addressRegion": a.Region,
			"postalCode": a.PostalCode, "addressCountry": firstNonEmpty(p.Country, a.CountryName)} {
			if v != "" {
				addr[k] = v
			}
		}
		ld["address"] = addr
	}
	return ld
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
