#!/usr/bin/env bats
# shellcheck disable=SC2153 # PEER_PORT, RC: set by helpers.bash
# 00-cli: the command line itself: version, help, the command table, option parsing and
# the tables the completions read (sockit(1) SYNOPSIS and "Common options").

load helpers

bats_require_minimum_version 1.5.0

# commands_in_help: the command names `sockit help` lists, one a line.
commands_in_help() {
	"$SOCKIT" help | sed -n '/^Commands:$/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# not_a_command NAME LINE: `sockit NAME` is exit 2 with exactly LINE on stderr.
not_a_command() {
	run_io c "$SOCKIT" "$1"
	rc_is c 2 || return 1
	file_is "$T/c.out" || return 1
	file_is "$T/c.err" "$2"
}

# value_for ARGNAME: a valid value for an option whose argument is named ARGNAME.
value_for() {
	case $1 in
	SECS) echo 1 ;;
	N) echo 64 ;;
	PATH | FILE) echo /dev/null ;;
	ADDR | ADDR\[:PORT\]) echo 127.0.0.1 ;;
	CIDR) echo 10.0.0.0/8 ;;
	NAME) echo raw ;;
	PIN) echo sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ;;
	TARGET) echo 127.0.0.1:80 ;;
	VERSION) echo 1 ;;
	*) echo x ;;
	esac
}

# check_option_list COMMAND: COMMAND --list-options is one line per option, five
# tab-separated fields (short, long, argument, help, values), the same options --help
# shows, and the parser takes each of them.
check_option_list() {
	local cmd=$1 short long arg help values lead
	run_io list "$SOCKIT" "$cmd" --list-options
	rc_is list 0 || return 1
	file_is "$T/list.err" || return 1
	[ -s "$T/list.out" ] || return 1
	if awk -F'\t' 'NF != 5' "$T/list.out" | grep -q .; then
		echo "lines without exactly five fields:" >&2
		awk -F'\t' 'NF != 5' "$T/list.out" | cat -A >&2
		return 1
	fi
	"$SOCKIT" "$cmd" --help >"$T/help.out"
	# (tabs would run together as IFS, so they become the unit separator, which does not)
	while IFS=$'\037' read -r short long arg help values; do
		[[ $short =~ ^(-[[:alnum:]])?$ ]] || { echo "bad short '$short'" >&2; return 1; }
		[[ $long =~ ^--[a-z0-9-]+$ ]] || { echo "bad long '$long'" >&2; return 1; }
		[[ $arg =~ ^([A-Z][][A-Z:]*)?$ ]] || { echo "bad argument '$arg'" >&2; return 1; }
		[ -n "$help" ] || { echo "$long has no help" >&2; return 1; }
		[[ $values =~ ^([a-z0-9-]+( [a-z0-9-]+)*)?$ ]] || { echo "bad values '$values'" >&2; return 1; }
		lead="    "
		[ -z "$short" ] || lead="$short, "
		grep -qF -- "  $lead$long${arg:+ $arg} " "$T/help.out" ||
			{ echo "$long is not in --help as listed" >&2; return 1; }
		if [ -n "$arg" ]; then
			"$SOCKIT" "$cmd" "$long=$(value_for "$arg")" --help >/dev/null ||
				{ echo "$cmd does not take $long=$(value_for "$arg")" >&2; return 1; }
		else
			"$SOCKIT" "$cmd" "$long" --help >/dev/null ||
				{ echo "$cmd does not take $long" >&2; return 1; }
		fi
	done < <(tr '\t' '\037' <"$T/list.out")
	# and --help shows nothing the list leaves out
	[ "$(grep -cE '^ +-' "$T/help.out")" -eq "$(grep -c . "$T/list.out")" ]
}

@test "cli: --version prints the Makefile's version and the TLS library on stdout, exit 0" {
	version=$(sed -n 's/^VERSION *= *//p' "$BATS_TEST_DIRNAME/../Makefile")
	run_io c "$SOCKIT" --version
	rc_is c 0
	[ "$(sed -n 1p "$T/c.out")" = "sockit $version" ]
	sed -n 2p "$T/c.out" | grep -qE '^tls: (OpenSSL 3\.[0-9.]+[a-z]* \(loaded on use\)|unavailable \(libssl\.so\.3 not found\))$'
	[ "$(wc -l < "$T/c.out")" -eq 2 ]
	file_is "$T/c.err"
}

