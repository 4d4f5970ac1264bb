#!/usr/bin/env bats
# cert-expiry end-to-end tests.  Every case fixes the time (--at or
# CERTKIT_NOW=2026-06-01T00:00:00Z from the helper); fixtures are in
# tests/fixtures/expiry (see gen.sh there for the dates).

bats_require_minimum_version 1.5.0
load helper

setup() {
	E="$FIX/expiry"
	TMP="$(mktemp -d)"
}

teardown() {
	rm -rf "$TMP"
}

# strip ARGS...: cert records of the fixtures without their expiry (as cert-read would emit them).
strip() {
	cert-expiry "$@" 2>/dev/null | jq -c 'del(.expiry)'
}

@test "cert-expiry: --help prints the synopsis, --version the version" {
	run -0 cert-expiry --help
	[[ "$output" == "usage: cert-expiry [-w DUR] [-c DUR] [--at TIME]"* ]]
	[[ "$output" == *"[--format json|text|nagios|prometheus] [--all] [-o FILE]"* ]]
	run -0 cert-expiry --version
	[[ "$output" == "cert-expiry "* ]]
}

@test "cert-expiry: usage errors exit 3 (crit > warn, bad duration, bad time, bad format)" {
	run -3 cert-expiry --warn 7 --crit 30 "$E/ok.pem"
	[[ "$output" == *"--crit (2592000s) must not be longer than --warn (604800s)"* ]]
	run -3 cert-expiry --warn 30x "$E/ok.pem"
	[[ "$output" == *"--warn"* ]]
	run -3 cert-expiry --at yesterday "$E/ok.pem"
	[[ "$output" == *"--at"* ]]
	run -3 cert-expiry --format xml "$E/ok.pem"
	[[ "$output" == *"'xml'"* ]]
	run -3 cert-expiry --bogus
	# crit == warn is allowed
	run -2 cert-expiry --warn 30 --crit 30 --at 2026-06-01T00:00:00Z "$E/edge.pem"
}

@test "cert-expiry: durations in days, hours, weeks and minutes" {
	# edge.pem expires 2026-07-01T00:00:00Z; 2026-06-30T12:00:00Z leaves 12 hours.
	run -1 cert-expiry --at 2026-06-30T12:00:00Z --warn 12h --crit 11h "$E/edge.pem"
	jq_eq "$output" .expiry.status warning
	run -2 cert-expiry --at 2026-06-30T12:00:00Z --warn 1 --crit 720m "$E/edge.pem"
	jq_eq "$output" .expiry.status critical
	run -0 cert-expiry --at 2026-06-16T00:00:00Z --warn 2w --crit 1d "$E/edge.pem"
	run -1 cert-expiry --at 2026-06-17T00:00:00Z --warn 2w --crit 1d "$E/edge.pem"
}

@test "cert-expiry: boundary exactly at --warn is a warning, one second more is ok" {
	run -1 cert-expiry --at 2026-06-01T00:00:00Z --warn 30 --crit 7 "$E/edge.pem"
	jq_eq "$output" .expiry.status warning
	jq_eq "$output" .expiry.days_left 30
	jq_eq "$output" .expiry.not_after 2026-07-01T00:00:00Z
	run -0 cert-expiry --at 2026-05-31T23:59:59Z --warn 30 --crit 7 "$E/edge.pem"
	jq_eq "$output" .expiry.status ok
}

@test "cert-expiry: boundary exactly at --crit is critical, one second more is a warning" {
	run -2 cert-expiry --at 2026-06-24T00:00:00Z "$E/edge.pem"
	jq_eq "$output" .expiry.status critical
	run -1 cert-expiry --at 2026-06-23T23:59:59Z "$E/edge.pem"
	jq_eq "$output" .expiry.status warning
}

