/* server.c: connections on the event loop. Reads land in one scratch buffer; replies
 * made while handling a read go to a second scratch buffer and are sent at once, so an
 * idle connection holds no buffer at all; only an unsent tail is queued, up to the
 * protocol's cap, past which the client is throttled or dropped. Every byte of a
 * connection goes through its transport (transport.h): a plain socket, or with --tls a
 * session whose handshake is one more state of the connection on the loop. */
#include "server.h"

#include "admit.h"
#include "clock.h"
#include "diag.h"
#include "loop.h"
#include "transport.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif

#define SCRATCH       (64 * 1024)
#define DGRAM_BURST   64 /* datagrams read per wake-up */
#define STOP_FLUSH_MS 1000
#define FILE_TURN                                                                              \
	(4 << 20) /* file bytes sent per turn: one fast reader cannot hog the loop             \
	           */

enum {
	CONN_EOF = 1,        /* the client sends nothing more */
	CONN_CLOSING = 2,    /* close once the queue is empty */
	CONN_THROTTLED = 4,  /* not read until its queue drains */
	CONN_DEAD = 8,       /* scheduled for closing; nothing more is read or written */
	CONN_DRAINED = 16,   /* its file went out whole: the protocol is told (on_drain) */
	CONN_HANDSHAKE = 32, /* TLS: not yet open for its protocol */
	CONN_READY = 64,     /* TLS: on the ready list, its library holds bytes to read */
	CONN_READ_WANTS_WRITE = 128, /* TLS: a read waits for the socket to take a write */
};

/* A file being sent after the queued bytes (conn_sendfile): [off, end) of fd. */
struct conn_file {
	int fd;
	off_t off, end;
};

struct conn {
	int fd;
	/* --tls: the session fd is read and written through; NULL: plain */
	struct transport *tls;
	unsigned flags;
	enum proto_close why; /* for a dead connection: why it goes */
	struct frame_reader fr;
	char *out; /* unsent output, or NULL */
	size_t outoff, outlen, outcap;
	char *held; /* input read but not yet taken by the protocol (out of room), or NULL */
	size_t heldlen;
	struct conn_file *file; /* sent once the queue is empty, or NULL */
	void *pdata;            /* the protocol's */
	long long opened, last_active;
	unsigned long long bytes_in, bytes_out;
	struct conn *prev, *next; /* every live connection */
	struct conn *next_dead;   /* the list of those to close after this round */
	struct conn *next_ready;  /* the ready list (CONN_READY) */
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} peer;
};

/* One server per process, as redis's: protocols reach it through conn_* only. */
static struct {
	const struct server_opts *o;
	struct loop *loop;
	struct conn *all, *dead;
	struct conn *ready; /* TLS: read these without waiting for their fd (CONN_READY) */
	int nclients;
	struct conn *current;   /* whose read is being handled */
	char in[SCRATCH];       /* what was read */
	char out[SCRATCH];      /* replies to current, not yet sent */
	char file[SCRATCH];     /* a file's bytes on the copy path (TLS without kTLS) */
	struct transport plain; /* every plain connection's, its fd set before each call */
	size_t outlen;
	struct frame_reader stdin_fr;
	struct admit admit;
	long long next_sweep;
	int sweep_ms; /* the shortest of --idle-timeout and the handshake bound; 0: none */
} S;

const char *conn_peer(struct conn *c)
{
	static char buf[NET_ADDR_LEN];

	if (c->peer.sa.sa_family == AF_UNIX || c->peer.sa.sa_family == AF_UNSPEC)
		return "unix";
	return net_format(&c->peer.sa, sizeof c->peer, buf, sizeof buf);
}

bool conn_is_closing(const struct conn *c)
{
	return (c->flags & (CONN_CLOSING | CONN_DEAD)) != 0;
}

void *conn_data(struct conn *c)
{
	return c->pdata;
}

void conn_set_data(struct conn *c, void *data)
{
	c->pdata = data;
}

