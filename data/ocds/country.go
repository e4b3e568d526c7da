package ocds

import "strings"

// countryNames maps country names as publishers write them (English and
// local languages, folded: lower case, accents removed) to ISO 3166-1
// alpha-2 codes. It covers the countries most likely to appear in
// procurement data; ISO alpha-2 and alpha-3 codes are accepted too (see
// countryCode).
var countryNames = map[string]string{}

func init() {
	for code, names := range countryTable {
		countryNames[strings.ToLower(code)] = code
		for _, n := range names {
			countryNames[foldName(n)] = code
		}
	}
	for a3, a2 := range alpha3 {
		countryNames[strings.ToLower(a3)] = a2
	}
}

// countryTable lists names per ISO alpha-2 code: English first, then local
// and common variant spellings.
var countryTable = map[string][]string{
	"AF": {"Afghanistan", "افغانستان"},
	"AL": {"Albania", "Shqipëria", "Shqipëri"},
	"AM": {"Armenia", "Republic of Armenia", "Հայաստան", "Հայաստանի Հանրապետություն", "Армения", "Hayastan"},
	"AR": {"Argentina", "República Argentina"},
	"AT": {"Austria", "Österreich"},
	"AU": {"Australia"},
	"AZ": {"Azerbaijan", "Azərbaycan"},
	"BA": {"Bosnia and Herzegovina", "Bosna i Hercegovina"},
	"BD": {"Bangladesh"},
	"BE": {"Belgium", "Belgique", "België", "Belgien"},
	"BG": {"Bulgaria", "България"},
	"BO": {"Bolivia", "Estado Plurinacional de Bolivia"},
	"BR": {"Brazil", "Brasil"},
	"BY": {"Belarus", "Беларусь"},
	"CA": {"Canada"},
	"CH": {"Switzerland", "Schweiz", "Suisse", "Svizzera"},
	"CL": {"Chile"},
	"CN": {"China", "People's Republic of China", "中国", "中華人民共和國", "中华人民共和国"},
	"CO": {"Colombia"},
	"CR": {"Costa Rica"},
	"CY": {"Cyprus", "Κύπρος", "Kıbrıs"},
	"CZ": {"Czechia", "Czech Republic", "Česko", "Česká republika"},
	"DE": {"Germany", "Deutschland"},
	"DK": {"Denmark", "Danmark"},
	"DO": {"Dominican Republic", "República Dominicana"},
	"EC": {"Ecuador"},
	"EE": {"Estonia", "Eesti"},
	"EG": {"Egypt", "مصر"},
	"ES": {"Spain", "España"},
	"FI": {"Finland", "Suomi"},
	"FR": {"France"},
	"GB": {"United Kingdom", "UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"},
	"GE": {"Georgia", "საქართველო", "Sakartvelo"},
	"GH": {"Ghana"},
	"GR": {"Greece", "Ελλάδα", "Hellas"},
	"GT": {"Guatemala"},
	"HN": {"Honduras"},
	"HR": {"Croatia", "Hrvatska"},
	"HU": {"Hungary", "Magyarország"},
	"ID": {"Indonesia"},
	"IE": {"Ireland", "Éire"},
	"IL": {"Israel", "ישראל"},
	"IN": {"India", "भारत", "Bharat"},
	"IT": {"Italy", "Italia"},
	"JP": {"Japan", "日本"},
	"KE": {"Kenya"},
	"KG": {"Kyrgyzstan", "Kyrgyz Republic", "Кыргызстан"},
	"KR": {"South Korea", "Korea, Republic of", "Republic of Korea", "대한민국", "한국"},
	"KZ": {"Kazakhstan", "Қазақстан", "Казахстан"},
	"LT": {"Lithuania", "Lietuva"},
	"LU": {"Luxembourg", "Lëtzebuerg"},
	"LV": {"Latvia", "Latvija"},
	"MD": {"Moldova", "Republic of Moldova", "Moldova, Republic of", "Republica Moldova", "Молдова"},
	"ME": {"Montenegro", "Crna Gora"},
	"MK": {"North Macedonia", "Macedonia", "Северна Македонија"},
	"MN": {"Mongolia", "Монгол Улс"},
	"MT": {"Malta"},
	"MX": {"Mexico", "México", "Estados Unidos Mexicanos", "Mexique"},
	"MY": {"Malaysia"},
	"NG": {"Nigeria"},
	"NI": {"Nicaragua"},
	"NL": {"Netherlands", "The Netherlands", "Nederland", "Holland"},
	"NO": {"Norway", "Norge", "Noreg"},
	"NP": {"Nepal", "नेपाल"},
	"NZ": {"New Zealand", "Aotearoa"},
	"PA": {"Panama", "Panamá"},
	"PE": {"Peru", "Perú"},
	"PH": {"Philippines", "Pilipinas"},
	"PK": {"Pakistan"},
	"PL": {"Poland", "Polska"},
	"PT": {"Portugal"},
	"PY": {"Paraguay", "Paraguái"},
	"RO": {"Romania", "România"},
	"RS": {"Serbia", "Србија", "Srbija"},
	"RU": {"Russia", "Russian Federation", "Россия", "Российская Федерация"},
	"RW": {"Rwanda"},
	"SE": {"Sweden", "Sverige"},
	"SI": {"Slovenia", "Slovenija"},
	"SK": {"Slovakia", "Slovensko", "Slovak Republic"},
	"SN": {"Senegal", "Sénégal"},
	"SV": {"El Salvador"},
	"TH": {"Thailand", "ประเทศไทย"},
	"TJ": {"Tajikistan", "Тоҷикистон"},
	"TR": {"Turkey", "Türkiye"},
	"TW": {"Taiwan", "臺灣", "台灣", "台湾", "Republic of China", "中華民國", "Taiwan, Province of China"},
	"TZ": {"Tanzania", "United Republic of Tanzania"},
	"UA": {"Ukraine", "Україна", "Украина", "Ukraina"},
	"UG": {"Uganda"},
	"US": {"United States", "United States of America", "USA", "U.S.A.", "U.S.", "US", "America"},
	"UY": {"Uruguay"},
	"UZ": {"Uzbekistan", "Oʻzbekiston", "Ўзбекистон"},
	"VE": {"Venezuela"},
	"VN": {"Vietnam", "Viet Nam", "Việt Nam"},
	"ZA": {"South Africa"},
	"ZM": {"Zambia"},
}

