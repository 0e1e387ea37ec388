# Shared by the throw-away database scripts (pg_test_cluster.sh, mariadb_test_server.sh): sourced,
# not run.

# run_as USER CMD...: the database refuses to run as root, so root runs it as its own user; anyone
# else runs it as themselves.
run_as() {
  local user=$1; shift
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  if command -v runuser >/dev/null 2>&1; then
    runuser -u "$user" -- "$@"
  else
    # su needs one command string; every argument here is quoted by printf %q.
    su "$user" -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

# free_port FIRST: the first of 50 loopback ports from FIRST nothing listens on (a successful
# connect means something does), else a message and exit 1.
free_port() {
  local port=$1 tries=0
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1)); tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then echo "no free port from $1" >&2; exit 1; fi
  done
  echo "$port"
}
