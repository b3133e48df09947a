/* cmd.h: the commands' entry points (one cmd_*.c each) and what they share: the
 * options every network command takes, and naming the peer from the operands. */
#ifndef CMD_H
#define CMD_H

#include "opt.h"

#include <stdbool.h>
#include <stddef.h>

/* Each runs one command; argv[0] is the command's name. Returns the exit status. */
int cmd_connect(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_echo(int argc, char **argv);
int cmd_udp_send(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_http_head(int argc, char **argv);
int cmd_http_get(int argc, char **argv);

/* The options of SPEC §1 shared by every network command. */
struct cmd_common {
	int family;     /* AF_UNSPEC, or AF_INET / AF_INET6 for -4 / -6 */
	int timeout_ms; /* -w; 0 when not given */
	bool timeout_set;
	int verbosity;   /* -1 quiet, 0, 1 (-v), 2 (-vv) */
	bool help, list; /* --help / --list-options were asked for */
};

/* A command's own options: applies one to ctx; returns 0, or -1 after a usage error. */
typedef int cmd_option_fn(void *ctx, int id, const char *arg);

/* Parses argv (argv[0] is the command) against table: the shared options into c, the
 * command's own through apply; prints --help or --list-options when asked (c->help,
 * c->list tell). Returns the number of operands, gathered at argv's front, or -1 after a
 * usage error. */
int cmd_parse_options(int argc, char **argv, const struct opt *table, const char *synopsis,
                      struct cmd_common *c, cmd_option_fn *apply, void *ctx);
/* Handles one of the shared options. Returns 1 if id was one (0 if not), -1 after
 * printing a usage error. */
int cmd_common_option(struct cmd_common *c, int id, const char *arg);
/* After the parse: prints help or the option list if asked (returns 1: exit 0), checks
 * -4/-6 against each other, sets the diag level. Returns 0 to go on, -1 on usage error. */
int cmd_common_finish(struct cmd_common *c, const char *synopsis, const struct opt *table);
/* Names the peer from the operands: `HOST PORT`, `HOST:PORT` or `[V6]:PORT`. Returns
 * how many operands it took (1 or 2), or -1 after printing a usage error. */
int cmd_peer_operands(char **ops, int n, char *host, size_t hostcap, char *port,
                      size_t portcap);

#endif
