/* sb.c: the bounded string builder that URLs and requests are written with. */
#include "sb.h"

#include <string.h>

void sb_put(struct sb *b, const char *s, size_t n)
{
	if (!b->ok || n >= b->cap - b->len) {
		b->ok = false;
		return;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sb_str(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}
