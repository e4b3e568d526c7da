package dump

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/tenderlens/tenderlens/data/dump/manifest"
)

// parquetRowGroup bounds the rows buffered in memory per row group.
const parquetRowGroup = 64 << 10

// writeParquet writes one Parquet file per table (raw values, typed
// columns, all optional, zstd-compressed). Columns come in name order
// (Parquet groups are sorted by name).
func (b *build) writeParquet(ctx context.Context, tables []*table) error {
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(t.cols) == 0 {
			continue
		}
		group := parquet.Group{}
		for _, c := range t.cols {
			var leaf parquet.Node
			switch c.typeOf() {
			case tInteger:
				leaf = parquet.Int(64)
			case tNumber:
				leaf = parquet.Leaf(parquet.DoubleType)
			case tBoolean:
				leaf = parquet.Leaf(parquet.BooleanType)
			default:
				leaf = parquet.String()
			}
			group[c.name] = parquet.Optional(leaf)
		}
		schema := parquet.NewSchema(t.name, group)
		// Leaf i of the schema is the column at order[i] of the table.
		order := make([]int, len(t.cols))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return t.cols[order[i]].name < t.cols[order[j]].name })
		types := make([]string, len(t.cols))
		for i, c := range t.cols {
			types[i] = c.typeOf()
		}
		out, err := create(b.dir, manifest.File{Name: "parquet/" + t.name + ".parquet", Title: "Table " + t.name + " (Parquet)",
			Format: "parquet", Kind: "table", Table: t.name}, false)
		if err != nil {
			return err
		}
		pw := parquet.NewWriter(out, schema,
			parquet.CreatedBy("tenderlens", "dump-"+strconv.Itoa(manifest.FormatVersion), ""),
			parquet.Compression(&parquet.Zstd),
			parquet.MaxRowsPerRowGroup(parquetRowGroup))
		batch := make([]parquet.Row, 0, 512)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			if _, err := pw.WriteRows(batch); err != nil {
				return err
			}
			batch = batch[:0]
			return nil
		}
		err = t.sp.each(len(t.cols), func(_ int, vals []cell) error {
			r := make(parquet.Row, len(order))
			for leaf, ci := range order {
				r[leaf] = parquetValue(vals[ci], types[ci]).Level(0, 1, leaf)
				if r[leaf].IsNull() {
					r[leaf] = parquet.NullValue().Level(0, 0, leaf)
				}
			}
			batch = append(batch, r)
			if len(batch) == cap(batch) {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err == nil {
			err = pw.Close()
		}
		if err != nil {
			out.abort()
			return fmt.Errorf("table %s: %w", t.name, err)
		}
		e, err := out.close()
		if err != nil {
			return err
		}
		e.Rows = t.rows
		b.add(e)
	}
	return nil
}

// parquetValue converts a cell to a value of the column's type (null when
// it does not convert, which the inferred types prevent).
func parquetValue(c cell, typ string) parquet.Value {
	if c.kind == kNull {
		return parquet.NullValue()
	}
	switch typ {
	case tInteger:
		if n, err := strconv.ParseInt(c.text, 10, 64); err == nil {
			return parquet.Int64Value(n)
		}
		return parquet.NullValue()
	case tNumber:
		if f, err := strconv.ParseFloat(c.text, 64); err == nil {
			return parquet.DoubleValue(f)
		}
		return parquet.NullValue()
	case tBoolean:
		return parquet.BooleanValue(c.text == "true")
	}
	return parquet.ByteArrayValue([]byte(c.text))
}
