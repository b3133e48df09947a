#!/usr/bin/env bats
# 30-server-robustness: the event-loop server under load and abuse (sockit(1) "serve":
# limits): many clients, idle crowds, floods, resets, refusals, fd exhaustion.

load helpers

# state PID: the process state letter (S sleeping, R running).
state() {
	awk '{ print $3 }' "/proc/$1/stat"
}

# asleep PID: PID's state is S (a snapshot: a server that just woke for a timer is R for
# an instant, so callers ask eventually; a spinning one never shows S)
asleep() {
	[ "$(state "$1")" = S ]
}

@test "robustness: 200 concurrent clients doing 50 CALCs each: every answer right" {
	start_server serve -p calc 127.0.0.1 0
	run timeout 60 python3 "$PEERS/calc_load.py" 127.0.0.1 "$PORT" --clients 200 --requests 50
	[ "$status" -eq 0 ]
	[ "$output" = "ok 200*50 answers" ]
}

@test "robustness: 10 000 idle connections: all accepted, a fresh client answered at once, little memory, no spinning" {
	start_server serve -p calc -m 10100 127.0.0.1 0
	[ "$(client 127.0.0.1 "$PORT" <<<"PING:warm")" = "PONG:warm" ]
	local fd0 rss0 rss1 per_conn ticks i
	fd0=$(fd_count "$SERVER_PID")
	rss0=$(proc_kb "$SERVER_PID" VmRSS)
	# the holder needs a descriptor per connection; 10 000 connects may take a few
	# seconds on a loaded machine, longer than start_peer waits
	(ulimit -n 10240 && exec timeout 120 python3 "$PEERS/idle_holder.py" --pace 127.0.0.1 "$PORT" 10000) \
		>"$T/holder.out" 2>"$T/holder.err" &
	track $!
	wait_for "$T/holder.out" '^ready$' 60
	# accepted: the server holds a descriptor for each
	eventually -t 10 fds_at_least "$SERVER_PID" $((fd0 + 10000))
	[ "$(fd_count "$SERVER_PID")" -eq $((fd0 + 10000)) ]
	# the client's deadline starts once python is up: it times the server, not the start
	run client --deadline 1 127.0.0.1 "$PORT" <<<"PING:fresh"
	[ "$status" -eq 0 ]
	[ "$output" = "PONG:fresh" ]
	rss1=$(proc_kb "$SERVER_PID" VmRSS)
	per_conn=$(((rss1 - rss0) * 1024 / 10000))
	ticks=$(busy_ticks "$SERVER_PID" 0.5)
	echo "10000 idle: RSS $rss0 -> $rss1 kB, $per_conn bytes per connection; $ticks ticks in 0.5 s" >&3
	[ "$per_conn" -lt 1000 ]
	eventually -t 2 asleep "$SERVER_PID"
	[ "$ticks" -le 2 ]
}

@test "robustness: a 1 MB line without newline: ERR:TOOLONG, memory stays small, the connection still works" {
	start_server serve -p calc 127.0.0.1 0
	local rss0 hwm
	rss0=$(proc_kb "$SERVER_PID" VmRSS)
	{
		head -c 1000000 /dev/zero | tr '\0' A
		printf '\nPING:after\n'
	} >"$T/long"
	run client --deadline 10 127.0.0.1 "$PORT" "$T/long"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'ERR:TOOLONG\nPONG:after')" ]
	head -c 1000000 /dev/zero | tr '\0' A >"$T/nonl"
	run client --no-shutdown --until $'ERR:TOOLONG\n' --deadline 10 127.0.0.1 "$PORT" "$T/nonl"
	[ "$status" -eq 0 ]
	[ "$output" = "ERR:TOOLONG" ]
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	echo "RSS at start $rss0 kB, peak $hwm kB" >&3
	[ $((hwm - rss0)) -lt 512 ]
}

@test "robustness: a client writing 10 MB of PINGs and never reading is throttled; another gets PONG at once" {
	start_server serve -p calc 127.0.0.1 0
	local rss0 sent hwm
	rss0=$(proc_kb "$SERVER_PID" VmRSS)
	start_peer hog timeout 60 python3 "$PEERS/nonreaders.py" 127.0.0.1 "$PORT" --bytes 10000000 --pattern $'PING:x\n'
	# how much the kernel's buffers absorb varies; the server's own memory must not
	sent=$(sed -n 's/^sent //p' "$T/hog.err")
	run client --deadline 1 127.0.0.1 "$PORT" <<<"PING:other"
	[ "$status" -eq 0 ]
	[ "$output" = "PONG:other" ]
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	echo "hog sent $sent bytes; RSS at start $rss0 kB, peak $hwm kB" >&3
	[ $((hwm - rss0)) -lt "$(mem_bound 2048)" ]
}

# wait_idle PID: polls until PID has used no CPU over a tenth of a second (at most 20 s):
# the server has done all the work its clients gave it.
wait_idle() {
	eventually -t 20 idle_for_a_tenth "$1"
}

