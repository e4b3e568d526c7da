// Command mergegen derives the OCDS merge rules from the release schema and
// writes them as a Go table (data/ocds/merge_rules.go).
//
// It follows the merge specification (standard docs/schema/merging.md) and
// the reference implementation's rule extraction (ocds-merge rules.py):
// after dereferencing $ref,
//   - a field with "omitWhenMerged": true is dropped when merging;
//   - an array field with "wholeListMerge": true, an array whose items are
//     not (only) objects, or an array of objects whose schema has no "id"
//     property is replaced whole;
//   - any other array of objects is merged by the items' "id"
//     (identifier merge), and its items' properties are walked in turn.
//
// Every array path also records whether its items are objects or literals,
// which the importer uses to repair publishers that send an object or a
// string where the schema has an array ("awards": {...}, "tag": "award").
//
// Usage (see the go:generate line in data/ocds/generate.go):
//
//	go run ./internal/mergegen -schema ../../../shared/data/schema/ocds-1.1/release-schema.json -out merge_rules.go
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	schema := flag.String("schema", "", "path of the OCDS release-schema.json")
	out := flag.String("out", "merge_rules.go", "Go file to write")
	flag.Parse()
	if *schema == "" {
		fmt.Fprintln(os.Stderr, "mergegen: -schema is required")
		os.Exit(2)
	}
	src, err := os.ReadFile(*schema)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mergegen:", err)
		os.Exit(1)
	}
	code, err := Generate(src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mergegen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mergegen:", err)
		os.Exit(1)
	}
}
