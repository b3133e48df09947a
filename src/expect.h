/* expect.h: --expect REGEX (connect, udp-send): each received line, cut by the framing
 * module, is matched against a POSIX extended regular expression. Bounded: a line longer
 * than EXPECT_LINE_MAX is skipped up to its newline and never matches. */
#ifndef EXPECT_H
#define EXPECT_H

#include "frame.h"

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#define EXPECT_LINE_MAX 65536 /* the longest line matched, without its ending */

enum expect_state {
	EXPECT_WAITING, /* no line has matched yet */
	EXPECT_MATCHED, /* a line matched: the command is done */
	EXPECT_NOMEM,   /* a line could not be held: the command must give up */
};

struct expect {
	regex_t re;
	struct frame_reader lines;
	char *text; /* the line being matched, NUL-terminated (regexec needs it so) */
	enum expect_state state;
};

/* Compiles pattern (REG_EXTENDED | REG_NOSUB). Returns 0, or -1 with regerror's text in
 * err (cap bytes); e needs expect_free only after a 0. */
int expect_init(struct expect *e, const char *pattern, char *err, size_t cap);
/* Looks at buf[0..*n), the next bytes received. Returns true when e is done (state
 * MATCHED or NOMEM): on a match, *n is cut to the end of the matching line, its ending
 * included, so what follows it is not shown. */
bool expect_feed(struct expect *e, const char *buf, size_t *n);
/* The end of the input (a peer's EOF, a datagram's end): a last line without an ending is
 * matched now. Returns true if e is done, as expect_feed. */
bool expect_end(struct expect *e);
/* One datagram, buf[0..*n): its end ends its last line. Returns as expect_feed. */
bool expect_datagram(struct expect *e, const char *buf, size_t *n);
void expect_free(struct expect *e);

#endif
