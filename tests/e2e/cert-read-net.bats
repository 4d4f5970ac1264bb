#!/usr/bin/env bats
# cert-read over the network: tls://, http://, https:// against real servers
# on 127.0.0.1 (openssl s_server, tests/fixtures/net/httpd.py, a socket that
# accepts and never speaks).  Fixtures: tests/fixtures/net (gen.sh).
# LDAP sources are in cert-read-ldap.bats (they need the Samba harness).

bats_require_minimum_version 1.5.0
load helper

# start_bg PIDFILE CMD...: starts CMD in the background, remembers its pid.
start_bg() {
	_pf=$1
	shift
	"$@" </dev/null >/dev/null 2>&1 &
	echo $! >>"$_pf"
}

setup_file() {
	require_cmd openssl python3 jq
	N="$FIX/net"
	PIDS="$BATS_FILE_TMPDIR/pids"
	: >"$PIDS"
	# TLS endpoint 1: leaf + intermediate; a second leaf for SNI sni.certkit.test.
	TLS1=$(free_port)
	start_bg "$PIDS" openssl s_server -accept "127.0.0.1:$TLS1" -quiet \
		-cert "$N/leaf.pem" -key "$N/leaf.key" -cert_chain "$N/inter.pem" \
		-cert2 "$N/sni.pem" -key2 "$N/sni.key" -servername sni.certkit.test
	# TLS endpoint 2: only the SNI leaf, sent alone (no chain).
	TLS2=$(free_port)
	start_bg "$PIDS" openssl s_server -accept "127.0.0.1:$TLS2" -quiet \
		-cert "$N/sni.pem" -key "$N/sni.key"
	HTTP=$(free_port)
	# Every request path is logged (requests are counted).
	HITS="$BATS_FILE_TMPDIR/hits"
	start_bg "$PIDS" env CK_HTTPD_HITS="$HITS" python3 "$N/httpd.py" "$HTTP" "$N"
	HTTPS=$(free_port)
	start_bg "$PIDS" python3 "$N/httpd.py" "$HTTPS" "$N" "$N/chain.pem" "$N/leaf.key"
	# Accepts TCP connections (the kernel completes them) and never answers.
	SILENT=$(free_port)
	start_bg "$PIDS" python3 -c 'import socket,sys,time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
time.sleep(600)' "$SILENT"
	DEAD=$(free_port)
	for p in "$TLS1" "$TLS2" "$HTTP" "$HTTPS" "$SILENT"; do
		wait_port "$p" 10
	done
	export N PIDS TLS1 TLS2 HTTP HTTPS SILENT DEAD HITS
}

teardown_file() {
	[ -f "$PIDS" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$PIDS"
}

# sha256 of a PEM certificate's DER: the `id` of its cert record.
cert_id() {
	openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}

@test "cert-read tls://: the chain the server presents, leaf first, with source tls" {
	run -0 --separate-stderr cert-read "tls://127.0.0.1:$TLS1"
	[ "$(lines_of cert)" -eq 2 ]
	first=$(printf '%s\n' "$output" | sed -n 1p)
	second=$(printf '%s\n' "$output" | sed -n 2p)
	jq_eq "$first" .id "$(cert_id "$N/leaf.pem")"
	jq_eq "$first" .subject.cn localhost
	jq_eq "$first" .source.type tls
	jq_eq "$first" .source.uri "tls://127.0.0.1:$TLS1"
	jq_eq "$first" .source.index 0
	jq_eq "$second" .id "$(cert_id "$N/inter.pem")"
	jq_eq "$second" .subject.cn "certkit Net Test Intermediate"
	jq_eq "$second" .source.index 1
	[ -z "$stderr" ]
}

@test "cert-read tls://: an untrusted chain is still recorded (ingest is not validation)" {
	# Nothing trusts the fixture root, and --cacert does not matter for tls://.
	run -0 cert-read --cacert /dev/null "tls://127.0.0.1:$TLS1"
	[ "$(lines_of cert)" -eq 2 ]
}

@test "cert-read --sni NAME: the server answers with the certificate for NAME" {
	run -0 cert-read --sni sni.certkit.test "tls://127.0.0.1:$TLS1"
	[ "$(lines_of cert)" -eq 1 ]
	jq_eq "$output" .id "$(cert_id "$N/sni.pem")"
	jq_eq "$output" .subject.cn sni.certkit.test
	# Without --sni an IP literal sends no SNI: the default certificate.
	run -0 cert-read "tls://127.0.0.1:$TLS1"
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .subject.cn localhost
}

@test "cert-read tls://localhost:PORT resolves the name and sends it as SNI" {
	run -0 cert-read "tls://localhost:$TLS1"
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .subject.cn localhost
}

@test "cert-read tls://[::1]:PORT: IPv6 literal" {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null ||
		skip "no IPv6 loopback"
	p=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])')
	openssl s_server -accept "[::1]:$p" -quiet -cert "$N/leaf.pem" -key "$N/leaf.key" \
		</dev/null >/dev/null 2>&1 &
	spid=$!
	for _ in $(seq 50); do
		python3 -c 'import socket,sys; socket.create_connection(("::1", int(sys.argv[1])), 1)' "$p" 2>/dev/null && break
		sleep 0.1
	done
	run -0 cert-read "tls://[::1]:$p"
	kill "$spid"
	jq_eq "$output" .subject.cn localhost
	jq_eq "$output" .source.uri "tls://[::1]:$p"
}

