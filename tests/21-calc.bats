#!/usr/bin/env bats
# 21-calc: `serve --proto calc`, the seeds' line protocol, end to end (sockit(1) "The calc
# protocol"), hostile input included.

load helpers

# calc_table: each line of stdin is `REQUEST<TAB>REPLY`, both with printf
# %b escapes (REQUEST `<empty>`: an empty line; REPLY `-`: no reply). Every request goes over one connection,
# in one write; the replies must come back exactly, in order, then EOF. sockit(1) lets an ERR
# carry a human detail after a space: that detail is cut before comparing.
calc_table() {
	local req rep
	: >"$T/req"
	: >"$T/want"
	while IFS=$'\t' read -r req rep; do
		[ "$req" != "<empty>" ] || req=
		printf '%b\n' "$req" >>"$T/req"
		[ "$rep" = - ] || printf '%b\n' "$rep" >>"$T/want"
	done
	client 127.0.0.1 "$PORT" "$T/req" >"$T/got"
	sed 's/^\(ERR:[A-Z]*\) .*/\1/' "$T/got" >"$T/got.codes"
	if ! cmp "$T/want" "$T/got.codes"; then
		diff <(od -c "$T/want") <(od -c "$T/got.codes") >&2
		return 1
	fi
}

@test "calc: every request of the man page's table, keywords in any case" {
	start_server serve -p calc 127.0.0.1 0
	calc_table <<-'EOF'
		PING:x	PONG:x
		ping:hello world	PONG:hello world
		PiNg:	PONG:
		CALC:3+4	CALC:7
		calc:2*(3+4)-10/3	CALC:11
		CALC:9223372036854775807+1	ERR:OVERFLOW
		ECHO:x	ECHO:x
		Echo:a:b::c:	ECHO:a:b::c:
		echo:	ECHO:
		HELP:	HELP:CALC ECHO HELP PING QUIT TIME
		help:anything	HELP:CALC ECHO HELP PING QUIT TIME
		QUIT:	BYE:
	EOF
}

@test "calc: TIME is the current UTC time" {
	start_server serve -p calc 127.0.0.1 0
	run client 127.0.0.1 "$PORT" <<<"time:"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^TIME:([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2})Z$ ]]
	local stamp now
	stamp=$(date -u -d "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" +%s)
	now=$(date -u +%s)
	[ $((now - stamp)) -ge 0 ] && [ $((now - stamp)) -le 5 ]
}

@test "calc: framing: CRLF, VALUE bytes 0x80-0xFF, control bytes, bad keywords" {
	start_server serve -p calc 127.0.0.1 0
	local key16 key17 key2k
	key16=$(printf 'K%.0s' {1..16})
	key17=$(printf 'K%.0s' {1..17})
	key2k=$(printf 'K%.0s' {1..2048})
	calc_table <<-EOF
		PING:x\r	PONG:x
		ECHO:\x80\x9f\xa0\xff\xc3\xa9	ECHO:\x80\x9f\xa0\xff\xc3\xa9
		PING:caf\xc3\xa9 \xe2\x82\xac	PONG:caf\xc3\xa9 \xe2\x82\xac
		PING:a\0b	ERR:BADFRAME
		PING:a\rb	ERR:BADFRAME
		PING:a\x01b	ERR:BADFRAME
		PING:a\x1bb	ERR:BADFRAME
		PING:a\x7fb	ERR:BADFRAME
		PING:a\tb	ERR:BADFRAME
		\0PING:x	ERR:BADFRAME
		:x	ERR:BADFRAME
		PING	ERR:BADFRAME
		P1NG:x	ERR:BADFRAME
		PING x:y	ERR:BADFRAME
		 PING:x	ERR:BADFRAME
		FOO:1	ERR:UNKNOWN
		$key16:x	ERR:UNKNOWN
		$key17:x	ERR:BADFRAME
		<empty>	-
		\r	-
		PING:still here	PONG:still here
	EOF
	# a 2 KiB keyword is BADFRAME once the line fits --max-line (below it, TOOLONG)
	stop_all
	start_server serve -p calc --max-line 4096 127.0.0.1 0
	calc_table <<-EOF
		$key2k:x	ERR:BADFRAME
		PING:x	PONG:x
	EOF
}

