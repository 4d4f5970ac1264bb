#!/bin/sh
# Demo stage 85: cert-amt, the device side.  No AMT firmware runs here:
# the Hello message is the real 807-byte one a device sent (published in
# MeshCentral's source, committed as tests/fixtures/amt/hello-real.bin), a
# second one is made by tests/harness/amt_hello.py listing the demo's own
# root, and the devices that discover finds are tests/harness/amt_device.py,
# a stand-in for firmware on 127.0.2.1-3 (the documented RMCP pong and
# Server header, the demo's amt01 certificate on TLS).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fix="$top/tests/fixtures/amt"
dir="$DEMO/amt"
mkdir -p "$dir"
cd "$dir" || exit 1
cp "$fix/hello-real.bin" hello.bin
cp "$DEMO/pki/chain.pem" provisioning-chain.pem
python3 "$top/tests/harness/amt_hello.py" write lab --root "$DEMO/pki/root.pem" >hello-lab.bin

echo "## cert-amt hello: a device's Hello message (captured), and our provisioning chain"
echo "\$ cert-amt hello --decode hello.bin --provisioning-chain provisioning-chain.pem --format text"
cert-amt hello --decode hello.bin --provisioning-chain provisioning-chain.pem --format text
echo "(exit $?: the device does not trust the Contoso root; it would refuse to be provisioned)"
echo "\$ cert-amt roots --hello hello.bin --roots /etc/ssl/certs/ca-certificates.crt --format text | grep -v '^-'"
cert-amt roots --hello hello.bin --roots /etc/ssl/certs/ca-certificates.crt --format text | grep -v '^-'
echo "(the public roots this device accepts: buy the provisioning certificate under one of them)"
echo "## a device whose firmware lists the Contoso root (hash added in MEBx):"
echo "\$ cert-amt hello --decode hello-lab.bin --provisioning-chain provisioning-chain.pem --format text"
cert-amt hello --decode hello-lab.bin --provisioning-chain provisioning-chain.pem --format text
echo "(exit $?)"

# The firmware stand-in, on ports of its own so nothing of the machine's is touched.
http=26992 tls=26993 rmcp=26623
cat "$DEMO/pki/amt01.pem" "$DEMO/pki/issuing.pem" "$DEMO/pki/root.pem" >amt01-chain.pem
python3 "$top/tests/harness/amt_device.py" --addresses 127.0.2.1-127.0.2.2 --http-port $http \
	--tls-port $tls --rmcp-port $rmcp --cert amt01-chain.pem --key "$DEMO/pki/amt01.key" \
	--version 7.1.91 --state in --ready ready1 >/dev/null 2>&1 &
d1=$!
python3 "$top/tests/harness/amt_device.py" --addresses 127.0.2.3 --http-port $http --tls-port $tls \
	--rmcp-port $rmcp --cert amt01-chain.pem --key "$DEMO/pki/amt01.key" --version 3.2.0 \
	--state pre --ready ready2 >/dev/null 2>&1 &
d2=$!
i=0
while { [ ! -f ready1 ] || [ ! -f ready2 ]; } && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "## cert-amt discover: which hosts run AMT (firmware stand-ins on 127.0.2.1-3)"
echo "\$ cert-amt discover --rmcp --ports $http,$tls/tls --rmcp-port $rmcp --all --format text 127.0.2.1-4"
cert-amt discover --rmcp --ports $http,$tls/tls --rmcp-port $rmcp --all --format text --timeout 2 127.0.2.1-4
echo "(exit $?: 127.0.2.3 runs AMT 3.2.0, below ConfigMgr 2007's 3.2.1; 127.0.2.4 does not answer)"
echo "\$ cert-amt discover --ports $http,$tls/tls 127.0.2.1-3 | cert-chain --policy amt --roots root.pem | cert-expiry --warn 30 --crit 7 --format nagios"
cert-amt discover --ports $http,$tls/tls --timeout 2 127.0.2.1-3 >devices.jsonl
cert-chain --policy amt --roots "$DEMO/pki/root.pem" devices.jsonl 2>/dev/null |
	cert-expiry --warn 30 --crit 7 --format nagios
echo "(exit $?)"
kill "$d1" "$d2" 2>/dev/null
exit 0
