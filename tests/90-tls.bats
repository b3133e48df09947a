#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, PEER_PORT, RC: set by helpers.bash
# 90-tls.bats: TLS on the client side (sockit(1), TLS): connect --tls against real TLS
# servers (tests/peers/tls_peer.py on python's ssl, socat OPENSSL, ncat --ssl, openssl
# s_server), verification and its refusals in words, pins, SNI, mutual TLS, the end of a
# stream with and without close_notify, -z --tls, and a machine without libssl.so.3.
# The certificates are made here by the openssl command: a test CA, a server for
# localhost/127.0.0.1/::1, an expired one, one for *.example.org, a self-signed one and
# a client's.

load helpers

BIG=$((50 * 1024 * 1024))

setup_file() {
	local d=$BATS_FILE_TMPDIR/pki
	mkdir -p "$d/db"
	(
		cd "$d" || exit 1
		q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; }
		csr() { # csr NAME SUBJECT SAN
			q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
			printf 'subjectAltName=%s\n' "$3" >"$1.ext"
		}
		sign() { # sign NAME DAYS
			q openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
				-out "$1.pem" -days "$2" -extfile "$1.ext"
		}
		q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
			-subj "/CN=sockit test CA"
		csr srv /CN=localhost "DNS:localhost,IP:127.0.0.1,IP:::1"
		sign srv 30
		csr other /CN=www.example.org "DNS:*.example.org"
		sign other 30
		csr client /CN=tester DNS:tester
		sign client 30
		q openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -days 30 \
			-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
		# expired 3 days and an hour ago: openssl ca sets both dates (x509 -req cannot)
		csr old /CN=localhost "DNS:localhost,IP:127.0.0.1"
		: >db/index
		echo 1000 >db/serial
		printf '%s\n' "[ca]" "default_ca = t" "[t]" "database = db/index" \
			"serial = db/serial" "new_certs_dir = db" "certificate = ca.pem" \
			"private_key = ca.key" "default_md = sha256" "policy = any" \
			"copy_extensions = copy" "[any]" "commonName = supplied" >ca.cnf
		q openssl ca -batch -config ca.cnf -notext -in old.csr -out old.pem -extfile old.ext \
			-startdate "$(date -u -d '-40 days' +%Y%m%d%H%M%SZ)" \
			-enddate "$(date -u -d '-3 days -1 hour' +%Y%m%d%H%M%SZ)"
		openssl x509 -in self.pem -pubkey -noout | openssl pkey -pubin -outform der |
			openssl dgst -sha256 -binary | base64 >self.pin
	)
}

setup() {
	T=$BATS_TEST_TMPDIR
	: >"$T/pids"
	PKI=$BATS_FILE_TMPDIR/pki
	SELF_PIN=sha256//$(cat "$PKI/self.pin")
}

# tls_peer NAME ARGS...: tests/peers/tls_peer.py with the server certificate NAME
# ($PKI/NAME.pem); sets TLS_PORT.
tls_peer() {
	local name=$1
	shift
	start_peer peer python3 "$PEERS/tls_peer.py" --cert "$PKI/$name.pem" \
		--key "$PKI/$name.key" "$@"
	TLS_PORT=$PEER_PORT
}

# refused NAME WORDS ARGS...: `connect --tls ARGS 127.0.0.1 PORT` to a peer with
# certificate NAME is exit 8 with the one line `sockit: connect: WORDS`, and no byte out.
refused() {
	local name=$1 words=$2
	shift 2
	tls_peer "$name"
	run_io c "$SOCKIT" connect --tls "$@" "$TLS_PORT"
	rc_is c 8
	file_is "$T/c.out"
	file_is "$T/c.err" "sockit: connect: $words"
}

