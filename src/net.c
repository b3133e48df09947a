/* net.c: resolve, connect with a timeout over every address, listen, accept, format
 * addresses, match access lists. Errors go to the caller's buffer, never to stderr. */
#include "net.h"

#include "clock.h"
#include "diag.h"
#include "parse.h"
#include "splice.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/errqueue.h>
#endif

/* A command returns -code as its exit status: the two lists must not drift apart. */
_Static_assert(-NET_EUSAGE == EXIT_USAGE, "NET_EUSAGE is exit 2");
_Static_assert(-NET_ERESOLVE == EXIT_RESOLVE, "NET_ERESOLVE is exit 3");
_Static_assert(-NET_ENET == EXIT_NET, "NET_ENET is exit 4");
_Static_assert(-NET_ETIMEOUT == EXIT_TIMEOUT, "NET_ETIMEOUT is exit 5");
_Static_assert(-NET_EIO == EXIT_IO, "NET_EIO is exit 7");

static int fail(char *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, NET_ERR_LEN, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* A close-on-exec socket; SOCK_CLOEXEC where the system has it, fcntl elsewhere. */
static int open_socket(int family, int socktype, int protocol)
{
#ifdef SOCK_CLOEXEC
	return socket(family, socktype | SOCK_CLOEXEC, protocol);
#else
	int fd = socket(family, socktype, protocol);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
#endif
}

static void close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

int net_check_port(char *err, const char *port, bool allow_zero, int socktype)
{
	unsigned n;

	if (parse_port(port, allow_zero, &n) == 0)
		return 0;
	if (parse_is_service_name(port) &&
	    getservbyname(port, socktype == SOCK_DGRAM ? "udp" : "tcp") != NULL)
		return 0;
	if (parse_is_service_name(port))
		return fail(err, NET_EUSAGE, "unknown service '%s'", port);
	return fail(err, NET_EUSAGE, "invalid port '%.40s'%s", port,
	            allow_zero ? " (0-65535)" : " (1-65535)");
}

int net_resolve(char *err, const char *host, const char *port, int family, int socktype,
                int flags, struct addrinfo **res)
{
	struct addrinfo hints;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = flags;
	rc = getaddrinfo(host, port, &hints, res);
	if (rc == 0)
		return 0;
	if (rc == EAI_SYSTEM)
		return fail(err, NET_ERESOLVE, "%.200s: %s", host ? host : "*",
		            strerror(errno));
	return fail(err, NET_ERESOLVE, "%.200s: %s", host ? host : "*", gai_strerror(rc));
}

int net_reverse(char *err, const char *addr, int family, char *name, size_t cap)
{
	struct addrinfo *res;
	int rc;

	if (net_resolve(err, addr, NULL, AF_UNSPEC, SOCK_STREAM, AI_NUMERICHOST, &res) < 0)
		return fail(err, NET_EUSAGE, "'%.200s' is not an IP address", addr);
	if (family != AF_UNSPEC && res->ai_family != family) {
		/* in the words of glibc's EAI_ADDRFAMILY, as a forward lookup of -4 ::1 */
		freeaddrinfo(res);
		return fail(err, NET_ERESOLVE,
		            "%.200s: Address family for hostname not supported", addr);
	}
	family = res->ai_family;
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, name, (socklen_t)cap, NULL, 0,
	                 NI_NAMEREQD);
	freeaddrinfo(res);
	if (rc == EAI_SYSTEM)
		return fail(err, NET_ERESOLVE, "%.200s: %s", addr, strerror(errno));
	if (rc != 0)
		return fail(err, NET_ERESOLVE, "%.200s: %s", addr, gai_strerror(rc));
	return family;
}

char *net_describe(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[NET_ADDR_LEN];
	unsigned port = 0;

	net_format_host(sa, len, host, sizeof host);
	if (sa->sa_family == AF_INET)
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	else if (sa->sa_family == AF_INET6)
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	snprintf(buf, cap, "%s port %u", host, port);
	return buf;
}

