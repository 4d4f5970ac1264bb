#!/usr/bin/env bats
# The build's promises to users: make install PREFIX=..., make lint.
bats_require_minimum_version 1.5.0
load helper

@test "make install PREFIX=...: tools, man pages, templates, policies, completion" {
	dest="$BATS_TEST_TMPDIR/root"
	run -0 make -C "$CK_TOP" --no-print-directory -s BUILD="$CK_BUILD" install PREFIX=/opt/certkit DESTDIR="$dest"
	for src in "$CK_TOP"/certtool/cert-*.c; do
		t=$(basename "$src" .c)
		[ -x "$dest/opt/certkit/bin/$t" ] || { echo "no bin/$t" >&2; return 1; }
		[ -f "$dest/opt/certkit/share/man/man1/$t.1" ] || { echo "no man1/$t.1" >&2; return 1; }
		[ -f "$dest/opt/certkit/share/bash-completion/completions/$t" ] || { echo "no completion for $t" >&2; return 1; }
	done
	[ -f "$dest/opt/certkit/share/man/man5/certkit-records.5" ]
	[ -f "$dest/opt/certkit/share/man/man7/certkit.7" ]
	[ -f "$dest/opt/certkit/share/certkit/templates/amt-web-server.json" ]
	ls "$dest"/opt/certkit/share/certkit/policy/*.json >/dev/null
	# The installed tool runs on its own.
	run -0 "$dest/opt/certkit/bin/cert-read" --version
	run -0 make -C "$CK_TOP" --no-print-directory -s BUILD="$CK_BUILD" uninstall PREFIX=/opt/certkit DESTDIR="$dest"
	[ ! -e "$dest/opt/certkit/bin/cert-read" ]
}

@test "SQLite is linked into cert-issue where its static library exists; SQLITE=shared (the .deb) links the shared one" {
	a="$(pkg-config --variable=libdir sqlite3)/libsqlite3.a"
	[ -f "$a" ] || skip "no $a"
	run -0 ldd "$CK_BIN/cert-issue"
	[[ "$output" != *libsqlite3* ]]
	[[ "$output" == *libcrypto* ]]
	# The tools without a ledger carry no SQLite at all.
	run -0 nm "$CK_BIN/cert-read"
	[[ "$output" != *sqlite3_open* ]]
	run -0 make -C "$CK_TOP" --no-print-directory -n -B BUILD="$CK_BUILD" SQLITE=shared "$CK_BUILD/bin/cert-issue"
	[[ "$output" == *" -lsqlite3 "* ]]
	[[ "$output" != *"-Bstatic"* ]]
	[ "$(grep -c 'SQLITE=shared' "$CK_TOP/debian/rules")" -eq 2 ]
}

@test "make lint: no banned calls, man pages lint-clean, shell scripts pass shellcheck" {
	require_cmd shellcheck mandoc
	run -0 sh "$CK_TOP/tests/lint.sh"
	[[ "$output" == *"lint: ok"* ]]
}

@test "lint catches a banned call (the check is not a no-op)" {
	cp -r "$CK_TOP/tests/lint.sh" "$BATS_TEST_TMPDIR/"
	mkdir -p "$BATS_TEST_TMPDIR/certtool/lib/core" "$BATS_TEST_TMPDIR/tests"
	printf 'int f(char *d, const char *s) { strcpy(d, s); return 0; }\n' >"$BATS_TEST_TMPDIR/certtool/lib/core/bad.c"
	cp "$CK_TOP/tests/lint.sh" "$BATS_TEST_TMPDIR/tests/lint.sh"
	mkdir -p "$BATS_TEST_TMPDIR/.ci" && printf '#!/bin/sh\nexit 0\n' >"$BATS_TEST_TMPDIR/.ci/run"
	run -1 sh "$BATS_TEST_TMPDIR/tests/lint.sh"
	[[ "$output" == *"bad.c:1:"* ]]
}

@test "lint catches a citation of a planning note outside the repository" {
	require_cmd git
	d="$BATS_TEST_TMPDIR/repo"
	mkdir -p "$d/tests" "$d/certtool/lib/core" "$d/man" "$d/.ci"
	cp "$CK_TOP/tests/lint.sh" "$d/tests/lint.sh"
	printf '#!/bin/sh\nexit 0\n' >"$d/.ci/run"
	printf '/* Enroll right (see the public spec). */\nint x;\n' >"$d/certtool/lib/core/ok.c"
	git -C "$d" init -q && git -C "$d" add . 
	run sh "$d/tests/lint.sh"
	[[ "$output" != *"outside the repository"* ]]
	# The words are split here so that this file does not cite them itself.
	printf '/* Enroll right (%s 24). */\n' "FAC""TS" >"$d/certtool/lib/core/bad.c"
	printf 'Source: %s.md\n' "DES""IGN" >"$d/man/x.1"
	git -C "$d" add .
	run -1 sh "$d/tests/lint.sh"
	[[ "$output" == *"certtool/lib/core/bad.c:1:"* ]]
	[[ "$output" == *"man/x.1:1:"* ]]
	[[ "$output" == *"outside the repository"* ]]
}

