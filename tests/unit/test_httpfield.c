/* test_httpfield.c: unit tests of http_field.c and ascii.h, the syntax both HTTP
 * wires share. */
#include "http_field.h"
#include "unit.h"

#include <stdbool.h>
#include <string.h>

void suite_httpfield(void);

static void test_split(void)
{
	static const struct {
		const char *line;
		const char *name,
		    *value; /* NULL name: refused, value holds part of the message */
	} cases[] = {
	    {"Host: h", "Host", "h"},
	    {"X-A:  \t v w \t", "X-A", "v w"},
	    {"X-A:", "X-A", ""},
	    {"!#$%&'*+-.^_`|~09aZ:v", "!#$%&'*+-.^_`|~09aZ", "v"},
	    {"X: \xc3\xa9", "X", "\xc3\xa9"},
	    {" X: v", NULL, "folding"},
	    {"\tX: v", NULL, "folding"},
	    {"X : v", NULL, "bad header name"},
	    {": v", NULL, "bad header name"},
	    {"X", NULL, "bad header name"},
	    {"X(: v", NULL, "bad header name"},
	    {"X: a\rb", NULL, "control byte"},
	    {"X: \x1b[1m", NULL, "control byte"},
	    {"X: \x7f", NULL, "control byte"},
	};
	struct http_field f;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *msg = http_field_split(cases[i].line, strlen(cases[i].line), &f);

		if (cases[i].name == NULL) {
			CHECK(msg != NULL && strstr(msg, cases[i].value) != NULL);
			continue;
		}
		CHECK(msg == NULL);
		if (msg != NULL)
			continue;
		CHECK(f.namelen == strlen(cases[i].name) &&
		      memcmp(f.name, cases[i].name, f.namelen) == 0);
		CHECK(f.valuelen == strlen(cases[i].value) &&
		      memcmp(f.value, cases[i].value, f.valuelen) == 0);
	}
	CHECK_STR(http_field_split("X: a\0b", 6, &f), "NUL byte in header");
}

static void test_numbers_and_options(void)
{
	bool close = false, keep = false;

	CHECK_INT(http_decimal("0", 1), 0);
	CHECK_INT(http_decimal("00042", 5), 42);
	CHECK_INT(http_decimal("9223372036854775807", 19), INT64_MAX);
	CHECK_INT(http_decimal("9223372036854775808", 19), -1);
	CHECK_INT(http_decimal("", 0), -1);
	CHECK_INT(http_decimal("+1", 2), -1);
	CHECK_INT(http_decimal("1 ", 2), -1);
	http_connection_options("foo, Keep-Alive ,x", 18, &close, &keep);
	CHECK(!close && keep);
	http_connection_options(" CLOSE", 6, &close, &keep);
	CHECK(close);
	CHECK(ascii_ci_equal("Chunked", 7, "chunked"));
	CHECK(!ascii_ci_equal("chunke", 6, "chunked"));
	CHECK_INT(ascii_hex_value('0'), 0);
	CHECK_INT(ascii_hex_value('f'), 15);
	CHECK_INT(ascii_hex_value('F'), 15);
	CHECK_INT(ascii_hex_value('g'), -1);
	CHECK_INT(ascii_hex_value('/'), -1);
}

void suite_httpfield(void)
{
	test_split();
	test_numbers_and_options();
}