@test "calc: CALC arithmetic, errors and limits (hostile input)" {
	start_server serve -p calc 127.0.0.1 0
	local deep64 deep65 deep10k
	deep64="$(printf '(%.0s' {1..64})1$(printf ')%.0s' {1..64})"
	deep65="$(printf '(%.0s' {1..65})1$(printf ')%.0s' {1..65})"
	deep10k="$(printf '(%.0s' {1..10000})1$(printf ')%.0s' {1..10000})"
	calc_table <<-EOF
		CALC:9223372036854775807+1	ERR:OVERFLOW
		CALC:-9223372036854775807-2	ERR:OVERFLOW
		CALC:3037000500*3037000500	ERR:OVERFLOW
		CALC:(-9223372036854775807-1)/-1	ERR:OVERFLOW
		CALC:99999999999999999999	ERR:OVERFLOW
		CALC:(-9223372036854775807-1)%-1	CALC:0
		CALC:-9223372036854775808	CALC:-9223372036854775808
		CALC:9223372036854775807	CALC:9223372036854775807
		CALC:1/0	ERR:DIV0
		CALC:1%0	ERR:DIV0
		CALC:	ERR:SYNTAX
		CALC:3+	ERR:SYNTAX
		CALC:++	ERR:SYNTAX
		CALC:3+4x	ERR:SYNTAX
		CALC:0x10	ERR:SYNTAX
		CALC:(1	ERR:SYNTAX
		CALC:1 2	ERR:SYNTAX
		CALC:+3	ERR:SYNTAX
		CALC: 3 + 4 	CALC:7
		CALC:7/-2	CALC:-3
		CALC:-7/2	CALC:-3
		CALC:-7%2	CALC:-1
		CALC:7%-2	CALC:1
		CALC:5%-1	CALC:0
		CALC:--3	CALC:3
		CALC:2+3*4	CALC:14
		CALC:-2*-3	CALC:6
		CALC:$deep64	CALC:1
		CALC:$deep65	ERR:SYNTAX
	EOF
	# 10 000 nested parentheses: over the default --max-line, so raise it
	stop_all
	start_server serve -p calc --max-line 65536 127.0.0.1 0
	calc_table <<-EOF
		CALC:$deep10k	ERR:SYNTAX
		PING:alive	PONG:alive
	EOF
}

@test "calc: an ERR detail follows the code after one space" {
	start_server serve -p calc 127.0.0.1 0
	run client 127.0.0.1 "$PORT" <<<"CALC:1+)"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ERR:SYNTAX\ [[:print:]]+$ ]]
}

@test "calc: QUIT answers BYE, then closes; nothing after it is answered" {
	start_server serve -p calc 127.0.0.1 0
	run client --no-shutdown 127.0.0.1 "$PORT" < <(printf 'PING:1\nquit:\nPING:2\nCALC:1+1\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'PONG:1\nBYE:')" ]
}

@test "calc: --max-line: the limit is processed, one byte more is TOOLONG, and the line after is served" {
	local v16 v17 v1024 v1025
	v16=$(printf 'v%.0s' {1..11})   # ECHO: + 11 = 16 bytes
	v17=$(printf 'v%.0s' {1..12})
	v1024=$(printf 'v%.0s' {1..1019})
	v1025=$(printf 'v%.0s' {1..1020})
	start_server serve -p calc 127.0.0.1 0
	calc_table <<-EOF
		ECHO:$v1024	ECHO:$v1024
		ECHO:$v1024\r	ECHO:$v1024
		ECHO:$v1025	ERR:TOOLONG
		PING:next	PONG:next
	EOF
	stop_all
	start_server serve -p calc --max-line 16 127.0.0.1 0
	calc_table <<-EOF
		ECHO:$v16	ECHO:$v16
		ECHO:$v16\r	ECHO:$v16
		ECHO:$v17	ERR:TOOLONG
		ECHO:$v17$v1024	ERR:TOOLONG
		PING:next	PONG:next
	EOF
}

@test "calc: --max-line out of 16-65536 is a usage error" {
	local bad
	for bad in 15 0 65537 -1 abc 16x ''; do
		run timeout 5 "$SOCKIT" serve -p calc --max-line "$bad" 127.0.0.1 0
		[ "$status" -eq 2 ]
		[[ "$output" == *"--max-line"* ]]
	done
}

@test "calc: 1000 pipelined requests in one write, and one byte per write, get the same replies in order" {
	local i
	for ((i = 0; i < 1000; i++)); do
		case $((i % 4)) in
		0) printf 'CALC:%d*3\n' "$i" ;;
		1) printf 'PING:%d\r\n' "$i" ;;
		2) printf 'ECHO:%d:x\n' "$i" ;;
		3) printf 'NOPE:%d\n' "$i" ;;
		esac
	done >"$T/req"
	for ((i = 0; i < 1000; i++)); do
		case $((i % 4)) in
		0) printf 'CALC:%d\n' $((i * 3)) ;;
		1) printf 'PONG:%d\n' "$i" ;;
		2) printf 'ECHO:%d:x\n' "$i" ;;
		3) printf 'ERR:UNKNOWN\n' ;;
		esac
	done >"$T/want"
	start_server serve -p calc 127.0.0.1 0
	client 127.0.0.1 "$PORT" "$T/req" >"$T/whole"
	cmp "$T/want" "$T/whole"
	client --chunk 1 --deadline 30 127.0.0.1 "$PORT" "$T/req" >"$T/bytes"
	cmp "$T/want" "$T/bytes"
}

