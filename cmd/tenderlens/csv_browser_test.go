package main

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestBrowserCSVPagesAccessible imports the README's school-district
// example and audits the pages CSV data adds (the agency page with its
// departments and refunds, the shared "Individual payee" supplier page, a
// payment's contract page, police purchases) with axe-core in chromium,
// like TestBrowserAccessibilityAndCSP does for the demo.
func TestBrowserCSVPagesAccessible(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	ctx, logs := browser(t)
	axe := axeScript(t)
	example := filepath.Join(testenv.ModuleRoot(), "data", "uslocal", "testdata", "example")
	data := filepath.Join(t.TempDir(), "data")
	code, stdout, stderr := runCLI(t, nil, "import", "--data", data, "--format", "csv", "--quiet",
		"--mapping", filepath.Join(example, "springfield-schools.toml"), filepath.Join(example, "springfield-schools.csv"))
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
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
	a, err := build(context.Background(), cfg, buildOptions{Purpose: "test", Web: true, Schedule: true})
	if err != nil {
		t.Fatal(err)
	}
	go a.web.Listener(ln)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.web.ShutdownWithContext(sctx)
		a.Close()
	})
	base := "http://" + cfg.Addr

	var police apiSearchAnswer
	getJSON(t, a, apiPath("/api/v1/search", "buyer_type", "police"), &police)
	if len(police.Hits) == 0 {
		t.Fatal("no police purchase imported")
	}
	pages := []string{
		"/agencies/" + url.PathEscape("tlcsv-us-il-springfield-schools~springfield-public-schools"),
		"/suppliers/" + url.PathEscape("tlcsv-us-il-springfield-schools~individual-payee-name-withheld"),
		"/contracts/" + url.PathEscape(police.Hits[0].OCID),
		"/search?buyer_type=police",
	}
	logs.take()
	for _, p := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.Evaluate[chromedp.Void](axe+";0")); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]map[string]any](`(async () => {
				const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}});
				return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0,3).map(n => n.target.join(' '))}));
			})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, v := range violations {
			b, _ := json.Marshal(v)
			t.Errorf("%s: accessibility violation %s", p, b)
		}
		for _, l := range logs.take() {
			if strings.Contains(l, "Content Security Policy") || strings.HasPrefix(l, "exception") || strings.HasPrefix(l, "error") {
				t.Errorf("%s: %s", p, l)
			}
		}
	}
}