# idle_for_a_tenth PID: PID uses no CPU over the next tenth of a second (the sleep is the
# measurement itself, not a synchronisation).
idle_for_a_tenth() {
	[ "$(busy_ticks "$1" 0.1)" -eq 0 ]
}

@test "robustness: 200 clients pipelining 'x' and never reading hold at most 256 KiB each; a fresh client is answered" {
	start_server serve -p calc 127.0.0.1 0
	start_peer nr timeout 120 python3 "$PEERS/nonreaders.py" 127.0.0.1 "$PORT" --clients 200 --seconds 2
	wait_idle "$SERVER_PID"
	local hwm bound
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	bound=$(mem_bound $((200 * 256 + 10240)))
	echo "$(cat "$T/nr.err"); server peak RSS $hwm kB, bound $bound kB" >&3
	[ "$hwm" -lt "$bound" ]
	run client --deadline 2 127.0.0.1 "$PORT" <<<"PING:fresh"
	[ "$status" -eq 0 ]
	[ "$output" = "PONG:fresh" ]
}

@test "robustness: a throttled client that then reads gets every reply, in order" {
	start_server serve -p calc 127.0.0.1 0
	run timeout 60 python3 "$PEERS/late_reader.py" 127.0.0.1 "$PORT" --count 300000
	echo "$output" >&3
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "replies 300000 in order" ]
	# and the server took no more than its cap for it
	[ "$(proc_kb "$SERVER_PID" VmHWM)" -lt "$(mem_bound $((256 + 4096)))" ]
}

@test "robustness: 1000 clients over --max-clients get ERR:BUSY; no descriptor leaks" {
	start_server serve -p calc -m 1 127.0.0.1 0
	start_peer holder timeout 60 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 1
	[ "$(client 127.0.0.1 "$PORT" </dev/null)" = "ERR:BUSY" ]
	local fd0
	fd0=$(fd_count "$SERVER_PID")
	run timeout 60 python3 "$PEERS/churn.py" 127.0.0.1 "$PORT" --count 1000 --expect 'ERR:BUSY\n'
	[ "$status" -eq 0 ]
	[ "$output" = "ok 1000" ]
	[ "$(fd_count "$SERVER_PID")" -eq "$fd0" ]
}

@test "robustness: 1000 clients refused by --deny are closed unheard; no descriptor leaks" {
	start_server serve -p calc --deny 127.0.0.0/8 127.0.0.1 0
	local fd0
	fd0=$(fd_count "$SERVER_PID")
	run timeout 60 python3 "$PEERS/churn.py" 127.0.0.1 "$PORT" --count 1000
	[ "$status" -eq 0 ]
	[ "$output" = "ok 1000" ]
	[ "$(fd_count "$SERVER_PID")" -eq "$fd0" ]
}

@test "robustness: clients that reset right after connecting or mid-reply cost only their own connection" {
	start_server serve -v -p calc 127.0.0.1 0
	local fd0 i
	fd0=$(fd_count "$SERVER_PID")
	for ((i = 0; i < 500; i++)); do
		printf 'ECHO:%01000d\n' "$i"
	done >"$T/big-reply"
	run timeout 60 python3 "$PEERS/resetter.py" 127.0.0.1 "$PORT" --count 100
	[ "$output" = "done 100" ]
	run timeout 60 python3 "$PEERS/resetter.py" 127.0.0.1 "$PORT" --count 10 --mid-reply "$T/big-reply"
	[ "$output" = "done 10" ]
	run client 127.0.0.1 "$PORT" <<<"PING:survivor"
	[ "$output" = "PONG:survivor" ]
	run timeout 60 python3 "$PEERS/calc_load.py" 127.0.0.1 "$PORT" --clients 20 --requests 10
	[ "$output" = "ok 20*10 answers" ]
	eventually fds_at_most "$SERVER_PID" "$fd0"
	[ "$(fd_count "$SERVER_PID")" -eq "$fd0" ]
	[ "$(grep -c 'closed (error)' "$T/server.err")" -eq 110 ]
}

@test "robustness: out of descriptors: one 'pausing accepts' line, no busy loop, accepting resumes" {
	printf '#!/bin/sh\nulimit -n 64 || exit 1\nexec "%s" "$@"\n' "$SOCKIT" >"$T/sockit-64"
	chmod +x "$T/sockit-64"
	SOCKIT="$T/sockit-64" start_server serve -p calc -m 1000 127.0.0.1 0
	mkfifo "$T/ctl"
	exec 8<>"$T/ctl"
	start_peer holder timeout 60 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 100 --control "$T/ctl"
	wait_for "$T/server.err" 'pausing accepts'
	local ticks
	ticks=$(busy_ticks "$SERVER_PID" 0.5)
	echo "out of fds: $ticks ticks in 0.5 s" >&3
	[ "$ticks" -le 3 ]
	eventually -t 2 asleep "$SERVER_PID"
	[ "$(grep -c 'pausing accepts' "$T/server.err")" -eq 1 ]
	grep -Eqx 'sockit: serve: out of file descriptors with [0-9]+ clients: pausing accepts' "$T/server.err"
	echo "close 60" >&8
	wait_for "$T/holder.out" '^closed 60$'
	echo "ping" >&8
	wait_for "$T/holder.out" '^pinged' 15
	grep -qx 'pinged 40' "$T/holder.out"
	run client --deadline 2 127.0.0.1 "$PORT" <<<"PING:fresh"
	[ "$output" = "PONG:fresh" ]
}

