#!/usr/bin/env bats
# cert-approve on committed record files and CA configurations
# (tests/fixtures/approve/).  The Samba AD tests are in cert-approve-samba.bats.

bats_require_minimum_version 1.5.0

setup() {
	load helper
	A="$FIX/approve"
	R="$A/records.jsonl"
	SITE='CORP\SITESRV01$'
}

# approval T CA: the approval record for template T on CA in $output.
approval() {
	printf '%s\n' "$output" | grep '^{' | jq -c "select(.kind == \"approval\" and .template == \"$1\" and .ca == \"$2\")"
}

# schema_ok: validates the records in $output against tests/schema (skips
# when the lead's validator is not there yet).
schema_ok() {
	[ -f "$CK_TOP/tests/schema/validate.py" ] || skip "tests/schema/validate.py not there yet"
	printf '%s\n' "$output" | grep '^{' | python3 "$CK_TOP/tests/schema/validate.py"
}

# rules T CA: the sorted, comma-joined reason rules of that approval.
rules() {
	approval "$1" "$2" | jq -r '[.reasons[].rule] | sort | join(",")'
}

@test "usage: --requester is required; bad format; unknown option" {
	run -3 cert-approve "$R"
	[[ "$output" == *"--requester is required"* ]]
	run -3 cert-approve --requester x --format xml "$R"
	run -3 cert-approve --bogus
	run -0 cert-approve --help
	[[ "$output" == *"usage: cert-approve --requester NAME|SID [--ca NAME ...] [--template NAME ...]"* ]]
	[[ "$(cert-approve --requester x --format xml "$R" 2>&1)" == "cert-approve: --format: 'xml': use json or text"* ]]
	run -0 cert-approve --version
	[[ "$output" == *"cert-approve (certkit)"* ]]
}

@test "published, Enroll through a group, disposition 0x1: issue, exit 0" {
	run -0 cert-approve --requester "$SITE" --template AMTWebServer --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict issue
	jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.raw 1
	jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.assumed false
	[ "$(rules AMTWebServer CORP-CA)" = "approve.enroll_granted" ]
	approval AMTWebServer CORP-CA | grep -q 'AMT Site Servers'
	[ "$(lines_of approval)" -eq 1 ]
	schema_ok
}

@test "RequestDisposition 0x101 (pending first): pending, exit 2" {
	run -2 cert-approve --requester "$SITE" --template AMTWebServer --ca-config "$A/getreg-disp-101.txt" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict pending
	[ "$(rules AMTWebServer CORP-CA)" = "approve.ca_pending_first,approve.enroll_granted" ]
	jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.action pending
}

@test "no --ca-config: disposition unknown is a warning, enterprise default assumed, exit 1" {
	run -1 cert-approve --requester "$SITE" --template AMTWebServer "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict issue
	jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.assumed true
	jq_eq "$(approval AMTWebServer CORP-CA)" '.reasons[] | select(.rule == "approve.disposition_unknown") | .severity' warning
}

@test "PEND_ALL_REQUESTS on the template: pending; Enroll granted to the computer directly" {
	run -2 cert-approve --requester "$SITE" --template AMTWebServerPend --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServerPend CORP-CA)" .verdict pending
	[ "$(rules AMTWebServerPend CORP-CA)" = "approve.enroll_granted,approve.pend_all_requests" ]
	approval AMTWebServerPend CORP-CA | grep -q "through 'CORP.*SITESRV01"
}

@test "RA signatures: pending; all_extended_rights through a nested group counts as Enroll" {
	run -2 cert-approve --requester "$SITE" --template AMTWebServerRA --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServerRA CORP-CA)" .verdict pending
	[ "$(rules AMTWebServerRA CORP-CA)" = "approve.enroll_granted,approve.ra_signatures" ]
	approval AMTWebServerRA CORP-CA | grep -q 'AMT Provisioners'
}

