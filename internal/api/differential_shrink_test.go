package api_test

import (
	"slices"
	"testing"
)

// The shrinking of TestDifferential: a shorter sequence of steps that
// still makes the stores disagree.

// shrinkDifferential looks for a shorter sequence that still makes the
// stores disagree: it leaves out chunks of steps, halving the chunk, as
// long as the disagreement remains, within a budget of runs.
func shrinkDifferential(t *testing.T, ops []diffOp) *diffFailure {
	best := &diffFailure{what: "nothing: the disagreement did not happen again", calls: []string{"(none)"}}
	if f, _ := runDifferential(t, ops); f != nil {
		best, ops = f, ops[:f.step+1]
	} else {
		return best
	}
	runs := 0
	for chunk := max(len(ops)/2, 1); chunk >= 1 && runs < 60; chunk /= 2 {
		for start := 0; start < len(ops)-1 && runs < 60; {
			end := min(start+chunk, len(ops)-1) // the last step stays
			candidate := append(slices.Clone(ops[:start]), ops[end:]...)
			runs++
			if f, _ := runDifferential(t, candidate); f != nil {
				best, ops = f, candidate[:f.step+1]
				continue
			}
			start = end
		}
	}
	return best
}
