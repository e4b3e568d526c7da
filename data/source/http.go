package source

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// page is one downloaded page.
type page struct {
	notModified  bool
	final        *url.URL // final URL (after redirects): the base of relative links
	url          string   // final URL, redacted
	etag         string
	lastModified string
	body         *spool
	retrieved    time.Time
}

var (
	errIdle    = errors.New("no data received within the idle timeout")
	errTimeout = errors.New("request took longer than the timeout")
)

// attemptError is a failed attempt with its retry decision.
type attemptError struct {
	err        error
	retry      bool
	retryAfter time.Duration
}

func (e *attemptError) Error() string { return e.err.Error() }
func (e *attemptError) Unwrap() error { return e.err }

func fetchHTTP(ctx context.Context, o *options, st State, fn func(Doc) error) (State, error) {
	client := o.client()
	if t, ok := client.Transport.(*http.Transport); ok && o.cfg.Client == nil {
		defer t.CloseIdleConnections()
	}
	out := State{Since: st.Since, ETag: map[string]string{}, LastModified: map[string]string{}}
	seen := map[string]bool{}
	pageURL := o.firstURL(st.Since)
	offset := o.offsetStart
	for n := 1; ; n++ {
		if n > o.maxPages {
			return out, fmt.Errorf("source %s: stopped after %d pages (max_pages); raise max_pages or narrow the source: %w", o.cfg.Name, o.maxPages, ErrPageLimit)
		}
		key := redact(pageURL, o.hideParams) // the state key: no secrets in the saved state
		if seen[pageURL.String()] {
			return out, fmt.Errorf("source %s: page %d points back to %s, already fetched in this run: %w", o.cfg.Name, n, key, ErrPageLoop)
		}
		seen[pageURL.String()] = true
		if n > 1 && o.minInterval > 0 {
			if err := o.cfg.sleep(ctx, o.minInterval); err != nil {
				return out, err
			}
		}
		var cond State
		if n == 1 && o.conditional {
			cond = st
		}
		p, err := o.get(ctx, client, pageURL, cond)
		if err != nil {
			return out, fmt.Errorf("source %s: page %d: %w", o.cfg.Name, n, err)
		}
		if p.notModified {
			if n == 1 {
				return copyState(st), fmt.Errorf("source %s: %s: %w", o.cfg.Name, redact(pageURL, o.hideParams), ErrNotModified)
			}
			return out, fmt.Errorf("source %s: page %d: unexpected 304 Not Modified for a request without validators", o.cfg.Name, n)
		}
		if n == 1 {
			if p.etag != "" {
				out.ETag[key] = p.etag
			}
			if p.lastModified != "" {
				out.LastModified[key] = p.lastModified
			}
		}
		next, stop, scanErr := o.nextPage(p, pageURL, &offset, n)
		// An empty page ends page/offset pagination and has nothing to parse.
		empty := stop && scanErr == nil && (o.pageParam != "" || o.offsetParam != "")
		if !empty {
			consumed := &countingReader{r: p.body.reader()}
			err = fn(Doc{Body: consumed, URL: p.url, RetrievedAt: p.retrieved, Page: n, Size: p.body.size, Consumed: consumed.Count})
		}
		_ = p.body.Close()
		if err != nil {
			return out, err
		}
		if scanErr != nil {
			return out, fmt.Errorf("source %s: page %d (%s): cannot follow pagination: %w", o.cfg.Name, n, p.url, scanErr)
		}
		if stop {
			return out, nil
		}
		pageURL = next
	}
}

// firstURL is the location with the since, limit and first page/offset
// parameters.
func (o *options) firstURL(since string) *url.URL {
	u := *o.base
	q := u.Query()
	set := func(k, v string) {
		if k != "" {
			q.Set(k, v)
		}
	}
	if since != "" {
		set(o.sinceParam, since)
	}
	set(o.limitParam, strconv.Itoa(o.limit))
	set(o.pageParam, strconv.Itoa(o.pageStart))
	set(o.offsetParam, strconv.Itoa(o.offsetStart))
	// Re-encode only when a parameter was added, so a configured URL is
	// requested exactly as written.
	if (since != "" && o.sinceParam != "") || o.limitParam != "" || o.pageParam != "" || o.offsetParam != "" {
		u.RawQuery = q.Encode()
	}
	return &u
}