struct frame_reader *conn_frames(struct conn *c)
{
	return &c->fr;
}

static void schedule_close(struct conn *c, enum proto_close why)
{
	if (c->flags & CONN_DEAD)
		return;
	c->flags |= CONN_DEAD;
	c->why = why;
	c->next_dead = S.dead;
	S.dead = c;
	loop_forget(S.loop, c->fd); /* reap() closes it before the loop waits again */
}

static void on_conn_event(struct loop *l, int fd, void *data, int mask);
static void handshake_step(struct conn *c);

/* The transport c is read and written through: its TLS session's, or the plain one
 * (which holds nothing of a connection's but the fd: a plain client costs no more). */
static struct transport *io(struct conn *c)
{
	if (c->tls)
		return c->tls;
	S.plain.fd = c->fd;
	return &S.plain;
}

/* Something is still to be sent: queued bytes, or a file. */
static bool has_output(const struct conn *c)
{
	return c->outlen > c->outoff || c->file != NULL;
}

/* Reading and writing interest follow the state: read unless throttled or at EOF,
 * write while something is queued. */
static void update_interest(struct conn *c)
{
	int mask = 0;

	if (c->flags & CONN_DEAD)
		return;
	/* while a file goes out, the next (pipelined) request waits in the kernel; a TLS
	 * read that waits for room waits for writability alone (readability would wake the
	 * loop again and again while the client sends and does not read) */
	if (!(c->flags & (CONN_EOF | CONN_THROTTLED | CONN_CLOSING | CONN_READ_WANTS_WRITE)) &&
	    !c->held && !S.admit.stop_at && !c->file)
		mask |= LOOP_READ;
	if (has_output(c) || (c->flags & CONN_READ_WANTS_WRITE))
		mask |= LOOP_WRITE;
	if (loop_watch(S.loop, c->fd, mask, on_conn_event, c) < 0)
		schedule_close(c, PROTO_CLOSE_ERROR);
	/* bytes TLS has already taken off the socket: the fd will not poll readable for them */
	if ((mask & LOOP_READ) && !(c->flags & CONN_READY) && c->tls &&
	    transport_pending(c->tls) > 0) {
		c->flags |= CONN_READY;
		c->next_ready = S.ready;
		S.ready = c;
	}
}

/* Appends to the connection's own queue; past the protocol's cap it throttles or drops. */
static void queue_append(struct conn *c, const char *buf, size_t len)
{
	size_t pending = c->outlen - c->outoff;

	if (pending + len > S.o->proto->out_cap && S.o->proto->overflow == PROTO_DROP) {
		schedule_close(c, PROTO_CLOSE_SLOW);
		return;
	}
	if (c->outoff > 0 && c->outlen + len > c->outcap) { /* slide the unsent part down */
		memmove(c->out, c->out + c->outoff, pending);
		c->outoff = 0;
		c->outlen = pending;
	}
	if (c->outlen + len > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;
		while (cap < c->outlen + len)
			cap *= 2;
		char *grown = realloc(c->out, cap);
		if (!grown) {
			schedule_close(c, PROTO_CLOSE_ERROR);
			return;
		}
		c->out = grown;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, buf, len);
	c->outlen += len;
	if (c->outlen - c->outoff > S.o->proto->out_cap)
		c->flags |= CONN_THROTTLED; /* PROTO_THROTTLE: stop reading until it drains */
}

/* Sends what the socket takes now; returns the bytes sent, or -1 if the peer is gone. */
static ssize_t send_now(struct conn *c, const char *buf, size_t len)
{
	ssize_t n = transport_write(io(c), buf, len);

	if (transport_events(n))
		return 0; /* TLS: the same bytes are offered again from the queue */
	if (n < 0) {
		schedule_close(c, PROTO_CLOSE_ERROR);
		return -1;
	}
	c->bytes_out += (unsigned long long)n;
	return n;
}

