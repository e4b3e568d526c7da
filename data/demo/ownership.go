package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// The fictional DPRK-style ownership case (issue 5, item 7). The UK face
// recognition vendor of the demo, Aprok Vision Systems Ltd, which sells to
// Lake Orrin ISD and Port Alder PD, is owned through two intermediaries by
// a company on a demo sanctions list:
//
//	Korea Pyolbit Information Technology Corporation (North Korea; on the
//	demo list since 900 days before Now, reference KPe.D01)
//	  └─ 51 % ─ Orrinsk Vostok Trading LLC (Russia)
//	              └─ 60 % ─ Kestrelmoor Holdings Limited (Hong Kong; the
//	                          other 40 % held by an undisclosed owner)
//	                          └─ 75–100 % ─ Aprok Vision Systems Ltd (UK)
//
// plus a minority shareholder (a fictional person, below 25 %) and a soft
// link: Orrinsk Vostok shares an office with a second listed company,
// Pyolbit Hong Kong Trading Limited.
//
// The register side is published as BODS 0.4 statements (what a beneficial
// ownership register would publish); the sanctions side as FollowTheMoney
// entity JSON lines (what OpenSanctions exports), where the listed company
// owns the Russian intermediary. The two sides join on the intermediary's
// Russian taxpayer number (INN), as real registers and lists do.
//
// Under the OFAC 50 % rule Pyolbit's 51 % blocks Orrinsk, whose 60 %
// blocks Kestrelmoor, whose 75 % or more blocks Aprok, although the
// effective ownership is only 0.51 × 0.60 × 0.75–1 = 23–31 %. Two of
// Aprok's four demo awards predate the listing (a risk today, not a breach
// at award time); two follow it.
//
// Every name is invented, every identifier comes from a range no register
// issues (Companies House 99…, a Russian INN with region code 00, a Hong
// Kong number 99…), the list's authority is marked fictional, and every
// record says it is demo data.

// Formats of the ownership case files, as tenderlens import names them.
const (
	FormatBODS = "bods"
	FormatFtM  = "ftm"
)

// Names and identifiers of the case, for tests and the documentation.
const (
	CaseHoldingName      = "Kestrelmoor Holdings Limited"
	CaseIntermediaryName = "Orrinsk Vostok Trading LLC"
	CaseIntermediaryINN  = "0099417721" // region 00 does not exist: never issued
	CaseListedName       = "Korea Pyolbit Information Technology Corporation"
	CaseListedReference  = "KPe.D01"
	// CaseListName is the demo sanctions list (the authority of its
	// listings): fictional, and named so that the risk rules treat it as
	// a US, EU and UK designation for the demonstration.
	CaseListName = "Tenderlens demo sanctions list (fictional)"
	// CaseDataset is the FtM dataset name of the demo list.
	CaseDataset = "tenderlens_demo_sanctions"
	// CaseListedDaysAgo is how many days before Now the listing took effect.
	CaseListedDaysAgo = 900
)

// OwnershipFile is one file of the ownership case.
type OwnershipFile struct {
	Name   string // base name
	Format string // FormatBODS or FormatFtM
	Data   []byte
}

// OwnershipFiles returns the ownership case: a BODS 0.4 statement array
// ("demo-ownership.bods.json") and the demo sanctions list as FtM JSON
// lines ("demo-sanctions.ftm.jsonl"). Dates are relative to opt.Now, so
// the case fits the awards Generate makes for the same Now; the output is
// deterministic (byte-identical for the same Now).
func OwnershipFiles(opt Options) ([]OwnershipFile, error) {
	if opt.Now.IsZero() {
		return nil, fmt.Errorf("demo ownership data needs Options.Now: %w", procure.ErrInvalid)
	}
	today := day(opt.Now.UTC())
	ago := func(days int) string { return today.AddDate(0, 0, -days).Format("2006-01-02") }
	b, err := bodsStatements(today, ago)
	if err != nil {
		return nil, err
	}
	f, err := ftmLines(ago)
	if err != nil {
		return nil, err
	}
	return []OwnershipFile{
		{Name: "demo-ownership.bods.json", Format: FormatBODS, Data: b},
		{Name: "demo-sanctions.ftm.jsonl", Format: FormatFtM, Data: f},
	}, nil
}

