package procure

import (
	"strings"
	"unicode"
)

// NormalizeScheme returns an org-id.guide style scheme prefix: trimmed,
// upper-case, spaces and underscores as hyphens ("gb-coh" -> "GB-COH").
// It does not guess schemes from free text; importers map those themselves.
func NormalizeScheme(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '_' || unicode.IsSpace(r):
			return '-'
		}
		return unicode.ToUpper(r)
	}, s)
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return strings.Trim(s, "-")
}

// schemeWidth gives the zero-padded width of purely numeric identifiers in
// registers that pad them.
var schemeWidth = map[string]int{
	"GB-COH": 8, // Companies House numbers: 01234567
	"UA-EDR": 8, // EDRPOU codes of legal entities
}

// NormalizeIdentifier normalises an identifier within its (normalised)
// scheme: trims, removes spaces, dots, hyphens and slashes in registers
// whose ids are alphanumeric codes, upper-cases, and pads numeric ids in
// registers that pad (GB-COH 6436883 -> 06436883).
func NormalizeIdentifier(scheme, id string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return ""
	}
	scheme = NormalizeScheme(scheme)
	// A scheme repeated as prefix of the id ("GB-COH-01234567") is removed.
	if scheme != "" && len(id) > len(scheme)+1 && strings.EqualFold(id[:len(scheme)], scheme) && (id[len(scheme)] == '-' || id[len(scheme)] == ' ') {
		id = strings.TrimSpace(id[len(scheme)+1:])
	}
	var b strings.Builder
	for _, r := range id {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		case r == ' ' || r == '.' || r == '-' || r == '/' || r == '\u00a0':
			// separators carry no meaning in register numbers
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if w, ok := schemeWidth[scheme]; ok && isDigits(out) {
		out = strings.TrimLeft(out, "0")
		for len(out) < w {
			out = "0" + out
		}
	}
	return out
}

func isDigits(s string) bool {
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

// QualifiedID returns "{SCHEME}-{id}" from a scheme and identifier, both
// normalised. ok is false when either is empty.
func QualifiedID(scheme, id string) (string, bool) {
	s := NormalizeScheme(scheme)
	n := NormalizeIdentifier(s, id)
	if s == "" || n == "" {
		return "", false
	}
	return s + "-" + n, true
}

// SlugID returns a stable ID for an organisation without an identifier:
// "{namespace}~{slug of the name}". The slug keeps letters of every script
// (lower-cased) and digits, joins words with hyphens and drops punctuation,
// so the same name from the same namespace always gets the same ID.
func SlugID(namespace, name string) string {
	return Slug(namespace) + "~" + Slug(name)
}

// Slug lower-cases s, keeps letters and digits of every script and joins
// the words with single hyphens.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if out == "" {
		return "unnamed"
	}
	if len(out) > 120 {
		out = out[:120]
		for !strings.HasSuffix(out, "-") && len(out) > 0 && !validUTF8Tail(out) {
			out = out[:len(out)-1]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}

func validUTF8Tail(s string) bool {
	r := []rune(s)
	return len(r) > 0 && r[len(r)-1] != unicode.ReplacementChar
}
