#!/usr/bin/env bash
# bench/lines.sh: request rate and latency of line-protocol servers over 127.0.0.1, driven
# by bench/lineload (C connections, D requests in flight on each, one request per reply):
#   calc    sockit serve --proto calc, request `PING:TEST\n`, reply `PONG:TEST`
#   echo    sockit echo,               request `hello\n`,     reply `hello`
#   redis   redis-server (no persistence), request `PING\r\n`, reply `+PONG`: the anchor,
#           a tuned single-threaded epoll server
#   python  a python3 asyncio echo server, request `hello\n`, reply `hello`
# Every server is started once; each round runs every point (C x D) once per server, the
# servers alternating (and their order rotating from round to round). The table shows the
# medians over the rounds; "vs redis" is the ratio of the medians, "paired" the median of
# the per-round ratios (the runs of one round are seconds apart, so a change of load on the
# machine between rounds cancels out; the goals are judged on it). Also the server's CPU
# time per request and its CPU use (all its threads, from /proc, over the measured window):
# when the server is not near 100%, the rate is bound by the round trips (wake-ups), not by
# the server's work. "others %" is the CPU the rest of the machine used during a run (100 =
# one CPU): a run where it passed OTHERS_MAX is run again (at most RETRIES times), so that
# a compile or a test suite running beside does not decide a ratio.
# The goals: calc >= redis at every point, echo >= 1.2x redis at C = 1000.
# Usage: bench/lines.sh [ROUNDS [SECS]]   (default 3 rounds, 3 s measured per run)
# Env:   CONNS="1 50 1000" DEPTHS="1 16" SERVERS="calc redis echo python" WARMUP=1
#        OTHERS_MAX=25 RETRIES=2
#        PIN=split (server on CPU 0, generator on CPU 1; the default) | same (both on CPU 0:
#        no cross-CPU wake-ups, the rate is then bound by the CPU work of both) | none
#        SOCKIT=./sockit (build it with make)
# Needs: cc, redis-server, redis-cli, python3, taskset (util-linux)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

ROUNDS=${1:-3}
SECS=${2:-3}
WARMUP=${WARMUP:-1}
CONNS=${CONNS:-"1 50 1000"}
DEPTHS=${DEPTHS:-"1 16"}
SERVERS=${SERVERS:-"calc redis echo python"}
PIN=${PIN:-split}
OTHERS_MAX=${OTHERS_MAX:-25}
RETRIES=${RETRIES:-2}

need_sockit
need cc python3
need_lineload
# C = 1000 needs a thousand descriptors in the generator and in each server.
need_fds $(($(tr ' ' '\n' <<<"$CONNS" | sort -n | tail -1) + 256))
# Two CPUs: the server and the generator each get their own, the same for every server.
pin_cpus "$PIN"
bench_init lines

declare -A port req expect spid
start_sockit_proto() { # NAME PROTO
	start_sockit "$work/$1.err" "${srv_pin[@]}" "$SOCKIT" serve --proto "$2" -q -m 20000 \
		127.0.0.1 0
	spid[$1]=$SPID
	port[$1]=$SPORT
}

start_redis() {
	local p
	p=$(free_port)
	"${srv_pin[@]}" redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no \
		--maxclients 10000 --logfile '' >"$work/redis.log" &
	pids+=($!)
	spid[redis]=$!
	wait_for 500 redis-cli -p "$p" ping || { echo "redis did not start" >&2; exit 1; }
	port[redis]=$p
}

start_python() {
	cat >"$work/echo.py" <<'EOF'
import asyncio

class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

async def main():
    server = await asyncio.get_running_loop().create_server(Echo, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
EOF
	"${srv_pin[@]}" python3 "$work/echo.py" >"$work/python.port" &
	pids+=($!)
	spid[python]=$!
	wait_for 500 grep -q . "$work/python.port" || { echo "python did not start" >&2; exit 1; }
	port[python]=$(cat "$work/python.port")
}

for s in $SERVERS; do
	case $s in
	calc) start_sockit_proto calc calc; req[calc]='PING:TEST\n'; expect[calc]='PONG:TEST' ;;
	echo) start_sockit_proto echo echo; req[echo]='hello\n'; expect[echo]='hello' ;;
	redis) start_redis; req[redis]='PING\r\n'; expect[redis]='+PONG' ;;
	python) start_python; req[python]='hello\n'; expect[python]='hello' ;;
	*) echo "unknown server $s" >&2; exit 2 ;;
	esac
	echo "$s listens on 127.0.0.1:${port[$s]}"
done

