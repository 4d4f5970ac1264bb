#!/usr/bin/env bats
# cert-lint: every rule fires on a fixture made to break it and stays
# silent on one that follows it (test names "<rule> fires" / "<rule> silent",
# checked by tests/fixtures/lint/rules-covered.sh); profiles over mixed
# streams; broken input and broken policies.
load helper
bats_require_minimum_version 1.5.0

L="$FIX/lint"

lint_c() { _p=$1 _c=$2; shift 2; cert-read "$L/certs/$_c.pem" | cert-lint --profile "$_p" "$@"; }
lint_t() { _p=$1 _t=$2; shift 2; jq -c . "$L/templates/$_t.json" | cert-lint --profile "$_p" "$@"; }
lint_ca() { _p=$1 _t=$2; shift 2; jq -c . "$L/cas/$_t.json" | cert-lint --profile "$_p" "$@"; }

# chain_of CERT...: the certificates' records, then a chain record over them
# (leaf first, the last one the anchor), as cert-chain writes it.
chain_of() {
	for _c in "$@"; do cert-read "$L/certs/$_c.pem"; done >"$BATS_TEST_TMPDIR/certs.jsonl"
	cat "$BATS_TEST_TMPDIR/certs.jsonl"
	jq -sc '{kind: "chain", v: 1, id: "t", leaf: .[0].id, path: [.[].id], anchor: .[-1].id,
		status: "ok", findings: []}' "$BATS_TEST_TMPDIR/certs.jsonl"
}
lint_chain() { _p=$1; shift; chain_of "$@" | cert-lint --profile "$_p"; }

# has RULE [SEVERITY] [KIND]: some record (of KIND) has a finding RULE (of SEVERITY).
has() {
	printf '%s\n' "$output" | jq -se --arg r "$1" --arg s "${2:-}" --arg k "${3:-}" \
		'[.[] | select($k == "" or .kind == $k) | .findings[]? | select(.rule == $r and ($s == "" or .severity == $s))] | length > 0' \
		>/dev/null || { echo "expected $1 ${2:-} ${3:-} in: $output"; return 1; }
}
# hasnt RULE: no record has a finding RULE.
hasnt() {
	if printf '%s\n' "$output" | jq -se --arg r "$1" '[.[] | .findings[]? | select(.rule == $r)] | length > 0' >/dev/null; then
		echo "unexpected $1 in: $output"
		return 1
	fi
}
msg_of() { printf '%s\n' "$output" | jq -r --arg r "$1" '.findings[]? | select(.rule == $r) | .message'; }

# --- RFC 5280 --------------------------------------------------------

@test "cert-lint: rfc5280.version fires (v1 leaf warning, v1 CA critical)" {
	run -2 lint_c rfc5280 serial-neg
	has rfc5280.version warning
	run -2 sh -c "cert-read '$L/certs/root.pem' | jq -c '.version = 1' | cert-lint --profile rfc5280"
	has rfc5280.version critical
}

@test "cert-lint: rfc5280.version silent on a v3 certificate" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.version
	jq_eq "$output" '.findings | length' 0
}

@test "cert-lint: rfc5280.serial_not_positive fires on zero and negative serials" {
	run -2 lint_c rfc5280 serial-zero
	has rfc5280.serial_not_positive critical
	run -2 lint_c rfc5280 serial-neg
	has rfc5280.serial_not_positive critical
}

@test "cert-lint: rfc5280.serial_not_positive silent on a positive serial" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.serial_not_positive
}

@test "cert-lint: rfc5280.serial_too_long fires on a 21-octet serial" {
	run -2 lint_c rfc5280 serial-long
	has rfc5280.serial_too_long critical
	[[ "$(msg_of rfc5280.serial_too_long)" == *"21-octet"* ]]
}

@test "cert-lint: rfc5280.serial_too_long silent on a 15-octet serial" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.serial_too_long
}

@test "cert-lint: rfc5280.validity_order fires when notAfter precedes notBefore" {
	run -2 sh -c "cert-read '$L/certs/web-good.pem' | jq -c '.not_after = \"2024-01-01T00:00:00Z\"' | cert-lint --profile rfc5280"
	has rfc5280.validity_order critical
}

@test "cert-lint: rfc5280.validity_order silent on an ordered validity" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.validity_order
}

@test "cert-lint: rfc5280.ca_key_usage fires on CA certs without keyCertSign" {
	run -2 lint_c rfc5280 ca-noku
	has rfc5280.ca_key_usage critical
	run -2 lint_c rfc5280 ca-nokcs
	has rfc5280.ca_key_usage critical
}

@test "cert-lint: rfc5280.ca_key_usage silent on a proper CA" {
	run -0 lint_c rfc5280 root
	hasnt rfc5280.ca_key_usage
}

@test "cert-lint: rfc5280.key_cert_sign_not_ca fires" {
	run -2 lint_c rfc5280 kcs-leaf
	has rfc5280.key_cert_sign_not_ca critical
}

@test "cert-lint: rfc5280.key_cert_sign_not_ca silent" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.key_cert_sign_not_ca
}

@test "cert-lint: rfc5280.path_len_not_ca fires" {
	run -2 lint_c rfc5280 pathlen-leaf
	has rfc5280.path_len_not_ca critical
}

@test "cert-lint: rfc5280.path_len_not_ca silent" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.path_len_not_ca
}

@test "cert-lint: rfc5280.san_missing fires (warning on TLS server, critical with empty subject)" {
	run -1 lint_c rfc5280 nosan
	has rfc5280.san_missing warning
	run -2 lint_c rfc5280 emptysubj
	has rfc5280.san_missing critical
}

@test "cert-lint: rfc5280.san_missing silent with a SAN" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.san_missing
}

@test "cert-lint: rfc5280.san_syntax fires on a malformed DNS name" {
	run -2 lint_c rfc5280 badsan
	has rfc5280.san_syntax critical
	[[ "$(msg_of rfc5280.san_syntax)" == *"'-bad..corp.example'"* ]]
}

@test "cert-lint: rfc5280.name_control_char fires on a NUL in the CN and SAN (null prefix) and an ESC in a CN" {
	run -2 sh -c "cert-read '$FIX/hostile/nul-name.pem' | cert-lint --profile rfc5280"
	has rfc5280.name_control_char critical
	[[ "$(msg_of rfc5280.name_control_char)" == *"('www.bank.example\\x00.evil.example')"* ]]
	# the finding's subject is the DN, where the NUL is escaped, not the cut CN
	jq_eq "$output" '.findings[] | select(.rule == "rfc5280.name_control_char") | .subject' 'CN=www.bank.example\00.evil.example,O=Hostile Example'
	run -2 sh -c "cert-read '$FIX/hostile/cn-esc.pem' | cert-lint --profile rfc5280"
	has rfc5280.name_control_char critical
}

@test "cert-lint: rfc5280.name_control_char silent on UTF-8 and RFC 4514 specials" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.name_control_char
	run sh -c "cert-read '$FIX/read/names.pem' | cert-lint --profile rfc5280"
	hasnt rfc5280.name_control_char
}

@test "cert-lint: rfc5280.san_syntax silent on good names" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.san_syntax
}

