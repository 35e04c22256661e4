package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// PoolStat returns the figures of the store's connection pool now, for
// metrics.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }
