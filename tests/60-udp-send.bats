#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT and PEER_PORT are set by helpers.bash's start_*
# 60-udp-send: `sockit udp-send`, one datagram (or one per line) and its replies, against
# python peers (tests/peers/udp_peer.py) and sockit's own UDP services (sockit(1)
# "udp-send").

load helpers

# us ARGS...: `sockit udp-send ARGS` under a timeout; stdout to $T/out, stderr to $T/err,
# the exit status in STATUS.
us() {
	STATUS=0
	timeout 10 "$SOCKIT" udp-send "$@" >"$T/out" 2>"$T/err" || STATUS=$?
}

# peer NAME MODE [HOST]: starts tests/peers/udp_peer.py MODE (see there) as NAME.
peer() {
	start_peer "$1" timeout 60 python3 "$PEERS/udp_peer.py" "$2" "${3:-127.0.0.1}"
}

# peer_got NAME LEN...: peer NAME received exactly datagrams of these lengths, in order.
peer_got() {
	local name=$1 n want=
	shift
	for n in "$@"; do
		want+="got $n"$'\n'
	done
	wait_count "$T/$name.out" '^got ' "$#" || return 1
	diff <(printf '%s' "$want") <(grep '^got ' "$T/$name.out")
}

# nothing_more NAME LEN...: as peer_got, once a 6-byte marker sent now has arrived: what
# did not come before it was never sent (loopback keeps a socket's datagrams in order).
nothing_more() {
	local name=$1
	shift
	timeout 10 "$SOCKIT" udp-send -w 0 127.0.0.1 "$PEER_PORT" marker
	peer_got "$name" "$@" 6
}

