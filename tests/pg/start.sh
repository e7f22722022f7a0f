#!/bin/sh
# Starts a throw-away PostgreSQL cluster for the tests: data and Unix socket
# in a new temporary directory, no TCP, run as an unprivileged user (when
# started as root, as CI does: `nobody`), fsync off (nothing here must
# survive a crash; HOTLINE_PG_DURABLE=1 keeps it on, for benchmarks). Writes the libpq connection string to OUT/conninfo;
# without PostgreSQL's server binaries it writes nothing and the tests that
# need the server skip.
#   start.sh OUT
set -eu
out=$1
mkdir -p "$out"
rm -f "$out/conninfo" "$out/cluster"
bin=
for d in "${HOTLINE_PG_BIN:-}" /usr/lib/postgresql/*/bin; do
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bin=$d; fi
done
if [ -z "$bin" ]; then
	echo "start.sh: no PostgreSQL server binaries (initdb, pg_ctl): the PostgreSQL tests will skip"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/hotline-pg-XXXXXX")
as=""
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
	user=nobody
	chown "$user" "$dir"
	as="runuser -u $user --"
fi
chmod 700 "$dir"
$as "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log"; exit 1; }
# HOTLINE_PG_DURABLE=1 (benchmarks): the server's defaults, fsync on
durability="-c fsync=off -c full_page_writes=off"
[ -n "${HOTLINE_PG_DURABLE:-}" ] && durability=""
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses='' -c unix_socket_directories='$dir' $durability -c max_connections=100" \
	start >/dev/null || { cat "$dir/server.log"; exit 1; }
# the cluster's directory, for stop.sh
echo "$bin $dir $user" >"$out/cluster"
echo "host=$dir port=5432 dbname=postgres user=$user" >"$out/conninfo"
echo "start.sh: PostgreSQL ($bin) at $dir"