@test "every reason is reported, not only the deciding one" {
	run -2 cert-approve --requester "$SITE" --template AMTWebServerRA --template AMTWebServerPend \
		--ca-config "$A/getreg-disp-101.txt" "$R"
	[ "$(rules AMTWebServerRA CORP-CA)" = "approve.ca_pending_first,approve.enroll_granted,approve.ra_signatures" ]
	[ "$(rules AMTWebServerPend CORP-CA)" = "approve.ca_pending_first,approve.enroll_granted,approve.pend_all_requests" ]
}

@test "unpublished template: deny on every CA, even with Enroll" {
	run -2 cert-approve --requester "$SITE" --template AMTUnpublished --ca-config "$A/getreg-disp-1.txt" "$R"
	[ "$(lines_of approval)" -eq 2 ]
	jq_eq "$(approval AMTUnpublished CORP-CA)" .verdict deny
	jq_eq "$(approval AMTUnpublished CORP-SUB-CA)" .verdict deny
	[ "$(rules AMTUnpublished CORP-CA)" = "approve.enroll_granted,approve.not_published" ]
}

@test "--ca names a CA that does not publish a template: deny" {
	run -2 cert-approve --requester "$SITE" --template AMTWebServer --ca CORP-SUB-CA "$R"
	[ "$(lines_of approval)" -eq 1 ]
	jq_eq "$(approval AMTWebServer CORP-SUB-CA)" .verdict deny
}

@test "Enroll through Authenticated Users; a deny ACE on a group wins for its member" {
	run -1 cert-approve --requester "$SITE" --template AMTProvisioning "$R"
	jq_eq "$(approval AMTProvisioning CORP-CA)" .verdict issue
	approval AMTProvisioning CORP-CA | grep -q 'Authenticated Users'
	run -2 cert-approve --requester 'CORP\WKS01$' --template AMTProvisioning "$R"
	jq_eq "$(approval AMTProvisioning CORP-CA)" .verdict not_enrollable
	[ "$(rules AMTProvisioning CORP-CA)" = "approve.denied_by_ace,approve.disposition_unknown" ]
	approval AMTProvisioning CORP-CA | grep -q 'Blocked Hosts'
}

@test "no ACE grants Enroll (autoenroll alone does not): not_enrollable" {
	run -2 cert-approve --requester "$SITE" --template AdminOnly --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AdminOnly CORP-CA)" .verdict not_enrollable
	[ "$(rules AdminOnly CORP-CA)" = "approve.no_enroll_right" ]
}

@test "requester by SID, by name without domain, by name without \$" {
	run -0 cert-approve --requester S-1-5-21-1111-2222-3333-1105 --template AMTWebServer --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .requester 'CORP\SITESRV01$'
	run -0 cert-approve --requester 'sitesrv01$' --template AMTWebServer --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .requester_sid S-1-5-21-1111-2222-3333-1105
	run -0 cert-approve --requester SITESRV01 --template AMTWebServer --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .requester 'CORP\SITESRV01$'
	run -3 cert-approve --requester 'OTHER\SITESRV01$' --template AMTWebServer "$R"
}

@test "a SID without a principal record: own SID + Everyone + Authenticated Users, with a warning" {
	run -1 cert-approve --requester S-1-5-21-1111-2222-3333-4242 --template AMTProvisioning --ca CORP-CA --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTProvisioning CORP-CA)" .verdict issue
	[ "$(rules AMTProvisioning CORP-CA)" = "approve.enroll_granted,approve.requester_groups_unknown" ]
	# Its groups are unknown, so a group grant does not count.
	run -2 cert-approve --requester S-1-5-21-1111-2222-3333-4242 --template AMTWebServer --ca-config "$A/getreg-disp-1.txt" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict not_enrollable
}

@test "missing inputs: no such requester, template or CA; no records; exit 3" {
	run -3 cert-approve --requester 'CORP\NOBODY$' "$R"
	[[ "$output" == *"cert-approve: 'CORP\\NOBODY\$': no principal record"* ]]
	run -3 cert-approve --requester "$SITE" --template NoSuchTemplate "$R"
	[[ "$output" == *"'NoSuchTemplate': no template record"* ]]
	[ "$(lines_of approval)" -eq 0 ]
	run -3 cert-approve --requester "$SITE" --ca NO-CA "$R"
	[[ "$output" == *"'NO-CA': no ca record"* ]]
	run -3 cert-approve --requester "$SITE" /dev/null
	[[ "$output" == *"no template records"* ]]
	run -3 cert-approve --requester "$SITE" /nonexistent/records.jsonl
	[[ "$output" == *"cert-approve: '/nonexistent/records.jsonl': No such file"* ]]
}

