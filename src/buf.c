/* buf.c: the one growing buffer; doubling, so n appended bytes cost O(log n) reallocs. */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes, or marks b failed for good. */
static bool reserve(struct buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return false;
	if (b->cap - b->len >= n)
		return true;
	if (n > SIZE_MAX / 2 - b->len) { /* the doubling below would wrap */
		b->failed = true;
		return false;
	}
	for (cap = b->cap ? b->cap : 256; cap - b->len < n;)
		cap *= 2;
	if (!(p = realloc(b->data, cap))) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void buf_put(struct buf *b, const void *s, size_t n)
{
	if (n > 0 && reserve(b, n)) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
	}
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = false;
}

void buf_free(struct buf *b)
{
	free(b->data);
	*b = (struct buf){0};
}
