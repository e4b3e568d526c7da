package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDirectorySource(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.json"), []byte(`{"b":1}`))
	writeFile(t, filepath.Join(dir, "a", "z.json"), []byte(`{"az":1}`))
	writeFile(t, filepath.Join(dir, "a", "deeper", "y.jsonl.gz"), gzipBytes(t, []byte("{\"y\":1}\n{\"y\":2}\n")))
	writeFile(t, filepath.Join(dir, "c.json.gz"), gzipBytes(t, []byte(`{"c":1}`))) // name says gz, content is gz
	writeFile(t, filepath.Join(dir, "d.json.gz"), []byte(`{"d":"not really gzip"}`))
	writeFile(t, filepath.Join(dir, ".hidden.json"), []byte(`{"hidden":1}`))
	writeFile(t, filepath.Join(dir, ".git", "config.json"), []byte(`{"git":1}`))
	if err := os.Symlink(filepath.Join(dir, "b.json"), filepath.Join(dir, "e-link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "f-dirlink")); err != nil {
		t.Fatal(err)
	}

	var d docs
	st, err := Fetch(context.Background(), Config{Name: "drop", Location: dir}, State{}, d.fn)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, "a", "deeper", "y.jsonl.gz"),
		filepath.Join(dir, "a", "z.json"),
		filepath.Join(dir, "b.json"),
		filepath.Join(dir, "c.json.gz"),
		filepath.Join(dir, "d.json.gz"),
		filepath.Join(dir, "e-link.json"),
	}
	if strings.Join(d.urls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("files:\n%s\nwant:\n%s", strings.Join(d.urls, "\n"), strings.Join(want, "\n"))
	}
	if d.bodies[0] != "{\"y\":1}\n{\"y\":2}\n" || d.bodies[3] != `{"c":1}` || d.bodies[4] != `{"d":"not really gzip"}` {
		t.Fatalf("bodies = %q", d.bodies)
	}
	if d.pages[5] != 6 {
		t.Fatalf("pages = %v", d.pages)
	}
	if len(st.ETag) != 6 {
		t.Fatalf("state has %d fingerprints", len(st.ETag))
	}

	// Nothing changed: not modified, nothing delivered.
	var d2 docs
	if _, err := Fetch(context.Background(), Config{Location: dir}, st, d2.fn); !errors.Is(err, ErrNotModified) || len(d2.bodies) != 0 {
		t.Fatalf("unchanged directory: err=%v docs=%d", err, len(d2.bodies))
	}
	// One file changed: only it is read.
	later := time.Now().Add(time.Minute)
	writeFile(t, filepath.Join(dir, "b.json"), []byte(`{"b":2}`))
	os.Chtimes(filepath.Join(dir, "b.json"), later, later)
	var d3 docs
	if _, err := Fetch(context.Background(), Config{Location: dir}, st, d3.fn); err != nil {
		t.Fatal(err)
	}
	// b.json and the link to it.
	if len(d3.bodies) != 2 || d3.bodies[0] != `{"b":2}` {
		t.Fatalf("changed file: %v %q", d3.urls, d3.bodies)
	}
	// conditional=false reads everything again.
	var d4 docs
	if _, err := Fetch(context.Background(), Config{Location: dir, Options: map[string]string{"conditional": "false"}}, st, d4.fn); err != nil || len(d4.bodies) != 6 {
		t.Fatalf("conditional=false: %v, %d docs", err, len(d4.bodies))
	}
	if n, err := LocalSize(dir); err != nil || n <= 0 {
		t.Fatalf("LocalSize = %d, %v", n, err)
	}
	if n, err := LocalSize("https://example.org/x"); err != nil || n != -1 {
		t.Fatalf("LocalSize(URL) = %d, %v", n, err)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Fetch(context.Background(), Config{Location: filepath.Join(dir, "missing.json")}, State{}, func(Doc) error { return nil })
	if !errors.Is(err, procure.ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, ".hidden"), 0o755)
	writeFile(t, filepath.Join(empty, ".only-hidden"), []byte("{}"))
	_, err = Fetch(context.Background(), Config{Location: empty}, State{}, func(Doc) error { return nil })
	if !errors.Is(err, procure.ErrNotFound) || !strings.Contains(err.Error(), "holds no files") {
		t.Errorf("empty dir: %v", err)
	}
	// A gzip bomb on disk and a file over the cap.
	bomb := filepath.Join(dir, "bomb.json.gz")
	writeFile(t, bomb, gzipBytes(t, make([]byte, 32<<20)))
	cfg := Config{Location: bomb, ratioFloor: 1 << 20}
	start := time.Now()
	_, err = Fetch(context.Background(), cfg, State{}, func(d Doc) error {
		_, err := d.Body.Read(make([]byte, 64<<20))
		for err == nil {
			_, err = d.Body.Read(make([]byte, 1<<20))
		}
		return err
	})
	if !errors.Is(err, ErrTooLarge) || time.Since(start) > 2*time.Second {
		t.Errorf("bomb file: %v after %v", err, time.Since(start))
	}
	// The cap does not apply to a plain file's own size (a 4.3 GB corpus
	// on disk imports with the default 4 GiB cap), only to what
	// decompression makes of a file.
	big := filepath.Join(dir, "big.json")
	writeFile(t, big, make([]byte, 10000))
	_, err = Fetch(context.Background(), Config{Location: big, MaxBytes: 9999}, State{}, func(d Doc) error {
		n, err := (&docs{}).readAll(d)
		if err == nil && n != 10000 {
			err = fmt.Errorf("read %d bytes of 10000", n)
		}
		return err
	})
	if err != nil {
		t.Errorf("plain file over the cap: %v", err)
	}
	bigz := filepath.Join(dir, "big.json.gz")
	writeFile(t, bigz, gzipBytes(t, make([]byte, 10000)))
	_, err = Fetch(context.Background(), Config{Location: bigz, MaxBytes: 9999}, State{}, func(d Doc) error {
		_, err := (&docs{}).readAll(d)
		return err
	})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("gzip file decompressing past the cap: %v", err)
	}
}

func (d *docs) readAll(doc Doc) (int, error) {
	buf := make([]byte, 4096)
	n := 0
	for {
		k, err := doc.Body.Read(buf)
		n += k
		if err != nil {
			if err.Error() == "EOF" {
				return n, nil
			}
			return n, err
		}
	}
}

// TestSharedDataDirectory reads the real OCDS samples as one directory
// source: every file is delivered once, byte for byte, in path order.
func TestSharedDataDirectory(t *testing.T) {
	dir := testenv.SharedData(t, "ocds")
	var want []string
	var walk func(string)
	walk = func(d string) {
		entries, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries { // ReadDir sorts by name
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			p := filepath.Join(d, e.Name())
			if e.IsDir() {
				walk(p)
			} else if e.Type().IsRegular() {
				want = append(want, p)
			}
		}
	}
	walk(dir)
	var got []string
	_, err := Fetch(context.Background(), Config{Name: "shared", Location: dir}, State{}, func(d Doc) error {
		b, err := io.ReadAll(d.Body)
		if err != nil {
			return err
		}
		orig, err := os.ReadFile(d.URL)
		if err != nil {
			return err
		}
		if !bytes.Equal(b, orig) && !bytes.HasPrefix(orig, []byte{0x1f, 0x8b}) {
			t.Errorf("%s: delivered bytes differ from the file", d.URL)
		}
		got = append(got, d.URL)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("delivered %d files, want %d:\n%v\n%v", len(got), len(want), got, want)
	}
	t.Logf("%d real OCDS files delivered", len(got))
}
