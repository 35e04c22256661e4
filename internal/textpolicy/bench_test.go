package textpolicy

import "testing"

// BenchmarkCheck checks a typical 50-character title, with one non-ASCII
// character, as the SDK sends when it creates a dataset.
func BenchmarkCheck(b *testing.B) {
	const title = "Q3 dashcam frames – night, rain and fog (batch 12)"
	if n := len([]rune(title)); n != 50 {
		b.Fatalf("title is %d characters", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(Title, "title", title); err != nil {
			b.Fatal(err)
		}
	}
}
