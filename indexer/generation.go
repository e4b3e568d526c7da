package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/tenderlens/tenderlens/data/procure"
)

// On-disk layout under Config.Dir:
//
//	CURRENT                 {"generation": "gen-…", …}, replaced by rename
//	LOCK                    flock held by the process that has the index open
//	gen-<UTC time>-<n>/     one generation:
//	    index/              the bleve (scorch) index
//	    READY               written once the generation was verified
//	corrupt-gen-…/          the last generation that failed to open, kept for inspection
//
// A generation without READY is a partial build; Open deletes it.

const (
	currentFile = "CURRENT"
	lockFile    = "LOCK"
	readyFile   = "READY"
	bleveDir    = "index"
	genPrefix   = "gen-"
	badPrefix   = "corrupt-"
)

var genName = regexp.MustCompile(`^gen-(\d{8}T\d{6}Z)-(\d+)$`)

// generation is one opened index generation. Searches, writes and
// background facet counts hold a reference; close waits until none is held,
// so an index closes only when idle and in-flight searches finish.
type generation struct {
	name string
	dir  string
	idx  bleve.Index

	// Caches of what searches read from the index: the columns (kept per
	// segment, see columns.go), and party labels and years (cleared by
	// every write).
	cols     *colCache
	labels   labelCache
	yearList atomic.Pointer[[]int]

	mu      sync.Mutex
	idle    sync.Cond
	refs    int
	closing bool
}

func newGeneration(name, dir string, idx bleve.Index) *generation {
	g := &generation{name: name, dir: dir, idx: idx, cols: newColCache()}
	g.idle.L = &g.mu
	return g
}

// warm builds the columns of the generation's current segments.
func (g *generation) warm() error {
	adv, err := g.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = g.cols.view(context.Background(), r)
	return err
}

// written clears what a write makes stale.
func (g *generation) written() {
	g.labels.clear()
	g.yearList.Store(nil)
}

// labelCache maps party IDs to facet labels.
type labelCache struct {
	mu sync.Mutex
	m  map[string]string
}

// maxLabels bounds the label cache; it starts over when full.
const maxLabels = 20000

func (c *labelCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.m[id]
	return l, ok
}

func (c *labelCache) put(id, label string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxLabels {
		c.m = make(map[string]string)
	}
	c.m[id] = label
}

func (c *labelCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// ref takes a reference; false once the generation is closing.
func (g *generation) ref() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.refs++
	return true
}

func (g *generation) unref() {
	g.mu.Lock()
	g.refs--
	if g.refs == 0 && g.closing {
		g.idle.Broadcast()
	}
	g.mu.Unlock()
}

// currentInfo is the content of CURRENT.
type currentInfo struct {
	Generation     string    `json:"generation"`
	MappingVersion int       `json:"mappingVersion"`
	Docs           uint64    `json:"docs"`
	Published      time.Time `json:"published"`
}

func readCurrent(dir string) (currentInfo, error) {
	var ci currentInfo
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		return ci, err
	}
	if err := json.Unmarshal(b, &ci); err != nil {
		return ci, fmt.Errorf("read %s: %w (%w)", currentFile, err, procure.ErrCorrupt)
	}
	if !genName.MatchString(ci.Generation) {
		return ci, fmt.Errorf("read %s: generation %q is not a generation name: %w", currentFile, ci.Generation, procure.ErrCorrupt)
	}
	return ci, nil
}

// writeFileAtomic writes name in dir by temp file + fsync + rename + dir fsync.
func writeFileAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

func writeCurrent(dir string, ci currentInfo) error {
	b, err := json.MarshalIndent(ci, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(dir, currentFile, append(b, '\n')); err != nil {
		return fmt.Errorf("publish generation %s: %w", ci.Generation, err)
	}
	return nil
}

// listGenerations returns the generation directory names, newest first.
func listGenerations(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && genName.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Slice(out, func(i, j int) bool { return genLess(out[j], out[i]) })
	return out, nil
}

// genLess orders generation names by time, then sequence.
func genLess(a, b string) bool {
	ma, mb := genName.FindStringSubmatch(a), genName.FindStringSubmatch(b)
	if ma == nil || mb == nil {
		return a < b
	}
	if ma[1] != mb[1] {
		return ma[1] < mb[1]
	}
	na, _ := strconv.Atoi(ma[2])
	nb, _ := strconv.Atoi(mb[2])
	return na < nb
}

// newGenerationName returns a name newer than every existing generation.
func newGenerationName(dir string, now time.Time) string {
	ts := now.UTC().Format("20060102T150405Z")
	seq := 1
	if names, err := listGenerations(dir); err == nil {
		for _, n := range names {
			m := genName.FindStringSubmatch(n)
			if k, _ := strconv.Atoi(m[2]); k >= seq {
				seq = k + 1
			}
		}
	}
	return fmt.Sprintf("%s%s-%d", genPrefix, ts, seq)
}

func isReady(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name, readyFile))
	return err == nil
}

func markReady(genDir string, docs uint64) error {
	b, _ := json.Marshal(map[string]any{"mappingVersion": MappingVersion, "docs": docs, "verified": time.Now().UTC()})
	return writeFileAtomic(genDir, readyFile, b)
}

