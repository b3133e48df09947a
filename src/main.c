/* main.c: the command table and the dispatcher, as git's: one table, one lookup. */
#include "cmd.h"
#include "diag.h"
#include "hints.h"
#include "parse.h"
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"connect", cmd_connect, "connect to a TCP, UDP or UNIX peer: stdin to it, it to stdout"},
    {"serve", cmd_serve, "serve TCP, UDP or UNIX clients: raw pipe, echo, calc, chat, ..."},
    {"echo", cmd_echo, "an echo server (serve --proto echo)"},
    {"udp-send", cmd_udp_send, "send one UDP datagram (or one per line) and print the replies"},
    {"http-head", cmd_http_head,
     "print the status line and headers of an http(s):// URL (HEAD)"},
    {"http-get", cmd_http_get, "fetch an http(s):// URL: the body to stdout or to a file"},
    {"http-post", cmd_http_post, "POST a body (-d, --data-json, -F) to an http(s):// URL"},
    {"http-put", cmd_http_put, "PUT a body (-d, -T FILE) to an http(s):// URL"},
    {"http-delete", cmd_http_delete, "send DELETE to an http(s):// URL"},
    {"resolve", cmd_resolve, "print the addresses of names, or the names of addresses"},
    {"wait", cmd_wait,
     "wait until TCP, UNIX or HTTP services are up, then maybe run a command"},
    {NULL, NULL, NULL},
};

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: sockit COMMAND [OPTIONS] [ARGS]\n"
	        "       sockit help [COMMAND] | sockit COMMAND --help | sockit --version\n\n"
	        "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(to, "  %-11s %s\n", c->name, c->summary);
	fprintf(to, "\nExit status: 0 ok, 1 no, 2 usage, 3 resolve, 4 network, 5 timeout,\n"
	            "6 protocol, 7 local I/O, 8 TLS. See sockit(1).\n");
}

static const struct command *find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *hint = hints_command(name);
	struct parse_closest c;

	if (hint)
		return diag_fail(EXIT_USAGE, "'%.40s' is not a command; %s", name, hint);
	parse_closest_start(&c, name, strlen(name));
	for (const struct command *k = commands; k->name; k++)
		parse_closest_offer(&c, k->name);
	if (c.best)
		return diag_fail(EXIT_USAGE, "'%.40s' is not a command; did you mean '%s'?",
		                 name, c.best);
	return diag_fail(EXIT_USAGE, "'%.40s' is not a command; see 'sockit help'", name);
}

/* As git does: output that could not be written is an error, unless the reader left. */
static int check_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno == EPIPE)
		return status;
	diag_set_command(NULL);
	return diag_fail(status ? status : EXIT_IO, "write error on stdout: %s",
	                 strerror(errno));
}

static int run(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		char tls[128];
		printf("sockit %s\ntls: %s\n", SOCKIT_VERSION, tls_describe(tls, sizeof tls));
		return 0;
	}
	if (strcmp(argv[1], "--list-commands") == 0) {
		for (c = commands; c->name; c++)
			printf("%s\n", c->name);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		char *args[] = {argv[2], "--help", NULL};
		if (!(c = find(argv[2])))
			return unknown_command(argv[2]);
		diag_set_command(c->name);
		return c->run(2, args);
	}
	if (argv[1][0] == '-') {
		diag_err("unknown option '%.40s' (options come after the command)", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(c = find(argv[1])))
		return unknown_command(argv[1]);
	diag_set_command(c->name);
	return c->run(argc - 1, argv + 1);
}

/*
 * A standard descriptor closed at startup would be taken by the first socket, and "standard
 * output" would be the peer (sockit(1), Output and errors). Each closed one is opened on
 * /dev/null read-only: stdin reads as empty, and writing stdout fails (EBADF, exit 7).
 */
static void hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* no /dev/null (a bare chroot): rather not run than talk to a peer */
		if (open("/dev/null", O_RDONLY) != fd)
			_exit(EXIT_IO);
	}
}

int main(int argc, char **argv)
{
	hold_std_fds();
	/* a peer or reader that leaves is an EPIPE where it happens, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	return check_stdout(run(argc, argv));
}
