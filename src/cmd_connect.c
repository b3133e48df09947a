/* cmd_connect.c: `sockit connect`, the client: stdin to the peer, the peer to stdout. */
#include "clock.h"
#include "cmd.h"
#include "diag.h"
#include "exec.h"
#include "json.h"
#include "net.h"
#include "parse.h"
#include "proxy.h"
#include "relay.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char synopsis[] =
    "usage: sockit connect [OPTIONS] HOST PORT\n"
    "       sockit connect [OPTIONS] -U PATH\n"
    "Copies stdin to the peer and the peer to stdout, both ways at once. PORT may be\n"
    "HOST:PORT or [IPV6]:PORT; with -z it may be a range (20-30).";

struct connect_opts {
	struct cmd_common common;
	bool udp, crlf, no_shutdown, scan, hex, json, tls;
	const char *unix_path;
	const char *send;
	const char *expect;              /* --expect REGEX, or NULL */
	const char *exec_line, *sh_line; /* -e, -c: a program instead of stdin/stdout */
	int linger_ms;                   /* -1 until given */
	char host[1024], port[64];
	char src_host[256], src_port[64];
	bool have_source;
	const char *proxy_url, *proxy_user;
	struct proxy proxy;
};

enum { OPT_SOURCE = OPT_ID_FIRST_CMD };

#define C struct connect_opts
static const struct opt options[] = {
    OPT_FAMILY,
    OPT_TIMEOUT(C, "connect timeout, and idle timeout (exit 5)"),
    OPT_MAX_TIME(C),
    OPT_FLAG('u', "udp", C, udp, "UDP: each read of stdin is one datagram"),
    OPT_NONEMPTY('U', "unix", "PATH", C, unix_path, "connect to a UNIX-domain socket"),
    OPT_STRING(0, "send", "TEXT", C, send, "send TEXT and a newline instead of stdin"),
    OPT_STRING(0, "expect", "REGEX", C, expect,
               "end at the first line received that matches (exit 0; none: 1)"),
    OPT_FLAG('C', "crlf", C, crlf, "send LF line endings as CRLF"),
    OPT_SECONDS(0, "linger", C, linger_ms, 0,
                "after stdin EOF, wait at most SECS for the peer"),
    OPT_FLAG(0, "no-shutdown", C, no_shutdown, "do not half-close at stdin EOF"),
    OPT_FLAG('z', "scan", C, scan, "zero-I/O scan: report open ports (PORT may be 20-30)"),
    OPT_FLAG(0, "json", C, json, "with -z: one JSON object per port tried, open or not"),
    OPT_CALL('s', "source", "ADDR[:PORT]", OPT_SOURCE,
             "local address (and port) to connect from"),
    OPT_FLAG('x', "hex", C, hex, "hex dump of the traffic on stderr"),
    OPT_STRING(0, "proxy", "URL", C, proxy_url,
               "tunnel through a SOCKS or HTTP proxy ('': none)"),
    OPT_NONEMPTY(0, "proxy-user", "USER:PASS", C, proxy_user, "the proxy's user and password"),
    OPT_FLAG(0, "tls", C, tls, "TLS: a verified session over the connection (sockit(1), TLS)"),
    OPT_FLAG(0, "ssl", C, tls, NULL), /* ncat's name */
    OPT_TLS_CLIENT(C),
    OPT_NONEMPTY('e', "exec", "PROG", C, exec_line,
                 "run 'PROG [ARG...]' on the connection (split at blanks, no shell)"),
    OPT_NONEMPTY('c', "sh-exec", "CMD", C, sh_line, "run /bin/sh -c CMD on the connection"),
    OPT_VERBOSITY,
    OPT_END,
};
#undef C

/* -s ADDR[:PORT], or ":PORT" alone (nc's -p: any local address, that port). */
static int apply_option(void *opts, int id, const char *arg)
{
	struct connect_opts *o = opts;

	(void)id; /* -s is the only one */
	if (arg[0] == ':' ? parse_hostport(arg + 1, o->src_port, sizeof o->src_port,
	                                   o->src_host, sizeof o->src_host) != 0
	                  : parse_hostport(arg, o->src_host, sizeof o->src_host, o->src_port,
	                                   sizeof o->src_port) < 0)
		return diag_usage("invalid source address '%.60s' for -s", arg);
	o->have_source = true;
	return 0;
}

