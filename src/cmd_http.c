/* cmd_http.c: `sockit http-head` and `sockit http-get`: one URL over plain HTTP/1.1. */
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "net.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE   (256 * 1024) /* the body moves in reads of up to this, never held */
#define TEXT_SIZE   8192         /* header lines for the output, gathered into one write */
#define HEADERS_MAX 64           /* -H options */
#define EXTRA_MAX   16384        /* bytes of every -H and -A together */
#define REDIRS_MAX  1000         /* the largest --max-redirs */
#define PROGRESS_NS 200000000LL  /* the progress line is redrawn at most 5 times a second */
#define PROGRESS_W  64           /* its width: a shorter line is padded over a longer one */

static const char get_synopsis[] =
    "usage: sockit http-get [OPTIONS] URL\n"
    "Fetches URL over plain HTTP/1.1 (no TLS) and writes the body to stdout, byte for\n"
    "byte. URL is [http://]HOST[:PORT][/PATH][?QUERY]; an IPv6 HOST goes in brackets.";
static const char head_synopsis[] =
    "usage: sockit http-head [OPTIONS] URL\n"
    "Sends a HEAD request for URL over plain HTTP/1.1 (no TLS) and prints the status\n"
    "line and the headers as received, one per line. Exits 0 whatever the status,\n"
    "unless --fail.";

enum { OPT_MAX_REDIRS = OPT_FIRST_LONG_ONLY, OPT_STATUS, OPT_PROGRESS, OPT_NO_PROGRESS };

/* http-get's rows: first those about the body, then the rows http-head has too. */
static const struct opt get_options[] = {
    {'i', 'i', "include", NULL, "print the status line and headers before the body", NULL},
    {'o', 'o', "output", "FILE", "write the body to FILE, renamed into place when whole", NULL},
    {OPT_PROGRESS, 0, "progress", NULL, "a progress line on stderr", NULL},
    {OPT_NO_PROGRESS, 0, "no-progress", NULL, "no progress line (default unless -o to a tty)",
     NULL},
    /* http-head's table starts here */
    OPT_FAMILY,
    {'w', 'w', "timeout", "SECS", "connect and idle timeout, not a total one (exit 5)", NULL},
    {'L', 'L', "location", NULL, "follow redirects (301 302 303 307 308)", NULL},
    {OPT_MAX_REDIRS, 0, "max-redirs", "N", "with -L: at most N redirects (10)", NULL},
    {'H', 'H', "header", "HEADER", "add 'Name: value' to the request (repeatable)", NULL},
    {'A', 'A', "user-agent", "TEXT", "replace the User-Agent (\"\": send none)", NULL},
    {'f', 'f', "fail", NULL, "exit 1 on status >= 400, printing nothing", NULL},
    {OPT_STATUS, 0, "status", NULL, "print only the numeric status code", NULL},
    OPT_VERBOSITY,
    OPT_END,
};
#define GET_ONLY 4
static const struct opt *const head_options = get_options + GET_ONLY;

struct http_opts {
	struct cmd_common common;
	bool head; /* http-head: a HEAD request, the headers are the output */
	bool include, location, fail, status_only;
	int progress; /* 1 --progress, 0 --no-progress, -1 neither */
	long long max_redirs;
	const char *output; /* -o FILE, or NULL for stdout */
	const char *user_agent;
	const char *url;
	const char *headers[HEADERS_MAX];
	size_t nheaders;
	size_t extra; /* bytes of the headers and the user agent */
};

/* Where the output goes: stdout, or -o's temporary file. */
struct sink {
	const char *path; /* -o FILE, or NULL */
	int fd;
	bool gone; /* stdout's reader left (EPIPE): stop, quietly */
	bool direct; /* -o names a FIFO or a device: written into, never replaced */
	size_t textlen;
	char text[TEXT_SIZE]; /* header lines not yet written */
};

struct progress {
	bool wanted, active;
	uint64_t done;
	int64_t total; /* -1 when the length is not known */
	long long start, last;
};

