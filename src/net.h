/* net.h: the socket-helper module: every socket that sockit opens, binds, connects,
 * listens or accepts is made here (the relay and the server then read and write the
 * fds they are given). As redis's anet: each function takes an error buffer first,
 * returns a negative NET_E* code on failure with the message filled in, and never exits
 * or prints. */
#ifndef NET_H
#define NET_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct splice_mover;

#define NET_ERR_LEN  256
#define NET_ADDR_LEN 80                  /* "[ffff:...:ffff%ifname]:65535" fits */
#define NET_PEER_LEN (NET_ADDR_LEN + 16) /* net_describe's "HOST port 65535" */

/* Failure codes; the negated code is the command's exit status (sockit(1), EXIT STATUS;
 * diag.h's EXIT_* names, tied to these by static_asserts in net.c). */
enum {
	NET_EUSAGE = -2,   /* a bad port or address given by the user */
	NET_ERESOLVE = -3, /* the name does not resolve (or not in that family) */
	NET_ENET = -4,     /* refused, unreachable, in use, any other socket failure */
	NET_ETIMEOUT = -5, /* the connect timeout ran out */
	NET_EIO = -7,      /* the local end (a pipe, a file) failed; errno is kept */
};

struct net_peer {
	const char *host;     /* name or literal */
	const char *port;     /* number or service name */
	int family;           /* AF_UNSPEC, AF_INET or AF_INET6 */
	int socktype;         /* SOCK_STREAM or SOCK_DGRAM */
	int timeout_ms;       /* per address; 0 for the system's own */
	const char *src_host; /* -s: local address to bind, or NULL */
	const char *src_port; /* -s ADDR:PORT: local port, or NULL */
};

/* Checks a PORT operand: 1..65535 (0 too if allow_zero) or a known service name.
 * Returns 0 or NET_EUSAGE ("invalid port '80x'"). */
int net_check_port(char *err, const char *port, bool allow_zero, int socktype);
/* Resolves host/port (host NULL with AI_PASSIVE for "any"). Returns 0 with *res set
 * (freeaddrinfo it), or NET_ERESOLVE. */
int net_resolve(char *err, const char *host, const char *port, int family, int socktype,
                int flags, struct addrinfo **res);
/* The host name of the numeric address addr (getnameinfo with NI_NAMEREQD); family
 * AF_UNSPEC, or the family addr must be. Returns addr's family (AF_INET or AF_INET6),
 * NET_EUSAGE if addr is not an address, or NET_ERESOLVE. */
int net_reverse(char *err, const char *addr, int family, char *name, size_t cap);
/* Resolves p's host and port for connecting (AI_ADDRCONFIG, then without it: it hides
 * ::1 on a host with IPv4 only). Returns 0 with *res set, or NET_ERESOLVE. */
int net_resolve_peer(char *err, const struct net_peer *p, struct addrinfo **res);
/* Connects to each address of p in turn until one answers; returns a blocking,
 * close-on-exec fd, or NET_ERESOLVE / NET_ENET / NET_ETIMEOUT for the last failure. */
int net_connect(char *err, const struct net_peer *p);
/* Connects to a UNIX-domain socket; returns fd or NET_ENET. */
int net_connect_unix(char *err, const char *path, int socktype);
/* Listens (TCP) or binds (UDP) on host/port; host NULL means every interface: IPv6
 * dual-stack, falling back to IPv4. Returns fd or a NET_E* code. */
int net_listen(char *err, const char *host, const char *port, int family, int socktype,
               int backlog);
/* Listens or binds on a UNIX-domain path (a stale socket file is replaced). */
int net_listen_unix(char *err, const char *path, int socktype, int backlog);
/* Accepts one connection, non-blocking and close-on-exec if nonblock; fills ss and len.
 * Returns fd, or -1 with errno kept (EAGAIN, EMFILE, ...) and err filled. */
int net_accept(char *err, int lfd, bool nonblock, struct sockaddr_storage *ss, socklen_t *len);
/* Waits for a datagram on fd and tells its sender, leaving it queued. Returns 0, or
 * NET_ENET (errno kept: EINTR when a signal came). */
