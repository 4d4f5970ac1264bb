#!/usr/bin/env bats
# cert-ad against a real Samba AD domain controller on loopback
# (tests/harness/samba.sh) loaded with tests/fixtures/ad/load.sh: every
# decoded field is compared with what was loaded; principals' transitive
# groups; wrong password, unreachable server and bad TLS must fail with 3.

bats_require_minimum_version 1.5.0
load helper
. "$CK_TOP/tests/harness/samba.sh"

setup_file() {
	ad_start
	T="$BATS_FILE_TMPDIR"
	OUT="$T/all.jsonl"
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --principal 'CORP\SITESRV01$' \
		--principal WKS01 --principal alice@corp.example >"$OUT"
	SID_SS=$(samba_sid "AMT Site Servers")
	SID_PV=$(samba_sid "AMT Provisioners")
	SID_BH=$(samba_sid "Blocked Hosts")
	SID_SITESRV=$(samba_sid SITESRV01)
	export T OUT SID_SS SID_PV SID_BH SID_SITESRV
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

# ad ARGS...: cert-ad bound as Administrator over verified LDAPS.
ad() {
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" "$@"
}

# rec KIND NAME: the record of KIND whose name is NAME, from the full export.
rec() {
	jq -c --arg k "$1" --arg n "$2" 'select(.kind == $k and .name == $n)' "$OUT"
}

@test "cert-ad: the full export is valid against the schemas, exit 0, no errors" {
	[ -s "$OUT" ]
	run python3 "$CK_TOP/tests/schema/validate.py" "$OUT"
	[ "$status" -eq 0 ]
	[ "$(jq -c 'select(.kind == "error")' "$OUT" | wc -l)" -eq 0 ]
	[ "$(jq -c 'select(.kind == "template")' "$OUT" | wc -l)" -eq 4 ]
	[ "$(jq -c 'select(.kind == "ca")' "$OUT" | wc -l)" -eq 2 ]
	[ "$(jq -c 'select(.kind == "principal")' "$OUT" | wc -l)" -eq 3 ]
}

@test "cert-ad: AMTWebServer decoded field by field" {
	t=$(rec template AMTWebServer)
	jq_eq "$t" .display_name "ConfigMgr AMT Web Server Certificate"
	jq_eq "$t" .oid 1.3.6.1.4.1.311.21.8.4242.1.101
	jq_eq "$t" .schema_version 2
	jq_eq "$t" .revision 100
	jq_eq "$t" .minor_revision 1
	jq_eq "$t" .flags.raw 131648
	jq_eq "$t" '.flags.names | join(",")' MACHINE_TYPE,ADD_TEMPLATE_NAME,IS_MODIFIED
	jq_eq "$t" .name_flag.raw 1
	jq_eq "$t" '.name_flag.names | join(",")' ENROLLEE_SUPPLIES_SUBJECT
	jq_eq "$t" .enrollment_flag.raw 0
	jq_eq "$t" '.enrollment_flag.names | length' 0
	jq_eq "$t" .private_key_flag.raw 16
	jq_eq "$t" '.private_key_flag.names | join(",")' EXPORTABLE_KEY
	jq_eq "$t" .ra_signatures 0
	jq_eq "$t" .min_key_bits 2048
	jq_eq "$t" '.eku | join(",")' server_auth
	jq_eq "$t" '.application_policies | join(",")' server_auth
	jq_eq "$t" '.key_usage | join(",")' digital_signature,key_encipherment
	jq_eq "$t" '.critical_extensions | join(",")' 2.5.29.15
	jq_eq "$t" '.csps | join(",")' "1,Microsoft RSA SChannel Cryptographic Provider"
	jq_eq "$t" .validity_days 730
	jq_eq "$t" .renewal_days 42
	jq_eq "$t" '.published_by | join(",")' CORP-CA
	jq_eq "$t" .source.type ldap
	jq_eq "$t" .source.uri "CN=AMTWebServer,$SAMBA_TEMPLATES_DN"
	jq_eq "$t" .owner.name 'CORP\Enterprise Admins'
	# The one Enroll ACE loaded, with its object type and resolved name.
	a=$(printf '%s' "$t" | jq -c --arg s "$SID_SS" '[.acl[] | select(.sid == $s)]')
	jq_eq "$a" length 1
	jq_eq "$a" '.[0].name' 'CORP\AMT Site Servers'
	jq_eq "$a" '.[0].allow' true
	jq_eq "$a" '.[0].rights | join(",")' enroll
	jq_eq "$a" '.[0].object_type' 0e10c968-78fb-11d2-90d4-00c04f79dc55
	jq_eq "$a" '.[0].mask' 0x00000100
	# Samba's default ACEs: Domain Admins full control, Authenticated Users read.
	jq_eq "$t" '[.acl[] | select(.name == "CORP\\Domain Admins") | .rights[]] | index("generic_all") != null' true
	jq_eq "$t" '[.acl[] | select(.sid == "S-1-5-11") | .rights[]] | join(",")' read
}

@test "cert-ad: AMTProvisioning: negative name flag, AMT EKU, hours, allow and deny" {
	t=$(rec template AMTProvisioning)
	jq_eq "$t" .name_flag.raw -939524096
	jq_eq "$t" '.name_flag.names | join(",")' SUBJECT_ALT_REQUIRE_DNS,SUBJECT_REQUIRE_COMMON_NAME,SUBJECT_REQUIRE_DIRECTORY_PATH
	jq_eq "$t" '.eku | join(",")' server_auth,amt_provisioning
	jq_eq "$t" '.key_usage | join(",")' digital_signature
	jq_eq "$t" .validity_days 365
	jq_eq "$t" '.renewal_days * 3 | round' 1
	jq_eq "$t" '.published_by | sort | join(",")' CORP-CA,CORP-SUB-CA
	jq_eq "$t" '[.acl[] | select(.allow == false)] | length' 1
	d=$(printf '%s' "$t" | jq -c --arg s "$SID_BH" '.acl[] | select(.sid == $s)')
	jq_eq "$d" .allow false
	jq_eq "$d" .name 'CORP\Blocked Hosts'
	jq_eq "$d" '.rights | join(",")' enroll
	p=$(printf '%s' "$t" | jq -c --arg s "$SID_PV" '.acl[] | select(.sid == $s)')
	jq_eq "$p" .allow true
	jq_eq "$p" '.rights | join(",")' enroll
}

@test "cert-ad: AMTWebServerPend: PEND_ALL_REQUESTS, RA signature, Enroll + AutoEnroll" {
	t=$(rec template AMTWebServerPend)
	jq_eq "$t" .enrollment_flag.raw 34
	jq_eq "$t" '.enrollment_flag.names | join(",")' PEND_ALL_REQUESTS,AUTO_ENROLLMENT
	jq_eq "$t" .ra_signatures 1
	jq_eq "$t" .renewal_days 14
	jq_eq "$t" '[.acl[] | select(.name == "CORP\\Domain Computers") | .rights[]] | sort | join(",")' autoenroll,enroll
	jq_eq "$t" '[.acl[] | select(.name == "CORP\\Domain Computers") | .object_type] | sort | join(",")' \
		0e10c968-78fb-11d2-90d4-00c04f79dc55,a05b8cc2-17bc-4802-a710-e7c15ab866a2
}

@test "cert-ad: LegacyUser: v1, unknown flag bit kept as hex, key flag versions, dangerous ACEs" {
	t=$(rec template LegacyUser)
	jq_eq "$t" .schema_version 1
	jq_eq "$t" .flags.raw 66560
	jq_eq "$t" '.flags.names | join(",")' 0x00000400,IS_DEFAULT
	jq_eq "$t" .private_key_flag.raw 16842768
	jq_eq "$t" '.private_key_flag.names | join(",")' EXPORTABLE_KEY,SERVER_VERSION_1,CLIENT_VERSION_1
	jq_eq "$t" .min_key_bits 1024
	jq_eq "$t" '.eku | length' 0
	jq_eq "$t" '.published_by | length' 0
	jq_eq "$t" '[.acl[] | select(.sid == "S-1-5-11" and (.rights | index("generic_all")))] | .[0].name' \
		'NT AUTHORITY\Authenticated Users'
	jq_eq "$t" '[.acl[] | select(.sid == "S-1-5-11" and (.rights | index("generic_all")))] | .[0].rights | index("enroll") != null' true
	jq_eq "$t" '[.acl[] | select(.name == "CORP\\Domain Users")] | .[0].rights | join(",")' write_dacl
}

@test "cert-ad: ca records: dns_host, published templates, full cert record" {
	c=$(rec ca CORP-CA)
	jq_eq "$c" .dns_host ca1.corp.example
	jq_eq "$c" '.templates | join(",")' AMTWebServer,AMTProvisioning,AMTWebServerPend
	jq_eq "$c" .cert.kind cert
	jq_eq "$c" .cert.subject.cn CORP-CA
	jq_eq "$c" .cert.fingerprint.sha256 "$(openssl x509 -in "$FIX/ad/corp-ca.pem" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)"
	jq_eq "$c" .cert.source.uri "CN=CORP-CA,$SAMBA_ENROLL_DN"
	jq_eq "$c" .dn "CN=CORP-CA,$SAMBA_ENROLL_DN"
	s=$(rec ca CORP-SUB-CA)
	jq_eq "$s" .dns_host ca2.corp.example
	jq_eq "$s" '.templates | join(",")' AMTProvisioning
	jq_eq "$s" .cert.issuer.cn CORP-CA
}

@test "cert-ad: NTAuth and AIA certificates, CDP CRL" {
	n=$(jq -c --arg u "CN=NTAuthCertificates,$SAMBA_PKS_DN" 'select(.kind == "cert" and .source.uri == $u)' "$OUT")
	jq_eq "$n" .subject.cn CORP-CA
	jq_eq "$n" .source.type ldap
	a=$(jq -c --arg u "CN=CORP-CA,CN=AIA,$SAMBA_PKS_DN" 'select(.kind == "cert" and .source.uri == $u)' "$OUT")
	jq_eq "$a" .subject.cn CORP-CA
	c=$(jq -c 'select(.kind == "crl")' "$OUT")
	jq_eq "$c" .issuer.cn CORP-CA
	jq_eq "$c" .this_update 2026-05-01T00:00:00Z
	jq_eq "$c" .next_update 2026-08-01T00:00:00Z
	jq_eq "$c" .crl_number 1f
	jq_eq "$c" .revoked_count 2
	jq_eq "$c" .delta false
	jq_eq "$c" .source.uri "CN=CORP-CA,CN=CA1,CN=CDP,$SAMBA_PKS_DN"
}

@test "cert-ad: forest OID base and OID objects" {
	f=$(jq -c 'select(.kind == "forest")' "$OUT")
	jq_eq "$f" .oid_base 1.3.6.1.4.1.311.21.8.4242.1
	jq_eq "$f" .netbios_name CORP
	jq_eq "$f" .config_dn "$SAMBA_CONFIG_DN"
	jq_eq "$f" .domain_sid "$SAMBA_DOMAIN_SID"
	o=$(jq -c 'select(.kind == "oid")' "$OUT")
	jq_eq "$o" .oid 1.3.6.1.4.1.311.21.8.4242.1.402
	jq_eq "$o" .type issuance_policy
	jq_eq "$o" .display_name "AMT Assurance"
	jq_eq "$o" .group_link "CN=AMT Site Servers,CN=Users,$SAMBA_BASE"
}

@test "cert-ad: principals: transitive tokenGroups, every name form" {
	p=$(rec principal 'CORP\SITESRV01$')
	jq_eq "$p" .sid "$SID_SITESRV"
	jq_eq "$p" '[.groups[].name] | sort | join(",")' 'CORP\AMT Provisioners,CORP\AMT Site Servers,CORP\Domain Computers'
	jq_eq "$p" "[.groups[] | select(.sid == \"$SID_PV\")] | length" 1
	w=$(rec principal 'CORP\WKS01$')
	jq_eq "$w" '[.groups[].name] | sort | join(",")' 'CORP\Blocked Hosts,CORP\Domain Computers'
	u=$(rec principal 'CORP\alice')
	jq_eq "$u" '[.groups[].name] | sort | join(",")' 'BUILTIN\Users,CORP\Domain Users'
	# By SID and by sAMAccountName with '$': the same record.
	run -0 ad --what none --principal "$SID_SITESRV" --principal 'SITESRV01$'
	[ "$(printf '%s\n' "$output" | jq -r .name | sort -u)" = 'CORP\SITESRV01$' ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
}

@test "cert-ad: unknown principal: error record, exit 3, other records still written" {
	run -3 --separate-stderr ad --what cas --principal nosuchhost --principal WKS01
	[ "$stderr" = "cert-ad: 'nosuchhost': no account named 'nosuchhost'" ]
	[ "$(lines_of error)" -eq 1 ]
	[ "$(lines_of ca)" -eq 2 ]
	[ "$(lines_of principal)" -eq 1 ]
	jq_eq "$(printf '%s\n' "$output" | jq -c 'select(.kind == "error")')" .code not_found
}

@test "cert-ad: --template and --what select" {
	run -0 ad --what templates --template amtwebserver --template 'ConfigMgr AMT Web Server Certificate'
	[ "$(lines_of template)" -eq 1 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	run -0 ad --what cdp,ntauth
	[ "$(lines_of crl)" -eq 1 ]
	[ "$(lines_of cert)" -eq 1 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
	run -3 ad --what templates,bogus
	[[ "$output" == *"unknown part 'bogus'"* ]]
}

@test "cert-ad: ldap:// plain and StartTLS, password file with a trailing newline, --base" {
	printf '%s\n' "$SAMBA_ADMIN_PW" >"$T/nl.pw"
	run -0 cert-ad --uri "$SAMBA_LDAP_URI" --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$T/nl.pw" --what cas
	[ "$(lines_of ca)" -eq 2 ]
	run -0 cert-ad --uri "$SAMBA_LDAP_URI" --starttls --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$T/nl.pw" --what cas --base "$SAMBA_CONFIG_DN"
	[ "$(lines_of ca)" -eq 2 ]
	run -0 env ADPW="$SAMBA_ADMIN_PW" cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-env ADPW --what oids
	[ "$(lines_of forest)" -eq 1 ]
	# The old spellings still work, with one deprecation line each on stderr.
	run -0 --separate-stderr env ADPW="$SAMBA_ADMIN_PW" cert-ad --uri "$SAMBA_LDAP_URI" \
		--bind-dn "$SAMBA_ADMIN_DN" --password-file "$T/nl.pw" --what cas
	[ "$(lines_of ca)" -eq 2 ]
	[ "$stderr" = "cert-ad: --password-file is deprecated; use --bind-password-file" ]
	run -0 --separate-stderr env ADPW="$SAMBA_ADMIN_PW" cert-ad --uri "$SAMBA_LDAPS_URI" \
		--cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" --password-env ADPW --what oids
	[ "$(lines_of forest)" -eq 1 ]
	[ "$stderr" = "cert-ad: --password-env is deprecated; use --bind-password-env" ]
	# A --base without AD CS below it: nothing found, no error.
	run -0 ad --base "CN=Nowhere,$SAMBA_BASE" --what templates,cas
	[ -z "$output" ]
}

@test "cert-ad: wrong password: exit 3, auth error record, password never printed" {
	printf 'Wrong.Passw0rd-x' >"$T/wrong.pw"
	run -3 --separate-stderr cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$T/wrong.pw"
	jq_eq "$output" .kind error
	jq_eq "$output" .code auth
	[[ "$stderr" == "cert-ad: '$SAMBA_LDAPS_URI': bind as '$SAMBA_ADMIN_DN' refused: invalid credentials" ]]
	[[ "$output$stderr" != *Wrong.Passw0rd* ]]
	[[ "$output$stderr" != *"$SAMBA_ADMIN_PW"* ]]
}

@test "cert-ad: unreachable server (loopback port with nothing listening): exit 3, net error" {
	port=$(free_port)
	run -3 --separate-stderr cert-ad --uri "ldap://127.0.0.1:$port" --timeout 5 --what cas
	jq_eq "$output" .code net
	# one connect for cert-ad and cert-read ldap:// (ck_net_connect): one short reason
	[ "$stderr" = "cert-ad: 'ldap://127.0.0.1:$port': connection refused" ]
}

@test "cert-ad: TLS failures: wrong CA, StartTLS with wrong CA; --insecure is explicit" {
	run -3 --separate-stderr ad_wrong_ca
	jq_eq "$output" .code tls
	[[ "$stderr" == *"tls handshake or server certificate verification failed"* ]]
	run -3 --separate-stderr cert-ad --uri "$SAMBA_LDAP_URI" --starttls --cacert "$FIX/ad/corp-ca.pem" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" --what cas
	jq_eq "$output" .code tls
	run -0 cert-ad --uri "$SAMBA_LDAPS_URI" --insecure --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --what cas
	[ "$(lines_of ca)" -eq 2 ]
	# A missing --cacert file is named.
	run -3 --separate-stderr cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$T/none.pem" --what cas
	[[ "$stderr" == *"none.pem"* ]]
}

ad_wrong_ca() {
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$FIX/ad/corp-ca.pem" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --what cas
}

@test "cert-ad: --max-entries caps a search: exit 3, limit error" {
	run -3 --separate-stderr ad --what templates --max-entries 2
	jq_eq "$(printf '%s\n' "$output" | jq -c 'select(.kind == "error")')" .code limit
}

@test "cert-ad: odd attribute values (300 EKUs, all 32 flag bits) decode without loss" {
	# A template with a non-numeric-looking but schema-valid minimum: huge OID list.
	big=$(python3 -c 'print("\n".join("pKIExtendedKeyUsage: 1.3.6.1.4.1.99999.%d" % i for i in range(300)))')
	# shellcheck disable=SC2086
	samba_add_template OddOne "$big" "msPKI-Certificate-Name-Flag: -1" "msPKI-Enrollment-Flag: 2147483647"
	run -0 ad --what templates --template OddOne
	jq_eq "$output" '.eku | length' 300
	jq_eq "$output" .name_flag.raw -1
	jq_eq "$output" '.name_flag.names | length' 32
	jq_eq "$output" .enrollment_flag.raw 2147483647
}

@test "cert-ad: usage errors exit 3" {
	run -3 cert-ad
	[[ "$output" == *"--uri is required"* ]]
	run -3 cert-ad --uri http://x
	run -3 cert-ad --uri "$SAMBA_LDAPS_URI" --bind-dn x
	run -3 cert-ad --uri "$SAMBA_LDAPS_URI" --timeout 0
	run -3 cert-ad --uri "$SAMBA_LDAPS_URI" --sasl plain
	run -0 cert-ad --version
	run -0 cert-ad --help
}

@test "cert-ad: --format text" {
	run -0 ad --what templates,cas --template AMTProvisioning --format text
	[[ "$output" == *"template AMTProvisioning"* ]]
	[[ "$output" == *"deny  CORP\\Blocked Hosts: enroll"* ]]
	[[ "$output" == *"ca CORP-CA on ca1.corp.example"* ]]
}

@test "cert-ad: man page EXAMPLES, verbatim" {
	cd "$T"
	cp "$SAMBA_CACERT" dc-ca.pem
	cp "$SAMBA_PWFILE" admin.pw
	export DC="$SAMBA_LDAPS_URI" ADMIN="$SAMBA_ADMIN_DN"
	cat >ex1.sh <<'EOS'
cert-ad --uri "$DC" --cacert dc-ca.pem --bind-dn "$ADMIN" --bind-password-file admin.pw > ad.jsonl
jq -r 'select(.kind == "template") | .name' ad.jsonl
EOS
	run -0 sh ex1.sh
	[[ "$output" == *AMTWebServerPend* ]]
	cat >ex2.sh <<'EOS'
cert-ad --uri "$DC" --cacert dc-ca.pem --bind-dn "$ADMIN" --bind-password-file admin.pw --what none --principal 'CORP\SITESRV01$' | jq -r '.groups[].name'
EOS
	run -0 sh ex2.sh
	[[ "$output" == *"AMT Provisioners"* ]]
	cat >ex3.sh <<'EOS'
cert-ad --uri "$DC" --cacert dc-ca.pem --bind-dn "$ADMIN" --bind-password-file admin.pw --template AMTWebServer --format text
EOS
	run -0 sh ex3.sh
	[[ "$output" == *"allow CORP\\AMT Site Servers: enroll"* ]]
	cat >ex4.sh <<'EOS'
cert-ad --uri "$DC" --cacert dc-ca.pem --bind-dn "$ADMIN" --bind-password-file admin.pw --what oids | jq -r 'select(.kind == "forest") | .oid_base'
EOS
	run -0 sh ex4.sh
	[ "$output" = 1.3.6.1.4.1.311.21.8.4242.1 ]
}
