#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, SERVER_PID: set by helpers
# 80-forward: `serve --to` (sockit(1), Forwarding) against real peers on loopback: bytes
# exact both ways, half-close and resets carried, failover, limits, UNIX, PROXY headers,
# UDP flows, --json, stop, descriptor exhaustion, one process.
load helpers

FP=forward_peer.py

# fwd ARGS...: the forwarder on a free port of 127.0.0.1 (PORT, SERVER_PID).
fwd() {
	start_named fwd serve "$@" 127.0.0.1 0
}

# target_echo: a `sockit echo` target (ECHO_PORT), -v so that how clients leave shows.
target_echo() {
	start_named echo echo -v 127.0.0.1 0
	ECHO_PORT=$PORT
}

@test "forward: 50 MB each way, byte-exact, through one pair (nc.openbsd to a python target)" {
	random_file "$T/up" 52428800
	random_file "$T/down" 52428800
	start_peer target python3 "$PEERS/tcp_peer.py" --recv "$T/got_up" --send "$T/down"
	fwd --to "127.0.0.1:$PEER_PORT"
	run_io nc --stdin "$T/up" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is nc 0
	wait_for "$T/target.out" '^eof 52428800 '
	same_file "$T/up" "$T/got_up"
	same_file "$T/down" "$T/nc.out"
}

@test "forward: 200 concurrent pairs, each with its own payload, to an echo target" {
	target_echo
	fwd --to "127.0.0.1:$ECHO_PORT"
	run_io clients python3 "$PEERS/$FP" clients 127.0.0.1 "$PORT" 200
	file_is "$T/clients.out" "ok 200"
}

@test "forward: half-close carried: the target reads to EOF, then answers" {
	printf 'hello\n' >"$T/in"
	start_peer target python3 "$PEERS/tcp_peer.py" --reply-sha
	fwd --to "127.0.0.1:$PEER_PORT"
	run_io nc --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is nc 0
	file_is "$T/nc.out" "$(sha256sum <"$T/in" | cut -d' ' -f1)"
}

@test "forward: half-close carried the other way: the client reads to EOF, then answers" {
	start_peer target python3 "$PEERS/tcp_peer.py" --shut-first --recv "$T/late"
	fwd --to "127.0.0.1:$PEER_PORT"
	run_io rts python3 "$PEERS/$FP" read-then-send 127.0.0.1 "$PORT"
	file_is "$T/rts.out" "got 0" "sent"
	wait_for "$T/target.out" '^eof 5 '
	is "$T/late" $'late\n'
}

@test "forward: a reset by the target resets the client" {
	random_file "$T/data" 20000
	start_peer target python3 "$PEERS/tcp_peer.py" --rst "$T/data"
	fwd -v --to "127.0.0.1:$PEER_PORT"
	run_io ra python3 "$PEERS/$FP" read-all 127.0.0.1 "$PORT"
	# a reset is carried at once: bytes still in flight toward the client may go with it
	grep -Eq '^got [0-9]+ reset$' "$T/ra.out"
	wait_for "$T/fwd.err" ' reset by the target: '
}

@test "forward: a reset by the client resets the target" {
	target_echo
	fwd -v --to "127.0.0.1:$ECHO_PORT"
	run_io rs python3 "$PEERS/$FP" reset-after 127.0.0.1 "$PORT"
	file_is "$T/rs.out" "reset"
	wait_for "$T/fwd.err" ' reset by the client: 2 bytes to the target, 2 bytes back'
	wait_for "$T/echo.err" 'closed \(error\)'
}

