/* cmd_http.c: `sockit http-head` and `sockit http-get`: one URL over plain HTTP/1.1. */
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "net.h"
#include "outfile.h"
#include "parse.h"
#include "progress.h"
#include "splice.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_SIZE   (256 * 1024) /* the body moves in reads of up to this, never held */
#define TEXT_SIZE   8192         /* header lines for the output, gathered into one write */
#define HEADERS_MAX 64           /* -H options */
#define EXTRA_MAX   16384        /* bytes of every -H and -A together */
#define REDIRS_MAX  1000         /* the largest --max-redirs */

static const char get_synopsis[] =
    "usage: sockit http-get [OPTIONS] URL\n"
    "Fetches URL over plain HTTP/1.1 (no TLS) and writes the body to stdout, byte for\n"
    "byte. URL is [http://]HOST[:PORT][/PATH][?QUERY]; an IPv6 HOST goes in brackets.";
static const char head_synopsis[] =
    "usage: sockit http-head [OPTIONS] URL\n"
    "Sends a HEAD request for URL over plain HTTP/1.1 (no TLS) and prints the status\n"
    "line and the headers as received, one per line. Exits 0 whatever the status,\n"
    "unless --fail.";

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

enum { OPT_HEADER = OPT_ID_FIRST_CMD, OPT_USER_AGENT, OPT_PROGRESS, OPT_NO_PROGRESS };

/* http-get's rows: first those about the body, then the rows http-head has too. */
#define H struct http_opts
static const struct opt get_options[] = {
    OPT_FLAG('i', "include", H, include, "print the status line and headers before the body"),
    OPT_STRING('o', "output", "FILE", H, output,
               "write the body to FILE, renamed into place when whole"),
    OPT_CALL(0, "progress", NULL, OPT_PROGRESS, "a progress line on stderr"),
    OPT_CALL(0, "no-progress", NULL, OPT_NO_PROGRESS,
             "no progress line (default unless -o to a tty)"),
    /* http-head's table starts here */
    OPT_FAMILY,
    OPT_TIMEOUT(H, "connect and idle timeout, not a total one (exit 5)"),
    OPT_FLAG('L', "location", H, location, "follow redirects (301 302 303 307 308)"),
    OPT_COUNT(0, "max-redirs", "N", H, max_redirs, 0, REDIRS_MAX,
              "with -L: at most N redirects (10)"),
    OPT_CALL('H', "header", "HEADER", OPT_HEADER, "add 'Name: value' to the request (repeatable)"),
    OPT_CALL('A', "user-agent", "TEXT", OPT_USER_AGENT,
             "replace the User-Agent (\"\": send none)"),
    OPT_FLAG('f', "fail", H, fail, "exit 1 on status >= 400, printing nothing"),
    OPT_FLAG(0, "status", H, status_only, "print only the numeric status code"),
    OPT_VERBOSITY,
    OPT_END,
};
#undef H
#define GET_ONLY 4
static const struct opt *const head_options = get_options + GET_ONLY;

/* Where the output goes: stdout, or -o's temporary file. */
struct sink {
	const char *path; /* -o FILE, or NULL */
	struct outfile file;
	int fd;
	bool gone; /* stdout's reader left (EPIPE): stop, quietly */
	size_t textlen;
	char text[TEXT_SIZE]; /* header lines not yet written */
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
	GO_ON = 0, /* go on reading */
	STOP = -1, /* this response is done with (complete, or a redirect, or unwanted) */
};

static char readbuf[READ_SIZE];

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

static int open_output(struct fetch *f)
{
	if (outfile_open(&f->out.file, f->out.path) < 0)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path,
		              strerror(errno));
	f->out.fd = f->out.file.fd;
	return GO_ON;
}

/* The body is whole: -o's file takes it. */
static int commit_output(struct fetch *f)
{
	f->out.fd = -1;
	if (outfile_commit(&f->out.file) < 0)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path,
		              strerror(errno));
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
	printable(f->reason, sizeof f->reason, ev->line + 9, ev->len - 9);
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

	progress_add(&f->prog, ev->len);
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
	return rc;
}

/* The end of the stream: a read-to-close body is complete, anything else is cut short. */
static int feed_eof(struct fetch *f)
{
	struct http_event ev;

	http_resp_eof(&f->resp, &ev);
	return on_event(f, &ev);
}

