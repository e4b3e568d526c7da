// Package storesource fits the SQLite store (data/store) to the dump
// writer's Source interface (data/dump), so that neither package imports
// the other. cmd/tenderlens wires it; tests use it too.
package storesource

import (
	"context"

	"github.com/tenderlens/tenderlens/data/dump"
	"github.com/tenderlens/tenderlens/data/store"
)

// Source is a *store.Store seen as a dump.Source.
type Source struct{ Store *store.Store }

// New returns the dump source of st.
func New(st *store.Store) Source { return Source{Store: st} }

// Snapshot opens a consistent read snapshot of the store.
func (s Source) Snapshot(ctx context.Context) (dump.Snapshot, error) {
	snap, err := s.Store.DumpSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snapshot{snap}, nil
}

type snapshot struct{ d *store.DumpSnapshot }

func (s snapshot) Close() error { return s.d.Close() }

func (s snapshot) Fingerprint(ctx context.Context, patterns []string) (string, error) {
	return s.d.Fingerprint(ctx, patterns)
}

func (s snapshot) Info(ctx context.Context) (dump.Info, error) {
	in, err := s.d.Info(ctx)
	if err != nil {
		return dump.Info{}, err
	}
	out := dump.Info{Demo: in.Demo, DataAsOf: in.DataAsOf, StoreSchema: in.StoreSchema}
	for _, src := range in.Sources {
		out.Sources = append(out.Sources, dump.SourceInfo(src))
	}
	return out, nil
}

func (s snapshot) EachContract(ctx context.Context, fn func(dump.Contract) error) error {
	return s.d.EachContract(ctx, func(c store.DumpContract) error { return fn(dump.Contract(c)) })
}

func (s snapshot) EachContractByBuyer(ctx context.Context, fn func(dump.Contract) error) error {
	return s.d.EachContractByBuyer(ctx, func(c store.DumpContract) error { return fn(dump.Contract(c)) })
}

func (s snapshot) EachOrganisation(ctx context.Context, fn func(dump.Organisation) error) error {
	return s.d.EachParty(ctx, func(p store.DumpParty) error { return fn(dump.Organisation(p)) })
}

func (s snapshot) AwardTotals(ctx context.Context) ([]dump.Total, error) {
	ts, err := s.d.AwardTotals(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]dump.Total, len(ts))
	for i, t := range ts {
		out[i] = dump.Total(t)
	}
	return out, nil
}

func (s snapshot) Tables(ctx context.Context, patterns []string) ([]dump.ExtraTable, error) {
	ts, err := s.d.DumpTables(ctx, patterns)
	if err != nil {
		return nil, err
	}
	out := make([]dump.ExtraTable, len(ts))
	for i, t := range ts {
		et := dump.ExtraTable{Name: t.Name, Handle: t}
		for _, c := range t.Columns {
			et.Columns = append(et.Columns, dump.ExtraColumn(c))
		}
		out[i] = et
	}
	return out, nil
}

func (s snapshot) EachRow(ctx context.Context, t dump.ExtraTable, fn func([]any) error) error {
	st, _ := t.Handle.(store.DumpTable)
	return s.d.EachRow(ctx, st, fn)
}
