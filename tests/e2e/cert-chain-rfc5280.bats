#!/usr/bin/env bats
# RFC 5280 certificate policies and CRLs: for every scenario of
# tests/fixtures/rfc5280/scenarios.tsv (made by gen.py), cert-chain's verdict
# must equal `openssl verify -policy_check ... -crl_check_all -extended_crl
# -use_deltas -CRLfile ...` on the same inputs, and the RFC 5280 verdict
# written in the table; a table of disagreements otherwise.  Both with and
# without cert-chain's fast paths.
bats_require_minimum_version 1.5.0
load helper

R="$FIX/rfc5280"

at_epoch() { date -u -d "$CERTKIT_NOW" +%s; }

# ours NAME OPTS CRLS
ours() {
	local args=(--no-fetch --roots "$R/root.pem") f o=()
	if [ "$2" != , ]; then
		read -ra o <<<"$2"
		args+=("${o[@]}")
	fi
	if [ "$3" != - ]; then
		args+=(--crl-check --require-revocation)
		for f in ${3//,/ }; do args+=(--crl "$R/crl/$f"); done
	fi
	CERTKIT_NO_FASTPATH=${NOFAST:-0} cert-chain "${args[@]}" "$R/$1.pem" >/dev/null 2>&1
	case $? in 0) echo valid ;; 2) echo invalid ;; *) echo "error($?)" ;; esac
}

# theirs NAME OPTS CRLS: openssl verify with the same inputs
theirs() {
	local tmp=$BATS_TEST_TMPDIR/$1 args=(-attime "$(at_epoch)" -CAfile "$R/root.pem" -policy_check)
	local o=() f i user=0
	mkdir -p "$tmp"
	awk -v d="$tmp" '/BEGIN CERT/{n++} {print > (d "/c" n ".pem")}' "$R/$1.pem"
	cat "$tmp"/c[2-9].pem >"$tmp/rest.pem" 2>/dev/null || true
	[ -s "$tmp/rest.pem" ] && args+=(-untrusted "$tmp/rest.pem")
	if [ "$2" != , ]; then
		read -ra o <<<"$2"
		for ((i = 0; i < ${#o[@]}; i++)); do
			case ${o[$i]} in
			--explicit-policy) args+=(-explicit_policy) ;;
			--inhibit-policy-mapping) args+=(-inhibit_map) ;;
			--inhibit-any-policy) args+=(-inhibit_any) ;;
			--user-policy) i=$((i + 1)); args+=(-policy "${o[$i]}"); user=1 ;;
			esac
		done
	fi
	[ $user = 1 ] || args+=(-policy 2.5.29.32.0)
	if [ "$3" != - ]; then
		args+=(-crl_check_all -extended_crl -use_deltas)
		for f in ${3//,/ }; do args+=(-CRLfile "$R/crl/$f"); done
	fi
	if openssl verify "${args[@]}" "$tmp/c1.pem" >/dev/null 2>&1; then echo valid; else echo invalid; fi
}

# compare [TABLE]: every scenario of TABLE (default scenarios.tsv)
compare() {
	local bad=0 table="" name opts crls expect desc a b
	while IFS=$'\t' read -r name opts crls expect desc; do
		a=$(ours "$name" "$opts" "$crls")
		b=$(theirs "$name" "$opts" "$crls")
		if [ "$a" != "$b" ] || [ "$a" != "$expect" ]; then
			bad=$((bad + 1))
			table+=$(printf '%-28s %-8s %-10s %-8s %s' "$name" "$expect" "$a" "$b" "$desc")$'\n'
		fi
	done <"${1:-$R/scenarios.tsv}"
	if [ "$bad" -ne 0 ]; then
		printf '%-28s %-8s %-10s %-8s %s\n' scenario RFC5280 cert-chain openssl description
		printf '%s' "$table"
		return 1
	fi
}

@test "rfc5280: policy and CRL scenarios: at least 25, policies and CRLs both" {
	[ "$(grep -c '^pol-' "$R/scenarios.tsv")" -ge 10 ]
	[ "$(grep -c '^crl-' "$R/scenarios.tsv")" -ge 12 ]
}

