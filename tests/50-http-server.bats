#!/usr/bin/env bats
# 50-http-server: `serve --proto http` (sockit(1), "The http protocol") with real clients
# (curl, ab, wrk, python's http.client, raw sockets), and `echo --once`.
# shellcheck disable=SC2154 # PORT_name: set by start_named NAME (printf -v)

load helpers

VERSION_LINE="Server: sockit/$("$SOCKIT" --version | awk 'NR == 1 { print $NF }')"

# raw [PORT] < REQUEST: the request sent as it is, in one write, to PORT (default: the last
# server's); the reply on stdout.
raw() {
	timeout 20 python3 "$PEERS/http_peer.py" raw 127.0.0.1 "${1:-$PORT}"
}

# head_of FILE: the head of the HTTP reply in FILE, CRs dropped, the Date value as D.
head_of() {
	tr -d '\r' <"$1" | sed -e '/^$/q' -e 's/^Date: .*/Date: D/' | sed '/^$/d'
}

# body_of FILE: the body of the (single) HTTP reply in FILE.
body_of() {
	python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n",1)[1])' "$1"
}

# statuses FILE: the status codes of the replies in FILE, space-separated.
statuses() {
	grep -aEo 'HTTP/1\.1 [0-9]{3} ' "$1" | cut -d' ' -f2 | xargs
}

# absent ERE FILE: no line of FILE matches (a `! grep` would not fail a bats test).
absent() {
	if grep -aEq -- "$1" "$2"; then
		echo "found /$1/ in $2:" >&2
		grep -aE -- "$1" "$2" | head -5 >&2
		return 1
	fi
}

# still_serves [PATH [PORT]]: a fresh client is still answered (after each hostile one).
still_serves() {
	run timeout 5 curl -sS "http://127.0.0.1:${2:-$PORT}/$1"
	[ "$status" -eq 0 ] || return 1
	[ -n "$output" ]
}

# a served directory with a secret file beside it
make_root() {
	mkdir -p "$T/www/sub" "$T/www/dir" "$T/www/empty"
	printf 'the secret\n' >"$T/secret.txt"
	printf 'hello, world\n' >"$T/www/a.txt"
	printf '<p>index\n' >"$T/www/sub/index.html"
	printf 'x' >"$T/www/dir/<b>&\"q.txt"
	printf '0123456789abcdefghij' >"$T/www/r.bin"
	: >"$T/www/zero.txt"
	ln -s ../secret.txt "$T/www/out-file"
	ln -s /etc "$T/www/etc"
	ln -s a.txt "$T/www/in-link"
	touch -d '2020-01-02 03:04:05 UTC' "$T/www/a.txt"
}

@test "http: the greeting, the exact header set, HEAD the same head without a body" {
	start_server serve -p http 127.0.0.1 0
	timeout 5 curl -sS -i "http://127.0.0.1:$PORT/any/path?x" >"$T/get"
	head_of "$T/get" >"$T/get.head"
	file_is "$T/get.head" "HTTP/1.1 200 OK" "Date: D" "$VERSION_LINE" \
		"Content-Type: text/plain; charset=utf-8" "Content-Length: 23"
	body_of "$T/get" >"$T/get.body"
	is "$T/get.body" $'Welcome to the server!\n'
	grep -Eq '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT.$' "$T/get"
	printf 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw >"$T/head"
	head_of "$T/head" >"$T/head.head"
	file_is "$T/head.head" "HTTP/1.1 200 OK" "Date: D" "$VERSION_LINE" \
		"Content-Type: text/plain; charset=utf-8" "Content-Length: 23" "Connection: close"
	[ "$(body_of "$T/head" | wc -c)" -eq 0 ]
}

@test "http: --greeting TEXT is the body, with its newline" {
	start_server serve -p http --greeting "hi there" 127.0.0.1 0
	run timeout 5 curl -sS "http://127.0.0.1:$PORT/"
	[ "$output" = "hi there" ]
	timeout 5 curl -sS -o "$T/body" "http://127.0.0.1:$PORT/"
	is "$T/body" $'hi there\n'
}

