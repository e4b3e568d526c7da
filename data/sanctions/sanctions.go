// Package sanctions reads sanctions lists and risk data into entities,
// listings and relationships (procure.Entity, procure.Listing,
// procure.Relationship):
//
//   - OFACCSV: the OFAC SDN legacy CSV set (sdn.csv, add.csv, alt.csv,
//     sdn_comments.csv), joined by entry number;
//   - OFACXML: OFAC lists in the sdnList XML schema (sdn.xml and the
//     consolidated non-SDN list) and in the advanced schema
//     (sdn_advanced.xml, with its relationship records);
//   - UN: the UN Security Council consolidated list XML;
//   - EU: the EU Financial Sanctions Files XML 1.1;
//   - FtM: FollowTheMoney entity JSON lines (OpenSanctions exports).
//
// Every parser has the same shape: Document is called with each document of
// an import run, Finish once at the end (formats that join several files or
// resolve references emit there). Parsers do no I/O beyond reading the
// documents they are given. Every quirk of the data is repaired with a
// located warning; a record that cannot be used is reported as an error and
// skipped; nothing is dropped silently.
//
// # IDs
//
// Entity and relationship IDs are "{namespace}:{record id}" with a fixed
// namespace per list, so that the same record gets the same ID whichever
// format or configured source brought it: "ofac:16911" (OFAC uid / ent_num,
// shared by the CSV, XML and advanced XML formats and by the SDN and
// consolidated lists, whose uids do not overlap), "un:KPe.001" (UN reference
// number), "eu:{logicalId}", "opensanctions:{FtM id}" (namespace
// configurable). Every OFAC entry also carries the identifier US-OFAC-{uid};
// an FtM entity whose referents include "ofac-{uid}" carries it too, so the
// store clusters the OpenSanctions record with the OFAC entry it was built
// from.
package sanctions

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Licences stamped on the records (Provenance.License). OpenSanctions data
// is CC BY-NC 4.0 (SPDX id): commercial use, which public-sector users are
// asked to license too, needs an agreement with OpenSanctions; the portal
// shows the licence with every record taken from it.
const (
	LicenseOFAC          = "US Government work (public domain)"
	LicenseUN            = "UN Security Council data: free reuse with attribution (UN terms of use)"
	LicenseEU            = "EU Financial Sanctions Files: reuse with acknowledgement (Commission Decision 2011/833/EU)"
	LicenseOpenSanctions = "CC-BY-NC-4.0"
)

// Datasets (Provenance.Dataset), named as OpenSanctions names them.
const (
	DatasetOFACSDN  = "us_ofac_sdn"
	DatasetOFACCons = "us_ofac_cons"
	DatasetUN       = "un_sc_sanctions"
	DatasetEU       = "eu_fsf"
)

// Doc describes one input document of a run.
type Doc = procure.DocOrigin

// Sink receives what a parser reads. Entity and Relationship return an
// error when the run must stop; the parser then returns it.
type Sink interface {
	Entity(procure.Entity) error
	Relationship(procure.Relationship) error
	Report(procure.Problem)
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func warn(loc procure.Location, code, format string, args ...any) procure.Problem {
	return procure.Problem{Severity: procure.SevWarning, Code: code, Message: fmt.Sprintf(format, args...), Location: loc}
}

func fail(loc procure.Location, code, format string, args ...any) procure.Problem {
	return procure.Problem{Severity: procure.SevError, Code: code, Message: fmt.Sprintf(format, args...), Location: loc}
}

// clean collapses white space and trims.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// ofacNull reports whether a legacy OFAC field is empty ("-0-").
func ofacNull(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s == "-0-"
}

// splitPrograms splits an OFAC programs field: "NPWMD] [DPRK2" (the CSV
// joins several programs with "] [") or "[SDGT] [IFSR]".
func splitPrograms(s string) []string {
	if ofacNull(s) {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "]") {
		p = strings.TrimSpace(strings.Trim(strings.TrimSpace(p), "[]"))
		if p != "" && p != "-0-" {
			out = append(out, p)
		}
	}
	return out
}

var months = map[string]string{
	"jan": "01", "feb": "02", "mar": "03", "apr": "04", "may": "05", "jun": "06",
	"jul": "07", "aug": "08", "sep": "09", "oct": "10", "nov": "11", "dec": "12",
}

// normDate turns the date spellings of the lists into ISO 8601 (possibly
// partial): "14 Jun 1975" → "1975-06-14", "Jun 1975" → "1975-06", "1975",
// "1975-06-14", "14/06/1975" (day first), "06/14/1975" when the first number
// cannot be a day... ok is false when s is not a date.
func normDate(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if s == "" {
		return "", false
	}
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:10]) {
		return s[:10], true
	}
	if len(s) == 7 && s[4] == '-' && allDigits(s[:4]) && allDigits(s[5:]) {
		return s, true
	}
	if len(s) == 4 && allDigits(s) {
		return s, true
	}
	if p := strings.Split(s, "/"); len(p) == 3 && allDigits(p[0]) && allDigits(p[1]) && len(p[2]) == 4 && allDigits(p[2]) {
		d, m := p[0], p[1]
		if atoi(m) > 12 && atoi(d) <= 12 { // month first
			d, m = m, d
		}
		if atoi(d) >= 1 && atoi(d) <= 31 && atoi(m) >= 1 && atoi(m) <= 12 {
			return fmt.Sprintf("%s-%02d-%02d", p[2], atoi(m), atoi(d)), true
		}
		return "", false
	}
	f := strings.Fields(strings.ReplaceAll(s, ",", " "))
	switch len(f) {
	case 3:
		if m, ok := months[strings.ToLower(first3(f[1]))]; ok && allDigits(f[0]) && allDigits(f[2]) && len(f[2]) == 4 && atoi(f[0]) >= 1 && atoi(f[0]) <= 31 {
			return fmt.Sprintf("%s-%s-%02d", f[2], m, atoi(f[0])), true
		}
		if m, ok := months[strings.ToLower(first3(f[0]))]; ok && allDigits(f[1]) && allDigits(f[2]) && len(f[2]) == 4 && atoi(f[1]) >= 1 && atoi(f[1]) <= 31 {
			return fmt.Sprintf("%s-%s-%02d", f[2], m, atoi(f[1])), true
		}
	case 2:
		if m, ok := months[strings.ToLower(first3(f[0]))]; ok && allDigits(f[1]) && len(f[1]) == 4 {
			return f[1] + "-" + m, true
		}
	}
	return "", false
}

func first3(s string) string {
	if len(s) < 3 {
		return s
	}
	return s[:3]
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
		if n > 1e6 {
			return -1
		}
	}
	return n
}
