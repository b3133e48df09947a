/* cmd_serve.c: `sockit serve` and `sockit echo`: options, then the raw relay (one
 * client at a time, like nc -l) or the event-loop server for every other protocol. */
#include "admit.h"
#include "clock.h"
#include "cmd.h"
#include "diag.h"
#include "exec.h"
#include "forward.h"
#include "hints.h"
#include "net.h"
#include "parse.h"
#include "proto.h"
#include "proxy.h"
#include "relay.h"
#include "server.h"
#include "tls.h"
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char synopsis[] =
    "usage: sockit serve [OPTIONS] [[ADDR] PORT]     (PORT defaults to 4242, 0 = any free)\n"
    "       sockit serve [OPTIONS] -U PATH\n"
    "       sockit serve --to TARGET [--to TARGET...] [OPTIONS] [[ADDR] PORT | -U PATH]\n"
    "Listens and serves clients. raw (the default) pipes one client at a time to\n"
    "stdin/stdout, like nc -l; every other protocol (-p) serves every client at once;\n"
    "--to forwards every client to TARGET (HOST:PORT, [V6]:PORT or unix:PATH).";

static const char echo_synopsis[] =
    "usage: sockit echo [OPTIONS] [[ADDR] PORT]      (PORT defaults to 4242, 0 = any free)\n"
    "       sockit echo [OPTIONS] -U PATH\n"
    "An echo server (RFC 862): sockit serve --proto echo.";

enum { OPT_ALLOW = OPT_ID_FIRST_CMD, OPT_DENY, OPT_GREETING, OPT_TO, OPT_PROXY_PROTOCOL };

#define MAX_TARGETS 16

struct serve_opts {
	struct cmd_common common;
	const char *proto;
	const char *bind;
	const char *unix_path;
	const char *port;
	bool udp, keep_open;
	int idle_ms; /* 0: never */
	long long max_clients, max_line;
	const char *greeting, *quotes_file, *root;
	bool once;
	const char *exec_line, *sh_line; /* -e, -c: a program per client */
	struct net_acl acl;
	const char *fixed_proto;      /* `sockit echo`: the protocol is not an option */
	const struct proto *protocol; /* NULL for raw */
	char **quotes;
	size_t nquotes;
	struct exec_prog prog;           /* -e or -c, resolved */
	bool tls;                        /* --tls: every client is a TLS session */
	struct tls_server_opts tls_opts; /* --cert, --key, --cacert, --verify-client */
	struct tls_ctx *tls_ctx;         /* made from them once, before listening */
	bool to_tls;                     /* --to-tls: TLS toward the targets (common.tls) */
	struct tls_ctx *to_tls_ctx;      /* its client context, made before listening */
	struct forward_target to[MAX_TARGETS]; /* --to */
	size_t nto;
	int proxy_protocol; /* --proxy-protocol 1|2, or 0 */
	const char *proxy_url, *proxy_user;
	struct proxy proxy;
	bool json;
	const char *where; /* the listening line's address: -U's path, or local */
	char local[NET_ADDR_LEN];
};

/* The commands of this file, as bits: a row of the option table names those it is for. */
enum {
	C_SERVE = 1,
	C_ECHO = 2,
	C_BOTH = C_SERVE | C_ECHO,
};

