package sanctions

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// FuzzFtMEntity feeds FtM lines (one record, or a record with the line
// before it) through the FtM parser: it must never panic, and what it emits
// must be storable.
func FuzzFtMEntity(f *testing.F) {
	if dir := testenv.SharedDataDir(); dir != "" {
		m, _ := filepath.Glob(filepath.Join(dir, "sanctions", "opensanctions-ftm", "*.jsonl"))
		for _, file := range m {
			fh, err := os.Open(file)
			if err != nil {
				continue
			}
			sc := bufio.NewScanner(fh)
			sc.Buffer(nil, 1<<22)
			for sc.Scan() {
				f.Add(append([]byte(nil), sc.Bytes()...))
			}
			fh.Close()
		}
	}
	f.Add([]byte(`{"id":"o","schema":"Ownership","properties":{"owner":["a"],"asset":["b"],"percentage":["more than 50"]}}`))
	f.Add([]byte(`{"id":"a","schema":"Company","properties":{"name":["A"],"innCode":["5920040846"],"registrationNumber":["x"],"jurisdiction":["ru"]},"referents":["ofac-1"]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		p := NewFtM(FtMOptions{})
		c := &testenv.EntitySink{}
		doc := bytes.Join([][]byte{
			[]byte(`{"id":"s1","schema":"Sanction","properties":{"entity":["a"],"program":["P"]}}`), line,
			[]byte(`{"id":"a","schema":"Company","properties":{"name":["A"]}}`),
		}, []byte("\n"))
		if err := p.Document(context.Background(), bytes.NewReader(doc), Doc{URL: "fuzz.jsonl"}, c); err != nil {
			t.Fatal(err)
		}
		if err := p.Finish(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Entities {
			if e.ID == "" || e.Kind == "" || e.Name == "" {
				t.Fatalf("incomplete entity %+v", e)
			}
			for _, id := range e.Identifiers {
				if id.Qualified() == "" {
					t.Fatalf("unqualified identifier %+v", id)
				}
			}
		}
		for _, r := range c.Relationships {
			if r.ID == "" || r.Asset == "" || r.Owner == "" || !knownKind(string(r.Kind)) {
				t.Fatalf("incomplete relationship %+v", r)
			}
			if math.IsNaN(r.Share.Min) || r.Share.Min < 0 || r.Share.Max > 100 || r.Share.Min > r.Share.Max {
				t.Fatalf("bad share %+v", r.Share)
			}
		}
	})
}

func knownKind(k string) bool {
	switch k {
	case "ownership", "control", "directorship", "family", "associate", "representation", "membership", "linked-to", "unknown-link", "shared-address":
		return true
	}
	return false
}
