package source

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// A light JSON walk: just enough to find one string (links.next) or count
// the elements of one array in a page, skipping everything else byte by byte
// without building values. It checks bracket balance and string syntax but
// not the full grammar; the parser downstream validates documents properly.

const maxScanDepth = 10000

type jscan struct {
	r   *bufio.Reader
	off int64
}

func newScan(r io.Reader) *jscan { return &jscan{r: bufio.NewReaderSize(r, 256<<10)} }

func (s *jscan) errf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.off, fmt.Sprintf(format, args...))
}

func (s *jscan) readByte() (byte, error) {
	c, err := s.r.ReadByte()
	if err == nil {
		s.off++
	}
	return c, err
}

func (s *jscan) eof(err error) error {
	if errors.Is(err, io.EOF) {
		return s.errf("unexpected end of document")
	}
	return err
}

// nonSpace returns the next byte that is not JSON white space (io.EOF at the
// end).
func (s *jscan) nonSpace() (byte, error) {
	for {
		c, err := s.readByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case 0xEF: // a UTF-8 byte order mark at the start
			if s.off == 1 {
				if b, _ := s.r.Peek(2); len(b) == 2 && b[0] == 0xBB && b[1] == 0xBF {
					_, _ = s.r.Discard(2)
					s.off += 2
					continue
				}
			}
		}
		return c, nil
	}
}

// skipString consumes a string whose opening quote was read.
func (s *jscan) skipString() error {
	for {
		// Fast path: scan the buffered bytes for a quote or backslash.
		buf, err := s.r.Peek(max(1, s.r.Buffered()))
		if len(buf) == 0 {
			return s.eof(err)
		}
		i := 0
		for i < len(buf) && buf[i] != '"' && buf[i] != '\\' {
			i++
		}
		_, _ = s.r.Discard(i)
		s.off += int64(i)
		if i == len(buf) {
			continue
		}
		c, _ := s.readByte()
		if c == '"' {
			return nil
		}
		if _, err := s.readByte(); err != nil { // the escaped byte
			return s.eof(err)
		}
	}
}

// readString consumes a string whose opening quote was read and decodes it.
// Strings longer than limit bytes (encoded) are skipped and reported as too
// long.
func (s *jscan) readString(limit int) (string, bool, error) {
	raw := []byte{'"'}
	for {
		c, err := s.readByte()
		if err != nil {
			return "", false, s.eof(err)
		}
		if len(raw) > limit {
			if c == '\\' {
				if _, err := s.readByte(); err != nil {
					return "", false, s.eof(err)
				}
				continue
			}
			if c == '"' {
				return "", false, nil
			}
			continue
		}
		raw = append(raw, c)
		switch c {
		case '\\':
			e, err := s.readByte()
			if err != nil {
				return "", false, s.eof(err)
			}
			raw = append(raw, e)
		case '"':
			var out string
			if err := json.Unmarshal(raw, &out); err != nil {
				return "", false, s.errf("bad string: %v", err)
			}
			return out, true, nil
		}
	}
}

// skipValue consumes the rest of a value whose first byte was read.
func (s *jscan) skipValue(first byte) error {
	switch first {
	case '"':
		return s.skipString()
	case '{', '[':
		stack := []byte{first}
		for len(stack) > 0 {
			// Fast path: skip buffered bytes that are not structural.
			buf, err := s.r.Peek(max(1, s.r.Buffered()))
			if len(buf) == 0 {
				return s.eof(err)
			}
			i := 0
			for i < len(buf) && !structural[buf[i]] {
				i++
			}
			_, _ = s.r.Discard(i)
			s.off += int64(i)
			if i == len(buf) {
				continue
			}
			c, _ := s.readByte()
			switch c {
			case '"':
				if err := s.skipString(); err != nil {
					return err
				}
			case '{', '[':
				if len(stack) >= maxScanDepth {
					return s.errf("nested deeper than %d levels", maxScanDepth)
				}
				stack = append(stack, c)
			case '}', ']':
				open := stack[len(stack)-1]
				if (open == '{') != (c == '}') {
					return s.errf("%q closes %q", c, open)
				}
				stack = stack[:len(stack)-1]
			}
		}
		return nil
	default:
		if !isLiteralByte(first) {
			return s.errf("unexpected %q", first)
		}
		for {
			c, err := s.readByte()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if !isLiteralByte(c) {
				_ = s.r.UnreadByte()
				s.off--
				return nil
			}
		}
	}
}

// structural marks the bytes skipValue must look at inside a container.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

func isLiteralByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.'
}

