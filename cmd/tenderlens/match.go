package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/tenderlens/tenderlens/data/match"
	"github.com/tenderlens/tenderlens/data/procure"
)

const matchUsage = `Usage: tenderlens match --pairs FILE.csv [--threshold T] [--out FILE] [--label COLUMN [--label-min N]] [--explain]

Scores name pairs. The CSV needs a header with name_a and name_b; optional
columns schema (Person, Company, Organization, LegalEntity, Vessel),
country_a and country_b (ISO alpha-2, several separated by ";") are used,
every other column is passed through. The output is the same rows plus
"score" (0..1) and "match" (true/false at the threshold).

With --label COLUMN the command also prints precision and recall against
that column (true/false, yes/no, 1/0; or numbers with --label-min N, where
values >= N are positive) to standard error.

Flags:
`

// cmdMatch scores name pairs from a CSV file (issue 5).
func cmdMatch(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) error {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), matchUsage)
		fs.PrintDefaults()
	}
	pairs := fs.String("pairs", "", "CSV file of name pairs (- for standard input)")
	threshold := fs.Float64("threshold", match.DefaultThreshold, "score from which a pair is a match")
	out := fs.String("out", "", "write the scored CSV here instead of standard output")
	colA := fs.String("name-a", "name_a", "column of the first name")
	colB := fs.String("name-b", "name_b", "column of the second name")
	label := fs.String("label", "", "column with the true answer; prints precision and recall")
	labelMin := fs.String("label-min", "", "with --label: the column is a number and values >= this are positive")
	explain := fs.Bool("explain", false, "add an explanation column")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *pairs == "" || fs.NArg() > 0 {
		return exitError{code: 2, msg: "match needs --pairs FILE.csv (and no other arguments); see tenderlens match --help"}
	}
	if *threshold <= 0 || *threshold > 1 {
		return exitError{code: 2, msg: fmt.Sprintf("--threshold must be in (0, 1], got %v", *threshold)}
	}
	var minLabel float64
	if *labelMin != "" {
		v, err := strconv.ParseFloat(*labelMin, 64)
		if err != nil || *label == "" {
			return exitError{code: 2, msg: "--label-min needs a number and --label COLUMN"}
		}
		minLabel = v
	}

	var in io.Reader = os.Stdin
	if *pairs != "-" {
		f, err := os.Open(*pairs)
		if err != nil {
			return fmt.Errorf("open pairs file: %w", err)
		}
		defer f.Close()
		in = f
	}
	var w io.Writer = stdout
	var outFile *os.File
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("create output file: %w", err)
		}
		outFile = f
		w = f
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	opt := pairOptions{
		a: *colA, b: *colB, label: *label, labelNumeric: *labelMin != "", labelMin: minLabel,
		explain: *explain, match: match.Options{Threshold: *threshold},
	}
	sum, err := scorePairs(ctx, in, bw, opt)
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write output: %w", ferr)
	}
	if outFile != nil {
		if cerr := outFile.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close output file: %w", cerr)
		}
	}
	if err != nil {
		var pe pairsError
		if errors.As(err, &pe) {
			return exitError{code: 1, msg: err.Error()}
		}
		return err
	}
	if *label != "" {
		fmt.Fprintln(stderr, sum)
	}
	return nil
}

type pairOptions struct {
	a, b, label  string
	labelNumeric bool
	labelMin     float64
	explain      bool
	match        match.Options
}

// pairsError is a problem with the input file (shown as is, exit 1).
type pairsError struct{ msg string }

func (e pairsError) Error() string { return e.msg }

// pairSummary counts predictions against labels.
type pairSummary struct {
	rows, tp, fp, fn, tn, unlabelled int
	threshold                        float64
}

func (s pairSummary) String() string {
	prec, rec := 1.0, 1.0
	if s.tp+s.fp > 0 {
		prec = float64(s.tp) / float64(s.tp+s.fp)
	}
	if s.tp+s.fn > 0 {
		rec = float64(s.tp) / float64(s.tp+s.fn)
	}
	f1 := 0.0
	if prec+rec > 0 {
		f1 = 2 * prec * rec / (prec + rec)
	}
	fpr := 0.0
	if s.fp+s.tn > 0 {
		fpr = float64(s.fp) / float64(s.fp+s.tn)
	}
	msg := fmt.Sprintf("pairs %d at threshold %.2f: true positives %d, false positives %d, false negatives %d, true negatives %d; precision %.3f, recall %.3f, F1 %.3f, false-positive rate %.5f",
		s.rows, s.threshold, s.tp, s.fp, s.fn, s.tn, prec, rec, f1, fpr)
	if s.unlabelled > 0 {
		msg += fmt.Sprintf(" (%d rows without a usable label were not counted)", s.unlabelled)
	}
	return msg
}

