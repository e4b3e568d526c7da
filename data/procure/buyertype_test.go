package procure

import (
	"strings"
	"sync"
	"testing"
)

func TestClassifyBuyer(t *testing.T) {
	const (
		E = BuyerEducation
		P = BuyerPolice
		H = BuyerHealth
		O = BuyerOther
	)
	tests := []struct {
		name  string
		hints []string
		want  BuyerType
	}{
		// English: education
		{"Shoreline School District No. 412", nil, E},
		{"Los Angeles Unified School District", nil, E},
		{"Lakeview Independent School District", nil, E},
		{"Kestrel Valley Unified School District", nil, E},
		{"Chicago Public Schools", nil, E},
		{"Board of Education of the City of Chicago", nil, E},
		{"U.S. Department of Education", nil, E},
		{"Maricopa Community Colleges", nil, E},
		{"University of Washington", nil, E},
		{"Massachusetts Institute of Technology", nil, E},
		{"Harvard Medical School", nil, E},
		{"Sunny Days Kindergarten", nil, E},
		{"Nassau BOCES", nil, E},
		{"Board of Regents of the University System", nil, E},
		{"Alder County Head Start", nil, E},
		{"Schoolcraft College", nil, E},
		{"NEW YORK CITY DEPARTMENT OF EDUCATION", nil, E},
		// English: police, sheriffs, corrections
		{"Phoenix Police", nil, P},
		{"Phoenix Police Department", nil, P},
		{"Maricopa County Sheriff's Office", nil, P},
		{"Maricopa County Sheriff’s Office", nil, P}, // typographic apostrophe
		{"MARICOPA COUNTY SHERIFFS OFFICE", nil, P},
		{"Wexmoor Constabulary", nil, P},
		{"Washington State Patrol", nil, P},
		{"California Highway Patrol", nil, P},
		{"Arizona Department of Public Safety", nil, P},
		{"Texas Department of Criminal Justice - Correctional Institutions", nil, P},
		{"Cook County Department of Corrections", nil, P},
		{"Harris County Juvenile Detention Center", nil, P},
		{"Metropolitan Police Service", nil, P},
		{"Office of the Police and Crime Commissioner", nil, P},
		{"U.S. Marshals Service", nil, P},
		{"Fire and Police Commission", nil, P},
		// Priority: police beats education and health
		{"School District Police Department", nil, P},
		{"Department of Education Police", nil, P},
		{"University of Texas Police Department", nil, P},
		{"Denver Health Police", nil, P},
		// English: health
		{"Alder County Health District", nil, H},
		{"Maricopa County Department of Public Health", nil, H},
		{"Public Health Department", nil, H},
		{"Barts Health NHS Trust", nil, H},
		{"Mayo Clinic", nil, H},
		{"St. Mary's Hospital", nil, H},
		{"University Hospital", nil, H}, // a university hospital is a hospital
		{"University of Washington Medical Center", nil, H},
		{"London Ambulance Service NHS Trust", nil, H},
		// English: other, including tricky negatives
		{"City of Port Alder", nil, O},
		{"Policy Institute", nil, O},
		{"Hospitality Services Division", nil, O},
		{"Schoolcraft County", nil, O},
		{"Collegeville Borough", nil, O},
		{"Police Pension Board", nil, O}, // a pension fund, not a police force
		{"Police and Fire Retirement System", nil, O},
		{"Schools Federal Credit Union", nil, O},
		{"Fraternal Order of Police Lodge 5", nil, O},
		{"Police Federation of England and Wales", nil, O},
		{"Glasgow Sheriff Court", nil, O},
		{"Department of Political Science", nil, O},
		{"Universal Services Inc.", nil, O},
		{"Fire Department", nil, O},
		{"Municipal Court", nil, O},
		{"The Prosecutor`s Office of the RA", nil, O},
		{"Phoenix Public Library", nil, O},
		{"Water District No. 7", nil, O},
		{"Unified Government of Wyandotte County", nil, O},
		{"", nil, O},
		// ISD/USD need a school or district word
		{"Lake Orrin ISD", nil, O},
		{"Lake Orrin ISD", []string{"School district"}, E},
		{"Lake Orrin ISD", []string{"District"}, E},
		{"Payment in USD", nil, O},
		{"City of Phoenix", []string{"USD"}, O},
		{"USD 259", []string{"Wichita district"}, E},
		// Hints count like names
		{"City of Phoenix", []string{"Department: Police"}, P},
		{"Alder County", []string{"Schools"}, E},
		{"Alder County", []string{"Hospital services"}, H},
		{"Alder County", []string{"Roads"}, O},
		{"Alder County", []string{"Police pension"}, O},
		// Spanish
		{"Policía Nacional del Paraguay", nil, P},
		{"POLICIA NACIONAL", nil, P},
		{"Secretaría de Seguridad Pública de la Ciudad de México", nil, P},
		{"Secretaría de Seguridad Ciudadana", nil, P},
		{"Carabineros de Chile", nil, P},
		{"Gendarmería Nacional Argentina", nil, P},
		{"Centro de Readaptación Social Puente Grande", nil, P},
		{"Secretaría de Educación Pública", nil, E},
		{"Universidad de Guadalajara", nil, E},
		{"Colegio de Bachilleres del Estado de Jalisco", nil, E},
		{"Escuela Secundaria Técnica No. 5", nil, E},
		{"Instituto Tecnológico de Monterrey", nil, E},
		{"Liceo Nacional de Asunción", nil, E},
		{"Secretaría de Salud", nil, H},
		{"Instituto Mexicano del Seguro Social", nil, H},
		{"ISSSTE", nil, H},
		{"Hospital Civil de Guadalajara", nil, H},
		{"Hospital Universitario Austral", nil, H},
		{"Clínica Santa María", nil, H},
		{"Fondo de Pensiones de la Policía", nil, O},
		// Ukrainian and Russian
		{"Головне управління Національної поліції в Київській області", nil, P},
		{"ГУНП в Одеській області", nil, P},
		{"Міністерство внутрішніх справ України", nil, P},
		{"МВС України", nil, P},
		{"Державна прикордонна служба України", nil, P},
		{"ГУ МВД России по г. Москве", nil, P},
		{"Полиция Московской области", nil, P},
		{"Відділ освіти Броварської міської ради", nil, E},
		{"Управління освіти Одеської міської ради", nil, E},
		{"Київська загальноосвітня школа І-ІІІ ступенів № 5", nil, E},
		{"Броварський ліцей №1", nil, E},
		{"ЗОШ №3", nil, E},
		{"Дитячий садок «Сонечко»", nil, E},
		{"Київський національний університет імені Тараса Шевченка", nil, E},
		{"Средняя общеобразовательная школа № 5", nil, E},
		{"Управление образования администрации города", nil, E},
		{"Детский сад № 7", nil, E},
		{"Комунальне некомерційне підприємство \"Київська міська клінічна лікарня №1\"", nil, H},
		{"Міністерство охорони здоров'я України", nil, H},
		{"Міністерство охорони здоровʼя України", nil, H},
		{"Городская больница №1", nil, H},
		{"Департамент здравоохранения города Москвы", nil, H},
		{"КНП \"Центр первинної медико-санітарної допомоги\"", nil, H},
		{"КНП Броварської міської ради", nil, H}, // weak: КНП alone
		{"Комунальне некомерційне підприємство \"Консультативно-діагностичний центр №2\"", nil, H},
		{"Комунальне некомерційне підприємство Броварської міської ради", nil, H},
		{"Пенсійний фонд України", nil, O},
		{"КНП \"Київський міський клінічний онкологічний центр\"", nil, H},
		{"Управління патрульної поліції в місті Києві", nil, P},
		{"Військова частина А0000", nil, O},
		{"ТОВ \"Будівельна компанія\"", nil, O},
		// Romanian
		{"Inspectoratul General al Poliției Române", nil, P},
		{"INSPECTORATUL GENERAL AL POLITIEI", nil, P},
		{"Inspectoratul General al Poliţiei", nil, P}, // cedilla variant
		{"Școala Gimnazială nr. 5 Iași", nil, E},
		{"Liceul Teoretic \"Mihai Eminescu\"", nil, E},
		{"Universitatea de Stat din Moldova", nil, E},
		{"Spitalul Clinic Republican", nil, H},
		{"IMSP Institutul Oncologic", nil, H}, // Moldova: public medical-sanitary institution
		{"I.M.S.P. INSTITUTUL MAMEI ŞI COPILULUI", nil, H},
		{"Instituția Medico-Sanitară Publică Centrul de Sănătate", nil, H},
		{"IP Gimnaziul nr. 3 Chișinău", nil, E},
		{"Direcția Generală Educație, Tineret și Sport", nil, E},
		{"Ministerul Sănătății", nil, H},
		// Chinese, Japanese
		{"臺北市政府警察局", nil, P},
		{"北京市公安局", nil, P},
		{"法務部矯正署", nil, P},
		{"國立臺灣大學", nil, E},
		{"臺北市立建國高級中學", nil, E},
		{"臺北市政府教育局", nil, E},
		{"新北市立板橋國小", nil, E},
		{"北京大学", nil, E},
		{"國立臺灣大學醫學院附設醫院", nil, H},
		{"臺北市政府衛生局", nil, H},
		{"衛生福利部", nil, H},
		{"北京协和医院", nil, H},
		{"東京大学医学部附属病院", nil, H},
		{"臺北市政府工務局", nil, O},
		// Armenian
		{"Հայաստանի Հանրապետության ոստիկանություն", nil, P},
		{"Երևանի պետական համալսարան", nil, E},
		{"Երևանի թիվ 5 դպրոց", nil, E},
		{"Սուրբ Գրիգոր Լուսավորիչ բժշկական կենտրոն", nil, H},
		{"Էրեբունի հիվանդանոց", nil, H},
		// Korean
		{"서울특별시교육청", nil, E},
		{"서울대학교", nil, E},
		{"서울지방경찰청", nil, P},
		{"서울대학교병원", nil, H},
		// French
		{"Préfecture de police", nil, P},
		{"Gendarmerie nationale", nil, P},
		{"Lycée Victor Hugo", nil, E},
		{"Collège Jean Moulin", nil, E},
		{"École normale supérieure", nil, E},
		{"Université Paris Cité", nil, E},
		{"Centre hospitalier universitaire de Rouen", nil, H},
		{"Agence régionale de santé", nil, H},
		// German
		{"Polizeipräsidium München", nil, P},
		{"Bundespolizei", nil, P},
		{"Grundschule am Park", nil, E},
		{"Technische Universität Berlin", nil, E},
		{"Universitätsklinikum Heidelberg", nil, H},
		{"Gesundheitsamt Frankfurt", nil, H},
		// Width and decomposed accents
		{"ＰＯＬＩＣＥ　ＤＥＰＡＲＴＭＥＮＴ", nil, P},
		{"Polici\u0301a Nacional", nil, P}, // i + combining acute
	}
	if len(tests) < 80 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tc := range tests {
		got := ClassifyBuyer([]string{tc.name}, tc.hints)
		if got != tc.want {
			t.Errorf("ClassifyBuyer(%q, %q) = %s, want %s", tc.name, tc.hints, got, tc.want)
		}
	}
}

