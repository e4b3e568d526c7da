// Package ocds reads Open Contracting Data Standard input of every common
// shape into repaired OCDS 1.1 releases with provenance (Read), and merges
// the releases of one contracting process into its compiled release,
// summary and change list (Compile).
//
// # Reading
//
// Read streams. It walks packages and records key by key with its own
// scanner (not encoding/json's Decoder): the scanner knows the line of
// every value, enforces the per-release size cap while reading (a release
// over the cap is skipped without being held in memory, which Decoder
// cannot do) and the nesting cap, and resynchronises on the next line that
// starts with { or [ after a syntax error, so JSON Lines continue with the
// next line. Each release is then parsed into a small JSON tree that keeps
// numbers as their exact published text.
//
// Memory is bounded by one release plus a small queue: keys of a package
// can come in any order, and package metadata (version, publishedDate,
// publisher, uri, license) may follow the releases array (am-armeps does
// this). Releases are therefore held back until the metadata that matters
// is complete or the package ends, up to 2,048 releases or 32 MiB; past
// that they are emitted with the metadata seen so far and a
// "package-metadata-late" warning. A record's releases are held until the
// record ends (its ocid may come last). Repairs never depend on the package
// version: the 1.0 -> 1.1 upgrade is decided by each release's shape
// (moving inline organisations into parties is a no-op on 1.1 data), so
// late metadata can only change SourceRelease.Version and Package.
//
// Version is the package's "version", else a release's own non-standard
// "version" field, else "1.0". Package metadata comes from the enclosing
// packages, a bare record's publisher, and a bare release's non-standard
// packageInfo.
//
// # Raw, the stored release
//
// Raw is the release after repairs, serialised canonically: no white
// space, object keys sorted by their UTF-8 bytes at every level, numbers
// as published (10000.0 stays 10000.0), strings as UTF-8 with only ", \,
// control characters and U+2028/U+2029 escaped. The same release gives
// byte-identical Raw (and SHA256) whatever its key order or formatting.
//
// # Repairs
//
// Every repair is a located warning (stable codes in problems.go); notes
// about non-standard but harmless fields are SevInfo, reported once per
// input with a count. In order: leaked MongoDB _id removed; packageInfo,
// validationErrors and release-level version used and removed; leading and
// trailing white space trimmed from every text (one warning per release
// with the count); objects or single values where the schema has arrays
// wrapped (tag, awards, ...) and one-element arrays where it has objects
// unwrapped (generated from the schema, see merge_rules.go); suppliers
// listed only inside award items lifted to the award, totalAwardValue and
// awardDate used as value and date (Taiwan PCC); names taken from
// identifier.legalName; free-text identifier schemes mapped where the text
// is unambiguous (py-dncp's RUC sentence -> PY-RUC, "Registro Federal de
// Contribuyentes" -> MX-RFC), XM-EORI with an 8-digit code in a Ukrainian
// release -> UA-EDR, Mexican RFC codes given only as party id -> identifier
// MX-RFC; the 1.0 -> 1.1 upgrade as ocdskit's upgrade.py (ids of new parties
// from "{scheme}-{id}" or, without an identifier, "org-" + a hash of name,
// identifier and address; copies that differ are a warning); language
// codes that are country codes corrected ("md" -> "ro"); null amounts
// reported (kept: a null in a later release removes an earlier amount).
//
// Unusable records are errors and are not emitted: invalid JSON, not an
// object, over the size or nesting cap, no ocid anywhere, no usable date.
// A release without a date takes its package's publishedDate (warning);
// with neither it is an error, since merging orders releases by date and a
// guessed date would silently reorder a process's history. A release
// without an id gets "{ocid}-" + 12 hex digits of the SHA-256 of its
// content (warning), so reading it again gives the same id.
//
// Records: embedded releases are emitted; a record whose releases are
// linked (URLs only) emits its compiledRelease with Compiled=true and a
// "linked-releases-not-fetched" warning; versionedRelease is skipped.
//
// # Compiling
//
// Compile implements the merge routine of the OCDS 1.1 standard
// (docs/schema/merging.md) with the reference implementation's
// (ocds-merge) corner cases; see merger. The rules come from the release
// schema through a generated table (go generate; a test fails when the
// table is stale). Dates are compared as instants, not strings. Changes
// between consecutive merged states are listed (at most MaxChanges): a
// changed literal or replaced array as old/new at its JSON pointer in the
// compiled release; a field, object or array item that appears as one
// change with only New; a removal (null) with only Old.
package ocds