@test "cert-lint: rfc5280.aki_missing fires" {
	run -2 lint_c rfc5280 noaki
	has rfc5280.aki_missing critical
}

@test "cert-lint: rfc5280.aki_missing silent (leaf with AKI; self-signed root)" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.aki_missing
	run -0 lint_c rfc5280 root
	hasnt rfc5280.aki_missing
}

@test "cert-lint: rfc5280.ski_missing fires (notice on leaves, critical on CAs)" {
	run -0 lint_c rfc5280 noski
	has rfc5280.ski_missing notice
	run -2 lint_c rfc5280 ca-noski
	has rfc5280.ski_missing critical
}

@test "cert-lint: rfc5280.ski_missing silent" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.ski_missing
}

@test "cert-lint: rfc5280.critical_unknown_extension fires" {
	run -2 lint_c rfc5280 critext
	has rfc5280.critical_unknown_extension critical
	[[ "$(msg_of rfc5280.critical_unknown_extension)" == *"1.2.3.4"* ]]
}

@test "cert-lint: rfc5280.critical_unknown_extension silent (critical BC and KU are known)" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.critical_unknown_extension
}

@test "cert-lint: rfc5280.weak_key fires on RSA 1024" {
	run -2 lint_c rfc5280 web-1024
	has rfc5280.weak_key critical
}

@test "cert-lint: rfc5280.weak_key silent on RSA 2048 and when the policy lowers min_rsa_bits" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.weak_key
	printf '{"params":{"min_rsa_bits":1024},"rules":{"rfc5280.weak_key":{}}}\n' >"$BATS_TEST_TMPDIR/p.json"
	run -0 sh -c "cert-read '$L/certs/web-1024.pem' | cert-lint --policy '$BATS_TEST_TMPDIR/p.json'"
	hasnt rfc5280.weak_key
}

@test "cert-lint: rfc5280.weak_signature fires on SHA-1" {
	run -2 lint_c rfc5280 web-sha1
	has rfc5280.weak_signature critical
	run -2 lint_c rfc5280 ca-sha1
	has rfc5280.weak_signature critical
}

@test "cert-lint: rfc5280.weak_signature silent on SHA-256" {
	run -0 lint_c rfc5280 web-good
	hasnt rfc5280.weak_signature
}

# --- Intel AMT ----------------------------------------------------------

@test "cert-lint: amt.server_auth_missing fires" {
	run -2 lint_c amt-web-server client-8021x
	has amt.server_auth_missing critical
}

@test "cert-lint: amt.server_auth_missing silent" {
	run -0 lint_c amt-web-server web-good
	hasnt amt.server_auth_missing
}

@test "cert-lint: amt.client_auth_missing fires" {
	run -2 lint_c amt-8021x web-good
	has amt.client_auth_missing critical
}

@test "cert-lint: amt.client_auth_missing silent" {
	run -0 lint_c amt-8021x client-8021x
	hasnt amt.client_auth_missing
}

@test "cert-lint: amt.provisioning_marker_missing fires (no OID, no OU; OU with a trailing period)" {
	run -2 lint_c amt-provisioning prov-none
	has amt.provisioning_marker_missing critical
	run -2 lint_c amt-provisioning prov-ou-bad
	has amt.provisioning_marker_missing critical
	[[ "$(msg_of amt.provisioning_marker_missing)" == *"compares it exactly"* ]]
}

@test "cert-lint: amt.provisioning_marker_missing silent (AMT OID; exact OU)" {
	run -0 lint_c amt-provisioning prov-good
	hasnt amt.provisioning_marker_missing
	run -0 lint_c amt-provisioning prov-ou
	hasnt amt.provisioning_marker_missing
}

@test "cert-lint: amt.subject_fqdn_missing fires" {
	run -2 lint_c amt-web-server web-shortname
	has amt.subject_fqdn_missing critical
}

@test "cert-lint: amt.subject_fqdn_missing silent" {
	run -0 lint_c amt-web-server web-good
	hasnt amt.subject_fqdn_missing
}

@test "cert-lint: amt.domain_suffix_mismatch fires when domain_suffix is set" {
	printf '{"params":{"domain_suffix":"corp.example"},"rules":{"amt.domain_suffix_mismatch":{}}}\n' >"$BATS_TEST_TMPDIR/d.json"
	run -2 sh -c "cert-read '$L/certs/prov-other-domain.pem' | cert-lint --policy '$BATS_TEST_TMPDIR/d.json'"
	has amt.domain_suffix_mismatch critical
}

@test "cert-lint: amt.domain_suffix_mismatch silent (in the domain; no domain_suffix)" {
	printf '{"params":{"domain_suffix":"corp.example"},"rules":{"amt.domain_suffix_mismatch":{}}}\n' >"$BATS_TEST_TMPDIR/d.json"
	run -0 sh -c "cert-read '$L/certs/prov-good.pem' | cert-lint --policy '$BATS_TEST_TMPDIR/d.json'"
	hasnt amt.domain_suffix_mismatch
	run -0 lint_c amt-provisioning prov-other-domain
	hasnt amt.domain_suffix_mismatch
}

@test "cert-lint: amt.key_size fires (3072 and EC on AMT 5; 1024 on AMT 16)" {
	run -2 lint_c amt-web-server web-3072
	has amt.key_size critical
	run -2 lint_c amt-web-server web-ec
	has amt.key_size critical
	run -2 lint_c amt-web-server web-1024 --amt-version 16
	has amt.key_size critical
}

@test "cert-lint: amt.key_size silent (2048; 1024 before AMT 16; 4096 from AMT 6)" {
	run -0 lint_c amt-web-server web-good
	hasnt amt.key_size
	run -0 lint_c amt-web-server web-1024
	hasnt amt.key_size
	run -2 lint_c amt-web-server web-3072 --amt-version 16
	has amt.key_size
}

@test "cert-lint: amt.web_extra_eku fires" {
	run -1 lint_c amt-web-server web-clientauth
	has amt.web_extra_eku warning
}

@test "cert-lint: amt.web_extra_eku silent" {
	run -0 lint_c amt-web-server web-good
	hasnt amt.web_extra_eku
}

@test "cert-lint: amt.key_too_small fires (1024 bits from ME 16)" {
	run -2 lint_c amt-web-server web-1024 --amt-version 16
	has amt.key_too_small critical
}

@test "cert-lint: amt.key_too_small silent (1024 bits before ME 16; 2048 at 16)" {
	run -0 lint_c amt-web-server web-1024 --amt-version 5
	hasnt amt.key_too_small
	run -0 lint_c amt-web-server web-good --amt-version 16.1
	hasnt amt.key_too_small
}

@test "cert-lint: amt.key_size_expected fires (2048 bits at AMT 22)" {
	run -1 lint_c amt-web-server web-good --amt-version 22
	has amt.key_size_expected warning
}

@test "cert-lint: amt.key_size_expected silent (3072 at 22; 2048 before 22)" {
	run -0 lint_c amt-web-server web-good --amt-version 21
	hasnt amt.key_size_expected
	run -1 lint_c amt-web-server web-3072 --amt-version 22
	hasnt amt.key_size_expected
}

@test "cert-lint: amt.sig_hash_expected fires (SHA-256 at AMT 22)" {
	run -1 lint_c amt-web-server web-good --amt-version 22
	has amt.sig_hash_expected warning
}