@test "cert-expiry: one second before expiry is critical; notAfter itself still valid; one second after is expired" {
	run -2 cert-expiry --at 2026-06-30T23:59:59Z "$E/edge.pem"
	jq_eq "$output" .expiry.status critical
	jq_eq "$output" '.expiry.days_left * 86400 | round' 1
	run -2 cert-expiry --at 2026-07-01T00:00:00Z "$E/edge.pem"
	jq_eq "$output" .expiry.status critical
	jq_eq "$output" .expiry.days_left 0
	run -2 cert-expiry --at 2026-07-01T00:00:01Z "$E/edge.pem"
	jq_eq "$output" .expiry.status expired
	jq_eq "$output" '.expiry.days_left * 86400 | round' -1
}

@test "cert-expiry: not yet valid is a warning until notBefore" {
	run -1 cert-expiry "$E/future.pem"
	jq_eq "$output" .expiry.status warning
	jq_eq "$output" .expiry.not_yet_valid true
	run -1 cert-expiry --at 2026-06-30T23:59:59Z "$E/future.pem"
	run -0 cert-expiry --at 2026-07-01T00:00:00Z "$E/future.pem"
	jq_eq "$output" .expiry.not_yet_valid false
	run -1 cert-expiry --format text "$E/future.pem"
	[[ "$output" == *"NOT-YET-VALID"*"future.example"* ]]
}

@test "cert-expiry: CERTKIT_NOW sets the time, --at overrides it" {
	CERTKIT_NOW=2026-05-01T00:00:00Z run -0 cert-expiry "$E/warn.pem"
	CERTKIT_NOW=2026-05-01T00:00:00Z run -1 cert-expiry --at 2026-06-01T00:00:00Z "$E/warn.pem"
}

@test "cert-expiry: json passes every record through with expiry on certificates" {
	run -2 cert-expiry "$E/bundle.pem" "$E/expired.pem"
	[ "$(lines_of cert)" -eq 4 ]
	got=$(printf '%s\n' "$output" | jq -r '[.subject.cn, .source.index, .expiry.status, .expiry.days_left, .expiry.not_after] | @tsv')
	want=$(printf '%s\t%s\t%s\t%s\t%s\n' \
		ok.example 0 ok 183 2026-12-01T00:00:00Z \
		warn.example 1 warning 19 2026-06-20T00:00:00Z \
		crit.example 2 critical 3 2026-06-04T00:00:00Z \
		expired.example 0 expired -31 2026-05-01T00:00:00Z)
	[ "$got" = "$want" ]
	# the pem is kept for the next stage
	jq_eq "$(printf '%s\n' "$output" | head -n 1)" '.pem | startswith("-----BEGIN CERTIFICATE-----")' true
}

@test "cert-expiry: records on stdin, other kinds pass through unchanged and in order" {
	{
		echo '{"kind":"template","v":1,"name":"AMTWeb"}'
		strip "$E/warn.pem"
		echo '{"kind":"finding-like","v":1,"x":[1,2]}'
		strip "$E/ok.pem"
	} >"$TMP/in.jsonl"
	run -1 cert-expiry <"$TMP/in.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r .kind | tr '\n' ' ')" = "template cert finding-like cert " ]
	[ "$(printf '%s\n' "$output" | sed -n 1p)" = '{"kind":"template","v":1,"name":"AMTWeb"}' ]
	[ "$(printf '%s\n' "$output" | sed -n 3p)" = '{"kind":"finding-like","v":1,"x":[1,2]}' ]
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .expiry.status warning
	# everything but expiry is untouched
	[ "$(printf '%s\n' "$output" | sed -n 4p | jq -c 'del(.expiry)')" = "$(sed -n 4p "$TMP/in.jsonl")" ]
}

@test "cert-expiry: PEM on stdin is read like a SOURCE" {
	run -2 cert-expiry --format nagios <"$E/bundle.pem"
	[[ "$output" == "CERT CRITICAL - 0 expired, 1 critical, 1 warning, 1 ok; soonest: crit.example (3.0d left), warn.example (19.0d left) |"* ]]
	run -2 cert-expiry --format nagios - <"$E/bundle.pem"
	[[ "$output" == "CERT CRITICAL - 0 expired, 1 critical"* ]]
}

