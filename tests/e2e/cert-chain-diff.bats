#!/usr/bin/env bats
# Differential tests: for every scenario in tests/fixtures/chain/scenarios.tsv,
# cert-chain's verdict must equal `openssl verify`'s (same roots, time and
# purpose) and GnuTLS `certtool --verify`'s where it applies, and both must
# equal the expected verdict written in the table.

bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"

# epoch of CERTKIT_NOW for openssl -attime
at_epoch() {
	date -u -d "$CERTKIT_NOW" +%s
}

# verdict_ours NAME ROOTS PURPOSE HOST
verdict_ours() {
	local args=(--no-fetch --roots "$CH/roots-$2.pem")
	[ "$3" != any ] && args+=(--purpose "$3")
	[ "$4" != - ] && args+=(--host "$4")
	CERTKIT_NO_FASTPATH=${NOFAST:-0} cert-chain "${args[@]}" "$CH/s/$1.pem" >/dev/null 2>&1
	case $? in 0) echo valid ;; 2) echo invalid ;; *) echo "error($?)" ;; esac
}

verdict_openssl() {
	local tmp=$BATS_TEST_TMPDIR/$1 args=(-attime "$(at_epoch)" -CAfile "$CH/roots-$2.pem"
		-policy_check -policy 2.5.29.32.0)
	mkdir -p "$tmp"
	awk -v d="$tmp" '/BEGIN CERT/{n++} {print > (d "/c" n ".pem")}' "$CH/s/$1.pem"
	cat "$tmp"/c[2-9].pem >"$tmp/rest.pem" 2>/dev/null || true
	[ -s "$tmp/rest.pem" ] && args+=(-untrusted "$tmp/rest.pem")
	case $3 in server) args+=(-purpose sslserver) ;; client) args+=(-purpose sslclient) ;; esac
	[ "$4" != - ] && args+=(-verify_hostname "$4")
	if openssl verify "${args[@]}" "$tmp/c1.pem" >/dev/null 2>&1; then echo valid; else echo invalid; fi
}

verdict_gnutls() {
	local args=(--verify --load-ca-certificate "$CH/roots-$2.pem" --infile "$CH/s/$1.pem")
	case $3 in server) args+=(--verify-purpose 1.3.6.1.5.5.7.3.1) ;; client) args+=(--verify-purpose 1.3.6.1.5.5.7.3.2) ;; esac
	[ "$4" != - ] && args+=(--verify-hostname "$4")
	if certtool "${args[@]}" >/dev/null 2>&1; then echo valid; else echo invalid; fi
}

@test "cert-chain: at least 40 committed scenarios" {
	[ "$(grep -c . "$CH/scenarios.tsv")" -ge 40 ]
	# every scenario file exists and holds at least one certificate
	while IFS=$'\t' read -r name _; do
		grep -q 'BEGIN CERTIFICATE' "$CH/s/$name.pem"
	done <"$CH/scenarios.tsv"
}

# diff_openssl: every scenario, cert-chain against openssl verify -policy_check; a table on disagreement.
diff_openssl() {
	local bad=0 table="" name roots purpose host expect gnutls desc ours ossl
	while IFS=$'\t' read -r name roots purpose host expect gnutls desc; do
		ours=$(verdict_ours "$name" "$roots" "$purpose" "$host")
		ossl=$(verdict_openssl "$name" "$roots" "$purpose" "$host")
		if [ "$ours" != "$ossl" ] || [ "$ours" != "$expect" ]; then
			bad=$((bad + 1))
			table+=$(printf '%-28s %-9s %-9s %-9s %s' "$name" "$expect" "$ours" "$ossl" "$desc")$'\n'
		fi
	done <"$CH/scenarios.tsv"
	if [ "$bad" -ne 0 ]; then
		printf '%-28s %-9s %-9s %-9s %s\n' scenario expected cert-chain openssl description
		printf '%s' "$table"
		return 1
	fi
}

@test "cert-chain: verdicts equal openssl verify's on every scenario" {
	NOFAST=0 diff_openssl
}

@test "cert-chain: the same without the fast paths (CERTKIT_NO_FASTPATH=1)" {
	NOFAST=1 diff_openssl
}

@test "cert-chain: verdicts equal GnuTLS certtool's where it applies" {
	require_cmd certtool
	local bad=0 n=0 table="" name roots purpose host expect gnutls desc ours gt
	while IFS=$'\t' read -r name roots purpose host expect gnutls desc; do
		[ "$gnutls" = yes ] || continue
		n=$((n + 1))
		ours=$(verdict_ours "$name" "$roots" "$purpose" "$host")
		gt=$(verdict_gnutls "$name" "$roots" "$purpose" "$host")
		if [ "$ours" != "$gt" ]; then
			bad=$((bad + 1))
			table+=$(printf '%-28s %-9s %-9s %s' "$name" "$ours" "$gt" "$desc")$'\n'
		fi
	done <"$CH/scenarios.tsv"
	[ "$n" -ge 30 ]
	if [ "$bad" -ne 0 ]; then
		printf '%-28s %-9s %-9s %s\n' scenario cert-chain gnutls description
		printf '%s' "$table"
		return 1
	fi
}

