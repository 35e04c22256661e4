package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/encord-emulator/encord-emulator/internal/store"
)

// controlChannel is the channel the triggers of migration 000003 notify,
// with the payload "<schema>.<topic>".
const controlChannel = "emulator_control"

// Backoff between attempts to watch again after losing the connection.
const (
	watchRetryMin = 50 * time.Millisecond
	watchRetryMax = 5 * time.Second
)

// WatchControls implements store.Controls with LISTEN on a connection of
// its own (a pooled connection cannot wait for notifications). When that
// connection fails it reconnects with backoff, and reports every topic once
// it listens again: notifications sent while it was away are lost, the
// reload they ask for is not.
func (s *Store) WatchControls(ctx context.Context, onChange func(store.ControlTopic)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.watching, cancel)
	defer stop()

	retry := watchRetryMin
	for {
		listened := s.listen(ctx, onChange)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			retry = watchRetryMin
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(retry):
		}
		retry = min(2*retry, watchRetryMax)
	}
}

// listen connects, listens, reports every topic, then reports the topic of
// each notification for this store's schema until the connection fails or
// ctx ends. It reports whether it got as far as listening.
func (s *Store) listen(ctx context.Context, onChange func(store.ControlTopic)) (listened bool) {
	config := s.pool.Config().ConnConfig
	config.RuntimeParams["application_name"] += " watch"
	conn, err := pgx.ConnectConfig(ctx, config)
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()

	var schema string
	if _, err := conn.Exec(ctx, "LISTEN "+controlChannel); err != nil {
		return false
	}
	if err := conn.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
		return false
	}
	for _, topic := range store.ControlTopics {
		onChange(topic)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		// The schema may contain dots; the topic does not.
		cut := strings.LastIndexByte(n.Payload, '.')
		if cut < 0 || n.Payload[:cut] != schema {
			continue
		}
		onChange(store.ControlTopic(n.Payload[cut+1:]))
	}
}
