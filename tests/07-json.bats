#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, PEER_PORT, RC: set by helpers.bash
# 07-json: --json of resolve, connect -z, http-head and udp-send: every line is valid JSON
# (python3's json and jq both parse it), with exactly the keys of sockit(1) in their
# order; names, headers and payloads with quotes, backslashes, control bytes, invalid
# UTF-8 (each bad byte becomes U+FFFD, or data_base64 for udp-send) and 4-byte characters.

load helpers

A64=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

# valid_json FILE: every line of FILE parses, for python3 and for jq, and is one object.
valid_json() {
	python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$1" || return 1
	[ "$(jq -c 'type' "$1" | sort -u)" = '"object"' ] || { cat "$1" >&2 && return 1; }
}

# keys_are FILE KEYS: every line's keys, in their order, are KEYS (comma-separated).
keys_are() {
	local got
	got=$(jq -r 'keys_unsorted | join(",")' "$1" | sort -u)
	[ "$got" = "$2" ] && return 0
	echo "keys: $got, wanted $2" >&2
	return 1
}

@test "resolve --json: addresses, a failed name with quotes and bad bytes, -r; exit codes as without" {
	run_io r "$SOCKIT" resolve --json -4 localhost 127.0.0.1 "$A64.in\"va\\l$(printf '\001\377')id" ::1
	rc_is r 3
	valid_json "$T/r.out"
	is "$T/r.out" "{\"name\":\"localhost\",\"family\":\"inet\",\"address\":\"127.0.0.1\"}
{\"name\":\"127.0.0.1\",\"family\":\"inet\",\"address\":\"127.0.0.1\"}
{\"name\":\"$A64.in\\\"va\\\\l\\u0001\\ufffdid\",\"error\":\"Name or service not known\"}
{\"name\":\"::1\",\"error\":\"Address family for hostname not supported\"}
"
	# the name as it was given comes back whole
	[ "$(sed -n 3p "$T/r.out" | jq -r .name)" = "$A64.in\"va\\l$(printf '\001')"$'\xef\xbf\xbd'"id" ]
	run_io r "$SOCKIT" resolve --json -6 ::1
	rc_is r 0
	file_is "$T/r.out" '{"name":"::1","family":"inet6","address":"::1"}'
	run_io r "$SOCKIT" resolve --json -r 127.0.0.1
	rc_is r 0
	file_is "$T/r.out" "{\"address\":\"127.0.0.1\",\"name\":\"$(getent hosts 127.0.0.1 | awk '{ print $2; exit }')\"}"
	no_dns "$SOCKIT" resolve --json "$A64.in\"va\\l$(printf '\001\377')id"
}

@test "connect -z --json: one object per port, open, closed or timeout; exit codes as without" {
	local closed
	closed=$(free_port)
	start_server serve -k 127.0.0.1 0
	run_io z timeout 10 "$SOCKIT" connect -z --json 127.0.0.1 "$PORT"
	rc_is z 0
	valid_json "$T/z.out"
	keys_are "$T/z.out" host,address,port,state,ms
	[ "$(jq -c 'del(.ms)' "$T/z.out")" = "{\"host\":\"127.0.0.1\",\"address\":\"127.0.0.1\",\"port\":$PORT,\"state\":\"open\"}" ]
	jq -e '.ms | type == "number" and . >= 0 and . < 1000' "$T/z.out"
	run_io z timeout 10 "$SOCKIT" connect -z --json localhost "$closed"
	rc_is z 1
	[ "$(jq -c 'del(.ms)' "$T/z.out")" = "{\"host\":\"localhost\",\"address\":\"127.0.0.1\",\"port\":$closed,\"state\":\"closed\"}" ]
	start_peer full python3 "$PEERS/full_backlog.py"
	run_io z timeout 10 "$SOCKIT" connect -z --json -w 0.3 127.0.0.1 "$PEER_PORT"
	rc_is z 1
	[ "$(jq -c 'del(.ms)' "$T/z.out")" = "{\"host\":\"127.0.0.1\",\"address\":\"127.0.0.1\",\"port\":$PEER_PORT,\"state\":\"timeout\"}" ]
	jq -e '.ms >= 250' "$T/z.out"
}

@test "http-head --json: one object per response of a redirect chain; odd header bytes escaped" {
	mkdir -p "$T/fx"
	printf 'HTTP/1.1 301 Moved "here"\r\nLocation: /raw/b\r\nX-Q: a"b\\c\td\r\nX-Bad: \377\300\257!\r\nX-Emoji: \360\237\230\200 \302\233\r\nContent-Length: 0\r\n\r\n' >"$T/fx/a"
	printf 'HTTP/1.0 200\r\nServer: fixture\r\n\r\n' >"$T/fx/b"
	start_peer fx python3 "$PEERS/http_fixture.py" "$T/fx"
	local url="http://127.0.0.1:$PEER_PORT"
	run_io h timeout 10 "$SOCKIT" http-head --json -L "$url/raw/a"
	rc_is h 0
	valid_json "$T/h.out"
	keys_are "$T/h.out" url,status,reason,version,headers
	is "$T/h.out" "{\"url\":\"$url/raw/a\",\"status\":301,\"reason\":\"Moved \\\"here\\\"\",\"version\":\"HTTP/1.1\",\"headers\":[[\"Location\",\"/raw/b\"],[\"X-Q\",\"a\\\"b\\\\c\\u0009d\"],[\"X-Bad\",\"\\ufffd\\ufffd\\ufffd!\"],[\"X-Emoji\",\"$(printf '\360\237\230\200') \\u009b\"],[\"Content-Length\",\"0\"]]}
{\"url\":\"$url/raw/b\",\"status\":200,\"reason\":\"\",\"version\":\"HTTP/1.0\",\"headers\":[[\"Server\",\"fixture\"]]}
"
	# decoded, the values are the bytes sent (valid UTF-8 ones exactly)
	[ "$(jq -r '.headers[1][1]' <(head -n1 "$T/h.out"))" = "$(printf 'a"b\\c\td')" ]
	[ "$(jq -r '.headers[3][1]' <(head -n1 "$T/h.out"))" = "$(printf '\360\237\230\200 \302\233')" ]
	# without -L: the first response only; --fail still reports it, exit 1
	run_io h timeout 10 "$SOCKIT" http-head --json "$url/raw/a"
	rc_is h 0
	[ "$(jq -r .status "$T/h.out")" = 301 ]
	run_io h timeout 10 "$SOCKIT" http-head --json -f "$url/missing"
	rc_is h 1
	file_is "$T/h.out" "{\"url\":\"$url/missing\",\"status\":404,\"reason\":\"Not Found\",\"version\":\"HTTP/1.1\",\"headers\":[[\"Content-Length\",\"0\"]]}"
}

@test "udp-send --json: one object per reply; data, or data_base64 when not UTF-8" {
	start_peer u python3 "$PEERS/udp_peer.py" echo
	printf 'q"b\\s\001\n\360\237\230\200' >"$T/msg"
	run_io u --stdin "$T/msg" timeout 10 "$SOCKIT" udp-send --json 127.0.0.1 "$PEER_PORT"
	rc_is u 0
	valid_json "$T/u.out"
	is "$T/u.out" "{\"from\":\"127.0.0.1\",\"port\":$PEER_PORT,\"bytes\":11,\"data\":\"q\\\"b\\\\s\\u0001\\u000a$(printf '\360\237\230\200')\"}
"
	jq -j .data "$T/u.out" >"$T/back"
	same_file "$T/msg" "$T/back"
	# invalid UTF-8 (a NUL is valid, \377 is not): base64 of the exact bytes
	printf 'a\000b\377' >"$T/bin"
	run_io u --stdin "$T/bin" timeout 10 "$SOCKIT" udp-send --json "127.0.0.1:$PEER_PORT"
	rc_is u 0
	file_is "$T/u.out" "{\"from\":\"127.0.0.1\",\"port\":$PEER_PORT,\"bytes\":4,\"data_base64\":\"YQBi/w==\"}"
	jq -r .data_base64 "$T/u.out" | base64 -d >"$T/back"
	same_file "$T/bin" "$T/back"
	start_peer three python3 "$PEERS/udp_peer.py" three
	run_io u timeout 10 "$SOCKIT" udp-send --json -n 3 127.0.0.1 "$PEER_PORT" go
	rc_is u 0
	valid_json "$T/u.out"
	[ "$(jq -c '[.bytes, .data]' "$T/u.out" | tr '\n' ' ')" = '[4,"one\n"] [4,"two\n"] [6,"three\n"] ' ]
}

@test "--json: usage errors where it means nothing" {
	usage_error "sockit: udp-send: cannot use --json with -x" udp-send --json -x 127.0.0.1 7 hi
	usage_error "sockit: http-head: cannot use --json with --status" http-head --json --status http://127.0.0.1:1/
	usage_error "sockit: connect: --json needs -z (a scan's report)" connect --json 127.0.0.1 1
	usage_error "sockit: resolve: cannot use --json with -l" resolve --json -l localhost
}