@test "tls: the binary names libc alone; --version names the OpenSSL it loads" {
	if ! asan_build; then # the sanitizers' runtimes are libraries of their own
		[ "$(readelf -d "$SOCKIT" | grep -c NEEDED)" -eq 1 ]
		readelf -d "$SOCKIT" | grep NEEDED | grep -q 'libc\.so'
	fi
	run_io v "$SOCKIT" --version
	rc_is v 0
	[ "$(sed -n 2p "$T/v.out")" = "tls: OpenSSL $(openssl version -v | awk '{print $2}') (loaded on use)" ]
}

@test "tls: connect --tls: 50 MB up, close_notify at stdin EOF, 50 MB down after it (sha256)" {
	random_file "$T/up" "$BIG"
	random_file "$T/down" "$BIG"
	tls_peer srv --recv "$T/got" --then-send "$T/down"
	run_io c --stdin "$T/up" "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" localhost "$TLS_PORT"
	rc_is c 0
	wait_for "$T/peer.out" '^closed$'
	grep -qx "eof $BIG" "$T/peer.out"
	[ "$(sha "$T/got")" = "$(sha "$T/up")" ]
	[ "$(sha "$T/c.out")" = "$(sha "$T/down")" ]
	file_is "$T/c.err"
}

@test "tls: connect --tls: 50 MB both ways at once through socat OPENSSL's echo" {
	random_file "$T/up" "$BIG"
	local port
	port=$(free_port)
	socat -t 30 "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,cert=$PKI/srv.pem,key=$PKI/srv.key,verify=0" \
		EXEC:cat 2>"$T/socat.err" 3>&- 9>&- &
	track $!
	wait_accepts 127.0.0.1 "$port"
	run_io c --stdin "$T/up" "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" 127.0.0.1 "$port"
	rc_is c 0
	same_file "$T/up" "$T/c.out"
}

# listens PORT: something listens on 127.0.0.1:PORT (asked of ss, not by connecting: ncat
# -l serves one connection only).
listens() {
	ss -ltn | grep -q "127.0.0.1:$1 "
}

@test "tls: connect --ssl (ncat's name) talks to ncat --ssl; --tls to openssl s_server -www" {
	local port
	port=$(free_port)
	ncat -l --ssl --ssl-cert "$PKI/srv.pem" --ssl-key "$PKI/srv.key" 127.0.0.1 "$port" \
		--sh-exec 'echo from-ncat' 2>"$T/ncat.err" 3>&- 9>&- &
	track $!
	eventually listens "$port"
	# ncat ends the whole connection at our close_notify: stdin stays open until the line
	hold_fifo "$T/fifo"
	run_io c --stdin "$T/fifo" "$SOCKIT" connect --ssl --expect from-ncat --cacert "$PKI/ca.pem" 127.0.0.1 "$port"
	rc_is c 0
	file_is "$T/c.out" from-ncat
	port=$(free_port)
	openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/srv.pem" -key "$PKI/srv.key" \
		-www >"$T/s.out" 2>"$T/s.err" 3>&- 9>&- &
	track $!
	eventually listens "$port"
	printf 'GET / HTTP/1.0\r\n\r\n' >"$T/in"
	run_io c --stdin "$T/in" "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" localhost "$port"
	rc_is c 0
	[ "$(head -n 1 "$T/c.out")" = $'HTTP/1.0 200 ok\r' ]
	grep -q 'TLSv1.3' "$T/c.out"
}

@test "tls: each refusal is one line in words, exit 8, nothing sent" {
	refused srv "certificate for 127.0.0.1 is signed by an unknown issuer: trust it with --cacert FILE or --pin" 127.0.0.1
	refused old "certificate for 127.0.0.1 has expired (3 days ago)" --cacert "$PKI/ca.pem" 127.0.0.1
	refused other "certificate is for *.example.org, not db.internal" --cacert "$PKI/ca.pem" --tls-name db.internal 127.0.0.1
	refused other "certificate is for *.example.org, not 127.0.0.1" --cacert "$PKI/ca.pem" 127.0.0.1
	refused self "self-signed certificate: trust it with --cacert FILE or --pin" localhost
	refused srv "public key does not match --pin (it is sha256//$(openssl x509 -in "$PKI/srv.pem" -pubkey -noout |
		openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64))" --pin "$SELF_PIN" localhost
}

