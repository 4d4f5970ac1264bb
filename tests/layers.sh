#!/bin/sh
# The include rule of certtool/lib (docs/HACKING.md): each folder is a layer,
# and a file may include headers of its own folder and of lower layers only.
# Folders of the same rank are siblings and do not include each other.
#
#   rank 0  core    errors, records, JSON, clock, numbers, tool helpers, DER
#   rank 1  net     the network: fetch (HTTP, TLS, LDAP URLs), LDAP connect, engine
#   rank 2  x509    certificates, loading, chains, revocation, policies, expiry
#   rank 3  adcs    Active Directory and AD CS: objects, SDs, SIDs, CA config, approval, templates
#   rank 4  lint    rule tables and the linter
#   rank 4  ca      issuance: local CA, ledger, remote enrollment
#   rank 5  oob     the out of band site: prerequisites, AMT devices
#   rank 5  report  HTML rendering of records
# Prints each violation as FILE: includes HEADER (LAYER); exits 1 if any.
set -u
cd "$(dirname "$0")/.." || exit 1
rank() {
	case $1 in
	core) echo 0 ;; net) echo 1 ;; x509) echo 2 ;; adcs) echo 3 ;;
	lint | ca) echo 4 ;; oob | report) echo 5 ;; *) echo 99 ;;
	esac
}
rc=0
for d in certtool/lib/*/; do
	d=${d%/}
	layer=${d##*/}
	r=$(rank "$layer")
	if [ "$r" = 99 ]; then
		echo "layers: $d: a folder with no rank (add it to tests/layers.sh and docs/HACKING.md)"
		rc=1
		continue
	fi
	for f in "$d"/*.[ch]; do
		[ -e "$f" ] || continue
		for h in $(sed -n 's/^#include "\(ck_[a-z0-9_]*\.h\)".*/\1/p' "$f"); do
			hf=$(ls certtool/lib/*/"$h" 2>/dev/null | head -n 1)
			[ -n "$hf" ] || continue
			hl=$(basename "$(dirname "$hf")")
			[ "$hl" = "$layer" ] && continue
			if [ "$(rank "$hl")" -ge "$r" ]; then
				echo "layers: $f: includes $h ($hl, not below $layer)"
				rc=1
			fi
		done
	done
done
exit $rc
