#!/usr/bin/env bats
# 91-tls-serve: `serve --tls` (sockit(1) serve, TLS): every protocol over TLS against
# openssl s_client, curl, socat, ncat and python's ssl; the handshake on the event loop
# (a plaintext or a silent client costs only its own connection); mutual TLS; files that
# cannot be used are exit 2 before the listening line.
# shellcheck disable=SC2154 # PORT, SERVER_PID, BG_PID...: set by helpers.bash

load helpers

setup_file() {
	export CERTS=$BATS_FILE_TMPDIR/certs
	sh "$BATS_TEST_DIRNAME/peers/tls_certs.sh" "$CERTS"
}

# tls_serve [--stdin FILE] ARGS...: start_server serve --tls with the test server's
# certificate.
tls_serve() {
	local in=()
	if [ "$1" = --stdin ]; then
		in=(--stdin "$2")
		shift 2
	fi
	start_server "${in[@]}" serve --tls --cert "$CERTS/server.pem" --key "$CERTS/server.key" "$@"
}

# tls_client ARGS...: tests/peers/tls_client.py trusting the test CA, under a timeout.
tls_client() {
	timeout 60 python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" "$@"
}

# s_client: openssl s_client verifying the server as 127.0.0.1 against the test CA, the
# session's bytes only on stdout; then -connect 127.0.0.1:PORT.
s_client=(openssl s_client -quiet -CAfile "$CERTS/ca.pem" -verify_return_error -verify_ip 127.0.0.1)

@test "tls echo: 10 MiB of random bytes come back byte for byte (python ssl); the session is logged with -v" {
	random_file "$T/big" $((10 * 1024 * 1024))
	tls_serve -v -p echo 127.0.0.1 0
	run tls_client --sha256 --in "$T/big" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$(sha "$T/big") $((10 * 1024 * 1024))" ]
	wait_for "$T/server.err" 'closed: 10485760 bytes in, 10485760 bytes out'
	grep -E '^sockit: serve: 127\.0\.0\.1:[0-9]+: TLSv1\.3 TLS_[A-Z0-9_]+, client certificate: none, (copy path \(no kernel TLS\)|kernel TLS \(sendfile\))$' "$T/server.err"
}

@test "tls echo: socat OPENSSL and ncat --ssl (verifying localhost) get exact bytes; sockit echo takes --tls too" {
	start_server echo --tls --cert "$CERTS/server.pem" --key "$CERTS/server.key" 0
	printf 'one\ntwo\n' >"$T/in"
	run_io socat --stdin "$T/in" socat -t 5 - "OPENSSL:localhost:$PORT,cafile=$CERTS/ca.pem"
	rc_is socat 0
	file_is "$T/socat.out" one two
	run_io ncat --stdin "$T/in" ncat --ssl --ssl-verify --ssl-trustfile "$CERTS/ca.pem" localhost "$PORT"
	rc_is ncat 0
	file_is "$T/ncat.out" one two
}

@test "tls calc: openssl s_client gets exact replies; QUIT closes the session" {
	tls_serve -p calc 127.0.0.1 0
	printf 'CALC:2*(3+4)-10/3\nPING:x\nCALC:1/0\nQUIT:\n' >"$T/in"
	run_io calc --stdin "$T/in" "${s_client[@]}" -connect "127.0.0.1:$PORT"
	rc_is calc 0
	file_is "$T/calc.out" "CALC:11" "PONG:x" "ERR:DIV0" "BYE:"
}

@test "tls chat: the welcome over TLS, the line on the server's stdout" {
	tls_serve -p chat 127.0.0.1 0
	run tls_client 127.0.0.1 "$PORT" <<<"hello over tls"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'handshake done\n*** welcome guest-1, 1 online')" ]
	wait_for "$T/server.out" '^<guest-1> hello over tls$'
}

