package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ocdsAPI is a release-package API in the style of real OCDS publishers:
// releases sorted by date, pages of pageSize linked by links.next, and an
// updatedFrom parameter returning only releases dated strictly after it.
type ocdsAPI struct {
	t        *testing.T
	mu       sync.Mutex
	releases []apiRelease
	log      []string // request URIs
	pageSize int
	etag     bool // answer with an ETag and honour If-None-Match
	fail     map[int]int
	srv      *httptest.Server
}

type apiRelease struct {
	OCID string `json:"ocid"`
	ID   string `json:"id"`
	Date string `json:"date"`
}

func newOCDSAPI(t *testing.T) *ocdsAPI {
	a := &ocdsAPI{t: t, pageSize: 2, fail: map[int]int{}}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *ocdsAPI) add(ocid, id, date string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.releases = append(a.releases, apiRelease{OCID: ocid, ID: id, Date: date})
}

func (a *ocdsAPI) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := slices.Clone(a.log)
	a.log = nil
	return out
}

func (a *ocdsAPI) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log = append(a.log, r.URL.RequestURI())
	if n := a.fail[len(a.log)]; n != 0 {
		w.WriteHeader(n)
		return
	}
	q := r.URL.Query()
	var sel []apiRelease
	since := q.Get("updatedFrom")
	var sinceT time.Time
	if since != "" {
		var err error
		if sinceT, err = time.Parse(time.RFC3339, since); err != nil {
			http.Error(w, "bad updatedFrom", http.StatusBadRequest)
			return
		}
	}
	for _, rel := range a.releases {
		d, _ := time.Parse(time.RFC3339, rel.Date)
		if since == "" || d.After(sinceT) {
			sel = append(sel, rel)
		}
	}
	sort.SliceStable(sel, func(i, j int) bool { return sel[i].Date < sel[j].Date })
	cursor, _ := strconv.Atoi(q.Get("cursor"))
	end := min(cursor+a.pageSize, len(sel))
	page := sel[min(cursor, end):end]
	pkg := map[string]any{
		"uri": a.srv.URL + r.URL.RequestURI(), "version": "1.1", "publishedDate": "2024-02-01T00:00:00Z",
		"publisher": map[string]string{"name": "Test publisher"}, "releases": page,
	}
	if end < len(sel) {
		next := url.Values{"cursor": {strconv.Itoa(end)}}
		if since != "" {
			next.Set("updatedFrom", since)
		}
		pkg["links"] = map[string]string{"next": a.srv.URL + "/api/releases?" + next.Encode()}
	}
	body, _ := json.Marshal(pkg)
	if a.etag {
		tag := fmt.Sprintf(`"%x"`, len(body)*31+len(sel))
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", tag)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func apiSource(a *ocdsAPI) SourceConfig {
	return SourceConfig{
		Name: "test-api", Format: "ocds", Location: a.srv.URL + "/api/releases", Schedule: "@every 1h",
		Options:      map[string]string{"since_param": "updatedFrom", "backoff": "1ms", "max_backoff": "5ms"},
		AllowPrivate: true, Timeout: 5 * time.Second,
	}
}

// TestAcceptanceSinceAndPagination is the acceptance test: a
// release-package API paged by links.next and filtered by a since parameter.
// The first run imports everything; the second asks only for what is newer
// than the newest release of the first, and only the new releases reach the
// store.
func TestAcceptanceSinceAndPagination(t *testing.T) {
	api := newOCDSAPI(t)
	for i := 1; i <= 5; i++ {
		api.add(fmt.Sprintf("ocds-abc-%d", i), fmt.Sprintf("r%d", i), fmt.Sprintf("2024-01-0%dT10:00:00Z", i))
	}
	st, ix := newFakeStore(), &fakeIndex{}
	r := newTestRunner(t, st, ix, nil)
	src := apiSource(api)

	// Run 1: everything, in 3 pages.
	run1, err := r.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if run1.Status != StatusOK || run1.Read != 5 || run1.Stored != 5 || run1.Unchanged != 0 {
		t.Fatalf("run 1 = %+v", run1)
	}
	reqs := api.requests()
	want := []string{
		"/api/releases",
		"/api/releases?cursor=2",
		"/api/releases?cursor=4",
	}
	if !slices.Equal(reqs, want) {
		t.Fatalf("run 1 requests:\n%s\nwant:\n%s", strings.Join(reqs, "\n"), strings.Join(want, "\n"))
	}
	if got := len(st.applied[run1.ID]); got != 5 {
		t.Fatalf("run 1 handed %d releases to the store, want 5", got)
	}
	if saved := st.savedState(t, src.Name); saved.Since != "2024-01-05T10:00:00Z" || saved.Run != run1.ID {
		t.Fatalf("state after run 1 = %+v", saved)
	}
	if got := ix.got(); len(got) != 5 {
		t.Fatalf("indexed %v", got)
	}
	if rec := st.run(run1.ID); rec.Status != StatusOK || rec.Read != 5 || rec.Finished.IsZero() {
		t.Fatalf("recorded run 1 = %+v", rec)
	}

	// The publisher adds two processes and a new release of an old one.
	api.add("ocds-abc-6", "r6", "2024-01-06T09:00:00Z")
	api.add("ocds-abc-2", "r2-amend", "2024-01-07T08:00:00Z")
	api.add("ocds-abc-7", "r7", "2024-01-08T00:00:00Z")

	// Run 2: only what is newer than 2024-01-05T10:00:00Z, in 2 pages.
	run2, err := r.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	reqs = api.requests()
	want = []string{
		"/api/releases?updatedFrom=2024-01-05T10%3A00%3A00Z",
		"/api/releases?cursor=2&updatedFrom=2024-01-05T10%3A00%3A00Z",
	}
	if !slices.Equal(reqs, want) {
		t.Fatalf("run 2 requests:\n%s\nwant:\n%s", strings.Join(reqs, "\n"), strings.Join(want, "\n"))
	}
	gotNew := slices.Clone(st.applied[run2.ID])
	sort.Strings(gotNew)
	wantNew := []string{"ocds-abc-2|r2-amend", "ocds-abc-6|r6", "ocds-abc-7|r7"}
	if !slices.Equal(gotNew, wantNew) {
		t.Fatalf("run 2 reached the store with %v, want only %v", gotNew, wantNew)
	}
	if run2.Status != StatusOK || run2.Read != 3 || run2.Stored != 3 {
		t.Fatalf("run 2 = %+v", run2)
	}
	if n := len(st.ids()); n != 8 {
		t.Fatalf("store holds %d releases, want 8", n)
	}
	if saved := st.savedState(t, src.Name); saved.Since != "2024-01-08T00:00:00Z" {
		t.Fatalf("state after run 2 = %+v", saved)
	}
	if c := st.contracts["ocds-abc-2"]; c.ReleaseCount != 2 {
		t.Fatalf("ocds-abc-2 was not recompiled from both releases: %+v", c)
	}

	// Run 3: nothing new. One request, nothing stored, cursor kept.
	run3, err := r.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if reqs := api.requests(); len(reqs) != 1 || !strings.Contains(reqs[0], "updatedFrom=2024-01-08T00%3A00%3A00Z") {
		t.Fatalf("run 3 requests = %v", reqs)
	}
	if run3.Status != StatusOK || run3.Read != 0 || len(st.applied[run3.ID]) != 0 {
		t.Fatalf("run 3 = %+v", run3)
	}
	if saved := st.savedState(t, src.Name); saved.Since != "2024-01-08T00:00:00Z" {
		t.Fatalf("state after run 3 = %+v", saved)
	}
}
