#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2153 # inner shells' own $1..$3; PORT, PEER_PORT, RC: set by helpers
# 71-wait: `sockit wait` until TCP, UNIX and HTTP services are up, its deadline, --any,
# --json and `-- COMMAND`. The late services are tests/peers/late_service.py: their delay
# is the behaviour under test, never a synchronisation.

load helpers

# json_is FILE LINE...: every line of FILE parses as JSON, and FILE, each line re-encoded
# with its keys in their order and `seconds` cut, holds exactly these lines.
json_is() {
	local file=$1
	shift
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "seconds" in o:
        o["seconds"] = "S"
    print(json.dumps(o, separators=(",", ":")))' "$file" >"$T/json.norm" || return 1
	file_is "$T/json.norm" "$@"
}

# ms_of FILE N: the "seconds" of line N of FILE, in whole milliseconds.
ms_of() {
	sed -n "${2}p" "$1" | jq '.seconds * 1000 | floor'
}

@test "wait: a TCP service that listens after ~1 s → exit 0 once it does, with its time" {
	start_peer late python3 "$PEERS/late_service.py" tcp 1
	local t0
	t0=$(now_us)
	run_io w timeout 10 "$SOCKIT" wait -v --json "127.0.0.1:$PEER_PORT"
	rc_is w 0
	local took
	took=$(ms_since "$t0")
	[ "$took" -ge 900 ] && [ "$took" -lt 3000 ]
	json_is "$T/w.out" "{\"target\":\"127.0.0.1:$PEER_PORT\",\"up\":true,\"seconds\":\"S\",\"attempts\":$(jq .attempts "$T/w.out")}"
	[ "$(jq .attempts "$T/w.out")" -ge 3 ]
	[ "$(ms_of "$T/w.out" 1)" -ge 900 ]
	grep -qE "^sockit: wait: 127\.0\.0\.1:$PEER_PORT up after 1\.[0-9]{2} s \([0-9]+ attempts\)$" "$T/w.err"
}

@test "wait: a service that never comes → exit 5 at the deadline, naming it and its last error" {
	local port t0 took
	port=$(free_port)
	t0=$(now_us)
	run_io w timeout 10 "$SOCKIT" wait -w 1 "127.0.0.1:$port"
	took=$(ms_since "$t0")
	rc_is w 5
	file_is "$T/w.out"
	file_is "$T/w.err" "sockit: wait: 127.0.0.1:$port not up after 1 s: Connection refused"
	[ "$took" -ge 950 ] && [ "$took" -lt 1800 ]
	# --max-time is the same deadline; --json reports the target down
	run_io w timeout 10 "$SOCKIT" wait --max-time 0.3 --json "[::1]:$port" "127.0.0.1:$port"
	rc_is w 5
	json_is "$T/w.out" \
		"{\"target\":\"[::1]:$port\",\"up\":false,\"error\":\"$(jq -r .error <(head -n1 "$T/w.out"))\"}" \
		"{\"target\":\"127.0.0.1:$port\",\"up\":false,\"error\":\"Connection refused\"}"
	grep -qx "sockit: wait: 127.0.0.1:$port not up after 0.3 s: Connection refused" "$T/w.err"
}

@test "wait: all targets by default; --any is done with the first one up" {
	local port
	port=$(free_port)
	start_server serve 127.0.0.1 0 -k
	run_io w timeout 10 "$SOCKIT" wait -w 0.5 --json "127.0.0.1:$PORT" "127.0.0.1:$port"
	rc_is w 5
	json_is "$T/w.out" \
		"{\"target\":\"127.0.0.1:$PORT\",\"up\":true,\"seconds\":\"S\",\"attempts\":1}" \
		"{\"target\":\"127.0.0.1:$port\",\"up\":false,\"error\":\"Connection refused\"}"
	file_is "$T/w.err" "sockit: wait: 127.0.0.1:$port not up after 0.5 s: Connection refused"
	run_io w timeout 10 "$SOCKIT" wait -w 5 --any --json "127.0.0.1:$port" "127.0.0.1:$PORT"
	rc_is w 0
	json_is "$T/w.out" "{\"target\":\"127.0.0.1:$PORT\",\"up\":true,\"seconds\":\"S\",\"attempts\":1}"
	file_is "$T/w.err"
}

