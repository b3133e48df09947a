/* cmd_wait.c: `sockit wait`, until TCP, UNIX and HTTP services answer: every target tried
 * again and again, all at once on one poll(2), each attempt bounded by the deadline. */
#include "clock.h"
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "json.h"
#include "net.h"
#include "parse.h"
#include "proxy.h"
#include "transport.h"
#include "url.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_DEADLINE_MS 30000
#define ATTEMPT_MAX_MS      10000 /* a connect or an HTTP exchange slower than this is retried */
#define BACKOFF_FIRST_MS    50    /* the pause after a failed attempt, doubling... */
#define BACKOFF_MAX_MS      1000  /* ...up to this */
#define EXIT_NOEXEC         126   /* COMMAND cannot be run (as the shells say) */
#define EXIT_NOTFOUND       127   /* COMMAND is not found */

static const char synopsis[] =
    "usage: sockit wait [OPTIONS] TARGET... [-- COMMAND [ARG...]]\n"
    "Waits until every TARGET is up (with --any: one of them), then exits 0, or runs\n"
    "COMMAND in sockit's place. TARGET is HOST:PORT or [IPV6]:PORT (a TCP connection is\n"
    "accepted), tls://HOST:PORT (a TLS handshake verifies), unix:PATH (a stream connection\n"
    "is accepted) or http[s]://... (a GET request is answered with a status of 200-399).\n"
    "At the deadline, each TARGET still down is named with its last error, and the exit\n"
    "status is 5.";

struct wait_opts {
	struct cmd_common common;
	bool any, json;
	const char *proxy_url, *proxy_user;
	struct proxy proxy; /* --proxy, for HOST:PORT and http:// targets */
};

#define W struct wait_opts
static const struct opt options[] = {
    OPT_FAMILY,
    OPT_TIMEOUT(W, "the deadline for all of it (default 30; 0: wait forever)"),
    OPT_SECONDS(0, "max-time", W, common.timeout_ms, 0, "the same as -w"),
    OPT_FLAG(0, "any", W, any, "done when any one TARGET is up (default: all)"),
    OPT_FLAG(0, "json", W, json, "one JSON object per TARGET when it is up or at the deadline"),
    OPT_STRING(0, "proxy", "URL", W, proxy_url,
               "reach HOST:PORT and http:// targets through this proxy ('': none)"),
    OPT_NONEMPTY(0, "proxy-user", "USER:PASS", W, proxy_user, "the proxy's user and password"),
    OPT_TLS_CLIENT(W),
    OPT_VERBOSITY,
    OPT_END,
};
#undef W

enum kind { TCP, UNIX_STREAM, HTTP };

enum state {
	IDLE,       /* between attempts: the next one is due at next_ms */
	CONNECTING, /* a connect is under way to ai (or to the UNIX path) */
	HANDSHAKE,  /* TLS: the handshake is under way */
	READING,    /* HTTP: the request is sent, the response head is awaited */
	UP,
};

struct target {
	const char *text; /* as given: how messages and --json name it */
	enum kind kind;
	char host[HTTP_HOST_MAX + 1], port[64]; /* TCP and HTTP */
	const char *path;                       /* UNIX_STREAM */
	struct http_url url;                    /* HTTP */
	bool tls;                               /* tls:// or https:// */
	enum state state;
	int fd;
	struct transport tr;       /* fd's TLS session while there is one */
	short want;                /* HANDSHAKE and READING: the poll events awaited */
	struct addrinfo *res, *ai; /* this attempt's addresses; the next one to try */
	long long next_ms; /* IDLE: when to try again; else when this attempt gives up */
	int backoff_ms;
	unsigned attempts;
	long long up_us; /* UP: when, on the loop's clock */
	struct http_resp resp;
	char err[NET_ERR_LEN]; /* the last failure: the reason alone */
};

struct waiter {
	const struct wait_opts *o;
	struct target *t;
	int n, nup;
	long long start_us;
	long long deadline_ms; /* 0: none */
	struct json json;
	struct tls_ctx *tls; /* for tls:// and https:// targets */
};

/* ---- the targets ---------------------------------------------------------------------- */

