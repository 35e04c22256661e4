package postgres

// The statements of the hot path and of the pages, for the plan tests.
var (
	ResolveKeysSQL         = resolveKeysSQL(2)
	ResolveTokenSQL        = resolveTokenSQL
	PageKeysAfterSQL       = pageKeysAfter
	PageLiveMembersAfter   = pageLiveMembersAfter
	PageMembersAfter       = pageMembersAfter
	PageLiveAccountsAfter  = pageLiveAccountsAfter
	PageWorkspacesAfterSQL = pageWorkspacesAfter
	ResourcePageSQL        = resourcePageSQL
)
