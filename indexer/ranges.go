package indexer

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Dates and amounts are indexed lean (see MappingVersion): bleve's numeric
// fields index 16 prefix-coded terms per value, which cost more than all
// other keyword fields together. Instead a date is its year "2019" (the
// year: query and the year windows of date sorts) and its calendar day
// "20190503" with doc values (the sort key), and an amount is its exact
// sort key with doc values: 16 hex digits of the Decimal's units with the
// sign bit flipped, so byte order is numeric order. Date and amount ranges
// are checked on the day and amount columns built from the sort keys
// (columns.go).

// dayKey is the day term of t's calendar date (as published).
func dayKey(t time.Time) string { return t.Format("20060102") }

func yearKey(t time.Time) string { return fmt.Sprintf("%04d", t.Year()) }

// dayNum is t's calendar date as the number yyyymmdd (the day column).
func dayNum(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(y*10000 + int(m)*100 + d)
}

// calendarDay returns t's calendar date at 00:00 UTC.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// amountKey is the sort key of an amount in units (1/10000).
func amountKey(units int64) string {
	var b [8]byte
	u := uint64(units) ^ (1 << 63)
	for i := 7; i >= 0; i-- {
		b[i] = byte(u)
		u >>= 8
	}
	return hex.EncodeToString(b[:])
}

// parseAmountKey is the inverse of amountKey.
func parseAmountKey(s string) (int64, bool) {
	if len(s) != 16 {
		return 0, false
	}
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, false
	}
	return int64(u ^ (1 << 63)), true
}