@test "forward: a client that does not read throttles the target: no spin, no queue" {
	start_peer target python3 "$PEERS/tcp_peer.py" --flood
	fwd --to "127.0.0.1:$PEER_PORT"
	start_bg hold python3 "$PEERS/$FP" hold 127.0.0.1 "$PORT" 1
	wait_for "$T/hold.out" '^ready$'
	local ticks rss
	ticks=$(busy_ticks "$SERVER_PID" 0.5) # the socket buffers fill up meanwhile
	ticks=$(busy_ticks "$SERVER_PID" 0.5)
	rss=$(proc_kb "$SERVER_PID" VmRSS)
	echo "ticks: $ticks, RSS $rss kB" >&3
	[ "$ticks" -le 5 ]
	[ "$rss" -le "$(mem_bound 8000)" ]
}

@test "forward: a target that never answers: -w bounds the wait, the client is reset, one line" {
	start_peer backlog python3 "$PEERS/full_backlog.py"
	fwd -w 1 --to "127.0.0.1:$PEER_PORT"
	local t0
	t0=$(now_us)
	run_io ra python3 "$PEERS/$FP" read-all 127.0.0.1 "$PORT"
	file_is "$T/ra.out" "got 0 reset"
	[ "$(ms_since "$t0")" -ge 900 ] && [ "$(ms_since "$t0")" -lt 5000 ]
	wait_for "$T/fwd.err" "^sockit: serve: 127.0.0.1:[0-9]+: no target reachable \(127.0.0.1:$PEER_PORT\): timed out$"
}

@test "forward: failover: a refused --to and a silent one pass the client to the next" {
	local dead
	dead=$(free_port)
	start_peer backlog python3 "$PEERS/full_backlog.py"
	local silent=$PEER_PORT
	target_echo
	fwd -v -w 1 --to "127.0.0.1:$dead" --to "127.0.0.1:$silent" --to "127.0.0.1:$ECHO_PORT"
	printf 'through\n' >"$T/in"
	run_io nc --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is nc 0
	is "$T/nc.out" $'through\n'
	wait_for "$T/fwd.err" "-> 127.0.0.1:$ECHO_PORT closed: 8 bytes to the target, 8 bytes back"
	[ "$(grep -c 'no target reachable' "$T/fwd.err")" -eq 0 ]
}

@test "forward: none reachable: every --to named in one line, the client reset" {
	local a b
	a=$(free_port)
	b=$(free_port)
	fwd --to "127.0.0.1:$a" --to "127.0.0.1:$b"
	run_io ra python3 "$PEERS/$FP" read-all 127.0.0.1 "$PORT"
	file_is "$T/ra.out" "got 0 reset"
	wait_for "$T/fwd.err" "no target reachable \(127.0.0.1:$a, 127.0.0.1:$b\): Connection refused$"
	[ "$(grep -c 'no target reachable' "$T/fwd.err")" -eq 1 ]
}

@test "forward: --idle-timeout ends a pair that moved nothing for that long" {
	target_echo
	fwd -v --idle-timeout 0.3 --to "127.0.0.1:$ECHO_PORT"
	local t0
	t0=$(now_us)
	run_io ra python3 "$PEERS/$FP" read-all 127.0.0.1 "$PORT"
	file_is "$T/ra.out" "got 0 eof"
	[ "$(ms_since "$t0")" -ge 250 ]
	wait_for "$T/fwd.err" "-> 127.0.0.1:$ECHO_PORT idle: 0 bytes to the target, 0 bytes back"
}

@test "forward: -m 3: the fourth client is turned away while three pairs are open" {
	target_echo
	fwd -v -m 3 --to "127.0.0.1:$ECHO_PORT"
	start_peer hold python3 "$PEERS/$FP" hold 127.0.0.1 "$PORT" 3
	wait_count "$T/echo.err" 'connection from' 3
	run_io ra python3 "$PEERS/$FP" read-all 127.0.0.1 "$PORT"
	file_is "$T/ra.out" "got 0 eof"
	wait_for "$T/fwd.err" 'turned away: 3 clients already'
	[ "$(grep -c 'connection from' "$T/echo.err")" -eq 3 ]
}

