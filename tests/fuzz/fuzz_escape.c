/* fuzz_escape.c: libFuzzer target: diag_escape's output is always safe for a terminal. */
#include "diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Input: byte 0 picks a small capacity for a second, cut run; the rest is the text. The
 * output must hold no C0 control but tab, no DEL, no C1 control raw or UTF-8 encoded, no
 * line separator or bidi control, nothing but valid UTF-8; be at most 4 times the input;
 * come back unchanged when escaped again; and a cut run must give a prefix of the whole.
 */

/* Checks one output; every multi-byte sequence is decoded by hand, apart from diag.c. */
static void check_safe(const unsigned char *o, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = o[i];
		size_t need = c < 0x80                 ? 1
		              : c >= 0xc2 && c <= 0xdf ? 2
		              : c >= 0xe0 && c <= 0xef ? 3
		              : c >= 0xf0 && c <= 0xf4 ? 4
		                                       : 0;
		unsigned long cp = c < 0x80 ? c : c & (0x7f >> need);

		if (need == 0 || i + need > n)
			abort();
		for (size_t j = 1; j < need; j++) {
			if ((o[i + j] & 0xc0) != 0x80)
				abort();
			cp = cp << 6 | (o[i + j] & 0x3f);
		}
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			abort();
		if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
		    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			abort();
		if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
		i += need;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *in = (const char *)data + 1;
	size_t len = size - 1, cap = 4 * len + 1, small = 1 + data[0] % 64;
	char *out = malloc(cap), *again = malloc(cap), *cut = malloc(small);

	if (!out || !again || !cut)
		abort();
	size_t n = diag_escape(out, cap, in, len);
	if (n > 4 * len || out[n] != '\0' || strlen(out) != n)
		abort();
	check_safe((const unsigned char *)out, n);
	if (diag_escape(again, cap, out, n) != n || memcmp(again, out, n) != 0)
		abort();
	size_t m = diag_escape(cut, small, in, len);
	if (m >= small || m > n || memcmp(cut, out, m) != 0)
		abort();
	free(out);
	free(again);
	free(cut);
	return 0;
}