/* --proxy: TCP to a HOST PORT only; no environment is read, as nc. */
static int check_proxy(struct connect_opts *o)
{
	if (o->proxy_user && !o->proxy_url)
		return diag_usage("cannot use --proxy-user without --proxy");
	if (!o->proxy_url || cmd_proxy(&o->proxy, o->proxy_url, "--proxy", o->proxy_user) < 0)
		return o->proxy_url ? -1 : 0;
	if (o->proxy.kind != PROXY_NONE && (o->udp || o->scan || o->unix_path))
		return diag_usage("cannot use --proxy with %s", o->udp    ? "-u"
		                                                : o->scan ? "-z"
		                                                          : "-U");
	return 0;
}

/* -e and -c hand the connection to a program: no relay option means anything then. */
static int check_exec(struct connect_opts *o)
{
	const char *e = o->exec_line ? "-e" : "-c";

	if (o->exec_line && o->sh_line)
		return diag_usage("cannot use -e and -c together");
	if (o->udp || o->scan || o->send || o->expect || o->tls)
		return diag_usage("cannot use %s with %s", e,
		                  o->tls    ? "--tls"
		                  : o->udp  ? "-u"
		                  : o->scan ? "-z"
		                  : o->send ? "--send"
		                            : "--expect");
	if (o->crlf || o->hex || o->no_shutdown || o->linger_ms >= 0)
		return diag_usage("cannot use %s with %s", e,
		                  o->crlf          ? "-C"
		                  : o->hex         ? "-x"
		                  : o->no_shutdown ? "--no-shutdown"
		                                   : "--linger");
	return 0;
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct connect_opts *o, char **ops, int nops)
{
	int used;

	if ((o->exec_line || o->sh_line) && check_exec(o) < 0)
		return -1;
	if (cmd_tls_check(&o->common, o->tls, "--tls") < 0)
		return -1;
	if (o->tls && (o->udp || o->unix_path))
		return diag_usage("cannot use --tls with %s", o->udp ? "-u (no DTLS)" : "-U");
	if (o->unix_path) {
		if (check_proxy(o) < 0)
			return -1;
		if (nops > 0)
			return diag_usage("cannot use -U with HOST and PORT");
		if (o->udp || o->scan || o->have_source || o->common.family)
			return diag_usage("cannot use -U with %s", o->udp           ? "-u"
			                                           : o->scan        ? "-z"
			                                           : o->have_source ? "-s"
			                                                            : "-4/-6");
		return 0;
	}
	if (o->scan && (o->udp || o->send || o->expect))
		return diag_usage("cannot use -z with %s", o->udp    ? "-u"
		                                           : o->send ? "--send"
		                                                     : "--expect");
	if (o->json && !o->scan)
		return diag_usage("--json needs -z (a scan's report)");
	if (check_proxy(o) < 0)
		return -1;
	used = cmd_peer_operands(ops, nops, o->host, sizeof o->host, o->port, sizeof o->port);
	if (used < 0)
		return -1;
	if (used != nops)
		return diag_usage("unexpected argument '%.60s'", ops[used]);
	return 0;
}

static int check_port(struct connect_opts *o)
{
	char err[NET_ERR_LEN];
	unsigned lo, hi;

	if (o->scan && strchr(o->port, '-') && parse_port_range(o->port, &lo, &hi) == 0)
		return 0;
	if (o->scan && strchr(o->port, '-'))
		return diag_usage("invalid port range '%.40s'", o->port);
	if (net_check_port(err, o->port, false, o->udp ? SOCK_DGRAM : SOCK_STREAM) < 0)
		return diag_usage("%s", err);
	if (o->have_source && o->src_port[0] &&
	    net_check_port(err, o->src_port, false, o->udp ? SOCK_DGRAM : SOCK_STREAM) < 0)
		return diag_usage("-s: %s", err);
	return 0;
}

