/* test_jsoncheck.c: unit tests of the streaming JSON check (--data-json). */
#include "jsoncheck.h"
#include "unit.h"

static int check_text(const char *s)
{
	struct jsoncheck j;

	return jsoncheck_text(&j, s, strlen(s));
}

/* The same text fed one byte at a time. */
static int check_bytewise(const char *s)
{
	struct jsoncheck j;

	jsoncheck_init(&j);
	for (size_t i = 0; s[i]; i++)
		if (jsoncheck_feed(&j, s + i, 1) < 0)
			return -1;
	return jsoncheck_end(&j);
}

static void test_valid(void)
{
	static const char *const ok[] = {
	    "{}",
	    "[]",
	    " [ ] ",
	    "0",
	    "-0",
	    "1.5e10",
	    "-12.25E-3",
	    "1E+2",
	    "\"\"",
	    "true",
	    "false",
	    "null",
	    "{\"a\":[1,2,{\"b\":null}],\"c\":\"\\u00e9\\n\"}",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	    "\n{\"k\" : true }\r\n",
	    "[[[[]]]]",
	};

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		CHECK_INT(check_text(ok[i]), 0);
		CHECK_INT(check_bytewise(ok[i]), 0);
	}
}

static void test_invalid(void)
{
	static const char *const bad[] = {
	    "",
	    " ",
	    "{",
	    "[1,]",
	    "[,1]",
	    "{\"a\":1,}",
	    "{\"a\" 1}",
	    "{a:1}",
	    "01",
	    "1.",
	    ".5",
	    "-",
	    "1e",
	    "+1",
	    "tru",
	    "nul",
	    "True",
	    "'x'",
	    "\"a",
	    "\"\\x\"",
	    "\"\\u12g4\"",
	    "\"\x01\"",
	    "[1] [2]",
	    "{}x",
	    "\"\xc0\xaf\"",
	    "\"\xed\xa0\x80\"",
	    "\"\xf4\x90\x80\x80\"",
	    "\"\xe2\x82\"",
	    "[1}",
	    "{\"a\":1]",
	    "NaN",
	    "[1 2]",
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK_INT(check_text(bad[i]), -1);
		CHECK_INT(check_bytewise(bad[i]), -1);
	}
}

static void test_where(void)
{
	struct jsoncheck j;

	CHECK_INT(jsoncheck_text(&j, "[1, 2, x]", 9), -1);
	CHECK_INT((long long)j.at, 7);
	CHECK_STR(j.why, "expected a value");
	CHECK_INT(jsoncheck_text(&j, "{\"a\":", 5), -1);
	CHECK_STR(j.why, "the text ends early");
	CHECK_INT(jsoncheck_text(&j, "", 0), -1);
	CHECK_STR(j.why, "no JSON value");
}

static void test_depth(void)
{
	static char deep[2 * JSONCHECK_DEPTH_MAX + 4];
	struct jsoncheck j;
	size_t n = JSONCHECK_DEPTH_MAX;

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	CHECK_INT(jsoncheck_text(&j, deep, 2 * n), 0);
	deep[0] = '[';
	memmove(deep + 1, deep, 2 * n);
	deep[2 * n + 1] = ']';
	CHECK_INT(jsoncheck_text(&j, deep, 2 * n + 2), -1);
	CHECK_STR(j.why, "nested too deeply");
}

void suite_jsoncheck(void);
void suite_jsoncheck(void)
{
	test_valid();
	test_invalid();
	test_where();
	test_depth();
}
