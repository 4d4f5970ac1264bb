#!/bin/sh
# Demo stage 85: cert-prereq, the whole prerequisite list against a live
# site: the scenario of tests/fixtures/prereq/site.sh in a Samba AD DC with
# its internal DNS (tests/harness/samba.sh, SAMBA_DNS=1), real listeners on
# the DC's loopback address for the service point and the AMT hosts, and a
# WinRM stand-in (Debian ships no WS-Management server).  First the green
# run, then one broken thing: the AMT web server template set to wait for a
# CA manager (PEND_ALL_REQUESTS).  Without samba (or not as root) the stage
# replays the PKI rows on the committed cert-ad export instead.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir="$DEMO/prereq"
mkdir -p "$dir"
PREREQ_FIX="$top/tests/fixtures/prereq"
export PREREQ_FIX
# shellcheck source=/dev/null
. "$top/tests/harness/samba.sh"
# shellcheck source=/dev/null
. "$PREREQ_FIX/site.sh"
cd "$dir" || exit 1
SAMBA_DNS=1
export SAMBA_DNS
if [ "$(id -u)" != 0 ] || ! samba_start 2>/dev/null; then
	echo "## cert-prereq (no Samba DC here: the PKI rows of the committed cert-ad export)"
	cp "$PREREQ_FIX/export.jsonl" "$PREREQ_FIX/getreg.txt" .
	echo "\$ cert-prereq --site-server 'CORP\\SITESRV01\$' --service-point 'CORP\\OOBSP\$' --ca-config getreg.txt --only enterprise_ca,ca_key_size,templates,auto_approval --format text export.jsonl"
	cert-prereq --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' --ca-config getreg.txt \
		--only enterprise_ca,ca_key_size,templates,auto_approval --format text export.jsonl
	echo "(exit $?)"
	exit 0
fi
trap 'prereq_listen_stop "$dir"; samba_stop' EXIT
if ! prereq_site_load "$PREREQ_FIX" || ! prereq_listen_start "$dir"; then
	echo "cert-prereq demo: the site scenario did not load" >&2
	exit 1
fi
cp "$PREREQ_FIX/hosts.txt" "$PREREQ_FIX/getreg.txt" .
run() {
	echo "\$ cert-prereq --uri ldaps://$SAMBA_IP --cacert dc-ca.pem --bind-dn \"\$ADMIN\" --bind-password-file admin.pw --site-server 'CORP\\SITESRV01\$' --service-point 'CORP\\OOBSP\$' --container OU=AMT --amt-domain corp.example --amt-hosts hosts.txt --dns-server $SAMBA_IP --ca-config getreg.txt --format text"
	cert-prereq --uri "$SAMBA_LDAPS_URI" --cacert "$SAMBA_CACERT" --bind-dn "$SAMBA_ADMIN_DN" \
		--bind-password-file "$SAMBA_PWFILE" --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' \
		--container OU=AMT --amt-domain corp.example --amt-hosts hosts.txt --dns-server "$SAMBA_IP" \
		--ca-config getreg.txt --format text
	echo "(exit $?)"
}
echo "## cert-prereq: is the site ready? (Samba AD DC with DNS on $SAMBA_IP, listeners, WinRM stand-in)"
run
echo "## the same site after someone ticked 'CA certificate manager approval' on AMTWebServer:"
prereq_break pend
run
prereq_restore pend
exit 0
