#!/usr/bin/env bats
# 81-proxy.bats: --proxy, --proxy-user, --noproxy and the proxy environment (sockit(1)
# "Proxies") for connect, http-get and http-head, against real proxies on loopback:
# microsocks (SOCKS5), tinyproxy (HTTP CONNECT and forward proxy), and
# tests/peers/socks_fixture.py (a tunnelling SOCKS4/4a proxy, and scripted replies for every
# refusal and malformed answer). The only name used is localhost (/etc/hosts), which may be
# ::1 first (tests/stock-hosts): the web fixture listens on both.

load helpers

BIG=$((16 * 1024 * 1024))

# start_socks ARGS...: tests/peers/socks_fixture.py; sets SF_PORT.
start_socks() {
	start_peer socks python3 "$PEERS/socks_fixture.py" "$@"
	SF_PORT=$PEER_PORT
}

# start_web: tests/peers/http_fixture.py serving $T/www; sets WEB_PORT.
start_web() {
	mkdir -p "$T/www"
	start_peer web python3 "$PEERS/http_fixture.py" "$T/www"
	WEB_PORT=$PEER_PORT
}

# page NAME BODY: a canned response serving BODY under /raw/NAME.
page() {
	printf 'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s' "${#2}" "$2" >"$T/www/$1"
}

# wait_size FILE BYTES: bounded poll until FILE holds BYTES bytes (at most 60 s).
wait_size() {
	eventually -t 60 size_at_least "$1" "$2" 2>/dev/null && return 0
	echo "$1 holds $(stat -c %s "$1") bytes, not $2" >&2
	return 1
}

# upload URL: BIG bytes through the proxy URL to a sink that reads to EOF; sha256 checked.
upload() {
	random_file "$T/up" "$BIG"
	start_peer sink python3 "$PEERS/tcp_peer.py" --recv "$T/got"
	run_io up --stdin "$T/up" "$SOCKIT" connect --proxy "$1" 127.0.0.1 "$PEER_PORT"
	rc_is up 0
	wait_for "$T/sink.out" "^eof $BIG "
	[ "$(sha "$T/got")" = "$(sha "$T/up")" ]
}

# download URL: BIG bytes from a server through the proxy URL; the client's stdin stays
# open until all has arrived. sha256 checked. (microsocks and tinyproxy do not pass a
# half-close on: at one side's EOF they end the tunnel both ways, so with them each
# direction is tested on its own.)
download() {
	random_file "$T/down" "$BIG"
	start_server --stdin "$T/down" serve 127.0.0.1 0
	hold_fifo "$T/in"
	start_bg cli --stdin "$T/in" "$SOCKIT" connect --proxy "$1" 127.0.0.1 "$PORT"
	wait_size "$T/cli.out" "$BIG"
	exec 9>&-
	wait_exit "$BG_PID" 10
	[ "$EXIT" -eq 0 ]
	[ "$(sha "$T/cli.out")" = "$(sha "$T/down")" ]
}

# both_ways URL: BIG bytes each way at once, through a proxy that passes half-closes on.
both_ways() {
	random_file "$T/up" "$BIG"
	random_file "$T/down" "$BIG"
	start_server --stdin "$T/down" serve 127.0.0.1 0
	run_io cli --stdin "$T/up" "$SOCKIT" connect --proxy "$1" 127.0.0.1 "$PORT"
	rc_is cli 0
	wait_exit "$SERVER_PID" 10
	[ "$(sha "$T/cli.out")" = "$(sha "$T/down")" ]
	[ "$(sha "$T/server.out")" = "$(sha "$T/up")" ]
}

# scripted SCHEME SCRIPT... -- ARGS...: connect -w 5 ARGS through a scripted proxy (SCHEME://
# the fixture) answering SCRIPT (see tests/peers/socks_fixture.py).
scripted() {
	local scheme=$1 script=()
	shift
	while [ "$1" != -- ]; do
		script+=("$1")
		shift
	done
	shift
	start_socks --script "${script[@]}"
	run_io cli "$SOCKIT" connect -w 5 --proxy "$scheme://127.0.0.1:$SF_PORT" "$@"
}

