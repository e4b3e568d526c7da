package ocds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// readAll runs Read over data and collects releases and problems.
func readAll(t testing.TB, data []byte, url string) ([]procure.SourceRelease, []procure.Problem, Stats, error) {
	t.Helper()
	var rels []procure.SourceRelease
	var probs []procure.Problem
	st, err := Read(context.Background(), bytes.NewReader(data), Options{Source: "test", URL: url},
		func(sr procure.SourceRelease) error { rels = append(rels, sr); return nil },
		func(p procure.Problem) { probs = append(probs, p) })
	return rels, probs, st, err
}

// sharedFile reads a file of the shared OCDS data.
func sharedFile(t testing.TB, elem ...string) []byte {
	t.Helper()
	p := testenv.SharedData(t, append([]string{"ocds"}, elem...)...)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeJSON decodes with UseNumber for exact comparisons.
func decodeJSON(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	return normNumbers(v)
}

// normNumbers makes 10000.0 and 10000 compare equal.
func normNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normNumbers(e)
		}
	case json.Number:
		return canonNumber(string(x))
	}
	return v
}

// jsonDiff lists the paths where a and b differ (at most 20).
func jsonDiff(a, b any) []string {
	var out []string
	var walk func(p string, a, b any)
	walk = func(p string, a, b any) {
		if len(out) >= 20 {
			return
		}
		switch x := a.(type) {
		case map[string]any:
			y, ok := b.(map[string]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: %v != %v", p, short(a), short(b)))
				return
			}
			keys := map[string]bool{}
			for k := range x {
				keys[k] = true
			}
			for k := range y {
				keys[k] = true
			}
			ks := make([]string, 0, len(keys))
			for k := range keys {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			for _, k := range ks {
				walk(p+"/"+k, x[k], y[k])
			}
		case []any:
			y, ok := b.([]any)
			if !ok || len(x) != len(y) {
				out = append(out, fmt.Sprintf("%s: %v != %v", p, short(a), short(b)))
				return
			}
			for i := range x {
				walk(fmt.Sprintf("%s/%d", p, i), x[i], y[i])
			}
		default:
			if !reflect.DeepEqual(a, b) {
				out = append(out, fmt.Sprintf("%s: %v != %v", p, short(a), short(b)))
			}
		}
	}
	walk("", a, b)
	return out
}

func short(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// byOCID groups releases.
func byOCID(rels []procure.SourceRelease) map[string][]procure.SourceRelease {
	out := map[string][]procure.SourceRelease{}
	for _, r := range rels {
		out[r.OCID] = append(out[r.OCID], r)
	}
	return out
}

func codes(probs []procure.Problem) string {
	var s []string
	for _, p := range probs {
		s = append(s, p.Code)
	}
	return strings.Join(s, ",")
}
