package procure

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DecimalScale is the number of fractional digits a Decimal keeps.
const DecimalScale = 4

const decimalFactor = 10000 // 10^DecimalScale

// ErrDecimalRange reports an amount that does not fit a Decimal.
var ErrDecimalRange = errors.New("amount out of range")

// Decimal is an exact decimal amount with DecimalScale fractional digits,
// stored as an integer count of 1/10^DecimalScale units. Money is never summed
// as floating point.
type Decimal struct{ units int64 }

// DecimalFromUnits returns the Decimal of n ten-thousandths.
func DecimalFromUnits(n int64) Decimal { return Decimal{units: n} }

// DecimalFromInt returns the Decimal of a whole number.
func DecimalFromInt(n int64) Decimal { return Decimal{units: n * decimalFactor} }

// Units returns the amount in ten-thousandths (the stored representation).
func (d Decimal) Units() int64 { return d.units }

// IsZero reports whether the amount is zero.
func (d Decimal) IsZero() bool { return d.units == 0 }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// Neg returns -d.
func (d Decimal) Neg() Decimal { return Decimal{units: -d.units} }

// Add returns d+e, or ErrDecimalRange on overflow.
func (d Decimal) Add(e Decimal) (Decimal, error) {
	s := d.units + e.units
	if (e.units > 0 && s < d.units) || (e.units < 0 && s > d.units) {
		return Decimal{}, ErrDecimalRange
	}
	return Decimal{units: s}, nil
}

// Cmp compares d and e: -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.units < e.units:
		return -1
	case d.units > e.units:
		return 1
	}
	return 0
}

// Float64 returns an approximation for charts and range filters only; never
// sum these.
func (d Decimal) Float64() float64 { return float64(d.units) / decimalFactor }

// String returns the plain decimal form with at least two fractional digits
// and no trailing zeros beyond them: "1234.50", "-0.01", "12.3456".
func (d Decimal) String() string {
	u := d.units
	neg := u < 0
	var abs uint64
	if neg {
		abs = uint64(-(u + 1)) + 1 // safe for MinInt64
	} else {
		abs = uint64(u)
	}
	whole := abs / decimalFactor
	frac := abs % decimalFactor
	fs := fmt.Sprintf("%04d", frac)
	fs = strings.TrimRight(fs, "0")
	for len(fs) < 2 {
		fs += "0"
	}
	s := strconv.FormatUint(whole, 10) + "." + fs
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes the amount as a JSON number with its exact decimal digits.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*d = Decimal{}
		return nil
	}
	s = strings.Trim(s, `"`)
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDecimal parses a plain decimal number such as "1234.5", "-0.01",
// "1e3" or "1.5E+2". Digits beyond DecimalScale are rounded half to even.
// It rejects NaN, infinities and values beyond the Decimal range. Thousands
// separators and currency symbols are the caller's business (see
// ParseLooseAmount).
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Decimal{}, fmt.Errorf("empty amount")
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 40 || e < -40 {
			return Decimal{}, fmt.Errorf("amount %q: %w", s, ErrDecimalRange)
		}
		exp = e
		s = s[:i]
	}
	intPart, fracPart := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, fracPart = s[:i], s[i+1:]
	}
	if intPart == "" && fracPart == "" {
		return Decimal{}, fmt.Errorf("amount %q is not a number", s)
	}
	digits := intPart + fracPart
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Decimal{}, fmt.Errorf("amount %q is not a number", s)
		}
	}
	// value = digits * 10^(exp - len(fracPart)); we want units = value * 10^scale.
	shift := exp - len(fracPart) + DecimalScale
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return Decimal{}, nil
	}
	var roundDigit, sticky bool
	var half byte
	if shift < 0 {
		cut := len(digits) + shift
		if cut <= 0 {
			// all digits are below the smallest unit
			if cut == 0 {
				half = digits[0]
				sticky = strings.TrimRight(digits[1:], "0") != ""
				digits = "0"
				roundDigit = true
			} else {
				digits = "0"
			}
		} else {
			half = digits[cut]
			sticky = strings.TrimRight(digits[cut+1:], "0") != ""
			digits = digits[:cut]
			roundDigit = true
		}
		shift = 0
	}
	if len(digits)+shift > 19 {
		return Decimal{}, fmt.Errorf("amount %q: %w", s, ErrDecimalRange)
	}
	u, err := strconv.ParseUint(digits+strings.Repeat("0", shift), 10, 64)
	if err != nil || u > math.MaxInt64 {
		return Decimal{}, fmt.Errorf("amount %q: %w", s, ErrDecimalRange)
	}
	if roundDigit {
		if half > '5' || (half == '5' && (sticky || u%2 == 1)) {
			u++
		}
	}
	if u > math.MaxInt64 {
		return Decimal{}, fmt.Errorf("amount %q: %w", s, ErrDecimalRange)
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return Decimal{units: v}, nil
}

// Money is an amount in one currency. Currency is an upper-case ISO 4217
// code, or "" when the source did not say. Different currencies are never
// added together.
type Money struct {
	Amount   Decimal `json:"amount"`
	Currency string  `json:"currency"`
}

// String formats the money as "1234.50 USD".
func (m Money) String() string {
	if m.Currency == "" {
		return m.Amount.String()
	}
	return m.Amount.String() + " " + m.Currency
}

// Totals accumulates amounts per currency without ever mixing currencies.
type Totals map[string]Decimal

// Add adds m to the total of its currency.
func (t Totals) Add(m Money) error {
	s, err := t[m.Currency].Add(m.Amount)
	if err != nil {
		return fmt.Errorf("total %s: %w", m.Currency, err)
	}
	t[m.Currency] = s
	return nil
}

// List returns the totals sorted by currency code.
func (t Totals) List() []Money {
	out := make([]Money, 0, len(t))
	for c, a := range t {
		out = append(out, Money{Amount: a, Currency: c})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Currency < out[j-1].Currency; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
