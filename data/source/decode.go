package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// countingReader counts the bytes read through it; Count may be called from
// another goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingReader) Count() int64 { return c.n.Load() }

// capReader enforces the decompressed size cap and the compression-ratio
// cap.
type capReader struct {
	r          io.Reader
	in         *countingReader // bytes before decompression
	compressed bool
	out        int64
	max        int64
	maxRatio   int64 // <= 0: no ratio check
	ratioFloor int64
	what       string
	err        error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	// Read at most one byte past the cap so an input of exactly max bytes
	// passes and max+1 fails.
	if room := c.max + 1 - c.out; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.out += int64(n)
	if c.out > c.max {
		c.err = tooLargef("%s is larger than the limit of %s (after decompression)", c.what, byteSize(c.max))
		return 0, c.err
	}
	if c.compressed && c.maxRatio > 0 && c.out > c.ratioFloor {
		if in := max(c.in.Count(), 1); c.out/in > c.maxRatio {
			c.err = tooLargef("%s looks like a decompression bomb: %s of compressed data expanded to %s (more than %d:1)",
				c.what, byteSize(in), byteSize(c.out), c.maxRatio)
			return 0, c.err
		}
	}
	return n, err
}

var gzipMagic = []byte{0x1f, 0x8b}

// decode wraps raw with transparent gzip decoding (Content-Encoding gzip,
// then gzip magic bytes in the payload itself, e.g. a .gz file) and the caps.
// The returned counter counts raw bytes.
func decode(raw io.Reader, contentEncoding string, o *options, what string) (io.Reader, *countingReader, error) {
	in := &countingReader{r: raw}
	var r io.Reader = in
	compressed := false
	switch ce := strings.ToLower(strings.TrimSpace(contentEncoding)); ce {
	case "", "identity":
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(in)
		if errors.Is(err, io.EOF) {
			r = bytes.NewReader(nil)
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: Content-Encoding gzip but the body is not gzip: %w", what, err)
		}
		r, compressed = gz, true
	default:
		return nil, nil, fmt.Errorf("%s: unsupported Content-Encoding %q (only gzip is supported)", what, contentEncoding)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(2); bytes.Equal(head, gzipMagic) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: starts like gzip but cannot be decompressed: %w", what, err)
		}
		r, compressed = gz, true
	} else {
		r = br
	}
	floor := o.cfg.ratioFloor
	if floor <= 0 {
		floor = ratioFloorBytes
	}
	return &capReader{r: r, in: in, compressed: compressed, max: o.cfg.MaxBytes, maxRatio: o.cfg.MaxRatio, ratioFloor: floor, what: what}, in, nil
}

// spool holds one downloaded page: in memory up to a limit, then in an
// unlinked temporary file.
type spool struct {
	dir      string
	memLimit int64
	buf      []byte
	f        *os.File
	size     int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && int64(len(s.buf)+len(p)) <= s.memLimit {
		s.buf = append(s.buf, p...)
		s.size += int64(len(p))
		return len(p), nil
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "tenderlens-page-*")
		if err != nil {
			return 0, fmt.Errorf("spool page to disk: %w", err)
		}
		// Unlink at once (POSIX): a crash leaves no file behind. Where that is
		// not possible, Close removes it.
		_ = os.Remove(f.Name())
		s.f = f
		if _, err := f.Write(s.buf); err != nil {
			return 0, fmt.Errorf("spool page to disk: %w", err)
		}
		s.buf = nil
	}
	n, err := s.f.Write(p)
	s.size += int64(n)
	if err != nil {
		err = fmt.Errorf("spool page to disk: %w", err)
	}
	return n, err
}

// reader returns a fresh reader over the whole spooled content.
func (s *spool) reader() io.Reader {
	if s.f != nil {
		return io.NewSectionReader(s.f, 0, s.size)
	}
	return bytes.NewReader(s.buf)
}

func (s *spool) Close() error {
	s.buf = nil
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	_ = os.Remove(name) // already gone where unlink-while-open works
	s.f = nil
	return err
}

func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
