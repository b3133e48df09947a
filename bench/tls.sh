#!/usr/bin/env bash
# bench/tls.sh: bulk TLS throughput over 127.0.0.1 of `sockit connect --tls` side by side
# with socat OPENSSL, ncat --ssl and openssl s_client, each sending the same file to the
# same receiver (socat OPENSSL-LISTEN into /dev/null), every one verifying the server's
# certificate against a CA made here. Rounds alternate between the tools; the table shows
# medians and ratios to s_client (OpenSSL's own client).
# Then `sockit http-get https://` against `curl` fetching SIZE_MIB from a private nginx
# with ssl (one worker, a sparse file on tmpfs), both verifying against the CA: rounds
# alternate, each round's ratio (curl's seconds / sockit's) is paired, so a machine that
# is busy for a while slows both alike; the table shows the median ratio and peak RSS.
# Usage: bench/tls.sh [SIZE_MIB [ROUNDS]]    (default 1024 MiB, 5 rounds)
#        PARTS="bulk https" (default both) picks the parts.
# Needs: openssl socat ncat python3 nginx curl /usr/bin/time
#        (apt-get install openssl socat ncat nginx-light curl time)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZE_MIB=${1:-1024}
ROUNDS=${2:-5}
TOOLS=${TOOLS:-"sockit s_client socat ncat"}
PARTS=${PARTS:-"bulk https"}
need_sockit
need openssl socat ncat python3 ss
bench_init tls
data=$work/data

now_ns() { date +%s%N; }

# The PKI: a CA and a server certificate for localhost and 127.0.0.1.
pki() {
	(
		cd "$work"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
			-subj "/CN=bench CA"
		openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=localhost
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >srv.ext
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem \
			-days 2 -extfile srv.ext
	) >/dev/null 2>&1
}

# receiver PORT OUT: the one TLS receiver, in the background.
receiver() {
	socat -u "OPENSSL-LISTEN:$1,bind=127.0.0.1,reuseaddr,cert=$work/srv.pem,key=$work/srv.key,verify=0" \
		STDOUT >"$2" 2>/dev/null &
	pids+=($!)
	RECEIVER=$!
	wait_listen "$1"
}

# sender TOOL PORT: sends the data file over TLS, verified, and returns when done.
sender() {
	local tool=$1 port=$2
	case $tool in
	sockit) "$SOCKIT" connect -q --tls --cacert "$work/ca.pem" 127.0.0.1 "$port" <"$data" >/dev/null ;;
	s_client) openssl s_client -quiet -nocommands -no_ign_eof -verify_return_error -CAfile "$work/ca.pem" \
		-connect "127.0.0.1:$port" <"$data" >/dev/null 2>&1 ;;
	socat) socat -u STDIN "OPENSSL:127.0.0.1:$port,cafile=$work/ca.pem" <"$data" 2>/dev/null ;;
	# ncat verifies names only (not addresses), and --send-only ends with a reset that
	# loses the tail: it is asked for localhost, reading what comes back
	ncat) ncat --ssl --ssl-verify --ssl-trustfile "$work/ca.pem" localhost "$port" \
		<"$data" >/dev/null 2>&1 ;;
	esac
}

# one TOOL OUT: one transfer; prints its MiB/s (sender start to receiver exit).
one() {
	local tool=$1 out=$2 port t0 t1
	port=$(free_port)
	receiver "$port" "$out"
	t0=$(now_ns)
	sender "$tool" "$port"
	wait "$RECEIVER"
	t1=$(now_ns)
	mib_rate "$SIZE_MIB" $((t1 - t0))
}

# get TOOL URL: one https download to /dev/null; prints "seconds peak_kib".
get() {
	local tool=$1 url=$2
	case $tool in
	sockit) set -- "$SOCKIT" http-get -q --cacert "$work/ca.pem" "$url" ;;
	curl) set -- curl -sS --cacert "$work/ca.pem" "$url" ;;
	esac
	timeout 600 /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
	cat "$work/time"
}

# https_part: sockit http-get https:// vs curl, paired rounds.
https_part() {
	need nginx curl /usr/bin/time
	local port url r s c sums=() ratios=() rss=() crss=() ss=() cs=()
	port=$(free_port)
	SERVER="ssl; ssl_certificate $work/srv.pem; ssl_certificate_key $work/srv.key" start_nginx "$port"
	truncate -s "$((SIZE_MIB * 1024 * 1024))" "$work/www/big.bin" # sparse: no tmpfs pages
	url=https://127.0.0.1:$port/big.bin
	sums=("$("$SOCKIT" http-get -q --cacert "$work/ca.pem" "$url" | cksum)"
		"$(curl -sS --cacert "$work/ca.pem" "$url" | cksum)")
	[ "${sums[0]}" = "${sums[1]}" ] || { echo "$0: sockit and curl got different bytes" >&2; exit 1; }
	for r in $(seq "$ROUNDS"); do
		# the order alternates too: neither always runs first
		if ((r % 2)); then
			s=$(get sockit "$url") c=$(get curl "$url")
		else
			c=$(get curl "$url") s=$(get sockit "$url")
		fi
		echo "round $r: sockit ${s% *} s ${s#* } KiB, curl ${c% *} s ${c#* } KiB"
		ss+=("${s% *}") cs+=("${c% *}") rss+=("${s#* }") crss+=("${c#* }")
		ratios+=("$(awk -v a="${c% *}" -v b="${s% *}" 'BEGIN { printf "%.3f", a / b }')")
	done
	printf '\nhttps: %s MiB from nginx ssl (one worker), medians of %s paired rounds\n\n' "$SIZE_MIB" "$ROUNDS"
	echo '| tool | seconds | MiB/s | peak RSS (MiB) | speed vs curl (paired) |'
	echo '|---|---:|---:|---:|---:|'
	awk -v s="$(med_of "${ss[*]}")" -v k="$(med_of "${rss[*]}")" -v r="$(med_of "${ratios[*]}")" \
		-v mib="$SIZE_MIB" 'BEGIN { printf "| sockit http-get | %.2f | %.0f | %.2f | %.2fx |\n", s, mib / s, k / 1024, r }'
	awk -v s="$(med_of "${cs[*]}")" -v k="$(med_of "${crss[*]}")" -v mib="$SIZE_MIB" \
		'BEGIN { printf "| curl | %.2f | %.0f | %.2f | 1.00x |\n", s, mib / s, k / 1024 }'
}

pki
if [[ " $PARTS " == *" bulk "* ]]; then
	echo "preparing ${SIZE_MIB} MiB of random data in $work"
	head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"
	read -ra checked <<<"$TOOLS"
	verify_tools "$data" "${checked[@]}"
	rounds_table "$ROUNDS" s_client "tool" "vs openssl s_client" "${checked[@]}"
	rm -f "$data"
fi
if [[ " $PARTS " == *" https "* ]]; then
	https_part
fi