int net_udp_peek_sender(char *err, int fd, struct sockaddr_storage *ss, socklen_t *len);
/* Reads and drops the next queued datagram (one from a refused sender). */
void net_udp_drop(int fd);
/* Fixes a UDP socket's peer (connect(2)), so later reads and writes are with it only. */
int net_udp_connect(char *err, int fd, const struct sockaddr *sa, socklen_t len);
/* Opens a UDP socket to send to ai and hear its replies: unconnected, so datagrams from
 * other addresses are seen too, yet ICMP errors are reported (IP_RECVERR; a connected
 * socket where that is missing). Close-on-exec, blocking. Returns fd or NET_ENET. */
int net_udp_open(char *err, const struct addrinfo *ai);
/* Sends one datagram of len bytes to `to`, whole. Returns 0 or NET_ENET (a send error, or
 * an earlier datagram refused: "127.0.0.1 port 7: Connection refused"). */
int net_udp_send(char *err, int fd, const void *buf, size_t len, const struct addrinfo *to);
/* Waits at most timeout_ms (-1: no limit) for one datagram; fills from. Returns its
 * length, NET_ETIMEOUT if none came (possibly early: the caller keeps the deadline), or
 * NET_ENET for an error such as an ICMP port unreachable about an earlier send. */
long net_udp_recv(char *err, int fd, void *buf, size_t cap, int timeout_ms,
                  struct sockaddr_storage *from, socklen_t *fromlen);
/* Sets or clears O_NONBLOCK. Returns 0 or NET_ENET. */
int net_set_nonblock(char *err, int fd, bool on);
/* Half-closes: no more writes. Returns 0 or NET_ENET. */
int net_shutdown_write(char *err, int fd);
/* Closes the socket fd so that its peer sees a reset (RST), not an end of stream. */
void net_close_reset(int fd);
/* Reads and drops what has arrived on fd, without waiting (at most 1 MiB): a close with
 * unread bytes is a reset, which can overtake the last bytes sent (a TLS alert). */
void net_drop_input(int fd);
/* Formats sa as "127.0.0.1:80", "[::1]:80", or a UNIX path; IPv4-mapped IPv6 addresses
 * are shown as IPv4. Returns buf (at least NET_ADDR_LEN bytes). */
char *net_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);
/* Formats the address alone, without the port ("::1"). Returns buf. */
char *net_format_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);
/* Formats the address exactly as the resolver gave it: IPv4-mapped addresses kept as
 * such, an IPv6 scope as "%eth0". Returns buf. */
char *net_format_numeric(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);
/* "127.0.0.1 port 7", as nc names a peer in its messages (NET_PEER_LEN). Returns buf. */
char *net_describe(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);
/* True if a and b are the same IPv4 or IPv6 address and port. Pure. */
bool net_same_addr(const struct sockaddr *a, const struct sockaddr *b);
/* Formats the local address of a bound socket. Returns buf. */
char *net_format_local(int fd, char *buf, size_t cap);
/* Formats the address of the connected peer. Returns buf. */
char *net_format_peer(int fd, char *buf, size_t cap);
/* The largest UDP payload over IPv4 (65535 less the IP and UDP headers). */
#define NET_UDP_MAX 65507

/* True if fd is a TCP socket whose connection is over (reset, or closed both ways); false
 * while it lives, for other sockets, and where the system cannot tell (Linux only). */
bool net_tcp_ended(int fd);
/* Sets an idle limit on each read and write of a connected socket (SO_RCVTIMEO and
 * SO_SNDTIMEO): no byte for timeout_ms makes it fail; 0 means none. Returns 0 or NET_ENET. */
int net_set_io_timeout(char *err, int fd, int timeout_ms);
/* Reads at most cap bytes from a socket, EINTR retried. Returns the count, 0 at the end of
 * the stream, NET_ETIMEOUT when the io timeout ran out first, or NET_ENET. */
ssize_t net_read(char *err, int fd, void *buf, size_t cap);
/* Writes all of buf to a socket (short writes and EINTR handled). Returns 0, NET_ETIMEOUT
 * when the io timeout ran out, or NET_ENET. */
int net_write_all(char *err, int fd, const void *buf, size_t len);
/* Moves at most len bytes from the socket fd to dst through the zero-copy mover m (opened
 * for fd and dst, blocking), all of them written before it returns. Returns the count, 0
 * at the end of the stream, NET_ETIMEOUT (io timeout), NET_ENET (socket), or NET_EIO with
 * errno kept when writing dst failed (EPIPE: its reader left). */
