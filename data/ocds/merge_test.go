package ocds

import (
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// rel makes a SourceRelease from JSON (ocid ocds-abc123-1).
func rel(t *testing.T, id, date, body string) procure.SourceRelease {
	t.Helper()
	d, ok := parseDate(date)
	if !ok {
		t.Fatalf("bad date %q", date)
	}
	src := `{"ocid":"ocds-abc123-1","id":"` + id + `","date":"` + date + `","tag":["tender"]`
	if body != "" {
		src += "," + body
	}
	src += "}"
	v, _, err := parseValue(src, 64)
	if err != nil {
		t.Fatalf("%v in %s", err, src)
	}
	return procure.SourceRelease{OCID: "ocds-abc123-1", ID: id, Date: d, Raw: appendJSON(nil, &v), SHA256: id + body}
}

const hdr = `"date":"%s","id":"ocds-abc123-1-%s","ocid":"ocds-abc123-1","tag":["compiled"]`

func compiledWith(date, rest string) string {
	h := strings.ReplaceAll(hdr, "%s", date)
	if rest == "" {
		return "{" + h + "}"
	}
	// canonical order: keys sorted; the header keys sit between the rest's keys
	v, _, err := parseValue("{"+h+","+rest+"}", 64)
	if err != nil {
		panic(err)
	}
	return jsonText(&v)
}

// TestMergeRules covers every rule of the merge routine.
func TestMergeRules(t *testing.T) {
	type r struct{ id, date, body string }
	const d1, d2, d3 = "2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z", "2020-03-01T00:00:00Z"
	cases := []struct {
		name     string
		releases []r
		want     string // compiled fields besides ocid/id/date/tag
		date     string // compiled date
		problems string
	}{
		{"sorted by date, input order irrelevant",
			[]r{{"b", d2, `"tender":{"title":"new"}`}, {"a", d1, `"tender":{"title":"old"}`}},
			`"tender":{"title":"new"}`, d2, ""},
		{"ties keep input order",
			[]r{{"a", d1, `"tender":{"title":"first"}`}, {"b", d1, `"tender":{"title":"second"}`}},
			`"tender":{"title":"second"}`, d1, ""},
		{"omitWhenMerged id/date/tag dropped; compiled id, date, tag",
			[]r{{"a", d1, `"initiationType":"tender"`}},
			`"initiationType":"tender"`, d1, ""},
		{"null deletes a literal",
			[]r{{"a", d1, `"tender":{"id":"t","status":"active"}`}, {"b", d2, `"tender":{"status":null}`}},
			`"tender":{"id":"t"}`, d2, ""},
		{"null deletes an object",
			[]r{{"a", d1, `"tender":{"id":"t","value":{"amount":1,"currency":"EUR"}}`}, {"b", d2, `"tender":{"value":null}`}},
			`"tender":{"id":"t"}`, d2, ""},
		{"null in the first release adds nothing",
			[]r{{"a", d1, `"tender":{"id":"t","title":null}`}},
			`"tender":{"id":"t"}`, d1, ""},
		{"literal replaced",
			[]r{{"a", d1, `"language":"en"`}, {"b", d2, `"language":"es"`}},
			`"language":"es"`, d2, ""},
		{"nested objects merge field by field",
			[]r{{"a", d1, `"tender":{"id":"t","value":{"amount":1,"currency":"EUR"}}`}, {"b", d2, `"tender":{"value":{"amount":2},"title":"T"}`}},
			`"tender":{"id":"t","title":"T","value":{"amount":2,"currency":"EUR"}}`, d2, ""},
		{"empty object adds nothing",
			[]r{{"a", d1, `"planning":{"rationale":"r"}`}, {"b", d2, `"planning":{},"tender":{}`}},
			`"planning":{"rationale":"r"}`, d2, ""},
		{"identifier merge by id, new ids appended",
			[]r{{"a", d1, `"awards":[{"id":"1","status":"pending"},{"id":"2","status":"pending"}]`}, {"b", d2, `"awards":[{"id":"2","status":"active"},{"id":"3","status":"active"}]`}},
			`"awards":[{"id":"1","status":"pending"},{"id":"2","status":"active"},{"id":"3","status":"active"}]`, d2, ""},
		{"numeric and string ids are one object; first id kept",
			[]r{{"a", d1, `"awards":[{"id":"1","title":"A"}]`}, {"b", d2, `"awards":[{"id":1,"status":"active"}]`}},
			`"awards":[{"id":"1","status":"active","title":"A"}]`, d2, ""},
		{"empty identifier-merged array adds nothing",
			[]r{{"a", d1, `"awards":[{"id":"1"}]`}, {"b", d2, `"awards":[]`}},
			`"awards":[{"id":"1"}]`, d2, ""},
		{"wholeListMerge replaces the array",
			[]r{{"a", d1, `"parties":[{"id":"p","additionalIdentifiers":[{"scheme":"X","id":"1"},{"scheme":"Y","id":"2"}]}]`}, {"b", d2, `"parties":[{"id":"p","additionalIdentifiers":[{"scheme":"Z","id":"3"}]}]`}},
			`"parties":[{"additionalIdentifiers":[{"id":"3","scheme":"Z"}],"id":"p"}]`, d2, ""},
		{"empty wholeListMerge array replaces",
			[]r{{"a", d1, `"tender":{"submissionMethod":["electronicSubmission"]}`}, {"b", d2, `"tender":{"submissionMethod":[]}`}},
			`"tender":{"submissionMethod":[]}`, d2, ""},
		{"arrays of literals replace",
			[]r{{"a", d1, `"parties":[{"id":"p","roles":["buyer","payer"]}]`}, {"b", d2, `"parties":[{"id":"p","roles":["supplier"]}]`}},
			`"parties":[{"id":"p","roles":["supplier"]}]`, d2, ""},
		{"object arrays without ids replace whole",
			[]r{{"a", d1, `"tender":{"lotDetails":[{"x":1},{"x":2}]}`}, {"b", d2, `"tender":{"lotDetails":[{"x":3}]}`}},
			`"tender":{"lotDetails":[{"x":3}]}`, d2, ""},
		{"schema id-merged array with items lacking ids replaces whole (warning)",
			[]r{{"a", d1, `"tender":{"items":[{"id":"1"},{"description":"a"}]}`}, {"b", d2, `"tender":{"items":[{"description":"b"}]}`}},
			`"tender":{"items":[{"description":"b"}]}`, d2, CodeItemsWithoutID},
		{"duplicate ids in one array: merged, last wins (warning)",
			[]r{{"a", d1, `"awards":[{"id":"1","title":"A","status":"pending"},{"id":"1","status":"active"}]`}},
			`"awards":[{"id":"1","status":"active","title":"A"}]`, d1, CodeDuplicateID},
		{"extension arrays with ids merge by id",
			[]r{{"a", d1, `"tender":{"lots":[{"id":"L1","title":"a"}]}`}, {"b", d2, `"tender":{"lots":[{"id":"L1","status":"active"}]}`}},
			`"tender":{"lots":[{"id":"L1","status":"active","title":"a"}]}`, d2, ""},
		{"type conflict: newer value kept (warning)",
			[]r{{"a", d1, `"tender":{"x":{"a":1}}`}, {"b", d2, `"tender":{"x":"text"}`}},
			`"tender":{"x":"text"}`, d2, CodeTypeConflict},
		{"three releases, compiled date is the latest",
			[]r{{"c", d3, `"tender":{"title":"3"}`}, {"a", d1, `"tender":{"title":"1"}`}, {"b", d2, `"tender":{"title":"2"}`}},
			`"tender":{"title":"3"}`, d3, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rs []procure.SourceRelease
			for _, x := range tc.releases {
				rs = append(rs, rel(t, x.id, x.date, x.body))
			}
			c, err := Compile("ocds-abc123-1", rs)
			if err != nil {
				t.Fatal(err)
			}
			want := compiledWith(tc.date, tc.want)
			if string(c.Release) != want {
				t.Errorf("compiled\n got %s\nwant %s", c.Release, want)
			}
			if got := codes(c.Problems); got != tc.problems {
				t.Errorf("problems %q, want %q (%v)", got, tc.problems, c.Problems)
			}
		})
	}
}

