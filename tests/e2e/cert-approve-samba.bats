#!/usr/bin/env bats
# cert-approve on what cert-ad reads from a real Samba AD domain controller
# on loopback (tests/harness/samba.sh): the standard AD CS data set
# (tests/fixtures/ad/load.sh) plus templates for each approval case:
#   AMTPendOnly     PEND_ALL_REQUESTS only; Enroll: SITESRV01$ itself
#   AMTRAOnly       msPKI-RA-Signature 1 only; Enroll: AMT Provisioners (nested)
#   AMTAuthUsers    Enroll: Authenticated Users; deny Enroll: Blocked Hosts
#   AMTUnpublished  Enroll: AMT Site Servers; no CA publishes it
# AMTPendOnly, AMTRAOnly and AMTAuthUsers are published on CORP-CA.

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	ad_start approve_load
	T="$BATS_FILE_TMPDIR"
	OUT="$T/ad.jsonl"
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --principal 'CORP\SITESRV01$' --principal 'CORP\WKS01$' \
		--principal 'CORP\alice' >"$OUT"
	SID_SITESRV=$(samba_sid SITESRV01)
	SID_WKS=$(samba_sid WKS01)
	SID_SS=$(samba_sid "AMT Site Servers")
	SID_PV=$(samba_sid "AMT Provisioners")
	SID_BH=$(samba_sid "Blocked Hosts")
	export T OUT SID_SITESRV SID_WKS SID_SS SID_PV SID_BH
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

# approve_load: the extra templates of this file, and CORP-CA publishing three of them.
approve_load() {
	_e=0e10c968-78fb-11d2-90d4-00c04f79dc55
	samba_add_template AMTPendOnly "msPKI-Enrollment-Flag: 2" \
		"msPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.4242.1.201" &&
	samba_add_template AMTRAOnly "msPKI-RA-Signature: 1" \
		"msPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.4242.1.202" &&
	samba_add_template AMTAuthUsers \
		"msPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.4242.1.203" &&
	samba_add_template AMTUnpublished \
		"msPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.4242.1.204" || return 1
	samba_dsacl "CN=AMTPendOnly,$SAMBA_TEMPLATES_DN" "(OA;;CR;$_e;;$(samba_sid SITESRV01))" &&
	samba_dsacl "CN=AMTRAOnly,$SAMBA_TEMPLATES_DN" "(OA;;CR;$_e;;$(samba_sid 'AMT Provisioners'))" &&
	samba_dsacl "CN=AMTAuthUsers,$SAMBA_TEMPLATES_DN" \
		"(OD;;CR;$_e;;$(samba_sid 'Blocked Hosts'))(OA;;CR;$_e;;AU)" &&
	samba_dsacl "CN=AMTUnpublished,$SAMBA_TEMPLATES_DN" "(OA;;CR;$_e;;$(samba_sid 'AMT Site Servers'))" ||
		return 1
	printf 'dn: CN=CORP-CA,%s\nchangetype: modify\nadd: certificateTemplates\ncertificateTemplates: AMTPendOnly\ncertificateTemplates: AMTRAOnly\ncertificateTemplates: AMTAuthUsers\n' \
		"$SAMBA_ENROLL_DN" | samba_ldapmodify -
}

# approval T CA: that approval record in $output.
approval() {
	printf '%s\n' "$output" | grep '^{' | jq -c "select(.kind == \"approval\" and .template == \"$1\" and .ca == \"$2\")"
}

# rules T CA: its reasons' rules, sorted and comma-joined.
rules() {
	approval "$1" "$2" | jq -r '[.reasons[].rule] | sort | join(",")'
}

# verdicts: "verdict template ca" lines of $output, sorted.
verdicts() {
	printf '%s\n' "$output" | grep '^{' | jq -r 'select(.kind == "approval") | "\(.verdict) \(.template) \(.ca)"' | sort
}

@test "cert-ad export has the principals with transitive groups" {
	[ "$(jq -c 'select(.kind == "principal")' "$OUT" | wc -l)" -eq 3 ]
	[ "$(jq -c 'select(.kind == "error")' "$OUT" | wc -l)" -eq 0 ]
	[ "$(jq -r --arg s "$SID_PV" 'select(.kind == "principal" and .name == "CORP\\SITESRV01$") | .groups | map(.sid) | index($s) != null' "$OUT")" = true ]
}