// nextPage decides what comes after page n: the next URL, or stop. For
// page/offset pagination stop is true when the page holds no items.
func (o *options) nextPage(p *page, cur *url.URL, offset *int, n int) (*url.URL, bool, error) {
	switch {
	case o.pageParam != "", o.offsetParam != "":
		items, err := countItems(p.body.reader(), o.items)
		if err != nil {
			return nil, true, err
		}
		if items == 0 {
			return nil, true, nil
		}
		u := *cur
		q := u.Query()
		if o.pageParam != "" {
			q.Set(o.pageParam, strconv.Itoa(o.pageStart+n))
		} else {
			*offset += items
			q.Set(o.offsetParam, strconv.Itoa(*offset))
		}
		u.RawQuery = q.Encode()
		return &u, false, nil
	case o.next != nil:
		s, err := findString(p.body.reader(), o.next)
		if err != nil || s == "" {
			return nil, true, err
		}
		ref, err := url.Parse(s)
		if err != nil {
			return nil, true, fmt.Errorf("next-page link %q is not a URL: %w", s, err)
		}
		base := cur
		if p.final != nil {
			base = p.final
		}
		u := base.ResolveReference(ref)
		if err := checkURL(u, o.cfg.AllowPrivate); err != nil {
			return nil, true, fmt.Errorf("next-page link: %w", err)
		}
		return u, false, nil
	}
	return nil, true, nil
}

