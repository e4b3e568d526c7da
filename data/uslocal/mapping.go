package uslocal

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/tenderlens/tenderlens/data/procure"
)

// OCIDPrefix starts every ocid this package makes. It is a Tenderlens
// namespace, not a prefix registered with the Open Contracting Partnership:
// the releases are made by Tenderlens from the city's CSV, not published
// by the city.
const OCIDPrefix = "tlcsv"

// Mapping kinds.
const (
	KindPayments = "payments" // each row is one payment: one release
	KindVendors  = "vendors"  // a vendor register: read and checked, nothing stored
)

// Ways of recognising private persons among payees (Vendor.Individuals).
const (
	IndividualsNone      = "none"
	IndividualsLastFirst = "last-first"
)

// Mapping says how to read one kind of CSV export. It is written in TOML;
// README.md ("Importing city spending from CSV") documents every key with
// a worked example. The zero values are the defaults.
type Mapping struct {
	// Name identifies the mapping (the profile name, or the file name
	// without .toml for a mapping file). It is recorded with every release.
	Name string `toml:"name"`
	// Title describes the export in one line.
	Title string `toml:"title"`
	// Kind is "payments" (default) or "vendors".
	Kind string `toml:"kind"`
	// Namespace is the city or agency namespace: lower-case letters and
	// digits in dot-separated parts, e.g. "us.az.phoenix". Party IDs and
	// ocids live in it, so every dataset of one city must use the same one
	// (its vendors then share supplier pages) and no two cities may.
	Namespace string `toml:"namespace"`
	// Dataset names the export within the namespace: lower-case letters,
	// digits and hyphens, e.g. "checkbook". It is part of every ocid.
	Dataset string `toml:"dataset"`
	// Publisher, SourceURL and License describe where the data comes from
	// (stored as the package metadata of every release).
	Publisher string `toml:"publisher"`
	SourceURL string `toml:"source_url"`
	License   string `toml:"license"`
	// Language of the texts (ISO 639-1, default "en").
	Language string `toml:"language"`
	// Currency is the ISO 4217 code of amounts that do not say (default USD).
	Currency string `toml:"currency"`
	// Timezone of the dates (IANA name, default UTC).
	Timezone string `toml:"timezone"`
	// DateLayouts are tried in order (default DefaultDateLayouts); see
	// GoLayout for the tokens.
	DateLayouts []string `toml:"date_layouts"`
	// Delimiter between fields (default ","; "\t", ";" and "|" also work).
	Delimiter string `toml:"delimiter"`
	// Encoding: "auto" (default: UTF-8, fields that are not valid UTF-8 are
	// read as Windows-1252 with a warning), "utf-8", "windows-1252" or
	// "iso-8859-1". A UTF-16 byte order mark is always honoured.
	Encoding string `toml:"encoding"`
	// DecimalComma reads "1.234,56" amounts.
	DecimalComma bool `toml:"decimal_comma"`
	// NoHeader says the file has no header row; columns are then named "#1",
	// "#2", ... (1-based).
	NoHeader bool `toml:"no_header"`
	// MissingValues are cell values that mean "no value", added to the
	// built-in ones (empty, "no data", "n/a", "na", "null", "none",
	// "redacted", "-", "#n/a" and any run of question marks such as "?" or
	// "??????"). Compared case-insensitively after trimming.
	MissingValues []string `toml:"missing_values"`

	// Columns maps fields to column headers (compared case-insensitively,
	// spaces collapsed).
	Columns Columns `toml:"columns"`
	// Constants give fields a fixed value: used when the field has no
	// column or its cell is missing.
	Constants Constants `toml:"constants"`
	// Buyer describes the paying city or agency's address.
	Buyer BuyerInfo `toml:"buyer"`
	// Vendor says how payees are resolved.
	Vendor VendorRules `toml:"vendor"`
}

// Columns maps the fields of a payment (or a vendor register row) to
// column headers.
type Columns struct {
	Buyer       string `toml:"buyer"`       // the paying city or agency
	Department  string `toml:"department"`  // the unit that bought (tender.procuringEntity)
	Vendor      string `toml:"vendor"`      // the payee's name
	VendorID    string `toml:"vendor_id"`   // the payee's id in the city's system (kept in identifier.id)
	Amount      string `toml:"amount"`      // required for payments
	Currency    string `toml:"currency"`    // ISO 4217 code; default the mapping's currency
	Date        string `toml:"date"`        // required for payments: payment, check or invoice date
	Description string `toml:"description"` // what was bought; the title of the payment
	Category    string `toml:"category"`    // expense class or category, kept as a classification
	RecordID    string `toml:"record_id"`   // a unique id of the row (check or voucher number), part of the ocid
	// Vendor registers: address parts.
	Address    string `toml:"address"`
	Address2   string `toml:"address2"`
	City       string `toml:"city"`
	State      string `toml:"state"`
	PostalCode string `toml:"postal_code"`
}

