#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT and PEER_PORT are set by helpers.bash's start_*
# 11-expect-maxtime: --expect REGEX (connect, udp-send) and --max-time SECS (connect,
# udp-send, http-get, http-head), sockit(1) "--expect" and "--max-time", against sockit's
# own calc service and python peers that answer slowly (tests/peers/trickle.py).

load helpers

# trickle NAME ARGS...: starts tests/peers/trickle.py ARGS (see there) as NAME.
trickle() {
	local name=$1
	shift
	start_peer "$name" timeout 60 python3 "$PEERS/trickle.py" "$@"
}

# expect_on TEXT REGEX: `connect --expect REGEX` to a peer that sends TEXT (\n escapes)
# at once, then closes; run_io's name is c.
expect_on() {
	trickle p tcp --count 1 --interval 0 --text "$1"
	run_io c timeout 10 "$SOCKIT" connect --expect "$2" 127.0.0.1 "$PEER_PORT"
}

# took_ms_between START LO HI: the time since START (now_us) lies in [LO, HI) ms.
took_ms_between() {
	local ms
	ms=$(ms_since "$1")
	echo "took $ms ms" >&2
	[ "$ms" -ge "$2" ] && [ "$ms" -lt "$3" ]
}

# ---- --expect: connect ---------------------------------------------------------------

@test "connect --expect: the calc health check is one line (exit 0, the reply printed)" {
	start_server serve -p calc 0
	run_io c timeout 10 "$SOCKIT" connect --send PING:TEST --expect '^PONG' 127.0.0.1 "$PORT"
	rc_is c 0
	is "$T/c.out" $'PONG:TEST\n'
	is "$T/c.err" ""
}

@test "connect --expect: a line sent byte by byte matches; what came before is printed, what follows is not" {
	trickle p tcp --bytes --count 1 --interval 0.002 --text 'hello\r\nPONG:x\r\nafter\n'
	start_bg c timeout 10 "$SOCKIT" connect --expect '^PONG:x$' 127.0.0.1 "$PEER_PORT"
	wait_exit "$BG_PID" 10
	[ "$EXIT" -eq 0 ]
	# the line ending is not matched ('x$' sees no \r), yet it is printed as it came
	is "$T/c.out" $'hello\r\nPONG:x\r\n'
	is "$T/c.err" ""
}

@test "connect --expect: a last line without a newline matches at the peer's close" {
	expect_on 'one\nPONG' '^PONG$'
	rc_is c 0
	is "$T/c.out" $'one\nPONG'
	is "$T/c.err" ""
}

@test "connect --expect: the peer closes with no line matching: exit 1, everything printed" {
	expect_on 'one\nPONG\n' '^PONG:'
	rc_is c 1
	is "$T/c.out" $'one\nPONG\n'
	is "$T/c.err" $'sockit: connect: no line received matched \'^PONG:\'\n'
}

@test "connect --expect: a silent peer is a timeout (-w 1: exit 5)" {
	start_peer p timeout 60 python3 "$PEERS/tcp_peer.py" --silent
	local t0
	t0=$(now_us)
	run_io c timeout 10 "$SOCKIT" connect -w 1 --expect '^PONG' 127.0.0.1 "$PEER_PORT"
	rc_is c 5
	file_is "$T/c.out"
	is "$T/c.err" $'sockit: connect: timed out: no data for 1.000 s\n'
	took_ms_between "$t0" 900 2500
}

# peak_kb NAME FILE BYTES: the peak memory (VmHWM, kB) of `connect --expect '^PONG'` to
# a peer that sends FILE (BYTES long) and then holds the connection open, measured once
# all of it has been received; the client is then stopped.
peak_kb() {
	start_peer "$1-peer" timeout 60 python3 "$PEERS/tcp_peer.py" --then-send "$2" --hold
	start_bg "$1" "$SOCKIT" connect --expect '^PONG' 127.0.0.1 "$PEER_PORT"
	eventually -t 10 size_at_least "$T/$1.out" "$3" || true # same_file says what is missing
	same_file "$2" "$T/$1.out" >&2 || return 1
	proc_kb "$BG_PID" VmHWM
	kill "$BG_PID"
}

