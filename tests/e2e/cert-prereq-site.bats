#!/usr/bin/env bats
# cert-prereq against a live site: a Samba AD DC with its internal DNS
# (tests/harness/samba.sh, SAMBA_DNS=1) loaded with the scenario of
# tests/fixtures/prereq/site.sh, and a WinRM stand-in on the DC's address.
# First the green run, then one broken thing at a time: each turns exactly
# its own row critical with a reason that names the cause.
#
# WinRM: Debian ships no WS-Management server; tests/harness/winrm-responder.py
# stands in for Windows on $SAMBA_IP:5985 (Identify only, as documented).

bats_require_minimum_version 1.5.0

setup_file() {
	load helper
	require_cmd samba ldapadd openssl jq python3
	SAMBA_DNS=1
	export SAMBA_DNS
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || samba_unavailable "the Samba AD harness did not start" || return 1
	PREREQ_FIX="$FIX/prereq"
	. "$FIX/prereq/site.sh"
	prereq_site_load "$PREREQ_FIX" || { samba_stop; return 1; }
	python3 "$CK_TOP/tests/harness/winrm-responder.py" --addr "$SAMBA_IP" --port 5985 \
		--ready "$BATS_FILE_TMPDIR/wr.ready" >/dev/null 2>&1 &
	WR_PID=$!
	export WR_PID PREREQ_FIX
	for _ in $(seq 50); do [ -s "$BATS_FILE_TMPDIR/wr.ready" ] && break; sleep 0.1; done
}

