/* cmd_connect.c: `sockit connect`, the client: stdin to the peer, the peer to stdout. */
#include "cmd.h"
#include "diag.h"
#include "exec.h"
#include "net.h"
#include "parse.h"
#include "relay.h"

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
	bool udp, crlf, no_shutdown, scan, hex;
	const char *unix_path;
	const char *send;
	const char *exec_line, *sh_line; /* -e, -c: a program instead of stdin/stdout */
	int linger_ms; /* -1 until given */
	char host[1024], port[64];
	char src_host[256], src_port[64];
	bool have_source;
};

enum { OPT_SOURCE = OPT_ID_FIRST_CMD };

#define C struct connect_opts
static const struct opt options[] = {
    OPT_FAMILY,
    OPT_TIMEOUT(C, "connect timeout, and idle timeout (exit 5)"),
    OPT_FLAG('u', "udp", C, udp, "UDP: each read of stdin is one datagram"),
    OPT_NONEMPTY('U', "unix", "PATH", C, unix_path, "connect to a UNIX-domain socket"),
    OPT_STRING(0, "send", "TEXT", C, send, "send TEXT and a newline instead of stdin"),
    OPT_FLAG('C', "crlf", C, crlf, "send LF line endings as CRLF"),
    OPT_SECONDS(0, "linger", C, linger_ms, 0, "after stdin EOF, wait at most SECS for the peer"),
    OPT_FLAG(0, "no-shutdown", C, no_shutdown, "do not half-close at stdin EOF"),
    OPT_FLAG('z', "scan", C, scan, "zero-I/O scan: report open ports (PORT may be 20-30)"),
    OPT_CALL('s', "source", "ADDR[:PORT]", OPT_SOURCE, "local address (and port) to connect from"),
    OPT_FLAG('x', "hex", C, hex, "hex dump of the traffic on stderr"),
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
	if (arg[0] == ':' ? parse_hostport(arg + 1, o->src_port, sizeof o->src_port, o->src_host,
	                                   sizeof o->src_host) != 0
	                  : parse_hostport(arg, o->src_host, sizeof o->src_host, o->src_port,
	                                   sizeof o->src_port) < 0)
		return diag_usage("invalid source address '%.60s' for -s", arg);
	o->have_source = true;
	return 0;
}

/* -e and -c hand the connection to a program: no relay option means anything then. */
static int check_exec(struct connect_opts *o)
{
	const char *e = o->exec_line ? "-e" : "-c";

	if (o->exec_line && o->sh_line)
		return diag_usage("cannot use -e and -c together");
	if (o->udp || o->scan || o->send)
		return diag_usage("cannot use %s with %s", e, o->udp    ? "-u"
		                                              : o->scan ? "-z"
		                                                        : "--send");
	if (o->crlf || o->hex || o->no_shutdown || o->linger_ms >= 0)
		return diag_usage("cannot use %s with %s", e, o->crlf          ? "-C"
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
	if (o->unix_path) {
		if (nops > 0)
			return diag_usage("cannot use -U with HOST and PORT");
		if (o->udp || o->scan || o->have_source || o->common.family)
			return diag_usage("cannot use -U with %s", o->udp           ? "-u"
			                                           : o->scan        ? "-z"
			                                           : o->have_source ? "-s"
			                                                            : "-4/-6");
		return 0;
	}
	if (o->scan && (o->udp || o->send))
		return diag_usage("cannot use -z with %s", o->udp ? "-u" : "--send");
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
	    .timeout_ms = o->common.timeout_ms,
	    .src_host = o->have_source && o->src_host[0] ? o->src_host : NULL,
	    .src_port = o->have_source && o->src_port[0] ? o->src_port : NULL,
	};
	return p;
}

