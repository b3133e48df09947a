#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, SERVER_PID, PEER_PORT, BG_PID, RC, EXIT: set by helpers
# 20-serve-raw: `sockit serve` with the raw protocol, nc -l's job: one client at a time,
# stdin to it and it to stdout, against nc.openbsd, socat, python3 and sockit's own
# client (sockit(1) "serve" and "Relaying",
# hostile clients included).

load helpers

bats_require_minimum_version 1.5.0

setup_file() {
	# inputs shared by the tests, made once: random bytes, NULs included
	random_file "$BATS_FILE_TMPDIR/big.a" 100000000
	random_file "$BATS_FILE_TMPDIR/big.b" 100000000
	random_file "$BATS_FILE_TMPDIR/mid.a" 10000000
	random_file "$BATS_FILE_TMPDIR/mid.b" 10000000
}

# restart_server ARGS...: start_server again in the same test; the last server's files
# go first, so that its listening line cannot be taken for the new one's.
restart_server() {
	rm -f "$T/server.out" "$T/server.err"
	start_server "$@"
}

# head_server ARGS...: `sockit serve ARGS | head -c1`, each process tracked by its own PID;
# waits for the listening line and sets PORT and SERVER_PID.
head_server() {
	mkfifo "$T/pipe"
	head -c1 <"$T/pipe" >/dev/null 3>&- &
	track $!
	"$SOCKIT" serve "$@" >"$T/pipe" 2>"$T/server.err" </dev/null 3>&- 9>&- &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_for "$T/server.err" 'listening on ' || return 1
	PORT=$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/server.err")
}

# serves_at SHOWN HOST ARGS...: `sockit serve ARGS` says it listens on SHOWN:PORT, a
# client that reaches it at HOST gets its line through, and the server exits 0 after it.
serves_at() {
	local shown=$1 host=$2
	shift 2
	restart_server serve "$@" || return 1
	file_is "$T/server.err" "sockit: listening on $shown:$PORT" || return 1
	run_io c "$SOCKIT" connect --send "to $shown" "$host" "$PORT"
	rc_is c 0 || return 1
	wait_exit "$SERVER_PID" || return 1
	[ "$EXIT" -eq 0 ] || return 1
	file_is "$T/server.out" "to $shown"
}

# refused_by_acl HOST: a client at HOST is closed at once, unserved, and the server logs it.
refused_by_acl() {
	local n line t0 shown=$1
	[[ $1 != *:* ]] || shown="[$1]"
	n=$(grep -c ' refused by the access list$' "$T/server.err" || true)
	t0=$(now_us)
	run_io c "$SOCKIT" connect "$1" "$PORT"
	rc_is c 0 || return 1
	[ "$(ms_since "$t0")" -lt 1500 ] || return 1
	file_is "$T/c.out" || return 1
	wait_count "$T/server.err" ' refused by the access list$' $((n + 1)) || return 1
	line=$(grep ' refused by the access list$' "$T/server.err" | tail -n 1)
	[[ $line =~ ^sockit:\ serve:\ (.*):[0-9]+\ refused\ by\ the\ access\ list$ ]] &&
		[ "${BASH_REMATCH[1]}" = "$shown" ]
}

# served HOST TEXT: a client at HOST is served: TEXT reaches the server's stdout.
served() {
	run_io c "$SOCKIT" connect --send "$2" "$1" "$PORT"
	rc_is c 0 || return 1
	wait_for "$T/server.out" "^$2\$"
}

# --- where it listens ---

@test "serve 0: listening on [::]:PORT, and dual stack: reached at 127.0.0.1 and ::1" {
	start_server serve -k -v 0
	[ "$(head -n 1 "$T/server.err")" = "sockit: listening on [::]:$PORT" ]
	echo 'via v4' >"$T/in4"
	run_io n4 --stdin "$T/in4" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is n4 0
	echo 'via v6' >"$T/in6"
	run_io n6 --stdin "$T/in6" nc.openbsd -N ::1 "$PORT"
	rc_is n6 0
	wait_count "$T/server.err" ' closed: ' 2
	file_is "$T/server.out" 'via v4' 'via v6'
	grep -qE '^sockit: serve: connection from 127\.0\.0\.1:[0-9]+$' "$T/server.err"
	grep -qE '^sockit: serve: connection from \[::1\]:[0-9]+$' "$T/server.err"
}