@test "cert-read --jobs 4: many endpoints in parallel keep the input order" {
	run -3 --separate-stderr cert-read --jobs 4 \
		"tls://127.0.0.1:$TLS2" "tls://127.0.0.1:$TLS1" "tls://127.0.0.1:$DEAD" \
		"tls://127.0.0.1:$TLS2" "http://127.0.0.1:$HTTP/leaf.der" "tls://127.0.0.1:$TLS1"
	got=$(printf '%s\n' "$output" | jq -r '[.kind, (.source | if type == "object" then .uri + "#" + (.index | tostring) else . end), (.subject.cn // .code)] | join(" ")')
	expected="cert tls://127.0.0.1:$TLS2#0 sni.certkit.test
cert tls://127.0.0.1:$TLS1#0 localhost
cert tls://127.0.0.1:$TLS1#1 certkit Net Test Intermediate
error tls://127.0.0.1:$DEAD net
cert tls://127.0.0.1:$TLS2#0 sni.certkit.test
cert http://127.0.0.1:$HTTP/leaf.der#0 localhost
cert tls://127.0.0.1:$TLS1#0 localhost
cert tls://127.0.0.1:$TLS1#1 certkit Net Test Intermediate"
	[ "$got" = "$expected" ]
}

@test "cert-read tls://: nothing listening -> error record, exit 3, other sources still read" {
	run -3 --separate-stderr cert-read "tls://127.0.0.1:$DEAD" "$N/root.pem"
	[ "$stderr" = "cert-read: 'tls://127.0.0.1:$DEAD': connection refused" ]
	err=$(printf '%s\n' "$output" | sed -n 1p)
	jq_eq "$err" .kind error
	jq_eq "$err" .code net
	jq_eq "$err" .source "tls://127.0.0.1:$DEAD"
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .id "$(cert_id "$N/root.pem")"
}

@test "cert-read tls://: a server that never speaks TLS times out within --timeout" {
	start=$(date +%s)
	run -3 --separate-stderr cert-read --timeout 1 "tls://127.0.0.1:$SILENT" "$N/root.pem"
	elapsed=$(($(date +%s) - start))
	[ "$elapsed" -le 4 ]
	[[ "$stderr" == "cert-read: 'tls://127.0.0.1:$SILENT': timed out after 1000 ms"* ]]
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .code net
	[ "$(lines_of cert)" -eq 1 ]
}

@test "cert-read tls://: a server that answers in plain HTTP fails the handshake (code tls)" {
	run -3 --separate-stderr cert-read "tls://127.0.0.1:$HTTP"
	[[ "$stderr" == "cert-read: 'tls://127.0.0.1:$HTTP': tls handshake failed"* ]]
	jq_eq "$output" .code tls
}

@test "cert-read tls://: malformed endpoints are usage errors, not crashes" {
	for s in "tls://127.0.0.1" "tls://:443" "tls://127.0.0.1:http" "tls://[::1:443" "tls://no-such-host.invalid:443"; do
		run -3 --separate-stderr cert-read --timeout 2 "$s"
		[ "$(lines_of error)" -eq 1 ]
		[[ "$stderr" == "cert-read: '$s': "* ]]
	done
}

