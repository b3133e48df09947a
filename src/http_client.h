/* http_client.h: the HTTP/1.1 client engine of sockit(1) http-get and its kin: kept-alive
 * connections in a small pool (one per scheme, host and port), direct, through a SOCKS
 * tunnel or an HTTP forward proxy, TLS through transport.h; the request and its body; the
 * response read and parsed; redirects, --retry and the retry of a broken kept connection.
 * The command supplies callbacks for what it shows; the engine never writes to stdout. */
#ifndef SOCKIT_HTTP_CLIENT_H
#define SOCKIT_HTTP_CLIENT_H

#include "http.h"
#include "tls.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_CLIENT_HEADERS_MAX 64    /* -H options */
#define HTTP_CLIENT_EXTRA_MAX   16384 /* bytes of every -H and -A together */
#define HTTP_CLIENT_POOL_MAX    6     /* idle kept-alive connections; the oldest goes first */

/* What a callback returns besides an exit status (> 0). */
enum {
	HTTP_CB_GO_ON = 0, /* go on */
	HTTP_CB_STOP = -1, /* the rest of this response is not wanted */
	HTTP_CB_QUIT = -3, /* the output's reader left: stop every URL, quietly */
};

/* The command's side of a transfer (as curl's tool_cb_*.c are to libcurl). */
struct http_handler {
	void *ctx;
	/* -v: one line of the request ('>') or of the response ('<'), as sent or received */
	void (*wire)(void *ctx, char dir, const char *s, size_t n);
	/* an error for the user, also in the stats' errmsg (the engine prints none itself) */
	void (*fail)(void *ctx, const char *msg);
	int (*status)(void *ctx, const struct http_event *ev);
	int (*header)(void *ctx, const struct http_event *ev);
	/* the headers are in (redirect: it will be followed); *fd: where the body may be
	 * moved by zero-copy (-1: never) */
	int (*headers_done)(void *ctx, const struct http_resp *r, bool redirect, int *fd);
	/* body bytes for the output (n == 0: write out what is gathered, a zero-copy move
	 * follows); p NULL: n bytes went to *fd by zero-copy */
	int (*body)(void *ctx, const char *p, size_t n);
	/* writing to *fd failed (errno e) during a zero-copy move */
	int (*sink_failed)(void *ctx, int e);
};

struct cmd_common;
struct proxy;
struct body;

/* The options every request of a run shares. */
struct http_client_opts {
	const char *method;         /* the command's (a redirect may turn it into GET) */
	const char *user_agent;     /* NULL: none */
	const char *const *headers; /* the user's -H lines */
	size_t nheaders;
	const struct proxy *proxy; /* PROXY_NONE: none */
	const char *noproxy;
	const char *unix_socket;         /* NULL: TCP */
	const struct cmd_common *common; /* family, -w, --max-time, the TLS options */
	const struct body *body;         /* opened; BODY_NONE: none */
	bool head;                       /* HEAD: responses have no body */
	bool follow;                     /* -L */
	long long max_redirs, retries;
};

/* One user URL's figures, for --write-out. */
struct http_stats {
	const struct http_url *url;            /* the last URL asked (redirects followed) */
	long long t_start, t_connect, t_first; /* clock_us at the start, connected, byte 1 */
	uint64_t body;                         /* body bytes of the last response */
	uint64_t sent;                         /* request body bytes sent */
	long long hops, tries;                 /* redirects followed, requests sent again */
	int status;                            /* the last status received, 0 if none */
	char reason[80];                       /* ... its reason phrase, escaped */
	struct tls_info tls;                   /* the last TLS session's */
	char errmsg[768];                      /* the error of this URL, "" if none */
};

struct http_client;

/* A client for the user URLs urls[0..n) (checked: each parses), o kept for its life; the
 * list says which connections are worth keeping. NULL when out of memory. */
struct http_client *http_client_new(const struct http_client_opts *o, char *const *urls, int n);
/* Makes the TLS context before any request (a bad file is known at once): 0 or the exit
 * status. */
int http_client_tls(struct http_client *c);
/* User URL i is the next to fetch: st starts afresh, st->url is its parsed form. */
void http_client_begin(struct http_client *c, int i, struct http_stats *st);
/* Fetches it, its redirects followed, with h's callbacks; st filled as it goes. Returns 0
 * (also when a callback said HTTP_CB_QUIT) or an exit status (its error given to h->fail,
 * unless a callback's). */
int http_client_fetch(struct http_client *c, const struct http_handler *h,
                      struct http_stats *st);
/* Closes every connection and frees c (NULL: nothing). */
void http_client_free(struct http_client *c);

#endif
