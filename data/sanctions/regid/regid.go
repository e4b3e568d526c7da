// Package regid qualifies register identifiers and country names for the
// entity importers (data/bods, data/psc, data/sanctions): it turns a
// published identifier ("Registration ID 1111832003018" with a Russian
// address, FtM innCode, PSC registration_number + country_registered) into a
// procure.Identifier with an org-id.guide style scheme, validating check
// digits where the register has them, and maps country names as published
// ("Korea, North", "England And Wales", "Democratic People's Republic of
// Korea") to ISO 3166-1 alpha-2 codes.
//
// # Schemes
//
// Strong schemes identify one legal person world-wide and may be used to
// cluster records ("same qualified identifier = same entity"):
//
//	RU-INN   Russian taxpayer number: 10 digits (organisations) or 12
//	         (individuals), check digits verified
//	RU-OGRN  Russian state registration number: 13 digits (OGRN) or 15
//	         (OGRNIP, sole traders), check digit verified
//	RU-OKPO  Russian statistical code (8 or 10 digits)
//	GB-COH   Companies House number (8 characters, zero padded)
//	UA-EDR   Ukrainian EDRPOU code of a legal entity (8 digits)
//	CN-USCI  Chinese unified social credit code (18 characters)
//	XI-LEI   Legal Entity Identifier (20 characters, ISO 17442 check digits)
//	US-UEI   US SAM Unique Entity ID (12 characters). org-id.guide calls this
//	         register US-SAM; the store treats the two as one scheme.
//	US-EIN   US employer identification number (9 digits)
//	XI-DUNS  D-U-N-S number (9 digits)
//	XI-BIC   SWIFT/BIC code (8 or 11 characters)
//	XI-IMO   IMO ship number (7 digits, check digit verified)
//	XI-IMO-COMPANY  IMO company (registered owner or manager) number
//	US-OFAC  an OFAC list entry (uid / ent_num); set by the sanctions
//	         importers on OFAC entries and on FtM records built from them
//	XI-OC-{jurisdiction}  an OpenCorporates company id (jurisdiction code
//	         and number), used for OpenCorporates URLs outside GB/UA/RU
//	GB-PSC   a Companies House PSC record path (company number and PSC id),
//	         used by BODS files from the Open Ownership register
//
// Weak schemes carry a number that is unique only within a register the
// publisher did not name, or that may be reused; they are kept for matching
// evidence but never cluster records (see Weak):
//
//	{CC}-REG  a registration number in country CC whose register is unknown
//	{CC}-TAX  a tax number in country CC whose scheme is unknown
//	XI-MMSI   a ship's radio identity (reassigned when a ship changes flag)
//
// A number whose check digits fail is kept under the weak scheme of its
// country with a note, never under the strong scheme.
package regid

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Fold lower-cases s, removes diacritics and replaces every run of
// characters other than letters and digits with one space.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '&':
			if b.Len() > 0 && !space {
				b.WriteByte(' ')
			}
			b.WriteString("and")
			space = false
			b.WriteByte(' ')
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if b.Len() > 0 && !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// Country returns the ISO 3166-1 alpha-2 code of a country name or code as
// published ("" when unknown). It accepts alpha-2 and alpha-3 codes, English
// short and formal names, and the spellings of the sanctions lists ("Korea,
// North", "Burma", "Region: Crimea") and of Companies House ("England And
// Wales") and nationality adjectives ("British", "Russian"). "XK" (Kosovo)
// is accepted although it is not an ISO code.
func Country(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || name == "-0-" {
		return ""
	}
	if len(name) == 2 {
		c := strings.ToUpper(name)
		if _, ok := countryCodes[c]; ok {
			return c
		}
		if c == "UK" {
			return "GB"
		}
		return ""
	}
	f := Fold(name)
	if c, ok := countryNames[f]; ok {
		return c
	}
	if c, ok := demonyms[f]; ok {
		return c
	}
	// "Russia (Udmurt Republic)", "Region: Gaza": try without the extra.
	if i := strings.IndexAny(name, "(,;"); i > 0 {
		if c, ok := countryNames[Fold(name[:i])]; ok {
			return c
		}
	}
	return ""
}

// CountryName returns the English name of an alpha-2 code ("" when
// unknown).
func CountryName(code string) string { return countryCodes[strings.ToUpper(code)] }

// Weak reports whether identifiers of scheme are weak: kept as matching
// evidence but never used to decide that two records are the same entity.
func Weak(scheme string) bool {
	s := procure.NormalizeScheme(scheme)
	return strings.HasSuffix(s, "-REG") || strings.HasSuffix(s, "-TAX") || s == "XI-MMSI"
}

