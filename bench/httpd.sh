#!/usr/bin/env bash
# bench/httpd.sh: `sockit serve --proto http` (the greeting) against nginx (one worker,
# access_log off, `return 200` of the same greeting) and the seeds' python asyncio server
# (one read, `HTTP/1.0 200 OK` and a body, close). Two loads: `wrk -t1 -c50 -d5s`
# (keep-alive; sockit and nginx) and `ab -c 50 -n 20000` (a connection per request; all
# three). Rounds alternate between the servers; the table shows medians and the median of
# each round's ratio. Servers run on CPU 0, the load generators on CPU 1. The server's own
# CPU time per request (user + system, from /proc) is shown too: on a shared machine the
# rates move with the neighbours' load, the CPU a request costs much less.
# Usage: bench/httpd.sh [ROUNDS [SECS [REQUESTS]]]   (default 3 rounds, wrk 5 s, ab 20000)
# Needs: nginx wrk ab python3 taskset (apt-get install nginx-light wrk apache2-utils util-linux)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
SECS=${2:-5}
REQUESTS=${3:-20000}
SOCKIT=${SOCKIT:-$PWD/sockit}
work=$(mktemp -d "${TMPDIR:-/tmp}/sockit-httpd-bench.XXXXXX")
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for cmd in nginx wrk ab python3 taskset "$SOCKIT"; do
	command -v "$cmd" >/dev/null || { echo "bench/httpd.sh: $cmd is missing" >&2; exit 1; }
done

# shellcheck source=bench/lib.sh
. bench/lib.sh

start_sockit() {
	taskset -c 0 "$SOCKIT" serve -q --proto http -b 127.0.0.1 "$1" 2>/dev/null &
	pids+=($!)
}

start_nginx() {
	mkdir -p "$work/nginx/tmp"
	cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $work/nginx/tmp/body;
	proxy_temp_path $work/nginx/tmp/proxy;
	fastcgi_temp_path $work/nginx/tmp/fastcgi;
	uwsgi_temp_path $work/nginx/tmp/uwsgi;
	scgi_temp_path $work/nginx/tmp/scgi;
	server {
		listen 127.0.0.1:$1;
		default_type text/plain;
		location / { return 200 "Welcome to the server!\n"; }
	}
}
EOF
	taskset -c 0 nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" \
		-p "$work/nginx" -g 'daemon off; master_process off;' &
	pids+=($!)
}

# The seeds' asynchronous server: one read, a fixed answer, close.
start_asyncio() {
	cat >"$work/seed_async.py" <<'EOF'
import asyncio, sys

async def handle(reader, writer):
    await reader.read(1024)
    writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nWelcome to the server!\n")
    await writer.drain()
    writer.close()

async def main(port):
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()

asyncio.run(main(int(sys.argv[1])))
EOF
	taskset -c 0 python3 "$work/seed_async.py" "$1" &
	pids+=($!)
}

declare -A port pid
for s in sockit nginx asyncio; do
	port[$s]=$(free_port)
	"start_$s" "${port[$s]}"
	pid[$s]=${pids[-1]}
	wait_accepts "${port[$s]}"
	: >"$work/wrk.$s"
	: >"$work/ab.$s"
	: >"$work/wrkcpu.$s"
	: >"$work/abcpu.$s"
done

# cpu_ticks SERVER: the CPU time its process has used, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/${pid[$1]}/stat"
}

# per_request TICKS REQUESTS: microseconds of CPU per request.
per_request() {
	awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", t / hz * 1e6 / n }'
}

# wrk SERVER: appends the requests per second of one keep-alive run.
run_wrk() {
	local t0
	t0=$(cpu_ticks "$1")
	taskset -c 1 timeout 60 wrk -t1 -c50 -d"${SECS}s" "http://127.0.0.1:${port[$1]}/" >"$work/out"
	if grep -q 'Socket errors' "$work/out"; then
		echo "bench/httpd.sh: wrk against $1: $(grep 'Socket errors' "$work/out")" >&2
	fi
	awk '/^Requests\/sec:/ { print $2 }' "$work/out" >>"$work/wrk.$1"
	per_request $(($(cpu_ticks "$1") - t0)) "$(awk '/ requests in / { print $1 }' "$work/out")" >>"$work/wrkcpu.$1"
}

# ab SERVER: appends the requests per second of one run, a connection per request.
run_ab() {
	local t0
	t0=$(cpu_ticks "$1")
	taskset -c 1 timeout 120 ab -q -c 50 -n "$REQUESTS" "http://127.0.0.1:${port[$1]}/" >"$work/out" 2>&1
	grep -Eq "^Complete requests: +$REQUESTS\$" "$work/out" ||
		echo "bench/httpd.sh: ab against $1 did not complete" >&2
	awk '/^Requests per second:/ { print $4 }' "$work/out" >>"$work/ab.$1"
	per_request $(($(cpu_ticks "$1") - t0)) "$REQUESTS" >>"$work/abcpu.$1"
}

for s in sockit nginx asyncio; do # warm-up, not counted
	taskset -c 1 ab -q -c 10 -n 500 "http://127.0.0.1:${port[$s]}/" >/dev/null 2>&1
done
for ((r = 1; r <= ROUNDS; r++)); do
	echo "round $r/$ROUNDS ..." >&2
	for s in sockit nginx; do
		run_wrk "$s"
	done
	for s in sockit nginx asyncio; do
		run_ab "$s"
	done
done

printf 'wrk -t1 -c50 -d%ss (keep-alive) and ab -c 50 -n %s (a connection each); medians of %s rounds\n\n' \
	"$SECS" "$REQUESTS" "$ROUNDS"
echo '| server | wrk req/s | ab req/s | wrk vs nginx | ab vs nginx | ab vs asyncio | CPU µs/req wrk | CPU µs/req ab |'
echo '|---|---:|---:|---:|---:|---:|---:|---:|'
for s in sockit nginx asyncio; do
	w=-
	wn=-
	wc=-
	if [ -s "$work/wrk.$s" ]; then
		w=$(median <"$work/wrk.$s")
		wn=$(paired "$work/wrk.$s" "$work/wrk.nginx")
		wc=$(median <"$work/wrkcpu.$s")
	fi
	a=$(median <"$work/ab.$s")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$s" "$w" "$a" \
		"$([ "$wn" = - ] && echo - || printf '%.2fx' "$wn")" \
		"$(printf '%.2fx' "$(paired "$work/ab.$s" "$work/ab.nginx")")" \
		"$(printf '%.2fx' "$(paired "$work/ab.$s" "$work/ab.asyncio")")" \
		"$wc" "$(median <"$work/abcpu.$s")"
done
