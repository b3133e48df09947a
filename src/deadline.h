/* deadline.h: --max-time, one deadline for a whole command on the monotonic clock
 * (clock_ms), and the one wording for running out of it. */
#ifndef DEADLINE_H
#define DEADLINE_H

#include <stdbool.h>
#include <stddef.h>

struct deadline {
	int ms;       /* --max-time in milliseconds; 0: no deadline */
	long long at; /* the clock_ms() time it runs out at; set by deadline_start */
};

/* Starts the clock: d runs out d->ms from now (never, if d->ms is 0). */
void deadline_start(struct deadline *d);
/* Milliseconds left at time now, at least 0; -1 when there is no deadline. */
long long deadline_left(const struct deadline *d, long long now);
/* The limit to give one connect, read or wait: timeout_ms (0: none) cut to what is left
 * of d, at least 1 ms (callers test deadline_expired after it); 0 when neither limits. */
int deadline_cap(const struct deadline *d, int timeout_ms);
/* True once d has run out. */
bool deadline_expired(const struct deadline *d);
/* Writes "--max-time of 2 s ran out" into buf (cap bytes). Returns buf. */
const char *deadline_describe(const struct deadline *d, char *buf, size_t cap);
/* Prints that message as an error. Returns EXIT_TIMEOUT. */
int deadline_report(const struct deadline *d);

#endif
