#!/usr/bin/env bats
# make demo (tests/demo.sh): judged at a fixed time that fits its sample PKI,
# whatever today's date is.

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	# The demo runs once for every test of this file; without CERTKIT_NOW, as
	# `make demo` does on a user's machine.
	out="$BATS_FILE_TMPDIR/demo.out"
	env -u CERTKIT_NOW CK_BUILD="$CK_BUILD" sh "$CK_TOP/tests/demo.sh" >"$out" 2>&1 || true
	dir=$(sed -n 's/^# done: files are in //p' "$out")
	echo "$dir" >"$BATS_FILE_TMPDIR/dir"
}

teardown_file() {
	dir=$(cat "$BATS_FILE_TMPDIR/dir")
	case $dir in /tmp/certkit-demo.*) rm -rf "$dir" ;; esac
}

@test "demo: says the fixed time it is judged at, and runs to the end" {
	out="$BATS_FILE_TMPDIR/demo.out"
	grep -qx '# judged at CERTKIT_NOW=2026-06-01T00:00:00Z (the sample.s dates are fixed; not today.s clock)' "$out"
	grep -q '^# done: files are in /tmp/certkit-demo\.' "$out"
}

@test "demo: the AMT web server certificate is 14 days from expiry, not judged by today's clock" {
	out="$BATS_FILE_TMPDIR/demo.out"
	grep -q "^CERT WARNING - 0 expired, 0 critical, 1 warning, 7 ok; soonest: amt01.corp.example.com (14.0d left)" "$out"
	run -1 grep -q 'EXPIRED' "$out"
}

@test "demo: prints the path of the report it wrote" {
	out="$BATS_FILE_TMPDIR/demo.out"
	dir=$(cat "$BATS_FILE_TMPDIR/dir")
	grep -qx "# the report: $dir/report/report.html" "$out"
	[ -s "$dir/report/report.html" ]
}

# chromium ARGS...: headless Chromium with nothing from the network and a
# fresh profile (flags as for any headless CI run).
chromium_run() {
	prof=$(mktemp -d "$BATS_TEST_TMPDIR/chromium.XXXXXX")
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" "$@" 2>/dev/null
}

@test "demo report in a real browser: renders to a PNG of the expected size that is not blank" {
	require_cmd chromium python3
	dir=$(cat "$BATS_FILE_TMPDIR/dir")
	png="$BATS_TEST_TMPDIR/report.png"
	chromium_run --window-size=1024,1400 --hide-scrollbars --screenshot="$png" "file://$dir/report/report.html"
	# WIDTH HEIGHT COLOURS INK (per mille of pixels that are not white)
	read -r w h colours ink < <(python3 "$CK_TOP/tests/harness/png.py" "$png")
	[ "$w" -eq 1024 ] && [ "$h" -eq 1400 ]
	# A blank page is one colour; the report has text, badges and the chart.
	[ "$colours" -gt 50 ] || { echo "only $colours colours" >&2; return 1; }
	[ "$ink" -gt 50 ] || { echo "only $ink per mille ink" >&2; return 1; }
}

@test "demo report in a real browser: the DOM has every section and one timeline mark per certificate" {
	require_cmd chromium
	dir=$(cat "$BATS_FILE_TMPDIR/dir")
	run -0 chromium_run --dump-dom "file://$dir/report/report.html"
	dom=$output
	for s in summary expiry chains findings approvals prereq devices adcs; do
		[[ "$dom" == *"<section id=\"$s\">"* ]] || { echo "no section $s" >&2; return 1; }
	done
	# Marks: each certificate once (by id) wherever it appears, and each CRL.
	want=$(jq -r 'if .kind == "cert" then .id elif .kind == "chain" then .certs[]?.id
		elif .kind == "ca" then .cert.id // empty elif .kind == "crl" then "crl \(input_line_number)"
		else empty end' "$dir/report/records.jsonl" | sort -u | wc -l)
	[ "$want" -ge 6 ]
	[ "$(printf '%s' "$dom" | grep -o '<circle class="mark ' | wc -l)" -eq "$want" ]
	# The checklist: one row per prereq record, two of them red.
	[ "$(printf '%s' "$dom" | grep -o '<tr class="check ' | wc -l)" -eq "$(jq -r 'select(.kind == "prereq") | .check' "$dir/report/records.jsonl" | wc -l)" ]
	[ "$(printf '%s' "$dom" | grep -o '<tr class="check st-CRITICAL"' | wc -l)" -eq 2 ]
	[[ "$dom" == *'<section id="devices">'* ]]
	[[ "$dom" == *"<h1>certkit demo: Contoso AMT PKI</h1>"* ]]
}