@test "cert-lint: amt.sig_hash_expected silent (before AMT 22)" {
	run -0 lint_c amt-web-server web-good --amt-version 16
	hasnt amt.sig_hash_expected
}

@test "cert-lint: amt.ca_key_too_large fires on a CA cert, a chain and a ca record" {
	run -2 lint_c amt-provisioning ca4096
	has amt.ca_key_too_large critical
	[[ "$(msg_of amt.ca_key_too_large)" == *"4096-bit"* ]]
	run -2 lint_chain amt-web-server web-big-ca ca4096 root
	has amt.ca_key_too_large critical chain
	run -2 sh -c "cert-read '$L/certs/ca4096.pem' | jq -c '{kind: \"ca\", v: 1, name: \"BIG-CA\", cert: .}' | cert-lint --profile oob-2007"
	has amt.ca_key_too_large critical ca
}

@test "cert-lint: amt.ca_key_too_large silent on 2048-bit CAs and chains" {
	run -0 lint_c amt-provisioning root
	hasnt amt.ca_key_too_large
	run -0 lint_chain amt-web-server web-ica ica root
	hasnt amt.ca_key_too_large
}

@test "cert-lint: amt.ca_key_not_rsa fires" {
	run -2 lint_c amt-provisioning caec
	has amt.ca_key_not_rsa critical
}

@test "cert-lint: amt.ca_key_not_rsa silent" {
	run -0 lint_c amt-provisioning root
	hasnt amt.ca_key_not_rsa
}

@test "cert-lint: amt.sha1_signature fires (warning before AMT 16, critical from 16)" {
	run -1 lint_c amt-web-server web-sha1
	has amt.sha1_signature warning
	run -2 lint_c amt-web-server web-sha1 --amt-version 16
	has amt.sha1_signature critical
	chain_of ca-sha1 root >"$BATS_TEST_TMPDIR/c.jsonl"
	run -2 cert-lint --profile amt-provisioning --amt-version 16 "$BATS_TEST_TMPDIR/c.jsonl"
	has amt.sha1_signature critical chain
	run -1 sh -c "cert-read '$L/certs/ca-sha1.pem' | cert-lint --profile amt-web-server"
	has amt.sha1_signature warning
}

@test "cert-lint: amt.sha1_signature silent on SHA-256" {
	run -0 lint_c amt-web-server web-good --amt-version 16
	hasnt amt.sha1_signature
}

@test "cert-lint: amt.chain_too_long fires on 4 certificates" {
	run -2 lint_chain amt-provisioning web-deep ica2 ica root
	has amt.chain_too_long critical chain
	[[ "$(msg_of amt.chain_too_long)" == *"4 certificates"* ]]
}

@test "cert-lint: amt.chain_too_long silent on 3 certificates" {
	run -0 lint_chain amt-provisioning prov-good root
	hasnt amt.chain_too_long
	run -2 lint_chain amt-provisioning web-ica ica root
	hasnt amt.chain_too_long
}

@test "cert-lint: amt.chain_too_short fires on a lone leaf" {
	run -2 sh -c "cert-read '$L/certs/prov-good.pem' | jq -c '., {kind: \"chain\", v: 1, id: \"t\", leaf: .id, path: [.id], anchor: null, findings: []}' | cert-lint --profile amt-provisioning"
	has amt.chain_too_short critical chain
}

@test "cert-lint: amt.chain_too_short silent on leaf + root" {
	run -0 lint_chain amt-provisioning prov-good root
	hasnt amt.chain_too_short
}

# --- AD CS (ESC) ----------------------------------------------------------

@test "cert-lint: adcs.esc1 fires" {
	run -2 lint_t adcs esc1
	has adcs.esc1 critical
	[[ "$(msg_of adcs.esc1)" == *"Domain Users"* ]]
}

@test "cert-lint: adcs.esc1 silent (deny ACE, manager approval, AMT web template)" {
	run -0 lint_t adcs esc1-denied
	hasnt adcs.esc1
	run -0 lint_t adcs esc1-approval
	hasnt adcs.esc1
	run -1 lint_t adcs web-good
	hasnt adcs.esc1
}

@test "cert-lint: adcs.esc2 fires (Any Purpose; no EKU)" {
	run -2 lint_t adcs esc2
	has adcs.esc2 critical
	run -2 lint_t adcs esc2-noeku
	has adcs.esc2 critical
}

@test "cert-lint: adcs.esc2 silent" {
	run -1 lint_t adcs web-good
	hasnt adcs.esc2
}

@test "cert-lint: adcs.esc3 fires" {
	run -2 lint_t adcs esc3
	has adcs.esc3 critical
}

@test "cert-lint: adcs.esc3 silent" {
	run -1 lint_t adcs web-good
	hasnt adcs.esc3
}

@test "cert-lint: adcs.esc4 fires (write_dacl for Domain Users; low-privileged owner)" {
	run -2 lint_t adcs esc4
	has adcs.esc4 critical
	run -2 lint_t adcs esc4-owner
	has adcs.esc4 critical
	[[ "$(msg_of adcs.esc4)" == *"bob"* ]]
}

# owner_is JSON: the esc4-owner template with .owner replaced, linted with adcs.
owner_is() { jq -c --argjson o "$1" '.owner = $o' "$L/templates/esc4-owner.json" | cert-lint --profile adcs; }
LOW=S-1-5-21-1111111111-2222222222-3333333333-1120
DA=S-1-5-21-1111111111-2222222222-3333333333-512

@test "cert-lint: adcs.esc4 fires on every owner shape naming a low-privileged principal" {
	# cert-ad: {sid, name}; name may be null.
	run -2 owner_is "{\"sid\": \"$LOW\", \"name\": \"CORP\\\\bob\"}"
	has adcs.esc4 critical
	[[ "$(msg_of adcs.esc4)" == *"owned by CORP\bob ($LOW)"* ]]
	run -2 owner_is "{\"sid\": \"$LOW\", \"name\": null}"
	[[ "$(msg_of adcs.esc4)" == *"owned by $LOW,"* ]]
	# A bare SID string, a bare name string (cert-tmpl and hand-made records).
	run -2 owner_is "\"$LOW\""
	[[ "$(msg_of adcs.esc4)" == *"owned by $LOW,"* ]]
	run -2 owner_is '"CORP\\bob"'
	[[ "$(msg_of adcs.esc4)" == *"owned by CORP\bob,"* ]]
	# A name without a SID: a broad group is not an administrator.
	run -2 owner_is '{"name": "CORP\\Domain Users"}'
	has adcs.esc4 critical
}

@test "cert-lint: adcs.esc4 silent on privileged, unknown and malformed owners" {
	for o in "{\"sid\": \"$DA\", \"name\": \"CORP\\\\Domain Admins\"}" "{\"sid\": \"$DA\", \"name\": null}" \
		"\"$DA\"" '"S-1-5-18"' '"CORP\\Enterprise Admins"' '{"name": "CORP\\Domain Admins"}' \
		null '""' '{}' '{"sid": null, "name": null}' 42 '[]' '{"sid": 5, "name": []}' true; do
		run -0 owner_is "$o"
		hasnt adcs.esc4 || { echo "owner $o"; return 1; }
	done
	# No owner field at all.
	run -0 sh -c "jq -c 'del(.owner)' '$L/templates/esc4-owner.json' | cert-lint --profile adcs"
	hasnt adcs.esc4
	# A privileged SID decides even when the name looks broad.
	run -0 owner_is "{\"sid\": \"$DA\", \"name\": \"CORP\\\\Domain Users\"}"
	hasnt adcs.esc4
}