# ---- 16 MB (past every buffer) through each kind of proxy ---------------------------

@test "socks5 (microsocks): 16 MB up and 16 MB down, byte for byte" {
	start_microsocks
	upload "socks5://127.0.0.1:$MS_PORT"
	download "socks5://127.0.0.1:$MS_PORT"
}

@test "http CONNECT (tinyproxy): 16 MB up and 16 MB down, byte for byte" {
	start_tinyproxy
	upload "http://127.0.0.1:$TP_PORT"
	download "http://127.0.0.1:$TP_PORT"
	grep -q 'CONNECT' "$T/tinyproxy.log"
}

@test "socks4 (fixture): 16 MB both ways at once, with a user id" {
	start_socks
	both_ways "socks4://alice@127.0.0.1:$SF_PORT"
	file_is "$T/socks.out" "port $SF_PORT" "request 4 127.0.0.1 $PORT user alice" closed
}

@test "socks4a sends the name; socks4 and socks5 resolve it here; socks5h sends it" {
	start_socks
	printf 'hi\n' >"$T/hi"
	start_server --stdin "$T/hi" serve 127.0.0.1 0
	run_io cli "$SOCKIT" connect --proxy "socks4a://127.0.0.1:$SF_PORT" localhost "$PORT"
	rc_is cli 0
	is "$T/cli.out" $'hi\n'
	grep -qx "request 4a localhost $PORT user -" "$T/socks.out"
	start_socks --script x:0500 x:
	run_io cli "$SOCKIT" connect -w 5 --proxy "socks5h://127.0.0.1:$SF_PORT" localhost 80
	sed -n 3p "$T/socks.out" | grep -qx 'got 050100030'"9$(printf localhost | od -An -tx1 | tr -d ' \n')"'0050'
	start_socks --script x:0500 x:
	run_io cli "$SOCKIT" connect -w 5 --proxy "socks5://127.0.0.1:$SF_PORT" localhost 80
	# the first address getaddrinfo gives: ::1 on a stock /etc/hosts, else 127.0.0.1
	case $(getent ahosts localhost | head -n 1 | cut -d' ' -f1) in
	::1) want=05010004$(printf '0%.0s' {1..31})10050 ;;
	*) want=050100017f0000010050 ;;
	esac
	sed -n 3p "$T/socks.out" | grep -qx "got $want"
}

# ---- http-get and http-head through each --------------------------------------------

@test "http-get through socks5, socks5h, socks4, socks4a and an HTTP forward proxy" {
	start_web
	page p1 'proxied body'
	start_microsocks
	start_tinyproxy
	for px in "socks5://127.0.0.1:$MS_PORT" "socks5h://127.0.0.1:$MS_PORT" \
		"http://127.0.0.1:$TP_PORT"; do
		run_io get "$SOCKIT" http-get --proxy "$px" "http://localhost:$WEB_PORT/raw/p1"
		rc_is get 0
		is "$T/get.out" 'proxied body'
	done
	for px in socks4 socks4a; do
		start_socks
		run_io get "$SOCKIT" http-get --proxy "$px://127.0.0.1:$SF_PORT" \
			"http://localhost:$WEB_PORT/raw/p1"
		rc_is get 0
		is "$T/get.out" 'proxied body'
	done
	grep -qx "request 4a localhost $WEB_PORT user -" "$T/socks.out"
}

