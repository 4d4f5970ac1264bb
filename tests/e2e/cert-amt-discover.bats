#!/usr/bin/env bats
# cert-amt discover.  No AMT firmware can run here: tests/harness/amt_device.py
# stands in for it on loopback addresses 127.77.N.x (one N per test), with
# the documented wire formats (the RMCP presence pong on UDP, the AMT
# Server header on the plain and TLS web ports) and a real certificate
# chain issued by cert-issue (tests/fixtures/amt/gen.sh).
bats_require_minimum_version 1.5.0
load helper

A="$BATS_TEST_DIRNAME/../fixtures/amt"
DEVICE="$BATS_TEST_DIRNAME/../harness/amt_device.py"

setup() {
	require_cmd python3 jq
	NET="127.77.$((BATS_TEST_NUMBER + 10))"
	HTTP=$(free_port)
	TLS=$(free_port)
	RMCP=$(free_port)
	PORTS="$HTTP,$TLS/tls"
	DPIDS=""
	READY=""
}

teardown() {
	for p in $DPIDS; do kill "$p" 2>/dev/null || true; done
}

# device ADDRESSES [ARGS...]: starts the firmware stand-in on ADDRESSES (A
# or A-B); ready waits for every one started.
device() {
	addrs=$1
	shift
	READY="$READY $BATS_TEST_TMPDIR/ready.$RANDOM$RANDOM"
	python3 "$DEVICE" --addresses "$addrs" --http-port "$HTTP" --tls-port "$TLS" \
		--rmcp-port "$RMCP" --cert "$A/web.pem" --key "$A/web.key" --ready "${READY##* }" "$@" \
		>/dev/null 2>&1 &
	DPIDS="$DPIDS $!"
}

ready() {
	for _ in $(seq 150); do
		all=1
		for r in $READY; do [ -f "$r" ] || all=0; done
		[ $all = 1 ] && return 0
		sleep 0.1
	done
	echo "a device stand-in did not start" >&2
	return 1
}

# discover ARGS...: cert-amt discover on the test's ports.
discover() {
	cert-amt discover --ports "$PORTS" --rmcp-port "$RMCP" --timeout 2 "$@"
}

@test "discover: an AMT device by RMCP, HTTP and TLS, and the chain it presents" {
	device "$NET.1"
	ready
	run -0 discover --rmcp "$NET.1"
	[ "$(lines_of amt)" -eq 1 ]
	[ "$(lines_of cert)" -eq 2 ]
	jq_eq "${lines[0]}" .found true
	jq_eq "${lines[0]}" .host "$NET.1"
	jq_eq "${lines[0]}" .address "$NET.1"
	jq_eq "${lines[0]}" .version 7.1.91
	jq_eq "${lines[0]}" .major 7
	jq_eq "${lines[0]}" .minor 1
	jq_eq "${lines[0]}" .provisioning_state post
	jq_eq "${lines[0]}" ".ports[\"$HTTP\"]" open
	jq_eq "${lines[0]}" ".ports[\"$TLS\"]" open
	jq_eq "${lines[0]}" '.method | join(",")' rmcp,http,tls
	jq_eq "${lines[0]}" .tls.port "$TLS"
	jq_eq "${lines[0]}" '.findings | length' 0
	jq_eq "${lines[1]}" .source.uri "tls://$NET.1:$TLS"
	jq_eq "${lines[1]}" .source.type tls
	jq_eq "${lines[1]}" .subject.cn amt01.corp.example
	jq_eq "${lines[2]}" .source.index 1
	jq_eq "${lines[2]}" .subject.cn 'Lab AMT Provisioning Root'
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "discover: RMCP alone says version and provisioning state (pre, in)" {
	device "$NET.1" --state pre --version 5.0.1 --http-port 0 --tls-port 0
	device "$NET.2" --state in --http-port 0 --tls-port 0
	ready
	run -0 discover --rmcp "$NET.1" "$NET.2"
	jq_eq "${lines[0]}" .provisioning_state pre
	jq_eq "${lines[0]}" .major 5
	jq_eq "${lines[0]}" .version null
	jq_eq "${lines[0]}" '.method | join(",")' rmcp
	jq_eq "${lines[1]}" .provisioning_state in
	jq_eq "${lines[1]}" ".ports[\"$HTTP\"]" closed
}

@test "discover | cert-chain --policy amt | cert-expiry: the device's chain is judged and watched" {
	device "$NET.1-$NET.3"
	ready
	run -0 bash -c "cert-amt discover --ports $PORTS --timeout 2 $NET.1-3 | cert-chain --policy amt --roots '$A/lab-root.pem' | cert-expiry --warn 30 --crit 7"
	[ "$(lines_of amt)" -eq 3 ]
	[ "$(lines_of chain)" -eq 3 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "chain") | .status' | sort -u)" = ok ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "chain") | .expiry.status' | sort -u)" = ok ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "chain") | .expiry.not_after' | sort -u)" = 2028-01-01T00:00:00Z ]
}

