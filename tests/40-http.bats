#!/usr/bin/env bats
# 40-http.bats: http-head and http-get (sockit(1) "http-head and http-get") against
# a private nginx, and tests/peers/http_fixture.py for the answers nginx will not give.
# One nginx and two fixtures (127.0.0.1 and ::1) serve the whole file; each test writes
# the bytes it wants served under its own names. Loopback only; no test asks the DNS.

load helpers

# ---- servers for the whole file -----------------------------------------------------

setup_file() {
	T=$BATS_FILE_TMPDIR
	: >"$T/pids"
	start_nginx
	FX=$T/fx
	FX6=$T/fx6
	mkdir -p "$FX" "$FX6"
	start_peer fx python3 "$PEERS/http_fixture.py" "$FX"
	FX_PORT=$PEER_PORT
	start_peer fx6 python3 "$PEERS/http_fixture.py" "$FX6" --bind ::1
	FX6_PORT=$PEER_PORT
	FX_URL=http://127.0.0.1:$FX_PORT
	VERSION=$("$SOCKIT" --version | head -n 1)
	VERSION=${VERSION#sockit }
	export NGX NGX_PORT NGX_URL FX FX_PORT FX_URL FX6 FX6_PORT VERSION
}

teardown_file() {
	T=$BATS_FILE_TMPDIR
	stop_all
}

# ---- helpers ---------------------------------------------------------------------------

# serve NAME BYTES: the fixture answers .../NAME with BYTES (printf %b escapes).
serve() {
	printf '%b' "$2" >"$FX/$1"
}

# no_date: drops the Date line, the one line two fetches a second apart may differ in.
no_date() {
	grep -v '^Date: '
}

# files DIR GLOB: how many names in DIR match GLOB.
files() {
	local n=0 f
	for f in "$1"/$2; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo "$n"
}

# peak_rss_kib ARGS...: runs ARGS and prints the peak RSS of it (and its children) in KiB.
peak_rss_kib() {
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

# check_rows: reads rows `ARGS|PATH|EXIT|STDOUT|MESSAGE|RESPONSE` from stdin. For each,
# the fixture is given RESPONSE (printf %b) as a file of its own, `sockit ARGS URL` fetches
# PATH (raw, hold, reset: the fixture's behaviour) and must exit EXIT with exactly STDOUT
# (printf %b) on stdout and MESSAGE on stderr (`sockit: CMD: ` added; `-` for nothing).
check_rows() {
	local args path want_rc want_out msg resp n=0 bad=0 want_err
	while IFS='|' read -r args path want_rc want_out msg resp; do
		case $args in '' | '#'*) continue ;; esac
		# the columns are padded with spaces for the eye; RESPONSE, the last, is not
		path=${path%"${path##*[! ]}"}
		want_rc=${want_rc%"${want_rc##*[! ]}"}
		want_out=${want_out%"${want_out##*[! ]}"}
		msg=${msg%"${msg##*[! ]}"}
		n=$((n + 1))
		serve "row$n" "$resp"
		# shellcheck disable=SC2086 # ARGS is words
		sk $args "$FX_URL/$path/row$n"
		printf '%b' "$want_out" >"$T/want"
		want_err=
		[ "$msg" = - ] || want_err="sockit: ${args%% *}: $msg"
		if [ "$RC" != "$want_rc" ] || ! cmp -s "$T/want" "$T/out" ||
			[ "$(cat "$T/err")" != "$want_err" ]; then
			bad=$((bad + 1))
			printf 'row %d (%s %s): exit %s, want %s\n  stdout: %q\n  want:   %q\n' \
				"$n" "$args" "$resp" "$RC" "$want_rc" "$(cat -v "$T/out")" \
				"$(cat -v "$T/want")" >&2
			printf '  stderr: %q\n  want:   %q\n' "$(cat "$T/err")" "$want_err" >&2
		fi
	done
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

# ---- against nginx ---------------------------------------------------------------------

@test "http-get: 3 MiB of random bytes from nginx, byte for byte: to a file, a pipe, -o" {
	sk http-get "$NGX_URL/big.bin"
	same exit "$RC" 0
	same sha256 "$(sha "$T/out")" "$(sha "$NGX/big.bin")"
	same stderr "$(cat "$T/err")" ""
	same "sha256 through a pipe" "$(timeout 20 "$SOCKIT" http-get "$NGX_URL/big.bin" | sha256sum |
		cut -d' ' -f1)" "$(sha "$NGX/big.bin")"
	# a file opened for appending refuses splice(2): the bytes go back through the parser
	printf 'first line\n' >"$T/appended"
	timeout 20 "$SOCKIT" http-get "$NGX_URL/big.bin" >>"$T/appended"
	cmp "$T/appended" <(printf 'first line\n' && cat "$NGX/big.bin")
	sk http-get -o "$T/dl/big.bin" "$NGX_URL/big.bin"
	same "-o to a missing directory" "$RC $(cat "$T/err")" \
		"7 sockit: http-get: cannot write '$T/dl/big.bin': No such file or directory"
	mkdir "$T/dl"
	sk http-get -o "$T/dl/big.bin" "$NGX_URL/big.bin"
	same exit "$RC" 0
	same "-o sha256" "$(sha "$T/dl/big.bin")" "$(sha "$NGX/big.bin")"
	same "stdout with -o" "$(cat "$T/out")" ""
	same "files beside it" "$(ls -A "$T/dl")" big.bin
}

@test "http-get: a small file; http-head prints what curl -sI prints, CRs dropped" {
	sk http-get "$NGX_URL/small.txt"
	same "get" "$RC $(cat "$T/out")" "0 hello from nginx"
	sk http-head "$NGX_URL/small.txt"
	same exit "$RC" 0
	curl -sI -m 10 -H 'Connection: close' "$NGX_URL/small.txt" | tr -d '\r' | sed '$d' | no_date \
		>"$T/curl"
	same "http-head vs curl -sI" "$(no_date <"$T/out")" "$(cat "$T/curl")"
	same "one Date line" "$(grep -c '^Date: ' "$T/out")" 1
	same "LF endings only" "$(tr -dc '\r' <"$T/out" | wc -c)" 0
	sk http-get -i "$NGX_URL/small.txt"
	curl -si -m 10 -H 'Connection: close' "$NGX_URL/small.txt" | tr -d '\r' | no_date >"$T/curl"
	same "http-get -i vs curl -si" "$(no_date <"$T/out")" "$(cat "$T/curl")"
}

@test "http-head, http-get: the same as a hand-written python3 client receives" {
	timeout 20 python3 "$PEERS/http_rawclient.py" 127.0.0.1 "$NGX_PORT" HEAD /small.txt >"$T/raw"
	sk http-head "$NGX_URL/small.txt"
	same "HEAD" "$(no_date <"$T/out")" "$(tr -d '\r' <"$T/raw" | sed '$d' | no_date)"
	timeout 20 python3 "$PEERS/http_rawclient.py" 127.0.0.1 "$NGX_PORT" GET /big.bin >"$T/raw"
	sk http-get "$NGX_URL/big.bin"
	# the body is what follows the first empty line
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(d[d.index(b"\r\n\r\n") + 4:])' \
		"$T/raw" >"$T/rawbody"
	cmp "$T/rawbody" "$T/out"
	cmp "$T/out" "$NGX/big.bin"
}

@test "404 from nginx: body and exit 0; --fail: exit 1, nothing out; --status: 404" {
	sk http-get "$NGX_URL/missing"
	same "default" "$RC $(grep -c '404 Not Found' "$T/out")" "0 2"
	cmp "$T/out" <(curl -s -m 10 "$NGX_URL/missing")
	sk http-get --fail "$NGX_URL/missing"
	same "--fail" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
		"1||sockit: http-get: 404 Not Found"
	sk http-get -f -q -i "$NGX_URL/missing"
	same "-f -q -i" "$RC|$(cat "$T/out")|$(cat "$T/err")" "1||sockit: http-get: 404 Not Found"
	sk http-get --status "$NGX_URL/missing"
	same "--status" "$RC|$(cat "$T/out")|$(cat "$T/err")" "0|404|"
	sk http-get --status "$NGX_URL/small.txt"
	same "--status 200" "$RC|$(cat "$T/out")" "0|200"
	sk http-head "$NGX_URL/missing"
	same "head" "$RC|$(head -n 1 "$T/out")" "0|HTTP/1.1 404 Not Found"
	sk http-head -f "$NGX_URL/missing"
	same "head -f" "$RC|$(cat "$T/out")" "1|"
	sk http-get -f -o "$T/nofile" "$NGX_URL/missing"
	same "-f -o" "$RC|$(files "$T" 'nofile*')" "1|0"
}

@test "http-get -o: the mode follows the umask, an old file is replaced whole or kept" {
	(umask 022 && timeout 20 "$SOCKIT" http-get -o "$T/a" "$NGX_URL/small.txt")
	(umask 077 && timeout 20 "$SOCKIT" http-get -o "$T/b" "$NGX_URL/small.txt")
	same "modes" "$(stat -c %a "$T/a") $(stat -c %a "$T/b")" "644 600"
	echo "old content" >"$T/c"
	ln "$T/c" "$T/c-link" # rename(2) puts a new inode in place; the old one is untouched
	sk http-get -o "$T/c" "$NGX_URL/small.txt"
	same "replaced" "$RC $(cat "$T/c") / $(cat "$T/c-link")" "0 hello from nginx / old content"
	sk http-get -f -o "$T/c" "$NGX_URL/missing"
	same "kept after --fail" "$RC $(cat "$T/c")" "1 hello from nginx"
	sk http-get -o "$T" "$NGX_URL/small.txt"
	same "-o DIR" "$RC|$(cat "$T/err")" "7|sockit: http-get: cannot write '$T': Is a directory"
	sk http-get -o - "$NGX_URL/small.txt"
	same "-o - is stdout" "$RC $(cat "$T/out")" "0 hello from nginx"
	same "no temporary file" "$(files "$T" '[abc].*')" 0
}

@test "http-get -o: names of 255 and 254 bytes work (the temporary name is cut to fit)" {
	local n255 n254
	n255=$(printf 'n%.0s' {1..255})
	n254=${n255:1}
	sk http-get -o "$T/$n255" "$NGX_URL/big.bin"
	same "255 bytes" "$RC|$(cat "$T/err")|$(sha "$T/$n255")" "0||$(sha "$NGX/big.bin")"
	sk http-get -o "$T/$n254" "$NGX_URL/big.bin"
	same "254 bytes" "$RC|$(cat "$T/err")|$(sha "$T/$n254")" "0||$(sha "$NGX/big.bin")"
	same "nothing else beside them" "$(files "$T" 'n*')" 2
}

@test "http-get -o: an old file nobody may write is refused (exit 7), another keeps its mode" {
	echo "read only" >"$T/ro"
	chmod 0444 "$T/ro"
	sk http-get -o "$T/ro" "$NGX_URL/small.txt"
	same "0444" "$RC|$(cat "$T/err")|$(cat "$T/ro")|$(stat -c %a "$T/ro")" \
		"7|sockit: http-get: cannot write '$T/ro': Permission denied|read only|444"
	echo "private" >"$T/priv"
	chmod 0600 "$T/priv"
	(umask 022 && timeout 20 "$SOCKIT" http-get -o "$T/priv" "$NGX_URL/small.txt")
	same "0600" "$(cat "$T/priv")|$(stat -c %a "$T/priv")" "hello from nginx|600"
	echo "shared" >"$T/shared"
	chmod 0664 "$T/shared"
	(umask 077 && timeout 20 "$SOCKIT" http-get -o "$T/shared" "$NGX_URL/small.txt")
	same "0664" "$(cat "$T/shared")|$(stat -c %a "$T/shared")" "hello from nginx|664"
	same "no temporary file" "$(files "$T" '[rps]*.*')" 0
}

@test "http-get -o: a FIFO or a device is written into, never replaced" {
	mkfifo "$T/fifo"
	timeout 20 cat "$T/fifo" >"$T/from-fifo" &
	track $!
	sk http-get -o "$T/fifo" "$NGX_URL/small.txt"
	same "into the FIFO" "$RC $(stat -c %F "$T/fifo")" "0 fifo"
	wait_exit "$!" 5
	same "what the FIFO carried" "$(cat "$T/from-fifo")" "hello from nginx"
	sk http-get -o /dev/null "$NGX_URL/small.txt"
	same "/dev/null" "$RC $(stat -c %F /dev/null)" "0 character special file"
}

@test "http-get | head -c1: exit 0, nothing on stderr, at once" {
	local rc
	timeout 20 "$SOCKIT" http-get "$NGX_URL/big.bin" 2>"$T/err" | head -c1 >"$T/one"
	rc=${PIPESTATUS[0]}
	same "exit" "$rc" 0
	same "stderr" "$(cat "$T/err")" ""
	same "byte" "$(od -An -tx1 "$T/one")" "$(head -c1 "$NGX/big.bin" | od -An -tx1)"
	serve pipe-chunked "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"
	timeout 20 "$SOCKIT" http-get -i "$FX_URL/raw/pipe-chunked" 2>"$T/err" | head -c1 >"$T/one"
	rc=${PIPESTATUS[0]}
	same "exit, chunked" "$rc|$(cat "$T/one")|$(cat "$T/err")" "0|H|"
}

@test "http-get 1>&-: stdout closed is exit 7, and the body never goes back to the server" {
	printf 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nBODY-SECRET\n' >"$T/resp"
	start_peer p python3 "$PEERS/tcp_peer.py" --send "$T/resp" --recv "$T/p.got"
	local rc=0
	timeout -k 5 20 "$SOCKIT" http-get "http://127.0.0.1:$PEER_PORT/" 2>"$T/err" 1>&- 9>&- || rc=$?
	same exit "$rc" 7
	same stderr "$(cat "$T/err")" "sockit: http-get: write error on stdout: Bad file descriptor"
	wait_for "$T/p.out" '^closed$'
	printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: sockit/%s\r\nAccept: */*\r\nConnection: close\r\n\r\n' \
		"$PEER_PORT" "$VERSION" >"$T/want"
	same_file "$T/want" "$T/p.got"
}

@test "http-get -v: the request and the response header lines, '> ' and '< ', on stderr" {
	sk http-get -v "$NGX_URL/small.txt"
	same exit "$RC" 0
	same stdout "$(cat "$T/out")" "hello from nginx"
	{
		echo "sockit: http-get: connected to 127.0.0.1:$NGX_PORT"
		printf '> %s\n' "GET /small.txt HTTP/1.1" "Host: 127.0.0.1:$NGX_PORT" \
			"User-Agent: sockit/$VERSION" "Accept: */*" "Connection: close"
		echo ">"
		timeout 20 "$SOCKIT" http-head "$NGX_URL/small.txt" | no_date | sed 's/^/< /'
		echo "<"
	} >"$T/want"
	same "stderr" "$(no_date <"$T/err" | grep -v '^< Date: ')" "$(cat "$T/want")"
	same "-q: nothing" "$(timeout 20 "$SOCKIT" http-get -q "$NGX_URL/small.txt" 2>&1 >/dev/null)" ""
}