@test "cert-lint: adcs.esc4 on cert-tmpl's records (owner absent or null): silent" {
	run sh -c "cert-tmpl list --templates '$CK_TOP/templates' | jq -c 'select(.kind == \"template\")' | cert-lint --profile adcs"
	[ "$status" -le 1 ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "template")' | grep -c .)" -gt 0 ]
	hasnt adcs.esc4
	run cert-tmpl generate --templates "$CK_TOP/templates" --format json AMTWebServer
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | jq -e 'select(.kind == "template") | .owner == null'
	run sh -c "cert-tmpl generate --templates '$CK_TOP/templates' --format json AMTWebServer | cert-lint --profile adcs"
	[ "$status" -le 1 ]
	hasnt adcs.esc4
	# The same record with a low-privileged owner filled in fires: the silence is not blindness.
	# A generated template is not published yet (published_by: []): latent, a notice.
	run -0 sh -c "cert-tmpl generate --templates '$CK_TOP/templates' --format json AMTWebServer | jq -c '.owner = \"$LOW\"' | cert-lint --profile adcs"
	has adcs.esc4 notice
	run -2 sh -c "cert-tmpl generate --templates '$CK_TOP/templates' --format json AMTWebServer | jq -c '.owner = \"$LOW\" | .published_by = [\"CORP-CA\"]' | cert-lint --profile adcs"
	has adcs.esc4 critical
}

@test "cert-lint: name-only ACEs: administrators by name are privileged, others are not" {
	run -2 sh -c "jq -c '.acl = [{allow: true, name: \"CORP\\\\Domain Users\", rights: [\"write_dacl\"]}] | del(.owner)' '$L/templates/esc4-owner.json' | cert-lint --profile adcs"
	has adcs.esc4 critical
	run -0 sh -c "jq -c '.acl = [{allow: true, name: \"CORP\\\\Domain Admins\", rights: [\"write_dacl\"]}] | del(.owner)' '$L/templates/esc4-owner.json' | cert-lint --profile adcs"
	hasnt adcs.esc4
}

@test "cert-lint: a principal record's groups count: a deny on alice's group takes her Enroll (ESC1)" {
	# Enroll for alice (-1120); deny Enroll for Blocked (-1300).  Without alice's
	# principal record her groups are unknown and ESC1 fires; with it, it is silent.
	acl='[{allow: true, sid: "S-1-5-21-1111111111-2222222222-3333333333-1120", name: "CORP\\alice", rights: ["enroll"]}, {allow: false, sid: "S-1-5-21-1111111111-2222222222-3333333333-1300", name: "CORP\\Blocked", rights: ["enroll"]}]'
	printf '%s\n' '{"kind":"principal","v":1,"name":"CORP\\alice","sid":"S-1-5-21-1111111111-2222222222-3333333333-1120","groups":[{"sid":"S-1-5-21-1111111111-2222222222-3333333333-1300","name":"CORP\\Blocked"}]}' >"$BATS_TEST_TMPDIR/alice.jsonl"
	run -2 sh -c "jq -c '.acl = $acl' '$L/templates/esc1.json' | cert-lint --profile adcs"
	has adcs.esc1 critical
	run -0 sh -c "jq -c '.acl = $acl' '$L/templates/esc1.json' | cat - '$BATS_TEST_TMPDIR/alice.jsonl' | cert-lint --profile adcs"
	hasnt adcs.esc1
}

@test "cert-lint: adcs.esc4 silent (only Domain Admins can write)" {
	run -1 lint_t adcs web-good
	hasnt adcs.esc4
}

@test "cert-lint: adcs.esc6 fires" {
	run -2 lint_ca adcs ca-esc6
	has adcs.esc6 critical
}

@test "cert-lint: adcs.esc6 silent" {
	run -0 lint_ca adcs ca-good
	hasnt adcs.esc6
}

@test "cert-lint: adcs.esc9 fires" {
	run -1 lint_t adcs esc9
	has adcs.esc9 warning
}

@test "cert-lint: adcs.esc9 silent without NO_SECURITY_EXTENSION" {
	run -2 lint_t adcs esc1
	hasnt adcs.esc9
}

@test "cert-lint: adcs.esc11 fires" {
	run -2 lint_ca adcs ca-esc11
	has adcs.esc11 critical
}

@test "cert-lint: adcs.esc11 silent" {
	run -0 lint_ca adcs ca-good
	hasnt adcs.esc11
}

@test "cert-lint: adcs.esc13 fires (oid record after or before the template)" {
	run -2 sh -c "jq -c . '$L/templates/esc13.json' '$L/oids/tier0.json' | cert-lint --profile adcs"
	has adcs.esc13 critical template
	[[ "$(msg_of adcs.esc13)" == *"CN=Tier0 Admins"* ]]
	run -2 sh -c "jq -c . '$L/oids/tier0.json' '$L/templates/esc13.json' | cert-lint --profile adcs"
	has adcs.esc13 critical template
}

@test "cert-lint: adcs.esc13 silent with oid records but no group link (a notice without any oid record)" {
	run -0 lint_t adcs esc13
	has adcs.esc13 notice
	[[ "$(msg_of adcs.esc13)" == "unknown: "*"cert-ad --what oids"* ]]
	run -0 sh -c "jq -c . '$L/templates/esc13.json' '$L/oids/tier0.json' | jq -c 'if .kind == \"oid\" then .group_link = null else . end' | cert-lint --profile adcs"
	hasnt adcs.esc13
	run -2 sh -c "jq -c . '$L/templates/esc1.json' '$L/oids/tier0.json' | cert-lint --profile adcs"
	hasnt adcs.esc13
}

@test "cert-lint: adcs.esc15 fires" {
	run -2 lint_t adcs esc15
	has adcs.esc15 critical
}

@test "cert-lint: adcs.esc15 silent on schema version 2" {
	run -1 lint_t adcs web-good
	hasnt adcs.esc15
}

@test "cert-lint: adcs.esc16 fires" {
	run -2 lint_ca adcs ca-esc16
	has adcs.esc16 critical
}

@test "cert-lint: adcs.esc16 silent" {
	run -0 lint_ca adcs ca-good
	hasnt adcs.esc16
}

@test "cert-lint: adcs.esc17 fires (warning for the site server only, critical for Domain Users)" {
	run -1 lint_t adcs web-good
	has adcs.esc17 warning
	[[ "$(msg_of adcs.esc17)" == *'SITESRV01$'* ]]
	run -2 lint_t adcs web-broad
	has adcs.esc17 critical
	[[ "$(msg_of adcs.esc17)" == *"Domain Users"* ]]
}

@test "cert-lint: adcs.esc17 silent (manager approval; no server auth)" {
	run -0 lint_t adcs web-pend-broad
	hasnt adcs.esc17
	run -0 lint_t adcs client-good
	hasnt adcs.esc17
}

