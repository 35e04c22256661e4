package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/testclient"
)

// pageConns is how many connections fetch pages at once in a page-cost
// run: enough to keep the server busy, few enough that the load generator
// leaves it most of the two cores.
const pageConns = 4

// pageSize is the page the page-cost runs fetch: the default of every list.
const pageSize = 100

// pageCost is the cost of one page of a principal's key listing
// (GET /api/v1/me/keys) when the principal has keys keys: the first page,
// and a full page deep in the listing, fetched with the token the page
// before it returned: the page at the middle, or the last full one when
// the listing holds less than two pages (with 100 keys, the first).
type pageCost struct {
	store string
	keys  int
	first loadResult
	deep  loadResult
}

// measurePageCost serves a fixture of one member owning keyCount keys and
// measures, in a closed loop of pageConns connections for half a load
// phase each, the first page of the member's keys and the page at the
// middle of the listing.
func (b *bench) measurePageCost(ctx context.Context, storeName string, keyCount int) (pageCost, error) {
	pc := pageCost{store: storeName, keys: keyCount}
	f := newFixture(keyCount, 1, time.Now().UTC().Truncate(time.Microsecond))
	fs, err := b.startFixtureServer(ctx, storeName, f, false)
	if err != nil {
		return pc, err
	}
	p := fs.server
	defer p.Stop(stopGrace)
	api := testclient.New(p.URL, testclient.Options{Timeout: time.Minute})
	defer api.Close()
	login := api.Do(ctx, http.MethodPost, "/api/v1/sessions", "", map[string]string{"email": f.members[0].Email})
	if err := login.Want(http.StatusCreated); err != nil {
		return pc, fmt.Errorf("logging in as the fixture's member: %w", err)
	}
	session := login.Str("token")
	token, err := tokenAt(ctx, api, session, max(0, min(keyCount/2, keyCount-pageSize)))
	if err != nil {
		return pc, err
	}
	target := "/api/v1/me/keys?pageSize=" + strconv.Itoa(pageSize)
	for _, phase := range []struct {
		target string
		result *loadResult
	}{{target, &pc.first}, {deepTarget(target, token), &pc.deep}} {
		request := []byte("GET " + phase.target + " HTTP/1.1\r\nHost: " + p.Addr + "\r\nUser-Agent: encord-bench\r\nAuthorization: Bearer " + session + "\r\n\r\n")
		status, body, err := probe(p.Addr, request)
		if err != nil {
			return pc, err
		}
		if status != http.StatusOK {
			return pc, fmt.Errorf("GET %s answered %d: %s", phase.target, status, body)
		}
		spec := loadSpec{addr: p.Addr, requests: [][]byte{request}, expect: http.StatusOK, conns: pageConns, duration: b.cfg.duration / 10}
		runLoad(ctx, spec) // warm-up
		spec.duration = b.cfg.duration / 2
		*phase.result = runLoad(ctx, spec)
	}
	b.logf("%s, one member with %d keys: first page %.0f/s, deep page %.0f/s", storeName, keyCount, pc.first.throughput(), pc.deep.throughput())
	return pc, p.Stop(stopGrace)
}

// deepTarget is the request of the deep page: the first one when the
// listing has no page before it.
func deepTarget(target, token string) string {
	if token == "" {
		return target
	}
	return target + "&pageToken=" + url.QueryEscape(token)
}

// tokenAt pages through the caller's keys, as many as one request may ask
// for at a time, and returns the page token that continues the listing
// after its first skip keys ("" for none).
func tokenAt(ctx context.Context, api *testclient.Client, session string, skip int) (string, error) {
	token, seen := "", 0
	for seen < skip {
		size := min(skip-seen, 1000)
		target := "/api/v1/me/keys?pageSize=" + strconv.Itoa(size)
		if token != "" {
			target += "&pageToken=" + url.QueryEscape(token)
		}
		page := api.Do(ctx, http.MethodGet, target, session, nil)
		if err := page.Want(http.StatusOK); err != nil {
			return "", fmt.Errorf("paging to key %d: %w", skip, err)
		}
		if token = page.Str("nextPageToken"); token == "" || len(page.Items()) != size {
			return "", fmt.Errorf("paging to key %d: the listing ended after %d keys", skip, seen+len(page.Items()))
		}
		seen += size
	}
	return token, nil
}
