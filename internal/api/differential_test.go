package api_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestDifferential runs seeded, deterministic random sequences of calls of
// the three planes against a memory-backed and a Postgres-backed server
// side by side, and requires both to answer alike at every step: the same
// status, the same error code and message, and the same exported state.
//
// Ids, token hashes and generated keys are chosen independently by each
// server; the two exports are walked side by side and such values are
// paired (a bijection that must hold for the whole run), everything else
// must be equal. Both servers read the same step clock, so the times they
// write are equal. The calls take what an attacker or a careless client
// sends: NUL, bidi controls, line separators, invalid UTF-8 bytes, lone
// surrogate escapes, huge strings, field names in another case or twice,
// degenerate Ed25519 keys, edited state documents.
//
// On a mismatch the test prints the seed, the step and a minimal
// reproduction: the shortest sequence of calls it found that still makes
// the servers disagree, as sent to the memory server.
var (
	diffSeed  = flag.Uint64("diff.seed", 0, "seed of TestDifferential (0: its built-in seeds)")
	diffSteps = flag.Int("diff.steps", 0, "steps of TestDifferential per seed (0: its default)")
)

// The default run of make test: a few thousand steps in all.
var (
	diffDefaultSeeds = []uint64{1, 2, 3}
	diffDefaultSteps = 700
)

func TestDifferential(t *testing.T) {
	seeds, steps := diffDefaultSeeds, diffDefaultSteps
	if *diffSeed != 0 {
		seeds = []uint64{*diffSeed}
	}
	if *diffSteps > 0 {
		steps = *diffSteps
	}
	testenv.PostgresDSN(t) // skips (or fails, when required) without a database
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			ops := diffProgram(seed, steps)
			fail, stats := runDifferential(t, ops)
			if fail == nil {
				t.Logf("seed %d: %d steps, %d calls, memory and Postgres answered alike; statuses %v", seed, steps, stats.calls, stats.statuses)
				return
			}
			t.Errorf("seed %d, step %d (%s): the stores disagree: %s", seed, fail.step, ops[fail.step].name(), fail.what)
			minimal := shrinkDifferential(t, ops[:fail.step+1])
			t.Errorf("minimal reproduction (%d calls; the whole run: -diff.seed=%d -diff.steps=%d), after which %s:\n%s",
				len(minimal.calls), seed, fail.step+1, minimal.what, strings.Join(minimal.calls, "\n"))
		})
	}
}

// diffOp is one step: an operation kind and the seed of its random choices,
// so that the same op replays the same choices.
type diffOp struct {
	kind int
	seed uint64
}

func (op diffOp) name() string { return diffKinds[op.kind].name }

// diffProgram is the sequence of steps of a seed.
func diffProgram(seed uint64, steps int) []diffOp {
	rng := rand.New(rand.NewPCG(seed, 0xd1ff))
	total := 0
	for _, k := range diffKinds {
		total += k.weight
	}
	ops := make([]diffOp, steps)
	for i := range ops {
		if i < 3 { // a few workspaces to start with
			ops[i] = diffOp{kind: 0, seed: rng.Uint64()}
			continue
		}
		n := rng.IntN(total)
		kind := 0
		for n >= diffKinds[kind].weight {
			n -= diffKinds[kind].weight
			kind++
		}
		ops[i] = diffOp{kind: kind, seed: rng.Uint64()}
	}
	return ops
}

// diffFailure is the first disagreement of a run.
type diffFailure struct {
	step  int
	what  string
	calls []string // the calls sent to the memory server, one line each
}
