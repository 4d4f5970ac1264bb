#!/bin/sh
# Benchmark: cert-chain completing chains over a WAN-like link.
#
# $N leaves (default 1000) under 50 intermediates that only AIA reaches:
# each leaf names its issuer at a URL of its own host (127.1.y.z:PORT, one
# endpoint per leaf, so 1000 distinct URLs), served by nginx behind the
# loopback proxy of cert-read-net.sh (delayproxy.c: 25 ms each way, 50 ms
# round trip).  With --crl-check each leaf's CRL comes from its own URL too.
# Before: CERTKIT_NET_ENGINE=0, one URL at a time per worker thread
# (libcurl), at the default --jobs (the CPUs) and at --jobs 256, its
# maximum.  After: the prefetch through the event-driven engine (its
# default, 1024 connections at once, and --jobs 256).  Prints wall time
# and peak RSS, and checks that the outputs are the same.  Not a test:
# nothing fails on speed.
#
# N=... changes the leaf count.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir="$BENCH/cert-chain-net"
mkdir -p "$dir/www"
N=${N:-1000}
K=50

# shellcheck source=tests/bench/ports.inc
. "$here/ports.inc"
net_prereqs cert-chain-net "$dir" || exit 0
if ! python3 -c 'import cryptography' 2>/dev/null; then
	echo "cert-chain-net bench: needs python3-cryptography"
	exit 0
fi

BACK=$(free_port)
P=$(free_port)

# The PKI: the committed test root and keys, fixed dates; leaf i is issued
# by intermediate i % K and points at http://127.1.y.z:P/iK.der (and .crl).
echo "generating $N leaves under $K intermediates..."
python3 - "$top/tests/fixtures/chain/pki" "$dir" "$N" "$K" "$P" <<'PY' || exit 0
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID, AuthorityInformationAccessOID

pki, out, n, k, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
load = lambda f: open(f"{pki}/{f}", "rb").read()
root = x509.load_pem_x509_certificate(load("root.pem"))
root_key = serialization.load_pem_private_key(load("root.key"), None)
ikey = serialization.load_pem_private_key(load("k2048b.key"), None)
lkey = serialization.load_pem_private_key(load("k2048c.key"), None)
t0, t1 = datetime.datetime(2020, 1, 1), datetime.datetime(2044, 1, 1)
name = lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
def host(i):
    return f"127.1.{i // 256}.{i % 256}:{port}"
inters = []
for j in range(k):
    c = (x509.CertificateBuilder().subject_name(name(f"Bench Issuing CA {j}"))
         .issuer_name(root.subject).public_key(ikey.public_key())
         .serial_number(1000 + j).not_valid_before(t0).not_valid_after(t1)
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(ikey.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
         .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
             [x509.UniformResourceIdentifier(f"http://127.0.0.1:{port}/root.crl")], None, None, None)]), critical=False)
         .sign(root_key, hashes.SHA256()))
    inters.append(c)
    open(f"{out}/www/i{j}.der", "wb").write(c.public_bytes(serialization.Encoding.DER))
    crl = (x509.CertificateRevocationListBuilder().issuer_name(c.subject)
           .last_update(datetime.datetime(2026, 1, 1)).next_update(datetime.datetime(2030, 1, 1))
           .add_extension(x509.CRLNumber(1), critical=False)
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ikey.public_key()), critical=False)
           .sign(ikey, hashes.SHA256()))
    open(f"{out}/www/i{j}.crl", "wb").write(crl.public_bytes(serialization.Encoding.DER))
rcrl = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
        .last_update(datetime.datetime(2026, 1, 1)).next_update(datetime.datetime(2030, 1, 1))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256()))
