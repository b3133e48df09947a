/* sb.h: a bounded string builder: appends into the caller's fixed buffer, keeps it
 * NUL-terminated, and remembers (sticky) that something did not fit. */
#ifndef SB_H
#define SB_H

#include <stdbool.h>
#include <stddef.h>

struct sb {
	char *buf;
	size_t cap; /* including room for the NUL */
	size_t len;
	bool ok; /* false once something did not fit; later appends are dropped */
};

/* Appends s[0..n), or clears b->ok if it does not fit with the NUL. */
void sb_put(struct sb *b, const char *s, size_t n);
/* Appends the string s. */
void sb_str(struct sb *b, const char *s);

#endif
