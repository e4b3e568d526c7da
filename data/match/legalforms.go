package match

import (
	"strings"
)

// legalFormTable lists company and organisation legal forms, written by hand
// for Tenderlens (not copied from any reference file). One entry a line:
//
//	DISPLAY | GENERIC | FLAGS | alias; alias; ...
//
// DISPLAY is the tag returned to callers (and an alias itself). GENERIC is
// the cross-country type: LLC (limited liability), JSC (joint-stock / public
// company), LP (limited partnership), LLP, GP (general partnership), SP
// (sole proprietor), COOP, NGO, SOE (state-owned), JV. FLAGS "e" marks an
// ambiguous short alias set that is only recognised at the end of a name
// that keeps another word ("AS", "SA", "AG"); "s" also allows the
// start of the name ("PT Bank Mandiri").
//
// Aliases are matched after the same normalisation as names (case folded,
// diacritics removed, punctuation dropped, initials joined), so "L.L.C.",
// "L L C" and "llc" are one alias.
const legalFormTable = `
LLC|LLC||LLC;Limited Liability Company;Limited Liability Co;Ltd Liability Company;Ltd Liability Co;Limited Liability Corporation;Limited Liability Corp;LLCs;Foreign Limited Liability Company
PLLC|LLC||PLLC;Professional Limited Liability Company
Inc|LLC||Inc;Incorporated;Incorporation;Incorp;Incorporee;Incorporado;Incs
Ltd|LLC||Ltd;Limited;Ltd Co;Limited Company;Ltds;Lmtd;Limitee;Private Limited Company;Private Company Limited by Shares;Limited by Shares;Limited by Guarantee;Company Limited by Guarantee;Limited Co;Private Limited Liability Company;Private Company with Limited Liability;Cyfyngedig;Cyf;Частная компания с ответственностью;Частная компания с ответственностью ограниченной акциями;Single Member Private Limited Company;Limited Liability Comp
Co Ltd|LLC||Co Ltd;Company Limited;Co Limited;Coltd;Corp Ltd;Corporation Limited
Pvt Ltd|LLC||Pvt Ltd;Private Limited;Pvt Limited;P Ltd;Pvt
Pty Ltd|LLC||Pty Ltd;Pty Limited;Proprietary Limited;Proprietary Limited Company;Pty;Proprietary;Proprietary Ltd
Pte Ltd|LLC||Pte Ltd;Pte Limited;Pte
Sdn Bhd|LLC||Sdn Bhd;Sendirian Berhad;Sdn Berhad;Sdn
Bhd|JSC||Bhd;Berhad
PLC|JSC||PLC;Public Limited Company;Public Ltd Co;Public Limited;Public Company Limited;Public Co Ltd;Public Ltd Company;PCL;Public Limited Corporation;PLC Ltd;PLC Company;PLCs;Public Limited Company;P L Co;Public Limited Corporation;Publicly Limited Company
LLP|LLP||LLP;Limited Liability Partnership
LLLP|LP||LLLP;Limited Liability Limited Partnership
LP|LP|e|LP;Limited Partnership;ILP;Incorporated Limited Partnership;Limited Partnerships
GP|GP|e|General Partnership
Ultd|SP||Unlimited;Unlimited Company;Ultd;Unlimited Proprietary;Unltd
Co-op|COOP||Cooperative;Co-operative;Coop;Co-op;Cooperativa;Cooperative Society;Cooperatief;Cooperatie;Kooperativ;Kooperatif;Spoldzielnia;Sociedad Cooperativa;Societe Cooperative;Scop;Kooperatsiya;Andelslag;Andelslag med Begraenset Ansvar;Anl;Cooperatif;Cooperatsia;Кооперация;Spoldzielni;Ekonomisk Forening;Ek For;Economisch Samenwerkingsverband;ESV;Hop Tac Xa;HTX;Kooperatif Sirket;Koop;Szovetkezet;Szov;Societe Cooperative de Production;Sociedad de Garantia Reciproca;SGR;Gensidigt Selskab;Cooperatieve Vennootschap met Onbeperkte Aansprakelijkheid;Evropeysko Kooperativno Druzhestvo;Европейско кооперативно дружество;ЕКД
JV|JV|e|Joint Venture;JV
CIC|NGO||CIC;Community Interest Company
NPO|NGO||NPO;Non-profit Organization;Non-profit Organisation;Nonprofit Organization;Not-for-profit Organization;NGO;Non-governmental Organization;Non-governmental Organisation;ONG;Organisation Non Gouvernementale;Organizacion No Gubernamental
JSC|JSC||JSC;Joint Stock Company;Joint-stock Company;Joint Stock Co;JS Co;Jt Stock Co;Joint Stock Corporation;Joint Stock Corp;JSCo;JointStock Company;JSC Company;J Stock Company;Joint Stock Compan;Joint Stock Companie
PJSC|JSC||PJSC;Public Joint Stock Company;Public Joint-stock Company;Public JSC;Public Stock Company;Javno Dionicko Drustvo;Javna Delniska Druzba;Viesoji Akcine Bendrove;Публично акционерно дружество;Sociedade Publica por Acoes;Societatea Publica pe Actiuni;Societe Publique par Actions
OJSC|JSC||OJSC;Open Joint Stock Company;Open Joint-stock Company;Open JSC;O Joint Stock Co;Open Joint Stock Co;Vennootschap op Aandelen;Openbare Vennootschap op Aandelen;Societe par Actions;Sociedade por Acoes Aberta;Offene Aktiengesellschaft;Verejna Akciova Spolocnost;Verejna Akciova Spolecnost;Otwarta Spolka Akcyjna;Atviroji Akcine Bendrove;Avatud Aktsiaselts;Avoin Osakeyhtio
CJSC|JSC||CJSC;Closed Joint Stock Company;Closed Joint-stock Company;Closed JSC
JSCB|JSC||JSCB;Joint Stock Commercial Bank;Joint-stock Commercial Bank;Joint Stock Bank;PJSCB
SOE|SOE||State Owned Enterprise;State-owned Enterprise;SOE;State Unitary Enterprise;Federal State Unitary Enterprise;FSUE;Unitary Enterprise;Federal State Budgetary Institution;State Enterprise;Public Enterprise;Empresa Publica;Empresa del Estado;Sociedad del Estado;State Corporation
GmbH|LLC||GmbH;Gesellschaft mit beschrankter Haftung;Gesellschaft mit beschraenkter Haftung;Gesellschaft mbH;mbH;GesmbH;Ges mbH;Gesellschaft mit beschr Haftung;GmbHs;Ges mit beschrankter Haftung;mit beschrankter Haftung;Gesellsch mbH;гмбх;ГмбХ
gGmbH|LLC||gGmbH;gemeinnutzige GmbH;gemeinnuetzige GmbH;gemeinnutzige Gesellschaft mit beschrankter Haftung;gUG;gUG haftungsbeschrankt;gemeinnutzige UG;gemeinnutzige UG haftungsbeschrankt;gemeinnutzige Unternehmergesellschaft;gemeinnutzige Unternehmergesellschaft haftungsbeschrankt
UG|LLC|e|UG;UG haftungsbeschrankt;Unternehmergesellschaft;Unternehmergesellschaft haftungsbeschrankt;UG hb;UG haftungsbeschr;Unternehmerges;Unternehmerges haftungsbeschrankt
AG|JSC|e|AG;Aktiengesellschaft;Aktien Gesellschaft;Aktienges;AktG;AGs;AG Societe Anonyme
gAG|JSC||gAG;gemeinnutzige AG;gemeinnutzige Aktiengesellschaft
SE|JSC|e|Societas Europaea;Europaische Gesellschaft;Europaische Aktiengesellschaft
KG|LP|e|KG;Kommanditgesellschaft;Kommandit Gesellschaft
KGaA|LP||KGaA;Kommanditgesellschaft auf Aktien
GmbH & Co KG|LP||GmbH & Co KG;GmbH und Co KG;GmbH u Co KG;GmbH & Co;mbH & Co KG;Gesellschaft mit beschrankter Haftung & Co KG;AG & Co KG;UG & Co KG;UG haftungsbeschrankt & Co KG;SE & Co KG;Ltd & Co KG;BV & Co KG;Stiftung & Co KG;GmbH & Co KGaA;AG & Co KGaA;SE & Co KGaA;eG & Co KG;Gesellschaft mbH & Co KG;гмбх енд ко кг;Unternehmergesellschaft & Co KG;Unternehmergesellschaft haftungsbeschrankt & Co KG;AG und Co KG;Aktiengesellschaft & Co KG;Europaische Gesellschaft & Co KG;Societas Europaea & Co KG;Stiftung und Co KG;eingetragene Genossenschaft & Co KG;Genossenschaft & Co KG;Europaische Gesellschaft & Co KGaA;Societas Europaea & Co KGaA;Gesellschaft mit beschrankter Haftung & Co KGaA;Limited & Co KG;mbH u Co KG;mbH und Co KG;Aktiengesellschaft & Co KGaA;Stiftung & Co KGaA
OHG|GP||OHG;Offene Handelsgesellschaft;GmbH & Co OHG;UG & Co OHG;Offene Handels-Gesellschaft;Gesellschaft mit beschrankter Haftung & Co OHG;UG haftungsbeschrankt & Co OHG
GbR|GP||GbR;Gesellschaft burgerlichen Rechts;Gesellschaft des burgerlichen Rechts;BGB-Gesellschaft;eGbR;eingetragene GbR;GesbR;eingetragene Gesellschaft burgerlichen Rechts;eingetragene Gesellschaft des burgerlichen Rechts;Ges burgerlichen Rechts;Kommanditerwerbsgesellschaft;keG
PartG|GP||PartG;Partnerschaftsgesellschaft;Partnerschaft
PartG mbB|LLP||PartG mbB;PartGmbB;Partnerschaftsgesellschaft mbB;Partnerschaft mbB;mbB;Partnerschaftsgesellschaft mit beschrankter Berufshaftung;Part mbB;PartmbB;Partnerschaft mit beschrankter Berufshaftung
eG|COOP|e|eG;eingetragene Genossenschaft;Genossenschaft;eGen
e.K.|SP||eK;eingetragener Kaufmann;eingetragene Kauffrau;eKfm;eKfr;eingetr Kaufmann;Kfm;Kfr
e.V.|NGO||eV;eingetragener Verein
Stiftung|NGO||Stiftung;gemeinnutzige Stiftung;rechtsfahige Stiftung
AoR|SOE||AoR;Anstalt des offentlichen Rechts;KdoR;Korperschaft des offentlichen Rechts
VVaG|COOP||VVaG;Versicherungsverein auf Gegenseitigkeit;Versicherungsverein aG
SCE|COOP||SCE;Societas Cooperativa Europaea;Europaische Genossenschaft
EEIG|COOP||EEIG;European Economic Interest Grouping;EWIV;Europaische wirtschaftliche Interessenvereinigung;GIE;Groupement d'interet economique
SARL|LLC||SARL;Societe a Responsabilite Limitee;Societe a Resp Limitee;SaRL;SARLU;Sociedade Anonima de Responsabilidade Limitada
EURL|LLC||EURL;Entreprise Unipersonnelle a Responsabilite Limitee
SAS|LLC|e|SAS;Societe par Actions Simplifiee;SASU;Societe par Actions Simplifiee Unipersonnelle;Sociedad por Acciones Simplificada;Sociedades por Acciones Simplificada
SPRL|LLC||SPRL;Societe Privee a Responsabilite Limitee;Societe Privee a Responsabilite Limitee Unipersonnelle
SA|JSC|e|SA;Societe Anonyme;Sociedad Anonima;Sociedade Anonima;Societa Anonima;Societat Anonima;Societate Anonima;Societate pe Actiuni;Societatea pe Actiuni;Sociedad Anonima Unipersonal;SAU;SAD;Sociedad Anonima Deportiva
SA de CV|JSC||SA de CV;Sociedad Anonima de Capital Variable;SACV;SAdeCV;SAB de CV;Sociedad Anonima Bursatil de Capital Variable;Soc Anon de Cap Var
SAPI de CV|JSC||SAPI de CV;SAPI;Sociedad Anonima Promotora de Inversion de Capital Variable;Sociedad Anonima Promotora de Inversion;Soc Anon Prom de Inv de Cap Var;SA PI de CV
S de RL de CV|LLC||S de RL de CV;Sociedad de Responsabilidad Limitada de Capital Variable;SRL de CV;S de RL
SNC|GP||SNC;Societe en Nom Collectif;Societa in Nome Collettivo
SCS|LP||SCS;Societe en Commandite Simple;Sociedad en Comandita Simple;SeCS;S en C;Sociedad en Comandita;Comandita Simple;Societa in Accomandita Semplice;SCA;Societe en Commandite par Actions;Sociedad en Comandita por Acciones;Comandita por Acciones;SCpA;Sapa;Societa in Accomandita per Azioni;Sociedad Comanditaria;Scra;ShK;Shoqeri Komandite;Sociedad de Capital e Industria;SCeI;Komanditno Drustvo;Командитно друштво;Командитно дружество;КД;Limited Ortaklik;Komanditsabiedriba;Л П;Tokumei Kumiai;匿名組合;Gewone Commanditaire Vennootschap;Comm V;Comm VA
SC|GP|e|Sociedad Colectiva;Sociedad Civil
EI|SP|e|Entreprise Individuelle;EIRL;Entreprise Individuelle a Responsabilite Limitee;Empresa Individual de Responsabilidad Limitada;EIRELI;Empresa Individual de Responsabilidade Limitada;Empresa Unipersonal;Empresario Individual;Sole Proprietorship;Sole Proprietor;Sole Trader;Samostalni Preduzetnik;s p;Intreprindere Individuala;Intreprinderea Individuala;Intreprinzator Individual;Egyeni Vallalkozo;Egyeni Ceg;Eingetragenes Einzelunternehmen;Obiteljsko Poljoprivredno Gospodarstvo;OPG;Oilaviy Korxona;Оилавий корхона
SL|LLC|e|SL;Sociedad Limitada;SLU;Sociedad Limitada Unipersonal;SLL;Sociedad Limitada Laboral;SLNE;Sociedad Limitada Nueva Empresa
SRL|LLC||SRL;Sociedad de Responsabilidad Limitada;Societa a Responsabilita Limitata;Societate cu Raspundere Limitata;Societatea cu Raspundere Limitata;SRLS;Societa a Responsabilita Limitata Semplificata;Srl;Societate cu Responsabilitate Limitata;Societatea cu Responsabilitate Limitata
Ltda|LLC||Ltda;Limitada;Lda;Sociedade Limitada;Sociedade por Quotas;Sociedade Unipessoal;Cia Ltda;Compania Limitada;Companhia Limitada
SAC|JSC|e|SAC;Sociedad Anonima Cerrada;SAA;Sociedad Anonima Abierta;SACI;SACIF;Sociedad Anonima Comercial Industrial y Financiera;SACI y F;SACIFI;SACIFI y A;SAICA;Sociedad Anonima Comercial Industrial Financiera e Inmobiliaria;Sociedad Anonima Comercial Industrial Financiera Inmobiliaria y Agropecuaria;Sociedades Anonimas Inscritas de Capital Abierto;Compania por Acciones;C por A;Sociedad Anonima Omanaise Close;SAOC;SAOG;Societe Anonyme Omanaise Close;Societe Anonyme Omanaise Generale
C.A.|JSC|e|Compania Anonima
SpA|JSC|e|SpA;Societa per Azioni;Sociedad por Acciones;Sociedade por Acoes;Companhia Aberta;Companhia Fechada
BV|LLC||BV;Besloten Vennootschap;Besloten Vennootschap met Beperkte Aansprakelijkheid;BVBA;Vennootschap met Beperkte Aansprakelijkheid;BVBA Eenpersoons;Besl Vennootschap;B Vennootschap;Eenpersoons Besloten Vennootschap met Beperkte Aansprakelijkheid;Eenpersoons BVBA
NV|JSC|e|NV;Naamloze Vennootschap;N Vennootschap;Naaml Vennootschap
VOF|GP||VOF;Vennootschap onder Firma
CV|LP|e|CV;Commanditaire Vennootschap;Commanditaire Vennootschap op Aandelen;CVA
CVBA|COOP||CVBA;Cooperatieve Vennootschap met Beperkte Aansprakelijkheid;CVOA;Cooperatieve Vennootschap
VZW|NGO||VZW;Vereniging zonder Winstoogmerk;ASBL;Association sans But Lucratif;AISBL;Association Internationale sans But Lucratif
AB|JSC|e|AB;Aktiebolag;Aktiebolaget;Publikt Aktiebolag;Publ;ABp;Akcine Bendrove
AS|JSC|e|AS;A/S;Aksjeselskap;Aktieselskab;Aktieselskabet;Aktsiaselts;Akciju Sabiedriba;Akciova Spolecnost;Akciova Spolocnost;as;Det Offentligretlige Aktieselskab;Aandelenvennootschap;Akc Spolecnost;A Spolecnost
ASA|JSC|e|ASA;Allmennaksjeselskap
ApS|LLC||ApS;Anpartsselskab;IVS;Ivaerksaetterselskab;Amba;Andelsselskab med Begraenset Ansvar;Smba;Selskab med Begraenset Ansvar
I/S|GP|e|I/S;Interessentskab;HB;Handelsbolag;Avoin Yhtio;Ay;Taisuhing;Sameignarfelag;Kozkereseti Tarsasag;Kkt;Verejna Obchodni Spolecnost;VOS;Ortacko Drustvo;Kolektif Sirket;Kollektif Sirket;Kollektif Sirketi;Полное товарищество;ПТ;Egyszeru Tarsasag;Koll Sti;Kollektif Sti
K/S|LP|e|K/S;Kommanditselskab;KB;Kommanditbolag;Kommandiittiyhtio;Ky;Komandidi Spolecnost;Komanditni Spolecnost;Komandidna Spolocnost;Komanditna Spolocnost;Komanditno Drustvo;KD;Komandit Sirket;Komandit Sirketi;Betéti Tarsasag;Bt;Usaldusuhing;Komanditna Druzba;Kommanditselskap;Kom Sti
Oy|LLC||Oy;Osakeyhtio;Oy Ab;Ab Oy
Oyj|JSC||Oyj;Julkinen Osakeyhtio;Oyj Abp
ehf|LLC||ehf;Einkahlutafelag
hf|JSC||hf;Hlutafelag
Sp z o.o.|LLC||Sp z oo;Spolka z Ograniczona Odpowiedzialnoscia;Spolka z oo;Sp zoo;Spzoo;Sp z oo Sp k;Sp z o o;Sp z oo Sp k;Sp z ogr odp;Spolka z ogr odpow;Spolka z oo;Spolka z oo Sp k
Sp.k.|LP||Sp k;Spolka Komandytowa;SKA;Spolka Komandytowo-akcyjna;Spolka Jawna;Sp j
S.A.|JSC|e|Spolka Akcyjna;Spolka Akcyjna Otwarta;Otwarta Spolka Akcyjna
s.r.o.|LLC||sro;spol s ro;Spolecnost s Rucenim Omezenym;Spolocnost s Rucenim Obmedzenym;spol s r o;s r o
Kft.|LLC||Kft;Korlatolt Felelossegu Tarsasag
Zrt.|JSC|e|Zrt;Zartkoruen Mukodo Reszvenytarsasag;Nyrt;Nyilvanosan Mukodo Reszvenytarsasag;Rt;Reszvenytarsasag
d.o.o.|LLC||doo;Drustvo s Ogranicenom Odgovornoscu;Drustvo sa Ogranicenom Odgovornoscu;Druzba z Omejeno Odgovornostjo;Drustvo Ogranicene Odgovornosti;jdoo;Jednostavno Drustvo s Ogranicenom Odgovornoscu;д о о;друштво са ограниченом одговорношћу;друштво с ограниченом одговорношћу
d.d.|JSC|e|dd;Dionicko Drustvo;Delniska Druzba
a.d.|JSC|e|ad;Akcionarsko Drustvo;Aktsionerno Druzhestvo
SIA|LLC|e|SIA;Sabiedriba ar Ierobezotu Atbildibu
UAB|LLC||UAB;Uzdaroji Akcine Bendrove;Uzdarosios Akcines Bendroves
OU|LLC|e|OU;Osauhing
Sh.p.k.|LLC||Shpk;Shoqeri me Pergjegjesi te Kufizuar
Sh.a.|JSC|e|Sha;Shoqeri Aksionere;Shoqeri Anonime
A.Ş.|JSC|e|Anonim Sirketi;Anonim Sirket;Anonim Ortaklik;Halka Acik Anonim Ortaklik;Halka Acik Anonim Sirket;HAAO
Ltd. Sti.|LLC||Ltd Sti;Limited Sirketi;Limited Sirket;Ltd Sirketi;Sti;Sirketi
ΑΕ|JSC||Anonymi Etaireia;Ανωνυμη Εταιρεια;ΑΕ
EPE|LLC||EPE;Etaireia Periorismenis Efthynis;Εταιρεια Περιορισμενης Ευθυνης;ΕΠΕ;IKE;ΙΚΕ;Ιδιωτικη Κεφαλαιουχικη Εταιρεια;Εταιρια Περιορισμενης Ευθυνης
ΟΕ|GP||Ομορρυθμη Εταιρεια;ΕΕ;Ετερορρυθμη Εταιρεια
ООО|LLC||ООО;Общество с ограниченной ответственностью;OOO;Obshchestvo s Ogranichennoy Otvetstvennostyu;Obshchestvo s Ogranichennoi Otvetstvennostiu;Obshchestvo s Ogranichennoj Otvetstvennostju;Obshestvo s Ogranichennoy Otvetstvennostyu;ОДО;Общество с дополнительной ответственностью;ODO;ОсОО;Общество с ограниченной ответственностью;Общества с ограниченной ответственностью;Иностранное общество с ограниченной ответственностью;Ликвидационная комиссия ООО
АО|JSC||АО;Акционерное общество;AO;Aktsionernoye Obshchestvo;Aktsionernoe Obshchestvo;Akcionernoe Obshchestvo;Aktsionernoe Obshestvo;Акционерные общества;Акционерного общества;Aktsionernoe Obschestvo;Страховая акционерная компания;САК;Страховая акционер компания
ОАО|JSC||ОАО;Открытое акционерное общество;OAO;Otkrytoye Aktsionernoye Obshchestvo;Otkrytoe Aktsionernoe Obshchestvo;Otkrytoe Akcionernoe Obshchestvo;Акционерное общество открытого типа;OTKR AKTS OBSHCH;Aktsionernoe Obshchestvo Otkrytogo Tipa;Акціонерне товариство відкритого типу;Odkryte Akcjonarne Obschtschestwo
ЗАО|JSC||ЗАО;Закрытое акционерное общество;ZAO;Zakrytoye Aktsionernoye Obshchestvo;Zakrytoe Aktsionernoe Obshchestvo;Zakrytoe Akcionernoe Obshchestvo;Акционерное общество закрытого типа;Zakryte Akcjonarne Obschtschestwo;Закрите акціонерне товариство;Zakritaye Aktsiyanernaye Tavaristva;Zakrytae Akcyyanernae Tavarystva
ПАО|JSC||ПАО;Публичное акционерное общество;PAO;Publichnoye Aktsionernoye Obshchestvo;Publichnoe Aktsionernoe Obshchestvo
НАО|JSC||НАО;Непубличное акционерное общество
АКБ|JSC||АКБ;Акционерный коммерческий банк;AKB;Aktsionerny Kommercheskiy Bank;Акціонерний комерційний банк;КБ;Коммерческий банк
ИП|SP||ИП;Индивидуальный предприниматель;ФОП;Фізична особа-підприємець;Физическое лицо-предприниматель;СПД;Субъект предпринимательской деятельности;Суб'єкт підприємницької діяльності;ПП;Приватне підприємство;Частное предприятие;ЧП;Pryvatne Pidpryiemstvo;ЧУП;Частное унитарное предприятие;ПУП;Прыватнае унітарнае прадпрыемства;ІП;Індывідуальны прадпрымальнік
ГУП|SOE||ГУП;Государственное унитарное предприятие;ФГУП;Федеральное государственное унитарное предприятие;FGUP;GUP;МУП;Муниципальное унитарное предприятие;MUP;ГП;Государственное предприятие;ДП;Державне підприємство;КП;Комунальне підприємство;Казенное предприятие;ФКП;Федеральное казенное предприятие;ГК;Государственная корпорация;Госкорпорация;ФГБУ;Федеральное государственное бюджетное учреждение;ГУ;Государственное учреждение;ФГУ;Федеральное государственное учреждение;ГБУ;Государственное бюджетное учреждение
АНО|NGO||АНО;Автономная некоммерческая организация;НКО;Некоммерческая организация;НП;Некоммерческое партнерство;ОО;Общественная организация;БФ;Благотворительный фонд;ГО;Громадська організація;БО;Благодійна організація;Благотворительная организация
ТОО|LLP||ТОО;Товарищество с ограниченной ответственностью;ООП;Партнёрство с ограниченной ответственностью;Партнерство с ограниченной ответственностью
ПК|COOP||ПК;Производственный кооператив;СПК;Сельскохозяйственный производственный кооператив;ПКООП;Потребительский кооператив;Кооператив
ТОВ|LLC||ТОВ;Товариство з обмеженою відповідальністю;TOV;Tovarystvo z Obmezhenoiu Vidpovidalnistiu;Tovarystvo z Obmezhenoyu Vidpovidalnistyu;ТзОВ;ТДВ;Товариство з додатковою відповідальністю;ТАА;Таварыства з абмежаванай адказнасцю;ТДА;Таварыства з дадатковай адказнасцю
АТ|JSC||АТ;Акціонерне товариство;Aktsionerne Tovarystvo;ААТ;Адкрытае акцыянернае таварыства;Акціонерного товариства;Adkritaye Aktsiyanernaye Tavaristva;Adkrytae Akcyyanernae Tavarystva
ПАТ|JSC||ПАТ;Публічне акціонерне товариство;Publichne Aktsionerne Tovarystvo
ПрАТ|JSC||ПрАТ;Приватне акціонерне товариство;Pryvatne Aktsionerne Tovarystvo
ВАТ|JSC||ВАТ;Відкрите акціонерне товариство;Vidkryte Aktsionerne Tovarystvo
ЗАТ|JSC||ЗАТ;Закрите акціонерне товариство;Zakryte Aktsionerne Tovarystvo;Закрытае акцыянернае таварыства
ООД|LLC||ООД;Дружество с ограничена отговорност;OOD;Druzhestvo s Ogranichena Otgovornost;ЕООД;Еднолично дружество с ограничена отговорност;EOOD;Ednolichno Druzhestvo s Ogranichena Otgovornost;Drujestvo s Ogranichena Otgovornost;Druzestvo s Ogranicena Otgovornost
АД|JSC||АД;Акционерно дружество;ЕАД;Еднолично акционерно дружество;EAD;Ednolichno Aktsionerno Druzhestvo;Акционарско друштво
ЕТ|SP||ЕТ;Едноличен търговец;Ednolichen Targovets
СД|GP||СД;Събирателно дружество;КД;Командитно дружество;Komanditno Druzhestvo;КДА;Командитно дружество с акции
МЧЖ|LLC||МЧЖ;Масъулияти чекланган жамият;MChJ;Mas'uliyati Cheklangan Jamiyat
АЖ|JSC||Акциядорлик жамияти;Очиқ акциядорлик жамияти;Ёпиқ акциядорлик жамияти;Aksiyadorlik Jamiyati;Ochiq Aksiyadorlik Jamiyati;Yopiq Aksiyadorlik Jamiyati;OAJ;YoAJ
MMC|LLC|e|MMC;Mehdud Mesuliyyetli Cemiyyet;Məhdud Məsuliyyətli Cəmiyyət
ASC|JSC|e|ASC;Aciq Sehmdar Cemiyyeti;Açıq Səhmdar Cəmiyyəti;QSC;Qapali Sehmdar Cemiyyeti
ХХК|LLC||ХХК;Хязгаарлагдмал хариуцлагатай компани;XXK;ХК;Хувьцаат компани
შპს|LLC||შპს;შეზღუდული პასუხისმგებლობის საზოგადოება
სს|JSC||სს;სააქციო საზოგადოება
ՍՊԸ|LLC||ՍՊԸ;Սահմանափակ պատասխանատվությամբ ընկերություն
ԲԲԸ|JSC||ԲԲԸ;ՓԲԸ;Բաց բաժնետիրական ընկերություն;Փակ բաժնետիրական ընկերություն
Лтд|LLC||Лтд;Лимитед;Лімітед;Компания с ограниченной ответственностью;Частная компания с ответственностью ограниченной акциями
有限公司|LLC||有限公司;有限責任公司;有限责任公司;有限會社公司;有限
股份有限公司|JSC||股份有限公司;股份公司;股份有限會社
無限公司|GP||無限公司;无限公司;兩合公司;两合公司
株式会社|JSC|e|株式会社;株式會社;(株);㈱;Kabushiki Kaisha;Kabushiki Gaisha;KK;K K
有限会社|LLC|e|有限会社;Yugen Kaisha;Yugen Gaisha;YK
合同会社|LLC|e|合同会社;Godo Kaisha;Godo Gaisha;GK
合名会社|GP||合名会社;Gomei Kaisha;合資会社;Goshi Kaisha;匿名組合
有限責任事業組合|LLP||有限責任事業組合
주식회사|JSC||주식회사;(주);㈜;Jusik Hoesa;Jusikhoesa;Chusik Hoesa;Chusikhoesa;Jushik Hoesa
유한회사|LLC||유한회사;(유);Yuhan Hoesa;Yuhanhoesa;유한책임회사;Yuhan Chaegim Hoesa
합자회사|LP||합자회사;Hapja Hoesa;합명회사;Hapmyeong Hoesa
TNHH|LLC||TNHH;Cong ty TNHH;Cty TNHH;Cong ty Trach Nhiem Huu Han;Trach Nhiem Huu Han;TNHH MTV;Cong ty TNHH Mot Thanh Vien;Cty TNHH MTV;Cong ty Trach Nhiem Huu Han Mot Thanh Vien
CTCP|JSC||CTCP;Cong ty Co Phan;Cty CP;Cong ty CP
DNTN|SP||DNTN;Doanh Nghiep Tu Nhan
PT|LLC|es|PT;Perseroan Terbatas;PT Tbk
Tbk|JSC||Tbk;Terbuka;Perseroan Terbuka
FZE|LLC||FZE;Free Zone Establishment;FZ Establishment;Free Zone Enterprise;FZCO;FZC;FZ-LLC;FZLLC;FZ LLC;Free Zone Company;Free Zone Co;Free Zone Limited Liability Company;LLC-FZ;DMCC;Dubai Multi Commodities Centre;DMCC Free Zone;DWC-LLC
ش.م.م|LLC||ش م م;شركة ذات مسؤولية محدودة;شركة ذات مسئولية محدودة;ذ م م;المحدودة;محدودة;ذات مسؤولية محدودة
ش.م.ع|JSC||ش م ع;ش م ب;شركة مساهمة;شركة مساهمة عامة;شركة مساهمة خاصة;ش م ع ق;ش م خ
בע"מ|LLC||בעמ;בע"מ;בערבון מוגבל
Cty CP|JSC||Cong Ty Co Phan
`

