#!/usr/bin/env bats
# cert-lint's AD CS escalation rules (issue 19) on what cert-ad reads from a
# real Samba AD domain controller on loopback (tests/harness/samba.sh): the
# standard data set (tests/fixtures/ad/load.sh) plus one probe template per
# case, each with its firing and its silent twin.  All probes are published
# on CORP-CA except P1Unpublished.  Enroll (E) and ACEs as SDDL:
#   P1Published / P1Unpublished  supply subject, EKU Client Auth; E: Domain Users
#   P2NoSecExt / P2NoSecExtPend  NO_SECURITY_EXTENSION (+ PEND_ALL_REQUESTS), Client Auth; E: DU
#   P3Policy / P3PolicyUnlinked  issuance policy .402 (linked to AMT Site Servers) / .499 (no oid object)
#   P4AttrEnroll                 WP on msPKI-Certificate-Name-Flag for DU; E: DU
#   P4AttrOnly                   the same WP for DU; E: AMT Site Servers only
#   P4AttrOther                  WP on displayName for DU; E: DU
#   P4AttrDenied                 (OD;;WP;name-flag;;AU)(OA;;WP;name-flag;;DU); E: DU
#   P5DenyWD / P5WD              (D;;WD;;;AU)(A;;WD;;;AU) / (A;;WD;;;AU)
#   P6ServerEkuClientPolicy      supply subject, EKU Server Auth, application policy Client Auth; E: DU
#   P6ServerOnly                 supply subject, EKU and application policy Server Auth; E: AMT Site Servers

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	ad_start esc_load
	OUT="$BATS_FILE_TMPDIR/ad.jsonl"
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--password-file "$SAMBA_PWFILE" >"$OUT"
	NOOIDS="$BATS_FILE_TMPDIR/ad-no-oids.jsonl"
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--password-file "$SAMBA_PWFILE" --what templates,cas >"$NOOIDS"
	export OUT NOOIDS
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

ENROLL=0e10c968-78fb-11d2-90d4-00c04f79dc55
# schemaIDGUIDs as the DC's schema serves them (ldapsearch ... schemaIDGUID).
NAMEFLAG=ea1dddc4-60ff-416e-8cc0-17cee534bce7
DISPLAYNAME=bf967953-0de6-11d0-a285-00aa003049e2
CLIENT=1.3.6.1.5.5.7.3.2
SERVER=1.3.6.1.5.5.7.3.1

# esc_tmpl NAME SDDL ATTR...: a probe template with those attributes and ACEs.
esc_tmpl() {
	_n=$1 _sddl=$2
	shift 2
	samba_add_template "$_n" "msPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.4242.1.$(printf '%s' "$_n" | cksum | cut -c1-6)" "$@" &&
		samba_dsacl "CN=$_n,$SAMBA_TEMPLATES_DN" "$_sddl"
}

