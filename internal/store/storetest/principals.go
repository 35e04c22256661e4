package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

func workspaceTests() []conformanceTest {
	return []conformanceTest{
		{"Workspace/RoundTrip", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			create(t, s, ws)
			equal(t, "GetWorkspace", getWorkspace(t, s, ws.ID), ws)
			locked := read(t, s, func(ctx context.Context, tx store.Tx) (store.Workspace, error) {
				return tx.LockWorkspace(ctx, ws.ID)
			})
			equal(t, "LockWorkspace", locked, ws)
		}},
		{"Workspace/LockOwner", func(t *testing.T, s store.Store) {
			// LockOwner answers the workspace for an owner of it, an owner of
			// another workspace, a removed owner and an owner that does not
			// exist; only the workspace decides ErrNotFound.
			ws, other := newWorkspace(), newWorkspace()
			m, removed, stranger := newMember(ws.ID), newMember(ws.ID), newMember(other.ID)
			removed.RemovedAt = ptr(now())
			sa := newServiceAccount(ws.ID, m.ID)
			create(t, s, ws, other, m, removed, stranger, sa)
			owners := []store.Owner{userOf(m), userOf(removed), userOf(stranger), accountOf(sa),
				{Type: store.OwnerUser, ID: newID()}, {Type: store.OwnerServiceAccount, ID: "not-a-uuid"},
				{Type: store.OwnerUser, ID: "nul\x00"}, {Type: "robot", ID: m.ID}}
			for _, owner := range owners {
				locked := read(t, s, func(ctx context.Context, tx store.Tx) (store.Workspace, error) {
					return tx.LockOwner(ctx, ws.ID, owner)
				})
				equal(t, fmt.Sprintf("LockOwner of %s %q", owner.Type, owner.ID), locked, ws)
			}
		}},
		{"Workspace/ReusedIDAlreadyExists", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			create(t, s, ws)
			again := newWorkspace()
			again.ID = ws.ID
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateWorkspace(ctx, again) })
			wantErr(t, "CreateWorkspace with a reused id", err, store.ErrAlreadyExists)
		}},
		{"Workspace/ListOldestFirst", func(t *testing.T, s store.Store) {
			empty := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Workspace, error) {
				return tx.ListWorkspaces(ctx)
			})
			if len(empty) != 0 {
				t.Fatalf("fresh store lists %d workspaces, want 0", len(empty))
			}
			// Created out of order; two share a creation time and are
			// ordered by id.
			first, second, third, fourth := newWorkspace(), newWorkspace(), newWorkspace(), newWorkspace()
			first.CreatedAt = at(0)
			second.CreatedAt, third.CreatedAt = at(time.Minute), at(time.Minute)
			if second.ID > third.ID {
				second, third = third, second
			}
			fourth.CreatedAt = at(time.Hour)
			create(t, s, fourth, third, first, second)
			got := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Workspace, error) {
				return tx.ListWorkspaces(ctx)
			})
			equal(t, "ListWorkspaces", got, []store.Workspace{first, second, third, fourth})
		}},
		{"Workspace/UpdateQuotas", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			create(t, s, ws, other)
			quotas := store.Quotas{ServiceAccounts: 7, KeysPerServiceAccount: 3, KeysPerUser: 1, Resources: 10001}
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.UpdateWorkspaceQuotas(ctx, ws.ID, quotas)
			})
			ws.Quotas = quotas
			equal(t, "updated workspace", getWorkspace(t, s, ws.ID), ws)
			equal(t, "other workspace", getWorkspace(t, s, other.ID), other)
		}},
		{"NotFound", testNotFound},
	}
}

