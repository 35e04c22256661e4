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

// ViewReads is the conn of View, for the tests of its pipelines.
func (s *Store) ViewReads() conn { return s.reads }

// ViewReadsState reports how many pipelines run and how many queries wait.
func (s *Store) ViewReadsState() (active, waiting int) {
	b := &s.reads.batches
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.active, len(b.waiting)
}

// MigrateTo migrates to exactly version, as an older build would have.
func (m *Migrator) MigrateTo(version uint) error { return m.migrate.Migrate(version) }
