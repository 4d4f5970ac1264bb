#!/bin/sh
# make bench: each tests/bench/*.sh times one certkit tool against the tool an
# admin would otherwise use, on the same input, and prints the ratio.
# Benchmarks are not tests: they never fail on speed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
CK_BIN="$top/${CK_BUILD:-build}/bin"
PATH="$CK_BIN:$PATH"
BENCH=$(mktemp -d /tmp/certkit-bench.XXXXXX)
export CK_BIN PATH BENCH
for b in "$top"/tests/bench/*.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	sh "$b" || echo "bench $(basename "$b"): failed to run"
done
rm -rf "$BENCH"
