package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tenderlens/tenderlens/data/bods"
	"github.com/tenderlens/tenderlens/data/ingest"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/psc"
	"github.com/tenderlens/tenderlens/data/sanctions"
	"github.com/tenderlens/tenderlens/data/store"
)

// entityFormats returns the import formats of ownership registers and
// sanctions lists (issue 5) by name, for `tenderlens import --format F` and
// for configured sources:
//
//	bods      BODS 0.2/0.3/0.4 statements (JSON array or JSON Lines);
//	          options: namespace (ID prefix, default "bods"), dataset
//	psc       UK Companies House PSC snapshot lines and basic company data
//	ofac-csv  the OFAC legacy CSV set: give the directory or the files
//	          sdn.csv, add.csv, alt.csv, sdn_comments.csv (or cons_*.csv)
//	ofac-xml  OFAC XML, sdnList schema (sdn.xml, consolidated.xml) or the
//	          advanced schema (sdn_advanced.xml); option: list (sdn or
//	          consolidated, for an sdnList file whose name does not say)
//	un-xml    the UN Security Council consolidated list XML
//	eu-xml    the EU Financial Sanctions Files XML 1.1
//	ftm       FollowTheMoney entity JSON lines (OpenSanctions, CC BY-NC 4.0);
//	          options: namespace (default "opensanctions"), license
func entityFormats() map[string]ingest.EntityFormat {
	return map[string]ingest.EntityFormat{
		"bods": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("bods", opts, "namespace", "dataset"); err != nil {
				return nil, err
			}
			p := bods.New(bods.Options{Namespace: opts["namespace"], Dataset: opts["dataset"]})
			return entityParser[bods.Sink]{document: p.Document, finish: p.Finish}, nil
		},
		"psc": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("psc", opts); err != nil {
				return nil, err
			}
			p := psc.New()
			return entityParser[psc.Sink]{document: p.Document, finish: p.Finish}, nil
		},
		"ofac-csv": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("ofac-csv", opts); err != nil {
				return nil, err
			}
			p := sanctions.NewOFACCSV()
			return entityParser[sanctions.Sink]{document: p.Document, finish: p.Finish}, nil
		},
		"ofac-xml": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("ofac-xml", opts, "list"); err != nil {
				return nil, err
			}
			switch opts["list"] {
			case "", "sdn", "consolidated":
			default:
				return nil, fmt.Errorf("ofac-xml: option list must be sdn or consolidated, not %q: %w", opts["list"], procure.ErrInvalid)
			}
			p := sanctions.NewOFACXML(sanctions.OFACXMLOptions{List: opts["list"]})
			return entityParser[sanctions.Sink]{document: p.Document, finish: p.Finish}, nil
		},
		"un-xml": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("un-xml", opts); err != nil {
				return nil, err
			}
			p := sanctions.NewUN()
			return entityParser[sanctions.Sink]{document: p.Document, finish: p.Finish}, nil
		},
		"eu-xml": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("eu-xml", opts); err != nil {
				return nil, err
			}
			p := sanctions.NewEU()
			return entityParser[sanctions.Sink]{document: p.Document, finish: p.Finish}, nil
		},
		"ftm": func(_ string, opts map[string]string) (ingest.EntityParser, error) {
			if err := onlyOptions("ftm", opts, "namespace", "license"); err != nil {
				return nil, err
			}
			p := sanctions.NewFtM(sanctions.FtMOptions{Namespace: opts["namespace"], License: opts["license"]})
			return entityParser[sanctions.Sink]{document: p.Document, finish: p.Finish}, nil
		},
	}
}

// entityFormatNames lists the entity formats, sorted.
func entityFormatNames() []string {
	var out []string
	for k := range entityFormats() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// onlyOptions refuses parser options a format does not know.
func onlyOptions(format string, opts map[string]string, known ...string) error {
	for k := range opts {
		ok := false
		for _, kk := range known {
			ok = ok || k == kk
		}
		if !ok {
			if len(known) == 0 {
				return fmt.Errorf("format %s takes no options (got %q): %w", format, k, procure.ErrInvalid)
			}
			return fmt.Errorf("format %s: unknown option %q (known: %s): %w", format, k, strings.Join(known, ", "), procure.ErrInvalid)
		}
	}
	return nil
}

// entityParser adapts a parser of one of the format packages (each declares
// its own Doc and Sink types, so that they do not depend on ingest) to
// ingest.EntityParser. The run's sink satisfies every package's Sink.
type entityParser[S any] struct {
	document func(ctx context.Context, r io.Reader, d procure.DocOrigin, s S) error
	finish   func(ctx context.Context, s S) error
}

func (a entityParser[S]) sink(s ingest.EntitySink) (S, error) {
	v, ok := any(s).(S)
	if !ok {
		var zero S
		return zero, fmt.Errorf("internal error: the import sink %T does not fit the parser", s)
	}
	return v, nil
}

// Document parses one document with the package's parser.
func (a entityParser[S]) Document(ctx context.Context, r io.Reader, o ingest.ParseOptions, s ingest.EntitySink) error {
	sink, err := a.sink(s)
	if err != nil {
		return err
	}
	return a.document(ctx, r, procure.DocOrigin{Source: o.Source, URL: o.URL, RetrievedAt: o.RetrievedAt}, sink)
}

// Finish finishes the package's parser.
func (a entityParser[S]) Finish(ctx context.Context, s ingest.EntitySink) error {
	sink, err := a.sink(s)
	if err != nil {
		return err
	}
	return a.finish(ctx, sink)
}

// entityStoreAdapter fits *store.Store to ingest.EntityStore (the batch
// result types differ).
type entityStoreAdapter struct{ *store.Store }

// ApplyEntities stores one batch (store.ApplyEntities).
func (s entityStoreAdapter) ApplyEntities(ctx context.Context, runID int64, es []procure.Entity, rs []procure.Relationship) (ingest.EntityBatchResult, error) {
	res, err := s.Store.ApplyEntities(ctx, runID, es, rs)
	return ingest.EntityBatchResult{Stored: res.Stored, Unchanged: res.Unchanged, Problems: res.Problems}, err
}

// newEntityRunner wires the entity importers to the runner (for its lock)
// and the store.
func newEntityRunner(r *ingest.Runner, s *store.Store) (*ingest.EntityRunner, error) {
	return ingest.NewEntityRunner(r, ingest.EntityRunnerConfig{Store: entityStoreAdapter{s}, Formats: entityFormats()})
}
