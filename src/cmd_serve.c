/* cmd_serve.c: `sockit serve`, the server: a raw pipe like nc -l (more protocols later). */
#include "cmd.h"
#include "diag.h"
#include "net.h"
#include "parse.h"
#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char synopsis[] =
	"usage: sockit serve [OPTIONS] [[ADDR] PORT]     (PORT defaults to 4242, 0 = any free)\n"
	"       sockit serve [OPTIONS] -U PATH\n"
	"Listens and serves clients; raw (the default) pipes one client at a time to\n"
	"stdin/stdout, like nc -l.";

enum { OPT_ALLOW = OPT_FIRST_LONG_ONLY, OPT_DENY, OPT_IDLE };

static const struct opt options[] = {
	OPT_FAMILY,
	{'p', 'p', "proto", "NAME", "protocol: raw (default)", "raw"},
	{'b', 'b', "bind", "ADDR", "local address (default: every interface)", NULL},
	{'u', 'u', "udp", NULL, "serve over UDP", NULL},
	{'U', 'U', "unix", "PATH", "listen on a UNIX-domain socket", NULL},
	{'k', 'k', "keep-open", NULL, "raw: accept the next client after one leaves", NULL},
	{OPT_IDLE, 0, "idle-timeout", "SECS", "close a client idle that long", NULL},
	{OPT_ALLOW, 0, "allow", "CIDR", "accept only these peers (repeatable)", NULL},
	{OPT_DENY, 0, "deny", "CIDR", "refuse these peers (repeatable; deny wins)", NULL},
	OPT_VERBOSITY,
	OPT_END,
};

struct serve_opts {
	struct cmd_common common;
	const char *proto;
	const char *bind;
	const char *unix_path;
	const char *port;
	bool udp, keep_open;
	int idle_ms;
	struct net_acl acl;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* No SA_RESTART: a signal must wake the poll or accept that waits for a client. */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int add_cidr(struct net_cidr **list, size_t *n, const char *arg, const char *opt)
{
	struct net_cidr *grown = realloc(*list, (*n + 1) * sizeof **list);

