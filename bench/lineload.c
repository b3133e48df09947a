/* lineload.c: a request-rate load generator for line protocols (sockit calc/echo, redis
 * PING): C connections, D pipelined requests on each, per-request latency. One thread,
 * epoll, non-blocking sockets, libc only. Memory is fixed by C and D.
 *
 * Build: cc -O2 -Wall -Wextra -Werror -o bench/lineload bench/lineload.c
 * Usage: lineload -p PORT [-H HOST] [-c CONNS] [-d DEPTH] [-t SECS] [-w SECS]
 *                 [-r REQUEST] [-e PREFIX] [-l EOL] [-R RAMP] [-s RATE] [-T SECS]
 *                 [-b] [-P SERVER_PID]
 *   -r, -e, -l take C escapes: \n \r \t \\ \xHH.
 * Prints one line: requests/s=N p50_us=N p99_us=N errors=N conns=N gen_cpu_pct=N
 * and, with -P, srv_cpu_pct=N srv_us_per_req=N: the CPU time the server process (all its
 * threads) used during the measured window, from /proc/PID/task/TID/schedstat, and
 * others_cpu_pct=N: what the rest of the machine used meanwhile (busy and stolen time
 * from /proc/stat, less the server and this process; 100 = one CPU): above a few percent,
 * other work shared the CPUs and the rate is less trustworthy.
 * With -d 0 it only holds the connections (no byte sent): it prints
 * `held conns=N errors=N` once all are connected, then waits for SIGTERM/SIGINT or
 * for -t seconds, and prints `released conns=N errors=N`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF       (64 * 1024)
#define MAX_EVENTS 1024
#define EOL_MAX    8
#define NS         1000000000LL

/* Latency histogram: log-linear buckets over nanoseconds, 128 per power of two
 * (under 0.8% error), up to 2^40 ns. Fixed size whatever the run length. */
#define SUB_BITS 7
#define SUB      (1 << SUB_BITS)
#define TOP_BITS 40
#define NBUCKETS ((TOP_BITS - SUB_BITS + 2) * SUB)

enum state { C_IDLE, C_CONNECTING, C_UP, C_DEAD };
enum phase { P_RAMP, P_WARM, P_MEASURE, P_HOLD };

struct conn {
	int fd;
	enum state state;
	bool ready;           /* counted as up: first reply seen (or connected, when holding) */
	bool linebad;         /* the current reply line failed the prefix or ending check */
	unsigned events;      /* the epoll interest set now */
	uint32_t qhead, qlen; /* the FIFO of send times, in ts[] */
	size_t wpend;         /* request bytes issued but not yet taken by the socket */
	size_t linepos;       /* bytes of the current reply line seen so far */
	size_t taillen;       /* the last bytes of the current line (for a multi-byte EOL) */
	char tail[EOL_MAX];
	int64_t *ts; /* depth entries */
};

