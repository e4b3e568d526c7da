package ocds

import (
	"fmt"
	"sort"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Compile merges all current releases of one ocid (any order) into the
// compiled release with the OCDS merge routine, summarises it and lists what
// changed between releases.
//
// Releases are ordered by date (ties keep their order in the slice). A
// release id given twice keeps its last copy. Publisher compiled releases
// (SourceRelease.Compiled, from records whose releases were only linked)
// are used as follows: with no individual releases they are merged by
// date; otherwise only those newer than every individual release are
// merged (after them), since they carry state the releases we hold do not.
// The compiled release gets tag ["compiled"], date = the latest release's
// date and id = "{ocid}-{date}".
func Compile(ocid string, releases []procure.SourceRelease) (procure.Compiled, error) {
	out := procure.Compiled{OCID: ocid}
	var probs []procure.Problem
	warn := func(code, msg string, loc procure.Location) {
		probs = append(probs, procure.Problem{Severity: procure.SevWarning, Code: code, Message: msg, Location: loc, OCID: ocid})
	}

	// Select: one copy per release id, individual releases first.
	type entry struct {
		sr  *procure.SourceRelease
		pos int
	}
	var ind, comp []entry
	byID := map[string]int{} // release id -> index in ind
	for i := range releases {
		sr := &releases[i]
		if sr.OCID != ocid {
			warn(CodeOtherOCID, fmt.Sprintf("release %s belongs to %s, not %s; ignored", quote(sr.ID), quote(sr.OCID), quote(ocid)), sr.Location)
			continue
		}
		if sr.Compiled {
			comp = append(comp, entry{sr, i})
			continue
		}
		if j, ok := byID[sr.ID]; ok {
			if ind[j].sr.SHA256 != sr.SHA256 {
				warn(CodeDuplicateRelease, fmt.Sprintf("release %s was given twice with different content; the later copy (%s) was used", quote(sr.ID), sr.URL), sr.Location)
			}
			ind[j] = entry{sr, i}
			continue
		}
		byID[sr.ID] = len(ind)
		ind = append(ind, entry{sr, i})
	}
	byDate := func(es []entry) {
		sort.SliceStable(es, func(a, b int) bool {
			if !es[a].sr.Date.Equal(es[b].sr.Date) {
				return es[a].sr.Date.Before(es[b].sr.Date)
			}
			return es[a].pos < es[b].pos
		})
	}
	byDate(ind)
	byDate(comp)
	order := ind
	if len(ind) > 0 && len(comp) > 0 {
		latest := ind[len(ind)-1].sr.Date
		for _, e := range comp {
			if e.sr.Date.After(latest) {
				order = append(order, e)
			} else {
				warn(CodeCompiledSuperseded, fmt.Sprintf("the publisher's compiled release %s is not newer than the individual releases, which were used instead", quote(e.sr.ID)), e.sr.Location)
			}
		}
	} else if len(ind) == 0 {
		order = comp
	}

	m := &merger{ocid: ocid}
	acc := newObject(16)
	merged := 0
	var first, last time.Time
	var lastDate string
	var latest *procure.SourceRelease
	for _, e := range order {
		v, _, err := parseValue(string(e.sr.Raw), maxNesting)
		if err != nil || v.k != kObject {
			why := "not a JSON object"
			if err != nil {
				why = err.Error()
			}
			probs = append(probs, procure.Problem{Severity: procure.SevError, Code: CodeStoredReleaseBroken,
				Message: fmt.Sprintf("stored release %s could not be read (%s); left out of the compiled release", quote(e.sr.ID), why), Location: e.sr.Location, OCID: ocid})
			continue
		}
		m.track = merged > 0
		m.relID, m.relDate = e.sr.ID, e.sr.Date
		if d := v.getStr("date"); d != "" {
			lastDate = d
		} else {
			lastDate = e.sr.Date.Format(time.RFC3339)
		}
		m.mergeObject(&acc, &v, releaseRules, false)
		if merged == 0 {
			first = e.sr.Date
		}
		last = e.sr.Date
		latest = e.sr
		merged++
	}
	if merged == 0 {
		return out, fmt.Errorf("compile %s: %w: no usable release", ocid, procure.ErrInvalid)
	}
	acc.set("ocid", strValue(ocid))
	acc.set("id", strValue(ocid+"-"+lastDate))
	acc.set("date", strValue(lastDate))
	acc.set("tag", value{k: kArray, kids: []member{{Val: strValue("compiled")}}})

	out.Release = appendJSON(make([]byte, 0, 8192), &acc)
	out.Changes = m.changes
	probs = append(probs, m.problems...)
	if m.truncated {
		warn(CodeChangesTruncated, fmt.Sprintf("more than %d changes between releases; only the first %d are listed", MaxChanges, MaxChanges), procure.Location{})
	}
	s := summariser{ocid: ocid, c: &acc}
	out.Contract = s.contract()
	out.Contract.ReleaseCount = merged
	out.Contract.FirstRelease = first
	out.Contract.LastRelease = last
	out.Contract.Source = latest.Source
	out.Contract.Publisher = latest.Package.Publisher
	if out.Contract.Date.IsZero() {
		out.Contract.Date = last
	}
	for _, p := range s.problems {
		p.OCID = ocid
		probs = append(probs, p)
	}
	out.Problems = probs
	return out, nil
}
