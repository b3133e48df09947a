/* http_retry.h: the wait a Retry-After header asks for (RFC 9110 §10.2.3). */
#ifndef HTTP_RETRY_H
#define HTTP_RETRY_H

#include <stddef.h>
#include <stdint.h>

/* The len bytes of a Retry-After value v, delay-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", read against now, seconds since the epoch), as
 * seconds to wait in *secs: a date already past is 0. Returns 0, or -1 for a value
 * that is neither, or asks for more than max seconds. */
int http_retry_after(const char *v, size_t len, int64_t now, long long max, long long *secs);

#endif
