#!/usr/bin/env bats
# cert-prereq on records (tests/fixtures/prereq/export.jsonl, a cert-ad
# export of the site scenario) and against a WinRM stand-in on loopback.
# The live site (Samba AD with DNS, listeners) is in cert-prereq-site.bats.
#
# WinRM: Debian ships no WS-Management server, so tests/harness/winrm-responder.py
# stands in for Windows; it answers Identify as Microsoft documents it.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	P="$FIX/prereq"
	E="$P/export.jsonl"
	SITE='CORP\SITESRV01$'
	SP='CORP\OOBSP$'
	PKI="--only enterprise_ca,ca_key_size,templates,auto_approval"
}

teardown() {
	[ -z "${WR_PID:-}" ] || kill "$WR_PID" 2>/dev/null || true
}

# row CHECK: "status" of each record of that check in $output, joined by ','.
row() {
	printf '%s\n' "$output" | grep '^{' |
		jq -r "select(.kind == \"prereq\" and .check == \"oob.$1\") | .status" | paste -sd, -
}

# msg CHECK: the messages of that check.
msg() {
	printf '%s\n' "$output" | grep '^{' | jq -r "select(.check == \"oob.$1\") | .message"
}

schema_ok() {
	printf '%s\n' "$output" | grep '^{' | python3 "$CK_TOP/tests/schema/validate.py"
}

# winrm [ARGS...]: starts the WinRM stand-in on a free 127.0.0.1 port (WR_URL).
winrm() {
	rm -f "$BATS_TEST_TMPDIR/wr.port"
	python3 "$CK_TOP/tests/harness/winrm-responder.py" --addr 127.0.0.1 --port 0 \
		--ready "$BATS_TEST_TMPDIR/wr.port" "$@" &
	WR_PID=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/wr.port" ] && break; sleep 0.1; done
	WR_URL="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/wr.port")/wsman"
}

@test "cert-prereq: usage, --help == SYNOPSIS, unknown check ids, bad format" {
	run -0 cert-prereq --help
	[[ "$output" == *"usage: cert-prereq [--uri ldap[s]://HOST[:PORT]]"* ]]
	run -3 --separate-stderr cert-prereq --only templates,bogus "$E"
	[ "${stderr_lines[0]}" = "cert-prereq: --only: 'bogus': no such check (see cert-prereq(1))" ]
	[[ "${stderr_lines[1]}" == "usage: cert-prereq "* ]]
	[ -z "$output" ]
	run -3 --separate-stderr cert-prereq --at yesterday "$E"
	[ "${stderr_lines[0]}" = "cert-prereq: --at: 'yesterday' is not an RFC 3339 time" ]
	[[ "${stderr_lines[1]}" == "usage: cert-prereq "* ]]
	run -3 cert-prereq --format xml "$E"
	run -3 cert-prereq --timeout 0 "$E"
	run -3 cert-prereq --bogus
	run -3 cert-prereq --at yesterday "$E"
	run -3 cert-prereq --ports 16992,0 "$E"
	[[ "$output" == *"ports are numbers 1-65535"* ]]
	run -3 cert-prereq --ports 1,2,3,4,5,6,7,8,9 "$E"
	[[ "$output" == *"at most 8 ports"* ]]
	run -3 cert-prereq --connect-timeout 0 "$E"
	run -3 cert-prereq --amt-version 3.x "$E"
}

@test "cert-prereq: the PKI rows of an export are ok, one record per CA / template / account" {
	run -0 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" $PKI "$E"
	[ "$(row enterprise_ca)" = ok ]
	[ "$(row ca_key_size)" = ok ]
	[ "$(row templates)" = ok,ok ]
	[ "$(row auto_approval)" = ok,ok ]
	msg auto_approval | grep -qF "CA 'OOB-CA' issues 'AMTWebServer' for 'CORP\\SITESRV01\$' automatically"
	schema_ok
}

@test "cert-prereq: every row runs; rows without inputs say what to give; not_checkable never counts" {
	run -3 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" "$E"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "prereq") | .check' | sort -u | wc -l)" -eq 18 ]
	[ "$(row ad_container)" = unknown ]
	msg ad_container | grep -q "give --uri and --container"
	[ "$(row namespace)" = unknown ]
	[ "$(row hotfix_942841)" = not_checkable ]
	[ "$(row msxml6)" = not_checkable ]
	schema_ok
	# Only not_checkable rows: exit 0.
	run -0 cert-prereq --only hotfix_942841,msxml6,telnet_client,console_rights,reporting_point,ipsec,dhcp_options "$E"
	[ "$(row ipsec)" = not_checkable ]
	[[ "$(msg ipsec)" == "not checkable remotely: "* ]]
}

