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
here=$(cd "$(dirname "$0")" && pwd)
if ! /usr/bin/python3 "$here/mkbundle.py" "$dir/bundle.pem" "$N" --files "$dir/files" "$LOOP"
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
