package ocds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Options describe one input for Read.
type Options struct {
	Source          string    // configured source name, copied into provenance
	URL             string    // file path or URL of this input, for provenance and problem locations
	RetrievedAt     time.Time // when the input was fetched
	MaxReleaseBytes int64     // per-release size cap; 0 = 16 MiB; larger releases are errors (not stored)
}

// Stats summarise one Read.
type Stats struct {
	Releases int // releases emitted
	Records  int // records seen (bare or in record packages)
	Packages int // release and record packages seen
	Errors   int // problems with SevError (records not stored)
	Warnings int // problems with SevWarning (repaired quirks)
	Info     int // problems with SevInfo (notes, each aggregated per input)
	// Shape is the detected shape: "release-package", "record-package",
	// "release", "record", "compiled-release" or "empty-package"; "mixed"
	// when the values differ; prefixed with "json-lines/", "concatenated/"
	// or "array/" when the input holds several values ("json-lines/record").
	Shape string
}

// SevInfo marks notes about standard-conformant but unusual input
// (non-standard fields that were used or dropped, an OCDS 1.0 upgrade).
// Each info code is reported once per input with a count.
const SevInfo = procure.SevInfo

const (
	defaultMaxReleaseBytes = 16 << 20
	// maxNesting caps JSON nesting (OCDS needs about 8 levels).
	maxNesting = 64
	// A package whose metadata (version, publishedDate, ...) has not all
	// been seen yet holds its releases back, up to these bounds, so that
	// metadata written after the releases array still reaches them.
	pendingMaxItems = 2048
	pendingMaxBytes = 32 << 20
)

// Read streams every release found in r to emit, in input order. It
// auto-detects gzip (magic bytes), the encoding (UTF-8 with/without BOM,
// UTF-16 with BOM; text that is not valid UTF-8 is read as
// Windows-1252/ISO-8859-1, with a warning), and the shape: release package,
// record package (records with embedded releases, linked releases,
// compiledRelease, versionedRelease), bare release, bare record, compiled
// release, JSON Lines of any of these, concatenated JSON, top-level arrays.
// Per-record problems go to report (never silently dropped); Read returns an
// error only when the input as a whole is unreadable (not JSON at all, an
// I/O error) or ctx/emit fails.
//
// See doc.go for how releases are repaired, upgraded and serialised.
func Read(ctx context.Context, r io.Reader, opt Options, emit func(procure.SourceRelease) error,
	report func(procure.Problem)) (Stats, error) {
	if report == nil {
		report = func(procure.Problem) {}
	}
	rd := &reader{ctx: ctx, opt: opt, emit: emit, report: report, infos: map[string]*infoAgg{}, shapes: map[string]bool{}}
	rd.maxBytes = opt.MaxReleaseBytes
	if rd.maxBytes <= 0 {
		rd.maxBytes = defaultMaxReleaseBytes
	}
	in, note, err := decodeInput(r)
	if err != nil {
		return rd.stats, fmt.Errorf("read %s: %w", rd.name(), err)
	}
	if note != "" {
		rd.info(CodeInputEncoding, note, procure.Location{File: opt.URL, Line: 1})
	}
	rd.sc = newScanner(in, maxNesting)
	err = rd.run()
	rd.flushInfo()
	rd.stats.Shape = rd.shape()
	if err != nil {
		return rd.stats, err
	}
	return rd.stats, nil
}

type reader struct {
	ctx      context.Context
	opt      Options
	emit     func(procure.SourceRelease) error
	report   func(procure.Problem)
	sc       *scanner
	maxBytes int64
	stats    Stats

	jsonl       bool
	arrayValues bool // the input is a top-level array
	values      int  // top-level values seen
	shapes      map[string]bool
	pending     []*pending
	pendBytes   int
	latin1      bool // the Windows-1252 warning was given
	lateMeta    bool

	infos     map[string]*infoAgg
	infoOrder []string
	fatal     error
}

func (rd *reader) name() string {
	if rd.opt.URL != "" {
		return rd.opt.URL
	}
	return "input"
}

// fatalErr marks errors that stop Read (emit, context, I/O).
type fatalErr struct{ err error }

func (e *fatalErr) Error() string { return e.err.Error() }
func (e *fatalErr) Unwrap() error { return e.err }

