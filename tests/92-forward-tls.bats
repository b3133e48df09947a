#!/usr/bin/env bats
# 92-forward-tls: `serve --tls --to` (sockit(1), Forwarding): TLS terminated on the
# event loop in front of a plain target; the bytes exact both ways (python ssl, openssl
# s_client), half-close as close_notify, a plaintext client costing only its own pair.
# shellcheck disable=SC2154 # PORT, SERVER_PID, PEER_PORT...: set by helpers.bash

load helpers

setup_file() {
	export CERTS=$BATS_FILE_TMPDIR/certs
	sh "$BATS_TEST_DIRNAME/peers/tls_certs.sh" "$CERTS"
}

# fwd_tls ARGS...: a TLS-terminating forwarder on 127.0.0.1 (PORT, SERVER_PID).
fwd_tls() {
	start_named fwd serve --tls --cert "$CERTS/server.pem" --key "$CERTS/server.key" "$@" 127.0.0.1 0
}

# tls_client ARGS...: tests/peers/tls_client.py trusting the test CA, under a timeout.
tls_client() {
	timeout 60 python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" "$@"
}

@test "forward --tls: 4 MB each way byte-exact (python ssl client, a plain python target that answers after the close_notify); the pair logged" {
	random_file "$T/up" 4194304
	random_file "$T/down" 4194304
	start_peer target python3 "$PEERS/tcp_peer.py" --recv "$T/got_up" --then-send "$T/down"
	fwd_tls -v --to "127.0.0.1:$PEER_PORT"
	run tls_client --sha256 --in "$T/up" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$(sha "$T/down") 4194304" ]
	wait_for "$T/target.out" '^eof 4194304 '
	same_file "$T/up" "$T/got_up"
	wait_for "$T/fwd.err" "-> 127.0.0.1:$PEER_PORT closed: 4194304 bytes to the target, 4194304 bytes back, [0-9]+ ms, tls: client TLSv1\.3\$"
}

@test "forward --tls: half-close: the client's close_notify is the target's EOF, then it answers" {
	printf 'hello\n' >"$T/in"
	start_peer target python3 "$PEERS/tcp_peer.py" --reply-sha
	fwd_tls --to "127.0.0.1:$PEER_PORT"
	run tls_client --in "$T/in" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$(sha "$T/in")" ]
}

@test "forward --tls: openssl s_client gets the target's bytes back exactly (an echo target)" {
	start_named echo echo 127.0.0.1 0
	fwd_tls --to "127.0.0.1:$PORT"
	printf 'one\ntwo\n' >"$T/in"
	run_io sc --stdin "$T/in" timeout 20 openssl s_client -quiet -CAfile "$CERTS/ca.pem" \
		-verify_return_error -verify_ip 127.0.0.1 -connect "127.0.0.1:$PORT"
	file_is "$T/sc.out" one two
}

@test "forward --tls: a plaintext client is closed with one line at -v; a TLS pair beside it works" {
	start_named echo echo 127.0.0.1 0
	fwd_tls -v --to "127.0.0.1:$PORT"
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET / HTTP/1.0\r\n\r\n' >&5
	run tls_client 127.0.0.1 "$PORT" <<<"beside"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = beside ]
	timeout 10 cat <&5 >/dev/null || true
	exec 5<&-
	wait_for "$T/fwd.err" 'TLS handshake failed: 0 bytes to the target, 0 bytes back, [0-9]+ ms, tls: client -$'
	grep -q '^sockit: serve: 127\.0\.0\.1:[0-9]*: handshake failed: peer speaks no TLS$' "$T/fwd.err"
	wait_for "$T/fwd.err" "-> 127.0.0.1:[0-9]* closed: 7 bytes to the target, 7 bytes back, [0-9]+ ms, tls: client TLSv1\.3\$"
}

@test "forward --tls: a client that never says hello is closed after the handshake bound" {
	start_named echo echo 127.0.0.1 0
	fwd_tls -v --idle-timeout 0.5 --to "127.0.0.1:$PORT"
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	timeout 10 cat <&5 >/dev/null || true
	exec 5<&-
	wait_for "$T/fwd.err" 'TLS handshake timed out: 0 bytes'
}

# tls_echo: a `sockit echo --tls` target with the test server's certificate (ECHO_PORT).
tls_echo() {
	start_named echo echo -v --tls --cert "$CERTS/server.pem" --key "$CERTS/server.key" 127.0.0.1 0
	ECHO_PORT=$PORT
}