@test "http-get asks a forward proxy for the absolute URL, with Proxy-Authorization" {
	start_web
	page fw 'forwarded'
	# the fixture plays the proxy: it is asked for a URL on a port where nothing listens
	run_io get "$SOCKIT" http-get --proxy "http://127.0.0.1:$WEB_PORT" \
		--proxy-user 'Aladdin:open sesame' http://localhost:1/raw/fw
	rc_is get 0
	is "$T/get.out" forwarded
	printf '%s\r\n' 'GET http://localhost:1/raw/fw HTTP/1.1' 'Host: localhost:1' \
		"User-Agent: sockit/$("$SOCKIT" --version | head -n 1 | cut -d' ' -f2)" 'Accept: */*' \
		'Connection: close' 'Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' '' \
		>"$T/want"
	same_file "$T/want" "$T/www/fw.req"
}

@test "-v shows Proxy-Authorization's scheme only, for --proxy-user and a URL's password" {
	start_web
	page pw 'ok'
	run_io get "$SOCKIT" http-get -v --proxy "http://127.0.0.1:$WEB_PORT" \
		--proxy-user 'Aladdin:open sesame' http://localhost:1/raw/pw
	rc_is get 0
	grep -qx '> Proxy-Authorization: Basic \*\*\*' "$T/get.err"
	run_io get2 "$SOCKIT" http-get -v --proxy "http://Aladdin:open%20sesame@127.0.0.1:$WEB_PORT" \
		http://localhost:1/raw/pw
	rc_is get2 0
	grep -qx '> Proxy-Authorization: Basic \*\*\*' "$T/get2.err"
	# the proxy got the real header both times; no message holds it, nor the password
	[ "$(grep -c '^Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' "$T/www/pw.req")" -eq 2 ]
	same "secrets in -v" "$(cat "$T/get.err" "$T/get2.err" | grep -c 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==\|sesame')" 0
}

@test "the proxy password is blanked in argv once read (--proxy-user and --proxy URL)" {
	start_socks --script x: --hold
	start_bg a "$SOCKIT" connect --proxy "socks5://127.0.0.1:$SF_PORT" --proxy-user alice:S3cretPW \
		127.0.0.1 80
	wait_for "$T/socks.out" '^got '
	same "cmdline" "$(tr '\0' ' ' <"/proc/$BG_PID/cmdline")" \
		"$SOCKIT connect --proxy socks5://127.0.0.1:$SF_PORT --proxy-user alice:******** 127.0.0.1 80 "
	kill "$BG_PID"
	start_socks --script x: --hold
	start_bg b "$SOCKIT" wait -w 5 --proxy="socks5://bob:Pw%40rd@127.0.0.1:$SF_PORT" 127.0.0.1:80
	wait_for "$T/socks.out" '^got '
	same "cmdline" "$(tr '\0' ' ' <"/proc/$BG_PID/cmdline")" \
		"$SOCKIT wait -w 5 --proxy=socks5://bob:*******@127.0.0.1:$SF_PORT 127.0.0.1:80 "
}

@test "http-head through tinyproxy shows the proxy's Via header" {
	start_web
	page hd 'x'
	start_tinyproxy
	run_io head "$SOCKIT" http-head --proxy "127.0.0.1:$TP_PORT" "http://localhost:$WEB_PORT/raw/hd"
	rc_is head 0
	grep -q '^Via: 1.1 .*tinyproxy' "$T/head.out"
}

# ---- the environment ----------------------------------------------------------------

