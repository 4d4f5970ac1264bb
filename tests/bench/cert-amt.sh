#!/bin/sh
# Benchmark: discovering AMT devices on 1 000 loopback endpoints (the
# firmware stand-in tests/harness/amt_device.py on 127.78.1.1-127.78.4.232,
# two processes: HTTP with the AMT Server header, TLS with a real chain).
#   cert-amt discover            (certkit: HTTP header + TLS chain of every host,
#                                 records in input order)
#   openssl s_client loop        (what an admin scripts: one process per host,
#                                 the chain only, no version)
#   nmap --script +ssl-cert      (the TLS port's certificate of every host; "+"
#                                 runs it on a port nmap does not know as TLS)
# The s_client loop runs on the first 100 hosts and is scaled to 1 000 (it
# is linear: one host after the other); CK_BENCH_FULL=1 runs all 1 000.
# nmap scans in parallel itself and gets all 1 000; it is compared with
# cert-amt on the TLS port only (the same work: one handshake per host).
# Prints each time and the ratios.  Not a test: it never fails on speed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fix="$top/tests/fixtures/amt"
dir="$BENCH/cert-amt"
mkdir -p "$dir"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port)
tls=$(port)
python3 "$top/tests/harness/amt_device.py" --addresses 127.78.1.1-127.78.4.232 --http-port "$http" \
	--tls-port "$tls" --rmcp-port 0 --cert "$fix/web.pem" --key "$fix/web.key" --workers 2 \
	--ready "$dir/ready" >/dev/null 2>&1 &
dev=$!
trap 'kill $dev 2>/dev/null' EXIT
i=0
while [ ! -f "$dir/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$dir/ready" ] || { echo "cert-amt bench: the stand-in did not start"; exit 0; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

t0=$(now)
cert-amt discover --ports "$http,$tls/tls" --timeout 10 127.78.1.1-127.78.4.232 >"$dir/out.jsonl"
ck=$(since "$t0")
found=$(grep -c '"kind":"amt"' "$dir/out.jsonl")
certs=$(grep -c '"kind":"cert"' "$dir/out.jsonl")
echo "cert-amt discover, 1000 hosts:       $ck s  ($found AMT hosts, $certs certificates)"
t0=$(now)
cert-amt discover --ports "$tls/tls" --timeout 10 127.78.1.1-127.78.4.232 >"$dir/out-tls.jsonl"
ckt=$(since "$t0")
echo "cert-amt discover, TLS port only:     $ckt s  ($(grep -c '"kind":"cert"' "$dir/out-tls.jsonl") certificates)"

n=100
[ "${CK_BENCH_FULL:-0}" = 1 ] && n=1000
hosts=$(python3 -c "import ipaddress as i; a=int(i.IPv4Address('127.78.1.1')); print(' '.join(str(i.IPv4Address(a+k)) for k in range($n)))")
t0=$(now)
for h in $hosts; do
	openssl s_client -connect "$h:$tls" -showcerts </dev/null >/dev/null 2>&1
done
os=$(awk -v t="$(since "$t0")" -v n="$n" 'BEGIN { printf "%.1f", t * 1000 / n }')
echo "openssl s_client loop (x$((1000 / n))):    $os s  -> cert-amt is $(awk -v a="$os" -v b="$ck" 'BEGIN { printf "%.0f", a / b }')x faster"

if command -v nmap >/dev/null 2>&1; then
	t0=$(now)
	nmap -Pn -n -p "$tls" --script +ssl-cert 127.78.1.1-255 127.78.2.0-255 127.78.3.0-255 \
		127.78.4.0-232 >"$dir/nmap.txt" 2>&1
	nm=$(since "$t0")
	echo "nmap --script +ssl-cert, 1000 hosts: $nm s  ($(grep -c 'ssl-cert: Subject' "$dir/nmap.txt") certificates) -> cert-amt (TLS only) is $(awk -v a="$nm" -v b="$ckt" 'BEGIN { printf "%.1f", a / b }')x faster"
else
	echo "nmap: not installed (apt-get install nmap)"
fi
