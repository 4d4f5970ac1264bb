#!/usr/bin/env bats
# cert-report end-to-end tests: the page's sections, order and counts,
# escaping, determinism, bad input; in a real browser (Debian's chromium,
# headless) for what only a browser can say.  The time is fixed
# (CERTKIT_NOW=2026-06-01T00:00:00Z from the helper).

bats_require_minimum_version 1.5.0
load helper

setup() {
	E="$FIX/expiry"
	TMP="$BATS_TEST_TMPDIR"
}

# chromium_dom FILE: the DOM chromium builds from FILE, serialised.  No
# network, no profile, no GPU (flags as for any headless CI run).
chromium_dom() {
	prof=$(mktemp -d "$TMP/chromium.XXXXXX")
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --dump-dom "file://$1" 2>/dev/null
}

# hostile: records whose strings try to break out of the HTML.
hostile() {
	cat <<'JSONL'
{"kind":"cert","v":1,"id":"aa11","serial":"01","subject":{"dn":"CN=<script>alert(1)</script>","cn":"<script>alert(1)</script>"},"issuer":{"dn":"CN=Evil \"CA\" & Co","cn":"Evil \"CA\" & Co"},"not_before":"2026-01-01T00:00:00Z","not_after":"2026-06-20T00:00:00Z","key":{"alg":"rsa","bits":2048},"source":{"type":"file","uri":"x<y>.pem","index":0}}
{"kind":"template","v":1,"name":"Web \"Server\" & <b>Co</b>","display_name":"' onmouseover='alert(3)","findings":[{"rule":"adcs.esc1","severity":"critical","message":"<img src=x onerror=alert(2)>","ref":"a & b","subject":"Web \"Server\" & <b>Co</b>"}]}
{"kind":"chain","v":1,"id":"c1","path":["aa11"],"status":"critical","findings":[{"rule":"chain.untrusted","severity":"critical","message":"</li></ol><script>alert(4)</script>","subject":"<script>alert(1)</script>"}]}
JSONL
}

@test "cert-report: --help prints the synopsis; usage errors exit 3" {
	run -0 cert-report --help
	[[ "$output" == "usage: cert-report [--title TEXT] [--at TIME] [--from TIME] [--to TIME]"* ]]
	run -3 --separate-stderr cert-report --at yesterday </dev/null
	[[ "$stderr" == "cert-report: --at: "* ]]
	run -3 --separate-stderr cert-report --warn soon </dev/null
	[[ "$stderr" == "cert-report: --warn: "* ]]
	run -3 --separate-stderr cert-report --from 2027-01-01T00:00:00Z --to 2026-01-01T00:00:00Z </dev/null
	[[ "$stderr" == "cert-report: --from/--to: the timeline must end after it starts"* ]]
}