// legalForm is one recognised legal form.
type legalForm struct {
	display string // tag shown to users and returned by VendorKey
	generic string // LLC, JSC, LP, ...
	key     string // comparison key: the folded display
	edge    bool   // ambiguous: only at the end of a longer name
	start   bool   // with edge: also allowed as the first word ("PT Bank ...")
}

// legalAlias is one alias as a sequence of normalised token texts.
type legalAlias struct {
	toks []string
	form *legalForm
}

// legalIndex maps the first token of every alias to its aliases, longest
// first, for the greedy phrase scan in NormalizeName.
var legalIndex = buildLegalIndex()

// legalForms is every entry, in table order.
var legalForms []*legalForm

// legalFuzzyIndex holds the long aliases (three words or more) by the
// first two letters of their first word, for spelling-tolerant matching.
var legalFuzzyIndex = map[string][]legalAlias{}

func prefix2(s string) string {
	n := 0
	for i := range s {
		if n == 2 {
			return s[:i]
		}
		n++
	}
	return ""
}

// legalCanonicalWords folds abbreviations inside legal-form phrases
// ("Pub. Ltd. Co." = "Public Limited Company", "Jnt Stock Co").
var legalCanonicalWords = map[string]string{
	"co": "company", "comp": "company", "compan": "company", "companie": "company", "cos": "company",
	"corp": "corporation", "ltd": "limited", "lmtd": "limited", "ltds": "limited",
	"liab": "liability", "pub": "public", "publicly": "public", "jt": "joint", "jnt": "joint",
	"ges": "gesellschaft", "beschr": "beschrankter", "besch": "beschrankter",
	"beschraenkter": "beschrankter", "soc": "societe", "societe": "societe", "anon": "anonima",
	"cap": "capital", "var": "variable", "prom": "promotora", "inv": "inversion",
}

