#!/bin/sh
# The demo month replayed by the command-line tool into PostgreSQL and into
# SQLite: the same summary, the same assessment (penalties); the log
# verifies; a second replay repeats every line and charges nothing twice.
#   replay.sh CLI SRC WORK CONNINFO_FILE     (exit 77: no cluster, skipped)
set -eu
cli=$1 src=$2 work=$3 conninfo_file=$4
if [ ! -s "$conninfo_file" ]; then
	echo "no PostgreSQL cluster: skipped"
	exit 77
fi
base=$(cat "$conninfo_file")
psql "$base" -qX -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS replay CASCADE; CREATE SCHEMA replay" >/dev/null
pg="postgres:$base options='-csearch_path=replay'"
demo=$src/examples/demo-month.jsonl
asof=2026-11-27T00:00:00+08:00
rm -rf "$work"
mkdir -p "$work"
"$cli" replay --db "sqlite:$work/demo.db" "$demo" >"$work/sqlite.json"
"$cli" replay --db "$pg" "$demo" >"$work/pg.json"
cmp "$work/sqlite.json" "$work/pg.json"
"$cli" assess --db "sqlite:$work/demo.db" --as-of "$asof" >"$work/sqlite-assess.json"
"$cli" assess --db "$pg" --as-of "$asof" >"$work/pg-assess.json"
cmp "$work/sqlite-assess.json" "$work/pg-assess.json"
grep -q '"penalties"' "$work/pg-assess.json"
"$cli" verify-log --db "$pg" >"$work/verify.txt"
"$cli" replay --db "$pg" "$demo" >"$work/pg-again.json"
"$cli" assess --db "$pg" --as-of "$asof" >"$work/pg-assess-again.json"
cmp "$work/pg-assess.json" "$work/pg-assess-again.json"
echo "demo month: PostgreSQL and SQLite agree ($(wc -c <"$work/pg-assess.json") bytes of assessment)"