@test "forward: --deny: the target never sees a denied client; --allow lets one in" {
	target_echo
	fwd -v --deny 127.0.0.0/8 --to "127.0.0.1:$ECHO_PORT"
	run_io ra python3 "$PEERS/$FP" read-all 127.0.0.1 "$PORT"
	file_is "$T/ra.out" "got 0 eof"
	wait_for "$T/fwd.err" 'refused by the access list'
	kill "$SERVER_PID"
	fwd -v --allow 127.0.0.1 --to "127.0.0.1:$ECHO_PORT"
	printf 'in\n' >"$T/in"
	run_io nc --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$PORT"
	is "$T/nc.out" $'in\n'
	[ "$(grep -c 'connection from' "$T/echo.err")" -eq 1 ]
}

@test "forward: UNIX both ways: -U PATH --to HOST:PORT, and PORT --to unix:PATH" {
	target_echo
	start_named fu serve -U "$T/fwd.sock" --to "127.0.0.1:$ECHO_PORT"
	printf 'over unix\n' >"$T/in"
	run_io nu --stdin "$T/in" nc.openbsd -N -U "$T/fwd.sock"
	is "$T/nu.out" $'over unix\n'
	start_named eu echo -U "$T/echo.sock"
	fwd --to "unix:$T/echo.sock"
	run_io nt --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$PORT"
	is "$T/nt.out" $'over unix\n'
}

@test "forward: --proxy-protocol 1 and 2: the target reads the client's address first" {
	for v in 1 2; do
		start_peer "pt$v" python3 "$PEERS/$FP" proxy-target
		fwd --proxy-protocol "$v" --to "127.0.0.1:$PEER_PORT"
		for i in 1 2; do
			printf 'line %s\n' "$i" >"$T/in"
			run_io "c$v$i" --stdin "$T/in" python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1], flush=True)
s.sendall(sys.stdin.buffer.read())
print(s.makefile().readline().strip())' "$PORT"
		done
		wait_count "$T/pt$v.out" '^data ' 2
		local p1 p2
		p1=$(head -n 1 "$T/c${v}1.out")
		p2=$(head -n 1 "$T/c${v}2.out")
		if [ "$v" = 1 ]; then
			file_is "$T/pt1.out" "port $PEER_PORT" "v1 PROXY TCP4 127.0.0.1 127.0.0.1 $p1 $PORT" \
				"data line 1" "v1 PROXY TCP4 127.0.0.1 127.0.0.1 $p2 $PORT" "data line 2"
		else
			file_is "$T/pt2.out" "port $PEER_PORT" "v2 PROXY TCP4 127.0.0.1 127.0.0.1 $p1 $PORT" \
				"data line 1" "v2 PROXY TCP4 127.0.0.1 127.0.0.1 $p2 $PORT" "data line 2"
		fi
		kill "$SERVER_PID"
	done
}

@test "forward: --proxy-protocol from a UNIX client: v1 UNKNOWN, v2 LOCAL" {
	start_peer pt python3 "$PEERS/$FP" proxy-target
	start_named fu serve -U "$T/f1.sock" --proxy-protocol 1 --to "127.0.0.1:$PEER_PORT"
	start_named fu2 serve -U "$T/f2.sock" --proxy-protocol 2 --to "127.0.0.1:$PEER_PORT"
	printf 'u\n' >"$T/in"
	run_io a --stdin "$T/in" nc.openbsd -N -U "$T/f1.sock"
	run_io b --stdin "$T/in" nc.openbsd -N -U "$T/f2.sock"
	wait_count "$T/pt.out" '^data ' 2
	file_is "$T/pt.out" "port $PEER_PORT" "v1 PROXY UNKNOWN" "data u" "v2 LOCAL UNSPEC 0" "data u"
}

