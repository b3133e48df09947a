/* relay.c: the two-way pump of connect and raw serve. As nc's readwrite: named poll
 * slots and one flow per direction; the bytes go through the zero-copy mover (splice.h)
 * whenever nobody needs to see them (no hex dump, no CRLF, not UDP). */
#include "relay.h"

#include "clock.h"
#include "deadline.h"
#include "diag.h"
#include "net.h"
#include "splice.h"
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COPY_BUF      (128 * 1024)
#define STOP_FLUSH_MS 1000
#define SOCK_SPLICE   (64 * 1024) /* the pages one send takes from a pipe (16) */

/* One direction: bytes from src to dst, either through buf or through the mover mv. */
struct flow {
	const char *src_name, *dst_name; /* for messages: "stdin", "socket", "stdout" */
	int src, dst;
	bool src_sock, dst_sock;
	bool udp;
	bool eof;        /* src is finished; nothing more will be read */
	const char *mem; /* --send: the source is memory, not src */
	size_t memlen;
	bool crlf;            /* LF becomes CRLF on the way */
	bool prev_cr;         /* the last byte converted was a CR */
	char hexdir;          /* '>' or '<' to dump the bytes, or 0 */
	bool watched;         /* a callback looks at the bytes: never spliced past it */
	bool splice;          /* moving through mv: nobody needs to see the bytes */
	struct transport *tr; /* the socket end (src_sock or dst_sock) is read/written here */
	short sock_ev;        /* what the socket end waits for: POLLIN to read, POLLOUT to
	                       * write, or the other when TLS needs it (WANT_*) */
	int fail;             /* a TLS failure of the socket end (TRANSPORT_ETRUNC, EFAIL) */
	struct splice_mover mv;
	char *buf; /* copy path: bytes read and not yet written */
	size_t off, len;
	unsigned long long moved;
};

enum { MOVED = 1, WAIT = 0, DONE = -1, FAIL_SRC = -2, FAIL_DST = -3 };

static bool has_data(const struct flow *f)
{
	return (f->splice && splice_held(&f->mv) > 0) || f->len > f->off;
}

/* The bytes go through the zero-copy mover unless they must be seen on the way. */
static int flow_init(struct flow *f)
{
	bool zero_copy = f->src_sock ? f->tr->zero_copy_in : f->tr->zero_copy_out;

	f->splice = !f->mem && !f->crlf && !f->hexdir && !f->udp && !f->watched && zero_copy;
	if (f->splice)
		return splice_open(&f->mv, f->src, f->dst, true);
	f->buf = malloc(COPY_BUF);
	return f->buf ? 0 : -1;
}

static void flow_free(struct flow *f)
{
	if (f->splice)
		splice_close(&f->mv);
	free(f->buf);
}

/* A transport call's result as a system call's: the count, or -1 with errno (EAGAIN
 * while it waits, the socket's own error, or EPROTO with f->fail for TLS's failures).
 * Notes what the socket end waits for next: ev, or the other way round for TLS. */
static ssize_t sock_result(struct flow *f, ssize_t n, short ev)
{
	short want = transport_events(n);

	f->sock_ev = want ? want : ev;
	if (n >= 0)
		return n;
	if (want)
		errno = EAGAIN;
	else if (n != TRANSPORT_ENET) {
		f->fail = (int)n;
		errno = EPROTO;
	}
	return -1;
}

/* Reads once from the source into p: memory, a socket, or a plain fd. */
static ssize_t source_read(struct flow *f, char *p, size_t cap)
{
	ssize_t n;

	if (f->mem) {
		n = (ssize_t)(f->memlen < cap ? f->memlen : cap);
		memcpy(p, f->mem, (size_t)n);
		f->mem += n;
		f->memlen -= (size_t)n;
		return n;
	}
	if (f->src_sock && !f->udp)
		return sock_result(f, transport_read(f->tr, p, cap), POLLIN);
	do
		n = f->src_sock ? recv(f->src, p, cap, 0) : read(f->src, p, cap);
	while (n < 0 && errno == EINTR);
	return n;
}

