#!/usr/bin/env bash
# bench/tls.sh: bulk TLS throughput over 127.0.0.1 of `sockit connect --tls` side by side
# with socat OPENSSL, ncat --ssl and openssl s_client, each sending the same file to the
# same receiver (socat OPENSSL-LISTEN into /dev/null), every one verifying the server's
# certificate against a CA made here. Rounds alternate between the tools; the table shows
# medians and ratios to s_client (OpenSSL's own client).
# Usage: bench/tls.sh [SIZE_MIB [ROUNDS]]    (default 1024 MiB, 5 rounds)
# Needs: openssl socat ncat python3 (apt-get install openssl socat ncat)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZE_MIB=${1:-1024}
ROUNDS=${2:-5}
TOOLS=${TOOLS:-"sockit s_client socat ncat"}
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

pki
echo "preparing ${SIZE_MIB} MiB of random data in $work"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"
read -ra checked <<<"$TOOLS"
verify_tools "$data" "${checked[@]}"

rounds_table "$ROUNDS" s_client "tool" "vs openssl s_client" "${checked[@]}"
