#!/usr/bin/env bats
# cert-prereq against a live site: a Samba AD DC with its internal DNS
# (tests/harness/samba.sh, SAMBA_DNS=1) loaded with the scenario of
# tests/fixtures/prereq/site.sh, and a WinRM stand-in on the DC's address.
# First the green run, then one broken thing at a time: each turns exactly
# its own row critical with a reason that names the cause.
#
# The service point and the AMT hosts all resolve (through the DC's DNS) to
# $SAMBA_IP, where real listeners wait: 9971, 16992, 16995 (plain TCP),
# 16993 (openssl s_server).  WinRM: Debian ships no WS-Management server;
# tests/harness/winrm-responder.py stands in for Windows on $SAMBA_IP:5985
# (Identify only, as documented).

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
	export PREREQ_FIX
	prereq_listen_start "$BATS_FILE_TMPDIR" || { samba_stop; return 1; }
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	. "$FIX/prereq/site.sh"
	prereq_listen_stop "$BATS_FILE_TMPDIR"
	samba_stop
}

setup() {
	load helper
	. "$CK_TOP/tests/harness/samba.sh"
	. "$FIX/prereq/site.sh"
	# Every row the network can show.
	ROWS=enterprise_ca,ca_key_size,templates,auto_approval,ad_container,provision_dns,namespace,ports,winrm
}

# site [ARGS...]: cert-prereq on the live site with the green options, then ARGS.
site() {
	# shellcheck disable=SC2046
	run cert-prereq $(prereq_args) --only "$ROWS" "$@"
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
	[ "$(grep -c '^oob.ports=ok$' "$BATS_FILE_TMPDIR/green")" -eq 4 ]
	[ "$(grep -c '^oob.provision_dns=ok$' "$BATS_FILE_TMPDIR/green")" -eq 1 ]
	printf '%s\n' "$output" | grep '^{' | jq -r 'select(.check == "oob.provision_dns") | .message' |
		grep -qx "ProvisionServer.corp.example resolves to the service point $SAMBA_IP ($SAMBA_IP)"
	printf '%s\n' "$output" | grep '^{' | jq -r 'select(.check == "oob.ports") | .message' |
		grep -qx "TCP from here: 16992 open, 16993 open, 16995 open"
	printf '%s\n' "$output" | grep '^{' | jq -r 'select(.check == "oob.ad_container") | .message' |
		grep -q "the allow ACE for 'CORP.SITESRV01\$' (S-1-5-21-[0-9-]*, generic_all) grants 'CORP.SITESRV01\$' Full Control on this object and all child objects"
	printf '%s\n' "$output" | grep '^{' | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "man cert-prereq: Is my site ready? (the checklist of the live site)" {
	cd "$BATS_TEST_TMPDIR"
	cp "$PREREQ_FIX/hosts.txt" "$PREREQ_FIX/getreg.txt" .
	run -0 cert-prereq --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' --container OU=AMT --amt-domain corp.example --amt-hosts hosts.txt --dns-server "$SAMBA_IP" --ca-config getreg.txt --format text
	[[ "$output" == *"[ OK ] Active Directory container (oob.ad_container)"* ]]
	[[ "$output" == *"[ OK ] Forest and namespace (oob.namespace)"* ]]
	[[ "$output" == *"[ OK ] Ports (oob.ports)"* ]]
	[[ "$output" == *"[HAND] Hotfix 942841 (oob.hotfix_942841)"* ]]
	[ "$(printf '%s\n' "$output" | grep -c '^\[ OK \]')" -eq 9 ]
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
	msg ad_container | grep -q "a deny ACE for 'CORP.OOB Deny' (S-1-5-21-[0-9-]*, write_property, on this object) takes Full Control away from 'CORP.SITESRV01\$' through its group membership"
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
	# One more host: one more ok record in oob.ports; every other row's status is unchanged.
	diff <(sort -u "$BATS_FILE_TMPDIR/green" | grep -v "^oob.namespace=") <(rows | sort -u | grep -v "^oob.namespace=")
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

@test "site: --computers-ou lists the AMT computers; a DN that does not exist -> unknown" {
	# shellcheck disable=SC2046
	run cert-prereq $(prereq_args | grep -v -e '--amt-hosts' -e 'hosts.txt') --only namespace --computers-ou "OU=AMT,$SAMBA_BASE"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .subject | sort | paste -sd, -)" = amt01.corp.example,amt02.corp.example,amt03.corp.example ]
	# shellcheck disable=SC2046
	run cert-prereq $(prereq_args | grep -v -e '--amt-hosts' -e 'hosts.txt') --only namespace --computers-ou "OU=Nowhere,$SAMBA_BASE"
	[ "$status" -eq 3 ]
	[[ "$(msg namespace)" == "computers under 'OU=Nowhere,DC=corp,DC=example': "* ]]
}

@test "site: ProvisionServer pointing elsewhere -> only oob.provision_dns critical, naming both addresses" {
	prereq_break dns
	site
	prereq_restore dns
	[ "$status" -eq 2 ]
	only_changed provision_dns
	msg provision_dns | grep -qx "ProvisionServer.corp.example resolves to 127.0.0.254, not to the service point $SAMBA_IP ($SAMBA_IP)"
}

@test "site: no ProvisionServer record in a domain -> critical; an unanswering DNS server -> unknown" {
	site --only provision_dns --provision-name NoSuchServer
	[ "$status" -eq 2 ]
	msg provision_dns | grep -q "no A record for NoSuchServer.corp.example ($SAMBA_IP: nxdomain)"
	port=$(free_port)
	site --only provision_dns --dns-server "127.0.0.1:$port" --service-point-address "$SAMBA_IP" --connect-timeout 500
	[ "$status" -eq 3 ]
	[ "$(rows)" = oob.provision_dns=unknown ]
}

@test "site: port 16993 closed on every AMT host -> only oob.ports critical" {
	prereq_listen_stop "$BATS_FILE_TMPDIR" tls
	site
	[ "$status" -eq 2 ]
	only_changed ports
	[ "$(rows | grep -c '^oob.ports=critical$')" -eq 3 ]
	msg ports | grep -qx "TCP from here: 16992 open, 16993 closed (connection refused), 16995 open"
	site --ports 16992,16995
	[ "$status" -eq 0 ]
	prereq_listen_tls "$BATS_FILE_TMPDIR"
}

@test "site: WinRM absent on the service point -> only oob.winrm critical" {
	prereq_listen_stop "$BATS_FILE_TMPDIR" winrm
	sleep 0.2
	site
	[ "$status" -eq 2 ]
	only_changed winrm
	msg winrm | grep -q "no WS-Management Identify answer from http://$SAMBA_IP:5985/wsman: connection refused"
}

@test "site: bad input: wrong password, unreachable DC, unknown site server -> unknown rows, error records, exit 3" {
	printf 'wrong' >"$BATS_TEST_TMPDIR/pw"
	run -3 cert-prereq --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$BATS_TEST_TMPDIR/pw" --site-server 'CORP\SITESRV01$' --container OU=AMT \
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
