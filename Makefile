# sockit: a plain Makefile. `make`, `make test`, `make check`, `make poll`, `make fuzz`, `make fuzz-long`, `make bench`,
# `make install`.
VERSION   = 0.1.0
PREFIX    = /usr/local
MANPREFIX = $(PREFIX)/share/man
BINDIR    = $(PREFIX)/bin
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
DATADIR     = $(PREFIX)/share/sockit
INSTALLDIRS = $(BINDIR) $(MANPREFIX)/man1 $(BASHCOMPDIR) $(ZSHCOMPDIR) $(FISHCOMPDIR) $(DATADIR)
INSTALL     = install
STRIP       = strip

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS_ALL = -std=c11 -D_GNU_SOURCE -DSOCKIT_VERSION=\"$(VERSION)\" $(LOOPFLAG) $(CPPFLAGS)
# LOOP=poll forces the portable poll(2) backend of the event loop on Linux too.
LOOP    ?=
LOOPFLAG = $(if $(filter poll,$(LOOP)),-DLOOP_POLL)

# Variant builds (sanitizers, poll backend) live in their own object directories.
BUILD   ?= build
BIN     ?= sockit
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRCS     = $(wildcard src/*.c)
LIBSRCS  = $(filter-out src/main.c,$(SRCS))
OBJS     = $(SRCS:src/%.c=$(BUILD)/%.o)
LIBOBJS  = $(LIBSRCS:src/%.c=$(BUILD)/%.o)
UNITSRCS = $(wildcard tests/unit/*.c)
FUZZSRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZBINS = $(FUZZSRCS:tests/fuzz/%.c=build-fuzz/%)

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) Makefile
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) -c -o $@ $<

# The unit runner: every tests/unit/test_*.c defines `void suite_NAME(void)`.
$(BUILD)/suites.h: $(wildcard tests/unit/test_*.c)
	@mkdir -p $(BUILD)
	sed -n 's/^void \(suite_[a-z0-9_]*\)(void)$$/SUITE(\1)/p' $^ > $@

$(BUILD)/unit: $(UNITSRCS) $(LIBOBJS) $(BUILD)/suites.h tests/unit/unit.h
	$(CC) $(CPPFLAGS_ALL) -I$(BUILD) -Isrc -Itests/unit $(WARN) $(CFLAGS) $(LDFLAGS) \
		-o $@ $(UNITSRCS) $(LIBOBJS)

unit: $(BUILD)/unit
	./$(BUILD)/unit

# Every command the suite needs, installed first when missing (tests/deps says how).
deps:
	@tests/deps $(if $(filter check,$(MAKECMDGOALS)),check)

# The bats files, named by area (tests/README: the first digit is the family). bats runs
# BATS_JOBS files at a time (GNU parallel), each file's tests in order; the soak and fault
# suites run in `make check` only, and the event-loop servers (server.c, forward.c) run
# again on the poll(2) backend there.
BATS_JOBS  ?= 2
BATS        = bats $(if $(filter-out 1,$(BATS_JOBS)),--jobs $(BATS_JOBS) --no-parallelize-within-files)
SLOW_TESTS  = tests/31-faults.bats tests/32-soak.bats
TESTS       = $(filter-out $(SLOW_TESTS),$(wildcard tests/*.bats))
POLL_TESTS  = tests/21-calc.bats tests/22-echo.bats tests/23-simple.bats tests/24-chat.bats \
	tests/30-server-robustness.bats tests/31-faults.bats tests/32-soak.bats \
	tests/50-http-server.bats tests/80-forward.bats tests/91-tls-serve.bats tests/92-forward-tls.bats

test: deps all unit
	SOCKIT=$(CURDIR)/sockit $(BATS) $(TESTS)

# The fault and soak suites; the files that reach a fixture by name, again with Debian's
# stock /etc/hosts, where localhost is ::1 first (tests/stock-hosts: a private mount
# namespace, so root); the whole suite again under ASan+UBSan; the event-loop servers on
# the poll backend; linters.
check: deps test lint
	SOCKIT=$(CURDIR)/sockit $(BATS) $(SLOW_TESTS)
	SOCKIT=$(CURDIR)/sockit tests/stock-hosts $(BATS) $$(grep -l localhost tests/*.bats)
	$(MAKE) CC=clang BUILD=build-clang BIN=build-clang/sockit build-clang/sockit
	$(MAKE) BUILD=build-san BIN=build-san/sockit CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
		build-san/sockit build-san/unit
	./build-san/unit
	SOCKIT=$(CURDIR)/build-san/sockit $(BATS) tests/
	$(MAKE) poll

# poll: the loop's unit tests and the event-loop server files on the poll(2) backend.
poll:
	$(MAKE) BUILD=build-poll BIN=build-poll/sockit LOOP=poll build-poll/sockit build-poll/unit
	./build-poll/unit
	SOCKIT=$(CURDIR)/build-poll/sockit $(BATS) $(POLL_TESTS)

# C style: .clang-format, checked with the version tests/deps pins (another version may
# format differently, so the check names it).
FORMATTED = $(wildcard src/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c bench/*.c)
lint:
	mandoc -Tlint -Wwarning man/sockit.1
	clang-format-14 --dry-run -Werror $(FORMATTED)
	shellcheck -x tests/helpers.bash tests/deps tests/stock-hosts .ci/run bench/*.sh bench/lib.sh bench/run-all \
		completions/sockit.bash
	shellcheck -x -s bash tests/*.bats
	bash -n completions/sockit.bash
	zsh -n completions/_sockit
	fish -n completions/sockit.fish

# libFuzzer targets: each links every module but main.c.
fuzz: $(FUZZBINS)

# Each target for FUZZ_LONG_SECONDS, starting from its corpus in tests/fuzz/corpus/TARGET,
# which is then replaced by the minimised (-merge=1) union of the old and the new inputs.
FUZZ_LONG_SECONDS ?= 600
fuzz-long: fuzz
	@for t in $(FUZZBINS); do \
		n=$${t#build-fuzz/}; c=tests/fuzz/corpus/$$n; w=build-fuzz/work-$$n; m=build-fuzz/min-$$n; \
		rm -rf $$w $$m && mkdir -p $$c $$w $$m && cp $$c/. $$w/ -R || exit 1; \
		echo "== $$n: $(FUZZ_LONG_SECONDS) s from $$(ls $$c | wc -l) inputs"; \
		./$$t -max_total_time=$(FUZZ_LONG_SECONDS) -rss_limit_mb=1024 $$w >$$w.log 2>&1 || \
			{ tail -n 40 $$w.log; exit 1; }; \
		./$$t -merge=1 $$m $$w >>$$w.log 2>&1 || { tail -n 20 $$w.log; exit 1; }; \
		rm -rf $$c && mv $$m $$c && rm -rf $$w || exit 1; \
		echo "ok $$n: $$(grep -Eo 'Done [0-9]+ runs' $$w.log | tail -n 1), $$(ls $$c | wc -l) inputs kept"; \
	done

# The library is compiled once for every target (fuzzer-no-link: instrumented, no main).
FUZZLIBOBJS = $(LIBSRCS:src/%.c=build-fuzz/obj/%.o)
build-fuzz/obj/%.o: src/%.c $(wildcard src/*.h) Makefile
	@mkdir -p build-fuzz/obj
	clang $(CPPFLAGS_ALL) -g -O1 -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

build-fuzz/%: tests/fuzz/%.c $(FUZZLIBOBJS)
	clang $(CPPFLAGS_ALL) -Isrc -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZLIBOBJS)

# What the benchmarks run (bench/run-all runs them all): sockit and the load generator.
bench: $(BIN) bench/lineload bench/connload

bench/lineload: bench/lineload.c
	$(CC) -O2 $(WARN) -o $@ bench/lineload.c

bench/connload: bench/connload.c
	$(CC) -O2 $(WARN) -o $@ bench/connload.c

# install: the binary stripped (STRIP=true keeps its symbols). The directories it had to
# make are listed in DATADIR/installed-dirs, so that uninstall removes those, and only
# those, once they are empty.
install: all
	@made=$$(for d in $(INSTALLDIRS); do \
		p=; for c in $$(echo "$$d" | tr / ' '); do \
			p=$$p/$$c; [ -d "$(DESTDIR)$$p" ] && continue; \
			mkdir "$(DESTDIR)$$p" && echo "$$p" || exit 1; \
		done; \
	done) && { [ -z "$$made" ] || printf '%s\n' $$made >>"$(DESTDIR)$(DATADIR)/installed-dirs"; }
	$(INSTALL) -m 755 sockit $(DESTDIR)$(BINDIR)/sockit
	$(STRIP) $(DESTDIR)$(BINDIR)/sockit
	sed 's/@VERSION@/$(VERSION)/' man/sockit.1 > $(DESTDIR)$(MANPREFIX)/man1/sockit.1
	$(INSTALL) -m 644 completions/sockit.bash $(DESTDIR)$(BASHCOMPDIR)/sockit
	$(INSTALL) -m 644 completions/_sockit $(DESTDIR)$(ZSHCOMPDIR)/_sockit
	$(INSTALL) -m 644 completions/sockit.fish $(DESTDIR)$(FISHCOMPDIR)/sockit.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sockit $(DESTDIR)$(MANPREFIX)/man1/sockit.1 \
		$(DESTDIR)$(BASHCOMPDIR)/sockit $(DESTDIR)$(ZSHCOMPDIR)/_sockit \
		$(DESTDIR)$(FISHCOMPDIR)/sockit.fish
	@m="$(DESTDIR)$(DATADIR)/installed-dirs"; [ -f "$$m" ] || exit 0; \
	dirs=$$(sort -ru "$$m") && rm -f "$$m" && \
	for d in $$dirs; do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done

clean:
	rm -rf build build-san build-poll build-clang build-fuzz sockit bench/lineload bench/connload

.PHONY: all deps unit test check poll lint fuzz fuzz-long bench install uninstall clean
