#!/bin/sh
# Benchmark: a 10 000-certificate bundle.
#   cert-expiry --format nagios        (certkit)
#   certtool -i                         (GnuTLS, what an admin would run to read dates)
#   openssl x509 -checkend per file     (the usual cron loop; timed on 200 files, extrapolated)
# Needs python3-cryptography to make the bundle quickly (openssl ca takes ~0.1 s a certificate).
set -u
N=${CK_BENCH_CERTS:-10000}
LOOP=200
dir="$BENCH/cert-expiry"
mkdir -p "$dir/files"
if ! python3 - "$dir" "$N" "$LOOP" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
d, n, loop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
key = ec.generate_private_key(ec.SECP256R1())
ca = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench CA")])
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
out = open(d + "/bundle.pem", "wb")
for i in range(n):
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "host%05d.bench.example" % i)]))
            .issuer_name(ca).public_key(key.public_key()).serial_number(i + 1)
            .not_valid_before(t0).not_valid_after(t0 + datetime.timedelta(days=30 + i % 700, seconds=i))
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    out.write(pem)
    if i < loop:
        open("%s/files/%05d.pem" % (d, i), "wb").write(pem)
out.close()
PY
then
	echo "cert-expiry bench: needs python3 with cryptography (apt-get install python3-cryptography)"
	exit 0
fi
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
fmt() { printf '%s' "$1"; }

t=$(now)
CERTKIT_NOW=2026-06-01T00:00:00Z cert-expiry --format nagios "$dir/bundle.pem" >"$dir/nagios.out"
ck=$(since "$t")
echo "cert-expiry --format nagios, $N certificates: $(fmt "$ck") s"
cut -c1-100 "$dir/nagios.out"

if command -v certtool >/dev/null 2>&1; then
	t=$(now)
	certtool -i --infile "$dir/bundle.pem" >/dev/null 2>&1
	gt=$(since "$t")
	echo "certtool -i, $N certificates: $(fmt "$gt") s  (cert-expiry is $(ratio "$gt" "$ck")x faster)"
else
	echo "certtool not installed (apt-get install gnutls-bin)"
fi

t=$(now)
for f in "$dir"/files/*.pem; do
	openssl x509 -checkend 2592000 -noout -in "$f" >/dev/null 2>&1
done
ol=$(since "$t")
ox=$(awk -v a="$ol" -v n="$N" -v l="$LOOP" 'BEGIN { printf "%.1f", a * n / l }')
echo "openssl x509 -checkend loop: $(fmt "$ol") s for $LOOP files, $(fmt "$ox") s extrapolated to $N  (cert-expiry is $(ratio "$ox" "$ck")x faster)"