func (rd *reader) run() error {
	s := rd.sc
	if isJSONLinesName(rd.opt.URL) {
		rd.jsonl = true
	}
	for {
		s.bound = false
		c, ok := s.skipWS()
		if !ok {
			break
		}
		if err := rd.ctx.Err(); err != nil {
			return fmt.Errorf("read %s: %w", rd.name(), err)
		}
		index := rd.values
		rd.values++
		startLine := s.line
		s.bound = rd.jsonl
		var err error
		switch c {
		case '{':
			err = rd.container(nil, false, startLine, index)
		case '[':
			err = rd.topArray(startLine, index)
		default:
			if rd.values == 1 && rd.stats.Releases == 0 {
				return fmt.Errorf("read %s: %w: the input is not JSON (it starts with %q)", rd.name(), procure.ErrInvalid, excerpt(s))
			}
			err = s.failf("expected a JSON object or array but found %q", c)
		}
		if ferr := rd.fatal; ferr != nil {
			return ferr
		}
		var fe *fatalErr
		if errors.As(err, &fe) {
			return fe.err
		}
		var re *errRead
		if errors.As(err, &re) {
			rd.flush(true)
			rd.problem(procure.SevError, CodeInvalidJSON, "the input could not be read to the end: "+re.err.Error(),
				procure.Location{File: rd.opt.URL, Line: s.line, Index: index}, "")
			if rd.fatal != nil {
				return rd.fatal
			}
			return fmt.Errorf("read %s: %w", rd.name(), re)
		}
		if err != nil {
			rd.flush(true)
			msg := err.Error()
			var se *errScan
			line := startLine
			if errors.As(err, &se) {
				msg, line = se.msg, se.line
			}
			skipped := s.resync()
			if skipped > 0 {
				msg += fmt.Sprintf("; skipped to line %d", s.line)
			}
			rd.problem(procure.SevError, CodeInvalidJSON, "invalid JSON: "+msg,
				procure.Location{File: rd.opt.URL, Line: line, Index: index}, "")
		} else {
			rd.flush(true)
			if rd.values == 1 && s.line == startLine && !rd.jsonl {
				rd.jsonl = true
			}
		}
		if rd.fatal != nil {
			return rd.fatal
		}
	}
	if err := s.readErr(); err != nil {
		return fmt.Errorf("read %s: %w", rd.name(), err)
	}
	if rd.values == 0 {
		return fmt.Errorf("read %s: %w: the input is empty", rd.name(), procure.ErrInvalid)
	}
	return nil
}

func excerpt(s *scanner) string {
	end := s.pos + 40
	if end > s.end {
		end = s.end
	}
	return string(bytes.ToValidUTF8(s.buf[s.pos:end], []byte("?")))
}

func isJSONLinesName(u string) bool {
	u = strings.ToLower(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimSuffix(u, ".gz")
	return strings.HasSuffix(u, ".jsonl") || strings.HasSuffix(u, ".ndjson")
}

// decodeInput undoes gzip and byte-order marks. note describes what was done.
func decodeInput(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var notes []string
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", err
	}
	var in io.Reader = br
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", fmt.Errorf("%w: gzip: %v", procure.ErrInvalid, err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
		in = br
		notes = append(notes, "gzip-compressed")
	}
	head, err = br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", err
	}
	switch {
	case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
		_, _ = br.Discard(3)
		notes = append(notes, "UTF-8 with a byte-order mark")
	case len(head) >= 2 && ((head[0] == 0xFE && head[1] == 0xFF) || (head[0] == 0xFF && head[1] == 0xFE)):
		in = transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
		notes = append(notes, "UTF-16, converted to UTF-8")
	}
	if len(notes) == 0 {
		return in, "", nil
	}
	return in, "input is " + strings.Join(notes, ", "), nil
}

// ---------------------------------------------------------------------------
// Containers: packages, records and bare releases, read key by key.

// container is one JSON object being streamed: a package, a record or a
// bare release (which one is only known at its end, since keys come in any
// order).
type container struct {
	parent     *container
	recordElem bool // element of a "records" array
	line       int
	index      int

	meta     packageMeta
	residual value // members other than releases/records/compiledRelease/versionedRelease
	resBytes int64
	resBig   bool

	hasReleases, hasRecords, hasVersioned bool
	compiled                              *rawValue
	linked, embedded                      int
	firstOCID                             string
	ocid                                  string // record ocid, once known
	closed                                bool
	isRecord                              bool
}

type rawValue struct {
	raw  []byte
	line int
}

// packageMeta is package metadata as found so far.
type packageMeta struct {
	uri, publisher, publishedDate, license, policy, version string
}

