package server

import (
	"context"
	"fmt"

	"github.com/tenderlens/tenderlens/data/procure"
)

// homePage is the view model of the home page.
type homePage struct {
	Meta       pageMeta
	Box        searchBox
	Figures    []figure
	Totals     []string
	DataAsOf   dateView
	BuyerTypes []buyerTypeLink
	Examples   []queryExample
}

// figure is one headline number.
type figure struct {
	Value string
	Label string
}

// buyerTypeLink invites browsing by buyer type.
type buyerTypeLink struct {
	Question    string // "What do schools buy?"
	Label       string
	Contracts   string // "1,234 contracts"
	SearchURL   string
	AgenciesURL string
}

// buyerQuestions are the questions the home page asks per buyer type.
var buyerQuestions = map[procure.BuyerType]string{
	procure.BuyerEducation: "What do schools buy?",
	procure.BuyerPolice:    "What do police buy?",
	procure.BuyerHealth:    "What do hospitals and health services buy?",
	procure.BuyerOther:     "What do other public bodies buy?",
}

func (s site) buildHome(ctx context.Context, cat Catalog) (homePage, error) {
	st, err := cat.Stats(ctx)
	if err != nil {
		return homePage{}, fmt.Errorf("home: stats: %w", err)
	}
	p := homePage{
		Meta: s.meta("Public contracts, searchable", "/", "/api/v1/stats", ""),
		Figures: []figure{
			{formatInt(st.Contracts), "contracting processes"},
			{formatInt(st.Awards), "awards"},
			{formatInt(st.Buyers), "public buyers"},
			{formatInt(st.Suppliers), "suppliers"},
		},
		Totals:   formatMoneyList(st.Totals),
		DataAsOf: formatDate(st.DataAsOf),
		Examples: queryExamples,
	}
	p.Meta.Description = "Search public contracts and awards, and see what schools, police and other public bodies buy and from whom."
	counts := map[procure.BuyerType]int{}
	for _, bc := range st.ByBuyerType {
		counts[bc.BuyerType] = bc.Contracts
	}
	for _, bt := range procure.BuyerTypes {
		p.BuyerTypes = append(p.BuyerTypes, buyerTypeLink{
			Question:    buyerQuestions[bt],
			Label:       bt.Label(),
			Contracts:   plural(counts[bt], "contract", "contracts"),
			SearchURL:   searchPath("buyer_type", string(bt)),
			AgenciesURL: "/agencies?buyer_type=" + string(bt),
		})
	}
	return p, nil
}
