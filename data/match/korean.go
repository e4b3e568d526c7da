package match

import (
	"strings"
)

// Korean names are written in Revised Romanization in the South ("Gim
// Jeong-eun"), in McCune–Reischauer ("Kim Chŏng-ŭn") and in DPRK practice
// ("Kim Jong Un", "Ri", "Pak", "Choe"), with syllables hyphenated, spaced
// or joined. Surnames have conventional spellings that no system produces
// (Lee, Park, Choi). This file holds a hand-made surname variant table,
// Hangul romanisation in the three systems, and a "skeleton" that folds
// the systems' differences so that spellings of one name compare equal.

// koreanSurnames: Hangul (one or two syllables) and its Latin spellings,
// conventional first. Variants written as pairs (이/리, 유/류, 임/림, 양/량,
// 노/로, 나/라) share a line because the South drops the initial ㄹ the
// North keeps.
const koreanSurnameTable = `
김|Kim;Gim;Ghim;Kimm
이 리|Lee;Yi;Rhee;Ri;I;Li;Rie;Ree;Yee;Lie;Reeh;Rhie
박|Park;Pak;Bak;Bahk;Pack;Bark
최|Choi;Choe;Chwe;Choy;Chey;Chae
정|Jung;Jeong;Chung;Chong;Jong;Cheong;Joung;Jeung
강|Kang;Gang;Kahng
조|Cho;Jo;Joe;Zo;Chough
윤|Yoon;Yun;Youn
장|Jang;Chang;Jhang
임 림|Lim;Im;Rim;Yim;Leem;Lym;Limb
한|Han;Hahn
오|Oh;O;Ohe
서|Seo;Suh;So;Sur;Su;Soh
신|Shin;Sin;Shinn;Sheen
권|Kwon;Gwon;Kweon;Kwun
황|Hwang;Whang;Hoang
안|Ahn;An;Ahan
송|Song;Soung
유 류|Yoo;Yu;Ryu;Rhyu;Ryoo;Lyu;You;Yoh;Rew;Yue
전|Jeon;Jun;Chun;Chon;Jon;Cheon;Jeun
홍|Hong
고|Ko;Go;Koh;Goh;Kho
문|Moon;Mun;Mune
양 량|Yang;Ryang;Lyang
손|Son;Sohn;Shon
배|Bae;Pae;Bai;Pai;Bay
백|Baek;Paek;Paik;Baik;Back;Pack;Beak
허|Heo;Ho;Hur;Huh;Her;Hu
남|Nam
노 로|Noh;No;Roh;Ro;Rho;Nho
하|Ha;Hah
곽|Kwak;Gwak;Kwack;Kwag
성|Sung;Seong;Sohng;Song
차|Cha;Chah
주|Joo;Ju;Chu;Choo;Jou;Zoo
우|Woo;U;Wu
구|Koo;Ku;Gu;Goo
민|Min
진|Jin;Chin;Jean
지|Ji;Chi;Jee;Gee
엄|Um;Eom;Om;Uhm
채|Chae;Chai;Che;Tchai
원|Won;Weon;Wone
천|Cheon;Chun;Chon;Chen
방|Bang;Pang
공|Kong;Gong
현|Hyun;Hyon;Hyeon;Hyoun
함|Ham;Hahm
변|Byun;Pyon;Byeon;Pyun;Byon
염|Yeom;Yom;Youm;Yum
여|Yeo;Yo;Yuh;Yeoh
추|Choo;Chu;Chou
도|Do;To;Doh;Toh
소|So;Soh;Sho
석|Seok;Sok;Suk;Seuk
선|Sun;Seon;Son;Sunn
설|Seol;Sol;Sul;Seul
마|Ma
길|Gil;Kil
연|Yeon;Yon;Youn;Yun
위|Wi;Wee;We
표|Pyo;Pyoh;Pio
명|Myung;Myong;Myeong
기|Ki;Gi;Kee
반|Ban;Pan
라 나|Ra;Na;Rha;Nah;La
왕|Wang
금|Kum;Keum;Geum;Kuem
옥|Ok;Ock;Oak
육|Yuk;Ryuk;Yook;Ryook
인|In;Inn
맹|Maeng;Meng
제|Je;Che;Jae
모|Mo;Moh
탁|Tak;Tahk
국|Kook;Kuk;Guk;Gook
은|Eun;Un
편|Pyeon;Pyon;Pyun
용 룡|Yong;Ryong;Lyong
예|Ye;Yeh
봉|Bong;Pong
경|Kyung;Kyong;Gyeong;Kyeong
계|Kye;Gye;Kyeh
태|Tae;Thae;Tai
남궁|Namgung;Namkung;Namkoong
황보|Hwangbo;Hwangpo
제갈|Jegal;Chegal;Chekal
선우|Sunwoo;Seonu;Sonu;Sonwu
독고|Dokgo;Tokko;Dokko
사공|Sagong;Sakong
`

