package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Display caps of long lists on the contract page; the JSON twin has all.
const (
	maxItemsShown   = 200
	maxChangesShown = 200
	maxDocsShown    = 200
	maxValueText    = 300 // characters of an old/new value under "what changed"
)

// contractPage is the view model of /contracts/{ocid}.
type contractPage struct {
	Meta        pageMeta
	OCID        string
	Title       string
	Description string
	Lang        string
	Demo        bool
	Buyer       partyView
	BuyerType   string
	// BuyerSearchURL lists all contracts of the buyer.
	BuyerSearchURL string
	Facts          []labelledValue
	Amount         string // summary amount of the counted awards
	TenderValue    string
	Awards         []awardView
	Uncounted      int // awards not added to totals
	Contracts      []ocdsContractView
	Items          []itemView
	MoreItems      string
	Documents      []documentView
	MoreDocuments  string
	Dates          []labelledValue
	Parties        []partyRowView
	Releases       []releaseView
	Changes        []changeView
	MoreChanges    string
}

type awardView struct {
	ID        string
	Title     string
	Lang      string
	Status    string
	Date      dateView
	Value     string
	Suppliers []partyView
	Counted   bool
}

type ocdsContractView struct {
	ID         string
	AwardID    string
	Title      string
	Lang       string
	Status     string
	Value      string
	DateSigned dateView
	Start      dateView
	End        dateView
}

type itemView struct {
	Description    string
	Lang           string
	Quantity       string
	Classification string
}

type documentView struct {
	Title     string
	Lang      string
	Type      string
	Published dateView
	URL       string // shown as text
	Href      string // set only for http(s) URLs
	Where     string // "Tender", "Award 1", ...
}

type partyRowView struct {
	Party      partyView
	Roles      string
	Identifier string
	Country    string
	Address    string
}

type releaseView struct {
	ID        string
	Date      dateView
	Tag       string
	Source    string
	Retrieved dateView
	SHA256    string
	RawURL    string
	SourceURL string
	SourceRef string // link when SourceURL is http(s)
	Compiled  bool
}

type changeView struct {
	Path      string
	ReleaseID string
	Date      dateView
	Old       string
	New       string
	Added     bool
	Removed   bool
}

