package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Cache lifetimes. Pages change when an import runs; a minute of staleness
// is invisible to people and spares the store under bursts.
const (
	cachePages  = "public, max-age=60"
	cacheStatic = "public, max-age=31536000, immutable"
	cacheShort  = "public, max-age=300"
	noStore     = "no-store"
)

// render executes a page template into a buffer and writes it only when
// rendering succeeded, so a template error is a clean 500.
func (s *server) render(c *fiber.Ctx, status int, page string, data any) error {
	var buf bytes.Buffer
	if err := s.pages.Execute(&buf, page, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if status == http.StatusOK {
		c.Set(fiber.HeaderCacheControl, cachePages)
	} else {
		c.Set(fiber.HeaderCacheControl, noStore)
	}
	return c.Send(buf.Bytes())
}

// writeJSON encodes v into a buffer and writes it as application/json.
func (s *server) writeJSON(c *fiber.Ctx, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, cachePages)
	return c.Send(buf.Bytes())
}

func (s *server) runReader() RunReader {
	r, _ := s.deps.Catalog.(RunReader)
	return r
}

func (s *server) serveRun(c *fiber.Ctx) error {
	name, id, err := parseRunPath(c.Params("name"), c.Params("id"))
	if err != nil {
		return err
	}
	p, err := s.site.buildRun(c.UserContext(), s.runReader(), name, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageRun, p)
}

func (s *server) apiRun(c *fiber.Ctx) error {
	name, id, err := parseRunPath(c.Params("name"), c.Params("id"))
	if err != nil {
		return err
	}
	res, err := s.site.apiRun(c.UserContext(), s.runReader(), name, id)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

// apiIndex sends API clients to the description of the API.
func (s *server) apiIndex(c *fiber.Ctx) error {
	return c.Redirect("/api/v1/openapi.json", http.StatusFound)
}

func (s *server) namer() PartyNamer {
	n, _ := s.deps.Catalog.(PartyNamer)
	return n
}

// HTML pages.

func (s *server) serveHome(c *fiber.Ctx) error {
	p, err := s.site.buildHome(c.UserContext(), s.deps.Catalog)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageHome, p)
}

func (s *server) serveSearch(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	p, err := s.site.buildSearch(c.UserContext(), s.deps.Search, s.namer(), v)
	if err != nil {
		return err
	}
	return s.render(c, p.Status, pageSearch, p)
}

func (s *server) serveContract(c *fiber.Ctx) error {
	rawOCID, rawRelease, isRelease := splitReleasePath(c.Params("*"))
	ocid, err := pathID(rawOCID, "contracting process ID")
	if err != nil {
		return err
	}
	if isRelease {
		return s.serveRelease(c, ocid, rawRelease)
	}
	p, err := s.site.buildContract(c.UserContext(), s.deps.Catalog, ocid)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageContract, p)
}

// serveRelease sends one stored source release exactly as stored.
func (s *server) serveRelease(c *fiber.Ctx, ocid, rawRelease string) error {
	c.Locals(localRoute, routeRelease)
	id, err := pathID(rawRelease, "release ID")
	if err != nil {
		return err
	}
	r, err := s.deps.Catalog.Release(c.UserContext(), ocid, id)
	if err != nil {
		if errors.Is(err, procure.ErrNotFound) {
			return notFound(err, "There is no release %q of the contracting process %q.", id, ocid)
		}
		return fmt.Errorf("release %s %s: %w", ocid, id, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, cachePages)
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if sum, err := hex.DecodeString(r.SHA256); err == nil && len(sum) == sha256.Size {
		// RFC 9530: lets clients verify the bytes against the provenance table
		c.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	}
	return c.Send(bytes.Clone(r.Raw))
}

func (s *server) serveAgencies(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	p, err := s.site.buildAgencies(c.UserContext(), s.deps.Catalog, v)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageAgencies, p)
}