# --- ConfigMgr 2007 out of band management ---------------------------

@test "cert-lint: oob.schema_version fires (v3, v1)" {
	run -2 lint_t oob-2007 web-v3
	has oob.schema_version critical
	[[ "$(msg_of oob.schema_version)" == *"version 2"* ]]
	run -2 lint_t oob-2007 web-v1
	has oob.schema_version critical
	[[ "$(msg_of oob.schema_version)" == *"ESC15"* ]]
}

@test "cert-lint: oob.schema_version silent (v2; built-in templates are not AMT templates)" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.schema_version
	run -1 lint_t oob-2007 builtin-webserver
	hasnt oob.schema_version
	hasnt adcs.esc15
}

@test "cert-lint: oob.pend_all_requests fires" {
	run -2 lint_t oob-2007 web-pend
	has oob.pend_all_requests critical
	[[ "$(msg_of oob.pend_all_requests)" == *'clear "CA certificate manager approval" on its Issuance Requirements tab'* ]]
}

@test "cert-lint: oob.pend_all_requests silent" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.pend_all_requests
}

@test "cert-lint: oob.ra_signatures fires" {
	run -2 lint_t oob-2007 web-ra
	has oob.ra_signatures critical
}

@test "cert-lint: oob.ra_signatures silent" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.ra_signatures
}

@test "cert-lint: oob.server_auth_missing fires" {
	run -2 lint_t oob-2007 prov-noserverauth
	has oob.server_auth_missing critical
}

@test "cert-lint: oob.server_auth_missing silent" {
	run -0 lint_t oob-2007 prov-good
	hasnt oob.server_auth_missing
}

@test "cert-lint: oob.amt_oid_missing fires on a provisioning template without the OID" {
	run -1 lint_t oob-2007 prov-nooid
	has oob.amt_oid_missing warning
}

@test "cert-lint: oob.amt_oid_missing silent" {
	run -0 lint_t oob-2007 prov-good
	hasnt oob.amt_oid_missing
}

@test "cert-lint: oob.web_client_auth fires" {
	run -2 lint_t oob-2007 web-clientauth
	has oob.web_client_auth critical
}

@test "cert-lint: oob.web_client_auth silent" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.web_client_auth
}

@test "cert-lint: oob.web_supply_subject fires" {
	run -2 lint_t oob-2007 web-nosupply
	has oob.web_supply_subject critical
}

@test "cert-lint: oob.web_supply_subject silent" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.web_supply_subject
}

@test "cert-lint: oob.min_key_bits fires on 4096 for AMT 5" {
	run -2 lint_t oob-2007 web-4096
	has oob.min_key_bits critical
}

@test "cert-lint: oob.min_key_bits silent on 2048" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.min_key_bits
}

@test "cert-lint: oob.not_published fires" {
	run -1 lint_t oob-2007 web-unpublished
	has oob.not_published warning
}

@test "cert-lint: oob.not_published silent (published_by; a ca record later in the stream)" {
	run -1 lint_t oob-2007 web-good
	hasnt oob.not_published
	run -1 sh -c "jq -c . '$L/templates/web-unpublished.json' '$L/cas/ca-good.json' | cert-lint --profile oob-2007"
	hasnt oob.not_published
	run -1 sh -c "jq -c . '$L/templates/web-unpublished.json' '$L/cas/ca-none.json' | cert-lint --profile oob-2007"
	has oob.not_published
}

@test "cert-lint: oob.ca_request_pending fires (action; raw value)" {
	run -2 lint_ca oob-2007 ca-pending
	has oob.ca_request_pending critical
	run -2 lint_ca oob-2007 ca-pending-raw
	has oob.ca_request_pending critical
}

@test "cert-lint: oob.ca_request_pending silent" {
	run -0 lint_ca oob-2007 ca-good
	hasnt oob.ca_request_pending
}

# --- CA registry settings (--ca-config) -----------------------------------
# cert-ad's ca records carry no registry values; --ca-config fills them from
# `certutil -getreg` text (the parser cert-approve uses) before the rules run.

A="$FIX/approve"
CC="$L/caconfig"
# A ca record as cert-ad writes it: no edit_flags, interface_flags or disposition.
bare_ca() { jq -c 'del(.edit_flags, .interface_flags, .request_disposition)' "$L/cas/ca-good.json"; }

@test "cert-lint: --ca-config: the ca rules are silent without registry settings" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	run -0 cert-lint --profile adcs --profile oob-2007 "$BATS_TEST_TMPDIR/ca.jsonl"
	hasnt adcs.esc6
	hasnt adcs.esc11
	hasnt oob.ca_request_pending
	jq_eq "$output" 'has("edit_flags")' false
}

@test "cert-lint: --ca-config EditFlags: ESC6 fires with EDITF_ATTRIBUTESUBJECTALTNAME2, silent without" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	run -2 cert-lint --profile adcs --ca-config "$A/getreg-editflags.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	has adcs.esc6 critical ca
	jq_eq "$output" '.edit_flags.raw' 1376590
	run -0 cert-lint --profile adcs --ca-config "$CC/getreg-editflags-clear.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	hasnt adcs.esc6
	jq_eq "$output" '.edit_flags.raw' 1114446
}

@test "cert-lint: --ca-config InterfaceFlags: ESC11 fires without IF_ENFORCEENCRYPTICERTREQUEST, silent with" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	run -2 cert-lint --profile adcs --ca-config "$CC/getreg-interfaceflags-noenc.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	has adcs.esc11 critical ca
	run -0 cert-lint --profile adcs --ca-config "$A/getreg-interfaceflags.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	hasnt adcs.esc11
	jq_eq "$output" '.interface_flags.raw' 1601
}

@test "cert-lint: --ca-config RequestDisposition: pending fires on 0x101, silent on 0x1" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	run -2 cert-lint --profile oob-2007 --ca-config "$A/getreg-disp-101.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	has oob.ca_request_pending critical ca
	jq_eq "$output" '.request_disposition | tojson' '{"raw":257,"action":"pending"}'
	run -0 cert-lint --profile oob-2007 --ca-config "$A/getreg-disp-1.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	hasnt oob.ca_request_pending
}

@test "cert-lint: --ca-config: several files, concatenated outputs, UTF-16 and JSON forms" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	run -2 cert-lint --profile adcs --profile oob-2007 --ca-config "$A/getreg-all.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	[ "$(printf '%s\n' "$output" | jq -c '[.findings[].rule] | sort')" = '["adcs.esc6","oob.ca_request_pending"]' ]
	run -2 cert-lint --profile adcs --ca-config "$CC/getreg-editflags-clear.txt" \
		--ca-config "$CC/getreg-interfaceflags-noenc.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	[ "$(printf '%s\n' "$output" | jq -c '[.findings[].rule]')" = '["adcs.esc11"]' ]
	run -2 cert-lint --profile oob-2007 --ca-config "$A/getreg-utf16.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	has oob.ca_request_pending critical
	run -0 cert-lint --profile adcs --profile oob-2007 --ca-config "$A/ca-config.json" "$BATS_TEST_TMPDIR/ca.jsonl"
	jq_eq "$output" 'has("request_disposition")' true
}