@test "cert-expiry: worst state wins (critical > unknown > warning > ok)" {
	run -0 cert-expiry "$E/ok.pem"
	run -1 cert-expiry "$E/ok.pem" "$E/warn.pem"
	run -1 cert-expiry "$E/future.pem" "$E/ok.pem"
	run -2 cert-expiry "$E/warn.pem" "$E/crit.pem"
	run -2 cert-expiry "$E/expired.pem" "$E/warn.pem"
	run -3 cert-expiry "$E/ok.pem" "$E/garbage.pem"
	run -3 cert-expiry "$E/warn.pem" "$E/garbage.pem"
	run -2 cert-expiry "$E/crit.pem" "$E/garbage.pem"
	run -2 cert-expiry "$E/garbage.pem" "$E/expired.pem"
	run -3 cert-expiry "$E/does-not-exist.pem" "$E/ok.pem"
}

@test "cert-expiry: unreadable inputs mixed with good ones: one stderr line, an error record, the rest judged" {
	run -3 --separate-stderr cert-expiry "$E/ok.pem" "$E/garbage.pem" "$E/does-not-exist.pem" "$E/warn.pem"
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 2 ]
	[[ "$stderr" == *"cert-expiry: '$E/garbage.pem': "* ]]
	[[ "$stderr" == *"cert-expiry: '$E/does-not-exist.pem': "* ]]
	[ "$(lines_of cert)" -eq 2 ]
	[ "$(lines_of error)" -eq 2 ]
	[ "$(printf '%s\n' "$output" | jq -r .kind | tr '\n' ' ')" = "cert error error cert " ]
}

@test "cert-expiry: broken lines on stdin become error records, the stream goes on" {
	{
		strip "$E/ok.pem"
		echo '{"kind":"cert", broken'
		strip "$E/ok.pem" | jq -c '.source.uri = "other.pem"'
	} >"$TMP/in.jsonl"
	run -3 --separate-stderr cert-expiry <"$TMP/in.jsonl"
	[[ "$stderr" == *"cert-expiry: 'stdin': line 2:"* ]]
	[ "$(lines_of cert)" -eq 2 ]
	[ "$(lines_of error)" -eq 1 ]
	# An error record from an earlier stage counts as UNKNOWN, is passed on,
	# and is said on stderr (every stage that exits 3 says why).
	printf '%s\n' '{"kind":"error","v":1,"source":"x.pem","message":"gone","code":"io"}' >"$TMP/e.jsonl"
	strip "$E/ok.pem" >>"$TMP/e.jsonl"
	run -3 --separate-stderr cert-expiry <"$TMP/e.jsonl"
	[ "$stderr" = "cert-expiry: 'x.pem': gone" ]
	[ "$(lines_of error)" -eq 1 ]
	# A cert record with no usable not_after: passed through, plus an error record.
	echo '{"kind":"cert","v":1,"serial":"0a","not_after":"soon"}' | {
		run -3 --separate-stderr cert-expiry
		[ "$(lines_of cert)" -eq 1 ]
		[ "$(lines_of error)" -eq 1 ]
		[[ "$stderr" == *"certificate '0a': not_after"* ]]
	}
}