static int parse_url_target(struct target *t, const char *s)
{
	const char *err;

	switch (http_url_parse(&t->url, s, strlen(s), &err)) {
	case HTTP_URL_OK:
		break;
	default:
		return diag_usage("invalid URL '%.60s': %s", s, err);
	}
	t->kind = HTTP;
	t->tls = t->url.tls;
	snprintf(t->host, sizeof t->host, "%s", t->url.host);
	snprintf(t->port, sizeof t->port, "%u", (unsigned)t->url.port);
	return 0;
}

/* HOST:PORT, [V6]:PORT, unix:PATH or a URL. Returns 0, or -1 after a usage error. */
static int parse_target(struct target *t, const char *s)
{
	char err[NET_ERR_LEN];

	t->text = s;
	t->fd = -1;
	t->backoff_ms = BACKOFF_FIRST_MS;
	if (strncmp(s, "unix:", 5) == 0) {
		t->kind = UNIX_STREAM;
		t->path = s + 5;
		if (!t->path[0])
			return diag_usage("empty PATH in target 'unix:'");
		/* a path that can never fit is no reason to wait */
		return net_check_unix_path(err, t->path) < 0 ? diag_usage("%s", err) : 0;
	}
	if (strncmp(s, "tls://", 6) == 0) {
		t->tls = true;
		s += 6;
	} else if (strstr(s, "://")) {
		return parse_url_target(t, s);
	}
	t->kind = TCP;
	if (parse_hostport(s, t->host, sizeof t->host, t->port, sizeof t->port) != 1 ||
	    t->host[0] == '\0')
		return diag_usage("invalid target '%.60s' (HOST:PORT, tls://HOST:PORT, "
		                  "unix:PATH or http://...)",
		                  t->text);
	if (net_check_port(err, t->port, false, SOCK_STREAM) < 0)
		return diag_usage("%s", err);
	return 0;
}

/* ---- one attempt ---------------------------------------------------------------------- */

/* When an attempt (a connect, or an HTTP exchange) started now gives up. */
static long long attempt_end(const struct waiter *w, long long now)
{
	long long end = now + ATTEMPT_MAX_MS;

	return w->deadline_ms && end > w->deadline_ms ? w->deadline_ms : end;
}

/* Ends the attempt under way, if any: what it holds is released. */
static void attempt_close(struct target *t)
{
	transport_free(&t->tr);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->res)
		freeaddrinfo(t->res);
	t->res = t->ai = NULL;
	if (t->state == READING)
		http_resp_free(&t->resp);
}

/* The attempt failed for reason: the next one after a pause, doubled each time. */
static void attempt_failed(struct target *t, const char *reason, long long now)
{
	if (reason != t->err) /* before the close: reason may be the session's words */
		snprintf(t->err, sizeof t->err, "%s", reason);
	attempt_close(t);
	diag_verbose(2, "%s: %s", t->text, t->err);
	t->state = IDLE;
	t->next_ms = now + t->backoff_ms;
	t->backoff_ms = t->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : t->backoff_ms * 2;
}

static void report_up(struct waiter *w, struct target *t)
{
	double secs = (double)(t->up_us - w->start_us) / 1e6;

	diag_verbose(1, "%s up after %.2f s (%u attempt%s)", t->text, secs, t->attempts,
	             t->attempts == 1 ? "" : "s");
	if (!w->o->json)
		return;
	json_begin(&w->json);
	json_cstr(&w->json, "target", t->text);
	json_bool(&w->json, "up", true);
	json_real(&w->json, "seconds", secs);
	json_int(&w->json, "attempts", t->attempts);
	json_end(&w->json, stdout);
}

static void target_up(struct waiter *w, struct target *t)
{
	attempt_close(t);
	t->state = UP;
	t->up_us = clock_us();
	w->nup++;
	report_up(w, t);
}

/* Connects to the next address of the attempt; when none is left, the attempt failed. */
static void connect_next(struct waiter *w, struct target *t, long long now)
{
	while (t->ai) {
		const struct addrinfo *ai = t->ai;
		t->ai = ai->ai_next;
		t->fd = net_connect_start(t->err, ai->ai_addr, ai->ai_addrlen);
		if (t->fd >= 0) {
			t->state = CONNECTING;
			t->next_ms = attempt_end(w, now);
			return;
		}
	}
	attempt_failed(t, t->err, now);
}

static void send_request(struct waiter *w, struct target *t, long long now);
static void tls_begin(struct waiter *w, struct target *t, long long now);

