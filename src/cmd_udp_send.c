/* cmd_udp_send.c: `sockit udp-send`, one datagram (or one per line) and its replies. */
#include "clock.h"
#include "cmd.h"
#include "diag.h"
#include "frame.h"
#include "json.h"
#include "net.h"
#include "parse.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDP_MAX         65507 /* the largest UDP payload over IPv4 */
#define DEFAULT_WAIT_MS 2000
#define STOP            (-1) /* stdout's reader has gone, or --expect matched: exit 0 */

static const char synopsis[] =
    "usage: sockit udp-send [OPTIONS] HOST PORT [MESSAGE...]\n"
    "Sends one datagram, MESSAGE (its words joined by spaces) or else all of stdin, and\n"
    "prints each reply's payload as it came. The peer may be one word HOST:PORT or\n"
    "[IPV6]:PORT, and then every later word is MESSAGE. Exit 5 if the replies did not\n"
    "all come within the timeout, which counts from the last datagram sent.";

struct udp_opts {
	struct cmd_common common;
	long long count; /* -n; 0 when not given */
	bool lines, hex, json;
	const char *expect; /* --expect REGEX, or NULL */
	char host[1024], port[64];
};

#define U struct udp_opts
static const struct opt options[] = {
    OPT_FAMILY,
    OPT_TIMEOUT(U, "wait that long for the replies (default 2; 0: not at all)"),
    OPT_MAX_TIME(U),
    OPT_COUNT('n', "count", "N", U, count, 1, 1000000,
              "wait for N replies (default 1; with -l, one per line)"),
    OPT_FLAG('l', "lines", U, lines,
             "send each line of stdin, without its newline, as a datagram"),
    OPT_FLAG('x', "hex", U, hex, "print replies as a hex dump"),
    OPT_FLAG(0, "json", U, json, "print each reply as a JSON object on a line"),
    OPT_STRING(0, "expect", "REGEX", U, expect,
               "end at the first reply line that matches (exit 0; none: 1)"),
    OPT_VERBOSITY,
    OPT_END,
};
#undef U

/* -l: stdin cut into lines by the framing module: lines are taken in place from the chunk
 * read last; only an unfinished one is copied (frame.c), at most UDP_MAX bytes. */
struct line_reader {
	struct frame_reader fr; /* keep_cr: a carriage return is sent as part of its line */
	char chunk[65536];
	unsigned long long lineno;
	bool eof;
	const struct deadline *max; /* --max-time bounds the waits for stdin too */
};

/* The exchange with one address of the peer. */
struct exchange {
	const struct udp_opts *o;
	struct line_reader *lr;
	struct expect *expect; /* --expect, or NULL */
	const struct addrinfo *to;
	int fd;
	char who[NET_PEER_LEN]; /* "127.0.0.1 port 7" */
	unsigned long long sent, replies;
	char err[NET_ERR_LEN];
};

/* Names the peer; returns how many operands that took (the rest is MESSAGE), or -1. */
static int check_operands(struct udp_opts *o, char **ops, int nops)
{
	char err[NET_ERR_LEN];
	int used =
	    cmd_peer_operands(ops, nops, o->host, sizeof o->host, o->port, sizeof o->port);

	if (used < 0)
		return -1;
	if (o->lines && used < nops)
		return diag_usage("cannot use -l with MESSAGE");
	if (o->json && o->hex)
		return diag_usage("cannot use --json with -x");
	if (net_check_port(err, o->port, false, SOCK_DGRAM) < 0)
		return diag_usage("%s", err);
	return used;
}

/* MESSAGE: its words joined by single spaces, checked before anything is done. */
static int join_words(char **words, int n, char *msg, size_t *len)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += strlen(words[i]) + (i > 0);
	if (total > UDP_MAX) {
		return diag_fail(EXIT_USAGE, "message of %zu bytes is over the UDP limit of %d",
		                 total, UDP_MAX);
	}
	*len = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			msg[(*len)++] = ' ';
		memcpy(msg + *len, words[i], strlen(words[i]));
		*len += strlen(words[i]);
	}
	return 0;
}

/* Waits until stdin can be read, at most what --max-time leaves. Returns 0 (a failed poll
 * too: the read tells), or EXIT_TIMEOUT once --max-time has run out (reported). */
