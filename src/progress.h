/* progress.h: the progress meter of a download: one line on stderr, redrawn in place. */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool wanted; /* set by the caller: a meter is shown for each body */
	bool active; /* a line is on the screen and not yet ended */
	uint64_t done;
	int64_t total;         /* -1 when the length is not known */
	long long start, last; /* clock_ms of the start and of the last redraw */
};

/* Starts the meter for a body of total bytes (-1: unknown) if one is wanted. */
void progress_start(struct progress *pg, int64_t total);
/* Counts n more bytes; the line is redrawn at most 5 times a second. */
void progress_add(struct progress *pg, uint64_t n);
/* Draws the final numbers and ends the line, so later messages start on their own. */
void progress_end(struct progress *pg);

#endif