@test "serve: -b, ADDR PORT, -4 and -6 choose where it listens, as its line says" {
	serves_at 127.0.0.1 127.0.0.1 -b 127.0.0.1 0
	serves_at 127.0.0.1 127.0.0.1 127.0.0.1 0
	serves_at 0.0.0.0 127.0.0.1 -4 0
	serves_at '[::1]' ::1 --bind ::1 0
	serves_at '[::1]' ::1 ::1 0
	serves_at '[::]' ::1 -6 0
}

@test "serve -6: IPv6 only, an IPv4 client is refused" {
	start_server serve -6 0
	run_io c "$SOCKIT" connect 127.0.0.1 "$PORT"
	rc_is c 4
	file_is "$T/c.err" "sockit: connect: 127.0.0.1 port $PORT: Connection refused"
}

@test "serve -q: the listening line is still printed" {
	start_server serve -q 127.0.0.1 0
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
}

# --- bytes, both ways ---

@test "serve: 100 MB each way with nc.openbsd as the client, byte for byte; exit 0 after it" {
	start_server --stdin "$BATS_FILE_TMPDIR/big.b" serve 127.0.0.1 0
	run_io c --stdin "$BATS_FILE_TMPDIR/big.a" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/big.b" "$T/c.out"
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/big.a" "$T/server.out"
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
	rm -f "$T/c.out" "$T/server.out"
}

@test "serve: 100 MB each way with socat as the client, byte for byte; exit 0 after it" {
	start_server --stdin "$BATS_FILE_TMPDIR/big.b" serve 0
	run_io c --stdin "$BATS_FILE_TMPDIR/big.a" socat -t 30 STDIO "TCP:127.0.0.1:$PORT"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/big.b" "$T/c.out"
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/big.a" "$T/server.out"
	rm -f "$T/c.out" "$T/server.out"
}

@test "serve: stdout opened for appending (>>, which splice refuses): all 10 MB arrive after what was there, exit 0" {
	local pid port
	printf 'kept\n' >"$T/server.out"
	"$SOCKIT" serve 127.0.0.1 0 </dev/null >>"$T/server.out" 2>"$T/server.err" 3>&- 9>&- &
	pid=$!
	track "$pid"
	wait_for "$T/server.err" 'listening on '
	port=$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/server.err")
	run_io c --stdin "$BATS_FILE_TMPDIR/mid.a" "$SOCKIT" connect 127.0.0.1 "$port"
	rc_is c 0
	wait_exit "$pid" 10
	[ "$EXIT" -eq 0 ]
	same_file <(printf 'kept\n' && cat "$BATS_FILE_TMPDIR/mid.a") "$T/server.out"
}

@test "serve: stdin EOF half-closes, and all the client sends after that still arrives" {
	printf 'hello\n' >"$T/in"
	start_server --stdin "$T/in" serve 127.0.0.1 0
	hold_fifo "$T/cin"
	start_bg c --stdin "$T/cin" "$SOCKIT" connect 127.0.0.1 "$PORT"
	wait_for "$T/c.out" '^hello$'
	timeout 20 cat "$BATS_FILE_TMPDIR/mid.a" >&9
	exec 9>&-
	wait_exit "$BG_PID"
	[ "$EXIT" -eq 0 ]
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/server.out"
}

