#!/bin/sh
# Benchmark: cert-ad reading N certificate templates (default 1100, so the
# paged-results control is exercised: AD and Samba return 1000 per page)
# from a Samba AD DC on loopback (tests/harness/samba.sh), against what an
# administrator would otherwise run: ldapsearch of the same objects with
# paging and the SD_FLAGS control, which only dumps base64 (no decoding of
# flags, periods or ACLs, no name resolution).  Prints both times and the
# ratio, and checks that cert-ad saw all N templates.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${CK_BENCH_AD_TEMPLATES:-1100}
# shellcheck source=/dev/null
. "$top/tests/harness/samba.sh"
command -v samba >/dev/null 2>&1 || { echo "cert-ad: skipped (samba not installed)"; exit 0; }
samba_start || { echo "cert-ad: skipped (the harness DC did not start)"; exit 0; }
trap samba_stop EXIT
dir="$BENCH/ad"
mkdir -p "$dir"
awk -v N="$N" -v B="$SAMBA_TEMPLATES_DN" 'BEGIN {
	for (i = 0; i < N; i++) {
		printf "dn: CN=Bench%05d,%s\nobjectClass: pKICertificateTemplate\ncn: Bench%05d\n", i, B, i
		printf "displayName: Bench template %d\nflags: 131648\nrevision: 100\n", i
		printf "msPKI-Template-Schema-Version: 2\nmsPKI-Certificate-Name-Flag: %d\n", (i % 2) ? 1 : -2147483648
		printf "msPKI-Enrollment-Flag: %d\nmsPKI-Private-Key-Flag: 16\nmsPKI-RA-Signature: 0\n", (i % 5) ? 0 : 2
		printf "msPKI-Minimal-Key-Size: 2048\nmsPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.7.%d\n", i
		printf "pKIKeyUsage:: oA==\npKIExpirationPeriod:: AEA5hy7h/v8=\npKIOverlapPeriod:: AICmCv/e//8=\n"
		printf "pKIExtendedKeyUsage: 1.3.6.1.5.5.7.3.1\npKIExtendedKeyUsage: 1.3.6.1.5.5.7.3.2\n\n"
	}
}' >"$dir/templates.ldif"
t0=$(date +%s.%N)
samba_ldapadd "$dir/templates.ldif" || { echo "cert-ad: loading templates failed"; exit 1; }
t1=$(date +%s.%N)
echo "loaded $N templates in $(echo "$t1 - $t0" | bc) s"
ad() {
	cert-ad --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --what templates
}
peer() {
	LDAPTLS_CACERT="$SAMBA_CACERT" ldapsearch -LLL -x -H "$SAMBA_LDAPS_URI" -D "$SAMBA_ADMIN_DN" \
		-y "$SAMBA_PWFILE" -E pr=1000/noprompt -E '1.2.840.113556.1.4.801=::MAMCAQc=' \
		-b "$SAMBA_TEMPLATES_DN" -s one '(objectClass=pKICertificateTemplate)' '*' nTSecurityDescriptor
}
# Warm up (caches on the DC), then three timed runs each; best of three.
ad >/dev/null
peer >/dev/null
best() { sort -n | head -n 1; }
ta=$(for _ in 1 2 3; do s=$(date +%s.%N); ad >"$dir/ad.jsonl"; e=$(date +%s.%N); echo "$e - $s" | bc; done | best)
tp=$(for _ in 1 2 3; do s=$(date +%s.%N); peer >"$dir/peer.ldif"; e=$(date +%s.%N); echo "$e - $s" | bc; done | best)
na=$(grep -c '"kind":"template"' "$dir/ad.jsonl")
np=$(grep -c '^dn: ' "$dir/peer.ldif")
echo "cert-ad --what templates: $ta s for $na templates (decoded flags, periods, ACLs with names)"
echo "ldapsearch -E pr=1000 + SD_FLAGS: $tp s for $np entries (raw LDIF, nothing decoded)"
echo "ratio cert-ad/ldapsearch: $(echo "scale=2; $ta / $tp" | bc)"
[ "$na" -ge "$N" ] || echo "cert-ad: only $na of $N templates: paging broken"