static int stdin_wait(const struct deadline *max)
{
	if (deadline_expired(max) ||
	    net_poll(STDIN_FILENO, POLLIN, (int)deadline_left(max, clock_ms())) == 0)
		return deadline_report(max);
	return 0;
}

/* No MESSAGE: all of stdin is the datagram (maybe empty), checked before it is sent. */
static int read_message(const struct deadline *max, char *msg, size_t *len)
{
	ssize_t r;
	int rc;

	for (*len = 0; *len <= UDP_MAX; *len += (size_t)r) {
		if ((rc = stdin_wait(max)) != 0)
			return rc;
		r = read(STDIN_FILENO, msg + *len, UDP_MAX + 1 - *len);
		if (r == 0)
			return 0;
		if (r < 0 && errno == EINTR)
			r = 0;
		else if (r < 0)
			return diag_fail(EXIT_IO, "cannot read stdin: %s", strerror(errno));
	}
	return diag_fail(EXIT_USAGE, "message on stdin is over the UDP limit of %d bytes",
	                 UDP_MAX);
}

/* Reads once more from stdin into lr, once its last chunk is used up. Returns 0 or an
 * exit status. */
static int fill_lines(struct line_reader *lr)
{
	ssize_t r;
	int rc;

	if ((rc = stdin_wait(lr->max)) != 0)
		return rc;
	do
		r = read(STDIN_FILENO, lr->chunk, sizeof lr->chunk);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return diag_fail(EXIT_IO, "cannot read stdin: %s", strerror(errno));
	lr->eof = r == 0;
	frame_feed(&lr->fr, lr->chunk, (size_t)r);
	return 0;
}

/* The next line, without its newline (at EOF, a last one without). Returns 1 with *line
 * and *n set, 0 if none is complete yet (or none is left), EXIT_USAGE for one too long. */
static int take_line(struct line_reader *lr, const char **line, size_t *n)
{
	enum frame_status st =
	    lr->eof ? frame_finish(&lr->fr, line, n) : frame_next(&lr->fr, line, n);

	if (st == FRAME_MORE)
		return 0;
	if (st == FRAME_NOMEM)
		return diag_fail(EXIT_IO, "out of memory");
	if (st == FRAME_TOOLONG)
		return diag_fail(EXIT_USAGE,
		                 "line %llu of stdin is over the UDP limit of %d bytes",
		                 lr->lineno + 1, UDP_MAX);
	lr->lineno++;
	return 1;
}

/* --json: {"from":..,"port":N,"bytes":N,"data":..}, "data_base64" for bytes that are not
 * UTF-8 text (sockit(1), JSON OUTPUT). */
static void json_reply(const struct exchange *x, const char *buf, size_t n)
{
	static struct json j;
	char from[NET_ADDR_LEN], err[NET_ERR_LEN];

	json_begin(&j);
	json_cstr(&j, "from",
	          net_format_host(x->to->ai_addr, x->to->ai_addrlen, from, sizeof from));
	json_int(&j, "port", net_port_number(err, x->o->port, SOCK_DGRAM));
	json_int(&j, "bytes", (long long)n);
	if (json_utf8_valid(buf, n))
		json_str(&j, "data", buf, n);
	else
		json_base64(&j, "data_base64", buf, n);
	json_end(&j, stdout);
}

/* Writes one reply to stdout as it came, as a hex dump, or as JSON. Returns 0, STOP or
 * EXIT_IO. */
static int print_reply(const struct exchange *x, const char *buf, size_t n)
{
	if (x->o->json)
		json_reply(x, buf, n);
	else if (x->o->hex)
		diag_hexdump_to(stdout, '<', buf, n);
	else
		fwrite(buf, 1, n, stdout);
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return STOP;
	return diag_fail(EXIT_IO, "write error on stdout: %s", strerror(errno));
}

/* A reply from the peer: printed, or with --expect printed up to the line that matches,
 * which ends the command. Returns 0, STOP or an exit status. */
static int print_reply_seen(struct exchange *x, const char *buf, size_t n)
{
	bool done = x->expect && expect_datagram(x->expect, buf, &n);
	int rc = print_reply(x, buf, n);

	if (rc != 0 || !done)
		return rc;
	return x->expect->state == EXPECT_MATCHED ? STOP
	                                          : cmd_expect_outcome(x->expect, x->o->expect);
}

