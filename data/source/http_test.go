package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// reqLog records the requests a test server received.
type reqLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (l *reqLog) add(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r.Clone(context.Background()))
}

func (l *reqLog) all() []*http.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*http.Request(nil), l.reqs...)
}

func (l *reqLog) len() int { return len(l.all()) }

// docs collects what Fetch delivered.
type docs struct {
	bodies []string
	urls   []string
	pages  []int
}

func (d *docs) fn(doc Doc) error {
	b, err := io.ReadAll(doc.Body)
	if err != nil {
		return err
	}
	d.bodies = append(d.bodies, string(b))
	d.urls = append(d.urls, doc.URL)
	d.pages = append(d.pages, doc.Page)
	if doc.Size >= 0 && doc.Consumed != nil && doc.Consumed() != doc.Size {
		return fmt.Errorf("consumed %d of %d bytes", doc.Consumed(), doc.Size)
	}
	return nil
}

// noSleep records waits instead of sleeping.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.mu.Lock()
	n.waits = append(n.waits, d)
	n.mu.Unlock()
	return ctx.Err()
}

func testConfig(u string) Config {
	return Config{Name: "test", Location: u, AllowPrivate: true, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
}

func TestLinksNextPagination(t *testing.T) {
	var log reqLog
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		p, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		next := ""
		if p < 2 {
			// Relative and absolute links both work.
			if p == 0 {
				next = fmt.Sprintf(`"links":{"next":"/api?cursor=%d&updatedFrom=%s"},`, p+1, url.QueryEscape(r.URL.Query().Get("updatedFrom")))
			} else {
				next = fmt.Sprintf(`"links":{"next":"%s/api?cursor=%d"},`, srv.URL, p+1)
			}
		}
		fmt.Fprintf(w, `{"uri":"x",%s"releases":[{"ocid":"o-%d","links":{"next":"decoy"}}],"extensions":["a\"b"]}`, next, p)
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL + "/api")
	cfg.Options = map[string]string{"since_param": "updatedFrom"}
	var d docs
	st, err := Fetch(context.Background(), cfg, State{Since: "2024-01-02T00:00:00Z"}, d.fn)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.bodies) != 3 || d.pages[2] != 3 {
		t.Fatalf("got %d docs (pages %v), want 3", len(d.bodies), d.pages)
	}
	reqs := log.all()
	if got := reqs[0].URL.Query().Get("updatedFrom"); got != "2024-01-02T00:00:00Z" {
		t.Errorf("first request since = %q", got)
	}
	if got := reqs[1].URL.Query().Get("cursor"); got != "1" {
		t.Errorf("second request cursor = %q", got)
	}
	if !strings.Contains(d.bodies[1], `"o-1"`) || !strings.HasPrefix(d.urls[2], srv.URL+"/api?cursor=2") {
		t.Errorf("bodies/urls wrong: %v", d.urls)
	}
	if st.Since != "2024-01-02T00:00:00Z" {
		t.Errorf("Fetch changed Since to %q", st.Since)
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "Tenderlens/") {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestPageAndOffsetPagination(t *testing.T) {
	const total = 7
	var log reqLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("size"))
		start := 0
		if p := q.Get("page"); p != "" {
			n, _ := strconv.Atoi(p)
			start = n * limit // pages are 0-based here
		} else {
			start, _ = strconv.Atoi(q.Get("offset"))
		}
		var items []string
		for i := start; i < min(start+limit, total); i++ {
			items = append(items, fmt.Sprintf(`{"ocid":"o-%d"}`, i))
		}
		fmt.Fprintf(w, `{"records":[%s],"links":{"next":"/ignored"}}`, strings.Join(items, ","))
	}))
	defer srv.Close()
	for _, mode := range []map[string]string{
		{"page_param": "page", "page_start": "0", "limit_param": "size", "limit": "3"},
		{"offset_param": "offset", "limit_param": "size", "limit": "3"},
	} {
		log = reqLog{}
		cfg := testConfig(srv.URL)
		cfg.Options = mode
		var d docs
		if _, err := Fetch(context.Background(), cfg, State{}, d.fn); err != nil {
			t.Fatal(err)
		}
		// 3 + 3 + 1 items, then an empty page that is not delivered.
		if len(d.bodies) != 3 || log.len() != 4 {
			t.Errorf("%v: %d docs, %d requests; want 3 and 4", mode, len(d.bodies), log.len())
		}
		last := log.all()[3].URL.Query()
		if mode["offset_param"] != "" && last.Get("offset") != "7" {
			t.Errorf("last offset = %s", last.Get("offset"))
		}
		if mode["page_param"] != "" && last.Get("page") != "3" {
			t.Errorf("last page = %s", last.Get("page"))
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	var log reqLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		if r.Header.Get("If-None-Match") == `"v1"` || r.Header.Get("If-Modified-Since") == "Mon, 01 Jan 2024 00:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
		io.WriteString(w, `{"releases":[]}`)
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL + "/feed")
	var d docs
	st, err := Fetch(context.Background(), cfg, State{}, d.fn)
	if err != nil {
		t.Fatal(err)
	}
	key := srv.URL + "/feed"
	if st.ETag[key] != `"v1"` || st.LastModified[key] == "" {
		t.Fatalf("state = %+v", st)
	}
	st2, err := Fetch(context.Background(), cfg, st, d.fn)
	if !errors.Is(err, ErrNotModified) {
		t.Fatalf("second fetch err = %v, want ErrNotModified", err)
	}
	if len(d.bodies) != 1 {
		t.Fatalf("304 delivered a document")
	}
	if st2.ETag[key] != `"v1"` {
		t.Fatalf("state lost on 304: %+v", st2)
	}
	if got := log.all()[1].Header.Get("If-None-Match"); got != `"v1"` {
		t.Fatalf("If-None-Match = %q", got)
	}
	// conditional=false sends no validators.
	cfg.Options = map[string]string{"conditional": "false"}
	if _, err := Fetch(context.Background(), cfg, st, d.fn); err != nil {
		t.Fatal(err)
	}
	if got := log.all()[2].Header.Get("If-None-Match"); got != "" {
		t.Fatalf("conditional=false sent If-None-Match %q", got)
	}
}

