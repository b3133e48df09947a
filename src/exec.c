/* exec.c: a program per connection (sockit(1), --exec): the command line resolved once,
 * the program started with posix_spawn on the socket, and the serve loop that runs one
 * program per client and reaps every one of them. */
#include "exec.h"
#include "clock.h"

#include "admit.h"
#include "diag.h"
#include "relay.h"
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A stop gives the programs this long to end after SIGTERM, then SIGKILL. */
#define STOP_PROGRAMS_MS 1000

static int fail(char *err, const char *fmt, const char *what, int e)
{
	snprintf(err, NET_ERR_LEN, fmt, what, strerror(e));
	return -1;
}

/* 0 if execve could run path: a regular file we may execute; else the errno it would get. */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	return access(path, X_OK) < 0 ? errno : 0;
}

/* PROG with a slash is taken as it is; else the first runnable PROG in PATH (an empty
 * element is the current directory), as execvp looks: resolved once, before the server
 * is ready, so that a typo is a usage error and not one failure per client. */
static char *resolve(char *err, const char *prog)
{
	const char *dir = getenv("PATH"), *end;
	size_t plen = strlen(prog);
	int e, why = ENOENT;

	if (strchr(prog, '/')) {
		char *dup = (e = runnable(prog)) == 0 ? strdup(prog) : NULL;
		if (!dup)
			fail(err, "%s: %s", prog, e ? e : ENOMEM);
		return dup;
	}
	for (dir = dir ? dir : "/usr/bin:/bin";; dir = end + 1) {
		end = dir + strcspn(dir, ":");
		size_t dlen = end > dir ? (size_t)(end - dir) : 1;
		char *cand = malloc(dlen + plen + 2);
		if (!cand) {
			why = ENOMEM;
			break;
		}
		snprintf(cand, dlen + plen + 2, "%.*s/%s", (int)dlen, end > dir ? dir : ".",
		         prog);
		if ((e = runnable(cand)) == 0)
			return cand;
		free(cand);
		why = e == EACCES || e == EISDIR ? e : why;
		if (!*end)
			break;
	}
	if (why == ENOENT)
		snprintf(err, NET_ERR_LEN, "%s: not found in PATH", prog);
	else
		fail(err, "%s: %s", prog, why);
	return NULL;
}

/* Splits words in place at blanks into p->argv. Returns how many there are. */
static size_t split(struct exec_prog *p)
{
	size_t n = 0;

	for (char *s = p->words;;) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		p->argv[n++] = s;
		s += strcspn(s, " \t");
		if (*s)
			*s++ = '\0';
	}
	p->argv[n] = NULL;
	return n;
}

/* The variables a UCSPI server sets, which must not leak through from sockit's own
 * environment (a sockit started by tcpserver, or by another sockit). */
static bool is_ucspi(const char *entry)
{
	static const char *const names[] = {
	    "PROTO=",        "TCPREMOTEIP=",   "TCPREMOTEPORT=", "TCPLOCALIP=",
	    "TCPLOCALPORT=", "TCPREMOTEHOST=", "TCPLOCALHOST=",  "TCPREMOTEINFO="};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strncmp(entry, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

static int build_env(struct exec_prog *p)
{
	size_t n = 0;

	while (environ && environ[n])
		n++;
	if (!(p->envp = malloc((n + EXEC_NVARS + 1) * sizeof *p->envp)))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!is_ucspi(environ[i]))
			p->envp[p->nenv++] = environ[i];
	p->envp[p->nenv] = NULL;
	return 0;
}

int exec_prepare(char *err, struct exec_prog *p, const char *line, bool shell)
{
	size_t len = strlen(line);

	memset(p, 0, sizeof *p);
	p->words = strdup(line);
	p->argv = calloc(shell ? 4 : len / 2 + 3, sizeof *p->argv); /* + 1: room for sh */
	if (!p->words || !p->argv || build_env(p) < 0) {
		exec_free(p);
		snprintf(err, NET_ERR_LEN, "out of memory");
		return -1;
	}
	if (shell) {
		p->argv[0] = "sh";
		p->argv[1] = "-c";
		p->argv[2] = p->words;
	} else if (split(p) == 0) {
		exec_free(p);
		snprintf(err, NET_ERR_LEN, "no program in '%.60s'", line);
		return -1;
	}
	if (!(p->path = shell ? resolve(err, "/bin/sh") : resolve(err, p->argv[0]))) {
		exec_free(p);
		return -1;
	}
	return 0;
}

void exec_free(struct exec_prog *p)
{
	free(p->path);
	free(p->script);
	free(p->argv);
	free(p->envp);
	free(p->words);
	memset(p, 0, sizeof *p);
}

void exec_seal_fds(void)
{
	struct rlimit rl;
	int max = 65536;

#if defined(CLOSE_RANGE_CLOEXEC)
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (int fd = 3; fd < max; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC))
			fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
	}
}

