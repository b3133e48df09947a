/* admit.c: the one admission path of `serve` (sockit(1), serve: -m, --allow, --deny, and
 * Signals): who is let in, who is turned away, what happens when the process has no
 * descriptor left for the next client, and how every mode stops. */
#include "admit.h"

#include "clock.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define EMFILE_PAUSE_MS 100
/* clients taken from the queue per wake-up: reaping and the others' I/O are not starved */
#define ACCEPT_BURST 64
/* a refused or surplus client is one more descriptor for a moment: never a burst of them */
#define TURNED_AWAY_MAX 64
/* clients over -m are logged even without -v, but at most one line this often */
#define OVER_EVERY_MS 1000

static void on_readable(struct loop *l, int lfd, void *data, int mask);

/* Sets the listener's interest on the loop (if any); 0 or -1 with errno set. */
static int watch(struct admit *a, int mask)
{
	loop_fn *fn = a->on_datagram ? a->on_datagram : on_readable;

	return a->loop ? loop_watch(a->loop, a->lfd, mask, mask ? fn : NULL, a) : 0;
}

int admit_start(struct admit *a)
{
	if (net_set_nonblock(NULL, a->lfd, true) < 0)
		return -1;
	if (watch(a, LOOP_READ) < 0)
		return -1;
	a->accepting = true;
	/* ready means ready: the loop exists and the listener is watched */
	if (a->where)
		diag_always("listening on %s", a->where);
	a->where = NULL;
	return 0;
}

void admit_pause(struct admit *a, int nclients)
{
	/* one line per shortage, not one per retry every EMFILE_PAUSE_MS */
	if (!a->starved)
		diag_err("out of file descriptors with %d clients: pausing accepts", nclients);
	a->starved = true;
	a->starved_at = nclients;
	watch(a, 0);
	a->accepting = false;
	a->resume_at = clock_ms() + EMFILE_PAUSE_MS;
}

/* A refused or surplus client: a best-effort notice, then closed at once. */
static void turn_away(int fd, const char *notice)
{
	if (notice)
		(void)!send(fd, notice, strlen(notice), MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

bool admit_permits(const struct admit *a, const struct sockaddr_storage *ss, socklen_t len)
{
	char who[NET_ADDR_LEN];

	if (!a->acl || ss->ss_family == AF_UNIX ||
	    net_acl_permits(a->acl, (const struct sockaddr *)ss))
		return true;
	diag_verbose(1, "%s refused by the access list",
	             net_format((const struct sockaddr *)ss, len, who, sizeof who));
	return false;
}

/* The surplus clients since the last line, if a line is due. */
static void say_over(struct admit *a, long long now)
{
	if (a->over == 0 || (a->over_said && now - a->over_said < OVER_EVERY_MS))
		return;
	diag_err("%d client%s over --max-clients %d turned away", a->over,
	         a->over == 1 ? "" : "s", a->max_clients);
	a->over = 0;
	a->over_said = now;
}

/* A client over the limit: told the protocol's notice, closed, counted. */
static void over_limit(struct admit *a, int fd, int nclients, const struct sockaddr_storage *ss,
                       socklen_t len)
{
	char who[NET_ADDR_LEN];

	diag_verbose(1, "%s turned away: %d clients already",
	             net_format((const struct sockaddr *)ss, len, who, sizeof who), nclients);
	turn_away(fd, a->busy);
	a->over++;
	say_over(a, clock_ms());
}

int admit_next(struct admit *a, int nclients, struct sockaddr_storage *ss, socklen_t *len)
{
	char err[NET_ERR_LEN];

	for (int i = 0; i < TURNED_AWAY_MAX && a->accepting; i++) {
		int fd = net_accept(err, a->lfd, !a->blocking, ss, len);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				admit_pause(a, nclients);
			return -1;
		}
		/* clients left since (raw holds none while it waits): a new shortage is news */
		if (nclients < a->starved_at || nclients == 0)
			a->starved = false;
		if (!admit_permits(a, ss, *len))
			turn_away(fd, NULL);
		else if (nclients >= a->max_clients)
			over_limit(a, fd, nclients, ss, *len);
		else
			return fd;
	}
	return -1;
}

/* The listener is readable: clients are admitted one by one, as many as the last time
 * found waiting. A server that keeps up finds one: the accept(2) that would only say
 * EAGAIN is saved (as nginx's one accept per event), and the loop, level-triggered,
 * comes back if more wait; a burst that took all it tried doubles for the next time. */
static void on_readable(struct loop *l, int lfd, void *data, int mask)
{
	struct admit *a = data;
	struct sockaddr_storage ss;
	socklen_t len;
	int got;

	(void)l, (void)lfd, (void)mask;
	if (a->burst < 1)
		a->burst = 1;
	for (got = 0; got < a->burst; got++) {
		int fd = admit_next(a, a->clients(), &ss, &len);
		if (fd < 0) {
			a->burst = got > 1 ? got : 1;
			return;
		}
		a->on_client(fd, &ss, len);
	}
	a->burst = got * 2 < ACCEPT_BURST ? got * 2 : ACCEPT_BURST;
}

/* wait (-1: forever) lowered to due_in. */
static long long sooner(long long wait, long long due_in)
{
	if (due_in < 0)
		due_in = 0;
	return wait < 0 || due_in < wait ? due_in : wait;
}

long long admit_timer(struct admit *a, long long now, long long wait)
{
	say_over(a, now);
	if (a->over > 0)
		wait = sooner(wait, a->over_said + OVER_EVERY_MS - now);
	if (a->stop_at)
		wait = sooner(wait, a->stop_at - now);
	if (a->accepting || a->resume_at == 0)
		return wait;
	if (now >= a->resume_at) {
		admit_start(a);
		a->resume_at = now + EMFILE_PAUSE_MS;
	}
	return a->accepting ? wait : sooner(wait, a->resume_at - now);
}

void admit_stop(struct admit *a)
{
	watch(a, 0);
	a->accepting = false;
	a->resume_at = 0;
}

/* ---- stop signals ---- */

static int wake[2] = {-1, -1};
static volatile sig_atomic_t *stop_flag;

static void on_signal(int sig)
{
	int saved = errno;

	if (sig != SIGCHLD)
		*stop_flag = 1;
	(void)!write(wake[1], "", 1); /* a full pipe already holds a wake-up */
	errno = saved;
}

int admit_catch_signals(volatile sig_atomic_t *stop, bool children)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP}; /* SIGHUP: a closed terminal */
	struct sigaction sa;

	if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	stop_flag = stop;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a stop must wake a blocking wait (raw's relay) at once */
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
		sigaction(stops[i], &sa, NULL);
	if (children) {
		sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
		sigaction(SIGCHLD, &sa, NULL);
	}
	return 0;
}

