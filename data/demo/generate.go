package demo

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Generate returns the demo data: one OCDS 1.1 release package per year of
// release dates, sorted by name. See the package documentation for what is
// in it. The only errors are invalid Options (Now missing or beyond the
// years a date can be written in), reported as procure.ErrInvalid.
func Generate(opt Options) ([]File, error) {
	if opt.Now.IsZero() {
		return nil, fmt.Errorf("demo data needs Options.Now, the end of the %d-year period it covers: %w", Years, procure.ErrInvalid)
	}
	now := opt.Now.UTC().Truncate(time.Second)
	if now.Year() < 1900 || now.Year() > 9000 {
		return nil, fmt.Errorf("demo data: Options.Now %s is out of range: %w", now.Format(time.RFC3339), procure.ErrInvalid)
	}
	g := &generator{seed: opt.Seed, now: now}
	var all []encodedRelease
	for _, p := range g.plan() {
		rels, err := g.process(p)
		if err != nil {
			return nil, fmt.Errorf("demo process %s: %w", p.ocid, err)
		}
		all = append(all, rels...)
	}
	return g.files(all)
}

type generator struct {
	seed int64
	now  time.Time
}

// special is a process fixed in advance (not drawn at random): the sales
// of the vendor a later issue turns into an ownership case.
type special struct {
	buyer     string
	product   product
	method    string
	details   string
	tenderers []string // supplier names, winner first
	ago       int      // days before Now the process starts (±10)
	amend     bool     // the contract value is amended once
	price     int64    // unit price in US cents
	qty       int
}

var specials = []special{
	{buyer: buyerLakeOrrinISD, method: "open", details: "Request for Proposals",
		tenderers: []string{aprok, "Northgate Identity Solutions Inc.", "Sentinel Optics Corp."},
		ago:       3*365 + 40, amend: true, price: 420000, qty: 22,
		product: product{title: text{en: "Campus video analytics with face matching"},
			detail:   text{en: "video analytics software for campus security cameras, including face matching against a district-maintained list of banned visitors"},
			category: "services",
			items: []itemSpec{{desc: text{en: "Campus video analytics licence with face matching (per campus, per year)"},
				unit: uCampus, class: cpv("48730000", "Security software package")}}}},
	{buyer: buyerLakeOrrinISD, method: "direct", details: "Sole source renewal",
		tenderers: []string{aprok}, ago: 200, price: 455000, qty: 24,
		product: product{title: text{en: "Face matching licence renewal"},
			detail:   text{en: "renewal of the campus video analytics and face matching licences for all campuses"},
			category: "services",
			items: []itemSpec{{desc: text{en: "Campus video analytics licence with face matching (per campus, per year)"},
				unit: uCampus, class: cpv("48730000", "Security software package")}}}},
	{buyer: buyerPortAlderPD, method: "limited", details: "Request for Quotes",
		tenderers: []string{aprok, "Northgate Identity Solutions Inc."}, ago: 4*365 + 100, price: 980000, qty: 8,
		product: product{title: text{en: "Face recognition investigative software"},
			detail:   text{en: "face recognition software to compare images from investigations against the department's booking photographs"},
			category: "services",
			items: []itemSpec{{desc: text{en: "Face recognition investigative software licence (per seat, per year)"},
				unit: uSeat, class: cpv("48730000", "Security software package")}}}},
	{buyer: buyerPortAlderPD, method: "direct", details: "Sole source",
		tenderers: []string{aprok}, ago: 2*365 + 30, price: 3600000, qty: 1,
		product: product{title: text{en: "Face recognition software support and training"},
			detail:   text{en: "annual support, upgrades and examiner training for the face recognition software in use"},
			category: "services",
			items: []itemSpec{{desc: text{en: "Support, upgrades and training (annual)"},
				unit: uYear, class: cpv("72260000", "Software-related services")}}}},
}

type plan struct {
	b       *buyer
	product string // key in products, "" for specials
	special *special
	prefer  *supplier // wins this process (set so every supplier sells)
	r       *rng
	stream  uint64
	start   time.Time // day of the first release
	ocid    string
	seq     int // number of the process for its buyer and year
	year    int // calendar year of the first release, in the ocid
}

