package match

// Quality tests on the shared labelled data. Each asserts a floor, so a
// regression fails; the measured figures are logged (go test -v -run
// Quality). With -write-pairs DIR the tests also write every candidate pair
// (the best-scoring pair of names of the two entries, with countries and a
// label column) as CSV files that `tenderlens match --pairs FILE --label
// label` re-scores. The command sees names, schema and countries only (not
// birth dates or the other aliases), so its figures are the name-level
// version of the test's:
//
//	go test ./data/match -run Quality -write-pairs /tmp/pairs
//	go run ./cmd/tenderlens match --pairs /tmp/pairs/un_dprk_ofac.csv --label label --out /dev/null

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tenderlens/tenderlens/data/procure"
)

var writePairs = flag.String("write-pairs", "", "directory to write the labelled evaluation pairs to (CSV)")

// pairWriter collects evaluation pairs for -write-pairs.
type pairWriter struct {
	t    *testing.T
	rows [][]string
}

func (w *pairWriter) add(a, b string, ca, cb []string, schema string, label bool) {
	if *writePairs == "" {
		return
	}
	w.rows = append(w.rows, []string{a, b, schema, strings.Join(ca, ";"), strings.Join(cb, ";"), strconv.FormatBool(label)})
}

func (w *pairWriter) flush(name string) {
	if *writePairs == "" {
		return
	}
	if err := os.MkdirAll(*writePairs, 0o755); err != nil {
		w.t.Fatal(err)
	}
	p := filepath.Join(*writePairs, name)
	f, err := os.Create(p)
	if err != nil {
		w.t.Fatal(err)
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"name_a", "name_b", "schema", "country_a", "country_b", "label"})
	cw.WriteAll(w.rows)
	if err := f.Close(); err != nil {
		w.t.Fatal(err)
	}
	w.t.Logf("wrote %d pairs to %s", len(w.rows), p)
}

type confusion struct{ tp, fp, fn, tn int }

func (c *confusion) add(label, match bool) {
	switch {
	case label && match:
		c.tp++
	case label:
		c.fn++
	case match:
		c.fp++
	default:
		c.tn++
	}
}

func (c confusion) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c confusion) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c confusion) String() string {
	return fmt.Sprintf("TP %d FP %d FN %d TN %d precision %.3f recall %.3f", c.tp, c.fp, c.fn, c.tn, c.precision(), c.recall())
}

// TestQualityOFACFixtures scores nomenklatura's OFAC fixtures: query and
// result names with the score OFAC's own Sanctions List Search gave them.
// Label: positive when OFAC scored 90 or more. OFAC's tool is a screening
// search that reports a hit when the query is contained in a name ("KIM IL
// SUNG" = "KIM IL SUNG MILITARY UNIVERSITY" at 100, "J.P. MORGAN" = "MORGAN
// HUERTA, Jose Arnoldo" at 100), while Compare asks whether the two names
// are the same entity, so recall against these labels is bounded by design;
// precision is the figure that matters.
func TestQualityOFACFixtures(t *testing.T) {
	rows := readCSV(t, openShared(t, "name-matching", "nomenklatura_ofac_fixtures.csv"), true)
	var c confusion
	var misses, fps []string
	for _, r := range rows {
		score, err := strconv.Atoi(strings.TrimSpace(r[2]))
		if err != nil {
			t.Fatalf("bad score %q", r[2])
		}
		label := score >= 90
		res := Compare(Record{Names: []string{r[0]}}, Record{Names: []string{r[1]}}, Options{})
		c.add(label, res.Match)
		switch {
		case label && !res.Match:
			misses = append(misses, fmt.Sprintf("%s | %s (%d) %.2f", r[0], r[1], score, res.Score))
		case !label && res.Match:
			fps = append(fps, fmt.Sprintf("%s | %s (%d) %.2f", r[0], r[1], score, res.Score))
		}
	}
	t.Logf("OFAC fixtures (%d pairs, positive = OFAC score ≥ 90): %v", len(rows), c)
	if testing.Verbose() {
		t.Logf("labelled positive, not matched:\n%s", strings.Join(misses, "\n"))
		t.Logf("labelled negative, matched:\n%s", strings.Join(fps, "\n"))
	}
	if c.precision() < 0.85 || c.recall() < 0.30 {
		t.Errorf("OFAC fixtures below the floor (precision ≥ 0.85, recall ≥ 0.30): %v", c)
	}
}

func simpleNormalize(s string) string {
	var b []rune
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			r = ' '
		}
		b = append(b, r)
	}
	f := strings.Fields(string(b))
	sort.Strings(f)
	return strings.Join(f, " ")
}

