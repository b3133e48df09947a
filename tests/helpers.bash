# helpers.bash: shared by every tests/NN-area.bats (as git's t/test-lib.sh).
# Servers start on port 0 and are waited for by their `listening on` line, never by a
# fixed sleep; every background process is killed by its PID in teardown.
# shellcheck disable=SC2034 # the variables set here (EXIT, PEER_PORT, ...) are read by the tests

SOCKIT=${SOCKIT:-$BATS_TEST_DIRNAME/../sockit}
PEERS=$BATS_TEST_DIRNAME/peers
# python3 itself first on PATH, not a version manager's shim (pyenv's runs a few bash
# scripts per call: seconds on a loaded machine, and the peers are started hundreds of
# times); resolved once per bats run.
if [ ! -x "$BATS_RUN_TMPDIR/bin/python3" ]; then
	mkdir -p "$BATS_RUN_TMPDIR/bin"
	ln -sf "$(python3 -c 'import sys; print(sys.executable)')" "$BATS_RUN_TMPDIR/bin/python3.$$" &&
		mv -f "$BATS_RUN_TMPDIR/bin/python3.$$" "$BATS_RUN_TMPDIR/bin/python3"
fi
PATH=$BATS_RUN_TMPDIR/bin:$PATH
# The interval of `eventually`, the one bounded poll (a wait for a condition, never a
# fixed delay).
TICK=0.02
# How long a server or a peer may take to say it listens: a bound, never a delay (python
# alone can take seconds to start on a loaded machine).
START_SECS=30

setup() {
	T=$BATS_TEST_TMPDIR
	: >"$T/pids"
}

teardown() {
	stop_all
}

# track PID: kill PID in teardown.
track() {
	echo "$1" >>"$T/pids"
}

# eventually [-t SECS] CMD...: runs CMD every TICK until it succeeds, for at most SECS
# (default 5) of wall-clock time (a bound in time, not in tries: a loaded machine forks
# slowly); then fails, naming CMD. The suite's one polling loop: every wait uses it.
eventually() {
	local secs=5 end
	if [ "$1" = -t ]; then
		secs=$2
		shift 2
	fi
	secs_us "$secs"
	end=$((${EPOCHREALTIME/./} + US))
	until "$@"; do
		if ((${EPOCHREALTIME/./} >= end)); then
			echo "still not true after ${secs}s: $*" >&2
			return 1
		fi
		sleep "$TICK"
	done
}

