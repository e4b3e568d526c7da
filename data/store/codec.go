package store

import (
	"bytes"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/tenderlens/tenderlens/data/procure"
)

// zstdMagic starts every zstd frame. JSON never starts with it (0x28 is '('),
// so a stored blob is compressed exactly when it has this prefix.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// codec compresses the JSON blobs. Encoder and decoder are safe for
// concurrent use (EncodeAll/DecodeAll).
type codec struct {
	enc *zstd.Encoder // nil: store blobs uncompressed
	dec *zstd.Decoder
}

func newCodec(compress bool) (*codec, error) {
	c := &codec{}
	var err error
	if compress {
		// SpeedFastest (zstd level 1): on the real OCDS samples it
		// compresses 3.2x where level 3 compresses 3.3x, at several times
		// the speed, and compressing is the largest CPU cost of ApplyBatch
		// (see compress_test.go). One encoder per core: EncodeAll holds an
		// encoder for the whole call, so a single one would serialize the
		// parallel workers of ApplyBatch.
		c.enc, err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.SpeedFastest),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
			zstd.WithLowerEncoderMem(true))
		if err != nil {
			return nil, err
		}
	}
	c.dec, err = zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (c *codec) close() {
	if c.enc != nil {
		c.enc.Close()
	}
	c.dec.Close()
}

// minCompress is the size below which blobs are stored as they are: the
// frame overhead eats the gain.
const minCompress = 128

// pack returns the blob to store for b: a zstd frame when that is smaller,
// else b itself.
func (c *codec) pack(b []byte) []byte {
	if c.enc == nil || len(b) < minCompress {
		return b
	}
	z := c.enc.EncodeAll(b, make([]byte, 0, len(b)/3+64))
	if len(z) >= len(b) {
		return b
	}
	return z
}

// unpack returns the JSON held in a stored blob.
func (c *codec) unpack(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, zstdMagic) {
		return b, nil
	}
	out, err := c.dec.DecodeAll(b, nil)
	if err != nil {
		return nil, fmt.Errorf("decompress stored blob: %w: %w", procure.ErrCorrupt, err)
	}
	return out, nil
}

// Times are stored as microseconds since the Unix epoch, UTC; NULL for zero.

func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func dbTimeInt(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromDBTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// sum is an exact running total too large for one int64 of units:
// value = whole*unitsPerWhole + frac, with 0 <= frac < unitsPerWhole.
type sum struct {
	whole, frac int64
}

const unitsPerWhole = 10000 // 10^procure.DecimalScale

func sumOf(units int64) sum {
	w, f := units/unitsPerWhole, units%unitsPerWhole
	if f < 0 {
		f += unitsPerWhole
		w--
	}
	return sum{w, f}
}

func satAdd(a, b int64) int64 {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

func (s sum) add(o sum) sum {
	w, f := satAdd(s.whole, o.whole), s.frac+o.frac
	if f >= unitsPerWhole {
		f -= unitsPerWhole
		w = satAdd(w, 1)
	}
	return sum{w, f}
}

func (s sum) neg() sum {
	if s.frac == 0 {
		return sum{-s.whole, 0}
	}
	return sum{-s.whole - 1, unitsPerWhole - s.frac}
}

func (s sum) isZero() bool { return s.whole == 0 && s.frac == 0 }

// decimal converts to a procure.Decimal, clamping at its range (a total
// beyond ±922 trillion currency units cannot be represented by procure).
func (s sum) decimal() procure.Decimal {
	const maxWhole = math.MaxInt64 / unitsPerWhole
	const minWhole = math.MinInt64 / unitsPerWhole
	switch {
	case s.whole > maxWhole || (s.whole == maxWhole && s.frac > math.MaxInt64%unitsPerWhole):
		return procure.DecimalFromUnits(math.MaxInt64)
	case s.whole < minWhole:
		return procure.DecimalFromUnits(math.MinInt64)
	}
	return procure.DecimalFromUnits(s.whole*unitsPerWhole + s.frac)
}

// less orders sums by value.
func (s sum) less(o sum) bool {
	if s.whole != o.whole {
		return s.whole < o.whole
	}
	return s.frac < o.frac
}