@test "cert-expiry: chain records: certificates by id, embedded certificates, unknown ids" {
	strip "$E/crit.pem" "$E/ca.pem" >"$TMP/in.jsonl"
	leaf=$(sed -n 1p "$TMP/in.jsonl" | jq -r .id)
	root=$(sed -n 2p "$TMP/in.jsonl" | jq -r .id)
	jq -nc --arg l "$leaf" --arg r "$root" '{kind:"chain",v:1,id:"c1",leaf:$l,path:[$l,$r],status:"valid"}' >>"$TMP/in.jsonl"
	run -2 cert-expiry <"$TMP/in.jsonl"
	chain=$(printf '%s\n' "$output" | jq -c 'select(.kind == "chain")')
	jq_eq "$chain" .expiry.status critical
	jq_eq "$chain" .expiry.cert "$leaf"
	jq_eq "$chain" .expiry.not_after 2026-06-04T00:00:00Z
	# nagios counts each certificate once although the chain names it again
	run -2 cert-expiry --format nagios <"$TMP/in.jsonl"
	[[ "$output" == "CERT CRITICAL - 0 expired, 1 critical, 0 warning, 1 ok;"* ]]
	# embedded certificates
	jq -nc --slurpfile c <(strip "$E/expired.pem") '{kind:"chain",v:1,id:"c2",path:[$c[0].id],certs:$c}' >"$TMP/emb.jsonl"
	run -2 cert-expiry <"$TMP/emb.jsonl"
	jq_eq "$output" '.certs[0].expiry.status' expired
	jq_eq "$output" '.expiry.status' expired
	# a chain whose certificates never came by: UNKNOWN, said on stderr
	echo '{"kind":"chain","v":1,"id":"c3","path":["aa","bb"]}' >"$TMP/lone.jsonl"
	run -3 --separate-stderr cert-expiry <"$TMP/lone.jsonl"
	[[ "$stderr" == *"chain 'c3': 2 of its 2 certificates not in the input"* ]]
	[ "$(lines_of chain)" -eq 1 ]
	[ "$(lines_of error)" -eq 1 ]
}

@test "cert-expiry: ca records (the cert inside) and crl records (next_update)" {
	strip "$E/warn.pem" | jq -c '{kind:"ca",v:1,name:"Issuing CA",cert:.}' >"$TMP/in.jsonl"
	echo '{"kind":"crl","v":1,"issuer":{"cn":"Issuing CA"},"this_update":"2026-05-25T00:00:00Z","next_update":"2026-06-02T00:00:00Z"}' >>"$TMP/in.jsonl"
	run -2 cert-expiry <"$TMP/in.jsonl"
	jq_eq "$(printf '%s\n' "$output" | sed -n 1p)" .cert.expiry.status warning
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .expiry.status critical
	jq_eq "$(printf '%s\n' "$output" | sed -n 2p)" .expiry.days_left 1
	run -2 cert-expiry --format text <"$TMP/in.jsonl"
	[[ "$output" == *"Issuing CA"*"2026-06-02T00:00:00Z"*"(crl)"* ]]
}

@test "cert-expiry: text table sorted by time left, expired first, fields in columns" {
	run -2 cert-expiry --format text --all "$E/ok.pem" "$E/warn.pem" "$E/expired.pem" "$E/crit.pem"
	[ "$(printf '%s\n' "$output" | sed -n 1p | tr -s ' ')" = "STATUS SUBJECT ISSUER NOT AFTER DAYS LEFT SOURCE" ]
	got=$(printf '%s\n' "$output" | sed -n '2,5p' | awk '{print $1, $2, $3 $4 $5, $6, $7, $8}')
	want="EXPIRED expired.example ExpiryTestCA 2026-05-01T00:00:00Z -31.0 $E/expired.pem
CRITICAL crit.example ExpiryTestCA 2026-06-04T00:00:00Z 3.0 $E/crit.pem
WARNING warn.example ExpiryTestCA 2026-06-20T00:00:00Z 19.0 $E/warn.pem
OK ok.example ExpiryTestCA 2026-12-01T00:00:00Z 183.0 $E/ok.pem"
	[ "$got" = "$want" ]
	[ "$(printf '%s\n' "$output" | sed -n 6p)" = "4 checked: 1 expired, 1 critical, 1 warning, 1 ok" ]
	# no colour when stdout is not a terminal
	[[ "$output" != *$'\033'* ]]
}

@test "cert-expiry: text without --all lists only problems and prints nothing when all is well" {
	run -1 cert-expiry --format text "$E/ok.pem" "$E/warn.pem"
	[[ "$output" == *"warn.example"* ]]
	[[ "$output" != *"OK  "*"ok.example"* ]]
	run -0 cert-expiry --format text "$E/ok.pem" "$E/ca.pem"
	[ -z "$output" ]
	run -0 cert-expiry --format text --all "$E/ok.pem"
	[[ "$output" == *"ok.example"* ]]
}

