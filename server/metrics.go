package server

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"
)

// metrics collects request and search figures and writes them in the
// Prometheus text exposition format (written by hand: no dependency).
type metrics struct {
	mu       sync.Mutex
	start    time.Time
	requests map[requestKey]uint64
	latency  map[string]*histogram // by route
	search   map[string]*histogram // by outcome
}

type requestKey struct {
	route string
	code  int
}

// Bucket upper bounds in seconds.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

func newMetrics() *metrics {
	return &metrics{
		start:    time.Now(),
		requests: map[requestKey]uint64{},
		latency:  map[string]*histogram{},
		search:   map[string]*histogram{},
	}
}

func (h *histogram) observe(sec float64) {
	if h.counts == nil {
		h.counts = make([]uint64, len(latencyBuckets))
	}
	for i, b := range latencyBuckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.count++
	h.sum += sec
}

func (m *metrics) observeRequest(route string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{}
		m.latency[route] = h
	}
	h.observe(d.Seconds())
}

func (m *metrics) observeSearch(d time.Duration, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.search[outcome]
	if h == nil {
		h = &histogram{}
		m.search[outcome] = h
	}
	h.observe(d.Seconds())
}

// write writes every metric, sorted, in the text format.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP tenderlens_http_requests_total HTTP requests answered, by route and status code.")
	fmt.Fprintln(w, "# TYPE tenderlens_http_requests_total counter")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].route != keys[b].route {
			return keys[a].route < keys[b].route
		}
		return keys[a].code < keys[b].code
	})
	for _, k := range keys {
		fmt.Fprintf(w, "tenderlens_http_requests_total{route=%q,code=\"%d\"} %d\n", k.route, k.code, m.requests[k])
	}
	writeHistograms(w, "tenderlens_http_request_duration_seconds", "Time to answer HTTP requests, by route.", "route", m.latency)
	writeHistograms(w, "tenderlens_search_duration_seconds", "Time spent in the search index, by outcome (ok, refused, unavailable, error).", "outcome", m.search)
	fmt.Fprintln(w, "# HELP tenderlens_process_start_time_seconds Start time of the web server since the Unix epoch.")
	fmt.Fprintln(w, "# TYPE tenderlens_process_start_time_seconds gauge")
	fmt.Fprintf(w, "tenderlens_process_start_time_seconds %d\n", m.start.Unix())
}

func writeHistograms(w io.Writer, name, help, label string, hs map[string]*histogram) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	for _, k := range sortedKeys(hs) {
		h := hs[k]
		var cum uint64
		for i, b := range latencyBuckets {
			if h.counts != nil {
				cum += h.counts[i]
			}
			fmt.Fprintf(w, "%s_bucket{%s=%q,le=%q} %d\n", name, label, k, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "%s_bucket{%s=%q,le=\"+Inf\"} %d\n", name, label, k, h.count)
		fmt.Fprintf(w, "%s_sum{%s=%q} %s\n", name, label, k, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(w, "%s_count{%s=%q} %d\n", name, label, k, h.count)
	}
}
