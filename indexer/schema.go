package indexer

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/tenderlens/tenderlens/data/procure"
)

// MappingVersion is the version of the index layout: the fields below, their
// options and the analysis that fills them. Every generation records the
// version it was built with; Open reports NeedsRebuild when it differs.
// Change it whenever a change here or in the analysis would make an old
// index answer differently.
const MappingVersion = 4

// Index fields. Documents are built by hand (one per contract, doc ID = ocid)
// and added with bleve's IndexAdvanced, so each text is analysed with the
// analyzer of its contract's language and no dynamic mapping or _all field
// exists. Options: I indexed, DV doc values, NF no freq/norm. Nothing is
// stored: a result page reads its contracts from the store
// (Config.Contracts).
// Only the text field keeps positions (for phrases; no offsets: snippets
// are computed from the stored snippet text). Facets and the date and
// amount filters read columns built from these fields (columns.go), so
// only the two sort keys keep doc values.
//
// Version 2: facet fields without doc values (columns instead); the
// amount_band, amount_mag and month fields are gone (the columns hold the
// amount and the day); ocid: searches bleve's own document ID field instead
// of a copy of it.
//
// Version 3: the lang field (query words that are stop words in only some
// languages are required in the others).
//
// Version 4: the stored result-list record (hit) is gone; hits are read
// from the store. It was 29 % of the index (about 870 bytes per contract).
const (
	fText      = "text"       // I TV: words of title, description, awards, items, buyer/supplier names and qualified party IDs (stemmed per language, Cyrillic + names also as skeletons, CJK unigrams+bigrams)
	fTitle     = "title"      // I:    words of the title (title:… and the title boost)
	fBuyerName = "bname"      // I NF: words of the buyer name + the lower-cased buyer ID (buyer:…)
	fSuppName  = "sname"      // I NF: words of supplier names + lower-cased supplier IDs (supplier:…)
	fOCID      = "_id"        // bleve's document ID field, which is the ocid (ocid:…; sorts break ties by it)
	fBuyer     = "buyer"      // I NF: buyer ID (filter; facet column)
	fSupplier  = "supplier"   // I NF: supplier IDs (filter; facet column)
	fBuyerType = "buyer_type" // I NF (filter; facet column)
	fCountry   = "country"    // I NF: ISO alpha-2, upper case (filter; facet column)
	fYear      = "year"       // I NF: year of the contract date, "2019" (filter, year windows of date sorts)
	fCurrency  = "currency"   // I NF: ISO 4217, upper case (filter; facet column)
	fMethod    = "method"     // I NF: procurement method, lower case (filter; facet column)
	fCategory  = "category"   // I NF: main procurement category, lower case (filter; facet column)
	fCPV       = "cpv"        // I NF: classification codes, lower case, check digit removed
	fLabel     = "plabel"     // I NF: "ID\x1fName" of every party: facet labels come from its term dictionary
	fAmount    = "amount"     // I DV NF: exact amount sort key (amountKey); amount column
	fDate      = "date"       // I DV NF: calendar day "20190503" (sort key); day column
	fLang      = "lang"       // I NF: the analysis language of the text (langKeys), for stop words
)

// internal keys stored in each generation.
const (
	keyMappingVersion = "tenderlens.mapping_version"
)

const (
	maxHitSuppliers  = 5         // suppliers shown in a hit
	maxSnippetSource = 600       // bytes of description/award/item text snippets are cut from
	maxIndexedText   = 64 * 1024 // bytes of text analysed per contract
	labelSep         = "\x1f"
)

// Amount bands (any currency), in display order.
var amountBands = []struct {
	value string
	label string
	upTo  float64 // exclusive upper bound; 0 = unbounded
}{
	{"lt10k", "under 10k", 10_000},
	{"10k-100k", "10k–100k", 100_000},
	{"100k-1m", "100k–1M", 1_000_000},
	{"1m-10m", "1M–10M", 10_000_000},
	{"ge10m", "10M and more", 0},
}

func amountBand(a float64) string {
	for _, b := range amountBands {
		if b.upTo == 0 || a < b.upTo {
			return b.value
		}
	}
	return amountBands[len(amountBands)-1].value
}

