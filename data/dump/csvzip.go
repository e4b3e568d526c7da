package dump

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/flate"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

// utf8BOM starts every CSV file so that spreadsheet programs read
// non-Latin text (Cyrillic, Chinese) correctly.
const utf8BOM = "\uFEFF"

func newZip(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.DefaultCompression)
	})
	return zw
}

// writeCSV writes every table as one CSV file into a zip archive, with a
// README. The CSV is meant for people: formula-like text is neutralised
// (see humanSafe) and files start with a UTF-8 byte-order mark.
func (b *build) writeCSV(ctx context.Context, tables []*table) error {
	entry := manifest.File{Name: fileCSV, Title: "All tables as CSV files (flatten-tool layout and portal summaries), zipped",
		Format: "zip", Kind: "tables", Compression: "zip", HumanSafe: true}
	f, err := os.Create(filepath.Join(b.dir, entry.Name))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	zw := newZip(bw)
	fail := func(err error) error {
		f.Close()
		return err
	}
	readme, err := zw.CreateHeader(&zip.FileHeader{Name: "README.txt", Method: zip.Deflate, Modified: b.asOf})
	if err != nil {
		return fail(err)
	}
	if _, err := io.WriteString(readme, b.readme(tables)); err != nil {
		return fail(err)
	}
	var total int64
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: t.name + ".csv", Method: zip.Deflate, Modified: b.asOf})
		if err != nil {
			return fail(err)
		}
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return fail(err)
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		rec := make([]string, len(t.cols))
		for i, c := range t.cols {
			rec[i] = humanSafe(c.name)
		}
		if err := cw.Write(rec); err != nil {
			return fail(err)
		}
		err = t.sp.each(len(t.cols), func(_ int, vals []cell) error {
			for i, v := range vals {
				switch v.kind {
				case kNull:
					rec[i] = ""
				case kString:
					rec[i] = humanSafe(v.text)
				default:
					rec[i] = v.text
				}
			}
			return cw.Write(rec)
		})
		if err != nil {
			return fail(fmt.Errorf("table %s: %w", t.name, err))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fail(err)
		}
		total += t.rows
	}
	if err := zw.Close(); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	e, err := hashFile(b.dir, entry)
	if err != nil {
		return err
	}
	e.Rows = total
	b.add(e)
	return nil
}

// readme explains the tables, for the CSV archive.
func (b *build) readme(tables []*table) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s\r\n\r\n%s\r\n\r\n", b.w.cfg.Title, b.w.cfg.Description)
	if !b.info.DataAsOf.IsZero() {
		fmt.Fprintf(&s, "Data as of: %s\r\n", b.info.DataAsOf.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if b.info.Demo {
		s.WriteString("DEMO DATA: everything in these files is generated for demonstration. It is not real procurement data.\r\n")
	}
	s.WriteString("\r\nHow to read these files\r\n" +
		"- Every file is UTF-8 CSV starting with a byte-order mark (in Python, open with encoding=\"utf-8-sig\").\r\n" +
		"- Text cells that begin with =, +, -, @, a tab or a carriage return and are not plain numbers start with an\r\n" +
		"  apostrophe ('), so that spreadsheet programs never run them as formulas. The Parquet, SQLite and JSON\r\n" +
		"  files hold the values exactly as published.\r\n" +
		"- The OCDS tables follow the flatten-tool layout: releases is the main table (one row per contracting\r\n" +
		"  process, columns named by JSON path), and every array of objects has its own table keyed by ocid, id (the\r\n" +
		"  compiled release's id) and the ids of its parents (e.g. awards_suppliers has awards/0/id).\r\n" +
		"- The portal_* tables are the portal's own summaries, with stable buyer and supplier IDs and exact amounts.\r\n" +
		"  Totals on the portal add portal_awards.amount over rows with counted = true and has_value = true, per\r\n" +
		"  currency. Amounts in different currencies must never be added together.\r\n\r\nTables\r\n")
	for _, t := range tables {
		fmt.Fprintf(&s, "- %s.csv (%d rows): %s\r\n", t.name, t.rows, t.description)
	}
	s.WriteString("\r\nLicences\r\n")
	for _, l := range b.licences() {
		fmt.Fprintf(&s, "- %s (%s)", l.Name, l.Scope)
		if l.URL != "" {
			fmt.Fprintf(&s, " %s", l.URL)
		}
		if l.NonCommercial {
			s.WriteString(" NON-COMMERCIAL USE ONLY")
		}
		s.WriteString("\r\n")
	}
	return s.String()
}