static void end_file(struct conn *c)
{
	close(c->file->fd);
	free(c->file);
	c->file = NULL;
}

/* Up to want bytes of the file through a buffer: a read, then a write through the
 * transport. A write TLS could not finish is offered again with the same bytes (the
 * offset has not moved). Returns the bytes sent, or -1 with errno set. */
static ssize_t file_copy(struct conn *c, size_t want)
{
	struct conn_file *f = c->file;
	ssize_t n = pread(f->fd, S.file, want < sizeof S.file ? want : sizeof S.file, f->off);

	if (n <= 0)
		return n;
	n = transport_write(io(c), S.file, (size_t)n);
	if (transport_events(n)) {
		errno = EAGAIN;
		return -1;
	}
	if (n < 0) {
		if (n != TRANSPORT_ENET)
			errno = EPROTO;
		return -1;
	}
	f->off += n;
	return n;
}

/* [off, end) of the file, up to max bytes, as the socket takes them: sendfile(2) on Linux
 * where the kernel sees the bytes as sent (plain, or kTLS), else the copy. Returns the
 * bytes sent, or -1 with errno set. */
static ssize_t file_chunk(struct conn *c, size_t max)
{
	struct conn_file *f = c->file;
	size_t want = (size_t)(f->end - f->off) < max ? (size_t)(f->end - f->off) : max;
#ifdef __linux__
	if (io(c)->zero_copy_out)
		return sendfile(c->fd, f->fd, &f->off, want);
#endif
	return file_copy(c, want);
}

/* Sends the file after the queue, at most FILE_TURN bytes a turn; a file that shrank
 * under us, or a peer gone, ends the connection. */
static void send_file(struct conn *c)
{
	size_t turn = 0;

	while (c->file->off < c->file->end && turn < FILE_TURN) {
		ssize_t n = file_chunk(c, FILE_TURN - turn);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			schedule_close(c, PROTO_CLOSE_ERROR);
			return;
		}
		turn += (size_t)n;
		c->bytes_out += (unsigned long long)n;
		c->last_active = clock_ms();
	}
	if (c->file->off == c->file->end) {
		end_file(c);
		c->flags |= CONN_DRAINED;
	}
}

static void flush_queue(struct conn *c)
{
	while (c->outlen > c->outoff && !(c->flags & CONN_DEAD)) {
		ssize_t n = send_now(c, c->out + c->outoff, c->outlen - c->outoff);
		if (n <= 0)
			break;
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->outlen && c->out) { /* an idle connection holds no buffer */
		free(c->out);
		c->out = NULL;
		c->outoff = c->outlen = c->outcap = 0;
	}
	if (c->outoff == c->outlen && c->file && !(c->flags & CONN_DEAD))
		send_file(c);
	if ((c->flags & CONN_THROTTLED) && c->outlen - c->outoff <= S.o->proto->out_cap / 2)
		c->flags &= ~(unsigned)CONN_THROTTLED;
}

/* The replies gathered while handling current's read: one send, the tail queued. */
static void flush_scratch(struct conn *c)
{
	size_t len = S.outlen;
	ssize_t n;

	S.outlen = 0;
	if (len == 0 || (c->flags & CONN_DEAD))
		return;
	n = send_now(c, S.out, len);
	if (n >= 0 && (size_t)n < len)
		queue_append(c, S.out + n, len - (size_t)n);
}

void conn_write(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;

	if ((c->flags & CONN_DEAD) || len == 0)
		return;
	if (c == S.current) {
		/* replies to the client being read are gathered and sent in one go by settle();
		 * while something is queued, the scratch is empty, so order is kept */
		if (S.outlen + len > sizeof S.out)
			flush_scratch(c);
		if (c->outlen == c->outoff && len <= sizeof S.out - S.outlen) {
			memcpy(S.out + S.outlen, p, len);
			S.outlen += len;
		} else if (!(c->flags & CONN_DEAD)) {
			queue_append(c, p, len);
		}
		return;
	}
	/* another client (a chat broadcast): send now, queue what the socket does not take */
	if (c->outlen == c->outoff) {
		ssize_t n = send_now(c, p, len);
		if (n < 0)
			return;
		p += n;
		len -= (size_t)n;
	}
	if (len > 0) {
		queue_append(c, p, len);
		update_interest(c);
	}
}

