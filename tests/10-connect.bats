#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, PEER_PORT, PEER_PID, BG_PID, RC, EXIT: set by helpers
# 10-connect: `sockit connect`, the client, end to end against real peers (nc.openbsd,
# socat, python3 sockets in tests/peers/) (sockit(1) "connect",
# "Relaying" and EXIT STATUS). No test may make the resolver ask a name server: names are numeric,
# `localhost` (from /etc/hosts) or rejected by glibc before any query.

load helpers

bats_require_minimum_version 1.5.0

GREETING=$'Welcome to the server!\n'

setup_file() {
	# inputs shared by the tests, made once: random bytes, NULs included
	random_file "$BATS_FILE_TMPDIR/big.a" 100000000
	random_file "$BATS_FILE_TMPDIR/big.b" 100000000
	random_file "$BATS_FILE_TMPDIR/mid.a" 10000000
	random_file "$BATS_FILE_TMPDIR/mid.b" 10000000
}

# start_tool NAME IN CMD...: a listener that is not ours (nc.openbsd, socat), stdin from
# IN, stdout to $T/NAME.out; waits for the line on stderr where it names its port and
# sets PEER_PORT and PEER_PID.
start_tool() {
	local name=$1 in=$2
	shift 2
	"$@" <"$in" >"$T/$name.out" 2>"$T/$name.err" 9>&- &
	PEER_PID=$!
	track "$PEER_PID"
	wait_for "$T/$name.err" '[Ll]istening on ' || return 1
	PEER_PORT=$(sed -n 's/.*[Ll]istening on .*[^0-9]\([0-9][0-9]*\)$/\1/p' "$T/$name.err")
}

