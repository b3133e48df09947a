/* fuzz_form.c: any name and file name through the multipart/form-data head writer: the
 * head is always whole lines of the expected shape, no CR or LF and no quote leaks into
 * a quoted value (a name can never end the part or forge a header), and -F's parser
 * never reads out of its string. */
#include "body.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The quoted value that starts at p: no CR or LF before its closing quote; what follows
 * that quote. A name may itself hold `filename="` (escaped), so the line is read in order
 * from its known start, never searched. */
static const char *skip_quoted(const char *p, const char *end)
{
	for (; p < end && *p != '"'; p++)
		check(*p != '\r' && *p != '\n');
	check(p < end);
	return p + 1;
}

/* The disposition line [line, end) after its fixed start: the name's quoted value, then
 * nothing, or `; filename="` and a quoted value, then nothing. */
static void check_disposition(const char *p, const char *end)
{
	static const char fn[] = "; filename=\"";

	p = skip_quoted(p, end);
	if (p < end) {
		check((size_t)(end - p) > sizeof fn - 1 && memcmp(p, fn, sizeof fn - 1) == 0);
		p = skip_quoted(p + sizeof fn - 1, end);
	}
	check(p == end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char head[BODY_HEAD_MAX], arg[4096];
	const char *s = (const char *)data, *cut = memchr(s, 0, size), *line_end;
	size_t namelen = cut ? (size_t)(cut - s) : size, n;
	struct body_part p;
	char *filename = NULL;

	if (cut) {
		filename = strndup(cut + 1, size - namelen - 1);
		check(filename != NULL);
	}
	n = body_form_head(head, sizeof head, "BOUNDARY", s, namelen, filename,
	                   filename ? body_mime_type(filename) : NULL);
	if (n > 0) {
		static const char first[] =
		    "--BOUNDARY\r\nContent-Disposition: form-data; name=\"";
		check(n > sizeof first && memcmp(head, first, sizeof first - 1) == 0);
		check(memcmp(head + n - 4, "\r\n\r\n", 4) == 0);
		line_end = memmem(head + 12, n - 12, "\r\n", 2);
		check(line_end != NULL);
		check_disposition(head + sizeof first - 1, line_end);
		/* no line of the head starts a boundary but the first */
		check(memmem(head + 1, n - 1, "\n--BOUNDARY", 11) == NULL);
	}
	free(filename);
	if (size < sizeof arg) {
		memcpy(arg, data, size);
		arg[size] = '\0';
		if (body_form_parse(&p, arg) == 0)
			check(p.namelen > 0 && (p.path ? p.path[0] != '\0' : p.value != NULL));
	}
	return 0;
}