func (m packageMeta) complete() bool {
	return m.uri != "" && m.publisher != "" && m.publishedDate != "" && m.version != ""
}

// fill sets the fields of m that are empty from o.
func (m *packageMeta) fill(o packageMeta) {
	set := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	set(&m.uri, o.uri)
	set(&m.publisher, o.publisher)
	set(&m.publishedDate, o.publishedDate)
	set(&m.license, o.license)
	set(&m.policy, o.policy)
	set(&m.version, o.version)
}

func metaFromObject(v *value) packageMeta {
	var m packageMeta
	if v == nil || v.k != kObject {
		return m
	}
	for i := range v.kids {
		m.setField(v.kids[i].Key, &v.kids[i].Val)
	}
	return m
}

func (m *packageMeta) setField(key string, v *value) {
	switch key {
	case "uri":
		m.uri = strings.TrimSpace(v.str())
	case "publisher":
		switch v.k {
		case kObject:
			m.publisher = v.getStr("name")
		case kString:
			m.publisher = strings.TrimSpace(v.s)
		}
	case "publishedDate":
		m.publishedDate = strings.TrimSpace(v.str())
	case "license":
		m.license = strings.TrimSpace(v.str())
	case "publicationPolicy":
		m.policy = strings.TrimSpace(v.str())
	case "version":
		m.version = strings.TrimSpace(v.str())
	}
}

func (rd *reader) loc(line, index int) procure.Location {
	return procure.Location{File: rd.opt.URL, Line: line, Index: index}
}

func (rd *reader) topArray(line, index int) error {
	empty, err := rd.eachElement(func(i int) error {
		obj, err := rd.objectElement(nil, false, i, "array element is not a JSON object, so it is neither a release, a record nor a package")
		if obj && err == nil {
			rd.flush(true)
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case empty:
		rd.addShape("empty-array")
	default:
		rd.arrayValues = true
	}
	return nil
}

// eachElement reads the array starting at '[' and calls elem with the
// index of each element, which elem reads. It stops at the first error
// and after a fatal problem; empty reports an empty array.
func (rd *reader) eachElement(elem func(i int) error) (empty bool, err error) {
	s := rd.sc
	s.pos++ // [
	s.depth++
	defer func() { s.depth-- }()
	if s.emptyAfterOpen(']') {
		return true, nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return false, err
		}
		if rd.fatal != nil {
			return false, rd.fatal
		}
		done, err := s.next(']')
		if err != nil {
			return false, err
		}
		if done {
			return false, nil
		}
	}
}

// objectElement reads array element i, an object read as a container of
// parent; any other value is skipped and reported as CodeNotObject with
// the message notObject. obj reports an object.
func (rd *reader) objectElement(parent *container, recordElem bool, i int, notObject string) (obj bool, err error) {
	s := rd.sc
	c, _ := s.skipWS()
	line := s.line
	if c == '{' {
		return true, rd.container(parent, recordElem, line, i)
	}
	if _, _, _, err := s.capture(-1); err != nil {
		return false, err
	}
	rd.problem(procure.SevError, CodeNotObject, notObject, rd.loc(line, i), "")
	return false, nil
}

// container reads one object starting at '{'.
func (rd *reader) container(parent *container, recordElem bool, line, index int) error {
	s := rd.sc
	s.pos++ // {
	s.depth++
	defer func() { s.depth-- }()
	c := &container{parent: parent, recordElem: recordElem, line: line, index: index, residual: newObject(8)}
	if !s.emptyAfterOpen('}') {
		for {
			key, err := s.key()
			if err != nil {
				return err
			}
			if err := rd.member(c, key); err != nil {
				return err
			}
			if rd.fatal != nil {
				return rd.fatal
			}
			done, err := s.next('}')
			if err != nil {
				return err
			}
			if done {
				break
			}
		}
	}
	c.closed = true
	rd.finish(c)
	return rd.fatal
}

func (rd *reader) member(c *container, key string) error {
	s := rd.sc
	ch, _ := s.skipWS()
	line := s.line
	switch key {
	case "releases":
		c.hasReleases = true
		if ch == '[' {
			return rd.releasesArray(c)
		}
		raw, _, big, err := s.capture(rd.maxBytes)
		if err != nil {
			return err
		}
		if big {
			rd.problem(procure.SevError, CodeTooLarge, fmt.Sprintf("release is larger than the %d-byte limit", rd.maxBytes), rd.loc(line, 0), "")
			return nil
		}
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil
		}
		if ch == '{' {
			rd.problem(procure.SevWarning, CodeNotArray, `"releases" is an object, not an array; read as one release`, rd.loc(line, 0), "/releases")
		}
		rd.releaseElement(c, raw, line, 0)
		return nil
	case "records":
		c.hasRecords = true
		if ch == '[' {
			return rd.recordsArray(c)
		}
		if ch == '{' {
			rd.problem(procure.SevWarning, CodeNotArray, `"records" is an object, not an array; read as one record`, rd.loc(line, 0), "/records")
			return rd.container(c, true, line, 0)
		}
		if _, _, _, err := s.capture(-1); err != nil {
			return err
		}
		if ch != 'n' {
			rd.problem(procure.SevError, CodeNotObject, `"records" is neither an array nor an object`, rd.loc(line, 0), "/records")
		}
		return nil
	case "compiledRelease":
		raw, _, big, err := s.capture(rd.maxBytes)
		if err != nil {
			return err
		}
		if big {
			rd.problem(procure.SevError, CodeTooLarge, fmt.Sprintf("compiledRelease is larger than the %d-byte limit", rd.maxBytes), rd.loc(line, c.index), "/compiledRelease")
			return nil
		}
		c.compiled = &rawValue{raw: raw, line: line}
		return nil
	case "versionedRelease":
		c.hasVersioned = true
		_, _, _, err := s.capture(-1)
		return err
	}
	limit := rd.maxBytes - c.resBytes
	if c.resBig {
		limit = -1
	}
	raw, size, big, err := s.capture(limit)
	if err != nil {
		return err
	}
	c.resBytes += size
	if big || c.resBig {
		c.resBig = true
		return nil
	}
	p := &parser{src: string(raw), maxDepth: maxNesting - s.depth}
	v, err := p.parseTop()
	if err != nil {
		return s.failf("invalid JSON in %q: %v", key, err)
	}
	rd.noteParser(p, line)
	c.meta.setField(key, &v)
	c.residual.set(key, v)
	return nil
}

