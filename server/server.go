// Package server is the public web site and JSON API of Tenderlens, built on
// Fiber v2. It is the only package that imports Fiber.
//
// Every request follows the same path: parse and validate the request into
// plain values (strings are copied out of the fasthttp buffers), call a pure
// page builder over the small interfaces declared below, render the view
// model into a buffer and write it. Handlers return errors; one error handler
// maps the error kinds of data/procure to status codes, to an HTML error page
// for pages and to application/problem+json (RFC 9457) for /api routes.
//
// The server does not import the store, the indexer or bleve: cmd/tenderlens
// wires concrete types into Deps.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/web"
)

// Searcher runs public searches. It is declared here, where it is used, so
// that the server does not import the indexer (and bleve).
type Searcher interface {
	Search(ctx context.Context, req procure.SearchRequest) (procure.SearchResults, error)
}

// Catalog is the read side of the store the pages need. Declared here so the
// server does not import data/store; the store satisfies it.
type Catalog interface {
	Contract(ctx context.Context, ocid string) (procure.ContractDetail, error)
	Release(ctx context.Context, ocid, releaseID string) (procure.SourceRelease, error)
	Agencies(ctx context.Context, req procure.PageRequest) (procure.AgencyList, error)
	Agency(ctx context.Context, id string) (procure.AgencyDetail, error)
	Supplier(ctx context.Context, id string) (procure.SupplierDetail, error)
	Stats(ctx context.Context) (procure.Stats, error)
}

// PartyNamer is optionally implemented by a Catalog. When it is, active
// buyer and supplier filters on later search pages show names instead of
// IDs. Declared separately so a Catalog without it still works.
type PartyNamer interface {
	PartyNames(ctx context.Context, ids []string) (map[string]string, error)
}

// SourceLister lists the configured import sources and their last runs. It
// is declared here so the server does not import data/ingest.
type SourceLister interface {
	Sources(ctx context.Context) ([]procure.SourceStatus, error)
}

// Config configures the web server. The zero value of every field but
// Logger has a sensible default.
type Config struct {
	// Addr is the listen address (HOST:PORT). The server itself does not
	// listen: the caller passes it to app.Listen.
	Addr string
	// BaseURL is the public absolute URL of the site without a trailing
	// slash, e.g. "https://tenderlens.example.org". It prefixes canonical
	// links and the "url" fields of the JSON API. Empty means relative URLs.
	// An https BaseURL also turns on Strict-Transport-Security.
	BaseURL string
	// Demo shows the "Demo data" banner on every page and marks API answers.
	Demo bool
	// RequestTimeout bounds the work of one request (default 10s).
	RequestTimeout time.Duration
	// ReadTimeout, WriteTimeout and IdleTimeout are the connection
	// timeouts (defaults 5s, 30s and 60s).
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// MaxConnections caps concurrent connections (default 4096).
	MaxConnections int
	// Logger receives the access log and errors (default slog.Default()).
	Logger *slog.Logger
	// DisableCompression turns off gzip/brotli of responses, e.g. when a
	// reverse proxy compresses.
	DisableCompression bool
	// CacheTTL is how long a rendered page or API answer is reused for
	// the same URL (default 10s; negative disables the cache).
	CacheTTL time.Duration
	// CacheBytes bounds the memory of that cache (default 32 MiB).
	CacheBytes int
	// OrganizationJSONLD adds schema.org Organization data (JSON-LD in a
	// <script type="application/ld+json">) to agency and supplier pages.
	// The downloads page always carries its Dataset.
	OrganizationJSONLD bool
}

// Deps are the data the server reads. Search and Catalog are required.
type Deps struct {
	Search Searcher
	// Catalog may also implement PartyNamer (names of filtered parties on
	// later search pages) and RunReader (the import run pages).
	Catalog Catalog
	// Sources may be nil: the sources page then lists no sources.
	Sources SourceLister
	// Ready reports whether the portal can serve (store open, index
	// generation open). Nil means always ready.
	Ready func(context.Context) error
	// Downloads lists and opens the published open-data dumps (a
	// *manifest.Library). Nil: the downloads page says none is published.
	Downloads Downloads
}