/* --proxy: the handshake is a blocking one, bounded by the attempt's end, so targets behind
 * a proxy are tried one after another (sockit(1), wait). The proxy resolves a socks5h://
 * name afresh each time; an HTTP target's GET goes through the tunnel. */
static void attempt_through_proxy(struct waiter *w, struct target *t, struct net_peer *p,
                                  long long now)
{
	char err[NET_ERR_LEN];

	p->timeout_ms = (int)(attempt_end(w, now) - now);
	if (p->timeout_ms <= 0)
		p->timeout_ms = 1; /* 0 would be the system's own, minutes */
	t->fd = proxy_connect(err, &w->o->proxy, p);
	if (t->fd < 0)
		return attempt_failed(t, net_err_reason(err), clock_ms());
	transport_plain(&t->tr, t->fd);
	if (t->tls && net_set_nonblock(err, t->fd, true) == 0)
		return tls_begin(w, t, clock_ms());
	if (t->kind == HTTP && net_set_nonblock(err, t->fd, true) == 0)
		return send_request(w, t, clock_ms());
	if (t->kind == HTTP)
		return attempt_failed(t, net_err_reason(err), clock_ms());
	close(t->fd);
	t->fd = -1;
	target_up(w, t);
}

/* Names are resolved afresh on every attempt: one may appear in the meantime. */
static void attempt_begin(struct waiter *w, struct target *t, long long now)
{
	struct net_peer p = {.host = t->host,
	                     .port = t->port,
	                     .family = w->o->common.family,
	                     .socktype = SOCK_STREAM};

	t->attempts++;
	if (t->kind == UNIX_STREAM) {
		t->fd = net_connect_start_unix(t->err, t->path);
		t->state = t->fd >= 0 ? CONNECTING : IDLE;
		t->next_ms = attempt_end(w, now);
		if (t->fd < 0)
			attempt_failed(t, t->err, now);
		return;
	}
	if (w->o->proxy.kind != PROXY_NONE)
		return attempt_through_proxy(w, t, &p, now);
	if (net_resolve_peer(t->err, &p, &t->res) < 0)
		return attempt_failed(t, net_err_reason(t->err), now);
	t->ai = t->res;
	connect_next(w, t, now);
}

/* HTTP: a GET of the URL; the response head is read as it comes. */
static void send_request(struct waiter *w, struct target *t, long long now)
{
	static char req[HTTP_REQ_FIXED + 64];
	size_t len = http_request_build(req, sizeof req, "GET", &t->url,
	                                "sockit/" SOCKIT_VERSION, NULL, 0);

	/* a fresh connection's send buffer takes the request whole: no EAGAIN here */
	if (len == 0 || transport_write_all(&t->tr, req, len) < 0)
		return attempt_failed(t, len ? net_err_reason(t->tr.err) : "request too long",
		                      now);
	http_resp_init(&t->resp, false);
	t->state = READING;
	t->want = POLLIN;
	t->next_ms = attempt_end(w, now);
}

static void on_connected(struct waiter *w, struct target *t, long long now)
{
	if (net_connect_result(t->err, t->fd) < 0) {
		close(t->fd);
		t->fd = -1;
		return connect_next(w, t, now); /* the next address, if there is one */
	}
	transport_plain(&t->tr, t->fd);
	if (t->tls)
		tls_begin(w, t, now);
	else if (t->kind == HTTP)
		send_request(w, t, now);
	else
		target_up(w, t);
}

/* One step of the TLS handshake; once the peer is trusted, as for a plain connection. */
static void tls_step(struct waiter *w, struct target *t, long long now)
{
	int rc = transport_handshake(&t->tr);

	t->want = transport_events(rc);
	if (t->want)
		return;
	if (rc < 0)
		return attempt_failed(t, t->tr.err, now);
	if (t->kind == HTTP)
		return send_request(w, t, now);
	target_up(w, t);
}

/* A TLS session on the connected t->fd (non-blocking), its handshake begun. */
static void tls_begin(struct waiter *w, struct target *t, long long now)
{
	struct tls_conn *c = tls_client_new(t->err, w->tls, t->fd, t->host);

	if (!c)
		return attempt_failed(t, t->err, now);
	transport_tls(&t->tr, t->fd, c);
	t->state = HANDSHAKE;
	t->next_ms = attempt_end(w, now);
	tls_step(w, t, now);
}