static struct net_peer peer_of(const struct connect_opts *o)
{
	struct net_peer p = {
	    .host = o->host,
	    .port = o->port,
	    .family = o->common.family,
	    .socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM,
	    .timeout_ms = deadline_cap(&o->common.max_time, o->common.timeout_ms),
	    .src_host = o->have_source && o->src_host[0] ? o->src_host : NULL,
	    .src_port = o->have_source && o->src_port[0] ? o->src_port : NULL,
	};
	return p;
}

/* A connect that failed: the --max-time message when that is what ran out. */
static int connect_failed(const struct connect_opts *o, int code, const char *err)
{
	if (code == NET_ETIMEOUT && deadline_expired(&o->common.max_time))
		return deadline_report(&o->common.max_time);
	return diag_fail(-code, "%s", err);
}

/* What -z --tls learnt of an open port: the session's details, or why it failed. */
struct tls_check {
	struct tls_info info;
	char why[TLS_ERR_LEN]; /* "" when the peer is trusted */
	int rc;                /* 0, or the exit status of the failure */
};

/* -z --json: {"host":..,"address":..,"port":N,"state":..,"ms":..} and with --tls the
 * certificate's details (sockit(1), JSON OUTPUT). */
static void scan_json(struct json *j, const char *host, const char *addr, unsigned port, int fd,
                      long long us, const struct tls_check *tc)
{
	json_begin(j);
	json_cstr(j, "host", host);
	json_cstr(j, "address", addr);
	json_int(j, "port", port);
	json_cstr(j, "state", fd >= 0 ? "open" : fd == NET_ETIMEOUT ? "timeout" : "closed");
	json_real(j, "ms", (double)us / 1000.0);
	if (tc && fd >= 0 && tc->info.version[0]) {
		json_cstr(j, "tls_version", tc->info.version);
		json_cstr(j, "cipher", tc->info.cipher);
		json_cstr(j, "subject", tc->info.subject);
		json_cstr(j, "issuer", tc->info.issuer);
		json_cstr(j, "not_after", tc->info.not_after);
		json_int(j, "days_left", tc->info.days_left);
	}
	if (tc && fd >= 0)
		json_bool(j, "verified", tc->rc == 0);
	if (tc && fd >= 0 && tc->rc)
		json_cstr(j, "error", tc->why);
	json_end(j, stdout);
}

/* -z --tls: the handshake on the open port fd, judged as a connection would be. */
static void check_tls(const struct connect_opts *o, struct tls_ctx *ctx, int fd,
                      struct tls_check *tc)
{
	struct transport tr;
	struct tls_conn *c = tls_client_new(tc->why, ctx, fd, o->host);

	memset(&tc->info, 0, sizeof tc->info);
	tc->why[0] = 0;
	tc->rc = EXIT_TLS;
	if (!c)
		return;
	transport_tls(&tr, fd, c);
	int rc = transport_handshake_wait(
	    &tr, deadline_cap(&o->common.max_time, o->common.timeout_ms));
	tls_get_info(c, &tc->info);
	if (rc < 0)
		snprintf(tc->why, sizeof tc->why, "%s", tr.err);
	tc->rc = rc == 0 ? 0 : rc == TRANSPORT_ETIMEOUT ? EXIT_TIMEOUT : EXIT_TLS;
	transport_free(&tr);
}

/* One port: the host's addresses in turn until one answers. Returns the fd, or the last
 * failure; addr names the address tried last. */
static int scan_port(struct net_peer *p, const struct addrinfo *res, char *addr, size_t cap,
                     const struct deadline *max_time, int timeout_ms)
{
	char err[NET_ERR_LEN];
	int fd = NET_ENET;

	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		p->host = net_format_numeric(ai->ai_addr, ai->ai_addrlen, addr, cap);
		p->timeout_ms = deadline_cap(max_time, timeout_ms);
		if ((fd = net_connect(err, p)) >= 0 || deadline_expired(max_time))
			break;
		diag_verbose(1, "%s", err);
	}
	return fd;
}

