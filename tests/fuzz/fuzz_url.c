/* fuzz_url.c: URL parsing and reference resolution: no crash, and every result parses again;
 * requests built from them, and the percent-decoder. */
#include "http.h"
#include "url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* A parsed URL is safe to put on the wire, and formatting it then parsing gives it back. */
static void check_roundtrip(const struct http_url *u)
{
	static struct http_url again;
	static char text[HTTP_TARGET_MAX + HTTP_HOST_MAX + 32];
	const char *err = NULL;
	size_t n = http_url_format(text, sizeof text, u), i;
	char *path;

	check(n > 0 && u->port > 0 && u->target[0] == '/' && u->host[0] != '\0');
	for (i = 0; u->target[i] != '\0'; i++)
		check((unsigned char)u->target[i] > 0x20 && (unsigned char)u->target[i] < 0x7f);
	/* dot segments are gone from the path; the query is never touched */
	path = strndup(u->target, strcspn(u->target, "?"));
	check(path != NULL && strstr(path, "/./") == NULL && strstr(path, "/../") == NULL);
	free(path);
	check(http_url_parse(&again, text, n, &err) == HTTP_URL_OK);
	check(strcmp(again.host, u->host) == 0 && again.port == u->port);
	check(strcmp(again.authority, u->authority) == 0);
	check(strcmp(again.target, u->target) == 0 && again.ipv6 == u->ipv6);
}

static void check_request(const struct http_url *u, const char *hdr)
{
	static char req[HTTP_REQ_FIXED + 4096 + 64];
	const char *extra[1] = {hdr};
	const char *err;
	bool valid = hdr != NULL && http_header_valid(hdr, &err) == 0;
	size_t n = http_request_build(req, sizeof req, "GET", u, "sockit/fuzz", extra, valid);

	check(n > 0 && n == strlen(req));
	check(memcmp(req + n - 4, "\r\n\r\n", 4) == 0);
	/* no header can smuggle a line: every CR is followed by LF and every LF preceded
	 * by CR */
	for (size_t i = 0; i < n; i++) {
		if (req[i] == '\r')
			check(req[i + 1] == '\n');
		if (req[i] == '\n')
			check(i > 0 && req[i - 1] == '\r');
	}
}

/* The percent-decoder: never longer than its input; where strict decoding succeeds,
 * lenient decoding gives the same bytes; lenient fails only for want of room. */
static void check_decode(const char *s, size_t n)
{
	static char strict[4097], lenient[4097];
	long a = http_url_decode(strict, sizeof strict, s, n, false);
	long b = http_url_decode(lenient, sizeof lenient, s, n, true);

	check(b >= 0 && (size_t)b <= n);
	check(a < 0 || (a == b && memcmp(strict, lenient, (size_t)a + 1) == 0));
	check(a >= 0 || memchr(s, '%', n) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_url base, u;
	const char *s = (const char *)data, *nl = memchr(data, '\n', size), *err = NULL;
	size_t baselen = nl != NULL ? (size_t)(nl - s) : size;
	char *hdr;

	if (http_url_parse(&u, s, size, &err) == HTTP_URL_OK)
		check_roundtrip(&u);
	else
		check(err != NULL);
	/* "BASE\nREF": resolve REF against BASE, or against the RFC's base with no newline */
	if (nl == NULL)
		http_url_parse(&base, "http://a/b/c/d;p?q", 18, &err);
	else if (http_url_parse(&base, s, baselen, &err) != HTTP_URL_OK)
		return 0;
	err = NULL;
	if (http_url_resolve(&u, &base, nl ? nl + 1 : s, nl ? size - baselen - 1 : size,
	                     &err) == HTTP_URL_OK)
		check_roundtrip(&u);
	else
		check(err != NULL);
	if (size <= 4096) {
		hdr = malloc(size + 1);
		memcpy(hdr, data, size);
		hdr[size] = '\0';
		http_header_is_sensitive(hdr);
		check_request(&base, hdr);
		free(hdr);
		check_decode(s, size);
	}
	return 0;
}
