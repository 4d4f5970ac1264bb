# bash completion for the certkit tools (cert-read, cert-chain, cert-lint,
# cert-expiry, cert-ad, cert-tmpl, cert-approve, cert-issue).
#
# Options are taken from each tool's own --help, so completion never falls
# behind the tools.  Installed once per tool name under
# $(PREFIX)/share/bash-completion/completions/.

_certkit_words() {
	# Options: every --long and -s word in the usage text.
	"$1" --help 2>/dev/null | grep -oE -- '(^|[[ |])--?[a-zA-Z][a-zA-Z0-9-]*' |
		sed 's/^[[ |]//' | sort -u
}

_certkit_commands() {
	# Sub-commands: lines "usage: TOOL COMMAND ..." / "       TOOL COMMAND ...".
	"$1" --help 2>/dev/null | sed -n "s/^ *\(usage: \)\{0,1\}$1 \([a-z][a-z-]*\).*/\2/p" | sort -u
}

_certkit() {
	local cur prev tool words
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	tool=${COMP_WORDS[0]##*/}

	case "$prev" in
	--format)
		COMPREPLY=($(compgen -W "json text nagios prometheus ldif cfssl" -- "$cur"))
		return 0 ;;
	--profile|--policy)
		local dir
		# cert-lint --policy takes a profile file; --profile a name.
		if [ "$tool" = cert-lint ] && [ "$prev" = --policy ]; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return 0
		fi
		for dir in ./policy /usr/local/share/certkit/policy /usr/share/certkit/policy; do
			[ -d "$dir" ] && COMPREPLY+=($(compgen -W "$(cd "$dir" && ls *.json 2>/dev/null | sed 's/\.json$//')" -- "$cur"))
		done
		return 0 ;;
	--purpose)
		COMPREPLY=($(compgen -W "server client any" -- "$cur"))
		return 0 ;;
	--key-type)
		COMPREPLY=($(compgen -W "rsa ec" -- "$cur"))
		return 0 ;;
	--ca-key-alg)
		COMPREPLY=($(compgen -W "rsa ec dsa ed25519 ed448" -- "$cur"))
		return 0 ;;
	--what)
		COMPREPLY=($(compgen -W "templates cas ntauth aia cdp oids all none" -- "$cur"))
		return 0 ;;
	--fail-on)
		COMPREPLY=($(compgen -W "critical warning" -- "$cur"))
		return 0 ;;
	--sasl)
		COMPREPLY=($(compgen -W "gssapi" -- "$cur"))
		return 0 ;;
	--password-env|--sni|--jobs|--timeout|--at|--warn|--crit|--bind-dn|--requester|--ca|--principal|--subject|--san|--days|--bits|--uri|--base|--amt-version|--max-ca-bits|--min-bits|--max-depth|--host|--reason|--status|--url|--profile-name|--label|--name|--oid-base|--enroll|--forest-dn|--template|--max-entries|--listen|--count|--max-connections)
		return 0 ;;
	--dir|--parent|--templates|--roots)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_certkit_words "$tool")" -- "$cur"))
		return 0
	fi
	if [ "$COMP_CWORD" -eq 1 ]; then
		words=$(_certkit_commands "$tool")
		if [ -n "$words" ]; then
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return 0
		fi
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _certkit cert-read cert-chain cert-lint cert-expiry cert-ad cert-tmpl cert-approve cert-issue cert-amt