# free_udp_port: a UDP port nothing listens on right now (bound, then released).
free_udp_port() {
	python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# elapsed_ms START: milliseconds since START, an $EPOCHREALTIME value.
elapsed_ms() {
	local now=$EPOCHREALTIME
	echo $(((${now/[.,]/} - ${1/[.,]/}) / 1000))
}

A64=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

@test "udp-send: MESSAGE words joined by single spaces; the reply printed as it came" {
	peer p echo
	us 127.0.0.1 "$PEER_PORT" hello '' 'big  world'
	[ "$STATUS" -eq 0 ]
	is "$T/out" "hello  big  world"
	is "$T/err" ""
	peer_got p 17
}

@test "udp-send: HOST:PORT takes one operand, every later one is MESSAGE" {
	peer p echo
	us "127.0.0.1:$PEER_PORT" 7 8
	[ "$STATUS" -eq 0 ]
	is "$T/out" "7 8"
	us 127.0.0.1 "$PEER_PORT" -- -x
	[ "$STATUS" -eq 0 ]
	is "$T/out" "-x"
}

@test "udp-send: [::1]:PORT and ::1 PORT reach an IPv6 peer" {
	peer p echo ::1
	us "[::1]:$PEER_PORT" over v6
	[ "$STATUS" -eq 0 ]
	is "$T/out" "over v6"
	us -6 ::1 "$PEER_PORT" again
	[ "$STATUS" -eq 0 ]
	is "$T/out" "again"
}

@test "udp-send: no MESSAGE sends all of stdin, binary and newlines included" {
	peer p echo
	printf 'line 1\n\000\377line 2\r\n' >"$T/in"
	us 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	cmp "$T/in" "$T/out"
	peer_got p 17
}

@test "udp-send: an empty stdin sends a 0-byte datagram (a QOTD request)" {
	peer p echo
	us 127.0.0.1 "$PEER_PORT" </dev/null
	[ "$STATUS" -eq 0 ]
	is "$T/out" ""
	is "$T/err" ""
	peer_got p 0
}

@test "udp-send: 65507 bytes go out whole and come back whole" {
	peer p echo
	random_file "$T/in" 65507
	us 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	cmp "$T/in" "$T/out"
	peer_got p 65507
}

@test "udp-send: 65508 bytes are a usage error and nothing is sent" {
	peer p echo
	random_file "$T/in" 65508
	us 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: message on stdin is over the UDP limit of 65507 bytes
Try 'sockit udp-send --help'.
"
	us 127.0.0.1 "$PEER_PORT" "$(head -c 65508 /dev/zero | tr '\0' a)"
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: message of 65508 bytes is over the UDP limit of 65507
Try 'sockit udp-send --help'.
"
	nothing_more p
}

@test "udp-send: no listener is an ICMP refusal: Connection refused, exit 4" {
	local port
	port=$(free_udp_port)
	us 127.0.0.1 "$port" hello
	[ "$STATUS" -eq 4 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: 127.0.0.1 port $port: Connection refused
"
	us "[::1]:$port" hello
	[ "$STATUS" -eq 4 ]
	is "$T/err" "sockit: udp-send: ::1 port $port: Connection refused
"
}

@test "udp-send: a listener that never answers is exit 5 at the deadline" {
	local start ms
	peer p silent
	start=$EPOCHREALTIME
	us -w 0.5 127.0.0.1 "$PEER_PORT" anyone
	ms=$(elapsed_ms "$start")
	[ "$STATUS" -eq 5 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: no reply from 127.0.0.1 port $PEER_PORT within 0.5 s
"
	[ "$ms" -ge 500 ] && [ "$ms" -lt 1500 ]
	us -q -w 0.2 127.0.0.1 "$PEER_PORT" still quiet
	[ "$STATUS" -eq 5 ]
	is "$T/err" "sockit: udp-send: no reply from 127.0.0.1 port $PEER_PORT within 0.2 s
"
}

@test "udp-send: -w 0 sends and exits at once, exit 0" {
	local start ms
	peer p silent
	start=$EPOCHREALTIME
	us -w 0 127.0.0.1 "$PEER_PORT" fire and forget
	ms=$(elapsed_ms "$start")
	[ "$STATUS" -eq 0 ]
	is "$T/out" ""
	is "$T/err" ""
	[ "$ms" -lt 400 ]
	peer_got p 15
}

@test "udp-send: a reply from another address is ignored, and logged with -v" {
	peer p other
	us -v -w 0.3 127.0.0.1 "$PEER_PORT" hi
	[ "$STATUS" -eq 5 ]
	is "$T/out" ""
	grep -qE "^sockit: udp-send: ignored a datagram of 18 bytes from 127\.0\.0\.1 port [0-9]+, not 127\.0\.0\.1 port $PEER_PORT$" "$T/err"
	grep -qx "sockit: udp-send: no reply from 127.0.0.1 port $PEER_PORT within 0.3 s" "$T/err"
}

@test "udp-send: after a stranger's datagram, the peer's own reply still counts" {
	peer p other+echo
	us -v 127.0.0.1 "$PEER_PORT" hi
	[ "$STATUS" -eq 0 ]
	is "$T/out" "hi"
	grep -q '^sockit: udp-send: ignored a datagram of 18 bytes from ' "$T/err"
	grep -qx "sockit: udp-send: reply of 2 bytes from 127.0.0.1 port $PEER_PORT" "$T/err"
}

@test "udp-send: -n: wait for N replies; one by default, and no more are printed" {
	peer p three
	us -n 3 127.0.0.1 "$PEER_PORT" count
	[ "$STATUS" -eq 0 ]
	is "$T/out" $'one\ntwo\nthree\n'
	us 127.0.0.1 "$PEER_PORT" count
	[ "$STATUS" -eq 0 ]
	is "$T/out" $'one\n'
	us -n 4 -w 0.3 127.0.0.1 "$PEER_PORT" count
	[ "$STATUS" -eq 5 ]
	is "$T/out" $'one\ntwo\nthree\n'
	is "$T/err" "sockit: udp-send: only 3 of 4 replies from 127.0.0.1 port $PEER_PORT within 0.3 s
"
}

@test "udp-send: -l: each line a datagram without its newline, empty lines too" {
	peer p echo
	printf 'a\nbb\n\nccc' >"$T/in"
	us -l 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	is "$T/out" "abbccc"
	peer_got p 1 2 0 3
	# a carriage return is the line's: "a\r" is 2 bytes
	printf 'a\r\n\r\nb\r' >"$T/in"
	us -l -n 3 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	is "$T/out" $'a\r\rb\r'
	peer_got p 1 2 0 3 2 1 2
}

@test "udp-send: -l waits for one reply per line, and prints no more than that" {
	peer p three
	printf 'x\ny\n' >"$T/in"
	us -l 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	is "$T/out" $'one\ntwo\n'
	us -l -n 1 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	is "$T/out" $'one\n'
}

@test "udp-send: -l with -n more than came is exit 5; an empty stdin sends nothing" {
	peer p echo
	us -l -n 3 -w 0.3 127.0.0.1 "$PEER_PORT" <<<"only"
	[ "$STATUS" -eq 5 ]
	is "$T/out" "only"
	is "$T/err" "sockit: udp-send: only 1 of 3 replies from 127.0.0.1 port $PEER_PORT within 0.3 s
"
	us -l 127.0.0.1 "$PEER_PORT" </dev/null
	[ "$STATUS" -eq 0 ]
	is "$T/out" ""
	is "$T/err" ""
	nothing_more p 4
}

@test "udp-send: -l: a line over 65507 bytes is exit 2; the lines before it went out" {
	peer p silent
	head -c 65507 /dev/zero | tr '\0' a >"$T/max"
	printf '\n' >>"$T/max"
	us -l -w 0.1 127.0.0.1 "$PEER_PORT" <"$T/max"
	[ "$STATUS" -eq 5 ] # 65507 bytes: sent, and no reply
	head -c 65508 /dev/zero | tr '\0' a >"$T/long"
	us -l 127.0.0.1 "$PEER_PORT" <"$T/long"
	[ "$STATUS" -eq 2 ]
	is "$T/err" "sockit: udp-send: line 1 of stdin is over the UDP limit of 65507 bytes
Try 'sockit udp-send --help'.
"
	{ echo first && cat "$T/long"; } >"$T/in"
	us -l 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: line 2 of stdin is over the UDP limit of 65507 bytes
Try 'sockit udp-send --help'.
"
	head -c 65507 /dev/zero | tr '\0' b >"$T/in"
	us -l -w 0 127.0.0.1 "$PEER_PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	nothing_more p 65507 5 65507
}

@test "udp-send: -x prints each reply as a hex dump on stdout" {
	peer p echo
	us -x 127.0.0.1 "$PEER_PORT" $'0123456789abcdefXYZ\n'
	[ "$STATUS" -eq 0 ]
	is "$T/out" "< 00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66 |0123456789abcdef|
< 00000010  58 59 5a 0a $(printf '%37s' '')|XYZ.|
"
	is "$T/err" ""
}

@test "udp-send: -x with two replies: each dump starts at offset 0" {
	peer p three
	us -x -n 2 127.0.0.1 "$PEER_PORT" go
	[ "$STATUS" -eq 0 ]
	is "$T/out" "< 00000000  6f 6e 65 0a $(printf '%37s' '')|one.|
< 00000000  74 77 6f 0a $(printf '%37s' '')|two.|
"
}

@test "udp-send: stdout closed early ends quietly with exit 0" {
	peer p echo
	random_file "$T/in" 65507
	timeout 10 "$SOCKIT" udp-send 127.0.0.1 "$PEER_PORT" <"$T/in" 2>"$T/err" | head -c 1 >"$T/out"
	[ "${PIPESTATUS[0]}" -eq 0 ]
	[ "$(wc -c <"$T/out")" -eq 1 ]
	is "$T/err" ""
}

@test "udp-send: usage errors are exit 2 with nothing on stdout" {
	local args want argv
	while IFS=$'\t' read -r args want; do
		argv=()
		[ "$args" = "<empty>" ] || read -ra argv <<<"$args"
		us "${argv[@]}"
		[ "$STATUS" -eq 2 ] || { echo "udp-send $args: exit $STATUS" >&2 && return 1; }
		is "$T/out" ""
		is "$T/err" "sockit: udp-send: $want
Try 'sockit udp-send --help'.
" || { echo "for: udp-send $args" >&2 && return 1; }
	done <<-'EOF'
		<empty>	missing HOST and PORT
		127.0.0.1	missing PORT after '127.0.0.1'
		127.0.0.1 0 x	invalid port '0' (1-65535)
		127.0.0.1 65536 x	invalid port '65536' (1-65535)
		127.0.0.1:80x x	invalid port '80x' (1-65535)
		127.0.0.1 nosuchservice x	unknown service 'nosuchservice'
		-n 0 127.0.0.1 7	invalid value '0' for -n (1-1000000)
		-n -1 127.0.0.1 7	invalid value '-1' for -n (1-1000000)
		-n 3x 127.0.0.1 7	invalid value '3x' for -n (1-1000000)
		-w -1 127.0.0.1 7	invalid value '-1' for -w (seconds, e.g. 2 or 0.5)
		-w 5x 127.0.0.1 7	invalid value '5x' for -w (seconds, e.g. 2 or 0.5)
		-w 1e99 127.0.0.1 7	invalid value '1e99' for -w (seconds, e.g. 2 or 0.5)
		-l 127.0.0.1 7 msg	cannot use -l with MESSAGE
		-4 -6 127.0.0.1 7	cannot use -4 and -6 together
		--bogus 127.0.0.1 7	unknown option '--bogus'
	EOF
}

@test "udp-send: a 10 KiB host name is a usage error, no crash" {
	local host
	host=$(printf 'b%.0s' {1..10240})
	us "$host" 7 x
	[ "$STATUS" -eq 2 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: invalid address '${host:0:60}...'
Try 'sockit udp-send --help'.
"
}

@test "udp-send: a name that cannot resolve is exit 3, and no DNS query is sent" {
	no_dns "$SOCKIT" udp-send "$A64.invalid" 7 x
	us "$A64.invalid" 7 x
	[ "$STATUS" -eq 3 ]
	is "$T/out" ""
	is "$T/err" "sockit: udp-send: $A64.invalid: Name or service not known
"
	us -4 "[::1]:7" x
	[ "$STATUS" -eq 3 ]
	is "$T/err" "sockit: udp-send: ::1: Address family for hostname not supported
"
}

@test "udp-send: against sockit's own UDP echo, 65507 bytes round trip" {
	start_server serve -u -p echo -b 127.0.0.1 0
	random_file "$T/in" 65507
	us 127.0.0.1 "$PORT" <"$T/in"
	[ "$STATUS" -eq 0 ]
	cmp "$T/in" "$T/out"
	start_server serve -u -p echo -b ::1 0
	us "[::1]:$PORT" v6 echo
	[ "$STATUS" -eq 0 ]
	is "$T/out" "v6 echo"
}

@test "udp-send: against sockit's UDP qotd, the same quote as the seeds' QOTD client" {
	echo 'Talk is cheap. Show me the code.' >"$T/quotes"
	start_server serve -u -p qotd --quotes "$T/quotes" -b 127.0.0.1 0
	us 127.0.0.1 "$PORT" </dev/null
	[ "$STATUS" -eq 0 ]
	is "$T/out" $'Talk is cheap. Show me the code.\r\n'
	timeout 10 python3 "$PEERS/seeds.py" udp 127.0.0.1 "$PORT" "" >"$T/seed"
	cmp "$T/seed" "$T/out"
}

@test "udp-send: against sockit's UDP daytime, what the seeds' daytime client gets" {
	local ours seeds
	start_server serve -u -p daytime -b 127.0.0.1 0
	us 127.0.0.1 "$PORT" </dev/null
	[ "$STATUS" -eq 0 ]
	timeout 10 python3 "$PEERS/seeds.py" udp 127.0.0.1 "$PORT" "what time is it?" >"$T/seed"
	[[ "$(cat -A "$T/out")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\^M\$$ ]]
	[[ "$(cat -A "$T/seed")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\^M\$$ ]]
	ours=$(date -u -d "$(tr -d '\r' <"$T/out")" +%s)
	seeds=$(date -u -d "$(tr -d '\r' <"$T/seed")" +%s)
	[ $((seeds - ours)) -ge 0 ] && [ $((seeds - ours)) -le 2 ]
}
