package server

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Sitemaps (sitemaps.org): an index at /sitemap.xml and one file per kind
// and 50,000 URLs: /sitemaps/pages.xml, /sitemaps/contracts-1.xml,
// /sitemaps/agencies-1.xml, /sitemaps/suppliers-1.xml, …

// sitemapSize is the sitemaps.org limit of URLs per file.
const sitemapSize = 50000

var sitemapKinds = []struct{ kind, prefix string }{
	{"contracts", "/contracts/"}, {"agencies", "/agencies/"}, {"suppliers", "/suppliers/"},
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapLoc `xml:"url"`
}

type sitemapLoc struct {
	Loc string `xml:"loc"`
}

// sitemapBase is the absolute base of sitemap URLs (required there).
func (s *server) sitemapBase(c *fiber.Ctx) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	return c.BaseURL()
}

func (s *server) writeXML(c *fiber.Ctx, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("encode xml: %w", err)
	}
	buf.WriteByte('\n')
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, cacheShort)
	return c.Send(buf.Bytes())
}

func (s *server) sitemapCounts(c *fiber.Ctx) (map[string]int, error) {
	st, err := s.deps.Catalog.Stats(c.UserContext())
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return map[string]int{"contracts": st.Contracts, "agencies": st.Buyers, "suppliers": st.Suppliers}, nil
}

func (s *server) serveSitemapIndex(c *fiber.Ctx) error {
	base := s.sitemapBase(c)
	idx := sitemapIndex{Sitemaps: []sitemapLoc{{Loc: base + "/sitemaps/pages.xml"}}}
	if _, ok := s.deps.Catalog.(SitemapLister); ok {
		counts, err := s.sitemapCounts(c)
		if err != nil {
			return err
		}
		for _, k := range sitemapKinds {
			for i := 0; i*sitemapSize < counts[k.kind]; i++ {
				idx.Sitemaps = append(idx.Sitemaps, sitemapLoc{Loc: base + "/sitemaps/" + k.kind + "-" + strconv.Itoa(i+1) + ".xml"})
			}
		}
	}
	return s.writeXML(c, idx)
}

func (s *server) serveSitemap(c *fiber.Ctx) error {
	file := c.Params("file")
	base := s.sitemapBase(c)
	if file == "pages.xml" {
		set := urlSet{}
		for _, p := range []string{"/", "/search", "/agencies", "/sources", "/methodology", "/downloads", "/api/docs"} {
			set.URLs = append(set.URLs, sitemapLoc{Loc: base + p})
		}
		return s.writeXML(c, set)
	}
	name, ok := strings.CutSuffix(file, ".xml")
	kind, num, ok2 := strings.Cut(name, "-")
	n, err := strconv.Atoi(num)
	lister, ok3 := s.deps.Catalog.(SitemapLister)
	prefix := ""
	for _, k := range sitemapKinds {
		if k.kind == kind {
			prefix = k.prefix
		}
	}
	if !ok || !ok2 || err != nil || n < 1 || n > 100000 || !ok3 || prefix == "" {
		return notFound(nil, "There is no sitemap %q. The index is at /sitemap.xml.", truncate(file, 40))
	}
	ids, err := lister.SitemapIDs(c.UserContext(), kind, (n-1)*sitemapSize, sitemapSize)
	if err != nil {
		return fmt.Errorf("sitemap %s: %w", file, err)
	}
	if len(ids) == 0 && n > 1 {
		return notFound(procure.ErrNotFound, "There is no sitemap %q. The index is at /sitemap.xml.", truncate(file, 40))
	}
	set := urlSet{URLs: make([]sitemapLoc, 0, len(ids))}
	for _, id := range ids {
		set.URLs = append(set.URLs, sitemapLoc{Loc: base + prefix + escapePathID(id)})
	}
	return s.writeXML(c, set)
}

func escapePathID(id string) string {
	return strings.TrimPrefix(contractPath(id), "/contracts/")
}
