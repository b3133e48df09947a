#!/usr/bin/env bats
# 24-chat: `serve --proto chat` (sockit(1) "The chat protocol").
# The scripts are exact transcripts: each `NAME< line` is the next line that client
# receives (tests/peers/chat_driver.py), and a closing /who proves nothing else came.

load helpers

# chat [DRIVER-ARGS...] <SCRIPT: runs the chat driver against the server on $PORT.
chat() {
	timeout 120 python3 "$PEERS/chat_driver.py" "$@"
}

# log_is TEXT: the server's stdout (the room's log) is exactly TEXT and a newline.
log_is() {
	if ! cmp "$T/server.out" <(printf '%s\n' "$1"); then
		diff "$T/server.out" <(printf '%s\n' "$1") >&2
		return 1
	fi
}

@test "chat: three members: welcome, joined, lines, /nick, /who, /me, unknown, too long, operator, /quit, left" {
	hold_fifo "$T/in"
	start_server --stdin "$T/in" serve -p chat --max-line 64 127.0.0.1 0
	chat --stdin "$T/in" 127.0.0.1 "$PORT" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		connect B
		B< *** welcome guest-2, 2 online
		A< *** guest-2 joined
		connect C
		C< *** welcome guest-3, 3 online
		A< *** guest-3 joined
		B< *** guest-3 joined
		A> hello, room
		B< <guest-1> hello, room
		C< <guest-1> hello, room
		B> /nick bob
		A< *** guest-2 is now bob
		B< *** guest-2 is now bob
		C< *** guest-2 is now bob
		C> /nick BOB
		C< *** nick in use
		A> /who
		A< *** 3 online: guest-1 bob guest-3
		B> /me waves at everyone
		A< * bob waves at everyone
		C< * bob waves at everyone
		C> /dance
		C< *** unknown command
		A> 0123456789012345678901234567890123456789012345678901234567890123
		B< <guest-1> 0123456789012345678901234567890123456789012345678901234567890123
		C< <guest-1> 0123456789012345678901234567890123456789012345678901234567890123
		A> 01234567890123456789012345678901234567890123456789012345678901234
		A< *** line too long
		stdin> hello from the operator
		A< <server> hello from the operator
		B< <server> hello from the operator
		C< <server> hello from the operator
		C> /quit gotta go
		A< *** guest-3 left (gotta go)
		B< *** guest-3 left (gotta go)
		C<eof
		B> /who
		B< *** 2 online: guest-1 bob
		close A
		B< *** guest-1 left
		B> /who
		B< *** 1 online: bob
	EOF
	wait_for "$T/server.out" '^\*\*\* bob left$'
	log_is "*** guest-1 joined
*** guest-2 joined
*** guest-3 joined
<guest-1> hello, room
*** guest-2 is now bob
* bob waves at everyone
<guest-1> 0123456789012345678901234567890123456789012345678901234567890123
*** guest-3 left (gotta go)
*** guest-1 left
*** bob left"
}

# nick_table: each line of stdin is `COMMAND<TAB>REPLY`, sent by guest-2 while alice is in
# the room; a reply announcing a change (" is now ") reaches alice too.
nick_table() {
	local cmd rep
	{
		printf 'connect A\nA< *** welcome guest-1, 1 online\nA> /nick alice\n'
		printf 'A< *** guest-1 is now alice\n'
		printf 'connect B\nB< *** welcome guest-2, 2 online\nA< *** guest-2 joined\n'
		while IFS=$'\t' read -r cmd rep; do
			printf 'B> %s\nB< %s\n' "$cmd" "$rep"
			[[ "$rep" != *" is now "* ]] || printf 'A< %s\n' "$rep"
		done
		printf 'A> /who\nA< *** 2 online: alice Bob\n'
	} >"$T/script"
	chat 127.0.0.1 "$PORT" <"$T/script"
}

