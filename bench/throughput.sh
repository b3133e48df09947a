#!/usr/bin/env bash
# bench/throughput.sh: bulk TCP throughput over 127.0.0.1 of `sockit connect` ->
# `sockit serve`, side by side with nc.openbsd, ncat, socat and iperf3 (the ceiling).
# Rounds alternate between the tools; the table shows medians and ratios to nc.
# Usage: bench/throughput.sh [SIZE_MIB [ROUNDS]]    (default 2048 MiB, 5 rounds)
# Needs: nc.openbsd ncat socat iperf3 python3 (apt-get install netcat-openbsd ncat socat iperf3)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZE_MIB=${1:-2048}
ROUNDS=${2:-5}
TOOLS=${TOOLS:-"sockit nc ncat socat iperf3"}
need_sockit
need python3 ss
bench_init throughput
data=$work/data

now_ns() { date +%s%N; }

# receiver TOOL PORT OUT: starts the receiving side in the background.
receiver() {
	local tool=$1 port=$2 out=$3
	case $tool in
	sockit) "$SOCKIT" serve -q 127.0.0.1 "$port" </dev/null >"$out" 2>/dev/null & ;;
	nc) nc.openbsd -l -d 127.0.0.1 "$port" >"$out" & ;;
	ncat) ncat -l --recv-only 127.0.0.1 "$port" >"$out" & ;;
	socat) socat -u TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr STDOUT >"$out" & ;;
	iperf3) iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null & ;;
	esac
	pids+=($!)
	RECEIVER=$!
	wait_listen "$port"
}

# sender TOOL PORT: sends the data file and returns when done.
sender() {
	local tool=$1 port=$2
	case $tool in
	sockit) "$SOCKIT" connect 127.0.0.1 "$port" <"$data" >/dev/null ;;
	nc) nc.openbsd -N 127.0.0.1 "$port" <"$data" >/dev/null ;;
	ncat) ncat --send-only 127.0.0.1 "$port" <"$data" ;;
	socat) socat -u STDIN TCP:127.0.0.1:"$port" <"$data" ;;
	iperf3) iperf3 -c 127.0.0.1 -p "$port" -n "${SIZE_MIB}M" -l 128K >/dev/null ;;
	esac
}

# one TOOL OUT: one transfer; prints its MiB/s (sender start to receiver exit).
one() {
	local tool=$1 out=$2 port t0 t1
	port=$(free_port)
	receiver "$tool" "$port" "$out"
	t0=$(now_ns)
	sender "$tool" "$port"
	wait "$RECEIVER"
	t1=$(now_ns)
	mib_rate "$SIZE_MIB" $((t1 - t0))
}

echo "preparing ${SIZE_MIB} MiB of random data in $work"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"

read -ra checked <<<"${TOOLS//iperf3/}" # iperf3 sends its own bytes, not the file
verify_tools "$data" "${checked[@]}"

read -ra tools <<<"$TOOLS"
rounds_table "$ROUNDS" nc "tool" "vs nc.openbsd" "${tools[@]}"
