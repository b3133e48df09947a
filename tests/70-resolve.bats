#!/usr/bin/env bats
# 70-resolve: `sockit resolve`, names to addresses and back (sockit(1) "resolve").
# Every name here is answered from /etc/hosts, is a literal, or is one glibc rejects before
# asking anyone: the name server is off this machine, and each run is traced to prove
# that nothing was sent to a port 53.

load helpers

# rs ARGS...: `sockit resolve ARGS` under a timeout; stdout to $T/out, stderr to $T/err,
# the exit status in STATUS. Fails if the same command, traced, sends a DNS query.
rs() {
	no_dns "$SOCKIT" resolve "$@"
	STATUS=0
	timeout 10 "$SOCKIT" resolve "$@" >"$T/out" 2>"$T/err" || STATUS=$?
}

# ahosts NAME: the distinct addresses `getent ahosts NAME` shows, in its order.
ahosts() {
	getent ahosts "$1" | awk '!seen[$1]++ { print $1 }'
}

# A label of 64 bytes: one over DNS's limit, so glibc refuses the name before any query.
A64=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

@test "resolve: localhost gives getent ahosts' distinct addresses, in its order" {
	ahosts localhost >"$T/want"
	[ -s "$T/want" ]
	rs localhost
	[ "$STATUS" -eq 0 ]
	cmp "$T/want" "$T/out"
	is "$T/err" ""
}

@test "resolve: -1 gives only the first address" {
	rs -1 localhost
	[ "$STATUS" -eq 0 ]
	is "$T/out" "$(ahosts localhost | head -n 1)"$'\n'
}

@test "resolve: literals, alone and with -4 / -6 / -1 / -l" {
	local args want argv
	while IFS=$'\t' read -r args want; do
		read -ra argv <<<"$args"
		rs "${argv[@]}"
		[ "$STATUS" -eq 0 ] || { echo "resolve $args: exit $STATUS" >&2 && return 1; }
		is "$T/out" "$(printf '%b' "$want")"$'\n' || { echo "for: resolve $args" >&2 && return 1; }
		is "$T/err" ""
	done <<-'EOF'
		127.0.0.1	127.0.0.1
		::1	::1
		-4 127.0.0.1	127.0.0.1
		-6 ::1	::1
		::ffff:127.0.0.1	::ffff:127.0.0.1
		127.0.0.1 ::1	127.0.0.1\n::1
		-1 127.0.0.1 ::1	127.0.0.1\n::1
		-l 127.0.0.1	127.0.0.1 inet 127.0.0.1
		-l ::1 127.0.0.1	::1 inet6 ::1\n127.0.0.1 inet 127.0.0.1
	EOF
}

@test "resolve: a literal of the other family than -4/-6 asked is exit 3" {
	rs -4 ::1
	[ "$STATUS" -eq 3 ]
	is "$T/out" ""
	is "$T/err" $'sockit: resolve: ::1: Address family for hostname not supported\n'
	rs -6 127.0.0.1
	[ "$STATUS" -eq 3 ]
	is "$T/err" $'sockit: resolve: 127.0.0.1: Address family for hostname not supported\n'
}

@test "resolve: -l: NAME FAMILY ADDRESS per line" {
	ahosts localhost | awk '{ print "localhost", (index($1, ":") ? "inet6" : "inet"), $1 }' \
		>"$T/want"
	rs -l localhost
	[ "$STATUS" -eq 0 ]
	cmp "$T/want" "$T/out"
}

@test "resolve: -l: a canonical name that differs comes first, as NAME canonical CNAME" {
	local canon
	canon=$(getent ahosts LOCALHOST | awk 'NR == 1 { print $3 }')
	[ "$canon" = localhost ]
	{
		echo "LOCALHOST canonical $canon"
		ahosts LOCALHOST | awk '{ print "LOCALHOST", (index($1, ":") ? "inet6" : "inet"), $1 }'
	} >"$T/want"
	rs -l LOCALHOST
	[ "$STATUS" -eq 0 ]
	cmp "$T/want" "$T/out"
	rs -l -1 LOCALHOST
	[ "$STATUS" -eq 0 ]
	head -n 2 "$T/want" | cmp - "$T/out"
}

@test "resolve: -r 127.0.0.1 gives the name getent hosts gives" {
	local name
	name=$(getent hosts 127.0.0.1 | awk '{ print $2 }')
	[ -n "$name" ]
	rs -r 127.0.0.1
	[ "$STATUS" -eq 0 ]
	is "$T/out" "$name"$'\n'
	is "$T/err" ""
	rs -r -l 127.0.0.1
	[ "$STATUS" -eq 0 ]
	is "$T/out" "127.0.0.1 inet $name"$'\n'
}

@test "resolve: -r with a name, or an address of the other family, is refused" {
	rs -r localhost 127.0.0.1
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" "sockit: resolve: -r: 'localhost' is not an IP address
Try 'sockit resolve --help'.
"
	rs -r -6 127.0.0.1
	[ "$STATUS" -eq 3 ]
	is "$T/out" ""
	is "$T/err" $'sockit: resolve: 127.0.0.1: Address family for hostname not supported\n'
}

@test "resolve: a failing name is reported, the others still printed, exit 3" {
	ahosts localhost >"$T/want"
	echo 127.0.0.1 >>"$T/want"
	rs localhost "$A64.invalid" 127.0.0.1
	[ "$STATUS" -eq 3 ]
	cmp "$T/want" "$T/out"
	is "$T/err" "sockit: resolve: $A64.invalid: Name or service not known
"
}

@test "resolve: over-long names are exit 3 with the resolver's message, never a crash" {
	local name
	for name in "$A64.invalid" "$(printf 'a%.0s' {1..300})" \
		"$(printf 'abcdefghi.%.0s' {1..30})invalid" "$(printf 'b%.0s' {1..10240})"; do
		rs "$name"
		[ "$STATUS" -eq 3 ] || { echo "${#name}-byte name: exit $STATUS" >&2 && return 1; }
		is "$T/out" ""
		is "$T/err" "sockit: resolve: ${name:0:200}: Name or service not known
"
	done
}

@test "resolve: usage errors are exit 2 before any lookup" {
	rs
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" $'sockit: resolve: missing NAME\nTry \'sockit resolve --help\'.\n'
	rs localhost ""
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" $'sockit: resolve: empty NAME\nTry \'sockit resolve --help\'.\n'
	rs -4 -6 localhost
	[ "$STATUS" -eq 2 ]
	is "$T/err" $'sockit: resolve: cannot use -4 and -6 together\nTry \'sockit resolve --help\'.\n'
	rs -w 1 localhost
	[ "$STATUS" -eq 2 ]
	is "$T/err" $'sockit: resolve: unknown option \'-w\'\nTry \'sockit resolve --help\'.\n'
}

@test "resolve: a name with control, C1, overlong and bidi bytes is repeated escaped, as \\xNN" {
	local name=$A64.$'\e]0;x\a\xc2\x9b\x9b\xc0\x9b\xe2\x80\xae'.invalid
	rs "$name" 127.0.0.1
	[ "$STATUS" -eq 3 ]
	is "$T/out" $'127.0.0.1\n'
	is "$T/err" "sockit: resolve: $A64."'\x1b]0;x\x07\xc2\x9b\x9b\xc0\x9b\xe2\x80\xae.invalid: Name or service not known
'
	rs -r $'\e[31m1.2.3.4\xc2\x85'
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" "sockit: resolve: -r: '\\x1b[31m1.2.3.4\\xc2\\x85' is not an IP address
Try 'sockit resolve --help'.
"
}
