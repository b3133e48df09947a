#!/usr/bin/env bash
# bench/forward.sh: port forwarders over 127.0.0.1, each in front of the same target:
#   sockit   sockit serve --to 127.0.0.1:T            (one process, splice)
#   socat    socat TCP-LISTEN:P,fork TCP:127.0.0.1:T  (a process per client)
#   ncat     ncat -l -k --sh-exec "ncat 127.0.0.1 T"   (a shell and an ncat per client)
#   haproxy  haproxy, mode tcp, one process, one thread, as deployed by default
#   haproxy-splice  the same, splicing both ways (option splice-request and
#            splice-response: its fastest setting, as sockit splices)
#   direct   no forwarder: the client reaches the target itself
# Three figures:
#   conns/s  short connections through the forwarder to `sockit echo`, driven by
#            bench/connload (N in all, N_FORK for socat and ncat, CONC at a time; each
#            sends "hello\n", reads it back, half-closes and waits for EOF)
#   MiB/s    SIZE_MIB through the forwarder between iperf3's two ends (the client with
#            -Z, sendfile; the rate its server received), so that neither end is what
#            is measured: nc.openbsd's 16 KiB reads and writes capped every row at about
#            800 MiB/s on the idle machine, the direct one included. Before the rounds,
#            SIZE_MIB of random data goes nc.openbsd -N -> forwarder -> nc.openbsd -l
#            once per tool and is compared byte for byte.
#   idle     the proportional memory (Pss, every process of the forwarder's tree) that
#            IDLE idle pairs add, per pair (IDLE_FORK pairs for socat and ncat, whose
#            processes per client would swamp a shared machine)
# Each round runs every tool once, their order rotating; the table shows the medians
# over the rounds, and sockit's rate over each tool's paired: the median of each round's
# ratio (the load of a shared machine moves a round's rates together).
# Usage: bench/forward.sh [N [SIZE_MIB [ROUNDS]]]   (default 5000 connections, 1024 MiB, 3)
# Env:   CONC=50 N_FORK=500 IDLE=2000 IDLE_FORK=200 TOOLS="sockit socat ncat haproxy haproxy-splice direct"
#        SOCKIT=./sockit (build it with make)
# Needs: cc, python3, socat, ncat, nc.openbsd, iperf3, haproxy (apt-get install haproxy)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

N=${1:-5000}
SIZE_MIB=${2:-1024}
ROUNDS=${3:-3}
CONC=${CONC:-50}
IDLE=${IDLE:-2000}
IDLE_FORK=${IDLE_FORK:-200}
N_FORK=${N_FORK:-500}
TOOLS=${TOOLS:-"sockit socat ncat haproxy haproxy-splice direct"}
CL=$PWD/bench/connload
HOLD=$PWD/tests/peers/forward_peer.py

need_sockit
need cc python3 ss socat ncat nc.openbsd iperf3 haproxy
make -s bench/connload >/dev/null || { echo "$0: cannot build bench/connload" >&2; exit 1; }
need_fds $((2 * IDLE + 2048))
bench_init forward
data=$work/data


# start TOOL TARGET_PORT: the forwarder in front of 127.0.0.1:TARGET_PORT on a free port;
# sets FPID and FPORT (for direct: FPORT is the target's, FPID empty).
start() {
	local t=$2
	FPID=
	case $1 in
	sockit)
		start_sockit "$work/sockit.err" "$SOCKIT" serve -q -m 100000 --to "127.0.0.1:$t" \
			127.0.0.1 0
		FPID=$SPID FPORT=$SPORT
		return
		;;
	socat)
		FPORT=$(free_port)
		socat "TCP-LISTEN:$FPORT,bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
			"TCP:127.0.0.1:$t" 2>"$work/socat.err" &
		;;
	ncat)
		FPORT=$(free_port)
		ncat -l -k --max-conns 100000 --sh-exec "exec ncat 127.0.0.1 $t" 127.0.0.1 "$FPORT" \
			2>"$work/ncat.err" &
		;;
	haproxy | haproxy-splice)
		FPORT=$(free_port)
		local splice=
		[ "$1" = haproxy ] || splice=$'\toption splice-request\n\toption splice-response'
		cat >"$work/haproxy.cfg" <<EOF
global
	nbthread 1
	maxconn $((IDLE + 100))
defaults
	mode tcp
$splice
	timeout connect 10s
	timeout client 1h
	timeout server 1h
frontend f
	bind 127.0.0.1:$FPORT
	default_backend b
backend b
	server t 127.0.0.1:$t
EOF
		haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.err" 2>&1 &
		;;
	direct)
		FPORT=$t
		return
		;;
	*) echo "$0: unknown tool $1" >&2; exit 2 ;;
	esac
	FPID=$!
	pids+=("$FPID")
	wait_listen "$FPORT"
}

stop_fwd() {
	[ -z "$FPID" ] || stop "$FPID"
}

# echo_target: `sockit echo` on a free port; sets EPORT.
echo_target() {
	start_sockit "$work/echo.err" "$SOCKIT" echo -q -m 100000 127.0.0.1 0
	EPORT=$SPORT
}