// testNotFound checks that every method addressing a row by id (or natural
// key) answers ErrNotFound for a row that does not exist, including ids that
// are not UUIDs.
func testNotFound(t *testing.T, s store.Store) {
	ws := newWorkspace()
	create(t, s, ws)
	for _, missing := range []string{newID(), "not-a-uuid"} {
		cases := []struct {
			name string
			call func(ctx context.Context, tx store.Tx) error
		}{
			{"LockWorkspace", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.LockWorkspace(ctx, missing)
				return err
			}},
			{"LockOwner", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.LockOwner(ctx, missing, store.Owner{Type: store.OwnerUser, ID: newID()})
				return err
			}},
			{"GetWorkspace", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetWorkspace(ctx, missing)
				return err
			}},
			{"UpdateWorkspaceQuotas", func(ctx context.Context, tx store.Tx) error {
				return tx.UpdateWorkspaceQuotas(ctx, missing, ws.Quotas)
			}},
			{"DeleteWorkspace", func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteWorkspace(ctx, missing)
			}},
			{"GetMember", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetMember(ctx, missing)
				return err
			}},
			{"GetMemberByEmail", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetMemberByEmail(ctx, missing+"@example.com")
				return err
			}},
			{"UpdateMemberRole", func(ctx context.Context, tx store.Tx) error {
				return tx.UpdateMemberRole(ctx, missing, store.RoleAdmin)
			}},
			{"MarkMemberRemoved", func(ctx context.Context, tx store.Tx) error {
				return tx.MarkMemberRemoved(ctx, missing, now())
			}},
			{"GetServiceAccount", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetServiceAccount(ctx, missing)
				return err
			}},
			{"GetServiceAccountByEmail", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetServiceAccountByEmail(ctx, missing+"@example.com")
				return err
			}},
			{"UpdateServiceAccount", func(ctx context.Context, tx store.Tx) error {
				sa := newServiceAccount(ws.ID, "")
				sa.ID = missing
				return tx.UpdateServiceAccount(ctx, sa)
			}},
			{"MarkServiceAccountDeleted", func(ctx context.Context, tx store.Tx) error {
				return tx.MarkServiceAccountDeleted(ctx, missing, now())
			}},
			{"GetKey", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetKey(ctx, missing)
				return err
			}},
			{"RevokeKey", func(ctx context.Context, tx store.Tx) error {
				return tx.RevokeKey(ctx, missing, now(), "test")
			}},
			{"DeleteToken", func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteToken(ctx, missing)
			}},
			{"GetResource", func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetResource(ctx, ws.ID, store.KindProject, missing)
				return err
			}},
			{"UpdateResource", func(ctx context.Context, tx store.Tx) error {
				r := newResource(ws.ID, store.KindProject, store.Owner{})
				r.ID = missing
				return tx.UpdateResource(ctx, r)
			}},
			{"DeleteResource", func(ctx context.Context, tx store.Tx) error {
				return tx.DeleteResource(ctx, ws.ID, store.KindProject, missing)
			}},
		}
		for _, c := range cases {
			err := tryTx(t, s, c.call)
			wantErr(t, c.name+"("+missing+")", err, store.ErrNotFound)
		}
		_, err := s.ResolveKey(t.Context(), missing)
		wantErr(t, "ResolveKey("+missing+")", err, store.ErrNotFound)
		_, err = s.ResolveToken(t.Context(), missing)
		wantErr(t, "ResolveToken("+missing+")", err, store.ErrNotFound)
	}
}

