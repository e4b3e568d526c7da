// Package demo generates the fictional demonstration data that
// `tenderlens serve --demo` loads into an empty data directory: OCDS 1.1
// release packages, exactly as a real publisher would publish them, so
// they go through the real importer (read, merge, summarise, index).
//
// The data is fictional and marked as such everywhere it can be: every
// package is published by "Tenderlens demo data" from a tenderlens.example
// URI containing "demo", every ocid starts with "ocds-demo00-", places and
// organisations are invented, web and e-mail addresses use the reserved
// .example domain, telephone numbers are in ranges reserved for fiction,
// and identifiers are from number ranges no register has issued (US EINs
// with prefix 00, Companies House numbers from 99000000).
//
// What is in it (about 300 contracting processes over the six years before
// Options.Now, 4 releases each on average):
//   - buyers: four US school districts, two police departments and a
//     sheriff's office, a county health department and a city, all paying
//     in USD; a UK police force paying in GBP; a Mexican municipal public
//     security secretariat paying in MXN (Spanish texts);
//   - about 40 suppliers (Inc., LLC, Corp., Co., Ltd, S.A. de C.V.), some
//     with US-EIN or GB-COH identifiers, some without, selling what schools
//     and police really buy: student information systems, laptops, body-worn
//     cameras, licence plate readers, fingerprint scanners, face recognition
//     software, VPN and encryption software, school buses, cafeteria food,
//     radios, patrol vehicles, furniture and more, each item classified
//     with CPV (and UNSPSC for US computer purchases);
//   - releases tagged tender → award → contract, with award cancellations
//     and re-awards, multi-supplier (framework) awards, contract amendments
//     that change the value, contract terminations, and the four OCDS
//     procurement methods (open, selective, limited, direct);
//   - the supplier "Aprok Vision Systems Ltd" (GB-COH 99417723), an
//     ordinary-looking face recognition vendor with sales to exactly one
//     school district (Lake Orrin ISD) and one police department (Port
//     Alder PD), ready for a later fictional ownership case.
//
// Output is deterministic: the same Seed and Now give byte-identical files.
// The generator has its own PRNG (math/rand promises no stable sequence
// across Go releases) and uses no floating point (fused multiply-add differs
// between CPUs), and a test pins the SHA-256 of every file, so a change of
// output on another platform or Go version is caught, not shipped.
package demo

import (
	"strings"
	"time"
)

// Markers of the demo data. The importer and the web pages may use them to
// label demo records (procure.Contract.Demo).
const (
	// OCIDPrefix is the (unregistered, fictional) OCDS prefix of every demo
	// ocid; ocids look like "ocds-demo00-KVUSD-2023-004".
	OCIDPrefix = "ocds-demo00"
	// PublisherName is the package publisher of every demo file.
	PublisherName = "Tenderlens demo data"
	// PublisherURI identifies the demo publisher; package URIs are below it.
	PublisherURI = "https://tenderlens.example/demo"
	// License is the licence declared by every package: CC0, the data is
	// generated and fictional.
	License = "https://creativecommons.org/publicdomain/zero/1.0/"
	// SourceName is the source name to record demo imports under.
	SourceName = "demo"
)

// Years is how far back from Options.Now the demo processes start.
const Years = 6

// The supplier kept ready for a later fictional ownership case: an
// ordinary-looking UK face recognition vendor that sells to exactly one
// demo school district and one demo police department. Ownership data
// (BODS/PSC) added later must use this identifier.
const (
	CaseSupplierName = "Aprok Vision Systems Ltd"
	CaseSupplierID   = "GB-COH-99417723" // party id = procure.QualifiedID("GB-COH", "99417723")
)

// IsDemoOCID reports whether an ocid belongs to the demo data.
func IsDemoOCID(ocid string) bool { return strings.HasPrefix(ocid, OCIDPrefix+"-") }

// Options control the generated data.
type Options struct {
	// Seed selects one of many equally plausible data sets.
	Seed int64
	// Now is the end of the six-year window; no release is dated after it.
	// Required: pass time.Now() for a live demo, a fixed time in tests.
	Now time.Time
}

// File is one generated file: an OCDS 1.1 release package (JSON).
type File struct {
	Name string // base name, e.g. "demo-releases-2024.json"
	Data []byte
}