/* LF to CRLF in place: the raw bytes sit in the upper half of buf. */
static size_t expand_crlf(struct flow *f, const char *in, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == '\n' && !f->prev_cr)
			f->buf[k++] = '\r';
		f->buf[k++] = in[i];
		f->prev_cr = in[i] == '\r';
	}
	return k;
}

static int copy_fill(struct flow *f)
{
	size_t cap = f->crlf ? COPY_BUF / 2 : COPY_BUF;
	char *at = f->crlf ? f->buf + COPY_BUF / 2 : f->buf;
	ssize_t n;

	if (f->udp && !f->src_sock && cap > NET_UDP_MAX)
		cap = NET_UDP_MAX; /* one read of input is one datagram */
	if (f->mem && f->memlen == 0)
		return DONE;
	n = source_read(f, at, cap);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? WAIT : FAIL_SRC;
	if (n == 0 && !(f->udp && f->src_sock)) /* an empty datagram is not an EOF */
		return DONE;
	diag_verbose(2, "read %zd bytes from %s", n, f->src_name);
	if (f->hexdir == '<')
		diag_hexdump('<', at, (size_t)n);
	f->off = 0;
	f->len = f->crlf ? expand_crlf(f, at, (size_t)n) : (size_t)n;
	return MOVED;
}

static int copy_drain(struct flow *f)
{
	ssize_t n;

	if (f->dst_sock && !f->udp)
		n = sock_result(f, transport_write(f->tr, f->buf + f->off, f->len - f->off),
		                POLLOUT);
	else
		do
			n = f->dst_sock
			        ? send(f->dst, f->buf + f->off, f->len - f->off, MSG_NOSIGNAL)
			        : write(f->dst, f->buf + f->off, f->len - f->off);
		while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? WAIT : FAIL_DST;
	if (f->hexdir == '>')
		diag_hexdump('>', f->buf + f->off, (size_t)n);
	f->off += (size_t)n;
	f->moved += (unsigned long long)n;
	if (f->off == f->len)
		f->off = f->len = 0;
	return MOVED;
}

static int splice_step_fill(struct flow *f)
{
	ssize_t n = splice_fill(&f->mv, f->src, SPLICE_PIPE_SIZE);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? WAIT : FAIL_SRC;
	if (n == 0)
		return DONE;
	diag_verbose(2, "read %zd bytes from %s", n, f->src_name);
	return MOVED;
}

static int splice_step_drain(struct flow *f)
{
	/* into a socket, one send's worth at a time: a reset that lands between two sends of
	 * one splice call is swallowed by the kernel (see below), so calls are kept short */
	size_t held = splice_held(&f->mv);
	size_t want = f->dst_sock && held > SOCK_SPLICE ? SOCK_SPLICE : held;
	ssize_t n = splice_drain(&f->mv, f->dst, want);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? WAIT : FAIL_DST;
	bool shorter = (size_t)n < want;
	f->moved += (unsigned long long)n;
	/* A splice into a socket that sent some bytes reports them, not the reset that stopped
	 * it, and the error is lost: the next write would only say EPIPE, as after a FIN. */
	if (shorter && f->dst_sock && net_tcp_ended(f->dst)) {
		errno = ECONNRESET;
		return FAIL_DST;
	}
	return MOVED;
}

static bool wants_read(const struct flow *f)
{
	if (f->eof)
		return false;
	return f->splice ? splice_room(&f->mv) : f->len == 0;
}

static int flow_fill(struct flow *f)
{
	return f->splice ? splice_step_fill(f) : copy_fill(f);
}

static int flow_drain(struct flow *f)
{
	return f->splice ? splice_step_drain(f) : copy_drain(f);
}

/* The destination has gone: what is left cannot be delivered. */
static void flow_discard(struct flow *f)
{
	f->off = f->len = 0;
	if (f->splice)
		splice_discard(&f->mv);
}