@test "--progress: bytes, percentage, rate, ETA on stderr; off without a terminal; on with one" {
	sk http-get --progress -o "$T/p" "$NGX_URL/big.bin"
	same exit "$RC" 0
	grep -aq $'\r3.0 MiB of 3.0 MiB  100%  [0-9.]* [KMG]\\?i\\?B/s  ETA 0:00 *$' "$T/err"
	same "ends with a newline" "$(tail -c1 "$T/err" | od -An -c | tr -d ' ')" '\n'
	serve progress-close "HTTP/1.1 200 OK\r\n\r\n0123456789"
	sk http-get --progress "$FX_URL/raw/progress-close"
	grep -aq $'\r10 B  [0-9.]* [KMG]\\?i\\?B/s *$' "$T/err"
	sk http-get -o "$T/p" "$NGX_URL/big.bin"
	same "stderr not a terminal: none" "$(cat "$T/err")" ""
	timeout 20 script -qec "$SOCKIT http-get -o $T/p $NGX_URL/big.bin" /dev/null >"$T/tty" \
		</dev/null
	grep -aq '3.0 MiB of 3.0 MiB  100%' "$T/tty"
	timeout 20 script -qec "$SOCKIT http-get --no-progress -o $T/p $NGX_URL/big.bin" /dev/null \
		>"$T/tty" </dev/null
	same "--no-progress on a terminal" "$(cat "$T/tty")" ""
	cmp "$T/p" "$NGX/big.bin"
}