@test "http_proxy, then all_proxy and ALL_PROXY; HTTP_PROXY is not read; --proxy '' wins" {
	start_web
	page env 'via env'
	start_tinyproxy
	dead=$(free_port)
	url="http://localhost:$WEB_PORT/raw/env"
	http_proxy="http://127.0.0.1:$TP_PORT" all_proxy="http://127.0.0.1:$dead" \
		run_io a "$SOCKIT" http-get -i "$url"
	rc_is a 0
	grep -q '^Via: .*tinyproxy' "$T/a.out"
	all_proxy="127.0.0.1:$TP_PORT" run_io b "$SOCKIT" http-get -i "$url"
	grep -q '^Via: .*tinyproxy' "$T/b.out"
	ALL_PROXY="127.0.0.1:$TP_PORT" run_io c "$SOCKIT" http-get -i "$url"
	grep -q '^Via: .*tinyproxy' "$T/c.out"
	# upper-case HTTP_PROXY is ignored, as curl ignores it (a CGI's Proxy: header)
	HTTP_PROXY="http://127.0.0.1:$dead" run_io d "$SOCKIT" http-get "$url"
	rc_is d 0
	is "$T/d.out" 'via env'
	http_proxy="http://127.0.0.1:$dead" run_io e "$SOCKIT" http-get --proxy '' "$url"
	rc_is e 0
	is "$T/e.out" 'via env'
	http_proxy="http://127.0.0.1:$dead" run_io f "$SOCKIT" http-get "$url"
	rc_is f 4
	file_is "$T/f.err" "sockit: http-get: proxy 127.0.0.1 port $dead: Connection refused"
}

@test "no_proxy, NO_PROXY and --noproxy bypass the proxy; connect reads no environment" {
	start_web
	page np 'direct'
	dead=$(free_port)
	url="http://localhost:$WEB_PORT/raw/np"
	export http_proxy="socks5h://127.0.0.1:$dead"
	for v in localhost .localhost 'a.example, localhost' '*'; do
		no_proxy=$v run_io np "$SOCKIT" http-get "$url"
		rc_is np 0
		is "$T/np.out" direct
	done
	NO_PROXY=localhost run_io np "$SOCKIT" http-get "$url"
	rc_is np 0
	no_proxy=other.example run_io np "$SOCKIT" http-get "$url"
	rc_is np 4
	no_proxy=localhost run_io np "$SOCKIT" http-get --noproxy other.example "$url"
	rc_is np 4
	run_io np "$SOCKIT" http-get --noproxy 127.0.0.0/8 "http://127.0.0.1:$WEB_PORT/raw/np"
	rc_is np 0
	all_proxy=$http_proxy run_io c "$SOCKIT" connect --send x 127.0.0.1 "$WEB_PORT"
	rc_is c 0
	head -n 1 "$T/c.out" | grep -q '^HTTP/1.1 404'
}

# ---- authentication -----------------------------------------------------------------

@test "socks5 username/password (RFC 1929): accepted, rejected, required" {
	start_microsocks -u alice -P s3cret
	start_peer sink python3 "$PEERS/tcp_peer.py" --recv "$T/got"
	run_io ok "$SOCKIT" connect --send in --proxy "socks5://127.0.0.1:$MS_PORT" \
		--proxy-user alice:s3cret 127.0.0.1 "$PEER_PORT"
	rc_is ok 0
	wait_for "$T/sink.out" '^eof 3 '
	is "$T/got" $'in\n'
	run_io bad "$SOCKIT" connect --proxy "socks5://alice:wrong@127.0.0.1:$MS_PORT" 127.0.0.1 "$PEER_PORT"
	rc_is bad 4
	file_is "$T/bad.err" 'sockit: connect: proxy authentication failed'
	run_io none "$SOCKIT" connect --proxy "socks5://127.0.0.1:$MS_PORT" 127.0.0.1 "$PEER_PORT"
	rc_is none 4
	file_is "$T/none.err" \
		'sockit: connect: proxy authentication failed (it wants a user: --proxy-user)'
}