func (rd *reader) releasesArray(c *container) error {
	s := rd.sc
	_, err := rd.eachElement(func(i int) error {
		if i&63 == 63 {
			if err := rd.ctx.Err(); err != nil {
				return &fatalErr{fmt.Errorf("read %s: %w", rd.name(), err)}
			}
		}
		s.skipWS()
		line := s.line
		raw, _, big, err := s.capture(rd.maxBytes)
		if err != nil {
			return err
		}
		if big {
			rd.problem(procure.SevError, CodeTooLarge, fmt.Sprintf("release is larger than the %d-byte limit and was skipped", rd.maxBytes), rd.loc(line, i), "")
		} else {
			rd.releaseElement(c, raw, line, i)
		}
		return nil
	})
	return err
}

func (rd *reader) recordsArray(c *container) error {
	_, err := rd.eachElement(func(i int) error {
		_, err := rd.objectElement(c, true, i, "record is not a JSON object")
		return err
	})
	return err
}

// isLinkedRelease reports a record's linked release ({url, date, tag}).
func isLinkedRelease(v *value) bool {
	if v.get("url") == nil {
		return false
	}
	for _, m := range v.kids {
		switch m.Key {
		case "url", "date", "tag", "id":
		default:
			return false
		}
	}
	return true
}

// releaseElement parses one element of a "releases" array.
func (rd *reader) releaseElement(c *container, raw []byte, line, index int) {
	loc := rd.loc(line, index)
	p := &parser{src: string(raw), maxDepth: maxNesting - rd.sc.depth}
	v, err := p.parseTop()
	if err != nil {
		code, msg := CodeInvalidJSON, "invalid JSON in release: "+err.Error()
		if errors.Is(err, errDepth) {
			code, msg = CodeTooDeep, fmt.Sprintf("release nests deeper than %d levels", maxNesting)
		}
		rd.problem(procure.SevError, code, msg, loc, "")
		return
	}
	rd.noteParser(p, line)
	if v.k != kObject {
		rd.problem(procure.SevError, CodeNotObject, "release is not a JSON object", loc, "")
		return
	}
	if isLinkedRelease(&v) {
		c.linked++
		return
	}
	c.embedded++
	if c.firstOCID == "" {
		c.firstOCID = v.getStr("ocid")
	}
	rd.addRelease(v, loc, c, false, len(raw))
}

