/* cmd_http.c: `sockit http-head` and `sockit http-get`: URLs over plain HTTP/1.1, one
 * kept-alive connection at a time. */
#include "body.h"
#include "clock.h"
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "json.h"
#include "net.h"
#include "outfile.h"
#include "parse.h"
#include "progress.h"
#include "proxy.h"
#include "splice.h"
#include "transport.h"
#include "writeout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE   (256 * 1024) /* the body moves in reads of up to this, never held */
#define TEXT_SIZE   8192         /* header lines for the output, gathered into one write */
#define HEADERS_MAX 64           /* -H options */
#define EXTRA_MAX   16384        /* bytes of every -H and -A together */
#define REDIRS_MAX  1000         /* the largest --max-redirs */
#define DISCARD_MAX 65536        /* an unwanted body read to keep its connection, at most */
#define FORMAT_MAX  65536        /* --write-out @FILE, at most */

#define RETRIES_MAX     100           /* the largest --retry */
#define RETRY_PAUSE_MAX 30            /* seconds: the longest pause between tries */
#define EXPECT_MIN      (1024 * 1024) /* bodies from this size ask for 100 Continue first */
#define EXPECT_WAIT_MS  1000          /* ... and wait for it this long at most */
#define BODY_HEADERS    4             /* the fields a body adds to the request */
#define BODY_FIELD_MAX  (48 + BODY_BOUNDARY_LEN)

/* The commands of this file, as bits: a row of the option table names those it is for. */
enum {
	C_GET = 1,
	C_HEAD = 2,
	C_POST = 4,
	C_PUT = 8,
	C_DELETE = 16,
	C_BODY = C_POST | C_PUT,                     /* they send a body */
	C_FETCH = C_GET | C_POST | C_PUT | C_DELETE, /* a response body is the output */
	C_ALL = C_FETCH | C_HEAD,
};

struct http_command {
	const char *name;
	unsigned bit;
	const char *method;
	const char *synopsis;
};

static const struct http_command commands[] = {
    {"http-get", C_GET, "GET",
     "usage: sockit http-get [OPTIONS] URL...\n"
     "Fetches each URL over HTTP/1.1 (https: over verified TLS) and writes the bodies to\n"
     "stdout, byte for byte, one after another; URLs of the same scheme, HOST and PORT share\n"
     "one connection. URL is [http[s]://]HOST[:PORT][/PATH][?QUERY]; an IPv6 HOST goes in\n"
     "brackets."},
    {"http-head", C_HEAD, "HEAD",
     "usage: sockit http-head [OPTIONS] URL...\n"
     "Sends a HEAD request for each URL over HTTP/1.1 (https: over TLS) and prints the\n"
     "status line and the headers as received, one per line. Exits 0 whatever the\n"
     "status, unless --fail."},
    {"http-post", C_POST, "POST",
     "usage: sockit http-post [OPTIONS] (-d DATA | --data-json JSON | -F NAME=VALUE...) "
     "URL...\n"
     "Sends a POST request with the body given to each URL and writes the response bodies\n"
     "to stdout, as http-get does. DATA and JSON may be @FILE or @- (stdin); a file goes\n"
     "out with its size, a pipe chunked. Without a body option the body is empty."},
    {"http-put", C_PUT, "PUT",
     "usage: sockit http-put [OPTIONS] (-d DATA | -T FILE) URL...\n"
     "Sends a PUT request with the body given (-T -: stdin) to each URL and writes the\n"
     "response bodies to stdout, as http-get does."},
    {"http-delete", C_DELETE, "DELETE",
     "usage: sockit http-delete [OPTIONS] URL...\n"
     "Sends a DELETE request to each URL and writes the response bodies to stdout, as\n"
     "http-get does."},
};

struct http_opts {
	struct cmd_common common;
	const struct http_command *cmd;
	bool head; /* http-head: a HEAD request, the headers are the output */
	bool include, location, fail, status_only, json;
	int progress; /* 1 --progress, 0 --no-progress, -1 neither */
	long long max_redirs;
	bool remote_name;       /* -O: each body to a file named after its URL */
	const char *output;     /* -o FILE, or NULL for stdout */
	const char *output_dir; /* --output-dir DIR for -O and -o, or NULL */
	const char *write_out;  /* --write-out FMT (or @FILE, @-) as given */
	struct writeout wo;     /* ... parsed */
	const char *user_agent;
	char **urls; /* the operands */
	int nurls;
	const char *headers[HEADERS_MAX];
	size_t nheaders;
	size_t extra; /* bytes of the headers and the user agent */
	const char *proxy_url, *proxy_user, *noproxy;
	struct proxy proxy; /* --proxy or the environment's; PROXY_NONE for none */

	const char *unix_socket; /* --unix-socket PATH, or NULL */
	long long retries;       /* --retry N */
	struct body body;        /* -d, -T, --data-json, -F */
	const char *body_opt;    /* the option that gave it, for messages; NULL if none */
	char form_type[64 + BODY_BOUNDARY_LEN]; /* multipart/form-data; boundary=... */
};

enum {
	OPT_HEADER = OPT_ID_FIRST_CMD,
	OPT_USER_AGENT,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_DATA,
	OPT_UPLOAD,
	OPT_DATA_JSON,
	OPT_FORM,
};

/* One row of the table, and the commands it is for (their --help lists them in this
 * order, and --list-options feeds the completions from it). */
struct http_row {
	unsigned cmds;
	struct opt opt;
};