@test "connect --expect: a 10 MB line never grows the memory; it never matches, and the next line does" {
	local base big
	head -c 10485760 /dev/zero | tr '\0' a >"$T/line"
	printf 'short\n' >"$T/small"
	base=$(peak_kb small "$T/small" 6)
	big=$(peak_kb big "$T/line" 10485760)
	echo "peak memory: $base kB after a short line, $big kB after a 10 MB one" >&2
	[ "$big" -lt "$(mem_bound 8192)" ]
	[ $((big - base)) -lt 4096 ]
	# a peer that closes after the long line: no match (it is never matched), exit 1
	start_peer p1 timeout 60 python3 "$PEERS/tcp_peer.py" --send "$T/line"
	run_io none timeout 10 "$SOCKIT" connect --expect 'a' 127.0.0.1 "$PEER_PORT"
	rc_is none 1
	same_file "$T/line" "$T/none.out"
	is "$T/none.err" $'sockit: connect: no line received matched \'a\'\n'
	# the line after it is read clean, and matches
	{ cat "$T/line" && printf '\nPONG\n'; } >"$T/line-then-pong"
	start_peer p2 timeout 60 python3 "$PEERS/tcp_peer.py" --send "$T/line-then-pong"
	run_io next timeout 10 "$SOCKIT" connect --expect '^PONG$' 127.0.0.1 "$PEER_PORT"
	rc_is next 0
	same_file "$T/line-then-pong" "$T/next.out"
}

@test "connect --expect: a line received after stdin's EOF still counts; -u datagrams end lines" {
	start_server serve -u -p calc 0
	run_io c timeout 10 "$SOCKIT" connect -u --send PING:u --expect 'u$' 127.0.0.1 "$PORT"
	rc_is c 0
	is "$T/c.out" $'PONG:u\n'
}

@test "connect --expect: an invalid REGEX is a usage error (exit 2, regerror's text)" {
	usage_error "sockit: connect: invalid regular expression '(' for --expect: Unmatched ( or \\(" \
		connect --expect '(' 127.0.0.1 9
	usage_error "sockit: connect: cannot use -z with --expect" \
		connect -z --expect x 127.0.0.1 9
}

# ---- --expect: udp-send --------------------------------------------------------------

@test "udp-send --expect: the calc health check over UDP" {
	start_server serve -u -p calc 0
	run_io u timeout 10 "$SOCKIT" udp-send --expect '^PONG' 127.0.0.1 "$PORT" PING:TEST
	rc_is u 0
	is "$T/u.out" $'PONG:TEST\n'
	is "$T/u.err" ""
}

@test "udp-send --expect: the first matching reply ends it; replies that end without a match: exit 1" {
	start_peer p timeout 60 python3 "$PEERS/udp_peer.py" three
	run_io u timeout 10 "$SOCKIT" udp-send -n 3 --expect '^tw' 127.0.0.1 "$PEER_PORT" hi
	rc_is u 0
	is "$T/u.out" $'one\ntwo\n'
	run_io u timeout 10 "$SOCKIT" udp-send -n 3 --expect '^four' 127.0.0.1 "$PEER_PORT" hi
	rc_is u 1
	is "$T/u.out" $'one\ntwo\nthree\n'
	is "$T/u.err" $'sockit: udp-send: no line received matched \'^four\'\n'
	# the wait over with some replies, none matching: a "no" as well
	run_io u timeout 10 "$SOCKIT" udp-send -n 5 -w 0.5 --expect '^four' 127.0.0.1 "$PEER_PORT" hi
	rc_is u 1
	is "$T/u.out" $'one\ntwo\nthree\n'
}

@test "udp-send --expect: no reply at all is a timeout (exit 5); a bad REGEX is exit 2" {
	start_peer p timeout 60 python3 "$PEERS/udp_peer.py" silent
	run_io u timeout 10 "$SOCKIT" udp-send -w 0.3 --expect x 127.0.0.1 "$PEER_PORT" hi
	rc_is u 5
	is "$T/u.err" "sockit: udp-send: no reply from 127.0.0.1 port $PEER_PORT within 0.3 s"$'\n'
	usage_error "sockit: udp-send: invalid regular expression 'a{2' for --expect: Unmatched \\{" \
		udp-send --expect 'a{2' 127.0.0.1 9 hi
}