# ---- responses nginx would not give ----------------------------------------------------

@test "http-get: body framing, good and bad (table)" {
	check_rows <<'EOF'
# args             |path|exit|stdout          |message                          |response
http-get           |raw |0|hello world         |-|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6 ; a="b"\r\n world\r\n0\r\nX-Trailer: t\r\nY: u\r\n\r\n
http-get           |raw |0|read to close\n    |-|HTTP/1.1 200 OK\r\nServer: x\r\n\r\nread to close\n
http-get           |raw |0|chunked wins        |-|HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nchunked wins\r\n0\r\n\r\n
http-get           |raw |0|no reason           |-|HTTP/1.1 200\r\nContent-Length: 9\r\n\r\nno reason
http-get           |raw |0|code 999            |-|HTTP/1.1 999 Odd\r\nContent-Length: 8\r\n\r\ncode 999
http-get           |raw |0|after 100           |-|HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nafter 100
http-get           |raw |0|after 103           |-|HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nafter 103
http-get           |hold|0|                    |-|HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n
http-get           |hold|0|                    |-|HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n
http-get           |raw |0|bare LF             |-|HTTP/1.1 200 OK\nContent-Length: 7\n\nbare LF
http-get           |raw |0|bare LF chunks      |-|HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\ne\nbare LF chunks\n0\n\n
http-get           |raw |0|same                |-|HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nsame
http-get           |raw |0|list                |-|HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\n\r\nlist
http-get           |raw |0|first               |-|HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst, and what follows
http-get -i        |raw |0|HTTP/1.1 201 Created\nX-A: b\nContent-Length: 4\n\nbody|-|HTTP/1.1 201 Created\r\nX-A: b\r\nContent-Length: 4\r\n\r\nbody
http-get -i        |raw |0|HTTP/1.1 200 OK\nServer: x\n\n|-|HTTP/1.1 200 OK\r\nServer: x\r\n\r\n
http-get           |raw |6|0123456789012345678901234567890123456789|60 bytes missing|HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789012345678901234567890123456789
http-get           |raw |6|hello               |truncated chunked body|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n
http-get           |raw |6|hel                 |truncated chunked body|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length: -6\r\n\r\nabc
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nabc
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nabcde
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nabc
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length: 36893488147419103232\r\n\r\nabc
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\nabc
http-get           |raw |6|                    |bad content-length|HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nabc
http-get           |raw |6|                    |conflicting content-length|HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef
http-get           |raw |6|                    |conflicting content-length|HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nabcdef
http-get           |raw |6|                    |unsupported transfer-encoding|HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc
http-get           |raw |6|                    |unsupported transfer-encoding|HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
http-get           |raw |6|                    |unsupported transfer-encoding|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
http-get           |raw |6|hello               |chunk size too large|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10000000000000000\r\nabc\r\n0\r\n\r\n
http-get           |raw |6|hello               |chunk size too large|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n8000000000000000\r\nabc\r\n0\r\n\r\n
http-get           |raw |6|hello               |bad chunk size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n-1\r\nabc\r\n0\r\n\r\n
http-get           |raw |6|hello               |bad chunk size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0x5\r\nabcde\r\n0\r\n\r\n
http-get           |raw |6|hello               |bad chunk size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n 5\r\nabcde\r\n0\r\n\r\n
http-get           |raw |6|hello               |bad chunk size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n\r\nabcde\r\n0\r\n\r\n
http-get           |raw |6|hello               |bad chunk size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nabcde\r\n0\r\n\r\n
http-get           |raw |6|hello               |chunk data does not match its size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n
http-get           |raw |6|hel\r\n             |chunk data does not match its size|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel\r\n0\r\n\r\n
http-get           |raw |6|                    |NUL byte in header|HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |obsolete line folding in header|HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |bad header name|HTTP/1.1 200 OK\r\nX A: a\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |bad status line|HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |bad status line|HTTP/1.1 -1 x\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |bad status line|HTTP/1.1 2 OK\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |bad status line|ICY 200 OK\r\nContent-Length: 2\r\n\r\nab
http-get           |raw |6|                    |bad status line|HTTP/2 200\r\n\r\n
http-get           |raw |6|                    |unexpected 101 response|HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n
http-get           |raw |6|                    |empty reply from server|
http-get           |raw |6|                    |truncated headers|HTTP/1.1 200 OK\r\nContent-Le
http-get           |reset|4|0123456789         |read: Connection reset by peer|HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789
http-get           |reset|4|01234567890        |read: Connection reset by peer|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n01234567890\r\n
EOF
}