func (s *server) serveAgency(c *fiber.Ctx) error {
	id, err := pathID(c.Params("*"), "buyer ID")
	if err != nil {
		return err
	}
	p, err := s.site.buildAgency(c.UserContext(), s.deps.Catalog, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageAgency, p)
}

func (s *server) serveSupplier(c *fiber.Ctx) error {
	id, err := pathID(c.Params("*"), "supplier ID")
	if err != nil {
		return err
	}
	p, err := s.site.buildSupplier(c.UserContext(), s.deps.Catalog, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageSupplier, p)
}

func (s *server) serveSources(c *fiber.Ctx) error {
	p, err := s.site.buildSources(c.UserContext(), s.deps.Sources, s.runReader())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageSources, p)
}

func (s *server) serveMethodology(c *fiber.Ctx) error {
	return s.render(c, http.StatusOK, pageMethodology, s.site.buildMethodology())
}

// JSON API.

func (s *server) apiStats(c *fiber.Ctx) error {
	st, err := s.deps.Catalog.Stats(c.UserContext())
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	fillEmpty(&st.Totals)
	fillEmpty(&st.ByBuyerType)
	st.Demo = st.Demo || s.cfg.Demo
	return s.writeJSON(c, st)
}

func (s *server) apiSearch(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	res, err := s.site.apiSearch(c.UserContext(), s.deps.Search, v)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiContract(c *fiber.Ctx) error {
	ocid, err := pathID(c.Params("*"), "contracting process ID")
	if err != nil {
		return err
	}
	res, err := s.site.apiContract(c.UserContext(), s.deps.Catalog, ocid)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiAgencies(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	res, err := s.site.apiAgencies(c.UserContext(), s.deps.Catalog, v)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiAgency(c *fiber.Ctx) error {
	id, err := pathID(c.Params("*"), "buyer ID")
	if err != nil {
		return err
	}
	res, err := s.site.apiAgency(c.UserContext(), s.deps.Catalog, id)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiSupplier(c *fiber.Ctx) error {
	id, err := pathID(c.Params("*"), "supplier ID")
	if err != nil {
		return err
	}
	res, err := s.site.apiSupplier(c.UserContext(), s.deps.Catalog, id)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiSources(c *fiber.Ctx) error {
	res, err := s.site.apiSources(c.UserContext(), s.deps.Sources)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, cacheShort)
	return c.Send(s.openAPI)
}

// Operations.

func (s *server) serveLivez(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, noStore)
	return c.SendString("ok\n")
}

func (s *server) serveReadyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, noStore)
	if s.deps.Ready != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
		defer cancel()
		if err := s.deps.Ready(ctx); err != nil {
			s.log.Warn("not ready", "error", err)
			c.Status(http.StatusServiceUnavailable)
			c.Set(fiber.HeaderRetryAfter, "10")
			return c.SendString("not ready\n")
		}
	}
	return c.SendString("ok\n")
}

func (s *server) serveMetrics(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, noStore)
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	var buf bytes.Buffer
	s.metrics.write(&buf)
	return c.Send(buf.Bytes())
}

func (s *server) serveStatic(c *fiber.Ctx) error {
	a, immutable, ok := s.assets.Lookup(c.Params("file"))
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderETag, a.ETag)
	if immutable {
		c.Set(fiber.HeaderCacheControl, cacheStatic)
	} else {
		c.Set(fiber.HeaderCacheControl, cacheShort)
	}
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && etagMatches(match, a.ETag) {
		return c.SendStatus(http.StatusNotModified)
	}
	return c.Send(a.Body)
}

func etagMatches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}

// robots.txt keeps crawlers off the endless search and API permutations;
// every contract, agency and supplier page stays crawlable, the API docs
// too, and the sitemap lists them.
const robotsTxt = "User-agent: *\nDisallow: /search\nDisallow: /api/\nAllow: /api/docs\nAllow: /\n"

func (s *server) serveRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, cacheShort)
	body := robotsTxt
	if s.site.baseURL != "" {
		body += "Sitemap: " + s.site.baseURL + "/sitemap.xml\n"
	}
	return c.SendString(body)
}