func TestClassifyBuyerSeveralNames(t *testing.T) {
	tests := []struct {
		names, hints []string
		want         BuyerType
	}{
		{nil, nil, BuyerOther},
		{[]string{"Alder County", "Alder County Sheriff"}, nil, BuyerPolice},
		{[]string{"Kestrel Valley USD", "Kestrel Valley Unified School District"}, nil, BuyerEducation},
		// police > education > health across strings
		{[]string{"Kestrel Valley Unified School District"}, []string{"Police"}, BuyerPolice},
		{[]string{"Alder County Hospital"}, []string{"Education"}, BuyerEducation},
		// a vetoed string gives nothing, the others still count
		{[]string{"Police Pension Board", "City of Port Alder"}, nil, BuyerOther},
		{[]string{"Port Alder Police Department"}, []string{"Pension"}, BuyerPolice},
		// phrases never span two strings
		{[]string{"Department of Public"}, []string{"Safety"}, BuyerOther},
		// ISD context can come from another string; a vetoed string gives none
		{[]string{"Austin ISD", "Central district office"}, nil, BuyerEducation},
		{[]string{"Austin ISD"}, []string{"District retirement fund"}, BuyerOther},
	}
	for _, tc := range tests {
		if got := ClassifyBuyer(tc.names, tc.hints); got != tc.want {
			t.Errorf("ClassifyBuyer(%q, %q) = %s, want %s", tc.names, tc.hints, got, tc.want)
		}
	}
}

