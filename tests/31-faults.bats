#!/usr/bin/env bats
# 31-faults: injected faults (libfiu's fiu-run, its POSIX preload): random EINTR, EAGAIN
# and short counts on read/write/send/recv, and ENOMEM from malloc, during a 50 MB relay
# both ways, a 50 MB forward both ways (serve --to) and a calc load. Whatever fails,
# sockit never reports success with different bytes, never answers wrongly, never spins,
# never crashes.
# The relay runs `connect -C` on data without CR or LF (the conversion changes nothing
# but keeps the bytes off the zero-copy path, so that read and send are used) and writes
# both outputs with >> (which splice refuses: recv and write are used).

load helpers

EINTR=4
EAGAIN=11

setup_file() {
	local f
	for f in a b; do
		head -c 52000000 /dev/urandom | tr -d '\r\n' | head -c 50000000 >"$BATS_FILE_TMPDIR/$f"
	done
	export CERTS=$BATS_FILE_TMPDIR/certs
	sh "$BATS_TEST_DIRNAME/peers/tls_certs.sh" "$CERTS"
}

# fiu_args FAULT...: FIU, the fiu-run arguments enabling each FAULT (NAME,probability=P
# [,failinfo=ERRNO]) at random, with no control FIFO left behind. Run as
# `fiu-run "${FIU[@]}" CMD`: fiu-run execs CMD, so a background job's PID is CMD's own.
fiu_args() {
	FIU=(-x -f "")
	while [ $# -gt 0 ]; do
		FIU+=(-c "enable_random name=$1")
		shift
	done
}

# start_under IN ERR ARGS...: `sockit ARGS` under the faults of FIU (fiu_args), its
# stdin from IN, its stderr to ERR (stdout: the caller's redirection; stdin must be named
# here, as bash gives a background job /dev/null for any other): UPID, and UPORT once it
# listens. Returns 1 (EXIT: its status) when it ended before it listened, as a fault at
# its start may make it; 2 when it neither listened nor ended.
start_under() {
	local in=$1 err=$2
	shift 2
	: >"$err"
	fiu-run "${FIU[@]}" "$SOCKIT" "$@" <"$in" 2>"$err" 3>&- 9>&- &
	UPID=$!
	track "$UPID"
	if ! wait_for "$err" 'listening on |^sockit: serve: ' 10 || ! grep -q 'listening on ' "$err"; then
		wait_exit "$UPID" 5 || return 2
		return 1
	fi
	UPORT=$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$err")
}

# can_inject: fiu-run is there, and the binary can take its preload: fiu's POSIX library
# wraps malloc, which AddressSanitizer's runtime owns (the process dies at once).
can_inject() {
	command -v fiu-run >/dev/null || skip "no fiu-run (tests/deps installs it)"
	! asan_build || skip "fiu's malloc wrapper cannot run under AddressSanitizer"
}

# outcome NAME RC PEER-RC WANT GOT: one side of a run is fine: what it wrote is a prefix
# of WANT (never a wrong byte); all of WANT if it and its peer both exited 0; and a
# non-zero exit comes with a message. A side whose peer failed may end with 0 and less
# (its peer left early: for it, that is the end of the stream).
outcome() {
	local name=$1 rc=$2 peer=$3 want=$4 got=$5
	if ! cmp -s -n "$(stat -c %s "$got")" "$want" "$got"; then
		echo "$name: exit $rc, and its output is not a prefix of what was sent" >&2
		return 1
	fi
	if [ "$rc" -eq 0 ] && [ "$peer" -eq 0 ] && ! cmp -s "$want" "$got"; then
		echo "$name: exit 0, both sides, but only $(stat -c %s "$got") bytes came" >&2
		return 1
	fi
	[ "$rc" -eq 0 ] && return 0
	[ "$rc" -ne 124 ] || { echo "$name: hung (timed out)" >&2 && return 1; }
	[ "$rc" -lt 128 ] || { echo "$name: killed by signal $((rc - 128))" >&2 && return 1; }
	[ -s "$T/$name.msg" ] && return 0
	echo "$name: exit $rc without a message" >&2
	return 1
}

# relay_under FAULT...: a raw server (stdin b) and `connect -C` (stdin a), both under the
# faults; 50 MB each way. Appends "SERVER-RC CLIENT-RC" to $T/rcs.
relay_under() {
	local rc=0
	: >"$T/s.out"
	: >"$T/c.out"
	fiu_args "$@"
	start_under "$BATS_FILE_TMPDIR/b" "$T/s.err" serve 127.0.0.1 0 >>"$T/s.out" || rc=$?
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 1 ] || return 1
		cp "$T/s.err" "$T/server.msg"
		outcome server "$EXIT" 0 "$BATS_FILE_TMPDIR/a" "$T/s.out" || return 1
		echo "$EXIT -" >>"$T/rcs"
		return 0
	fi
	fiu-run "${FIU[@]}" timeout -k 5 60 "$SOCKIT" connect -C 127.0.0.1 "$UPORT" \
		<"$BATS_FILE_TMPDIR/a" >>"$T/c.out" 2>"$T/client.msg" 9>&- || rc=$?
	wait_exit "$UPID" 30 || return 1
	sed 1d "$T/s.err" >"$T/server.msg"
	outcome client "$rc" "$EXIT" "$BATS_FILE_TMPDIR/b" "$T/c.out" || return 1
	outcome server "$EXIT" "$rc" "$BATS_FILE_TMPDIR/a" "$T/s.out" || return 1
	echo "$EXIT $rc" >>"$T/rcs"
}

