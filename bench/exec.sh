#!/usr/bin/env bash
# bench/exec.sh: connections per second of inetd-style servers, one program per
# connection, over 127.0.0.1, driven by bench/connload (N connections in all, CONC at a
# time; each sends `hello\n`, reads it back, half-closes and waits for the server's EOF,
# so a connection counts once its program has ended and the server has closed it):
#   sockit  sockit serve -k -e /bin/cat
#   ncat    ncat -l -k --exec /bin/cat
#   socat   socat TCP-LISTEN:PORT,fork,reuseaddr EXEC:cat
# Each run starts its server afresh; each round runs every server once, their order
# rotating from round to round. The table shows the medians over the rounds and the
# ratios of the medians. The goals: sockit >= 1.5x ncat and >= socat.
# Usage: bench/exec.sh [N [ROUNDS]]   (default 20000 connections, 3 rounds)
# Env:   CONC=50 TOOLS="sockit ncat socat"
#        PIN=none (the default: the programs started per connection need every CPU) |
#        split (the server and its programs on CPU 0, the generator on CPU 1) | same
#        SOCKIT=./sockit (build it with make)
# Needs: cc, ncat, socat, python3
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

N=${1:-20000}
ROUNDS=${2:-3}
CONC=${CONC:-50}
TOOLS=${TOOLS:-"sockit ncat socat"}
PIN=${PIN:-none}
CL=$PWD/bench/connload

need_sockit
need cc python3 ncat socat
make -s bench/connload >/dev/null || { echo "$0: cannot build bench/connload" >&2; exit 1; }
need_fds $((CONC + 256))
pin_cpus "$PIN"
bench_init exec

# start TOOL: starts its server on a free port; sets SPID and SPORT.
start() {
	case $1 in
	sockit)
		start_sockit "$work/sockit.err" "${srv_pin[@]}" "$SOCKIT" serve -k -q -m 1000 \
			-e /bin/cat 127.0.0.1 0
		return
		;;
	ncat)
		SPORT=$(free_port)
		"${srv_pin[@]}" ncat -l -k --max-conns 1000 --exec /bin/cat 127.0.0.1 "$SPORT" \
			2>"$work/ncat.err" &
		;;
	socat)
		SPORT=$(free_port)
		"${srv_pin[@]}" socat "TCP-LISTEN:$SPORT,bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
			EXEC:cat 2>"$work/socat.err" &
		;;
	*) echo "$0: unknown tool $1" >&2; exit 2 ;;
	esac
	SPID=$!
	pids+=("$SPID")
	wait_listen "$SPORT"
}

# one TOOL: one run; prints "CONNS_PER_SEC ERRORS".
one() {
	local out
	start "$1"
	out=$("${gen_pin[@]}" "$CL" -p "$SPORT" -n "$N" -c "$CONC" -T 600 || true)
	stop "$SPID"
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	       print v["conns/s"] + 0, v["errors"] + 0 }' <<<"${out:-x}"
}

read -r -a tools <<<"$TOOLS"
nt=${#tools[@]}
declare -A rate errs
for r in $(seq "$ROUNDS"); do
	for i in $(seq 0 $((nt - 1))); do
		t=${tools[$(((i + r) % nt))]}
		read -r v e <<<"$(one "$t")"
		rate[$t]+="$v "
		errs[$t]=$((${errs[$t]:-0} + e))
		printf 'round %s: %-6s %6s conns/s  errors %s\n' "$r" "$t" "$v" "$e"
	done
done

ratio() { # A B: A / B to two decimals, or - when B is 0 or missing
	awk -v a="$1" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'
}

echo
echo "medians over $ROUNDS rounds of $N connections, $CONC at a time"
echo
printf '| server | connections/s | vs ncat | vs socat | errors | rounds (conns/s) |\n'
printf '|---|---|---|---|---|---|\n'
ncat_med=$(med_of "${rate[ncat]:-}" || true)
socat_med=$(med_of "${rate[socat]:-}" || true)
for t in "${tools[@]}"; do
	med=$(med_of "${rate[$t]}")
	printf '| %s | %s | %s | %s | %s | %s|\n' "$t" "$med" "$(ratio "$med" "$ncat_med")" \
		"$(ratio "$med" "$socat_med")" "${errs[$t]}" "${rate[$t]}"
done