@test "tls: --pin trusts a self-signed key without a CA; --insecure trusts anything, with one warning" {
	printf 'hi\n' >"$T/in"
	tls_peer self --recv "$T/got"
	run_io c --stdin "$T/in" "$SOCKIT" connect --tls --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;$SELF_PIN" localhost "$TLS_PORT"
	rc_is c 0
	wait_for "$T/peer.out" '^closed$'
	file_is "$T/got" hi
	tls_peer other --count 2
	run_io c "$SOCKIT" connect --tls --insecure 127.0.0.1 "$TLS_PORT"
	rc_is c 0
	file_is "$T/c.err" "sockit: connect: warning: --insecure: the peer's certificate is not checked"
	run_io c "$SOCKIT" connect --tls --insecure -q 127.0.0.1 "$TLS_PORT"
	rc_is c 0
	file_is "$T/c.err"
}

@test "tls: SNI is the host name or --tls-name, never an IP literal" {
	tls_peer srv --count 3
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" localhost "$TLS_PORT"
	rc_is c 0
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" 127.0.0.1 "$TLS_PORT"
	rc_is c 0
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" --tls-name localhost 127.0.0.1 "$TLS_PORT"
	rc_is c 0
	wait_for "$T/peer.out" '^closed$'
	[ "$(grep '^sni ' "$T/peer.out" | tr '\n' ' ')" = "sni localhost sni none sni localhost " ]
}

@test "tls: IPv6 literal verified against the certificate's IP address" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 loopback here"
	tls_peer srv -6
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" ::1 "$TLS_PORT"
	rc_is c 0
	wait_for "$T/peer.out" '^sni none$'
}

@test "tls: mutual TLS: --cert/--key presented; none, or an untrusted one, is exit 8 in words" {
	tls_peer srv --cafile "$PKI/ca.pem" --verify-client --count 3
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client.key" localhost "$TLS_PORT"
	rc_is c 0
	wait_for "$T/peer.out" '^client tester$'
	# TLS 1.3 says so after the client's handshake is over: seen on the first read
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" localhost "$TLS_PORT"
	rc_is c 8
	file_is "$T/c.err" "sockit: connect: a client certificate is required (--cert FILE)"
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" --cert "$PKI/self.pem" --key "$PKI/self.key" localhost "$TLS_PORT"
	rc_is c 8
	file_is "$T/c.err" "sockit: connect: the peer refused our certificate (it does not trust its issuer)"
}

@test "tls: a peer that ends without close_notify after whole records is an end; inside a record, exit 6" {
	random_file "$T/down" 1000000
	tls_peer srv --send "$T/down" --recv "$T/got" --no-notify
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" localhost "$TLS_PORT"
	rc_is c 0
	same_file "$T/down" "$T/c.out"
	tls_peer srv --recv "$T/got2" --truncate
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" localhost "$TLS_PORT"
	rc_is c 6
	file_is "$T/c.err" "sockit: connect: the peer ended the connection in the middle of a TLS record"
}

@test "tls: a peer that speaks no TLS is exit 8; one that says nothing is exit 5 after -w" {
	start_server serve --proto daytime 0
	run_io c "$SOCKIT" connect --tls 127.0.0.1 "$PORT"
	rc_is c 8
	file_is "$T/c.err" "sockit: connect: handshake failed: peer speaks no TLS"
	start_server serve --proto discard 0
	run_io c "$SOCKIT" connect --tls -w 0.5 127.0.0.1 "$PORT"
	rc_is c 5
	file_is "$T/c.err" "sockit: connect: TLS handshake timed out after 0.500 s"
}

