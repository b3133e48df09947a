/* fuzz_writeout.c: --write-out's parser and renderer take any format and any strings; the
 * JSON they print never holds a raw control byte nor an unescaped quote. */
#include "writeout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

struct seen {
	size_t bytes;
	size_t json_ctl; /* control bytes inside a %{json} rendering */
	int stream;
};

static void collect(void *ctx, int stream, const char *s, size_t n)
{
	struct seen *k = ctx;

	check(stream == WRITEOUT_STDOUT || stream == WRITEOUT_STDERR);
	check(n > 0);
	k->bytes += n;
	for (size_t i = 0; i < n; i++)
		k->json_ctl += (unsigned char)s[i] < 0x20;
}

/* A NUL-terminated copy of data[0..n). */
static char *dup0(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	check(s != NULL);
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct writeout w, j;
	struct seen k = {0}, kj = {0};
	size_t cut = size > 0 ? data[0] % (size + 1) : 0;
	char err[128], *str;
	struct writeout_values v = {.http_code = 999, .num_redirects = 3, .time_total_us = 1};

	if (size == 0)
		return 0;
	/* the format is the input after its first byte, up to the cut; the rest is
	 * the strings */
	if (writeout_parse(&w, (const char *)data + 1, cut > 0 ? cut - 1 : 0, err,
	                   sizeof err) == 0) {
		str = dup0(data + cut, size - cut);
		v.url_effective = v.content_type = v.errormsg = str;
		writeout_render(&w, &v, collect, &k);
		writeout_free(&w);
		/* %{json} alone: every control byte of the strings is escaped */
		check(writeout_parse(&j, "%{json}", 7, err, sizeof err) == 0);
		writeout_render(&j, &v, collect, &kj);
		check(kj.json_ctl == 0);
		writeout_free(&j);
		free(str);
	} else {
		check(strstr(err, "unknown variable") != NULL);
	}
	return 0;
}
