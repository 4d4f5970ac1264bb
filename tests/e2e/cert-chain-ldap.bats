#!/usr/bin/env bats
# cert-chain with ldap:// AIA and CDP URLs, served by a real Samba AD domain
# controller on loopback (tests/harness/samba.sh): the intermediate is
# published in CN=AIA, the CRLs in CN=CDP, as AD CS does.
bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"

# der_ext KIND URL: an AIA (caIssuers) or CDP extension as DER; LDAP URLs
# hold commas, which the openssl config syntax would split.
der_ext() {
	python3 - "$@" <<'PY'
import sys
def tlv(t, b):
    n = len(b)
    if n < 128:
        return bytes([t, n]) + b
    if n < 256:
        return bytes([t, 0x81, n]) + b
    return bytes([t, 0x82]) + n.to_bytes(2, "big") + b
uri = tlv(0x86, sys.argv[2].encode())
if sys.argv[1] == "aia":
    name, body = "authorityInfoAccess", tlv(0x30, tlv(0x30, bytes.fromhex("06082b06010505073002") + uri))
else:
    name, body = "crlDistributionPoints", tlv(0x30, tlv(0x30, tlv(0xa0, tlv(0xa0, uri))))
print(name + "=DER:" + ":".join("%02X" % x for x in body))
PY
}

setup_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_start || samba_unavailable "the Samba AD harness did not start"
	D=$BATS_FILE_TMPDIR/pki
	mkdir -p "$D"
	export D
	. "$CK_TOP/tests/fixtures/pki.sh"
	cd "$D"
	cp "$CH/pki/root.pem" "$CH/pki/root.key" .
	cp "$CH/pki/k2048b.key" lint.key
	aia="ldap://$SAMBA_IP/CN=Ldap Issuing CA,CN=AIA,$SAMBA_PKS_DN?cACertificate?base?objectClass=certificationAuthority"
	cdp_int="ldap://$SAMBA_IP/CN=Ldap Issuing CA,CN=ca1,CN=CDP,$SAMBA_PKS_DN?certificateRevocationList?base?objectClass=cRLDistributionPoint"
	cdp_root="ldap://$SAMBA_IP/CN=Test Root CA,CN=ca2,CN=CDP,$SAMBA_PKS_DN?certificateRevocationList?base?objectClass=cRLDistributionPoint"
	A=20200101000000Z Z=20440101000000Z
	pki_cert lint "/O=certkit test/CN=Ldap Issuing CA" root x $A $Z "$pki_ca_exts;$(der_ext cdp "$cdp_root")"
	for n in lgood lrevoked; do
		cp "$CH/pki/k2048c.key" "$n.key"
		pki_cert "$n" "/CN=$n.corp.example" lint x $A $Z "$(pki_leaf_exts "$n.corp.example");$(der_ext aia "$aia");$(der_ext cdp "$cdp_int")"
	done
	rs=$(openssl x509 -in lrevoked.pem -noout -serial | sed 's/.*=//')
	printf 'R\t440101000000Z\t250101000000Z\t%s\tunknown\t/CN=lrevoked.corp.example\n' "$rs" >lint.idx
	: >root.idx
	for ca in root lint; do
		printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/%s.idx\ncrlnumber = %s/%s.num\ndefault_md = sha256\n' "$D" "$ca" "$D" "$ca" >"$ca.cnf"
		echo 01 >"$ca.num"
		openssl ca -gencrl -config "$ca.cnf" -cert "$ca.pem" -keyfile "$ca.key" \
			-crl_lastupdate 20260101000000Z -crl_nextupdate 20300101000000Z -out "$ca.crl" 2>/dev/null
	done
	samba_add_aia "Ldap Issuing CA" lint.pem
	samba_add_cdp "Ldap Issuing CA" ca1 lint.crl
	samba_add_cdp "Test Root CA" ca2 root.crl
	cat root.pem >roots.pem
}

teardown_file() {
	. "$CK_TOP/tests/harness/samba.sh"
	samba_stop
}

need_samba() {
	[ -n "${SAMBA_IP:-}" ] || samba_unavailable "the Samba AD harness did not start"
}

@test "cert-chain LDAP: the intermediate is fetched from CN=AIA over ldap://" {
	need_samba
	run -0 cert-chain --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		--roots "$D/roots.pem" "$D/lgood.pem"
	jq_eq "$output" '.path | length' 3
	jq_eq "$output" '.certs[1].source.type' ldap
	jq_eq "$output" '.certs[1].subject.cn' "Ldap Issuing CA"
}

@test "cert-chain LDAP: CRLs from CN=CDP over ldap://: good and revoked" {
	need_samba
	run -0 cert-chain --crl-check --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		--roots "$D/roots.pem" "$D/lgood.pem"
	jq_eq "$output" '[.revocation[] | .status + "/" + .method] | join(",")' "good/crl,good/crl"
	run -2 cert-chain --crl-check --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$SAMBA_PWFILE" \
		--roots "$D/roots.pem" "$D/lrevoked.pem"
	[ "$(printf '%s\n' "$output" | jq -r '[.findings[].rule] | unique | join(",")')" = chain.revoked ]
	[[ "$(printf '%s\n' "$output" | jq -r '.findings[0].message')" == "crl: revoked on 2025-01-01T00:00:00Z" ]]
}

@test "cert-chain LDAP: a refused bind is a warning finding, the issuer stays missing" {
	need_samba
	printf 'wrong password' >"$BATS_TEST_TMPDIR/pw"
	run -2 cert-chain --timeout 5 --bind-dn "$SAMBA_ADMIN_DN" --bind-password-file "$BATS_TEST_TMPDIR/pw" \
		--roots "$D/roots.pem" "$D/lgood.pem"
	[ "$(printf '%s\n' "$output" | jq -r '[.findings[].rule] | unique | join(",")')" = "chain.aia_unreachable,chain.missing_issuer" ]
	run -3 cert-chain --bind-dn "$SAMBA_ADMIN_DN" --roots "$D/roots.pem" "$D/lgood.pem"
}
