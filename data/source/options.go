package source

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// options is a Config resolved once: defaults filled in, options parsed.
type options struct {
	cfg    Config
	remote bool
	base   *url.URL // remote only
	path   string   // local only

	sinceParam  string
	next        []string // dotted path, nil = disabled
	pageParam   string
	pageStart   int
	offsetParam string
	offsetStart int
	limitParam  string
	limit       int
	items       []string
	maxPages    int
	conditional bool
	headers     http.Header
	extraRetry  []int
	minInterval time.Duration
	hideParams  []string
}

// knownOptions lists every option key (prefix "header." aside).
var knownOptions = []string{
	"since_param", "next", "page_param", "page_start", "offset_param", "offset_start",
	"limit_param", "limit", "items", "max_pages", "conditional", "user_agent", "headers",
	"retries", "backoff", "max_backoff", "max_retry_wait", "retry_status", "min_interval",
	"hide_params",
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), procure.ErrInvalid)
}

func parseConfig(cfg Config) (*options, error) {
	name := cfg.Name
	if name == "" {
		name = cfg.Location
	}
	o := &options{cfg: cfg, conditional: true, next: []string{"links", "next"}, pageStart: 1, headers: http.Header{}}
	c := &o.cfg
	if strings.TrimSpace(c.Location) == "" {
		return nil, invalidf("source %s: no location (URL, file or directory) given", name)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxRatio == 0 {
		c.MaxRatio = DefaultMaxRatio
	}
	if c.Retries == 0 {
		c.Retries = DefaultRetries
	} else if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Backoff <= 0 {
		c.Backoff = DefaultBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxRetryWait <= 0 {
		c.MaxRetryWait = DefaultMaxRetryWait
	}
	if c.SpoolMemory <= 0 {
		c.SpoolMemory = DefaultSpoolMemory
	}
	if c.TempDir == "" {
		c.TempDir = os.TempDir()
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	o.maxPages = DefaultMaxPages
	o.headers.Set("User-Agent", DefaultUserAgent)
	o.headers.Set("Accept", "application/json, application/x-ndjson;q=0.9, */*;q=0.5")

	if isURL(c.Location) {
		u, err := url.Parse(c.Location)
		if err != nil {
			return nil, invalidf("source %s: location %q is not a valid URL: %v", name, c.Location, err)
		}
		if err := checkURL(u, c.AllowPrivate); err != nil {
			return nil, fmt.Errorf("source %s: %w", name, err)
		}
		o.remote, o.base = true, u
	} else {
		o.path = filepath.Clean(c.Location)
	}

	keys := make([]string, 0, len(c.Options))
	for k := range c.Options {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := o.setOption(k, strings.TrimSpace(c.Options[k])); err != nil {
			return nil, invalidf("source %s: option %s: %v", name, k, err)
		}
	}
	if o.pageParam != "" && o.offsetParam != "" {
		return nil, invalidf("source %s: page_param and offset_param cannot both be set", name)
	}
	if (o.limitParam == "") != (o.limit == 0) {
		return nil, invalidf("source %s: limit_param and limit must be set together", name)
	}
	if !o.remote {
		for _, k := range keys {
			switch k {
			case "conditional":
			default:
				return nil, invalidf("source %s: option %s applies to URLs only, and %s is a local path", name, k, c.Location)
			}
		}
	}
	return o, nil
}

func (o *options) setOption(k, v string) error {
	c := &o.cfg
	var err error
	switch {
	case k == "since_param":
		o.sinceParam, err = paramName(v)
	case k == "next":
		if v == "" || v == "none" {
			o.next = nil
		} else {
			o.next, err = dottedPath(v)
		}
	case k == "page_param":
		o.pageParam, err = paramName(v)
	case k == "page_start":
		o.pageStart, err = nonNegative(v)
	case k == "offset_param":
		o.offsetParam, err = paramName(v)
	case k == "offset_start":
		o.offsetStart, err = nonNegative(v)
	case k == "limit_param":
		o.limitParam, err = paramName(v)
	case k == "limit":
		o.limit, err = positive(v)
	case k == "items":
		o.items, err = dottedPath(v)
	case k == "max_pages":
		o.maxPages, err = positive(v)
	case k == "conditional":
		o.conditional, err = strconv.ParseBool(v)
	case k == "user_agent":
		if v == "" {
			return fmt.Errorf("empty value")
		}
		o.headers.Set("User-Agent", v)
	case k == "headers":
		for line := range strings.Lines(v) {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			name, val, ok := strings.Cut(line, ":")
			if !ok {
				return fmt.Errorf("%q is not a \"Name: value\" line", line)
			}
			if err := o.setHeader(strings.TrimSpace(name), strings.TrimSpace(val)); err != nil {
				return err
			}
		}
	case strings.HasPrefix(k, "header."):
		return o.setHeader(strings.TrimPrefix(k, "header."), v)
	case k == "retries":
		c.Retries, err = nonNegative(v) // defaults were applied already: 0 here means no retry
	case k == "backoff":
		c.Backoff, err = positiveDuration(v)
	case k == "max_backoff":
		c.MaxBackoff, err = positiveDuration(v)
	case k == "max_retry_wait":
		c.MaxRetryWait, err = positiveDuration(v)
	case k == "min_interval":
		o.minInterval, err = positiveDuration(v)
	case k == "retry_status":
		for f := range strings.SplitSeq(v, ",") {
			n, perr := strconv.Atoi(strings.TrimSpace(f))
			if perr != nil || n < 400 || n > 599 {
				return fmt.Errorf("%q is not an HTTP error status (400-599)", f)
			}
			o.extraRetry = append(o.extraRetry, n)
		}
	case k == "hide_params":
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				o.hideParams = append(o.hideParams, f)
			}
		}
	default:
		return fmt.Errorf("unknown option (known: %s, header.NAME)", strings.Join(knownOptions, ", "))
	}
	return err
}

func (o *options) setHeader(name, val string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n:") {
		return fmt.Errorf("invalid header name %q", name)
	}
	if strings.ContainsAny(val, "\r\n") {
		return fmt.Errorf("header %s: value contains a line break", name)
	}
	switch http.CanonicalHeaderKey(name) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Accept-Encoding", "If-None-Match", "If-Modified-Since":
		return fmt.Errorf("header %s is managed by the fetcher and cannot be set", name)
	}
	o.headers.Set(name, val)
	return nil
}

func paramName(v string) (string, error) {
	if v == "" || strings.ContainsAny(v, "&=?# ") {
		return "", fmt.Errorf("%q is not a query parameter name", v)
	}
	return v, nil
}

func dottedPath(v string) ([]string, error) {
	parts := strings.Split(v, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("%q is not a dotted JSON path like links.next", v)
		}
	}
	return parts, nil
}

func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number", v)
	}
	return n, nil
}

func nonNegative(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a whole number ≥ 0", v)
	}
	return n, nil
}

func positiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration like 30s or 5m", v)
	}
	return d, nil
}