@test "cert-read http://: PEM bundle and DER from a loopback web server" {
	run -0 cert-read "http://127.0.0.1:$HTTP/chain.pem"
	[ "$(lines_of cert)" -eq 2 ]
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .id "$(cert_id "$N/leaf.pem")"
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .id "$(cert_id "$N/inter.pem")"
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .source.type url
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .source.uri "http://127.0.0.1:$HTTP/chain.pem"
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .source.index 1
	run -0 cert-read "http://127.0.0.1:$HTTP/leaf.der"
	jq_eq "$output" .id "$(cert_id "$N/leaf.pem")"
}

@test "cert-read http://: redirects are followed up to 3, not beyond, never to other schemes" {
	run -0 cert-read "http://127.0.0.1:$HTTP/redirect/3/leaf.der"
	jq_eq "$output" .id "$(cert_id "$N/leaf.pem")"
	run -3 --separate-stderr cert-read "http://127.0.0.1:$HTTP/redirect/4/leaf.der"
	[ "$stderr" = "cert-read: 'http://127.0.0.1:$HTTP/redirect/4/leaf.der': more than 3 redirects" ]
	run -3 --separate-stderr cert-read "http://127.0.0.1:$HTTP/ftp-redirect"
	[[ "$stderr" == *"unsupported protocol"* ]]
	[ "$(lines_of cert)" -eq 0 ]
}

@test "cert-read http://: a redirect is followed from its Location, each URL fetched once" {
	# The engine reads the first answer, libcurl goes on from its Location
	# with the redirects left; the libcurl path (CERTKIT_NET_ENGINE=0)
	# makes the same requests.  Before, the engine's redirect was fetched
	# again by libcurl from the start: 5 requests for 4 URLs.
	for e in 1 0; do
		tag="once-$BATS_TEST_NUMBER-$e"
		CERTKIT_NET_ENGINE=$e run -0 cert-read --no-pem "http://127.0.0.1:$HTTP/redirect/3/leaf.der?$tag"
		jq_eq "$output" .id "$(cert_id "$N/leaf.pem")"
		jq_eq "$output" .source.uri "http://127.0.0.1:$HTTP/redirect/3/leaf.der?$tag"
		grep "?$tag\$" "$HITS" >"$BATS_TEST_TMPDIR/hits-$e"
		printf '/redirect/%s/leaf.der?%s\n' 3 "$tag" 2 "$tag" 1 "$tag" >"$BATS_TEST_TMPDIR/want"
		printf '/leaf.der?%s\n' "$tag" >>"$BATS_TEST_TMPDIR/want"
		diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/hits-$e"
		# Four redirects are one too many on both paths, after the same requests.
		tag="four-$BATS_TEST_NUMBER-$e"
		CERTKIT_NET_ENGINE=$e run -3 --separate-stderr cert-read "http://127.0.0.1:$HTTP/redirect/4/leaf.der?$tag"
		[ "$stderr" = "cert-read: 'http://127.0.0.1:$HTTP/redirect/4/leaf.der?$tag': more than 3 redirects" ]
		[ "$(grep -c "?$tag\$" "$HITS")" -eq 4 ]
	done
}

@test "cert-read http://: 404 is an error with the status, exit 3" {
	run -3 --separate-stderr cert-read "http://127.0.0.1:$HTTP/missing.pem" "$N/root.pem"
	[ "$stderr" = "cert-read: 'http://127.0.0.1:$HTTP/missing.pem': http status 404" ]
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .code net
	[ "$(lines_of cert)" -eq 1 ]
}

@test "cert-read http://: a response over the 16 MiB cap is refused (streamed and announced)" {
	for path in huge huge-cl; do
		run -3 --separate-stderr cert-read "http://127.0.0.1:$HTTP/$path"
		[ "$stderr" = "cert-read: 'http://127.0.0.1:$HTTP/$path': response larger than 16777216 bytes" ]
		jq_eq "$output" .code limit
	done
}

@test "cert-read http://: nothing listening -> connection refused" {
	run -3 --separate-stderr cert-read "http://127.0.0.1:$DEAD/x.pem"
	[ "$stderr" = "cert-read: 'http://127.0.0.1:$DEAD/x.pem': connection refused" ]
}

@test "cert-read http://: a server that never answers times out within --timeout" {
	start=$(date +%s)
	run -3 --separate-stderr cert-read --timeout 1 "http://127.0.0.1:$SILENT/x.pem"
	elapsed=$(($(date +%s) - start))
	[ "$elapsed" -le 4 ]
	[ "$stderr" = "cert-read: 'http://127.0.0.1:$SILENT/x.pem': timed out after 1000 ms" ]
}

