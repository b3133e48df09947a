#!/usr/bin/env bats
# 42-bodies: http-post, http-put, http-delete (sockit(1), http-post) against real peers:
# tests/peers/body_sink.py records each request's method, headers and exact body bytes,
# whether it came chunked and whether Expect: 100-continue was answered.

load helpers

# start_sink [--unix PATH]: the recording server; sets SINK (its base URL).
start_sink() {
	start_peer sink python3 "$PEERS/body_sink.py" "$T" "$@"
	SINK=http://127.0.0.1:$PEER_PORT
}

# req N FILTER: jq FILTER on the Nth request the sink recorded.
req() {
	sed -n "${1}p" "$T/requests.jsonl" | jq -r "$2"
}

# header N NAME: the value of header NAME (any case) of the Nth request, or nothing.
header() {
	req "$1" ".headers[] | select(.[0] | ascii_downcase == \"$2\") | .[1]"
}

# nreqs: how many requests the sink recorded.
nreqs() {
	if [ -f "$T/requests.jsonl" ]; then wc -l <"$T/requests.jsonl"; else echo 0; fi
}

# peak_kb: the peak RSS of the last /usr/bin/time -v run, from $T/time.
peak_kb() {
	sed -n 's/^.*Maximum resident set size (kbytes): //p' "$T/time"
}

@test "-d TEXT: POST with Content-Length, the urlencoded type and the bytes as they are" {
	start_sink
	sk http-post -d 'a=1&b= two' "$SINK/form"
	same rc "$RC" 0
	same method "$(req 1 .method)" POST
	same framing "$(req 1 .framing)" length
	same length "$(header 1 content-length)" 10
	same type "$(header 1 content-type)" application/x-www-form-urlencoded
	same expect "$(req 1 .expect)" false
	is "$T/body.1" 'a=1&b= two'
	# the response body is the output, as http-get's
	same out "$(cat "$T/out")" "10 $(printf '%s' 'a=1&b= two' | sha256sum | cut -d' ' -f1)"
	# -d '' is an empty body, still with its length
	sk http-post -d '' "$SINK/empty"
	same "empty length" "$(header 2 content-length)" 0
	same "empty framing" "$(req 2 .framing)" length
	# a -H Content-Type replaces the default one
	sk http-put -d x -H 'Content-Type: text/plain' "$SINK/t"
	same "put type" "$(header 3 content-type)" text/plain
	same "put method" "$(req 3 .method)" PUT
}

@test "http-delete and a body-less http-post: DELETE without a length, POST with 0" {
	start_sink
	sk http-delete -i "$SINK/item/7"
	same rc "$RC" 0
	same method "$(req 1 .method)" DELETE
	same framing "$(req 1 .framing)" none
	same status "$(head -n 1 "$T/out")" "HTTP/1.1 200 X"
	sk http-post "$SINK/poke"
	same "post length" "$(header 2 content-length)" 0
}

@test "-d @FILE, -d @- and -T: a file (or stdin that is one) goes with its size, a pipe chunked" {
	start_sink
	random_file "$T/blob" 300000
	printf 'bin\0ary\r\n' >>"$T/blob"
	sk http-post -d "@$T/blob" "$SINK/a"
	same "file framing" "$(req 1 .framing)" length
	same "file length" "$(header 1 content-length)" 300009
	same_file "$T/blob" "$T/body.1"
	timeout 20 "$SOCKIT" http-put -T - "$SINK/b" <"$T/blob" >/dev/null
	same "stdin file framing" "$(req 2 .framing)" length
	same_file "$T/blob" "$T/body.2"
	run_io c --stdin <(cat "$T/blob") "$SOCKIT" http-post -d @- "$SINK/c"
	same "pipe framing" "$(req 3 .framing)" chunked
	same_file "$T/blob" "$T/body.3"
	# stdin already read into: the body is the rest of it (as curl -T -)
	(head -c 9 >/dev/null && timeout 20 "$SOCKIT" http-put -T - "$SINK/d" >/dev/null) <"$T/blob"
	tail -c +10 "$T/blob" >"$T/rest"
	same_file "$T/rest" "$T/body.4"
	# %{size_upload} is the body's size, %{speed_upload} its rate
	sk http-put -T "$T/blob" --write-out 'up=%{size_upload} %{speed_upload}\n' "$SINK/e"
	read -r up speed < <(sed -n 's/^up=//p' "$T/out")
	same size_upload "$up" 300009
	[ "$speed" -gt 0 ]
}

