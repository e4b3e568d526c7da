package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ocdsSchemaBase is the canonical URL of the OCDS 1.1 schemas: the package
// schema refers to the release schema by it.
const ocdsSchemaBase = "https://standard.open-contracting.org/schema/1__1__5/"

// ocdsSchemaLoader serves the OCDS schemas from the shared copy.
type ocdsSchemaLoader struct{ dir string }

func (l ocdsSchemaLoader) Load(url string) (any, error) {
	name, ok := strings.CutPrefix(url, ocdsSchemaBase)
	if !ok || strings.Contains(name, "/") {
		return nil, fmt.Errorf("schema %s is not in the local OCDS 1.1 copy", url)
	}
	f, err := os.Open(filepath.Join(l.dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// OCDSReleasePackageSchema compiles the OCDS 1.1 release package schema
// (and, through it, the release schema) from the shared copy in
// schema/ocds-1.1, with format assertions on. Like SharedData, it skips the
// test (or fails it, when shared data is required) if the copy is missing.
func OCDSReleasePackageSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	dir := SharedData(t, "schema", "ocds-1.1")
	c := jsonschema.NewCompiler()
	c.UseLoader(ocdsSchemaLoader{dir})
	c.AssertFormat()
	sch, err := c.Compile(ocdsSchemaBase + "release-package-schema.json")
	if err != nil {
		t.Fatalf("compile OCDS release package schema: %v", err)
	}
	return sch
}
