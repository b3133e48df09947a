/* test_http_retry.c: unit tests of Retry-After's wait: delay-seconds, HTTP-dates before
 * and after now, and what is neither. */
#include "http_retry.h"
#include "unit.h"

#include <string.h>

void suite_http_retry(void);

#define NOW 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */

struct retry_case {
	const char *in;
	long long max;
	int want_rc;
	long long want;
};

static const struct retry_case retry_cases[] = {
    {"0", 86400, 0, 0},
    {"120", 86400, 0, 120},
    {"86400", 86400, 0, 86400},
    {"86401", 86400, -1, 0},
    {"99999999999999999999999", 86400, -1, 0},
    {"Sun, 06 Nov 1994 08:49:40 GMT", 86400, 0, 3}, /* 3 s ahead */
    {"Sun, 06 Nov 1994 08:49:37 GMT", 86400, 0, 0}, /* now */
    {"Sat, 05 Nov 1994 08:49:37 GMT", 86400, 0, 0}, /* past: no wait */
    {"Mon, 07 Nov 1994 08:49:37 GMT", 86400, 0, 86400},
    {"Mon, 07 Nov 1994 08:49:38 GMT", 86400, -1, 0}, /* past max */
    {"", 86400, -1, 0},
    {"12s", 86400, -1, 0},
    {" 12", 86400, -1, 0},
    {"-1", 86400, -1, 0},
    {"Sun, 06 Nov 1994 08:49:40 UTC", 86400, -1, 0},
    {"Sunday, 06-Nov-94 08:49:40 GMT", 86400, -1, 0}, /* obsolete forms: the usual pause */
};

void suite_http_retry(void)
{
	for (size_t i = 0; i < sizeof retry_cases / sizeof retry_cases[0]; i++) {
		const struct retry_case *c = &retry_cases[i];
		long long secs = -7;
		int rc = http_retry_after(c->in, strlen(c->in), NOW, c->max, &secs);
		CHECK_INT(rc, c->want_rc);
		if (rc == 0)
			CHECK_INT(secs, c->want);
		else
			CHECK_INT(secs, -7);
	}
}
