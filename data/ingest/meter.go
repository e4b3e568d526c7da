package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/source"
)

// docMeter follows a run through its documents for progress reports: the
// document being read, the bytes of the documents already read, and the
// throttling of the progress callback. OCDS runs and entity runs embed it.
type docMeter struct {
	progress     func(Progress)
	file         string
	consumed     func() int64 // bytes of the current document read so far
	bytesBefore  int64
	totalBytes   int64
	lastProgress time.Time
}

// begin marks d as the document being read.
func (m *docMeter) begin(d source.Doc) { m.file, m.consumed = d.URL, d.Consumed }

// end counts d as read.
func (m *docMeter) end(d source.Doc) {
	switch {
	case d.Size >= 0:
		m.bytesBefore += d.Size
	case d.Consumed != nil:
		m.bytesBefore += d.Consumed()
	}
	m.consumed = nil
}

// due reports whether a progress report is wanted now (always when final,
// otherwise at most every progressEvery) and fills in the byte counts.
func (m *docMeter) due(final bool, p *Progress) bool {
	if m.progress == nil {
		return false
	}
	now := time.Now()
	if !final && now.Sub(m.lastProgress) < progressEvery {
		return false
	}
	m.lastProgress = now
	p.File, p.Bytes, p.TotalBytes = m.file, m.bytesBefore, m.totalBytes
	if m.consumed != nil {
		p.Bytes += m.consumed()
	}
	return true
}

// deliver calls the progress callback; a final report of a run that did not
// fail shows the whole input read.
func (m *docMeter) deliver(p Progress, final, ok bool) {
	if final && ok && p.TotalBytes > 0 && p.Bytes < p.TotalBytes {
		p.Bytes = p.TotalBytes
	}
	m.progress(p)
}

// tally counts p in rec's errors or warnings and keeps it in kept while
// kept holds fewer than maxRunProblems.
func tally(rec *procure.ImportRun, kept []procure.Problem, p procure.Problem) []procure.Problem {
	if p.Severity == procure.SevError {
		rec.Errors++
	} else {
		rec.Warnings++
	}
	if len(kept) < maxRunProblems {
		kept = append(kept, p)
	}
	return kept
}

// readErr wraps the error of parsing a document: cancellation says so,
// anything else names the document.
func readErr(ctx context.Context, url string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("import cancelled: %w", context.Cause(ctx))
	}
	return fmt.Errorf("read %s: %w", url, err)
}