esc_load() {
	_du="(OA;;CR;$ENROLL;;DU)"
	_ss="(OA;;CR;$ENROLL;;$(samba_sid 'AMT Site Servers'))"
	esc_tmpl P1Published "$_du" "pKIExtendedKeyUsage: $CLIENT" &&
	esc_tmpl P1Unpublished "$_du" "pKIExtendedKeyUsage: $CLIENT" &&
	esc_tmpl P2NoSecExt "$_du" "msPKI-Certificate-Name-Flag: 0" "msPKI-Enrollment-Flag: 524288" \
		"pKIExtendedKeyUsage: $CLIENT" &&
	esc_tmpl P2NoSecExtPend "$_du" "msPKI-Certificate-Name-Flag: 0" "msPKI-Enrollment-Flag: 524290" \
		"pKIExtendedKeyUsage: $CLIENT" &&
	esc_tmpl P3Policy "$_du" "msPKI-Certificate-Name-Flag: 0" "pKIExtendedKeyUsage: $CLIENT" \
		"msPKI-Certificate-Policy: 1.3.6.1.4.1.311.21.8.4242.1.402" &&
	esc_tmpl P3PolicyUnlinked "$_du" "msPKI-Certificate-Name-Flag: 0" "pKIExtendedKeyUsage: $CLIENT" \
		"msPKI-Certificate-Policy: 1.3.6.1.4.1.311.21.8.4242.1.499" &&
	esc_tmpl P4AttrEnroll "(OA;;WP;$NAMEFLAG;;DU)$_du" "msPKI-Certificate-Name-Flag: 0" &&
	esc_tmpl P4AttrOnly "(OA;;WP;$NAMEFLAG;;DU)$_ss" "msPKI-Certificate-Name-Flag: 0" &&
	esc_tmpl P4AttrOther "(OA;;WP;$DISPLAYNAME;;DU)$_du" "msPKI-Certificate-Name-Flag: 0" &&
	esc_tmpl P4AttrDenied "(OD;;WP;$NAMEFLAG;;AU)(OA;;WP;$NAMEFLAG;;DU)$_du" "msPKI-Certificate-Name-Flag: 0" &&
	esc_tmpl P5DenyWD "(D;;WD;;;AU)(A;;WD;;;AU)" "msPKI-Certificate-Name-Flag: 0" &&
	esc_tmpl P5WD "(A;;WD;;;AU)" "msPKI-Certificate-Name-Flag: 0" &&
	esc_tmpl P6ServerEkuClientPolicy "$_du" "pKIExtendedKeyUsage: $SERVER" \
		"msPKI-Certificate-Application-Policy: $CLIENT" &&
	esc_tmpl P6ServerOnly "$_ss" "pKIExtendedKeyUsage: $SERVER" \
		"msPKI-Certificate-Application-Policy: $SERVER" || return 1
	{
		printf 'dn: CN=CORP-CA,%s\nchangetype: modify\nadd: certificateTemplates\n' "$SAMBA_ENROLL_DN"
		for _t in P1Published P2NoSecExt P2NoSecExtPend P3Policy P3PolicyUnlinked P4AttrEnroll \
			P4AttrOnly P4AttrOther P4AttrDenied P5DenyWD P5WD P6ServerEkuClientPolicy P6ServerOnly; do
			printf 'certificateTemplates: %s\n' "$_t"
		done
	} | samba_ldapmodify -
}

# rules_of NAME: the sorted "severity rule" list of the template named NAME.
rules_of() {
	printf '%s\n' "$output" | jq -r --arg n "$1" 'select(.kind == "template" and .name == $n) | .findings[] | "\(.severity) \(.rule)"' | sort | paste -sd, -
}
msg_of() {
	printf '%s\n' "$output" | jq -r --arg n "$1" --arg r "$2" 'select(.name == $n) | .findings[] | select(.rule == $r) | .message'
}
# lint_one NAME [FILE]: cert-lint --profile adcs over that template record (and the rest of FILE but templates).
lint_one() {
	jq -c --arg n "$1" 'select(.kind != "template" or .name == $n)' "${2:-$OUT}" | cert-lint --profile adcs
}

@test "samba esc: the probes are read as written" {
	[ "$(jq -c 'select(.name == "P1Unpublished") | .published_by' "$OUT")" = "[]" ]
	[ "$(jq -c 'select(.name == "P1Published") | .published_by' "$OUT")" = '["CORP-CA"]' ]
	jq -se --arg g "$NAMEFLAG" '.[] | select(.name == "P4AttrEnroll") | .acl | any(.object_type == $g and any(.rights[]; . == "write_property_object"))' "$OUT"
	jq -se '.[] | select(.name == "P5DenyWD") | .acl | any(.allow == false and any(.rights[]; . == "write_dacl"))' "$OUT"
	[ "$(jq -c 'select(.name == "P6ServerEkuClientPolicy") | [.eku, .application_policies]' "$OUT")" = '[["server_auth"],["client_auth"]]' ]
	[ "$(jq -c 'select(.kind == "oid")' "$NOOIDS" | grep -c .)" -eq 0 ]
}

