package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Keys of request-scoped values in fiber.Ctx.Locals.
const (
	localRoute     = "tl.route"
	localRequestID = "tl.request_id"
)

// contentSecurityPolicy allows only our own CSS and no script at all beyond
// 'self' (the site ships no JavaScript).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// frontMiddleware runs first on every request: it recovers panics, assigns
// a request ID, sets the security headers and the request deadline, refuses
// methods other than GET and HEAD and oversized query strings, handles the
// error returned by the handler chain (so the access log and the metrics see
// the final status) and writes the access log line.
func (s *server) frontMiddleware(c *fiber.Ctx) (err error) {
	start := time.Now()
	rid := requestID(c.Get("X-Request-Id"))
	c.Locals(localRequestID, rid)
	c.Set("X-Request-Id", rid)
	s.setSecurityHeaders(c)

	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)

	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic serving request", "request_id", rid, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = s.handleError(c, fmt.Errorf("panic: %v", r))
		}
		s.finish(c, rid, start)
	}()

	herr := s.guard(c)
	if herr == nil {
		herr = c.Next()
	}
	if herr != nil {
		if e := s.handleError(c, herr); e != nil {
			return e
		}
	}
	return nil
}

// guard refuses what no public route accepts.
func (s *server) guard(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead:
	default:
		return fiber.ErrMethodNotAllowed
	}
	if len(c.Request().URI().QueryString()) > maxQueryString {
		return fiber.ErrRequestURITooLong
	}
	return nil
}

// finish records the metrics and writes the access log line. It logs no IP
// address, no user agent and no query string: searches stay private.
func (s *server) finish(c *fiber.Ctx, rid string, start time.Time) {
	d := time.Since(start)
	status := c.Response().StatusCode()
	route, _ := c.Locals(localRoute).(string)
	if route == "" {
		route = "other"
	}
	s.metrics.observeRequest(route, status, d)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	s.log.Log(c.UserContext(), level, "request",
		"request_id", rid,
		"method", c.Method(),
		"path", c.Path(),
		"route", route,
		"status", status,
		"bytes", responseBytes(c),
		"duration_ms", float64(d.Microseconds())/1000,
	)
}

// setSecurityHeaders sets the headers every response carries. The JSON API
// is readable from any origin (no credentials are ever involved).
func (s *server) setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.hsts {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if isAPIPath(c.Path()) {
		c.Set("Access-Control-Allow-Origin", "*")
		c.Set("Cross-Origin-Resource-Policy", "cross-origin")
		if s.cfg.Demo {
			c.Set("X-Tenderlens-Demo", "true")
		}
	} else {
		c.Set("Cross-Origin-Resource-Policy", "same-origin")
	}
}

// isAPIPath reports whether the path is under the JSON API.
func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }

// requestID keeps a well-formed incoming X-Request-Id (from a proxy) or
// makes a new random one.
func requestID(in string) string {
	if n := len(in); n >= 8 && n <= 64 {
		ok := true
		for i := 0; i < n && ok; i++ {
			b := in[i]
			ok = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.'
		}
		if ok {
			return in
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// responseBytes is the size of the response body without reading a
// streamed body (a dump file) into memory.
func responseBytes(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}
