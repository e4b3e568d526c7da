package server

import (
	"bytes"
	"context"
	"net/url"
	"testing"
)

// Benchmarks of the server's own work (parse, build, render) over the
// in-memory fake, so index and store time are excluded:
//
//	go test -run '^$' -bench . -benchmem ./server/
func benchServer(b *testing.B) *server {
	f := newFakeData(plainText)
	s, err := newServer(Config{Logger: discardLogger()}, Deps{Search: f, Catalog: f, Sources: f})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkRenderSearchPage(b *testing.B) {
	s := benchServer(b)
	v := url.Values{"q": {"computadoras"}, "year": {"2021"}}
	b.ReportAllocs()
	for b.Loop() {
		p, err := s.site.buildSearch(context.Background(), s.deps.Search, nil, v)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := s.pages.Execute(&buf, pageSearch, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderAgencyPage(b *testing.B) {
	s := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		p, err := s.site.buildAgency(context.Background(), s.deps.Catalog, testBuyerID)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := s.pages.Execute(&buf, pageAgency, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderContractPage(b *testing.B) {
	s := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		p, err := s.site.buildContract(context.Background(), s.deps.Catalog, testOCID)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := s.pages.Execute(&buf, pageContract, p); err != nil {
			b.Fatal(err)
		}
	}
}
