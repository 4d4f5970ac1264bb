#!/bin/sh
# Runs each libFuzzer target for FUZZ_SECONDS on its seed corpus
# (tests/fuzz/corpus/<target>/, copied so the committed seeds stay as they are)
# and prints one TAP line per target.
set -u
secs=${FUZZ_SECONDS:-60}
n=0
for bin in "$@"; do
	n=$((n + 1))
	name=$(basename "$bin")
	work=$(mktemp -d /tmp/certkit-fuzz.XXXXXX)
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] && cp -r "$seeds/." "$work/" 2>/dev/null
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 $dict \
		-max_len=65536 -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
		echo "ok $n - fuzz $name ${secs}s: $(grep -oE '#[0-9]+' "$work/log" | tail -n 1 | tr -d '#') runs"
		rm -rf "$work"
	else
		echo "not ok $n - fuzz $name: crash, see $work"
		grep -E 'ERROR|SUMMARY' "$work/log" | head -n 5
	fi
done