static int bind_source(char *err, int fd, const struct net_peer *p, int family)
{
	struct addrinfo *res;
	int one = 1, rc;

	rc = net_resolve(err, p->src_host, p->src_port, family, p->socktype, AI_PASSIVE, &res);
	if (rc < 0)
		return rc;
	if (p->src_port)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	rc = bind(fd, res->ai_addr, res->ai_addrlen);
	if (rc < 0) {
		char where[NET_ADDR_LEN];
		net_format(res->ai_addr, res->ai_addrlen, where, sizeof where);
		rc = fail(err, NET_ENET, "bind to %s: %s", where, strerror(errno));
	}
	freeaddrinfo(res);
	return rc;
}

/* The pending error of a socket (SO_ERROR), or 0. */
static int net_socket_error(int fd)
{
	int soerr = 0;
	socklen_t len = sizeof soerr;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return errno;
	return soerr;
}

/* As OpenBSD nc's timeout_connect: a non-blocking connect, poll for writable, then the
 * verdict from SO_ERROR. Returns 0, or -1 with errno (ETIMEDOUT when the time ran out). */
static int connect_timed(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	int flags = fcntl(fd, F_GETFL), rc, soerr;

	if (timeout_ms <= 0)
		return connect(fd, sa, len);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	rc = connect(fd, sa, len);
	if (rc < 0 && errno == EINPROGRESS) {
		rc = net_poll(fd, POLLOUT, timeout_ms);
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc > 0) {
			soerr = net_socket_error(fd);
			rc = soerr ? -1 : 0;
			errno = soerr;
		}
	}
	if (rc == 0)
		fcntl(fd, F_SETFL, flags);
	return rc;
}

static int connect_one(char *err, const struct net_peer *p, const struct addrinfo *ai)
{
	char who[NET_PEER_LEN];
	int fd, rc;

	net_describe(ai->ai_addr, ai->ai_addrlen, who, sizeof who);
	fd = open_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0)
		return fail(err, NET_ENET, "%s: socket: %s", who, strerror(errno));
	if (p->src_host || p->src_port) {
		rc = bind_source(err, fd, p, ai->ai_family);
		if (rc < 0) {
			close(fd);
			return rc;
		}
	}
	if (connect_timed(fd, ai->ai_addr, ai->ai_addrlen, p->timeout_ms) == 0)
		return fd;
	rc = errno == ETIMEDOUT ? NET_ETIMEOUT : NET_ENET;
	fail(err, rc, "%s: %s", who, strerror(errno));
	close(fd);
	return rc;
}

/*
 * A numeric address and port need no getaddrinfo(3): no netlink query for AI_ADDRCONFIG, no
 * nscd, no resolver code paged in, no heap. Fills ai (pointing at ss), or returns -1.
 */
