/* http_client.c: the HTTP/1.1 client engine of sockit(1) http-get and its kin: a small pool
 * of kept-alive connections, the request and its body, the read loop with its zero-copy
 * body path, redirects and retries. What is shown is the command's, through callbacks. */
#include "http_client.h"
#include "clock.h"

#include "body.h"
#include "cmd.h"
#include "diag.h"
#include "http_retry.h"
#include "net.h"
#include "parse.h"
#include "proxy.h"
#include "splice.h"
#include "transport.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE       (256 * 1024) /* the body moves in reads of up to this, never held */
#define DISCARD_MAX     65536        /* an unwanted body read to keep its connection, at most */
#define RETRY_PAUSE_MAX 30           /* seconds: the longest pause between tries */
#define EXPECT_MIN      (1024 * 1024) /* bodies from this size ask for 100 Continue first */
#define EXPECT_WAIT_MS  1000          /* ... and wait for it this long at most */
#define BODY_HEADERS    4             /* the fields a body adds to the request */
#define BODY_FIELD_MAX  (48 + BODY_BOUNDARY_LEN)
#define REQ_MAX                                                                                \
	(HTTP_REQ_FIXED + 8 + HTTP_CLIENT_EXTRA_MAX + 2 * HTTP_CLIENT_HEADERS_MAX +            \
	 HTTP_HOST_MAX + 16 + PROXY_AUTH_MAX + BODY_HEADERS * (BODY_FIELD_MAX + 2))

/* What an engine step returns besides an exit status (> 0). */
enum {
	GO_ON = HTTP_CB_GO_ON, /* go on reading */
	STOP = HTTP_CB_STOP,   /* this response is done with (complete, redirect, unwanted) */
	RETRY = -2, /* a reused connection had closed before any byte of the response */
};

/* One connection: idle in the pool (fd >= 0), carrying the exchange, or a free slot. */
struct conn {
	int fd;                       /* -1: a free slot */
	struct transport tr;          /* fd read and written: plain, or TLS for https */
	char host[HTTP_HOST_MAX + 1]; /* the key: scheme, host and port of its URLs */
	uint16_t port;
	bool tls;
	bool forward;         /* an HTTP forward proxy's: it is asked for absolute URLs */
	int armed_ms;         /* the socket's SO_RCVTIMEO and SO_SNDTIMEO now (0: none) */
	unsigned long used;   /* when it last carried a request: the oldest idle goes first */
	struct tls_info info; /* its TLS session's, for --write-out */
};

/* A user URL's origin (a hash of scheme, host and port) and its place in the list. */
struct origin {
	uint64_t hash;
	int index;
};

/* One request and its response. */
struct exchange {
	struct http_resp resp;
	const char *method;    /* this round's: a redirect may turn it into GET */
	bool with_body;        /* this round sends o->body */
	bool expect;           /* ... after Expect: 100-continue */
	bool keep;             /* this request went without Connection: close */
	bool reused;           /* ... over a connection that carried an earlier one */
	bool complete;         /* the response was read to its last byte */
	bool reusable;         /* ... and the connection may carry the next request */
	bool discard;          /* the rest of the response is read and dropped */
	bool in_body;          /* the headers are done and a body follows */
	bool spliced;          /* the zero-copy path was tried for this response */
	bool redirect;         /* this response is a redirect to follow */
	bool retry;            /* this round failed in a way worth another try (--retry) */
	bool soft;             /* the next report() may be a retry's, not the user's */
	bool status_seen;      /* this response's status line came */
	bool early;            /* ... before the body was sent: the upload ends there */
	int after;             /* what the response ends with once discarded */
	int pending;           /* what the response came to while the body waited */
	int sink;              /* the command's fd for a zero-copy body, -1 for none */
	uint64_t dropped;      /* body bytes read and dropped (discard) */
	long long retry_after; /* the response's Retry-After in seconds, or -1 */
};

struct http_client {
	const struct http_client_opts *o;
	char *const *urls;
	struct origin *plan; /* the user URLs' origins, sorted: is one wanted again? */
	int nurls, index;    /* ... and the user URL being fetched */
	struct tls_ctx *tls; /* made for the first https URL (or TLS option), kept */
	struct conn pool[HTTP_CLIENT_POOL_MAX];
	struct conn *conn; /* the exchange's */
	unsigned long clock;
	const struct http_handler *h;
	struct http_stats *st;
	struct exchange x;
	struct body_send bs;        /* the request body, and how far it got */
	bool quit;                  /* the command's output is gone */
	struct http_url first;      /* the user's URL: who may see Authorization and Cookie */
	struct http_url hop[2];     /* redirect targets, each resolved against the one before */
	const struct http_url *url; /* the one asked now: first or a hop */
	struct http_url fwd;        /* a forward proxy's request: the absolute URL as target */
	char fields[BODY_HEADERS][BODY_FIELD_MAX];
	char req[REQ_MAX];
	char readbuf[READ_SIZE];
};

/* ---- errors --------------------------------------------------------------------------- */

/* --retry (sockit(1), http-post): another try is left, the deadline is not past, and the
 * body can be sent again (a pipe's bytes, once taken, cannot). */
static bool can_retry(const struct http_client *c)
{
	return c->st->tries < c->o->retries && !deadline_expired(&c->o->common->max_time) &&
	       (!c->x.with_body || body_again(c->o->body, &c->bs));
}

