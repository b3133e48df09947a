#!/usr/bin/env bats
# 05-completions: the bash, fish and zsh completions offer exactly what the binary's own
# tables list, for every command (they are generated from those tables, so they cannot drift).

load helpers

COMPLETIONS=$BATS_TEST_DIRNAME/../completions

# use_built: the completions run `sockit` from PATH, so the binary under test must be
# the one found there.
use_built() {
	local dir
	dir=$(cd "$(dirname "$SOCKIT")" && pwd)
	[ "$(basename "$SOCKIT")" = sockit ] || skip "the binary under test is not named sockit"
	PATH=$dir:$PATH
	export PATH
	[ "$(command -v sockit)" = "$dir/sockit" ]
}

# bash_complete WORDS...: what the bash completion offers when the cursor ends the
# last word (bash splits `--opt=value` into `--opt`, `=`, `value` itself).
bash_complete() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash --norc --noprofile -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_sockit
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/sockit.bash" "$@"
}

# fish_complete LINE: the candidates fish offers for LINE, without descriptions.
fish_complete() {
	# shellcheck disable=SC2016 # fish's own variables
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$COMPLETIONS/sockit.fish" "$1" | cut -f1
}

# zsh_complete LINE: the matches zsh's completion system offers when TAB is pressed
# after LINE, from an interactive zsh on a pseudo-terminal with the completions'
# directory first in fpath; compadd is wrapped to print each match it adds.
zsh_complete() {
	cat >"$T/zcomp.zsh" <<'EOF'
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z 'PS1= ; unsetopt zle_bracketed_paste 2>/dev/null'
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
# the markers are split in what is typed, so that its echo is not taken for them
zpty -w z 'compadd() { local -a m; builtin compadd -O m "$@"; print -rl -- ${m/#/"<<"M">>"}; builtin compadd "$@" }'
zpty -w z 'bindkey "^I" complete-word'
# typing ahead of the prompt is lost: wait for the shell to be idle first
zpty -w z 'print -r -- "<<"READY">>"'
out=
while [[ $out != *'<<READY>>'* ]] && (( SECONDS < 30 )); do
	zpty -r -t z line || sleep 0.05
	out+=$line
done
zpty -w -n z "$2"$'\t'
zpty -w z $'\C-u'
zpty -w z 'print -r -- "<<"DONE">>"'
out=
while [[ $out != *'<<DONE>>'* ]] && (( SECONDS < 30 )); do
	zpty -r -t z line || sleep 0.05
	out+=$line
done
zpty -d z
print -r -- $out
EOF
	timeout 60 zsh -f "$T/zcomp.zsh" "$COMPLETIONS" "$1" | tr -d '\r' |
		grep -ao '<<M>>[^<]*' | sed 's/^<<M>>//; s/[[:space:]]*$//'
}

# same_set NAME EXPECTED GOT: the two lists hold the same words, each once at least.
same_set() {
	sort -u "$2" >"$T/$1.want"
	sort -u "$3" >"$T/$1.got"
	diff -u "$T/$1.want" "$T/$1.got" && return 0
	echo "$1: the completion's offer differs from the binary's table (above)" >&2
	return 1
}

# commands: the command words, as `sockit --list-commands` gives them, and `help`.
commands() {
	sockit --list-commands
	echo help
}

# long_options COMMAND: the long options of COMMAND --list-options.
long_options() {
	sockit "$1" --list-options | cut -f2
}

# proto_values: the --proto values of serve, one a line.
proto_values() {
	sockit serve --list-options | awk -F '\t' '$2 == "--proto" { print $5 }' | tr ' ' '\n'
}

@test "bash: the completion is registered for sockit and is valid bash" {
	use_built
	bash -n "$COMPLETIONS/sockit.bash"
	run bash --norc --noprofile -c 'source "$1"; complete -p sockit' _ "$COMPLETIONS/sockit.bash"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -F _sockit sockit" ]
}

@test "bash: offers every command, and nothing else" {
	use_built
	commands >"$T/want"
	bash_complete sockit "" >"$T/got"
	same_set commands "$T/want" "$T/got"
	bash_complete sockit help "" >"$T/got"
	sockit --list-commands >"$T/want"
	same_set help "$T/want" "$T/got"
	[ "$(bash_complete sockit con)" = connect ]
}

@test "bash: offers every long option of each command, and nothing else" {
	use_built
	local cmd
	for cmd in $(sockit --list-commands); do
		long_options "$cmd" >"$T/want"
		bash_complete sockit "$cmd" -- >"$T/got"
		same_set "$cmd" "$T/want" "$T/got"
	done
	# options stand anywhere: after an operand, after another option's value
	long_options connect >"$T/want"
	bash_complete sockit connect localhost -w 5 -- >"$T/got"
	same_set connect-later "$T/want" "$T/got"
	# after `--` there are only operands
	[ -z "$(bash_complete sockit connect -- --)" ]
}

@test "bash: offers the --proto values, in every form of the option" {
	use_built
	proto_values >"$T/want"
	bash_complete sockit serve --proto "" >"$T/got"
	same_set proto "$T/want" "$T/got"
	bash_complete sockit serve -p "" >"$T/got"
	same_set proto-short "$T/want" "$T/got"
	bash_complete sockit serve --proto = "" >"$T/got"
	same_set proto-eq "$T/want" "$T/got"
	[ "$(bash_complete sockit serve --proto = ra)" = raw ]
	# a value that is not a choice gets no offer
	[ -z "$(bash_complete sockit connect --timeout "")" ]
}

