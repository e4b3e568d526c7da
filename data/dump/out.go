package dump

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

// outFile is one file being written into the generation directory: it
// counts and hashes the bytes on disk and is synced on close.
type outFile struct {
	f     *os.File
	buf   *bufio.Writer
	h     hash.Hash
	n     int64
	gz    *gzip.Writer // non-nil for .gz files
	entry manifest.File
}

// create opens name (a slash path inside dir) for writing. gz compresses
// the content with gzip (no file name, no time: deterministic).
func create(dir string, entry manifest.File, gz bool) (*outFile, error) {
	p := filepath.Join(dir, filepath.FromSlash(entry.Name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	o := &outFile{f: f, h: sha256.New(), entry: entry}
	o.buf = bufio.NewWriterSize(io.MultiWriter(f, o.h, (*counter)(&o.n)), 256<<10)
	if gz {
		o.gz, err = gzip.NewWriterLevel(o.buf, gzip.DefaultCompression)
		if err != nil {
			f.Close()
			return nil, err
		}
		o.entry.Compression = "gzip"
	}
	if o.entry.MediaType == "" {
		o.entry.MediaType = manifest.MediaTypes[entry.Format]
		if gz {
			o.entry.MediaType = "application/gzip" // served as the file it is, not re-encoded
		}
	}
	return o, nil
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// Write writes content bytes (compressed when the file is gzip).
func (o *outFile) Write(p []byte) (int, error) {
	if o.gz != nil {
		return o.gz.Write(p)
	}
	return o.buf.Write(p)
}

// close finishes the file, syncs it and returns its manifest entry.
func (o *outFile) close() (manifest.File, error) {
	var err error
	if o.gz != nil {
		err = o.gz.Close()
	}
	if e := o.buf.Flush(); err == nil {
		err = e
	}
	if e := o.f.Sync(); err == nil {
		err = e
	}
	if e := o.f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return manifest.File{}, fmt.Errorf("write %s: %w", o.entry.Name, err)
	}
	o.entry.Bytes = o.n
	o.entry.SHA256 = hex.EncodeToString(o.h.Sum(nil))
	return o.entry, nil
}

// abort closes the file without caring for errors (the temporary directory
// is removed anyway).
func (o *outFile) abort() {
	if o.f != nil {
		o.f.Close()
	}
}

// hashFile computes the entry of a file written by another writer (the
// SQLite file, archives).
func hashFile(dir string, entry manifest.File) (manifest.File, error) {
	p := filepath.Join(dir, filepath.FromSlash(entry.Name))
	f, err := os.Open(p)
	if err != nil {
		return entry, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return entry, fmt.Errorf("hash %s: %w", entry.Name, err)
	}
	if err := f.Sync(); err != nil {
		return entry, fmt.Errorf("sync %s: %w", entry.Name, err)
	}
	entry.Bytes = n
	entry.SHA256 = hex.EncodeToString(h.Sum(nil))
	if entry.MediaType == "" {
		entry.MediaType = manifest.MediaTypes[entry.Format]
	}
	return entry, nil
}
