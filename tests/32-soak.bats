#!/usr/bin/env bats
# 32-soak: one calc server under a long load: 1 000 000 pipelined requests over 100
# connections, with closes and resets mixed in. Its memory after the load is what it was
# once warm, and every descriptor it opened is closed again.

load helpers

@test "soak: 1 000 000 calc requests over 100 connections with resets: all right; RSS and fds back" {
	local fd0 rss_warm rss_end
	start_server serve -p calc 127.0.0.1 0
	fd0=$(fd_count "$SERVER_PID")
	hold_fifo "$T/go"
	start_bg soak --stdin "$T/go" timeout 60 python3 "$PEERS/soak.py" 127.0.0.1 "$PORT" \
		--requests 1000000 --conns 100 --warm 10000
	wait_for "$T/soak.out" '^warm$' 20
	rss_warm=$(proc_kb "$SERVER_PID" VmRSS)
	echo go >&9
	wait_exit "$BG_PID" 60
	[ "$EXIT" -eq 0 ] || { cat "$T/soak.err" >&2 && return 1; }
	[[ $(tail -n 1 "$T/soak.out") =~ ^done\ [0-9]+\ ([0-9]+)\ ([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -gt 100 ] && [ "${BASH_REMATCH[2]}" -gt 100 ]
	# the server closes its side of the last connections as it reads their EOFs
	eventually fds_at_most "$SERVER_PID" "$fd0" || true # the assertion below shows the count
	rss_end=$(proc_kb "$SERVER_PID" VmRSS)
	echo "$(tail -n 1 "$T/soak.out") (answered, resets, closes); RSS warm $rss_warm kB, end $rss_end kB; fds $fd0 -> $(fd_count "$SERVER_PID")" >&3
	[ "$(fd_count "$SERVER_PID")" -eq "$fd0" ]
	[ "$rss_end" -le $((rss_warm + $(mem_bound 1024))) ]
	[ "$rss_end" -ge $((rss_warm - $(mem_bound 1024))) ]
	kill -0 "$SERVER_PID"
}
