/* relay.h: the two-way pump between stdin/stdout and one socket (connect, raw serve). */
#ifndef RELAY_H
#define RELAY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct deadline;
struct transport;

/* Sees each chunk received from the peer, buf[0..*n), before it is written out; at the
 * peer's EOF it is called once more with buf NULL and *n 0. Returning true ends the
 * relay (exit 0) once the first *n bytes, which it may cut, are written out. */
typedef bool relay_watch_fn(void *ctx, const char *buf, size_t *n);

struct relay_opts {
	int in_fd;            /* what is sent: stdin, or -1 when there is nothing (more) */
	int out_fd;           /* where received bytes go: stdout */
	int sock;             /* the connected socket; made non-blocking by relay_run */
	struct transport *tr; /* read and write sock through this (TLS); NULL: plain */
	bool udp;             /* datagrams: each read of in_fd is one; no EOF from the peer */
	bool in_is_tty;   /* the peer's EOF ends the relay at once (sockit(1), "Relaying") */
	bool no_shutdown; /* keep the write side open at input EOF */
	bool close_out;   /* close out_fd once all the peer sent is written to it: a program
	                   * reading it (serve -e over TLS) sees the end of its input */
	int linger_ms;    /* after input EOF, wait at most this for the peer; -1: forever */
	int idle_ms;      /* no byte either way for this long: exit 5; 0: never */
	bool hex;         /* hex dump of the traffic on stderr */
	bool crlf;        /* LF sent as CRLF */
	const char *send; /* --send: these bytes instead of in_fd (which is then -1) */
	size_t send_len;
	volatile sig_atomic_t *stop;     /* set by a signal: flush for at most 1 s, return 0 */
	const struct deadline *deadline; /* --max-time: exit 5 when it runs out; NULL: none */
	relay_watch_fn *on_received;     /* --expect: the received bytes take the copy path */
	void *watch_ctx;                 /* on_received's ctx */
};

struct relay_stats {
	unsigned long long sent, received;
	bool input_done;  /* in_fd reached EOF: a later relay must not read it again */
	bool output_gone; /* out_fd's reader has gone: nothing more can be delivered */
};

/* Pumps both ways until both sides are done (the rules of sockit(1), "Relaying"). Prints its
 * own errors through diag. Returns the exit status: 0, EXIT_NET, EXIT_TIMEOUT or EXIT_IO; over
 * TLS also EXIT_PROTO (the peer ended inside a record) or EXIT_TLS. */
int relay_run(const struct relay_opts *o, struct relay_stats *st);

#endif
