package procure

import "testing"

func TestUnspecifiedOwnerText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"noBeneficialOwners", "the record says there are no beneficial owners"},
		{"subjectExemptFromDisclosure: Listed on a regulated market.", "the company is exempt from disclosure: Listed on a regulated market"},
		{"unknown: unknown to the publisher", "unknown to the publisher"},
		{"someNewCode", "someNewCode"},
	} {
		if got := UnspecifiedOwnerText(tt.in); got != tt.want {
			t.Errorf("UnspecifiedOwnerText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRegimeShort(t *testing.T) {
	for r, want := range map[Regime]string{RegimeOFAC: "US", RegimeEU: "EU", RegimeUK: "UK", Regime("xx"): "xx"} {
		if got := r.Short(); got != want {
			t.Errorf("%q.Short() = %q, want %q", r, got, want)
		}
	}
}