/* The response head: a status of 200-399 is up; anything else is this attempt's error. */
static void on_response(struct waiter *w, struct target *t, long long now)
{
	static char buf[16384];
	struct http_event ev;
	char err[NET_ERR_LEN];
	ssize_t n = transport_read(&t->tr, buf, sizeof buf);
	enum http_ev e;

	t->want = transport_events(n);
	if (t->want) /* nothing after all */
		return;
	if (n < 0) {
		snprintf(err, sizeof err, "%s", t->tr.err);
		return attempt_failed(t, t->tr.tls ? err : net_err_reason(err), now);
	}
	if (n == 0) /* closed before the head was whole: always an error here */
		return attempt_failed(
		    t, http_resp_eof(&t->resp, &ev) == HTTP_EV_ERROR ? ev.msg : "no response",
		    now);
	http_resp_feed(&t->resp, buf, (size_t)n);
	while ((e = http_resp_next(&t->resp, &ev)) != HTTP_EV_NEED_MORE) {
		if (e == HTTP_EV_HEADERS_DONE && ev.status >= 200 && ev.status <= 399)
			return target_up(w, t);
		if (e == HTTP_EV_HEADERS_DONE) {
			snprintf(t->err, sizeof t->err, "HTTP status %d", ev.status);
			return attempt_failed(t, t->err, now);
		}
		if (e == HTTP_EV_ERROR || e == HTTP_EV_DONE)
			return attempt_failed(t, e == HTTP_EV_ERROR ? ev.msg : "no response",
			                      now);
	}
}

/* An attempt under way ran out of time: its error says at which step. */
static void set_timed_out(struct target *t)
{
	snprintf(t->err, sizeof t->err, "%s",
	         t->state == READING     ? "no HTTP response in time"
	         : t->state == HANDSHAKE ? "TLS handshake timed out"
	                                 : strerror(ETIMEDOUT));
}

/* The attempt's own time is up (ATTEMPT_MAX_MS, or the deadline). */
static void attempt_timed_out(struct waiter *w, struct target *t, long long now)
{
	set_timed_out(t);
	if (t->state == CONNECTING && t->ai && (!w->deadline_ms || now < w->deadline_ms)) {
		close(t->fd);
		t->fd = -1;
		return connect_next(w, t, now);
	}
	attempt_failed(t, t->err, now);
}

/* ---- all of them ---------------------------------------------------------------------- */

static bool all_done(const struct waiter *w)
{
	return w->o->any ? w->nup > 0 : w->nup == w->n;
}

/* Starts the attempts that are due, ends those out of time; returns the ms to the next
 * such moment (or to the deadline), -1 for none. */
static int tick(struct waiter *w, long long now)
{
	long long next = w->deadline_ms ? w->deadline_ms : -1;

	for (int i = 0; i < w->n; i++) {
		struct target *t = &w->t[i];
		if (t->state != UP && now >= t->next_ms) {
			if (t->state == IDLE)
				attempt_begin(w, t, now);
			else
				attempt_timed_out(w, t, now);
			now = clock_ms(); /* a handshake through a proxy blocked until now */
		}
		if (t->state != UP && (next < 0 || t->next_ms < next))
			next = t->next_ms;
	}
	return next < 0 ? -1 : next <= now ? 0 : (int)(next - now);
}

/* Polls the sockets of the attempts under way and acts on those that are ready. */
static int poll_once(struct waiter *w, struct pollfd *pfd, int *who, int timeout_ms)
{
	int np = 0;

	for (int i = 0; i < w->n; i++) {
		if (w->t[i].fd < 0)
			continue;
		pfd[np].fd = w->t[i].fd;
		pfd[np].events = w->t[i].state == CONNECTING ? POLLOUT : w->t[i].want;
		who[np++] = i;
	}
	if (poll(pfd, (nfds_t)np, timeout_ms) < 0 && errno != EINTR)
		return diag_fail(EXIT_NET, "poll: %s", strerror(errno));
	for (int k = 0; k < np; k++) {
		struct target *t = &w->t[who[k]];
		if (pfd[k].revents == 0)
			continue;
		if (t->state == CONNECTING)
			on_connected(w, t, clock_ms());
		else if (t->state == HANDSHAKE)
			tls_step(w, t, clock_ms());
		else if (t->state == READING)
			on_response(w, t, clock_ms());
	}
	return 0;
}