size_t conn_room(const struct conn *c)
{
	size_t pending = c->outlen - c->outoff + (c == S.current ? S.outlen : 0);

	return pending < S.o->proto->out_cap ? S.o->proto->out_cap - pending : 0;
}

void conn_sendfile(struct conn *c, int fd, uint64_t off, uint64_t len)
{
	struct conn_file *f;

	if (c->flags & CONN_DEAD) {
		close(fd);
		return;
	}
	if (c == S.current)
		flush_scratch(c); /* the header goes first */
	f = malloc(sizeof *f);
	if (f == NULL || c->file != NULL || (c->flags & CONN_DEAD)) {
		free(f);
		close(fd);
		schedule_close(c, PROTO_CLOSE_ERROR);
		return;
	}
	*f = (struct conn_file){.fd = fd, .off = (off_t)off, .end = (off_t)(off + len)};
	c->file = f;
	if (c != S.current)
		update_interest(c);
}

static void keep_rest(struct conn *c);

/* Sends what is queued, then the file; a file gone out whole lets the protocol go on
 * (a pipelined request waiting behind it), and what it writes is sent in turn; what it
 * leaves for want of room is kept as after on_data. */
static void flush_all(struct conn *c)
{
	flush_queue(c);
	while ((c->flags & CONN_DRAINED) && !(c->flags & CONN_DEAD)) {
		struct conn *was = S.current;

		c->flags &= ~(unsigned)CONN_DRAINED;
		S.current = c;
		if (S.o->proto->on_drain) {
			S.o->proto->on_drain(c);
			keep_rest(c);
		}
		flush_scratch(c);
		S.current = was;
		flush_queue(c);
	}
}

void conn_close(struct conn *c)
{
	c->flags |= CONN_CLOSING;
	if (c == S.current || (c->flags & CONN_DEAD))
		return; /* settle() closes it once its replies are out */
	if (!has_output(c))
		schedule_close(c, PROTO_CLOSE_NORMAL);
	else
		update_interest(c);
}

/* After a protocol callback for c: send its replies, then settle its state. */
static void settle(struct conn *c)
{
	flush_scratch(c);
	S.current = NULL;
	if (c->flags & CONN_DEAD)
		return;
	flush_all(c);
	if ((c->flags & (CONN_CLOSING | CONN_EOF)) && !has_output(c)) {
		schedule_close(c, PROTO_CLOSE_NORMAL);
		return;
	}
	update_interest(c);
}

static void log_close(struct conn *c)
{
	static const char *const why[] = {"closed", "dropped (too slow)", "closed (idle)",
	                                  "closed (error)", "closed (server stopping)"};
	long long ms = clock_ms() - c->opened;

	diag_verbose(1, "%s %s: %llu bytes in, %llu bytes out, %lld.%03lld s", conn_peer(c),
	             why[c->why], c->bytes_in, c->bytes_out, ms / 1000, ms % 1000);
}

/* Takes c off the ready list (it is going away). */
static void unready(struct conn *c)
{
	if (!(c->flags & CONN_READY))
		return;
	for (struct conn **p = &S.ready; *p; p = &(*p)->next_ready)
		if (*p == c) {
			*p = c->next_ready;
			break;
		}
	c->flags &= ~(unsigned)CONN_READY;
}

/* TLS: a connection that ends well says so (close_notify, best effort: the socket is
 * non-blocking and closed next); one that failed just goes. */
