#!/usr/bin/env bash
# bench/upload.sh: a large upload with PUT into nginx on 127.0.0.1, which reads the body
# and drops it (`return 204`): `sockit http-put -T FILE` against `curl -T FILE` and
# `wget --method=PUT --body-file=FILE`; then from a pipe (`-T -`, chunked: sockit and
# curl; wget cannot). Expect: 100-continue is turned off for both sockit and curl (nginx
# answers before it has read the body; the wait is not what is measured). Rounds
# alternate between the tools; the tables show medians and the ratio to curl (paired: the
# median of each round's ratio, which cancels the load of a shared machine), the CPU
# time (user + system) and the peak RSS of each client. On a shared machine the rate
# moves with the load; the CPU time is the steadier figure.
# Usage: bench/upload.sh [SIZE_MIB [ROUNDS]]    (default 1024 MiB, 3 rounds)
# Needs: nginx curl wget (apt-get install nginx-light curl wget)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZE_MIB=${1:-1024}
ROUNDS=${2:-3}
need_sockit
need python3 ss curl wget
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "$0: nginx is missing" >&2; exit 1; }
bench_init upload
data=$work/data
PATH=$PATH:/usr/sbin

now_ns() { date +%s%N; }

port=$(free_port)
mkdir -p "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 64; }
http {
	access_log $work/nginx/access.log;
	client_body_temp_path $work/nginx/tmp;
	client_max_body_size 0;
	server { listen 127.0.0.1:$port; location / { return 204; } }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >/dev/null 2>&1 &
pids+=($!)
wait_listen "$port"
url=http://127.0.0.1:$port/up

# upload TOOL SOURCE: one PUT of the data, from the file or a pipe; prints MiB/s, the
# client's CPU milliseconds and its peak RSS in KiB.
upload() {
	local t0 t1 tool=$1 src=$2
	local -a cmd
	case $tool:$src in
	sockit:file) cmd=("$SOCKIT" http-put -f -H 'Expect:' -T "$data" "$url") ;;
	curl:file) cmd=(curl -sSf -H 'Expect:' -T "$data" "$url") ;;
	wget:file) cmd=(wget -q -O /dev/null --method=PUT --body-file="$data" "$url") ;;
	sockit:pipe) cmd=("$SOCKIT" http-put -f -H 'Expect:' -T - "$url") ;;
	curl:pipe) cmd=(curl -sSf -H 'Expect:' -T - "$url") ;;
	esac
	t0=$(now_ns)
	if [ "$src" = pipe ]; then
		/usr/bin/time -f '%U %S %M' -o "$work/rss" "${cmd[@]}" < <(cat "$data") >/dev/null
	else
		/usr/bin/time -f '%U %S %M' -o "$work/rss" "${cmd[@]}" >/dev/null
	fi
	t1=$(now_ns)
	echo "$(mib_rate "$SIZE_MIB" $((t1 - t0))) $(awk '{ printf "%d %d", ($1 + $2) * 1000, $3 }' "$work/rss")"
}

# rounds_of "LIST": a space-separated list, a line each.
rounds_of() {
	tr ' ' '\n' <<<"$1" | grep .
}

# table SOURCE TOOL...: the rounds of each TOOL, then its row of medians.
table() {
	local src=$1 r tool v rate cpu rss
	shift
	declare -A rates cpus peaks
	for r in $(seq "$ROUNDS"); do
		for tool in "$@"; do
			read -r rate cpu rss < <(upload "$tool" "$src")
			rates[$tool]+="$rate "
			cpus[$tool]+="$cpu "
			peaks[$tool]+="$rss "
			echo "round $r ($src): $tool $rate MiB/s, CPU $cpu ms, peak RSS $rss KiB"
		done
	done
	printf '\n| PUT %s MiB from a %s | median MiB/s | vs curl, paired | CPU ms | peak RSS KiB | rounds MiB/s |\n' \
		"$SIZE_MIB" "$src"
	printf '|---|---|---|---|---|---|\n'
	for tool in "$@"; do
		v=$(med_of "${rates[$tool]}")
		printf '| %s | %s | %.2f× | %s | %s | %s|\n' "$tool" "$v" \
			"$(paired <(rounds_of "${rates[$tool]}") <(rounds_of "${rates[curl]}"))" \
			"$(med_of "${cpus[$tool]}")" "$(med_of "${peaks[$tool]}")" "${rates[$tool]}"
	done
	echo
}

echo "preparing ${SIZE_MIB} MiB of random data in $work"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"
# every tool's request is whole: nginx logs its status and the bytes it read
upload sockit file >/dev/null
upload sockit pipe >/dev/null
grep -c '"PUT /up HTTP/1.1" 204' "$work/nginx/access.log" | grep -qx 2 ||
	{ echo "$0: nginx did not take both uploads" >&2; cat "$work/nginx/access.log" >&2; exit 1; }

table file sockit curl wget
table pipe sockit curl
