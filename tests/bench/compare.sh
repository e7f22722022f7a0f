#!/bin/sh
# The speed figures of two builds side by side, in one run on one machine.
# Each workload runs on BEFORE, then AFTER, and again in that order, so that a
# change of the machine's load shows as a difference between the two rounds
# instead of hiding in one side. The load average is printed before each step.
#
#   compare.sh BEFORE_BUILD AFTER_BUILD OUT_DIR
#
# BEFORE_BUILD and AFTER_BUILD are build directories (Release is what the
# figures mean) holding tests/bench/hotline-bench and, for the Python rows,
# bindings/python. The script itself and python_lifecycle.py come from this
# checkout. Environment:
#   CASES  the assessment's cases in the full run (default 200000)
#   LINES  the replay's lines in the full run (default 1000000)
#   PG=1   also PostgreSQL with fsync on (tests/pg/start.sh, HOTLINE_PG_DURABLE=1)
#   PYTHON the interpreter the bindings were built for (default /usr/bin/python3)
set -eu
before=$1
after=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=${CASES:-200000}
lines=${LINES:-1000000}
python=${PYTHON:-/usr/bin/python3}
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT

load() { echo "== $1 · $(uptime | sed 's/.*load average/load average/')"; }

for round in 1 2; do
	for side in before after; do
		eval build=\$$side
		load "quick $side round $round"
		"$build/tests/bench/hotline-bench" --quick --dir "$work" >"$out/quick-$side-$round.txt"
		grep -E '^(1|1e)\. ' "$out/quick-$side-$round.txt"
	done
done

for round in 1 2; do
	for side in before after; do
		eval build=\$$side
		load "python $side round $round"
		PYTHONPATH="$build/bindings/python" "$python" "$here/python_lifecycle.py" --dir "$work" \
			>"$out/python-$side-$round.txt"
		grep -E '_per_second' "$out/python-$side-$round.txt"
	done
done

for side in before after; do
	eval build=\$$side
	load "full $side (--cases $cases --lines $lines)"
	"$build/tests/bench/hotline-bench" --cases "$cases" --lines "$lines" --sweep-max 100000 \
		--dir "$work" >"$out/full-$side.txt"
	grep -E '^(3|4)\. |^   as CSV' "$out/full-$side.txt"
done

if [ "${PG:-}" = 1 ]; then
	HOTLINE_PG_DURABLE=1 sh "$here/../pg/start.sh" "$work/pg" >/dev/null
	if [ -s "$work/pg/conninfo" ]; then
		for round in 1 2; do
			for side in before after; do
				eval build=\$$side
				load "postgres $side round $round"
				"$build/tests/bench/hotline-bench" --postgres "$(cat "$work/pg/conninfo")" \
					--postgres-cases 400 --postgres-only --dir "$work" >"$out/pg-$side-$round.txt"
				grep -E 'writer' "$out/pg-$side-$round.txt" || true
			done
		done
		sh "$here/../pg/stop.sh" "$work/pg" >/dev/null
	fi
fi
load "end"
