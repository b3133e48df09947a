/* fuzz_expect.c: libFuzzer target: --expect stops at the same byte however input is cut. */
#include "expect.h"

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Input: byte 0 picks a pattern, byte 1 the chunk size (0: one chunk), the rest is what
 * a peer sends. The matcher fed in chunks must stop where a plain model of the contract
 * does: after the first line (split at '\n', one final '\r' dropped, at most
 * EXPECT_LINE_MAX bytes, text up to a NUL) that the pattern matches, or at the end.
 */
static const char *const patterns[] = {"^PONG", "x$", "^$", "a|b", "^(OK|ERR) [0-9]+$", "."};
#define NPATTERNS (sizeof patterns / sizeof patterns[0])

/* The model: how many bytes are shown, or n + 1 when no line matches. */
static size_t model(const regex_t *re, const char *in, size_t n)
{
	char *text = malloc(n + 1);
	size_t at = 0, shown = n + 1;

	if (!text)
		abort();
	while (at < n) {
		const char *nl = memchr(in + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - in) : n, len = end - at;

		if (len > 0 && in[end - 1] == '\r')
			len--;
		memcpy(text, in + at, len);
		text[len] = '\0';
		if (len <= EXPECT_LINE_MAX && regexec(re, text, 0, NULL, 0) == 0) {
			shown = nl ? end + 1 : n;
			break;
		}
		at = end + 1;
	}
	free(text);
	return shown;
}

/* The matcher, fed step bytes at a time (each chunk its own heap block, for ASan). */
static size_t matcher(const char *pattern, const char *in, size_t n, size_t step)
{
	struct expect e;
	char err[128];
	size_t at = 0, shown = n + 1;

	if (expect_init(&e, pattern, NULL, err, sizeof err) < 0)
		abort();
	while (at < n) {
		size_t len = step && n - at > step ? step : n - at, cut = len;
		char *chunk = malloc(len);

		if (!chunk)
			abort();
		memcpy(chunk, in + at, len);
		bool done = expect_feed(&e, chunk, &cut);
		free(chunk);
		if (cut > len || (done && e.state != EXPECT_MATCHED))
			abort();
		if (done) {
			shown = at + cut;
			break;
		}
		at += len;
	}
	if (shown > n && expect_end(&e))
		shown = n;
	expect_free(&e);
	return shown;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 2;
	regex_t re;
	size_t n, want;

	if (size < 2)
		return 0;
	n = size - 2;
	if (regcomp(&re, patterns[data[0] % NPATTERNS], REG_EXTENDED | REG_NOSUB) != 0)
		abort();
	want = model(&re, in, n);
	regfree(&re);
	if (matcher(patterns[data[0] % NPATTERNS], in, n, 0) != want)
		abort();
	if (matcher(patterns[data[0] % NPATTERNS], in, n, 1 + data[1] % 16) != want)
		abort();
	return 0;
}