// hitOf is the result-list record of a contract: what a page of hits shows
// (the index stores none of it; search reads the contracts from the store).
func hitOf(c *procure.Contract) procure.Hit {
	h := procure.Hit{
		OCID:      c.OCID,
		Title:     c.Title,
		Buyer:     c.Buyer,
		BuyerType: c.BuyerType,
		Language:  c.Language,
		Suppliers: slices.Clone(c.Suppliers[:min(len(c.Suppliers), maxHitSuppliers)]),
		Date:      c.Date,
	}
	if h.Suppliers == nil {
		h.Suppliers = []procure.PartyRef{}
	}
	if !c.BuyerType.Valid() {
		h.BuyerType = procure.BuyerOther
	}
	if hasAmount(c) {
		h.Amount = c.Amount
		h.HasAmount = true
	}
	return h
}

// hasAmount reports whether the contract carries a value.
func hasAmount(c *procure.Contract) bool {
	return c.Amount.Currency != "" || !c.Amount.Amount.IsZero()
}

// normCode normalises a classification code for the cpv field: trimmed,
// lower case, without a CPV check digit ("45000000-7" → "45000000").
func normCode(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '-'); i > 0 && i == len(s)-2 && s[i+1] >= '0' && s[i+1] <= '9' {
		s = s[:i]
	}
	return s
}

// normID is the form of a party ID in the name fields (buyer:…, supplier:…).
func normID(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// termSink accumulates the terms of one field of one document; with tv it
// also records each occurrence's position (for phrases; offsets are not
// kept, snippets are computed from the stored text).
type termSink struct {
	freqs  index.TokenFrequencies
	length int
	tv     bool
	hint   int                   // expected number of terms
	tfs    []index.TokenFreq     // slab
	locs   []index.TokenLocation // slab
}

func newSink(n int, tv bool) *termSink {
	return &termSink{freqs: make(index.TokenFrequencies, n), tv: tv, hint: max(n, 1)}
}

// add counts an occurrence of term; with positions enabled and pos > 0 it
// records the position.
func (t *termSink) add(term string, pos int) {
	if term == "" {
		return
	}
	tf, ok := t.freqs[term]
	if !ok {
		if len(t.tfs) == cap(t.tfs) {
			t.tfs = make([]index.TokenFreq, 0, min(max(2*cap(t.tfs), t.hint), 256))
		}
		t.tfs = append(t.tfs, index.TokenFreq{Term: []byte(term)})
		tf = &t.tfs[len(t.tfs)-1]
		t.freqs[term] = tf
	}
	tf.SetFrequency(tf.Frequency() + 1)
	if t.tv && pos > 0 {
		if len(t.locs) == cap(t.locs) {
			t.locs = make([]index.TokenLocation, 0, min(max(2*cap(t.locs), t.hint), 512))
		}
		t.locs = append(t.locs, index.TokenLocation{Position: pos})
		tf.Locations = append(tf.Locations, &t.locs[len(t.locs)-1])
	}
}

// valueGap separates the positions of two text values so that no phrase
// (at most MaxQueryTerms words) matches across them.
const valueGap = MaxQueryTerms + 2

// maxPositions bounds the positions kept per contract: phrases are matched
// in the first maxPositions words of its text (title, parties,
// description, awards, items, in that order); later words are searchable
// but carry no position. Positions are most of the index size.
const maxPositions = 256

// textIndexer analyses the text values of one document.
type textIndexer struct {
	lang langID
	stop map[string]bool
	text *termSink
	pos  int // last position used
	kept int // positions recorded
}

// at returns the position to record for the current word (0 = none).
func (ti *textIndexer) at() int {
	if ti.kept >= maxPositions {
		return 0
	}
	ti.kept++
	return ti.pos
}

// Skeleton modes of a text value.
const (
	skelNone     = iota
	skelCyrillic // Cyrillic words (titles)
	skelAll      // every word (party names)
)

// add analyses one text value into the text field and, when given, into
// extra (a per-field sink without positions: title, names), with skeletons
// per the skeleton mode. Words of a boosted value (the title) count twice
// in the text field, which ranks title matches higher at no query cost.
func (ti *textIndexer) add(s string, skel int, extra *termSink, boost bool) {
	var prevCJK string
	prevEnd := -1
	ti.pos += valueGap
	cut(s, func(p piece) {
		ti.pos++
		if p.cjk {
			u := fold(p.text)
			at := ti.at()
			ti.text.add(u, at)
			if extra != nil {
				extra.add(u, 0)
			}
			if prevCJK != "" && prevEnd == p.start {
				bi := cjkBigram(prevCJK, u)
				if at > 0 {
					at--
				}
				ti.text.add(bi, at)
				if extra != nil {
					extra.add(bi, 0)
				}
			}
			ti.text.length++
			prevCJK, prevEnd = u, p.end
			return
		}
		prevCJK = ""
		f := fold(p.text)
		if ti.stop[f] {
			return
		}
		form := stem(ti.lang, p.text, f)
		sk := ""
		if skel == skelAll || (skel == skelCyrillic && hasCyrillic(f)) {
			if k := skeleton(f); k != form {
				sk = k
			}
		}
		at := ti.at()
		ti.text.add(form, at)
		ti.text.add(sk, at)
		if boost {
			ti.text.add(form, 0)
			ti.text.add(sk, 0)
		}
		ti.text.length++
		if extra != nil {
			extra.add(form, 0)
			extra.add(sk, 0)
			extra.length++
		}
	})
}

// field is a pre-analysed document field: bleve's IndexAdvanced takes the
// terms as they are.
type field struct {
	name   string
	opts   index.FieldIndexingOptions
	value  []byte
	freqs  index.TokenFrequencies
	length int
}

var _ document.Field = (*field)(nil)

func (f *field) Name() string                                     { return f.name }
func (f *field) ArrayPositions() []uint64                         { return nil }
func (f *field) Options() index.FieldIndexingOptions              { return f.opts }
func (f *field) Analyze()                                         {}
func (f *field) Value() []byte                                    { return f.value }
func (f *field) NumPlainTextBytes() uint64                        { return uint64(len(f.value)) }
func (f *field) EncodedFieldType() byte                           { return 't' }
func (f *field) AnalyzedLength() int                              { return f.length }
func (f *field) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }
func (f *field) Size() int {
	n := 64 + len(f.name) + len(f.value)
	for k := range f.freqs {
		n += 48 + 2*len(k)
	}
	return n
}