@test "wait: a target whose connects time out does not delay noticing another is up" {
	start_peer full python3 "$PEERS/full_backlog.py"
	local slow=$PEER_PORT
	start_peer late python3 "$PEERS/late_service.py" tcp 0.3
	run_io w timeout 10 "$SOCKIT" wait -w 1.5 --json "127.0.0.1:$slow" "127.0.0.1:$PEER_PORT"
	rc_is w 5
	# the late one is seen within its backoff (0.05 s doubling), long before the deadline
	[ "$(jq -s 'map(select(.up)) | .[0].seconds < 0.9' "$T/w.out")" = true ]
	jq -e -s "map(select(.up | not)) == [{\"target\":\"127.0.0.1:$slow\",\"up\":false,\"error\":\"Connection timed out\"}]" "$T/w.out"
	file_is "$T/w.err" "sockit: wait: 127.0.0.1:$slow not up after 1.5 s: Connection timed out"
}

@test "wait: unix:PATH is up once something listens on PATH" {
	# wait starts first, so the socket cannot be there at its first attempt (no timing
	# assumed: under load the service may come up at any later moment)
	start_bg w timeout 10 "$SOCKIT" wait -w 5 --json "unix:$T/sock"
	start_peer late python3 "$PEERS/late_service.py" unix "$T/sock" 0.5
	wait_exit "$BG_PID" 10
	[ "$EXIT" -eq 0 ]
	json_is "$T/w.out" "{\"target\":\"unix:$T/sock\",\"up\":true,\"seconds\":\"S\",\"attempts\":$(jq .attempts "$T/w.out")}"
	[ "$(jq .attempts "$T/w.out")" -ge 2 ]
	run_io w timeout 10 "$SOCKIT" wait -w 0.2 "unix:$T/none"
	rc_is w 5
	file_is "$T/w.err" "sockit: wait: unix:$T/none not up after 0.2 s: No such file or directory"
}

@test "wait: http:// is up at a status of 200-399; a 500 is retried" {
	start_peer h python3 "$PEERS/late_service.py" http 3
	run_io w timeout 10 "$SOCKIT" wait -w 5 --json "http://127.0.0.1:$PEER_PORT/health"
	rc_is w 0
	json_is "$T/w.out" "{\"target\":\"http://127.0.0.1:$PEER_PORT/health\",\"up\":true,\"seconds\":\"S\",\"attempts\":4}"
	# a GET each time (sockit(1) says so)
	file_is "$T/h.err" "GET /health HTTP/1.1" "GET /health HTTP/1.1" "GET /health HTTP/1.1" "GET /health HTTP/1.1"
	start_peer h2 python3 "$PEERS/late_service.py" http 1000
	run_io w timeout 10 "$SOCKIT" wait -w 0.5 "http://127.0.0.1:$PEER_PORT/"
	rc_is w 5
	file_is "$T/w.err" "sockit: wait: http://127.0.0.1:$PEER_PORT/ not up after 0.5 s: HTTP status 500"
}

@test "wait: -- COMMAND runs (in sockit's place) only when all is up" {
	local port
	port=$(free_port)
	start_server serve 127.0.0.1 0 -k
	run_io w timeout 10 "$SOCKIT" wait -w 0.3 "127.0.0.1:$port" -- touch "$T/marker"
	rc_is w 5
	[ ! -e "$T/marker" ]
	run_io w timeout 10 "$SOCKIT" wait --json "127.0.0.1:$PORT" -- sh -c 'echo "ran $0 $1" && exit 3' a b
	rc_is w 3
	# the JSON line is out before COMMAND replaces sockit
	[ "$(wc -l <"$T/w.out")" -eq 2 ] && [ "$(sed -n 2p "$T/w.out")" = "ran a b" ]
	head -n1 "$T/w.out" >"$T/w.json"
	json_is "$T/w.json" "{\"target\":\"127.0.0.1:$PORT\",\"up\":true,\"seconds\":\"S\",\"attempts\":1}"
	run_io w timeout 10 "$SOCKIT" wait "127.0.0.1:$PORT" -- touch "$T/marker"
	rc_is w 0
	[ -e "$T/marker" ]
	run_io w timeout 10 "$SOCKIT" wait "127.0.0.1:$PORT" -- "$T/no-such-program"
	rc_is w 127
	file_is "$T/w.err" "sockit: wait: cannot run '$T/no-such-program': No such file or directory"
	run_io w timeout 10 "$SOCKIT" wait "127.0.0.1:$PORT" -- "$T/marker"
	rc_is w 126
	file_is "$T/w.err" "sockit: wait: cannot run '$T/marker': Permission denied"
}

