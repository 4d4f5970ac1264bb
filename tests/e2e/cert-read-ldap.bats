#!/usr/bin/env bats
# cert-read ldap:// and ldaps:// against a real Samba AD domain controller on
# loopback (tests/harness/samba.sh): AD CS objects holding certificates in
# cACertificate / userCertificate, read back with and without TLS
# verification, with right and wrong credentials.

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	require_cmd samba ldapadd openssl jq
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || samba_unavailable "the Samba AD harness did not start"
	N="$FIX/net"
	T="$BATS_FILE_TMPDIR"
	AIA="CN=NetTestCA,CN=AIA,$SAMBA_PKS_DN"
	AIA2="CN=NetTestCA2,CN=AIA,$SAMBA_PKS_DN"
	USER="CN=netcertuser,CN=Users,$SAMBA_BASE"
	b64() { openssl x509 -in "$1" -outform DER | openssl base64 -A; }
	# cACertificate with two values (intermediate and root) on one object,
	# one value on a second object.
	samba_add_aia NetTestCA "$N/inter.pem"
	printf 'dn: %s\nchangetype: modify\nadd: cACertificate\ncACertificate:: %s\n' \
		"$AIA" "$(b64 "$N/root.pem")" | samba_ldapmodify -
	samba_add_aia NetTestCA2 "$N/sni.pem"
	# userCertificate with two values on a user.
	samba_add_user netcertuser
	printf 'dn: %s\nchangetype: modify\nadd: userCertificate\nuserCertificate:: %s\nuserCertificate:: %s\n' \
		"$USER" "$(b64 "$N/leaf.pem")" "$(b64 "$N/sni.pem")" | samba_ldapmodify -
	printf 'not-the-password' >"$T/wrong.pw"
	: >"$T/empty.pw"
	export N T AIA AIA2 USER
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

cert_id() {
	openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}

# ids_of: the sorted ids of the cert records in $output, one line.
ids_of() {
	printf '%s\n' "$output" | jq -r 'select(.kind == "cert") | .id' | sort | tr '\n' ' '
}

# ids FILE...: the sorted ids of the fixtures, one line.
ids() {
	for f in "$@"; do cert_id "$f"; done | sort | tr '\n' ' '
}

@test "cert-read ldaps://: every value of a multi-valued cACertificate, verified TLS and bind" {
	src="$SAMBA_LDAPS_URI/$AIA?cACertificate?base"
	run -0 --separate-stderr cert-read --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" "$src"
	[ "$(lines_of cert)" -eq 2 ]
	[ "$(ids_of)" = "$(ids "$N/inter.pem" "$N/root.pem")" ]
	[ "$(printf '%s\n' "$output" | jq -r '.source.type' | sort -u)" = ldap ]
	[ "$(printf '%s\n' "$output" | jq -r '.source.uri' | sort -u)" = "$src" ]
	[ "$(printf '%s\n' "$output" | jq -r '.source.index' | sort | tr '\n' ' ')" = "0 1 " ]
	[ -z "$stderr" ]
	if [ -f "$CK_TOP/tests/schema/validate.py" ]; then
		printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
	fi
}

@test "cert-read ldap://: userCertificate of a user over plain LDAP" {
	run -0 cert-read --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		"$SAMBA_LDAP_URI/$USER?userCertificate?base"
	[ "$(ids_of)" = "$(ids "$N/leaf.pem" "$N/sni.pem")" ]
}

@test "cert-read ldaps://: scope one with a filter collects the values of every entry" {
	run -0 cert-read --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		"$SAMBA_LDAPS_URI/CN=AIA,$SAMBA_PKS_DN?cACertificate?one?(cn=NetTestCA*)"
	[ "$(ids_of)" = "$(ids "$N/inter.pem" "$N/root.pem" "$N/sni.pem")" ]
}

@test "cert-read ldaps://: a wrong password is an auth error, exit 3" {
	src="$SAMBA_LDAPS_URI/$AIA?cACertificate?base"
	run -3 --separate-stderr cert-read --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$T/wrong.pw" "$src" "$N/root.pem"
	[[ "$stderr" == "cert-read: '$src': bind: invalid credentials"* ]]
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .code auth
	# The other source is still read.
	[ "$(lines_of cert)" -eq 1 ]
}

@test "cert-read ldaps://: a bind DN with an empty password is refused before binding" {
	run -3 --separate-stderr cert-read --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$T/empty.pw" \
		"$SAMBA_LDAPS_URI/$AIA?cACertificate?base"
	jq_eq "$output" .code auth
}

@test "cert-read ldaps://: TLS is verified: no CA or the wrong CA fails, --insecure reads" {
	src="$SAMBA_LDAPS_URI/$AIA?cACertificate?base"
	run -3 --separate-stderr cert-read \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" "$src"
	[[ "$stderr" == "cert-read: '$src': tls handshake failed"* ]]
	jq_eq "$output" .code tls
	run -3 --separate-stderr cert-read --cacert "$N/root.pem" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" "$src"
	jq_eq "$output" .code tls
	run -0 cert-read --insecure \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" "$src"
	[ "$(lines_of cert)" -eq 2 ]
}

@test "cert-read ldaps://: anonymous access to AD configuration is refused (code ldap)" {
	run -3 --separate-stderr cert-read --cacert "$SAMBA_CACERT" \
		"$SAMBA_LDAPS_URI/$AIA?cACertificate?base"
	jq_eq "$output" .code ldap
}

@test "cert-read ldaps://: a missing object or attribute is not_found" {
	run -3 --separate-stderr cert-read --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		"$SAMBA_LDAPS_URI/CN=NoSuchCA,CN=AIA,$SAMBA_PKS_DN?cACertificate?base"
	jq_eq "$output" .code not_found
	run -3 --separate-stderr cert-read --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		"$SAMBA_LDAPS_URI/$AIA?userCertificate?base"
	jq_eq "$output" .code not_found
	[[ "$stderr" == *"no value of 'userCertificate'"* ]]
}

@test "cert-read --jobs 4: LDAP sources in parallel keep the input order" {
	run -0 cert-read --jobs 4 --cacert "$SAMBA_CACERT" \
		--bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		"$SAMBA_LDAPS_URI/$AIA2?cACertificate?base" \
		"$SAMBA_LDAPS_URI/$AIA?cACertificate?base" \
		"$SAMBA_LDAPS_URI/$AIA2?cACertificate?base"
	got=$(printf '%s\n' "$output" | jq -r '.source.uri | sub(".*/CN="; "") | sub(",.*"; "")' | tr '\n' ' ')
	[ "$got" = "NetTestCA2 NetTestCA NetTestCA NetTestCA2 " ]
}
