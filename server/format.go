package server

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

const nbsp = "\u00a0"

// formatInt writes n with comma thousands separators: 1234567 → "1,234,567".
func formatInt(n int) string { return groupDigits(strconv.Itoa(n)) }

// groupDigits inserts thousands separators into a plain integer string with
// an optional leading minus.
func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	first := len(s) % 3
	if first > 0 {
		b.WriteString(s[:first])
	}
	for i := first; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatDecimal formats an exact amount with thousands separators:
// "1,234,567.50". It keeps every stored digit (never rounds).
func formatDecimal(d procure.Decimal) string {
	s := d.String()
	whole, frac, _ := strings.Cut(s, ".")
	return groupDigits(whole) + "." + frac
}

// formatMoney formats an amount with its currency: "1,234.50 USD". The
// space is non-breaking so the code stays with the number.
func formatMoney(m procure.Money) string {
	return formatDecimal(m.Amount) + nbsp + currencyLabel(m.Currency)
}

// currencyLabel shows a currency code. Codes come from data: bidi controls
// are removed so a code cannot reorder the text around it.
func currencyLabel(c string) string {
	c = strings.TrimSpace(bidiControls.Replace(c))
	if c == "" {
		return "(currency not stated)"
	}
	return c
}

// formatMoneyList formats per-currency totals.
func formatMoneyList(ms []procure.Money) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, formatMoney(m))
	}
	return out
}

// compactNumber formats a chart axis value: 950, 12k, 1.5M, 2.3bn.
func compactNumber(v float64) string {
	a := math.Abs(v)
	var s string
	switch {
	case a >= 1e12:
		s = trimFloat(v/1e12) + "tn"
	case a >= 1e9:
		s = trimFloat(v/1e9) + "bn"
	case a >= 1e6:
		s = trimFloat(v/1e6) + "M"
	case a >= 1e3:
		s = trimFloat(v/1e3) + "k"
	default:
		s = trimFloat(v)
	}
	return s
}

func trimFloat(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// dateView is a date as shown (ISO, unambiguous everywhere) with its
// machine-readable form for <time datetime>.
type dateView struct {
	Text string
	ISO  string
}

func formatDate(t time.Time) dateView {
	if t.IsZero() {
		return dateView{}
	}
	d := t.UTC().Format("2006-01-02")
	return dateView{Text: d, ISO: d}
}

func formatDateTime(t time.Time) dateView {
	if t.IsZero() {
		return dateView{}
	}
	u := t.UTC()
	return dateView{Text: u.Format("2006-01-02 15:04 UTC"), ISO: u.Format(time.RFC3339)}
}

// parseLooseDate parses an OCDS date string for display; the raw string is
// kept when it does not parse.
func parseLooseDate(s string) dateView {
	s = strings.TrimSpace(s)
	if s == "" {
		return dateView{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return formatDate(t)
		}
	}
	return dateView{Text: s}
}

// humanize turns an OCDS code ("planningUpdate", "limited", "in_progress")
// into words ("Planning update", "Limited", "In progress").
func humanize(code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	var b strings.Builder
	prevLower := false
	for i, r := range code {
		switch {
		case r == '_' || r == '-':
			b.WriteByte(' ')
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			b.WriteByte(' ')
			b.WriteRune(unicode.ToLower(r))
		case i == 0:
			b.WriteRune(unicode.ToUpper(r))
		default:
			b.WriteRune(r)
		}
		prevLower = unicode.IsLower(r)
	}
	return b.String()
}

// plural picks the singular or plural noun for n and prefixes the number.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatInt(n) + " " + many
}

// bidiControls are the characters that reorder text. They are removed
// where the text cannot be isolated (the document <title>).
var bidiControls = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "", "\u200e", "", "\u200f", "",
)

// plainTitle cleans data text for the document title: no bidi controls, no
// control characters, at most 120 characters.
func plainTitle(s string) string {
	s = bidiControls.Replace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, 120)
}

// truncate cuts s to at most n runes, adding an ellipsis when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// langTag returns a BCP 47 tag from data when it is well formed ("es",
// "uk", "zh-Hant"), else "". The template puts it in a lang attribute.
func langTag(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 35 {
		return ""
	}
	parts := strings.Split(s, "-")
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return ""
	}
	for i, p := range parts {
		if p == "" || len(p) > 8 {
			return ""
		}
		for _, r := range p {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && r >= '0' && r <= '9')
			if !ok {
				return ""
			}
		}
	}
	parts[0] = strings.ToLower(parts[0])
	return strings.Join(parts, "-")
}

// safeHref returns u when it is an absolute http or https URL, else "".
// Only such URLs become links; anything else is shown as text.
func safeHref(u string) string {
	u = strings.TrimSpace(u)
	if u == "" || len(u) > 2048 {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.String()
	}
	return ""
}

// validText reports whether s is valid UTF-8 without control characters
// other than tab/newline.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}
