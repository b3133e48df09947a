/* http_retry.c: how long a Retry-After header asks a client to wait (RFC 9110 §10.2.3),
 * for http-*'s --retry: a pure function, apart from the clock the caller passes. */
#include "http_retry.h"

#include "http_field.h"

int http_retry_after(const char *v, size_t len, int64_t now, long long max, long long *secs)
{
	long long n = 0;
	int64_t when;
	size_t i;

	/* delay-seconds = 1*DIGIT */
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		n = n * 10 + (v[i] - '0');
		if (n > max)
			return -1;
	}
	if (i > 0 && i == len) {
		*secs = n;
		return 0;
	}
	/* an HTTP-date: the wait until then; one already past asks for none */
	if (http_date_parse(v, len, &when) < 0)
		return -1;
	if (when - now > max)
		return -1;
	*secs = when > now ? when - now : 0;
	return 0;
}