@test "discover: firmware below 3.2.1 is amt.version_unsupported (critical)" {
	device "$NET.1" --version 3.2.0
	device "$NET.2" --version 3.2.1
	ready
	run -2 discover "$NET.1" "$NET.2"
	jq_eq "${lines[0]}" .findings[0].rule amt.version_unsupported
	jq_eq "${lines[0]}" .findings[0].severity critical
	[[ "$(jq -r .findings[0].ref <<<"${lines[0]}")" == *cc161963* ]]
	jq_eq "${lines[3]}" .version 3.2.1
	jq_eq "${lines[3]}" '.findings | length' 0
}

@test "discover: the version's AMT policy block judges the presented chain (4096-bit root)" {
	python3 "$DEVICE" --addresses "$NET.1" --http-port "$HTTP" --tls-port "$TLS" --rmcp-port 0 \
		--cert "$A/web-bigca.pem" --key "$A/web-bigca.key" --ready "$BATS_TEST_TMPDIR/r" >/dev/null 2>&1 &
	DPIDS="$DPIDS $!"
	for _ in $(seq 100); do [ -f "$BATS_TEST_TMPDIR/r" ] && break; sleep 0.1; done
	run -2 discover "$NET.1"
	jq_eq "${lines[0]}" '[.findings[].rule] | index("amt.ca_key_too_large") != null' true
	[ "$(lines_of cert)" -eq 2 ]
	run -0 bash -c "cert-amt hello --list-rules | jq -r .id"
	[[ "$output" == *amt.ca_key_too_large* ]]
	[[ "$output" == *amt.version_unsupported* ]]
	[[ "$output" == *amt.root_not_trusted* ]]
}

@test "discover --all: a host that does not answer is a result with why, not an error" {
	run -0 discover --rmcp --all "$NET.9"
	[ "$(lines_of amt)" -eq 1 ]
	jq_eq "$output" .found false
	jq_eq "$output" ".ports[\"$HTTP\"]" closed
	jq_eq "$output" '.reasons | length' 3
	run -0 discover --rmcp "$NET.9"
	[ -z "$output" ]
	printf '%s\n' "$(discover --rmcp --all "$NET.9")" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "discover: bad RMCP replies (short, spoofed tag, no AMT bit, silence) are not AMT" {
	n=0
	for mode in short spoofed-tag no-amt-bit silent; do
		n=$((n + 1))
		device "$NET.$n" --rmcp-mode "$mode" --http-port 0 --tls-port 0
	done
	ready
	run -0 discover --rmcp --retries 2 --all --timeout 1 "$NET.1-4"
	[ "$(printf '%s\n' "$output" | jq -r .found | sort -u)" = false ]
	[[ "${lines[0]}" == *"short RMCP reply: 20 bytes"* ]]
	[[ "${lines[1]}" == *"pong with tag 1, the ping had 0"* ]] || [[ "${lines[1]}" == *"pong with tag "*", the ping had "* ]]
	[[ "${lines[2]}" == *"without the AMT bit"* ]]
	[[ "${lines[3]}" == *"rmcp udp/$RMCP: timeout"* ]]
}

@test "discover: HTTP without, with a garbled or another Server header, or endless headers, is not AMT" {
	n=0
	for mode in no-server garbled nginx endless silent; do
		n=$((n + 1))
		device "$NET.$n" --http-mode "$mode" --rmcp-port 0
	done
	ready
	start=$SECONDS
	run -0 discover --all --timeout 1 "$NET.1-5"
	[ $((SECONDS - start)) -le 4 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "amt") | .found' | sort -u)" = false ]
	[ "$(lines_of cert)" -eq 0 ]
	[[ "${lines[0]}" == *"http/$HTTP: no Server header (not AMT)"* ]]
	[[ "${lines[1]}" == *"http/$HTTP: not an HTTP response"* ]]
	[[ "${lines[2]}" == *"Server is 'nginx/1.22.1' (not AMT)"* ]]
	[[ "${lines[3]}" == *"no end of the HTTP headers within 16384 bytes"* ]]
	[[ "${lines[4]}" == *"http/$HTTP: timeout"* ]]
	jq_eq "${lines[4]}" ".ports[\"$HTTP\"]" open
}

@test "discover: old firmware that speaks only TLS 1.0 with RSA key exchange, and one that resets a newer ClientHello" {
	device "$NET.1" --tls-legacy --rmcp-port 0
	device "$NET.2" --tls-old-firmware --rmcp-port 0
	ready
	run -0 discover "$NET.1" "$NET.2"
	[ "$(lines_of cert)" -eq 4 ]
	jq_eq "${lines[0]}" .found true
	jq_eq "${lines[0]}" .tls.version TLSv1
	jq_eq "${lines[0]}" .tls.legacy false
	# The second answers only the TLS 1.0/RSA retry (as MeshCentral's scanner retries).
	jq_eq "${lines[3]}" .host "$NET.2"
	jq_eq "${lines[3]}" .tls.version TLSv1
	jq_eq "${lines[3]}" .tls.cipher AES128-SHA
	jq_eq "${lines[3]}" .tls.legacy true
	jq_eq "${lines[3]}" '.method | join(",")' http,tls
	jq_eq "${lines[4]}" .source.uri "tls://$NET.2:$TLS"
}

@test "discover: targets (CIDR, ranges, @FILE), input order, bad operands reported, nothing outside the list" {
	device "$NET.1-$NET.6" --rmcp-port 0
	ready
	printf '# lab\n%s.5\n\nnot_a host\n%s.6\n' "$NET" "$NET" >hosts.txt
	run -3 --separate-stderr discover --all --jobs 3 "$NET.0/30" "$NET.3-4" @hosts.txt 10.0.0.0/8 "$NET.9-2"
	[ "$(lines_of error)" -eq 3 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "amt") | .host' | tr '\n' ' ')" = "$NET.1 $NET.2 $NET.3 $NET.4 $NET.5 $NET.6 " ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "error") | .source' | tr '\n' ' ')" = "hosts.txt:4 10.0.0.0/8 $NET.9-2 " ]
	[[ "$stderr" == *"blocks larger than /16 are refused"* ]]
	jq_eq "$(printf '%s\n' "$output" | grep '"host":"'"$NET.5"'"')" .source hosts.txt:2
	run -3 cert-amt discover
}