# sha_line TEXT: the line tcp_peer.py --reply-sha answers to TEXT.
sha_line() {
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

# --- bytes, both ways ---

@test "connect: 100 MB each way at once with nc.openbsd -l, byte for byte" {
	start_tool nc "$BATS_FILE_TMPDIR/big.b" nc.openbsd -n -v -N -l 127.0.0.1 0
	run_io c --stdin "$BATS_FILE_TMPDIR/big.a" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	file_is "$T/c.err"
	same_file "$BATS_FILE_TMPDIR/big.b" "$T/c.out"
	wait_exit "$PEER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/big.a" "$T/nc.out"
	rm -f "$T/c.out" "$T/nc.out"
}

@test "connect: 100 MB each way at once with socat, byte for byte" {
	start_tool socat "$BATS_FILE_TMPDIR/big.b" \
		socat -d -d -t 30 TCP-LISTEN:0,bind=127.0.0.1 STDIO
	run_io c --stdin "$BATS_FILE_TMPDIR/big.a" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/big.b" "$T/c.out"
	wait_exit "$PEER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/big.a" "$T/socat.out"
	rm -f "$T/c.out" "$T/socat.out"
}

@test "connect: 100 MB each way at once with python3 (both EOFs at the same time)" {
	start_peer p python3 "$PEERS/tcp_peer.py" --send "$BATS_FILE_TMPDIR/big.b" --recv "$T/p.got"
	run_io c --stdin "$BATS_FILE_TMPDIR/big.a" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/big.b" "$T/c.out"
	wait_for "$T/p.out" '^closed$'
	grep -qx 'eof 100000000 .*' "$T/p.out"
	same_file "$BATS_FILE_TMPDIR/big.a" "$T/p.got"
	rm -f "$T/c.out" "$T/p.got"
}

@test "connect: to 'sockit serve </dev/null' (which half-closes at once), 100 MB all arrive" {
	start_server serve 127.0.0.1 0
	run_io c --stdin "$BATS_FILE_TMPDIR/big.a" "$SOCKIT" connect 127.0.0.1 "$PORT"
	rc_is c 0
	file_is "$T/c.out"
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/big.a" "$T/server.out"
	rm -f "$T/server.out"
}

# --- who closes first ---

@test "connect: stdin EOF first, the peer answers after it: all of the answer arrives" {
	start_peer p python3 "$PEERS/tcp_peer.py" --recv "$T/p.got" --reply-sha \
		--then-send "$BATS_FILE_TMPDIR/mid.b"
	run_io c --stdin "$BATS_FILE_TMPDIR/mid.a" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	{ sha "$BATS_FILE_TMPDIR/mid.a"; cat "$BATS_FILE_TMPDIR/mid.b"; } >"$T/want"
	same_file "$T/want" "$T/c.out"
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/p.got"
}

@test "connect: the peer's EOF first, stdin a pipe: the whole of stdin is still sent, exit 0" {
	start_peer p python3 "$PEERS/tcp_peer.py" --shut-first --recv "$T/p.got"
	hold_fifo "$T/in"
	start_bg c --stdin "$T/in" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	wait_for "$T/p.out" '^shut$'
	timeout 20 cat "$BATS_FILE_TMPDIR/mid.a" >&9
	exec 9>&-
	wait_exit "$BG_PID"
	[ "$EXIT" -eq 0 ]
	file_is "$T/c.out"
	file_is "$T/c.err"
	wait_for "$T/p.out" '^closed$'
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/p.got"
}

@test "connect: stdout opened for appending (>>, which splice refuses): all 10 MB arrive after what was there" {
	start_peer p python3 "$PEERS/tcp_peer.py" --send "$BATS_FILE_TMPDIR/mid.a"
	printf 'kept\n' >"$T/c.out"
	timeout 20 "$SOCKIT" connect 127.0.0.1 "$PEER_PORT" </dev/null >>"$T/c.out" 2>"$T/c.err" 9>&-
	same_file <(printf 'kept\n' && cat "$BATS_FILE_TMPDIR/mid.a") "$T/c.out"
	file_is "$T/c.err"
}

@test "connect 1>&-: stdout closed is exit 7; the peer gets stdin only, never its own reply" {
	printf 'REPLY-DATA\n' >"$T/reply"
	start_peer p python3 "$PEERS/tcp_peer.py" --send "$T/reply" --recv "$T/p.got"
	local rc=0
	printf 'hello\n' | timeout -k 5 20 "$SOCKIT" connect 127.0.0.1 "$PEER_PORT" 2>"$T/c.err" 1>&- 9>&- || rc=$?
	same exit "$rc" 7
	file_is "$T/c.err" "sockit: connect: stdout: Bad file descriptor"
	wait_for "$T/p.out" '^closed$'
	file_is "$T/p.got" hello
}

@test "connect 0<&-: stdin closed reads as empty at once; the peer's answer goes to stdout" {
	printf 'FROM-PEER\n' >"$T/reply"
	# the peer answers only at EOF: a socket taken as stdin would wait for itself forever
	start_peer p python3 "$PEERS/tcp_peer.py" --recv "$T/p.got" --then-send "$T/reply"
	local rc=0
	timeout -k 5 10 "$SOCKIT" connect 127.0.0.1 "$PEER_PORT" >"$T/c.out" 2>"$T/c.err" 0<&- 9>&- || rc=$?
	same exit "$rc" 0
	file_is "$T/c.out" FROM-PEER
	file_is "$T/c.err"
	wait_for "$T/p.out" '^closed$'
	file_is "$T/p.got"
}

@test "connect: both EOFs at once, 10 MB each way" {
	start_peer p python3 "$PEERS/tcp_peer.py" --send "$BATS_FILE_TMPDIR/mid.b" --recv "$T/p.got"
	run_io c --stdin "$BATS_FILE_TMPDIR/mid.a" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/mid.b" "$T/c.out"
	wait_for "$T/p.out" '^closed$'
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/p.got"
}

@test "connect: a server that greets and closes, stdin a terminal: greeting, exit 0 at once" {
	start_peer p python3 "$PEERS/tcp_peer.py" --greet "$GREETING"
	t0=$(now_us)
	run_io c python3 "$PEERS/on_pty.py" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	ms=$(ms_since "$t0")
	rc_is c 0
	printf '%s' "$GREETING" | cmp - "$T/c.out"
	file_is "$T/c.err"
	[ "$ms" -lt 5000 ] # at once: not held until a timeout
}

@test "connect: a server that greets and closes, stdin an open pipe: greeting, exit 0 at its EOF" {
	start_peer p python3 "$PEERS/tcp_peer.py" --greet "$GREETING"
	hold_fifo "$T/in"
	start_bg c --stdin "$T/in" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	wait_for "$T/c.out" '^Welcome'
	wait_for "$T/p.out" '^closed$'
	kill -0 "$BG_PID" # a pipe is not a terminal: stdin may still have a file to send
	exec 9>&-
	wait_exit "$BG_PID"
	[ "$EXIT" -eq 0 ]
	printf '%s' "$GREETING" | cmp - "$T/c.out"
	file_is "$T/c.err"
}

@test "connect: a server that greets and closes, stdin still sending: the failed write ends it, exit 0, quietly" {
	start_peer p python3 "$PEERS/tcp_peer.py" --greet "$GREETING"
	hold_fifo "$T/in"
	start_bg c --stdin "$T/in" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	wait_for "$T/c.out" '^Welcome'
	wait_for "$T/p.out" '^closed$'
	# the first write draws a reset from the closed peer, a later one fails
	write_until_gone() {
		echo more >&9
		gone "$BG_PID"
	}
	eventually write_until_gone
	wait_exit "$BG_PID"
	[ "$EXIT" -eq 0 ]
	printf '%s' "$GREETING" | cmp - "$T/c.out"
	file_is "$T/c.err"
}

@test "connect: reset by the peer mid-transfer: what arrived is on stdout, exit 4" {
	start_peer p python3 "$PEERS/tcp_peer.py" --rst "$BATS_FILE_TMPDIR/mid.a"
	run_io c "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	rc_is c 4
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/c.out"
	file_is "$T/c.err" "sockit: connect: Connection reset by peer"
}

# reset_runs HOW N: N clients against one cutoff.py peer that reads 1 MB of each, then
# resets (rst) or closes and later refuses (fin) while stdin still streams: /dev/zero (the
# copy path) on even runs, a pipe (splice) on odd ones. Each status goes into $T/rcs,
# each stderr after the last into $T/c.err.
reset_runs() {
	local how=$1 n=$2 i
	start_peer p python3 "$PEERS/cutoff.py" --listen --count "$n" --after 1048576 --how "$how"
	: >"$T/rcs"
	for ((i = 0; i < n; i++)); do
		if ((i % 2 == 0)); then
			run_io c --stdin /dev/zero timeout 10 "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
		else
			# shellcheck disable=SC2016 # expanded by the inner shell
			run_io c timeout 10 bash -c \
				'head -c 100000000 /dev/zero | "$1" connect 127.0.0.1 "$2"; exit "${PIPESTATUS[1]}"' \
				_ "$SOCKIT" "$PEER_PORT"
		fi
		echo "$RC $(cat "$T/c.err")" >>"$T/rcs"
	done
}

@test "connect: a reset (no FIN) while stdin still flows is exit 4 'Connection reset by peer', 20 times" {
	reset_runs rst 20
	repeated_is "$T/rcs" 20 "4 sockit: connect: Connection reset by peer"
}

@test "connect: the peer's FIN, then writes that fail (it has gone): quiet exit 0, 20 times" {
	reset_runs fin 20
	repeated_is "$T/rcs" 20 "0 "
}

@test "connect: stdout closed early (| head -c1) while the peer floods: prompt, quiet exit 0" {
	start_peer p python3 "$PEERS/tcp_peer.py" --flood
	t0=$(now_us)
	# shellcheck disable=SC2016 # expanded by the inner shell
	run_io c bash -c '"$1" connect 127.0.0.1 "$2" | head -c1 >/dev/null; exit "${PIPESTATUS[0]}"' \
		_ "$SOCKIT" "$PEER_PORT"
	rc_is c 0
	file_is "$T/c.err"
	[ "$(ms_since "$t0")" -lt 3000 ]
}

@test "connect: SIGTERM ends a client at once" {
	start_peer p python3 "$PEERS/tcp_peer.py" --peer --silent
	hold_fifo "$T/in"
	start_bg c --stdin "$T/in" "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	wait_for "$T/p.out" '^peer '
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 1
	[ "$EXIT" -ne 0 ]
}

# --- how the peer is named ---

@test "connect: IPv4 and localhost as HOST PORT and HOST:PORT, IPv6 as ::1 PORT and [::1]:PORT" {
	start_peer p4 python3 "$PEERS/tcp_peer.py" --count 5 --reply-sha
	for peer in "127.0.0.1 $PEER_PORT" "127.0.0.1:$PEER_PORT" "localhost $PEER_PORT" \
		"localhost:$PEER_PORT" "-4 127.0.0.1 $PEER_PORT"; do
		# shellcheck disable=SC2086 # the words of the peer
		run_io c "$SOCKIT" connect --send "to $peer" $peer
		rc_is c 0
		file_is "$T/c.out" "$(sha_line "to $peer"$'\n')"
	done
	start_peer p6 python3 "$PEERS/tcp_peer.py" -6 --count 3 --reply-sha
	for peer in "::1 $PEER_PORT" "[::1]:$PEER_PORT" "-6 ::1 $PEER_PORT"; do
		# shellcheck disable=SC2086 # the words of the peer
		run_io c "$SOCKIT" connect --send "to $peer" $peer
		rc_is c 0
		file_is "$T/c.out" "$(sha_line "to $peer"$'\n')"
	done
}

@test "connect: a service name as PORT: unknown is a usage error, a known one resolves" {
	usage_error "sockit: connect: unknown service 'nosuchservice'" connect 127.0.0.1 nosuchservice
	usage_error "sockit: connect: unknown service 'nosuchservice'" connect 127.0.0.1:nosuchservice
	# discard is port 9, where nothing listens here
	run_io c "$SOCKIT" connect 127.0.0.1 discard
	rc_is c 4
	file_is "$T/c.err" "sockit: connect: 127.0.0.1 port 9: Connection refused"
	run_io c "$SOCKIT" connect localhost:discard
	rc_is c 4
	file_is "$T/c.err" "sockit: connect: 127.0.0.1 port 9: Connection refused"
}

@test "connect -U: a UNIX socket with socat, 10 MB each way" {
	start_tool socat "$BATS_FILE_TMPDIR/mid.b" socat -d -d -t 30 "UNIX-LISTEN:$T/u.sock" STDIO
	run_io c --stdin "$BATS_FILE_TMPDIR/mid.a" "$SOCKIT" connect -U "$T/u.sock"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/mid.b" "$T/c.out"
	wait_exit "$PEER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/socat.out"
}

@test "connect -U: a UNIX socket with python3; a missing one is exit 4; -U with HOST is exit 2" {
	start_peer p python3 "$PEERS/tcp_peer.py" -U "$T/u.sock" --reply-sha
	run_io c "$SOCKIT" connect --unix "$T/u.sock" --send 'over unix'
	rc_is c 0
	file_is "$T/c.out" "$(sha_line $'over unix\n')"
	run_io c "$SOCKIT" connect -U "$T/none.sock"
	rc_is c 4
	file_is "$T/c.err" "sockit: connect: $T/none.sock: No such file or directory"
	usage_error "sockit: connect: cannot use -U with HOST and PORT" \
		connect -U "$T/u.sock" 127.0.0.1 80
	# an empty PATH would be Linux's empty abstract name, not a file
	usage_error "sockit: connect: empty PATH for -U" connect -U ''
	usage_error "sockit: connect: empty PATH for -U" connect --unix= --send x
}

# --- options ---

@test "connect -u: one datagram per read, replies on stdout, 1 s of linger after EOF, exit 0" {
	start_peer p python3 "$PEERS/udp_peer.py" echo
	hold_fifo "$T/in"
	start_bg c --stdin "$T/in" "$SOCKIT" connect -u 127.0.0.1 "$PEER_PORT"
	echo one >&9
	wait_for "$T/c.out" '^one$'
	echo 'two!' >&9
	wait_for "$T/c.out" '^two!$'
	t0=$(now_us)
	exec 9>&-
	wait_exit "$BG_PID"
	ms=$(ms_since "$t0")
	[ "$EXIT" -eq 0 ]
	[ "$ms" -ge 950 ] && [ "$ms" -lt 2500 ]
	file_is "$T/c.out" one 'two!'
	file_is "$T/c.err"
	file_is "$T/p.out" "port $PEER_PORT" "got 4" "got 5"
}

@test "connect -u: a file of three lines is one read, so one datagram; --linger bounds the wait" {
	start_peer p python3 "$PEERS/udp_peer.py" echo
	printf 'one\ntwo\nsix\n' >"$T/in"
	t0=$(now_us)
	run_io c --stdin "$T/in" "$SOCKIT" connect -u --linger 0.3 127.0.0.1 "$PEER_PORT"
	ms=$(ms_since "$t0")
	rc_is c 0
	same_file "$T/in" "$T/c.out"
	[ "$ms" -ge 300 ] && [ "$ms" -lt 1500 ]
	run_io c "$SOCKIT" connect -u --linger 0.3 --send 'as one' 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	file_is "$T/c.out" 'as one'
	file_is "$T/p.out" "port $PEER_PORT" "got 12" "got 7"
}

@test "connect -u: nobody on that port: the ICMP refusal is exit 4" {
	port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run_io c "$SOCKIT" connect -u --send hello 127.0.0.1 "$port"
	rc_is c 4
	file_is "$T/c.out"
	file_is "$T/c.err" "sockit: connect: Connection refused"
}

@test "connect --send: exactly TEXT and a newline, stdin left alone" {
	start_peer p python3 "$PEERS/tcp_peer.py" --recv "$T/p.got"
	echo 'not this' >"$T/in"
	run_io c --stdin "$T/in" "$SOCKIT" connect --send 'hello world' 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	file_is "$T/c.out"
	wait_for "$T/p.out" '^closed$'
	file_is "$T/p.got" 'hello world'
}

@test "connect -C: LF goes out as CRLF, CRLF stays CRLF, across reads" {
	start_peer p python3 "$PEERS/tcp_peer.py" --count 2 --recv "$T/p.got"
	printf 'a\nb\r\nc\n\nd' >"$T/in"
	run_io c --stdin "$T/in" "$SOCKIT" connect -C 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	wait_for "$T/p.out" '^closed$'
	printf 'a\r\nb\r\nc\r\n\r\nd' | cmp - "$T/p.got"
	yes 'abc' | head -c 600000 >"$T/in"
	sed 's/$/\r/' "$T/in" >"$T/want"
	run_io c --stdin "$T/in" "$SOCKIT" connect --crlf 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	wait_count "$T/p.out" '^closed$' 2
	same_file "$T/want" "$T/p.got"
}

@test "connect -x: a hex dump of each direction on stderr, data unchanged" {
	printf 'hi\n' >"$T/reply"
	start_peer p python3 "$PEERS/tcp_peer.py" --recv "$T/p.got" --then-send "$T/reply"
	run_io c "$SOCKIT" connect -x --send 0123456789abcdefghi 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	file_is "$T/c.out" hi
	file_is "$T/c.err" \
		"> 00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66 |0123456789abcdef|" \
		"$(printf '> 00000010  %-49s|ghi.|' '67 68 69 0a')" \
		"$(printf '< 00000000  %-49s|hi.|' '68 69 0a')"
	file_is "$T/p.got" 0123456789abcdefghi
}

@test "connect --no-shutdown: the peer sees no EOF until the client leaves by --linger" {
	start_peer p python3 "$PEERS/tcp_peer.py" --count 2
	t0=$(now_us)
	run_io c "$SOCKIT" connect --no-shutdown --linger 1 --send hi 127.0.0.1 "$PEER_PORT"
	ms=$(ms_since "$t0")
	rc_is c 0
	[ "$ms" -ge 1000 ] && [ "$ms" -lt 2500 ]
	# then, for contrast, without --no-shutdown: EOF at once, and the peer's close ends it
	run_io c "$SOCKIT" connect --linger 1 --send hi 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	wait_count "$T/p.out" '^closed$' 2
	mapfile -t secs < <(sed -n 's/^eof 3 //p' "$T/p.out")
	[ "${#secs[@]}" -eq 2 ]
	[ "${secs[0]/./}" -ge 70 ] # 0.70 s and more (1 s, less the peer's lag to accept)
	[ "${secs[1]/./}" -lt 50 ]
}

@test "connect --linger: bounds the wait for a peer that never closes; without it, it waits" {
	start_peer p python3 "$PEERS/tcp_peer.py" --hold
	t0=$(now_us)
	run_io c "$SOCKIT" connect --linger 0.5 127.0.0.1 "$PEER_PORT"
	ms=$(ms_since "$t0")
	rc_is c 0
	[ "$ms" -ge 500 ] && [ "$ms" -lt 2000 ]
	kill "$PEER_PID"
	start_peer p2 python3 "$PEERS/tcp_peer.py" --hold
	start_bg c "$SOCKIT" connect 127.0.0.1 "$PEER_PORT"
	wait_for "$T/p2.out" '^eof 0 '
	kill -0 "$BG_PID"
	kill "$PEER_PID" # its connection closes with it
	wait_exit "$BG_PID"
	[ "$EXIT" -eq 0 ]
}

@test "connect -s: the connection comes from the source address and port" {
	start_peer p python3 "$PEERS/tcp_peer.py" --count 2 --peer
	run_io c "$SOCKIT" connect -s 127.0.0.1 --send x 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	wait_for "$T/p.out" '^closed$'
	grep -qx "peer 127.0.0.1 [0-9]*" "$T/p.out"
	# (the port the peer listens on is in use)
	run_io c "$SOCKIT" connect -s "127.0.0.1:$PEER_PORT" --send x 127.0.0.1 "$PEER_PORT"
	rc_is c 4
	file_is "$T/c.err" "sockit: connect: bind to 127.0.0.1:$PEER_PORT: Address already in use"
	sport=$(free_port)
	run_io c "$SOCKIT" connect --source "127.0.0.1:$sport" --send x 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	wait_count "$T/p.out" '^closed$' 2
	[ "$(sed -n 's/^peer //p' "$T/p.out" | tail -n 1)" = "127.0.0.1 $sport" ]
	usage_error "sockit: connect: -s: invalid port '99999' (1-65535)" \
		connect -s 127.0.0.1:99999 127.0.0.1 "$PEER_PORT"
	usage_error "sockit: connect: invalid source address '' for -s" connect -s '' 127.0.0.1 1
}

@test "connect -z: a range with one open port prints exactly that one, exit 0" {
	start_peer p python3 "$PEERS/port_block.py" 5 2
	range=$(sed -n 's/^range //p' "$T/p.out")
	run_io c "$SOCKIT" connect -z 127.0.0.1 "$range"
	rc_is c 0
	file_is "$T/c.out" "127.0.0.1 $PEER_PORT open"
	file_is "$T/c.err"
	run_io c "$SOCKIT" connect --scan "127.0.0.1:$PEER_PORT"
	rc_is c 0
	file_is "$T/c.out" "127.0.0.1 $PEER_PORT open"
}

@test "connect -z: a range with no open port prints nothing, exit 1; bad ranges are exit 2" {
	start_peer p python3 "$PEERS/port_block.py" 5
	range=$(sed -n 's/^range //p' "$T/p.out")
	run_io c "$SOCKIT" connect -z 127.0.0.1 "$range"
	rc_is c 1
	file_is "$T/c.out"
	file_is "$T/c.err"
	usage_error "sockit: connect: invalid port range '30-20'" connect -z 127.0.0.1 30-20
	usage_error "sockit: connect: invalid port range '1-65536'" connect -z 127.0.0.1 1-65536
	usage_error "sockit: connect: invalid port range '0-5'" connect -z 127.0.0.1 0-5
	usage_error "sockit: connect: cannot use -z with -u" connect -z -u 127.0.0.1 1-5
}

@test "connect -4/-6: together a usage error; against the other family's literal, exit 3" {
	usage_error "sockit: connect: cannot use -4 and -6 together" connect -4 -6 127.0.0.1 1
	usage_error "sockit: connect: cannot use -4 and -6 together" connect 127.0.0.1 1 -6 -4
	run_io c "$SOCKIT" connect -6 127.0.0.1 9
	rc_is c 3
	file_is "$T/c.err" "sockit: connect: 127.0.0.1: Address family for hostname not supported"
	run_io c "$SOCKIT" connect -4 '[::1]:9'
	rc_is c 3
	file_is "$T/c.err" "sockit: connect: ::1: Address family for hostname not supported"
}

# --- errors ---

@test "connect: nothing listening is exit 4, Connection refused" {
	port=$(free_port)
	run_io c "$SOCKIT" connect 127.0.0.1 "$port"
	rc_is c 4
	file_is "$T/c.out"
	file_is "$T/c.err" "sockit: connect: 127.0.0.1 port $port: Connection refused"
}

@test "connect -w 1: a listener whose backlog is full and never accepts: exit 5 within 2 s" {
	start_peer p python3 "$PEERS/full_backlog.py"
	t0=$(now_us)
	run_io c "$SOCKIT" connect -w 1 127.0.0.1 "$PEER_PORT"
	ms=$(ms_since "$t0")
	rc_is c 5
	file_is "$T/c.err" "sockit: connect: 127.0.0.1 port $PEER_PORT: Connection timed out"
	[ "$ms" -ge 1000 ] && [ "$ms" -lt 2000 ]
}

@test "connect -w: a silent peer is an idle timeout, exit 5, stdin open or at EOF" {
	start_peer p python3 "$PEERS/tcp_peer.py" --silent
	hold_fifo "$T/in"
	t0=$(now_us)
	run_io c --stdin "$T/in" "$SOCKIT" connect -w 1 127.0.0.1 "$PEER_PORT"
	ms=$(ms_since "$t0")
	rc_is c 5
	file_is "$T/c.err" "sockit: connect: timed out: no data for 1.000 s"
	[ "$ms" -ge 1000 ] && [ "$ms" -lt 2500 ]
	kill "$PEER_PID"
	start_peer p2 python3 "$PEERS/tcp_peer.py" --hold
	run_io c "$SOCKIT" connect --timeout 0.5 127.0.0.1 "$PEER_PORT"
	rc_is c 5
	file_is "$T/c.err" "sockit: connect: timed out: no data for 0.500 s"
}

@test "connect: bad ports are usage errors that name the value" {
	usage_error "sockit: connect: invalid port '0' (1-65535)" connect 127.0.0.1 0
	usage_error "sockit: connect: invalid port '65536' (1-65535)" connect 127.0.0.1 65536
	usage_error "sockit: connect: unknown option '-1'" connect 127.0.0.1 -1
	usage_error "sockit: connect: invalid port '-1' (1-65535)" connect 127.0.0.1 -- -1
	usage_error "sockit: connect: invalid port '80x' (1-65535)" connect 127.0.0.1 80x
	usage_error "sockit: connect: invalid port '' (1-65535)" connect 127.0.0.1 ''
	usage_error "sockit: connect: invalid port '1234567890123456789012345' (1-65535)" \
		connect 127.0.0.1 1234567890123456789012345
	usage_error "sockit: connect: invalid port '0' (1-65535)" connect 127.0.0.1:0
	usage_error "sockit: connect: invalid port '-1' (1-65535)" connect 127.0.0.1:-1
	usage_error "sockit: connect: invalid port '65536' (1-65535)" connect '[::1]:65536'
	usage_error "sockit: connect: invalid address '127.0.0.1:'" connect 127.0.0.1:
}

@test "connect: bad numbers for -w and --linger are usage errors that name the option" {
	usage_error "sockit: connect: invalid value '5x' for -w (seconds, e.g. 2 or 0.5)" \
		connect -w 5x 127.0.0.1 1
	usage_error "sockit: connect: invalid value '-1' for -w (seconds, e.g. 2 or 0.5)" \
		connect -w -1 127.0.0.1 1
	usage_error "sockit: connect: invalid value '1e99' for -w (seconds, e.g. 2 or 0.5)" \
		connect -w 1e99 127.0.0.1 1
	usage_error "sockit: connect: invalid value '99999999999' for -w (seconds, e.g. 2 or 0.5)" \
		connect --timeout=99999999999 127.0.0.1 1
	usage_error "sockit: connect: invalid value 'soon' for --linger (seconds, e.g. 2 or 0.5)" \
		connect --linger soon 127.0.0.1 1
	usage_error "sockit: connect: option '-w' needs a value" connect 127.0.0.1 1 -w
}

@test "connect: a missing or extra operand is a usage error" {
	usage_error "sockit: connect: missing HOST and PORT" connect
	usage_error "sockit: connect: missing PORT after '127.0.0.1'" connect 127.0.0.1
	usage_error "sockit: connect: unexpected argument '3'" connect 127.0.0.1 2 3
	usage_error "sockit: connect: unexpected argument '2'" connect 127.0.0.1:1 2
}

@test "connect: a 10 KiB host name is a usage error, without a crash" {
	long=$(printf '%010240d' 0 | tr 0 a)
	cut60=$(printf '%060d' 0 | tr 0 a)
	usage_error "sockit: connect: invalid address '$cut60...'" connect "$long" 80
	usage_error "sockit: connect: invalid address '$cut60...'" connect "$long:80"
	usage_error "sockit: connect: invalid address '[${cut60:1}...'" connect "[$long]:80"
}

@test "connect: a name that cannot resolve is exit 3 (glibc refuses a 64-byte label unasked)" {
	name="$(printf '%064d' 0 | tr 0 a).invalid"
	run_io c "$SOCKIT" connect "$name" 80
	rc_is c 3
	file_is "$T/c.out"
	file_is "$T/c.err" "sockit: connect: $name: Name or service not known"
}

@test "connect: after the peer has gone, waiting for stdin costs no CPU (no poll spin)" {
	start_server serve -p greet 127.0.0.1 0
	hold_fifo "$T/in"
	start_bg c --stdin "$T/in" "$SOCKIT" connect 127.0.0.1 "$PORT"
	wait_for "$T/c.out" '^Welcome to the server!$'
	# the client has the peer's EOF and now waits for the end of its stdin
	ticks=$(busy_ticks "$BG_PID" 0.5)
	[ "$ticks" -le 5 ]
	exec 9>&-
	wait_exit "$BG_PID" 5
	[ "$EXIT" -eq 0 ]
}