@test "http-get/head -f: the reason phrase in the message is escaped; the headers stay byte-exact (table)" {
	check_rows <<'EOF'
# args             |path|exit|stdout          |message                          |response
http-get -f        |raw |1|                    |404 \x9b31m C1|HTTP/1.1 404 \x9b31m C1\r\nContent-Length: 0\r\n\r\n
http-get -f        |raw |1|                    |404 \xc2\x9b2J utf-8 C1|HTTP/1.1 404 \xc2\x9b2J utf-8 C1\r\nContent-Length: 0\r\n\r\n
http-get -f        |raw |1|                    |410 over \xc0\x9b \xe0\x80\x9b|HTTP/1.1 410 over \xc0\x9b \xe0\x80\x9b\r\nContent-Length: 0\r\n\r\n
http-get -f        |raw |1|                    |403 \xe2\x80\xaeevil \xe2\x80\xa8 \xe2\x81\xa6|HTTP/1.1 403 \xe2\x80\xaeevil \xe2\x80\xa8 \xe2\x81\xa6\r\nContent-Length: 0\r\n\r\n
http-get -f        |raw |1|                    |404 café ünïcode|HTTP/1.1 404 café ünïcode\r\nContent-Length: 0\r\n\r\n
http-head -f       |raw |1|                    |500 \xff\xfe|HTTP/1.1 500 \xff\xfe\r\n\r\n
http-head          |raw |0|HTTP/1.1 200 \x9b\xc2\x9b\nX: \xe2\x80\xae\n|-|HTTP/1.1 200 \x9b\xc2\x9b\r\nX: \xe2\x80\xae\r\n\r\n
EOF
}