@test "http: ab -c 50 -n 1000, with and without -k; wrk without socket errors" {
	start_server serve -p http 127.0.0.1 0
	timeout 60 ab -c 50 -n 1000 "http://127.0.0.1:$PORT/" >"$T/ab" 2>&1
	grep -Eq '^Complete requests: +1000$' "$T/ab"
	grep -Eq '^Failed requests: +0$' "$T/ab"
	absent 'Non-2xx' "$T/ab"
	timeout 60 ab -k -c 50 -n 1000 "http://127.0.0.1:$PORT/" >"$T/abk" 2>&1
	grep -Eq '^Complete requests: +1000$' "$T/abk"
	grep -Eq '^Failed requests: +0$' "$T/abk"
	grep -Eq '^Keep-Alive requests: +1000$' "$T/abk"
	absent 'Non-2xx' "$T/abk"
	timeout 30 wrk -t1 -c10 -d1s "http://127.0.0.1:$PORT/" >"$T/wrk" 2>&1
	grep -Eq '^ +[0-9]+ requests in' "$T/wrk"
	if grep -q 'Socket errors' "$T/wrk"; then
		grep -Eq 'Socket errors: connect 0, read 0, write 0, timeout 0' "$T/wrk"
	fi
	absent 'Non-2xx' "$T/wrk"
}

@test "http: keep-alive: python http.client sends 20 requests over one connection" {
	make_root
	start_server serve -p http -v --root "$T/www" 127.0.0.1 0
	run timeout 20 python3 "$PEERS/http_peer.py" keepalive 127.0.0.1 "$PORT" 10 /a.txt /sub/
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "200 13" ]
	[ "${lines[1]}" = "200 9" ]
	[ "${lines[20]}" = "one connection" ]
	[ "$(grep -c '200 13' <<<"$output")" -eq 10 ]
	wait_count "$T/server.err" ' GET /sub/ 200 9 ' 10
	[ "$(grep -c 'connection from' "$T/server.err")" -eq 1 ]
}

@test "http: pipelining: requests in one write are answered in order, files included" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	printf 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /r.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /r.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw >"$T/out"
	[ "$(statuses "$T/out")" = "200 200 404 206 200" ]
	[ "$(tr -d '\r' <"$T/out" | grep -c '^hello, world$')" -eq 2 ]
	tr -d '\r' <"$T/out" | grep -q '^234HTTP/1.1 200 OK$'
	# the same bytes a byte per write give the same answers
	printf 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /r.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >"$T/req"
	timeout 20 python3 "$PEERS/http_peer.py" dribble 127.0.0.1 "$PORT" <"$T/req" >"$T/out1"
	[ "$(statuses "$T/out1")" = "200 200" ]
	[ "$(tail -c 20 "$T/out1")" = "0123456789abcdefghij" ]
	# and without --root, in one write
	start_named greet serve -p http 127.0.0.1 0
	printf 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw "$PORT_greet" >"$T/g"
	[ "$(statuses "$T/g")" = "200 200 200" ]
	[ "$(grep -c 'Welcome to the server!' "$T/g")" -eq 3 ]
}

@test "http: HTTP/1.0 closes unless Connection: keep-alive, which is echoed" {
	start_server serve -p http 127.0.0.1 0
	printf 'GET / HTTP/1.0\r\n\r\n' | raw >"$T/o10"
	head_of "$T/o10" >"$T/h10"
	file_is "$T/h10" "HTTP/1.1 200 OK" "Date: D" "$VERSION_LINE" \
		"Content-Type: text/plain; charset=utf-8" "Content-Length: 23" "Connection: close"
	printf 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n' | raw >"$T/oka"
	[ "$(statuses "$T/oka")" = "200 200" ]
	[ "$(tr -d '\r' <"$T/oka" | grep -c '^Connection: keep-alive$')" -eq 1 ]
	[ "$(tr -d '\r' <"$T/oka" | grep -c '^Connection: close$')" -eq 1 ]
}

@test "http: 405 with Allow, 413 for a body (then close), 400 and 505 (then close)" {
	start_server serve -p http 127.0.0.1 0
	printf 'DELETE / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "405 200" ]
	tr -d '\r' <"$T/o" | grep -qx 'Allow: GET, HEAD'
	tr -d '\r' <"$T/o" | grep -qx '405 Method Not Allowed'
	printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: x\r\n\r\n' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "413" ]
	tr -d '\r' <"$T/o" | grep -qx 'Connection: close'
	printf 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "413" ]
	local bad
	for bad in 'GET /\r\n\r\n' 'GET / HTTP/1.1\r\n\r\n' 'GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n' \
		'GET / HTTP/1.1\r\nHost x\r\n\r\n' 'GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n' \
		'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n' \
		'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n'; do
		printf '%b' "$bad"'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | raw >"$T/o"
		[ "$(statuses "$T/o")" = "400" ] || { echo "for $bad: $(statuses "$T/o")" && return 1; }
		tr -d '\r' <"$T/o" | grep -qx 'Connection: close'
	done
	printf 'GET / HTTP/2.0\r\n\r\n' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "505" ]
	still_serves
}