@test "100 MB -d @FILE and -T - from a pipe: byte for byte, in flat memory" {
	start_sink
	head -c $((100 * 1024 * 1024)) /dev/urandom >"$T/big"
	want=$(sha "$T/big")
	/usr/bin/time -v -o "$T/time" timeout 60 "$SOCKIT" http-post -d "@$T/big" "$SINK/big" \
		>"$T/out" 2>"$T/err"
	same "file answer" "$(cat "$T/out")" "104857600 $want"
	same "file sha" "$(req 1 .sha256)" "$want"
	same "file framing" "$(req 1 .framing)" length
	[ "$(peak_kb)" -lt "$(mem_bound 12000)" ] || { echo "peak RSS $(peak_kb) kB" >&2 && false; }
	/usr/bin/time -v -o "$T/time" timeout 60 "$SOCKIT" http-put -T - "$SINK/pipe" \
		< <(cat "$T/big") >"$T/out" 2>"$T/err"
	same "pipe answer" "$(cat "$T/out")" "104857600 $want"
	same "pipe framing" "$(req 2 .framing)" chunked
	[ "$(peak_kb)" -lt "$(mem_bound 12000)" ] || { echo "peak RSS $(peak_kb) kB" >&2 && false; }
}

@test "nginx takes PUT bodies whole: a file with its length, a pipe chunked, after 100 Continue" {
	start_nginx 'dav_methods PUT; client_max_body_size 0;'
	random_file "$T/f" $((20 * 1024 * 1024))
	sk http-put -v -T "$T/f" --write-out '%{http_code} %{size_upload}' "$NGX_URL/file.bin"
	same rc "$RC" 0
	same out "$(cat "$T/out")" "201 20971520"
	grep -q '^sockit: http-put: 100 Continue: sending the body$' "$T/err"
	same_file "$T/f" "$NGX/file.bin"
	run_io p --stdin <(cat "$T/f") "$SOCKIT" http-put -T - "$NGX_URL/pipe.bin"
	rc_is p 0
	same_file "$T/f" "$NGX/pipe.bin"
	# a body nginx refuses (PUT onto a directory) is answered, not hung on
	sk http-put -f -d x "$NGX_URL/dir/"
	same "refused rc" "$RC" 1
}

@test "--data-json: checked before connecting (exit 2), sent as JSON asking for JSON" {
	start_sink
	sk http-post --data-json '{"a": [1, 2.5e3, "\u00e9"], "b": null}' "$SINK/j"
	same rc "$RC" 0
	same type "$(header 1 content-type)" application/json
	same accept "$(header 1 accept)" application/json
	is "$T/body.1" '{"a": [1, 2.5e3, "\u00e9"], "b": null}'
	sk http-post --data-json '{"a": [1, 2}' "$SINK/j"
	same "bad rc" "$RC" 2
	same "bad message" "$(cat "$T/err")" \
		"sockit: http-post: invalid JSON for --data-json at byte 11: expected ',' or ']'"
	printf '[1,\n' >"$T/bad.json"
	sk http-post --data-json "@$T/bad.json" "$SINK/j"
	same "bad file rc" "$RC" 2
	same "bad file message" "$(cat "$T/err")" \
		"sockit: http-post: invalid JSON for --data-json at byte 4: the text ends early"
	same "nothing sent" "$(nreqs)" 1
	# a pipe is checked too, and still sent with its length
	run_io p --stdin <(printf '{"k":"v"}') "$SOCKIT" http-put --data-json @- "$SINK/p"
	same "pipe framing" "$(req 2 .framing)" length
	is "$T/body.2" '{"k":"v"}'
	run_io p --stdin <(printf '{"k":') "$SOCKIT" http-put --data-json @- "$SINK/p"
	same "bad pipe rc" "$RC" 2
}

@test "-F: multipart/form-data as python's email parser reads it back" {
	start_sink
	printf 'col1,col2\n1,2\n' >"$T/data.csv"
	random_file "$T/pic.png" 5000
	sk http-post -F 'a"b=x' -F "sheet=@$T/data.csv" -F "img=@$T/pic.png" \
		-F 'empty=' "$SINK/up"
	same rc "$RC" 0
	same framing "$(req 1 .framing)" length
	python3 - "$T/body.1" "$(header 1 content-type)" "$T" >"$T/parsed" <<'EOF'
import email, email.policy, sys
body, ctype, t = open(sys.argv[1], "rb").read(), sys.argv[2], sys.argv[3]
msg = email.message_from_bytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body,
                               policy=email.policy.HTTP)
assert msg.is_multipart()
for part in msg.iter_parts():
    data = part.get_payload(decode=True)
    print(part.get_param("name", header="content-disposition"),
          part.get_filename(), part.get_content_type(), len(data))
    if part.get_filename():
        assert data == open(t + "/" + part.get_filename(), "rb").read()
EOF
	file_is "$T/parsed" "a%22b None text/plain 1" \
		"sheet data.csv text/csv 14" "img pic.png image/png 5000" "empty None text/plain 0"
	grep -q '^Content-Disposition: form-data; name="a%22b"' "$T/body.1"
	same "declared length" "$(header 1 content-length)" "$(stat -c %s "$T/body.1")"
}

