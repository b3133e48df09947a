/* base64.c: the one base64 codec (RFC 4648 section 4), strict on the way in. */
#include "base64.h"

#include <stdint.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(char *dst, size_t cap, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t k = 0;

	for (size_t i = 0; i < n && k + 4 < cap; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
		             (i + 2 < n ? s[i + 2] : 0);

		dst[k++] = alphabet[v >> 18];
		dst[k++] = alphabet[(v >> 12) & 63];
		dst[k++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		dst[k++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	if (cap > 0)
		dst[k] = '\0';
	return k;
}

/* The value of one base64 character, or -1. */
static int digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long base64_decode(void *dst, size_t cap, const char *s, size_t n)
{
	unsigned char *out = dst;
	size_t k = 0;

	if (n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		/* padding: only in the last group, "x===" never, "xx=y" never */
		size_t pad = i + 4 < n ? 0 : s[i + 3] != '=' ? 0 : s[i + 2] != '=' ? 1 : 2;
		uint32_t v = 0;

		for (size_t j = 0; j < 4; j++) {
			int d = j < 4 - pad ? digit(s[i + j]) : 0;

			if (d < 0)
				return -1;
			v = v << 6 | (uint32_t)d;
		}
		if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
			return -1; /* bits under the padding: another spelling of the same bytes
			            */
		if (k + 3 - pad > cap)
			return -1;
		for (size_t j = 0; j < 3 - pad; j++)
			out[k++] = (unsigned char)(v >> (16 - 8 * j));
	}
	return (long)k;
}