# ---- --max-time ----------------------------------------------------------------------

@test "--max-time is offered by connect, udp-send, http-get and http-head, and 0 is refused" {
	local cmd
	for cmd in connect udp-send http-get http-head; do
		"$SOCKIT" "$cmd" --list-options | grep -q $'^\t--max-time\tSECS\t'
	done
	usage_error "sockit: connect: invalid value '0' for --max-time (seconds, e.g. 2 or 0.5, not 0)" \
		connect --max-time 0 127.0.0.1 9
}

@test "connect: a byte every 0.4 s outlasts -w 1, but --max-time 1 ends it (exit 5)" {
	local t0
	trickle p tcp --count 5 --interval 0.4
	t0=$(now_us)
	run_io w timeout 10 "$SOCKIT" connect -w 1 127.0.0.1 "$PEER_PORT"
	rc_is w 0
	is "$T/w.out" "$(printf 'tick\n%.0s' 1 2 3 4 5)"$'\n'
	took_ms_between "$t0" 1900 3500
	t0=$(now_us)
	run_io m timeout 10 "$SOCKIT" connect -w 1 --max-time 1 127.0.0.1 "$PEER_PORT"
	rc_is m 5
	is "$T/m.out" $'tick\ntick\n'
	is "$T/m.err" $'sockit: connect: --max-time of 1 s ran out\n'
	took_ms_between "$t0" 950 2500
}

@test "--max-time cuts the connect timeout (connect, -z, http-get); --expect waits no longer than it" {
	local t0
	start_peer full timeout 60 python3 "$PEERS/full_backlog.py"
	t0=$(now_us)
	run_io c timeout 10 "$SOCKIT" connect -w 5 --max-time 0.5 127.0.0.1 "$PEER_PORT"
	rc_is c 5
	is "$T/c.err" $'sockit: connect: --max-time of 0.5 s ran out\n'
	took_ms_between "$t0" 450 2500
	run_io z timeout 10 "$SOCKIT" connect -z -w 5 --max-time 0.5 127.0.0.1 "$PEER_PORT"
	rc_is z 5
	is "$T/z.err" $'sockit: connect: --max-time of 0.5 s ran out\n'
	run_io h timeout 10 "$SOCKIT" http-get -w 5 --max-time 0.5 "http://127.0.0.1:$PEER_PORT/"
	rc_is h 5
	is "$T/h.err" $'sockit: http-get: --max-time of 0.5 s ran out\n'
	trickle p tcp --interval 0.2
	t0=$(now_us)
	run_io e timeout 10 "$SOCKIT" connect --expect '^PONG' --max-time 0.5 127.0.0.1 "$PEER_PORT"
	rc_is e 5
	# what came before the deadline is printed: whole ticks, one every 0.2 s (how many
	# arrive in 0.5 s depends on the machine's load: one to three)
	local ticks=$'^(tick\n){1,3}[.]$' # the dot keeps the last newline from $(...)
	[[ $(cat "$T/e.out" && echo .) =~ $ticks ]] || { cat -A "$T/e.out" >&2 && return 1; }
	is "$T/e.err" $'sockit: connect: --max-time of 0.5 s ran out\n'
	took_ms_between "$t0" 450 2500
}

