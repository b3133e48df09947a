/* ascii.h: byte classes, hex digits and case-blind compares of ASCII text; no locale
 * applies, so no setting can make two different names equal. Inline: parsers call them
 * once a byte. */
#ifndef ASCII_H
#define ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* A control byte: below 0x20, or DEL. */
static inline bool ascii_is_ctl(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

static inline bool ascii_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool ascii_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The value of a hex digit (either case), or -1: the one hex-digit reader of the tree. */
static inline int ascii_hex_value(char c)
{
	if (ascii_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True if s[0..n) equals the lower-case word, ASCII case ignored. */
static inline bool ascii_ci_equal(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' || ascii_lower(s[i]) != word[i])
			return false;
	return word[i] == '\0';
}

#endif
