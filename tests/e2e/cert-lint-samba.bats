#!/usr/bin/env bats
# cert-lint on template and ca records that cert-ad reads from a real Samba
# AD domain controller on loopback (tests/harness/samba.sh) loaded with
# tests/fixtures/ad/load.sh (the data set listed at the top of that file).

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	require_cmd samba ldapadd openssl jq python3
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || skip "the Samba AD harness did not start"
	AD_FIX_DIR="$FIX/ad"
	. "$FIX/ad/load.sh"
	if ! ad_load_fixture; then
		samba_stop
		false
	fi
	OUT="$BATS_FILE_TMPDIR/ad.jsonl"
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--password-file "$SAMBA_PWFILE" >"$OUT"
	export OUT
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

# rules_of NAME: the sorted "severity rule" list of the record named NAME.
rules_of() {
	printf '%s\n' "$output" | jq -r --arg n "$1" 'select(.name == $n) | .findings[] | "\(.severity) \(.rule)"' | sort | paste -sd, -
}

@test "cert-lint samba: adcs + oob-2007 over the AD export" {
	run -2 cert-lint --profile adcs --profile oob-2007 "$OUT"
	# The ConfigMgr web server template: ESC17 shape, only the AMT Site Servers group enrolls.
	[ "$(rules_of AMTWebServer)" = "warning adcs.esc17" ]
	# Manager approval and a signature: not usable by ConfigMgr 2007, and not ESC17.
	[ "$(rules_of AMTWebServerPend)" = "critical oob.pend_all_requests,critical oob.ra_signatures" ]
	# The provisioning template is clean (deny for Blocked Hosts, OID present, published).
	[ -z "$(rules_of AMTProvisioning)" ]
	# v1, supply in request, no EKU, GenericAll for Authenticated Users, WriteDacl for Domain Users.
	[ "$(rules_of LegacyUser)" = "critical adcs.esc1,critical adcs.esc15,critical adcs.esc2,critical adcs.esc4" ]
	# Every template and ca record was judged; nothing else changed.
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq "$(grep -c . "$OUT")" ]
	printf '%s\n' "$output" | jq -se '[.[] | select(.kind == "template" or .kind == "ca") | has("findings")] | all'
}

@test "cert-lint samba: amt-web-server judges only web server templates" {
	run -2 cert-lint --profile amt-web-server "$OUT"
	[ "$(rules_of AMTWebServer)" = "warning adcs.esc17" ]
	[ "$(rules_of AMTWebServerPend)" = "critical oob.pend_all_requests,critical oob.ra_signatures" ]
	[ -z "$(rules_of AMTProvisioning)" ]
	[ -z "$(rules_of LegacyUser)" ]
}
