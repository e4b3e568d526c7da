package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tenderlens/tenderlens/data/procure"
)

// RunReader is optionally implemented by a Catalog (the store does): it
// returns one import run with its problems, for /sources/{name}/runs/{id}.
// Declared separately so a Catalog without it still works; the run pages
// then answer 404 and the sources page does not link them.
type RunReader interface {
	Run(ctx context.Context, id int64) (procure.ImportRun, error)
}

// Problems listed on a run page; the JSON twin has all that the store kept.
const maxRunProblemsShown = 1000

// runPage is the view model of /sources/{name}/runs/{id}.
type runPage struct {
	Meta   pageMeta
	Source string
	Run    runView
}

func runPath(source string, id int64) string {
	return "/sources/" + url.PathEscape(source) + "/runs/" + strconv.FormatInt(id, 10)
}

// parseRunPath reads the source name and run ID of /sources/{name}/runs/{id}.
func parseRunPath(rawName, rawID string) (string, int64, error) {
	name, err := pathID(rawName, "source name")
	if err != nil {
		return "", 0, err
	}
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, &publicError{Kind: procure.ErrNotFound, Msg: "There is no import run with this number."}
	}
	return name, id, nil
}

func loadRun(ctx context.Context, rr RunReader, source string, id int64) (procure.ImportRun, error) {
	if rr == nil {
		return procure.ImportRun{}, notFound(nil, "Import runs cannot be shown on this portal.")
	}
	r, err := rr.Run(ctx, id)
	if err != nil {
		if errors.Is(err, procure.ErrNotFound) {
			return r, notFound(err, "There is no import run %d of the source %q.", id, source)
		}
		return r, fmt.Errorf("run %d: %w", id, err)
	}
	if r.Source != source {
		return r, notFound(nil, "There is no import run %d of the source %q.", id, source)
	}
	return r, nil
}

func (s site) buildRun(ctx context.Context, rr RunReader, source string, id int64) (runPage, error) {
	r, err := loadRun(ctx, rr, source, id)
	if err != nil {
		return runPage{}, err
	}
	p := runPage{Source: r.Source, Run: *runToViewN(&r, maxRunProblemsShown)}
	p.Run.Open = true
	p.Meta = s.meta("Import "+strconv.FormatInt(id, 10)+" of "+r.Source, runPath(r.Source, id), "/api/v1"+runPath(r.Source, id), "sources")
	p.Meta.Description = "Counts and problems of one import of " + plainTitle(r.Source) + "."
	p.Meta.NoIndex = true
	return p, nil
}

func (s site) apiRun(ctx context.Context, rr RunReader, source string, id int64) (*procure.ImportRun, error) {
	r, err := loadRun(ctx, rr, source, id)
	if err != nil {
		return nil, err
	}
	out := redactRun(&r)
	fillEmpty(&out.Problems)
	return out, nil
}