/* An error for the command to show, kept for %{errormsg}; returns code. After x.soft, an
 * error a retry will follow is kept for -v, not shown. */
static int report(struct http_client *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report(struct http_client *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->st->errmsg, sizeof c->st->errmsg, fmt, ap);
	va_end(ap);
	if (c->x.soft && can_retry(c)) { /* said with -v when the retry is made */
		c->x.soft = false;
		c->x.retry = true;
		return code;
	}
	c->x.soft = false;
	c->h->fail(c->h->ctx, c->st->errmsg);
	return code;
}

/* A callback's answer: HTTP_CB_QUIT ends this response and every URL after it. */
static int answer(struct http_client *c, int rc)
{
	if (rc != HTTP_CB_QUIT)
		return rc;
	c->quit = true;
	return STOP;
}

static int read_failed(struct http_client *c, ssize_t code, const char *err)
{
	int ms = c->o->common->timeout_ms;
	char msg[64];

	if (code == NET_ETIMEOUT && deadline_expired(&c->o->common->max_time))
		return report(c, EXIT_TIMEOUT, "%s",
		              deadline_describe(&c->o->common->max_time, msg, sizeof msg));
	if (code == NET_ETIMEOUT)
		return report(c, EXIT_TIMEOUT, "timed out: no data for %d.%03d s", ms / 1000,
		              ms % 1000);
	if (code == TRANSPORT_ETRUNC || code == TRANSPORT_EFAIL) /* TLS's: exit 6, 8 */
		return report(c, (int)-code, "%s", err);
	return report(c, EXIT_NET, "%s", err);
}

/*
 * Before each read or write: the socket's own timer (SO_RCVTIMEO, SO_SNDTIMEO) is -w cut
 * to what --max-time leaves, set again only when that changes: without --max-time, once.
 */
static int arm(struct http_client *c)
{
	const struct deadline *max = &c->o->common->max_time;
	int ms = deadline_cap(max, c->o->common->timeout_ms);
	char err[NET_ERR_LEN];

	if (deadline_expired(max))
		return read_failed(c, NET_ETIMEOUT, "");
	if (ms == c->conn->armed_ms)
		return GO_ON;
	if (net_set_io_timeout(err, c->conn->fd, ms) < 0)
		return report(c, EXIT_NET, "%s", err);
	c->conn->armed_ms = ms;
	return GO_ON;
}

/* ---- one response --------------------------------------------------------------------- */

