package uslocal

import (
	"github.com/tenderlens/tenderlens/data/procure"
)

// The OCDS 1.1 release a payment becomes. Only what the row says is
// written; every field is valid against the release schema (tested).

type release struct {
	OCID           string        `json:"ocid"`
	ID             string        `json:"id"`
	Date           string        `json:"date"`
	Tag            []string      `json:"tag"`
	InitiationType string        `json:"initiationType"`
	Language       string        `json:"language,omitempty"`
	Buyer          *orgRef       `json:"buyer,omitempty"`
	Parties        []party       `json:"parties"`
	Tender         *tender       `json:"tender,omitempty"`
	Awards         []award       `json:"awards"`
	Contracts      []contract    `json:"contracts"`
	Provenance     *csvRowRecord `json:"tenderlensCSV,omitempty"`
}

type orgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type party struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Roles      []string    `json:"roles"`
	Identifier *identifier `json:"identifier,omitempty"`
	Address    *address    `json:"address,omitempty"`
	Details    *details    `json:"details,omitempty"`
}

type identifier struct {
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
}

type address struct {
	Locality    string `json:"locality,omitempty"`
	Region      string `json:"region,omitempty"`
	CountryName string `json:"countryName,omitempty"`
}

// details is the party's free-form details object: what kind of payee a
// placeholder party is.
type details struct {
	PayeeKind string `json:"tenderlensPayeeKind,omitempty"`
}

type tender struct {
	ID              string  `json:"id"`
	ProcuringEntity *orgRef `json:"procuringEntity,omitempty"`
}

type value struct {
	Amount   procure.Decimal `json:"amount"`
	Currency string          `json:"currency"`
}

type classification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

type item struct {
	ID             string          `json:"id"`
	Description    string          `json:"description,omitempty"`
	Classification *classification `json:"classification,omitempty"`
}

type award struct {
	ID          string   `json:"id"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Status      string   `json:"status"`
	Date        string   `json:"date"`
	Value       value    `json:"value"`
	Suppliers   []orgRef `json:"suppliers"`
	Items       []item   `json:"items,omitempty"`
}

type contract struct {
	ID             string         `json:"id"`
	AwardID        string         `json:"awardID"`
	Title          string         `json:"title,omitempty"`
	Value          value          `json:"value"`
	DateSigned     string         `json:"dateSigned,omitempty"`
	Implementation implementation `json:"implementation"`
}

type implementation struct {
	Transactions []transaction `json:"transactions"`
}

type transaction struct {
	ID    string  `json:"id"`
	Date  string  `json:"date"`
	Value value   `json:"value"`
	Payer *orgRef `json:"payer,omitempty"`
	Payee *orgRef `json:"payee,omitempty"`
}

// csvRowRecord is the release's provenance extension ("tenderlensCSV"):
// the row exactly as published, so a reader can check it against the file.
type csvRowRecord struct {
	// Mapping is the profile or mapping file name that read the row.
	Mapping string `json:"mapping"`
	// Header is the file's header row ("" cells kept).
	Header []string `json:"header,omitempty"`
	// Values are the row's cells as published (untrimmed), except withheld
	// ones, which read "[withheld]".
	Values []string `json:"values"`
	// Text is the record's text as published (without its line ending);
	// absent when a cell is withheld.
	Text string `json:"text,omitempty"`
	// SHA256 is the hex SHA-256 of the record's bytes as published (without
	// its line ending), also when cells are withheld: anyone holding the
	// file can check that this release came from that row.
	SHA256 string `json:"sha256"`
	// Withheld lists the columns withheld for privacy (private persons).
	Withheld []string `json:"withheld,omitempty"`
	// Occurrence numbers identical rows (1 = first); see the package doc.
	Occurrence int `json:"occurrence"`
	// VendorFrom says where the vendor came from when not from a vendor
	// column: "description" (a mapping rule matched) or "none".
	VendorFrom string `json:"vendorFrom,omitempty"`
	// VendorRule is the description rule that matched.
	VendorRule string `json:"vendorRule,omitempty"`
}
