/* lookup.h: names looked up off the event loop. getaddrinfo(3) blocks for as long as
 * the resolver takes; a forwarder that called it on its loop would stall every client
 * behind one slow name (sockit(1), Forwarding). A few threads look names up; each answer
 * comes back through a pipe the loop watches. Only the loop's thread calls these. */
#ifndef LOOKUP_H
#define LOOKUP_H

#include "net.h"

#include <netdb.h>

struct lookup {
	/* the answer, once lookup_next has given it back */
	struct addrinfo *ai; /* NULL on failure */
	char err[NET_ERR_LEN];
	void *owner; /* as given to lookup_start; NULL once dropped */
	/* kept here */
	struct net_peer peer; /* its strings must outlive the lookup */
	struct lookup *next, *prev;
	struct lookup *queued; /* waiting for a thread */
};

/* The fd that is readable when answers wait for lookup_next (its first call makes it);
 * -1 if no pipe can be made. */
int lookup_fd(void);
/* Looks peer up (as net_resolve_peer) on a thread, for owner. NULL when no thread or
 * memory could be had: the caller looks it up itself. */
struct lookup *lookup_start(const struct net_peer *peer, void *owner);
/* The owner is gone: its answer, when it comes, is thrown away. */
void lookup_drop(struct lookup *q);
/* The next finished lookup of an owner still there, or NULL when none waits; the caller
 * takes its ai and frees it with lookup_free. */
struct lookup *lookup_next(void);
void lookup_free(struct lookup *q);

#endif
