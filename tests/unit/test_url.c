/* test_url.c: unit tests of url.c: parsing, limits, reference resolution (RFC 3986 §5.4),
 * file names for -O. */
#include "unit.h"
#include "url.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void suite_url(void);

/* A string literal that may hold NUL bytes, with its length. */
#define BYTES(s) s, sizeof(s) - 1

/* ---- URLs ----------------------------------------------------------------------------- */

struct url_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum http_url_result want;
	const char *host; /* OK: host, port, authority, target; else: a part of the message */
	unsigned port;
	const char *authority;
	const char *target;
};

static const struct url_case url_cases[] = {
    {"http://example.com/", 0, HTTP_URL_OK, "example.com", 80, "example.com", "/"},
    {"http://example.com", 0, HTTP_URL_OK, "example.com", 80, "example.com", "/"},
    {"example.com", 0, HTTP_URL_OK, "example.com", 80, "example.com", "/"},
    {"example.com:8080/x?y", 0, HTTP_URL_OK, "example.com", 8080, "example.com:8080", "/x?y"},
    {"localhost:8080", 0, HTTP_URL_OK, "localhost", 8080, "localhost:8080", "/"},
    {"HTTP://Example.COM:80/a", 0, HTTP_URL_OK, "Example.COM", 80, "Example.COM", "/a"},
    {"hTtP://h/", 0, HTTP_URL_OK, "h", 80, "h", "/"},
    {"http://[::1]:8080/", 0, HTTP_URL_OK, "::1", 8080, "[::1]:8080", "/"},
    {"http://[::1]/", 0, HTTP_URL_OK, "::1", 80, "[::1]", "/"},
    {"[::1]:81", 0, HTTP_URL_OK, "::1", 81, "[::1]:81", "/"},
    {"http://[::ffff:1.2.3.4]/", 0, HTTP_URL_OK, "::ffff:1.2.3.4", 80, "[::ffff:1.2.3.4]", "/"},
    {"http://[2001:DB8::A]:1/x", 0, HTTP_URL_OK, "2001:DB8::A", 1, "[2001:DB8::A]:1", "/x"},
    {"http://1.2.3.4:65535/", 0, HTTP_URL_OK, "1.2.3.4", 65535, "1.2.3.4:65535", "/"},
    {"http://h:/", 0, HTTP_URL_OK, "h", 80, "h", "/"},
    {"http://h:00080/", 0, HTTP_URL_OK, "h", 80, "h", "/"},
    {"http://h/p?q#frag", 0, HTTP_URL_OK, "h", 80, "h", "/p?q"},
    {"http://h#frag", 0, HTTP_URL_OK, "h", 80, "h", "/"},
    {"http://h?x", 0, HTTP_URL_OK, "h", 80, "h", "/?x"},
    {"http://h/?", 0, HTTP_URL_OK, "h", 80, "h", "/?"},
    {"http://my_host-1.example/", 0, HTTP_URL_OK, "my_host-1.example", 80, "my_host-1.example",
     "/"},
    {"http://h/a/./b/../c", 0, HTTP_URL_OK, "h", 80, "h", "/a/c"},
    {"http://h/../../x/.", 0, HTTP_URL_OK, "h", 80, "h", "/x/"},
    {"http://h/a?b/../c", 0, HTTP_URL_OK, "h", 80, "h", "/a?b/../c"},
    {"http://h/%zz%41", 0, HTTP_URL_OK, "h", 80, "h", "/%zz%41"},
    {"http://h/\xc3\xa9?\xff", 0, HTTP_URL_OK, "h", 80, "h", "/%C3%A9?%FF"},
    {"http://h/a;b=c,d@e:f", 0, HTTP_URL_OK, "h", 80, "h", "/a;b=c,d@e:f"},
    {"https://h/", 0, HTTP_URL_OK, "h", 443, "h", "/"},
    {"HTTPS://h:443/x", 0, HTTP_URL_OK, "h", 443, "h", "/x"},
    {"https://h:80/x", 0, HTTP_URL_OK, "h", 80, "h:80", "/x"},
    {"https:/h", 0, HTTP_URL_BAD, "expected http:// or https://", 0, NULL, NULL},
    {"ftp://h/", 0, HTTP_URL_SCHEME, "scheme", 0, NULL, NULL},
    {"gopher://h", 0, HTTP_URL_SCHEME, "scheme", 0, NULL, NULL},
    {"http://[::1/", 0, HTTP_URL_BAD, "missing ']'", 0, NULL, NULL},
    {"http://::1:8080/", 0, HTTP_URL_BAD, "brackets", 0, NULL, NULL},
    {"::1", 0, HTTP_URL_BAD, "brackets", 0, NULL, NULL},
    {"http://:80/", 0, HTTP_URL_BAD, "empty host", 0, NULL, NULL},
    {"http://", 0, HTTP_URL_BAD, "empty host", 0, NULL, NULL},
    {"http:///x", 0, HTTP_URL_BAD, "empty host", 0, NULL, NULL},
    {"", 0, HTTP_URL_BAD, "empty host", 0, NULL, NULL},
    {"http://h:99999/", 0, HTTP_URL_BAD, "port out of range", 0, NULL, NULL},
    {"http://h:65536/", 0, HTTP_URL_BAD, "port out of range", 0, NULL, NULL},
    {"http://h:0/", 0, HTTP_URL_BAD, "port out of range", 0, NULL, NULL},
    {"http://h:1234567890123456789012345/", 0, HTTP_URL_BAD, "port out of range", 0, NULL,
     NULL},
    {"http://h:abc/", 0, HTTP_URL_BAD, "bad port", 0, NULL, NULL},
    {"http://h:80x/", 0, HTTP_URL_BAD, "bad port", 0, NULL, NULL},
    {"http://h:-1/", 0, HTTP_URL_BAD, "bad port", 0, NULL, NULL},
    {"http://h:+80/", 0, HTTP_URL_BAD, "bad port", 0, NULL, NULL},
    {"http://user@h/", 0, HTTP_URL_BAD, "user@", 0, NULL, NULL},
    {"http://u:p@h:8080/", 0, HTTP_URL_BAD, "user@", 0, NULL, NULL},
    {"http://h/\r\n", 0, HTTP_URL_BAD, "control byte", 0, NULL, NULL},
    {"http://h/a b", 0, HTTP_URL_BAD, "space", 0, NULL, NULL},
    {"http://h x/", 0, HTTP_URL_BAD, "space", 0, NULL, NULL},
    {" http://h/", 0, HTTP_URL_BAD, "space", 0, NULL, NULL},
    {"http://h\x01/", 0, HTTP_URL_BAD, "control byte", 0, NULL, NULL},
    {"http://h/\x7f", 0, HTTP_URL_BAD, "control byte", 0, NULL, NULL},
    {"http://h/\tx", 0, HTTP_URL_BAD, "control byte", 0, NULL, NULL},
    {"http://h/a\0b", 12, HTTP_URL_BAD, "control byte", 0, NULL, NULL},
    {"http://[]/", 0, HTTP_URL_BAD, "bad IPv6", 0, NULL, NULL},
    {"http://[zz::1]/", 0, HTTP_URL_BAD, "bad IPv6", 0, NULL, NULL},
    {"http://[::1]x/", 0, HTTP_URL_BAD, "bad IPv6", 0, NULL, NULL},
    {"http://[::1]:/", 0, HTTP_URL_OK, "::1", 80, "[::1]", "/"},
    {"http://[fe80::1%25eth0]/", 0, HTTP_URL_BAD, "bad IPv6", 0, NULL, NULL},
    {"http://[1.2.3.4]/", 0, HTTP_URL_BAD, "bad IPv6", 0, NULL, NULL},
    {"http://[1::2::3]/", 0, HTTP_URL_BAD, "bad IPv6", 0, NULL, NULL},
    {"http://ex!ample/", 0, HTTP_URL_BAD, "bad character", 0, NULL, NULL},
    {"http://h%41/", 0, HTTP_URL_BAD, "bad character", 0, NULL, NULL},
    {"http://\xc3\xa9.example/", 0, HTTP_URL_BAD, "bad character", 0, NULL, NULL},
    {"http:/x", 0, HTTP_URL_BAD, "malformed", 0, NULL, NULL},
    {"http:x", 0, HTTP_URL_BAD, "malformed", 0, NULL, NULL},
    {"https:x", 0, HTTP_URL_BAD, "malformed", 0, NULL, NULL},
};

