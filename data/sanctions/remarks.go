package sanctions

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/tenderlens/tenderlens/data/sanctions/regid"
)

// remarks is what the free-text Remarks of an OFAC entry say, parsed.
//
// The remarks are split on ";". Recognised parts:
//   - "a.k.a. 'NAME'", "f.k.a. 'NAME'", "n.k.a. 'NAME'": weak aliases (OFAC
//     keeps its low-quality names there), former names;
//   - "DOB 14 Jun 1975", "DOB circa 1960", "DOB 1962 to 1964", "alt. DOB
//     ...": birth dates (the first is kept; ranges as "1962/1964");
//   - "nationality X", "citizen X": countries;
//   - "Linked To: NAME.": a soft link to another entry;
//   - "<type> <number> (<country>)" where type is a register identifier
//     (regid.Qualify: "Registration ID", "Tax ID No.", "Company Number",
//     "SWIFT/BIC", "Vessel Registration Identification IMO", "Legal Entity
//     Number", "D-U-N-S Number", "Unified Social Credit Code (USCC)", ...).
//     The country in parentheses qualifies the number; without one, the
//     caller qualifies it with the entry's address country when all its
//     addresses are in one country. So "Registration ID 1111832003018." of
//     KALASHNIKOV CONCERN (ent_num 16911, address Izhevsk, Russia) becomes
//     RU-OGRN-1111832003018 — only because the number also has 13 digits and
//     a valid OGRN check digit; otherwise it stays a weak RU-REG number.
//
// Passports, national ID cards, personal tax numbers of Latin American
// registers (C.U.R.P., Cedula), e-mail addresses, websites and phone
// numbers are not entity identifiers and stay in the remarks text only.
type remarks struct {
	weakAliases, formerNames []string
	birthDates               []string
	countries                []string
	linkedTo                 []string
	ids                      []remarkID
}

type remarkID struct {
	kind, number, country string
}

var (
	akaRe = regexp.MustCompile(`(?i)^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*(.+)$`)
	dobRe = regexp.MustCompile(`(?i)^(?:alt\.\s*)?DOB\s+(.+)$`)
)

// addNamesAndCountries adds the weak aliases, former names and countries of
// the remarks to b.
func (rm remarks) addNamesAndCountries(b *regid.Builder) {
	for _, n := range rm.weakAliases {
		b.Name(n, "weak", "")
	}
	for _, n := range rm.formerNames {
		b.Name(n, "former", "")
	}
	for _, c := range rm.countries {
		b.Country(c)
	}
}

// addIdentifiers adds the register numbers of the remarks to b, each
// qualified with its own country, else with qc (see soleCountry). Numbers
// regid.Qualify refuses are left out; note (when not nil) receives the
// notes of the numbers it accepts with a remark.
func (rm remarks) addIdentifiers(b *regid.Builder, qc string, note func(string)) {
	for _, id := range rm.ids {
		country := id.country
		if country == "" {
			country = qc
		}
		res, ok := regid.Qualify(id.kind, id.number, country)
		if !ok {
			continue
		}
		if res.Note != "" && note != nil {
			note(res.Note)
		}
		b.Identifier(res.Identifier)
	}
}

// parseRemarks parses the remarks of one entry.
func parseRemarks(text string) remarks {
	var out remarks
	for _, part := range splitRemarks(text) {
		part = strings.TrimSpace(part)
		if strings.HasPrefix(part, "(") && strings.HasSuffix(part, ")") {
			part = strings.TrimSpace(part[1 : len(part)-1]) // "(Linked To: X)" in the XML lists
		}
		if part == "" {
			continue
		}
		lower := strings.ToLower(part)
		switch {
		case strings.HasPrefix(lower, "linked to:"):
			name := strings.TrimSpace(part[len("linked to:"):])
			name = strings.TrimSpace(strings.TrimSuffix(name, "."))
			name = strings.Trim(name, "()")
			if name != "" {
				out.linkedTo = append(out.linkedTo, name)
			}
		case akaRe.MatchString(part):
			m := akaRe.FindStringSubmatch(part)
			name := strings.TrimSuffix(strings.TrimSpace(m[2]), ".")
			name = strings.Trim(strings.TrimSpace(name), "'\"‘’")
			if name == "" {
				continue
			}
			if strings.EqualFold(m[1], "f.k.a.") {
				out.formerNames = append(out.formerNames, name)
			} else {
				out.weakAliases = append(out.weakAliases, name)
			}
		case dobRe.MatchString(part):
			v := dobRe.FindStringSubmatch(part)[1]
			if d := remarkDate(v); d != "" {
				out.birthDates = append(out.birthDates, d)
			}
		case strings.HasPrefix(lower, "nationality "), strings.HasPrefix(lower, "citizen "),
			strings.HasPrefix(lower, "alt. nationality "), strings.HasPrefix(lower, "alt. citizen "):
			for _, pre := range []string{"alt. nationality ", "alt. citizen ", "nationality ", "citizen "} {
				if strings.HasPrefix(lower, pre) {
					out.countries = append(out.countries, strings.TrimSuffix(strings.TrimSpace(part[len(pre):]), "."))
					break
				}
			}
		default:
			if id, ok := remarkIdentifier(part); ok {
				out.ids = append(out.ids, id)
			}
		}
	}
	return out
}

// splitRemarks splits on ";" outside parentheses.
func splitRemarks(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// remarkDate normalises the date of a "DOB" remark.
func remarkDate(v string) string {
	v = strings.TrimSuffix(strings.TrimSpace(v), ".")
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(v, "circa "), "Circa "))
	if a, b, ok := strings.Cut(v, " to "); ok {
		da, ok1 := normDate(a)
		db, ok2 := normDate(b)
		if ok1 && ok2 {
			return da + "/" + db
		}
		return ""
	}
	if d, ok := normDate(v); ok {
		return d
	}
	return ""
}

// remarkIdentifier recognises "<type> <number> (<country>)".
func remarkIdentifier(part string) (remarkID, bool) {
	part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "."))
	if strings.HasPrefix(strings.ToLower(part), "alt. ") {
		part = part[5:]
	}
	country := ""
	if strings.HasSuffix(part, ")") {
		if i := strings.LastIndex(part, "("); i > 0 {
			inner := part[i+1 : len(part)-1]
			if regid.Country(inner) != "" {
				country = inner
				part = strings.TrimSpace(part[:i])
			}
		}
	}
	words := strings.Fields(part)
	at := -1
	for i, w := range words {
		if i > 0 && strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			at = i
			break
		}
	}
	kind := ""
	var num []string
	switch {
	case at > 0:
		kind = strings.Join(words[:at], " ")
		for _, w := range words[at:] {
			if strings.IndexFunc(w, unicode.IsDigit) < 0 {
				break
			}
			num = append(num, w)
		}
	case len(words) >= 2 && (strings.Contains(strings.ToUpper(part), "SWIFT") || strings.Contains(strings.ToUpper(part), "BIC")):
		// Codes without digits: "SWIFT/BIC BKCHCNBJ".
		kind = strings.Join(words[:len(words)-1], " ")
		num = words[len(words)-1:]
	default:
		return remarkID{}, false
	}
	kind = strings.TrimRight(strings.TrimSpace(kind), ":#")
	kind = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(kind, " No."), " No"))
	if kind == "" || len(num) == 0 {
		return remarkID{}, false
	}
	if !regid.IsIdentifierKind(kind) {
		return remarkID{}, false
	}
	return remarkID{kind: kind, number: strings.Join(num, " "), country: country}, true
}

// normName is the comparison form of a name for resolving "Linked To:"
// remarks: lower case, letters and digits only.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
