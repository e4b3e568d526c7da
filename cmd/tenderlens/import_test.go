package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// sharedOCDSFiles lists every file under ../shared/data/ocds.
func sharedOCDSFiles(t *testing.T) (root string, files []string) {
	t.Helper()
	root = testenv.SharedData(t, "ocds")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 40 {
		t.Fatalf("only %d files under %s", len(files), root)
	}
	return root, files
}

// independentOCIDs finds the ocids of an OCDS file without the importer: it
// decodes every top-level JSON value (a package, a record, a release, one per
// line or concatenated) with encoding/json and collects ocids from the places
// OCDS puts them. Records without a top-level ocid (a known quirk) get theirs
// from their compiled release or releases.
func independentOCIDs(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var v map[string]any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var record func(r map[string]any)
		record = func(r map[string]any) {
			if s, ok := r["ocid"].(string); ok && s != "" {
				out[s] = true
				return
			}
			if c, ok := r["compiledRelease"].(map[string]any); ok {
				if s, ok := c["ocid"].(string); ok {
					out[s] = true
					return
				}
			}
			if rels, ok := r["releases"].([]any); ok {
				for _, x := range rels {
					if m, ok := x.(map[string]any); ok {
						if s, ok := m["ocid"].(string); ok {
							out[s] = true
						}
					}
				}
			}
		}
		switch {
		case v["records"] != nil:
			for _, r := range v["records"].([]any) {
				record(r.(map[string]any))
			}
		case v["releases"] != nil && v["ocid"] == nil && v["compiledRelease"] == nil && v["uri"] != nil:
			for _, r := range v["releases"].([]any) {
				out[r.(map[string]any)["ocid"].(string)] = true
			}
		default: // a bare release or record
			record(v)
		}
	}
	return out
}