@test "cli: help, --help and -h print the usage and every command on stdout, exit 0" {
	for args in help --help -h; do
		run_io c "$SOCKIT" "$args"
		rc_is c 0
		file_is "$T/c.err"
		[ "$(head -n 1 "$T/c.out")" = "usage: sockit COMMAND [OPTIONS] [ARGS]" ]
		grep -q '^Exit status: 0 ok, 1 no, 2 usage, 3 resolve, 4 network, 5 timeout,$' "$T/c.out"
		for cmd in connect serve; do
			grep -qE "^  $cmd +[a-z]" "$T/c.out"
		done
	done
}

@test "cli: help connect, connect --help and connect -h: the same usage on stdout, exit 0" {
	for cmd in connect serve; do
		run_io want "$SOCKIT" help "$cmd"
		rc_is want 0
		file_is "$T/want.err"
		[ "$(head -n 1 "$T/want.out")" = "usage: sockit $cmd [OPTIONS] $([ "$cmd" = connect ] &&
			echo 'HOST PORT' || echo '[[ADDR] PORT]     (PORT defaults to 4242, 0 = any free)')" ]
		grep -q '^Options:$' "$T/want.out"
		for args in --help -h "127.0.0.1 --help"; do
			# shellcheck disable=SC2086 # the words of args
			run_io c "$SOCKIT" "$cmd" $args
			rc_is c 0
			file_is "$T/c.err"
			same_file "$T/want.out" "$T/c.out"
		done
	done
}

@test "cli: help with an unknown command is exit 2" {
	run_io c "$SOCKIT" help nosuch
	rc_is c 2
	file_is "$T/c.out"
	file_is "$T/c.err" "sockit: 'nosuch' is not a command; see 'sockit help'"
}

@test "cli: no command: the usage on stderr, exit 2" {
	run_io c "$SOCKIT"
	rc_is c 2
	file_is "$T/c.out"
	[ "$(head -n 1 "$T/c.err")" = "usage: sockit COMMAND [OPTIONS] [ARGS]" ]
}

@test "cli: an unknown command suggests the nearest one, exit 2" {
	not_a_command conect "sockit: 'conect' is not a command; did you mean 'connect'?"
	not_a_command connetc "sockit: 'connetc' is not a command; did you mean 'connect'?"
	not_a_command con "sockit: 'con' is not a command; did you mean 'connect'?"
	not_a_command Connect "sockit: 'Connect' is not a command; did you mean 'connect'?"
	not_a_command serv "sockit: 'serv' is not a command; did you mean 'serve'?"
	not_a_command sreve "sockit: 'sreve' is not a command; did you mean 'serve'?"
	not_a_command xyzzy "sockit: 'xyzzy' is not a command; see 'sockit help'"
	# the rule of options too: a word under 6 bytes gets a name one edit away only
	not_a_command wt "sockit: 'wt' is not a command; see 'sockit help'"
	long=$(printf '%0100d' 0 | tr 0 z)
	not_a_command "$long" "sockit: '${long:0:40}' is not a command; see 'sockit help'"
}

@test "cli: an unknown option is exit 2 and named, with a pointer to --help" {
	usage_error "sockit: connect: unknown option '--bogus'" connect --bogus 127.0.0.1 1
	[ "$(sed -n 2p "$T/usage.err")" = "Try 'sockit connect --help'." ]
	usage_error "sockit: connect: unknown option '-Z'" connect 127.0.0.1 1 -Z
	usage_error "sockit: connect: unknown option '-Z'" connect -4Z 127.0.0.1 1
	usage_error "sockit: serve: unknown option '--nope'" serve --nope
	[ "$(sed -n 2p "$T/usage.err")" = "Try 'sockit serve --help'." ]
	usage_error "sockit: serve: unknown option '-Y'" serve 0 -Y
	usage_error "sockit: connect: option '--no-shutdown' takes no value" \
		connect --no-shutdown=1 127.0.0.1 1
	usage_error "sockit: connect: option '--send' needs a value" connect 127.0.0.1 1 --send
	usage_error "sockit: unknown option '--bogus' (options come after the command)" --bogus
}

