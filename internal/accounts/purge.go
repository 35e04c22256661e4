package accounts

import (
	"context"
	"time"
)

// PurgeExpiredTokens deletes the management sessions and SDK bearer tokens
// that expired by now (the service's clock) and returns how many. Expired
// tokens never authenticate; without the purge every login would leave a
// row behind for good. Several replicas may purge one database at once.
func (s *Service) PurgeExpiredTokens(ctx context.Context) (int, error) {
	return s.store.PurgeExpiredTokens(ctx, s.clock())
}

// RunTokenPurger purges expired tokens every interval until ctx is done. It
// logs failures and never stops early.
func (s *Service) RunTokenPurger(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.PurgeExpiredTokens(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.WarnContext(ctx, "could not purge expired sessions and bearer tokens; will retry", "err", err)
			case n > 0:
				s.log.DebugContext(ctx, "purged expired sessions and bearer tokens", "count", n)
			}
		}
	}
}
