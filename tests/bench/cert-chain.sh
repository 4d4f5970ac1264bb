#!/bin/sh
# cert-chain benchmark: 10 000 leaves sharing one intermediate, validated by
# cert-chain and by `openssl verify -policy_check -policy anyPolicy -CAfile -untrusted`
# (cert-chain always processes certificate policies, RFC 5280 6.1) on the same files
# (one openssl process for all of them, its fastest use), ratio printed.
# Uses $BENCH (temp dir) and $CK_BIN; N=... overrides the count.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-10000}
d=$BENCH/chain
mkdir -p "$d/leaves" "$d/new"
cd "$d"
# shellcheck source=tests/fixtures/pki.sh
. "$top/tests/fixtures/pki.sh"
cp "$top/tests/fixtures/chain/pki/root.pem" "$top/tests/fixtures/chain/pki/root.key" .
cp "$top/tests/fixtures/chain/pki/k2048b.key" int.key
pki_cert int "/O=certkit bench/CN=Bench Issuing CA" root x 20200101000000Z 20440101000000Z "$pki_ca_exts"
cp "$top/tests/fixtures/chain/pki/k2048c.key" leaf.key
openssl req -new -key leaf.key -subj "/CN=amt.bench.example" -out leaf.csr 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:amt.bench.example\n' >leaf.ext
: >index.txt
echo 1000 >serial
cat >ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
policy = p
unique_subject = no
default_md = sha256
[p]
CNF
# One openssl process signs every leaf (same request, a new serial each).
i=0
: >csrs
while [ $i -lt "$N" ]; do echo leaf.csr; i=$((i + 1)); done >csrs
echo "generating $N leaves..."
# shellcheck disable=SC2046
openssl ca -batch -config ca.cnf -cert int.pem -keyfile int.key -startdate 20250101000000Z \
	-enddate 20400101000000Z -extfile leaf.ext -notext -out all.pem -infiles $(cat csrs) 2>/dev/null
mv new/*.pem leaves/
find leaves -name '*.pem' | wc -l | sed 's/^/leaves: /'

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l 2>/dev/null || awk "BEGIN{print $2 - $1}"; }

t0=$(now)
openssl verify -attime 1780272000 -policy_check -policy 2.5.29.32.0 -CAfile root.pem -untrusted int.pem leaves/*.pem >ossl.out 2>&1 || true
t1=$(now)
CERTKIT_NOW=2026-06-01T00:00:00Z "$CK_BIN/cert-chain" --no-fetch --roots root.pem --untrusted int.pem leaves/*.pem >chain.out
t2=$(now)
CERTKIT_NOW=2026-06-01T00:00:00Z "$CK_BIN/cert-chain" --jobs 1 --no-fetch --roots root.pem --untrusted int.pem leaves/*.pem >chain1.out
t3=$(now)
ok_ossl=$(grep -c ': OK$' ossl.out || true)
ok_chain=$(grep -c '"status":"ok"' chain.out || true)
to=$(elapsed "$t0" "$t1")
tc=$(elapsed "$t1" "$t2")
tc1=$(elapsed "$t2" "$t3")
printf 'openssl verify          %8.3f s  (%s OK)\n' "$to" "$ok_ossl"
printf 'cert-chain (all cores)  %8.3f s  (%s ok)\n' "$tc" "$ok_chain"
printf 'cert-chain --jobs 1     %8.3f s\n' "$tc1"
awk -v a="$to" -v b="$tc" -v c="$tc1" 'BEGIN { printf "ratio openssl/cert-chain: %.1fx (all cores), %.1fx (one core)\n", a / b, a / c }'
# CPU time too: on a busy machine wall time says more about the neighbours.
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%U %S' -o cpu.ossl openssl verify -attime 1780272000 -policy_check -policy 2.5.29.32.0 -CAfile root.pem \
		-untrusted int.pem leaves/*.pem >/dev/null 2>&1 || true
	CERTKIT_NOW=2026-06-01T00:00:00Z /usr/bin/time -f '%U %S' -o cpu.chain "$CK_BIN/cert-chain" \
		--no-fetch --roots root.pem --untrusted int.pem leaves/*.pem >/dev/null
	paste cpu.ossl cpu.chain | awk '{ o = $1 + $2; c = $3 + $4;
		printf "cpu time: openssl %.2f s, cert-chain %.2f s (ratio %.1fx)\n", o, c, o / c }'
fi
