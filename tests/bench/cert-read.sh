#!/bin/sh
# Benchmark: reading a 10 000-certificate bundle into structured output.
#   cert-read                    (certkit: JSON Lines, every field, with pem)
#   certtool -i                  (GnuTLS: what an admin runs to see certificates)
#   openssl storeutl -text       (OpenSSL: every certificate of a file, decoded)
# Prints each time (best of 3), certificates per second, and the ratios.
set -u
N=${CK_BENCH_CERTS:-10000}
here=$(cd "$(dirname "$0")" && pwd)
dir="$BENCH/cert-read"
mkdir -p "$dir"
if ! /usr/bin/python3 "$here/mkbundle.py" "$dir/bundle.pem" "$N"; then
	echo "cert-read bench: needs python3-cryptography"
	exit 0
fi
now() { date +%s.%N; }
# best CMD...: the best wall time of 3 runs, in seconds.
best() {
	b=""
	for _ in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null 2>&1
		t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
		if [ -z "$b" ] || awk -v x="$t" -v y="$b" 'BEGIN { exit !(x < y) }'; then b=$t; fi
	done
	echo "$b"
}
n=$(cert-read --no-pem "$dir/bundle.pem" | grep -c '"kind":"cert"')
echo "bundle: $n certificates"
ck=$(best cert-read "$dir/bundle.pem")
echo "cert-read:              $ck s  ($(awk -v n="$n" -v t="$ck" 'BEGIN { printf "%d", n / t }') certificates/s)"
cknp=$(best cert-read --no-pem "$dir/bundle.pem")
echo "cert-read --no-pem:     $cknp s  ($(awk -v n="$n" -v t="$cknp" 'BEGIN { printf "%d", n / t }') certificates/s)"
if command -v certtool >/dev/null 2>&1; then
	ct=$(best certtool -i --infile "$dir/bundle.pem")
	echo "certtool -i:            $ct s  -> cert-read is $(awk -v a="$ct" -v b="$ck" 'BEGIN { printf "%.1f", a / b }')x faster"
fi
os=$(best openssl storeutl -noout -text "$dir/bundle.pem")
echo "openssl storeutl -text: $os s  -> cert-read is $(awk -v a="$os" -v b="$ck" 'BEGIN { printf "%.1f", a / b }')x faster"
