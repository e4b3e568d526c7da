package ocds

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenderlens/tenderlens/data/procure"
	"github.com/tenderlens/tenderlens/data/testenv"
)

// FuzzRead checks that Read never panics, that every emitted release has
// an ocid, an id, a date and valid JSON that Compile accepts, and that
// Raw is stable when read again. Seeds: small real files and hand-made
// edge cases (run under plain go test).
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"ocid":"ocds-abc123-1","id":"1","date":"2020-01-01T00:00:00Z","tag":"tender","awards":{"id":"a","suppliers":[{"name":"X"}]}}`,
		`[{"releases":[{"ocid":"o","id":"1","date":"2020-01-01"}]}, 3]`,
		"{\"records\":[{\"releases\":[{\"url\":\"u\"}],\"compiledRelease\":{\"ocid\":\"o\",\"date\":\"2020-01-01\"}}]}\n{",
		"\xef\xbb\xbf{\"ocid\":\"o\",\"id\":\"\xd3\",\"date\":\"2020-01-01\"}",
		`{"ocid":"o","date":"2020-01-01","parties":[{"id":"A","identifier":{"scheme":"XM-EORI","id":"12345678"}}],"language":"uk"}`,
	} {
		f.Add([]byte(s))
	}
	if dir := testenv.SharedDataDir(); dir != "" {
		for _, p := range []string{
			"ocds/tw-pcc/releases/ocid-6as3t2-51190195-ocid-6as3t2-51190195.json",
			"ocds/py-dncp/release-package_1.0.json",
			"ocds/py-dncp/record-package_1.0_no-publisher.json",
			"ocds/md-mtender/releases/ocds-ngfbwp-17180016-17180016.json",
			"ocds/mx-cdmx/release-package_iso-8859-1.json",
		} {
			if b, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rels []procure.SourceRelease
		_, _ = Read(context.Background(), bytes.NewReader(data), Options{MaxReleaseBytes: 1 << 20},
			func(sr procure.SourceRelease) error { rels = append(rels, sr); return nil }, func(procure.Problem) {})
		for _, r := range rels {
			if r.OCID == "" || r.ID == "" || r.Date.IsZero() {
				t.Fatalf("incomplete release %+v", r)
			}
			again, _, _, err := readAll(t, r.Raw, "")
			if err != nil || len(again) != 1 || !bytes.Equal(again[0].Raw, r.Raw) {
				t.Fatalf("Raw not stable: %s", r.Raw)
			}
			if _, err := Compile(r.OCID, []procure.SourceRelease{r}); err != nil {
				t.Fatalf("Compile: %v", err)
			}
		}
	})
}