@test "run.sh --full: make lint first, every build directory derived from CK_BUILD; make fuzz-build honours BUILD" {
	require_cmd shellcheck mandoc
	d="$BATS_TEST_TMPDIR"
	mkdir -p "$d/bin" "$d/build-x/tests"
	# Stand-ins for make and bats record what run.sh asks of them (the real
	# builds take minutes; bats cannot run inside bats).
	printf '#!/bin/sh\necho "$*" >>"%s/make.log"\n' "$d" >"$d/bin/make"
	printf '#!/bin/sh\necho "CK_BUILD=$CK_BUILD" >>"%s/bats.log"\necho 1..1\necho "ok 1 t"\n' "$d" >"$d/bin/bats"
	chmod +x "$d/bin/make" "$d/bin/bats"
	: >"$d/one.bats"
	run -0 env PATH="$d/bin:$PATH" CK_BUILD="$d/build-x" CK_E2E="$d/one.bats" sh "$CK_TOP/tests/run.sh" --full
	[[ "$output" == *"ok - make lint"* ]]
	grep -q "BUILD=$d/build-x-san tests" "$d/make.log"
	grep -q "BUILD=$d/build-x fuzz" "$d/make.log"
	[ "$(cat "$d/bats.log")" = "CK_BUILD=$d/build-x
CK_BUILD=$d/build-x-san" ]
	! grep -qE "BUILD=build-san|BUILD=build( |$)" "$d/make.log"
	run -0 make -C "$CK_TOP" -n BUILD=build-x fuzz-build
	[[ "$output" == *"-o build-x-fuzz/fuzz_"* ]]
	[[ "$output" != *" build-fuzz/"* ]]
}

@test "layers: a lower layer including a higher one is caught (the include rule is checked)" {
	mkdir -p "$BATS_TEST_TMPDIR/tests" "$BATS_TEST_TMPDIR/certtool/lib/core" "$BATS_TEST_TMPDIR/certtool/lib/x509"
	cp "$CK_TOP/tests/layers.sh" "$BATS_TEST_TMPDIR/tests/"
	printf '#include "ck_cert.h"\n' >"$BATS_TEST_TMPDIR/certtool/lib/core/ck_bad.c"
	printf '#include "ck_err.h"\n' >"$BATS_TEST_TMPDIR/certtool/lib/x509/ck_cert.h"
	printf 'int x;\n' >"$BATS_TEST_TMPDIR/certtool/lib/core/ck_err.h"
	run -1 sh "$BATS_TEST_TMPDIR/tests/layers.sh"
	[[ "$output" == *"core/ck_bad.c: includes ck_cert.h (x509, not below core)"* ]]
	rm "$BATS_TEST_TMPDIR/certtool/lib/core/ck_bad.c"
	run -0 sh "$BATS_TEST_TMPDIR/tests/layers.sh"
	run -0 sh "$CK_TOP/tests/layers.sh"
}

@test "progress: a line on stderr when it is a terminal, nothing in pipes (cert-read, cert-lint, cert-expiry)" {
	require_cmd script
	for i in $(seq 1 700); do cat "$FIX/read/chain.pem"; done >"$BATS_TEST_TMPDIR/big.pem"
	cd "$BATS_TEST_TMPDIR"
	# A terminal: script(1) gives the tools a pty for stderr.
	run -0 script -qec "cert-read big.pem >big.jsonl" /dev/null
	[[ "$output" == *"cert-read: 2000 certificates"* ]]
	[[ "$output" == *"cert-read: 2100 certificates"* ]]
	run -0 script -qec "cert-lint --profile rfc5280 big.jsonl >/dev/null; true" /dev/null
	[[ "$output" == *"cert-lint: 2100 records"* ]]
	run -0 script -qec "cert-expiry --at 2026-06-01T00:00:00Z --format json big.jsonl >/dev/null; true" /dev/null
	[[ "$output" == *"cert-expiry: 2000 records"* ]]
	# A pipe: nothing but the records.
	run -0 --separate-stderr cert-read big.pem
	[ -z "$stderr" ]
	run --separate-stderr cert-lint --profile rfc5280 big.jsonl
	[ -z "$stderr" ]
}

@test "make is quiet: one short line per file; make V=1 prints the full command" {
	b="$BATS_TEST_TMPDIR/b"
	run -0 make -C "$CK_TOP" --no-print-directory BUILD="$b" "$b/certtool/lib/core/ck_num.o"
	[ "$output" = "  CC    certtool/lib/core/ck_num.c" ]
	rm -f "$b/certtool/lib/core/ck_num.o"
	run -0 make -C "$CK_TOP" --no-print-directory BUILD="$b" V=1 "$b/certtool/lib/core/ck_num.o"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *" -Werror "*" -c -o $b/certtool/lib/core/ck_num.o certtool/lib/core/ck_num.c" ]]
}