static int literal_peer(const struct net_peer *p, struct sockaddr_storage *ss,
                        struct addrinfo *ai)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	unsigned port;

	memset(ss, 0, sizeof *ss);
	memset(ai, 0, sizeof *ai);
	if (p->src_host || p->src_port || parse_port(p->port, false, &port) < 0)
		return -1;
	if (p->family != AF_INET6 && inet_pton(AF_INET, p->host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		ai->ai_addrlen = sizeof *sin;
	} else if (p->family != AF_INET &&
	           inet_pton(AF_INET6, p->host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		ai->ai_addrlen = sizeof *sin6;
	} else {
		return -1;
	}
	ai->ai_family = ss->ss_family;
	ai->ai_socktype = p->socktype;
	ai->ai_addr = (struct sockaddr *)ss;
	return 0;
}

int net_resolve_peer(char *err, const struct net_peer *p, struct addrinfo **res)
{
	int rc = net_resolve(err, p->host, p->port, p->family, p->socktype, AI_ADDRCONFIG, res);

	if (rc == NET_ERESOLVE) /* AI_ADDRCONFIG hides ::1 on a host with IPv4 only */
		rc = net_resolve(err, p->host, p->port, p->family, p->socktype, 0, res);
	return rc;
}

int net_connect(char *err, const struct net_peer *p)
{
	struct sockaddr_storage ss;
	struct addrinfo lit, *res, *ai;
	int rc;

	if (literal_peer(p, &ss, &lit) == 0)
		return connect_one(err, p, &lit);
	rc = net_resolve_peer(err, p, &res);
	if (rc < 0)
		return rc;
	for (ai = res; ai; ai = ai->ai_next) {
		rc = connect_one(err, p, ai);
		if (rc >= 0)
			break;
	}
	freeaddrinfo(res);
	return rc;
}

static int unix_address(char *err, const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path)
		return fail(err, NET_EUSAGE, "socket path too long: %.60s...", path);
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

int net_pair(char *err, int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return fail(err, NET_ENET, "socketpair: %s", strerror(errno));
	return 0;
}

int net_check_unix_path(char *err, const char *path)
{
	struct sockaddr_un sun;

	return unix_address(err, path, &sun);
}

int net_connect_unix(char *err, const char *path, int socktype)
{
	struct sockaddr_un sun;
	int fd, rc;

	if ((rc = unix_address(err, path, &sun)) < 0)
		return rc;
	fd = open_socket(AF_UNIX, socktype, 0);
	if (fd < 0)
		return fail(err, NET_ENET, "%.200s: socket: %s", path, strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		fail(err, NET_ENET, "%.200s: %s", path, strerror(errno));
		close(fd);
		return NET_ENET;
	}
	return fd;
}

static int listen_on(char *err, const struct sockaddr *sa, socklen_t len, int socktype,
                     int backlog, int v6only)
{
	char where[NET_ADDR_LEN];
	int one = 1, fd;

	fd = open_socket(sa->sa_family, socktype, 0);
	if (fd < 0)
		return -1;
	if (socktype == SOCK_STREAM && sa->sa_family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (sa->sa_family == AF_INET6 && v6only >= 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	if (bind(fd, sa, len) < 0 || (socktype == SOCK_STREAM && listen(fd, backlog) < 0)) {
		net_format(sa, len, where, sizeof where);
		fail(err, NET_ENET, "bind %s: %s", where, strerror(errno));
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

/* Every interface: "::" taking IPv4 too, or 0.0.0.0 where there is no IPv6. */
static int listen_any(char *err, const char *port, int family, int socktype, int backlog)
{
	struct addrinfo *res;
	int fd, rc, v6only;

	if (family == AF_UNSPEC || family == AF_INET6) {
		v6only = family == AF_INET6;
		rc = net_resolve(err, "::", port, AF_INET6, socktype,
		                 AI_PASSIVE | AI_NUMERICHOST, &res);
		if (rc < 0)
			return rc;
		fd = listen_on(err, res->ai_addr, res->ai_addrlen, socktype, backlog, v6only);
		freeaddrinfo(res);
		if (fd >= 0 || family == AF_INET6 ||
		    (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL &&
		     errno != EPROTONOSUPPORT))
			return fd >= 0 ? fd : NET_ENET;
	}
	rc = net_resolve(err, "0.0.0.0", port, AF_INET, socktype, AI_PASSIVE | AI_NUMERICHOST,
	                 &res);
	if (rc < 0)
		return rc;
	fd = listen_on(err, res->ai_addr, res->ai_addrlen, socktype, backlog, -1);
	freeaddrinfo(res);
	return fd >= 0 ? fd : NET_ENET;
}

int net_listen(char *err, const char *host, const char *port, int family, int socktype,
               int backlog)
{
	struct addrinfo *res, *ai;
	int fd = NET_ENET, rc;

	if (!host)
		return listen_any(err, port, family, socktype, backlog);
	rc = net_resolve(err, host, port, family, socktype, AI_PASSIVE, &res);
	if (rc < 0)
		return rc;
	for (ai = res; ai; ai = ai->ai_next) {
		/* a named IPv6 address means that address only */
		fd = listen_on(err, ai->ai_addr, ai->ai_addrlen, socktype, backlog, 1);
		if (fd >= 0)
			break;
		fd = NET_ENET;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * A socket file nobody listens on is left over from a server that died: replace it.
 * The probe is of the other socket type: a live socket then answers EPROTOTYPE instead
 * of accepting the probe as a client (a raw server would serve it, and end), while a
 * dead one is ECONNREFUSED to either type.
 */
static void remove_stale_socket(const char *path, const struct sockaddr_un *sun, int socktype)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return;
	fd = open_socket(AF_UNIX, socktype == SOCK_STREAM ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return;
	if (connect(fd, (const struct sockaddr *)sun, sizeof *sun) < 0 && errno == ECONNREFUSED)
		unlink(path);
	close(fd);
}

int net_listen_unix(char *err, const char *path, int socktype, int backlog)
{
	struct sockaddr_un sun;
	int fd, rc;

	if ((rc = unix_address(err, path, &sun)) < 0)
		return rc;
	remove_stale_socket(path, &sun, socktype);
	fd = listen_on(err, (struct sockaddr *)&sun, sizeof sun, socktype, backlog, -1);
	return fd >= 0 ? fd : NET_ENET;
}

int net_accept(char *err, int lfd, bool nonblock, struct sockaddr_storage *ss, socklen_t *len)
{
	int fd;

	*len = sizeof *ss;
	do {
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
		fd = accept4(lfd, (struct sockaddr *)ss, len,
		             SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
#else
		fd = accept(lfd, (struct sockaddr *)ss, len);
		if (fd >= 0) {
			fcntl(fd, F_SETFD, FD_CLOEXEC);
			if (nonblock)
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		}
#endif
	} while (fd < 0 && errno == EINTR);
	if (fd < 0 && err)
		fail(err, -1, "accept: %s", strerror(errno));
	return fd;
}

int net_udp_peek_sender(char *err, int fd, struct sockaddr_storage *ss, socklen_t *len)
{
	char byte;

	*len = sizeof *ss;
	if (recvfrom(fd, &byte, 1, MSG_PEEK, (struct sockaddr *)ss, len) < 0)
		return fail(err, NET_ENET, "recvfrom: %s", strerror(errno));
	return 0;
}

void net_udp_drop(int fd)
{
	char byte;

	(void)!recv(fd, &byte, 1, MSG_DONTWAIT);
}

int net_udp_connect(char *err, int fd, const struct sockaddr *sa, socklen_t len)
{
	char who[NET_ADDR_LEN];

	if (connect(fd, sa, len) == 0)
		return 0;
	return fail(err, NET_ENET, "%s: %s", net_format(sa, len, who, sizeof who),
	            strerror(errno));
}

/*
 * The UDP client socket is left unconnected, so that a datagram from any other address
 * still reaches us, to be ignored and logged; a connected one would have the kernel drop
 * it unseen. An unconnected socket hears of ICMP errors (port unreachable) only through
 * IP_RECVERR: the error is queued with the address of the datagram that caused it, and
 * the pending socket error makes the next call fail with ECONNREFUSED. Elsewhere the
 * socket is connected: errors are reported, other senders are filtered by the kernel.
 */
#if defined(__linux__) && defined(IP_RECVERR) && defined(IPV6_RECVERR)
#define UDP_RECVERR 1
#endif

int net_udp_open(char *err, const struct addrinfo *ai)
{
	char who[NET_PEER_LEN];
	int one = 1, fd, size = 0;
	socklen_t len = sizeof size;

	net_describe(ai->ai_addr, ai->ai_addrlen, who, sizeof who);
	fd = open_socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return fail(err, NET_ENET, "%s: socket: %s", who, strerror(errno));
	/* the largest datagram must go out whole (BSD's default buffer is 9 KiB) */
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &len) == 0 && size < 65536) {
		size = 65536;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	}
#ifdef UDP_RECVERR
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
#else
	(void)one;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		fail(err, NET_ENET, "%s: %s", who, strerror(errno));
		close(fd);
		return NET_ENET;
	}
#endif
	return fd;
}

/* Takes the oldest ICMP error queued on fd: its errno (0 if none), and the address the
 * failed datagram went to. Reading the queue also clears the socket's pending error, so
 * poll does not report POLLERR for it again. */
static int take_queued_error(int fd, struct sockaddr_storage *dst, socklen_t *dstlen)
{
#ifdef UDP_RECVERR
	char ctl[512];
	struct msghdr msg = {.msg_name = dst,
	                     .msg_namelen = sizeof *dst,
	                     .msg_control = ctl,
	                     .msg_controllen = sizeof ctl};
	struct sock_extended_err ee;
	struct cmsghdr *cm;
	int e = 0;

	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return 0;
	*dstlen = msg.msg_namelen;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
		    (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)) {
			memcpy(&ee, CMSG_DATA(cm), sizeof ee);
			e = (int)ee.ee_errno;
		}
	}
	return e;
#else
	*dstlen = sizeof *dst;
	if (getpeername(fd, (struct sockaddr *)dst, dstlen) < 0)
		*dstlen = 0;
	return 0;
#endif
}

/* A failed send or receive: the error (e, or the queued one), named after its peer. */
static int udp_error(char *err, int fd, int e, const struct addrinfo *to)
{
	struct sockaddr_storage dst;
	socklen_t dstlen = 0;
	char who[NET_PEER_LEN] = "udp";
	int queued = take_queued_error(fd, &dst, &dstlen);

	if (e == 0)
		e = queued ? queued : net_socket_error(fd);
	if (e == 0)
		return fail(err, NET_ETIMEOUT, "no datagram yet");
	if (to)
		net_describe(to->ai_addr, to->ai_addrlen, who, sizeof who);
	else if (dstlen > 0)
		net_describe((struct sockaddr *)&dst, dstlen, who, sizeof who);
	return fail(err, NET_ENET, "%s: %s", who, strerror(e));
}

int net_udp_send(char *err, int fd, const void *buf, size_t len, const struct addrinfo *to)
{
	ssize_t n;

	do {
#ifdef UDP_RECVERR
		n = sendto(fd, buf, len, 0, to->ai_addr, to->ai_addrlen);
#else
		n = send(fd, buf, len, 0);
#endif
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	return udp_error(err, fd, n < 0 ? errno : EMSGSIZE, to);
}

long net_udp_recv(char *err, int fd, void *buf, size_t cap, int timeout_ms,
                  struct sockaddr_storage *from, socklen_t *fromlen)
{
	ssize_t n;
	int rc = net_poll(fd, POLLIN, timeout_ms);

	if (rc < 0)
		return fail(err, NET_ENET, "poll: %s", strerror(errno));
	if (rc == 0)
		return fail(err, NET_ETIMEOUT, "no datagram within %d ms", timeout_ms);
	*fromlen = sizeof *from;
	n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, fromlen);
	if (n >= 0)
		return (long)n;
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return udp_error(err, fd, errno, NULL);
	/* POLLERR without a datagram: an error a send already reported, still queued */
	if (rc & POLLERR)
		return udp_error(err, fd, 0, NULL);
	return fail(err, NET_ETIMEOUT, "no datagram yet");
}

int net_set_nonblock(char *err, int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return fail(err, NET_ENET, "fcntl: %s", strerror(errno));
	flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFL, flags) < 0)
		return fail(err, NET_ENET, "fcntl: %s", strerror(errno));
	return 0;
}

/* A sender that queues megabytes ahead of the window leaves them to be sent from the ACK
 * that opens it, in the receiver's time: on loopback its whole TCP send path runs on the
 * receiver's CPU. With little unsent, each write (sendfile, splice) sends its own bytes.
 * Bytes in flight are not bounded by this, so a long fat path loses nothing. */
#define NET_UNSENT_MAX (16 * 1024)

void net_keep_unsent_small(int fd)
{
#ifdef TCP_NOTSENT_LOWAT
	int v = NET_UNSENT_MAX;

	setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, sizeof v); /* ENOPROTOOPT: UNIX */
#else
	(void)fd;
#endif
}

