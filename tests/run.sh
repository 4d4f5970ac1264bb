#!/bin/sh
# Runs certkit's tests and prints one closing line "N passed, N failed".
#
#   tests/run.sh            unit (cmocka) + end-to-end (bats) on $CK_BUILD (default build)
#   tests/run.sh --full     make lint, the above, then the same under ASan/UBSan
#                           ($CK_BUILD-san), then a short run of every fuzz target
#                           (built in $CK_BUILD-fuzz)
#
# Every build directory derives from CK_BUILD, so engineers sharing a tree
# (make BUILD=build-NAME check) never build into each other's directories.
#
# Environment: CK_BUILD, FUZZ_SECONDS (default 20), BATS_FILTER (a regex of
# bats test names), CK_E2E (space-separated list of .bats files to run).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
full=0
[ "${1:-}" = "--full" ] && full=1
# For sanitizer builds (harmless otherwise).  Leak checking is off:
# libldap and OpenSSL keep process-lifetime allocations that LSan reports;
# memory errors and undefined behaviour still abort.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

passed=0
failed=0
skipped=0
failures=""
logdir=$(mktemp -d /tmp/certkit-tests.XXXXXX)
t_start=$(date +%s)
# stamp LABEL: prints how long the run has taken so far.
stamp() {
	echo "== $1 ($(($(date +%s) - t_start)) s since start)"
}

# count FILE LABEL: adds the TAP results in FILE to the totals.
count() {
	p=$(grep -E '^ok ' "$1" | grep -cvE '# (skip|SKIP)')
	s=$(grep -E '^ok ' "$1" | grep -cE '# (skip|SKIP)')
	f=$(grep -cE '^not ok ' "$1")
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures="$failures
$2:
$(grep -E '^not ok ' "$1" | sed 's/^/  /')"
	fi
}

# suite BUILD LABEL: unit and end-to-end tests against one build directory.
suite() {
	b=$1
	label=$2
	stamp "$label: unit tests ($b)"
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		log="$logdir/$label-$(basename "$t").tap"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		# A crash before any TAP line still counts as a failure.
		if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
			echo "not ok - $(basename "$t") exited $rc" >>"$log"
			echo "not ok - $(basename "$t") exited $rc"
		fi
		count "$log" "$label $(basename "$t")"
	done
	stamp "$label: end-to-end tests ($b)"
	files=${CK_E2E:-$(ls tests/e2e/*.bats 2>/dev/null)}
	[ -n "$files" ] || return 0
	log="$logdir/$label-e2e.tap"
	# shellcheck disable=SC2086
	if [ -n "${BATS_FILTER:-}" ]; then
		CK_BUILD=$b bats --tap --filter "$BATS_FILTER" $files >"$log" 2>&1
	else
		CK_BUILD=$b bats --tap $files >"$log" 2>&1
	fi
	rc=$?
	cat "$log"
	if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
		echo "not ok - bats exited $rc" >>"$log"
	fi
	count "$log" "$label e2e"
}

build=${CK_BUILD:-build}
if [ $full -eq 1 ]; then
	stamp "make lint"
	log="$logdir/lint.tap"
	if sh tests/lint.sh >"$logdir/lint.log" 2>&1; then
		echo "ok - make lint" >"$log"
	else
		cat "$logdir/lint.log"
		echo "not ok - make lint (banned calls, include rule, citations, mandoc, shellcheck)" >"$log"
	fi
	cat "$log"
	count "$log" lint
fi

suite "$build" plain

san=$build-san
case $build in *-san) san= ;; esac
if [ $full -eq 1 ] && [ -n "$san" ]; then
	stamp "building with ASan/UBSan ($san)"
	if make --no-print-directory SANITIZE=address,undefined BUILD="$san" tests >"$logdir/san-build.log" 2>&1; then
		suite "$san" sanitize
	else
		tail -n 30 "$logdir/san-build.log"
		failed=$((failed + 1))
		failures="$failures
sanitizer build failed"
	fi
fi
if [ $full -eq 1 ]; then
	stamp "fuzzing (${FUZZ_SECONDS:-20}s per target)"
	log="$logdir/fuzz.tap"
	make --no-print-directory BUILD="$build" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >"$log" 2>&1
	rc=$?
	grep -E '^(ok|not ok) ' "$log"
	if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
		tail -n 30 "$log"
		echo "not ok - fuzz build or run failed (exit $rc)" >>"$log"
	fi
	count "$log" fuzz
fi

if [ -n "$failures" ]; then
	echo "== failures:$failures"
fi
stamp "done"
echo "logs: $logdir"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
