package api_test

import (
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// lastReason is the reason of the newest journal entry.
func (w faultWorld) lastReason() string {
	w.c.t.Helper()
	items := w.c.must(200, "GET", "/_emulator/requests?limit=1", "", nil).items()
	if len(items) == 0 {
		w.c.t.Fatal("the journal is empty")
	}
	reason, _ := items[0]["reason"].(string)
	return reason
}

// The clock of /_emulator/clock drives the signature window, token expiry
// and the times the emulator writes; no test sleeps.
func TestClock(t *testing.T) {
	testenv.ForEachBackend(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		t.Run("SignatureWindow", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			realNow := time.Now()
			w.c.must(200, "PUT", "/_emulator/clock", "", map[string]any{"frozenAt": realNow.Add(time.Hour).UTC().Format(time.RFC3339)})
			wantV2(t, w.c.sdk(w.signer, sdkRequest{target: v2BearerPath, now: realNow}), 401, "")
			if reason := w.lastReason(); reason != "created_too_old" {
				t.Errorf("reason %q, want created_too_old: the emulator's now is an hour ahead", reason)
			}
			if r := w.c.sdk(w.signer, sdkRequest{target: v2BearerPath, now: realNow.Add(time.Hour)}); r.Status != 200 {
				t.Errorf("a request signed at the emulator's now: %s", r)
			}

			w.c.must(200, "PUT", "/_emulator/clock", "", map[string]any{"offset": "-1h"})
			wantV2(t, w.c.sdk(w.signer, sdkRequest{target: v2BearerPath, now: realNow}), 401, "")
			if reason := w.lastReason(); reason != "created_in_future" {
				t.Errorf("reason %q, want created_in_future: the emulator's clock is an hour behind", reason)
			}
			w.c.must(200, "DELETE", "/_emulator/clock", "", nil)
			if r := w.c.sdk(w.signer, sdkRequest{target: v2BearerPath}); r.Status != 200 {
				t.Errorf("back at real time: %s", r)
			}
		})

		t.Run("BearerTokenExpires", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			minted := time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)
			freeze := func(at time.Time) {
				w.c.must(200, "PUT", "/_emulator/clock", "", map[string]any{"frozenAt": at.Format(time.RFC3339Nano)})
			}
			freeze(minted)
			token := w.c.sdk(w.signer, sdkRequest{target: v2BearerPath, now: minted}).str("token")
			if token == "" {
				t.Fatal("no bearer token minted at the frozen instant")
			}
			listGroups := func() response {
				return w.c.sdk(nil, sdkRequest{target: "/v2/public/user/current-organisation/groups", bearer: token})
			}
			freeze(minted.Add(time.Hour - time.Microsecond))
			if r := listGroups(); r.Status != 200 {
				t.Fatalf("a bearer token a microsecond before its expiry: %s", r)
			}
			freeze(minted.Add(time.Hour))
			wantV2(t, listGroups(), 401, "expired")
			if reason := w.lastReason(); reason != "token_expired" {
				t.Errorf("reason %q, want token_expired", reason)
			}
		})

		t.Run("TimesWritten", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			frozen := time.Date(2031, time.March, 4, 5, 6, 7, 891011000, time.UTC)
			view := w.c.must(200, "PUT", "/_emulator/clock", "", map[string]any{"frozenAt": frozen.Format(time.RFC3339Nano)})
			if view.str("mode") != "frozen" || view.str("now") != frozen.Format(time.RFC3339Nano) || view.str("frozenAt") != frozen.Format(time.RFC3339Nano) {
				t.Fatalf("PUT answered %s, want frozen at %s", view, frozen.Format(time.RFC3339Nano))
			}
			// The admin's session, opened at real time, expired years ago.
			if r := w.c.do("GET", "/api/v1/me", w.ws.AdminToken, nil); r.Status != 401 {
				t.Errorf("a session opened in the past, years later: %s, want 401", r)
			}
			session := w.c.must(201, "POST", "/api/v1/sessions", "", map[string]any{"email": w.email})
			if want := frozen.Add(24 * time.Hour).Format(time.RFC3339Nano); session.str("expiresAt") != want {
				t.Errorf("a session expiring at %s, want %s", session.str("expiresAt"), want)
			}
			key := w.c.must(201, "POST", "/api/v1/me/keys", session.str("token"), map[string]any{"title": "frozen"}).JSON["key"].(map[string]any)
			if key["createdAt"] != frozen.Format(time.RFC3339Nano) {
				t.Errorf("a key created at %v, want the frozen instant %s", key["createdAt"], frozen.Format(time.RFC3339Nano))
			}
			if r := w.c.sdk(w.signer, sdkRequest{target: v2BearerPath, now: frozen}); r.Status != 200 {
				t.Fatalf("a request signed at the frozen instant: %s", r)
			}
			items := w.c.must(200, "GET", "/_emulator/requests?limit=1", "", nil).items()
			if len(items) != 1 || items[0]["time"] != frozen.Format(time.RFC3339Nano) {
				t.Errorf("journal %v, want its entry at the frozen instant", items)
			}
		})

		t.Run("Refusals", func(t *testing.T) {
			w := newFaultWorld(t, newStore(t))
			cases := []struct {
				body  any
				field string
			}{
				{map[string]any{}, "offset"},
				{map[string]any{"offset": "1h", "frozenAt": "2030-01-01T00:00:00Z"}, "offset"},
				{map[string]any{"offset": "an hour"}, "offset"},
				{map[string]any{"offset": "1000000h"}, "offset"},
				{map[string]any{"frozenAt": "yesterday"}, "frozenAt"},
				{map[string]any{"frozenAt": "1969-12-31T23:59:59Z"}, "frozenAt"},
			}
			for _, c := range cases {
				r := w.c.do("PUT", "/_emulator/clock", "", c.body)
				details, _ := r.JSON["error"].(map[string]any)["details"].(map[string]any)
				if r.Status != 400 || details["field"] != c.field {
					t.Errorf("PUT %v: got %s, want 400 naming %s", c.body, r, c.field)
				}
			}
			if mode := w.c.must(200, "GET", "/_emulator/clock", "", nil).str("mode"); mode != "real" {
				t.Errorf("mode %q after refusals, want real", mode)
			}
		})
	})
}
