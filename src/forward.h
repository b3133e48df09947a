/* forward.h: `serve --to` (sockit(1), Forwarding): every accepted client joined to a new
 * connection to a target on the event loop, bytes moved both ways without a copy where
 * the kernel allows; UDP flows likewise, one upstream socket per client address. */
#ifndef FORWARD_H
#define FORWARD_H

#include "net.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct proxy;
struct tls_ctx;

#define FORWARD_NAME_MAX 256

/* One --to: HOST:PORT, [V6]:PORT, or unix:PATH (path set, host and port empty). */
struct forward_target {
	char host[FORWARD_NAME_MAX], port[32];
	const char *path;
	const char *spec; /* as given, for messages */
};

struct forward_opts {
	int lfd; /* listening (TCP, UNIX) or bound (UDP) socket */
	bool udp;
	const struct forward_target *to;
	size_t nto;
	int family;         /* -4/-6 for the targets */
	int connect_ms;     /* per address tried */
	int idle_ms;        /* 0: never */
	int max_clients;    /* pairs, or UDP flows */
	int proxy_protocol; /* 0, 1 or 2: a PROXY header goes first toward the target */
	const struct net_acl *acl;
	const struct proxy *proxy; /* reach targets through it, or NULL */
	bool json;                 /* one JSON object per ended pair on stdout */
	struct tls_ctx *tls;       /* --tls: clients speak TLS (a server context), or NULL */
	int handshake_ms;          /* the bound of a client's TLS handshake */
	struct tls_ctx *to_tls;    /* --to-tls: TLS toward the targets (a client context) */
	volatile sig_atomic_t *stop;
	const char *where; /* said as "listening on WHERE" once ready */
};

/* Parses a --to argument into t (t->spec = arg). Returns 0, or -1 with err filled. */
int forward_parse_target(char *err, const char *arg, struct forward_target *t);
/* Forwards until *stop is set; then gives open pairs a second and closes them.
 * Returns the exit status (0, or EXIT_IO if the loop itself failed). */
int forward_run(const struct forward_opts *o);
/* Writes the PROXY protocol header (version 1: text, 2: binary) saying that a client
 * at src reached us at dst into buf; families other than IPv4/IPv6 (or src and dst of
 * different families) give the header of an unknown origin. Returns its length, or 0 if
 * cap is too small (108 bytes always suffice). Pure. */
size_t forward_proxy_header(void *buf, size_t cap, int version, const struct sockaddr *src,
                            const struct sockaddr *dst);

/* msg (a TLS client's words) with the client options it names given the names serve
 * uses for the target side: --cacert, --cert and --key become --to-cacert, --to-cert and
 * --to-key (serve's own are its listening side's). Returns buf. Pure. */
char *forward_target_words(char *buf, size_t cap, const char *msg);

#endif
