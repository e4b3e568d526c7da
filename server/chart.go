package server

import (
	"math"
	"sort"
	"strconv"

	"github.com/tenderlens/tenderlens/data/procure"
)

// chartView is a server-rendered SVG bar chart of spending per year in ONE
// currency, with the same numbers as a table (Rows) for people who cannot
// see the chart and for anyone who wants the exact figures.
type chartView struct {
	ID       string // unique on the page, for aria-labelledby
	Currency string
	Title    string
	Desc     string
	Caption  string
	Width    int
	Height   int
	Fluid    bool // small enough to scale with the page; wider charts scroll
	// plot area
	Left, Top, Right, Bottom int
	TickX                    int // right edge of the amount labels
	YearY                    int // baseline of the year labels
	ZeroY                    string
	Bars                     []barView
	YTicks                   []tickView
	Rows                     []chartRow
}

// barView is one bar, in SVG user units.
type barView struct {
	Year     string
	Amount   string // exact decimal, as in the table
	Label    string // "2021: 1,234.00 USD (12 awards)"
	X, Y     string
	W, H     string
	Negative bool
	LabelX   string // year label position
	ShowYear bool
}

type tickView struct {
	Y     string
	Label string
}

// chartRow is one row of the data table beside the chart.
type chartRow struct {
	Year   string
	Amount string // formatted money
	Exact  string // exact decimal, equal to the bar's Amount
	Count  string
}

// Chart geometry (SVG user units).
const (
	chartHeight    = 260
	chartTop       = 16
	chartBottom    = 40 // room for year labels
	chartLeft      = 76 // room for amount labels
	chartRight     = 16
	chartSlot      = 44 // width per year, at least
	chartMaxSlot   = 110
	chartMinPlot   = 440 // few years get wider bars rather than a tiny chart
	chartMinWidth  = 300
	chartMaxFill   = 50 // fill missing years with zero bars only for spans up to this
	chartMaxLabels = 16 // year labels shown at most; the table has all years
)

// buildCharts makes one chart per currency from per-year totals. Years
// without counted spending inside the span get a zero bar (and a table row)
// so the time axis is honest.
func buildCharts(byYear []procure.YearTotal) []chartView {
	groups := map[string][]procure.YearTotal{}
	for _, y := range byYear {
		groups[y.Amount.Currency] = append(groups[y.Amount.Currency], y)
	}
	var out []chartView
	for i, cur := range sortedKeys(groups) {
		out = append(out, buildChart(i, cur, groups[cur]))
	}
	return out
}

