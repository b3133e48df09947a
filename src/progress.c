/* progress.c: the download meter: `45.2 MiB of 1.0 GiB  4%  110.3 MiB/s  ETA 0:08`. */
#include "progress.h"

#include "clock.h"

#include <stdio.h>

#define PROGRESS_MS 200 /* the line is redrawn at most 5 times a second */
#define PROGRESS_W  64  /* its width: a shorter line is padded over a longer one */

/* "812 B", "12.3 KiB", "1.0 GiB". */
static void human(char *dst, size_t cap, double v)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(dst, cap, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static void eta(char *dst, size_t cap, double secs)
{
	long long s = (long long)(secs + 0.5);

	if (secs < 0 || secs > 359999)
		snprintf(dst, cap, "--:--");
	else if (s >= 3600)
		snprintf(dst, cap, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(dst, cap, "%lld:%02lld", s / 60, s % 60);
}

/* `\r 45.2 MiB of 1.0 GiB  4%  110.3 MiB/s  ETA 0:08`, padded over the last one. */
static void draw(struct progress *pg, long long t)
{
	char line[160], done[24], total[24], rate[24], left[24];
	double secs = (double)(t - pg->start) / 1e3;
	double bps = secs > 0 ? (double)pg->done / secs : 0;
	int n;

	human(done, sizeof done, (double)pg->done);
	human(rate, sizeof rate, bps);
	if (pg->total >= 0) {
		human(total, sizeof total, (double)pg->total);
		eta(left, sizeof left,
		    bps > 0 ? (double)(pg->total - (int64_t)pg->done) / bps : -1);
		n = snprintf(line, sizeof line, "\r%s of %s  %d%%  %s/s  ETA %s", done, total,
		             pg->total ? (int)(pg->done * 100 / (uint64_t)pg->total) : 100,
		             rate, left);
	} else {
		n = snprintf(line, sizeof line, "\r%s  %s/s", done, rate);
	}
	while (n < PROGRESS_W + 1)
		line[n++] = ' ';
	fwrite(line, 1, (size_t)n, stderr);
	pg->last = t;
}

void progress_start(struct progress *pg, int64_t total)
{
	if (!pg->wanted)
		return;
	pg->active = true;
	pg->done = 0;
	pg->total = total;
	pg->start = clock_ms();
	draw(pg, pg->start);
}

void progress_add(struct progress *pg, uint64_t n)
{
	long long t;

	pg->done += n;
	if (pg->active && (t = clock_ms()) - pg->last >= PROGRESS_MS)
		draw(pg, t);
}

void progress_end(struct progress *pg)
{
	if (!pg->active)
		return;
	draw(pg, clock_ms());
	fputc('\n', stderr);
	pg->active = false;
}