// maxSegmentDocs caps the documents of a segment that background merges
// produce (bleve's MaxSegmentSize; a segment of half of it is no longer
// merged). A merge reads every page of its source segments through memory
// maps, which count in the process's resident memory until the merge ends:
// with bleve's default of 5,000,000 documents, the merge of ten 100,000-
// contract segments (2 GB of files) that comes near 1,000,000 contracts
// pushed an import's peak RSS from 1.3 to 1.6 GiB and a search process's to
// 3 GiB. With this cap a merge reads at most about 420 MB, and a large
// index is a series of segments of 100,000 to 200,000 contracts; a search
// visits each, which costs little against visiting the matches. Rebuild
// still merges its new generation into one segment.
const maxSegmentDocs = 200_000

func runtimeConfig(boltTimeout time.Duration) map[string]interface{} {
	return map[string]interface{}{
		"bolt_timeout":           boltTimeout.String(),
		"scorchMergePlanOptions": map[string]any{"MaxSegmentSize": maxSegmentDocs},
	}
}

// createGeneration creates an empty generation directory and index.
func createGeneration(dir, name string, boltTimeout time.Duration) (*generation, error) {
	genDir := filepath.Join(dir, name)
	if err := os.MkdirAll(genDir, 0o755); err != nil {
		return nil, fmt.Errorf("create generation %s: %w", name, err)
	}
	idx, err := bleve.NewUsing(filepath.Join(genDir, bleveDir), newMapping(), scorch.Name, scorch.Name, runtimeConfig(boltTimeout))
	if err != nil {
		os.RemoveAll(genDir)
		return nil, fmt.Errorf("create generation %s: %w", name, err)
	}
	if err := idx.SetInternal([]byte(keyMappingVersion), []byte(strconv.Itoa(MappingVersion))); err != nil {
		idx.Close()
		os.RemoveAll(genDir)
		return nil, fmt.Errorf("create generation %s: %w", name, err)
	}
	return newGeneration(name, genDir, idx), nil
}

// openGeneration opens an existing generation. A lock held by another
// process is reported as procure.ErrLocked; any other failure (including a
// panic inside bleve or bbolt on damaged files) as procure.ErrCorrupt.
func openGeneration(dir, name string, boltTimeout time.Duration) (g *generation, err error) {
	genDir := filepath.Join(dir, name)
	defer func() {
		if r := recover(); r != nil {
			g = nil
			err = fmt.Errorf("open index generation %s: panic: %v: %w", name, r, procure.ErrCorrupt)
		}
	}()
	if _, err := os.Stat(filepath.Join(genDir, bleveDir)); err != nil {
		return nil, fmt.Errorf("open index generation %s: %w: %w", name, err, procure.ErrCorrupt)
	}
	idx, err := bleve.OpenUsing(filepath.Join(genDir, bleveDir), runtimeConfig(boltTimeout))
	if err != nil {
		if isLockTimeout(err) {
			return nil, fmt.Errorf("open index generation %s: held by another process (waited %s): %w", name, boltTimeout, procure.ErrLocked)
		}
		return nil, fmt.Errorf("open index generation %s: %w: %w", name, err, procure.ErrCorrupt)
	}
	// Touch the index: a damaged root or segment shows up here rather than
	// in the first search.
	if _, err := idx.DocCount(); err != nil {
		idx.Close()
		return nil, fmt.Errorf("open index generation %s: count documents: %w: %w", name, err, procure.ErrCorrupt)
	}
	return newGeneration(name, genDir, idx), nil
}

func isLockTimeout(err error) bool {
	return errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), bolterrors.ErrTimeout.Error())
}

// mappingVersion returns the version a generation was built with (0 when
// it does not say).
func (g *generation) mappingVersion() int {
	b, err := g.idx.GetInternal([]byte(keyMappingVersion))
	if err != nil || b == nil {
		return 0
	}
	v, _ := strconv.Atoi(string(b))
	return v
}

// close closes the generation once no search or write uses it.
func (g *generation) close() error {
	g.mu.Lock()
	if g.closing {
		g.mu.Unlock()
		return nil
	}
	g.closing = true
	for g.refs > 0 {
		g.idle.Wait()
	}
	g.mu.Unlock()
	return g.idx.Close()
}

// quarantine renames a generation that failed to open so it is not tried
// again, keeping only the newest quarantined one.
func quarantine(dir, name string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), badPrefix) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	if err := os.Rename(filepath.Join(dir, name), filepath.Join(dir, badPrefix+name)); err != nil {
		os.RemoveAll(filepath.Join(dir, name))
	}
}

// gc removes every generation directory except keep, and stray temp files.
func gc(dir, keep string) []error {
	var errs []error
	ents, err := os.ReadDir(dir)
	if err != nil {
		return []error{err}
	}
	for _, e := range ents {
		n := e.Name()
		switch {
		case n == keep:
		case e.IsDir() && genName.MatchString(n):
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				errs = append(errs, fmt.Errorf("remove stale generation %s: %w", n, err))
			}
		case strings.HasPrefix(n, "."+currentFile+".tmp-"):
			os.Remove(filepath.Join(dir, n))
		}
	}
	return errs
}
