package uslocal

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/tenderlens/tenderlens/data/procure"
)

// ParseAmount reads an amount as US spreadsheets and accounting systems
// write it, exactly (through procure.ParseDecimal, never a float):
//
//   - thousands separators: "1,381.12" (groups must have three digits, so a
//     typo such as "1,38.12" is refused rather than guessed);
//   - currency symbols and codes: "$1,000.00", "USD 12.00", "12.00 USD";
//   - negative amounts: "-12.50", "$-12.50", "-$12.50", "(12.50)",
//     "($12.50)", "12.50-" (trailing minus), "12.50 CR", "−12.50" (Unicode
//     minus);
//   - spaces and padding anywhere around the number.
//
// decimalComma switches the separators ("1.381,12"; spaces and apostrophes
// may also group thousands). currency is the ISO 4217 code written with
// the amount ("" when none was). An empty text is an error: callers treat
// placeholders as missing before calling.
func ParseAmount(text string, decimalComma bool) (amount procure.Decimal, currency string, err error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return amount, "", errors.New("the amount is empty")
	}
	neg := false
	// Parentheses: accounting negative.
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	// Credit markers and trailing minus.
	for _, suf := range []string{" CR", " cr", "CR"} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) && isDigitOrDot(s[len(s)-len(suf)-1]) {
			neg = !neg
			s = strings.TrimSpace(s[:len(s)-len(suf)])
			break
		}
	}
	if strings.HasSuffix(s, "-") && len(s) > 1 {
		neg = !neg
		s = strings.TrimSpace(s[:len(s)-1])
	}
	// Currency codes (three capital letters) before or after.
	if len(s) > 4 && isCode(s[:3]) && !isLetter(s[3]) {
		currency, s = s[:3], strings.TrimSpace(s[3:])
	} else if len(s) > 4 && isCode(s[len(s)-3:]) && !isLetter(s[len(s)-4]) {
		currency, s = s[len(s)-3:], strings.TrimSpace(s[:len(s)-3])
	}
	// Signs and currency symbols in any order before the digits: "-$5",
	// "$-5", "- $ 5", "−5".
	for {
		r, size := firstRune(s)
		switch {
		case r == '-' || r == '\u2212' || r == '\u2013':
			neg = !neg
		case r == '+':
		case unicode.Is(unicode.Sc, r):
			if currency == "" {
				currency = symbolCurrency(r)
			}
		case r == ' ' || r == '\u00a0':
		default:
			size = 0
		}
		if size == 0 {
			break
		}
		s = s[size:]
	}
	// Parentheses inside a sign or symbol: "$(12.50)".
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = !neg
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	// A trailing currency symbol ("12.50 $", "12,50 €").
	if r, size := lastRune(s); size > 0 && unicode.Is(unicode.Sc, r) {
		if currency == "" {
			currency = symbolCurrency(r)
		}
		s = strings.TrimSpace(s[:len(s)-size])
	}
	if s == "" {
		return amount, "", fmt.Errorf("%q has no digits", text)
	}
	plain, err := ungroup(s, decimalComma)
	if err != nil {
		return amount, "", fmt.Errorf("%q: %w", text, err)
	}
	d, err := procure.ParseDecimal(plain)
	if err != nil {
		return amount, "", fmt.Errorf("%q is not an amount: %w", text, err)
	}
	if neg {
		d = d.Neg()
	}
	return d, currency, nil
}

// ungroup removes thousands separators after checking they group digits
// by three, and returns a plain "1234.56".
func ungroup(s string, decimalComma bool) (string, error) {
	dec, group := byte('.'), byte(',')
	if decimalComma {
		dec, group = ',', '.'
	}
	intPart, frac, hasFrac := s, "", false
	if i := strings.LastIndexByte(s, dec); i >= 0 {
		intPart, frac, hasFrac = s[:i], s[i+1:], true
	}
	if hasFrac && frac != "" && !allDigits(frac) {
		return "", errors.New("the digits after the decimal point are not a number")
	}
	if intPart == "" {
		if !hasFrac || frac == "" {
			return "", errors.New("it has no digits")
		}
		return "0." + frac, nil // ".5"
	}
	// Thousands groups.
	var groups []string
	seps := 0
	start := 0
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		isSep := c == group || (decimalComma && (c == ' ' || c == '\'')) || (!decimalComma && c == '\'')
		if !isSep && strings.HasPrefix(intPart[i:], "\u00a0") {
			isSep = true
		}
		if isSep {
			groups = append(groups, intPart[start:i])
			seps++
			if strings.HasPrefix(intPart[i:], "\u00a0") {
				i++
			}
			start = i + 1
		}
	}
	groups = append(groups, intPart[start:])
	for i, g := range groups {
		switch {
		case !allDigits(g):
			return "", errors.New("it is not a number")
		case seps > 0 && i == 0 && (len(g) < 1 || len(g) > 3):
			return "", errors.New("the thousands separators are misplaced")
		case i > 0 && len(g) != 3:
			return "", errors.New("the thousands separators are misplaced")
		}
	}
	out := strings.Join(groups, "")
	if out == "" {
		out = "0"
	}
	if hasFrac {
		if frac == "" {
			return out, nil // "12." is 12
		}
		out += "." + frac
	}
	return out, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isDigitOrDot(b byte) bool { return b >= '0' && b <= '9' || b == '.' || b == ' ' }

func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return len(s) == 3
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

func lastRune(s string) (rune, int) {
	if s == "" {
		return 0, 0
	}
	rs := []rune(s)
	r := rs[len(rs)-1]
	return r, len(string(r))
}

// symbolCurrency maps the currency symbols whose currency is unambiguous in
// US data. "$" is left to the mapping's default currency (it is also the
// peso's and the Canadian dollar's sign).
func symbolCurrency(r rune) string {
	switch r {
	case '€':
		return "EUR"
	case '£':
		return "GBP"
	}
	return ""
}