static void check_url_case(const struct url_case *c)
{
	struct http_url u;
	const char *err = NULL;
	size_t len = c->len ? c->len : strlen(c->in);
	enum http_url_result r = http_url_parse(&u, c->in, len, &err);

	CHECK_INT(r, c->want);
	if (r != c->want) {
		printf("     url \"%s\": %s\n", c->in, err ? err : "ok");
		return;
	}
	if (r != HTTP_URL_OK) {
		CHECK(err != NULL && strstr(err, c->host) != NULL);
		if (err == NULL || strstr(err, c->host) == NULL)
			printf("     url \"%s\": \"%s\" lacks \"%s\"\n", c->in, err, c->host);
		return;
	}
	CHECK_STR(u.host, c->host);
	CHECK_INT(u.port, c->port);
	CHECK_STR(u.authority, c->authority);
	CHECK_STR(u.target, c->target);
	CHECK_INT(u.ipv6, c->in[strcspn(c->in, "[")] == '[');
}

/* Long hosts and paths: the limits are exact, and nothing past them is a crash. */
static void test_url_limits(void)
{
	static char buf[3 * HTTP_TARGET_MAX];
	struct http_url u;
	const char *err;
	size_t n;

	memcpy(buf, "http://", 7);
	memset(buf + 7, 'a', HTTP_HOST_MAX);
	CHECK_INT(http_url_parse(&u, buf, 7 + HTTP_HOST_MAX, &err), HTTP_URL_OK);
	CHECK_INT(strlen(u.host), HTTP_HOST_MAX);
	memcpy(buf + 7 + HTTP_HOST_MAX, ":65535", 6);
	CHECK_INT(http_url_parse(&u, buf, 13 + HTTP_HOST_MAX, &err), HTTP_URL_OK);
	CHECK_STR(u.authority + HTTP_HOST_MAX, ":65535");
	memset(buf + 7, 'a', HTTP_HOST_MAX + 1);
	CHECK_INT(http_url_parse(&u, buf, 8 + HTTP_HOST_MAX, &err), HTTP_URL_BAD);
	CHECK_STR(err, "host name too long");
	memset(buf + 7, 'a', 10240);
	CHECK_INT(http_url_parse(&u, buf, 7 + 10240, &err), HTTP_URL_BAD);
	CHECK_STR(err, "host name too long");

	/* a target of exactly HTTP_TARGET_MAX bytes, then one more */
	memcpy(buf, "http://h", 8);
	memset(buf + 8, '/', 1);
	memset(buf + 9, 'p', HTTP_TARGET_MAX - 1);
	n = 8 + HTTP_TARGET_MAX;
	CHECK_INT(http_url_parse(&u, buf, n, &err), HTTP_URL_OK);
	CHECK_INT(strlen(u.target), HTTP_TARGET_MAX);
	buf[n] = 'p';
	CHECK_INT(http_url_parse(&u, buf, n + 1, &err), HTTP_URL_BAD);
	CHECK_STR(err, "URL path too long");
	memset(buf + 9, 'p', 10240);
	CHECK_INT(http_url_parse(&u, buf, 9 + 10240, &err), HTTP_URL_BAD);
	/* encoding counts: 3000 two-byte characters are 12000 bytes on the wire */
	for (n = 0; n < 6000; n++)
		buf[9 + n] = (char)(n % 2 ? 0xa9 : 0xc3);
	CHECK_INT(http_url_parse(&u, buf, 9 + 6000, &err), HTTP_URL_BAD);
	CHECK_STR(err, "URL path too long");
}

