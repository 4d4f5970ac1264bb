#!/bin/sh
# make lint: banned calls in C, the include rule, citations of documents outside the
# repository, mandoc -Tlint on the man pages, shellcheck.
set -u
cd "$(dirname "$0")/.." || exit 1
rc=0
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|asctime|ctime|atoi|atol|atof|tmpnam|mktemp)[[:space:]]*\('
hits=$(grep -snE "$banned" certtool/*.c certtool/lib/*/*.c tests/unit/*.c tests/fuzz/*.c)
if [ -n "$hits" ]; then
	echo "$hits"
	echo "lint: banned calls above (use snprintf, strlcpy-style copies, ck_parse_long, strtok_r...)" >&2
	rc=1
fi
sh tests/layers.sh || rc=1
# The repo stands on its own: comments, finding refs, man pages and docs cite
# public sources, never the planning notes that live outside the repository.
outside='FACTS( [0-9]|\.md)|STYLE( [0-9]|\.md)|DESIGN\.md'
hits=$(git ls-files 2>/dev/null | grep -v '^tests/lint\.sh$' | while IFS= read -r f; do
	[ -f "$f" ] && grep -IHnE "$outside" "$f"
done)
if [ -n "$hits" ]; then
	echo "$hits"
	echo "lint: citations of documents outside the repository above (cite the public source, or docs/)" >&2
	rc=1
fi
for m in man/*.[157]; do
	[ -e "$m" ] || continue
	out=$(mandoc -Tlint -W warning "$m" 2>&1) || true
	if [ -n "$out" ]; then echo "$out"; rc=1; fi
done
# Warnings and errors only; SC2154 is off because the fixture functions and
# variables come from a file sourced at a computed path (tests/fixtures/pki.sh).
# shellcheck disable=SC2046
shellcheck -s sh -S warning -e SC2154 $(ls tests/*.sh tests/fixtures/*.sh tests/demo.d/*.sh tests/bench/*.sh tests/harness/*.sh 2>/dev/null) .ci/run || rc=1
shellcheck -s bash -S warning completion/certkit.bash || rc=1
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