static struct {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int conns, depth;
	double duration, warmup, rate, ramp_timeout;
	int ramp;
	char req[1024], expect[1024], eol[EOL_MAX];
	size_t reqlen, expectlen, eollen;
	char *reqbuf; /* depth + 1 copies of the request: any pending tail is contiguous */
	struct conn *c;
	int ep;
	int started, inflight, nready, ndead, nlive;
	enum phase phase;
	int64_t t0, warm_end, meas_start, meas_end;
	unsigned long long replies, errors;
	uint64_t hist[NBUCKETS];
	bool emfile_said;
	bool busy;                  /* -b: poll without sleeping */
	int srv_pid;                /* -P: whose CPU time to report, or 0 */
	int64_t srv_cpu0, gen_cpu0; /* CPU time at the start of the measured window */
	int64_t busy0;              /* the machine's busy time then, or -1 */
} G;

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static int64_t own_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* The CPU time of every thread of pid so far, in ns, or -1 if it cannot be read. */
static int64_t proc_cpu_ns(int pid)
{
	char path[64];
	struct dirent *e;
	int64_t sum = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char file[300];
		long long ns;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof file, "/proc/%d/task/%s/schedstat", pid, e->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		if (fscanf(f, "%lld", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(d);
	return sum;
}

/* The busy (and stolen) time of every CPU of the machine so far, in ns, or -1. */
static int64_t machine_busy_ns(void)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	/* cpu user nice system idle iowait irq softirq steal */
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
	           &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return -1;
	return (int64_t)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * (NS / sysconf(_SC_CLK_TCK));
}

static void usage(void)
{
	fputs(
	    "usage: lineload -p PORT [-H HOST] [-c CONNS] [-d DEPTH] [-t SECS] [-w SECS]\n"
	    "                [-r REQUEST] [-e PREFIX] [-l EOL] [-R RAMP] [-s RATE] [-T SECS]\n"
	    "                [-b] [-P SERVER_PID]\n"
	    "  -H HOST      server address (default 127.0.0.1)\n"
	    "  -p PORT      server port\n"
	    "  -c CONNS     connections (default 1)\n"
	    "  -d DEPTH     requests in flight per connection (default 1; 0: hold idle)\n"
	    "  -t SECS      measured time (default 3); with -d 0, the longest hold\n"
	    "  -w SECS      warm-up after the ramp, not measured (default 1)\n"
	    "  -r REQUEST   one request, escapes allowed (default 'PING:TEST\\n')\n"
	    "  -e PREFIX    every reply line must start with it (default 'PONG:TEST')\n"
	    "  -l EOL       the reply line ending (default '\\n')\n"
	    "  -R RAMP      connections opening at once (default 64)\n"
	    "  -s RATE      at most RATE new connections per second (default: no limit)\n"
	    "  -T SECS      give up waiting for the ramp after SECS (default 30)\n"
	    "  -b           busy-poll: never sleep in epoll_wait (keeps this CPU awake)\n"
	    "  -P PID       also report the CPU time of process PID per request\n",
	    stderr);
	exit(2);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Copies src into dst with C escapes decoded; returns the length, or exits. */
static size_t unescape(const char *what, const char *src, char *dst, size_t cap)
{
	size_t n = 0;

	for (const char *p = src; *p; p++) {
		char ch = *p;
		if (ch == '\\') {
			switch (*++p) {
			case 'n':
				ch = '\n';
				break;
			case 'r':
				ch = '\r';
				break;
			case 't':
				ch = '\t';
				break;
			case '0':
				ch = '\0';
				break;
			case '\\':
				ch = '\\';
				break;
			case 'x':
				if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
					goto bad;
				ch = (char)(hexval(p[1]) * 16 + hexval(p[2]));
				p += 2;
				break;
			default:
				goto bad;
			}
		}
		if (n == cap) {
			fprintf(stderr, "lineload: %s: longer than %zu bytes\n", what, cap);
			exit(2);
		}
		dst[n++] = ch;
	}
	return n;
bad:
	fprintf(stderr, "lineload: %s: bad escape in '%s'\n", what, src);
	exit(2);
}

static double num(const char *what, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "lineload: %s: '%s' is not a number in %g..%g\n", what, s, lo,
		        hi);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	const char *host = "127.0.0.1", *port = NULL;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
	int ch, rc;

	G.conns = 1;
	G.depth = 1;
	G.duration = 3;
	G.warmup = 1;
	G.ramp = 64;
	G.ramp_timeout = 30;
	G.reqlen = unescape("request", "PING:TEST\\n", G.req, sizeof G.req);
	G.expectlen = unescape("expect", "PONG:TEST", G.expect, sizeof G.expect);
	G.eollen = unescape("eol", "\\n", G.eol, sizeof G.eol);
	while ((ch = getopt(argc, argv, "H:p:c:d:t:w:r:e:l:R:s:T:bP:h")) != -1) {
		switch (ch) {
		case 'H':
			host = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'c':
			G.conns = (int)num("-c", optarg, 1, 1000000);
			break;
		case 'd':
			G.depth = (int)num("-d", optarg, 0, 4096);
			break;
		case 't':
			G.duration = num("-t", optarg, 0.01, 86400);
			break;
		case 'w':
			G.warmup = num("-w", optarg, 0, 86400);
			break;
		case 'r':
			G.reqlen = unescape("request", optarg, G.req, sizeof G.req);
			break;
		case 'e':
			G.expectlen = unescape("expect", optarg, G.expect, sizeof G.expect);
			break;
		case 'l':
			G.eollen = unescape("eol", optarg, G.eol, sizeof G.eol);
			break;
		case 'R':
			G.ramp = (int)num("-R", optarg, 1, 1000000);
			break;
		case 's':
			G.rate = num("-s", optarg, 0, 1e9);
			break;
		case 'T':
			G.ramp_timeout = num("-T", optarg, 0.01, 86400);
			break;
		case 'b':
			G.busy = true;
			break;
		case 'P':
			G.srv_pid = (int)num("-P", optarg, 1, 1 << 30);
			break;
		default:
			usage();
		}
	}
	if (!port || optind != argc)
		usage();
	if (G.reqlen == 0 || G.eollen == 0) {
		fputs("lineload: the request and the line ending may not be empty\n", stderr);
		exit(2);
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "lineload: %s port %s: %s\n", host, port, gai_strerror(rc));
		exit(2);
	}
	memcpy(&G.addr, res->ai_addr, res->ai_addrlen);
	G.addrlen = res->ai_addrlen;
	freeaddrinfo(res);
}

