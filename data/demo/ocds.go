package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// OCDS 1.1 shapes, only the fields the demo fills. Field order is fixed by
// the structs, so output is byte-for-byte stable.

type orgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type identifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
}

type party struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Identifier   *identifier `json:"identifier,omitempty"`
	Address      *address    `json:"address,omitempty"`
	ContactPoint *contact    `json:"contactPoint,omitempty"`
	Roles        []string    `json:"roles"`
}

type value struct {
	Amount   procure.Decimal `json:"amount"`
	Currency string          `json:"currency"`
}

type period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

type unit struct {
	Name  string `json:"name"`
	Value *value `json:"value,omitempty"`
}

type item struct {
	ID                        string           `json:"id"`
	Description               string           `json:"description"`
	Classification            classification   `json:"classification"`
	AdditionalClassifications []classification `json:"additionalClassifications,omitempty"`
	Quantity                  int              `json:"quantity"`
	Unit                      unit             `json:"unit"`
}

type document struct {
	ID            string `json:"id"`
	DocumentType  string `json:"documentType"`
	Title         string `json:"title"`
	URL           string `json:"url"`
	DatePublished string `json:"datePublished"`
	Format        string `json:"format"`
	Language      string `json:"language"`
}

type tender struct {
	ID                       string     `json:"id"`
	Title                    string     `json:"title"`
	Description              string     `json:"description"`
	Status                   string     `json:"status"`
	ProcuringEntity          *orgRef    `json:"procuringEntity,omitempty"`
	Items                    []item     `json:"items"`
	Value                    *value     `json:"value,omitempty"`
	ProcurementMethod        string     `json:"procurementMethod"`
	ProcurementMethodDetails string     `json:"procurementMethodDetails"`
	MainProcurementCategory  string     `json:"mainProcurementCategory"`
	AwardCriteria            string     `json:"awardCriteria,omitempty"`
	SubmissionMethod         []string   `json:"submissionMethod,omitempty"`
	TenderPeriod             *period    `json:"tenderPeriod,omitempty"`
	NumberOfTenderers        *int       `json:"numberOfTenderers,omitempty"`
	Tenderers                []orgRef   `json:"tenderers,omitempty"`
	Documents                []document `json:"documents,omitempty"`
}

type award struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Status      string     `json:"status"`
	Date        string     `json:"date"`
	Value       value      `json:"value"`
	Suppliers   []orgRef   `json:"suppliers"`
	Items       []item     `json:"items"`
	Documents   []document `json:"documents,omitempty"`
}

type amendment struct {
	ID              string `json:"id"`
	Date            string `json:"date"`
	Rationale       string `json:"rationale"`
	Description     string `json:"description"`
	AmendsReleaseID string `json:"amendsReleaseID"`
	ReleaseID       string `json:"releaseID"`
}

type contract struct {
	ID          string      `json:"id"`
	AwardID     string      `json:"awardID"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Status      string      `json:"status"`
	Period      period      `json:"period"`
	Value       value       `json:"value"`
	Items       []item      `json:"items"`
	DateSigned  string      `json:"dateSigned"`
	Documents   []document  `json:"documents,omitempty"`
	Amendments  []amendment `json:"amendments,omitempty"`
}

type release struct {
	OCID           string     `json:"ocid"`
	ID             string     `json:"id"`
	Date           string     `json:"date"`
	Tag            []string   `json:"tag"`
	InitiationType string     `json:"initiationType"`
	Language       string     `json:"language"`
	Parties        []party    `json:"parties"`
	Buyer          orgRef     `json:"buyer"`
	Tender         *tender    `json:"tender,omitempty"`
	Awards         []award    `json:"awards,omitempty"`
	Contracts      []contract `json:"contracts,omitempty"`
}

// encodedRelease is one release, serialised, with what the package writer
// needs to sort and file it.
type encodedRelease struct {
	ocid, id string
	date     time.Time
	data     []byte
}

func encodeRelease(r *release, date time.Time) (encodedRelease, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "Halvorsen & Pike", not "\u0026"
	if err := enc.Encode(r); err != nil {
		return encodedRelease{}, fmt.Errorf("encode release %s: %w", r.ID, err)
	}
	return encodedRelease{ocid: r.OCID, id: r.ID, date: date, data: bytes.TrimRight(buf.Bytes(), "\n")}, nil
}

// packageHeader is the release package metadata, written before the
// releases so that streaming readers see the version first.
type packageHeader struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     publisher `json:"publisher"`
	License       string    `json:"license"`
}

type publisher struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
}

// writePackage writes a release package with one release per line, so the
// files diff well and a reader's line numbers point at a release.
func writePackage(h packageHeader, releases []encodedRelease) ([]byte, error) {
	head, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode package header: %w", err)
	}
	var buf bytes.Buffer
	buf.Write(head[:len(head)-1]) // drop the closing brace
	buf.WriteString(`,"releases":[` + "\n")
	for i, r := range releases {
		buf.Write(r.data)
		if i < len(releases)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	return buf.Bytes(), nil
}