// unDPRKCounterparts are the OFAC entries of UN DPRK entries whose names
// differ beyond punctuation and word order (checked by hand: same entity,
// OFAC spelling or legal form differs). Entries with identical normalised
// names are found independently by the test.
var unDPRKCounterparts = map[string][]string{
	"KPe.007": {"11598"}, // GENERAL BUREAU OF ATOMIC ENERGY (GBAE)
	"KPe.008": {"11599"}, // KOREAN / KOREA TANGUN TRADING CORPORATION
	"KPe.014": {"9345"},  // KOREA KUMRYONG TRADING CORPORATION = KOMID a.k.a. KOREA KUMRYONG TRADING COMPANY
	"KPe.020": {"17068"}, // OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)
	"KPe.023": {"16085"}, // DAEDONG CREDIT BANK (DCB)
	"KPe.024": {"9519"},  // HESONG TRADING COMPANY / CORPORATION
	"KPe.025": {"11581"}, // KOREA KWANGSON BANKING CORPORATION (KKBC) / CORP
	"KPe.047": {"15603"}, // FOREIGN TRADE BANK (FTB) / ... OF THE DPRK
	"KPe.048": {"20573"}, // KOREAN NATIONAL INSURANCE COMPANY (KNIC)
	"KPe.051": {"19489"}, // CENTRAL MILITARY COMMISSION OF THE WORKERS' PARTY OF KOREA
	"KPe.052": {"20123"}, // ORGANIZATION AND GUIDANCE DEPARTMENT (OGD)
	"KPe.053": {"19528"}, // PROPAGANDA AND AGITATION DEPARTMENT (PAD)
	"KPe.054": {"22285"}, // MINISTRY OF THE PEOPLE'S ARMED FORCES
	"KPe.064": {"23712"}, // KOREA SAMJONG SHIPPING (CO)
	"KPe.072": {"23779"}, // SHANGHAI DONGFENG SHIPPING / SHPG CO LTD
	"KPe.073": {"23769"}, // SHEN ZHONG INTERNATIONAL SHIPPING / SHPG
	"KPi.076": {"23215"}, // RI PYONG CHUL / RI, Pyong Chol
}

var reDPRKProgram = regexp.MustCompile(`DPRK|NPWMD`)

// TestQualityUNDPRKvsOFAC: every UN DPRK entry (KPi./KPe.) is compared
// with its OFAC SDN candidates (sdn.csv + alt.csv names, blocked by shared
// name keys). Truth: an OFAC entry is a counterpart when it shares a name
// once punctuation, case and word order are ignored (an independent check)
// or when listed in unDPRKCounterparts. Recall counts UN entries that
// match at least one counterpart; precision counts matched pairs.
func TestQualityUNDPRKvsOFAC(t *testing.T) {
	ofac := loadOFAC(t)
	un := loadUN(t)
	ix := newBlockIndex(ofac)
	exact := map[string][]string{}
	for _, e := range ofac {
		for _, n := range e.Rec.Names {
			k := simpleNormalize(n)
			exact[k] = append(exact[k], e.ID)
		}
	}
	var w = pairWriter{t: t}
	var pairs confusion
	entries, found, exactFound := 0, 0, 0
	var missed, wrong []string
	for _, e := range un {
		if !strings.HasPrefix(e.ID, "KP") {
			continue
		}
		entries++
		truth := map[string]bool{}
		for _, id := range unDPRKCounterparts[e.ID] {
			truth[id] = true
		}
		for _, n := range e.Rec.Names {
			for _, id := range exact[simpleNormalize(n)] {
				truth[id] = true
			}
		}
		if len(exact[simpleNormalize(e.Rec.Names[0])]) > 0 {
			exactFound++
		}
		p := Prepare(e.Rec)
		ok := false
		for _, i := range ix.candidates(p) {
			o := ofac[i]
			res := ComparePrepared(p, ix.prepared[i], Options{})
			label := truth[o.ID]
			pairs.add(label, res.Match)
			if *writePairs != "" {
				na, nb := bestNames(p, ix.prepared[i])
				w.add(na, nb, e.Rec.Countries, o.Rec.Countries, schemaOf(e.Rec.Kind), label)
			}
			if res.Match && label {
				ok = true
			}
			if res.Match && !label {
				wrong = append(wrong, fmt.Sprintf("%s %q ~ %s %q %.2f", e.ID, e.Rec.Names[0], o.ID, o.Rec.Names[0], res.Score))
			}
		}
		if ok {
			found++
		} else {
			missed = append(missed, fmt.Sprintf("%s %q", e.ID, e.Rec.Names[0]))
		}
	}
	w.flush("un_dprk_ofac.csv")
	t.Logf("UN DPRK entries: %d; with an identical normalised primary name on OFAC: %d; matched to an OFAC counterpart: %d", entries, exactFound, found)
	t.Logf("candidate pairs: %v", pairs)
	t.Logf("not matched: %s", strings.Join(missed, "; "))
	t.Logf("matched to another OFAC entry:\n%s", strings.Join(wrong, "\n"))
	if entries != 155 {
		t.Errorf("read %d UN DPRK entries, want 155", entries)
	}
	if found < 145 {
		t.Errorf("only %d of %d UN DPRK entries matched their OFAC counterpart (floor 145)", found, entries)
	}
	if pairs.precision() < 0.95 {
		t.Errorf("UN DPRK → OFAC pair precision %.3f below 0.95", pairs.precision())
	}
}

