package api

import (
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// withRemedy returns e with its remedy spelled out at the end of its
// message: the route that does what the error points to. Package accounts
// names remedies (errs.Remedy) but knows no route.
func withRemedy(e *errs.Error) *errs.Error {
	var suffix string
	switch e.Remedy.Action {
	case "":
		return e
	case errs.LogIn:
		suffix = "; log in with POST /api/v1/sessions and send the session token as Authorization: Bearer <token>"
	case errs.AddMember:
		suffix = "; an admin of the workspace adds members with POST /api/v1/workspace/members"
	case errs.ListMembers:
		suffix = "; list members with GET /api/v1/workspace/members"
	case errs.ListServiceAccounts:
		suffix = "; list them with GET /api/v1/workspace/service-accounts"
	case errs.ListWorkspaces:
		suffix = "; list workspaces with GET /_emulator/workspaces"
	case errs.RaiseQuota:
		suffix = fmt.Sprintf(" with PATCH /_emulator/workspaces/%s/quotas (on Encord: contact support)", e.Remedy.WorkspaceID)
	case errs.RegisterKey:
		suffix = " Register its public half with POST /api/v1/me/keys, or on a service account with POST /api/v1/workspace/service-accounts/{saId}/keys."
	case errs.GetBearerToken:
		suffix = " from GET /v2/public/user/bearer-token (EncordUserClient.get_bearer_token())"
	default:
		return e
	}
	spelled := *e
	spelled.Message += suffix
	spelled.Remedy = errs.Remedy{}
	return &spelled
}
