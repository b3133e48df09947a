/* test_diag.c: diag_escape, the one escaping of what sockit shows on a terminal. */
#include "diag.h"
#include "unit.h"

#include <unistd.h>

static const struct {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *want;
} cases[] = {
    /* printable ASCII, tab, and valid printable UTF-8 pass */
    {"Not Found", 0, "Not Found"},
    {"a\tb", 0, "a\tb"},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad", 0,
     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad"},
    {"\xc2\xa0\xc2\xa9\xdf\xbf\xef\xbf\xbd\xf4\x8f\xbf\xbf", 0,
     "\xc2\xa0\xc2\xa9\xdf\xbf\xef\xbf\xbd\xf4\x8f\xbf\xbf"},
    {"back\\slash", 0, "back\\slash"},
    {"", 0, ""},
    /* C0 controls and DEL */
    {"\x1b[31mred", 0, "\\x1b[31mred"},
    {"a\rb\nc", 0, "a\\x0db\\x0ac"},
    {"x\0y", 3, "x\\x00y"},
    {"\x7f", 0, "\\x7f"},
    {"\x01\x1f", 0, "\\x01\\x1f"},
    /* C1 controls, raw and UTF-8 encoded */
    {"\x9b"
     "31m",
     0, "\\x9b31m"},
    {"\x80\x9f", 0, "\\x80\\x9f"},
    {"\xc2\x9b"
     "2J",
     0, "\\xc2\\x9b2J"},
    {"\xc2\x80\xc2\x9f", 0, "\\xc2\\x80\\xc2\\x9f"},
    /* overlong encodings */
    {"\xc0\x9b", 0, "\\xc0\\x9b"},
    {"\xc1\xbf", 0, "\\xc1\\xbf"},
    {"\xe0\x80\x9b", 0, "\\xe0\\x80\\x9b"},
    {"\xe0\x9f\xbf", 0, "\\xe0\\x9f\\xbf"},
    {"\xf0\x80\x80\x9b", 0, "\\xf0\\x80\\x80\\x9b"},
    {"\xf0\x8f\xbf\xbf", 0, "\\xf0\\x8f\\xbf\\xbf"},
    /* invalid UTF-8: lone continuations, truncated sequences, surrogates, past U+10FFFF */
    {"\xbf", 0, "\\xbf"},
    {"\xc3", 0, "\\xc3"},
    {"\xc3(", 0, "\\xc3("},
    {"\xe2\x82", 0, "\\xe2\\x82"},
    {"\xe2\x82x", 0, "\\xe2\\x82x"},
    {"\xed\xa0\x80", 0, "\\xed\\xa0\\x80"},
    {"\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80"},
    {"\xf5\x80\x80\x80", 0, "\\xf5\\x80\\x80\\x80"},
    {"\xfe\xff", 0, "\\xfe\\xff"},
    /* line and paragraph separators, bidi overrides and isolates */
    {"a\xe2\x80\xa8"
     "b",
     0, "a\\xe2\\x80\\xa8b"},
    {"\xe2\x80\xa9", 0, "\\xe2\\x80\\xa9"},
    {"\xe2\x80\xaa\xe2\x80\xae", 0, "\\xe2\\x80\\xaa\\xe2\\x80\\xae"},
    {"\xe2\x81\xa6\xe2\x81\xa9", 0, "\\xe2\\x81\\xa6\\xe2\\x81\\xa9"},
    /* their neighbours are ordinary */
    {"\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa", 0,
     "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"},
    /* a valid sequence after an invalid byte is taken whole again */
    {"\xff\xc3\xa9", 0, "\\xff\xc3\xa9"},
};

/* Output that does not fit is cut before an escape or a character, never inside one. */
static void check_cut(void)
{
	char out[8];

	CHECK_INT(diag_escape(out, sizeof out, "abcdefghij", 10), 7);
	CHECK_STR(out, "abcdefg");
	CHECK_INT(diag_escape(out, sizeof out, "ab\x1b\x1b", 4), 6);
	CHECK_STR(out, "ab\\x1b");
	CHECK_INT(diag_escape(out, sizeof out, "abcd\xc3\xa9\xc3\xa9", 8), 6);
	CHECK_STR(out, "abcd\xc3\xa9");
	CHECK_INT(diag_escape(out, 1, "abc", 3), 0);
	CHECK_STR(out, "");
}

/* diag_fail prints one escaped line (and the --help pointer for EXIT_USAGE) and returns
 * the status it was given. */
static void check_fail(void)
{
	char got[256] = "";
	FILE *tmp = tmpfile();
	int saved = dup(2), r1, r2;
	size_t n;

	CHECK(tmp != NULL && saved >= 0);
	if (!tmp || saved < 0)
		return;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	diag_set_command("t");
	r1 = diag_fail(EXIT_IO, "x %d\x1b", 1);
	r2 = diag_fail(EXIT_USAGE, "y");
	diag_set_command(NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(got, 1, sizeof got - 1, tmp);
	got[n] = '\0';
	fclose(tmp);
	CHECK_INT(r1, EXIT_IO);
	CHECK_INT(r2, EXIT_USAGE);
	CHECK_STR(got, "sockit: t: x 1\\x1b\nsockit: t: y\nTry 'sockit t --help'.\n");
}

void suite_diag(void);
void suite_diag(void)
{
	char out[256];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		size_t n = diag_escape(out, sizeof out, cases[i].in, len);

		unit_check_str(out, cases[i].want, cases[i].in, __FILE__, __LINE__);
		CHECK_INT((long long)n, (long long)strlen(cases[i].want));
		CHECK(n <= 4 * len);
	}
	check_cut();
	check_fail();
}