// statementID is a stable 36-character ID for a BODS statement.
func statementID(parts ...string) string {
	h := sha256.Sum256([]byte(fmt.Sprint(parts)))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

type bodsStatement struct {
	StatementID        string         `json:"statementId"`
	DeclarationSubject string         `json:"declarationSubject"`
	StatementDate      string         `json:"statementDate"`
	PublicationDetails map[string]any `json:"publicationDetails"`
	Source             map[string]any `json:"source"`
	RecordID           string         `json:"recordId"`
	RecordStatus       string         `json:"recordStatus"`
	RecordType         string         `json:"recordType"`
	RecordDetails      map[string]any `json:"recordDetails"`
}

// Record IDs of the register side.
const (
	recAprok       = "demo-aprok-vision-systems"
	recKestrelmoor = "demo-kestrelmoor-holdings"
	recOrrinsk     = "demo-orrinsk-vostok-trading"
	recPerson      = "demo-corwen-ashdale"
)

func bodsStatements(today time.Time, ago func(int) string) ([]byte, error) {
	published := ago(30)
	pub := map[string]any{"publicationDate": published, "bodsVersion": "0.4",
		"publisher": map[string]any{"name": PublisherName, "url": PublisherURI}, "license": License}
	src := map[string]any{"type": []string{"selfDeclaration"},
		"description": "Fictional demonstration data generated by Tenderlens. Not a real register.",
		"url":         PublisherURI + "/ownership", "retrievedAt": published}
	st := func(rec, typ string, details map[string]any) bodsStatement {
		return bodsStatement{StatementID: statementID(rec, published), DeclarationSubject: recAprok, StatementDate: published,
			PublicationDetails: pub, Source: src, RecordID: rec, RecordStatus: "new", RecordType: typ, RecordDetails: details}
	}
	addr := func(line, name, code string) []map[string]any {
		return []map[string]any{{"type": "registered", "address": line, "country": map[string]any{"name": name, "code": code}}}
	}
	share := func(kind string, s map[string]any, start string) map[string]any {
		return map[string]any{"type": kind, "directOrIndirect": "direct", "beneficialOwnershipOrControl": false, "share": s, "startDate": start}
	}
	sts := []bodsStatement{
		st(recAprok, "entity", map[string]any{"isComponent": false, "entityType": map[string]any{"type": "registeredEntity"},
			"name": "APROK VISION SYSTEMS LIMITED", "jurisdiction": map[string]any{"name": "United Kingdom", "code": "GB"},
			"identifiers": []map[string]any{{"scheme": "GB-COH", "id": "99417723"}}, "foundingDate": ago(2600),
			"addresses": addr("Unit 4, Fenbridge Technology Park, Marrowby, Wexmoorshire, WX9 2AV", "United Kingdom", "GB")}),
		st(recKestrelmoor, "entity", map[string]any{"isComponent": false, "entityType": map[string]any{"type": "registeredEntity"},
			"name": CaseHoldingName, "jurisdiction": map[string]any{"name": "Hong Kong", "code": "HK"},
			"identifiers": []map[string]any{{"scheme": "HK-CR", "id": "99417001"}}, "foundingDate": ago(2100),
			"addresses": addr("Room 1607, 16/F, 88 Kestrel Harbour Road, Kowloon, Hong Kong (fictional)", "Hong Kong", "HK")}),
		st(recOrrinsk, "entity", map[string]any{"isComponent": false, "entityType": map[string]any{"type": "registeredEntity"},
			"name": CaseIntermediaryName, "alternateNames": []string{"ООО «Орринск Восток Трейдинг»"},
			"jurisdiction": map[string]any{"name": "Russian Federation", "code": "RU"},
			"identifiers":  []map[string]any{{"scheme": "RU-INN", "id": CaseIntermediaryINN}}, "foundingDate": ago(2400),
			"addresses": addr("Office 12, 7 Orrinskaya Street, Vladivostok (fictional)", "Russian Federation", "RU")}),
		st(recPerson, "person", map[string]any{"isComponent": false, "personType": "knownPerson",
			"names":         []map[string]any{{"type": "legal", "fullName": "Corwen Ashdale"}},
			"nationalities": []map[string]any{{"name": "United Kingdom", "code": "GB"}}}),
		st("demo-rel-kestrelmoor-aprok", "relationship", map[string]any{"isComponent": false, "subject": recAprok, "interestedParty": recKestrelmoor,
			"interests": []map[string]any{
				share("shareholding", map[string]any{"minimum": 75, "maximum": 100}, ago(1900)),
				share("votingRights", map[string]any{"minimum": 75, "maximum": 100}, ago(1900)),
			}}),
		st("demo-rel-ashdale-aprok", "relationship", map[string]any{"isComponent": false, "subject": recAprok, "interestedParty": recPerson,
			"interests": []map[string]any{share("shareholding", map[string]any{"minimum": 0, "exclusiveMaximum": 25}, ago(2600))}}),
		st("demo-rel-orrinsk-kestrelmoor", "relationship", map[string]any{"isComponent": false, "subject": recKestrelmoor, "interestedParty": recOrrinsk,
			"interests": []map[string]any{share("shareholding", map[string]any{"exact": 60}, ago(2000))}}),
		st("demo-rel-undisclosed-kestrelmoor", "relationship", map[string]any{"isComponent": false, "subject": recKestrelmoor,
			"interestedParty": map[string]any{"reason": "interestedPartyHasNotProvidedInformation",
				"description": "The holder of the remaining 40 % has not provided information (fictional)."},
			"interests": []map[string]any{share("shareholding", map[string]any{"exact": 40}, ago(2000))}}),
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(sts); err != nil {
		return nil, fmt.Errorf("demo ownership statements: %w", err)
	}
	return buf.Bytes(), nil
}

// ftmEntity is one FollowTheMoney entity line.
type ftmEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Caption    string              `json:"caption"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	FirstSeen  string              `json:"first_seen,omitempty"`
	LastChange string              `json:"last_change,omitempty"`
}

func ftmLines(ago func(int) string) ([]byte, error) {
	listed := ago(CaseListedDaysAgo)
	note := "Fictional entity of the Tenderlens demo data. It does not exist."
	ent := func(id, schema, caption string, props map[string][]string) ftmEntity {
		if schema != "Sanction" && schema != "Ownership" && schema != "UnknownLink" {
			props["notes"] = append(props["notes"], note)
		}
		return ftmEntity{ID: id, Schema: schema, Caption: caption, Properties: props, Datasets: []string{CaseDataset},
			FirstSeen: listed + "T00:00:00", LastChange: listed + "T00:00:00"}
	}
	sanction := func(id, entity, ref, reason string) ftmEntity {
		return ent(id, "Sanction", "Sanction", map[string][]string{
			"entity": {entity}, "authority": {CaseListName}, "program": {"DEMO-DPRK"}, "authorityId": {ref},
			"listingDate": {listed}, "startDate": {listed}, "reason": {reason},
			"sourceUrl": {PublisherURI + "/sanctions"}})
	}
	es := []ftmEntity{
		ent("demo-pyolbit", "Company", CaseListedName, map[string][]string{
			"name":    {CaseListedName},
			"alias":   {"조선별빛정보기술회사", "Pyolbit IT Corporation", "Chosun Pyolbit Information Technology Company"},
			"country": {"kp"}, "jurisdiction": {"kp"}, "topics": {"sanction"},
			"address": {"Pyolbit Street, Pyongyang (fictional)"}, "sector": {"software development", "biometric identification"}}),
		sanction("demo-sanction-pyolbit", "demo-pyolbit", CaseListedReference,
			"Fictional: develops face recognition and fingerprint software sold abroad through front companies to earn revenue for a sanctioned government."),
		ent("demo-pyolbit-hk", "Company", "Pyolbit Hong Kong Trading Limited", map[string][]string{
			"name": {"Pyolbit Hong Kong Trading Limited"}, "country": {"hk"}, "topics": {"sanction"},
			"address": {"Unit 2, 9/F, 21 Sablewood Lane, Kowloon, Hong Kong (fictional)"}}),
		sanction("demo-sanction-pyolbit-hk", "demo-pyolbit-hk", "KPe.D02", "Fictional: sales office of Korea Pyolbit Information Technology Corporation."),
		ent("demo-orrinsk", "Company", CaseIntermediaryName, map[string][]string{
			"name":    {CaseIntermediaryName, "ООО «Орринск Восток Трейдинг»"},
			"innCode": {CaseIntermediaryINN}, "country": {"ru"}, "jurisdiction": {"ru"}}),
		ent("demo-own-pyolbit-orrinsk", "Ownership", "Ownership", map[string][]string{
			"owner": {"demo-pyolbit"}, "asset": {"demo-orrinsk"}, "percentage": {"51"}, "startDate": {ago(2300)},
			"role": {"majority shareholder"}}),
		ent("demo-link-orrinsk-pyolbit-hk", "UnknownLink", "UnknownLink", map[string][]string{
			"subject": {"demo-orrinsk"}, "object": {"demo-pyolbit-hk"}, "role": {"shares an office and telephone number (fictional)"}}),
	}
	var buf bytes.Buffer
	for _, e := range es {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("demo sanctions list: %w", err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}
