#!/bin/sh
# PgBouncer in transaction pooling mode in front of the cluster start.sh
# started, on a Unix socket in a new temporary directory, run as the
# cluster's unprivileged user. A database entry per schema the pooled tests
# use (conf_1..conf_40, concurrency, twins) connects to the cluster's
# database with that schema first in the search path (connect_query): the
# way a pooler serves a group per schema, as PgBouncer 1.18 passes on no
# `options`. Writes the connection string, without dbname, to OUT/conninfo;
# without pgbouncer or a cluster it writes nothing and the pooled tests skip.
#   pgbouncer.sh start OUT CLUSTER_OUT | pgbouncer.sh stop OUT
set -eu
cmd=$1 out=$2
if [ "$cmd" = stop ]; then
	[ -f "$out/bouncer" ] || exit 0
	read -r dir user <"$out/bouncer"
	[ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
	rm -rf "$dir"
	rm -f "$out/bouncer" "$out/conninfo"
	exit 0
fi
cluster=$3
mkdir -p "$out"
rm -f "$out/conninfo" "$out/bouncer"
bouncer=$(command -v pgbouncer || ls /usr/sbin/pgbouncer 2>/dev/null || true)
if [ -z "$bouncer" ] || [ ! -f "$cluster/cluster" ]; then
	echo "pgbouncer.sh: no pgbouncer or no cluster: the pooled tests will skip"
	exit 0
fi
read -r bin pgdir user <"$cluster/cluster"
dir=$(mktemp -d "${TMPDIR:-/tmp}/hotline-pgb-XXXXXX")
as=""
if [ "$(id -u)" = 0 ]; then
	chown "$user" "$dir"
	as="runuser -u $user --"
fi
chmod 700 "$dir"
server="host=$pgdir port=5432 dbname=postgres user=$user"
{
	echo "[databases]"
	echo "postgres = $server"
	for s in $(seq 1 40 | sed 's/^/conf_/') concurrency twins; do
		echo "$s = $server connect_query='SET search_path=$s'"
	done
	echo "[pgbouncer]"
	echo "unix_socket_dir = $dir"
	echo "listen_port = 6432"
	echo "auth_type = trust"
	echo "auth_file = $dir/userlist.txt"
	echo "pool_mode = transaction"
	echo "max_client_conn = 200"
	echo "default_pool_size = 8"
	echo "max_db_connections = 8"
	echo "server_idle_timeout = 1"
	echo "logfile = $dir/pgbouncer.log"
	echo "pidfile = $dir/pgbouncer.pid"
} >"$dir/pgbouncer.ini"
echo "\"$user\" \"\"" >"$dir/userlist.txt"
chown -R "$user" "$dir" 2>/dev/null || true
$as "$bouncer" -d "$dir/pgbouncer.ini" || { cat "$dir/pgbouncer.log" 2>/dev/null; exit 1; }
i=0
while [ ! -S "$dir/.s.PGSQL.6432" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$dir/.s.PGSQL.6432" ] || { cat "$dir/pgbouncer.log"; exit 1; }
echo "$dir $user" >"$out/bouncer"
# unnamed statements (PgBouncer 1.18 keeps no prepared ones), no NOTIFY (LISTEN needs a session of its own)
echo "host=$dir port=6432 user=$user hotline_statements=unnamed hotline_notify=off" >"$out/conninfo"
echo "pgbouncer.sh: $($bouncer --version | head -n 1) at $dir (transaction pooling)"
