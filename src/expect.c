/* expect.c: --expect, received lines matched against a regular expression as they come. */
#include "expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int expect_init(struct expect *e, const char *pattern, char *err, size_t cap)
{
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = regcomp(&e->re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &e->re, err, cap);
		return -1;
	}
	if (!(e->text = malloc(EXPECT_LINE_MAX + 1))) {
		regfree(&e->re);
		snprintf(err, cap, "out of memory");
		return -1;
	}
	frame_init(&e->lines, EXPECT_LINE_MAX);
	return 0;
}

/* A NUL byte inside the line ends the text regexec sees: POSIX strings end there. */
static bool matches(struct expect *e, const char *line, size_t len)
{
	memcpy(e->text, line, len);
	e->text[len] = '\0';
	return regexec(&e->re, e->text, 0, NULL, 0) == 0;
}

/* Takes the events of one frame call; finishing says it is frame_finish. */
static bool take(struct expect *e, bool finishing, size_t *n)
{
	enum frame_status st;
	const char *line, *rest;
	size_t len, restlen;

	for (;;) {
		st = finishing ? frame_finish(&e->lines, &line, &len)
		               : frame_next(&e->lines, &line, &len);
		if (st == FRAME_MORE)
			return false;
		if (st == FRAME_NOMEM) {
			e->state = EXPECT_NOMEM;
			return true;
		}
		if (st == FRAME_LINE && matches(e, line, len)) {
			frame_rest(&e->lines, &rest, &restlen);
			if (n)
				*n -= restlen;
			e->state = EXPECT_MATCHED;
			return true;
		}
	}
}

bool expect_feed(struct expect *e, const char *buf, size_t *n)
{
	if (e->state != EXPECT_WAITING)
		return true;
	frame_feed(&e->lines, buf, *n);
	return take(e, false, n);
}

bool expect_end(struct expect *e)
{
	if (e->state != EXPECT_WAITING)
		return true;
	return take(e, true, NULL);
}

bool expect_datagram(struct expect *e, const char *buf, size_t *n)
{
	return expect_feed(e, buf, n) || expect_end(e);
}

void expect_free(struct expect *e)
{
	regfree(&e->re);
	frame_free(&e->lines);
	free(e->text);
	e->text = NULL;
}