@test "cert-expiry: nagios status line and perfdata, field by field" {
	run -2 cert-expiry --format nagios "$E/bundle.pem" "$E/expired.pem" "$E/future.pem"
	[ "${#lines[@]}" -eq 1 ]
	status=${output%% | *}
	perf=${output#* | }
	[ "$status" = "CERT CRITICAL - 1 expired, 1 critical, 2 warning, 1 ok, 1 not yet valid; soonest: expired.example (expired 31.0d ago), crit.example (3.0d left), warn.example (19.0d left)" ]
	[ "$perf" = "'days_expired.example'=-31.00;30;7;; 'days_crit.example'=3.00;30;7;; 'days_warn.example'=19.00;30;7;; 'days_ok.example'=183.00;30;7;; 'days_future.example'=395.00;30;7;;" ]
	run -0 cert-expiry --format nagios --warn 12h --crit 6h "$E/ok.pem"
	[ "$output" = "CERT OK - 0 expired, 0 critical, 0 warning, 1 ok; soonest: ok.example (183.0d left) | 'days_ok.example'=183.00;0.5;0.25;;" ]
}

@test "cert-expiry: nagios escapes labels, names CN-less certificates by their RDN, handles no input" {
	run -2 cert-expiry --format nagios "$E/weird.pem" "$E/nocn.pem"
	[[ "$output" == *"'days_No CN Ltd'=4.00;30;7;;"* ]]
	# neither CN nor DN: the serial
	echo '{"kind":"cert","v":1,"id":"x","serial":"0a1b","subject":{},"issuer":{},"not_after":"2027-01-01T00:00:00Z","source":{"type":"stdin","uri":"-","index":0}}' >"$TMP/anon.jsonl"
	run -0 cert-expiry --format nagios <"$TMP/anon.jsonl"
	[[ "$output" == *"soonest: 0a1b ("*"'days_0a1b'="* ]]
	run -2 cert-expiry --format nagios "$E/weird.pem" "$E/nocn.pem"
	[[ "$output" == *"'days_we\"ird\\name ''q'' a_b_c'=9.00;30;7;;"* ]]
	# the only '|' is the perfdata separator
	[ "$(printf '%s' "$output" | tr -cd '|' | wc -c)" -eq 1 ]
	run -3 cert-expiry --format nagios </dev/null
	[ "$output" = "CERT UNKNOWN - no certificates found" ]
	run -3 --separate-stderr cert-expiry --format nagios "$E/garbage.pem"
	[[ "$output" == "CERT UNKNOWN - 1 unreadable, no certificates checked"* ]]
	run -3 --separate-stderr cert-expiry --format nagios "$E/ok.pem" "$E/garbage.pem"
	[[ "$output" == "CERT UNKNOWN - 0 expired, 0 critical, 0 warning, 1 ok, 1 unreadable;"* ]]
}

@test "cert-expiry: nagios perfdata is limited to the 10 soonest, --all lists every one" {
	jq -nc 'range(25) | {kind:"cert",v:1,id:("id\(.)"),serial:"0a",subject:{cn:("h\(.)")},issuer:{cn:"CA"},
		not_before:"2026-01-01T00:00:00Z",not_after:"2027-01-01T00:00:00Z",source:{type:"file",uri:"x",index:.}}' >"$TMP/in.jsonl"
	run -0 cert-expiry --format nagios <"$TMP/in.jsonl"
	[ "$(printf '%s' "$output" | grep -o "'days_" | wc -l)" -eq 10 ]
	run -0 cert-expiry --format nagios --all <"$TMP/in.jsonl"
	[ "$(printf '%s' "$output" | grep -o "'days_" | wc -l)" -eq 25 ]
}

# prom_check FILE AT CERT...: parses the exposition in FILE and compares every
# sample with the certificates' dates as openssl prints them.
prom_check() {
	python3 - "$@" <<'PY'
import calendar, re, subprocess, sys, time
path, at, certs = sys.argv[1], sys.argv[2], sys.argv[3:]
now = calendar.timegm(time.strptime(at, "%Y-%m-%dT%H:%M:%SZ"))
text = open(path).read()
assert text.endswith("\n")
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9]+)$')
label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')
def unescape(v):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), v)
fams, helps, types, samples = [], set(), {}, {}
for line in text.splitlines():
    if line.startswith("# HELP "):
        helps.add(line.split()[2])
        continue
    if line.startswith("# TYPE "):
        _, _, name, typ = line.split()
        types[name] = typ
        fams.append(name)
        continue
    m = sample.match(line)
    assert m, "bad line: " + line
    name, labels = m.group(1), {}
    assert fams and fams[-1] == name, "sample out of its family: " + line
    pos = 0
    body = m.group(3) or ""
    while pos < len(body):
        lm = label.match(body, pos)
        assert lm, "bad labels: " + body
        labels[lm.group(1)] = unescape(lm.group(2))
        pos = lm.end()
    key = (labels.get("serial_number"), labels.get("source"))
    samples.setdefault(key, {})[name] = (labels, int(m.group(4)))
