/* transport.c: a connection read and written the same way whether it is a plain socket
 * or a TLS session (sockit(1), TLS): the byte movers (relay, HTTP client, servers) call
 * these, never send/recv or tls.c directly. */
#include "transport.h"

#include "clock.h"
#include "deadline.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void transport_plain(struct transport *t, int fd)
{
	memset(t, 0, sizeof *t);
	t->fd = fd;
	t->zero_copy_in = t->zero_copy_out = true;
	t->handshaken = true;
}

void transport_tls(struct transport *t, int fd, struct tls_conn *tls)
{
	memset(t, 0, sizeof *t);
	t->fd = fd;
	t->tls = tls;
}

void transport_free(struct transport *t)
{
	int fd = t->fd;

	if (t->tls)
		tls_conn_free(t->tls);
	transport_plain(t, fd);
}

/* The system call's failure as the seam reports it ("read: Connection reset by peer", as
 * net.h's words). */
static ssize_t sys_failure(struct transport *t, const char *what)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return TRANSPORT_WANT_READ; /* corrected by the writer */
	snprintf(t->err, sizeof t->err, "%s: %s", what, strerror(errno));
	return TRANSPORT_ENET;
}

int transport_handshake(struct transport *t)
{
	int rc;

	if (t->handshaken)
		return 0;
	if ((rc = tls_handshake(t->err, t->tls)) < 0)
		return rc;
	t->handshaken = true;
	/* the kernel encrypts what is written: splice and sendfile keep working */
	t->zero_copy_out = tls_ktls_send(t->tls);
	return 0;
}

/* transport_handshake until done or failed, polling between steps until end (0: none). */
static int handshake_polled(struct transport *t, int timeout_ms, long long end)
{
	int rc;

	while ((rc = transport_handshake(t)) == TRANSPORT_WANT_READ ||
	       rc == TRANSPORT_WANT_WRITE) {
		long long left = end ? end - clock_ms() : -1;
		if (end && left <= 0) {
			snprintf(t->err, sizeof t->err,
			         "TLS handshake timed out after %d.%03d s", timeout_ms / 1000,
			         timeout_ms % 1000);
			return TRANSPORT_ETIMEOUT;
		}
		if (net_poll(t->fd, (short)transport_events(rc), end ? (int)left : -1) < 0) {
			snprintf(t->err, sizeof t->err, "poll: %s", strerror(errno));
			return TRANSPORT_ENET;
		}
	}
	return rc;
}

int transport_handshake_wait(struct transport *t, int timeout_ms)
{
	long long end = timeout_ms > 0 ? clock_ms() + timeout_ms : 0;
	int fl = fcntl(t->fd, F_GETFL), rc;

	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(t->fd, F_SETFL, fl | O_NONBLOCK);
	rc = handshake_polled(t, timeout_ms, end);
	if (fl >= 0 && !(fl & O_NONBLOCK)) /* as it was */
		fcntl(t->fd, F_SETFL, fl);
	return rc;
}

ssize_t transport_read(struct transport *t, void *buf, size_t cap)
{
	ssize_t n;

	if (t->tls)
		return tls_read(t->err, t->tls, buf, cap);
	do
		n = recv(t->fd, buf, cap, 0);
	while (n < 0 && errno == EINTR);
	return n >= 0 ? n : sys_failure(t, "read");
}

ssize_t transport_write(struct transport *t, const void *buf, size_t len)
{
	ssize_t n;

	if (t->tls)
		return tls_write(t->err, t->tls, buf, len);
	do
		n = send(t->fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	n = sys_failure(t, "write");
	return n == TRANSPORT_WANT_READ ? TRANSPORT_WANT_WRITE : n;
}

int transport_write_all(struct transport *t, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = transport_write(t, p, len);
		if (n == TRANSPORT_WANT_READ || n == TRANSPORT_WANT_WRITE) {
			snprintf(t->err, sizeof t->err, "write: timed out");
			return TRANSPORT_ETIMEOUT;
		}
		if (n < 0)
			return (int)n;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int transport_shutdown_write(struct transport *t)
{
	int rc = 0;

	if (t->closed_write)
		return 0;
	if (t->tls)
		rc = tls_close_notify(t->err, t->tls);
	else if (shutdown(t->fd, SHUT_WR) < 0)
		rc = (int)sys_failure(t, "shutdown");
	if (rc == 0)
		t->closed_write = true;
	return rc == TRANSPORT_WANT_READ && !t->tls ? TRANSPORT_WANT_WRITE : rc;
}

size_t transport_pending(const struct transport *t)
{
	return t->tls ? tls_pending(t->tls) : 0;
}

short transport_events(ssize_t code)
{
	return code == TRANSPORT_WANT_READ    ? POLLIN
	       : code == TRANSPORT_WANT_WRITE ? POLLOUT
	                                      : 0;
}

const char *transport_tls_version(const struct transport *t)
{
	return t && t->tls ? tls_version(t->tls) : NULL;
}

char *transport_server_words(const struct transport *t, char *buf, size_t cap)
{
	struct tls_info i;

	tls_get_info(t->tls, &i);
	snprintf(buf, cap, "%s %s, client certificate: %s, %s", i.version, i.cipher,
	         i.have_cert ? i.subject : "none",
	         t->zero_copy_out ? "kernel TLS (sendfile)" : "copy path (no kernel TLS)");
	return buf;
}

int transport_accept_wait(struct transport *t, struct tls_ctx *ctx, int fd, int timeout_ms)
{
	char why[TLS_ERR_LEN];
	struct tls_conn *conn;
	int rc;

	transport_plain(t, fd);
	if (!(conn = tls_server_new(t->err, ctx, fd)))
		return TRANSPORT_EFAIL;
	transport_tls(t, fd, conn);
	if ((rc = transport_handshake_wait(t, timeout_ms)) == 0)
		return 0;
	bool silent = tls_peer_silent(conn);
	net_drop_input(fd);
	memcpy(why, t->err, sizeof why); /* transport_free clears it */
	transport_free(t);
	memcpy(t->err, why, sizeof why);
	t->peer_silent = silent;
	return rc;
}