// Constants are fixed field values, used when the field has no column or
// its cell is missing.
type Constants struct {
	Buyer       string `toml:"buyer"`       // e.g. "City of Chicago"
	Department  string `toml:"department"`  // e.g. "Chicago Police Department"
	Description string `toml:"description"` // default description
	Category    string `toml:"category"`    // default category
}

// BuyerInfo is the address of the buyer, written into its party.
type BuyerInfo struct {
	Locality string `toml:"locality"` // city
	Region   string `toml:"region"`   // state
	Country  string `toml:"country"`  // ISO 3166-1 alpha-2, default US
}

// VendorRules say how payees are resolved (see ResolveVendor).
type VendorRules struct {
	// Individuals: "none" (default) or "last-first": payees written "LAST,
	// FIRST" are private persons whose names are withheld.
	Individuals string `toml:"individuals"`
	// TruncatedAt is the length at which the source system cuts vendor
	// names (35 for Phoenix); longer spellings are cut the same way before
	// grouping. 0: names are not cut.
	TruncatedAt int `toml:"truncated_at"`
	// Unknown is the label of the shared payee of rows without a vendor
	// (default "Unknown vendor (see description)").
	Unknown string `toml:"unknown"`
	// InDescription names the vendor when the vendor cell is empty (or the
	// file has no vendor column) and the description contains Match as
	// whole words, case-insensitively. The first matching rule wins.
	InDescription []VendorRule `toml:"in_description"`
}

// VendorRule names a vendor found in a description.
type VendorRule struct {
	Match string `toml:"match"` // words to find, e.g. "lexis nexis"
	Name  string `toml:"name"`  // the vendor's name, e.g. "LexisNexis"
}

//go:embed profiles/*.toml
var profileFS embed.FS

// Profiles returns the names of the built-in profiles.
func Profiles() []string {
	names, _ := fs.Glob(profileFS, "profiles/*.toml")
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.TrimSuffix(path.Base(n), ".toml"))
	}
	sort.Strings(out)
	return out
}

// Profile returns a built-in mapping by name. Unknown names are
// procure.ErrInvalid with the list of profiles.
func Profile(name string) (*Mapping, error) {
	b, err := profileFS.ReadFile("profiles/" + name + ".toml")
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("%w: there is no CSV profile %q (profiles: %s)", procure.ErrInvalid, name, strings.Join(Profiles(), ", "))
	}
	m, err := ParseMapping(b, name)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", name, err)
	}
	return m, nil
}

// LoadMapping reads a mapping file. Its name defaults to the file name
// without the extension.
func LoadMapping(file string) (*Mapping, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read mapping: %w", err)
	}
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	m, err := ParseMapping(b, name)
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", file, err)
	}
	return m, nil
}