static void end_transport(struct conn *c)
{
	if (!c->tls)
		return;
	if (c->why != PROTO_CLOSE_ERROR && !(c->flags & CONN_HANDSHAKE))
		(void)transport_shutdown_write(c->tls);
	/* the client's own close_notify, unread, would turn the close into a reset */
	net_drop_input(c->fd);
	transport_free(c->tls);
	free(c->tls);
}

/* Closes what was scheduled; on_close may schedule more (a chat's notices). */
static void reap(void)
{
	while (S.dead) {
		struct conn *c = S.dead;
		S.dead = c->next_dead;
		/* a TLS client still in its handshake never reached the protocol */
		if (S.o->proto->on_close && !(c->flags & CONN_HANDSHAKE))
			S.o->proto->on_close(c, c->why);
		log_close(c);
		unready(c);
		end_transport(c);
		close(c->fd);
		if (c->prev)
			c->prev->next = c->next;
		else
			S.all = c->next;
		if (c->next)
			c->next->prev = c->prev;
		frame_free(&c->fr);
		free(c->out);
		free(c->held);
		if (c->file)
			end_file(c);
		free(c);
		S.nclients--;
	}
}

/* What the protocol left in c's frame reader when it ran out of room is kept in c->held
 * (the chunk may be c->held itself), and c is throttled: its later bytes wait in the
 * kernel until the client has read enough of its replies. */
static void keep_rest(struct conn *c)
{
	const char *rest;
	size_t n;
	char *copy;

	frame_rest(&c->fr, &rest, &n);
	frame_feed(&c->fr, NULL, 0); /* the reader must not keep pointing into the chunk */
	if (n == 0 || conn_is_closing(c)) {
		free(c->held);
		c->held = NULL;
		c->heldlen = 0;
		return;
	}
	if (c->held && rest >= c->held && rest < c->held + c->heldlen) {
		memmove(c->held, rest, n);
	} else if ((copy = malloc(n))) {
		memcpy(copy, rest, n);
		free(c->held);
		c->held = copy;
	} else {
		schedule_close(c, PROTO_CLOSE_ERROR);
		return;
	}
	c->heldlen = n;
	c->flags |= CONN_THROTTLED;
}

/* Hands bytes of c's input to the protocol, keeps what it could not take, settles c. */
static void deliver(struct conn *c, const char *buf, size_t len)
{
	S.current = c;
	if (S.o->proto->on_data)
		S.o->proto->on_data(c, buf, len);
	keep_rest(c);
	settle(c);
}

/* Input kept while c was out of room goes first, before anything more is read. */
static void deliver_held(struct conn *c)
{
	while (c->held && !(c->flags & (CONN_THROTTLED | CONN_DEAD | CONN_CLOSING)) &&
	       !S.admit.stop_at)
		deliver(c, c->held, c->heldlen);
}

/* How much to read from c: for a throttling protocol no more than its output may still
 * grow by (echo's is its input), so a client that does not read costs at most out_cap. */
static size_t read_size(const struct conn *c)
{
	size_t room = S.o->proto->overflow == PROTO_THROTTLE ? conn_room(c) : sizeof S.in;

	return room < sizeof S.in ? room : sizeof S.in;
}

static void read_client(struct conn *c)
{
	size_t want = read_size(c);
	ssize_t n;

	if (want == 0) { /* full: read again once the client has taken some of it */
		c->flags |= CONN_THROTTLED;
		update_interest(c);
		return;
	}
	n = transport_read(io(c), S.in, want);
	if (n == TRANSPORT_WANT_READ)
		return;
	if (n == TRANSPORT_WANT_WRITE) { /* TLS: its answer to a key update waits for room */
		c->flags |= CONN_READ_WANTS_WRITE;
		update_interest(c);
		return;
	}
	if (n < 0) {
		if (c->tls)
			diag_verbose(1, "%s: %s", conn_peer(c), c->tls->err);
		schedule_close(c, PROTO_CLOSE_ERROR);
		return;
	}
	if (n == 0) {
		S.current = c;
		c->flags |= CONN_EOF;
		if (S.o->proto->on_eof)
			S.o->proto->on_eof(c);
		settle(c);
		return;
	}
	c->bytes_in += (unsigned long long)n;
	c->last_active = clock_ms();
	diag_verbose(2, "%s: read %zd bytes", conn_peer(c), n);
	deliver(c, S.in, (size_t)n);
	deliver_held(c); /* kept for want of room, but the kernel took the replies at once */
}