@test "samba esc 1: unpublished templates are latent: notice, not in the exit status" {
	run -2 lint_one P1Published
	[ "$(rules_of P1Published)" = "critical adcs.esc1" ]
	run -0 lint_one P1Unpublished
	[ "$(rules_of P1Unpublished)" = "notice adcs.esc1" ]
	[[ "$(msg_of P1Unpublished adcs.esc1)" == "latent: no CA publishes template 'P1Unpublished'"*"once published: "*"(ESC1)"* ]]
	# A policy with include_unpublished judges it as if published.
	printf '{"profile":"adcs-all","description":"t","params":{"include_unpublished":true},"rules":{"adcs.esc1":{}}}\n' >"$BATS_TEST_TMPDIR/all.json"
	run -2 sh -c "jq -c 'select(.kind != \"template\" or .name == \"P1Unpublished\")' '$OUT' | cert-lint --policy '$BATS_TEST_TMPDIR/all.json'"
	[ "$(rules_of P1Unpublished)" = "critical adcs.esc1" ]
	# LegacyUser of the standard set is unpublished too: its four escalations are notices.
	run -0 lint_one LegacyUser
	[ "$(rules_of LegacyUser)" = "notice adcs.esc1,notice adcs.esc15,notice adcs.esc2,notice adcs.esc4" ]
}

@test "samba esc 2: ESC9 fires without approval, silent with PEND_ALL_REQUESTS" {
	run -1 lint_one P2NoSecExt
	[ "$(rules_of P2NoSecExt)" = "warning adcs.esc9" ]
	run -0 lint_one P2NoSecExtPend
	[ -z "$(rules_of P2NoSecExtPend)" ]
}

@test "samba esc 3: ESC13 judged with the oid records, unknown without them" {
	run -2 lint_one P3Policy
	[ "$(rules_of P3Policy)" = "critical adcs.esc13" ]
	[[ "$(msg_of P3Policy adcs.esc13)" == *"CN=AMT Site Servers"* ]]
	run -0 lint_one P3PolicyUnlinked
	[ -z "$(rules_of P3PolicyUnlinked)" ]
	run -0 lint_one P3Policy "$NOOIDS"
	[ "$(rules_of P3Policy)" = "notice adcs.esc13" ]
	[[ "$(msg_of P3Policy adcs.esc13)" == "unknown: "*"cert-ad --what oids"* ]]
}

@test "samba esc 4: WriteProperty on one security attribute: critical with Enroll, warning without" {
	run -2 lint_one P4AttrEnroll
	[ "$(rules_of P4AttrEnroll)" = "critical adcs.esc4" ]
	[[ "$(msg_of P4AttrEnroll adcs.esc4)" == *"CORP\\Domain Users (msPKI-Certificate-Name-Flag)"* ]]
	run -1 lint_one P4AttrOnly
	[ "$(rules_of P4AttrOnly)" = "warning adcs.esc4" ]
	run -0 lint_one P4AttrOther
	[ -z "$(rules_of P4AttrOther)" ]
	run -0 lint_one P4AttrDenied
	[ -z "$(rules_of P4AttrDenied)" ]
}

@test "samba esc 5: a deny ACE for Authenticated Users wins over its WriteDacl" {
	run -2 lint_one P5WD
	[ "$(rules_of P5WD)" = "critical adcs.esc4" ]
	run -0 lint_one P5DenyWD
	[ -z "$(rules_of P5DenyWD)" ]
}

@test "samba esc 6: EKU Server Auth with application policy Client Auth is ESC1" {
	run -2 lint_one P6ServerEkuClientPolicy
	[ "$(rules_of P6ServerEkuClientPolicy)" = "critical adcs.esc1,critical adcs.esc17" ]
	run -1 lint_one P6ServerOnly
	[ "$(rules_of P6ServerOnly)" = "warning adcs.esc17" ]
}
