/* lookup.c: getaddrinfo(3) on LOOKUP_THREADS threads, so that the loop never waits for a
 * resolver (sockit(1), Forwarding). The threads take requests from a queue under a mutex
 * and write each finished one's address to a pipe; the loop reads them back. Requests
 * stay on a list the loop owns until they are freed, so one in flight at exit is still
 * reachable (and a dropped one is freed when its answer comes). */
#include "lookup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOOKUP_THREADS 4 /* slow names looked up at once; more wait their turn */

static struct {
	int pipe[2];
	int threads;
	struct lookup *live; /* every request not yet freed (the loop's) */
	pthread_mutex_t mu;
	pthread_cond_t more;
	struct lookup *head, *tail; /* the queue (under mu) */
} L = {.pipe = {-1, -1}, .mu = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER};

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct lookup *q;
		pthread_mutex_lock(&L.mu);
		while (!L.head)
			pthread_cond_wait(&L.more, &L.mu);
		q = L.head;
		L.head = q->queued;
		if (!L.head)
			L.tail = NULL;
		pthread_mutex_unlock(&L.mu);
		if (net_resolve_peer(q->err, &q->peer, &q->ai) < 0)
			q->ai = NULL;
		/* a pointer is written whole: the pipe's writes under PIPE_BUF are atomic */
		while (write(L.pipe[1], &q, sizeof q) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

int lookup_fd(void)
{
	if (L.pipe[0] < 0) {
		if (pipe2(L.pipe, O_CLOEXEC) < 0)
			return L.pipe[0] = L.pipe[1] = -1;
		/* the loop's end only: a thread may wait to write, the loop never to read */
		fcntl(L.pipe[0], F_SETFL, O_NONBLOCK);
	}
	return L.pipe[0];
}

/* One more thread while there are fewer than LOOKUP_THREADS; false if none runs. */
static bool enough_threads(void)
{
	pthread_attr_t a;
	pthread_t t;
	int rc;

	if (L.threads >= LOOKUP_THREADS)
		return true;
	if (pthread_attr_init(&a) != 0)
		return L.threads > 0;
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &a, worker, NULL);
	pthread_attr_destroy(&a);
	if (rc == 0)
		L.threads++;
	return L.threads > 0;
}

struct lookup *lookup_start(const struct net_peer *peer, void *owner)
{
	struct lookup *q;

	if (lookup_fd() < 0 || !enough_threads() || !(q = calloc(1, sizeof *q)))
		return NULL;
	q->peer = *peer;
	q->owner = owner;
	q->next = L.live;
	if (L.live)
		L.live->prev = q;
	L.live = q;
	pthread_mutex_lock(&L.mu);
	if (L.tail)
		L.tail->queued = q;
	else
		L.head = q;
	L.tail = q;
	pthread_cond_signal(&L.more);
	pthread_mutex_unlock(&L.mu);
	return q;
}

void lookup_drop(struct lookup *q)
{
	q->owner = NULL;
}

void lookup_free(struct lookup *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		L.live = q->next;
	if (q->next)
		q->next->prev = q->prev;
	if (q->ai)
		freeaddrinfo(q->ai);
	free(q);
}

struct lookup *lookup_next(void)
{
	struct lookup *q;

	while (L.pipe[0] >= 0 && read(L.pipe[0], &q, sizeof q) == (ssize_t)sizeof q) {
		if (q->owner)
			return q;
		lookup_free(q); /* its owner left while it was looked up */
	}
	return NULL;
}