#define S struct serve_opts
static const struct opt_row rows[] = {
    OPT_FAMILY_ROWS(C_BOTH),
    {C_SERVE,
     {.shortname = 'p',
      .longname = "proto",
      .arg = "NAME",
      .help = "the protocol, raw by default",
      .choices = proto_names,
      .kind = OPT_KIND_STRING,
      .offset = OPT_AT(S, proto, const char *)}},
    {C_BOTH,
     OPT_STRING('b', "bind", "ADDR", S, bind, "local address (default: every interface)")},
    {C_BOTH, OPT_FLAG('u', "udp", S, udp, "serve over UDP")},
    {C_BOTH, OPT_NONEMPTY('U', "unix", "PATH", S, unix_path, "listen on a UNIX-domain socket")},
    {C_SERVE,
     OPT_FLAG('k', "keep-open", S, keep_open, "raw: accept the next client after one leaves")},
    {C_BOTH, OPT_COUNT('m', "max-clients", "N", S, max_clients, 1, 1000000,
                       "concurrent clients (default 10000)")},
    {C_BOTH, OPT_SECONDS(0, "idle-timeout", S, idle_ms, 1, "close a client idle that long")},
    {C_SERVE, OPT_COUNT(0, "max-line", "N", S, max_line, 16, 65536,
                        "longest line of a line protocol (default 1024)")},
    {C_BOTH, OPT_CALL(0, "greeting", "TEXT", OPT_GREETING, "line sent to every new client")},
    {C_SERVE, OPT_STRING(0, "quotes", "FILE", S, quotes_file, "qotd: one quote per line")},
    {C_SERVE, OPT_NONEMPTY(0, "root", "DIR", S, root, "http: serve the files beneath DIR")},
    {C_BOTH, OPT_FLAG(0, "once", S, once, "echo: answer the first read, then close")},
    {C_BOTH, OPT_CALL(0, "allow", "CIDR", OPT_ALLOW, "accept only these peers (repeatable)")},
    {C_BOTH,
     OPT_CALL(0, "deny", "CIDR", OPT_DENY, "refuse these peers (repeatable; deny wins)")},
    {C_SERVE, OPT_NONEMPTY('e', "exec", "PROG", S, exec_line,
                           "run 'PROG [ARG...]' on each client (split at blanks, no shell)")},
    {C_SERVE,
     OPT_NONEMPTY('c', "sh-exec", "CMD", S, sh_line, "run /bin/sh -c CMD on each client")},
    {C_BOTH, OPT_FLAG(0, "tls", S, tls, "serve every client over TLS (with --cert)")},
    {C_BOTH, OPT_FLAG(0, "ssl", S, tls, NULL)}, /* ncat's name */
    {C_BOTH, OPT_NONEMPTY(0, "cert", "FILE", S, tls_opts.cert,
                          "TLS: the server's certificate (PEM, chain allowed)")},
    {C_BOTH, OPT_NONEMPTY(0, "key", "FILE", S, tls_opts.key,
                          "TLS: its private key (PEM; default: in --cert)")},
    {C_BOTH, OPT_NONEMPTY(0, "cacert", "FILE", S, tls_opts.cafile,
                          "TLS: the CAs a client certificate must chain to")},
    {C_BOTH, OPT_FLAG(0, "verify-client", S, tls_opts.verify_client,
                      "TLS: refuse a client without a trusted certificate (with --cacert)")},
    {C_SERVE, OPT_CALL(0, "to", "TARGET", OPT_TO,
                       "forward every client to TARGET (repeatable: failover)")},
    {C_SERVE, OPT_TIMEOUT(S, "--to: connect timeout per address (default 10 s)")},
    {C_SERVE,
     OPT_FLAG(0, "to-tls", S, to_tls, "--to: speak TLS to TARGET, verified as connect --tls")},
    {C_SERVE, OPT_NONEMPTY(0, "to-cacert", "FILE", S, common.tls.cafile,
                           "--to-tls: trust the CAs in FILE, not the system's")},
    {C_SERVE, OPT_FLAG(0, "insecure", S, common.tls.insecure,
                       "--to-tls: do not verify the target at all (a warning unless -q)")},
    {C_SERVE,
     {.longname = "pin",
      .arg = "PIN",
      .kind = OPT_KIND_COMMON,
      .id = OPT_ID_PIN,
      .help = "--to-tls: trust exactly the target key of PIN, sha256//BASE64 (repeatable)"}},
    {C_SERVE, OPT_NONEMPTY(0, "tls-name", "NAME", S, common.tls.name,
                           "--to-tls: verify NAME (and send it as SNI), not TARGET's host")},
    {C_SERVE, OPT_NONEMPTY(0, "to-cert", "FILE", S, common.tls.cert,
                           "--to-tls: present this client certificate (PEM)")},
    {C_SERVE, OPT_NONEMPTY(0, "to-key", "FILE", S, common.tls.key,
                           "--to-tls: the --to-cert's key (PEM)")},
    {C_SERVE,
     {.longname = "proxy-protocol",
      .arg = "VERSION",
      .help = "--to: send the client's address first in a PROXY header (1 or 2)",
      .values = "1 2",
      .kind = OPT_KIND_CALL,
      .id = OPT_PROXY_PROTOCOL}},
    {C_SERVE, OPT_STRING(0, "proxy", "URL", S, proxy_url,
                         "--to: reach TARGET through a SOCKS or HTTP proxy")},
    {C_SERVE, OPT_NONEMPTY(0, "proxy-user", "USER:PASS", S, proxy_user,
                           "the proxy's user and password")},
    {C_SERVE, OPT_FLAG(0, "json", S, json, "--to: one JSON object per ended pair on stdout")},
    OPT_VERBOSITY_ROWS(C_BOTH),
};
#undef S

