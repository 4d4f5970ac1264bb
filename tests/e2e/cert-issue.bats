#!/usr/bin/env bats
# cert-issue: local CA, ledger, pending/approve/deny, revocation, CRL,
# concurrency, crash safety, and enrollment with a real `cfssl serve`.
load helper
bats_require_minimum_version 1.5.0

ISSUE_FIX="$FIX/issue"
ATTIME=$(date -d 2026-06-02T00:00:00Z +%s)

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	openssl req -new -newkey rsa:2048 -nodes -keyout amt01.key -subj "/CN=amt01.corp.example" \
		-addext "subjectAltName=DNS:amt01.corp.example" -out amt01.csr 2>/dev/null
	openssl req -new -newkey rsa:1024 -nodes -keyout small.key -subj "/CN=small.corp.example" \
		-out small.csr 2>/dev/null
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
		-subj "/CN=ec.corp.example" -out ec.csr 2>/dev/null
	# A request whose signature no longer matches: flip the last signature byte.
	openssl req -in amt01.csr -outform DER -out good.der
	python3 -c 'import sys; b=bytearray(open("good.der","rb").read()); b[-1]^=1; open("bad.der","wb").write(b)'
	cert-issue init --dir root --subject 'CN=Lab Root,O=Example' --crl-url http://127.0.0.1/root.crl >/dev/null
	cert-issue init --dir ca --parent root --subject 'CN=Lab Issuing CA,O=Example' --policy amt \
		--aia-url http://127.0.0.1/issuing.crt --crl-url http://127.0.0.1/issuing.crl >/dev/null
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	F="$BATS_FILE_TMPDIR"
	cp -r "$F/root" "$F/ca" .
	cat root/ca.pem ca/ca.pem >anchors.pem
}

# ledger_sum DIR: a digest of the ledger's content (rows, not pages).
ledger_sum() {
	sqlite3 "$1/ledger.db" .dump | sha256sum
}

@test "cert-issue: init writes a root: 0600 key, self-signed CA certificate, ledger" {
	run cert-issue init --dir r --subject 'CN=Test Root,O=Example'
	[ "$status" -eq 0 ]
	jq_eq "$output" '.kind' cert
	jq_eq "$output" '.self_signed' true
	jq_eq "$output" '.ca' true
	jq_eq "$output" '.subject.dn' 'CN=Test Root,O=Example'
	jq_eq "$output" '.not_before' '2026-06-01T00:00:00Z'
	jq_eq "$output" '.key.bits' 2048
	[ "$(stat -c %a r/ca.key)" = 600 ]
	[ -f r/ledger.db ]
	[ "$(sqlite3 r/ledger.db 'PRAGMA journal_mode')" = wal ]
	openssl verify -attime "$ATTIME" -CAfile r/ca.pem r/ca.pem
	# A second init on the same directory is refused and changes nothing.
	sum=$(sha256sum r/ca.pem)
	run cert-issue init --dir r --subject 'CN=Other'
	[ "$status" -eq 3 ]
	[[ "$output" == *"already set up"* ]]
	[ "$(sha256sum r/ca.pem)" = "$sum" ]
}

@test "cert-issue: --policy amt refuses RSA over 2048 bits and non-RSA keys (exit 2), writes nothing" {
	run cert-issue init --dir big --subject 'CN=Big' --bits 4096 --policy amt
	[ "$status" -eq 2 ]
	[[ "$output" == *"longer than 2048 bits"* ]]
	[ ! -e big/ca.key ]
	run cert-issue init --dir ecca --subject 'CN=EC' --key-type ec --policy amt
	[ "$status" -eq 2 ]
	[[ "$output" == *"RSA"* ]]
	[ ! -e ecca/ca.key ]
	run cert-issue init --dir ok --subject 'CN=OK' --bits 2048 --policy amt
	[ "$status" -eq 0 ]
	run cert-issue init --dir bad --subject 'CN=X' --policy nosuch
	[ "$status" -eq 3 ]
}

@test "cert-issue: a subordinate is signed by its parent and recorded in the parent's ledger" {
	jq_eq "$(cert-read ca/ca.pem)" '.issuer.dn' 'CN=Lab Root,O=Example'
	openssl verify -attime "$ATTIME" -CAfile root/ca.pem ca/ca.pem
	run cert-issue list --dir root --status issued
	jq_eq "$output" '.template' subordinate-ca
	jq_eq "$output" '.subject' 'CN=Lab Issuing CA,O=Example'
	# The parent's CDP goes into the subordinate certificate.
	jq_eq "$(cert-read ca/ca.pem)" '.crl_dp[0]' http://127.0.0.1/root.crl
}

