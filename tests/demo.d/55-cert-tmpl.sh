#!/bin/sh
# Demo stage: the AMT / out of band templates cert-tmpl ships, as a table,
# as a template record and as the LDIF an AD administrator would load.
set -eu
echo "## cert-tmpl: AD CS templates for ConfigMgr 2007 out of band management"
cert-tmpl list --format text
mkdir -p "$DEMO/templates"
cert-tmpl generate amt-web-server amt-provisioning amt-8021x-client \
	--oid-base 1.3.6.1.4.1.311.21.8.4242.1 >"$DEMO/templates/templates.jsonl"
echo "# web server template: subject from request, no approval, no RA signatures"
jq -c 'select(.name == "AMTWebServer") | {name, name_flag: .name_flag.names,
	enrollment_flag: .enrollment_flag.names, ra_signatures, min_key_bits, eku, oid}' \
	"$DEMO/templates/templates.jsonl"
cert-tmpl generate amt-web-server --format ldif --forest-dn DC=corp,DC=example \
	--oid-base 1.3.6.1.4.1.311.21.8.4242.1 \
	--enroll S-1-5-21-1004336348-1177238915-682003330-1105 >"$DEMO/templates/amt-web-server.ldif"
echo "# LDIF for ldapadd: $DEMO/templates/amt-web-server.ldif"
sed -n '1,12p' "$DEMO/templates/amt-web-server.ldif"
echo "..."
