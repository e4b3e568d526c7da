package indexer

import (
	"context"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tenderlens/tenderlens/data/procure"
)

// TestPhraseQueryLikeBleve: our phrase query finds exactly the documents
// bleve's MultiPhraseQuery finds, with the same scores, alone and inside a
// conjunction.
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
	run := func(q query.Query) map[string]float64 {
		sr := bleve.NewSearchRequestOptions(q, 10000, 0, false)
		res, err := g.idx.Search(sr)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.ID] = h.Score
		}
		return out
	}
	found := 0
	for _, terms := range phrases {
		for _, within := range []bool{false, true} {
			slots := make([]phraseSlot, len(terms))
			for k, alts := range terms {
				for _, a := range alts {
					if a != "" {
						slots[k].alts = append(slots[k].alts, a)
					}
				}
			}
			ours, theirs := query.Query(newPhraseQuery(slots, fText)), query.Query(query.NewMultiPhraseQuery(terms, fText))
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
	// Through the query language too.
	res, err := ix.Search(context.Background(), procure.SearchRequest{Q: `"road maintenance"`, Limit: 100})
	if err != nil || res.Total == 0 {
		t.Fatalf("phrase search: %v, %d", err, res.Total)
	}
	t.Logf("%d phrases, %d matches compared", len(phrases), found)
}
