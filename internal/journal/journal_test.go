package journal

import (
	"fmt"
	"sync"
	"testing"
)

func TestRingKeepsTheNewestNewestFirst(t *testing.T) {
	j := New(3)
	if got := j.List(Filter{}); len(got) != 0 {
		t.Fatalf("empty journal lists %v", got)
	}
	for i := 1; i <= 5; i++ {
		j.Add(Entry{TraceID: fmt.Sprint(i), Outcome: map[bool]string{true: Allowed, false: Denied}[i%2 == 0]})
	}
	got := j.List(Filter{})
	if len(got) != 3 || got[0].TraceID != "5" || got[1].TraceID != "4" || got[2].TraceID != "3" {
		t.Fatalf("got %v, want traces 5, 4, 3", got)
	}
	if got[0].Seq != 5 {
		t.Fatalf("seq = %d, want 5", got[0].Seq)
	}
	if d := j.List(Filter{Outcome: Denied}); len(d) != 2 || d[0].TraceID != "5" || d[1].TraceID != "3" {
		t.Fatalf("denied: %v", d)
	}
	if l := j.List(Filter{Limit: 1}); len(l) != 1 || l[0].TraceID != "5" {
		t.Fatalf("limit 1: %v", l)
	}
	if k := j.List(Filter{TraceID: "4"}); len(k) != 1 {
		t.Fatalf("trace 4: %v", k)
	}
	j.Clear()
	if got := j.List(Filter{}); len(got) != 0 {
		t.Fatalf("cleared journal lists %v", got)
	}
	j.Add(Entry{TraceID: "6"})
	if got := j.List(Filter{}); len(got) != 1 || got[0].TraceID != "6" {
		t.Fatalf("after clear: %v", got)
	}
}

// TestPagesBeforeASequenceNumber pages through a wrapped ring, filtered and
// not, while entries are added between pages: each page starts right after
// the last entry of the one before, and no entry is listed twice.
func TestPagesBeforeASequenceNumber(t *testing.T) {
	j := New(10)
	for i := 1; i <= 25; i++ { // wraps: holds 16..25
		j.Add(Entry{Outcome: map[bool]string{true: Allowed, false: Denied}[i%3 == 0]})
	}
	seqs := func(es []Entry) []uint64 {
		out := []uint64{}
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return out
	}
	var all []uint64
	f := Filter{Limit: 3}
	for page := 0; ; page++ {
		got := j.List(f)
		all = append(all, seqs(got)...)
		if len(got) < f.Limit {
			break
		}
		f.Before = got[len(got)-1].Seq
		j.Add(Entry{}) // newer entries never show on later pages (they push out the oldest)
	}
	// Page two pushed out 16, page three 17.
	if want := []uint64{25, 24, 23, 22, 21, 20, 19, 18}; fmt.Sprint(all) != fmt.Sprint(want) {
		t.Errorf("pages listed %v, want %v", all, want)
	}
	if got := seqs(j.List(Filter{Outcome: Allowed, Before: 24, Limit: 2})); fmt.Sprint(got) != "[21 18]" {
		t.Errorf("allowed before 24, 2 at a time: %v, want [21 18]", got)
	}
	for before, want := range map[uint64]string{1000: "[27 26]", 28: "[27 26]", 27: "[26 25]", 20: "[19 18]", 19: "[18]", 18: "[]", 3: "[]"} {
		if got := seqs(j.List(Filter{Before: before, Limit: 2})); fmt.Sprint(got) != want {
			t.Errorf("before %d: %v, want %s", before, got, want)
		}
	}
}

func TestConcurrentAdds(t *testing.T) {
	j := New(100)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				j.Add(Entry{})
				j.List(Filter{Limit: 5})
			}
		}()
	}
	wg.Wait()
	got := j.List(Filter{})
	if len(got) != 100 || got[0].Seq != 4000 {
		t.Fatalf("len %d, newest seq %d; want 100 entries, newest 4000", len(got), got[0].Seq)
	}
}