@test "http-get -v, http-head -v: the server's C1 bytes, raw or UTF-8, are escaped on stderr" {
	serve vc1 'HTTP/1.1 404 \x9b31mRED\r\nX-Evil: a\xc2\x9b31m\xc2\x85b\r\nContent-Length: 0\r\n\r\n'
	sk http-get -v "$FX_URL/raw/vc1"
	same exit "$RC" 0
	same "status" "$(grep '^< HTTP' "$T/err")" '< HTTP/1.1 404 \x9b31mRED'
	same "header" "$(grep '^< X-Evil' "$T/err")" '< X-Evil: a\xc2\x9b31m\xc2\x85b'
	sk http-head -v "$FX_URL/raw/vc1"
	same exit "$RC" 0
	same "head: status, header" "$(grep '^< [HX]' "$T/err")" \
		"$(printf '%s\n' '< HTTP/1.1 404 \x9b31mRED' '< X-Evil: a\xc2\x9b31m\xc2\x85b')"
	same "no C1 byte on stderr" "$(LC_ALL=C grep -c $'[\x80-\x9f]' "$T/err")" 0
}

@test "http-head: headers as received, no body read even with Content-Length (table)" {
	check_rows <<'EOF'
# args             |path|exit|stdout          |message                          |response
http-head          |hold|0|HTTP/1.1 200 OK\nContent-Length: 100\n|-|HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n
http-head          |hold|0|HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n|-|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n
http-head          |hold|0|HTTP/1.1 404 Not Found\nX-Odd:   spaces  \n|-|HTTP/1.1 404 Not Found\r\nX-Odd:   spaces  \r\n\r\n
http-head          |hold|0|HTTP/1.1 200 OK\nContent-Length: -6\n|-|HTTP/1.1 200 OK\r\nContent-Length: -6\r\n\r\n
http-head          |hold|0|HTTP/1.1 200 OK\nA: 1\n|-|HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\nA: 1\n\n
http-head --status |hold|0|503\n               |-|HTTP/1.1 503 Busy\r\nContent-Length: 100\r\n\r\n
http-head -f       |hold|1|                    |503 Busy|HTTP/1.1 503 Busy\r\nContent-Length: 100\r\n\r\n
http-head          |raw |6|                    |bad status line|ICY 200 OK\r\n\r\n
http-head          |raw |6|HTTP/1.1 200 OK\n   |NUL byte in header|HTTP/1.1 200 OK\r\nX: \0\r\n\r\n
http-head          |raw |6|                    |empty reply from server|
EOF
}

@test "large chunked and read-to-close bodies from the fixture, byte for byte" {
	random_file "$T/body" 2500000
	python3 - "$T/body" "$FX/big-chunked" "$FX/big-close" <<'PY'
import random, sys
body = open(sys.argv[1], "rb").read()
rnd = random.Random(50)
with open(sys.argv[2], "wb") as f:
    f.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    i = 0
    while i < len(body):
        n = min(rnd.choice([1, 2, 15, 16, 17, 4095, 4096, 65536, 70001, 300000]), len(body) - i)
        ext = b";x=%d" % n if n % 2 else b""
        f.write(b"%x%s\r\n" % (n, ext) + body[i:i + n] + b"\r\n")
        i += n
    f.write(b"0\r\nX-Checked: yes\r\n\r\n")
with open(sys.argv[3], "wb") as f:
    f.write(b"HTTP/1.0 200 OK\r\n\r\n" + body)
PY
	sk http-get "$FX_URL/raw/big-chunked"
	same "chunked" "$RC|$(sha "$T/out")|$(cat "$T/err")" "0|$(sha "$T/body")|"
	sk http-get "$FX_URL/raw/big-close"
	same "read to close" "$RC|$(sha "$T/out")|$(cat "$T/err")" "0|$(sha "$T/body")|"
	same "through a pipe" "$(timeout 20 "$SOCKIT" http-get "$FX_URL/raw/big-close" | sha256sum |
		cut -d' ' -f1)" "$(sha "$T/body")"
}

@test "header limits: a 100 KiB line, 101 fields, endless headers → exit 6, memory bounded" {
	local base endless
	{
		printf 'HTTP/1.1 200 OK\r\nX-Long: '
		head -c 102400 /dev/zero | tr '\0' a
		printf '\r\nContent-Length: 2\r\n\r\nab'
	} >"$FX/long-line"
	sk http-get "$FX_URL/raw/long-line"
	same "100 KiB line" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
		"6||sockit: http-get: header line too long"
	{
		printf 'HTTP/1.1 200 OK\r\n'
		for ((i = 1; i <= 100; i++)); do printf 'X-%d: v\r\n' "$i"; done
	} >"$FX/fields-100"
	cp "$FX/fields-100" "$FX/fields-101"
	printf 'Content-Length: 2\r\n\r\nab' >>"$FX/fields-100"
	printf 'X-101: v\r\nContent-Length: 2\r\n\r\nab' >>"$FX/fields-101"
	sk http-get "$FX_URL/raw/fields-100"
	same "100 fields + Content-Length" "$RC|$(cat "$T/err")" \
		"6|sockit: http-get: too many header fields"
	sed -i '/^X-100: /d' "$FX/fields-100"
	sk http-get "$FX_URL/raw/fields-100"
	same "100 fields" "$RC|$(cat "$T/out")|$(cat "$T/err")" "0|ab|"
	sk http-get "$FX_URL/raw/fields-101"
	same "101 fields" "$RC|$(cat "$T/err")" "6|sockit: http-get: too many header fields"
	sk http-get "$FX_URL/endless"
	same "endless" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
		"6||sockit: http-get: header section too large"
	base=$(peak_rss_kib "$SOCKIT" http-get "$FX_URL/raw/fields-100")
	endless=$(peak_rss_kib "$SOCKIT" http-get "$FX_URL/endless")
	echo "peak RSS: $base KiB for a small reply, $endless KiB for endless headers" >&2
	[ "$endless" -lt $((base + 1024)) ]
}

