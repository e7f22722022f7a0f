#!/bin/sh
# Compare a built libhotline with the committed ABI baseline (libabigail's
# abidiff) and fail on any change an application built against the baseline
# could notice: a function or variable removed, a changed signature, a public
# struct changed (a member inserted, removed, retyped, a size that moves the
# ones after it). Functions added to the library pass (a 1.x may add). The
# suppressions in abi/libhotline.abignore (and only they: no default
# suppression files) say what else passes and why.
#
#     tools/abi_check.sh [--headers DIR] [--suppressions FILE] BASELINE LIBRARY
#
# Exit 0: compatible; 1: incompatible (abidiff's report on stdout); 2: could not check.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
headers=$root/include
supp=$root/abi/libhotline.abignore
while [ $# -gt 0 ]; do
	case $1 in
	--headers) headers=$2; shift 2 ;;
	--suppressions) supp=$2; shift 2 ;;
	-*) echo "usage: $0 [--headers DIR] [--suppressions FILE] BASELINE LIBRARY" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 2 ]; then
	echo "usage: $0 [--headers DIR] [--suppressions FILE] BASELINE LIBRARY" >&2
	exit 2
fi
command -v abidiff >/dev/null || { echo "$0: abidiff not found (Debian: apt-get install abigail-tools)" >&2; exit 2; }
baseline=$1
set -- --headers-dir2 "$headers" --drop-private-types --no-default-suppression --no-added-syms --suppressions "$supp" "$1" "$2"
abidiff "$@"
rc=$?
# abidiff's status is a bit mask: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
if [ $((rc & 3)) -ne 0 ]; then
	echo "$0: abidiff could not compare (status $rc)" >&2
	exit 2
fi
if [ $rc -ne 0 ]; then
	echo "ABI INCOMPATIBLE with the baseline $baseline (abidiff status $rc); if the change is meant, it needs a new major version" >&2
	exit 1
fi
echo "ABI compatible with the baseline"
