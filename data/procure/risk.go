package procure

import "time"

// Regime is a jurisdiction's rule for when an entity owned or controlled by
// sanctioned parties counts as sanctioned itself. Each regime is its own
// rule engine; their verdicts are never blended.
type Regime string

// The ownership rules the portal evaluates.
const (
	// RegimeOFAC is the US OFAC 50 % rule: blocked persons that, in
	// aggregate, own 50 % or more of an entity, directly or indirectly
	// (through entities blocked by the same rule), make it blocked.
	// Ownership only; control alone does not count (OFAC FAQ 398, 401).
	RegimeOFAC Regime = "ofac"
	// RegimeEU is the EU rule: more than 50 % of the proprietary rights
	// held by listed persons in aggregate, or control by a listed person.
	RegimeEU Regime = "eu"
	// RegimeUK is the UK (OFSI) rule: more than 50 % held by one designated
	// person (holdings of different persons are not added together), or
	// control by a designated person.
	RegimeUK Regime = "uk"
)

// Regimes lists the regimes in display order.
var Regimes = []Regime{RegimeOFAC, RegimeEU, RegimeUK}

// Label is the short human name of the rule.
func (r Regime) Label() string {
	switch r {
	case RegimeOFAC:
		return "US (OFAC 50 % rule)"
	case RegimeEU:
		return "EU (ownership > 50 % or control)"
	case RegimeUK:
		return "UK (OFSI ownership > 50 % or control)"
	}
	return string(r)
}

// Short is the regime's short name ("US", "EU", "UK").
func (r Regime) Short() string {
	switch r {
	case RegimeOFAC:
		return "US"
	case RegimeEU:
		return "EU"
	case RegimeUK:
		return "UK"
	}
	return string(r)
}

// Valid reports whether r is one of Regimes.
func (r Regime) Valid() bool {
	switch r {
	case RegimeOFAC, RegimeEU, RegimeUK:
		return true
	}
	return false
}

// Verdict is the three-valued answer of one rule: yes when the records
// prove it even with the lowest shares they allow, possible when only the
// highest shares (or a listing or link that is not certain) would make it
// true, no otherwise.
type Verdict string

// Verdicts.
const (
	VerdictYes      Verdict = "yes"
	VerdictPossible Verdict = "possible"
	VerdictNo       Verdict = "no"
)

// Rank orders verdicts: no 0, possible 1, yes 2.
func (v Verdict) Rank() int {
	switch v {
	case VerdictYes:
		return 2
	case VerdictPossible:
		return 1
	}
	return 0
}

// Cap lowers v to at most c (a "yes" reached through an uncertain link
// becomes "possible").
func (v Verdict) Cap(c Verdict) Verdict {
	if v.Rank() > c.Rank() {
		return c
	}
	return v
}

// RiskLevel summarises a supplier's dossier for lists and filters. It is
// the most serious finding as of today or as of any of its award dates.
type RiskLevel string

// Risk levels, most serious first.
const (
	// RiskListed: the supplier itself (through a certain link) is on a
	// sanctions, debarment or other risk list.
	RiskListed RiskLevel = "listed"
	// RiskOwned: under at least one rule the records show the supplier as
	// owned or controlled by listed parties ("yes").
	RiskOwned RiskLevel = "owned"
	// RiskPossible: at least one rule says "possible", or a "yes" rests on
	// an uncertain (name-only) match.
	RiskPossible RiskLevel = "possible"
	// RiskLinked: listed parties appear in the ownership chain (minority or
	// former stakes, lists no rule covers) or are linked by softer evidence
	// (shared address, officers, "linked to" remarks); no rule applies.
	RiskLinked RiskLevel = "linked"
	// RiskNone: nothing found in the records held.
	RiskNone RiskLevel = "none"
)

// RiskLevels lists the levels that flag a supplier, most serious first.
var RiskLevels = []RiskLevel{RiskListed, RiskOwned, RiskPossible, RiskLinked}

// Rank orders levels: none 0 … listed 4.
func (l RiskLevel) Rank() int {
	switch l {
	case RiskListed:
		return 4
	case RiskOwned:
		return 3
	case RiskPossible:
		return 2
	case RiskLinked:
		return 1
	}
	return 0
}

