#!/bin/sh
# Write the ABI baseline of libhotline (libabigail's abidw, Debian abigail-tools):
# the exported functions and variables with their versions, and every type of
# the public headers they reach. Run it from the source tree after a build with
# debug information (the dev preset), and commit the result:
#
#     tools/abi_baseline.sh                     # build/libhotline.so -> abi/libhotline.abi
#     tools/abi_baseline.sh [--headers DIR] [-o OUT] [LIBRARY]
#
# Regenerate it only when an ABI change is meant (a new function, a struct
# grown at its end); tests/abi (the abi_compatible test) compares every build
# with it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
headers=$root/include
out=$root/abi/libhotline.abi
while [ $# -gt 0 ]; do
	case $1 in
	--headers) headers=$2; shift 2 ;;
	-o) out=$2; shift 2 ;;
	-*) echo "usage: $0 [--headers DIR] [-o OUT] [LIBRARY]" >&2; exit 2 ;;
	*) break ;;
	esac
done
lib=${1:-$root/build/libhotline.so}
if [ ! -f "$lib" ]; then
	echo "$0: no library at $lib (build first: cmake --preset dev && cmake --build --preset dev)" >&2
	exit 1
fi
command -v abidw >/dev/null || { echo "$0: abidw not found (Debian: apt-get install abigail-tools)" >&2; exit 1; }
# Only types of the public headers; file names without directories, so the
# file does not depend on where the tree is (abidiff needs the locations to
# tell public types from private ones).
abidw --headers-dir "$headers" --drop-private-types --short-locs --no-corpus-path --no-comp-dir-path \
	--out-file "$out.tmp" "$lib"
mv "$out.tmp" "$out"
echo "$out: $(grep -c '<elf-symbol ' "$out") symbols"
