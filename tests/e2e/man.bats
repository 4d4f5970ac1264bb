#!/usr/bin/env bats
# The man pages: lint-clean, one per tool, and every EXAMPLES command
# ("$ ..." lines) appears verbatim in an end-to-end test that runs it.
bats_require_minimum_version 1.5.0
load helper

# examples PAGE: the "$ " lines of the EXAMPLES section of an mdoc page.
examples() {
	awk '/^\.Sh EXAMPLES/{f=1;next} /^\.Sh /{f=0} f && /^\$ /{sub(/^\$ /,""); print}' "$1"
}

@test "man: every tool has a page, and the overview pages exist" {
	for src in "$CK_TOP"/certtool/cert-*.c; do
		t=$(basename "$src" .c)
		[ -f "$CK_TOP/man/$t.1" ] || { echo "no man/$t.1" >&2; return 1; }
	done
	[ -f "$CK_TOP/man/certkit-records.5" ]
	[ -f "$CK_TOP/man/certkit.7" ]
}

@test "man: mandoc -Tlint finds nothing to warn about" {
	require_cmd mandoc
	for m in "$CK_TOP"/man/*.[157]; do
		out=$(mandoc -Tlint -W warning "$m" 2>&1 || true)
		# Cross references to pages of other projects are not errors here.
		out=$(printf '%s\n' "$out" | grep -v 'referenced manual not found' || true)
		[ -z "$out" ] || { echo "$out" >&2; return 1; }
	done
}

@test "man: every EXAMPLES command is run verbatim by a test" {
	missing=0
	for m in "$CK_TOP"/man/*.[157]; do
		while IFS= read -r cmd; do
			[ -n "$cmd" ] || continue
			# mdoc escapes: \e is a backslash, \(aq a quote, \- a hyphen.
			plain=$(printf '%s' "$cmd" | sed 's/\\e/\\/g; s/\\(aq/'"'"'/g; s/\\-/-/g; s/\\&//g')
			if ! grep -rqF -- "$plain" "$CK_TOP"/tests/e2e/*.bats; then
				echo "$(basename "$m"): not tested: $plain" >&2
				missing=$((missing + 1))
			fi
		done < <(examples "$m")
	done
	[ "$missing" -eq 0 ]
}

@test "man: each tool page has the sections users look for" {
	for m in "$CK_TOP"/man/cert-*.1; do
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -q "^\.Sh $s" "$m" || { echo "$(basename "$m"): no $s" >&2; return 1; }
		done
	done
}

# synopsis PAGE: the SYNOPSIS section as rendered, on one line.
synopsis() {
	mandoc -Tascii "$1" | col -b | awk '/^SYNOPSIS/{f=1;next} /^[A-Z]/{f=0} f' |
		tr '\t\n' '  ' | tr -s ' ' | sed 's/^ //; s/ $//'
}

# usage TOOL: the usage paragraph of TOOL --help (up to the first blank
# line), without "usage: ", on one line.
usage() {
	"$1" --help | sed '/^$/q' | sed '1s/^usage: //' | tr '\t\n' '  ' | tr -s ' ' |
		sed 's/^ //; s/ $//'
}

@test "man: every tool's usage text (--help, generated from its option table) equals its SYNOPSIS" {
	require_cmd mandoc
	n=0
	for bin in "$CK_BIN"/cert-*; do
		t=$(basename "$bin")
		[ -f "$CK_TOP/man/$t.1" ] || { echo "no man/$t.1" >&2; return 1; }
		syn=$(synopsis "$CK_TOP/man/$t.1")
		use=$(usage "$bin")
		[ "$syn" = "$use" ] || { printf '%s:\n man:   %s\n usage: %s\n' "$t" "$syn" "$use" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 8 ]
}

@test "usage: an operand where a tool or command takes none is refused in one form, with the usage" {
	while IFS='|' read -r cmd want; do
		# shellcheck disable=SC2086
		run -3 --separate-stderr $cmd
		[ "${stderr_lines[0]}" = "$want" ] || { echo "$cmd: ${stderr_lines[0]}" >&2; return 1; }
		[[ "${stderr_lines[1]}" == "usage: "* ]] || { echo "$cmd: no usage" >&2; return 1; }
		[ -z "$output" ]
	done <<'EOF'
cert-ad --uri ldap://127.0.0.1:1 stray|cert-ad: unexpected argument 'stray'
cert-tmpl list stray|cert-tmpl: list: unexpected argument 'stray'
cert-amt hello --listen 127.0.0.1:0 stray|cert-amt: hello: unexpected argument 'stray'
cert-issue list --dir /nonexistent stray|cert-issue: list: unexpected argument 'stray'
cert-issue show --dir /nonexistent 1 2|cert-issue: show: unexpected argument '2'
cert-issue show --dir /nonexistent|cert-issue: show: missing ID|SERIAL
EOF
}

# complete WORD...: what bash completion offers for the command line WORD...
# (the last word is the one being completed), one per line, sorted.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/"); "$f"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$CK_TOP/completion/certkit.bash" "$@" | sort
}

@test "completion: every tool is registered, and asks the tool for its words" {
	for bin in "$CK_BIN"/cert-*; do
		t=$(basename "$bin")
		run -0 bash -c "source '$CK_TOP/completion/certkit.bash'; complete -p $t"
		[[ "$output" == *"-F _certkit"* ]]
		# Every option the --help list shows is offered: by the tool, or
		# (a tool with commands) by one of its commands.
		words=$("$bin" --complete-words)
		for c in $(printf '%s\n' "$words" | grep -v '^-' || true); do
			words="$words $("$bin" --complete-words "$c")"
		done
		for o in $("$bin" --help | sed -n '/^options:/,$p' | grep -oE -- '--[a-z0-9-]+' | sort -u); do
			[[ " $(echo $words) " == *" $o "* ]] || { echo "$t: $o not offered" >&2; return 1; }
		done
	done
	run -0 complete_words cert-read --no
	[ "$output" = "--no-pem" ]
	run -0 complete_words cert-chain --format ""
	[ "$output" = "$(printf 'json\ntext')" ]
	run -0 complete_words cert-chain --ca-key-alg ed
	[ "$output" = "$(printf 'ed25519\ned448')" ]
	run -0 complete_words cert-read --sni ""
	[ -z "$output" ]
	cd "$BATS_TEST_TMPDIR"
	mkdir sub && touch sub/x.csr file.pem
	run -0 complete_words cert-chain --roots fi
	[ "$output" = file.pem ]
	run -0 complete_words cert-issue init --dir s
	[ "$output" = sub ]
	CERTKIT_DATADIR=$CK_TOP run -0 complete_words cert-lint --profile amt-web
	[[ "$output" == *amt-web-server* ]]
}

@test "completion: a command is offered its own options only" {
	run -0 complete_words cert-issue ""
	[ "$output" = "$(printf '%s\n' approve crl deny enroll init list revoke show sign)" ]
	run -0 complete_words cert-issue enroll --
	[[ "$output" == *--url* ]]
	[[ "$output" == *--profile* ]]
	[[ "$output" != *--dir* ]]
	[[ "$output" != *--template* ]]
	run -0 complete_words cert-issue sign --
	[[ "$output" == *--template* ]]
	[[ "$output" == *--csr* ]]
	[[ "$output" != *--url* ]]
	[[ "$output" != *--path-len* ]]
	run -0 complete_words cert-issue list --status p
	[ "$output" = pending ]
	run -0 complete_words cert-tmpl generate --format ""
	[ "$output" = "$(printf 'json\nldif')" ]
	run -0 complete_words cert-tmpl list --format ""
	[ "$output" = "$(printf 'json\ntext')" ]
	# Deprecated spellings are accepted but not offered.
	run -0 complete_words cert-ad --pass
	[ -z "$output" ]
	run -0 complete_words cert-ad --bind-pass
	[ "$output" = "$(printf '%s\n' --bind-password-env --bind-password-file)" ]
}

@test "man cert-read: EXAMPLES run on a sample PKI" {
	cd "$BATS_TEST_TMPDIR"
	cp "$FIX/read/chain.pem" chain.pem
	mkdir ca
	cp "$FIX/read/root.pem" "$FIX/read/rsa4096-ca.pem" "$FIX/read/inter.pem" ca/
	cp "$FIX/read/amt-prov.p12" provisioning.p12
	cp "$FIX/read/p12-password.txt" pw.txt
	run -0 bash -c "cert-read chain.pem | jq -r .subject.dn"
	[ "${lines[2]}" = "CN=Example Root CA,O=Example Corp,C=US" ]
	run -0 bash -c "cert-read -r ca/ | jq -r 'select(.ca and .key.bits > 2048) | .subject.dn'"
	[ "$output" = "CN=Big Key CA,O=Example Corp" ]
	run -0 bash -c "cert-read --password-file pw.txt provisioning.p12 | jq -c '{cn: .subject.cn, amt}'"
	[ "${lines[0]}" = '{"cn":"provisionserver.corp.example.com","amt":{"provisioning_oid":true,"setup_ou":true}}' ]
	run -0 cert-read --format text chain.pem
	[ "${#lines[@]}" -eq 3 ]
}

@test "man cert-read: the AMT TLS port example against openssl s_server on 16993" {
	require_cmd openssl
	if (exec 3<>/dev/tcp/127.0.0.1/16993) 2>/dev/null; then skip "port 16993 is in use"; fi
	cd "$BATS_TEST_TMPDIR"
	openssl s_server -accept 127.0.0.1:16993 -cert "$FIX/read/root.pem" -key "$FIX/read/root.key" -quiet >/dev/null 2>&1 &
	pid=$!
	wait_port 16993
	run -0 bash -c "cert-read tls://127.0.0.1:16993 | jq -r '.subject.cn'"
	kill "$pid" 2>/dev/null || true
	[ "$output" = "Example Root CA" ]
}

@test "man: certkit-records(5) documents every field of every record kind's schema" {
	missing=0
	for s in "$CK_TOP"/tests/schema/*.schema.json; do
		kind=$(basename "$s" .schema.json)
		[ "$kind" = finding ] && continue
		grep -q "^\.Ss $kind\$" "$CK_TOP/man/certkit-records.5" || [ "$kind" = error ] ||
			{ echo "no section for $kind" >&2; missing=$((missing + 1)); }
		for f in $(jq -r '.properties | keys[]' "$s"); do
			case $f in kind|v) continue ;; esac
			if ! grep -qE "Cm ([a-z_]+ , )*$f( |,|\$)|Cm $f\$|Cm [a-z_ ,]* $f( |\$)" "$CK_TOP/man/certkit-records.5"; then
				echo "$kind.$f is not documented" >&2
				missing=$((missing + 1))
			fi
		done
	done
	[ "$missing" -eq 0 ]
}