@test "faults: 50 MB both ways under EINTR, EAGAIN and short counts: bytes equal, or an error said" {
	can_inject
	: >"$T/rcs"
	local spec
	while read -r spec; do
		# shellcheck disable=SC2086 # FAULT is words
		relay_under $spec || { echo "under: $spec" >&2 && return 1; }
	done <<-EOF
		posix/io/rw/read/reduce,probability=0.3 posix/io/rw/write/reduce,probability=0.3
		posix/io/rw/read,probability=0.05,failinfo=$EINTR posix/io/rw/write,probability=0.05,failinfo=$EINTR
		posix/io/net/recv,probability=0.05,failinfo=$EINTR posix/io/net/send,probability=0.05,failinfo=$EINTR
		posix/io/net/recv,probability=0.05,failinfo=$EAGAIN posix/io/net/send,probability=0.05,failinfo=$EAGAIN
		posix/io/net/poll,probability=0.05,failinfo=$EINTR posix/io/rw/write,probability=0.05,failinfo=$EAGAIN
		posix/io/rw/read/reduce,probability=0.1 posix/io/net/recv,probability=0.03,failinfo=$EINTR posix/io/net/send,probability=0.03,failinfo=$EAGAIN posix/io/rw/write,probability=0.03,failinfo=$EINTR posix/io/net/poll,probability=0.03,failinfo=$EINTR
	EOF
	echo "exit statuses (server client): $(tr '\n' ',' <"$T/rcs")" >&3
	# these faults are all recoverable: every run must have delivered everything
	repeated_is "$T/rcs" 6 "0 0"
}

@test "faults: 50 MB both ways with malloc failing (ENOMEM): bytes equal, or an error said" {
	can_inject
	: >"$T/rcs"
	local p
	for p in 0.5 0.1 0.02 0.02 0.02; do
		relay_under "libc/mm/malloc,probability=$p" "libc/mm/calloc,probability=$p" \
			"libc/mm/realloc,probability=$p" || { echo "malloc failing at $p" >&2 && return 1; }
	done
	echo "exit statuses (server client): $(tr '\n' ',' <"$T/rcs")" >&3
}

# forward_under plain|tls FAULT...: `serve -v --to` under the faults, between
# nc.openbsd (stdin a) and a python target that sends b and keeps what comes: 50 MB each
# way. tls: the target speaks TLS (--to-tls), and the pair's bytes are copied through
# recv, send, read and write, which the faults reach; plain: the pair splices, which no
# fault reaches, so they land on what is around it (allocations). Each side gets a prefix
# of what the other sent, never a wrong byte; the forwarder outlives the pair, and
# SIGTERM ends it with 0. Appends "NC-RC whole|part" to $T/rcs.
forward_under() {
	local mode=$1 rc=0 whole=part
	local -a to=(--to "127.0.0.1:")
	shift
	: >"$T/got_up"
	if [ "$mode" = tls ]; then
		start_peer target python3 "$PEERS/tls_peer.py" --peer --cert "$CERTS/server.pem" \
			--key "$CERTS/server.key" --send "$BATS_FILE_TMPDIR/b" --recv "$T/got_up"
		to=(--to-tls --to-cacert "$CERTS/ca.pem" --to "127.0.0.1:$PEER_PORT")
	else
		start_peer target python3 "$PEERS/tcp_peer.py" --peer --send "$BATS_FILE_TMPDIR/b" \
			--recv "$T/got_up"
		to=(--to "127.0.0.1:$PEER_PORT")
	fi
	fiu_args "$@"
	start_under /dev/null "$T/f.err" serve -v "${to[@]}" 127.0.0.1 0 || rc=$?
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 1 ] || return 1
		echo "not started: exit $EXIT: $(cat "$T/f.err")" >&3
		grep -q '^sockit: serve: ' "$T/f.err" || return 1
		kill "$PEER_PID"
		echo "- -" >>"$T/rcs"
		return 0
	fi
	timeout -k 5 60 nc.openbsd -N 127.0.0.1 "$UPORT" <"$BATS_FILE_TMPDIR/a" >"$T/got_down" \
		2>"$T/nc.err" || rc=$?
	[ "$rc" -ne 124 ] || { echo "nc hung (timed out)" >&2 && return 1; }
	# a target that was reached ends with its pair, which -v logs; one never reached
	# (the pair could not be made: its client was reset, unlogged) waits on
	if ! grep -q '^peer ' "$T/target.out"; then
		kill "$PEER_PID"
		wait "$PEER_PID" || true
	else
		wait_exit "$PEER_PID" 30 || return 1
		wait_for "$T/f.err" ' -> 127\.0\.0\.1:[0-9]+ ' 10 || return 1
	fi
	cmp -s -n "$(stat -c %s "$T/got_down")" "$BATS_FILE_TMPDIR/b" "$T/got_down" ||
		{ echo "the client got bytes the target never sent" >&2 && return 1; }
	cmp -s -n "$(stat -c %s "$T/got_up")" "$BATS_FILE_TMPDIR/a" "$T/got_up" ||
		{ echo "the target got bytes the client never sent" >&2 && return 1; }
	kill -0 "$UPID" || { echo "the forwarder died: $(cat "$T/f.err")" >&2 && return 1; }
	kill -TERM "$UPID"
	wait_exit "$UPID" 5 || return 1
	[ "$EXIT" -eq 0 ] || { echo "SIGTERM: exit $EXIT: $(cat "$T/f.err")" >&2 && return 1; }
	cmp -s "$BATS_FILE_TMPDIR/a" "$T/got_up" && cmp -s "$BATS_FILE_TMPDIR/b" "$T/got_down" &&
		whole=whole
	echo "$rc $whole" >>"$T/rcs"
}