@test "bash: completes file names after -U and --unix" {
	use_built
	mkdir "$T/d"
	: >"$T/d/one.sock"
	: >"$T/d/two.txt"
	[ "$(bash_complete sockit connect -U "$T/d/o")" = "$T/d/one.sock" ]
	[ "$(bash_complete sockit serve --unix "$T/d/t")" = "$T/d/two.txt" ]
}

@test "bash and fish: --to completes unix: and the file names after it" {
	use_built
	mkdir "$T/d"
	: >"$T/d/one.sock"
	[ "$(bash_complete sockit serve --to u)" = unix: ]
	[ "$(bash_complete sockit serve --to "unix:$T/d/o")" = "unix:$T/d/one.sock" ]
	# bash splits the word at `:` when COMP_WORDBREAKS holds it
	[ "$(bash_complete sockit serve --to unix : "$T/d/o")" = "$T/d/one.sock" ]
	[ -z "$(bash_complete sockit serve --to 127.0.0.1)" ]
	command -v fish >/dev/null || skip "fish is not installed"
	[ "$(fish_complete "sockit serve --to unix:$T/d/o")" = "unix:$T/d/one.sock" ]
}

@test "fish: offers every command, and nothing else" {
	command -v fish >/dev/null || skip "no fish"
	use_built
	fish -n "$COMPLETIONS/sockit.fish"
	commands >"$T/want"
	fish_complete "sockit " >"$T/got"
	same_set commands "$T/want" "$T/got"
	[ "$(fish_complete "sockit con")" = connect ]
}

@test "fish: offers every long option of each command, and the --proto values" {
	command -v fish >/dev/null || skip "no fish"
	use_built
	local cmd
	for cmd in $(sockit --list-commands); do
		long_options "$cmd" >"$T/want"
		fish_complete "sockit $cmd --" >"$T/got"
		same_set "$cmd" "$T/want" "$T/got"
	done
	proto_values >"$T/want"
	fish_complete "sockit serve --proto " >"$T/got"
	same_set proto "$T/want" "$T/got"
	proto_values | sed 's/^/--proto=/' >"$T/want"
	fish_complete "sockit serve --proto=" >"$T/got"
	same_set proto-eq "$T/want" "$T/got"
}

@test "fish and bash: with no sockit on PATH, Tab offers nothing and prints nothing" {
	command -v fish >/dev/null || skip "no fish"
	local line bin=$T/bin
	# a PATH with the shells alone, no sockit in it
	mkdir "$bin"
	ln -s "$(command -v fish)" "$bin/fish"
	ln -s "$(command -v bash)" "$bin/bash"
	for line in "sockit " "sockit -" "sockit serve --" "sockit serve --proto " "sockit help "; do
		# shellcheck disable=SC2016 # fish's own variables
		PATH=$bin fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
			"$COMPLETIONS/sockit.fish" "$line" >"$T/out" 2>"$T/err"
		file_is "$T/out" || { echo "fish, for '$line'" >&2 && return 1; }
		file_is "$T/err" || { echo "fish, for '$line'" >&2 && return 1; }
	done
	for line in "sockit " "sockit serve --" "sockit serve --proto "; do
		# shellcheck disable=SC2086 # the line is words
		PATH=$bin bash_complete $line >"$T/out" 2>"$T/err"
		file_is "$T/err" || { echo "bash, for '$line'" >&2 && return 1; }
		# (an empty COMPREPLY prints as one empty line)
		[ "$(cat "$T/out")" = "" ] || { echo "bash, for '$line': $(cat "$T/out")" >&2 && return 1; }
	done
}

@test "zsh: offers every command, the long options of connect and the --proto values" {
	command -v zsh >/dev/null || skip "no zsh"
	use_built
	zsh -n "$COMPLETIONS/_sockit"
	commands >"$T/want"
	zsh_complete "sockit " >"$T/got"
	same_set commands "$T/want" "$T/got"
	long_options connect >"$T/want"
	zsh_complete "sockit connect --" >"$T/got"
	same_set connect "$T/want" "$T/got"
	proto_values >"$T/want"
	zsh_complete "sockit serve --proto " >"$T/got"
	same_set proto "$T/want" "$T/got"
}

# progs_on_path: two programs sockit-prog-one and -two first on PATH; $T/want names them.
progs_on_path() {
	use_built
	mkdir "$T/bin"
	printf '#!/bin/sh\n' >"$T/bin/sockit-prog-one"
	printf '#!/bin/sh\n' >"$T/bin/sockit-prog-two"
	chmod +x "$T/bin"/*
	PATH=$T/bin:$PATH
	printf '%s\n' sockit-prog-one sockit-prog-two >"$T/want"
}

@test "bash: -e and --exec complete program names from PATH" {
	progs_on_path
	bash_complete sockit serve -e sockit-prog- >"$T/got"
	same_set bash "$T/want" "$T/got"
	bash_complete sockit connect --exec = sockit-prog- >"$T/got"
	same_set bash-eq "$T/want" "$T/got"
}

@test "fish and zsh: -e and --exec complete program names from PATH" {
	command -v fish >/dev/null || skip "no fish"
	command -v zsh >/dev/null || skip "no zsh"
	progs_on_path
	fish_complete "sockit serve -k --exec sockit-prog-" >"$T/got"
	same_set fish "$T/want" "$T/got"
	zsh_complete "sockit connect -e sockit-prog-" >"$T/got"
	same_set zsh "$T/want" "$T/got"
}