@test "cert-prereq: --skip, and ids without the oob. prefix" {
	run -0 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" \
		--only oob.enterprise_ca,templates --skip templates "$E"
	[ "$(printf '%s\n' "$output" | jq -r .check | sort -u)" = oob.enterprise_ca ]
}

@test "cert-prereq: without --ca-config the approval row is at most a warning (disposition unknown)" {
	run -1 cert-prereq --site-server "$SITE" --service-point "$SP" $PKI "$E"
	[ "$(row auto_approval)" = warning,warning ]
	msg auto_approval | grep -q "RequestDisposition of CA 'OOB-CA' unknown"
	printf '%s\n' "$output" | jq -r 'select(.check == "oob.auto_approval") | .fix' | grep -q -- "--ca-config"
}

@test "cert-prereq: a --ca-config that is not certutil output -> error record, exit 3, approval rows still judged" {
	run -3 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$FIX/approve/bad-garbage.txt" --only auto_approval "$E"
	printf '%s\n' "$output" | grep '^{' | jq -se 'map(select(.kind == "error" and .code == "parse")) | length == 1'
	[ "$(row auto_approval)" = warning,warning ]
}

@test "cert-prereq: a CA under a 4096-bit root turns only oob.ca_key_size critical, naming the root" {
	big=$(cert-read "$P/oob-ca-big.pem" | jq -c .)
	jq -c --argjson c "$big" 'if .kind == "ca" then .cert = $c else . end' "$E" >"$BATS_TEST_TMPDIR/big.jsonl"
	run -2 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" $PKI "$BATS_TEST_TMPDIR/big.jsonl"
	[ "$(row ca_key_size)" = critical ]
	msg ca_key_size | grep -q "OOB Big Root CA.*4096-bit rsa"
	[ "$(row enterprise_ca)" = ok ]
	[ "$(row templates)" = ok,ok ]
	[ "$(row auto_approval)" = ok,ok ]
}

@test "cert-prereq: PEND_ALL_REQUESTS turns templates and approval critical (the same fact), nothing else" {
	jq -c 'if .kind == "template" and .name == "AMTWebServer" then .enrollment_flag = {"raw": 2, "names": ["PEND_ALL_REQUESTS"]} else . end' "$E" >"$BATS_TEST_TMPDIR/pend.jsonl"
	run -2 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" $PKI "$BATS_TEST_TMPDIR/pend.jsonl"
	[ "$(row templates)" = ok,critical ]
	[ "$(row auto_approval)" = critical,ok ]
	msg templates | grep -q "PEND_ALL_REQUESTS"
	msg auto_approval | grep -q "verdict pending: template 'AMTWebServer' has PEND_ALL_REQUESTS"
	[ "$(row enterprise_ca)" = ok ]
	[ "$(row ca_key_size)" = ok ]
}

@test "cert-prereq: a missing template and a site server without Enroll are critical with the cause" {
	jq -c 'select(.name != "AMTProvisioning")' "$E" >"$BATS_TEST_TMPDIR/noprov.jsonl"
	run -2 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" $PKI "$BATS_TEST_TMPDIR/noprov.jsonl"
	msg templates | grep -q "no template for the AMT provisioning certificate"
	run -2 cert-prereq --site-server "$SP" --service-point "$SP" --ca-config "$P/getreg.txt" --only auto_approval "$E"
	msg auto_approval | grep -q "verdict not_enrollable: no ACE on template 'AMTWebServer' grants Enroll to 'CORP.OOBSP\\$'"
}

@test "cert-prereq: the ESC17 shape counts when someone besides the site server may enroll" {
	jq -c 'if .kind == "template" and .name == "AMTWebServer" then .acl += [{"sid": "S-1-5-11", "name": "Authenticated Users", "allow": true, "rights": ["enroll"]}] else . end' "$E" >"$BATS_TEST_TMPDIR/open.jsonl"
	run -2 cert-prereq --site-server "$SITE" --service-point "$SP" --ca-config "$P/getreg.txt" --only templates "$BATS_TEST_TMPDIR/open.jsonl"
	[ "$(row templates)" = ok,critical ]
	msg templates | grep -q "ESC17"
}

