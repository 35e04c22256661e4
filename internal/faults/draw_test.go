package faults

import "testing"

// The values of the Python expression in Draw's comment: a user can
// reproduce the firings of a seeded rule outside the emulator.
func TestDrawMatchesItsDocumentedFormula(t *testing.T) {
	cases := []struct {
		seed, ordinal int64
		want          float64
	}{
		{0, 1, 0.48530275019174507},
		{42, 1, 0.019626229465651734},
		{42, 2, 0.5300190292209616},
		{42, 3, 0.19858148239585782},
		{-7, 1000000, 0.8430278382877687},
	}
	for _, c := range cases {
		if got := Draw(c.seed, c.ordinal); got != c.want {
			t.Errorf("Draw(%d, %d) = %v, want %v", c.seed, c.ordinal, got, c.want)
		}
	}
}

// Draws fall below p about as often as p says: of 10000 matches at 0.3,
// 2943 fire under seed 42 (the same count as the formula in Python).
func TestDrawFrequency(t *testing.T) {
	fired := 0
	for ordinal := int64(1); ordinal <= 10000; ordinal++ {
		d := Draw(42, ordinal)
		if d < 0 || d >= 1 {
			t.Fatalf("Draw(42, %d) = %v, outside [0, 1)", ordinal, d)
		}
		if d < 0.3 {
			fired++
		}
	}
	if fired != 2943 {
		t.Errorf("%d of 10000 draws below 0.3, want 2943", fired)
	}
}

func BenchmarkDraw(b *testing.B) {
	for i := range b.N {
		Draw(42, int64(i))
	}
}
