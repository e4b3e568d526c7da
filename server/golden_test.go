package server

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/net/html"

	"github.com/tenderlens/tenderlens/data/procure"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestChartGolden pins the SVG a known series renders to; run with -update
// after an intended change and review the diff.
func TestChartGolden(t *testing.T) {
	s, err := newServer(Config{Logger: discardLogger()}, Deps{Search: newFakeData(plainText), Catalog: newFakeData(plainText)})
	if err != nil {
		t.Fatal(err)
	}
	page := agencyPage{Charts: buildCharts([]procure.YearTotal{
		{Year: 2019, Amount: money("1200000", "USD"), Count: 4},
		{Year: 2021, Amount: money("350000.5", "USD"), Count: 2},
		{Year: 2022, Amount: money("-20000", "USD"), Count: 1},
	})}
	var buf bytes.Buffer
	if err := s.pages.Execute(&buf, pageAgency, page); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, buf.String())
	pairs := find(doc, func(n *html.Node) bool { return hasClass(n, "chart-pair") })
	if len(pairs) != 1 {
		t.Fatalf("%d charts", len(pairs))
	}
	var got bytes.Buffer
	if err := html.Render(&got, pairs[0]); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	path := filepath.Join("testdata", "chart.golden")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestChartGolden -update)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("chart differs from %s (run with -update after an intended change):\n%s", path, got.String())
	}
}
