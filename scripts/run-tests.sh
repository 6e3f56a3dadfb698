#!/usr/bin/env bash
# Runs the whole test suite. Starts a throw-away PostgreSQL cluster on a free
# loopback port in a temporary folder (as the postgres user when run as root),
# exports its URL as SURVEY_TEST_POSTGRES_URL and removes it afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PGDIR=""
cleanup() {
  if [ -n "$PGDIR" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
  fi
}
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
trap cleanup EXIT
if [ -n "$PGBIN" ] && [ -z "${SURVEY_TEST_POSTGRES_URL:-}" ]; then
  PGDIR=$(mktemp -d /tmp/survey-pg.XXXXXX)
  chmod 755 "$PGDIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR"
  PORT=$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres >"$PGDIR/initdb.log" 2>&1 \
     && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
          -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c max_connections=100 -c fsync=off" start >/dev/null; then
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres survey_test
    export SURVEY_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/survey_test"
    echo "PostgreSQL test cluster on 127.0.0.1:$PORT"
  else
    echo "Could not start PostgreSQL:"; cat "$PGDIR/initdb.log" "$PGDIR/server.log" 2>/dev/null
    exit 1
  fi
fi
"$BIN/python" -m pytest --durations=25 "$@"
rc=$?
# pytest's exit 5 means no tests ran: that is a failure here.
if [ $rc -eq 5 ]; then echo "No tests ran"; rc=1; fi
exit $rc
