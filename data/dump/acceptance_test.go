package dump_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/dump"
	"github.com/tenderlens/tenderlens/data/dump/manifest"
	"github.com/tenderlens/tenderlens/data/ocds"
	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/store"
)

// readLines returns the lines of a .jsonl.gz file of the current generation.
func readLines(t testing.TB, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func current(t testing.TB, dir string) (*manifest.Manifest, string) {
	t.Helper()
	m, err := manifest.NewLibrary(dir).Current()
	if err != nil {
		t.Fatal(err)
	}
	return m, filepath.Join(dir, m.Generation)
}

// verifySums recomputes every hash of SHA256SUMS and of the manifest.
func verifySums(t testing.TB, gdir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(gdir, manifest.ChecksumsFile))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("bad SHA256SUMS line %q", line)
		}
		listed[name] = sum
		data, err := os.ReadFile(filepath.Join(gdir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(data)
		if got := hex.EncodeToString(h[:]); got != sum {
			t.Errorf("%s: SHA256SUMS says %s, file hashes to %s", name, sum, got)
		}
	}
	var m manifest.Manifest
	mb, _ := os.ReadFile(filepath.Join(gdir, manifest.ManifestFile))
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		st, err := os.Stat(filepath.Join(gdir, filepath.FromSlash(f.Name)))
		if err != nil {
			t.Fatalf("manifest lists %s: %v", f.Name, err)
		}
		if st.Size() != f.Bytes || listed[f.Name] != f.SHA256 {
			t.Errorf("%s: manifest %d bytes %s, disk %d bytes, SHA256SUMS %s", f.Name, f.Bytes, f.SHA256, st.Size(), listed[f.Name])
		}
	}
}