void net_close_reset(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

int net_shutdown_write(char *err, int fd)
{
	if (shutdown(fd, SHUT_WR) == 0 || errno == ENOTCONN)
		return 0;
	return fail(err, NET_ENET, "shutdown: %s", strerror(errno));
}

void net_drop_input(int fd)
{
	char buf[65536];

	for (int i = 0; i < 16 && recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0; i++)
		;
}

bool net_tcp_ended(int fd)
{
#ifdef __linux__
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0)
		return ti.tcpi_state == TCP_CLOSE;
#endif
	(void)fd;
	return false;
}

int net_set_io_timeout(char *err, int fd, int timeout_ms)
{
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000};

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
		return fail(err, NET_ENET, "setsockopt: %s", strerror(errno));
	return 0;
}

/* The kernel keeps the idle timer: one read(2) per buffer, no poll(2) beside it. */
ssize_t net_read(char *err, int fd, void *buf, size_t cap)
{
	ssize_t n;

	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	/* a blocking socket whose SO_RCVTIMEO ran out reports EAGAIN */
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return fail(err, NET_ETIMEOUT, "read: timed out");
	return fail(err, NET_ENET, "read: %s", strerror(errno));
}

/* A write to the socket failed (errno e): its io timeout, or the connection. */
static int write_error(char *err, int e)
{
	if (e == EAGAIN || e == EWOULDBLOCK)
		return fail(err, NET_ETIMEOUT, "write: timed out");
	return fail(err, NET_ENET, "write: %s", strerror(e));
}

