#!/bin/sh
# Stops the cluster start.sh started and deletes it.
#   stop.sh OUT
set -eu
out=$1
[ -f "$out/cluster" ] || exit 0
read -r bin dir user <"$out/cluster"
as=""
[ "$(id -u)" = 0 ] && as="runuser -u $user --"
$as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
rm -rf "$dir"
rm -f "$out/cluster" "$out/conninfo"