/* A TLS handshake not done in this long is closed, unless --idle-timeout says otherwise. */
#define HANDSHAKE_MS 10000

/* A burst of connects must not overflow the queue (the kernel caps it at somaxconn):
 * an overflowed SYN costs the client a one-second retransmit. */
#define LISTEN_BACKLOG 4096

/* Set by SIGINT, SIGTERM and SIGHUP (admit_catch_signals): every mode stops on it. */
static volatile sig_atomic_t stop_requested;

static int add_cidr(struct net_cidr **list, size_t *n, const char *arg, const char *opt)
{
	struct net_cidr *grown = realloc(*list, (*n + 1) * sizeof **list);

	if (!grown)
		return diag_usage("out of memory");
	*list = grown;
	if (net_cidr_parse(arg, &grown[*n]) < 0)
		return diag_usage("invalid address or CIDR '%.60s' for %s", arg, opt);
	(*n)++;
	return 0;
}

/* The table for serve or echo: `sockit echo` takes serve's options but -p (its protocol
 * is fixed) and those of other protocols and modes (-k, --quotes, -e, --to...). */
static const struct opt *options_of(unsigned cmd)
{
	static struct opt table[sizeof rows / sizeof *rows + 1]; /* the parser's for the run */

	return opt_select(table, rows, sizeof rows / sizeof *rows, cmd);
}

static int add_target(struct serve_opts *o, const char *arg)
{
	char err[NET_ERR_LEN];

	if (o->nto == MAX_TARGETS)
		return diag_usage("too many --to (at most %d)", MAX_TARGETS);
	if (forward_parse_target(err, arg, &o->to[o->nto]) < 0)
		return diag_usage("%s", err);
	o->nto++;
	return 0;
}

static int apply_option(void *opts, int id, const char *arg)
{
	struct serve_opts *o = opts;

	switch (id) {
	case OPT_GREETING:
		if (strpbrk(arg, "\r\n") || strlen(arg) > 512)
			return diag_usage("--greeting must be one line of at most 512 bytes");
		o->greeting = arg;
		return 0;
	case OPT_ALLOW:
		return add_cidr(&o->acl.allow, &o->acl.nallow, arg, "--allow");
	case OPT_TO:
		return add_target(o, arg);
	case OPT_PROXY_PROTOCOL:
		if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0)
			return diag_usage("invalid --proxy-protocol '%.20s' (1 or 2)", arg);
		o->proxy_protocol = arg[0] - '0';
		return 0;
	default:
		return add_cidr(&o->acl.deny, &o->acl.ndeny, arg, "--deny");
	}
}

static int parse_options(struct serve_opts *o, int argc, char **argv)
{
	const struct opt *table = options_of(o->fixed_proto ? C_ECHO : C_SERVE);

	return cmd_parse_options(argc, argv, table, o->fixed_proto ? echo_synopsis : synopsis,
	                         o, &o->common, apply_option);
}

/* -e and -c run a program on the raw connection: nothing else may handle it. */
static int check_exec(struct serve_opts *o)
{
	const char *e = o->exec_line ? "-e" : "-c";

	if (o->exec_line && o->sh_line)
		return diag_usage("cannot use -e and -c together");
	if (o->protocol)
		return diag_usage("cannot use %s with --proto %s", e, o->proto);
	if (o->udp || o->idle_ms || o->greeting)
		return diag_usage("cannot use %s with %s", e,
		                  o->udp       ? "-u"
		                  : o->idle_ms ? "--idle-timeout"
		                               : "--greeting");
	return 0;
}

/* --tls and its files (sockit(1), TLS): the files are for TLS; TLS wants a certificate,
 * a stream (there is no DTLS), and for --verify-client the CAs to check against. */
