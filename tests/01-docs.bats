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
