package main

import (
	"net/url"
	"path/filepath"
	"testing"

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
	a, base := servePortal(t, data, false)

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
	audit := axeAudit{ctx: ctx, logs: logs, axe: axe, base: base}
	for _, p := range pages {
		audit.page(t, p, nil)
	}
}