static void record(int64_t ns)
{
	uint64_t v = ns < 0 ? 0 : (uint64_t)ns;
	int idx;

	if (v >= (1ULL << TOP_BITS))
		v = (1ULL << TOP_BITS) - 1;
	if (v < SUB) {
		idx = (int)v;
	} else {
		int e = 63 - __builtin_clzll(v);
		idx = (e - SUB_BITS + 1) * SUB + (int)((v >> (e - SUB_BITS)) & (SUB - 1));
	}
	G.hist[idx]++;
}

/* The middle of bucket idx, in nanoseconds. */
static double bucket_value(int idx)
{
	int group = idx / SUB, sub = idx % SUB;

	if (group == 0)
		return sub;
	int e = group + SUB_BITS - 1;
	double lo = (double)((uint64_t)(SUB + sub) << (e - SUB_BITS));
	return lo + (double)(1ULL << (e - SUB_BITS)) / 2;
}

static double percentile(double p)
{
	uint64_t total = 0, want, seen = 0;

	for (int i = 0; i < NBUCKETS; i++)
		total += G.hist[i];
	if (total == 0)
		return 0;
	want = (uint64_t)(p * (double)total);
	if (want < 1)
		want = 1;
	for (int i = 0; i < NBUCKETS; i++) {
		seen += G.hist[i];
		if (seen >= want)
			return bucket_value(i);
	}
	return bucket_value(NBUCKETS - 1);
}

static void set_events(struct conn *c, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(c - G.c)};

	if (c->events == events)
		return;
	if (epoll_ctl(G.ep, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		perror("lineload: epoll_ctl");
		exit(1);
	}
	c->events = events;
}

/* The connection stops counting as ramping: it is up, or gone. */
static void leave_ramp(struct conn *c, bool up)
{
	if (c->ready)
		return;
	c->ready = true;
	G.inflight--;
	if (up)
		G.nready++;
}

static void fail(struct conn *c)
{
	if (c->state == C_DEAD)
		return;
	if (!c->ready) {
		leave_ramp(c, false);
	} else {
		G.nready--;
	}
	if (c->state == C_UP)
		G.nlive--;
	G.ndead++;
	G.errors++;
	close(c->fd);
	c->state = C_DEAD;
}

/* Sends what is owed; the bytes always start at the right place in the request copies. */
static void flush(struct conn *c)
{
	while (c->wpend > 0) {
		size_t off = (G.reqlen - c->wpend % G.reqlen) % G.reqlen;
		ssize_t n = send(c->fd, G.reqbuf + off, c->wpend, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			set_events(c, EPOLLIN | EPOLLOUT);
			return;
		}
		if (n < 0) {
			fail(c);
			return;
		}
		c->wpend -= (size_t)n;
	}
	if (c->events & EPOLLOUT)
		set_events(c, EPOLLIN);
}

/* k more requests, all stamped now and written in one send. */
static void issue(struct conn *c, uint32_t k, int64_t now)
{
	for (uint32_t i = 0; i < k; i++)
		c->ts[(c->qhead + c->qlen++) % (uint32_t)G.depth] = now;
	c->wpend += (size_t)k * G.reqlen;
	flush(c);
}

static void connected(struct conn *c, int64_t now)
{
	c->state = C_UP;
	G.nlive++;
	if (G.depth == 0) {
		leave_ramp(c, true); /* holding: up as soon as connected */
		set_events(c, EPOLLIN | EPOLLRDHUP);
		return;
	}
	set_events(c, EPOLLIN);
	issue(c, (uint32_t)G.depth, now);
}

