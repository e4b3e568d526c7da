package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// RiskReader reads the ownership-risk dossiers the risk job computed. It is
// optionally implemented by the Catalog (the store does); declared here so
// the server does not import the store. Without it the supplier pages show
// no risk section and /risk says the check is not available.
type RiskReader interface {
	// SupplierRisk returns a supplier's dossier (procure.ErrNotFound when
	// none has been computed).
	SupplierRisk(ctx context.Context, id string) (procure.RiskDossier, error)
	// RiskList returns one page of flagged suppliers.
	RiskList(ctx context.Context, req procure.RiskListRequest) (procure.RiskList, error)
}

// Names of the risk page and routes.
const (
	pageRisk             = "risk"
	routeRisk            = "risk"
	routeAPIRisk         = "api_risk"
	routeAPISupplierRisk = "api_supplier_risk"
	pLevel               = "verdict"
)

func (s *server) riskReader() RiskReader {
	r, _ := s.deps.Catalog.(RiskReader)
	return r
}

// Handlers.

func (s *server) serveRisk(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	p, err := s.site.buildRisk(c.UserContext(), s.riskReader(), v)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageRisk, p)
}

func (s *server) apiRisk(c *fiber.Ctx) error {
	v, err := queryValues(c)
	if err != nil {
		return err
	}
	res, err := s.site.apiRisk(c.UserContext(), s.riskReader(), v)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

func (s *server) apiSupplierRisk(c *fiber.Ctx) error {
	raw := c.Params("*")
	if raw == "" {
		raw = c.Params("*1")
	}
	id, err := pathID(raw, "supplier ID")
	if err != nil {
		return err
	}
	res, err := s.site.apiSupplierRisk(c.UserContext(), s.deps.Catalog, s.riskReader(), id)
	if err != nil {
		return err
	}
	return s.writeJSON(c, res)
}

// JSON API.

// apiRiskDossier is GET /api/v1/suppliers/{id}/risk.
type apiRiskDossier struct {
	procure.RiskDossier
	URL         string `json:"url"`          // the supplier page section
	SupplierAPI string `json:"supplier_api"` // the supplier's JSON
	Methodology string `json:"methodology"`
}

func (s site) apiSupplierRisk(ctx context.Context, cat Catalog, rr RiskReader, id string) (apiRiskDossier, error) {
	d, err := loadDossier(ctx, cat, rr, id)
	if err != nil {
		return apiRiskDossier{}, err
	}
	fillDossier(&d)
	return apiRiskDossier{RiskDossier: d, URL: s.abs(supplierPath(id) + "#risk"), SupplierAPI: s.abs("/api/v1" + supplierPath(id)),
		Methodology: s.abs("/methodology#ownership-risk")}, nil
}

// loadDossier returns the supplier's dossier, an unchecked one when none
// was computed, or ErrNotFound when id is not a supplier.
func loadDossier(ctx context.Context, cat Catalog, rr RiskReader, id string) (procure.RiskDossier, error) {
	var d procure.RiskDossier
	var err error
	if rr != nil {
		d, err = rr.SupplierRisk(ctx, id)
		if err == nil {
			return d, nil
		}
		if !errors.Is(err, procure.ErrNotFound) {
			return d, fmt.Errorf("risk of %s: %w", id, err)
		}
	}
	sd, err := cat.Supplier(ctx, id)
	if err != nil {
		if errors.Is(err, procure.ErrNotFound) {
			return d, notFound(err, "There is no supplier with the ID %q.", id)
		}
		return d, fmt.Errorf("supplier %s: %w", id, err)
	}
	return procure.RiskDossier{Supplier: procure.PartyRef{ID: id, Name: sd.Party.Name}, Level: procure.RiskNone,
		Headline: "The ownership and sanctions check has not run for this supplier yet."}, nil
}

func fillDossier(d *procure.RiskDossier) {
	fillEmpty(&d.Links)
	fillEmpty(&d.Entities)
	fillEmpty(&d.Edges)
	fillEmpty(&d.Paths)
	fillEmpty(&d.AtAwards)
	fillEmpty(&d.Awards)
	fillEmpty(&d.Exposure)
	fillEmpty(&d.Owners)
	fillEmpty(&d.SoftLinks)
	fillEmpty(&d.Unknowns)
	fillEmpty(&d.Today.Verdicts)
}

// apiRiskList is GET /api/v1/risk.
type apiRiskList struct {
	Rows       []apiRiskRow            `json:"rows"`
	Total      int                     `json:"total"`
	Currency   string                  `json:"currency"`
	Currencies []procure.CurrencyCount `json:"currencies"`
	Ranking    string                  `json:"ranking"`
	NextCursor *string                 `json:"next_cursor"`
	Next       string                  `json:"next,omitempty"`
}

type apiRiskRow struct {
	procure.RiskSummary
	URL string `json:"url"`
	API string `json:"api"`
}

// rankingRule documents the order of /risk.
const rankingRule = "Flagged suppliers ranked by the value of their counted awards in one currency, largest first; currencies are never added or converted. Suppliers without awards in that currency follow, by name."

func (s site) apiRisk(ctx context.Context, rr RiskReader, v url.Values) (apiRiskList, error) {
	req, q, err := parseRiskList(v)
	if err != nil {
		return apiRiskList{}, err
	}
	out := apiRiskList{Rows: []apiRiskRow{}, Currencies: []procure.CurrencyCount{}, Ranking: rankingRule}
	if rr == nil {
		return out, nil
	}
	list, err := rr.RiskList(ctx, req)
	if err != nil {
		return out, fmt.Errorf("risk list: %w", err)
	}
	out.Total, out.Currency = list.Total, list.Currency
	if list.Currencies != nil {
		out.Currencies = list.Currencies
	}
	for _, r := range list.Rows {
		fillEmpty(&r.Verdicts)
		fillEmpty(&r.Listed)
		fillEmpty(&r.Exposure)
		fillEmpty(&r.BuyerTypes)
		out.Rows = append(out.Rows, apiRiskRow{RiskSummary: r, URL: s.abs(supplierPath(r.Supplier.ID) + "#risk"),
			API: s.abs("/api/v1" + supplierPath(r.Supplier.ID) + "/risk")})
	}
	if list.NextCursor != "" {
		c := list.NextCursor
		out.NextCursor = &c
		out.Next = s.abs(q.set(pCursor, c).url("/api/v1/risk"))
	}
	return out, nil
}

// riskListOrder are the parameters of /risk in canonical order.
var riskListOrder = []string{pBuyerType, pLevel, pCurrency, pLimit, pCursor}

func parseRiskList(v url.Values) (procure.RiskListRequest, query, error) {
	var req procure.RiskListRequest
	q := newQuery(riskListOrder)
	bt, err := parseBuyerType(v, q)
	if err != nil {
		return req, q, err
	}
	req.BuyerType = bt
	lv, err := single(v, pLevel)
	if err != nil {
		return req, q, err
	}
	if lv != "" {
		l := procure.RiskLevel(strings.ToLower(lv))
		if l.Rank() == 0 {
			return req, q, invalidParam(pLevel, "%q is not a verdict: use listed, owned, possible or linked.", truncate(lv, 40))
		}
		req.Level = l
		q.vals[pLevel] = []string{string(l)}
	}
	cur, err := single(v, pCurrency)
	if err != nil {
		return req, q, err
	}
	if cur != "" {
		c, ok := normLetters(3)(cur)
		if !ok {
			return req, q, invalidParam(pCurrency, "%q is not a currency code: use three letters such as USD.", truncate(cur, 40))
		}
		req.Currency = c
		q.vals[pCurrency] = []string{c}
	}
	req.Limit, req.Cursor, err = parseListPage(v, q, 500)
	return req, q, err
}

// The /risk page.

type riskPage struct {
	Meta       pageMeta
	Available  bool
	Summary    string
	Ranking    string
	BuyerTypes []option
	Levels     []option
	Currencies []option
	Currency   string
	Hidden     []hiddenField
	Filtered   bool
	Rows       []riskRowView
	NextURL    string
	FirstURL   string
}

type riskRowView struct {
	Supplier   partyView
	Level      levelView
	Headline   string
	Listed     []string
	Verdicts   []verdictView
	Amount     string   // exposure in the ranking currency
	Others     []string // exposure in other currencies
	BuyerTypes string
	Checked    dateView
}

// levelView is a risk level as a badge.
type levelView struct {
	Code  string
	Label string
	Short string
	Warn  bool
}

func levelOf(l procure.RiskLevel) levelView {
	short := map[procure.RiskLevel]string{procure.RiskListed: "Listed", procure.RiskOwned: "Owned by listed parties",
		procure.RiskPossible: "Possibly owned or controlled", procure.RiskLinked: "Linked to listed parties", procure.RiskNone: "No link found"}[l]
	if short == "" {
		short = "Not checked"
	}
	return levelView{Code: string(l), Label: l.Label(), Short: short, Warn: l.Rank() >= procure.RiskPossible.Rank()}
}

// verdictView is one rule's verdict.
type verdictView struct {
	Regime  string
	Label   string
	Short   string // "US", "EU", "UK"
	Verdict string
	Text    string // "Yes", "Possible", "No"
	Summary string
	Warn    bool
}

func verdictOf(v procure.RegimeVerdict) verdictView {
	text := map[procure.Verdict]string{procure.VerdictYes: "Yes", procure.VerdictPossible: "Possible", procure.VerdictNo: "No"}[v.Verdict]
	return verdictView{Regime: string(v.Regime), Label: v.Regime.Label(), Short: v.Regime.Short(), Verdict: string(v.Verdict), Text: text, Summary: v.Summary,
		Warn: v.Verdict != procure.VerdictNo}
}

func (s site) buildRisk(ctx context.Context, rr RiskReader, v url.Values) (riskPage, error) {
	req, q, err := parseRiskList(v)
	if err != nil {
		return riskPage{}, err
	}
	p := riskPage{Meta: s.meta("Suppliers linked to sanctioned parties", q.url("/risk"), q.url("/api/v1/risk"), "risk"),
		Available: rr != nil, Ranking: rankingRule, Hidden: q.hidden(pBuyerType, pLevel, pCurrency, pCursor),
		Filtered: req.BuyerType != "" || req.Level != "" || req.Currency != ""}
	p.Meta.Description = "Suppliers of public bodies whose owners, according to ownership registers and sanctions lists, include sanctioned parties, ranked by the public money they received."
	p.BuyerTypes = append(p.BuyerTypes, option{Value: "", Label: "All buyers", Selected: req.BuyerType == ""})
	for _, bt := range procure.BuyerTypes {
		p.BuyerTypes = append(p.BuyerTypes, option{Value: string(bt), Label: bt.Label(), Selected: bt == req.BuyerType})
	}
	p.Levels = append(p.Levels, option{Value: "", Label: "Every finding", Selected: req.Level == ""})
	for _, l := range procure.RiskLevels {
		p.Levels = append(p.Levels, option{Value: string(l), Label: levelOf(l).Short, Selected: l == req.Level})
	}
	if rr == nil {
		p.Summary = "The ownership and sanctions check is not available on this portal."
		return p, nil
	}
	list, err := rr.RiskList(ctx, req)
	if err != nil {
		return riskPage{}, fmt.Errorf("risk list: %w", err)
	}
	p.Currency = list.Currency
	p.Currencies = append(p.Currencies, option{Value: "", Label: "Most common", Selected: req.Currency == ""})
	for _, c := range list.Currencies {
		p.Currencies = append(p.Currencies, option{Value: c.Currency, Label: currencyLabel(c.Currency) + " (" + plural(c.Suppliers, "supplier", "suppliers") + ")", Selected: c.Currency == req.Currency})
	}
	p.Summary = plural(list.Total, "flagged supplier", "flagged suppliers")
	if list.Currency != "" {
		p.Summary += ", ranked by awards in " + currencyLabel(list.Currency)
	}
	for _, r := range list.Rows {
		row := riskRowView{Supplier: supplierLink(r.Supplier), Level: levelOf(r.Level), Headline: r.Headline, Listed: r.Listed,
			Checked: formatDate(r.ComputedAt)}
		row.Supplier.URL += "#risk"
		for _, v := range r.Verdicts {
			row.Verdicts = append(row.Verdicts, verdictOf(v))
		}
		for _, m := range r.Exposure {
			if m.Currency == list.Currency {
				row.Amount = formatMoney(m)
			} else {
				row.Others = append(row.Others, formatMoney(m))
			}
		}
		var bts []string
		for _, bt := range r.BuyerTypes {
			bts = append(bts, bt.Label())
		}
		row.BuyerTypes = strings.Join(bts, ", ")
		p.Rows = append(p.Rows, row)
	}
	if list.NextCursor != "" {
		next := q
		if req.Currency == "" && list.Currency != "" {
			next = q.set(pCurrency, list.Currency) // the cursor belongs to this currency
		}
		p.NextURL = next.set(pCursor, list.NextCursor).url("/risk")
		p.Meta.Next = s.abs(p.NextURL)
	}
	if req.Cursor != "" {
		p.FirstURL = q.without(pCursor, "").url("/risk")
	}
	return p, nil
}

// The supplier page section.

// riskSectionView is the ownership-risk section of a supplier page.
type riskSectionView struct {
	Checked    bool
	Error      string
	Level      levelView
	Headline   string
	Computed   dateView
	AsOf       string
	JSONURL    string
	MaxDepth   int
	Exposure   []string
	Verdicts   []verdictView
	Traces     []traceView
	Awards     []riskAwardView
	Graph      *riskGraphView
	Paths      []riskPathView
	Owners     []ownerView
	Listings   []listedView
	Links      []matchView
	ListMatch  []matchView
	SoftLinks  []softLinkView
	Unknowns   []string
	HasFinding bool
	OwnersOnly []riskHopView // the supplier's own owners, when no path leads to a listed party
}

// buildRiskSection loads and shapes a supplier's dossier for its page. It
// never fails the page: a read error becomes a notice in the section.
func (s site) buildRiskSection(ctx context.Context, cat Catalog, id string) *riskSectionView {
	rr, _ := cat.(RiskReader)
	if rr == nil {
		return nil
	}
	d, err := rr.SupplierRisk(ctx, id)
	if errors.Is(err, procure.ErrNotFound) {
		return &riskSectionView{JSONURL: "/api/v1" + supplierPath(id) + "/risk"}
	}
	if err != nil {
		return &riskSectionView{Error: "The ownership and sanctions check could not be loaded. Please try again later."}
	}
	return riskSection(d)
}

func riskSection(d procure.RiskDossier) *riskSectionView {
	v := &riskSectionView{Checked: d.Checked, Level: levelOf(d.Level), Headline: d.Headline, Computed: formatDate(d.ComputedAt),
		AsOf: d.Today.AsOf, JSONURL: "/api/v1" + supplierPath(d.Supplier.ID) + "/risk", MaxDepth: d.MaxDepth,
		Exposure: formatMoneyList(d.Exposure), Unknowns: d.Unknowns, HasFinding: d.Level != procure.RiskNone}
	ents := map[string]procure.RiskEntity{}
	for _, e := range d.Entities {
		ents[e.ID] = e
	}
	edges := map[string]procure.RiskEdge{}
	for _, e := range d.Edges {
		edges[e.ID] = e
	}
	for _, vd := range d.Today.Verdicts {
		v.Verdicts = append(v.Verdicts, verdictOf(vd))
		if len(vd.Trace) > 0 {
			v.Traces = append(v.Traces, traceOf(vd, d.Today.AsOf))
		}
	}
	byDay := map[string]procure.RiskAssessment{}
	for _, a := range d.AtAwards {
		byDay[a.AsOf] = a
	}
	for _, a := range d.Awards {
		av := riskAwardOf(a, byDay[a.AsOf])
		if a.Level == procure.RiskNone && d.Level != procure.RiskNone && !a.Date.IsZero() {
			av.Level.Short = "No listed party linked at that date"
		}
		v.Awards = append(v.Awards, av)
	}
	for i, p := range d.Paths {
		v.Paths = append(v.Paths, pathOf(i, p, ents, edges, d.Edges, d.Today.AsOf))
	}
	if len(d.Paths) == 0 {
		roots := map[string]bool{}
		for _, l := range d.Links {
			roots[l.Entity] = true
		}
		for _, e := range d.Edges {
			if roots[e.Asset] {
				v.OwnersOnly = append(v.OwnersOnly, hopOf(e, ents, d.Today.AsOf))
			}
		}
	}
	v.Graph = graphOf(d, ents)
	for _, o := range d.Owners {
		v.Owners = append(v.Owners, ownerView{Name: o.Name, Share: shareLabel(o.Share), Listed: o.Listed})
	}
	for _, e := range d.Entities {
		for _, l := range e.Listings {
			v.Listings = append(v.Listings, listedOf(e, l))
		}
		for _, m := range e.ListMatches {
			mv := matchOf(m.Match)
			mv.Subject, mv.Object = e.Name, m.Name
			var ls []string
			for _, l := range m.Listings {
				ls = append(ls, listingText(l))
			}
			mv.Note = "listed on " + strings.Join(ls, "; ")
			v.ListMatch = append(v.ListMatch, mv)
		}
	}
	for _, l := range d.Links {
		mv := matchOf(l.Match)
		mv.Subject, mv.Object = d.Supplier.Name, l.Name
		if mv.Subject == "" {
			mv.Subject = d.Supplier.ID
		}
		mv.Certain = l.Certain
		mv.Method = map[string]string{"identifier": "same identifier", "name": "name, country and address"}[l.Method]
		if mv.Method == "" {
			mv.Method = l.Method
		}
		if e, ok := ents[l.Entity]; ok {
			mv.Note = sourcesText(e.Sources)
		}
		v.Links = append(v.Links, mv)
	}
	for _, sl := range d.SoftLinks {
		kind := softKind(sl.Kind)
		if sl.Kind == procure.RelUnknownLink && sl.Role != "" {
			kind = "linked"
		}
		v.SoftLinks = append(v.SoftLinks, softLinkView{From: ents[sl.From].Name, To: ents[sl.To].Name, Kind: kind,
			Role: sl.Role, Dates: dateRange(sl.StartDate, sl.EndDate), Source: sourceText(sl.Source)})
	}
	return v
}

// traceView is one rule's derivation.
type traceView struct {
	Regime string
	Label  string
	AsOf   string
	Steps  []traceStepView
}

type traceStepView struct {
	Entity    string
	Owners    []string
	Sum       string
	Threshold string
	Result    string
	Reason    string
}

func traceOf(v procure.RegimeVerdict, asOf string) traceView {
	t := traceView{Regime: string(v.Regime), Label: v.Regime.Label(), AsOf: asOf}
	for _, s := range v.Trace {
		st := traceStepView{Entity: s.Name, Sum: shareLabel(s.Sum), Threshold: s.Threshold, Reason: s.Reason,
			Result: map[procure.Verdict]string{procure.VerdictYes: "Yes", procure.VerdictPossible: "Possible", procure.VerdictNo: "No"}[s.Result]}
		if len(s.Owners) == 0 {
			st.Sum = ""
		}
		for _, o := range s.Owners {
			line := o.Name + ": "
			if o.Share == (procure.Interval{}) {
				line += "control"
			} else {
				line += shareLabel(o.Share)
				if o.Control {
					line += " and control"
				}
			}
			line += " (" + o.Basis
			if o.Person != "" {
				line += "; attributed to " + o.Person
			}
			st.Owners = append(st.Owners, line+")")
		}
		t.Steps = append(t.Steps, st)
	}
	return t
}

type riskAwardView struct {
	ContractURL string
	Title       string
	Buyer       partyView
	BuyerType   string
	Date        dateView
	Value       string
	Counted     bool
	Level       levelView
	Verdicts    string
}

func riskAwardOf(a procure.RiskAward, at procure.RiskAssessment) riskAwardView {
	v := riskAwardView{ContractURL: contractPath(a.OCID), Title: a.Title, Buyer: agencyLink(a.Buyer), BuyerType: buyerTypeLabel(a.BuyerType),
		Date: formatDate(a.Date), Counted: a.Counted, Level: levelOf(a.Level)}
	if v.Title == "" {
		v.Title = "Award " + a.AwardID + " of " + a.OCID
	}
	if a.Buyer.ID == "" {
		v.Buyer.URL = ""
	}
	if a.HasValue {
		v.Value = formatMoney(a.Value)
	}
	var parts []string
	for _, vd := range at.Verdicts {
		parts = append(parts, vd.Regime.Short()+": "+string(vd.Verdict))
	}
	v.Verdicts = strings.Join(parts, ", ")
	if a.Date.IsZero() {
		v.Verdicts = "no award date published"
	}
	return v
}

// riskPathView is one path as a list of hops from the supplier upwards.
type riskPathView struct {
	ID      string
	Title   string
	Current bool
	Share   string
	Start   string // the supplier's node
	Hops    []riskHopView
	Target  listedTarget
}

type listedTarget struct {
	Name     string
	Listings []string
	Seeds    []string
}

// riskHopView is one ownership or control link as published.
type riskHopView struct {
	Verb    string // "owned 75–100 % by", "controlled by"
	Owner   string
	Meta    string // jurisdiction, kind
	Listed  bool
	Opaque  []string
	Details string // interests, role, directness
	Dates   string
	Ended   bool
	Source  string
	Others  []string // other records of the same link
}

func pathOf(i int, p procure.RiskPath, ents map[string]procure.RiskEntity, edges map[string]procure.RiskEdge, all []procure.RiskEdge, asOf string) riskPathView {
	v := riskPathView{ID: "risk-path-" + strconv.Itoa(i+1), Current: p.Current, Share: shareLabel(p.Share)}
	if len(p.Nodes) > 0 {
		v.Start = ents[p.Nodes[0]].Name
	}
	v.Title = fmt.Sprintf("Path %d: %d %s", i+1, len(p.Edges), map[bool]string{true: "hop", false: "hops"}[len(p.Edges) == 1])
	if !p.Current {
		v.Title += " (not all links in force today)"
	}
	for k, id := range p.Edges {
		e, ok := edges[id]
		if !ok {
			continue
		}
		h := hopOf(e, ents, asOf)
		for _, o := range all {
			if o.ID != e.ID && o.Owner == e.Owner && o.Asset == e.Asset {
				h.Others = append(h.Others, edgeSummary(o))
			}
		}
		if k+1 < len(p.Nodes) && h.Owner == "" {
			h.Owner = ents[p.Nodes[k+1]].Name
		}
		v.Hops = append(v.Hops, h)
	}
	if n := len(p.Nodes); n > 0 {
		t := ents[p.Nodes[n-1]]
		v.Target.Name = t.Name
		for _, l := range t.Listings {
			v.Target.Listings = append(v.Target.Listings, listingText(l))
		}
		for _, sd := range t.Seeds {
			if len(t.Listings) == 0 {
				v.Target.Seeds = append(v.Target.Seeds, sd.Regime.Short()+": "+sd.Basis)
			}
		}
		for _, m := range t.ListMatches {
			v.Target.Seeds = append(v.Target.Seeds, fmt.Sprintf("possibly the same as %s (name match %.2f)", m.Name, m.Match.Score))
		}
	}
	return v
}

func hopOf(e procure.RiskEdge, ents map[string]procure.RiskEntity, asOf string) riskHopView {
	o := ents[e.Owner]
	h := riskHopView{Owner: o.Name, Meta: entityMeta(o), Listed: o.Listed, Opaque: o.Opaque, Dates: dateRange(e.StartDate, e.EndDate),
		Ended: e.Ended, Source: sourceText(e.Source)}
	if e.Owner == "" {
		h.Owner = "an undisclosed owner"
		if e.UnspecifiedOwner != "" {
			h.Meta = procure.UnspecifiedOwnerText(e.UnspecifiedOwner)
		}
	}
	switch {
	case e.Kind == procure.RelControl:
		h.Verb = "controlled by"
	case e.Share.Min <= 0 && e.Share.Max >= 100:
		h.Verb = "owned (share not published) by"
		if e.Control {
			h.Verb = "owned (share not published) and controlled by"
		}
	default:
		h.Verb = "owned " + shareLabel(e.Share) + " by"
		if e.Control {
			h.Verb = "owned " + shareLabel(e.Share) + " and controlled by"
		}
	}
	if o.Listed {
		h.Verb = strings.Replace(h.Verb, " by", " by the listed party", 1)
	}
	var det []string
	if len(e.Interests) > 0 {
		det = append(det, strings.Join(e.Interests, ", "))
	}
	if e.Role != "" {
		det = append(det, e.Role)
	}
	if e.Direct == "indirect" {
		det = append(det, "declared indirect interest (not used by the rules)")
	}
	if n := len(o.Members); n > 1 {
		det = append(det, fmt.Sprintf("%d records of %s, joined by a shared identifier", n, o.Name))
	}
	h.Details = strings.Join(det, "; ")
	return h
}

func edgeSummary(e procure.RiskEdge) string {
	s := shareLabel(e.Share)
	if e.Kind == procure.RelControl {
		s = "control"
	}
	if d := dateRange(e.StartDate, e.EndDate); d != "" {
		s += ", " + d
	}
	return s + " (" + sourceText(e.Source) + ")"
}

func entityMeta(e procure.RiskEntity) string {
	var parts []string
	if e.Jurisdiction != "" {
		parts = append(parts, e.Jurisdiction)
	} else if len(e.Countries) > 0 {
		parts = append(parts, strings.Join(e.Countries, ", "))
	}
	if e.Kind != "" && e.Kind != procure.EntityUnknown {
		parts = append(parts, string(e.Kind))
	}
	for _, i := range e.Identifiers {
		if q := i.Qualified(); q != "" && len(parts) < 4 {
			parts = append(parts, q)
		}
	}
	return strings.Join(parts, " · ")
}

func dateRange(start, end string) string {
	switch {
	case start != "" && end != "":
		return start + " to " + end
	case start != "":
		return "since " + start
	case end != "":
		return "until " + end
	}
	return ""
}

// sourceText names a record's source: dataset and record, file or URL,
// retrieval date.
func sourceText(p procure.Provenance) string {
	var parts []string
	name := p.Dataset
	if name == "" {
		name = p.Source
	}
	if len(name) > 80 {
		name = truncate(name, 80)
	}
	if name != "" {
		parts = append(parts, name)
	}
	if p.RecordID != "" {
		parts = append(parts, "record "+p.RecordID)
	}
	if !p.RetrievedAt.IsZero() {
		parts = append(parts, "retrieved "+formatDate(p.RetrievedAt).Text)
	}
	if p.License != "" && strings.Contains(strings.ToUpper(p.License), "NC") {
		parts = append(parts, "licence "+p.License)
	}
	if len(parts) == 0 {
		return "source not recorded"
	}
	return strings.Join(parts, ", ")
}

func sourcesText(ps []procure.Provenance) string {
	var out []string
	for _, p := range ps {
		t := sourceText(p)
		if !contains(out, t) {
			out = append(out, t)
		}
		if len(out) == 3 {
			break
		}
	}
	return strings.Join(out, "; ")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// shareLabel formats a share interval: "75 %", "25–50 %", "0–100 % (unknown)".
func shareLabel(iv procure.Interval) string {
	if iv.Min <= 0 && iv.Max >= 100 {
		return "0–100 % (unknown)"
	}
	if math.Abs(iv.Max-iv.Min) < 0.005 {
		return trimFloat(iv.Min) + nbsp + "%"
	}
	return trimFloat(iv.Min) + "–" + trimFloat(iv.Max) + nbsp + "%"
}

type ownerView struct {
	Name   string
	Share  string
	Listed bool
}

// listedView is one list entry reached.
type listedView struct {
	Entity    string
	List      string
	Authority string
	Programs  string
	Reference string
	ListedOn  string
	EndedOn   string
	Reason    string
	URL       string
}

func listedOf(e procure.RiskEntity, l procure.Listing) listedView {
	auth := l.Authority
	if auth == l.List {
		auth = ""
	}
	return listedView{Entity: e.Name, List: l.List, Authority: auth, Programs: strings.Join(l.Programs, ", "), Reference: l.Reference,
		ListedOn: l.ListedOn, EndedOn: l.EndedOn, Reason: truncate(l.Reason, 300), URL: safeHref(l.URL)}
}

func listingText(l procure.Listing) string {
	s := l.List
	if s == "" {
		s = l.Authority
	}
	if len(l.Programs) > 0 {
		s += " (" + strings.Join(l.Programs, ", ") + ")"
	}
	if l.Reference != "" {
		s += ", ref " + l.Reference
	}
	if l.ListedOn != "" {
		s += ", listed " + l.ListedOn
	} else {
		s += ", listing date not published"
	}
	return s
}

// matchView is a scored match with its explanation.
type matchView struct {
	Subject  string
	Object   string
	Score    string
	Certain  bool
	Method   string
	Features []string
	Note     string
}

func matchOf(m procure.MatchResult) matchView {
	v := matchView{Score: strconv.FormatFloat(m.Score, 'f', 2, 64)}
	for _, f := range m.Features {
		sign := "+"
		if f.Score < 0 {
			sign = ""
		}
		v.Features = append(v.Features, fmt.Sprintf("%s %s%s: %s", f.Feature, sign, strconv.FormatFloat(f.Score, 'f', 2, 64), f.Detail))
	}
	return v
}

type softLinkView struct {
	From, To, Kind, Role, Dates, Source string
}

func softKind(k procure.RelationKind) string {
	switch k {
	case procure.RelDirectorship:
		return "officer or director"
	case procure.RelFamily:
		return "family member"
	case procure.RelAssociate:
		return "associate"
	case procure.RelRepresentation:
		return "acts for or on behalf of"
	case procure.RelMembership:
		return "member"
	case procure.RelLinkedTo:
		return "“linked to” (sanctions list remark)"
	case procure.RelSharedAddress:
		return "shares an address"
	case procure.RelUnknownLink:
		return "linked (nature not stated)"
	}
	return humanize(string(k))
}

// The ownership graph (server-rendered SVG).

type riskGraphView struct {
	ID     string
	Title  string
	Desc   string
	Width  int
	Height int
	Nodes  []graphNode
	Edges  []graphEdge
	More   string // nodes left out
}

type graphNode struct {
	X, Y, W, H   int
	TX, TY, TY2  int
	Label        string // possibly truncated
	Full         string
	Meta         string
	Fill, Stroke string
	StrokeWidth  string
	Dash         string
	Supplier     bool
	Listed       bool
}

type graphEdge struct {
	X1, Y1, X2, Y2 int
	LX, LY         int // label centre
	LW             int
	BX, BY         int // label background box
	Label          string
	Stroke         string
	Dash           string
	Title          string
}

// Graph geometry (SVG user units).
const (
	gBoxW     = 220
	gBoxH     = 58
	gGapX     = 36
	gRowPitch = 128
	gMargin   = 20
	gMaxNodes = 40
	gMaxLabel = 28 // runes of a name in a box
)

// graphOf lays out the chain: the supplier at the bottom, owners in rows
// above by their distance from it. It shows the nodes of the paths to
// listed parties, or, without such paths, the supplier's direct owners.
func graphOf(d procure.RiskDossier, ents map[string]procure.RiskEntity) *riskGraphView {
	var order []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] && len(order) < gMaxNodes {
			if _, ok := ents[id]; ok {
				seen[id] = true
				order = append(order, id)
			}
		}
	}
	for _, l := range d.Links {
		add(l.Entity)
	}
	for _, p := range d.Paths {
		for _, n := range p.Nodes {
			add(n)
		}
	}
	roots := map[string]bool{}
	for _, l := range d.Links {
		roots[l.Entity] = true
	}
	var shown []procure.RiskEdge
	for _, e := range d.Edges {
		if len(d.Paths) == 0 && roots[e.Asset] {
			add(e.Owner)
		}
	}
	undisclosed := 0
	for _, e := range d.Edges {
		if !seen[e.Asset] {
			continue
		}
		if e.Owner == "" {
			undisclosed++
			shown = append(shown, e)
			continue
		}
		if seen[e.Owner] {
			shown = append(shown, e)
		}
	}
	if len(order) == 0 || len(shown) == 0 {
		return nil
	}
	// rows by depth; undisclosed owners get their own boxes
	type box struct {
		id    string
		depth int
		node  graphNode
	}
	var boxes []*box
	byID := map[string]*box{}
	maxDepth := 0
	for _, id := range order {
		e := ents[id]
		b := &box{id: id, depth: e.Depth}
		if roots[id] {
			b.depth = 0
		}
		boxes = append(boxes, b)
		byID[id] = b
		maxDepth = max(maxDepth, b.depth)
	}
	for i, e := range shown {
		if e.Owner == "" {
			id := "undisclosed-" + strconv.Itoa(i)
			b := &box{id: id, depth: byID[e.Asset].depth + 1}
			boxes = append(boxes, b)
			byID[id] = b
			shown[i].Owner = id
			maxDepth = max(maxDepth, b.depth)
		}
	}
	rows := make([][]*box, maxDepth+1)
	for _, b := range boxes {
		rows[b.depth] = append(rows[b.depth], b)
	}
	widest := 0
	for _, r := range rows {
		widest = max(widest, len(r))
	}
	g := &riskGraphView{ID: "risk-graph", Width: gMargin*2 + widest*gBoxW + (widest-1)*gGapX, Height: gMargin*2 + maxDepth*gRowPitch + gBoxH}
	for depth, r := range rows {
		rowW := len(r)*gBoxW + (len(r)-1)*gGapX
		x0 := (g.Width - rowW) / 2
		y := gMargin + (maxDepth-depth)*gRowPitch
		for i, b := range r {
			n := graphNode{X: x0 + i*(gBoxW+gGapX), Y: y, W: gBoxW, H: gBoxH, Fill: "#ffffff", Stroke: "#4f5660", StrokeWidth: "1.5"}
			n.TX, n.TY, n.TY2 = n.X+gBoxW/2, y+24, y+44
			if strings.HasPrefix(b.id, "undisclosed-") {
				n.Full, n.Label, n.Meta = "Undisclosed owner", "Undisclosed owner", "not named in the record"
				n.Fill, n.Dash, n.Stroke = "#f3f5f7", "6 4", "#4f5660"
			} else {
				e := ents[b.id]
				n.Full = e.Name
				n.Label = truncate(e.Name, gMaxLabel)
				n.Meta = truncate(strings.Join(nonEmpty(e.Jurisdiction, map[bool]string{true: string(e.Kind)}[e.Kind != procure.EntityUnknown]), " · "), 34)
				n.Supplier = roots[b.id]
				n.Listed = e.Listed
				switch {
				case e.Listed:
					n.Fill, n.Stroke, n.StrokeWidth = "#fdecea", "#a4262c", "3"
					n.Meta = truncate(joinNonEmpty(" · ", "LISTED", n.Meta), 34)
				case n.Supplier:
					n.Fill, n.Stroke, n.StrokeWidth = "#e8f0fc", "#1f4fa0", "3"
					n.Meta = truncate(joinNonEmpty(" · ", "supplier", n.Meta), 34)
				}
				if len(e.Opaque) > 0 {
					n.Dash = "6 4"
					n.Meta = truncate(joinNonEmpty(" · ", n.Meta, "opaque"), 34)
				}
			}
			b.node = n
		}
	}
	for _, b := range boxes {
		g.Nodes = append(g.Nodes, b.node)
	}
	// one line per owner → asset pair, labelled by its record in force
	type pairKey struct{ o, a string }
	pairs := map[pairKey][]procure.RiskEdge{}
	var keys []pairKey
	for _, e := range shown {
		k := pairKey{e.Owner, e.Asset}
		if _, ok := pairs[k]; !ok {
			keys = append(keys, k)
		}
		pairs[k] = append(pairs[k], e)
	}
	for _, k := range keys {
		es := pairs[k]
		sort.SliceStable(es, func(i, j int) bool { return !es[i].Ended && es[j].Ended })
		e := es[0]
		o, a := byID[k.o].node, byID[k.a].node
		ge := graphEdge{X1: o.X + o.W/2, Y1: o.Y + o.H, X2: a.X + a.W/2, Y2: a.Y, Stroke: "#3b4047"}
		if o.Y >= a.Y { // an owner at the same level or below (a cycle): go from its top
			ge.Y1 = o.Y
			ge.Y2 = a.Y + a.H
		}
		ge.Label = shareLabel(e.Share)
		if e.Kind == procure.RelControl {
			ge.Label = "control"
		} else if e.Share.Min <= 0 && e.Share.Max >= 100 {
			ge.Label = "share unknown"
		}
		if e.Ended {
			ge.Label += " (ended)"
			ge.Dash, ge.Stroke = "5 4", "#6b7280"
		}
		ge.LX, ge.LY = (ge.X1+ge.X2)/2, (ge.Y1+ge.Y2)/2
		ge.LW = utf8.RuneCountInString(ge.Label)*7 + 12
		ge.BX, ge.BY = ge.LX-ge.LW/2, ge.LY-11
		ge.Title = byID[k.o].node.Full + " → " + byID[k.a].node.Full + ": " + ge.Label
		g.Edges = append(g.Edges, ge)
	}
	sup := ""
	if len(order) > 0 {
		sup = ents[order[0]].Name
	}
	g.Title = "Ownership chain of " + plainTitle(sup)
	var desc []string
	for _, k := range keys {
		e := pairs[k][0]
		desc = append(desc, byID[k.o].node.Full+" → "+byID[k.a].node.Full+" ("+shareLabel(e.Share)+")")
	}
	g.Desc = "Owners are drawn above what they own; listed parties have a red border. " + strings.Join(capStrings(desc, 12), "; ") + ". The list next to the graph gives the same links with their sources."
	if len(seen) >= gMaxNodes {
		g.More = fmt.Sprintf("Only the first %d entities are drawn; the list has every path.", gMaxNodes)
	}
	return g
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func capStrings(ss []string, n int) []string {
	if len(ss) <= n {
		return ss
	}
	return append(append([]string(nil), ss[:n]...), fmt.Sprintf("and %d more", len(ss)-n))
}
