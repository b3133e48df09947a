#!/usr/bin/env bats
# 41-many-urls.bats: http-get and http-head with many URLs on kept-alive connections, -O,
# --output-dir and --write-out (sockit(1) "http-head and http-get"), against a private
# nginx and tests/peers/http_keepalive.py, whose canned responses each test writes under
# its own names. Loopback only; no test asks the DNS.

load helpers

setup_file() {
	T=$BATS_FILE_TMPDIR
	: >"$T/pids"
	start_nginx
	KA=$T/ka
	KA6=$T/ka6
	KA10=$T/ka10
	mkdir -p "$KA" "$KA6" "$KA10"
	start_peer ka python3 "$PEERS/http_keepalive.py" "$KA"
	KA_URL=http://127.0.0.1:$PEER_PORT
	start_peer ka6 python3 "$PEERS/http_keepalive.py" "$KA6" --bind ::1
	KA6_URL="http://[::1]:$PEER_PORT"
	start_peer ka10 python3 "$PEERS/http_keepalive.py" "$KA10" --close-every 10
	KA10_URL=http://127.0.0.1:$PEER_PORT
	export NGX NGX_PORT NGX_URL KA KA6 KA10 KA_URL KA6_URL KA10_URL
}

teardown_file() {
	T=$BATS_FILE_TMPDIR
	stop_all
}

# ---- helpers ---------------------------------------------------------------------------

# canned DIR NAME BYTES: the keep-alive fixture answers .../NAME with BYTES (printf %b).
canned() {
	printf '%b' "$3" >"$1/$2"
}

# ok_response DIR NAME BODY: a 200 with a Content-Length, BODY given plainly.
ok_response() {
	printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s' \
		"${#3}" "$3" >"$1/$2"
}

# hello_wo: .../wo answers "hello", text/plain in UTF-8.
hello_wo() {
	canned "$KA" wo 'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello'
}

# names DIR: the names in DIR, sorted, each followed by '|'.
names() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' '|'
}

# since DIR: how many connections DIR's fixture has accepted (a mark for `accepted`).
since() {
	if [ -f "$1/accepts.log" ]; then wc -l <"$1/accepts.log"; else echo 0; fi
}

# accepted DIR MARK: connections accepted by DIR's fixture since MARK.
accepted() {
	echo $(($(since "$1") - $2))
}

# conns_in_log N: how many connections the last N lines of nginx's access log came over.
conns_in_log() {
	tail -n "$1" "$NGX/../access.log" | cut -d' ' -f1 | sort -u | wc -l
}

# ---- many URLs, one connection ---------------------------------------------------------

@test "1 000 URLs to nginx: exactly one connection, the bodies one after another" {
	local i urls=() parts=() before
	for i in 0 1 2 3 4 5 6 7 8 9; do
		random_file "$NGX/part$i" $((i * 997 + 1))
	done
	for ((i = 0; i < 1000; i++)); do
		urls+=("$NGX_URL/part$((i % 10))")
		parts+=("$NGX/part$((i % 10))")
	done
	cat "${parts[@]}" >"$T/want" # one cat: a thousand forks take a minute on a loaded machine
	before=$(wc -l <"$NGX/../access.log")
	sk http-get "${urls[@]}"
	same exit "$RC" 0
	same stderr "$(cat "$T/err")" ""
	same sha256 "$(sha "$T/out")" "$(sha "$T/want")"
	wait_count "$NGX/../access.log" 'GET /part' 1000
	same "requests" "$(($(wc -l <"$NGX/../access.log") - before))" 1000
	same "connections" "$(conns_in_log 1000)" 1
	# http-head too: one connection, each response's headers
	sk http-head "$NGX_URL/part1" "$NGX_URL/part2" "$NGX_URL/part3"
	same "head" "$RC $(grep -c '^HTTP/1.1 200 OK$' "$T/out")" "0 3"
	wait_count "$NGX/../access.log" 'HEAD /part3' 1
	same "head connections" "$(conns_in_log 3)" 1
}

