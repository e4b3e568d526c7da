package source

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
)

func TestCheckAddr(t *testing.T) {
	blocked := []string{
		"127.0.0.1", "127.255.255.254", "::1", "0.0.0.0", "::", "0.1.2.3",
		"10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "100.64.0.1",
		"169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1",
		"224.0.0.1", "239.255.255.250", "ff02::1", "ff05::2", "255.255.255.255", "240.0.0.1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
		"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::1",
		"192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "2001:db8::1", "fec0::1",
		"100::1", "2001::1",
	}
	allowed := []string{
		"8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700::6810:84e5", "::ffff:8.8.8.8",
		"64:ff9b::808:808", "2002:808:808::1", "172.32.0.1", "100.128.0.1", "169.253.0.1",
	}
	for _, s := range blocked {
		a := netip.MustParseAddr(s)
		if err := checkAddr(a); err == nil || !errors.Is(err, ErrBlocked) || !errors.Is(err, procure.ErrInvalid) {
			t.Errorf("checkAddr(%s) = %v, want a blocked error", s, err)
		}
	}
	for _, s := range allowed {
		if err := checkAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("checkAddr(%s) = %v, want allowed", s, err)
		}
	}
}

func TestCheckHostNumericForms(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"example.org", true},
		{"data.gov.ua", true},
		{"123abc.example", true},
		{"8.8.8.8", true},
		{"2130706433", false},   // decimal 127.0.0.1
		{"0x7f.1", false},       // hex + short form
		{"0x7f000001", false},   // hex
		{"017700000001", false}, // octal
		{"0177.0.0.1", false},   // octal first part
		{"127.1", false},        // short form
		{"127.0.1", false},
		{"3232235777", false}, // 192.168.1.1
		{"134744072", false},  // 8.8.8.8 in decimal: refused too, whatever it means
		{"localhost", false},
		{"LOCALHOST.", false},
		{"api.localhost", false},
		{"127.0.0.1", false},
		{"0.0.0.0", false},
		{"169.254.169.254", false},
		{"foo.123", false}, // ends in a number
		{"::1", false},
		{"::ffff:127.0.0.1", false},
	}
	for _, tt := range tests {
		err := checkHost(tt.host)
		if (err == nil) != tt.ok {
			t.Errorf("checkHost(%q) = %v, want ok=%v", tt.host, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Errorf("checkHost(%q) error %v does not match ErrBlocked", tt.host, err)
		}
	}
	if a, ok := parseInetAton("0x7f.1"); !ok || a != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("parseInetAton(0x7f.1) = %v, %v", a, ok)
	}
	if a, ok := parseInetAton("2130706433"); !ok || a != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("parseInetAton(2130706433) = %v, %v", a, ok)
	}
	if _, ok := parseInetAton("256.1.1.1"); ok {
		t.Errorf("parseInetAton(256.1.1.1) accepted")
	}
}

