package dump

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

// maxCellText is Excel's limit on the characters of one cell.
const maxCellText = 32767

// yearlyTable reports whether a table's rows belong to a process (and so
// to its year); organisation and derived tables do not.
func yearlyTable(t *table) bool {
	return t.group == "ocds" || t.name == "portal_contracts" || t.name == "portal_awards" || t.name == "portal_award_suppliers"
}

// writeXLSX writes the tables as one workbook when every table fits in a
// worksheet (Excel's row limit), else one workbook per year with the
// process tables of that year (years whose tables still do not fit are left
// out, with a note). The workbooks are written by hand, streaming, so that
// they are deterministic and need no memory for the whole sheet.
func (b *build) writeXLSX(ctx context.Context, tables []*table) error {
	limit := int64(b.w.cfg.MaxXLSXRows - 1) // the header takes a row
	fits := true
	for _, t := range tables {
		if t.rows > limit {
			fits = false
		}
	}
	if fits {
		e, err := b.workbook(ctx, fileXLSX, "All tables as an Excel workbook", tables, nil)
		if err != nil {
			return err
		}
		e.Kind = "tables"
		b.add(e)
		return nil
	}
	// Count rows per table and year.
	perYear := map[int]map[*table]int64{}
	var yearly []*table
	for _, t := range tables {
		if !yearlyTable(t) {
			continue
		}
		yearly = append(yearly, t)
		err := t.sp.each(len(t.cols), func(year int, _ []cell) error {
			m := perYear[year]
			if m == nil {
				m = map[*table]int64{}
				perYear[year] = m
			}
			m[t]++
			return nil
		})
		if err != nil {
			return err
		}
	}
	years := make([]int, 0, len(perYear))
	for y := range perYear {
		years = append(years, y)
	}
	sort.Ints(years)
	b.note("The tables have more rows than an Excel worksheet holds (%d), so the workbooks are per year and hold the process tables only; organisations and derived tables are in the CSV, Parquet and SQLite files.", b.w.cfg.MaxXLSXRows)
	for _, y := range years {
		ok := true
		for _, n := range perYear[y] {
			if n > limit {
				ok = false
			}
		}
		label := strconv.Itoa(y)
		if y == 0 {
			label = "undated"
		}
		if !ok {
			b.note("No workbook for %s: even one year has more rows than a worksheet holds; use the CSV, Parquet or SQLite files.", label)
			continue
		}
		year := y
		e, err := b.workbook(ctx, "years/"+label+".xlsx", "Tables of the processes of "+label+" as an Excel workbook", yearly, &year)
		if err != nil {
			return err
		}
		e.Kind, e.Year = "year", y
		b.add(e)
	}
	return nil
}

// sheetName returns a unique worksheet name of at most 31 characters.
func sheetName(name string, used map[string]bool) string {
	s := name
	if len(s) > 31 {
		s = s[:31]
	}
	for i := 2; used[strings.ToLower(s)]; i++ {
		suffix := "~" + strconv.Itoa(i)
		s = name[:min(len(name), 31-len(suffix))] + suffix
	}
	used[strings.ToLower(s)] = true
	return s
}

// colLetters returns the spreadsheet column name of index i (0 = A).
func colLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// xmlText escapes s for XML and drops characters XML 1.0 cannot hold.
func xmlText(s string) string {
	clean := true
	for _, r := range s {
		if !xmlChar(r) {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if xmlChar(r) {
				return r
			}
			return '\uFFFD'
		}, s)
	}
	return xmlEscaper.Replace(s)
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