static void on_conn_event(struct loop *l, int fd, void *data, int mask)
{
	struct conn *c = data;

	(void)l, (void)fd;
	if (c->flags & CONN_DEAD)
		return;
	if (c->flags & CONN_HANDSHAKE) {
		handshake_step(c);
		return;
	}
	if ((c->flags & CONN_READ_WANTS_WRITE) && (mask & LOOP_WRITE)) {
		c->flags &= ~(unsigned)CONN_READ_WANTS_WRITE;
		mask |= LOOP_READ;
	}
	if (mask & LOOP_WRITE) {
		flush_all(c);
		if (!has_output(c))
			c->last_active = clock_ms();
		if (!(c->flags & CONN_DEAD) &&
		    ((c->flags & (CONN_CLOSING | CONN_EOF)) || S.admit.stop_at) &&
		    !has_output(c)) {
			/* flushed in the stop window: it goes because the server stops (a chat
			 * must not announce it as having left to the others still flushing) */
			schedule_close(c,
			               S.admit.stop_at ? PROTO_CLOSE_STOP : PROTO_CLOSE_NORMAL);
			return;
		}
		update_interest(c);
		deliver_held(c);
	}
	if ((mask & LOOP_READ) && !(c->flags & CONN_DEAD) &&
	    (loop_mask(S.loop, fd) & LOOP_READ))
		read_client(c);
}

/* The client is ready for its protocol: the greeting, on_open. A client that speaks first
 * is read when the loop says its bytes are there, as nginx does: read at once after
 * accept(2), they were not, on an idle server (ab: one failed recv and one more
 * epoll_ctl per connection). */
static void open_client(struct conn *c)
{
	S.current = c;
	if (S.o->cfg.greeting && !S.o->proto->own_greeting) {
		conn_write(c, S.o->cfg.greeting, strlen(S.o->cfg.greeting));
		conn_write(c, "\n", 1);
	}
	if (S.o->proto->on_open)
		S.o->proto->on_open(c);
	settle(c);
}

/* -v: the session agreed, and which path a file takes (sockit(1), TLS). */
static void log_session(struct conn *c)
{
	char words[TLS_ERR_LEN + 2 * TLS_NAME_LEN];

	/* the words are made only at -v */
	diag_verbose(1, "%s: %s", conn_peer(c),
	             transport_server_words(c->tls, words, sizeof words));
}

/* One step of c's handshake: it waits on the loop for what it needs; once done, the
 * client is opened for its protocol. A client that speaks no TLS, or is refused
 * (--verify-client), costs only its own connection. */
static void handshake_step(struct conn *c)
{
	int rc = transport_handshake(c->tls);

	if (transport_events(rc)) {
		int mask = rc == TRANSPORT_WANT_READ ? LOOP_READ : LOOP_WRITE;
		if (loop_watch(S.loop, c->fd, mask, on_conn_event, c) < 0)
			schedule_close(c, PROTO_CLOSE_ERROR);
		return;
	}
	if (rc < 0) {
		diag_verbose(1, "%s: %s", conn_peer(c), c->tls->err);
		net_drop_input(c->fd); /* the alert goes out before a reset could */
		schedule_close(c, PROTO_CLOSE_ERROR);
		return;
	}
	c->flags &= ~(unsigned)CONN_HANDSHAKE;
	c->last_active = clock_ms();
	log_session(c);
	open_client(c);
}