static void test_url_misc(void)
{
	struct http_url a, b;
	const char *err;
	char out[64];

	CHECK_INT(http_url_parse(&a, BYTES("http://[::1]:8080/x?y#z"), &err), HTTP_URL_OK);
	CHECK_INT(http_url_format(out, sizeof out, &a), strlen("http://[::1]:8080/x?y"));
	CHECK_STR(out, "http://[::1]:8080/x?y");
	CHECK_INT(http_url_format(out, strlen("http://[::1]:8080/x?y"), &a), 0);
	CHECK_INT(http_url_format(out, 0, &a), 0);
	CHECK_INT(http_url_parse(&b, BYTES("[::1]:8080"), &err), HTTP_URL_OK);
	CHECK(http_url_same_origin(&a, &b));
	CHECK_INT(http_url_parse(&a, BYTES("http://Example.COM/a"), &err), HTTP_URL_OK);
	CHECK_INT(http_url_parse(&b, BYTES("example.com:80/b"), &err), HTTP_URL_OK);
	CHECK(http_url_same_origin(&a, &b));
	CHECK_INT(http_url_parse(&b, BYTES("example.com:81/b"), &err), HTTP_URL_OK);
	CHECK(!http_url_same_origin(&a, &b));
	CHECK_INT(http_url_parse(&b, BYTES("example.co/b"), &err), HTTP_URL_OK);
	CHECK(!http_url_same_origin(&a, &b));
	CHECK_INT(http_url_parse(&b, BYTES("www.example.com"), &err), HTTP_URL_OK);
	CHECK(!http_url_same_origin(&a, &b));
}

