package main

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium. Without it the browser tests skip
// loudly, unless TENDERLENS_REQUIRE_BROWSER=1 (CI) makes them fail.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("TENDERLENS_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is required (TENDERLENS_REQUIRE_BROWSER=1) but not installed: apt-get install chromium")
	}
	t.Skip("SKIPPING browser tests: chromium not installed (apt-get install chromium)")
	return ""
}

// axeScript returns axe-core's axe.min.js from TENDERLENS_AXE_JS (installed
// from the npm registry by .ci/run).
func axeScript(t *testing.T) string {
	t.Helper()
	p := os.Getenv("TENDERLENS_AXE_JS")
	if p == "" {
		if os.Getenv("TENDERLENS_REQUIRE_BROWSER") == "1" {
			t.Fatal("TENDERLENS_AXE_JS must point at axe-core's axe.min.js")
		}
		t.Skip("SKIPPING accessibility audit: set TENDERLENS_AXE_JS to axe-core's axe.min.js (npm install axe-core)")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serveDemo assembles the demo portal in-process on a loopback listener.
func serveDemo(t *testing.T) string {
	t.Helper()
	_, base := servePortal(t, filepath.Join(t.TempDir(), "data"), true)
	return base
}

// servePortal serves the portal on the data directory data in-process on a
// loopback listener and returns it with its base URL. With demo, an empty
// data directory is filled with the demo data and prepared as serve
// prepares it (pending indexing, ownership-risk dossiers) before serving.
func servePortal(t *testing.T, data string, demo bool) (*App, string) {
	t.Helper()
	cfg := defaultConfig()
	cfg.Data = data
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, buildOptions{Purpose: "test", Web: true, Schedule: true, Demo: demo})
	if err != nil {
		t.Fatal(err)
	}
	if demo {
		if err := a.prepare(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		a.bg.Wait()
	}
	go a.web.Listener(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.web.ShutdownWithContext(ctx)
		a.Close()
	})
	return a, "http://" + cfg.Addr
}

func browser(t *testing.T) (context.Context, *consoleLog) {
	t.Helper()
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	logs := &consoleLog{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			logs.add(m.String() + " @ " + m.URL)
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, logs
}

type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

func (c *consoleLog) add(s string) { c.mu.Lock(); c.lines = append(c.lines, s); c.mu.Unlock() }
func (c *consoleLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.lines
	c.lines = nil
	return l
}

// pagesToAudit are representative pages of the demo portal.
func pagesToAudit() []string {
	return []string{
		"/", "/search", "/search?q=laptops", "/search?q=zzzznothing", "/search?q=*pital",
		"/search?buyer_type=police", "/agencies", "/sources", "/methodology", "/no-such-page",
		"/contracts/ocds-demo00-nope",
	}
}

// TestBrowserAccessibilityAndCSP loads the demo portal in Debian's chromium,
// runs axe-core (WCAG 2.0–2.2 A and AA) on representative pages including an
// agency, a supplier and a contract page, and checks that the strict CSP
// reports no violation and no script error happens.
func TestBrowserAccessibilityAndCSP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	base := serveDemo(t)
	ctx, logs := browser(t)
	axe := axeScript(t)

	// Find an agency, a supplier and a contract to audit.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/search?q=laptops")); err != nil {
		t.Fatal(err)
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href^="/contracts/"], a[href^="/agencies/"], a[href^="/suppliers/"]')).map(a => a.getAttribute('href'))`))
	if err != nil {
		t.Fatal(err)
	}
	pages := pagesToAudit()
	seen := map[string]bool{}
	for _, l := range links {
		kind := strings.SplitN(strings.TrimPrefix(l, "/"), "/", 2)[0]
		if !seen[kind] {
			seen[kind] = true
			pages = append(pages, l)
		}
	}
	if len(seen) < 3 {
		t.Errorf("search results link to %v, want contracts, agencies and suppliers", seen)
	}
	logs.take()
	audit := axeAudit{ctx: ctx, logs: logs, axe: axe, base: base}
	for _, p := range pages {
		audit.page(t, p, func(l string) bool {
			// the error pages themselves answer 4xx on purpose
			return strings.Contains(l, "Failed to load resource") && strings.HasSuffix(l, " @ "+base+p)
		})
	}
}

// axeAudit audits the pages of one portal in one browser.
type axeAudit struct {
	ctx  context.Context // the browser's (see browser)
	logs *consoleLog
	axe  string // axe-core's script (see axeScript)
	base string // the portal's base URL
}

// page loads the page at path p, runs axe-core (WCAG 2.0–2.2 A and AA) on
// it and reports its violations, then the CSP violations and script errors
// in the console log since the previous page, except the lines ignore
// accepts (ignore may be nil).
func (a axeAudit) page(t *testing.T, p string, ignore func(line string) bool) {
	t.Helper()
	ctx := a.ctx
	// CSP violations while loading show in the console log checked below.
	err := chromedp.Do(ctx, chromedp.Navigate(a.base+p), chromedp.Evaluate[chromedp.Void](a.axe+";0"))
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]map[string]any](`(async () => {
			const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}});
			return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0,3).map(n => n.target.join(' '))}));
		})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return
	}
	for _, v := range violations {
		b, _ := json.Marshal(v)
		t.Errorf("%s: accessibility violation %s", p, b)
	}
	for _, l := range a.logs.take() {
		if ignore != nil && ignore(l) {
			continue
		}
		// Injecting axe is ours; anything the page itself logs is a
		// problem (CSP violations are logged to the console).
		if strings.Contains(l, "Content Security Policy") || strings.HasPrefix(l, "exception") || strings.HasPrefix(l, "error") {
			t.Errorf("%s: %s", p, l)
		}
	}
}

// TestPagesWorkWithoutJavaScript: with JavaScript disabled, a citizen can
// search, filter by buyer type, page through results and open a contract.
func TestPagesWorkWithoutJavaScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	base := serveDemo(t)
	ctx, _ := browser(t)
	// Disable scripts for every page from now on.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.SendKeys(`#q`, "radios"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(`#q`)); err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(href)
	if u.Path != "/search" || u.Query().Get("q") != "radios" {
		t.Fatalf("the search form without JavaScript went to %s", href)
	}
	// Filter: police buyers, by following the facet link.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/search?q=radios")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(`a[href*="buyer_type=police"]`, chromedp.NodeVisible)); err != nil {
		t.Fatalf("facet link: %v", err)
	}
	href, _ = chromedp.Run(ctx, chromedp.Location())
	// Reading the DOM through the protocol works with page scripts off.
	results, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main a[href^="/contracts/"]').length`))
	nextHref, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('a[rel="next"]')||{}).href || ''`))
	firstContract, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main a[href^="/contracts/"]')||{}).href || ''`))
	if !strings.Contains(href, "buyer_type=police") || results == 0 {
		t.Errorf("facet link without JavaScript: %s, %d results", href, results)
	}
	if firstContract == "" {
		t.Fatal("no contract link in the results")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(firstContract)); err != nil {
		t.Fatal(err)
	}
	contractH1, err := chromedp.Run(ctx, chromedp.Text(`h1`))
	if err != nil {
		t.Fatal(err)
	}
	if contractH1 == "" {
		t.Errorf("contract page %s has no heading", firstContract)
	}
	if nextHref != "" {
		if err := chromedp.Do(ctx, chromedp.Navigate(nextHref)); err != nil {
			t.Fatal(err)
		}
		if h, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(h, "cursor=") {
			t.Errorf("next page link: %s %v", h, err)
		}
	}
}
