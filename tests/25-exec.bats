#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, SERVER_PID, PEER_PORT, BG_PID, RC, EXIT: set by helpers
# shellcheck disable=SC2016 # the programs' $$ and $VARS are for their shell, not this one
# 25-exec: a program per connection, `serve -e/-c` and `connect -e/-c` (sockit(1),
# "--exec"): one process per client, exactly fds 0 1 2, the UCSPI environment, every
# child reaped, the stop, the limits, and connect passing the program's exit status.

load helpers

bats_require_minimum_version 1.5.0

# The clients of the exec servers (run_io puts them under a timeout).
CLIENTS=(python3 "$PEERS/exec_clients.py")

# procs: one line "PID STATE PPID PGRP" per process.
procs() {
	# the fields after the parenthesised name: state, parent, process group; one sed for
	# all (a process gone since the glob is skipped), not one per process
	sed -n 's/^\([0-9]*\) (.*) \([A-Za-z]\) \([0-9]*\) \([0-9]*\) .*/\1 \2 \3 \4/p' \
		/proc/[0-9]*/stat 2>/dev/null || true
}

# children_of PID: one line "PID STATE" per child process of PID (zombies included).
children_of() {
	procs | awk -v p="$1" '$3 == p { print $1, $2 }'
}

# childless PID: PID has no child at all.
childless() {
	[ -z "$(children_of "$1")" ]
}

# live_children_are PID N: PID has N children that are not zombies.
live_children_are() {
	[ "$(children_of "$1" | awk '$2 != "Z"' | grep -c .)" -eq "$2" ]
}

# no_children PID [SECS]: waits until PID has no child at all, not even a zombie.
no_children() {
	eventually -t "${2:-5}" childless "$1" 2>/dev/null && return 0
	echo "children of $1 still there:" >&2
	children_of "$1" >&2
	return 1
}

# alive_in_group PGID...: prints the processes still running (not zombies: an orphan
# is reaped by init, which a container may not do) in any of these process groups.
alive_in_group() {
	procs | awk -v g=" $* " '$2 != "Z" && index(g, " " $4 " ") { print }'
}

@test "exec: serve -k -c, 100 concurrent clients: each its own process, the echo exact, no zombie left" {
	start_server serve -k -m 300 -c 'echo $$; exec cat' 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --count 100 --echo
	rc_is c 0
	file_is "$T/c.out" "distinct 100"
	no_children "$SERVER_PID"
	kill -0 "$SERVER_PID"
}

@test "exec: the UCSPI variables of a TCP client: PROTO, TCPREMOTEIP/PORT, TCPLOCALIP/PORT" {
	start_server serve -k -c 'env | grep -E "^(PROTO|TCP[A-Z]*)=" | sort' 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	cport=$(sed -n '1s/^local //p' "$T/c.out")
	file_is "$T/c.out" "local $cport" PROTO=TCP TCPLOCALIP=127.0.0.1 "TCPLOCALPORT=$PORT" \
		TCPREMOTEIP=127.0.0.1 "TCPREMOTEPORT=$cport"
}

@test "exec: UCSPI over IPv6 has no brackets; a dual-stack server shows an IPv4 client as IPv4" {
	start_server serve -k -c 'env | grep -E "^(PROTO|TCP[A-Z]*)=" | sort' ::1 0
	run_io c "${CLIENTS[@]}" ::1 "$PORT" --local
	rc_is c 0
	cport=$(sed -n '1s/^local //p' "$T/c.out")
	file_is "$T/c.out" "local $cport" PROTO=TCP TCPLOCALIP=::1 "TCPLOCALPORT=$PORT" \
		TCPREMOTEIP=::1 "TCPREMOTEPORT=$cport"
	restart_port=$PORT
	start_named dual serve -k -c 'env | grep -E "^TCP(LOCAL|REMOTE)IP=" | sort' 0
	[ "$PORT" != "$restart_port" ]
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	cport=$(sed -n '1s/^local //p' "$T/c.out")
	file_is "$T/c.out" "local $cport" TCPLOCALIP=127.0.0.1 TCPREMOTEIP=127.0.0.1
}

