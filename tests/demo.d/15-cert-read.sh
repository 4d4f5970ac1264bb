#!/bin/sh
# Demo stage 15: cert-read on the sample PKI.
set -eu
cd "$DEMO/pki"
echo
echo "## cert-read chain.pem   (JSON Lines, one cert record per certificate; fields abridged with jq)"
cert-read chain.pem | jq -c '{subject: .subject.dn, key: .key, ca, amt, not_after}'
echo
echo "## cert-read --format text .   (every certificate in the directory)"
cert-read --format text .
echo
echo "## which CA keys are larger than 2048 bits? (AMT cannot use them)"
cert-read . | jq -r 'select(.ca and .key.alg == "rsa" and .key.bits > 2048) | "\(.subject.dn): RSA \(.key.bits)"'