func (s site) buildContract(ctx context.Context, cat Catalog, ocid string) (contractPage, error) {
	d, err := readDetail(ctx, cat.Contract, ocid, "contract", "contracting process", " in the portal")
	if err != nil {
		return contractPage{}, err
	}
	c := d.Contract
	if c.OCID == "" {
		c.OCID = ocid
	}
	lang := langTag(c.Language)
	p := contractPage{
		OCID:        c.OCID,
		Title:       c.Title,
		Description: c.Description,
		Lang:        lang,
		Demo:        c.Demo,
		Buyer:       agencyLink(c.Buyer),
		BuyerType:   buyerTypeLabel(c.BuyerType),
	}
	if strings.TrimSpace(p.Title) == "" {
		p.Title = "Untitled contracting process"
		p.Lang = ""
	}
	p.Meta = s.meta(p.Title, contractPath(c.OCID), "/api/v1/contracts/"+escapeOCID(c.OCID), "search")
	p.Meta.Description = truncate(plainTitle(c.Description), 200)
	if c.Buyer.ID == "" {
		p.Buyer.URL = ""
	} else {
		p.BuyerSearchURL = searchPath(pBuyer, c.Buyer.ID)
	}
	if hasMoney(c.Amount) {
		p.Amount = formatMoney(c.Amount)
	}
	if hasMoney(c.TenderValue) {
		p.TenderValue = formatMoney(c.TenderValue)
	}

	rel := parseRelease(d.CompiledRelease)
	p.Facts = contractFacts(c, rel)

	for _, a := range c.Awards {
		av := awardView{ID: a.ID, Title: a.Title, Lang: lang, Status: humanize(a.Status), Date: formatDate(a.Date), Counted: a.Counted}
		if a.HasValue {
			av.Value = formatMoney(a.Value)
		}
		for _, sp := range a.Suppliers {
			av.Suppliers = append(av.Suppliers, supplierLink(sp))
		}
		if !a.Counted {
			p.Uncounted++
		}
		p.Awards = append(p.Awards, av)
	}
	for _, oc := range rel.arr("contracts") {
		p.Contracts = append(p.Contracts, ocdsContractView{
			ID:         oc.str("id"),
			AwardID:    oc.str("awardID"),
			Title:      oc.str("title"),
			Lang:       lang,
			Status:     humanize(oc.str("status")),
			Value:      oc.obj("value").money(),
			DateSigned: parseLooseDate(oc.str("dateSigned")),
			Start:      parseLooseDate(oc.obj("period").str("startDate")),
			End:        parseLooseDate(oc.obj("period").str("endDate")),
		})
	}
	p.Items, p.MoreItems = contractItems(c, rel, lang)
	p.Documents, p.MoreDocuments = contractDocuments(rel, lang)
	p.Dates = contractDates(rel)
	p.Parties = contractParties(c, rel)
	for _, r := range d.Releases {
		rv := releaseView{
			ID:        r.ID,
			Date:      formatDateTime(r.Date),
			Tag:       humanizeTags(r.Tag),
			Source:    r.Source,
			Retrieved: formatDateTime(r.RetrievedAt),
			SHA256:    r.SHA256,
			RawURL:    releasePath(c.OCID, r.ID),
			SourceURL: publicLocation(r.URL),
			SourceRef: safeHref(publicLocation(r.URL)),
			Compiled:  r.Compiled,
		}
		p.Releases = append(p.Releases, rv)
	}
	for i, ch := range d.Changes {
		if i == maxChangesShown {
			p.MoreChanges = plural(len(d.Changes)-maxChangesShown, "more change is", "more changes are") + " in the JSON version of this page."
			break
		}
		p.Changes = append(p.Changes, changeView{
			Path:      ch.Path,
			ReleaseID: ch.ReleaseID,
			Date:      formatDate(ch.Date),
			Old:       jsonText(ch.Old),
			New:       jsonText(ch.New),
			Added:     len(ch.Old) == 0,
			Removed:   len(ch.New) == 0,
		})
	}
	return p, nil
}

// escapeOCID escapes an ocid for a path (slashes included).
func escapeOCID(ocid string) string { return strings.TrimPrefix(contractPath(ocid), "/contracts/") }

func contractFacts(c procure.Contract, rel jsonObj) []labelledValue {
	tender := rel.obj("tender")
	var f []labelledValue
	add := func(label, value string) {
		if strings.TrimSpace(value) != "" {
			f = append(f, labelledValue{Label: label, Value: value})
		}
	}
	add("Contracting process ID (OCID)", c.OCID)
	add("Status", humanize(c.Status))
	method := humanize(c.Method)
	if details := tender.str("procurementMethodDetails"); details != "" {
		if method != "" {
			method += " (" + details + ")"
		} else {
			method = details
		}
	}
	add("Procurement method", method)
	add("Category", humanize(c.Category))
	add("Buyer country", c.Country)
	add("Publisher", c.Publisher)
	add("Source", c.Source)
	if len(c.Classifications) > 0 {
		add("Classifications", strings.Join(limitStrings(c.Classifications, 20), ", "))
	}
	add("Releases", formatInt(c.ReleaseCount))
	if !c.Date.IsZero() {
		f = append(f, labelledValue{Label: "Date", Date: formatDate(c.Date)})
	}
	if !c.LastRelease.IsZero() {
		f = append(f, labelledValue{Label: "Last updated", Date: formatDate(c.LastRelease)})
	}
	return f
}

func limitStrings(s []string, n int) []string {
	if len(s) > n {
		return append(append([]string(nil), s[:n]...), fmt.Sprintf("and %d more", len(s)-n))
	}
	return s
}

