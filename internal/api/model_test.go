package api_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testclient"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

var (
	modelSeed  = flag.Uint64("model.seed", 1, "seed of TestModel's random operation sequence")
	modelSteps = flag.Int("model.steps", 0, "steps of TestModel per store (0: 1500 on memory, 400 on Postgres)")
)

// The model: what the rules of docs/rules.md say the state is.
type (
	modelMember struct {
		id, email, token string
		ws               int
		role             store.Role
		removed          bool
	}
	modelSA struct {
		id      string
		ws      int
		deleted bool
	}
	modelKey struct {
		id, hex string
		owner   store.Owner
		active  bool
		signer  *encordsign.Signer // nil for uploaded keys without a private half here
	}
	modelWorkspace struct {
		id                          string
		saQuota, saKeyQuota, uQuota int
	}
	model struct {
		workspaces []*modelWorkspace
		members    []*modelMember
		sas        []*modelSA
		keys       []*modelKey
	}
)

func (m *model) liveMember(email string) *modelMember {
	for _, mm := range m.members {
		if mm.email == email && !mm.removed {
			return mm
		}
	}
	return nil
}

func (m *model) admins(ws int) int {
	n := 0
	for _, mm := range m.members {
		if mm.ws == ws && !mm.removed && mm.role == store.RoleAdmin {
			n++
		}
	}
	return n
}

func (m *model) activeKeys(owner store.Owner) int {
	n := 0
	for _, k := range m.keys {
		if k.owner == owner && k.active {
			n++
		}
	}
	return n
}

func (m *model) activeHex(hex string) bool {
	for _, k := range m.keys {
		if k.hex == hex && k.active {
			return true
		}
	}
	return false
}

func (m *model) liveSAs(ws int) int {
	n := 0
	for _, sa := range m.sas {
		if sa.ws == ws && !sa.deleted {
			n++
		}
	}
	return n
}

func (m *model) revokeOwner(owner store.Owner) {
	for _, k := range m.keys {
		if k.owner == owner {
			k.active = false
		}
	}
}

// TestModel runs a seeded random sequence of management and SDK operations
// against the server and against the model above. Every answer's status
// must be the one the model predicts, no answer may be 5xx, and after every
// step the exported state must agree with the model and keep the
// invariants: quotas, one active key per public key, no active key of a
// removed member or deleted service account. Reproduce a failure with
// -model.seed=N.
func TestModel(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		steps := *modelSteps
		if steps == 0 {
			steps = 1500
			if t.Name() == "TestModel/postgres" {
				steps = 400
			}
		}
		c, _ := startServer(t, newStore(t), api.Config{})
		rng := rand.New(rand.NewPCG(*modelSeed, 0x5eed))
		t.Logf("seed %d, %d steps", *modelSeed, steps)
		runModel(t, c, rng, steps)
	})
}