int admit_wake_fd(void)
{
	return wake[0];
}

void admit_drain_wake(void)
{
	char buf[64];

	while (wake[0] >= 0 && read(wake[0], buf, sizeof buf) > 0)
		;
}

/* ---- the run loop ---- */

static void on_wake(struct loop *l, int fd, void *data, int mask)
{
	(void)l, (void)fd, (void)data, (void)mask;
	admit_drain_wake();
}

/* Rounds of the loop until the server ends; 0, or -1 if the loop failed. */
static int rounds(struct admit *a, volatile sig_atomic_t *stop, int grace_ms,
                  const struct admit_hooks *h)
{
	for (;;) {
		if (*stop && !a->stop_at) {
			admit_stop(a);
			a->stop_at = clock_ms() + grace_ms;
			if (h->stop)
				h->stop();
		}
		/* checked right after the stop began, so a server with nothing left to wind
		 * down exits at once instead of waiting out the grace */
		if (a->stop_at && (h->idle() || clock_ms() >= a->stop_at))
			return 0;
		if (!a->stop_at && h->done && h->done())
			return 0;
		long long wait = h->timers ? h->timers() : -1;
		if (loop_run_once(a->loop, (int)admit_timer(a, clock_ms(), wait)) < 0)
			return -1;
		h->round();
	}
}

int admit_run(struct admit *a, volatile sig_atomic_t *stop, int grace_ms,
              const struct admit_hooks *h)
{
	int rc = 0;

	if (wake[0] >= 0 && loop_watch(a->loop, wake[0], LOOP_READ, on_wake, NULL) < 0)
		rc = -1;
	if (rc < 0 || admit_start(a) < 0) {
		diag_err("cannot watch the listening socket: %s", strerror(errno));
		return EXIT_IO;
	}
	if (rounds(a, stop, grace_ms, h) < 0) {
		diag_err("event loop: %s", strerror(errno));
		rc = EXIT_IO;
	}
	a->over_said = 0; /* what was counted is said before the server ends */
	say_over(a, clock_ms());
	if (wake[0] >= 0)
		loop_watch(a->loop, wake[0], 0, NULL, NULL);
	return rc;
}
