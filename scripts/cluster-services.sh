#!/usr/bin/env bash
# Starts PostgreSQL, Redis (and checks nginx is installed) from Debian's packages for the cluster
# tests, on loopback, each with its own data folder under $CLUSTER_SERVICES_DIR, on ports that do
# not clash with a system install (PG_PORT 55432, REDIS_PORT 56379 by default). Prints the
# variables to export. Stop them with `scripts/cluster-services.sh stop`.
#
#   eval "$(scripts/cluster-services.sh start)"   # TEST_DATABASE_URL, TEST_REDIS_URL, NGINX_BIN
#   scripts/cluster-services.sh stop
set -euo pipefail

DIR="${CLUSTER_SERVICES_DIR:-/tmp/chat-cluster-services}"
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"

pg_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -n "$found" ]; then echo "$found"; else dirname "$(command -v pg_ctl)"; fi
}

# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$DIR"
  local bin
  bin="$(pg_bin)"
  if [ "$(id -u)" = "0" ]; then chown postgres "$DIR"; fi
  if [ ! -f "$DIR/pg/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$DIR/pg" -A trust -U postgres >"$DIR/initdb.log" 2>&1
  fi
  # fsync off: a test database that may lose its last writes if the machine (not a process) dies.
  as_pg "$bin/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w \
    -o "-p $PG_PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >&2
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  echo "export TEST_REDIS_PORT=$REDIS_PORT"
  echo "export NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [ -f "$DIR/pg/postmaster.pid" ]; then as_pg "$bin/pg_ctl" -D "$DIR/pg" -m fast -w stop >&2 || true; fi
  if [ -f "$DIR/redis.pid" ]; then kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