@test "tls simple services: greet, daytime, qotd, discard" {
	local p
	: >"$T/in"
	for p in greet daytime qotd discard; do
		tls_serve -p "$p" 127.0.0.1 0
		# these speak first and close: only discard is sent anything (and told the end)
		local end=--no-shutdown
		[ "$p" = discard ] && random_file "$T/in" 100000 && end=
		# shellcheck disable=SC2086 # $end: one word or none
		run_io "$p" --stdin "$T/in" python3 "$PEERS/tls_client.py" $end --cafile "$CERTS/ca.pem" 127.0.0.1 "$PORT"
		rc_is "$p" 0
		case $p in
		greet) is "$T/greet.out" $'Welcome to the server!\n' ;;
		daytime) grep -qxE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'$'\r' "$T/daytime.out" ;;
		qotd) [ "$(tail -c 2 "$T/qotd.out" | od -An -c | tr -d ' ')" = '\r\n' ] ;;
		discard) file_is "$T/discard.out" ;;
		esac
		kill "$SERVER_PID"
	done
}

@test "tls http: curl --cacert gets a 5 MB file whole, and two URLs over one session; -v names the file path" {
	mkdir "$T/root"
	random_file "$T/root/big" 5000000
	echo small >"$T/root/small.txt"
	tls_serve -v -p http --root "$T/root" 0
	run_io curl curl -sS --cacert "$CERTS/ca.pem" --resolve "localhost:$PORT:127.0.0.1" \
		-o "$T/got" "https://localhost:$PORT/big"
	rc_is curl 0
	same_file "$T/root/big" "$T/got"
	run_io two curl -sS --cacert "$CERTS/ca.pem" "https://127.0.0.1:$PORT/small.txt" \
		"https://127.0.0.1:$PORT/small.txt" -w '%{http_code} %{num_connects}\n'
	rc_is two 0
	file_is "$T/two.out" small "200 1" small "200 0"
	grep -qE ': TLSv1\.[23] .*, (copy path \(no kernel TLS\)|kernel TLS \(sendfile\))$' "$T/server.err"
}

@test "tls: a plaintext client gets a closed connection at once while a TLS client stays served" {
	tls_serve -v -p echo 127.0.0.1 0
	hold_fifo "$T/fifo"
	start_bg held python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" --in "$T/fifo" 127.0.0.1 "$PORT"
	local held=$BG_PID
	wait_for "$T/held.err" '^handshake done$'
	run client --deadline 5 127.0.0.1 "$PORT" <<<"hello in the clear"
	[ "$status" -eq 0 ] # the server's end, not the deadline
	wait_for "$T/server.err" ': handshake failed: peer speaks no TLS$'
	# closed as soon as it spoke
	wait_for "$T/server.err" ' closed \(error\): 0 bytes in, 0 bytes out, 0\.[0-4][0-9][0-9] s$'
	echo "still served" >&9
	exec 9>&-
	wait_exit "$held" 10
	[ "$EXIT" -eq 0 ]
	file_is "$T/held.out" "still served"
}

@test "tls: a client that never starts its handshake is closed after --idle-timeout; others are served meanwhile" {
	tls_serve -v -p echo --idle-timeout 1 127.0.0.1 0
	start_bg silent python3 "$PEERS/lineclient.py" --no-shutdown --deadline 10 127.0.0.1 "$PORT"
	local silent=$BG_PID
	run tls_client 127.0.0.1 "$PORT" <<<"served"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "served" ]
	wait_exit "$silent" 10
	[ "$EXIT" -eq 0 ] # the server's end, not the deadline
	grep -qE ': TLS handshake not done after 1\.000 s$' "$T/server.err"
	grep -qE ' closed \(idle\): 0 bytes in, 0 bytes out, 1\.[0-4][0-9][0-9] s$' "$T/server.err"
}

@test "tls: without --idle-timeout a handshake is bounded by 10 s" {
	tls_serve -v -p calc 127.0.0.1 0
	run client --no-shutdown --deadline 20 127.0.0.1 "$PORT" </dev/null
	[ "$status" -eq 0 ]
	grep -qE ': TLS handshake not done after 10\.000 s$' "$T/server.err"
	grep -qE ' closed \(idle\): 0 bytes in, 0 bytes out, 10\.[0-4][0-9][0-9] s$' "$T/server.err"
}

