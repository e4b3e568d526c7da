package indexer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"github.com/tenderlens/tenderlens/data/procure"
)

// A deterministic synthetic corpus for benchmarks and large tests: OCDS-like
// contracts of about 5 KB (2.5–3 KB of searchable text) in the languages of
// the real sources, with Zipf-distributed words, buyers and suppliers.

var corpusLangs = []struct {
	tag    string
	weight int
	words  []string
	sylls  []string
	cjk    bool
}{
	{"es", 35, strings.Fields(`contrato servicio servicios suministro adquisición obra obras mantenimiento hospital
		hospitales salud ministerio municipalidad equipos equipo médico médicos limpieza seguridad vigilancia
		construcción carretera camino reparación escuela escuelas educación alimentos medicamentos insumos
		licitación pública proveedor compra compras material materiales oficina computadores vehículos
		combustible transporte instalación sistema agua potable red eléctrica consultoría estudio diseño
		ejecución proyecto regional nacional comuna servicio de la del para los las con por en un una
		trabajos infraestructura arriendo software licencias capacitación mobiliario uniformes aseo`),
		strings.Fields(`ca co ta ra re mi ni ción mento dad les pre pro con tra bi lo sa no ma pa te`), false},
	{"uk", 25, strings.Fields(`закупівля послуги послуг товари роботи ремонт будівництво поточний капітальний
		лікарня лікарні школа школи освіти відділ управління міської ради державне підприємство медичне
		обладнання продукти харчування паливо бензин дизельне пальне електрична енергія газ вода послуги з
		охорони прибирання приміщень комп'ютерна техніка програмне забезпечення автомобіль запасні частини
		дорога доріг вулиці реконструкція об'єкт зерна пшениця добрива насіння канцелярські товари`),
		strings.Fields(`ко ва ні ли про ро ста ма то на ре ки ди ць ль ен ів ук ся ти`), false},
	{"en", 20, strings.Fields(`supply supplies services service works maintenance hospital hospitals health
		department county city school schools district education police sheriff equipment medical road
		roads repair construction cleaning security software licenses vehicles fuel consulting design
		project regional national public procurement contract contracts framework agreement office
		furniture computers laptops training water treatment plant electricity of the and for to in with
		by on at diagnostic imaging emergency ambulance uniforms catering food laboratory`),
		strings.Fields(`ta ron mel vis tor ex ing pre com ab un der son ly bra ston ford`), false},
	{"ro", 8, strings.Fields(`achiziționarea servicii lucrări reparație drumuri spital spitalul școala
		echipament medical dispozitive medicale produse alimentare combustibil mobilier tehnică de calcul
		consultanță proiectare întreținere curățenie pază și pentru din la cu al ministerul primăria`),
		strings.Fields(`re ți ca tu lă ri ne mo șa ță pu vi`), false},
	{"zh", 7, strings.Fields(`採購 醫院 醫療 設備 工程 服務 維護 學校 教育 道路 修繕 系統 軟體 電腦 車輛 藥品
		市立 聯合 臺北 高雄 國立 大學 清潔 保全 委託 案 標 決標 公告 財物 勞務`),
		strings.Fields(`甲 乙 丙 丁 戊 己 庚 辛 壬 癸 天 地 玄 黃`), true},
	{"ru", 5, strings.Fields(`поставка услуги работы ремонт строительство больница больницы школа
		оборудование медицинское продукты питания топливо бензин электроэнергия охрана уборка помещений
		компьютерная техника программное обеспечение автомобиль запасные части дорога реконструкция и для в на`),
		strings.Fields(`ко ва ни ли про ро ста ма то на ре ки ды ль ен ов ск ся ти`), false},
}

var corpusMethods = []string{"open", "open", "open", "selective", "limited", "direct"}
var corpusCategories = []string{"goods", "goods", "services", "works"}
var corpusCurrency = map[string]string{"es": "CLP", "uk": "UAH", "en": "GBP", "ro": "MDL", "zh": "TWD", "ru": "UAH"}
var corpusCountry = map[string]string{"es": "CL", "uk": "UA", "en": "GB", "ro": "MD", "zh": "TW", "ru": "UA"}

type corpusGen struct {
	r     *rand.Rand
	zipfW *rand.Zipf
	zipfB *rand.Zipf
	zipfS *rand.Zipf
	n     int
}