func runModel(t *testing.T, c *client, rng *rand.Rand, steps int) {
	m := &model{}
	emails := []string{"a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test", "f@x.test", "g@x.test"}
	// A small pool of public keys makes duplicate uploads frequent.
	type pooled struct {
		line, hex string
		signer    *encordsign.Signer
	}
	var pool []pooled
	for range 4 {
		pub, pem, err := sshkey.Generate("pool")
		if err != nil {
			t.Fatal(err)
		}
		priv, err := encordsign.ParsePrivateKey(pem)
		if err != nil {
			t.Fatal(err)
		}
		pool = append(pool, pooled{pub.Line, pub.Hex, encordsign.New(priv)})
	}
	for i := range 2 {
		ws := c.newWorkspace(fmt.Sprintf("W%d", i), fmt.Sprintf("admin%d@w.test", i))
		m.workspaces = append(m.workspaces, &modelWorkspace{id: ws.ID, saQuota: 1, saKeyQuota: 5, uQuota: 100})
		m.members = append(m.members, &modelMember{id: ws.AdminID, email: fmt.Sprintf("admin%d@w.test", i), token: ws.AdminToken, ws: i, role: store.RoleAdmin})
	}
	pick := func(n int) int { return rng.IntN(n) }
	// actor is a live member of ws with a session.
	actor := func(ws int) *modelMember {
		var live []*modelMember
		for _, mm := range m.members {
			if mm.ws == ws && !mm.removed {
				live = append(live, mm)
			}
		}
		return live[pick(len(live))]
	}
	expect := func(step int, op string, r response, want int) {
		t.Helper()
		if r.Status >= 500 {
			t.Fatalf("step %d %s: server error %s", step, op, r)
		}
		if r.Status != want {
			t.Fatalf("step %d %s: got %s, the model predicts %d", step, op, r, want)
		}
	}
	adminOr := func(a *modelMember, status int) int {
		if a.role != store.RoleAdmin {
			return 403
		}
		return status
	}

	for step := range steps {
		wsIdx := pick(len(m.workspaces))
		ws := m.workspaces[wsIdx]
		a := actor(wsIdx)
		switch op := pick(10); op {
		case 0: // add a member
			email := emails[pick(len(emails))]
			role := []store.Role{store.RoleMember, store.RoleAdmin}[pick(2)]
			want := adminOr(a, 201)
			if want == 201 && m.liveMember(email) != nil {
				want = 409
			}
			r := c.do("POST", "/api/v1/workspace/members", a.token, map[string]any{"email": email, "name": "N", "role": role})
			expect(step, "add member "+email, r, want)
			if want == 201 {
				mm := &modelMember{id: r.str("id"), email: email, ws: wsIdx, role: role}
				mm.token = c.login(email)
				m.members = append(m.members, mm)
			}
		case 1, 2: // remove a member or change its role
			target := m.members[pick(len(m.members))]
			want := 204
			if op == 2 {
				want = 200
			}
			if target.ws != wsIdx || target.removed {
				want = 404
			}
			newRole := []store.Role{store.RoleMember, store.RoleAdmin}[pick(2)]
			demotes := op == 1 || newRole == store.RoleMember
			if want != 404 && target.role == store.RoleAdmin && demotes && m.admins(wsIdx) == 1 {
				want = 409
			}
			want = adminOr(a, want)
			var r response
			if op == 1 {
				r = c.do("DELETE", "/api/v1/workspace/members/"+target.id, a.token, nil)
			} else {
				r = c.do("PATCH", "/api/v1/workspace/members/"+target.id, a.token, map[string]any{"role": newRole})
			}
			expect(step, fmt.Sprintf("op %d on member %s", op, target.email), r, want)
			switch {
			case want == 204:
				target.removed = true
				m.revokeOwner(store.Owner{Type: store.OwnerUser, ID: target.id})
			case want == 200:
				target.role = newRole
			}
		case 3: // create a service account
			want := adminOr(a, 201)
			if want == 201 && m.liveSAs(wsIdx) >= ws.saQuota {
				want = 409
			}
			r := c.do("POST", "/api/v1/workspace/service-accounts", a.token, map[string]any{"name": fmt.Sprintf("sa-%d", step)})
			expect(step, "create service account", r, want)
			if want == 201 {
				m.sas = append(m.sas, &modelSA{id: r.str("id"), ws: wsIdx})
			}
		case 4: // delete a service account
			if len(m.sas) == 0 {
				continue
			}
			sa := m.sas[pick(len(m.sas))]
			want := 204
			if sa.ws != wsIdx || sa.deleted {
				want = 404
			}
			want = adminOr(a, want)
			expect(step, "delete service account", c.do("DELETE", "/api/v1/workspace/service-accounts/"+sa.id, a.token, nil), want)
			if want == 204 {
				sa.deleted = true
				m.revokeOwner(store.Owner{Type: store.OwnerServiceAccount, ID: sa.id})
			}
		case 5, 6: // add a key to the actor or to a service account
			var (
				path  = "/api/v1/me/keys"
				owner = store.Owner{Type: store.OwnerUser, ID: a.id}
				quota = ws.uQuota
				want  = 201
			)
			if op == 6 {
				if len(m.sas) == 0 {
					continue
				}
				sa := m.sas[pick(len(m.sas))]
				path = "/api/v1/workspace/service-accounts/" + sa.id + "/keys"
				owner = store.Owner{Type: store.OwnerServiceAccount, ID: sa.id}
				quota = ws.saKeyQuota
				if sa.ws != wsIdx || sa.deleted {
					want = 404
				}
				want = adminOr(a, want)
			}
			body := map[string]any{"title": "k"}
			var up *pooled
			if pick(2) == 0 {
				up = &pool[pick(len(pool))]
				body["publicKey"] = up.line
			}
			if want == 201 && m.activeKeys(owner) >= quota {
				want = 409
			}
			if want == 201 && up != nil && m.activeHex(up.hex) {
				want = 409
			}
			r := c.do("POST", path, a.token, body)
			expect(step, "add key", r, want)
			if want != 201 {
				continue
			}
			k := &modelKey{owner: owner, active: true}
			if up != nil {
				k.id, k.hex, k.signer = r.str("id"), up.hex, up.signer
			} else {
				key, err := testclient.ParseGeneratedKey(r.Response)
				if err != nil {
					t.Fatal(err)
				}
				k.id, k.hex, k.signer = key.ID, key.PublicKeyHex, key.Signer
			}
			m.keys = append(m.keys, k)
		case 7: // revoke one of the actor's keys
			var own []*modelKey
			for _, k := range m.keys {
				if k.owner == (store.Owner{Type: store.OwnerUser, ID: a.id}) {
					own = append(own, k)
				}
			}
			if len(own) == 0 {
				continue
			}
			k := own[pick(len(own))]
			expect(step, "revoke own key", c.do("DELETE", "/api/v1/me/keys/"+k.id, a.token, nil), 204)
			k.active = false
		case 8: // an SDK call with any key ever registered
			if len(m.keys) == 0 {
				continue
			}
			k := m.keys[pick(len(m.keys))]
			want := 401
			if k.active {
				want = 200
			}
			// A pooled key may have been registered again by someone else:
			// the signature then names the active registration.
			if !k.active && m.activeHex(k.hex) {
				want = 200
			}
			expect(step, "sdk call", c.sdk(k.signer, sdkRequest{target: v2BearerPath}), want)
		case 9: // change quotas (the "contact support" path)
			ws.saQuota, ws.saKeyQuota, ws.uQuota = 1+pick(3), 1+pick(6), 1+pick(6)
			c.must(200, "PATCH", "/_emulator/workspaces/"+ws.id+"/quotas", "", map[string]any{
				"serviceAccounts": ws.saQuota, "keysPerServiceAccount": ws.saKeyQuota, "keysPerUser": ws.uQuota,
			})
		}
		checkModel(t, step, c, m)
	}
}