@test "cert-issue: every AMT template issues a certificate that openssl verifies, with the template's EKU and key usage" {
	for t in amt-web-server amt-provisioning amt-8021x-client; do
		tf="$CK_TOP/templates/$t.json"
		args=""
		if [ "$(jq -r '.name_flag.names | index("ENROLLEE_SUPPLIES_SUBJECT") != null' "$tf")" != true ]; then
			args="--subject CN=amt01.corp.example,OU=AMT,O=Example"
		fi
		# shellcheck disable=SC2086
		run cert-issue sign --dir ca --template "$t" --csr "$F/amt01.csr" $args
		if [ "$(jq -r '(.enrollment_flag.names | index("PEND_ALL_REQUESTS") != null) or .ra_signatures > 0' "$tf")" = true ]; then
			jq_eq "$output" .status pending
			run cert-issue approve --dir ca "$(printf '%s\n' "$output" | jq -r .id)"
		fi
		[ "$status" -eq 0 ]
		printf '%s\n' "$output" | jq -r .pem >"$t.pem"
		openssl verify -attime "$ATTIME" -CAfile anchors.pem "$t.pem"
		# EKU: the template's names, in order (dotted OIDs named by cert-read when known).
		want=$(jq -c '[.eku[]]' "$tf")
		got=$(printf '%s\n' "$output" | jq -c '[.eku[]]')
		[ "$want" = "$got" ] || { echo "$t eku: want $want got $got"; return 1; }
		want=$(jq -c '.key_usage | sort' "$tf")
		got=$(printf '%s\n' "$output" | jq -c '.key_usage | sort')
		[ "$want" = "$got" ] || { echo "$t key_usage: want $want got $got"; return 1; }
		jq_eq "$output" .ca false
		jq_eq "$output" .aia.ca_issuers[0] http://127.0.0.1/issuing.crt
		jq_eq "$output" .crl_dp[0] http://127.0.0.1/issuing.crl
		[ "$(printf '%s\n' "$output" | jq -r .aki)" = "$(cert-read ca/ca.pem | jq -r .ski)" ]
		days=$(jq -r .validity_days "$tf")
		jq_eq "$output" .not_after "$(date -u -d "2026-06-01 + $days days" +%Y-%m-%dT%H:%M:%SZ)"
	done
}

@test "cert-issue: ENROLLEE_SUPPLIES_SUBJECT takes subject and SAN from the request" {
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr"
	[ "$status" -eq 0 ]
	jq_eq "$output" .subject.dn CN=amt01.corp.example
	jq_eq "$output" .san.dns[0] amt01.corp.example
	jq_eq "$output" .serial "$(printf '%s\n' "$output" | jq -r .serial)"
	[ "$(printf '%s\n' "$output" | jq -r .serial | wc -c)" -eq 33 ]
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" --subject CN=other
	[ "$status" -eq 3 ]
	[[ "$output" == *"takes the subject from the request"* ]]
}

@test "cert-issue: a template without ENROLLEE_SUPPLIES_SUBJECT uses --subject and --san, never the request's" {
	run cert-issue sign --dir ca --template "$ISSUE_FIX/fixed-subject.json" --csr "$F/amt01.csr" \
		--subject 'CN=pc1.corp.example,OU=Clients,O=Example' --san dns:pc1.corp.example,ip:10.0.0.5
	[ "$status" -eq 0 ]
	jq_eq "$output" .subject.dn 'CN=pc1.corp.example,OU=Clients,O=Example'
	jq_eq "$output" '.san.dns | join(",")' pc1.corp.example
	jq_eq "$output" '.san.ip | join(",")' 10.0.0.5
	# 1.3.6.1.4.1.311.10.3.4 (a dotted OID in the template) is EFS.
	jq_eq "$output" '.eku | join(",")' client_auth,efs
	jq_eq "$output" .not_after 2026-07-01T00:00:00Z
	run cert-issue sign --dir ca --template "$ISSUE_FIX/fixed-subject.json" --csr "$F/amt01.csr"
	[ "$status" -eq 3 ]
	[[ "$output" == *"give --subject"* ]]
	# --days overrides the template's validity.
	run cert-issue sign --dir ca --template "$ISSUE_FIX/fixed-subject.json" --csr "$F/amt01.csr" \
		--subject CN=pc2 --days 10
	jq_eq "$output" .not_after 2026-06-11T00:00:00Z
}

@test "cert-issue: PEND_ALL_REQUESTS holds the request; approve issues it, deny refuses it" {
	run cert-issue sign --dir ca --template "$ISSUE_FIX/pending.json" --csr "$F/amt01.csr" --requester 'CORP\SITESRV01$'
	[ "$status" -eq 0 ]
	jq_eq "$output" .kind request
	jq_eq "$output" .status pending
	jq_eq "$output" .template LabPending
	jq_eq "$output" .subject CN=amt01.corp.example
	jq_eq "$output" .requester 'CORP\SITESRV01$'
	id=$(printf '%s\n' "$output" | jq -r .id)
	[ "$(cert-issue list --dir ca --status pending | jq -r .id)" = "$id" ]
	[ "$(sqlite3 ca/ledger.db 'SELECT count(*) FROM certs')" -eq 0 ]
	run cert-issue approve --dir ca "$id"
	[ "$status" -eq 0 ]
	jq_eq "$output" .kind cert
	jq_eq "$output" .subject.dn CN=amt01.corp.example
	serial=$(printf '%s\n' "$output" | jq -r .serial)
	jq_eq "$(cert-issue show --dir ca "$id" | head -n 1)" .status issued
	jq_eq "$(cert-issue show --dir ca "$serial" | head -n 1)" .id "$id"
	# Approving twice is refused.
	run cert-issue approve --dir ca "$id"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not pending"* ]]
	# A second request is denied, and a denied request cannot be approved.
	id2=$(cert-issue sign --dir ca --template "$ISSUE_FIX/pending.json" --csr "$F/amt01.csr" | jq -r .id)
	run cert-issue deny --dir ca "$id2"
	[ "$status" -eq 0 ]
	jq_eq "$output" .status denied
	run cert-issue approve --dir ca "$id2"
	[ "$status" -eq 2 ]
	run cert-issue approve --dir ca 999
	[ "$status" -eq 3 ]
	# The audit trail has one line per state change.
	[ "$(sqlite3 ca/ledger.db "SELECT group_concat(action) FROM audit")" = "request,approve,request,deny" ]
}

