package owner

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/tenderlens/tenderlens/data/procure"
)

// ListRule maps list entries to the regimes whose ownership rule they feed.
// A rule matches when any of its words occurs in the lower-cased text of
// the listing's list name, authority, programmes and reference, or of the
// record's dataset and source.
type ListRule struct {
	Words   []string
	Regimes []procure.Regime
	// Basis is added to the explanation ("treated as a US, EU and UK
	// designation for the demonstration").
	Basis string
}

// notDesignations are words of lists that are not asset freezes: a
// debarment, a disqualified director, a travel ban or an export-control
// list never feeds an ownership rule (the entity is still shown as listed).
var notDesignations = []string{"exclusion", "debar", "disqualif", "travel ban", "travel_ban", "entity list", "trade_csl",
	"export control", "consolidated screening", "bureau of industry and security"}

// DefaultListRules classify the primary lists: OFAC → US; the EU
// consolidated list and national lists implementing EU programmes → EU; the
// UK sanctions list (OFSI / FCDO) → UK; the UN Security Council list → EU
// and UK, which implement UN designations directly; the Tenderlens demo
// list → all three, for the demonstration only.
var DefaultListRules = []ListRule{
	{Words: []string{"tenderlens demo"}, Regimes: []procure.Regime{procure.RegimeOFAC, procure.RegimeEU, procure.RegimeUK},
		Basis: "a fictional demo list, treated as a US, EU and UK designation for the demonstration"},
	{Words: []string{"ofac", "office of foreign assets control", "specially designated nationals", "sdn list", "us_ofac"},
		Regimes: []procure.Regime{procure.RegimeOFAC}},
	{Words: []string{"eu_fsf", "eu financial sanctions", "european union", "financial stability, financial services", "eu_journal", "eu official journal", "eu_sanctions_map", "eu-"},
		Regimes: []procure.Regime{procure.RegimeEU}},
	{Words: []string{"gb_fcdo", "ofsi", "hm treasury", "foreign, commonwealth", "uk sanctions list", "gb-", "office of financial sanctions implementation"},
		Regimes: []procure.Regime{procure.RegimeUK}},
	{Words: []string{"security council", "united nations", "un_sc", "un sc ", "unsc"},
		Regimes: []procure.Regime{procure.RegimeEU, procure.RegimeUK},
		Basis:   "a UN designation, which EU and UK law implement"},
}

// unReference matches UN list references such as KPe.001 or QDi.123.
var unReference = regexp.MustCompile(`^[A-Z]{2}[ie]\.[0-9A-Za-z]+$`)

// classify returns the regimes a listing feeds, with an extra basis text.
func (c *Config) classify(l procure.Listing, p procure.Provenance) ([]procure.Regime, string) {
	// The record's dataset helps only when it names one list: an FtM record
	// merged from many lists carries all their names, which say nothing
	// about this listing.
	dataset := p.Dataset
	if strings.Contains(dataset, ",") {
		dataset = ""
	}
	text := strings.ToLower(strings.Join(append([]string{l.List, l.Authority, dataset}, l.Programs...), " | "))
	for _, w := range notDesignations {
		if strings.Contains(text, w) {
			return nil, ""
		}
	}
	seen := map[procure.Regime]bool{}
	var out []procure.Regime
	var basis []string
	for _, r := range c.ListRules {
		hit := false
		for _, w := range r.Words {
			if w != "" && strings.Contains(text, strings.ToLower(w)) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		for _, g := range r.Regimes {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
		if r.Basis != "" {
			basis = append(basis, r.Basis)
		}
	}
	if len(out) == 0 && unReference.MatchString(strings.TrimSpace(l.Reference)) {
		for _, g := range []procure.Regime{procure.RegimeEU, procure.RegimeUK} {
			out = append(out, g)
		}
		basis = append(basis, "a UN designation, which EU and UK law implement")
	}
	return sortRegimes(out), strings.Join(basis, "; ")
}

func sortRegimes(rs []procure.Regime) []procure.Regime {
	var out []procure.Regime
	for _, r := range procure.Regimes {
		for _, x := range rs {
			if x == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// listingLabel describes a listing in a few words: "OFAC SDN (DPRK3), ref
// 9345, listed 2016-03-02".
func listingLabel(l procure.Listing) string {
	var b strings.Builder
	name := firstNonEmpty(l.List, l.Authority, "a sanctions list")
	b.WriteString(name)
	if len(l.Programs) > 0 {
		b.WriteString(" (" + strings.Join(l.Programs, ", ") + ")")
	}
	if l.Reference != "" {
		b.WriteString(", ref " + l.Reference)
	}
	if l.ListedOn != "" {
		b.WriteString(", listed " + l.ListedOn)
	}
	return b.String()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// dprkParty reports whether the entity is the Government of North Korea or
// the Workers' Party of Korea, which Executive Order 13722 blocks without a
// designation (OFAC FAQ 398 names it as such a case).
func dprkParty(e procure.Entity) (string, bool) {
	names := []string{e.Name}
	for _, n := range e.Names {
		names = append(names, n.Name)
	}
	for _, n := range names {
		k := foldName(n)
		for _, p := range dprkNames {
			if k == p || strings.HasPrefix(k, p+" ") {
				return "the Workers' Party of Korea or the Government of North Korea, blocked without designation by Executive Order 13722", true
			}
		}
	}
	if e.Kind == procure.EntityState && (e.Jurisdiction == "KP" || hasString(e.Countries, "KP") || hasString(e.Countries, "kp")) {
		return "a body of the Government of North Korea, blocked without designation by Executive Order 13722", true
	}
	return "", false
}

var dprkNames = []string{
	"workers party of korea", "korean workers party", "workers party of north korea",
	"government of north korea", "government of the democratic peoples republic of korea",
	"government of dprk", "government of the dprk",
	"조선로동당", "조선노동당", "조선민주주의인민공화국 정부",
}

// eo13722 is the day Executive Order 13722 took effect (2016-03-16).
var eo13722, _ = parseSpan("2016-03-16")

// foldName lower-cases and keeps letters and digits of every script,
// separated by single spaces; apostrophes vanish ("Workers' Party" →
// "workers party").
func foldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '’' || r == '`':
			continue
		case isWordRune(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
