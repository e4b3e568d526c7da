package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tenderlens/tenderlens/data/procure"
)

// TestChartMatchesTable renders the agency page and checks, for every
// chart: its bars and the table beside it hold the same years and exact
// amounts; bar heights are proportional to the amounts; one currency per
// chart, never mixed.
func TestChartMatchesTable(t *testing.T) {
	f := newFakeData(plainText)
	ag := f.agencies[testBuyerID]
	ag.ByYear = []procure.YearTotal{
		{Year: 2017, Amount: money("10.5", "UAH"), Count: 1},
		{Year: 2019, Amount: money("1234567.8901", "UAH"), Count: 3},
		{Year: 2020, Amount: money("-1000", "UAH"), Count: 1},
		{Year: 2019, Amount: money("99", "EUR"), Count: 1},
		{Year: 2021, Amount: money("5", "")},
		{Year: 1950, Amount: money("1", "USD"), Count: 1},
		{Year: 2024, Amount: money("2", "USD"), Count: 1}, // span > chartMaxFill: no gap filling
	}
	f.agencies[testBuyerID] = ag
	app := newTestApp(t, f)
	r := do(t, app, http.MethodGet, "/agencies/"+testBuyerID)
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	doc := parseHTML(t, r.body)
	svgs := find(doc, func(n *html.Node) bool { return n.Data == "svg" })
	if len(svgs) != 4 {
		t.Fatalf("%d charts, want 4 (one per currency)", len(svgs))
	}
	wantYears := map[string][]string{
		"(currency not stated)": {"2021"},
		"EUR":                   {"2019"},
		"UAH":                   {"2017", "2018", "2019", "2020"},
		"USD":                   {"1950", "2024"},
	}
	for _, svg := range svgs {
		cur, _ := attr(svg, "data-currency")
		if role, _ := attr(svg, "role"); role != "img" {
			t.Errorf("%s chart: role %q", cur, role)
		}
		if _, ok := attr(svg, "style"); ok {
			t.Errorf("%s chart uses style=", cur)
		}
		if len(find(svg, func(n *html.Node) bool { return n.Data == "title" })) == 0 || len(find(svg, func(n *html.Node) bool { return n.Data == "desc" })) != 1 {
			t.Errorf("%s chart lacks <title>/<desc>", cur)
		}
		type bar struct {
			amount string
			h      float64
		}
		bars := map[string]bar{}
		var order []string
		for _, rect := range find(svg, func(n *html.Node) bool { return n.Data == "rect" }) {
			y, _ := attr(rect, "data-year")
			a, _ := attr(rect, "data-amount")
			hs, _ := attr(rect, "height")
			h, err := strconv.ParseFloat(hs, 64)
			if err != nil || h < 0 {
				t.Errorf("%s %s: height %q", cur, y, hs)
			}
			bars[y] = bar{a, h}
			order = append(order, y)
			if tt := textOf(rect); !strings.Contains(tt, "\u00a0"+cur+" (") {
				t.Errorf("%s chart: bar label %q names another currency", cur, tt)
			}
		}
		if strings.Join(order, ",") != strings.Join(wantYears[cur], ",") {
			t.Errorf("%s chart years %v, want %v", cur, order, wantYears[cur])
		}
		// the table beside the chart
		wrap := svg.Parent.Parent.Parent // svg < div.chart-scroll < figure < div.chart-pair
		tables := find(wrap, func(n *html.Node) bool { return n.Data == "table" })
		if len(tables) != 1 {
			t.Fatalf("%s chart: %d tables beside it", cur, len(tables))
		}
		rows := find(tables[0], func(n *html.Node) bool { _, ok := attr(n, "data-year"); return n.Data == "tr" && ok })
		if len(rows) != len(bars) {
			t.Errorf("%s: %d table rows, %d bars", cur, len(rows), len(bars))
		}
		var ratio float64
		for _, row := range rows {
			y, _ := attr(row, "data-year")
			a, _ := attr(row, "data-amount")
			b, ok := bars[y]
			if !ok || b.amount != a {
				t.Errorf("%s %s: table amount %s, bar amount %s", cur, y, a, b.amount)
				continue
			}
			cells := find(row, func(n *html.Node) bool { return n.Data == "td" })
			d, _ := procure.ParseDecimal(a)
			if txt := textOf(cells[0]); txt != formatMoney(procure.Money{Amount: d, Currency: strings.Trim(cur, "()")}) && !strings.HasSuffix(txt, cur) {
				t.Errorf("%s %s: table shows %q", cur, y, txt)
			}
			v := math.Abs(d.Float64())
			if v == 0 {
				if b.h != 0 {
					t.Errorf("%s %s: zero amount, bar height %v", cur, y, b.h)
				}
				continue
			}
			if ratio == 0 {
				ratio = b.h / v
			} else if math.Abs(b.h/v-ratio)/ratio > 0.01 && b.h > 1 {
				t.Errorf("%s %s: bar height %v not proportional to %v", cur, y, b.h, v)
			}
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct{ lo, hi float64 }{{0, 1}, {0, 100000}, {-200, 100000}, {-5e6, 0}, {0, 1234567.89}, {0, 7}, {-1, 1}} {
		ticks, lo, hi := niceTicks(tc.lo, tc.hi)
		if lo > tc.lo || hi < tc.hi || len(ticks) < 2 || len(ticks) > 7 {
			t.Errorf("niceTicks(%v, %v) = %v [%v, %v]", tc.lo, tc.hi, ticks, lo, hi)
		}
	}
	if ticks, _, _ := niceTicks(-200, 100000); ticks[0] != -20000 {
		t.Errorf("a small refund wastes the chart: ticks %v", ticks)
	}
}