/* ---- reference resolution ------------------------------------------------------------- */

struct ref_case {
	const char *ref;
	size_t len; /* 0: strlen(ref) */
	enum http_url_result want;
	const char *url; /* OK: the result, formatted; else NULL */
};

/* RFC 3986 §5.4, base "http://a/b/c/d;p?q", fragments dropped, "//g" gaining its "/". */
static const struct ref_case rfc_cases[] = {
    /* §5.4.1 normal examples */
    {"g:h", 0, HTTP_URL_SCHEME, NULL},
    {"g", 0, HTTP_URL_OK, "http://a/b/c/g"},
    {"./g", 0, HTTP_URL_OK, "http://a/b/c/g"},
    {"g/", 0, HTTP_URL_OK, "http://a/b/c/g/"},
    {"/g", 0, HTTP_URL_OK, "http://a/g"},
    {"//g", 0, HTTP_URL_OK, "http://g/"},
    {"?y", 0, HTTP_URL_OK, "http://a/b/c/d;p?y"},
    {"g?y", 0, HTTP_URL_OK, "http://a/b/c/g?y"},
    {"#s", 0, HTTP_URL_OK, "http://a/b/c/d;p?q"},
    {"g#s", 0, HTTP_URL_OK, "http://a/b/c/g"},
    {"g?y#s", 0, HTTP_URL_OK, "http://a/b/c/g?y"},
    {";x", 0, HTTP_URL_OK, "http://a/b/c/;x"},
    {"g;x", 0, HTTP_URL_OK, "http://a/b/c/g;x"},
    {"g;x?y#s", 0, HTTP_URL_OK, "http://a/b/c/g;x?y"},
    {"", 0, HTTP_URL_BAD, NULL}, /* RFC: the base itself; a redirect to nowhere is an error */
    {".", 0, HTTP_URL_OK, "http://a/b/c/"},
    {"./", 0, HTTP_URL_OK, "http://a/b/c/"},
    {"..", 0, HTTP_URL_OK, "http://a/b/"},
    {"../", 0, HTTP_URL_OK, "http://a/b/"},
    {"../g", 0, HTTP_URL_OK, "http://a/b/g"},
    {"../..", 0, HTTP_URL_OK, "http://a/"},
    {"../../", 0, HTTP_URL_OK, "http://a/"},
    {"../../g", 0, HTTP_URL_OK, "http://a/g"},
    /* §5.4.2 abnormal examples */
    {"../../../g", 0, HTTP_URL_OK, "http://a/g"},
    {"../../../../g", 0, HTTP_URL_OK, "http://a/g"},
    {"/./g", 0, HTTP_URL_OK, "http://a/g"},
    {"/../g", 0, HTTP_URL_OK, "http://a/g"},
    {"g.", 0, HTTP_URL_OK, "http://a/b/c/g."},
    {".g", 0, HTTP_URL_OK, "http://a/b/c/.g"},
    {"g..", 0, HTTP_URL_OK, "http://a/b/c/g.."},
    {"..g", 0, HTTP_URL_OK, "http://a/b/c/..g"},
    {"./../g", 0, HTTP_URL_OK, "http://a/b/g"},
    {"./g/.", 0, HTTP_URL_OK, "http://a/b/c/g/"},
    {"g/./h", 0, HTTP_URL_OK, "http://a/b/c/g/h"},
    {"g/../h", 0, HTTP_URL_OK, "http://a/b/c/h"},
    {"g;x=1/./y", 0, HTTP_URL_OK, "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", 0, HTTP_URL_OK, "http://a/b/c/y"},
    {"g?y/./x", 0, HTTP_URL_OK, "http://a/b/c/g?y/./x"},
    {"g?y/../x", 0, HTTP_URL_OK, "http://a/b/c/g?y/../x"},
    {"g#s/./x", 0, HTTP_URL_OK, "http://a/b/c/g"},
    {"g#s/../x", 0, HTTP_URL_OK, "http://a/b/c/g"},
    {"http:g", 0, HTTP_URL_OK, "http://a/b/c/g"}, /* the backward-compatible reading */
    /* beyond the RFC's table */
    {"http://x.example:8080/p/../q?r#s", 0, HTTP_URL_OK, "http://x.example:8080/q?r"},
    {"HTTP://X/", 0, HTTP_URL_OK, "http://X/"},
    {"http://a:80", 0, HTTP_URL_OK, "http://a/"},
    {"https://a/x", 0, HTTP_URL_OK, "https://a/x"},
    {"HTTPS://a:443/x", 0, HTTP_URL_OK, "https://a/x"},
    {"HTTPS:x", 0, HTTP_URL_BAD, NULL}, /* another scheme's relative form: no authority */
    {"ftp://a/", 0, HTTP_URL_SCHEME, NULL},
    {"mailto:x@y", 0, HTTP_URL_SCHEME, NULL},
    {"//g:81/x/./y", 0, HTTP_URL_OK, "http://g:81/x/y"},
    {"//[::1]:8080", 0, HTTP_URL_OK, "http://[::1]:8080/"},
    {"//u@g/", 0, HTTP_URL_BAD, NULL},
    {"//g:0/", 0, HTTP_URL_BAD, NULL},
    {"///x", 0, HTTP_URL_BAD, NULL},
    {"/a b", 0, HTTP_URL_OK, "http://a/a%20b"},
    {"\xc3\xa9t\xc3\xa9?\xe2\x82\xac", 0, HTTP_URL_OK, "http://a/b/c/%C3%A9t%C3%A9?%E2%82%AC"},
    {"?", 0, HTTP_URL_OK, "http://a/b/c/d;p?"},
    {"#", 0, HTTP_URL_OK, "http://a/b/c/d;p?q"},
    {"/x\r\nSet-Cookie: a", 0, HTTP_URL_BAD, NULL},
    {"/x\ty", 0, HTTP_URL_BAD, NULL},
    {"/x\0y", 4, HTTP_URL_BAD, NULL},
    {"\x7f", 0, HTTP_URL_BAD, NULL},
    {"http://a b/", 0, HTTP_URL_BAD, NULL},
    {"./g:h", 0, HTTP_URL_OK, "http://a/b/c/g:h"},
};

