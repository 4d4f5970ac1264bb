#!/bin/sh
# Runs each libFuzzer target for FUZZ_SECONDS and prints one TAP line per
# target with the number of runs libFuzzer reports.
#
#   sh tests/fuzz.sh BIN...           FUZZ_SECONDS (default 60) per target, on a
#                                     temporary copy of the seed corpus
#                                     (tests/fuzz/corpus/<target>/), removed after
#   FUZZ_CORPUS=DIR sh tests/fuzz.sh BIN...
#                                     the corpus is DIR/<target>/, seeded from the
#                                     committed seeds when new and KEPT between
#                                     runs, so long runs build on each other
#                                     (make fuzz-long FUZZ_CORPUS=DIR)
#   sh tests/fuzz.sh --runs LOG       prints the run count of one libFuzzer log
#
# The count is N of libFuzzer's final "Done N runs in S second(s)" line, not
# the last "#N" of the log: the "recommended dictionary" printed at the end
# has "#N" of its own.
set -u

# runs LOG: N of "Done N runs in S second(s)", or "?" when there is none.
runs() {
	n=$(sed -n 's/^Done \([0-9][0-9]*\) runs in [0-9][0-9]* second.*/\1/p' "$1" | tail -n 1)
	echo "${n:-?}"
}

if [ "${1:-}" = --runs ]; then
	runs "$2"
	exit 0
fi

secs=${FUZZ_SECONDS:-60}
keep=${FUZZ_CORPUS:-}
n=0
for bin in "$@"; do
	n=$((n + 1))
	name=$(basename "$bin")
	work=$(mktemp -d /tmp/certkit-fuzz.XXXXXX)
	seeds="tests/fuzz/corpus/$name"
	if [ -n "$keep" ]; then
		corpus="$keep/$name"
		if [ ! -d "$corpus" ]; then
			mkdir -p "$corpus"
			[ -d "$seeds" ] && cp -r "$seeds/." "$corpus/" 2>/dev/null
		fi
	else
		corpus="$work/corpus"
		mkdir -p "$corpus"
		[ -d "$seeds" ] && cp -r "$seeds/." "$corpus/" 2>/dev/null
	fi
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 $dict \
		-max_len=65536 -artifact_prefix="$work/" "$corpus" >"$work/log" 2>&1; then
		echo "ok $n - fuzz $name ${secs}s: $(runs "$work/log") runs$([ -n "$keep" ] && echo ", corpus $corpus: $(ls "$corpus" | wc -l) inputs")"
		rm -rf "$work"
	else
		echo "not ok $n - fuzz $name: crash, see $work"
		grep -E 'ERROR|SUMMARY' "$work/log" | head -n 5
	fi
done
