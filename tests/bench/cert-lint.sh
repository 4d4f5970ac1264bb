#!/bin/sh
# Benchmark: lint a 10 000-certificate bundle against RFC 5280.
#   cert-read bundle | cert-lint --profile rfc5280   (certkit, whole pipeline and lint alone)
#   certtool -i                                      (GnuTLS: prints each certificate for a person to read)
#   openssl x509 -noout -text per file               (the usual loop; timed on 200 files, extrapolated)
# zlint, the structural linter an admin might otherwise use, is not packaged in Debian.
# Needs python3-cryptography to make the bundle quickly.
set -u
N=${CK_BENCH_CERTS:-10000}
LOOP=200
dir="$BENCH/cert-lint"
mkdir -p "$dir/files"
here=$(cd "$(dirname "$0")" && pwd)
if ! /usr/bin/python3 "$here/mkbundle.py" "$dir/bundle.pem" "$N" --files "$dir/files" "$LOOP" --flawed 3
then
	echo "cert-lint bench: needs python3 with cryptography (apt-get install python3-cryptography)"
	exit 0
fi
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

t=$(now)
cert-read "$dir/bundle.pem" | cert-lint --profile rfc5280 >"$dir/lint.jsonl"
pipe=$(since "$t")
cert-read "$dir/bundle.pem" >"$dir/records.jsonl"
t=$(now)
cert-lint --profile rfc5280 "$dir/records.jsonl" >/dev/null
lint=$(since "$t")
echo "cert-read | cert-lint --profile rfc5280, $N certificates: $pipe s (cert-lint alone: $lint s)"
echo "  findings: $(jq -r '.findings[]?.rule' "$dir/lint.jsonl" | sort | uniq -c | tr -s ' ' | paste -sd, -)"

if command -v certtool >/dev/null 2>&1; then
	t=$(now)
	certtool -i --infile "$dir/bundle.pem" >/dev/null 2>&1
	gt=$(since "$t")
	echo "certtool -i, $N certificates: $gt s  (cert-read | cert-lint is $(ratio "$gt" "$pipe")x faster)"
else
	echo "certtool not installed (apt-get install gnutls-bin)"
fi

t=$(now)
for f in "$dir"/files/*.pem; do
	openssl x509 -noout -text -in "$f" >/dev/null 2>&1
done
ol=$(since "$t")
ox=$(awk -v a="$ol" -v n="$N" -v l="$LOOP" 'BEGIN { printf "%.1f", a * n / l }')
echo "openssl x509 -noout -text loop: $ol s for $LOOP files, $ox s extrapolated to $N  (cert-read | cert-lint is $(ratio "$ox" "$pipe")x faster)"
