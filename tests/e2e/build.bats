#!/usr/bin/env bats
# The build's promises to users: make install PREFIX=..., make lint.
bats_require_minimum_version 1.5.0
load helper

@test "make install PREFIX=...: tools, man pages, templates, policies, completion" {
	dest="$BATS_TEST_TMPDIR/root"
	run -0 make -C "$CK_TOP" --no-print-directory -s BUILD="$CK_BUILD" install PREFIX=/opt/certkit DESTDIR="$dest"
	for src in "$CK_TOP"/certtool/cert-*.c; do
		t=$(basename "$src" .c)
		[ -x "$dest/opt/certkit/bin/$t" ] || { echo "no bin/$t" >&2; return 1; }
		[ -f "$dest/opt/certkit/share/man/man1/$t.1" ] || { echo "no man1/$t.1" >&2; return 1; }
		[ -f "$dest/opt/certkit/share/bash-completion/completions/$t" ] || { echo "no completion for $t" >&2; return 1; }
	done
	[ -f "$dest/opt/certkit/share/man/man5/certkit-records.5" ]
	[ -f "$dest/opt/certkit/share/man/man7/certkit.7" ]
	[ -f "$dest/opt/certkit/share/certkit/templates/amt-web-server.json" ]
	ls "$dest"/opt/certkit/share/certkit/policy/*.json >/dev/null
	# The installed tool runs on its own.
	run -0 "$dest/opt/certkit/bin/cert-read" --version
	run -0 make -C "$CK_TOP" --no-print-directory -s BUILD="$CK_BUILD" uninstall PREFIX=/opt/certkit DESTDIR="$dest"
	[ ! -e "$dest/opt/certkit/bin/cert-read" ]
}

@test "make lint: no banned calls, man pages lint-clean, shell scripts pass shellcheck" {
	require_cmd shellcheck mandoc
	run -0 sh "$CK_TOP/tests/lint.sh"
	[[ "$output" == *"lint: ok"* ]]
}

@test "lint catches a banned call (the check is not a no-op)" {
	cp -r "$CK_TOP/tests/lint.sh" "$BATS_TEST_TMPDIR/"
	mkdir -p "$BATS_TEST_TMPDIR/certtool/lib/core" "$BATS_TEST_TMPDIR/tests"
	printf 'int f(char *d, const char *s) { strcpy(d, s); return 0; }\n' >"$BATS_TEST_TMPDIR/certtool/lib/core/bad.c"
	cp "$CK_TOP/tests/lint.sh" "$BATS_TEST_TMPDIR/tests/lint.sh"
	mkdir -p "$BATS_TEST_TMPDIR/.ci" && printf '#!/bin/sh\nexit 0\n' >"$BATS_TEST_TMPDIR/.ci/run"
	run -1 sh "$BATS_TEST_TMPDIR/tests/lint.sh"
	[[ "$output" == *"bad.c:1:"* ]]
}

@test "layers: a lower layer including a higher one is caught (the include rule is checked)" {
	mkdir -p "$BATS_TEST_TMPDIR/tests" "$BATS_TEST_TMPDIR/certtool/lib/core" "$BATS_TEST_TMPDIR/certtool/lib/x509"
	cp "$CK_TOP/tests/layers.sh" "$BATS_TEST_TMPDIR/tests/"
	printf '#include "ck_cert.h"\n' >"$BATS_TEST_TMPDIR/certtool/lib/core/ck_bad.c"
	printf '#include "ck_err.h"\n' >"$BATS_TEST_TMPDIR/certtool/lib/x509/ck_cert.h"
	printf 'int x;\n' >"$BATS_TEST_TMPDIR/certtool/lib/core/ck_err.h"
	run -1 sh "$BATS_TEST_TMPDIR/tests/layers.sh"
	[[ "$output" == *"core/ck_bad.c: includes ck_cert.h (x509, not below core)"* ]]
	rm "$BATS_TEST_TMPDIR/certtool/lib/core/ck_bad.c"
	run -0 sh "$BATS_TEST_TMPDIR/tests/layers.sh"
	run -0 sh "$CK_TOP/tests/layers.sh"
}

@test "progress: a line on stderr when it is a terminal, nothing in pipes (cert-read, cert-lint, cert-expiry)" {
	require_cmd script
	for i in $(seq 1 700); do cat "$FIX/read/chain.pem"; done >"$BATS_TEST_TMPDIR/big.pem"
	cd "$BATS_TEST_TMPDIR"
	# A terminal: script(1) gives the tools a pty for stderr.
	run -0 script -qec "cert-read big.pem >big.jsonl" /dev/null
	[[ "$output" == *"cert-read: 2000 certificates"* ]]
	[[ "$output" == *"cert-read: 2100 certificates"* ]]
	run -0 script -qec "cert-lint --profile rfc5280 big.jsonl >/dev/null; true" /dev/null
	[[ "$output" == *"cert-lint: 2100 records"* ]]
	run -0 script -qec "cert-expiry --at 2026-06-01T00:00:00Z --format json big.jsonl >/dev/null; true" /dev/null
	[[ "$output" == *"cert-expiry: 2000 records"* ]]
	# A pipe: nothing but the records.
	run -0 --separate-stderr cert-read big.pem
	[ -z "$stderr" ]
	run --separate-stderr cert-lint --profile rfc5280 big.jsonl
	[ -z "$stderr" ]
}
