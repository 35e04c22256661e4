package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// identityTests check the rule of one identity per email: an email is held
// by at most one live member or live service account, installation-wide,
// compared case-insensitively.
func identityTests() []conformanceTest {
	return []conformanceTest{
		{"Identity/MemberEmailHeldByServiceAccount", func(t *testing.T, s store.Store) {
			ws1, ws2 := newWorkspace(), newWorkspace()
			sa := newServiceAccount(ws1.ID, "")
			sa.Email = "Robot-" + newID()[:8] + "@Example.COM"
			create(t, s, ws1, ws2, sa)
			for _, email := range []string{sa.Email, strings.ToLower(sa.Email), strings.ToUpper(sa.Email)} {
				for _, wsID := range []string{ws1.ID, ws2.ID} {
					clash := newMember(wsID)
					clash.Email = email
					err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateMember(ctx, clash) })
					wantErr(t, "CreateMember with a live service account's email as "+email, err, store.ErrAlreadyExists)
				}
			}
			// A removed membership holds no email: a state import may
			// write one beside the service account.
			past := newMember(ws2.ID)
			past.Email, past.RemovedAt = sa.Email, ptr(now())
			create(t, s, past)

			// Deleting the account frees the email for a member.
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, now())
			})
			human := newMember(ws2.ID)
			human.Email = sa.Email
			create(t, s, human)
		}},
		{"Identity/ServiceAccountEmailHeldByMember", func(t *testing.T, s store.Store) {
			ws1, ws2 := newWorkspace(), newWorkspace()
			m := newMember(ws1.ID)
			m.Email = "Human-" + newID()[:8] + "@Example.COM"
			create(t, s, ws1, ws2, m)
			for _, email := range []string{m.Email, strings.ToLower(m.Email), strings.ToUpper(m.Email)} {
				for _, wsID := range []string{ws1.ID, ws2.ID} {
					clash := newServiceAccount(wsID, m.ID)
					clash.Email = email
					err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateServiceAccount(ctx, clash) })
					wantErr(t, "CreateServiceAccount with a live member's email as "+email, err, store.ErrAlreadyExists)
				}
			}
			deleted := newServiceAccount(ws2.ID, m.ID)
			deleted.Email, deleted.DeletedAt = m.Email, ptr(now())
			create(t, s, deleted)

			// Removing the member frees the email for a service account,
			// which then holds it against members in turn.
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.MarkMemberRemoved(ctx, m.ID, now()) })
			robot := newServiceAccount(ws2.ID, m.ID)
			robot.Email = m.Email
			create(t, s, robot)
			back := newMember(ws1.ID)
			back.Email = m.Email
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateMember(ctx, back) })
			wantErr(t, "CreateMember with the email the service account took", err, store.ErrAlreadyExists)
		}},
		{"Identity/SameTransaction", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			create(t, s, ws)
			m := newMember(ws.ID)
			sa := newServiceAccount(ws.ID, m.ID)
			sa.Email = strings.ToUpper(m.Email)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				noErr(t, "CreateMember", tx.CreateMember(ctx, m))
				wantErr(t, "CreateServiceAccount with the email of a member created in the transaction",
					tx.CreateServiceAccount(ctx, sa), store.ErrAlreadyExists)
				// The transaction goes on after the refusal.
				return tx.CreateServiceAccount(ctx, newServiceAccount(ws.ID, m.ID))
			})
			noErr(t, "Tx", err)
			got := read(t, s, func(ctx context.Context, tx store.Tx) (store.Member, error) {
				return tx.GetMemberByEmail(ctx, m.Email)
			})
			equal(t, "member", got, m)
		}},
		{"Identity/GetServiceAccountByEmail", func(t *testing.T, s store.Store) {
			ws1, ws2 := newWorkspace(), newWorkspace()
			sa := newServiceAccount(ws1.ID, "")
			sa.Email = "Mixed.Case-" + newID()[:8] + "@Example.COM"
			create(t, s, ws1, ws2, sa)
			for _, email := range []string{sa.Email, strings.ToLower(sa.Email), strings.ToUpper(sa.Email)} {
				got := read(t, s, func(ctx context.Context, tx store.Tx) (store.ServiceAccount, error) {
					return tx.GetServiceAccountByEmail(ctx, email)
				})
				equal(t, "GetServiceAccountByEmail("+email+")", got, sa)
			}
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, now())
			})
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetServiceAccountByEmail(ctx, sa.Email)
				return err
			})
			wantErr(t, "GetServiceAccountByEmail of a deleted account", err, store.ErrNotFound)

			successor := newServiceAccount(ws2.ID, "")
			successor.Email = sa.Email
			create(t, s, successor)
			got := read(t, s, func(ctx context.Context, tx store.Tx) (store.ServiceAccount, error) {
				return tx.GetServiceAccountByEmail(ctx, sa.Email)
			})
			equal(t, "GetServiceAccountByEmail after a successor took the email", got, successor)
		}},
	}
}

// raceSameEmailAsMemberAndServiceAccount: the same email (in varying case)
// is added at once as a member, through one store, and as a service
// account, through the other, in many workspaces: exactly one wins. Then
// pairs of one member and one service account race for fresh emails,
// round after round: each round has exactly one winner.
func raceSameEmailAsMemberAndServiceAccount(t *testing.T, stores [2]store.Store) {
	workspaces := createWorkspaces(t, stores[0], contenders)

	addAs := func(ctx context.Context, s store.Store, i int, email string) error {
		ws := workspaces[i%contenders]
		if i%3 == 0 {
			email = strings.ToUpper(email)
		}
		if i%2 == 0 {
			m := newMember(ws.ID)
			m.Email = email
			return s.Tx(ctx, func(tx store.Tx) error { return tx.CreateMember(ctx, m) })
		}
		sa := newServiceAccount(ws.ID, "")
		sa.Email = email
		return s.Tx(ctx, func(tx store.Tx) error { return tx.CreateServiceAccount(ctx, sa) })
	}

	email := "contended-" + newID()[:8] + "@example.com"
	errs := race(t, stores, func(ctx context.Context, s store.Store, i int) error { return addAs(ctx, s, i, email) })
	wantWinners(t, errs, 1, store.ErrAlreadyExists)
	holders := 0
	for _, ws := range workspaces {
		st := read(t, stores[1], func(ctx context.Context, tx store.Tx) (int, error) {
			members, err := tx.ListMembers(ctx, ws.ID, true)
			if err != nil {
				return 0, err
			}
			accounts, err := tx.ListServiceAccounts(ctx, ws.ID, true)
			return len(members) + len(accounts), err
		})
		holders += st
	}
	if holders != 1 {
		t.Errorf("%d members and service accounts stored, want 1", holders)
	}

	for round := range 10 {
		email := "pair-" + newID()[:8] + "@example.com"
		errs := make([]error, 2)
		start := make(chan struct{})
		done := make(chan struct{}, 2)
		for i := range 2 {
			go func() {
				defer func() { done <- struct{}{} }()
				<-start
				// i=0: a member through store 0; i=1: a service account
				// through store 1.
				errs[i] = addAs(t.Context(), stores[i], round*2+i, email)
			}()
		}
		close(start)
		<-done
		<-done
		wantWinners(t, errs, 1, store.ErrAlreadyExists)
	}
}