for f in ["x509_cert_not_after", "x509_cert_not_before", "x509_cert_expired",
          "x509_cert_expires_in_seconds", "x509_read_errors"]:
    assert f in helps and types.get(f) == "gauge", f
def ossl(path, *args):
    return subprocess.run(["openssl", "x509", "-in", path, "-noout", *args],
                          capture_output=True, text=True, check=True).stdout.strip()
def date(s):
    return calendar.timegm(time.strptime(s.split("=", 1)[1], "%b %d %H:%M:%S %Y GMT"))
n = 0
for c in certs:
    serial = str(int(ossl(c, "-serial").split("=")[1], 16))
    got = samples[(serial, c)]
    na, nb = date(ossl(c, "-enddate")), date(ossl(c, "-startdate"))
    cn = ossl(c, "-subject", "-nameopt", "multiline,-esc_msb,utf8").split("commonName", 1)[1].split("=", 1)[1].strip()
    icn = ossl(c, "-issuer", "-nameopt", "multiline,utf8").split("commonName", 1)[1].split("=", 1)[1].strip().split("\n")[0].strip()
    assert got["x509_cert_not_after"][1] == na, (c, got["x509_cert_not_after"], na)
    assert got["x509_cert_not_before"][1] == nb, c
    assert got["x509_cert_expired"][1] == (1 if now > na else 0), c
    assert got["x509_cert_expires_in_seconds"][1] == na - now, c
    labels = got["x509_cert_not_after"][0]
    assert labels["subject_CN"] == cn.replace("\\\\", "\\"), (labels["subject_CN"], cn)
    assert labels["issuer_CN"] == icn, labels
    n += 1
print(n)
PY
}

@test "cert-expiry: prometheus exposition parsed back equals the certificates' dates" {
	require_cmd python3 openssl
	run -2 cert-expiry --format prometheus "$E/bundle.pem" "$E/expired.pem" "$E/weird.pem" "$E/future.pem"
	printf '%s\n' "$output" >"$TMP/out.prom"
	run -0 prom_check "$TMP/out.prom" 2026-06-01T00:00:00Z "$E/bundle.pem" "$E/expired.pem" "$E/weird.pem" "$E/future.pem"
	[ "$output" = 4 ]
	grep -q '^x509_cert_expired{subject_CN="expired.example",.*} 1$' "$TMP/out.prom"
	grep -q '^x509_read_errors 0$' "$TMP/out.prom"
	grep -qF 'subject_CN="we\"ird\\name '"'q'"' a=b|c"' "$TMP/out.prom"
}

