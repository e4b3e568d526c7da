package procure

import "time"

// Sort orders for search results.
const (
	SortRelevance  = "relevance" // default when Q is not empty
	SortDateDesc   = "date_desc" // newest first; default when Q is empty
	SortDateAsc    = "date_asc"
	SortAmountDesc = "amount_desc"
	SortAmountAsc  = "amount_asc"
)

// Search limits shared by the API and the pages.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
	MaxQueryLength     = 512 // bytes
)

// Facet names. Each is also a filter parameter of /api/v1/search.
const (
	FacetBuyer     = "buyer"
	FacetSupplier  = "supplier"
	FacetBuyerType = "buyer_type"
	FacetCountry   = "country"
	FacetYear      = "year"
	FacetCurrency  = "currency"
	FacetMethod    = "method"
	FacetCategory  = "category"
	FacetAmount    = "amount" // amount ranges
)

// Facets lists the facets in display order.
var Facets = []string{FacetBuyerType, FacetYear, FacetBuyer, FacetSupplier, FacetCountry, FacetCurrency, FacetMethod, FacetCategory, FacetAmount}

// SearchRequest is a search as the public asks it. Q is in the public query
// language (words, "phrases", -exclusion, OR, field:value, prefix*); the
// indexer parses and guards it. Filters are ANDed; values within one filter
// are ORed.
type SearchRequest struct {
	Q         string
	Buyer     []string // party IDs
	Supplier  []string // party IDs
	BuyerType []BuyerType
	Country   []string // ISO alpha-2
	Year      []int
	Currency  []string
	Method    []string
	Category  []string
	DateFrom  time.Time // inclusive; zero = open
	DateTo    time.Time // exclusive; zero = open
	MinAmount *Decimal
	MaxAmount *Decimal
	Risk      []string // risk verdict filter (later issues); ignored when empty

	Sort   string // one of the Sort* constants; "" = default
	Limit  int    // 1..MaxSearchLimit; 0 = DefaultSearchLimit
	Cursor string // opaque, from SearchResults.NextCursor
	Facets bool   // compute facets (first page only)
	// Highlight asks for snippets with the matched words marked.
	Highlight bool
}

// SearchResults is one page of results.
type SearchResults struct {
	Total int `json:"total"`
	// TotalExact is false when Total is a lower bound (very broad queries).
	TotalExact bool                    `json:"totalExact"`
	Hits       []Hit                   `json:"hits"`
	Facets     map[string][]FacetCount `json:"facets,omitempty"`
	// FacetsPartial is true when facet counting hit its time box.
	FacetsPartial bool          `json:"facetsPartial,omitempty"`
	NextCursor    string        `json:"next_cursor,omitempty"`
	Took          time.Duration `json:"-"`
}

// Hit is one search result as the list shows it.
type Hit struct {
	OCID      string     `json:"ocid"`
	Title     string     `json:"title"`
	Buyer     PartyRef   `json:"buyer"`
	BuyerType BuyerType  `json:"buyerType"`
	Suppliers []PartyRef `json:"suppliers"`
	Amount    Money      `json:"amount"`
	// HasAmount is false when no award value is known (Amount is then zero).
	HasAmount bool      `json:"hasAmount"`
	Date      time.Time `json:"date,omitzero"`
	Language  string    `json:"language,omitempty"`
	Score     float64   `json:"score,omitempty"`
	// Snippet is the highlighted text: plain text fragments, some marked as
	// matches. Renderers escape every fragment; no HTML comes from data.
	Snippet []Fragment `json:"snippet,omitempty"`
}

// Fragment is a piece of snippet text; Mark is true for matched words.
type Fragment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

// FacetCount is one value of a facet with its hit count. Label is the human
// name (a buyer's name for a buyer ID, "2019" for a year).
type FacetCount struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Min and Max bound an amount-range facet value (Min inclusive, Max
	// exclusive; nil = open). Nil for other facets.
	Min *Decimal `json:"min,omitempty"`
	Max *Decimal `json:"max,omitempty"`
}
