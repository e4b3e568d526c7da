package server

import (
	"container/list"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// pageCache is a small in-memory cache of rendered 200 responses, keyed by
// the request URI, with a short time to live. Every page and API answer is
// a pure function of its URI and the data, so a burst of readers following
// the same link (a news article linking to one agency page) costs one
// build; data is at most TTL seconds staler than without the cache (and
// browsers may already keep pages for a minute, see cachePages). Bounded by
// total bytes, least recently used evicted first.
type pageCache struct {
	ttl      time.Duration
	maxBytes int
	maxEntry int
	now      func() time.Time

	mu    sync.Mutex
	size  int
	ll    *list.List // front = most recently used
	items map[string]*list.Element
}

type cacheEntry struct {
	key     string
	body    []byte
	headers [][2]string
	expires time.Time
}

// Response headers a handler sets that a cached answer must repeat.
var cachedHeaders = []string{
	fiber.HeaderContentType, fiber.HeaderCacheControl, "Repr-Digest",
	fiber.HeaderAccessControlAllowOrigin, "Cross-Origin-Resource-Policy",
}

func newPageCache(ttl time.Duration, maxBytes int) *pageCache {
	return &pageCache{ttl: ttl, maxBytes: maxBytes, maxEntry: maxBytes / 16, now: time.Now,
		ll: list.New(), items: map[string]*list.Element{}}
}

func (pc *pageCache) get(key string) *cacheEntry {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.items[key]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if !pc.now().Before(e.expires) {
		pc.remove(el)
		return nil
	}
	pc.ll.MoveToFront(el)
	return e
}

func (pc *pageCache) put(e *cacheEntry) {
	n := len(e.body) + len(e.key)
	if n > pc.maxEntry {
		return
	}
	e.expires = pc.now().Add(pc.ttl)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.items[e.key]; ok {
		pc.remove(el)
	}
	pc.items[e.key] = pc.ll.PushFront(e)
	pc.size += n
	for pc.size > pc.maxBytes {
		pc.remove(pc.ll.Back())
	}
}

func (pc *pageCache) remove(el *list.Element) {
	e := el.Value.(*cacheEntry)
	pc.ll.Remove(el)
	delete(pc.items, e.key)
	pc.size -= len(e.body) + len(e.key)
}

// cached serves a route from the cache, or runs h and keeps its answer
// when it is a 200.
func (s *server) cached(c *fiber.Ctx, h fiber.Handler) error {
	if s.cache == nil {
		return h(c)
	}
	key := c.OriginalURL()
	if e := s.cache.get(key); e != nil {
		for _, kv := range e.headers {
			c.Set(kv[0], kv[1])
		}
		c.Status(fiber.StatusOK)
		c.Response().SetBody(e.body)
		return nil
	}
	if err := h(c); err != nil {
		return err
	}
	if c.Response().StatusCode() != fiber.StatusOK || c.Method() != fiber.MethodGet {
		return nil
	}
	e := &cacheEntry{key: key, body: append([]byte(nil), c.Response().Body()...)}
	for _, name := range cachedHeaders {
		if v := c.GetRespHeader(name); v != "" {
			e.headers = append(e.headers, [2]string{name, v})
		}
	}
	s.cache.put(e)
	return nil
}