func legalCanonical(t string) string {
	if c, ok := legalCanonicalWords[t]; ok {
		return c
	}
	return t
}

func buildLegalIndex() map[string][]legalAlias {
	idx := make(map[string][]legalAlias, 1024)
	seen := make(map[string]bool, 2048)
	for _, line := range strings.Split(legalFormTable, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 4)
		if len(parts) != 4 {
			panic("match: bad legal form line: " + line)
		}
		f := &legalForm{display: parts[0], generic: parts[1], edge: strings.Contains(parts[2], "e"), start: strings.Contains(parts[2], "s")}
		f.key = strings.Join(rawTokens(parts[0]), "")
		legalForms = append(legalForms, f)
		aliases := append([]string{parts[0]}, strings.Split(parts[3], ";")...)
		for _, a := range aliases {
			toks := rawTokens(a)
			if len(toks) == 0 {
				continue
			}
			for i, t := range toks {
				toks[i] = legalCanonical(t)
			}
			k := strings.Join(toks, " ") + "\x00" + f.display
			if seen[k] {
				continue
			}
			seen[k] = true
			idx[toks[0]] = append(idx[toks[0]], legalAlias{toks: toks, form: f})
		}
	}
	for _, list := range idx {
		for _, a := range list {
			n := 0
			for _, t := range a.toks {
				n += len(t)
			}
			if len(a.toks) >= 3 && n >= 20 {
				k := prefix2(a.toks[0])
				legalFuzzyIndex[k] = append(legalFuzzyIndex[k], a)
			}
		}
	}
	for k, list := range idx {
		// Longest alias first; ties keep table order.
		for i := 1; i < len(list); i++ {
			for j := i; j > 0 && len(list[j].toks) > len(list[j-1].toks); j-- {
				list[j], list[j-1] = list[j-1], list[j]
			}
		}
		idx[k] = list
	}
	return idx
}

