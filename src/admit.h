/* admit.h: the one admission path of every way `serve` takes clients (raw, the protocols,
 * -e/-c, --to): the access list, the client limit (-m) with its busy notice, the pause
 * when descriptors run out, each logged in the same words whatever serves the client;
 * the stop signals, caught once for every mode; and the run loop the event-loop servers
 * share, with its graceful stop. */
#ifndef ADMIT_H
#define ADMIT_H

#include "loop.h"
#include "net.h"

#include <signal.h>
#include <stdbool.h>

struct admit {
	/* set by the caller */
	struct loop *loop; /* NULL: the caller waits for lfd itself (raw) */
	int lfd;           /* the listening socket; made non-blocking by admit_start */
	/* a client admitted (its fd now the callee's), and how many are served */
	void (*on_client)(int fd, const struct sockaddr_storage *ss, socklen_t len);
	int (*clients)(void);
	loop_fn *on_datagram;      /* UDP: called when lfd is readable, instead of accepting */
	const struct net_acl *acl; /* or NULL */
	int max_clients;
	const char *busy;  /* sent to a client over the limit, or NULL */
	bool blocking;     /* clients' fds stay blocking (a program's stdin, raw's relay) */
	const char *where; /* said as "listening on WHERE" once lfd is watched, or NULL */
	/* kept here */
	bool accepting;      /* lfd is watched */
	bool starved;        /* the pause was logged; quiet until clients have left */
	int starved_at;      /* how many clients there were then */
	long long resume_at; /* accepting paused for want of fds until then */
	long long stop_at;   /* stopping: the end of the grace; 0 while serving */
	int over;            /* clients turned away over -m, not yet logged */
	long long over_said; /* when the last such line was logged */
	int burst;           /* accepts tried at the next readiness (adapted each time) */
};

/* Watches a->lfd: each client admitted goes to a->on_client (or, over UDP, each
 * readable lfd to a->on_datagram); with no loop, only marks it accepting. The first
 * time, says "listening on a->where": the server is ready. Returns 0, or -1 with errno
 * set. */
int admit_start(struct admit *a);
/* Whether the peer at ss may be served: the access list, UNIX-domain peers exempt (the
 * lists are about IP addresses). A refusal is logged with -v. */
bool admit_permits(const struct admit *a, const struct sockaddr_storage *ss, socklen_t len);
/* Accepts the next client that may be served while nclients are: returns its fd
 * (non-blocking unless a->blocking) with ss and len its address, or -1 when none is
 * waiting, accepting is paused, or descriptors ran out (accepting then pauses; admit_timer
 * resumes it). Refused and surplus clients are closed here (surplus ones counted and
 * logged at most once a second, even without -v); the caller goes on calling. */
int admit_next(struct admit *a, int nclients, struct sockaddr_storage *ss, socklen_t *len);
/* Resumes a paused accept when due and logs the surplus count when due; returns wait
 * (-1: forever), lowered to when the next of these, or the end of a stop, is due. */
long long admit_timer(struct admit *a, long long now, long long wait);
/* Pauses accepting for want of descriptors while nclients are served (logged once per
 * shortage: not again until fewer are); admit_timer resumes it. */
void admit_pause(struct admit *a, int nclients);
/* Stops accepting for good (the server stops, or wants no more clients). */
void admit_stop(struct admit *a);

/* Catches SIGINT, SIGTERM and SIGHUP for serve, every mode: each sets *stop and wakes
 * whatever waits (no SA_RESTART, and a byte down a pipe admit_wake_fd reads); with
 * children, SIGCHLD wakes it too. Returns 0, or -1 with errno set. */
int admit_catch_signals(volatile sig_atomic_t *stop, bool children);
/* The read end of that pipe (non-blocking, close-on-exec), or -1; admit_drain_wake
 * empties it. */
int admit_wake_fd(void);
void admit_drain_wake(void);

/* What an event-loop server does around admit_run's rounds. */
struct admit_hooks {
	int (*timers)(void); /* runs due timers; returns how long the loop may wait, or -1 */
	void (*round)(void); /* after each round: close what was scheduled */
	void (*stop)(void);  /* or NULL: the stop began (accepting has stopped): wind down */
	bool (*idle)(void);  /* nothing left to wind down: the stop may end before the grace */
	bool (*done)(void);  /* or NULL: true when the server ends with no stop asked */
};

/* Starts accepting (the listening line), then runs rounds of a->loop until *stop is set
 * or h->done says so; on a stop, h->stop, then rounds until h->idle or grace_ms have
 * passed. Returns 0, or EXIT_IO if the server could not start or the loop failed (said). */
int admit_run(struct admit *a, volatile sig_atomic_t *stop, int grace_ms,
              const struct admit_hooks *h);

#endif