// Result is a qualified identifier and, when the published value needed a
// repair or failed a check, a note saying so (for a warning).
type Result struct {
	procure.Identifier
	Note string
}

// Qualify turns one published identifier into a qualified one. kind is the
// identifier type as published (an OFAC idType such as "Registration ID",
// "Tax ID No.", "SWIFT/BIC", "Vessel Registration Identification", a UN
// TYPE_OF_DOCUMENT, an EU identificationTypeCode, an FtM property name such
// as "innCode", or a scheme code such as "RU-OGRN"); number is the value;
// country is an alpha-2 code or a country name ("" when unknown). ok is false
// when the kind is not an identifier of a legal person (passports, national
// ID cards, e-mail addresses) or cannot be qualified.
func Qualify(kind, number, country string) (Result, bool) {
	raw := strings.TrimSpace(number)
	if raw == "" || raw == "-0-" {
		return Result{}, false
	}
	cc := Country(country)
	k := kindOf(kind)
	if k == kindScheme {
		s := procure.NormalizeScheme(kind)
		switch s {
		case "RU-INN":
			k = kindINN
		case "RU-OGRN":
			k = kindOGRN
		case "RU-OKPO":
			k = kindOKPO
		case "XI-LEI":
			k = kindLEI
		case "US-UEI", "US-SAM":
			k = kindUEI
		case "XI-DUNS":
			k = kindDUNS
		case "GB-COH":
			k = kindCOH
		case "UA-EDR":
			k = kindEDR
		case "CN-USCI":
			k = kindUSCI
		case "US-EIN":
			k = kindEIN
		case "XI-IMO":
			k = kindIMO
		default:
			q, ok := procure.QualifiedID(s, raw)
			if !ok {
				return Result{}, false
			}
			res := Result{Identifier: procure.Identifier{Scheme: s, ID: q[len(s)+1:]}}
			if res.ID != raw {
				res.Raw = raw
			}
			return res, true
		}
	}
	digits := onlyDigits(raw)
	alnum := strings.ToUpper(onlyAlnum(raw))
	mk := func(scheme, id, note string) (Result, bool) {
		q := procure.NormalizeIdentifier(scheme, id)
		if q == "" {
			return Result{}, false
		}
		res := Result{Identifier: procure.Identifier{Scheme: procure.NormalizeScheme(scheme), ID: q}, Note: note}
		if raw != q {
			res.Raw = raw
		}
		return res, true
	}
	weak := func(suffix, note string) (Result, bool) {
		if cc == "" {
			return Result{}, false
		}
		return mk(cc+"-"+suffix, raw, note)
	}
	switch k {
	case kindINN:
		if ValidINN(digits) && len(digits) == len(alnum) {
			return mk("RU-INN", digits, "")
		}
		if cc == "" {
			cc = "RU"
		}
		return weak("TAX", "the INN "+raw+" fails its check digits; kept as a weak tax number")
	case kindOGRN:
		if ValidOGRN(digits) && len(digits) == len(alnum) {
			return mk("RU-OGRN", digits, "")
		}
		if cc == "" {
			cc = "RU"
		}
		return weak("REG", "the OGRN "+raw+" fails its check digit; kept as a weak registration number")
	case kindOKPO:
		if (len(digits) == 8 || len(digits) == 10) && len(digits) == len(alnum) {
			return mk("RU-OKPO", digits, "")
		}
		return Result{}, false
	case kindLEI:
		if ValidLEI(alnum) {
			return mk("XI-LEI", alnum, "")
		}
		return Result{}, false
	case kindUEI:
		if len(alnum) == 12 && alnum == strings.ToUpper(strings.ReplaceAll(raw, " ", "")) {
			return mk("US-UEI", alnum, "")
		}
		return Result{}, false
	case kindDUNS:
		if len(digits) == 9 && len(alnum) == 9 {
			return mk("XI-DUNS", digits, "")
		}
		return Result{}, false
	case kindBIC:
		if (len(alnum) == 8 || len(alnum) == 11) && isBIC(alnum) {
			return mk("XI-BIC", alnum, "")
		}
		return Result{}, false
	case kindIMO:
		d := digits
		if ValidIMO(d) {
			return mk("XI-IMO", d, "")
		}
		return Result{}, false
	case kindIMOCompany:
		if len(digits) == 7 && len(alnum) == len(digits)+3 || len(digits) == 7 && len(alnum) == 7 {
			return mk("XI-IMO-COMPANY", digits, "")
		}
		return Result{}, false
	case kindMMSI:
		if len(digits) == 9 {
			return mk("XI-MMSI", digits, "")
		}
		return Result{}, false
	case kindUSCI:
		if len(alnum) == 18 {
			return mk("CN-USCI", alnum, "")
		}
		return weak("REG", "")
	case kindEDR:
		if len(digits) == 8 && len(alnum) == 8 {
			return mk("UA-EDR", digits, "")
		}
		return weak("REG", "")
	case kindCOH:
		if isCompanyNumber(alnum) {
			return mk("GB-COH", alnum, "")
		}
		if cc == "" {
			cc = "GB"
		}
		return weak("REG", "")
	case kindEIN:
		if len(digits) == 9 && len(alnum) == 9 {
			return mk("US-EIN", digits, "")
		}
		return weak("TAX", "")
	case kindTax:
		switch {
		case cc == "RU" && ValidINN(digits) && len(digits) == len(alnum):
			return mk("RU-INN", digits, "")
		case cc == "RU" && (len(digits) == 10 || len(digits) == 12) && len(digits) == len(alnum):
			return weak("TAX", "the INN "+raw+" fails its check digits; kept as a weak tax number")
		case cc == "UA" && len(digits) == 8 && len(alnum) == 8:
			return mk("UA-EDR", digits, "")
		case cc == "US" && len(digits) == 9 && len(alnum) == 9:
			return mk("US-EIN", digits, "")
		case cc == "CN" && len(alnum) == 18:
			return mk("CN-USCI", alnum, "")
		}
		return weak("TAX", "")
	case kindReg:
		switch {
		case cc == "RU" && ValidOGRN(digits) && len(digits) == len(alnum):
			return mk("RU-OGRN", digits, "")
		case cc == "RU" && (len(digits) == 13 || len(digits) == 15) && len(digits) == len(alnum):
			return weak("REG", "the OGRN "+raw+" fails its check digit; kept as a weak registration number")
		case cc == "GB" && isCompanyNumber(alnum):
			return mk("GB-COH", alnum, "")
		case cc == "UA" && len(digits) == 8 && len(alnum) == 8:
			return mk("UA-EDR", digits, "")
		case cc == "CN" && len(alnum) == 18:
			return mk("CN-USCI", alnum, "")
		}
		return weak("REG", "")
	}
	return Result{}, false
}