/* One command's run: the URL being fetched and what has been seen. */
struct fetch {
	const struct http_opts *o;
	struct http_url url;
	struct http_url first; /* the user's URL: who may see Authorization and Cookie */
	struct http_resp resp;
	struct sink out;
	struct progress prog;
	long long hops;
	bool show;          /* this response's status line and headers are output */
	bool redirect;      /* this response is a redirect to follow */
	bool in_body;       /* the headers are done and a body follows */
	bool spliced;       /* the zero-copy path was tried for this response */
	uint64_t body_seen; /* body bytes of this response so far */
	char reason[80];
};

/* What an event handler returns besides an exit status (> 0). */
enum {
	GO_ON = 0,    /* go on reading */
	STOP = -1,    /* this response is done with (complete, or a redirect, or unwanted) */
	UNSPLICE = -2 /* the zero-copy path gave its bytes to the parser: read on */
};

static char readbuf[READ_SIZE];

/* -o's temporary file, for the signal handler that removes it. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

/* ---- small helpers -------------------------------------------------------------------- */

/* A copy of s[0..n) for a message, control bytes shown as '?': no terminal escapes. */
static const char *printable(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[i] = '\0';
	return dst;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "-v": one line of the request ('>') or the response ('<') on stderr, as curl shows them. */
static void verbose_line(char dir, const char *s, size_t n)
{
	char line[HTTP_LINE_MAX + 4];
	size_t k = 0;

	if (diag_level() < 1)
		return;
	if (n > HTTP_LINE_MAX)
		n = HTTP_LINE_MAX;
	line[k++] = dir;
	if (n > 0) {
		line[k++] = ' ';
		memcpy(line + k, s, n);
		k += n;
	}
	line[k++] = '\n';
	fwrite(line, 1, k, stderr);
}

/* ---- progress ------------------------------------------------------------------------- */

/* "812 B", "12.3 KiB", "1.0 GiB". */
static void human(char *dst, size_t cap, double v)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(dst, cap, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static void eta(char *dst, size_t cap, double secs)
{
	long long s = (long long)(secs + 0.5);

	if (secs < 0 || secs > 359999)
		snprintf(dst, cap, "--:--");
	else if (s >= 3600)
		snprintf(dst, cap, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(dst, cap, "%lld:%02lld", s / 60, s % 60);
}

/* `\r 45.2 MiB of 1.0 GiB  4%  110.3 MiB/s  ETA 0:08`, padded over the last one. */
static void progress_draw(struct progress *pg, long long t)
{
	char line[160], done[24], total[24], rate[24], left[24];
	double secs = (double)(t - pg->start) / 1e9;
	double bps = secs > 0 ? (double)pg->done / secs : 0;
	int n;

	human(done, sizeof done, (double)pg->done);
	human(rate, sizeof rate, bps);
	if (pg->total >= 0) {
		human(total, sizeof total, (double)pg->total);
		eta(left, sizeof left,
		    bps > 0 ? (double)(pg->total - (int64_t)pg->done) / bps : -1);
		n = snprintf(line, sizeof line, "\r%s of %s  %d%%  %s/s  ETA %s", done, total,
		             pg->total ? (int)(pg->done * 100 / (uint64_t)pg->total) : 100,
		             rate, left);
	} else {
		n = snprintf(line, sizeof line, "\r%s  %s/s", done, rate);
	}
	while (n < PROGRESS_W + 1)
		line[n++] = ' ';
	fwrite(line, 1, (size_t)n, stderr);
	pg->last = t;
}

static void progress_start(struct progress *pg, int64_t total)
{
	if (!pg->wanted)
		return;
	pg->active = true;
	pg->done = 0;
	pg->total = total;
	pg->start = now_ns();
	progress_draw(pg, pg->start);
}

static void progress_tick(struct progress *pg)
{
	long long t;

	if (pg->active && (t = now_ns()) - pg->last >= PROGRESS_NS)
		progress_draw(pg, t);
}

/* The final numbers, and the line is ended so later messages start on their own. */
static void progress_end(struct progress *pg)
{
	if (!pg->active)
		return;
	progress_draw(pg, now_ns());
	fputc('\n', stderr);
	pg->active = false;
}

/* An error on stderr, below the progress line if one is shown; returns code. */
static int report(struct fetch *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report(struct fetch *f, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	progress_end(&f->prog);
	diag_err("%s", msg);
	return code;
}

/* ---- the output ----------------------------------------------------------------------- */

/* A signal while -o's temporary file exists: remove it, then die of the signal as usual. */
static void on_fatal_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	raise(sig); /* the handler was reset (SA_RESETHAND): this one is fatal */
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* -o FILE: the body goes to FILE.XXXXXX beside it (same file system: rename is atomic). */
static int open_output(struct fetch *f)
{
	const char *path = f->out.path;
	sigset_t fatal, old;
	struct stat st;
	mode_t mask;
	int fd;

	/* found now, not after the download, when rename(2) would refuse */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return report(f, EXIT_IO, "cannot write '%.200s': %s", path, strerror(EISDIR));
	/* a FIFO or a device (-o /dev/null) is written into, as curl does: renaming over it
	 * would replace it with a plain file */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f->out.fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			return report(f, EXIT_IO, "cannot write '%.200s': %s", path,
			              strerror(errno));
		f->out.direct = true;
		return GO_ON;
	}
	if ((size_t)snprintf(tmp_path, sizeof tmp_path, "%s.XXXXXX", path) >= sizeof tmp_path)
		return report(f, EXIT_IO, "%.200s: file name too long", path);
	catch_fatal_signals();
	sigemptyset(&fatal);
	sigaddset(&fatal, SIGINT);
	sigaddset(&fatal, SIGTERM);
	sigaddset(&fatal, SIGHUP);
	/* no signal between the file's creation and the handler knowing of it */
	sigprocmask(SIG_BLOCK, &fatal, &old);
	fd = mkstemp(tmp_path);
	tmp_live = fd >= 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", path, strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* mkstemp makes 0600; a downloaded file gets what any new file would, as curl's */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	f->out.fd = fd;
	return GO_ON;
}

static void discard_output(struct fetch *f)
{
	if (!f->out.path || f->out.fd < 0)
		return;
	close(f->out.fd);
	f->out.fd = -1;
	if (f->out.direct)
		return;
	unlink(tmp_path);
	tmp_live = 0;
}

/* The body is whole: it takes FILE's name in one step. */
static int commit_output(struct fetch *f)
{
	int fd = f->out.fd;

	f->out.fd = -1;
	if (f->out.direct)
		return close(fd) < 0 ? report(f, EXIT_IO, "cannot write '%.200s': %s",
		                              f->out.path, strerror(errno))
		                     : GO_ON;
	if (close(fd) < 0 || rename(tmp_path, f->out.path) < 0) {
		int e = errno;

		unlink(tmp_path);
		tmp_live = 0;
		return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path,
		              strerror(e));
	}
	tmp_live = 0;
	return GO_ON;
}

static int write_failed(struct fetch *f, int e)
{
	/* the reader of stdout chose to stop (`| head -c1`): not an error */
	if (!f->out.path && e == EPIPE) {
		f->out.gone = true;
		return STOP;
	}
	if (!f->out.path)
		return report(f, EXIT_IO, "write error on stdout: %s", strerror(e));
	return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path, strerror(e));
}

/* A write loop without stdio: short writes and EINTR, straight from the read buffer. */
static int out_write(struct fetch *f, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(f->out.fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return write_failed(f, errno);
		p += w;
		n -= (size_t)w;
	}
	return GO_ON;
}

static int flush_text(struct fetch *f)
{
	size_t n = f->out.textlen;

	f->out.textlen = 0;
	return n > 0 && !f->out.gone ? out_write(f, f->out.text, n) : GO_ON;
}

/* Header text for the output: gathered, so a response's headers cost one write. */
static int text(struct fetch *f, const char *s, size_t n)
{
	int rc;

	if (n > sizeof f->out.text - f->out.textlen) {
		if ((rc = flush_text(f)) != GO_ON)
			return rc;
		if (n > sizeof f->out.text)
			return out_write(f, s, n);
	}
	memcpy(f->out.text + f->out.textlen, s, n);
	f->out.textlen += n;
	return GO_ON;
}

static int text_line(struct fetch *f, const char *s, size_t n)
{
	int rc = text(f, s, n);

	return rc != GO_ON ? rc : text(f, "\n", 1);
}

/* ---- one response --------------------------------------------------------------------- */

static bool is_redirect(const struct fetch *f)
{
	int s = f->resp.status;

	return f->o->location && f->resp.has_location &&
	       (s == 301 || s == 302 || s == 303 || s == 307 || s == 308);
}

static int on_status(struct fetch *f, const struct http_event *ev)
{
	const struct http_opts *o = f->o;

	verbose_line('<', ev->line, ev->len);
	/* "HTTP/1.1 404 Not Found": the code and reason, for --fail's message */
	diag_escape(f->reason, sizeof f->reason, ev->line + 9, ev->len - 9);
	f->show = (o->head || o->include) && !o->status_only && !(o->fail && ev->status >= 400);
	if (!f->show)
		return GO_ON;
	/* http-head -L: a blank line between the responses, as -i has before each body */
	if (o->head && f->hops > 0) {
		int rc = text(f, "\n", 1);
		if (rc != GO_ON)
			return rc;
	}
	return text_line(f, ev->line, ev->len);
}

static int on_header(struct fetch *f, const struct http_event *ev)
{
	verbose_line('<', ev->line, ev->len);
	return f->show ? text_line(f, ev->line, ev->len) : GO_ON;
}

/* The headers are in: follow, fail, or get ready for the body. */
static int on_headers_done(struct fetch *f)
{
	const struct http_opts *o = f->o;
	char code[8];
	int rc = GO_ON;

	verbose_line('<', "", 0);
	/* -i: a blank line ends each response's headers, a redirect's too, as curl -iL */
	if (f->show && !o->head && (rc = text(f, "\n", 1)) != GO_ON)
		return rc;
	if (is_redirect(f)) {
		f->redirect = true;
		return STOP;
	}
	if (o->status_only) {
		snprintf(code, sizeof code, "%d\n", f->resp.status);
		rc = text(f, code, strlen(code));
	}
	if (rc == GO_ON && o->fail && f->resp.status >= 400)
		return report(f, EXIT_NO, "%s", f->reason);
	if (rc != GO_ON || o->status_only)
		return rc == GO_ON ? STOP : rc;
	f->in_body = f->resp.body != HTTP_BODY_NONE;
	if (f->in_body)
		progress_start(&f->prog,
		               f->resp.body == HTTP_BODY_LENGTH ? f->resp.length : -1);
	return GO_ON;
}

static int on_body(struct fetch *f, const struct http_event *ev)
{
	int rc;

	f->prog.done += ev->len;
	f->body_seen += ev->len;
	if (f->out.textlen > 0 && (rc = flush_text(f)) != GO_ON)
		return rc;
	return out_write(f, ev->line, ev->len);
}

static int on_event(struct fetch *f, const struct http_event *ev)
{
	switch (ev->type) {
	case HTTP_EV_STATUS:
		return on_status(f, ev);
	case HTTP_EV_HEADER:
		return on_header(f, ev);
	case HTTP_EV_HEADERS_DONE:
		return on_headers_done(f);
	case HTTP_EV_BODY:
		return on_body(f, ev);
	case HTTP_EV_DONE:
		return STOP;
	case HTTP_EV_ERROR:
		return report(f, EXIT_PROTO, "%s", ev->msg);
	case HTTP_EV_NEED_MORE:
		break;
	}
	return GO_ON;
}

static int read_failed(struct fetch *f, ssize_t code, const char *err)
{
	int ms = f->o->common.timeout_ms;

	if (code == NET_ETIMEOUT)
		return report(f, EXIT_TIMEOUT, "timed out: no data for %d.%03d s", ms / 1000,
		              ms % 1000);
	return report(f, EXIT_NET, "%s", err);
}

/* Hands the parser bytes read, and acts on what it finds in them. */
static int feed(struct fetch *f, const char *buf, size_t n)
{
	struct http_event ev;
	int rc = GO_ON;

	http_resp_feed(&f->resp, buf, n);
	while (rc == GO_ON && http_resp_next(&f->resp, &ev) != HTTP_EV_NEED_MORE)
		rc = on_event(f, &ev);
	progress_tick(&f->prog);
	return rc;
}

/* The end of the stream: a read-to-close body is complete, anything else is cut short. */
static int feed_eof(struct fetch *f)
{
	struct http_event ev;

	http_resp_eof(&f->resp, &ev);
	return on_event(f, &ev);
}

#ifdef __linux__
/*
 * The zero-copy path. The rest of a Content-Length or read-to-close body needs no parsing,
 * only counting: it goes from the socket into a pipe (stdout itself when it is one) and
 * from the pipe to the output with splice(2), never through user memory. The parser has
 * seen the headers and the body bytes that came with them.
 */
#define SPLICE_MAX (1 << 20)

struct zc {
	int pipe[2]; /* ours, unless the output is a pipe */
	bool direct; /* the output is a pipe: the socket splices straight into it */
};

static int zc_open(struct zc *z, int out)
{
	struct stat st;

	z->pipe[0] = z->pipe[1] = -1;
	z->direct = fstat(out, &st) == 0 && S_ISFIFO(st.st_mode);
	if (z->direct)
		return 0;
	if (pipe2(z->pipe, O_CLOEXEC) < 0)
		return -1;
	fcntl(z->pipe[1], F_SETPIPE_SZ, SPLICE_MAX); /* fewer, larger moves; 64 KiB will do */
	return 0;
}

static void zc_close(struct zc *z)
{
	if (z->pipe[0] >= 0) {
		close(z->pipe[0]);
		close(z->pipe[1]);
	}
}

/*
 * The output cannot take splice(2) (found on the first move, before any byte went out):
 * the bytes in the pipe go through the parser after all, and so does the rest.
 */
static int zc_unsplice(struct fetch *f, struct zc *z, size_t n)
{
	ssize_t r;
	int rc = GO_ON;

	while (rc == GO_ON && n > 0) {
		r = read(z->pipe[0], readbuf, n < sizeof readbuf ? n : sizeof readbuf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return report(f, EXIT_IO, "pipe: %s",
			              r < 0 ? strerror(errno) : "empty");
		n -= (size_t)r;
		rc = feed(f, readbuf, (size_t)r);
	}
	return rc;
}

/* Moves n bytes from our pipe to the output. */
static int zc_drain(struct fetch *f, struct zc *z, size_t n, bool first)
{
	ssize_t w;

	while (n > 0) {
		w = splice(z->pipe[0], NULL, f->out.fd, NULL, n, SPLICE_F_MOVE | SPLICE_F_MORE);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && first && (errno == EINVAL || errno == ENOSYS)) {
			int rc = zc_unsplice(f, z, n);
			return rc == GO_ON ? UNSPLICE : rc;
		}
		if (w < 0)
			return write_failed(f, errno);
		n -= (size_t)w;
		first = false;
	}
	return GO_ON;
}

/* Returns STOP when the body is complete, GO_ON to go back to reading, or an exit status. */
static int zc_pump(struct fetch *f, struct zc *z, int fd)
{
	bool counted = f->resp.body == HTTP_BODY_LENGTH, first = true;
	uint64_t left = counted ? (uint64_t)f->resp.length - f->body_seen : UINT64_MAX;
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc;

	while (left > 0) {
		n = net_splice_in(err, fd, z->direct ? f->out.fd : z->pipe[1],
		                  left < SPLICE_MAX ? (size_t)left : SPLICE_MAX);
		if (n == NET_EIO && first && (errno == EINVAL || errno == ENOSYS))
			return GO_ON; /* nothing moved: the parser goes on */
		if (n == NET_EIO)
			return write_failed(f, errno);
		if (n < 0)
			return read_failed(f, n, err);
		if (n == 0 && counted) /* as the parser says it */
			return report(f, EXIT_PROTO, "%llu bytes missing",
			              (unsigned long long)left);
		if (n == 0)
			return STOP;
		diag_verbose(2, "spliced %zd bytes", n);
		if (!z->direct && (rc = zc_drain(f, z, (size_t)n, first)) != GO_ON)
			return rc == UNSPLICE ? GO_ON : rc;
		first = false;
		left -= counted ? (uint64_t)n : 0;
		f->body_seen += (uint64_t)n;
		f->prog.done += (uint64_t)n;
		progress_tick(&f->prog);
	}
	return STOP;
}

static int splice_body(struct fetch *f, int fd)
{
	struct zc z;
	int rc;

	f->spliced = true;
	if ((rc = flush_text(f)) != GO_ON || zc_open(&z, f->out.fd) < 0)
		return rc;
	rc = zc_pump(f, &z, fd);
	zc_close(&z);
	return rc;
}
#endif

/* The rest of the body may skip the parser: no chunks to decode, and nothing to show. */
static bool can_splice(const struct fetch *f)
{
#ifdef __linux__
	return f->in_body && !f->spliced &&
	       (f->resp.body == HTTP_BODY_LENGTH || f->resp.body == HTTP_BODY_CLOSE);
#else
	(void)f;
	return false;
#endif
}

/* Reads until the response is complete (or fails), feeding the parser as bytes come. */
static int read_response(struct fetch *f, int fd)
{
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc = GO_ON;

	http_resp_init(&f->resp, f->o->head);
	f->in_body = f->spliced = false;
	f->body_seen = 0;
	while (rc == GO_ON) {
#ifdef __linux__
		if (can_splice(f) && (rc = splice_body(f, fd)) != GO_ON)
			break;
#endif
		n = net_read(err, fd, readbuf, sizeof readbuf);
		if (n > 0)
			diag_verbose(2, "read %zd bytes", n);
		if (n < 0)
			rc = read_failed(f, n, err);
		else if (n == 0)
			rc = feed_eof(f);
		else
			rc = feed(f, readbuf, (size_t)n);
	}
	http_resp_free(&f->resp);
	return rc == STOP ? GO_ON : rc;
}

/* ---- one request ---------------------------------------------------------------------- */

/* Connects to the URL's host; sets *fd, or returns the exit status. */
static int open_connection(struct fetch *f, int *fd)
{
	char err[NET_ERR_LEN], port[8], who[NET_ADDR_LEN];
	struct net_peer p = {
	    .host = f->url.host,
	    .port = port,
	    .family = f->o->common.family,
	    .socktype = SOCK_STREAM,
	    .timeout_ms = f->o->common.timeout_ms,
	};

	snprintf(port, sizeof port, "%u", (unsigned)f->url.port);
	*fd = net_connect(err, &p);
	if (*fd >= 0 && p.timeout_ms > 0 && net_set_io_timeout(err, *fd, p.timeout_ms) < 0) {
		close(*fd);
		*fd = NET_ENET;
	}
	if (*fd < 0)
		return report(f, -*fd, "%s", err);
	if (diag_level() >= 1)
		diag_verbose(1, "connected to %s", net_format_peer(*fd, who, sizeof who));
	return GO_ON;
}

/*
 * The user's headers. Authorization and Cookie go only to the host and port typed, and so
 * does a Host of the user's: another server gets its own name (as curl does).
 */
static size_t pick_headers(const struct fetch *f, const char **extra)
{
	bool same = http_url_same_origin(&f->url, &f->first);
	size_t i, n = 0;

	for (i = 0; i < f->o->nheaders; i++) {
		const char *h = f->o->headers[i];

		if (same || (!http_header_is_sensitive(h) && strncasecmp(h, "host:", 5) != 0))
			extra[n++] = h;
	}
	return n;
}

static void verbose_request(const char *req, size_t len)
{
	const char *end = req + len, *eol;

	while (req < end && (eol = memchr(req, '\r', (size_t)(end - req))) != NULL) {
		verbose_line('>', req, (size_t)(eol - req));
		req = eol + 2;
	}
}

static int send_request(struct fetch *f, int fd)
{
	static char req[HTTP_REQ_FIXED + 8 + EXTRA_MAX + 2 * HEADERS_MAX];
	const char *extra[HEADERS_MAX];
	char err[NET_ERR_LEN];
	size_t n = pick_headers(f, extra), len;
	int rc;

	len = http_request_build(req, sizeof req, f->o->head ? "HEAD" : "GET", &f->url,
	                         f->o->user_agent, extra, n);
	if (len == 0) /* the options were checked: the buffer always suffices */
		return report(f, EXIT_USAGE, "cannot build the request");
	verbose_request(req, len);
	if ((rc = net_write_all(err, fd, req, len)) == 0)
		return GO_ON;
	return rc == NET_ETIMEOUT ? read_failed(f, rc, err) : report(f, EXIT_NET, "%s", err);
}

/* A connection, the request, the response; f->redirect says whether to go on. */
static int fetch_once(struct fetch *f)
{
	int fd, rc;

	if ((rc = open_connection(f, &fd)) != GO_ON)
		return rc;
	rc = send_request(f, fd);
	if (rc == GO_ON)
		rc = read_response(f, fd);
	close(fd);
	return rc;
}

/* The Location of a redirect becomes the URL of the next round. */
static int next_url(struct fetch *f)
{
	char where[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16], loc[256];
	struct http_url next;
	const char *err;

	if (f->hops >= f->o->max_redirs)
		return report(f, EXIT_PROTO, "too many redirects (--max-redirs %lld)",
		              f->o->max_redirs);
	if (f->resp.location_conflict)
		return report(f, EXIT_PROTO, "conflicting Location headers");
	printable(loc, sizeof loc, f->resp.location, f->resp.location_len);
	switch (
	    http_url_resolve(&next, &f->url, f->resp.location, f->resp.location_len, &err)) {
	case HTTP_URL_OK:
		break;
	case HTTP_URL_HTTPS: /* never a plaintext request to where TLS was meant */
		return report(f, EXIT_PROTO,
		              "redirect to '%s' refused: sockit has no TLS (use curl)", loc);
	case HTTP_URL_SCHEME:
		return report(f, EXIT_PROTO, "redirect to '%s' refused: unsupported scheme",
		              loc);
	default:
		return report(f, EXIT_PROTO, "bad Location '%s': %s", loc, err);
	}
	f->url = next;
	f->hops++;
	if (diag_level() >= 1 && http_url_format(where, sizeof where, &next) > 0)
		diag_verbose(1, "redirect %d to %s", f->resp.status, where);
	return GO_ON;
}

static int follow(struct fetch *f)
{
	int rc;

	for (;;) {
		f->redirect = false;
		if ((rc = fetch_once(f)) != GO_ON || !f->redirect || f->out.gone)
			return rc;
		if ((rc = next_url(f)) != GO_ON)
			return rc;
	}
}

/* Header text still gathered goes out; -o's file takes its name only on success. */
static int finish(struct fetch *f, int rc)
{
	int wrc = flush_text(f);

	if (rc == GO_ON && wrc > 0)
		rc = wrc;
	progress_end(&f->prog);
	if (!f->out.path)
		return rc;
	if (rc != GO_ON) {
		discard_output(f);
		return rc;
	}
	return commit_output(f);
}

/* ---- options -------------------------------------------------------------------------- */

static int add_header(struct http_opts *o, const char *h)
{
	char shown[64];
	const char *err;

	if (http_header_valid(h, &err) < 0)
		return diag_usage("invalid header '%s' for -H: %s",
		                  printable(shown, sizeof shown, h, strlen(h)), err),
		       -1;
	if (o->nheaders == HEADERS_MAX)
		return diag_usage("too many -H options (at most %d)", HEADERS_MAX), -1;
	o->headers[o->nheaders++] = h;
	o->extra += strlen(h) + 2;
	return 0;
}

static int set_user_agent(struct http_opts *o, const char *a)
{
	for (const char *p = a; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return diag_usage("control byte in -A text"), -1;
	o->user_agent = a;
	return 0;
}

static int http_option(void *ctx, int id, const char *arg)
{
	struct http_opts *o = ctx;

	switch (id) {
	case 'i':
		o->include = true;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case 'L':
		o->location = true;
		return 0;
	case OPT_MAX_REDIRS:
		if (parse_count(arg, 0, REDIRS_MAX, &o->max_redirs) < 0)
			return diag_usage("invalid count '%.40s' for --max-redirs (0-%d)", arg,
			                  REDIRS_MAX),
			       -1;
		return 0;
	case 'H':
		return add_header(o, arg);
	case 'A':
		return set_user_agent(o, arg);
	case 'f':
		o->fail = true;
		return 0;
	case OPT_STATUS:
		o->status_only = true;
		return 0;
	case OPT_PROGRESS:
	case OPT_NO_PROGRESS:
		o->progress = id == OPT_PROGRESS;
		return 0;
	}
	return 0;
}

static int parse_options(struct http_opts *o, int argc, char **argv)
{
	if (o->head)
		return cmd_parse_options(argc, argv, head_options, head_synopsis, &o->common,
		                         http_option, o);
	return cmd_parse_options(argc, argv, get_options, get_synopsis, &o->common, http_option,
	                         o);
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct http_opts *o, char **ops, int nops)
{
	if (nops < 1)
		return diag_usage("missing URL"), -1;
	if (nops > 1)
		return diag_usage("unexpected argument '%.60s'", ops[1]), -1;
	o->url = ops[0];
	if (o->status_only && (o->include || o->output))
		return diag_usage("cannot use --status with %s", o->include ? "-i" : "-o"), -1;
	if (o->output && o->output[0] == '\0')
		return diag_usage("empty file name for -o"), -1;
	if (o->output && strcmp(o->output, "-") == 0) /* as curl: -o - is stdout */
		o->output = NULL;
	if (o->extra + (o->user_agent ? strlen(o->user_agent) : 0) > EXTRA_MAX)
		return diag_usage("-H and -A text too long (at most %d bytes)", EXTRA_MAX), -1;
	return 0;
}

static int parse_url(struct http_url *u, const char *s)
{
	char shown[128];
	const char *err;
	size_t len = strlen(s);

	switch (http_url_parse(u, s, len, &err)) {
	case HTTP_URL_OK:
		return 0;
	case HTTP_URL_HTTPS:
		return diag_usage("%s", err), -1;
	default:
		return diag_usage("invalid URL '%s%s': %s",
		                  printable(shown, sizeof shown, s, len),
		                  len >= sizeof shown ? "..." : "", err),
		       -1;
	}
}

/* ---- the commands --------------------------------------------------------------------- */

/* The first round: the user's URL, the output, whether a progress line is wanted. */
static int start(struct fetch *f, const struct http_opts *o)
{
	memset(f, 0, sizeof *f);
	if (parse_url(&f->url, o->url) < 0)
		return -1;
	f->o = o;
	f->first = f->url;
	f->out.fd = STDOUT_FILENO;
	f->out.path = o->output;
	/* the progress line is for a person watching a download to a file */
	f->prog.wanted =
	    o->progress == 1 ||
	    (o->progress < 0 && o->output && isatty(STDERR_FILENO) && o->common.verbosity >= 0);
	return 0;
}

static int run(int argc, char **argv, bool head)
{
	struct http_opts o = {
	    .common = {.family = AF_UNSPEC},
	    .head = head,
	    .progress = -1,
	    .max_redirs = 10,
	    .user_agent = "sockit/" SOCKIT_VERSION,
	};
	struct fetch f;
	int nops, rc;

	if ((nops = parse_options(&o, argc, argv)) < 0)
		return EXIT_USAGE;
	if (o.common.help || o.common.list)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0 || start(&f, &o) < 0)
		return EXIT_USAGE;
	if (o.output && (rc = open_output(&f)) != GO_ON)
		return rc;
	return finish(&f, follow(&f));
}

int cmd_http_get(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_http_head(int argc, char **argv)
{
	return run(argc, argv, true);
}
