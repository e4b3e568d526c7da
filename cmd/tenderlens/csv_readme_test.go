package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// readmeExample is the worked example of README.md's "Importing city
// spending from CSV": the CSV, the mapping, the command and its output,
// exactly as printed.
type readmeExample struct {
	csv, toml, command, output string
}

func readReadmeExample(t *testing.T) (root string, ex readmeExample) {
	t.Helper()
	root = testenv.ModuleRoot()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "### Worked example")
	if start < 0 {
		t.Fatal(`README.md has no "### Worked example" section`)
	}
	section := text[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	block := func(lang string) string {
		i := strings.Index(section, "```"+lang+"\n")
		if i < 0 {
			t.Fatalf("the worked example has no ```%s block", lang)
		}
		body := section[i+len(lang)+4:]
		j := strings.Index(body, "```\n")
		if j < 0 {
			t.Fatalf("unterminated ```%s block", lang)
		}
		return body[:j]
	}
	ex = readmeExample{csv: block("csv"), toml: block("toml"), command: strings.TrimSpace(block("sh")), output: block("text")}
	return root, ex
}

// TestReadmeCSVExample imports the README's worked example exactly as the
// README shows (a new city's export with nothing but a mapping file), and
// checks what the portal then shows.
func TestReadmeCSVExample(t *testing.T) {
	root, ex := readReadmeExample(t)
	for name, want := range map[string]string{
		"data/uslocal/testdata/example/springfield-schools.csv":  ex.csv,
		"data/uslocal/testdata/example/springfield-schools.toml": ex.toml,
	} {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("README.md shows another %s than the file:\n%s", name, diffLines(string(got), want))
		}
	}
	const prefix = "go run ./cmd/tenderlens "
	if !strings.HasPrefix(ex.command, prefix) || strings.Contains(ex.command, "\n") {
		t.Fatalf("the README command %q is not one `go run ./cmd/tenderlens ...` line", ex.command)
	}
	args := strings.Fields(strings.TrimPrefix(ex.command, prefix))
	data := t.TempDir()
	t.Chdir(root) // the README's paths are relative to the checkout
	code, stdout, stderr := runCLI(t, map[string]string{"TENDERLENS_DATA": data}, args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if stdout != ex.output {
		t.Errorf("the output differs from the README:\n%s", diffLines(ex.output, stdout))
	}

	a := openWeb(t, data)
	const id = "tlcsv-us-il-springfield-schools~springfield-public-schools"
	var ag apiAgencyAnswer
	getJSON(t, a, apiPath("/api/v1/agencies/"+id), &ag)
	if ag.Party.Name != "Springfield Public Schools" || ag.Party.BuyerType != "education" || ag.AwardCount != 7 {
		t.Errorf("agency: %+v", ag.Party)
	}
	if len(ag.Totals) != 1 || ag.Totals[0].rat(t).Cmp(rat(t, "17617.72")) != 0 || len(ag.Refunds) != 1 || ag.Refunds[0].rat(t).Cmp(rat(t, "-485.00")) != 0 {
		t.Errorf("totals %+v refunds %+v; want 17617.72 USD with -485.00 USD of refunds", ag.Totals, ag.Refunds)
	}
	var police apiSearchAnswer
	getJSON(t, a, apiPath("/api/v1/search", "buyer_type", "police"), &police)
	if police.Total != 2 {
		t.Errorf("police purchases: %d, want the 2 District Police payments", police.Total)
	}
	for _, h := range police.Hits {
		if !strings.HasSuffix(h.Title, "(District Police)") || h.Suppliers[0].Name != "AXON ENTERPRISE INC" {
			t.Errorf("police hit %+v", h)
		}
	}
	var axon apiSupplierAnswer
	getJSON(t, a, "/api/v1/suppliers/"+police.Hits[0].Suppliers[0].ID, &axon)
	if axon.AwardCount != 2 || axon.Totals[0].rat(t).Cmp(rat(t, "12150")) != 0 {
		t.Errorf("AXON: %+v", axon)
	}
	// The parent's name is nowhere.
	for _, p := range []string{apiPath("/api/v1/search", "q", "JOHNSON"), apiPath("/api/v1/search", "q", "lunch")} {
		code, body, _ := get(t, a, p)
		if code != 200 || strings.Contains(string(body), "JOHNSON") || strings.Contains(string(body), "MARIA") {
			t.Errorf("%s: %d %s", p, code, truncate(string(body), 300))
		}
	}
	if err := a.store.Verify(context.Background()); err != nil {
		t.Error(err)
	}

	skipWithoutDepartments(t, ag)
	want := map[string]string{"District Police": "12150.00", "Curriculum & Instruction": "3410.55", "Transportation": "1250.01", "Food Services": "807.16"}
	for _, d := range ag.Departments {
		if w, ok := want[d.Category]; !ok || d.Amount.rat(t).Cmp(rat(t, w)) != 0 {
			t.Errorf("department %q: %s, want %s", d.Category, d.Amount.Amount, w)
		}
		delete(want, d.Category)
	}
	if len(want) > 0 {
		t.Errorf("departments missing: %v", want)
	}
	code, body, _ := get(t, a, "/agencies/"+id)
	if code != 200 || !strings.Contains(string(body), "Spending by department") || !strings.Contains(string(body), "Curriculum &amp; Instruction") {
		t.Errorf("agency page: %d, departments shown: %v", code, strings.Contains(string(body), "Spending by department"))
	}
}