/* The UCSPI variables of sock (PROTO, and for TCP the four addresses) into p->envp. */
static void set_ucspi(struct exec_prog *p, int sock)
{
	char host[NET_ADDR_LEN];
	const size_t cap = sizeof p->vars[0];
	unsigned port;
	size_t n = 0;
	int family = net_endpoint(sock, true, host, sizeof host, &port);

	if (family == AF_UNIX) {
		snprintf(p->vars[n++], cap, "PROTO=UNIX");
	} else if (family > 0) {
		snprintf(p->vars[n++], cap, "PROTO=TCP");
		snprintf(p->vars[n++], cap, "TCPREMOTEIP=%s", host);
		snprintf(p->vars[n++], cap, "TCPREMOTEPORT=%u", port);
		if (net_endpoint(sock, false, host, sizeof host, &port) > 0) {
			snprintf(p->vars[n++], cap, "TCPLOCALIP=%s", host);
			snprintf(p->vars[n++], cap, "TCPLOCALPORT=%u", port);
		}
	}
	for (size_t i = 0; i < n; i++)
		p->envp[p->nenv + i] = p->vars[i];
	p->envp[p->nenv + n] = NULL;
}

/* A program the kernel cannot run (ENOEXEC: a script without "#!") is run by /bin/sh, as
 * execvp(3) and so `wait -- COMMAND` do: p becomes `/bin/sh PATH ARGS...` for good. */
static int as_script(struct exec_prog *p)
{
	char *sh = strdup("/bin/sh");
	size_t n = 0;

	if (!sh)
		return ENOMEM;
	while (p->argv[n])
		n++;
	memmove(p->argv + 1, p->argv, (n + 1) * sizeof *p->argv);
	p->script = p->path;
	p->path = sh;
	p->argv[0] = sh;
	p->argv[1] = p->script;
	return 0;
}

/* Starts p on the connection sock: in and out its fds 0 and 1 (sock itself, or the pipes
 * of a TLS carrier), 2 stays sockit's stderr, every other fd is close-on-exec; the
 * UCSPI variables are sock's. posix_spawn, not fork: its cost does not grow with the
 * server's memory. The program gets default signal dispositions (sockit ignores SIGPIPE)
 * and an empty mask; with own_group, its own process group, so that stopping it reaches
 * the children a shell started too. Returns the pid, or -1 with err filled. */
static pid_t start(char *err, struct exec_prog *p, int sock, int in, int out, bool own_group)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	pid_t pid = -1;
	int rc;

	set_ucspi(p, sock);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
	                                  (own_group ? POSIX_SPAWN_SETPGROUP : 0));
	rc = posix_spawn(&pid, p->path, &fa, &at, p->argv, p->envp);
	if (rc == ENOEXEC && !p->script && (rc = as_script(p)) == 0)
		rc = posix_spawn(&pid, p->path, &fa, &at, p->argv, p->envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return fail(err, "%s: %s", p->path, rc);
	return pid;
}

/* The exit status a shell would report: the program's own, or 128+N for signal N. */
static int status_of(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* connect -e: the program runs in sockit's process group (a terminal's ^C reaches it
 * too); a signal sent to sockit alone is passed on to it. */
static volatile sig_atomic_t running_pid;

static void forward(int sig)
{
	if (running_pid > 0)
		kill((pid_t)running_pid, sig);
}

