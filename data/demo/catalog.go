package demo

import "github.com/tenderlens/tenderlens/data/procure"

// The catalog: fictional buyers, suppliers and what they trade. Every place
// name is invented (Kestrel Valley, Lake Orrin, Sablewood, Port Alder,
// Alder County, Wexmoor, San Aurelio); every web address and e-mail is on
// the reserved .example domain; US telephone numbers are in the 555-01xx
// range reserved for fiction and UK ones in Ofcom's drama range (01632
// 960xxx). Identifiers are chosen so they cannot belong to a real
// organisation: US EINs with the prefix 00 (never issued) and Companies
// House numbers starting with 99 (far beyond any number issued).

type region string

const (
	regionUS region = "US"
	regionGB region = "GB"
	regionMX region = "MX"
)

// currencyOf is the currency buyers of a region pay in; rate converts a
// price in US cents to the region's minor units (num/den).
var currencyOf = map[region]struct {
	code     string
	num, den int64
}{
	regionUS: {"USD", 1, 1},
	regionGB: {"GBP", 4, 5},
	regionMX: {"MXN", 18, 1},
}

type address struct {
	Street     string `json:"streetAddress,omitempty"`
	Locality   string `json:"locality,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"countryName,omitempty"`
}

type contact struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	URL       string `json:"url,omitempty"`
}

type org struct {
	name      string
	legalName string // as registered, when it has an identifier
	scheme    string // org-id.guide prefix, "" when none is published
	ident     string
	addr      address
	contact   contact
}

// partyID is the OCDS party id: the qualified identifier when there is one
// (so supplier pages aggregate across buyers and publishers), else a stable
// slug of the demo prefix and the name.
func (o *org) partyID() string {
	if id, ok := procure.QualifiedID(o.scheme, o.ident); ok {
		return id
	}
	return procure.SlugID(OCIDPrefix, o.name)
}

type buyer struct {
	org
	code      string // short code in ocids
	kind      procure.BuyerType
	region    region
	language  string
	processes int // contracting processes generated for this buyer
}

type supplier struct {
	org
	regions  []region
	products []string // product keys
}

func us(street, locality, state, zip string) address {
	return address{street, locality, state, zip, "United States"}
}

func gb(street, locality, county, postcode string) address {
	return address{street, locality, county, postcode, "United Kingdom"}
}

func mx(street, locality, state, cp string) address {
	return address{street, locality, state, cp, "México"}
}

// Buyer keys used by the special (fixed) processes.
const (
	buyerLakeOrrinISD = "LOISD"
	buyerPortAlderPD  = "PAPD"
)

var buyers = []buyer{
	{org: org{name: "Kestrel Valley Unified School District",
		addr:    us("1400 Mission Oak Road", "Kestrel Valley", "CA", "95990"),
		contact: contact{"Purchasing Department", "purchasing@kvusd.example", "+1 916 555 0142", "https://www.kvusd.example"}},
		code: "KVUSD", kind: procure.BuyerEducation, region: regionUS, language: "en", processes: 40},
	{org: org{name: "Lake Orrin Independent School District",
		addr:    us("220 Bluebonnet Avenue", "Lake Orrin", "TX", "76999"),
		contact: contact{"Procurement Services", "procurement@lakeorrinisd.example", "+1 254 555 0117", "https://www.lakeorrinisd.example"}},
		code: buyerLakeOrrinISD, kind: procure.BuyerEducation, region: regionUS, language: "en", processes: 35},
	{org: org{name: "Sablewood Community School District",
		addr:    us("75 Prairie Street", "Sablewood", "IA", "52999"),
		contact: contact{"Business Office", "business.office@sablewoodschools.example", "+1 319 555 0163", "https://www.sablewoodschools.example"}},
		code: "SCSD", kind: procure.BuyerEducation, region: regionUS, language: "en", processes: 25},
	{org: org{name: "Port Alder Public Schools",
		addr:    us("3100 Harbor Heights Drive", "Port Alder", "WA", "98999"),
		contact: contact{"Contracts and Purchasing", "purchasing@portalderschools.example", "+1 360 555 0129", "https://www.portalderschools.example"}},
		code: "PAPS", kind: procure.BuyerEducation, region: regionUS, language: "en", processes: 30},
	{org: org{name: "Port Alder Police Department",
		addr:    us("501 Waterfront Way", "Port Alder", "WA", "98999"),
		contact: contact{"Fiscal and Procurement Unit", "pd.procurement@portalder.example", "+1 360 555 0151", "https://police.portalder.example"}},
		code: buyerPortAlderPD, kind: procure.BuyerPolice, region: regionUS, language: "en", processes: 35},
	{org: org{name: "Alder County Sheriff's Office",
		addr:    us("12 Courthouse Square", "Port Alder", "WA", "98998"),
		contact: contact{"Support Services Division", "sheriff.purchasing@aldercounty.example", "+1 360 555 0188", "https://sheriff.aldercounty.example"}},
		code: "ACSO", kind: procure.BuyerPolice, region: regionUS, language: "en", processes: 30},
	{org: org{name: "Kestrel Valley Police Department",
		addr:    us("88 Civic Center Plaza", "Kestrel Valley", "CA", "95990"),
		contact: contact{"Administrative Services", "kvpd.purchasing@kestrelvalley.example", "+1 916 555 0176", "https://police.kestrelvalley.example"}},
		code: "KVPD", kind: procure.BuyerPolice, region: regionUS, language: "en", processes: 25},
	{org: org{name: "Alder County Public Health Department",
		addr:    us("640 Cedar Street", "Port Alder", "WA", "98998"),
		contact: contact{"Administration", "health.procurement@aldercounty.example", "+1 360 555 0134", "https://health.aldercounty.example"}},
		code: "ACPH", kind: procure.BuyerHealth, region: regionUS, language: "en", processes: 20},
	{org: org{name: "City of Port Alder",
		addr:    us("100 City Hall Plaza", "Port Alder", "WA", "98999"),
		contact: contact{"Purchasing Division", "purchasing@portalder.example", "+1 360 555 0100", "https://www.portalder.example"}},
		code: "CPA", kind: procure.BuyerOther, region: regionUS, language: "en", processes: 25},
	{org: org{name: "Wexmoor Constabulary",
		addr:    gb("Police Headquarters, Moorgate Road", "Wexmoor", "Wexmoorshire", "WX1 4PD"),
		contact: contact{"Commercial Services", "commercial.services@wexmoor.police.example", "+44 1632 960412", "https://www.wexmoor.police.example"}},
		code: "WXC", kind: procure.BuyerPolice, region: regionGB, language: "en", processes: 20},
	{org: org{name: "Secretaría de Seguridad Pública de San Aurelio",
		addr:    mx("Avenida de la Reforma 450, Centro", "San Aurelio", "Nuevo León", "67999"),
		contact: contact{"Dirección de Adquisiciones", "adquisiciones.ssp@sanaurelio.example", "", "https://ssp.sanaurelio.example"}},
		code: "SSPSA", kind: procure.BuyerPolice, region: regionMX, language: "es", processes: 15},
}