@test "one body per request; an unreadable body is exit 7 before connecting" {
	start_sink
	usage_error "sockit: http-post: one body per request: cannot use -d and --data-json together" \
		http-post -d a --data-json 1 "$SINK/x"
	usage_error "sockit: http-put: one body per request: cannot use -d and -T together" \
		http-put -d a -T /etc/hostname "$SINK/x"
	usage_error "sockit: http-post: one body per request: cannot use -d and -d together" \
		http-post -d a -d b "$SINK/x"
	usage_error "sockit: http-post: invalid -F 'novalue': NAME=VALUE or NAME=@FILE" \
		http-post -F novalue "$SINK/x"
	usage_error "sockit: http-put: cannot read both --write-out and -T from stdin" \
		http-put -T - --write-out @- "$SINK/x"
	sk http-post -d "@$T/missing" "$SINK/x"
	same rc "$RC" 7
	same message "$(cat "$T/err")" \
		"sockit: http-post: cannot read '$T/missing': No such file or directory"
	sk http-post -F "f=@$T" "$SINK/x"
	same "dir rc" "$RC" 7
	same "nothing sent" "$(nreqs)" 0
}

@test "Expect: 100-continue: an early 401 ends the upload; a server that ignores it gets the body after 1 s" {
	start_sink
	head -c $((8 * 1024 * 1024)) /dev/urandom >"$T/big"
	sk http-put -T "$T/big" --write-out '%{http_code} %{size_upload}\n' "$SINK/expect-401"
	same rc "$RC" 0
	same out "$(cat "$T/out")" "$(printf 'no\n401 0')"
	same expect "$(req 1 .expect)" true
	# the server saw none of the body (far fewer bytes than its 8 MiB)
	[ "$(req 1 .received)" -lt 65536 ]
	sk http-put -f -T "$T/big" "$SINK/expect-401"
	same "fail rc" "$RC" 1
	# a server that never answers the Expect: the body goes anyway, after 1 s
	start=$(now_us)
	sk http-put -v -T "$T/big" "$SINK/ignore-expect"
	same "ignored rc" "$RC" 0
	[ "$(ms_since "$start")" -ge 1000 ]
	grep -q '^sockit: http-put: no 100 Continue within 1 s: sending the body anyway$' "$T/err"
	same "ignored sha" "$(req 3 .sha256)" "$(sha "$T/big")"
	same "not continued" "$(req 3 .continued)" false
	# small bodies do not ask
	sk http-post -d small "$SINK/x"
	same "small expect" "$(req 4 .expect)" false
	# -H 'Expect:' sends none, however large the body
	sk http-put -H 'Expect:' -T "$T/big" "$SINK/y"
	same "no expect" "$(header 5 expect)" ""
	same "no expect sha" "$(req 5 .sha256)" "$(sha "$T/big")"
}

@test "-L: 301/302/303 after POST become a GET without a body; 307/308 keep both" {
	start_sink
	for code in 301 302 303; do
		sk http-post -L -d payload "$SINK/redirect/$code/~to~$code"
		same "$code rc" "$RC" 0
	done
	same "redirected methods" "$(jq -r '[.method, .target, .framing] | join(" ")' "$T/requests.jsonl")" \
		"$(printf '%s\n' 'POST /redirect/301/~to~301 length' 'GET /to/301 none' \
			'POST /redirect/302/~to~302 length' 'GET /to/302 none' \
			'POST /redirect/303/~to~303 length' 'GET /to/303 none')"
	for code in 307 308; do
		sk http-post -L -d payload "$SINK/redirect/$code/~again"
		same "$code rc" "$RC" 0
	done
	same "kept" "$(tail -n 4 "$T/requests.jsonl" | jq -r '[.method, .target, .length] | join(" ")')" \
		"$(printf '%s\n' 'POST /redirect/307/~again 7' 'POST /again 7' \
			'POST /redirect/308/~again 7' 'POST /again 7')"
	# PUT keeps its method on 301; 303 turns it into GET
	sk http-put -L -d x "$SINK/redirect/301/~p"
	same "put 301" "$(req 12 .method)" PUT
	# a file body is sent again whole
	random_file "$T/f" 100000
	sk http-put -L -T "$T/f" "$SINK/redirect/307/~f"
	same "file again" "$(req 14 .sha256)" "$(sha "$T/f")"
	# a pipe's body cannot be
	run_io p --stdin <(printf 'once') "$SOCKIT" http-post -L -d @- "$SINK/redirect/307/~x"
	same "pipe rc" "$RC" 6
	same "pipe message" "$(cat "$T/p.err")" \
		"sockit: http-post: cannot send the body again (it came from stdin)"
}