@test "cert-expiry: prometheus counts read errors; a wrong value is caught by the check" {
	run -2 --separate-stderr cert-expiry --format prometheus --at 2026-07-01T00:00:01Z "$E/edge.pem" "$E/garbage.pem"
	printf '%s\n' "$output" >"$TMP/out.prom"
	grep -q '^x509_read_errors 1$' "$TMP/out.prom"
	run -0 prom_check "$TMP/out.prom" 2026-07-01T00:00:01Z "$E/edge.pem"
	grep -q '^x509_cert_expires_in_seconds{.*} -1$' "$TMP/out.prom"
	# the checker itself fails on a one-second error
	sed 's/^\(x509_cert_not_after{.*}\) \([0-9]*\)$/\1 1782864001/' "$TMP/out.prom" >"$TMP/bad.prom"
	run prom_check "$TMP/bad.prom" 2026-07-01T00:00:01Z "$E/edge.pem"
	[ "$status" -ne 0 ]
}

@test "cert-expiry: --output writes the file atomically (same directory, renamed, 0644)" {
	run -2 cert-expiry --format prometheus --output "$TMP/certs.prom" "$E/bundle.pem"
	[ -z "$output" ]
	[ "$(ls -A "$TMP")" = "certs.prom" ]
	[ "$(stat -c %a "$TMP/certs.prom")" = 644 ]
	run -0 prom_check "$TMP/certs.prom" 2026-06-01T00:00:00Z "$E/bundle.pem"
	# an old file is replaced whole
	echo stale >"$TMP/certs.prom"
	run -0 cert-expiry --format prometheus --output "$TMP/certs.prom" "$E/ok.pem"
	! grep -q stale "$TMP/certs.prom"
	grep -q '^x509_cert_not_after{subject_CN="ok.example"' "$TMP/certs.prom"
	# a directory that does not exist: UNKNOWN, nothing written
	run -3 cert-expiry --format prometheus --output "$TMP/nope/certs.prom" "$E/ok.pem"
	[[ "$output" == "cert-expiry: '$TMP/nope/certs.prom': "* ]]
	[ ! -e "$TMP/nope" ]
	# --output with json (the default there)
	run -1 cert-expiry --output "$TMP/out.jsonl" "$E/warn.pem"
	jq_eq "$(cat "$TMP/out.jsonl")" .expiry.status warning
}

@test "cert-expiry: 10 000 records through the pipe" {
	jq -nc 'range(10000) | {kind:"cert",v:1,id:("id\(.)"),serial:(. | tostring),subject:{cn:("host\(.).example")},issuer:{cn:"CA"},
		not_before:"2026-01-01T00:00:00Z",
		not_after:(if . % 1000 == 0 then "2026-05-01T00:00:00Z" elif . % 100 == 0 then "2026-06-03T00:00:00Z" elif . % 10 == 0 then "2026-06-15T00:00:00Z" else "2027-01-01T00:00:00Z" end),
		source:{type:"file",uri:"big.pem",index:.}}' >"$TMP/big.jsonl"
	run -2 cert-expiry <"$TMP/big.jsonl"
	[ "$(lines_of cert)" -eq 10000 ]
	[ "$(printf '%s\n' "$output" | jq -r .expiry.status | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" = "critical=90 expired=10 ok=9000 warning=900 " ]
	# order kept
	[ "$(printf '%s\n' "$output" | jq -r .source.index | awk '$1 != NR - 1' | wc -l)" -eq 0 ]
	run -2 cert-expiry --format nagios <"$TMP/big.jsonl"
	[[ "$output" == "CERT CRITICAL - 10 expired, 90 critical, 900 warning, 9000 ok;"* ]]
	run -2 cert-expiry --format prometheus <"$TMP/big.jsonl"
	[ "$(printf '%s\n' "$output" | grep -c '^x509_cert_not_after{')" -eq 10000 ]
}

@test "cert-expiry: json output validates against the schemas" {
	[ -f "$CK_TOP/tests/schema/validate.py" ] || skip "tests/schema/validate.py not there yet"
	cert-expiry "$E/bundle.pem" "$E/garbage.pem" >"$TMP/out.jsonl" 2>/dev/null || true
	run -0 python3 "$CK_TOP/tests/schema/validate.py" <"$TMP/out.jsonl"
}

