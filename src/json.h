/* json.h: the one JSON Lines writer (sockit(1), JSON OUTPUT): an object is built in a
 * growable buffer, every string escaped here (RFC 8259), then written with one fwrite. */
#ifndef JSON_H
#define JSON_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One object being built. Zero-initialise it; json_free releases its buffer. */
struct json {
	struct buf out; /* its failed: out of memory, which json_end reports */
	bool comma;     /* a member or element came before: the next one needs a comma */
};

/* Starts an object ("{"), discarding anything unfinished. */
void json_begin(struct json *j);
/* Adds "key": and the string s[0..n), escaped (json_escape). */
void json_str(struct json *j, const char *key, const char *s, size_t n);
/* Adds "key": and the NUL-terminated string s, escaped. */
void json_cstr(struct json *j, const char *key, const char *s);
/* Adds "key": and the integer v. */
void json_int(struct json *j, const char *key, long long v);
/* Adds "key": and v with 3 decimals (seconds, milliseconds); null if v is not finite. */
void json_real(struct json *j, const char *key, double v);
/* Adds "key": true or false. */
void json_bool(struct json *j, const char *key, bool v);
/* Adds "key": and the base64 (RFC 4648, padded) of the bytes s[0..n). */
void json_base64(struct json *j, const char *key, const void *s, size_t n);
/* Starts "key":[ , an array of pairs. */
void json_array_begin(struct json *j, const char *key);
/* Adds the element ["a","b"] to the array started last, both strings escaped. */
void json_pair(struct json *j, const char *a, size_t alen, const char *b, size_t blen);
/* Ends the array started last. */
void json_array_end(struct json *j);
/* Adds "key": and text, a number already formatted ("1.250000"), as it is. */
void json_number(struct json *j, const char *key, const char *text);
/* Adds "key":null. */
void json_null(struct json *j, const char *key);
/* Ends the object without a newline and without writing it: returns its text (*len
 * bytes, owned by j), or NULL when out of memory. */
const char *json_close(struct json *j, size_t *len);
/* Ends the object, adds a newline and writes the line to out with one fwrite (and
 * fflush). Returns 0, or -1 with errno set (ENOMEM, or the write's: EPIPE, ...). */
int json_end(struct json *j, FILE *out);
/* Frees the buffer; j may be used again after json_begin. */
void json_free(struct json *j);

/* True if s[0..n) is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF). Pure. */
bool json_utf8_valid(const char *s, size_t n);
/* The length of the valid UTF-8 character at s[0..n): 1 to 4, or 0 if s starts with
 * an invalid or truncated sequence. Pure. */
size_t json_utf8_char(const unsigned char *s, size_t n);

#endif
