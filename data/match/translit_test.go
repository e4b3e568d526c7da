package match

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tenderlens/tenderlens/data/testenv"
)

// TestRussianSystemsReproduceIuliiaSamples checks each hand-written Russian
// system against every sample pair of the corresponding iuliia schema.
func TestRussianSystemsReproduceIuliiaSamples(t *testing.T) {
	for _, c := range []struct {
		file string
		sys  *ruSystem
	}{
		{"gost_779_alt.json", ruGOST779B},
		{"bgn_pcgn.json", ruBGNPCGN},
		{"icao_doc_9303.json", ruICAO},
		{"scientific.json", ruScholarly},
		{"wikipedia.json", ruWikipedia},
		{"mvd_782.json", ruMVD782},
		{"gost_52535.json", ruGOST52535},
	} {
		t.Run(c.file, func(t *testing.T) {
			p := testenv.SharedData(t, "reference", "translit", "iuliia-ru", c.file)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var schema struct {
				Samples [][2]string `json:"samples"`
			}
			if err := json.Unmarshal(data, &schema); err != nil {
				t.Fatal(err)
			}
			if len(schema.Samples) == 0 {
				t.Fatal("no samples")
			}
			for _, s := range schema.Samples {
				if got := c.sys.translate(s[0]); got != s[1] {
					t.Errorf("%s(%q)\n got %q\nwant %q", c.sys.name, s[0], got, s[1])
				}
			}
			t.Logf("%s: %d samples reproduced", c.sys.name, len(schema.Samples))
		})
	}
}

type uklatnVector struct {
	Test string `json:"test"`
	Cyr  string `json:"cyr"`
	Lat  string `json:"lat"`
}

func readUklatn(t *testing.T, file string) []uklatnVector {
	p := testenv.SharedData(t, "reference", "translit", "uklatn-uk", file)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var v []uklatnVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestUkrainianKMU55Vectors: all test vectors of KMU 2010 (resolution 55).
func TestUkrainianKMU55Vectors(t *testing.T) {
	vs := readUklatn(t, "test_KMU_55.json")
	n := 0
	for _, v := range vs {
		if !strings.Contains(v.Test, "cyr >") && !strings.Contains(v.Test, "cyr <>") {
			continue
		}
		n++
		if got := ukKMU(v.Cyr); got != v.Lat {
			t.Errorf("KMU(%q)\n got %q\nwant %q", v.Cyr, got, v.Lat)
		}
	}
	if n != 17 {
		t.Errorf("ran %d KMU 55 vectors, want 17", n)
	}
}

// TestUkrainianDSTU9112BVectors: the Cyrillic → Latin vectors of DSTU
// 9112:2021 system B.
func TestUkrainianDSTU9112BVectors(t *testing.T) {
	vs := readUklatn(t, "test_DSTU_9112_B.json")
	n := 0
	for _, v := range vs {
		if !strings.Contains(v.Test, "cyr >") && !strings.Contains(v.Test, "cyr <>") {
			continue
		}
		n++
		if got := ukDSTU9112B(v.Cyr); got != v.Lat {
			t.Errorf("DSTU 9112 B(%q)\n got %q\nwant %q", v.Cyr, got, v.Lat)
		}
	}
	if n < 15 {
		t.Errorf("ran only %d DSTU 9112 B vectors", n)
	}
	t.Logf("%d DSTU 9112 B vectors", n)
}

func TestTransliterate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string // each must be among the variants
	}{
		{"Путин Владимир Владимирович", []string{"Putin Vladimir Vladimirovich"}},
		{"Захаров Александр Вячеславович", []string{"Zakharov Aleksandr Vyacheslavovich", "Zaxarov Aleksandr Vyacheslavovich"}},
		{"Юлия Щеглова", []string{"Iuliia Shcheglova", "Yuliya Shcheglova"}},
		{"Хмельницький", []string{"Khmelnytskyi", "Khmeljnycjkyj"}},
		{"Зеленський Володимир", []string{"Zelenskyi Volodymyr"}},
		{"김정은", []string{"Kim Jong-un", "Gim Jeong-eun"}},
		{"리영호", []string{"Ri Yong-ho"}},
		{"박봉주", []string{"Pak Pong-ju"}},
		{"北京", []string{"Bei Jing"}},
		{"Αθήνα", []string{"athina"}},
	} {
		got := Transliterate(c.in)
		for _, w := range c.want {
			found := false
			for _, g := range got {
				if g == w {
					found = true
				}
			}
			if !found {
				t.Errorf("Transliterate(%q) = %q, missing %q", c.in, got, w)
			}
		}
	}
	if got := Transliterate("ACME Ltd"); got != nil {
		t.Errorf("Latin input: %q, want nil", got)
	}
}
