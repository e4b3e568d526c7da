package match

import "strings"

// symbolTable maps abbreviations, spelling variants and translations of
// common organisation words to one canonical symbol, written by hand for
// Tenderlens. Line format: "canonical|class|variant;variant;...". Class:
//
//	g  generic organisation word: kept, but weak evidence (company, group)
//	w  ordinary word that only needs its abbreviations folded (shipping)
//	l  location or nationality: weak evidence (korea, beijing)
//
// Every variant is folded like a name token first.
const symbolTable = `
company|g|company;co;comp;cmpy;cmpny;compagnie;compania;compañia;compañía;companhia;cia;compagnia;kompanie;kompaniya;компания;компанія;kompaniia;companies;cos;회사;hoesa;公司;会社;كومباني;شركة;sirket;sirketi;şirket;şirketi;sherkat
corporation|g|corporation;corp;corpn;corpo;corporacion;corporación;corporação;corporacao;corporazione;korporatsiya;корпорация;корпорація;korporatsiia;corporations;공사;konsa
group|g|group;grp;groupe;grupo;gruppo;gruppe;groep;grupa;группа;група;hruppa;gruppa;集团;集團;그룹;jituan
holding|g|holding;holdings;hldg;hldgs;holdco;холдинг;holdinq;控股;konggu
international|g|international;intl;int'l;internat;internacional;internationale;internazionale;internationaal;international's;междунар;международный;международная;міжнародний;国际;國際;guoji;국제
trading|g|trading;trdg;trade;trading's;торговый;торговая;торговля;trading house;贸易;貿易;maoyi;무역;muyeok;muyok
enterprise|g|enterprise;enterprises;ent;entreprise;entreprises;empresa;empresas;impresa;unternehmen;предприятие;підприємство;predpriyatie;企业;企業;qiye;기업
industry|g|industry;industries;ind;inds;indus;industrial;industria;industrias;industrie;industries's;промышленный;промышленная;工业;工業;gongye;공업;산업
service|g|service;services;svc;svcs;srvc;srvcs;srvces;servs;serv;servicio;servicios;servicos;serviços;servizi;dienstleistungen;сервис;услуги
system|g|system;systems;sys;sistemas;sistema;systeme;systèmes;systemes;системы
solution|g|solution;solutions;soln;solns;soluciones;solucoes
technology|g|technology;technologies;tech;techs;techn;technol;tecnologia;tecnologias;technologie;technologies's;технологии;технология;технології;tekhnologii;科技;技术;技術;keji;jishu;기술;gisul
global|g|global;worldwide;world
general|g|general;genl;gen;generale;generales
national|g|national;natl;nat'l;nacional;nationale;nazionale;национальный;національний
development|g|development;dev;devel;devt;developement;desarrollo;developpement;entwicklung;развитие;розвитку;开发;開發;发展;發展;개발;gaebal;kaebal
management|g|management;mgmt;mgt;mngmt;управление;管理
investment|g|investment;investments;invest;inv;inversiones;investimentos;инвест;инвестиции;投资;投資;touzi;투자
association|g|association;assn;assoc;asoc;asociacion;associação;associacao;associazione;ассоциация;асоціація
associates|g|associates;assocs;assoc's
partners|g|partners;partner;ptnrs;ptnr;partnership
brothers|g|brothers;bros;brother;hermanos;hnos;frères;freres;gebruder;gebrüder
products|g|products;product;prods;prod;productos;produits;продукты
supply|g|supply;supplies;supp;suppl;suministros;supplier;suppliers;снабжение
consulting|g|consulting;consultants;consultant;consultancy;consultores;conseil;консалтинг
manufacturing|g|manufacturing;mfg;mfrs;mfr;manufacturer;manufacturers;manufactura;fabricacion;производство
engineering|g|engineering;engrg;engr;eng;engineers;ingenieria;ingénierie;инжиниринг
equipment|g|equipment;equip;eqpt;equipo;equipos;equipamentos;оборудование
communication|g|communication;communications;comm;comms;commun;comunicaciones;коммуникации
distribution|g|distribution;distributors;distributor;distrib;dist;distribuidora
center|g|center;centre;ctr;cntr;centro;zentrum;центр;中心;zhongxin;센터
bank|g|bank;bk;bnk;banco;banque;banca;bankas;банк;银行;銀行;yinhang;은행;eunhaeng;unhaeng
insurance|g|insurance;ins;insur;seguros;assurance;assurances;versicherung;страхование;страховая;保险;保險;baoxian;보험
financial|g|financial;finance;fin;finl;financiera;financiere;финанс;финансовый;金融;jinrong
shipping|w|shipping;shpg;shipg;shippg;navigation;nav;海运;海運;haiyun;해운;haeun
limited|w|limited
university|w|university;univ;universidad;universite;universität;universitat;университет;університет;大学;대학
institute|w|institute;inst;instituto;institut;институт;інститут;研究所;研究院;연구소
department|w|department;dept;dpt;departamento;departement;департамент
ministry|w|ministry;ministerio;ministère;ministere;ministerium;министерство;міністерство
laboratory|w|laboratory;laboratories;lab;labs;labo;laboratorio;laboratorios;лаборатория
pharmaceutical|w|pharmaceutical;pharmaceuticals;pharma;pharm;farmaceutica;фармацевтический
chemical|w|chemical;chemicals;chem;quimica;chimie;химический
electric|w|electric;electrical;elec;elect;electrica;électrique;электрический
electronics|w|electronics;electronic;electronica;elektronik;электроника;电子;電子;dianzi;전자
machinery|w|machinery;mach;machines;maquinaria;машиностроение
science|w|science;sciences;sci;scientific;ciencia;наука;научный
transport|w|transport;transportation;transp;trans;transporte;transportes;транспорт
construction|w|construction;constr;const;construcciones;construccion;construtora;строительство;строительная;建设;建設;jianshe;건설
mining|w|mining;mines;mine;minera;mineria;горнодобывающая;矿业;礦業;kuangye;광업
energy|w|energy;energia;energie;энергия;енергія;能源;nengyuan;에너지
petroleum|w|petroleum;petrol;petroleo;petroleos;нефть;нефтяная;石油;shiyou;석유
software|w|software;softwares;软件;軟件;ruanjian;소프트웨어
saint|w|saint;st;ste;san;santa;santo;sainte;sankt
mount|w|mount;mt;mont;monte
fort|w|fort;ft
north|w|north;nord;norte
south|w|south;sud;sur
east|w|east;est;este
west|w|west;ouest;oeste
korea|l|korea;korean;coree;corea;korei;koreya;корея;корейская;조선;한국;朝鲜;朝鮮;韩国;韓國;chosun;choson;joseon;hanguk
china|l|china;chinese;chine;кнр;китай;中国;中國;zhongguo;중국
hong kong|l|hong kong;hongkong;hk;香港;xianggang;홍콩
russia|l|russia;russian;russie;rossii;rossiya;россия;российская;россии;ru
ukraine|l|ukraine;ukrainian;ukraina;україна;украина
america|l|america;american;usa;us;amerika
beijing|l|beijing;peking;北京
shanghai|l|shanghai;上海
shenzhen|l|shenzhen;深圳
guangzhou|l|guangzhou;canton;广州;廣州
dalian|l|dalian;大连;大連
dandong|l|dandong;丹东;丹東
pyongyang|l|pyongyang;pyeongyang;평양;平壤
seoul|l|seoul;서울;首尔;首爾
moscow|l|moscow;moskva;москва;московская;московский
singapore|l|singapore;singapura;新加坡
malaysia|l|malaysia;malaysian;马来西亚
dubai|l|dubai;дубай;迪拜
asia|l|asia;asian;asiatic;pacific;asia pacific
europe|l|europe;european;europa;evropa;европа
africa|l|africa;african;afrique
`

