/* cmd.h: the commands' entry points (one cmd_*.c each) and what they share: the
 * options every network command takes, the one parsing driver, naming the peer. */
#ifndef CMD_H
#define CMD_H

#include "deadline.h"
#include "expect.h"
#include "opt.h"
#include "tls.h"

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
	int family;                 /* AF_UNSPEC, or AF_INET / AF_INET6 for -4 / -6 */
	int timeout_ms;             /* -w: the command's default until given (0: none) */
	struct deadline max_time;   /* --max-time: started when the options are parsed */
	int verbosity;              /* -1 quiet, 0, 1 (-v), 2 (-vv) */
	bool done;                  /* --help or --list-options was answered: exit 0 */
	struct tls_client_opts tls; /* OPT_TLS_CLIENT: --cacert, --insecure, --pin, ... */
};

/* The TLS client options of sockit(1), TLS (connect, http-*, wait), a row each for the
 * tables whose rows carry more (cmd_http.c), and all of them as OPT_TLS_CLIENT. */
#define OPT_TLS_CACERT(T)                                                                      \
	OPT_NONEMPTY(0, "cacert", "FILE", T, common.tls.cafile,                                \
	             "TLS: trust the CAs in FILE, not the system's")
#define OPT_TLS_INSECURE(T)                                                                    \
	OPT_FLAG(0, "insecure", T, common.tls.insecure,                                        \
	         "TLS: do not verify the peer at all (a warning unless -q)")
#define OPT_TLS_PIN                                                                            \
	{                                                                                      \
		.longname = "pin", .arg = "PIN", .kind = OPT_KIND_COMMON, .id = OPT_ID_PIN,    \
		.help = "TLS: trust exactly the key of PIN, sha256//BASE64 (repeatable)"       \
	}
#define OPT_TLS_NAME(T)                                                                        \
	OPT_NONEMPTY(0, "tls-name", "NAME", T, common.tls.name,                                \
	             "TLS: verify NAME (and send it as SNI) instead of HOST")
#define OPT_TLS_CERT(T)                                                                        \
	OPT_NONEMPTY(0, "cert", "FILE", T, common.tls.cert,                                    \
	             "TLS: present this client certificate (PEM)")
#define OPT_TLS_KEY(T)                                                                         \
	OPT_NONEMPTY(0, "key", "FILE", T, common.tls.key, "TLS: the --cert's key (PEM)")
#define OPT_TLS_CLIENT(T)                                                                      \
	OPT_TLS_CACERT(T), OPT_TLS_INSECURE(T), OPT_TLS_PIN, OPT_TLS_NAME(T), OPT_TLS_CERT(T), \
	    OPT_TLS_KEY(T)

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

/* The TLS client options checked: none without TLS (tls false; `how` names the way to
 * ask for it, "--tls"), --key needs --cert, --insecure and --pin exclude each other.
 * Returns 0, or -1 after a usage error. */
int cmd_tls_check(const struct cmd_common *c, bool tls, const char *how);
/* Makes the TLS client context of c's options into *ctx, once: before connecting, so a
 * bad --cacert/--cert/--key is exit 2 and a missing libssl exit 8 without a connection;
 * prints the --insecure warning. Returns 0, or the exit status after printing why. */
int cmd_tls_ctx(struct tls_ctx **ctx, const struct cmd_common *c);
struct transport;
/* Starts TLS over the connected fd to host (a name or literal): the client context is
 * made at the first call into *ctx (c's options; the --insecure warning printed then),
 * the handshake is bounded by timeout_ms (0: none), and -v prints the session's line.
 * t is then the session's transport; info (NULL: not wanted) the session's details, also
 * when the peer was refused after a complete handshake. Returns 0, or the exit status
 * after printing why (8: TLS failed; 5: timed out), the handshake's words then left in
 * t->err. */
int cmd_tls_start(struct transport *t, struct tls_ctx **ctx, const struct cmd_common *c, int fd,
                  const char *host, int timeout_ms, struct tls_info *info);

struct proxy;
/* Fills p from a proxy URL (from names where it came from: "--proxy", "http_proxy") and
 * --proxy-user (NULL if not given), then overwrites their passwords in argv. Returns 0, or
 * -1 after printing a usage error (the URL's password shown as ***). */
int cmd_proxy(struct proxy *p, const char *url, const char *from, const char *user);

#endif
