// Package source fetches the documents of one import run: the pages of an
// HTTP API, one URL, one file, or every file of a directory.
//
// It is transport only. It follows pagination (an OCDS package's
// links.next, or page/offset parameters), adds the `since` cursor the
// importer keeps, sends conditional requests (If-None-Match /
// If-Modified-Since), retries with exponential backoff and Retry-After,
// decompresses gzip transparently with a cap on the decompressed size and on
// the compression ratio, and refuses to connect to private, loopback,
// link-local and other internal addresses (an SSRF guard checked on the
// resolved address at connect time and on every redirect).
//
// It never parses a document beyond what pagination needs (a light walk to
// find links.next or count a page's items) and never writes to the store.
//
// HTTP pages are downloaded completely (into memory up to
// Config.SpoolMemory, then into a temporary file) before they are handed on,
// so a connection that drops half way through a page is retried
// transparently and the parser never sees half a page.
package source
