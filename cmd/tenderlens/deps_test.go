package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tenderlens/tenderlens"

// TestImportRules enforces the package layout of DESIGN.md §2: nothing
// imports server or cmd; nothing under data/ imports indexer, server or web;
// web and data/procure use only the standard library; only server imports
// Fiber, only indexer imports bleve, only data/ingest imports robfig/cron.
// Modelled on golang/pkgsite's internal/tests/deps.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		for _, imp := range imports {
			irel, internal := strings.CutPrefix(imp, module+"/")
			stdlib := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".")
			check := func(cond bool, why string) {
				if cond {
					t.Errorf("%s imports %s: %s", rel, imp, why)
				}
			}
			if internal {
				check((irel == "server" || strings.HasPrefix(irel, "server/")) && !strings.HasPrefix(rel, "cmd/"), "nothing but cmd imports server")
				check(strings.HasPrefix(irel, "cmd/"), "nothing imports cmd")
				if strings.HasPrefix(rel, "data/") {
					check(irel == "indexer" || strings.HasPrefix(irel, "indexer/") || irel == "web", "data/ must not import indexer, server or web")
				}
			}
			if rel == "web" || rel == "data/procure" {
				check(!stdlib, "must use only the standard library")
			}
			if strings.HasPrefix(imp, "github.com/gofiber/") {
				check(rel != "server" && !strings.HasPrefix(rel, "server/"), "only server imports Fiber")
			}
			if strings.HasPrefix(imp, "github.com/blevesearch/") {
				check(rel != "indexer" && !strings.HasPrefix(rel, "indexer/"), "only indexer imports bleve")
			}
			if strings.HasPrefix(imp, "github.com/robfig/cron") {
				check(rel != "data/ingest", "only data/ingest imports robfig/cron")
			}
			if rel == "server" || strings.HasPrefix(rel, "server/") {
				check(internal && strings.HasPrefix(irel, "data/store"), "server must not import the store")
			}
		}
	}
}
