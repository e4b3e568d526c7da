package procure

// BuyerType is the broad kind of a public buyer. It answers the users' first
// question: what do schools and police buy?
type BuyerType string

// Buyer types. Every buyer has exactly one; Other when nothing matches.
const (
	BuyerEducation BuyerType = "education" // schools, school districts, universities
	BuyerPolice    BuyerType = "police"    // police, sheriffs, public safety, prisons
	BuyerHealth    BuyerType = "health"    // hospitals, health departments
	BuyerOther     BuyerType = "other"
)

// BuyerTypes lists every buyer type in display order.
var BuyerTypes = []BuyerType{BuyerEducation, BuyerPolice, BuyerHealth, BuyerOther}

// Label is the human name of the buyer type.
func (t BuyerType) Label() string {
	switch t {
	case BuyerEducation:
		return "School / education"
	case BuyerPolice:
		return "Police / public safety"
	case BuyerHealth:
		return "Health"
	}
	return "Other"
}

// Valid reports whether t is one of BuyerTypes.
func (t BuyerType) Valid() bool {
	switch t {
	case BuyerEducation, BuyerPolice, BuyerHealth, BuyerOther:
		return true
	}
	return false
}

// PartyRef points at an organisation by its portal ID.
type PartyRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Party is an organisation as the portal knows it: a buyer, a supplier or
// both. ID is stable across imports: "{SCHEME}-{id}" from a normalised
// identifier (see QualifiedID) or, without one, a slug of the publisher and
// the normalised name.
type Party struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Scheme     string    `json:"scheme,omitempty"`     // org-id.guide prefix, e.g. GB-COH
	Identifier string    `json:"identifier,omitempty"` // normalised id within Scheme
	LegalName  string    `json:"legalName,omitempty"`
	Country    string    `json:"country,omitempty"` // ISO 3166-1 alpha-2 when known
	Address    Address   `json:"address,omitempty"`
	BuyerType  BuyerType `json:"buyerType,omitempty"` // set for buyers
	Language   string    `json:"language,omitempty"`  // BCP 47 language of Name, if known
	// Roles are the OCDS party roles in the process the party is shown for
	// (buyer, supplier, tenderer, ...); empty on aggregated pages.
	Roles []string `json:"roles,omitempty"`
	// AdditionalIDs holds other qualified identifiers ("AM-PPS-123").
	AdditionalIDs []string `json:"additionalIdentifiers,omitempty"`
}

// Address is a postal address as published.
type Address struct {
	Street      string `json:"streetAddress,omitempty"`
	Locality    string `json:"locality,omitempty"`
	Region      string `json:"region,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	CountryName string `json:"countryName,omitempty"`
}
