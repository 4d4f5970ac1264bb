#!/usr/bin/env bats
# The rule registry (ck_ruledef.h): every finding id a tool emits is in its
# --list-rules; and the one AMT policy: cert-chain --policy amt and cert-lint's
# amt-provisioning profile give the same amt.* verdicts on the same chains
# for every version block of policy/amt.json.
bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"
S="$CH/s"
L="$FIX/lint"

# emitted_not_listed TOOL: ids in $output's findings that TOOL --list-rules lacks.
emitted_not_listed() {
	listed=$("$1" --list-rules | jq -r .id | sort -u)
	printf '%s\n' "$output" | jq -r '.findings[]?.rule' | sort -u | while read -r id; do
		printf '%s\n' "$listed" | grep -qxF "$id" || echo "$id"
	done
}

@test "rules: every id cert-chain emits is in cert-chain --list-rules" {
	all=""
	for opts in "" "--policy amt --amt-version 3.2.1" "--policy amt --amt-version 16" \
		"--policy amt --amt-version 22" "--no-sha1 --max-depth 3 --min-bits 2048 --ca-key-alg rsa --max-ca-bits 2048" \
		"--amt-hashes $CK_TOP/policy/amt-root-hashes.json --purpose server --host other.example"; do
		# shellcheck disable=SC2086
		run cert-chain --no-fetch --roots "$CH/roots-all.pem" $opts "$S"/*.pem
		all="$all$output"$'\n'
	done
	# certificate policies and CRLs (tests/fixtures/rfc5280)
	R="$FIX/rfc5280"
	run cert-chain --no-fetch --roots "$R/root.pem" --explicit-policy "$R"/pol-*.pem
	all="$all$output"$'\n'
	for c in int-revoked int-stale int-critext; do
		run cert-chain --no-fetch --roots "$R/root.pem" --crl "$R/crl/root.pem" --crl "$R/crl/$c.pem" "$R/crl-good.pem"
		all="$all$output"$'\n'
	done
	output=$all
	for id in chain.no_explicit_policy chain.invalid_policy_extension chain.revoked chain.revocation_unknown; do
		printf '%s\n' "$output" | jq -r '.findings[]?.rule' | grep -qxF "$id"
	done
	[ "$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | sort -u | wc -l)" -gt 20 ]
	missing=$(emitted_not_listed cert-chain)
	[ -z "$missing" ] || { echo "not in the registry: $missing"; false; }
}

@test "rules: every id cert-lint emits is in cert-lint --list-rules" {
	all=""
	for p in default amt-provisioning amt-web-server amt-8021x adcs oob-2007; do
		run sh -c "cat '$L'/certs/*.pem | cert-read - | cert-lint --profile $p --amt-version 16"
		all="$all$output"$'\n'
		run sh -c "jq -c . '$L'/templates/*.json | cert-lint --profile $p"
		all="$all$output"$'\n'
	done
	output=$(printf '%s\n' "$all" | grep '^{')
	[ "$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | sort -u | wc -l)" -gt 20 ]
	missing=$(emitted_not_listed cert-lint)
	[ -z "$missing" ] || { echo "not in the registry: $missing"; false; }
}

@test "rules: every check and finding id cert-prereq emits is in cert-prereq --list-rules" {
	P="$FIX/prereq"
	big=$(cert-read "$P/oob-ca-big.pem" | jq -c .)
	jq -c --argjson c "$big" 'if .kind == "ca" then .cert = $c elif .kind == "template" then .acl += [{"sid": "S-1-5-11", "allow": true, "rights": ["enroll"]}] else . end' \
		"$P/export.jsonl" >"$BATS_TEST_TMPDIR/x.jsonl"
	run cert-prereq --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' --ca-config "$P/getreg.txt" \
		"$P/export.jsonl" "$BATS_TEST_TMPDIR/x.jsonl"
	output=$(printf '%s\n' "$output" | grep '^{' | jq -c 'select(.kind == "prereq")')
	listed=$(cert-prereq --list-rules | jq -r .id | sort -u)
	# The checks themselves, then their evidence (approve.* included: the approval reasons).
	missing=$(printf '%s\n' "$output" | jq -r '.check, .findings[]?.rule' |
		sort -u | while read -r id; do printf '%s\n' "$listed" | grep -qxF "$id" || echo "$id"; done)
	[ -z "$missing" ] || { echo "not in the registry: $missing"; false; }
	[ "$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | grep -c '^amt.ca_key_too_large$')" -ge 1 ]
	# the approval reasons are among the evidence checked above
	[ "$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | grep -c '^approve\.')" -ge 1 ]
}

@test "rules: every id cert-approve emits is in cert-approve --list-rules" {
	A="$FIX/approve"
	all=""
	for c in "" "--ca-config $A/getreg-disp-1.txt" "--ca-config $A/getreg-disp-101.txt" "--ca-config $A/getreg-all.txt"; do
		for who in 'CORP\SITESRV01$' 'CORP\nobody' S-1-5-21-1-2-3-4; do
			# shellcheck disable=SC2086
			run --separate-stderr cert-approve --requester "$who" $c "$A/records.jsonl"
			all="$all$output"$'\n'
		done
	done
	output=$(printf '%s\n' "$all" | grep '^{' | jq -c '.findings = .reasons')
	[ "$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | sort -u | wc -l)" -ge 5 ]
	missing=$(emitted_not_listed cert-approve)
	[ -z "$missing" ] || { echo "not in the registry: $missing"; false; }
}

@test "rules: the registry says a missing id (the check can fail)" {
	output='{"kind":"chain","findings":[{"rule":"chain.no_such_rule"}]}'
	[ "$(emitted_not_listed cert-chain)" = chain.no_such_rule ]
}

# verdicts: "id severity" lines of the amt.* findings of chain records, worst per id.
verdicts() {
	jq -r 'select(.kind == "chain") | .findings[]? | select(.rule | startswith("amt.")) |
		"\(.rule) \(.severity)"' | sort -u |
		awk '{ if (!($1 in s) || $2 == "critical") s[$1] = $2 } END { for (k in s) print k, s[k] }' | sort
}

@test "rules: cert-chain --policy amt and cert-lint agree for every AMT version block" {
	vers=$(jq -r '.versions[].from' "$CK_TOP/policy/amt.json")
	[ "$(printf '%s\n' "$vers" | wc -l)" -ge 4 ]
	n=0
	for v in $vers 21 99; do
		for f in ok rsa4096-root rsa4096-intermediate rsa3072-chain sha1-leaf sha1-intermediate \
			rsa1024-leaf ec-chain ec-leaf-rsa-ca long-4 ed25519-leaf; do
			out=$(cert-chain --no-fetch --roots "$CH/roots-all.pem" --policy amt --amt-version "$v" "$S/$f.pem" || true)
			a=$(printf '%s\n' "$out" | verdicts)
			b=$(printf '%s\n' "$out" | jq -c 'del(.findings)' | cert-lint --profile amt-provisioning \
				--amt-version "$v" | verdicts || true)
			if [ "$a" != "$b" ]; then
				echo "AMT $v, $f: cert-chain [$a] cert-lint [$b]"
				false
			fi
			[ -z "$a" ] || n=$((n + 1))
		done
	done
	# the comparison saw findings, not only silence
	[ "$n" -gt 20 ]
}

@test "rules: every id cert-amt emits is in cert-amt --list-rules (firmware stand-in: tests/harness/amt_device.py)" {
	require_cmd python3
	A="$FIX/amt"
	http=$(free_port)
	tls=$(free_port)
	python3 "$CK_TOP/tests/harness/amt_device.py" --addresses 127.77.200.1 --http-port "$http" \
		--tls-port "$tls" --rmcp-port 0 --version 3.2.0 --cert "$A/web-bigca.pem" \
		--key "$A/web-bigca.key" --ready "$BATS_TEST_TMPDIR/r1" >/dev/null 2>&1 &
	d1=$!
	python3 "$CK_TOP/tests/harness/amt_device.py" --addresses 127.77.200.2 --http-port "$http" \
		--tls-port "$tls" --rmcp-port 0 --version 16.1.25 --cert "$A/web-bigca.pem" \
		--key "$A/web-bigca.key" --ready "$BATS_TEST_TMPDIR/r2" >/dev/null 2>&1 &
	d2=$!
	for _ in $(seq 100); do [ -f "$BATS_TEST_TMPDIR/r1" ] && [ -f "$BATS_TEST_TMPDIR/r2" ] && break; sleep 0.1; done
	run cert-amt discover --ports "$http,$tls/tls" --timeout 2 127.77.200.1-2
	kill "$d1" "$d2"
	all="$output"$'\n'
	run cert-amt hello --decode "$A/hello-real.bin" --provisioning-chain "$A/prov-chain.pem"
	all="$all$output"$'\n'
	run cert-amt hello --decode "$A/hello-lab.bin" --provisioning-chain "$A/prov-leaf.pem"
	output="$all$output"
	[ "$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | sort -u | wc -l)" -ge 4 ]
	listed=$(cert-amt hello --list-rules | jq -r .id | sort -u)
	missing=$(printf '%s\n' "$output" | jq -r '.findings[]?.rule' | sort -u | while read -r id; do
		printf '%s\n' "$listed" | grep -qxF "$id" || echo "$id"
	done)
	[ -z "$missing" ] || { echo "not in the registry: $missing"; false; }
}
