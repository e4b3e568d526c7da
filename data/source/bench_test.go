package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchPage is a realistic release package of about 32 MiB.
func benchPage(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	buf.WriteString(`{"uri":"https://example.org/p","version":"1.1","releases":[`)
	for i := 0; buf.Len() < 32<<20; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"ocid":"ocds-213czf-%06d","id":"%d-award","date":"2024-01-01T00:00:00Z","tag":["award"],"buyer":{"id":"PY-RUC-80000000","name":"Ministerio de Salud Pública y Bienestar Social"},"awards":[{"id":"%d","status":"active","value":{"amount":1234567.89,"currency":"PYG"},"suppliers":[{"id":"PY-RUC-80030218","name":"DATA LAB SA"}]}]}`, i, i, i)
	}
	buf.WriteString(`],"links":{"next":null}}`)
	return buf.Bytes()
}

// BenchmarkFetchPage measures one 32 MiB page fetched over loopback, plain
// and gzip-encoded: download, decompress, spool (spilling to a temporary
// file), links.next scan, and reading the body once.
func BenchmarkFetchPage(b *testing.B) {
	page := benchPage(b)
	gz := gzipBytes(b, page)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gz" {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz)
			return
		}
		w.Write(page)
	}))
	defer srv.Close()
	for _, path := range []string{"/plain", "/gz"} {
		b.Run(path[1:], func(b *testing.B) {
			cfg := Config{Location: srv.URL + path, AllowPrivate: true, TempDir: b.TempDir()}
			b.SetBytes(int64(len(page)))
			for range b.N {
				_, err := Fetch(context.Background(), cfg, State{}, func(d Doc) error {
					_, err := io.Copy(io.Discard, d.Body)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