func TestRetries(t *testing.T) {
	type step struct {
		status int
		header map[string]string
	}
	tests := []struct {
		name     string
		steps    []step // then 200
		retries  int
		opts     map[string]string
		wantErr  error
		attempts int
		waits    []time.Duration // exact waits when Retry-After drives them
	}{
		{name: "500 then ok", steps: []step{{status: 500}}, attempts: 2},
		{name: "502 503 504 then ok", steps: []step{{status: 502}, {status: 503}, {status: 504}}, attempts: 4},
		{name: "429 Retry-After seconds", steps: []step{{429, map[string]string{"Retry-After": "7"}}}, attempts: 2, waits: []time.Duration{7 * time.Second}},
		{name: "503 Retry-After date", steps: []step{{503, map[string]string{"Retry-After": time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)}}}, attempts: 2},
		{name: "404 fails fast", steps: []step{{status: 404}}, wantErr: procure.ErrNotFound, attempts: 1},
		{name: "400 fails fast", steps: []step{{status: 400}}, wantErr: &HTTPError{}, attempts: 1},
		{name: "403 fails fast by default", steps: []step{{status: 403}}, wantErr: &HTTPError{}, attempts: 1},
		{name: "403 retried when configured", steps: []step{{status: 403}}, opts: map[string]string{"retry_status": "403"}, attempts: 2},
		{name: "501 not retried", steps: []step{{status: 501}}, wantErr: &HTTPError{}, attempts: 1},
		{name: "budget exhausted", steps: []step{{status: 500}, {status: 500}, {status: 500}}, retries: 2, wantErr: procure.ErrUnavailable, attempts: 3},
		{name: "Retry-After too long", steps: []step{{429, map[string]string{"Retry-After": "86400"}}}, wantErr: procure.ErrUnavailable, attempts: 1},
		{name: "retries=0 option", steps: []step{{status: 500}}, opts: map[string]string{"retries": "0"}, wantErr: &HTTPError{}, attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				if i < len(tt.steps) {
					for k, v := range tt.steps[i].header {
						w.Header().Set(k, v)
					}
					w.WriteHeader(tt.steps[i].status)
					io.WriteString(w, "<html><body>  busy\n\n  try later </body></html>")
					return
				}
				io.WriteString(w, `{"releases":[{"ocid":"x"}]}`)
			}))
			defer srv.Close()
			var ns noSleep
			cfg := testConfig(srv.URL)
			cfg.Retries, cfg.Options, cfg.sleep = tt.retries, tt.opts, ns.sleep
			var d docs
			_, err := Fetch(context.Background(), cfg, State{}, d.fn)
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil || len(d.bodies) != 1 {
					t.Fatalf("err = %v, docs = %d", err, len(d.bodies))
				}
			case *HTTPError:
				var he *HTTPError
				if !errors.As(err, &he) {
					t.Fatalf("err = %v, want an HTTPError", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("err = %v, want %v", err, want)
				}
			}
			if got := int(n.Load()); got != tt.attempts {
				t.Errorf("attempts = %d, want %d", got, tt.attempts)
			}
			if tt.waits != nil && fmt.Sprint(ns.waits) != fmt.Sprint(tt.waits) {
				t.Errorf("waits = %v, want %v", ns.waits, tt.waits)
			}
			if tt.name == "503 Retry-After date" && (len(ns.waits) != 1 || ns.waits[0] < 80*time.Second || ns.waits[0] > 91*time.Second) {
				t.Errorf("date Retry-After waits = %v, want ≈90s", ns.waits)
			}
			for _, w := range ns.waits {
				if tt.waits == nil && tt.name != "503 Retry-After date" && w > cfg.MaxBackoff {
					t.Errorf("backoff %v above the cap", w)
				}
			}
			if err != nil && strings.Contains(err.Error(), "<html>") {
				t.Errorf("error quotes raw HTML: %v", err)
			}
		})
	}
}