/* -z: try each port of the range; print the open ones on stdout. */
static int scan(struct connect_opts *o)
{
	char err[NET_ERR_LEN], num[8];
	struct net_peer p = peer_of(o);
	unsigned lo, hi;
	bool any = false;

	if (parse_port_range(o->port, &lo, &hi) < 0) /* a service name */
		lo = hi = 0;
	for (unsigned port = lo; port <= hi; port++) {
		if (lo) {
			snprintf(num, sizeof num, "%u", port);
			p.port = num;
		}
		int fd = net_connect(err, &p);
		if (fd == NET_ERESOLVE) {
			diag_err("%s", err);
			return EXIT_RESOLVE;
		}
		if (fd < 0) {
			diag_verbose(1, "%s", err);
			continue;
		}
		close(fd);
		any = true;
		printf("%s %s open\n", o->host, p.port);
		fflush(stdout);
	}
	return any ? 0 : EXIT_NO;
}

static int converse(struct connect_opts *o, int fd)
{
	char *sendbuf = NULL;
	struct relay_stats st;
	struct relay_opts r = {
	    .in_fd = o->send ? -1 : STDIN_FILENO,
	    .out_fd = STDOUT_FILENO,
	    .sock = fd,
	    .udp = o->udp,
	    .in_is_tty = !o->send && isatty(STDIN_FILENO),
	    .no_shutdown = o->no_shutdown,
	    .linger_ms = o->linger_ms >= 0 ? o->linger_ms
	                 : o->udp          ? 1000
	                                   : -1,
	    .idle_ms = o->common.timeout_ms,
	    .hex = o->hex,
	    .crlf = o->crlf,
	};
	if (o->send) {
		size_t n = strlen(o->send);
		if (!(sendbuf = malloc(n + 1))) {
			diag_err("out of memory");
			return EXIT_IO;
		}
		memcpy(sendbuf, o->send, n);
		sendbuf[n] = '\n';
		r.send = sendbuf;
		r.send_len = n + 1;
	}
	int rc = relay_run(&r, &st);
	free(sendbuf);
	diag_verbose(1, "sent %llu bytes, received %llu bytes", st.sent, st.received);
	return rc;
}

/* -e/-c: the program talks to the peer; its exit status is connect's (sockit(1),
 * --exec). */
static int run_program(struct exec_prog *prog, int fd)
{
	char err[NET_ERR_LEN];
	int rc = exec_run(err, prog, fd);

	if (rc < 0) {
		diag_err("%s", err);
		return EXIT_NO;
	}
	diag_verbose(1, "program ended with exit status %d", rc);
	return rc;
}

int cmd_connect(int argc, char **argv)
{
	struct connect_opts o = {.common = {.family = AF_UNSPEC}, .linger_ms = -1};
	struct exec_prog prog = {0};
	char err[NET_ERR_LEN], who[NET_ADDR_LEN];
	int nops, fd, rc;

	if ((nops = cmd_parse_options(argc, argv, options, synopsis, &o, &o.common,
	                              apply_option)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0 || (!o.unix_path && check_port(&o) < 0))
		return EXIT_USAGE;
	if (o.scan)
		return scan(&o);
	/* the program is looked up before connecting: a typo is exit 2, not a connection */
	if ((o.exec_line || o.sh_line) &&
	    exec_prepare(err, &prog, o.exec_line ? o.exec_line : o.sh_line, !o.exec_line) < 0) {
		diag_usage("%s", err);
		return EXIT_USAGE;
	}
	if (o.unix_path) {
		fd = net_connect_unix(err, o.unix_path, SOCK_STREAM);
	} else {
		struct net_peer p = peer_of(&o);
		fd = net_connect(err, &p);
	}
	if (fd < 0) {
		diag_err("%s", err);
		exec_free(&prog);
		return -fd;
	}
	diag_verbose(1, "connected to %s",
	             o.unix_path ? o.unix_path : net_format_peer(fd, who, sizeof who));
	rc = prog.path ? run_program(&prog, fd) : converse(&o, fd);
	close(fd);
	exec_free(&prog);
	return rc;
}
