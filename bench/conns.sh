#!/usr/bin/env bash
# bench/conns.sh: the memory a server spends on idle connections. Each server is started
# fresh, its VmRSS read from /proc/PID/status; bench/lineload -d 0 then opens N idle TCP
# connections over 127.0.0.1 (it sends nothing); once the server holds them all (its
# open descriptors, counted in /proc/PID/fd, went up by N), VmRSS is read again and a
# fresh client must still be answered (one PING through lineload). The table shows the
# medians over the rounds of (RSS with N - RSS before) / N, in bytes per idle connection:
#   calc    sockit serve --proto calc (a line protocol: frame reader per connection)
#   echo    sockit echo
#   redis   redis-server --save '' --appendonly no (the anchor)
# The goal: sockit at most 500 bytes per idle connection.
# Usage: bench/conns.sh [N [ROUNDS]]   (default 10000 connections, 3 rounds)
# Env:   SERVERS="calc echo redis" SOCKIT=./sockit (build it with make)
# Needs: cc, redis-server, redis-cli, python3, and ulimit -n of at least N + 512
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

N=${1:-10000}
ROUNDS=${2:-3}
SERVERS=${SERVERS:-"calc echo redis"}
GOAL=500

need_sockit
need cc python3
need_lineload
# The server and the holder each need N descriptors (the server also some for itself).
need_fds $((N + 512))
pin_cpus split
bench_init conns

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
fds_at_least() { [ "$(nfds "$1")" -ge "$2" ]; }
has_line() { grep -q "^$2" "$1"; }

# start SERVER: starts it; sets SPID, SPORT, REQ, EXPECT.
start() {
	case $1 in
	calc | echo)
		start_sockit "$work/err" "${srv_pin[@]}" "$SOCKIT" serve --proto "$1" -q \
			-m $((N + 100)) 127.0.0.1 0
		;;
	redis)
		SPORT=$(free_port)
		"${srv_pin[@]}" redis-server --port "$SPORT" --bind 127.0.0.1 --save '' \
			--appendonly no --maxclients $((N + 100)) --logfile '' >"$work/redis.log" &
		SPID=$!
		pids+=("$SPID")
		wait_for 500 redis-cli -p "$SPORT" ping || { echo "redis did not start" >&2; exit 1; }
		;;
	*) echo "unknown server $1" >&2; exit 2 ;;
	esac
	case $1 in
	calc) REQ='PING:TEST\n' EXPECT='PONG:TEST' ;;
	echo) REQ='hello\n' EXPECT='hello' ;;
	redis) REQ='PING\r\n' EXPECT='+PONG' ;;
	esac
}

# one SERVER: sets RESULT to "BYTES_PER_CONN RSS_BEFORE_KB RSS_AFTER_KB ANSWERED"
# (not run in a subshell: what it starts stays known to the cleanup trap).
one() {
	local s=$1 rss0 rss1 fd0 hold answered=no out
	start "$s"
	sleep 0.2 # let the server finish starting up (redis's threads) before the baseline
	rss0=$(rss_kb "$SPID")
	fd0=$(nfds "$SPID")
	# the last server's "held" line must not be read before the redirection truncates it
	rm -f "$work/hold.out"
	"${gen_pin[@]}" "$LL" -p "$SPORT" -c "$N" -d 0 -t 300 -R 128 -s 20000 -T 60 \
		>"$work/hold.out" &
	hold=$!
	pids+=("$hold")
	wait_for 6000 has_line "$work/hold.out" held || { echo "$s: the holder never got all up" >&2; exit 1; }
	grep -q "^held conns=$N errors=0$" "$work/hold.out" ||
		{ echo "$s: $(cat "$work/hold.out")" >&2; exit 1; }
	wait_for 3000 fds_at_least "$SPID" $((fd0 + N)) ||
		{ echo "$s: the server accepted only $(($(nfds "$SPID") - fd0)) of $N" >&2; exit 1; }
	sleep 0.5 # let the last accepted ones settle
	rss1=$(rss_kb "$SPID")
	out=$("$LL" -p "$SPORT" -c 1 -d 1 -t 0.2 -w 0 -r "$REQ" -e "$EXPECT" -T 5 || true)
	[[ $out == requests/s=[1-9]*" errors=0 conns=1"* ]] && answered=yes
	stop "$hold"
	stop "$SPID"
	RESULT=$(awk -v a="$rss0" -v b="$rss1" -v n="$N" -v ok="$answered" \
		'BEGIN { printf "%.0f %s %s %s\n", (b - a) * 1024 / n, a, b, ok }')
}

declare -A per before after fresh
for r in $(seq "$ROUNDS"); do
	for s in $SERVERS; do
		one "$s"
		read -r b r0 r1 ok <<<"$RESULT"
		per[$s]+="$b "
		before[$s]+="$r0 "
		after[$s]+="$r1 "
		fresh[$s]+="$ok "
		echo "round $r: $s: RSS $r0 kB -> $r1 kB with $N idle connections: $b bytes each; fresh client answered: $ok"
	done
done

printf '\n| server | bytes per idle connection | vs redis | RSS before kB | RSS with %s kB | fresh client answered | rounds (bytes) |\n' "$N"
printf '|---|---|---|---|---|---|---|\n'
redis_med=$(med_of "${per[redis]:-}" || true)
for s in $SERVERS; do
	med=$(med_of "${per[$s]}")
	ratio=$(awk -v a="$med" -v b="${redis_med:-0}" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }')
	goal=""
	[ "$s" != redis ] && goal=$(awk -v a="$med" -v g="$GOAL" 'BEGIN { print (a <= g) ? " (goal ≤ " g ": met)" : " (goal ≤ " g ": MISSED)" }')
	printf '| %s | %s%s | %s | %s | %s | %s | %s|\n' "$s" "$med" "$goal" "$ratio" \
		"$(med_of "${before[$s]}")" "$(med_of "${after[$s]}")" "${fresh[$s]}" "${per[$s]}"
done