func contractItems(c procure.Contract, rel jsonObj, lang string) ([]itemView, string) {
	var items []itemView
	for _, it := range rel.obj("tender").arr("items") {
		iv := itemView{Description: it.str("description"), Lang: lang}
		if q := it.num("quantity"); q != "" {
			iv.Quantity = q
			if u := it.obj("unit").str("name"); u != "" {
				iv.Quantity += " " + u
			}
		}
		if cl := it.obj("classification"); cl != nil {
			iv.Classification = strings.TrimSpace(cl.str("scheme") + " " + cl.str("id"))
			if d := cl.str("description"); d != "" {
				iv.Classification += " – " + d
			}
		}
		if iv.Description == "" && iv.Classification == "" {
			continue
		}
		items = append(items, iv)
	}
	if len(items) == 0 {
		for _, d := range c.Items {
			items = append(items, itemView{Description: d, Lang: lang})
		}
	}
	if len(items) > maxItemsShown {
		more := plural(len(items)-maxItemsShown, "more item is", "more items are") + " in the JSON version of this page."
		return items[:maxItemsShown], more
	}
	return items, ""
}

func contractDocuments(rel jsonObj, lang string) ([]documentView, string) {
	var docs []documentView
	collect := func(where string, list []jsonObj) {
		for _, d := range list {
			dv := documentView{
				Title:     d.str("title"),
				Lang:      langTag(d.str("language")),
				Type:      humanize(d.str("documentType")),
				Published: parseLooseDate(d.str("datePublished")),
				URL:       d.str("url"),
				Where:     where,
			}
			if dv.Lang == "" {
				dv.Lang = lang
			}
			dv.Href = safeHref(dv.URL)
			if dv.Title == "" {
				dv.Title = "Untitled document"
				dv.Lang = ""
			}
			docs = append(docs, dv)
		}
	}
	collect("Planning", rel.obj("planning").arr("documents"))
	collect("Tender", rel.obj("tender").arr("documents"))
	for i, a := range rel.arr("awards") {
		collect(fmt.Sprintf("Award %d", i+1), a.arr("documents"))
	}
	for i, c := range rel.arr("contracts") {
		collect(fmt.Sprintf("Contract %d", i+1), c.arr("documents"))
		collect(fmt.Sprintf("Contract %d implementation", i+1), c.obj("implementation").arr("documents"))
	}
	if len(docs) > maxDocsShown {
		more := plural(len(docs)-maxDocsShown, "more document is", "more documents are") + " in the JSON version of this page."
		return docs[:maxDocsShown], more
	}
	return docs, ""
}

func contractDates(rel jsonObj) []labelledValue {
	var out []labelledValue
	add := func(label, raw string) {
		if d := parseLooseDate(raw); d.Text != "" {
			out = append(out, labelledValue{Label: label, Date: d})
		}
	}
	t := rel.obj("tender")
	add("Tender period starts", t.obj("tenderPeriod").str("startDate"))
	add("Tender period ends", t.obj("tenderPeriod").str("endDate"))
	add("Enquiries open", t.obj("enquiryPeriod").str("startDate"))
	add("Enquiries close", t.obj("enquiryPeriod").str("endDate"))
	add("Award period starts", t.obj("awardPeriod").str("startDate"))
	add("Award period ends", t.obj("awardPeriod").str("endDate"))
	add("Contract period starts", t.obj("contractPeriod").str("startDate"))
	add("Contract period ends", t.obj("contractPeriod").str("endDate"))
	add("Latest release", rel.str("date"))
	return out
}

