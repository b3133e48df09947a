/* transport.h: the one seam every byte mover reads and writes a connection through: a
 * plain socket, or a TLS session over one (tls.h). The mover asks whether the bytes may
 * take the zero-copy path (splice/sendfile on the fd itself) and, on a non-blocking
 * socket, what a step that could not finish is waiting for.
 *
 * Return values (every call): a count >= 0, or one of
 *   TRANSPORT_WANT_READ / TRANSPORT_WANT_WRITE: nothing done; poll the fd for
 *     transport_events() of that code and call again (a TLS read may need to write,
 *     a TLS write to read);
 *   TRANSPORT_ENET (errno kept), TRANSPORT_ETRUNC, TRANSPORT_EFAIL, TRANSPORT_ETIMEOUT:
 *     failures with t->err in words; the negated code is the exit status. */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include "tls.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	TRANSPORT_ENET = TLS_ENET,
	TRANSPORT_ETIMEOUT = TLS_ETIMEOUT,
	TRANSPORT_ETRUNC = TLS_ETRUNC,
	TRANSPORT_EFAIL = TLS_EFAIL,
	TRANSPORT_WANT_READ = TLS_WANT_READ,
	TRANSPORT_WANT_WRITE = TLS_WANT_WRITE,
};

struct transport {
	int fd;               /* the socket (the caller's: transport_free leaves it open) */
	struct tls_conn *tls; /* NULL: a plain socket */
	bool zero_copy_out;   /* writes may be spliced/sendfile'd into fd (plain, or kTLS) */
	bool zero_copy_in;    /* reads may be spliced from fd (plain only) */
	bool handshaken;      /* TLS: the handshake is done (plain: always) */
	bool closed_write;    /* FIN or close_notify sent */
	bool peer_silent;     /* a failed TLS accept: the client closed having sent nothing */
	char err[TLS_ERR_LEN];
};

/* A plain socket: every call is the system call. */
void transport_plain(struct transport *t, int fd);
/* A TLS session over fd (made by tls_client_new or tls_server_new); t owns tls. */
void transport_tls(struct transport *t, int fd, struct tls_conn *tls);
/* Frees the TLS session (not the fd). t stays a plain transport of the same fd. */
void transport_free(struct transport *t);

/* One non-blocking handshake step: 0 when done (always for plain), TRANSPORT_WANT_*,
 * or TRANSPORT_EFAIL / TRANSPORT_ENET with t->err. */
int transport_handshake(struct transport *t);
/* The whole handshake on a blocking or non-blocking fd (left as it was), bounded by
 * timeout_ms (0: none): 0, TRANSPORT_ETIMEOUT ("TLS handshake timed out after 3 s"),
 * or the failure of transport_handshake. */
int transport_handshake_wait(struct transport *t, int timeout_ms);

/* Reads at most cap bytes: the count, 0 at the peer's clean end, TRANSPORT_WANT_*, or a
 * failure (a reset is TRANSPORT_ENET with errno ECONNRESET). EINTR is retried. On a
 * blocking socket with an io timeout (net_set_io_timeout), WANT_* means it ran out. */
ssize_t transport_read(struct transport *t, void *buf, size_t cap);
/* Writes at most len bytes (never SIGPIPE): the count taken, TRANSPORT_WANT_*, or a
 * failure (errno EPIPE / ECONNRESET kept for TRANSPORT_ENET). */
ssize_t transport_write(struct transport *t, const void *buf, size_t len);
/* Writes all of buf to a blocking socket: 0, TRANSPORT_ETIMEOUT (its io timeout ran
 * out), or a failure. */
int transport_write_all(struct transport *t, const void *buf, size_t len);
/* Half-closes: shutdown(SHUT_WR), or TLS's close_notify. 0, TRANSPORT_WANT_WRITE, or a
 * failure. Once done, later calls return 0. */
int transport_shutdown_write(struct transport *t);
/* Bytes a read returns without the fd polling readable (TLS buffers; plain: 0). */
size_t transport_pending(const struct transport *t);
/* The poll(2) events a WANT code waits for (POLLIN or POLLOUT); 0 for other codes. */
short transport_events(ssize_t code);
/* A server's TLS session of ctx over the accepted fd, its whole handshake bounded by
 * timeout_ms. Returns 0 with t the session, or a failure with t->err in words (and
 * t->peer_silent if the client closed without a byte); t is then plain, and what the
 * client sent was dropped (a close with unread bytes is a reset,
 * which could overtake the alert that tells the client why). */
int transport_accept_wait(struct transport *t, struct tls_ctx *ctx, int fd, int timeout_ms);
/* The TLS version agreed ("TLSv1.3"; "" before the handshake is done), or NULL for a
 * plain socket. */
const char *transport_tls_version(const struct transport *t);
/* A server's -v words for its session, once handshaken: "TLSv1.3 TLS_AES_256_GCM_SHA384,
 * client certificate: CN=alice, copy path (no kernel TLS)". Returns buf. */
char *transport_server_words(const struct transport *t, char *buf, size_t cap);

#endif
