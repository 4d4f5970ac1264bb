#!/usr/bin/env bats
# cert-chain on committed fixtures: record contract, rule ids, policies
# (maximum CA key size, AMT versions, root hashes), input grouping,
# pass-through, bad input, text output, man page EXAMPLES.
bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"
S="$CH/s"

rules() {
	printf '%s\n' "$output" | jq -r 'select(.kind == "chain") | .findings[].rule' | sort -u | paste -sd ' '
}

@test "cert-chain: --help prints the synopsis, --version the version" {
	run -0 cert-chain --help
	[[ "$output" == "usage: cert-chain [--roots FILE|DIR]"* ]]
	[[ "$output" == *"[--format json|text] [FILE ...]"* ]]
	run -0 cert-chain --version
	[[ "$output" == "cert-chain "* ]]
}

@test "cert-chain: a valid chain: record fields, path, anchor, exit 0" {
	run -0 cert-chain --roots "$CH/roots-main.pem" "$S/ok.pem"
	[ "$(lines_of chain)" -eq 1 ]
	leaf=$(openssl x509 -in "$CH/pki/leaf.pem" -outform DER | sha256sum | cut -c1-64)
	int=$(openssl x509 -in "$CH/pki/int.pem" -outform DER | sha256sum | cut -c1-64)
	root=$(openssl x509 -in "$CH/pki/root.pem" -outform DER | sha256sum | cut -c1-64)
	jq_eq "$output" .leaf "$leaf"
	jq_eq "$output" '.path | join(",")' "$leaf,$int,$root"
	jq_eq "$output" .anchor "$root"
	jq_eq "$output" .status ok
	jq_eq "$output" '.findings | length' 0
	jq_eq "$output" '[.certs[].id] | join(",")' "$leaf,$int,$root"
	jq_eq "$output" '.certs[2].source.uri' "$CH/roots-main.pem"
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "cert-chain: the chain id is stable and depends on the input certificates" {
	run -0 cert-chain --roots "$CH/roots-main.pem" "$S/ok.pem" "$S/ok.pem" "$S/ok-root-in-bundle.pem"
	ids=$(printf '%s\n' "$output" | jq -r .id)
	[ "$(printf '%s\n' "$ids" | sed -n 1p)" = "$(printf '%s\n' "$ids" | sed -n 2p)" ]
	[ "$(printf '%s\n' "$ids" | sed -n 1p)" != "$(printf '%s\n' "$ids" | sed -n 3p)" ]
}

@test "cert-chain: every verification failure has its stable rule id" {
	while read -r scen want extra; do
		# shellcheck disable=SC2086
		run -2 cert-chain --no-fetch --roots "$CH/roots-main.pem" $extra "$S/$scen.pem"
		[[ " $(rules) " == *" $want "* ]] || { echo "$scen: want $want, got $(rules)"; return 1; }
		jq_eq "$output" .status critical
	done <<'LIST'
expired-leaf chain.expired
future-leaf chain.not_yet_valid
expired-intermediate chain.expired
missing-intermediate chain.missing_issuer
bad-signature chain.bad_signature
wrong-issuer-key chain.missing_issuer
pathlen0-violation chain.path_length
non-ca-issuer chain.not_ca
no-bc-issuer chain.not_ca
no-certsign-issuer chain.key_usage
nc-outside chain.name_constraints
nc-excluded chain.name_constraints
self-signed-leaf chain.untrusted
foreign-root chain.untrusted
critical-extension chain.critical_extension
purpose-client-as-server chain.purpose --purpose=server
host-mismatch chain.hostname --host=other.corp.example
LIST
}

@test "cert-chain: all errors of a chain are reported, not just the first" {
	# expired leaf under a non-CA issuer? use the expired intermediate chain at a
	# time when the leaf is not yet valid either
	run -2 cert-chain --no-fetch --at 2019-06-01 --roots "$CH/roots-main.pem" "$S/ok.pem"
	[ "$(printf '%s\n' "$output" | jq '[.findings[] | select(.rule == "chain.not_yet_valid")] | length')" -ge 3 ]
}

@test "cert-chain: --purpose OID checks the leaf's EKU" {
	run -0 cert-chain --roots "$CH/roots-main.pem" --purpose 2.16.840.1.113741.1.2.3 "$S/amt-provisioning.pem"
	run -2 cert-chain --roots "$CH/roots-main.pem" --purpose 2.16.840.1.113741.1.2.3 "$S/ok.pem"
	[ "$(rules)" = chain.purpose ]
}

@test "cert-chain: --max-ca-bits: a 4096-bit root or intermediate is critical, 2048 is not" {
	run -0 cert-chain --roots "$CH/roots-all.pem" "$S/rsa4096-root.pem"
	run -2 cert-chain --roots "$CH/roots-all.pem" --max-ca-bits 2048 "$S/rsa4096-root.pem"
	[ "$(rules)" = chain.ca_key_too_large ]
	jq_eq "$output" '.findings[0].subject' "CN=Root CA 4096,O=certkit test"
	jq_eq "$output" '.findings[0].severity' critical
	run -2 cert-chain --roots "$CH/roots-all.pem" --max-ca-bits 2048 "$S/rsa4096-intermediate.pem"
	jq_eq "$output" '.findings[0].subject' "CN=Issuing CA 4096,O=certkit test"
	run -2 cert-chain --roots "$CH/roots-all.pem" --max-ca-bits 2048 "$S/rsa3072-chain.pem"
	[ "$(printf '%s\n' "$output" | jq '.findings | length')" -eq 2 ]
	run -0 cert-chain --roots "$CH/roots-all.pem" --max-ca-bits 2048 "$S/ok.pem"
	# the limit is on CA keys only: a 4096 limit passes the 4096 root
	run -0 cert-chain --roots "$CH/roots-all.pem" --max-ca-bits 4096 "$S/rsa4096-root.pem"
	# EC keys have no modulus: not affected
	run -0 cert-chain --roots "$CH/roots-all.pem" --max-ca-bits 2048 "$S/ec-chain.pem"
}

@test "cert-chain: --min-bits, --no-sha1, --max-depth, --ca-key-alg" {
	run -2 cert-chain --roots "$CH/roots-main.pem" --min-bits 2048 "$S/rsa1024-leaf.pem"
	[ "$(rules)" = chain.key_too_small ]
	run -0 cert-chain --roots "$CH/roots-main.pem" --min-bits 2048 "$S/ok.pem"
	run -0 cert-chain --roots "$CH/roots-main.pem" "$S/sha1-intermediate.pem"
	run -2 cert-chain --roots "$CH/roots-main.pem" --no-sha1 "$S/sha1-intermediate.pem"
	[ "$(rules)" = chain.sha1 ]
	run -2 cert-chain --roots "$CH/roots-main.pem" --no-sha1 "$S/sha1-leaf.pem"
	run -0 cert-chain --roots "$CH/roots-main.pem" --no-sha1 "$S/ok.pem"
	run -2 cert-chain --roots "$CH/roots-main.pem" --max-depth 4 "$S/long-5.pem"
	[ "$(rules)" = chain.too_long ]
	run -0 cert-chain --roots "$CH/roots-main.pem" --max-depth 5 "$S/long-5.pem"
	run -2 cert-chain --roots "$CH/roots-all.pem" --ca-key-alg rsa "$S/ec-chain.pem"
	[ "$(rules)" = chain.ca_key_alg ]
	run -0 cert-chain --roots "$CH/roots-all.pem" --ca-key-alg rsa "$S/ec-leaf-rsa-ca.pem"
}

@test "cert-chain: --policy amt is versioned" {
	# AMT 11: CA keys <= 2048, SHA-1 a warning, more than 3 certificates critical
	run -2 cert-chain --roots "$CH/roots-all.pem" --policy amt --amt-version 11 "$S/rsa4096-root.pem"
	[ "$(rules)" = amt.ca_key_too_large ]
	jq_eq "$output" .policy.version 11
	run -1 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 11 "$S/sha1-leaf.pem"
	[ "$(rules)" = amt.sha1_signature ]
	run -2 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 11 "$S/long-4.pem"
	[ "$(rules)" = amt.chain_too_long ]
	run -2 cert-chain --roots "$CH/roots-all.pem" --policy amt --amt-version 3.2.1 "$S/ec-chain.pem"
	[ "$(rules)" = "amt.ca_key_not_rsa amt.key_size" ]
	# ME 16: no SHA-1 anywhere, RSA >= 2048
	run -2 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 16 "$S/sha1-leaf.pem"
	[ "$(rules)" = amt.sha1_signature ]
	run -2 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 16.1.25 "$S/rsa1024-leaf.pem"
	[ "$(rules)" = "amt.key_size amt.key_too_small" ]
	run -0 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 16 "$S/ok.pem"
	# AMT 22: SHA-384 and RSA-3072 expected (warnings), CA keys up to 4096
	run -1 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 22 "$S/ok.pem"
	[ "$(rules)" = "amt.key_size_expected amt.sig_hash_expected" ]
	run -1 cert-chain --roots "$CH/roots-all.pem" --policy amt --amt-version 22 "$S/rsa3072-chain.pem"
	[ "$(rules)" = amt.key_size_expected ]
	jq_eq "$output" '.findings[0].subject' "CN=amt01.corp.example"
	run -1 cert-chain --roots "$CH/roots-all.pem" --policy amt --amt-version 22 "$S/rsa4096-root.pem"
	[ "$(rules)" = "amt.key_size_expected amt.sig_hash_expected" ]
	# versions outside the policy, and --amt-version alone, are usage errors
	run -3 cert-chain --roots "$CH/roots-main.pem" --policy amt --amt-version 3.1 "$S/ok.pem"
	[[ "$output" == *"does not cover version"* ]]
	run -3 cert-chain --roots "$CH/roots-main.pem" --amt-version 11 "$S/ok.pem"
	run -3 cert-chain --roots "$CH/roots-main.pem" --policy no-such-policy "$S/ok.pem"
	# command line options override the policy
	run -0 cert-chain --roots "$CH/roots-all.pem" --policy amt --amt-version 11 --max-ca-bits 4096 "$S/rsa4096-root.pem"
}

@test "cert-chain: --amt-hashes: the anchor must be in the hash list" {
	run -2 cert-chain --roots "$CH/roots-main.pem" --amt-hashes "$CK_TOP/policy/amt-root-hashes.json" "$S/ok.pem"
	[ "$(rules)" = chain.amt_hash_missing ]
	h256=$(openssl x509 -in "$CH/pki/root.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
	h1=$(openssl x509 -in "$CH/pki/root.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
	printf '# custom hash\n%s\n' "$h256" >"$BATS_TEST_TMPDIR/h.txt"
	run -0 cert-chain --roots "$CH/roots-main.pem" --amt-hashes "$BATS_TEST_TMPDIR/h.txt" "$S/ok.pem"
	printf '{"hashes":[{"name":"test","sha1":"%s"}]}\n' "$(printf %s "$h1" | tr A-F a-f)" >"$BATS_TEST_TMPDIR/h.json"
	run -0 cert-chain --roots "$CH/roots-main.pem" --amt-hashes "$BATS_TEST_TMPDIR/h.json" "$S/ok.pem"
	echo 'not a hash' >"$BATS_TEST_TMPDIR/bad.txt"
	run -3 cert-chain --roots "$CH/roots-main.pem" --amt-hashes "$BATS_TEST_TMPDIR/bad.txt" "$S/ok.pem"
}

@test "cert-chain: records on stdin are grouped by source, other kinds pass through in order" {
	require_cmd cert-read
	{
		cert-read "$S/ok.pem"
		echo '{"kind":"note","v":1,"text":"between"}'
		cert-read "$S/expired-leaf.pem" "$S/ok-root-in-bundle.pem"
	} >"$BATS_TEST_TMPDIR/in.jsonl"
	run -2 cert-chain --roots "$CH/roots-main.pem" <"$BATS_TEST_TMPDIR/in.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r .kind | paste -sd ' ')" = "chain note chain chain" ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind=="chain") | .status' | paste -sd ' ')" = "ok critical ok" ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind=="chain") | .path | length' | paste -sd ' ')" = "3 3 3" ]
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .text between
}

@test "cert-chain: --untrusted supplies a missing intermediate; --roots takes a directory" {
	run -2 cert-chain --no-fetch --roots "$CH/roots-main.pem" "$S/missing-intermediate.pem"
	run -0 cert-chain --no-fetch --roots "$CH/roots-main.pem" --untrusted "$CH/pki/int.pem" "$S/missing-intermediate.pem"
	mkdir "$BATS_TEST_TMPDIR/roots"
	cp "$CH/pki/root.pem" "$CH/pki/rootx.pem" "$BATS_TEST_TMPDIR/roots/"
	run -0 cert-chain --roots "$BATS_TEST_TMPDIR/roots" "$S/ok.pem" "$S/cross-x-only.pem"
}

@test "cert-chain: worst status wins; --jobs keeps input order" {
	run -2 cert-chain --roots "$CH/roots-main.pem" --policy "$CK_TOP/policy/amt.json" --amt-version 11 "$S/ok.pem" "$S/long-4.pem" "$S/expired-leaf.pem"
	run -1 cert-chain --roots "$CH/roots-main.pem" --policy "$CK_TOP/policy/amt.json" --amt-version 11 "$S/ok.pem" "$S/sha1-leaf.pem"
	files=()
	for i in $(seq 1 40); do files+=("$S/ok.pem" "$S/expired-leaf.pem"); done
	run -2 cert-chain --jobs 4 --roots "$CH/roots-main.pem" "${files[@]}"
	[ "$(printf '%s\n' "$output" | jq -r .status | uniq | wc -l)" -eq 80 ]
	# one thread, more files than the look-ahead window
	run -2 cert-chain --jobs 1 --roots "$CH/roots-main.pem" "${files[@]}" "${files[@]}"
	[ "$(printf '%s\n' "$output" | jq -r .status | uniq | wc -l)" -eq 160 ]
}

@test "cert-chain: --format text prints the path as a tree with findings" {
	run -2 cert-chain --format text --roots "$CH/roots-all.pem" --max-ca-bits 2048 "$S/rsa4096-root.pem"
	[[ "${lines[0]}" == "chain "*"  CRITICAL" ]]
	[[ "${lines[1]}" == "  CN=amt01.corp.example  [rsa 2048, "* ]]
	[[ "${lines[3]}" == *"CN=Root CA 4096,O=certkit test  [rsa 4096, sha256WithRSAEncryption]  (trust anchor)" ]]
	[[ "${lines[4]}" == "  critical chain.ca_key_too_large: CA key is 4096-bit rsa; the maximum is 2048"* ]]
}

@test "cert-chain: broken input lines are errors; the other records are still checked" {
	require_cmd cert-read
	{
		echo '{not json'
		cert-read "$S/ok.pem"
		echo '{"kind":"cert","v":1,"id":"00","source":{"type":"file","uri":"x","index":0},"pem":"garbage"}'
	} >"$BATS_TEST_TMPDIR/in.jsonl"
	run -3 --separate-stderr cert-chain --roots "$CH/roots-main.pem" <"$BATS_TEST_TMPDIR/in.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r .kind | paste -sd ' ')" = "error chain error" ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind=="chain") | .status')" = ok ]
	[ "$(printf '%s\n' "$stderr" | grep -c '^cert-chain: ')" -eq 2 ]
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "cert-chain: a critical chain beats an unreadable input (exit 2), unreadable alone is 3" {
	run -2 cert-chain --roots "$CH/roots-main.pem" "$S/expired-leaf.pem" /nonexistent.pem
	run -3 --separate-stderr cert-chain --roots "$CH/roots-main.pem" "$S/ok.pem" /nonexistent.pem
	[ "$(printf '%s\n' "$output" | jq -r .kind | paste -sd ' ')" = "chain error" ]
	[[ "$stderr" == "cert-chain: '/nonexistent.pem': "* ]]
	echo 'not a certificate' >"$BATS_TEST_TMPDIR/junk.pem"
	run -3 cert-chain --roots "$CH/roots-main.pem" "$BATS_TEST_TMPDIR/junk.pem"
}

@test "cert-chain: usage errors exit 3" {
	run -3 cert-chain --purpose sometimes "$S/ok.pem"
	run -3 cert-chain --max-ca-bits big "$S/ok.pem"
	run -3 cert-chain --max-ca-bits 0 "$S/ok.pem"
	run -3 cert-chain --jobs 0 "$S/ok.pem"
	run -3 cert-chain --at yesterday "$S/ok.pem"
	run -3 cert-chain --format xml "$S/ok.pem"
	run -3 cert-chain --roots /nonexistent "$S/ok.pem"
	run -3 cert-chain --ca-key-alg rot13 "$S/ok.pem"
	run -3 cert-chain --no-such-option
}

@test "cert-chain: combination errors print the usage, an unreadable password file does not" {
	run -3 --separate-stderr cert-chain --amt-version 11 "$S/ok.pem"
	[ "${stderr_lines[0]}" = "cert-chain: --amt-version needs --policy" ]
	[[ "${stderr_lines[1]}" == "usage: cert-chain "* ]]
	[ -z "$output" ]
	run -3 --separate-stderr cert-chain --bind-dn cn=reader "$S/ok.pem"
	[ "${stderr_lines[0]}" = "cert-chain: --bind-dn and --bind-password-file go together" ]
	[[ "${stderr_lines[1]}" == "usage: cert-chain "* ]]
	run -3 --separate-stderr cert-chain --bind-password-file "$BATS_TEST_TMPDIR/pw" "$S/ok.pem"
	[ "${stderr_lines[0]}" = "cert-chain: --bind-dn and --bind-password-file go together" ]
	# cert-read's pair is the same rule (it took --bind-dn alone and bound anonymously)
	run -3 --separate-stderr cert-read --bind-dn cn=reader "$S/ok.pem"
	[ "${stderr_lines[0]}" = "cert-read: --bind-dn and --bind-password-file go together" ]
	[[ "${stderr_lines[1]}" == "usage: cert-read "* ]]
	[ -z "$output" ]
	# the file named once, as cert-read says it; nothing judged
	run -3 --separate-stderr cert-chain --bind-dn cn=reader --bind-password-file "$BATS_TEST_TMPDIR/nope" "$S/ok.pem"
	[ "$stderr" = "cert-chain: '$BATS_TEST_TMPDIR/nope': No such file or directory" ]
	[ -z "$output" ]
	run -3 --separate-stderr cert-chain --purpose sometimes "$S/ok.pem"
	[ "${stderr_lines[0]}" = "cert-chain: --purpose: 'sometimes': not a purpose" ]
	run -3 --separate-stderr cert-chain --ca-key-alg rot13 "$S/ok.pem"
	[ "${stderr_lines[0]}" = "cert-chain: --ca-key-alg: 'rot13': not a key algorithm" ]
	run -3 --separate-stderr cert-chain --roots "$CH/roots-main.pem" --policy no-such-policy "$S/ok.pem"
	[[ "$stderr" == "cert-chain: --policy: no such policy 'no-such-policy' in "* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "cert-chain: --at and CERTKIT_NOW decide the time" {
	run -0 cert-chain --roots "$CH/roots-main.pem" "$S/expired-leaf.pem" --at 2024-06-01
	CERTKIT_NOW=2024-06-01T00:00:00Z run -0 cert-chain --roots "$CH/roots-main.pem" "$S/expired-leaf.pem"
	CERTKIT_NOW=2025-06-01T00:00:00Z run -2 cert-chain --roots "$CH/roots-main.pem" "$S/expired-leaf.pem"
}

@test "cert-chain: man page EXAMPLES on disk" {
	cd "$BATS_TEST_TMPDIR"
	cp "$CH/roots-main.pem" roots.pem
	cp "$S/ok.pem" bundle.pem
	cp "$S/expired-leaf.pem" expired.pem
	run -0 cert-chain --roots roots.pem bundle.pem
	jq_eq "$output" .status ok
	run -0 cert-chain --roots roots.pem --max-ca-bits 2048 --no-sha1 --format text bundle.pem
	[[ "${lines[0]}" == "chain "*"  OK" ]]
	out=$(cert-chain --roots roots.pem bundle.pem expired.pem | jq -c 'select(.status != "ok") | .findings')
	[ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ]
	[[ "$out" == *'"rule":"chain.expired"'* ]]
}

@test "cert-chain: man page EXAMPLE: the chain an AMT device presents on 16993" {
	require_cmd cert-read
	if (exec 3<>/dev/tcp/127.0.0.1/16993) 2>/dev/null; then skip "port 16993 is in use"; fi
	cd "$BATS_TEST_TMPDIR"
	cp "$CH/roots-all.pem" roots.pem
	openssl s_server -quiet -accept 127.0.0.1:16993 -cert "$CH/pki/leaf_u_int4096.pem" \
		-key "$CH/pki/k2048c.key" -cert_chain "$CH/pki/int4096.pem" >/dev/null 2>&1 &
	srv=$!
	wait_port 16993
	out=$(cert-read tls://127.0.0.1:16993 | cert-chain --roots roots.pem --policy amt --amt-version 11) || rc=$?
	kill "$srv"
	[ "${rc:-0}" -eq 2 ]
	jq_eq "$out" '.path | length' 3
	jq_eq "$out" '[.findings[].rule] | join(",")' amt.ca_key_too_large
	jq_eq "$out" '.certs[0].source.type' tls
}

@test "cert-chain: chain records carry their certificates for cert-expiry" {
	require_cmd cert-read cert-expiry
	out=$(cert-read "$S/ok.pem" | cert-chain --roots "$CH/roots-main.pem" | cert-expiry --warn 30 --crit 7)
	jq_eq "$out" .kind chain
	jq_eq "$out" .expiry.not_after 2045-01-01T00:00:00Z
	# the embedded records have no pem (the path's ids name them)
	jq_eq "$out" '[.certs[] | has("pem")] | any' false
	# an expired leaf is seen through the chain record
	run -2 bash -c "cert-read '$S/expired-leaf.pem' | cert-chain --roots '$CH/roots-main.pem' | cert-expiry"
}

@test "cert-chain: --system-roots does not trust a private root; with --roots it does" {
	run -2 cert-chain --system-roots "$S/ok.pem"
	[ "$(rules)" = chain.missing_issuer ]
	run -2 cert-chain --system-roots "$S/ok-root-in-bundle.pem"
	[ "$(rules)" = chain.untrusted ]
	run -0 cert-chain --system-roots --roots "$CH/roots-main.pem" "$S/ok.pem"
	# no trust at all: nothing validates
	run -2 cert-chain "$S/ok.pem"
}

@test "cert-chain: policy processing is on; --explicit-policy, --user-policy (as openssl verify -policy_check)" {
	run -0 cert-chain --roots "$CH/roots-main.pem" "$S/ok.pem"
	jq_eq "$output" '.policies | length' 0
	run -2 cert-chain --roots "$CH/roots-main.pem" --explicit-policy "$S/ok.pem"
	[ "$(rules)" = chain.no_explicit_policy ]
	# the fixtures carry no certificatePolicies: openssl refuses them the same way
	run ! openssl verify -policy_check -explicit_policy -policy 2.5.29.32.0 -CAfile "$CH/roots-main.pem" \
		-untrusted "$CH/pki/int.pem" "$CH/pki/leaf.pem"
	run -0 openssl verify -policy_check -policy 2.5.29.32.0 -CAfile "$CH/roots-main.pem" \
		-untrusted "$CH/pki/int.pem" "$CH/pki/leaf.pem"
	run -0 cert-chain --roots "$CH/roots-main.pem" --user-policy 1.2.3.4 --inhibit-policy-mapping \
		--inhibit-any-policy "$S/ok.pem"
	run -3 --separate-stderr cert-chain --user-policy not.an.oid "$S/ok.pem"
	[[ "$stderr" == *"--user-policy: 'not.an.oid': not an OID"* ]]
}