@test "exec: over -U the program gets PROTO=UNIX and no TCP variable; inherited ones are dropped" {
	PROTO=stale TCPREMOTEIP=stale start_server serve -k -U "$T/sock" \
		-c 'env | grep -E "^(PROTO|TCP[A-Z]*)=" | sort'
	run_io c "${CLIENTS[@]}" -U "$T/sock" --local
	rc_is c 0
	sed -i 1d "$T/c.out"
	file_is "$T/c.out" PROTO=UNIX
}

@test "exec: the program holds exactly fds 0 1 2: not the listener, another client, nor an inherited fd" {
	# the server inherits fd 5 from here: a descriptor it did not open itself
	exec 5<"$BATS_TEST_FILENAME"
	start_server serve -k -v -c 'ls /proc/self/fd; readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2; exec cat' \
		127.0.0.1 0
	exec 5<&-
	[ -e "/proc/$SERVER_PID/fd/5" ]
	# another client holds its connection (and its program) meanwhile
	start_peer holder python3 "$PEERS/exec_clients.py" 127.0.0.1 "$PORT" --hold
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	sock=$(sed -n '6p' "$T/c.out")
	[[ $sock =~ ^socket:\[[0-9]+\]$ ]]
	# ls's own fd 3 is the directory it lists; 0 and 1 the same socket, 2 the server's stderr
	sed -i 1d "$T/c.out"
	file_is "$T/c.out" 0 1 2 3 "$sock" "$sock" "$T/server.err"
}

# sig_masks FILE: the SigBlk and SigIgn masks in FILE (lines of /proc/PID/status), as
# "blocked=HEX ignored=HEX", without signals 32 and 33: glibc's own, which no libc call
# can name (sigfillset leaves them out) and which glibc takes over in any program that
# uses them.
sig_masks() {
	local blk ign
	blk=$(awk '$1 == "SigBlk:" { print $2 }' "$1")
	ign=$(awk '$1 == "SigIgn:" { print $2 }' "$1")
	printf 'blocked=%x ignored=%x\n' $((0x$blk & ~0x180000000)) $((0x$ign & ~0x180000000))
}

@test "exec: the program has no signal ignored (sockit ignores SIGPIPE) and none blocked" {
	start_server serve -k -e 'grep -E ^Sig(Ign|Blk): /proc/self/status' 127.0.0.1 0
	# the server itself ignores SIGPIPE: what the program must not inherit
	[ $((0x$(awk '$1 == "SigIgn:" { print $2 }' "/proc/$SERVER_PID/status") & 0x1000)) -ne 0 ]
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	[ "$(sig_masks "$T/c.out")" = "blocked=0 ignored=0" ]
	run_io c "$SOCKIT" connect -c 'grep -E ^Sig\(Ign\|Blk\): /proc/self/status >&2' \
		127.0.0.1 "$PORT"
	rc_is c 0
	[ "$(sig_masks "$T/c.err")" = "blocked=0 ignored=0" ]
}

@test "exec: PROG missing or not executable: exit 2 before any listening line" {
	usage_error "sockit: serve: sockit-no-such-program: not found in PATH" \
		serve -e 'sockit-no-such-program -x' 127.0.0.1 0
	run ! grep -q listening "$T/usage.err"
	printf '#!/bin/sh\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	usage_error "sockit: serve: $T/noexec: Permission denied" serve -k -e "$T/noexec" 127.0.0.1 0
	run ! grep -q listening "$T/usage.err"
	usage_error "sockit: serve: $T: Is a directory" serve -e "$T" 127.0.0.1 0
	usage_error "sockit: serve: no program in '  '" serve -e '  ' 127.0.0.1 0
	PATH=$T:$PATH usage_error "sockit: serve: noexec: Permission denied" serve -e noexec 127.0.0.1 0
	usage_error "sockit: connect: sockit-no-such-program: not found in PATH" \
		connect -e sockit-no-such-program 127.0.0.1 9
}

@test "exec: a program without #! is run by /bin/sh, as execvp does (serve -e, connect -e)" {
	printf 'printf "script %%s\\n" "$1"\nexit 3\n' >"$T/noshebang"
	chmod 755 "$T/noshebang"
	start_server serve -e "$T/noshebang one" 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	sed -i 1d "$T/c.out"
	file_is "$T/c.out" 'script one'
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
	# connect -e: the script's output reaches the peer, its status is sockit's
	start_peer p python3 "$PEERS/tcp_peer.py" --recv "$T/p.got"
	run_io e "$SOCKIT" connect -e "$T/noshebang two" 127.0.0.1 "$PEER_PORT"
	rc_is e 3
	file_is "$T/e.err"
	wait_for "$T/p.out" '^closed$'
	file_is "$T/p.got" 'script two'
}