@test "ambiguous requester name: exit 3" {
	rec='{"kind":"principal","v":1,"name":"OTHER\\SITESRV01$","sid":"S-1-5-21-9-9-9-1105","groups":[]}'
	run -3 bash -c "{ cat '$R'; echo '$rec'; } | cert-approve --requester 'SITESRV01\$'"
	[[ "$output" == *"several principal records match"* ]]
	# The full name still picks one.
	run -1 bash -c "{ cat '$R'; echo '$rec'; } | cert-approve --requester 'OTHER\\SITESRV01\$' --template AMTProvisioning --ca CORP-CA"
}

@test "both RequestDisposition texts, CRLF and UTF-16LE (PowerShell) forms" {
	for f in getreg-disp-1.txt getreg-disp-101.txt getreg-utf16.txt getreg-all.txt; do
		run cert-approve --requester "$SITE" --template AMTWebServer --ca CORP-CA --ca-config "$A/$f" "$R"
		case $f in
		*-1.txt) [ "$status" -eq 0 ]; jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.raw 1 ;;
		*) [ "$status" -eq 2 ]; jq_eq "$(approval AMTWebServer CORP-CA)" .request_disposition.raw 257 ;;
		esac
	done
}

@test "--ca-config fills the ca record: request_disposition, edit_flags, interface_flags" {
	run -2 cert-approve --requester "$SITE" --template AMTWebServer --ca-config "$A/getreg-all.txt" "$R"
	ca=$(printf '%s\n' "$output" | jq -c 'select(.kind == "ca" and .name == "CORP-CA")')
	jq_eq "$ca" .request_disposition.raw 257
	jq_eq "$ca" .request_disposition.action pending
	jq_eq "$ca" .edit_flags.raw 1376590
	jq_eq "$ca" '.edit_flags.names | index("EDITF_ATTRIBUTESUBJECTALTNAME2") != null' true
	jq_eq "$ca" .interface_flags.raw 1601
	jq_eq "$ca" '.interface_flags.names | index("IF_ENFORCEENCRYPTICERTREQUEST") != null' true
	# The other CA is untouched; every input record passes through in order.
	jq_eq "$(printf '%s\n' "$output" | jq -c 'select(.kind == "ca" and .name == "CORP-SUB-CA")')" 'has("request_disposition")' false
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind != "approval") | .kind' | tr '\n' ' ')" = \
	  "$(jq -r .kind "$R" | tr '\n' ' ')" ]
	schema_ok
}

@test "JSON CA configs: one object, an array for two CAs" {
	run -0 cert-approve --requester "$SITE" --template AMTWebServer --ca-config "$A/ca-config.json" "$R"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict issue
	run -2 cert-approve --requester "$SITE" --template AMTProvisioning --ca-config "$A/ca-config-array.json" "$R"
	jq_eq "$(approval AMTProvisioning CORP-CA)" .verdict pending
	jq_eq "$(approval AMTProvisioning CORP-SUB-CA)" .verdict issue
}

@test "a certutil text without a registry path belongs to --ca, or to the only CA" {
	run -2 cert-approve --requester "$SITE" --template AMTProvisioning --ca CORP-SUB-CA --ca-config "$A/getreg-nopath.txt" "$R"
	jq_eq "$(approval AMTProvisioning CORP-SUB-CA)" .verdict pending
	run -3 cert-approve --requester "$SITE" --template AMTProvisioning --ca-config "$A/getreg-nopath.txt" "$R"
	[[ "$output" == *"give --ca NAME"* ]]
}

