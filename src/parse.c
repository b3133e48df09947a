/* parse.c: strict number, seconds and HOST:PORT parsers (strtonum-like). */
#include "parse.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int parse_count(const char *s, long long min, long long max, long long *out)
{
	bool neg = false;
	unsigned long long v = 0, lim;

	if (*s == '-' && min < 0) {
		neg = true;
		s++;
	}
	if (*s == '\0')
		return -1;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	long long r = neg ? (v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v)
	                  : (long long)v;
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

int parse_port(const char *s, bool allow_zero, unsigned *out)
{
	long long v;

	if (parse_count(s, allow_zero ? 0 : 1, 65535, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int parse_port_range(const char *s, unsigned *lo, unsigned *hi)
{
	const char *dash = strchr(s, '-');
	char first[8];

	if (!dash)
		return parse_port(s, false, lo) < 0 ? -1 : (*hi = *lo, 0);
	if ((size_t)(dash - s) >= sizeof first)
		return -1;
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (parse_port(first, false, lo) < 0 || parse_port(dash + 1, false, hi) < 0)
		return -1;
	return *lo <= *hi ? 0 : -1;
}

bool parse_is_service_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (size_t n = 0; *s; s++, n++) {
		bool ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		          (*s >= '0' && *s <= '9') || *s == '-' || *s == '_';
		if (!ok || n >= 32)
			return false;
	}
	return true;
}

int parse_seconds(const char *s, int *ms)
{
	long long whole = 0, frac = 0;
	int fdigits = 0;
	bool round_up = false;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++)
		if ((whole = whole * 10 + (*p - '0')) > 1000000)
			return -1;
	bool had_whole = p != s;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits < 3)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0')
				round_up = true; /* 0.0001 must not become "no time at all" */
		}
		if (!had_whole && fdigits == 0)
			return -1;
	} else if (!had_whole) {
		return -1;
	}
	if (*p != '\0')
		return -1;
	for (int d = fdigits; d < 3; d++)
		frac *= 10;
	long long total = whole * 1000 + frac + round_up;
	if (total > 1000000LL * 1000)
		return -1;
	*ms = (int)total;
	return 0;
}

static int copy_part(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int parse_hostport(const char *s, char *host, size_t hostcap, char *port, size_t portcap)
{
	const char *colon;

	port[0] = '\0';
	if (s[0] == '\0') /* not a host: `-s ''` must not mean "no source" */
		return -1;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end == s + 1)
			return -1;
		if (copy_part(host, hostcap, s + 1, (size_t)(end - s - 1)) < 0)
			return -1;
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':' || end[2] == '\0')
			return -1;
		return copy_part(port, portcap, end + 2, strlen(end + 2)) < 0 ? -1 : 1;
	}
	colon = strchr(s, ':');
	if (!colon || strchr(colon + 1, ':')) /* none, or a bare IPv6 literal */
		return copy_part(host, hostcap, s, strlen(s)) < 0 ? -1 : 0;
	if (colon == s || colon[1] == '\0')
		return -1;
	if (copy_part(host, hostcap, s, (size_t)(colon - s)) < 0)
		return -1;
	return copy_part(port, portcap, colon + 1, strlen(colon + 1)) < 0 ? -1 : 1;
}

int parse_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[24][24];

	if (la > 23 || lb > 23)
		return 99;
	for (size_t i = 0; i <= la; i++)
		for (size_t j = 0; j <= lb; j++) {
			if (i == 0 || j == 0) {
				d[i][j] = (int)(i + j);
				continue;
			}
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

void parse_closest_start(struct parse_closest *c, const char *word, size_t len)
{
	snprintf(c->word, sizeof c->word, "%.*s", (int)(len < 63 ? len : 63), word);
	c->len = len;
	c->best = NULL;
	c->bestd = len >= 6 ? 3 : 2;
}

void parse_closest_offer(struct parse_closest *c, const char *name)
{
	size_t n = strlen(c->word);
	int d;

	if (n == 0)
		return;
	d = strncmp(name, c->word, n) == 0 ? 1 : parse_edit_distance(c->word, name);
	if (d < c->bestd) {
		c->bestd = d;
		c->best = name;
	}
}