// aprok is the vendor a later issue links to a fictional sanctioned owner;
// it sells only through the fixed processes (see specials).
const aprok = CaseSupplierName

var suppliers = []supplier{
	// United States
	{org: org{name: "Clearpath Student Systems Inc.", legalName: "CLEARPATH STUDENT SYSTEMS INC", scheme: "US-EIN", ident: "00-4817215",
		addr: us("9000 Research Boulevard, Suite 400", "Cedar Hollow", "TX", "78999")},
		regions: []region{regionUS}, products: []string{"sis", "lms"}},
	{org: org{name: "Brightboard Learning LLC",
		addr: us("31 Foundry Lane", "Millbrook", "OH", "43999")},
		regions: []region{regionUS}, products: []string{"lms", "sis"}},
	{org: org{name: "Summit Ridge Technology Partners LLC", legalName: "SUMMIT RIDGE TECHNOLOGY PARTNERS LLC", scheme: "US-EIN", ident: "00-5531904",
		addr: us("2500 Pioneer Parkway", "Granite Falls", "CO", "80999")},
		regions: []region{regionUS}, products: []string{"laptopsStudent", "laptopsStaff", "tablets", "network"}},
	{org: org{name: "Cobalt Peak Computers Inc.", legalName: "COBALT PEAK COMPUTERS INC", scheme: "US-EIN", ident: "00-6120388",
		addr: us("77 Innovation Drive", "Larkspur Bay", "CA", "94999")},
		regions: []region{regionUS}, products: []string{"laptopsStudent", "laptopsStaff", "laptopsRugged", "tablets"}},
	{org: org{name: "Netlattice Networks Inc.",
		addr: us("400 Commerce Court", "Fairhaven Springs", "NC", "27999")},
		regions: []region{regionUS}, products: []string{"network", "vpn"}},
	{org: org{name: "Safepath Content Filtering LLC",
		addr: us("18 Elm Row", "Westbury Hills", "UT", "84999")},
		regions: []region{regionUS}, products: []string{"filtering"}},
	{org: org{name: "Keystone Cipher Software Inc.", legalName: "KEYSTONE CIPHER SOFTWARE INC", scheme: "US-EIN", ident: "00-7342251",
		addr: us("1 Bastion Plaza", "Harrow Point", "VA", "22999")},
		regions: []region{regionUS}, products: []string{"vpn"}},
	{org: org{name: "Sentinel Optics Corp.", legalName: "SENTINEL OPTICS CORPORATION", scheme: "US-EIN", ident: "00-2294716",
		addr: us("5600 Lens Way", "Copper Mesa", "AZ", "85999")},
		regions: []region{regionUS, regionGB}, products: []string{"bodycam", "cctv", "alpr"}},
	{org: org{name: "Platescan Analytics LLC",
		addr: us("210 Signal Street", "Riverton Flats", "GA", "30999")},
		regions: []region{regionUS}, products: []string{"alpr"}},
	{org: org{name: "Ridgeline Biometrics Inc.", legalName: "RIDGELINE BIOMETRICS INC", scheme: "US-EIN", ident: "00-3981147",
		addr: us("48 Whorl Avenue", "Pinecrest Junction", "MN", "55999")},
		regions: []region{regionUS}, products: []string{"fingerprint"}},
	{org: org{name: aprok, legalName: "APROK VISION SYSTEMS LIMITED", scheme: "GB-COH", ident: "99417723",
		addr: gb("Unit 4, Fenbridge Technology Park", "Marrowby", "Wexmoorshire", "WX9 2AV")},
		regions: nil, products: nil}, // sells only in the fixed processes
	{org: org{name: "Northgate Identity Solutions Inc.", legalName: "NORTHGATE IDENTITY SOLUTIONS INC", scheme: "US-EIN", ident: "00-8865120",
		addr: us("700 Meridian Tower", "Bellhaven", "IL", "60999")},
		regions: []region{regionUS}, products: []string{"facerec"}},
	{org: org{name: "Campusgate Visitor Systems LLC",
		addr: us("15 Registry Road", "Oakmont Glen", "FL", "32999")},
		regions: []region{regionUS}, products: []string{"visitor"}},
	{org: org{name: "Tallgrass Bus Sales LLC", legalName: "TALLGRASS BUS SALES LLC", scheme: "US-EIN", ident: "00-1457390",
		addr: us("3300 Highway 9 East", "Prairie Bend", "KS", "66999")},
		regions: []region{regionUS}, products: []string{"buses"}},
	{org: org{name: "Harvest Table Food Services Inc.", legalName: "HARVEST TABLE FOOD SERVICES INC", scheme: "US-EIN", ident: "00-6678012",
		addr: us("900 Orchard Road", "Maple Hollow", "WI", "53999")},
		regions: []region{regionUS}, products: []string{"food"}},
	{org: org{name: "Prairie Fresh Produce Co.",
		addr: us("12 Market Row", "Sablewood", "IA", "52999")},
		regions: []region{regionUS}, products: []string{"food"}},
	{org: org{name: "Bluewave Radio Communications Inc.", legalName: "BLUEWAVE RADIO COMMUNICATIONS INC", scheme: "US-EIN", ident: "00-2750933",
		addr: us("60 Tower Hill Road", "Eastlake Crossing", "OR", "97999")},
		regions: []region{regionUS}, products: []string{"radios"}},
	{org: org{name: "Ironhorse Fleet Upfitters LLC",
		addr: us("4400 Depot Street", "Port Alder", "WA", "98999")},
		regions: []region{regionUS}, products: []string{"patrol", "fleet"}},
	{org: org{name: "Lakeshore Motors Fleet Sales Inc.", legalName: "LAKESHORE MOTORS FLEET SALES INC", scheme: "US-EIN", ident: "00-5013876",
		addr: us("1200 Lakeshore Drive", "Kestrel Valley", "CA", "95990")},
		regions: []region{regionUS}, products: []string{"patrol", "fleet"}},
	{org: org{name: "Oakline School Furniture Corp.", legalName: "OAKLINE SCHOOL FURNITURE CORPORATION", scheme: "US-EIN", ident: "00-3329564",
		addr: us("8 Joinery Way", "Hickory Ridge", "NC", "28999")},
		regions: []region{regionUS}, products: []string{"furnitureClass", "furnitureOffice"}},
	{org: org{name: "Meridian Office Interiors LLC",
		addr: us("2750 Commerce Loop", "Bellhaven", "IL", "60999")},
		regions: []region{regionUS}, products: []string{"furnitureOffice", "furnitureClass"}},
	{org: org{name: "Granite Shield Body Armor Inc.", legalName: "GRANITE SHIELD BODY ARMOR INC", scheme: "US-EIN", ident: "00-9042275",
		addr: us("16 Kevlar Court", "Stonebridge", "PA", "19999")},
		regions: []region{regionUS}, products: []string{"armor"}},
	{org: org{name: "Tri-County Uniform Co.",
		addr: us("402 Main Street", "Kestrel Valley", "CA", "95990")},
		regions: []region{regionUS}, products: []string{"uniforms", "armor"}},
	{org: org{name: "Hovercrest Aerial Systems LLC",
		addr: us("9 Airfield Road", "Copper Mesa", "AZ", "85999")},
		regions: []region{regionUS}, products: []string{"drones"}},
	{org: org{name: "Soundgrid Detection Inc.", legalName: "SOUNDGRID DETECTION INC", scheme: "US-EIN", ident: "00-4471068",
		addr: us("300 Acoustic Avenue", "Larkspur Bay", "CA", "94999")},
		regions: []region{regionUS}, products: []string{"gunshot"}},
	{org: org{name: "Datatrace Forensics Inc.", legalName: "DATATRACE FORENSICS INC", scheme: "US-EIN", ident: "00-8210457",
		addr: us("55 Evidence Lane", "Harrow Point", "VA", "22999")},
		regions: []region{regionUS}, products: []string{"forensics"}},
	{org: org{name: "Bluefin Public Safety Software Corp.", legalName: "BLUEFIN PUBLIC SAFETY SOFTWARE CORPORATION", scheme: "US-EIN", ident: "00-7715340",
		addr: us("1800 Dispatch Drive", "Fairhaven Springs", "NC", "27999")},
		regions: []region{regionUS}, products: []string{"rms"}},
	{org: org{name: "Halvorsen & Pike Construction Co.", legalName: "HALVORSEN & PIKE CONSTRUCTION CO", scheme: "US-EIN", ident: "00-1186423",
		addr: us("600 Builders Row", "Port Alder", "WA", "98999")},
		regions: []region{regionUS}, products: []string{"schoolWorks", "stationWorks"}},
	{org: org{name: "Cascade Ridge Builders LLC",
		addr: us("1 Quarry Road", "Eastlake Crossing", "OR", "97999")},
		regions: []region{regionUS}, products: []string{"schoolWorks", "stationWorks"}},
	{org: org{name: "Bramble Creek Medical Supply Inc.", legalName: "BRAMBLE CREEK MEDICAL SUPPLY INC", scheme: "US-EIN", ident: "00-6037719",
		addr: us("250 Apothecary Street", "Maple Hollow", "WI", "53999")},
		regions: []region{regionUS}, products: []string{"ppe", "vaccines"}},
	{org: org{name: "Cascade Vaccine Distributors LLC",
		addr: us("75 Coldchain Way", "Eastlake Crossing", "OR", "97999")},
		regions: []region{regionUS}, products: []string{"vaccines"}},
	{org: org{name: "Meadowlark Health Records Inc.", legalName: "MEADOWLARK HEALTH RECORDS INC", scheme: "US-EIN", ident: "00-2906184",
		addr: us("14 Chart Street", "Granite Falls", "CO", "80999")},
		regions: []region{regionUS}, products: []string{"ehr"}},
	{org: org{name: "Evergreen Janitorial Services LLC",
		addr: us("33 Industrial Avenue", "Port Alder", "WA", "98999")},
		regions: []region{regionUS}, products: []string{"cleaning"}},
	{org: org{name: "Brightline Facility Services Inc.", legalName: "BRIGHTLINE FACILITY SERVICES INC", scheme: "US-EIN", ident: "00-3648805",
		addr: us("500 Service Road", "Kestrel Valley", "CA", "95990")},
		regions: []region{regionUS}, products: []string{"cleaning", "ppe"}},
	// United Kingdom
	{org: org{name: "Fenwick & Rowe Communications Ltd", legalName: "FENWICK & ROWE COMMUNICATIONS LIMITED", scheme: "GB-COH", ident: "99302418",
		addr: gb("2 Beacon Court", "Marrowby", "Wexmoorshire", "WX9 3LT")},
		regions: []region{regionGB}, products: []string{"radios"}},
	{org: org{name: "Moorgate Secure Networks Ltd", legalName: "MOORGATE SECURE NETWORKS LIMITED", scheme: "GB-COH", ident: "99518840",
		addr: gb("The Old Exchange, 14 Vault Street", "Wexmoor", "Wexmoorshire", "WX2 7HE")},
		regions: []region{regionGB}, products: []string{"vpn", "network"}},
	{org: org{name: "Thistledown Fleet Services Ltd", legalName: "THISTLEDOWN FLEET SERVICES LIMITED", scheme: "GB-COH", ident: "99127765",
		addr: gb("Thistledown Works, Mill Lane", "Coldharbour", "Wexmoorshire", "WX6 1RB")},
		regions: []region{regionGB}, products: []string{"patrol", "fleet"}},
	{org: org{name: "Calder Forensic Technology Ltd", legalName: "CALDER FORENSIC TECHNOLOGY LIMITED", scheme: "GB-COH", ident: "99864301",
		addr: gb("Unit 9, Brindle Science Park", "Marrowby", "Wexmoorshire", "WX9 5QS")},
		regions: []region{regionGB}, products: []string{"fingerprint", "forensics"}},
	{org: org{name: "Hartwell Office Furniture Ltd", legalName: "HARTWELL OFFICE FURNITURE LIMITED", scheme: "GB-COH", ident: "99045592",
		addr: gb("45 Cabinet Row", "Wexmoor", "Wexmoorshire", "WX3 8DN")},
		regions: []region{regionGB}, products: []string{"furnitureOffice"}},
	{org: org{name: "Brackenfield Protective Equipment Ltd", legalName: "BRACKENFIELD PROTECTIVE EQUIPMENT LIMITED", scheme: "GB-COH", ident: "99681127",
		addr: gb("Brackenfield House, Station Road", "Coldharbour", "Wexmoorshire", "WX6 4JG")},
		regions: []region{regionGB}, products: []string{"armor", "uniforms"}},
	// Mexico
	{org: org{name: "Soluciones Tecnológicas del Bajío S.A. de C.V.",
		addr: mx("Boulevard Industrial 1200", "San Aurelio", "Nuevo León", "67999")},
		regions: []region{regionMX}, products: []string{"laptopsStaff", "radios", "vpn"}},
	{org: org{name: "Vehículos y Equipamiento Policial del Norte S.A. de C.V.",
		addr: mx("Carretera Nacional km 12", "San Aurelio", "Nuevo León", "67999")},
		regions: []region{regionMX}, products: []string{"patrol"}},
	{org: org{name: "Uniformes y Equipo Táctico Regio S.A. de C.V.",
		addr: mx("Calle Hidalgo 88", "San Aurelio", "Nuevo León", "67999")},
		regions: []region{regionMX}, products: []string{"uniforms", "armor"}},
	{org: org{name: "Videovigilancia Integral del Noreste S.A. de C.V.",
		addr: mx("Avenida Constitución 2300", "San Aurelio", "Nuevo León", "67999")},
		regions: []region{regionMX}, products: []string{"cctv", "alpr", "bodycam"}},
}

