/* exec.h: a program per connection (sockit(1), --exec and --sh-exec): its command line,
 * started on a socket with nothing else inherited and the UCSPI environment, and the
 * serve loop that runs one such program per client and reaps them all. */
#ifndef EXEC_H
#define EXEC_H

#include "net.h"

struct tls_ctx;

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* The UCSPI variables a program is given: PROTO, TCPREMOTEIP, TCPREMOTEPORT,
 * TCPLOCALIP, TCPLOCALPORT. */
#define EXEC_NVARS 5

struct exec_prog {
	char *path;  /* the program, resolved in PATH once */
	char **argv; /* its arguments, argv[0] as given */
	char **envp; /* environ without any UCSPI variable, then the per-connection ones */
	size_t nenv; /* where the per-connection variables start in envp */
	char vars[EXEC_NVARS][sizeof "TCPREMOTEPORT=" + NET_ADDR_LEN];
	char *words;  /* the storage argv points into */
	char *script; /* a program without #! that /bin/sh runs (path is then /bin/sh) */
};

/* Prepares line to run: split at blanks (no shell) with PROG looked up in PATH, or, if
 * shell, /bin/sh -c line. Returns 0, or -1 with err filled ("foo: not found in PATH");
 * p is then empty. */
int exec_prepare(char *err, struct exec_prog *p, const char *line, bool shell);
/* Frees what exec_prepare allocated. */
void exec_free(struct exec_prog *p);
/* Marks every descriptor from 3 up close-on-exec (those sockit inherited too), so that a
 * program started later sees only 0, 1 and 2. */
void exec_seal_fds(void);
/* Runs p with sock as its stdin and stdout, blocking; forwards SIGINT, SIGTERM and SIGHUP
 * to it while it runs. Returns its exit status (128+N for signal N), or -1 with err
 * filled if it could not be started. */
int exec_run(char *err, struct exec_prog *p, int sock);

struct exec_serve_opts {
	struct exec_prog *prog;
	int lfd;                     /* the listening socket (TCP or UNIX) */
	bool keep_open;              /* -k: clients without end, concurrently; else one */
	int max_clients;             /* programs running at once; one more is closed */
	const struct net_acl *acl;   /* or NULL */
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM/SIGHUP (admit_catch_signals,
	                              * with SIGCHLD caught too) */
	struct tls_ctx *tls;         /* --tls: each client a TLS session; NULL: plain */
	int handshake_ms;            /* --tls: the bound of a handshake */
	const char *where;           /* said as "listening on WHERE" once ready */
};

/* Accepts clients and starts one program on each until *stop is set (or, without
 * keep_open, the first program has ended); then SIGTERM to the programs still running,
 * SIGKILL after a second. Returns the exit status: 0, or EXIT_NO if the one client's
 * program could not be started. */
int exec_serve(const struct exec_serve_opts *o);

#endif
