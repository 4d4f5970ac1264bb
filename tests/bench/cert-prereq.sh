#!/bin/sh
# Benchmark: cert-prereq's full checklist against the Samba scenario of
# tests/fixtures/prereq/site.sh with 1 000 AMT hosts (amt0001..amt1000 in
# corp.example, resolved by the DC's DNS through a wildcard record to the
# listeners on its address): the namespace row judges 1 000 FQDNs, the ports
# row makes 3 001 TCP connections (16992/16993/16995 per host, 9971 on the
# service point), all at once.  There is no peer tool (ConfigMgr's own
# prerequisite checker runs on the site server and checks the server, not
# the out of band site), so this prints the wall times only.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir="$BENCH/prereq"
mkdir -p "$dir"
PREREQ_FIX="$top/tests/fixtures/prereq"
export PREREQ_FIX
# shellcheck source=/dev/null
. "$top/tests/harness/samba.sh"
# shellcheck source=/dev/null
. "$PREREQ_FIX/site.sh"
SAMBA_DNS=1
export SAMBA_DNS
if [ "$(id -u)" != 0 ] || ! samba_start >/dev/null 2>&1; then
	echo "cert-prereq: skipped (needs root and samba for the site scenario)"
	exit 0
fi
trap 'prereq_listen_stop "$dir"; samba_stop' EXIT
if ! prereq_site_load "$PREREQ_FIX" >/dev/null || ! samba_dns_add '*' A "$SAMBA_IP" ||
	! prereq_listen_start "$dir"; then
	echo "cert-prereq: the site scenario did not load" >&2
	exit 1
fi
awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "amt%04d.corp.example\n", i }' >"$dir/hosts.txt"
# shellcheck disable=SC2046
set -- $(prereq_args) --amt-hosts "$dir/hosts.txt"
t() {
	_s=$(date +%s.%N)
	cert-prereq "$@" >"$dir/out.jsonl"
	_rc=$?
	_e=$(date +%s.%N)
	awk -v s="$_s" -v e="$_e" 'BEGIN { printf "%.2f", e - s }'
	printf ' s (exit %d, %d records)' "$_rc" "$(grep -c '"kind":"prereq"' "$dir/out.jsonl")"
}
echo "cert-prereq: 1000 hosts, namespace + ports: $(t "$@" --only namespace,ports)"
echo "cert-prereq: 1000 hosts, the full checklist: $(t "$@")"