@test "calc: a last line without newline is answered at EOF, then the connection closes" {
	start_server serve -p calc 127.0.0.1 0
	run client 127.0.0.1 "$PORT" < <(printf 'PING:a\nPING:b')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'PONG:a\nPONG:b')" ]
	run client 127.0.0.1 "$PORT" < <(printf 'CALC:6*7\r')
	[ "$status" -eq 0 ]
	[ "$output" = "CALC:42" ]
}

@test "calc: half-close after 3 lines: 3 answers, then the server closes" {
	start_server serve -p calc 127.0.0.1 0
	run client 127.0.0.1 "$PORT" < <(printf 'CALC:1+1\nPING:p\nECHO:e\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CALC:2\nPONG:p\nECHO:e')" ]
}

@test "calc over UDP: one reply datagram per request datagram, each ending in a newline" {
	start_server serve -p calc -u --max-line 16 127.0.0.1 0
	run client -u 127.0.0.1 "$PORT" < <(printf 'CALC:3+4\nping:x\r\nECHO:a:b\nFOO:1\nPING\nCALC:1/0\nECHO:vvvvvvvvvvv\nECHO:vvvvvvvvvvvv\nQUIT:\nPING:after\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CALC:7\nPONG:x\nECHO:a:b\nERR:UNKNOWN\nERR:BADFRAME\nERR:DIV0\nECHO:vvvvvvvvvvv\nERR:TOOLONG\nBYE:\nPONG:after')" ]
	# each datagram's own newline is optional
	run client -u 127.0.0.1 "$PORT" < <(printf 'PING:nl\n')
	[ "$output" = "PONG:nl" ]
}

@test "calc over UDP, --max-line 65536: a reply that cannot fit one datagram is ERR:TOOLONG, never silence" {
	start_server serve -p calc -u --max-line 65536 127.0.0.1 0
	# each datagram of 65507 bytes (the most IPv4 carries), or one less; what comes back:
	# its length, and the whole of it when it is short, else its first 5 and last bytes
	run timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for req in (b"ECHO:" + b"v" * 65502, b"PING:" + b"p" * 65502, b"ECHO:" + b"w" * 65501,
            b"ECHO:" + b"x" * 65501 + b"\n", b"PING:" + b"q" * 65500 + b"\r\n"):
    s.sendto(req, ("127.0.0.1", int(sys.argv[1])))
    r = s.recv(70000)
    print(len(r), r if len(r) < 40 else r[:5] + b"..." + r[-2:])
' "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "12 b'ERR:TOOLONG\\n'
12 b'ERR:TOOLONG\\n'
65507 b'ECHO:...w\\n'
65507 b'ECHO:...x\\n'
65506 b'PONG:...q\\n'" ]
}

@test "calc over a UNIX-domain socket" {
	start_server serve -p calc -U "$T/calc.sock"
	run client -U "$T/calc.sock" < <(printf 'CALC:2*21\nQUIT:\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CALC:42\nBYE:')" ]
}