# secs_us SECS: sets US to SECS (whole or decimal, as 2 or 0.5) in microseconds (no
# subshell: polls are many on a loaded machine).
secs_us() {
	local frac=000000
	[[ $1 == *.* ]] && frac=${1#*.}000000
	US=$((${1%%.*} * 1000000 + 10#${frac:0:6}))
}

# gone PID: PID has ended (or was never ours).
gone() {
	! kill -0 "$1" 2>/dev/null
}

# stop_all: TERM every tracked process, then KILL what is left after 2 s.
stop_all() {
	local pid
	[ -f "$T/pids" ] || return 0
	while read -r pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done <"$T/pids"
	while read -r pid; do
		eventually -t 2 gone "$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	done <"$T/pids"
	: >"$T/pids"
}

# has_line FILE ERE: a line of FILE matches.
has_line() {
	grep -qE -- "$2" "$1" 2>/dev/null
}

# wait_for FILE ERE [SECS]: polls until a line of FILE matches (default at most 5 s).
wait_for() {
	eventually -t "${3:-5}" has_line "$1" "$2" 2>/dev/null && return 0
	echo "timed out after ${3:-5}s waiting for /$2/ in $1:" >&2
	cat "$1" >&2 2>/dev/null
	return 1
}

# wait_exit PID [SECS]: waits for a background child to end; sets EXIT to its status.
# Fails if it is still running after SECS (default 5).
wait_exit() {
	if ! eventually -t "${2:-5}" gone "$1" 2>/dev/null; then
		echo "process $1 still running after ${2:-5}s" >&2
		return 1
	fi
	EXIT=0
	wait "$1" || EXIT=$?
}

# start_named NAME [--stdin FILE] ARGS...: runs `sockit ARGS` in the background,
# stdout to $T/NAME.out and stderr to $T/NAME.err, stdin from FILE (default
# /dev/null); waits for its listening line. Sets PID_NAME and PORT_NAME, and
# SERVER_PID and PORT for the last server started.
start_named() {
	local name=$1 in=/dev/null
	shift
	if [ "$1" = --stdin ]; then
		in=$2
		shift 2
	fi
	# a fresh file: a restarted server's old listening line must not be read as its own.
	# fd 3 (bats's) closed, so a process that outlives the test cannot hang bats.
	: >"$T/$name.err"
	"$SOCKIT" "$@" <"$in" >"$T/$name.out" 2>"$T/$name.err" 9>&- 3>&- &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_for "$T/$name.err" 'listening on ' "$START_SECS" || return 1
	PORT=$(sed -n 's/^sockit: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/$name.err" | head -n 1)
	printf -v "PID_$name" '%s' "$SERVER_PID"
	printf -v "PORT_$name" '%s' "$PORT"
}

# start_server [--stdin FILE] ARGS...: start_named with the name "server".
start_server() {
	start_named server "$@"
}

# start_peer NAME CMD...: a background peer (python3, nc, socat) that prints
# "port N" (or "ready") on its stdout when it listens; waits for that line and sets
# PEER_PORT, PEER_PID. Its output goes to $T/NAME.out, errors to $T/NAME.err.
start_peer() {
	local name=$1
	shift
	: >"$T/$name.out"
	"$@" >"$T/$name.out" 2>"$T/$name.err" 9>&- 3>&- &
	PEER_PID=$!
	track "$PEER_PID"
	wait_for "$T/$name.out" '^(port [0-9]+|ready)$' "$START_SECS" || return 1
	PEER_PORT=$(sed -n 's/^port \([0-9][0-9]*\)$/\1/p' "$T/$name.out" | head -n 1)
}

# hold_fifo PATH: a FIFO kept open for writing on fd 9, for a stdin that does not end.
hold_fifo() {
	mkfifo "$1"
	exec 9<>"$1"
}

# sha FILE: the SHA-256 of FILE, alone.
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# random_file PATH BYTES: random binary data (NULs included).
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# free_port: a TCP port nothing listens on right now (bound, then released).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- for the server suites (2x, 3x, 5x) ---

# client ARGS...: the tests' line client (tests/peers/lineclient.py) under a timeout.
client() {
	timeout 60 python3 "$PEERS/lineclient.py" "$@"
}

# proc_kb PID FIELD: a /proc/PID/status figure in kB (VmRSS now, VmHWM its peak).
proc_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# cpu_ticks PID: the user + system CPU time PID has used, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# fd_count PID: how many descriptors PID holds open.
fd_count() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# asan_build: true if $SOCKIT is built with AddressSanitizer, whose shadow memory and
# quarantine make RSS bounds meaningless at the normal scale.
asan_build() {
	grep -qa __asan_init "$SOCKIT"
}

# mem_bound KB: a memory bound in kB, eight times looser under AddressSanitizer (its
# shadow memory, redzones and quarantine of freed blocks).
mem_bound() {
	if asan_build; then
		echo $(($1 * 8))
	else
		echo "$1"
	fi
}

# has_lines FILE ERE N: at least N lines of FILE match.
has_lines() {
	[ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -ge "$3" ]
}

# wait_count FILE ERE N [SECS]: polls until at least N lines of FILE match (default 5 s).
wait_count() {
	eventually -t "${4:-5}" has_lines "$1" "$2" "$3" 2>/dev/null && return 0
	echo "timed out after ${4:-5}s waiting for $3 lines /$2/ in $1:" >&2
	cat "$1" >&2 2>/dev/null
	return 1
}

# fds_at_most PID N, fds_at_least PID N: PID holds at most (at least) N descriptors.
fds_at_most() {
	[ "$(fd_count "$1")" -le "$2" ]
}
fds_at_least() {
	[ "$(fd_count "$1")" -ge "$2" ]
}

# size_at_least FILE BYTES: FILE exists and holds at least BYTES bytes.
size_at_least() {
	[ "$(stat -c %s -- "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# --- for the netcat-core suites (0x, 1x, 20) ---

# run_bounded SECS IN OUT ERR CMD...: the suite's one runner: CMD in the foreground under
# `timeout` (SECS, then KILL 5 s later), stdin from IN (- keeps the caller's), stdout to
# OUT and stderr to ERR (files, for exact bytes, which bats's `run` would trim). Sets RC
# to its exit status.
run_bounded() {
	local secs=$1 in=$2 out=$3 err=$4
	shift 4
	RC=0
	if [ "$in" = - ]; then
		timeout -k 5 "$secs" "$@" >"$out" 2>"$err" 9>&- || RC=$?
	else
		timeout -k 5 "$secs" "$@" <"$in" >"$out" 2>"$err" 9>&- || RC=$?
	fi
}

# run_io NAME [--stdin FILE] CMD...: run_bounded for 60 s, stdout to $T/NAME.out and
# stderr to $T/NAME.err, stdin from FILE (default /dev/null). Sets RC.
run_io() {
	local name=$1 in=/dev/null
	shift
	if [ "$1" = --stdin ]; then
		in=$2
		shift 2
	fi
	run_bounded 60 "$in" "$T/$name.out" "$T/$name.err" "$@"
}

# start_bg NAME [--stdin FILE] CMD...: as run_io, in the background, bounded by the
# test's wait_exit and killed by its own PID in teardown (not a wrapper's, which would
# leave it behind holding bats's fd 3: bats would wait for it). Sets BG_PID.
start_bg() {
	local name=$1 in=/dev/null
	shift
	if [ "$1" = --stdin ]; then
		in=$2
		shift 2
	fi
	"$@" <"$in" >"$T/$name.out" 2>"$T/$name.err" 3>&- 9>&- &
	BG_PID=$!
	track "$BG_PID"
}

# same_file WANT GOT: GOT holds exactly the bytes of WANT (cmp names the first
# difference; the sizes are shown too).
same_file() {
	cmp -- "$1" "$2" && return 0
	echo "sizes: $(stat -c %s -- "$1") wanted, $(stat -c %s -- "$2" 2>/dev/null) got" >&2
	return 1
}

# now_us: the wall clock in microseconds, to bound how long something took.
now_us() {
	echo "${EPOCHREALTIME/./}"
}

# ms_since US: the milliseconds since now_us printed US.
ms_since() {
	echo $((($(now_us) - $1) / 1000))
}

# rc_is NAME N: run_io's RC is N (NAME's stderr is shown when it is not).
rc_is() {
	[ "$RC" -eq "$2" ] && return 0
	echo "exit status $RC, wanted $2; stderr of $1:" >&2
	cat "$T/$1.err" >&2
	return 1
}

# file_is FILE LINE...: FILE holds exactly these lines (no line: FILE is empty).
file_is() {
	local file=$1
	shift
	if [ $# -eq 0 ]; then
		[ ! -s "$file" ] && return 0
	elif printf '%s\n' "$@" | cmp -s - "$file"; then
		return 0
	fi
	echo "$file holds:" >&2
	cat -A "$file" >&2
	echo "wanted:" >&2
	[ $# -eq 0 ] || printf '%s\n' "$@" | cat -A >&2
	return 1
}

# usage_error LINE ARGS...: `sockit ARGS` is a usage error: exit 2, nothing on stdout,
# LINE first on stderr.
usage_error() {
	local want=$1
	shift
	run_io usage "$SOCKIT" "$@"
	rc_is usage 2 || return 1
	file_is "$T/usage.out" || return 1
	[ "$(head -n 1 "$T/usage.err")" = "$want" ] && return 0
	echo "stderr of sockit $*:" >&2
	cat "$T/usage.err" >&2
	return 1
}

# busy_ticks PID SECS: the CPU ticks PID uses over a window of SECS. The wait is the
# measurement itself (how much CPU passes while nothing happens), not a synchronisation.
busy_ticks() {
	local before
	before=$(cpu_ticks "$1")
	sleep "$2"
	echo $(($(cpu_ticks "$1") - before))
}

# no_dns CMD...: runs CMD under strace, its output dropped; fails if it sent anything to
# a port 53 (the execve line proves the trace ran). LeakSanitizer cannot run under
# ptrace, so leak checks are off for this run only.
no_dns() {
	rm -f "$T/trace"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 10 strace -f -qq \
		-o "$T/trace" -e trace=execve,connect,sendto,sendmmsg "$@" >/dev/null 2>&1 || true
	grep -q '^[0-9]* *execve(' "$T/trace" || { echo "strace did not run: $*" >&2 && return 1; }
	if grep 'htons(53)' "$T/trace"; then
		echo "a DNS query was sent by: $*" >&2
		return 1
	fi
}

# repeated_is FILE N LINE: FILE holds LINE, N times over (a loop's outcomes, one a line).
repeated_is() {
	local want i
	want=$(for ((i = 0; i < $2; i++)); do printf '%s\n' "$3"; done)
	[ "$(cat "$1")" = "$want" ] && return 0
	echo "wanted '$3' $2 times; $1 holds:" >&2
	cat "$1" >&2
	return 1
}

# is FILE TEXT: FILE holds exactly TEXT, byte for byte (trailing newlines included).
is() {
	if ! printf '%s' "$2" | cmp -s - "$1"; then
		echo "want:" >&2
		printf '%s' "$2" | od -c >&2
		echo "got:" >&2
		od -c "$1" >&2
		return 1
	fi
}

# accepts HOST PORT: HOST:PORT accepts a TCP connection (which is closed at once).
accepts() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_accepts HOST PORT: bounded poll (START_SECS) until HOST:PORT accepts a connection.
wait_accepts() {
	eventually -t "$START_SECS" accepts "$1" "$2" 2>/dev/null && return 0
	echo "nothing accepts on $1:$2" >&2
	return 1
}

# start_nginx [DIRECTIVES [BLOCK...]]: nginx in the foreground of a background job,
# everything under $T/nginx, DIRECTIVES added to its server block and each BLOCK (a
# directive or another server block) to its http block as it stands; its access log has
# the connection's serial number first, to count connections.
start_nginx() {
	local dir=$T/nginx
	mkdir -p "$dir/www/dir" "$dir/tmp"
	NGX_PORT=$(free_port)
	cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
	log_format conn '\$connection \$request';
	access_log $dir/access.log conn;
	keepalive_requests 10000;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	default_type application/octet-stream;
	sendfile on;
	server { listen 127.0.0.1:$NGX_PORT; root $dir/www; ${1:-} }
$(printf '\t%s\n' "${@:2}")
}
EOF
	random_file "$dir/www/big.bin" 3145728
	echo "hello from nginx" >"$dir/www/small.txt"
	nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$dir/out" 2>&1 &
	track $!
	wait_accepts 127.0.0.1 "$NGX_PORT"
	NGX=$dir/www
	NGX_URL=http://127.0.0.1:$NGX_PORT
}

# same WHAT GOT WANT: fails, showing both, unless GOT is WANT.
same() {
	[ "$2" = "$3" ] && return 0
	printf '%s:\n  got:  %q\n  want: %q\n' "$1" "$2" "$3" >&2
	return 1
}

# sk ARGS...: sockit run_bounded for 20 s with the caller's stdin, stdout to $T/out,
# stderr to $T/err (the HTTP client suites' shorthand); sets RC.
sk() {
	run_bounded 20 - "$T/out" "$T/err" "$SOCKIT" "$@"
}

# start_tinyproxy [CONF LINE...]: tinyproxy in the foreground on a free port, all under $T.
start_tinyproxy() {
	TP_PORT=$(free_port)
	{
		printf '%s\n' "Port $TP_PORT" "Listen 127.0.0.1" "Allow 127.0.0.1" \
			"PidFile \"$T/tinyproxy.pid\"" "LogFile \"$T/tinyproxy.log\"" "Timeout 30"
		printf '%s\n' "$@"
	} >"$T/tinyproxy.conf"
	tinyproxy -d -c "$T/tinyproxy.conf" >"$T/tinyproxy.out" 2>&1 3>&- 9>&- &
	track $!
	wait_accepts 127.0.0.1 "$TP_PORT"
}

# start_microsocks [ARGS]: microsocks on a free port (it prints nothing: the port is polled).
start_microsocks() {
	MS_PORT=$(free_port)
	microsocks -i 127.0.0.1 -p "$MS_PORT" "$@" >"$T/microsocks.log" 2>&1 3>&- 9>&- &
	track $!
	wait_accepts 127.0.0.1 "$MS_PORT"
}


# requests_logged DIR: how many requests the python fixture serving from DIR has logged (0
# before its first), so that a test run alone counts as one run after others.
requests_logged() {
	if [ -f "$1/requests.log" ]; then wc -l <"$1/requests.log"; else echo 0; fi
}
