package sanctions

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// xmlScanner walks an XML document and decodes selected elements, keeping
// the raw bytes of each decoded element (for Provenance.SHA256) and its
// line. Memory stays bounded by the largest element: bytes before the
// element being read are dropped.
type xmlScanner struct {
	dec *xml.Decoder
	rec *recorder
}

// recorder is the decoder's byte source; it remembers what was read since
// the last discard and counts lines.
type recorder struct {
	r           *bufio.Reader
	buf         []byte
	base        int64 // offset of buf[0]
	linesBefore int   // newlines before base
}

// Read satisfies io.Reader; the decoder calls ReadByte.
func (rc *recorder) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := rc.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
	}
	return n, nil
}

// ReadByte is what the XML decoder reads with (it uses an io.ByteReader
// as is), so every byte passes here and is remembered.
func (rc *recorder) ReadByte() (byte, error) {
	b, err := rc.r.ReadByte()
	if err == nil {
		rc.buf = append(rc.buf, b)
	}
	return b, err
}

// discard drops the bytes before offset off.
func (rc *recorder) discard(off int64) {
	n := int(off - rc.base)
	if n <= 0 {
		return
	}
	if n > len(rc.buf) {
		n = len(rc.buf)
	}
	rc.linesBefore += bytes.Count(rc.buf[:n], []byte{'\n'})
	rc.buf = append(rc.buf[:0], rc.buf[n:]...)
	rc.base += int64(n)
}

func (rc *recorder) slice(from, to int64) []byte {
	a, b := int(from-rc.base), int(to-rc.base)
	if a < 0 {
		a = 0
	}
	if b > len(rc.buf) {
		b = len(rc.buf)
	}
	if a > b {
		return nil
	}
	return rc.buf[a:b]
}

// line returns the 1-based line of offset off (off must not be discarded).
func (rc *recorder) line(off int64) int {
	n := int(off - rc.base)
	if n < 0 {
		n = 0
	}
	if n > len(rc.buf) {
		n = len(rc.buf)
	}
	return rc.linesBefore + bytes.Count(rc.buf[:n], []byte{'\n'}) + 1
}

func newXMLScanner(r io.Reader) *xmlScanner {
	rec := &recorder{r: bufio.NewReaderSize(r, 256<<10)}
	dec := xml.NewDecoder(rec)
	dec.Strict = true
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "latin1", "latin-1":
			return charmap.ISO8859_1.NewDecoder().Reader(input), nil
		case "windows-1252", "cp1252":
			return charmap.Windows1252.NewDecoder().Reader(input), nil
		}
		return nil, fmt.Errorf("unsupported XML encoding %q", label)
	}
	return &xmlScanner{dec: dec, rec: rec}
}

// xmlElement is a start element found by next, with its position.
type xmlElement struct {
	xml.StartElement
	start int64
	line  int
	depth int
}

// next returns the next start element whose local name is in names (at any
// depth; other elements are entered). io.EOF at the end of the document.
func (s *xmlScanner) next(names map[string]bool, depth *int) (xmlElement, error) {
	for {
		off := s.dec.InputOffset()
		s.rec.discard(off)
		tok, err := s.dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return xmlElement{}, io.EOF
			}
			return xmlElement{}, fmt.Errorf("XML syntax (line %d): %w", s.rec.line(s.dec.InputOffset()), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			*depth++
			if names[t.Name.Local] {
				return xmlElement{StartElement: t.Copy(), start: off, line: s.rec.line(off), depth: *depth}, nil
			}
		case xml.EndElement:
			*depth--
		}
	}
}

// decode decodes the element el (just returned by next) into v and returns
// its raw bytes (valid until the next call to next).
func (s *xmlScanner) decode(el xmlElement, v any, depth *int) ([]byte, error) {
	err := s.dec.DecodeElement(v, &el.StartElement)
	*depth--
	if err != nil {
		return nil, fmt.Errorf("XML element %s (line %d): %w", el.Name.Local, el.line, err)
	}
	return bytes.TrimSpace(s.rec.slice(el.start, s.dec.InputOffset())), nil
}

// eachElement decodes, in document order, every element named in want
// into a fresh T and calls fn with the element, the value and its raw bytes
// (valid until fn returns). It returns nil at the end of the document and
// stops at the first error, ctx's included.
func eachElement[T any](ctx context.Context, s *xmlScanner, depth *int, want map[string]bool, fn func(el xmlElement, v T, raw []byte) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		el, err := s.next(want, depth)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		var v T
		raw, err := s.decode(el, &v, depth)
		if err != nil {
			return err
		}
		if err := fn(el, v, raw); err != nil {
			return err
		}
	}
}

// skip skips the rest of element el.
func (s *xmlScanner) skip(depth *int) error {
	*depth--
	return s.dec.Skip()
}

func names(ns ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range ns {
		m[n] = true
	}
	return m
}
