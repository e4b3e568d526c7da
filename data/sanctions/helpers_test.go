package sanctions

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

var retrieved = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// run feeds files to a parser's Document and Finish.
func run(t testing.TB, doc func(context.Context, io.Reader, Doc, Sink) error, finish func(context.Context, Sink) error, files ...string) *testenv.EntitySink {
	t.Helper()
	return testenv.ReadEntityFiles(t, func(ctx context.Context, r io.Reader, path string, s *testenv.EntitySink) error {
		return doc(ctx, r, Doc{Source: "test", URL: path, RetrievedAt: retrieved}, s)
	}, func(ctx context.Context, s *testenv.EntitySink) error { return finish(ctx, s) }, files...)
}

func hasIdentifier(e procure.Entity, q string) bool {
	for _, id := range e.Identifiers {
		if id.Qualified() == q {
			return true
		}
	}
	return false
}