const (
	xlsxContentTypesHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
	xlsxRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`
	xlsxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`</styleSheet>`
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
		`<sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// xlsxSheet is one worksheet to write: a table, or the About sheet.
type xlsxSheet struct {
	name  string
	table *table
	about [][2]string
}

// workbook writes one .xlsx file with an About sheet and one sheet per
// table (only rows of *year when year is not nil).
func (b *build) workbook(ctx context.Context, name, title string, tables []*table, year *int) (manifest.File, error) {
	entry := manifest.File{Name: name, Title: title, Format: "xlsx", Compression: "zip", HumanSafe: true}
	p := filepath.Join(b.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return entry, err
	}
	f, err := os.Create(p)
	if err != nil {
		return entry, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	zw := newZip(bw)
	fail := func(err error) (manifest.File, error) {
		f.Close()
		return entry, err
	}
	used := map[string]bool{}
	sheets := []xlsxSheet{{name: sheetName("About", used), about: b.aboutRows(year)}}
	for _, t := range tables {
		sheets = append(sheets, xlsxSheet{name: sheetName(t.name, used), table: t})
	}
	part := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: b.asOf})
	}
	var ct, wb, rels strings.Builder
	ct.WriteString(xlsxContentTypesHead)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, s := range sheets {
		n := strconv.Itoa(i + 1)
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%s.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%s" r:id="rId%s"/>`, xmlText(s.name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%s.xml"/>`, n, n)
	}
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, len(sheets)+1)
	for _, fixed := range []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", xlsxRootRels},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", xlsxStyles},
	} {
		w, err := part(fixed.name)
		if err != nil {
			return fail(err)
		}
		if _, err := io.WriteString(w, fixed.body); err != nil {
			return fail(err)
		}
	}
	var total int64
	truncated := 0
	for i, s := range sheets {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		w, err := part("xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml")
		if err != nil {
			return fail(err)
		}
		sw := &sheetWriter{w: bufio.NewWriterSize(w, 64<<10)}
		sw.w.WriteString(sheetHead)
		if s.table == nil {
			for _, kv := range s.about {
				sw.row([]cell{{kind: kString, text: kv[0]}, {kind: kString, text: kv[1]}}, kv[0] != "" && kv[1] == "")
			}
		} else {
			t := s.table
			hdr := make([]cell, len(t.cols))
			for j, c := range t.cols {
				hdr[j] = cell{kind: kString, text: c.name}
			}
			sw.row(hdr, true)
			err := t.sp.each(len(t.cols), func(y int, vals []cell) error {
				if year != nil && y != *year {
					return nil
				}
				total++
				sw.row(vals, false)
				return sw.err
			})
			if err != nil {
				return fail(err)
			}
		}
		sw.w.WriteString(sheetTail)
		if err := sw.w.Flush(); err != nil {
			return fail(err)
		}
		truncated += sw.truncated
	}
	if truncated > 0 {
		b.note("%s: %d cells longer than Excel's %d characters were cut; the full text is in the other formats.", name, truncated, maxCellText)
	}
	if err := zw.Close(); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return entry, err
	}
	e, err := hashFile(b.dir, entry)
	if err != nil {
		return e, err
	}
	e.Rows = total
	return e, nil
}

// aboutRows is the content of the About sheet.
func (b *build) aboutRows(year *int) [][2]string {
	rows := [][2]string{{b.w.cfg.Title, ""}, {"", ""}, {"About", b.w.cfg.Description}}
	if year != nil {
		label := strconv.Itoa(*year)
		if *year == 0 {
			label = "undated"
		}
		rows = append(rows, [2]string{"Year", "Only the processes of " + label + " (by the date the lists show)."})
	}
	if !b.info.DataAsOf.IsZero() {
		rows = append(rows, [2]string{"Data as of", b.info.DataAsOf.UTC().Format("2006-01-02 15:04:05 MST")})
	}
	if b.info.Demo {
		rows = append(rows, [2]string{"Demo data", "Everything in this workbook is generated for demonstration. It is not real procurement data."})
	}
	rows = append(rows,
		[2]string{"Formulas", "Text cells that begin with =, +, -, @ and are not plain numbers start with an apostrophe (') so that they are never run as formulas."},
		[2]string{"Currencies", "Amounts in different currencies must never be added together. Totals on the portal add portal_awards.amount where counted and has_value are TRUE."})
	for _, l := range b.licences() {
		v := l.Name
		if l.URL != "" {
			v += " " + l.URL
		}
		if l.NonCommercial {
			v += " (non-commercial use only)"
		}
		rows = append(rows, [2]string{"Licence (" + l.Scope + ")", v})
	}
	for _, s := range b.info.Sources {
		rows = append(rows, [2]string{"Source " + s.Name, fmt.Sprintf("%d releases, newest %s, retrieved %s",
			s.Releases, dateOnly(s.NewestRelease), dateOnly(s.Retrieved))})
	}
	return rows
}

func dateOnly(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02")
}

// sheetWriter writes rows of one worksheet.
type sheetWriter struct {
	w         *bufio.Writer
	r         int
	truncated int
	err       error
}

func (s *sheetWriter) row(vals []cell, bold bool) {
	s.r++
	rs := strconv.Itoa(s.r)
	s.w.WriteString(`<row r="` + rs + `">`)
	style := ""
	if bold {
		style = ` s="1"`
	}
	for i, v := range vals {
		ref := colLetters(i) + rs
		switch v.kind {
		case kNull:
			continue
		case kInt, kNumber:
			if num, ok := excelNumber(v.text); ok {
				s.w.WriteString(`<c r="` + ref + `"` + style + `><v>` + num + `</v></c>`)
				continue
			}
			s.text(ref, style, v.text)
		case kBool:
			b := "0"
			if v.text == "true" {
				b = "1"
			}
			s.w.WriteString(`<c r="` + ref + `"` + style + ` t="b"><v>` + b + `</v></c>`)
		default:
			s.text(ref, style, humanSafe(v.text))
		}
	}
	_, s.err = s.w.WriteString(`</row>`)
}

func (s *sheetWriter) text(ref, style, t string) {
	if utf8.RuneCountInString(t) > maxCellText {
		r := []rune(t)
		t = string(r[:maxCellText-2]) + " …"
		s.truncated++
	}
	s.w.WriteString(`<c r="` + ref + `"` + style + ` t="inlineStr"><is><t xml:space="preserve">` + xmlText(t) + `</t></is></c>`)
}

// excelNumber returns a number as Excel stores it when it keeps every
// significant digit (Excel holds 15); otherwise the cell stays text.
func excelNumber(s string) (string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", false
	}
	digits := 0
	for _, c := range strings.TrimLeft(strings.SplitN(strings.ToLower(s), "e", 2)[0], "+-0.") {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits > 15 {
		return "", false
	}
	return strconv.FormatFloat(f, 'g', -1, 64), true
}