// TestImportEverySharedOCDSFile is the acceptance check: importing
// each file of ../shared/data/ocds exits 0, stores exactly the distinct ocids
// the file holds (counted independently), and reports the known quirks as
// warnings (golden list of codes and locations).
func TestImportEverySharedOCDSFile(t *testing.T) {
	root, files := sharedOCDSFiles(t)
	var golden strings.Builder
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		t.Run(rel, func(t *testing.T) {
			data := t.TempDir()
			code, stdout, stderr := runCLI(t, nil, "import", "--data", data, "--format", "ocds", "--quiet", f)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			want := independentOCIDs(t, f)
			st, err := store.Open(context.Background(), filepath.Join(data, "tenderlens.db"), store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			got := map[string]bool{}
			if err := st.EachOCID(context.Background(), func(o string) error { got[o] = true; return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("stored %d distinct ocids, the file holds %d", len(got), len(want))
			}
			for o := range want {
				if !got[o] {
					t.Errorf("ocid %s of the file was not stored", o)
				}
			}
			runs, err := st.Runs(context.Background(), "manual", 1)
			if err != nil || len(runs) != 1 {
				t.Fatalf("runs: %v %v", runs, err)
			}
			run, err := st.Run(context.Background(), runs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&golden, "== %s: %d ocids, %d read, %d stored, %d warnings, %d errors\n", rel, len(got), run.Read, run.Stored, run.Warnings, run.Errors)
			for _, p := range run.Problems {
				loc := p.Location
				fmt.Fprintf(&golden, "%s %s line %d #%d %s\n", p.Severity, p.Code, loc.Line, loc.Index, loc.Path)
			}
		})
	}
	if !t.Failed() {
		checkGolden(t, "shared-ocds-import.golden", golden.String())
	}
}

// importAllShared imports every shared OCDS file into one data directory.
func importAllShared(t *testing.T) string {
	t.Helper()
	root, _ := sharedOCDSFiles(t)
	data := t.TempDir()
	code, stdout, stderr := runCLI(t, nil, "import", "--data", data, "--format", "ocds", "--source", "shared", "--quiet", root)
	if code != 0 {
		t.Fatalf("import exit %d\n%s\n%s", code, stdout, stderr)
	}
	return data
}

type searchAnswer struct {
	Total int `json:"total"`
	Hits  []struct {
		OCID      string `json:"ocid"`
		Title     string `json:"title"`
		Buyer     struct{ ID, Name string }
		Suppliers []struct{ ID, Name string }
		URL       string `json:"url"`
	} `json:"hits"`
	Facets     map[string][]procure.FacetCount `json:"facets"`
	NextCursor string                          `json:"next_cursor"`
}

// TestSearchFindsEachPublisher: a known contract of each publisher is found,
// a Latin query finds the Ukrainian contract by its Cyrillic supplier name,
// and facet counts equal counts computed from the store.
func TestSearchFindsEachPublisher(t *testing.T) {
	data := importAllShared(t)
	a := openWeb(t, data)
	cases := []struct {
		q, prefix, why string
	}{
		{"step-agro", "ocds-be6bcu-", "Ukraine: Latin query, Cyrillic supplier СТОВ \"Степ-Агро\""},
		{"Степ-Агро", "ocds-be6bcu-", "Ukraine: the Cyrillic name itself"},
		{"eyecon medical", "ocds-ngfbwp-", "Moldova: supplier Î.C.S. EYECON MEDICAL S.R.L."},
		{"公共衛生", "ocid-6as3t2-", "Taiwan: Chinese supplier name 台灣公共衛生學會"},
		{"arrendamiento informáticos", "OCDS-87SD3T-", "Mexico City: ARRENDAMIENTO DE BIENES INFORMÁTICOS"},
		{"asesoria seguros", "ocds-07smqs-", "Mexico federal: accent-folded, stemmed Spanish"},
		{"\"direct payment support\"", "ocds-b5fd17-", "UK Contracts Finder: phrase"},
		{"\"formas impresas\"", "ocds-xs1qbl-", "Jalisco"},
		{"\"data lab\"", "ocds-03ad3f-", "Paraguay: supplier DATA LAB SA"},
		{"մանկապարտեզի", "AM-PPS-", "Armenia: Armenian script (kindergarten)"},
	}
	publishers := map[string]bool{}
	for _, c := range cases {
		var ans searchAnswer
		getJSON(t, a, "/api/v1/search?limit=100&q="+url.QueryEscape(c.q), &ans)
		found := false
		for _, h := range ans.Hits {
			if strings.HasPrefix(h.OCID, c.prefix) {
				found = true
				publishers[strings.ToLower(strings.SplitN(h.OCID, "-", 3)[1])] = true
				break
			}
		}
		if !found {
			t.Errorf("%s: q=%q found no %s contract (%d hits)", c.why, c.q, c.prefix, ans.Total)
		}
	}
	if len(publishers) < 5 {
		t.Errorf("found contracts of %d publishers, want at least 5", len(publishers))
	}

	// Facets against the store: the empty query browses everything.
	var ans searchAnswer
	getJSON(t, a, "/api/v1/search?limit=5", &ans)
	n, err := a.store.ContractCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ans.Total != n {
		t.Errorf("browse total %d, store holds %d contracts", ans.Total, n)
	}
	want := map[string]map[string]int{"buyer_type": {}, "year": {}, "currency": {}, "country": {}}
	err = a.store.EachContract(context.Background(), func(c procure.Contract) error {
		want["buyer_type"][string(c.BuyerType)]++
		if !c.Date.IsZero() {
			want["year"][fmt.Sprint(c.Date.UTC().Year())]++
		}
		if c.Amount.Currency != "" {
			want["currency"][c.Amount.Currency]++
		}
		if c.Country != "" {
			want["country"][c.Country]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for facet, counts := range want {
		got := map[string]int{}
		for _, fc := range ans.Facets[facet] {
			got[fc.Value] = fc.Count
		}
		for v, c := range counts {
			if got[v] != c {
				t.Errorf("facet %s=%s: %d, store has %d", facet, v, got[v], c)
			}
		}
		for v, c := range got {
			if counts[v] == 0 {
				t.Errorf("facet %s=%s: %d, store has none", facet, v, c)
			}
		}
	}
	// A filter narrows to exactly its facet count.
	for _, fc := range ans.Facets["buyer_type"] {
		var f searchAnswer
		getJSON(t, a, "/api/v1/search?limit=1&buyer_type="+url.QueryEscape(fc.Value), &f)
		if f.Total != fc.Count {
			t.Errorf("buyer_type=%s: %d hits, facet said %d", fc.Value, f.Total, fc.Count)
		}
	}
}

// TestAgencyTotalsEqualAwardSums: every agency page's totals equal the sum of
// its counted awards per currency, computed here from the compiled releases
// the API serves (exact decimal arithmetic).
func TestAgencyTotalsEqualAwardSums(t *testing.T) {
	data := importAllShared(t)
	a := openWeb(t, data)
	want := map[string]map[string]*big.Rat{} // agency id → currency → sum
	var ocids []string
	if err := a.store.EachOCID(context.Background(), func(o string) error { ocids = append(ocids, o); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, ocid := range ocids {
		var c struct {
			Contract        procure.Contract `json:"summary"`
			CompiledRelease struct {
				Awards []struct {
					Status string `json:"status"`
					Value  *struct {
						Amount   json.Number `json:"amount"`
						Currency string      `json:"currency"`
					} `json:"value"`
				} `json:"awards"`
			} `json:"compiledRelease"`
		}
		getJSON(t, a, "/api/v1/contracts/"+url.PathEscape(ocid), &c)
		buyer := c.Contract.Buyer.ID
		if buyer == "" {
			continue
		}
		for _, aw := range c.CompiledRelease.Awards {
			if aw.Status == "cancelled" || aw.Status == "unsuccessful" || aw.Value == nil || aw.Value.Amount == "" {
				continue
			}
			r, ok := new(big.Rat).SetString(string(aw.Value.Amount))
			if !ok {
				t.Fatalf("%s: amount %q", ocid, aw.Value.Amount)
			}
			cur := strings.ToUpper(aw.Value.Currency)
			if want[buyer] == nil {
				want[buyer] = map[string]*big.Rat{}
			}
			if want[buyer][cur] == nil {
				want[buyer][cur] = new(big.Rat)
			}
			want[buyer][cur].Add(want[buyer][cur], r)
		}
	}
	if len(want) < 5 {
		t.Fatalf("only %d agencies with awards", len(want))
	}
	for id, byCur := range want {
		var ag procure.AgencyDetail
		getJSON(t, a, "/api/v1/agencies/"+url.PathEscape(id), &ag)
		got := map[string]string{}
		for _, m := range ag.Totals {
			got[m.Currency] = m.Amount.String()
		}
		for cur, sum := range byCur {
			w := sum.FloatString(4)
			g, ok := new(big.Rat).SetString(got[cur])
			if !ok || g.Cmp(sum) != 0 {
				t.Errorf("agency %s %s: page total %q, awards sum to %s", id, cur, got[cur], w)
			}
		}
		if len(got) != len(byCur) {
			t.Errorf("agency %s: page has totals in %v, awards in %d currencies", id, got, len(byCur))
		}
	}
}

// TestHandedOverContractsEqualStored: an import indexes the contracts each
// store batch returns instead of reading them back, so those must equal
// what DirtyContracts decodes from the store, value for value (compared as
// their JSON: a time parsed with the local zone's offset and the same time
// decoded with a fixed zone are equal), for every shared OCDS file (times
// with offsets, decimals, missing values, several releases per ocid across
// batches).
func TestHandedOverContractsEqualStored(t *testing.T) {
	ctx := context.Background()
	_, files := sharedOCDSFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			in, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			handed := map[string]procure.Contract{}
			var batch []procure.SourceRelease
			flush := func() error {
				res, err := st.ApplyBatch(ctx, 0, batch, ocds.Compile)
				batch = nil
				if err != nil {
					return err
				}
				if len(res.Contracts) != len(res.Changed) {
					t.Fatalf("%d contracts for %d changed ocids", len(res.Contracts), len(res.Changed))
				}
				for i, o := range res.Changed {
					if res.Contracts[i].OCID != o {
						t.Fatalf("contract %d is %s, changed ocid %s", i, res.Contracts[i].OCID, o)
					}
					handed[o] = res.Contracts[i]
				}
				return nil
			}
			_, err = ocds.Read(ctx, in, ocds.Options{Source: "t", URL: f}, func(r procure.SourceRelease) error {
				batch = append(batch, r)
				if len(batch) == 300 {
					return flush()
				}
				return nil
			}, nil)
			if err == nil && len(batch) > 0 {
				err = flush()
			}
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.DirtyContracts(ctx, len(handed)+1)
			if err != nil || len(stored) != len(handed) {
				t.Fatalf("%d dirty contracts, %d handed over: %v", len(stored), len(handed), err)
			}
			for _, c := range stored {
				h := handed[c.OCID]
				hj, _ := json.Marshal(h)
				cj, _ := json.Marshal(c)
				if !bytes.Equal(hj, cj) {
					t.Fatalf("%s: handed over\n%s\nstored\n%s", c.OCID, hj, cj)
				}
			}
		})
	}
}