/* The state of one relay run, shared by the steps of the loop. */
struct relay {
	const struct relay_opts *o;
	struct flow up, down;        /* up: input to socket; down: socket to output */
	struct transport plain, *tr; /* the socket's transport: o->tr, or plain */
	bool shut;                   /* input is over and the peer was told (half-close) */
	bool peer_eof;               /* the peer closed its side cleanly */
	int read_err;                /* reading the socket failed with this errno */
	int tls_fail;              /* ...or TLS failed so (TRANSPORT_ETRUNC, TRANSPORT_EFAIL) */
	char tls_why[TLS_ERR_LEN]; /* ...in these words (later calls reuse the transport's) */
	int write_err;             /* writing the socket failed with this errno */
	bool write_quiet;          /* ...after the peer had closed: it has gone, not reset us */
	bool in_err;               /* reading the input failed (reported already) */
	bool in_done;    /* the input itself has ended, not just this peer's part in it */
	bool out_gone;   /* the output's reader has gone: stop quietly */
	int out_err;     /* writing the output failed with this errno */
	bool watch_done; /* on_received has seen what it waited for: end once written */
	bool out_closed; /* o->close_out: out_fd is closed */
	long long last_io, linger_at, stop_at;
};

/*
 * A write to the socket failed with err: did the peer close before (quiet, exit 0), or
 * reset a connection it was still meant to read (exit 4, sockit(1) connect)? Its EOF read
 * already says it closed; so does EPIPE, which TCP reports for a reset that follows the
 * peer's FIN (CLOSE-WAIT) when its EOF is still unread, where a bare reset is ECONNRESET.
 */
static bool peer_closed_first(const struct relay *r, int err)
{
	return r->peer_eof || (err == EPIPE && !r->o->udp);
}

static void step_up(struct relay *r, short in_ev, short sock_ev)
{
	struct flow *f = &r->up;
	int rc;

	if ((in_ev & (POLLIN | POLLHUP | POLLERR)) && wants_read(f)) {
		rc = flow_fill(f);
		if (rc == DONE) {
			f->eof = r->in_done = true;
		} else if (rc == FAIL_SRC) {
			diag_err("%s: %s", f->src_name, strerror(errno));
			f->eof = r->in_done = true;
			r->in_err = true;
		} else if (rc == MOVED) {
			r->last_io = clock_ms();
		}
	}
	if ((sock_ev & (f->sock_ev | POLLHUP | POLLERR)) && has_data(f)) {
		rc = flow_drain(f);
		if (rc == FAIL_DST) {
			/* the peer is gone: what is left of the input cannot be delivered */
			r->write_err = errno;
			r->write_quiet = peer_closed_first(r, errno);
			f->eof = true;
			flow_discard(f);
		} else if (rc == MOVED) {
			r->last_io = clock_ms();
		}
	}
}

/* Shows the watcher what was received (buf NULL: the peer's EOF); it may end the relay. */
static void watch(struct relay *r, const char *buf, size_t *n)
{
	if (r->o->on_received && !r->watch_done && r->o->on_received(r->o->watch_ctx, buf, n))
		r->watch_done = r->down.eof = true;
}

static void step_down(struct relay *r, short sock_ev, short out_ev)
{
	struct flow *f = &r->down;
	int rc;

	if ((sock_ev & (f->sock_ev | POLLHUP | POLLERR)) && wants_read(f)) {
		rc = flow_fill(f);
		if (rc == DONE) {
			f->eof = r->peer_eof = true;
			size_t none = 0;
			watch(r, NULL, &none);
		} else if (rc == FAIL_SRC) {
			r->read_err = errno;
			r->tls_fail = f->fail;
			snprintf(r->tls_why, sizeof r->tls_why, "%s", f->tr->err);
			f->eof = true;
		} else if (rc == MOVED) {
			r->last_io = clock_ms();
			watch(r, f->buf, &f->len);
		}
	}
	if ((out_ev & (POLLOUT | POLLHUP | POLLERR)) && has_data(f)) {
		rc = flow_drain(f);
		if (rc == FAIL_DST && errno == EPIPE)
			r->out_gone = true;
		else if (rc == FAIL_DST)
			r->out_err = errno;
		else if (rc == MOVED)
			r->last_io = clock_ms();
	}
}

/* Input is over and all of it was sent: tell the peer (half-close), start lingering. */
static void maybe_shut(struct relay *r)
{
	if (r->shut || !r->up.eof || has_data(&r->up))
		return;
	/* TLS's close_notify may wait for room in the socket: tried again then */
	if (!r->o->no_shutdown && !r->o->udp && !r->write_err &&
	    transport_shutdown_write(r->tr) == TRANSPORT_WANT_WRITE)
		return;
	r->shut = true;
	if (r->o->linger_ms >= 0)
		r->linger_at = clock_ms() + r->o->linger_ms;
}