@test "calc: -m 2: the third client gets exactly ERR:BUSY then EOF; after one leaves, a new one is served" {
	start_server serve -v -p calc -m 2 127.0.0.1 0
	mkfifo "$T/ctl"
	exec 8<>"$T/ctl"
	start_peer holder timeout 30 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 2 --control "$T/ctl"
	wait_count "$T/server.err" 'connection from' 2
	run client 127.0.0.1 "$PORT" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "ERR:BUSY" ]
	client 127.0.0.1 "$PORT" </dev/null | cmp - <(printf 'ERR:BUSY\n')
	grep -q 'turned away: 2 clients already' "$T/server.err"
	echo "close 1" >&8
	wait_for "$T/holder.out" '^closed 1$'
	wait_for "$T/server.err" ' closed: 0 bytes in'
	run client 127.0.0.1 "$PORT" <<<"PING:back"
	[ "$output" = "PONG:back" ]
}

@test "calc: --idle-timeout 0.5 closes an idle client" {
	start_server serve -v -p calc --idle-timeout 0.5 127.0.0.1 0
	local t0 t1
	t0=$(date +%s%N)
	run client --no-shutdown --deadline 5 127.0.0.1 "$PORT" </dev/null
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ $(((t1 - t0) / 1000000)) -ge 450 ]
	wait_for "$T/server.err" 'closed \(idle\): 0 bytes in, 0 bytes out'
	# the upper bound from the server's own clock (the client's includes python's start,
	# seconds on a loaded machine)
	local s
	s=$(sed -n 's/.* closed (idle): 0 bytes in, 0 bytes out, \([0-9]*\.[0-9]*\) s$/\1/p' "$T/server.err")
	[[ $s =~ ^(0\.(4[5-9]|[5-9])|[12]\.)[0-9]*$ ]] || { echo "idle for $s s" >&2 && return 1; }
}

# acl_case ARGS... -- SERVED(yes|no): a client from 127.0.0.1 is served, or closed unheard
# (and logged with -v).
acl_case() {
	local args=() want got
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	want=$2
	start_server serve -v -p calc "${args[@]}" 127.0.0.1 0
	if [ "$want" = yes ]; then
		got=$(client 127.0.0.1 "$PORT" <<<"PING:acl") || return 1
		[ "$got" = "PONG:acl" ] || return 1
		[ "$(grep -c 'refused by the access list' "$T/server.err")" -eq 0 ] || return 1
	else
		# sending nothing: a peer closed unread data would be reset, not closed
		got=$(client 127.0.0.1 "$PORT" </dev/null) || return 1
		[ -z "$got" ] || return 1
		wait_for "$T/server.err" '127\.0\.0\.1:[0-9]+ refused by the access list' || return 1
		[ "$(grep -c 'connection from' "$T/server.err")" -eq 0 ] || return 1
	fi
	stop_all
}

@test "calc: --allow and --deny (deny wins)" {
	acl_case --allow 127.0.0.1 -- yes
	acl_case --allow 127.0.0.0/8 -- yes
	acl_case --allow 10.0.0.0/8 -- no
	acl_case --deny 127.0.0.1 -- no
	acl_case --deny 10.0.0.0/8 -- yes
	acl_case --allow 127.0.0.0/8 --deny 127.0.0.1/32 -- no
	acl_case --allow ::1/128 -- no
	run timeout 5 "$SOCKIT" serve -p calc --allow 300.1.2.3 127.0.0.1 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"300.1.2.3"* ]]
	run timeout 5 "$SOCKIT" serve -p calc --deny 10.0.0.0/33 127.0.0.1 0
	[ "$status" -eq 2 ]
}

@test "calc: -v logs one line at open and one at close, with bytes and duration" {
	start_server serve -v -p calc 127.0.0.1 0
	run client 127.0.0.1 "$PORT" <<<"PING:x"
	[ "$output" = "PONG:x" ]
	wait_for "$T/server.err" 'closed:'
	grep -Eqx 'sockit: serve: connection from 127\.0\.0\.1:[0-9]+' "$T/server.err"
	grep -Eqx 'sockit: serve: 127\.0\.0\.1:[0-9]+ closed: 7 bytes in, 7 bytes out, [0-9]+\.[0-9]{3} s' "$T/server.err"
	[ "$(grep -c 'connection from' "$T/server.err")" -eq 1 ]
	[ "$(grep -c 'closed:' "$T/server.err")" -eq 1 ]
}

@test "calc: SIGTERM with clients connected: exit 0 promptly" {
	start_server serve -p calc 127.0.0.1 0
	start_peer holder timeout 30 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 5
	[ "$(client 127.0.0.1 "$PORT" <<<"PING:x")" = "PONG:x" ]
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
}
