/* proto.h: the protocols of `serve` as a table, and the little a protocol may ask of the
 * server. A protocol never touches a socket; the server never knows what CALC means. */
#ifndef PROTO_H
#define PROTO_H

#include "frame.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn; /* one client connection, owned by the server */

/* What a protocol's configuration may hold (from serve's options). */
struct proto_config {
	size_t max_line;      /* --max-line */
	const char *greeting; /* --greeting, or NULL for the protocol's default */
	char **quotes;        /* qotd: the quotes, or NULL for the built-in ones */
	size_t nquotes;
	int out_fd;       /* where chat writes its log: stdout */
	const char *root; /* http: --root, the directory served, or NULL */
	bool once;        /* echo: --once, close after answering the first read */
	int idle_ms;      /* --idle-timeout (0: none); http: also the time a head may take */
};

/* Why a connection ends, for on_close. */
enum proto_close {
	PROTO_CLOSE_NORMAL, /* the client left, or the protocol closed it */
	PROTO_CLOSE_SLOW,   /* its unsent output passed the cap: dropped */
	PROTO_CLOSE_IDLE,   /* --idle-timeout */
	PROTO_CLOSE_ERROR,  /* reset, or another socket error */
	PROTO_CLOSE_STOP,   /* the server is stopping */
};

/* When a client's unsent output passes out_cap: stop reading it, or drop it. */
enum proto_overflow { PROTO_THROTTLE, PROTO_DROP };

struct proto {
	const char *name;
	bool udp;          /* may be served over UDP */
	bool own_greeting; /* sends --greeting itself; else the server sends it first */
	enum proto_overflow overflow;
	size_t out_cap;   /* unsent output allowed per client, in bytes */
	const char *busy; /* sent to a client over --max-clients, or NULL */
	/* Called once before serving; returns 0, or -1 after printing why. */
	int (*init)(const struct proto_config *cfg);
	/* A client arrived. */
	void (*on_open)(struct conn *c);
	/* Bytes from the client (borrowed for the duration of the call). */
	void (*on_data)(struct conn *c, const char *buf, size_t len);
	/* The client will send nothing more (EOF or half-close); the server closes the
	 * connection once the protocol's output is flushed. */
	void (*on_eof)(struct conn *c);
	/* The file handed to conn_sendfile has gone out whole: the protocol may write again. */
	void (*on_drain)(struct conn *c);
	/* The connection is going away; its output can no longer be written. */
	void (*on_close)(struct conn *c, enum proto_close why);
	/* UDP: one datagram in; writes the reply into out (cap bytes) and returns its
	 * length, or -1 for no reply. */
	long (*on_datagram)(const char *in, size_t len, char *out, size_t cap);
	/* A line typed on the server's stdin (chat), without its newline. */
	void (*on_input)(const char *line, size_t len);
};

/* The protocol named name, or NULL. */
const struct proto *proto_find(const char *name);
/* The names of every protocol, space-separated, for help and completion. */
const char *proto_names(void);

/* The protocols (proto_*.c). */
extern const struct proto proto_echo, proto_discard, proto_daytime, proto_qotd, proto_greet,
    proto_calc, proto_chat, proto_http;

/* What a protocol may do with its connection (implemented by server.c). */
/* Queues bytes for the client; they are sent as soon as the socket takes them. */
void conn_write(struct conn *c, const void *buf, size_t len);
/* The bytes that may still be queued for the client before its output reaches the
 * protocol's out_cap. A protocol that stops taking lines for want of room (in on_data or
 * on_drain) leaves the rest in its frame reader (conn_frames; fed there if it reads with
 * its own): the server keeps it, stops reading the client, and calls on_data again (with
 * those bytes) once the client has read enough of its replies. */
size_t conn_room(const struct conn *c);
/*
 * After what was written so far, sends len bytes of fd from off (sendfile(2) on Linux) as
 * the socket takes them, so a slow reader is throttled and the file is never held in
 * memory. The connection owns fd and closes it. The client is not read, and the protocol
 * writes nothing, until on_drain says the file went out whole.
 */
void conn_sendfile(struct conn *c, int fd, uint64_t off, uint64_t len);
/* Closes the connection once what was queued has been sent. */
void conn_close(struct conn *c);
/* True once the protocol (or the server) has decided to close the connection. */
bool conn_is_closing(const struct conn *c);
/* The protocol's per-connection pointer (NULL at first). */
void *conn_data(struct conn *c);
void conn_set_data(struct conn *c, void *data);
/* The connection's line reader, bounded by --max-line (idle, it holds no memory). */
struct frame_reader *conn_frames(struct conn *c);
/* The peer's address as text ("127.0.0.1:5555"). */
const char *conn_peer(struct conn *c);

/* Writes the current UTC time as "2026-11-21T19:30:00Z" (21 bytes with the NUL). */
void proto_utc_now(char out[21]);

#endif