@test "HTTP proxy Basic authentication: CONNECT and forward, accepted and rejected" {
	start_web
	page au 'authed'
	start_tinyproxy 'BasicAuth alice s3cret'
	url="http://localhost:$WEB_PORT/raw/au"
	run_io ok "$SOCKIT" http-get --proxy "http://127.0.0.1:$TP_PORT" --proxy-user alice:s3cret "$url"
	rc_is ok 0
	is "$T/ok.out" authed
	# no credentials: 407
	run_io bad "$SOCKIT" http-get --proxy "http://127.0.0.1:$TP_PORT" "$url"
	rc_is bad 4
	file_is "$T/bad.err" 'sockit: http-get: proxy authentication failed'
	file_is "$T/bad.out"
	# no half-close: tinyproxy would end the tunnel at it, before the answer
	run_io c "$SOCKIT" connect --no-shutdown --send $'GET /raw/au HTTP/1.0\r\n\r' \
		--proxy "http://alice:s3cret@127.0.0.1:$TP_PORT" 127.0.0.1 "$WEB_PORT"
	rc_is c 0
	head -n 1 "$T/c.out" | grep -q '^HTTP/1.1 200'
	run_io c "$SOCKIT" connect --proxy "http://127.0.0.1:$TP_PORT" 127.0.0.1 "$WEB_PORT"
	rc_is c 4
	file_is "$T/c.err" 'sockit: connect: proxy authentication failed'
	# a wrong password: tinyproxy answers 401, which before the tunnel can only be its own
	run_io c "$SOCKIT" connect --proxy "http://127.0.0.1:$TP_PORT" --proxy-user alice:nope \
		127.0.0.1 "$WEB_PORT"
	rc_is c 4
	file_is "$T/c.err" 'sockit: connect: proxy authentication failed'
}

# ---- refusals in words, malformed replies, time-outs --------------------------------

@test "a refusal by microsocks names the target and the SOCKS5 code" {
	start_microsocks
	dead=$(free_port)
	run_io cli "$SOCKIT" connect --proxy "socks5://127.0.0.1:$MS_PORT" 127.0.0.1 "$dead"
	rc_is cli 4
	file_is "$T/cli.err" "sockit: connect: proxy 127.0.0.1:$MS_PORT refused 127.0.0.1:$dead: connection refused (SOCKS5 reply 5)"
}

@test "every SOCKS5 and SOCKS4 refusal code in words (exit 4)" {
	local words=('' 'general SOCKS server failure' 'connection not allowed by ruleset'
		'network unreachable' 'host unreachable' 'connection refused' 'TTL expired'
		'command not supported' 'address type not supported')
	for code in 1 2 3 4 5 6 7 8 9; do
		scripted socks5 x:0500 "x:050${code}0001000000000000" -- \
			127.0.0.9 80
		rc_is cli 4
		file_is "$T/cli.err" "sockit: connect: proxy 127.0.0.1:$SF_PORT refused 127.0.0.9:80: ${words[code]:-unassigned reply code} (SOCKS5 reply $code)"
	done
	words=('request rejected or failed' 'request rejected: the proxy cannot reach identd here'
		'request rejected: identd reports another user id')
	for code in 91 92 93; do
		scripted socks4 "x:00$(printf %x "$code")000000000000" -- \
			127.0.0.9 80
		rc_is cli 4
		file_is "$T/cli.err" "sockit: connect: proxy 127.0.0.1:$SF_PORT refused 127.0.0.9:80: ${words[code - 91]} (SOCKS4 reply $code)"
	done
}

@test "an HTTP proxy's refusal: 'proxy said 403 Forbidden' (exit 4)" {
	scripted http 't:HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n' -- \
		127.0.0.9 80
	rc_is cli 4
	file_is "$T/cli.err" 'sockit: connect: proxy said 403 Forbidden'
	start_tinyproxy 'ConnectPort 1'
	run_io tp "$SOCKIT" connect --proxy "http://127.0.0.1:$TP_PORT" 127.0.0.1 2
	rc_is tp 4
	grep -q '^sockit: connect: proxy said 403 ' "$T/tp.err"
}

