/* server.h: connections on the event loop for every protocol but raw: accepting,
 * per-connection state, bounded output queues, limits, access lists, graceful stop. */
#ifndef SERVER_H
#define SERVER_H

#include "net.h"
#include "proto.h"

#include <signal.h>
#include <stdbool.h>

struct tls_ctx;

struct server_opts {
	const struct proto *proto;
	struct proto_config cfg; /* handed to proto->init */
	int lfd;                 /* the listening (TCP, UNIX) or bound (UDP) socket */
	bool udp;
	int max_clients;
	int idle_ms;         /* 0: never */
	struct tls_ctx *tls; /* --tls: each client a TLS session of this context; NULL: plain */
	int handshake_ms;    /* --tls: a handshake not done in this long is closed */
	const struct net_acl *acl;
	int in_fd;                   /* stdin, read when the protocol takes input; or -1 */
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
	const char *where;           /* said as "listening on WHERE" once ready */
};

/* Serves until *stop is set; then flushes for at most a second and closes everyone.
 * Returns the exit status (0, or EXIT_IO/EXIT_NET if the server itself failed). */
int server_run(const struct server_opts *o);

#endif