/*
 * The zero-copy path. The rest of a Content-Length or read-to-close body needs no parsing,
 * only counting: it goes from the socket to the output through the mover (splice.h),
 * never through user memory where the kernel allows it. The parser has seen the headers
 * and the body bytes that came with them.
 */
static int move_body(struct fetch *f, struct splice_mover *m, int fd)
{
	bool counted = f->resp.body == HTTP_BODY_LENGTH;
	uint64_t left = counted ? (uint64_t)f->resp.length - f->body_seen : UINT64_MAX;
	char err[NET_ERR_LEN];
	ssize_t n;

	while (left > 0) {
		n = net_splice_in(err, m, fd, f->out.fd,
		                  left < SPLICE_PIPE_SIZE ? (size_t)left : SPLICE_PIPE_SIZE);
		if (n == NET_EIO)
			return write_failed(f, errno);
		if (n < 0)
			return read_failed(f, n, err);
		if (n == 0 && counted) /* as the parser says it */
			return report(f, EXIT_PROTO, "%llu bytes missing",
			              (unsigned long long)left);
		if (n == 0)
			return STOP;
		diag_verbose(2, "moved %zd bytes", n);
		left -= counted ? (uint64_t)n : 0;
		f->body_seen += (uint64_t)n;
		progress_add(&f->prog, (uint64_t)n);
	}
	return STOP;
}

/* Returns STOP when the body is complete, GO_ON to go on with the parser, or an exit
 * status. */
static int splice_body(struct fetch *f, int fd)
{
	struct splice_mover m;
	int rc;

	f->spliced = true;
	if ((rc = flush_text(f)) != GO_ON || splice_open(&m, fd, f->out.fd, false) < 0)
		return rc; /* out of memory: the parser reads on */
	rc = move_body(f, &m, fd);
	splice_close(&m);
	return rc;
}

/* The rest of the body may skip the parser: no chunks to decode, and nothing to show. */
static bool can_splice(const struct fetch *f)
{
	return f->in_body && !f->spliced &&
	       (f->resp.body == HTTP_BODY_LENGTH || f->resp.body == HTTP_BODY_CLOSE);
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
		if (can_splice(f) && (rc = splice_body(f, fd)) != GO_ON)
			break;
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
		outfile_discard(&f->out.file);
		f->out.fd = -1;
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
		                  printable(shown, sizeof shown, h, strlen(h)), err);
	if (o->nheaders == HEADERS_MAX)
		return diag_usage("too many -H options (at most %d)", HEADERS_MAX);
	o->headers[o->nheaders++] = h;
	o->extra += strlen(h) + 2;
	return 0;
}

static int set_user_agent(struct http_opts *o, const char *a)
{
	for (const char *p = a; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return diag_usage("control byte in -A text");
	o->user_agent = a;
	return 0;
}

static int http_option(void *opts, int id, const char *arg)
{
	struct http_opts *o = opts;

	switch (id) {
	case OPT_HEADER:
		return add_header(o, arg);
	case OPT_USER_AGENT:
		return set_user_agent(o, arg);
	default:
		o->progress = id == OPT_PROGRESS;
		return 0;
	}
}

static int parse_options(struct http_opts *o, int argc, char **argv)
{
	if (o->head)
		return cmd_parse_options(argc, argv, head_options, head_synopsis, o, &o->common,
		                         http_option);
	return cmd_parse_options(argc, argv, get_options, get_synopsis, o, &o->common,
	                         http_option);
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct http_opts *o, char **ops, int nops)
{
	if (nops < 1)
		return diag_usage("missing URL");
	if (nops > 1)
		return diag_usage("unexpected argument '%.60s'", ops[1]);
	o->url = ops[0];
	if (o->status_only && (o->include || o->output))
		return diag_usage("cannot use --status with %s", o->include ? "-i" : "-o");
	if (o->output && o->output[0] == '\0')
		return diag_usage("empty file name for -o");
	if (o->output && strcmp(o->output, "-") == 0) /* as curl: -o - is stdout */
		o->output = NULL;
	if (o->extra + (o->user_agent ? strlen(o->user_agent) : 0) > EXTRA_MAX)
		return diag_usage("-H and -A text too long (at most %d bytes)", EXTRA_MAX);
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
		return diag_usage("%s", err);
	default:
		return diag_usage("invalid URL '%s%s': %s",
		                  printable(shown, sizeof shown, s, len),
		                  len >= sizeof shown ? "..." : "", err);
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
	if (o.common.done)
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