// TestRetryAfterRealTime honours a real one-second Retry-After.
func TestRetryAfterRealTime(t *testing.T) {
	var n atomic.Int64
	var first, second time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		second = time.Now()
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.Backoff = time.Hour // would fail the test if used instead of Retry-After
	cfg.MaxBackoff = time.Hour
	if _, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if gap := second.Sub(first); n.Load() != 2 || gap < 950*time.Millisecond || gap > 3*time.Second {
		t.Fatalf("attempts %d, gap %v; want 2 attempts about 1s apart", n.Load(), gap)
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	o, err := parseConfig(Config{Location: "https://example.org", Backoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		for range 20 {
			if d := o.backoff(attempt); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
}

// TestConnectionResetRetried: the first response is cut half way; the page
// is fetched again and delivered whole, once.
func TestConnectionResetRetried(t *testing.T) {
	var n atomic.Int64
	body := `{"releases":[` + strings.Repeat(`{"ocid":"x"},`, 1000) + `{"ocid":"y"}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, buf, _ := w.(http.Hijacker).Hijack()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
			buf.Flush()
			conn.Close()
			return
		}
		io.WriteString(w, body)
	}))
	defer srv.Close()
	var d docs
	if _, err := Fetch(context.Background(), testConfig(srv.URL), State{}, d.fn); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(d.bodies) != 1 || d.bodies[0] != body {
		t.Fatalf("attempts %d, docs %d", n.Load(), len(d.bodies))
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestGzip(t *testing.T) {
	doc := []byte(`{"releases":[{"ocid":"ocds-1","title":"Ünïcode"}]}`)
	gz := gzipBytes(t, doc)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ce":
			if r.Header.Get("Accept-Encoding") != "gzip" {
				http.Error(w, "want gzip", 400)
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz)
		case "/file.json.gz":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(gz)
		case "/double":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipBytes(t, gz))
		case "/empty":
			w.Header().Set("Content-Encoding", "gzip")
		case "/br":
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("xx"))
		}
	}))
	defer srv.Close()
	for _, p := range []string{"/ce", "/file.json.gz", "/double"} {
		var d docs
		if _, err := Fetch(context.Background(), testConfig(srv.URL+p), State{}, d.fn); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(d.bodies) != 1 || d.bodies[0] != string(doc) {
			t.Fatalf("%s: got %q", p, d.bodies)
		}
	}
	var d docs
	if _, err := Fetch(context.Background(), testConfig(srv.URL+"/empty"), State{}, d.fn); err != nil || d.bodies[0] != "" {
		t.Fatalf("/empty: %v %q", err, d.bodies)
	}
	if _, err := Fetch(context.Background(), testConfig(srv.URL+"/br"), State{}, d.fn); err == nil || !strings.Contains(err.Error(), "Content-Encoding") {
		t.Fatalf("/br: %v", err)
	}
}

// TestSizeCaps is I-1 / I-7 scaled down: plain, chunked and compressed
// bodies over the cap, and a gzip bomb stopped by the ratio check.
func TestSizeCaps(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 5000)
	zeros := make([]byte, 64<<20) // 64 MiB of zeros ≈ 64 KiB gzipped
	bomb := gzipBytes(t, zeros)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/length":
			w.Write(big)
		case "/chunked":
			w.(http.Flusher).Flush()
			for range 5 {
				w.Write(big[:1000])
				w.(http.Flusher).Flush()
			}
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipBytes(t, big))
		case "/bomb":
			w.Header().Set("Content-Type", "application/gzip")
			w.Write(bomb)
		}
	}))
	defer srv.Close()
	for _, p := range []string{"/length", "/chunked", "/gzip"} {
		hits.Store(0)
		cfg := testConfig(srv.URL + p)
		cfg.MaxBytes = 4096
		_, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { t.Errorf("%s delivered", p); return nil })
		if !errors.Is(err, ErrTooLarge) || !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrTooLarge", p, err)
		}
		if hits.Load() != 1 {
			t.Errorf("%s: a size error was retried (%d requests)", p, hits.Load())
		}
	}
	// Exactly at the cap passes.
	cfg := testConfig(srv.URL + "/length")
	cfg.MaxBytes = 5000
	if _, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { return nil }); err != nil {
		t.Errorf("body of exactly MaxBytes refused: %v", err)
	}
	// The bomb: a large cap, but the ratio check fires early.
	cfg = testConfig(srv.URL + "/bomb")
	cfg.MaxBytes = 1 << 40
	cfg.ratioFloor = 1 << 20
	start := time.Now()
	_, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { t.Error("bomb delivered"); return nil })
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "decompression bomb") {
		t.Fatalf("bomb: err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("bomb took %v to stop", d)
	}
}

// TestTimeouts is I-7 scaled down: a server that stalls, and one that
// trickles.
func TestTimeouts(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/stall-headers":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/stall-body":
			w.Write([]byte(`{"releases":[`))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/trickle":
			for range 100 {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-time.After(20 * time.Millisecond):
				case <-r.Context().Done():
					return
				}
			}
		}
	}))
	defer srv.Close()
	for _, tt := range []struct {
		path          string
		idle, timeout time.Duration
		want          error
	}{
		{"/stall-headers", 150 * time.Millisecond, 10 * time.Second, errIdle},
		{"/stall-body", 150 * time.Millisecond, 10 * time.Second, errIdle},
		{"/trickle", 2 * time.Second, 400 * time.Millisecond, errTimeout},
	} {
		hits.Store(0)
		cfg := testConfig(srv.URL + tt.path)
		cfg.IdleTimeout, cfg.Timeout = tt.idle, tt.timeout
		cfg.Retries = 1
		start := time.Now()
		_, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { return nil })
		if !errors.Is(err, tt.want) || !errors.Is(err, procure.ErrUnavailable) {
			t.Errorf("%s: err = %v, want %v after retries", tt.path, err, tt.want)
		}
		if hits.Load() != 2 {
			t.Errorf("%s: %d attempts, want 2", tt.path, hits.Load())
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %v", tt.path, d)
		}
	}
}

func TestCancelStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	cfg := testConfig(srv.URL)
	cfg.Backoff, cfg.MaxBackoff, cfg.Retries = time.Hour, time.Hour, 5
	start := time.Now()
	_, err := Fetch(ctx, cfg, State{}, func(Doc) error { return nil })
	if err == nil || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestPageLoopAndLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/self":
			io.WriteString(w, `{"releases":[{}],"links":{"next":"/self"}}`)
		case "/cycle-a":
			io.WriteString(w, `{"releases":[{}],"links":{"next":"/cycle-b"}}`)
		case "/cycle-b":
			io.WriteString(w, `{"releases":[{}],"links":{"next":"/cycle-a"}}`)
		case "/endless":
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			fmt.Fprintf(w, `{"releases":[{}],"links":{"next":"/endless?n=%d"}}`, n+1)
		case "/null":
			io.WriteString(w, `{"releases":[{}],"links":{"next":null}}`)
		case "/broken":
			io.WriteString(w, `{"releases":[{}, {"unterminated": "}`)
		}
	}))
	defer srv.Close()
	for _, tt := range []struct {
		path string
		opts map[string]string
		want error
		docs int
	}{
		{"/self", nil, ErrPageLoop, 1},
		{"/cycle-a", nil, ErrPageLoop, 2},
		{"/endless", map[string]string{"max_pages": "4"}, ErrPageLimit, 4},
		{"/null", nil, nil, 1},
		{"/endless", map[string]string{"next": "none"}, nil, 1},
		{"/broken", nil, errors.New("cannot follow pagination"), 1},
	} {
		cfg := testConfig(srv.URL + tt.path)
		cfg.Options = tt.opts
		var d docs
		_, err := Fetch(context.Background(), cfg, State{}, d.fn)
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: %v", tt.path, err)
		case tt.want != nil && errors.Is(tt.want, ErrPageLoop) || errors.Is(tt.want, ErrPageLimit):
			if !errors.Is(err, tt.want) {
				t.Errorf("%s: err = %v, want %v", tt.path, err, tt.want)
			}
		case tt.want != nil && (err == nil || !strings.Contains(err.Error(), tt.want.Error())):
			t.Errorf("%s: err = %v, want %v", tt.path, err, tt.want)
		}
		if len(d.bodies) != tt.docs {
			t.Errorf("%s: %d docs, want %d", tt.path, len(d.bodies), tt.docs)
		}
	}
}

func TestSpoolToDisk(t *testing.T) {
	body := `{"releases":[` + strings.Repeat(`{"ocid":"ocds-abc","x":"yyyyyyyyyyyyyyyy"},`, 5000) + `{}],"links":{"next":null}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.SpoolMemory = 1024
	cfg.TempDir = t.TempDir()
	var d docs
	if _, err := Fetch(context.Background(), cfg, State{}, d.fn); err != nil {
		t.Fatal(err)
	}
	if len(d.bodies) != 1 || d.bodies[0] != body {
		t.Fatal("spooled body differs")
	}
}

func TestHeadersAndRedaction(t *testing.T) {
	var log reqLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		if r.Header.Get("If-None-Match") == `"e1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"e1"`)
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("me", "secret")
	u.RawQuery = "api_key=s3cr3t&x=1"
	cfg := testConfig(u.String())
	cfg.Options = map[string]string{
		"user_agent":    "Mozilla/5.0 (X11; Linux x86_64) Tenderlens",
		"header.Accept": "application/json",
		"headers":       "X-One: 1\nX-Two: two words",
		"hide_params":   "api_key",
	}
	var d docs
	st, err := Fetch(context.Background(), cfg, State{}, d.fn)
	if err != nil {
		t.Fatal(err)
	}
	for k := range st.ETag {
		if strings.Contains(k, "s3cr3t") || strings.Contains(k, "secret") {
			t.Errorf("state key %q holds a secret", k)
		}
	}
	if _, err := Fetch(context.Background(), cfg, st, d.fn); !errors.Is(err, ErrNotModified) {
		t.Errorf("redacted state key did not match on the next run: %v", err)
	}
	r := log.all()[0]
	if r.Header.Get("User-Agent") != "Mozilla/5.0 (X11; Linux x86_64) Tenderlens" || r.Header.Get("X-Two") != "two words" || r.Header.Get("Accept") != "application/json" {
		t.Errorf("headers = %v", r.Header)
	}
	if r.URL.Query().Get("api_key") != "s3cr3t" {
		t.Errorf("api_key not sent")
	}
	if strings.Contains(d.urls[0], "s3cr3t") || strings.Contains(d.urls[0], "secret") || !strings.Contains(d.urls[0], "x=1") {
		t.Errorf("Doc.URL = %s, want secrets removed", d.urls[0])
	}
}

func TestMinInterval(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if n < 2 {
			fmt.Fprintf(w, `{"links":{"next":"?n=%d"}}`, n+1)
			return
		}
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	var ns noSleep
	cfg := testConfig(srv.URL)
	cfg.Options = map[string]string{"min_interval": "10s"}
	cfg.sleep = ns.sleep
	if _, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ns.waits) != "[10s 10s]" {
		t.Fatalf("waits = %v", ns.waits)
	}
}

func TestCheckConfig(t *testing.T) {
	bad := []Config{
		{Location: ""},
		{Location: "https://example.org", Options: map[string]string{"sinceparam": "x"}},
		{Location: "https://example.org", Options: map[string]string{"limit": "10"}},
		{Location: "https://example.org", Options: map[string]string{"page_param": "p", "offset_param": "o"}},
		{Location: "https://example.org", Options: map[string]string{"max_pages": "0"}},
		{Location: "https://example.org", Options: map[string]string{"backoff": "soon"}},
		{Location: "https://example.org", Options: map[string]string{"header.Host": "evil"}},
		{Location: "https://example.org", Options: map[string]string{"headers": "X-A: 1\r\nX-B"}},
		{Location: "https://example.org", Options: map[string]string{"retry_status": "200"}},
		{Location: "https://example.org", Options: map[string]string{"next": "links..next"}},
		{Location: "/tmp/x.json", Options: map[string]string{"since_param": "x"}},
		{Location: "http://169.254.169.254/"},
		{Location: "gopher://example.org/"},
	}
	for _, c := range bad {
		if err := CheckConfig(c); err == nil || !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("CheckConfig(%v %v) = %v, want an invalid error", c.Location, c.Options, err)
		}
	}
	good := []Config{
		{Location: "https://example.org/api", Options: map[string]string{"since_param": "updatedFrom", "limit_param": "limit", "limit": "100", "next": "next_page.uri", "retry_status": "403, 409", "min_interval": "10s"}},
		{Location: "/srv/data/drop"},
		{Location: "relative/dir", Options: map[string]string{"conditional": "false"}},
		{Location: "http://127.0.0.1:8080/", AllowPrivate: true},
	}
	for _, c := range good {
		if err := CheckConfig(c); err != nil {
			t.Errorf("CheckConfig(%v) = %v", c.Location, err)
		}
	}
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"5", 5 * time.Second}, {"-3", 0}, {"soon", 0},
		{"Wed, 01 May 2024 12:02:00 GMT", 2 * time.Minute},
		{"Wed, 01 May 2024 11:00:00 GMT", 0},
	} {
		if got := retryAfter(tt.v, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestURLsAsWritten: a configured URL is requested exactly as written, and
// a relative links.next is resolved against the URL after redirects.
func TestURLsAsWritten(t *testing.T) {
	var log reqLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		switch r.URL.Path {
		case "/old/feed":
			http.Redirect(w, r, "/v2/feed?"+r.URL.RawQuery, http.StatusMovedPermanently)
		case "/v2/feed":
			if r.URL.Query().Get("p") == "" {
				io.WriteString(w, `{"links":{"next":"feed?p=2"}}`)
				return
			}
			io.WriteString(w, `{}`)
		}
	}))
	defer srv.Close()
	var d docs
	if _, err := Fetch(context.Background(), testConfig(srv.URL+"/old/feed?z=1&a=%20x+y"), State{}, d.fn); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range log.all() {
		got = append(got, r.URL.RequestURI())
	}
	want := []string{"/old/feed?z=1&a=%20x+y", "/v2/feed?z=1&a=%20x+y", "/v2/feed?p=2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("requests %v, want %v", got, want)
	}
	if d.urls[0] != srv.URL+"/v2/feed?z=1&a=%20x+y" {
		t.Fatalf("Doc.URL = %s, want the final URL", d.urls[0])
	}
}
