/* net.c: resolve, connect with a timeout over every address, listen, accept, format
 * addresses, match access lists. Errors go to the caller's buffer, never to stderr. */
#include "net.h"

#include "parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(char *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

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
		return fail(err, NET_ERESOLVE, "%.200s: %s", host ? host : "*", strerror(errno));
	return fail(err, NET_ERESOLVE, "%.200s: %s", host ? host : "*", gai_strerror(rc));
}

/* "127.0.0.1 port 9", as nc names a peer in its messages. */
static void describe(const struct addrinfo *ai, char *buf, size_t cap)
{
	char host[NET_ADDR_LEN];
	unsigned port = 0;

	net_format_host(ai->ai_addr, ai->ai_addrlen, host, sizeof host);
	if (ai->ai_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
	else if (ai->ai_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)ai->ai_addr)->sin6_port);
	snprintf(buf, cap, "%s port %u", host, port);
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

/* As OpenBSD nc's timeout_connect: a non-blocking connect, poll for writable, then the
 * verdict from SO_ERROR. Returns 0, or -1 with errno (ETIMEDOUT when the time ran out). */
static int connect_timed(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int flags = fcntl(fd, F_GETFL), rc, soerr;

	if (timeout_ms <= 0)
		return connect(fd, sa, len);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	rc = connect(fd, sa, len);
	if (rc < 0 && errno == EINPROGRESS) {
		do
			rc = poll(&pfd, 1, timeout_ms);
		while (rc < 0 && errno == EINTR);
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
	char who[NET_ADDR_LEN + 16];
	int fd, rc;

	describe(ai, who, sizeof who);
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

int net_connect(char *err, const struct net_peer *p)
{
	struct addrinfo *res, *ai;
	int rc;

	rc = net_resolve(err, p->host, p->port, p->family, p->socktype, AI_ADDRCONFIG, &res);
	if (rc == NET_ERESOLVE) /* AI_ADDRCONFIG hides ::1 on a host with IPv4 only */
		rc = net_resolve(err, p->host, p->port, p->family, p->socktype, 0, &res);
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
		rc = net_resolve(err, "::", port, AF_INET6, socktype, AI_PASSIVE | AI_NUMERICHOST,
		                 &res);
		if (rc < 0)
			return rc;
		fd = listen_on(err, res->ai_addr, res->ai_addrlen, socktype, backlog, v6only);
		freeaddrinfo(res);
		if (fd >= 0 || family == AF_INET6 ||
		    (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL && errno != EPROTONOSUPPORT))
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

/* A socket file nobody listens on is left over from a server that died: replace it. */
static void remove_stale_socket(const char *path, const struct sockaddr_un *sun, int socktype)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return;
	fd = open_socket(AF_UNIX, socktype, 0);
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

int net_udp_connect(char *err, int fd, const struct sockaddr *sa, socklen_t len)
{
	char who[NET_ADDR_LEN];

	if (connect(fd, sa, len) == 0)
		return 0;
	return fail(err, NET_ENET, "%s: %s", net_format(sa, len, who, sizeof who),
	            strerror(errno));
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

void net_set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int net_shutdown_write(char *err, int fd)
{
	if (shutdown(fd, SHUT_WR) == 0 || errno == ENOTCONN)
		return 0;
	return fail(err, NET_ENET, "shutdown: %s", strerror(errno));
}

int net_socket_error(int fd)
{
	int soerr = 0;
	socklen_t len = sizeof soerr;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return errno;
	return soerr;
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
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6 && is_v4_mapped(s6))
		inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, buf, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)cap);
	else if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
		size_t n = len > offsetof(struct sockaddr_un, sun_path)
		                   ? strnlen(sun->sun_path, len - offsetof(struct sockaddr_un, sun_path))
		                   : 0;
		snprintf(buf, cap, "%.*s", (int)n, n ? sun->sun_path : "unix");
	}
	return buf;
}

char *net_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[NET_ADDR_LEN];
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	net_format_host(sa, len, host, sizeof host);
	if (sa->sa_family == AF_INET)
		snprintf(buf, cap, "%s:%u", host, ntohs(((const struct sockaddr_in *)sa)->sin_port));
	else if (sa->sa_family == AF_INET6 && is_v4_mapped(s6))
		snprintf(buf, cap, "%s:%u", host, ntohs(s6->sin6_port));
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, cap, "[%s]:%u", host, ntohs(s6->sin6_port));
	else
		snprintf(buf, cap, "%s", host);
	return buf;
}

char *net_format_local(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(buf, cap, "?");
		return buf;
	}
	return net_format((struct sockaddr *)&ss, len, buf, cap);
}

char *net_format_peer(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(buf, cap, "?");
		return buf;
	}
	return net_format((struct sockaddr *)&ss, len, buf, cap);
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
		return prefix_equal(c->addr,
		                    (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr,
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
