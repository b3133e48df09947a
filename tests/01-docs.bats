#!/usr/bin/env bats
# 01-docs: the man page and the README follow the binary's own tables: every command
# has its section and its SYNOPSIS line, every long option of every command is
# documented, every exit status is listed (so the docs cannot drift).

load helpers

MAN=$BATS_TEST_DIRNAME/../man/sockit.1
README=$BATS_TEST_DIRNAME/../README.md

# commands: the binary's command list, one per line.
commands() {
	"$SOCKIT" --list-commands
}

# man_section NAME: the mdoc source of section NAME (from its .Sh to the next .Sh).
man_section() {
	awk -v name="$1" '/^\.Sh / { on = ($0 == ".Sh " name); next } on' "$MAN"
}

@test "docs: the man page has a section for every command" {
	local cmd missing=""
	[ -n "$(commands)" ]
	for cmd in $(commands); do
		grep -qE "^\.Ss (.* )?$cmd( .*)?$" "$MAN" || missing="$missing $cmd"
	done
	[ -z "$missing" ] || {
		echo "no .Ss section for:$missing" >&2
		return 1
	}
}

@test "docs: the SYNOPSIS names every command" {
	local cmd missing="" synopsis
	synopsis=$(man_section SYNOPSIS)
	for cmd in $(commands); do
		grep -qx "\.Cm $cmd" <<<"$synopsis" || missing="$missing $cmd"
	done
	[ -z "$missing" ] || {
		echo "not in SYNOPSIS:$missing" >&2
		return 1
	}
}

@test "docs: every long option of every command is in the man page" {
	local cmd opt missing=""
	for cmd in $(commands); do
		while IFS= read -r opt; do
			[ -n "$opt" ] || continue
			# mdoc writes --name as `Fl -name`
			grep -qE -- "Fl -${opt#--}([^-[:alnum:]]|$)" "$MAN" ||
				missing="$missing $cmd:$opt"
		done < <("$SOCKIT" "$cmd" --list-options | cut -f2)
	done
	[ -z "$missing" ] || {
		echo "undocumented options:$missing" >&2
		return 1
	}
}

@test "docs: EXIT STATUS lists the codes 0 to 8" {
	local code missing="" status
	status=$(man_section "EXIT STATUS")
	for code in 0 1 2 3 4 5 6 7 8; do
		grep -qx "\.It $code" <<<"$status" || missing="$missing $code"
	done
	[ -z "$missing" ] || {
		echo "exit codes not in EXIT STATUS:$missing" >&2
		return 1
	}
}

@test "docs: the README shows the two set-up commands" {
	grep -qF 'make && ./sockit serve --proto calc' "$README"
	grep -qF 'make test' "$README"
}

# rendered: the man page as man(1) shows it (groff through man-db), no line wrapped.
rendered() {
	MANWIDTH=250 LANG=${1:-C} man -l "$MAN" 2>&1
}

@test "docs: groff renders every example as typed, in ASCII and UTF-8 alike" {
	local lang out
	for lang in C C.UTF-8; do
		out=$(rendered "$lang" | sed -n 's/^ *\(\$ .*\)$/\1/p')
		# one rendered example per .Dl, and no mdoc escape or macro left in any
		[ "$(grep -c . <<<"$out")" = "$(grep -c '^\.Dl \$ ' "$MAN")" ]
		! grep -nE '\\[&(e]|(^| )(Ns|Ta|No|Ql|Pq|Dq|Li) ' <<<"$out" || return 1
		# every byte ASCII: no curly quote or Unicode hyphen a shell would not take
		! LC_ALL=C grep -n '[^ -~]' <<<"$out" || return 1
		while IFS= read -r line; do
			grep -qxF -- "$line" <<<"$out" || {
				echo "LANG=$lang: not rendered as: $line" >&2
				return 1
			}
		done <<'LINES'
$ sockit connect --send 'CALC:2*(3+4)-10/3' localhost 4242
$ sockit http-get -O --write-out '%{http_code} %{time_total} %{url_effective}\n' $urls
$ printf 'HEAD / HTTP/1.0\n\n' | sockit connect -C example.org 80
$ sockit connect -z --json -w 1 server.example 20-30 | jq 'select(.state == "open").port'
$ ssh -o ProxyCommand='sockit connect --proxy socks5h://127.0.0.1:1080 %h %p' host
$ sockit serve --proto http --root . 8000
$ test "$(sockit http-get --status localhost:8080/)" = 200
LINES
	done
}

@test "docs: groff renders the tables and nested quotes whole" {
	local out
	out=$(rendered C.UTF-8)
	grep -qF "(‘example.com’ and ‘.example.com’ both match ‘www.example.com’)" <<<"$out"
	grep -qE '^ +nc -p port \(source\) +connect -s :port$' <<<"$out"
	grep -qE '^ +nc -k \(on a client\) +serve -k$' <<<"$out"
}

@test "docs: the README tour starts each server on a port of its own" {
	# the first number of each server's line is its port (sockit's default: 4242)
	grep -E '^\$ (\./sockit (serve|echo)|python3 -m http\.server|microsocks) ' "$README" |
		awk '{ port = ($2 == "./sockit") ? 4242 : ""; udp = ""
			for (i = 3; i <= NF; i++) if ($i == "-u") udp = "/udp"
			for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+$/) { port = $i; break }
			print port udp }' >"$T/ports"
	[ "$(wc -l <"$T/ports")" -ge 10 ]
	[ -z "$(sort "$T/ports" | uniq -d)" ] || {
		echo "ports used twice: $(sort "$T/ports" | uniq -d)" >&2
		return 1
	}
}
