package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/summary.golden")

// testNow is the fixed end of the demo period in tests.
var testNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

var (
	genOnce  sync.Once
	genFiles []File
	genErr   error
)

// generated returns the demo data for seed 1 at testNow, generated once.
func generated(t *testing.T) []File {
	t.Helper()
	genOnce.Do(func() { genFiles, genErr = Generate(Options{Seed: 1, Now: testNow}) })
	if genErr != nil {
		t.Fatalf("Generate: %v", genErr)
	}
	return genFiles
}

func TestGenerateDeterministic(t *testing.T) {
	a := generated(t)
	b, err := Generate(Options{Seed: 1, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !sameFiles(a, b) {
		t.Fatal("two runs with the same options differ")
	}
	// The same instant in another zone, with a monotonic reading and
	// sub-second noise, is the same Now.
	local := testNow.In(time.FixedZone("UTC-7", -7*3600)).Add(300 * time.Millisecond)
	c, err := Generate(Options{Seed: 1, Now: local})
	if err != nil {
		t.Fatal(err)
	}
	if !sameFiles(a, c) {
		t.Error("the same instant in another time zone gives different data")
	}
	d, err := Generate(Options{Seed: 2, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if sameFiles(a, d) {
		t.Error("seeds 1 and 2 give the same data")
	}
}

func sameFiles(a, b []File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

func TestGenerateNeedsNow(t *testing.T) {
	_, err := Generate(Options{Seed: 1})
	if !errors.Is(err, procure.ErrInvalid) {
		t.Fatalf("Generate without Now: err = %v, want ErrInvalid", err)
	}
}

func TestIsDemoOCID(t *testing.T) {
	for ocid, want := range map[string]bool{
		"ocds-demo00-KVUSD-2023-004": true,
		"ocds-demo00":                false,
		"ocds-demo001-x":             false,
		"ocds-be6bcu-UA-2016":        false,
	} {
		if got := IsDemoOCID(ocid); got != want {
			t.Errorf("IsDemoOCID(%q) = %v", ocid, got)
		}
	}
}

// TestGenerateValidReleasePackages validates every file against the OCDS
// 1.1 release package schema (and, through it, the release schema), with
// format assertions on.
func TestGenerateValidReleasePackages(t *testing.T) {
	sch := testenv.OCDSReleasePackageSchema(t)
	for _, f := range generated(t) {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s is not a valid OCDS 1.1 release package:\n%v", f.Name, err)
		}
	}
}

// The schema must catch a broken package, or the test above proves nothing.
func TestReleasePackageSchemaRejects(t *testing.T) {
	sch := testenv.OCDSReleasePackageSchema(t)
	good := generated(t)[0].Data
	for name, mutate := range map[string]func(string) string{
		"bad version":   func(s string) string { return strings.Replace(s, `"version":"1.1"`, `"version":"1.1.5"`, 1) },
		"bad tag":       func(s string) string { return strings.Replace(s, `"tag":["tender"]`, `"tag":["bid"]`, 1) },
		"bad currency":  func(s string) string { return strings.Replace(s, `"currency":"USD"`, `"currency":"US$"`, 1) },
		"bad date":      func(s string) string { return strings.Replace(s, `"date":"20`, `"date":"yesterday 20`, 1) },
		"missing ocid":  func(s string) string { return strings.Replace(s, `"ocid":"ocds-demo00`, `"xocid":"ocds-demo00`, 1) },
		"missing award": func(s string) string { return strings.Replace(s, `"awardID":`, `"xawardID":`, 1) },
	} {
		bad := mutate(string(good))
		if bad == string(good) {
			t.Fatalf("%s: mutation did not apply", name)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: schema accepted a broken package", name)
		}
	}
}

// Minimal, independent view of the output for content checks.
type (
	tPackage struct {
		URI           string `json:"uri"`
		Version       string `json:"version"`
		PublishedDate string `json:"publishedDate"`
		Publisher     struct{ Name string }
		License       string     `json:"license"`
		Releases      []tRelease `json:"releases"`
	}
	tRef   struct{ ID, Name string }
	tValue struct {
		Amount   json.Number
		Currency string
	}
	tClass struct{ Scheme, ID string }
	tItem  struct {
		Classification            tClass
		AdditionalClassifications []tClass
	}
	tParty struct {
		ID         string
		Name       string
		Identifier *struct{ Scheme, ID string }
		Roles      []string
	}
	tAward struct {
		ID        string
		Status    string
		Date      string
		Value     tValue
		Suppliers []tRef
		Items     []tItem
	}
	tContract struct {
		ID, AwardID, Status string
		Value               tValue
		Amendments          []struct{ AmendsReleaseID, ReleaseID string }
	}
	tRelease struct {
		OCID     string `json:"ocid"`
		ID       string `json:"id"`
		Date     string `json:"date"`
		Tag      []string
		Language string
		Parties  []tParty
		Buyer    tRef
		Tender   *struct {
			Status            string
			ProcurementMethod string
			Items             []tItem
			Tenderers         []tRef
			NumberOfTenderers *int
			Value             *tValue
		}
		Awards    []tAward
		Contracts []tContract
	}
)

func decode(t *testing.T, files []File) []tPackage {
	t.Helper()
	var out []tPackage
	for _, f := range files {
		var p tPackage
		dec := json.NewDecoder(bytes.NewReader(f.Data))
		dec.UseNumber()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, p)
	}
	return out
}

func hasRole(p tParty, role string) bool {
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// checkContent checks what every data set must hold, whatever the seed.
func checkContent(t *testing.T, files []File, now time.Time) {
	t.Helper()
	pkgs := decode(t, files)
	earliest := now.AddDate(-Years, 0, 0)
	byOCID := map[string][]tRelease{}
	partyName := map[string]string{}
	partyIdent := map[string]string{}
	buyerNames := map[string]string{}
	currencies := map[string]bool{}
	methods := map[string]bool{}
	schemes := map[string]bool{}
	languages := map[string]bool{}
	aprokBuyers := map[string]bool{}
	winners := map[string]bool{}
	var cancelled, multi, amended, terminated int
	for i, p := range pkgs {
		name := files[i].Name
		if p.Version != "1.1" || p.Publisher.Name != PublisherName || !strings.Contains(p.URI, "demo") || p.License == "" {
			t.Errorf("%s: package metadata %+v does not mark demo data", name, p)
		}
		for _, r := range p.Releases {
			where := name + " " + r.ID
			if !IsDemoOCID(r.OCID) || !strings.HasPrefix(r.ID, r.OCID+"-") {
				t.Errorf("%s: ocid %q / id %q not in the demo namespace", where, r.OCID, r.ID)
			}
			d, err := time.Parse(time.RFC3339, r.Date)
			if err != nil || d.After(now) || d.Before(earliest) {
				t.Errorf("%s: date %s outside (%s, %s]", where, r.Date, earliest, now)
			}
			if !strings.Contains(name, d.Format("2006")) {
				t.Errorf("%s: release of %s in the wrong file", where, r.Date)
			}
			byOCID[r.OCID] = append(byOCID[r.OCID], r)
			languages[r.Language] = true
			parties := map[string]tParty{}
			for _, pt := range r.Parties {
				parties[pt.ID] = pt
				if old, ok := partyName[pt.ID]; ok && old != pt.Name {
					t.Errorf("%s: party %s is named %q and %q", where, pt.ID, old, pt.Name)
				}
				partyName[pt.ID] = pt.Name
				if pt.Identifier != nil {
					want, _ := procure.QualifiedID(pt.Identifier.Scheme, pt.Identifier.ID)
					if pt.ID != want {
						t.Errorf("%s: party id %s does not follow its identifier (%s)", where, pt.ID, want)
					}
					partyIdent[pt.ID] = want
				}
			}
			if b, ok := parties[r.Buyer.ID]; !ok || !hasRole(b, "buyer") || b.Name != r.Buyer.Name {
				t.Errorf("%s: buyer %v not in parties with role buyer", where, r.Buyer)
			}
			buyerNames[r.Buyer.ID] = r.Buyer.Name
			if r.Tender != nil {
				methods[r.Tender.ProcurementMethod] = true
				for _, tr := range r.Tender.Tenderers {
					if p, ok := parties[tr.ID]; !ok || !hasRole(p, "tenderer") {
						t.Errorf("%s: tenderer %s not in parties with role tenderer", where, tr.ID)
					}
				}
				if r.Tender.NumberOfTenderers != nil && *r.Tender.NumberOfTenderers != len(r.Tender.Tenderers) {
					t.Errorf("%s: numberOfTenderers %d but %d tenderers", where, *r.Tender.NumberOfTenderers, len(r.Tender.Tenderers))
				}
				for _, it := range r.Tender.Items {
					schemes[it.Classification.Scheme] = true
					for _, c := range it.AdditionalClassifications {
						schemes[c.Scheme] = true
					}
				}
			}
			for _, a := range r.Awards {
				if _, err := procure.ParseDecimal(a.Value.Amount.String()); err != nil || a.Value.Currency == "" {
					t.Errorf("%s: award %s value %v: %v", where, a.ID, a.Value, err)
				}
				currencies[a.Value.Currency] = true
				for _, s := range a.Suppliers {
					if p, ok := parties[s.ID]; !ok || !hasRole(p, "supplier") {
						t.Errorf("%s: award supplier %s not in parties with role supplier", where, s.ID)
					}
					winners[s.Name] = true
					if s.Name == aprok {
						aprokBuyers[r.Buyer.Name] = true
					}
				}
			}
			for _, c := range r.Contracts {
				found := false
				for _, a := range r.Awards {
					found = found || a.ID == c.AwardID
				}
				if !found {
					t.Errorf("%s: contract %s refers to unknown award %s", where, c.ID, c.AwardID)
				}
			}
		}
	}

	if n := len(byOCID); n < 280 || n > 320 {
		t.Errorf("%d contracting processes, want about 300", n)
	}
	for ocid, rels := range byOCID {
		sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
		hasAward := false
		for i, r := range rels {
			hasAward = hasAward || len(r.Awards) > 0
			if i > 0 && r.Date <= rels[i-1].Date {
				t.Errorf("%s: release %s is not later than %s", ocid, r.ID, rels[i-1].ID)
			}
		}
		if !hasAward {
			t.Errorf("%s: no award in any release", ocid)
		}
		last := rels[len(rels)-1]
		for _, a := range last.Awards {
			if a.Status == "cancelled" {
				cancelled++
			}
			if len(a.Suppliers) > 1 {
				multi++
			}
		}
		for _, c := range last.Contracts {
			if len(c.Amendments) > 0 {
				amended++
				first := ""
				for _, r := range rels {
					for _, rc := range r.Contracts {
						if first == "" {
							first = rc.Value.Amount.String()
						}
					}
				}
				if first == c.Value.Amount.String() {
					t.Errorf("%s: contract amended but its value never changed", ocid)
				}
			}
			if c.Status == "terminated" {
				terminated++
			}
		}
	}
	if len(byOCID) > 0 && 2*countMulti(byOCID) < len(byOCID) {
		t.Errorf("only %d of %d processes have several releases", countMulti(byOCID), len(byOCID))
	}

	kinds := map[procure.BuyerType]bool{}
	for _, n := range buyerNames {
		kinds[procure.ClassifyBuyer([]string{n}, nil)] = true
	}
	for _, k := range procure.BuyerTypes {
		if !kinds[k] {
			t.Errorf("no buyer of type %s", k)
		}
	}
	if len(currencies) < 2 {
		t.Errorf("currencies %v, want at least two", currencies)
	}
	for _, m := range []string{"open", "selective", "limited", "direct"} {
		if !methods[m] {
			t.Errorf("no %s procedure", m)
		}
	}
	if !schemes["CPV"] || !schemes["UNSPSC"] {
		t.Errorf("classification schemes %v, want CPV and UNSPSC", schemes)
	}
	if !languages["en"] || !languages["es"] {
		t.Errorf("languages %v, want en and es", languages)
	}
	if cancelled == 0 || multi == 0 || amended == 0 || terminated == 0 {
		t.Errorf("cancelled awards %d, multi-supplier awards %d, amended contracts %d, terminated %d: want some of each",
			cancelled, multi, amended, terminated)
	}
	suppliersSeen, withIdent := 0, 0
	for id := range partyName {
		if _, isBuyer := buyerNames[id]; isBuyer {
			continue
		}
		suppliersSeen++
		if partyIdent[id] != "" {
			withIdent++
		}
	}
	if suppliersSeen < 35 || withIdent == 0 || withIdent == suppliersSeen {
		t.Errorf("%d suppliers, %d with identifiers: want about 40, some with and some without", suppliersSeen, withIdent)
	}
	for _, s := range suppliers {
		if !winners[s.name] {
			t.Errorf("supplier %s never wins an award", s.name)
		}
	}
	// The vendor of the later ownership case sells to exactly one school
	// district and one police department.
	var aprokKinds []string
	for n := range aprokBuyers {
		aprokKinds = append(aprokKinds, string(procure.ClassifyBuyer([]string{n}, nil)))
	}
	sort.Strings(aprokKinds)
	if strings.Join(aprokKinds, ",") != "education,police" {
		t.Errorf("%s sells to %v, want one education and one police buyer", aprok, aprokBuyers)
	}
}

func countMulti(byOCID map[string][]tRelease) int {
	n := 0
	for _, rels := range byOCID {
		if len(rels) > 1 {
			n++
		}
	}
	return n
}

func TestGenerateContent(t *testing.T) {
	checkContent(t, generated(t), testNow)
}

// Other seeds and another Now must hold the same promises.
func TestGenerateOtherSeeds(t *testing.T) {
	for _, seed := range []int64{0, 2, 7, -42, 1 << 40} {
		now := testNow.AddDate(0, int(seed%5), 0)
		files, err := Generate(Options{Seed: seed, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkContent(t, files, now) })
	}
}

// The catalog's buyers are classified as the type they were written as:
// this ties the demo to the real classifier.
func TestCatalogBuyerTypes(t *testing.T) {
	for _, b := range buyers {
		if got := procure.ClassifyBuyer([]string{b.name}, nil); got != b.kind {
			t.Errorf("%s is classified %s, written as %s", b.name, got, b.kind)
		}
	}
	if s := supplierByNm[CaseSupplierName]; s == nil || s.partyID() != CaseSupplierID {
		t.Errorf("case supplier %s is not in the catalog with id %s", CaseSupplierName, CaseSupplierID)
	}
	for _, s := range suppliers {
		if s.scheme != "" {
			if _, ok := procure.QualifiedID(s.scheme, s.ident); !ok {
				t.Errorf("%s: bad identifier %s %s", s.name, s.scheme, s.ident)
			}
		}
	}
}

// TestGenerateSummary compares a reviewed summary of the data (counts,
// totals per currency, file digests) with testdata/summary.golden. Run
// with -update after an intended change and review the diff.
func TestGenerateSummary(t *testing.T) {
	got := summarize(t, generated(t))
	path := filepath.Join("testdata", "summary.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("summary differs from %s (go test -update rewrites it; review the diff):\n%s", path, diffLines(string(want), got))
	}
}

func summarize(t *testing.T, files []File) string {
	pkgs := decode(t, files)
	var b strings.Builder
	fmt.Fprintf(&b, "Demo data, seed 1, now %s\n\nfiles:\n", testNow.Format(time.RFC3339))
	type proc struct {
		buyer    string
		releases []tRelease
	}
	procs := map[string]*proc{}
	tags := map[string]int{}
	for i, p := range pkgs {
		fmt.Fprintf(&b, "  %s  releases=%d  bytes=%d  sha256=%x\n", files[i].Name, len(p.Releases), len(files[i].Data), sha256.Sum256(files[i].Data))
		for _, r := range p.Releases {
			if procs[r.OCID] == nil {
				procs[r.OCID] = &proc{buyer: r.Buyer.Name}
			}
			procs[r.OCID].releases = append(procs[r.OCID].releases, r)
			tags[strings.Join(r.Tag, "+")]++
		}
	}
	type buyerStat struct {
		n      int
		totals procure.Totals
	}
	buyersSeen := map[string]*buyerStat{}
	methods := map[string]int{}
	supplierTotals := map[string]procure.Totals{}
	totals := procure.Totals{}
	var releases, awards, cancelled, multi, contracts, amended, terminated int
	for _, p := range procs {
		releases += len(p.releases)
		sort.Slice(p.releases, func(i, j int) bool { return p.releases[i].ID < p.releases[j].ID })
		last := p.releases[len(p.releases)-1]
		bs := buyersSeen[p.buyer]
		if bs == nil {
			bs = &buyerStat{totals: procure.Totals{}}
			buyersSeen[p.buyer] = bs
		}
		bs.n++
		methods[last.Tender.ProcurementMethod]++
		for _, a := range last.Awards {
			awards++
			if len(a.Suppliers) > 1 {
				multi++
			}
			if !procure.CountedAward(a.Status) {
				cancelled++
				continue
			}
			amt, err := procure.ParseDecimal(a.Value.Amount.String())
			if err != nil {
				t.Fatal(err)
			}
			m := procure.Money{Amount: amt, Currency: a.Value.Currency}
			for _, add := range []procure.Totals{totals, bs.totals} {
				if err := add.Add(m); err != nil {
					t.Fatal(err)
				}
			}
			for _, s := range a.Suppliers {
				if supplierTotals[s.Name] == nil {
					supplierTotals[s.Name] = procure.Totals{}
				}
				if err := supplierTotals[s.Name].Add(m); err != nil { // a shared award counts fully for each
					t.Fatal(err)
				}
			}
		}
		for _, c := range last.Contracts {
			contracts++
			if len(c.Amendments) > 0 {
				amended++
			}
			if c.Status == "terminated" {
				terminated++
			}
		}
	}
	fmt.Fprintf(&b, "\nprocesses=%d releases=%d awards=%d (cancelled %d, multi-supplier %d) contracts=%d (amended %d, terminated %d)\n",
		len(procs), releases, awards, cancelled, multi, contracts, amended, terminated)
	fmt.Fprintf(&b, "\nawarded, counted awards only:%s\n", moneyList(totals))
	fmt.Fprintf(&b, "\ntags:\n%s", countList(tags))
	fmt.Fprintf(&b, "\nmethods:\n%s", countList(methods))
	fmt.Fprintf(&b, "\nbuyers:\n")
	for _, n := range sortedKeys(buyersSeen) {
		fmt.Fprintf(&b, "  %-50s %-9s processes=%-3d%s\n", n, procure.ClassifyBuyer([]string{n}, nil), buyersSeen[n].n, moneyList(buyersSeen[n].totals))
	}
	fmt.Fprintf(&b, "\nsuppliers (awarded, counted awards):\n")
	for _, n := range sortedKeys(supplierTotals) {
		fmt.Fprintf(&b, "  %-58s%s\n", n, moneyList(supplierTotals[n]))
	}
	return b.String()
}

func moneyList(t procure.Totals) string {
	var s strings.Builder
	for _, m := range t.List() {
		s.WriteString("  " + m.String())
	}
	return s.String()
}

func countList(m map[string]int) string {
	var s strings.Builder
	for _, k := range sortedKeys(m) {
		fmt.Fprintf(&s, "  %-40s %d\n", k, m[k])
	}
	return s.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// diffLines lists the lines that differ, enough to see what changed.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want: %s\n  got:  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Options{Seed: 1, Now: testNow}); err != nil {
			b.Fatal(err)
		}
	}
}
