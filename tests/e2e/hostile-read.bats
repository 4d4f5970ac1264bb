#!/usr/bin/env bats
# cert-read against hostile files and trees (issue 14): each case here hung,
# looped, spoofed or lost data before its fix.  Fixtures:
# tests/fixtures/hostile/gen.sh.
bats_require_minimum_version 1.5.0
load helper

H="$FIX/hostile"

@test "hostile p12: a MAC iteration count of 2^31-1 is refused at once, with and without a password" {
	run -3 --separate-stderr timeout 20 cert-read "$H/p12-mac-iter.p12" "$H/leaf.pem"
	jq_eq "$output" 'select(.kind == "error") | .message' "PKCS#12 iteration count 2147483647 is over the limit of 4000000"
	jq_eq "$output" 'select(.kind == "cert") | .subject.cn' "leaf.hostile.example"
	[[ "$stderr" == "cert-read: '$H/p12-mac-iter.p12': PKCS#12 iteration count 2147483647 is over the limit of 4000000" ]]
	run -3 --separate-stderr timeout 20 cert-read --password-file "$H/p12-password.txt" "$H/p12-mac-iter.p12"
	jq_eq "$output" '.code' "limit"
}

@test "hostile p12: PBES2 encryption counts of 2^31-1 (no MAC) are refused before decryption" {
	run -3 --separate-stderr timeout 20 cert-read --password-file "$H/p12-password.txt" "$H/p12-pbe-iter.p12"
	jq_eq "$output" '.message' "PKCS#12 iteration count 2147483647 is over the limit of 4000000"
}

@test "hostile p12: the same file with honest counts reads (leaf first, then the CA)" {
	run -0 cert-read --password-file "$H/p12-password.txt" "$H/ok.p12"
	jq_eq "$output" '.subject.cn' "leaf.hostile.example
Hostile Root"
}

@test "hostile tree: links back to a directory are one loop error each, no certificate twice" {
	d="$BATS_TEST_TMPDIR/d"
	mkdir -p "$d/sub"
	cp "$H/leaf.pem" "$d/"
	cp "$H/root.pem" "$d/sub/"
	ln -s . "$d/l1"
	ln -s . "$d/l2"
	ln -s .. "$d/sub/loop"
	ln -s sub "$d/twice"
	run -3 --separate-stderr timeout 20 cert-read -r "$d"
	[ "$(lines_of cert)" -eq 2 ]
	jq_eq "$output" 'select(.kind == "cert") | .source.uri' "$d/leaf.pem
$d/sub/root.pem"
	jq_eq "$output" 'select(.kind == "error") | .source' "$d/l1
$d/l2
$d/sub/loop"
	jq_eq "$output" 'select(.kind == "error") | .message' "directory loop: the same directory as '$d'
directory loop: the same directory as '$d'
directory loop: the same directory as '$d'"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 3 ]
}

@test "hostile pem: one error per bad block, every good certificate after it still read" {
	run -3 --separate-stderr cert-read "$H/pem-resync.pem"
	jq_eq "$output" '[.kind, (.subject.cn // .message)] | join(": ")' "error: line 1: broken PEM BEGIN line
cert: leaf.hostile.example
error: line 15: broken PEM BEGIN line
cert: Hostile Root
error: line 30: PEM block 'CERTIFICATE' has no END line
cert: leaf.hostile.example
error: line 46: PEM block 'CERTIFICATE' ends with a different END line (line 48)
cert: Hostile Root"
	# one stderr line per error, none holding file content
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 4 ]
	[[ "$stderr" != *MII* ]]
}

@test "hostile names: control characters in file names and CNs never reach stderr or text output raw" {
	f="$BATS_TEST_TMPDIR/$(printf 'a\nfake: forged line\033[2J.pem')"
	printf 'junk\n' >"$f"
	run -3 --separate-stderr cert-read "$f"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"a\\nfake: forged line\\x1b[2J.pem': not a certificate"* ]]
	# the JSON keeps the name exactly
	jq_eq "$output" '.source' "$f"
	run -0 cert-read --format text "$H/cn-esc.pem"
	[[ "$output" != *$'\033'* && "$output" != *$'\r'* && "$output" != *$'\a'* ]]
	[[ "$output" == 'evil\x1b]0;pwned\x07\r\nfake '* ]]
	[ "${#lines[@]}" -eq 1 ]
	run -0 cert-read "$H/cn-esc.pem"
	jq_eq "$output" '.subject.cn | @json' '"evil\u001b]0;pwned\u0007\r\nfake"'
}