static int check_tls(const struct serve_opts *o)
{
	const struct tls_server_opts *t = &o->tls_opts;
	const char *given = t->cert            ? "--cert"
	                    : t->key           ? "--key"
	                    : t->cafile        ? "--cacert"
	                    : t->verify_client ? "--verify-client"
	                                       : NULL;

	if (!o->tls)
		return given ? diag_usage("%s needs --tls", given) : 0;
	if (!t->cert)
		return diag_usage(
		    "--tls needs --cert FILE (and --key FILE unless the key is in it)");
	if (o->udp)
		return diag_usage("cannot use --tls with -u (there is no DTLS)");
	if (t->verify_client != (t->cafile != NULL))
		return diag_usage(t->cafile ? "--cacert needs --verify-client"
		                            : "--verify-client needs --cacert FILE");
	return 0;
}

/* --to-tls and its client options: serve's own --cacert, --cert and --key are its
 * server side's, so the target's are --to-cacert, --to-cert and --to-key; --insecure,
 * --pin and --tls-name name only a target here and keep their client names. */
static int check_to_tls(const struct serve_opts *o)
{
	const struct tls_client_opts *t = &o->common.tls;
	const char *given = t->cafile ? "--to-cacert"
	                    : t->cert ? "--to-cert"
	                    : t->key  ? "--to-key"
	                              : NULL;

	if (given && !o->to_tls)
		return diag_usage("%s needs --to-tls", given);
	if (t->key && !t->cert)
		return diag_usage("--to-key needs --to-cert");
	if (o->to_tls && o->udp)
		return diag_usage("cannot use --to-tls with -u (there is no DTLS)");
	return cmd_tls_check(&o->common, o->to_tls, "--to-tls");
}

/* --to: a forwarder carries bytes as they are; what only it uses needs it. */
static int check_forward(struct serve_opts *o)
{
	const char *only = o->json                ? "--json"
	                   : o->to_tls            ? "--to-tls"
	                   : o->proxy_protocol    ? "--proxy-protocol"
	                   : o->proxy_url         ? "--proxy"
	                   : o->proxy_user        ? "--proxy-user"
	                   : o->common.timeout_ms ? "-w"
	                                          : NULL;

	if (!o->nto)
		return only ? diag_usage("%s is for --to", only) : 0;
	if (strcmp(o->proto, "raw") != 0)
		return diag_usage("cannot use --to with --proto %s", o->proto);
	if (o->exec_line || o->sh_line || o->keep_open || o->greeting)
		return diag_usage("cannot use --to with %s", o->exec_line ? "-e"
		                                             : o->sh_line ? "-c"
		                                             : o->keep_open
		                                                 ? "-k (it always stays open)"
		                                                 : "--greeting");
	if (check_to_tls(o) < 0)
		return -1;
	if (o->proxy_user && !o->proxy_url)
		return diag_usage("cannot use --proxy-user without --proxy");
	if (o->proxy_url && cmd_proxy(&o->proxy, o->proxy_url, "--proxy", o->proxy_user) < 0)
		return -1;
	for (size_t i = 0; i < o->nto; i++)
		if (o->to[i].path && (o->udp || o->proxy.kind != PROXY_NONE))
			return diag_usage("cannot use --to unix:PATH with %s",
			                  o->udp ? "-u" : "--proxy");
	if (o->udp && (o->nto > 1 || o->proxy_protocol || o->proxy.kind != PROXY_NONE))
		return diag_usage("cannot use -u with %s", o->nto > 1 ? "several --to"
		                                           : o->proxy_protocol
		                                               ? "--proxy-protocol"
		                                               : "--proxy");
	if (o->proxy.kind == PROXY_NONE)
		o->proxy_url = NULL; /* --proxy '': none */
	return 0;
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct serve_opts *o, char **ops, int nops)
{
	char err[NET_ERR_LEN];

	if (strcmp(o->proto, "raw") != 0 && !(o->protocol = proto_find(o->proto)))
		return diag_usage("unknown protocol '%.40s' (%s)", o->proto, proto_names());
	if (o->udp && o->protocol && !o->protocol->udp)
		return diag_usage("cannot serve %s over UDP", o->proto);
	if (check_forward(o) < 0)
		return -1;
	if (o->keep_open && o->protocol)
		return diag_usage("-k is for raw; %s always stays open", o->proto);
	if (o->quotes_file && o->protocol != &proto_qotd)
		return diag_usage("--quotes is for --proto qotd");
	if ((o->exec_line || o->sh_line) && check_exec(o) < 0)
		return -1;
	if (o->root && o->protocol != &proto_http)
		return diag_usage("--root is for --proto http");
	if (o->once && (o->protocol != &proto_echo || o->udp))
		return diag_usage("--once is for --proto echo over TCP");
	if (o->unix_path && (nops > 0 || o->bind || o->udp || o->common.family))
		return diag_usage("cannot use -U with %s", nops      ? "ADDR or PORT"
		                                           : o->bind ? "-b"
		                                           : o->udp  ? "-u"
		                                                     : "-4/-6");
	if (o->udp && o->keep_open)
		return diag_usage("cannot use -k with -u (a UDP raw session has no end)");
	if (check_tls(o) < 0)
		return -1;
	for (int i = 0; i < nops; i++) /* socat's TCP-LISTEN:PORT,fork: its hint */
		if (hints_unknown("serve", ops[i])) {
			diag_err("%.40s: %s", ops[i], hints_unknown("serve", ops[i]));
			return -1;
		}
	if (nops > 2)
		return diag_usage("unexpected argument '%.60s'", ops[2]);
	if (nops == 2 && o->bind)
		return diag_usage("cannot use -b and an ADDR argument together");
	if (nops == 2)
		o->bind = ops[0];
	if (nops >= 1)
		o->port = ops[nops - 1];
	if (!o->unix_path &&
	    net_check_port(err, o->port, true, o->udp ? SOCK_DGRAM : SOCK_STREAM) < 0)
		return diag_usage("%s", err);
	return 0;
}