// text holds an English text and optional British and Spanish variants.
type text struct{ en, gb, es string }

func (t text) in(r region) string {
	switch {
	case r == regionGB && t.gb != "":
		return t.gb
	case r == regionMX && t.es != "":
		return t.es
	}
	return t.en
}

type classification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description"`
}

func cpv(id, desc string) classification { return classification{"CPV", id, desc} }

func unspsc(id, desc string) *classification {
	return &classification{"UNSPSC", id, desc}
}

type itemSpec struct {
	desc     text
	unit     text
	class    classification
	extra    *classification // additional classification for US buyers
	qty      [2]int          // quantity range
	price    [2]int64        // unit price range in US cents
	optional bool            // included in about half of the processes
	sameQty  bool            // same quantity as the item before
}

type product struct {
	title    text
	detail   text   // what the buyer asks for, after "for"
	category string // goods, services, works
	items    []itemSpec
	// multi: awards may go to several suppliers at once (frameworks)
	multi bool
}

var (
	uEach    = text{"each", "each", "pieza"}
	uLot     = text{"lot", "lot", "lote"}
	uYear    = text{"year", "year", "año"}
	uStudent = text{"student-year", "pupil-year", "alumno-año"}
	uUser    = text{"user-year", "user-year", "usuario-año"}
	uSeat    = text{"seat-year", "seat-year", "licencia-año"}
	uMeal    = text{"meal", "meal", "comida"}
	uCase    = text{"case", "case", "caja"}
	uCampus  = text{"campus-year", "site-year", "plantel-año"}
	uCamera  = text{"camera-year", "camera-year", "cámara-año"}
	uSet     = text{"set", "set", "juego"}
	uDose    = text{"dose", "dose", "dosis"}
	uBox     = text{"box", "box", "caja"}
	uMonth   = text{"month", "month", "mes"}
)

