#!/usr/bin/env bats
# cert-read on committed fixtures: every field against OpenSSL's own
# reading of the same certificate, every input form, every bad input.
bats_require_minimum_version 1.5.0
load helper

R="$BATS_TEST_DIRNAME/../fixtures/read"

# field_check FILE: compares cert-read's record of FILE (one certificate)
# with what `openssl x509` prints for it.
field_check() {
	local f=$1 rec want got
	rec=$(cert-read "$f")
	[ "$(printf '%s\n' "$rec" | grep -c .)" -eq 1 ]
	want=$(openssl x509 -in "$f" -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//')
	jq_eq "$rec" .subject.dn "$want"
	want=$(openssl x509 -in "$f" -noout -issuer -nameopt RFC2253,-esc_msb | sed 's/^issuer=//')
	jq_eq "$rec" .issuer.dn "$want"
	want=$(openssl x509 -in "$f" -noout -serial | sed 's/^serial=//; s/^0*//' | tr 'A-F' 'a-f')
	jq_eq "$rec" .serial "$want"
	want=$(openssl x509 -in "$f" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	jq_eq "$rec" .fingerprint.sha256 "$want"
	jq_eq "$rec" .id "$want"
	want=$(openssl x509 -in "$f" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	jq_eq "$rec" .fingerprint.sha1 "$want"
	want=$(date -u -d "$(openssl x509 -in "$f" -noout -startdate | sed 's/.*=//')" +%Y-%m-%dT%H:%M:%SZ)
	jq_eq "$rec" .not_before "$want"
	want=$(date -u -d "$(openssl x509 -in "$f" -noout -enddate | sed 's/.*=//')" +%Y-%m-%dT%H:%M:%SZ)
	jq_eq "$rec" .not_after "$want"
	want=$(openssl x509 -in "$f" -noout -text | sed -n 's/^ *Signature Algorithm: //p' | head -n 1)
	jq_eq "$rec" .sig_alg "$want"
	# Key size as OpenSSL states it ("Public-Key: (2048 bit)"), for RSA/EC/DSA.
	want=$(openssl x509 -in "$f" -noout -text | sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' | head -n 1)
	if [ -n "$want" ]; then jq_eq "$rec" .key.bits "$want"; fi
	# SAN DNS names in order.
	want=$(openssl x509 -in "$f" -noout -ext subjectAltName 2>/dev/null | tr ',' '\n' | sed -n 's/^ *DNS://p' | paste -sd ' ')
	jq_eq "$rec" '.san.dns | join(" ")' "$want"
	# CA flag.
	if openssl x509 -in "$f" -noout -text | grep -q 'CA:TRUE'; then want=true; else want=false; fi
	jq_eq "$rec" .ca "$want"
	# The PEM in the record is the certificate itself.
	want=$(openssl x509 -in "$f" -outform DER | sha256sum | cut -c1-64)
	got=$(printf '%s\n' "$rec" | jq -r .pem | openssl x509 -outform DER | sha256sum | cut -c1-64)
	[ "$got" = "$want" ]
}

@test "cert-read: every field matches openssl x509 for RSA, EC, Ed25519, Ed448, DSA, CA and leaf certificates" {
	for f in root inter amt-prov ou-case ou-dot ed25519 ed448 ec384 rsa1024-sha1 rsa4096-ca dsa names noext; do
		echo "# $f" >&2
		field_check "$R/$f.pem"
	done
}

@test "cert-read: AMT provisioning certificate: OID, setup OU, SAN kinds, AIA, CDP, policies" {
	run -0 cert-read "$R/amt-prov.pem"
	jq_eq "$output" .amt.provisioning_oid true
	jq_eq "$output" .amt.setup_ou true
	jq_eq "$output" '.eku | join(",")' "server_auth,amt_provisioning"
	jq_eq "$output" '.key | "\(.alg) \(.curve) \(.bits)"' "ec P-256 256"
	jq_eq "$output" '.key_usage | join(",")' "digital_signature,key_agreement"
	jq_eq "$output" '.san.ip | join(",")' "192.0.2.10,2001:db8::10"
	jq_eq "$output" '.san.email[0]' "pki@corp.example.com"
	jq_eq "$output" '.san.uri[0]' "https://corp.example.com/amt"
	jq_eq "$output" '.san.upn[0]' "ps01@corp.example.com"
	jq_eq "$output" '.aia.ca_issuers | length' 2
	jq_eq "$output" '.aia.ca_issuers[0]' "http://pki.example.com/issuing1.crt"
	jq_eq "$output" '.crl_dp[0]' "http://pki.example.com/issuing1.crl"
	jq_eq "$output" '.policies[0]' "2.23.140.1.2.1"
	jq_eq "$output" .subject.cn "provisionserver.corp.example.com"
	jq_eq "$output" '.subject.ou[0]' "Intel(R) Client Setup Certificate"
	jq_eq "$output" .self_signed false
	want=$(openssl x509 -in "$R/amt-prov.pem" -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :' | tr 'A-F' 'a-f')
	jq_eq "$output" .ski "$want"
	want=$(openssl x509 -in "$R/inter.pem" -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :' | tr 'A-F' 'a-f')
	jq_eq "$output" .aki "$want"
}

@test "cert-read: setup OU is an exact, case-sensitive match" {
	run -0 cert-read "$R/ou-case.pem" "$R/ou-dot.pem"
	[ "$(printf '%s\n' "$output" | jq -r .amt.setup_ou | sort -u)" = false ]
	[ "$(printf '%s\n' "$output" | jq -r .amt.provisioning_oid | sort -u)" = false ]
}

@test "cert-read: CA fields: basic constraints, path length, self-signed, key usage" {
	run -0 cert-read "$R/root.pem" "$R/inter.pem" "$R/rsa4096-ca.pem"
	jq_eq "$(sed -n 1p <<<"$output")" '[.ca, .path_len, .self_signed] | map(tostring) | join(" ")' "true null true"
	jq_eq "$(sed -n 2p <<<"$output")" '[.ca, .path_len, .self_signed] | map(tostring) | join(" ")' "true 0 false"
	jq_eq "$(sed -n 2p <<<"$output")" '.key_usage | join(",")' "key_cert_sign,crl_sign"
	jq_eq "$(sed -n 2p <<<"$output")" '.aia.ocsp[0]' "http://ocsp.example.com/"
	jq_eq "$(sed -n 3p <<<"$output")" '[.ca, .path_len, .key.bits] | map(tostring) | join(" ")' "true 2 4096"
}

@test "cert-read: names: UTF-8, multi-valued RDN, RFC 4514 escapes, DC, email" {
	run -0 cert-read "$R/names.pem"
	jq_eq "$output" .subject.o "Zürich Ünïcode, Inc."
	jq_eq "$output" '.subject.ou | join("|")' "A|B"
	jq_eq "$output" '.subject.dc | join(".")' "example.corp"
	jq_eq "$output" .subject.email "names@corp.example.com"
	jq_eq "$output" .subject.cn '#hash "quoted" <x>;y'
	jq_eq "$output" '.eku | join(",")' "client_auth,smartcard_logon,1.2.3.4.5"
}

@test "cert-read: a PEM bundle keeps order and indexes; source is the file" {
	run -0 cert-read "$R/chain.pem"
	[ "$(lines_of cert)" -eq 3 ]
	[ "$(printf '%s\n' "$output" | jq -r '.source.index' | paste -sd ' ')" = "0 1 2" ]
	[ "$(printf '%s\n' "$output" | jq -r '.subject.cn' | paste -sd '|')" = "provisionserver.corp.example.com|Example Issuing CA 1|Example Root CA" ]
	[ "$(printf '%s\n' "$output" | jq -r '.source.type' | sort -u)" = file ]
	[ "$(printf '%s\n' "$output" | jq -r '.source.uri' | sort -u)" = "$R/chain.pem" ]
}

@test "cert-read: DER, PKCS#7 (PEM and DER) and the same certificates as PEM agree" {
	a=$(cert-read "$R/chain.pem" | jq -r .id | paste -sd ' ')
	b=$(cert-read "$R/chain.p7b" | jq -r .id | paste -sd ' ')
	c=$(cert-read "$R/chain.p7b.der" | jq -r .id | paste -sd ' ')
	[ "$a" = "$b" ]
	[ "$a" = "$c" ]
	d=$(cert-read "$R/amt-prov.der" | jq -r .id)
	[ "$d" = "${a%% *}" ]
}

@test "cert-read: PKCS#12 with --password-file and --password-env; leaf first" {
	run -0 cert-read --password-file "$R/p12-password.txt" "$R/amt-prov.p12"
	[ "$(lines_of cert)" -eq 2 ]
	jq_eq "$(sed -n 1p <<<"$output")" .subject.cn provisionserver.corp.example.com
	jq_eq "$(sed -n 2p <<<"$output")" .subject.cn "Example Issuing CA 1"
	P12PW=fixture-pass run -0 cert-read --password-env P12PW "$R/amt-prov.p12"
	[ "$(lines_of cert)" -eq 2 ]
}

@test "cert-read: wrong PKCS#12 password: exit 3, error record, message names the source" {
	echo wrong >"$BATS_TEST_TMPDIR/pw"
	run -3 --separate-stderr cert-read --password-file "$BATS_TEST_TMPDIR/pw" "$R/amt-prov.p12" "$R/root.pem"
	[ "$(lines_of error)" -eq 1 ]
	[ "$(lines_of cert)" -eq 1 ]
	jq_eq "$(sed -n 1p <<<"$output")" .code password
	[[ "$stderr" == "cert-read: '$R/amt-prov.p12': wrong PKCS#12 password" ]]
}

@test "cert-read: stdin, and '-' as a source" {
	run -0 bash -c "cat '$R/root.pem' | cert-read"
	jq_eq "$output" .source.type stdin
	jq_eq "$output" .subject.cn "Example Root CA"
	run -0 bash -c "cat '$R/root.der' | cert-read - '$R/inter.pem'"
	[ "$(lines_of cert)" -eq 2 ]
}

@test "cert-read: a PEM file with keys and text around certificates takes only the certificates" {
	run -0 cert-read "$R/mixed.pem"
	[ "$(lines_of cert)" -eq 2 ]
}

@test "cert-read: directories, with and without -r, in name order; keys and notes skipped" {
	d="$BATS_TEST_TMPDIR/d"
	mkdir -p "$d/sub"
	cp "$R/root.pem" "$d/b.pem"
	cp "$R/inter.pem" "$d/a.crt"
	cp "$R/amt-prov.der" "$d/sub/c.cer"
	echo "notes" >"$d/README.md"
	echo "key" >"$d/x.key"
	run -0 cert-read "$d"
	[ "$(printf '%s\n' "$output" | jq -r .subject.cn | paste -sd '|')" = "Example Issuing CA 1|Example Root CA" ]
	run -0 cert-read -r "$d"
	[ "$(lines_of cert)" -eq 3 ]
	jq_eq "$(sed -n 3p <<<"$output")" .source.uri "$d/sub/c.cer"
}

@test "cert-read: --no-pem leaves out pem; --format text prints a table" {
	run -0 cert-read --no-pem "$R/root.pem"
	jq_eq "$output" 'has("pem")' false
	run -0 cert-read --format text "$R/chain.pem"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == provisionserver.corp.example.com* ]]
	[[ "${lines[2]}" == *"rsa/2048 CA"* ]]
}

@test "cert-read: bad inputs: one line on stderr each, error records, exit 3, good inputs still read" {
	run -3 --separate-stderr cert-read "$R/truncated.der" "$R/root.pem" "$R/garbage.pem" \
		"$R/truncated.pem" "$R/notacert.txt.bin" "$R/zeros.bin" "$R/trailing.der" \
		"$BATS_TEST_TMPDIR/missing.pem" "$R/inter.pem"
	[ "$(lines_of error)" -eq 7 ]
	# trailing.der: the certificate is read, then the trailing bytes reported.
	[ "$(lines_of cert)" -eq 3 ]
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 7 ]
	printf '%s\n' "$stderr" | grep -q "^cert-read: '$R/truncated.der': certificate #1: truncated or malformed DER$"
	printf '%s\n' "$stderr" | grep -q "^cert-read: '$R/truncated.pem': line 1: PEM block 'CERTIFICATE' has no END line (truncated?)$"
	printf '%s\n' "$stderr" | grep -q "^cert-read: '$BATS_TEST_TMPDIR/missing.pem': No such file or directory$"
	# Every line of stdout is a complete JSON object.
	printf '%s\n' "$output" | jq -e . >/dev/null
	[ "$(printf '%s\n' "$output" | jq -r .kind | paste -sd ' ')" = "error cert error error error error cert error error cert" ]
}

@test "cert-read: usage errors exit 3; --help and --version exit 0" {
	run -3 cert-read --jobs 0 "$R/root.pem"
	run -3 cert-read --format xml "$R/root.pem"
	run -3 cert-read --nonsense
	run -3 cert-read --password-file "$BATS_TEST_TMPDIR/none" "$R/root.pem"
	run -3 --separate-stderr cert-read --password-file "$BATS_TEST_TMPDIR/none" --password-env P "$R/root.pem"
	[ "${stderr_lines[0]}" = "cert-read: --password-file and --password-env are exclusive" ]
	[[ "${stderr_lines[1]}" == "usage: cert-read "* ]]
	[ -z "$output" ]
	run -0 cert-read --help
	[[ "$output" == usage:\ cert-read* ]]
	run -0 cert-read --version
	[[ "$output" == "cert-read (certkit) "* ]]
}

@test "cert-read: output validates against the JSON schemas (cert and error records)" {
	cert-read "$R/chain.pem" "$R/names.pem" "$R/ed448.pem" "$R/dsa.pem" "$R/garbage.pem" \
		>"$BATS_TEST_TMPDIR/o.jsonl" 2>/dev/null || true
	[ "$(grep -c '"kind":"error"' "$BATS_TEST_TMPDIR/o.jsonl")" -eq 1 ]
	run -0 python3 "$CK_TOP/tests/schema/validate.py" "$BATS_TEST_TMPDIR/o.jsonl"
	# And the validator does reject a record that breaks the contract.
	sed -n 1p "$BATS_TEST_TMPDIR/o.jsonl" | jq -c '.serial = "XYZ"' >"$BATS_TEST_TMPDIR/bad.jsonl"
	run -1 python3 "$CK_TOP/tests/schema/validate.py" "$BATS_TEST_TMPDIR/bad.jsonl"
}

@test "cert-read: 10 000 certificates in one bundle, all read, in order" {
	for i in $(seq 1 2500); do cat "$R/chain.pem" "$R/noext.pem"; done >"$BATS_TEST_TMPDIR/big.pem"
	run -0 bash -c "cert-read --no-pem '$BATS_TEST_TMPDIR/big.pem' | jq -r .source.index | tail -n 1"
	[ "$output" = 9999 ]
}

@test "cert-read: negative and zero serials keep their sign and value" {
	run -0 cert-read "$FIX/lint/certs/serial-neg.pem" "$FIX/lint/certs/serial-zero.pem"
	[ "$(printf '%s\n' "$output" | jq -r .serial | paste -sd ' ')" = "-5 0" ]
	[ "$(openssl x509 -in "$FIX/lint/certs/serial-neg.pem" -noout -serial)" = "serial=-05" ]
}

@test "cert-read: a directory given with a trailing slash gives paths without doubled slashes" {
	d="$BATS_TEST_TMPDIR/certs"
	mkdir -p "$d/sub"
	cp "$R/root.pem" "$d/"
	cp "$R/inter.pem" "$d/sub/"
	run -0 cert-read -r "$d/"
	[ "$(printf '%s\n' "$output" | jq -r .source.uri | sort | tr '\n' ' ')" = "$d/root.pem $d/sub/inter.pem " ]
	run -0 cert-expiry --format text --all "$d/"
	[[ "$output" == *" $d/root.pem"* ]]
	[[ "$output" != *"//"* ]]
	# The data directory given with a trailing slash: paths in messages as typed.
	run -3 --separate-stderr env CERTKIT_DATADIR="$CK_TOP/" cert-lint --profile nosuch </dev/null
	[[ "$stderr" == *"(not found in $CK_TOP/policy)"* ]]
	run -0 env CERTKIT_DATADIR="$CK_TOP/" cert-tmpl list --format json
	[ "$(printf '%s\n' "$output" | jq -r .source.uri | grep -c '//')" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .source.uri | head -n 1)" = "$CK_TOP/templates/amt-8021x-client.json" ]
}

@test "cert-read: keyUsage padding bits are not usages (found by fuzz_cert_diff against OpenSSL)" {
	# BIT STRING 03 02 01 ff: one unused bit, so bit 7 (encipherOnly) is padding.
	f="$CK_TOP/tests/fuzz/corpus/fuzz_cert_diff/ku-padding.der"
	run -0 cert-read "$f"
	jq_eq "$output" '.key_usage | join(",")' "digital_signature,non_repudiation,key_encipherment,data_encipherment,key_agreement,key_cert_sign,crl_sign"
	openssl x509 -inform DER -in "$f" -noout -ext keyUsage | grep -q 'CRL Sign$'
}

@test "cert-read: Java KeyStores (JKS, JCEKS): every certificate, with its entry's alias, no Java needed" {
	J="$FIX/read/jks"
	root=$(cert-read "$R/root.pem" | jq -r .id)
	inter=$(cert-read "$R/inter.pem" | jq -r .id)
	for ks in trust.jks trust.jceks; do
		run -0 cert-read "$J/$ks"
		[ "${#lines[@]}" -eq 2 ]
		[ "$(printf '%s\n' "$output" | jq -r '[.id, .source.alias, .source.index] | @tsv' | tr '\n' ' ')" = \
			"$inter	zwischen-ca-é	0 $root	example root	1 " ]
	done
	# A private key entry: its chain, leaf first (the key itself stays encrypted, unread).
	run -0 cert-read "$J/key.jks"
	[ "$(printf '%s\n' "$output" | jq -r '[.source.alias, .source.index, .subject.cn, .amt.provisioning_oid] | @tsv' | tr '\n' ' ')" = \
		"provisioning	0	provisionserver.corp.example.com	true provisioning	1	Example Issuing CA 1	false " ]
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "cert-read: Java KeyStore integrity with --password-file (keytool's check); damaged stores are errors" {
	J="$FIX/read/jks"
	echo changeit >"$BATS_TEST_TMPDIR/pw"
	echo wrong >"$BATS_TEST_TMPDIR/bad"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/pw" "$J/trust.jks" "$J/trust.jceks"
	[ "${#lines[@]}" -eq 4 ]
	# A wrong password (or an altered byte) reads nothing.
	run -3 --separate-stderr cert-read --password-file "$BATS_TEST_TMPDIR/bad" "$J/trust.jks"
	[ "$stderr" = "cert-read: '$J/trust.jks': Java KeyStore integrity check failed: wrong password or altered file" ]
	[ "$(printf '%s\n' "$output" | jq -r .kind)" = error ]
	cp "$J/trust.jks" "$BATS_TEST_TMPDIR/altered.jks"
	printf 'X' | dd of="$BATS_TEST_TMPDIR/altered.jks" bs=1 seek=100 conv=notrunc 2>/dev/null
	run -3 --separate-stderr cert-read --password-file "$BATS_TEST_TMPDIR/pw" "$BATS_TEST_TMPDIR/altered.jks"
	[[ "$stderr" == *"integrity check failed"* ]]
	# Truncated: the certificates before the damage, then an error; the next file goes on.
	run -3 --separate-stderr cert-read "$J/truncated.jks" "$R/root.pem"
	[ "$(printf '%s\n' "$output" | jq -r .kind | tr '\n' ' ')" = "cert error cert " ]
	[[ "$stderr" == *"'$J/truncated.jks': Java KeyStore entry 2 of 2: truncated or malformed"* ]]
	run -3 --separate-stderr cert-read "$J/empty.jks"
	[[ "$stderr" == *"Java KeyStore with no certificate"* ]]
	# A PKCS#12 truststore as keytool writes it: with its password.
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/pw" "$J/trust-p12.p12"
	[ "${#lines[@]}" -eq 2 ]
}

@test "man cert-read: the Java truststore EXAMPLE" {
	cd "$BATS_TEST_TMPDIR"
	cp "$FIX/read/jks/trust.jks" cacerts
	echo changeit >changeit.txt
	run -0 bash -c "cert-read --password-file changeit.txt cacerts | jq -r '[.source.alias, .subject.dn] | @tsv'"
	[ "${lines[1]}" = "example root	CN=Example Root CA,O=Example Corp,C=US" ]
}

@test "cert-read: Debian's Java truststore /etc/ssl/certs/java/cacerts" {
	[ -f /etc/ssl/certs/java/cacerts ] || skip "no /etc/ssl/certs/java/cacerts (ca-certificates-java)"
	run -0 --separate-stderr cert-read /etc/ssl/certs/java/cacerts
	[ "${#lines[@]}" -gt 50 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind != "cert" or .ca != true or (.source.alias | length) == 0)' | wc -l)" -eq 0 ]
}