@test "hostile names: an upstream error record's source and message reach stderr escaped in every stage" {
	rec='{"kind":"error","v":1,"source":"x\u001b[2Jy","message":"m\u001b]0;t\u0007"}'
	run -3 --separate-stderr sh -c "printf '%s\n' '$rec' | cert-chain"
	[[ "$stderr" == "cert-chain: 'x\x1b[2Jy': m\x1b]0;t\x07" ]]
	for stage in cert-lint cert-expiry "cert-approve --requester S-1-5-11" cert-report; do
		run --separate-stderr sh -c "printf '%s\n' '$rec' | $stage"
		[[ "$stderr" != *$'\033'* && "$stderr" != *$'\a'* ]]
	done
}

@test "hostile names: a NUL in the CN and SAN is kept, escaped in the dn, and the record flows through every stage" {
	run -0 cert-read "$H/nul-name.pem"
	jq_eq "$output" '.subject.dn' 'CN=www.bank.example\00.evil.example,O=Hostile Example'
	jq_eq "$output" '.subject.cn | @json' '"www.bank.example\u0000.evil.example"'
	jq_eq "$output" '.san.dns[0] | @json' '"www.bank.example\u0000.evil.example"'
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
	rec=$output
	# every stage reads it, keeps the name whole and judges the certificate
	run -2 --separate-stderr bash -c "set -o pipefail; printf '%s\n' '$rec' | cert-lint --profile rfc5280 | cert-expiry --warn 30 --crit 7"
	[ -z "$stderr" ]
	jq_eq "$output" '.subject.cn | @json' '"www.bank.example\u0000.evil.example"'
	jq_eq "$output" '.findings[].rule' 'rfc5280.name_control_char'
	jq_eq "$output" '.expiry.status' 'ok'
	run -0 --separate-stderr sh -c "printf '%s\n' '$rec' | cert-chain --roots '$H/root.pem' | cert-expiry --warn 30 --crit 7"
	[ -z "$stderr" ]
	jq_eq "$output" '.status' 'ok'
	jq_eq "$output" '.expiry.status' 'ok'
	# people see the whole name, escaped
	run -0 cert-read --format text "$H/nul-name.pem"
	[[ "$output" == 'www.bank.example\x00.evil.example '* ]]
	run -0 sh -c "cert-read '$H/nul-name.pem' | cert-expiry --format text --all"
	[[ "$output" == *'www.bank.example\x00.evil.example'* ]]
}

@test "hostile pkcs7: a bundle with no certificate is an error, DER or PEM, like a PEM file without one" {
	run -3 --separate-stderr cert-read "$H/empty.p7b" "$H/empty-p7.pem" "$H/leaf.pem"
	jq_eq "$output" '"\(.kind) \(.message // .subject.cn)"' "error PKCS#7 holds no certificate
error PKCS#7 holds no certificate
cert leaf.hostile.example"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
}

@test "hostile names: every text format escapes terminal controls (cert-chain, cert-lint, cert-expiry, cert-read)" {
	rec=$(cert-read "$H/cn-esc.pem")
	for cmd in "cert-chain --roots '$H/root.pem' --format text" "cert-lint --profile rfc5280 --format text" \
		"cert-expiry --format text --all" "cert-read --format text '$H/cn-esc.pem'"; do
		out=$(printf '%s\n' "$rec" | sh -c "$cmd" 2>&1 || true)
		[[ "$out" != *$'\033'* && "$out" != *$'\a'* && "$out" != *$'\r'* ]] || { echo "$cmd: raw control"; return 1; }
		[[ "$out" == *'\x1b'* || "$out" == *'\1B'* ]] || { echo "$cmd: $out"; return 1; }
	done
}