static void check_ref(const struct http_url *base, const struct ref_case *c)
{
	struct http_url u;
	const char *err = NULL;
	char out[HTTP_TARGET_MAX + 512];
	size_t len = c->len ? c->len : strlen(c->ref);
	enum http_url_result r = http_url_resolve(&u, base, c->ref, len, &err);

	CHECK_INT(r, c->want);
	if (r != c->want)
		printf("     ref \"%s\": %s\n", c->ref, err ? err : "ok");
	if (r != HTTP_URL_OK || r != c->want) {
		CHECK(r == HTTP_URL_OK || err != NULL);
		return;
	}
	http_url_format(out, sizeof out, &u);
	CHECK_STR(out, c->url);
}

static void test_resolve(void)
{
	struct http_url base, u;
	const char *err;
	char out[256];
	size_t i;

	CHECK_INT(http_url_parse(&base, BYTES("http://a/b/c/d;p?q"), &err), HTTP_URL_OK);
	for (i = 0; i < sizeof rfc_cases / sizeof rfc_cases[0]; i++)
		check_ref(&base, &rfc_cases[i]);

	CHECK_INT(http_url_resolve(&u, &base, BYTES(""), &err), HTTP_URL_BAD);
	CHECK_STR(err, "empty Location");
	CHECK_INT(http_url_resolve(&u, &base, BYTES("/x\r\n"), &err), HTTP_URL_BAD);
	CHECK_STR(err, "control byte in Location");
	/* https: across schemes, and relative references keep the base's scheme and port */
	CHECK_INT(http_url_parse(&base, BYTES("https://s:8443/d/f"), &err), HTTP_URL_OK);
	CHECK(base.tls);
	CHECK_INT(http_url_resolve(&u, &base, BYTES("g?x"), &err), HTTP_URL_OK);
	http_url_format(out, sizeof out, &u);
	CHECK_STR(out, "https://s:8443/d/g?x");
	CHECK_INT(http_url_resolve(&u, &base, BYTES("//t/y"), &err), HTTP_URL_OK);
	http_url_format(out, sizeof out, &u);
	CHECK_STR(out, "https://t/y");
	CHECK_INT(u.port, 443);
	CHECK_INT(http_url_resolve(&u, &base, BYTES("http://s:8443/z"), &err), HTTP_URL_OK);
	CHECK(!u.tls);
	CHECK(!http_url_same_origin(&u, &base)); /* the scheme counts */
	CHECK_INT(http_url_resolve(&u, &base, BYTES("https://S:8443/z"), &err), HTTP_URL_OK);
	CHECK(http_url_same_origin(&u, &base));
	CHECK_INT(http_url_parse(&base, BYTES("http://a/b/c/d;p?q"), &err), HTTP_URL_OK);

	/* the base's port and brackets are kept for relative references */
	CHECK_INT(http_url_parse(&base, BYTES("http://[::1]:8080/dir/file?x"), &err),
	          HTTP_URL_OK);
	CHECK_INT(http_url_resolve(&u, &base, BYTES("../up?z"), &err), HTTP_URL_OK);
	http_url_format(out, sizeof out, &u);
	CHECK_STR(out, "http://[::1]:8080/up?z");
	CHECK_STR(u.host, "::1");
	CHECK_INT(u.port, 8080);
	CHECK_INT(http_url_resolve(&u, &base, BYTES("other"), &err), HTTP_URL_OK);
	http_url_format(out, sizeof out, &u);
	CHECK_STR(out, "http://[::1]:8080/dir/other");
	CHECK_INT(http_url_parse(&base, BYTES("h"), &err), HTTP_URL_OK);
	CHECK_INT(http_url_resolve(&u, &base, BYTES("x"), &err), HTTP_URL_OK);
	http_url_format(out, sizeof out, &u);
	CHECK_STR(out, "http://h/x");
}