@test "short body: what came is written, exit 6 '60 bytes missing'; with -o no file is left" {
	serve short "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n$(printf 'x%.0s' {1..40})"
	sk http-get "$FX_URL/raw/short"
	same "stdout" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
		"6|$(printf 'x%.0s' {1..40})|sockit: http-get: 60 bytes missing"
	sk http-get -o "$T/short" "$FX_URL/raw/short"
	same "-o" "$RC|$(cat "$T/err")|$(files "$T" 'short*')" \
		"6|sockit: http-get: 60 bytes missing|0"
	serve short-chunked "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
	sk http-get -o "$T/short" "$FX_URL/raw/short-chunked"
	same "-o chunked" "$RC|$(cat "$T/err")|$(files "$T" 'short*')" \
		"6|sockit: http-get: truncated chunked body|0"
}

@test "Content-Length 100, 40 bytes, silence: -w 2 → exit 5 in about 2 s, the 40 bytes written" {
	local t0 ms pid pid_o rc
	serve silent "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n$(printf 'y%.0s' {1..40})"
	t0=$(date +%s%N)
	timeout 20 "$SOCKIT" http-get -w 2 -o "$T/dl" "$FX_URL/hold/silent" 2>"$T/dl-err" &
	pid_o=$!
	track "$pid_o"
	timeout 20 "$SOCKIT" http-get -w 2 "$FX_URL/hold/silent" >"$T/out" 2>"$T/err" &
	pid=$!
	track "$pid"
	wait_exit "$pid" 10
	ms=$((($(date +%s%N) - t0) / 1000000))
	rc=$EXIT
	wait_exit "$pid_o" 10
	echo "exit after $ms ms" >&2
	same "stdout" "$rc|$(cat "$T/out")|$(cat "$T/err")" \
		"5|$(printf 'y%.0s' {1..40})|sockit: http-get: timed out: no data for 2.000 s"
	[ "$ms" -ge 1900 ] && [ "$ms" -lt 3500 ]
	same "-o" "$EXIT|$(cat "$T/dl-err")|$(files "$T" 'dl.*')|$(files "$T" dl)" \
		"5|sockit: http-get: timed out: no data for 2.000 s|0|0"
}

@test "-w is an idle timeout, not a total one: a byte every 0.4 s outlasts -w 1" {
	local t0 ms
	serve trickle "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd"
	t0=$(date +%s%N)
	sk http-get -w 1 "$FX_URL/trickle/trickle"
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "exit after $ms ms" >&2
	# the 4 bytes come over 1.6 s, then 1 s of silence: a total timeout would end at 1 s
	same "trickle" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
		"5|abcd|sockit: http-get: timed out: no data for 1.000 s"
	[ "$ms" -ge 2400 ] && [ "$ms" -lt 3600 ]
}

@test "the request sent, byte for byte: defaults, -A, -H, an empty -H dropping a default" {
	serve cap "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	sk http-get "$FX_URL/raw/cap?q=1&r=%41#frag"
	same "default GET" "$(cat -v "$FX/cap.req")" "$(printf '%s\r\n' \
		'GET /raw/cap?q=1&r=%41 HTTP/1.1' "Host: 127.0.0.1:$FX_PORT" \
		"User-Agent: sockit/$VERSION" 'Accept: */*' 'Connection: close' '' | cat -v)"
	rm "$FX/cap.req"
	sk http-head -A 'agent/1.0 (test)' -H 'X-One: 1' -H 'Accept: text/plain' \
		-H 'X-Empty:' -H 'Host: example.test' "$FX_URL/raw/a/./b/../cap"
	same "HEAD with -A -H" "$(cat -v "$FX/cap.req")" "$(printf '%s\r\n' \
		'HEAD /raw/a/cap HTTP/1.1' 'User-Agent: agent/1.0 (test)' 'Connection: close' \
		'X-One: 1' 'Accept: text/plain' 'Host: example.test' '' | cat -v)"
	rm "$FX/cap.req"
	sk http-get -A '' -H 'Accept:' 127.0.0.1:"$FX_PORT"/raw/cap
	same "no User-Agent, no Accept" "$(cat -v "$FX/cap.req")" "$(printf '%s\r\n' \
		'GET /raw/cap HTTP/1.1' "Host: 127.0.0.1:$FX_PORT" 'Connection: close' '' | cat -v)"
}

