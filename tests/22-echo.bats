#!/usr/bin/env bats
# 22-echo: `serve --proto echo` and `sockit echo` (sockit(1) "Protocols" and
# "echo"; RFC 862): every byte back in order, and a client that does not read is throttled, not
# buffered.
# shellcheck disable=SC2154 # PORT_name: set by start_named NAME (printf -v)

load helpers

@test "echo: 100 MiB of random bytes (NULs included) come back byte for byte, in bounded memory" {
	random_file "$T/big" $((100 * 1024 * 1024))
	[ "$(head -c 1048576 "$T/big" | tr -dc '\000' | wc -c)" -gt 0 ]
	start_server serve -p echo 127.0.0.1 0
	run client --sha256 --deadline 120 127.0.0.1 "$PORT" "$T/big"
	[ "$status" -eq 0 ]
	[ "$output" = "$(sha "$T/big") $((100 * 1024 * 1024))" ]
	local hwm
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	echo "echo server peak RSS: $hwm kB" >&3
	[ "$hwm" -lt "$(mem_bound 16384)" ]
}

@test "echo: a client that writes 10 MB and never reads is throttled; another is answered at once" {
	start_server serve -p echo 127.0.0.1 0
	start_peer hog timeout 60 python3 "$PEERS/nonreaders.py" 127.0.0.1 "$PORT" --bytes 10000000 \
		--pattern "0123456789abcdef"
	local sent
	# how much the kernel's buffers absorb varies; the server's own memory must not
	sent=$(sed -n 's/^sent //p' "$T/hog.err")
	run client --deadline 1 127.0.0.1 "$PORT" <<<"still served"
	[ "$status" -eq 0 ]
	[ "$output" = "still served" ]
	local rss hwm
	rss=$(proc_kb "$SERVER_PID" VmRSS)
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	echo "hog sent $sent bytes; server RSS $rss kB, peak $hwm kB" >&3
	[ "$hwm" -lt "$(mem_bound 8192)" ]
}

@test "echo: lines, partial lines and binary come back exactly; the server closes at EOF" {
	start_server serve -p echo 127.0.0.1 0
	printf 'one\ntwo\r\n\0three\xff\x80 no newline' >"$T/in"
	client 127.0.0.1 "$PORT" "$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	client --chunk 1 127.0.0.1 "$PORT" "$T/in" >"$T/out1"
	cmp "$T/in" "$T/out1"
	run client 127.0.0.1 "$PORT" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "echo over UDP: each datagram comes back to its sender" {
	start_server serve -p echo -u 127.0.0.1 0
	run client -u 127.0.0.1 "$PORT" < <(printf 'first\nsecond datagram\n')
	[ "$status" -eq 0 ]
	[ "$output" = "firstsecond datagram" ]
}

@test "echo over a UNIX-domain socket" {
	start_server serve -p echo -U "$T/echo.sock"
	random_file "$T/in" 300000
	client -U "$T/echo.sock" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "sockit echo is serve --proto echo, over TCP and UDP" {
	random_file "$T/in" 100000
	start_named serve serve --proto echo 127.0.0.1 0
	start_named echo echo 127.0.0.1 0
	client 127.0.0.1 "$PORT_serve" "$T/in" >"$T/out.serve"
	client 127.0.0.1 "$PORT_echo" "$T/in" >"$T/out.echo"
	cmp "$T/in" "$T/out.serve"
	cmp "$T/in" "$T/out.echo"
	start_named userve serve --proto echo -u 127.0.0.1 0
	start_named uecho echo -u 127.0.0.1 0
	[ "$(client -u 127.0.0.1 "$PORT_userve" <<<"dgram")" = dgram ]
	[ "$(client -u 127.0.0.1 "$PORT_uecho" <<<"dgram")" = dgram ]
}

@test "sockit echo -p calc is a usage error" {
	run timeout 5 "$SOCKIT" echo -p calc 127.0.0.1 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"'-p'"* ]]
	[[ "$output" != *"listening on"* ]]
	run timeout 5 "$SOCKIT" echo --proto=calc 127.0.0.1 0
	[ "$status" -eq 2 ]
}