// Valid reports whether l is a known level (RiskNone included).
func (l RiskLevel) Valid() bool { return l == RiskNone || l.Rank() > 0 }

// Label is the hedged human wording of the level.
func (l RiskLevel) Label() string {
	switch l {
	case RiskListed:
		return "Listed: the supplier itself appears on a sanctions, debarment or other risk list"
	case RiskOwned:
		return "Owned or controlled by listed parties, according to the records"
	case RiskPossible:
		return "Possibly owned or controlled by listed parties"
	case RiskLinked:
		return "Linked to listed parties"
	}
	return "No link to listed parties found"
}

// RiskDossier is everything the portal knows about one supplier's links to
// sanctioned parties: how the procurement supplier was resolved to register
// and list records, the ownership and control paths to listed parties hop
// by hop with their sources, the verdict of each rule as of today and as of
// each award date with its trace, the effective-ownership intervals, the
// softer "linked to" evidence, the public money involved, and what is
// unknown. It is computed after imports and stored; the supplier page and
// GET /api/v1/suppliers/{id}/risk show it.
type RiskDossier struct {
	Supplier PartyRef  `json:"supplier"`
	Level    RiskLevel `json:"level"`
	// Headline is one hedged sentence summarising the finding.
	Headline string `json:"headline"`
	// Checked is false when no dossier has been computed yet.
	Checked    bool      `json:"checked"`
	ComputedAt time.Time `json:"computedAt,omitzero"`
	// Links are the register and list records the supplier was matched to.
	Links []RiskLink `json:"links"`
	// Entities are the nodes of the chain: every register or list entity
	// (merged across records sharing an identifier) the dossier mentions.
	Entities []RiskEntity `json:"entities"`
	// Edges are the ownership and control links between Entities shown in
	// the paths, each with its source record.
	Edges []RiskEdge `json:"edges"`
	// Paths lead from the supplier upwards to listed parties.
	Paths []RiskPath `json:"paths"`
	// Today is the assessment as of the computation date.
	Today RiskAssessment `json:"today"`
	// AtAwards are the assessments as of each distinct award date.
	AtAwards []RiskAssessment `json:"atAwards"`
	// Awards are the supplier's awards with the public money involved.
	Awards []RiskAward `json:"awards"`
	// Exposure is the value of the counted awards per currency.
	Exposure []Money `json:"exposure"`
	// Owners are effective-ownership intervals (today) of the listed
	// parties in the chain: shares multiplied along each path and added
	// across paths. An exposure measure, not a legal test.
	Owners []EffectiveOwner `json:"owners"`
	// SoftLinks are "linked to" evidence: never ownership, never used by
	// the rules.
	SoftLinks []RiskSoftLink `json:"softLinks"`
	// Unknowns says what the records do not tell.
	Unknowns []string `json:"unknowns"`
	// MaxDepth is how many ownership hops were followed upwards.
	MaxDepth int `json:"maxDepth"`
}

// RiskLink is one match of the supplier to a register or list entity.
type RiskLink struct {
	SupplierLink
	Entity string `json:"entity"` // RiskEntity.ID of the matched entity's node
	Name   string `json:"name"`
}

// RiskEntity is one node of an ownership chain: a register or list entity,
// merged with every record that shares one of its qualified identifiers.
type RiskEntity struct {
	ID           string       `json:"id"`      // the node ID (an entity ID of the cluster)
	Members      []string     `json:"members"` // entity IDs of every record merged into the node
	Name         string       `json:"name"`
	Names        []string     `json:"names,omitempty"`
	Kind         EntityKind   `json:"kind"`
	Jurisdiction string       `json:"jurisdiction,omitempty"`
	Countries    []string     `json:"countries,omitempty"`
	Identifiers  []Identifier `json:"identifiers,omitempty"`
	Listings     []Listing    `json:"listings,omitempty"`
	Topics       []string     `json:"topics,omitempty"`
	// Listed is true when the node is itself on a sanctions list (as of
	// today) or treated as designated (e.g. the DPRK government, EO 13722).
	Listed bool `json:"listed"`
	// Seeds say why the node counts as designated under each rule.
	Seeds []RiskSeed `json:"seeds,omitempty"`
	// ListMatches are name matches of the node to list entries that share
	// no identifier with it ("possibly the same as").
	ListMatches []RiskListMatch `json:"listMatches,omitempty"`
	// Opaque gives the reasons its owners are hidden or incomplete.
	Opaque  []string     `json:"opaque,omitempty"`
	Sources []Provenance `json:"sources,omitempty"`
	// Depth is the number of hops from the supplier (0 = the supplier).
	Depth int `json:"depth"`
}

