/* fuzz_jsoncheck.c: any bytes through the streaming JSON check: never a crash, and the
 * verdict (and where it failed) is the same however the input is split into pieces. */
#include "jsoncheck.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jsoncheck whole, parts;
	const char *s = (const char *)data;
	size_t cut = size > 0 ? data[0] % (size + 1) : 0;
	int a = jsoncheck_text(&whole, s, size), b;

	jsoncheck_init(&parts);
	jsoncheck_feed(&parts, s, cut);
	jsoncheck_feed(&parts, s + cut, size - cut);
	b = jsoncheck_end(&parts);
	if (a != b || (a < 0 && whole.at != parts.at))
		abort();
	return 0;
}