/* A TLS session for c, its handshake started (the ClientHello may be there already). */
static void start_tls(struct conn *c)
{
	char err[TLS_ERR_LEN];
	struct tls_conn *t = tls_server_new(err, S.o->tls, c->fd);

	c->flags |= CONN_HANDSHAKE;
	if (t && !(c->tls = malloc(sizeof *c->tls))) {
		tls_conn_free(t);
		t = NULL;
		snprintf(err, sizeof err, "out of memory");
	}
	if (!t) {
		diag_err("%s", err);
		schedule_close(c, PROTO_CLOSE_ERROR);
		return;
	}
	transport_tls(c->tls, c->fd, t);
	handshake_step(c);
}

/* An admitted client; closed at once if it cannot be kept (it may close itself too:
 * reaped here, so that its slot is free for the next). */
static void add_client(int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	struct conn *c = calloc(1, sizeof *c);

	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	memcpy(&c->peer, ss, len < sizeof c->peer ? len : sizeof c->peer);
	c->opened = c->last_active = clock_ms();
	frame_init(&c->fr, S.o->cfg.max_line);
	c->next = S.all;
	if (S.all)
		S.all->prev = c;
	S.all = c;
	S.nclients++;
	diag_verbose(1, "connection from %s", conn_peer(c));
	if (S.o->tls)
		start_tls(c);
	else
		open_client(c);
	reap();
}

static int clients(void)
{
	return S.nclients;
}

static void on_datagram(struct loop *l, int fd, void *data, int mask)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char who[NET_ADDR_LEN];

	(void)l, (void)data, (void)mask;
	for (int i = 0; i < DGRAM_BURST; i++) {
		len = sizeof ss;
		ssize_t n =
		    recvfrom(fd, S.in, sizeof S.in, MSG_DONTWAIT, (struct sockaddr *)&ss, &len);
		if (n < 0)
			return; /* EAGAIN, or an ICMP error left by an earlier reply */
		if (!admit_permits(&S.admit, &ss, len))
			continue;
		net_format((struct sockaddr *)&ss, len, who, sizeof who);
		/* a reply is one datagram: what would not fit one is the protocol's to
		 * refuse */
		long r = S.o->proto->on_datagram(S.in, (size_t)n, S.out,
		                                 sizeof S.out < NET_UDP_MAX ? sizeof S.out
		                                                            : NET_UDP_MAX);
		diag_verbose(1, "%s: datagram of %zd bytes, reply of %ld", who, n,
		             r < 0 ? 0 : r);
		if (r >= 0)
			(void)!sendto(fd, S.out, (size_t)r, MSG_DONTWAIT,
			              (struct sockaddr *)&ss, len);
	}
}

/* The server's stdin (chat): each line goes to the protocol. */
static void on_stdin(struct loop *l, int fd, void *data, int mask)
{
	const char *line;
	size_t len;
	enum frame_status st;
	ssize_t n;

	(void)data, (void)mask;
	do
		n = read(fd, S.in, sizeof S.in);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		frame_feed(&S.stdin_fr, S.in, (size_t)n);
		while ((st = frame_next(&S.stdin_fr, &line, &len)) != FRAME_MORE)
			if (st == FRAME_LINE)
				S.o->proto->on_input(line, len);
	} else if (n == 0 || errno != EAGAIN) {
		if (frame_finish(&S.stdin_fr, &line, &len) == FRAME_LINE)
			S.o->proto->on_input(line, len);
		loop_watch(l, fd, 0, NULL, NULL);
	}
	reap();
}

static void sweep_idle(long long now)
{
	for (struct conn *c = S.all; c; c = c->next) {
		bool hs = c->flags & CONN_HANDSHAKE;
		int limit = hs ? S.o->handshake_ms : S.o->idle_ms;
		if ((c->flags & CONN_DEAD) || limit <= 0 || now - c->last_active < limit)
			continue;
		if (hs)
			diag_verbose(1, "%s: TLS handshake not done after %d.%03d s",
			             conn_peer(c), limit / 1000, limit % 1000);
		schedule_close(c, PROTO_CLOSE_IDLE);
	}
	reap();
}