	if (!grown)
		return diag_usage("out of memory"), -1;
	*list = grown;
	if (net_cidr_parse(arg, &grown[*n]) < 0)
		return diag_usage("invalid address or CIDR '%.60s' for %s", arg, opt), -1;
	(*n)++;
	return 0;
}

static int parse_options(struct serve_opts *o, int argc, char **argv)
{
	struct opt_parser p;
	const char *arg;
	int id, rc;

	opt_init(&p, argc, argv, options);
	while ((id = opt_next(&p, &arg)) > 0) {
		if ((rc = cmd_common_option(&o->common, id, arg)) != 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		switch (id) {
		case 'p': o->proto = arg; break;
		case 'b': o->bind = arg; break;
		case 'u': o->udp = true; break;
		case 'U': o->unix_path = arg; break;
		case 'k': o->keep_open = true; break;
		case OPT_IDLE:
			if (parse_seconds(arg, &o->idle_ms) < 0 || o->idle_ms == 0)
				return diag_usage("invalid value '%.40s' for --idle-timeout", arg), -1;
			break;
		case OPT_ALLOW:
			if (add_cidr(&o->acl.allow, &o->acl.nallow, arg, "--allow") < 0)
				return -1;
			break;
		case OPT_DENY:
			if (add_cidr(&o->acl.deny, &o->acl.ndeny, arg, "--deny") < 0)
				return -1;
			break;
		}
	}
	if (id < 0 || cmd_common_finish(&o->common, synopsis, options) < 0)
		return -1;
	return p.noperands;
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct serve_opts *o, char **ops, int nops)
{
	char err[NET_ERR_LEN];

	if (strcmp(o->proto, "raw") != 0)
		return diag_usage("unknown protocol '%.40s' (raw)", o->proto), -1;
	if (o->unix_path && (nops > 0 || o->bind || o->udp || o->common.family))
		return diag_usage("cannot use -U with %s",
		                  nops ? "ADDR or PORT" : o->bind ? "-b" : o->udp ? "-u" : "-4/-6"),
		       -1;
	if (o->udp && o->keep_open)
		return diag_usage("cannot use -k with -u (a UDP raw session has no end)"), -1;
	if (nops > 2)
		return diag_usage("unexpected argument '%.60s'", ops[2]), -1;
	if (nops == 2 && o->bind)
		return diag_usage("cannot use -b and an ADDR argument together"), -1;
	if (nops == 2)
		o->bind = ops[0];
	if (nops >= 1)
		o->port = ops[nops - 1];
	if (!o->unix_path && net_check_port(err, o->port, true, o->udp ? SOCK_DGRAM : SOCK_STREAM) < 0)
		return diag_usage("%s", err), -1;
	return 0;
}

static int open_listener(struct serve_opts *o)
{
	char err[NET_ERR_LEN], where[NET_ADDR_LEN];
	int type = o->udp ? SOCK_DGRAM : SOCK_STREAM, fd;

	if (o->unix_path)
		fd = net_listen_unix(err, o->unix_path, type, 128);
	else
		fd = net_listen(err, o->bind, o->port, o->common.family, type, 128);
	if (fd < 0) {
		diag_err("%s", err);
		return fd;
	}
	diag_always("listening on %s",
	            o->unix_path ? o->unix_path : net_format_local(fd, where, sizeof where));
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the next client (or a stop signal). Returns its fd, or -1 to stop. */
static int next_client(struct serve_opts *o, int lfd, struct sockaddr_storage *ss,
                       socklen_t *len)
{
	char err[NET_ERR_LEN];
	struct pollfd pfd = {.fd = lfd, .events = POLLIN};

	while (!stop_requested) {
		if (poll(&pfd, 1, -1) < 0)
			continue;
		if (o->udp) {
			/* the first datagram names the peer; it stays queued for the relay */
			char byte;
			*len = sizeof *ss;
			if (recvfrom(lfd, &byte, 1, MSG_PEEK, (struct sockaddr *)ss, len) < 0)
				continue;
			if (net_udp_connect(err, lfd, (struct sockaddr *)ss, *len) < 0) {
				diag_err("%s", err);
				return -1;
			}
			return lfd;
		}
		int fd = net_accept(err, lfd, false, ss, len);
		if (fd >= 0)
			return fd;
		if (errno == EMFILE || errno == ENFILE) {
			diag_err("%s: pausing", err);
			poll(NULL, 0, 100);
		}
	}
	return -1;
}

static int serve_one(struct serve_opts *o, int fd, const char *who, bool *input_done)
{
	struct relay_stats st;
	struct relay_opts r = {
		.in_fd = *input_done ? -1 : STDIN_FILENO,
		.out_fd = STDOUT_FILENO,
		.sock = fd,
		.udp = o->udp,
		.in_is_tty = isatty(STDIN_FILENO),
		.linger_ms = -1,
		.idle_ms = o->idle_ms,
		.stop = &stop_requested,
	};
	long long start = now_ms();
	int rc = relay_run(&r, &st);

	*input_done = *input_done || st.input_done;
	long long ms = now_ms() - start;
	diag_verbose(1, "%s closed: %llu bytes in, %llu bytes out, %lld.%03lld s", who,
	             st.received, st.sent, ms / 1000, ms % 1000);
	return rc;
}

static int serve_raw(struct serve_opts *o, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char who[NET_ADDR_LEN];
	bool input_done = false;
	int rc = 0;

	for (;;) {
		int fd = next_client(o, lfd, &ss, &len);
		if (fd < 0)
			return 0;
		net_format((struct sockaddr *)&ss, len, who, sizeof who);
		if (!net_acl_permits(&o->acl, (struct sockaddr *)&ss)) {
			diag_verbose(1, "%s refused by the access list", who);
			if (fd != lfd)
				close(fd);
			continue;
		}
		diag_verbose(1, "connection from %s", who);
		rc = serve_one(o, fd, who, &input_done);
		if (fd != lfd)
			close(fd);
		if (stop_requested || !o->keep_open)
			return stop_requested ? 0 : rc;
	}
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = {.common = {.family = AF_UNSPEC}, .proto = "raw", .port = "4242"};
	int nops, lfd, rc;

	if ((nops = parse_options(&o, argc, argv)) < 0)
		return EXIT_USAGE;
	if (o.common.help || o.common.list)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0)
		return EXIT_USAGE;
	catch_stop_signals();
	if ((lfd = open_listener(&o)) < 0)
		return -lfd;
	rc = serve_raw(&o, lfd);
	close(lfd);
	if (o.unix_path)
		unlink(o.unix_path);
	free(o.acl.allow);
	free(o.acl.deny);
	return rc;
}