// nextMember advances to the next member of the object being read and
// returns its key and the first byte of its value; ok is false when the
// object ended (its '}' consumed).
func (s *jscan) nextMember() (key string, first byte, ok bool, err error) {
	for {
		c, err := s.nonSpace()
		if err != nil {
			return "", 0, false, s.eof(err)
		}
		switch c {
		case ',':
			continue
		case '}':
			return "", 0, false, nil
		case '"':
		default:
			return "", 0, false, s.errf("expected a member name, found %q", c)
		}
		key, _, err := s.readString(4096)
		if err != nil {
			return "", 0, false, err
		}
		if c, err = s.nonSpace(); err != nil {
			return "", 0, false, s.eof(err)
		}
		if c != ':' {
			return "", 0, false, s.errf("expected ':' after member %q, found %q", key, c)
		}
		if c, err = s.nonSpace(); err != nil {
			return "", 0, false, s.eof(err)
		}
		return key, c, true, nil
	}
}

// seekPath, inside an object whose '{' was read, finds the value at path and
// returns its first byte; ok is false when the path is absent (the object is
// then consumed).
func (s *jscan) seekPath(path []string, depth int) (first byte, ok bool, err error) {
	if depth > maxScanDepth {
		return 0, false, s.errf("nested deeper than %d levels", maxScanDepth)
	}
	for {
		key, v, more, err := s.nextMember()
		if err != nil || !more {
			return 0, false, err
		}
		if key != path[0] {
			if err := s.skipValue(v); err != nil {
				return 0, false, err
			}
			continue
		}
		if len(path) == 1 {
			return v, true, nil
		}
		if v != '{' {
			if err := s.skipValue(v); err != nil {
				return 0, false, err
			}
			continue
		}
		if first, ok, err := s.seekPath(path[1:], depth+1); ok || err != nil {
			return first, ok, err
		}
	}
}

// findString returns the string at path in the first JSON value of r (the
// next-page link). It returns "" when the document is not an object, the
// path is absent, or its value is null or "".
func findString(r io.Reader, path []string) (string, error) {
	s := newScan(r)
	c, err := s.nonSpace()
	if errors.Is(err, io.EOF) || (err == nil && c != '{') {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	v, ok, err := s.seekPath(path, 0)
	if err != nil || !ok {
		return "", err
	}
	switch v {
	case '"':
		str, fits, err := s.readString(maxCapturedURLLength)
		if err != nil {
			return "", err
		}
		if !fits {
			return "", s.errf("the value at %v is longer than %d bytes", path, maxCapturedURLLength)
		}
		return str, nil
	case 'n':
		return "", s.skipValue(v)
	default:
		return "", s.errf("the value at %v is not a string", path)
	}
}

// countItems counts the items of one page: the elements of the array at
// path (default: "releases" and "records" of a package), or of a top-level
// array, or the top-level values of a JSON Lines / concatenated stream of
// releases or records (objects with an "ocid"). A wrapper object without any
// of these counts 0.
func countItems(r io.Reader, path []string) (int, error) {
	s := newScan(r)
	c, err := s.nonSpace()
	if errors.Is(err, io.EOF) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	switch c {
	case '[':
		return s.countArray()
	case '{':
	default:
		return 0, s.errf("a page must be a JSON object or array, found %q", c)
	}
	if path != nil {
		v, ok, err := s.seekPath(path, 0)
		if err != nil || !ok {
			return 0, err
		}
		if v != '[' {
			return 0, s.errf("the value at %v is not an array", path)
		}
		return s.countArray()
	}
	n, sawArray, sawOCID := 0, false, false
	for {
		key, v, more, err := s.nextMember()
		if err != nil {
			return 0, err
		}
		if !more {
			break
		}
		switch {
		case (key == "releases" || key == "records") && v == '[':
			k, err := s.countArray()
			if err != nil {
				return 0, err
			}
			n += k
			sawArray = true
			continue
		case key == "ocid":
			sawOCID = true
		}
		if err := s.skipValue(v); err != nil {
			return 0, err
		}
	}
	if sawArray || !sawOCID {
		return n, nil
	}
	// A stream of bare releases or records: count the values.
	n = 1
	for {
		c, err := s.nonSpace()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		if err := s.skipValue(c); err != nil {
			return 0, err
		}
		n++
	}
}

// countArray counts the elements of an array whose '[' was read.
func (s *jscan) countArray() (int, error) {
	n := 0
	for {
		c, err := s.nonSpace()
		if err != nil {
			return 0, s.eof(err)
		}
		switch c {
		case ']':
			return n, nil
		case ',':
			continue
		}
		if err := s.skipValue(c); err != nil {
			return 0, err
		}
		n++
	}
}
