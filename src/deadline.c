/* deadline.c: --max-time, the deadline a whole command runs under. */
#include "deadline.h"

#include "clock.h"
#include "diag.h"

#include <stdio.h>

void deadline_start(struct deadline *d)
{
	d->at = d->ms > 0 ? clock_ms() + d->ms : 0;
}

long long deadline_left(const struct deadline *d, long long now)
{
	if (d->ms <= 0)
		return -1;
	return d->at > now ? d->at - now : 0;
}

int deadline_cap(const struct deadline *d, int timeout_ms)
{
	long long left = deadline_left(d, clock_ms());

	if (left < 0)
		return timeout_ms;
	if (left < 1) /* a limit of 0 means none to poll's callers and to SO_RCVTIMEO */
		left = 1;
	return timeout_ms > 0 && timeout_ms < left ? timeout_ms : (int)left;
}

bool deadline_expired(const struct deadline *d)
{
	return deadline_left(d, clock_ms()) == 0;
}

const char *deadline_describe(const struct deadline *d, char *buf, size_t cap)
{
	snprintf(buf, cap, "--max-time of %.10g s ran out", d->ms / 1000.0);
	return buf;
}

int deadline_report(const struct deadline *d)
{
	char msg[64];

	diag_err("%s", deadline_describe(d, msg, sizeof msg));
	return EXIT_TIMEOUT;
}
