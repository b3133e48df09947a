/* base64.h: standard base64 (RFC 4648 section 4, padded), both ways: Basic credentials,
 * --pin values, JSON for bytes that are not text. Pure: no I/O, no allocation. */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

/* The length of the base64 of n bytes, without the NUL. */
#define BASE64_LEN(n) (4 * (((n) + 2) / 3))

/* Writes the base64 of src[0..n) into dst (cap bytes, NUL-terminated when cap >= 1): as
 * many whole groups of 4 characters as fit. Returns the length written. */
size_t base64_encode(char *dst, size_t cap, const void *src, size_t n);
/* Decodes s[0..n) into dst (cap bytes). Strict, so that one value has one spelling:
 * n a multiple of 4, '=' only as the last one or two characters, no other byte outside
 * the alphabet (no spaces, no URL-safe '-' '_'), zero bits under the padding. Returns
 * the number of bytes, or -1 if s is not so or does not fit in cap. */
long base64_decode(void *dst, size_t cap, const char *s, size_t n);

#endif
