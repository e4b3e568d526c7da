package ocds

import (
	"fmt"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Caps on the summary's lists (the compiled release keeps everything).
const (
	maxSummaryItems           = 200
	maxSummaryClassifications = 200
)

// summariser builds the procure.Contract summary of a compiled release.
type summariser struct {
	ocid     string
	c        *value
	ns       string // namespace of slug ids: the ocid prefix ("ocds-be6bcu")
	lang     string
	problems []procure.Problem

	parties []procure.Party
	byLocal map[string]int // local parties[].id -> index in parties
	byID    map[string]int // portal id -> index in parties
}

func (s *summariser) warn(code, msg, path string) {
	s.problems = append(s.problems, procure.Problem{Severity: procure.SevWarning, Code: code, Message: msg, Location: procure.Location{Path: path}})
}

func (s *summariser) contract() procure.Contract {
	c := s.c
	s.ns = ocidPrefix(s.ocid)
	k := procure.Contract{OCID: s.ocid}
	k.Language = primaryLanguage(c.getStr("language"))
	s.lang = k.Language
	k.Title, k.Description = s.texts()
	tender := c.get("tender")
	k.Status = tender.getStr("status")
	k.Method = tender.getStr("procurementMethod")
	k.Category = tender.getStr("mainProcurementCategory")
	if tv, ok := s.money(tender.get("value"), "/tender/value"); ok {
		k.TenderValue = tv
	}

	s.buildParties()
	k.Buyer, k.BuyerType, k.Country = s.buyer()
	setDepartment(&k, s.department(k.Buyer))

	// Awards, amount, suppliers.
	var counted, all []procure.PartyRef
	seenCounted, seenAll := map[string]bool{}, map[string]bool{}
	type group struct {
		sum   procure.Decimal
		count int
		bad   bool
	}
	groups := map[string]*group{}
	var firstAward time.Time
	if awards := c.get("awards"); awards.isArray() {
		for i := range awards.kids {
			a := &awards.kids[i].Val
			if !a.isObject() {
				continue
			}
			path := "/awards/" + itoa(i)
			aw := procure.Award{
				ID:          a.getStr("id"),
				Title:       a.getStr("title"),
				Description: a.getStr("description"),
				Status:      a.getStr("status"),
				Suppliers:   []procure.PartyRef{},
			}
			aw.Date, _ = parseDate(a.getStr("date"))
			aw.Counted = procure.CountedAward(aw.Status)
			aw.Value, aw.HasValue = s.money(a.get("value"), path+"/value")
			if sup := a.get("suppliers"); sup.isArray() {
				for j := range sup.kids {
					ref, ok := s.ref(&sup.kids[j].Val)
					if !ok {
						continue
					}
					aw.Suppliers = append(aw.Suppliers, ref)
					if !seenAll[ref.ID] {
						seenAll[ref.ID] = true
						all = append(all, ref)
					}
					if aw.Counted && !seenCounted[ref.ID] {
						seenCounted[ref.ID] = true
						counted = append(counted, ref)
					}
				}
			}
			if aw.Counted {
				if !aw.Date.IsZero() && (firstAward.IsZero() || aw.Date.Before(firstAward)) {
					firstAward = aw.Date
				}
				if aw.HasValue {
					g := groups[aw.Value.Currency]
					if g == nil {
						g = &group{}
						groups[aw.Value.Currency] = g
					}
					g.count++
					if sum, err := g.sum.Add(aw.Value.Amount); err != nil {
						if !g.bad {
							s.warn(CodeAmount, "the award values overflow the largest amount the portal can add up; the total is left out", path+"/value/amount")
						}
						g.bad = true
					} else {
						g.sum = sum
					}
				}
			}
			k.Awards = append(k.Awards, aw)
		}
	}
	if len(counted) > 0 {
		k.Suppliers = counted
	} else {
		k.Suppliers = all
	}
	if k.Suppliers == nil {
		k.Suppliers = []procure.PartyRef{}
	}
	// The amount is the currency group with most counted awards (ties: the
	// larger sum, then the lower currency code).
	best := ""
	for cur, g := range groups {
		if g.bad {
			continue
		}
		b := groups[best]
		switch {
		case b == nil,
			g.count > b.count,
			g.count == b.count && g.sum.Cmp(b.sum) > 0,
			g.count == b.count && g.sum.Cmp(b.sum) == 0 && cur < best:
			best = cur
		}
	}
	if g := groups[best]; g != nil {
		k.Amount = procure.Money{Amount: g.sum, Currency: best}
	}

	// Date: first counted award, else first contract signature, else tender
	// period start (else, in Compile, the latest release date).
	k.Date = firstAward
	if k.Date.IsZero() {
		if cs := c.get("contracts"); cs.isArray() {
			for i := range cs.kids {
				if d, ok := parseDate(cs.kids[i].Val.getStr("dateSigned")); ok && (k.Date.IsZero() || d.Before(k.Date)) {
					k.Date = d
				}
			}
		}
	}
	if k.Date.IsZero() {
		k.Date, _ = parseDate(tender.path("tenderPeriod", "startDate").str())
	}

	k.Items, k.Classifications = s.items()
	k.Parties = s.parties
	return k
}

// texts returns the title and description.
func (s *summariser) texts() (title, desc string) {
	c := s.c
	tender := c.get("tender")
	title = tender.getStr("title")
	desc = tender.getStr("description")
	for _, list := range []string{"awards", "contracts"} {
		arr := c.get(list)
		if !arr.isArray() {
			continue
		}
		for i := range arr.kids {
			if title == "" {
				title = arr.kids[i].Val.getStr("title")
			}
			if desc == "" {
				desc = arr.kids[i].Val.getStr("description")
			}
		}
	}
	if title == "" {
		title = c.path("planning", "budget").getStr("project")
	}
	if title == "" {
		title = c.path("planning", "budget").getStr("description")
	}
	if title == "" {
		// Pre-standard publishers (Taiwan PCC) put the title at the top.
		title = c.getStr("title")
		if title == "" {
			title = c.getStr("name")
		}
	}
	if title == "" {
		title = s.ocid
	}
	return title, desc
}

// money reads an OCDS Value object exactly.
func (s *summariser) money(v *value, path string) (procure.Money, bool) {
	if !v.isObject() {
		return procure.Money{}, false
	}
	amt := v.get("amount")
	cur := strings.ToUpper(v.getStr("currency"))
	if amt == nil || amt.k == kNull {
		return procure.Money{}, false
	}
	var text string
	switch amt.k {
	case kNumber:
		text = amt.s
	case kString:
		text = strings.TrimSpace(amt.s)
		if text == "" {
			return procure.Money{}, false
		}
	default:
		s.warn(CodeAmount, "the amount is not a number; it is left out", path+"/amount")
		return procure.Money{}, false
	}
	d, err := procure.ParseDecimal(text)
	if err != nil {
		s.warn(CodeAmount, fmt.Sprintf("the amount %s could not be read exactly (%v); it is left out", quote(text), err), path+"/amount")
		return procure.Money{}, false
	}
	if amt.k == kString {
		s.warn(CodeAmount, "the amount "+quote(text)+" is given as text; it was read as a number", path+"/amount")
	}
	return procure.Money{Amount: d, Currency: cur}, true
}

// buildParties turns the compiled parties into portal parties.
func (s *summariser) buildParties() {
	s.byLocal = map[string]int{}
	s.byID = map[string]int{}
	ps := s.c.get("parties")
	if !ps.isArray() {
		return
	}
	for i := range ps.kids {
		p := &ps.kids[i].Val
		if !p.isObject() {
			continue
		}
		party := s.party(p)
		idx, ok := s.byID[party.ID]
		if !ok {
			idx = len(s.parties)
			s.byID[party.ID] = idx
			s.parties = append(s.parties, party)
		}
		if local, ok := idKey(p); ok {
			if _, dup := s.byLocal[local]; !dup {
				s.byLocal[local] = idx
			}
		}
	}
}

func (s *summariser) party(p *value) procure.Party {
	ident := p.get("identifier")
	out := procure.Party{
		Name:      p.getStr("name"),
		LegalName: ident.getStr("legalName"),
		Language:  s.lang,
	}
	if out.Name == "" {
		out.Name = out.LegalName
	}
	if a := p.get("address"); a.isObject() {
		out.Address = procure.Address{
			Street: a.getStr("streetAddress"), Locality: a.getStr("locality"), Region: a.getStr("region"),
			PostalCode: a.getStr("postalCode"), CountryName: a.getStr("countryName"),
		}
	}
	out.ID, out.Scheme, out.Identifier = s.portalID(p.get("id").str(), ident.getStr("scheme"), ident.getStr("id"), out.Name)
	out.Country = countryCode(out.Address.CountryName)
	if out.Country == "" && len(out.Scheme) > 2 && out.Scheme[2] == '-' && isCountryCode(out.Scheme[:2]) {
		out.Country = out.Scheme[:2]
	}
	if ai := p.get("additionalIdentifiers"); ai.isArray() {
		for i := range ai.kids {
			a := &ai.kids[i].Val
			sch := procure.NormalizeScheme(a.getStr("scheme"))
			if !reSchemeCode.MatchString(sch) {
				continue
			}
			if q, ok := procure.QualifiedID(sch, a.getStr("id")); ok && q != out.ID {
				out.AdditionalIDs = append(out.AdditionalIDs, q)
			}
		}
	}
	return out
}

// portalID gives an organisation its portal ID: from its identifier when
// the scheme is an org-id.guide code; else its local id when that already
// reads "{SCHEME}-{id}" with a country scheme; else a slug of the ocid
// prefix and the name (or the local id when there is no name).
func (s *summariser) portalID(local, scheme, ident, name string) (id, sch, idn string) {
	ns := procure.NormalizeScheme(scheme)
	if reSchemeCode.MatchString(ns) && strings.TrimSpace(ident) != "" {
		if q, ok := procure.QualifiedID(ns, ident); ok {
			return q, ns, procure.NormalizeIdentifier(ns, ident)
		}
	}
	local = strings.TrimSpace(local)
	// A slug ID of the release's own namespace ("{ns}~{slug}") is already a
	// portal ID: data/uslocal writes them for vendors grouped by
	// match.VendorKey, so spellings of one vendor share a supplier page.
	if ns := procure.Slug(s.ns) + "~"; strings.TrimSpace(ident) == "" && len(local) > len(ns) && strings.HasPrefix(local, ns) {
		return local, "", ""
	}
	if parts := strings.SplitN(local, "-", 3); len(parts) == 3 && len(parts[0]) == 2 &&
		(isCountryCode(parts[0]) || parts[0] == "XI" || parts[0] == "XM") && reSchemeCode.MatchString(parts[0]+"-"+parts[1]) {
		if q, ok := procure.QualifiedID(parts[0]+"-"+parts[1], parts[2]); ok {
			return q, parts[0] + "-" + parts[1], procure.NormalizeIdentifier(parts[0]+"-"+parts[1], parts[2])
		}
	}
	if strings.TrimSpace(name) == "" {
		name = local
	}
	return procure.SlugID(s.ns, name), "", ""
}

// ref maps an organisation reference to a portal PartyRef.
func (s *summariser) ref(r *value) (procure.PartyRef, bool) {
	if !r.isObject() {
		return procure.PartyRef{}, false
	}
	if local, ok := idKey(r); ok {
		if i, ok := s.byLocal[local]; ok {
			p := s.parties[i]
			name := p.Name
			if name == "" {
				name = r.getStr("name")
			}
			return procure.PartyRef{ID: p.ID, Name: name}, true
		}
	}
	name := r.getStr("name")
	local := r.get("id").str()
	if name == "" && strings.TrimSpace(local) == "" {
		return procure.PartyRef{}, false
	}
	// Not in parties: it still gets a portal ID, and a party entry.
	p := s.party(r)
	if _, ok := s.byID[p.ID]; !ok {
		s.byID[p.ID] = len(s.parties)
		s.parties = append(s.parties, p)
	}
	if local, ok := idKey(r); ok {
		s.byLocal[local] = s.byID[p.ID]
	}
	return procure.PartyRef{ID: p.ID, Name: name}, true
}

// buyer finds the buyer: the buyer reference, else the procuring entity,
// else the first party with role buyer.
func (s *summariser) buyer() (procure.PartyRef, procure.BuyerType, string) {
	c := s.c
	var ref procure.PartyRef
	ok := false
	if b := c.get("buyer"); b.isObject() {
		ref, ok = s.ref(b)
	}
	if !ok {
		if pe := c.path("tender", "procuringEntity"); pe.isObject() {
			ref, ok = s.ref(pe)
		}
	}
	var pv *value // the buyer's party object in the compiled release
	if ps := c.get("parties"); ps.isArray() {
		for i := range ps.kids {
			p := &ps.kids[i].Val
			if ok {
				if local, has := idKey(p); has {
					if j, found := s.byLocal[local]; found && s.parties[j].ID == ref.ID {
						pv = p
						break
					}
				}
				continue
			}
			if hasRole(p, "buyer") {
				ref, ok = s.ref(p)
				pv = p
				break
			}
		}
	}
	if !ok {
		return procure.PartyRef{}, procure.BuyerOther, ""
	}
	var names, hints []string
	names = append(names, ref.Name)
	if pv != nil {
		if ln := pv.path("identifier", "legalName").str(); ln != "" {
			names = append(names, ln)
		}
		if cl := pv.path("details", "classifications"); cl.isArray() {
			for i := range cl.kids {
				hints = append(hints, cl.kids[i].Val.getStr("description"), cl.kids[i].Val.getStr("id"))
			}
		}
	}
	names, hints = nonEmpty(names), nonEmpty(hints)
	// The procuring entity is a hint: a city's Police department makes the
	// purchase a police one (buyer_type=police), while the buyer party
	// itself is typed by its own names when the department is another
	// unit, so the city does not become a police buyer.
	own := procure.ClassifyBuyer(names, hints)
	bt := own
	if dept := s.department(ref); dept != "" {
		bt = procure.ClassifyBuyer(names, append(hints, dept))
	} else if pe := c.path("tender", "procuringEntity"); pe.isObject() {
		if n := pe.getStr("name"); n != "" {
			bt = procure.ClassifyBuyer(names, append(hints, n))
			own = bt // the procuring entity is the buyer itself
		}
	}
	country := ""
	if i, found := s.byID[ref.ID]; found {
		s.parties[i].BuyerType = own
		country = s.parties[i].Country
	}
	return ref, bt, country
}

// department returns the name of the department that made the purchase:
// tender.procuringEntity when it is not the buyer itself (another portal
// ID and another name), else "". City checkbooks put the paying department
// there (data/uslocal).
func (s *summariser) department(buyer procure.PartyRef) string {
	pe := s.c.path("tender", "procuringEntity")
	if !pe.isObject() {
		return ""
	}
	name := strings.TrimSpace(pe.getStr("name"))
	if local, ok := idKey(pe); ok {
		if i, found := s.byLocal[local]; found {
			if s.parties[i].ID == buyer.ID {
				return ""
			}
			if name == "" {
				name = strings.TrimSpace(s.parties[i].Name)
			}
		}
	}
	if name == "" || foldName(name) == foldName(buyer.Name) {
		return ""
	}
	return name
}

// setDepartment records the department in the summary.
func setDepartment(k *procure.Contract, dept string) { k.Department = dept }

func nonEmpty(s []string) []string {
	out := s[:0]
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			out = append(out, x)
		}
	}
	return out
}

