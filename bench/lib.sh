# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are the sourcing scripts' to use
# bench/lib.sh: what every benchmark script shares, sourced once the script has gone to
# the top of the tree: a work directory removed on exit with every background process
# stopped, free ports, bounded waits for a listener, medians, CPU pinning, open-file
# limits, the lineload generator (built by `make bench`).

SOCKIT=${SOCKIT:-$PWD/sockit}
LL=$PWD/bench/lineload
pids=() # background processes, stopped on exit

# bench_init NAME: sets work, a fresh directory (on tmpfs when there is one) that goes on
# exit, with every process in pids.
bench_init() {
	local dir=/dev/shm
	[ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
	work=$(mktemp -d "$dir/sockit-$1.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}

# need CMD...: exits, naming the first one missing, unless every CMD is installed.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || { echo "$0: $c is missing" >&2; exit 1; }
	done
}

# need_sockit: the binary under test exists.
need_sockit() {
	[ -x "$SOCKIT" ] || { echo "$0: no $SOCKIT: run make first" >&2; exit 1; }
}

# need_lineload: bench/lineload is built and up to date.
need_lineload() {
	make -s bench/lineload >/dev/null || { echo "$0: cannot build bench/lineload" >&2; exit 1; }
}

# need_fds N: raises the limit of open files to at least N, or exits.
need_fds() {
	if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$1" ]; then
		ulimit -n "$1" 2>/dev/null || { echo "$0: cannot raise ulimit -n to $1" >&2; exit 1; }
	fi
}

# free_port: a TCP port nothing listens on right now (bound, then released).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for TRIES CMD...: bounded poll (10 ms apart) until CMD succeeds.
wait_for() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.01
	done
	return 1
}

# listens PORT: something listens on 127.0.0.1:PORT. Nothing connects to it: a one-shot
# receiver (nc -l) would take that connection for the transfer.
listens() {
	ss -Hltn "sport = :$1" | grep -q .
}

# wait_listen PORT: waits at most 5 s for a listener on PORT.
wait_listen() {
	wait_for 500 listens "$1" || { echo "$0: nothing listens on port $1" >&2; return 1; }
}

# listening_port FILE: the port of sockit's `sockit: listening on 127.0.0.1:PORT` line.
listening_port() {
	sed -n 's/^sockit: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$1"
}

has_port() {
	[ -n "$(listening_port "$1")" ]
}

# start_sockit ERRFILE CMD...: starts a sockit server on port 0 in the background (stderr
# to ERRFILE) and waits for its listening line; sets SPID and SPORT.
start_sockit() {
	local err=$1
	shift
	"$@" 2>"$err" &
	SPID=$!
	pids+=("$SPID")
	wait_for 500 has_port "$err" || { echo "$0: $* did not start" >&2; cat "$err" >&2; exit 1; }
	SPORT=$(listening_port "$err")
}

# stop PID: TERM, a bounded wait (3 s), then KILL.
stop() {
	kill "$1" 2>/dev/null || true
	wait_for 300 eval "! kill -0 $1" || kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# median: the median of the numbers on stdin, one a line (of an even count: the mean of
# the middle two).
median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# paired A B: the median over rounds of A[r] / B[r], A and B files of a value a line, a
# round each: the load of each round cancels out.
paired() {
	paste "$1" "$2" | awk '{ print $1 / $2 }' | median
}

# med_of "LIST": the median of a space-separated list.
med_of() {
	tr ' ' '\n' <<<"$1" | grep . | median
}

# pin_cpus MODE: sets srv_pin and gen_pin, command prefixes that put a server and its
# load generator on CPUs of their own (split), both on CPU 0 (same), or anywhere (none).
pin_cpus() {
	srv_pin=(env)
	gen_pin=(env)
	if [ "$1" != none ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
		srv_pin=(taskset -c 0)
		if [ "$1" = same ]; then gen_pin=(taskset -c 0); else gen_pin=(taskset -c 1); fi
	elif [ "$1" != none ]; then
		echo "note: no taskset or a single CPU: server and generator are not pinned" >&2
	fi
}

# wait_accepts PORT: bounded poll until 127.0.0.1:PORT accepts a connection.
wait_accepts() {
	local i
	for ((i = 0; i < 500; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.01
	done
	echo "$0: nothing accepts on port $1" >&2
	return 1
}

# mib_rate MIB NS: MiB/s of MIB mebibytes moved in NS nanoseconds, rounded.
mib_rate() {
	awk -v mib="$1" -v ns="$2" 'BEGIN { printf "%.0f\n", mib / (ns / 1e9) }'
}

# verify_tools DATA TOOL...: one transfer per TOOL through the script's own `one TOOL OUT`
# into $work/out; exits unless every byte of DATA arrived.
verify_tools() {
	local data=$1 tool
	shift
	echo "verifying every byte, once per tool"
	for tool in "$@"; do
		one "$tool" "$work/out" >/dev/null
		if cmp -s "$data" "$work/out"; then echo "  $tool: all bytes intact"; else echo "  $tool: MISMATCH" >&2; exit 1; fi
		rm -f "$work/out"
	done
}

# rounds_table ROUNDS REF HEAD VS TOOL...: ROUNDS rounds of the sourcing script's
# `one TOOL /dev/null` (which prints MiB/s), alternating between the TOOLs, then the
# markdown table of their medians, each as a ratio to REF's; HEAD and VS head the first
# and third columns.
rounds_table() {
	local rounds=$1 ref=$2 head=$3 vs=$4 r tool v med ratio refmed
	shift 4
	local -A res
	for r in $(seq "$rounds"); do
		for tool in "$@"; do
			v=$(one "$tool" /dev/null)
			res[$tool]+="$v "
			echo "round $r: $tool $v MiB/s"
		done
	done
	refmed=$(med_of "${res[$ref]:-1}")
	printf '\n| %s | median MiB/s | %s | rounds |\n|---|---|---|---|\n' "$head" "$vs"
	for tool in "$@"; do
		med=$(med_of "${res[$tool]}")
		ratio=$(awk -v a="$med" -v b="$refmed" 'BEGIN { printf "%.2f", a / b }')
		printf '| %s | %s | %s× | %s|\n' "$tool" "$med" "$ratio" "${res[$tool]}"
	done
}

# start_nginx PORT [DIRECTIVES]: a private nginx (one worker, no master, files from
# $work/www, sendfile on, access log off) listening on 127.0.0.1:PORT; DIRECTIVES go in
# its http block. SERVER="ssl; ssl_certificate F; ..." follows the listen address.
start_nginx() {
	mkdir -p "$work/www" "$work/tmp"
	cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $work/tmp/body;
	proxy_temp_path $work/tmp/proxy;
	fastcgi_temp_path $work/tmp/fastcgi;
	uwsgi_temp_path $work/tmp/uwsgi;
	scgi_temp_path $work/tmp/scgi;
	default_type application/octet-stream;
	sendfile on;
	${2:-}
	server { listen 127.0.0.1:$1${SERVER:+ $SERVER}; root $work/www; }
}
EOF
	nginx -e "$work/error.log" -p "$work" -c "$work/nginx.conf" &
	pids+=($!)
	wait_listen "$1"
}
