#!/bin/sh
# pg_cluster.sh start|stop DIR — a throwaway PostgreSQL cluster for the tests and the
# benchmark: initdb into DIR (as the `postgres` OS user when run as root, since initdb
# refuses root), no TCP (listen_addresses=''), its Unix socket in DIR itself, one database
# `jiceng_test`. `start` writes the libpq URI to DIR/uri; `stop` stops it and removes DIR.
set -eu
cmd=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}
bindir=
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir=$d; done
if [ -z "$bindir" ]; then
  echo "pg_cluster: no PostgreSQL server found (/usr/lib/postgresql/*/bin/initdb); 'scripts/dev deps' installs postgresql-15" >&2
  exit 1
fi
as=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "pg_cluster: running as root needs the 'postgres' OS user (package postgresql-15)" >&2; exit 1; }
  as="runuser -u postgres --"
fi

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    $as "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start)
    stop  # a cluster left behind by an interrupted run
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ -n "$as" ] && chown postgres "$dir"
    $as "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    $as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=60" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    $as "$bindir/createdb" -h "$dir" -U postgres jiceng_test
    echo "postgresql:///jiceng_test?host=$dir&user=postgres" >"$dir/uri"
    chmod 755 "$dir"  # the tests (another user when this ran as root) read uri and reach the socket
    cat "$dir/uri"
    ;;
  stop) stop ;;
  *) echo "pg_cluster: unknown command $cmd" >&2; exit 2 ;;
esac
