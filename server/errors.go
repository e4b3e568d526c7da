package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/tenderlens/tenderlens/data/procure"
)

// publicError is an error whose message is written for the public. Only
// these messages and *procure.QueryError messages reach users; every other
// error text stays in the log.
type publicError struct {
	Kind  error  // a procure error kind: ErrInvalid, ErrNotFound, ...
	Msg   string // plain-English sentence for the user
	Param string // the query parameter at fault, if any
	Err   error  // cause, for the log; may be nil
}

func (e *publicError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap exposes both the kind and the cause to errors.Is/As.
func (e *publicError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

func invalidParam(param, format string, args ...any) error {
	return &publicError{Kind: procure.ErrInvalid, Param: param, Msg: fmt.Sprintf(format, args...)}
}

func notFound(cause error, format string, args ...any) error {
	return &publicError{Kind: procure.ErrNotFound, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// readDetail reads the detail of one agency, supplier or contract with get.
// A missing one is a 404 saying "There is no {what} with the ID
// "{id}"{where}." (where is " in the portal" on HTML pages); another error
// is wrapped with kind and id.
func readDetail[T any](ctx context.Context, get func(context.Context, string) (T, error), id, kind, what, where string) (T, error) {
	d, err := get(ctx, id)
	if err == nil {
		return d, nil
	}
	if errors.Is(err, procure.ErrNotFound) {
		return d, notFound(err, "There is no "+what+" with the ID %q"+where+".", id)
	}
	return d, fmt.Errorf("%s %s: %w", kind, id, err)
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Param     string `json:"param,omitempty"`
	Offset    *int   `json:"offset,omitempty"` // byte offset of a refused query's problem
	RequestID string `json:"request_id,omitempty"`
}

// Default messages per status, for errors that carry no public message.
var statusMessages = map[int]string{
	http.StatusBadRequest:                  "The request is not valid.",
	http.StatusNotFound:                    "There is no page at this address. It may have moved, or the address may be mistyped.",
	http.StatusMethodNotAllowed:            "This site only answers GET and HEAD requests.",
	http.StatusRequestTimeout:              "The request took too long to arrive.",
	http.StatusRequestEntityTooLarge:       "The request body is too large. Public pages take no request body.",
	http.StatusRequestURITooLong:           "The address is too long. Use fewer filters or a shorter query.",
	http.StatusRequestHeaderFieldsTooLarge: "The request headers are too large.",
	http.StatusInternalServerError:         "Something went wrong on our side. The problem has been logged; please try again later.",
	http.StatusServiceUnavailable:          "The portal is temporarily unavailable or busy. Please try again in a minute.",
}

// classify maps an error to a status code and a public message.
func classify(err error) (status int, detail, param string, offset *int) {
	var (
		pe *publicError
		qe *procure.QueryError
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &qe):
		off := qe.Offset
		if off < 0 {
			return http.StatusBadRequest, qe.Message, "q", nil
		}
		return http.StatusBadRequest, qe.Message, "q", &off
	case errors.As(err, &pe):
		return kindStatus(pe.Kind), pe.Msg, pe.Param, nil
	case errors.As(err, &fe):
		status = fe.Code
	case errors.Is(err, procure.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, procure.ErrTooExpensive):
		return http.StatusBadRequest, "This request is too expensive to answer. Narrow it with a filter or more specific words.", "", nil
	case errors.Is(err, procure.ErrInvalid):
		return http.StatusBadRequest, "The request is not valid. If you followed a \"next page\" link, it may be out of date: start again from the first page.", "", nil
	case errors.Is(err, procure.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		status = http.StatusServiceUnavailable
	default:
		status = http.StatusInternalServerError
	}
	detail = statusMessages[status]
	if detail == "" {
		detail = http.StatusText(status)
	}
	return status, detail, "", nil
}

func kindStatus(kind error) int {
	switch {
	case errors.Is(kind, procure.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(kind, procure.ErrInvalid), errors.Is(kind, procure.ErrTooExpensive):
		return http.StatusBadRequest
	case errors.Is(kind, procure.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleError is the one place errors become responses: problem+json under
// /api, an HTML page elsewhere. It is Fiber's ErrorHandler too (for errors
// fasthttp raises before any handler runs).
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status, detail, param, offset := classify(err)
	rid, _ := c.Locals(localRequestID).(string)
	if status >= 500 {
		s.log.Error("request failed", "request_id", rid, "path", c.Path(), "status", status, "error", err)
	}
	s.setSecurityHeaders(c)
	c.Response().ResetBody()
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().Header.Del(fiber.HeaderETag)
	switch status {
	case http.StatusMethodNotAllowed:
		c.Set(fiber.HeaderAllow, "GET, HEAD")
	case http.StatusServiceUnavailable:
		c.Set(fiber.HeaderRetryAfter, "30")
	}
	c.Status(status)
	if isAPIPath(c.Path()) || isRawReleasePath(c.Path()) {
		p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
			Instance: c.Path(), Param: param, Offset: offset, RequestID: rid}
		if param == "q" && status == http.StatusBadRequest {
			p.Type = "/methodology#search-syntax"
			p.Title = "Search query refused"
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if e := enc.Encode(p); e != nil {
			return e
		}
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.Send(buf.Bytes())
	}
	page := s.site.errorPage(status, detail, rid)
	var buf bytes.Buffer
	if e := s.pages.Execute(&buf, pageError, page); e != nil {
		s.log.Error("render error page", "request_id", rid, "error", e)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(detail)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}