// MappingFromOptions resolves the parser options of a csv source or import:
// exactly one of "profile" (a built-in profile) or "mapping" (a mapping
// file). Errors wrap procure.ErrInvalid.
func MappingFromOptions(opts map[string]string) (*Mapping, error) {
	for k := range opts {
		if k != "profile" && k != "mapping" {
			return nil, fmt.Errorf("%w: unknown csv parser option %q (use profile or mapping)", procure.ErrInvalid, k)
		}
	}
	p, f := strings.TrimSpace(opts["profile"]), strings.TrimSpace(opts["mapping"])
	switch {
	case p != "" && f != "":
		return nil, fmt.Errorf("%w: give a csv profile or a mapping file, not both", procure.ErrInvalid)
	case p != "":
		return Profile(p)
	case f != "":
		m, err := LoadMapping(f)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", procure.ErrInvalid, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("%w: a csv import needs a profile (%s) or a mapping file", procure.ErrInvalid, strings.Join(Profiles(), ", "))
}

// ParseMapping decodes and checks a TOML mapping. Unknown keys are errors
// (a typo must not silently drop a column). name is used when the mapping
// has no name of its own.
func ParseMapping(data []byte, name string) (*Mapping, error) {
	m := &Mapping{}
	md, err := toml.Decode(string(data), m)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("unknown keys: %s", strings.Join(keys, ", "))
	}
	if m.Name == "" {
		m.Name = name
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

var (
	reNamespace = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9]+)*$`)
	reDataset   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	reCurrency  = regexp.MustCompile(`^[A-Z]{3}$`)
	reLanguage  = regexp.MustCompile(`^[a-z]{2,3}$`)
	reCountry   = regexp.MustCompile(`^[A-Z]{2}$`)
)

// check fills defaults and validates.
func (m *Mapping) check() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if m.Kind == "" {
		m.Kind = KindPayments
	}
	if m.Kind != KindPayments && m.Kind != KindVendors {
		bad("kind must be %q or %q, not %q", KindPayments, KindVendors, m.Kind)
	}
	if !reNamespace.MatchString(m.Namespace) {
		bad("namespace %q must be lower-case letters and digits in dot-separated parts, like \"us.az.phoenix\"", m.Namespace)
	}
	if !reDataset.MatchString(m.Dataset) {
		bad("dataset %q must be lower-case letters, digits and hyphens, like \"checkbook\"", m.Dataset)
	}
	if m.Language == "" {
		m.Language = "en"
	}
	if !reLanguage.MatchString(m.Language) {
		bad("language %q must be an ISO 639-1 code such as \"en\"", m.Language)
	}
	if m.Currency == "" {
		m.Currency = "USD"
	}
	if !reCurrency.MatchString(m.Currency) {
		bad("currency %q must be an ISO 4217 code such as \"USD\"", m.Currency)
	}
	if m.Timezone != "" {
		if _, err := time.LoadLocation(m.Timezone); err != nil {
			bad("timezone %q is not an IANA time zone such as \"America/Phoenix\"", m.Timezone)
		}
	}
	if _, err := newDateParser(m.DateLayouts, m.Timezone); err != nil {
		bad("%v", err)
	}
	switch m.Delimiter {
	case "":
		m.Delimiter = ","
	case ",", ";", "|", "\t":
	default:
		bad("delimiter must be one of \",\", \";\", \"|\" or \"\\t\", not %q", m.Delimiter)
	}
	switch m.Encoding {
	case "":
		m.Encoding = "auto"
	case "auto", "utf-8", "windows-1252", "iso-8859-1":
	default:
		bad("encoding must be auto, utf-8, windows-1252 or iso-8859-1, not %q", m.Encoding)
	}
	switch m.Vendor.Individuals {
	case "":
		m.Vendor.Individuals = IndividualsNone
	case IndividualsNone, IndividualsLastFirst:
	default:
		bad("vendor.individuals must be %q or %q, not %q", IndividualsNone, IndividualsLastFirst, m.Vendor.Individuals)
	}
	if m.Vendor.TruncatedAt < 0 {
		bad("vendor.truncated_at must not be negative")
	}
	for i, r := range m.Vendor.InDescription {
		if wordsOf(r.Match) == "" || strings.TrimSpace(r.Name) == "" {
			bad("vendor.in_description #%d needs a match and a name", i+1)
		}
	}
	if m.Buyer.Country == "" {
		m.Buyer.Country = "US"
	}
	if !reCountry.MatchString(m.Buyer.Country) {
		bad("buyer.country %q must be an ISO 3166-1 alpha-2 code such as \"US\"", m.Buyer.Country)
	}
	c := m.Columns
	for _, f := range m.columnFields() {
		if f.col != "" && m.NoHeader && !isColumnNumber(f.col) {
			bad("columns.%s = %q: without a header row, columns are numbered \"#1\", \"#2\", ...", f.name, f.col)
		}
	}
	switch m.Kind {
	case KindPayments:
		if c.Amount == "" {
			bad("columns.amount is required")
		}
		if c.Date == "" {
			bad("columns.date is required")
		}
		if c.Buyer == "" && strings.TrimSpace(m.Constants.Buyer) == "" {
			bad("the buyer needs columns.buyer or constants.buyer (the paying city or agency)")
		}
		if c.Vendor == "" && len(m.Vendor.InDescription) == 0 && c.Description == "" {
			bad("the payee needs columns.vendor, or columns.description with vendor.in_description rules")
		}
	case KindVendors:
		if c.Vendor == "" {
			bad("a vendor register needs columns.vendor")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", procure.ErrInvalid, strings.Join(errs, "; "))
	}
	return nil
}

type columnField struct{ name, col string }

// columnFields lists the mapped columns.
func (m *Mapping) columnFields() []columnField {
	c := m.Columns
	all := []columnField{
		{"buyer", c.Buyer}, {"department", c.Department}, {"vendor", c.Vendor}, {"vendor_id", c.VendorID},
		{"amount", c.Amount}, {"currency", c.Currency}, {"date", c.Date}, {"description", c.Description},
		{"category", c.Category}, {"record_id", c.RecordID}, {"address", c.Address}, {"address2", c.Address2},
		{"city", c.City}, {"state", c.State}, {"postal_code", c.PostalCode},
	}
	out := all[:0]
	for _, f := range all {
		if f.col != "" {
			out = append(out, f)
		}
	}
	return out
}

func isColumnNumber(s string) bool {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "#"))
	return strings.HasPrefix(s, "#") && err == nil && n >= 1
}

// normHeader normalises a header cell or column reference for comparison.
func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// builtinMissing are the placeholders every mapping treats as missing.
var builtinMissing = []string{"", "no data", "n/a", "na", "null", "none", "redacted", "-", "--", "#n/a"}

// missingSet returns the set of placeholder values (normalised).
func (m *Mapping) missingSet() map[string]bool {
	set := map[string]bool{}
	for _, v := range append(append([]string{}, builtinMissing...), m.MissingValues...) {
		set[normHeader(v)] = true
	}
	return set
}
