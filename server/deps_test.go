package server

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the server away from the store, the indexer and
// bleve: it reaches them only through the interfaces it declares.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{
			"github.com/tenderlens/tenderlens/data/store",
			"github.com/tenderlens/tenderlens/indexer",
			"github.com/tenderlens/tenderlens/data/ingest",
			"github.com/tenderlens/tenderlens/data/source",
			"github.com/blevesearch/",
			"modernc.org/sqlite",
		} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("server depends on %s", dep)
			}
		}
	}
}