@test "--unix-socket: the request goes to the socket, Host still from the URL" {
	start_sink --unix "$T/api.sock"
	sk http-post --unix-socket "$T/api.sock" -d '{}' http://docker.example/v1.43/containers/create
	same rc "$RC" 0
	same host "$(header 1 host)" docker.example
	same target "$(req 1 .target)" /v1.43/containers/create
	sk http-get --unix-socket "$T/api.sock" http://localhost:8080/info
	same "get host" "$(header 2 host)" localhost:8080
	sk http-get --unix-socket "$T/nothing.sock" http://localhost/
	same "missing rc" "$RC" 4
}

@test "--retry: 503 with Retry-After, then 200; -v says each retry; %{num_retries}" {
	start_sink
	sk http-post -v --retry 3 -d body --write-out '%{http_code} %{num_retries}\n' \
		"$SINK/status/503/2/0"
	same rc "$RC" 0
	same out "$(tail -n 1 "$T/out")" "200 2"
	same "tries" "$(nreqs)" 3
	same "each with the body" "$(jq -r .length "$T/requests.jsonl" | sort -u)" 4
	same "said" "$(grep -c '^sockit: http-post: retry [12] of 3 in 0 s: 503 X$' "$T/err")" 2
	# the pauses double from 1 s without Retry-After
	start=$(now_us)
	sk http-get -v --retry 1 "$SINK/status/500/1"
	same "500 rc" "$RC" 0
	grep -q '^sockit: http-get: retry 1 of 1 in 1 s: 500 X$' "$T/err"
	[ "$(ms_since "$start")" -ge 1000 ]
	# out of tries: the last answer is the answer
	sk http-get -f --retry 1 "$SINK/status/502/5/0"
	same "502 rc" "$RC" 1
	same "502 message" "$(cat "$T/err")" "sockit: http-get: 502 X"
	# a 404 is not retried
	n=$(nreqs)
	sk http-get --retry 3 "$SINK/status/404"
	same "404 tries" "$(($(nreqs) - n))" 1
	# refused every time: one error, the last, once the tries are used up
	port=$(free_port)
	sk http-post --retry 1 -d x --write-out '%{num_retries}\n' "http://127.0.0.1:$port/"
	same "refused rc" "$RC" 4
	same "refused out" "$(cat "$T/out")" 1
	same "refused err" "$(cat "$T/err")" \
		"sockit: http-post: 127.0.0.1 port $port: Connection refused"
}

@test "--retry: a server that starts late is reached; a reset during a stdin body is not retried" {
	port=$(free_port)
	mkdir "$T/www"
	echo up >"$T/www/index.html"
	start_bg client "$SOCKIT" http-get -v --retry 4 "http://127.0.0.1:$port/"
	wait_for "$T/client.err" 'retry 1 of 4 in 1 s: .*Connection refused'
	start_peer web python3 -u -c 'import http.server, functools, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), h)
print("ready", flush=True)
s.serve_forever()' "$port" "$T/www"
	wait_exit "$BG_PID" 30
	same rc "$EXIT" 0
	same out "$(cat "$T/client.out")" up
	# a pipe's body, partly sent when the connection is reset: exit 4, not sent again
	start_sink
	run_io r --stdin <(head -c 3000000 /dev/urandom) "$SOCKIT" http-put --retry 3 -T - \
		"$SINK/reset-body"
	same "reset rc" "$RC" 4
	same "one try" "$(nreqs)" 1
}

@test "through tinyproxy: a POST body arrives whole" {
	start_tinyproxy
	start_sink
	random_file "$T/f" 2000000
	sk http-post --proxy "http://127.0.0.1:$TP_PORT" -d "@$T/f" "$SINK/via"
	same rc "$RC" 0
	same method "$(req 1 .method)" POST
	same sha "$(req 1 .sha256)" "$(sha "$T/f")"
	same out "$(cat "$T/out")" "2000000 $(sha "$T/f")"
}

@test "curl's habits: -X and -d on http-get, --json on http-post" {
	usage_error "sockit: http-get: -X: the command is the method: sockit http-get, http-head, http-post, http-put, http-delete; for other methods use curl" \
		http-get -X POST http://127.0.0.1:9/
	usage_error "sockit: http-get: -d: a request body is sent by sockit http-post -d DATA (or http-put -d, -T FILE)" \
		http-get -d a=b http://127.0.0.1:9/
	usage_error "sockit: http-post: --json: --json is sockit's report format; JSON is sent by --data-json TEXT (or @FILE)" \
		http-post --json '{}' http://127.0.0.1:9/
	usage_error "sockit: http-get: -T: an upload is sockit http-put -T FILE (http-post -d @FILE posts one)" \
		http-get -T f http://127.0.0.1:9/
}