@test "cert-lint: --ca-config matches by registry path, by --ca NAME, or the only ca record" {
	bare_ca >"$BATS_TEST_TMPDIR/one.jsonl"
	{ bare_ca; bare_ca | jq -c '.name = "OTHER-CA" | .dns_host = "ca2.corp.example"'; } >"$BATS_TEST_TMPDIR/two.jsonl"
	# The path names CORP-CA: OTHER-CA is left alone.
	run -2 cert-lint --profile adcs --ca-config "$A/getreg-editflags.txt" "$BATS_TEST_TMPDIR/two.jsonl"
	[ "$(printf '%s\n' "$output" | jq -c '[.name, [.findings[].rule]]' | paste -sd' ' -)" = '["CORP-CA",["adcs.esc6"]] ["OTHER-CA",[]]' ]
	# No path, one ca record: it gets the settings.
	run -2 cert-lint --profile adcs --ca-config "$CC/getreg-editflags-nopath.txt" "$BATS_TEST_TMPDIR/one.jsonl"
	has adcs.esc6 critical
	# No path, two ca records: --ca picks one (by name or DNS host) ...
	run -2 cert-lint --profile adcs --ca ca2.corp.example --ca-config "$CC/getreg-editflags-nopath.txt" "$BATS_TEST_TMPDIR/two.jsonl"
	[ "$(printf '%s\n' "$output" | jq -c '[.name, [.findings[].rule]]' | paste -sd' ' -)" = '["CORP-CA",[]] ["OTHER-CA",["adcs.esc6"]]' ]
	# ... and without it the settings cannot be placed: an error, exit 3, nothing guessed.
	run -3 --separate-stderr cert-lint --profile adcs --ca-config "$CC/getreg-editflags-nopath.txt" "$BATS_TEST_TMPDIR/two.jsonl"
	[[ "$stderr" == *"give --ca NAME"* ]]
	hasnt adcs.esc6
	jq_eq "$output" 'select(.kind == "error") | .source' "$CC/getreg-editflags-nopath.txt"
	# Settings for a CA that is not in the input: a warning on stderr, nothing changed.
	run -0 --separate-stderr sh -c "jq -c '.name = \"X\" | .dns_host = \"x\"' '$BATS_TEST_TMPDIR/one.jsonl' | cert-lint --profile adcs --ca-config '$A/getreg-editflags.txt'"
	[[ "$stderr" == *"settings for CA 'CORP-CA' ignored"* ]]
	hasnt adcs.esc6
}

@test "cert-lint: --ca-config fills ca records even when no rule judges them; other records untouched" {
	{ cert-read "$L/certs/web-good.pem"; bare_ca; jq -c . "$L/templates/web-good.json"; } >"$BATS_TEST_TMPDIR/mix.jsonl"
	run -0 cert-lint --profile rfc5280 --ca-config "$A/getreg-all.txt" "$BATS_TEST_TMPDIR/mix.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r .kind | paste -sd, -)" = "cert,ca,template" ]
	jq_eq "$output" 'select(.kind == "ca") | [.edit_flags.raw, .interface_flags.raw, .request_disposition.action] | tojson' '[1376590,1601,"pending"]'
	jq_eq "$output" 'select(.kind == "template") | has("edit_flags")' false
}

@test "cert-lint: a broken or missing --ca-config exits 3 before judging anything" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	for f in bad-garbage.txt bad-hexdec.txt bad-type.txt bad-failed.txt bad-config.json; do
		run -3 --separate-stderr cert-lint --profile adcs --ca-config "$A/$f" "$BATS_TEST_TMPDIR/ca.jsonl"
		[[ "$stderr" == "cert-lint: --ca-config: '$A/$f': "* ]]
		[ -z "$output" ]
	done
	run -3 --separate-stderr cert-lint --profile adcs --ca-config "$BATS_TEST_TMPDIR/nope.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	[[ "$stderr" == *"No such file"* ]]
	head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/rand.bin"
	run -3 cert-lint --profile adcs --ca-config "$BATS_TEST_TMPDIR/rand.bin" "$BATS_TEST_TMPDIR/ca.jsonl"
	run -3 cert-lint --ca a --ca b "$BATS_TEST_TMPDIR/ca.jsonl"
}

@test "cert-lint: cert-approve --ca-config | cert-lint judges the ca records cert-approve filled" {
	run -2 sh -c "cert-approve --requester 'CORP\\SITESRV01\$' --ca-config '$A/getreg-all.txt' '$A/records.jsonl' | cert-lint --profile adcs --profile oob-2007"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "ca") | [.name, ([.findings[].rule] | sort)]' | paste -sd' ' -)" = \
		'["CORP-CA",["adcs.esc6","oob.ca_request_pending"]] ["CORP-SUB-CA",[]]' ]
	# approval records pass through unchanged.
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "approval")' | grep -c .)" -gt 0 ]
	printf '%s\n' "$output" | jq -se '[.[] | select(.kind == "approval") | has("findings") | not] | all'
	run -0 sh -c "cert-approve --requester 'CORP\\SITESRV01\$' --ca-config '$A/getreg-disp-1.txt' '$A/records.jsonl' | cert-lint --profile adcs --profile oob-2007 | jq -c 'select(.kind == \"ca\")'"
	hasnt adcs.esc6
	hasnt oob.ca_request_pending
	jq_eq "$output" 'select(.name == "CORP-CA") | .request_disposition.action' issue
}

# --- the tool ------------------------------------------------------------

@test "cert-lint: --list-rules prints one JSON line per rule with every field" {
	run -0 cert-lint --list-rules
	[ "$(printf '%s\n' "$output" | wc -l)" -ge 40 ]
	printf '%s\n' "$output" | jq -e 'select((.id|type) != "string" or (.severity|IN("critical","warning","notice")|not)
		or (.applies_to|length) == 0 or (.description|length) == 0 or (.ref|length) == 0)' && false
	run -0 cert-lint --list-rules --profile adcs
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 11 ]
}

@test "cert-lint: --list-rules says which escalations are not checked and why (text only)" {
	run -0 cert-lint --list-rules --format text
	for id in adcs.esc5 adcs.esc7 adcs.esc8; do
		printf '%s\n' "$output" | grep -E "^$id +unchecked +[a-zA-Z].*: " || { echo "no $id"; return 1; }
	done
	# The JSON listing stays one line per rule: no unchecked entry, no fake rule.
	run -0 cert-lint --list-rules
	printf '%s\n' "$output" | jq -se '[.[] | select(.id == "adcs.esc5" or .id == "adcs.esc7" or .id == "adcs.esc8")] | length == 0'
	# The man page and the policy README name them too.
	grep -q '^\.It Sy adcs\.esc7$' "$CK_TOP/man/cert-lint.1"
	for e in ESC5 ESC7 ESC8; do grep -q "^  - $e " "$CK_TOP/policy/README.md"; done
}

@test "cert-lint: every rule has a test that fires it and one that keeps it silent" {
	run -0 sh "$CK_TOP/tests/fixtures/lint/rules-covered.sh"
}

@test "cert-lint: the man page lists every rule (generated from --list-rules)" {
	run -0 sh "$CK_TOP/tests/fixtures/lint/gen-man.sh" --check
}