/* -z: try each port of the range (the name resolved once); print the open ones, or with
 * --json every one, on stdout. */
static int scan(struct connect_opts *o, struct tls_ctx *ctx)
{
	struct tls_check tc;
	int tls_rc = 0;
	char err[NET_ERR_LEN], num[8], addr[NET_ADDR_LEN];
	struct net_peer p = peer_of(o);
	struct addrinfo *res;
	struct json j = {0};
	unsigned lo, hi;
	bool any = false, service = parse_port_range(o->port, &lo, &hi) < 0;

	if (service) /* checked already: it is known */
		lo = hi = (unsigned)net_port_number(err, o->port, SOCK_STREAM);
	p.port = NULL;
	if (net_resolve_peer(err, &p, &res) < 0)
		return diag_fail(EXIT_RESOLVE, "%s", err);
	p.port = num;
	for (unsigned port = lo; port <= hi; port++) {
		long long start = clock_us();
		snprintf(num, sizeof num, "%u", port);
		int fd = scan_port(&p, res, addr, sizeof addr, &o->common.max_time,
		                   o->common.timeout_ms);
		if (deadline_expired(&o->common.max_time)) {
			if (fd >= 0)
				close(fd);
			freeaddrinfo(res);
			return deadline_report(&o->common.max_time);
		}
		if (fd >= 0 && ctx)
			check_tls(o, ctx, fd, &tc);
		if (o->json)
			scan_json(&j, o->host, addr, port, fd, clock_us() - start,
			          ctx ? &tc : NULL);
		if (fd < 0)
			continue;
		close(fd);
		any = true;
		if (!o->json && !ctx)
			printf("%s %s open\n", o->host, service ? o->port : num);
		else if (!o->json)
			printf("%s %s open tls=%s days_left=%lld\n", o->host,
			       service ? o->port : num,
			       tc.info.version[0] ? tc.info.version : "none",
			       tc.info.days_left);
		fflush(stdout);
		if (ctx && tc.rc) { /* the port is open; the check failed */
			diag_err("%s port %s: %s", o->host, service ? o->port : num, tc.why);
			tls_rc = tls_rc ? tls_rc : tc.rc;
		}
	}
	freeaddrinfo(res);
	json_free(&j);
	return tls_rc ? tls_rc : any ? 0 : EXIT_NO;
}

/* --expect's view of the received bytes; with -u a datagram's end ends its last line. */
struct watcher {
	struct expect ex;
	bool udp;
};

static bool on_received(void *ctx, const char *buf, size_t *n)
{
	struct watcher *w = ctx;

	if (!buf)
		return expect_end(&w->ex);
	return w->udp ? expect_datagram(&w->ex, buf, n) : expect_feed(&w->ex, buf, n);
}

/* The relay's end, judged by --expect: the peer's close without a match is a "no". */
static int judge(const struct connect_opts *o, struct watcher *w, int rc,
                 const struct relay_stats *st)
{
	if (rc == 0 && !st->output_gone)
		rc = cmd_expect_outcome(&w->ex, o->expect);
	expect_free(&w->ex);
	return rc;
}

static int converse(struct connect_opts *o, int fd, struct transport *tr, struct watcher *w)
{
	char *sendbuf = NULL;
	struct relay_stats st;
	struct relay_opts r = {
	    .in_fd = o->send ? -1 : STDIN_FILENO,
	    .out_fd = STDOUT_FILENO,
	    .sock = fd,
	    .tr = tr,
	    .udp = o->udp,
	    .in_is_tty = !o->send && isatty(STDIN_FILENO),
	    .no_shutdown = o->no_shutdown,
	    .linger_ms = o->linger_ms >= 0 ? o->linger_ms
	                 : o->udp          ? 1000
	                                   : -1,
	    .idle_ms = o->common.timeout_ms,
	    .hex = o->hex,
	    .crlf = o->crlf,
	    .deadline = &o->common.max_time,
	    .on_received = o->expect ? on_received : NULL,
	    .watch_ctx = w,
	};
	if (o->send) {
		size_t n = strlen(o->send);
		if (!(sendbuf = malloc(n + 1)))
			return diag_fail(EXIT_IO, "out of memory");
		memcpy(sendbuf, o->send, n);
		sendbuf[n] = '\n';
		r.send = sendbuf;
		r.send_len = n + 1;
	}
	int rc = relay_run(&r, &st);
	free(sendbuf);
	diag_verbose(1, "sent %llu bytes, received %llu bytes", st.sent, st.received);
	return o->expect ? judge(o, w, rc, &st) : rc;
}

