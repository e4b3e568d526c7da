package uslocal

import (
	"strings"
	"unicode"

	"github.com/tenderlens/tenderlens/data/match"
	"github.com/tenderlens/tenderlens/data/procure"
)

// PayeeKind says what a payment's payee is.
type PayeeKind string

// Payee kinds.
const (
	// PayeeOrganisation: a vendor named in the file (or found in the
	// description by a mapping rule); it gets a supplier page.
	PayeeOrganisation PayeeKind = "organisation"
	// PayeeIndividual: a private person ("LAST, FIRST": court interpreters,
	// refund recipients). The name is withheld: every such payment goes to
	// one shared "Individual payee (name withheld)" party.
	PayeeIndividual PayeeKind = "individual"
	// PayeeUnknown: no vendor in the row; the shared "Unknown vendor" party.
	PayeeUnknown PayeeKind = "unknown"
)

// Labels of the shared placeholder payees (defaults; a mapping may rename
// the unknown one).
const (
	IndividualPayeeName = "Individual payee (name withheld)"
	UnknownVendorName   = "Unknown vendor (see description)"
)

// Payee is the resolved payee of one payment.
type Payee struct {
	Kind PayeeKind
	// Name is what the portal shows: the vendor name as published (trimmed,
	// inner spaces collapsed), the canonical name of a description rule, or
	// a placeholder label.
	Name string
	// ID is the portal party ID: procure.SlugID(namespace, Key).
	ID string
	// Key is match.VendorKey of the name (cut to the mapping's
	// truncated_at first), or the placeholder label. Names with the same key
	// in one namespace are one supplier.
	Key string
	// LegalForm is the legal form match.VendorKey recognised ("LLC"), kept
	// as a tag.
	LegalForm string
	// Rule is the description rule ("match" text) that named the vendor, if
	// any.
	Rule string
}

// PartyNamespace is the namespace of the mapping's party IDs and the first
// part of its ocids: "tlcsv-" + namespace. It equals the ocid prefix the
// OCDS summariser derives slug IDs from, so the IDs agree.
func (m *Mapping) PartyNamespace() string { return OCIDPrefix + "-" + m.Namespace }

// ResolveVendor resolves the payee of a row from its vendor cell (already
// cleaned; "" when missing) and its description.
func (m *Mapping) ResolveVendor(vendor, description string) Payee {
	ns := m.PartyNamespace()
	vendor = collapseSpaces(vendor)
	if vendor == "" {
		if r, ok := m.vendorFromText(description); ok {
			p := m.organisation(r.Name)
			p.Rule = r.Match
			return p
		}
		label := m.Vendor.Unknown
		if label == "" {
			label = UnknownVendorName
		}
		return Payee{Kind: PayeeUnknown, Name: label, Key: label, ID: procure.SlugID(ns, label)}
	}
	if m.Vendor.Individuals == IndividualsLastFirst && LooksLikePerson(vendor) {
		return Payee{Kind: PayeeIndividual, Name: IndividualPayeeName, Key: IndividualPayeeName, ID: procure.SlugID(ns, IndividualPayeeName)}
	}
	return m.organisation(vendor)
}

func (m *Mapping) organisation(name string) Payee {
	keyName := name
	if n := m.Vendor.TruncatedAt; n > 0 && len(keyName) > n {
		// The source system cuts names at n bytes: cut longer spellings of
		// the same name the same way so they group with the cut ones.
		keyName = strings.TrimRightFunc(truncateBytes(keyName, n), unicode.IsSpace)
	}
	key, form := match.VendorKey(keyName)
	if key == "" {
		key = keyName
	}
	return Payee{Kind: PayeeOrganisation, Name: name, Key: key, LegalForm: form, ID: procure.SlugID(m.PartyNamespace(), key)}
}

// vendorFromText finds the first description rule whose words appear in
// text (case-insensitive, whole words, punctuation ignored except &).
func (m *Mapping) vendorFromText(text string) (VendorRule, bool) {
	if text == "" || len(m.Vendor.InDescription) == 0 {
		return VendorRule{}, false
	}
	t := " " + wordsOf(text) + " "
	for _, r := range m.Vendor.InDescription {
		if w := wordsOf(r.Match); w != "" && strings.Contains(t, " "+w+" ") {
			return r, true
		}
	}
	return VendorRule{}, false
}