// RiskSeed is why a node counts as designated under a rule.
type RiskSeed struct {
	Regime Regime `json:"regime"`
	// Certain is false when the listing's date is unknown or partial (for
	// past dates), or the listing comes from a name-only match.
	Certain bool   `json:"certain"`
	Basis   string `json:"basis"` // "listed on OFAC SDN (RUSSIA-EO14024), ref 45937"
}

// RiskListMatch is a name match between a chain node and a list entry.
type RiskListMatch struct {
	Entity   string      `json:"entity"` // list entity ID
	Name     string      `json:"name"`
	Listings []Listing   `json:"listings"`
	Match    MatchResult `json:"match"`
}

// RiskEdge is an ownership or control link as published.
type RiskEdge struct {
	ID        string       `json:"id"`
	Kind      RelationKind `json:"kind"`
	Owner     string       `json:"owner"` // RiskEntity.ID; "" for an undisclosed owner
	Asset     string       `json:"asset"` // RiskEntity.ID
	Share     Interval     `json:"share"`
	Interests []string     `json:"interests,omitempty"`
	Control   bool         `json:"control,omitempty"`
	Direct    string       `json:"direct,omitempty"`
	StartDate string       `json:"startDate,omitempty"`
	EndDate   string       `json:"endDate,omitempty"`
	Role      string       `json:"role,omitempty"`
	// UnspecifiedOwner is the reason an owner is not disclosed.
	UnspecifiedOwner string `json:"unspecifiedOwner,omitempty"`
	// Ended is true when the link ended before the dossier's date.
	Ended  bool       `json:"ended,omitempty"`
	Source Provenance `json:"source"`
}

// RiskPath is one chain from the supplier upwards to a listed party:
// Nodes[0] is the supplier's node, Nodes[len-1] the listed party, and
// Edges[i] links Nodes[i+1] (owner) to Nodes[i] (asset).
type RiskPath struct {
	Nodes []string `json:"nodes"`
	Edges []string `json:"edges"`
	// Current is true when every hop is in force today.
	Current bool `json:"current"`
	// Share is the product of the hop shares (ownership hops only; a
	// control hop makes it unknown).
	Share Interval `json:"share"`
	// Control is true when a hop is control rather than ownership.
	Control bool `json:"control,omitempty"`
	// Opaque is true when a node on the path has hidden owners.
	Opaque bool `json:"opaque,omitempty"`
}

// RiskAssessment is the verdict of every rule as of one date.
type RiskAssessment struct {
	AsOf     string          `json:"asOf"` // YYYY-MM-DD
	Level    RiskLevel       `json:"level"`
	Verdicts []RegimeVerdict `json:"verdicts"`
}

// RegimeVerdict is one rule's answer with the steps that led to it.
type RegimeVerdict struct {
	Regime  Regime  `json:"regime"`
	Verdict Verdict `json:"verdict"`
	// Summary explains the verdict in one hedged sentence.
	Summary string `json:"summary"`
	// Trace lists, in the order the rule derived them, every entity the
	// rule treats as owned by listed parties, and finally the supplier.
	Trace []RuleStep `json:"trace,omitempty"`
}

// RuleStep is one step of a rule: which owners summed to what for one
// entity.
type RuleStep struct {
	Entity string `json:"entity"` // RiskEntity.ID
	Name   string `json:"name"`
	// Owners are the designated or already-derived owners counted.
	Owners []RuleOwner `json:"owners,omitempty"`
	// Sum is the counted share: low end with the lowest shares and certain
	// designations, high end with the highest shares and every possible
	// designation.
	Sum       Interval `json:"sum"`
	Threshold string   `json:"threshold"` // "≥ 50 %", "> 50 %"
	Control   bool     `json:"control,omitempty"`
	Result    Verdict  `json:"result"`
	// Reason says the rule in words for this step.
	Reason string `json:"reason"`
}