/* The statuses worth another try: the server says it could not answer now. */
static bool retry_status(int s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static bool is_redirect(const struct http_client *c)
{
	int s = c->x.resp.status;

	return c->o->follow && c->x.resp.has_location &&
	       (s == 301 || s == 302 || s == 303 || s == 307 || s == 308);
}

static int on_status(struct http_client *c, const struct http_event *ev)
{
	struct http_stats *st = c->st;

	c->h->wire(c->h->ctx, '<', ev->line, ev->len);
	if (c->conn->forward && ev->status == 407)
		return report(c, EXIT_NET, "proxy authentication failed");
	c->x.status_seen = true;
	st->status = ev->status;
	diag_escape(st->reason, sizeof st->reason, ev->line + 9, ev->len - 9);
	if (retry_status(ev->status) && can_retry(c)) { /* not shown: another try follows */
		c->x.retry = true;
		snprintf(st->errmsg, sizeof st->errmsg, "%s", st->reason);
		return GO_ON;
	}
	return answer(c, c->h->status(c->h->ctx, ev));
}

/* Retry-After (RFC 9110 §10.2.3): seconds, or an HTTP-date; anything else (or over a
 * day) is left to the usual pause. */
static void retry_after(struct http_client *c, const struct http_event *ev)
{
	long long n;

	if (http_retry_after(ev->value, ev->valuelen, (int64_t)time(NULL), 24 * 3600, &n) == 0)
		c->x.retry_after = n;
}

static int on_header(struct http_client *c, const struct http_event *ev)
{
	c->h->wire(c->h->ctx, '<', ev->line, ev->len);
	if (!c->x.retry)
		return answer(c, c->h->header(c->h->ctx, ev));
	if (ev->namelen == 11 && strncasecmp(ev->name, "retry-after", 11) == 0)
		retry_after(c, ev);
	return GO_ON;
}

/*
 * The rest of this response is not wanted (a redirect, --status, --fail). When the connection
 * is to carry the next request, the rest is read and dropped, so the next response starts
 * where it should; otherwise it is left unread and the connection goes. Returns what the
 * response ends with: rc, now or once the rest is read.
 */
static int skip_rest(struct http_client *c, int rc)
{
	if (!c->x.keep || !c->x.resp.keep_alive)
		return rc;
	c->x.discard = true;
	c->x.after = rc;
	return GO_ON;
}

/* The headers are in: follow, or let the command say whether it wants the body. */
static int on_headers_done(struct http_client *c)
{
	struct exchange *x = &c->x;
	bool redirect = is_redirect(c);
	int rc;

	c->h->wire(c->h->ctx, '<', "", 0);
	if (x->retry)
		return skip_rest(c, STOP);
	x->sink = -1;
	rc = c->h->headers_done(c->h->ctx, &x->resp, redirect, &x->sink);
	if (rc == HTTP_CB_QUIT)
		return answer(c, rc);
	if (rc == GO_ON && redirect)
		x->redirect = true;
	if (rc != GO_ON || redirect)
		return skip_rest(c, rc == GO_ON ? STOP : rc);
	x->in_body = x->resp.body != HTTP_BODY_NONE;
	return GO_ON;
}

static int on_body(struct http_client *c, const struct http_event *ev)
{
	if (c->x.discard) {
		/* a large unwanted body costs a new connection rather than its bytes */
		c->x.dropped += ev->len;
		return c->x.dropped > DISCARD_MAX ? c->x.after : GO_ON;
	}
	c->st->body += ev->len;
	return answer(c, c->h->body(c->h->ctx, ev->line, ev->len));
}

static int on_event(struct http_client *c, const struct http_event *ev)
{
	switch (ev->type) {
	case HTTP_EV_STATUS:
		return on_status(c, ev);
	case HTTP_EV_HEADER:
		return on_header(c, ev);
	case HTTP_EV_HEADERS_DONE:
		return on_headers_done(c);
	case HTTP_EV_BODY:
		return on_body(c, ev);
	case HTTP_EV_DONE:
		c->x.complete = true;
		return c->x.discard ? c->x.after : STOP;
	case HTTP_EV_ERROR:
		return report(c, EXIT_PROTO, "%s", ev->msg);
	case HTTP_EV_NEED_MORE:
		break;
	}
	return GO_ON;
}

/* Hands the parser bytes read, and acts on what it finds in them. */
static int feed(struct http_client *c, const char *buf, size_t n)
{
	struct http_event ev;
	int rc = GO_ON;

	http_resp_feed(&c->x.resp, buf, n);
	while (rc == GO_ON && http_resp_next(&c->x.resp, &ev) != HTTP_EV_NEED_MORE)
		rc = on_event(c, &ev);
	return rc;
}

/* The end of the stream: a read-to-close body is complete, anything else is cut short. */
static int feed_eof(struct http_client *c)
{
	struct http_event ev;

	http_resp_eof(&c->x.resp, &ev);
	return on_event(c, &ev);
}

/*
 * The zero-copy path. The rest of a Content-Length or read-to-close body needs no parsing,
 * only counting: it goes from the socket to the command's fd through the mover (splice.h),
 * never through user memory where the kernel allows it. The parser has seen the headers
 * and the body bytes that came with them.
 */
static int move_body(struct http_client *c, struct splice_mover *m)
{
	bool counted = c->x.resp.body == HTTP_BODY_LENGTH;
	uint64_t left = counted ? (uint64_t)c->x.resp.length - c->st->body : UINT64_MAX;
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc;

	while (left > 0) {
		if ((rc = arm(c)) != GO_ON)
			return rc;
		n = net_splice_in(err, m, c->conn->fd, c->x.sink,
		                  left < SPLICE_PIPE_SIZE ? (size_t)left : SPLICE_PIPE_SIZE);
		if (n == NET_EIO)
			return answer(c, c->h->sink_failed(c->h->ctx, errno));
		if (n < 0)
			return read_failed(c, n, err);
		if (n == 0 && counted) /* as the parser says it */
			return report(c, EXIT_PROTO, "%llu bytes missing",
			              (unsigned long long)left);
		if (n == 0)
			return STOP;
		diag_verbose(2, "moved %zd bytes", n);
		left -= counted ? (uint64_t)n : 0;
		c->st->body += (uint64_t)n;
		if ((rc = answer(c, c->h->body(c->h->ctx, NULL, (size_t)n))) != GO_ON)
			return rc;
	}
	c->x.complete = true; /* counted to its last byte: the connection is at a boundary */
	return STOP;
}

/* Returns STOP when the body is complete, GO_ON to go on with the parser, or an exit
 * status. */
static int splice_body(struct http_client *c)
{
	struct splice_mover m;
	int rc;

	c->x.spliced = true;
	if ((rc = answer(c, c->h->body(c->h->ctx, "", 0))) != GO_ON ||
	    splice_open(&m, c->conn->fd, c->x.sink, false) < 0)
		return rc; /* out of memory: the parser reads on */
	rc = move_body(c, &m);
	splice_close(&m);
	return rc;
}

/* The rest of the body may skip the parser: no chunks to decode, and nothing to show. */
static bool can_splice(const struct http_client *c)
{
	const struct exchange *x = &c->x;

	return x->in_body && !x->spliced && !x->discard && x->sink >= 0 &&
	       c->conn->tr.zero_copy_in &&
	       (x->resp.body == HTTP_BODY_LENGTH || x->resp.body == HTTP_BODY_CLOSE);
}

/*
 * After a complete response on a connection kept for a later request: bytes already there
 * answer no request (pipelining is never used), so the connection cannot be trusted; one
 * the server has closed is simply not reused. drained: the last read was short of the
 * buffer, so the socket held nothing more then, which is what a peek would tell a moment
 * later (a FIN after it is found by the next request, which is then sent again).
 */
static int check_idle(struct http_client *c, int rc, bool drained)
{
	struct conn *k = c->conn;
	int state = c->x.resp.surplus > 0 || transport_pending(&k->tr) ? 1
	            : drained                                          ? 0
	                                                               : net_peek_idle(k->fd);

	if (state == 0)
		return rc;
	c->x.reusable = false;
	/* TLS: raw bytes may be a record of TLS's own (a session ticket): not reused,
	 * no more */
	if (state < 0 || rc != STOP ||
	    (k->tr.tls && c->x.resp.surplus == 0 && !transport_pending(&k->tr)))
		return rc;
	return report(c, EXIT_PROTO, "bytes after the end of the response");
}

/* A new response is awaited: the parser and what is known of the response start afresh. */
static void begin_response(struct http_client *c)
{
	struct exchange *x = &c->x;

	http_resp_init(&x->resp, c->o->head);
	x->in_body = x->spliced = x->complete = x->reusable = x->discard = false;
	x->status_seen = x->early = false;
	x->dropped = 0;
	x->sink = -1;
	x->pending = GO_ON;
	c->st->body = 0;
}

/* Reads from the connection (its io timeout armed): the count, 0 at its end, NET_ETIMEOUT,
 * or a failure (NET_ENET, TRANSPORT_ETRUNC, TRANSPORT_EFAIL) in err. */
static ssize_t conn_read(struct http_client *c, char *err)
{
	ssize_t n = transport_read(&c->conn->tr, c->readbuf, sizeof c->readbuf);

	if (n == TRANSPORT_WANT_READ || n == TRANSPORT_WANT_WRITE) /* SO_RCVTIMEO ran out */
		return NET_ETIMEOUT;
	if (n < 0)
		snprintf(err, NET_ERR_LEN, "%s", c->conn->tr.err);
	return n;
}

/* Reads until the response is complete (or fails), feeding the parser as bytes come. */
static int read_response(struct http_client *c)
{
	struct exchange *x = &c->x;
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc = x->pending;  /* the response may have begun while the body waited */
	bool drained = false; /* the last read was short of the buffer (check_idle) */

	while (rc == GO_ON) {
		drained = false;
		if (can_splice(c) && (rc = splice_body(c)) != GO_ON)
			break;
		if ((rc = arm(c)) != GO_ON)
			break;
		n = conn_read(c, err);
		drained = n > 0 && (size_t)n < sizeof c->readbuf && !c->conn->tr.tls;
		/* a kept connection the server closed before this request reached it */
		if (x->reused && !x->resp.got_bytes && (n == 0 || n == NET_ENET)) {
			rc = RETRY;
			break;
		}
		x->soft =
		    !x->resp.got_bytes && n <= 0; /* --retry: nothing of a response came */
		if (n > 0 && c->st->t_first == 0)
			c->st->t_first = clock_us();
		if (n > 0)
			diag_verbose(2, "read %zd bytes", n);
		if (n < 0)
			rc = read_failed(c, n, err);
		else if (n == 0)
			rc = feed_eof(c);
		else
			rc = feed(c, c->readbuf, (size_t)n);
	}
	http_resp_free(&x->resp);
	x->soft = false;
	x->reusable = x->complete && x->keep && x->resp.keep_alive;
	if (x->reusable)
		rc = check_idle(c, rc, drained);
	return rc == STOP ? GO_ON : rc;
}

/* ---- the pool ------------------------------------------------------------------------- */

/* FNV-1a over the scheme, the host (ASCII case ignored) and the port. */
static uint64_t origin_hash(const struct http_url *u)
{
	uint64_t h = 14695981039346656037ULL;

	for (const char *p = u->host; *p; p++)
		h = (h ^ (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p)) *
		    1099511628211ULL;
	h = (h ^ u->port) * 1099511628211ULL;
	return (h ^ u->tls) * 1099511628211ULL;
}

static int origin_cmp(const void *a, const void *b)
{
	const struct origin *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * True if a user URL after the current one goes to u's origin: only then is u's connection
 * kept (a hash that collides keeps one too many, which costs nothing but a descriptor).
 */
static bool wanted_later(const struct http_client *c, const struct http_url *u)
{
	struct origin key = {origin_hash(u), c->index + 1};
	size_t lo = 0, hi = (size_t)c->nurls;

	while (lo < hi) { /* the first entry not below key */
		size_t mid = lo + (hi - lo) / 2;
		if (origin_cmp(&c->plan[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (size_t)c->nurls && c->plan[lo].hash == key.hash;
}

/* Closes k, if open; its slot is free again. */
static void drop(struct conn *k)
{
	transport_free(&k->tr);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/* The kept connection to u's scheme, host and port, or NULL. */
static struct conn *pool_find(struct http_client *c, const struct http_url *u)
{
	for (int i = 0; i < HTTP_CLIENT_POOL_MAX; i++) {
		struct conn *k = &c->pool[i];
		if (k->fd >= 0 && k->tls == u->tls && k->port == u->port &&
		    strcasecmp(k->host, u->host) == 0)
			return k;
	}
	return NULL;
}

/* A free slot; when there is none, the connection used longest ago is closed for it. */
static struct conn *pool_slot(struct http_client *c)
{
	struct conn *old = &c->pool[0];

	for (int i = 0; i < HTTP_CLIENT_POOL_MAX; i++) {
		if (c->pool[i].fd < 0)
			return &c->pool[i];
		if (c->pool[i].used < old->used)
			old = &c->pool[i];
	}
	diag_verbose(1, "closing the connection to %s port %u: %d are kept at most", old->host,
	             (unsigned)old->port, HTTP_CLIENT_POOL_MAX);
	drop(old);
	return old;
}

/* ---- one request ---------------------------------------------------------------------- */

/* The proxy for this round's host, or NULL to go straight there. */
static const struct proxy *via_proxy(const struct http_client *c)
{
	const struct proxy *px = c->o->proxy;

	return !c->o->unix_socket && px->kind != PROXY_NONE &&
	               !proxy_no_proxy(c->o->noproxy, c->url->host)
	           ? px
	           : NULL;
}

/* Connects k to the URL's host (through the proxy: sockit(1), Proxies); returns GO_ON or
 * the exit status. */
static int open_connection(struct http_client *c, struct conn *k)
{
	const struct cmd_common *o = c->o->common;
	const struct proxy *px = via_proxy(c);
	char err[NET_ERR_LEN], port[8], who[NET_ADDR_LEN];
	int ms = deadline_cap(&o->max_time, o->timeout_ms);
	struct net_peer p = {
	    .host = c->url->host,
	    .port = port,
	    .family = o->family,
	    .socktype = SOCK_STREAM,
	    .timeout_ms = ms,
	};
	int fd, rc;

	snprintf(port, sizeof port, "%u", (unsigned)c->url->port);
	/* https goes through an HTTP proxy as a CONNECT tunnel, never as a forward request */
	k->forward = px && px->kind == PROXY_HTTP && !c->url->tls;
	fd = c->o->unix_socket ? net_connect_unix(err, c->o->unix_socket, SOCK_STREAM)
	     : !px             ? net_connect(err, &p)
	     : k->forward      ? proxy_open(err, px, &p)
	                       : proxy_connect(err, px, &p);
	if (fd == NET_ETIMEOUT && deadline_expired(&o->max_time))
		return read_failed(c, fd, err);
	c->x.soft = fd == NET_ENET || fd == NET_ETIMEOUT; /* --retry: refused, timed out */
	if (fd < 0)
		return report(c, -fd, "%s", err);
	k->fd = fd;
	k->armed_ms = 0; /* a new socket has no timer */
	transport_plain(&k->tr, fd);
	memset(&k->info, 0, sizeof k->info);
	if ((rc = arm(c)) != GO_ON) {
		drop(k);
		return rc;
	}
	if (diag_level() >= 1)
		diag_verbose(1, "connected to %s%s", net_format_peer(fd, who, sizeof who),
		             px ? " (the proxy)" : "");
	if (c->url->tls &&
	    (rc = cmd_tls_start(&k->tr, &c->tls, o, fd, c->url->host, ms, &k->info)) != 0) {
		/* cmd_tls_start said why: its words are the URL's error for --write-out */
		snprintf(c->st->errmsg, sizeof c->st->errmsg, "%s", k->tr.err);
		c->st->tls = k->info;
		drop(k);
		return rc;
	}
	return GO_ON;
}

/* The kept connection to this URL's scheme, host and port, else a new one in the pool. */
static int get_connection(struct http_client *c)
{
	struct conn *k = pool_find(c, c->url);
	int rc;

	c->x.reused = k != NULL;
	if (k) {
		diag_verbose(1, "reusing the connection to %s port %u", k->host,
		             (unsigned)k->port);
	} else {
		c->conn = k = pool_slot(c);
		if ((rc = open_connection(c, k)) != GO_ON)
			return rc;
		memcpy(k->host, c->url->host, sizeof k->host);
		k->port = c->url->port;
		k->tls = c->url->tls;
	}
	c->conn = k;
	k->used = ++c->clock;
	c->st->tls = k->info;
	c->st->t_connect = clock_us();
	return GO_ON;
}

/*
 * The user's headers. Authorization and Cookie go only to the host and port typed, and so
 * does a Host of the user's: another server gets its own name (as curl does).
 */
static size_t pick_headers(const struct http_client *c, const char **extra)
{
	bool same = http_url_same_origin(c->url, &c->first);
	size_t i, n = 0;

	for (i = 0; i < c->o->nheaders; i++) {
		const char *h = c->o->headers[i];

		if (same || (!http_header_is_sensitive(h) && strncasecmp(h, "host:", 5) != 0))
			extra[n++] = h;
	}
	return n;
}

/* The request's lines for -v; a Proxy-Authorization shows its scheme only (the proxy's
 * password is never printed: sockit(1), Proxies). */
static void verbose_request(const struct http_client *c, const char *req, size_t len)
{
	static const char secret[] = "Proxy-Authorization:";
	const size_t m = sizeof secret - 1;
	const char *end = req + len, *eol;
	char shown[64];

	if (diag_level() < 1)
		return;
	while (req < end && (eol = memchr(req, '\r', (size_t)(end - req))) != NULL) {
		size_t n = (size_t)(eol - req);

		if (n >= m && strncasecmp(req, secret, m) == 0) {
			size_t v = m, w;
			while (v < n && (req[v] == ' ' || req[v] == '\t'))
				v++;
			for (w = v; w < n && w - v < 16 && req[w] != ' '; w++)
				;
			n = (size_t)snprintf(shown, sizeof shown, "%s %.*s ***", secret,
			                     (int)(w - v), req + v);
			c->h->wire(c->h->ctx, '>', shown, n);
		} else {
			c->h->wire(c->h->ctx, '>', req, n);
		}
		req = eol + 2;
	}
}

/* A forward proxy is asked for the absolute URL (RFC 9112 §3.2.2), with the proxy's
 * credentials: c->fwd is the URL to write. Returns GO_ON or an exit status. */
static int forward_request(struct http_client *c, const char **extra, size_t *n, char *auth)
{
	const struct http_url *u = c->url;

	if (http_url_format(c->fwd.target, sizeof c->fwd.target, u) == 0)
		return report(c, EXIT_USAGE, "URL too long to ask a proxy for");
	memcpy(c->fwd.host, u->host, sizeof c->fwd.host);
	memcpy(c->fwd.authority, u->authority, sizeof c->fwd.authority);
	c->fwd.port = u->port;
	c->fwd.ipv6 = u->ipv6;
	c->fwd.tls = u->tls;
	if (proxy_auth_header(auth, PROXY_AUTH_MAX, c->o->proxy) > 0)
		extra[(*n)++] = auth;
	return GO_ON;
}

/* The response began before the body was sent (or the connection ended): the upload stops
 * there, rc is what the response came to so far, and the connection carries nothing more. */
static int answered_early(struct http_client *c, int rc)
{
	diag_verbose(1, "the server answered before the body: it is not sent");
	c->x.early = true;
	c->x.keep = false;
	c->x.pending = rc;
	return GO_ON;
}

/* The next bytes of the connection within the time left until `until` (µs): the count, 0
 * at its end, a failure (err filled), or TRANSPORT_WANT_READ when nothing came in time.
 * The socket is non-blocking meanwhile: a TLS record that is no data (a session ticket)
 * is taken without a wait for the next one. */
static ssize_t read_until(struct http_client *c, long long until, char *err)
{
	struct transport *t = &c->conn->tr;
	ssize_t n = TRANSPORT_WANT_READ;
	int ms, fd = c->conn->fd;

	if (net_set_nonblock(err, fd, true) < 0)
		return NET_ENET;
	while (n == TRANSPORT_WANT_READ || n == TRANSPORT_WANT_WRITE) {
		ms = (int)((until - clock_us()) / 1000);
		if (ms <= 0)
			break;
		/* WANT_WRITE: the socket has room (only the head went out), so at once */
		if (n == TRANSPORT_WANT_WRITE || transport_pending(t) > 0 ||
		    net_wait_readable(fd, ms))
			n = transport_read(t, c->readbuf, sizeof c->readbuf);
		else
			n = TRANSPORT_WANT_READ;
	}
	if (n < 0 && n != TRANSPORT_WANT_READ && n != TRANSPORT_WANT_WRITE)
		snprintf(err, NET_ERR_LEN, "%s", t->err);
	if (net_set_nonblock(err, fd, false) < 0)
		return NET_ENET;
	return n == TRANSPORT_WANT_WRITE ? TRANSPORT_WANT_READ : n;
}

/*
 * Expect: 100-continue (RFC 9110 §10.1.1): at most 1 s for the server's word before the
 * body. 100 Continue: the body goes; a final status (401, 413...) ends the upload before
 * it began, that response being the answer; silence: the body goes anyway.
 */
static int await_continue(struct http_client *c)
{
	struct exchange *x = &c->x;
	long long until = clock_us() + EXPECT_WAIT_MS * 1000LL;
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc = GO_ON;

	while (!x->status_seen && http_resp_interim(&x->resp) == 0) {
		if ((n = read_until(c, until, err)) == TRANSPORT_WANT_READ) {
			diag_verbose(1, "no 100 Continue within 1 s: sending the body anyway");
			return GO_ON;
		}
		if (n <= 0 && x->reused && !x->resp.got_bytes)
			return RETRY; /* a kept connection the server had closed */
		x->soft = n < 0;      /* --retry: reset before any response byte */
		if (n <= 0)           /* the end: the response reader says what it means */
			return answered_early(c, n < 0 ? read_failed(c, n, err) : GO_ON);
		if (c->st->t_first == 0)
			c->st->t_first = clock_us();
		rc = feed(c, c->readbuf, (size_t)n);
		if (rc != GO_ON && http_resp_interim(&x->resp) == 0)
			return answered_early(c, rc);
	}
	if (http_resp_interim(&x->resp) == 0) /* a final status, and no 100 before it */
		return answered_early(c, rc);
	/* 100 came first: the server asked for the body, whatever answer followed it */
	x->pending = rc;
	diag_verbose(1, "100 Continue: sending the body");
	return GO_ON;
}

/* Sending the body failed (code, err). A server that answered and closed (413 at once) is
 * heard; a kept connection that the server had closed is replaced when the body can go
 * again; otherwise it is a network error, which --retry may try again. */
static int body_cut(struct http_client *c, ssize_t code, const char *err)
{
	if (code == NET_ETIMEOUT)
		return read_failed(c, code, err);
	if (c->x.reused && c->bs.sent == 0 && body_again(c->o->body, &c->bs))
		return RETRY;
	/* bytes of a response wait: the answer is there */
	if (transport_pending(&c->conn->tr) > 0 || net_peek_idle(c->conn->fd) == 1)
		return answered_early(c, GO_ON);
	c->x.soft = true;
	return report(c, EXIT_NET, "%s", err);
}

/* The body after the head, in steps of at most 1 MiB (sockit(1), http-post): -w and
 * --max-time bound each one. */
static int send_body(struct http_client *c)
{
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc;

	body_send_start(&c->bs, c->o->body);
	net_keep_unsent_small(c->conn->fd);
	if (c->x.expect && ((rc = await_continue(c)) != GO_ON || c->x.early))
		return rc;
	while ((rc = arm(c)) == GO_ON) {
		n = body_send_step(err, &c->bs, &c->conn->tr);
		if (n == BODY_DONE)
			break;
		if (n == NET_EIO)
			return report(c, EXIT_IO, "%s", err);
		if (n < 0)
			return body_cut(c, n, err);
		diag_verbose(2, "sent %zd bytes of the body", n);
	}
	return rc;
}

/* True if the user gave a header of this name (lower case, with its colon: "expect:"). */
static bool user_header(const struct http_client_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nheaders; i++)
		if (strncasecmp(o->headers[i], name, strlen(name)) == 0)
			return true;
	return false;
}

/* The fields the body brings (sockit(1), http-post): its length or chunked framing, its
 * type and what it asks back, unless the user gave them; Expect: 100-continue for a large
 * or unknown one. Into c->fields, pointed to from extra; returns how many. */
static size_t body_fields(struct http_client *c, const char **extra)
{
	const struct body *b = c->o->body;
	int64_t len = body_length(b);
	size_t n = 0;

	c->x.expect = false;
	if (!c->x.with_body)
		return 0;
	if (len >= 0)
		snprintf(c->fields[n++], BODY_FIELD_MAX, "Content-Length: %lld",
		         (long long)len);
	else
		snprintf(c->fields[n++], BODY_FIELD_MAX, "Transfer-Encoding: chunked");
	if (b->type && !user_header(c->o, "content-type:"))
		snprintf(c->fields[n++], BODY_FIELD_MAX, "Content-Type: %s", b->type);
	if (b->json && !user_header(c->o, "accept:"))
		snprintf(c->fields[n++], BODY_FIELD_MAX, "Accept: application/json");
	c->x.expect = (len < 0 || len >= EXPECT_MIN) && !user_header(c->o, "expect:");
	if (c->x.expect)
		snprintf(c->fields[n++], BODY_FIELD_MAX, "Expect: 100-continue");
	for (size_t i = 0; i < n; i++)
		extra[i] = c->fields[i];
	return n;
}

/* The request's head in one write, then its body if it has one. It keeps the connection
 * open only when a later user URL goes to the same scheme, host and port. */
static int send_request(struct http_client *c)
{
	const char *extra[HTTP_CLIENT_HEADERS_MAX + BODY_HEADERS + 1];
	const struct http_url *u = c->url;
	char err[NET_ERR_LEN], auth[PROXY_AUTH_MAX];
	size_t n = pick_headers(c, extra), len;
	int rc;

	if (c->conn->forward) {
		if ((rc = forward_request(c, extra, &n, auth)) != GO_ON)
			return rc;
		u = &c->fwd;
	}
	n += body_fields(c, extra + n);
	c->x.keep = wanted_later(c, c->url);
	len = c->x.keep ? http_request_build_keep(c->req, sizeof c->req, c->x.method, u,
	                                          c->o->user_agent, extra, n)
	                : http_request_build(c->req, sizeof c->req, c->x.method, u,
	                                     c->o->user_agent, extra, n);
	if (len == 0) /* the options were checked: the buffer always suffices */
		return report(c, EXIT_USAGE, "cannot build the request");
	verbose_request(c, c->req, len);
	if ((rc = transport_write_all(&c->conn->tr, c->req, len)) == 0)
		return c->x.with_body ? send_body(c) : GO_ON;
	snprintf(err, sizeof err, "%s", c->conn->tr.err);
	if (c->x.reused && rc == NET_ENET)
		return RETRY;
	c->x.soft = rc == NET_ENET;
	return read_failed(c, rc, err);
}

/* A connection, the request, the response. */
static int exchange(struct http_client *c)
{
	int rc;

	c->st->t_connect = c->st->t_first = 0;
	c->x.complete = c->x.reusable = false;
	if ((rc = get_connection(c)) != GO_ON)
		return rc;
	begin_response(c);
	if ((rc = send_request(c)) == GO_ON)
		return read_response(c);
	http_resp_free(&c->x.resp);
	return rc;
}

/* One request and its response; x.redirect says whether to go on. A kept connection that
 * the server had closed (nothing of the response came) is replaced once by a new one. */
static int fetch_once(struct http_client *c)
{
	int rc = exchange(c);

	if (rc == RETRY && c->x.with_body && !body_again(c->o->body, &c->bs))
		rc = report(c, EXIT_NET,
		            "the kept connection closed before the response, and "
		            "the body cannot be sent again (it came from stdin)");
	if (rc == RETRY) {
		diag_verbose(1, "the kept connection was closed: trying a new one");
		drop(c->conn);
		rc = exchange(c);
	}
	if (!c->x.reusable && c->conn)
		drop(c->conn);
	return rc;
}

/* The Location of a redirect becomes the URL of the next round, resolved into the hop
 * slot the current URL is not in. */
static int next_url(struct http_client *c)
{
	const struct http_resp *r = &c->x.resp;
	struct http_url *next = c->url == &c->hop[0] ? &c->hop[1] : &c->hop[0];
	char where[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16];
	int shown = r->location_len < 200 ? (int)r->location_len : 200;
	const char *err;

	if (c->st->hops >= c->o->max_redirs)
		return report(c, EXIT_PROTO, "too many redirects (--max-redirs %lld)",
		              c->o->max_redirs);
	if (r->location_conflict)
		return report(c, EXIT_PROTO, "conflicting Location headers");
	switch (http_url_resolve(next, c->url, r->location, r->location_len, &err)) {
	case HTTP_URL_OK:
		break;
	case HTTP_URL_SCHEME:
		return report(c, EXIT_PROTO, "redirect to '%.*s' refused: unsupported scheme",
		              shown, r->location);
	default:
		return report(c, EXIT_PROTO, "bad Location '%.*s': %s", shown, r->location,
		              err);
	}
	c->url = c->st->url = next;
	c->st->hops++;
	if (diag_level() >= 1 && http_url_format(where, sizeof where, next) > 0)
		diag_verbose(1, "redirect %d to %s", r->status, where);
	return GO_ON;
}

/* The method after a redirect (sockit(1), http-post; RFC 9110 §15.4): 303 asks for a GET
 * (HEAD stays HEAD), and 301 and 302 after POST become a GET too, as curl and browsers do;
 * both drop the body. 307 and 308 keep the method and the body, if it can be sent again. */
static int redirect_method(struct http_client *c)
{
	struct exchange *x = &c->x;
	int s = x->resp.status;
	bool to_get = (s == 303 && strcmp(x->method, "HEAD") != 0) ||
	              ((s == 301 || s == 302) && strcmp(x->method, "POST") == 0);

	if (to_get) {
		x->method = "GET";
		x->with_body = false;
	} else if (x->with_body && !body_again(c->o->body, &c->bs)) {
		return report(c, EXIT_PROTO, "cannot send the body again (it came from stdin)");
	}
	return GO_ON;
}

/* --retry: the pause before the next try, 1, 2, 4... s (at most 30) or the Retry-After
 * the server asked for, unless --max-time runs out first. */
static int pause_retry(struct http_client *c)
{
	const struct deadline *max = &c->o->common->max_time;
	struct http_stats *st = c->st;
	long long ra = c->x.retry_after;
	long long secs = ra >= 0 ? ra : 1LL << (st->tries < 5 ? st->tries : 5);
	long long left = deadline_left(max, clock_ms());
	char msg[64];
	struct timespec ts;

	if (ra < 0 && secs > RETRY_PAUSE_MAX)
		secs = RETRY_PAUSE_MAX;
	if (left >= 0 && left < secs * 1000)
		return report(c, EXIT_TIMEOUT, "%s before retry %lld (%s)",
		              deadline_describe(max, msg, sizeof msg), st->tries + 1,
		              st->errmsg);
	st->tries++;
	diag_verbose(1, "retry %lld of %lld in %lld s: %s", st->tries, c->o->retries, secs,
	             st->errmsg);
	st->errmsg[0] = '\0';
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = 0;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return GO_ON;
}

/* Rounds until the URL's answer: redirects followed, --retry's tries made. */
static int follow(struct http_client *c)
{
	int rc;

	for (;;) {
		c->x.redirect = c->x.retry = false;
		c->x.retry_after = -1;
		rc = fetch_once(c);
		if (c->x.retry && !c->quit) {
			if ((rc = pause_retry(c)) != GO_ON)
				return rc;
			continue;
		}
		if (rc != GO_ON || !c->x.redirect || c->quit)
			return rc;
		if ((rc = next_url(c)) != GO_ON || (rc = redirect_method(c)) != GO_ON)
			return rc;
	}
}

/* ---- the interface -------------------------------------------------------------------- */

struct http_client *http_client_new(const struct http_client_opts *o, char *const *urls, int n)
{
	struct http_client *c = calloc(1, sizeof *c);
	const char *err;

	if (c && n > 0 && !(c->plan = calloc((size_t)n, sizeof *c->plan))) {
		free(c);
		return NULL;
	}
	if (!c)
		return NULL;
	c->o = o;
	c->urls = urls;
	c->nurls = n;
	for (int i = 0; i < HTTP_CLIENT_POOL_MAX; i++)
		c->pool[i].fd = -1;
	for (int i = 0; i < n; i++) { /* checked by the caller: each parses */
		if (http_url_parse(&c->first, urls[i], strlen(urls[i]), &err) != HTTP_URL_OK)
			memset(&c->first, 0, sizeof c->first);
		c->plan[i] = (struct origin){origin_hash(&c->first), i};
	}
	qsort(c->plan, (size_t)n, sizeof *c->plan, origin_cmp);
	return c;
}

int http_client_tls(struct http_client *c)
{
	return cmd_tls_ctx(&c->tls, c->o->common);
}

void http_client_begin(struct http_client *c, int i, struct http_stats *st)
{
	const char *err;

	memset(st, 0, sizeof *st);
	st->t_start = clock_us();
	http_url_parse(&c->first, c->urls[i], strlen(c->urls[i]), &err); /* checked before */
	c->url = st->url = &c->first;
	c->index = i;
}

int http_client_fetch(struct http_client *c, const struct http_handler *h,
                      struct http_stats *st)
{
	int rc;

	c->h = h;
	c->st = st;
	c->quit = false;
	c->x.method = c->o->method;
	c->x.with_body = c->o->body->kind != BODY_NONE;
	c->bs.sent = 0;
	rc = follow(c);
	st->sent = c->bs.sent;
	return rc;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	for (int i = 0; i < HTTP_CLIENT_POOL_MAX; i++)
		drop(&c->pool[i]);
	tls_ctx_free(c->tls);
	free(c->plan);
	free(c);
}