@test "unparseable --ca-config: one stderr line, an error record, no verdict, exit 3" {
	for f in bad-hexdec.txt bad-failed.txt bad-garbage.txt bad-type.txt bad-config.json; do
		run -3 --separate-stderr cert-approve --requester "$SITE" --template AMTWebServer --ca-config "$A/$f" "$R"
		[ "$(lines_of approval)" -eq 0 ]
		[ "$(lines_of error)" -eq 1 ]
		[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ]
		printf '%s\n' "$stderr" | grep -q "^cert-approve: '$A/$f': "
	done
	run -3 cert-approve --requester "$SITE" --ca-config /nonexistent.txt "$R"
}

@test "broken input lines are reported and the rest is still judged" {
	run -2 --separate-stderr bash -c "{ echo 'not json'; cat '$R'; } | cert-approve --requester '$SITE' --template AMTWebServerPend --ca-config '$A/getreg-disp-1.txt'"
	[[ "$stderr" == "cert-approve: 'stdin': "* ]]
	[ "$(lines_of error)" -eq 1 ]
	jq_eq "$(approval AMTWebServerPend CORP-CA)" .verdict pending
	run -3 bash -c "{ echo 'not json'; cat '$R'; } | cert-approve --requester '$SITE' --template AMTWebServer --ca-config '$A/getreg-disp-1.txt'"
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict issue
}

@test "without --ca a template is judged on the CAs that publish it" {
	run -2 cert-approve --requester "$SITE" "$R"
	[ "$(approval AMTWebServer CORP-SUB-CA)" = "" ]
	[ "$(lines_of approval)" -eq 8 ]
}

@test "--format text: one line per template and CA, verdict first" {
	run -2 cert-approve --requester "$SITE" --ca-config "$A/getreg-disp-1.txt" --format text "$R"
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 8 ]
	printf '%s\n' "$output" | grep -q '^issue  *AMTWebServer @ CORP-CA (requester CORP\\SITESRV01\$): approve.enroll_granted'
	printf '%s\n' "$output" | grep -q '^pending  *AMTWebServerRA @ CORP-CA .*approve.ra_signatures \[critical\]'
	printf '%s\n' "$output" | grep -q '^not_enrollable AdminOnly @ CORP-CA'
	printf '%s\n' "$output" | grep -q '^deny  *AMTUnpublished @ CORP-SUB-CA'
}

@test "malformed template fields: error record, exit 3, other pairs still judged" {
	bad='{"kind":"template","v":1,"name":"Broken","ra_signatures":"two","acl":[]}'
	run -3 --separate-stderr bash -c "{ cat '$R'; echo '$bad'; } | cert-approve --requester '$SITE' --template Broken --template AMTWebServer --ca CORP-CA --ca-config '$A/getreg-disp-1.txt'"
	[[ "$stderr" == "cert-approve: 'Broken': template 'Broken': \"ra_signatures\" is not a non-negative integer" ]]
	[ "$(lines_of error)" -eq 1 ]
	jq_eq "$(approval AMTWebServer CORP-CA)" .verdict issue
}

# The man page's jq example, verbatim.
example_jq() {
	cert-approve --requester 'CORP\SITESRV01$' --ca-config getreg.txt records.jsonl | jq -r 'select(.kind == "approval") | [.verdict, .template, .ca] | @tsv'
}

@test "man EXAMPLES on the fixture records" {
	cd "$BATS_TEST_TMPDIR"
	cp "$A/getreg-disp-1.txt" getreg.txt
	cp "$R" records.jsonl
	run -0 cert-approve --requester 'CORP\SITESRV01$' --template AMTWebServer --ca-config getreg.txt records.jsonl --format text
	[[ "$output" == "issue          AMTWebServer @ CORP-CA (requester CORP\\SITESRV01\$): approve.enroll_granted [notice]: "* ]]
	run -0 example_jq
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 8 ]
	printf '%s\n' "$output" | grep -qx "$(printf 'pending\tAMTWebServerPend\tCORP-CA')"
	printf '%s\n' "$output" | grep -qx "$(printf 'not_enrollable\tAdminOnly\tCORP-CA')"
}

