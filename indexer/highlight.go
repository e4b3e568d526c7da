package indexer

import (
	"strings"
	"unicode/utf8"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Snippets are computed here rather than by bleve's highlighter: the index
// keeps no term vectors, and the snippet must mark the word as written
// (a Cyrillic name found by a Latin query, "contrato" found by "contratos").
// The stored snippet source is re-analysed with the document's language and
// every word whose indexed form, fold or skeleton is one of the query's
// forms (or starts with one of its prefixes) is marked. Fragments are plain
// text; renderers escape them.

// SnippetLength is the approximate length of a snippet in characters.
const SnippetLength = 240

// hlSet holds the analysed forms of the positive query words.
type hlSet struct {
	words    map[string]bool
	prefixes []string
}

func newHLSet() *hlSet { return &hlSet{words: make(map[string]bool)} }

func (h *hlSet) empty() bool { return h == nil || (len(h.words) == 0 && len(h.prefixes) == 0) }

func (h *hlSet) matchWord(forms ...string) bool {
	for _, f := range forms {
		if f == "" {
			continue
		}
		if h.words[f] {
			return true
		}
		for _, p := range h.prefixes {
			if strings.HasPrefix(f, p) {
				return true
			}
		}
	}
	return false
}

type hlPiece struct {
	start, end int
	mark       bool
}

// snippet cuts a fragment of about SnippetLength characters from text around
// the densest group of matches and returns it as plain-text fragments, the
// matched words marked. Without matches it returns the beginning of text.
func snippet(text string, lang langID, h *hlSet) []procure.Fragment {
	if text == "" {
		return nil
	}
	ps := markPieces(text, lang, h)

	// Choose the window (in bytes, ~3 bytes per non-Latin character is
	// fine for "about") with the most marks.
	maxBytes := SnippetLength
	if !isASCII(text) {
		maxBytes = byteSpanOfRunes(text, SnippetLength)
	}
	bestStart, bestCount := 0, 0
	j, count := 0, 0
	for i := range ps {
		if j < i {
			j, count = i, 0
		}
		for j < len(ps) && ps[j].end-ps[i].start <= maxBytes {
			if ps[j].mark {
				count++
			}
			j++
		}
		if count > bestCount {
			bestCount, bestStart = count, i
		}
		if ps[i].mark && j > i {
			count--
		}
	}
	start := 0
	if bestCount > 0 {
		// Start a little before the first match of the best window.
		first := bestStart
		for !ps[first].mark {
			first++
		}
		ctxStart := ps[first].start - maxBytes/5
		k := first
		for k > 0 && ps[k-1].start >= ctxStart {
			k--
		}
		if k > 0 || ps[first].end > maxBytes {
			start = ps[k].start
		}
	}
	end := start + maxBytes
	if end >= len(text) {
		end = len(text)
	} else {
		// End at a word boundary.
		cutAt := -1
		for _, p := range ps {
			if p.start >= start && p.end <= end {
				cutAt = p.end
			}
		}
		if cutAt > start {
			end = cutAt
		} else {
			end = len(truncateUTF8(text[:end], end))
		}
	}
	var frags []procure.Fragment
	appendText := func(s string, mark bool) {
		if s == "" {
			return
		}
		if n := len(frags); n > 0 && frags[n-1].Mark == mark {
			frags[n-1].Text += s
			return
		}
		frags = append(frags, procure.Fragment{Text: s, Mark: mark})
	}
	if start > 0 {
		appendText("…", false)
	}
	pos := start
	for _, p := range ps {
		if !p.mark || p.start < start || p.end > end {
			continue
		}
		appendText(text[pos:p.start], false)
		// Adjacent marks stay separate fragments so each word is marked.
		frags = append(frags, procure.Fragment{Text: text[p.start:p.end], Mark: true})
		pos = p.end
	}
	appendText(text[pos:end], false)
	if end < len(text) {
		appendText("…", false)
	}
	for i := range frags {
		frags[i].Text = strings.ToValidUTF8(frags[i].Text, "\uFFFD")
	}
	return frags
}

// byteSpanOfRunes returns the byte length of the first n characters of s
// (or len(s)).
func byteSpanOfRunes(s string, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
	}
	return i
}

// markPieces cuts text into words and marks those matching h by their
// folded form, stem or skeleton.
func markPieces(text string, lang langID, h *hlSet) []hlPiece {
	var ps []hlPiece
	var cjkRun []int // indexes into ps of the current CJK run
	var cjkForms []string
	lastEnd := -1
	flushCJK := func() {
		for i, idx := range cjkRun {
			m := h.words[cjkForms[i]]
			if i > 0 && h.words[cjkBigram(cjkForms[i-1], cjkForms[i])] {
				m = true
			}
			if i+1 < len(cjkRun) && h.words[cjkBigram(cjkForms[i], cjkForms[i+1])] {
				m = true
			}
			ps[idx].mark = m
		}
		cjkRun, cjkForms = cjkRun[:0], cjkForms[:0]
	}
	cut(text, func(p piece) {
		if p.cjk {
			if len(cjkRun) > 0 && lastEnd != p.start {
				flushCJK()
			}
			cjkRun = append(cjkRun, len(ps))
			cjkForms = append(cjkForms, fold(p.text))
			ps = append(ps, hlPiece{start: p.start, end: p.end})
			lastEnd = p.end
			return
		}
		if len(cjkRun) > 0 {
			flushCJK()
		}
		mark := false
		if !h.empty() {
			f := fold(p.text)
			mark = h.matchWord(f)
			if !mark {
				mark = h.matchWord(stem(lang, p.text, f), skeleton(f))
			}
		}
		ps = append(ps, hlPiece{start: p.start, end: p.end, mark: mark})
		lastEnd = p.end
	})
	if len(cjkRun) > 0 {
		flushCJK()
	}
	return ps
}