#define H struct http_opts
static const struct http_row rows[] = {
    {C_BODY,
     OPT_CALL('d', "data", "DATA", OPT_DATA, "the body: DATA as it is, @FILE, or @- (stdin)")},
    {C_PUT, OPT_CALL('T', "upload-file", "FILE", OPT_UPLOAD, "the body is FILE ('-': stdin)")},
    {C_BODY, OPT_CALL(0, "data-json", "JSON", OPT_DATA_JSON,
                      "the body is JSON (or @FILE, @-), checked; asks for JSON back")},
    {C_POST, OPT_CALL('F', "form", "NAME=VALUE", OPT_FORM,
                      "a multipart/form-data field; NAME=@FILE sends a file (repeatable)")},
    {C_FETCH,
     OPT_FLAG('i', "include", H, include, "print the status line and headers before the body")},
    {C_FETCH, OPT_STRING('o', "output", "FILE", H, output,
                         "write the body to FILE, renamed into place when whole")},
    {C_FETCH, OPT_FLAG('O', "remote-name", H, remote_name,
                       "write each body to a file named after its URL's last segment")},
    {C_FETCH,
     OPT_NONEMPTY(0, "output-dir", "DIR", H, output_dir, "put the files of -O and -o in DIR")},
    {C_FETCH, OPT_CALL(0, "progress", NULL, OPT_PROGRESS, "a progress line on stderr")},
    {C_FETCH, OPT_CALL(0, "no-progress", NULL, OPT_NO_PROGRESS,
                       "no progress line (default unless -o to a tty)")},
    {C_ALL, OPT_COMMON_ROW('4', "ipv4", "IPv4 only", OPT_ID_IPV4)},
    {C_ALL, OPT_COMMON_ROW('6', "ipv6", "IPv6 only", OPT_ID_IPV6)},
    {C_ALL, OPT_TIMEOUT(H, "connect and idle timeout, not a total one (exit 5)")},
    {C_ALL, OPT_MAX_TIME(H)},
    {C_ALL, OPT_FLAG('L', "location", H, location, "follow redirects (301 302 303 307 308)")},
    {C_ALL, OPT_COUNT(0, "max-redirs", "N", H, max_redirs, 0, REDIRS_MAX,
                      "with -L: at most N redirects (10)")},
    {C_ALL, OPT_CALL('H', "header", "HEADER", OPT_HEADER,
                     "add 'Name: value' to the request (repeatable)")},
    {C_ALL, OPT_CALL('A', "user-agent", "TEXT", OPT_USER_AGENT,
                     "replace the User-Agent (\"\": send none)")},
    {C_ALL, OPT_FLAG('f', "fail", H, fail, "exit 1 on status >= 400, printing nothing")},
    {C_ALL, OPT_FLAG(0, "status", H, status_only, "print only the numeric status code")},
    {C_HEAD, OPT_FLAG(0, "json", H, json, "one JSON object per response, on a line")},
    {C_ALL, OPT_STRING(0, "write-out", "FMT", H, write_out,
                       "print FMT after each URL: %{http_code}, %{json}...; @FILE")},
    {C_ALL, OPT_COUNT(0, "retry", "N", H, retries, 0, RETRIES_MAX,
                      "retry up to N times: refused, reset, 408 429 500 502 503 504")},
    {C_ALL, OPT_NONEMPTY(0, "unix-socket", "PATH", H, unix_socket,
                         "connect to the UNIX socket PATH (the URL still gives Host)")},
    {C_ALL,
     OPT_STRING(0, "proxy", "URL", H, proxy_url, "through a SOCKS or HTTP proxy ('': none)")},
    {C_ALL, OPT_NONEMPTY(0, "proxy-user", "USER:PASS", H, proxy_user,
                         "the proxy's user and password")},
    {C_ALL,
     OPT_STRING(0, "noproxy", "LIST", H, noproxy, "hosts that bypass the proxy (a.com,b,*)")},
    {C_ALL, OPT_TLS_CACERT(H)},
    {C_ALL, OPT_TLS_INSECURE(H)},
    {C_ALL, OPT_TLS_PIN},
    {C_ALL, OPT_TLS_NAME(H)},
    {C_ALL, OPT_TLS_CERT(H)},
    {C_ALL, OPT_TLS_KEY(H)},
    {C_ALL, OPT_COMMON_ROW('v', "verbose", "diagnostics on stderr (-vv: per-read detail)",
                           OPT_ID_VERBOSE)},
    {C_ALL,
     OPT_COMMON_ROW('q', "quiet", "no diagnostics; errors are still printed", OPT_ID_QUIET)},
    {C_ALL, OPT_COMMON_ROW('h', "help", "this help", OPT_ID_HELP)},
    {C_ALL, OPT_COMMON_ROW(0, "list-options", NULL, OPT_ID_LIST)},
};
#undef H

/* The rows of one command, as the option parser takes them. */
static const struct opt *options_of(unsigned cmd)
{
	static struct opt table[sizeof rows / sizeof *rows + 1];
	size_t n = 0;

	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		if (rows[i].cmds & cmd)
			table[n++] = rows[i].opt;
	table[n] = (struct opt)OPT_END;
	return table;
}

/* Where the output goes: stdout, or the temporary file of -o or -O. */
struct sink {
	const char *path; /* the file, or NULL */
	struct outfile file;
	int fd;
	bool gone; /* stdout's reader left (EPIPE): stop, quietly */
	size_t textlen;
	char text[TEXT_SIZE]; /* header lines not yet written */
};

/*
 * One command's run: the URL being fetched and what has been seen. The connection outlives
 * a URL: sockit keeps one open at a time, for the next request to the same HOST:PORT.
 */
struct fetch {
	const struct http_opts *o;
	struct http_url url;
	struct http_url first;        /* the user's URL: who may see Authorization and Cookie */
	const struct http_url *ahead; /* the next user URL, or NULL for the last */
	struct http_resp resp;
	struct sink out;
	struct progress prog;
	long long hops;
	bool show;          /* this response's status line and headers are output */
	bool shown_any;     /* ... and so were an earlier one's (of any URL) */
	bool redirect;      /* this response is a redirect to follow */
	bool in_body;       /* the headers are done and a body follows */
	bool spliced;       /* the zero-copy path was tried for this response */
	struct json json;   /* --json: this response's object, built as its headers come */
	bool forward;       /* this round asks an HTTP forward proxy for the URL */
	uint64_t body_seen; /* body bytes of this response so far */
	int armed_ms;       /* the socket's SO_RCVTIMEO and SO_SNDTIMEO now (0: none) */
	uint64_t dropped;   /* ... read and dropped (discard) */
	char reason[80];
	/* the connection */
	int fd;               /* -1 when none is open */
	struct transport tr;  /* fd read and written: plain, or TLS for https */
	struct tls_ctx *tls;  /* made for the first https URL (or TLS option), kept */
	struct tls_info tls_info; /* the last TLS session's, for --write-out */
	struct http_url conn; /* whom fd is connected to (host and port) */
	bool keep;            /* this request went without Connection: close */
	bool reused;          /* ... over a connection that carried an earlier one */
	bool complete;        /* the response was read to its last byte */
	bool reusable;        /* ... and fd may carry the next request */
	bool discard;         /* the rest of the response is read and dropped */
	int after;            /* what the response ends with once discarded */
	/* for --write-out */
	long long t_start, t_connect, t_first; /* clock_us at the start, connected, byte 1 */
	int http_code;                         /* the last status received, 0 if none */
	bool has_ctype;
	char ctype[256];     /* the last response's Content-Type */
	char errmsg[768];    /* the error printed for this URL */
	char path[PATH_MAX]; /* -O and --output-dir: the file of this URL */

	/* the request's body (sockit(1), http-post) */
	const char *method;  /* this round's: a redirect may turn it into GET */
	bool with_body;      /* this round sends o->body */
	struct body_send bs; /* ... and how far it got */
	bool expect;         /* ... after Expect: 100-continue */
	bool status_seen;    /* this response's status line came */
	bool early;          /* ... before the body was sent: the upload ends there */
	int pending;         /* what the response came to while the body waited */
	/* --retry */
	long long tries;       /* requests of this URL sent again */
	bool retry;            /* this round failed in a way worth another try */
	bool soft;             /* the next report() may be a retry's, not the user's */
	long long retry_after; /* the response's Retry-After in seconds, or -1 */
};