# conns TOOL: one connection-rate run; prints "CONNS_PER_SEC ERRORS".
conns() {
	local out n=$N
	case $1 in socat | ncat) n=$N_FORK ;; esac
	start "$1" "$EPORT"
	out=$("$CL" -p "$FPORT" -n "$n" -c "$CONC" -T 600 || true)
	stop_fwd
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	       print v["conns/s"] + 0, v["errors"] + 0 }' <<<"${out:-x}"
}

# one TOOL OUT: the data through TOOL into a fresh nc.openbsd sink, written to OUT (for
# verify_tools).
one() {
	local port sink
	port=$(free_port)
	nc.openbsd -l -d 127.0.0.1 "$port" >"$2" &
	sink=$!
	pids+=("$sink")
	wait_listen "$port"
	start "$1" "$port"
	nc.openbsd -N 127.0.0.1 "$FPORT" <"$data" >/dev/null
	wait "$sink"
	stop_fwd
}

# bulk TOOL: SIZE_MIB from iperf3 -c to a one-shot iperf3 -s through TOOL; prints the
# MiB/s the server received.
bulk() {
	local port sink out
	port=$(free_port)
	iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
	sink=$!
	pids+=("$sink")
	wait_listen "$port"
	start "$1" "$port"
	out=$(iperf3 -Z -c 127.0.0.1 -p "$FPORT" -n "${SIZE_MIB}M" -J || true)
	wait "$sink" || true
	stop_fwd
	python3 -c 'import json, sys
r = json.load(sys.stdin)["end"]["sum_received"]
print("%.0f" % (r["bytes"] / r["seconds"] / 1048576))' <<<"$out" 2>/dev/null || echo 0
}

# tree_pss PID: the Pss in kB of PID and every process below it.
tree_pss() {
	local -a all=("$1")
	local i=0 p v total=0
	while [ "$i" -lt "${#all[@]}" ]; do
		mapfile -t -O "${#all[@]}" all < <(pgrep -P "${all[$i]}" || true)
		i=$((i + 1))
	done
	for p in "${all[@]}"; do
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}

# idle TOOL: the Pss per idle pair, in bytes.
idle() {
	local n=$IDLE before after hold i
	case $1 in socat | ncat) n=$IDLE_FORK ;; esac
	start "$1" "$EPORT"
	before=$(tree_pss "$FPID")
	python3 "$HOLD" hold 127.0.0.1 "$FPORT" "$n" >"$work/hold.out" 2>&1 &
	hold=$!
	pids+=("$hold")
	wait_for 3000 grep -q ready "$work/hold.out"
	# the last pairs are joined to the target shortly after the clients connect
	for ((i = 0; i < 50; i++)); do
		[ "$(ss -Htn state established "dport = :$EPORT" | wc -l)" -ge "$n" ] && break
		sleep 0.1
	done
	after=$(tree_pss "$FPID")
	stop "$hold"
	stop_fwd
	echo $(((after - before) * 1024 / n))
}

read -r -a tools <<<"$TOOLS"
nt=${#tools[@]}
echo_target
echo "preparing ${SIZE_MIB} MiB of random data in $work"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"
verify_tools "$data" "${tools[@]}"

declare -A rate errs mib mem
for r in $(seq "$ROUNDS"); do
	for i in $(seq 0 $((nt - 1))); do
		t=${tools[$(((i + r) % nt))]}
		read -r v e <<<"$(conns "$t")"
		rate[$t]+="$v "
		errs[$t]=$((${errs[$t]:-0} + e))
		m=$(bulk "$t")
		mib[$t]+="$m "
		printf 'round %s: %-8s %6s conns/s (errors %s)  %5s MiB/s\n' "$r" "$t" "$v" "$e" "$m"
	done
done
for t in "${tools[@]}"; do
	[ "$t" = direct ] && continue
	mem[$t]=$(idle "$t")
	printf 'idle: %-8s %s bytes per pair\n' "$t" "${mem[$t]}"
done

# vs LIST_A LIST_B: the median of A[r] / B[r] over the rounds, as 1.23×.
vs() {
	printf '%.2f×' "$(paired <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .))"
}

echo
echo "medians over $ROUNDS rounds: $N connections ($N_FORK for socat and ncat; $CONC at a" \
	"time), $SIZE_MIB MiB through; idle: $IDLE pairs ($IDLE_FORK for socat and ncat)"
echo
printf '| forwarder | conns/s | sockit vs it, paired | MiB/s | sockit vs it, paired | Pss per idle pair | errors |\n'
printf '|---|---|---|---|---|---|---|\n'
for t in "${tools[@]}"; do
	rm_=$(med_of "${rate[$t]}")
	mm=$(med_of "${mib[$t]}")
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$rm_" \
		"$(vs "${rate[sockit]}" "${rate[$t]}")" "$mm" "$(vs "${mib[sockit]}" "${mib[$t]}")" \
		"${mem[$t]:--}" "${errs[$t]}"
done
