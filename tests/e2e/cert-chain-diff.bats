#!/usr/bin/env bats
# Differential tests: for every scenario in tests/fixtures/chain/scenarios.tsv,
# cert-chain's verdict must equal `openssl verify`'s (same roots, time and
# purpose) and GnuTLS `certtool --verify`'s where it applies, and both must
# equal the expected verdict written in the table.

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
	cert-chain "${args[@]}" "$CH/s/$1.pem" >/dev/null 2>&1
	case $? in 0) echo valid ;; 2) echo invalid ;; *) echo "error($?)" ;; esac
}

verdict_openssl() {
	local tmp=$BATS_TEST_TMPDIR/$1 args=(-attime "$(at_epoch)" -CAfile "$CH/roots-$2.pem")
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

@test "cert-chain: verdicts equal openssl verify's on every scenario" {
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
