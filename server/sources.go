package server

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Problems of a run shown on the sources page; the rest are counted.
const maxProblemsShown = 50

// sourcesPage is the view model of /sources.
type sourcesPage struct {
	Meta    pageMeta
	Sources []sourceView
}

type sourceView struct {
	Anchor      string // heading id
	Name        string
	Format      string
	Location    string
	LocationURL string // link when the location is an http(s) URL
	Schedule    string
	NextRun     dateView
	Contracts   string
	Releases    string
	LastRun     *runView
	LastOK      *runView
	// Healthy is false when the last run failed or had errors.
	Healthy bool
}

type runView struct {
	ID        int64
	URL       string // the run's own page, when runs can be shown
	Open      bool   // problems list expanded (on the run's own page)
	Status    string
	StatusRaw string
	Started   dateView
	Finished  dateView
	Read      string
	Stored    string
	Unchanged string
	Warnings  string
	Errors    string
	Message   string
	Problems  []problemView
	More      string
}

type problemView struct {
	Severity string
	Code     string
	Message  string
	Where    string
	OCID     string
	URL      string // contract page when the OCID is known
}

func (s site) buildSources(ctx context.Context, lister SourceLister, runs RunReader) (sourcesPage, error) {
	p := sourcesPage{Meta: s.meta("Data sources", "/sources", "/api/v1/sources", "sources")}
	p.Meta.Description = "Where the portal's data comes from, how often it is imported and how the last imports went."
	if lister == nil {
		return p, nil
	}
	list, err := lister.Sources(ctx)
	if err != nil {
		return sourcesPage{}, fmt.Errorf("sources: %w", err)
	}
	sort.SliceStable(list, func(a, b int) bool { return list[a].Name < list[b].Name })
	for i, src := range list {
		v := sourceView{
			Anchor:    "source-" + strconv.Itoa(i),
			Name:      src.Name,
			Format:    src.Format,
			Location:  publicLocation(src.Location),
			Schedule:  src.Schedule,
			NextRun:   formatDateTime(src.NextRun),
			Contracts: formatInt(src.Contracts),
			Releases:  formatInt(src.Releases),
			LastRun:   runToView(src.LastRun),
			LastOK:    runToView(src.LastOK),
			Healthy:   true,
		}
		if v.Schedule == "" {
			v.Schedule = "Manual imports only"
		}
		v.LocationURL = safeHref(v.Location)
		if r := src.LastRun; r != nil && (r.Status == "failed" || r.Errors > 0) {
			v.Healthy = false
		}
		if runs != nil {
			for _, rv := range []*runView{v.LastRun, v.LastOK} {
				if rv != nil && rv.ID > 0 {
					rv.URL = runPath(src.Name, rv.ID)
				}
			}
		}
		if v.LastOK != nil && v.LastRun != nil && v.LastOK.ID == v.LastRun.ID {
			v.LastOK = nil // same run; shown once
		}
		p.Sources = append(p.Sources, v)
	}
	return p, nil
}

// publicLocation shows URLs without credentials or secret-looking query
// parameters (API keys, tokens), and local paths by their file name only
// (server paths are nobody's business).
func publicLocation(loc string) string {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return ""
	}
	if u, err := url.Parse(loc); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		u.User = nil
		u.Fragment = ""
		if u.RawQuery != "" {
			q := u.Query()
			for k := range q {
				if secretParam(k) {
					q.Del(k)
				}
			}
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return "local file " + path.Base(strings.ReplaceAll(loc, "\\", "/"))
}

// secretParam reports whether a query parameter name looks like it carries
// a credential.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"key", "token", "secret", "password", "passwd", "auth", "sig", "credential", "session"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// publicSourceURL is publicLocation for JSON: an http(s) URL without
// credentials or query, or the bare file name of a local input.
func publicSourceURL(loc string) string {
	if safeHref(loc) != "" {
		return publicLocation(loc)
	}
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return ""
	}
	return path.Base(strings.ReplaceAll(loc, "\\", "/"))
}

var runStatusLabels = map[string]string{
	"running":      "Running",
	"ok":           "Succeeded",
	"partial":      "Partly succeeded (some records failed)",
	"failed":       "Failed",
	"not-modified": "No changes at the source",
}

func runToView(r *procure.ImportRun) *runView { return runToViewN(r, maxProblemsShown) }

func runToViewN(r *procure.ImportRun, maxShown int) *runView {
	if r == nil {
		return nil
	}
	label := runStatusLabels[r.Status]
	if label == "" {
		label = humanize(r.Status)
	}
	v := &runView{
		ID:        r.ID,
		Status:    label,
		StatusRaw: r.Status,
		Started:   formatDateTime(r.Started),
		Finished:  formatDateTime(r.Finished),
		Read:      formatInt(r.Read),
		Stored:    formatInt(r.Stored),
		Unchanged: formatInt(r.Unchanged),
		Warnings:  formatInt(r.Warnings),
		Errors:    formatInt(r.Errors),
		Message:   r.Message,
	}
	for i, pr := range r.Problems {
		if i == maxShown {
			v.More = plural(len(r.Problems)-maxShown, "more problem is", "more problems are") + " in the JSON version of this page."
			break
		}
		pv := problemView{Severity: humanize(string(pr.Severity)), Code: pr.Code, Message: pr.Message, OCID: pr.OCID, Where: problemWhere(pr.Location)}
		if pr.OCID != "" {
			pv.URL = contractPath(pr.OCID)
		}
		v.Problems = append(v.Problems, pv)
	}
	return v
}

func problemWhere(l procure.Location) string {
	var parts []string
	if l.File != "" {
		parts = append(parts, publicLocation(l.File))
	}
	if l.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", l.Line))
	}
	parts = append(parts, fmt.Sprintf("record %d", l.Index+1))
	if l.Path != "" {
		parts = append(parts, "at "+l.Path)
	}
	return strings.Join(parts, ", ")
}

// apiSources is the JSON twin of /sources, with the same redaction of
// locations as the page.
func (s site) apiSources(ctx context.Context, lister SourceLister) ([]procure.SourceStatus, error) {
	if lister == nil {
		return []procure.SourceStatus{}, nil
	}
	list, err := lister.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	out := make([]procure.SourceStatus, 0, len(list))
	for _, src := range list {
		src.Location = publicLocation(src.Location)
		src.LastRun = redactRun(src.LastRun)
		src.LastOK = redactRun(src.LastOK)
		out = append(out, src)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

func redactRun(r *procure.ImportRun) *procure.ImportRun {
	if r == nil {
		return nil
	}
	c := *r
	c.Problems = make([]procure.Problem, len(r.Problems))
	for i, p := range r.Problems {
		if p.Location.File != "" {
			p.Location.File = publicLocation(p.Location.File)
		}
		c.Problems[i] = p
	}
	return &c
}
