package postgres_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/store"
	"github.com/encord-emulator/encord-emulator/internal/store/postgres"
	"github.com/encord-emulator/encord-emulator/internal/testenv"
)

// A watch whose connection dies listens again and reports every topic, so
// its caller reloads what it may have missed, and then hears of changes
// again.
func TestWatchControlsListensAgainAfterLosingItsConnection(t *testing.T) {
	db := testenv.NewPostgresDB(t)
	appName := "watch-test-" + rand.Text()
	watched, err := postgres.Open(t.Context(), withApplicationName(db.DSN, appName), db.Options)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { watched.Close() })
	other := db.Open(t)

	topics := make(chan store.ControlTopic, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- watched.WatchControls(ctx, func(topic store.ControlTopic) { topics <- topic })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchControls returned %v", err)
		}
	})
	awaitTopics(t, topics, "the first report", store.TopicFaults, store.TopicClock)

	var terminated int
	err = adminConn(t, db.DSN).QueryRow(t.Context(),
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		appName+" watch").Scan(&terminated)
	if err != nil {
		t.Fatal(err)
	}
	if terminated != 1 {
		t.Fatalf("terminated %d watch connections, want 1", terminated)
	}
	awaitTopics(t, topics, "listening again", store.TopicFaults, store.TopicClock)

	if err := other.SetClock(t.Context(), store.ClockSetting{Offset: time.Hour}); err != nil {
		t.Fatal(err)
	}
	awaitTopics(t, topics, "a change after listening again", store.TopicClock)
}

// Closing the store ends its watches.
func TestCloseEndsWatches(t *testing.T) {
	s := testenv.NewPostgresDB(t).Open(t)
	topics := make(chan store.ControlTopic, 8)
	done := make(chan error, 1)
	go func() {
		done <- s.WatchControls(context.Background(), func(topic store.ControlTopic) { topics <- topic })
	}()
	awaitTopics(t, topics, "the first report", store.TopicFaults, store.TopicClock)
	s.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("WatchControls returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WatchControls still running 10 s after Close")
	}
}

// awaitTopics waits until every topic of want was reported, in any order
// and among other reports; it fails the test after 10 s.
func awaitTopics(t *testing.T, topics <-chan store.ControlTopic, after string, want ...store.ControlTopic) {
	t.Helper()
	missing := map[store.ControlTopic]bool{}
	for _, topic := range want {
		missing[topic] = true
	}
	deadline := time.After(10 * time.Second)
	for len(missing) > 0 {
		select {
		case topic := <-topics:
			delete(missing, topic)
		case <-deadline:
			t.Fatalf("after %s, no report of %v within 10 s", after, missing)
		}
	}
}

// withApplicationName sets application_name in a connection string of
// either form ("" is the key/value form with nothing in it).
func withApplicationName(dsn, name string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			panic(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn + " application_name=" + name)
}
