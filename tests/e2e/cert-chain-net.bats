#!/usr/bin/env bats
# cert-chain against real servers on loopback: AIA caIssuers over HTTP, CRLs
# (http CDP), an `openssl ocsp` responder, and servers that misbehave (never
# answer, endless body).  The PKI is made in setup_file with the committed
# keys and fixed dates, because the URLs carry the ports chosen now.
bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"

# aia_der CAISSUERS_URL [OCSP_URL]: an authorityInfoAccess extension as DER
# (pki_cert splits extension lines on ';', which the text syntax needs).
aia_der() {
	python3 - "$@" <<'PY'
import sys
def tlv(t, b):
    n = len(b)
    if n < 128:
        return bytes([t, n]) + b
    return bytes([t, 0x81 if n < 256 else 0x82]) + n.to_bytes(1 if n < 256 else 2, "big") + b
oid = {"ca": bytes.fromhex("06082b06010505073002"), "ocsp": bytes.fromhex("06082b06010505073001")}
ads = b""
if sys.argv[1] != "-":
    ads += tlv(0x30, oid["ca"] + tlv(0x86, sys.argv[1].encode()))
if len(sys.argv) > 2:
    ads += tlv(0x30, oid["ocsp"] + tlv(0x86, sys.argv[2].encode()))
print("authorityInfoAccess=DER:" + ":".join("%02X" % x for x in tlv(0x30, ads)))
PY
}

