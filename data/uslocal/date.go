package uslocal

import (
	"fmt"
	"strings"
	"time"
)

// DefaultDateLayouts are tried, in order, when a mapping names none: US
// month/day/year (with and without a time, as Socrata portals export it),
// ISO dates and ISO date-times without a zone.
var DefaultDateLayouts = []string{
	"M/D/YYYY",
	"M/D/YYYY h:mm:ss AM",
	"M/D/YYYY hh:mm",
	"YYYY-MM-DD",
	"YYYY-MM-DDThh:mm:ss",
	"YYYY-MM-DDThh:mm:ss.999",
	"YYYY-MM-DD hh:mm:ss",
}

// dateTokens translate the layout tokens mappings use into Go layout
// elements. Longer tokens first.
var dateTokens = []struct{ tok, goLayout string }{
	{"YYYY", "2006"}, {"YY", "06"},
	{"MMMM", "January"}, {"MMM", "Jan"}, {"MM", "01"}, {"M", "1"},
	{"DD", "02"}, {"D", "2"},
	{"hh", "15"}, {"h", "3"}, {"mm", "04"}, {"ss", "05"}, {"AM", "PM"},
}

// GoLayout turns a mapping date layout into a Go time layout. A layout is
// either written with the tokens YYYY, YY, MMMM (January), MMM (Jan), MM,
// M, DD, D, hh (00-23), h (1-12), mm, ss and AM, or is already a Go layout
// (it contains "2006" or "06" and no Y).
func GoLayout(layout string) (string, error) {
	l := strings.TrimSpace(layout)
	if l == "" {
		return "", fmt.Errorf("empty date layout")
	}
	if !strings.ContainsAny(l, "Y") && (strings.Contains(l, "2006") || strings.Contains(l, "06")) {
		return l, nil // a Go layout
	}
	if !strings.Contains(l, "Y") {
		return "", fmt.Errorf("date layout %q has no year (YYYY or YY)", layout)
	}
	var b strings.Builder
	for i := 0; i < len(l); {
		matched := false
		for _, t := range dateTokens {
			if strings.HasPrefix(l[i:], t.tok) {
				b.WriteString(t.goLayout)
				i += len(t.tok)
				matched = true
				break
			}
		}
		if !matched {
			c := l[i]
			if c == '.' && i+1 < len(l) && (l[i+1] == '0' || l[i+1] == '9') {
				// Fractional seconds: ".000" (exactly three digits) or
				// ".999" (optional digits), as in Go layouts.
				j := i + 1
				for j < len(l) && l[j] == l[i+1] {
					j++
				}
				b.WriteString(l[i:j])
				i = j
				continue
			}
			if c >= '0' && c <= '9' {
				return "", fmt.Errorf("date layout %q: digits are not allowed outside the tokens", layout)
			}
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// dateParser parses dates with a list of layouts in one time zone.
type dateParser struct {
	layouts []string // Go layouts
	loc     *time.Location
}

func newDateParser(layouts []string, tz string) (dateParser, error) {
	if len(layouts) == 0 {
		layouts = DefaultDateLayouts
	}
	p := dateParser{loc: time.UTC}
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return p, fmt.Errorf("time zone %q: %w", tz, err)
		}
		p.loc = loc
	}
	for _, l := range layouts {
		g, err := GoLayout(l)
		if err != nil {
			return p, err
		}
		p.layouts = append(p.layouts, g)
	}
	return p, nil
}

// parse returns the date (at midnight in the mapping's zone when the text
// has no time). It tries every layout in order; the first that reads the
// whole text wins.
func (p dateParser) parse(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range p.layouts {
		if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return time.Time{}, fmt.Errorf("the date %q is out of range", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("the date %q matches none of the layouts %s", s, strings.Join(p.layouts, ", "))
}