@test "redirects: relative, ../, //host:port/x and absolute, each hop shown with -i" {
	serve r1 "HTTP/1.1 302 Found\r\nLocation: r2\r\nContent-Length: 12\r\n\r\nsee r2 there"
	serve r2 "HTTP/1.1 301 Moved Permanently\r\nLocation: ../e/r3\r\nContent-Length: 0\r\n\r\n"
	serve r3 "HTTP/1.1 307 Temporary Redirect\r\nLocation: //127.0.0.1:$FX_PORT/raw/r4?x=1\r\n\r\n"
	serve r4 "HTTP/1.1 308 Permanent Redirect\r\nLocation: http://localhost:$FX_PORT/raw/r5\r\n\r\n"
	serve r5 "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nend of chain\n"
	sk http-get "$FX_URL/raw/d/r1"
	same "without -L: the 302's body" "$RC|$(cat "$T/out")" "0|see r2 there"
	sk http-get -L "$FX_URL/raw/d/r1"
	same "-L" "$RC|$(cat "$T/out")|$(cat "$T/err")" "0|end of chain|"
	same "hops" "$(head -qn1 "$FX"/r[2-5].req | tr -d '\r')" "$(printf '%s\n' \
		'GET /raw/d/r2 HTTP/1.1' 'GET /raw/e/r3 HTTP/1.1' 'GET /raw/r4?x=1 HTTP/1.1' \
		'GET /raw/r5 HTTP/1.1')"
	same "Host of the last hop" "$(grep -c "^Host: localhost:$FX_PORT" "$FX/r5.req")" 1
	sk http-get -L -i "$FX_URL/raw/d/r1"
	same "-L -i" "$RC|$(cat "$T/out")" "0|$(printf '%s\n' 'HTTP/1.1 302 Found' \
		'Location: r2' 'Content-Length: 12' '' 'HTTP/1.1 301 Moved Permanently' \
		'Location: ../e/r3' 'Content-Length: 0' '' 'HTTP/1.1 307 Temporary Redirect' \
		"Location: //127.0.0.1:$FX_PORT/raw/r4?x=1" '' 'HTTP/1.1 308 Permanent Redirect' \
		"Location: http://localhost:$FX_PORT/raw/r5" '' 'HTTP/1.1 200 OK' \
		'Content-Length: 13' '' 'end of chain')"
	sk http-head -L "$FX_URL/raw/e/r3"
	same "http-head -L" "$RC|$(cat "$T/out")" "0|$(printf '%s\n' \
		'HTTP/1.1 307 Temporary Redirect' "Location: //127.0.0.1:$FX_PORT/raw/r4?x=1" '' \
		'HTTP/1.1 308 Permanent Redirect' "Location: http://localhost:$FX_PORT/raw/r5" '' \
		'HTTP/1.1 200 OK' 'Content-Length: 13')"
	sk http-get -L -v "$FX_URL/raw/r4"
	grep -qx "sockit: http-get: redirect 308 to http://localhost:$FX_PORT/raw/r5" "$T/err"
	serve r303 "HTTP/1.1 303 See Other\r\nLocation: /raw/r303-to\r\n\r\n"
	serve r303-to "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	sk http-head -L "$FX_URL/raw/r303"
	same "303 keeps HEAD" "$RC|$(head -n1 "$FX/r303-to.req" | tr -d '\r')" \
		"0|HEAD /raw/r303-to HTTP/1.1"
	serve r-nolocation "HTTP/1.1 302 Found\r\nContent-Length: 2\r\n\r\nno"
	sk http-get -L "$FX_URL/raw/r-nolocation"
	same "a 302 without Location is the answer" "$RC|$(cat "$T/out")" "0|no"
}

@test "redirect limits: a loop → exit 6 after --max-redirs; --max-redirs 0 and a 301 → 6" {
	serve loop "HTTP/1.1 302 Found\r\nLocation: /raw/loop\r\nContent-Length: 0\r\n\r\n"
	sk http-get -L "$FX_URL/raw/loop"
	same "loop" "$RC|$(cat "$T/out")|$(cat "$T/err")|$(grep -c '^GET ' "$FX/loop.req")" \
		"6||sockit: http-get: too many redirects (--max-redirs 10)|11"
	rm "$FX/loop.req"
	sk http-get -L --max-redirs 3 "$FX_URL/raw/loop"
	same "--max-redirs 3" "$RC|$(cat "$T/err")|$(grep -c '^GET ' "$FX/loop.req")" \
		"6|sockit: http-get: too many redirects (--max-redirs 3)|4"
	serve moved "HTTP/1.1 301 Moved Permanently\r\nLocation: /raw/cap\r\n\r\n"
	sk http-get -L --max-redirs 0 "$FX_URL/raw/moved"
	same "--max-redirs 0" "$RC|$(cat "$T/err")|$(grep -c '^GET ' "$FX/moved.req")" \
		"6|sockit: http-get: too many redirects (--max-redirs 0)|1"
}

@test "redirect to https:// is followed over TLS, never in plaintext: a plain server there is exit 8" {
	serve tls1 "HTTP/1.1 301 Moved Permanently\r\nLocation: https://127.0.0.1:$FX_PORT/raw/tls\r\n\r\n"
	serve tls3 "HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/raw/tls\r\n\r\n"
	sk http-get -L "$FX_URL/raw/tls1"
	same "https" "$RC|$(cat "$T/err")" "8|sockit: http-get: handshake failed: the peer closed the connection"
	sk http-get -L "$FX_URL/raw/tls3"
	same "ftp" "$RC|$(cat "$T/err")" \
		"6|sockit: http-get: redirect to 'ftp://127.0.0.1/raw/tls' refused: unsupported scheme"
	same "no plaintext request for the https URL" "$(grep -c 'GET /raw/tls ' "$FX/requests.log")" 0
}