var products = map[string]product{
	"sis": {title: text{en: "Student information system"},
		detail: text{en: "a hosted student information system covering enrollment, attendance, grades, transcripts and a parent portal, with migration of records from the current system"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Student information system subscription (per student, per year)"}, unit: uStudent, class: cpv("48190000", "Educational software package"), qty: [2]int{2000, 24000}, price: [2]int64{700, 1400}},
			{desc: text{en: "Implementation, data migration and staff training"}, unit: uLot, class: cpv("72260000", "Software-related services"), qty: [2]int{1, 1}, price: [2]int64{2500000, 12000000}, optional: true},
		}},
	"lms": {title: text{en: "Learning management system"},
		detail: text{en: "a learning management system for course content, assignments and grading, integrated with the student information system"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Learning management system licences (per student, per year)"}, unit: uStudent, class: cpv("48190000", "Educational software package"), qty: [2]int{2000, 24000}, price: [2]int64{300, 700}},
		}},
	"laptopsStudent": {title: text{en: "Student laptops"},
		detail: text{en: "11.6-inch education laptops with management licences and a four-year warranty for one-to-one student use"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Student laptop, 11.6-inch, education edition, 4-year warranty"}, unit: uEach, class: cpv("30213100", "Portable computers"), extra: unspsc("43211503", "Notebook computers"), qty: [2]int{200, 4000}, price: [2]int64{25000, 42000}},
			{desc: text{en: "Laptop charging cart (36 units)"}, unit: uEach, class: cpv("30237000", "Parts, accessories and supplies for computers"), qty: [2]int{5, 80}, price: [2]int64{120000, 220000}, optional: true},
		}},
	"laptopsStaff": {title: text{en: "Staff laptops", es: "Equipo de cómputo portátil"},
		detail: text{en: "14-inch business laptops with docking stations for administrative staff", es: "computadoras portátiles de 14 pulgadas con estación de acoplamiento para personal administrativo"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Business laptop, 14-inch, 16 GB memory", es: "Computadora portátil de 14 pulgadas, 16 GB de memoria"}, unit: uEach, class: cpv("30213100", "Portable computers"), extra: unspsc("43211503", "Notebook computers"), qty: [2]int{30, 400}, price: [2]int64{80000, 140000}},
			{desc: text{en: "USB-C docking station", es: "Estación de acoplamiento USB-C"}, unit: uEach, class: cpv("30237000", "Parts, accessories and supplies for computers"), qty: [2]int{30, 400}, price: [2]int64{15000, 28000}, optional: true, sameQty: true},
		}},
	"laptopsRugged": {title: text{en: "Rugged laptops for patrol vehicles"},
		detail: text{en: "rugged in-vehicle laptops with vehicle docks for the mobile data terminal program"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Fully rugged laptop, 14-inch, with LTE modem"}, unit: uEach, class: cpv("30213100", "Portable computers"), extra: unspsc("43211503", "Notebook computers"), qty: [2]int{10, 120}, price: [2]int64{320000, 480000}},
			{desc: text{en: "Vehicle docking station with antenna pass-through"}, unit: uEach, class: cpv("30237000", "Parts, accessories and supplies for computers"), qty: [2]int{10, 120}, price: [2]int64{60000, 95000}, sameQty: true},
		}},
	"tablets": {title: text{en: "Student tablets"},
		detail: text{en: "tablets with protective cases and device management for early grades"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Tablet, 10-inch, with protective case"}, unit: uEach, class: cpv("30213200", "Tablet computer"), extra: unspsc("43211509", "Tablet computers"), qty: [2]int{100, 2500}, price: [2]int64{28000, 52000}},
		}},
	"network": {title: text{en: "Wireless network refresh", gb: "Network infrastructure refresh"},
		detail: text{en: "Wi-Fi 6 access points and PoE switches, installed, with five years of support", gb: "Wi-Fi 6 access points and PoE switches, installed, with five years of support"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Wi-Fi 6 access point, installed"}, unit: uEach, class: cpv("32420000", "Network equipment"), qty: [2]int{40, 900}, price: [2]int64{45000, 90000}},
			{desc: text{en: "Network switch, 48-port PoE"}, unit: uEach, class: cpv("32420000", "Network equipment"), qty: [2]int{4, 80}, price: [2]int64{250000, 600000}},
		}},
	"filtering": {title: text{en: "Web content filtering and student safety monitoring"},
		detail: text{en: "CIPA-compliant web content filtering for school devices and networks, with alerting on self-harm and threat keywords"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Content filtering and safety monitoring (per student, per year)"}, unit: uStudent, class: cpv("48730000", "Security software package"), qty: [2]int{2000, 24000}, price: [2]int64{300, 800}},
		}},
	"vpn": {title: text{en: "VPN and endpoint encryption software", gb: "VPN and endpoint encryption software", es: "Software de VPN y cifrado de equipos"},
		detail: text{en: "VPN client licences and full-disk encryption for laptops and mobile devices, with a management console", es: "licencias de cliente VPN y cifrado de disco completo para equipos portátiles y dispositivos móviles"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "VPN client licence (per user, per year)", es: "Licencia de cliente VPN (por usuario, por año)"}, unit: uUser, class: cpv("48732000", "Data security software package"), qty: [2]int{50, 1500}, price: [2]int64{4000, 9000}},
			{desc: text{en: "Full-disk encryption licence (per device)", es: "Licencia de cifrado de disco completo (por equipo)"}, unit: uEach, class: cpv("48732000", "Data security software package"), qty: [2]int{50, 1500}, price: [2]int64{2500, 6000}, optional: true},
		}},
	"bodycam": {title: text{en: "Body-worn cameras", gb: "Body-worn video cameras", es: "Cámaras corporales"},
		detail: text{en: "body-worn cameras with docking stations and cloud storage for digital evidence", gb: "body-worn video cameras with docking stations and digital evidence storage", es: "cámaras corporales con estaciones de carga y almacenamiento de evidencia digital"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Body-worn camera with mount and docking station", gb: "Body-worn video camera with mount and docking station", es: "Cámara corporal con soporte y estación de carga"}, unit: uEach, class: cpv("35125300", "Security cameras"), qty: [2]int{20, 400}, price: [2]int64{70000, 120000}},
			{desc: text{en: "Digital evidence management storage (per camera, per year)", es: "Almacenamiento de evidencia digital (por cámara, por año)"}, unit: uCamera, class: cpv("72317000", "Data storage services"), qty: [2]int{20, 400}, price: [2]int64{30000, 60000}, sameQty: true},
		}},
	"alpr": {title: text{en: "Automated license plate readers", gb: "ANPR cameras", es: "Lectores automáticos de placas vehiculares"},
		detail: text{en: "fixed and mobile automated license plate reader cameras with hosting of read data", gb: "fixed and mobile automatic number plate recognition cameras with back-office hosting", es: "cámaras fijas y móviles de lectura automática de placas con alojamiento de datos"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Fixed license plate reader camera, installed", gb: "Fixed ANPR camera, installed", es: "Cámara fija de lectura de placas, instalada"}, unit: uEach, class: cpv("35125000", "Surveillance system"), qty: [2]int{2, 30}, price: [2]int64{1500000, 2800000}},
			{desc: text{en: "Mobile license plate reader kit for patrol vehicles", gb: "Mobile ANPR kit for police vehicles", es: "Equipo móvil de lectura de placas para patrullas"}, unit: uEach, class: cpv("35125000", "Surveillance system"), qty: [2]int{1, 12}, price: [2]int64{1800000, 2600000}, optional: true},
			{desc: text{en: "Plate read hosting and analytics (annual)", gb: "ANPR back-office hosting (annual)", es: "Alojamiento y análisis de lecturas (anual)"}, unit: uYear, class: cpv("72317000", "Data storage services"), qty: [2]int{1, 3}, price: [2]int64{500000, 3000000}},
		}},
	"fingerprint": {title: text{en: "Live-scan fingerprint stations", gb: "Livescan fingerprint units"},
		detail: text{en: "live-scan fingerprint stations connected to the state identification system, and mobile fingerprint scanners", gb: "livescan fingerprint units for custody suites and mobile fingerprint scanners"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Live-scan fingerprint station", gb: "Livescan fingerprint unit for custody suite"}, unit: uEach, class: cpv("35125110", "Biometric sensors"), qty: [2]int{1, 12}, price: [2]int64{1800000, 3200000}},
			{desc: text{en: "Mobile fingerprint scanner"}, unit: uEach, class: cpv("35125110", "Biometric sensors"), qty: [2]int{5, 80}, price: [2]int64{150000, 300000}, optional: true},
		}},
	"facerec": {title: text{en: "Face recognition software"},
		detail: text{en: "face recognition software for investigative image comparison, with audit logging and training"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Face recognition investigative software licence (per seat, per year)"}, unit: uSeat, class: cpv("48730000", "Security software package"), qty: [2]int{2, 25}, price: [2]int64{600000, 1500000}},
		}},
	"cctv": {title: text{en: "Video surveillance cameras", es: "Sistema de videovigilancia"},
		detail: text{en: "IP video surveillance cameras, installed, with video management software", es: "cámaras de videovigilancia IP instaladas, con software de gestión de video"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "IP surveillance camera, installed", es: "Cámara de videovigilancia IP, instalada"}, unit: uEach, class: cpv("32323500", "Video-surveillance system"), qty: [2]int{20, 400}, price: [2]int64{60000, 180000}},
			{desc: text{en: "Video management software licence (per camera)", es: "Licencia de software de gestión de video (por cámara)"}, unit: uEach, class: cpv("48730000", "Security software package"), qty: [2]int{20, 400}, price: [2]int64{15000, 30000}, optional: true, sameQty: true},
		}},
	"visitor": {title: text{en: "Visitor management system"},
		detail: text{en: "a visitor management system that scans identification, checks visitors against sex-offender registries and prints badges at every campus entrance"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Visitor management system (per campus, per year)"}, unit: uCampus, class: cpv("35123400", "Identification badges"), qty: [2]int{5, 60}, price: [2]int64{90000, 240000}},
		}},
	"buses": {title: text{en: "School buses"},
		detail: text{en: "new Type C school buses, including wheelchair-lift units, delivered with driver training"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Type C school bus, 77 passengers"}, unit: uEach, class: cpv("34121000", "Buses and coaches"), qty: [2]int{2, 14}, price: [2]int64{11000000, 16000000}},
			{desc: text{en: "Type C school bus with wheelchair lift"}, unit: uEach, class: cpv("34121000", "Buses and coaches"), qty: [2]int{1, 4}, price: [2]int64{14000000, 18500000}, optional: true},
		}},
	"food": {title: text{en: "Cafeteria food and meal service"},
		detail: text{en: "prepared breakfast and lunch meals meeting federal school meal pattern requirements, and fresh produce deliveries"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Prepared school meal (breakfast or lunch)"}, unit: uMeal, class: cpv("15894210", "School meals"), qty: [2]int{80000, 900000}, price: [2]int64{280, 430}},
			{desc: text{en: "Fresh fruit and vegetables (per case, delivered)"}, unit: uCase, class: cpv("15300000", "Fruit, vegetables and related products"), qty: [2]int{1000, 20000}, price: [2]int64{2200, 4200}, optional: true},
		}},
	"radios": {title: text{en: "Portable radios", gb: "Digital radio terminals", es: "Radios portátiles"},
		detail: text{en: "P25 portable radios with batteries and chargers, and mobile radios for vehicles", gb: "digital handheld radio terminals with batteries and chargers, and vehicle radio terminals", es: "radios portátiles digitales con baterías y cargadores, y radios móviles para vehículos"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "P25 portable radio with battery and charger", gb: "Handheld digital radio terminal with battery and charger", es: "Radio portátil digital con batería y cargador"}, unit: uEach, class: cpv("32344280", "Portable radios"), qty: [2]int{10, 300}, price: [2]int64{350000, 720000}},
			{desc: text{en: "Mobile radio for vehicles, installed", gb: "Vehicle radio terminal, installed", es: "Radio móvil para vehículo, instalado"}, unit: uEach, class: cpv("32344210", "Radio equipment"), qty: [2]int{10, 150}, price: [2]int64{280000, 500000}, optional: true},
		}},
	"patrol": {title: text{en: "Patrol vehicles", gb: "Marked response vehicles", es: "Patrullas"},
		detail: text{en: "police-package patrol vehicles, upfitted with emergency lighting, sirens, partitions and consoles", gb: "marked response vehicles with emergency lighting, sirens and livery", es: "vehículos tipo patrulla equipados con torreta, sirena y división para detenidos"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Police-package patrol SUV", gb: "Marked response vehicle", es: "Camioneta tipo patrulla"}, unit: uEach, class: cpv("34114200", "Police cars"), qty: [2]int{4, 30}, price: [2]int64{4800000, 6200000}},
			{desc: text{en: "Upfit package: emergency lighting, siren, partition and console", gb: "Emergency lighting, siren and livery fit-out", es: "Equipamiento: torreta, sirena y división"}, unit: uSet, class: cpv("35240000", "Sirens"), qty: [2]int{4, 30}, price: [2]int64{900000, 1600000}, sameQty: true},
		}},
	"fleet": {title: text{en: "Fleet maintenance and repair"},
		detail: text{en: "scheduled maintenance and repair of the vehicle fleet, including parts and towing"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Fleet maintenance and repair services (monthly)"}, unit: uMonth, class: cpv("50110000", "Repair and maintenance services of motor vehicles and associated equipment"), qty: [2]int{12, 36}, price: [2]int64{1200000, 6000000}},
		}},
	"furnitureClass": {title: text{en: "Classroom furniture"},
		detail: text{en: "student desks, chairs and teacher workstations for new and renovated classrooms"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Student desk and chair set, adjustable height"}, unit: uSet, class: cpv("39160000", "School furniture"), qty: [2]int{150, 3000}, price: [2]int64{14000, 26000}},
			{desc: text{en: "Teacher workstation"}, unit: uEach, class: cpv("39160000", "School furniture"), qty: [2]int{6, 120}, price: [2]int64{80000, 160000}, optional: true},
		}},
	"furnitureOffice": {title: text{en: "Office furniture"},
		detail: text{en: "workstations, task chairs and storage for administrative offices"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Workstation with task chair"}, unit: uSet, class: cpv("39130000", "Office furniture"), qty: [2]int{10, 200}, price: [2]int64{90000, 210000}},
		}},
	"armor": {title: text{en: "Ballistic vests", gb: "Body armour", es: "Chalecos balísticos"},
		detail: text{en: "NIJ Level IIIA concealable ballistic vests, custom fitted, with carriers", gb: "covert body armour, individually fitted, with carriers", es: "chalecos balísticos nivel IIIA a la medida, con portaplacas"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Concealable ballistic vest, NIJ Level IIIA, with two carriers", gb: "Covert body armour with two carriers", es: "Chaleco balístico nivel IIIA con dos fundas"}, unit: uEach, class: cpv("35815100", "Bullet-proof vests"), qty: [2]int{20, 400}, price: [2]int64{65000, 110000}},
		}},
	"uniforms": {title: text{en: "Police uniforms", es: "Uniformes policiales"},
		detail: text{en: "duty uniforms, outerwear and footwear for sworn and civilian staff", es: "uniformes operativos, chamarras y calzado para el personal"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Duty uniform set (shirts, trousers, jacket)", es: "Juego de uniforme operativo (camisas, pantalones, chamarra)"}, unit: uSet, class: cpv("35811200", "Police uniforms"), qty: [2]int{50, 800}, price: [2]int64{28000, 52000}},
		}},
	"drones": {title: text{en: "Unmanned aircraft systems"},
		detail: text{en: "unmanned aircraft (drones) with thermal cameras, batteries, pilot training and fleet management software"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Drone with thermal camera and spare batteries"}, unit: uEach, class: cpv("35613000", "Unmanned aerial vehicles"), qty: [2]int{2, 15}, price: [2]int64{900000, 2400000}},
		}},
	"gunshot": {title: text{en: "Acoustic gunshot detection service"},
		detail: text{en: "an acoustic gunshot detection service covering the highest-incident neighborhoods, with alerts to dispatch"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Gunshot detection coverage (per square mile, per year)"}, unit: uYear, class: cpv("35125100", "Sensors"), qty: [2]int{2, 8}, price: [2]int64{6500000, 9500000}},
		}},
	"forensics": {title: text{en: "Mobile device forensic software", gb: "Digital forensics software"},
		detail: text{en: "mobile device forensic extraction and analysis software, with certification training for examiners", gb: "mobile device extraction and analysis software for the digital forensics unit"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Forensic extraction and analysis licence (per seat, per year)"}, unit: uSeat, class: cpv("48000000", "Software package and information systems"), qty: [2]int{2, 20}, price: [2]int64{900000, 2200000}},
		}},
	"rms": {title: text{en: "Records management and computer-aided dispatch system"},
		detail: text{en: "a hosted records management system and computer-aided dispatch, with data conversion from the current system and five years of support"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Records management and CAD subscription (annual)"}, unit: uYear, class: cpv("48810000", "Information systems"), qty: [2]int{3, 5}, price: [2]int64{18000000, 52000000}},
			{desc: text{en: "Implementation and data conversion"}, unit: uLot, class: cpv("72260000", "Software-related services"), qty: [2]int{1, 1}, price: [2]int64{12000000, 40000000}},
		}},
	"schoolWorks": {title: text{en: "Classroom building modernization"},
		detail: text{en: "modernization of a classroom building: roofing, HVAC, fire alarm, accessibility and finishes"}, category: "works",
		items: []itemSpec{
			{desc: text{en: "Classroom building modernization, lump sum"}, unit: uLot, class: cpv("45214200", "Construction work for school buildings"), qty: [2]int{1, 1}, price: [2]int64{180000000, 950000000}},
		}},
	"stationWorks": {title: text{en: "Police station renovation"},
		detail: text{en: "renovation of the police station: holding cells, evidence room, locker rooms and secure parking"}, category: "works",
		items: []itemSpec{
			{desc: text{en: "Police station renovation, lump sum"}, unit: uLot, class: cpv("45216111", "Police station construction work"), qty: [2]int{1, 1}, price: [2]int64{120000000, 600000000}},
		}},
	"cleaning": {title: text{en: "Custodial services"},
		detail: text{en: "nightly custodial and building-cleaning services for all sites, including supplies"}, category: "services", multi: true,
		items: []itemSpec{
			{desc: text{en: "Custodial services (monthly)"}, unit: uMonth, class: cpv("90911200", "Building-cleaning services"), qty: [2]int{12, 36}, price: [2]int64{2500000, 11000000}},
		}},
	"ppe": {title: text{en: "Personal protective equipment"},
		detail: text{en: "nitrile gloves, surgical masks, N95 respirators and isolation gowns, delivered monthly"}, category: "goods", multi: true,
		items: []itemSpec{
			{desc: text{en: "Nitrile examination gloves (box of 100)"}, unit: uBox, class: cpv("18143000", "Protective gear"), qty: [2]int{500, 20000}, price: [2]int64{700, 1400}},
			{desc: text{en: "N95 respirators (box of 20)"}, unit: uBox, class: cpv("18143000", "Protective gear"), qty: [2]int{200, 8000}, price: [2]int64{1800, 3600}, optional: true},
		}},
	"vaccines": {title: text{en: "Seasonal influenza vaccine"},
		detail: text{en: "seasonal influenza vaccine for community clinics, delivered cold-chain to each clinic"}, category: "goods",
		items: []itemSpec{
			{desc: text{en: "Influenza vaccine, quadrivalent (single dose)"}, unit: uDose, class: cpv("33651600", "Vaccines"), qty: [2]int{2000, 40000}, price: [2]int64{1500, 2600}},
		}},
	"ehr": {title: text{en: "Electronic health record system"},
		detail: text{en: "a hosted electronic health record system for public health clinics, with immunization registry interfaces"}, category: "services",
		items: []itemSpec{
			{desc: text{en: "Electronic health record subscription (annual)"}, unit: uYear, class: cpv("48814000", "Medical information systems"), qty: [2]int{3, 5}, price: [2]int64{15000000, 42000000}},
			{desc: text{en: "Implementation, interfaces and training"}, unit: uLot, class: cpv("72260000", "Software-related services"), qty: [2]int{1, 1}, price: [2]int64{6000000, 18000000}, optional: true},
		}},
}