static int send_one(struct exchange *x, const char *buf, size_t n)
{
	x->sent++; /* counted before the send: a refusal then is this datagram's */
	if (net_udp_send(x->err, x->fd, buf, n, x->to) < 0)
		return EXIT_NET;
	diag_verbose(1, "sent %zu bytes to %s", n, x->who);
	return 0;
}

/* Takes one datagram, waiting at most timeout_ms: a reply from the peer is printed and
 * counted, one from any other address ignored. Returns 0 (also when none came), STOP or
 * an exit status. */
static int take_reply(struct exchange *x, int timeout_ms)
{
	static char buf[65536];
	struct sockaddr_storage from;
	socklen_t fromlen;
	char who[NET_PEER_LEN];
	long n;

	n = net_udp_recv(x->err, x->fd, buf, sizeof buf, timeout_ms, &from, &fromlen);
	if (n == NET_ETIMEOUT)
		return 0;
	if (n < 0)
		return (int)-n;
	if (!net_same_addr((struct sockaddr *)&from, x->to->ai_addr)) {
		diag_verbose(1, "ignored a datagram of %ld bytes from %s, not %s", n,
		             net_describe((struct sockaddr *)&from, fromlen, who, sizeof who),
		             x->who);
		return 0;
	}
	x->replies++;
	diag_verbose(1, "reply of %ld bytes from %s", n, x->who);
	return print_reply_seen(x, buf, (size_t)n);
}

/* How many replies to wait for: -n, else one per datagram sent. */
static unsigned long long wanted(const struct exchange *x)
{
	return x->o->count ? (unsigned long long)x->o->count : x->sent;
}

/* -l: each line of stdin goes out as it comes; replies are printed meanwhile (at most
 * as many as wanted so far). Returns 0 at stdin EOF, or an exit status. */
static int stream_lines(struct exchange *x)
{
	struct pollfd pfd[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
	                        {.fd = x->fd, .events = POLLIN}};
	const struct deadline *max = &x->o->common.max_time;
	const char *line;
	size_t n;
	int rc;

	for (;;) {
		for (;;) {
			/* a refusal of the first line, if already here, still lets the next
			 * address have every line (send_to_peer): look before taking one */
			if (x->sent == 1 && x->replies == 0 && (rc = take_reply(x, 0)) != 0)
				return rc;
			if ((rc = take_line(x->lr, &line, &n)) != 1)
				break;
			if ((rc = send_one(x, line, n)) != 0)
				return rc;
		}
		if (rc != 0)
			return rc;
		if (x->lr->eof)
			return 0;
		/* a negative fd is left out by poll: no reading past the replies wanted */
		pfd[1].fd = x->replies < wanted(x) ? x->fd : -1;
		if (poll(pfd, 2, (int)deadline_left(max, clock_ms())) < 0 && errno != EINTR) {
			snprintf(x->err, sizeof x->err, "poll: %s", strerror(errno));
			return EXIT_NET;
		}
		if (deadline_expired(max))
			return deadline_report(max);
		if (pfd[1].revents && (rc = take_reply(x, 0)) != 0)
			return rc;
		if (pfd[0].revents && (rc = fill_lines(x->lr)) != 0)
			return rc;
	}
}

/* The replies are over (all came, or no more are awaited): --expect's verdict, if given. */
static int replies_over(const struct exchange *x)
{
	return x->expect ? cmd_expect_outcome(x->expect, x->o->expect) : 0;
}

static int timed_out(const struct exchange *x, int wait_ms)
{
	if (x->expect && x->replies > 0) /* replies came, and none matched: a "no" */
		return replies_over(x);
	if (x->replies == 0)
		return diag_fail(EXIT_TIMEOUT, "no reply from %s within %.10g s", x->who,
		                 wait_ms / 1000.0);
	return diag_fail(EXIT_TIMEOUT, "only %llu of %llu replies from %s within %.10g s",
	                 x->replies, wanted(x), x->who, wait_ms / 1000.0);
}

/* Waits for the replies still wanted; the deadline is for all of them together, and
 * --max-time may cut it shorter. */
static int await_replies(struct exchange *x)
{
	const struct deadline *max = &x->o->common.max_time;
	int wait = x->o->common.timeout_ms;
	long long deadline = clock_ms() + wait, left;
	int rc;

	if (wait == 0)
		return replies_over(x);
	while (x->replies < wanted(x)) {
		if (deadline_expired(max))
			return deadline_report(max);
		if ((left = deadline - clock_ms()) <= 0)
			return timed_out(x, wait);
		if ((rc = take_reply(x, deadline_cap(max, (int)left))) != 0)
			return rc;
	}
	return replies_over(x);
}

