#!/bin/sh
# Self-test of tools/abi_check.sh (the abi_compatible test): a baseline made by
# tools/abi_baseline.sh from a small library over the public headers, then the
# same library rebuilt with hotline_db_options changed.
#   - unchanged: passes;
#   - a member appended at the end of the versioned struct: passes (the one
#     suppression of abi/libhotline.abignore, CONVENTIONS.md);
#   - a member inserted in the middle: must be refused, naming the struct.
#     check_refuses_change.sh SOURCE_DIR WORK_DIR [CC]
set -eu
src=$1
work=$2
cc=${3:-cc}
rm -rf "$work"
mkdir -p "$work"
for v in orig middle end; do
	cp -R "$src/include" "$work/$v"
done
# hotline_db_options: a member after `version` (middle) or before the closing brace (end)
awk '/^typedef struct hotline_db_options \{/ { s = 1 } { print } s && /unsigned int version;/ { print "\tconst char *inserted;"; s = 0 }' \
	"$src/include/hotline/db.h" > "$work/middle/hotline/db.h"
awk '/^typedef struct hotline_db_options \{/ { s = 1 } s && /^\} hotline_db_options;/ { print "\tconst char *appended;"; s = 0 } { print }' \
	"$src/include/hotline/db.h" > "$work/end/hotline/db.h"
for v in middle end; do
	if cmp -s "$src/include/hotline/db.h" "$work/$v/hotline/db.h"; then
		echo "could not change hotline_db_options in a copy of db.h ($v)" >&2
		exit 1
	fi
done
for v in orig middle end; do
	"$cc" -g -O0 -fPIC -shared -fvisibility=hidden -I"$work/$v" -o "$work/lib$v.so" "$src/tests/abi/probe.c"
done
"$src/tools/abi_baseline.sh" --headers "$work/orig" -o "$work/base.abi" "$work/liborig.so"

if ! "$src/tools/abi_check.sh" --headers "$work/orig" "$work/base.abi" "$work/liborig.so"; then
	echo "FAIL: the unchanged library was refused" >&2
	exit 1
fi
if ! "$src/tools/abi_check.sh" --headers "$work/end" "$work/base.abi" "$work/libend.so"; then
	echo "FAIL: a member appended at the end of a versioned struct was refused" >&2
	exit 1
fi
set +e
out=$("$src/tools/abi_check.sh" --headers "$work/middle" "$work/base.abi" "$work/libmiddle.so" 2>&1)
rc=$?
set -e
echo "$out"
if [ $rc -ne 1 ]; then
	echo "FAIL: a member inserted in the middle of hotline_db_options passed the check (status $rc)" >&2
	exit 1
fi
case $out in
*hotline_db_options*) ;;
*) echo "FAIL: the report does not name hotline_db_options" >&2; exit 1 ;;
esac
echo "OK: the check refuses a member inserted in the middle of hotline_db_options"