@test "chat: /nick: 1-32 of A-Za-z0-9_-, unique without regard to case, server and guest-N reserved" {
	local n32=abcdefghijklmnopqrstuvwxyz_-0123 n33=abcdefghijklmnopqrstuvwxyz_-01234
	start_server serve -p chat 127.0.0.1 0
	nick_table <<-EOF
		/nick	*** usage: /nick NAME
		/nick a b	*** invalid nick: 1-32 of A-Z a-z 0-9 _ -
		/nick a.b	*** invalid nick: 1-32 of A-Z a-z 0-9 _ -
		/nick caf$(printf '\xc3\xa9')	*** invalid nick: 1-32 of A-Z a-z 0-9 _ -
		/nick $n33	*** invalid nick: 1-32 of A-Z a-z 0-9 _ -
		/nick server	*** nick reserved
		/nick SERVER	*** nick reserved
		/nick guest-7	*** nick reserved
		/nick Guest-2	*** nick reserved
		/nick alice	*** nick in use
		/nick ALICE	*** nick in use
		/nick guest-	*** guest-2 is now guest-
		/nick guest-x1	*** guest- is now guest-x1
		/nick $n32	*** guest-x1 is now $n32
		/nick $n32	*** you are $n32 already
		/nick   bob  	*** $n32 is now bob
		/NICK Bob	*** bob is now Bob
	EOF
}

@test "chat: control bytes, C1, overlong and bidi are shown as \\xNN; '//' escapes a slash; blank lines are ignored" {
	hold_fifo "$T/in"
	start_server --stdin "$T/in" serve -p chat 127.0.0.1 0
	chat --stdin "$T/in" 127.0.0.1 "$PORT" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		connect B
		B< *** welcome guest-2, 2 online
		A< *** guest-2 joined
		A>> b"\x1b[31mred\x07 tab\tok\x7f bare\rcr \x00nul \xc2\x9b2J caf\xc3\xa9 \xe2\x82\xac\r\n"
		B<< b"<guest-1> \\x1b[31mred\\x07 tab\tok\\x7f bare\\x0dcr \\x00nul \\xc2\\x9b2J caf\xc3\xa9 \xe2\x82\xac"
		A>> b"c1 \x9b1m over \xc0\x9b \xe0\x80\x9b ls\xe2\x80\xa8 rlo\xe2\x80\xae lri\xe2\x81\xa6 bad\xff\xc3\n"
		B<< b"<guest-1> c1 \\x9b1m over \\xc0\\x9b \\xe0\\x80\\x9b ls\\xe2\\x80\\xa8 rlo\\xe2\\x80\\xae lri\\xe2\\x81\\xa6 bad\\xff\\xc3"
		A>> b"/me waves \x1b[2J\n"
		B<< b"* guest-1 waves \\x1b[2J"
		A> //not a command
		B< <guest-1> /not a command
		A>> b"\n   \n\t\r\n"
		stdin>> b"\n  \n"
		A> /WHO
		A< *** 2 online: guest-1 guest-2
		A> /me
		A< *** usage: /me TEXT
		A>> b"/me   \n"
		A< *** usage: /me TEXT
		A> /
		A< *** unknown command
		A> /mee
		A< *** unknown command
		stdin>> b"esc \x1b]0;title\x07 \xc2\x9b end\n"
		A< <server> esc \x1b]0;title\x07 \xc2\x9b end
		B< <server> esc \x1b]0;title\x07 \xc2\x9b end
		A> after the blanks
		B< <guest-1> after the blanks
		B>> b"/quit bye\xe2\x80\xae \n"
		A< *** guest-2 left (bye\xe2\x80\xae )
		B<eof
		A> /who
		A< *** 1 online: guest-1
	EOF
	wait_for "$T/server.out" '^\*\*\* guest-1 left$'
	log_is "*** guest-1 joined