// alpha3 maps ISO alpha-3 codes of the countries above to alpha-2.
var alpha3 = map[string]string{
	"AFG": "AF", "ALB": "AL", "ARM": "AM", "ARG": "AR", "AUT": "AT", "AUS": "AU", "AZE": "AZ", "BIH": "BA",
	"BGD": "BD", "BEL": "BE", "BGR": "BG", "BOL": "BO", "BRA": "BR", "BLR": "BY", "CAN": "CA", "CHE": "CH",
	"CHL": "CL", "CHN": "CN", "COL": "CO", "CRI": "CR", "CYP": "CY", "CZE": "CZ", "DEU": "DE", "DNK": "DK",
	"DOM": "DO", "ECU": "EC", "EST": "EE", "EGY": "EG", "ESP": "ES", "FIN": "FI", "FRA": "FR", "GBR": "GB",
	"GEO": "GE", "GHA": "GH", "GRC": "GR", "GTM": "GT", "HND": "HN", "HRV": "HR", "HUN": "HU", "IDN": "ID",
	"IRL": "IE", "ISR": "IL", "IND": "IN", "ITA": "IT", "JPN": "JP", "KEN": "KE", "KGZ": "KG", "KOR": "KR",
	"KAZ": "KZ", "LTU": "LT", "LUX": "LU", "LVA": "LV", "MDA": "MD", "MNE": "ME", "MKD": "MK", "MNG": "MN",
	"MLT": "MT", "MEX": "MX", "MYS": "MY", "NGA": "NG", "NIC": "NI", "NLD": "NL", "NOR": "NO", "NPL": "NP",
	"NZL": "NZ", "PAN": "PA", "PER": "PE", "PHL": "PH", "PAK": "PK", "POL": "PL", "PRT": "PT", "PRY": "PY",
	"ROU": "RO", "SRB": "RS", "RUS": "RU", "RWA": "RW", "SWE": "SE", "SVN": "SI", "SVK": "SK", "SEN": "SN",
	"SLV": "SV", "THA": "TH", "TJK": "TJ", "TUR": "TR", "TWN": "TW", "TZA": "TZ", "UKR": "UA", "UGA": "UG",
	"USA": "US", "URY": "UY", "UZB": "UZ", "VEN": "VE", "VNM": "VN", "ZAF": "ZA", "ZMB": "ZM",
}

// foldName folds a name for table lookup: lower case, accents removed,
// punctuation other than letters/digits turned into single spaces.
func foldName(s string) string {
	f := fold(s)
	var b strings.Builder
	space := false
	for _, r := range f {
		if r == '.' || r == '\'' || r == '’' {
			continue
		}
		if r == ' ' || r == ',' || r == '-' || r == '(' || r == ')' || r == '\t' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// countryCode returns the ISO alpha-2 code of a country name or code, or "".
func countryCode(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	return countryNames[foldName(name)]
}

// isCountryCode reports a known ISO alpha-2 code (upper case).
func isCountryCode(s string) bool {
	_, ok := countryTable[s]
	return ok
}