/* The peer has ended and all it sent is out: with close_out, out_fd's reader is told. */
static void maybe_close_out(struct relay *r)
{
	if (!r->o->close_out || r->out_closed || !r->down.eof || has_data(&r->down))
		return;
	close(r->o->out_fd);
	r->out_closed = true;
}

/* Returns the exit status once the relay is over, or -1 while it goes on. */
static int verdict(struct relay *r)
{
	bool down_done = r->down.eof && !has_data(&r->down);

	if (r->out_gone)
		return 0;
	if (r->out_err) {
		diag_err("stdout: %s", strerror(r->out_err));
		return EXIT_IO;
	}
	if (r->watch_done) /* what it waited for is out: the rest does not matter */
		return down_done ? 0 : -1;
	/* a reset or a close waits for what the peer sent to be written out; other errors
	 * (unreachable, a UDP refusal) end the relay at once */
	if (r->write_err && (r->o->udp || (r->write_err != ECONNRESET && !r->write_quiet))) {
		diag_err("%s", strerror(r->write_err));
		return EXIT_NET;
	}
	if (!down_done)
		return -1;
	/* everything the peer sent has been written out */
	if (r->tls_fail) {
		diag_err("%s", r->tls_why);
		return -r->tls_fail;
	}
	if (r->read_err) {
		diag_err("%s", strerror(r->read_err));
		return EXIT_NET;
	}
	if (r->write_err && r->write_quiet) /* it closed, then our write failed: it has gone */
		return 0;
	if (r->write_err) { /* a reset while it was still meant to read what we sent */
		diag_err("%s", strerror(ECONNRESET));
		return EXIT_NET;
	}
	if (r->o->in_is_tty || r->shut || r->stop_at)
		return r->in_err ? EXIT_IO : 0;
	return -1;
}