@test "URL, -H and -A errors → exit 2 before connecting (table)" {
	local before long
	before=$(requests_logged "$FX")
	long=http://127.0.0.1:$FX_PORT/$(printf 'p%.0s' {1..10240})
	bad_url() { # MESSAGE ARGS...
		local msg=$1
		shift
		sk http-get "$@"
		same "http-get $*" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
			"2||sockit: http-get: $msg"$'\n'"Try 'sockit http-get --help'."
	}
	bad_url "invalid URL 'ftp://127.0.0.1/x': unsupported URL scheme" ftp://127.0.0.1/x
	bad_url "invalid URL 'http://[::1/': missing ']' after IPv6 address" 'http://[::1/'
	bad_url "invalid URL 'http://[::g]/': bad IPv6 address" 'http://[::g]/'
	bad_url "invalid URL 'http://::1:8080/': too many ':' (IPv6 addresses go in brackets)" \
		http://::1:8080/
	bad_url "invalid URL 'http://:80/': empty host" http://:80/
	bad_url "invalid URL 'http:///x': empty host" http:///x
	bad_url "invalid URL 'http://h:99999/': port out of range" http://h:99999/
	bad_url "invalid URL 'http://h:0/': port out of range" http://h:0/
	bad_url "invalid URL 'http://h:abc/': bad port" http://h:abc/
	bad_url "invalid URL 'http:/h/x': malformed URL (expected http:// or https://)" http:/h/x
	bad_url "invalid URL 'http://u:p@h/': user@ in URL is not supported" http://u:p@h/
	bad_url "invalid URL 'http://a b/': control byte or space in URL" 'http://a b/'
	bad_url "invalid URL 'http://127.0.0.1:$FX_PORT/x\\x0d': control byte or space in URL" \
		"http://127.0.0.1:$FX_PORT/x"$'\r'
	bad_url "invalid URL 'http://127.0.0.1:$FX_PORT/x\\x0ay': control byte or space in URL" \
		"http://127.0.0.1:$FX_PORT/x"$'\n'y
	bad_url "invalid URL '${long:0:127}...': URL path too long" "$long"
	bad_url "invalid header 'X-A: 1\\x0d\\x0aX-B: 2' for -H: CR, LF or control byte in header" \
		-H $'X-A: 1\r\nX-B: 2' "$FX_URL/raw/cap"
	bad_url "invalid header 'X-A: 1\\x0a' for -H: CR, LF or control byte in header" \
		-H $'X-A: 1\n' "$FX_URL/raw/cap"
	bad_url "invalid header 'NoColon' for -H: bad header (want 'Name: value')" \
		-H NoColon "$FX_URL/raw/cap"
	bad_url "invalid header 'X A: 1' for -H: bad header (want 'Name: value')" \
		-H 'X A: 1' "$FX_URL/raw/cap"
	bad_url "invalid header ': v' for -H: bad header (want 'Name: value')" -H ': v' "$FX_URL/"
	bad_url "control byte in -A text" -A $'a\rb' "$FX_URL/raw/cap"
	same "no request reached the fixture" "$(requests_logged "$FX")" "$before"
}

@test "option errors → exit 2 (table)" {
	bad_opt() { # MESSAGE ARGS...
		local msg=$1
		shift
		sk "$@"
		same "$*" "$RC|$(cat "$T/out")|$(cat "$T/err")" \
			"2||sockit: $1: $msg"$'\n'"Try 'sockit $1 --help'."
	}
	bad_opt "missing URL" http-get
	bad_opt "-o takes one URL, not 2 (-O names a file for each)" http-get -o f "$FX_URL/a" "$FX_URL/b"
	bad_opt "invalid value '5x' for -w (seconds, e.g. 2 or 0.5)" http-get -w 5x "$FX_URL/"
	bad_opt "invalid value '-1' for -w (seconds, e.g. 2 or 0.5)" http-get -w -1 "$FX_URL/"
	bad_opt "invalid value '-1' for --max-redirs (0-1000)" http-get --max-redirs -1 "$FX_URL/"
	bad_opt "invalid value 'x' for --max-redirs (0-1000)" http-head --max-redirs x "$FX_URL/"
	bad_opt "cannot use --status with -i" http-get --status -i "$FX_URL/"
	bad_opt "cannot use --status with -o" http-get --status -o f "$FX_URL/"
	bad_opt "empty file name for -o" http-get -o '' "$FX_URL/"
	bad_opt "unknown option '-o'" http-head -o f "$FX_URL/"
	bad_opt "unknown option '--progress'" http-head --progress "$FX_URL/"
	bad_opt "cannot use -4 and -6 together" http-get -4 -6 "$FX_URL/"
	sk http-get --help
	same "--help" "$RC|$(head -n1 "$T/out")" "0|usage: sockit http-get [OPTIONS] URL..."
	sk http-head --list-options
	same "--list-options" "$RC|$(cut -f2 "$T/out" | tr '\n' ' ')" "0|--ipv4 --ipv6 --timeout --max-time --location --max-redirs --header --user-agent --fail --status --json --write-out --retry --unix-socket --proxy --proxy-user --noproxy --cacert --insecure --pin --tls-name --cert --key --verbose --quiet --help "
}

@test "refused → exit 4; an unresolvable name → exit 3, and no DNS query is ever sent" {
	local port label
	port=$(free_port)
	sk http-get "http://127.0.0.1:$port/"
	same "refused" "$RC|$(cat "$T/err")" \
		"4|sockit: http-get: 127.0.0.1 port $port: Connection refused"
	label=$(printf 'a%.0s' {1..64})
	# a label over 63 bytes: glibc gives up before asking any server. (LeakSanitizer
	# cannot work under ptrace: an ASan build is traced with it off.)
	export ASAN_OPTIONS=detect_leaks=0
	RC=0
	timeout 20 strace -f -o "$T/strace" -e trace=connect,sendto,sendmmsg \
		"$SOCKIT" http-get "http://$label.invalid/" >"$T/out" 2>"$T/err" || RC=$?
	same "unresolvable" "$RC|$(cat "$T/err")" \
		"3|sockit: http-get: $label.invalid: Name or service not known"
	serve by-name "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	timeout 20 strace -f -o "$T/strace2" -e trace=connect,sendto,sendmmsg \
		"$SOCKIT" http-get "http://localhost:$FX_PORT/raw/by-name" >"$T/out" 2>"$T/err"
	same "localhost" "$(cat "$T/out")" "ok"
	same "DNS packets" "$(cat "$T/strace" "$T/strace2" | grep -c 'htons(53)')" 0
}

@test "SIGTERM during a download with -o: the temporary file goes too" {
	local pid i
	serve slow "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
	"$SOCKIT" http-get -o "$T/dl" "$FX_URL/hold/slow" 2>"$T/err" &
	pid=$!
	track "$pid"
	partial_written() {
		[ "$(cat "$T"/dl.* 2>/dev/null)" = 0123456789 ]
	}
	eventually partial_written || true # the check below shows what is there
	same "temporary file" "$(cd "$T" && echo dl.*)|$(cat "$T"/dl.*)" \
		"$(cd "$T" && ls -d dl.??????)|0123456789"
	kill -TERM "$pid"
	wait_exit "$pid"
	same "exit" "$EXIT|$(files "$T" 'dl*')" "143|0"
}
