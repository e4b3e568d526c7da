package dump

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

// Cell kinds. A column's type is the union of the kinds of its cells.
const (
	kNull   byte = 0
	kString byte = 1
	kInt    byte = 2 // an integer that fits int64, as decimal text
	kNumber byte = 3 // any other JSON number, as published
	kBool   byte = 4 // "true" or "false"
)

// Column types as published (Frictionless Table Schema names).
const (
	tString  = "string"
	tInteger = "integer"
	tNumber  = "number"
	tBoolean = "boolean"
)

type cell struct {
	col  int
	kind byte
	text string
}

// column is one column of a table being written.
type column struct {
	name string
	desc string
	typ  string // declared type; "" = inferred from the kinds seen
	seen uint8  // bit set of kinds seen (1 << kind)
}

// typeOf returns the published type of the column.
func (c *column) typeOf() string {
	if c.typ != "" {
		return c.typ
	}
	s := c.seen &^ (1 << kNull)
	switch {
	case s == 0:
		return tString
	case s == 1<<kInt:
		return tInteger
	case s&^(1<<kInt|1<<kNumber) == 0:
		return tNumber
	case s == 1<<kBool:
		return tBoolean
	}
	return tString
}

// table is one flattened table: its columns (fixed for the portal tables,
// discovered for the OCDS and derived ones) and its rows, spooled to a
// temporary file until every output format is written from it.
type table struct {
	name, title, description, group string
	cols                            []*column
	byName                          map[string]int
	lower                           map[string]bool // lower-cased names: SQL names ignore case
	fixed                           bool
	maxCols                         int
	dropped                         map[string]bool // columns over the cap
	rows                            int64
	sp                              *spool
	licences                        []string
	// first is the index in the table list, for a stable order.
	first int
}

func (t *table) col(name string) (int, bool) {
	if i, ok := t.byName[name]; ok {
		return i, true
	}
	if t.fixed {
		panic("dump: unknown column " + name + " of fixed table " + t.name)
	}
	if len(t.cols) >= t.maxCols {
		if t.dropped == nil {
			t.dropped = map[string]bool{}
		}
		t.dropped[name] = true
		return 0, false
	}
	// Keys differing only in case ("submissionMethodDetails" and
	// "submissionmethoddetails", a publisher's typo) stay apart: SQL
	// column names ignore case.
	out := name
	if t.lower == nil {
		t.lower = map[string]bool{}
		for _, c := range t.cols {
			t.lower[strings.ToLower(c.name)] = true
		}
	}
	for i := 2; t.lower[strings.ToLower(out)]; i++ {
		out = name + " (" + strconv.Itoa(i) + ")"
	}
	t.lower[strings.ToLower(out)] = true
	t.cols = append(t.cols, &column{name: out})
	t.byName[name] = len(t.cols) - 1
	return len(t.cols) - 1, true
}

func (t *table) describe() manifest.Table {
	mt := manifest.Table{Name: t.name, Title: t.title, Description: t.description, Group: t.group, Rows: t.rows, Licences: t.licences}
	for _, c := range t.cols {
		mt.Columns = append(mt.Columns, manifest.Column{Name: c.name, Type: c.typeOf(), Description: c.desc})
	}
	return mt
}

// row collects the cells of one row.
type row struct {
	t     *table
	year  int
	cells []cell
}

func (r *row) set(name string, kind byte, text string) {
	if kind == kNull {
		return
	}
	i, ok := r.t.col(name)
	if !ok {
		return
	}
	r.t.cols[i].seen |= 1 << kind
	r.cells = append(r.cells, cell{col: i, kind: kind, text: text})
}

func (r *row) str(name, v string) {
	if v != "" {
		r.set(name, kString, v)
	}
}

func (r *row) integer(name string, v int64) { r.set(name, kInt, strconv.FormatInt(v, 10)) }

func (r *row) boolean(name string, v bool) { r.set(name, kBool, strconv.FormatBool(v)) }

func (t *table) write(r *row) error {
	t.rows++
	return t.sp.write(r.year, r.cells)
}

// spool is a table's rows on disk in a compact encoding: per row the year
// (for per-year workbooks) and the cells as (column, kind, text).
type spool struct {
	path string
	f    *os.File
	w    *bufio.Writer
	tmp  []byte
}

func newSpool(dir, name string) (*spool, error) {
	p := filepath.Join(dir, name+".spool")
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	return &spool{path: p, f: f, w: bufio.NewWriterSize(f, 128<<10)}, nil
}

func (s *spool) write(year int, cells []cell) error {
	b := s.tmp[:0]
	b = binary.AppendVarint(b, int64(year))
	b = binary.AppendUvarint(b, uint64(len(cells)))
	for _, c := range cells {
		b = binary.AppendUvarint(b, uint64(c.col))
		b = append(b, c.kind)
		b = binary.AppendUvarint(b, uint64(len(c.text)))
		b = append(b, c.text...)
	}
	s.tmp = b
	_, err := s.w.Write(b)
	return err
}

// finish flushes the spool for reading.
func (s *spool) finish() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.f.Close()
}

func (s *spool) remove() { os.Remove(s.path) }

// each reads the rows back in order, calling fn with the full-width row
// (nil cells are kNull).
func (s *spool) each(width int, fn func(year int, vals []cell) error) error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 128<<10)
	vals := make([]cell, width)
	var buf []byte
	for {
		year, err := binary.ReadVarint(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read spool: %w", err)
		}
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("read spool: %w", err)
		}
		clear(vals)
		for range n {
			col, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("read spool: %w", err)
			}
			kind, err := r.ReadByte()
			if err != nil {
				return fmt.Errorf("read spool: %w", err)
			}
			l, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("read spool: %w", err)
			}
			if uint64(cap(buf)) < l {
				buf = make([]byte, l)
			}
			buf = buf[:l]
			if _, err := io.ReadFull(r, buf); err != nil {
				return fmt.Errorf("read spool: %w", err)
			}
			if int(col) < width {
				vals[col] = cell{col: int(col), kind: kind, text: string(buf)}
			}
		}
		if err := fn(int(year), vals); err != nil {
			return err
		}
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// tableName makes a table name from a path of JSON keys ("awards",
// "suppliers" -> "awards_suppliers"), safe as a file, sheet and SQL name.
func tableName(path []string) string {
	s := unsafeName.ReplaceAllString(strings.Join(path, "_"), "_")
	s = strings.Trim(s, "_")
	if s == "" {
		s = "table"
	}
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

// Spreadsheet safety. Text cells that a spreadsheet program would read as a
// formula get a leading apostrophe in the files meant for people (CSV,
// XLSX); JSON, Parquet and SQLite keep the raw value.

var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// humanSafe returns s, prefixed with ' when it starts with =, +, -, @, a
// tab or a carriage return and is not simply a number (which a spreadsheet
// reads as a number, never as a formula).
func humanSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if plainNumber.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}