// What each kind of buyer buys, with weights.
var demand = map[procure.BuyerType]map[string]int{
	procure.BuyerEducation: {"sis": 8, "lms": 5, "laptopsStudent": 14, "laptopsStaff": 3, "tablets": 6, "network": 7,
		"filtering": 5, "vpn": 2, "cctv": 6, "visitor": 5, "buses": 6, "food": 10, "radios": 3,
		"furnitureClass": 8, "furnitureOffice": 2, "schoolWorks": 4, "cleaning": 5, "ppe": 2},
	procure.BuyerPolice: {"bodycam": 10, "alpr": 7, "fingerprint": 5, "facerec": 4, "radios": 9, "patrol": 12,
		"armor": 6, "uniforms": 6, "drones": 4, "gunshot": 3, "forensics": 4, "rms": 4, "vpn": 4,
		"laptopsRugged": 4, "laptopsStaff": 2, "fleet": 5, "stationWorks": 2, "ppe": 2, "furnitureOffice": 2,
		"cctv": 2},
	procure.BuyerHealth: {"vaccines": 10, "ppe": 10, "ehr": 5, "laptopsStaff": 4, "vpn": 4, "cleaning": 5,
		"furnitureOffice": 3, "fleet": 2},
	procure.BuyerOther: {"radios": 4, "alpr": 3, "cctv": 4, "network": 5, "vpn": 4, "laptopsStaff": 5, "fleet": 8,
		"cleaning": 6, "furnitureOffice": 5, "gunshot": 2},
}