// noteParser reports parser findings that concern the input as a whole.
func (rd *reader) noteParser(p *parser, line int) {
	if p.latin1 > 0 && !rd.latin1 {
		rd.latin1 = true
		rd.problem(procure.SevWarning, CodeEncoding, "the input is not valid UTF-8; its text was read as Windows-1252 (ISO-8859-1)", rd.loc(line, 0), "")
	}
	if p.dupKeys > 0 {
		rd.problem(procure.SevWarning, CodeDuplicateKey, fmt.Sprintf("%d object keys appear twice; the last value was kept", p.dupKeys), rd.loc(line, 0), "")
	}
}

// finish decides what a closed container was.
func (rd *reader) finish(c *container) {
	loc := rd.loc(c.line, c.index)
	switch {
	case c.hasRecords:
		rd.stats.Packages++
		rd.topShape(c, "record-package")
		rd.packageNotes(c, loc)
	case c.recordElem || (c.hasReleases && (c.compiled != nil || c.hasVersioned || c.residual.get("ocid") != nil)) || (!c.hasReleases && c.compiled != nil):
		c.isRecord = true
		rd.stats.Records++
		rd.topShape(c, "record")
		rd.finishRecord(c, loc)
	case c.hasReleases:
		rd.stats.Packages++
		rd.topShape(c, "release-package")
		rd.packageNotes(c, loc)
	default:
		rd.bare(c, loc)
	}
	rd.flush(false)
}

func (rd *reader) topShape(c *container, shape string) {
	if c.parent == nil {
		rd.addShape(shape)
	}
}

func (rd *reader) packageNotes(c *container, loc procure.Location) {
	if c.residual.get("next_page") != nil || c.residual.get("links") != nil {
		rd.info(CodePagination, "the package links to a next page (next_page/links); Read reads one document, fetching pages is the source's job", loc)
	}
	if c.residual.get("_id") != nil {
		rd.problem(procure.SevWarning, CodeMongoID, "removed a leaked database field _id from the package", loc, "/_id")
	}
	if c.resBig {
		rd.problem(procure.SevWarning, CodeTooLarge, "package metadata is larger than the size limit and was ignored", loc, "")
	}
	if c.hasReleases && c.embedded == 0 && c.linked == 0 {
		rd.info(CodeEmptyPackage, "package holds no releases", loc)
	}
}

func (rd *reader) finishRecord(c *container, loc procure.Location) {
	if o := c.residual.get("ocid"); o != nil {
		c.ocid = strings.TrimSpace(o.str())
	}
	var compiled *value
	var compiledLoc procure.Location
	if c.compiled != nil {
		compiledLoc = rd.loc(c.compiled.line, c.index)
		p := &parser{src: string(c.compiled.raw), maxDepth: maxNesting - rd.sc.depth}
		v, err := p.parseTop()
		switch {
		case err != nil:
			rd.problem(procure.SevError, CodeInvalidJSON, "invalid JSON in compiledRelease: "+err.Error(), compiledLoc, "/compiledRelease")
		case v.k != kObject:
			rd.problem(procure.SevError, CodeNotObject, "compiledRelease is not a JSON object", compiledLoc, "/compiledRelease")
		default:
			rd.noteParser(p, c.compiled.line)
			compiled = &v
		}
	}
	if c.ocid == "" {
		from := ""
		switch {
		case compiled != nil && compiled.getStr("ocid") != "":
			c.ocid, from = compiled.getStr("ocid"), "its compiledRelease"
		case c.firstOCID != "":
			c.ocid, from = c.firstOCID, "its releases"
		}
		if c.ocid != "" {
			rd.problemOCID(c.ocid, procure.SevWarning, CodeRecordMissingOCID, "record has no ocid; took "+quote(c.ocid)+" from "+from, loc, "/ocid")
		} else if c.embedded > 0 || compiled != nil {
			rd.problem(procure.SevError, CodeMissingOCID, "record has no ocid, and neither its releases nor its compiledRelease give one", loc, "/ocid")
		}
	}
	switch {
	case c.linked > 0 && compiled != nil:
		rd.problemOCID(c.ocid, procure.SevWarning, CodeLinkedNotFetched, fmt.Sprintf("record lists %d linked releases (URLs only) that Read does not fetch; stored its compiledRelease instead", c.linked), loc, "/releases")
		rd.addRelease(*compiled, compiledLoc, c, true, len(c.compiled.raw))
	case c.linked > 0 && c.embedded == 0:
		rd.problemOCID(c.ocid, procure.SevError, CodeRecordUnusable, fmt.Sprintf("record has only linked releases (%d URLs) and no compiledRelease, so it holds no release data", c.linked), loc, "/releases")
	case c.linked > 0:
		rd.problemOCID(c.ocid, procure.SevWarning, CodeLinkedNotFetched, fmt.Sprintf("record lists %d linked releases (URLs only) besides %d embedded ones; only the embedded ones were read", c.linked, c.embedded), loc, "/releases")
	case c.embedded == 0 && compiled != nil:
		rd.problemOCID(c.ocid, procure.SevWarning, CodeCompiledUsed, "record has no releases; stored its compiledRelease", loc, "/compiledRelease")
		rd.addRelease(*compiled, compiledLoc, c, true, len(c.compiled.raw))
	case c.embedded == 0:
		rd.problemOCID(c.ocid, procure.SevError, CodeRecordUnusable, "record has neither releases nor a compiledRelease", loc, "")
	}
}

