package server

import (
	"context"

	"github.com/tenderlens/tenderlens/data/procure"
)

// supplierPage is the view model of /suppliers/{id}.
type supplierPage struct {
	Meta            pageMeta
	Party           partyDetails
	Awards          string
	Totals          []string
	ByBuyer         []currencyGroup
	Countries       []string
	BuyerTypes      []facetLink
	AwardRows       awardsTableView
	AllContractsURL string
	// Risk is the ownership and sanctions-risk section (nil when the
	// portal has no risk data); the template renders it in its marked slot.
	Risk *riskSectionView
}

// facetLink is a label linking to a filtered search.
type facetLink struct {
	Label string
	URL   string
}

func (s site) buildSupplier(ctx context.Context, cat Catalog, id string) (supplierPage, error) {
	d, err := readDetail(ctx, cat.Supplier, id, "supplier", "supplier", " in the portal")
	if err != nil {
		return supplierPage{}, err
	}
	if d.Party.ID == "" {
		d.Party.ID = id
	}
	p := supplierPage{
		Party:           describeParty(d.Party),
		Awards:          formatInt(d.AwardCount),
		Totals:          formatMoneyList(d.Totals),
		ByBuyer:         partyTotalGroups("buyers", d.ByBuyer, "Awards by buyer", "Buyer", agencyLink),
		AwardRows:       awardsTableView{ID: "awards", Caption: "Awards won, newest first", ShowBuyer: true},
		Countries:       d.Countries,
		AllContractsURL: searchPath(pSupplier, d.Party.ID),
	}
	p.Party.BuyerType = "" // a supplier's own buyer type is not what this page is about
	p.Meta = s.meta(p.Party.Name, supplierPath(d.Party.ID), "/api/v1"+supplierPath(d.Party.ID), "search")
	p.Meta.Description = "Awards won by " + plainTitle(p.Party.Name) + ", per buyer and currency."
	p.Meta.JSONLD = s.organizationLD(d.Party, p.Meta.Canonical, false) // open_data.go
	for _, bt := range d.BuyerTypes {
		p.BuyerTypes = append(p.BuyerTypes, facetLink{Label: bt.Label(), URL: searchPath(pSupplier, d.Party.ID, pBuyerType, string(bt))})
	}
	for _, a := range d.Awards {
		p.AwardRows.Rows = append(p.AwardRows.Rows, awardRow(a))
	}
	p.Risk = s.buildRiskSection(ctx, cat, d.Party.ID)
	return p, nil
}

type apiSupplier struct {
	procure.SupplierDetail
	URL       string `json:"url"`
	Contracts string `json:"contracts_search"`
}

func (s site) apiSupplier(ctx context.Context, cat Catalog, id string) (apiSupplier, error) {
	d, err := readDetail(ctx, cat.Supplier, id, "supplier", "supplier", "")
	if err != nil {
		return apiSupplier{}, err
	}
	if d.Party.ID == "" {
		d.Party.ID = id
	}
	fillEmpty(&d.Totals)
	fillEmpty(&d.ByBuyer)
	fillEmpty(&d.Countries)
	fillEmpty(&d.BuyerTypes)
	fillEmpty(&d.Awards)
	return apiSupplier{SupplierDetail: d, URL: s.abs(supplierPath(d.Party.ID)), Contracts: s.abs("/api/v1" + searchPath(pSupplier, d.Party.ID))}, nil
}