@test "forward: --proxy socks5://: each pair through microsocks; a refusal is a failover" {
	command -v microsocks >/dev/null || skip "microsocks is not installed"
	target_echo
	start_microsocks
	local dead
	dead=$(free_port)
	fwd -v --proxy "socks5://127.0.0.1:$MS_PORT" --to "127.0.0.1:$dead" --to "127.0.0.1:$ECHO_PORT"
	# microsocks ends a tunnel at the first EOF: the clients do not half-close
	run_io clients python3 "$PEERS/$FP" clients 127.0.0.1 "$PORT" 20 --keep
	file_is "$T/clients.out" "ok 20"
	wait_count "$T/fwd.err" "-> 127.0.0.1:$ECHO_PORT " 20
	[ "$(grep -c 'no target reachable' "$T/fwd.err")" -eq 0 ]
}

@test "forward: --proxy http:// (tinyproxy's CONNECT) for every pair" {
	command -v tinyproxy >/dev/null || skip "tinyproxy is not installed"
	target_echo
	start_tinyproxy
	fwd -v --proxy "http://127.0.0.1:$TP_PORT" --to "127.0.0.1:$ECHO_PORT"
	run_io clients python3 "$PEERS/$FP" clients 127.0.0.1 "$PORT" 10 --keep
	file_is "$T/clients.out" "ok 10"
	wait_count "$T/tinyproxy.log" "CONNECT" 10
}

@test "forward: --json: one object per ended pair, as jq reads it" {
	target_echo
	fwd --json --to "127.0.0.1:$ECHO_PORT"
	printf 'four\n' >"$T/in"
	run_io nc --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$PORT"
	wait_for "$T/fwd.out" '"end"'
	run jq -r '[.target, .bytes_to_target, .bytes_to_client, .end, (.ms|type), (.client|test("^127.0.0.1:[0-9]+$"))] | @tsv' "$T/fwd.out"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '127.0.0.1:%s\t5\t5\tclosed\tnumber\ttrue' "$ECHO_PORT")" ]
}

@test "forward: UDP: two clients, each gets its own replies; flows end when idle" {
	start_peer udp python3 "$PEERS/udp_peer.py" echo
	start_named fwd serve -v -u --idle-timeout 0.3 --to "127.0.0.1:$PEER_PORT" 127.0.0.1 0
	run_io uc python3 "$PEERS/$FP" udp-clients 127.0.0.1 "$PORT" 2
	file_is "$T/uc.out" "ok 2"
	wait_count "$T/fwd.err" "-> 127.0.0.1:$PEER_PORT idle: 36 bytes to the target, 36 bytes back" 2
}

@test "forward: UDP flows bounded by -m" {
	start_peer udp python3 "$PEERS/udp_peer.py" echo
	start_named fwd serve -v -u -m 1 --to "127.0.0.1:$PEER_PORT" 127.0.0.1 0
	run_io uc python3 "$PEERS/$FP" udp-clients 127.0.0.1 "$PORT" 2
	grep -q '^bad 1' "$T/uc.out"
	wait_for "$T/fwd.err" 'turned away: 1 flows already'
}

@test "forward: SIGTERM mid-transfer: stops accepting, exit 0 within the grace second" {
	start_peer target python3 "$PEERS/tcp_peer.py" --flood
	fwd --to "127.0.0.1:$PEER_PORT"
	start_bg hold python3 "$PEERS/$FP" hold 127.0.0.1 "$PORT" 1
	wait_for "$T/hold.out" '^ready$'
	local t0
	t0=$(now_us)
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 5
	[ "$EXIT" -eq 0 ]
	[ "$(ms_since "$t0")" -lt 3000 ]
}

