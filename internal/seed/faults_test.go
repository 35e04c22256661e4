package seed_test

import (
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/faults"
	"github.com/encord-emulator/encord-emulator/internal/seed"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
)

const faultsSeed = `workspaces:
  - name: Acme
    admin: {email: ada@acme.test, name: Ada}
faults:
  - id: slow-projects
    match: {path: /v2/public/projects, method: get}
    action: {delay: 250ms}
  - match: {queryType: projectwithuserrole}
    action: {status: 429, retryAfter: 2, message: slow down}
    fire: {times: 3, probability: 0.5, seed: 9}
`

// The seed's rules are created as written, the unnamed one as seed-2.
func TestApplyFaultsCreatesTheSeedsRules(t *testing.T) {
	f := mustLoad(t, writeSeed(t, faultsSeed))
	engine := faults.NewEngine(memory.New(), time.Now)
	if err := f.ApplyFaults(t.Context(), engine); err != nil {
		t.Fatal(err)
	}
	listed, err := engine.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 {
		t.Fatalf("%d rules, want 2", len(listed))
	}
	slow, limited := listed[0], listed[1]
	if slow.ID != "slow-projects" || slow.Match.Method != "GET" || slow.Action.Delay != 250*time.Millisecond {
		t.Errorf("first rule %+v, want slow-projects delaying GET by 250ms", slow.Rule)
	}
	if limited.ID != "seed-2" || limited.Action.Status != 429 || *limited.Action.RetryAfter != 2 || limited.Action.Message != "slow down" ||
		*limited.Fire.Times != 3 || *limited.Fire.Probability != 0.5 || *limited.Fire.Seed != 9 {
		t.Errorf("second rule %+v, want seed-2 answering 429 on 3 matches drawn at 0.5 from seed 9", limited.Rule)
	}
	// A replay after a reset creates them again; without the reset, their
	// ids are taken.
	if _, err := engine.Clear(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := f.ApplyFaults(t.Context(), engine); err != nil {
		t.Fatalf("replay after clearing: %v", err)
	}
	err = f.ApplyFaults(t.Context(), engine)
	wantCode(t, err, errs.ResourceExists)
	wantEntry(t, err, `faults[0] "slow-projects"`)
}

func TestLoadRefusesBrokenFaultRules(t *testing.T) {
	const head = "workspaces:\n  - name: Acme\n    admin: {email: ada@acme.test, name: Ada}\nfaults:\n"
	cases := []struct {
		name, rules, entry, says string
		line                     int
	}{
		{"a status that is no error", "  - action: {status: 204}\n", `faults[0] ""`, "400 to 599", 5},
		{"a delay that is no duration", "  - id: x\n    action: {delay: soon}\n", `faults[0] "x"`, "not a duration", 5},
		{"the control plane", "  - action: {status: 500}\n  - match: {path: /_emulator/reset}\n    action: {status: 500}\n", `faults[1] ""`, "never faulted", 6},
		{"a taken id", "  - id: twice\n    action: {status: 500}\n  - id: twice\n    action: {status: 503}\n", `faults[1] "twice"`, "faults[0] too", 7},
		{"an unknown field", "  - action: {status: 500}\n    when: always\n", "", "when", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeSeed(t, head+c.rules)
			_, err := seed.Load(path)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if c.entry != "" {
				wantEntry(t, err, c.entry)
				wantLine(t, err, path, c.line)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
		})
	}
}
