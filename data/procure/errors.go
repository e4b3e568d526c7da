package procure

import "errors"

// Error kinds. Packages wrap them with context (fmt.Errorf("...: %w", ErrX))
// and the web server maps them to status codes with errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request or input is malformed or not allowed (HTTP 400).
	ErrInvalid = errors.New("invalid")
	// ErrTooExpensive: a query that would cost too much (HTTP 400 with advice).
	ErrTooExpensive = errors.New("query too expensive")
	// ErrUnavailable: a dependency is temporarily unavailable (HTTP 503).
	ErrUnavailable = errors.New("temporarily unavailable")
	// ErrLocked: the data directory is in use by another process.
	ErrLocked = errors.New("data directory in use")
	// ErrCorrupt: stored data failed verification.
	ErrCorrupt = errors.New("corrupt data")
)

// QueryError explains why a public search query was refused. Its Kind is
// ErrInvalid or ErrTooExpensive; Message is a sentence for the user.
type QueryError struct {
	Kind    error
	Message string
	// Offset is the byte offset in the query the problem is at, or -1.
	Offset int
}

func (e *QueryError) Error() string { return "search query: " + e.Message }

// Unwrap lets errors.Is match the kind.
func (e *QueryError) Unwrap() error { return e.Kind }
