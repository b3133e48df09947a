/* clock.h: the monotonic clock every timeout, deadline and reported duration in sockit is
 * measured on (apart from the event loop, which is only told how long to wait). */
#ifndef CLOCK_H
#define CLOCK_H

/* Milliseconds of the monotonic clock. */
long long clock_ms(void);
/* The same clock in microseconds, for durations reported to a tenth of a millisecond. */
long long clock_us(void);

#endif