// wordsOf lower-cases s and keeps its words (letters, digits, &) separated
// by single spaces.
func wordsOf(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8Start(s) {
		s = s[:len(s)-1]
	}
	return s
}

// utf8Start reports whether s does not end inside a multi-byte rune.
func utf8Start(s string) bool {
	r := []rune(s)
	return len(r) > 0 && r[len(r)-1] != unicode.ReplacementChar
}

func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// notPersonWords are words that show a "X, Y" payee is an organisation, not
// a person in LAST, FIRST form: legal forms, business and public-body words.
var notPersonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		INC INCORPORATED LLC LLP PLLC PLC PC PA CORP CORPORATION CO COMPANY COMPANIES LTD LIMITED LP
		GMBH NFP DBA
		GROUP ASSOCIATES ASSOC ASSN ASSOCIATION SERVICES SERVICE SVC SVCS SRVCS LAW LAWS FIRM ATTORNEY
		ATTORNEYS ATTY OFFICE OFFICES CENTER CENTRE SOCIETY INSTITUTE FOUNDATION TRUST BANK CITY COUNTY
		STATE DEPARTMENT DEPT UNIVERSITY COLLEGE SCHOOL SCHOOLS DISTRICT CLUB CHURCH HOSPITAL CLINIC
		INTERNATIONAL INTL ENTERPRISES ENTERPRISE INDUSTRIES SYSTEMS SYSTEM SOLUTIONS TECHNOLOGIES
		TECHNOLOGY PARTNERS PARTNERSHIP HOLDINGS MANAGEMENT CONSULTING CONSULTANTS CONSTRUCTION SUPPLY
		SUPPLIES PRODUCTS THE OF FOR ESTATE AUTHORITY AGENCY BOARD COUNCIL COMMISSION FUND MEDICAL HEALTH
		INSURANCE EQUIPMENT SALES STORE STORES MARKET SHOP RESTAURANT HOTEL MOTORS AUTO ELECTRIC
		PLUMBING ROOFING ENGINEERING ENGINEERS ARCHITECTS CONTRACTORS CONTRACTING DESIGN DESIGNS
		NETWORK NETWORKS COMMUNICATIONS MEDIA PUBLISHING PRESS NEWS NEWSPAPER RADIO TV UNLIMITED
		`) {
		notPersonWords[w] = true
	}
}

// LooksLikePerson reports whether a payee name is a private person written
// "LAST, FIRST" (optionally with middle names, initials, JR/SR/PhD and an
// "& PARTNER" for couples): exactly one comma, 1-3 words before it, 1-5
// after, no digits, and no word that marks an organisation (INC, LLC,
// COMPANY, ASSOCIATES, LAW, CITY, ...). Organisations written with a comma
// ("ACE PARKING MANAGEMENT, INC", "ALEX D. GONZALEZ, ATTORNEY AT LAW",
// "AYERS & BROWN, PC", "AMERICAN SOCIETY OF COMPOSERS,") are not persons.
func LooksLikePerson(name string) bool {
	if strings.Count(name, ",") != 1 {
		return false
	}
	last, first, _ := strings.Cut(name, ",")
	lw, fw := personWords(last), personWords(first)
	if lw == nil || fw == nil || len(lw) > 3 || len(fw) > 5 {
		return false
	}
	return true
}

// personWords splits one side of "LAST, FIRST" into words; nil when the
// side is empty or holds something a person's name does not.
func personWords(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		w := strings.ToUpper(strings.Trim(f, ".'"))
		if w == "&" || w == "AND" {
			continue
		}
		for _, r := range w {
			if unicode.IsDigit(r) || !(unicode.IsLetter(r) || r == '-' || r == '\'' || r == '.') {
				return nil
			}
		}
		if w == "" || notPersonWords[strings.ReplaceAll(w, ".", "")] {
			return nil
		}
		out = append(out, w)
	}
	return out
}
