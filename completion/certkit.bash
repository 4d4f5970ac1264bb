# bash completion for the certkit tools.
#
# The words come from the tool itself: `TOOL --complete-words [CMD] [PREV]`
# prints what its option table (ck_opt) allows there: the commands, a
# command's own options, or, after an option that takes an argument, a
# hint: @file, @dir, @profile (a policy profile name), @none, or the words
# to offer.  So completion never falls behind the tools, and a command is
# offered only its own options.  Installed once per tool name under
# $(PREFIX)/share/bash-completion/completions/.

# _certkit_profiles: the policy profile names in the data directories.
_certkit_profiles() {
	local dir
	for dir in "${CERTKIT_DATADIR:+$CERTKIT_DATADIR/policy}" ./policy \
	    /usr/local/share/certkit/policy /usr/share/certkit/policy; do
		if [ -z "$dir" ] || [ ! -d "$dir" ]; then continue; fi
		(cd "$dir" && ls -- *.json 2>/dev/null) | sed 's/\.json$//'
	done
}

_certkit() {
	local cur prev tool cmd out
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	tool=${COMP_WORDS[0]}
	# The command of a tool that has commands is the first word; a tool
	# without commands ignores it.
	cmd=
	[ "$COMP_CWORD" -ge 2 ] && cmd=${COMP_WORDS[1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		out=$("$tool" --complete-words 2>/dev/null) || return 0
		# Commands (a tool with commands), or options (then files too).
		if [[ "$cur" == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$out" -- "$cur")
		elif [[ "$out" != --* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(printf '%s\n' "$out" | grep -v '^-')" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	fi
	out=$("$tool" --complete-words "$cmd" "$prev" 2>/dev/null) || return 0
	case "$out" in
	--*)	# options: prev took no argument
		if [[ "$cur" == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$out" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi ;;
	@file)	mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	@dir)	mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	@profile) mapfile -t COMPREPLY < <(compgen -W "$(_certkit_profiles)" -- "$cur") ;;
	@none)	;;
	*)	mapfile -t COMPREPLY < <(compgen -W "$out" -- "$cur") ;;
	esac
	return 0
}

complete -o filenames -F _certkit cert-read cert-chain cert-lint cert-expiry cert-ad cert-tmpl \
	cert-approve cert-issue cert-amt cert-prereq cert-report
