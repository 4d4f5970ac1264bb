#!/usr/bin/env bats
# Every tool that reads records gets the same hostile standard input:
# blank lines first, broken JSON, binary bytes, a huge line, NUL bytes.
# None may crash; each broken line becomes an error record and exit 3,
# and the good record in the middle still comes out.
bats_require_minimum_version 1.5.0
load helper

hostile() {
	printf '\n\n'
	printf '{"kind":"note","v":1,"text":"keep me"}\n'
	printf '{"kind":\n'
	printf '\x00\x01\x02\xff\xfe\n'
	printf '[1,2,3]\n'
	head -c 300000 /dev/zero | tr '\0' 'x'
	printf '\n{"kind":"note","v":1,"text":"and me"}\n'
}

@test "hostile stdin: no crash, broken lines reported, good records pass through" {
	hostile >"$BATS_TEST_TMPDIR/in"
	for tool in "cert-chain" "cert-lint" "cert-expiry --format json" "cert-approve --requester S-1-5-21-1-2-3-1000"; do
		run --separate-stderr bash -c "$tool <'$BATS_TEST_TMPDIR/in'"
		echo "# $tool: exit $status" >&3
		# 3 (unknown) for the broken lines; never a signal.
		[ "$status" -eq 3 ] || { echo "$tool exited $status: $stderr" >&2; return 1; }
		printf '%s\n' "$output" | jq -e . >/dev/null
		n=$(printf '%s\n' "$output" | jq -r 'select(.kind == "note") | .text' | paste -sd '|')
		[ "$n" = "keep me|and me" ] || { echo "$tool lost records: $output" >&2; return 1; }
		[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "error") | .kind' | wc -l)" -ge 3 ]
	done
}

@test "hostile stdin: an empty first line alone is not a crash (fuzzer regression)" {
	for tool in cert-chain cert-lint cert-expiry; do
		run bash -c "printf '\nxz\n' | $tool"
		[ "$status" -eq 3 ] || { echo "$tool exited $status" >&2; return 1; }
	done
}
