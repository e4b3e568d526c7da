//go:build !unix

package indexer

import (
	"context"
	"time"
)

// dirLock is a no-op where flock is not available; bleve's bbolt lock on
// the served generation (with Config.BoltTimeout) still keeps a second
// process out.
type dirLock struct{}

func acquireLock(ctx context.Context, path string, timeout time.Duration) (*dirLock, error) {
	return &dirLock{}, nil
}

func (l *dirLock) release() error { return nil }