@test "wait: a name that does not resolve yet is retried until it does (private /etc/hosts)" {
	cp /etc/hosts "$T/hosts"
	if ! timeout 5 unshare -m sh -c 'mount --bind "$1" /etc/hosts' _ "$T/hosts" 2>/dev/null; then
		skip "needs unshare -m and a bind mount over /etc/hosts (root in a mount namespace)"
	fi
	start_server serve 127.0.0.1 0 -k
	start_bg w unshare -m sh -c 'mount --bind "$1" /etc/hosts && exec "$2" wait -vv -w 10 --json "sockit-wait.test:$3"' \
		_ "$T/hosts" "$SOCKIT" "$PORT"
	wait_for "$T/w.err" "sockit-wait\.test:$PORT: Name or service not known"
	echo "127.0.0.1 sockit-wait.test" >>"$T/hosts"
	wait_exit "$BG_PID" 5
	[ "$EXIT" -eq 0 ]
	jq -e '.target == "sockit-wait.test:'"$PORT"'" and .up and .attempts >= 2' "$T/w.out"
}

@test "wait: usage errors → exit 2 before anything is tried" {
	usage_error "sockit: wait: missing TARGET" wait
	usage_error "sockit: wait: missing TARGET" wait -w 1 -- true
	usage_error "sockit: wait: missing COMMAND after --" wait 127.0.0.1:1 --
	usage_error "sockit: wait: invalid target 'db' (HOST:PORT, tls://HOST:PORT, unix:PATH or http://...)" wait db
	usage_error "sockit: wait: invalid target 'tls://db' (HOST:PORT, tls://HOST:PORT, unix:PATH or http://...)" wait tls://db
	usage_error "sockit: wait: invalid port '99999' (1-65535)" wait 127.0.0.1:99999
	usage_error "sockit: wait: empty PATH in target 'unix:'" wait unix:
	# a path longer than a UNIX address holds can never come up: refused at once, as connect -U
	local long
	long=/tmp/$(printf 'a%.0s' {1..200})
	usage_error "sockit: wait: socket path too long: ${long:0:60}..." wait -w 30 "unix:$long"
	usage_error "sockit: wait: invalid value 'x' for -w (seconds, e.g. 2 or 0.5)" wait -w x 127.0.0.1:1
	usage_error "sockit: wait: --key needs --cert" wait --key k tls://127.0.0.1:1
	run_io u "$SOCKIT" wait --help
	rc_is u 0
	[ "$(head -n1 "$T/u.out")" = "usage: sockit wait [OPTIONS] TARGET... [-- COMMAND [ARG...]]" ]
}

@test "wait --proxy: HOST:PORT and http:// targets are reached through a SOCKS5 proxy" {
	start_microsocks
	start_server serve -p echo -b 127.0.0.1 0
	run_io w timeout 10 "$SOCKIT" wait -w 5 --proxy "socks5://127.0.0.1:$MS_PORT" "127.0.0.1:$PORT"
	rc_is w 0
	file_is "$T/w.out"
	start_named web serve -p http -b 127.0.0.1 0
	# a literal: microsocks tries only the first address of a name, and serve listens on one
	run_io w timeout 10 "$SOCKIT" wait -w 5 --proxy "socks5h://127.0.0.1:$MS_PORT" \
		"http://127.0.0.1:$PORT/"
	rc_is w 0
	# refused behind the proxy: the proxy's words are the last error
	port=$(free_port)
	run_io w timeout 10 "$SOCKIT" wait -w 0.5 --proxy "socks5://127.0.0.1:$MS_PORT" "127.0.0.1:$port"
	rc_is w 5
	grep -qx "sockit: wait: 127.0.0.1:$port not up after 0.5 s: .*(SOCKS5 reply [0-9])" "$T/w.err"
	usage_error "sockit: wait: cannot use --proxy-user without --proxy" wait --proxy-user a:b 127.0.0.1:1
}

@test "wait --proxy: a proxy that never answers does not stretch the deadline (-w 2: exit 5 before 3.5 s)" {
	local t0 took
	start_peer socks python3 "$PEERS/socks_fixture.py" --script x: --hold
	t0=$(now_us)
	run_io w timeout 10 "$SOCKIT" wait -w 2 --proxy "socks5://127.0.0.1:$PEER_PORT" 127.0.0.1:9
	took=$(ms_since "$t0")
	rc_is w 5
	file_is "$T/w.err" \
		"sockit: wait: 127.0.0.1:9 not up after 2 s: timed out during the SOCKS5 handshake"
	[ "$took" -ge 1900 ] && [ "$took" -lt 3500 ]
}
