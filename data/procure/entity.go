package procure

import "strings"

import "time"

// EntityKind is the kind of a register or list entity.
type EntityKind string

// Entity kinds, one model across BODS, PSC, sanctions lists and FtM.
const (
	EntityCompany      EntityKind = "company"      // registered company or other legal entity
	EntityOrganization EntityKind = "organization" // non-company body (NGO, party, unit)
	EntityPerson       EntityKind = "person"
	EntityState        EntityKind = "state"       // a state or state body (BODS state/stateBody)
	EntityArrangement  EntityKind = "arrangement" // trust or other legal arrangement
	EntityVessel       EntityKind = "vessel"
	EntityUnknown      EntityKind = "unknown"
)

// Identifier is a register identifier qualified by scheme (org-id.guide
// style, e.g. GB-COH, RU-INN, RU-OGRN, XI-LEI, US-UEI, UA-EDR). Same
// qualified identifier = same entity.
type Identifier struct {
	Scheme string `json:"scheme"` // normalised scheme, e.g. "RU-INN"
	ID     string `json:"id"`     // normalised id within the scheme
	// Raw is the identifier as published, when it differs.
	Raw string `json:"raw,omitempty"`
}

// Qualified returns "SCHEME-ID" ("" when incomplete).
func (i Identifier) Qualified() string {
	q, _ := QualifiedID(i.Scheme, i.ID)
	return q
}

// EntityName is one name of an entity.
type EntityName struct {
	Name string `json:"name"`
	// Lang is the BCP 47 language when known ("ru", "ko", "zh").
	Lang string `json:"lang,omitempty"`
	// Kind: "primary", "alias", "weak" (low-quality alias), "former",
	// "original-script".
	Kind string `json:"kind,omitempty"`
}

// Listing is one entry of an entity on a sanctions, debarment or other risk
// list.
type Listing struct {
	List      string   `json:"list"`                // "OFAC SDN", "UN Security Council Consolidated List", "EU Financial Sanctions Files", ...
	Authority string   `json:"authority,omitempty"` // "US Treasury OFAC", "UN Security Council", ...
	Programs  []string `json:"programs,omitempty"`  // "DPRK3", "UKRAINE-EO13662", ...
	Reference string   `json:"reference,omitempty"` // list reference: UN "KPe.001", OFAC ent_num "9345", EU logicalId
	ListedOn  string   `json:"listedOn,omitempty"`  // date as published (partial dates allowed)
	EndedOn   string   `json:"endedOn,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	Remarks   string   `json:"remarks,omitempty"`
	URL       string   `json:"url,omitempty"`
}

// Provenance says where a record came from.
type Provenance struct {
	Source      string    `json:"source"`             // configured source / dataset name
	Dataset     string    `json:"dataset,omitempty"`  // format-level dataset, e.g. "us_ofac_sdn"
	RecordID    string    `json:"recordId,omitempty"` // id of the record in the source (statementId, ent_num, DATAID)
	URL         string    `json:"url,omitempty"`      // file path or URL it was read from
	RetrievedAt time.Time `json:"retrievedAt,omitzero"`
	SHA256      string    `json:"sha256,omitempty"` // of the record's raw bytes
	License     string    `json:"license,omitempty"`
	Location    Location  `json:"location"`
}

// DocOrigin describes one input document of an entity import run: where
// its records' provenance says they came from.
type DocOrigin struct {
	Source      string    // configured source name (Provenance.Source)
	URL         string    // URL or file path it was read from
	RetrievedAt time.Time // when it was fetched
}

// Entity is a company, organisation or person from an ownership register or
// a sanctions list. ID is "{source}:{source id}" (stable across imports);
// entities that share a qualified identifier are the same entity (the store
// clusters them).
type Entity struct {
	ID          string       `json:"id"`
	Kind        EntityKind   `json:"kind"`
	Name        string       `json:"name"`
	Names       []EntityName `json:"names,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// Jurisdiction is the ISO alpha-2 country of registration (companies).
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// Countries are all countries linked to the entity (nationality,
	// addresses, jurisdiction), ISO alpha-2.
	Countries       []string  `json:"countries,omitempty"`
	Addresses       []string  `json:"addresses,omitempty"` // one line each, as published
	BirthDate       string    `json:"birthDate,omitempty"` // persons; partial dates allowed
	FoundingDate    string    `json:"foundingDate,omitempty"`
	DissolutionDate string    `json:"dissolutionDate,omitempty"`
	Listings        []Listing `json:"listings,omitempty"`
	// Topics are FtM-style risk topics: "sanction", "sanction.linked",
	// "debarment", "role.pep", "gov.soe", ...
	Topics []string `json:"topics,omitempty"`
	// Opaque is set when the record says its owners are undisclosed or
	// unknowable (BODS unspecified reasons, PSC exemptions, anonymous
	// entities): the reason, in words.
	Opaque     string     `json:"opaque,omitempty"`
	Provenance Provenance `json:"provenance"`
}

