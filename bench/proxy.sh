#!/usr/bin/env bash
# bench/proxy.sh: bulk throughput through one SOCKS5 proxy (microsocks on 127.0.0.1) of
# `sockit connect --proxy socks5://` against `nc.openbsd -X 5 -x`, into the same sink
# (nc.openbsd -l -d, which never half-closes: microsocks ends a tunnel at either side's EOF).
# Rounds alternate between the two; the table shows medians and the ratio to nc.
# Usage: bench/proxy.sh [SIZE_MIB [ROUNDS]]    (default 1024 MiB, 3 rounds)
# Needs: microsocks nc.openbsd python3 (apt-get install microsocks netcat-openbsd)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZE_MIB=${1:-1024}
ROUNDS=${2:-3}
need_sockit
need python3 ss microsocks nc.openbsd
bench_init proxy
data=$work/data

now_ns() { date +%s%N; }

proxy_port=$(free_port)
microsocks -i 127.0.0.1 -p "$proxy_port" >/dev/null 2>&1 &
pids+=($!)
wait_listen "$proxy_port"

# sender TOOL PORT: sends the data file through the proxy and returns when done.
sender() {
	case $1 in
	sockit) "$SOCKIT" connect --proxy "socks5://127.0.0.1:$proxy_port" 127.0.0.1 "$2" \
		<"$data" >/dev/null ;;
	nc) nc.openbsd -N -X 5 -x "127.0.0.1:$proxy_port" 127.0.0.1 "$2" <"$data" >/dev/null ;;
	esac
}

# one TOOL OUT: one transfer; prints its MiB/s (sender start to the sink's exit).
one() {
	local port t0 t1 sink
	port=$(free_port)
	nc.openbsd -l -d 127.0.0.1 "$port" >"$2" &
	sink=$!
	pids+=("$sink")
	wait_listen "$port"
	t0=$(now_ns)
	sender "$1" "$port"
	wait "$sink"
	t1=$(now_ns)
	mib_rate "$SIZE_MIB" $((t1 - t0))
}

echo "preparing ${SIZE_MIB} MiB of random data in $work"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"

verify_tools "$data" sockit nc

rounds_table "$ROUNDS" nc "through microsocks" "vs nc.openbsd -X 5" sockit nc