@test "tls: -v adds one line on the session: version, cipher, subject, issuer, expiry, days left" {
	tls_peer srv
	run_io c "$SOCKIT" connect --tls -v --cacert "$PKI/ca.pem" localhost "$TLS_PORT"
	rc_is c 0
	grep -qE '^sockit: connect: TLS: TLSv1\.[23] [A-Z0-9_-]+, subject CN=localhost, issuer CN=sockit test CA, expires 20[0-9-]+T[0-9:]+Z \((29|30) days left\)$' "$T/c.err"
}

@test "tls: connect -z --tls checks the certificate: a line, or JSON; one that does not verify is exit 8" {
	tls_peer srv --count 2
	run_io z "$SOCKIT" connect -z --tls --cacert "$PKI/ca.pem" 127.0.0.1 "$TLS_PORT"
	rc_is z 0
	grep -qE "^127\.0\.0\.1 $TLS_PORT open tls=TLSv1\.3 days_left=(29|30)$" "$T/z.out"
	run_io z "$SOCKIT" connect -z --tls --json --cacert "$PKI/ca.pem" 127.0.0.1 "$TLS_PORT"
	rc_is z 0
	jq -e '.tls_version == "TLSv1.3" and .subject == "CN=localhost" and
		.issuer == "CN=sockit test CA" and .verified == true and (.days_left | . >= 29) and
		(.not_after | test("^20[0-9-]+T[0-9:]+Z$")) and (.cipher | length > 0)' "$T/z.out"
	tls_peer old --count 2
	run_io z "$SOCKIT" connect -z --tls --cacert "$PKI/ca.pem" 127.0.0.1 "$TLS_PORT"
	rc_is z 8
	file_is "$T/z.out" "127.0.0.1 $TLS_PORT open tls=TLSv1.3 days_left=-3"
	file_is "$T/z.err" "sockit: connect: 127.0.0.1 port $TLS_PORT: certificate for 127.0.0.1 has expired (3 days ago)"
	run_io z "$SOCKIT" connect -z --tls --json --cacert "$PKI/ca.pem" 127.0.0.1 "$TLS_PORT"
	rc_is z 8
	jq -e '.verified == false and .days_left == -3 and
		.error == "certificate for 127.0.0.1 has expired (3 days ago)"' "$T/z.out"
}

@test "tls: option mistakes are usage errors, found before connecting" {
	usage_error "sockit: connect: --cacert needs --tls" connect --cacert x 127.0.0.1 1
	usage_error "sockit: connect: --key needs --cert" connect --tls --key x 127.0.0.1 1
	usage_error "sockit: connect: cannot use --insecure with --pin" connect --tls --insecure --pin "$SELF_PIN" 127.0.0.1 1
	usage_error "sockit: connect: --pin wants sha256// and 44 characters of base64, not 'sha256//x'" connect --tls --pin sha256//x 127.0.0.1 1
	usage_error "sockit: connect: cannot use --tls with -u (no DTLS)" connect --tls -u 127.0.0.1 1
	usage_error "sockit: connect: cannot use -e with --tls" connect --tls -e /bin/cat 127.0.0.1 1
	# port 1 refuses: the file is judged first
	run_io c "$SOCKIT" connect --tls --cacert "$T/none.pem" 127.0.0.1 1
	rc_is c 2
	grep -q "^sockit: connect: cannot use --cacert $T/none.pem: " "$T/c.err"
	run_io c "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/srv.key" 127.0.0.1 1
	rc_is c 2
	file_is "$T/c.err" "sockit: connect: --key $PKI/srv.key does not match --cert $PKI/client.pem"
}

