package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

// TestSignV4MatchesBotocore checks the Signature Version 4 of an IAM call
// against the one botocore (the AWS SDK for Python) computes for the same
// request, credentials and time.
func TestSignV4MatchesBotocore(t *testing.T) {
	body := []byte("Action=ListUsers&Version=2010-05-08")
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:5000/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", formType)
	signV4(req, body, time.Date(2026, time.November, 30, 8, 33, 30, 0, time.UTC))
	want := "AWS4-HMAC-SHA256 Credential=AKIDBENCHEXAMPLE/20261130/us-east-1/iam/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date, Signature=3c843c2b079c1857db5b59d8efbae7ba6797755db615aa1c6c67a219c190fd76"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization:\n got  %s\n want %s", got, want)
	}
	if got := req.Header.Get("X-Amz-Date"); got != "20261130T083330Z" {
		t.Errorf("X-Amz-Date = %q", got)
	}
}

// countingPeer records the calls of the key workload.
type countingPeer struct {
	mu      sync.Mutex
	uploads map[int]int
	lists   map[int]int
	keys    map[string]bool
	failAt  int // the upload (counted over all workers) that fails, 0 for none
	total   int
}

func (p *countingPeer) upload(_ context.Context, worker int, publicKey string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total++
	if p.total == p.failAt {
		return errors.New("refused")
	}
	if p.keys[publicKey] {
		return errors.New("key uploaded twice: " + publicKey)
	}
	p.keys[publicKey] = true
	p.uploads[worker]++
	return nil
}

func (p *countingPeer) list(_ context.Context, worker int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lists[worker]++
	return nil
}

func TestKeyWorkloadListsAfterEveryTenthUpload(t *testing.T) {
	pool, err := newKeyPool(50)
	if err != nil {
		t.Fatal(err)
	}
	peer := &countingPeer{uploads: map[int]int{}, lists: map[int]int{}, keys: map[string]bool{}, failAt: 3}
	r := runKeyWorkload(t.Context(), "fake", peer, keyVariants[1], pool, 50*time.Millisecond)
	if r.errors != 1 || r.firstErr != "refused" {
		t.Errorf("errors = %d (%q), want the one refused upload", r.errors, r.firstErr)
	}
	var uploads, lists int64
	for w := range keyWorkers {
		uploads += int64(peer.uploads[w])
		lists += int64(peer.lists[w])
		if want := peer.uploads[w] / listEvery; peer.lists[w] != want {
			t.Errorf("worker %d uploaded %d keys and listed %d times, want %d", w, peer.uploads[w], peer.lists[w], want)
		}
	}
	if r.uploads != uploads || r.lists != lists || uploads <= 50 {
		t.Errorf("result counts %d uploads and %d lists, the peer saw %d and %d (more than the pool of 50 expected)", r.uploads, r.lists, uploads, lists)
	}
	for key := range peer.keys {
		if _, err := sshkey.Parse(key); err != nil {
			t.Fatalf("the pool handed out %q: %v", key, err)
		}
	}

	peer = &countingPeer{uploads: map[int]int{}, lists: map[int]int{}, keys: map[string]bool{}}
	pool.rewind()
	if r := runKeyWorkload(t.Context(), "fake", peer, keyVariants[0], pool, 20*time.Millisecond); r.lists != 0 || r.errors != 0 {
		t.Errorf("uploads only: %d lists, %d errors", r.lists, r.errors)
	}
}

// TestMotoPeer drives a real moto when one is installed: the workload's
// users are created, an upload lands, and the list shows it.
func TestMotoPeer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto")
	}
	ctx := t.Context()
	if _, err := motoVersion(ctx, "python3"); err != nil {
		t.Skipf("no moto here: %v", err)
	}
	proc, base, err := startMoto(ctx, "python3")
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Stop(stopGrace)
	peer, err := newMotoPeer(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.close()
	key, err := freshKeyLine(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := peer.upload(ctx, 3, key); err != nil {
		t.Fatal(err)
	}
	if err := peer.list(ctx, 3); err != nil {
		t.Fatal(err)
	}
	answer, err := peer.action(ctx, url.Values{"Action": {"ListSSHPublicKeys"}, "UserName": {motoUser(3)}}, "<ListSSHPublicKeysResult>")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(answer), "<SSHPublicKeyId>"); n != 1 {
		t.Errorf("worker 3's user lists %d keys, want 1:\n%s", n, answer)
	}
}
