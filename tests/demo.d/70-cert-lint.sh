#!/bin/sh
# Demo stage 70: cert-lint.  Lints the sample PKI of stage 10 (RFC 5280, the
# AMT provisioning chain, the AMT web server certificate) and a sample AD
# export (AD CS escalation paths and the ConfigMgr 2007 rules).  Findings
# are expected: the sample PKI has a 4096-bit root AMT cannot use, and the
# sample export has deliberately broken templates.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$DEMO/pki"
echo "# stage 70: cert-lint"

# show CMD...: prints the command, runs it, prints its exit status.
show() {
	echo "\$ $*"
	rc=0
	sh -c "$*" || rc=$?
	echo "(exit $rc)"
}

show "cert-read root.pem issuing.pem provisioning.pem amt01.pem | cert-lint --profile rfc5280 --format text"
show "cert-read chain.pem bigroot.pem | cert-lint --profile amt-provisioning --format text"
show "cert-read amt01.pem | cert-lint --profile amt-web-server --amt-version 16 --format text"

# The sample AD export: the committed one from the Samba harness when it
# exists, else one made from the cert-lint fixtures and the shipped templates.
export="$top/tests/fixtures/ad/sample-export.jsonl"
if [ ! -f "$export" ]; then
	export="$DEMO/ad-export.jsonl"
	jq -c . "$top"/templates/*.json "$top/tests/fixtures/lint/templates/web-broad.json" \
		"$top/tests/fixtures/lint/templates/esc1.json" "$top/tests/fixtures/lint/cas/ca-esc6.json" >"$export"
fi
show "cert-lint --profile adcs --profile oob-2007 --format text '$export'"
cert-lint --profile adcs --profile oob-2007 "$export" >"$DEMO/ad-lint.jsonl" || true
echo "# stage 70: findings by rule in $DEMO/ad-lint.jsonl:"
jq -r '.findings[]? | "\(.severity) \(.rule)"' "$DEMO/ad-lint.jsonl" | sort | uniq -c