func memberTests() []conformanceTest {
	return []conformanceTest{
		{"Member/RoundTrip", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			live := newMember(ws.ID)
			live.Role = store.RoleAdmin
			removed := newMember(ws.ID)
			removed.RemovedAt = ptr(now())
			create(t, s, ws, live, removed)
			for _, want := range []store.Member{live, removed} {
				equal(t, "GetMember", getMember(t, s, want.ID), want)
			}
		}},
		{"Member/ReusedIDAlreadyExists", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			again := newMember(ws.ID) // another email
			again.ID = m.ID
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateMember(ctx, again) })
			wantErr(t, "CreateMember with a reused id", err, store.ErrAlreadyExists)
		}},
		{"Member/EmailUniqueAmongLiveMembers", func(t *testing.T, s store.Store) {
			ws1, ws2, ws3 := newWorkspace(), newWorkspace(), newWorkspace()
			m := newMember(ws1.ID)
			// Accounts lower-cases emails, but the store compares them
			// case-insensitively whatever it was given.
			m.Email = "Mixed.Case-" + newID()[:8] + "@Example.COM"
			create(t, s, ws1, ws2, ws3, m)

			// The same email, in other cases, in the same or another
			// workspace.
			for _, email := range []string{m.Email, strings.ToLower(m.Email), strings.ToUpper(m.Email)} {
				for _, wsID := range []string{ws1.ID, ws2.ID} {
					clash := newMember(wsID)
					clash.Email = email
					err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateMember(ctx, clash) })
					wantErr(t, "CreateMember with a live member's email as "+email, err, store.ErrAlreadyExists)
				}
			}

			// Removing the member frees the email.
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.MarkMemberRemoved(ctx, m.ID, now()) })
			rejoined := newMember(ws2.ID)
			rejoined.Email = m.Email
			create(t, s, rejoined)

			// The new membership holds it now.
			clash := newMember(ws3.ID)
			clash.Email = m.Email
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateMember(ctx, clash) })
			wantErr(t, "CreateMember with a rejoined member's email", err, store.ErrAlreadyExists)
		}},
		{"Member/RemovedMembershipDoesNotHoldEmail", func(t *testing.T, s store.Store) {
			// A state import writes a removed membership next to the live one
			// of the same email.
			ws1, ws2 := newWorkspace(), newWorkspace()
			live := newMember(ws1.ID)
			past := newMember(ws2.ID)
			past.Email = live.Email
			past.RemovedAt = ptr(now())
			create(t, s, ws1, ws2, live, past)
			got := read(t, s, func(ctx context.Context, tx store.Tx) (store.Member, error) {
				return tx.GetMemberByEmail(ctx, live.Email)
			})
			equal(t, "GetMemberByEmail", got, live)
		}},
		{"Member/GetByEmail", func(t *testing.T, s store.Store) {
			ws1, ws2 := newWorkspace(), newWorkspace()
			m := newMember(ws1.ID)
			m.Email = "Mixed.Case-" + newID()[:8] + "@Example.COM"
			create(t, s, ws1, ws2, m)
			for _, email := range []string{m.Email, strings.ToLower(m.Email), strings.ToUpper(m.Email)} {
				got := read(t, s, func(ctx context.Context, tx store.Tx) (store.Member, error) {
					return tx.GetMemberByEmail(ctx, email)
				})
				equal(t, "GetMemberByEmail("+email+")", got, m)
			}

			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.MarkMemberRemoved(ctx, m.ID, now()) })
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				_, err := tx.GetMemberByEmail(ctx, m.Email)
				return err
			})
			wantErr(t, "GetMemberByEmail of a removed member", err, store.ErrNotFound)

			rejoined := newMember(ws2.ID)
			rejoined.Email = m.Email
			create(t, s, rejoined)
			got := read(t, s, func(ctx context.Context, tx store.Tx) (store.Member, error) {
				return tx.GetMemberByEmail(ctx, m.Email)
			})
			equal(t, "GetMemberByEmail after rejoining", got, rejoined)
		}},
		{"Member/ListOldestFirst", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			a, b, c, d := newMember(ws.ID), newMember(ws.ID), newMember(ws.ID), newMember(ws.ID)
			a.CreatedAt = at(0)
			b.CreatedAt, c.CreatedAt = at(time.Second), at(time.Second)
			if b.ID > c.ID {
				b, c = c, b
			}
			d.CreatedAt = at(time.Minute)
			c.RemovedAt = ptr(at(time.Hour))
			create(t, s, ws, other, d, c, newMember(other.ID), b, a)

			live := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Member, error) {
				return tx.ListMembers(ctx, ws.ID, false)
			})
			equal(t, "ListMembers without removed", live, []store.Member{a, b, d})
			all := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Member, error) {
				return tx.ListMembers(ctx, ws.ID, true)
			})
			equal(t, "ListMembers with removed", all, []store.Member{a, b, c, d})
			none := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.Member, error) {
				return tx.ListMembers(ctx, newID(), true)
			})
			if len(none) != 0 {
				t.Errorf("ListMembers of an unknown workspace returned %d members", len(none))
			}
		}},
		{"Member/UpdateRole", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m, other := newMember(ws.ID), newMember(ws.ID)
			create(t, s, ws, m, other)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.UpdateMemberRole(ctx, m.ID, store.RoleAdmin)
			})
			m.Role = store.RoleAdmin
			equal(t, "updated member", getMember(t, s, m.ID), m)
			equal(t, "other member", getMember(t, s, other.ID), other)
		}},
		{"Member/MarkRemoved", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			m := newMember(ws.ID)
			create(t, s, ws, m)
			removedAt := now()
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.MarkMemberRemoved(ctx, m.ID, removedAt) })
			m.RemovedAt = &removedAt
			equal(t, "removed member", getMember(t, s, m.ID), m)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.MarkMemberRemoved(ctx, m.ID, removedAt.Add(time.Second))
			})
			wantErr(t, "MarkMemberRemoved twice", err, store.ErrNotFound)
			equal(t, "member removed twice", getMember(t, s, m.ID), m)
		}},
	}
}

