# bash completion for sockit(1).
# It asks the binary being completed for its tables (`sockit --list-commands`,
# `sockit COMMAND --list-options`) each time, so it cannot drift from the program.
# Lines of --list-options are tab-separated: short, long, argument, help, values;
# empty fields are kept, so they are split by hand, not by `read` (which would
# merge two tabs into one).

# _sockit_bin: the sockit that is being completed (./sockit too), or plain `sockit`.
_sockit_bin() {
	local bin=${COMP_WORDS[0]}
	bin=${bin/#\~/$HOME}
	if command -v -- "$bin" >/dev/null 2>&1; then
		printf '%s\n' "$bin"
	else
		printf 'sockit\n'
	fi
}

# _sockit_reply WORDS...: the words that start with $cur.
_sockit_reply() {
	local w
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _sockit_files: file names that start with $cur.
_sockit_files() {
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

# _sockit_target: --to's value: `unix:` then file names after it (HOST:PORT: nothing).
_sockit_target() {
	if [[ $cur == unix:* ]]; then
		cur=${cur#unix:}
		_sockit_files
		COMPREPLY=("${COMPREPLY[@]/#/unix:}")
	elif [[ unix: == "$cur"* ]]; then
		COMPREPLY=(unix:)
		compopt -o nospace 2>/dev/null
	fi
}

# _sockit_value BIN COMMAND OPTION: completes the value of OPTION; returns 1 if
# OPTION is not one of COMMAND's options that take a value.
_sockit_value() {
	local bin=$1 command=$2 option=$3 line short long arg rest values
	while IFS= read -r line; do
		short=${line%%$'\t'*}
		rest=${line#*$'\t'}
		long=${rest%%$'\t'*}
		rest=${rest#*$'\t'}
		arg=${rest%%$'\t'*}
		values=${line##*$'\t'}
		[[ $option == "$short" || $option == "$long" ]] || continue
		[[ -n $arg ]] || return 1
		if [[ -n $values ]]; then
			# shellcheck disable=SC2086 # the values are space-separated words
			_sockit_reply $values
		elif [[ $long == --unix || $long == --quotes || $long == --output ||
			$arg == FILE || $arg == PATH || $arg == DIR ]]; then
			_sockit_files
		elif [[ $arg == PROG ]]; then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur") # -e: a program in PATH
		elif [[ $arg == TARGET ]]; then
			_sockit_target # --to: unix:PATH; a HOST:PORT has nothing to offer
		else
			COMPREPLY=() # a number, an address, a text: nothing to offer
		fi
		return 0
	done < <("$bin" "$command" --list-options 2>/dev/null)
	return 1
}

# _sockit_options BIN COMMAND: the options of COMMAND that start with $cur; the
# long forms only once `--` is typed, as other tools do.
_sockit_options() {
	local bin=$1 command=$2 line short rest long
	local -a words=()
	while IFS= read -r line; do
		short=${line%%$'\t'*}
		rest=${line#*$'\t'}
		long=${rest%%$'\t'*}
		[[ -n $short && $cur != --* ]] && words+=("$short")
		[[ -n $long ]] && words+=("$long")
	done < <("$bin" "$command" --list-options 2>/dev/null)
	_sockit_reply "${words[@]}"
}

_sockit() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local bin command option prefix=
	local -a commands
	COMPREPLY=()
	bin=$(_sockit_bin)
	mapfile -t commands < <("$bin" --list-commands 2>/dev/null)

	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			_sockit_reply --help --version
		else
			_sockit_reply "${commands[@]}" help
		fi
		return 0
	fi
	command=${COMP_WORDS[1]}
	if [[ $command == help ]]; then
		((COMP_CWORD == 2)) && _sockit_reply "${commands[@]}"
		return 0
	fi
	local i
	for ((i = 2; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] && return 0 # operands only from here on
	done

	# --opt=value: bash splits it at `=` (COMP_WORDBREAKS), into --opt, =, value
	if [[ $cur == = ]]; then
		option=$prev
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD >= 3)); then
		option=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then # `=` taken out of COMP_WORDBREAKS
		option=${cur%%=*}
		prefix=$option=
		cur=${cur#*=}
	else
		option=$prev
	fi
	# --to unix:PATH with `:` in COMP_WORDBREAKS: the words are --to, unix, :, PATH
	if [[ $prev == : && ${COMP_WORDS[COMP_CWORD - 2]} == unix &&
		${COMP_WORDS[COMP_CWORD - 3]} == --to ]]; then
		_sockit_files
		return 0
	fi
	if [[ $option == -* && $option != -- ]] && _sockit_value "$bin" "$command" "$option"; then
		[[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi
	cur=$prefix$cur
	if [[ $cur == -* ]]; then
		_sockit_options "$bin" "$command"
	fi
	return 0
}

complete -F _sockit sockit