// Sanctioned reports whether the entity is itself on a sanctions list.
func (e Entity) Sanctioned() bool {
	for _, t := range e.Topics {
		if t == "sanction" {
			return true
		}
	}
	return len(e.Listings) > 0
}

// RelationKind is the kind of a link between two entities.
type RelationKind string

// Relation kinds. Ownership and control feed the legal rules; every other
// kind is soft-link evidence, shown as "linked to", never as ownership.
const (
	RelOwnership      RelationKind = "ownership"      // shares or other proprietary interest
	RelControl        RelationKind = "control"        // control without (known) ownership: votes, board appointment, significant influence
	RelDirectorship   RelationKind = "directorship"   // officer / director / leader
	RelFamily         RelationKind = "family"         // family member
	RelAssociate      RelationKind = "associate"      // associate, providing support
	RelRepresentation RelationKind = "representation" // acting for or on behalf of
	RelMembership     RelationKind = "membership"
	RelLinkedTo       RelationKind = "linked-to"    // OFAC "Linked To:" remarks and similar
	RelUnknownLink    RelationKind = "unknown-link" // FtM UnknownLink
	RelSharedAddress  RelationKind = "shared-address"
)

// Soft reports whether the relation is soft-link evidence only.
func (k RelationKind) Soft() bool { return k != RelOwnership && k != RelControl }

// Interval is a share in percent as a closed interval: exact shares have
// Min == Max; PSC bands are [25,50] etc.; unknown shares are [0,100].
type Interval struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Unknown is the interval of an unknown share.
var Unknown = Interval{0, 100}

// Relationship is a directed link from Owner (the interested party) to Asset
// (the subject): for ownership, Owner holds a share of Asset.
type Relationship struct {
	ID    string       `json:"id"`
	Kind  RelationKind `json:"kind"`
	Owner string       `json:"owner"` // entity ID; "" when UnspecifiedOwner is set
	Asset string       `json:"asset"` // entity ID
	// Share of Asset held by Owner, for ownership (and voting rights when
	// that is all that is known).
	Share Interval `json:"share"`
	// Interests are the published interest types (BODS interestType, PSC
	// natures of control), kept verbatim.
	Interests []string `json:"interests,omitempty"`
	// Control is true when the link confers control (majority of votes,
	// right to appoint the board, significant influence).
	Control bool `json:"control,omitempty"`
	// Direct: "direct", "indirect" or "" (unknown).
	Direct    string `json:"direct,omitempty"`
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
	Role      string `json:"role,omitempty"` // free text as published ("subsidiary of")
	// UnspecifiedOwner is the reason when the interested party is not
	// disclosed (BODS unspecified, PSC statements).
	UnspecifiedOwner string     `json:"unspecifiedOwner,omitempty"`
	Provenance       Provenance `json:"provenance"`
}

// MatchFeature is one piece of evidence in a match explanation.
type MatchFeature struct {
	Feature string  `json:"feature"` // "name", "identifier", "country", "address", "legal-form", ...
	Score   float64 `json:"score"`   // contribution, can be negative for penalties
	Detail  string  `json:"detail"`  // human explanation, e.g. "ZALA AERO ≈ ZALA AERO GROUP (0.91)"
}

// MatchResult is a scored comparison of two records with its explanation.
type MatchResult struct {
	Score    float64        `json:"score"` // 0..1
	Match    bool           `json:"match"` // Score >= threshold
	Features []MatchFeature `json:"features"`
}

// SupplierLink links a procurement supplier (party) to a register or list
// entity. Certain links come from a shared qualified identifier; others are
// scored name (+country, +address) matches shown as "possible".
type SupplierLink struct {
	SupplierID string      `json:"supplierId"`
	EntityID   string      `json:"entityId"`
	Method     string      `json:"method"` // "identifier" or "name"
	Certain    bool        `json:"certain"`
	Match      MatchResult `json:"match"`
}

// UnspecifiedOwnerText turns a BODS unspecified-owner reason ("code" or
// "code: description", as data/bods writes UnspecifiedOwner) into words
// for people; an unknown code is kept as it is.
func UnspecifiedOwnerText(reason string) string {
	code, desc, _ := strings.Cut(reason, ":")
	code, desc = strings.TrimSpace(code), strings.TrimSpace(desc)
	words := code
	switch code {
	case "noBeneficialOwners":
		words = "the record says there are no beneficial owners"
	case "subjectUnableToConfirmOrIdentifyBeneficialOwner":
		words = "the company could not identify its owner"
	case "interestedPartyHasNotProvidedInformation":
		words = "the owner has not provided information"
	case "subjectExemptFromDisclosure":
		words = "the company is exempt from disclosure"
	case "interestedPartyExemptFromDisclosure":
		words = "the owner is exempt from disclosure"
	case "unknown", "informationUnknownToPublisher":
		words = "unknown to the publisher"
	}
	if desc != "" && !strings.EqualFold(desc, words) {
		return words + ": " + strings.TrimSuffix(desc, ".")
	}
	return words
}
