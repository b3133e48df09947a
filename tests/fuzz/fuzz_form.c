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

/* The quoted value after key (name=" or filename=") in the disposition line: no quote,
 * CR or LF inside it. */
static void check_quoted(const char *line, size_t n, const char *key)
{
	const char *p = memmem(line, n, key, strlen(key)), *end = line + n;

	if (!p)
		return;
	for (p += strlen(key); p < end && *p != '"'; p++)
		check(*p != '\r' && *p != '\n');
	check(p < end);
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
		check_quoted(head + 12, (size_t)(line_end - head - 12), "name=\"");
		check_quoted(head + 12, (size_t)(line_end - head - 12), "filename=\"");
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
