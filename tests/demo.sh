#!/bin/sh
# make demo: builds a sample PKI with an AMT-style chain under a temp dir and
# runs the tools on it.  Each tests/demo.d/NN-*.sh adds one stage; they run
# in order with these variables set:
#   CK_BIN   directory of the built tools (also first on PATH)
#   DEMO     the temp dir with the sample PKI (pki/), kept for the next stage
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CK_BIN="$top/${CK_BUILD:-build}/bin"
PATH="$CK_BIN:$PATH"
DEMO=$(mktemp -d /tmp/certkit-demo.XXXXXX)
# The sample PKI has fixed calendar dates (2024-2044, the AMT web server
# certificate ending 2026-06-15), so the demo is judged at a fixed time that
# fits them: it tells the same story every day.  CERTKIT_NOW=... make demo
# judges it at another time.
CERTKIT_NOW="${CERTKIT_NOW:-2026-06-01T00:00:00Z}"
export CK_BIN PATH DEMO CERTKIT_NOW
echo "# sample PKI in $DEMO/pki"
echo "# judged at CERTKIT_NOW=$CERTKIT_NOW (the sample's dates are fixed; not today's clock)"
for stage in "$top"/tests/demo.d/*.sh; do
	[ -e "$stage" ] || continue
	sh "$stage"
done
echo "# done: files are in $DEMO"
[ -f "$DEMO/report/report.html" ] && echo "# the report: $DEMO/report/report.html"
exit 0
