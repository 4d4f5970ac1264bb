#!/usr/bin/env bats
# cert-lint on template and ca records that cert-ad reads from a real Samba
# AD domain controller on loopback (tests/harness/samba.sh) loaded with
# tests/fixtures/ad/load.sh (the data set listed at the top of that file).

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	ad_start
	OUT="$BATS_FILE_TMPDIR/ad.jsonl"
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" >"$OUT"
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
	# v1, supply in request, no EKU, GenericAll for Authenticated Users, WriteDacl for
	# Domain Users; no CA publishes it: latent, so notices (cert-lint(1) HISTORY).
	[ "$(rules_of LegacyUser)" = "notice adcs.esc1,notice adcs.esc15,notice adcs.esc2,notice adcs.esc4" ]
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

# ca_rules NAME: the sorted rules of the ca record NAME.
ca_rules() {
	printf '%s\n' "$output" | jq -r --arg n "$1" 'select(.kind == "ca" and .name == $n) | .findings[].rule' | sort | paste -sd, -
}

@test "cert-lint samba: cert-ad's ca record has no registry settings; the ca rules stay silent" {
	[ "$(jq -c 'select(.kind == "ca" and .name == "CORP-CA") | [has("edit_flags"), has("interface_flags")]' "$OUT")" = "[false,false]" ]
	run -2 cert-lint --profile adcs --profile oob-2007 "$OUT"
	[ -z "$(ca_rules CORP-CA)" ]
}

@test "cert-lint samba: --ca-config EditFlags: ESC6 fires on 0x15014e, silent on 0x11014e" {
	run -2 cert-lint --profile adcs --ca-config "$FIX/approve/getreg-editflags.txt" "$OUT"
	[ "$(ca_rules CORP-CA)" = "adcs.esc6" ]
	# Silent CA: the exit is the ESC17 warning of AMTWebServer (LegacyUser is unpublished: notices).
	run -1 cert-lint --profile adcs --ca-config "$FIX/lint/caconfig/getreg-editflags-clear.txt" "$OUT"
	[ -z "$(ca_rules CORP-CA)" ]
	jq_eq "$output" 'select(.kind == "ca" and .name == "CORP-CA") | .edit_flags.raw' 1114446
}

@test "cert-lint samba: --ca-config InterfaceFlags: ESC11 fires on 0x441, silent on 0x641; disposition 0x101 pends" {
	run -2 cert-lint --profile adcs --ca-config "$FIX/lint/caconfig/getreg-interfaceflags-noenc.txt" "$OUT"
	[ "$(ca_rules CORP-CA)" = "adcs.esc11" ]
	run -1 cert-lint --profile adcs --ca-config "$FIX/approve/getreg-interfaceflags.txt" "$OUT"
	[ -z "$(ca_rules CORP-CA)" ]
	run -2 cert-lint --profile adcs --profile oob-2007 --ca-config "$FIX/approve/getreg-all.txt" "$OUT"
	[ "$(ca_rules CORP-CA)" = "adcs.esc6,oob.ca_request_pending" ]
}

@test "cert-lint samba: cert-approve --ca-config | cert-lint over the live export" {
	run -2 sh -c "cert-approve --requester S-1-5-18 --ca-config '$FIX/approve/getreg-all.txt' '$OUT' | cert-lint --profile adcs --profile oob-2007"
	[ "$(ca_rules CORP-CA)" = "adcs.esc6,oob.ca_request_pending" ]
	run -2 sh -c "cert-approve --requester S-1-5-18 --ca-config '$FIX/approve/getreg-disp-1.txt' '$OUT' | cert-lint --profile adcs --profile oob-2007"
	[ -z "$(ca_rules CORP-CA)" ]
}