@test "http: a 100 KB request line is 414, 1000 header fields are 431, and nothing grows" {
	start_server serve -p http 127.0.0.1 0
	python3 -c 'import sys; sys.stdout.write("GET /" + "a" * 100000 + " HTTP/1.1\r\nHost: x\r\n\r\n")' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "414" ]
	python3 -c 'import sys; sys.stdout.write("GET / HTTP/1.1\r\nHost: x\r\n" + "".join("X-%d: v\r\n" % i for i in range(1000)) + "\r\n")' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "431" ]
	python3 -c 'import sys; sys.stdout.write("GET / HTTP/1.1\r\nHost: x\r\nX: " + "v" * 70000 + "\r\n\r\n")' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "431" ]
	[ "$(proc_kb "$SERVER_PID" VmHWM)" -lt "$(mem_bound 8192)" ]
	still_serves
}

@test "http --root: a file's exact head, content types, index.html, escaped listing, 301 for a directory" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	timeout 5 curl -sS -i "http://127.0.0.1:$PORT/a.txt" >"$T/o"
	head_of "$T/o" >"$T/h"
	file_is "$T/h" "HTTP/1.1 200 OK" "Date: D" "$VERSION_LINE" \
		"Content-Type: text/plain; charset=utf-8" "Content-Length: 13" \
		"Last-Modified: Thu, 02 Jan 2020 03:04:05 GMT" "Accept-Ranges: bytes"
	body_of "$T/o" >"$T/b"
	is "$T/b" $'hello, world\n'
	local ext want
	while read -r ext want; do
		: >"$T/www/f.$ext"
		run timeout 5 curl -sS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/f.$ext"
		[ "$output" = "$want" ] || { echo ".$ext: $output" && return 1; }
	done <<-'EOF'
		html text/html; charset=utf-8
		htm text/html; charset=utf-8
		txt text/plain; charset=utf-8
		css text/css; charset=utf-8
		js text/javascript; charset=utf-8
		json application/json
		xml application/xml
		svg image/svg+xml
		png image/png
		jpg image/jpeg
		JPEG image/jpeg
		gif image/gif
		webp image/webp
		ico image/vnd.microsoft.icon
		pdf application/pdf
		wasm application/wasm
		tar application/octet-stream
	EOF
	run timeout 5 curl -sS "http://127.0.0.1:$PORT/sub/"
	[ "$output" = "<p>index" ]
	timeout 5 curl -sS -i "http://127.0.0.1:$PORT/sub?q=1" >"$T/o"
	[ "$(statuses "$T/o")" = "301" ]
	tr -d '\r' <"$T/o" | grep -qx 'Location: /sub/?q=1'
	run timeout 5 curl -sS "http://127.0.0.1:$PORT/dir/"
	[[ "$output" == *'<h1>Index of /dir/</h1>'* ]]
	[[ "$output" == *'<li><a href="../">../</a></li>'* ]]
	[[ "$output" == *'<li><a href="%3Cb%3E%26%22q.txt">&#60;b&#62;&#38;&#34;q.txt</a></li>'* ]]
	[[ "$output" != *'<b>'* ]]
	run timeout 5 curl -sS "http://127.0.0.1:$PORT/"
	[[ "$output" == *'<li><a href="dir/">dir/</a></li>'* ]]
	[[ "$output" == *'<li><a href="empty/">empty/</a></li>'* ]]
	run timeout 5 curl -sS -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$PORT/zero.txt"
	[ "$output" = "200 0" ]
	run timeout 5 curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope"
	[ "$output" = 404 ]
}

