package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Defaults used when the corresponding Config field is zero.
const (
	DefaultTimeout       = 10 * time.Minute
	DefaultIdleTimeout   = 60 * time.Second
	DefaultMaxBytes      = int64(4) << 30 // 4 GiB per document, after decompression
	DefaultRetries       = 3
	DefaultBackoff       = time.Second
	DefaultMaxBackoff    = 2 * time.Minute
	DefaultMaxRetryWait  = 10 * time.Minute
	DefaultMaxPages      = 10000
	DefaultMaxRatio      = 200
	DefaultSpoolMemory   = int64(16) << 20 // 16 MiB of a page kept in memory, the rest spills to a temporary file
	DefaultMaxRedirects  = 5
	DefaultUserAgent     = "Tenderlens/1 (+https://github.com/tenderlens/tenderlens; open-data importer)"
	ratioFloorBytes      = int64(16) << 20 // the ratio check starts after this many decompressed bytes
	maxCapturedURLLength = 64 << 10        // longest links.next value we accept
)

// Config describes one source to fetch. The zero value of every optional
// field means "use the default".
type Config struct {
	// Name of the source, used in error messages.
	Name string
	// Location is an http(s) URL, a file path, or a directory (every file in
	// it, recursively, in sorted path order; files and directories whose name
	// starts with "." are skipped). Other URL schemes (file://, ftp://,
	// gopher://, ...) are refused.
	Location string
	// Options tune HTTP fetching; unknown keys are an error (see CheckConfig
	// for the list). Examples: since_param=updatedFrom, page_param=page,
	// offset_param=offset, limit_param=limit, limit=100, next=links.next,
	// max_pages=500, user_agent=..., header.Accept=..., retries=5,
	// backoff=30s, retry_status=403, min_interval=10s.
	Options map[string]string
	// AllowPrivate disables the SSRF guard so that loopback and private
	// addresses can be fetched. For tests and trusted local set-ups only.
	AllowPrivate bool
	// Timeout bounds one HTTP request including its body (default 10m).
	Timeout time.Duration
	// IdleTimeout fails a request that receives nothing (no headers, no body
	// bytes) for this long (default 60s).
	IdleTimeout time.Duration
	// MaxBytes caps one document after decompression (default 4 GiB): an
	// HTTP body or a compressed file; a plain local file is read whole.
	MaxBytes int64
	// MaxRatio caps the decompressed:compressed ratio of gzip input once more
	// than 16 MiB were decompressed (default 200; negative disables).
	MaxRatio int64
	// Retries is how many times a failed request is retried after the first
	// attempt (default 3; negative means no retry). Retried: HTTP 429, 408
	// and 5xx (except 501 and 505), timeouts, refused or reset connections,
	// bodies cut short.
	Retries int
	// Backoff is the first retry delay (default 1s); it doubles per attempt
	// with random jitter, up to MaxBackoff (default 2m).
	Backoff    time.Duration
	MaxBackoff time.Duration
	// MaxRetryWait is the longest Retry-After the fetcher honours (default
	// 10m); a server asking for more makes the request fail at once.
	MaxRetryWait time.Duration
	// SpoolMemory is how much of one page is buffered in memory before it
	// spills into a temporary file in TempDir (default 16 MiB; TempDir
	// default os.TempDir()).
	SpoolMemory int64
	TempDir     string
	// Logger, when set, receives a warning for every retried request.
	Logger *slog.Logger
	// Client replaces the guarded HTTP client (tests). The redirect policy
	// and the host-name checks still apply, but the connect-time address
	// check is then the responsibility of Client's transport.
	Client *http.Client

	// allowAddr is a test-only hook: addresses it accepts pass the SSRF
	// guard even when AllowPrivate is false (used to let the first hop of a
	// redirect test reach a loopback server).
	allowAddr func(netip.AddrPort) bool
	// sleep is a test hook for waiting (backoff, Retry-After, min_interval).
	sleep func(ctx context.Context, d time.Duration) error
	// ratioFloor overrides ratioFloorBytes in tests.
	ratioFloor int64
	// hostAlias is a test-only resolver: host name → IP address to dial, so
	// tests can make a name resolve to loopback without DNS.
	hostAlias map[string]string
}

// State is what a source remembers between runs. The importer persists it
// (as JSON) per source and passes it back on the next run.
type State struct {
	// Since is the cursor sent in the since parameter (set by the importer,
	// never changed by Fetch).
	Since string
	// ETag and LastModified hold the validators of the first request of the
	// last run, keyed by URL; for file sources ETag holds a fingerprint
	// (size and modification time) of every file read, keyed by path.
	ETag         map[string]string
	LastModified map[string]string
}

