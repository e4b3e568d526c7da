package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/sanctions"
	"github.com/tenderlens/tenderlens/data/testenv"
)

func ownershipFiles(t *testing.T) map[string]OwnershipFile {
	t.Helper()
	fs, err := OwnershipFiles(Options{Seed: 1, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]OwnershipFile{}
	for _, f := range fs {
		out[f.Format] = f
	}
	if len(out) != 2 || out[FormatBODS].Data == nil || out[FormatFtM].Data == nil {
		t.Fatalf("files %v", fs)
	}
	return out
}

func TestOwnershipFilesDeterministic(t *testing.T) {
	a := ownershipFiles(t)
	b := ownershipFiles(t)
	for k := range a {
		if !bytes.Equal(a[k].Data, b[k].Data) {
			t.Errorf("%s differs between runs", k)
		}
	}
	later, err := OwnershipFiles(Options{Seed: 1, Now: testNow.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(later[0].Data, a[FormatBODS].Data) {
		t.Error("dates do not follow Options.Now")
	}
	if _, err := OwnershipFiles(Options{}); err == nil {
		t.Error("no error without Now")
	}
}

// TestOwnershipBODSValid validates the statements against the BODS 0.4
// schema.
func TestOwnershipBODSValid(t *testing.T) {
	dir := testenv.SharedData(t, "schema", "bods-0.4")
	c := jsonschema.NewCompiler()
	for _, name := range []string{"statement.json", "components.json", "entity-record.json", "person-record.json", "relationship-record.json", "codelist-schema.json"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile("urn:statement")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(ownershipFiles(t)[FormatBODS].Data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the demo statements are not valid BODS 0.4:\n%v", err)
	}
}

func TestOwnershipBODSContent(t *testing.T) {
	var sts []struct {
		RecordID      string         `json:"recordId"`
		RecordType    string         `json:"recordType"`
		RecordDetails map[string]any `json:"recordDetails"`
	}
	if err := json.Unmarshal(ownershipFiles(t)[FormatBODS].Data, &sts); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range sts {
		ids[s.RecordID] = true
	}
	for _, s := range sts {
		if s.RecordType != "relationship" {
			continue
		}
		for _, k := range []string{"subject", "interestedParty"} {
			if ref, ok := s.RecordDetails[k].(string); ok && !ids[ref] {
				t.Errorf("%s: %s %q is not a record", s.RecordID, k, ref)
			}
		}
	}
	data := string(ownershipFiles(t)[FormatBODS].Data)
	for _, want := range []string{`"99417723"`, CaseIntermediaryINN, CaseHoldingName, "interestedPartyHasNotProvidedInformation", PublisherName} {
		if !strings.Contains(data, want) {
			t.Errorf("statements lack %s", want)
		}
	}
}

// TestOwnershipFtMParses reads the demo list with the real FtM parser.
func TestOwnershipFtMParses(t *testing.T) {
	f := ownershipFiles(t)[FormatFtM]
	p := sanctions.NewFtM(sanctions.FtMOptions{Namespace: "demo", License: License})
	var s testenv.EntitySink
	ctx := context.Background()
	if err := p.Document(ctx, bytes.NewReader(f.Data), sanctions.Doc{Source: SourceName, URL: f.Name, RetrievedAt: testNow}, &s); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, &s); err != nil {
		t.Fatal(err)
	}
	for _, pr := range s.Problems {
		if pr.Severity == procure.SevError {
			t.Errorf("problem %+v", pr)
		}
	}
	if len(s.Entities) != 3 || len(s.Relationships) != 2 {
		t.Fatalf("%d entities, %d relationships", len(s.Entities), len(s.Relationships))
	}
	var listed, inn bool
	for _, e := range s.Entities {
		if e.Name == CaseListedName && len(e.Listings) == 1 {
			l := e.Listings[0]
			listed = l.Reference == CaseListedReference && strings.Contains(l.List+l.Authority, "Tenderlens demo") &&
				l.ListedOn == testNow.UTC().AddDate(0, 0, -CaseListedDaysAgo).Format("2006-01-02")
		}
		for _, id := range e.Identifiers {
			if id.Qualified() == "RU-INN-"+CaseIntermediaryINN {
				inn = true
			}
		}
	}
	if !listed || !inn {
		t.Errorf("listed %v, INN %v: %+v", listed, inn, s.Entities)
	}
	for _, r := range s.Relationships {
		if r.Kind == procure.RelOwnership && (r.Share != procure.Interval{Min: 51, Max: 51}) {
			t.Errorf("ownership %+v", r)
		}
	}
}
