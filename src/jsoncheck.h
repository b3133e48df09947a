/* jsoncheck.h: is this text one valid JSON value (RFC 8259)? A streaming checker: fed the
 * bytes in pieces of any size, it holds no more than its state (nesting is a bit stack),
 * so a JSON body of any size is checked in flat memory before it is sent (--data-json).
 * Pure. */
#ifndef JSONCHECK_H
#define JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The deepest nesting of arrays and objects accepted (as Python's json, about). */
#define JSONCHECK_DEPTH_MAX 1024

struct jsoncheck {
	int mode; /* what may come next (jsoncheck.c) */
	int sub;  /* the step inside a number, a literal, an escape or a UTF-8 char */
	unsigned char lo, hi; /* a UTF-8 continuation byte's bounds */
	bool key;             /* the string being read is an object's key */
	const char *lit;      /* the literal being read: "true", "false" or "null" */
	bool failed;
	unsigned depth;
	uint64_t at;     /* bytes taken so far; the offending byte's offset once failed */
	const char *why; /* once failed: the reason, in words */
	unsigned char stack[JSONCHECK_DEPTH_MAX / 8]; /* 1 bit per level: object (1) or array */
};

/* Starts a check. */
void jsoncheck_init(struct jsoncheck *j);
/* Takes the next n bytes. Returns 0, or -1 once the text cannot be JSON (why and at set;
 * later calls return -1). */
int jsoncheck_feed(struct jsoncheck *j, const char *s, size_t n);
/* At the end of the text: 0 if it was exactly one JSON value (whitespace around allowed),
 * else -1 with why and at set. */
int jsoncheck_end(struct jsoncheck *j);
/* jsoncheck_init, _feed and _end on s[0..n). */
int jsoncheck_text(struct jsoncheck *j, const char *s, size_t n);

#endif