// TestDeterministic: the same data dumped twice (into two directories, and
// from a second store built from the same inputs) gives byte-identical
// files and the same manifest; dumping unchanged data again publishes
// nothing.
func TestDeterministic(t *testing.T) {
	st := sharedStore(t)
	ctx := context.Background()
	d1, d2 := t.TempDir(), t.TempDir()
	r1, err := newWriter(t, d1, nil).Write(ctx, src(st), fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := newWriter(t, d2, nil).Write(ctx, src(st), fixedTime.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !r1.Published || r1.Generation != r2.Generation {
		t.Fatalf("generations differ: %+v / %+v", r1, r2)
	}
	g1, g2 := filepath.Join(d1, r1.Generation), filepath.Join(d2, r2.Generation)
	verifySums(t, g1)
	compareTrees(t, g1, g2)

	// Same data again into the same directory: nothing new.
	r3, err := newWriter(t, d1, nil).Write(ctx, src(st), fixedTime.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if r3.Published || r3.Generation != r1.Generation {
		t.Fatalf("unchanged data published again: %+v", r3)
	}
	// Forced: the content hash still finds nothing new.
	r4, err := newWriter(t, d1, func(c *dump.Config) { c.Force = true }).Write(ctx, src(st), fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	if r4.Published {
		t.Fatalf("forced dump of unchanged data published a new generation: %+v", r4)
	}

	// A second store built from the same inputs (different internal row
	// ids and compile times) gives the same bytes.
	if testing.Short() {
		return
	}
	other := openStore(t)
	importShared(t, other)
	importDemo(t, other)
	d3 := t.TempDir()
	r5, err := newWriter(t, d3, nil).Write(ctx, src(other), fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	if r5.Generation != r1.Generation {
		t.Fatalf("a store built from the same inputs dumps to %s, not %s", r5.Generation, r1.Generation)
	}
	compareTrees(t, g1, filepath.Join(d3, r5.Generation))
}

func compareTrees(t *testing.T, a, b string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		if strings.HasPrefix(filepath.Base(p), ".") {
			return nil // not published
		}
		x, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two dumps of the same data", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d files compared", n)
	}
}

// hidingSource wraps a source, hides some ocids (as if deleted) and can
// fail or cancel after n contracts.
type hidingSource struct {
	dump.Source
	hide   map[string]bool
	failAt int
	cancel context.CancelFunc
}

type hidingSnap struct {
	dump.Snapshot
	s *hidingSource
}

func (h *hidingSource) Snapshot(ctx context.Context) (dump.Snapshot, error) {
	s, err := h.Source.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return hidingSnap{s, h}, nil
}

var errInjected = errors.New("injected failure")

func (h hidingSnap) EachContract(ctx context.Context, fn func(dump.Contract) error) error {
	n := 0
	return h.Snapshot.EachContract(ctx, func(c dump.Contract) error {
		if h.s.hide[c.OCID] {
			return nil
		}
		n++
		if h.s.failAt > 0 && n == h.s.failAt {
			if h.s.cancel != nil {
				h.s.cancel()
			} else {
				return errInjected
			}
		}
		return fn(c)
	})
}

func (h hidingSnap) EachContractByBuyer(ctx context.Context, fn func(dump.Contract) error) error {
	return h.Snapshot.EachContractByBuyer(ctx, func(c dump.Contract) error {
		if h.s.hide[c.OCID] {
			return nil
		}
		return fn(c)
	})
}

// TestDeltaAndInterruption: a delta applied to the previous full dump
// gives the new full dump; an interrupted dump (error or cancelled
// context, at any stage) leaves the previous generation served intact.
func TestDeltaAndInterruption(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	importDemo(t, st)
	dir := t.TempDir()
	w := newWriter(t, dir, func(c *dump.Config) { c.Disable = []string{"xlsx", "parquet", "sqlite", "agencies"} })
	r1, err := w.Write(ctx, src(st), fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	m1, g1 := current(t, dir)
	full1 := readLines(t, filepath.Join(g1, "releases.jsonl.gz"))
	before := snapshotDir(t, g1)

	// Change the data: a new release for an existing process, a new process.
	first := full1[0]
	var rel map[string]any
	json.Unmarshal(first, &rel)
	ocid := rel["ocid"].(string)
	change := fmt.Sprintf(`{"version":"1.1","publishedDate":"2024-05-02T00:00:00Z","uri":"x","publisher":{"name":"t"},"releases":[
		{"ocid":%q,"id":"amend-1","date":"2024-05-02T00:00:00Z","tag":["tenderAmendment"],"initiationType":"tender","tender":{"id":"t1","title":"Amended title"}},
		{"ocid":"ocds-zzzzzz-new-1","id":"r1","date":"2024-05-02T00:00:00Z","tag":["tender"],"initiationType":"tender","tender":{"id":"t","title":"A new process"}}]}`, ocid)
	importData(t, st, "delta-test", "change.json", []byte(change))

	// Interruptions: each leaves generation 1 served, byte for byte.
	for _, tc := range []struct {
		name string
		src  dump.Source
		w    *dump.Writer
		ctx  func() context.Context
	}{
		{name: "error in the middle", src: &hidingSource{Source: src(st), failAt: 50}, w: w},
		{name: "cancelled context", w: w},
		{name: "failure before publish", src: src(st), w: newWriter(t, dir, func(c *dump.Config) {
			c.Disable = []string{"xlsx", "parquet", "sqlite", "agencies"}
			dump.SetBeforePublish(c, func(string) error { return errInjected })
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			s := tc.src
			if s == nil {
				s = &hidingSource{Source: src(st), failAt: 100, cancel: cancel}
			}
			_, err := tc.w.Write(cctx, s, fixedTime)
			if err == nil {
				t.Fatal("interrupted dump reported success")
			}
			m, g := current(t, dir)
			if m.Generation != m1.Generation {
				t.Fatalf("current generation changed to %s", m.Generation)
			}
			if after := snapshotDir(t, g); !equalMaps(before, after) {
				t.Fatal("files of the served generation changed")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".tmp-") {
					t.Errorf("temporary directory %s left behind", e.Name())
				}
			}
		})
	}

	// Generation 2.
	_ = r1
	r2, err := w.Write(ctx, src(st), fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Published || r2.Previous != m1.Generation {
		t.Fatalf("second generation: %+v", r2)
	}
	m2, g2 := current(t, dir)
	verifySums(t, g2)
	full2 := readLines(t, filepath.Join(g2, "releases.jsonl.gz"))
	delta := readLines(t, filepath.Join(g2, "delta", "from-"+m1.Generation+".jsonl.gz"))
	deleted := readDeleted(t, filepath.Join(g2, "delta", "from-"+m1.Generation+"-deleted.txt"))
	if len(delta) != 2 || len(deleted) != 0 {
		t.Fatalf("delta has %d releases and %d deletions, want 2 and 0", len(delta), len(deleted))
	}
	if got := applyDelta(t, full1, delta, deleted); !bytes.Equal(got, joinLines(full2)) {
		t.Fatal("previous full dump + delta != new full dump")
	}
	if m2.Previous != m1.Generation {
		t.Errorf("manifest previous = %q", m2.Previous)
	}
	// Old generation kept (Keep = 3) and still readable.
	if _, err := manifest.NewLibrary(dir).Manifest(m1.Generation); err != nil {
		t.Errorf("previous generation removed: %v", err)
	}
}

// TestDeltaDeletions checks deletions with a source that drops processes
// (the store never deletes; mirrors must still handle it).
func TestDeltaDeletions(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	importDemo(t, st)
	dir := t.TempDir()
	cfg := func(c *dump.Config) { c.Disable = []string{"xlsx", "parquet", "sqlite", "agencies", "csv"} }
	if _, err := newWriter(t, dir, cfg).Write(ctx, src(st), fixedTime); err != nil {
		t.Fatal(err)
	}
	m1, g1 := current(t, dir)
	full1 := readLines(t, filepath.Join(g1, "releases.jsonl.gz"))
	hide := map[string]bool{}
	for i, l := range full1 {
		if i%7 == 3 {
			var r struct{ OCID string }
			json.Unmarshal(l, &r)
			hide[r.OCID] = true
		}
	}
	w := newWriter(t, dir, func(c *dump.Config) { cfg(c); c.Force = true })
	_, err := w.Write(ctx, &noTotals{&hidingSource{Source: src(st), hide: hide}}, fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	m2, g2 := current(t, dir)
	if m2.Generation == m1.Generation {
		t.Fatal("no new generation")
	}
	full2 := readLines(t, filepath.Join(g2, "releases.jsonl.gz"))
	delta := readLines(t, filepath.Join(g2, "delta", "from-"+m1.Generation+".jsonl.gz"))
	deleted := readDeleted(t, filepath.Join(g2, "delta", "from-"+m1.Generation+"-deleted.txt"))
	if len(deleted) != len(hide) || len(delta) != 0 {
		t.Fatalf("%d deletions (want %d), %d changes (want 0)", len(deleted), len(hide), len(delta))
	}
	if got := applyDelta(t, full1, delta, deleted); !bytes.Equal(got, joinLines(full2)) {
		t.Fatal("previous full dump + delta != new full dump")
	}
}

// noTotals reconciles a hiding source against the totals of what it shows.
type noTotals struct{ *hidingSource }

func (n *noTotals) Snapshot(ctx context.Context) (dump.Snapshot, error) {
	s, err := n.hidingSource.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return &ownTotals{Snapshot: s}, nil
}

// ownTotals computes the totals from the summaries it passes on, so that a
// source that hides contracts still reconciles with itself.
type ownTotals struct{ dump.Snapshot }

func (o *ownTotals) AwardTotals(ctx context.Context) ([]dump.Total, error) {
	acc := map[[4]string]*dump.Total{}
	add := func(scope, id string, year int, cur string, units int64) {
		k := [4]string{scope, id, strconv.Itoa(year), cur}
		t := acc[k]
		if t == nil {
			t = &dump.Total{Scope: scope, ID: id, Year: year, Currency: cur, Units: new(big.Int)}
			acc[k] = t
		}
		t.Units.Add(t.Units, big.NewInt(units))
		t.Count++
	}
	err := o.Snapshot.EachContract(ctx, func(c dump.Contract) error {
		for _, a := range c.Summary.Awards {
			if !a.Counted || !a.HasValue {
				continue
			}
			u := a.Value.Amount.Units()
			add(dump.ScopeCurrency, "", 0, a.Value.Currency, u)
			seen := map[string]bool{}
			for _, s := range a.Suppliers {
				if s.ID != "" && !seen[s.ID] {
					seen[s.ID] = true
					add(dump.ScopeSupplier, s.ID, 0, a.Value.Currency, u)
				}
			}
			if c.Summary.Buyer.ID != "" {
				y := 0
				if !a.Date.IsZero() {
					y = a.Date.Year()
				} else if !c.Summary.Date.IsZero() {
					y = c.Summary.Date.Year()
				}
				add(dump.ScopeBuyerYear, c.Summary.Buyer.ID, y, a.Value.Currency, u)
			}
		}
		return nil
	})
	out := make([]dump.Total, 0, len(acc))
	for _, t := range acc {
		out = append(out, *t)
	}
	return out, err
}

func readDeleted(t testing.TB, p string) []string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// applyDelta is what a mirror does: drop deleted and changed processes from
// the previous full dump, add the changed ones, keep ocid order.
func applyDelta(t testing.TB, prev, delta [][]byte, deleted []string) []byte {
	t.Helper()
	byOCID := map[string][]byte{}
	ocidOf := func(l []byte) string {
		var r struct{ OCID string }
		if err := json.Unmarshal(l, &r); err != nil {
			t.Fatal(err)
		}
		return r.OCID
	}
	for _, l := range prev {
		byOCID[ocidOf(l)] = l
	}
	for _, o := range deleted {
		delete(byOCID, o)
	}
	for _, l := range delta {
		byOCID[ocidOf(l)] = l
	}
	keys := make([]string, 0, len(byOCID))
	for k := range byOCID {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][]byte
	for _, k := range keys {
		out = append(out, byOCID[k])
	}
	return joinLines(out)
}

func joinLines(ls [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range ls {
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func snapshotDir(t testing.TB, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		h := sha256.Sum256(b)
		out[p] = hex.EncodeToString(h[:])
		return nil
	})
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// money sums per key, exactly.
type sums map[string]*[2]*big.Int // key -> units, count

func (s sums) add(key string, units *big.Int) {
	v := s[key]
	if v == nil {
		v = &[2]*big.Int{new(big.Int), new(big.Int)}
		s[key] = v
	}
	v[0].Add(v[0], units)
	v[1].Add(v[1], big.NewInt(1))
}

func (s sums) addAward(buyer string, year int, suppliers []string, currency string, units *big.Int) {
	s.add("currency|"+currency, units)
	if buyer != "" {
		s.add(fmt.Sprintf("buyer-year|%s|%d|%s", buyer, year, currency), units)
		s.add(fmt.Sprintf("buyer|%s|%s", buyer, currency), units)
	}
	seen := map[string]bool{}
	for _, sp := range suppliers {
		if sp != "" && !seen[sp] {
			seen[sp] = true
			s.add(fmt.Sprintf("supplier|%s|%s", sp, currency), units)
		}
	}
}

func compareSums(t *testing.T, what string, want, got sums) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: nothing to compare", what)
	}
	bad := 0
	for k, w := range want {
		g := got[k]
		if g == nil || g[0].Cmp(w[0]) != 0 || g[1].Cmp(w[1]) != 0 {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s: store %v, %s %v", what, k, fmtSum(w), what, fmtSum(g))
			}
		}
	}
	for k, g := range got {
		if want[k] == nil {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s only in %s: %v", what, k, what, fmtSum(g))
			}
		}
	}
}

func fmtSum(v *[2]*big.Int) string {
	if v == nil {
		return "nothing"
	}
	return v[0].String() + " units in " + v[1].String() + " awards"
}

func unitsOf(t testing.TB, s string) *big.Int {
	d, err := procure.ParseDecimal(s)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return big.NewInt(d.Units())
}

// TestReconciliation: per agency (and agency × year), per supplier and per
// currency, the total value and count of counted awards are equal to the
// smallest unit in the store's read models (what the API serves), the
// JSON Lines dump (recompiled by the same code), the CSV tables and the
// SQLite file.
func TestReconciliation(t *testing.T) {
	st := sharedStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := newWriter(t, dir, nil).Write(ctx, src(st), fixedTime); err != nil {
		t.Fatal(err)
	}
	m, g := current(t, dir)
	if !m.Reconciliation.Equal || m.Reconciliation.Checked == 0 {
		t.Fatalf("manifest reconciliation: %+v", m.Reconciliation)
	}

	// 1. The store, through the read models the API serves.
	want := sums{}
	snap, err := st.DumpSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buyers, suppliers []string
	snap.EachParty(ctx, func(p store.DumpParty) error {
		if p.BuyerContracts > 0 {
			buyers = append(buyers, p.Party.ID)
		}
		if p.SupplierAwards > 0 {
			suppliers = append(suppliers, p.Party.ID)
		}
		return nil
	})
	snap.Close()
	curTotals := map[string]bool{}
	for _, id := range buyers {
		a, err := st.Agency(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, y := range a.ByYear {
			u := big.NewInt(y.Amount.Amount.Units())
			k := fmt.Sprintf("buyer-year|%s|%d|%s", id, y.Year, y.Amount.Currency)
			want[k] = &[2]*big.Int{u, big.NewInt(int64(y.Count))}
			bk := fmt.Sprintf("buyer|%s|%s", id, y.Amount.Currency)
			if want[bk] == nil {
				want[bk] = &[2]*big.Int{new(big.Int), new(big.Int)}
			}
			want[bk][0].Add(want[bk][0], u)
			want[bk][1].Add(want[bk][1], big.NewInt(int64(y.Count)))
		}
		for _, tot := range a.Totals {
			bk := fmt.Sprintf("buyer|%s|%s", id, tot.Currency)
			if want[bk] == nil || want[bk][0].Cmp(big.NewInt(tot.Amount.Units())) != 0 {
				t.Errorf("agency %s: totals %v disagree with its years", id, tot)
			}
		}
	}
	supplierTotals := sums{}
	for _, id := range suppliers {
		s, err := st.Supplier(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, tot := range s.Totals {
			supplierTotals.add(fmt.Sprintf("supplier|%s|%s", id, tot.Currency), big.NewInt(tot.Amount.Units()))
		}
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tot := range stats.Totals {
		curTotals[tot.Currency] = true
		want["currency|"+tot.Currency] = &[2]*big.Int{big.NewInt(tot.Amount.Units()), nil}
	}

	check := func(what string, got sums) {
		t.Helper()
		// Supplier pages show amounts (no counts); the home page totals
		// (no counts) — compare amounts there, amounts and counts elsewhere.
		w := sums{}
		for k, v := range want {
			if strings.HasPrefix(k, "currency|") {
				continue
			}
			w[k] = v
		}
		g := sums{}
		for k, v := range got {
			switch {
			case strings.HasPrefix(k, "currency|"):
				if want[k] == nil || want[k][0].Cmp(v[0]) != 0 {
					t.Errorf("%s: %s total %v, store %v", what, k, v[0], want[k])
				}
			case strings.HasPrefix(k, "supplier|"):
				if supplierTotals[k] == nil || supplierTotals[k][0].Cmp(v[0]) != 0 {
					t.Errorf("%s: %s total %v, store %v", what, k, v[0], fmtSum(supplierTotals[k]))
				}
			default:
				g[k] = v
			}
		}
		for k := range supplierTotals {
			if got[k] == nil {
				t.Errorf("%s: supplier total %s missing", what, k)
			}
		}
		compareSums(t, what, w, g)
	}

	// 2. The JSON Lines dump: each compiled release recompiled by the
	// portal's own code gives back the awards.
	fromJSONL := sums{}
	for _, line := range readLines(t, filepath.Join(g, "releases.jsonl.gz")) {
		var head struct {
			OCID string `json:"ocid"`
			ID   string `json:"id"`
		}
		json.Unmarshal(line, &head)
		c, err := ocds.Compile(head.OCID, []procure.SourceRelease{{OCID: head.OCID, ID: head.ID, Raw: line, Compiled: true, Tag: []string{"compiled"}}})
		if err != nil {
			t.Fatal(err)
		}
		k := c.Contract
		for _, a := range k.Awards {
			if !a.Counted || !a.HasValue {
				continue
			}
			var sp []string
			for _, s := range a.Suppliers {
				sp = append(sp, s.ID)
			}
			y := 0
			if !a.Date.IsZero() {
				y = a.Date.Year()
			} else if !k.Date.IsZero() {
				y = k.Date.Year()
			}
			fromJSONL.addAward(k.Buyer.ID, y, sp, a.Value.Currency, big.NewInt(a.Value.Amount.Units()))
		}
	}
	check("JSON Lines", fromJSONL)

	// 3. The CSV tables.
	zr, err := zip.OpenReader(filepath.Join(g, "tables.csv.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	readCSV := func(name string) []map[string]string {
		f, err := zr.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]string
		for _, rec := range recs[1:] {
			m := map[string]string{}
			for i, h := range recs[0] {
				m[h] = rec[i]
			}
			out = append(out, m)
		}
		return out
	}
	fromCSV := sums{}
	for _, a := range readCSV("portal_awards.csv") {
		if a["counted"] != "true" || a["has_value"] != "true" {
			continue
		}
		y, _ := strconv.Atoi(a["year"])
		u := unitsOf(t, a["amount_exact"])
		fromCSV.add("currency|"+a["currency"], u)
		if a["buyer_id"] != "" {
			fromCSV.add(fmt.Sprintf("buyer-year|%s|%d|%s", a["buyer_id"], y, a["currency"]), u)
			fromCSV.add(fmt.Sprintf("buyer|%s|%s", a["buyer_id"], a["currency"]), u)
		}
	}
	for _, a := range readCSV("portal_award_suppliers.csv") {
		if a["counted"] != "true" || a["has_value"] != "true" || a["supplier_id"] == "" {
			continue
		}
		fromCSV.add(fmt.Sprintf("supplier|%s|%s", a["supplier_id"], a["currency"]), unitsOf(t, a["amount_exact"]))
	}
	check("CSV", fromCSV)

	// 4. The SQLite file.
	db, err := sql.Open("sqlite", "file://"+filepath.Join(g, "tenderlens.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fromSQL := sums{}
	rows, err := db.Query(`SELECT buyer_id, year, currency, amount_exact FROM portal_awards WHERE counted = 1 AND has_value = 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var buyer, cur, amount sql.NullString
		var year int
		if err := rows.Scan(&buyer, &year, &cur, &amount); err != nil {
			t.Fatal(err)
		}
		u := unitsOf(t, amount.String)
		fromSQL.add("currency|"+cur.String, u)
		if buyer.String != "" {
			fromSQL.add(fmt.Sprintf("buyer-year|%s|%d|%s", buyer.String, year, cur.String), u)
			fromSQL.add(fmt.Sprintf("buyer|%s|%s", buyer.String, cur.String), u)
		}
	}
	rows.Close()
	rows, err = db.Query(`SELECT supplier_id, currency, amount_exact FROM portal_award_suppliers
		WHERE counted = 1 AND has_value = 1 AND supplier_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sp, cur, amount sql.NullString
		if err := rows.Scan(&sp, &cur, &amount); err != nil {
			t.Fatal(err)
		}
		fromSQL.add(fmt.Sprintf("supplier|%s|%s", sp.String, cur.String), unitsOf(t, amount.String))
	}
	rows.Close()
	check("SQLite", fromSQL)
	if len(curTotals) == 0 || len(buyers) < 10 || len(suppliers) < 10 {
		t.Fatalf("too little data compared: %d currencies, %d buyers, %d suppliers", len(curTotals), len(buyers), len(suppliers))
	}
}