// releaseKeys are fields that mark a bare object as a release.
var releaseKeys = []string{"ocid", "id", "date", "tag", "initiationType", "tender", "awards", "contracts", "planning", "buyer", "parties"}

func (rd *reader) bare(c *container, loc procure.Location) {
	isRelease := false
	for _, k := range releaseKeys {
		if c.residual.get(k) != nil {
			isRelease = true
			break
		}
	}
	if c.resBig {
		rd.topShape(c, "release")
		rd.problem(procure.SevError, CodeTooLarge, fmt.Sprintf("release is larger than the %d-byte limit and was skipped", rd.maxBytes), loc, "")
		return
	}
	if !isRelease {
		if c.residual.get("uri") != nil || c.residual.get("publisher") != nil || c.residual.get("publishedDate") != nil {
			rd.topShape(c, "empty-package")
			rd.info(CodeEmptyPackage, "package holds no releases or records", loc)
			return
		}
		keys := make([]string, 0, len(c.residual.kids))
		for _, m := range c.residual.kids {
			keys = append(keys, m.Key)
		}
		if len(keys) > 8 {
			keys = append(keys[:8], "…")
		}
		rd.topShape(c, "unknown")
		rd.problem(procure.SevError, CodeUnrecognised, "object is not an OCDS release, record or package (keys: "+strings.Join(keys, ", ")+")", loc, "")
		return
	}
	compiled := hasTag(c.residual.get("tag"), "compiled")
	if compiled {
		rd.topShape(c, "compiled-release")
		rd.info(CodeCompiledInput, "input holds a compiled release; it is stored as such and used only where no newer individual releases exist", loc)
	} else {
		rd.topShape(c, "release")
	}
	rd.addRelease(c.residual, loc, c, compiled, int(c.resBytes))
}

func hasTag(t *value, tag string) bool {
	if t == nil {
		return false
	}
	if t.k == kString {
		return t.s == tag
	}
	for i := range t.kids {
		if t.kids[i].Val.str() == tag {
			return true
		}
	}
	return false
}

func (rd *reader) addShape(s string) { rd.shapes[s] = true }

func (rd *reader) shape() string {
	if len(rd.shapes) == 0 {
		return ""
	}
	names := make([]string, 0, len(rd.shapes))
	for s := range rd.shapes {
		names = append(names, s)
	}
	sort.Strings(names)
	base := names[0]
	if len(names) > 1 {
		base = "mixed"
	}
	switch {
	case rd.arrayValues && rd.values == 1:
		return "array/" + base
	case rd.values > 1 && rd.jsonl:
		return "json-lines/" + base
	case rd.values > 1:
		return "concatenated/" + base
	}
	return base
}

// ---------------------------------------------------------------------------
// Pending releases and their finalisation.

// pending is a release read and repaired, waiting for its context (package
// metadata after the releases array, a record's ocid after its releases).
type pending struct {
	v        value
	loc      procure.Location
	c        *container // where it was found (for bare releases: itself)
	compiled bool
	own      packageMeta // from its packageInfo
	version  string      // its own non-standard "version" field
	problems []procure.Problem
	size     int
}

func (rd *reader) addRelease(v value, loc procure.Location, c *container, compiled bool, rawSize int) {
	it := &pending{v: v, loc: loc, c: c, compiled: compiled}
	rd.repair(it)
	it.size = rawSize
	rd.pending = append(rd.pending, it)
	rd.pendBytes += 3*it.size + 4096 // the tree is larger than the text
	rd.flush(false)
}