@test "exec: -e splits at blanks with no shell, and finds PROG in PATH" {
	start_server serve -e 'printf  %s|%s|%s\n  a	"b  $HOME' 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	sed -i 1d "$T/c.out"
	file_is "$T/c.out" 'a|"b|$HOME'
}

@test "exec: without -k, one client then exit 0 whatever the program's status; -v logs its end" {
	start_server serve -v -c 'echo one; exit 7' 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	cport=$(sed -n '1s/^local //p' "$T/c.out")
	sed -i 1d "$T/c.out"
	file_is "$T/c.out" one
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	grep -qE "^sockit: serve: 127\.0\.0\.1:$cport: program exited with status 7, [0-9]+\.[0-9]{3} s$" \
		"$T/server.err"
	start_named sig serve -v -c 'kill -USR1 $$' 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	wait_exit "$SERVER_PID"
	[ "$EXIT" -eq 0 ]
	grep -qE "^sockit: serve: 127\.0\.0\.1:[0-9]+: program killed by signal 10 \(User defined signal 1\), [0-9.]+ s$" \
		"$T/sig.err"
}

@test "exec: SIGTERM with 10 programs running: all gone within 1.5 s, exit 0" {
	start_server serve -k -c "echo \$\$ >>'$T/kids'; echo up; sleep 30" 127.0.0.1 0
	start_peer holders python3 "$PEERS/exec_clients.py" 127.0.0.1 "$PORT" --count 10 --hold
	wait_count "$T/kids" '^[0-9]+$' 10
	mapfile -t kids <"$T/kids"
	[ -n "$(alive_in_group "${kids[@]}")" ]
	t0=$(now_us)
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 3
	ms=$(ms_since "$t0")
	[ "$EXIT" -eq 0 ]
	[ "$ms" -lt 1500 ] || { echo "took $ms ms" >&2 && false; }
	[ -z "$(alive_in_group "${kids[@]}")" ]
}

@test "exec: SIGHUP stops the server as SIGTERM does: no program left behind, exit 0" {
	start_server serve -k -c 'echo up; exec sleep 100' 127.0.0.1 0
	start_peer holders python3 "$PEERS/exec_clients.py" 127.0.0.1 "$PORT" --count 2 --hold
	local kids
	eventually live_children_are "$SERVER_PID" 2
	kids=$(children_of "$SERVER_PID" | awk '$2 != "Z" { print $1 }')
	kill -HUP "$SERVER_PID"
	wait_exit "$SERVER_PID" 3
	[ "$EXIT" -eq 0 ]
	# shellcheck disable=SC2086 # one pid a word
	[ -z "$(alive_in_group $kids)" ]
}

@test "exec: programs that ignore SIGTERM get SIGKILL after a second" {
	start_server serve -k -c "trap '' TERM; echo \$\$ >>'$T/kids'; echo up; sleep 30" 127.0.0.1 0
	start_peer holders python3 "$PEERS/exec_clients.py" 127.0.0.1 "$PORT" --count 3 --hold
	wait_count "$T/kids" '^[0-9]+$' 3
	mapfile -t kids <"$T/kids"
	t0=$(now_us)
	kill -INT "$SERVER_PID"
	wait_exit "$SERVER_PID" 3
	ms=$(ms_since "$t0")
	[ "$EXIT" -eq 0 ]
	[ "$ms" -ge 900 ] && [ "$ms" -lt 1800 ] || { echo "took $ms ms" >&2 && false; }
	[ -z "$(alive_in_group "${kids[@]}")" ]
}

@test "exec: -m 2: a third client is closed at once and logged; a slot freed serves again" {
	start_server serve -k -v -m 2 -c 'echo hi; exec cat' 127.0.0.1 0
	start_peer holders python3 "$PEERS/exec_clients.py" 127.0.0.1 "$PORT" --count 2 --hold
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	cport=$(sed -n '1s/^local //p' "$T/c.out")
	file_is "$T/c.out" "local $cport"
	grep -qx "sockit: serve: 127.0.0.1:$cport turned away: 2 clients already" "$T/server.err"
	kill "$PEER_PID"
	wait_count "$T/server.err" 'program exited' 2
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	sed -i 1d "$T/c.out"
	file_is "$T/c.out" hi
}

