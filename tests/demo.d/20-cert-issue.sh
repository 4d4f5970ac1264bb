#!/bin/sh
# Demo stage 20: a lab CA for AMT with cert-issue: root and issuing CA under
# the AMT policy, a web server certificate for an AMT computer, a request
# held for approval, a revocation and the CRL, all checked by openssl.
set -eu
export CERTKIT_NOW="${CERTKIT_NOW:-2026-06-01T00:00:00Z}"
d="$DEMO/issue"
mkdir -p "$d"
cd "$d"
cert-issue init --dir root --subject 'CN=Lab AMT Root,O=Contoso' --policy amt >/dev/null
cert-issue init --dir ca --parent root --subject 'CN=Lab AMT Issuing CA,O=Contoso' --policy amt \
	--crl-url http://pki.corp.example.com/lab.crl >/dev/null
echo "# stage 20: --policy amt refuses a 4096-bit CA key:"
cert-issue init --dir big --subject 'CN=Too Big' --bits 4096 --policy amt 2>&1 >/dev/null | sed 's/^/#   /' || true
openssl req -new -key "$DEMO/pki/amt01.key" -subj /CN=amt01.corp.example.com -out amt01.csr 2>/dev/null
cert-issue sign --dir ca --template amt-web-server --csr amt01.csr --requester 'CORP\SITESRV01$' >amt01.json
jq -r .pem amt01.json >amt01.pem
cat root/ca.pem ca/ca.pem >anchors.pem
at=$(date -d 2026-06-02T00:00:00Z +%s)
openssl verify -attime "$at" -CAfile anchors.pem amt01.pem | sed 's/^/# stage 20: openssl verify: /'
cert-issue revoke --dir ca --reason superseded "$(jq -r .serial amt01.json)" >/dev/null
cert-issue crl --dir ca >lab.crl
openssl verify -attime "$at" -crl_check -CRLfile lab.crl -CAfile anchors.pem amt01.pem 2>&1 |
	grep -m 1 revoked | sed 's/^/# stage 20: after revocation: /'
cert-issue list --dir ca --format text | sed 's/^/#   /'
echo "# stage 20: lab CA in $d (ledger: $d/ca/ledger.db)"
