package api_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/api"
	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/memory"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// TestGeneratedPrivateKeyIsNeverStoredOrLogged generates pairs for a user
// and a service account, then searches every stored row and every log line
// for any piece of the private keys.
func TestGeneratedPrivateKeyIsNeverStoredOrLogged(t *testing.T) {
	for _, b := range dumpableBackends() {
		t.Run(b.name, func(t *testing.T) {
			st, dump := b.setup(t)
			c, logs := startServer(t, st, api.Config{})
			ws := c.newWorkspace("Acme", "admin@acme.test")
			sa := c.newServiceAccount(ws, "bot")

			var pems []string
			pems = append(pems, c.must(201, "POST", "/api/v1/me/keys", ws.AdminToken, map[string]any{"title": "mine"}).str("privateKey"))
			pems = append(pems, c.must(201, "POST", "/api/v1/workspace/service-accounts/"+sa+"/keys", ws.AdminToken, map[string]any{"title": "bot"}).str("privateKey"))
			pemResp := c.do("POST", "/api/v1/workspace/service-accounts/"+sa+"/keys", ws.AdminToken, map[string]any{"title": "download"}, "Accept", api.PEMMediaType)
			if pemResp.Status != 201 || !strings.Contains(pemResp.Header.Get("Content-Disposition"), `filename=download.txt`) {
				t.Fatalf("PEM download: %d %v", pemResp.Status, pemResp.Header)
			}
			pems = append(pems, string(pemResp.Raw))

			state := string(c.must(200, "GET", "/_emulator/state", "", nil).Raw)
			haystacks := map[string]string{"logs": logs.String(), "exported state": state}
			if dump != nil {
				haystacks["database"] = dump(t)
			}
			for i, pem := range pems {
				priv, pub, err := sshkey.ParsePrivateKey([]byte(pem))
				if err != nil {
					t.Fatalf("private key %d does not parse: %v", i, err)
				}
				if !strings.Contains(state, pub.Hex) {
					t.Fatalf("public key %d is missing from the state: the search would prove nothing", i)
				}
				needles := []string{hex.EncodeToString(priv.Seed()), base64.StdEncoding.EncodeToString(priv.Seed()), base64.RawStdEncoding.EncodeToString(priv.Seed()[:24])}
				for _, line := range strings.Split(pem, "\n") {
					if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
						needles = append(needles, line)
					}
				}
				for where, hay := range haystacks {
					for _, n := range needles {
						if strings.Contains(hay, n) {
							t.Errorf("private key %d found in %s (%q)", i, where, n)
						}
					}
				}
			}
		})
	}
}

// dumpableBackend is a store and, on Postgres, a function returning every
// row of its schema, for tests that search the stored state for secrets.
type dumpableBackend struct {
	name  string
	setup func(t *testing.T) (store.Store, func(t *testing.T) string)
}

func dumpableBackends() []dumpableBackend {
	return []dumpableBackend{
		{"memory", func(t *testing.T) (store.Store, func(t *testing.T) string) { return memory.New(), nil }},
		{"postgres", func(t *testing.T) (store.Store, func(t *testing.T) string) {
			db := testenv.NewPostgresDB(t)
			return db.Open(t), func(t *testing.T) string { return dumpSchema(t, db) }
		}},
	}
}

// dumpSchema returns every row of every table of the test schema as JSON.
func dumpSchema(t *testing.T, db testenv.PostgresDB) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", db.Options.Schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) < 5 {
		t.Fatalf("tables %v: %v", tables, err)
	}
	var out strings.Builder
	for _, table := range tables {
		rows, err := conn.Query(ctx, "SELECT row_to_json(t)::text FROM "+pgx.Identifier{db.Options.Schema, table}.Sanitize()+" t")
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(strings.Join(lines, "\n"))
	}
	return out.String()
}