@test "cert-expiry: man page EXAMPLES" {
	cp "$E/bundle.pem" "$TMP/"
	cd "$TMP"
	run -2 cert-expiry --format text --all bundle.pem
	[[ "$output" == *"crit.example"*"warn.example"*"ok.example"* ]]
	run -2 cert-expiry --warn 30 --crit 7 --format nagios bundle.pem
	[[ "$output" == "CERT CRITICAL - 0 expired, 1 critical, 1 warning, 1 ok;"* ]]
	out=$(cat bundle.pem | cert-expiry --warn 21d --crit 1w | jq -r 'select(.expiry.status != "ok") | .subject.cn')
	[ "$out" = "warn.example
crit.example" ]
	run -2 cert-expiry --format prometheus --output certs.prom bundle.pem
	[ "$(grep -c '^x509_cert_not_after{' certs.prom)" -eq 3 ]
	run -1 cert-expiry --at 2026-05-25T00:00:00Z --format nagios --warn 14 --crit 3 bundle.pem
	[[ "$output" == "CERT WARNING - "* ]]
}

@test "cert-expiry: a certificate without CN is named by its most specific RDN everywhere (not by its serial)" {
	# OU=Security Communication RootCA1,O=Example Trust.net,C=JP: shaped like
	# SECOM's root in ca-certificates, which has no CN.
	name="Security Communication RootCA1"
	run -2 cert-expiry --format nagios "$E/nocn-ou.pem" "$E/ok.pem"
	[[ "$output" == *"soonest: $name (expired 12.0d ago) | 'days_$name'=-12.00;30;7;;"* ]]
	run -2 cert-expiry --format text "$E/nocn-ou.pem"
	[ "$(printf '%s\n' "$output" | sed -n 2p | tr -s ' ' | cut -d' ' -f1-7)" = "EXPIRED $name $name" ]
	run -2 cert-expiry --format prometheus "$E/nocn-ou.pem"
	[[ "$output" == *"x509_cert_expired{subject_CN=\"$name\",issuer_CN=\"$name\","* ]]
	run -0 cert-read --format text "$E/nocn-ou.pem"
	[[ "$output" == "$name"*" $name "* ]]
	# the JSON keeps the whole DN
	run -0 cert-read "$E/nocn-ou.pem"
	jq_eq "$output" .subject.dn "OU=$name,O=Example Trust.net,C=JP"
}

@test "cert-expiry: a saved records file as a SOURCE is read as records, like the same records on stdin" {
	cert-read "$FIX/read/chain.pem" >"$BATS_TEST_TMPDIR/saved.jsonl"
	printf '{"kind":"note","v":1}\n{broken\n' >>"$BATS_TEST_TMPDIR/saved.jsonl"
	run -3 --separate-stderr cert-expiry --at 2026-06-01T00:00:00Z --format json "$BATS_TEST_TMPDIR/saved.jsonl"
	from_file=$output
	run -3 --separate-stderr cert-expiry --at 2026-06-01T00:00:00Z --format json <"$BATS_TEST_TMPDIR/saved.jsonl"
	# The same records; only the error's source names the file instead of stdin.
	[ "$(printf '%s\n' "$output" | jq -c 'del(.source? | select(type == "string"))')" = \
	  "$(printf '%s\n' "$from_file" | jq -c 'del(.source? | select(type == "string"))')" ]
	# Every certificate judged, the unknown kind passed on, the broken line an error record.
	[ "$(printf '%s\n' "$from_file" | jq -s '[.[] | select(.kind == "cert" and .expiry != null)] | length')" -eq 3 ]
	[ "$(printf '%s\n' "$from_file" | jq -s '[.[] | select(.kind == "note")] | length')" -eq 1 ]
	[ "$(printf '%s\n' "$from_file" | jq -s '[.[] | select(.kind == "error")] | length')" -eq 1 ]
}
