package indexer

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

type planSeg struct {
	id   uint64
	docs int64
}

func (s planSeg) Id() uint64          { return s.id }
func (s planSeg) FullSize() int64     { return s.docs }
func (s planSeg) LiveSize() int64     { return s.docs }
func (s planSeg) HasVector() bool     { return false }
func (s planSeg) FileSize() int64     { return s.docs * 2200 }
func (s planSeg) LiveFileSize() int64 { return s.docs * 2200 }

// TestMergePlanBounded: the merge options every generation opens with are
// read by bleve as they are meant (an option bleve refused would stop its
// merger), and they keep merges below maxSegmentDocs: ten segments of
// 100,000 contracts are never merged into one of 1,000,000, while small
// segments still are.
func TestMergePlanBounded(t *testing.T) {
	b, err := json.Marshal(runtimeConfig(time.Second)["scorchMergePlanOptions"])
	if err != nil {
		t.Fatal(err)
	}
	o := mergeplan.DefaultMergePlanOptions // what bleve starts from
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	if err := mergeplan.ValidateMergePlannerOptions(&o); err != nil {
		t.Fatalf("bleve refuses the merge options %s: %v", b, err)
	}
	if o.MaxSegmentSize != maxSegmentDocs || o.SegmentsPerMergeTask != mergeplan.DefaultMergePlanOptions.SegmentsPerMergeTask {
		t.Fatalf("merge options %+v", o)
	}
	plan := func(docs ...int64) [][]int64 {
		var segs []mergeplan.Segment
		for i, d := range docs {
			segs = append(segs, planSeg{uint64(i + 1), d})
		}
		p, err := mergeplan.Plan(segs, &o)
		if err != nil {
			t.Fatal(err)
		}
		var out [][]int64
		for _, task := range p.Tasks {
			var ds []int64
			for _, s := range task.Segments {
				ds = append(ds, s.LiveSize())
			}
			out = append(out, ds)
		}
		return out
	}
	big := make([]int64, 12)
	for i := range big {
		big[i] = 100_000
	}
	if tasks := plan(big...); len(tasks) != 0 {
		t.Errorf("twelve segments of 100,000 documents: merge tasks %v, want none", tasks)
	}
	small := make([]int64, 25)
	for i := range small {
		small[i] = 2_000
	}
	tasks := plan(small...)
	if len(tasks) == 0 {
		t.Fatal("25 segments of 2,000 documents: no merge task")
	}
	for _, task := range tasks {
		var sum int64
		for _, d := range task {
			sum += d
		}
		if sum >= maxSegmentDocs {
			t.Errorf("merge task %v makes %d documents", task, sum)
		}
	}
}
