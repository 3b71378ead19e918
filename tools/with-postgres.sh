#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server of a build in a
# prefix of its own (tools/setup-postgres.sh): initdb as postgres in a temp
# directory, a server on a unix socket only (never as root, never on the
# network), the command with PG* and PATH pointing at it, then the server
# stopped and the directory removed.  pg_virtualenv does this for Debian's
# own packages; a build in /opt is not one of them.
#
#   tools/with-postgres.sh /opt/codeset-pg/18 [-o name=value]... -- command...
set -euo pipefail
prefix=$1; shift
settings=()
while [ "${1:-}" = -o ]; do settings+=(-c "$2"); shift 2; done
[ "${1:-}" = -- ] && shift
bindir=$prefix/bin
[ -x "$bindir/initdb" ] || { echo "with-postgres: no PostgreSQL build in $prefix" >&2; exit 1; }

dir=$(mktemp -d /tmp/codeset-pg.XXXXXX)
chown postgres: "$dir"
port=$((54000 + $(basename "$prefix" | tr -cd 0-9 | cut -c1-3) % 1000))
stop() {
    su postgres -s /bin/sh -c "$bindir/pg_ctl -D $dir/data -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
su postgres -s /bin/sh -c "$bindir/initdb -D $dir/data -A trust -U postgres --no-sync" >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
opts="-p $port -k $dir -c listen_addresses= -c fsync=off ${settings[*]}"
su postgres -s /bin/sh -c "$bindir/pg_ctl -D $dir/data -l $dir/server.log -w -o '$opts' start" >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }

export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
export PATH=$bindir:$PATH PG_CONFIG=$bindir/pg_config
"$@"