*** guest-2 joined
<guest-1> \x1b[31mred\x07 tab	ok\x7f bare\x0dcr \x00nul \xc2\x9b2J café €
<guest-1> c1 \x9b1m over \xc0\x9b \xe0\x80\x9b ls\xe2\x80\xa8 rlo\xe2\x80\xae lri\xe2\x81\xa6 bad\xff\xc3
* guest-1 waves \x1b[2J
<guest-1> /not a command
<guest-1> after the blanks
*** guest-2 left (bye\xe2\x80\xae )
*** guest-1 left"
}

@test "chat: a half line then a disconnect says nothing; a member that resets has left" {
	start_server serve -p chat 127.0.0.1 0
	chat 127.0.0.1 "$PORT" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		connect B
		B< *** welcome guest-2, 2 online
		A< *** guest-2 joined
		connect C
		C< *** welcome guest-3, 3 online
		A< *** guest-3 joined
		B< *** guest-3 joined
		A>> b"half a line, never finished"
		close A
		B< *** guest-1 left
		C< *** guest-1 left
		C>> b"another half"
		reset C
		B< *** guest-3 left
		B> /who
		B< *** 1 online: guest-2
	EOF
	wait_for "$T/server.out" '^\*\*\* guest-2 left$'
	[ "$(grep -c half "$T/server.out")" -eq 0 ]
}

@test "chat: a member that stops reading is dropped at the cap; the others get every line in order" {
	start_server serve -p chat 127.0.0.1 0
	chat 127.0.0.1 "$PORT" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		connect B
		B< *** welcome guest-2, 2 online
		A< *** guest-2 joined
		connect C rcvbuf=4096 noread
		A< *** guest-3 joined
		B< *** guest-3 joined
		connect D
		D< *** welcome guest-4, 4 online
		A< *** guest-4 joined
		B< *** guest-4 joined
		A>flood 2000 1000
		D>flood 2000 1000
		B<flood 2000 1000 guest-1=A guest-4=D
		B< *** guest-3 dropped: too slow
		A<flood 2000 1000 guest-4=D
		A< *** guest-3 dropped: too slow
		D<flood 2000 1000 guest-1=A
		D< *** guest-3 dropped: too slow
		B> /who
		B< *** 3 online: guest-1 guest-2 guest-4
	EOF
	[ "$(grep -c '^<guest-1> A ' "$T/server.out")" -eq 2000 ]
	[ "$(grep -c '^<guest-4> D ' "$T/server.out")" -eq 2000 ]
	[ "$(grep -c '^\*\*\* guest-3 dropped: too slow$' "$T/server.out")" -eq 1 ]
	local hwm
	hwm=$(proc_kb "$SERVER_PID" VmHWM)
	echo "chat server peak RSS: $hwm kB" >&3
	[ "$hwm" -lt "$(mem_bound 16384)" ]
}

@test "chat: over --max-clients a newcomer is told '*** server full'; after one leaves, one more is welcome" {
	start_server serve -p chat -m 2 127.0.0.1 0
	chat 127.0.0.1 "$PORT" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		connect B
		B< *** welcome guest-2, 2 online
		A< *** guest-2 joined
		connect C
		C< *** server full
		C<eof
		A> /who
		A< *** 2 online: guest-1 guest-2
		close B
		A< *** guest-2 left
		connect D
		D< *** welcome guest-3, 2 online
		A< *** guest-3 joined
	EOF
}

@test "chat over a UNIX-domain socket" {
	start_server serve -p chat -U "$T/chat.sock"
	chat --unix "$T/chat.sock" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		connect B
		B< *** welcome guest-2, 2 online
		A< *** guest-2 joined
		B> hi over unix
		A< <guest-2> hi over unix
	EOF
}

@test "chat: --idle-timeout drops an idle member, and the log says so" {
	start_server serve -p chat --idle-timeout 0.5 127.0.0.1 0
	chat 127.0.0.1 "$PORT" <<-'EOF'
		connect A
		A< *** welcome guest-1, 1 online
		A<eof
	EOF
	wait_for "$T/server.out" 'dropped: idle'
	log_is "*** guest-1 joined
*** guest-1 dropped: idle"
}

@test "chat: SIGTERM with members connected: exit 0 promptly, no farewell notices" {
	start_server serve -p chat 127.0.0.1 0
	start_peer holder timeout 30 python3 "$PEERS/idle_holder.py" 127.0.0.1 "$PORT" 3
	wait_count "$T/server.out" 'joined$' 3
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 2
	[ "$EXIT" -eq 0 ]
	log_is "*** guest-1 joined
*** guest-2 joined
*** guest-3 joined"
}