func contractParties(c procure.Contract, rel jsonObj) []partyRowView {
	// roles come from the compiled release, matched by name
	roles := map[string][]string{}
	for _, rp := range rel.arr("parties") {
		name := strings.TrimSpace(rp.str("name"))
		for _, r := range rp.strs("roles") {
			roles[name] = append(roles[name], humanize(r))
		}
	}
	suppliers := map[string]bool{}
	for _, a := range c.Awards {
		for _, sp := range a.Suppliers {
			suppliers[sp.ID] = true
		}
	}
	for _, sp := range c.Suppliers {
		suppliers[sp.ID] = true
	}
	var out []partyRowView
	for _, pt := range c.Parties {
		row := partyRowView{
			Party:   partyView{ID: pt.ID, Name: partyName(procure.PartyRef{ID: pt.ID, Name: pt.Name}), Lang: langTag(pt.Language)},
			Roles:   strings.Join(roles[strings.TrimSpace(pt.Name)], ", "),
			Country: pt.Country,
			Address: joinNonEmpty(", ", pt.Address.Street, pt.Address.Locality, pt.Address.Region, pt.Address.PostalCode, pt.Address.CountryName),
		}
		if pt.Scheme != "" || pt.Identifier != "" {
			row.Identifier = strings.TrimSpace(pt.Scheme + " " + pt.Identifier)
		}
		switch {
		case pt.ID != "" && pt.ID == c.Buyer.ID:
			row.Party.URL = agencyPath(pt.ID)
		case pt.ID != "" && suppliers[pt.ID]:
			row.Party.URL = supplierPath(pt.ID)
		case pt.ID != "" && pt.BuyerType != "":
			row.Party.URL = agencyPath(pt.ID)
		}
		out = append(out, row)
	}
	return out
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func humanizeTags(tags []string) string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, humanize(t))
	}
	return strings.Join(out, ", ")
}

// jsonText shows a raw JSON value compactly: strings without quotes, other
// values as compact JSON, cut to maxValueText characters.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return truncate(s, maxValueText)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return truncate(string(raw), maxValueText)
	}
	return truncate(buf.String(), maxValueText)
}

// jsonObj is a tolerant view of an OCDS JSON object: every getter returns
// the zero value when a field is missing or has an unexpected type, so a
// quirky release never breaks the page.
type jsonObj map[string]any

func parseRelease(raw json.RawMessage) jsonObj {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil
	}
	return m
}

func (o jsonObj) str(k string) string {
	switch v := o[k].(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	}
	return ""
}

func (o jsonObj) num(k string) string {
	switch v := o[k].(type) {
	case json.Number:
		if d, err := procure.ParseDecimal(v.String()); err == nil {
			s := formatDecimal(d)
			return strings.TrimSuffix(s, ".00")
		}
		return v.String()
	case string:
		return strings.TrimSpace(v)
	}
	return ""
}

func (o jsonObj) obj(k string) jsonObj {
	if m, ok := o[k].(map[string]any); ok {
		return m
	}
	return nil
}

