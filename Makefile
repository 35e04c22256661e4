# The two commands a fresh machine needs:
#   make run    serve on 127.0.0.1:8080 with the memory store (zero setup)
#   make test   the whole suite, Postgres included
.DEFAULT_GOAL := help
SHELL := /bin/bash

BIN      := bin/encord-emulator
GO       ?= go
PKGS     ?= ./...
TESTFLAGS ?= -race -count=1 -timeout 20m

.PHONY: help build run test test-go fuzz vet fmt clean bench screenshots

help:
	@echo "make run    serve on 127.0.0.1:8080 with the memory store"
	@echo "make test   run the whole test suite (starts a throwaway Postgres with pg_virtualenv unless DATABASE_URL is set)"
	@echo "make build  build $(BIN)"
	@echo "make fuzz   run every fuzz target for FUZZTIME (default 30s) each"

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/server

run: build
	./$(BIN) serve

# test runs every package against the memory store and a real Postgres.
# With DATABASE_URL set it uses that database; otherwise it starts a
# throwaway cluster with pg_virtualenv (Debian's postgresql-common).
# EMULATOR_REQUIRE_POSTGRES turns a missing database into a failure, and
# EMULATOR_REQUIRE_BROWSER a missing Chromium (the web console's tests).
test: vet
	@scripts/with-postgres.sh $(MAKE) --no-print-directory test-go

test-go:
	EMULATOR_REQUIRE_POSTGRES=1 EMULATOR_REQUIRE_BROWSER=1 $(GO) test $(TESTFLAGS) $(PKGS)

# screenshots regenerates docs/console/*.png from the browser tests.
screenshots:
	$(GO) test -count=1 -run TestConsoleInBrowser ./internal/console -args -screenshots

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)

# bench measures signed SDK requests against the Ed25519 floor, the cost of
# a page against the size of the listing, the key workload against moto's
# IAM (skipped, saying why, when python3 cannot import moto), startup,
# memory and management writes, on both stores (docs/benchmarks.md); it
# gets Postgres as make test does. BENCHFLAGS=-quick makes a smoke run.
bench: build
	@scripts/with-postgres.sh $(GO) run ./cmd/bench -require-postgres -moto -server-bin $(BIN) $(BENCHFLAGS)

FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