@test "discover: 200 hosts in input order, bounded concurrency" {
	device "$NET.1-$NET.200" --rmcp-port 0
	ready
	run -0 discover --jobs 16 "$NET.1-200"
	[ "$(lines_of amt)" -eq 200 ]
	[ "$(lines_of cert)" -eq 400 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "amt") | .host' | awk -F. '{print $4}' | tr '\n' ' ')" = "$(seq 1 200 | tr '\n' ' ')" ]
}

@test "man cert-amt: the discover EXAMPLES on AMT's own ports (16992, 16993, 623)" {
	for a in 127.0.1.1 127.0.1.2; do
		for p in 16992 16993; do
			if (exec 3<>"/dev/tcp/$a/$p") 2>/dev/null; then skip "port $a:$p is in use"; fi
		done
	done
	HTTP=16992 TLS=16993 RMCP=623
	device 127.0.1.1-127.0.1.2 --state in
	ready
	cd "$BATS_TEST_TMPDIR"
	cp "$A/lab-root.pem" lab-root.pem
	printf '127.0.1.1\n127.0.1.2\n127.0.1.3\n' >amt-hosts.txt
	run -0 cert-amt discover --rmcp --format text @amt-hosts.txt
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "127.0.1.1"*"127.0.1.1"*"7.1.91"*"in"* ]]
	run -0 bash -c "cert-amt discover @amt-hosts.txt | cert-chain --policy amt --roots lab-root.pem | cert-expiry --warn 30 --crit 7"
	[ "$(lines_of chain)" -eq 2 ]
	run -0 bash -c "cert-amt discover --all @amt-hosts.txt | jq -c 'select(.found == false) | {host, reasons}'"
	[ "${#lines[@]}" -eq 1 ]
	jq_eq "$output" .host 127.0.1.3
}

@test "discover: RMCP pings are retried (a device whose first two answers are lost)" {
	device "$NET.1" --rmcp-drop 2 --http-port 0 --tls-port 0
	ready
	run -0 discover --rmcp --retries 3 --all --timeout 2 "$NET.1"
	jq_eq "$output" .found true
	jq_eq "$output" .provisioning_state post
	device "$NET.2" --rmcp-drop 2 --http-port 0 --tls-port 0
	ready
	run -0 discover --rmcp --retries 2 --all --timeout 1 "$NET.2"
	jq_eq "$output" .found false
}

@test "discover: progress on a terminal, never in pipes" {
	require_cmd script
	run -0 script -qec "cert-amt discover --ports $HTTP --timeout 2 $NET.0/22 > /dev/null" /dev/null
	[[ "$output" == *"cert-amt: 1000 hosts"* ]]
	run -0 --separate-stderr cert-amt discover --ports "$HTTP" --timeout 2 "$NET.0/22"
	[ -z "$stderr" ]
}

@test "discover: stops probing once its output pipe is closed" {
	start=$SECONDS
	run bash -c "cert-amt discover --all --ports $HTTP --timeout 2 $NET.0/16 | head -n 1"
	[ "${#lines[@]}" -eq 1 ]
	jq_eq "${lines[0]}" .kind amt
	# 65 534 hosts would take several seconds; the first record ends it.
	[ $((SECONDS - start)) -le 3 ]
}