setup_file() {
	D=$BATS_FILE_TMPDIR/pki
	mkdir -p "$D/www"
	HTTP_PORT=$(free_port)
	OCSP_PORT=$(free_port)
	HANG_PORT=$(free_port)
	HUGE_PORT=$(free_port)
	DOWN_PORT=$(free_port)
	MIS_PORT=$(free_port)
	SLOW_PORT=$(free_port)
	export D HTTP_PORT OCSP_PORT HANG_PORT HUGE_PORT DOWN_PORT MIS_PORT SLOW_PORT
	H=http://127.0.0.1:$HTTP_PORT
	. "$CK_TOP/tests/fixtures/pki.sh"
	cd "$D"
	cp "$CH/pki/root.pem" "$CH/pki/root.key" .
	cp "$CH/pki/k2048b.key" nint.key
	A=20200101000000Z Z=20450101000000Z
	ca="$pki_ca_exts;crlDistributionPoints=URI:$H/root.crl"
	pki_cert nint "/O=certkit test/CN=Net Issuing CA" root x $A 20440101000000Z "$ca;$(aia_der "$H/root.der")"
	mkleaf() { # name aia-ext
		cp "$CH/pki/k2048c.key" "$1.key"
		pki_cert "$1" "/CN=$1.corp.example" nint x $A $Z "$(pki_leaf_exts "$1.corp.example");crlDistributionPoints=URI:$H/nint.crl;$2"
	}
	mkleaf good "$(aia_der "$H/nint.der" "http://127.0.0.1:$OCSP_PORT")"
	mkleaf revoked "$(aia_der "$H/nint.p7c" "http://127.0.0.1:$OCSP_PORT")"
	mkleaf hang "$(aia_der "http://127.0.0.1:$HANG_PORT/nint.der")"
	mkleaf huge "$(aia_der "http://127.0.0.1:$HUGE_PORT/nint.der")"
	mkleaf down "$(aia_der "http://127.0.0.1:$DOWN_PORT/nint.der" "http://127.0.0.1:$DOWN_PORT/ocsp")"
	mkleaf nocrl "$(aia_der "$H/nint.der")"
	# Replies that are not what was asked for (tests/harness/aia-server.py).
	M=http://127.0.0.1:$MIS_PORT
	for m in garbage trunc empty status500 redirect chunked; do
		mkleaf "mis-$m" "$(aia_der "$M/$m/nint.der")"
	done
	mkleaf mis-notfound "$(aia_der "$M/nothere.der")"
	# Many leaves, one issuer, one URL; many URLs on a silent server.
	mkdir -p shared silent many "$D/slow"
	for i in $(seq 1 30); do
		(cd shared && cp ../good.key "s$i.key" && cp ../nint.pem ../nint.key . &&
			pki_cert "s$i" "/CN=s$i.corp.example" nint x $A $Z "$(pki_leaf_exts "s$i.corp.example");$(aia_der "$M/shared-nint.der")")
	done
	for i in $(seq 1 10); do
		(cd silent && cp ../good.key "q$i.key" && cp ../nint.pem ../nint.key . &&
			pki_cert "q$i" "/CN=q$i.corp.example" nint x $A $Z "$(pki_leaf_exts "q$i.corp.example");$(aia_der "$M/hang/q$i.der")")
	done
	# Many chains whose intermediates are only reachable by AIA, each its own,
	# on a server that answers after 0.5 s (so that fetches overlap).
	for i in $(seq 1 30); do
		(cd many && cp ../root.pem ../root.key . && cp ../nint.key "i$i.key" && cp ../good.key "l$i.key" &&
			pki_cert "i$i" "/O=certkit test/CN=Issuing CA $i" root x $A 20440101000000Z "$pki_ca_exts" &&
			pki_cert "l$i" "/CN=l$i.corp.example" "i$i" x $A $Z "$(pki_leaf_exts "l$i.corp.example");$(aia_der "http://127.0.0.1:$SLOW_PORT/i$i.der")" &&
			openssl x509 -in "i$i.pem" -outform DER -out "$D/slow/i$i.der")
	done
	openssl x509 -in nint.pem -outform DER -out www/nint.der
	openssl x509 -in root.pem -outform DER -out www/root.der
	openssl crl2pkcs7 -nocrl -certfile nint.pem -outform DER -out www/nint.p7c
	cp www/nint.der www/shared-nint.der
	# Cross-signed cycle: A is issued by B and B by A; each points at the other by AIA.
	cp "$CH/pki/k2048a.key" cycA0.key; cp "$CH/pki/k2048d.key" cycB.key; cp "$CH/pki/k2048a.key" cycA.key
	pki_cert cycA0 "/CN=Cycle A" self x $A $Z "$pki_ca_exts"
	pki_cert cycB "/CN=Cycle B" cycA0 x $A $Z "$pki_ca_exts;$(aia_der "$H/cycA.der")"
	pki_cert cycA "/CN=Cycle A" cycB x $A $Z "$pki_ca_exts;$(aia_der "$H/cycB.der")"
	openssl x509 -in cycA.pem -outform DER -out www/cycA.der
	openssl x509 -in cycB.pem -outform DER -out www/cycB.der
	cp "$CH/pki/k2048c.key" cycleaf.key
	pki_cert cycleaf "/CN=cycle.corp.example" cycA x $A $Z "$(pki_leaf_exts cycle.corp.example);$(aia_der "$H/cycA.der")"
	# CRLs with fixed dates; "revoked" is revoked by the issuing CA.
	rs=$(openssl x509 -in revoked.pem -noout -serial | sed 's/.*=//')
	gs=$(openssl x509 -in good.pem -noout -serial | sed 's/.*=//')
	printf 'R\t450101000000Z\t250101000000Z,keyCompromise\t%s\tunknown\t/CN=revoked.corp.example\n' "$rs" >nint.idx
	printf 'V\t450101000000Z\t\t%s\tunknown\t/CN=good.corp.example\n' "$gs" >>nint.idx
	: >root.idx
	for ca in root nint; do
		cat >"$ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $D/$ca.idx
crlnumber = $D/$ca.crlnum
default_md = sha256
CNF
		echo 01 >"$ca.crlnum"
	done
	openssl ca -gencrl -config root.cnf -cert root.pem -keyfile root.key -crl_lastupdate 20200101000000Z -crl_nextupdate 20440101000000Z -out root.crl.pem 2>/dev/null
	openssl ca -gencrl -config nint.cnf -cert nint.pem -keyfile nint.key -crl_lastupdate 20260101000000Z -crl_nextupdate 20300101000000Z -out nint.crl.pem 2>/dev/null
	openssl crl -in root.crl.pem -outform DER -out www/root.crl
	openssl crl -in nint.crl.pem -outform DER -out www/nint.crl
	# A CRL with a broken signature, served under its own name.
	python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-1]^=1; open(sys.argv[2],"wb").write(b)' www/nint.crl www/nint-bad.crl
	cat root.pem >roots.pem
	# Servers.
	python3 -m http.server --bind 127.0.0.1 --directory "$D/www" "$HTTP_PORT" >/dev/null 2>"$D/http.log" &
	echo $! >"$D/http.pid"
	# `openssl ocsp -port` listens on every interface; to stay on loopback a
	# small HTTP front end on 127.0.0.1 hands each request to `openssl ocsp`
	# (which does all the OCSP work: parse, look up the index, sign).
	python3 - "$OCSP_PORT" "$D" >/dev/null 2>&1 <<'PY' &
