#!/usr/bin/env bats
# docs/scale-out.md: sharding with GNU parallel (-j workers, --keep-order)
# prints the same records as the single process, record for record; and a
# plain --pipe that cuts a chain in two does not (why the doc says so).

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	command -v parallel >/dev/null || return 0
	d="$BATS_FILE_TMPDIR"
	mkdir -p "$d/issued" "$d/chains"
	# 1000 leaves, one per file (python3-cryptography; about 2 s).
	python3 "$CK_TOP/tests/bench/mkbundle.py" "$d/bundle.pem" 1000 --files "$d/issued" 1000
	# Sources of 3 and 2 certificates (chain.pem with and without its root):
	# records of uneven size, so a block boundary falls inside a chain.
	awk '/BEGIN/{n++} n<=2' "$FIX/read/chain.pem" >"$d/two.pem"
	for i in $(seq 100 129); do
		if [ $((i % 3)) = 0 ]; then cp "$d/two.pem" "$d/chains/c$i.pem"; else cp "$FIX/read/chain.pem" "$d/chains/c$i.pem"; fi
	done
}

teardown() {
	# The servers a test started, whatever its outcome.
	if [ -f "$BATS_TEST_TMPDIR/pids" ]; then
		xargs kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null || true
	fi
}

setup() {
	require_cmd parallel
	cd "$BATS_FILE_TMPDIR"
}

@test "parallel: cert-read sharded by files (-j 2 -n 200 -k) equals one cert-read, record for record" {
	cert-read issued/*.pem >single.jsonl
	[ "$(wc -l <single.jsonl)" -eq 1000 ]
	find issued -name '*.pem' | sort | parallel -k -j 2 -n 200 cert-read >sharded.jsonl
	cmp single.jsonl sharded.jsonl
}

@test "parallel: cert-chain --pipe over one-certificate sources equals one cert-chain" {
	cert-read issued/*.pem >certs.jsonl
	run -2 cert-chain --no-fetch <certs.jsonl
	printf '%s\n' "$output" >single.jsonl
	parallel --pipe --block 200k -k -j 2 cert-chain --no-fetch <certs.jsonl >sharded.jsonl || true
	[ "$(wc -l <single.jsonl)" -eq 1000 ]
	cmp single.jsonl sharded.jsonl
}

@test "parallel: chains of several certificates stay whole with --recstart on index 0; a plain --pipe cuts them" {
	cert-read chains/*.pem >certs.jsonl
	cert-chain --roots "$FIX/read/root.pem" <certs.jsonl >single.jsonl
	[ "$(wc -l <single.jsonl)" -eq 30 ]
	parallel --pipe --block 40k --regexp --recend '\n' \
		--recstart '\{"kind":"cert",[^\n]*"index":0[,}]' -k -j 2 \
		cert-chain --roots "$FIX/read/root.pem" <certs.jsonl >sharded.jsonl
	cmp single.jsonl sharded.jsonl
	# Sharding the files instead: the same.
	printf '%s\n' chains/*.pem | parallel -k -j 2 -n 10 cert-chain --roots "$FIX/read/root.pem" >files.jsonl
	cmp single.jsonl files.jsonl
	# A plain --pipe with blocks smaller than a chain group cuts chains: more, wrong chains.
	parallel --pipe --block 25k -k -j 2 cert-chain --roots "$FIX/read/root.pem" <certs.jsonl >cut.jsonl 2>/dev/null || true
	[ "$(wc -l <cut.jsonl)" -gt 30 ]
	run -1 cmp -s single.jsonl cut.jsonl
}

@test "parallel: cert-expiry json sharded equals one process, and the merged records give the same Nagios line" {
	cert-read issued/*.pem >certs.jsonl
	cert-expiry --format json <certs.jsonl >single.jsonl || true
	parallel --pipe --block 300k -k -j 2 cert-expiry --format json <certs.jsonl >judged.jsonl || true
	cmp single.jsonl judged.jsonl
	run -2 cert-expiry --format nagios <certs.jsonl
	want=$output
	run -2 cert-expiry --format nagios <judged.jsonl
	[ "$output" = "$want" ]
	[[ "$output" == "CERT CRITICAL - "*"expired"* ]]
}

@test "parallel: a fleet scan split across workers equals one scan (openssl s_server on loopback)" {
	require_cmd openssl
	p1=$(free_port)
	p2=$(free_port)
	openssl s_server -accept "127.0.0.1:$p1" -cert "$FIX/read/root.pem" -key "$FIX/read/root.key" -quiet >/dev/null 2>&1 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	openssl s_server -accept "127.0.0.1:$p2" -cert "$FIX/read/root.pem" -key "$FIX/read/root.key" -quiet >/dev/null 2>&1 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	p3=$(free_port)	# nothing listens: an error record in its place
	wait_port "$p1"
	wait_port "$p2"
	printf 'tls://127.0.0.1:%s\n' "$p1" "$p3" "$p2" >hosts.txt
	run -3 --separate-stderr cert-read --insecure --timeout 3 $(cat hosts.txt)
	printf '%s\n' "$output" >single.jsonl
	parallel -k -j 3 -n 1 cert-read --insecure --timeout 3 <hosts.txt >sharded.jsonl 2>/dev/null || true
	cmp single.jsonl sharded.jsonl
	[ "$(jq -r .kind sharded.jsonl | tr '\n' ' ')" = "cert error cert " ]
}