/* Binds and listens; the listening line waits until the mode is ready (admit_start). */
static int open_listener(struct serve_opts *o)
{
	char err[NET_ERR_LEN];
	int type = o->udp ? SOCK_DGRAM : SOCK_STREAM, fd;

	if (o->unix_path)
		fd = net_listen_unix(err, o->unix_path, type, LISTEN_BACKLOG);
	else
		fd = net_listen(err, o->bind, o->port, o->common.family, type, LISTEN_BACKLOG);
	if (fd < 0) {
		diag_err("%s", err);
		return fd;
	}
	o->where =
	    o->unix_path ? o->unix_path : net_format_local(fd, o->local, sizeof o->local);
	return fd;
}

/* The access list, if any was given. */
static const struct net_acl *acl_of(const struct serve_opts *o)
{
	return o->acl.nallow + o->acl.ndeny ? &o->acl : NULL;
}

/* UDP raw: the first datagram names the peer (it stays queued for the relay), and the
 * socket is fixed to it. Returns lfd, or -1: none (yet), or an error (*fatal set). */
static int first_sender(struct admit *a, struct sockaddr_storage *ss, socklen_t *len,
                        bool *fatal)
{
	char err[NET_ERR_LEN];

	if (net_udp_peek_sender(err, a->lfd, ss, len) < 0)
		return -1;
	if (!admit_permits(a, ss, *len)) {
		net_udp_drop(a->lfd);
		return -1;
	}
	if (net_udp_connect(err, a->lfd, (struct sockaddr *)ss, *len) < 0) {
		diag_err("%s", err);
		*fatal = true;
		return -1;
	}
	return a->lfd;
}

/* Waits for the next permitted client (or a stop signal). Returns its fd (for UDP the
 * listening socket, now fixed to the first sender), or -1 to stop. */
static int next_client(struct serve_opts *o, struct admit *a, struct sockaddr_storage *ss,
                       socklen_t *len)
{
	bool fatal = false;
	int fd;

	while (!stop_requested && !fatal) {
		struct pollfd pfd[2] = {{.fd = admit_wake_fd(), .events = POLLIN},
		                        {.fd = a->accepting ? a->lfd : -1, .events = POLLIN}};
		/* one client at a time: none is being served while this waits */
		if ((fd = o->udp ? first_sender(a, ss, len, &fatal)
		                 : admit_next(a, 0, ss, len)) >= 0)
			return fd;
		poll(pfd, 2, (int)admit_timer(a, clock_ms(), -1));
		admit_drain_wake();
	}
	return -1;
}

