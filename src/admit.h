/* admit.h: one admission path for every accept loop on the event loop: the access list,
 * the client limit (-m) with its busy notice, and the pause when descriptors run out,
 * each logged in the same words whatever serves the client. */
#ifndef ADMIT_H
#define ADMIT_H

#include "loop.h"
#include "net.h"

#include <stdbool.h>

struct admit {
	/* set by the caller */
	struct loop *loop;
	int lfd;                   /* the listening socket, non-blocking */
	loop_fn *on_accept;        /* watched on lfd while accepting */
	void *data;                /* handed to on_accept */
	const struct net_acl *acl; /* or NULL */
	int max_clients;
	const char *busy; /* sent to a client over the limit, or NULL */
	/* kept here */
	bool accepting;      /* lfd is watched */
	bool starved;        /* the pause was logged; quiet until clients have left */
	int starved_at;      /* how many clients there were then */
	long long resume_at; /* accepting paused for want of fds until then */
};

/* Watches a->lfd with a->on_accept. Returns 0, or -1 with errno set. */
int admit_start(struct admit *a);
/* Accepts the next client that may be served while nclients are: returns its
 * non-blocking fd with ss and len its address, or -1 when none is waiting, accepting is
 * paused, or descriptors ran out (accepting then pauses; admit_timer resumes it).
 * Refused and surplus clients are closed here; the caller goes on calling. */
int admit_next(struct admit *a, int nclients, struct sockaddr_storage *ss, socklen_t *len);
/* Resumes a paused accept when due; returns wait, lowered to when that is due. */
long long admit_timer(struct admit *a, long long now, long long wait);
/* Pauses accepting for want of descriptors while nclients are served (logged once per
 * shortage: not again until fewer are); admit_timer resumes it. */
void admit_pause(struct admit *a, int nclients);
/* Stops accepting for good (the server stops). */
void admit_stop(struct admit *a);

#endif