static void start_conn(struct conn *c, int64_t now)
{
	int one = 1;

	G.started++;
	G.inflight++;
	c->fd = socket(G.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		if ((errno == EMFILE || errno == ENFILE) && !G.emfile_said) {
			fputs("lineload: out of file descriptors: raise ulimit -n\n", stderr);
			G.emfile_said = true;
		}
		c->state = C_CONNECTING; /* so that fail() counts it */
		c->fd = -1;
		fail(c);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->state = C_CONNECTING;
	if (connect(c->fd, (struct sockaddr *)&G.addr, G.addrlen) == 0) {
		connected(c, now);
	} else if (errno == EINPROGRESS) {
		set_events(c, EPOLLOUT);
	} else {
		fail(c);
	}
}

/* One reply line is complete: match it with the oldest request in flight. Returns false
 * for a line that answers no request (it frees no room for another). */
static bool complete_line(struct conn *c, bool bad, int64_t now)
{
	if (c->qlen == 0) { /* a reply nobody asked for */
		G.errors++;
		return false;
	}
	int64_t sent = c->ts[c->qhead];
	c->qhead = (c->qhead + 1) % (uint32_t)G.depth;
	c->qlen--;
	if (bad) {
		G.errors++;
	} else if (G.phase == P_MEASURE) {
		G.replies++;
		record(now - sent);
	}
	return true;
}

/* Keeps the last bytes of the line so far, for checking an ending split across reads. */
static void keep_tail(struct conn *c, const char *p, size_t n)
{
	size_t keep = G.eollen - 1;

	if (n >= keep) {
		memcpy(c->tail, p + n - keep, keep);
		c->taillen = keep;
		return;
	}
	size_t old = c->taillen + n > keep ? keep - n : c->taillen;
	memmove(c->tail, c->tail + c->taillen - old, old);
	memcpy(c->tail + old, p, n);
	c->taillen = old + n;
}

/* True if the line ending at p + n (the segment p..p+n of this read) ends with the EOL. */
static bool ends_well(const struct conn *c, const char *p, size_t n)
{
	char last[EOL_MAX * 2];
	size_t have;

	if (n >= G.eollen)
		return memcmp(p + n - G.eollen, G.eol, G.eollen) == 0;
	if (c->linepos + n < G.eollen)
		return false;
	memcpy(last, c->tail, c->taillen);
	memcpy(last + c->taillen, p, n);
	have = c->taillen + n;
	return memcmp(last + have - G.eollen, G.eol, G.eollen) == 0;
}

static void on_readable(struct conn *c, char *buf)
{
	ssize_t n;
	uint32_t done = 0;
	const char eol_last = G.eol[G.eollen - 1];

	do
		n = recv(c->fd, buf, RBUF, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		fail(c); /* the server closed or reset the connection */
		return;
	}
	if (G.depth == 0)
		return; /* holding: nothing was asked, ignore it */

	int64_t now = now_ns();
	const char *p = buf, *end = buf + n;
	while (p < end) {
		const char *nl = memchr(p, eol_last, (size_t)(end - p));
		size_t seg = (size_t)((nl ? nl + 1 : end) - p);

		if (!c->linebad && c->linepos < G.expectlen) {
			size_t m =
			    G.expectlen - c->linepos < seg ? G.expectlen - c->linepos : seg;
			if (memcmp(p, G.expect + c->linepos, m) != 0)
				c->linebad = true;
		}
		if (!nl) {
			if (G.eollen > 1)
				keep_tail(c, p, seg);
			c->linepos += seg;
			break;
		}
		bool bad = c->linebad || c->linepos + seg < G.expectlen + G.eollen ||
		           (G.eollen > 1 && !ends_well(c, p, seg));
		if (complete_line(c, bad, now))
			done++; /* so the requests in flight never pass the depth */
		c->linepos = 0;
		c->linebad = false;
		c->taillen = 0;
		p = nl + 1;
	}
	if (done && !c->ready)
		leave_ramp(c, true);
	if (done && c->state == C_UP)
		issue(c, done, now);
}

static void on_event(struct conn *c, unsigned events, char *buf)
{
	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			fail(c);
			return;
		}
		connected(c, now_ns());
		return;
	}
	if (c->state != C_UP)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
		on_readable(c, buf);
	if (c->state == C_UP && (events & EPOLLOUT))
		flush(c);
}

/* Opens connections while the ramp window and the rate allow. */
static void ramp_up(int64_t now)
{
	while (G.started < G.conns && G.inflight < G.ramp) {
		if (G.rate > 0 && now < G.t0 + (int64_t)((double)G.started * 1e9 / G.rate))
			return;
		start_conn(&G.c[G.started], now);
	}
}

static int ms_until(int64_t t, int64_t now)
{
	int64_t ms = (t - now + 999999) / 1000000;
	return ms < 0 ? 0 : ms > 1000 ? 1000 : (int)ms;
}

