#!/usr/bin/env bats
# cert-tmpl: list, generate (json, ldif), bad inputs, and a round trip of
# every shipped template through a real Samba AD DC (ldapadd, then read
# back with ldapsearch and cert-ad and compared field by field).

bats_require_minimum_version 1.5.0

setup() {
	load helper
	TMPD="$BATS_TEST_TMPDIR"
	OIDB=1.3.6.1.4.1.311.21.8.4242.1
	unset CERTKIT_TEMPLATES
}

validate() {
	if [ -f "$CK_TOP/tests/schema/validate.py" ] && [ -f "$CK_TOP/tests/schema/template.schema.json" ]; then
		python3 "$CK_TOP/tests/schema/validate.py"
	else
		cat >/dev/null
	fi
}

# compare_ldif JSON LDIF: every attribute AD returned against the template
# record, decoded here independently of the C code (Python struct/base64).
compare_ldif() {
	python3 - "$1" "$2" <<'PY'
import base64, json, struct, sys
t = json.loads(open(sys.argv[1]).read())
attrs = {}
for line in open(sys.argv[2]).read().splitlines():
    if not line or line.startswith("#"):
        continue
    k, sep, v = line.partition(":")
    if v.startswith(":"):
        v = base64.b64decode(v[1:].strip())
    else:
        v = v.strip()
    attrs.setdefault(k.lower(), []).append(v)
ekus = {"server_auth": "1.3.6.1.5.5.7.3.1", "client_auth": "1.3.6.1.5.5.7.3.2",
        "amt_provisioning": "2.16.840.1.113741.1.2.3"}
ku = ["digital_signature", "non_repudiation", "key_encipherment", "data_encipherment",
      "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"]
def one(k):
    v = attrs.get(k.lower())
    assert v is not None and len(v) == 1, "%s: %r" % (k, v)
    return v[0]
def signed(x):
    return x - (1 << 32) if x & 0x80000000 else x
errs = []
def eq(what, got, want):
    if got != want:
        errs.append("%s: AD has %r, template has %r" % (what, got, want))
eq("cn", one("cn"), t["name"])
eq("displayName", one("displayName"), t["display_name"])
eq("objectClass", "pKICertificateTemplate" in attrs["objectclass"], True)
eq("flags", int(one("flags")), signed(t["flags"]["raw"] & 0xffffffff))
eq("msPKI-Enrollment-Flag", int(one("msPKI-Enrollment-Flag")), t["enrollment_flag"]["raw"])
eq("msPKI-Certificate-Name-Flag", int(one("msPKI-Certificate-Name-Flag")), t["name_flag"]["raw"])
eq("msPKI-Private-Key-Flag", int(one("msPKI-Private-Key-Flag")), t["private_key_flag"]["raw"])
eq("msPKI-RA-Signature", int(one("msPKI-RA-Signature")), t["ra_signatures"])
eq("msPKI-Minimal-Key-Size", int(one("msPKI-Minimal-Key-Size")), t["min_key_bits"])
eq("msPKI-Template-Schema-Version", int(one("msPKI-Template-Schema-Version")), t["schema_version"])
eq("msPKI-Template-Minor-Revision", int(one("msPKI-Template-Minor-Revision")), t["minor_revision"])
eq("revision", int(one("revision")), t["revision"])
eq("pKIDefaultKeySpec", int(one("pKIDefaultKeySpec")), t["default_key_spec"])
eq("pKIMaxIssuingDepth", int(one("pKIMaxIssuingDepth")), t["max_issuing_depth"])
eq("msPKI-Cert-Template-OID", one("msPKI-Cert-Template-OID"), t["oid"])
eq("pKIExtendedKeyUsage", sorted(attrs.get("pkiextendedkeyusage", [])),
   sorted(ekus.get(e, e) for e in t["eku"]))
eq("msPKI-Certificate-Application-Policy", sorted(attrs.get("mspki-certificate-application-policy", [])),
   sorted(ekus.get(e, e) for e in t["application_policies"]))
eq("pKICriticalExtensions", sorted(attrs.get("pkicriticalextensions", [])), sorted(t["critical_extensions"]))
eq("pKIDefaultCSPs", sorted(attrs.get("pkidefaultcsps", [])),
   sorted(c if c.split(",")[0].isdigit() else "%d,%s" % (i + 1, c) for i, c in enumerate(t["csps"])))
kub = one("pKIKeyUsage")
eq("pKIKeyUsage", [ku[i] for i in range(9) if i // 8 < len(kub) and kub[i // 8] & (0x80 >> (i % 8))],
   t["key_usage"])
for attr, field in (("pKIExpirationPeriod", "validity_days"), ("pKIOverlapPeriod", "renewal_days")):
    (v,) = struct.unpack("<q", one(attr))
    eq(attr, -v / 864000000000, t[field])
if errs:
    print("\n".join(errs))
    sys.exit(1)
print("ok %d attributes" % len(attrs))
PY
}

@test "cert-tmpl --version and -h" {
	run -0 cert-tmpl --version
	[[ "$output" == cert-tmpl* ]]
	run -0 cert-tmpl -h
	[[ "$output" == *"cert-tmpl generate"* ]]
	run -3 cert-tmpl
	run -3 cert-tmpl frobnicate
	[[ "$output" == *"cert-tmpl: 'frobnicate': unknown command"* ]]
}

@test "list: one template record per shipped file, valid against the schema" {
	run -0 cert-tmpl list --format json
	[ "$(lines_of template)" -eq "$(ls "$CK_TOP"/templates/*.json | wc -l)" ]
	printf '%s\n' "$output" | jq -e -s 'map(.name) | index("AMTWebServer") and index("AMTProvisioning") and index("AMT8021XClient")'
	printf '%s\n' "$output" | validate
}

@test "list --format text shows names, versions and EKUs" {
	run -0 cert-tmpl list --format text
	[[ "$output" == *"amt-web-server"*"AMTWebServer"*"v2"*"server_auth"* ]]
	[[ "$output" == *"amt-provisioning"*"server_auth,amt_provisioning"* ]]
	[[ "$output" == *"amt-8021x-client"*"client_auth"* ]]
}

@test "amt-web-server: ConfigMgr 2007 shape (cc431417, cc161806)" {
	run -0 cert-tmpl generate amt-web-server
	jq_eq "$output" '.name_flag.names | index("ENROLLEE_SUPPLIES_SUBJECT") != null' true
	jq_eq "$output" '.enrollment_flag.names | index("PEND_ALL_REQUESTS")' null
	jq_eq "$output" '.ra_signatures' 0
	jq_eq "$output" '.schema_version' 2
	jq_eq "$output" '.min_key_bits' 2048
	jq_eq "$output" '.eku | join(",")' server_auth
	jq_eq "$output" '.subject_source' request
	jq_eq "$output" '.ca' false
	printf '%s\n' "$output" | validate
}

@test "amt-provisioning and amt-8021x-client: EKUs and subject from AD (cc431417, Intel AMT SDK)" {
	run -0 cert-tmpl generate amt-provisioning amt-8021x-client
	[ "$(lines_of template)" -eq 2 ]
	jq_eq "$(printf '%s\n' "$output" | head -1)" '.eku | join(",")' server_auth,amt_provisioning
	jq_eq "$(printf '%s\n' "$output" | head -1)" '.name_flag.raw % 2' 0
	jq_eq "$(printf '%s\n' "$output" | tail -1)" '.eku | join(",")' client_auth
	jq_eq "$(printf '%s\n' "$output" | tail -1)" '.subject_source' ad
}

@test "generate by AD name, by path, with --templates and CERTKIT_TEMPLATES" {
	run -0 cert-tmpl generate AMTWebServer
	jq_eq "$output" '.source.uri | endswith("templates/amt-web-server.json")' true
	run -0 cert-tmpl generate "$CK_TOP/templates/amt-provisioning.json"
	jq_eq "$output" .name AMTProvisioning
	mkdir "$TMPD/t"
	jq '.name = "Custom" | .validity_days = 90' "$CK_TOP/templates/amt-web-server.json" >"$TMPD/t/custom.json"
	run -0 cert-tmpl generate --templates "$TMPD/t" custom
	jq_eq "$output" .validity_days 90
	CERTKIT_TEMPLATES="$TMPD/t" run -0 --separate-stderr cert-tmpl list
	[ "$(lines_of template)" -eq 1 ]
	[[ "$stderr" == *"CERTKIT_TEMPLATES is deprecated"* ]]
	CERTKIT_TEMPLATES="$TMPD/t" run -3 cert-tmpl generate amt-web-server
	mkdir -p "$TMPD/d/templates"
	cp "$TMPD/t/custom.json" "$TMPD/d/templates/"
	CERTKIT_DATADIR="$TMPD/d" run -0 --separate-stderr cert-tmpl list
	[ "$(lines_of template)" -eq 1 ]
	[ -z "$stderr" ]
}

@test "generate --oid-base --enroll --name: OID under the base, Read + Enroll ACL" {
	run -0 cert-tmpl generate amt-web-server --oid-base "$OIDB" --name AMTWeb2 --enroll S-1-5-21-1-2-3-1105
	jq_eq "$output" .name AMTWeb2
	jq_eq "$output" ".oid | startswith(\"$OIDB.\")" true
	jq_eq "$output" '.oid | split(".") | length' 13
	jq_eq "$output" '.acl[0].sid' S-1-5-21-1-2-3-1105
	jq_eq "$output" '.acl[0].rights | join(",")' read,enroll
	jq_eq "$output" '.acl[0].allow' true
	# The same name gives the same OID; another name another.
	run -0 cert-tmpl generate amt-web-server --oid-base "$OIDB" --name AMTWeb2
	oid1=$(printf '%s\n' "$output" | jq -r .oid)
	run -0 cert-tmpl generate amt-web-server --oid-base "$OIDB"
	[ "$oid1" != "$(printf '%s\n' "$output" | jq -r .oid)" ]
}

@test "ldif: encodings (signed flags, FILETIME periods, key usage bytes)" {
	run -0 cert-tmpl generate amt-web-server --format ldif --forest-dn DC=corp,DC=example --oid-base "$OIDB"
	[[ "$output" == "dn: CN=AMTWebServer,CN=Certificate Templates,CN=Public Key Services,CN=Services,CN=Configuration,DC=corp,DC=example"* ]]
	[[ "$output" == *$'\nobjectClass: pKICertificateTemplate\n'* ]]
	[[ "$output" == *$'\nmsPKI-Certificate-Name-Flag: 1\n'* ]]
	[[ "$output" == *$'\npKIKeyUsage:: oAA=\n'* ]]
	[[ "$output" == *$'\npKIExpirationPeriod:: AIByDl3C/f8=\n'* ]]
	[[ "$output" == *$'\npKIOverlapPeriod:: AICmCv/e//8=\n'* ]]
	[[ "$output" != *nTSecurityDescriptor* ]]
	# A name flag with the top bit set is written as a negative number.
	jq '.name_flag = {"raw": -2147483648} | .name = "Neg"' "$CK_TOP/templates/amt-web-server.json" >"$TMPD/neg.json"
	run -0 cert-tmpl generate "$TMPD/neg.json" --format ldif --forest-dn DC=corp,DC=example --oid-base "$OIDB"
	[[ "$output" == *$'\nmsPKI-Certificate-Name-Flag: -2147483648\n'* ]]
}

@test "bad inputs: unknown template, broken JSON, bad --oid-base, bad SID, no OID (exit 3, error line)" {
	run -3 --separate-stderr cert-tmpl generate no-such-template
	[ "$stderr" = "cert-tmpl: 'no-such-template': no such template (looked in '$CK_TOP/templates')" ]
	jq_eq "$output" .kind error
	printf '{"kind":"template", "name": "X",' >"$TMPD/broken.json"
	# The broken one is reported; the good one after it is still generated.
	run -3 --separate-stderr cert-tmpl generate "$TMPD/broken.json" amt-web-server
	[[ "$stderr" == "cert-tmpl: '$TMPD/broken.json': "* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ "$(lines_of error)" -eq 1 ]
	[ "$(lines_of template)" -eq 1 ]
	jq '.enrollment_flag = {"raw": 0, "names": ["PEND_ALL_REQUESTS"]}' "$CK_TOP/templates/amt-web-server.json" >"$TMPD/mismatch.json"
	run -3 --separate-stderr cert-tmpl generate "$TMPD/mismatch.json"
	[[ "$stderr" == *"enrollment_flag: raw 0x00000000 does not match names (0x00000002)"* ]]
	run -3 --separate-stderr cert-tmpl generate amt-web-server --oid-base 1.3.x.6
	[[ "$stderr" == *"--oid-base: '1.3.x.6': not a dotted OID"* ]]
	run -3 --separate-stderr cert-tmpl generate amt-web-server --format ldif --forest-dn DC=corp,DC=example --oid-base "$OIDB" --enroll S-1-5-bogus
	[[ "$stderr" == *"--enroll 'S-1-5-bogus'"* ]]
	[ -z "$output" ]
	run -3 --separate-stderr cert-tmpl generate amt-web-server --format ldif --forest-dn DC=corp,DC=example
	[[ "$stderr" == *"no template OID: give --oid-base"* ]]
	run -3 --separate-stderr cert-tmpl generate amt-web-server --format ldif --oid-base "$OIDB"
	[[ "$stderr" == *"--forest-dn"* ]]
	run -3 cert-tmpl generate amt-web-server --format xml
	run -3 cert-tmpl generate
	run -3 cert-tmpl generate amt-web-server --format ldif --forest-dn DC=corp,DC=example --oid-base "$OIDB" --name 'a,b'
}

@test "man page EXAMPLES" {
	cd "$TMPD"
	run -0 cert-tmpl list --format text
	[[ "$output" == *AMTWebServer* ]]
	run -0 sh -c 'cert-tmpl generate amt-web-server --oid-base 1.3.6.1.4.1.311.21.8.4242.1 | jq -r .oid'
	[[ "$output" == 1.3.6.1.4.1.311.21.8.4242.1.* ]]
	run -0 sh -c 'cert-tmpl generate amt-web-server --format ldif --forest-dn DC=corp,DC=example --oid-base 1.3.6.1.4.1.311.21.8.4242.1 --enroll S-1-5-21-1004336348-1177238915-682003330-1105 > amt-web-server.ldif'
	grep -q '^nTSecurityDescriptor:: ' amt-web-server.ldif
}

@test "samba: every template as LDIF through ldapadd, read back field by field" {
	require_cmd samba ldapadd ldapsearch
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || samba_unavailable "samba DC did not start"
	trap samba_stop EXIT
	samba_add_computer SITESRV01
	sid=$(samba_sid SITESRV01)
	[[ "$sid" == S-1-5-21-* ]]
	for t in amt-web-server amt-provisioning amt-8021x-client; do
		cert-tmpl generate "$t" --oid-base "$OIDB" --enroll "$sid" >"$TMPD/$t.json"
		cert-tmpl generate "$t" --format ldif --forest-dn "$SAMBA_BASE" --oid-base "$OIDB" --enroll "$sid" >"$TMPD/$t.ldif"
		run -0 samba_ldapadd "$TMPD/$t.ldif"
		name=$(jq -r .name "$TMPD/$t.json")
		samba_ldapsearch -b "CN=$name,$SAMBA_TEMPLATES_DN" -s base '(objectClass=pKICertificateTemplate)' >"$TMPD/$t.back"
		run -0 compare_ldif "$TMPD/$t.json" "$TMPD/$t.back"
		# The security descriptor AD stored grants exactly Read + Enroll to the SID.
		run -0 samba_tool dsacl get --objectdn="CN=$name,$SAMBA_TEMPLATES_DN"
		[[ "$output" == *"(A;;RPLCLORC;;;$sid)"* ]]
		[[ "$output" == *"(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;$sid)"* ]]
	done
	# A second add of the same template is refused by AD (the LDIF is a real add).
	run -68 samba_ldapadd "$TMPD/amt-web-server.ldif"
	samba_stop
	trap - EXIT
}

@test "samba: cert-ad reads back what cert-tmpl generated" {
	require_cmd samba ldapadd
	[ -x "$CK_BIN/cert-ad" ] || skip "cert-ad not built"
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || samba_unavailable "samba DC did not start"
	trap samba_stop EXIT
	samba_add_computer SITESRV01
	sid=$(samba_sid SITESRV01)
	# The forest's OID base, as an admin would take it from AD (cert-ad --what oids).
	printf 'dn: CN=OID,%s\nchangetype: modify\nreplace: msPKI-Cert-Template-OID\nmsPKI-Cert-Template-OID: %s\n' \
		"$SAMBA_PKS_DN" "$OIDB" | samba_ldapmodify -
	run -0 cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --what oids
	base=$(printf '%s\n' "$output" | jq -r 'select(.kind == "forest") | .oid_base')
	[ "$base" = "$OIDB" ]
	for t in amt-web-server amt-provisioning amt-8021x-client; do
		cert-tmpl generate "$t" --oid-base "$base" --enroll "$sid" >>"$TMPD/want.jsonl"
		cert-tmpl generate "$t" --format ldif --forest-dn "$SAMBA_BASE" --oid-base "$base" --enroll "$sid" | samba_ldapadd -
	done
	run -0 cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --what templates
	printf '%s\n' "$output" | jq -c 'select(.kind == "template")' >"$TMPD/got.jsonl"
	for name in AMTWebServer AMTProvisioning AMT8021XClient; do
		want=$(jq -c --arg n "$name" 'select(.name == $n)' "$TMPD/want.jsonl")
		got=$(jq -c --arg n "$name" 'select(.name == $n)' "$TMPD/got.jsonl")
		[ -n "$got" ]
		for f in display_name oid schema_version revision minor_revision flags enrollment_flag \
		    name_flag private_key_flag ra_signatures min_key_bits default_key_spec max_issuing_depth \
		    eku application_policies critical_extensions csps key_usage validity_days renewal_days; do
			w=$(printf '%s\n' "$want" | jq -cS ".$f")
			g=$(printf '%s\n' "$got" | jq -cS ".$f")
			[ "$w" = "$g" ] || { echo "$name.$f: cert-ad $g, template $w"; false; }
		done
		printf '%s\n' "$got" | jq -e --arg s "$sid" '[.acl[] | select(.sid == $s and .allow) | .rights[]] | index("enroll")'
	done
	samba_stop
	trap - EXIT
}
