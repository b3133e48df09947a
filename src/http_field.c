/* http_field.c: the field syntax both HTTP/1.1 wires share (RFC 9110 §5); no I/O here. */
#include "http_field.h"

void http_trim_ows(const char **s, size_t *n)
{
	while (*n > 0 && http_is_ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && http_is_ows((*s)[*n - 1]))
		(*n)--;
}

const char *http_field_split(const char *s, size_t n, struct http_field *f)
{
	size_t i = 0;

	if (memchr(s, '\0', n) != NULL)
		return "NUL byte in header";
	if (http_is_ows(s[0]))
		return "obsolete line folding in header";
	while (i < n && http_is_tchar(s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ':')
		return "bad header name";
	f->name = s;
	f->namelen = i;
	f->value = s + i + 1;
	f->valuelen = n - i - 1;
	for (i = 0; i < f->valuelen; i++)
		if (ascii_is_ctl(f->value[i]) && f->value[i] != '\t')
			return "control byte in header";
	http_trim_ows(&f->value, &f->valuelen);
	return NULL;
}

int64_t http_decimal(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!ascii_is_digit(s[i]) || v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Used by a response and a request alike: "close" ends the connection after this message,
 * "keep-alive" lets HTTP/1.0 keep it. */
void http_connection_options(const char *s, size_t n, bool *close, bool *keep)
{
	while (n > 0) {
		const char *comma = memchr(s, ',', n);
		size_t len = comma != NULL ? (size_t)(comma - s) : n;
		const char *tok = s;
		size_t toklen = len;

		http_trim_ows(&tok, &toklen);
		if (ascii_ci_equal(tok, toklen, "close"))
			*close = true;
		else if (ascii_ci_equal(tok, toklen, "keep-alive"))
			*keep = true;
		s += len + (comma != NULL);
		n -= len + (comma != NULL);
	}
}