@test "site server, disposition 0x1: every template and CA judged as the CA would" {
	run -2 cert-approve --requester 'CORP\SITESRV01$' --ca-config "$FIX/approve/getreg-disp-1.txt" "$OUT"
	expected="deny AMTUnpublished CORP-CA
deny AMTUnpublished CORP-SUB-CA
deny LegacyUser CORP-CA
deny LegacyUser CORP-SUB-CA
issue AMTAuthUsers CORP-CA
issue AMTProvisioning CORP-CA
issue AMTProvisioning CORP-SUB-CA
issue AMTWebServer CORP-CA
pending AMTPendOnly CORP-CA
pending AMTRAOnly CORP-CA
pending AMTWebServerPend CORP-CA"
	diff <(verdicts) <(printf '%s\n' "$expected")
	[ "$(rules AMTPendOnly CORP-CA)" = "approve.enroll_granted,approve.pend_all_requests" ]
	[ "$(rules AMTRAOnly CORP-CA)" = "approve.enroll_granted,approve.ra_signatures" ]
	[ "$(rules AMTWebServerPend CORP-CA)" = "approve.enroll_granted,approve.pend_all_requests,approve.ra_signatures" ]
	[ "$(rules AMTUnpublished CORP-CA)" = "approve.enroll_granted,approve.not_published" ]
	[ -f "$CK_TOP/tests/schema/validate.py" ] && printf '%s\n' "$output" | grep '^{' | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "Enroll directly, through a group, a nested group, Domain Computers, Authenticated Users" {
	run -2 cert-approve --requester 'CORP\SITESRV01$' --ca-config "$FIX/approve/getreg-disp-1.txt" "$OUT"
	approval AMTPendOnly CORP-CA | grep -q "($SID_SITESRV)"
	approval AMTWebServer CORP-CA | grep -q "($SID_SS)"
	approval AMTRAOnly CORP-CA | grep -q "($SID_PV)"
	approval AMTProvisioning CORP-SUB-CA | grep -q "($SID_PV)"
	approval AMTWebServerPend CORP-CA | grep -q -- '-515)'
	approval AMTAuthUsers CORP-CA | grep -q '(S-1-5-11)'
}

@test "a deny ACE on a group wins: WKS01\$ is not enrollable" {
	run -2 cert-approve --requester 'CORP\WKS01$' --template AMTAuthUsers --template AMTProvisioning \
		--ca CORP-CA --ca-config "$FIX/approve/getreg-disp-1.txt" "$OUT"
	jq_eq "$(approval AMTAuthUsers CORP-CA)" .verdict not_enrollable
	[ "$(rules AMTAuthUsers CORP-CA)" = "approve.denied_by_ace" ]
	approval AMTAuthUsers CORP-CA | grep -q "($SID_BH)"
	jq_eq "$(approval AMTProvisioning CORP-CA)" .verdict not_enrollable
	[ "$(rules AMTProvisioning CORP-CA)" = "approve.denied_by_ace,approve.no_enroll_right" ]
	# A user outside the groups: only Authenticated Users.
	run -2 cert-approve --requester alice --template AMTWebServer --template AMTAuthUsers \
		--ca CORP-CA --ca-config "$FIX/approve/getreg-disp-1.txt" "$OUT"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict not_enrollable
	jq_eq "$(approval AMTAuthUsers CORP-CA)" .verdict issue
}

@test "both RequestDisposition texts on the DC's data" {
	run -0 cert-approve --requester "$SID_SITESRV" --template AMTWebServer --ca CORP-CA \
		--ca-config "$FIX/approve/getreg-disp-1.txt" "$OUT"
	jq_eq "$(approval AMTWebServer CORP-CA)" .requester 'CORP\SITESRV01$'
	run -2 cert-approve --requester "$SID_SITESRV" --template AMTWebServer --ca CORP-CA \
		--ca-config "$FIX/approve/getreg-disp-101.txt" "$OUT"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict pending
	[ "$(rules AMTWebServer CORP-CA)" = "approve.ca_pending_first,approve.enroll_granted" ]
}

@test "a computer SID without its principal record" {
	jq -c 'select(.kind != "principal")' "$OUT" >"$T/noprincipal.jsonl"
	run -2 cert-approve --requester "$SID_SITESRV" --template AMTPendOnly --template AMTAuthUsers \
		--template AMTWebServer --ca CORP-CA --ca-config "$FIX/approve/getreg-disp-1.txt" "$T/noprincipal.jsonl"
	# Its group grants are unknown (AMTWebServer is granted to AMT Site Servers).
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict not_enrollable
	jq_eq "$(approval AMTPendOnly CORP-CA)" .verdict pending
	[ "$(rules AMTAuthUsers CORP-CA)" = "approve.enroll_granted,approve.requester_groups_unknown" ]
	run -1 cert-approve --requester "$SID_SITESRV" --template AMTAuthUsers --ca CORP-CA \
		--ca-config "$FIX/approve/getreg-disp-1.txt" "$T/noprincipal.jsonl"
	jq_eq "$(approval AMTAuthUsers CORP-CA)" .verdict issue
}

# The man page's pipeline, verbatim (getreg.txt in the current directory).
example_pipeline() {
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" --principal 'CORP\SITESRV01$' | cert-approve --requester 'CORP\SITESRV01$' --ca-config getreg.txt
}

@test "man EXAMPLES: the full cert-ad | cert-approve pipeline" {
	cd "$T"
	cp "$FIX/approve/getreg-disp-1.txt" getreg.txt
	run -2 example_pipeline
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict issue
	jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.raw 1
	jq_eq "$(approval AMTPendOnly CORP-CA)" .verdict pending
	[ "$(lines_of approval)" -eq 11 ]
	# CORP-CA now carries its disposition for the next stage.
	jq_eq "$(printf '%s\n' "$output" | jq -c 'select(.kind == "ca" and .name == "CORP-CA")')" .request_disposition.action issue
}
