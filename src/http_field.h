/* http_field.h: what both HTTP/1.1 wires share (RFC 9110 §5): the limits of a head, token
 * and whitespace bytes, a field line split into name and value, numbers, the Connection
 * options and dates. Pure: no I/O, no allocation. */
#ifndef HTTP_FIELD_H
#define HTTP_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ascii.h"

#define HTTP_LINE_MAX    8192  /* a status, request, header, chunk-size or trailer line */
#define HTTP_SECTION_MAX 65536 /* a header (or trailer) section, line endings included */
#define HTTP_FIELDS_MAX  100   /* header (or trailer) fields in one section */

/* RFC 9110 tchar: what a header name (and a method) is made of. */
static inline bool http_is_tchar(char c)
{
	return ascii_is_alpha(c) || ascii_is_digit(c) ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* OWS: optional whitespace, a space or a tab. */
static inline bool http_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* One field line, split: both parts point into the line. */
struct http_field {
	const char *name;
	size_t namelen;
	const char *value; /* without surrounding spaces and tabs */
	size_t valuelen;
};

/* Moves *s and shortens *n past the spaces and tabs at both ends of s[0..*n). */
void http_trim_ows(const char **s, size_t *n);
/* Splits the field line s[0..n) into *f; returns NULL, or what is wrong with the line (a NUL,
 * obsolete folding, a bad name, a control byte but HT in the value). */
const char *http_field_split(const char *s, size_t n, struct http_field *f);
/* Plain digits fitting in 63 bits; -1 if s[0..n) is not that. */
int64_t http_decimal(const char *s, size_t n);
/* Reads a Connection value's list: sets *close for "close", *keep for "keep-alive" (RFC 9112
 * §9.6); other tokens are left alone. */
void http_connection_options(const char *s, size_t n, bool *close, bool *keep);

/* Reads an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into seconds since the epoch.
 * Returns 0, or -1 if v is not one (the obsolete forms are not read). */
int http_date_parse(const char *v, size_t len, int64_t *t);
/* Writes t as an IMF-fixdate with a NUL (30 bytes). */
void http_date_format(int64_t t, char out[30]);

#endif