// get fetches one URL with retries.
func (o *options) get(ctx context.Context, client *http.Client, u *url.URL, cond State) (*page, error) {
	for attempt := 0; ; attempt++ {
		p, err := o.attempt(ctx, client, u, cond)
		if err == nil {
			return p, nil
		}
		var ae *attemptError
		if !errors.As(err, &ae) || !ae.retry {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		if attempt >= o.cfg.Retries {
			if attempt == 0 {
				return nil, err
			}
			return nil, fmt.Errorf("%w (gave up after %d attempts: %w)", err, attempt+1, procure.ErrUnavailable)
		}
		wait := o.backoff(attempt)
		if ae.retryAfter > 0 {
			if ae.retryAfter > o.cfg.MaxRetryWait {
				return nil, fmt.Errorf("%w (the server asks to retry after %s, longer than the %s limit: %w)", err, ae.retryAfter, o.cfg.MaxRetryWait, procure.ErrUnavailable)
			}
			wait = ae.retryAfter
		}
		if o.cfg.Logger != nil {
			o.cfg.Logger.Warn("fetch failed, retrying", "source", o.cfg.Name, "url", redact(u, o.hideParams),
				"attempt", attempt+1, "of", o.cfg.Retries+1, "wait", wait, "err", err)
		}
		if err := o.cfg.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// backoff returns the delay before retry number attempt+1: Backoff·2^attempt
// with "equal jitter" (between half and all of it), capped at MaxBackoff.
func (o *options) backoff(attempt int) time.Duration {
	d := o.cfg.Backoff
	for i := 0; i < attempt && d < o.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.cfg.MaxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

// attempt performs one request and downloads the body into a spool.
func (o *options) attempt(parent context.Context, client *http.Client, u *url.URL, cond State) (p *page, err error) {
	shown := redact(u, o.hideParams)
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	ctx, cancelT := context.WithTimeoutCause(ctx, o.cfg.Timeout, errTimeout)
	defer cancelT()
	idle := time.AfterFunc(o.cfg.IdleTimeout, func() { cancel(errIdle) })
	defer idle.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, invalidf("GET %s: %v", shown, err)
	}
	req.Header = o.headers.Clone()
	req.Header.Set("Accept-Encoding", "gzip")
	key := redact(u, o.hideParams)
	if v := cond.ETag[key]; v != "" {
		req.Header.Set("If-None-Match", v)
	}
	if v := cond.LastModified[key]; v != "" {
		req.Header.Set("If-Modified-Since", v)
	}
	retrieved := time.Now().UTC()
	resp, err := client.Do(req)
	if err != nil {
		return nil, o.classify(ctx, shown, err)
	}
	defer resp.Body.Close()
	idle.Reset(o.cfg.IdleTimeout)
	finalURL, final := u, shown
	if resp.Request != nil && resp.Request.URL != nil {
		finalURL, final = resp.Request.URL, redact(resp.Request.URL, o.hideParams)
	}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		return &page{notModified: true, url: final}, nil
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	default:
		he := &HTTPError{URL: final, StatusCode: resp.StatusCode, Status: resp.Status, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
		he.Body = snippet(resp.Body)
		return nil, &attemptError{err: he, retry: o.retryable(resp.StatusCode), retryAfter: he.RetryAfter}
	}

	ce := resp.Header.Get("Content-Encoding")
	if (ce == "" || strings.EqualFold(ce, "identity")) && resp.ContentLength > o.cfg.MaxBytes {
		return nil, tooLargef("GET %s: the document is %s, more than the limit of %s", final, byteSize(resp.ContentLength), byteSize(o.cfg.MaxBytes))
	}
	body := &idleReader{r: resp.Body, t: idle, d: o.cfg.IdleTimeout}
	r, _, err := decode(body, ce, o, "GET "+final)
	if err != nil {
		return nil, o.classify(ctx, final, err)
	}
	sp := &spool{dir: o.cfg.TempDir, memLimit: o.cfg.SpoolMemory}
	if _, err := io.Copy(sp, r); err != nil {
		_ = sp.Close()
		return nil, o.classify(ctx, final, err)
	}
	return &page{final: finalURL, url: final, etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified"), body: sp, retrieved: retrieved}, nil
}

// idleReader re-arms the idle timer whenever bytes arrive.
type idleReader struct {
	r io.Reader
	t *time.Timer
	d time.Duration
}

func (i *idleReader) Read(p []byte) (int, error) {
	n, err := i.r.Read(p)
	if n > 0 {
		i.t.Reset(i.d)
	}
	return n, err
}

func (o *options) retryable(code int) bool {
	switch {
	case code == 429, code == 408:
		return true
	case code == 501, code == 505:
		return false
	case code >= 500:
		return true
	}
	return slices.Contains(o.extraRetry, code)
}

// classify turns a transport or body error into an attemptError saying
// whether to retry.
func (o *options) classify(ctx context.Context, shown string, err error) error {
	if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
		switch {
		case errors.Is(cause, errIdle):
			return &attemptError{err: fmt.Errorf("GET %s: %w (%s)", shown, errIdle, o.cfg.IdleTimeout), retry: true}
		case errors.Is(cause, errTimeout):
			return &attemptError{err: fmt.Errorf("GET %s: %w (%s)", shown, errTimeout, o.cfg.Timeout), retry: true}
		default: // the caller cancelled
			return fmt.Errorf("GET %s: %w", shown, cause)
		}
	}
	wrapped := fmt.Errorf("GET %s: %w", shown, err)
	var ue *url.Error
	if errors.As(err, &ue) {
		wrapped = fmt.Errorf("GET %s: %w", shown, ue.Err)
	}
	if errors.Is(err, ErrBlocked) || errors.Is(err, ErrTooLarge) || errors.Is(err, procure.ErrInvalid) {
		return wrapped
	}
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &hostErr) || errors.As(err, &certInvalid) {
		return wrapped
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &attemptError{err: wrapped, retry: dnsErr.IsTemporary || dnsErr.IsTimeout}
	}
	var ne net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH),
		errors.As(err, &ne) && ne.Timeout():
		return &attemptError{err: wrapped, retry: true}
	}
	if strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "server closed") || strings.Contains(err.Error(), "stream error") {
		return &attemptError{err: wrapped, retry: true}
	}
	return wrapped
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0
		}
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// snippet returns the first line or so of an error body for the message.
func snippet(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 2048))
	s := strings.ToValidUTF8(string(b), "")
	// Error pages are often HTML: keep the text only.
	var text strings.Builder
	inTag := false
	for _, c := range s {
		switch {
		case c == '<':
			inTag = true
			text.WriteByte(' ')
		case c == '>' && inTag:
			inTag = false
		case !inTag:
			text.WriteRune(c)
		}
	}
	s = strings.Join(strings.Fields(text.String()), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