open(f"{out}/www/root.crl", "wb").write(rcrl.public_bytes(serialization.Encoding.DER))
with open(f"{out}/leaves.pem", "wb") as f:
    for i in range(1, n + 1):
        j = i % k
        u = f"http://{host(i)}/i{j}"
        c = (x509.CertificateBuilder().subject_name(name(f"leaf{i}.bench.example"))
             .issuer_name(inters[j].subject).public_key(lkey.public_key())
             .serial_number(100000 + i).not_valid_before(t0).not_valid_after(t1)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.SubjectAlternativeName([x509.DNSName(f"leaf{i}.bench.example")]), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ikey.public_key()), critical=False)
             .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                 AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(u + ".der"))]), critical=False)
             .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                 [x509.UniformResourceIdentifier(u + ".crl")], None, None, None)]), critical=False)
             .sign(ikey, hashes.SHA256()))
        f.write(c.public_bytes(serialization.Encoding.PEM))
PY
cp "$top/tests/fixtures/chain/pki/root.pem" "$dir/root.pem"
# Records on stdin, one candidate per leaf (the way a pipeline feeds it).
cert-read "$dir/leaves.pem" | jq -c '.source.uri = "leaf" + (.source.index | tostring) | .source.index = 0' \
	>"$dir/leaves.jsonl"

mkdir -p "$dir/nginx/logs"
cat >"$dir/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 30000;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log;
events { worker_connections 20000; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$BACK backlog=4096;
		root $dir/www;
	}
}
EOF
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done' EXIT INT TERM
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/logs/error.log" &
pids="$pids $!"
"$dir/delayproxy" "$P" "$BACK" 25 0 &
pids="$pids $!"
if ! wait_port "$BACK" || ! wait_port "$P"; then
	echo "cert-chain-net bench: nginx or the proxy did not start"
	exit 0
fi

# measure LABEL CMD...: wall seconds and peak RSS of CMD (GNU time).
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$dir/time" "$@" <"$dir/leaves.jsonl" >"$dir/out" 2>/dev/null
	read -r wall rss <<EOF
$(tail -n 1 "$dir/time")
EOF
	ok=$(grep -c '"status":"ok"' "$dir/out")
	printf '%-52s %7.2f s  %6d MB peak RSS  (%s of %s chains ok)\n' \
		"$label" "$wall" "$((rss / 1024))" "$ok" "$N"
	LAST=$wall
}

# same: the last output is the engine's, or differs only in the source URL
# recorded for an intermediate several URLs give (a race between threads
# without the engine; the engine keeps the input order).
same() {
	if cmp -s "$dir/out" "$dir/out.after"; then
		return 0
	fi
	if [ "$(jq -c 'del(.certs[].source)' "$dir/out" | cksum)" = "$(jq -c 'del(.certs[].source)' "$dir/out.after" | cksum)" ]; then
		echo "   (the same chains; the source URL of some intermediates differs: which of its URLs a thread fetched first)"
	else
		echo "   (outputs differ!)"
	fi
}

export CERTKIT_NOW=2027-01-01T00:00:00Z
for mode in aia crl; do
	if [ $mode = aia ]; then
		echo "-- $N chains, issuers by AIA only ($N URLs), 50 ms RTT"
		set -- --roots "$dir/root.pem"
	else
		echo "-- the same with --crl-check ($N more URLs: each leaf's CRL; one root CRL)"
		set -- --crl-check --roots "$dir/root.pem"
	fi
	measure "after: the engine (default: 1024 URLs at once)" cert-chain "$@"
	after=$LAST
	cp "$dir/out" "$dir/out.after"
	measure "after: the engine, --jobs 256" cert-chain --jobs 256 "$@"
	same
	measure "before: CERTKIT_NET_ENGINE=0 (--jobs = CPUs)" env CERTKIT_NET_ENGINE=0 cert-chain "$@"
	before=$LAST
	same
	measure "before: CERTKIT_NET_ENGINE=0 --jobs 256 (old max)" env CERTKIT_NET_ENGINE=0 cert-chain --jobs 256 "$@"
	same
	awk -v a="$after" -v b="$before" 'BEGIN { if (a > 0) printf "   the engine vs before at the defaults: %.1fx faster\n", b / a }'
done
