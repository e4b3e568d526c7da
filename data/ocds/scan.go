package ocds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// scanner walks a stream of JSON values with its own buffer, so that it
// knows the line of every value, can cap the size of a value while reading
// it (a value over the cap is skipped without being held in memory), and
// can resynchronise on the next line after a syntax error. It checks only
// the structure (brackets, strings); values are fully parsed by parser.
type scanner struct {
	r        io.Reader
	buf      []byte
	pos      int   // next unread byte
	end      int   // buf[pos:end] is unread
	base     int64 // stream offset of buf[0]
	line     int   // 1-based line of buf[pos]
	rerr     error // sticky read error; io.EOF at the end
	bound    bool  // JSON Lines: a raw newline ends the current top-level value
	depth    int   // nesting of the containers being streamed (for the depth cap)
	maxDepth int
}

// errScan is a structural error in the input at a line.
type errScan struct {
	line int
	msg  string
}

func (e *errScan) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// errRead wraps an I/O error of the underlying reader.
type errRead struct{ err error }

func (e *errRead) Error() string { return "read input: " + e.err.Error() }
func (e *errRead) Unwrap() error { return e.err }

func newScanner(r io.Reader, maxDepth int) *scanner {
	return &scanner{r: r, buf: make([]byte, 256<<10), line: 1, maxDepth: maxDepth}
}

func (s *scanner) failf(format string, args ...any) error {
	return &errScan{line: s.line, msg: fmt.Sprintf(format, args...)}
}