func serviceAccountTests() []conformanceTest {
	return []conformanceTest{
		{"ServiceAccount/RoundTrip", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			admin := newMember(ws.ID)
			live := newServiceAccount(ws.ID, admin.ID)
			live.Role = store.RoleAdmin
			deleted := newServiceAccount(ws.ID, admin.ID)
			deleted.DeletedAt = ptr(now())
			create(t, s, ws, admin, live, deleted)
			for _, want := range []store.ServiceAccount{live, deleted} {
				equal(t, "GetServiceAccount", getServiceAccount(t, s, want.ID), want)
			}
		}},
		{"ServiceAccount/ReusedIDAlreadyExists", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			sa := newServiceAccount(ws.ID, "")
			create(t, s, ws, sa)
			again := newServiceAccount(ws.ID, "")
			again.ID = sa.ID
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateServiceAccount(ctx, again) })
			wantErr(t, "CreateServiceAccount with a reused id", err, store.ErrAlreadyExists)
		}},
		{"ServiceAccount/EmailUniqueAmongLiveAccounts", func(t *testing.T, s store.Store) {
			ws1, ws2 := newWorkspace(), newWorkspace()
			sa := newServiceAccount(ws1.ID, "")
			create(t, s, ws1, ws2, sa)
			for _, wsID := range []string{ws1.ID, ws2.ID} {
				clash := newServiceAccount(wsID, "")
				clash.Email = sa.Email
				err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.CreateServiceAccount(ctx, clash) })
				wantErr(t, "CreateServiceAccount with a live account's email", err, store.ErrAlreadyExists)
			}
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, now())
			})
			successor := newServiceAccount(ws2.ID, "")
			successor.Email = sa.Email
			create(t, s, successor)
		}},
		{"ServiceAccount/ListOldestFirst", func(t *testing.T, s store.Store) {
			ws, other := newWorkspace(), newWorkspace()
			a, b, c, d := newServiceAccount(ws.ID, ""), newServiceAccount(ws.ID, ""), newServiceAccount(ws.ID, ""), newServiceAccount(ws.ID, "")
			a.CreatedAt = at(0)
			b.CreatedAt, c.CreatedAt = at(time.Second), at(time.Second)
			if b.ID > c.ID {
				b, c = c, b
			}
			d.CreatedAt = at(time.Minute)
			b.DeletedAt = ptr(at(time.Hour))
			create(t, s, ws, other, c, newServiceAccount(other.ID, ""), d, a, b)
			live := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.ServiceAccount, error) {
				return tx.ListServiceAccounts(ctx, ws.ID, false)
			})
			equal(t, "ListServiceAccounts without deleted", live, []store.ServiceAccount{a, c, d})
			all := read(t, s, func(ctx context.Context, tx store.Tx) ([]store.ServiceAccount, error) {
				return tx.ListServiceAccounts(ctx, ws.ID, true)
			})
			equal(t, "ListServiceAccounts with deleted", all, []store.ServiceAccount{a, b, c, d})
		}},
		{"ServiceAccount/UpdateStoresRoleAndDescriptionOnly", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			sa := newServiceAccount(ws.ID, "")
			create(t, s, ws, sa)
			change := sa
			change.Role = store.RoleAdmin
			change.Description = "nightly exports"
			change.Name = "renamed"
			change.Email = "other@example.com"
			change.CreatedByMemberID = newID()
			change.CreatedAt = at(0)
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.UpdateServiceAccount(ctx, change) })
			want := sa
			want.Role = change.Role
			want.Description = change.Description
			equal(t, "updated service account", getServiceAccount(t, s, sa.ID), want)
		}},
		{"ServiceAccount/MarkDeleted", func(t *testing.T, s store.Store) {
			ws := newWorkspace()
			sa := newServiceAccount(ws.ID, "")
			create(t, s, ws, sa)
			deletedAt := now()
			mustTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, deletedAt)
			})
			sa.DeletedAt = &deletedAt
			equal(t, "deleted service account", getServiceAccount(t, s, sa.ID), sa)
			err := tryTx(t, s, func(ctx context.Context, tx store.Tx) error {
				return tx.MarkServiceAccountDeleted(ctx, sa.ID, deletedAt.Add(time.Second))
			})
			wantErr(t, "MarkServiceAccountDeleted twice", err, store.ErrNotFound)
		}},
	}
}
