#!/usr/bin/env bash
# bench/tls_serve.sh: `sockit serve --tls --proto http --root` against nginx (one worker,
# ssl with TLS 1.2 and 1.3, access_log off) serving the same small file with the same
# certificate (P-256): handshakes per second as `ab -n REQUESTS -c 20 https://...`
# measures them (a connection, so a full handshake, per request); rounds alternate
# between the servers and the table shows medians, with each server's CPU time per
# handshake (from /proc, steadier than the rate on a shared machine), and the median of
# each round's own ratio (sockit's rate / nginx's, nginx's CPU / sockit's: paired, so a
# machine busy for a while slows both sides of a ratio alike). Then the memory of
# idle TLS sessions: IDLE clients complete a handshake and stay silent, and the table
# shows what the server's VmRSS grew by per connection, sockit against nginx.
# Servers run on CPU 0, the load on CPU 1.
# Usage: bench/tls_serve.sh [ROUNDS [REQUESTS [IDLE]]]   (default 3 rounds, 2000, 1000 idle)
# Needs: nginx ab openssl python3 taskset
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
REQUESTS=${2:-2000}
IDLE=${3:-1000}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need nginx ab openssl python3
need_sockit
need_fds $((IDLE * 2 + 100))
pin_cpus split
bench_init tls-serve

sh tests/peers/tls_certs.sh "$work/certs" >/dev/null
mkdir -p "$work/root"
head -c 1024 /dev/urandom >"$work/root/file"

start_nginx() {
	mkdir -p "$work/nginx/tmp"
	cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections $((IDLE + 200)); }
http {
	access_log off;
	client_body_temp_path $work/nginx/tmp/body;
	proxy_temp_path $work/nginx/tmp/proxy;
	fastcgi_temp_path $work/nginx/tmp/fastcgi;
	uwsgi_temp_path $work/nginx/tmp/uwsgi;
	scgi_temp_path $work/nginx/tmp/scgi;
	server {
		listen 127.0.0.1:$1 ssl;
		ssl_certificate $work/certs/server.pem;
		ssl_certificate_key $work/certs/server.key;
		ssl_protocols TLSv1.2 TLSv1.3; # as sockit: 1.3 when the client has it
		root $work/root;
	}
}
EOF
	"${srv_pin[@]}" nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" \
		-p "$work/nginx" -g 'daemon off; master_process off;' &
	pids+=($!)
	PID_nginx=$!
	wait_accepts "$1"
}

start_sockit_tls() {
	start_sockit "$work/sockit.err" "${srv_pin[@]}" "$SOCKIT" serve -q --tls \
		--cert "$work/certs/server.pem" --key "$work/certs/server.key" -m $((IDLE + 100)) \
		--proto http --root "$work/root" 127.0.0.1 0
	PID_sockit=$SPID
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# run_ab NAME PORT PID: appends one run's handshakes per second and CPU us per handshake.
run_ab() {
	local t0
	t0=$(cpu_ticks "$3")
	"${gen_pin[@]}" timeout 300 ab -q -c 20 -n "$REQUESTS" "https://127.0.0.1:$2/file" \
		>"$work/out" 2>&1
	if ! grep -Eq "^Complete requests: +$REQUESTS\$" "$work/out" ||
		! grep -Eq '^Failed requests: +0$' "$work/out"; then
		echo "$0: ab against $1 failed:" >&2
		cat "$work/out" >&2
		exit 1
	fi
	awk '/^Requests per second:/ { print $4 }' "$work/out" >>"$work/rate.$1"
	awk -v t=$(($(cpu_ticks "$3") - t0)) -v n="$REQUESTS" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f\n", t / hz * 1e6 / n }' >>"$work/cpu.$1"
}

# The idle clients: each completes its handshake, then all stay silent until stdin ends.
cat >"$work/hold.py" <<'EOF'
import socket, ssl, sys
port, n, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
conns = []
for _ in range(n):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1")
    conns.append(s)
print("held", len(conns), flush=True)
sys.stdin.read()
EOF

# idle NAME PORT PID: sets mem[NAME] to the bytes of RSS per idle TLS connection.
declare -A mem
idle() {
	local before after holder
	before=$(rss_kb "$3")
	mkfifo "$work/hold.$1"
	"${gen_pin[@]}" python3 "$work/hold.py" "$2" "$IDLE" "$work/certs/ca.pem" \
		<"$work/hold.$1" >"$work/held.$1" &
	holder=$!
	pids+=("$holder")
	exec 8>"$work/hold.$1"
	wait_for 6000 grep -q "^held $IDLE" "$work/held.$1" ||
		{ echo "$0: $1: the idle clients did not connect" >&2; exit 1; }
	sleep 1 # the measurement: what the server holds once the sessions have settled
	after=$(rss_kb "$3")
	exec 8>&-
	wait "$holder" 2>/dev/null || true
	mem[$1]=$(((after - before) * 1024 / IDLE))
}

port_nginx=$(free_port)
start_nginx "$port_nginx"
start_sockit_tls
port_sockit=$SPORT
echo "warming up"
run_ab sockit "$port_sockit" "$PID_sockit"
run_ab nginx "$port_nginx" "$PID_nginx"
: >"$work/rate.sockit"; : >"$work/rate.nginx"; : >"$work/cpu.sockit"; : >"$work/cpu.nginx"
: >"$work/ratio.rate"; : >"$work/ratio.cpu"
for ((r = 1; r <= ROUNDS; r++)); do
	run_ab sockit "$port_sockit" "$PID_sockit"
	run_ab nginx "$port_nginx" "$PID_nginx"
	echo "round $r: sockit $(tail -n 1 "$work/rate.sockit")/s ($(tail -n 1 "$work/cpu.sockit") us CPU each), nginx $(tail -n 1 "$work/rate.nginx")/s ($(tail -n 1 "$work/cpu.nginx") us CPU each)"
	awk -v a="$(tail -n 1 "$work/rate.sockit")" -v b="$(tail -n 1 "$work/rate.nginx")" \
		'BEGIN { printf "%.3f\n", a / b }' >>"$work/ratio.rate"
	awk -v a="$(tail -n 1 "$work/cpu.nginx")" -v b="$(tail -n 1 "$work/cpu.sockit")" \
		'BEGIN { printf "%.3f\n", a / b }' >>"$work/ratio.cpu"
done
idle sockit "$port_sockit" "$PID_sockit"
idle nginx "$port_nginx" "$PID_nginx"

printf '\n| server | handshakes/s (ab -c 20, median of %s x %s) | server CPU per handshake | bytes per idle TLS connection (%s) |\n' "$ROUNDS" "$REQUESTS" "$IDLE"
echo '|---|---|---|---|'
for s in sockit nginx; do
	printf '| %s | %s | %s us | %s |\n' "$s" "$(median <"$work/rate.$s")" "$(median <"$work/cpu.$s")" "${mem[$s]}"
done
printf '\nsockit vs nginx, median of the paired rounds: handshakes/s %sx, CPU per handshake %sx (above 1: sockit uses less)\n' \
	"$(median <"$work/ratio.rate")" "$(median <"$work/ratio.cpu")"