func TestChanges(t *testing.T) {
	rs := []procure.SourceRelease{
		rel(t, "a", "2020-01-01T00:00:00Z", `"tender":{"id":"t","status":"active","value":{"amount":100,"currency":"EUR"}}`),
		rel(t, "b", "2020-02-01T00:00:00Z", `"tender":{"status":"complete","value":{"amount":100.0}},"awards":[{"id":"1","value":{"amount":90,"currency":"EUR"}}]`),
		rel(t, "c", "2020-03-01T00:00:00Z", `"tender":{"status":null},"awards":[{"id":"1","value":{"amount":95}}]`),
	}
	c, err := Compile("ocds-abc123-1", rs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range c.Changes {
		got = append(got, ch.ReleaseID+" "+ch.Date.Format("01-02")+" "+ch.Path+" "+string(ch.Old)+" -> "+string(ch.New))
	}
	want := []string{
		`b 02-01 /awards  -> [{"id":"1","value":{"amount":90,"currency":"EUR"}}]`,
		`b 02-01 /tender/status "active" -> "complete"`,
		`c 03-01 /awards/0/value/amount 90 -> 95`,
		`c 03-01 /tender/status "complete" -> `,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestChangesCapped(t *testing.T) {
	var rs []procure.SourceRelease
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < MaxChanges+20; i++ {
		rs = append(rs, rel(t, itoa(i), base.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), `"tender":{"title":"v`+itoa(i)+`"}`))
	}
	c, err := Compile("ocds-abc123-1", rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Changes) != MaxChanges || !strings.Contains(codes(c.Problems), CodeChangesTruncated) {
		t.Errorf("%d changes, problems %s", len(c.Changes), codes(c.Problems))
	}
}

func TestCompileSelection(t *testing.T) {
	a := rel(t, "a", "2020-01-01T00:00:00Z", `"tender":{"title":"A"}`)
	a2 := rel(t, "a", "2020-01-01T00:00:00Z", `"tender":{"title":"A2"}`)
	comp := rel(t, "x", "2020-05-01T00:00:00Z", `"tender":{"title":"from compiled"}`)
	comp.Compiled = true
	old := rel(t, "y", "2019-05-01T00:00:00Z", `"tender":{"title":"old compiled"}`)
	old.Compiled = true
	other := rel(t, "o", "2020-01-01T00:00:00Z", "")
	other.OCID = "ocds-other-2"

	c, err := Compile("ocds-abc123-1", []procure.SourceRelease{a, a2, old, comp, other})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c.Release), `"title":"from compiled"`) || c.Contract.ReleaseCount != 2 {
		t.Errorf("%s %d", c.Release, c.Contract.ReleaseCount)
	}
	if got := codes(c.Problems); got != CodeDuplicateRelease+","+CodeOtherOCID+","+CodeCompiledSuperseded {
		t.Errorf("problems %s", got)
	}
	// Only compiled releases: merged by date.
	c, err = Compile("ocds-abc123-1", []procure.SourceRelease{comp, old})
	if err != nil || !strings.Contains(string(c.Release), `"from compiled"`) {
		t.Errorf("%v %s", err, c.Release)
	}
	if _, err := Compile("ocds-abc123-1", nil); err == nil {
		t.Error("no error without releases")
	}
	broken := a
	broken.Raw = []byte(`{"broken`)
	if _, err := Compile("ocds-abc123-1", []procure.SourceRelease{broken}); err == nil {
		t.Error("no error for unreadable release")
	}
}
