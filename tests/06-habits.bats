#!/usr/bin/env bats
# shellcheck disable=SC2153 # PORT, SERVER_PID, RC: set by helpers
# 06-habits: the flags of nc, curl, wget, dig and wait-for-it that sockit spells
# differently, and other tools' command words (sockit(1), COMING FROM NC OR CURL): each is
# answered with exactly one line naming sockit's way, exit 2,
# never a bare "unknown option" and never silently something else; sockit's own
# meanings of the same letters still work.

load helpers

bats_require_minimum_version 1.5.0

TLS_WHERE="TLS is connect --tls, serve --tls, https:// URLs and wait tls://HOST:PORT (sockit(1), TLS)"
TLS_ON="--tls is all it takes: TLS 1.2 or later, always verified"
TLS_HTTP="https:// URLs speak TLS (1.2 or later, always verified): no flag needed"
TLS_SERVE="--tls --cert FILE is all it takes: TLS 1.2 or later"
BODY="a request body is sent by sockit http-post -d DATA (or http-put -d, -T FILE)"
DEADLINE="the deadline of the whole command is --max-time SECS (-w: connect and idle)"
QUIET="sockit shows no progress unless asked; -q also hides diagnostics"

# habit 'LINE' ARGS...: `sockit ARGS` is exit 2 with nothing on stdout and exactly LINE
# (one line) on stderr. The peers named do not exist: a hint comes before any network use.
habit() {
	local want=$1
	shift
	run_io h "$SOCKIT" "$@"
	rc_is h 2 || return 1
	file_is "$T/h.out" || return 1
	file_is "$T/h.err" "$want" || { echo "for: sockit $*" >&2 && return 1; }
}

@test "habits: nc's flags on connect and serve" {
	while IFS='|' read -r line args; do
		# shellcheck disable=SC2086 # the words of args
		habit "$line" $args
	done <<'EOF'
sockit: connect: -l: sockit serve listens; give the port as an argument|connect -l 127.0.0.1 9
sockit: connect: -l: sockit serve listens; give the port as an argument|connect -lvp 8080
sockit: serve: -l: sockit serve listens; give the port as an argument|serve -l 8080
sockit: serve: -l: sockit serve listens; give the port as an argument|serve -l -p 8080
sockit: http-get: -l: sockit serve listens; give the port as an argument|http-get -l x
sockit: connect: -p: nc's source port is -s :PORT here|connect -p 5555 127.0.0.1 9
sockit: serve: -p: the protocol (--proto NAME), not the port; give the port as an argument: sockit serve PORT|serve -p 8080
sockit: serve: -p: the protocol (--proto NAME), not the port; give the port as an argument: sockit serve PORT|serve -p8080
sockit: serve: -p: the protocol (--proto NAME), not the port; give the port as an argument: sockit serve PORT|serve -k -p 0
sockit: connect: -q: --quiet here, not nc's quit delay: that is --linger SECS|connect -q 1 127.0.0.1 9
sockit: connect: -q: --quiet here, not nc's quit delay: that is --linger SECS|connect -q0.5 127.0.0.1 9
sockit: connect: -q: --quiet here, not nc's quit delay: that is --linger SECS|connect -vq 3 127.0.0.1 9
sockit: connect: -X: nc's proxy is one URL here: -X 5 -x HOST:PORT is --proxy socks5://HOST:PORT (-X 4: socks4://, -X connect: http://)|connect -X 5 -x 127.0.0.1:1080 127.0.0.1 9
sockit: connect: -X: nc's proxy is one URL here: -X 5 -x HOST:PORT is --proxy socks5://HOST:PORT (-X 4: socks4://, -X connect: http://)|connect -x 127.0.0.1:1080 -X connect 127.0.0.1 9
sockit: connect: -d: to send nothing, give sockit connect stdin </dev/null|connect -d 127.0.0.1 9
sockit: connect: -k: a server that stays open is sockit serve -k|connect -k 127.0.0.1 9
sockit: connect: -N: sockit half-closes at stdin EOF already (--no-shutdown keeps it open)|connect -N 127.0.0.1 9
sockit: connect: -n: sockit never looks up a numeric address; drop -n|connect -nv 127.0.0.1 9
EOF
}