// RuleOwner is one owner counted in a rule step.
type RuleOwner struct {
	Entity  string   `json:"entity"`
	Name    string   `json:"name"`
	Share   Interval `json:"share"`
	Control bool     `json:"control,omitempty"`
	// Basis says why the owner counts: listed, or derived by the rule.
	Basis string `json:"basis"`
	// Person is, for the UK rule, the designated person the holding is
	// attributed to.
	Person string `json:"person,omitempty"`
}

// RiskAward is one award of the supplier with the verdicts at its date.
type RiskAward struct {
	OCID      string    `json:"ocid"`
	AwardID   string    `json:"awardId"`
	Title     string    `json:"title,omitempty"`
	Buyer     PartyRef  `json:"buyer"`
	BuyerType BuyerType `json:"buyerType,omitempty"`
	Date      time.Time `json:"date,omitzero"`
	Value     Money     `json:"value"`
	HasValue  bool      `json:"hasValue"`
	Counted   bool      `json:"counted"`
	// AsOf names the assessment in RiskDossier.AtAwards for the award's
	// date ("" when the award has no date).
	AsOf  string    `json:"asOf,omitempty"`
	Level RiskLevel `json:"level"`
}

// EffectiveOwner is the effective-ownership interval of one party in the
// supplier.
type EffectiveOwner struct {
	Entity string   `json:"entity"`
	Name   string   `json:"name"`
	Share  Interval `json:"share"`
	Listed bool     `json:"listed"`
}

// RiskSoftLink is softer evidence linking a chain node to a listed party.
type RiskSoftLink struct {
	From      string       `json:"from"` // RiskEntity.ID in the chain
	To        string       `json:"to"`   // RiskEntity.ID of the listed party
	Kind      RelationKind `json:"kind"`
	Role      string       `json:"role,omitempty"`
	StartDate string       `json:"startDate,omitempty"`
	EndDate   string       `json:"endDate,omitempty"`
	Source    Provenance   `json:"source"`
}

// RiskSummary is one row of the /risk list.
type RiskSummary struct {
	Supplier   PartyRef        `json:"supplier"`
	Level      RiskLevel       `json:"level"`
	Headline   string          `json:"headline"`
	Verdicts   []RegimeVerdict `json:"verdicts"` // today, without traces
	Listed     []string        `json:"listedParties"`
	Exposure   []Money         `json:"exposure"`
	BuyerTypes []BuyerType     `json:"buyerTypes"`
	ComputedAt time.Time       `json:"computedAt,omitzero"`
}

// RiskListRequest asks for one page of flagged suppliers.
type RiskListRequest struct {
	Limit     int       // 0 = default (50), capped at 500
	Cursor    string    // opaque; "" = first page
	BuyerType BuyerType // only exposure to this type of buyer
	Level     RiskLevel // only this level ("" = every flagged level)
	// Currency ranks by the exposure in this currency ("" = the currency
	// with the most flagged suppliers).
	Currency string
}

// CurrencyCount is the number of flagged suppliers with exposure in one
// currency.
type CurrencyCount struct {
	Currency  string `json:"currency"`
	Suppliers int    `json:"suppliers"`
}

// RiskList is one page of flagged suppliers, ranked by the public money
// they received in one currency (largest first); suppliers without
// exposure in that currency follow, by name.
type RiskList struct {
	Rows       []RiskSummary   `json:"rows"`
	Total      int             `json:"total"`
	Currency   string          `json:"currency"`
	Currencies []CurrencyCount `json:"currencies"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// RiskExposure is the public money a supplier received from one type of
// buyer in one currency (counted awards with a value).
type RiskExposure struct {
	BuyerType BuyerType `json:"buyerType"`
	Amount    Money     `json:"amount"`
	Count     int       `json:"count"`
}

// RiskRecord is one supplier's computed result as the risk job stores it.
type RiskRecord struct {
	Dossier  RiskDossier    `json:"dossier"`
	Summary  RiskSummary    `json:"summary"`
	Exposure []RiskExposure `json:"exposure"`
}
