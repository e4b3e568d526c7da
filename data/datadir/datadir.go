// Package datadir owns the layout of a Tenderlens data directory and the
// lock that makes its writer unique:
//
//	DIR/LOCK           flock held by the one writer process (serve, import, reindex)
//	DIR/tenderlens.db  the SQLite store (system of record)
//	DIR/index/         bleve index generations and the CURRENT pointer
//	DIR/dumps/         open-data dump generations
//
// A second writer fails at once with an error wrapping procure.ErrLocked
// that names the holder; it never waits.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Dir is a data directory.
type Dir struct{ Path string }

// StorePath is the SQLite file.
func (d Dir) StorePath() string { return filepath.Join(d.Path, "tenderlens.db") }

// IndexPath is the root of the index generations.
func (d Dir) IndexPath() string { return filepath.Join(d.Path, "index") }

// DumpsPath is the root of the dump generations.
func (d Dir) DumpsPath() string { return filepath.Join(d.Path, "dumps") }

// LockPath is the writer lock file.
func (d Dir) LockPath() string { return filepath.Join(d.Path, "LOCK") }

// Create makes the directory (and its parents) if needed.
func (d Dir) Create() error {
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	return nil
}

// IsEmpty reports whether the directory holds no store yet.
func (d Dir) IsEmpty() bool {
	_, err := os.Stat(d.StorePath())
	return errors.Is(err, os.ErrNotExist)
}

// Lock is a held writer lock.
type Lock struct {
	f *os.File
}

// Lock takes the writer lock without waiting. purpose ("serve", "import")
// is written into the lock file so that a refused second writer can say who
// holds the directory.
func (d Dir) Lock(purpose string) (*Lock, error) {
	if err := d.Create(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(d.LockPath(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(d.LockPath())
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, fmt.Errorf("data directory %s is in use by %s; stop it first or use another --data directory: %w", d.Path, who, procure.ErrLocked)
		}
		return nil, fmt.Errorf("lock data directory %s: %w", d.Path, err)
	}
	info := "tenderlens " + purpose + " (pid " + strconv.Itoa(os.Getpid()) + ", since " + time.Now().UTC().Format(time.RFC3339) + ")\n"
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(info), 0)
		_ = f.Sync()
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up. The kernel also releases it when the process
// dies, so a crashed writer never leaves the directory locked.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
