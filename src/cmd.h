/* cmd.h: the commands' entry points (one cmd_*.c each) and what they share: the
 * options every network command takes, the one parsing driver, naming the peer. */
#ifndef CMD_H
#define CMD_H

#include "deadline.h"
#include "expect.h"
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
int cmd_http_post(int argc, char **argv);
int cmd_http_put(int argc, char **argv);
int cmd_http_delete(int argc, char **argv);
int cmd_wait(int argc, char **argv);

/* The options of sockit(1)'s common rules, shared by every network command. Every
 * command's options struct holds one as its member `common` (OPT_TIMEOUT and
 * OPT_MAX_TIME bind there). */
struct cmd_common {
	int family;     /* AF_UNSPEC, or AF_INET / AF_INET6 for -4 / -6 */
	int timeout_ms; /* -w: the command's default until given (0: none) */
	struct deadline max_time; /* --max-time: started when the options are parsed */
	int verbosity;  /* -1 quiet, 0, 1 (-v), 2 (-vv) */
	bool done;      /* --help or --list-options was answered: exit 0 */
};

/* A command's OPT_CALL option: applies it to opts; returns 0, or -1 after a usage error. */
typedef int cmd_option_fn(void *opts, int id, const char *arg);

/* Parses argv (argv[0] is the command) against table into opts, the command's options
 * struct (c is its `common` member): bound options are stored, OPT_CALL ones go to apply
 * (NULL if the table has none). Answers --help and --list-options (c->done). Returns the
 * number of operands, gathered at argv's front, or -1 after a usage error. */
int cmd_parse_options(int argc, char **argv, const struct opt *table, const char *synopsis,
                      void *opts, struct cmd_common *c, cmd_option_fn *apply);
/* Names the peer from the operands: `HOST PORT`, `HOST:PORT` or `[V6]:PORT`. Returns
 * how many operands it took (1 or 2), or -1 after printing a usage error. */
int cmd_peer_operands(char **ops, int n, char *host, size_t hostcap, char *port,
                      size_t portcap);
/* --expect REGEX: compiles it into e, its matching bounded by max_time. Returns 0, or the
 * exit status after printing why: EXIT_USAGE (regerror's text) or EXIT_IO. */
int cmd_expect_init(struct expect *e, const char *pattern, const struct deadline *max_time);
/* What --expect came to once the received lines are over: 0 for a match; else prints why
 * and returns EXIT_NO (no line matched) or EXIT_IO (out of memory). */
int cmd_expect_outcome(const struct expect *e, const char *pattern);

struct proxy;
/* Fills p from a proxy URL (from names where it came from: "--proxy", "http_proxy") and
 * --proxy-user (NULL if not given), then overwrites their passwords in argv. Returns 0, or
 * -1 after printing a usage error (the URL's password shown as ***). */
int cmd_proxy(struct proxy *p, const char *url, const char *from, const char *user);

#endif