@test "cli: an unknown long option close to a real one gets a 'did you mean'" {
	usage_error "sockit: connect: unknown option '--timout'; did you mean '--timeout'?" \
		connect --timout 3 127.0.0.1 1
	usage_error "sockit: serve: unknown option '--max-client'; did you mean '--max-clients'?" \
		serve --max-client=5 0
	usage_error "sockit: http-get: unknown option '--locaton'; did you mean '--location'?" \
		http-get --locaton http://127.0.0.1:1/
	# a prefix of exactly one option's name is named too (no abbreviations are taken)
	usage_error "sockit: resolve: unknown option '--rev'; did you mean '--reverse'?" \
		resolve --rev 127.0.0.1
	# nothing close: no guess
	usage_error "sockit: udp-send: unknown option '--zzzzzz'" udp-send --zzzzzz 127.0.0.1 7
	usage_error "sockit: serve: unknown option '--rt'" serve --rt 0
}

@test "cli: --proto lists the protocols from the one protocol table, in help and completion" {
	run_io h "$SOCKIT" serve --help
	rc_is h 0
	grep -qx '  -p, --proto NAME             the protocol, raw by default: raw echo calc chat greet daytime qotd discard http' "$T/h.out"
	run_io l "$SOCKIT" serve --list-options
	[ "$(grep -- '--proto' "$T/l.out" | cut -f5)" = "raw echo calc chat greet daytime qotd discard http" ]
	usage_error "sockit: serve: unknown protocol 'nosuch' (raw echo calc chat greet daytime qotd discard http)" \
		serve -p nosuch 0
}

@test "cli: --list-commands prints the commands of help, one a line" {
	run_io c "$SOCKIT" --list-commands
	rc_is c 0
	file_is "$T/c.err"
	commands_in_help >"$T/want"
	same_file "$T/want" "$T/c.out"
	grep -qx connect "$T/c.out"
	grep -qx serve "$T/c.out"
}

@test "cli: connect --list-options: short, long, argument, help, values; tab-separated" {
	check_option_list connect
	grep -qx -- $'-w\t--timeout\tSECS\t[^\t]*\t' "$T/list.out"
	grep -qx -- $'\t--send\tTEXT\t[^\t]*\t' "$T/list.out"
	grep -qx -- $'-z\t--scan\t\t[^\t]*\t' "$T/list.out"
	grep -qx -- $'-s\t--source\tADDR\\[:PORT\\]\t[^\t]*\t' "$T/list.out"
	[ "$(grep -c -- list-options "$T/list.out")" -eq 0 ]
}

@test "cli: serve --list-options: the same format; --proto lists its values" {
	check_option_list serve
	grep -qxE -- $'-p\t--proto\tNAME\t[^\t]*\traw( [a-z]+)*' "$T/list.out"
	grep -qx -- $'-k\t--keep-open\t\t[^\t]*\t' "$T/list.out"
	grep -qx -- $'\t--allow\tCIDR\t[^\t]*\t' "$T/list.out"
}

@test "cli: options stand anywhere after the command, in every spelling" {
	start_peer p python3 "$PEERS/tcp_peer.py" --count 3 --recv "$T/p.got"
	run_io c "$SOCKIT" connect 127.0.0.1 --send one "$PEER_PORT" -q
	rc_is c 0
	wait_for "$T/p.out" '^closed$'
	file_is "$T/p.got" one
	run_io c "$SOCKIT" connect "127.0.0.1:$PEER_PORT" --send=two -w5 -4q
	rc_is c 0
	wait_count "$T/p.out" '^closed$' 2
	file_is "$T/p.got" two
	run_io c "$SOCKIT" connect -w 5 127.0.0.1 --timeout=5 "$PEER_PORT" --linger 2 --send three
	rc_is c 0
	wait_count "$T/p.out" '^closed$' 3
	file_is "$T/p.got" three
}

@test "cli: -- ends the options: what follows is an operand" {
	usage_error "sockit: connect: invalid port '-1' (1-65535)" connect 127.0.0.1 -- -1
	usage_error "sockit: connect: invalid port '--linger' (1-65535)" \
		connect --send x -- 127.0.0.1 --linger
	usage_error "sockit: connect: unexpected argument '-w'" connect -- 127.0.0.1 1 -w 1
	usage_error "sockit: serve: invalid port '-5' (0-65535)" serve -- -5
}
