#!/usr/bin/env bats
# cert-amt hello and roots.  No AMT firmware can run here: the Hello
# messages come from tests/harness/amt_hello.py, a stand-in for firmware
# that sends the real 807-byte message captured from a device and generated
# variants (tests/fixtures/amt/gen.sh).  The provisioning chains are real
# (issued by cert-issue), the roots are Debian's ca-certificates.
bats_require_minimum_version 1.5.0
load helper

A="$BATS_TEST_DIRNAME/../fixtures/amt"
HELLO="$BATS_TEST_DIRNAME/../harness/amt_hello.py"

setup() {
	require_cmd python3 jq ss
}

# wait_listen PORT: waits until something listens on PORT (without
# connecting: a probe would count as one of the listener's connections).
wait_listen() {
	for _ in $(seq 100); do
		[ -n "$(ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.1
	done
	echo "port $1 never opened" >&2
	return 1
}

# listen_start ARGS...: cert-amt hello --listen 127.0.0.1:PORT ARGS in the
# background, output in $BATS_TEST_TMPDIR/out; sets PORT and LPID.
listen_start() {
	PORT=$(free_port)
	cert-amt hello --listen "127.0.0.1:$PORT" "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	LPID=$!
	wait_listen "$PORT"
}

# listen_wait: waits for the listener (at most 20 s) and sets $status/$output.
listen_wait() {
	for _ in $(seq 200); do
		kill -0 "$LPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$LPID" 2>/dev/null; then
		kill "$LPID"
		echo "listener still running" >&2
		return 1
	fi
	status=0
	wait "$LPID" || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	mapfile -t lines <"$BATS_TEST_TMPDIR/out"
}

@test "hello --decode: the real 807-byte message from a device" {
	run -0 cert-amt hello --decode "$A/hello-real.bin"
	jq_eq "$output" .kind amt_hello
	jq_eq "$output" .uuid 939b524b-13d4-1d18-e487-1c697a6b7a2b
	jq_eq "$output" .admin_credentials_set true
	jq_eq "$output" .hello_version 3
	jq_eq "$output" .retry_count 0
	jq_eq "$output" '.hashes | length' 23
	jq_eq "$output" '[.hashes[].alg] | unique | join(",")' sha256
	jq_eq "$output" '.hashes[0].hex' c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4
	jq_eq "$output" .address null
	jq_eq "$output" 'has("trusted_root")' false
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "hello --decode: hex text (as pasted into a ticket) and stdin decode the same" {
	raw=$(cert-amt hello --decode "$A/hello-real.bin")
	run -0 cert-amt hello --decode "$A/hello-real.hex"
	[ "$output" = "$raw" ]
	run -0 bash -c "cert-amt hello --decode - < '$A/hello-real.bin'"
	[ "$output" = "$raw" ]
}

@test "hello --decode: every malformed message is an error record with its reason, exit 3" {
	while IFS='|' read -r v code reason; do
		run -3 --separate-stderr cert-amt hello --decode "$A/hello-$v.bin"
		jq_eq "$output" .kind error
		jq_eq "$output" .code "$code"
		[[ "$output" == *"$reason"* ]] || { echo "$v: '$output' lacks '$reason'" >&2; return 1; }
	done <<'X'
truncated|parse|truncated: 500 bytes end inside hash 14 of 23
oversize|limit|16001 bytes: over the 16000-byte limit
count-high|parse|the hash count says 30
count-low|parse|612 bytes after the last of 5 hashes
type0|parse|type 0 is not 1 (SHA-1), 2 (SHA-256) or 3 (SHA-384)
type4|parse|type 4 is not 1
type255|parse|type 255 is not 1
size-mismatch|parse|size 20 does not match its type SHA-256 (32 bytes)
version4|parse|hello version 4 is not 3
admin2|parse|admin credentials flag is 2
X
	run -3 --separate-stderr cert-amt hello --decode "$BATS_TEST_TMPDIR/missing.bin"
	jq_eq "$output" .code io
}

@test "hello --provisioning-chain: a lab root the real device does not trust is critical" {
	run -2 cert-amt hello --decode "$A/hello-real.bin" --provisioning-chain "$A/prov-chain.pem"
	jq_eq "$output" .trusted_root null
	jq_eq "$output" '.findings[0].rule' amt.root_not_trusted
	jq_eq "$output" '.findings[0].severity' critical
	jq_eq "$output" '.findings[0].subject' 'CN=Lab AMT Provisioning Root,O=Example'
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "hello --provisioning-chain: a device that lists the lab root trusts it (PEM and PKCS#12)" {
	run -0 cert-amt hello --decode "$A/hello-lab.bin" --provisioning-chain "$A/prov-chain.pem"
	jq_eq "$output" .trusted_root.subject 'CN=Lab AMT Provisioning Root,O=Example'
	jq_eq "$output" .trusted_root.alg sha256
	jq_eq "$output" "$(printf '.trusted_root.hex == "%s"' "$(openssl x509 -in "$A/lab-root.pem" -outform DER | sha256sum | cut -c1-64)")" true
	jq_eq "$output" 'has("findings")' false
	run -0 cert-amt hello --decode "$A/hello-lab.bin" --provisioning-chain "$A/prov.p12" --password-file "$A/p12-password.txt"
	jq_eq "$output" .trusted_root.alg sha256
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
	# A wrong password is an input that could not be read: reported, and the message is still judged.
	run -2 --separate-stderr env PW=wrong cert-amt hello --decode "$A/hello-lab.bin" --provisioning-chain "$A/prov.p12" --password-env PW
	[ "$(lines_of error)" -eq 1 ]
	[ "$(lines_of amt_hello)" -eq 1 ]
}

@test "hello --provisioning-chain: a chain without its root cannot be matched" {
	run -2 cert-amt hello --decode "$A/hello-lab.bin" --provisioning-chain "$A/prov-leaf.pem"
	jq_eq "$output" .trusted_root null
	jq_eq "$output" '.findings[0].rule' amt.provisioning_chain_no_root
}

@test "roots: 17 of Debian's roots are in the real device's list, each with its hash" {
	run -0 cert-amt roots --hello "$A/hello-real.bin" --roots "$A/debian-roots.pem"
	[ "$(lines_of cert)" -eq 20 ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.amt_hello_match != null)' | grep -c .)" -eq 17 ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.amt_hello_match == null)' | grep -c .)" -eq 3 ]
	run -0 bash -c "cert-amt roots --hello '$A/hello-real.bin' --roots '$A/debian-roots.pem' | jq -r 'select(.subject.cn == \"DigiCert Global Root G2\") | .amt_hello_match.hex'"
	[ "$output" = "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f" ]
	cert-amt roots --hello "$A/hello-real.bin" --roots "$A/debian-roots.pem" | python3 "$CK_TOP/tests/schema/validate.py"
	# A root given twice (a bundle and its copy, as /etc/ssl/certs holds them) is judged once.
	cp "$A/debian-roots.pem" "$BATS_TEST_TMPDIR/copy.pem"
	run -0 cert-amt roots --hello "$A/hello-real.bin" --roots "$A/debian-roots.pem" --roots "$BATS_TEST_TMPDIR/copy.pem"
	[ "$(lines_of cert)" -eq 20 ]
}

@test "roots: none of the given roots accepted is critical; a bad message is unknown" {
	run -2 cert-amt roots --hello "$A/hello-real.bin" --roots "$A/lab-root.pem"
	jq_eq "$output" .amt_hello_match null
	run -0 cert-amt roots --hello "$A/hello-lab.bin" --roots "$A/lab-root.pem"
	jq_eq "$output" .amt_hello_match.alg sha256
	run -3 --separate-stderr cert-amt roots --hello "$A/hello-type4.bin" --roots "$A/lab-root.pem"
	jq_eq "$output" .kind error
}

@test "usage: each command takes only its own options, and needs its inputs" {
	run -3 cert-amt hello
	run -3 cert-amt hello --decode "$A/hello-real.bin" --listen 9971
	run -3 cert-amt hello --hello "$A/hello-real.bin"
	run -3 cert-amt roots --decode "$A/hello-real.bin"
	run -3 cert-amt roots --hello "$A/hello-real.bin"
	run -3 cert-amt hello --listen nowhere:9971
	run -3 cert-amt hello --decode x extra
	run -0 cert-amt --help
	[[ "$output" == *"cert-amt roots --hello FILE --roots DIR|FILE"* ]]
}

@test "man cert-amt: EXAMPLES run on the real message and a lab provisioning certificate" {
	cd "$BATS_TEST_TMPDIR"
	cp "$A/hello-real.bin" hello.bin
	cp "$A/hello-real.hex" hello.hex
	cp "$A/debian-roots.pem" roots.pem
	cp "$A/lab-root.pem" vendor-root.pem
	cp "$A/prov.p12" provisioning.p12
	cp "$A/p12-password.txt" pw.txt
	run -2 cert-amt hello --decode hello.bin --provisioning-chain provisioning.p12 --password-file pw.txt
	jq_eq "$output" '.findings[0].rule' amt.root_not_trusted
	run -0 bash -c "cert-amt hello --decode hello.hex --roots roots.pem | jq -r '.hashes[] | select(.subject) | .subject'"
	[ "${#lines[@]}" -eq 17 ]
	[[ "$output" == *"CN=DigiCert Global Root G2"* ]]
	[ -f /etc/ssl/certs/ca-certificates.crt ] || skip "no system bundle"
	run -0 bash -c "cert-amt roots --hello hello.bin --roots /etc/ssl/certs/ca-certificates.crt --format text | grep -v '^-'"
	[[ "$output" == *"sha256   CN=DigiCert Global Root G2"* ]]
	run -2 bash -c "cert-amt roots --hello hello.bin --roots vendor-root.pem && echo 'the device accepts it'"
	[[ "$output" != *accepts* ]]
	cp "$A/debian-roots.pem" vendor-root.pem
	run -0 bash -c "cert-amt roots --hello hello.bin --roots vendor-root.pem && echo 'the device accepts it'"
	[ "${lines[-1]}" = "the device accepts it" ]
}

@test "man cert-amt: the listener example on port 9971" {
	# The example listens on every address: any listener on 9971 (another test's) is in the way.
	[ -z "$(ss -Hltn "sport = :9971")" ] || skip "port 9971 is in use"
	cd "$BATS_TEST_TMPDIR"
	cp "$A/prov.p12" provisioning.p12
	cp "$A/p12-password.txt" pw.txt
	cert-amt hello --listen 9971 --count 1 --provisioning-chain provisioning.p12 --password-file pw.txt >out &
	LPID=$!
	wait_listen 9971
	python3 "$HELLO" send 127.0.0.1 9971 "$A/hello-lab.bin"
	status=0
	wait "$LPID" || status=$?
	[ "$status" -eq 0 ]
	jq_eq "$(cat out)" .address 127.0.0.1
	jq_eq "$(cat out)" .trusted_root.subject 'CN=Lab AMT Provisioning Root,O=Example'
}

@test "hello --listen: good and bad messages, one record each, in order; the listener goes on" {
	listen_start --count 13 --provisioning-chain "$A/prov-chain.pem"
	files=()
	for v in lab truncated oversize count-high count-low type0 type4 type255 size-mismatch \
		version4 admin2 empty real; do
		files+=("$A/hello-$v.bin")
	done
	python3 "$HELLO" send 127.0.0.1 "$PORT" "${files[@]}"
	listen_wait
	[ "$status" -eq 2 ]
	[ "$(lines_of amt_hello)" -eq 3 ]
	[ "$(lines_of error)" -eq 10 ]
	jq_eq "${lines[0]}" .trusted_root.alg sha256
	jq_eq "${lines[0]}" .address 127.0.0.1
	jq_eq "${lines[1]}" .message 'truncated: 500 bytes end inside hash 14 of 23 (the hash count says 23)'
	[[ "$(jq -r .source <<<"${lines[1]}")" == 127.0.0.1:* ]]
	jq_eq "${lines[2]}" .code limit
	jq_eq "${lines[12]}" .findings[0].rule amt.root_not_trusted
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "hello --listen: a slowloris sender is cut at its deadline while others are served" {
	listen_start --count 2 --timeout 1
	python3 "$HELLO" send 127.0.0.1 "$PORT" "$A/hello-real.bin" --slow 0.3 &
	slow=$!
	sleep 0.2
	python3 "$HELLO" send 127.0.0.1 "$PORT" "$A/hello-lab.bin"
	start=$SECONDS
	listen_wait
	kill "$slow" 2>/dev/null || true
	[ "$status" -eq 3 ]
	jq_eq "${lines[0]}" .kind amt_hello
	jq_eq "${lines[1]}" .kind error
	[[ "${lines[1]}" == *"timed out after 1000 ms with "*" bytes received"* ]]
	[ $((SECONDS - start)) -le 3 ]
}

@test "hello --listen: 1000 connections at once are all served" {
	listen_start --count 1000 --timeout 20
	python3 "$HELLO" send 127.0.0.1 "$PORT" "$A/hello-real.bin" --parallel 1000
	listen_wait
	[ "$status" -eq 0 ]
	[ "$(lines_of amt_hello)" -eq 1000 ]
	[ "$(printf '%s\n' "$output" | jq -r .uuid | sort -u)" = 939b524b-13d4-1d18-e487-1c697a6b7a2b ]
}

@test "hello --listen: --max-connections keeps the rest waiting, not refused" {
	listen_start --count 50 --max-connections 4
	python3 "$HELLO" send 127.0.0.1 "$PORT" "$A/hello-lab.bin" --parallel 50
	listen_wait
	[ "$status" -eq 0 ]
	[ "$(lines_of amt_hello)" -eq 50 ]
}

@test "cert-amt hello --listen on a port in use: one message, exit 3 (the password was freed twice)" {
	port=$(free_port)
	python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$port)); s.listen(); time.sleep(5)" &
	held=$!
	wait_port "$port"
	run -3 cert-amt hello --listen "$port" --count 1 --provisioning-chain "$A/prov.p12" --password-file "$A/p12-password.txt"
	kill "$held" 2>/dev/null || true
	[ "$output" = "cert-amt: cannot listen on '$port': Address already in use" ]
}

@test "hello --listen: out of file descriptors (limit 40), 100 connections at once still all served" {
	PORT=$(free_port)
	(ulimit -Sn 40 && ulimit -Hn 40 && exec cert-amt hello --listen "127.0.0.1:$PORT" --count 100 --timeout 10) \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	LPID=$!
	wait_listen "$PORT"
	python3 "$HELLO" send 127.0.0.1 "$PORT" "$A/hello-lab.bin" --parallel 100
	listen_wait
	[ "$status" -eq 0 ]
	[ "$(lines_of amt_hello)" -eq 100 ]
}

@test "hello --listen: a connection that sends nothing is an error record, 'empty'" {
	listen_start --count 1
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()' "$PORT"
	listen_wait
	[ "$status" -eq 3 ]
	jq_eq "$output" .message 'empty: no Hello message'
	jq_eq "$output" .code parse
}