// Doc is one fetched document handed to the caller's function. Body is valid
// only during that call.
type Doc struct {
	// Body is the decompressed document.
	Body io.Reader
	// URL is where it came from: the URL (credentials and hidden query
	// parameters removed) or the file path.
	URL string
	// RetrievedAt is when it was fetched.
	RetrievedAt time.Time
	// Page is the 1-based position of the document in this run (API page
	// number, or file number in a directory).
	Page int
	// Size is the size in bytes of the input behind Body: the decompressed
	// page for HTTP, the file on disk for files (compressed when gzipped); -1
	// when unknown.
	Size int64
	// Consumed reports how many of those Size bytes were read so far (for
	// progress bars).
	Consumed func() int64
}

// Error kinds returned by Fetch; match them with errors.Is.
var (
	// ErrNotModified: the first request was answered 304 Not Modified (or no
	// file of a directory source changed): there is nothing new to import.
	ErrNotModified = errors.New("not modified since the last run")
	// ErrBlocked: the address is not allowed (SSRF guard, scheme, redirect
	// policy). Also matches procure.ErrInvalid.
	ErrBlocked = errors.New("address not allowed")
	// ErrTooLarge: a document exceeded the size cap or the decompression
	// ratio cap. Also matches procure.ErrInvalid.
	ErrTooLarge = errors.New("document too large")
	// ErrPageLoop: pagination pointed back to a page already fetched in this
	// run.
	ErrPageLoop = errors.New("pagination loop")
	// ErrPageLimit: pagination went on past max_pages.
	ErrPageLimit = errors.New("too many pages")
)

// kindError attaches a second kind to an error so errors.Is matches both.
type kindError struct {
	msg   string
	kinds []error
}

func (e *kindError) Error() string   { return e.msg }
func (e *kindError) Unwrap() []error { return e.kinds }

func blockedf(format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kinds: []error{ErrBlocked, procure.ErrInvalid}}
}

func tooLargef(format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kinds: []error{ErrTooLarge, procure.ErrInvalid}}
}

// HTTPError is an unexpected HTTP status. 404 and 410 match
// procure.ErrNotFound; statuses that were retried until the budget ran out
// match procure.ErrUnavailable.
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
	// RetryAfter is the delay the server asked for (0 when none).
	RetryAfter time.Duration
	// Body is the start of the response body, for the message.
	Body string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("GET %s: server answered %s", e.URL, e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Unwrap maps the status to an error kind.
func (e *HTTPError) Unwrap() error {
	switch e.StatusCode {
	case 404, 410:
		return procure.ErrNotFound
	}
	return nil
}

// Fetch calls fn for each document of one run, in order (pages of an API,
// files of a directory), starting from st. It returns the new state: st.Since
// unchanged (the importer sets it) and the validators seen in this run.
//
// When the first request is answered 304 Not Modified (or, for a directory or
// file, nothing changed since st was recorded) Fetch calls fn for nothing and
// returns an error matching ErrNotModified together with st.
//
// An error from fn stops the run and is returned unchanged (wrapped).
func Fetch(ctx context.Context, cfg Config, st State, fn func(Doc) error) (State, error) {
	o, err := parseConfig(cfg)
	if err != nil {
		return st, err
	}
	if o.remote {
		return fetchHTTP(ctx, o, st, fn)
	}
	return fetchFiles(ctx, o, st, fn)
}

// CheckConfig validates cfg without fetching anything: the location's form,
// the scheme, the options and their values. The scheduler calls it at start
// so a typo is reported before the first run.
//
// Options (all optional):
//
//	since_param    query parameter that receives State.Since (e.g. updatedFrom)
//	next           dotted JSON path of the next-page URL (default links.next; "none" disables)
//	page_param     page-number pagination: parameter name; page_start (default 1)
//	offset_param   offset pagination: parameter name; offset_start (default 0)
//	limit_param    parameter that receives limit; limit (page size)
//	items          dotted JSON path of the array counted to detect an empty
//	               page (default: releases or records)
//	max_pages      stop with an error after this many pages (default 10000)
//	conditional    send If-None-Match/If-Modified-Since (default true)
//	user_agent     User-Agent header; header.NAME sets any other header;
//	               headers holds "Name: value" lines
//	retries, backoff, max_backoff, max_retry_wait   override the Config fields
//	retry_status   extra statuses to retry, comma separated (e.g. 403)
//	min_interval   pause between two requests (polite crawling, e.g. 10s)
//	hide_params    query parameters removed from Doc.URL (e.g. api_key)
func CheckConfig(cfg Config) error {
	_, err := parseConfig(cfg)
	return err
}

// LocalSize returns the total size in bytes of the files a local location
// (file or directory) would deliver, for progress bars. It returns -1 and no
// error for URLs.
func LocalSize(location string) (int64, error) {
	if isURL(location) {
		return -1, nil
	}
	files, err := listFiles(location)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, f := range files {
		n += f.size
	}
	return n, nil
}

// isURL reports whether location has a URL scheme ("name:" followed by "//").
func isURL(location string) bool {
	i := strings.Index(location, "://")
	if i <= 1 { // "" or a single letter (a Windows drive) is not a scheme
		return false
	}
	for _, r := range location[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func copyState(st State) State {
	return State{Since: st.Since, ETag: maps.Clone(st.ETag), LastModified: maps.Clone(st.LastModified)}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
