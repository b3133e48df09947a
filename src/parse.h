/* parse.h: bounded parsers for the numbers and addresses users type; the limits are
 * written at the call site. Pure: no I/O, no allocation. */
#ifndef PARSE_H
#define PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* A decimal integer in [min, max], digits only (a leading '-' if min < 0).
 * Returns 0, or -1 for garbage, overflow or out of range. */
int parse_count(const char *s, long long min, long long max, long long *out);
/* A numeric port, 1..65535 (0 too if allow_zero). Returns 0 or -1. */
int parse_port(const char *s, bool allow_zero, unsigned *out);
/* A port range "20-30" or a single port; lo <= hi. Returns 0 or -1. */
int parse_port_range(const char *s, unsigned *lo, unsigned *hi);
/* True if s has the shape of a service name ("http", "ntp-time"), not of a number. */
bool parse_is_service_name(const char *s);
/* Seconds as a decimal ("2", "0.5"), at most 1e6, into milliseconds (rounded up so a
 * small positive value never becomes 0). Returns 0 or -1. */
int parse_seconds(const char *s, int *ms);
/*
 * Splits "HOST:PORT" or "[V6]:PORT" into host and port (copied, NUL-terminated).
 * Returns 1 if s named a port, 0 if s is a host alone (a name, an IPv4 or a bare IPv6
 * literal, or "[V6]"), -1 if it is malformed or a part does not fit its buffer.
 */
int parse_hostport(const char *s, char *host, size_t hostcap, char *port, size_t portcap);
/* Edit distance (insert, delete, substitute, swap) between two short words (99 when
 * one is over 23 bytes). */
int parse_edit_distance(const char *a, const char *b);

/* "Did you mean": the one rule for unknown commands and options. A name is close to what
 * was typed if the word is a prefix of it (distance 1) or within two edits (one for a
 * word under 6 bytes: a short word is close to too much by two); the closest wins, the
 * first of equals. Start, offer each candidate name, then read best (NULL: none). */
struct parse_closest {
	char word[64];    /* the word typed, cut to 63 bytes */
	size_t len;       /* its length as typed */
	const char *best; /* the closest name offered so far, or NULL */
	int bestd;        /* its distance; a name must come closer than this */
};
void parse_closest_start(struct parse_closest *c, const char *word, size_t len);
void parse_closest_offer(struct parse_closest *c, const char *name);

#endif
