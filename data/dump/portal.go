package dump

import (
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// The portal tables are the portal's own reading of the data, with stable
// portal IDs for buyers and suppliers, exact amounts and the "counted" flag
// the totals use: the tables a journalist sums in a spreadsheet or
// Datasette, and the ones the reconciliation checks.

type colDef struct{ name, typ, desc string }

var (
	portalContractCols = []colDef{
		{"ocid", tString, "Open Contracting ID of the contracting process"},
		{"title", tString, "Title (tender title, else the first award's or contract's)"},
		{"description", tString, "Description"},
		{"language", tString, "Language of the texts (BCP 47)"},
		{"buyer_id", tString, "Portal ID of the buyer (scheme-identifier, or a stable slug)"},
		{"buyer_name", tString, "Name of the buyer"},
		{"buyer_type", tString, "education, police, health or other"},
		{"country", tString, "Buyer's country (ISO 3166-1 alpha-2)"},
		{"date", tString, "Date shown in lists (first counted award, else contract signature, else tender start), RFC 3339"},
		{"year", tInteger, "Year of date (0 when unknown)"},
		{"amount", tNumber, "Sum of the counted awards' values in one currency; empty when no value was published"},
		{"amount_exact", tString, "The same amount as exact decimal text"},
		{"currency", tString, "ISO 4217 currency of amount"},
		{"tender_amount", tNumber, "Estimated value of the tender"},
		{"tender_amount_exact", tString, "The same as exact decimal text"},
		{"tender_currency", tString, "Currency of the tender value"},
		{"status", tString, "Tender status"},
		{"method", tString, "Procurement method"},
		{"category", tString, "Main procurement category"},
		{"supplier_ids", tString, "Portal IDs of the suppliers, separated by \"; \""},
		{"supplier_names", tString, "Names of the suppliers, separated by \"; \""},
		{"award_count", tInteger, "Number of awards"},
		{"classifications", tString, "Item classifications as SCHEME:ID, separated by \"; \""},
		{"source", tString, "Import source that last changed the process"},
		{"publisher", tString, "Publisher named by the source package"},
		{"release_count", tInteger, "Number of releases compiled"},
		{"first_release", tString, "Date of the first release, RFC 3339"},
		{"last_release", tString, "Date of the latest release, RFC 3339"},
		{"demo", tBoolean, "True for generated demonstration data"},
		{"url", tString, "Page of the process on the portal"},
	}
	portalAwardCols = []colDef{
		{"ocid", tString, "Open Contracting ID of the contracting process"},
		{"award_index", tInteger, "Position of the award in the process (0-based)"},
		{"award_id", tString, "Award ID as published"},
		{"title", tString, "Award title (else the process title)"},
		{"status", tString, "Award status"},
		{"counted", tBoolean, "False for cancelled and unsuccessful awards, which no total includes"},
		{"buyer_id", tString, "Portal ID of the buyer"},
		{"buyer_name", tString, "Name of the buyer"},
		{"date", tString, "Award date, RFC 3339"},
		{"year", tInteger, "Award year, else the process year, else 0: the year the totals use"},
		{"has_value", tBoolean, "True when a value was published"},
		{"amount", tNumber, "Award value"},
		{"amount_exact", tString, "Award value as exact decimal text"},
		{"currency", tString, "ISO 4217 currency of the value"},
		{"supplier_ids", tString, "Portal IDs of the suppliers, separated by \"; \""},
		{"supplier_names", tString, "Names of the suppliers, separated by \"; \""},
	}
	portalAwardSupplierCols = []colDef{
		{"ocid", tString, "Open Contracting ID of the contracting process"},
		{"award_index", tInteger, "Position of the award in the process (0-based)"},
		{"award_id", tString, "Award ID as published"},
		{"supplier_id", tString, "Portal ID of the supplier"},
		{"supplier_name", tString, "Name of the supplier"},
		{"buyer_id", tString, "Portal ID of the buyer"},
		{"buyer_name", tString, "Name of the buyer"},
		{"year", tInteger, "Award year (as in portal_awards)"},
		{"counted", tBoolean, "False for cancelled and unsuccessful awards"},
		{"has_value", tBoolean, "True when a value was published"},
		{"amount", tNumber, "The award's full value (a consortium's award counts in full for each member)"},
		{"amount_exact", tString, "The same as exact decimal text"},
		{"currency", tString, "ISO 4217 currency"},
	}
	portalOrganisationCols = []colDef{
		{"id", tString, "Portal ID"},
		{"name", tString, "Name (as in the most recent process)"},
		{"legal_name", tString, "Legal name"},
		{"scheme", tString, "Identifier scheme (org-id.guide prefix)"},
		{"identifier", tString, "Identifier within the scheme"},
		{"additional_ids", tString, "Other qualified identifiers, separated by \"; \""},
		{"country", tString, "Country (ISO 3166-1 alpha-2)"},
		{"buyer_type", tString, "For buyers: education, police, health or other"},
		{"street_address", tString, "Street address"},
		{"locality", tString, "Locality"},
		{"region", tString, "Region"},
		{"postal_code", tString, "Postal code"},
		{"country_name", tString, "Country name as published"},
		{"language", tString, "Language of the name"},
		{"buyer_contracts", tInteger, "Contracting processes it is the buyer of"},
		{"buyer_awards", tInteger, "Awards of those processes"},
		{"supplier_awards", tInteger, "Awards it won"},
		{"url", tString, "Page on the portal (buyer or supplier page)"},
	}
)

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// awardYear is the year the store files an award's spending under: the
// award date's year, else the contract date's, else 0.
func awardYear(a procure.Award, c *procure.Contract) int {
	if !a.Date.IsZero() {
		return a.Date.Year()
	}
	if !c.Date.IsZero() {
		return c.Date.Year()
	}
	return 0
}

// awardSupplierIDs are an award's distinct non-empty supplier IDs (what
// the store's totals count).
func awardSupplierIDs(a procure.Award) []procure.PartyRef {
	var out []procure.PartyRef
	seen := map[string]bool{}
	for _, p := range a.Suppliers {
		if p.ID != "" && !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

func hasMoney(m procure.Money) bool { return !(m.Amount.IsZero() && m.Currency == "") }

func (r *row) money(name string, m procure.Money) {
	r.set(name, kNumber, m.Amount.String())
	r.str(name+"_exact", m.Amount.String())
}

func joinRefs(refs []procure.PartyRef, name bool) string {
	parts := make([]string, 0, len(refs))
	for _, p := range refs {
		if name {
			parts = append(parts, p.Name)
		} else {
			parts = append(parts, p.ID)
		}
	}
	return strings.Join(parts, "; ")
}

// portalContract writes the summary rows of one contract and adds its
// counted awards to the reconciliation sums.
func (b *build) portalContract(c *procure.Contract, year int) error {
	r := &row{t: b.pContracts, year: year}
	r.str("ocid", c.OCID)
	r.str("title", c.Title)
	r.str("description", c.Description)
	r.str("language", c.Language)
	r.str("buyer_id", c.Buyer.ID)
	r.str("buyer_name", c.Buyer.Name)
	r.str("buyer_type", string(c.BuyerType))
	r.str("country", c.Country)
	r.str("date", rfc3339(c.Date))
	r.integer("year", int64(year))
	if hasMoney(c.Amount) {
		r.money("amount", c.Amount)
		r.str("currency", c.Amount.Currency)
	}
	if hasMoney(c.TenderValue) {
		r.money("tender_amount", c.TenderValue)
		r.str("tender_currency", c.TenderValue.Currency)
	}
	r.str("status", c.Status)
	r.str("method", c.Method)
	r.str("category", c.Category)
	r.str("supplier_ids", joinRefs(c.Suppliers, false))
	r.str("supplier_names", joinRefs(c.Suppliers, true))
	r.integer("award_count", int64(len(c.Awards)))
	r.str("classifications", strings.Join(c.Classifications, "; "))
	r.str("source", c.Source)
	r.str("publisher", c.Publisher)
	r.integer("release_count", int64(c.ReleaseCount))
	r.str("first_release", rfc3339(c.FirstRelease))
	r.str("last_release", rfc3339(c.LastRelease))
	r.boolean("demo", c.Demo)
	r.str("url", b.w.cfg.BaseURL+"/contracts/"+pathEscape(c.OCID))
	if err := b.pContracts.write(r); err != nil {
		return err
	}
	for i, a := range c.Awards {
		ay := awardYear(a, c)
		ar := &row{t: b.pAwards, year: year}
		ar.str("ocid", c.OCID)
		ar.integer("award_index", int64(i))
		ar.str("award_id", a.ID)
		title := a.Title
		if title == "" {
			title = c.Title
		}
		ar.str("title", title)
		ar.str("status", a.Status)
		ar.boolean("counted", a.Counted)
		ar.str("buyer_id", c.Buyer.ID)
		ar.str("buyer_name", c.Buyer.Name)
		ar.str("date", rfc3339(a.Date))
		ar.integer("year", int64(ay))
		ar.boolean("has_value", a.HasValue)
		if a.HasValue {
			ar.money("amount", a.Value)
			ar.str("currency", a.Value.Currency)
		}
		ar.str("supplier_ids", joinRefs(a.Suppliers, false))
		ar.str("supplier_names", joinRefs(a.Suppliers, true))
		if err := b.pAwards.write(ar); err != nil {
			return err
		}
		seenSup := map[string]bool{}
		for _, sp := range a.Suppliers {
			if sp.ID != "" && seenSup[sp.ID] {
				continue // listed twice in one award: counted once, as in the totals
			}
			seenSup[sp.ID] = true
			sr := &row{t: b.pAwardSuppliers, year: year}
			sr.str("ocid", c.OCID)
			sr.integer("award_index", int64(i))
			sr.str("award_id", a.ID)
			sr.str("supplier_id", sp.ID)
			sr.str("supplier_name", sp.Name)
			sr.str("buyer_id", c.Buyer.ID)
			sr.str("buyer_name", c.Buyer.Name)
			sr.integer("year", int64(ay))
			sr.boolean("counted", a.Counted)
			sr.boolean("has_value", a.HasValue)
			if a.HasValue {
				sr.money("amount", a.Value)
				sr.str("currency", a.Value.Currency)
			}
			if err := b.pAwardSuppliers.write(sr); err != nil {
				return err
			}
		}
		b.awards++
		if !a.Counted || !a.HasValue {
			continue
		}
		u := big.NewInt(a.Value.Amount.Units())
		cur := a.Value.Currency
		b.sums.add(totalKey{ScopeCurrency, "", 0, cur}, u)
		for _, sp := range awardSupplierIDs(a) {
			b.sums.add(totalKey{ScopeSupplier, sp.ID, 0, cur}, u)
		}
		if c.Buyer.ID != "" {
			b.sums.add(totalKey{ScopeBuyerYear, c.Buyer.ID, ay, cur}, u)
		}
	}
	return nil
}

func (b *build) portalOrganisation(o Organisation) error {
	p := o.Party
	r := &row{t: b.pOrganisations}
	r.str("id", p.ID)
	r.str("name", p.Name)
	r.str("legal_name", p.LegalName)
	r.str("scheme", p.Scheme)
	r.str("identifier", p.Identifier)
	r.str("additional_ids", strings.Join(p.AdditionalIDs, "; "))
	r.str("country", p.Country)
	if o.BuyerContracts > 0 {
		r.str("buyer_type", string(p.BuyerType))
	}
	r.str("street_address", p.Address.Street)
	r.str("locality", p.Address.Locality)
	r.str("region", p.Address.Region)
	r.str("postal_code", p.Address.PostalCode)
	r.str("country_name", p.Address.CountryName)
	r.str("language", p.Language)
	r.integer("buyer_contracts", o.BuyerContracts)
	r.integer("buyer_awards", o.BuyerAwards)
	r.integer("supplier_awards", o.SupplierAwards)
	switch {
	case o.BuyerContracts > 0:
		r.str("url", b.w.cfg.BaseURL+"/agencies/"+pathEscape(p.ID))
	case o.SupplierAwards > 0:
		r.str("url", b.w.cfg.BaseURL+"/suppliers/"+pathEscape(p.ID))
	}
	b.organisations++
	return b.pOrganisations.write(r)
}

// totalKey identifies one reconciled total.
type totalKey struct {
	scope, id string
	year      int
	currency  string
}

type totalAcc struct {
	units *big.Int
	count int64
}

type totals map[totalKey]*totalAcc

func (t totals) add(k totalKey, u *big.Int) {
	a := t[k]
	if a == nil {
		a = &totalAcc{units: new(big.Int)}
		t[k] = a
	}
	a.units.Add(a.units, u)
	a.count++
}

// pathEscape escapes an ID as one URL path segment, as the server does.
func pathEscape(s string) string { return url.PathEscape(s) }
