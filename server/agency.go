package server

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// agenciesPage is the view model of /agencies.
type agenciesPage struct {
	Meta       pageMeta
	Q          string
	BuyerTypes []option
	Summary    string
	Rows       []agencyRow
	NextURL    string
	FirstURL   string
	Hidden     []hiddenField // limit, kept by the filter form
	Filtered   bool
}

type agencyRow struct {
	Party     partyView
	BuyerType string
	Country   string
	Contracts string
	Awards    string
	Totals    []string
}

func (s site) buildAgencies(ctx context.Context, cat Catalog, v url.Values) (agenciesPage, error) {
	req, q, err := parseAgencyList(v)
	if err != nil {
		return agenciesPage{}, err
	}
	list, err := cat.Agencies(ctx, req)
	if err != nil {
		return agenciesPage{}, fmt.Errorf("agencies: %w", err)
	}
	title := "Public buyers"
	if req.BuyerType != "" {
		title = "Public buyers: " + req.BuyerType.Label()
	}
	p := agenciesPage{
		Meta:     s.meta(title, q.url("/agencies"), q.url("/api/v1/agencies"), "agencies"),
		Q:        req.Q,
		Summary:  plural(list.Total, "public buyer", "public buyers"),
		Hidden:   q.hidden(pQ, pBuyerType, pCursor),
		Filtered: req.Q != "" || req.BuyerType != "",
	}
	p.Meta.Description = "Public bodies that buy, with the number of contracts and the money they awarded."
	p.BuyerTypes = append(p.BuyerTypes, option{Value: "", Label: "All types", Selected: req.BuyerType == ""})
	for _, bt := range procure.BuyerTypes {
		p.BuyerTypes = append(p.BuyerTypes, option{Value: string(bt), Label: bt.Label(), Selected: bt == req.BuyerType})
	}
	for _, a := range list.Agencies {
		p.Rows = append(p.Rows, agencyRow{
			Party:     partyView{ID: a.Party.ID, Name: partyName(procure.PartyRef{ID: a.Party.ID, Name: a.Party.Name}), URL: agencyPath(a.Party.ID), Lang: langTag(a.Party.Language)},
			BuyerType: buyerTypeLabel(a.Party.BuyerType),
			Country:   a.Party.Country,
			Contracts: formatInt(a.ContractCount),
			Awards:    formatInt(a.AwardCount),
			Totals:    formatMoneyList(a.Totals),
		})
	}
	if list.NextCursor != "" {
		p.NextURL = q.set(pCursor, list.NextCursor).url("/agencies")
		p.Meta.Next = s.abs(p.NextURL)
	}
	if req.Cursor != "" {
		p.FirstURL = q.without(pCursor, "").url("/agencies")
	}
	return p, nil
}

// agencyPage is the view model of /agencies/{id}.
type agencyPage struct {
	Meta            pageMeta
	Party           partyDetails
	Contracts       string
	Awards          string
	Totals          []string
	Refunds         []string
	Charts          []chartView
	TopSuppliers    []currencyGroup
	Categories      []currencyGroup
	Departments     []departmentGroup
	RecentAwards    awardsTableView
	AllContractsURL string
}

// partyDetails are the facts about an organisation shown at the top of the
// agency and supplier pages.
type partyDetails struct {
	ID        string
	Name      string
	Lang      string
	Facts     []labelledValue
	BuyerType string
}

// currencyGroup is a table of amounts in one currency.
type currencyGroup struct {
	ID       string // caption id, unique on the page
	Currency string
	Caption  string
	What     string // heading of the first column: "Supplier", "Category"
	Rows     []amountRow
}

// awardsTableView is a table of awards.
type awardsTableView struct {
	ID            string
	Caption       string
	Rows          []awardRowView
	ShowBuyer     bool
	ShowSuppliers bool
}

type amountRow struct {
	Party  partyView // set for party rows
	Label  string    // set for category rows
	Amount string
	Count  string
}

// awardRowView is one award in the award tables of agency and supplier pages.
type awardRowView struct {
	ContractURL string
	Title       string
	Buyer       partyView
	Suppliers   []partyView
	Date        dateView
	Value       string
	Status      string
	Counted     bool
}