func buildChart(index int, currency string, years []procure.YearTotal) chartView {
	sort.SliceStable(years, func(a, b int) bool { return years[a].Year < years[b].Year })
	// merge duplicates of a year (defensive) and fill gaps
	byYear := map[int]procure.YearTotal{}
	var order []int
	for _, y := range years {
		if prev, ok := byYear[y.Year]; ok {
			sum, err := prev.Amount.Amount.Add(y.Amount.Amount)
			if err == nil {
				prev.Amount.Amount = sum
			}
			prev.Count += y.Count
			byYear[y.Year] = prev
			continue
		}
		byYear[y.Year] = y
		order = append(order, y.Year)
	}
	if n := len(order); n > 1 && order[n-1]-order[0] < chartMaxFill {
		order = order[:0]
		for y := years[0].Year; y <= years[len(years)-1].Year; y++ {
			order = append(order, y)
			if _, ok := byYear[y]; !ok {
				byYear[y] = procure.YearTotal{Year: y, Amount: procure.Money{Currency: currency}}
			}
		}
	}

	cur := currencyLabel(currency)
	c := chartView{
		ID:       "chart-" + strconv.Itoa(index),
		Currency: cur,
		Height:   chartHeight,
		Left:     chartLeft,
		Top:      chartTop,
		Bottom:   chartHeight - chartBottom,
		TickX:    chartLeft - 8,
		YearY:    chartHeight - chartBottom + 22,
	}
	slot := chartSlot
	if len(order)*slot < chartMinPlot {
		slot = min(chartMinPlot/len(order), chartMaxSlot)
	}
	bar := slot * 2 / 3
	c.Width = chartLeft + len(order)*slot + chartRight
	if c.Width < chartMinWidth {
		c.Width = chartMinWidth
	}
	c.Right = c.Width - chartRight
	c.Fluid = c.Width <= 720
	first, last := order[0], order[len(order)-1]
	span := strconv.Itoa(first)
	if last != first {
		span += "–" + strconv.Itoa(last)
	}
	c.Title = "Spending per year in " + cur + ", " + span
	c.Caption = "Spending per year in " + cur
	c.Desc = "Bar chart of counted award values per year in " + cur + ". The table next to it lists the same figures."

	// scale
	vmin, vmax := 0.0, 0.0
	for _, y := range order {
		v := byYear[y].Amount.Amount.Float64()
		vmin = math.Min(vmin, v)
		vmax = math.Max(vmax, v)
	}
	ticks, lo, hi := niceTicks(vmin, vmax)
	plotH := float64(c.Bottom - c.Top)
	yOf := func(v float64) float64 { return float64(c.Top) + (hi-v)/(hi-lo)*plotH }
	zero := yOf(0)
	c.ZeroY = coord(zero)
	for _, t := range ticks {
		c.YTicks = append(c.YTicks, tickView{Y: coord(yOf(t)), Label: compactNumber(t)})
	}
	every := (len(order) + chartMaxLabels - 1) / chartMaxLabels
	for i, y := range order {
		yt := byYear[y]
		v := yt.Amount.Amount.Float64()
		x := float64(chartLeft + i*slot + (slot-bar)/2)
		top, h := yOf(v), zero-yOf(v)
		if v < 0 {
			top, h = zero, yOf(v)-zero
		}
		exact := yt.Amount.Amount.String()
		money := formatMoney(procure.Money{Amount: yt.Amount.Amount, Currency: currency})
		c.Bars = append(c.Bars, barView{
			Year:     strconv.Itoa(y),
			Amount:   exact,
			Label:    strconv.Itoa(y) + ": " + money + " (" + plural(yt.Count, "award", "awards") + ")",
			X:        coord(x),
			Y:        coord(top),
			W:        strconv.Itoa(bar),
			H:        coord(h),
			Negative: v < 0,
			LabelX:   coord(x + float64(bar)/2),
			ShowYear: i%every == 0,
		})
		c.Rows = append(c.Rows, chartRow{Year: strconv.Itoa(y), Amount: money, Exact: exact, Count: formatInt(yt.Count)})
	}
	return c
}

// niceTicks returns at most 7 round tick values (steps of 1, 2, 2.5 or 5
// times a power of ten) covering [vmin, vmax], which include 0, and the
// covered domain.
func niceTicks(vmin, vmax float64) (ticks []float64, lo, hi float64) {
	if vmax == vmin {
		vmax = vmin + 1
	}
	const maxIntervals = 6
	mag := math.Pow(10, math.Floor(math.Log10((vmax-vmin)/maxIntervals)))
	step := mag
search:
	for _, scale := range []float64{1, 10, 100} {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step = m * mag * scale
			if math.Ceil(vmax/step)-math.Floor(vmin/step) <= maxIntervals {
				break search
			}
		}
	}
	lo = math.Floor(vmin/step) * step
	hi = math.Ceil(vmax/step) * step
	if hi == lo {
		hi = lo + step
	}
	n := int(math.Round((hi - lo) / step))
	for i := 0; i <= n; i++ {
		ticks = append(ticks, lo+float64(i)*step)
	}
	return ticks, lo, hi
}

// coord formats an SVG coordinate with at most two decimals.
func coord(v float64) string { return trimFloat(math.Round(v*100) / 100) }