/* Moves between the phases; returns the longest wait before the next step. */
static int advance(int64_t now)
{
	switch (G.phase) {
	case P_RAMP:
		ramp_up(now);
		if (G.nready + G.ndead < G.conns &&
		    now - G.t0 < (int64_t)(G.ramp_timeout * 1e9))
			return G.rate > 0 && G.started < G.conns ? 1 : 100;
		if (G.depth == 0) {
			printf("held conns=%d errors=%llu\n", G.nlive, G.errors);
			fflush(stdout);
			G.phase = P_HOLD;
			G.meas_end = now + (int64_t)(G.duration * 1e9);
			return 0;
		}
		G.phase = P_WARM;
		G.warm_end = now + (int64_t)(G.warmup * 1e9);
		return 0;
	case P_WARM:
		if (now < G.warm_end)
			return ms_until(G.warm_end, now);
		G.phase = P_MEASURE;
		G.meas_start = now;
		G.meas_end = now + (int64_t)(G.duration * 1e9);
		G.replies = 0;
		G.gen_cpu0 = own_cpu_ns();
		if (G.srv_pid) {
			G.srv_cpu0 = proc_cpu_ns(G.srv_pid);
			G.busy0 = machine_busy_ns();
		}
		return 0;
	case P_MEASURE:
	case P_HOLD:
		return ms_until(G.meas_end, now);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct epoll_event evs[MAX_EVENTS];
	static char buf[RBUF];
	struct sigaction sa = {.sa_handler = on_signal};
	int64_t now;

	parse_args(argc, argv);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	G.c = calloc((size_t)G.conns, sizeof *G.c);
	G.reqbuf = malloc((size_t)(G.depth + 1) * G.reqlen);
	int64_t *ts = calloc((size_t)G.conns * (size_t)(G.depth ? G.depth : 1), sizeof *ts);
	if (!G.c || !G.reqbuf || !ts) {
		fputs("lineload: out of memory\n", stderr);
		return 1;
	}
	for (int i = 0; i <= G.depth; i++)
		memcpy(G.reqbuf + (size_t)i * G.reqlen, G.req, G.reqlen);
	for (int i = 0; i < G.conns; i++)
		G.c[i].ts = ts + (size_t)i * (size_t)(G.depth ? G.depth : 1);
	G.ep = epoll_create1(EPOLL_CLOEXEC);
	if (G.ep < 0) {
		perror("lineload: epoll_create1");
		return 1;
	}
	G.t0 = now_ns();
	for (;;) {
		int wait_ms;

		now = now_ns();
		wait_ms = advance(now);
		if (stop_flag ||
		    ((G.phase == P_MEASURE || G.phase == P_HOLD) && now >= G.meas_end))
			break;
		if (G.phase != P_HOLD && G.nlive == 0 && G.phase != P_RAMP)
			break; /* everyone is gone */
		int n = epoll_wait(G.ep, evs, MAX_EVENTS, G.busy ? 0 : wait_ms);
		if (n < 0 && errno != EINTR) {
			perror("lineload: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++)
			on_event(&G.c[evs[i].data.u32], evs[i].events, buf);
	}
	now = now_ns();
	if (G.depth == 0) {
		printf("released conns=%d errors=%llu\n", G.nlive, G.errors);
		return 0;
	}
	if (G.phase != P_MEASURE) {
		fprintf(stderr,
		        "lineload: stopped before measuring (%d of %d connections up)\n",
		        G.nready, G.conns);
		printf("requests/s=0 p50_us=0 p99_us=0 errors=%llu conns=%d\n", G.errors,
		       G.nlive);
		return 1;
	}
	double secs = (double)(now - G.meas_start) / 1e9;
	int64_t srv_cpu = G.srv_pid ? proc_cpu_ns(G.srv_pid) : -1;
	int64_t busy = G.srv_pid ? machine_busy_ns() : -1, gen_cpu = own_cpu_ns() - G.gen_cpu0;
	printf("requests/s=%.0f p50_us=%.1f p99_us=%.1f errors=%llu conns=%d gen_cpu_pct=%.0f",
	       (double)G.replies / secs, percentile(0.50) / 1e3, percentile(0.99) / 1e3,
	       G.errors, G.nlive, (double)gen_cpu / 1e7 / secs);
	if (srv_cpu >= 0 && G.srv_cpu0 >= 0) {
		double used = (double)(srv_cpu - G.srv_cpu0);
		printf(" srv_cpu_pct=%.0f srv_us_per_req=%.3f", used / 1e7 / secs,
		       G.replies ? used / 1e3 / (double)G.replies : 0.0);
		if (busy >= 0 && G.busy0 >= 0) {
			double others = (double)(busy - G.busy0) - used - (double)gen_cpu;
			printf(" others_cpu_pct=%.0f", others > 0 ? others / 1e7 / secs : 0.0);
		}
	}
	putchar('\n');
	return G.nlive == 0 ? 1 : 0;
}
