package procure

import (
	"encoding/json"
	"time"
)

// ContractDetail is everything the contract page shows.
type ContractDetail struct {
	Contract        Contract        `json:"contract"`
	CompiledRelease json.RawMessage `json:"compiledRelease"`
	Releases        []ReleaseInfo   `json:"releases"`
	Changes         []Change        `json:"changes,omitempty"`
}

// ReleaseInfo describes one stored source release of a process.
type ReleaseInfo struct {
	ID          string    `json:"id"`
	Date        time.Time `json:"date,omitzero"`
	Tag         []string  `json:"tag"`
	Source      string    `json:"source"`
	URL         string    `json:"url"`
	RetrievedAt time.Time `json:"retrievedAt,omitzero"`
	SHA256      string    `json:"sha256"`
	Version     string    `json:"version"`
	Compiled    bool      `json:"compiled,omitempty"`
}

// PageRequest asks for one page of a list ordered by a stable key.
type PageRequest struct {
	Limit     int       // 0 = default (50), capped at 500
	Cursor    string    // opaque; "" = first page
	Q         string    // optional name filter (substring, case-insensitive)
	BuyerType BuyerType // optional filter for agency lists
}

// AgencySummary is one row of the agencies list.
type AgencySummary struct {
	Party         Party   `json:"party"`
	ContractCount int     `json:"contractCount"`
	AwardCount    int     `json:"awardCount"`
	Totals        []Money `json:"totals"` // per currency, counted awards only
}

// AgencyList is one page of agencies.
type AgencyList struct {
	Agencies   []AgencySummary `json:"agencies"`
	Total      int             `json:"total"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// YearTotal is the spending of one year in one currency.
type YearTotal struct {
	Year   int   `json:"year"`
	Amount Money `json:"amount"`
	Count  int   `json:"count"` // counted awards
}

// PartyTotal is the spending with one counterpart (a supplier on an agency
// page, a buyer on a supplier page) in one currency.
type PartyTotal struct {
	Party  PartyRef `json:"party"`
	Amount Money    `json:"amount"`
	Count  int      `json:"count"`
}

// CategoryTotal is spending per category (OCDS mainProcurementCategory or a
// classification) in one currency.
type CategoryTotal struct {
	Category string `json:"category"`
	Amount   Money  `json:"amount"`
	Count    int    `json:"count"`
	// Refunds is the sum of the negative amounts (refunds, credits)
	// already netted into Amount, and RefundCount their number; set for
	// departments.
	Refunds     Money `json:"refunds,omitzero"`
	RefundCount int   `json:"refundCount,omitempty"`
}

// AwardRow is an award listed on an agency or supplier page.
type AwardRow struct {
	OCID      string     `json:"ocid"`
	AwardID   string     `json:"awardID"`
	Title     string     `json:"title"`
	Buyer     PartyRef   `json:"buyer"`
	Suppliers []PartyRef `json:"suppliers"`
	Date      time.Time  `json:"date,omitzero"`
	Value     Money      `json:"value"`
	HasValue  bool       `json:"hasValue"`
	Status    string     `json:"status,omitempty"`
	Counted   bool       `json:"counted"`
}

// AgencyDetail is everything an agency (buyer) page shows.
type AgencyDetail struct {
	Party         Party           `json:"party"`
	ContractCount int             `json:"contractCount"`
	AwardCount    int             `json:"awardCount"`
	Totals        []Money         `json:"totals"`            // per currency, counted awards
	Refunds       []Money         `json:"refunds,omitempty"` // negative amounts (refunds, credits) per currency, already netted in Totals
	ByYear        []YearTotal     `json:"byYear"`            // sorted by currency then year
	TopSuppliers  []PartyTotal    `json:"topSuppliers"`      // per currency, largest first
	Categories    []CategoryTotal `json:"categories"`
	Departments   []CategoryTotal `json:"departments,omitempty"` // for city checkbooks
	RecentAwards  []AwardRow      `json:"recentAwards"`
}

// SupplierDetail is everything a supplier page shows.
type SupplierDetail struct {
	Party      Party        `json:"party"`
	AwardCount int          `json:"awardCount"`
	Totals     []Money      `json:"totals"`
	ByBuyer    []PartyTotal `json:"byBuyer"`
	Countries  []string     `json:"countries"` // buyer countries it sold to
	BuyerTypes []BuyerType  `json:"buyerTypes"`
	Awards     []AwardRow   `json:"awards"`
}

// ImportRun is one run of one source.
type ImportRun struct {
	ID       int64     `json:"id"`
	Source   string    `json:"source"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// Status: "running", "ok", "partial" (some records failed), "failed",
	// "not-modified".
	Status    string    `json:"status"`
	Read      int       `json:"read"`      // records read
	Stored    int       `json:"stored"`    // new or changed releases stored
	Unchanged int       `json:"unchanged"` // releases already held, identical
	Warnings  int       `json:"warnings"`
	Errors    int       `json:"errors"`
	Message   string    `json:"message,omitempty"` // failure reason
	Problems  []Problem `json:"problems,omitempty"`
	// ProblemsKept is how many problems were stored (the store keeps the
	// first 10,000 of a run; Warnings and Errors are the true counts).
	ProblemsKept int `json:"problemsKept,omitempty"`
}

// SourceStatus is a configured source with its schedule and last run.
type SourceStatus struct {
	Name      string     `json:"name"`
	Format    string     `json:"format"`
	Location  string     `json:"location"` // URL or path
	Schedule  string     `json:"schedule"`
	NextRun   time.Time  `json:"nextRun,omitzero"`
	LastRun   *ImportRun `json:"lastRun,omitempty"`
	LastOK    *ImportRun `json:"lastSuccess,omitempty"`
	Contracts int        `json:"contracts"` // processes last changed by this source
	Releases  int        `json:"releases"`
}

// Stats are the headline figures of the home page.
type Stats struct {
	Contracts   int              `json:"contracts"`
	Awards      int              `json:"awards"`
	Buyers      int              `json:"buyers"`
	Suppliers   int              `json:"suppliers"`
	Releases    int              `json:"releases"`
	Totals      []Money          `json:"totals"` // counted awards per currency
	ByBuyerType []BuyerTypeCount `json:"byBuyerType"`
	DataAsOf    time.Time        `json:"dataAsOf,omitzero"` // newest successful import
	Demo        bool             `json:"demo"`
}

// BuyerTypeCount is the number of contracts per buyer type.
type BuyerTypeCount struct {
	BuyerType BuyerType `json:"buyerType"`
	Contracts int       `json:"contracts"`
}