@test "cert-read https://: verified with --cacert, refused without, accepted with --insecure" {
	url="https://127.0.0.1:$HTTPS/leaf.der"
	run -0 cert-read --cacert "$N/root.pem" "$url"
	jq_eq "$output" .id "$(cert_id "$N/leaf.pem")"
	# The name is checked too: localhost is in the SAN.
	run -0 cert-read --cacert "$N/root.pem" "https://localhost:$HTTPS/leaf.der"
	run -3 --separate-stderr cert-read "$url"
	[[ "$stderr" == "cert-read: '$url': server certificate not trusted: "* ]]
	jq_eq "$output" .code tls
	# A CA file that does not hold the issuer's root.
	run -3 --separate-stderr cert-read --cacert "$N/sni.pem" "$url"
	jq_eq "$output" .code tls
	run -0 cert-read --insecure "$url"
	jq_eq "$output" .id "$(cert_id "$N/leaf.pem")"
}

@test "cert-read https://: a CA file that cannot be read is a tls error, not a crash" {
	run -3 --separate-stderr cert-read --cacert "$BATS_TEST_TMPDIR/none.pem" "https://127.0.0.1:$HTTPS/leaf.der"
	jq_eq "$output" .code tls
}

@test "cert-read: unsupported URL schemes are refused without a connection" {
	run -3 --separate-stderr cert-read "ftp://127.0.0.1:$HTTP/leaf.pem"
	[ "$(lines_of error)" -eq 1 ]
	jq_eq "$output" .code usage
}

@test "cert-read ldap://: nothing listening -> connection refused (code net)" {
	run -3 --separate-stderr cert-read "ldap://127.0.0.1:$DEAD/CN=x?cACertificate?base"
	[ "$stderr" = "cert-read: 'ldap://127.0.0.1:$DEAD/CN=x?cACertificate?base': connection refused" ]
	jq_eq "$output" .code net
}

@test "cert-read ldap(s)://: a server that never answers times out within --timeout" {
	for scheme in ldap ldaps; do
		src="$scheme://127.0.0.1:$SILENT/CN=x?cACertificate?base"
		start=$(date +%s)
		run -3 --separate-stderr cert-read --timeout 1 "$src"
		elapsed=$(($(date +%s) - start))
		[ "$elapsed" -le 4 ]
		[[ "$stderr" == "cert-read: '$src': "*"timed out after 1000 ms" ]]
	done
}

@test "cert-read ldaps://: a TLS server with an untrusted certificate -> code tls" {
	src="ldaps://127.0.0.1:$TLS1/CN=x?cACertificate?base"
	run -3 --separate-stderr cert-read --timeout 3 "$src"
	[[ "$stderr" == "cert-read: '$src': tls handshake failed"* ]]
	jq_eq "$output" .code tls
}

@test "cert-read ldap://: URLs without a host or an attribute are usage errors" {
	for s in "ldap:///CN=x?cACertificate" "ldap://127.0.0.1:$DEAD/CN=x" "ldap://127.0.0.1:$DEAD/CN=x?a?sideways"; do
		run -3 --separate-stderr cert-read "$s"
		jq_eq "$output" .code usage
	done
}

@test "cert-read network output validates against the record schemas" {
	[ -f "$CK_TOP/tests/schema/validate.py" ] && [ -f "$CK_TOP/tests/schema/cert.schema.json" ] ||
		skip "no schema validator yet"
	cert-read "tls://127.0.0.1:$TLS1" "http://127.0.0.1:$HTTP/chain.pem" "tls://127.0.0.1:$DEAD" 2>/dev/null |
		python3 "$CK_TOP/tests/schema/validate.py"
}

@test "cert-read tls://: the engine and the thread pool give the same records in the same order" {
	# Open, closed, silent, not TLS, a name, IPv6, and non-tls sources between
	# them (they split the run: the engine reads each run of tls:// sources).
	set -- "tls://127.0.0.1:$TLS1" "tls://127.0.0.1:$DEAD" "tls://127.0.0.1:$TLS2" \
		"tls://127.0.0.1:$SILENT" "http://127.0.0.1:$HTTP/leaf.der" \
		"tls://127.0.0.1:$HTTP" "tls://localhost:$TLS1" "$N/leaf.pem" \
		"tls://127.0.0.1:99999" "tls://127.0.0.1" "tls://[::1]:$DEAD" "tls://127.0.0.1:$TLS2"
	# --timeout 3: long enough for the real handshakes on a busy machine.
	run -3 --separate-stderr cert-read --timeout 3 --jobs 4 "$@"
	engine_out=$output engine_err=$stderr
	CERTKIT_NET_ENGINE=0 run -3 --separate-stderr cert-read --timeout 3 --jobs 4 "$@"
	[ "$(lines_of cert)" -eq 8 ]
	[ "$(lines_of error)" -eq 6 ]
	diff <(printf '%s\n' "$engine_out") <(printf '%s\n' "$output")
	diff <(printf '%s\n' "$engine_err") <(printf '%s\n' "$stderr")
}

