package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// ocdsAPI is a fake OCDS release-package API: pages of 2 releases linked by
// links.next, filtered by an updatedFrom parameter (only releases dated
// after it). It logs every request.
type ocdsAPI struct {
	mu       sync.Mutex
	releases []map[string]any
	log      []string
	srv      *httptest.Server
}

func (api *ocdsAPI) add(ocid string, date time.Time, title string) {
	api.mu.Lock()
	defer api.mu.Unlock()
	api.releases = append(api.releases, map[string]any{
		"ocid": ocid, "id": ocid + "-" + date.Format("20060102"), "date": date.Format(time.RFC3339), "tag": []string{"tender"},
		"initiationType": "tender",
		"buyer":          map[string]any{"id": "GB-GOV-1", "name": "Harbor City Police Department"},
		"parties":        []any{map[string]any{"id": "GB-GOV-1", "name": "Harbor City Police Department", "roles": []string{"buyer"}}},
		"tender":         map[string]any{"id": "t", "title": title},
	})
}

func (api *ocdsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api.mu.Lock()
	defer api.mu.Unlock()
	api.log = append(api.log, r.URL.RequestURI())
	since := r.URL.Query().Get("updatedFrom")
	var sel []map[string]any
	for _, rel := range api.releases {
		if since == "" || rel["date"].(string) > since {
			sel = append(sel, rel)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i]["date"].(string) < sel[j]["date"].(string) })
	page := 0
	fmt.Sscan(r.URL.Query().Get("page"), &page)
	const per = 2
	lo, hi := page*per, page*per+per
	if lo > len(sel) {
		lo = len(sel)
	}
	if hi > len(sel) {
		hi = len(sel)
	}
	pkg := map[string]any{
		"uri": api.srv.URL + r.URL.RequestURI(), "publishedDate": "2024-06-01T00:00:00Z", "version": "1.1",
		"publisher": map[string]any{"name": "Test publisher"}, "releases": sel[lo:hi],
	}
	if hi < len(sel) {
		q := r.URL.Query()
		q.Set("page", fmt.Sprint(page+1))
		pkg["links"] = map[string]any{"next": api.srv.URL + "/releases?" + q.Encode()}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(pkg)
}

func (api *ocdsAPI) takeLog() []string {
	api.mu.Lock()
	defer api.mu.Unlock()
	l := api.log
	api.log = nil
	return l
}

// TestScheduledHTTPSource: a scheduled HTTP source paged in 3 pages is fully
// imported by its first run into the real store and index; the second run
// asks only for what is new (request log) and stores only the new releases.
func TestScheduledHTTPSource(t *testing.T) {
	api := &ocdsAPI{}
	api.srv = httptest.NewServer(api)
	defer api.srv.Close()
	base := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 6; i++ {
		api.add(fmt.Sprintf("ocds-sched0-%03d", i), base.Add(time.Duration(i)*24*time.Hour), fmt.Sprintf("Patrol radios lot %d", i))
	}
	cfg := defaultConfig()
	cfg.Data = filepath.Join(t.TempDir(), "data")
	cfg.AllowPrivateSources = true // the test server is on loopback
	cfg.Sources = []SourceConfig{{
		Name: "test-api", Format: "ocds", Location: api.srv.URL + "/releases", Schedule: "@every 1h",
		Options: map[string]string{"since_param": "updatedFrom"},
	}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := build(ctx, cfg, buildOptions{Purpose: "test", Web: true, Schedule: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if next := a.sched.NextRun("test-api"); next.IsZero() {
		// NextRun is known once started; start and stop without waiting
		// for a tick (the first tick is an hour away).
		a.sched.Start(ctx)
		defer a.sched.Stop()
	}

	run1, err := a.sched.RunNow(ctx, "test-api")
	if err != nil {
		t.Fatal(err)
	}
	log1 := api.takeLog()
	if len(log1) != 3 {
		t.Errorf("first run made %d requests, want 3 pages: %v", len(log1), log1)
	}
	if run1.Stored != 6 {
		t.Errorf("first run stored %d releases, want 6", run1.Stored)
	}
	var ans searchAnswer
	getJSON(t, a, "/api/v1/search?q=radios&limit=50", &ans)
	if ans.Total != 6 {
		t.Errorf("after run 1 search finds %d, want 6", ans.Total)
	}

	api.add("ocds-sched0-100", base.Add(10*24*time.Hour), "Patrol radios lot 100")
	api.add("ocds-sched0-101", base.Add(11*24*time.Hour), "Patrol radios lot 101")
	run2, err := a.sched.RunNow(ctx, "test-api")
	if err != nil {
		t.Fatal(err)
	}
	log2 := api.takeLog()
	if len(log2) != 1 {
		t.Errorf("second run made %d requests, want 1: %v", len(log2), log2)
	}
	for _, u := range log2 {
		if want := "updatedFrom=" + "2024-01-06T10%3A00%3A00Z"; !containsParam(u, want) {
			t.Errorf("second run request %s lacks %s", u, want)
		}
	}
	if run2.Stored != 2 || run2.Read != 2 {
		t.Errorf("second run read %d and stored %d, want 2 and 2", run2.Read, run2.Stored)
	}
	// (another URL: the server caches answers for a few seconds)
	getJSON(t, a, "/api/v1/search?q=radios&limit=49", &ans)
	if ans.Total != 8 {
		t.Errorf("after run 2 search finds %d, want 8", ans.Total)
	}
	// The sources page shows the source with its last run.
	var sources []struct {
		Name    string `json:"name"`
		LastRun *struct {
			Stored int `json:"stored"`
		} `json:"lastRun"`
	}
	getJSON(t, a, "/api/v1/sources", &sources)
	found := false
	for _, s := range sources {
		if s.Name == "test-api" && s.LastRun != nil && s.LastRun.Stored == 2 {
			found = true
		}
	}
	if !found {
		t.Errorf("sources API does not show test-api's last run: %+v", sources)
	}
}

func containsParam(uri, kv string) bool {
	for i := 0; i+len(kv) <= len(uri); i++ {
		if uri[i:i+len(kv)] == kv {
			return true
		}
	}
	return false
}