/* -e/-c: the program talks to the peer; its exit status is connect's (sockit(1),
 * --exec). */
static int run_program(struct exec_prog *prog, int fd)
{
	char err[NET_ERR_LEN];
	int rc = exec_run(err, prog, fd);

	if (rc < 0)
		return diag_fail(EXIT_NO, "%s", err);
	diag_verbose(1, "program ended with exit status %d", rc);
	return rc;
}

/* --tls: the handshake within -w and --max-time. Returns 0 or the exit status. */
static int start_tls(struct connect_opts *o, int fd, struct transport *tr, struct tls_ctx **ctx)
{
	const struct deadline *max = &o->common.max_time;
	int rc = cmd_tls_start(tr, ctx, &o->common, fd, o->host,
	                       deadline_cap(max, o->common.timeout_ms), NULL);

	return rc == EXIT_TIMEOUT && deadline_expired(max) ? deadline_report(max) : rc;
}

int cmd_connect(int argc, char **argv)
{
	struct connect_opts o = {.common = {.family = AF_UNSPEC}, .linger_ms = -1};
	struct exec_prog prog = {0};
	char err[NET_ERR_LEN], who[NET_ADDR_LEN];
	struct watcher w = {.udp = false};
	struct transport tr = {.fd = -1};
	struct tls_ctx *ctx = NULL;
	int nops, fd, rc;

	if ((nops = cmd_parse_options(argc, argv, options, synopsis, &o, &o.common,
	                              apply_option)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0 || (!o.unix_path && check_port(&o) < 0))
		return EXIT_USAGE;
	w.udp = o.udp;
	if (o.expect && (rc = cmd_expect_init(&w.ex, o.expect, &o.common.max_time)) != 0)
		return rc;
	if (o.tls && (rc = cmd_tls_ctx(&ctx, &o.common)) != 0) {
		if (o.expect)
			expect_free(&w.ex);
		return rc;
	}
	if (o.scan) {
		rc = scan(&o, ctx);
		tls_ctx_free(ctx);
		return rc;
	}
	/* the program is looked up before connecting: a typo is exit 2, not a connection */
	if ((o.exec_line || o.sh_line) &&
	    exec_prepare(err, &prog, o.exec_line ? o.exec_line : o.sh_line, !o.exec_line) < 0)
		return diag_fail(EXIT_USAGE, "%s", err);
	if (o.unix_path) {
		fd = net_connect_unix(err, o.unix_path, SOCK_STREAM);
	} else {
		struct net_peer p = peer_of(&o);
		fd = o.proxy.kind ? proxy_connect(err, &o.proxy, &p) : net_connect(err, &p);
	}
	if (fd < 0) {
		if (o.expect)
			expect_free(&w.ex);
		exec_free(&prog);
		tls_ctx_free(ctx);
		return connect_failed(&o, fd, err);
	}
	diag_verbose(1, "connected to %s%s",
	             o.unix_path    ? o.unix_path
	             : o.proxy.kind ? proxy_hostport(who, sizeof who, o.host, o.port)
	                            : net_format_peer(fd, who, sizeof who),
	             o.proxy.kind ? " through the proxy" : "");
	rc = o.tls ? start_tls(&o, fd, &tr, &ctx) : 0;
	if (rc == 0)
		rc = prog.path ? run_program(&prog, fd)
		               : converse(&o, fd, o.tls ? &tr : NULL, &w);
	else if (o.expect)
		expect_free(&w.ex);
	transport_free(&tr);
	tls_ctx_free(ctx);
	close(fd);
	exec_free(&prog);
	return rc;
}