// TestBadInput sends malformed requests: each must answer the given 4xx
// with an Encord error code and a message naming what was wrong.
func TestBadInput(t *testing.T) {
	onEachStore(t, func(t *testing.T, c *client, ws workspace) {
		sa := c.newServiceAccount(ws, "bot")
		saKeys := "/api/v1/workspace/service-accounts/" + sa + "/keys"
		rsa := readTestdata(t, "../sshkey/testdata/rsa.pub")
		private := readTestdata(t, "../sshkey/testdata/ed25519")

		cases := []struct {
			name, method, path string
			body               any
			status             int
			code, mentions     string
		}{
			{"malformed JSON", "POST", "/api/v1/workspace/service-accounts", `{"name": "x"`, 400, "INVALID_ARGUMENTS_ERROR", "ends in the middle"},
			{"syntax error", "POST", "/api/v1/workspace/service-accounts", `{"name": x}`, 400, "INVALID_ARGUMENTS_ERROR", "not valid JSON"},
			{"not an object", "POST", "/api/v1/workspace/service-accounts", `["x"]`, 400, "INVALID_ARGUMENTS_ERROR", "JSON object"},
			{"two objects", "POST", "/api/v1/workspace/members", `{"email":"a@b.test","name":"A"}{}`, 400, "INVALID_ARGUMENTS_ERROR", "after the JSON object"},
			{"empty body", "POST", "/api/v1/workspace/service-accounts", ``, 400, "INVALID_ARGUMENTS_ERROR", "empty"},
			{"unknown field", "POST", "/api/v1/workspace/service-accounts", `{"name":"x","colour":"red"}`, 400, "INVALID_ARGUMENTS_ERROR", `"colour"`},
			{"wrong type", "POST", "/api/v1/workspace/service-accounts", `{"name": 42}`, 400, "INVALID_ARGUMENTS_ERROR", `"name" must be a string`},
			{"wrong quota type", "PATCH", "/_emulator/workspaces/" + ws.ID + "/quotas", `{"serviceAccounts": "many"}`, 400, "INVALID_ARGUMENTS_ERROR", "serviceAccounts"},
			{"negative quota", "PATCH", "/_emulator/workspaces/" + ws.ID + "/quotas", `{"keysPerUser": -1}`, 400, "INVALID_ARGUMENTS_ERROR", "keysPerUser"},
			{"oversized body", "POST", "/api/v1/workspace/service-accounts", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "PAYLOAD_TOO_LARGE_ERROR", "larger than"},
			{"empty title", "POST", saKeys, `{"title": "   "}`, 400, "INVALID_ARGUMENTS_ERROR", "title"},
			{"10 kB title", "POST", saKeys, map[string]any{"title": strings.Repeat("t", 10_000)}, 400, "INVALID_ARGUMENTS_ERROR", "limit is 200"},
			{"missing name", "POST", "/api/v1/workspace/service-accounts", `{}`, 400, "INVALID_ARGUMENTS_ERROR", "name is required"},
			{"control character", "POST", "/api/v1/workspace/service-accounts", map[string]any{"name": "a\x00b"}, 400, "INVALID_ARGUMENTS_ERROR", "control character"},
			{"bad email", "POST", "/api/v1/workspace/members", map[string]any{"email": "not-an-email", "name": "X"}, 400, "INVALID_ARGUMENTS_ERROR", "not an email"},
			{"bad role", "POST", "/api/v1/workspace/members", map[string]any{"email": "x@acme.test", "name": "X", "role": "owner"}, 400, "INVALID_ARGUMENTS_ERROR", `"admin" or "member"`},
			{"rsa key", "POST", saKeys, map[string]any{"title": "k", "publicKey": rsa}, 400, "INVALID_ARGUMENTS_ERROR", "ssh-rsa"},
			{"private key pasted", "POST", saKeys, map[string]any{"title": "k", "publicKey": private}, 400, "INVALID_ARGUMENTS_ERROR", "private key"},
			{"garbage key", "POST", "/api/v1/me/keys", map[string]any{"title": "k", "publicKey": "hello world"}, 400, "INVALID_ARGUMENTS_ERROR", "publicKey"},
			{"empty key", "POST", "/api/v1/me/keys", map[string]any{"title": "k", "publicKey": ""}, 400, "INVALID_ARGUMENTS_ERROR", "publicKey is empty"},
			{"garbage path id", "GET", "/api/v1/workspace/service-accounts/../../x", nil, 404, "RESOURCE_NOT_FOUND_ERROR", "no route"},
			{"non-uuid id", "GET", "/api/v1/workspace/service-accounts/12345", nil, 400, "INVALID_ARGUMENTS_ERROR", "not a valid id"},
			{"sql in id", "DELETE", "/api/v1/workspace/members/1%27%20OR%201=1", nil, 400, "INVALID_ARGUMENTS_ERROR", "not a valid id"},
			{"unknown uuid", "GET", "/api/v1/workspace/service-accounts/3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", nil, 404, "RESOURCE_NOT_FOUND_ERROR", "no service account"},
			{"bad page size", "GET", "/api/v1/workspace/members?pageSize=0", nil, 400, "INVALID_ARGUMENTS_ERROR", "pageSize"},
			{"bad page token", "GET", "/api/v1/workspace/members?pageToken=zzz", nil, 400, "INVALID_ARGUMENTS_ERROR", "pageToken"},
			{"wrong method", "PUT", "/api/v1/workspace/members", nil, 405, "METHOD_NOT_ALLOWED_ERROR", "PUT"},
			{"nothing to update", "PATCH", "/api/v1/workspace/service-accounts/" + sa, `{}`, 400, "INVALID_ARGUMENTS_ERROR", "nothing to change"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(tc.method, tc.path, ws.AdminToken, tc.body)
				if r.Status != tc.status || r.code() != tc.code || !strings.Contains(r.message(), tc.mentions) {
					t.Fatalf("got %.300s, want %d %s mentioning %q", r, tc.status, tc.code, tc.mentions)
				}
			})
		}

		t.Run("no session", func(t *testing.T) {
			for _, token := range []string{"", "nonsense", strings.Repeat("x", 5000)} {
				r := c.do("GET", "/api/v1/me", token, nil)
				if r.Status != 401 || r.code() != "AUTHENTICATION_ERROR" || r.message() == "" {
					t.Fatalf("token %.20q: got %s", token, r)
				}
			}
		})
	})
}

func readTestdata(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
