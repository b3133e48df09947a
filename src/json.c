/* json.c: the JSON Lines writer; the only place where sockit escapes a JSON string. */
#include "json.h"

#include "base64.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void put(struct json *j, const char *s, size_t n)
{
	buf_put(&j->out, s, n);
}

static void put_c(struct json *j, char c)
{
	buf_putc(&j->out, c);
}

/* \u and four hex digits: U+0000 to U+FFFF. */
static void put_u(struct json *j, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = "\\u";

	for (int k = 0; k < 4; k++)
		esc[2 + k] = hex[(cp >> (12 - 4 * k)) & 15];
	put(j, esc, sizeof esc);
}

size_t json_utf8_char(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* a continuation byte, an overlong lead (C0 C1), or past U+10FFFF */
	/* the second byte's range rules out overlong forms, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

bool json_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	for (size_t i = 0; i < n; i += len)
		if ((len = json_utf8_char(p + i, n - i)) == 0)
			return false;
	return true;
}

/* The code point of a valid 2- or 3-byte character. */
static unsigned code_point(const unsigned char *s, size_t len)
{
	if (len == 2)
		return (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	return (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
}

/*
 * A string in quotes. `"` and `\` are escaped; so are control characters, C0, DEL and
 * C1 (RFC 8259 requires C0 only; the others keep a terminal safe), and U+2028/U+2029 (line
 * ends to JavaScript); other valid UTF-8, 4-byte characters included, is copied as it
 * is. A byte that is not part of a valid UTF-8 character becomes U+FFFD: an \u00XX
 * escape would claim it was the character U+00XX, which it was not.
 */
static void put_string(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len;

	put_c(j, '"');
	while (i < n) {
		unsigned cp;

		len = json_utf8_char(p + i, n - i);
		cp = len == 1 ? p[i] : len == 2 || len == 3 ? code_point(p + i, len) : 0x10000;
		if (len != 0 && cp >= 0x20 && cp != '"' && cp != '\\' && cp != 0x7f &&
		    !(cp >= 0x80 && cp <= 0x9f) && cp != 0x2028 && cp != 0x2029) {
			i += len;
			run += len;
			continue;
		}
		put(j, s + i - run, run); /* the plain bytes before this one, in one copy */
		run = 0;
		if (len == 0)
			put_u(j, 0xfffd), len = 1;
		else if (cp == '"' || cp == '\\')
			put_c(j, '\\'), put_c(j, (char)cp);
		else
			put_u(j, cp);
		i += len;
	}
	put(j, s + i - run, run);
	put_c(j, '"');
}

/* A comma if needed, then "key": (keys are the program's own words). */
static void put_key(struct json *j, const char *key)
{
	if (j->comma)
		put_c(j, ',');
	put_string(j, key, strlen(key));
	put_c(j, ':');
	j->comma = true;
}

void json_begin(struct json *j)
{
	buf_reset(&j->out);
	j->comma = false;
	put_c(j, '{');
}

void json_str(struct json *j, const char *key, const char *s, size_t n)
{
	put_key(j, key);
	put_string(j, s, n);
}

void json_cstr(struct json *j, const char *key, const char *s)
{
	json_str(j, key, s, strlen(s));
}

void json_int(struct json *j, const char *key, long long v)
{
	char num[24];

	put_key(j, key);
	put(j, num, (size_t)snprintf(num, sizeof num, "%lld", v));
}

void json_real(struct json *j, const char *key, double v)
{
	char num[48];

	put_key(j, key);
	/* JSON has no NaN nor infinity; and %.3f of a huge value is long */
	if (!isfinite(v) || v >= 1e15 || v <= -1e15)
		put(j, "null", 4);
	else
		put(j, num, (size_t)snprintf(num, sizeof num, "%.3f", v));
}

void json_bool(struct json *j, const char *key, bool v)
{
	put_key(j, key);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_base64(struct json *j, const char *key, const void *s, size_t n)
{
	const unsigned char *p = s;
	char out[BASE64_LEN(48) + 1];

	put_key(j, key);
	put_c(j, '"');
	for (size_t i = 0; i < n; i += 48) /* 48 bytes: whole groups, so no '=' inside */
		put(j, out, base64_encode(out, sizeof out, p + i, n - i < 48 ? n - i : 48));
	put_c(j, '"');
}

void json_array_begin(struct json *j, const char *key)
{
	put_key(j, key);
	put_c(j, '[');
	j->comma = false;
}

void json_pair(struct json *j, const char *a, size_t alen, const char *b, size_t blen)
{
	if (j->comma)
		put_c(j, ',');
	put_c(j, '[');
	put_string(j, a, alen);
	put_c(j, ',');
	put_string(j, b, blen);
	put_c(j, ']');
	j->comma = true;
}

void json_array_end(struct json *j)
{
	put_c(j, ']');
	j->comma = true;
}

void json_number(struct json *j, const char *key, const char *text)
{
	put_key(j, key);
	put(j, text, strlen(text));
}

void json_null(struct json *j, const char *key)
{
	put_key(j, key);
	put(j, "null", 4);
}

const char *json_close(struct json *j, size_t *len)
{
	put_c(j, '}');
	*len = j->out.failed ? 0 : j->out.len;
	return j->out.failed ? NULL : j->out.data;
}

int json_end(struct json *j, FILE *out)
{
	put(j, "}\n", 2);
	if (j->out.failed) {
		errno = ENOMEM;
		return -1;
	}
	if (fwrite(j->out.data, 1, j->out.len, out) != j->out.len || fflush(out) != 0)
		return -1;
	return 0;
}

void json_free(struct json *j)
{
	buf_free(&j->out);
	j->comma = false;
}
