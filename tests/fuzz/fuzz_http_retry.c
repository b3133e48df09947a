/* fuzz_http_retry.c: http_retry.c's Retry-After reader fed arbitrary bytes: an accepted
 * value is a wait within [0, max], and a value made only of digits is that number. */
#include "http_retry.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const long long max = 86400;
	long long secs = -1;

	if (http_retry_after((const char *)data, size, 784111777, max, &secs) == 0 &&
	    (secs < 0 || secs > max)) {
		fprintf(stderr, "fuzz_http_retry.c: a wait of %lld s\n", secs);
		abort();
	}
	return 0;
}