@test "faults: 50 MB both ways through serve --to-tls under EINTR, EAGAIN and short counts: every byte" {
	can_inject
	: >"$T/rcs"
	local spec
	while read -r spec; do
		# shellcheck disable=SC2086 # FAULT is words
		forward_under tls $spec || { echo "under: $spec" >&2 && return 1; }
	done <<-EOF
		posix/io/rw/read/reduce,probability=0.3 posix/io/rw/write/reduce,probability=0.3
		posix/io/rw/read,probability=0.05,failinfo=$EINTR posix/io/rw/write,probability=0.05,failinfo=$EINTR posix/io/net/recv,probability=0.05,failinfo=$EINTR posix/io/net/send,probability=0.05,failinfo=$EINTR
		posix/io/rw/read,probability=0.05,failinfo=$EAGAIN posix/io/rw/write,probability=0.05,failinfo=$EAGAIN posix/io/net/recv,probability=0.05,failinfo=$EAGAIN posix/io/net/send,probability=0.05,failinfo=$EAGAIN
	EOF
	echo "nc's exit and the bytes: $(tr '\n' ',' <"$T/rcs")" >&3
	# all recoverable: every run delivered everything both ways
	repeated_is "$T/rcs" 3 "0 whole"
}

@test "faults: 50 MB both ways through serve --to, plain and TLS, with malloc failing: a prefix each way, the forwarder lives" {
	can_inject
	: >"$T/rcs"
	local mode p
	for mode in plain tls; do
		for p in 0.2 0.02 0.002; do
			forward_under "$mode" "libc/mm/malloc,probability=$p" \
				"libc/mm/calloc,probability=$p" "libc/mm/realloc,probability=$p" ||
				{ echo "$mode, malloc failing at $p" >&2 && return 1; }
		done
	done
	echo "nc's exit and the bytes: $(tr '\n' ',' <"$T/rcs")" >&3
}

@test "faults: calc under EINTR, EAGAIN, short counts and ENOMEM: right answers or closed; no spin, no crash" {
	can_inject
	local rc=0 idle
	fiu_args posix/io/net/recv,probability=0.05,failinfo=$EINTR \
		posix/io/net/recv,probability=0.05,failinfo=$EAGAIN \
		posix/io/net/send,probability=0.05,failinfo=$EAGAIN \
		posix/io/net/send,probability=0.02,failinfo=$EINTR \
		libc/mm/malloc,probability=0.01 libc/mm/realloc,probability=0.01 \
		libc/mm/calloc,probability=0.01
	# malloc may fail before the server is ready: it must then say why and exit 7 (3 if
	# the resolver ran out), never print the listening line and die after it
	start_under /dev/null "$T/s.err" serve -p calc 127.0.0.1 0 >"$T/s.out" || rc=$?
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 1 ]
		echo "not started: exit $EXIT: $(cat "$T/s.err")" >&3
		[ "$EXIT" -eq 7 ] || { [ "$EXIT" -eq 3 ] && grep -q 'Memory allocation failure' "$T/s.err"; }
		grep -q '^sockit: serve: ' "$T/s.err"
		return 0
	fi
	run timeout 60 python3 "$PEERS/calc_load.py" 127.0.0.1 "$UPORT" --clients 100 \
		--requests 100 --closed-ok
	echo "calc_load: $output" >&3
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} =~ ^ok\ [0-9]+\ answers,\ [0-9]+\ closed$ ]]
	# alive, and asleep once its clients have gone
	kill -0 "$UPID"
	idle=$(busy_ticks "$UPID" 0.5)
	[ "$idle" -le 2 ]
}