// Limits of the public HTTP surface.
const (
	bodyLimit         = 64 << 10 // bytes; public routes take no body
	readBufferSize    = 10 << 10 // bytes; the effective limit of request line + headers
	maxQueryString    = 6 << 10  // bytes of the raw query string (fits a 2 KiB cursor and a long non-Latin query)
	maxQueryArgs      = 100      // parameters in one query string
	maxRepeated       = 20       // values of one multi-value parameter
	maxIDLength       = 512      // bytes of an ocid or party ID
	maxCursorLength   = 2048     // bytes of an opaque cursor (the indexer's cursors are at most 2048)
	defaultTimeout    = 10 * time.Second
	readyTimeout      = 2 * time.Second
	defaultMaxConns   = 4096
	defaultListLimit  = 50
	defaultCacheTTL   = 10 * time.Second
	defaultCacheBytes = 32 << 20
)

// server holds what the handlers share. It is immutable after New, except
// for the metrics and the page cache, which are safe for concurrent use.
type server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	pages   *web.Pages
	assets  *web.Assets
	openAPI []byte
	metrics *metrics
	cache   *pageCache // nil when disabled
	site    site
	hsts    bool
}

// New builds the Fiber app with every route, middleware and limit. It fails
// when a dependency is missing, BaseURL is malformed or a template does not
// parse. The caller listens: app.Listen(cfg.Addr); and stops it with
// app.ShutdownWithContext.
func New(cfg Config, deps Deps) (*fiber.App, error) {
	s, err := newServer(cfg, deps)
	if err != nil {
		return nil, err
	}
	return s.app(), nil
}

// app builds the Fiber app around a configured server.
func (s *server) app() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:                      "tenderlens",
		CaseSensitive:                true,
		StrictRouting:                false,
		Immutable:                    true, // every string from Ctx is a copy
		UnescapePath:                 false,
		BodyLimit:                    bodyLimit,
		ReadBufferSize:               readBufferSize,
		ReadTimeout:                  s.cfg.ReadTimeout,
		WriteTimeout:                 s.cfg.WriteTimeout,
		IdleTimeout:                  s.cfg.IdleTimeout,
		Concurrency:                  s.cfg.MaxConnections,
		DisableStartupMessage:        true,
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 s.handleError,
	})
	app.Use(s.frontMiddleware)
	if !s.cfg.DisableCompression {
		app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed, Next: isDownloadFile}))
	}
	// Dump files carry their own strong ETag and are streamed: the etag
	// middleware would read a whole file into memory to hash it.
	app.Use(etag.New(etag.Config{Weak: true, Next: isDownloadFile}))
	s.routes(app)
	return app
}

func newServer(cfg Config, deps Deps) (*server, error) {
	if deps.Search == nil || deps.Catalog == nil {
		return nil, errors.New("server: Deps.Search and Deps.Catalog are required")
	}
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultTimeout
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 5 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 60 * time.Second
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = defaultMaxConns
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = defaultCacheTTL
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = defaultCacheBytes
	}
	assets, err := web.LoadAssets(staticPrefix)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	pages, err := web.ParsePages(assets)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	for _, name := range pageNames {
		if !pages.Has(name) {
			return nil, fmt.Errorf("server: page template %q is missing", name)
		}
	}
	s := &server{
		cfg:     cfg,
		deps:    deps,
		log:     cfg.Logger,
		pages:   pages,
		assets:  assets,
		openAPI: web.OpenAPI(),
		metrics: newMetrics(),
		hsts:    strings.HasPrefix(base, "https://"),
	}
	s.deps.Search = timedSearcher{next: deps.Search, m: s.metrics}
	if cfg.CacheTTL > 0 {
		s.cache = newPageCache(cfg.CacheTTL, cfg.CacheBytes)
	}
	s.site = site{baseURL: base, demo: cfg.Demo, orgLD: cfg.OrganizationJSONLD}
	return s, nil
}

// normalizeBaseURL checks BaseURL and drops a trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("server: BaseURL %q must be an absolute http(s) URL without query, fragment or user info", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Page template names the server renders; New fails when one is missing.
const (
	pageHome        = "home"
	pageSearch      = "search"
	pageContract    = "contract"
	pageAgencies    = "agencies"
	pageAgency      = "agency"
	pageSupplier    = "supplier"
	pageSources     = "sources"
	pageMethodology = "methodology"
	pageError       = "error"
	pageRun         = "run"
)

var pageNames = []string{pageHome, pageSearch, pageContract, pageAgencies, pageAgency, pageSupplier, pageSources, pageMethodology, pageError, pageRun, pageRisk,
	pageDownloads, pageAPIDocs}