/* A resolved URL longer than a request target may be is refused, not cut. */
static void test_resolve_limits(void)
{
	static char ref[4 * HTTP_TARGET_MAX];
	struct http_url base, u;
	const char *err;

	CHECK_INT(http_url_parse(&base, BYTES("http://a/b/c"), &err), HTTP_URL_OK);
	memset(ref, 'x', sizeof ref);
	ref[0] = '/';
	CHECK_INT(http_url_resolve(&u, &base, ref, HTTP_TARGET_MAX, &err), HTTP_URL_OK);
	CHECK_INT(strlen(u.target), HTTP_TARGET_MAX);
	CHECK_INT(http_url_resolve(&u, &base, ref, HTTP_TARGET_MAX + 1, &err), HTTP_URL_BAD);
	CHECK_INT(http_url_resolve(&u, &base, ref, sizeof ref, &err), HTTP_URL_BAD);
	CHECK_STR(err, "Location too long");
	memset(ref, 0xe9, sizeof ref);
	CHECK_INT(http_url_resolve(&u, &base, ref, sizeof ref, &err), HTTP_URL_BAD);
}

struct name_case {
	const char *url;
	const char *name; /* NULL: refused */
};

static const struct name_case name_cases[] = {
    {"http://h/", "index.html"},
    {"http://h/dir/", "index.html"},
    {"http://h/dir/?q=1", "index.html"},
    {"http://h/a.txt", "a.txt"},
    {"http://h/d/e/f.tar.gz?x=/y", "f.tar.gz"},
    {"http://h/a%20b%41", "a bA"},
    {"http://h/a%2", "a%2"}, /* not an escape: kept */
    {"http://h/%zz", "%zz"},
    {"http://h/caf%C3%A9", "caf\xc3\xa9"},
    {"http://h/a/./b/../c", "c"},
    {"http://h/%2e", NULL},
    {"http://h/%2E%2e", NULL},
    {"http://h/...", "..."},
    {"http://h/a%2Fb", NULL},
    {"http://h/a%00b", NULL},
    {"http://h/a%0d", NULL},
    {"http://h/a%7F", NULL},
};