int exec_run(char *err, struct exec_prog *p, int sock)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa, old[3];
	sigset_t held, mask;
	int status = 0;
	pid_t pid;

	exec_seal_fds();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&held);
	for (int i = 0; i < 3; i++) {
		sigaction(sigs[i], &sa, &old[i]);
		sigaddset(&held, sigs[i]);
	}
	/* held until running_pid is set: one sent meanwhile waits, and is passed on */
	sigprocmask(SIG_BLOCK, &held, &mask);
	pid = start(err, p, sock, sock, sock, false);
	running_pid = pid > 0 ? pid : 0;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		running_pid = 0;
	}
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return pid > 0 ? status_of(status) : -1;
}

/* --- serve -e: one program per client --- */

struct child {
	pid_t pid;
	long long start_ms;
	char peer[NET_ADDR_LEN];
};

/* One supervisor per process, as one server: the loop's callbacks reach it here. */
static struct {
	const struct exec_serve_opts *o;
	struct loop *loop;
	struct admit admit;
	struct child *kids;
	size_t nkids, cap;
	bool served; /* without -k: the one client has come */
	int rc;
} X;

/* One line per program that ended (-v): peer, exit status or signal, duration. */
static void ended(pid_t pid, int status)
{
	for (size_t i = 0; i < X.nkids; i++) {
		struct child *c = &X.kids[i];
		if (c->pid != pid)
			continue;
		long long ms = clock_ms() - c->start_ms;
		if (WIFSIGNALED(status))
			diag_verbose(1, "%s: program killed by signal %d (%s), %lld.%03lld s",
			             c->peer, WTERMSIG(status), strsignal(WTERMSIG(status)),
			             ms / 1000, ms % 1000);
		else
			diag_verbose(1, "%s: program exited with status %d, %lld.%03lld s",
			             c->peer, WEXITSTATUS(status), ms / 1000, ms % 1000);
		X.kids[i] = X.kids[--X.nkids];
		return;
	}
}

/* Every program that has ended (SIGCHLD wakes the loop: this runs after its round). */
static void reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		ended(pid, status);
}

/* --- serve -e --tls: a carrier per client --- */

/* The TLS handshake of the client on sock, bounded; -v logs the session or why it failed.
 * Returns 0 with *tr the session, 1 if the client closed having sent nothing, or -1. */
static int carrier_handshake(const struct exec_serve_opts *o, int sock, const char *who,
                             struct transport *tr)
{
	char words[TLS_ERR_LEN + 2 * TLS_NAME_LEN];

	if (transport_accept_wait(tr, o->tls, sock, o->handshake_ms) < 0) {
		/* connected and closed (a port check): an end, not a failed handshake */
		diag_verbose(1, "%s: %s", who,
		             tr->peer_silent ? "closed before its TLS handshake" : tr->err);
		return tr->peer_silent ? 1 : -1;
	}
	diag_verbose(1, "%s: %s", who, transport_server_words(tr, words, sizeof words));
	return 0;
}

/* The carrier itself: the program runs on two pipes and the relay carries its bytes to
 * and from the session; the client's end closes the program's stdin, the end of the
 * program's stdout ends the connection (as a program on a plain socket closes it by
 * exiting). Returns the program's exit status, which becomes the carrier's. */
static int carry(const struct exec_serve_opts *o, int sock, const char *who)
{
	char err[NET_ERR_LEN];
	struct transport tr;
	struct relay_stats st;
	int in[2], out[2], status = 0;
	pid_t pid;

	int hs = carrier_handshake(o, sock, who, &tr);
	if (hs != 0)
		return hs > 0 ? 0 : EXIT_TLS;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		diag_err("%s: pipe: %s", who, strerror(errno));
		return EXIT_IO;
	}
	pid = start(err, o->prog, sock, in[0], out[1], false);
	close(in[0]);
	close(out[1]);
	/* our ends only: a full pipe must not stall the relay's other direction */
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	if (pid < 0) {
		diag_err("%s: %s", who, err);
		return 127; /* as a shell says of a program it could not run */
	}
	struct relay_opts r = {.in_fd = out[0],
	                       .out_fd = in[1],
	                       .sock = sock,
	                       .tr = &tr,
	                       .close_out = true,
	                       .linger_ms = 0,
	                       .stop = o->stop};
	relay_run(&r, &st);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	transport_free(&tr);
	return status_of(status);
}

/* --tls: the program cannot be given the socket (its bytes are TLS records), so a
 * carrier process, in a process group of its own with the program, stands between them
 * (sockit(1), TLS). Returns the carrier's pid, or -1 with err filled. */