// ready reports whether an item's context is final: every record around
// it is closed, and its top-level container is closed or has shown all the
// package metadata that matters.
func (rd *reader) ready(it *pending) bool {
	for c := it.c; c != nil; c = c.parent {
		if c.parent == nil {
			return c.closed || (c.meta.complete() && (c.hasReleases || c.hasRecords) && c.compiled == nil && !c.hasVersioned)
		}
		if !c.closed {
			return false
		}
	}
	return true
}

// flush finalises pending releases from the front while their context is
// final; force finalises all (end of a top-level value, an error, or the
// bounds of the pending buffer).
func (rd *reader) flush(force bool) {
	if !force && (len(rd.pending) > pendingMaxItems || rd.pendBytes > pendingMaxBytes) {
		force = true
		if !rd.lateMeta {
			rd.lateMeta = true
			rd.problem(procure.SevWarning, CodeLateMetadata, fmt.Sprintf("more than %d releases came before the package metadata (version, publishedDate, publisher, uri) was complete; releases from here on use the metadata seen so far", pendingMaxItems), rd.pending[0].loc, "")
		}
	}
	n := 0
	for n < len(rd.pending) && rd.fatal == nil {
		it := rd.pending[n]
		if !force && !rd.ready(it) {
			break
		}
		rd.finalize(it)
		rd.pendBytes -= 3*it.size + 4096
		rd.pending[n] = nil
		n++
	}
	rd.pending = rd.pending[n:]
	if len(rd.pending) == 0 {
		rd.pending = nil
		rd.pendBytes = 0
	}
}

// metaFor merges the package metadata that applies to an item: its own
// packageInfo, then the record's publisher, then the enclosing packages.
func (it *pending) meta() packageMeta {
	m := packageMeta{}
	for c := it.c; c != nil; c = c.parent {
		if c == it.c && !c.hasReleases && !c.hasRecords && !c.isRecord {
			continue // a bare release: its fields are not package metadata
		}
		m.fill(c.meta)
	}
	m.fill(it.own)
	return m
}

// recordOCID returns the ocid of the record the item belongs to.
func (it *pending) recordOCID() string {
	for c := it.c; c != nil; c = c.parent {
		if c.isRecord || c.recordElem {
			if c.ocid == "" {
				if o := c.residual.get("ocid"); o != nil {
					return strings.TrimSpace(o.str())
				}
				return c.firstOCID
			}
			return c.ocid
		}
	}
	return ""
}

func (rd *reader) finalize(it *pending) {
	v := &it.v
	meta := it.meta()
	report := func() {
		for _, p := range it.problems {
			rd.reportProblem(p)
		}
	}
	fail := func(code, msg, path string) {
		it.problems = append(it.problems, procure.Problem{Severity: procure.SevError, Code: code, Message: msg, Location: withPath(it.loc, path)})
		rd.setOCID(it, v.getStr("ocid"))
		report()
	}

	// ocid
	ocid := v.get("ocid")
	switch {
	case ocid == nil || ocid.k == kNull || strings.TrimSpace(ocid.str()) == "":
		if rec := it.recordOCID(); rec != "" {
			v.set("ocid", strValue(rec))
			it.warn(CodeReleaseOCIDFromRecord, "release has no ocid; took the record's ocid "+quote(rec), "/ocid")
		} else {
			fail(CodeMissingOCID, "release has no ocid, so it cannot be linked to a contracting process", "/ocid")
			return
		}
	case ocid.k == kNumber:
		ocid.k = kString
		it.warn(CodeNotString, "ocid is a number; stored as text", "/ocid")
	case ocid.k != kString:
		fail(CodeMissingOCID, "ocid is not text", "/ocid")
		return
	}

	// date
	dateStr := strings.TrimSpace(v.get("date").str())
	date, ok := parseDate(dateStr)
	if !ok {
		what := "has no date"
		if dateStr != "" {
			what = "has an unreadable date " + quote(dateStr)
		}
		if pd, pok := parseDate(meta.publishedDate); pok {
			v.set("date", strValue(meta.publishedDate))
			date = pd
			it.warn(CodeDateFromPublished, "release "+what+"; used the package publishedDate "+meta.publishedDate, "/date")
		} else {
			fail(CodeMissingDate, "release "+what+" and the package has no usable publishedDate; releases cannot be ordered without a date", "/date")
			return
		}
	}

	// id
	id := v.get("id")
	switch {
	case id == nil || id.k == kNull || strings.TrimSpace(id.str()) == "":
		v.del("id")
		sum := sha256.Sum256(appendJSON(nil, v))
		derived := v.getStr("ocid") + "-" + hex.EncodeToString(sum[:6])
		v.set("id", strValue(derived))
		it.warn(CodeMissingID, "release has no id; derived "+quote(derived)+" from its ocid and content", "/id")
	case id.k == kNumber:
		id.k = kString
	case id.k != kString:
		fail(CodeMissingID, "release id is not text", "/id")
		return
	}

	version := meta.version
	if version == "" {
		version = it.version
	}
	if version == "" {
		version = "1.0"
	}

	raw := appendJSON(make([]byte, 0, it.size+it.size/8+256), v)
	sum := sha256.Sum256(raw)
	sr := procure.SourceRelease{
		OCID:        v.getStr("ocid"),
		ID:          v.getStr("id"),
		Date:        date,
		Tag:         tags(v.get("tag")),
		Raw:         raw,
		SHA256:      hex.EncodeToString(sum[:]),
		Source:      rd.opt.Source,
		URL:         rd.opt.URL,
		RetrievedAt: rd.opt.RetrievedAt,
		Location:    it.loc,
		Version:     version,
		Package: procure.PackageMeta{
			URI: meta.uri, Publisher: meta.publisher, PublishedDate: meta.publishedDate,
			License: meta.license, PublicationPolicy: meta.policy,
		},
		Compiled: it.compiled,
	}
	rd.setOCID(it, sr.OCID)
	report()
	if rd.fatal != nil {
		return
	}
	if err := rd.emit(sr); err != nil {
		rd.fatal = &fatalErr{fmt.Errorf("read %s: store release %s/%s: %w", rd.name(), sr.OCID, sr.ID, err)}
		return
	}
	rd.stats.Releases++
}