@test "cert-lint: unknown profile exits 3 with a clear message" {
	run -3 --separate-stderr cert-lint --profile nope </dev/null
	[[ "$stderr" == "cert-lint: unknown profile 'nope'"* ]]
	run -3 --separate-stderr cert-lint --profile ../etc/passwd </dev/null
	[[ "$stderr" == *"unknown profile"* ]]
}

@test "cert-lint: broken policy files exit 3 with a clear message" {
	printf '{"rules": {' >"$BATS_TEST_TMPDIR/bad.json"
	run -3 --separate-stderr cert-lint --policy "$BATS_TEST_TMPDIR/bad.json" </dev/null
	[[ "$stderr" == *"bad.json': broken policy file: line"* ]]
	printf '{"rules": {"rfc5280.nope": {}}}' >"$BATS_TEST_TMPDIR/bad.json"
	run -3 --separate-stderr cert-lint --policy "$BATS_TEST_TMPDIR/bad.json" </dev/null
	[[ "$stderr" == *"unknown rule 'rfc5280.nope'"* ]]
	printf '{"rules": {"adcs.esc1": {"severity": "bad"}}}' >"$BATS_TEST_TMPDIR/bad.json"
	run -3 cert-lint --policy "$BATS_TEST_TMPDIR/bad.json" </dev/null
	printf '{"include": ["nope"]}' >"$BATS_TEST_TMPDIR/bad.json"
	run -3 --separate-stderr cert-lint --policy "$BATS_TEST_TMPDIR/bad.json" </dev/null
	[[ "$stderr" == *"include: unknown profile 'nope'"* ]]
	run -3 cert-lint --policy "$BATS_TEST_TMPDIR/missing.json" </dev/null
	run -3 cert-lint --fail-on sometimes </dev/null
	run -3 cert-lint --amt-version x </dev/null
}

@test "cert-lint: a policy can lower a rule's severity" {
	printf '{"include": ["adcs"], "rules": {"adcs.esc17": {"severity": "notice"}}}' >"$BATS_TEST_TMPDIR/p.json"
	run -0 sh -c "jq -c . '$L/templates/web-broad.json' | cert-lint --policy '$BATS_TEST_TMPDIR/p.json'"
	has adcs.esc17 notice
}

@test "cert-lint: CERTKIT_POLICY (deprecated) names a directory searched first" {
	mkdir -p "$BATS_TEST_TMPDIR/pol"
	printf '{"rules": {"rfc5280.weak_key": {}}, "params": {"min_rsa_bits": 4096}}' >"$BATS_TEST_TMPDIR/pol/rfc5280.json"
	CERTKIT_POLICY="$BATS_TEST_TMPDIR/pol" run -2 --separate-stderr lint_c rfc5280 web-good
	[[ "$stderr" == *"cert-lint: CERTKIT_POLICY is deprecated"*"CERTKIT_DATADIR"* ]]
	has rfc5280.weak_key critical
	jq_eq "$output" '.findings | length' 1
}

@test "cert-lint: --fail-on warning turns warnings into exit 2" {
	run -1 lint_t oob-2007 web-good
	run -2 lint_t oob-2007 web-good --fail-on warning
	run -0 lint_t oob-2007 prov-good --fail-on warning
}

@test "cert-lint: mixed stream keeps order, passes unknown kinds, adds findings only to judged records" {
	{
		echo '{"kind":"note","v":1,"text":"first"}'
		cert-read "$L/certs/web-good.pem"
		jq -c . "$L/templates/web-pend.json"
		echo '{"kind":"error","v":1,"source":"x","message":"upstream","code":"io"}'
		cert-read "$L/certs/web-1024.pem"
		jq -c . "$L/cas/ca-esc6.json"
		echo '{"kind":"note","v":1,"text":"last"}'
	} >"$BATS_TEST_TMPDIR/mixed.jsonl"
	run -2 --separate-stderr cert-lint --profile rfc5280 --profile adcs --profile oob-2007 "$BATS_TEST_TMPDIR/mixed.jsonl"
	[ "$stderr" = "cert-lint: 'x': upstream" ]
	jq_eq "$output" '.kind' "$(printf 'note\ncert\ntemplate\nerror\ncert\nca\nnote')"
	jq_eq "$output" 'select(.kind == "note" or .kind == "error") | has("findings")' "$(printf 'false\nfalse\nfalse')"
	has rfc5280.weak_key critical cert
	has oob.pend_all_requests critical template
	has adcs.esc6 critical ca
	jq_eq "$output" 'select(.kind == "note") | .text' "$(printf 'first\nlast')"
}

@test "cert-lint: broken lines give one stderr line, an error record, exit 3; the rest is judged" {
	{
		jq -c . "$L/templates/web-good.json"
		echo '{not json'
		cert-read "$L/certs/web-1024.pem"
	} >"$BATS_TEST_TMPDIR/in.jsonl"
	run -2 --separate-stderr cert-lint --profile rfc5280 --profile oob-2007 <"$BATS_TEST_TMPDIR/in.jsonl"
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ]
	[[ "$stderr" == "cert-lint: 'stdin': "* ]]
	jq_eq "$output" '.kind' "$(printf 'template\nerror\ncert')"
	has rfc5280.weak_key
	echo '{not json' | { run -3 cert-lint --profile rfc5280; }
	run -3 sh -c "echo '[1,2]' | cert-lint --profile rfc5280"
	run -3 --separate-stderr cert-lint --profile rfc5280 "$BATS_TEST_TMPDIR/none.jsonl"
	[[ "$stderr" == "cert-lint: '$BATS_TEST_TMPDIR/none.jsonl': "* ]]
	jq_eq "$output" '.kind' error
}

@test "cert-lint: wrongly typed fields never crash it" {
	printf '%s\n' '{"kind":"cert","v":1,"key":5,"san":"x","eku":{"a":1},"subject":[],"serial":7,"ca":"yes","key_usage":"x","pem":"junk"}' \
		'{"kind":"template","v":1,"name":7,"acl":[1,"x",{"rights":5}],"eku":"x","name_flag":"bad","schema_version":"2"}' \
		'{"kind":"ca","v":1,"edit_flags":"zz","request_disposition":{"raw":"x"},"cert":5}' \
		'{"kind":"chain","v":1,"path":[1,null],"anchor":7}' >"$BATS_TEST_TMPDIR/odd.jsonl"
	for p in rfc5280 adcs oob-2007 amt-provisioning amt-web-server amt-8021x; do
		run cert-lint --profile "$p" "$BATS_TEST_TMPDIR/odd.jsonl"
		[ "$status" -le 2 ]
		[ "$(printf '%s\n' "$output" | grep -c .)" -eq 4 ]
	done
}

@test "cert-lint: findings are appended to a chain record's own findings" {
	run -2 sh -c "cert-read '$L/certs/prov-good.pem' | jq -c '., {kind: \"chain\", v: 1, id: \"t\", leaf: .id, path: [.id], anchor: null, findings: [{rule: \"chain.x\", severity: \"critical\", message: \"m\"}]}' | cert-lint --profile amt-provisioning"
	jq_eq "$output" 'select(.kind == "chain") | [.findings[].rule] | join(",")' "chain.x,amt.chain_too_short"
}

