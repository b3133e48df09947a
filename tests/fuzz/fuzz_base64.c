/* fuzz_base64.c: libFuzzer target: base64 both ways. Any bytes encode and decode back to
 * themselves; any text the strict decoder accepts encodes back to exactly that text (one
 * spelling per value), and what it refuses leaves nothing behind. */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX 4096

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[BASE64_LEN(MAX) + 1];
	static unsigned char bytes[MAX];
	size_t n = size < MAX ? size : MAX, len;
	long got;

	/* bytes -> text -> bytes */
	len = base64_encode(text, sizeof text, data, n);
	check(len == BASE64_LEN(n) && text[len] == '\0' && strlen(text) == len);
	check(base64_decode(bytes, n, text, len) == (long)n);
	check(memcmp(bytes, data, n) == 0);
	/* one byte short of the NUL: one group less, never a cut group */
	if (n > 0)
		check(base64_encode(text, len, data, n) == len - 4);

	/* text -> bytes -> the same text */
	got = base64_decode(bytes, sizeof bytes, (const char *)data, n);
	check(got >= -1 && got <= (long)(n / 4 * 3));
	if (got >= 0) {
		check(n % 4 == 0 && (size_t)got + 2 >= n / 4 * 3);
		len = base64_encode(text, sizeof text, bytes, (size_t)got);
		check(len == n && memcmp(text, data, n) == 0);
	}
	return 0;
}
