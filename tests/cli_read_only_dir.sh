#!/bin/sh
# Read-only use (DESIGN §6.3) through the tool: a closed database in a
# directory the reader may not write to, read by another user (as root:
# `nobody`, whom permission bits do stop). Usage: CLI SRC WORK
set -eu
cli=$1 src=$2 work=$3
as=
if [ "$(id -u)" = 0 ]; then
	command -v runuser >/dev/null || { echo "runuser is missing"; exit 77; }
	as="runuser -u nobody --"
fi
[ -d "$work/ro" ] && chmod -R u+w "$work/ro"
rm -rf "$work"
mkdir -p "$work/ro"
db=$work/ro/h.db
printf 'k1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >"$work/k1.key"
"$cli" replay --db "sqlite:$db" --key-file "$work/k1.key" "$src/tests/scenarios/design-example.jsonl" >/dev/null
status=0
for side in -wal -shm; do
	[ ! -e "$db$side" ] || { echo "replay left $db$side: the test would prove nothing"; exit 1; }
done
chmod 444 "$db"
chmod 555 "$work/ro"
before=$(cksum <"$db")
got=
for sub in "show C1" "history C1" "verify-log" "assess --as-of 2026-11-30T00:00:00+08:00"; do
	# shellcheck disable=SC2086
	if ! out=$($as "$cli" $sub --db "sqlite:$db" 2>&1); then
		echo "hotline $sub as a reader without write access failed: $out"
		status=1
	fi
	[ "$sub" = "show C1" ] && got=$out
done
[ "$(cksum <"$db")" = "$before" ] || { echo "the reader changed $db"; status=1; }
for side in -wal -shm -journal; do
	[ ! -e "$db$side" ] || { echo "the reader left $db$side"; status=1; }
done
# the owner reads the same; its read-only open leaves an empty -wal and the -shm, which the reader then uses
chmod 755 "$work/ro"
want=$("$cli" show C1 --db "sqlite:$db")
if [ "$got" != "$want" ]; then
	printf 'show C1 read otherwise than the owner reads it:\n%s\n---\n%s\n' "$got" "$want"
	status=1
fi
chmod 555 "$work/ro"
if ! out=$($as "$cli" show C1 --db "sqlite:$db" 2>&1) || [ "$out" != "$want" ]; then
	printf 'show C1 beside the owner'"'"'s -wal and -shm:\n%s\n' "$out"
	status=1
fi
chmod 755 "$work/ro"
exit $status
