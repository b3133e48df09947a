/* forward.c: `serve --to` (sockit(1), Forwarding): pairs of connections on the event
 * loop. Each direction of a pair moves bytes through a carrier (a kernel pipe for
 * splice(2), or a buffer where splice cannot be used) taken from a small shared pool only
 * while bytes are in flight, so an idle pair holds two sockets and its small struct. */
#include "forward.h"

#include "admit.h"
#include "clock.h"
#include "diag.h"
#include "json.h"
#include "lookup.h"
#include "loop.h"
#include "parse.h"
#include "proxy.h"
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACCEPT_BURST  64
#define CARRIER_SIZE  (256 * 1024) /* asked of a pipe; a buffer carrier's size */
#define TLS_CARRIER   16384        /* a TLS pair's buffer: one record's bytes */
#define POOL_MAX      16           /* idle carriers kept for the next burst (2 fds each) */
#define MESSAGE_SIZE  4096         /* a read under this, short, emptied its socket */
#define PUMP_TURNS    16           /* moves per direction per event: fairness */
#define STOP_GRACE_MS 1000
#define WAIT_CAP_MS   250
#define UDP_BUCKETS   1024

/* ---- carriers: where a direction's bytes wait between its two sockets ---- */

struct carrier {
	int pipe[2]; /* the kernel pipe, or -1 */
	char *buf;   /* or the buffer of the copy */
	size_t off;  /* the copy: where the held bytes start */
	size_t cap;  /* bytes it may hold */
	struct carrier *next;
};

enum pair_state { /* a new pair (zeroed) is connecting */
	          PAIR_CONNECTING,
	          PAIR_RESOLVING, /* the target's name is looked up (lookup.c) */
	          PAIR_TLS_ACCEPT,
	          PAIR_HANDSHAKE,
	          PAIR_TLS_CONNECT,
	          PAIR_OPEN
};

struct dir {
	struct carrier *c; /* while bytes are held, or NULL */
	size_t held;
	unsigned long long bytes; /* delivered */
	bool eof;                 /* the source sends nothing more */
	bool shut;                /* the destination was told (shutdown) */
	bool full;                /* the destination takes no more: the source waits */
};

struct pair {
	int fd[2];       /* 0: the client, 1: the target (or -1 while none) */
	struct dir d[2]; /* d[0] client to target, d[1] target to client */
	unsigned char state;
	unsigned char target; /* index of the --to being tried */
	bool dead;
	bool reset;                    /* ...and its sockets are reset, not closed (an abort) */
	bool begun;                    /* the current target was resolved (or its path tried) */
	bool again;                    /* a TLS side holds bytes its socket will not signal */
	unsigned char xwant[2];        /* LOOP_* a TLS step on side i waits for besides */
	struct transport *tr[2];       /* side i's TLS session, or NULL: plain, spliced */
	const char *why;               /* why it ended */
	struct addrinfo *ai, *ai_at;   /* the target's addresses while connecting */
	const struct addrinfo *ai_cur; /* the one being connected to */
	struct proxy_hs *hs;           /* the proxy's handshake while it runs */
	struct lookup *lookup;         /* the target's name while it is looked up */
	long long opened, last_active, deadline;
	struct pair *prev, *next, *next_dead;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	char target_addr[NET_ADDR_LEN]; /* the target's address once connected, or "" */
};

/* A UDP flow: one upstream socket per client address. */
struct flow {
	int fd;
	long long opened, last_active;
	unsigned long long up, down;
	struct flow *hnext, *prev, *next;
	struct sockaddr_storage peer;
	socklen_t peerlen;
};

/* One forwarder per process, as the server. */
static struct {
	const struct forward_opts *o;
	struct loop *loop;
	struct admit admit;
	struct pair *all, *dead;
	int npairs;
	struct carrier *pool[2]; /* idle pipes [0], idle buffers [1] */
	int npool[2];
	int again;      /* pairs with p->again set */
	bool copy_only; /* splice(2) refused these sockets once: buffers from now on */
	long long next_sweep;
	struct flow *flows, *bucket[UDP_BUCKETS];
	int nflows;
	char dgram[NET_UDP_MAX];
} F;

static void carrier_free(struct carrier *c)
{
	if (c->pipe[0] >= 0) {
		close(c->pipe[0]);
		close(c->pipe[1]);
	}
	free(c->buf);
	free(c);
}

/* A pipe where splice(2) may be used; else (copy: a TLS pair) a buffer. NULL when out
 * of memory or fds. */
static struct carrier *carrier_get(bool copy)
{
	int kind = copy || F.copy_only;
	struct carrier *c = F.pool[kind];

