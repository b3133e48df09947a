/* test_parse.c: unit tests of the number, seconds and HOST:PORT parsers. */
#include "parse.h"
#include "unit.h"

#include <limits.h>
#include <stdbool.h>

/* A table row fails with its input named, not only with the loop's line. */
#define CHECK_INT_AT(got, want, what) unit_check_int((got), (want), (what), __FILE__, __LINE__)
#define CHECK_STR_AT(got, want, what) unit_check_str((got), (want), (what), __FILE__, __LINE__)

/* "fn(\"input\")" in a static buffer, for the messages of a table row. */
static const char *label(const char *fn, const char *in)
{
	static char buf[160];

	snprintf(buf, sizeof buf, "%s(\"%.100s\")", fn, in);
	return buf;
}

static void test_count(void)
{
	static const struct {
		const char *in;
		long long min, max;
		int rc;
		long long want;
	} cases[] = {
	    {"0", 0, 10, 0, 0},
	    {"10", 0, 10, 0, 10},
	    {"11", 0, 10, -1, 0},
	    {"007", 0, 10, 0, 7},
	    {"9223372036854775807", 0, LLONG_MAX, 0, LLONG_MAX},
	    {"9223372036854775808", 0, LLONG_MAX, -1, 0},
	    {"99999999999999999999999", 0, LLONG_MAX, -1, 0},
	    {"-9223372036854775808", LLONG_MIN, 0, 0, LLONG_MIN},
	    {"-9223372036854775809", LLONG_MIN, 0, -1, 0},
	    {"-5", -10, 10, 0, -5},
	    {"-11", -10, 10, -1, 0},
	    {"-5", 0, 10, -1, 0}, /* no sign when negatives are out of range */
	    {"-0", -1, 1, 0, 0},
	    {"-", -10, 10, -1, 0},
	    {"", 0, 10, -1, 0},
	    {"+5", 0, 10, -1, 0},
	    {" 5", 0, 10, -1, 0},
	    {"5 ", 0, 10, -1, 0},
	    {"5x", 0, 10, -1, 0},
	    {"0x5", 0, 10, -1, 0},
	    {"5.0", 0, 10, -1, 0},
	    {"--5", -10, 10, -1, 0},
	    {"1", 2, 10, -1, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long long got = -42;
		int rc = parse_count(cases[i].in, cases[i].min, cases[i].max, &got);

		CHECK_INT_AT(rc, cases[i].rc, label("parse_count", cases[i].in));
		if (cases[i].rc == 0)
			CHECK_INT_AT(got, cases[i].want,
			             label("parse_count value", cases[i].in));
		else /* a refused input leaves *out alone */
			CHECK_INT_AT(got, -42, label("parse_count untouched", cases[i].in));
	}
}

static void test_port(void)
{
	static const struct {
		const char *in;
		bool allow_zero;
		int rc;
		unsigned want;
	} cases[] = {
	    {"1", false, 0, 1},
	    {"80", false, 0, 80},
	    {"65535", false, 0, 65535},
	    {"0", false, -1, 0},
	    {"0", true, 0, 0},
	    {"65536", false, -1, 0},
	    {"65536", true, -1, 0},
	    {"-1", false, -1, 0},
	    {"-1", true, -1, 0},
	    {"80x", false, -1, 0},
	    {"", false, -1, 0},
	    {"", true, -1, 0},
	    {"1234567890123456789012345", false, -1, 0},
	    {"http", false, -1, 0},
	    {" 80", false, -1, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned got = 4242;
		int rc = parse_port(cases[i].in, cases[i].allow_zero, &got);

		CHECK_INT_AT(rc, cases[i].rc, label("parse_port", cases[i].in));
		if (cases[i].rc == 0)
			CHECK_INT_AT(got, cases[i].want,
			             label("parse_port value", cases[i].in));
	}
}

static void test_port_range(void)
{
	static const struct {
		const char *in;
		int rc;
		unsigned lo, hi;
	} cases[] = {
	    {"20-30", 0, 20, 30},
	    {"80", 0, 80, 80},
	    {"80-80", 0, 80, 80},
	    {"1-65535", 0, 1, 65535},
	    {"30-20", -1, 0, 0},
	    {"-5", -1, 0, 0},
	    {"5-", -1, 0, 0},
	    {"-", -1, 0, 0},
	    {"", -1, 0, 0},
	    {"1-65536", -1, 0, 0},
	    {"0-5", -1, 0, 0},
	    {"1-2-3", -1, 0, 0},
	    {"20 - 30", -1, 0, 0},
	    {"0000000020-30", -1, 0, 0}, /* the first part is bounded before it is parsed */
	    {"a-b", -1, 0, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned lo = 0, hi = 0;
		int rc = parse_port_range(cases[i].in, &lo, &hi);

		CHECK_INT_AT(rc, cases[i].rc, label("parse_port_range", cases[i].in));
		if (cases[i].rc == 0) {
			CHECK_INT_AT(lo, cases[i].lo,
			             label("parse_port_range lo", cases[i].in));
			CHECK_INT_AT(hi, cases[i].hi,
			             label("parse_port_range hi", cases[i].in));
		}
	}
}

static void test_seconds(void)
{
	static const struct {
		const char *in;
		int rc;
		int ms;
	} cases[] = {
	    {"2", 0, 2000},
	    {"0", 0, 0},
	    {"0.5", 0, 500},
	    {".5", 0, 500},
	    {"5.", 0, 5000},
	    {"1.25", 0, 1250},
	    {"0.001", 0, 1},
	    {"0.0001", 0, 1}, /* rounded up: a small positive time is never none */
	    {"0.0000", 0, 0},
	    {"0.9999", 0, 1000},
	    {"1000000", 0, 1000000000},
	    {"1000000.0", 0, 1000000000},
	    {"1000000.001", -1, 0},
	    {"1000001", -1, 0},
	    {"99999999999999999999", -1, 0},
	    {"5x", -1, 0},
	    {"-1", -1, 0},
	    {"1e99", -1, 0},
	    {"", -1, 0},
	    {".", -1, 0},
	    {"1..5", -1, 0},
	    {" 1", -1, 0},
	    {"1 ", -1, 0},
	    {"+1", -1, 0},
	    {"0x10", -1, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ms = -42;
		int rc = parse_seconds(cases[i].in, &ms);

		CHECK_INT_AT(rc, cases[i].rc, label("parse_seconds", cases[i].in));
		if (cases[i].rc == 0)
			CHECK_INT_AT(ms, cases[i].ms, label("parse_seconds ms", cases[i].in));
		else
			CHECK_INT_AT(ms, -42, label("parse_seconds untouched", cases[i].in));
	}
}

static void test_hostport(void)
{
	static const struct {
		const char *in;
		int rc;
		const char *host, *port; /* checked when rc >= 0 */
	} cases[] = {
	    {"h:80", 1, "h", "80"},
	    {"example.org:http", 1, "example.org", "http"},
	    {"127.0.0.1:8080", 1, "127.0.0.1", "8080"},
	    {"[::1]:80", 1, "::1", "80"},
	    {"[fe80::1%eth0]:22", 1, "fe80::1%eth0", "22"},
	    {"example.org", 0, "example.org", ""},
	    {"::1", 0, "::1", ""},
	    {"2001:db8::1", 0, "2001:db8::1", ""},
	    {"[::1]", 0, "::1", ""},
	    {"[::1", -1, NULL, NULL},
	    {"[]:80", -1, NULL, NULL},
	    {"[]", -1, NULL, NULL},
	    {"[::1]80", -1, NULL, NULL},
	    {"[::1]:", -1, NULL, NULL},
	    {"h:", -1, NULL, NULL},
	    {":80", -1, NULL, NULL},
	    {":", -1, NULL, NULL},
	    {"", -1, NULL, NULL},
	};
	char host[32], port[8];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = parse_hostport(cases[i].in, host, sizeof host, port, sizeof port);

		CHECK_INT_AT(rc, cases[i].rc, label("parse_hostport", cases[i].in));
		if (cases[i].rc >= 0 && rc >= 0) {
			CHECK_STR_AT(host, cases[i].host,
			             label("parse_hostport host", cases[i].in));
			CHECK_STR_AT(port, cases[i].port,
			             label("parse_hostport port", cases[i].in));
		}
	}
}

/* A part that does not fit its buffer is refused, never cut short. */
static void test_hostport_bounds(void)
{
	char host[8], port[6];

	CHECK_INT(parse_hostport("1234567:80", host, sizeof host, port, sizeof port), 1);
	CHECK_STR(host, "1234567");
	CHECK_INT(parse_hostport("12345678:80", host, sizeof host, port, sizeof port), -1);
	CHECK_INT(parse_hostport("12345678", host, sizeof host, port, sizeof port), -1);
	CHECK_INT(parse_hostport("[1:2:3:4:5]:80", host, sizeof host, port, sizeof port), -1);
	CHECK_INT(parse_hostport("[1:2::3]", host, sizeof host, port, sizeof port), 0);
	CHECK_STR(host, "1:2::3");
	CHECK_INT(parse_hostport("h:65535", host, sizeof host, port, sizeof port), 1);
	CHECK_STR(port, "65535");
	CHECK_INT(parse_hostport("h:655350", host, sizeof host, port, sizeof port), -1);
	CHECK_INT(parse_hostport("[::1]:655350", host, sizeof host, port, sizeof port), -1);
}

static void test_service_name(void)
{
	static const struct {
		const char *in;
		bool want;
	} cases[] = {
	    {"http", true},
	    {"ntp-time", true},
	    {"x11_ssh", true},
	    {"Daytime", true},
	    {"h2", true},
	    {"abcdefghijklmnopqrstuvwxyzabcdef", true}, /* 32 characters */
	    {"abcdefghijklmnopqrstuvwxyzabcdefg", false},
	    {"80", false},
	    {"8080x", false},
	    {"-http", false},
	    {"_http", false},
	    {"", false},
	    {"ht tp", false},
	    {"http:", false},
	    {"caf\xc3\xa9", false},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_INT_AT(parse_is_service_name(cases[i].in), cases[i].want,
		             label("parse_is_service_name", cases[i].in));
}

/* The closest of names to word, as "did you mean" picks it; NULL for none. */
static const char *closest(const char *word, const char *const *names)
{
	struct parse_closest c;

	parse_closest_start(&c, word, strlen(word));
	for (; *names; names++)
		parse_closest_offer(&c, *names);
	return c.best;
}

/* One rule for commands and options: the two old copies disagreed on two-letter words. */
static void test_closest(void)
{
	static const char *const cmds[] = {"serve", "connect", "udp-send", "wait", NULL};
	static const char *const opts[] = {"timeout", "max-clients", "reverse",
	                                   "root",    "location",    NULL};

	CHECK_STR(closest("conect", cmds), "connect");
	CHECK_STR(closest("connetc", cmds), "connect"); /* a swap is one edit */
	CHECK_STR(closest("con", cmds), "connect");     /* a prefix counts as distance 1 */
	CHECK_STR(closest("Connect", cmds), "connect");
	CHECK_STR(closest("sreve", cmds), "serve");
	CHECK(closest("xyzzy", cmds) == NULL);
	CHECK(closest("", cmds) == NULL);
	/* a word under 6 bytes gets a name within one edit only: "wt" is two from "wait" */
	CHECK(closest("wt", cmds) == NULL);
	CHECK(closest("rt", opts) == NULL);
	CHECK_STR(closest("wai", cmds), "wait");
	/* from 6 bytes on, two edits */
	CHECK_STR(closest("timout", opts), "timeout");
	CHECK_STR(closest("max-client", opts), "max-clients");
	CHECK(closest("tmeot", opts) == NULL); /* two edits, but under 6 bytes */
	CHECK_STR(closest("rev", opts), "reverse");
	CHECK_STR(closest("locaton", opts), "location");
	CHECK(closest("zzzzzz", opts) == NULL);
	CHECK_STR(closest("rot", opts), "root");
	/* the first of equals wins; words over 23 bytes are close to nothing but by prefix */
	CHECK_STR(closest("t", (const char *const[]){"ta", "tb", NULL}), "ta");
	CHECK(closest("abcdefghijklmnopqrstuvwxyz", opts) == NULL);
}

void suite_parse(void);
void suite_parse(void)
{
	test_count();
	test_port();
	test_port_range();
	test_seconds();
	test_hostport();
	test_hostport_bounds();
	test_service_name();
	test_closest();
}