func (s site) buildAgency(ctx context.Context, cat Catalog, id string) (agencyPage, error) {
	d, err := readDetail(ctx, cat.Agency, id, "agency", "public buyer", " in the portal")
	if err != nil {
		return agencyPage{}, err
	}
	if d.Party.ID == "" {
		d.Party.ID = id
	}
	p := agencyPage{
		Party:           describeParty(d.Party),
		Contracts:       formatInt(d.ContractCount),
		Awards:          formatInt(d.AwardCount),
		Totals:          formatMoneyList(d.Totals),
		Refunds:         formatMoneyList(d.Refunds),
		Charts:          buildCharts(d.ByYear),
		TopSuppliers:    partyTotalGroups("suppliers", d.TopSuppliers, "Top suppliers", "Supplier", supplierLink),
		Categories:      categoryGroups("categories", d.Categories, "Spending by category", "Category"),
		Departments:     departmentGroups(d.Departments),
		RecentAwards:    awardsTableView{ID: "recent-awards", Caption: "Most recent awards, newest first", ShowSuppliers: true},
		AllContractsURL: searchPath(pBuyer, d.Party.ID),
	}
	p.Meta = s.meta(p.Party.Name, agencyPath(d.Party.ID), "/api/v1"+agencyPath(d.Party.ID), "agencies")
	p.Meta.Description = "Spending of " + plainTitle(p.Party.Name) + " per year and currency, its suppliers and its awards."
	p.Meta.JSONLD = s.organizationLD(d.Party, p.Meta.Canonical, true) // open_data.go
	for _, a := range d.RecentAwards {
		p.RecentAwards.Rows = append(p.RecentAwards.Rows, awardRow(a))
	}
	return p, nil
}

func describeParty(pt procure.Party) partyDetails {
	d := partyDetails{ID: pt.ID, Name: partyName(procure.PartyRef{ID: pt.ID, Name: pt.Name}), Lang: langTag(pt.Language), BuyerType: buyerTypeLabel(pt.BuyerType)}
	add := func(label, value string) {
		if value != "" {
			d.Facts = append(d.Facts, labelledValue{Label: label, Value: value})
		}
	}
	if pt.LegalName != "" && pt.LegalName != pt.Name {
		d.Facts = append(d.Facts, labelledValue{Label: "Legal name", Value: pt.LegalName, Lang: d.Lang})
	}
	add("Portal ID", pt.ID)
	if pt.Scheme != "" || pt.Identifier != "" {
		add("Identifier", joinNonEmpty(" ", pt.Scheme, pt.Identifier))
	}
	for _, o := range pt.AdditionalIDs {
		add("Other identifier", o)
	}
	add("Buyer type", d.BuyerType)
	add("Country", pt.Country)
	add("Address", joinNonEmpty(", ", pt.Address.Street, pt.Address.Locality, pt.Address.Region, pt.Address.PostalCode, pt.Address.CountryName))
	return d
}

