package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/dict"
	"github.com/klauspost/compress/zstd"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// realReleases extracts every release object (and compiled release) from
// the shared real OCDS samples, compacted as the importer stores them.
func realReleases(t testing.TB) [][]byte {
	dir := testenv.SharedData(t, "ocds")
	var out [][]byte
	var walk func(v any)
	walk = func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		_, hasOCID := m["ocid"]
		_, hasDate := m["date"]
		_, hasTag := m["tag"]
		if hasOCID && (hasDate || hasTag) {
			b, _ := json.Marshal(m)
			out = append(out, b)
			return
		}
		for _, k := range []string{"releases", "records"} {
			if list, ok := m[k].([]any); ok {
				for _, x := range list {
					walk(x)
				}
			}
		}
		if c, ok := m["compiledRelease"]; ok {
			walk(c)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var docs [][]byte
		if strings.HasSuffix(p, ".jsonl") {
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<24)
			for sc.Scan() {
				docs = append(docs, append([]byte(nil), sc.Bytes()...))
			}
		} else {
			docs = [][]byte{b}
		}
		for _, doc := range docs {
			var v any
			if json.Unmarshal(doc, &v) == nil {
				walk(v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCompressionRealData measures how much zstd saves on real OCDS
// releases, one release per frame as the store keeps them. It is the
// measurement behind compressing the JSON blobs (run with -v to see it):
//
//	go test -run TestCompressionRealData -v ./data/store/
func TestCompressionRealData(t *testing.T) {
	rels := realReleases(t)
	if len(rels) < 100 {
		t.Fatalf("found only %d real releases", len(rels))
	}
	var raw int
	for _, r := range rels {
		raw += len(r)
	}
	t.Logf("%d real releases, %d bytes, mean %d bytes", len(rels), raw, raw/len(rels))
	measure := func(name string, enc *zstd.Encoder, dec *zstd.Decoder, sample [][]byte) float64 {
		var packed, in int
		start := time.Now()
		frames := make([][]byte, len(sample))
		for i, r := range sample {
			frames[i] = enc.EncodeAll(r, nil)
			packed += len(frames[i])
			in += len(r)
		}
		encT := time.Since(start)
		start = time.Now()
		for i, f := range frames {
			out, err := dec.DecodeAll(f, nil)
			if err != nil || !bytes.Equal(out, sample[i]) {
				t.Fatalf("%s: round trip failed: %v", name, err)
			}
		}
		decT := time.Since(start)
		ratio := float64(in) / float64(packed)
		t.Logf("%-28s ratio %.2fx (%d -> %d bytes), encode %.0f MB/s, decode %.0f MB/s", name, ratio, in, packed,
			float64(in)/encT.Seconds()/1e6, float64(in)/decT.Seconds()/1e6)
		return ratio
	}
	dec, _ := zstd.NewReader(nil)
	defer dec.Close()
	var def float64
	for _, lv := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault, zstd.SpeedBetterCompression} {
		enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(lv), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
		r := measure("zstd "+lv.String(), enc, dec, rels)
		if lv == zstd.SpeedDefault {
			def = r
		}
	}
	if def < 3 {
		t.Errorf("zstd saves less than expected on real releases: %.2fx", def)
	}
	// A shared dictionary, trained on every other release and tested on the
	// rest (informational: the store does not use one).
	var train, test [][]byte
	for i, r := range rels {
		if i%2 == 0 {
			train = append(train, r)
		} else {
			test = append(test, r)
		}
	}
	d, err := dict.BuildZstdDict(train, dict.Options{MaxDictSize: 64 << 10, HashBytes: 6, ZstdLevel: zstd.SpeedDefault})
	if err != nil {
		t.Logf("dictionary: %v", err)
		return
	}
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderDict(d), zstd.WithEncoderConcurrency(1))
	ddec, _ := zstd.NewReader(nil, zstd.WithDecoderDicts(d))
	defer ddec.Close()
	encPlain, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	measure("held-out, no dictionary", encPlain, dec, test)
	measure("held-out, 64 KiB dictionary", enc, ddec, test)
}

func TestCodecRoundTrip(t *testing.T) {
	for _, compress := range []bool{true, false} {
		c, err := newCodec(compress)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]byte{[]byte(`{}`), []byte(`{"a":"` + strings.Repeat("procurement ", 500) + `"}`)} {
			packed := c.pack(in)
			if compress && len(in) > 1000 && !bytes.HasPrefix(packed, zstdMagic) {
				t.Error("large blob not compressed")
			}
			out, err := c.unpack(packed)
			if err != nil || !bytes.Equal(out, in) {
				t.Errorf("round trip: %v", err)
			}
		}
	}
	c, _ := newCodec(true)
	if _, err := c.unpack(append(append([]byte{}, zstdMagic...), 1, 2, 3)); err == nil {
		t.Error("corrupt frame accepted")
	}
}
