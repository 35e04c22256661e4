package accounts_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/encord-emulator/encord-emulator/internal/accounts"
	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// visibilityWorld is a workspace with every kind of principal and
// datasets owned and shared in every way, and another workspace.
type visibilityWorld struct {
	admin, bob, carol, adminSA, botSA, outsider accounts.Principal
	datasets                                    map[string]accounts.ResourceView // by title
}

func newVisibilityWorld(t *testing.T, e *env) visibilityWorld {
	ws := e.workspace(t, accounts.QuotasPatch{ServiceAccounts: new(2)})
	theirs := e.workspace(t, accounts.QuotasPatch{})
	w := visibilityWorld{datasets: map[string]accounts.ResourceView{}}
	memberPrincipal := func(name string) accounts.Principal {
		c, _ := e.login(t, e.member(t, ws, name, store.RoleMember))
		return e.principal(t, e.ownKey(t, c))
	}
	saPrincipal := func(name string, role store.Role) accounts.Principal {
		sa := e.serviceAccount(t, ws, name)
		must(e.svc.UpdateServiceAccount(e.ctx, ws.admin, sa.ID, accounts.UpdateServiceAccountInput{Role: &role}))(t)
		return e.principal(t, e.serviceAccountKey(t, ws, sa))
	}
	w.admin = e.principal(t, e.ownKey(t, ws.admin))
	w.bob, w.carol = memberPrincipal("bob"), memberPrincipal("carol")
	w.adminSA, w.botSA = saPrincipal("ops", store.RoleAdmin), saPrincipal("bot", store.RoleMember)
	w.outsider = e.principal(t, e.ownKey(t, theirs.admin))

	create := func(p accounts.Principal, title string) {
		w.datasets[title] = must(e.svc.CreateDataset(e.ctx, p, accounts.CreateDatasetInput{Title: title}))(t)
	}
	create(w.admin, "admin's")
	create(w.bob, "bob's")
	create(w.outsider, "theirs")
	w.datasets["shared"] = must(e.svc.CreateResource(e.ctx, ws.ID, accounts.CreateResourceInput{
		Kind: store.KindDataset, Title: "shared", CreatedBy: &w.admin.Owner, SharedWith: []store.Owner{w.carol.Owner, w.botSA.Owner},
	}))(t)
	return w
}

// TestResourceVisibility: who sees which dataset of the SDK plane, listed
// (with and without includeOrgAccess) and read by id. The creator sees
// its own, a principal sees what is shared with it, an admin service
// account sees everything, a workspace admin everything with
// includeOrgAccess (a member asking for it is refused) or by id; another
// workspace's resources do not exist.
func TestResourceVisibility(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := newVisibilityWorld(t, e)
		all := []string{"admin's", "bob's", "shared"}
		for _, tc := range []struct {
			name      string
			p         accounts.Principal
			listed    []string // without includeOrgAccess
			orgListed []string // with it; nil: refused
			read      []string // by id; the other datasets of the workspace are a 403
		}{
			{"workspace admin", w.admin, []string{"admin's", "shared"}, all, all},
			{"member who created one", w.bob, []string{"bob's"}, nil, []string{"bob's"}},
			{"member shared with", w.carol, []string{"shared"}, nil, []string{"shared"}},
			{"admin service account", w.adminSA, all, all, all},
			{"service account shared with", w.botSA, []string{"shared"}, nil, []string{"shared"}},
			{"admin of another workspace", w.outsider, []string{"theirs"}, []string{"theirs"}, []string{"theirs"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := listTitles(t, e, tc.p, store.KindDataset, false); !slices.Equal(got, tc.listed) {
					t.Errorf("listed %q, want %q", got, tc.listed)
				}
				_, err := e.svc.ListResources(e.ctx, tc.p, store.KindDataset, accounts.ResourceFilter{IncludeOrgAccess: true}, accounts.PageRequest{})
				if tc.orgListed == nil {
					wantCode(t, "includeOrgAccess", err, errs.Authorisation)
				} else if got := listTitles(t, e, tc.p, store.KindDataset, true); !slices.Equal(got, tc.orgListed) {
					t.Errorf("listed with includeOrgAccess %q, want %q", got, tc.orgListed)
				}
				for title, ds := range w.datasets {
					_, err := e.svc.GetResource(e.ctx, tc.p, store.KindDataset, ds.ID)
					switch {
					case slices.Contains(tc.read, title):
						if err != nil {
							t.Errorf("reading %s: %v", title, err)
						}
					case ds.WorkspaceID != tc.p.WorkspaceID:
						wantCode(t, "reading "+title, err, errs.NotFound)
					default:
						wantCode(t, "reading "+title, err, errs.Authorisation)
					}
				}
			})
		}
	})
}

