# Shared setup for the end-to-end tests.  Load with:  load helper
#
# Gives: CK_TOP (repo), CK_BIN (built tools, first on PATH), FIX (committed
# fixtures), and CERTKIT_NOW fixed so no test depends on the wall clock.
CK_TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
CK_BUILD="${CK_BUILD:-build}"
CK_BIN="$CK_TOP/$CK_BUILD/bin"
FIX="$CK_TOP/tests/fixtures"
PATH="$CK_BIN:$PATH"
CERTKIT_NOW="2026-06-01T00:00:00Z"
export CK_TOP CK_BUILD CK_BIN FIX PATH CERTKIT_NOW

# require_cmd CMD...: skip the test with a reason when a prerequisite is
# missing.  In CI (CI=true) tests/deps.sh has installed every prerequisite,
# so a missing one fails the test instead of hiding it as a skip.
require_cmd() {
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			if [ "${CI:-}" = true ]; then
				echo "needs $c (not installed: see tests/deps.sh)" >&2
				return 1
			fi
			skip "needs $c"
		fi
	done
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [SECONDS]: waits until something accepts on 127.0.0.1:PORT.
wait_port() {
	_i=0
	while [ "$_i" -lt "$(( ${2:-10} * 10 ))" ]; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "port $1 never opened" >&2
	return 1
}

# jq_eq JSON FILTER EXPECTED: asserts that jq -r FILTER on JSON prints EXPECTED.
jq_eq() {
	_got=$(printf '%s\n' "$1" | jq -r "$2")
	if [ "$_got" != "$3" ]; then
		echo "jq '$2': expected '$3', got '$_got'" >&2
		return 1
	fi
}

# lines_of KIND: number of records of KIND in $output.
lines_of() {
	printf '%s\n' "$output" | jq -c "select(.kind == \"$1\")" 2>/dev/null | grep -c .
}

# samba_unavailable MSG: the Samba AD harness did not start.  In CI
# (CI=true) that fails the test, so `make check` cannot pass with the Active
# Directory tests silently skipped; elsewhere the test is skipped with MSG.
samba_unavailable() {
	if [ "${CI:-}" = true ]; then
		echo "$1" >&2
		return 1
	fi
	skip "$1"
}

# ad_start [LOADER...]: for setup_file: a Samba AD DC on loopback
# (tests/harness/samba.sh) with the standard AD CS data set
# (tests/fixtures/ad/load.sh), then each extra LOADER function.  The DC is
# stopped again when a loader fails.
ad_start() {
	require_cmd samba ldapadd openssl jq python3
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || samba_unavailable "the Samba AD harness did not start" || return 1
	AD_FIX_DIR="$FIX/ad"
	. "$FIX/ad/load.sh"
	for _loader in ad_load_fixture "$@"; do
		if ! "$_loader"; then
			samba_stop
			return 1
		fi
	done
}