@test "exec: --deny is applied before any program starts" {
	start_server serve -k -v --deny 127.0.0.0/8 -c "echo ran >>'$T/ran'; echo hi" 127.0.0.1 0
	run_io c "${CLIENTS[@]}" 127.0.0.1 "$PORT" --local
	rc_is c 0
	cport=$(sed -n '1s/^local //p' "$T/c.out")
	file_is "$T/c.out" "local $cport"
	grep -qx "sockit: serve: 127.0.0.1:$cport refused by the access list" "$T/server.err"
	[ ! -e "$T/ran" ]
}

@test "exec: connect -c passes the program's exit status, 128+N for signal N" {
	start_server serve -k -e cat 127.0.0.1 0
	run_io c "$SOCKIT" connect -c 'exit 3' 127.0.0.1 "$PORT"
	rc_is c 3
	run_io c "$SOCKIT" connect -c 'kill -KILL $$' 127.0.0.1 "$PORT"
	rc_is c 137
	run_io c "$SOCKIT" connect -e true 127.0.0.1 "$PORT"
	rc_is c 0
	file_is "$T/c.err"
}

@test "exec: connect -c passes a SIGTERM sent to sockit on to the program" {
	start_server serve -k -e cat 127.0.0.1 0
	start_bg c "$SOCKIT" connect -c "echo \$\$ >'$T/prog'; exec sleep 30" 127.0.0.1 "$PORT"
	wait_for "$T/prog" '^[0-9]+$'
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 3
	[ "$EXIT" -eq 143 ]
	run ! kill -0 "$(cat "$T/prog")"
}

@test "exec: connect -e cat: 1 MB from a peer comes back byte for byte" {
	random_file "$T/in" 1000000
	start_peer peer python3 "$PEERS/tcp_peer.py" --send "$T/in" --recv "$T/back"
	run_io c "$SOCKIT" connect -e cat 127.0.0.1 "$PEER_PORT"
	rc_is c 0
	wait_for "$T/peer.out" '^closed$'
	[ "$(sha "$T/back")" = "$(sha "$T/in")" ]
}

@test "exec: connect -e keeps the connect failures' codes: 4 refused, 3 unresolvable" {
	port=$(free_port)
	run_io c "$SOCKIT" connect -e cat 127.0.0.1 "$port"
	rc_is c 4
	file_is "$T/c.err" "sockit: connect: 127.0.0.1 port $port: Connection refused"
	run_io c "$SOCKIT" connect -e cat "$(printf 'a%.0s' {1..64}).invalid" 80
	rc_is c 3
}

@test "exec: usage errors: -e with another protocol, UDP, a relay option, or both -e and -c" {
	usage_error "sockit: serve: cannot use -e with --proto calc" serve -e cat --proto calc 0
	usage_error "sockit: serve: cannot use -c with --proto echo" serve -c cat -p echo 0
	usage_error "sockit: serve: cannot use -e with -u" serve -e cat -u 0
	usage_error "sockit: serve: cannot use -e with --idle-timeout" serve -e cat --idle-timeout 1 0
	usage_error "sockit: serve: cannot use -e with --greeting" serve -e cat --greeting hi 0
	usage_error "sockit: serve: cannot use -e and -c together" serve -e cat -c cat 0
	usage_error "sockit: serve: empty PROG for -e" serve -e '' 0
	usage_error "sockit: connect: cannot use -e with -z" connect -e cat -z 127.0.0.1 9
	usage_error "sockit: connect: cannot use -e with -u" connect -e cat -u 127.0.0.1 9
	usage_error "sockit: connect: cannot use -c with --send" connect -c cat --send x 127.0.0.1 9
	usage_error "sockit: connect: cannot use -e with -x" connect -e cat -x 127.0.0.1 9
	usage_error "sockit: connect: cannot use -e with --linger" connect -e cat --linger 1 127.0.0.1 9
	usage_error "sockit: connect: cannot use -e and -c together" connect -e cat -c cat 127.0.0.1 9
	usage_error "sockit: echo: unknown option '-e'" echo -e cat 0
}
