package source

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The SSRF guard. Importer URLs come from configuration and from the pages
// themselves (links.next, redirects), so a hostile or compromised publisher
// could point the importer at the cloud metadata service or at services on
// the portal's own network. The guard therefore:
//
//   - accepts only http and https URLs;
//   - refuses host names that are IP addresses in non-standard forms
//     (2130706433, 0x7f.1, 017700000001, 127.1) outright, because resolvers
//     disagree about them;
//   - checks every address the dialer actually connects to (after DNS
//     resolution, so DNS rebinding and names that resolve to 127.0.0.1 are
//     caught) against the blocked ranges below, through net.Dialer.Control;
//   - follows at most 5 redirects, never from https to http, and checks each
//     target like the original URL;
//   - never uses an HTTP proxy from the environment (the address check would
//     then only see the proxy).

// blockedPrefixes are refused in addition to what netip classifies as
// loopback, private, link-local, multicast or unspecified.
var blockedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"; 0.0.0.0 reaches the local host on Linux
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT (shared address space)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, incl. 169.254.169.254 (cloud metadata)
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, incl. 255.255.255.255 broadcast
		"::/96",           // unspecified, loopback, deprecated IPv4-compatible
		"64:ff9b:1::/48",  // local-use NAT64
		"100::/64",        // discard-only
		"2001::/23",       // IETF protocol assignments (Teredo, ORCHID, ...)
		"2001:db8::/32",   // documentation
		"fc00::/7",        // unique local
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
		"::ffff:0:0:0/96", // IPv4-translated
		"5f00::/16",       // SRv6 SIDs
		"3fff::/20",       // documentation (2024)
		"2002::/16",       // 6to4: checked through its embedded IPv4 address instead (see checkAddr)
		"64:ff9b::/96",    // NAT64: checked through its embedded IPv4 address instead (see checkAddr)
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// checkAddr returns an error when a is not a public unicast address.
func checkAddr(a netip.Addr) error {
	if !a.IsValid() {
		return blockedf("invalid address")
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		// Addresses that embed an IPv4 address are judged by it: a public
		// IPv4 address behind DNS64/NAT64 is fine, 64:ff9b::7f00:1 is not.
		b := a.As16()
		switch {
		case nat64Prefix.Contains(a):
			return checkEmbedded(a, netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(a):
			return checkEmbedded(a, netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	reason := ""
	switch {
	case a.IsUnspecified():
		reason = "unspecified"
	case a.IsLoopback():
		reason = "loopback"
	case a.IsPrivate():
		reason = "private"
	case a.IsLinkLocalUnicast():
		reason = "link-local"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		reason = "multicast"
	}
	if reason == "" {
		for _, p := range blockedPrefixes {
			if p == nat64Prefix || p == sixToFour {
				continue
			}
			if p.Contains(a) {
				reason = "reserved (" + p.String() + ")"
				break
			}
		}
	}
	if reason != "" {
		return blockedf("address %s is %s: importers may only connect to public addresses", a, reason)
	}
	return nil
}

func checkEmbedded(outer, inner netip.Addr) error {
	if err := checkAddr(inner); err != nil {
		return blockedf("address %s embeds %s: %v", outer, inner, err)
	}
	return nil
}

// checkURL checks a URL before any connection: scheme, and host names that
// are (or look like) IP addresses. allowPrivate skips the address checks but
// never the scheme check.
func checkURL(u *url.URL, allowPrivate bool) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "file":
		return blockedf("file URLs are not accepted (%s): give the local path itself", redact(u, nil))
	default:
		return blockedf("URL scheme %q is not allowed in %s: only http and https", u.Scheme, redact(u, nil))
	}
	host := u.Hostname()
	if host == "" {
		return blockedf("URL %s has no host", redact(u, nil))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return blockedf("URL %s has an invalid port", redact(u, nil))
		}
	}
	if allowPrivate {
		return nil
	}
	return checkHost(host)
}

// checkHost refuses literal internal addresses and numeric host forms.
func checkHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		return checkAddr(a)
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return blockedf("host %s is the local machine", host)
	}
	if a, ok := parseInetAton(h); ok {
		return blockedf("host %q is the IP address %s written in a non-standard numeric form; write addresses as plain dotted decimals", host, a)
	}
	// WHATWG URL rule: a host whose last label is a number is an IPv4
	// address attempt; refuse those that did not parse above.
	labels := strings.Split(h, ".")
	if last := labels[len(labels)-1]; last != "" && isNumericLabel(last) {
		return blockedf("host %q ends in a number but is not a valid IP address", host)
	}
	return nil
}

// parseInetAton parses the IPv4 forms inet_aton(3) accepts: 1 to 4 parts,
// each decimal, octal (leading 0) or hex (0x), the last part filling the
// remaining bytes.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := parseAtonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

func parseAtonPart(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true // "0x" is 0 for inet_aton
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	v, err := strconv.ParseUint(p, base, 32)
	return v, err == nil
}

func isNumericLabel(l string) bool {
	_, ok := parseAtonPart(l)
	return ok
}

// dialControl is the net.Dialer.Control hook: it runs after resolution with
// the address about to be connected.
func (o *options) dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return blockedf("cannot check address %q: %v", address, err)
	}
	if o.cfg.AllowPrivate || (o.cfg.allowAddr != nil && o.cfg.allowAddr(ap)) {
		return nil
	}
	return checkAddr(ap.Addr())
}

// client returns the HTTP client for this run.
func (o *options) client() *http.Client {
	var c http.Client
	if o.cfg.Client != nil {
		c = *o.cfg.Client
	} else {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: o.dialControl}
		c.Transport = &http.Transport{
			Proxy:                 nil, // never: the guard must see the real destination
			DialContext:           o.dialContext(d),
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   30 * time.Second,
			ExpectContinueTimeout: time.Second,
			DisableCompression:    true, // gzip is decoded here, under the size and ratio caps
		}
	}
	c.Timeout = 0 // per-request deadlines come from the context
	c.CheckRedirect = o.checkRedirect
	return &c
}

// dialContext applies the test-only host aliases, then dials; the address
// check runs in the dialer's Control hook on the resolved address.
func (o *options) dialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if len(o.cfg.hostAlias) == 0 {
		return d.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil {
			if ip, ok := o.cfg.hostAlias[host]; ok {
				addr = net.JoinHostPort(ip, port)
			}
		}
		return d.DialContext(ctx, network, addr)
	}
}

func (o *options) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= DefaultMaxRedirects {
		return blockedf("stopped after %d redirects (last to %s)", len(via), redact(req.URL, o.hideParams))
	}
	prev := via[len(via)-1].URL
	if strings.EqualFold(prev.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
		return blockedf("refusing redirect from https to %s (%s)", req.URL.Scheme, redact(req.URL, o.hideParams))
	}
	if err := checkURL(req.URL, o.cfg.AllowPrivate); err != nil {
		return fmt.Errorf("redirect from %s: %w", redact(prev, o.hideParams), err)
	}
	return nil
}

// redact returns u as a string without user info and with the hidden query
// parameters' values replaced.
func redact(u *url.URL, hide []string) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if len(hide) > 0 && c.RawQuery != "" {
		q := c.Query()
		changed := false
		for _, h := range hide {
			if q.Has(h) {
				q.Set(h, "REDACTED")
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}
