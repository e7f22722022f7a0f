#!/bin/sh
# Two throw-away PostgreSQL servers for the failover test: a primary and a
# streaming standby (pg_basebackup) with synchronous replication, each on a
# Unix socket in its own directory, no TCP, run as an unprivileged user
# (when started as root, as CI does: `nobody`); fsync off (the test stops
# servers, it does not crash the machine).
#   replica.sh init DIR            primary in DIR/a, standby in DIR/b; writes DIR/user (exit 77: no server binaries)
#   replica.sh failover DIR OLD NEW
#       stops OLD at once (pg_ctl stop -m immediate), promotes NEW, and
#       rebuilds OLD as NEW's synchronous standby
#   replica.sh stop DIR            stops both and deletes DIR
set -eu
cmd=$1 dir=$2
bin=
for d in "${HOTLINE_PG_BIN:-}" /usr/lib/postgresql/*/bin; do
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_basebackup" ]; then bin=$d; fi
done
[ -n "$bin" ] || { echo "replica.sh: no PostgreSQL server binaries"; exit 77; }
as=""
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
	user=nobody
	as="runuser -u $user --"
fi
start() { # NODE
	$as "$bin/pg_ctl" -D "$dir/$1/data" -l "$dir/$1/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir/$1'" start >/dev/null ||
		{ cat "$dir/$1/server.log"; exit 1; }
}
standby() { # NODE FROM: a fresh copy of FROM, streaming from it
	rm -rf "$dir/$1/data"
	$as "$bin/pg_basebackup" -h "$dir/$2" -U "$user" -D "$dir/$1/data" -R -X stream -c fast \
		>"$dir/$1/basebackup.log" 2>&1 || { cat "$dir/$1/basebackup.log"; exit 1; }
	# the name it reports, so that the primary's pg_stat_replication says whose it is
	echo "primary_conninfo = 'host=$dir/$2 user=$user application_name=$1'" >>"$dir/$1/data/postgresql.auto.conf"
	start "$1"
}
wait_sync() { # PRIMARY STANDBY: until the standby is the synchronous one
	i=0
	while [ "$($bin/psql -h "$dir/$1" -U "$user" -d postgres -XAtc \
		"SELECT count(*) FROM pg_stat_replication WHERE application_name = '$2' AND sync_state = 'sync'" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "replica.sh: $2 never became synchronous"; exit 1; }
		sleep 0.1
	done
}
case $cmd in
init)
	mkdir -p "$dir/a" "$dir/b"
	[ -n "$as" ] && chown -R "$user" "$dir"
	chmod 700 "$dir"
	$as "$bin/initdb" -D "$dir/a/data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/a/initdb.log" 2>&1 ||
		{ cat "$dir/a/initdb.log"; exit 1; }
	cat >>"$dir/a/data/postgresql.conf" <<CONF
wal_level = replica
max_wal_senders = 10
hot_standby = on
synchronous_standby_names = '*'
synchronous_commit = on
fsync = off
full_page_writes = on
wal_keep_size = '64MB'
max_connections = 60
CONF
	start a
	standby b a
	wait_sync a b
	echo "$user" >"$dir/user"
	;;
failover)
	old=$3 new=$4
	$as "$bin/pg_ctl" -D "$dir/$old/data" -m immediate -w stop >/dev/null
	$as "$bin/pg_ctl" -D "$dir/$new/data" -w -t 60 promote >/dev/null
	standby "$old" "$new"
	wait_sync "$new" "$old"
	;;
stop)
	for n in a b; do
		[ -d "$dir/$n/data" ] && $as "$bin/pg_ctl" -D "$dir/$n/data" -m immediate -w stop >/dev/null 2>&1 || true
	done
	rm -rf "$dir"
	;;
esac
