#!/usr/bin/env bats
# 23-simple: the classic small services (sockit(1) "Protocols"; RFC 862, 863, 865, 867): greet, daytime, qotd, discard, over TCP
# and UDP, checked with the tests' client and with the seeds' own beginner clients.
# shellcheck disable=SC2154 # PORT_name: set by start_named NAME (printf -v)

load helpers

# daytime_ok TEXT: TEXT is `YYYY-MM-DDTHH:MM:SSZ` within a few seconds of now.
daytime_ok() {
	[[ "$1" =~ ^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2})Z$ ]] || return 1
	local stamp now
	stamp=$(date -u -d "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" +%s) || return 1
	now=$(date -u +%s)
	[ $((now - stamp)) -ge -1 ] && [ $((now - stamp)) -le 5 ]
}

# one_of LINE FILE: LINE is exactly one of FILE's lines.
one_of() {
	grep -qxF -- "$1" "$2"
}

@test "greet: the greeting line, then close (TCP); --greeting replaces it" {
	start_server serve -p greet 127.0.0.1 0
	client 127.0.0.1 "$PORT" </dev/null | cmp - <(printf 'Welcome to the server!\n')
	stop_all
	start_server serve -p greet --greeting "Hello, seeds: 1 2 3" 127.0.0.1 0
	client 127.0.0.1 "$PORT" </dev/null | cmp - <(printf 'Hello, seeds: 1 2 3\n')
	run timeout 5 "$SOCKIT" serve -p greet --greeting "$(printf 'two\nlines')" 127.0.0.1 0
	[ "$status" -eq 2 ]
}

@test "greet over UDP: the greeting datagram in reply to any datagram" {
	start_server serve -p greet -u 127.0.0.1 0
	client -u 127.0.0.1 "$PORT" <<<"anything" | cmp - <(printf 'Welcome to the server!\n')
	client -u 127.0.0.1 "$PORT" </dev/null | cmp - <(printf 'Welcome to the server!\n')
}

@test "the seeds' TCP client against greet, echo and daytime" {
	start_named greet serve -p greet 127.0.0.1 0
	start_named echo serve -p echo 127.0.0.1 0
	start_named daytime serve -p daytime 127.0.0.1 0
	run timeout 5 python3 "$PEERS/seeds.py" tcp 127.0.0.1 "$PORT_greet"
	[ "$status" -eq 0 ]
	[ "$output" = "Received from server: Welcome to the server!" ]
	run timeout 5 python3 "$PEERS/seeds.py" tcp 127.0.0.1 "$PORT_echo" "Hello, server"
	[ "$status" -eq 0 ]
	[ "$output" = "Received from server: Hello, server" ]
	run timeout 5 python3 "$PEERS/seeds.py" tcp 127.0.0.1 "$PORT_daytime"
	[ "$status" -eq 0 ]
	[[ "$output" == "Received from server: "* ]]
	daytime_ok "$(printf '%s' "${output#Received from server: }" | tr -d '\r')"
}

@test "daytime: exactly YYYY-MM-DDTHH:MM:SSZ CRLF, UTC now, then close (TCP and UDP)" {
	start_named tcp serve -p daytime 127.0.0.1 0
	start_named udp serve -p daytime -u 127.0.0.1 0
	client 127.0.0.1 "$PORT_tcp" </dev/null >"$T/tcp"
	client -u 127.0.0.1 "$PORT_udp" <<<"x" >"$T/udp"
	local f
	for f in tcp udp; do
		[ "$(wc -c <"$T/$f")" -eq 22 ]
		[ "$(tail -c 2 "$T/$f" | od -An -c | tr -d ' ')" = '\r\n' ]
		daytime_ok "$(head -c 20 "$T/$f")"
	done
}

@test "qotd: one quote under 512 bytes ending in CRLF, then close (TCP and UDP)" {
	start_named tcp serve -p qotd 127.0.0.1 0
	start_named udp serve -p qotd -u 127.0.0.1 0
	client 127.0.0.1 "$PORT_tcp" </dev/null >"$T/tcp"
	client -u 127.0.0.1 "$PORT_udp" </dev/null >"$T/udp"
	local f
	for f in tcp udp; do
		[ "$(wc -c <"$T/$f")" -lt 512 ]
		[ "$(wc -c <"$T/$f")" -gt 2 ]
		[ "$(wc -l <"$T/$f")" -eq 1 ]
		[ "$(tail -c 2 "$T/$f" | od -An -c | tr -d ' ')" = '\r\n' ]
	done
}

@test "qotd --quotes FILE: each reply is one of the file's lines (TCP, UDP, the seeds' UDP client)" {
	printf 'First quote.\n\nSecond: with a colon.\r\nThird, the last, without newline' >"$T/quotes"
	printf 'First quote.\nSecond: with a colon.\nThird, the last, without newline\n' >"$T/lines"
	start_named tcp serve -p qotd --quotes "$T/quotes" 127.0.0.1 0
	start_named udp serve -p qotd -u --quotes "$T/quotes" 127.0.0.1 0
	local i got
	for ((i = 0; i < 4; i++)); do
		got=$(client 127.0.0.1 "$PORT_tcp" </dev/null)
		[[ "$got" == *$'\r' ]]
		one_of "${got%$'\r'}" "$T/lines"
		got=$(client -u 127.0.0.1 "$PORT_udp" </dev/null)
		[[ "$got" == *$'\r' ]]
		one_of "${got%$'\r'}" "$T/lines"
	done
	run timeout 5 python3 "$PEERS/seeds.py" qotd 127.0.0.1 "$PORT_udp"
	[ "$status" -eq 0 ]
	[[ "$output" == "Quote of the day: "* ]]
	one_of "${output#Quote of the day: }" "$T/lines"
}

@test "qotd --quotes: a bad file is refused before listening" {
	: >"$T/empty"
	head -c 600 /dev/zero | tr '\0' q >"$T/long"
	run timeout 5 "$SOCKIT" serve -p qotd --quotes "$T/empty" 127.0.0.1 0
	[ "$status" -eq 2 ]
	[[ "$output" != *"listening on"* ]]
	run timeout 5 "$SOCKIT" serve -p qotd --quotes "$T/long" 127.0.0.1 0
	[ "$status" -eq 2 ]
	run timeout 5 "$SOCKIT" serve -p qotd --quotes "$T/missing" 127.0.0.1 0
	[ "$status" -eq 7 ]
	[[ "$output" == *"$T/missing"* ]]
	run timeout 5 "$SOCKIT" serve -p greet --quotes "$T/long" 127.0.0.1 0
	[ "$status" -eq 2 ]
}

@test "discard: everything is read and dropped; nothing comes back (TCP and UDP)" {
	start_named tcp serve -p discard 127.0.0.1 0
	random_file "$T/in" 2000000
	run client --deadline 20 127.0.0.1 "$PORT_tcp" "$T/in"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	start_named udp serve -v -p discard -u 127.0.0.1 0
	run client -u --deadline 0.3 127.0.0.1 "$PORT_udp" <<<"into the void"
	[ "$status" -eq 5 ]
	[ -z "$output" ]
	grep -q 'datagram of 13 bytes, reply of 0' "$T/udp.err"
}

@test "chat cannot be served over UDP; an unknown protocol names the known ones" {
	run timeout 5 "$SOCKIT" serve -p chat -u 127.0.0.1 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot serve chat over UDP"* ]]
	run timeout 5 "$SOCKIT" serve -p nosuch 127.0.0.1 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"raw echo calc chat greet daytime qotd discard"* ]]
}