@test "habits: curl's flags on http-get and http-head" {
	while IFS='|' read -r line args; do
		# shellcheck disable=SC2086 # the words of args
		habit "$line" $args
	done <<EOF
sockit: http-get: -s: $QUIET|http-get -s http://127.0.0.1:9/
sockit: http-get: -s: $QUIET|http-get -sS http://127.0.0.1:9/
sockit: http-head: --silent: $QUIET|http-head --silent http://127.0.0.1:9/
sockit: http-get: -S: sockit always prints errors; drop -S|http-get -S http://127.0.0.1:9/
sockit: http-get: -I: the headers alone: sockit http-head URL|http-get -I http://127.0.0.1:9/
sockit: connect: -I: the headers alone: sockit http-head URL|connect -I 127.0.0.1 9
sockit: http-get: -m: $DEADLINE|http-get -m 5 http://127.0.0.1:9/
sockit: http-head: -m: $DEADLINE|http-head -m5 http://127.0.0.1:9/
sockit: connect: -m: $DEADLINE|connect -m 5 127.0.0.1 9
sockit: http-get: -d: $BODY|http-get -d a=b http://127.0.0.1:9/
sockit: http-get: --data: $BODY|http-get --data a=b http://127.0.0.1:9/
sockit: http-get: --data-binary: $BODY|http-get --data-binary=@f http://127.0.0.1:9/
sockit: http-get: -w: the timeout (SECS) here; curl's -w FORMAT is --write-out FORMAT|http-get -w %{http_code} http://127.0.0.1:9/
sockit: http-head: -w: the timeout (SECS) here; curl's -w FORMAT is --write-out FORMAT|http-head -w code=%{http_code}\\n http://127.0.0.1:9/
sockit: http-get: -X: the command is the method: sockit http-get, http-head, http-post, http-put, http-delete; for other methods use curl|http-get -X POST http://127.0.0.1:9/
sockit: http-get: -x: a proxy is --proxy http://HOST:PORT|http-get -x 127.0.0.1:3128 http://127.0.0.1:9/
sockit: http-get: -k: curl's -k is --insecure here|http-get -k https://127.0.0.1:9/
sockit: wait: -k: curl's -k is --insecure here|wait -k tls://127.0.0.1:9
sockit: http-get: --pinnedpubkey: curl's --pinnedpubkey is --pin sha256//BASE64 here|http-get --pinnedpubkey x https://127.0.0.1:9/
sockit: connect: --ssl-trustfile: ncat's --ssl-trustfile is --cacert FILE here|connect --ssl --ssl-trustfile ca.pem 127.0.0.1 9
sockit: connect: --ssl-verify: --tls always verifies (--insecure: not at all)|connect --ssl --ssl-verify 127.0.0.1 9
EOF
}