// stopwordList are words that stay in a name but are no evidence at all
// (articles, connectors, "No." before numbers, person titles).
const stopwordList = `the;of;and;for;an;de;del;la;le;les;des;du;di;da;do;dos;das;der;die;das;den;dem;und;et;en;al;el;los;las;van;von;zu;zum;zur;at;in;on;by;to;with;
и;в;на;по;при;і;та;з;ім;им;имени;імені;
no;nr;num;number;
mr;mrs;ms;miss;dr;prof;sir;sr;sra;jr;hon;rev;col;maj;capt;sgt;mawlawi;maulawi;mullah;mulla;sheikh;shaykh;haji;hajji;qari;engr`

// symbolInfo is what the symbol table knows about one token text.
type symbolInfo struct {
	canon string
	class byte // 'g', 'w', 'l'
}

var symbols, symbolPhrases = buildSymbols()

// stopwords is the set of non-evidence words.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(stopwordList, func(r rune) bool { return r == ';' || r == '\n' }) {
		w = strings.TrimSpace(w)
		if w != "" {
			m[w] = true
		}
	}
	return m
}()

func buildSymbols() (map[string]symbolInfo, map[string][][]string) {
	m := make(map[string]symbolInfo, 800)
	phrases := map[string][][]string{}
	for _, line := range strings.Split(symbolTable, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		canon := strings.ReplaceAll(parts[0], " ", "")
		info := symbolInfo{canon: canon, class: parts[1][0]}
		for _, v := range strings.Split(parts[2], ";") {
			toks := rawTokens(v)
			switch len(toks) {
			case 0:
			case 1:
				if _, dup := m[toks[0]]; !dup {
					m[toks[0]] = info
				}
			default:
				phrases[toks[0]] = append(phrases[toks[0]], append(toks, "\x00"+canon))
			}
		}
	}
	return m, phrases
}

// cjkWords are symbol variants in scripts without spaces (科技, 贸易, 무역):
// NormalizeName cuts them out of CJK tokens. Longest first.
var cjkWords = func() []string {
	var out []string
	for k := range symbols {
		rs := []rune(k)
		if len(rs) >= 2 && runeScript(rs[0]).isCJK() {
			out = append(out, k)
		}
	}
	sortByLenDesc(out)
	return out
}()

func sortByLenDesc(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && (len(s[j]) > len(s[j-1]) || len(s[j]) == len(s[j-1]) && s[j] < s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
