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
// it differs. Only what is searched, filtered or sorted is indexed, and
// nothing is stored: a results page reads its ten contracts from the store
// (Config.Contracts, one SQLite query) and builds the hits and snippets
// from them, so a page always shows the store's current version. (Storing
// the result-list record in the index, as mapping version 3 did, was 29 %
// of the index, about 870 bytes per contract; reading the page's summaries
// from the store instead moved the median search at 100,000 contracts
// from 5.0 to 5.1 ms.) Doc values exist only on
// the two sort keys. Dates and amounts are keyword
// terms (a year; the calendar day and an exact amount key, both sort keys)
// rather than bleve numeric fields, which index 16 terms per value: see
// ranges.go.
//
// # Columns
//
// Facets and the date and amount filters do not use bleve's doc values or
// range queries: every segment's per-document values (buyer type,
// country, currency, method, category, buyer, suppliers, day, amount) are
// turned once into in-memory arrays (columns.go), and a search reads them
// for each match it visits: facets are counted while the page is
// searched, in the same pass, and a date or amount range is a test on two
// array reads. Segments never change, so their columns are built once (in
// the background after Open and writes, before a rebuilt generation
// serves) and dropped when a merge has replaced the segment; about 40
// bytes per contract. The keyword columns hold numbers from one term table
// per column, shared by all segments, so a facet is counted into one
// array whatever the number of segments and its top values are read off
// that array (a counter stays a map while few values are counted).
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
// a gap for stop words. Forms that no document of the searched snapshot
// has are left out (formsQuery): most are, and each was a branch every
// candidate advanced and a share of bleve's disjunction coord factor. The alternative, one field per language, would make
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
// then refused as too broad) and match without scoring. Phrases are
// bleve's phrase semantics (the words' forms at consecutive positions,
// stop words as gaps) checked by our own searcher on each candidate's flat
// list of term locations (phrase.go), with bleve's scores. Filters are
// non-scoring; date and amount ranges are exact comparisons on the
// columns. Sorts: relevance (score, then ocid), date and amount both ways
// (then ocid); missing dates and amounts sort last. A first page by
// relevance is collected by score alone and ordered by ocid among equal
// scores afterwards, which saves reading every match's ID (the exact sort
// runs only when equal scores straddle the end of the page). Every other
// sort ends with the ocid, which the matches get from an in-memory column
// (ids.go) rather than from bleve's stored fields. Cursors are
// search-after keys with a fingerprint of the search, validated on use
// (cursor.go). A date-sorted page over many matches is searched year by
// year from the newest (or the cursor's) year, so browsing "everything,
// newest first" does not sort every contract. Facets are counted in the
// page's own pass over the matches (buyers and suppliers: the top 20;
// every value of the small ones) and cached per generation and write
// (Config.FacetCacheSize). Every search has Config.SearchTimeout as
// deadline; prefix and phrase searches share a semaphore of
// Config.MaxConcurrentExpensive slots.
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
// Bleve merges a generation's segments in the background, but never into
// one of more than 200,000 contracts (maxSegmentDocs): a merge reads its
// sources through memory maps, so this bounds the memory a merge holds,
// whatever the size of the index; Rebuild alone merges its new generation
// into one segment.
//
// # Performance
//
// `tenderlens bench` (cmd/tenderlens/bench.go) measures the import and the
// searches through the real paths on a peerbench corpus, beside SQLite FTS5
// and PostgreSQL (../shared/tools/peerbench/compare). On the shared 2-core
// build machine, 1,000,000 contracts (4.3 KB of OCDS JSON each), warm, one
// client, facets counted on every request, p50/p99 ms (compare -n 1000000,
// mapping version 4, merged segments capped at 200,000 contracts):
//
//	term 8/36, two-term AND 11/44, phrase 72/603, prefix 23/87,
//	filtered 24/50, filtered + facets 31/80, term + facets 32/89;
//	index 2.14 KB per contract.
//
// Import (store and index together, see data/ingest) ran at 1,426
// contracts/s there (1,253 s of CPU, 1.25 ms per contract, peak RSS
// 1,312 MiB); SQLite FTS5 alone imports 5,669/s in the same run, and
// 4,181–6,980/s across runs on that machine. Without the store
// (BenchmarkIndexFile on the same corpus, BENCH_CORPUS), reading,
// compiling and indexing took 0.73 ms of CPU per contract (0.11 reading
// and compiling, 0.62 indexing; 2,512 contracts/s), so the store's share
// is about 0.5 ms, and the import is CPU-bound on two cores.
// Latencies grow about linearly with the number of matches. The
// BenchmarkIndexFile, BenchmarkAnalyze and BenchmarkSearch benchmarks
// (bench_test.go) measure the index alone.
package indexer
