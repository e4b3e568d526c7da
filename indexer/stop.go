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
// position is kept, so phrases still line up). At query time an English
// stop word is left out of the conjunction and becomes a gap in phrases.
// A word that is a stop word only in other languages ("de", "care",
// "face") is required in documents of every language that indexes it and
// is a gap in documents of the languages that do not (the lang field
// tells them apart): "ministerio de salud" finds "Ministerio de Salud" in
// a Spanish document, where "de" is not indexed, while "face recognition"
// still needs "face" in an English one ("face" is a Romanian stop word).

// ukrainianStopWords are the most frequent Ukrainian function words.
const ukrainianStopWords = `а або аж але б би бо був була були було бути в від вона вони воно все всі він
до же з за зі із й його її їх і й коли ми на над нас не ні о об от по при про під після так також та те
ти то тут у цей ці це чи що щодо щоб як який яка які якого якої яких я між через для`

var (
	// stopWords[l] holds the folded stop words of language l.
	stopWords [numLangs]map[string]bool
	// anyStop holds the stop words of every language.
	anyStop = map[string]bool{}
	// stopLangs lists, for each stop word, the languages that drop it.
	stopLangs = map[string][]langID{}
)

func init() {
	stopWords[langEnglish] = loadStop(en.EnglishStopWords)
	stopWords[langSpanish] = loadStop(es.SpanishStopWords)
	stopWords[langRomanian] = loadStop(ro.RomanianStopWords)
	stopWords[langRussian] = loadStop(ru.RussianStopWords)
	stopWords[langUkrainian] = loadStop([]byte(ukrainianStopWords))
	for l, m := range stopWords {
		for w := range m {
			anyStop[w] = true
			stopLangs[w] = append(stopLangs[w], langID(l))
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
