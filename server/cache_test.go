package server

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

type countingCatalog struct {
	*fakeData
	n atomic.Int64
}

func (c *countingCatalog) Agency(ctx context.Context, id string) (procure.AgencyDetail, error) {
	c.n.Add(1)
	return c.fakeData.Agency(ctx, id)
}

func TestPageCache(t *testing.T) {
	f := newFakeData(plainText)
	cc := &countingCatalog{fakeData: f}
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := newServer(Config{Logger: discardLogger()}, Deps{Search: f, Catalog: cc})
	if err != nil {
		t.Fatal(err)
	}
	s.cache.now = func() time.Time { return clock }
	appS := s.app()

	target := "/agencies/" + testBuyerID
	first := do(t, appS, http.MethodGet, target)
	second := do(t, appS, http.MethodGet, target)
	if cc.n.Load() != 1 {
		t.Errorf("catalog called %d times for two identical requests", cc.n.Load())
	}
	if first.body != second.body || second.status != http.StatusOK || second.header.Get("Content-Type") != first.header.Get("Content-Type") ||
		second.header.Get("Cache-Control") != cachePages || second.header.Get("Content-Security-Policy") == "" {
		t.Errorf("cached answer differs: %d %v", second.status, second.header)
	}
	if r := do(t, appS, http.MethodHead, target); r.status != http.StatusOK || cc.n.Load() != 1 {
		t.Errorf("HEAD not served from the cache")
	}
	clock = clock.Add(defaultCacheTTL)
	do(t, appS, http.MethodGet, target)
	if cc.n.Load() != 2 {
		t.Errorf("expired entry reused")
	}
	// errors are not cached
	do(t, appS, http.MethodGet, "/agencies/unknown")
	do(t, appS, http.MethodGet, "/agencies/unknown")
	if cc.n.Load() != 4 {
		t.Errorf("404 cached: %d calls", cc.n.Load())
	}
	// the metrics still name the route on hits
	m := do(t, appS, http.MethodGet, "/metrics")
	if !strings.Contains(m.body, `tenderlens_http_requests_total{route="agency",code="200"} 4`) {
		t.Errorf("metrics on cache hits:\n%s", m.body)
	}
}

func TestPageCacheEviction(t *testing.T) {
	pc := newPageCache(time.Minute, 1600)
	for i := 0; i < 20; i++ {
		pc.put(&cacheEntry{key: string(rune('a' + i)), body: make([]byte, 99)})
	}
	if pc.size > 1600 || len(pc.items) != 16 {
		t.Errorf("size %d, %d items", pc.size, len(pc.items))
	}
	if pc.get("a") != nil || pc.get("t") == nil {
		t.Errorf("not least recently used first")
	}
	pc.put(&cacheEntry{key: "big", body: make([]byte, 200)}) // over maxEntry
	if pc.get("big") != nil {
		t.Errorf("entry larger than maxEntry kept")
	}
}

func TestCacheDisabled(t *testing.T) {
	f := newFakeData(plainText)
	s, err := newServer(Config{Logger: discardLogger(), CacheTTL: -1}, Deps{Search: f, Catalog: f})
	if err != nil || s.cache != nil {
		t.Fatalf("negative CacheTTL: cache %v, %v", s.cache, err)
	}
}