@test "cert-issue: ra_signatures > 0 also holds the request" {
	run cert-issue sign --dir ca --template "$ISSUE_FIX/ra-signatures.json" --csr "$F/amt01.csr"
	[ "$status" -eq 0 ]
	jq_eq "$output" .status pending
}

@test "cert-issue: revoke, then a CRL that openssl verifies, with number, AKI and reason" {
	good=$(cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr")
	bad=$(cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr")
	serial=$(printf '%s\n' "$bad" | jq -r .serial)
	run cert-issue revoke --dir ca --reason key_compromise "$serial"
	[ "$status" -eq 0 ]
	jq_eq "$output" .status revoked
	jq_eq "$output" .reason key_compromise
	run cert-issue revoke --dir ca "$serial"
	[ "$status" -eq 2 ]
	run cert-issue revoke --dir ca 4000000000000000000000000000000a
	[ "$status" -eq 3 ]
	run cert-issue revoke --dir ca --reason sneezing "$serial"
	[ "$status" -eq 3 ]
	cert-issue crl --dir ca >ca.crl
	openssl crl -in ca.crl -CAfile anchors.pem -noout 2>&1 | grep -q 'verify OK'
	text=$(openssl crl -in ca.crl -noout -text)
	[[ "$text" == *"CRL Number: "*"1"* ]]
	[[ "$text" == *"Authority Key Identifier"* ]]
	[[ "$text" == *"Key Compromise"* ]]
	[[ "${text^^}" == *"${serial^^}"* ]]
	printf '%s\n' "$good" | jq -r .pem >good.pem
	printf '%s\n' "$bad" | jq -r .pem >bad.pem
	openssl verify -attime "$ATTIME" -crl_check -CRLfile ca.crl -CAfile anchors.pem good.pem
	run openssl verify -attime "$ATTIME" -crl_check -CRLfile ca.crl -CAfile anchors.pem bad.pem
	[ "$status" -ne 0 ]
	[[ "$output" == *"revoked"* ]]
	# CRL numbers increase.
	cert-issue crl --dir ca --days 1 >ca2.crl
	[[ "$(openssl crl -in ca2.crl -noout -crlnumber)" == *"0x02"* ]]
	[[ "$(openssl crl -in ca2.crl -noout -nextupdate)" == *"Jun  2 00:00:00 2026"* ]]
}

@test "cert-issue: revoked certificate fails cert-chain --crl-check with the CRL served over loopback" {
	require_cmd cert-chain
	mkdir www
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory www >/dev/null 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/http.pid"
	wait_port "$port"
	cert-issue init --dir c2 --subject 'CN=CRL CA' --crl-url "http://127.0.0.1:$port/c2.crl" >/dev/null
	revd=$(cert-issue sign --dir c2 --template amt-web-server --csr "$F/amt01.csr")
	good=$(cert-issue sign --dir c2 --template amt-web-server --csr "$F/amt01.csr")
	cert-issue revoke --dir c2 "$(printf '%s\n' "$revd" | jq -r .serial)" >/dev/null
	cert-issue crl --dir c2 | openssl crl -outform DER -out www/c2.crl
	printf '%s\n' "$revd" | jq -r .pem >revd.pem
	printf '%s\n' "$good" | jq -r .pem >good.pem
	run cert-chain --roots c2/ca.pem --crl-check --at 2026-06-02T00:00:00Z revd.pem
	echo "$output"
	[ "$status" -eq 2 ]
	jq_eq "$output" .status critical
	[[ "$output" == *chain.revoked* ]]
	run cert-chain --roots c2/ca.pem --crl-check --at 2026-06-02T00:00:00Z good.pem
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "cert-issue: a key below the template's min_key_bits is refused (exit 2), ledger untouched" {
	before=$(ledger_sum ca)
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/small.csr"
	[ "$status" -eq 2 ]
	[[ "$output" == *"at least 2048 bits"* ]]
	[ "$(ledger_sum ca)" = "$before" ]
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/ec.csr"
	[ "$status" -eq 2 ]
	[[ "$output" == *"needs a rsa key"* ]]
	[ "$(ledger_sum ca)" = "$before" ]
}

@test "cert-issue: a CSR with a bad signature is refused (exit 2), ledger untouched" {
	before=$(ledger_sum ca)
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/bad.der"
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad CSR signature"* ]]
	[ "$(ledger_sum ca)" = "$before" ]
	# The DER form of the good request is accepted.
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/good.der"
	[ "$status" -eq 0 ]
}

@test "cert-issue: bad inputs among good ones: each reported, the others still signed" {
	printf 'not a csr\n' >junk.csr
	run --separate-stderr cert-issue sign --dir ca --template amt-web-server --csr junk.csr --csr "$F/amt01.csr" --csr missing.csr --csr "$F/small.csr"
	[ "$status" -eq 2 ]
	[ "$(lines_of cert)" -eq 1 ]
	[ "$(lines_of error)" -eq 3 ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	[[ "${stderr_lines[0]}" == "cert-issue: 'junk.csr': "* ]]
}

@test "cert-issue: unknown template is exit 3, ledger untouched" {
	before=$(ledger_sum ca)
	run cert-issue sign --dir ca --template no-such-template --csr "$F/amt01.csr"
	[ "$status" -eq 3 ]
	[[ "$output" == *"'no-such-template': no such template"* ]]
	[ "$(ledger_sum ca)" = "$before" ]
}

@test "cert-issue: a locked ledger is a clear error (exit 3), nothing printed, ledger untouched" {
	before=$(ledger_sum ca)
	mkfifo hold
	(sqlite3 ca/ledger.db <hold >/dev/null 2>&1) &
	exec 5>hold
	echo 'BEGIN EXCLUSIVE; INSERT INTO config VALUES ("lock", "held");' >&5
	sleep 0.5
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" --lock-timeout 1
	echo 'ROLLBACK;' >&5
	exec 5>&-
	wait
	[ "$status" -eq 3 ]
	[[ "$output" == *"ledger is locked"* ]]
	[ "$(lines_of cert)" -eq 0 ]
	[ "$(ledger_sum ca)" = "$before" ]
}

@test "cert-issue: a corrupt or foreign ledger is a clear error (exit 3) and is not modified" {
	head -c 8192 /dev/urandom >ca/ledger.db
	rm -f ca/ledger.db-wal ca/ledger.db-shm
	sum=$(sha256sum ca/ledger.db)
	run cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr"
	[ "$status" -eq 3 ]
	[[ "$output" == *"ledger.db"* ]]
	[ "$(lines_of cert)" -eq 0 ]
	[ "$(sha256sum ca/ledger.db)" = "$sum" ]
	rm ca/ledger.db
	sqlite3 ca/ledger.db 'CREATE TABLE t(x)'
	run cert-issue list --dir ca
	[ "$status" -eq 3 ]
	[[ "$output" == *"not a certkit ledger"* ]]
}

@test "cert-issue: 100 concurrent sign processes give 100 distinct serials, all in the ledger" {
	for i in $(seq 100); do
		cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" >"out.$i" 2>"err.$i" &
	done
	wait
	cat err.* >&2 || true
	[ "$(cat out.* | jq -r 'select(.kind == "cert") | .serial' | sort -u | wc -l)" -eq 100 ]
	[ "$(cert-issue list --dir ca --status issued | jq -r 'select(.template == "AMTWebServer") | .serial' | sort -u | wc -l)" -eq 100 ]
	[ "$(sqlite3 ca/ledger.db 'PRAGMA integrity_check')" = ok ]
}

@test "cert-issue: sign killed with SIGKILL again and again: ledger consistent, every printed certificate listed" {
	mkdir outs
	for i in $(seq 40); do
		cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" >"outs/$i" 2>/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[ "$(sqlite3 ca/ledger.db 'PRAGMA integrity_check')" = ok ]
	# Only complete lines count as printed.
	printed=$(cat outs/* | { grep '}$' || true; } | jq -r 'select(.kind == "cert") | .serial' | sort)
	listed=$(cert-issue list --dir ca | jq -r '.serial // empty' | sort)
	for s in $printed; do
		printf '%s\n' "$listed" | grep -qx "$s" || { echo "printed $s not in ledger"; return 1; }
	done
	# Every issued row is a complete certificate the CA signed.
	cert-issue list --dir ca --status issued | jq -r .serial | while read -r s; do
		cert-issue show --dir ca "$s" | jq -r 'select(.kind == "cert") | .pem' >c.pem
		openssl verify -attime "$ATTIME" -CAfile anchors.pem c.pem >/dev/null
	done
}

@test "cert-issue: sign batch: one transaction, output in --csr order around a bad request" {
	run -2 --separate-stderr cert-issue sign --dir ca --template amt-web-server \
		--csr "$F/amt01.csr" --csr "$F/amt01.csr" --csr "$F/bad.der" --csr "$F/amt01.csr" \
		--csr "$F/small.csr" --csr "$F/amt01.csr"
	[ "$(printf '%s\n' "$output" | jq -r .kind | paste -sd ' ')" = "cert cert error cert error cert" ]
	# Every printed certificate is in the ledger, and nothing else was issued.
	printed=$(printf '%s\n' "$output" | jq -r 'select(.kind == "cert") | .serial' | sort)
	listed=$(cert-issue list --dir ca --status issued | jq -r 'select(.template == "AMTWebServer") | .serial' | sort)
	[ "$printed" = "$listed" ]
	[ "$(printf '%s\n' "$listed" | wc -l)" -eq 4 ]
	[ "$(sqlite3 ca/ledger.db "SELECT count(*) FROM audit WHERE action = 'issue'")" -eq 4 ]
}

@test "cert-issue: sign batch on every core: 60 requests, bad ones among them, keep --csr order" {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out k.pem 2>/dev/null
	set --
	want=""
	for i in $(seq 60); do
		if [ $((i % 7)) -eq 0 ]; then
			set -- "$@" --csr "$F/bad.der"
			want="$want error:$F/bad.der"
		elif [ $((i % 11)) -eq 0 ]; then
			set -- "$@" --csr "$F/small.csr"
			want="$want error:$F/small.csr"
		else
			openssl req -new -key k.pem -subj "/CN=h$i.corp.example" -out "h$i.csr"
			set -- "$@" --csr "h$i.csr"
			want="$want cert:h$i.corp.example"
		fi
	done
	run -2 --separate-stderr cert-issue sign --dir ca --template amt-web-server "$@"
	got=$(printf '%s\n' "$output" | jq -r 'if .kind == "cert" then "cert:" + .subject.cn else "error:" + .source end' | paste -sd ' ')
	[ "$got" = "${want# }" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 13 ]
	printed=$(printf '%s\n' "$output" | jq -r 'select(.kind == "cert") | .serial' | sort)
	listed=$(cert-issue list --dir ca --status issued | jq -r 'select(.template == "AMTWebServer") | .serial' | sort)
	[ "$printed" = "$listed" ]
	[ "$(printf '%s\n' "$listed" | wc -l)" -eq 47 ]
	# Every certificate signed on the threads (one CA key shared by them) verifies.
	printf '%s\n' "$output" | jq -r 'select(.kind == "cert") | .pem' |
		awk '/BEGIN CERTIFICATE/ { n++ } { print > ("batch." n ".pem") }'
	n=0
	for f in batch.*.pem; do
		openssl verify -attime "$ATTIME" -CAfile anchors.pem "$f" >/dev/null
		n=$((n + 1))
	done
	[ "$n" -eq 47 ]
}

@test "cert-issue: sign batch without the CA key: errors before it in order, nothing after it" {
	printf 'correct horse\n' >pw
	cert-issue init --dir enc --subject 'CN=Encrypted' --key-password-file pw >/dev/null
	run -2 --separate-stderr cert-issue sign --dir enc --template amt-web-server \
		--csr "$F/bad.der" --csr "$F/amt01.csr" --csr "$F/bad.der" --csr "$F/amt01.csr"
	[ "$(printf '%s\n' "$output" | jq -r .source | paste -sd ' ')" = "$F/bad.der enc" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
	[[ "$stderr" == *"encrypted: give --key-password-file"* ]]
	[ "$(cert-issue list --dir enc | wc -l)" -eq 0 ]
}

@test "cert-issue: sign batch killed with SIGKILL: every printed certificate is in the ledger" {
	mkdir outs
	set --
	for _ in $(seq 30); do set -- "$@" --csr "$F/amt01.csr"; done
	for i in $(seq 15); do
		cert-issue sign --dir ca --template amt-web-server "$@" >"outs/$i" 2>/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[ "$(sqlite3 ca/ledger.db 'PRAGMA integrity_check')" = ok ]
	printed=$(cat outs/* | { grep '}$' || true; } | jq -r 'select(.kind == "cert") | .serial' | sort)
	listed=$(cert-issue list --dir ca | jq -r '.serial // empty' | sort)
	for s in $printed; do
		printf '%s\n' "$listed" | grep -qx "$s" || { echo "printed $s not in ledger"; return 1; }
	done
	# A batch is all or nothing: issued rows come in whole batches of 30.
	[ $(( $(cert-issue list --dir ca --status issued | jq -r 'select(.template == "AMTWebServer") | .serial' | wc -l) % 30 )) -eq 0 ]
}

@test "cert-issue: an encrypted CA key needs --key-password-file; the key is read only to sign" {
	printf 'correct horse\n' >pw
	run cert-issue init --dir enc --subject 'CN=Encrypted' --key-password-file pw
	[ "$status" -eq 0 ]
	grep -q 'BEGIN ENCRYPTED PRIVATE KEY' enc/ca.key
	run cert-issue sign --dir enc --template amt-web-server --csr "$F/amt01.csr"
	[ "$status" -eq 3 ]
	[[ "$output" == *"encrypted"* ]]
	printf 'wrong\n' >bad
	run cert-issue sign --dir enc --template amt-web-server --csr "$F/amt01.csr" --key-password-file bad
	[ "$status" -eq 3 ]
	[[ "$output" == *"wrong password"* ]]
	run cert-issue sign --dir enc --template amt-web-server --csr "$F/amt01.csr" --key-password-file pw
	[ "$status" -eq 0 ]
	# A pending request needs no key at all; list neither.
	chmod 000 enc/ca.key
	run cert-issue sign --dir enc --template "$ISSUE_FIX/pending.json" --csr "$F/amt01.csr"
	[ "$status" -eq 0 ]
	jq_eq "$output" .status pending
	chmod 600 enc/ca.key
}

# sign_with_key DIR [ARGS...]: signs amt01.csr under DIR with the legacy key
# path and without it (CERTKIT_NO_FASTPATH=1); both certificates verify under
# DIR's certificate and are the same but for the serial number.
sign_with_key() {
	d=$1
	shift
	for nofast in 0 1; do
		run -0 env CERTKIT_NO_FASTPATH=$nofast cert-issue sign --dir "$d" \
			--template amt-web-server --csr "$F/amt01.csr" "$@"
		printf '%s\n' "$output" | jq -r .pem >"$d.$nofast.pem"
		openssl verify -attime "$ATTIME" -CAfile "$d/ca.pem" "$d.$nofast.pem" >/dev/null
		printf '%s\n' "$output" | jq -S 'del(.id, .serial, .pem, .fingerprint)' >"$d.$nofast.json"
	done
	diff "$d.0.json" "$d.1.json"
}

@test "cert-issue: the CA key in every PEM form, plain or encrypted, signs the same with and without the fast path" {
	printf 'pw\n' >pw
	cert-issue init --dir rsa --subject 'CN=RSA Keys' >/dev/null
	cert-issue init --dir ec --subject 'CN=EC Keys' --key-type ec >/dev/null
	openssl pkey -in rsa/ca.key -out rsa.p8
	openssl pkey -in ec/ca.key -out ec.p8
	# form name: the command that writes it from the PKCS #8 key on stdin
	while IFS='|' read -r name enc cmd; do
		for k in rsa ec; do
			[ "$k" = ec ] && [ "$name" = rsa-only ] && continue
			cp -r "$k" "$k-$name"
			# shellcheck disable=SC2086
			$cmd <"$k.p8" >"$k-$name/ca.key"
			head -n 2 "$k-$name/ca.key" | grep -q -- "$enc" ||
				{ echo "$k-$name: want $enc"; cat "$k-$name/ca.key"; return 1; }
			if [ "$enc" = ENCRYPTED ] || [ "$enc" = Proc-Type ]; then
				sign_with_key "$k-$name" --key-password-file pw
				run -3 cert-issue sign --dir "$k-$name" --template amt-web-server --csr "$F/amt01.csr"
				[[ "$output" == *"the CA key is encrypted: give --key-password-file"* ]]
				printf 'wrong\n' >wrong
				run -3 cert-issue sign --dir "$k-$name" --template amt-web-server \
					--csr "$F/amt01.csr" --key-password-file wrong
				[[ "$output" == *"wrong password for the CA key"* ]]
			else
				sign_with_key "$k-$name"
			fi
		done
	done <<'FORMS'
pkcs8|BEGIN PRIVATE KEY|openssl pkey
traditional|PRIVATE KEY|openssl pkey -traditional
trad-aes256|Proc-Type|openssl pkey -traditional -aes256 -passout pass:pw
trad-des3|Proc-Type|openssl pkey -traditional -des3 -passout pass:pw
trad-camellia|Proc-Type|openssl pkey -traditional -camellia128 -passout pass:pw
pbes2-aes128|ENCRYPTED|openssl pkcs8 -topk8 -v2 aes-128-cbc -passout pass:pw
pbes2-camellia|ENCRYPTED|openssl pkcs8 -topk8 -v2 camellia-256-cbc -passout pass:pw
pbes2-aria|ENCRYPTED|openssl pkcs8 -topk8 -v2 aria-192-cbc -passout pass:pw
pbes1-3des|ENCRYPTED|openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -passout pass:pw
FORMS
	# Blocks before the key are skipped: EC parameters, as openssl ecparam -genkey writes them.
	cp -r ec ec-params
	{ openssl ecparam -name prime256v1; openssl ec -in ec/ca.key 2>/dev/null; } >ec-params/ca.key
	sign_with_key ec-params
	# Not a key, a truncated key, an empty file, one too large: one clear error, exit 3.
	for bad in cert truncated empty huge; do
		cp -r rsa "rsa-$bad"
		case $bad in
		cert) cp rsa/ca.pem rsa-cert/ca.key ;;
		truncated) head -c 900 rsa.p8 >rsa-truncated/ca.key ;;
		empty) : >rsa-empty/ca.key ;;
		huge) { cat rsa.p8; head -c 300000 /dev/zero | tr '\0' A; } >rsa-huge/ca.key ;;
		esac
		run -3 --separate-stderr cert-issue sign --dir "rsa-$bad" --template amt-web-server --csr "$F/amt01.csr"
		[[ "$stderr" == *"ca.key': not a PEM private key"* ]] || { echo "$bad: $stderr"; return 1; }
		# One error record on stdout, nothing else.
		[ "$(printf '%s\n' "$output" | jq -r '.kind + " " + .code')" = "error parse" ]
		[ "$(cert-issue list --dir "rsa-$bad" | wc -l)" -eq 0 ]
	done
}

@test "cert-issue: --format cfssl output is accepted by cfssljson -bare" {
	require_cmd cfssljson
	cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" --format cfssl | cfssljson -bare amt01
	openssl verify -attime "$ATTIME" -CAfile anchors.pem amt01.pem
}

@test "cert-issue: man page examples" {
	cp "$F/amt01.csr" .
	cert-issue init --dir ca2 --subject 'CN=Lab AMT Root,O=Example' --policy amt --crl-url http://pki.example/lab.crl >/dev/null
	run sh -c "cert-issue sign --dir ca2 --template amt-web-server --csr amt01.csr"
	[ "$status" -eq 0 ]
	run sh -c "cert-issue list --dir ca2 --status issued --format text"
	[[ "$output" == *AMTWebServer* ]]
	run sh -c "cert-issue sign --dir ca2 --template amt-web-server --csr amt01.csr --format cfssl | cfssljson -bare amt01"
	[ -s amt01.pem ]
	run sh -c "cert-issue list --dir ca2 --status pending"
	[ "$status" -eq 0 ]
	run sh -c "cert-issue crl --dir ca2 > lab.crl"
	openssl crl -in lab.crl -noout
}

@test "cert-issue: man page examples: subordinate with exact dates, provisioning certificate, --sync full" {
	cp "$F/amt01.csr" .
	openssl req -new -key "$F/amt01.key" -subj /CN=sccm01 -out sccm01.csr 2>/dev/null
	cert-issue init --dir ca2 --subject 'CN=Lab AMT Root,O=Example' --policy amt --crl-url http://pki.example/lab.crl >/dev/null
	run -0 sh -c "cert-issue init --dir sub --parent ca2 --subject 'CN=Lab Issuing CA,O=Example' --path-len 0 --not-before 2026-01-01T00:00:00Z --not-after 2030-01-01T00:00:00Z"
	jq_eq "$output" '.path_len' 0
	jq_eq "$output" '.not_before' '2026-01-01T00:00:00Z'
	jq_eq "$output" '.not_after' '2030-01-01T00:00:00Z'
	run -0 sh -c "cert-issue sign --dir sub --template amt-provisioning --csr sccm01.csr --subject '/O=Example/OU=Intel(R) Client Setup Certificate/CN=sccm01.corp.example' --san dns:sccm01.corp.example --not-after 2027-03-01T00:00:00Z"
	jq_eq "$output" '.subject.dn' 'CN=sccm01.corp.example,OU=Intel(R) Client Setup Certificate,O=Example'
	jq_eq "$output" '.amt.setup_ou' true
	jq_eq "$output" '.eku | join(",")' 'server_auth,amt_provisioning'
	jq_eq "$output" '.san.dns | join(",")' 'sccm01.corp.example'
	jq_eq "$output" '.not_before' '2026-06-01T00:00:00Z'
	jq_eq "$output" '.not_after' '2027-03-01T00:00:00Z'
	run -0 sh -c "cert-issue sign --dir ca2 --sync full --template amt-web-server --csr amt01.csr"
	jq_eq "$output" '.kind' cert
}

@test "cert-issue: --path-len, --not-before and --not-after shape the certificates exactly" {
	run -0 cert-issue init --dir r --subject '/DC=example/DC=corp/CN=Exact Root' \
		--not-before 2025-01-01T00:00:00Z --not-after 2035-01-01T00:00:00Z
	jq_eq "$output" '.subject.dn' 'CN=Exact Root,DC=corp,DC=example'
	jq_eq "$output" '.not_before' '2025-01-01T00:00:00Z'
	jq_eq "$output" '.not_after' '2035-01-01T00:00:00Z'
	jq_eq "$output" '.path_len' null
	run -0 cert-issue init --dir i --parent r --subject 'CN=Exact Issuing' --path-len 0 \
		--not-before 2025-01-01T00:00:00Z --days 10
	jq_eq "$output" '.path_len' 0
	jq_eq "$output" '.not_after' '2025-01-11T00:00:00Z'
	openssl x509 -in i/ca.pem -noout -ext basicConstraints | grep -q 'CA:TRUE, pathlen:0'
	# A leaf signed by the pathlen:0 CA verifies; a CA below it would not.
	run -0 cert-issue sign --dir r --template amt-web-server --csr "$F/amt01.csr" \
		--not-before 2026-01-01T00:00:00Z --not-after 2026-06-15T00:00:00Z
	jq_eq "$output" '.not_before' '2026-01-01T00:00:00Z'
	jq_eq "$output" '.not_after' '2026-06-15T00:00:00Z'
	# --days from --not-before; without --not-before from now (--at).
	run -0 cert-issue sign --dir r --template amt-web-server --csr "$F/amt01.csr" --days 2 \
		--at 2026-03-01T12:00:00Z
	jq_eq "$output" '.not_before' '2026-03-01T12:00:00Z'
	jq_eq "$output" '.not_after' '2026-03-03T12:00:00Z'
	# An exact end past the CA's own is refused (exit 2), nothing recorded.
	sum=$(ledger_sum i)
	run -2 cert-issue sign --dir i --template amt-web-server --csr "$F/amt01.csr" \
		--not-before 2025-01-02T00:00:00Z --not-after 2026-01-01T00:00:00Z
	[[ "$output" == *"later than the issuing CA's notAfter 2025-01-11T00:00:00Z"* ]]
	[ "$(ledger_sum i)" = "$sum" ]
	# Bad combinations are usage errors.
	run -3 cert-issue sign --dir r --template amt-web-server --csr "$F/amt01.csr" --days 3 \
		--not-after 2027-01-01T00:00:00Z
	[[ "$output" == *"exclude each other"* ]]
	run -3 cert-issue sign --dir r --template amt-web-server --csr "$F/amt01.csr" \
		--not-before 2027-01-01T00:00:00Z --not-after 2026-01-01T00:00:00Z
	run -3 cert-issue sign --dir r --template amt-web-server --csr "$F/amt01.csr" --not-after tomorrow
	[[ "$output" == *"bad time 'tomorrow'"* ]]
	run -3 cert-issue sign --dir r --template amt-web-server --csr "$F/amt01.csr" --path-len 1
	run -3 cert-issue init --dir x --subject CN=x --path-len -1
	[ ! -e x ]
	# A pending request keeps its dates until approval.
	run -0 cert-issue sign --dir r --template "$ISSUE_FIX/pending.json" --csr "$F/amt01.csr" \
		--not-before 2026-02-01T00:00:00Z --not-after 2026-02-02T00:00:00Z
	id=$(jq -r .id <<<"$output")
	run -0 cert-issue approve --dir r "$id"
	jq_eq "$(grep '"kind":"cert"' <<<"$output")" '.not_after' '2026-02-02T00:00:00Z'
}

@test "cert-issue: --sync full fsyncs every commit; the default (normal) does not" {
	require_cmd strace
	run -3 cert-issue list --dir ca --sync sometimes
	[[ "$output" == *"bad --sync 'sometimes'"* ]]
	strace -f -e trace=fsync,fdatasync -o full.trace \
		cert-issue sign --dir ca --sync full --template amt-web-server --csr "$F/amt01.csr" >/dev/null
	strace -f -e trace=fsync,fdatasync -o env.trace env CERTKIT_LEDGER_SYNC=full \
		cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" >/dev/null
	strace -f -e trace=fsync,fdatasync -o normal.trace \
		cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" >/dev/null
	[ "$(grep -c sync full.trace)" -ge 1 ]
	[ "$(grep -c sync env.trace)" -ge 1 ]
	[ "$(grep -c sync normal.trace)" -eq 0 ]
	# All three are in the ledger, which is intact.
	[ "$(sqlite3 ca/ledger.db "SELECT count(*) FROM certs WHERE subject = 'CN=amt01.corp.example'")" -eq 3 ]
	[ "$(sqlite3 ca/ledger.db 'PRAGMA integrity_check')" = ok ]
}

@test "cert-issue: text list, show, records validate against their schemas" {
	cert-issue sign --dir ca --template amt-web-server --csr "$F/amt01.csr" >/dev/null
	cert-issue sign --dir ca --template "$ISSUE_FIX/pending.json" --csr "$F/amt01.csr" >/dev/null
	run cert-issue list --dir ca --format text
	[[ "${lines[0]}" == "ID"*"STATUS"*"SERIAL"* ]]
	[[ "$output" == *"pending"*"LabPending"* ]]
	run cert-issue list --dir ca --status bogus
	[ "$status" -eq 3 ]
	if [ -f "$CK_TOP/tests/schema/validate.py" ]; then
		cert-issue list --dir ca | python3 "$CK_TOP/tests/schema/validate.py"
		cert-issue show --dir ca 1 | python3 "$CK_TOP/tests/schema/validate.py"
	fi
}

@test "cert-issue: usage, bad commands exit 3, each command takes only its own options" {
	run cert-issue --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"cert-issue sign --dir DIR --template FILE|NAME --csr FILE"* ]]
	run -3 cert-issue list --dir ca --csr x.csr
	[[ "$output" == *"--csr: not an option of 'list'"* ]]
	run -3 cert-issue sign --dir ca --template t --csr x.csr --path-len 1
	[[ "$output" == *"--path-len: not an option of 'sign'"* ]]
	run -3 cert-issue enroll --url http://127.0.0.1:1 --csr a.csr --csr b.csr
	[[ "$output" == *"enroll: one --csr"* ]]
	run -3 cert-issue show --dir ca
	[[ "$output" == *"show: missing ID|SERIAL"* ]]
	run cert-issue frobnicate --dir ca
	[ "$status" -eq 3 ]
	run cert-issue
	[ "$status" -eq 3 ]
	run cert-issue sign --template x
	[ "$status" -eq 3 ]
	[[ "$output" == *"--dir is required"* ]]
	run cert-issue --version
	[ "$status" -eq 0 ]
}

# --- remote enrollment against a real `cfssl serve` on loopback ---

start_cfssl() {
	require_cmd cfssl
	openssl req -x509 -newkey rsa:2048 -nodes -keyout cf-ca.key -out cf-ca.pem \
		-subj '/CN=CFSSL Lab CA' -days 3650 2>/dev/null
	cat >cf.json <<'JSON'
{"signing": {
  "default": {"expiry": "8760h", "usages": ["signing", "key encipherment", "server auth"],
              "name_whitelist": "\\.corp\\.example$"},
  "profiles": {"client": {"expiry": "720h", "usages": ["signing", "client auth"]}}}}
JSON
	CF_PORT=$(free_port)
	cfssl serve -address 127.0.0.1 -port "$CF_PORT" -ca cf-ca.pem -ca-key cf-ca.key \
		-config cf.json >cfssl.log 2>&1 &
	echo $! >cfssl.pid
	wait_port "$CF_PORT"
}

teardown() {
	if [ -f "$BATS_TEST_TMPDIR/cfssl.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/cfssl.pid")" 2>/dev/null || true
	fi
	if [ -f "$BATS_TEST_TMPDIR/http.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/http.pid")" 2>/dev/null || true
	fi
}

@test "cert-issue: enroll with cfssl serve returns a cert record the CA signed" {
	start_cfssl
	run cert-issue enroll --url "http://127.0.0.1:$CF_PORT" --csr "$F/amt01.csr"
	[ "$status" -eq 0 ]
	jq_eq "$output" .kind cert
	jq_eq "$output" .issuer.dn 'CN=CFSSL Lab CA'
	jq_eq "$output" .subject.dn CN=amt01.corp.example
	jq_eq "$output" '.eku | join(",")' server_auth
	jq_eq "$output" .source.type url
	printf '%s\n' "$output" | jq -r .pem >e.pem
	openssl verify -CAfile cf-ca.pem e.pem
	run cert-issue enroll --url "http://127.0.0.1:$CF_PORT/api/v1/cfssl/sign" --csr "$F/amt01.csr" --profile client
	[ "$status" -eq 0 ]
	jq_eq "$output" '.eku | join(",")' client_auth
}

@test "cert-issue: enroll reports the remote CA's own error message, exit 3" {
	start_cfssl
	openssl req -new -key "$F/amt01.key" -subj /CN=evil.attacker.example -out evil.csr
	run cert-issue enroll --url "http://127.0.0.1:$CF_PORT" --csr evil.csr
	[ "$status" -eq 3 ]
	[[ "$output" == *"remote CA: code 5500: Request does not match policy whitelist"* ]]
	jq_eq "$(printf '%s\n' "$output" | grep '^{')" .kind error
	# A CA that is not there.
	kill "$(cat cfssl.pid)"
	wait "$(cat cfssl.pid)" 2>/dev/null || true
	run cert-issue enroll --url "http://127.0.0.1:$CF_PORT" --csr "$F/amt01.csr"
	[ "$status" -eq 3 ]
	run cert-issue enroll --url "ftp://127.0.0.1:$CF_PORT" --csr "$F/amt01.csr"
	[ "$status" -eq 3 ]
}