int net_write_all(char *err, int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return write_error(err, errno);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The local end (a file, stdout) failed doing what, with errno e, which is kept. */
static int local_error(char *err, const char *what, int e)
{
	fail(err, NET_EIO, "%s: %s", what, strerror(e));
	errno = e;
	return NET_EIO;
}

ssize_t net_splice_in(char *err, struct splice_mover *m, int fd, int dst, size_t len)
{
	ssize_t n = splice_move(m, fd, dst, len);
	int e = errno;

	if (n >= 0)
		return n;
	if (n == SPLICE_EDST)
		return local_error(err, "write", e);
	/* SO_RCVTIMEO bounds splice(2) from a socket as it bounds read(2) */
	if (e == EAGAIN || e == EWOULDBLOCK)
		return fail(err, NET_ETIMEOUT, "read: timed out");
	return fail(err, NET_ENET, "read: %s", strerror(e));
}

int net_wait_readable(int fd, int timeout_ms)
{
	return net_poll(fd, POLLIN, timeout_ms) != 0; /* a failed poll: the read says why */
}

int net_poll(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	long long end = timeout_ms > 0 ? clock_ms() + timeout_ms : 0;
	int rc;

	while ((rc = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		if (end && (timeout_ms = (int)(end - clock_ms())) < 0)
			timeout_ms = 0; /* one last look, so that the answer is poll's */
	return rc > 0 ? pfd.revents : rc;
}

ssize_t net_send_file(char *err, int fd, int file, off_t *off, size_t len)
{
	ssize_t n = splice_file(fd, file, off, len);
	int e = errno;

	if (n >= 0)
		return n;
	return n == SPLICE_ESRC ? local_error(err, "read", e) : write_error(err, e);
}

static bool is_v4_mapped(const struct sockaddr_in6 *s6)
{
	static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(s6->sin6_addr.s6_addr, prefix, sizeof prefix) == 0;
}

char *net_format_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	buf[0] = '\0';
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
		          (socklen_t)cap);
	else if (sa->sa_family == AF_INET6 && is_v4_mapped(s6))
		inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, buf, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)cap);
	else if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
		size_t n =
		    len > offsetof(struct sockaddr_un, sun_path)
		        ? strnlen(sun->sun_path, len - offsetof(struct sockaddr_un, sun_path))
		        : 0;
		/* a client socket is unnamed: a precision of 0 would print nothing at all */
		if (n > 0)
			snprintf(buf, cap, "%.*s", (int)n, sun->sun_path);
		else
			snprintf(buf, cap, "unix");
	}
	return buf;
}