@test "http --root: If-Modified-Since gives 304 (no body), an older date the file" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	timeout 5 curl -sS -i -H 'If-Modified-Since: Thu, 02 Jan 2020 03:04:05 GMT' "http://127.0.0.1:$PORT/a.txt" >"$T/o"
	head_of "$T/o" >"$T/h"
	file_is "$T/h" "HTTP/1.1 304 Not Modified" "Date: D" "$VERSION_LINE" \
		"Content-Type: text/plain; charset=utf-8" "Content-Length: 13" \
		"Last-Modified: Thu, 02 Jan 2020 03:04:05 GMT" "Accept-Ranges: bytes"
	[ "$(body_of "$T/o" | wc -c)" -eq 0 ]
	run timeout 5 curl -sS -w ' %{http_code}' -H 'If-Modified-Since: Thu, 02 Jan 2020 03:04:04 GMT' "http://127.0.0.1:$PORT/a.txt"
	[ "$output" = $'hello, world\n 200' ]
	run timeout 5 curl -sS -w ' %{http_code}' -H 'If-Modified-Since: yesterday' "http://127.0.0.1:$PORT/a.txt"
	[ "$output" = $'hello, world\n 200' ]
}

@test "http --root: byte ranges A-B, A-, -N are 206 with Content-Range; past the end 416" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	local range body cr
	while read -r range body cr; do
		timeout 5 curl -sS -i -H "Range: $range" "http://127.0.0.1:$PORT/r.bin" >"$T/o"
		[ "$(statuses "$T/o")" = 206 ]
		[ "$(body_of "$T/o")" = "$body" ] || { echo "$range: $(body_of "$T/o")" && return 1; }
		tr -d '\r' <"$T/o" | grep -qx "Content-Range: $cr"
		tr -d '\r' <"$T/o" | grep -qx "Content-Length: ${#body}"
	done <<-'EOF'
		bytes=0-3 0123 bytes 0-3/20
		bytes=5-9 56789 bytes 5-9/20
		bytes=15- fghij bytes 15-19/20
		bytes=-3 hij bytes 17-19/20
		bytes=18-100 ij bytes 18-19/20
	EOF
	timeout 5 curl -sS -i -H "Range: bytes=20-" "http://127.0.0.1:$PORT/r.bin" >"$T/o"
	[ "$(statuses "$T/o")" = 416 ]
	tr -d '\r' <"$T/o" | grep -qx 'Content-Range: bytes \*/20'
	# several ranges, or a malformed one: the whole file
	run timeout 5 curl -sS -w ' %{http_code}' -H "Range: bytes=0-1,4-5" "http://127.0.0.1:$PORT/r.bin"
	[ "$output" = "0123456789abcdefghij 200" ]
}

@test "http --root: no traversal in any encoding; no byte from outside the root, ever" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	local target want
	while read -r target want; do
		printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$target" | raw >"$T/o"
		[ "$(statuses "$T/o")" = "$want" ] || { echo "$target: $(statuses "$T/o")" && return 1; }
		absent 'the secret' "$T/o"
		absent 'root:' "$T/o"
	done <<-'EOF'
		/../secret.txt 400
		/sub/../../secret.txt 400
		/%2e%2e/secret.txt 400
		/%2E%2e/secret.txt 400
		/..%2fsecret.txt 400
		/%2e%2e%2fsecret.txt 400
		/sub/..%2f..%2fsecret.txt 400
		/.%2e/secret.txt 400
		/%252e%252e/secret.txt 404
		/%252e%252e%252fsecret.txt 404
		/..\secret.txt 400
		/..%5csecret.txt 400
		/a.txt%00.png 400
		/%00 400
		/out-file 404
		/etc/passwd 404
		/etc/ 404
		http://x/../secret.txt 400
		http://x/%2e%2e/secret.txt 400
		http://x/a.txt 200
		/in-link 200
		//a.txt 200
		/./a.txt 200
		* 400
		a.txt 400
		https://x/a.txt 400
	EOF
	still_serves a.txt
}

@test "http --root: sockit http-get of a 200 MB file is exact" {
	make_root
	head -c $((200 * 1000 * 1000)) /dev/urandom >"$T/www/big.bin"
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	run_io get "$SOCKIT" http-get -o "$T/got.bin" "http://127.0.0.1:$PORT/big.bin"
	rc_is get 0
	[ "$(sha "$T/got.bin")" = "$(sha "$T/www/big.bin")" ]
	[ "$(proc_kb "$SERVER_PID" VmHWM)" -lt "$(mem_bound 10240)" ]
}

