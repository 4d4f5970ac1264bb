#!/usr/bin/env bats
# make demo (tests/demo.sh): judged at a fixed time that fits its sample PKI,
# whatever today's date is.

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	# The demo runs once for every test of this file; without CERTKIT_NOW, as
	# `make demo` does on a user's machine.
	out="$BATS_FILE_TMPDIR/demo.out"
	env -u CERTKIT_NOW CK_BUILD="$CK_BUILD" sh "$CK_TOP/tests/demo.sh" >"$out" 2>&1 || true
	dir=$(sed -n 's/^# done: files are in //p' "$out")
	echo "$dir" >"$BATS_FILE_TMPDIR/dir"
}

teardown_file() {
	dir=$(cat "$BATS_FILE_TMPDIR/dir")
	case $dir in /tmp/certkit-demo.*) rm -rf "$dir" ;; esac
}

@test "demo: says the fixed time it is judged at, and runs to the end" {
	out="$BATS_FILE_TMPDIR/demo.out"
	grep -qx '# judged at CERTKIT_NOW=2026-06-01T00:00:00Z (the sample.s dates are fixed; not today.s clock)' "$out"
	grep -q '^# done: files are in /tmp/certkit-demo\.' "$out"
}

@test "demo: the AMT web server certificate is 14 days from expiry, not judged by today's clock" {
	out="$BATS_FILE_TMPDIR/demo.out"
	grep -q "^CERT WARNING - 0 expired, 0 critical, 1 warning, 7 ok; soonest: amt01.corp.example.com (14.0d left)" "$out"
	run -1 grep -q 'EXPIRED' "$out"
}