const staticPrefix = "/static/"

// route names label the metrics and the access log.
const (
	routeHome        = "home"
	routeSearch      = "search"
	routeContract    = "contract"
	routeRelease     = "release"
	routeAgencies    = "agencies"
	routeAgency      = "agency"
	routeSupplier    = "supplier"
	routeSources     = "sources"
	routeRun         = "run"
	routeAPIRun      = "api_run"
	routeAPIIndex    = "api_index"
	routeMethodology = "methodology"
	routeAPIStats    = "api_stats"
	routeAPISearch   = "api_search"
	routeAPIContract = "api_contract"
	routeAPIAgencies = "api_agencies"
	routeAPIAgency   = "api_agency"
	routeAPISupplier = "api_supplier"
	routeAPISources  = "api_sources"
	routeAPIOpenAPI  = "api_openapi"
	routeLivez       = "livez"
	routeReadyz      = "readyz"
	routeMetrics     = "metrics"
	routeStatic      = "static"
	routeRobots      = "robots"
)

// routes registers every public route. Fiber's Get also answers HEAD.
func (s *server) routes(app *fiber.App) {
	get := func(path, name string, h fiber.Handler) {
		app.Get(path, func(c *fiber.Ctx) error {
			c.Locals(localRoute, name)
			return h(c)
		})
	}
	// page and API routes are served through the page cache
	getCached := func(path, name string, h fiber.Handler) {
		get(path, name, func(c *fiber.Ctx) error { return s.cached(c, h) })
	}
	getCached("/", routeHome, s.serveHome)
	getCached("/search", routeSearch, s.serveSearch)
	getCached("/contracts/*", routeContract, s.serveContract)
	getCached("/agencies", routeAgencies, s.serveAgencies)
	getCached("/agencies/*", routeAgency, s.serveAgency)
	getCached("/suppliers/*", routeSupplier, s.serveSupplier)
	getCached("/risk", routeRisk, s.serveRisk)
	getCached("/sources", routeSources, s.serveSources)
	getCached("/sources/:name/runs/:id", routeRun, s.serveRun)
	get("/methodology", routeMethodology, s.serveMethodology)

	getCached("/api/v1/stats", routeAPIStats, s.apiStats)
	getCached("/api/v1/search", routeAPISearch, s.apiSearch)
	getCached("/api/v1/contracts/*", routeAPIContract, s.apiContract)
	getCached("/api/v1/agencies", routeAPIAgencies, s.apiAgencies)
	getCached("/api/v1/agencies/*", routeAPIAgency, s.apiAgency)
	getCached("/api/v1/suppliers/*/risk", routeAPISupplierRisk, s.apiSupplierRisk) // before /api/v1/suppliers/*
	getCached("/api/v1/suppliers/*", routeAPISupplier, s.apiSupplier)
	getCached("/api/v1/risk", routeAPIRisk, s.apiRisk)
	getCached("/api/v1/sources", routeAPISources, s.apiSources)
	getCached("/api/v1/sources/:name/runs/:id", routeAPIRun, s.apiRun)
	get("/api/v1", routeAPIIndex, s.apiIndex)
	get("/api/v1/openapi.json", routeAPIOpenAPI, s.apiOpenAPI)

	get("/livez", routeLivez, s.serveLivez)
	get("/readyz", routeReadyz, s.serveReadyz)
	get("/metrics", routeMetrics, s.serveMetrics)
	get(staticPrefix+":file", routeStatic, s.serveStatic)
	get("/robots.txt", routeRobots, s.serveRobots)
	s.openDataRoutes(get, getCached) // downloads, feeds, sitemaps, API docs (open_data.go)
}

// timedSearcher records the duration and outcome of every search.
type timedSearcher struct {
	next Searcher
	m    *metrics
}

func (t timedSearcher) Search(ctx context.Context, req procure.SearchRequest) (procure.SearchResults, error) {
	start := time.Now()
	res, err := t.next.Search(ctx, req)
	t.m.observeSearch(time.Since(start), searchOutcome(err))
	return res, err
}

func searchOutcome(err error) string {
	var qe *procure.QueryError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &qe), errors.Is(err, procure.ErrInvalid), errors.Is(err, procure.ErrTooExpensive):
		return "refused"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, procure.ErrUnavailable):
		return "unavailable"
	}
	return "error"
}