// TestBuyerRulesMatchThemselves checks every rule of the table: the rule's
// own text, classified alone, gives its group's type. It catches typos,
// rules that are not folded, and rules shadowed by a veto.
func TestBuyerRulesMatchThemselves(t *testing.T) {
	for _, group := range buyerRules {
		var want BuyerType
		switch {
		case group.ev&evPolice != 0:
			want = BuyerPolice
		case group.ev&evEducation != 0:
			want = BuyerEducation
		case group.ev&(evHealth|evHealthPlace|evWeakHealth) != 0:
			want = BuyerHealth
		default:
			want = BuyerOther
		}
		for _, rule := range group.rules {
			text := strings.ReplaceAll(rule, "*", "")
			if got := ClassifyBuyer([]string{text}, nil); got != want {
				t.Errorf("rule %q alone: got %s, want %s", rule, got, want)
			}
			// Upper case and surrounding words change nothing.
			if got := ClassifyBuyer([]string{"The " + strings.ToUpper(text) + " of X"}, nil); got != want {
				t.Errorf("rule %q in a sentence: got %s, want %s", rule, got, want)
			}
		}
	}
}

func TestFoldString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Policía", "policia"},
		{"Poliției", "politiei"},
		{"Poliţiei", "politiei"},
		{"Școală", "scoala"},
		{"Universität Straße", "universitat strasse"},
		{"ÉCOLE", "ecole"},
		{"Łódź", "lodz"},
		{"ПОЛІЦІЯ", "поліція"},
		{"Ёлка", "елка"},
		{"ＡＢＣ１", "abc1"},
		{"Sheriff's", "sheriff s"},
		{"здоров’я", "здоров я"},
	}
	for _, tc := range tests {
		if got := foldString(tc.in); got != tc.want {
			t.Errorf("foldString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestClassifyBuyerAllocs guards the speed promise: a call allocates nothing.
func TestClassifyBuyerAllocs(t *testing.T) {
	names := []string{"Головне управління Національної поліції", "國立臺灣大學醫學院附設醫院", "Kestrel Valley Unified School District"}
	hints := []string{"Department: Police"}
	if n := testing.AllocsPerRun(100, func() { ClassifyBuyer(names, hints) }); n != 0 {
		t.Errorf("ClassifyBuyer allocates %.1f times per call", n)
	}
}

// The classifier is shared by concurrent compiles.
func TestClassifyBuyerConcurrent(t *testing.T) {
	want := make([]BuyerType, len(benchBuyers))
	for i, n := range benchBuyers {
		want[i] = ClassifyBuyer(n, nil)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				for i, n := range benchBuyers {
					if got := ClassifyBuyer(n, nil); got != want[i] {
						t.Errorf("concurrent ClassifyBuyer(%q) = %s, want %s", n, got, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// Long inputs (a hint with a whole description) are fine and bounded.
func TestClassifyBuyerLongInput(t *testing.T) {
	long := strings.Repeat("procurement of goods and services ", 500) + "for the police"
	if got := ClassifyBuyer(nil, []string{long}); got != BuyerPolice {
		t.Errorf("long hint: got %s", got)
	}
	word := strings.Repeat("x", 1000) + " school"
	if got := ClassifyBuyer([]string{word}, nil); got != BuyerEducation {
		t.Errorf("overlong word: got %s", got)
	}
	cjk := strings.Repeat("市", 100) + "警察局"
	if got := ClassifyBuyer([]string{cjk}, nil); got != BuyerPolice {
		t.Errorf("long CJK run: got %s", got)
	}
}

var benchBuyers = [][]string{
	{"Los Angeles Unified School District"},
	{"Maricopa County Sheriff's Office"},
	{"City of Phoenix"},
	{"Alder County Public Health Department"},
	{"Головне управління Національної поліції в Київській області"},
	{"Відділ освіти Броварської міської ради"},
	{"國立臺灣大學醫學院附設醫院"},
	{"Policía Nacional del Paraguay"},
	{"Î.C.S. EYECON MEDICAL S.R.L."},
	{"Secretaría de Seguridad Pública", "SSP"},
}

// BenchmarkClassifyBuyer measures one call on a mix of real-looking buyer
// names (one or two names, one hint).
func BenchmarkClassifyBuyer(b *testing.B) {
	hints := []string{"Government"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ClassifyBuyer(benchBuyers[i%len(benchBuyers)], hints)
	}
}
