#!/usr/bin/env bash
# Runs a command with a Postgres database in the environment:
#   - DATABASE_URL set: that database, as it is;
#   - else pg_virtualenv (Debian's postgresql-common): a throwaway cluster
#     in a temporary directory (-t, so concurrent runs never collide), whose
#     PG* variables pgx reads, allowing 500 connections; it is dropped when
#     the command exits;
#   - else: fail, saying how to get one.
set -euo pipefail
if [[ -n "${DATABASE_URL:-}" ]]; then
  exec "$@"
fi
if command -v pg_virtualenv >/dev/null 2>&1; then
  # Test packages run in parallel and each opens pools (two per replica
  # test): the default of 100 connections is not enough.
  exec pg_virtualenv -t -o max_connections=500 "$@"
fi
cat >&2 <<'MSG'
make test needs Postgres and found none:
  - set DATABASE_URL=postgres://user:pass@host:5432/db to use an existing database, or
  - install Debian's postgresql and postgresql-common (apt-get install postgresql),
    which provide pg_virtualenv, so the tests start a throwaway cluster themselves, or
  - with a Docker engine: docker compose up -d postgres and
    DATABASE_URL=postgres://emulator:emulator@127.0.0.1:5432/emulator make test
MSG
exit 1