// Indexes over the catalog, built once.
var (
	buyerByCode  = map[string]*buyer{}
	supplierByNm = map[string]*supplier{}
	// offers[region][product] lists the suppliers offering a product in a
	// region, in catalog order.
	offers = map[region]map[string][]*supplier{}
	// demandKeys[kind] lists the products a buyer type buys, sorted.
	demandKeys = map[procure.BuyerType][]string{}
)

func init() {
	for i := range buyers {
		buyerByCode[buyers[i].code] = &buyers[i]
	}
	for i := range suppliers {
		s := &suppliers[i]
		supplierByNm[s.name] = s
		for _, rg := range s.regions {
			if offers[rg] == nil {
				offers[rg] = map[string][]*supplier{}
			}
			for _, pk := range s.products {
				if _, ok := products[pk]; !ok {
					panic("demo: supplier " + s.name + " offers unknown product " + pk)
				}
				offers[rg][pk] = append(offers[rg][pk], s)
			}
		}
	}
	for kind, d := range demand {
		keys := make([]string, 0, len(d))
		for k := range d {
			if _, ok := products[k]; !ok {
				panic("demo: demand for unknown product " + k)
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		demandKeys[kind] = keys
	}
	for _, sp := range specials {
		if buyerByCode[sp.buyer] == nil {
			panic("demo: special process for unknown buyer " + sp.buyer)
		}
		for _, n := range sp.tenderers {
			if supplierByNm[n] == nil {
				panic("demo: special process names unknown supplier " + n)
			}
		}
	}
}

// day returns midnight UTC of the day t falls on.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// plan draws the buyer, product and start day of every process and gives
// each its ocid.
func (g *generator) plan() []*plan {
	today := day(g.now)
	first := today.AddDate(-Years, 0, 1)
	span := int(today.Sub(first)/(24*time.Hour)) - 100 // the last processes start 100 days before Now

	// One slot per process of each buyer, minus the fixed ones.
	left := map[string]int{}
	for _, b := range buyers {
		left[b.code] = b.processes
	}
	var plans []*plan
	for i := range specials {
		sp := &specials[i]
		left[sp.buyer]--
		stream := uint64(1_000_000 + i)
		r := newRNG(g.seed, stream)
		start := today.AddDate(0, 0, -sp.ago+r.between(-10, 10))
		plans = append(plans, &plan{b: buyerByCode[sp.buyer], special: sp, r: r, stream: stream, start: start})
	}
	var slots []*buyer
	for i := range buyers {
		for k := 0; k < left[buyers[i].code]; k++ {
			slots = append(slots, &buyers[i])
		}
	}
	for k, b := range slots {
		stream := uint64(k + 1)
		r := newRNG(g.seed, stream)
		keys := demandKeys[b.kind]
		weights := make([]int, len(keys))
		for j, pk := range keys {
			if len(offers[b.region][pk]) > 0 {
				weights[j] = demand[b.kind][pk]
			}
		}
		pk := keys[r.weighted(weights)]
		start := first.AddDate(0, 0, r.intn(span))
		plans = append(plans, &plan{b: b, product: pk, r: r, stream: stream, start: start})
	}
	g.cover(plans)
	sort.SliceStable(plans, func(i, j int) bool {
		a, b := plans[i], plans[j]
		if !a.start.Equal(b.start) {
			return a.start.Before(b.start)
		}
		if a.b.code != b.b.code {
			return a.b.code < b.b.code
		}
		return a.stream < b.stream
	})
	seq := map[string]int{}
	for _, p := range plans {
		p.year = p.start.Year()
		key := p.b.code + "-" + strconv.Itoa(p.year)
		seq[key]++
		p.seq = seq[key]
		p.ocid = fmt.Sprintf("%s-%s-%d-%03d", OCIDPrefix, p.b.code, p.year, p.seq)
	}
	return plans
}

// cover makes sure every supplier of the catalog wins something: each is
// made the winner of one process that buys what it sells, and when no buyer
// of its regions drew any of its products, such a process is switched to
// one of them.
func (g *generator) cover(plans []*plan) {
	r := newRNG(g.seed, 0)
	for i := range suppliers {
		s := &suppliers[i]
		if len(s.regions) == 0 {
			continue // sells only in the fixed processes
		}
		type option struct {
			p  *plan
			pk string
		}
		var drawn, switchable []option
		for _, p := range plans {
			if p.special != nil || p.prefer != nil || !slices.Contains(s.regions, p.b.region) {
				continue
			}
			for _, pk := range s.products {
				switch {
				case p.product == pk:
					drawn = append(drawn, option{p, pk})
				case demand[p.b.kind][pk] > 0:
					switchable = append(switchable, option{p, pk})
				}
			}
		}
		opts := drawn
		if len(opts) == 0 {
			opts = switchable
		}
		if len(opts) == 0 {
			continue // nobody buys what it sells; the tests report it
		}
		o := opts[r.intn(len(opts))]
		o.p.product, o.p.prefer = o.pk, s
	}
}

// Method details as each region names its procedures.
var methodDetails = map[region]map[string][]string{
	regionUS: {
		"open":      {"Request for Proposals", "Invitation for Bids"},
		"selective": {"Cooperative purchasing agreement (pre-qualified vendors)"},
		"limited":   {"Request for Quotes (three quotes)"},
		"direct":    {"Sole source", "Emergency purchase"},
	},
	regionGB: {
		"open":      {"Open procedure"},
		"selective": {"Call-off from framework agreement", "Restricted procedure"},
		"limited":   {"Competitive quotation (below threshold)"},
		"direct":    {"Direct award"},
	},
	regionMX: {
		"open":      {"Licitación pública nacional"},
		"selective": {"Invitación restringida"},
		"limited":   {"Invitación a cuando menos tres personas"},
		"direct":    {"Adjudicación directa"},
	},
}

// methods in a fixed order for weighted choice.
var methods = []string{"open", "selective", "limited", "direct"}

// Reasons an award is cancelled.
var cancelReasons = map[string][]string{
	"en": {
		"Award cancelled: the selected vendor could not meet the delivery schedule.",
		"Award cancelled after a bid protest was upheld; the contract goes to the next-ranked bidder.",
		"Award cancelled: the vendor's insurance certificates were not provided in time.",
	},
	"es": {
		"Fallo cancelado: el proveedor adjudicado no presentó la garantía de cumplimiento.",
		"Fallo cancelado por resolución de inconformidad; se adjudica al siguiente licitante.",
	},
}

var withdrawReasons = map[string]string{
	"en": "Award cancelled and procurement withdrawn: funding for the purchase was not approved.",
	"es": "Fallo cancelado y procedimiento cancelado: no se autorizó la suficiencia presupuestal.",
}

var amendReasons = map[string]map[string]string{
	"en": {
		"goods":    "Additional quantities ordered under the contract's option clause.",
		"services": "Scope extended: additional users and an additional year of support.",
		"works":    "Unforeseen site conditions: additional structural and electrical work.",
	},
	"es": {
		"goods":    "Convenio modificatorio: ampliación de cantidades conforme al contrato.",
		"services": "Convenio modificatorio: ampliación del alcance del servicio.",
		"works":    "Convenio modificatorio: trabajos adicionales no previstos.",
	},
}

var phrases = map[string]struct {
	seeks, award, contract, multi, changed, qtyChanged, tenderDoc, awardDoc, contractDoc string
}{
	"en": {
		seeks:       "%s seeks %s.",
		award:       "Award: %s",
		contract:    "Contract: %s",
		multi:       "Multiple-award contract: orders are placed with the awarded suppliers in rotation.",
		changed:     "Contract value changed from %s to %s %s.",
		qtyChanged:  "Quantity of item %s increased from %d to %d; contract value changed from %s to %s %s.",
		tenderDoc:   "Tender notice",
		awardDoc:    "Notice of award",
		contractDoc: "Signed contract",
	},
	"es": {
		seeks:       "%s requiere %s.",
		award:       "Fallo: %s",
		contract:    "Contrato: %s",
		multi:       "Contrato abierto con varios proveedores: los pedidos se asignan por turno.",
		changed:     "El monto del contrato cambió de %s a %s %s.",
		qtyChanged:  "La cantidad de la partida %s aumentó de %d a %d; el monto del contrato cambió de %s a %s %s.",
		tenderDoc:   "Convocatoria",
		awardDoc:    "Acta de fallo",
		contractDoc: "Contrato firmado",
	},
}

// errAfterNow stops a process whose next release would be dated after Now
// (the process is still running).
var errAfterNow = errors.New("after now")

// proc is the state of one process while its releases are written.
type proc struct {
	g     *generator
	p     *plan
	r     *rng
	lang  string
	cur   string
	state release
	out   []encodedRelease
	last  time.Time
	n     int
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// at returns the time of a release on day d: during the buyer's working
// hours, and always after the previous release.
func (pr *proc) at(d time.Time) time.Time {
	hour := 15 // 15:00 UTC is morning in the US
	if pr.p.b.region == regionGB {
		hour = 9
	}
	t := day(d).Add(time.Duration(hour)*time.Hour + time.Duration(pr.r.intn(8*60))*time.Minute)
	if !t.After(pr.last) {
		t = pr.last.Add(time.Duration(1+pr.r.intn(120)) * time.Minute)
	}
	return t
}

// releaseID is the id of the next release.
func (pr *proc) releaseID(tag string) string {
	return fmt.Sprintf("%s-%02d-%s", pr.p.ocid, pr.n+1, tag)
}

// emit writes the current state as a release dated t, unless t is after
// Now (then the process stops here: it is still running).
func (pr *proc) emit(t time.Time, tags ...string) error {
	if t.After(pr.g.now) {
		return errAfterNow
	}
	pr.state.ID = pr.releaseID(tags[0])
	pr.state.Date = ts(t)
	pr.state.Tag = tags
	enc, err := encodeRelease(&pr.state, t)
	if err != nil {
		return err
	}
	pr.out = append(pr.out, enc)
	pr.last = t
	pr.n++
	return nil
}

// price converts a price in US cents to minor units of the buyer's currency,
// rounded to whole units above 100.
func price(usCents int64, rg region) int64 {
	c := currencyOf[rg]
	v := (usCents*c.num + c.den/2) / c.den
	if v >= 10000 {
		v = (v + 50) / 100 * 100
	}
	return v
}

func (pr *proc) money(minor int64) value {
	return value{Amount: procure.DecimalFromUnits(minor * 100), Currency: pr.cur}
}

// roundUp rounds an estimate up to a number a buyer would write.
func roundUp(minor int64) int64 {
	step := int64(100) // 1.00
	switch {
	case minor >= 100_000_000: // 1,000,000.00
		step = 1_000_000
	case minor >= 1_000_000: // 10,000.00
		step = 10_000
	}
	return (minor + step - 1) / step * step
}

func (pr *proc) docs(kind, title string, t time.Time, name string) []document {
	return []document{{
		ID:            name,
		DocumentType:  kind,
		Title:         title,
		URL:           fmt.Sprintf("%s/documents/%s/%s.pdf", PublisherURI, pr.p.ocid, name),
		DatePublished: ts(t),
		Format:        "application/pdf",
		Language:      pr.lang,
	}}
}

func orgParty(o *org, roles ...string) party {
	p := party{ID: o.partyID(), Name: o.name, Roles: roles}
	if o.scheme != "" {
		p.Identifier = &identifier{Scheme: o.scheme, ID: o.ident, LegalName: o.legalName}
	}
	a := o.addr
	p.Address = &a
	if o.contact != (contact{}) {
		c := o.contact
		p.ContactPoint = &c
	}
	return p
}

func ref(o *org) orgRef { return orgRef{ID: o.partyID(), Name: o.name} }

// parties lists the buyer and every tenderer, with the supplier role for
// those named in an award.
func (pr *proc) parties(tenderers []*supplier, awarded map[*supplier]bool) []party {
	ps := []party{orgParty(&pr.p.b.org, "buyer", "procuringEntity")}
	for _, s := range tenderers {
		if awarded[s] {
			ps = append(ps, orgParty(&s.org, "supplier", "tenderer"))
		} else {
			ps = append(ps, orgParty(&s.org, "tenderer"))
		}
	}
	return ps
}

func refs(ss []*supplier) []orgRef {
	out := make([]orgRef, len(ss))
	for i, s := range ss {
		out[i] = ref(&s.org)
	}
	return out
}

func (g *generator) process(p *plan) ([]encodedRelease, error) {
	b := p.b
	r := p.r
	pr := &proc{g: g, p: p, r: r, lang: b.language, cur: currencyOf[b.region].code}
	words := phrases[pr.lang]

	// What, how, and who bids.
	var prod product
	var method, details string
	var tenderers []*supplier
	if sp := p.special; sp != nil {
		prod, method, details = sp.product, sp.method, sp.details
		for _, n := range sp.tenderers {
			tenderers = append(tenderers, supplierByNm[n])
		}
	} else {
		prod = products[p.product]
		if prod.category == "works" {
			method = methods[r.weighted([]int{90, 10, 0, 0})]
		} else {
			method = methods[r.weighted([]int{55, 10, 20, 15})]
		}
		opts := methodDetails[b.region][method]
		details = opts[r.intn(len(opts))]
		cands := append([]*supplier(nil), offers[b.region][p.product]...)
		r.shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		if p.prefer != nil {
			i := slices.Index(cands, p.prefer)
			cands[0], cands[i] = cands[i], cands[0]
		}
		bidders := 1
		switch method {
		case "open":
			bidders += r.between(1, 4)
		case "selective":
			bidders += r.between(1, 3)
		case "limited":
			bidders += r.between(1, 2)
		}
		if bidders > len(cands) {
			bidders = len(cands)
		}
		tenderers = cands[:bidders]
	}

	// Items and values.
	var items []item
	var total int64
	prevQty := 0
	for i, spec := range prod.items {
		if spec.optional && !r.chance(500) {
			continue
		}
		var qty int
		var unitPrice int64
		if p.special != nil {
			qty, unitPrice = p.special.qty, price(p.special.price, b.region)
		} else {
			qty = r.between(spec.qty[0], spec.qty[1])
			if method == "limited" || method == "direct" {
				qty = spec.qty[0] + (qty-spec.qty[0])/4
			}
			if spec.sameQty && prevQty > 0 {
				qty = prevQty
			}
			unitPrice = price(r.between64(spec.price[0], spec.price[1]), b.region)
		}
		prevQty = qty
		it := item{
			ID:             strconv.Itoa(i + 1),
			Description:    spec.desc.in(b.region),
			Classification: spec.class,
			Quantity:       qty,
			Unit:           unit{Name: spec.unit.in(b.region)},
		}
		v := pr.money(unitPrice)
		it.Unit.Value = &v
		if spec.extra != nil && b.region == regionUS {
			it.AdditionalClassifications = []classification{*spec.extra}
		}
		items = append(items, it)
		total += int64(qty) * unitPrice
	}
	estimate := roundUp(total * int64(100+r.between(0, 20)) / 100)
	title := prod.title.in(b.region)

	tenderID := g.tenderID(p, method)
	tn := &tender{
		ID:                       tenderID,
		Title:                    title,
		Description:              fmt.Sprintf(words.seeks, b.name, prod.detail.in(b.region)),
		Status:                   "active",
		ProcuringEntity:          &orgRef{ID: b.partyID(), Name: b.name},
		Items:                    items,
		ProcurementMethod:        method,
		ProcurementMethodDetails: details,
		MainProcurementCategory:  prod.category,
	}
	est := pr.money(estimate)
	tn.Value = &est
	switch {
	case method == "direct":
		tn.AwardCriteria = "singleBidOnly"
	case prod.category == "goods":
		tn.AwardCriteria = "priceOnly"
	default:
		tn.AwardCriteria = "ratedCriteria"
	}
	pr.state = release{
		OCID:           p.ocid,
		InitiationType: "tender",
		Language:       pr.lang,
		Buyer:          ref(&b.org),
		Tender:         tn,
	}

	// Who wins; whether the award is shared, cancelled or withdrawn.
	winners := []*supplier{tenderers[0]}
	if p.special == nil && prod.multi && len(tenderers) >= 2 && (method == "open" || method == "selective") && r.chance(250) {
		winners = tenderers[:r.between(2, min(3, len(tenderers)))]
	}
	cancel, withdraw := false, false
	if p.special == nil && len(tenderers) >= 2 && len(winners) == 1 && r.chance(70) {
		cancel = true
		withdraw = r.chance(250)
	}

	// Dates.
	d := p.start
	var releaseErr error
	step := func(t time.Time, tags ...string) bool {
		if releaseErr != nil {
			return false
		}
		releaseErr = pr.emit(t, tags...)
		return releaseErr == nil
	}
	finish := func() ([]encodedRelease, error) {
		if releaseErr != nil && !errors.Is(releaseErr, errAfterNow) {
			return nil, releaseErr
		}
		return pr.out, nil
	}

	// 1. Tender notice (not for direct awards).
	pr.state.Parties = pr.parties(nil, nil)
	if method != "direct" {
		t := pr.at(d)
		end := day(t).AddDate(0, 0, r.between(14, 35)).Add(17 * time.Hour)
		tn.TenderPeriod = &period{StartDate: ts(t), EndDate: ts(end)}
		tn.SubmissionMethod = []string{"electronicSubmission"}
		tn.Documents = pr.docs("tenderNotice", words.tenderDoc, t, "tender-notice")
		step(t, "tender")
		d = end.AddDate(0, 0, r.between(10, 40))
	}

	// 2. Award.
	awarded := map[*supplier]bool{}
	for _, s := range winners {
		awarded[s] = true
	}
	t := pr.at(d)
	nt := len(tenderers)
	tn.Status = "complete"
	tn.NumberOfTenderers = &nt
	tn.Tenderers = refs(tenderers)
	aw := award{
		ID:        p.ocid + "-award-1",
		Title:     fmt.Sprintf(words.award, title),
		Status:    "active",
		Date:      ts(t),
		Value:     pr.money(total),
		Suppliers: refs(winners),
		Items:     items,
		Documents: pr.docs("awardNotice", words.awardDoc, t, "award-1"),
	}
	if len(winners) > 1 {
		aw.Description = words.multi
	}
	pr.state.Awards = []award{aw}
	pr.state.Parties = pr.parties(tenderers, awarded)
	tags := []string{"award"}
	if method == "direct" {
		tags = []string{"tender", "award"}
	}
	step(t, tags...)
	final := &pr.state.Awards[0]

	// 2b. Cancellation: re-award to the runner-up, or withdraw.
	if cancel {
		d = day(t).AddDate(0, 0, r.between(7, 30))
		t = pr.at(d)
		reasons := cancelReasons[pr.lang]
		pr.state.Awards[0].Status = "cancelled"
		pr.state.Awards[0].Description = reasons[r.intn(len(reasons))]
		if withdraw {
			pr.state.Awards[0].Description = withdrawReasons[pr.lang]
			tn.Status = "cancelled"
			step(t, "awardCancellation", "tenderCancellation")
			return finish()
		}
		runnerUp := tenderers[1]
		awarded[runnerUp] = true
		a2 := aw
		a2.ID = p.ocid + "-award-2"
		a2.Description = ""
		a2.Date = ts(t)
		a2.Suppliers = refs([]*supplier{runnerUp})
		a2.Value = pr.money(total + total*int64(r.between(1, 8))/100) // the next bid was dearer
		a2.Documents = pr.docs("awardNotice", words.awardDoc, t, "award-2")
		pr.state.Awards = append(pr.state.Awards, a2)
		pr.state.Parties = pr.parties(tenderers, awarded)
		step(t, "awardCancellation", "award")
		final = &pr.state.Awards[1]
	}

	// 3. Contract.
	d = day(t).AddDate(0, 0, r.between(5, 20))
	t = pr.at(d)
	start := day(t).AddDate(0, 0, r.between(0, 14))
	var end time.Time
	switch prod.category {
	case "goods":
		end = start.AddDate(0, 0, r.between(30, 180))
	case "works":
		end = start.AddDate(0, 0, r.between(180, 540))
	default:
		end = start.AddDate(r.between(1, 3), 0, -1)
	}
	c := contract{
		ID:         p.ocid + "-contract-1",
		AwardID:    final.ID,
		Title:      fmt.Sprintf(words.contract, title),
		Status:     "active",
		Period:     period{StartDate: ts(start), EndDate: ts(end.Add(23*time.Hour + 59*time.Minute))},
		Value:      final.Value,
		Items:      slices.Clone(items), // amendments change quantities here only
		DateSigned: ts(t),
		Documents:  pr.docs("contractSigned", words.contractDoc, t, "contract-1"),
	}
	pr.state.Contracts = []contract{c}
	if !step(t, "contract") {
		return finish()
	}
	cur := &pr.state.Contracts[0]

	// 4. Amendments of the value.
	amendments := 0
	switch {
	case p.special != nil && p.special.amend:
		amendments = 1
	case p.special == nil && r.chance(220):
		amendments = 1
		if r.chance(250) {
			amendments = 2
		}
	}
	valueMinor := final.Value.Amount.Units() / 100
	window := int(end.Sub(start)/(24*time.Hour)) - 15
	offset := 0
	for k := 1; k <= amendments; k++ {
		offset += 30
		if window > offset {
			offset = r.between(offset, window)
		}
		t = pr.at(start.AddDate(0, 0, offset))
		old := valueMinor
		var desc string
		if it := &cur.Items[0]; prod.category == "goods" {
			// More of the first item, at the contract's unit price.
			q := it.Quantity
			it.Quantity += max(1, q*r.between(5, 30)/100)
			valueMinor += int64(it.Quantity-q) * (it.Unit.Value.Amount.Units() / 100)
			desc = fmt.Sprintf(words.qtyChanged, it.ID, q, it.Quantity, pr.money(old).Amount, pr.money(valueMinor).Amount, pr.cur)
		} else {
			valueMinor += valueMinor * int64(r.between(5, 30)) / 100
			if prod.category == "services" && r.chance(400) {
				end = end.AddDate(0, r.between(6, 12), 0)
				cur.Period.EndDate = ts(end.Add(23*time.Hour + 59*time.Minute))
			}
			desc = fmt.Sprintf(words.changed, pr.money(old).Amount, pr.money(valueMinor).Amount, pr.cur)
		}
		cur.Value = pr.money(valueMinor)
		id := pr.releaseID("contractAmendment")
		cur.Amendments = append(cur.Amendments, amendment{
			ID:              fmt.Sprintf("%s-amendment-%d", cur.ID, k),
			Date:            ts(t),
			Rationale:       amendReasons[pr.lang][prod.category],
			Description:     desc,
			AmendsReleaseID: pr.out[len(pr.out)-1].id,
			ReleaseID:       id,
		})
		if !step(t, "contractAmendment") {
			return finish()
		}
	}

	// 5. Completion of some finished contracts.
	if r.chance(450) {
		t = pr.at(end.AddDate(0, 0, r.between(1, 20)))
		cur.Status = "terminated"
		step(t, "contractTermination")
	}
	return finish()
}

// tenderID is the buyer's own reference of the procedure.
func (g *generator) tenderID(p *plan, method string) string {
	switch p.b.region {
	case regionGB:
		return fmt.Sprintf("%s/%d/%03d", p.b.code, p.year, p.seq)
	case regionMX:
		prefix := map[string]string{"open": "LA", "selective": "IR", "limited": "I3P", "direct": "AD"}[method]
		return fmt.Sprintf("%s-SSP-%03d-%d", prefix, p.seq, p.year)
	}
	prefix := map[string]string{"open": "RFP", "selective": "COOP", "limited": "RFQ", "direct": "SS"}[method]
	return fmt.Sprintf("%s %02d-%03d", prefix, p.year%100, p.seq)
}

// files groups the releases into one release package per year of release
// date, each sorted by date, ocid and release id.
func (g *generator) files(all []encodedRelease) ([]File, error) {
	byYear := map[int][]encodedRelease{}
	for _, r := range all {
		byYear[r.date.Year()] = append(byYear[r.date.Year()], r)
	}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	sort.Ints(years)
	files := make([]File, 0, len(years))
	for _, y := range years {
		rels := byYear[y]
		sort.Slice(rels, func(i, j int) bool {
			a, b := rels[i], rels[j]
			if !a.date.Equal(b.date) {
				return a.date.Before(b.date)
			}
			if a.ocid != b.ocid {
				return a.ocid < b.ocid
			}
			return a.id < b.id
		})
		name := fmt.Sprintf("demo-releases-%d.json", y)
		h := packageHeader{
			URI:           PublisherURI + "/ocds/" + name,
			Version:       "1.1",
			PublishedDate: ts(rels[len(rels)-1].date),
			Publisher:     publisher{Name: PublisherName, URI: PublisherURI},
			License:       License,
		}
		data, err := writePackage(h, rels)
		if err != nil {
			return nil, fmt.Errorf("demo file %s: %w", name, err)
		}
		files = append(files, File{Name: name, Data: data})
	}
	return files, nil
}