// partyTotalGroups groups per-currency party totals into one table per
// currency (never mixing currencies), keeping the given order.
func partyTotalGroups(idPrefix string, rows []procure.PartyTotal, caption, what string, link func(procure.PartyRef) partyView) []currencyGroup {
	var out []currencyGroup
	idx := map[string]int{}
	for _, r := range rows {
		i, ok := idx[r.Amount.Currency]
		if !ok {
			i = len(out)
			idx[r.Amount.Currency] = i
			out = append(out, currencyGroup{Currency: r.Amount.Currency, What: what, Caption: caption + " (" + currencyLabel(r.Amount.Currency) + ")"})
		}
		pv := link(r.Party)
		if r.Party.ID == "" {
			pv.URL = ""
		}
		out[i].Rows = append(out[i].Rows, amountRow{Party: pv, Amount: formatMoney(r.Amount), Count: formatInt(r.Count)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Currency < out[b].Currency })
	for i := range out {
		out[i].ID = idPrefix + "-" + strconv.Itoa(i)
	}
	return out
}

func categoryGroups(idPrefix string, rows []procure.CategoryTotal, caption, what string) []currencyGroup {
	var out []currencyGroup
	idx := map[string]int{}
	for _, r := range rows {
		i, ok := idx[r.Amount.Currency]
		if !ok {
			i = len(out)
			idx[r.Amount.Currency] = i
			out = append(out, currencyGroup{Currency: r.Amount.Currency, What: what, Caption: caption + " (" + currencyLabel(r.Amount.Currency) + ")"})
		}
		label := humanize(r.Category)
		if label == "" {
			label = "Not stated"
		}
		out[i].Rows = append(out[i].Rows, amountRow{Label: label, Amount: formatMoney(r.Amount), Count: formatInt(r.Count)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Currency < out[b].Currency })
	for i := range out {
		out[i].ID = idPrefix + "-" + strconv.Itoa(i)
	}
	return out
}

// departmentGroup is the table of an agency's departments in one currency
// (city checkbooks: Police, Parks and Recreation, ...).
type departmentGroup struct {
	ID       string // caption id, unique on the page
	Currency string
	Caption  string
	// ShowRefunds: some department of this currency had refunds or credits.
	ShowRefunds bool
	Rows        []departmentRow
}

// departmentRow is one department: its spending net of refunds, the
// number of awards (payments), and the refunds and credits netted in.
type departmentRow struct {
	Name    string // as published, never re-cased
	Amount  string
	Count   string
	Refunds string // "" when none
}

// departmentGroups groups department totals into one table per currency,
// keeping the store's order (largest first).
func departmentGroups(rows []procure.CategoryTotal) []departmentGroup {
	var out []departmentGroup
	idx := map[string]int{}
	for _, r := range rows {
		i, ok := idx[r.Amount.Currency]
		if !ok {
			i = len(out)
			idx[r.Amount.Currency] = i
			out = append(out, departmentGroup{Currency: r.Amount.Currency,
				Caption: "Spending by department, net of refunds and credits (" + currencyLabel(r.Amount.Currency) + ")"})
		}
		row := departmentRow{Name: strings.TrimSpace(r.Category), Amount: formatMoney(r.Amount), Count: formatInt(r.Count)}
		if row.Name == "" {
			row.Name = "Not stated"
		}
		if m, n := departmentRefunds(r); n > 0 {
			row.Refunds = formatMoney(m) + " (" + plural(n, "refund or credit", "refunds and credits") + ")"
			out[i].ShowRefunds = true
		}
		out[i].Rows = append(out[i].Rows, row)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Currency < out[b].Currency })
	for i := range out {
		out[i].ID = "departments-" + strconv.Itoa(i)
	}
	return out
}

// departmentRefunds returns the refunds and credits netted into a
// department's total and their number.
func departmentRefunds(ct procure.CategoryTotal) (procure.Money, int) {
	return ct.Refunds, ct.RefundCount
}

func awardRow(a procure.AwardRow) awardRowView {
	v := awardRowView{
		ContractURL: contractPath(a.OCID),
		Title:       a.Title,
		Buyer:       agencyLink(a.Buyer),
		Date:        formatDate(a.Date),
		Status:      humanize(a.Status),
		Counted:     a.Counted,
	}
	if v.Title == "" {
		v.Title = "Award " + a.AwardID + " of " + a.OCID
	}
	if a.Buyer.ID == "" {
		v.Buyer.URL = ""
	}
	for _, sp := range a.Suppliers {
		v.Suppliers = append(v.Suppliers, supplierLink(sp))
	}
	if a.HasValue {
		v.Value = formatMoney(a.Value)
	}
	return v
}

// API answers of /api/v1/agencies and /api/v1/agencies/{id}.

type apiAgencySummary struct {
	procure.AgencySummary
	URL string `json:"url"`
	API string `json:"api"`
}

type apiAgencyList struct {
	Agencies   []apiAgencySummary `json:"agencies"`
	Total      int                `json:"total"`
	NextCursor *string            `json:"next_cursor"`
	Next       string             `json:"next,omitempty"`
}

func (s site) apiAgencies(ctx context.Context, cat Catalog, v url.Values) (apiAgencyList, error) {
	req, q, err := parseAgencyList(v)
	if err != nil {
		return apiAgencyList{}, err
	}
	list, err := cat.Agencies(ctx, req)
	if err != nil {
		return apiAgencyList{}, fmt.Errorf("agencies: %w", err)
	}
	out := apiAgencyList{Agencies: make([]apiAgencySummary, 0, len(list.Agencies)), Total: list.Total}
	for _, a := range list.Agencies {
		if a.Totals == nil {
			a.Totals = []procure.Money{}
		}
		out.Agencies = append(out.Agencies, apiAgencySummary{AgencySummary: a, URL: s.abs(agencyPath(a.Party.ID)), API: s.abs("/api/v1" + agencyPath(a.Party.ID))})
	}
	if list.NextCursor != "" {
		c := list.NextCursor
		out.NextCursor = &c
		out.Next = s.abs(q.set(pCursor, c).url("/api/v1/agencies"))
	}
	return out, nil
}

type apiAgency struct {
	procure.AgencyDetail
	URL       string `json:"url"`
	Contracts string `json:"contracts_search"` // all contracts of this agency (JSON search)
}

func (s site) apiAgency(ctx context.Context, cat Catalog, id string) (apiAgency, error) {
	d, err := readDetail(ctx, cat.Agency, id, "agency", "public buyer", "")
	if err != nil {
		return apiAgency{}, err
	}
	if d.Party.ID == "" {
		d.Party.ID = id
	}
	fillEmpty(&d.Totals)
	fillEmpty(&d.ByYear)
	fillEmpty(&d.TopSuppliers)
	fillEmpty(&d.Categories)
	fillEmpty(&d.RecentAwards)
	return apiAgency{AgencyDetail: d, URL: s.abs(agencyPath(d.Party.ID)), Contracts: s.abs("/api/v1" + searchPath(pBuyer, d.Party.ID))}, nil
}

// fillEmpty makes a nil slice empty so the JSON shows [] rather than null.
func fillEmpty[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}