@test "robustness: a protocol server on a port in use: exit 4 before any listening line" {
	start_server serve -p calc 127.0.0.1 0
	run timeout 5 "$SOCKIT" serve -p chat 127.0.0.1 "$PORT"
	[ "$status" -eq 4 ]
	[[ "$output" != *"listening on"* ]]
	[[ "$output" == *"$PORT"* ]]
}

@test "robustness: SIGTERM while a client never reads its replies: exit 0 once the flush second is up" {
	start_server serve -p calc 127.0.0.1 0
	start_peer hog timeout 60 python3 "$PEERS/nonreaders.py" 127.0.0.1 "$PORT" --bytes 10000000 --pattern $'PING:x\n'
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 3
	[ "$EXIT" -eq 0 ]
}

# flood N WANT: N clients one after another to 127.0.0.1:$PORT, each read to its end;
# prints how many got exactly WANT (backslash escapes: 'ERR:BUSY\n', or '' for nothing).
flood() {
	timeout 60 python3 - "$PORT" "$1" "$2" <<-'PY'
		import socket, sys
		port, n = int(sys.argv[1]), int(sys.argv[2])
		want = sys.argv[3].encode().decode("unicode_escape").encode("latin1")
		same = 0
		for _ in range(n):
		    s = socket.create_connection(("127.0.0.1", port), 10)
		    got = b""
		    while (b := s.recv(256)):
		        got += b
		    same += got == want
		    s.close()
		print(same)
	PY
}

# over_said N SECS: the "clients over --max-clients 1" lines of server.err add up to N
# (waiting at most SECS), with at most one line a second since t0, the first at once.
over_said() {
	local n=$1 secs=$2 sum lines i re=' over --max-clients 1 turned away$'
	for ((i = 0; i < secs * 50; i++)); do
		sum=$(sed -En 's/^sockit: serve: ([0-9]+) clients? over --max-clients 1 turned away$/\1/p' \
			"$T/server.err" | awk '{ s += $1 } END { print s + 0 }')
		[ "$sum" -ge "$n" ] && break
		sleep "$TICK"
	done
	lines=$(grep -c -- "$re" "$T/server.err")
	echo "over -m: $sum clients in $lines lines, $(ms_since "$t0") ms" >&3
	[ "$sum" -eq "$n" ]
	[ "$lines" -le $(($(ms_since "$t0") / 1000 + 1)) ]
	[ "$(grep -m1 -- "$re" "$T/server.err")" = "sockit: serve: 1 client over --max-clients 1 turned away" ]
	# without -v, nothing per client
	[ "$(grep -vc -e 'listening on' -e "$re" "$T/server.err")" -eq 0 ]
}

@test "robustness: -m 1 flooded by 60 clients: each told ERR:BUSY, counted in at most a line a second without -v" {
	start_server serve -p calc -m 1 127.0.0.1 0
	start_peer holder timeout 60 python3 "$PEERS/idle_holder.py" --pace 127.0.0.1 "$PORT" 1
	wait_for "$T/holder.out" '^ready$'
	t0=$(now_us)
	[ "$(flood 60 'ERR:BUSY\n')" -eq 60 ]
	over_said 60 5
	[ "$(client 127.0.0.1 "$PORT" </dev/null)" = "ERR:BUSY" ]
	over_said 61 5
}

@test "robustness: -e -k -m 1 flooded by 40 clients: each closed unheard, no program started, counted the same way" {
	start_server serve -k -m 1 -c "echo ran >>'$T/ran'; exec cat" 127.0.0.1 0
	start_peer holder timeout 60 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 1
	wait_for "$T/holder.out" '^ready$'
	wait_for "$T/ran" ran
	t0=$(now_us)
	[ "$(flood 40 '')" -eq 40 ]
	over_said 40 5
	[ "$(wc -l <"$T/ran")" -eq 1 ]
}

@test "robustness: --to -m 1 flooded by 40 clients: each closed unheard, counted the same way" {
	start_named target serve -p echo 127.0.0.1 0
	# shellcheck disable=SC2154 # PORT_target: set by start_named (printf -v)
	start_server serve --to "127.0.0.1:$PORT_target" -m 1 127.0.0.1 0
	start_peer holder timeout 60 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 1
	wait_for "$T/holder.out" '^ready$'
	t0=$(now_us)
	[ "$(flood 40 '')" -eq 40 ]
	over_said 40 5
}
