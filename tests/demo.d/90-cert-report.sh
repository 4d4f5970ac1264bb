#!/bin/sh
# Demo stage 90: cert-report.  The records of the earlier stages (the sample
# PKI with cert-expiry's verdicts, both chains of stage 30, cert-lint's
# findings, the AD export linted for AD CS, cert-approve's verdicts) and a
# committed sample of the out of band site's records
# (tests/fixtures/report/oob-sample.jsonl: `prereq`, `amt` and `amt_hello`
# records in the shape cert-prereq and cert-amt write) become one HTML page.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir="$DEMO/report"
mkdir -p "$dir"
recs="$dir/records.jsonl"
{
	cert-read "$DEMO/pki/"*.pem | cert-expiry --format json
	if [ -f "$DEMO/chain/chain-bigroot.pem" ]; then
		cert-chain --roots "$DEMO/chain/root.pem" --policy amt --amt-version 11 "$DEMO/chain/chain.pem"
		cert-chain --roots "$DEMO/chain/bigroot.pem" --policy amt --amt-version 11 "$DEMO/chain/chain-bigroot.pem"
	fi
	cert-read "$DEMO/pki/chain.pem" "$DEMO/pki/bigroot.pem" | cert-lint --profile amt-provisioning
	cert-lint --profile adcs "$top/tests/fixtures/ad/sample-export.jsonl"
	cert-approve --requester 'CORP\SITESRV01$' --ca-config "$top/tests/fixtures/approve/getreg-disp-101.txt" \
		"$top/tests/fixtures/approve/records.jsonl" | jq -c 'select(.kind == "approval")'
	cat "$top/tests/fixtures/report/oob-sample.jsonl"
} >"$recs" 2>/dev/null
echo
echo "## cert-report: the records of this demo as one HTML page"
echo "\$ cert-report --title 'certkit demo: Contoso AMT PKI' -o report.html records.jsonl"
rc=0
cert-report --title 'certkit demo: Contoso AMT PKI' -o "$dir/report.html" "$recs" || rc=$?
echo "(exit $rc; the page shows the status the pipeline would give: $(sed -n 's/.*Exit status the pipeline would give: \([^<]*\)<.*/\1/p' "$dir/report.html"))"
echo "# $(wc -l <"$recs") records, $(grep -o '<circle class="mark' "$dir/report.html" | wc -l) certificates on the timeline"
echo "# report: $dir/report.html   (open it in a browser; it loads nothing from the network)"
