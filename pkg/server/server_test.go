package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
	"github.com/encord-emulator/encord-emulator/pkg/server"
)

func call(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, url, &buf)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestLastUsedAtIsRecorded: a successful SDK request sets the key's
// lastUsedAt within a flush interval, without a write on the request path.
func TestLastUsedAtIsRecorded(t *testing.T) {
	srv, err := server.Start(context.Background(), server.Options{Addr: "127.0.0.1:0", LastUsedFlushInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var ws struct{ Session struct{ Token string } }
	call(t, "POST", srv.URL()+"/_emulator/workspaces", "", map[string]any{"name": "A", "admin": map[string]string{"email": "a@a.test", "name": "A"}}, &ws)
	var gen struct {
		Key        struct{ ID string }
		PrivateKey string
	}
	if call(t, "POST", srv.URL()+"/api/v1/me/keys", ws.Session.Token, map[string]string{"title": "k"}, &gen) != 201 {
		t.Fatal("key generation failed")
	}
	priv, err := encordsign.ParsePrivateKey([]byte(gen.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	type keys struct {
		Items []struct{ LastUsedAt *time.Time }
	}
	var before keys
	call(t, "GET", srv.URL()+"/api/v1/me/keys", ws.Session.Token, nil, &before)
	if before.Items[0].LastUsedAt != nil {
		t.Fatal("a key never used has a lastUsedAt")
	}
	req, _ := http.NewRequest("GET", srv.URL()+"/v2/public/user/bearer-token", nil)
	encordsign.New(priv).SignRequest(req, nil, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("signed request: %v %v", resp, err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var after keys
		call(t, "GET", srv.URL()+"/api/v1/me/keys", ws.Session.Token, nil, &after)
		if at := after.Items[0].LastUsedAt; at != nil {
			if time.Since(*at) > time.Minute {
				t.Fatalf("lastUsedAt %v is not the time of the request", at)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("lastUsedAt was never recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
