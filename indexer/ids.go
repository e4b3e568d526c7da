package indexer

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"unsafe"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Document IDs from memory.
//
// Every sort ends with the ocid (the document ID), and searches that do
// not score (prefixes, filters alone) are ordered by it alone. To sort,
// bleve's collector reads the ID of every match from the segment's stored
// fields, which decompresses a stored chunk per match: about 40 % of a
// prefix search over 690,000 matches at 1,000,000 contracts. The ID
// column keeps each segment's IDs in memory (the ocid and a 4-byte
// offset: 24 MB at 1,000,000 peerbench contracts), and idSearcher, the
// root of every sorted search, sets each match's ID from it; bleve's
// collector then does not read it (it loads an ID only when the match has
// none). Prefix searches at 1,000,000 contracts: p50 29–32 → 22–23 ms,
// p99 96–119 → 71–86 ms (bench --query-only, prefix queries, two runs
// each).
//
// The column is built from the segment's _id term dictionary by the first
// search that needs it, in the background: until it is there, searches
// leave the ID to bleve. An import, which does not search, never builds
// it, so it costs the import neither time nor memory.

// idCol is the IDs of a segment's documents, concatenated in document
// order (the order a search visits its matches in): document d's ID is
// blob[off[d]:off[d+1]], empty when the segment has none for it. (In
// the dictionary's sorted order instead, every match read a random place
// of the blob, and bleve's sort compared it there: at 1,000,000 contracts
// those cache misses took a quarter of a broad prefix search.)
type idCol struct {
	blob []byte
	off  []uint32
}

// id returns the ID of document d, "" when unknown. The string shares the
// column's memory, which never changes once built.
func (c *idCol) id(d int) string {
	if d < 0 || d+1 >= len(c.off) {
		return ""
	}
	s, e := c.off[d], c.off[d+1]
	if s == e {
		return ""
	}
	return unsafe.String(&c.blob[s], int(e-s))
}

// buildIDCol reads the IDs of the n documents of seg from its _id
// dictionary.
func buildIDCol(seg segment.Segment, n int) (*idCol, error) {
	ids := make([]string, n)
	size := 0
	err := termPostings(seg, "_id", func(term string, docs func(func(uint64))) error {
		docs(func(d uint64) {
			if d < uint64(n) {
				size += len(term) - len(ids[d])
				ids[d] = term
			}
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("document IDs: %w", err)
	}
	if size > math.MaxUint32 {
		return nil, fmt.Errorf("document IDs: %d bytes in one segment, more than 4 GiB", size)
	}
	c := &idCol{blob: make([]byte, 0, size), off: make([]uint32, n+1)}
	for d, id := range ids {
		c.blob = append(c.blob, id...)
		c.off[d+1] = uint32(len(c.blob))
	}
	return c, nil
}

// segIDs is the lazily built ID column of a segment.
type segIDs struct {
	col     atomic.Pointer[idCol]
	started atomic.Bool
}

// get returns the column, or nil while it is not built; the first call
// starts building it from seg in the background, holding a reference on
// snap (which contains seg) so that the segment stays open meanwhile. A
// segment whose IDs cannot be read keeps no column: its searches leave
// the IDs to bleve.
func (s *segIDs) get(seg segment.Segment, n int, snap *scorch.IndexSnapshot) *idCol {
	if c := s.col.Load(); c != nil {
		return c
	}
	if seg == nil || snap == nil || !s.started.CompareAndSwap(false, true) {
		return nil
	}
	snap.AddRef()
	go func() {
		defer snap.DecRef()
		if c, err := buildIDCol(seg, n); err == nil {
			s.col.Store(c)
		}
	}()
	return nil
}

// idQuery matches what inner matches, with inner's scores, and gives each
// match its ID from the ID columns (see the top of this file).
type idQuery struct {
	inner query.Query
	cols  *colCache
}

func (q *idQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	v, err := q.cols.view(ctx, i)
	if err != nil {
		return nil, err
	}
	s, err := q.inner.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	snap, _ := i.(*scorch.IndexSnapshot) // view accepts nothing else
	return &idSearcher{Searcher: s, loc: locator{v: v}, snap: snap}, nil
}

// idSearcher sets the ID of each match of the searcher it wraps.
type idSearcher struct {
	search.Searcher
	loc  locator
	snap *scorch.IndexSnapshot
}

func (s *idSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.setID(d)
	}
	return d, err
}

func (s *idSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.setID(d)
	}
	return d, err
}

func (s *idSearcher) setID(d *search.DocumentMatch) {
	if d.ID != "" {
		return
	}
	c, local := s.loc.locate(d.IndexInternalID)
	if c == nil {
		return
	}
	if ids := c.ids.get(c.seg, c.n, s.snap); ids != nil {
		d.ID = ids.id(local)
	}
}