// IsIdentifierKind reports whether an identifier type as published names a
// register identifier of a legal person or vessel (Qualify may use it),
// rather than a personal document, a contact detail or a note.
func IsIdentifierKind(kind string) bool { return kindOf(kind) != kindNone }

type idKind int

const (
	kindNone idKind = iota
	kindINN
	kindOGRN
	kindOKPO
	kindLEI
	kindUEI
	kindDUNS
	kindBIC
	kindIMO
	kindMMSI
	kindUSCI
	kindEDR
	kindCOH
	kindEIN
	kindTax
	kindReg
	kindScheme
	kindIMOCompany
)

// kindOf classifies an identifier type as published.
func kindOf(kind string) idKind {
	k := strings.TrimSpace(kind)
	switch k { // FtM property names
	case "innCode":
		return kindINN
	case "ogrnCode":
		return kindOGRN
	case "okpoCode":
		return kindOKPO
	case "leiCode":
		return kindLEI
	case "uniqueEntityId":
		return kindUEI
	case "dunsCode":
		return kindDUNS
	case "swiftBic":
		return kindBIC
	case "imoNumber":
		return kindIMO
	case "mmsi":
		return kindMMSI
	case "taxNumber", "vatCode":
		return kindTax
	case "registrationNumber":
		return kindReg
	}
	// A scheme code such as "RU-INN", "XI-LEI" or "GB-COH".
	if len(k) >= 5 && k[2] == '-' && strings.ToUpper(k) == k && !strings.Contains(k, " ") {
		return kindScheme
	}
	f := " " + Fold(k) + " "
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(f, " "+w+" ") {
				return true
			}
		}
		return false
	}
	switch {
	case has("passport", "national id", "national identification", "identity card", "id card", "driver s license", "drivers license", "cedula", "email", "e mail", "website", "phone", "telephone", "gazette", "directive", "additional sanctions information", "for more information", "nationality of registration", "former vessel flag", "aircraft", "birth", "gender", "citizen",
		"sanctions", "effective date", "listing date", "established date", "transactions prohibited", "c u r p", "curp", "d n i", "dni", "cuit personal", "residency", "visa", "seaman", "military"):
		return kindNone
	case has("inn") || strings.Contains(f, "taxpayer identification number russia"):
		return kindINN
	case has("ogrn", "ogrnip", "psrn", "primary state registration number"):
		return kindOGRN
	case has("okpo"):
		return kindOKPO
	case has("lei", "legal entity number", "legal entity identifier"):
		return kindLEI
	case has("uei", "unique entity id", "unique entity identifier"):
		return kindUEI
	case has("d u n s", "duns"):
		return kindDUNS
	case has("swift", "bic", "swift bic"):
		return kindBIC
	case has("imo") && has("company"):
		return kindIMOCompany
	case has("imo"), strings.Contains(f, "vessel registration identification"):
		return kindIMO
	case has("mmsi"):
		return kindMMSI
	case has("unified social credit code", "uscc", "usci"):
		return kindUSCI
	case has("edrpou", "usreou"):
		return kindEDR
	case has("uk company number", "companies house", "company registration number uk"):
		return kindCOH
	case has("ein", "employer identification number"):
		return kindEIN
	case has("tax", "tin", "vat", "v a t", "nif", "rnokpp", "ruc", "rfc", "r f c", "nit", "cuit", "ntn", "pan", "itin", "fiscal"):
		return kindTax
	case has("registration", "register", "registry", "company number", "business number", "business registration", "commercial registry", "commercial register", "trade license", "mercantil", "certificate of incorporation", "chamber of commerce", "registration id", "reg no", "company no", "crn", "kvk", "hrb", "hra"):
		return kindReg
	}
	return kindNone
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func onlyAlnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isBIC(s string) bool {
	for i, r := range s {
		if i < 6 && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// isCompanyNumber reports whether s looks like a Companies House number:
// up to 8 digits, or two letters followed by up to 6 digits (SC, NI, OC,
// OE, ...).
func isCompanyNumber(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	if onlyDigits(s) == s {
		return strings.TrimLeft(s, "0") != ""
	}
	if len(s) < 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	return onlyDigits(s[2:]) == s[2:]
}

// ValidINN reports whether s is a Russian INN with valid check digits (10
// digits for organisations, 12 for individuals).
func ValidINN(s string) bool {
	d, ok := digitsOf(s)
	if !ok {
		return false
	}
	check := func(n int, w []int) bool {
		sum := 0
		for i, wi := range w {
			sum += wi * d[i]
		}
		return sum%11%10 == d[n]
	}
	switch len(d) {
	case 10:
		return check(9, []int{2, 4, 10, 3, 5, 9, 4, 6, 8})
	case 12:
		return check(10, []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) && check(11, []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8})
	}
	return false
}

// ValidOGRN reports whether s is a Russian OGRN (13 digits) or OGRNIP (15
// digits) with a valid check digit.
func ValidOGRN(s string) bool {
	d, ok := digitsOf(s)
	if !ok || (len(d) != 13 && len(d) != 15) || d[0] == 0 {
		return false
	}
	mod := 11
	if len(d) == 15 {
		mod = 13
	}
	rem := 0
	for _, x := range d[:len(d)-1] {
		rem = (rem*10 + x) % mod
	}
	return rem%10 == d[len(d)-1]
}

// ValidLEI reports whether s is a 20-character LEI with valid ISO 17442
// (ISO 7064 mod 97-10) check digits.
func ValidLEI(s string) bool {
	if len(s) != 20 {
		return false
	}
	rem := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			rem = (rem*10 + int(r-'0')) % 97
		case r >= 'A' && r <= 'Z':
			v := int(r-'A') + 10
			rem = (rem*100 + v) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// ValidIMO reports whether s is a 7-digit IMO ship number with a valid
// check digit.
func ValidIMO(s string) bool {
	d, ok := digitsOf(s)
	if !ok || len(d) != 7 {
		return false
	}
	sum := 0
	for i := 0; i < 6; i++ {
		sum += d[i] * (7 - i)
	}
	return sum%10 == d[6]
}

func digitsOf(s string) ([]int, bool) {
	if s == "" {
		return nil, false
	}
	d := make([]int, 0, len(s))
	for _, r := range s {
		if r < '0' || r > '9' {
			return nil, false
		}
		d = append(d, int(r-'0'))
	}
	return d, true
}

// PSCIdentifier is the identifier of a person of significant control of a
// UK company, from the company number and the PSC's id (the last part of
// its Companies House links.self path, e.g.
// /company/06436883/persons-with-significant-control/corporate-entity/7vAYKYu9fXBbLkAuh4yVIk-dAAY):
// GB-PSC-{number}{id}, normalised. The PSC importer and BODS files from the
// Open Ownership register give the same PSC the same identifier.
func PSCIdentifier(company, pscID string) procure.Identifier {
	company = procure.NormalizeIdentifier("GB-COH", company)
	return procure.Identifier{Scheme: "GB-PSC", ID: procure.NormalizeIdentifier("GB-PSC", company+pscID), Raw: company + "/" + pscID}
}
