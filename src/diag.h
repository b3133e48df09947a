/* diag.h: messages on stderr as `sockit: COMMAND: message`, verbosity, exit codes, hex dump. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* The exit status of every command (sockit(1), EXIT STATUS). */
enum {
	EXIT_NO = 1,      /* the operation ran but the answer was "no" */
	EXIT_USAGE = 2,   /* bad option, argument, port, URL scheme */
	EXIT_RESOLVE = 3, /* name resolution failed */
	EXIT_NET = 4,     /* refused, reset, unreachable, bind/listen failure */
	EXIT_TIMEOUT = 5, /* connect, idle or reply timeout */
	EXIT_PROTO = 6,   /* malformed or truncated response, redirect limit */
	EXIT_IO = 7,      /* cannot read input or write output */
	EXIT_TLS = 8,     /* TLS: handshake failed, peer not trusted, no libssl */
};

/* Names the command in every later message ("connect"); NULL for none. */
void diag_set_command(const char *cmd);
/* Sets the verbosity: -1 quiet, 0 normal, 1 -v, 2 -vv. */
void diag_set_level(int level);
/* The verbosity set by diag_set_level. */
int diag_level(void);
/* An error: always printed, one line. */
void diag_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error that ends a command: prints it as diag_err (with EXIT_USAGE, the pointer to
 * --help of diag_usage follows) and returns status, so a command function says
 * `return diag_fail(EXIT_IO, "...");`. */
int diag_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: printed with a pointer to --help. Returns -1, so a check function
 * ends with `return diag_usage(...);` and its caller exits with EXIT_USAGE. */
int diag_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line printed at verbosity >= level. A macro, so that arguments that cost something
 * (formatting a peer's address on every read) are not evaluated when nothing is printed. */
#define diag_verbose(level, ...)                                                               \
	do {                                                                                   \
		if (diag_level() >= (level))                                                   \
			diag_verbose_line(__VA_ARGS__);                                        \
	} while (0)
/* The line of diag_verbose, printed unconditionally. */
void diag_verbose_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line printed even with -q, as `sockit: message` (no command): the ready line. */
void diag_always(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Copies src[0..len) into dst (cap >= 1 bytes, always NUL-terminated) fit for a terminal:
 * printable ASCII, tab and valid UTF-8 pass; C0 controls, DEL, C1 controls (raw or UTF-8),
 * invalid or overlong UTF-8, U+2028/U+2029 and the bidi overrides U+202A-U+202E and
 * U+2066-U+2069 become \xNN per byte. Stops before what does not fit whole. Returns the
 * length written: at most 4 * len. Every message of this module goes through it.
 */
size_t diag_escape(char *dst, size_t cap, const char *src, size_t len);
/* Writes a hex dump of buf to stderr, each line marked with dir ('>' sent, '<' received). */
void diag_hexdump(char dir, const void *buf, size_t len);
/* The same dump written to out (udp-send -x prints replies so on stdout). */
void diag_hexdump_to(FILE *out, char dir, const void *buf, size_t len);

#endif
