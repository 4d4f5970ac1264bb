#!/bin/sh
# Demo stage 90: cert-report.  The records of the earlier stages (the sample
# PKI with cert-expiry's verdicts, both chains of stage 30, cert-lint's
# findings, the AD export linted for AD CS, cert-approve's verdicts, the AMT
# devices and the Hello of stage 85) and cert-prereq's checklist on the
# committed site export (tests/fixtures/prereq, with the CA set to hold
# every request: REQDISP_PENDINGFIRST) become one HTML page.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir="$DEMO/report"
mkdir -p "$dir"
recs="$dir/records.jsonl"
pre="$top/tests/fixtures/prereq"
sed 's/CORP-CA/OOB-CA/' "$top/tests/fixtures/approve/getreg-disp-101.txt" >"$dir/getreg-pending.txt"
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
	cert-prereq --site-server 'CORP\SITESRV01$' --service-point 'CORP\OOBSP$' \
		--ca-config "$dir/getreg-pending.txt" --only enterprise_ca,ca_key_size,templates,auto_approval \
		"$pre/export.jsonl"
	if [ -f "$DEMO/amt/devices.jsonl" ]; then
		jq -c 'select(.kind == "amt")' "$DEMO/amt/devices.jsonl"
		cert-amt hello --decode "$DEMO/amt/hello.bin" --provisioning-chain "$DEMO/amt/provisioning-chain.pem"
	fi
} >"$recs" 2>/dev/null
echo
echo "## cert-report: the records of this demo as one HTML page"
echo "\$ cert-report --title 'certkit demo: Contoso AMT PKI' -o report.html records.jsonl"
rc=0
cert-report --title 'certkit demo: Contoso AMT PKI' -o "$dir/report.html" "$recs" || rc=$?
echo "(exit $rc; the page shows the status the pipeline would give: $(sed -n 's/.*Exit status the pipeline would give: \([^<]*\)<.*/\1/p' "$dir/report.html"))"
echo "# $(wc -l <"$recs") records, $(grep -o '<circle class="mark' "$dir/report.html" | wc -l) certificates on the timeline"
echo "# report: $dir/report.html   (open it in a browser; it loads nothing from the network)"
