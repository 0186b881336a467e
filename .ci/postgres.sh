#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the store tests; print its URL.
# Installs Debian's postgresql when no server binaries are present. Idempotent per data dir.
set -euo pipefail
PORT="${KHABAR_PG_PORT:-55432}"
ROOT="${KHABAR_PG_ROOT:-/tmp/khabar-ci-pg}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "installing postgresql (Debian)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
run() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$ROOT" postgres
  run() { runuser -u postgres -- "$@"; }
fi
mkdir -p "$ROOT"
[ "$(id -u)" = 0 ] && chown postgres "$ROOT"
if [ ! -f "$ROOT/data/PG_VERSION" ]; then
  run "$bindir/initdb" -D "$ROOT/data" -A trust -U postgres >"$ROOT/initdb.log" 2>&1
fi
if ! run "$bindir/pg_ctl" -D "$ROOT/data" status >/dev/null 2>&1; then
  run "$bindir/pg_ctl" -D "$ROOT/data" -w -l "$ROOT/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $ROOT -c fsync=off" start >&2
fi
run "$bindir/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='khabar_test'" \
  | grep -q 1 || run "$bindir/createdb" -h 127.0.0.1 -p "$PORT" -U postgres khabar_test
echo "postgresql://postgres@127.0.0.1:$PORT/khabar_test"