/* The nearest deadline as a poll timeout; -1 for none. */
static int poll_timeout(const struct relay *r, long long now)
{
	long long next = -1, t[4];

	t[0] = r->o->idle_ms > 0 ? r->last_io + r->o->idle_ms : -1;
	t[1] = r->linger_at ? r->linger_at : -1;
	t[2] = r->stop_at ? r->stop_at : -1;
	t[3] = r->o->deadline && r->o->deadline->ms > 0 ? r->o->deadline->at : -1;
	for (int i = 0; i < 4; i++)
		if (t[i] >= 0 && (next < 0 || t[i] < next))
			next = t[i];
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

/* Returns an exit status if a deadline has passed, or -1. */
static int deadline_passed(const struct relay *r, long long now)
{
	if (r->stop_at && now >= r->stop_at)
		return 0;
	if (r->linger_at && now >= r->linger_at)
		return 0;
	if (r->o->deadline && deadline_left(r->o->deadline, now) == 0)
		return deadline_report(r->o->deadline);
	if (r->o->idle_ms > 0 && now - r->last_io >= r->o->idle_ms) {
		diag_err("timed out: no data for %d.%03d s", r->o->idle_ms / 1000,
		         r->o->idle_ms % 1000);
		return EXIT_TIMEOUT;
	}
	return -1;
}

/* A stop signal: read nothing more, flush what is queued for at most a second. */
static void begin_stop(struct relay *r)
{
	r->stop_at = clock_ms() + STOP_FLUSH_MS;
	r->up.eof = r->down.eof = true;
}

enum { SLOT_IN, SLOT_SOCK, SLOT_OUT };

static int pump(struct relay *r)
{
	struct pollfd pfd[3];
	int rc;

	for (;;) {
		if (r->o->stop && *r->o->stop && !r->stop_at)
			begin_stop(r);
		maybe_shut(r);
		maybe_close_out(r);
		if ((rc = verdict(r)) >= 0)
			return rc;
		pfd[SLOT_IN].fd = wants_read(&r->up) && !r->up.mem ? r->up.src : -1;
		pfd[SLOT_IN].events = POLLIN;
		pfd[SLOT_SOCK].events = (short)((wants_read(&r->down) ? r->down.sock_ev : 0) |
		                                (has_data(&r->up) ? r->up.sock_ev : 0) |
		                                (r->up.eof && !r->shut ? POLLOUT : 0));
		/* a socket we want nothing from is left out: after a reset its POLLERR would
		 * wake every poll at once and spin while we wait for stdin */
		pfd[SLOT_SOCK].fd = pfd[SLOT_SOCK].events ? r->o->sock : -1;
		pfd[SLOT_OUT].fd = has_data(&r->down) ? r->down.dst : -1;
		pfd[SLOT_OUT].events = POLLOUT;
		long long now = clock_ms();
		if ((rc = deadline_passed(r, now)) >= 0)
			return rc;
		/* --send has no fd to poll: its bytes are always ready, so poll must not wait
		 * (a peer that speaks only when spoken to would never wake it) */
		bool mem_ready = r->up.mem && wants_read(&r->up);
		/* TLS may hold decrypted bytes the socket will never poll readable for */
		bool held = wants_read(&r->down) && transport_pending(r->tr) > 0;
		rc = poll(pfd, 3, mem_ready || held ? 0 : poll_timeout(r, now));
		if (rc < 0 && errno != EINTR) {
			diag_err("poll: %s", strerror(errno));
			return EXIT_IO;
		}
		if (rc < 0 || (rc == 0 && !mem_ready && !held))
			continue;
		if (held)
			pfd[SLOT_SOCK].revents |= r->down.sock_ev;
		short in_ev = r->up.mem ? POLLIN : pfd[SLOT_IN].revents;
		if (pfd[SLOT_IN].fd < 0 && !r->up.mem)
			in_ev = 0;
		/* the socket is read before it is written: a FIN that came is seen before a
		 * write fails, and tells a peer that closed from one that reset */
		step_down(r, pfd[SLOT_SOCK].revents, pfd[SLOT_OUT].revents);
		step_up(r, in_ev, pfd[SLOT_SOCK].revents);
	}
}

int relay_run(const struct relay_opts *o, struct relay_stats *st)
{
	struct relay r;
	char err[NET_ERR_LEN];
	int rc = EXIT_IO;

	memset(&r, 0, sizeof r);
	r.o = o;
	transport_plain(&r.plain, o->sock);
	r.tr = o->tr ? o->tr : &r.plain;
	r.last_io = clock_ms();
	r.up = (struct flow){.src_name = "stdin",
	                     .dst_name = "socket",
	                     .src = o->in_fd,
	                     .dst = o->sock,
	                     .dst_sock = true,
	                     .tr = r.tr,
	                     .sock_ev = POLLOUT,
	                     .udp = o->udp,
	                     .crlf = o->crlf,
	                     .hexdir = o->hex ? '>' : 0,
	                     .mem = o->send,
	                     .memlen = o->send_len,
	                     .mv = {.pipe = {-1, -1}}};
	r.up.eof = o->in_fd < 0 && !o->send;
	r.down = (struct flow){.src_name = "socket",
	                       .dst_name = "stdout",
	                       .src = o->sock,
	                       .dst = o->out_fd,
	                       .src_sock = true,
	                       .tr = r.tr,
	                       .sock_ev = POLLIN,
	                       .udp = o->udp,
	                       .hexdir = o->hex ? '<' : 0,
	                       .watched = o->on_received != NULL,
	                       .mv = {.pipe = {-1, -1}}};
	/* both flows' pipe fds are -1 from here: a failure below must not close fd 0 or 1 */
	if (net_set_nonblock(err, o->sock, true) < 0)
		diag_err("%s", err);
	else if (flow_init(&r.up) < 0 || flow_init(&r.down) < 0)
		diag_err("out of memory");
	else
		rc = pump(&r);
	st->sent = r.up.moved;
	st->received = r.down.moved;
	/* a peer that left (up.eof after a failed write) leaves the input to the next one */
	st->input_done = o->in_fd >= 0 && r.in_done;
	st->output_gone = r.out_gone;
	flow_free(&r.up);
	flow_free(&r.down);
	return rc;
}