@test "tls --verify-client: a client certificate from the CA is served; none, or an untrusted one, is refused at the handshake and logged" {
	tls_serve -v -p echo --cacert "$CERTS/ca.pem" --verify-client 127.0.0.1 0
	run tls_client --cert "$CERTS/client.pem" --key "$CERTS/client.key" 127.0.0.1 "$PORT" <<<"mutual"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "mutual" ]
	grep -qE ': TLSv1\.3 [A-Z0-9_]+, client certificate: CN=alice, ' "$T/server.err"
	run tls_client 127.0.0.1 "$PORT" <<<"no certificate"
	[ "$status" -eq 8 ]
	[ "${lines[-1]}" = "tls: TLSV13_ALERT_CERTIFICATE_REQUIRED" ]
	wait_for "$T/server.err" ': handshake failed: a client certificate is required'
	run tls_client --cert "$CERTS/stranger.pem" --key "$CERTS/stranger.key" 127.0.0.1 "$PORT" <<<"stranger"
	[ "$status" -eq 8 ]
	[ "${lines[-1]}" = "tls: TLSV1_ALERT_UNKNOWN_CA" ]
	wait_count "$T/server.err" ': handshake failed: ' 2
	# openssl s_client says the same
	run timeout 10 "${s_client[@]}" -connect "127.0.0.1:$PORT" </dev/null
	[ "$status" -ne 0 ]
	[[ $output == *"alert certificate required"* ]]
}

@test "tls: a certificate or key that cannot be used is exit 2 before the listening line, in one line" {
	local c=$CERTS
	while IFS='|' read -r args want; do
		# shellcheck disable=SC2086 # the arguments are words of the table
		run_io bad "$SOCKIT" serve --tls $args -p echo 127.0.0.1 0
		rc_is bad 2
		file_is "$T/bad.err" "sockit: serve: $want"
	done <<EOF
--cert $c/nope.pem|cannot use --cert $c/nope.pem: No such file or directory
--cert $c/server.pem --key $c/nope.key|cannot use --key $c/nope.key: No such file or directory
--cert $c/server.pem --key $c/client.key|--key $c/client.key does not match --cert $c/server.pem
--cert $c/server.key --key $c/server.key|cannot use --cert $c/server.key: not a PEM certificate (no start line)
--cert $c/server.pem --key $c/server.pem|cannot use --key $c/server.pem: not a PEM private key (unsupported)
--cert $c/server.pem|cannot use --cert $c/server.pem: no private key in it (--key FILE)
--cert $c/server.pem --key $c/server.key --cacert $c/server.key --verify-client|cannot use --cacert $c/server.key: no certificate or crl found
EOF
}

@test "tls usage errors: -u, --cert without --tls, --tls without --cert, --verify-client without --cacert" {
	local k=(--cert "$CERTS/server.pem" --key "$CERTS/server.key")
	usage_error "sockit: serve: cannot use --tls with -u (there is no DTLS)" serve --tls "${k[@]}" -u -p echo 0
	usage_error "sockit: serve: --cert needs --tls" serve "${k[@]}" -p echo 0
	usage_error "sockit: serve: --tls needs --cert FILE (and --key FILE unless the key is in it)" serve --tls -p echo 0
	usage_error "sockit: serve: --tls needs --cert FILE (and --key FILE unless the key is in it)" serve --ssl -p echo 0
	usage_error "sockit: serve: --verify-client needs --cacert FILE" serve --tls "${k[@]}" --verify-client -p echo 0
	usage_error "sockit: serve: --cacert needs --verify-client" serve --tls "${k[@]}" --cacert "$CERTS/ca.pem" -p echo 0
}

@test "tls raw: 50 MB from the client to stdout and 5 MB from stdin to the client, byte for byte (sha256); sockit connect --tls and python ssl" {
	random_file "$T/up" $((50 * 1024 * 1024))
	random_file "$T/down" $((5 * 1024 * 1024))
	tls_serve --stdin "$T/down" -v 127.0.0.1 0
	run_io up --stdin "$T/up" "$SOCKIT" connect --tls --cacert "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	rc_is up 0
	wait_exit "$SERVER_PID" 20
	[ "$EXIT" -eq 0 ]
	[ "$(sha "$T/server.out")" = "$(sha "$T/up")" ]
	[ "$(sha "$T/up.out")" = "$(sha "$T/down")" ]
	grep -qE " closed: $((50 * 1024 * 1024)) bytes in, $((5 * 1024 * 1024)) bytes out," "$T/server.err"
	# python's ssl as the client, the bytes counted on its side
	tls_serve --stdin "$T/down" 127.0.0.1 0
	run tls_client --sha256 --in /dev/null 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$(sha "$T/down") $((5 * 1024 * 1024))" ]
}