char *net_format_numeric(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	if (getnameinfo(sa, len, buf, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(buf, cap, "?");
	return buf;
}

bool net_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;

	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       memcmp(&a4->sin_addr, &b4->sin_addr, sizeof a4->sin_addr) == 0;
	if (a->sa_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof a6->sin6_addr) == 0;
	return false;
}

char *net_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[NET_ADDR_LEN];
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	net_format_host(sa, len, host, sizeof host);
	if (sa->sa_family == AF_INET)
		snprintf(buf, cap, "%s:%u", host,
		         ntohs(((const struct sockaddr_in *)sa)->sin_port));
	else if (sa->sa_family == AF_INET6 && is_v4_mapped(s6))
		snprintf(buf, cap, "%s:%u", host, ntohs(s6->sin6_port));
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, cap, "[%s]:%u", host, ntohs(s6->sin6_port));
	else
		snprintf(buf, cap, "%s", host);
	return buf;
}

/* One end of a socket as text: its own address (getsockname) or its peer's. */
static char *format_end(int fd, bool peer, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
	              : getsockname(fd, (struct sockaddr *)&ss, &len);

	if (rc < 0) {
		snprintf(buf, cap, "?");
		return buf;
	}
	return net_format((struct sockaddr *)&ss, len, buf, cap);
}