@test "http --root: a slow reader of a large file: server memory stays flat, others served" {
	make_root
	head -c $((64 * 1024 * 1024)) /dev/zero >"$T/www/big.bin"
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	start_peer slow timeout 30 python3 "$PEERS/http_peer.py" slowread 127.0.0.1 "$PORT" /big.bin 2
	local i rss max=0
	for ((i = 0; i < 10; i++)); do
		rss=$(proc_kb "$SERVER_PID" VmRSS)
		[ "$rss" -gt "$max" ] && max=$rss
		still_serves a.txt
		sleep 0.1 # samples spread over the slow read (a measurement, not a synchronisation)
	done
	echo "server RSS at most $max kB while a client reads slowly" >&3
	[ "$max" -lt "$(mem_bound 10240)" ]
	wait_for "$T/slow.out" '^read [0-9]+$' 10
	local got
	got=$(sed -n 's/^read //p' "$T/slow.out")
	[ "$got" -gt 0 ] && [ "$got" -lt $((64 * 1024 * 1024)) ]
}

# many_files DIR N LEN: N empty files in DIR named 00000_xxx... (LEN x's), made at once
many_files() {
	mkdir -p "$1"
	python3 -c 'import sys
for i in range(int(sys.argv[2])): open("%s/%05d_%s.txt" % (sys.argv[1], i, "x" * int(sys.argv[3])), "w").close()' "$@"
}

@test "http --root: 100 pipelined listings never read: server memory stays bounded, others served" {
	make_root
	many_files "$T/www/huge" 10000 200 # a listing of 4.4 MB
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	start_peer stuck timeout 60 python3 "$PEERS/http_peer.py" stuck 127.0.0.1 "$PORT" 100 /huge/
	still_serves a.txt
	[ "$output" = "hello, world" ]
	local hwm
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	echo "server peak RSS $hwm kB with 100 pipelined listings of 4.4 MB unread" >&3
	[ "$hwm" -lt "$(mem_bound 40960)" ]
}

@test "http --root: pipelined listings over the output cap and files are all answered in order" {
	make_root
	many_files "$T/www/mid" 2000 100 # a listing of 460 KB: past the 256 KiB cap alone
	local i
	for ((i = 0; i < 10; i++)); do
		printf 'GET /mid/ HTTP/1.1\r\nHost: x\r\n\r\nGET /r.bin HTTP/1.1\r\nHost: x\r\n\r\n'
	done >"$T/req"
	printf 'GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >>"$T/req"
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	raw <"$T/req" >"$T/out"
	[ "$(statuses "$T/out")" = "$(printf '200 %.0s' {1..21} | xargs)" ]
	[ "$(grep -ac '^</ul>' "$T/out")" -eq 10 ]
	[ "$(grep -ac '<li><a href="01999_x*\.txt">' "$T/out")" -eq 10 ]
	[ "$(grep -ac '0123456789abcdefghij' "$T/out")" -eq 10 ]
	tr -d '\r' <"$T/out" | tail -n 1 | grep -qx 'hello, world'
}

@test "http --root: a 301's Location is the path as decoded: no //, no dot segments; 414 if too long" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	printf 'GET //sub?q=1 HTTP/1.1\r\nHost: x\r\n\r\nGET http://x//sub HTTP/1.1\r\nHost: x\r\n\r\nGET /.//./s%%75b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "301 301 301" ]
	[ "$(tr -d '\r' <"$T/o" | grep '^Location: ' | xargs)" = "Location: /sub/?q=1 Location: /sub/ Location: /sub/" ]
	# 4.6 KB of dot segments: the Location is still there, and short
	local dots
	dots=$(printf '/.%.0s' {1..2300})
	printf 'GET %s/sub HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$dots" | raw >"$T/o"
	[ "$(statuses "$T/o")" = 301 ]
	tr -d '\r' <"$T/o" | grep -qx 'Location: /sub/'
	# a directory whose Location would not fit the head (every '!' is %21 in it) is 414
	local bang deep
	bang=$(printf '!%.0s' {1..250})
	deep=$(printf "/$bang%.0s" {1..16})
	(cd "$T/www" && python3 -c 'import os, sys
for _ in range(16): os.mkdir(sys.argv[1]); os.chdir(sys.argv[1])' "$bang")
	printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$deep" | raw >"$T/o"
	[ "$(statuses "$T/o")" = 414 ]
	absent '^Location' "$T/o"
	printf 'GET %s/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$deep" | raw >"$T/o"
	[ "$(statuses "$T/o")" = 200 ]
}