// bestNames returns the pair of names (aliases included) that scores
// best, for the pairs files.
func bestNames(a, b *Prepared) (string, string) {
	all := func(p *Prepared) []Name { return append(append([]Name(nil), p.names...), p.weak...) }
	_, x, y := bestNamePair(all(a), all(b), a.korean || b.korean)
	if x == nil {
		return a.rec.Names[0], b.rec.Names[0]
	}
	return x.Original, y.Original
}

func schemaOf(k procure.EntityKind) string {
	switch k {
	case procure.EntityPerson:
		return "Person"
	case procure.EntityVessel:
		return "Vessel"
	case procure.EntityOrganization, procure.EntityCompany:
		return "Organization"
	}
	return ""
}

// sanctionedPersons are the OFAC and UN individuals.
func sanctionedPersons(t *testing.T) *blockIndex {
	var persons []listEntry
	for _, e := range loadOFAC(t) {
		if e.Rec.Kind == procure.EntityPerson {
			persons = append(persons, e)
		}
	}
	for _, e := range loadUN(t) {
		if e.Rec.Kind == procure.EntityPerson {
			persons = append(persons, e)
		}
	}
	return newBlockIndex(persons)
}

// screen compares people against the sanctioned persons and counts false
// matches: by name only, and with birth date and nationality.
func screen(t *testing.T, ix *blockIndex, people []personRow, file string) (nameOnly, full, compared int, examples []string) {
	w := pairWriter{t: t}
	for _, p := range people {
		q := Record{Kind: procure.EntityPerson, Names: []string{p.FullName}}
		qp := Prepare(q)
		qf := q
		qf.BirthDate = p.DOB
		if c := countryCode(t, p.Nationality); c != "" {
			qf.Countries = []string{c}
		} else if len(p.Nationality) == 2 {
			qf.Countries = []string{strings.ToUpper(p.Nationality)}
		}
		qfp := Prepare(qf)
		hitName, hitFull := false, false
		for _, i := range ix.candidates(qp) {
			compared++
			e := ix.entries[i]
			rn := ComparePrepared(qp, ix.nameOnly(i), Options{})
			rf := ComparePrepared(qfp, ix.prepared[i], Options{})
			if *writePairs != "" {
				_, nb := bestNames(qp, ix.nameOnly(i))
				w.add(p.FullName, nb, nil, nil, "Person", false)
			}
			if rn.Match {
				hitName = true
				if len(examples) < 15 {
					examples = append(examples, fmt.Sprintf("%q ~ %s %q name %.2f full %.2f", p.FullName, e.ID, e.Rec.Names[0], rn.Score, rf.Score))
				}
			}
			if rf.Match {
				hitFull = true
			}
		}
		if hitName {
			nameOnly++
		}
		if hitFull {
			full++
		}
	}
	w.flush(file)
	return nameOnly, full, compared, examples
}

// TestQualityNegatives: yente's synthetic persons (true negatives, 1,000
// global + 1,000 US) and the 1,254 members of the US Congress (common US
// names; a PEP list, not a sanctions list) are screened against every OFAC
// and UN individual. Any match is a false hit. Figures are people with at
// least one hit: by name alone, and with birth date and nationality.
func TestQualityNegatives(t *testing.T) {
	if testing.Short() {
		t.Skip("screens 3,254 people against the sanctions lists")
	}
	ix := sanctionedPersons(t)
	for _, c := range []struct {
		file              string
		maxName, maxFull  float64 // share of people with a false hit
		wantRows, rowsMin int
	}{
		{"yente_negatives_global_1000.csv", 0.01, 0.002, 1000, 1000},
		{"yente_negatives_us_1000.csv", 0.01, 0.002, 1000, 1000},
		{"yente_positives_us_congress_untreated.csv", 0.01, 0.002, 1254, 1254},
	} {
		people := loadPersons(t, c.file)
		if len(people) != c.wantRows {
			t.Errorf("%s: %d rows, want %d", c.file, len(people), c.wantRows)
		}
		name, full, compared, ex := screen(t, ix, people, strings.TrimSuffix(c.file, ".csv")+"_screening.csv")
		t.Logf("%s: %d people, %d candidate comparisons; false hits by name only: %d (%.2f%%), with birth date and nationality: %d (%.2f%%)",
			c.file, len(people), compared, name, 100*float64(name)/float64(len(people)), full, 100*float64(full)/float64(len(people)))
		if len(ex) > 0 {
			t.Logf("examples:\n%s", strings.Join(ex, "\n"))
		}
		if float64(name) > c.maxName*float64(len(people)) || float64(full) > c.maxFull*float64(len(people)) {
			t.Errorf("%s: too many false hits (name only %d, full %d; ceilings %.1f%%, %.1f%%)", c.file, name, full, 100*c.maxName, 100*c.maxFull)
		}
	}
}