const (
	optText    = index.IndexField
	optTextTV  = index.IndexField | index.IncludeTermVectors
	optNoScore = index.IndexField | index.SkipFreqNorm
	optKeyword = optNoScore
	optDV      = index.IndexField | index.DocValues | index.SkipFreqNorm
	// Sort keys. (index.SkipDVCompression would save decoding time per
	// match, but with it bleve v2.6.3 returned wrong sort values after
	// merges in TestCursorWalk.)
	optSortKey = optDV
)

func sinkField(name string, opts index.FieldIndexingOptions, s *termSink) *field {
	l := s.length
	if l == 0 {
		l = len(s.freqs)
	}
	return &field{name: name, opts: opts, freqs: s.freqs, length: l}
}

func keywordField(name string, values ...string) *field {
	return sinkField(name, optKeyword, sinkOf(values))
}

// docAnalysis is the text analysis of one contract. It runs once, when
// bleve analyses the document's first text field: inside Batch, on bleve's
// analysis workers, so documents are analysed in parallel.
type docAnalysis struct {
	once sync.Once
	c    *procure.Contract

	text, title, bname, sname *termSink
}

func (a *docAnalysis) run() { a.once.Do(a.analyze) }

func (a *docAnalysis) analyze() {
	c := a.c
	l := langOf(c.Language)
	ti := &textIndexer{lang: l, stop: stopWords[l], text: newSink(256, true)}
	a.text = ti.text
	a.title, a.bname, a.sname = newSink(16, false), newSink(8, false), newSink(8, false)

	seen := make(map[string]bool, 8)
	budget := maxIndexedText
	addText := func(s string, skel int, extra *termSink) {
		s = strings.TrimSpace(s)
		if s == "" || budget <= 0 {
			return
		}
		if seen[s] {
			if extra != nil {
				// Already in the text field; the field sink still needs it.
				tmp := &textIndexer{lang: ti.lang, stop: ti.stop, text: newSink(8, false)}
				tmp.add(s, skel, extra, false)
			}
			return
		}
		seen[s] = true
		if len(s) > budget {
			s = truncateUTF8(s, budget)
		}
		budget -= len(s)
		ti.add(s, skel, extra, extra == a.title)
	}
	addText(c.Title, skelCyrillic, a.title)
	addText(c.Buyer.Name, skelAll, a.bname)
	if c.Buyer.ID != "" {
		a.bname.add(normID(c.Buyer.ID), 0)
	}
	for _, s := range c.Suppliers {
		addText(s.Name, skelAll, a.sname)
		if s.ID != "" {
			a.sname.add(normID(s.ID), 0)
		}
	}
	addText(c.Description, skelNone, nil)
	for _, aw := range c.Awards {
		addText(aw.Title, skelNone, nil)
		addText(aw.Description, skelNone, nil)
	}
	for _, it := range c.Items {
		addText(it, skelNone, nil)
	}
	// Qualified party identifiers (registration numbers) are searchable as
	// words; slug IDs only repeat the name.
	if id := c.Buyer.ID; id != "" && !strings.Contains(id, "~") {
		addText(id, skelNone, nil)
	}
	for _, s := range c.Suppliers {
		if s.ID != "" && !strings.Contains(s.ID, "~") {
			addText(s.ID, skelNone, nil)
		}
	}
}

