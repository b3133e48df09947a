/* test_expect.c: unit tests of --expect's line matcher and of the --max-time deadline. */
#include "clock.h"
#include "deadline.h"
#include "expect.h"
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>

static void start(struct expect *e, const char *pattern)
{
	char err[128];

	CHECK_INT(expect_init(e, pattern, NULL, err, sizeof err), 0);
}

/* Feeds text in one chunk; returns whether it matched, with *cut what is to be shown. */
static bool feed_str(struct expect *e, const char *text, size_t *cut)
{
	*cut = strlen(text);
	return expect_feed(e, text, cut);
}

static void test_one_chunk(void)
{
	struct expect e;
	size_t n;

	start(&e, "^PONG");
	CHECK(feed_str(&e, "hello\nPONG:x\nafter\n", &n));
	CHECK_INT(n, 13); /* "hello\n" and "PONG:x\n"; "after" is not shown */
	CHECK_INT(e.state, EXPECT_MATCHED);
	CHECK(feed_str(&e, "more\n", &n)); /* done stays done */
	expect_free(&e);

	start(&e, "^PONG");
	CHECK(!feed_str(&e, "ping\nPING\n", &n));
	CHECK_INT(n, 10);
	CHECK(!expect_end(&e));
	CHECK_INT(e.state, EXPECT_WAITING);
	expect_free(&e);
}

static void test_byte_by_byte(void)
{
	static const char text[] = "hello\r\nPONG:x\r\nafter\n";
	struct expect e;
	size_t i, n = 0;

	start(&e, "^PONG:x$"); /* the "\r\n" is not part of the line matched */
	for (i = 0; i < sizeof text - 1; i++) {
		n = 1;
		if (expect_feed(&e, text + i, &n))
			break;
	}
	CHECK_INT(i, 14); /* the '\n' after "PONG:x\r" */
	CHECK_INT(n, 1);
	expect_free(&e);
}

static void test_end(void)
{
	struct expect e;
	size_t n;

	start(&e, "^PONG$");
	CHECK(!feed_str(&e, "one\nPONG", &n));
	CHECK(expect_end(&e)); /* the last line, without its newline */
	expect_free(&e);

	start(&e, "^PONG$");
	CHECK(!feed_str(&e, "one\nPONG\r", &n));
	CHECK(expect_end(&e)); /* a last '\r' goes as before a '\n' */
	expect_free(&e);

	start(&e, "^b$");
	n = 1;
	CHECK(!expect_datagram(&e, "a", &n));
	n = 1;
	CHECK(expect_datagram(&e, "b", &n)); /* each datagram ends its last line */
	expect_free(&e);
}

static void test_long_lines(void)
{
	size_t big = EXPECT_LINE_MAX + 10, n;
	char *line = malloc(big + 8);
	struct expect e;

	if (!line)
		abort();
	memset(line, 'a', big);
	memcpy(line + big, "\nPONG\n", 7);
	start(&e, "^a");
	n = big + 6;
	CHECK(!expect_feed(&e, line, &n)); /* too long: never matched */
	expect_free(&e);
	start(&e, "^PONG$");
	for (size_t at = 0; at < big + 6; at += 4096) { /* the same, a page at a time */
		n = big + 6 - at < 4096 ? big + 6 - at : 4096;
		if (expect_feed(&e, line + at, &n))
			break;
	}
	CHECK_INT(e.state, EXPECT_MATCHED); /* the line after the long one is read clean */
	expect_free(&e);
	start(&e, "a$");
	n = EXPECT_LINE_MAX + 1;
	line[EXPECT_LINE_MAX] = '\n';
	CHECK(expect_feed(&e, line, &n)); /* a line of exactly the limit is matched */
	expect_free(&e);
	free(line);
}

static void test_patterns(void)
{
	struct expect e;
	char err[128] = "";
	size_t n;

	CHECK_INT(expect_init(&e, "(", NULL, err, sizeof err), -1);
	CHECK(err[0] != '\0');
	start(&e, "^(OK|READY) [0-9]+$"); /* extended syntax */
	CHECK(feed_str(&e, "READY 42\n", &n));
	expect_free(&e);
	start(&e, "x");
	n = 4;
	CHECK(!expect_feed(&e, "a\0x\n", &n)); /* a NUL ends the text matched, as in C */
	expect_free(&e);
}

static void test_deadline(void)
{
	struct deadline none = {0}, d = {.ms = 1000}, gone = {.ms = 1500};
	char buf[64];

	deadline_start(&none);
	CHECK_INT(deadline_left(&none, clock_ms()), -1);
	CHECK_INT(deadline_cap(&none, 700), 700);
	CHECK_INT(deadline_cap(&none, 0), 0);
	CHECK(!deadline_expired(&none));

	deadline_start(&d);
	CHECK(deadline_left(&d, clock_ms()) > 900);
	CHECK_INT(deadline_cap(&d, 500), 500);
	CHECK(deadline_cap(&d, 0) > 900 && deadline_cap(&d, 0) <= 1000);
	CHECK(deadline_cap(&d, 5000) <= 1000);
	CHECK(!deadline_expired(&d));
	CHECK_STR(deadline_describe(&d, buf, sizeof buf), "--max-time of 1 s ran out");

	deadline_start(&gone);
	gone.at = clock_ms() - 1;
	CHECK(deadline_expired(&gone));
	CHECK_INT(deadline_left(&gone, clock_ms()), 0);
	CHECK_INT(deadline_cap(&gone, 500), 1); /* never 0, which would mean "no limit" */
	CHECK_STR(deadline_describe(&gone, buf, sizeof buf), "--max-time of 1.5 s ran out");
}

/* Many lines in one chunk (more than one batch holds): the first match cuts *n after it,
 * matched here or, with a deadline, by the matcher process. */
static void check_many_lines(const struct deadline *d)
{
	static char text[3000 * 6 + 16];
	char err[128];
	struct expect e;
	size_t n = 0, want;

	for (int i = 0; i < 3000; i++)
		n += (size_t)sprintf(text + n, "%05d\n", i);
	CHECK_INT(expect_init(&e, "^02500$", d, err, sizeof err), 0);
	want = 2501 * 6;
	CHECK(expect_feed(&e, text, &n));
	CHECK_INT(e.state, EXPECT_MATCHED);
	CHECK_INT(n, want);
	expect_free(&e);
}

static void test_matcher(void)
{
	struct deadline d = {.ms = 300};
	char line[3002], err[128];
	struct expect e;
	long long t0;
	size_t n;

	check_many_lines(NULL);
	deadline_start(&d);
	check_many_lines(&d);
	CHECK(!deadline_expired(&d));

	/* a back-reference on 3000 a's would take minutes: the deadline ends it */
	memset(line, 'a', 3000);
	line[3000] = '\n';
	CHECK_INT(expect_init(&e, "(a*)\\1b", &d, err, sizeof err), 0);
	CHECK(e.matcher_pid > 0);
	t0 = clock_ms();
	n = 3001;
	CHECK(expect_feed(&e, line, &n));
	CHECK_INT(e.state, EXPECT_TIMEOUT);
	CHECK(clock_ms() - t0 < 1000);
	CHECK_INT(e.matcher_pid, 0); /* killed and reaped at once */
	n = 5;
	CHECK(expect_feed(&e, "PONG\n", &n)); /* done stays done */
	CHECK_INT(e.state, EXPECT_TIMEOUT);
	expect_free(&e);
}

void suite_expect(void);
void suite_expect(void)
{
	test_one_chunk();
	test_byte_by_byte();
	test_end();
	test_long_lines();
	test_patterns();
	test_deadline();
	test_matcher();
}