@test "cert-read http(s)://: the engine and libcurl give the same records and messages" {
	# Verified and refused https, 404, refused, a redirect (the engine hands
	# it to libcurl), the cap, chunked, a slow drip, a TLS server spoken to in
	# plain HTTP, a silent peer, a name that does not resolve, a file between.
	set -- "https://127.0.0.1:$HTTPS/leaf.der" "https://localhost:$HTTPS/chain.pem" \
		"http://127.0.0.1:$HTTP/missing.pem" "http://127.0.0.1:$DEAD/x.pem" \
		"http://127.0.0.1:$HTTP/redirect/2/chain.pem" "http://127.0.0.1:$HTTP/huge-cl" \
		"http://127.0.0.1:$HTTP/chunked/chain.pem" "https://127.0.0.1:$HTTPS/chunked/leaf.der" \
		"$N/leaf.pem" "http://127.0.0.1:$HTTP/slow/chain.pem" "http://127.0.0.1:$TLS2/x" \
		"http://127.0.0.1:$SILENT/x" "http://no-such-host.invalid/x" \
		"http://127.0.0.1:$HTTP/leaf der" "http://[::1]:$DEAD/x" "http://127.0.0.1:$HTTP/leaf.der#frag"
	for ca in "$N/root.pem" "$N/sni.pem"; do
		run -3 --separate-stderr cert-read --timeout 3 --cacert "$ca" "$@"
		engine_out=$output engine_err=$stderr
		CERTKIT_NET_ENGINE=0 run -3 --separate-stderr cert-read --timeout 3 --cacert "$ca" "$@"
		diff <(printf '%s\n' "$engine_out") <(printf '%s\n' "$output")
		diff <(printf '%s\n' "$engine_err") <(printf '%s\n' "$stderr")
	done
	# sni.pem trusts none of the https: 2 (redirect) + 2 (chunked) + 1 (file)
	# + 2 (slow) + 1 (fragment) certificates; root.pem adds 4 from https.
	[ "$(lines_of cert)" -eq 8 ]
	[[ "$stderr" == *"'https://127.0.0.1:$HTTPS/leaf.der': server certificate not trusted: "* ]]
	run -3 --separate-stderr cert-read --timeout 3 --cacert "$N/root.pem" "$@"
	[ "$(lines_of cert)" -eq 12 ]
	[ "$(lines_of error)" -eq 8 ]
	[[ "$stderr" == *"'http://127.0.0.1:$SILENT/x': timed out after 3000 ms"* ]]
	[[ "$stderr" == *"'http://127.0.0.1:$HTTP/huge-cl': response larger than 16777216 bytes"* ]]
	[[ "$stderr" == *"'http://127.0.0.1:$TLS2/x': "* ]]
	# A drip slower than --timeout is a timeout on both paths.
	for e in 1 0; do
		CERTKIT_NET_ENGINE=$e run -3 --separate-stderr cert-read --timeout 1 "http://127.0.0.1:$HTTP/slow/chain.pem"
		[ "$stderr" = "cert-read: 'http://127.0.0.1:$HTTP/slow/chain.pem': timed out after 1000 ms" ]
	done
}

