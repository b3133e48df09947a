/* admit.c: the one admission path of the event-loop servers (sockit(1), serve: -m,
 * --allow, --deny): who is let in, who is turned away, and what happens when the process
 * has no descriptor left for the next client. */
#include "admit.h"

#include "clock.h"
#include "diag.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define EMFILE_PAUSE_MS 100
/* a refused or surplus client is one more descriptor for a moment: never a burst of them */
#define TURNED_AWAY_MAX 64

int admit_start(struct admit *a)
{
	a->accepting = loop_watch(a->loop, a->lfd, LOOP_READ, a->on_accept, a->data) == 0;
	return a->accepting ? 0 : -1;
}

void admit_pause(struct admit *a, int nclients)
{
	/* one line per shortage, not one per retry every EMFILE_PAUSE_MS */
	if (!a->starved)
		diag_err("out of file descriptors with %d clients: pausing accepts", nclients);
	a->starved = true;
	a->starved_at = nclients;
	loop_watch(a->loop, a->lfd, 0, NULL, NULL);
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

/* Access lists are about IP addresses: UNIX-domain clients are not filtered. */
static bool permitted(const struct admit *a, const struct sockaddr_storage *ss)
{
	return !a->acl || ss->ss_family == AF_UNIX ||
	       net_acl_permits(a->acl, (const struct sockaddr *)ss);
}

int admit_next(struct admit *a, int nclients, struct sockaddr_storage *ss, socklen_t *len)
{
	char err[NET_ERR_LEN], who[NET_ADDR_LEN];

	for (int i = 0; i < TURNED_AWAY_MAX && a->accepting; i++) {
		int fd = net_accept(err, a->lfd, true, ss, len);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				admit_pause(a, nclients);
			return -1;
		}
		if (nclients < a->starved_at) /* clients left since: a new shortage is news */
			a->starved = false;
		net_format((struct sockaddr *)ss, *len, who, sizeof who);
		if (!permitted(a, ss)) {
			diag_verbose(1, "%s refused by the access list", who);
			turn_away(fd, NULL);
		} else if (nclients >= a->max_clients) {
			diag_verbose(1, "%s turned away: %d clients already", who, nclients);
			turn_away(fd, a->busy);
		} else {
			return fd;
		}
	}
	return -1;
}

long long admit_timer(struct admit *a, long long now, long long wait)
{
	if (a->accepting || a->resume_at == 0)
		return wait;
	if (now >= a->resume_at) {
		admit_start(a);
		a->resume_at = now + EMFILE_PAUSE_MS;
	}
	if (!a->accepting && a->resume_at - now < wait)
		wait = a->resume_at - now;
	return wait;
}

void admit_stop(struct admit *a)
{
	loop_watch(a->loop, a->lfd, 0, NULL, NULL);
	a->accepting = false;
	a->resume_at = 0;
}
