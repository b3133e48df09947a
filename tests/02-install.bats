#!/usr/bin/env bats
# 02-install: `make install` with DESTDIR puts a stripped binary, the man page with its
# version and the three completions in place; `make uninstall` takes them away again,
# with the directories install made, and leaves the ones that were there before.

load helpers

ROOT_DIR=$BATS_TEST_DIRNAME/..

# mk TARGET ARGS...: make in the source tree, quietly; its output on failure.
mk() {
	make -s -C "$ROOT_DIR" "$@" >"$T/make.out" 2>&1 || {
		cat "$T/make.out" >&2
		return 1
	}
}

@test "install: a stripped binary, the man page with the version, the completions" {
	local d=$T/root p=$T/root/usr/local version
	mkdir "$d"
	mk install DESTDIR="$d"
	[ -x "$p/bin/sockit" ]
	# a symbol table names its section ".symtab"; strip removes both
	LC_ALL=C grep -q '\.symtab' "$ROOT_DIR/sockit"
	! LC_ALL=C grep -q '\.symtab' "$p/bin/sockit" || return 1
	version=$("$p/bin/sockit" --version)
	grep -qx "\.Os sockit ${version#sockit }" "$p/share/man/man1/sockit.1"
	cmp "$ROOT_DIR/completions/sockit.bash" "$p/share/bash-completion/completions/sockit"
	cmp "$ROOT_DIR/completions/_sockit" "$p/share/zsh/site-functions/_sockit"
	cmp "$ROOT_DIR/completions/sockit.fish" "$p/share/fish/vendor_completions.d/sockit.fish"
	# STRIP=true keeps the symbols
	mk install DESTDIR="$d" STRIP=true
	LC_ALL=C grep -q '\.symtab' "$p/bin/sockit"
}

@test "uninstall: removes what install made, directories too, and nothing else" {
	local d=$T/root
	# a directory that was there before, empty, and a file of someone else's in another
	mkdir -p "$d/usr/local/share/zsh/site-functions" "$d/usr/local/bin"
	: >"$d/usr/local/bin/other"
	mk install DESTDIR="$d"
	mk install DESTDIR="$d" # twice: the second makes no directory and forgets none
	mk uninstall DESTDIR="$d"
	(cd "$d" && find . | sort) >"$T/left"
	printf '%s\n' . ./usr ./usr/local ./usr/local/bin ./usr/local/bin/other \
		./usr/local/share ./usr/local/share/zsh ./usr/local/share/zsh/site-functions \
		>"$T/want"
	diff -u "$T/want" "$T/left"
	# and from an empty DESTDIR, nothing is left at all
	rm -rf "$d" && mkdir "$d"
	mk install DESTDIR="$d"
	mk uninstall DESTDIR="$d"
	[ -z "$(ls -A "$d")" ]
	mk uninstall DESTDIR="$d" # again: nothing to do, no error
}