func (rd *reader) setOCID(it *pending, ocid string) {
	for i := range it.problems {
		if it.problems[i].OCID == "" {
			it.problems[i].OCID = ocid
		}
	}
}

func tags(t *value) []string {
	if t == nil || t.k != kArray {
		return nil
	}
	out := make([]string, 0, len(t.kids))
	for i := range t.kids {
		if s := t.kids[i].Val.str(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func withPath(l procure.Location, path string) procure.Location {
	l.Path = path
	return l
}

// warn adds a warning about this release.
func (it *pending) warn(code, msg, path string) {
	it.problems = append(it.problems, procure.Problem{Severity: procure.SevWarning, Code: code, Message: msg, Location: withPath(it.loc, path)})
}

// dateLayouts are the date forms accepted in release dates, most common
// first. Forms without a zone are read as UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ---------------------------------------------------------------------------
// Problems

func (rd *reader) problem(sev procure.Severity, code, msg string, loc procure.Location, path string) {
	if path != "" {
		loc.Path = path
	}
	rd.reportProblem(procure.Problem{Severity: sev, Code: code, Message: msg, Location: loc})
}

func (rd *reader) problemOCID(ocid string, sev procure.Severity, code, msg string, loc procure.Location, path string) {
	if path != "" {
		loc.Path = path
	}
	rd.reportProblem(procure.Problem{Severity: sev, Code: code, Message: msg, Location: loc, OCID: ocid})
}

func (rd *reader) reportProblem(p procure.Problem) {
	if p.Location.File == "" {
		p.Location.File = rd.opt.URL
	}
	switch p.Severity {
	case procure.SevError:
		rd.stats.Errors++
	case procure.SevWarning:
		rd.stats.Warnings++
	default:
		rd.stats.Info++
	}
	rd.report(p)
}

// infoAgg aggregates one info code over an input.
type infoAgg struct {
	msg   string
	first procure.Location
	count int
}

// info records an info note; each code is reported once per input, at the
// end, with how often it occurred and where first.
func (rd *reader) info(code, msg string, loc procure.Location) {
	a := rd.infos[code]
	if a == nil {
		a = &infoAgg{msg: msg, first: loc}
		rd.infos[code] = a
		rd.infoOrder = append(rd.infoOrder, code)
	}
	a.count++
}

func (rd *reader) flushInfo() {
	for _, code := range rd.infoOrder {
		a := rd.infos[code]
		msg := a.msg
		if a.count > 1 {
			msg = fmt.Sprintf("%s (%d times; first shown)", msg, a.count)
		}
		rd.reportProblem(procure.Problem{Severity: SevInfo, Code: code, Message: msg, Location: a.first})
	}
}