/* What an event handler returns besides an exit status (> 0). */
enum {
	GO_ON = 0,  /* go on reading */
	STOP = -1,  /* this response is done with (complete, or a redirect, or unwanted) */
	RETRY = -2, /* a reused connection had closed before any byte of the response */
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

/* "-v": one line of the request ('>') or the response ('<') on stderr, as curl shows them,
 * escaped as every message is: a server's C1 bytes reach no terminal (sockit(1), Output). */
static void verbose_line(char dir, const char *s, size_t n)
{
	char line[4 * HTTP_LINE_MAX + 4];
	size_t k = 0;

	if (diag_level() < 1)
		return;
	if (n > HTTP_LINE_MAX)
		n = HTTP_LINE_MAX;
	line[k++] = dir;
	if (n > 0) {
		line[k++] = ' ';
		k += diag_escape(line + k, sizeof line - k - 1, s, n);
	}
	line[k++] = '\n';
	fwrite(line, 1, k, stderr);
}

/*
 * --retry (sockit(1), http-post): another try is left, the deadline is not past, and the
 * body can be sent again (a pipe's bytes, once taken, cannot).
 */
static bool can_retry(const struct fetch *f)
{
	return f->tries < f->o->retries && !deadline_expired(&f->o->common.max_time) &&
	       (!f->with_body || body_again(&f->o->body, &f->bs));
}

/* The statuses worth another try: the server says it could not answer now. */
static bool retry_status(int s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

/* An error on stderr, below the progress line if one is shown; returns code. After
 * f->soft, an error a retry will follow is kept for -v, not printed. */
static int report(struct fetch *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report(struct fetch *f, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->errmsg, sizeof f->errmsg, fmt, ap); /* kept for %{errormsg} */
	va_end(ap);
	if (f->soft && can_retry(f)) { /* said with -v when the retry is made */
		f->soft = false;
		f->retry = true;
		return code;
	}
	f->soft = false;
	progress_end(&f->prog);
	diag_err("%s", f->errmsg);
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

/* A write loop without stdio: short writes and EINTR. Returns 0 or errno. */
static int fd_write(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The output, straight from the read buffer. */
static int out_write(struct fetch *f, const char *p, size_t n)
{
	int e = fd_write(f->out.fd, p, n);

	return e == 0 ? GO_ON : write_failed(f, e);
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

/* --json (sockit(1), JSON OUTPUT): {"url":..,"status":N,"reason":..,"version":..,
 * "headers":[[name,value],...]}, begun at the status line, written when the headers end. */
static void json_status(struct fetch *f, const struct http_event *ev)
{
	char url[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16];

	json_begin(&f->json);
	json_cstr(&f->json, "url", http_url_format(url, sizeof url, &f->url) ? url : "");
	json_int(&f->json, "status", ev->status);
	/* the parser checked the shape: "HTTP/1.x NNN[ reason]" */
	json_str(&f->json, "reason", ev->line + 13, ev->len > 13 ? ev->len - 13 : 0);
	json_str(&f->json, "version", ev->line, 8);
	json_array_begin(&f->json, "headers");
}

static int json_headers_done(struct fetch *f)
{
	json_array_end(&f->json);
	if (json_end(&f->json, stdout) == 0)
		return GO_ON;
	if (errno == EPIPE)
		f->out.gone = true;
	return errno == EPIPE ? STOP
	                      : report(f, EXIT_IO, "write error on stdout: %s", strerror(errno));
}

static int on_status(struct fetch *f, const struct http_event *ev)
{
	const struct http_opts *o = f->o;

	verbose_line('<', ev->line, ev->len);
	if (f->forward && ev->status == 407)
		return report(f, EXIT_NET, "proxy authentication failed");
	f->status_seen = true;
	f->http_code = ev->status;
	diag_escape(f->reason, sizeof f->reason, ev->line + 9, ev->len - 9);
	if (retry_status(ev->status) && can_retry(f)) { /* not shown: another try follows */
		f->retry = true;
		snprintf(f->errmsg, sizeof f->errmsg, "%s", f->reason);
		return GO_ON;
	}
	if (o->json)
		json_status(f, ev);
	f->has_ctype = false;
	f->show = (o->head || o->include) && !o->status_only && !o->json &&
	          !(o->fail && ev->status >= 400);
	if (!f->show)
		return GO_ON;
	/* http-head -L and many URLs: a blank line between the responses, as -i has before
	 * each body */
	if (o->head && f->shown_any) {
		int rc = text(f, "\n", 1);
		if (rc != GO_ON)
			return rc;
	}
	f->shown_any = true;
	return text_line(f, ev->line, ev->len);
}

/* Retry-After (RFC 9110 §10.2.3) in seconds; an HTTP-date is left to the usual pause. */
static void retry_after(struct fetch *f, const struct http_event *ev)
{
	char v[24];
	long long n;

	if (ev->valuelen >= sizeof v)
		return;
	memcpy(v, ev->value, ev->valuelen);
	v[ev->valuelen] = '\0';
	if (parse_count(v, 0, 24 * 3600, &n) == 0)
		f->retry_after = n;
}

static int on_header(struct fetch *f, const struct http_event *ev)
{
	verbose_line('<', ev->line, ev->len);
	if (f->retry) {
		if (ev->namelen == 11 && strncasecmp(ev->name, "retry-after", 11) == 0)
			retry_after(f, ev);
		return GO_ON;
	}
	if (f->o->json)
		json_pair(&f->json, ev->name, ev->namelen, ev->value, ev->valuelen);
	if (f->o->wo.npieces > 0 && !f->has_ctype && ev->namelen == 12 &&
	    strncasecmp(ev->name, "content-type", 12) == 0) {
		size_t n = ev->valuelen < sizeof f->ctype ? ev->valuelen : sizeof f->ctype - 1;

		memcpy(f->ctype, ev->value, n);
		f->ctype[n] = '\0';
		f->has_ctype = true;
	}
	return f->show ? text_line(f, ev->line, ev->len) : GO_ON;
}

/*
 * The rest of this response is not wanted (a redirect, --status, --fail). When the connection
 * is to carry the next request, the rest is read and dropped, so the next response starts
 * where it should; otherwise it is left unread and the connection goes. Returns what the
 * response ends with: rc, now or once the rest is read.
 */
static int skip_rest(struct fetch *f, int rc)
{
	if (!f->keep || !f->resp.keep_alive)
		return rc;
	f->discard = true;
	f->after = rc;
	return GO_ON;
}

/* The headers are in: follow, fail, or get ready for the body. */
static int on_headers_done(struct fetch *f)
{
	const struct http_opts *o = f->o;
	char code[8];
	int rc = GO_ON;

	verbose_line('<', "", 0);
	if (f->retry)
		return skip_rest(f, STOP);
	if (o->json && (rc = json_headers_done(f)) != GO_ON)
		return rc;
	/* -i: a blank line ends each response's headers, a redirect's too, as curl -iL */
	if (f->show && !o->head && (rc = text(f, "\n", 1)) != GO_ON)
		return rc;
	if (is_redirect(f)) {
		f->redirect = true;
		return skip_rest(f, STOP);
	}
	if (o->status_only) {
		snprintf(code, sizeof code, "%d\n", f->resp.status);
		rc = text(f, code, strlen(code));
	}
	if (rc == GO_ON && o->fail && f->resp.status >= 400)
		return skip_rest(f, report(f, EXIT_NO, "%s", f->reason));
	if (rc != GO_ON || o->status_only)
		return rc == GO_ON ? skip_rest(f, STOP) : rc;
	f->in_body = f->resp.body != HTTP_BODY_NONE;
	if (f->in_body)
		progress_start(&f->prog,
		               f->resp.body == HTTP_BODY_LENGTH ? f->resp.length : -1);
	return GO_ON;
}

static int on_body(struct fetch *f, const struct http_event *ev)
{
	int rc;

	if (f->discard) {
		/* a large unwanted body costs a new connection rather than its bytes */
		f->dropped += ev->len;
		return f->dropped > DISCARD_MAX ? f->after : GO_ON;
	}
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
		f->complete = true;
		return f->discard ? f->after : STOP;
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
	char msg[64];

	if (code == NET_ETIMEOUT && deadline_expired(&f->o->common.max_time))
		return report(f, EXIT_TIMEOUT, "%s",
		              deadline_describe(&f->o->common.max_time, msg, sizeof msg));
	if (code == NET_ETIMEOUT)
		return report(f, EXIT_TIMEOUT, "timed out: no data for %d.%03d s", ms / 1000,
		              ms % 1000);
	if (code == TRANSPORT_ETRUNC || code == TRANSPORT_EFAIL) /* TLS's: exit 6, 8 */
		return report(f, (int)-code, "%s", err);
	return report(f, EXIT_NET, "%s", err);
}

/*
 * Before each read or write: the socket's own timer (SO_RCVTIMEO, SO_SNDTIMEO) is -w cut
 * to what --max-time leaves, set again only when that changes: without --max-time, once.
 */
static int arm(struct fetch *f, int fd)
{
	const struct deadline *max = &f->o->common.max_time;
	int ms = deadline_cap(max, f->o->common.timeout_ms);
	char err[NET_ERR_LEN];

	if (deadline_expired(max))
		return read_failed(f, NET_ETIMEOUT, "");
	if (ms == f->armed_ms)
		return GO_ON;
	if (net_set_io_timeout(err, fd, ms) < 0)
		return report(f, EXIT_NET, "%s", err);
	f->armed_ms = ms;
	return GO_ON;
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
	int rc;

	while (left > 0) {
		if ((rc = arm(f, fd)) != GO_ON)
			return rc;
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
	f->complete = true; /* counted to its last byte: the connection is at a boundary */
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
	return f->in_body && !f->spliced && !f->discard && f->tr.zero_copy_in &&
	       (f->resp.body == HTTP_BODY_LENGTH || f->resp.body == HTTP_BODY_CLOSE);
}

/*
 * After a complete response on a connection kept for the next request: bytes already there
 * answer no request (pipelining is never used), so the connection cannot be trusted; one
 * the server has closed is simply not reused.
 */
static int check_idle(struct fetch *f, int rc)
{
	int state = f->resp.surplus > 0 || transport_pending(&f->tr) ? 1 : net_peek_idle(f->fd);

	if (state == 0)
		return rc;
	f->reusable = false;
	/* TLS: raw bytes may be a record of TLS's own (a session ticket): not reused, no more */
	if (state < 0 || rc != STOP || (f->tr.tls && f->resp.surplus == 0 &&
	                                !transport_pending(&f->tr)))
		return rc;
	return report(f, EXIT_PROTO, "bytes after the end of the response");
}

/* A new response is awaited: the parser and what is known of the response start afresh. */
static void begin_response(struct fetch *f)
{
	http_resp_init(&f->resp, f->o->head);
	f->in_body = f->spliced = f->complete = f->reusable = f->discard = false;
	f->status_seen = f->early = false;
	f->body_seen = f->dropped = 0;
	f->pending = GO_ON;
}

/* Reads from the connection (its io timeout armed): the count, 0 at its end, NET_ETIMEOUT,
 * or a failure (NET_ENET, TRANSPORT_ETRUNC, TRANSPORT_EFAIL) in err. */
static ssize_t conn_read(struct fetch *f, char *buf, size_t cap, char *err)
{
	ssize_t n = transport_read(&f->tr, buf, cap);

	if (n == TRANSPORT_WANT_READ || n == TRANSPORT_WANT_WRITE) /* SO_RCVTIMEO ran out */
		return NET_ETIMEOUT;
	if (n < 0)
		snprintf(err, NET_ERR_LEN, "%s", f->tr.err);
	return n;
}

/* Reads until the response is complete (or fails), feeding the parser as bytes come. */
static int read_response(struct fetch *f, int fd)
{
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc = f->pending; /* the response may have begun while the body waited */

	while (rc == GO_ON) {
		if (can_splice(f) && (rc = splice_body(f, fd)) != GO_ON)
			break;
		if ((rc = arm(f, fd)) != GO_ON)
			break;
		n = conn_read(f, readbuf, sizeof readbuf, err);
		/* a kept connection the server closed before this request reached it */
		if (f->reused && !f->resp.got_bytes && (n == 0 || n == NET_ENET)) {
			rc = RETRY;
			break;
		}
		f->soft =
		    !f->resp.got_bytes && n <= 0; /* --retry: nothing of a response came */
		if (n > 0 && f->t_first == 0)
			f->t_first = clock_us();
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
	f->soft = false;
	f->reusable = f->complete && f->keep && f->resp.keep_alive;
	if (f->reusable)
		rc = check_idle(f, rc);
	return rc == STOP ? GO_ON : rc;
}

/* ---- one request ---------------------------------------------------------------------- */

/* Closes the connection, if one is open. */
static void drop_connection(struct fetch *f)
{
	transport_free(&f->tr);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Connects to the URL's host; sets *fd, or returns the exit status. */

/* The proxy for this round's host, or NULL to go straight there. */
static const struct proxy *via_proxy(const struct fetch *f)
{
	const struct proxy *px = &f->o->proxy;

	return !f->o->unix_socket && px->kind != PROXY_NONE &&
	               !proxy_no_proxy(f->o->noproxy, f->url.host)
	           ? px
	           : NULL;
}

/* A TLS start that failed (cmd_tls_start printed why): its words are the URL's error
 * for --write-out. Returns rc. */
static int report_tls(struct fetch *f, int rc)
{
	snprintf(f->errmsg, sizeof f->errmsg, "%s", f->tr.err);
	return rc;
}

/* Connects to the URL's host (through the proxy: sockit(1), Proxies); sets *fd, or returns
 * the exit status. */
static int open_connection(struct fetch *f, int *fd)
{
	const struct proxy *px = via_proxy(f);
	char err[NET_ERR_LEN], port[8], who[NET_ADDR_LEN];
	struct net_peer p = {
	    .host = f->url.host,
	    .port = port,
	    .family = f->o->common.family,
	    .socktype = SOCK_STREAM,
	    .timeout_ms = deadline_cap(&f->o->common.max_time, f->o->common.timeout_ms),
	};
	int rc;

	snprintf(port, sizeof port, "%u", (unsigned)f->url.port);
	/* https goes through an HTTP proxy as a CONNECT tunnel, never as a forward request */
	f->forward = px && px->kind == PROXY_HTTP && !f->url.tls;
	*fd = f->o->unix_socket ? net_connect_unix(err, f->o->unix_socket, SOCK_STREAM)
	      : !px             ? net_connect(err, &p)
	      : f->forward      ? proxy_open(err, px, &p)
	                        : proxy_connect(err, px, &p);
	if (*fd == NET_ETIMEOUT && deadline_expired(&f->o->common.max_time))
		return read_failed(f, *fd, err);
	f->soft = *fd == NET_ENET || *fd == NET_ETIMEOUT; /* --retry: refused, timed out */
	if (*fd < 0)
		return report(f, -*fd, "%s", err);
	f->armed_ms = 0; /* a new socket has no timer */
	if ((rc = arm(f, *fd)) != GO_ON) {
		close(*fd);
		return rc;
	}
	if (diag_level() >= 1)
		diag_verbose(1, "connected to %s%s", net_format_peer(*fd, who, sizeof who),
		             px ? " (the proxy)" : "");
	transport_plain(&f->tr, *fd);
	memset(&f->tls_info, 0, sizeof f->tls_info);
	if (f->url.tls && (rc = cmd_tls_start(&f->tr, &f->tls, &f->o->common, *fd, f->url.host,
	                                      deadline_cap(&f->o->common.max_time,
	                                                   f->o->common.timeout_ms),
	                                      &f->tls_info)) != 0) {
		close(*fd);
		*fd = -1;
		return report_tls(f, rc);
	}
	return GO_ON;
}

/* The connection kept from the last request when it goes to the same HOST:PORT, else a new
 * one (the kept one closed first: one connection at a time). */
static int get_connection(struct fetch *f)
{
	int rc;

	f->reused = f->fd >= 0 && http_url_same_origin(&f->conn, &f->url);
	if (f->reused) {
		diag_verbose(1, "reusing the connection to %s port %u", f->conn.host,
		             (unsigned)f->conn.port);
	} else {
		drop_connection(f);
		if ((rc = open_connection(f, &f->fd)) != GO_ON)
			return rc;
		memcpy(f->conn.host, f->url.host, sizeof f->conn.host);
		f->conn.port = f->url.port;
		f->conn.tls = f->url.tls;
	}
	f->t_connect = clock_us();
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

/* The request's lines for -v; a Proxy-Authorization shows its scheme only (the proxy's
 * password is never printed: sockit(1), Proxies). */
static void verbose_request(const char *req, size_t len)
{
	static const char secret[] = "Proxy-Authorization:";
	const size_t m = sizeof secret - 1;
	const char *end = req + len, *eol;
	char shown[64];

	while (req < end && (eol = memchr(req, '\r', (size_t)(end - req))) != NULL) {
		size_t n = (size_t)(eol - req);

		if (n >= m && strncasecmp(req, secret, m) == 0) {
			size_t v = m, w;
			while (v < n && (req[v] == ' ' || req[v] == '\t'))
				v++;
			for (w = v; w < n && w - v < 16 && req[w] != ' '; w++)
				;
			n = (size_t)snprintf(shown, sizeof shown, "%s %.*s ***", secret,
			                     (int)(w - v), req + v);
			verbose_line('>', shown, n);
		} else {
			verbose_line('>', req, n);
		}
		req = eol + 2;
	}
}

/* A forward proxy is asked for the absolute URL (RFC 9112 §3.2.2), with the proxy's
 * credentials. Returns GO_ON or an exit status. */
static int forward_request(struct fetch *f, struct http_url *u, const char **extra, size_t *n,
                           char *auth)
{
	if (http_url_format(u->target, sizeof u->target, &f->url) == 0)
		return report(f, EXIT_USAGE, "URL too long to ask a proxy for");
	if (proxy_auth_header(auth, PROXY_AUTH_MAX, &f->o->proxy) > 0)
		extra[(*n)++] = auth;
	return GO_ON;
}

/* The response began before the body was sent (or the connection ended): the upload stops
 * there, rc is what the response came to so far, and the connection carries nothing more. */
static int answered_early(struct fetch *f, int rc)
{
	diag_verbose(1, "the server answered before the body: it is not sent");
	f->early = true;
	f->keep = false;
	f->pending = rc;
	return GO_ON;
}

/* The next bytes of the connection within the time left until `until` (µs): the count, 0
 * at its end, a failure (err filled), or TRANSPORT_WANT_READ when nothing came in time.
 * The socket is non-blocking meanwhile: a TLS record that is no data (a session ticket)
 * is taken without a wait for the next one. */
static ssize_t read_until(struct fetch *f, int fd, long long until, char *err)
{
	ssize_t n = TRANSPORT_WANT_READ;
	int ms;

	if (net_set_nonblock(err, fd, true) < 0)
		return NET_ENET;
	while (n == TRANSPORT_WANT_READ || n == TRANSPORT_WANT_WRITE) {
		ms = (int)((until - clock_us()) / 1000);
		if (ms <= 0)
			break;
		/* WANT_WRITE: the socket has room (only the head went out), so at once */
		if (n == TRANSPORT_WANT_WRITE || transport_pending(&f->tr) > 0 ||
		    net_wait_readable(fd, ms))
			n = transport_read(&f->tr, readbuf, sizeof readbuf);
		else
			n = TRANSPORT_WANT_READ;
	}
	if (n < 0 && n != TRANSPORT_WANT_READ && n != TRANSPORT_WANT_WRITE)
		snprintf(err, NET_ERR_LEN, "%s", f->tr.err);
	if (net_set_nonblock(err, fd, false) < 0)
		return NET_ENET;
	return n == TRANSPORT_WANT_WRITE ? TRANSPORT_WANT_READ : n;
}

/*
 * Expect: 100-continue (RFC 9110 §10.1.1): at most 1 s for the server's word before the
 * body. 100 Continue: the body goes; a final status (401, 413...) ends the upload before
 * it began, that response being the answer; silence: the body goes anyway.
 */
static int await_continue(struct fetch *f, int fd)
{
	long long until = clock_us() + EXPECT_WAIT_MS * 1000LL;
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc = GO_ON;

	while (!f->status_seen && http_resp_interim(&f->resp) == 0) {
		if ((n = read_until(f, fd, until, err)) == TRANSPORT_WANT_READ) {
			diag_verbose(1, "no 100 Continue within 1 s: sending the body anyway");
			return GO_ON;
		}
		if (n <= 0 && f->reused && !f->resp.got_bytes)
			return RETRY; /* a kept connection the server had closed */
		f->soft = n < 0;      /* --retry: reset before any response byte */
		if (n <= 0)           /* the end: the response reader says what it means */
			return answered_early(f, n < 0 ? read_failed(f, n, err) : GO_ON);
		if (f->t_first == 0)
			f->t_first = clock_us();
		rc = feed(f, readbuf, (size_t)n);
		if (rc != GO_ON && http_resp_interim(&f->resp) == 0)
			return answered_early(f, rc);
	}
	if (http_resp_interim(&f->resp) == 0) /* a final status, and no 100 before it */
		return answered_early(f, rc);
	/* 100 came first: the server asked for the body, whatever answer followed it */
	f->pending = rc;
	diag_verbose(1, "100 Continue: sending the body");
	return GO_ON;
}

/* Sending the body failed (code, err). A server that answered and closed (413 at once) is
 * heard; a kept connection that the server had closed is replaced when the body can go
 * again; otherwise it is a network error, which --retry may try again. */
static int body_cut(struct fetch *f, int fd, ssize_t code, const char *err)
{
	if (code == NET_ETIMEOUT)
		return read_failed(f, code, err);
	if (f->reused && f->bs.sent == 0 && body_again(&f->o->body, &f->bs))
		return RETRY;
	/* bytes of a response wait: the answer is there */
	if (transport_pending(&f->tr) > 0 || net_peek_idle(fd) == 1)
		return answered_early(f, GO_ON);
	f->soft = true;
	return report(f, EXIT_NET, "%s", err);
}

/* The body after the head, in steps of at most 1 MiB (sockit(1), http-post): -w and
 * --max-time bound each one. */
static int send_body(struct fetch *f, int fd)
{
	char err[NET_ERR_LEN];
	ssize_t n;
	int rc;

	body_send_start(&f->bs, &f->o->body);
	if (f->expect && ((rc = await_continue(f, fd)) != GO_ON || f->early))
		return rc;
	while ((rc = arm(f, fd)) == GO_ON) {
		n = body_send_step(err, &f->bs, &f->tr);
		if (n == BODY_DONE)
			break;
		if (n == NET_EIO)
			return report(f, EXIT_IO, "%s", err);
		if (n < 0)
			return body_cut(f, fd, n, err);
		diag_verbose(2, "sent %zd bytes of the body", n);
	}
	return rc;
}

/* True if the user gave a header of this name (lower case, with its colon: "expect:"). */
static bool user_header(const struct http_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nheaders; i++)
		if (strncasecmp(o->headers[i], name, strlen(name)) == 0)
			return true;
	return false;
}

/* The fields the body brings (sockit(1), http-post): its length or chunked framing, its
 * type and what it asks back, unless the user gave them; Expect: 100-continue for a large
 * or unknown one. Into buf's rows, pointed to from extra; returns how many. */
static size_t body_fields(struct fetch *f, const char **extra, char buf[][BODY_FIELD_MAX])
{
	const struct body *b = &f->o->body;
	int64_t len = body_length(b);
	size_t n = 0;

	f->expect = false;
	if (!f->with_body)
		return 0;
	if (len >= 0)
		snprintf(buf[n++], BODY_FIELD_MAX, "Content-Length: %lld", (long long)len);
	else
		snprintf(buf[n++], BODY_FIELD_MAX, "Transfer-Encoding: chunked");
	if (b->type && !user_header(f->o, "content-type:"))
		snprintf(buf[n++], BODY_FIELD_MAX, "Content-Type: %s", b->type);
	if (b->json && !user_header(f->o, "accept:"))
		snprintf(buf[n++], BODY_FIELD_MAX, "Accept: application/json");
	f->expect = (len < 0 || len >= EXPECT_MIN) && !user_header(f->o, "expect:");
	if (f->expect)
		snprintf(buf[n++], BODY_FIELD_MAX, "Expect: 100-continue");
	for (size_t i = 0; i < n; i++)
		extra[i] = buf[i];
	return n;
}

/* The request's head in one write, then its body if it has one. It keeps the connection
 * open only when the next user URL goes to the same HOST:PORT: no later request can use it
 * otherwise. */
static int send_request(struct fetch *f, int fd)
{
	static char req[HTTP_REQ_FIXED + 8 + EXTRA_MAX + 2 * HEADERS_MAX + HTTP_HOST_MAX + 16 +
	                PROXY_AUTH_MAX + BODY_HEADERS * (BODY_FIELD_MAX + 2)];
	static struct http_url u;
	static char fields[BODY_HEADERS][BODY_FIELD_MAX];
	const char *extra[HEADERS_MAX + BODY_HEADERS + 1], *method = f->method;
	char err[NET_ERR_LEN], auth[PROXY_AUTH_MAX];
	size_t n = pick_headers(f, extra), len;
	int rc;

	u = f->url;
	if (f->forward && (rc = forward_request(f, &u, extra, &n, auth)) != GO_ON)
		return rc;
	n += body_fields(f, extra + n, fields);

	f->keep = f->ahead != NULL && http_url_same_origin(f->ahead, &f->url);
	len = f->keep ? http_request_build_keep(req, sizeof req, method, &u, f->o->user_agent,
	                                        extra, n)
	              : http_request_build(req, sizeof req, method, &u, f->o->user_agent, extra,
	                                   n);
	if (len == 0) /* the options were checked: the buffer always suffices */
		return report(f, EXIT_USAGE, "cannot build the request");
	verbose_request(req, len);
	if ((rc = transport_write_all(&f->tr, req, len)) == 0)
		return f->with_body ? send_body(f, fd) : GO_ON;
	snprintf(err, sizeof err, "%s", f->tr.err);
	if (f->reused && rc == NET_ENET)
		return RETRY;
	f->soft = rc == NET_ENET;
	return read_failed(f, rc, err);
}

/* A connection, the request, the response. */
static int exchange(struct fetch *f)
{
	int rc;

	f->t_connect = f->t_first = 0;
	f->complete = f->reusable = false;
	if ((rc = get_connection(f)) != GO_ON)
		return rc;
	begin_response(f);
	if ((rc = send_request(f, f->fd)) == GO_ON)
		return read_response(f, f->fd);
	http_resp_free(&f->resp);
	return rc;
}

/* One request and its response; f->redirect says whether to go on. A kept connection that
 * the server had closed (nothing of the response came) is replaced once by a new one. */
static int fetch_once(struct fetch *f)
{
	int rc = exchange(f);

	if (rc == RETRY && f->with_body && !body_again(&f->o->body, &f->bs))
		rc = report(f, EXIT_NET,
		            "the kept connection closed before the response, and "
		            "the body cannot be sent again (it came from stdin)");
	if (rc == RETRY) {
		diag_verbose(1, "the kept connection was closed: trying a new one");
		drop_connection(f);
		rc = exchange(f);
	}
	if (!f->reusable)
		drop_connection(f);
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

/* The method after a redirect (sockit(1), http-post; RFC 9110 §15.4): 303 asks for a GET
 * (HEAD stays HEAD), and 301 and 302 after POST become a GET too, as curl and browsers do;
 * both drop the body. 307 and 308 keep the method and the body, if it can be sent again. */
static int redirect_method(struct fetch *f)
{
	int s = f->resp.status;
	bool to_get = (s == 303 && strcmp(f->method, "HEAD") != 0) ||
	              ((s == 301 || s == 302) && strcmp(f->method, "POST") == 0);

	if (to_get) {
		f->method = "GET";
		f->with_body = false;
	} else if (f->with_body && !body_again(&f->o->body, &f->bs)) {
		return report(f, EXIT_PROTO, "cannot send the body again (it came from stdin)");
	}
	return GO_ON;
}

/* --retry: the pause before the next try, 1, 2, 4... s (at most 30) or the Retry-After
 * the server asked for, unless --max-time runs out first. */
static int pause_retry(struct fetch *f)
{
	const struct deadline *max = &f->o->common.max_time;
	long long secs =
	    f->retry_after >= 0 ? f->retry_after : 1LL << (f->tries < 5 ? f->tries : 5);
	long long left = deadline_left(max, clock_ms());
	char msg[64];
	struct timespec ts;

	if (f->retry_after < 0 && secs > RETRY_PAUSE_MAX)
		secs = RETRY_PAUSE_MAX;
	if (left >= 0 && left < secs * 1000)
		return report(f, EXIT_TIMEOUT, "%s before retry %lld (%s)",
		              deadline_describe(max, msg, sizeof msg), f->tries + 1, f->errmsg);
	f->tries++;
	diag_verbose(1, "retry %lld of %lld in %lld s: %s", f->tries, f->o->retries, secs,
	             f->errmsg);
	f->errmsg[0] = '\0';
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = 0;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return GO_ON;
}

static int follow(struct fetch *f)
{
	int rc;

	for (;;) {
		f->redirect = f->retry = false;
		f->retry_after = -1;
		rc = fetch_once(f);
		if (f->retry && !f->out.gone) {
			if ((rc = pause_retry(f)) != GO_ON)
				return rc;
			continue;
		}
		if (rc != GO_ON || !f->redirect || f->out.gone)
			return rc;
		if ((rc = next_url(f)) != GO_ON || (rc = redirect_method(f)) != GO_ON)
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

/* ---- --write-out ---------------------------------------------------------------------- */

/* The rendered --write-out, gathered per stream: a few writes for the whole format. */
struct wo_out {
	struct fetch *f;
	int stream; /* of the bytes in buf */
	size_t len;
	char buf[4096];
};

/* A write error on stderr goes unreported: there is nowhere left to report it. */
static void wo_write(struct wo_out *w, const char *s, size_t n)
{
	int e = fd_write(w->stream == WRITEOUT_STDERR ? STDERR_FILENO : STDOUT_FILENO, s, n);

	if (e == EPIPE && w->stream == WRITEOUT_STDOUT) /* the reader chose to stop */
		w->f->out.gone = true;
	else if (e != 0 && w->stream == WRITEOUT_STDOUT)
		report(w->f, EXIT_IO, "write error on stdout: %s", strerror(e));
}

static void wo_flush(struct wo_out *w)
{
	if (w->len > 0 && !w->f->out.gone)
		wo_write(w, w->buf, w->len);
	w->len = 0;
}

static void wo_emit(void *ctx, int stream, const char *s, size_t n)
{
	struct wo_out *w = ctx;

	if (stream != w->stream || n > sizeof w->buf - w->len)
		wo_flush(w);
	w->stream = stream;
	if (w->f->out.gone && stream == WRITEOUT_STDOUT)
		return;
	if (n > sizeof w->buf) { /* too large to gather: written from where it is */
		wo_write(w, s, n);
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static long long since_start(const struct fetch *f, long long t)
{
	return t == 0 ? 0 : t - f->t_start;
}

/* --write-out for the URL just done, whether it succeeded or not (rc). */
static void write_out(struct fetch *f, int rc)
{
	static struct wo_out w;
	static char url[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16];
	struct writeout_values v = {
	    .http_code = f->http_code,
	    .url_effective = http_url_format(url, sizeof url, &f->url) > 0 ? url : NULL,
	    .size_download = f->body_seen,
	    .content_type = f->has_ctype ? f->ctype : NULL,
	    .num_redirects = f->hops,
	    .time_connect_us = since_start(f, f->t_connect),
	    .time_starttransfer_us = since_start(f, f->t_first),
	    .time_total_us = clock_us() - f->t_start,
	    .exitcode = rc,
	    .errormsg = f->errmsg[0] != '\0' ? f->errmsg : NULL,
	    .size_upload = f->bs.sent,
	    .num_retries = f->tries,
	};
	const struct tls_info *t = &f->tls_info;

	if (t->version[0]) {
		v.tls_version = t->version;
		v.tls_cipher = t->cipher;
		v.cert_not_after = t->not_after;
		v.cert_days_left = t->days_left;
		v.ssl_verify_result = t->verify_result;
	}
	if (f->o->wo.npieces == 0 || f->out.gone)
		return;
	w.f = f;
	w.stream = WRITEOUT_STDOUT;
	w.len = 0;
	writeout_render(&f->o->wo, &v, wo_emit, &w);
	wo_flush(&w);
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

/* One body per request (sockit(1), http-post): a second body option is a usage error;
 * only -F repeats, adding a part. */
static int claim_body(struct http_opts *o, const char *opt, enum body_kind kind)
{
	if (o->body_opt && !(kind == BODY_FORM && o->body.kind == BODY_FORM))
		return diag_usage("one body per request: cannot use %s and %s together",
		                  o->body_opt, opt);
	o->body_opt = opt;
	o->body.kind = kind;
	return 0;
}

/* -d DATA, --data-json JSON, -T FILE: text, or a file by name ("-": stdin). */
static int set_body(struct http_opts *o, const char *opt, const char *arg, bool file)
{
	const char *path = file ? arg : arg[0] == '@' ? arg + 1 : NULL;

	if (claim_body(o, opt, path ? BODY_FILE : BODY_TEXT) < 0)
		return -1;
	if (path && path[0] == '\0')
		return diag_usage("empty file name for %s", opt);
	o->body.path = path;
	o->body.text = arg;
	o->body.textlen = strlen(arg);
	return 0;
}

static int add_form(struct http_opts *o, const char *arg)
{
	char shown[64];

	if (claim_body(o, "-F", BODY_FORM) < 0)
		return -1;
	if (o->body.nparts == BODY_PARTS_MAX)
		return diag_usage("too many -F options (at most %d)", BODY_PARTS_MAX);
	if (body_form_parse(&o->body.part[o->body.nparts], arg) < 0)
		return diag_usage("invalid -F '%s': NAME=VALUE or NAME=@FILE",
		                  printable(shown, sizeof shown, arg, strlen(arg)));
	o->body.nparts++;
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
	case OPT_DATA:
		o->body.type = "application/x-www-form-urlencoded"; /* as curl -d */
		return set_body(o, "-d", arg, false);
	case OPT_UPLOAD:
		return set_body(o, "-T", arg, true);
	case OPT_DATA_JSON:
		o->body.type = "application/json";
		o->body.json = true;
		return set_body(o, "--data-json", arg, false);
	case OPT_FORM:
		return add_form(o, arg);
	default:
		o->progress = id == OPT_PROGRESS;
		return 0;
	}
}

static int parse_options(struct http_opts *o, int argc, char **argv)
{
	return cmd_parse_options(argc, argv, options_of(o->cmd->bit), o->cmd->synopsis, o,
	                         &o->common, http_option);
}

/* --proxy, else the environment's as curl reads it; --noproxy, else no_proxy/NO_PROXY. */
static int choose_proxy(struct http_opts *o)
{
	const char *from = "--proxy", *url = o->proxy_url;

	if (!url)
		url = proxy_env(&from);
	if (!o->noproxy)
		o->noproxy = proxy_env_no_proxy();
	return url ? cmd_proxy(&o->proxy, url, from, o->proxy_user) : 0;
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct http_opts *o, char **ops, int nops)
{
	if (nops < 1)
		return diag_usage("missing URL");
	o->urls = ops;
	o->nurls = nops;
	if (o->status_only && (o->include || o->output || o->remote_name))
		return diag_usage("cannot use --status with %s", o->include  ? "-i"
		                                                 : o->output ? "-o"
		                                                             : "-O");
	if (o->json && o->status_only)
		return diag_usage("cannot use --json with --status");
	if (o->output && o->output[0] == '\0')
		return diag_usage("empty file name for -o");
	if (o->output && strcmp(o->output, "-") == 0) /* as curl: -o - is stdout */
		o->output = NULL;
	if (o->output && o->remote_name)
		return diag_usage("cannot use -o and -O together");
	if (o->output && nops > 1)
		return diag_usage("-o takes one URL, not %d (-O names a file for each)", nops);
	if (o->output_dir && !o->output && !o->remote_name)
		return diag_usage("--output-dir needs -O or -o");
	if (o->write_out && strcmp(o->write_out, "@-") == 0 && o->body.path &&
	    strcmp(o->body.path, "-") == 0)
		return diag_usage("cannot read both --write-out and %s from stdin", o->body_opt);
	if (o->extra + (o->user_agent ? strlen(o->user_agent) : 0) > EXTRA_MAX)
		return diag_usage("-H and -A text too long (at most %d bytes)", EXTRA_MAX);
	if (cmd_tls_check(&o->common, true, "https://") < 0)
		return -1;
	o->common.tls.alpn = "http/1.1";
	return choose_proxy(o);
}

static int parse_url(struct http_url *u, const char *s)
{
	char shown[128];
	const char *err;
	size_t len = strlen(s);

	switch (http_url_parse(u, s, len, &err)) {
	case HTTP_URL_OK:
		return 0;
	default:
		return diag_usage("invalid URL '%s%s': %s",
		                  printable(shown, sizeof shown, s, len),
		                  len >= sizeof shown ? "..." : "", err);
	}
}

/* Every URL is checked before the first is fetched: a typo is a usage error, not a
 * failure halfway through. With -O, each must name a file that stays in its directory. */
static int check_urls(const struct http_opts *o)
{
	static struct http_url u;
	char name[NAME_MAX + 1], shown[128];
	const char *err;

	for (int i = 0; i < o->nurls; i++) {
		if (parse_url(&u, o->urls[i]) < 0)
			return -1;
		if (o->remote_name && http_url_filename(&u, name, sizeof name, &err) < 0)
			return diag_usage(
			    "-O: no file name for '%s': %s",
			    printable(shown, sizeof shown, u.target, strlen(u.target)), err);
	}
	return 0;
}

/* Reads --write-out's @FILE (@- : stdin) into buf; returns its length, or -1 (errno). */
static ssize_t read_format(const char *path, char *buf, size_t cap)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	while (fd >= 0 && len < cap && (n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (fd > STDIN_FILENO)
		close(fd);
	if (fd < 0 || n < 0)
		return -1;
	if (len == cap) {
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)len;
}

/* --write-out is parsed once, before any connection: an unknown variable is a usage error.
 * Returns 0 or the exit status. */
static int load_write_out(struct http_opts *o)
{
	static char file[FORMAT_MAX + 1];
	const char *fmt = o->write_out;
	char err[128];
	ssize_t len;

	if (fmt == NULL)
		return 0;
	len = (ssize_t)strlen(fmt);
	if (fmt[0] == '@') {
		if ((len = read_format(fmt + 1, file, sizeof file)) < 0) {
			diag_err("cannot read '%.200s' for --write-out: %s", fmt + 1,
			         strerror(errno));
			return EXIT_IO;
		}
		fmt = file;
	}
	if (writeout_parse(&o->wo, fmt, (size_t)len, err, sizeof err) < 0) {
		diag_usage("%s", err);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- many URLs ------------------------------------------------------------------------ */

/* The file of this URL: -o FILE, or -O's name from the user's URL; in --output-dir, if
 * given, unless FILE is absolute. Sets f->out.path, or returns the exit status. */
static int output_path(struct fetch *f)
{
	const struct http_opts *o = f->o;
	char name[NAME_MAX + 1];
	const char *file = o->output, *err;
	int n;

	if (o->remote_name) {
		if (http_url_filename(&f->first, name, sizeof name, &err) < 0)
			return report(f, EXIT_USAGE, "-O: %s", err); /* checked before: never */
		file = name;
	}
	if (o->output_dir && file[0] != '/')
		n = snprintf(f->path, sizeof f->path, "%s/%s", o->output_dir, file);
	else
		n = snprintf(f->path, sizeof f->path, "%s", file);
	if (n < 0 || (size_t)n >= sizeof f->path)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", file,
		              strerror(ENAMETOOLONG));
	f->out.path = f->path;
	return open_output(f);
}

/* One user URL, its redirects followed, its output written; then --write-out. */
static int fetch_url(struct fetch *f, const struct http_url *u)
{
	int rc = GO_ON;

	f->url = *u;
	f->first = *u;
	f->hops = 0;
	f->tries = 0;
	f->method = f->o->cmd->method;
	f->with_body = f->o->body.kind != BODY_NONE;
	f->bs.sent = 0;
	f->http_code = 0;
	f->has_ctype = false;
	f->errmsg[0] = '\0';
	f->body_seen = 0;
	f->t_start = clock_us();
	f->t_connect = f->t_first = 0;
	f->out.fd = STDOUT_FILENO;
	f->out.path = NULL;
	if (f->o->output || f->o->remote_name)
		rc = output_path(f);
	if (rc == GO_ON)
		rc = follow(f);
	rc = finish(f, rc);
	write_out(f, rc);
	return rc;
}

/*
 * Every URL in order, each attempted whatever befell the one before; the exit status is the
 * first failure's. Two URL slots: the current one, and the next, parsed ahead so the
 * request knows whether its connection will be wanted again.
 */
static int fetch_all(struct fetch *f)
{
	static struct http_url slot[2];
	const struct http_opts *o = f->o;
	int i, rc, first = 0;

	parse_url(&slot[0], o->urls[0]); /* all were checked: none fails now */
	for (i = 0; i < o->nurls && !f->out.gone; i++) {
		f->ahead = NULL;
		if (i + 1 < o->nurls && parse_url(&slot[(i + 1) % 2], o->urls[i + 1]) == 0)
			f->ahead = &slot[(i + 1) % 2];
		rc = fetch_url(f, &slot[i % 2]);
		if (first == 0 && rc > 0)
			first = rc;
	}
	drop_connection(f);
	return first;
}

/* ---- the commands --------------------------------------------------------------------- */

/* What every URL shares: the options, stdout, whether a progress line is wanted. */
static void start(struct fetch *f, const struct http_opts *o)
{
	memset(f, 0, sizeof *f);
	f->o = o;
	f->fd = -1;
	f->out.fd = STDOUT_FILENO;
	/* the progress line is for a person watching a download to a file */
	f->prog.wanted =
	    o->progress == 1 || (o->progress < 0 && (o->output || o->remote_name) &&
	                         isatty(STDERR_FILENO) && o->common.verbosity >= 0);
}

/* The body's sources are opened and checked before any connection (sockit(1),
 * http-post): one that cannot be read is exit 7, --data-json that is not JSON exit 2.
 * http-post and http-put without a body send an empty one (Content-Length: 0). */
static int open_body(struct http_opts *o)
{
	struct body *b = &o->body;
	char err[512];
	int rc;

	if (b->kind == BODY_NONE && (o->cmd->bit & C_BODY)) {
		b->kind = BODY_TEXT;
		b->text = "";
	}
	if (body_open(err, sizeof err, b) < 0) {
		diag_err("%s", err);
		return EXIT_IO;
	}
	if (b->json && (rc = body_check_json(err, sizeof err, b)) != 0) {
		diag_err("%s", err);
		return rc == 1 ? EXIT_USAGE : EXIT_IO;
	}
	if (b->kind == BODY_FORM) {
		snprintf(o->form_type, sizeof o->form_type, "multipart/form-data; boundary=%s",
		         b->boundary);
		b->type = o->form_type;
	}
	if (b->kind == BODY_PIPE && o->nurls > 1) {
		diag_usage("a body from a pipe can be sent once: one URL, not %d", o->nurls);
		return EXIT_USAGE;
	}
	return 0;
}

/* An https URL among the operands, or a TLS option given. */
static bool needs_tls(const struct http_opts *o)
{
	const struct tls_client_opts *t = &o->common.tls;

	for (int i = 0; i < o->nurls; i++)
		if (strncasecmp(o->urls[i], "https:", 6) == 0)
			return true;
	return t->cafile || t->cert || t->insecure || t->npins || t->name;
}

static int run(int argc, char **argv, const struct http_command *cmd)
{
	struct http_opts o = {
	    .common = {.family = AF_UNSPEC},
	    .cmd = cmd,
	    .head = cmd->bit == C_HEAD,
	    .progress = -1,
	    .max_redirs = 10,
	    .user_agent = "sockit/" SOCKIT_VERSION,
	    .body = {.fd = -1},
	};
	static struct fetch f;
	int nops, rc;

	if ((nops = parse_options(&o, argc, argv)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0 || check_urls(&o) < 0)
		return EXIT_USAGE;
	if ((rc = load_write_out(&o)) != 0 || (rc = open_body(&o)) != 0) {
		body_close(&o.body);
		return rc;
	}
	start(&f, &o);
	/* TLS's files are judged before any request: a bad one is exit 2 */
	if (needs_tls(&o) && (rc = cmd_tls_ctx(&f.tls, &o.common)) != 0) {
		body_close(&o.body);
		return rc;
	}
	rc = fetch_all(&f);
	body_send_end(&f.bs);
	body_close(&o.body);
	tls_ctx_free(f.tls);
	writeout_free(&o.wo);
	json_free(&f.json);
	return rc;
}

/* The entry points: the command named by argv[0]. */
static int run_named(int argc, char **argv, unsigned bit)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (commands[i].bit == bit)
			return run(argc, argv, &commands[i]);
	return EXIT_USAGE; /* never: each entry point names a row */
}

int cmd_http_get(int argc, char **argv)
{
	return run_named(argc, argv, C_GET);
}

int cmd_http_head(int argc, char **argv)
{
	return run_named(argc, argv, C_HEAD);
}

int cmd_http_post(int argc, char **argv)
{
	return run_named(argc, argv, C_POST);
}

int cmd_http_put(int argc, char **argv)
{
	return run_named(argc, argv, C_PUT);
}

int cmd_http_delete(int argc, char **argv)
{
	return run_named(argc, argv, C_DELETE);
}
