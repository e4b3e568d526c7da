package owner

import (
	"strings"
	"time"
)

// day is a calendar day as the number of days since 1970-01-01 (UTC).
type day int32

// noDay marks a missing bound.
const (
	minDay day = -1 << 30
	maxDay day = 1<<30 - 1
)

func dayOf(t time.Time) day {
	t = t.UTC()
	return day(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) String() string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

// span is the range of days a published (possibly partial) date may mean:
// "2023" is [2023-01-01, 2023-12-31], "2023-05" the days of May 2023.
type span struct{ lo, hi day }

// parseSpan reads a published date: YYYY, YYYY-MM, YYYY-MM-DD, or a
// timestamp starting with one of them. ok is false for anything else.
func parseSpan(s string) (span, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	switch len(s) {
	case 4:
		t, err := time.Parse("2006", s)
		if err != nil {
			return span{}, false
		}
		return span{dayOf(t), dayOf(t.AddDate(1, 0, -1))}, true
	case 7:
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return span{}, false
		}
		return span{dayOf(t), dayOf(t.AddDate(0, 1, -1))}, true
	case 10:
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return span{}, false
		}
		d := dayOf(t)
		return span{d, d}, true
	}
	return span{}, false
}

// tri is a three-valued truth: no, maybe, yes.
type tri int8

const (
	triNo tri = iota
	triMaybe
	triYes
)

// inForce says whether something that started on start and ended on end
// (published dates, either may be empty) was in force on day d. A start
// after d or an end before d mean no; partial dates that straddle d, and
// dates that do not parse, mean maybe. The end day itself is still in
// force.
func inForce(start, end string, d day) (tri, []string) {
	res := triYes
	var bad []string
	if strings.TrimSpace(start) != "" {
		sp, ok := parseSpan(start)
		switch {
		case !ok:
			bad = append(bad, start)
			res = triMaybe
		case sp.lo > d:
			return triNo, nil
		case sp.hi > d:
			res = triMaybe
		}
	}
	if strings.TrimSpace(end) != "" {
		sp, ok := parseSpan(end)
		switch {
		case !ok:
			bad = append(bad, end)
			res = triMaybe
		case sp.hi < d:
			return triNo, nil
		case sp.lo < d:
			res = triMaybe
		}
	}
	return res, bad
}

// endedBefore reports whether a published end date is certainly before d.
func endedBefore(end string, d day) bool {
	sp, ok := parseSpan(end)
	return ok && strings.TrimSpace(end) != "" && sp.hi < d
}