static void test_filenames(void)
{
	struct http_url u;
	const char *err;
	char name[256];

	for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
		const struct name_case *c = &name_cases[i];
		int rc;

		CHECK_INT(http_url_parse(&u, c->url, strlen(c->url), &err), HTTP_URL_OK);
		rc = http_url_filename(&u, name, sizeof name, &err);
		CHECK_INT(rc, c->name ? 0 : -1);
		if (c->name)
			CHECK_STR(name, c->name);
	}
	/* the name must fit: 4 bytes and the NUL in 5, not in 4 */
	CHECK_INT(http_url_parse(&u, "http://h/abcd", 13, &err), HTTP_URL_OK);
	CHECK_INT(http_url_filename(&u, name, 5, &err), 0);
	CHECK_INT(http_url_filename(&u, name, 4, &err), -1);
	CHECK_STR(err, "file name too long");
}

/* The one percent-decoder: strict (proxy users, served paths) and lenient (-O names). */
static void test_decode(void)
{
	static const struct {
		const char *in;
		bool lenient;
		long want; /* the length, or -1 */
		const char *out;
	} cases[] = {
	    {"a%20b", false, 3, "a b"}, {"%41%6a%6A", false, 3, "Ajj"},
	    {"%2f%2F", false, 2, "//"}, {"%00x", false, 2, "\0x"},
	    {"", false, 0, ""},         {"%", false, -1, NULL},
	    {"a%2", false, -1, NULL},   {"%zz", false, -1, NULL},
	    {"%g0", false, -1, NULL},   {"%", true, 1, "%"},
	    {"a%2", true, 3, "a%2"},    {"%zz%41", true, 4, "%zzA"},
	    {"100%", true, 4, "100%"},  {"%%41", true, 2, "%A"},
	    {"%ff", true, 1, "\xff"},
	};
	char out[16];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long n = http_url_decode(out, sizeof out, cases[i].in, strlen(cases[i].in),
		                         cases[i].lenient);
		CHECK_INT(n, cases[i].want);
		if (n >= 0 && cases[i].want >= 0)
			CHECK(memcmp(out, cases[i].out, (size_t)n + 1) == 0);
	}
	/* the NUL must fit too: 3 bytes in 4, not in 3 */
	CHECK_INT(http_url_decode(out, 4, "a%41c", 5, false), 3);
	CHECK_INT(http_url_decode(out, 3, "a%41c", 5, false), -1);
	CHECK_INT(http_url_decode(out, 0, "", 0, false), -1);
}

void suite_url(void)
{
	for (size_t i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++)
		check_url_case(&url_cases[i]);
	test_url_limits();
	test_url_misc();
	test_resolve();
	test_resolve_limits();
	test_filenames();
	test_decode();
}