// textField is a field whose terms come from the document's analysis.
type textField struct {
	name string
	opts index.FieldIndexingOptions
	a    *docAnalysis
	pick func(*docAnalysis) *termSink
	raw  int // plain text bytes, for bleve's statistics
}

var _ document.Field = (*textField)(nil)

func (f *textField) Name() string                        { return f.name }
func (f *textField) ArrayPositions() []uint64            { return nil }
func (f *textField) Options() index.FieldIndexingOptions { return f.opts }
func (f *textField) Analyze()                            { f.a.run() }
func (f *textField) Value() []byte                       { return nil }
func (f *textField) NumPlainTextBytes() uint64           { return uint64(f.raw) }
func (f *textField) EncodedFieldType() byte              { return 't' }
func (f *textField) AnalyzedLength() int {
	f.a.run()
	s := f.pick(f.a)
	if s.length == 0 {
		return len(s.freqs)
	}
	return s.length
}
func (f *textField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	f.a.run()
	return f.pick(f.a).freqs
}
func (f *textField) Size() int {
	n := 96 + len(f.name)
	if s := f.pick(f.a); s != nil {
		for k := range s.freqs {
			n += 48 + 2*len(k)
		}
	}
	return n
}

// validOCID checks that an ocid can be a document ID.
func validOCID(ocid string) error {
	if ocid == "" {
		return fmt.Errorf("contract without ocid: %w", procure.ErrInvalid)
	}
	if !utf8.ValidString(ocid) || len(ocid) > maxOCIDBytes {
		return fmt.Errorf("contract ocid %q is not valid: %w", ocid, procure.ErrInvalid)
	}
	return nil
}

// cleanID removes the label separator from IDs and names.
func cleanID(s string) string { return strings.ReplaceAll(s, labelSep, " ") }