char *net_format_local(int fd, char *buf, size_t cap)
{
	return format_end(fd, false, buf, cap);
}

char *net_format_peer(int fd, char *buf, size_t cap)
{
	return format_end(fd, true, buf, cap);
}

int net_cidr_parse(const char *s, struct net_cidr *c)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long long bits;

	if (n == 0 || n >= sizeof addr)
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, addr, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, c->addr) == 1)
		c->family = AF_INET6;
	else
		return -1;
	int max = c->family == AF_INET ? 32 : 128;
	if (!slash)
		bits = max;
	else if (parse_count(slash + 1, 0, max, &bits) < 0)
		return -1;
	c->bits = (int)bits;
	return 0;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

bool net_cidr_match(const struct net_cidr *c, const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET && c->family == AF_INET)
		return prefix_equal(
		    c->addr, (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr,
		    c->bits);
	if (sa->sa_family != AF_INET6)
		return false;
	if (c->family == AF_INET6)
		return prefix_equal(c->addr, s6->sin6_addr.s6_addr, c->bits);
	return is_v4_mapped(s6) && prefix_equal(c->addr, s6->sin6_addr.s6_addr + 12, c->bits);
}

bool net_acl_permits(const struct net_acl *acl, const struct sockaddr *sa)
{
	for (size_t i = 0; i < acl->ndeny; i++)
		if (net_cidr_match(&acl->deny[i], sa))
			return false;
	if (acl->nallow == 0)
		return true;
	for (size_t i = 0; i < acl->nallow; i++)
		if (net_cidr_match(&acl->allow[i], sa))
			return true;
	return false;
}

/* ---- for `wait`: connects driven by the caller's poll, and bare reasons ---------------- */

const char *net_err_reason(const char *err)
{
	const char *p, *last = NULL;

	for (p = err; (p = strstr(p, ": ")) != NULL; p += 2)
		last = p + 2;
	return last ? last : err;
}

int net_connect_start(char *err, const struct sockaddr *sa, socklen_t len)
{
#ifdef SOCK_NONBLOCK /* born non-blocking: no fcntl(2) pair per connection */
	int fd = open_socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
#else
	int fd = open_socket(sa->sa_family, SOCK_STREAM, 0);
#endif

	if (fd < 0)
		return fail(err, NET_ENET, "socket: %s", strerror(errno));
#ifndef SOCK_NONBLOCK
	if (net_set_nonblock(err, fd, true) < 0) {
		close(fd);
		return NET_ENET;
	}
#endif
	if (connect(fd, sa, len) == 0 || errno == EINPROGRESS)
		return fd;
	fail(err, NET_ENET, "%s", strerror(errno));
	close(fd);
	return NET_ENET;
}

int net_connect_start_unix(char *err, const char *path)
{
	struct sockaddr_un sun;
	int rc = unix_address(err, path, &sun);

	return rc < 0 ? rc : net_connect_start(err, (struct sockaddr *)&sun, sizeof sun);
}

int net_connect_result(char *err, int fd)
{
	int soerr = net_socket_error(fd);

	if (soerr)
		fail(err, NET_ENET, "%s", strerror(soerr));
	errno = soerr;
	return soerr ? NET_ENET : 0;
}

int net_port_number(char *err, const char *port, int socktype)
{
	struct servent *se = NULL;
	unsigned n;

	if (parse_port(port, false, &n) == 0)
		return (int)n;
	if (parse_is_service_name(port))
		se = getservbyname(port, socktype == SOCK_DGRAM ? "udp" : "tcp");
	if (se)
		return ntohs((uint16_t)se->s_port);
	net_check_port(err, port, false, socktype); /* says what is wrong with it */
	return NET_EUSAGE;
}

int net_peek_idle(int fd)
{
	char c;
	ssize_t n;

	do
		n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return 1;
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
}

int net_endpoint(int fd, bool peer, char *host, size_t cap, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
	              : getsockname(fd, (struct sockaddr *)&ss, &len);

	if (rc < 0)
		return -1;
	net_format_host((struct sockaddr *)&ss, len, host, cap);
	*port = 0;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((const struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((const struct sockaddr_in6 *)&ss)->sin6_port);
	return ss.ss_family;
}
