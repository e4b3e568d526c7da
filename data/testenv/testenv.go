// Package testenv locates the shared real data that tests read
// (../shared/data next to the checkout) and decides what happens when it is
// missing: tests skip loudly, unless TENDERLENS_REQUIRE_SHARED_DATA=1 (set by
// .ci/run), in which case they fail.
package testenv

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	rootOnce sync.Once
	rootDir  string
)

// ModuleRoot returns the directory holding go.mod, found by walking up from
// the working directory ("" when not found).
func ModuleRoot() string {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	return rootDir
}

// SharedDataDir returns the shared data directory without testing hooks:
// $TENDERLENS_SHARED_DATA, else ../shared/data beside the module root.
func SharedDataDir() string {
	if d := os.Getenv("TENDERLENS_SHARED_DATA"); d != "" {
		return d
	}
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(root), "shared", "data")
}

// SharedData returns the absolute path of ../shared/data, joined with elem.
// When the directory is missing the test is skipped with a loud message, or
// fails when TENDERLENS_REQUIRE_SHARED_DATA=1.
func SharedData(t testing.TB, elem ...string) string {
	t.Helper()
	dir := SharedDataDir()
	p := filepath.Join(append([]string{dir}, elem...)...)
	if dir == "" {
		missing(t, "cannot locate the module root")
		return ""
	}
	if _, err := os.Stat(p); err != nil {
		missing(t, err.Error())
		return ""
	}
	return p
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("TENDERLENS_REQUIRE_SHARED_DATA") == "1" {
		t.Fatalf("shared data is required (TENDERLENS_REQUIRE_SHARED_DATA=1) but missing: %s", why)
	}
	t.Skipf("SKIPPING: shared real data not found (%s); set TENDERLENS_SHARED_DATA or check out ../shared/data", why)
}