@test "habits: more of curl, wget, dig, wait-for-it, nc and ncat" {
	while IFS='|' read -r line args; do
		# shellcheck disable=SC2086 # the words of args
		habit "$line" $args
	done <<'EOF'
sockit: http-get: --head: the headers alone: sockit http-head URL|http-get --head http://127.0.0.1:9/
sockit: http-get: -u: send -H 'Authorization: Basic BASE64(USER:PASS)' (a proxy's: --proxy-user)|http-get -u a:b http://127.0.0.1:9/
sockit: http-head: --user: send -H 'Authorization: Basic BASE64(USER:PASS)' (a proxy's: --proxy-user)|http-head --user=a:b http://127.0.0.1:9/
sockit: http-get: -D: the headers go to stdout: http-get -i before the body, http-head alone|http-get -D - http://127.0.0.1:9/
sockit: http-get: --dump-header: the headers go to stdout: http-get -i before the body, http-head alone|http-get --dump-header h.txt http://127.0.0.1:9/
sockit: http-get: --compressed: sockit asks for no compression and decodes none; drop --compressed|http-get --compressed http://127.0.0.1:9/
sockit: http-get: --json: http-get's JSON is --write-out '%{json}'; http-head --json prints each response's|http-get --json http://127.0.0.1:9/
sockit: http-get: -O: the body goes to stdout already; -O here writes a file named after the URL|http-get -O- http://127.0.0.1:9/
sockit: http-get: -O: the body goes to stdout already; -O here writes a file named after the URL|http-get -qO- http://127.0.0.1:9/
sockit: http-get: -O: the body goes to stdout already; -O here writes a file named after the URL|http-get -O - http://127.0.0.1:9/
sockit: http-get: --spider: to check that a URL is there: sockit http-head -f URL|http-get --spider http://127.0.0.1:9/
sockit: http-get: --tries: sockit tries once; sockit wait -w SECS URL waits until it answers|http-get --tries=3 http://127.0.0.1:9/
sockit: resolve: -t: sockit resolve gives addresses only (-4: A, -6: AAAA); use dig for other records|resolve -t MX 127.0.0.1
sockit: resolve: -x: a reverse lookup is sockit resolve -r ADDRESS|resolve -x 127.0.0.1
sockit: resolve: +short: sockit resolve prints the bare addresses already (-l: more)|resolve +short 127.0.0.1
sockit: resolve: +short: sockit resolve prints the bare addresses already (-l: more)|resolve 127.0.0.1 +short
sockit: resolve: @192.0.2.1: sockit resolve asks the system's resolver (/etc/hosts, /etc/resolv.conf); to ask one server, use dig @SERVER|resolve @192.0.2.1 127.0.0.1
sockit: wait: -t: the timeout is -w SECS here|wait 127.0.0.1:9 -t 15
sockit: connect: -t: sockit speaks TCP unless -u, and no telnet negotiation|connect -t 127.0.0.1 9
sockit: serve: -t: sockit speaks TCP unless -u, and no telnet negotiation|serve -t 0
sockit: connect: -i: sockit sends as it reads, with no delay between lines; pace what you pipe in|connect -i 1 127.0.0.1 9
sockit: connect: --send-only: to only send, throw what arrives away: >/dev/null|connect --send-only 127.0.0.1 9
sockit: connect: --recv-only: to only receive, give stdin </dev/null (--no-shutdown: the peer sees no EOF)|connect --recv-only 127.0.0.1 9
sockit: serve: --recv-only: to only receive, give stdin </dev/null|serve --recv-only 0
EOF
}

@test "habits: other tools' commands name sockit's" {
	while IFS='|' read -r line args; do
		# shellcheck disable=SC2086 # the words of args
		habit "$line" $args
	done <<'EOF'
sockit: 'get' is not a command; fetch a URL with sockit http-get URL|get http://127.0.0.1:9/
sockit: 'listen' is not a command; listen with sockit serve PORT|listen 8080
sockit: 'version' is not a command; the version is sockit --version|version
sockit: 'get' is not a command; fetch a URL with sockit http-get URL|help get
EOF
	# a near miss is still answered with the command it is near
	habit "sockit: 'conect' is not a command; did you mean 'connect'?" conect 127.0.0.1 9
}

@test "habits: other tools' TLS flags name sockit's way on every command" {
	for cmd in udp-send resolve; do
		for flag in --ssl --ssl-reqd --tls --tlsv1.2 --insecure --cacert; do
			habit "sockit: $cmd: $flag: $TLS_WHERE" "$cmd" "$flag" 127.0.0.1 9
		done
	done
	for cmd in serve echo; do
		for flag in --ssl-reqd --tlsv1.2; do
			habit "sockit: $cmd: $flag: $TLS_SERVE" "$cmd" "$flag" 9
		done
		habit "sockit: $cmd: --ssl-cert: ncat's --ssl-cert is --cert FILE here" "$cmd" --ssl-cert c.pem 9
	done
	for flag in --ssl-reqd --tlsv1.2 --tls-max; do
		habit "sockit: connect: $flag: $TLS_ON" connect "$flag" 127.0.0.1 9
	done
	for cmd in http-get http-head wait; do
		for flag in --ssl --ssl-reqd --tls --tlsv1.2; do
			habit "sockit: $cmd: $flag: $TLS_HTTP" "$cmd" "$flag" https://127.0.0.1:9/
		done
	done
	habit "sockit: http-get: --ssl-reqd: $TLS_HTTP" http-get --ssl-reqd=yes http://127.0.0.1:9/
}

@test "habits: sockit's own meanings of the same letters are kept" {
	# serve -q PORT: quiet, on that port (the listening line is printed even so)
	start_server serve -q 127.0.0.1 0
	file_is "$T/server.err" "sockit: listening on 127.0.0.1:$PORT"
	# serve -p NAME is the protocol
	start_named calc serve -p calc 127.0.0.1 0
	# connect -q HOST PORT: quiet, and -q before an address that is not a number
	run_io c "$SOCKIT" connect -q 127.0.0.1 "$PORT"
	rc_is c 0
	# connect -x is --hex, -s the source address; resolve -l is --long; udp-send -l --lines
	usage_error "sockit: connect: invalid source address '[' for -s" connect -s '[' 127.0.0.1 9
	run_io c "$SOCKIT" resolve -l 127.0.0.1
	rc_is c 0
	# http-get -w SECS is the timeout
	usage_error "sockit: http-get: invalid value 'x' for -w (seconds, e.g. 2 or 0.5)" http-get -w x http://127.0.0.1:9/
	# a flag neither nc nor curl has is still an unknown option, with the pointer to --help
	usage_error "sockit: connect: unknown option '-j'" connect -j 127.0.0.1 9
}

@test "habits: socat's TCP-LISTEN address, as a command or as serve's operands, names serve --to" {
	local socat="socat's TCP-LISTEN:PORT,fork TCP:HOST:PORT is sockit serve PORT --to HOST:PORT"
	habit "sockit: 'TCP-LISTEN:8080,fork' is not a command; $socat" TCP-LISTEN:8080,fork TCP:127.0.0.1:9
	habit "sockit: 'tcp4-listen:8080' is not a command; $socat" tcp4-listen:8080 TCP:127.0.0.1:9
	habit "sockit: serve: TCP-LISTEN:8080,fork: $socat" serve TCP-LISTEN:8080,fork TCP:127.0.0.1:9
}