@test "a proxy's status and header lines reach stderr escaped, as every message (-v too)" {
	scripted http 't:HTTP/1.1 403 No\xc2\x9b2J\r\nX-A: b\xe2\x80\xaec\r\n\r\n' -- \
		-v 127.0.0.9 80
	rc_is cli 4
	grep -qxF 'sockit: connect: proxy: < HTTP/1.1 403 No\xc2\x9b2J' "$T/cli.err"
	grep -qxF 'sockit: connect: proxy: < X-A: b\xe2\x80\xaec' "$T/cli.err"
	grep -qxF 'sockit: connect: proxy said 403 No\xc2\x9b2J' "$T/cli.err"
	scripted socks5 x:0500 x:0500000303611b620001 -- -v 127.0.0.9 80 </dev/null
	grep -qxF 'sockit: connect: proxy: SOCKS5 reply 0: succeeded, bound a\x1bb:1' "$T/cli.err"
}

@test "malformed or cut-short proxy replies are protocol errors (exit 6)" {
	scripted socks5 x:0400 -- 127.0.0.9 80
	rc_is cli 6
	file_is "$T/cli.err" \
		"sockit: connect: proxy 127.0.0.1:$SF_PORT: not a SOCKS5 reply (version 4)"
	scripted socks5 x:0501 -- 127.0.0.9 80
	rc_is cli 6
	file_is "$T/cli.err" "sockit: connect: proxy 127.0.0.1:$SF_PORT: chose SOCKS5 method 1, which was not offered"
	scripted socks5 x:0500 x:05000007 -- 127.0.0.9 80
	rc_is cli 6
	scripted socks5 x:05 -- 127.0.0.9 80
	rc_is cli 6
	file_is "$T/cli.err" \
		"sockit: connect: proxy 127.0.0.1:$SF_PORT closed the connection during the SOCKS5 handshake"
	scripted socks4 x:045a000000000000 -- 127.0.0.9 80
	rc_is cli 6
	scripted http 't:SSH-2.0-OpenSSH\r\n\r\n' -- 127.0.0.9 80
	rc_is cli 6
	file_is "$T/cli.err" "sockit: connect: proxy 127.0.0.1:$SF_PORT: bad status line"
}

@test "a proxy that never answers: -w ends the handshake with exit 5" {
	start_socks --script x: --hold
	t0=$(now_us)
	run_io cli "$SOCKIT" connect -w 0.5 --proxy "socks5h://127.0.0.1:$SF_PORT" localhost 80
	rc_is cli 5
	file_is "$T/cli.err" \
		"sockit: connect: proxy 127.0.0.1:$SF_PORT: timed out during the SOCKS5 handshake"
	[ "$(ms_since "$t0")" -lt 3000 ]
}

@test "the proxy unreachable: exit 4 naming it" {
	dead=$(free_port)
	run_io cli "$SOCKIT" connect --proxy "socks5://127.0.0.1:$dead" 127.0.0.1 80
	rc_is cli 4
	file_is "$T/cli.err" "sockit: connect: proxy 127.0.0.1 port $dead: Connection refused"
}

@test "the target's bytes that arrive with the proxy's reply are not lost" {
	scripted socks5 x:0500 "x:05000001000000000000$(printf 'hello\n' | od -An -tx1 | tr -d ' \n')" -- \
		127.0.0.9 80
	rc_is cli 0
	is "$T/cli.out" $'hello\n'
	scripted socks4 "x:005a000000000000$(printf 'hello4\n' | od -An -tx1 | tr -d ' \n')" -- \
		127.0.0.9 80
	rc_is cli 0
	is "$T/cli.out" $'hello4\n'
	scripted http 't:HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0-banner\r\n' -- \
		127.0.0.9 22
	rc_is cli 0
	is "$T/cli.out" $'SSH-2.0-banner\r\n'
}

@test "-v logs each step of the handshake" {
	start_socks
	printf 'v\n' >"$T/hi"
	start_server --stdin "$T/hi" serve 127.0.0.1 0
	run_io cli "$SOCKIT" connect -v --proxy "socks4a://127.0.0.1:$SF_PORT" localhost "$PORT"
	rc_is cli 0
	file_is "$T/cli.err" \
		"sockit: connect: proxy: SOCKS4a CONNECT localhost:$PORT (the proxy resolves the name)" \
		'sockit: connect: proxy: SOCKS4a reply 90: request granted' \
		"sockit: connect: connected to localhost:$PORT through the proxy" \
		'sockit: connect: sent 0 bytes, received 2 bytes'
}