@test "tls raw: a plaintext client fails its handshake and the server waits for the next, which it serves" {
	tls_serve -v 127.0.0.1 0
	run client --deadline 5 127.0.0.1 "$PORT" <<<"hello in the clear"
	[ "$status" -eq 0 ]
	wait_for "$T/server.err" ': handshake failed: peer speaks no TLS$'
	run tls_client 127.0.0.1 "$PORT" <<<"over tls"
	[ "$status" -eq 0 ]
	wait_exit "$SERVER_PID" 10
	[ "$EXIT" -eq 0 ]
	file_is "$T/server.out" "over tls"
}

@test "tls -e/-c: the server carries the bytes between the session and the program (5 MB through tr, sha256), with the UCSPI variables; clients served at once" {
	random_file "$T/data" $((5 * 1024 * 1024))
	tls_serve -v -k -e 'tr a-z A-Z' 127.0.0.1 0
	local e_port=$PORT
	# shellcheck disable=SC2016 # expanded by the program's shell
	tls_serve -v -k -c 'echo "hello $TCPREMOTEIP"; exec cat' 127.0.0.1 0
	hold_fifo "$T/fifo"
	start_bg held python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" --in "$T/fifo" 127.0.0.1 "$PORT"
	local held=$BG_PID
	wait_for "$T/held.out" '^hello 127\.0\.0\.1$'
	# meanwhile, the other server's program gets every byte
	run_io big --stdin "$T/data" "$SOCKIT" connect --tls --cacert "$CERTS/ca.pem" 127.0.0.1 "$e_port"
	rc_is big 0
	# shellcheck disable=SC2018,SC2019 # bytes, not letters: as the program does
	[ "$(sha "$T/big.out")" = "$(tr a-z A-Z <"$T/data" | sha256sum | cut -d' ' -f1)" ]
	echo "still here" >&9
	exec 9>&-
	wait_exit "$held" 10
	[ "$EXIT" -eq 0 ]
	file_is "$T/held.out" "hello 127.0.0.1" "still here"
	wait_for "$T/server.err" ': program exited with status 0, '
}