# one SERVER C D: one lineload run (again while others used more than OTHERS_MAX % CPU);
# prints "RPS P50 P99 ERRORS CONNS SRV_US_PER_REQ SRV_PCT OTHERS_PCT TRIES".
one() {
	local s=$1 c=$2 d=$3 out res try
	for try in $(seq $((RETRIES + 1))); do
		out=$("${gen_pin[@]}" "$LL" -p "${port[$s]}" -c "$c" -d "$d" -t "$SECS" -w "$WARMUP" \
			-r "${req[$s]}" -e "${expect[$s]}" -T 20 -P "${spid[$s]}" || true)
		res=$(awk -v try="$try" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		       printf "%s %s %s %s %s %s %s %s %s\n", v["requests/s"] + 0, v["p50_us"] + 0,
		              v["p99_us"] + 0, v["errors"] + 0, v["conns"] + 0, v["srv_us_per_req"] + 0,
		              v["srv_cpu_pct"] + 0, v["others_cpu_pct"] + 0, try }' <<<"${out:-x}")
		[ "$(awk '{ print $8 }' <<<"$res")" -le "$OTHERS_MAX" ] && break
	done
	echo "$res"
}

read -r -a servers <<<"$SERVERS"
nsrv=${#servers[@]}
declare -A rps p50 p99 errs cpu pct oth
for r in $(seq "$ROUNDS"); do
	for c in $CONNS; do
		for d in $DEPTHS; do
			for i in $(seq 0 $((nsrv - 1))); do
				s=${servers[$(((i + r) % nsrv))]}
				read -r v l50 l99 e n u sp o t <<<"$(one "$s" "$c" "$d")"
				k="$s $c $d"
				rps[$k]+="$v "
				cpu[$k]+="$u "
				pct[$k]+="$sp "
				oth[$k]+="$o "
				p50[$k]+="$l50 "
				p99[$k]+="$l99 "
				errs[$k]=$((${errs[$k]:-0} + e + (n < c ? c - n : 0)))
				printf 'round %s: C=%-4s D=%-2s %-6s %8s req/s  p50 %7s us  p99 %8s us  server %6s us/req %3s%%  others %3s%% (try %s)  errors %s  conns %s\n' \
					"$r" "$c" "$d" "$s" "$v" "$l50" "$l99" "$u" "$sp" "$o" "$t" "$e" "$n"
			done
		done
	done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# paired LIST_A LIST_B: the median of the ratios A[i] / B[i], round by round.
paired() {
	local -a a b
	local i
	read -r -a a <<<"$1"
	read -r -a b <<<"$2"
	for i in "${!a[@]}"; do ratio "${a[$i]}" "${b[$i]:-0}"; echo; done | grep -v -- - | median
}

printf '\n%s rounds of %s s (+%s s warm-up), pin=%s; medians\n\n' "$ROUNDS" "$SECS" "$WARMUP" "$PIN"
printf '| C | D | server | requests/s | vs redis | paired | p50 µs | p99 µs | server CPU µs/req | CPU vs redis | server CPU %% | others %% | errors | rounds (requests/s) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
declare -A med mcpu pair
for c in $CONNS; do
	for d in $DEPTHS; do
		for s in $SERVERS; do
			k="$s $c $d"
			med[$k]=$(med_of "${rps[$k]}")
			mcpu[$k]=$(med_of "${cpu[$k]}")
			pair[$k]=$(paired "${rps[$k]}" "${rps[redis $c $d]:-}")
		done
		for s in $SERVERS; do
			k="$s $c $d"
			# CPU vs redis: redis's CPU per request over this one's (above 1: cheaper)
			printf '| %s | %s | %s | %.0f | %s× | %s× | %s | %s | %.2f | %s× | %s | %s | %s | %s|\n' \
				"$c" "$d" "$s" "${med[$k]}" "$(ratio "${med[$k]}" "${med[redis $c $d]:-0}")" \
				"${pair[$k]:--}" "$(med_of "${p50[$k]}")" "$(med_of "${p99[$k]}")" "${mcpu[$k]}" \
				"$(ratio "${mcpu[redis $c $d]:-0}" "${mcpu[$k]}")" "$(med_of "${pct[$k]}")" \
				"$(med_of "${oth[$k]}")" "${errs[$k]}" "${rps[$k]}"
		done
	done
done

if [[ " $SERVERS " == *" redis "* ]]; then
	printf '\n| C | D | calc / redis req/s, paired (goal ≥ 1.00) | echo / redis req/s, paired (goal ≥ 1.20 at C = 1000) | calc, echo CPU/req vs redis |\n'
	printf '|---|---|---|---|---|\n'
	for c in $CONNS; do
		for d in $DEPTHS; do
			cr=${pair[calc $c $d]:--}
			er=${pair[echo $c $d]:--}
			cg=$(awk -v r="$cr" 'BEGIN { print (r == "-") ? "" : (r + 0 >= 1.0) ? "met" : "MISSED" }')
			eg=""
			[ "$c" = 1000 ] && eg=$(awk -v r="$er" 'BEGIN { print (r == "-") ? "" : (r + 0 >= 1.2) ? "met" : "MISSED" }')
			printf '| %s | %s | %s× %s | %s× %s | %s×, %s× |\n' "$c" "$d" "$cr" "$cg" "$er" "$eg" \
				"$(ratio "${mcpu[redis $c $d]}" "${mcpu[calc $c $d]:-0}")" \
				"$(ratio "${mcpu[redis $c $d]}" "${mcpu[echo $c $d]:-0}")"
		done
	done
fi