@test "serve: stdin a terminal: the client's EOF ends the session at once, exit 0" {
	start_bg s python3 "$PEERS/on_pty.py" "$SOCKIT" serve 127.0.0.1 0
	wait_for "$T/s.err" '^sockit: listening on '
	port=$(sed -n 's/^sockit: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/s.err")
	echo 'from nc' >"$T/in"
	run_io c --stdin "$T/in" nc.openbsd -N 127.0.0.1 "$port"
	rc_is c 0
	wait_exit "$BG_PID" 2
	[ "$EXIT" -eq 0 ]
	file_is "$T/s.out" 'from nc'
}

@test "serve: stdout closed early (| head -c1) while a client floods: quiet exit 0" {
	head_server 127.0.0.1 0
	start_bg nc --stdin /dev/zero nc.openbsd 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID" 3
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
}

@test "serve -k: stdout closed early (| head -c1) ends the server too, quietly, exit 0" {
	head_server -k 127.0.0.1 0
	start_bg nc --stdin /dev/zero nc.openbsd 127.0.0.1 "$PORT"
	wait_exit "$SERVER_PID" 3
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
}

# --- one client after another ---

@test "serve -k: two clients one after the other (nc.openbsd), then SIGTERM: exit 0" {
	start_server serve -k 127.0.0.1 0
	echo first >"$T/in1"
	run_io n1 --stdin "$T/in1" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is n1 0
	echo second >"$T/in2"
	run_io n2 --stdin "$T/in2" nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is n2 0
	wait_for "$T/server.out" '^second$'
	kill -0 "$SERVER_PID"
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.out" first second
}

@test "serve -k: stdin goes to the current client; once it has gone, to the next one" {
	hold_fifo "$T/in"
	start_server --stdin "$T/in" serve -k -v 127.0.0.1 0
	start_bg c1 "$SOCKIT" connect --send 'from one' 127.0.0.1 "$PORT"
	wait_for "$T/server.out" '^from one$'
	echo 'to one' >&9
	wait_for "$T/c1.out" '^to one$'
	kill "$BG_PID" # client one leaves, without a word
	wait_exit "$BG_PID"
	# the server learns that when a write to it fails
	write_until_closed() {
		echo filler >&9
		has_line "$T/server.err" ' closed: '
	}
	eventually write_until_closed || true # wait_for shows the log
	wait_for "$T/server.err" '^sockit: serve: 127\.0\.0\.1:[0-9]+ closed: 9 bytes in, '
	start_bg c2 "$SOCKIT" connect --send 'from two' 127.0.0.1 "$PORT"
	wait_for "$T/server.out" '^from two$'
	echo 'to two' >&9
	wait_for "$T/c2.out" '^to two$'
	exec 9>&- # stdin EOF: the server half-closes, the client leaves, the session ends
	wait_exit "$BG_PID"
	[ "$EXIT" -eq 0 ]
	grep -vx filler "$T/c2.out" >"$T/c2.rest" || true
	file_is "$T/c2.rest" 'to two'
	wait_count "$T/server.err" ' closed: ' 2
	file_is "$T/server.out" 'from one' 'from two'
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
}

@test "serve -k: a client that resets right after connecting costs only itself" {
	start_server serve -k -v 127.0.0.1 0
	run_io r python3 "$PEERS/resetter.py" 127.0.0.1 "$PORT" --count 3
	rc_is r 0
	wait_count "$T/server.err" ' closed: ' 3
	served 127.0.0.1 'after the resets'
	kill -0 "$SERVER_PID"
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.out" 'after the resets'
}

# reset_runs HOW N: N raw servers, each with a client (cutoff.py) that reads 1 MB and then
# resets (rst) or closes and later refuses (fin) while the server's stdin still streams:
# /dev/zero (the copy path) on even runs, a pipe (splice) on odd ones. Each exit status
# and stderr line after the listening one goes into $T/rcs.
reset_runs() {
	local how=$1 n=$2 i in
	: >"$T/rcs"
	for ((i = 0; i < n; i++)); do
		in=/dev/zero
		if ((i % 2 == 1)); then
			in=$T/fifo.$i
			mkfifo "$in"
			head -c 100000000 /dev/zero >"$in" 3>&- &
			track $!
		fi
		restart_server --stdin "$in" serve 127.0.0.1 0 || return 1
		run_io r python3 "$PEERS/cutoff.py" --connect "$PORT" --after 1048576 --how "$how"
		rc_is r 0 || return 1
		wait_exit "$SERVER_PID" 10 || return 1
		echo "$EXIT $(sed 1d "$T/server.err")" >>"$T/rcs"
	done
}

@test "serve: a client's reset (no FIN) while stdin still flows is exit 4 'Connection reset by peer', 8 times (4 on each path)" {
	reset_runs rst 8
	repeated_is "$T/rcs" 8 "4 sockit: serve: Connection reset by peer"
}

@test "serve: the client's FIN, then writes that fail (it has gone): quiet exit 0, 8 times (4 on each path)" {
	reset_runs fin 8
	repeated_is "$T/rcs" 8 "0 "
}

@test "serve -v: a line when a client comes and one when it goes, with bytes and time" {
	printf 'abc\n' >"$T/in"
	start_server --stdin "$T/in" serve -v 127.0.0.1 0
	run_io c "$SOCKIT" connect --send hello 127.0.0.1 "$PORT"
	rc_is c 0
	file_is "$T/c.out" abc
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	[ "$(wc -l <"$T/server.err")" -eq 3 ]
	sed -n 2p "$T/server.err" | grep -qxE 'sockit: serve: connection from 127\.0\.0\.1:[0-9]+'
	sed -n 3p "$T/server.err" |
		grep -qxE 'sockit: serve: 127\.0\.0\.1:[0-9]+ closed: 6 bytes in, 4 bytes out, [0-9]+\.[0-9]{3} s'
}

# --- signals ---

@test "serve: SIGTERM or SIGINT while a client is connected: exit 0 at once" {
	for sig in TERM INT; do
		hold_fifo "$T/in.$sig"
		start_named "s$sig" --stdin "$T/in.$sig" serve -v 127.0.0.1 0
		start_peer "h$sig" python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 1
		wait_for "$T/s$sig.err" '^sockit: serve: connection from '
		t0=$(now_us)
		kill -"$sig" "$SERVER_PID"
		wait_exit "$SERVER_PID" 2
		[ "$EXIT" -eq 0 ]
		[ "$(ms_since "$t0")" -lt 1500 ]
		kill "$PEER_PID"
		exec 9>&-
	done
}

@test "serve: SIGTERM while it waits for a client: exit 0" {
	start_server serve 127.0.0.1 0
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 1
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
}

# --- failures to listen, and bad usage ---

@test "serve: a port in use is exit 4 before any listening line" {
	start_server serve 127.0.0.1 0
	run_io s2 "$SOCKIT" serve 127.0.0.1 "$PORT"
	rc_is s2 4
	file_is "$T/s2.err" "sockit: serve: bind 127.0.0.1:$PORT: Address already in use"
	run_io s2 "$SOCKIT" serve "$PORT"
	rc_is s2 4
	file_is "$T/s2.err" "sockit: serve: bind [::]:$PORT: Address already in use"
}

@test "serve: -4 with -b ::1 (and -6 with 127.0.0.1) is exit 3" {
	run_io s "$SOCKIT" serve -4 -b ::1 0
	rc_is s 3
	file_is "$T/s.err" "sockit: serve: ::1: Address family for hostname not supported"
	run_io s "$SOCKIT" serve -6 127.0.0.1 0
	rc_is s 3
	file_is "$T/s.err" "sockit: serve: 127.0.0.1: Address family for hostname not supported"
}

@test "serve: bad ports, operands and option mixes are usage errors" {
	usage_error "sockit: serve: invalid port '65536' (0-65535)" serve 65536
	usage_error "sockit: serve: invalid port '80x' (0-65535)" serve 127.0.0.1 80x
	usage_error "sockit: serve: invalid port '' (0-65535)" serve ''
	usage_error "sockit: serve: invalid port '-1' (0-65535)" serve -- -1
	usage_error "sockit: serve: unknown service 'nosuchservice'" serve nosuchservice
	usage_error "sockit: serve: unexpected argument '3'" serve 127.0.0.1 2 3
	usage_error "sockit: serve: cannot use -b and an ADDR argument together" \
		serve -b 127.0.0.1 127.0.0.1 0
	usage_error "sockit: serve: cannot use -k with -u (a UDP raw session has no end)" serve -k -u 0
	usage_error "sockit: serve: cannot use -U with ADDR or PORT" serve -U "$T/s.sock" 0
	usage_error "sockit: serve: empty PATH for -U" serve -U ''
	usage_error "sockit: serve: empty PATH for -U" serve -p calc --unix=
	usage_error "sockit: echo: empty PATH for -U" echo -U ''
	usage_error "sockit: serve: unknown protocol 'nosuch' (raw echo calc chat greet daytime qotd discard http)" \
		serve -p nosuch 0
}

# --- access lists ---

@test "serve --deny: that peer is closed at once and logged with -v; the others are served" {
	start_server serve -k -v --deny 127.0.0.1 0
	refused_by_acl 127.0.0.1
	served ::1 'from v6'
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.out" 'from v6'
}

@test "serve --allow/--deny: deny wins; an allow list refuses the rest; v4-mapped peers match IPv4" {
	start_server serve -k -v --allow 127.0.0.0/8 --deny 127.0.0.1 --allow ::1 0
	refused_by_acl 127.0.0.1
	served ::1 'v6 allowed'
	kill "$SERVER_PID"
	restart_server serve -k -v --allow ::1/128 0
	refused_by_acl 127.0.0.1
	served ::1 'v6 in the list'
	kill "$SERVER_PID"
	restart_server serve -k -v --allow 127.0.0.1/32 --deny 10.0.0.0/8 0
	served 127.0.0.1 'v4 in the list'
	refused_by_acl ::1
}

@test "serve --allow/--deny: a bad address or CIDR is a usage error that names it" {
	usage_error "sockit: serve: invalid address or CIDR '10.0.0.0/33' for --allow" \
		serve --allow 10.0.0.0/33 0
	usage_error "sockit: serve: invalid address or CIDR '::1/129' for --deny" serve --deny ::1/129 0
	usage_error "sockit: serve: invalid address or CIDR 'nonsense' for --deny" serve --deny nonsense 0
	usage_error "sockit: serve: invalid address or CIDR '' for --allow" serve --allow '' 0
	usage_error "sockit: serve: invalid address or CIDR '10.0.0.0/' for --allow" serve --allow 10.0.0.0/ 0
	usage_error "sockit: serve: invalid address or CIDR '1.2.3.4/-1' for --allow" serve --allow=1.2.3.4/-1 0
	usage_error "sockit: serve: invalid address or CIDR '10.0.0.0/8x' for --deny" serve --deny 10.0.0.0/8x 0
}

# --- UNIX and UDP ---

@test "serve -U: a UNIX socket, 10 MB each way with socat; the path is removed at exit" {
	start_server --stdin "$BATS_FILE_TMPDIR/mid.b" serve -U "$T/s.sock"
	file_is "$T/server.err" "sockit: listening on $T/s.sock"
	[ -S "$T/s.sock" ]
	run_io c --stdin "$BATS_FILE_TMPDIR/mid.a" socat -t 30 STDIO "UNIX-CONNECT:$T/s.sock"
	rc_is c 0
	same_file "$BATS_FILE_TMPDIR/mid.b" "$T/c.out"
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	same_file "$BATS_FILE_TMPDIR/mid.a" "$T/server.out"
	[ ! -e "$T/s.sock" ]
}

@test "serve -U: a stale socket file is replaced, a live one is exit 4, SIGTERM removes it" {
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/s.sock"
	[ -S "$T/s.sock" ]
	start_server serve -U "$T/s.sock"
	run_io s2 "$SOCKIT" serve -U "$T/s.sock"
	rc_is s2 4
	file_is "$T/s2.err" "sockit: serve: bind $T/s.sock: Address already in use"
	run_io c "$SOCKIT" connect -U "$T/s.sock" --send 'over unix'
	rc_is c 0
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.out" 'over unix'
	[ ! -e "$T/s.sock" ]
	restart_server serve -k -U "$T/s.sock"
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
	[ ! -e "$T/s.sock" ]
}

@test "serve -u: the first datagram's sender is the peer; replies go back to it; others are ignored" {
	printf 'pong\n' >"$T/in"
	start_server --stdin "$T/in" serve -u 127.0.0.1 0
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
	run_io u python3 "$PEERS/udp_client.py" 127.0.0.1 "$PORT" \
		A:send:one A:recv B:send:intruder A:send:two
	rc_is u 0
	file_is "$T/u.out" 'A got pong'
	wait_for "$T/server.out" '^two$'
	file_is "$T/server.out" one two
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
}

@test "serve -u: a refused first sender is dropped, not retried; an allowed one is then served" {
	start_server serve -u -v --deny 127.0.0.2 127.0.0.1 0
	# a datagram from 127.0.0.2 (refused), then one from 127.0.0.1 (served)
	python3 -c '
import socket, sys
port = int(sys.argv[1])
bad = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); bad.bind(("127.0.0.2", 0))
bad.sendto(b"from .2\n", ("127.0.0.1", port))
good = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
good.sendto(b"from .1\n", ("127.0.0.1", port))' "$PORT"
	wait_for "$T/server.out" '^from \.1$'
	file_is "$T/server.out" 'from .1'
	[ "$(grep -c 'refused by the access list' "$T/server.err")" -eq 1 ]
	ticks=$(busy_ticks "$SERVER_PID" 0.3)
	[ "$ticks" -le 5 ]
}