static int serve_one(struct serve_opts *o, struct transport *tr, const char *who,
                     bool *input_done, bool *output_gone)
{
	struct relay_stats st;
	struct relay_opts r = {
	    .in_fd = *input_done ? -1 : STDIN_FILENO,
	    .out_fd = STDOUT_FILENO,
	    .sock = tr->fd,
	    .tr = tr,
	    .udp = o->udp,
	    .in_is_tty = isatty(STDIN_FILENO),
	    .linger_ms = -1,
	    .idle_ms = o->idle_ms,
	    .stop = &stop_requested,
	};
	long long start = clock_ms();
	int rc = relay_run(&r, &st);

	*input_done = *input_done || st.input_done;
	*output_gone = st.output_gone;
	long long ms = clock_ms() - start;
	diag_verbose(1, "%s %s: %llu bytes in, %llu bytes out, %lld.%03lld s", who,
	             rc == EXIT_TIMEOUT ? "closed (idle)" : "closed", st.received, st.sent,
	             ms / 1000, ms % 1000);
	return rc;
}

/* --greeting on raw: the line goes out before the client's relay starts. */
static int greet_raw(struct serve_opts *o, struct transport *tr)
{
	if (transport_write_all(tr, o->greeting, strlen(o->greeting)) < 0 ||
	    transport_write_all(tr, "\n", 1) < 0) {
		diag_verbose(1, "greeting: %s", tr->err);
		return -1;
	}
	return 0;
}

/* The bound of a TLS handshake: --idle-timeout, or HANDSHAKE_MS. */
static int handshake_ms(const struct serve_opts *o)
{
	return o->idle_ms ? o->idle_ms : HANDSHAKE_MS;
}

/* --tls on raw: the client's handshake, bounded; one that fails is logged with -v and
 * costs only its own connection. Returns 0 with tr the session, or -1. */
static int raw_tls(struct serve_opts *o, int fd, const char *who, struct transport *tr)
{
	char words[TLS_ERR_LEN + 2 * TLS_NAME_LEN];

	if (transport_accept_wait(tr, o->tls_ctx, fd, handshake_ms(o)) < 0) {
		diag_verbose(1, "%s: %s", who, tr->err);
		return -1;
	}
	diag_verbose(1, "%s: %s", who, transport_server_words(tr, words, sizeof words));
	return 0;
}

static int serve_raw(struct serve_opts *o, int lfd)
{
	struct admit a = {.lfd = lfd,
	                  .acl = acl_of(o),
	                  .max_clients = (int)o->max_clients,
	                  .blocking = true, /* the relay's */
	                  .where = o->where};
	struct sockaddr_storage ss;
	socklen_t len;
	char who[NET_ADDR_LEN];
	bool input_done = false, output_gone = false;
	int rc = 0;

	if (admit_start(&a) < 0) {
		diag_err("cannot watch the listening socket: %s", strerror(errno));
		return EXIT_IO;
	}
	for (;;) {
		struct transport tr;
		int fd = next_client(o, &a, &ss, &len);
		if (fd < 0)
			return 0;
		net_format((struct sockaddr *)&ss, len, who, sizeof who);
		diag_verbose(1, "connection from %s", who);
		transport_plain(&tr, fd);
		/* a client that fails the handshake never began a session: wait for the next */
		if (o->tls_ctx && raw_tls(o, fd, who, &tr) < 0) {
			close(fd);
			continue;
		}
		/* a client gone before its greeting was delivered: its session is over */
		if (o->greeting && greet_raw(o, &tr) < 0)
			rc = 0;
		else
			rc = serve_one(o, &tr, who, &input_done, &output_gone);
		transport_free(&tr);
		if (fd != lfd)
			close(fd);
		/* with -k too: once stdout's reader has left, no client can be served */
		if (stop_requested || !o->keep_open || output_gone)
			return stop_requested ? 0 : rc;
	}
}

/* Keeps a copy of one quote; free_opts frees them. Returns 0 or EXIT_IO. */
static int add_quote(struct serve_opts *o, const char *line)
{
	char **grown = realloc(o->quotes, (o->nquotes + 1) * sizeof *grown);

	if (grown)
		o->quotes = grown;
	if (!grown || !(grown[o->nquotes] = strdup(line))) {
		diag_err("out of memory");
		return EXIT_IO;
	}
	o->nquotes++;
	return 0;
}

/* --quotes FILE: one quote per non-empty line, each short enough for RFC 865. Returns
 * 0 or the exit status. */
