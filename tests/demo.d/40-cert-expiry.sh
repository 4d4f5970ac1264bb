#!/bin/sh
# Demo stage 40: cert-expiry on the sample PKI: the table, the Nagios line,
# a Prometheus textfile, then the same PKI judged three days before its
# first certificate expires.
set -u
pki="$DEMO/pki"
certs=$(grep -l -- '-----BEGIN CERTIFICATE-----' "$pki"/*.pem "$pki"/*/*.pem 2>/dev/null | sort)
if [ -z "$certs" ]; then
	echo "## cert-expiry: no certificates in $pki, stage skipped"
	exit 0
fi
echo "## cert-expiry: how long the sample PKI has left"
echo "\$ cert-expiry --format text --all $pki/*.pem"
# shellcheck disable=SC2086
cert-expiry --format text --all $certs
echo "(exit $?)"
echo "\$ cert-expiry --format nagios ..."
# shellcheck disable=SC2086
cert-expiry --format nagios $certs
echo "(exit $?)"
# shellcheck disable=SC2086
cert-expiry --format prometheus --output "$DEMO/certkit.prom" $certs
echo "# wrote $DEMO/certkit.prom ($(grep -c '^x509_cert_not_after' "$DEMO/certkit.prom") certificates)"
# shellcheck disable=SC2086
first=$(cert-expiry --format json $certs 2>/dev/null | jq -r 'select(.kind == "cert") | .not_after' | sort | head -n 1)
if [ -n "$first" ] && at=$(date -u -d "$first - 3 days" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null); then
	echo "\$ cert-expiry --at $at --format text ...   # three days before the first expiry"
	# shellcheck disable=SC2086
	cert-expiry --at "$at" --format text $certs
	echo "(exit $?)"
fi
exit 0