static pid_t start_carrier(char *err, const struct exec_serve_opts *o, int sock,
                           const char *who)
{
	pid_t pid = fork();

	if (pid < 0)
		return fail(err, "%s: %s", "fork", errno);
	if (pid > 0) {
		setpgid(pid, pid); /* as the child does: whichever runs first */
		return pid;
	}
	setpgid(0, 0);
	/* the supervisor's stop handler stays: SIGTERM to the group sets the flag copied
	 * here, which ends the relay; SIGCHLD is the carrier's own again, for waitpid */
	signal(SIGCHLD, SIG_DFL);
	close(o->lfd);
	_exit(carry(o, sock, who));
}

/* Starts the program on the admitted client fd. */
static void launch(int fd, const char *who)
{
	char err[NET_ERR_LEN];
	pid_t pid;

	if (X.nkids == X.cap) {
		size_t cap = X.cap ? X.cap * 2 : 16;
		struct child *grown = realloc(X.kids, cap * sizeof *grown);
		if (!grown) {
			diag_err("%s: out of memory", who);
			return;
		}
		X.kids = grown;
		X.cap = cap;
	}
	if (!X.o->keep_open) {
		X.served = true;
		admit_stop(&X.admit);
	}
	pid = X.o->tls ? start_carrier(err, X.o, fd, who)
	               : start(err, X.o->prog, fd, fd, fd, true);
	if (pid < 0) {
		diag_err("%s: %s", who, err);
		X.rc = X.o->keep_open ? 0 : EXIT_NO;
		return;
	}
	X.kids[X.nkids].pid = pid;
	X.kids[X.nkids].start_ms = clock_ms();
	snprintf(X.kids[X.nkids].peer, sizeof X.kids[0].peer, "%s", who);
	X.nkids++;
}

/* A new client, given its program (admit.c has turned away the refused and the
 * surplus); the server's copy of the socket is closed either way. */
static void admitted(int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	char who[NET_ADDR_LEN];

	net_format((const struct sockaddr *)ss, len, who, sizeof who);
	diag_verbose(1, "connection from %s", who);
	launch(fd, who);
	close(fd);
}

static int clients(void)
{
	return (int)X.nkids;
}

static void signal_all(int sig)
{
	for (size_t i = 0; i < X.nkids; i++)
		if (kill(-X.kids[i].pid, sig) < 0) /* it left its group: itself then */
			kill(X.kids[i].pid, sig);
}

/* The stop: SIGTERM to every program (and what it started); admit_run gives them
 * STOP_PROGRAMS_MS to end. */
static void stop_programs(void)
{
	signal_all(SIGTERM);
	reap();
}

static bool none_left(void)
{
	return X.nkids == 0;
}

/* Without -k: the one client's program has ended. */
static bool all_served(void)
{
	return X.served && X.nkids == 0;
}

/* Those the stop's grace did not end: SIGKILL, and reaped. */
static void kill_rest(void)
{
	int status;
	pid_t pid;

	if (X.nkids > 0)
		signal_all(SIGKILL);
	while (X.nkids > 0)
		if ((pid = waitpid(-1, &status, 0)) > 0)
			ended(pid, status);
		else if (errno != EINTR)
			break;
}

int exec_serve(const struct exec_serve_opts *o)
{
	static const struct admit_hooks hooks = {
	    .round = reap, .stop = stop_programs, .idle = none_left, .done = all_served};
	int rc;

	memset(&X, 0, sizeof X);
	X.o = o;
	exec_seal_fds();
	if (!(X.loop = loop_new())) {
		diag_err("cannot start the event loop: %s", strerror(errno));
		return EXIT_IO;
	}
	X.admit = (struct admit){.loop = X.loop,
	                         .lfd = o->lfd,
	                         .on_client = admitted,
	                         .clients = clients,
	                         .acl = o->acl,
	                         .max_clients = o->max_clients,
	                         .blocking = true, /* the program's stdin and stdout */
	                         .where = o->where};
	rc = admit_run(&X.admit, o->stop, STOP_PROGRAMS_MS, &hooks);
	kill_rest();
	loop_free(X.loop);
	free(X.kids);
	return rc ? rc : X.rc;
}
