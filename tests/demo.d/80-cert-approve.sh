#!/bin/sh
# Demo stage 80: cert-approve.  Would CORP-CA issue the site server's AMT
# web server requests automatically?  The AD records are the committed
# sample (tests/fixtures/approve/records.jsonl, the shape cert-ad writes);
# the CA's setting is what 'certutil -getreg policy\RequestDisposition'
# prints on the CA: first the enterprise default 0x1, then 0x101 (pending
# first, the stand-alone default) to show what an administrator would see.
set -u
fix=$(cd "$(dirname "$0")/../fixtures/approve" && pwd)
dir="$DEMO/approve"
mkdir -p "$dir"
cp "$fix/records.jsonl" "$dir/records.jsonl"
cp "$fix/getreg-disp-1.txt" "$dir/getreg.txt"
cp "$fix/getreg-disp-101.txt" "$dir/getreg-pending.txt"
cd "$dir" || exit 1
echo "## cert-approve: will the CA issue the site server's requests automatically?"
echo "\$ cert-approve --requester 'CORP\\SITESRV01\$' --ca-config getreg.txt --format text records.jsonl"
cert-approve --requester 'CORP\SITESRV01$' --ca-config getreg.txt --format text records.jsonl
echo "(exit $?)"
echo "## the same CA with RequestDisposition 0x101 (REQDISP_PENDINGFIRST):"
echo "\$ cert-approve --requester 'CORP\\SITESRV01\$' --template AMTWebServer --ca-config getreg-pending.txt --format text records.jsonl"
cert-approve --requester 'CORP\SITESRV01$' --template AMTWebServer --ca-config getreg-pending.txt --format text records.jsonl
echo "(exit $?)"
exit 0