// surnameGroups maps a Latin surname spelling to the groups (table lines)
// it belongs to; hangulSurnames maps Hangul surnames to their group.
var surnameGroups, hangulSurnames, surnameSpellings = buildSurnames()

func buildSurnames() (map[string][]int, map[string]int, [][]string) {
	latin := map[string][]int{}
	hangul := map[string]int{}
	var spellings [][]string
	g := 0
	for _, line := range strings.Split(koreanSurnameTable, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 2)
		for _, h := range strings.Fields(parts[0]) {
			hangul[h] = g
		}
		var sp []string
		for _, s := range strings.Split(parts[1], ";") {
			s = strings.ToLower(s)
			sp = append(sp, s)
			latin[s] = append(latin[s], g)
		}
		spellings = append(spellings, sp)
		g++
	}
	return latin, hangul, spellings
}

// sameKoreanSurname reports whether two Latin spellings can write the same
// Korean surname (Ri/Lee/Yi, Pak/Park, Choe/Choi, Jong/Chung).
func sameKoreanSurname(a, b string) bool {
	ga, gb := surnameGroups[a], surnameGroups[b]
	for _, x := range ga {
		for _, y := range gb {
			if x == y {
				return true
			}
		}
	}
	return false
}

// Hangul syllable romanisation tables. Index order is Unicode's: 19
// initials, 21 medials, 28 finals.
var (
	hangulInitRR   = [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulInitMR   = [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t", "p", "h"}
	hangulInitDPRK = [19]string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"}
	hangulVowRR    = [21]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	hangulVowMR    = [21]string{"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"}
	hangulFinal    = [28]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

// voiced lists the MR/DPRK voicing of k, t, p, ch between voiced sounds.
var voiced = map[string]string{"k": "g", "t": "d", "p": "b", "ch": "j"}

const (
	sysRR = iota
	sysMR
	sysDPRK
)

// romanizeHangul writes a run of Hangul syllables in one system, with no
// separator between syllables. Non-syllables pass through.
func romanizeHangul(s string, sys int) string {
	var b strings.Builder
	prevFinal := -1 // final index of the previous syllable, -1 at start
	for _, r := range s {
		if r < 0xAC00 || r > 0xD7A3 {
			b.WriteRune(r)
			prevFinal = -1
			continue
		}
		n := int(r - 0xAC00)
		l, v, t := n/588, (n%588)/28, n%28
		var init, vow string
		switch sys {
		case sysRR:
			init, vow = hangulInitRR[l], hangulVowRR[v]
		case sysMR:
			init, vow = hangulInitMR[l], hangulVowMR[v]
		default:
			init, vow = hangulInitDPRK[l], hangulVowMR[v]
		}
		if sys != sysRR && prevFinal >= 0 {
			// Voicing inside a word after a vowel or a voiced final.
			pf := hangulFinal[prevFinal]
			if pf == "" || pf == "n" || pf == "m" || pf == "ng" || pf == "l" {
				if vv, ok := voiced[init]; ok && (sys == sysMR || init != "ch") {
					init = vv
				}
			}
		}
		b.WriteString(init)
		b.WriteString(vow)
		b.WriteString(hangulFinal[t])
		prevFinal = t
	}
	return b.String()
}

// hangulSyllables splits a Hangul string into its syllables, romanised
// in sys, one per element.
func hangulSyllables(s string, sys int) []string {
	var out []string
	for _, r := range s {
		out = append(out, romanizeHangul(string(r), sys))
	}
	return out
}

// koreanSkeleton folds a romanised Korean syllable string so that RR, MR and
// DPRK spellings of one name become equal: voicing (k/g, t/d, p/b, ch/j),
// aspiration marks, eo/o/u/eu (spelt interchangeably in practice: Chol,
// Cheol, Chul), oo/u, ee/i, r/l and doubled letters.
func koreanSkeleton(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "tch"):
			b = append(b, 'j')
			i += 2
			continue
		case strings.HasPrefix(rest, "ch"), strings.HasPrefix(rest, "jj"):
			b = append(b, 'j')
			i++
			continue
		case strings.HasPrefix(rest, "sh"), strings.HasPrefix(rest, "ss"):
			b = append(b, 's')
			i++
			continue
		case strings.HasPrefix(rest, "kh"), strings.HasPrefix(rest, "kk"), strings.HasPrefix(rest, "gg"):
			b = append(b, 'k')
			i++
			continue
		case strings.HasPrefix(rest, "th"), strings.HasPrefix(rest, "tt"):
			b = append(b, 't')
			i++
			continue
		case strings.HasPrefix(rest, "ph"), strings.HasPrefix(rest, "pp"), strings.HasPrefix(rest, "bb"):
			b = append(b, 'p')
			i++
			continue
		case strings.HasPrefix(rest, "eo"):
			b = append(b, 'o')
			i++
			continue
		case strings.HasPrefix(rest, "eu"):
			b = append(b, 'u')
			i++
			continue
		case strings.HasPrefix(rest, "oo"), strings.HasPrefix(rest, "ou"):
			b = append(b, 'u')
			i++
			continue
		case strings.HasPrefix(rest, "ee"):
			b = append(b, 'i')
			i++
			continue
		case strings.HasPrefix(rest, "oi"):
			b = append(b, 'o', 'e')
			i++
			continue
		}
		switch c {
		case 'u':
			c = 'o' // ㅓ/ㅗ/ㅜ/ㅡ blur in practice: Chol/Chul, Jong/Jung
		case 'g':
			c = 'k'
		case 'd':
			c = 't'
		case 'b':
			c = 'p'
		case 'r':
			c = 'l'
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// Romanised Korean syllable inventory, for recognising Latin tokens that
// can be Korean ("jongun", "ho", "chol"). Longest alternatives first.
var (
	krOnsets = []string{"tch", "ch", "kk", "gg", "kh", "tt", "th", "pp", "ph", "bb", "ss", "sh", "jj", "g", "k", "n", "d", "t", "r", "l", "m", "b", "p", "s", "j", "h", ""}
	krNuclei = []string{"yae", "yeo", "wae", "weo", "ae", "ya", "eo", "ye", "wa", "oe", "oi", "yo", "wo", "we", "wi", "yu", "eu", "ui", "ee", "oo", "ou", "a", "o", "e", "u", "i"}
	krCodas  = []string{"ng", "k", "g", "n", "t", "d", "l", "r", "m", "p", "b", ""}
)

// parsesAsKorean reports whether a lower-case ASCII token can be segmented
// into one to four romanised Korean syllables, or is a known surname
// spelling.
func parsesAsKorean(tok string) bool {
	if len(tok) == 0 || len(tok) > 14 {
		return false
	}
	if _, ok := surnameGroups[tok]; ok {
		return true
	}
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c < 'a' || c > 'z', c == 'f', c == 'q', c == 'v', c == 'x', c == 'z':
			return false
		case c == 'c' && (i+1 >= len(tok) || tok[i+1] != 'h'):
			return false
		}
	}
	return krSegment(tok, 0)
}

func krSegment(s string, depth int) bool {
	if s == "" {
		return depth > 0
	}
	if depth >= 4 {
		return false
	}
	for _, on := range krOnsets {
		if !strings.HasPrefix(s, on) {
			continue
		}
		r1 := s[len(on):]
		for _, nu := range krNuclei {
			if !strings.HasPrefix(r1, nu) {
				continue
			}
			r2 := r1[len(nu):]
			for _, co := range krCodas {
				if strings.HasPrefix(r2, co) && krSegment(r2[len(co):], depth+1) {
					return true
				}
			}
		}
	}
	return false
}

// hangulNameVariants returns ASCII spellings of a Hangul token: for a
// surname token its conventional spellings; otherwise the RR, MR and DPRK
// romanisations (syllables joined).
func hangulNameVariants(tok string, surname bool) []string {
	if surname {
		if g, ok := hangulSurnames[tok]; ok {
			return append([]string(nil), surnameSpellings[g]...)
		}
	}
	var out []string
	for _, sys := range []int{sysRR, sysMR, sysDPRK} {
		out = appendUnique(out, romanizeHangul(tok, sys))
	}
	return out
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// splitHangulPersonName splits "김정은" into surname "김" and given name
// "정은" when the first one or two syllables are a known surname.
func splitHangulPersonName(tok string) (surname, given string, ok bool) {
	rs := []rune(tok)
	if len(rs) < 2 || len(rs) > 4 {
		return "", "", false
	}
	for _, r := range rs {
		if r < 0xAC00 || r > 0xD7A3 {
			return "", "", false
		}
	}
	if len(rs) >= 3 {
		if _, ok := hangulSurnames[string(rs[:2])]; ok {
			return string(rs[:2]), string(rs[2:]), true
		}
	}
	if _, ok := hangulSurnames[string(rs[:1])]; ok {
		return string(rs[:1]), string(rs[1:]), true
	}
	return "", "", false
}