@test "tls: without libssl.so.3 (hidden in a mount namespace) TLS is exit 8 in words; the rest works" {
	local lib
	lib=$(ldconfig -p | awk '/libssl\.so\.3 .*x86-64|libssl\.so\.3 \(libc6,x86-64\)/ {print $NF; exit}')
	[ -n "$lib" ] || lib=$(ldconfig -p | awk '/libssl\.so\.3 / {print $NF; exit}')
	[ -n "$lib" ] || skip "libssl.so.3 is not installed here"
	unshare -m true 2>/dev/null || skip "no mount namespaces here (unshare -m needs root)"
	start_server serve --proto daytime 0
	cat >"$T/hidden.sh" <<-EOF
		mount --bind /dev/null "$(readlink -f "$lib")" || exit 99
		"$SOCKIT" --version
		"$SOCKIT" connect --tls 127.0.0.1 $PORT; echo "tls \$?"
		"$SOCKIT" connect 127.0.0.1 $PORT </dev/null >/dev/null; echo "plain \$?"
	EOF
	run_io h unshare -m sh "$T/hidden.sh"
	rc_is h 0
	[ "$(sed -n 2,4p "$T/h.out")" = "tls: unavailable (libssl.so.3 not found)
tls 8
plain 0" ]
	file_is "$T/h.err" "sockit: connect: TLS needs libssl.so.3 (Debian: apt-get install libssl3)"
}

# start_nginx_tls [DIRECTIVES]: start_nginx with an https server (the test CA's
# certificate, DIRECTIVES added to its block) and a plain one beside it, serving the same
# files; /to-https and /to-http redirect across.
# Both listen on 127.0.0.1 and ::1: tests reach them as localhost, which a stock hosts
# file makes ::1 first. Their log has the connection's number, the scheme, the request and the Authorization
# and Cookie it carried. Sets NGS_PORT (https) and NGP_PORT (http), NGX_LOG.
start_nginx_tls() {
	local dir=$T/nginx fmt
	NGS_PORT=$(free_port)
	NGP_PORT=$(free_port)
	NGX_LOG=$dir/tls.log
	fmt="log_format tls '\$connection \$scheme \$request auth=\$http_authorization cookie=\$http_cookie';"
	start_nginx "" "$fmt" \
		"server { listen 127.0.0.1:$NGS_PORT ssl; listen [::1]:$NGS_PORT ssl; ssl_certificate $PKI/srv.pem; ssl_certificate_key $PKI/srv.key; root $dir/www; access_log $NGX_LOG tls; ${1:-} location = /to-http { return 302 http://127.0.0.1:$NGP_PORT/small.txt; } }" \
		"server { listen 127.0.0.1:$NGP_PORT; listen [::1]:$NGP_PORT; root $dir/www; access_log $NGX_LOG tls; location = /to-https { return 301 https://localhost:$NGS_PORT/small.txt; } }"
	echo "hello over tls" >"$NGX/small.txt"
	wait_accepts 127.0.0.1 "$NGS_PORT"
	wait_accepts 127.0.0.1 "$NGP_PORT"
}

@test "tls: http-get https:// fetches byte-exact, many URLs over one kept-alive TLS connection" {
	start_nginx_tls
	local u=https://localhost:$NGS_PORT
	run_io g "$SOCKIT" http-get --cacert "$PKI/ca.pem" "$u/big.bin" "$u/small.txt" "$u/big.bin"
	rc_is g 0
	cat "$NGX/big.bin" "$NGX/small.txt" "$NGX/big.bin" >"$T/want"
	same_file "$T/want" "$T/g.out"
	# one connection (the probe's handshake-less one aside) carried the three
	[ "$(grep -c ' https GET ' "$NGX_LOG")" -eq 3 ]
	[ "$(grep ' https GET ' "$NGX_LOG" | cut -d' ' -f1 | sort -u | wc -l)" -eq 1 ]
	run_io h "$SOCKIT" http-head --cacert "$PKI/ca.pem" "https://127.0.0.1:$NGS_PORT/small.txt" \
		--write-out '%{stderr}%{tls_version}|%{cert_days_left}|%{ssl_verify_result}|%{cert_not_after}\n'
	rc_is h 0
	[ "$(head -n 1 "$T/h.out")" = "HTTP/1.1 200 OK" ]
	grep -qE '^TLSv1\.[23]\|(29|30)\|0\|20[0-9-]+T[0-9:]+Z$' "$T/h.err"
	run_io h "$SOCKIT" http-head --write-out '[%{tls_version}|%{ssl_verify_result}]' \
		"http://127.0.0.1:$NGP_PORT/small.txt"
	rc_is h 0
	[ "$(tail -n 1 "$T/h.out")" = "[|0]" ]
	run_io g "$SOCKIT" http-get --write-out '%{ssl_verify_result}|%{tls_version}|%{errormsg}' "$u/small.txt"
	rc_is g 8
	file_is "$T/g.err" "sockit: http-get: certificate for localhost is signed by an unknown issuer: trust it with --cacert FILE or --pin"
	grep -qE '^(20|21)\|TLSv1\.[23]\|certificate for localhost is signed by an unknown issuer: trust it with --cacert FILE or --pin$' "$T/g.out"
}

@test "tls: http-get -L across http and https; Authorization and Cookie stay with the URL typed" {
	start_nginx_tls
	run_io g "$SOCKIT" http-get -L --cacert "$PKI/ca.pem" -H 'Authorization: Bearer s3cret' \
		-H 'Cookie: k=v' "http://127.0.0.1:$NGP_PORT/to-https"
	rc_is g 0
	file_is "$T/g.out" "hello over tls"
	grep -q ' http GET /to-https HTTP/1.1 auth=Bearer s3cret cookie=k=v$' "$NGX_LOG"
	grep -q ' https GET /small.txt HTTP/1.1 auth=- cookie=-$' "$NGX_LOG"
	run_io g "$SOCKIT" http-get -L --cacert "$PKI/ca.pem" -H 'Authorization: Bearer s3cret' \
		"https://127.0.0.1:$NGS_PORT/to-http"
	rc_is g 0
	file_is "$T/g.out" "hello over tls"
	grep -q ' http GET /small.txt HTTP/1.1 auth=- cookie=-$' "$NGX_LOG"
}

@test "tls: https:// through an HTTP proxy's CONNECT (tinyproxy) and through SOCKS5 (microsocks)" {
	start_nginx_tls
	start_tinyproxy "ConnectPort $NGS_PORT"
	run_io g "$SOCKIT" http-get --cacert "$PKI/ca.pem" --proxy "http://127.0.0.1:$TP_PORT" \
		"https://localhost:$NGS_PORT/big.bin"
	rc_is g 0
	same_file "$NGX/big.bin" "$T/g.out"
	grep -q "CONNECT localhost:$NGS_PORT" "$T/tinyproxy.log"
	start_microsocks
	run_io g "$SOCKIT" http-get --cacert "$PKI/ca.pem" --proxy "socks5h://127.0.0.1:$MS_PORT" \
		"https://localhost:$NGS_PORT/small.txt"
	rc_is g 0
	file_is "$T/g.out" "hello over tls"
	printf 'GET /small.txt HTTP/1.0\r\n\r\n' >"$T/req"
	run_io c --stdin "$T/req" "$SOCKIT" connect --tls --cacert "$PKI/ca.pem" \
		--proxy "socks5://127.0.0.1:$MS_PORT" localhost "$NGS_PORT"
	rc_is c 0
	[ "$(head -n 1 "$T/c.out")" = $'HTTP/1.1 200 OK\r' ]
	[ "$(tail -n 1 "$T/c.out")" = "hello over tls" ]
}

@test "tls: wait https://... and wait tls://HOST:PORT until the handshake verifies" {
	start_nginx_tls
	run_io w "$SOCKIT" wait -w 5 --cacert "$PKI/ca.pem" "https://localhost:$NGS_PORT/small.txt" \
		"tls://127.0.0.1:$NGS_PORT"
	rc_is w 0
	grep -q ' https GET /small.txt ' "$NGX_LOG"
	# each failed attempt says why (-vv); the one under way at the deadline may be cut
	run_io w "$SOCKIT" wait -vv -w 2 "tls://localhost:$NGS_PORT"
	rc_is w 5
	grep -qx "sockit: wait: tls://localhost:$NGS_PORT: certificate for localhost is signed by an unknown issuer: trust it with --cacert FILE or --pin" "$T/w.err"
	run_io w "$SOCKIT" wait -vv -w 2 --cacert "$PKI/ca.pem" "tls://127.0.0.1:$NGP_PORT"
	rc_is w 5
	grep -qx "sockit: wait: tls://127.0.0.1:$NGP_PORT: handshake failed: peer speaks no TLS" "$T/w.err"
}

# tls_sink: tests/peers/body_sink.py over https (the test CA's server certificate),
# recording into $T; sets SINKS (its base URL, by address: the certificate names it).
tls_sink() {
	start_peer sink python3 "$PEERS/body_sink.py" "$T" --tls "$PKI/srv.pem" "$PKI/srv.key"
	SINKS=https://127.0.0.1:$PEER_PORT
}

# sunk: each request the sink recorded, as "METHOD TARGET FRAMING LENGTH SHA256 CONTINUED".
sunk() {
	jq -r '[.method, .target, .framing, .length, .sha256, .continued] | join(" ")' \
		"$T/requests.jsonl"
}

@test "tls: http-post/put bodies over https: text, a file, a pipe chunked, JSON, a form" {
	tls_sink
	local ca=(--cacert "$PKI/ca.pem") big
	random_file "$T/big" $((3 * 1024 * 1024))
	big=$(sha "$T/big")
	sk http-post "${ca[@]}" -d 'a=1&b=2' "$SINKS/t"
	same "text rc" "$RC" 0
	same "text answer" "$(cat "$T/out")" "7 $(printf 'a=1&b=2' | sha256sum | cut -d' ' -f1)"
	sk http-post "${ca[@]}" -d "@$T/big" "$SINKS/f"
	same "file answer" "$(cat "$T/out")" "3145728 $big"
	run_io p --stdin <(cat "$T/big") "$SOCKIT" http-put "${ca[@]}" -T - "$SINKS/p"
	rc_is p 0
	same "pipe answer" "$(cat "$T/p.out")" "3145728 $big"
	sk http-post "${ca[@]}" --data-json '{"k": [1, "v"]}' "$SINKS/j"
	same "json rc" "$RC" 0
	is "$T/body.4" '{"k": [1, "v"]}'
	random_file "$T/part.bin" 300000
	sk http-post "${ca[@]}" -F a=b -F "f=@$T/part.bin" "$SINKS/form"
	same "form rc" "$RC" 0
	# the file part's bytes, between its head and the closing delimiter, are the file's
	python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
i = b.index(b"\r\n\r\n", b.index(b"filename=")) + 4
assert b[i:b.rindex(b"\r\n--")] == open(sys.argv[2], "rb").read()
assert b.startswith(b"--sockit-") and b"name=\"a\"\r\n\r\nb\r\n" in b' "$T/body.5" "$T/part.bin"
	same "sunk" "$(sunk | cut -d' ' -f1-4,6)" "$(printf '%s\n' 'POST /t length 7 false' \
		'POST /f length 3145728 true' 'PUT /p chunked 3145728 true' \
		'POST /j length 15 false' "POST /form length $(stat -c %s "$T/body.5") false")"
}

@test "tls: Expect: 100-continue over https: 100 then the body, an early 401, silence for 1 s" {
	tls_sink
	local ca=(--cacert "$PKI/ca.pem")
	random_file "$T/big" $((2 * 1024 * 1024))
	# python's server sends its session tickets first: they are no answer to the Expect
	sk http-put -v "${ca[@]}" -T "$T/big" "$SINKS/go"
	same rc "$RC" 0
	grep -q '^sockit: http-put: 100 Continue: sending the body$' "$T/err"
	same answer "$(cat "$T/out")" "2097152 $(sha "$T/big")"
	sk http-put "${ca[@]}" -T "$T/big" --write-out '%{http_code} %{size_upload}\n' "$SINKS/expect-401"
	same "401 rc" "$RC" 0
	same "401 out" "$(cat "$T/out")" "$(printf 'no\n401 0')"
	[ "$(jq -r 'select(.target == "/expect-401") | .received' "$T/requests.jsonl")" -lt 65536 ]
	start=$(now_us)
	sk http-put -v "${ca[@]}" -T "$T/big" "$SINKS/ignore-expect"
	same "ignored rc" "$RC" 0
	[ "$(ms_since "$start")" -ge 1000 ] && [ "$(ms_since "$start")" -lt 5000 ]
	grep -q '^sockit: http-put: no 100 Continue within 1 s: sending the body anyway$' "$T/err"
	same "ignored answer" "$(cat "$T/out")" "2097152 $(sha "$T/big")"
}

@test "tls: -L 307 from http to https sends the body again, over TLS" {
	tls_sink
	local tls_port=$PEER_PORT
	mkdir "$T/plain"
	start_peer plain python3 "$PEERS/body_sink.py" "$T/plain"
	random_file "$T/big" $((3 * 1024 * 1024))
	sk http-post -L --cacert "$PKI/ca.pem" -d "@$T/big" \
		"http://127.0.0.1:$PEER_PORT/redirect/307/https:~~127.0.0.1:$tls_port~kept"
	same rc "$RC" 0
	same answer "$(cat "$T/out")" "3145728 $(sha "$T/big")"
	same "plain" "$(jq -r '[.method, .length] | join(" ")' "$T/plain/requests.jsonl")" "POST 3145728"
	same "tls" "$(sunk | cut -d' ' -f1-4)" "POST /kept length 3145728"
}

@test "tls: nginx over https takes PUT bodies whole: a file after 100 Continue, a pipe chunked" {
	start_nginx_tls 'dav_methods PUT DELETE; client_max_body_size 0;'
	local u=https://127.0.0.1:$NGS_PORT
	random_file "$T/f" $((20 * 1024 * 1024))
	sk http-put -v --cacert "$PKI/ca.pem" -T "$T/f" --write-out '%{http_code} %{size_upload}' "$u/file.bin"
	same rc "$RC" 0
	same out "$(cat "$T/out")" "201 20971520"
	grep -q '^sockit: http-put: 100 Continue: sending the body$' "$T/err"
	same_file "$T/f" "$NGX/file.bin"
	run_io p --stdin <(cat "$T/f") "$SOCKIT" http-put --cacert "$PKI/ca.pem" -T - "$u/pipe.bin"
	rc_is p 0
	same_file "$T/f" "$NGX/pipe.bin"
	sk http-delete --cacert "$PKI/ca.pem" "$u/pipe.bin"
	same "delete rc" "$RC" 0
	[ ! -e "$NGX/pipe.bin" ]
}

@test "tls: --retry waits until a Retry-After HTTP date (an https server's 503), then takes the 200" {
	cat >"$T/later.py" <<'PY'
import email.utils, http.server, ssl, sys, time
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_GET(self):
        H.n += 1
        if H.n == 1:
            self.send_response(503)
            self.send_header("Retry-After", email.utils.formatdate(time.time() + 3, usegmt=True))
            body = b"later\n"
        else:
            self.send_response(200)
            body = b"now\n"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("port", srv.server_address[1], flush=True)
srv.serve_forever()
PY
	start_peer later python3 "$T/later.py" "$PKI/srv.pem" "$PKI/srv.key"
	local start
	start=$(now_us)
	run_io get timeout 20 "$SOCKIT" http-get -v --retry 1 --cacert "$PKI/ca.pem" "https://127.0.0.1:$PEER_PORT/"
	rc_is get 0
	file_is "$T/get.out" now
	grep -Eq '^sockit: http-get: retry 1 of 1 in [23] s: 503 Service Unavailable$' "$T/get.err"
	[ "$(ms_since "$start")" -ge 2000 ]
}
