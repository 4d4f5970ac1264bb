#!/usr/bin/env bats
# Hostile record streams (issue 14): nesting at and over the one depth limit,
# and every problem said once, on one line.
bats_require_minimum_version 1.5.0
load helper

# nested D: a note record whose "x" holds D-1 nested arrays (D levels with the object).
nested() {
	printf '{"kind":"note","v":1,"d":%d,"x":%s0%s}\n' "$1" \
		"$(printf '[%.0s' $(seq $(($1 - 1))))" "$(printf ']%.0s' $(seq $(($1 - 1))))"
}

@test "hostile records: one nesting limit for reading and writing; deeper lines are error records and the stream goes on" {
	{ nested 2; nested 511; nested 513; nested 2048; nested 3000; printf '{"kind":"note","v":1,"d":1}\n'; } >"$BATS_TEST_TMPDIR/in"
	for tool in cert-chain cert-lint "cert-expiry --format json" "cert-approve --requester S-1-5-21-1-2-3-1000"; do
		run --separate-stderr bash -c "$tool <'$BATS_TEST_TMPDIR/in'"
		[ "$status" -eq 3 ] || { echo "$tool: exit $status: $stderr"; return 1; }
		# jq stops at 256 levels: look at the lines with grep instead
		got=$(printf '%s\n' "$output" | grep -o '"d":[0-9]*' | paste -sd ' ')
		[ "$got" = '"d":2 "d":511 "d":1' ] || { echo "$tool passed: $got"; return 1; }
		errs=$(printf '%s\n' "$output" | grep '"kind":"error"' | jq -r '"\(.source) \(.message)"' | grep 'nested')
		[ "$errs" = "stdin line 3: record nested deeper than 512 levels (column 545)
stdin line 4: record nested deeper than 512 levels (column 546)
stdin line 5: record nested deeper than 512 levels (column 546)" ] || { echo "$tool: $errs"; return 1; }
		[ "$(printf '%s\n' "$stderr" | grep -c "^${tool%% *}: 'stdin': line [345]: record nested deeper than 512 levels")" -eq 3 ] ||
			{ echo "$tool stderr: $stderr"; return 1; }
	done
}

@test "hostile records: a broken line is one stderr line naming stream and line once, in every tool" {
	for tool in cert-chain cert-lint cert-expiry cert-approve cert-prereq; do
		[ -x "$CK_BIN/$tool" ] || continue
		args=
		[ "$tool" = cert-approve ] && args="--requester S-1-5-21-1-2-3-1000"
		run --separate-stderr bash -c "printf '{\"kind\":\"note\",\"v\":1}\n{\"kind\":\n' | $tool $args"
		line=$(printf '%s\n' "$stderr" | grep 'line 2' || true)
		[ "$line" = "$tool: 'stdin': line 2: not valid JSON: unexpected end of input (column 9)" ] ||
			{ echo "$tool: $stderr"; return 1; }
	done
}

@test "hostile records: an earlier stage's error record is passed on, said once on stderr and makes every stage exit 3" {
	rec='{"kind":"error","v":1,"source":"x.pem","message":"gone","code":"io"}'
	# (cert-report is not a stage: it shows them on its page, under Input errors.)
	for tool in cert-chain cert-lint cert-expiry cert-prereq "cert-read -"; do
		run --separate-stderr sh -c "printf '%s\\n' '$rec' | $tool"
		[ "$status" -eq 3 ] || { echo "$tool: exit $status"; return 1; }
		[ "$(printf '%s\n' "$stderr" | grep -c "^${tool%% *}: 'x.pem': gone\$")" -eq 1 ] ||
			{ echo "$tool stderr: $stderr"; return 1; }
		[ "$(printf '%s\n' "$output" | grep -c '"kind":"error"')" -eq 1 ] || { echo "$tool: $output"; return 1; }
	done
}

@test "hostile records: --at and CERTKIT_NOW errors name the option once" {
	for tool in cert-chain cert-expiry; do
		run -3 --separate-stderr "$tool" --at bogus </dev/null
		[[ "$stderr" == "$tool: --at: 'bogus' is not an RFC 3339 time"* ]] || { echo "$stderr"; return 1; }
		[[ "$stderr" != *"--at: --at"* ]]
	done
	CERTKIT_NOW=bogus run -3 --separate-stderr cert-expiry </dev/null
	[ "$stderr" = "cert-expiry: CERTKIT_NOW: 'bogus' is not an RFC 3339 time" ]
}

@test "hostile ca-config: request_disposition -1 is refused in JSON as in the certutil text form" {
	printf '{"ca":"X","request_disposition":-1}\n' >"$BATS_TEST_TMPDIR/cc.json"
	printf 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\X\\PolicyModules\\CertificateAuthority_MicrosoftDefault.Policy:\n  RequestDisposition REG_DWORD = -1\n' >"$BATS_TEST_TMPDIR/cc.txt"
	for f in cc.json cc.txt; do
		run -3 --separate-stderr cert-approve --requester S-1-5-21-1-2-3-1000 --ca-config "$BATS_TEST_TMPDIR/$f" </dev/null
		jq_eq "$output" '.code' parse
		[[ "$stderr" == *"-1"*"DWORD"* ]] || { echo "$f: $stderr"; return 1; }
	done
	# the largest DWORD is the same in both forms
	printf '{"ca":"X","request_disposition":4294967295}\n' >"$BATS_TEST_TMPDIR/max.json"
	run cert-approve --requester S-1-5-21-1-2-3-1000 --ca-config "$BATS_TEST_TMPDIR/max.json" </dev/null
	[[ "$output" != *'"code":"parse"'* ]]
}