// TestGroupsAreSeenByAll: the groups of a workspace are the
// organisation's; every principal of the workspace sees them all, whoever
// made them, and no one else does.
func TestGroupsAreSeenByAll(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := newVisibilityWorld(t, e)
		must(e.svc.CreateResource(e.ctx, w.admin.WorkspaceID, accounts.CreateResourceInput{Kind: store.KindGroup, Title: "Reviewers", CreatedBy: &w.admin.Owner}))(t)
		for name, p := range map[string]accounts.Principal{"admin": w.admin, "bob": w.bob, "bot": w.botSA} {
			if got, want := listTitles(t, e, p, store.KindGroup, false), []string{accounts.DefaultGroupName, "Reviewers"}; !slices.Equal(got, want) {
				t.Errorf("%s lists groups %q, want %q", name, got, want)
			}
		}
		if got := listTitles(t, e, w.outsider, store.KindGroup, false); !slices.Equal(got, []string{accounts.DefaultGroupName}) {
			t.Errorf("another workspace's admin lists groups %q, want its own %q only", got, accounts.DefaultGroupName)
		}
	})
}

// TestOntologiesThroughProjects: an ontology is visible to whoever sees a
// project that uses it, listed and by id, though it is not shared with
// them.
func TestOntologiesThroughProjects(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		w := newVisibilityWorld(t, e)
		ontology := must(e.svc.CreateOntology(e.ctx, w.carol, accounts.CreateOntologyInput{Title: "carol's ontology"}))(t)
		project := must(e.svc.CreateProject(e.ctx, w.carol, accounts.CreateProjectInput{Title: "carol's project", OntologyID: ontology.ID}))(t)
		_, err := e.svc.GetResource(e.ctx, w.bob, store.KindOntology, ontology.ID)
		wantCode(t, "bob reads the ontology of a project he does not see", err, errs.Authorisation)

		// Share the project, and only the project, with bob.
		project.SharedWith = []store.Owner{w.bob.Owner}
		ok(t, e.st.Tx(e.ctx, func(tx store.Tx) error { return tx.UpdateResource(e.ctx, project.Resource) }))
		if got := listTitles(t, e, w.bob, store.KindProject, false); !slices.Equal(got, []string{"carol's project"}) {
			t.Fatalf("bob lists projects %q", got)
		}
		if got := listTitles(t, e, w.bob, store.KindOntology, false); !slices.Contains(got, "carol's ontology") {
			t.Errorf("bob lists ontologies %q, want the one of the project shared with him", got)
		}
		if _, err := e.svc.GetResource(e.ctx, w.bob, store.KindOntology, ontology.ID); err != nil {
			t.Errorf("bob reads the ontology of a project shared with him: %v", err)
		}
		if got := listTitles(t, e, w.botSA, store.KindOntology, false); slices.Contains(got, "carol's ontology") {
			t.Errorf("a service account that sees no project of carol's lists %q", got)
		}
	})
}