@test "cert-chain: the differential harness itself notices a disagreement" {
	# A must-fail check of the oracle: openssl and cert-chain must both say
	# invalid for a leaf without its intermediate, and valid with it.
	[ "$(verdict_openssl missing-intermediate main any -)" = invalid ]
	[ "$(verdict_ours missing-intermediate main any -)" = invalid ]
	[ "$(verdict_openssl ok main any -)" = valid ]
	[ "$(verdict_ours ok main any -)" = valid ]
}

@test "cert-chain: one run over many scenarios (shared caches) gives the same verdicts" {
	# Caches (parsed certificates, verified CA signatures) live for the whole
	# run; checking every scenario in one process, on two threads, twice over,
	# must give the verdicts the table expects, in input order.
	local names=() files=() want=() name roots purpose host expect gnutls desc
	while IFS=$'\t' read -r name roots purpose host expect gnutls desc; do
		[ "$roots" = main ] && [ "$purpose" = any ] && [ "$host" = - ] || continue
		names+=("$name")
		files+=("$CH/s/$name.pem")
		want+=("$expect")
	done <"$CH/scenarios.tsv"
	[ "${#files[@]}" -ge 25 ]
	run cert-chain --jobs 2 --no-fetch --roots "$CH/roots-main.pem" "${files[@]}" "${files[@]}"
	mapfile -t got < <(printf '%s\n' "$output" | jq -r 'if .status == "ok" then "valid" else "invalid" end')
	[ "${#got[@]}" -eq $((2 * ${#files[@]})) ]
	local i n=${#files[@]} bad=0
	for ((i = 0; i < 2 * n; i++)); do
		if [ "${got[$i]}" != "${want[$((i % n))]}" ]; then
			echo "${names[$((i % n))]}: expected ${want[$((i % n))]}, got ${got[$i]}"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "cert-chain: a cached CA signature does not vouch for a tampered copy" {
	# the good chain first (its intermediate's signature is cached), then the
	# same intermediate with one signature byte flipped
	openssl x509 -in "$CH/pki/int.pem" -outform DER -out "$BATS_TEST_TMPDIR/int.der"
	python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-1]^=1; open(sys.argv[2],"wb").write(b)' \
		"$BATS_TEST_TMPDIR/int.der" "$BATS_TEST_TMPDIR/int-bad.der"
	{ cat "$CH/pki/leaf.pem"; openssl x509 -inform DER -in "$BATS_TEST_TMPDIR/int-bad.der"; } >"$BATS_TEST_TMPDIR/bad.pem"
	run -2 cert-chain --jobs 1 --no-fetch --roots "$CH/roots-main.pem" "$CH/s/ok.pem" "$BATS_TEST_TMPDIR/bad.pem" "$CH/s/ok.pem"
	[ "$(printf '%s\n' "$output" | jq -r .status | paste -sd ' ')" = "ok critical ok" ]
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -r '[.findings[].rule] | unique | join(",")')" = chain.bad_signature ]
}

@test "cert-chain: validity boundaries to the second agree with openssl verify" {
	local tmp=$BATS_TEST_TMPDIR at ours ossl bad=0
	awk -v d="$tmp" '/BEGIN CERT/{n++} {print > (d "/e" n ".pem")}' "$CH/s/expired-leaf.pem"
	awk -v d="$tmp" '/BEGIN CERT/{n++} {print > (d "/f" n ".pem")}' "$CH/s/future-leaf.pem"
	for spec in e:2024-12-31T23:59:59Z e:2025-01-01T00:00:00Z e:2025-01-01T00:00:01Z \
		f:2026-12-31T23:59:59Z f:2027-01-01T00:00:00Z f:2027-01-01T00:00:01Z; do
		p=${spec%%:*} at=${spec#*:}
		if cert-chain --no-fetch --at "$at" --roots "$CH/roots-main.pem" "$tmp/${p}1.pem" --untrusted "$tmp/${p}2.pem" >/dev/null; then ours=valid; else ours=invalid; fi
		if openssl verify -attime "$(date -u -d "$at" +%s)" -CAfile "$CH/roots-main.pem" -untrusted "$tmp/${p}2.pem" "$tmp/${p}1.pem" >/dev/null 2>&1; then ossl=valid; else ossl=invalid; fi
		[ "$ours" = "$ossl" ] || { echo "$p at $at: cert-chain $ours, openssl $ossl"; bad=1; }
	done
	[ "$bad" -eq 0 ]
	# and the boundaries are where they should be
	run -2 cert-chain --no-fetch --at 2025-01-01T00:00:00Z --roots "$CH/roots-main.pem" "$CH/s/expired-leaf.pem"
	run -0 cert-chain --no-fetch --at 2024-12-31T23:59:59Z --roots "$CH/roots-main.pem" "$CH/s/expired-leaf.pem"
	run -0 cert-chain --no-fetch --at 2027-01-01T00:00:00Z --roots "$CH/roots-main.pem" "$CH/s/future-leaf.pem"
	run -2 cert-chain --no-fetch --at 2026-12-31T23:59:59Z --roots "$CH/roots-main.pem" "$CH/s/future-leaf.pem"
}
