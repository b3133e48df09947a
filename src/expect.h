/* expect.h: --expect REGEX (connect, udp-send): each received line, cut by the framing
 * module, is matched against a POSIX extended regular expression. Bounded: a line longer
 * than EXPECT_LINE_MAX is skipped up to its newline and never matches. */
#ifndef EXPECT_H
#define EXPECT_H

#include "deadline.h"
#include "frame.h"

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define EXPECT_LINE_MAX 65536 /* the longest line matched, without its ending */

enum expect_state {
	EXPECT_WAITING, /* no line has matched yet */
	EXPECT_MATCHED, /* a line matched: the command is done */
	EXPECT_NOMEM,   /* a line could not be held: the command must give up */
	EXPECT_TIMEOUT, /* the deadline passed while a line was being matched */
};

#define EXPECT_BATCH_LINES 1024 /* lines of one chunk matched in one go, at most */

struct expect {
	regex_t re;
	struct frame_reader lines;
	/* the lines of the chunk being looked at, each NUL-terminated (regexec needs it so),
	 * and for each, how many fed bytes follow it: EXPECT_LINE_MAX + 1 bytes at most */
	char *text;
	size_t used, *rest;
	int nlines;
	enum expect_state state;
	const struct deadline *deadline; /* set and running: lines go to the matcher process */
	int matcher;                     /* its socket, or -1 */
	pid_t matcher_pid;               /* 0 when there is none */
};

/* Compiles pattern (REG_EXTENDED | REG_NOSUB). With d running (--max-time), a process
 * forked now matches the lines and is killed when d runs out (state TIMEOUT), however long
 * the pattern makes regexec take on a line; d must outlive e. Returns 0; -1 with regerror's
 * text in err (cap bytes), or -2 with a system failure; e needs expect_free only after 0. */
int expect_init(struct expect *e, const char *pattern, const struct deadline *d, char *err,
                size_t cap);
/* Looks at buf[0..*n), the next bytes received. Returns true when e is done (state
 * MATCHED, NOMEM or TIMEOUT): on a match, *n is cut to the end of the matching line, its ending
 * included, so what follows it is not shown. */
bool expect_feed(struct expect *e, const char *buf, size_t *n);
/* The end of the input (a peer's EOF, a datagram's end): a last line without an ending is
 * matched now. Returns true if e is done, as expect_feed. */
bool expect_end(struct expect *e);
/* One datagram, buf[0..*n): its end ends its last line. Returns as expect_feed. */
bool expect_datagram(struct expect *e, const char *buf, size_t *n);
/* Frees e and ends its matcher process, if any. */
void expect_free(struct expect *e);

#endif