// listTitles lists the titles of the resources of kind that p sees, in
// title order.
func listTitles(t *testing.T, e *env, p accounts.Principal, kind store.ResourceKind, orgAccess bool) []string {
	t.Helper()
	page := must(e.svc.ListResources(e.ctx, p, kind, accounts.ResourceFilter{IncludeOrgAccess: orgAccess}, accounts.PageRequest{}))(t)
	titles := make([]string, 0, len(page.Items))
	for _, r := range page.Items {
		titles = append(titles, r.Title)
	}
	slices.SortFunc(titles, strings.Compare)
	return titles
}

// TestOtherWorkspacesDoNotExist: to a workspace's admin, the members,
// service accounts, keys and resources of another workspace are
// RESOURCE_NOT_FOUND_ERROR (never an authorisation error, which would say
// they exist), and the calls change nothing there.
func TestOtherWorkspacesDoNotExist(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ws := e.workspace(t, accounts.QuotasPatch{})
		theirs := e.workspace(t, accounts.QuotasPatch{})
		ours := newTargets(t, e, ws, ws.admin)
		other := newTargets(t, e, theirs, theirs.admin)
		dataset := must(e.svc.CreateResource(e.ctx, theirs.ID, accounts.CreateResourceInput{Kind: store.KindDataset, Title: "Theirs"}))(t)
		admin := e.principal(t, ours.ownKey)
		role := store.RoleAdmin
		before := must(e.svc.ExportState(e.ctx))(t)
		for name, call := range map[string]func() error{
			"GetServiceAccount": func() error { return errOf(e.svc.GetServiceAccount(e.ctx, ws.admin, other.sa.ID)) },
			"UpdateServiceAccount": func() error {
				return errOf(e.svc.UpdateServiceAccount(e.ctx, ws.admin, other.sa.ID, accounts.UpdateServiceAccountInput{Role: &role}))
			},
			"DeleteServiceAccount":   func() error { return e.svc.DeleteServiceAccount(e.ctx, ws.admin, other.sa.ID) },
			"ListServiceAccountKeys": func() error { return errOf(e.svc.ListServiceAccountKeys(e.ctx, ws.admin, other.sa.ID, everything)) },
			"AddServiceAccountKey": func() error {
				return errOf(e.svc.AddServiceAccountKey(e.ctx, ws.admin, other.sa.ID, accounts.AddKeyInput{Title: "x"}))
			},
			"RevokeServiceAccountKey":                func() error { return e.svc.RevokeServiceAccountKey(e.ctx, ws.admin, other.sa.ID, other.saKey.ID) },
			"RevokeServiceAccountKey of our account": func() error { return e.svc.RevokeServiceAccountKey(e.ctx, ws.admin, ours.sa.ID, other.saKey.ID) },
			"SetMemberRole": func() error {
				return errOf(e.svc.SetMemberRole(e.ctx, ws.admin, other.member.ID, accounts.RoleInput{Role: store.RoleAdmin}))
			},
			"RemoveMember":                  func() error { return e.svc.RemoveMember(e.ctx, ws.admin, other.member.ID) },
			"ListMemberKeys":                func() error { return errOf(e.svc.ListMemberKeys(e.ctx, ws.admin, other.member.ID, everything)) },
			"RevokeMemberKey":               func() error { return e.svc.RevokeMemberKey(e.ctx, ws.admin, other.member.ID, other.memberKey.ID) },
			"RevokeMemberKey of our member": func() error { return e.svc.RevokeMemberKey(e.ctx, ws.admin, ours.member.ID, other.memberKey.ID) },
			"RevokeOwnKey":                  func() error { return e.svc.RevokeOwnKey(e.ctx, ws.admin, other.ownKey.ID) },
			"GetResource":                   func() error { return errOf(e.svc.GetResource(e.ctx, admin, store.KindDataset, dataset.ID)) },
		} {
			wantCode(t, name, call(), errs.NotFound)
		}
		if after := must(e.svc.ExportState(e.ctx))(t); !sameState(before, after) {
			t.Errorf("calls on another workspace changed the state")
		}
	})
}