@test "cert-read http://: redirects are read by libcurl beside the engine, their records in place" {
	# The first redirect ends in a stall (libcurl waits out --timeout) while
	# the slow sources beside it go on; the second lands between them.
	set -- "http://127.0.0.1:$HTTP/redirect/1/stall"
	for i in $(seq 1 20); do
		set -- "$@" "http://127.0.0.1:$HTTP/slow/leaf.der?$i"
		[ "$i" -eq 10 ] && set -- "$@" "http://127.0.0.1:$HTTP/redirect/2/chain.pem"
	done
	run -3 --separate-stderr cert-read --no-pem --timeout 2 "$@"
	[ "$stderr" = "cert-read: 'http://127.0.0.1:$HTTP/redirect/1/stall': timed out after 2000 ms" ]
	[ "$(lines_of cert)" -eq 22 ]
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .kind error
	jq_eq "$(printf '%s\n' "$output" | sed -n 11p)" .source.uri "http://127.0.0.1:$HTTP/slow/leaf.der?10"
	jq_eq "$(printf '%s\n' "$output" | sed -n 12p)" .source.uri "http://127.0.0.1:$HTTP/redirect/2/chain.pem"
	jq_eq "$(printf '%s\n' "$output" | sed -n 13p)" .source.index 1
	jq_eq "$(printf '%s\n' "$output" | sed -n 14p)" .source.uri "http://127.0.0.1:$HTTP/slow/leaf.der?11"
}

@test "cert-read http://: 400 URLs at once through the engine, in input order, as libcurl reads them" {
	for i in $(seq 1 100); do
		printf '%s\n' "http://127.0.0.1:$HTTP/chain.pem?$i" "http://127.0.0.1:$HTTP/missing?$i" \
			"http://127.0.0.1:$HTTP/leaf.der?$i" "http://127.0.0.1:$DEAD/x?$i"
	done >"$BATS_TEST_TMPDIR/urls"
	mapfile -t urls <"$BATS_TEST_TMPDIR/urls"
	run -3 --separate-stderr cert-read --no-pem "${urls[@]}"
	engine_out=$output
	[ "$(lines_of cert)" -eq 300 ]
	[ "$(lines_of error)" -eq 200 ]
	jq -r 'if (.source | type) == "object" then .source.uri else .source end' <<<"$output" | uniq >"$BATS_TEST_TMPDIR/order"
	diff "$BATS_TEST_TMPDIR/urls" "$BATS_TEST_TMPDIR/order"
	CERTKIT_NET_ENGINE=0 run -3 --separate-stderr cert-read --no-pem "${urls[@]}"
	diff <(printf '%s\n' "$engine_out") <(printf '%s\n' "$output")
}

@test "cert-read --jobs: up to 10000 (network sources), 0 and 10001 refused" {
	run -0 cert-read --jobs 10000 "tls://127.0.0.1:$TLS2"
	[ "$(lines_of cert)" -eq 1 ]
	run -3 --separate-stderr cert-read --jobs 10001 "tls://127.0.0.1:$TLS2"
	[[ "$stderr" == *"10000"* ]]
	run -3 cert-read --jobs 0 "tls://127.0.0.1:$TLS2"
}

@test "cert-read tls://: 600 sources through the engine, in input order" {
	# One s_server answers one connection at a time: the engine queues on it.
	: >"$BATS_TEST_TMPDIR/want"
	set --
	for i in $(seq 300); do
		set -- "$@" "tls://127.0.0.1:$TLS2" "tls://127.0.0.1:$DEAD"
		printf 'cert tls://127.0.0.1:%s\nerror tls://127.0.0.1:%s\n' "$TLS2" "$DEAD" >>"$BATS_TEST_TMPDIR/want"
	done
	run -3 --separate-stderr cert-read --no-pem --timeout 60 --jobs 300 "$@"
	printf '%s\n' "$output" | jq -r '[.kind, (.source | if type == "object" then .uri else . end)] | join(" ")' >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "cert-read https://: a verified fetch keeps the system's TLS policy (a TLS 1.0 server is refused, as libcurl does); --insecure reads it" {
	p=$(free_port)
	(cd "$N" && exec openssl s_server -accept "127.0.0.1:$p" -WWW -tls1 -cipher 'ALL:@SECLEVEL=0' \
		-cert leaf.pem -key leaf.key -cert_chain inter.pem -quiet >/dev/null 2>&1) &
	echo $! >>"$PIDS"
	wait_port "$p"
	run -3 --separate-stderr cert-read --no-pem --cacert "$N/root.pem" "https://127.0.0.1:$p/leaf.pem"
	jq_eq "$output" .code tls
	run -3 --separate-stderr env CERTKIT_NET_ENGINE=0 cert-read --no-pem --cacert "$N/root.pem" "https://127.0.0.1:$p/leaf.pem"
	jq_eq "$output" .code tls
	run -0 cert-read --no-pem --insecure "https://127.0.0.1:$p/leaf.pem"
	jq_eq "$output" .id "$(cert_id "$N/leaf.pem")"
}
