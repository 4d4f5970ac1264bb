#!/usr/bin/env bats
# cert-chain on hostile input: huge chains, garbage, truncated records.
# Every case must end in bounded time with a clear error or finding.
bats_require_minimum_version 1.5.0
load helper

CH="$FIX/chain"

# A chain of N CA certificates c0000 <- c0001 <- ... made by patching the
# names in one template certificate (the signatures do not verify, which is
# one more error to report; path building works on names).
long_chain() {
	local n=$1 out=$2 t=$BATS_TEST_TMPDIR/tpl
	mkdir -p "$t"
	(
		cd "$t" && . "$CK_TOP/tests/fixtures/pki.sh" &&
		pki_cert r /CN=c0001 self ec:P-256 20200101000000Z 20450101000000Z "$pki_ca_exts" &&
		cp r.key c.key &&
		pki_cert c /CN=c0000 r x 20200101000000Z 20450101000000Z "$pki_ca_exts" &&
		openssl x509 -in c.pem -outform DER -out c.der
	)
	python3 - "$t/c.der" "$n" "$out" <<'PY'
import base64, sys
tpl = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
i_pos = tpl.index(b"c0001")
s_pos = tpl.index(b"c0000", i_pos + 5)
with open(sys.argv[3], "w") as f:
    for i in range(n):
        b = bytearray(tpl)
        b[s_pos:s_pos + 5] = b"c%04d" % i
        b[i_pos:i_pos + 5] = b"c%04d" % (i + 1)
        pem = base64.encodebytes(bytes(b)).decode().replace("\n", "")
        f.write("-----BEGIN CERTIFICATE-----\n")
        for k in range(0, len(pem), 64):
            f.write(pem[k:k + 64] + "\n")
        f.write("-----END CERTIFICATE-----\n")
PY
}

@test "cert-chain bad input: a chain of 1000 certificates ends quickly with findings" {
	long_chain 1000 "$BATS_TEST_TMPDIR/long.pem"
	[ "$(grep -c 'BEGIN CERT' "$BATS_TEST_TMPDIR/long.pem")" -eq 1000 ]
	start=$(date +%s)
	run -2 cert-chain --no-fetch --roots "$CH/roots-main.pem" "$BATS_TEST_TMPDIR/long.pem"
	[ $(( $(date +%s) - start )) -lt 30 ]
	[ "$(lines_of chain)" -eq 1 ]
	rules=$(printf '%s\n' "$output" | jq -r '.findings[].rule' | sort -u | paste -sd ' ')
	# OpenSSL stops at its depth limit (100): the path is cut there
	[[ " $rules " == *" chain.too_long "* || " $rules " == *" chain.missing_issuer "* ]]
	[ "$(printf '%s\n' "$output" | jq '.path | length')" -le 102 ]
	jq_eq "$output" .anchor null
}

@test "cert-chain bad input: a 1000-certificate chain through a record stream" {
	require_cmd cert-read
	long_chain 1000 "$BATS_TEST_TMPDIR/long.pem"
	cert-read "$BATS_TEST_TMPDIR/long.pem" >"$BATS_TEST_TMPDIR/long.jsonl"
	run -2 cert-chain --no-fetch --roots "$CH/roots-main.pem" <"$BATS_TEST_TMPDIR/long.jsonl"
	[ "$(lines_of chain)" -eq 1 ]
}

@test "cert-chain bad input: garbage of every sort never crashes" {
	{
		echo '{"kind":"cert","v":1}'
		echo '{"kind":"cert","v":1,"pem":42}'
		echo '{"kind":"cert","v":1,"pem":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}'
		echo '[1,2,3]'
		echo '"just a string"'
		echo '{"kind":"cert","v":1,"source":{"type":"file","uri":"a","index":"zero"},"pem":""}'
		head -c 3000 /dev/urandom | base64 -w0; echo
	} >"$BATS_TEST_TMPDIR/junk.jsonl"
	run -3 --separate-stderr cert-chain --roots "$CH/roots-main.pem" <"$BATS_TEST_TMPDIR/junk.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r .kind | sort -u)" = error ]
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 7 ]
	[ "$(printf '%s\n' "$stderr" | grep -c '^cert-chain: ')" -eq 7 ]
	printf '%s\n' "$output" | python3 "$CK_TOP/tests/schema/validate.py"
}

@test "cert-chain bad input: a truncated certificate file and an empty file" {
	head -c 500 "$CH/s/ok.pem" >"$BATS_TEST_TMPDIR/trunc.pem"
	: >"$BATS_TEST_TMPDIR/empty.pem"
	run -3 --separate-stderr cert-chain --roots "$CH/roots-main.pem" "$BATS_TEST_TMPDIR/trunc.pem" "$BATS_TEST_TMPDIR/empty.pem" "$CH/s/ok.pem"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind=="chain") | .status')" = ok ]
}

@test "cert-chain bad input: a policy file that is not JSON is refused" {
	echo '{"rules": {"max_ca_bits": "big"}}' >"$BATS_TEST_TMPDIR/p.json"
	run -3 cert-chain --policy "$BATS_TEST_TMPDIR/p.json" "$CH/s/ok.pem"
	[[ "$output" == *"max_ca_bits"* ]]
	echo 'nope' >"$BATS_TEST_TMPDIR/q.json"
	run -3 cert-chain --policy "$BATS_TEST_TMPDIR/q.json" "$CH/s/ok.pem"
}