teardown_file() {
	[ -z "${WR_PID:-}" ] || kill "$WR_PID" 2>/dev/null || true
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

setup() {
	load helper
	. "$CK_TOP/tests/harness/samba.sh"
	. "$FIX/prereq/site.sh"
	# The rows a site can be judged on here (DNS and ports: see cert-prereq(1)).
	ROWS=enterprise_ca,ca_key_size,templates,auto_approval,ad_container,namespace,winrm
}

# site [ARGS...]: cert-prereq on the live site with the green options, then ARGS.
site() {
	# shellcheck disable=SC2046
	run cert-prereq $(prereq_args) --service-point-address "$SAMBA_IP" --only "$ROWS" "$@"
}

# rows: "check=status" per record of $output, one a line, in order.
rows() {
	printf '%s\n' "$output" | grep '^{' | jq -r 'select(.kind == "prereq") | "\(.check)=\(.status)"'
}

# only_changed CHECK: every record but CHECK's is as in the green run, and CHECK is critical.
only_changed() {
	diff <(grep -v "^oob.$1=" "$BATS_FILE_TMPDIR/green") <(rows | grep -v "^oob.$1=")
	rows | grep -q "^oob.$1=critical$"
}

msg() {
	printf '%s\n' "$output" | grep '^{' | jq -r "select(.check == \"oob.$1\" and .status != \"ok\") | .message"
}

@test "site: the green run: every row ok (one record per CA, template, account, container, host)" {
	site
	[ "$status" -eq 0 ]
	rows >"$BATS_FILE_TMPDIR/green"
	[ "$(grep -c '=ok$' "$BATS_FILE_TMPDIR/green")" -eq "$(wc -l <"$BATS_FILE_TMPDIR/green")" ]
	[ "$(grep -c '^oob.namespace=ok$' "$BATS_FILE_TMPDIR/green")" -eq 3 ]
	printf '%s\n' "$output" | grep '^{' | jq -r 'select(.check == "oob.ad_container") | .message' |
		grep -q "an allow ACE for 'CORP.SITESRV01\$' (S-1-5-21-.*, mask 0x10000000, flags 0xa) grants 'CORP.SITESRV01\$' Full Control on this object and all child objects"
	printf '%s\n' "$output" | grep '^{' | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "man cert-prereq: Is my site ready? (the checklist of the live site)" {
	cd "$BATS_TEST_TMPDIR"
	cp "$PREREQ_FIX/hosts.txt" "$PREREQ_FIX/getreg.txt" .
	run cert-prereq --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" --password-file "$SAMBA_PWFILE" --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' --container OU=AMT --amt-domain corp.example --amt-hosts hosts.txt --ca-config getreg.txt --format text
	[[ "$output" == *"[ OK ] Active Directory container (oob.ad_container)"* ]]
	[[ "$output" == *"[ OK ] Forest and namespace (oob.namespace)"* ]]
	[[ "$output" == *"[HAND] Hotfix 942841 (oob.hotfix_942841)"* ]]
	[[ "$output" != *"[CRIT]"* ]]
}

@test "site: a CA under a 4096-bit root turns only oob.ca_key_size critical" {
	prereq_break bigroot
	site
	prereq_restore bigroot
	[ "$status" -eq 2 ]
	only_changed ca_key_size
	msg ca_key_size | grep -q "CN=OOB Big Root CA.*4096-bit rsa"
}

@test "site: PEND_ALL_REQUESTS on the web server template: templates and approval (the same fact)" {
	prereq_break pend
	site
	prereq_restore pend
	[ "$status" -eq 2 ]
	diff <(grep -v "^oob.templates=\|^oob.auto_approval=" "$BATS_FILE_TMPDIR/green") \
		<(rows | grep -v "^oob.templates=\|^oob.auto_approval=")
	msg templates | grep -q "'AMTWebServer' requires CA manager approval (PEND_ALL_REQUESTS)"
	msg auto_approval | grep -q "verdict pending: template 'AMTWebServer' has PEND_ALL_REQUESTS"
}

@test "site: the site server without Full Control on child objects -> only oob.ad_container critical" {
	site --container "OU=AMT Flat"
	[ "$status" -eq 2 ]
	only_changed ad_container
	msg ad_container | grep -q "on this object only; it must apply to this object and all child objects"
}

@test "site: a deny ACE through a group wins -> only oob.ad_container critical, naming the group" {
	site --container "OU=AMT Denied"
	[ "$status" -eq 2 ]
	only_changed ad_container
	msg ad_container | grep -q "a deny ACE for 'CORP.OOB Deny' (S-1-5-21-.*, mask 0x20, this object and all child objects) takes rights away from 'CORP.SITESRV01\$' through its group membership"
}

@test "site: a container that does not exist -> critical; a domain this DC does not hold -> unknown" {
	site --container "OU=Nowhere"
	[ "$status" -eq 2 ]
	msg ad_container | grep -q "the container 'OU=Nowhere,DC=corp,DC=example' does not exist in domain corp.example"
	site --amt-domain northwindtraders.com
	msg ad_container | grep -q "this domain controller does not hold domain northwindtraders.com"
	site --amt-domain fabrikam.example
	msg ad_container | grep -q "'fabrikam.example' is not a domain of this forest"
}

@test "site: a noncontiguous AMT host (second tree of the forest) -> only its oob.namespace record" {
	site --amt-hosts "$PREREQ_FIX/hosts-nwt.txt"
	[ "$status" -eq 2 ]
	[ "$(rows | grep -c '^oob.namespace=ok$')" -eq 3 ]
	msg namespace | grep -qx "'computer1.northwindtraders.com' is in domain northwindtraders.com of tree northwindtraders.com, but the service point 'oobsp.corp.example' is in tree corp.example: noncontiguous namespace"
	diff <(grep -v "^oob.namespace=" "$BATS_FILE_TMPDIR/green") <(rows | grep -v "^oob.namespace=")
}

@test "site: workgroup and foreign names fail the namespace row" {
	printf 'amt01.corp.example\nWKS-WORKGROUP\npc1.fabrikam.example\n' >"$BATS_TEST_TMPDIR/h.txt"
	site --only namespace --amt-hosts "$BATS_TEST_TMPDIR/h.txt"
	[ "$status" -eq 2 ]
	[ "$(rows | paste -sd, -)" = oob.namespace=ok,oob.namespace=critical,oob.namespace=critical ]
	msg namespace | grep -q "'WKS-WORKGROUP' has no domain suffix: a workgroup computer cannot be provisioned"
	msg namespace | grep -q "'pc1.fabrikam.example' lies in no domain of the service point's forest"
}

@test "site: AMT hosts from the container's computer objects when no --amt-hosts is given" {
	# shellcheck disable=SC2046
	run cert-prereq $(prereq_args | grep -v -e '--amt-hosts' -e 'hosts.txt') --only namespace
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .subject | sort | paste -sd, -)" = amt01.corp.example,amt02.corp.example,amt03.corp.example ]
}

@test "site: WinRM absent on the service point -> only oob.winrm critical" {
	kill "$WR_PID"
	sleep 0.2
	site
	[ "$status" -eq 2 ]
	only_changed winrm
	msg winrm | grep -q "no WS-Management Identify answer from http://$SAMBA_IP:5985/wsman: connection refused"
}

@test "site: bad input: wrong password, unreachable DC, unknown site server -> unknown rows, error records, exit 3" {
	printf 'wrong' >"$BATS_TEST_TMPDIR/pw"
	run -3 cert-prereq --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--password-file "$BATS_TEST_TMPDIR/pw" --site-server 'CORP\SITESRV01$' --container OU=AMT \
		--only enterprise_ca,ad_container,namespace
	[ "$(printf '%s\n' "$output" | grep '^{' | jq -r 'select(.kind == "error") | .code')" = auth ]
	[ "$(printf '%s\n' "$output" | grep '^{' | jq -r 'select(.kind == "prereq") | .status' | sort -u)" = unknown ]
	port=$(free_port)
	run -3 cert-prereq --uri "ldap://127.0.0.1:$port" --timeout 2 --only enterprise_ca
	printf '%s\n' "$output" | grep '^{' | jq -se 'map(select(.kind == "error" and .code == "net")) | length == 1'
	# shellcheck disable=SC2046
	run -3 cert-prereq $(prereq_args) --site-server 'CORP\NOSUCH$' --only ad_container,auto_approval
	[[ "$output" == *"no account named"* ]]
	msg ad_container | grep -q "no principal record for 'CORP.NOSUCH\$'"
}
