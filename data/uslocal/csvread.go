package uslocal

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The CSV reader. encoding/csv is not used because real city exports need
// what it does not give: bare CR line endings (old Mac exports, the 2018
// Phoenix file), the raw bytes of each record (kept for provenance), the
// line each record starts on, leniency with stray quotes, and recovery from
// an unbalanced quote without losing the rest of the file.

// maxRecordBytes caps one record. A quoted field that is still open after
// this many bytes is treated as an unbalanced quote (see csvReader.next).
const maxRecordBytes = 1 << 20

// csvRecord is one record as read.
type csvRecord struct {
	Fields []string
	Line   int    // 1-based line the record starts on
	Lines  int    // physical lines it spans (more than 1 when a quoted field holds line breaks)
	Raw    []byte // the record's bytes as published, without its line ending
	// Repaired is true when quotes were malformed and read leniently: a
	// quote inside an unquoted field, or a closing quote followed by text.
	Repaired bool
}

// errUnbalanced reports a quoted field that never closed: either the input
// ended inside it or it grew past maxRecordBytes. The record starting at
// line Line is dropped and reading resumes on the next line.
type errUnbalanced struct {
	Line   int
	Reason string
}

func (e *errUnbalanced) Error() string { return e.Reason }

// csvReader reads records from a byte stream. A pushback buffer lets it
// re-read the bytes after a record whose quote never closed.
type csvReader struct {
	br      *bufio.Reader
	pending []byte // bytes to read again before br
	delim   byte
	line    int // line the next record starts on
	atEOF   bool
	raw     bytes.Buffer
	field   bytes.Buffer
}

func newCSVReader(r io.Reader, delim byte) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, 64<<10), delim: delim, line: 1}
}

func (c *csvReader) readByte() (byte, error) {
	if len(c.pending) > 0 {
		b := c.pending[0]
		c.pending = c.pending[1:]
		return b, nil
	}
	return c.br.ReadByte()
}

func (c *csvReader) peekByte() (byte, bool) {
	if len(c.pending) > 0 {
		return c.pending[0], true
	}
	b, err := c.br.Peek(1)
	if err != nil {
		return 0, false
	}
	return b[0], true
}

