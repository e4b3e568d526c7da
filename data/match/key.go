// Package match normalises names and identifiers and scores whether two
// records (a procurement supplier, a register entity, a list entry) are the
// same, with a per-feature explanation. It does no I/O.
package match

import (
	"strings"
	"unicode"
)

// VendorKey returns the grouping key of an organisation name: two vendor
// names with the same key are the same vendor (one supplier page). Legal
// forms are recognised and returned separately (never silently deleted), so
// callers can keep them as tags.
//
// This is a provisional implementation; the matching work replaces it with
// the full normaliser (same signature).
func VendorKey(name string) (key, legalForm string) {
	var b strings.Builder
	space := false
	for _, r := range strings.ToUpper(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String(), ""
}