// countingServer is a loopback listener that must never be reached.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, `{"secret":"internal"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func portOf(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// TestSSRFRefused is I-6: every internal address form is refused and the
// loopback listener records no hit.
func TestSSRFRefused(t *testing.T) {
	internal, hits := countingServer(t)
	port := portOf(t, internal)
	urls := []string{
		"http://127.0.0.1:" + port + "/",
		"http://[::1]:" + port + "/",
		"http://0.0.0.0:" + port + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://2130706433:" + port + "/",
		"http://0x7f.1:" + port + "/",
		"http://0x7f000001:" + port + "/",
		"http://017700000001:" + port + "/",
		"http://127.1:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://[::ffff:7f00:1]:" + port + "/",
		"http://localhost:" + port + "/",
		"http://10.1.2.3/",
		"http://192.168.0.1/",
		"http://[fe80::1%25lo]:" + port + "/",
		"http://224.0.0.1/",
		// A name the (test) resolver maps to loopback: caught at connect time.
		"http://internal.example:" + port + "/",
		"http://user:pass@internal.example:" + port + "/",
		"file:///etc/passwd",
		"gopher://127.0.0.1:" + port + "/_GET",
		"ftp://example.org/x.json",
		"dict://127.0.0.1:" + port + "/",
	}
	for _, u := range urls {
		cfg := Config{Name: "t", Location: u, Retries: -1, hostAlias: map[string]string{"internal.example": "127.0.0.1"}}
		called := false
		_, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { called = true; return nil })
		if err == nil || !errors.Is(err, ErrBlocked) {
			t.Errorf("Fetch(%s) = %v, want ErrBlocked", u, err)
		}
		if called {
			t.Errorf("Fetch(%s) delivered a document", u)
		}
		if strings.Contains(err.Error(), "pass@") {
			t.Errorf("Fetch(%s) error leaks credentials: %v", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("internal listener was reached %d times", n)
	}
	// The same URL works when the guard is disabled (as other tests do).
	_, err := Fetch(context.Background(), Config{Location: internal.URL, AllowPrivate: true}, State{}, func(Doc) error { return nil })
	if err != nil || hits.Load() != 1 {
		t.Fatalf("AllowPrivate fetch: err=%v hits=%d", err, hits.Load())
	}
}

// TestSSRFRedirect: an allowed server redirects (or links) to internal
// addresses; the second hop is refused and never reached.
func TestSSRFRedirect(t *testing.T) {
	internal, hits := countingServer(t)
	port := portOf(t, internal)
	targets := []string{
		"http://127.0.0.1:" + port + "/",
		"http://internal.example:" + port + "/",
		"http://2130706433:" + port + "/",
		"file:///etc/passwd",
		"http://[::1]:" + port + "/",
	}
	for _, target := range targets {
		public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/redirect":
				http.Redirect(w, r, target, http.StatusFound)
			case "/next":
				io.WriteString(w, `{"releases":[],"links":{"next":"`+target+`"}}`)
			}
		}))
		pubPort := portOf(t, public)
		allow := func(ap netip.AddrPort) bool { return ap.Port() == mustPort(pubPort) }
		for _, path := range []string{"/redirect", "/next"} {
			cfg := Config{Location: public.URL + path, Retries: -1, allowAddr: allow, hostAlias: map[string]string{"internal.example": "127.0.0.1"}}
			_, err := Fetch(context.Background(), cfg, State{}, func(Doc) error { return nil })
			if !errors.Is(err, ErrBlocked) {
				t.Errorf("%s to %s: err = %v, want ErrBlocked", path, target, err)
			}
		}
		public.Close()
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("internal listener was reached %d times through redirects", n)
	}
}

func mustPort(s string) uint16 {
	var n uint16
	for _, c := range s {
		n = n*10 + uint16(c-'0')
	}
	return n
}

func TestRedirectPolicy(t *testing.T) {
	o, err := parseConfig(Config{Location: "https://example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(s string) *http.Request {
		u, _ := url.Parse(s)
		return &http.Request{URL: u}
	}
	if err := o.checkRedirect(mk("http://example.org/x"), []*http.Request{mk("https://example.org/")}); !errors.Is(err, ErrBlocked) {
		t.Errorf("https→http downgrade: %v", err)
	}
	if err := o.checkRedirect(mk("https://example.net/x"), []*http.Request{mk("https://example.org/")}); err != nil {
		t.Errorf("https→https: %v", err)
	}
	via := make([]*http.Request, 5)
	for i := range via {
		via[i] = mk("https://example.org/")
	}
	if err := o.checkRedirect(mk("https://example.org/6"), via); !errors.Is(err, ErrBlocked) {
		t.Errorf("6th redirect: %v", err)
	}
}

// TestRedirectLimitLive follows a real redirect loop on loopback.
func TestRedirectLimitLive(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Redirect(w, r, "/again", http.StatusFound)
	}))
	defer srv.Close()
	_, err := Fetch(context.Background(), Config{Location: srv.URL, AllowPrivate: true, Retries: -1}, State{}, func(Doc) error { return nil })
	if !errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("err = %v", err)
	}
	if n.Load() != 5 {
		t.Fatalf("server saw %d requests, want 5", n.Load())
	}
}
