package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
)

// TestPlansReadOneIndexRange checks the plans of the authentication
// lookups and of the keyset pages on tables large enough for the planner
// to care: each reads the index it is written for, none scans a table,
// and a page reads its rows in index order (no sort of the listing). The
// plans are the generic ones, which a statement pgx prepared ends up with.
// This is what makes their cost O(log n + page); no time is measured.
func TestPlansReadOneIndexRange(t *testing.T) {
	db := newTestDB(t)
	db.migrateUp(t)
	conn := db.schemaConn(t)
	ctx := context.Background()
	for _, sql := range []string{
		`INSERT INTO workspaces SELECT 'w' || i, 'w', now() - i * interval '1 s', 1, 1, 1 FROM generate_series(1, 500) i`,
		`INSERT INTO members SELECT 'm' || i, 'w1', 'u' || i || '@x', 'n', 'member', now() - i * interval '1 s',
		     CASE WHEN i % 10 = 0 THEN now() END FROM generate_series(1, 5000) i`,
		`INSERT INTO service_accounts SELECT 's' || i, 'w1', 'n', 'd', 's' || i || '@x', 'member', now() - i * interval '1 s', 'm1',
		     CASE WHEN i % 10 = 0 THEN now() END FROM generate_series(1, 2000) i`,
		`INSERT INTO keys (id, workspace_id, owner_type, owner_id, title, public_key, public_key_hex, fingerprint, origin, created_at)
		 SELECT 'k' || i, 'w1', CASE WHEN i % 3 = 0 THEN 'service_account' ELSE 'user' END,
		     CASE WHEN i <= 20000 THEN 'm1' WHEN i % 3 = 0 THEN 's' || (i % 2000) ELSE 'm' || (i % 5000) END,
		     't', 'pk', md5('h' || i), 'f', 'uploaded', now() - i * interval '1 ms' FROM generate_series(1, 40000) i`,
		`INSERT INTO resources (id, workspace_id, kind, title, description, created_by_type, created_by_id, shared_with, created_at, updated_at, name_key)
		 SELECT 'r' || i, 'w1', 'project', 'Project ' || i, 'd', 'user', 'm' || (i % 50),
		     CASE WHEN i % 7 = 0 THEN '[{"type":"user","id":"m1"}]'::jsonb END, now() - i * interval '1 s', now(), 'project ' || i
		 FROM generate_series(1, 20000) i`,
		`INSERT INTO tokens SELECT 't' || i, md5('t' || i), 'bearer', 'user', 'm' || (i % 5000), 'w1', now(), now() + interval '1 h' FROM generate_series(1, 5000) i`,
		`ANALYZE`,
		`SET plan_cache_mode = force_generic_plan`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	at := time.Now().Add(-time.Hour)
	resourcePage := func(q store.ResourceQuery) (string, []any) {
		q.Page.Limit = 101
		return postgres.ResourcePageSQL("w1", store.KindProject, q, &store.Position{CreatedAt: at, Name: "project 5", ID: "r5"}, 101)
	}
	byName, byNameArgs := resourcePage(store.ResourceQuery{Order: store.ByName})
	visible, visibleArgs := resourcePage(store.ResourceQuery{VisibleTo: &store.Owner{Type: store.OwnerUser, ID: "m1"}, AlsoVisible: []string{"r3"}})
	cases := []struct {
		name    string
		sql     string
		args    []any
		indexes []string // each must be read
		sorted  bool     // a sort of at most the page is allowed (the union of two ranges)
	}{
		{"ResolveKey", postgres.ResolveKeysSQL, []any{"md5-of-h7", "md5-of-h8"}, []string{"keys_public_key_hex_idx", "members_pkey", "service_accounts_pkey"}, false},
		{"ResolveToken", postgres.ResolveTokenSQL, []any{"hash"}, []string{"tokens_hash_key", "members_pkey"}, false},
		{"PageKeys", postgres.PageKeysAfterSQL, []any{"user", "m1", at, "k5", 101}, []string{"keys_owner_idx"}, false},
		{"PageMembers, live", postgres.PageLiveMembersAfter, []any{"w1", at, "m5", 101}, []string{"members_live_workspace_idx"}, false},
		{"PageMembers, all", postgres.PageMembersAfter, []any{"w1", at, "m5", 101}, []string{"members_workspace_idx"}, false},
		{"PageServiceAccounts, live", postgres.PageLiveAccountsAfter, []any{"w1", at, "s5", 101}, []string{"service_accounts_live_workspace_idx"}, false},
		{"PageWorkspaces", postgres.PageWorkspacesAfterSQL, []any{at, "w5", 101}, []string{"workspaces_created_at_idx"}, false},
		{"PageResources by name", byName, byNameArgs, []string{"resources_workspace_kind_name_idx"}, false},
		{"PageResources visible to a member", visible, visibleArgs, []string{"resource_access_created_idx", "resources_pkey"}, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := genericPlan(t, conn, fmt.Sprintf("plan_%d", i), c.sql, c.args)
			var nodes []planNode
			plan.walk(func(n planNode) { nodes = append(nodes, n) })
			var used []string
			for _, n := range nodes {
				if strings.Contains(n.Type, "Seq Scan") || strings.Contains(n.Type, "Bitmap") {
					t.Errorf("%s node on %s:\n%s", n.Type, n.Relation, plan)
				}
				if n.Type == "Sort" && !c.sorted {
					t.Errorf("the rows are sorted, not read in index order:\n%s", plan)
				}
				used = append(used, n.Index)
			}
			for _, want := range c.indexes {
				if !slices.Contains(used, want) {
					t.Errorf("the plan does not read %s:\n%s", want, plan)
				}
			}
		})
	}
}

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	Type     string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Plans    []planNode `json:"Plans"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

func (n planNode) String() string {
	b, _ := json.MarshalIndent(n, "", "  ")
	return string(b)
}

// genericPlan prepares sql and explains its generic plan for args.
func genericPlan(t *testing.T, conn *pgx.Conn, name, sql string, args []any) planNode {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.Prepare(ctx, name, sql); err != nil {
		t.Fatalf("prepare: %v\n%s", err, sql)
	}
	literals := make([]string, len(args))
	for i, a := range args {
		literals[i] = literal(a)
	}
	var out []byte
	if err := conn.QueryRow(ctx, fmt.Sprintf("EXPLAIN (FORMAT JSON) EXECUTE %s(%s)", name, strings.Join(literals, ", "))).Scan(&out); err != nil {
		t.Fatalf("explain: %v\n%s", err, sql)
	}
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("decoding the plan %s: %v", out, err)
	}
	return plans[0].Plan
}

// literal writes a parameter as an SQL literal.
func literal(v any) string {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch v := v.(type) {
	case string:
		return quote(v)
	case time.Time:
		return quote(v.UTC().Format(time.RFC3339Nano))
	case []string:
		return quote("{" + strings.Join(v, ",") + "}")
	default:
		return fmt.Sprint(v)
	}
}
