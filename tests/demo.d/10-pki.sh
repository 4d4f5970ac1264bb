#!/bin/sh
# Demo stage 10: a small sample PKI with an AMT-style chain, built with
# cert-issue (CA directories and their ledgers in $DEMO/ca), copied to
# $DEMO/pki under the names the later stages use:
#   root.pem        Contoso Root CA (RSA 2048)
#   issuing.pem     Contoso Issuing CA (RSA 2048, path length 0), signed by the root
#   provisioning.pem the out of band service point's AMT provisioning
#                   certificate (Server Authentication + 2.16.840.1.113741.1.2.3)
#   amt01.pem       an AMT web server certificate for amt01.corp.example.com
#   chain.pem       provisioning + issuing + root, leaf first
#   bigroot.pem     a 4096-bit root, which AMT firmware cannot use
# Keys (*.key) stay beside them for later stages.  The leaf keys and their
# requests are made with openssl; every certificate is signed by cert-issue.
set -eu
export CERTKIT_NOW="${CERTKIT_NOW:-2026-06-01T00:00:00Z}"
ca="$DEMO/ca"
pki="$DEMO/pki"
mkdir -p "$ca" "$pki"
cd "$ca"

# The CAs: --policy amt refuses keys AMT cannot use; the 4096-bit root is
# made without it, on purpose.
cert-issue init --dir root --policy amt --subject '/DC=example/DC=corp/CN=Contoso Root CA' \
	--not-before 2025-01-01T00:00:00Z --not-after 2035-01-01T00:00:00Z >/dev/null
cert-issue init --dir issuing --parent root --policy amt --path-len 0 \
	--subject '/DC=example/DC=corp/CN=Contoso Issuing CA' \
	--not-before 2025-01-01T00:00:00Z --not-after 2030-01-01T00:00:00Z >/dev/null
cert-issue init --dir bigroot --bits 4096 --subject '/DC=example/DC=corp/CN=Contoso Root CA 2024' \
	--not-before 2024-01-01T00:00:00Z --not-after 2044-01-01T00:00:00Z >/dev/null

# The provisioning certificate: the template builds the subject from the
# directory, so subject and name are given here, as AD would supply them.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out provisioning.key 2>/dev/null
openssl req -new -key provisioning.key -subj /CN=sccm01.corp.example.com -out provisioning.csr
cert-issue sign --dir issuing --template amt-provisioning --csr provisioning.csr \
	--requester 'CORP\SCCM01$' \
	--subject '/O=Contoso/OU=Intel(R) Client Setup Certificate/CN=sccm01.corp.example.com' \
	--san dns:sccm01.corp.example.com \
	--not-before 2026-01-01T00:00:00Z --not-after 2027-03-01T00:00:00Z | jq -r .pem >provisioning.pem

# The AMT web server certificate: subject and name come from the request, as
# the site server sends them on behalf of the AMT computer.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out amt01.key 2>/dev/null
openssl req -new -key amt01.key -subj /CN=amt01.corp.example.com \
	-addext subjectAltName=DNS:amt01.corp.example.com -out amt01.csr
cert-issue sign --dir issuing --template amt-web-server --csr amt01.csr \
	--requester 'CORP\SITESRV01$' \
	--not-before 2026-01-01T00:00:00Z --not-after 2026-06-15T00:00:00Z | jq -r .pem >amt01.pem

for n in root issuing bigroot; do
	cp "$n/ca.pem" "$pki/$n.pem"
	cp "$n/ca.key" "$pki/$n.key"
done
for n in provisioning amt01; do
	cp "$n.pem" "$pki/$n.pem"
	cp "$n.key" "$pki/$n.key"
done
cd "$pki"
chmod 600 ./*.key
cat provisioning.pem issuing.pem root.pem >chain.pem
set -- "$pki"/*.pem
echo "# stage 10: sample PKI built with cert-issue: $# certificate files in $pki"
cert-issue list --dir "$ca/issuing" --format text | sed 's/^/#   /'