// next returns the next record, io.EOF at the end, or an *errUnbalanced
// for a record that had to be dropped (the caller reports it and calls
// next again). Other errors come from the underlying reader.
func (c *csvReader) next() (csvRecord, error) {
	if c.atEOF && len(c.pending) == 0 {
		return csvRecord{}, io.EOF
	}
	rec := csvRecord{Line: c.line}
	c.raw.Reset()
	c.field.Reset()
	lines := 1
	var fields []string
	inQuotes, quoted := false, false
	fieldStart := 0 // offset in raw where the current field starts
	// afterQuote: a quoted field closed and spaces follow; pad holds them.
	afterQuote := false
	var pad bytes.Buffer
	// firstBreak is the offset in raw just after the record's first line
	// ending (-1 until seen), where reading resumes after an unbalanced quote.
	firstBreak := -1
	fieldRepaired := false // the current cell's quotes are malformed
	endField := func() {
		fields = append(fields, c.field.String())
		c.field.Reset()
		quoted, fieldRepaired = false, false
	}
	unbalanced := func(reason string) (csvRecord, error) {
		rest := c.raw.Bytes()
		if firstBreak < 0 || firstBreak > len(rest) {
			rest = nil
		} else {
			rest = rest[firstBreak:]
		}
		c.pending = append(append([]byte(nil), rest...), c.pending...)
		c.line = rec.Line + 1
		if rest == nil {
			c.line = rec.Line + lines
		}
		return csvRecord{}, &errUnbalanced{Line: rec.Line, Reason: reason}
	}
	for {
		b, err := c.readByte()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return csvRecord{}, err
			}
			c.atEOF = true
			if inQuotes {
				return unbalanced("a quoted field that starts here is never closed")
			}
			if c.raw.Len() == 0 && len(fields) == 0 {
				return csvRecord{}, io.EOF
			}
			endField()
			rec.Fields, rec.Lines = fields, lines
			rec.Raw = append([]byte(nil), c.raw.Bytes()...)
			c.line += lines
			return rec, nil
		}
		if c.raw.Len() >= maxRecordBytes {
			return unbalanced("this record is longer than 1 MiB; a quote is probably not closed")
		}
		if inQuotes {
			switch b {
			case '"':
				if nb, ok := c.peekByte(); ok && nb == '"' {
					c.readByte()
					c.raw.WriteString(`""`)
					c.field.WriteByte('"')
					// In a cell whose quotes are already malformed, `""`
					// before the end of the cell is a literal quote and the
					// closing one: "op "busted holster"",x.
					if fieldRepaired {
						if nb, ok := c.peekByte(); !ok || nb == c.delim || nb == '\n' || nb == '\r' {
							inQuotes = false
						}
					}
					continue
				}
				c.raw.WriteByte(b)
				nb, ok := c.peekByte()
				switch {
				case !ok || nb == c.delim || nb == '\n' || nb == '\r':
					inQuotes = false
				case nb == ' ' || nb == '\t':
					// Maybe padding after the closing quote ("ABC"   ,):
					// decided when the spaces end.
					inQuotes, afterQuote = false, true
					pad.Reset()
				default:
					// A quote followed by text inside a quoted field: read
					// it as a literal quote.
					c.field.WriteByte('"')
					rec.Repaired, fieldRepaired = true, true
				}
			case '\r', '\n':
				if b == '\r' {
					if nb, ok := c.peekByte(); ok && nb == '\n' {
						c.readByte()
						c.raw.WriteString("\r\n")
						c.field.WriteString("\n")
						lines++
						if firstBreak < 0 {
							firstBreak = c.raw.Len()
						}
						continue
					}
				}
				c.raw.WriteByte(b)
				c.field.WriteByte('\n')
				lines++
				if firstBreak < 0 {
					firstBreak = c.raw.Len()
				}
			default:
				c.raw.WriteByte(b)
				c.field.WriteByte(b)
			}
			continue
		}
		if afterQuote {
			if b == ' ' || b == '\t' {
				c.raw.WriteByte(b)
				pad.WriteByte(b)
				continue
			}
			afterQuote = false
			if b != c.delim && b != '\r' && b != '\n' {
				// Text after the closing quote and spaces: the quote was
				// a literal one and the field goes on.
				c.field.WriteByte('"')
				c.field.Write(pad.Bytes())
				rec.Repaired, fieldRepaired = true, true
				inQuotes = true
				c.pending = append([]byte{b}, c.pending...)
				continue
			}
		}
		switch {
		case b == '\r' || b == '\n':
			if b == '\r' {
				if nb, ok := c.peekByte(); ok && nb == '\n' {
					c.readByte()
				}
			}
			endField()
			rec.Fields, rec.Lines = fields, lines
			rec.Raw = append([]byte(nil), c.raw.Bytes()...)
			c.line += lines
			return rec, nil
		case b == c.delim:
			c.raw.WriteByte(b)
			endField()
			fieldStart = c.raw.Len()
		case b == '"' && !quoted && onlySpaces(c.raw.Bytes()[fieldStart:]):
			c.raw.WriteByte(b)
			inQuotes, quoted = true, true
			c.field.Reset() // spaces before the opening quote are padding
		default:
			// A quote inside an unquoted field (12" PIPE) is a literal
			// quote, as spreadsheets write it.
			c.raw.WriteByte(b)
			c.field.WriteByte(b)
		}
	}
}

// onlySpaces reports whether the current field so far holds only spaces
// (so a quote after them opens a quoted field: ` "A, B"` is read as A, B).
func onlySpaces(field []byte) bool {
	for _, b := range field {
		if b != ' ' && b != '\t' {
			return false
		}
	}
	return true
}

// decodeInput prepares the byte stream: a UTF-16 byte order mark switches
// to UTF-16 (Excel's "Unicode text"), a UTF-8 byte order mark is dropped,
// and an explicit single-byte encoding is decoded to UTF-8.
func decodeInput(r io.Reader, enc string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF):
		dec := unicode.BOMOverride(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
		return transform.NewReader(br, dec), nil
	case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
		br.Discard(3)
	}
	if e := singleByte(enc); e != nil {
		return transform.NewReader(br, e.NewDecoder()), nil
	}
	return br, nil
}

// singleByte returns the decoder of an explicit single-byte encoding, nil
// for UTF-8 and auto.
func singleByte(enc string) encoding.Encoding {
	switch enc {
	case "windows-1252", "cp1252":
		return charmap.Windows1252
	case "iso-8859-1", "latin-1", "latin1":
		return charmap.ISO8859_1
	}
	return nil
}

// fixUTF8 returns s as valid UTF-8: unchanged when it is, otherwise decoded
// as Windows-1252 (what US spreadsheet exports use when they are not
// UTF-8). ok is false when s had to be decoded.
func fixUTF8(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, true
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return string(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD"))), false
	}
	return out, false
}
