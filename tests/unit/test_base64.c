/* test_base64.c: the one base64 codec: RFC 4648 section 10's vectors both ways, what fits,
 * and the spellings the strict decoder refuses. */
#include "base64.h"
#include "unit.h"

#include <string.h>

static const struct {
	const char *bytes, *text;
} vectors[] = {
    /* RFC 4648 section 10 */
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
    /* RFC 7617: the Basic credentials of its example */
    {"Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
    /* the last two digits of the alphabet, and high bytes */
    {"\xfb\xff\xbf", "+/+/"},
    {"\xff\xff\xff", "////"},
};

static void test_vectors(void)
{
	char text[64];
	unsigned char bytes[64];

	for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
		size_t n = strlen(vectors[i].bytes), len = strlen(vectors[i].text);

		CHECK_INT(base64_encode(text, sizeof text, vectors[i].bytes, n), len);
		CHECK_STR(text, vectors[i].text);
		CHECK_INT(BASE64_LEN(n), len);
		CHECK_INT(base64_decode(bytes, sizeof bytes, vectors[i].text, len), n);
		CHECK_MEM(bytes, n, vectors[i].bytes, n);
	}
}

/* The encoder writes whole groups that fit with the NUL; the decoder refuses what does
 * not fit. */
static void test_fit(void)
{
	char text[8];
	unsigned char bytes[4];

	CHECK_INT(base64_encode(text, 5, "foobar", 6), 4);
	CHECK_STR(text, "Zm9v");
	CHECK_INT(base64_encode(text, 4, "foobar", 6), 0);
	CHECK_STR(text, "");
	CHECK_INT(base64_encode(text, 0, "f", 1), 0);
	CHECK_INT(base64_decode(bytes, 3, "Zm9vYg==", 8), -1);
	CHECK_INT(base64_decode(bytes, 4, "Zm9vYg==", 8), 4);
	CHECK_INT(base64_decode(bytes, 2, "Zm9v", 4), -1);
}

/* One spelling per value: everything else is refused. */
static void test_strict(void)
{
	static const char *const bad[] = {
	    "Zg",       /* no padding */
	    "Zg=",      /* short padding */
	    "Zm9",      /* not a multiple of 4 */
	    "Z===",     /* one digit cannot hold a byte */
	    "Zg=a",     /* a digit after '=' */
	    "Zg==Zg==", /* padding in the middle */
	    "Zh==",     /* bits under the padding */
	    "Zm9=",     /* bits under the padding */
	    "Zm 9",     /* a space */
	    "Zm-_",     /* the URL-safe alphabet */
	    "====",     /* padding alone */
	};
	unsigned char bytes[16];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		unit_check_int(base64_decode(bytes, sizeof bytes, bad[i], strlen(bad[i])), -1,
		               bad[i], __FILE__, __LINE__);
	CHECK_INT(base64_decode(bytes, sizeof bytes, "Zg\0=", 4), -1);
}

void suite_base64(void);
void suite_base64(void)
{
	test_vectors();
	test_fit();
	test_strict();
}