/* Reads the clients whose TLS library holds bytes, each once: one that still holds some
 * goes on a fresh list, for the next round, after the loop's own events. Nothing is freed
 * before the reap at the end, so the detached list stays valid. */
static void read_ready(void)
{
	struct conn *list = S.ready, *c;

	S.ready = NULL;
	while ((c = list)) {
		list = c->next_ready;
		c->flags &= ~(unsigned)CONN_READY;
		if (!(c->flags & CONN_DEAD) && (loop_mask(S.loop, c->fd) & LOOP_READ))
			read_client(c);
	}
	reap();
}

/* The stop: nothing more is read; what is queued gets at most a second to go out. */
static void begin_stop(void)
{
	if (S.o->in_fd >= 0)
		loop_watch(S.loop, S.o->in_fd, 0, NULL, NULL);
	for (struct conn *c = S.all; c; c = c->next) {
		if (!has_output(c))
			schedule_close(c, PROTO_CLOSE_STOP);
		else
			update_interest(c);
	}
	reap();
}

/* Nothing left to flush (a UDP server holds no clients). */
static bool flushed(void)
{
	return S.o->udp || S.all == NULL;
}

static void round_done(void)
{
	reap();
	read_ready();
}

/* Runs timers that are due; returns how long the loop may wait (-1: forever). */
static int timers(void)
{
	long long now = clock_ms(), wait = -1;

	if (S.sweep_ms > 0 && !S.admit.stop_at) {
		if (now >= S.next_sweep) {
			sweep_idle(now);
			S.next_sweep = now + (S.sweep_ms < 1000 ? S.sweep_ms / 4 + 1 : 250);
		}
		wait = S.next_sweep - now;
	}
	if (S.ready)
		wait = 0;
	return wait < -1 ? 0 : (int)wait;
}

static void close_everyone(void)
{
	for (struct conn *c = S.all; c; c = c->next)
		schedule_close(c, PROTO_CLOSE_STOP);
	reap();
}

static int start(const struct server_opts *o)
{
	memset(&S, 0, sizeof S);
	S.o = o;
	transport_plain(&S.plain, -1);
	S.sweep_ms = o->idle_ms;
	if (o->tls && (!S.sweep_ms || o->handshake_ms < S.sweep_ms))
		S.sweep_ms = o->handshake_ms;
	if (o->proto->init && o->proto->init(&o->cfg) < 0)
		return -1;
	S.loop = loop_new();
	if (!S.loop) {
		diag_err("cannot start the event loop: %s", strerror(errno));
		return -1;
	}
	S.admit = (struct admit){.loop = S.loop,
	                         .lfd = o->lfd,
	                         .on_client = add_client,
	                         .clients = clients,
	                         .on_datagram = o->udp ? on_datagram : NULL,
	                         .acl = o->acl,
	                         .max_clients = o->max_clients,
	                         /* none to a TLS client: it would read as a broken handshake */
	                         .busy = o->tls ? NULL : o->proto->busy,
	                         .where = o->where};
	if (o->in_fd >= 0 && o->proto->on_input) {
		frame_init(&S.stdin_fr, o->cfg.max_line);
		loop_watch(S.loop, o->in_fd, LOOP_READ, on_stdin, NULL);
	}
	return 0;
}

int server_run(const struct server_opts *o)
{
	static const struct admit_hooks hooks = {
	    .timers = timers, .round = round_done, .stop = begin_stop, .idle = flushed};
	int rc = EXIT_IO;

	if (start(o) == 0)
		rc = admit_run(&S.admit, o->stop, STOP_FLUSH_MS, &hooks);
	close_everyone();
	frame_free(&S.stdin_fr);
	loop_free(S.loop);
	return rc;
}