@test "--max-time holds against a slow REGEX on a peer's line: (a*)\\1b on 3000 a's ends in time (connect, udp-send)" {
	local t0 line
	line=$(printf 'a%.0s' {1..3000})
	trickle p tcp --count 1 --interval 0 --text "$line\n"
	t0=$(now_us)
	run_io c timeout 20 "$SOCKIT" connect --expect '(a*)\1b' --max-time 1 127.0.0.1 "$PEER_PORT"
	rc_is c 5
	is "$T/c.err" $'sockit: connect: --max-time of 1 s ran out\n'
	took_ms_between "$t0" 950 2500
	# the process that ran the match is gone with sockit
	same "left behind" "$(pgrep -f -- "--max-time 1 127.0.0.1 $PEER_PORT" || true)" ""
	trickle u udp --count 1 --interval 0 --text "$line"
	t0=$(now_us)
	run_io u timeout 20 "$SOCKIT" udp-send --expect '(a*)\1b' --max-time 1 127.0.0.1 "$PEER_PORT" hi
	rc_is u 5
	is "$T/u.err" $'sockit: udp-send: --max-time of 1 s ran out\n'
	took_ms_between "$t0" 950 2500
	# a quick match is unchanged under --max-time: printed up to the matching line
	trickle q tcp --count 1 --interval 0 --text 'one\nPONG\nafter\n'
	run_io q timeout 20 "$SOCKIT" connect --expect '^PONG$' --max-time 5 127.0.0.1 "$PEER_PORT"
	rc_is q 0
	is "$T/q.out" $'one\nPONG\n'
}

@test "http-get: a byte every 0.4 s outlasts -w 1, but --max-time 1 ends it; -o leaves no file" {
	local t0 fx
	fx=$T/fx
	mkdir -p "$fx"
	start_peer fx timeout 60 python3 "$PEERS/http_fixture.py" "$fx"
	printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde' >"$fx/slow"
	t0=$(now_us)
	run_io w timeout 10 "$SOCKIT" http-get -w 1 "http://127.0.0.1:$PEER_PORT/trickle/slow"
	rc_is w 0
	is "$T/w.out" "abcde"
	took_ms_between "$t0" 1900 3500
	t0=$(now_us)
	run_io m timeout 10 "$SOCKIT" http-get -w 1 --max-time 1 "http://127.0.0.1:$PEER_PORT/trickle/slow"
	rc_is m 5
	is "$T/m.out" "ab"
	is "$T/m.err" $'sockit: http-get: --max-time of 1 s ran out\n'
	took_ms_between "$t0" 950 2500
	mkdir "$T/dl"
	run_io o timeout 10 "$SOCKIT" http-get --max-time 1 -o "$T/dl/body" \
		"http://127.0.0.1:$PEER_PORT/trickle/slow"
	rc_is o 5
	is "$T/o.err" $'sockit: http-get: --max-time of 1 s ran out\n'
	# neither the file nor its temporary is left behind
	[ -z "$(ls -A "$T/dl")" ]
}

@test "http-head --max-time: a head that trickles in runs out too" {
	local fx
	fx=$T/fx
	mkdir -p "$fx"
	start_peer fx timeout 60 python3 "$PEERS/http_fixture.py" "$fx"
	printf 'HTTP/1.1 200 OK\r\nX-Slow: 1\r\n\r\n' >"$fx/slowhead.txt"
	# no blank line in the file: the fixture trickles all of it
	head -c 26 "$fx/slowhead.txt" >"$fx/slowhead"
	run_io h timeout 10 "$SOCKIT" http-head --max-time 0.5 "http://127.0.0.1:$PEER_PORT/trickle/slowhead"
	rc_is h 5
	is "$T/h.err" $'sockit: http-head: --max-time of 0.5 s ran out\n'
}

@test "udp-send: --max-time ends a wait for -n 5 slow replies; -l with an open stdin too" {
	local t0
	trickle p udp --count 5 --interval 0.4
	t0=$(now_us)
	run_io m timeout 10 "$SOCKIT" udp-send -n 5 -w 10 --max-time 1 127.0.0.1 "$PEER_PORT" hi
	rc_is m 5
	is "$T/m.out" $'tick\ntick\n'
	is "$T/m.err" $'sockit: udp-send: --max-time of 1 s ran out\n'
	took_ms_between "$t0" 950 2500
	hold_fifo "$T/in"
	echo hi >&9
	t0=$(now_us)
	run_io l --stdin "$T/in" timeout 10 "$SOCKIT" udp-send -l --max-time 0.5 127.0.0.1 "$PEER_PORT"
	rc_is l 5
	is "$T/l.err" $'sockit: udp-send: --max-time of 0.5 s ran out\n'
	took_ms_between "$t0" 450 2500
}