import http.server, os, subprocess, sys, tempfile
port, d = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(d + "/ocsp.log", "a") as log:
            log.write(body.hex() + "\n")
        with tempfile.TemporaryDirectory() as t:
            open(t + "/req.der", "wb").write(body)
            subprocess.run(["faketime", "2026-06-01 12:00:00", "openssl", "ocsp", "-index", d + "/nint.idx", "-CA", d + "/nint.pem",
                            "-rsigner", d + "/nint.pem", "-rkey", d + "/nint.key", "-ndays", "2",
                            "-reqin", t + "/req.der", "-respout", t + "/resp.der"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            resp = open(t + "/resp.der", "rb").read() if os.path.exists(t + "/resp.der") else b""
        self.send_response(200 if resp else 500)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(resp)))
        self.end_headers()
        self.wfile.write(resp)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
	echo $! >"$D/ocsp.pid"
	python3 - "$HANG_PORT" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(50)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)   # accept, never answer
PY
	echo $! >"$D/hang.pid"
	python3 - "$HUGE_PORT" >/dev/null 2>&1 <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(50)
def serve(c):
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-cert\r\nContent-Length: 1073741824\r\n\r\n")
        chunk = b"\0" * 65536
        for _ in range(16384):   # 1 GiB, unless the client hangs up first
            c.sendall(chunk)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
	echo $! >"$D/huge.pid"
	python3 "$CK_TOP/tests/harness/aia-server.py" "$D/www" "$MIS_PORT" >/dev/null 2>&1 &
	echo $! >"$D/mis.pid"
	python3 "$CK_TOP/tests/harness/aia-server.py" "$D/slow" "$SLOW_PORT" --delay 0.5 >/dev/null 2>&1 &
	echo $! >"$D/slow.pid"
	wait_port "$HTTP_PORT"
	wait_port "$MIS_PORT"
	wait_port "$SLOW_PORT"
	wait_port "$OCSP_PORT"
	wait_port "$HANG_PORT"
	wait_port "$HUGE_PORT"
}

teardown_file() {
	for p in http ocsp hang huge mis slow; do
		[ -f "$D/$p.pid" ] && kill "$(cat "$D/$p.pid")" 2>/dev/null
	done
	true
}

rules() {
	printf '%s\n' "$output" | jq -r 'select(.kind == "chain") | .findings[].rule' | sort -u | paste -sd ' '
}