static int load_quotes(struct serve_opts *o)
{
	FILE *f = fopen(o->quotes_file, "r");
	char line[1024];
	size_t lineno = 0;
	int rc = 0;

	if (!f) {
		diag_err("%s: %s", o->quotes_file, strerror(errno));
		return EXIT_IO;
	}
	while (rc == 0 && fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		lineno++;
		if ((line[n] == '\0' && !feof(f)) || n > 509) {
			diag_usage("%s:%zu: quote too long (at most 509 bytes)", o->quotes_file,
			           lineno);
			rc = EXIT_USAGE;
		} else if (n > 0) {
			line[n] = '\0';
			rc = add_quote(o, line);
		}
	}
	fclose(f);
	if (rc == 0 && o->nquotes == 0) {
		diag_usage("%s: no quotes in it", o->quotes_file);
		rc = EXIT_USAGE;
	}
	return rc;
}

/* --root DIR must be a directory we can open, before the listening line says we are ready. */
static int check_root(const char *dir)
{
	struct stat st;
	int fd, here = -1;

	if (stat(dir, &st) < 0) {
		diag_err("%s: %s", dir, strerror(errno));
		return EXIT_IO;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_err("%s: not a directory", dir);
		return EXIT_IO;
	}
	/* opened and searched as the server will (a walk beneath it starts at "."), so a
	 * directory we may not read fails here, before the listening line */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		here = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (here < 0) {
		diag_err("%s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_IO;
	}
	close(here);
	close(fd);
	return 0;
}

/* A server of many clients needs a descriptor each: take what the hard limit allows. */
static void raise_fd_limit(long long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= (rlim_t)want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t)want ? (rlim_t)want
	                                                                         : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int serve_protocol(struct serve_opts *o, int lfd)
{
	struct server_opts so = {
	    .proto = o->protocol,
	    .cfg = {.max_line = (size_t)o->max_line,
	            .greeting = o->greeting,
	            .quotes = o->quotes,
	            .nquotes = o->nquotes,
	            .out_fd = STDOUT_FILENO,
	            .root = o->root,
	            .once = o->once,
	            .idle_ms = o->idle_ms},
	    .lfd = lfd,
	    .udp = o->udp,
	    .max_clients = (int)o->max_clients,
	    .idle_ms = o->idle_ms,
	    .tls = o->tls_ctx,
	    .handshake_ms = handshake_ms(o),
	    .acl = acl_of(o),
	    .in_fd = o->protocol->on_input ? STDIN_FILENO : -1,
	    .stop = &stop_requested,
	    .where = o->where,
	};
	return server_run(&so);
}

/* --to: every client joined to a connection to a target (sockit(1), Forwarding). */
static int serve_forward(struct serve_opts *o, int lfd)
{
	struct forward_opts fo = {
	    .lfd = lfd,
	    .udp = o->udp,
	    .to = o->to,
	    .nto = o->nto,
	    .family = o->common.family,
	    .connect_ms = o->common.timeout_ms ? o->common.timeout_ms : 10000,
	    .idle_ms = o->idle_ms ? o->idle_ms
	               : o->udp   ? 60000
	                          : 0,
	    .max_clients = (int)o->max_clients,
	    .proxy_protocol = o->proxy_protocol,
	    .acl = acl_of(o),
	    .proxy = o->proxy_url ? &o->proxy : NULL,
	    .json = o->json,
	    .tls = o->tls_ctx,
	    .handshake_ms = handshake_ms(o),
	    .to_tls = o->to_tls_ctx,
	    .stop = &stop_requested,
	    .where = o->where,
	};
	return forward_run(&fo);
}

/* -e/-c: one program per client (sockit(1), --exec). */
static int serve_exec(struct serve_opts *o, int lfd)
{
	struct exec_serve_opts eo = {
	    .prog = &o->prog,
	    .lfd = lfd,
	    .keep_open = o->keep_open,
	    .max_clients = (int)o->max_clients,
	    .acl = acl_of(o),
	    .stop = &stop_requested,
	    .tls = o->tls_ctx,
	    .handshake_ms = handshake_ms(o),
	    .where = o->where,
	};
	return exec_serve(&eo);
}

/* The program is looked up before the server is ready: a typo is exit 2 with no
 * listening line. */
static int prepare_exec(struct serve_opts *o)
{
	char err[NET_ERR_LEN];

	if (exec_prepare(err, &o->prog, o->exec_line ? o->exec_line : o->sh_line,
	                 !o->exec_line) < 0)
		return diag_usage("%s", err);
	return 0;
}

/* The certificate and key are read once, before the listening line: a file that cannot
 * be used is exit 2, a machine without libssl exit 8. */
static int prepare_tls(struct serve_opts *o)
{
	char err[TLS_ERR_LEN];
	int rc = tls_server_ctx(err, &o->tls_opts, &o->tls_ctx);

	if (rc == 0)
		return 0;
	diag_err("%s", err);
	return rc == TLS_EUSAGE ? EXIT_USAGE : EXIT_TLS;
}

/* --to-tls: the client context toward the targets, made as prepare_tls's is; a file
 * that cannot be used is named as serve names it (--to-cacert). */
static int prepare_to_tls(struct serve_opts *o)
{
	char err[TLS_ERR_LEN], words[TLS_ERR_LEN + 16];
	int rc = tls_client_ctx(err, &o->common.tls, &o->to_tls_ctx);

	if (rc < 0) {
		diag_err("%s", forward_target_words(words, sizeof words, err));
		return rc == TLS_EUSAGE ? EXIT_USAGE : EXIT_TLS;
	}
	if (o->common.tls.insecure && diag_level() >= 0)
		diag_err("warning: --insecure: the target's certificate is not checked");
	return 0;
}

static void free_opts(struct serve_opts *o)
{
	tls_ctx_free(o->tls_ctx);
	tls_ctx_free(o->to_tls_ctx);
	exec_free(&o->prog);
	for (size_t i = 0; i < o->nquotes; i++)
		free(o->quotes[i]);
	free(o->quotes);
	free(o->acl.allow);
	free(o->acl.deny);
}

/* What must be ready before the listening line: the program, the quotes, the root,
 * the TLS contexts, descriptors enough, the stop signals. Returns 0 or the exit status. */
static int prepare(struct serve_opts *o)
{
	int rc = 0;

	if (!o->max_clients) /* -m not given */
		o->max_clients = o->exec_line || o->sh_line ? 100 : 10000;
	if ((o->exec_line || o->sh_line) && prepare_exec(o) < 0)
		return EXIT_USAGE;
	if ((o->quotes_file && (rc = load_quotes(o)) != 0) ||
	    (o->root && (rc = check_root(o->root)) != 0) ||
	    (o->tls && (rc = prepare_tls(o)) != 0) ||
	    (o->to_tls && (rc = prepare_to_tls(o)) != 0))
		return rc;
	if (o->protocol || o->nto)
		raise_fd_limit(o->nto ? 2 * o->max_clients + 128 : o->max_clients + 64);
	/* once, for every mode; -e's programs are reaped as SIGCHLD comes */
	if (admit_catch_signals(&stop_requested, o->exec_line || o->sh_line) < 0) {
		diag_err("cannot catch signals: %s", strerror(errno));
		return EXIT_IO;
	}
	return 0;
}

static int serve_main(int argc, char **argv, const char *fixed_proto)
{
	struct serve_opts o = {
	    .common = {.family = AF_UNSPEC}, .proto = "raw", .port = "4242", .max_line = 1024};
	int nops, lfd, rc = EXIT_USAGE;

	if (fixed_proto)
		o.proto = o.fixed_proto = fixed_proto;
	/* every way out frees the access lists parsed so far: a leak report under
	 * LeakSanitizer would turn a usage error's exit 2 into 1 */
	if ((nops = parse_options(&o, argc, argv)) < 0 ||
	    (!o.common.done && check_conflicts(&o, argv, nops) < 0))
		goto out;
	rc = 0;
	if (o.common.done || (rc = prepare(&o)) != 0)
		goto out;
	if ((lfd = open_listener(&o)) < 0) {
		rc = -lfd;
		goto out;
	}
	rc = o.nto         ? serve_forward(&o, lfd)
	     : o.prog.path ? serve_exec(&o, lfd)
	     : o.protocol  ? serve_protocol(&o, lfd)
	                   : serve_raw(&o, lfd);
	close(lfd);
	if (o.unix_path)
		unlink(o.unix_path);
out:
	free_opts(&o);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	return serve_main(argc, argv, NULL);
}

int cmd_echo(int argc, char **argv)
{
	return serve_main(argc, argv, "echo");
}
