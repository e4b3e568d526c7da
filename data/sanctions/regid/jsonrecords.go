package regid

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// JSONRecord is one top-level record of a JSON document read by
// ReadJSONRecords.
type JSONRecord struct {
	Raw   json.RawMessage // the record's bytes as published
	Line  int             // 1-based line where it starts
	Index int             // 0-based position in the document
	Array bool            // the document is a JSON array (not JSON Lines)
}

// ReadJSONRecords streams the records of a JSON document that is either an
// array of values ("[{…},{…}]", as BODS packages and the PSC test files
// are) or a sequence of values (JSON Lines, or values concatenated with any
// white space between them). fn is called for each record in order; its
// error stops the reading. A syntax error ends the document with an error
// that gives the line; the records before it were delivered. A UTF-8 byte
// order mark is skipped. Memory is bounded by the largest record.
func ReadJSONRecords(ctx context.Context, r io.Reader, fn func(JSONRecord) error) error {
	lt := &lineTracker{r: r}
	br := bufio.NewReaderSize(lt, 256<<10)
	var base int64
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		base = 3
	}
	first, err := firstByte(br)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	dec := json.NewDecoder(br)
	inArray := first == '['
	if inArray {
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("line %d: %w", lt.line(base+dec.InputOffset()), err)
		}
	}
	idx := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if inArray && !dec.More() {
			if _, err := dec.Token(); err != nil { // the closing ]
				return fmt.Errorf("line %d: %w", lt.line(base+dec.InputOffset()), err)
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				return fmt.Errorf("line %d: unexpected data after the end of the JSON array", lt.line(base+dec.InputOffset()))
			}
			return nil
		}
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) && !inArray {
			return nil
		}
		if err != nil {
			off := base + dec.InputOffset()
			var se *json.SyntaxError
			switch {
			case errors.As(err, &se):
				off = base + se.Offset
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
				err, off = io.ErrUnexpectedEOF, lt.off
			}
			return fmt.Errorf("line %d (record %d): %w", lt.line(off), idx+1, err)
		}
		// A RawMessage holds the value's bytes verbatim, so the value
		// started len(raw) bytes before the decoder's position.
		start := base + dec.InputOffset() - int64(len(raw))
		if err := fn(JSONRecord{Raw: raw, Line: lt.line(start), Index: idx, Array: inArray}); err != nil {
			return err
		}
		idx++
	}
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b, br.UnreadByte()
	}
}

// lineTracker counts the lines of what is read through it. Queries must come
// in increasing offset order; newline positions before the last query are
// dropped, so memory stays bounded by the reader's read-ahead.
type lineTracker struct {
	r      io.Reader
	off    int64
	nl     []int64 // offsets of newlines at or after the last query
	passed int     // newlines before the last query
}

// Read reads through, noting where the newlines are.
func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			t.nl = append(t.nl, t.off+int64(i))
		}
	}
	t.off += int64(n)
	return n, err
}

// line returns the 1-based line of byte offset off.
func (t *lineTracker) line(off int64) int {
	i := sort.Search(len(t.nl), func(i int) bool { return t.nl[i] >= off })
	t.passed += i
	t.nl = t.nl[i:]
	return t.passed + 1
}
