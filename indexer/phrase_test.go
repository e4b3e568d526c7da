package indexer

import (
	"context"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/tenderlens/tenderlens/data/procure"
)

// TestPhraseQueryLikeBleve: our phrase query finds exactly the documents
// bleve's MultiPhraseQuery finds, with the same scores, alone and inside a
// conjunction. Both get the same words; ours leaves out the forms no
// document has (as formsQuery does), so bleve's is given only the forms
// present in the index, and a phrase with a word of which no form is
// present matches nothing.
func TestPhraseQueryLikeBleve(t *testing.T) {
	cs := smallCorpus(400)
	extra := []string{
		"road maintenance and maintenance road works",
		"maintenance of the road",
		"road road maintenance maintenance",
		"the road to maintenance",
		"winter road maintenance contract",
		"maintenance maintenance road road",
	}
	for i, text := range extra {
		cs[i].Title, cs[i].Description = text, text+" "+text
	}
	ix := openTest(t, cs)
	g, release, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	// Phrases from the corpus: pairs and triples of words of titles, with
	// their forms as the compiler builds them.
	var phrases [][][]string
	add := func(words ...string) {
		var seg [][]string
		for _, w := range words {
			if w == "" {
				seg = append(seg, nil)
				continue
			}
			seg = append(seg, alternatives(views(w)))
		}
		phrases = append(phrases, seg)
	}
	add("road", "maintenance")
	add("maintenance", "road")
	add("maintenance", "", "road")
	add("road", "", "maintenance")
	add("road", "road")
	add("maintenance", "maintenance", "road")
	for _, c := range cs[10:60] {
		var ws []string
		cut(c.Title, func(p piece) {
			if !p.cjk {
				ws = append(ws, p.text)
			}
		})
		if len(ws) >= 3 {
			add(ws[0], ws[1])
			add(ws[0], ws[1], ws[2])
			add(ws[0], "", ws[2])
		}
	}
	run := func(q query.Query) map[string]float64 { return scores(t, g, q) }
	rd := indexReader(t, g)
	present := func(term string) bool {
		tfr, err := rd.TermFieldReader(context.Background(), []byte(term), fText, false, false, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		return tfr.Count() > 0
	}
	found, pruned := 0, 0
	for _, terms := range phrases {
		for _, within := range []bool{false, true} {
			slots := make([]phraseSlot, len(terms))
			kept := make([][]string, len(terms))
			absent := false // a word none of whose forms is in the index
			for k, alts := range terms {
				for _, a := range alts {
					if a != "" {
						slots[k].alts = append(slots[k].alts, a)
						if present(a) {
							kept[k] = append(kept[k], a)
						} else {
							pruned++
						}
					}
				}
				absent = absent || (len(slots[k].alts) > 0 && len(kept[k]) == 0)
			}
			if absent {
				if got := run(newPhraseQuery(slots, fText)); len(got) != 0 {
					t.Errorf("%v: %d matches with a word in no document", terms, len(got))
				}
				continue
			}
			ours, theirs := query.Query(newPhraseQuery(slots, fText)), query.Query(query.NewMultiPhraseQuery(kept, fText))
			if within {
				other := termQ(fText, "zebrafish")
				ours = query.NewConjunctionQuery([]query.Query{ours, other})
				theirs = query.NewConjunctionQuery([]query.Query{theirs, other})
			}
			got, want := run(ours), run(theirs)
			found += len(want)
			if len(got) != len(want) {
				t.Errorf("%v (within %v): %d matches, bleve %d", terms, within, len(got), len(want))
				continue
			}
			for id, s := range want {
				if g, ok := got[id]; !ok || math.Abs(g-s) > 1e-12*math.Max(1, s) {
					t.Errorf("%v (within %v): %s scores %v, bleve %v", terms, within, id, got[id], s)
				}
			}
		}
	}
	if found < 50 {
		t.Fatalf("only %d phrase matches in all: the test phrases do not exercise much", found)
	}
	if pruned == 0 {
		t.Fatal("no form of the test phrases is absent from the index: pruning is not exercised")
	}
	// Through the query language too.
	res, err := ix.Search(context.Background(), procure.SearchRequest{Q: `"road maintenance"`, Limit: 100})
	if err != nil || res.Total == 0 {
		t.Fatalf("phrase search: %v, %d", err, res.Total)
	}
	t.Logf("%d phrases, %d matches compared", len(phrases), found)
}

// indexReader returns a reader of g's index, closed with the test.
func indexReader(t *testing.T, g *generation) index.IndexReader {
	t.Helper()
	adv, err := g.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

// TestFormsQuery: a word's forms query matches what the disjunction of all
// its forms matches; a form no document has changes no match, and a word
// with a single form present scores as that form's term query.
func TestFormsQuery(t *testing.T) {
	ix := openTest(t, smallCorpus(300))
	g, release, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	run := func(q query.Query) map[string]float64 { return scores(t, g, q) }
	for _, tc := range []struct {
		terms []string
		want  int // matches of the first term alone; -1: compare with the disjunction only
	}{
		{[]string{"road", "zzabsent1", "zzabsent2"}, 0},
		{[]string{"zzabsent1", "road"}, 1},
		{[]string{"road", "maintenance", "mainten"}, -1},
		{[]string{"zzabsent1", "zzabsent2"}, -1},
	} {
		got := run(termsQ(fText, tc.terms))
		var all []query.Query
		for _, term := range tc.terms {
			all = append(all, termQ(fText, term))
		}
		want := run(query.NewDisjunctionQuery(all))
		if len(got) != len(want) {
			t.Errorf("%v: %d matches, the disjunction of every form %d", tc.terms, len(got), len(want))
		}
		for id := range want {
			if _, ok := got[id]; !ok {
				t.Errorf("%v: %s missing", tc.terms, id)
			}
		}
		if tc.want >= 0 {
			alone := run(termQ(fText, tc.terms[tc.want]))
			if len(alone) == 0 {
				t.Fatalf("%v: the corpus has no %q", tc.terms, tc.terms[tc.want])
			}
			for id, s := range alone {
				if math.Abs(got[id]-s) > 1e-12*math.Max(1, s) {
					t.Errorf("%v: %s scores %v, the term query %v", tc.terms, id, got[id], s)
				}
			}
		}
	}
}

// scores runs q on g's index and returns the score of every match (up to
// 10,000) by document ID.
func scores(t *testing.T, g *generation, q query.Query) map[string]float64 {
	t.Helper()
	res, err := g.idx.Search(bleve.NewSearchRequestOptions(q, 10000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}