@test "rfc5280: cert-chain's verdict equals openssl verify's and RFC 5280's on every scenario" {
	NOFAST=0 compare
}

@test "rfc5280: the same without the fast paths (CERTKIT_NO_FASTPATH=1)" {
	NOFAST=1 compare
}

@test "rfc5280: the harness notices a disagreement (a flipped expectation)" {
	awk -F'\t' -v OFS='\t' '$1 == "crl-revoked-leaf" { $4 = "valid" } $1 == "crl-revoked-leaf"' \
		"$R/scenarios.tsv" >"$BATS_TEST_TMPDIR/t.tsv"
	run compare "$BATS_TEST_TMPDIR/t.tsv"
	[ "$status" -ne 0 ]
	[[ "$output" == *"crl-revoked-leaf"*"valid"*"invalid"*"invalid"* ]]
}

@test "rfc5280: policy failures have stable ids; policies lists the valid set" {
	run -2 cert-chain --no-fetch --roots "$R/root.pem" "$R/pol-require-explicit.pem"
	jq_eq "$output" '[.findings[].rule] | join(",")' chain.no_explicit_policy
	run -2 cert-chain --no-fetch --roots "$R/root.pem" "$R/pol-invalid-extension.pem"
	jq_eq "$output" '[.findings[].rule] | join(",")' chain.invalid_policy_extension
	run -0 cert-chain --no-fetch --roots "$R/root.pem" "$R/pol-ok.pem"
	jq_eq "$output" '.policies | join(",")' 1.3.6.1.4.1.55555.1.1
	run -0 cert-chain --no-fetch --roots "$R/root.pem" --user-policy 1.3.6.1.4.1.55555.1.2 "$R/pol-ok.pem"
	jq_eq "$output" '.policies | length' 0
}

@test "rfc5280: findings and revocation statuses say why" {
	c="--no-fetch --roots $R/root.pem --crl-check"
	# shellcheck disable=SC2086
	run -2 cert-chain $c --crl "$R/crl/root.pem" --crl "$R/crl/int-revoked.pem" "$R/crl-good.pem"
	jq_eq "$output" '[.findings[].rule] | join(",")' chain.revoked
	jq_eq "$output" '.findings[0].message' "crl: revoked on 2026-02-01T00:00:00Z"
	# a directory of CRLs; the delta CRL revokes
	mkdir "$BATS_TEST_TMPDIR/d"
	cp "$R/crl/root.pem" "$R/crl/int-base.pem" "$R/crl/int-delta.pem" "$BATS_TEST_TMPDIR/d/"
	# shellcheck disable=SC2086
	run -2 cert-chain $c --crl "$BATS_TEST_TMPDIR/d" "$R/crl-good.pem"
	jq_eq "$output" '[.findings[].rule] | join(",")' chain.revoked
	# stale: unknown, a warning unless --require-revocation
	# shellcheck disable=SC2086
	run -1 cert-chain $c --crl "$R/crl/root.pem" --crl "$R/crl/int-stale.pem" "$R/crl-good.pem"
	jq_eq "$output" '[.findings[].rule] | join(",")' chain.revocation_unknown
	[[ "$output" == *"stale"* ]]
	# shellcheck disable=SC2086
	run -1 cert-chain $c --crl "$R/crl/root.pem" --crl "$R/crl/int-critext.pem" "$R/crl-good.pem"
	[[ "$output" == *"critical extension"* ]]
	# shellcheck disable=SC2086
	run -0 cert-chain $c --crl "$R/crl/root.pem" --crl "$R/crl/int.pem" "$R/crl-good.pem"
	jq_eq "$output" '[.revocation[] | .status + "/" + .method] | join(",")' "good/crl,good/crl"
	# --crl alone implies --crl-check; a file without a CRL is an error
	run -2 cert-chain --no-fetch --roots "$R/root.pem" --crl "$R/crl/root-revoked.pem" --crl "$R/crl/int.pem" "$R/crl-good.pem"
	run -3 --separate-stderr cert-chain --crl "$R/root.pem" "$R/crl-good.pem"
	[[ "$stderr" == *"--crl: '$R/root.pem': not a CRL"* ]]
}