@test "cert-report: everything from the records is HTML-escaped (CN <script>, a template name with \" and &)" {
	hostile >"$TMP/h.jsonl"
	run -0 --separate-stderr cert-report --title 'Site "A" & <B>' "$TMP/h.jsonl"
	# The page has no script element, no img, no injected attribute.
	[[ "$output" != *"<script"* ]]
	[[ "$output" != *"<img"* ]]
	[[ "$output" != *"<b>"* ]]
	[[ "$output" != *"' onmouseover='"* ]]
	[[ "$output" == *"<title>Site &quot;A&quot; &amp; &lt;B&gt;</title>"* ]]
	[[ "$output" == *"&lt;script&gt;alert(1)&lt;/script&gt;"* ]]
	[[ "$output" == *"Web &quot;Server&quot; &amp; &lt;b&gt;Co&lt;/b&gt;"* ]]
	[[ "$output" == *"&lt;img src=x onerror=alert(2)&gt;"* ]]
	[[ "$output" == *"&#39; onmouseover=&#39;alert(3)"* ]]
	[[ "$output" == *"Evil &quot;CA&quot; &amp; Co"* ]]
	[[ "$output" == *"x&lt;y&gt;.pem"* ]]
	# Nothing to fetch: no src=, no href= but the page's own anchors, no url(.
	[ "$(printf '%s' "$output" | grep -oE '<[a-z]+ [^>]*src=' | wc -l)" -eq 0 ]
	[ "$(printf '%s' "$output" | grep -o 'href="[^#]' | wc -l)" -eq 0 ]
	[[ "$output" != *"url("* ]]
	[[ "$output" == *"Content-Security-Policy\" content=\"default-src 'none'"* ]]
}

@test "cert-report: the escaped strings are text in a real browser (chromium --dump-dom)" {
	require_cmd chromium
	hostile >"$TMP/h.jsonl"
	cert-report --title 'Site "A" & <B>' -o "$TMP/h.html" "$TMP/h.jsonl"
	run -0 chromium_dom "$TMP/h.html"
	# The browser parsed no script, img or b element out of the records ...
	[ "$(printf '%s' "$output" | grep -c '<script')" -eq 0 ]
	[ "$(printf '%s' "$output" | grep -c '<img')" -eq 0 ]
	[ "$(printf '%s' "$output" | grep -c '<b>')" -eq 0 ]
	# ... and shows them as text (the DOM serialiser escapes < again).
	[[ "$output" == *"&lt;script&gt;alert(1)&lt;/script&gt;"* ]]
	[[ "$output" == *'Web "Server" &amp; &lt;b&gt;Co&lt;/b&gt;'* ]]
	[[ "$output" == *"<title>Site \"A\" &amp; &lt;B&gt;</title>"* ]]
	# The chain finding that tried to close the tree did not: the tree is intact.
	[[ "$output" == *"&lt;/li&gt;&lt;/ol&gt;&lt;script&gt;alert(4)"* ]]
}

@test "cert-report: the same input gives the same bytes" {
	{ cert-read "$E"/*.pem 2>/dev/null || true; hostile; } >"$TMP/in.jsonl"
	cert-report --title t -o "$TMP/a.html" "$TMP/in.jsonl"
	cert-report --title t <"$TMP/in.jsonl" >"$TMP/b.html"
	CERTKIT_NOW=2026-06-01T00:00:00Z LC_ALL=C.UTF-8 TZ=Pacific/Auckland cert-report --title t "$TMP/in.jsonl" >"$TMP/c.html"
	cmp "$TMP/a.html" "$TMP/b.html"
	cmp "$TMP/a.html" "$TMP/c.html"
	# ... and another time gives other bytes (the test can fail).
	cert-report --title t --at 2026-06-02T00:00:00Z "$TMP/in.jsonl" >"$TMP/d.html"
	run -1 cmp -s "$TMP/a.html" "$TMP/d.html"
}

@test "cert-report: expiry timeline has one mark per certificate, coloured by state, and the table is sorted by days left" {
	# bundle.pem repeats ok, warn and crit: each certificate is one mark;
	# future.pem is not yet valid, a warning.
	cert-read "$E"/ok.pem "$E"/warn.pem "$E"/crit.pem "$E"/expired.pem "$E"/future.pem "$E"/bundle.pem "$E"/nocn-ou.pem >"$TMP/in.jsonl" 2>/dev/null
	run -0 cert-report "$TMP/in.jsonl"
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark ' | wc -l)" -eq 6 ]
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark expired"' | wc -l)" -eq 2 ]
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark critical"' | wc -l)" -eq 1 ]
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark warning"' | wc -l)" -eq 2 ]
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark ok"' | wc -l)" -eq 1 ]
	[[ "$output" == *'<title>crit.example: critical, not after 2026-06-04T00:00:00Z (3.0 days)</title>'* ]]
	# The windows are shaded: critical then warning, after now.
	[[ "$output" == *'class="win-crit"'*'class="win-warn"'* ]]
	# The table, sorted by days left.
	got=$(printf '%s\n' "$output" | sed -n '/<table class="expiry">/,/<\/table>/p' |
		grep -o '<td class="num">[^<]*' | sed 's/.*>//' | tr '\n' ' ')
	[ "$got" = "-31.0 -12.0 3.0 19.0 183.0 395.0 " ]
	[[ "$output" == *'<p class="banner s2">Exit status the pipeline would give: 2 CRITICAL</p>'* ]]
	# The CN-less root is named by its RDN, as everywhere.
	[[ "$output" == *"<td>Security Communication RootCA1</td>"* ]]
}

@test "cert-report: --at, --warn/--crit and --from/--to move the judgement and the chart" {
	cert-read "$E"/ok.pem "$E"/expired.pem >"$TMP/in.jsonl"
	run -0 cert-report --at 2026-03-01T00:00:00Z "$TMP/in.jsonl"
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark expired"' | wc -l)" -eq 0 ]
	[[ "$output" == *"Judged at 2026-03-01T00:00:00Z"* ]]
	[[ "$output" == *"Exit status the pipeline would give: 0 OK"* ]]
	run -0 cert-report --warn 200d --crit 190d "$TMP/in.jsonl"
	[ "$(printf '%s' "$output" | grep -o '<circle class="mark critical"' | wc -l)" -eq 1 ]
	# expired.pem ends 2026-05-01: outside a chart that starts 2026-05-15.
	run -0 cert-report --from 2026-05-15T00:00:00Z --to 2026-12-31T00:00:00Z "$TMP/in.jsonl"
	[ "$(printf '%s' "$output" | grep -o 'outside the chart' | wc -l)" -eq 1 ]
	[[ "$output" == *"From 2026-05-15T00:00:00Z to 2026-12-31T00:00:00Z"* ]]
}

@test "cert-report: chains leaf to anchor with the failing link highlighted" {
	R="$FIX/read"
	cert-read "$R/chain.pem" | cert-chain --roots "$R/root.pem" --max-ca-bits 1024 >"$TMP/c.jsonl" || true
	run -0 cert-report "$TMP/c.jsonl"
	tree=$(printf '%s\n' "$output" | sed -n '/<ol class="tree">/,/<\/ol>/p')
	[ "$(printf '%s\n' "$tree" | grep -c '<li ')" -eq 3 ]
	# Every CA key is above 1024 bits: the failing links are the CAs, not the leaf.
	[ "$(printf '%s\n' "$tree" | grep -c '<li class="fail"')" -eq 2 ]
	[ "$(printf '%s\n' "$tree" | sed -n 1,2p | grep -c 'class="fail"')" -eq 0 ]
	[[ "$output" == *"chain.ca_key_too_large"* ]]
	# A good chain has no failing link.
	cert-read "$R/chain.pem" | cert-chain --roots "$R/root.pem" >"$TMP/ok.jsonl"
	run -0 cert-report "$TMP/ok.jsonl"
	[[ "$output" != *'class="fail"'* ]]
	[[ "$output" == *'class="anchor"'* ]]
}

@test "cert-report: findings grouped by rule, approvals, the prerequisite checklist, devices" {
	{
		cert-lint --profile adcs "$FIX/ad/sample-export.jsonl" 2>/dev/null
		cert-approve --requester 'CORP\SITESRV01$' --ca-config "$FIX/approve/getreg-disp-101.txt" \
			"$FIX/approve/records.jsonl" | jq -c 'select(.kind == "approval")'
		cat "$FIX/report/oob-sample.jsonl"
	} >"$TMP/in.jsonl" || true
	run -0 cert-report "$TMP/in.jsonl"
	for s in summary expiry findings approvals prereq devices adcs; do
		[[ "$output" == *"<section id=\"$s\">"* ]] || { echo "no section $s" >&2; return 1; }
	done
	[[ "$output" != *'<section id="chains">'* ]]
	# One heading per rule: as many as distinct rules in the lint findings.
	rules=$(jq -r 'select(.kind != "approval" and .kind != "prereq") | .findings[]?.rule' "$TMP/in.jsonl" | sort -u | wc -l)
	[ "$(printf '%s' "$output" | grep -o '<h3 class="rule">' | wc -l)" -eq "$rules" ]
	# The checklist: every prereq record, in input order.
	[ "$(printf '%s' "$output" | grep -o '<tr class="check ' | wc -l)" -eq 7 ]
	[ "$(printf '%s\n' "$output" | grep -o '<tr class="check st-[A-Z]*"' | tr '\n' ' ')" = \
		'<tr class="check st-OK" <tr class="check st-OK" <tr class="check st-OK" <tr class="check st-CRITICAL" <tr class="check st-WARNING" <tr class="check st-UNKNOWN" <tr class="check st-OK" ' ]
	[ "$(printf '%s' "$output" | sed -n '/<section id="approvals">/,/<\/section>/p' | grep -c '^<tr><td><span class="b s-critical">pending')" -eq 4 ]
	[[ "$output" == *"<td>amt01.corp.example.com</td><td>10.0.0.21</td><td>11.8.55</td><td>post</td><td>16992: closed, 16993: open</td>"* ]]
}

@test "cert-report: tolerant of unknown kinds and missing fields; bad lines and files are errors, the page is still written" {
	printf '%s\n' '{"kind":"frobnicate","v":1}' '{"kind":"prereq","v":1}' '{"kind":"amt","v":1}' \
		'{"kind":"chain","v":1,"path":["nope"]}' '{"kind":"cert","v":1}' 'not json' >"$TMP/in.jsonl"
	run -3 --separate-stderr cert-report -o "$TMP/p.html" "$TMP/in.jsonl" "$TMP/missing.jsonl"
	[[ "$stderr" == *"cert-report: '$TMP/in.jsonl': line 6: "* ]]
	[[ "$stderr" == *"cert-report: '$TMP/missing.jsonl': No such file or directory"* ]]
	grep -q '<section id="errors">' "$TMP/p.html"
	grep -q '<code>frobnicate</code></td><td class="num">1</td>' "$TMP/p.html"
	grep -q '(not in the input)' "$TMP/p.html"
	grep -q '</html>' "$TMP/p.html"
	# No records at all: still a page, status OK.
	run -0 cert-report </dev/null
	[[ "$output" == *"Exit status the pipeline would give: 0 OK"* ]]
}

@test "man cert-report: EXAMPLES run" {
	cd "$TMP"
	mkdir issued
	cp "$E/ok.pem" "$E/warn.pem" issued/
	cp "$FIX/read/chain.pem" "$FIX/read/root.pem" .
	run -0 bash -c "cert-read issued/ | cert-report --title 'Issued certificates' -o expiry.html"
	grep -q '<h1>Issued certificates</h1>' expiry.html
	[ "$(grep -o '<circle class="mark ' expiry.html | wc -l)" -eq 2 ]
	run -0 bash -c "cert-read chain.pem | cert-chain --roots root.pem --policy amt | cert-report -o chain.html"
	grep -q '<ol class="tree">' chain.html
	cert-read issued/ >a.jsonl
	cert-read chain.pem | cert-chain --roots root.pem >b.jsonl
	run -0 bash -c "cat *.jsonl | cert-report --at 2026-06-01T00:00:00Z --from 2026-01-01T00:00:00Z --to 2027-01-01T00:00:00Z >site.html"
	grep -q 'From 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z' site.html
}
