#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the identity store's PG test suite.
#
#   eval "$(scripts/pg_test_cluster.sh start)"   # prints the exports below
#   node scripts/run_tests.mjs test/identity/store
#   scripts/pg_test_cluster.sh stop             # uses $BATON_PG_CLUSTER_DIR, else the last start
#
# start: initdb as the postgres user into a fresh temp dir (owned by postgres), listen on 127.0.0.1
#        only (first free port from $BATON_PG_PORT, default 55432), trust auth (loopback and a
#        private socket dir only), create database baton_test, print
#          export BATON_TEST_PG_URL=postgresql://postgres@127.0.0.1:<port>/baton_test
#          export BATON_PG_CLUSTER_DIR=<dir>
# stop [DIR]: pg_ctl stop -m fast, then remove the dir.
#
# Several developers share the machine, so nothing here uses a fixed path or kills by name: each
# cluster lives in its own mktemp dir and is stopped through its own data directory.
set -euo pipefail
# shellcheck source=test_server_lib.sh
. "$(dirname "$0")/test_server_lib.sh"

PG_USER=postgres
LAST_FILE="${TMPDIR:-/tmp}/baton-pg-test-cluster.last"



start() {
  local port
  port="$(free_port "${BATON_PG_PORT:-55432}")"

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/baton-pg.XXXXXX")"
  chown "$PG_USER" "$dir"
  chmod 700 "$dir"

  run_as "$PG_USER" initdb -D "$dir/data" -U "$PG_USER" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || run_as "$PG_USER" initdb -D "$dir/data" -U "$PG_USER" -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }

  if ! run_as "$PG_USER" pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1
  fi

  run_as "$PG_USER" psql -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c 'CREATE DATABASE baton_test' >/dev/null

  local url="postgresql://$PG_USER@127.0.0.1:$port/baton_test"
  printf 'BATON_TEST_PG_URL=%s\nBATON_PG_CLUSTER_DIR=%s\n' "$url" "$dir" >"$dir/cluster.env"
  echo "$dir" >"$LAST_FILE"
  echo "export BATON_TEST_PG_URL=$url"
  echo "export BATON_PG_CLUSTER_DIR=$dir"
}

stop() {
  local dir="${1:-${BATON_PG_CLUSTER_DIR:-}}"
  if [ -z "$dir" ] && [ -f "$LAST_FILE" ]; then dir="$(cat "$LAST_FILE")"; fi
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then echo "no cluster dir to stop (${dir:-unset})" >&2; exit 1; fi
  case "$dir" in
    "${TMPDIR:-/tmp}"/baton-pg.*) ;;
    *) echo "refusing to remove $dir: not a dir this script created" >&2; exit 1 ;;
  esac
  run_as "$PG_USER" pg_ctl -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  if [ -f "$LAST_FILE" ] && [ "$(cat "$LAST_FILE")" = "$dir" ]; then rm -f "$LAST_FILE"; fi
  echo "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