// scorePairs streams the CSV from in to out, adding score and match.
func scorePairs(ctx context.Context, in io.Reader, out io.Writer, opt pairOptions) (pairSummary, error) {
	sum := pairSummary{threshold: opt.match.Threshold}
	cr := csv.NewReader(newLineEndingReader(skipBOM(in)))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return sum, pairsError{"the pairs file is empty (it needs a header with name_a,name_b)"}
	}
	if err != nil {
		return sum, pairsError{fmt.Sprintf("read the header of the pairs file: %v", err)}
	}
	header = append([]string(nil), header...)
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	need := func(name string) (int, error) {
		i, ok := col[name]
		if !ok {
			return 0, pairsError{fmt.Sprintf("the pairs file has no %q column (columns: %s)", name, strings.Join(header, ", "))}
		}
		return i, nil
	}
	ia, err := need(opt.a)
	if err != nil {
		return sum, err
	}
	ib, err := need(opt.b)
	if err != nil {
		return sum, err
	}
	il := -1
	if opt.label != "" {
		if il, err = need(opt.label); err != nil {
			return sum, err
		}
	}
	optional := func(name string) int {
		if i, ok := col[name]; ok {
			return i
		}
		return -1
	}
	is, ica, icb := optional("schema"), optional("country_a"), optional("country_b")

	cw := csv.NewWriter(out)
	outHeader := append(append([]string(nil), header...), "score", "match")
	if opt.explain {
		outHeader = append(outHeader, "explanation")
	}
	if err := cw.Write(outHeader); err != nil {
		return sum, fmt.Errorf("write output: %w", err)
	}
	get := func(rec []string, i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	row := make([]string, 0, len(header)+3)
	for {
		if sum.rows%1024 == 0 && ctx.Err() != nil {
			return sum, ctx.Err()
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sum, pairsError{fmt.Sprintf("read the pairs file: %v", err)}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < len(header) {
			// Short rows are padded (trailing empty columns are often cut).
			for len(rec) < len(header) {
				rec = append(rec, "")
			}
		} else if len(rec) > len(header) {
			return sum, pairsError{fmt.Sprintf("line %d of the pairs file has %d fields, the header has %d", line, len(rec), len(header))}
		}
		sum.rows++
		kind := schemaKind(get(rec, is))
		a := match.Record{Kind: kind, Names: nonEmpty(get(rec, ia)), Countries: splitCountries(get(rec, ica))}
		b := match.Record{Kind: kind, Names: nonEmpty(get(rec, ib)), Countries: splitCountries(get(rec, icb))}
		res := match.Compare(a, b, opt.match)
		row = append(row[:0], rec...)
		row = append(row, strconv.FormatFloat(res.Score, 'f', 3, 64), strconv.FormatBool(res.Match))
		if opt.explain {
			row = append(row, explanation(res))
		}
		if err := cw.Write(row); err != nil {
			return sum, fmt.Errorf("write output: %w", err)
		}
		if il >= 0 {
			truth, ok := parseLabel(get(rec, il), opt.labelNumeric, opt.labelMin)
			switch {
			case !ok:
				sum.unlabelled++
			case truth && res.Match:
				sum.tp++
			case truth:
				sum.fn++
			case res.Match:
				sum.fp++
			default:
				sum.tn++
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return sum, fmt.Errorf("write output: %w", err)
	}
	return sum, nil
}

func explanation(r procure.MatchResult) string {
	parts := make([]string, 0, len(r.Features))
	for _, f := range r.Features {
		parts = append(parts, fmt.Sprintf("%s %+.2f: %s", f.Feature, f.Score, f.Detail))
	}
	return strings.Join(parts, " | ")
}

func nonEmpty(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return []string{s}
}

func splitCountries(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '|' })
}

// schemaKind maps a FollowTheMoney-style schema name to an entity kind.
func schemaKind(s string) procure.EntityKind {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "person", "individual":
		return procure.EntityPerson
	case "company", "legalentity", "legal entity", "business":
		return procure.EntityCompany
	case "organization", "organisation", "entity", "publicbody":
		return procure.EntityOrganization
	case "vessel":
		return procure.EntityVessel
	}
	return ""
}

func parseLabel(s string, numeric bool, min float64) (bool, bool) {
	s = strings.TrimSpace(s)
	if numeric {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return false, false
		}
		return v >= min, true
	}
	switch strings.ToLower(s) {
	case "true", "t", "yes", "y", "1", "match", "positive":
		return true, true
	case "false", "f", "no", "n", "0", "nomatch", "negative":
		return false, true
	}
	return false, false
}

// skipBOM drops a UTF-8 byte order mark at the start of r.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		br.Discard(3)
	}
	return br
}

// lineEndingReader turns bare CR line endings (old Mac exports) into LF;
// CRLF is left to encoding/csv.
type lineEndingReader struct {
	r *bufio.Reader
}

func newLineEndingReader(r io.Reader) io.Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &lineEndingReader{r: br}
}

func (l *lineEndingReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if c == '\r' {
			next, err := l.r.Peek(1)
			if err != nil || next[0] != '\n' {
				c = '\n'
			}
		}
		p[n] = c
		n++
		if l.r.Buffered() == 0 && n > 0 {
			break
		}
	}
	return n, nil
}
