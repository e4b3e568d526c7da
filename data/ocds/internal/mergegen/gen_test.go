package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestCommittedTableIsCurrent regenerates merge_rules.go from the shared
// OCDS 1.1 release schema and fails when the committed file differs.
func TestCommittedTableIsCurrent(t *testing.T) {
	schema := testenv.SharedData(t, "schema", "ocds-1.1", "release-schema.json")
	src, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(src)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", "..", "merge_rules.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Fatalf("data/ocds/merge_rules.go is stale: run `go generate ./data/ocds` (generated %d bytes, committed %d)", len(got), len(committed))
	}
}

// TestRulesFollowTheSpecification spot-checks rules the merge specification
// names explicitly.
func TestRulesFollowTheSpecification(t *testing.T) {
	schema := testenv.SharedData(t, "schema", "ocds-1.1", "release-schema.json")
	src, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"id", ruleOmit, itemsNone}`,
		`{"date", ruleOmit, itemsNone}`,
		`{"tag", ruleOmit, itemsLiteral}`,
		`{"awards", ruleIdentifier, itemsObject}`,
		`{"awards.suppliers", ruleIdentifier, itemsObject}`,
		`{"parties.roles", ruleWholeList, itemsLiteral}`,
		`{"parties.additionalIdentifiers", ruleWholeList, itemsObject}`,
		`{"tender.items.additionalClassifications", ruleWholeList, itemsObject}`,
		`{"tender.amendments.changes", ruleWholeList, itemsObject}`,
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("generated table lacks %s", want)
		}
	}
}

func TestGenerateRejectsBadSchemas(t *testing.T) {
	for name, src := range map[string]string{
		"not json":      `{`,
		"no properties": `{"id": "x"}`,
		"unknown ref":   `{"properties": {"a": {"$ref": "#/definitions/Nope"}}}`,
		"external ref":  `{"properties": {"a": {"$ref": "http://example.com/x.json"}}}`,
		"recursive":     `{"properties": {"a": {"$ref": "#/definitions/A"}}, "definitions": {"A": {"type": "object", "properties": {"a": {"$ref": "#/definitions/A"}}}}}`,
	} {
		if _, err := Generate([]byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
