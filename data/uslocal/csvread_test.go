package uslocal

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

type gotRecord struct {
	Fields   []string
	Line     int
	Raw      string
	Repaired bool
}

// readAll reads every record, turning dropped records into entries with
// Line = -line (so tests see where they were).
func readAll(t *testing.T, in string) []gotRecord {
	t.Helper()
	r, err := decodeInput(strings.NewReader(in), "auto")
	if err != nil {
		t.Fatal(err)
	}
	cr := newCSVReader(r, ',')
	var out []gotRecord
	for i := 0; i < 1000; i++ {
		rec, err := cr.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var ub *errUnbalanced
		if errors.As(err, &ub) {
			out = append(out, gotRecord{Line: -ub.Line})
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, gotRecord{Fields: rec.Fields, Line: rec.Line, Raw: string(rec.Raw), Repaired: rec.Repaired})
	}
	t.Fatal("reader does not end")
	return nil
}

func TestCSVReader(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []gotRecord
	}{
		{"LF", "a,b\n1,2\n", []gotRecord{{[]string{"a", "b"}, 1, "a,b", false}, {[]string{"1", "2"}, 2, "1,2", false}}},
		{"CRLF", "a,b\r\n1,2\r\n", []gotRecord{{[]string{"a", "b"}, 1, "a,b", false}, {[]string{"1", "2"}, 2, "1,2", false}}},
		{"bare CR", "a,b\r1,2\r3,4", []gotRecord{{[]string{"a", "b"}, 1, "a,b", false}, {[]string{"1", "2"}, 2, "1,2", false}, {[]string{"3", "4"}, 3, "3,4", false}}},
		{"no final newline", "a,b\n1,2", []gotRecord{{[]string{"a", "b"}, 1, "a,b", false}, {[]string{"1", "2"}, 2, "1,2", false}}},
		{"UTF-8 BOM", "\ufeffa,b\n", []gotRecord{{[]string{"a", "b"}, 1, "a,b", false}}},
		{"empty cells", ",,\n", []gotRecord{{[]string{"", "", ""}, 1, ",,", false}}},
		{"blank line", "a\n\nb\n", []gotRecord{{[]string{"a"}, 1, "a", false}, {[]string{""}, 2, "", false}, {[]string{"b"}, 3, "b", false}}},
		{"quoted comma", `"1,381.12",x` + "\n", []gotRecord{{[]string{"1,381.12", "x"}, 1, `"1,381.12",x`, false}}},
		{"escaped quotes", `"""D"" CONSTRUCTION, INC.",1` + "\n", []gotRecord{{[]string{`"D" CONSTRUCTION, INC.`, "1"}, 1, `"""D"" CONSTRUCTION, INC.",1`, false}}},
		{"newline in quotes", "\"line one\nline two\",x\nnext,y\n", []gotRecord{
			{[]string{"line one\nline two", "x"}, 1, "\"line one\nline two\",x", false}, {[]string{"next", "y"}, 3, "next,y", false}}},
		{"CR and CRLF in quotes", "\"a\rb\r\nc\",x\rnext,y\r", []gotRecord{
			{[]string{"a\nb\nc", "x"}, 1, "\"a\rb\r\nc\",x", false}, {[]string{"next", "y"}, 4, "next,y", false}}},
		{"quote inside unquoted cell", `12" PIPE,3` + "\n", []gotRecord{{[]string{`12" PIPE`, "3"}, 1, `12" PIPE,3`, false}}},
		{"spaces before an opening quote", `a,  "b, c"` + "\n", []gotRecord{{[]string{"a", "b, c"}, 1, `a,  "b, c"`, false}}},
		{"spaces after a closing quote", `"ABC"   ,x` + "\n", []gotRecord{{[]string{"ABC", "x"}, 1, `"ABC"   ,x`, false}}},
		{"text after a closing quote", `"op "busted holster"",x` + "\n", []gotRecord{{[]string{`op "busted holster"`, "x"}, 1, `"op "busted holster"",x`, true}}},
		{"unescaped inner quotes", `"he said "hi" to me",x` + "\n", []gotRecord{{[]string{`he said "hi" to me`, "x"}, 1, `"he said "hi" to me",x`, true}}},
		{"unbalanced quote resumes on the next line", "ok,1\n\"broken,2\nafter,3\nlast,4\n", []gotRecord{
			{[]string{"ok", "1"}, 1, "ok,1", false}, {Line: -2}, {[]string{"after", "3"}, 3, "after,3", false}, {[]string{"last", "4"}, 4, "last,4", false}}},
		{"unbalanced quote on the last line", "ok,1\n\"broken,2", []gotRecord{{[]string{"ok", "1"}, 1, "ok,1", false}, {Line: -2}}},
		{"EOF marker", "a\n\x1a", []gotRecord{{[]string{"a"}, 1, "a", false}, {[]string{"\x1a"}, 2, "\x1a", false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readAll(t, tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestCSVReaderUTF16(t *testing.T) {
	text := "Vendor,Amount\r\nCAFÉ ÉLAN,\"1,000.00\"\r\n"
	u := utf16.Encode([]rune(text))
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, c := range u {
		b.WriteByte(byte(c))
		b.WriteByte(byte(c >> 8))
	}
	got := readAll(t, b.String())
	want := []gotRecord{{[]string{"Vendor", "Amount"}, 1, "Vendor,Amount", false}, {[]string{"CAFÉ ÉLAN", "1,000.00"}, 2, `CAFÉ ÉLAN,"1,000.00"`, false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// An unbalanced quote in a long file loses one line, not the rest.
func TestCSVReaderUnbalancedLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n\"bad,1\n")
	for i := 0; i < 5000; i++ {
		b.WriteString("x,1\n")
	}
	got := readAll2(t, b.String())
	if got.records != 5001 || got.dropped != 1 {
		t.Errorf("records %d dropped %d, want 5001 and 1", got.records, got.dropped)
	}
}

type counts struct{ records, dropped int }

func readAll2(t *testing.T, in string) counts {
	t.Helper()
	cr := newCSVReader(strings.NewReader(in), ',')
	var c counts
	for {
		_, err := cr.next()
		if errors.Is(err, io.EOF) {
			return c
		}
		var ub *errUnbalanced
		if errors.As(err, &ub) {
			c.dropped++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		c.records++
	}
}

func TestFixUTF8(t *testing.T) {
	if s, ok := fixUTF8("CAF\xc9"); s != "CAFÉ" || ok {
		t.Errorf("fixUTF8 = %q, %v", s, ok)
	}
	if s, ok := fixUTF8("CAFÉ"); s != "CAFÉ" || !ok {
		t.Errorf("fixUTF8 = %q, %v", s, ok)
	}
}
