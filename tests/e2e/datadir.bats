#!/usr/bin/env bats
# The one data directory lookup (ck_datadir.h): CERTKIT_DATADIR, then the
# build tree beside the binary, then the install prefix; the deprecated
# per-kind variables keep working with a deprecation line.
bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"

setup() {
	# A copy of the binary outside any build tree behaves as an installed one
	# whose prefix has no data (CK_DATADIR of this build is not installed).
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cp "$CK_BIN/cert-chain" "$CK_BIN/cert-lint" "$BATS_TEST_TMPDIR/bin/"
	cd "$BATS_TEST_TMPDIR"
}

@test "datadir: a build-tree binary finds policy/ beside it, from any directory" {
	run -2 cert-chain --roots "$CH/roots-all.pem" --policy amt --amt-version 11 "$CH/s/rsa4096-intermediate.pem"
	jq_eq "$output" '.policy.name' amt
}

@test "datadir: outside a build tree, CERTKIT_DATADIR is the data directory" {
	mkdir -p share/policy
	cp "$CK_TOP/policy/"*.json share/policy/
	CERTKIT_DATADIR="$PWD/share" run -0 --separate-stderr bin/cert-chain --roots "$CH/roots-main.pem" \
		--policy amt --amt-version 11 "$CH/s/ok.pem"
	jq_eq "$output" '.policy.version' 11
	[ -z "$stderr" ]
	CERTKIT_DATADIR="$PWD/share" run -0 bin/cert-lint --list-rules --profile amt-web-server
}

@test "datadir: a missing policy is one clear line that names it once" {
	run -3 --separate-stderr bin/cert-chain --policy amt </dev/null
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ "$(printf '%s' "$stderr" | grep -o "'amt'" | wc -l)" -eq 1 ]
	[[ "$stderr" == "cert-chain: --policy: no such policy 'amt'"* ]]
	CERTKIT_DATADIR="$PWD/nowhere" run -3 --separate-stderr bin/cert-chain --policy amt </dev/null
	[[ "$stderr" == *"CERTKIT_DATADIR has no policy/ directory"* ]]
}

@test "datadir: CERTKIT_POLICY_DIR still works, with a deprecation line" {
	mkdir -p old
	cp "$CK_TOP/policy/amt.json" old/
	CERTKIT_POLICY_DIR="$PWD/old" run -0 --separate-stderr bin/cert-chain --roots "$CH/roots-main.pem" \
		--policy amt "$CH/s/ok.pem"
	jq_eq "$output" '.policy.name' amt
	[[ "$stderr" == "cert-chain: CERTKIT_POLICY_DIR is deprecated"*"CERTKIT_DATADIR"* ]]
}