	if (c) {
		F.pool[kind] = c->next;
		F.npool[kind]--;
		return c;
	}
	if (!(c = calloc(1, sizeof *c)))
		return NULL;
	c->pipe[0] = c->pipe[1] = -1;
#ifdef __linux__
	if (!kind) {
		if (pipe2(c->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
			free(c);
			return NULL;
		}
		/* fewer, larger moves; the kernel may keep its default */
		int size = fcntl(c->pipe[1], F_SETPIPE_SZ, CARRIER_SIZE);
		if (size < 0)
			size = fcntl(c->pipe[1], F_GETPIPE_SZ);
		c->cap = size > 0 ? (size_t)size : 65536;
		return c;
	}
#endif
	c->cap = copy ? TLS_CARRIER : CARRIER_SIZE;
	if (!(c->buf = malloc(c->cap))) {
		free(c);
		return NULL;
	}
	return c;
}

/* Out of descriptors: the idle pipes give theirs back. */
static void pool_drain(void)
{
	for (int k = 0; k < 2; k++) {
		while (F.pool[k]) {
			struct carrier *c = F.pool[k];
			F.pool[k] = c->next;
			carrier_free(c);
		}
		F.npool[k] = 0;
	}
}

/* An empty carrier goes back to the pool (or away: the pool stays small). */
static void carrier_put(struct carrier *c)
{
	int kind = c->pipe[0] < 0;

	if (F.npool[kind] >= POOL_MAX || (F.copy_only && !kind)) {
		carrier_free(c);
		return;
	}
	c->off = 0;
	c->next = F.pool[kind];
	F.pool[kind] = c;
	F.npool[kind]++;
}

/* A transport call's outcome as a system call's: WANT_* is EAGAIN (what the other
 * direction waits for is added to *xwant), a failure -1 with errno (EPROTO for TLS's). */
static ssize_t as_syscall(ssize_t n, unsigned char *xwant, short own)
{
	if (n >= 0)
		return n;
	if (transport_events(n)) {
		if (transport_events(n) != own)
			*xwant |= n == TRANSPORT_WANT_READ ? LOOP_READ : LOOP_WRITE;
		errno = EAGAIN;
	} else if (n != TRANSPORT_ENET)
		errno = EPROTO;
	return -1;
}

/* Takes at most the carrier's room from src (through its TLS session t, if any).
 * Returns the count, 0 at its end, or -1 with errno set (EAGAIN: nothing now, or no
 * room). */
static ssize_t carrier_fill(struct carrier *c, size_t held, int src, struct transport *t,
                            unsigned char *xwant)
{
	ssize_t n;

	if (c->pipe[0] >= 0) {
#ifdef __linux__
		do
			n = splice(src, NULL, c->pipe[1], NULL, c->cap - held,
			           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		while (n < 0 && errno == EINTR);
		return n;
#endif
	}
	if (c->off > 0) { /* slide the held bytes down to make room (a read of 0 is EOF) */
		memmove(c->buf, c->buf + c->off, held);
		c->off = 0;
	}
	if (t)
		return as_syscall(
		    transport_read(t, c->buf + c->off + held, c->cap - c->off - held), xwant,
		    POLLIN);
	do
		n = recv(src, c->buf + c->off + held, c->cap - c->off - held, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Gives at most held bytes to dst (through t, if any). Returns the count, or -1 with
 * errno set. */
static ssize_t carrier_drain(struct carrier *c, size_t held, int dst, struct transport *t,
                             unsigned char *xwant)
{
	ssize_t n;

	if (c->pipe[0] >= 0) {
#ifdef __linux__
		do
			n = splice(c->pipe[0], NULL, dst, NULL, held,
			           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		while (n < 0 && errno == EINTR);
		return n;
#endif
	}
	if (t)
		n = as_syscall(transport_write(t, c->buf + c->off, held), xwant, POLLOUT);
	else
		do
			n = send(dst, c->buf + c->off, held, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
	if (n > 0)
		c->off += (size_t)n;
	return n;
}

/* ---- pairs ---- */

static const char *const side_name[] = {"client", "target"};

static void schedule_close(struct pair *p, const char *why)
{
	if (p->dead)
		return;
	p->dead = true;
	p->why = why;
	/* reap() closes them at the end of this round */
	for (int i = 0; i < 2; i++)
		if (p->fd[i] >= 0)
			loop_forget(F.loop, p->fd[i]);
	p->next_dead = F.dead;
	F.dead = p;
}

/* Side s failed (reset, or an error reading or writing it): the other side is reset. */
static void side_failed(struct pair *p, int s, int err)
{
	int other = !s;

	if (p->fd[other] >= 0) {
		loop_forget(F.loop, p->fd[other]);
		net_close_reset(p->fd[other]);
		p->fd[other] = -1;
	}
	schedule_close(
	    p, err == ECONNRESET || err == EPIPE
	           ? (s == 0 ? "reset by the client" : "reset by the target")
	           : (s == 0 ? "error on the client side" : "error on the target side"));
	diag_verbose(2, "%s side: %s", side_name[s], strerror(err));
}

/* The forwarder cannot carry p on (out of memory or descriptors, a loop failure): both
 * sides are reset, so that neither peer takes the cut stream for its end. */
static void abort_pair(struct pair *p, const char *why)
{
	p->reset = true;
	schedule_close(p, why);
}

/* Moves direction d (src fd[d] to dst fd[!d]) as far as both sockets allow now: the
 * held bytes first, then more from the source while the carrier has room. */
static void pump(struct pair *p, int d)
{
	struct dir *x = &p->d[d];
	int src = p->fd[d], dst = p->fd[!d];
	struct transport *ts = p->tr[d], *td = p->tr[!d];
	bool copy = p->tr[0] || p->tr[1]; /* a TLS side cannot be spliced */
	bool drained = false; /* the source gave less than asked: nothing more for now */

	for (int turn = 0; turn < PUMP_TURNS && !p->dead; turn++) {
		if (x->held > 0) {
			ssize_t n = carrier_drain(x->c, x->held, dst, td, &p->xwant[!d]);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				/* dst is full: src is not read until dst's writability
				 * wakes us */
				x->full = true;
				break;
			}
			if (n < 0) {
				side_failed(p, !d, errno);
				return;
			}
			x->held -= (size_t)n;
			x->bytes += (unsigned long long)n;
			x->full = false;
			p->last_active = clock_ms();
			continue;
		}
		if (x->eof) {
			/* everything the source sent is delivered: pass its EOF on (the close
			 * that ends a pair whose other direction is over sends the FIN) */
			int rc = td              ? (int)as_syscall(transport_shutdown_write(td),
			                                           &p->xwant[!d], POLLOUT)
			         : p->d[!d].shut ? 0
			                         : net_shutdown_write(NULL, dst);
			if (rc < 0 && errno == EAGAIN) /* close_notify waits for room */
				break;
			if (rc < 0 && errno != ENOTCONN) {
				side_failed(p, !d, errno);
				return;
			}
			x->shut = true;
			break;
		}
		if (x->full || drained)
			break;
		if (!x->c && !(x->c = carrier_get(copy))) {
			abort_pair(p, "out of memory or descriptors");
			return;
		}
		size_t room = x->c->cap - x->held;
		ssize_t n = carrier_fill(x->c, x->held, src, ts, &p->xwant[d]);
		if (n == 0) {
			x->eof = true;
		} else if (n > 0) {
			/* a small read, short of the room, was a message and emptied the
			 * socket: the read that would only fail is saved, as the loop says
			 * when more comes (level-triggered). A stream's reads are large, and
			 * more follows at once: they go on (a wait in the loop after each
			 * cost 10% of the bulk rate). TLS gives a record at a time. */
			drained = !ts && (size_t)n < room && n < MESSAGE_SIZE;
			x->held += (size_t)n;
			p->last_active = clock_ms();
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break; /* nothing to read now */
		} else if (errno == EINVAL && x->c->pipe[0] >= 0 && x->held == 0) {
			/* splice(2) refused these sockets: copy through buffers from now on */
			F.copy_only = true;
			carrier_free(x->c);
			x->c = NULL;
		} else {
			side_failed(p, d, errno);
			return;
		}
	}
	if (x->held == 0 && x->c) { /* nothing in flight: the carrier goes back */
		carrier_put(x->c);
		x->c = NULL;
	}
	/* decrypted bytes the socket will not signal again: the loop comes back for them */
	if (ts && !p->dead && !x->eof && !x->full && !p->again && transport_pending(ts) > 0) {
		p->again = true;
		F.again++;
	}
}

static void on_pair_event(struct loop *l, int fd, void *data, int mask);

/* Both directions delivered and passed on their EOF: the pair has ended well. */
static bool pair_done(const struct pair *p)
{
	return p->d[0].shut && p->d[1].shut;
}

/* Side i reads while its direction is open and has room; writes while the other
 * direction holds bytes for it. */
static void update_interest(struct pair *p)
{
	if (p->dead)
		return;
	if (pair_done(p)) {
		schedule_close(p, "closed");
		return;
	}
	for (int i = 0; i < 2; i++) {
		int mask = 0;
		/* a TLS read that waits for room, or a write that waits for the peer's bytes
		 * (a renegotiation, a key update), watches that event instead of its own: the
		 * own one would wake the loop at once, again and again, to no effect */
		if (!p->d[i].eof && !p->d[i].full && !(p->xwant[i] & LOOP_WRITE))
			mask |= LOOP_READ;
		/* written while the other direction holds bytes for it, or has an EOF to pass
		 * on (one read on a pump's last turn: no other event would come for it) */
		if ((p->d[!i].held > 0 || (p->d[!i].eof && !p->d[!i].shut)) &&
		    !(p->xwant[i] & LOOP_READ))
			mask |= LOOP_WRITE;
		mask |= p->xwant[i];
		if (loop_watch(F.loop, p->fd[i], mask, on_pair_event, p) < 0)
			abort_pair(p, "error");
	}
}

static void on_pair_event(struct loop *l, int fd, void *data, int mask)
{
	struct pair *p = data;
	int s = fd == p->fd[1];

	(void)l;
	if (p->tr[0] || p->tr[1]) {
		/* a TLS step may wait for the other event: both directions try again */
		p->xwant[0] = p->xwant[1] = 0;
		pump(p, 0);
		if (!p->dead)
			pump(p, 1);
	} else {
		if (mask & LOOP_WRITE)
			pump(p, !s);
		if ((mask & LOOP_READ) && !p->dead)
			pump(p, s);
	}
	update_interest(p);
}

/* The pairs whose TLS sessions hold bytes already read from their sockets. */
static void pump_again(void)
{
	for (struct pair *p = F.all; p && F.again > 0; p = p->next) {
		if (!p->again)
			continue;
		p->again = false;
		F.again--;
		if (!p->dead)
			on_pair_event(F.loop, p->fd[0], p, 0);
	}
}

/* ---- reaching the target ---- */

static void try_next_address(struct pair *p, const char *reason);

/* The target as logged: the address connected, else the --to as given. */
static const char *target_name(const struct pair *p)
{
	if (p->target_addr[0])
		return p->target_addr;
	return F.o->to[p->target < F.o->nto ? p->target : 0].spec;
}

static const char *client_name(const struct pair *p, char *buf, size_t cap)
{
	if (p->peer.ss_family == AF_UNIX || p->peer.ss_family == AF_UNSPEC)
		return "unix";
	return net_format((const struct sockaddr *)&p->peer, p->peerlen, buf, cap);
}

/* The PROXY header goes first, in one send: a new connection's buffer has the room. */
static int send_proxy_header(struct pair *p)
{
	unsigned char hdr[128];
	struct sockaddr_storage here;
	socklen_t len = sizeof here;
	size_t n;

	memset(&here, 0, sizeof here);
	getsockname(p->fd[0], (struct sockaddr *)&here, &len);
	n = forward_proxy_header(hdr, sizeof hdr, F.o->proxy_protocol,
	                         (struct sockaddr *)&p->peer, (struct sockaddr *)&here);
	return send(p->fd[1], hdr, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

static void start_tls_connect(struct pair *p);

/* The target answers (and with --to-tls, its session is trusted): bytes may flow. */
static void pair_open(struct pair *p)
{
	/* the PROXY header goes before the TLS session, as a TLS-aware target reads it */
	if (!p->tr[1] && F.o->proxy_protocol && send_proxy_header(p) < 0) {
		try_next_address(p, strerror(errno));
		return;
	}
	if (!p->tr[1] && F.o->to_tls) {
		start_tls_connect(p);
		return;
	}
	/* the target's watch goes from connecting to reading in one change */
	p->state = PAIR_OPEN;
	p->last_active = clock_ms();
	if (!F.o->to[p->target].path && !F.o->proxy) /* the address connected to */
		net_format(p->ai_cur->ai_addr, p->ai_cur->ai_addrlen, p->target_addr,
		           sizeof p->target_addr);
	freeaddrinfo(p->ai);
	p->ai = p->ai_at = NULL;
	if (p->tr[0] || p->tr[1]) /* the client's first bytes may be decrypted already */
		on_pair_event(F.loop, p->fd[1], p, 0);
	else
		update_interest(p);
}

static void on_handshake(struct loop *l, int fd, void *data, int mask);
static void on_tls_connect(struct loop *l, int fd, void *data, int mask);

/* One step of the target's TLS handshake (--to-tls), bounded by -w as the connect is;
 * a target that fails it, or is not trusted, is a failed attempt: the next one. */
static void tls_connect_step(struct pair *p)
{
	int rc = transport_handshake(p->tr[1]);

	if (transport_events(rc)) {
		if (loop_watch(F.loop, p->fd[1],
		               rc == TRANSPORT_WANT_READ ? LOOP_READ : LOOP_WRITE,
		               on_tls_connect, p) < 0)
			try_next_address(p, strerror(errno));
		return;
	}
	if (rc < 0) {
		char why[TLS_ERR_LEN + 16];
		try_next_address(p, forward_target_words(why, sizeof why, p->tr[1]->err));
		return;
	}
	loop_watch(F.loop, p->fd[1], 0, NULL, NULL);
	pair_open(p);
}

static void on_tls_connect(struct loop *l, int fd, void *data, int mask)
{
	(void)l, (void)fd, (void)mask;
	tls_connect_step(data);
}

/* --to-tls: a client session toward the target, verified for its name (a unix:PATH
 * target as localhost, unless --tls-name says otherwise). */
static void start_tls_connect(struct pair *p)
{
	const struct forward_target *t = &F.o->to[p->target];
	char err[TLS_ERR_LEN];
	struct tls_conn *c =
	    tls_client_new(err, F.o->to_tls, p->fd[1], t->path ? "localhost" : t->host);

	p->state = PAIR_TLS_CONNECT;
	if (c && !(p->tr[1] = malloc(sizeof *p->tr[1]))) {
		tls_conn_free(c);
		c = NULL;
		snprintf(err, sizeof err, "out of memory");
	}
	if (!c) {
		try_next_address(p, err);
		return;
	}
	transport_tls(p->tr[1], p->fd[1], c);
	loop_watch(F.loop, p->fd[1], 0, NULL, NULL);
	tls_connect_step(p);
}

/* One step of the proxy's handshake, as far as the socket allows now. */
static void handshake_step(struct pair *p)
{
	struct proxy_hs *h = p->hs;
	uint8_t in[512];

	for (;;) {
		if (h->step == PROXY_SEND) {
			if (send(p->fd[1], h->out, h->outlen, MSG_NOSIGNAL) !=
			    (ssize_t)h->outlen) {
				try_next_address(p, "the proxy took no request");
				return;
			}
			proxy_hs_sent(h);
		} else if (h->step == PROXY_RECV) {
			size_t want = h->want < sizeof in ? h->want : sizeof in;
			ssize_t n = recv(p->fd[1], in, want, 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				loop_watch(F.loop, p->fd[1], LOOP_READ, on_handshake, p);
				return;
			}
			if (n <= 0)
				proxy_hs_eof(h);
			else
				proxy_hs_feed(h, in, (size_t)n);
		} else if (h->step == PROXY_DONE) {
			proxy_hs_free(h);
			free(h);
			p->hs = NULL;
			pair_open(p);
			return;
		} else {
			try_next_address(p, h->msg);
			return;
		}
	}
}

static void on_handshake(struct loop *l, int fd, void *data, int mask)
{
	(void)l, (void)fd, (void)mask;
	handshake_step(data);
}

/* Connected to the proxy: ask it for the target (named as the proxy's scheme wants). */
static void start_handshake(struct pair *p)
{
	const struct forward_target *t = &F.o->to[p->target];
	const struct proxy *px = F.o->proxy;
	struct net_peer peer = {.host = t->host, .port = t->port, .family = F.o->family};
	char err[NET_ERR_LEN], addr[NET_ADDR_LEN];
	const char *why = err;
	int port = net_port_number(err, t->port, SOCK_STREAM);
	bool here = px->kind == PROXY_SOCKS4 || px->kind == PROXY_SOCKS5;

	p->state = PAIR_HANDSHAKE;
	if (port < 0 || (here && proxy_resolve_here(err, px, &peer, addr) < 0)) {
		try_next_address(p, err);
		return;
	}
	if (!(p->hs = calloc(1, sizeof *p->hs))) {
		try_next_address(p, "out of memory");
		return;
	}
	if (proxy_hs_init(p->hs, px, here ? addr : t->host, (unsigned)port, &why) < 0) {
		free(p->hs);
		p->hs = NULL;
		try_next_address(p, why);
		return;
	}
	handshake_step(p);
}

/* Whether a connect's event may be its failure: Linux marks one with an error event
 * (EPOLLERR, POLLERR), so SO_ERROR is asked only then; elsewhere it is always asked. */
static bool connect_may_have_failed(int mask)
{
#ifdef __linux__
	return mask & LOOP_ERROR;
#else
	(void)mask;
	return true;
#endif
}

static void on_connected(struct loop *l, int fd, void *data, int mask)
{
	struct pair *p = data;
	char err[NET_ERR_LEN];
	int rc = connect_may_have_failed(mask) ? net_connect_result(err, fd) : 0;

	(void)l;
	if (rc < 0 && errno == ECONNRESET)
		side_failed(p, 1, ECONNRESET); /* it answered, then reset: not a failover */
	else if (rc < 0)
		try_next_address(p, err);
	else if (F.o->proxy && loop_watch(F.loop, fd, 0, NULL, NULL) == 0)
		start_handshake(p);
	else
		pair_open(p);
}

#define LOOKING_UP (-100) /* next_address: the name is being looked up */

/* peer's addresses if its host is a literal: it needs no lookup (nor AI_ADDRCONFIG's
 * scan of the interfaces). Returns 0, or -1 (*ai NULL) for a name. */
static int resolve_literal(char *err, const struct net_peer *peer, struct addrinfo **ai)
{
	if (net_resolve(err, peer->host, peer->port, peer->family, peer->socktype,
	                AI_NUMERICHOST, ai) == 0)
		return 0;
	*ai = NULL;
	return -1;
}

static void on_lookup(struct loop *l, int fd, void *data, int mask);

/* The next address of the current target to try: a connect started on it, LOOKING_UP, or
 * -1. */
static int next_address(struct pair *p, char *err)
{
	const struct forward_target *t = &F.o->to[p->target];
	int fd = NET_ENET;

	if (!p->begun) { /* the target is resolved again for every client */
		struct net_peer peer = {.host = F.o->proxy ? F.o->proxy->host : t->host,
		                        .port = F.o->proxy ? F.o->proxy->port : t->port,
		                        .family = F.o->family,
		                        .socktype = SOCK_STREAM};
		p->begun = true;
		if (t->path)
			return net_connect_start_unix(err, t->path);
		/* a name is looked up on a thread, unless none can be had */
		if (resolve_literal(err, &peer, &p->ai) < 0) {
			if ((p->lookup = lookup_start(&peer, p)) &&
			    loop_watch(F.loop, lookup_fd(), LOOP_READ, on_lookup, NULL) == 0)
				return LOOKING_UP;
			if (p->lookup) {
				lookup_drop(p->lookup);
				p->lookup = NULL;
			}
			if (net_resolve_peer(err, &peer, &p->ai) < 0)
				p->ai = NULL;
		}
		p->ai_at = p->ai;
	}
	while (fd < 0 && p->ai_at && errno != EMFILE && errno != ENFILE) {
		p->ai_cur = p->ai_at;
		p->ai_at = p->ai_at->ai_next;
		fd = net_connect_start(err, p->ai_cur->ai_addr, p->ai_cur->ai_addrlen);
	}
	return fd;
}

/* Starts a connect to the next address of the target, else of the next target. Returns
 * 0 if one is under way, -1 when none is left (reason names the last failure). */
static int start_connect(struct pair *p, char *reason, size_t cap)
{
	char err[NET_ERR_LEN];

	for (; p->target < F.o->nto; p->target++) {
		errno = 0;
		err[0] = '\0';
		int fd = next_address(p, err);
		if (fd == LOOKING_UP) { /* on_lookup goes on */
			p->state = PAIR_RESOLVING;
			p->deadline = F.o->connect_ms > 0 ? clock_ms() + F.o->connect_ms : 0;
			return 0;
		}
		if (fd >= 0) {
			p->fd[1] = fd;
			p->deadline = F.o->connect_ms > 0 ? clock_ms() + F.o->connect_ms : 0;
			loop_watch(F.loop, fd, LOOP_WRITE, on_connected, p);
			return 0;
		}
		if (errno == EMFILE || errno == ENFILE) {
			snprintf(reason, cap, "out of file descriptors");
			return -1;
		}
		if (err[0]) /* else the reason is the failure of the last connect */
			snprintf(reason, cap, "%s", net_err_reason(err));
		if (p->ai)
			freeaddrinfo(p->ai);
		p->ai = p->ai_at = NULL;
		p->begun = false;
	}
	return -1;
}

/* None of the targets answered this client: it is reset, and one line says so. */
static void give_up(struct pair *p, const char *reason)
{
	char who[NET_ADDR_LEN], list[512];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < F.o->nto && n < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
		                      F.o->to[i].spec);
	if (strcmp(reason, "out of file descriptors") == 0) {
		pool_drain();
		admit_pause(&F.admit, F.npairs - 1); /* p is not served */
	} else
		diag_err("%s: no target reachable (%s): %s", client_name(p, who, sizeof who),
		         list, reason);
	loop_watch(F.loop, p->fd[0], 0, NULL, NULL);
	net_close_reset(p->fd[0]);
	p->fd[0] = -1;
	schedule_close(p, "no target reachable");
}

/* The current attempt failed (refused, timed out, the proxy said no): the next one. */
static void try_next_address(struct pair *p, const char *why)
{
	char reason[NET_ERR_LEN];

	/* a TLS refusal is said whole ("certificate is for x, not y") */
	snprintf(reason, sizeof reason, "%s",
	         p->state == PAIR_TLS_CONNECT ? why : net_err_reason(why));
	diag_verbose(2, "%s: %s", F.o->to[p->target].spec, reason);
	if (p->lookup) { /* the name took longer than -w */
		lookup_drop(p->lookup);
		p->lookup = NULL;
	}
	if (p->tr[1]) {
		transport_free(p->tr[1]);
		free(p->tr[1]);
		p->tr[1] = NULL;
	}
	if (p->fd[1] >= 0) {
		loop_watch(F.loop, p->fd[1], 0, NULL, NULL);
		close(p->fd[1]);
		p->fd[1] = -1;
	}
	if (p->hs) {
		proxy_hs_free(p->hs);
		free(p->hs);
		p->hs = NULL;
	}
	p->state = PAIR_CONNECTING;
	if (start_connect(p, reason, sizeof reason) < 0)
		give_up(p, reason);
}

/* Names looked up: each pair goes on to its target's addresses, or to the next target. */
static void on_lookup(struct loop *l, int fd, void *data, int mask)
{
	struct lookup *q;

	(void)l, (void)fd, (void)data, (void)mask;
	while ((q = lookup_next())) {
		struct pair *p = q->owner;
		char reason[NET_ERR_LEN] = "no address";

		p->lookup = NULL;
		p->ai = p->ai_at = q->ai;
		q->ai = NULL;
		if (!p->ai)
			snprintf(reason, sizeof reason, "%s", q->err);
		lookup_free(q);
		if (!p->ai) {
			try_next_address(p, reason);
			continue;
		}
		p->state = PAIR_CONNECTING;
		if (start_connect(p, reason, sizeof reason) < 0)
			give_up(p, reason);
	}
}

static void on_tls_accept(struct loop *l, int fd, void *data, int mask);

/* One step of the client's TLS handshake (--tls); once done, the target is dialled. A
 * client that speaks no TLS costs only its own connection, and one line at -v. */
static void tls_accept_step(struct pair *p)
{
	char reason[NET_ERR_LEN] = "no address", who[NET_ADDR_LEN];
	int rc = transport_handshake(p->tr[0]);

	if (transport_events(rc)) {
		if (loop_watch(F.loop, p->fd[0],
		               rc == TRANSPORT_WANT_READ ? LOOP_READ : LOOP_WRITE,
		               on_tls_accept, p) < 0)
			schedule_close(p, "error");
		return;
	}
	if (rc < 0) {
		diag_verbose(1, "%s: %s", client_name(p, who, sizeof who), p->tr[0]->err);
		net_drop_input(p->fd[0]); /* the alert goes out before a reset could */
		schedule_close(p, "TLS handshake failed");
		return;
	}
	loop_watch(F.loop, p->fd[0], 0, NULL, NULL);
	p->state = PAIR_CONNECTING;
	if (start_connect(p, reason, sizeof reason) < 0)
		give_up(p, reason);
}

static void on_tls_accept(struct loop *l, int fd, void *data, int mask)
{
	(void)l, (void)fd, (void)mask;
	tls_accept_step(data);
}

/* --tls: the client's session, its handshake bounded by the handshake timeout. */
static void start_tls_accept(struct pair *p)
{
	char err[TLS_ERR_LEN];
	struct tls_conn *t = tls_server_new(err, F.o->tls, p->fd[0]);

	p->state = PAIR_TLS_ACCEPT;
	p->deadline = clock_ms() + F.o->handshake_ms;
	if (t && !(p->tr[0] = malloc(sizeof *p->tr[0]))) {
		tls_conn_free(t);
		t = NULL;
		snprintf(err, sizeof err, "out of memory");
	}
	if (!t) {
		diag_err("%s", err);
		schedule_close(p, "error");
		return;
	}
	transport_tls(p->tr[0], p->fd[0], t);
	tls_accept_step(p);
}

static void add_pair(int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	struct pair *p = calloc(1, sizeof *p);
	char reason[NET_ERR_LEN] = "no address";

	if (!p) {
		net_close_reset(fd); /* as abort_pair: not a clean end */
		return;
	}
	p->fd[0] = fd;
	p->fd[1] = -1;
	memcpy(&p->peer, ss, len < sizeof p->peer ? len : sizeof p->peer);
	p->peerlen = len;
	p->opened = p->last_active = clock_ms();
	p->next = F.all;
	if (F.all)
		F.all->prev = p;
	F.all = p;
	F.npairs++;
	if (F.o->tls)
		start_tls_accept(p);
	else if (start_connect(p, reason, sizeof reason) < 0)
		give_up(p, reason);
}

/* ---- the end of a pair, said once ---- */

/* -v's words for the pair's TLS sides: ", tls: client TLSv1.3, target TLSv1.2"; a side
 * whose handshake was not done is "client -"; "" with no TLS side. Returns buf. */
static const char *tls_words(const struct pair *p, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2; i++) {
		const char *v = p->tr[i] ? transport_tls_version(p->tr[i]) : "";
		if ((i ? F.o->to_tls : F.o->tls) == NULL || n >= cap)
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s %s %s",
		                      n ? "," : ", tls:", side_name[i], *v ? v : "-");
	}
	return buf;
}

static void report(const struct pair *p)
{
	char who[NET_ADDR_LEN];
	long long ms = clock_ms() - p->opened;
	struct json j = {0};

	if (diag_level() < 1 && !F.o->json)
		return;
	const char *c = client_name(p, who, sizeof who), *t = target_name(p);
	char tls[64];
	diag_verbose(1, "%s -> %s %s: %llu bytes to the target, %llu bytes back, %lld ms%s", c,
	             t, p->why, p->d[0].bytes, p->d[1].bytes, ms,
	             tls_words(p, tls, sizeof tls));
	if (!F.o->json)
		return;
	json_begin(&j);
	json_cstr(&j, "client", c);
	json_cstr(&j, "target", t);
	json_int(&j, "bytes_to_target", (long long)p->d[0].bytes);
	json_int(&j, "bytes_to_client", (long long)p->d[1].bytes);
	json_int(&j, "ms", ms);
	json_cstr(&j, "end", p->why);
	for (int i = 0; i < 2; i++) /* the TLS sides only */
		if ((i ? F.o->to_tls : F.o->tls) != NULL)
			json_cstr(&j, i ? "tls_target" : "tls_client",
			          p->tr[i] ? transport_tls_version(p->tr[i]) : "");
	json_end(&j, stdout);
	json_free(&j);
}

static void reap(void)
{
	while (F.dead) {
		struct pair *p = F.dead;
		F.dead = p->next_dead;
		report(p);
		if (p->again)
			F.again--;
		for (int i = 0; i < 2; i++) {
			if (p->tr[i]) {
				transport_free(p->tr[i]);
				free(p->tr[i]);
			}
			if (p->fd[i] >= 0 && p->reset)
				net_close_reset(p->fd[i]);
			else if (p->fd[i] >= 0)
				close(p->fd[i]);
			if (p->d[i].c)
				carrier_free(p->d[i].c);
		}
		if (p->ai)
			freeaddrinfo(p->ai);
		if (p->lookup)
			lookup_drop(p->lookup);
		if (p->hs) {
			proxy_hs_free(p->hs);
			free(p->hs);
		}
		if (p->prev)
			p->prev->next = p->next;
		else
			F.all = p->next;
		if (p->next)
			p->next->prev = p->prev;
		free(p);
		F.npairs--;
	}
}

static int clients(void)
{
	return F.npairs + F.nflows;
}

/* An admitted client: its pair begins (reaped at once if it could not). */
static void admitted(int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	add_pair(fd, ss, len);
	reap();
}

/* ---- UDP: flows keyed by the client's address ---- */

static unsigned flow_hash(const struct sockaddr_storage *ss, socklen_t len)
{
	const unsigned char *b = (const unsigned char *)ss;
	unsigned h = 2166136261u; /* FNV-1a */

	for (socklen_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h % UDP_BUCKETS;
}

static struct flow *flow_find(const struct sockaddr_storage *ss, socklen_t len)
{
	for (struct flow *f = F.bucket[flow_hash(ss, len)]; f; f = f->hnext)
		if (f->peerlen == len && memcmp(&f->peer, ss, len) == 0)
			return f;
	return NULL;
}

static void flow_end(struct flow *f, const char *why)
{
	char who[NET_ADDR_LEN];
	struct flow **at = &F.bucket[flow_hash(&f->peer, f->peerlen)];
	long long ms = clock_ms() - f->opened;

	net_format((struct sockaddr *)&f->peer, f->peerlen, who, sizeof who);
	diag_verbose(1, "%s -> %s %s: %llu bytes to the target, %llu bytes back, %lld ms", who,
	             F.o->to[0].spec, why, f->up, f->down, ms);
	if (F.o->json) {
		struct json j = {0};
		json_begin(&j);
		json_cstr(&j, "client", who);
		json_cstr(&j, "target", F.o->to[0].spec);
		json_int(&j, "bytes_to_target", (long long)f->up);
		json_int(&j, "bytes_to_client", (long long)f->down);
		json_int(&j, "ms", ms);
		json_cstr(&j, "end", why);
		json_end(&j, stdout);
		json_free(&j);
	}
	while (*at != f)
		at = &(*at)->hnext;
	*at = f->hnext;
	if (f->prev)
		f->prev->next = f->next;
	else
		F.flows = f->next;
	if (f->next)
		f->next->prev = f->prev;
	loop_watch(F.loop, f->fd, 0, NULL, NULL);
	close(f->fd);
	free(f);
	F.nflows--;
}

/* The target's replies go back to the flow's client through the listening socket. */
static void on_upstream(struct loop *l, int fd, void *data, int mask)
{
	struct flow *f = data;

	(void)l, (void)mask;
	for (int i = 0; i < ACCEPT_BURST; i++) {
		ssize_t n = recv(fd, F.dgram, sizeof F.dgram, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) { /* the target refused (ICMP): the flow is over */
			flow_end(f, "refused by the target");
			return;
		}
		f->down += (unsigned long long)n;
		f->last_active = clock_ms();
		(void)!sendto(F.o->lfd, F.dgram, (size_t)n, MSG_DONTWAIT,
		              (struct sockaddr *)&f->peer, f->peerlen);
	}
}

/* A new flow: the target resolved again, an upstream socket connected to it. */
static struct flow *flow_new(const struct sockaddr_storage *ss, socklen_t len, const char *who)
{
	const struct forward_target *t = &F.o->to[0];
	struct net_peer peer = {
	    .host = t->host, .port = t->port, .family = F.o->family, .socktype = SOCK_DGRAM};
	char err[NET_ERR_LEN];
	struct addrinfo *ai = NULL;
	struct flow *f = NULL;
	int fd = -1;

	if (F.nflows >= F.o->max_clients) {
		diag_verbose(1, "%s turned away: %d flows already", who, F.nflows);
		return NULL;
	}
	if ((resolve_literal(err, &peer, &ai) < 0 && net_resolve_peer(err, &peer, &ai) < 0) ||
	    (fd = net_udp_open(err, ai)) < 0 ||
	    net_udp_connect(err, fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    !(f = calloc(1, sizeof *f)) ||
	    loop_watch(F.loop, fd, LOOP_READ, on_upstream, f) < 0) {
		diag_err("%s: no target reachable (%s): %s", who, t->spec,
		         f || fd < 0 ? net_err_reason(err) : strerror(errno));
		if (fd >= 0)
			close(fd);
		free(f);
		if (ai)
			freeaddrinfo(ai);
		return NULL;
	}
	freeaddrinfo(ai);
	f->fd = fd;
	f->opened = f->last_active = clock_ms();
	memcpy(&f->peer, ss, len);
	f->peerlen = len;
	unsigned h = flow_hash(ss, len);
	f->hnext = F.bucket[h];
	F.bucket[h] = f;
	f->next = F.flows;
	if (F.flows)
		F.flows->prev = f;
	F.flows = f;
	F.nflows++;
	diag_verbose(1, "flow from %s", who);
	return f;
}

static void on_client_datagram(struct loop *l, int fd, void *data, int mask)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char who[NET_ADDR_LEN];

	(void)l, (void)data, (void)mask;
	for (int i = 0; i < ACCEPT_BURST; i++) {
		len = sizeof ss;
		memset(&ss, 0, sizeof ss);
		ssize_t n = recvfrom(fd, F.dgram, sizeof F.dgram, MSG_DONTWAIT,
		                     (struct sockaddr *)&ss, &len);
		if (n < 0)
			return;
		struct flow *f = flow_find(&ss, len);
		if (!f) {
			if (!admit_permits(&F.admit, &ss, len))
				continue;
			net_format((struct sockaddr *)&ss, len, who, sizeof who);
			if (!(f = flow_new(&ss, len, who)))
				continue;
		}
		f->up += (unsigned long long)n;
		f->last_active = clock_ms();
		(void)!send(f->fd, F.dgram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

/* ---- timers, stop ---- */

static void sweep(long long now)
{
	for (struct pair *p = F.all; p; p = p->next) {
		if (p->dead)
			continue;
		if (p->state == PAIR_TLS_ACCEPT && now >= p->deadline)
			schedule_close(p, "TLS handshake timed out");
		else if (p->state != PAIR_OPEN && p->deadline && now >= p->deadline)
			try_next_address(p, "timed out");
		else if (p->state == PAIR_OPEN && F.o->idle_ms &&
		         now - p->last_active >= F.o->idle_ms)
			schedule_close(p, "idle");
	}
	for (struct flow *f = F.flows, *next; f; f = next) {
		next = f->next;
		if (now - f->last_active >= F.o->idle_ms)
			flow_end(f, "idle");
	}
	reap();
}

static int timers(void)
{
	long long now = clock_ms(), wait = WAIT_CAP_MS;

	if (now >= F.next_sweep) {
		sweep(now);
		F.next_sweep =
		    now + (F.o->idle_ms && F.o->idle_ms < 1000 ? F.o->idle_ms / 4 + 1 : 100);
	}
	if (F.again > 0)
		wait = 0;
	if (F.next_sweep - now < wait)
		wait = F.next_sweep - now;
	return wait < 0 ? 0 : (int)wait;
}

/* No pair left open (UDP flows just end); on a stop, open pairs get STOP_GRACE_MS. */
static bool finished(void)
{
	return F.o->udp || !F.all;
}

static void round_done(void)
{
	pump_again();
	reap();
}

static void close_everyone(void)
{
	for (struct pair *p = F.all; p; p = p->next)
		schedule_close(p, "server stopping");
	reap();
	while (F.flows)
		flow_end(F.flows, "server stopping");
	pool_drain();
}

int forward_run(const struct forward_opts *o)
{
	static const struct admit_hooks hooks = {
	    .timers = timers, .round = round_done, .idle = finished};
	int rc;

	memset(&F, 0, sizeof F);
	F.o = o;
	if (!(F.loop = loop_new())) {
		diag_err("cannot start the event loop: %s", strerror(errno));
		return EXIT_IO;
	}
	F.admit = (struct admit){.loop = F.loop,
	                         .lfd = o->lfd,
	                         .on_client = admitted,
	                         .clients = clients,
	                         .on_datagram = o->udp ? on_client_datagram : NULL,
	                         .acl = o->acl,
	                         .max_clients = o->max_clients,
	                         .where = o->where};
	rc = admit_run(&F.admit, o->stop, STOP_GRACE_MS, &hooks);
	close_everyone();
	loop_free(F.loop);
	return rc;
}

/* ---- pure parts ---- */

int forward_parse_target(char *err, const char *arg, struct forward_target *t)
{
	memset(t, 0, sizeof *t);
	t->spec = arg;
	if (strncmp(arg, "unix:", 5) == 0) {
		if (arg[5] == '\0') {
			snprintf(err, NET_ERR_LEN, "missing PATH in --to '%.60s'", arg);
			return -1;
		}
		t->path = arg + 5;
		return 0;
	}
	if (parse_hostport(arg, t->host, sizeof t->host, t->port, sizeof t->port) != 1 ||
	    t->host[0] == '\0') {
		snprintf(err, NET_ERR_LEN,
		         "invalid --to '%.60s%s' (HOST:PORT, [V6]:PORT or unix:PATH)", arg,
		         strlen(arg) > 60 ? "..." : "");
		return -1;
	}
	return net_check_port(err, t->port, false, SOCK_STREAM) < 0 ? -1 : 0;
}

/* The client option msg starts with ("--cacert", not "--cacerts"), or NULL. */
static const char *client_option_at(const char *msg)
{
	static const char *const opt[] = {"--cacert", "--cert", "--key"};

	for (size_t i = 0; i < sizeof opt / sizeof *opt; i++) {
		size_t len = strlen(opt[i]);
		char next = msg[len < strlen(msg) ? len : strlen(msg)];
		if (strncmp(msg, opt[i], len) == 0 && next != '-' &&
		    !(next >= 'a' && next <= 'z'))
			return opt[i];
	}
	return NULL;
}

char *forward_target_words(char *buf, size_t cap, const char *msg)
{
	size_t n = 0;

	while (*msg && n + 1 < cap) {
		const char *opt = client_option_at(msg);
		if (opt) { /* "--cacert" -> "--to-cacert" */
			int w = snprintf(buf + n, cap - n, "--to-%s", opt + 2);
			n = w > 0 && (size_t)w < cap - n ? n + (size_t)w : cap - 1;
			msg += strlen(opt);
		} else
			buf[n++] = *msg++;
	}
	buf[n] = '\0';
	return buf;
}

/* An IPv4-mapped IPv6 address (a dual-stack listener's IPv4 client) is shown as IPv4. */
static int plain_family(const struct sockaddr *sa, unsigned char addr[16], unsigned *port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		memcpy(addr, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return AF_INET;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		*port = ntohs(in6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			memcpy(addr, in6->sin6_addr.s6_addr + 12, 4);
			return AF_INET;
		}
		memcpy(addr, &in6->sin6_addr, 16);
		return AF_INET6;
	}
	return AF_UNSPEC;
}

/* PROXY protocol version 1: one line of text. */
static size_t header_v1(char *buf, size_t cap, int fam, const unsigned char src[16],
                        unsigned sport, const unsigned char dst[16], unsigned dport)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int n;

	if (fam == AF_UNSPEC) {
		n = snprintf(buf, cap, "PROXY UNKNOWN\r\n");
	} else {
		inet_ntop(fam, src, s, sizeof s);
		inet_ntop(fam, dst, d, sizeof d);
		n = snprintf(buf, cap, "PROXY %s %s %s %u %u\r\n",
		             fam == AF_INET ? "TCP4" : "TCP6", s, d, sport, dport);
	}
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* PROXY protocol version 2: a binary block; an unknown origin is sent as LOCAL. */
static size_t header_v2(unsigned char *b, size_t cap, int fam, const unsigned char src[16],
                        unsigned sport, const unsigned char dst[16], unsigned dport)
{
	static const unsigned char sig[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
	                                      0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
	size_t alen = fam == AF_INET ? 4 : fam == AF_INET6 ? 16 : 0;
	size_t body = alen ? 2 * alen + 4 : 0;

	if (cap < 16 + body)
		return 0;
	memcpy(b, sig, sizeof sig);
	b[12] = alen ? 0x21 : 0x20; /* version 2; PROXY, or LOCAL */
	b[13] = fam == AF_INET ? 0x11 : fam == AF_INET6 ? 0x21 : 0x00; /* over TCP */
	b[14] = (unsigned char)(body >> 8);
	b[15] = (unsigned char)body;
	if (alen) {
		memcpy(b + 16, src, alen);
		memcpy(b + 16 + alen, dst, alen);
		b[16 + 2 * alen] = (unsigned char)(sport >> 8);
		b[17 + 2 * alen] = (unsigned char)sport;
		b[18 + 2 * alen] = (unsigned char)(dport >> 8);
		b[19 + 2 * alen] = (unsigned char)dport;
	}
	return 16 + body;
}

size_t forward_proxy_header(void *buf, size_t cap, int version, const struct sockaddr *src,
                            const struct sockaddr *dst)
{
	unsigned char s[16], d[16];
	unsigned sport = 0, dport = 0;
	int fam = plain_family(src, s, &sport);

	if (fam != plain_family(dst, d, &dport))
		fam = AF_UNSPEC;
	return version == 1 ? header_v1(buf, cap, fam, s, sport, d, dport)
	                    : header_v2(buf, cap, fam, s, sport, d, dport);
}