@test "fuzz: the run count is libFuzzer's 'Done N runs' line, not the last #N (the dictionary lines)" {
	log="$BATS_TEST_TMPDIR/log"
	cat >"$log" <<'LOG'
#1048576	pulse  cov: 1203 ft: 4711 corp: 388/61Kb exec/s: 10485 rss: 512Mb
#2097152	pulse  cov: 1203 ft: 4712 corp: 388/61Kb exec/s: 10485 rss: 512Mb
Done 2366125 runs in 101 second(s)
###### Recommended dictionary. ######
"\x00\x00\x00\x00\x00\x00\x00\x10" # Uses: 69
"BEGIN" # Uses: 12
###### End of recommended dictionary. ######
LOG
	run -0 sh "$CK_TOP/tests/fuzz.sh" --runs "$log"
	[ "$output" = 2366125 ]
	# No Done line (a crash): unknown, not a number from elsewhere in the log.
	sed -i '/^Done/d' "$log"
	run -0 sh "$CK_TOP/tests/fuzz.sh" --runs "$log"
	[ "$output" = "?" ]
}

@test "make fuzz-long: needs a corpus directory, which is seeded once and kept between runs" {
	run -2 make -C "$CK_TOP" --no-print-directory fuzz-long
	[[ "$output" == *"FUZZ_CORPUS="* ]]
	run -0 make -C "$CK_TOP" -n --no-print-directory fuzz-long FUZZ_CORPUS=/srv/corpus FUZZ_LONG_SECONDS=7
	[[ "$output" == *'FUZZ_SECONDS=7 FUZZ_CORPUS="/srv/corpus" sh tests/fuzz.sh build-fuzz/fuzz_'* ]]
	# A stand-in for a libFuzzer binary (no clang build here): it adds one
	# input to the corpus directory it is given and reports its runs.
	bin="$BATS_TEST_TMPDIR/fuzz_record"
	cat >"$bin" <<'SH'
#!/bin/sh
for a; do case $a in -*) ;; *) dir=$a ;; esac; done
date +%N >"$dir/new-$(ls "$dir" | wc -l)"
echo "Done 1234 runs in 1 second(s)"
SH
	chmod +x "$bin"
	corpus="$BATS_TEST_TMPDIR/corpus"
	seeds=$(ls "$CK_TOP/tests/fuzz/corpus/fuzz_record" | wc -l)
	cd "$CK_TOP"
	run -0 env FUZZ_SECONDS=1 FUZZ_CORPUS="$corpus" sh tests/fuzz.sh "$bin"
	[ "$output" = "ok 1 - fuzz fuzz_record 1s: 1234 runs, corpus $corpus/fuzz_record: $((seeds + 1)) inputs" ]
	run -0 env FUZZ_SECONDS=1 FUZZ_CORPUS="$corpus" sh tests/fuzz.sh "$bin"
	[ "$output" = "ok 1 - fuzz fuzz_record 1s: 1234 runs, corpus $corpus/fuzz_record: $((seeds + 2)) inputs" ]
	# Without FUZZ_CORPUS the committed seeds are not touched.
	run -0 env FUZZ_SECONDS=1 sh tests/fuzz.sh "$bin"
	[ "$output" = "ok 1 - fuzz fuzz_record 1s: 1234 runs" ]
	[ "$(ls tests/fuzz/corpus/fuzz_record | wc -l)" -eq "$seeds" ]
}

@test "make on a machine without the libraries names the Debian packages and make deps (not a compiler error)" {
	b="$BATS_TEST_TMPDIR/b"
	mkdir -p "$BATS_TEST_TMPDIR/no-pc"
	# pkg-config that finds no .pc file at all: a fresh machine.
	run -2 --separate-stderr env PKG_CONFIG_LIBDIR="$BATS_TEST_TMPDIR/no-pc" PKG_CONFIG_PATH= \
		make -C "$CK_TOP" --no-print-directory BUILD="$b" all
	[[ "$stderr" == *"make: missing build dependencies: openssl libcurl jansson ldap sqlite3"* ]]
	[[ "$stderr" == *"libssl-dev libcurl4-openssl-dev libjansson-dev libldap-dev libsqlite3-dev"* ]]
	[[ "$stderr" == *"make deps"* ]]
	[[ "$stderr" != *"No such file"* ]]
	# Nothing was compiled.
	[ ! -d "$b/certtool" ]
	# With the libraries there, the check is silent.
	run -0 sh "$CK_TOP/tests/build-deps.sh" openssl jansson
	[ -z "$output" ]
}