@test "http --root: an empty directory's listing (no undefined behaviour under the sanitizers)" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	run timeout 5 curl -sS "http://127.0.0.1:$PORT/empty/"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'<ul>\n<li><a href="../">../</a></li>\n</ul>\n</body></html>' ]]
	still_serves a.txt
	absent 'runtime error' "$T/server.err"
}

@test "http --root: a file asked for with a final slash is 404" {
	make_root
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	run timeout 5 curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/a.txt/"
	[ "$output" = 404 ]
	run timeout 5 curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/in-link/"
	[ "$output" = 404 ]
	run timeout 5 curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/a.txt"
	[ "$output" = 200 ]
}

@test "http --root: over 10000 entries, the first 10000 by name and a note; odd names left out" {
	make_root
	mkdir "$T/www/many"
	(cd "$T/www/many" && seq -w 0 19999 | xargs touch)
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	timeout 10 curl -sS "http://127.0.0.1:$PORT/many/" >"$T/l"
	[ "$(grep -c '^<li>' "$T/l")" -eq 10001 ]
	[ "$(grep '^<li>' "$T/l" | sed -n '2p;$p' | xargs)" = '<li><a href=00000>00000</a></li> <li><a href=09999>09999</a></li>' ]
	grep -qx '<p>10000 more entries not listed: a listing shows at most 10000.</p>' "$T/l"
	# names that could not be asked for or shown as they are: left out
	mkdir "$T/www/odd"
	local name
	for name in 'back\slash' $'new\nline' $'cr\rx' $'esc\e[31m' $'tab\tx' $'del\x7fx' \
		$'c1\xc2\x9bx' $'bad\xffx' $'over\xc0\xafx' 'ok-é.txt'; do
		: >"$T/www/odd/$name"
	done
	timeout 5 curl -sS "http://127.0.0.1:$PORT/odd/" >"$T/l"
	[ "$(grep '^<li>' "$T/l" | xargs)" = '<li><a href=../>../</a></li> <li><a href=ok-%C3%A9.txt>ok-é.txt</a></li>' ]
	python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/l"
	absent '<p>' "$T/l"
}

@test "http: a head trickled in past --idle-timeout is 408 Request Timeout" {
	start_server serve -p http --idle-timeout 1 127.0.0.1 0
	run timeout 10 python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=8)
for part in (b"GET / HTTP/1.1\r\n", b"Host: x\r\n", b"X: 1\r\n", b"X: 2\r\n"):
    s.sendall(part)
    time.sleep(0.4)  # the slow client pace, each gap well under the idle time
print(s.recv(100).split(b"\r\n")[0].decode())' "$PORT"
	[ "$output" = "HTTP/1.1 408 Request Timeout" ]
}

@test "http --root: a directory that cannot be opened or searched is exit 7 before the listening line" {
	local d runas=()
	# outside bats's private directory: another user must reach it
	d=$(mktemp -d)
	chmod 755 "$d"
	mkdir "$d/closed" "$d/unsearchable"
	if [ "$(id -u)" -eq 0 ]; then
		runas=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		chmod 700 "$d/closed"
		chmod 744 "$d/unsearchable"
	else
		chmod 000 "$d/closed"
		chmod 644 "$d/unsearchable"
	fi
	if ! "${runas[@]}" test -x "$SOCKIT"; then
		rm -rf "$d"
		skip "nobody cannot run $SOCKIT"
	fi
	run_io closed "${runas[@]}" "$SOCKIT" serve -p http --root "$d/closed" 127.0.0.1 0
	run_io unsearchable "${runas[@]}" "$SOCKIT" serve -p http --root "$d/unsearchable" 127.0.0.1 0
	chmod 755 "$d/closed" "$d/unsearchable"
	rm -rf "$d"
	rc_is closed 7
	file_is "$T/closed.err" "sockit: serve: $d/closed: Permission denied"
	rc_is unsearchable 7
	file_is "$T/unsearchable.err" "sockit: serve: $d/unsearchable: Permission denied"
}

