// Package indexer is Tenderlens' full-text search: the bleve index of
// contracts, its multilingual analysis, the safe public query language,
// filters, sorts, cursor pagination, facets, snippets, and the index
// generations that are rebuilt beside the served one and swapped in.
//
// It is the only package that imports bleve, and its API speaks procure
// types only: Open, (*Index).Index, Delete, Rebuild, Search, DocCount,
// Generation, NeedsRebuild, Problems, Close, and ParseQuery.
//
// # Documents and mapping
//
// One document per contract, the ocid being the document ID. Documents are
// built by hand (buildDocument) and added with bleve's IndexAdvanced, so
// that each text is analysed with the analyzer of its contract's language;
// no dynamic mapping, no _all field. The field table (the f* constants in
// schema.go) is the mapping; MappingVersion versions it, every generation
// records the version it was built with, and Open reports NeedsRebuild when
// it differs. Only what is searched, filtered, faceted or sorted is
// indexed, and only what a result list shows is stored (one JSON record per
// contract, with up to 600 bytes of description/award/item text for
// snippets). Doc values exist only on facet and sort fields. Dates and
// amounts are keyword terms (year, month, day; exact amount key and
// magnitude) rather than bleve numeric fields, which index 16 terms per
// value: see ranges.go.
//
// # Multilingual analysis
//
// Words are cut by Unicode word segmentation (UAX #29) with our rules for
// inner punctuation (abbreviations such as "Î.C.S." and numbers are joined,
// apostrophes dropped, other compounds split), then folded: NFKC width and
// ligature folding, case folding and removal of Latin, Greek and Cyrillic
// diacritics ("Ševčenko" → "sevcenko", "ё" → "е"). Per document language:
// Spanish (light stemmer), English (Porter), Romanian and Russian (Snowball)
// are stemmed; those four and Ukrainian drop their stop words (positions
// are kept, so phrases line up). Chinese and Japanese text is indexed as
// character unigrams plus bigrams, so a two-to-four character query finds a
// longer title. Titles' Cyrillic words and every word of buyer and supplier
// names are also indexed by their transliteration skeleton (translit.go), a
// deterministic Latin key on which the Ukrainian national system, BGN/PCGN,
// GOST 7.79 B, the scholarly system and most of ISO 9 agree: "Шевченко",
// "Shevchenko" and "Ševčenko" meet, and so do `СТОВ "Степ-Агро"` and
// "step agro".
//
// At query time each word is expanded into its forms under every analyzer a
// document may have (folded; English, Spanish, Romanian, Russian stems;
// skeleton): a disjunction of at most six terms in one field, and for
// phrases bleve's MultiPhraseQuery with those alternatives per position and
// a gap for stop words. The alternative, one field per language, would make
// every word a disjunction across fields with separate norms; one field
// keeps queries to one dictionary per word and the index to one set of
// postings per word. This was chosen by reasoning, not measured side by
// side; the figures under Performance are what it costs.
//
// Positions are the largest part of the index, so they are kept for the
// first 256 words of a contract (title, parties, description, awards,
// items, in that order): phrases match there; later words are searchable
// but not by phrase. No offsets are stored: snippets are computed from the
// stored text by re-analysing it (highlight.go), which also marks the word
// as written when it matched through a stem or a skeleton.
//
// # Search
//
// The public query language is parsed by ParseQuery into a small tree; what
// it cannot express (leading and inner wildcards, ?, regular expressions,
// fuzziness, boosts, ranges, unknown fields, more than MaxQueryTerms words
// or MaxQueryBranches prefixes and ORs, queries over procure.MaxQueryLength
// bytes) is refused with a *procure.QueryError before any index work.
// Prefixes are expanded from the term dictionary (at most 20,000 words,
// then refused as too broad) and match without scoring. Filters are
// non-scoring (BooleanQuery.AddFilter); amount ranges are exact decimal
// comparisons. Sorts: relevance (score, then ocid), date and amount both
// ways (then ocid); missing dates and amounts sort last. Cursors are
// search-after keys with a fingerprint of the search, validated on use
// (cursor.go). A date-sorted page over many matches is searched year by
// year from the newest (or the cursor's) year, so browsing "everything,
// newest first" does not sort every contract. Facets are counted beside
// the page, cached per generation and write, and time-boxed by
// Config.FacetTimeout: a request that cannot wait gets FacetsPartial while
// the count completes in the background for the next request. Every search
// has Config.SearchTimeout as deadline; prefix, phrase and facet work share
// a semaphore of Config.MaxConcurrentExpensive slots.
//
// # Generations and crash safety
//
// Under Config.Dir: CURRENT names the served generation (replaced by
// temp file, fsync, rename and directory fsync), each gen-<UTC time>-<n>
// directory holds a bleve index and, once verified, a READY marker, and
// LOCK is flocked by the process that has the index open (a second opener
// fails with procure.ErrLocked after Config.BoltTimeout; bleve's own bbolt
// lock has the same timeout). Index and Delete write into the served
// generation and return once bleve has persisted the batch. Rebuild builds
// a new generation from an iterator, verifies it (document count, sample
// searches), force-merges it, replays the writes made meanwhile, publishes
// it and swaps it in; searches in flight finish on the old generation,
// which is closed when idle and removed. A generation that fails to open
// is reported as corrupt (never as locked), set aside, and the previous
// verified generation (or an empty one) is served with NeedsRebuild set.
//
// # Performance
//
// Measured with bench_test.go on a generated corpus (six languages, 4.3 KB
// of JSON and 2.7 KB of searchable text per contract; longer than most real
// OCDS contracts) on the shared 2-core build machine, warm, one client:
//
//	go test ./indexer -run '^$' -bench 'Index$|Rebuild$' -benchtime 20000x
//	    Rebuild 1,330–1,850 contracts/s, 4.0 KB/contract (3.2 KB with
//	    maxPositions = 128); Index (calls of 1,000) 1,370/s
//	BENCH_DOCS=100000 go test ./indexer -run '^$' -bench Search -benchtime 200x
//	    p50/p99 ms at 100k: term 10/31, AND 13/27, phrase 4.6/216,
//	    prefix 14/94, filtered 18/41, term+facets 57/159,
//	    filtered+facets 35/74, browse one country 27/109,
//	    everything + facets 279/346 (cached facets: 14/27)
//
// Every figure grows linearly with the number of matches (10x at 1M);
// facets over very broad searches are what needs the time box and cache.
package indexer
