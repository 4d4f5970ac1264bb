#!/bin/sh
# Demo stage 30: cert-chain on the sample PKI: the AMT chain validates, the
# same chain under a 4096-bit root is refused (AMT firmware cannot use CA
# keys above 2048 bits), and the policy is versioned.
set -eu
export CERTKIT_NOW="${CERTKIT_NOW:-2026-06-01T00:00:00Z}"
top=$(cd "$(dirname "$0")/../.." && pwd)
export CERTKIT_DATADIR="${CERTKIT_DATADIR:-$top}"
# Files of this stage go to $DEMO/chain; $DEMO/pki stays as stage 10 made it.
mkdir -p "$DEMO/chain"
cp "$DEMO/pki/"*.pem "$DEMO/pki/issuing.key" "$DEMO/pki/bigroot.key" "$DEMO/chain/"
cd "$DEMO/chain"
echo
echo "## cert-chain --roots root.pem --policy amt --amt-version 11 --format text chain.pem"
cert-chain --roots root.pem --policy amt --amt-version 11 --purpose server --format text chain.pem || true

# The same leaf and intermediate, with the intermediate cross-signed by the
# 4096-bit root (same subject and key), and only that root trusted.
# shellcheck source=tests/fixtures/pki.sh
. "$top/tests/fixtures/pki.sh"
cp issuing.key issuing-cross.key
pki_cert issuing-cross "/DC=example/DC=corp/CN=Contoso Issuing CA" bigroot x \
	20250101000000Z 20300101000000Z \
	"basicConstraints=critical,CA:TRUE,pathlen:0;keyUsage=critical,keyCertSign,cRLSign;subjectKeyIdentifier=hash;authorityKeyIdentifier=keyid:always"
cat provisioning.pem issuing-cross.pem >chain-bigroot.pem
echo
echo "## the same chain under the 4096-bit root: --policy amt --amt-version 11"
cert-chain --roots bigroot.pem --policy amt --amt-version 11 --format text chain-bigroot.pem || true
echo
echo "## and as JSON, only the findings"
cert-chain --roots bigroot.pem --policy amt --amt-version 11 chain-bigroot.pem |
	jq -c '.findings[] | {rule, severity, subject}' || true
echo
echo "## every version of the AMT policy on the good chain (exit status per version)"
for v in 3.2.1 11 16 22; do
	rc=0
	cert-chain --roots root.pem --policy amt --amt-version "$v" chain.pem >/dev/null || rc=$?
	echo "#   AMT $v: exit $rc"
done