# ---- usage --------------------------------------------------------------------------

@test "proxy usage errors (exit 2)" {
	usage_error 'sockit: connect: cannot use --proxy with -u' \
		connect -u --proxy socks5://127.0.0.1:1 127.0.0.1 7
	usage_error 'sockit: connect: cannot use --proxy with -z' \
		connect -z --proxy socks5://127.0.0.1:1 127.0.0.1 7
	usage_error 'sockit: connect: cannot use --proxy with -U' \
		connect -U "$T/sock" --proxy socks5://127.0.0.1:1
	usage_error 'sockit: connect: cannot use --proxy-user without --proxy' \
		connect --proxy-user a:b 127.0.0.1 7
	usage_error "sockit: connect: invalid proxy 'https://127.0.0.1' (--proxy): https proxies need TLS, which sockit has not (use curl)" \
		connect --proxy https://127.0.0.1 127.0.0.1 7
	usage_error "sockit: connect: invalid proxy 'gopher://h' (--proxy): unsupported proxy scheme (socks4, socks4a, socks5, socks5h or http)" \
		connect --proxy gopher://h 127.0.0.1 7
	usage_error "sockit: connect: invalid proxy 'socks5://h:0' (--proxy): bad proxy port (1-65535)" \
		connect --proxy socks5://h:0 127.0.0.1 7
	usage_error 'sockit: connect: invalid --proxy-user: empty user name' \
		connect --proxy socks5://h --proxy-user :pw 127.0.0.1 7
	usage_error "sockit: connect: a SOCKS4 proxy reaches IPv4 addresses only" \
		connect --proxy socks4://127.0.0.1:1 ::1 7
	http_proxy=ftp://x usage_error "sockit: http-get: invalid proxy 'ftp://x' (http_proxy): unsupported proxy scheme (socks4, socks4a, socks5, socks5h or http)" \
		http-get http://127.0.0.1:1/
}

@test "a proxy URL's password is shown as *** in every usage error, from --proxy or the environment" {
	usage_error "sockit: http-get: invalid proxy 'http://alice:***@127.0.0.1:99999' (--proxy): bad proxy port (1-65535)" \
		http-get --proxy http://alice:S3cretPW@127.0.0.1:99999 http://127.0.0.1:1/
	http_proxy=ftp://alice:S3cretPW@127.0.0.1:3128 usage_error "sockit: http-get: invalid proxy 'ftp://alice:***@127.0.0.1:3128' (http_proxy): unsupported proxy scheme (socks4, socks4a, socks5, socks5h or http)" \
		http-get http://127.0.0.1:1/
	usage_error "sockit: wait: invalid proxy 'socks5://alice:***@127.0.0.1:0' (--proxy): bad proxy port (1-65535)" \
		wait -w 1 --proxy socks5://alice:S3cretPW@127.0.0.1:0 127.0.0.1:9
	usage_error "sockit: connect: invalid proxy 'http://alice:***@h' (--proxy): bad user or password (at most 255 bytes each, %XX escapes)" \
		connect --proxy 'http://alice:S3%zzPW@h' 127.0.0.1 7
	usage_error "sockit: connect: invalid proxy 'http://alice:***@h' (--proxy): space or control byte in proxy URL" \
		connect --proxy 'http://alice:S3 cret@h' 127.0.0.1 7
	usage_error "sockit: connect: invalid proxy 'socks5://al@ice:***@h:0' (--proxy): bad proxy port (1-65535)" \
		connect --proxy 'socks5://al@ice:p@ss@h:0' 127.0.0.1 7
}