func hasRole(p *value, role string) bool {
	r := p.get("roles")
	if r == nil {
		return false
	}
	if r.k == kString {
		return r.s == role
	}
	for i := range r.kids {
		if r.kids[i].Val.str() == role {
			return true
		}
	}
	return false
}

// items returns the distinct item descriptions and classifications of the
// tender, awards and contracts.
func (s *summariser) items() (items, classes []string) {
	seenI, seenC := map[string]bool{}, map[string]bool{}
	addClass := func(cl *value) {
		if !cl.isObject() || len(classes) >= maxSummaryClassifications {
			return
		}
		id := cl.getStr("id")
		if id == "" {
			return
		}
		scheme := cl.getStr("scheme")
		if len(scheme) <= 12 && !strings.ContainsAny(scheme, " \t") {
			scheme = strings.ToUpper(scheme)
		}
		k := scheme + ":" + id
		if !seenC[k] {
			seenC[k] = true
			classes = append(classes, k)
		}
	}
	each := func(arr *value) {
		if !arr.isArray() {
			return
		}
		for i := range arr.kids {
			it := &arr.kids[i].Val
			if d := it.getStr("description"); d != "" && !seenI[d] && len(items) < maxSummaryItems {
				seenI[d] = true
				items = append(items, d)
			}
			addClass(it.get("classification"))
			if ac := it.get("additionalClassifications"); ac.isArray() {
				for j := range ac.kids {
					addClass(&ac.kids[j].Val)
				}
			}
		}
	}
	each(s.c.path("tender", "items"))
	for _, list := range []string{"awards", "contracts"} {
		if arr := s.c.get(list); arr.isArray() {
			for i := range arr.kids {
				each(arr.kids[i].Val.get("items"))
			}
		}
	}
	return items, classes
}

// ocidPrefix returns "ocds-xxxxxx" (the registered prefix) of an ocid.
func ocidPrefix(ocid string) string {
	parts := strings.SplitN(ocid, "-", 3)
	if len(parts) >= 2 {
		return parts[0] + "-" + parts[1]
	}
	return ocid
}

// primaryLanguage returns the lower-case primary subtag of a language tag,
// repaired ("md" -> "ro"); "" when it is not a 2-3 letter code.
func primaryLanguage(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(t, "-_"); i >= 0 {
		t = t[:i]
	}
	if f, ok := languageFixes[t]; ok {
		t = f
	}
	if len(t) < 2 || len(t) > 3 {
		return ""
	}
	for _, r := range t {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return t
}