@test "forward --to-tls: 3 MB through a plain nc.openbsd client come back byte-exact from a TLS echo target" {
	random_file "$T/up" 3000000
	tls_echo
	start_named fwd serve -v --to-tls --to-cacert "$CERTS/ca.pem" --to "127.0.0.1:$ECHO_PORT" 127.0.0.1 0
	run_io nc --stdin "$T/up" timeout 30 nc.openbsd -N 127.0.0.1 "$PORT"
	rc_is nc 0
	same_file "$T/up" "$T/nc.out"
	wait_for "$T/fwd.err" "-> 127.0.0.1:$ECHO_PORT closed: 3000000 bytes to the target, 3000000 bytes back, [0-9]+ ms, tls: target TLSv1\.3\$"
}


@test "forward --to-tls: a target the CA does not vouch for: the client is reset, one line says why" {
	tls_echo
	start_named fwd serve --to-tls --to "127.0.0.1:$ECHO_PORT" 127.0.0.1 0
	run_io nc --stdin <(printf 'hi\n') timeout 10 nc.openbsd -N 127.0.0.1 "$PORT"
	[ ! -s "$T/nc.out" ]
	wait_for "$T/fwd.err" "no target reachable \\(127.0.0.1:$ECHO_PORT\\): certificate for 127.0.0.1 is signed by an unknown issuer: trust it with --to-cacert FILE or --pin$"
	[ "$(grep -c 'no target reachable' "$T/fwd.err")" -eq 1 ]
}

@test "forward --to-tls: --tls-name checks another name, a wrong one refused; --insecure takes it with a warning" {
	tls_echo
	start_named fwd serve --to-tls --to-cacert "$CERTS/ca.pem" --tls-name db.internal --to "127.0.0.1:$ECHO_PORT" 127.0.0.1 0
	run_io nc --stdin <(printf 'hi\n') timeout 10 nc.openbsd -N 127.0.0.1 "$PORT"
	[ ! -s "$T/nc.out" ]
	wait_for "$T/fwd.err" "no target reachable \\(127.0.0.1:$ECHO_PORT\\): certificate is for .*, not db.internal"
	start_named fwd2 serve --to-tls --insecure --to "127.0.0.1:$ECHO_PORT" 127.0.0.1 0
	grep -q '^sockit: serve: warning: --insecure' "$T/fwd2.err"
	run_io nc2 --stdin <(printf 'hi\n') timeout 10 nc.openbsd -N 127.0.0.1 "$PORT"
	is "$T/nc2.out" $'hi\n'
}

@test "forward --to-tls: a target that accepts but never answers the handshake: -w bounds it, the client reset" {
	start_peer target python3 "$PEERS/tcp_peer.py" --silent
	start_named fwd serve -w 1 --to-tls --to-cacert "$CERTS/ca.pem" --to "127.0.0.1:$PEER_PORT" 127.0.0.1 0
	local t0
	t0=$(now_us)
	run_io ra python3 "$PEERS/forward_peer.py" read-all 127.0.0.1 "$PORT"
	file_is "$T/ra.out" "got 0 reset"
	[ "$(ms_since "$t0")" -ge 900 ] && [ "$(ms_since "$t0")" -lt 5000 ]
	wait_for "$T/fwd.err" "no target reachable \\(127.0.0.1:$PEER_PORT\\): timed out$"
}

@test "forward --tls --to-tls: TLS on both sides, python ssl client to a TLS 1.2 target; -v and --json name both sides' versions" {
	hold_fifo "$T/sfifo"
	start_bg target --stdin "$T/sfifo" openssl s_server -tls1_2 -rev -cert "$CERTS/server.pem" \
		-key "$CERTS/server.key" -accept 127.0.0.1:0
	wait_for "$T/target.out" '^ACCEPT 127\.0\.0\.1:[0-9]+$'
	local tport
	tport=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/target.out")
	start_named fwd serve -v --json --tls --cert "$CERTS/server.pem" --key "$CERTS/server.key" \
		--to-tls --to-cacert "$CERTS/ca.pem" --tls-name localhost --to "127.0.0.1:$tport" 127.0.0.1 0
	printf 'hello\n' >"$T/in"
	run_io c --stdin "$T/in" timeout 30 python3 "$PEERS/tls_client.py" --cafile "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	rc_is c 0
	file_is "$T/c.out" olleh
	wait_for "$T/fwd.err" "-> 127\.0\.0\.1:$tport [a-z ]+: 6 bytes to the target, 6 bytes back, [0-9]+ ms, tls: client TLSv1\.3, target TLSv1\.2\$" 10
	run jq -r '[.tls_client, .tls_target] | @tsv' "$T/fwd.out"
	[ "$output" = "$(printf 'TLSv1.3\tTLSv1.2')" ]
	exec 9>&-
}