@test "Connection: close only on the last request for a HOST:PORT; 127.0.0.1 and [::1] mixed" {
	local a b
	ok_response "$KA" m "four"
	ok_response "$KA6" m "six"
	a=$(since "$KA")
	b=$(since "$KA6")
	sk http-get "$KA_URL/r/m" "$KA_URL/r/m" "$KA6_URL/r/m" "$KA6_URL/r/m" "$KA_URL/r/m"
	same "exit, stdout" "$RC $(cat "$T/out")" "0 fourfoursixsixfour"
	same "connections to 127.0.0.1" "$(accepted "$KA" "$a")" 1
	same "connections to ::1" "$(accepted "$KA6" "$b")" 1
	same "127.0.0.1's requests" "$(tail -n 3 "$KA/requests.log" | cut -d' ' -f4 | tr '\n' ' ')" \
		"keep keep close "
	same "::1's requests" "$(tail -n 2 "$KA6/requests.log" | cut -d' ' -f4 | tr '\n' ' ')" \
		"keep close "
}

@test "URLs on two servers interleaved (A1 B1 A2 B2): one kept connection each, bytes in order" {
	local a b
	ok_response "$KA" a1 "alpha-1."
	ok_response "$KA" a2 "alpha-2."
	ok_response "$KA10" b1 "beta-1."
	ok_response "$KA10" b2 "beta-2."
	a=$(since "$KA")
	b=$(since "$KA10")
	sk http-get -v "$KA_URL/r/a1" "$KA10_URL/r/b1" "$KA_URL/r/a2" "$KA10_URL/r/b2"
	same "exit, stdout" "$RC $(cat "$T/out")" "0 alpha-1.beta-1.alpha-2.beta-2."
	same "connections to A" "$(accepted "$KA" "$a")" 1
	same "connections to B" "$(accepted "$KA10" "$b")" 1
	same "A's requests" "$(tail -n 2 "$KA/requests.log" | cut -d' ' -f3,4 | tr '\n' ' ')" \
		"/r/a1 keep /r/a2 close "
	same "B's requests" "$(tail -n 2 "$KA10/requests.log" | cut -d' ' -f3,4 | tr '\n' ' ')" \
		"/r/b1 keep /r/b2 close "
	same "reused" "$(grep -c '^sockit: http-get: reusing the connection' "$T/err")" 2
}

