#!/usr/bin/env bats
# Password files and the CA directory under hostile conditions (issue 14).
bats_require_minimum_version 1.5.0
load helper

H="$FIX/hostile"

@test "hostile secrets: every password file is its first line (CRLF too), the rest ignored" {
	printf 'hostile\nsecond line, not part of the password\n' >"$BATS_TEST_TMPDIR/two-lines"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/two-lines" "$H/ok.p12"
	[ "$(lines_of cert)" -eq 2 ]
	printf 'hostile\r\n' >"$BATS_TEST_TMPDIR/crlf"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/crlf" "$H/ok.p12"
	printf 'hostile' >"$BATS_TEST_TMPDIR/no-newline"
	run -0 cert-read --password-file "$BATS_TEST_TMPDIR/no-newline" "$H/ok.p12"
	# a first line over 4096 bytes is refused, not cut
	{ head -c 5000 /dev/zero | tr '\0' 'x'; printf '\n'; } >"$BATS_TEST_TMPDIR/long"
	run -3 --separate-stderr cert-read --password-file "$BATS_TEST_TMPDIR/long" "$H/ok.p12"
	[[ "$stderr" == *"first line longer than 4096 bytes"* ]]
	# the man pages say the same, in every tool that takes a password file
	for page in cert-read cert-ad cert-chain cert-issue cert-prereq cert-amt; do
		[ -f "$CK_TOP/man/$page.1" ] || continue
		grep -q 'the first line of the file, without its line end' "$CK_TOP/man/$page.1" ||
			{ echo "$page.1 does not state the rule"; return 1; }
	done
	! grep -l 'whole file' "$CK_TOP"/man/*.1
}

@test "hostile secrets: cert-issue init refuses an empty key password and leaves nothing behind" {
	: >"$BATS_TEST_TMPDIR/empty"
	run -3 --separate-stderr cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" \
		--key-password-file "$BATS_TEST_TMPDIR/empty"
	[ "$stderr" = "cert-issue: '$BATS_TEST_TMPDIR/empty': the key password (first line of the file) is empty" ]
	[ ! -e "$BATS_TEST_TMPDIR/ca" ]
	printf '\nsecret on line two\n' >"$BATS_TEST_TMPDIR/blank-first"
	run -3 cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" \
		--key-password-file "$BATS_TEST_TMPDIR/blank-first"
	[ ! -e "$BATS_TEST_TMPDIR/ca" ]
	printf 'good\n' >"$BATS_TEST_TMPDIR/good"
	run -0 cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" \
		--key-password-file "$BATS_TEST_TMPDIR/good"
	grep -q 'ENCRYPTED' "$BATS_TEST_TMPDIR/ca/ca.key"
}

@test "hostile templates: a fractional validity_days is refused by cert-tmpl, cert-lint and cert-issue alike" {
	d="$BATS_TEST_TMPDIR/t"
	mkdir -p "$d"
	jq '.validity_days = 1.5' "$CK_TOP/templates/amt-web-server.json" >"$d/frac.json"
	want="validity_days: not a whole number of days in 1..36500"
	run -3 --separate-stderr cert-tmpl list --templates "$d"
	[ "$stderr" = "cert-tmpl: '$d/frac.json': $want" ]
	run -3 --separate-stderr sh -c "cert-tmpl list --templates '$CK_TOP/templates' | jq -c 'select(.name == \"AMTWebServer\") | .validity_days = 1.5' | cert-lint --profile adcs"
	[ "$stderr" = "cert-lint: 'stdin': template 'AMTWebServer': $want" ]
	# the record is still passed on, after its error
	jq_eq "$output" '.kind' "error
template"
	cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --subject "CN=Hostile Test CA" >/dev/null
	openssl req -new -newkey rsa:2048 -nodes -keyout /dev/null \
		-subj "/CN=amt01.corp.example" -out "$BATS_TEST_TMPDIR/req.csr" 2>/dev/null
	run -3 --separate-stderr cert-issue sign --dir "$BATS_TEST_TMPDIR/ca" --template "$d/frac.json" \
		--csr "$BATS_TEST_TMPDIR/req.csr"
	[[ "$stderr" == *"$want"* ]]
	run -0 cert-issue list --dir "$BATS_TEST_TMPDIR/ca"
	[ "$(lines_of cert)" -eq 0 ]
	# a whole number is taken as it is (was: 1.5 read as 0 and the 365-day default)
	jq '.validity_days = 2 | .renewal_days = 1' "$CK_TOP/templates/amt-web-server.json" >"$d/two.json"
	run -0 cert-issue sign --dir "$BATS_TEST_TMPDIR/ca" --template "$d/two.json" --csr "$BATS_TEST_TMPDIR/req.csr"
	nb=$(printf '%s\n' "$output" | jq -r 'select(.kind == "cert") | .not_before')
	na=$(printf '%s\n' "$output" | jq -r 'select(.kind == "cert") | .not_after')
	[ $(( $(date -ud "$na" +%s) - $(date -ud "$nb" +%s) )) -eq $((2 * 86400)) ]
}

@test "hostile subjects: cert-issue --subject parses RFC 4514 fully and round-trips cert-read's dn" {
	# every dn cert-read prints reads back to the same name
	for f in "$FIX/read/names.pem" "$FIX/hostile/cn-esc.pem" "$FIX/read/amt-prov.pem" "$FIX/read/ou-dot.pem"; do
		dn=$(cert-read "$f" | jq -r .subject.dn)
		rm -rf "$BATS_TEST_TMPDIR/ca"
		run -0 cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --key-type ec --subject "$dn"
		jq_eq "$output" 'select(.kind == "cert") | .subject.dn' "$dn"
	done
	# hex pairs are bytes (UTF-8 here), escaped specials are characters
	while IFS='|' read -r in want; do
		rm -rf "$BATS_TEST_TMPDIR/ca"
		run -0 cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --key-type ec --subject "$in"
		jq_eq "$output" 'select(.kind == "cert") | .subject.dn' "$want"
	done <<'CASES'
CN=Caf\C3\A9|CN=Café
CN=a\0Ab|CN=a\0Ab
CN=x, O=Example Corp,  C=US|CN=x,O=Example Corp,C=US
CN=a\,b\+c\=d|CN=a\,b\+c=d
CN=\ lead and trail\ |CN=\ lead and trail\ 
CN=host+UID=u1,O=Org|UID=u1+CN=host,O=Org
2.5.4.3=#0c03616263|CN=abc
CASES
	# refused, with a reason, and no CA left behind
	for bad in 'CN=a\00b' 'CN="q"' 'CN=a;b' 'CN=\zz' 'CN=\C3' 'XX=1' 'CN=a,' '=x' 'CN=#0c'; do
		rm -rf "$BATS_TEST_TMPDIR/ca"
		run -3 --separate-stderr cert-issue init --dir "$BATS_TEST_TMPDIR/ca" --key-type ec --subject "$bad"
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "$bad: $stderr"; return 1; }
		[ ! -e "$BATS_TEST_TMPDIR/ca/ca.pem" ]
	done
}

# whole_or_nothing DIR: DIR is absent, or holds a CA that works (key, certificate, ledger).
whole_or_nothing() {
	if [ ! -e "$1" ]; then return 0; fi
	[ -s "$1/ca.key" ] && [ -s "$1/ca.pem" ] && [ -s "$1/ledger.db" ] ||
		{ echo "partial CA in $1: $(ls -A "$1")"; return 1; }
	cert-issue list --dir "$1" >/dev/null || { echo "cert-issue list fails on $1"; return 1; }
}

@test "hostile init: killed with SIGKILL at random points, init leaves no CA or a whole one, and never a parent record without a child" {
	cd "$BATS_TEST_TMPDIR"
	cert-issue init --dir root --key-type ec --subject "CN=Hostile Root CA" >/dev/null
	for i in $(seq 40); do
		if [ $((i % 2)) -eq 0 ]; then
			cert-issue init --dir "ca$i" --key-type ec --subject "CN=Killed $i" >/dev/null 2>&1 &
		else
			cert-issue init --dir "ca$i" --key-type ec --subject "CN=Killed $i" --parent root >/dev/null 2>&1 &
		fi
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		whole_or_nothing "ca$i"
		# where nothing was left, init runs again (was: "a CA is already set up")
		if [ ! -e "ca$i" ]; then
			cert-issue init --dir "ca$i" --key-type ec --subject "CN=Again $i" >/dev/null
			whole_or_nothing "ca$i"
		fi
	done
	# every subordinate the root's ledger holds is a CA that exists whole
	cert-issue list --dir root | jq -r 'select(.template == "subordinate-ca") | .subject' | while read -r s; do
		n=${s#CN=Killed }
		whole_or_nothing "ca$n"
		[ -e "ca$n" ] || { echo "root ledger holds $s, but ca$n does not exist"; return 1; }
	done
}

@test "hostile init: a dangling link at DIR/ca.key stops init before the parent records anything" {
	cd "$BATS_TEST_TMPDIR"
	cert-issue init --dir root --key-type ec --subject "CN=Hostile Root CA" >/dev/null
	mkdir sub
	ln -s /nonexistent/ca.key sub/ca.key
	run -3 --separate-stderr cert-issue init --dir sub --key-type ec --subject "CN=Sub" --parent root
	[[ "$stderr" == *"sub/ca.key': exists; a CA is already set up in 'sub'"* ]]
	[ "$(cert-issue list --dir root | jq -r 'select(.template == "subordinate-ca")' | grep -c .)" -eq 0 ]
	# another file in the way: the rename fails, the parent records nothing, nothing is left
	rm sub/ca.key
	touch sub/notes.txt
	run -3 --separate-stderr cert-issue init --dir sub --key-type ec --subject "CN=Sub" --parent root
	[[ "$stderr" == *"'sub': not empty; a CA goes into a new or empty directory"* ]]
	[ "$(cert-issue list --dir root | jq -r 'select(.template == "subordinate-ca")' | grep -c .)" -eq 0 ]
	[ "$(ls -A sub)" = notes.txt ]
	[ -z "$(ls -A . | grep '\.init-')" ]
	# an empty directory is fine
	rm sub/notes.txt
	run -0 cert-issue init --dir sub --key-type ec --subject "CN=Sub" --parent root
	[ "$(cert-issue list --dir root | jq -r 'select(.template == "subordinate-ca") | .subject')" = "CN=Sub" ]
	whole_or_nothing sub
}

@test "hostile names: a requested subject with ESC and BEL never reaches cert-issue's text output raw" {
	cd "$BATS_TEST_TMPDIR"
	cert-issue init --dir root --subject 'CN=Lab Root' >/dev/null
	openssl req -new -newkey rsa:2048 -nodes -keyout k.pem \
		-subj "/CN=a$(printf '\033')]0;pwn$(printf '\007')b" -out r.csr 2>/dev/null
	run -0 cert-issue sign --dir root --template amt-web-server --csr r.csr --format text
	[[ "$output" == "issued "*'CN=a\1B]0\;pwn\07b until '* ]]
	run -0 cert-issue list --dir root --format text
	[[ "$output" == *"a\\1B]0"* ]]
	cert-issue sign --dir root --template amt-web-server --csr r.csr --format text >out.txt
	cert-issue list --dir root --format text >>out.txt
	! grep -q "$(printf '[\033\007]')" out.txt
}
