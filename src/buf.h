/* buf.h: a growing byte buffer with a sticky failure (as curl's dynbuf): the writer of a
 * JSON object or a directory listing appends freely and asks once, at the end, whether
 * memory ran out. */
#ifndef BUF_H
#define BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data; /* the bytes, len of them (not NUL-terminated); NULL before the first */
	size_t len, cap;
	bool failed; /* out of memory once: every later put is dropped until buf_reset */
};

/* Appends s[0..n), doubling the capacity (from 256) when it must grow. */
void buf_put(struct buf *b, const void *s, size_t n);
/* Appends the string s, without its NUL. */
void buf_puts(struct buf *b, const char *s);
/* Appends one byte. */
void buf_putc(struct buf *b, char c);
/* Empties b for reuse, keeping its memory, and forgets a failure. */
void buf_reset(struct buf *b);
/* Frees the memory; b is empty again. */
void buf_free(struct buf *b);

#endif
