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
