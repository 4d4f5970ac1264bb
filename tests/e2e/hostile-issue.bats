#!/usr/bin/env bats
# Password files and the CA directory under hostile conditions (issue 14).
bats_require_minimum_version 1.5.0
load helper

H="$FIX/hostile"

@test "hostile secrets: every password file is its first line (CRLF too), the rest ignored" {
	printf 'hostile\nsecond line, not part of the password\n' >"$BATS_TEST_TMPDIR/two-lines"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/two-lines" "$H/ok.p12"
	[ "$(lines_of cert)" -eq 2 ]
	printf 'hostile\r\n' >"$BATS_TEST_TMPDIR/crlf"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/crlf" "$H/ok.p12"
	printf 'hostile' >"$BATS_TEST_TMPDIR/no-newline"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/no-newline" "$H/ok.p12"
	# a first line over 4096 bytes is refused, not cut
	{ head -c 5000 /dev/zero | tr '\0' 'x'; printf '\n'; } >"$BATS_TEST_TMPDIR/long"
	run -3 --separate-stderr cert-read --password-file "$BATS_TEST_TMPDIR/long" "$H/ok.p12"
	[[ "$stderr" == *"first line longer than 4096 bytes"* ]]
	# the man pages say the same, in every tool that takes a password file
	for page in cert-read cert-ad cert-chain cert-issue cert-prereq cert-amt; do
		[ -f "$CK_TOP/man/$page.1" ] || continue
		grep -q 'the first line of the file, without its line end' "$CK_TOP/man/$page.1" ||
			{ echo "$page.1 does not state the rule"; return 1; }
	done
	! grep -l 'whole file' "$CK_TOP"/man/*.1
}

@test "hostile secrets: cert-issue init refuses an empty key password and leaves nothing behind" {
	: >"$BATS_TEST_TMPDIR/empty"
	run -3 --separate-stderr cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" \
		--key-password-file "$BATS_TEST_TMPDIR/empty"
	[ "$stderr" = "cert-issue: '$BATS_TEST_TMPDIR/empty': the key password (first line of the file) is empty" ]
	[ ! -e "$BATS_TEST_TMPDIR/ca" ]
	printf '\nsecret on line two\n' >"$BATS_TEST_TMPDIR/blank-first"
	run -3 cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" \
		--key-password-file "$BATS_TEST_TMPDIR/blank-first"
	[ ! -e "$BATS_TEST_TMPDIR/ca" ]
	printf 'good\n' >"$BATS_TEST_TMPDIR/good"
	run -0 cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" \
		--key-password-file "$BATS_TEST_TMPDIR/good"
	grep -q 'ENCRYPTED' "$BATS_TEST_TMPDIR/ca/ca.key"
}