@test "forward: one process, one thread: no process or thread per client" {
	target_echo
	fwd --to "127.0.0.1:$ECHO_PORT"
	start_bg hold python3 "$PEERS/$FP" hold 127.0.0.1 "$PORT" 50
	wait_for "$T/hold.out" '^ready$'
	wait_count "$T/echo.err" 'connection from' 50
	[ "$(find "/proc/$SERVER_PID/task" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]
	[ -z "$(pgrep -P "$SERVER_PID")" ]
	[ "$(fd_count "$SERVER_PID")" -ge 100 ]
}

@test "forward: out of descriptors (ulimit -n 64, 100 clients): no spin, recovers" {
	target_echo
	local pid port ticks
	: >"$T/fwd.err"
	# shellcheck disable=SC2016 # expanded by the inner sh
	start_bg fwd sh -c 'ulimit -n 64 && exec "$0" serve --to "$1" 127.0.0.1 0' "$SOCKIT" \
		"127.0.0.1:$ECHO_PORT"
	pid=$BG_PID
	wait_for "$T/fwd.err" 'listening on '
	port=$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/fwd.err")
	start_bg hold python3 "$PEERS/$FP" hold 127.0.0.1 "$port" 100
	wait_for "$T/hold.out" '^ready$' 30
	wait_for "$T/fwd.err" 'out of file descriptors'
	ticks=$(busy_ticks "$pid" 0.5)
	echo "ticks while starved: $ticks" >&3
	[ "$ticks" -le 10 ]
	[ "$(grep -c 'out of file descriptors' "$T/fwd.err")" -eq 1 ]
	kill "$BG_PID"
	printf 'again\n' >"$T/in"
	served_again() {
		run_io nc --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$port"
		[ "$(cat "$T/nc.out")" = again ]
	}
	eventually -t 2 served_again || true # is shows what came
	is "$T/nc.out" $'again\n'
}

@test "forward: 10 000 idle pairs (as many as the descriptor limit allows) cost little memory" {
	local n before after
	ulimit -n "$(ulimit -Hn)"
	# a pair holds two of the forwarder's descriptors (a hard limit of 20 000: 9 968)
	n=$((($(ulimit -n) - 64) / 2))
	[ "$n" -le 10000 ] || n=10000
	target_echo
	fwd --to "127.0.0.1:$ECHO_PORT"
	before=$(proc_kb "$SERVER_PID" VmRSS)
	start_bg hold python3 "$PEERS/$FP" hold 127.0.0.1 "$PORT" "$n"
	wait_for "$T/hold.out" '^ready$' 60
	wait_count "$T/echo.err" 'connection from' "$n" 60
	after=$(proc_kb "$SERVER_PID" VmRSS)
	echo "RSS: $before kB, then $after kB with $n idle pairs" >&3
	[ $((after - before)) -le "$(mem_bound "$n")" ]
}

@test "forward: failover across a name's addresses (a private hosts file)" {
	if ! unshare -m true 2>/dev/null; then
		skip "no mount namespace here (unshare -m: $(unshare -m true 2>&1 | head -n 1))"
	fi
	# the target listens on 127.0.0.2 only; the name's first address (getaddrinfo puts
	# 127.0.0.1 first) refuses, the second answers
	start_named echo echo -v 127.0.0.2 0
	ECHO_PORT=$PORT
	printf '127.0.0.2 fwdtarget\n127.0.0.1 fwdtarget\n' >"$T/hosts"
	printf 'name\n' >"$T/in"
	cat >"$T/run.sh" <<EOF
mount --bind "$T/hosts" /etc/hosts || exit 99
"$SOCKIT" serve -vv --to "fwdtarget:$ECHO_PORT" 127.0.0.1 0 2>"$T/ns.err" &
pid=\$!
for i in \$(seq 250); do grep -q 'listening on' "$T/ns.err" && break; sleep 0.02; done
port=\$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/ns.err")
timeout 10 nc.openbsd -N 127.0.0.1 "\$port" <"$T/in"
kill \$pid
wait \$pid
EOF
	run_io ns unshare -m sh "$T/run.sh"
	[ "$RC" -ne 99 ] || skip "cannot bind-mount a hosts file: $(cat "$T/ns.err")"
	is "$T/ns.out" $'name\n'
	grep -q "fwdtarget:$ECHO_PORT: Connection refused" "$T/ns.err"
	grep -q -- "-> 127.0.0.2:$ECHO_PORT closed: 5 bytes to the target, 5 bytes back" "$T/ns.err"
}

@test "forward: a name slow to look up holds up only its own client (/etc/hosts a FIFO)" {
	if ! unshare -m true 2>/dev/null; then
		skip "no mount namespace here (unshare -m: $(unshare -m true 2>&1 | head -n 1))"
	fi
	# glibc's open of /etc/hosts waits for a writer that never comes: the first
	# client's lookup stalls there (hosts: files alone, so nothing asks a DNS server).
	# The loop must go on: a second client over -m 1 is turned away at once, and
	# SIGTERM ends the server within its grace second.
	start_named echo echo 127.0.0.1 0
	ECHO_PORT=$PORT
	mkfifo "$T/hosts"
	printf 'hosts: files\n' >"$T/nss"
	cat >"$T/run.sh" <<EOF
mount --bind "$T/hosts" /etc/hosts || exit 99
mount --bind "$T/nss" /etc/nsswitch.conf || exit 99
"$SOCKIT" serve -m 1 --to "slowname:$ECHO_PORT" 127.0.0.1 0 2>"$T/ns.err" &
pid=\$!
for i in \$(seq 250); do grep -q 'listening on' "$T/ns.err" && break; sleep 0.02; done
port=\$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/ns.err")
timeout 10 nc.openbsd -N 127.0.0.1 "\$port" </dev/null >/dev/null 2>&1 &
# the lookup has begun once a thread runs beside the loop
for i in \$(seq 250); do [ "\$(ls /proc/\$pid/task | wc -l)" -gt 1 ] && break; sleep 0.02; done
echo "threads: \$(ls /proc/\$pid/task | wc -l)"
timeout 5 nc.openbsd -N 127.0.0.1 "\$port" </dev/null
for i in \$(seq 150); do grep -q 'turned away' "$T/ns.err" && break; sleep 0.02; done
t0=\$(date +%s%N)
kill -TERM \$pid
wait \$pid
echo "exit \$?"
echo "ms \$(( (\$(date +%s%N) - t0) / 1000000 ))"
EOF
	run_io ns unshare -m sh "$T/run.sh"
	[ "$RC" -ne 99 ] || skip "cannot bind-mount a hosts file: $(cat "$T/ns.err")"
	grep -qE '^threads: ([2-9]|[1-9][0-9])$' "$T/ns.out"
	grep -qx 'sockit: serve: 1 client over --max-clients 1 turned away' "$T/ns.err"
	grep -qx 'exit 0' "$T/ns.out"
	ms=$(sed -n 's/^ms //p' "$T/ns.out")
	[ "$ms" -lt 3000 ]
}

# usage_table: each line `MESSAGE|ARGS...`: a usage error, exit 2.
@test "forward: usage errors: --to with another protocol, -e, -c, bad targets, options without --to" {
	while IFS='|' read -r msg args; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		usage_error "sockit: serve: $msg" serve $args
	done <<'EOF'
cannot use --to with --proto echo|--to 127.0.0.1:80 -p echo 0
cannot use --to with -e|--to 127.0.0.1:80 -e /bin/cat 0
cannot use --to with -c|--to 127.0.0.1:80 -c cat 0
invalid --to 'nope' (HOST:PORT, [V6]:PORT or unix:PATH)|--to nope 0
missing PATH in --to 'unix:'|--to unix: 0
invalid --proxy-protocol '3' (1 or 2)|--to 127.0.0.1:80 --proxy-protocol 3 0
--json is for --to|--json 0
-w is for --to|-w 1 0
--proxy-protocol is for --to|--proxy-protocol 1 0
cannot use -u with several --to|-u --to 127.0.0.1:80 --to 127.0.0.1:81 0
cannot use --to unix:PATH with -u|-u --to unix:/x 0
EOF
}
