package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// InstrumentStore returns st counting, by operation, the calls that fail
// with store.ErrUnavailable. Methods it does not name pass through
// uncounted.
func (m *Metrics) InstrumentStore(st store.Store) store.Store {
	return &instrumentedStore{Store: st, m: m}
}

type instrumentedStore struct {
	store.Store
	m *Metrics
}

// count counts err under operation when it is an outage, and returns it.
func (s *instrumentedStore) count(operation string, err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		s.m.StoreUnavailable(operation)
	}
	return err
}

func (s *instrumentedStore) Tx(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.count("tx", s.Store.Tx(ctx, fn))
}

func (s *instrumentedStore) View(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.count("view", s.Store.View(ctx, fn))
}

func (s *instrumentedStore) ResolveKey(ctx context.Context, publicKeyHex string) (store.KeyResolution, error) {
	res, err := s.Store.ResolveKey(ctx, publicKeyHex)
	return res, s.count("resolve_key", err)
}

func (s *instrumentedStore) ResolveToken(ctx context.Context, hash string) (store.TokenResolution, error) {
	res, err := s.Store.ResolveToken(ctx, hash)
	return res, s.count("resolve_token", err)
}

func (s *instrumentedStore) TouchKeys(ctx context.Context, lastUsed map[string]time.Time) error {
	return s.count("touch_keys", s.Store.TouchKeys(ctx, lastUsed))
}

func (s *instrumentedStore) Ping(ctx context.Context) error {
	return s.count("ping", s.Store.Ping(ctx))
}

func (s *instrumentedStore) FireFaultRule(ctx context.Context, id string, draw func(int64) bool) (store.FaultFiring, error) {
	f, err := s.Store.FireFaultRule(ctx, id, draw)
	return f, s.count("fire_fault_rule", err)
}

func (s *instrumentedStore) ListFaultRules(ctx context.Context) ([]store.FaultRule, error) {
	rules, err := s.Store.ListFaultRules(ctx)
	return rules, s.count("list_fault_rules", err)
}

func (s *instrumentedStore) GetClock(ctx context.Context) (store.ClockSetting, error) {
	c, err := s.Store.GetClock(ctx)
	return c, s.count("get_clock", err)
}