@test "cert-chain AIA: a missing intermediate is fetched over http (DER and PKCS#7)" {
	run -0 cert-chain --roots "$D/roots.pem" "$D/good.pem"
	jq_eq "$output" '.path | length' 3
	jq_eq "$output" '.certs[1].subject.cn' "Net Issuing CA"
	jq_eq "$output" '.certs[1].source.type' url
	jq_eq "$output" '.certs[1].source.uri' "http://127.0.0.1:$HTTP_PORT/nint.der"
	run -0 cert-chain --roots "$D/roots.pem" "$D/revoked.pem"
	jq_eq "$output" '.certs[1].source.uri' "http://127.0.0.1:$HTTP_PORT/nint.p7c"
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "cert-chain AIA: --no-fetch leaves the issuer missing" {
	run -2 cert-chain --no-fetch --roots "$D/roots.pem" "$D/good.pem"
	[ "$(rules)" = chain.missing_issuer ]
}

@test "cert-chain AIA: a cross-signed cycle ends, in bounded time" {
	start=$(date +%s)
	run -2 cert-chain --roots "$D/roots.pem" "$D/cycleaf.pem"
	[ $(( $(date +%s) - start )) -lt 20 ]
	jq_eq "$output" .anchor null
}

@test "cert-chain AIA: a server that never answers: warning finding, bounded by --timeout" {
	start=$(date +%s)
	run -2 --separate-stderr cert-chain --timeout 2 --roots "$D/roots.pem" "$D/hang.pem"
	[ $(( $(date +%s) - start )) -lt 10 ]
	[ "$(rules)" = "chain.aia_unreachable chain.missing_issuer" ]
}

@test "cert-chain AIA: a server sending 1 GiB is cut at the size cap" {
	start=$(date +%s)
	run -2 --separate-stderr cert-chain --timeout 20 --roots "$D/roots.pem" "$D/huge.pem"
	[ $(( $(date +%s) - start )) -lt 20 ]
	[ "$(rules)" = "chain.aia_unreachable chain.missing_issuer" ]
}

@test "cert-chain AIA: a closed port is a warning, not a crash" {
	run -2 cert-chain --timeout 2 --roots "$D/roots.pem" "$D/down.pem"
	[ "$(rules)" = "chain.aia_unreachable chain.missing_issuer" ]
}

@test "cert-chain --crl-check: good, revoked, stale, required" {
	run -0 cert-chain --crl-check --roots "$D/roots.pem" "$D/good.pem"
	jq_eq "$output" '[.revocation[] | .status + "/" + .method] | join(",")' "good/crl,good/crl"
	run -2 cert-chain --crl-check --roots "$D/roots.pem" "$D/revoked.pem"
	[ "$(rules)" = chain.revoked ]
	[[ "$(printf '%s\n' "$output" | jq -r '.findings[0].message')" == "crl: revoked on 2025-01-01T00:00:00Z" ]]
	# After the leaf CRL's nextUpdate: unknown, a warning unless required.
	run -1 cert-chain --crl-check --at 2031-01-01 --roots "$D/roots.pem" "$D/good.pem"
	[ "$(rules)" = chain.revocation_unknown ]
	[[ "$output" == *"stale"* ]]
	run -2 cert-chain --crl-check --require-revocation --at 2031-01-01 --roots "$D/roots.pem" "$D/good.pem"
	# without --crl-check nothing is asked
	run -0 cert-chain --roots "$D/roots.pem" "$D/revoked.pem"
	jq_eq "$output" '.revocation | length' 0
}

@test "cert-chain --crl: local CRLs and CDP CRLs mix" {
	# the root's CRL (for the intermediate) is not served: unknown, then given as a file
	(cd "$D/www" && mv root.crl root.crl.away)
	run -1 cert-chain --crl-check --roots "$D/roots.pem" "$D/good.pem"
	[ "$(rules)" = chain.revocation_unknown ]
	run -0 cert-chain --crl "$D/root.crl.pem" --roots "$D/roots.pem" "$D/good.pem"
	(cd "$D/www" && mv root.crl.away root.crl)
	jq_eq "$output" '[.revocation[] | .status + "/" + .method] | join(",")' "good/crl,good/crl"
	# with --no-fetch only the file is used: the leaf's CRL is missing
	run -1 cert-chain --no-fetch --untrusted "$D/nint.pem" --crl "$D/root.crl.pem" --roots "$D/roots.pem" "$D/good.pem"
	[ "$(rules)" = chain.revocation_unknown ]
}

@test "cert-chain --crl-check: a CRL with a bad signature is not trusted" {
	# serve the bad CRL under the name the leaf points at
	(cd "$D/www" && mv nint.crl nint.crl.good && cp nint-bad.crl nint.crl)
	run -1 cert-chain --crl-check --roots "$D/roots.pem" "$D/good.pem"
	(cd "$D/www" && mv nint.crl.good nint.crl)
	[ "$(rules)" = chain.revocation_unknown ]
	[[ "$output" == *"crl signature does not verify"* ]]
}

@test "cert-chain --ocsp: good and revoked from a real openssl ocsp responder" {
	require_cmd openssl
	# openssl ocsp signs with the clock (it has no option for thisUpdate), so
	# the responder runs under faketime at 2026-06-01 12:00 UTC: the test
	# never reads the wall clock.
	require_cmd faketime
	now=2026-06-01T12:00:00Z
	run -0 cert-chain --ocsp --crl-check --at "$now" --roots "$D/roots.pem" "$D/good.pem"
	jq_eq "$output" '[.revocation[] | .status + "/" + .method] | join(",")' "good/ocsp,good/crl"
	run -2 cert-chain --ocsp --at "$now" --roots "$D/roots.pem" "$D/revoked.pem"
	[[ " $(rules) " == *" chain.revoked "* ]]
	[[ "$(printf '%s\n' "$output" | jq -r '.findings[] | select(.rule=="chain.revoked") | .message')" == "ocsp: revoked on 2025-01-01T00:00:00Z (keyCompromise)" ]]
	# two days later the response (nextUpdate = now + 2 days) is stale
	later=2026-06-04T12:00:00Z
	run -1 cert-chain --ocsp --at "$later" --roots "$D/roots.pem" "$D/good.pem"
	leaf=$(printf '%s\n' "$output" | jq -r .leaf)
	jq_eq "$output" ".revocation[\"$leaf\"].reason" "ocsp response is stale"
	# with --crl-check too, the CRL answers where OCSP could not
	run -0 cert-chain --ocsp --crl-check --at "$later" --roots "$D/roots.pem" "$D/good.pem"
	jq_eq "$output" ".revocation[\"$leaf\"].method" crl
}

@test "cert-chain --ocsp: an unreachable responder is a warning, critical with --require-revocation" {
	run -1 cert-chain --ocsp --untrusted "$D/nint.pem" --no-fetch --timeout 2 --roots "$D/roots.pem" "$D/down.pem"
	[ "$(rules)" = chain.revocation_unknown ]
	run -2 cert-chain --ocsp --require-revocation --untrusted "$D/nint.pem" --no-fetch --timeout 2 --roots "$D/roots.pem" "$D/down.pem"
}

@test "cert-chain: man page EXAMPLE: a leaf alone, issuer by AIA, CRLs checked" {
	cd "$D"
	run -0 cert-chain --roots roots.pem --crl-check good.pem
	jq_eq "$output" '.path | length' 3
	jq_eq "$output" '[.revocation[].status] | join(",")' good,good
}

# The prefetch (the event-driven engine) against the path without it
# (CERTKIT_NET_ENGINE=0: one URL at a time through libcurl, as before):
# the same records, in the same order, and the same messages, byte for byte.
# The path without the engine runs with --jobs 1: with more threads, which
# of two URLs giving the same certificate is fetched first (the source it is
# recorded with) is a race there; the engine's order is the input order.
# Standard input is the file $IN (default: none).
both_ways() {
	CERTKIT_NET_ENGINE=0 run --separate-stderr cert-chain --jobs 1 "$@" <"${IN:-/dev/null}"
	local st0=$status out0=$output err0=$stderr
	run --separate-stderr cert-chain "$@" <"${IN:-/dev/null}"
	[ "$status" -eq "$st0" ] || { echo "status $status, without the engine $st0"; return 1; }
	[ "$output" = "$out0" ] || { first_diff "$out0" "$output"; return 1; }
	[ "$stderr" = "$err0" ] || { first_diff "$err0" "$stderr"; return 1; }
}

# first_diff A B: where two outputs part (a line each, from there on, cut).
first_diff() {
	python3 - "$1" "$2" <<'PY'
import sys
a, b = sys.argv[1], sys.argv[2]
i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
print("without the engine: ..." + a[max(0, i - 120):i + 200])
print("with the engine:    ..." + b[max(0, i - 120):i + 200])
PY
}

# reset_stats PORT: aia-server.py forgets its counts, once the requests of
# the run before have ended (their handlers may still be finishing).
reset_stats() {
	for _ in $(seq 50); do
		[ "$(curl -s "http://127.0.0.1:$1/_stats" | jq .open)" = 0 ] && break
		sleep 0.1
	done
	curl -s "http://127.0.0.1:$1/_reset_stats" >/dev/null
}

mis_leaves() {
	for m in garbage trunc empty status500 redirect chunked notfound; do
		printf '%s\n' "$D/mis-$m.pem"
	done
}

@test "cert-chain prefetch: the existing network inputs give the same output with and without the engine" {
	cd "$D"
	all=(good.pem revoked.pem hang.pem huge.pem down.pem nocrl.pem cycleaf.pem)
	both_ways --timeout 2 --roots roots.pem "${all[@]}"
	[ "$(printf '%s\n' "$output" | jq -s length)" -eq 7 ]
	both_ways --timeout 2 --crl-check --roots roots.pem "${all[@]}"
	both_ways --timeout 2 --no-fetch --crl-check --untrusted nint.pem --roots roots.pem "${all[@]}"
	now=2026-06-01T12:00:00Z	# the responder's faked clock (see the OCSP test)
	both_ways --timeout 2 --ocsp --crl-check --at "$now" --roots roots.pem "${all[@]}"
	[[ "$output" == *'"method":"ocsp"'* ]]
	both_ways --timeout 2 --ocsp --at "$now" --format text --roots roots.pem good.pem revoked.pem down.pem
	# records on stdin (the stream path), leaves of several files
	cert-read "${all[@]}" >"$BATS_TEST_TMPDIR/in.jsonl"
	IN=$BATS_TEST_TMPDIR/in.jsonl both_ways --timeout 2 --crl-check --roots roots.pem -
	[ "$(printf '%s\n' "$output" | jq -s length)" -eq 7 ]
}

@test "cert-chain prefetch: garbage, truncated, empty, 500, 404, redirected and chunked replies: the same words as libcurl's" {
	mapfile -t leaves < <(mis_leaves)
	both_ways --timeout 5 --roots "$D/roots.pem" "${leaves[@]}"
	msgs=$(printf '%s\n' "$output" | jq -r '.findings[] | select(.rule == "chain.aia_unreachable") | .message' | sed 's/.*nint.der.: //; s/.*nothere.der.: //')
	[[ "$msgs" == *"received HTTP/0.9 when not allowed"* ]]
	[[ "$msgs" == *"http status 500"* ]]
	[[ "$msgs" == *"http status 404"* ]]
	[[ "$msgs" == *"empty reply from server"* ]]
	# the redirect and the chunked reply give the issuer
	[ "$(printf '%s\n' "$output" | jq -r 'select(.certs | length == 3) | .certs[0].subject.cn' | sort | paste -sd ' ')" = "mis-chunked.corp.example mis-redirect.corp.example" ]
	# the engine's redirect goes on from its Location: the first URL is asked once
	reset_stats "$MIS_PORT"
	run -0 cert-chain --timeout 5 --roots "$D/roots.pem" "$D/mis-redirect.pem"
	jq_eq "$(curl -s "http://127.0.0.1:$MIS_PORT/_stats")" '[.hits["/redirect/nint.der"], .hits["/nint.der"]] | @csv' '1,1'
	# huge: cut at the cap, the same message both ways
	both_ways --timeout 20 --roots "$D/roots.pem" "$D/huge.pem"
	[[ "$output" == *"response larger than 16777216 bytes"* ]]
}

@test "cert-chain prefetch: a URL shared by 30 chains is fetched once" {
	reset_stats "$MIS_PORT"
	run -0 cert-chain --roots "$D/roots.pem" "$D"/shared/s*.pem
	[ "$(printf '%s\n' "$output" | jq -r .status | sort -u)" = ok ]
	[ "$(printf '%s\n' "$output" | jq -s length)" -eq 30 ]
	jq_eq "$(curl -s "http://127.0.0.1:$MIS_PORT/_stats")" '.hits["/shared-nint.der"]' 1
	# and so it was without the engine (the per-run cache): the same output
	out=$output
	CERTKIT_NET_ENGINE=0 run -0 cert-chain --roots "$D/roots.pem" "$D"/shared/s*.pem
	[ "$output" = "$out" ]
}

@test "cert-chain prefetch: 30 intermediates reachable only by AIA are fetched concurrently" {
	reset_stats "$SLOW_PORT"
	run -0 --separate-stderr cert-chain --roots "$D/roots.pem" "$D"/many/l*.pem
	[ "$(printf '%s\n' "$output" | jq -s '[.[] | select(.status == "ok" and (.path | length) == 3)] | length')" -eq 30 ]
	stats=$(curl -s "http://127.0.0.1:$SLOW_PORT/_stats")
	# every URL once, most of them in flight together (each answer takes 0.5 s)
	jq_eq "$stats" '[.hits[]] | add' 30
	jq_eq "$stats" '.max_open >= 20' true
	out=$output
	# without the engine: one URL at a time per worker thread, the same output
	reset_stats "$SLOW_PORT"
	CERTKIT_NET_ENGINE=0 run -0 --separate-stderr cert-chain --jobs 2 --roots "$D/roots.pem" "$D"/many/l*.pem
	[ "$output" = "$out" ]
	jq_eq "$(curl -s "http://127.0.0.1:$SLOW_PORT/_stats")" '.max_open <= 2' true
	# --jobs bounds the connections too
	reset_stats "$SLOW_PORT"
	run -0 --separate-stderr cert-chain --jobs 5 --roots "$D/roots.pem" "$D"/many/l*.pem
	[ "$output" = "$out" ]
	stats=$(curl -s "http://127.0.0.1:$SLOW_PORT/_stats")
	jq_eq "$stats" '.max_open <= 5 and .max_open >= 3' true
	run -3 cert-chain --jobs 10001 --roots "$D/roots.pem" "$D/good.pem"
}

@test "cert-chain prefetch: 10 URLs on a silent server cost one --timeout, not ten" {
	start=$(date +%s)
	run -2 --separate-stderr cert-chain --timeout 2 --roots "$D/roots.pem" "$D"/silent/q*.pem
	elapsed=$(( $(date +%s) - start ))
	# one at a time this is 10 x 2 s; fetched together, one timeout (2 s) and the checks
	[ "$elapsed" -lt 8 ]
	[ "$(printf '%s\n' "$output" | jq -r '.findings[] | select(.rule == "chain.aia_unreachable") | .message' | grep -c 'timed out after 2000 ms')" -eq 10 ]
}

@test "cert-chain prefetch: an OCSP responder is asked once per certificate and run, its answer checked each time" {
	now=2026-06-01T12:00:00Z	# the responder's faked clock (see the OCSP test)
	: >"$D/ocsp.log"
	run cert-chain --ocsp --at "$now" --roots "$D/roots.pem" "$D/good.pem" "$D/good.pem" "$D/good.pem"
	out=$output
	# one request for the three chains; the answer (nonce included) judged for each
	[ "$(wc -l <"$D/ocsp.log")" -eq 1 ]
	leaf=$(printf '%s\n' "$output" | jq -r .leaf | head -1)
	[ "$(printf '%s\n' "$output" | jq -r ".revocation[\"$leaf\"].method" | sort -u)" = ocsp ]
	[[ "$(printf '%s\n' "$output" | jq -r ".revocation[\"$leaf\"].reason // \"good\"" | sort -u)" != *nonce* ]]
	# a second run draws a new key: a new nonce
	run cert-chain --ocsp --at "$now" --roots "$D/roots.pem" "$D/good.pem"
	[ "$(sort -u "$D/ocsp.log" | wc -l)" -eq 2 ]
	# without the engine: one request per chain, each with its own random
	# nonce, and the same records
	: >"$D/ocsp.log"
	CERTKIT_NET_ENGINE=0 run cert-chain --jobs 1 --ocsp --at "$now" --roots "$D/roots.pem" "$D/good.pem" "$D/good.pem" "$D/good.pem"
	[ "$(sort -u "$D/ocsp.log" | wc -l)" -eq 3 ]
	[ "$output" = "$out" ]
}

# requested: the request lines the static server logged since the last call, sorted.
requested() {
	sed -n 's/.*"\(GET [^ ]*\) HTTP.*/\1/p' "$D/http.log" | sort
	: >"$D/http.log"
}

@test "cert-chain prefetch: the same URLs are asked as without the engine, each once per run" {
	cd "$D"
	all=(good.pem revoked.pem nocrl.pem cycleaf.pem good.pem)
	requested >/dev/null
	CERTKIT_NET_ENGINE=0 run -2 cert-chain --jobs 1 --crl-check --roots roots.pem "${all[@]}"
	before=$(requested)
	run -2 cert-chain --crl-check --roots roots.pem "${all[@]}"
	after=$(requested)
	[ "$after" = "$before" ]
	[ -z "$(printf '%s\n' "$after" | uniq -d)" ]
	[[ "$after" == *"GET /nint.der"*"GET /nint.p7c"*"GET /root.crl"* ]]
}
