#!/usr/bin/env bash
# A throw-away MariaDB server for the identity store's MySQL/MariaDB test suite (issue 16).
#
#   eval "$(scripts/mariadb_test_server.sh start)"   # prints the exports below
#   scripts/mariadb_test_server.sh stop             # uses $BATON_MARIADB_DIR, else the last start
#
# start: mariadb-install-db into a fresh temp dir (owned by mysql; under /dev/shm when it is a
#        writable tmpfs, else $TMPDIR: on disk a migration's ~250 DDL statements take 5-12 s,
#        on tmpfs half a second), mariadbd on 127.0.0.1 only
#        (first free port from $BATON_MARIADB_PORT, default 53306) and a private socket, grant
#        tables skipped (loopback only, a test server), no fsync and one shared tablespace (a
#        migration's ~100 DDL statements run in seconds, not tens), utf8mb4 by default, create database
#        baton_test, print
#          export BATON_TEST_MYSQL_URL=mysql://root@127.0.0.1:<port>/baton_test?charset=utf8mb4
#          export BATON_MARIADB_DIR=<dir>
# stop [DIR]: mariadb-admin shutdown through the server's own socket, then remove the dir.
#
# Several developers share the machine, so nothing here uses a fixed path or kills by name: each
# server lives in its own mktemp dir and is stopped through its own socket (or its own pid file).
set -euo pipefail
# shellcheck source=test_server_lib.sh
. "$(dirname "$0")/test_server_lib.sh"

DB_USER=mysql
LAST_FILE="${TMPDIR:-/tmp}/baton-mariadb-test-server.last"

base_dir() {
  if [ -n "${BATON_MARIADB_BASE:-}" ]; then echo "$BATON_MARIADB_BASE"; return; fi
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then echo /dev/shm; else echo "${TMPDIR:-/tmp}"; fi
}



start() {
  local port
  port="$(free_port "${BATON_MARIADB_PORT:-53306}")"

  local dir
  dir="$(mktemp -d "$(base_dir)/baton-mariadb.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then chown "$DB_USER" "$dir"; fi
  chmod 700 "$dir"

  run_as "$DB_USER" mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
    --datadir="$dir/data" --skip-test-db >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; rm -rf "$dir"; exit 1; }

  # setsid: the server outlives this script in its own session; its pid is in $dir/mariadbd.pid.
  run_as "$DB_USER" setsid mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" \
    --pid-file="$dir/mariadbd.pid" --port="$port" --bind-address=127.0.0.1 \
    --skip-grant-tables --skip-name-resolve --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_general_ci --innodb-flush-log-at-trx-commit=0 \
    --innodb-buffer-pool-size=64M --max-connections=200 --log-error="$dir/server.log" \
    --innodb-flush-method=nosync --innodb-doublewrite=0 --innodb-file-per-table=0 \
    --innodb-log-file-size=16M \
    </dev/null >/dev/null 2>&1 &

  local waited=0
  until mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -u root ping >/dev/null 2>&1; do
    sleep 0.2; waited=$((waited + 1))
    if [ "$waited" -ge 150 ]; then cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; fi
  done

  mariadb --no-defaults --socket="$dir/mysqld.sock" -u root \
    -e 'CREATE DATABASE baton_test CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci' >/dev/null

  local url="mysql://root@127.0.0.1:$port/baton_test?charset=utf8mb4"
  printf 'BATON_TEST_MYSQL_URL=%s\nBATON_MARIADB_DIR=%s\n' "$url" "$dir" >"$dir/server.env"
  echo "$dir" >"$LAST_FILE"
  echo "export BATON_TEST_MYSQL_URL='$url'"
  echo "export BATON_MARIADB_DIR=$dir"
}

stop() {
  local dir="${1:-${BATON_MARIADB_DIR:-}}"
  if [ -z "$dir" ] && [ -f "$LAST_FILE" ]; then dir="$(cat "$LAST_FILE")"; fi
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then echo "no server dir to stop (${dir:-unset})" >&2; exit 1; fi
  case "$dir" in
    "${TMPDIR:-/tmp}"/baton-mariadb.* | /dev/shm/baton-mariadb.* | "${BATON_MARIADB_BASE:-/nonexistent}"/baton-mariadb.*) ;;
    *) echo "refusing to remove $dir: not a dir this script created" >&2; exit 1 ;;
  esac
  if ! mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -u root shutdown >/dev/null 2>&1; then
    # the socket is gone or the server hangs: end this server alone, by its own pid file
    if [ -f "$dir/mariadbd.pid" ]; then kill "$(cat "$dir/mariadbd.pid")" 2>/dev/null || true; fi
  fi
  local waited=0
  while [ -f "$dir/mariadbd.pid" ] && kill -0 "$(cat "$dir/mariadbd.pid")" 2>/dev/null; do
    sleep 0.2; waited=$((waited + 1)); if [ "$waited" -ge 100 ]; then break; fi
  done
  rm -rf "$dir"
  if [ -f "$LAST_FILE" ] && [ "$(cat "$LAST_FILE")" = "$dir" ]; then rm -f "$LAST_FILE"; fi
  echo "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
