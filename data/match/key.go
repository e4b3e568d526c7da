// Package match normalises names and identifiers and scores whether two
// records (a procurement supplier, a register entity, a list entry) are the
// same, with a per-feature explanation. It does no I/O.
//
// The pipeline: NormalizeName folds case, width, diacritics and Latin /
// Cyrillic homoglyphs, splits tokens (joining initials and apostrophes),
// tags legal forms with a generic type (never deleting them), tags generic
// organisation words, locations, stopwords, numbers and initials, and adds
// Latin transliterations in several systems for Cyrillic, Hangul, Greek and
// (weakly) Han tokens. Compare aligns the tokens of two names
// (order-independent, with abbreviation symbols, transliterations, Korean
// spelling variants, fuzzy edits and split/joined words) into a weighted
// score, and combines it with identifiers, countries, addresses, birth
// dates and entity kinds, logic-v2 style: the maximum over main features
// plus qualifiers.
package match

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// VendorKey returns the grouping key of an organisation name: two vendor
// names with the same key are the same vendor (one supplier page). Legal
// forms are recognised and returned separately (never silently deleted), so
// callers can keep them as tags: "AARONS COMPANY LLC THE" and "THE AARONS
// COMPANY, LLC" both give ("AARON COMPANY", "LLC"). The key folds case,
// punctuation, diacritics, "&"/"AND", initials ("A & B" = "A-B" = "AB"),
// abbreviations (CO = COMPANY, CORP = CORPORATION, INTL = INTERNATIONAL),
// plurals ("SUPPLIES" = "SUPPLY") and drops "THE", "OF" and similar words.
//
// A name exactly TruncatedNameLength characters long whose last word is the
// beginning of a legal form ("... PRODUCTS I" for "... PRODUCTS INC") is
// treated as truncated there. Truncation inside other words needs the other
// names of the file: see VendorKeys.
func VendorKey(name string) (key, legalForm string) {
	n := NormalizeName(name)
	toks := n.Tokens
	if utf8.RuneCountInString(strings.TrimSpace(name)) == TruncatedNameLength && len(toks) > 1 {
		last := toks[len(toks)-1]
		if last.Kind != TokenLegalForm && last.Kind != TokenNumber && isLegalFormPrefix(last.Text) {
			toks = toks[:len(toks)-1]
		}
	}
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		switch t.Kind {
		case TokenLegalForm:
			if legalForm == "" {
				legalForm = t.LegalForm
			}
			continue
		case TokenStopword:
			continue
		}
		parts = append(parts, singular(t))
	}
	if len(parts) == 0 {
		// Nothing but legal forms or stopwords: keep them as the key.
		for _, t := range toks {
			parts = append(parts, t.Canon)
		}
	}
	return strings.ToUpper(strings.Join(parts, " ")), legalForm
}

// TruncatedNameLength is the field width at which some payment exports cut
// vendor names (35 characters in the Phoenix city checkbook).
const TruncatedNameLength = 35

// isLegalFormPrefix reports whether s is a proper prefix of a one-word
// legal form alias ("i", "in" of "inc"; "l", "ll" of "llc").
func isLegalFormPrefix(s string) bool {
	for _, f := range []string{"inc", "llc", "ltd", "corp", "corporation", "company", "limited", "incorporated", "co", "lp", "llp", "pllc", "plc"} {
		if len(s) < len(f) && strings.HasPrefix(f, s) {
			return true
		}
	}
	return false
}

// singular returns the canonical form of a token with English plurals
// folded ("supplies" → "supply", "aarons" → "aaron").
func singular(t Token) string {
	s := t.Canon
	if t.Kind != TokenWord || t.Script != ScriptLatin || len(s) < 4 {
		return s
	}
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 4:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "ss"), strings.HasSuffix(s, "us"), strings.HasSuffix(s, "is"):
		return s
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

// VendorKeys returns VendorKey's key for each name and resolves names that
// a source cut at cutAt characters (35 for Phoenix; 0 disables it): a
// name of exactly cutAt characters takes the key of the one longer name in
// the set that it is the beginning of, when there is exactly one such key
// ("ABSOLUTE INK PROMOTIONAL PRODUCTS I" → the key of "ABSOLUTE INK
// PROMOTIONAL PRODUCTS INC"). When several longer names fit, the truncated
// name keeps its own key (ambiguous).
func VendorKeys(names []string, cutAt int) []string {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i], _ = VendorKey(n)
	}
	if cutAt <= 0 {
		return keys
	}
	type long struct {
		folded, key string
	}
	var longs []long
	for i, n := range names {
		if utf8.RuneCountInString(strings.TrimSpace(n)) > cutAt {
			longs = append(longs, long{foldForPrefix(n), keys[i]})
		}
	}
	if len(longs) == 0 {
		return keys
	}
	sort.Slice(longs, func(i, j int) bool { return longs[i].folded < longs[j].folded })
	for i, n := range names {
		if utf8.RuneCountInString(strings.TrimSpace(n)) != cutAt {
			continue
		}
		p := foldForPrefix(n)
		j := sort.Search(len(longs), func(k int) bool { return longs[k].folded >= p })
		found := ""
		ambiguous := false
		for ; j < len(longs) && strings.HasPrefix(longs[j].folded, p); j++ {
			if found == "" {
				found = longs[j].key
			} else if longs[j].key != found {
				ambiguous = true
			}
		}
		if found != "" && !ambiguous {
			keys[i] = found
		}
	}
	return keys
}

func foldForPrefix(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(strings.TrimSpace(s))), " ")
}

// Key returns a blocking key for candidate lookup: the name folded,
// transliterated to Latin (one system), with legal forms and stopwords
// removed and the remaining tokens sorted. "Общество с ограниченной
// ответственностью «Ромашка»" and "Romashka OOO" share the key "romashka".
func Key(s string) string {
	n := NormalizeName(s)
	parts := make([]string, 0, len(n.Tokens))
	for _, t := range n.Tokens {
		if t.Kind == TokenLegalForm || t.Kind == TokenStopword {
			continue
		}
		parts = append(parts, keyForm(t))
	}
	if len(parts) == 0 {
		for _, t := range n.Tokens {
			parts = append(parts, keyForm(t))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func keyForm(t Token) string {
	if t.Canon != t.Text || t.Script == ScriptLatin || len(t.Latin) == 0 || t.Weak {
		return t.Canon
	}
	return t.Latin[0]
}

// BlockKeys returns the index keys of a name for candidate generation: the
// canonical form and every transliteration of each evidence token (words
// and numbers), Korean spelling skeletons, and adjacent words joined
// ("al qaeda" also gives "alqaeda"). Two names that can match share at
// least one key unless every word is misspelt.
func (n Name) BlockKeys() []string {
	var out []string
	var prev string
	for _, t := range n.Tokens {
		if !t.Kind.evidence() && t.Kind != TokenInitial {
			prev = ""
			continue
		}
		if t.Kind == TokenInitial {
			prev = ""
			continue
		}
		out = appendUnique(out, t.Canon)
		for _, l := range t.Latin {
			out = appendUnique(out, l)
		}
		for _, k := range t.korean {
			out = appendUnique(out, "kr:"+k)
		}
		if prev != "" {
			out = appendUnique(out, prev+t.Canon)
		}
		prev = t.Canon
	}
	if len(out) == 0 {
		for _, t := range n.Tokens {
			out = appendUnique(out, t.Canon)
		}
	}
	return out
}
