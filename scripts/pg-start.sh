#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the tests and benchmarks of
# @minyi/store-postgres, and prints the line to export its address:
#
#   eval "$(scripts/pg-start.sh)"     # sets MINYI_PG_URL=postgres://postgres@127.0.0.1:54329/minyi_test
#
# Idempotent: a server this script already started is reused. A stale pid file (a crashed
# server) is cleared; a port held by something else moves the server to the next free port.
# Diagnostics go to stderr; stdout carries only the export line.
#
# Settings (environment): MINYI_PG_PORT (54329), MINYI_PG_DIR (${TMPDIR:-/tmp}/minyi-pg),
# MINYI_PG_DB (minyi_test), MINYI_PG_BIN (the directory holding initdb, pg_ctl, postgres).
set -euo pipefail

port="${MINYI_PG_PORT:-54329}"
base="${MINYI_PG_DIR:-${TMPDIR:-/tmp}/minyi-pg}"
db="${MINYI_PG_DB:-minyi_test}"
data="$base/data"
sock="$base/sock"
log="$base/server.log"
state="$base/port"

log() { echo "pg-start: $*" >&2; }
die() { log "$*"; exit 1; }

find_bin() {
  if [ -n "${MINYI_PG_BIN:-}" ]; then echo "$MINYI_PG_BIN"; return; fi
  local found=""
  for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    if [ -x "$d/initdb" ]; then found="$d"; fi
  done
  if [ -z "$found" ] && command -v initdb >/dev/null 2>&1; then found="$(dirname "$(command -v initdb)")"; fi
  echo "$found"
}
bin="$(find_bin)"
[ -n "$bin" ] && [ -x "$bin/initdb" ] || die "no PostgreSQL server binaries found (set MINYI_PG_BIN)"

# PostgreSQL refuses to run as root: as root, the server runs as the OS user `postgres`.
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    log "creating the OS user postgres"
    if getent group postgres >/dev/null 2>&1; then group=(-g postgres); else group=(--user-group); fi
    useradd --system "${group[@]}" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner="$(id -un)"
  as_owner() { "$@"; }
fi

mkdir -p "$base"
chmod 0755 "$base"
[ "$(id -u)" = 0 ] && chown "$owner" "$base"

is_ready() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2 >/dev/null 2>&1; }

# A server of ours is "running" when pg_ctl sees it; its port is in the state file.
ours_running() { as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

print_url() {
  local p="$1"
  echo "export MINYI_PG_URL='postgres://postgres@127.0.0.1:$p/$db'"
}

ensure_db() {
  local p="$1"
  local exists
  exists="$(as_owner "$bin/psql" -h 127.0.0.1 -p "$p" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'")"
  if [ "$exists" != 1 ]; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$p" -U postgres "$db"
    log "created database $db"
  fi
}

if [ -f "$data/PG_VERSION" ] && ours_running; then
  p="$(cat "$state" 2>/dev/null || echo "$port")"
  if is_ready "$p"; then
    log "already running on 127.0.0.1:$p (data in $data)"
    ensure_db "$p"
    print_url "$p"
    exit 0
  fi
  log "a server runs on $data but does not answer on port $p; restarting it"
  as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 30 >&2 || true
fi

if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown "$owner" "$data"
  chmod 0700 "$data"
  log "initdb into $data"
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
    || as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$base/initdb.log" 2>&1 \
    || { cat "$base/initdb.log" >&2; die "initdb failed"; }
fi

# A pid file left by a server that died (kill -9, reboot) would block the start if its pid
# has been reused by another process.
if [ -f "$data/postmaster.pid" ]; then
  pid="$(head -n 1 "$data/postmaster.pid")"
  if ! kill -0 "$pid" 2>/dev/null || ! grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
    log "removing stale pid file (pid $pid is not a running postgres)"
    rm -f "$data/postmaster.pid"
  fi
fi

port_busy() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

p="$port"
for _ in $(seq 1 50); do
  port_busy "$p" || break
  log "port $p is in use; trying $((p + 1))"
  p=$((p + 1))
done
port_busy "$p" && die "no free port in $port..$p"

mkdir -p "$sock"
[ "$(id -u)" = 0 ] && chown "$owner" "$sock"

# fsync stays on: the crash tests must see what a real deployment would. Connections: 4 test
# workers x (pools of 10-20 + child processes of the concurrency and crash tests).
as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "\
 -c listen_addresses=127.0.0.1 -p $p -k $sock \
 -c max_connections=300 -c shared_buffers=256MB -c work_mem=16MB \
 -c max_wal_size=2GB -c checkpoint_timeout=15min \
 -c log_min_messages=warning -c log_min_error_statement=panic" >&2 \
  || { tail -n 30 "$log" >&2 || true; die "the server did not start (log: $log)"; }

for _ in $(seq 1 60); do
  is_ready "$p" && break
  sleep 0.5
done
is_ready "$p" || { tail -n 30 "$log" >&2 || true; die "the server does not answer on 127.0.0.1:$p"; }

echo "$p" >"$state"
ensure_db "$p"
log "ready on 127.0.0.1:$p (data in $data, log in $log)"
print_url "$p"
