package indexer

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
)

// Stop words are not indexed in documents of their language (their
// position is kept, so phrases still line up). At query time a word that
// is a stop word in any language is left out of the conjunction and becomes
// a gap in phrases: "ministerio de salud" finds "Ministerio de Salud" in a
// Spanish document (where "de" is not indexed) and in any other.

// ukrainianStopWords are the most frequent Ukrainian function words.
const ukrainianStopWords = `а або аж але б би бо був була були було бути в від вона вони воно все всі він
до же з за зі із й його її їх і й коли ми на над нас не ні о об от по при про під після так також та те
ти то тут у цей ці це чи що щодо щоб як який яка які якого якої яких я між через для`

var (
	// stopWords[l] holds the folded stop words of language l.
	stopWords [numLangs]map[string]bool
	// anyStop holds the stop words of every language, for queries.
	anyStop = map[string]bool{}
)

func init() {
	stopWords[langEnglish] = loadStop(en.EnglishStopWords)
	stopWords[langSpanish] = loadStop(es.SpanishStopWords)
	stopWords[langRomanian] = loadStop(ro.RomanianStopWords)
	stopWords[langRussian] = loadStop(ru.RussianStopWords)
	stopWords[langUkrainian] = loadStop([]byte(ukrainianStopWords))
	for _, m := range stopWords {
		for w := range m {
			anyStop[w] = true
		}
	}
}

// loadStop reads a Snowball-style stop list: words separated by white
// space, comments after | or #.
func loadStop(data []byte) map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, "|#"); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			m[fold(w)] = true
		}
	}
	return m
}