// checkModel compares the exported state with the model and checks the
// invariants that hold whatever the sequence.
func checkModel(t *testing.T, step int, c *client, m *model) {
	t.Helper()
	var st accounts.State
	if err := json.Unmarshal(c.must(200, "GET", "/_emulator/state", "", nil).Raw, &st); err != nil {
		t.Fatal(err)
	}
	removed := map[string]bool{}
	for _, mm := range st.Members {
		removed[mm.ID] = mm.RemovedAt != nil
	}
	deleted := map[string]bool{}
	for _, sa := range st.ServiceAccounts {
		deleted[sa.ID] = sa.DeletedAt != nil
	}
	activeHex := map[string]int{}
	active := map[string]bool{}
	for _, k := range st.Keys {
		if !k.Active() {
			continue
		}
		active[k.ID] = true
		activeHex[k.PublicKeyHex]++
		if activeHex[k.PublicKeyHex] > 1 {
			t.Fatalf("step %d: public key %s is active twice", step, k.PublicKeyHex)
		}
		if removed[k.Owner.ID] || deleted[k.Owner.ID] {
			t.Fatalf("step %d: key %s is active but its owner is gone", step, k.ID)
		}
	}
	for _, mm := range m.members {
		if removed[mm.id] != mm.removed {
			t.Fatalf("step %d: member %s removed=%t, model says %t", step, mm.email, removed[mm.id], mm.removed)
		}
	}
	for _, sa := range m.sas {
		if deleted[sa.id] != sa.deleted {
			t.Fatalf("step %d: service account deleted=%t, model says %t", step, deleted[sa.id], sa.deleted)
		}
	}
	var modelActive []string
	for _, k := range m.keys {
		if k.active {
			modelActive = append(modelActive, k.id)
		}
	}
	var stateActive []string
	for id := range active {
		stateActive = append(stateActive, id)
	}
	slices.Sort(modelActive)
	slices.Sort(stateActive)
	if !slices.Equal(modelActive, stateActive) {
		t.Fatalf("step %d: active keys %v, model says %v", step, stateActive, modelActive)
	}
}