@test "cert-prereq: records of other kinds pass through; no template/ca records -> unknown with the reason" {
	cert-read "$P/root.pem" >"$BATS_TEST_TMPDIR/certs.jsonl"
	printf '{"kind":"chain","v":1,"id":"x"}\n' >>"$BATS_TEST_TMPDIR/certs.jsonl"
	run -3 cert-prereq --only enterprise_ca,templates "$BATS_TEST_TMPDIR/certs.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "chain") | .id')" = x ]
	[ "$(row enterprise_ca)" = unknown ]
	msg templates | grep -q "no template or ca records on the input and no --uri"
}

@test "cert-prereq: broken lines on stdin -> error records, exit 3, the rows still run" {
	run -3 bash -c "{ printf 'not json\n{\"kind\": 5}\n'; cat '$E'; } | cert-prereq --site-server '$SITE' --service-point '$SP' --ca-config '$P/getreg.txt' $PKI"
	[ "$(printf '%s\n' "$output" | grep '^{' | jq -r 'select(.kind == "error") | .code' | sort -u)" = parse ]
	[ "$(row templates)" = ok,ok ]
	[[ "$output" == *"cert-prereq: 'stdin"* ]]
}

@test "cert-prereq: --amt-hosts that does not exist or has an over-long line -> error record, row unknown" {
	run -3 cert-prereq --only namespace --amt-hosts "$BATS_TEST_TMPDIR/none.txt" "$E"
	printf '%s\n' "$output" | grep '^{' | jq -se 'map(select(.kind == "error" and .code == "io")) | length == 1'
	[ "$(row namespace)" = unknown ]
	head -c 2000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/long.txt"
	run -3 cert-prereq --only namespace --amt-hosts "$BATS_TEST_TMPDIR/long.txt" "$E"
	[[ "$output" == *"longer than 1024 bytes"* ]]
}

@test "man cert-prereq: the export examples" {
	cd "$BATS_TEST_TMPDIR"
	cp "$E" export.jsonl
	cp "$P/getreg.txt" getreg.txt
	run -0 cert-prereq --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' --ca-config getreg.txt --only enterprise_ca,ca_key_size,templates,auto_approval --format text export.jsonl
	[[ "${lines[0]}" == "[ OK ] Enterprise CA (oob.enterprise_ca): A Microsoft enterprise certification authority"* ]]
	[[ "$output" == *"[ OK ] Automatic approval (oob.auto_approval)"* ]]
	[ "$(printf '%s\n' "$output" | grep -c '^\[ OK \]')" -eq 4 ]
	cat >ex.sh <<'EOF'
cert-prereq --site-server 'CORP\SITESRV01$' export.jsonl | jq -r 'select(.kind == "prereq" and .status != "ok" and .status != "not_checkable") | [.check, .subject, .message] | @tsv'
EOF
	run -0 bash ex.sh
	[[ "$output" == *"oob.ad_container"* ]]
	[[ "$output" != *"oob.enterprise_ca"* ]]
}

@test "cert-prereq winrm: unauthenticated Identify answers -> ok (stand-in for Windows WinRM)" {
	require_cmd python3
	winrm
	run -0 cert-prereq --only winrm --winrm-url "$WR_URL" "$E"
	[ "$(row winrm)" = ok ]
	msg winrm | grep -q "WinRM answers Identify (Microsoft Corporation"
}

@test "cert-prereq winrm: authenticated Identify: Windows Server 2003 SP1 critical, SP2 ok" {
	require_cmd python3
	printf 'winrm-secret' >"$BATS_TEST_TMPDIR/pw"
	winrm --user admin --password-file "$BATS_TEST_TMPDIR/pw" --os 5.2.3790 --sp 1.0
	run -2 cert-prereq --only winrm --winrm-url "$WR_URL" --winrm-user admin --winrm-password-file "$BATS_TEST_TMPDIR/pw" "$E"
	msg winrm | grep -q "Windows Server 2003 (OS 5.2.3790) with service pack 1.0"
	kill "$WR_PID"
	winrm --user admin --password-file "$BATS_TEST_TMPDIR/pw" --os 5.2.3790 --sp 2.0
	run -0 cert-prereq --only winrm --winrm-url "$WR_URL" --winrm-user admin --winrm-password-file "$BATS_TEST_TMPDIR/pw" "$E"
	msg winrm | grep -q "OS 5.2.3790 service pack 2.0"
	printf 'wrong' >"$BATS_TEST_TMPDIR/bad"
	run -3 cert-prereq --only winrm --winrm-url "$WR_URL" --winrm-user admin --winrm-password-file "$BATS_TEST_TMPDIR/bad" "$E"
	msg winrm | grep -q "authenticated Identify failed: http status 401"
}