@test "http: slowloris: a head a byte at a time does not stall others; --idle-timeout closes it" {
	start_server serve -p http 127.0.0.1 0
	start_peer loris timeout 30 python3 "$PEERS/http_peer.py" slowloris 127.0.0.1 "$PORT" 1.5
	local start
	start=$(now_us)
	still_serves
	[ "$(ms_since "$start")" -lt 1000 ]
	wait_for "$T/loris.out" '^still open$' 10
	start_named idle serve -p http --idle-timeout 0.5 127.0.0.1 0
	start_peer loris2 timeout 30 python3 "$PEERS/http_peer.py" slowloris 127.0.0.1 "$PORT_idle" 20
	wait_for "$T/loris2.out" '^closed after [0-9]+ bytes$' 10
	still_serves "" "$PORT_idle"
}

@test "http --root: clients that reset mid-file cost only their connection" {
	make_root
	head -c $((20 * 1024 * 1024)) /dev/zero >"$T/www/big.bin"
	printf 'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n' >"$T/req"
	start_server serve -p http --root "$T/www" 127.0.0.1 0
	local base
	base=$(fd_count "$SERVER_PID")
	run timeout 30 python3 "$PEERS/resetter.py" 127.0.0.1 "$PORT" --count 20 --mid-reply "$T/req"
	[ "$status" -eq 0 ]
	still_serves a.txt
	run timeout 10 "$SOCKIT" http-get -o "$T/got" "http://127.0.0.1:$PORT/big.bin"
	[ "$status" -eq 0 ]
	cmp "$T/got" "$T/www/big.bin"
	eventually -t 1 fds_at_most "$SERVER_PID" "$base" || true
	[ "$(fd_count "$SERVER_PID")" -le "$base" ]
}

@test "http -v: one line per request: peer, method, path escaped, status, bytes, ms" {
	make_root
	start_server serve -p http -v --root "$T/www" 127.0.0.1 0
	printf 'GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /a\\b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw >"$T/o"
	[ "$(statuses "$T/o")" = "200 200 400" ]
	wait_count "$T/server.err" ' ms$' 3
	grep -Eq '^sockit: serve: 127\.0\.0\.1:[0-9]+ GET /a\.txt 200 13 [0-9]+ ms$' "$T/server.err"
	grep -Eq '^sockit: serve: 127\.0\.0\.1:[0-9]+ HEAD /a\.txt 200 0 [0-9]+ ms$' "$T/server.err"
	grep -Eq '^sockit: serve: 127\.0\.0\.1:[0-9]+ GET /a\\x5cb 400 16 [0-9]+ ms$' "$T/server.err"
}

@test "echo --once: the first read comes back, then the server closes; ab completes" {
	start_server echo --once 127.0.0.1 0
	run timeout 5 python3 "$PEERS/http_peer.py" raw 127.0.0.1 "$PORT" <<<"one read"
	[ "$status" -eq 0 ]
	[ "$output" = "one read" ]
	timeout 60 ab -c 50 -n 1000 "http://127.0.0.1:$PORT/" >"$T/ab" 2>&1 || true
	grep -Eq '^Complete requests: +1000$' "$T/ab"
	grep -Eq '^Failed requests: +[0-9]+$' "$T/ab"
	absent '^ +\((Connect|Receive|Exceptions): [1-9]' "$T/ab"
	start_named serve serve -p echo --once 127.0.0.1 0
	run timeout 5 python3 "$PEERS/http_peer.py" raw 127.0.0.1 "$PORT_serve" <<<"again"
	[ "$output" = "again" ]
}

@test "http and --once: usage errors and a missing root" {
	usage_error "sockit: serve: --root is for --proto http" serve -p echo --root . 0
	usage_error "sockit: serve: --once is for --proto echo over TCP" serve -p http --once 0
	usage_error "sockit: serve: --once is for --proto echo over TCP" serve -p echo -u --once 0
	usage_error "sockit: serve: cannot serve http over UDP" serve -p http -u 0
	run_io root "$SOCKIT" serve -p http --root "$T/nope" 127.0.0.1 0
	rc_is root 7
	file_is "$T/root.err" "sockit: serve: $T/nope: No such file or directory"
	"$SOCKIT" serve --list-options | grep -q 'http'
	"$SOCKIT" serve --help | grep -q -- '--root DIR'
}