func newCorpus(seed uint64) *corpusGen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &corpusGen{
		r:     r,
		zipfW: rand.NewZipf(r, 1.07, 2, 60000),
		zipfB: rand.NewZipf(r, 1.2, 4, 4999),
		zipfS: rand.NewZipf(r, 1.1, 8, 49999),
	}
}

func (g *corpusGen) lang() int {
	n := g.r.IntN(100)
	for i, l := range corpusLangs {
		if n < l.weight {
			return i
		}
		n -= l.weight
	}
	return 0
}

// word returns a Zipf-distributed word: small ranks are real words, the
// long tail pseudo-words built from the language's syllables.
func (g *corpusGen) word(li int) string {
	l := corpusLangs[li]
	rank := int(g.zipfW.Uint64())
	if rank < len(l.words) {
		return l.words[rank]
	}
	// Deterministic pseudo-word for this rank.
	var b strings.Builder
	x := uint64(rank)*2654435761 + uint64(li)
	n := 2 + int(x%3)
	for i := 0; i < n; i++ {
		b.WriteString(l.sylls[int(x>>(8*i+3))%len(l.sylls)])
	}
	return b.String()
}

func (g *corpusGen) text(li, minW, maxW int) string {
	n := minW + g.r.IntN(maxW-minW+1)
	sep := " "
	if corpusLangs[li].cjk {
		sep = ""
	}
	words := make([]string, n)
	for i := range words {
		words[i] = g.word(li)
	}
	return strings.Join(words, sep)
}

func (g *corpusGen) party(kind string, rank int, li int) procure.PartyRef {
	l := corpusLangs[li]
	first := []rune(l.words[rank%len(l.words)])
	first[0] = unicode.ToUpper(first[0])
	name := fmt.Sprintf("%s %s %d", string(first), l.words[(rank/7)%len(l.words)], rank)
	return procure.PartyRef{ID: fmt.Sprintf("%s-%s%s-%08d", corpusCountry[l.tag], kind, strings.ToUpper(l.tag), rank), Name: name}
}

// next returns the next contract of the corpus.
func (g *corpusGen) next() procure.Contract {
	g.n++
	li := g.lang()
	l := corpusLangs[li]
	c := procure.Contract{
		OCID:     fmt.Sprintf("ocds-test%02d-%s-%07d", li, l.tag, g.n),
		Language: l.tag,
		Title:    g.text(li, 4, 12),
		Country:  corpusCountry[l.tag],
		Method:   corpusMethods[g.r.IntN(len(corpusMethods))],
		Category: corpusCategories[g.r.IntN(len(corpusCategories))],
	}
	c.Description = g.text(li, 30, 200)
	for i, n := 0, 2+g.r.IntN(7); i < n; i++ {
		c.Items = append(c.Items, g.text(li, 6, 30))
	}
	c.Buyer = g.party("B", int(g.zipfB.Uint64()), li)
	c.BuyerType = procure.BuyerTypes[g.r.IntN(len(procure.BuyerTypes))]
	for i, n := 0, 1+g.r.IntN(2); i < n; i++ {
		c.Suppliers = append(c.Suppliers, g.party("S", int(g.zipfS.Uint64()), li))
	}
	amount := math.Exp(g.r.NormFloat64()*1.6 + 11.5)
	c.Amount = procure.Money{Amount: procure.DecimalFromUnits(int64(amount * 10000)), Currency: corpusCurrency[l.tag]}
	if g.r.IntN(20) == 0 {
		c.Amount = procure.Money{}
	}
	day := g.r.IntN(11 * 365)
	c.Date = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day).Add(time.Duration(g.r.IntN(24)) * time.Hour)
	if g.r.IntN(50) == 0 {
		c.Date = time.Time{} // some publishers give no date
	}
	c.Awards = []procure.Award{{ID: "1", Title: g.text(li, 3, 8), Description: g.text(li, 10, 60), Date: c.Date, Value: c.Amount, Counted: true, Suppliers: c.Suppliers}}
	c.Classifications = []string{fmt.Sprintf("CPV:%08d", 30000000+g.r.IntN(60)*100000)}
	return c
}

func (g *corpusGen) take(n int) []procure.Contract {
	out := make([]procure.Contract, n)
	for i := range out {
		out[i] = g.next()
	}
	return out
}
