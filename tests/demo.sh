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
export CK_BIN PATH DEMO
echo "# sample PKI in $DEMO/pki"
for stage in "$top"/tests/demo.d/*.sh; do
	[ -e "$stage" ] || continue
	sh "$stage"
done
echo "# done: files are in $DEMO"