@test "tls: 300 idle TLS sessions cost the server well under 64 KiB each (no buffers held while idle)" {
	asan_build && skip "AddressSanitizer's allocator (redzones, quarantine) outweighs the sessions"
	tls_serve -m 1000 -p calc 127.0.0.1 0
	cat >"$T/hold.py" <<'PY'
import socket, ssl, sys
port, n, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
held = [ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1") for _ in range(n)]
held[0].sendall(b"PING:x\n")
print("held", len(held), held[0].recv(100).decode().strip(), flush=True)
sys.stdin.read()
PY
	local before after
	before=$(proc_kb "$SERVER_PID" VmRSS)
	hold_fifo "$T/fifo"
	start_bg hold --stdin "$T/fifo" python3 "$T/hold.py" "$PORT" 300 "$CERTS/ca.pem"
	wait_for "$T/hold.out" '^held 300 PONG:x$' 30
	after=$(proc_kb "$SERVER_PID" VmRSS)
	echo "RSS $before kB -> $after kB with 300 idle TLS sessions: $(((after - before) * 1024 / 300)) bytes each" >&3
	[ $(((after - before) * 1024 / 300)) -lt 32768 ]
	exec 9>&-
}

@test "tls -m: a client over the limit is closed before its handshake, with no plaintext notice" {
	tls_serve -v -m 1 -p calc 127.0.0.1 0
	hold_fifo "$T/fifo"
	start_bg held python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" --in "$T/fifo" 127.0.0.1 "$PORT"
	local held=$BG_PID
	wait_for "$T/held.err" '^handshake done$'
	run tls_client 127.0.0.1 "$PORT" </dev/null
	# closed, or reset if its ClientHello came first: never bytes read as a record
	[ "$status" -eq 8 ] || [ "$status" -eq 4 ]
	[[ $output != *WRONG_VERSION* && $output != *"record"* ]]
	wait_for "$T/server.err" ' turned away: 1 clients already$'
	echo "PING:still" >&9
	exec 9>&-
	wait_exit "$held" 10
	file_is "$T/held.out" "PONG:still"
}

@test "tls: 200 records that came in one TCP segment are read in one go, not one per event-loop round" {
	tls_serve -vv -p echo 127.0.0.1 0
	# the records are made in memory and sent with one write: the server wakes once for all
	cat >"$T/burst.py" <<'PY'
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(inc, out, server_hostname="127.0.0.1")
s = socket.create_connection(("127.0.0.1", port))
def pump():
    data = out.read()
    if data:
        s.sendall(data)
while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        pump()
        inc.write(s.recv(65536))
pump()
for i in range(200):
    tls.write(b"record %03d\n" % i)
pump()
got = b""
while len(got) < 2200:
    try:
        got += tls.read(65536)
    except ssl.SSLWantReadError:
        inc.write(s.recv(65536))
sys.stdout.buffer.write(got)
PY
	run_io burst timeout 30 python3 "$T/burst.py" "$PORT" "$CERTS/ca.pem"
	rc_is burst 0
	[ "$(wc -l <"$T/burst.out")" -eq 200 ]
	[ "$(sed -n 200p "$T/burst.out")" = "record 199" ]
	# one read took (nearly) all 2200 bytes: without read-ahead each record is a read
	local most
	most=$(sed -n 's/.*: read \([0-9]*\) bytes$/\1/p' "$T/server.err" | sort -n | tail -1)
	echo "largest read: $most bytes; reads: $(grep -c ': read [0-9]* bytes$' "$T/server.err")" >&3
	[ "$most" -ge 1100 ]
}

@test "tls: a TLS 1.2 client that asks to renegotiate (s_client's R) is refused: one -v line, no busy loop, the server serves the next" {
	tls_serve -v -p echo 127.0.0.1 0
	hold_fifo "$T/fifo"
	start_bg sc --stdin "$T/fifo" timeout 30 openssl s_client -tls1_2 -CAfile "$CERTS/ca.pem" \
		-verify_return_error -connect "127.0.0.1:$PORT"
	echo hello >&9
	wait_for "$T/sc.out" '^hello$'
	echo R >&9
	wait_for "$T/server.err" ': the peer ended the session with a handshake failure \(a renegotiation refused\?\)$'
	local ticks
	ticks=$(busy_ticks "$SERVER_PID" 0.5)
	echo "after the renegotiation: $ticks ticks in 0.5 s" >&3
	[ "$ticks" -le 3 ]
	exec 9>&-
	echo next >"$T/next"
	run_io next --stdin "$T/next" timeout 30 python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	rc_is next 0
	file_is "$T/next.out" next
}

@test "tls -e: a client that connects and closes without a byte (a port check) is a normal end, not a failed handshake; a plaintext client still is" {
	tls_serve -v -k -e cat 127.0.0.1 0
	timeout 10 nc.openbsd -z 127.0.0.1 "$PORT"
	wait_for "$T/server.err" ': program exited with status [0-9]+, '
	grep -Eq '^sockit: serve: 127\.0\.0\.1:[0-9]+: closed before its TLS handshake$' "$T/server.err"
	grep -Eq '^sockit: serve: 127\.0\.0\.1:[0-9]+: program exited with status 0, [0-9.]+ s$' "$T/server.err"
	[ "$(grep -c 'handshake failed' "$T/server.err")" -eq 0 ]
	printf 'GET / HTTP/1.0\r\n\r\n' >"$T/plain"
	run_io plain --stdin "$T/plain" timeout 10 nc.openbsd -N 127.0.0.1 "$PORT"
	wait_for "$T/server.err" ': program exited with status 8, '
	grep -Eq '^sockit: serve: 127\.0\.0\.1:[0-9]+: handshake failed: peer speaks no TLS$' "$T/server.err"
}
