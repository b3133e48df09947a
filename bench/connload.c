/* connload.c: a connection-rate load generator: N connections in all, C at a time, each
 * one request: connect, send REQUEST, read the reply, which must be exactly EXPECT
 * (default: REQUEST again, what `cat` run per connection answers), then half-close and
 * read to the server's EOF: a connection counts once the server has closed it (for an
 * inetd-style server, once the program has ended). One thread, epoll, non-blocking
 * sockets, libc only.
 *
 * Build: cc -O2 -Wall -Wextra -Werror -o bench/connload bench/connload.c
 * Usage: connload -p PORT [-H HOST] [-n TOTAL] [-c CONC] [-r REQUEST] [-e EXPECT] [-T SECS]
 * Prints one line: conns/s=N done=N errors=N secs=S
 * (done: connections that got exactly EXPECT; errors: refused, reset, a wrong reply).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONC 4096
#define RCAP     256

struct conn {
	int fd;
	size_t got;
	char buf[RCAP];
};

static struct {
	struct sockaddr_in addr;
	const char *req, *expect;
	size_t reqlen, expectlen;
	long total, started, done, errors;
	int ep;
} G;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fputs("usage: connload -p PORT [-H HOST] [-n TOTAL] [-c CONC] [-r REQUEST] [-e EXPECT]"
	      " [-T SECS]\n"
	      "  -n TOTAL    connections in all (default 20000)\n"
	      "  -c CONC     connections at a time (default 50)\n"
	      "  -r REQUEST  sent on each connection (default 'hello\\n')\n"
	      "  -e EXPECT   the exact reply; then half-close, EOF (default: REQUEST)\n"
	      "  -T SECS     give up after SECS (default 300)\n",
	      stderr);
	exit(2);
}

/* Opens the next connection in slot c; false when all are started. */
static int start(struct conn *c)
{
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};

	if (G.started >= G.total)
		return 0;
	G.started++;
	c->got = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || (connect(c->fd, (struct sockaddr *)&G.addr, sizeof G.addr) < 0 &&
	                  errno != EINPROGRESS)) {
		perror("connload: connect");
		exit(1);
	}
	epoll_ctl(G.ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 1;
}

/* The connection in slot c is over (ok or not): the slot takes the next one. */
static void finish(struct conn *c, int ok)
{
	close(c->fd);
	c->fd = -1;
	if (ok)
		G.done++;
	else
		G.errors++;
	start(c);
}

static void on_writable(struct conn *c)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	int err = 0;
	socklen_t len = sizeof err;

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	/* the request is small: the socket takes it whole */
	if (err || write(c->fd, G.req, G.reqlen) != (ssize_t)G.reqlen) {
		finish(c, 0);
		return;
	}
	epoll_ctl(G.ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void on_readable(struct conn *c)
{
	ssize_t n = read(c->fd, c->buf + c->got, RCAP - c->got);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n > 0 && c->got + (size_t)n < RCAP) {
		size_t before = c->got;
		c->got += (size_t)n;
		/* the whole reply: now the half-close, and the server's EOF is awaited */
		if (before < G.expectlen && c->got >= G.expectlen &&
		    shutdown(c->fd, SHUT_WR) < 0)
			finish(c, 0);
		return;
	}
	finish(c, n == 0 && c->got == G.expectlen && memcmp(c->buf, G.expect, c->got) == 0);
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONC];
	struct epoll_event evs[256];
	const char *host = "127.0.0.1";
	int port = 0, conc = 50, opt;
	double limit = 300, t0;

	G.total = 20000;
	G.req = "hello\n";
	while ((opt = getopt(argc, argv, "H:p:n:c:r:e:T:")) != -1) {
		switch (opt) {
		case 'H':
			host = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			G.total = atol(optarg);
			break;
		case 'c':
			conc = atoi(optarg);
			break;
		case 'r':
			G.req = optarg;
			break;
		case 'e':
			G.expect = optarg;
			break;
		case 'T':
			limit = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (port <= 0 || port > 65535 || conc < 1 || conc > MAX_CONC || G.total < 1)
		usage();
	G.expect = G.expect ? G.expect : G.req;
	G.reqlen = strlen(G.req);
	G.expectlen = strlen(G.expect);
	G.addr.sin_family = AF_INET;
	G.addr.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &G.addr.sin_addr) != 1)
		usage();
	if ((G.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return perror("connload: epoll"), 1;
	t0 = now();
	for (int i = 0; i < conc; i++)
		if (!start(&conns[i]))
			break;
	while (G.done + G.errors < G.total && now() - t0 < limit) {
		int n = epoll_wait(G.ep, evs, 256, 1000);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->fd < 0)
				continue;
			if (evs[i].events & EPOLLOUT)
				on_writable(c);
			else
				on_readable(c);
		}
	}
	double secs = now() - t0;
	printf("conns/s=%.0f done=%ld errors=%ld secs=%.3f\n", (double)G.done / secs, G.done,
	       G.errors, secs);
	return G.done + G.errors < G.total ? 1 : 0;
}