// buildDocument turns a contract into its index document. The text
// analysis is deferred to bleve's analysis workers (see docAnalysis); c must
// not change until the batch holding the document has been executed.
func buildDocument(c *procure.Contract) (*document.Document, error) {
	if err := validOCID(c.OCID); err != nil {
		return nil, err
	}
	doc := document.NewDocument(c.OCID)
	a := &docAnalysis{c: c}
	raw := len(c.Title) + len(c.Description)
	for _, it := range c.Items {
		raw += len(it)
	}
	doc.AddField(&textField{name: fText, opts: optTextTV, a: a, pick: func(a *docAnalysis) *termSink { return a.text }, raw: raw})
	doc.AddField(&textField{name: fTitle, opts: optText, a: a, pick: func(a *docAnalysis) *termSink { return a.title }})
	doc.AddField(&textField{name: fBuyerName, opts: optNoScore, a: a, pick: func(a *docAnalysis) *termSink { return a.bname }})
	doc.AddField(&textField{name: fSuppName, opts: optNoScore, a: a, pick: func(a *docAnalysis) *termSink { return a.sname }})

	if c.Buyer.ID != "" {
		doc.AddField(keywordField(fBuyer, c.Buyer.ID))
	}
	supplierIDs := make([]string, 0, len(c.Suppliers))
	labels := make([]string, 0, len(c.Suppliers)+1)
	if c.Buyer.ID != "" {
		labels = append(labels, cleanID(c.Buyer.ID)+labelSep+cleanID(c.Buyer.Name))
	}
	for _, s := range c.Suppliers {
		if s.ID == "" {
			continue
		}
		supplierIDs = append(supplierIDs, s.ID)
		labels = append(labels, cleanID(s.ID)+labelSep+cleanID(s.Name))
	}
	if len(supplierIDs) > 0 {
		doc.AddField(keywordField(fSupplier, supplierIDs...))
	}
	bt := c.BuyerType
	if !bt.Valid() {
		bt = procure.BuyerOther
	}
	doc.AddField(keywordField(fBuyerType, string(bt)))
	doc.AddField(keywordField(fLang, langKeys[langOf(c.Language)]))
	if c.Country != "" {
		doc.AddField(keywordField(fCountry, strings.ToUpper(strings.TrimSpace(c.Country))))
	}
	if c.Amount.Currency != "" {
		doc.AddField(keywordField(fCurrency, strings.ToUpper(strings.TrimSpace(c.Amount.Currency))))
	}
	if c.Method != "" {
		doc.AddField(keywordField(fMethod, strings.ToLower(strings.TrimSpace(c.Method))))
	}
	if c.Category != "" {
		doc.AddField(keywordField(fCategory, strings.ToLower(strings.TrimSpace(c.Category))))
	}
	if len(c.Classifications) > 0 {
		codes := make([]string, 0, len(c.Classifications))
		for _, cl := range c.Classifications {
			id := cl
			if i := strings.IndexByte(cl, ':'); i >= 0 {
				id = cl[i+1:]
			}
			if n := normCode(id); n != "" {
				codes = append(codes, n)
			}
		}
		if len(codes) > 0 {
			doc.AddField(sinkField(fCPV, optNoScore, sinkOf(codes)))
		}
	}
	if len(labels) > 0 {
		doc.AddField(sinkField(fLabel, optNoScore, sinkOf(labels)))
	}
	if hasAmount(c) {
		u := c.Amount.Amount.Units()
		doc.AddField(sinkField(fAmount, optSortKey, sinkOf([]string{amountKey(u)})))
	}
	if !c.Date.IsZero() {
		doc.AddField(sinkField(fDate, optSortKey, sinkOf([]string{dayKey(c.Date)})))
		doc.AddField(keywordField(fYear, yearKey(c.Date)))
	}
	return doc, nil
}

func sinkOf(values []string) *termSink {
	s := newSink(len(values), false)
	for _, v := range values {
		s.add(v, 0)
	}
	return s
}

// snippetSource is the text snippets are cut from: the description, award
// texts and items (the title is shown on its own), capped.
func snippetSource(c *procure.Contract) string {
	var b strings.Builder
	seen := map[string]bool{strings.TrimSpace(c.Title): true}
	add := func(s string) {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" || seen[s] || b.Len() >= maxSnippetSource {
			return
		}
		seen[s] = true
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(s)
	}
	add(c.Description)
	for _, a := range c.Awards {
		add(a.Title)
		add(a.Description)
	}
	for _, it := range c.Items {
		add(it)
	}
	return truncateUTF8(b.String(), maxSnippetSource)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// newMapping is the bleve mapping stored with each generation. Documents are
// built by buildDocument and indexed with IndexAdvanced, so the mapping maps
// nothing itself: no dynamic fields, no _all, keyword default analyzer. The
// authoritative field table is the list of f* constants above.
func newMapping() *mapping.IndexMappingImpl {
	m := mapping.NewIndexMapping()
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.DefaultAnalyzer = "keyword"
	m.DefaultMapping = mapping.NewDocumentStaticMapping()
	m.DefaultMapping.Dynamic = false
	return m
}
