/* expect.c: --expect, received lines matched against a regular expression as they come. */
#include "expect.h"

#include "clock.h"
#include "net.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH_MAX (EXPECT_LINE_MAX + 1) /* one longest line and its NUL always fit */

/* The index of the first of the n NUL-terminated strings at text that matches, or -1. */
static int32_t first_match(const regex_t *re, const char *text, int n)
{
	for (int32_t i = 0; i < n; i++, text += strlen(text) + 1)
		if (regexec(re, text, 0, NULL, 0) == 0)
			return i;
	return -1;
}

/*
 * The matcher process. regexec(3) cannot be bounded from inside: a back-reference or a
 * nested repetition against a peer's long line can take minutes, and no signal may stop it
 * safely (a longjmp out of it can leave malloc's lock taken). So under --max-time the lines
 * are matched in a process forked before any connection exists: the lines of a chunk in
 * one datagram, the index of the first that matches back, and the process is killed when
 * the deadline passes first (sockit(1), --expect). A chunk, not a line, per exchange: the
 * round trip costs tens of microseconds.
 */
static void matcher_main(struct expect *e, int sock)
{
	int32_t first;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive sockit, even stuck in regexec */
	for (int fd = 0; fd <= 2; fd++)
		close(fd); /* nothing to print; a reader of stdout waits for no one else */
	while ((n = recv(sock, e->text, BATCH_MAX, 0)) > 0) {
		int count = 0;
		for (ssize_t i = 0; i < n; i++)
			count += e->text[i] == '\0';
		first = first_match(&e->re, e->text, count);
		if (write(sock, &first, sizeof first) != sizeof first)
			break;
	}
	_exit(0); /* not exit: sockit's stdio buffers are not this process's to flush */
}

static int matcher_start(struct expect *e, char *err, size_t cap)
{
	char why[NET_ERR_LEN];
	int sv[2];

	if (net_pair(why, sv) < 0) {
		snprintf(err, cap, "%s", why);
		return -1;
	}
	e->matcher_pid = fork();
	if (e->matcher_pid == 0) {
		close(sv[0]);
		matcher_main(e, sv[1]);
	}
	close(sv[1]);
	if (e->matcher_pid < 0) {
		snprintf(err, cap, "fork: %s", strerror(errno));
		e->matcher_pid = 0;
		close(sv[0]);
		return -1;
	}
	e->matcher = sv[0];
	return 0;
}

static void matcher_stop(struct expect *e)
{
	if (e->matcher >= 0)
		close(e->matcher);
	e->matcher = -1;
	if (e->matcher_pid > 0) {
		kill(e->matcher_pid, SIGKILL);
		while (waitpid(e->matcher_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	e->matcher_pid = 0;
}

/* first_match by the matcher: the index, -1 for none, -2 when the deadline passed first,
 * -3 when the matcher is gone (killed for its memory, say). */
static int32_t matcher_ask(struct expect *e)
{
	int32_t first;

	if (send(e->matcher, e->text, e->used, MSG_NOSIGNAL) != (ssize_t)e->used)
		return -3;
	if (net_poll(e->matcher, POLLIN, (int)deadline_left(e->deadline, clock_ms())) == 0)
		return -2;
	if (recv(e->matcher, &first, sizeof first, 0) != sizeof first)
		return -3;
	return first;
}

int expect_init(struct expect *e, const char *pattern, const struct deadline *d, char *err,
                size_t cap)
{
	int rc;

	memset(e, 0, sizeof *e);
	e->matcher = -1;
	if ((rc = regcomp(&e->re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &e->re, err, cap);
		return -1;
	}
	e->text = malloc(BATCH_MAX);
	e->rest = malloc(EXPECT_BATCH_LINES * sizeof *e->rest);
	frame_init(&e->lines, EXPECT_LINE_MAX);
	if (!e->text || !e->rest) {
		expect_free(e);
		snprintf(err, cap, "out of memory");
		return -2;
	}
	if (d && deadline_left(d, clock_ms()) >= 0) {
		e->deadline = d;
		if (matcher_start(e, err, cap) < 0) {
			expect_free(e);
			return -2;
		}
	}
	return 0;
}

/* Matches the lines gathered, in order. True when e is done: a match (*n cut after that
 * line), or the deadline or the matcher lost on the way. */
static bool judge(struct expect *e, size_t *n)
{
	int32_t first;

	if (e->nlines == 0)
		return false;
	first = e->matcher < 0 ? first_match(&e->re, e->text, e->nlines) : matcher_ask(e);
	e->used = 0;
	e->nlines = 0;
	if (first == -1)
		return false;
	if (first < -1) {
		e->state = first == -2 ? EXPECT_TIMEOUT : EXPECT_NOMEM;
		matcher_stop(e);
		return true;
	}
	if (n)
		*n -= e->rest[first];
	e->state = EXPECT_MATCHED;
	return true;
}

/* Adds a line to those gathered; judges them first when it does not fit. A NUL byte inside
 * the line ends the text regexec sees: POSIX strings end there. */
static bool gather(struct expect *e, const char *line, size_t len, size_t *n)
{
	const char *rest;
	size_t restlen;

	len = strnlen(line, len);
	if ((e->used + len + 1 > BATCH_MAX || e->nlines == EXPECT_BATCH_LINES) && judge(e, n))
		return true;
	memcpy(e->text + e->used, line, len);
	e->text[e->used + len] = '\0';
	e->used += len + 1;
	frame_rest(&e->lines, &rest, &restlen);
	e->rest[e->nlines++] = restlen;
	return false;
}

/* Takes the events of one frame call; finishing says it is frame_finish. */
static bool take(struct expect *e, bool finishing, size_t *n)
{
	enum frame_status st;
	const char *line;
	size_t len;

	for (;;) {
		st = finishing ? frame_finish(&e->lines, &line, &len)
		               : frame_next(&e->lines, &line, &len);
		if (st == FRAME_MORE)
			return judge(e, n);
		if (st == FRAME_NOMEM) { /* a line before it may still match */
			if (!judge(e, n))
				e->state = EXPECT_NOMEM;
			return true;
		}
		if (st == FRAME_LINE && gather(e, line, len, n))
			return true;
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
	matcher_stop(e);
	regfree(&e->re);
	frame_free(&e->lines);
	free(e->text);
	free(e->rest);
	e->text = NULL;
	e->rest = NULL;
}