@test "the pool keeps 6 connections: a 7th server closes the one used longest ago" {
	local hosts=(127.0.0.1 127.1 127.0.1 2130706433 0x7f000001 0177.0.0.1 0x7f.0.0.1)
	local port=${KA_URL##*:} urls=() h a
	ok_response "$KA" p "p"
	# six origins (numeric spellings of 127.0.0.1, no DNS) twice: six connections
	for _ in 1 2; do for h in "${hosts[@]:0:6}"; do urls+=("http://$h:$port/r/p"); done; done
	a=$(since "$KA")
	sk http-get "${urls[@]}"
	same "six: exit, stdout" "$RC $(cat "$T/out")" "0 pppppppppppp"
	same "six: connections" "$(accepted "$KA" "$a")" 6
	# seven twice: the 7th closes the 1st (used longest ago); the 1st again closes the 2nd,
	# goes with Connection: close (no later URL wants it), and the 2nd then has a free slot
	urls=()
	for _ in 1 2; do for h in "${hosts[@]}"; do urls+=("http://$h:$port/r/p"); done; done
	a=$(since "$KA")
	sk http-get -v "${urls[@]}"
	same "seven: exit, stdout" "$RC $(cat "$T/out")" "0 pppppppppppppp"
	same "seven: connections" "$(accepted "$KA" "$a")" 9
	same "seven: closed" "$(grep 'closing the connection' "$T/err" | cut -d' ' -f7 | tr '\n' ' ')" \
		"127.0.0.1 127.1 "
	same "seven: reused" "$(grep -c '^sockit: http-get: reusing the connection' "$T/err")" 5
}

@test "a server that closes after every 10th response: reuse goes on on a new connection" {
	local i urls=() a
	ok_response "$KA10" n "x"
	for ((i = 0; i < 35; i++)); do urls+=("$KA10_URL/r/n"); done
	a=$(since "$KA10")
	sk http-get "${urls[@]}"
	same exit "$RC" 0
	same stdout "$(cat "$T/out")" "$(printf 'x%.0s' {1..35})"
	same connections "$(accepted "$KA10" "$a")" 4
}

@test "chunked, Content-Length, 204, 304 and HEAD bodies interleaved, byte for byte" {
	local a
	canned "$KA" cl 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfixed'
	canned "$KA" ch 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n'
	canned "$KA" nc 'HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n'
	canned "$KA" nm 'HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n'
	canned "$KA" z 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'
	canned "$KA" c1 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n\0\n'
	a=$(since "$KA")
	sk http-get "$KA_URL/r/cl" "$KA_URL/r/ch" "$KA_URL/r/nc" "$KA_URL/r/cl" "$KA_URL/r/nm" \
		"$KA_URL/r/z" "$KA_URL/r/ch" "$KA_URL/r/c1" "$KA_URL/r/cl"
	same exit "$RC" 0
	cmp "$T/out" <(printf 'fixedabcdefixedabcde\0\nfixed')
	same connections "$(accepted "$KA" "$a")" 1
	# a HEAD response has no body, whatever its Content-Length says
	canned "$KA" hd 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'
	a=$(since "$KA")
	sk http-head "$KA_URL/r/hd" "$KA_URL/r/hd"
	same "head" "$RC $(tr '\n' '|' <"$T/out")" "0 HTTP/1.1 200 OK|Content-Length: 100||HTTP/1.1 200 OK|Content-Length: 100|"
	same "head connections" "$(accepted "$KA" "$a")" 1
}

@test "bytes after a body: exit 6 for that URL, nothing leaks into the next, which is fetched" {
	local a
	canned "$KA" s1 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcX'
	ok_response "$KA" s2 "next"
	a=$(since "$KA")
	sk http-get --write-out '[%{exitcode}]' "$KA_URL/r/s2" "$KA_URL/r/s1" "$KA_URL/r/s2" \
		"$KA_URL/r/s2"
	same exit "$RC" 6
	same stdout "$(cat "$T/out")" "next[0]abc[6]next[0]next[0]"
	same stderr "$(cat "$T/err")" "sockit: http-get: bytes after the end of the response"
	same "connections: dropped after the stray byte" "$(accepted "$KA" "$a")" 2
	# HTTP/1.0 without keep-alive, and Connection: close, end reuse quietly
	canned "$KA" o1 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'
	canned "$KA" o2 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nka'
	canned "$KA" o3 'HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 2\r\n\r\ncl'
	a=$(since "$KA")
	sk http-get "$KA_URL/r/o2" "$KA_URL/r/o1" "$KA_URL/r/o3" "$KA_URL/r/o2" "$KA_URL/r/o2"
	same "exit, stdout" "$RC $(cat "$T/out")" "0 kaokclkaka"
	same "connections" "$(accepted "$KA" "$a")" 3
}

@test "a kept connection the server closed is retried once on a new one; not twice" {
	local a
	ok_response "$KA" d "d"
	a=$(since "$KA")
	sk http-get "$KA_URL/r/d" "$KA_URL/drop/d" "$KA_URL/r/d" "$KA_URL/rst/d" "$KA_URL/r/d"
	same "exit, stdout" "$RC $(cat "$T/out")" "0 ddddd"
	same stderr "$(cat "$T/err")" ""
	same connections "$(accepted "$KA" "$a")" 3
	# the new connection fails too: that URL fails, the next is still fetched
	a=$(since "$KA")
	sk http-get --write-out '%{exitcode} ' "$KA_URL/r/d" "$KA_URL/never/d" "$KA_URL/r/d"
	same "exit, stdout" "$RC $(cat "$T/out")" "6 d0 6 d0 "
	same stderr "$(cat "$T/err")" "sockit: http-get: empty reply from server"
	same connections "$(accepted "$KA" "$a")" 3
}

@test "-L on a kept connection; --fail and --status read the unwanted body and keep it" {
	local a
	canned "$KA" rd 'HTTP/1.1 302 Found\r\nLocation: /r/d\r\nContent-Length: 6\r\n\r\nmoved!'
	canned "$KA" nf 'HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone'
	ok_response "$KA" d "d"
	a=$(since "$KA")
	sk http-get -L "$KA_URL/r/rd" "$KA_URL/r/rd" "$KA_URL/r/d"
	same "exit, stdout" "$RC $(cat "$T/out")" "0 ddd"
	same connections "$(accepted "$KA" "$a")" 1
	a=$(since "$KA")
	sk http-get -f "$KA_URL/r/d" "$KA_URL/r/nf" "$KA_URL/r/d"
	same "exit, stdout, stderr" "$RC $(cat "$T/out") $(cat "$T/err")" \
		"1 dd sockit: http-get: 404 Not Found"
	same "--fail connections" "$(accepted "$KA" "$a")" 1
	a=$(since "$KA")
	sk http-get --status "$KA_URL/r/nf" "$KA_URL/r/d"
	same "--status" "$RC $(tr '\n' ' ' <"$T/out")" "0 404 200 "
	same "--status connections" "$(accepted "$KA" "$a")" 1
}

# ---- files -----------------------------------------------------------------------------

@test "-O: each body in a file named after its URL, whole; --output-dir; -o takes one URL" {
	ok_response "$KA" a.txt "alpha"
	ok_response "$KA" "sp ace" "space"
	echo "index page" >"$NGX/index.html"
	mkdir "$T/cwd" "$T/dir"
	(cd "$T/cwd" && timeout 20 "$SOCKIT" http-get -O "$KA_URL/r/a.txt?x=1" \
		"$KA_URL/r/sp%20ace" "$NGX_URL/" >"$T/out" 2>"$T/err")
	same "stdout, stderr" "$(cat "$T/out")$(cat "$T/err")" ""
	same files "$(names "$T/cwd")" "a.txt|index.html|sp ace|"
	same a.txt "$(cat "$T/cwd/a.txt")" alpha
	same "sp ace" "$(cat "$T/cwd/sp ace")" space
	same index.html "$(cat "$T/cwd/index.html")" "index page"
	sk http-get -O --output-dir "$T/dir" "$KA_URL/r/a.txt" "$KA_URL/r/missing"
	same "exit" "$RC" 0
	same "--output-dir" "$(names "$T/dir")" "a.txt|missing|"
	# a failed URL leaves no file; the next is written
	ok_response "$KA" short "short"
	sk http-get -O --output-dir "$T/dir" "$KA_URL/never/short" "$KA_URL/r/none"
	same "exit" "$RC" 6
	same "files" "$(names "$T/dir")" "a.txt|missing|none|"
	sk http-get --output-dir "$T/dir" -o one "$KA_URL/r/a.txt"
	same "-o in --output-dir" "$RC $(cat "$T/dir/one")" "0 alpha"
}

@test "-O names that would leave the directory, and -o with many URLs: exit 2, no request" {
	local before
	before=$(requests_logged "$KA")
	usage_error "sockit: http-get: -O: no file name for '/%2e%2e': the file name is '.' or '..'" \
		http-get -O "$KA_URL/r/a.txt" "$KA_URL/%2e%2e"
	usage_error "sockit: http-get: -O: no file name for '/r/a%2Fb': '/' in the file name" \
		http-get -O "$KA_URL/r/a%2Fb"
	usage_error "sockit: http-get: -O: no file name for '/r/a%0Ab': control byte in the file name" \
		http-get -O "$KA_URL/r/a%0Ab"
	usage_error "sockit: http-get: -o takes one URL, not 2 (-O names a file for each)" \
		http-get -o f "$KA_URL/r/a" "$KA_URL/r/b"
	usage_error "sockit: http-get: cannot use -o and -O together" http-get -o f -O "$KA_URL/r/a"
	usage_error "sockit: http-get: --output-dir needs -O or -o" http-get --output-dir d "$KA_URL/"
	usage_error "sockit: http-get: cannot use --status with -O" http-get --status -O "$KA_URL/r/a"
	usage_error "sockit: http-get: invalid URL 'http://[::1/': missing ']' after IPv6 address" \
		http-get "$KA_URL/r/a" 'http://[::1/'
	same "requests" "$(requests_logged "$KA")" "$before"
}

# ---- --write-out -----------------------------------------------------------------------

@test "--write-out: every variable, with the status and the body from one request" {
	local a t c s
	hello_wo
	canned "$KA" wr 'HTTP/1.1 301 Moved\r\nLocation: /r/wo\r\nContent-Length: 0\r\n\r\n'
	a=$(requests_logged "$KA")
	sk http-get -L --write-out '\n%{http_code}|%{url_effective}|%{size_download}|%{content_type}|%{num_redirects}|%{exitcode}|%{errormsg}|%%|a\tb\\c\q|%{' \
		"$KA_URL/r/wr"
	same exit "$RC" 0
	is "$T/out" "hello
200|$KA_URL/r/wo|5|text/plain; charset=utf-8|1|0||%|a	b\\c\\q|%{"
	same "requests" "$(($(requests_logged "$KA") - a))" 2
	sk http-get --write-out '%{time_connect} %{time_starttransfer} %{time_total}' "$KA_URL/r/wo"
	read -r c s t < <(sed 's/^hello//' "$T/out" && echo)
	[[ $c =~ ^[0-9]+\.[0-9]{6}$ && $s =~ ^[0-9]+\.[0-9]{6}$ && $t =~ ^[0-9]+\.[0-9]{6}$ ]]
	awk -v c="$c" -v s="$s" -v t="$t" 'BEGIN { exit !(0 < c && c <= s && s <= t && t < 5) }' ||
		{ echo "timings: $c $s $t" >&2 && false; }
	# %{json}: one object, every variable, as jq reads it
	sk http-get -L --write-out '%{json}' "$KA_URL/r/wr"
	sed 's/^hello//' "$T/out" >"$T/json"
	same "json" "$(jq -c 'del(.time_connect, .time_starttransfer, .time_total)' "$T/json")" \
		"{\"content_type\":\"text/plain; charset=utf-8\",\"errormsg\":null,\"exitcode\":0,\"http_code\":200,\"num_redirects\":1,\"num_retries\":0,\"size_download\":5,\"size_upload\":0,\"speed_upload\":0,\"url_effective\":\"$KA_URL/r/wo\"}"
	same "json times" "$(jq '[.time_connect, .time_starttransfer, .time_total] | map(. > 0) | all' "$T/json")" true
}

@test "--write-out after a refused connection, per URL, on http-head, and to stderr" {
	local port
	hello_wo
	port=$(free_port)
	sk http-get --write-out '%{http_code} %{exitcode} %{size_download} %{errormsg}\n' \
		"http://127.0.0.1:$port/" "$KA_URL/r/wo"
	same exit "$RC" 4
	is "$T/out" "000 4 0 127.0.0.1 port $port: Connection refused
hello200 0 5 
"
	sk http-get --write-out '%{json}' "http://127.0.0.1:$port/"
	same "json" "$(jq -c '[.http_code, .exitcode, .errormsg, .content_type]' "$T/out")" \
		"[0,4,\"127.0.0.1 port $port: Connection refused\",null]"
	canned "$KA" wh 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'
	sk http-head --write-out '%{stderr}%{http_code} %{size_download}\n%{stdout}.' "$KA_URL/r/wh" \
		"$KA_URL/r/wh"
	same "head" "$RC $(grep -c 'Content-Length: 5' "$T/out") $(tr -d '\n' <"$T/err")" \
		"0 2 200 0200 0"
	same "head stdout ends" "$(tail -c 3 "$T/out" | tr '\n' '|')" "5|."
}

@test "--write-out @FILE and @- read the format; an unknown variable is exit 2, no request" {
	local before
	hello_wo
	printf '%s' '[%{http_code}]' >"$T/fmt"
	sk http-get --write-out "@$T/fmt" "$KA_URL/r/wo"
	same "@FILE" "$RC $(cat "$T/out")" "0 hello[200]"
	RC=0
	printf '%s' '<%{size_download}>' | timeout 20 "$SOCKIT" http-get --write-out @- "$KA_URL/r/wo" \
		>"$T/out" 2>"$T/err" || RC=$?
	same "@-" "$RC $(cat "$T/out")" "0 hello<5>"
	sk http-get --write-out "@$T/nofile" "$KA_URL/r/wo"
	same "@ a missing file" "$RC $(cat "$T/out") $(cat "$T/err")" \
		"7  sockit: http-get: cannot read '$T/nofile' for --write-out: No such file or directory"
	before=$(requests_logged "$KA")
	usage_error "sockit: http-get: unknown variable '%{nope}' in --write-out" \
		http-get --write-out 'x%{nope}' "$KA_URL/r/wo"
	usage_error "sockit: http-head: unknown variable '%{}' in --write-out" \
		http-head --write-out '%{}' "$KA_URL/r/wo"
	printf '%s' '%{time_totl}' >"$T/fmt"
	usage_error "sockit: http-get: unknown variable '%{time_totl}' in --write-out" \
		http-get --write-out "@$T/fmt" "$KA_URL/r/wo"
	same "requests" "$(requests_logged "$KA")" "$before"
}
