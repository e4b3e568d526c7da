package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestMatchPairsGolden scores a hand-made pairs file (BOM, CRLF, quoted
// fields, extra columns passed through) and compares with the golden file.
func TestMatchPairsGolden(t *testing.T) {
	code, out, errs := runCLI(t, nil, "match", "--pairs", filepath.Join("testdata", "match-pairs.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	checkGolden(t, "match-pairs.golden", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "id,name_a,name_b,schema,country_a,country_b,note,score,match" {
		t.Errorf("header %q", lines[0])
	}
	want := []string{"true", "false", "true", "true", "true", "false"}
	for i, w := range want {
		if !strings.HasSuffix(lines[i+1], ","+w) {
			t.Errorf("row %d: %q, want match=%s", i+1, lines[i+1], w)
		}
	}
}

func TestMatchPairsOptions(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte("q,r,truth\rZALA AERO,ZALA AERO GROUP,1\rPUTIN,\"PUTIN, Vladimir\",1\rThe Group,Alpha Group,0\r"), 0o644)
	outFile := filepath.Join(dir, "out.csv")
	code, _, errs := runCLI(t, nil, "match", "--pairs", in, "--name-a", "q", "--name-b", "r", "--label", "truth", "--out", outFile, "--explain", "--threshold", "0.8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "true positives 1, false positives 0, false negatives 1, true negatives 1; precision 1.000, recall 0.500") {
		t.Errorf("summary: %s", errs)
	}
	data, _ := os.ReadFile(outFile)
	if !strings.Contains(string(data), "q,r,truth,score,match,explanation") || !strings.Contains(string(data), "zala=zala") {
		t.Errorf("output: %s", data)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"match"}, 2, "needs --pairs"},
		{[]string{"match", "--pairs", in}, 1, `no "name_a" column`},
		{[]string{"match", "--pairs", in, "--name-a", "q", "--name-b", "r", "--threshold", "2"}, 2, "--threshold"},
		{[]string{"match", "--pairs", filepath.Join(dir, "missing.csv")}, 1, "open pairs file"},
		{[]string{"match", "--pairs", in, "--name-a", "q", "--name-b", "r", "--label-min", "x"}, 2, "--label-min"},
	} {
		code, _, errs := runCLI(t, nil, c.args...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errs, c.code, c.msg)
		}
	}
	os.WriteFile(in, []byte("name_a,name_b\nA,B,C\n"), 0o644)
	if code, _, errs := runCLI(t, nil, "match", "--pairs", in); code != 1 || !strings.Contains(errs, "line 2") {
		t.Errorf("too many fields: exit %d, %q", code, errs)
	}
}

// TestMatchSharedFixtures runs the command on nomenklatura's OFAC fixture
// file exactly as the issue note documents it.
func TestMatchSharedFixtures(t *testing.T) {
	p := testenv.SharedData(t, "name-matching", "nomenklatura_ofac_fixtures.csv")
	code, out, errs := runCLI(t, nil, "match", "--pairs", p, "--name-a", "query_name", "--name-b", "result_name", "--label", "ofac_score", "--label-min", "90")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "\n"); n != 171 {
		t.Errorf("%d output lines, want 171", n)
	}
	if !strings.Contains(errs, "pairs 170 at threshold 0.70") {
		t.Errorf("summary: %s", errs)
	}
	t.Log(strings.TrimSpace(errs))
}