func (o jsonObj) arr(k string) []jsonObj {
	a, _ := o[k].([]any)
	var out []jsonObj
	for _, e := range a {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func (o jsonObj) strs(k string) []string {
	a, _ := o[k].([]any)
	var out []string
	for _, e := range a {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// money formats an OCDS Value object {amount, currency}; "" when absent.
func (o jsonObj) money() string {
	if o == nil {
		return ""
	}
	var amount string
	switch v := o["amount"].(type) {
	case json.Number:
		amount = v.String()
	case string:
		amount = v
	default:
		return ""
	}
	d, err := procure.ParseDecimal(amount)
	if err != nil {
		return ""
	}
	return formatMoney(procure.Money{Amount: d, Currency: strings.ToUpper(o.str("currency"))})
}

// API answer of /api/v1/contracts/{ocid}.

type apiRelease struct {
	ID          string    `json:"id"`
	Date        time.Time `json:"date"`
	Tag         []string  `json:"tag"`
	Source      string    `json:"source"`
	URL         string    `json:"url"`
	RetrievedAt time.Time `json:"retrieved_at"`
	SHA256      string    `json:"sha256"`
	Version     string    `json:"version,omitempty"`
	Compiled    bool      `json:"compiled,omitempty"`
	RawURL      string    `json:"raw_url"` // the stored release as JSON
}

type apiLink struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	API  string `json:"api"`
}

type apiContractLinks struct {
	HTML        string    `json:"html"`
	Buyer       *apiLink  `json:"buyer"`
	Suppliers   []apiLink `json:"suppliers"`
	BuyerSearch string    `json:"buyer_search,omitempty"`
}

type apiContract struct {
	OCID            string           `json:"ocid"`
	URL             string           `json:"url"`
	CompiledRelease json.RawMessage  `json:"compiledRelease"`
	Releases        []apiRelease     `json:"releases"`
	Summary         procure.Contract `json:"summary"`
	Changes         []procure.Change `json:"changes"`
	Links           apiContractLinks `json:"links"`
}

func (s site) apiContract(ctx context.Context, cat Catalog, ocid string) (apiContract, error) {
	d, err := readDetail(ctx, cat.Contract, ocid, "contract", "contracting process", "")
	if err != nil {
		return apiContract{}, err
	}
	c := d.Contract
	if c.OCID == "" {
		c.OCID = ocid
	}
	out := apiContract{
		OCID:            c.OCID,
		URL:             s.abs(contractPath(c.OCID)),
		CompiledRelease: d.CompiledRelease,
		Releases:        make([]apiRelease, 0, len(d.Releases)),
		Summary:         c,
		Changes:         d.Changes,
	}
	if len(out.CompiledRelease) == 0 {
		out.CompiledRelease = json.RawMessage("null")
	}
	if out.Changes == nil {
		out.Changes = []procure.Change{}
	}
	for _, r := range d.Releases {
		tags := r.Tag
		if tags == nil {
			tags = []string{}
		}
		out.Releases = append(out.Releases, apiRelease{
			ID: r.ID, Date: r.Date, Tag: tags, Source: r.Source, URL: publicSourceURL(r.URL), RetrievedAt: r.RetrievedAt,
			SHA256: r.SHA256, Version: r.Version, Compiled: r.Compiled, RawURL: s.abs(releasePath(c.OCID, r.ID)),
		})
	}
	out.Links.HTML = out.URL
	out.Links.Suppliers = []apiLink{}
	if c.Buyer.ID != "" {
		out.Links.Buyer = &apiLink{ID: c.Buyer.ID, Name: c.Buyer.Name, URL: s.abs(agencyPath(c.Buyer.ID)), API: s.abs("/api/v1" + agencyPath(c.Buyer.ID))}
		out.Links.BuyerSearch = s.abs(searchPath(pBuyer, c.Buyer.ID))
	}
	seen := map[string]bool{}
	for _, sp := range c.Suppliers {
		if sp.ID == "" || seen[sp.ID] {
			continue
		}
		seen[sp.ID] = true
		out.Links.Suppliers = append(out.Links.Suppliers, apiLink{ID: sp.ID, Name: sp.Name, URL: s.abs(supplierPath(sp.ID)), API: s.abs("/api/v1" + supplierPath(sp.ID))})
	}
	return out, nil
}

// splitReleasePath splits the rest of a /contracts/ path into an ocid and,
// for /contracts/{ocid}/releases/{id}, a release ID. Both are still escaped.
func splitReleasePath(rest string) (ocid, release string, isRelease bool) {
	i := strings.LastIndex(rest, "/releases/")
	if i <= 0 {
		return rest, "", false
	}
	return rest[:i], rest[i+len("/releases/"):], true
}

// isRawReleasePath reports whether a request path names a stored release
// (served as JSON, so its errors are problem+json too).
func isRawReleasePath(p string) bool {
	if !strings.HasPrefix(p, "/contracts/") {
		return false
	}
	_, _, ok := splitReleasePath(strings.TrimPrefix(p, "/contracts/"))
	return ok
}