@test "forward --tls --to-tls: TLS on both sides, python ssl client to a TLS echo target" {
	tls_echo
	start_named fwd serve --tls --cert "$CERTS/server.pem" --key "$CERTS/server.key" \
		--to-tls --to-cacert "$CERTS/ca.pem" --to "127.0.0.1:$ECHO_PORT" 127.0.0.1 0
	random_file "$T/up" 1000000
	run tls_client --sha256 --in "$T/up" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$(sha "$T/up") 1000000" ]
}

# usage_table: each line `MESSAGE|ARGS...`: a usage error, exit 2.
@test "forward TLS: usage errors: the target's TLS options need --to-tls, --to-tls needs --to, unusable files named as serve names them" {
	while IFS='|' read -r msg args; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		usage_error "sockit: serve: $msg" serve $args
	done <<'EOF2'
--to-tls is for --to|--to-tls 0
--to-cacert needs --to-tls|--to 127.0.0.1:80 --to-cacert /x 0
--to-cert needs --to-tls|--to 127.0.0.1:80 --to-cert /x 0
--insecure needs --to-tls|--to 127.0.0.1:80 --insecure 0
--tls-name needs --to-tls|--to 127.0.0.1:80 --tls-name x 0
--to-key needs --to-cert|--to 127.0.0.1:80 --to-tls --to-key /x 0
cannot use --insecure with --pin|--to 127.0.0.1:80 --to-tls --insecure --pin sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= 0
cannot use --to-tls with -u (there is no DTLS)|-u --to 127.0.0.1:80 --to-tls 0
cannot use --to-cacert /nonexistent: No such file or directory|--to 127.0.0.1:80 --to-tls --to-cacert /nonexistent 0
cannot use --to-cert /nonexistent: No such file or directory|--to 127.0.0.1:80 --to-tls --to-cert /nonexistent 0
EOF2
}

@test "forward --to-tls: a TLS 1.2 target that renegotiates (s_server's R) mid-session: bytes still flow both ways, no busy loop" {
	hold_fifo "$T/sfifo"
	start_bg target --stdin "$T/sfifo" openssl s_server -tls1_2 -cert "$CERTS/server.pem" \
		-key "$CERTS/server.key" -accept 127.0.0.1:0
	wait_for "$T/target.out" '^ACCEPT 127\.0\.0\.1:[0-9]+$'
	local tport
	tport=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/target.out")
	start_named fwd serve -v --to-tls --to-cacert "$CERTS/ca.pem" --tls-name localhost \
		--to "127.0.0.1:$tport" 127.0.0.1 0
	mkfifo "$T/cfifo"
	exec 8<>"$T/cfifo"
	start_bg client --stdin "$T/cfifo" timeout 30 nc.openbsd 127.0.0.1 "$PORT"
	echo up-1 >&8
	wait_for "$T/target.out" '^up-1$'
	echo down-1 >&9
	wait_for "$T/client.out" '^down-1$'
	echo R >&9
	wait_for "$T/target.out" '^SSL_do_handshake -> 1$'
	echo up-2 >&8
	wait_for "$T/target.out" '^up-2$'
	echo down-2 >&9
	wait_for "$T/client.out" '^down-2$'
	local ticks
	ticks=$(busy_ticks "$SERVER_PID" 0.5)
	echo "after the renegotiation: $ticks ticks in 0.5 s" >&3
	[ "$ticks" -le 3 ]
	file_is "$T/client.out" down-1 down-2
	exec 8>&- 9>&-
}

@test "forward --tls: a TLS 1.2 client that asks to renegotiate (s_client's R) is refused: the pair ends, no busy loop" {
	start_named echo echo 127.0.0.1 0
	fwd_tls -v --to "127.0.0.1:$PORT"
	hold_fifo "$T/fifo"
	start_bg sc --stdin "$T/fifo" timeout 30 openssl s_client -tls1_2 -CAfile "$CERTS/ca.pem" \
		-verify_return_error -connect "127.0.0.1:$PORT"
	echo hello >&9
	wait_for "$T/sc.out" '^hello$'
	echo R >&9
	wait_for "$T/fwd.err" ' error on the client side: 6 bytes to the target, 6 bytes back, '
	local ticks
	ticks=$(busy_ticks "$SERVER_PID" 0.5)
	echo "after the renegotiation: $ticks ticks in 0.5 s" >&3
	[ "$ticks" -le 3 ]
	exec 9>&-
}
