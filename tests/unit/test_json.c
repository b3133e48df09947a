/* test_json.c: unit tests of the JSON writer: escaping, UTF-8, base64, the object shape. */
#include "json.h"
#include "unit.h"

#include <stdlib.h>

/* The line json_end writes for the object built so far, NUL-terminated (static). */
static const char *line_of(struct json *j)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof buf, "w");

	if (!f || json_end(j, f) != 0)
		return "(failed)";
	fclose(f);
	return buf;
}

/* {"s":<s[0..n) escaped>} as a line. */
static const char *escaped(const char *s, size_t n)
{
	static struct json j;

	json_begin(&j);
	json_str(&j, "s", s, n);
	return line_of(&j);
}

static void test_escapes(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
	    {"plain", 5, "{\"s\":\"plain\"}\n"},
	    {"", 0, "{\"s\":\"\"}\n"},
	    {"a\"b\\c", 5, "{\"s\":\"a\\\"b\\\\c\"}\n"},
	    {"\n\r\t\x01\x1f\x7f", 6,
	     "{\"s\":\"\\u000a\\u000d\\u0009\\u0001\\u001f\\u007f\"}\n"},
	    {"a\0b", 3, "{\"s\":\"a\\u0000b\"}\n"},
	    {"/", 1, "{\"s\":\"/\"}\n"},
	    /* valid UTF-8 is copied: 2, 3 and 4 bytes */
	    {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
	     "{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}\n"},
	    /* C1 controls (raw bytes are invalid UTF-8; encoded they are escaped) */
	    {"\xc2\x9b", 2, "{\"s\":\"\\u009b\"}\n"},
	    {"\x9b", 1, "{\"s\":\"\\ufffd\"}\n"},
	    {"\xe2\x80\xa8\xe2\x80\xa9", 6, "{\"s\":\"\\u2028\\u2029\"}\n"},
	    /* invalid: each byte not part of a valid character becomes U+FFFD */
	    {"a\xff"
	     "b",
	     3, "{\"s\":\"a\\ufffdb\"}\n"},
	    {"\xc0\xaf", 2, "{\"s\":\"\\ufffd\\ufffd\"}\n"},            /* overlong '/' */
	    {"\xe0\x80\xaf", 3, "{\"s\":\"\\ufffd\\ufffd\\ufffd\"}\n"}, /* overlong */
	    {"\xed\xa0\x80", 3, "{\"s\":\"\\ufffd\\ufffd\\ufffd\"}\n"}, /* a surrogate */
	    {"\xf4\x90\x80\x80", 4,
	     "{\"s\":\"\\ufffd\\ufffd\\ufffd\\ufffd\"}\n"},  /* > 10FFFF */
	    {"\xe2\x82", 2, "{\"s\":\"\\ufffd\\ufffd\"}\n"}, /* truncated */
	    {"\xf0\x9f\x98", 3, "{\"s\":\"\\ufffd\\ufffd\\ufffd\"}\n"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		unit_check_str(escaped(cases[i].in, cases[i].len), cases[i].want, cases[i].want,
		               __FILE__, __LINE__);
}

static void test_utf8(void)
{
	CHECK(json_utf8_valid("", 0));
	CHECK(json_utf8_valid("hello", 5));
	CHECK(json_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
	CHECK(json_utf8_valid("\xef\xbf\xbd", 3));
	CHECK(json_utf8_valid("\xed\x9f\xbf", 3)); /* U+D7FF, just below the surrogates */
	CHECK(!json_utf8_valid("\xed\xbf\xbf", 3));
	CHECK(!json_utf8_valid("\xc1\xbf", 2));
	CHECK(!json_utf8_valid("\xf5\x80\x80\x80", 4));
	CHECK(!json_utf8_valid("\x80", 1));
	CHECK(!json_utf8_valid("ab\xc3", 3));
	CHECK(!json_utf8_valid("\xc3"
	                       "a",
	                       2));
}

static const char *base64_of(const char *s, size_t n)
{
	static struct json j;

	json_begin(&j);
	json_base64(&j, "b", s, n);
	return line_of(&j);
}

static void test_base64(void)
{
	/* RFC 4648 §10 */
	CHECK_STR(base64_of("", 0), "{\"b\":\"\"}\n");
	CHECK_STR(base64_of("f", 1), "{\"b\":\"Zg==\"}\n");
	CHECK_STR(base64_of("fo", 2), "{\"b\":\"Zm8=\"}\n");
	CHECK_STR(base64_of("foo", 3), "{\"b\":\"Zm9v\"}\n");
	CHECK_STR(base64_of("foob", 4), "{\"b\":\"Zm9vYg==\"}\n");
	CHECK_STR(base64_of("fooba", 5), "{\"b\":\"Zm9vYmE=\"}\n");
	CHECK_STR(base64_of("foobar", 6), "{\"b\":\"Zm9vYmFy\"}\n");
	CHECK_STR(base64_of("\xff\xfe\x00", 3), "{\"b\":\"//4A\"}\n");
}

static void test_object(void)
{
	struct json j = {0};

	json_begin(&j);
	json_cstr(&j, "url", "http://x/");
	json_int(&j, "status", 200);
	json_real(&j, "ms", 0.1234);
	json_bool(&j, "up", true);
	json_bool(&j, "no", false);
	json_array_begin(&j, "headers");
	json_pair(&j, "A", 1, "1", 1);
	json_pair(&j, "B", 1, "", 0);
	json_array_end(&j);
	json_array_begin(&j, "none");
	json_array_end(&j);
	json_int(&j, "n", -5);
	CHECK_STR(line_of(&j), "{\"url\":\"http://x/\",\"status\":200,\"ms\":0.123,\"up\":true,"
	                       "\"no\":false,\"headers\":[[\"A\",\"1\"],[\"B\",\"\"]],"
	                       "\"none\":[],\"n\":-5}\n");
	/* a second object reuses the buffer and starts afresh */
	json_begin(&j);
	json_real(&j, "x", 1.0 / 0.0);
	CHECK_STR(line_of(&j), "{\"x\":null}\n");
	json_begin(&j);
	CHECK_STR(line_of(&j), "{}\n");
	json_free(&j);
	CHECK(j.out.data == NULL);
}

/* A long string grows the buffer across many doublings and keeps every byte. */
static void test_growth(void)
{
	struct json j = {0};
	size_t n = 100000;
	char *s = malloc(n);

	memset(s, 'x', n);
	s[n - 1] = '"';
	json_begin(&j);
	json_str(&j, "k", s, n);
	CHECK_INT((long long)j.out.len, (long long)(n + 1 + 7));
	CHECK(j.out.data != NULL && memcmp(j.out.data + j.out.len - 3, "\\\"\"", 3) == 0);
	free(s);
	json_free(&j);
}

void suite_json(void);
void suite_json(void)
{
	test_escapes();
	test_utf8();
	test_base64();
	test_object();
	test_growth();
}