// fill reads more input, keeping buf[keep:end] (keep <= pos). It returns
// false at the end of input or on a read error (then in s.rerr).
func (s *scanner) fill(keep int) bool {
	if s.rerr != nil {
		return false
	}
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.pos -= keep
		s.end = n
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// readErr returns the read error that stopped the scanner, or nil at a
// clean end of input.
func (s *scanner) readErr() error {
	if s.rerr == nil || errors.Is(s.rerr, io.EOF) {
		return nil
	}
	return &errRead{s.rerr}
}

// more makes sure at least one unread byte is buffered.
func (s *scanner) more() bool {
	if s.pos < s.end {
		return true
	}
	return s.fill(s.pos)
}

// skipWS skips whitespace and returns the next byte (ok false at the end).
func (s *scanner) skipWS() (byte, bool) {
	for s.more() {
		c := s.buf[s.pos]
		switch c {
		case '\n':
			if s.bound {
				return c, true // the caller reports the value as cut short
			}
			s.line++
			s.pos++
		case ' ', '\t', '\r':
			s.pos++
		default:
			return c, true
		}
	}
	return 0, false
}

// expect consumes byte c after whitespace.
func (s *scanner) expect(c byte) error {
	got, ok := s.skipWS()
	if !ok {
		if err := s.readErr(); err != nil {
			return err
		}
		return s.failf("unexpected end of input (expected %q): the file is truncated", c)
	}
	if got != c {
		return s.failf("expected %q but found %q", c, got)
	}
	s.pos++
	return nil
}

// capture reads one JSON value. It returns its bytes when they fit in max
// bytes (max < 0: read and discard), else raw is nil and size is how far
// it got before deciding (tooBig). Newlines are counted.
func (s *scanner) capture(max int64) (raw []byte, size int64, tooBig bool, err error) {
	c, ok := s.skipWS()
	if !ok {
		if err := s.readErr(); err != nil {
			return nil, 0, false, err
		}
		return nil, 0, false, s.failf("unexpected end of input: the file is truncated")
	}
	keep := max >= 0
	var out []byte
	start := s.pos
	scalar := c != '{' && c != '[' && c != '"'
	var stackBuf [16]byte
	stack := stackBuf[:0] // open brackets
	inStr, esc := false, false
	for {
		if s.pos >= s.end {
			n := s.pos - start
			size += int64(n)
			if keep {
				if size > max {
					keep, tooBig, out = false, true, nil
				} else {
					out = append(out, s.buf[start:s.pos]...)
				}
			}
			if !s.fill(s.pos) {
				if err := s.readErr(); err != nil {
					return nil, size, tooBig, err
				}
				if scalar {
					return out, size, tooBig, nil
				}
				return nil, size, tooBig, s.failf("unexpected end of input inside a JSON value: the file is truncated")
			}
			start = s.pos
			continue
		}
		if inStr {
			// Find the closing quote with a vectorised search; count the
			// backslashes before it to tell an escaped quote.
			seg := s.buf[s.pos:s.end]
			q := bytes.IndexByte(seg, '"')
			scan := seg
			if q >= 0 {
				scan = seg[:q]
			}
			if nl := bytes.Count(scan, nlByte); nl > 0 {
				if s.bound {
					return nil, size, tooBig, s.failf("line break inside a text value")
				}
				s.line += nl
			}
			if q < 0 {
				esc = trailingEscape(esc, seg)
				s.pos = s.end
				continue
			}
			if trailingEscape(esc, seg[:q]) {
				esc = false
				s.pos += q + 1
				continue
			}
			esc = false
			inStr = false
			s.pos += q + 1
			if len(stack) == 0 {
				return s.finishCapture(out, start, size, max, keep, tooBig)
			}
			continue
		}
		if !scalar {
			// Skip bytes with no structural meaning (white space other
			// than newlines, letters, digits) in a tight loop.
			buf := s.buf[:s.end]
			i := s.pos
			for i < len(buf) && !structural[buf[i]] {
				i++
			}
			s.pos = i
			if i == len(buf) {
				continue
			}
		}
		b := s.buf[s.pos]
		if scalar {
			switch b {
			case ' ', '\t', '\r', '\n', ',', ']', '}', ':':
				return s.finishCapture(out, start, size, max, keep, tooBig)
			}
			s.pos++
			continue
		}
		switch b {
		case '"':
			inStr = true
		case '{', '[':
			if s.depth+len(stack) >= s.maxDepth {
				return nil, size, tooBig, s.failf("JSON nested deeper than %d levels", s.maxDepth)
			}
			stack = append(stack, b)
		case '}', ']':
			if len(stack) == 0 {
				return nil, size, tooBig, s.failf("unexpected %q", b)
			}
			if (stack[len(stack)-1] == '{') != (b == '}') {
				return nil, size, tooBig, s.failf("mismatched %q", b)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				s.pos++
				return s.finishCapture(out, start, size, max, keep, tooBig)
			}
		case '\n':
			if s.bound {
				return nil, size, tooBig, s.failf("the line ends inside a JSON value (JSON Lines)")
			}
			s.line++
		}
		s.pos++
	}
}

var nlByte = []byte{'\n'}

// structural marks the bytes capture must look at outside strings.
var structural = func() (t [256]bool) {
	for _, c := range []byte("\"{}[]\n") {
		t[c] = true
	}
	return t
}()

// trailingEscape reports whether the byte after seg is escaped, given
// whether seg's first byte was (esc).
func trailingEscape(esc bool, seg []byte) bool {
	n := 0
	for i := len(seg) - 1; i >= 0 && seg[i] == '\\'; i-- {
		n++
	}
	if n == len(seg) {
		// seg is all backslashes: the pending escape consumes the first.
		if esc {
			n++
		}
	}
	return n%2 == 1
}

func (s *scanner) finishCapture(out []byte, start int, size, max int64, keep, tooBig bool) ([]byte, int64, bool, error) {
	n := s.pos - start
	size += int64(n)
	if keep {
		if size > max {
			return nil, size, true, nil
		}
		if out == nil {
			// The whole value was in the buffer: one exact-size copy.
			return append(make([]byte, 0, n), s.buf[start:s.pos]...), size, false, nil
		}
		out = append(out, s.buf[start:s.pos]...)
	}
	return out, size, tooBig, nil
}

// key reads an object key (a JSON string) and the following colon.
func (s *scanner) key() (string, error) {
	c, ok := s.skipWS()
	if !ok || c != '"' {
		if !ok {
			if err := s.readErr(); err != nil {
				return "", err
			}
			return "", s.failf("unexpected end of input inside an object: the file is truncated")
		}
		return "", s.failf("expected an object key but found %q", c)
	}
	raw, _, tooBig, err := s.capture(64 << 10)
	if err != nil {
		return "", err
	}
	if tooBig {
		return "", s.failf("object key longer than 64 KiB")
	}
	p := &parser{src: string(raw), maxDepth: 1}
	k, err := p.str()
	if err != nil {
		return "", s.failf("invalid object key: %v", err)
	}
	if err := s.expect(':'); err != nil {
		return "", err
	}
	return k, nil
}

// next handles the separator after an object member or array element:
// it returns done=true at the closing bracket.
func (s *scanner) next(close byte) (done bool, err error) {
	c, ok := s.skipWS()
	if !ok {
		if err := s.readErr(); err != nil {
			return false, err
		}
		return false, s.failf("unexpected end of input (expected , or %q): the file is truncated", close)
	}
	s.pos++
	switch c {
	case ',':
		return false, nil
	case close:
		return true, nil
	}
	s.pos--
	return false, s.failf("expected , or %q but found %q", close, c)
}

// emptyAfterOpen reports (and consumes) an immediately closing bracket.
func (s *scanner) emptyAfterOpen(close byte) bool {
	c, ok := s.skipWS()
	if ok && c == close {
		s.pos++
		return true
	}
	return false
}

// resync skips to the start of the next line that begins with { or [, the
// likely start of the next top-level value after a syntax error. It
// returns how many lines it skipped.
func (s *scanner) resync() int {
	skipped := 0
	atLineStart := false
	for s.more() {
		c := s.buf[s.pos]
		if atLineStart && (c == '{' || c == '[') {
			return skipped
		}
		atLineStart = false
		s.pos++
		if c == '\n' {
			s.line++
			skipped++
			atLineStart = true
		}
	}
	return skipped
}