ssize_t net_splice_in(char *err, struct splice_mover *m, int fd, int dst, size_t len);
/* Waits at most timeout_ms for fd to have bytes (or its end, or an error) to read.
 * Returns 1 when it has, 0 when the time ran out. */
int net_wait_readable(int fd, int timeout_ms);
/* poll(2) of one fd (any: a socket, stdin, a pipe) for events, at most timeout_ms (-1: no
 * limit, 0: a look), a signal's EINTR retried with the time that is left: the one wait
 * until a deadline. Returns the events that came (poll's revents, > 0), 0 when the time
 * ran out, -1 with errno. */
int net_poll(int fd, short events, int timeout_ms);
/* Sends at most len bytes of the regular file file, from *off (moved on), to the socket
 * fd with sendfile(2) (splice_file). Returns the count, 0 at the file's end, NET_ETIMEOUT,
 * NET_ENET, or NET_EIO with errno kept when reading the file failed. */
ssize_t net_send_file(char *err, int fd, int file, off_t *off, size_t len);
/* Keeps at most 16 KiB of a long send waiting unsent in the TCP socket fd, so that each
 * write sends its own bytes (TCP_NOTSENT_LOWAT, where the system has it; other sockets
 * keep their default). */
void net_keep_unsent_small(int fd);

/* An access-list entry: an address and the length of its prefix. */
struct net_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;
};

/* Parses "10.0.0.0/8", "::1/128" or a bare address. Pure. Returns 0 or -1. */
int net_cidr_parse(const char *s, struct net_cidr *c);
/* True if sa falls inside c; an IPv4-mapped IPv6 peer matches IPv4 entries. Pure. */
bool net_cidr_match(const struct net_cidr *c, const struct sockaddr *sa);

/* --allow/--deny lists, caller-owned arrays. */
struct net_acl {
	struct net_cidr *allow, *deny;
	size_t nallow, ndeny;
};

/* True if the peer may connect: not denied, and allowed (or no allow list). Pure. */
bool net_acl_permits(const struct net_acl *acl, const struct sockaddr *sa);

/* The reason alone of a message of this module: what follows its last ": "
 * ("Connection refused" of "127.0.0.1 port 9: Connection refused"). Pure. */
const char *net_err_reason(const char *err);
/* Starts a connect to sa (TCP, or UNIX) without waiting: returns a non-blocking,
 * close-on-exec fd whose connect is under way or done (poll it for writable, then ask
 * net_connect_result), or NET_ENET with the reason alone in err. */
int net_connect_start(char *err, const struct sockaddr *sa, socklen_t len);
/* A connected pair of close-on-exec UNIX-domain sockets that keep message boundaries
 * (SOCK_SEQPACKET), to talk to a helper process. Returns 0, or NET_ENET with err filled. */
int net_pair(char *err, int sv[2]);
/* 0 if path fits a UNIX-domain address; NET_EUSAGE, err filled, if it is too long. */
int net_check_unix_path(char *err, const char *path);
/* net_connect_start for the stream socket at path; NET_EUSAGE if path is too long. */
int net_connect_start_unix(char *err, const char *path);
/* The outcome of a started connect once its fd polls writable: 0, or NET_ENET with the
 * reason alone in err ("Connection refused") and errno set to it. */
int net_connect_result(char *err, int fd);
/* Looks, without waiting or taking anything, at a connection kept for another request:
 * 0 if nothing has come (still usable), 1 if bytes wait, -1 if it has ended or failed. */
int net_peek_idle(int fd);
/* The number of a PORT operand (1..65535, or a known service name). Returns it, or
 * NET_EUSAGE with err filled as net_check_port does. */
int net_port_number(char *err, const char *port, int socktype);
/* The address (as net_format_host: no brackets, IPv4-mapped shown as IPv4) and port of
 * fd's own end, or of its peer's if peer. Returns the family (AF_INET, AF_INET6, AF_UNIX;
 * port 0 for UNIX), or -1. */
int net_endpoint(int fd, bool peer, char *host, size_t cap, unsigned *port);

#endif