@test "cert-lint: text format lists findings per record and a summary" {
	run -2 lint_t oob-2007 web-pend --format text
	[[ "${lines[0]}" == "template 'AMTWebServer':" ]]
	[[ "$output" == *"critical oob.pend_all_requests: template 'AMTWebServer' requires CA manager approval"* ]]
	[[ "${lines[-1]}" == "1 judged: 1 critical, 0 warning, 0 notice" ]]
	run -0 cert-lint --list-rules --format text
	[[ "${lines[0]}" == "rfc5280.version "* ]]
}

@test "cert-lint: the shipped templates pass oob-2007 except publication and the ESC17 shape" {
	run -1 sh -c "jq -c . '$CK_TOP'/templates/*.json | cert-lint --profile oob-2007"
	jq_eq "$output" '[.findings[].rule] | unique | join(",")' "$(printf 'oob.not_published\nadcs.esc17,oob.not_published' | sort -u)" || \
	jq_eq "$(printf '%s\n' "$output" | jq -sc '[.[].findings[].rule] | unique')" '. | join(",")' "adcs.esc17,oob.not_published"
}

@test "cert-lint: output validates against the record schemas" {
	[ -f "$CK_TOP/tests/schema/validate.py" ] || skip "needs tests/schema/validate.py"
	{
		lint_c rfc5280 web-1024 || true
		lint_t oob-2007 web-pend || true
		lint_ca adcs ca-esc6 || true
	} >"$BATS_TEST_TMPDIR/out.jsonl"
	run -0 python3 "$CK_TOP/tests/schema/validate.py" <"$BATS_TEST_TMPDIR/out.jsonl"
}

@test "cert-lint: -h prints the synopsis, --version the version" {
	run -0 cert-lint -h
	[[ "${lines[0]}" == "usage: cert-lint [--profile NAME ...] [--policy FILE ...] [--amt-version V]" ]]
	[[ "${lines[2]}" == *"[--format json|text] [FILE ...]" ]]
	run -0 cert-lint --version
	[[ "$output" == "cert-lint "* ]]
	run -3 cert-lint --bogus
}

# --- man page EXAMPLES (run verbatim) -----------------------------------

@test "cert-lint: man EXAMPLES run" {
	cd "$BATS_TEST_TMPDIR"
	cp "$L/certs/web-good.pem" "$L/certs/root.pem" "$L/certs/web-1024.pem" .
	cp "$CK_TOP"/templates/*.json .
	jq -c . "$L/templates/web-broad.json" "$L/cas/ca-esc6.json" >ad-export.jsonl
	run -2 sh -c 'cert-read web-1024.pem | cert-lint --profile rfc5280'
	run -1 sh -c 'jq -c . amt-*.json | cert-lint --profile oob-2007'
	run -2 sh -c 'cert-lint --profile adcs --profile oob-2007 ad-export.jsonl'
	run -0 sh -c 'cert-read web-good.pem root.pem | cert-lint --profile amt-web-server --amt-version 16 --fail-on warning'
	run -2 sh -c 'cert-read web-1024.pem root.pem | cert-lint --profile amt-web-server --amt-version 16 --fail-on warning'
	run -0 sh -c 'cert-lint --list-rules --profile oob-2007 | jq -r .id'
	# The CA's registry settings, directly and through cert-approve.
	cp "$FIX/approve/getreg-all.txt" getreg.txt
	jq -c 'select(.kind == "principal" and .name == "CORP\\SITESRV01$")' "$FIX/approve/records.jsonl" >>ad-export.jsonl
	run -2 sh -c 'cert-lint --profile adcs --profile oob-2007 --ca-config getreg.txt ad-export.jsonl'
	has adcs.esc6 critical ca
	has oob.ca_request_pending critical ca
	run -2 sh -c "cert-approve --requester 'CORP\SITESRV01$' --ca-config getreg.txt ad-export.jsonl | cert-lint --profile oob-2007"
	has oob.ca_request_pending critical ca
	jq_eq "$output" 'select(.kind == "approval") | .template' AMTWebServer
}

# --- with the real cert-chain ---------------------------------------------

@test "cert-lint: judges cert-chain's chain records (length, CA key size)" {
	cd "$L/certs"
	run -2 sh -c 'cert-chain --roots root.pem --untrusted ica2.pem --untrusted ica.pem web-deep.pem | cert-lint --profile amt-provisioning'
	has amt.chain_too_long critical chain
	hasnt amt.ca_key_too_large
	run -2 sh -c 'cert-chain --roots root.pem --untrusted ca4096.pem web-big-ca.pem | cert-lint --profile amt-web-server'
	has amt.ca_key_too_large critical chain
	run -0 sh -c 'cert-chain --roots root.pem --untrusted ica.pem web-ica.pem | cert-lint --profile amt-web-server'
	jq_eq "$output" 'select(.kind == "chain") | [.findings[].rule | select(startswith("amt."))] | length' 0
}

@test "cert-lint: critical extensions are found from the PEM when the record lists none" {
	run -2 sh -c "cert-read '$L/certs/critext.pem' | jq -c 'del(.extensions)' | cert-lint --profile rfc5280"
	has rfc5280.critical_unknown_extension critical
	run -0 sh -c "cert-read '$L/certs/web-good.pem' | jq -c 'del(.extensions)' | cert-lint --profile rfc5280"
	hasnt rfc5280.critical_unknown_extension
}

@test "cert-lint: the committed AD export from the Samba harness lints" {
	[ -f "$FIX/ad/sample-export.jsonl" ] || skip "needs tests/fixtures/ad/sample-export.jsonl"
	run cert-lint --profile adcs --profile oob-2007 "$FIX/ad/sample-export.jsonl"
	[ "$status" -le 2 ]
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq "$(grep -c . "$FIX/ad/sample-export.jsonl")" ]
	printf '%s\n' "$output" | jq -se '[.[] | select(.kind == "template" or .kind == "ca") | has("findings")] | all'
}

@test "cert-lint: --ca-config DisableExtensionList: ESC16 fires when the security extension is disabled" {
	bare_ca >"$BATS_TEST_TMPDIR/ca.jsonl"
	run -2 cert-lint --profile adcs --ca-config "$CC/getreg-disableext-esc16.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	has adcs.esc16 critical ca
	jq_eq "$output" '.disable_extension_list | join(" ")' "1.3.6.1.4.1.311.21.7 1.3.6.1.4.1.311.25.2"
	run -0 cert-lint --profile adcs --ca-config "$CC/getreg-disableext-other.txt" "$BATS_TEST_TMPDIR/ca.jsonl"
	hasnt adcs.esc16
	echo '{"ca": "CORP-CA", "disable_extension_list": ["1.3.6.1.4.1.311.25.2"]}' >"$BATS_TEST_TMPDIR/c.json"
	run -2 cert-lint --profile adcs --ca-config "$BATS_TEST_TMPDIR/c.json" "$BATS_TEST_TMPDIR/ca.jsonl"
	has adcs.esc16 critical ca
	echo '{"ca": "CORP-CA", "disable_extension_list": ["not an oid"]}' >"$BATS_TEST_TMPDIR/bad.json"
	run -3 cert-lint --profile adcs --ca-config "$BATS_TEST_TMPDIR/bad.json" "$BATS_TEST_TMPDIR/ca.jsonl"
}