/* Sends to one address and waits for its replies. Returns 0, STOP or an exit status. */
static int exchange_with(struct exchange *x, const struct addrinfo *ai, const char *first,
                         size_t len)
{
	int rc;

	x->to = ai;
	x->sent = x->replies = 0;
	net_describe(ai->ai_addr, ai->ai_addrlen, x->who, sizeof x->who);
	if ((x->fd = net_udp_open(x->err, ai)) < 0)
		return EXIT_NET;
	rc = send_one(x, first, len);
	if (rc == 0 && x->o->lines)
		rc = stream_lines(x);
	if (rc == 0)
		rc = await_replies(x);
	close(x->fd);
	return rc;
}

/*
 * A name with several addresses: the first that works is used. One fails when its socket
 * cannot be opened, or its first datagram cannot be sent or is refused (ICMP) before any
 * reply; nothing reached a program there, so the next address gets the same datagram.
 */
static int send_to_peer(const struct udp_opts *o, const struct addrinfo *res,
                        struct line_reader *lr, struct expect *expect, const char *first,
                        size_t len)
{
	struct exchange x = {.o = o, .lr = lr, .expect = expect, .fd = -1};
	const struct addrinfo *ai;
	int rc = 0;

	for (ai = res; ai; ai = ai->ai_next) {
		rc = exchange_with(&x, ai, first, len);
		if (rc != EXIT_NET || x.sent > 1 || x.replies > 0 || !ai->ai_next)
			break;
		diag_verbose(1, "%s; trying the next address", x.err);
	}
	if (rc == EXIT_NET)
		diag_err("%s", x.err);
	return rc == STOP ? 0 : rc;
}

/* -l: the first line is copied apart, to be sent again if the first address fails.
 * Returns 0 (lr->lineno is 0 if stdin had no line at all) or an exit status. */
static int first_line(struct line_reader *lr, char *first, size_t *len)
{
	const char *line;
	int rc;

	while ((rc = take_line(lr, &line, len)) == 0 && !lr->eof)
		if ((rc = fill_lines(lr)) != 0)
			return rc;
	if (rc == 1)
		memcpy(first, line, *len);
	return rc == 1 ? 0 : rc;
}

/* Resolves the peer, takes the message from stdin if it was not given, and sends it.
 * Returns the exit status. */
static int run(const struct udp_opts *o, bool from_stdin, char *msg, size_t len,
               struct expect *expect)
{
	static struct line_reader lr;
	char err[NET_ERR_LEN];
	struct addrinfo *res;
	int rc = 0;

	if ((rc = net_resolve(err, o->host, o->port, o->common.family, SOCK_DGRAM, 0, &res)) <
	    0)
		return diag_fail(-rc, "%s", err);
	frame_init(&lr.fr, UDP_MAX);
	lr.fr.keep_cr = true;
	lr.max = &o->common.max_time;
	if (from_stdin)
		rc = o->lines ? first_line(&lr, msg, &len) : read_message(lr.max, msg, &len);
	if (rc == 0 && !(o->lines && lr.lineno == 0))
		rc = send_to_peer(o, res, o->lines ? &lr : NULL, expect, msg, len);
	freeaddrinfo(res);
	frame_free(&lr.fr);
	return rc;
}

int cmd_udp_send(int argc, char **argv)
{
	static char msg[UDP_MAX + 1];
	struct expect ex;
	struct udp_opts o = {.common = {.family = AF_UNSPEC, .timeout_ms = DEFAULT_WAIT_MS}};
	size_t len = 0;
	int nops, used, rc;

	if ((nops = cmd_parse_options(argc, argv, options, synopsis, &o, &o.common, NULL)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if ((used = check_operands(&o, argv, nops)) < 0)
		return EXIT_USAGE;
	if (used < nops && (rc = join_words(argv + used, nops - used, msg, &len)) != 0)
		return rc;
	if (o.expect && (rc = cmd_expect_init(&ex, o.expect, &o.common.max_time)) != 0)
		return rc;
	rc = run(&o, used == nops, msg, len, o.expect ? &ex : NULL);
	if (o.expect)
		expect_free(&ex);
	return rc;
}
