#!/usr/bin/env bash
# bench/http.sh: `sockit http-get` against curl and wget, from a private nginx on 127.0.0.1
# (sendfile on, files on tmpfs): a large file to /dev/null (wall time and peak RSS from
# /usr/bin/time), and many small fetches, one process each; then the same small fetches
# in ONE invocation of each tool (sockit and curl reuse one kept-alive connection, wget
# -i too). Rounds alternate between the tools; the tables show medians. A `/bin/true`
# row gives the cost of starting a process, which every small fetch pays before it does
# anything.
# Usage: bench/http.sh [SIZE_MIB [ROUNDS [SMALL]]]   (default 1024 MiB, 3 rounds, 1000 fetches)
# SIZE_MIB 0: only the many-URLs table (its ratios paired: the median of each round's).
# SOCKIT_BASE=BINARY adds another sockit (an older build) to the many-URLs table as "base".
# Needs: nginx curl wget /usr/bin/time python3 (apt-get install nginx-light curl wget time)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZE_MIB=${1:-1024}
ROUNDS=${2:-3}
SMALL=${3:-1000}
TOOLS="sockit curl wget"
MANY_TOOLS="$TOOLS${SOCKIT_BASE:+ base}"
LIMIT=300 # seconds any one command may take
need_sockit
need nginx curl wget python3 ss /usr/bin/time
bench_init http

# fetch TOOL URL: one small download to /dev/null, bounded by the tool's own timeout (a
# timeout(1) around each would double the process starts being measured).
fetch() {
	case $1 in
	sockit) "$SOCKIT" http-get -q -w 10 "$2" >/dev/null ;;
	curl) curl -sS -m 10 -o /dev/null "$2" ;;
	wget) wget -q -T 10 -t 1 -O /dev/null "$2" ;;
	true) /bin/true ;;
	esac
}

# big TOOL URL: appends "seconds peak_kib" of one large download to $work/big.TOOL.
big() {
	local tool=$1 url=$2
	case $tool in
	sockit) set -- "$SOCKIT" http-get -q "$url" ;;
	curl) set -- curl -sS "$url" ;;
	wget) set -- wget -q -O - "$url" ;;
	esac
	timeout "$LIMIT" /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
	cat "$work/time" >>"$work/big.$tool"
}

# small TOOL URL: appends the milliseconds per fetch of $SMALL fetches to $work/small.TOOL.
small() {
	local tool=$1 url=$2 i t0 t1
	t0=$(date +%s%N)
	for ((i = 0; i < SMALL; i++)); do
		fetch "$tool" "$url"
	done
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / SMALL)) " | awk '{ printf "%.3f\n", $1 / 1e6 }' >>"$work/small.$tool"
}

# many TOOL URL: appends the microseconds per fetch of $SMALL fetches of URL in one
# invocation of TOOL to $work/many.TOOL.
many() {
	local tool=$1 url=$2 i t0 t1
	local -a args=()
	case $tool in
	sockit | base)
		for ((i = 0; i < SMALL; i++)); do args+=("$url"); done
		set -- "$SOCKIT" http-get -q -w 10 "${args[@]}"
		[ "$tool" = sockit ] || set -- "$SOCKIT_BASE" "${@:2}"
		;;
	curl)
		for ((i = 0; i < SMALL; i++)); do args+=(-o /dev/null "$url"); done
		set -- curl -sS -m "$LIMIT" "${args[@]}"
		;;
	wget)
		for ((i = 0; i < SMALL; i++)); do echo "$url"; done >"$work/urls"
		set -- wget -q -T 10 -t 1 -O /dev/null -i "$work/urls"
		;;
	esac
	t0=$(date +%s%N)
	timeout "$LIMIT" "$@" >/dev/null
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / SMALL))" | awk '{ printf "%.2f\n", $1 / 1000 }' >>"$work/many.$tool"
}

# median_col FILE COLUMN: the median of one column of FILE.
median_col() {
	awk -v c="$2" '{ print $c }' "$1" | median
}

port=$(free_port)
start_nginx "$port" "keepalive_requests 100000;"
echo "generating ${SIZE_MIB} MiB in $work/www ..." >&2
head -c "$((SIZE_MIB * 1048576))" /dev/zero >"$work/www/big.bin"
echo "hello, world" >"$work/www/small.txt"
base=http://127.0.0.1:$port
for tool in $MANY_TOOLS; do # a first fetch of each, so every round finds the page cache warm
	[ "$tool" = base ] || fetch "$tool" "$base/small.txt"
	: >"$work/big.$tool"
	: >"$work/small.$tool"
	: >"$work/many.$tool"
done
: >"$work/small.true"

for ((r = 1; r <= ROUNDS; r++)); do
	echo "round $r/$ROUNDS ..." >&2
	for tool in $TOOLS; do
		[ "$SIZE_MIB" -eq 0 ] || big "$tool" "$base/big.bin"
	done
	for tool in $TOOLS true; do
		[ "$SIZE_MIB" -eq 0 ] || small "$tool" "$base/small.txt"
	done
	for tool in $MANY_TOOLS; do
		many "$tool" "$base/small.txt"
	done
done

[ "$SIZE_MIB" -eq 0 ] || {
curl_s=$(median_col "$work/big.curl" 1)
printf '%s MiB over 127.0.0.1 from nginx (sendfile), %s small fetches; medians of %s rounds\n\n' \
	"$SIZE_MIB" "$SMALL" "$ROUNDS"
echo '| tool | seconds | MiB/s | peak RSS (MiB) | ms per small fetch | speed vs curl |'
echo '|---|---:|---:|---:|---:|---:|'
for tool in $TOOLS; do
	s=$(median_col "$work/big.$tool" 1)
	kib=$(median_col "$work/big.$tool" 2)
	ms=$(median_col "$work/small.$tool" 1)
	awk -v t="$tool" -v s="$s" -v k="$kib" -v ms="$ms" -v c="$curl_s" -v mib="$SIZE_MIB" \
		'BEGIN { printf "| %s | %.2f | %.0f | %.2f | %.2f | %.2fx |\n", t, s, mib / s, k / 1024, ms, c / s }'
done
printf '| /bin/true (process start) | | | | %.2f | |\n' "$(median_col "$work/small.true" 1)"
}

sockit_us=$(median_col "$work/many.sockit" 1)
printf '\n%s small fetches in one invocation (one kept-alive connection); medians of %s rounds\n\n' \
	"$SMALL" "$ROUNDS"
echo '| tool | µs per fetch | fetches/s | sockit is faster by | ... paired |'
echo '|---|---:|---:|---:|---:|'
for tool in $MANY_TOOLS; do
	us=$(median_col "$work/many.$tool" 1)
	awk -v t="$tool" -v us="$us" -v s="$sockit_us" -v p="$(paired "$work/many.$tool" "$work/many.sockit")" \
		'BEGIN { printf "| %s | %.0f | %.0f | %.2fx | %.2fx |\n", t, us, 1e6 / us, us / s, p }'
done
