#!/usr/bin/env bash
# Stops the server started by scripts/pg-start.sh and deletes its directory.
# `--keep` keeps the data directory for a later start. Safe to run when nothing runs.
set -euo pipefail

base="${MINYI_PG_DIR:-${TMPDIR:-/tmp}/minyi-pg}"
data="$base/data"
keep=0
[ "${1:-}" = "--keep" ] && keep=1

log() { echo "pg-stop: $*" >&2; }

bin="${MINYI_PG_BIN:-}"
if [ -z "$bin" ]; then
  for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    [ -x "$d/pg_ctl" ] && bin="$d"
  done
fi
if [ -z "$bin" ] && command -v pg_ctl >/dev/null 2>&1; then bin="$(dirname "$(command -v pg_ctl)")"; fi

if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi

if [ -f "$data/PG_VERSION" ] && [ -n "$bin" ]; then
  if as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    # fast: roll back open transactions (the tests' leftovers) instead of waiting for them.
    as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60 >&2 \
      || as_owner "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 30 >&2 \
      || log "the server did not stop"
    log "stopped"
  else
    log "not running"
  fi
else
  log "no server directory at $base"
fi

if [ "$keep" = 0 ] && [ -d "$base" ]; then
  rm -rf "$base"
  log "removed $base"
fi
