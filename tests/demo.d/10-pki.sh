#!/bin/sh
# Demo stage 10: a small sample PKI with an AMT-style chain, in $DEMO/pki.
#   root.pem        Contoso Root CA (RSA 2048)
#   issuing.pem     Contoso Issuing CA (RSA 2048), signed by the root
#   provisioning.pem the out of band service point's AMT provisioning
#                   certificate (Server Authentication + 2.16.840.1.113741.1.2.3)
#   amt01.pem       an AMT web server certificate for amt01.corp.example.com
#   chain.pem       provisioning + issuing + root, leaf first
#   bigroot.pem     a 4096-bit root, which AMT firmware cannot use
# Keys (*.key) stay beside them for later stages.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/fixtures/pki.sh"
mkdir -p "$DEMO/pki"
cd "$DEMO/pki"
pki_cert root "/DC=example/DC=corp/CN=Contoso Root CA" self rsa:2048 \
	20250101000000Z 20350101000000Z "$pki_ca_exts"
pki_cert issuing "/DC=example/DC=corp/CN=Contoso Issuing CA" root rsa:2048 \
	20250101000000Z 20300101000000Z "$pki_ca_exts;basicConstraints=critical,CA:TRUE,pathlen:0"
pki_cert provisioning "/O=Contoso/OU=Intel(R) Client Setup Certificate/CN=sccm01.corp.example.com" issuing rsa:2048 \
	20260101000000Z 20270301000000Z \
	"$(pki_leaf_exts sccm01.corp.example.com);extendedKeyUsage=serverAuth,2.16.840.1.113741.1.2.3"
pki_cert amt01 "/CN=amt01.corp.example.com" issuing rsa:2048 \
	20260101000000Z 20260615000000Z "$(pki_leaf_exts amt01.corp.example.com)"
pki_cert bigroot "/DC=example/DC=corp/CN=Contoso Root CA 2024" self rsa:4096 \
	20240101000000Z 20440101000000Z "$pki_ca_exts"
cat provisioning.pem issuing.pem root.pem >chain.pem
set -- ./*.pem
echo "# stage 10: sample PKI: $# PEM files in $DEMO/pki"
