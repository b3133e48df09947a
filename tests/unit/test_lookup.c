/* test_lookup.c: unit tests of the lookups off the loop: an answer comes back through the
 * pipe to its owner, a failure with its words, and a dropped one never comes back. No
 * name here makes the resolver send a query: literals, and a service that is not one. */
#include "lookup.h"

#include "unit.h"

#include <poll.h>
#include <sys/socket.h>

/* The next answer, waiting at most 5 s for the pipe. */
static struct lookup *answer(void)
{
	struct pollfd p = {.fd = lookup_fd(), .events = POLLIN};
	struct lookup *q = NULL;

	for (int i = 0; i < 50 && !q; i++)
		if (poll(&p, 1, 100) > 0)
			q = lookup_next();
	return q;
}

static void literal_comes_back(void)
{
	int owner;
	struct net_peer peer = {.host = "127.0.0.1", .port = "80", .socktype = SOCK_STREAM};
	struct lookup *q = lookup_start(&peer, &owner);

	CHECK(q != NULL);
	CHECK(answer() == q);
	CHECK(q->owner == &owner);
	CHECK(q->ai != NULL && q->ai->ai_family == AF_INET);
	lookup_free(q);
}

static void failure_says_why(void)
{
	int owner;
	struct net_peer peer = {
	    .host = "127.0.0.1", .port = "no-such-service-x", .socktype = SOCK_STREAM};
	struct lookup *q = lookup_start(&peer, &owner);

	CHECK(q != NULL);
	CHECK(answer() == q);
	CHECK(q->ai == NULL);
	CHECK(q->err[0] != '\0');
	lookup_free(q);
}

static void dropped_never_comes_back(void)
{
	int a, b;
	struct net_peer peer = {.host = "::1", .port = "443", .socktype = SOCK_STREAM};
	struct lookup *first = lookup_start(&peer, &a), *second = lookup_start(&peer, &b), *q;

	CHECK(first != NULL && second != NULL);
	lookup_drop(first);
	q = answer();
	CHECK(q == second);
	CHECK(q && q->owner == &b);
	if (q)
		lookup_free(q);
	struct pollfd p = {.fd = lookup_fd(), .events = POLLIN};
	poll(&p, 1, 1000); /* the dropped one's answer, if it was not in before */
	CHECK(lookup_next() == NULL);
}

void suite_lookup(void);
void suite_lookup(void)
{
	literal_comes_back();
	failure_says_why();
	dropped_never_comes_back();
}