/* At the deadline: each target still down, with its last error. */
static int report_down(struct waiter *w)
{
	double secs = (double)w->o->common.timeout_ms / 1000.0;

	for (int i = 0; i < w->n; i++) {
		struct target *t = &w->t[i];
		if (t->state == UP)
			continue;
		if (t->state != IDLE) /* cut short by the deadline */
			set_timed_out(t);
		attempt_close(t);
		diag_err("%s not up after %.10g s: %s", t->text, secs,
		         t->err[0] ? t->err : "not tried");
		if (!w->o->json)
			continue;
		json_begin(&w->json);
		json_cstr(&w->json, "target", t->text);
		json_bool(&w->json, "up", false);
		json_cstr(&w->json, "error", t->err);
		json_end(&w->json, stdout);
	}
	return EXIT_TIMEOUT;
}

static int run(struct waiter *w)
{
	struct pollfd *pfd = calloc((size_t)w->n, sizeof *pfd);
	int *who = calloc((size_t)w->n, sizeof *who);
	int rc = 0, timeout;

	if (!pfd || !who)
		rc = diag_fail(EXIT_IO, "out of memory");
	while (rc == 0) {
		long long now = clock_ms();
		/* no new attempt at the deadline: each target keeps its last error */
		if (w->deadline_ms && now >= w->deadline_ms) {
			rc = report_down(w);
			break;
		}
		timeout = tick(w, now);
		if (all_done(w))
			break;
		rc = poll_once(w, pfd, who, timeout);
	}
	for (int i = 0; i < w->n; i++)
		attempt_close(&w->t[i]);
	free(pfd);
	free(who);
	return rc;
}

/* ---- the command ---------------------------------------------------------------------- */

/* All up: COMMAND replaces sockit (what was printed goes out first). */
static int run_command(char **cmd)
{
	if (fflush(stdout) != 0 && errno != EPIPE)
		return diag_fail(EXIT_IO, "write error on stdout: %s", strerror(errno));
	execvp(cmd[0], cmd);
	int e = errno;
	return diag_fail(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, "cannot run '%.200s': %s",
	                 cmd[0], strerror(e));
}

/* `--` ends the targets: what follows is COMMAND. Returns its index in argv, or argc. */
static int command_start(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static int wait_targets(const struct wait_opts *o, char **ops, int nops, char **cmd)
{
	struct waiter w = {.o = o, .n = nops};
	int rc = 0;

	if (!(w.t = calloc((size_t)nops, sizeof *w.t)))
		return diag_fail(EXIT_IO, "out of memory");
	for (int i = 0; i < nops && rc == 0; i++)
		if (parse_target(&w.t[i], ops[i]) < 0)
			rc = EXIT_USAGE;
	w.start_us = clock_us();
	w.deadline_ms = o->common.timeout_ms ? w.start_us / 1000 + o->common.timeout_ms : 0;
	for (int i = 0; i < nops && rc == 0; i++)
		if (w.t[i].tls)
			rc = cmd_tls_ctx(&w.tls, &o->common);
	if (rc == 0)
		rc = run(&w);
	tls_ctx_free(w.tls);
	json_free(&w.json);
	free(w.t);
	return rc == 0 && cmd ? run_command(cmd) : rc;
}

int cmd_wait(int argc, char **argv)
{
	struct wait_opts o = {
	    .common = {.family = AF_UNSPEC, .timeout_ms = DEFAULT_DEADLINE_MS}};
	int end = command_start(argc, argv), nops;

	if ((nops = cmd_parse_options(end, argv, options, synopsis, &o, &o.common, NULL)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (nops == 0)
		return diag_fail(EXIT_USAGE, "missing TARGET");
	if (end < argc && end + 1 == argc)
		return diag_fail(EXIT_USAGE, "missing COMMAND after --");
	if (o.proxy_user && !o.proxy_url)
		return diag_fail(EXIT_USAGE, "cannot use --proxy-user without --proxy");
	if (o.proxy_url && cmd_proxy(&o.proxy, o.proxy_url, "--proxy", o.proxy_user) < 0)
		return EXIT_USAGE;
	if (cmd_tls_check(&o.common, true, "a tls:// or https:// target") < 0)
		return EXIT_USAGE;
	return wait_targets(&o, argv, nops, end < argc ? argv + end + 1 : NULL);
}