// rawTokens normalises a table phrase into token texts with the same
// tokenizer as names (without legal-form or symbol tagging).
func rawTokens(s string) []string {
	toks := tokenize(s, nil)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, t.text)
	}
	return out
}

// cjkLegalSuffixes are legal forms written in scripts without spaces; they
// are cut off the end (or start) of a CJK token. Longest first.
var cjkLegalSuffixes = buildCJKLegal()

type cjkLegal struct {
	text string
	form *legalForm
}

func buildCJKLegal() []cjkLegal {
	var out []cjkLegal
	for _, list := range legalIndex {
		for _, a := range list {
			if len(a.toks) != 1 {
				continue
			}
			rs := []rune(a.toks[0])
			if len(rs) < 2 || !runeScript(rs[0]).isCJK() {
				continue
			}
			out = append(out, cjkLegal{a.toks[0], a.form})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (len(out[j].text) > len(out[j-1].text) || len(out[j].text) == len(out[j-1].text) && out[j].text < out[j-1].text); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// LegalFormInfo describes a recognised legal form.
type LegalFormInfo struct {
	Display string // e.g. "GmbH", "ООО", "Inc"
	Generic string // e.g. "LLC", "JSC"
}

// LookupLegalForm reports whether the whole of s is one legal form alias
// ("L.L.C.", "Общество с ограниченной ответственностью", "주식회사").
func LookupLegalForm(s string) (LegalFormInfo, bool) {
	raw := tokenize(s, nil)
	if len(raw) == 0 {
		return LegalFormInfo{}, false
	}
	if len(raw) == 1 {
		for _, c := range cjkLegalSuffixes {
			if c.text == raw[0].text {
				return LegalFormInfo{c.form.display, c.form.generic}, true
			}
		}
	}
	if f, l := matchLegalAt(raw, 0, true); f != nil && l == len(raw) {
		return LegalFormInfo{f.display, f.generic}, true
	}
	// Initials written apart ("L. L. C" with odd separators) joined.
	joined := ""
	for _, r := range raw {
		joined += r.text
	}
	for _, a := range legalIndex[joined] {
		if len(a.toks) == 1 {
			return LegalFormInfo{a.form.display, a.form.generic}, true
		}
	}
	return LegalFormInfo{}, false
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