@test "cert-prereq winrm: nothing listening -> critical (WinRM absent)" {
	port=$(free_port)
	run -2 cert-prereq --only winrm --winrm-url "http://127.0.0.1:$port/wsman" "$E"
	msg winrm | grep -q "no WS-Management Identify answer from .*: connection refused"
}

@test "cert-prereq winrm: hostile answers (entity bomb, huge, malformed, not XML) -> unknown, nothing expanded" {
	require_cmd python3
	for m in entity huge malformed notxml; do
		winrm --mode "$m"
		run -3 cert-prereq --only winrm --winrm-url "$WR_URL" "$E"
		[ "$(row winrm)" = unknown ]
		case $m in
		entity) msg winrm | grep -q "entity declaration refused (no entity expansion)" ;;
		huge) msg winrm | grep -q "larger than 65536 bytes" ;;
		malformed) msg winrm | grep -q "document ends inside element" ;;
		notxml) msg winrm | grep -q "no IdentifyResponse element" ;;
		esac
		kill "$WR_PID"
		WR_PID=
	done
}

# tests/harness/dns-hostile.py is a hostile server for these cases only (no real one sends them).
@test "cert-prereq dns: hostile answers (truncated, wrong type, malformed, SERVFAIL, oversized, CNAME loop) -> a clear row status, no crash" {
	require_cmd python3
	for m in truncated wrongtype malformed servfail oversized loop; do
		rm -f "$BATS_TEST_TMPDIR/dns.port"
		python3 "$CK_TOP/tests/harness/dns-hostile.py" --mode "$m" --ready "$BATS_TEST_TMPDIR/dns.port" &
		WR_PID=$!
		for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/dns.port" ] && break; sleep 0.1; done
		run cert-prereq --only provision_dns --amt-domain corp.example --service-point-address 127.0.0.20 \
			--dns-server "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/dns.port")" --connect-timeout 1000 "$E"
		kill "$WR_PID"
		WR_PID=
		echo "$m: $status $(msg provision_dns)"
		if [ "$m" = loop ]; then
			# A CNAME to itself leads to no address: no A record, as for a missing one.
			[ "$status" -eq 2 ]
			msg provision_dns | grep -q "no A record for ProvisionServer.corp.example"
			continue
		fi
		[ "$status" -eq 3 ]
		[ "$(row provision_dns)" = unknown ]
		msg provision_dns | grep -q "asking 127.0.0.1:[0-9]* for ProvisionServer.corp.example: "
		case $m in
		truncated) msg provision_dns | grep -q ": truncated$" ;;
		wrongtype) msg provision_dns | grep -q ": wrong_type$" ;;
		servfail) msg provision_dns | grep -q "rcode 2 (SERVFAIL)" ;;
		esac
	done
}

@test "cert-prereq ports: open, closed and silent ports on real loopback listeners, one record per host" {
	require_cmd python3
	p1=$(free_port)
	p2=$(free_port)
	p3=$(free_port)
	rm -f "$BATS_TEST_TMPDIR/tl.ready"
	python3 "$CK_TOP/tests/harness/tcp-listen.py" 127.0.0.1 "$p2" --silent "$p3" --ready "$BATS_TEST_TMPDIR/tl.ready" &
	WR_PID=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/tl.ready" ] && break; sleep 0.1; done
	printf '127.0.0.1\n' >"$BATS_TEST_TMPDIR/h.txt"
	run -2 cert-prereq --only ports --amt-hosts "$BATS_TEST_TMPDIR/h.txt" --ports "$p1,$p2,$p3" --connect-timeout 700 "$E"
	msg ports | grep -qx "TCP from here: $p1 closed (connection refused), $p2 open, $p3 filtered (timed out after 700 ms connecting)"
	# Without the service point's name or address its 9971 row says what to give.
	printf '%s\n' "$output" | jq -r 'select(.subject == "service point") | .message' | grep -q "give --service-point"
	# The AMT host all open, the service point's 9971 closed: only its record is critical.
	if (exec 3<>/dev/tcp/127.0.0.1/9971) 2>/dev/null; then return 0; fi	# 9971 in use here
	run -2 cert-prereq --only ports --amt-hosts "$BATS_TEST_TMPDIR/h.txt" --ports "$p2" --service-point-address 127.0.0.1 --connect-timeout 700 "$E"
	[ "$(row ports)" = critical,ok ]
	printf '%s\n' "$output" | jq -r 'select(.subject == "127.0.0.1 (service point)") | .message' |
		grep -qx "TCP from here: 9971 closed (connection refused)"
}
