/* http_field.c: the field syntax both HTTP/1.1 wires share (RFC 9110 §5) and its dates;
 * no I/O here. */
#include "http_field.h"

#include <stdio.h>
#include <time.h>

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

/* ---- dates (RFC 9110 §5.6.7): Date and Last-Modified served, Retry-After read ---- */

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!ascii_is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int http_date_parse(const char *v, size_t len, int64_t *t)
{
	struct tm tm = {0};
	int mon = -1, day, year, h, m, sec;

	/* "Sun, 06 Nov 1994 08:49:37 GMT": every position fixed (RFC 9110 §5.6.7) */
	if (len != 29 || memcmp(v + 3, ", ", 2) != 0 || v[7] != ' ' || v[11] != ' ' ||
	    v[16] != ' ' || v[19] != ':' || v[22] != ':' || memcmp(v + 25, " GMT", 4) != 0)
		return -1;
	for (int i = 0; i < 12; i++)
		if (memcmp(v + 8, months[i], 3) == 0)
			mon = i;
	day = digits(v + 5, 2);
	year = digits(v + 12, 4);
	h = digits(v + 17, 2);
	m = digits(v + 20, 2);
	sec = digits(v + 23, 2);
	if (mon < 0 || day < 1 || day > 31 || year < 1970 || h < 0 || h > 23 || m < 0 ||
	    m > 59 || sec < 0 || sec > 60)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*t = (int64_t)timegm(&tm);
	return 0;
}

void http_date_format(int64_t t, char out[30])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday % 7],
	         tm.tm_mday % 100, months[tm.tm_mon % 12], (tm.tm_year + 1900) % 10000,
	         tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
}
